"""Who asserts a report and how sure it is: ``claimed_by``, ``certainty`` and hedges.

Rules, in order (cue lists live in ``data/attribution_cues.toml``):

1. The claimant is the noun phrase a source preposition introduces ("according to local sources"), else
   the noun phrase before a reporting verb ("the SDF press center announced"), trimmed of dates,
   determiners, "-linked"/"-backed" modifiers and bracketed acronyms. When the sentence has none but
   refers back ("according to this version of the events", "the statement"), the previous sentence's
   claimant is used.
2. Certainty: an unverified cue ("reports are appearing", "according to some sources", "allegedly",
   "rumours") makes it UNVERIFIED; otherwise a claimant that is a party to the conflict (army, ministry of
   defence, armed group or its press office) makes it CLAIMED; otherwise REPORTED. Plain statements have
   no claimant.
3. Responsibility (``find_responsibility``): the group that claims an attack ("X claimed responsibility"), or
   that officials or sources attribute it to ("sources attributed the attack to X"); "No group claimed
   responsibility" names nobody.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from conflictlog.records import Certainty

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attribution:
    """The party or source asserting a report (None for plain statements), how sure the report is,
    the cue phrases found, and whether the wording is hedged."""

    claimed_by: str | None
    certainty: Certainty
    cues: tuple[str, ...] = ()
    hedged: bool = False


def _phrase_regex(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding any of ``phrases`` as whole words (longest first)."""
    ordered = sorted({phrase.strip() for phrase in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in ordered) + r")(?![\w-])")


@dataclass(frozen=True, slots=True)
class _Cues:
    reporting_verbs: frozenset[str]
    source_prepositions: tuple[str, ...]
    party_terms: tuple[str, ...]
    neutral_terms: tuple[str, ...]
    unverified: tuple[str, ...]
    hedges: tuple[str, ...]
    back_references: tuple[str, ...]
    unverified_re: re.Pattern[str]
    hedges_re: re.Pattern[str]
    back_references_re: re.Pattern[str]
    verbs_re: re.Pattern[str]
    claimed_re: tuple[re.Pattern[str], ...] = ()
    attributed_re: tuple[re.Pattern[str], ...] = ()
    denial_re: re.Pattern[str] | None = None


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    raw = tomllib.loads(resources.files("conflictlog").joinpath("data", "attribution_cues.toml").read_text("utf-8"))
    return _Cues(
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        source_prepositions=tuple(sorted(raw["source_prepositions"], key=len, reverse=True)),
        party_terms=tuple(raw["party_terms"]),
        neutral_terms=tuple(raw["neutral_terms"]),
        unverified=tuple(raw["unverified"]),
        hedges=tuple(raw["hedges"]),
        back_references=tuple(raw["back_references"]),
        unverified_re=_phrase_regex(tuple(raw["unverified"])),
        hedges_re=_phrase_regex(tuple(raw["hedges"])),
        back_references_re=_phrase_regex(tuple(raw["back_references"])),
        verbs_re=re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(v) for v in raw["reporting_verbs"]) + r")(?![\w'’-])",
                            re.IGNORECASE),
        claimed_re=tuple(re.compile(p) for p in raw["responsibility"]["claimed"]),
        attributed_re=tuple(re.compile(p, re.IGNORECASE) for p in raw["responsibility"]["attributed"]),
        denial_re=re.compile("|".join(raw["responsibility"]["denials"]), re.IGNORECASE),
    )


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_LEADING_DATE_RE = re.compile(
    rf"^(?:(?:on|around|in|by|late|early)\s+)?(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?|(?:{_MONTHS})\.?\s+\d{{1,2}}"
    rf"(?:st|nd|rd|th)?)(?:,?\s+\d{{4}})?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
    rf"today|last week|(?:as\s+)?reported on[^,]*)\s*,?\s*",
    re.IGNORECASE,
)
_CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]\"“”]|\b(?:that|and|but|while|which|who|however|meanwhile|when)\b",
                              re.IGNORECASE)
_DETERMINER_RE = re.compile(r"^(?:the|a|an|some|several|many|its|their|his|her|other|multiple)\s+", re.IGNORECASE)
_MODIFIER_RE = re.compile(r"\b[\w.]+-(?:linked|backed|led|affiliated|allied|aligned|run|controlled|based)\s+",
                          re.IGNORECASE)
_ACRONYM_RE = re.compile(r"\s*\([A-Z][A-Za-z.\-]{1,10}\)")
_NEGATION_RE = re.compile(r"\b(?:no|not|none|nobody|neither|never)\b", re.IGNORECASE)
_PRONOUNS = {"it", "he", "she", "they", "we", "i", "this", "which", "who", "that", "there"}


def _has_phrase(text_lower: str, phrase: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(phrase.strip()) + r"(?![\w-])", text_lower) is not None


def _clean_claimant(phrase: str) -> str | None:
    phrase = phrase.strip(" ,.;:'\"“”")
    phrase = _LEADING_DATE_RE.sub("", phrase)
    phrase = _ACRONYM_RE.sub("", phrase)
    phrase = _MODIFIER_RE.sub("", phrase)
    phrase = _DETERMINER_RE.sub("", phrase).strip(" ,.;:'\"“”")
    words = phrase.split()
    if not words or len(words) > 7 or phrase.lower() in _PRONOUNS:
        return None
    if words[0].lower() in {"no", "nobody", "none", "neither"}:
        return None  # "No group claimed responsibility": nobody asserts anything
    if not any(ch.isalpha() for ch in phrase):
        return None
    return phrase


def _after_preposition(text: str, cues: _Cues) -> tuple[str, str] | None:
    lower = text.lower()
    for prep in cues.source_prepositions:
        for match in re.finditer(r"(?<!\w)" + re.escape(prep) + r"\s+", lower):
            rest = text[match.end():]
            cut = _CLAUSE_BREAK_RE.search(rest)
            candidate = rest[: cut.start()] if cut else rest
            candidate = re.split(r"\s+(?:on|in|at|near|during)\s+", candidate, maxsplit=1)[0]
            claimant = _clean_claimant(candidate.rstrip(". "))
            if claimant:
                return claimant, match.group(0).strip()
    return None


def _before_verb(text: str, cues: _Cues) -> tuple[str, str] | None:
    for match in cues.verbs_re.finditer(text):
        word = match.group(0).lower()
        before = text[: match.start()]
        if word == "reported" and re.search(r"\b(?:was|were|is|are|been|as)\s+$", before, re.IGNORECASE):
            continue  # "was reported", "as reported": passive, no claimant here
        # the noun phrase closest to the verb, back to the last clause break
        breaks = list(_CLAUSE_BREAK_RE.finditer(before))
        start = 0
        for brk in reversed(breaks):
            if brk.group(0) in {"(", ")"}:
                continue  # keep "Afrin Liberation Forces (ALF)" whole
            start = brk.end()
            break
        claimant = _clean_claimant(before[start:])
        if claimant and not re.search(r"\b(?:was|were|had|has|have)\b", claimant, re.IGNORECASE):
            return claimant, match.group(0)
    return None


def _is_party(claimant: str, cues: _Cues) -> bool:
    lower = f" {claimant.lower()} "
    if any(_has_phrase(lower, term) for term in cues.neutral_terms if term not in {"media"}) \
            and not any(_has_phrase(lower, term) for term in ("press center", "press centre", "media office")):
        return False
    return any(_has_phrase(lower, term) for term in cues.party_terms)


def find_attribution(text: str, previous_text: str | None = None) -> Attribution:
    """Find who asserts ``text`` (a sentence) and how sure it is; ``previous_text`` resolves back-references
    such as "according to this version of the events"."""
    cues = _cues()
    lower = text.lower()
    found: list[str] = []
    unverified = list(dict.fromkeys(match.group(0) for match in cues.unverified_re.finditer(lower)))
    hedges = list(dict.fromkeys(match.group(0) for match in cues.hedges_re.finditer(lower)))
    found.extend(unverified)
    found.extend(hedges)
    claimant_cue = _after_preposition(text, cues) or _before_verb(text, cues)
    claimant: str | None = None
    if claimant_cue is not None:
        claimant, cue = claimant_cue
        found.append(cue)
    back_reference = [match.group(0) for match in cues.back_references_re.finditer(lower)]
    if previous_text and (claimant is None or (back_reference and claimant.lower().startswith(("this", "the ")))) \
            and back_reference:
        previous = find_attribution(previous_text)
        if previous.claimed_by:
            logger.debug("attribution: %r refers back to %r", back_reference[0], previous.claimed_by)
            claimant = previous.claimed_by
            found.append(back_reference[0])
    if claimant and (claimant.lower() in {"this version of the events", "this version"}
                     or claimant.lower() in cues.unverified or claimant.lower() in cues.hedges):
        claimant = None  # "Unconfirmed reports ...": a hedge read as a subject
    if claimant:
        # "some local sources" and "local sources" name the same kind of source
        claimant = re.sub(r"^(?:some|several|multiple|many)\s+", "", claimant, flags=re.IGNORECASE)
    if unverified:
        certainty = Certainty.UNVERIFIED
    elif claimant and _is_party(claimant, cues):
        certainty = Certainty.CLAIMED
    else:
        certainty = Certainty.REPORTED
    hedged = bool(unverified or hedges)
    return Attribution(claimed_by=claimant, certainty=certainty, cues=tuple(dict.fromkeys(found)), hedged=hedged)


@dataclass(frozen=True, slots=True)
class Responsibility:
    """The group a sentence holds responsible for an attack: ``claimed`` when the group itself claims it,
    else officials or sources attribute it; ``start``/``end`` are the group's offsets in the sentence."""

    group: str
    claimed: bool
    start: int
    end: int
    cue: str


# Words without which no attribution cue can match: a cheap test before the patterns run.
_BLAME_WORDS = re.compile(r"attribut|blame|involvement|pinned|credit|behind|work of|carried out by|perpetrated by",
                          re.I)


def find_responsibility(text: str) -> Responsibility | None:
    """The group ``text`` (a sentence) says claimed an attack or was blamed for it, or None."""
    cues = _cues()
    if "responsib" not in text.lower() and not _BLAME_WORDS.search(text):
        return None
    for patterns, claimed in ((cues.claimed_re, True), (cues.attributed_re, False)):
        for pattern in patterns:
            for match in pattern.finditer(text):
                raw = match.group("group")
                # the group is the last clause of what precedes the verb ("..., but IS claimed responsibility")
                raw = re.split(r"[,;]\s+|\b(?:however|but|while|and then|that|said|say|says|stated|believe|"
                               r"believed|suspect|suspected)\s+", raw, flags=re.I)[-1]
                # the bracketed acronym stays: it is often the one name the alias table knows ("... (ISIL)")
                group = _clean_claimant(raw) and _DETERMINER_RE.sub("", raw.strip(" ,.;:'\"“”"))
                if group and _NEGATION_RE.search(group):
                    continue  # "so far no militant outfit has claimed responsibility"
                if group is None or cues.denial_re is not None and cues.denial_re.search(
                        text[match.end():match.end() + 80]) and not claimed:
                    continue
                start = text.find(group, match.start())
                cue = "claimed responsibility" if claimed else (
                    match.group(0)[: match.start("group") - match.start()].strip() or match.group(0).strip())
                return Responsibility(group, claimed, start, start + len(group), cue)
    return None
