"""Casualty counts from report text: fatalities (ACLED's lowest credible figure) and injuries, kept apart.

The counter works on tokens, not on a parse, so it runs on any sentence (parsed or not):

1. A coder's note wins: "Fatalities coded as 0 (the group reported 3)" -> 0; "split across 2 events (7)" -> 7.
2. Otherwise each clause is read for a quantified group next to a casualty word:
   subject + verb ("3 soldiers and 2 civilians were killed" -> 5, "two people died"),
   verb + object ("killing 10 ISIS members", "gunmen killed a farmer"),
   casualty nouns ("5 dead", "1 fatality", "the bodies of 3 men", "death toll rose to 12").
   A group list is summed; a range keeps its lowest figure ("5 to 7" -> 5, high 7); qualifiers such as
   "at least" / "more than" keep the stated figure. Number words and vague quantities come from
   ``data/number_words.toml`` ("dozens" -> 12, ACLED's rule).
3. "no casualties", "Casualties unknown", "no one was killed" give 0. Arrests, abductions and
   displacements are never counted.

Within one sentence figures for different groups add up; across sentences the larger figure is kept unless
the later sentence adds to it ("also", "another", "other", "additional"), so a recap of the same toll is not
counted twice.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CasualtyCount:
    """Fatalities (lowest credible figure, 0 when none reported), injuries (None when not reported),
    the high end of a stated range, and the phrases that gave the figures."""

    fatalities: int
    injured: int | None = None
    fatalities_high: int | None = None
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _NumberWords:
    units: dict[str, int]
    tens: dict[str, int]
    multipliers: dict[str, int]
    vague: dict[tuple[str, ...], int]
    vague_longest_first: tuple[tuple[tuple[str, ...], int], ...] = ()


@lru_cache(maxsize=1)
def _number_words() -> _NumberWords:
    raw = tomllib.loads(resources.files("conflictlog").joinpath("data", "number_words.toml").read_text("utf-8"))
    vague = {tuple(phrase.split()): int(value) for phrase, value in raw["vague"].items()}
    return _NumberWords(
        units={k: int(v) for k, v in raw["units"].items()},
        tens={k: int(v) for k, v in raw["tens"].items()},
        multipliers={k: int(v) for k, v in raw["multipliers"].items()},
        vague=vague,
        vague_longest_first=tuple(sorted(vague.items(), key=lambda item: -len(item[0]))),
    )


def number_word(word: str) -> int | None:
    """The value of a number written as one word: digits ("5") or a number word ("five", "twenty"), or None."""
    if word.isdigit():
        return int(word)
    words = _number_words()
    key = word.lower()
    return words.units.get(key) or words.tens.get(key)


_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’/:.\-]*[A-Za-z0-9]|[A-Za-z0-9]|[,;:()\[\]\"“”]|\.(?=\s|$)")
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_QUALIFIERS = {
    ("at", "least"), ("more", "than"), ("over",), ("about",), ("around",), ("nearly",), ("almost",),
    ("approximately",), ("some",), ("roughly",), ("up", "to"), ("as", "many", "as"), ("an", "estimated"),
    ("a", "total", "of"), ("another",), ("other",), ("a", "further"), ("further",), ("additional",),
    ("at", "most"), ("less", "than"), ("fewer", "than"), ("estimated",), ("reportedly",), ("all",),
}
_QUALIFIERS_LONGEST_FIRST = tuple(sorted(_QUALIFIERS, key=len, reverse=True))
_AUX = {
    "were", "was", "are", "is", "be", "been", "being", "have", "has", "had", "got", "get", "reportedly",
    "allegedly", "also", "all", "both", "later", "subsequently", "eventually", "then", "each", "apparently",
    "reported", "reportedly", "confirmed", "believed", "feared", "said", "to", "presumably", "critically",
    "seriously", "severely", "fatally", "slightly", "lightly", "badly", "mortally", "shot", "stabbed",
    "beaten", "attacked", "abducted", "kidnapped", "tortured", "captured", "and", "immediately", "instantly",
    "consequently", "allegedly",
}
# Words after "to" that mean the killing did not (yet) happen: "threatened to kill", "tried to kill".
_NOT_DONE = {"threatened", "threatens", "threaten", "tried", "attempted", "attempt", "attempting", "plotted",
             "plotting", "planned", "planning", "vowed", "failed", "wanted", "sought", "order", "ordered"}
_DEATH_VERBS = {
    "killed", "died", "dead", "executed", "beheaded", "slain", "murdered", "assassinated", "lynched",
    "massacred", "perished", "succumbed", "die", "dies", "dying",
}
_DEATH_ACTIVE = {
    "killing", "killed", "kills", "kill", "executing", "executed", "execute", "executes", "murdering",
    "murdered", "beheading", "beheaded", "assassinating", "assassinated", "massacring", "massacred",
    "lynching", "lynched",
}
_INJURY_VERBS = {"injured", "wounded", "hurt", "injures", "wounds", "maimed"}
_INJURY_ACTIVE = {"injuring", "wounding", "injured", "wounded", "injure", "wound", "hurting", "maiming"}
_DEATH_NOUNS = {"dead", "deaths", "death", "fatalities", "fatality", "bodies", "body", "corpses", "corpse",
                "martyr", "martyrs"}
_INJURY_NOUNS = {"injured", "wounded", "injuries", "injury", "hurt"}
# Heads that are never people: a count of them is not a casualty figure.
_NON_PERSON = {
    "km", "kilometres", "kilometers", "km2", "miles", "metres", "meters", "percent", "%", "hours", "hour",
    "days", "day", "weeks", "week", "months", "month", "years", "year", "am", "pm", "vehicles", "vehicle",
    "houses", "homes", "buildings", "tanks", "cattle", "cows", "goats", "sheep", "camels", "animals",
    "rounds", "shells", "rockets", "missiles", "drones", "times", "villages", "positions", "roads", "events",
    "locations", "attacks", "incidents", "bombs", "mortars", "trucks", "cars", "motorcycles", "shops",
    "dollars", "usd", "million", "billion", "graves", "grave", "tunnels", "weapons", "munitions", "caches",
    "checkpoints", "posts", "bases", "schools", "hospitals", "mosques", "churches", "families", "households",
    # acts ("in an ambush and 2 civilians were injured"): an article before them is no count of people
    "ambush", "attack", "explosion", "blast", "clash", "raid", "strike", "airstrike", "operation", "incident",
    "shooting", "bombing", "encounter", "firefight", "assault",
}
_STOP = {",", ";", ":", "(", ")", "[", "]", '"', "“", "”", ".", "and", "or", "but", "while", "who", "which",
         "that", "after", "before", "when", "as", "in", "on", "at", "by", "with", "near", "during", "following",
         "across", "inside", "outside", "into", "along", "throughout", "around", "against", "for", "since", "amid",
         "via", "toward", "towards", "through", "within", "where", "because", "if", "result", "including"}
_GROUP_PREPOSITIONS = {"of", "from"}
_ZERO_FATAL_RE = re.compile(
    r"\b(?:no (?:casualties|fatalities|deaths|one was killed|one died|one has been killed|lives were lost)"
    r"|nobody (?:was|has been) killed|no one (?:was|has been|were) (?:killed|hurt|injured)"
    r"|casualties (?:are |were |remain )?unknown|unknown casualties|without (?:any )?casualties"
    r"|no (?:reported )?(?:casualties|fatalities|deaths)(?: were)? reported"
    r"|no (?:fatalities|deaths) (?:were |have been )?reported)\b",
    re.IGNORECASE,
)
_ZERO_INJURED_RE = re.compile(
    r"\b(?:no (?:injuries|casualties|one was (?:hurt|injured|wounded))|nobody (?:was|has been) (?:hurt|injured)"
    r"|without (?:any )?(?:injuries|casualties))\b",
    re.IGNORECASE,
)
_CODED_PATTERNS = (
    # "fatalities coded as 12 and split between 4 locations" -> 12 // 4
    re.compile(r"fatalit(?:y|ies)[^.;]{0,40}?coded as (\d+) and split (?:between|across) (\d+)", re.I),
    re.compile(r"fatalit(?:y|ies) (?:are |were |is )?coded as (\d+)", re.I),
    re.compile(r"fatalit(?:y|ies)[^.;]{0,60}?split across \d+ (?:events|locations)\s*\((\d+)\)", re.I),
    re.compile(r"split across \d+ (?:events|locations)[^.;]{0,20}?coded as (\d+)", re.I),
    re.compile(r"(\d+) fatalit(?:y|ies) (?:are |is )?coded for this event", re.I),
    # ACLED notes end with the figure coded: "... IS sustained 2 fatalities. 3 fatalities."
    re.compile(r"^\s*(\d+) fatalit(?:y|ies)\.?\s*$", re.I),
    # "(fatalities coded to the Talakivka event)": this event gets none of them
    re.compile(r"fatalit(?:y|ies) (?:are |were |is )?coded to (?:the |another |an? )?[^.;()]{0,40}?event()", re.I),
)
_CASUALTY_WORD_RE = re.compile(
    r"kill|dead|die[ds]?\b|dying|death|injur|wound|hurt|bod(?:y|ies)|fatalit|casualt|execut|behead|slain|murder|"
    r"assassinat|lynch|massacr|perish|succumb|toll|martyr|corpse|lives|maim",
    re.IGNORECASE,
)
_ADDITIVE = {"also", "another", "other", "others", "additional", "further", "more"}


def _tokens(text: str) -> list[str]:
    return [match.group(0).lower().replace("’", "'") for match in _TOKEN_RE.finditer(text)]


def _digits(token: str) -> int | None:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", token):
        return int(token.replace(",", ""))
    return None


def _parse_cardinal(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Parse a number at ``tokens[i]``: digits, number words ("twenty-five", "two hundred", "a dozen")
    or a vague quantity; returns (value, next index)."""
    words = _number_words()
    for phrase, value in words.vague_longest_first:
        if tokens[i] == phrase[0] and tuple(tokens[i:i + len(phrase)]) == phrase:
            nxt = i + len(phrase)
            # "a dozen" can be "two dozen"; "dozens of" keeps its figure
            return value, nxt
    if i >= len(tokens):
        return None
    token = tokens[i]
    value = _digits(token)
    if value is not None:
        nxt = i + 1
        if nxt < len(tokens) and tokens[nxt] in words.multipliers and tokens[nxt] != "dozen":
            value *= words.multipliers[tokens[nxt]]
            nxt += 1
        return value, nxt
    parts = token.split("-")
    if len(parts) == 2 and parts[0] in words.tens and parts[1] in words.units:
        return words.tens[parts[0]] + words.units[parts[1]], i + 1
    if token in words.tens:
        value, nxt = words.tens[token], i + 1
        if nxt < len(tokens) and tokens[nxt] in words.units and words.units[tokens[nxt]] < 10:
            value += words.units[tokens[nxt]]
            nxt += 1
    elif token in words.units:
        value, nxt = words.units[token], i + 1
    elif token in {"a", "an"} and i + 1 < len(tokens) and tokens[i + 1] in words.multipliers:
        value, nxt = 1, i + 1
    else:
        return None
    while nxt < len(tokens) and tokens[nxt] in words.multipliers:
        value *= words.multipliers[tokens[nxt]]
        nxt += 1
    return value, nxt


@dataclass(frozen=True, slots=True)
class _Group:
    low: int
    high: int
    start: int
    end: int  # index after the group's last token
    head: str


def _is_date_number(tokens: list[str], i: int) -> bool:
    token = tokens[i]
    value = _digits(token)
    if value is None:
        return False
    prev = tokens[i - 1] if i > 0 else ""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if prev in _MONTHS or nxt in _MONTHS:
        return True
    return "," not in token and 1900 <= value <= 2100


def _parse_quantity(tokens: list[str], i: int) -> tuple[int, int, int] | None:
    """A quantity with qualifiers and ranges at ``tokens[i]``: (low, high, next index)."""
    j = i
    if i >= len(tokens):
        return None
    for qualifier in _QUALIFIERS_LONGEST_FIRST:
        if tokens[j] == qualifier[0] and tuple(tokens[j:j + len(qualifier)]) == qualifier:
            j += len(qualifier)
            break
    if j < len(tokens) and tokens[j] == "between":
        j += 1
    if j >= len(tokens) or _is_date_number(tokens, j):
        return None
    first = _parse_cardinal(tokens, j)
    if first is None:
        token = tokens[j]
        # "5-7" written as one token
        match = re.fullmatch(r"(\d+)-(\d+)", token)
        if match:
            low, high = sorted((int(match.group(1)), int(match.group(2))))
            return low, high, j + 1
        return None
    low, nxt = first
    high = low
    if nxt + 1 < len(tokens) and tokens[nxt] in {"to", "or", "-", "and"} and tokens[nxt - 1] not in {"a", "an"}:
        second = _parse_cardinal(tokens, nxt + 1)
        # "5 to 7 people" is a range; "3 soldiers and 2 civilians" is a list (the noun comes first)
        if second is not None and second[0] > low and tokens[nxt] != "and":
            high = second[0]
            nxt = second[1]
        elif second is not None and tokens[nxt] == "and" and tokens[j - 1:j] == ["between"] and second[0] > low:
            high = second[0]
            nxt = second[1]
    if nxt < len(tokens) and tokens[nxt] == "of":
        nxt += 1  # "dozens of", "a number of"
    return low, high, nxt


# "protested following the death of a civilian": a death named as the cause of the act is not its casualty
_CAUSE_WORDS = frozenset({"following", "over", "after", "against", "for", "condemning", "mourning", "denouncing",
                          "protesting", "demanding", "into", "about", "commemorating", "marking"})
_CLAUSE_AUX = frozenset({"was", "were", "is", "are", "has", "have", "had"})


def _parse_group(tokens: list[str], i: int) -> _Group | None:
    """A quantified noun group: quantity + up to eight words naming who ("10 ISIS members")."""
    quantity = _parse_quantity(tokens, i)
    if quantity is None:
        if i < len(tokens) and tokens[i] in {"a", "an", "the", "he", "she"}:
            low = high = 1
            nxt = i + 1
        else:
            return None
    else:
        low, high, nxt = quantity
    start_noun = nxt
    end = nxt
    while end < len(tokens) and end - start_noun < 8:
        token = tokens[end]
        if token in _STOP or token in _AUX - {"all", "both", "each", "shot", "reported", "to"} or token in _DEATH_ACTIVE \
                or token in _DEATH_VERBS or token in _INJURY_ACTIVE or token in _INJURY_VERBS:
            break
        if token in _DEATH_NOUNS or token == "casualties":
            end += 1
            break
        words = _number_words()
        if end > start_noun and tokens[end - 1] not in _GROUP_PREPOSITIONS and (
                _digits(token) is not None or token in words.units or token in words.tens):
            break  # a new figure starts a new group
        if token in _GROUP_PREPOSITIONS and end > start_noun:
            # "3 members of the group" keeps going, "the bodies of" is handled by the noun rule
            end += 1
            continue
        end += 1
    head = tokens[end - 1] if end > start_noun else ""
    counted = tokens[start_noun:end]
    counted = counted[:counted.index("of")] if "of" in counted else counted
    if any(token in _NON_PERSON for token in counted):
        return None  # "several mass graves of civilians": the figure counts graves, not people
    if head in _NON_PERSON or (quantity is None and tokens[i] in {"a", "an", "the"} and end == start_noun):
        return None
    if quantity is None and tokens[i] in {"he", "she"}:
        head = tokens[i]
    return _Group(low=low, high=high, start=i, end=end, head=head)


def _parse_list(tokens: list[str], i: int, objects: bool = False) -> list[_Group]:
    """Groups joined by "and" / commas: "3 soldiers and 2 civilians", "one policeman and one militiaman".

    With ``objects`` (the list follows its verb: "killed 3 soldiers and 2 civilians were injured") a group that
    starts a clause of its own ends the list."""
    groups: list[_Group] = []
    group = _parse_group(tokens, i)
    while group is not None:
        if objects and groups and group.end < len(tokens) and tokens[group.end] in _CLAUSE_AUX:
            break
        groups.append(group)
        j = _skip_place_before_next_group(tokens, group.end)
        if j < len(tokens) and tokens[j] == ",":
            j += 1
        if j < len(tokens) and tokens[j] == "and":
            j += 1
        if j == group.end:
            break
        nxt = _parse_quantity(tokens, j)
        if nxt is None and not (j < len(tokens) and tokens[j] in {"a", "an", "one"}):
            break
        group = _parse_group(tokens, j)
    return groups


def _skip_place_before_next_group(tokens: list[str], j: int) -> int:
    """"8 civilians in X village and 7 civilians in Y": skip the first group's place when another group of the
    same act follows it (the second group must not start a clause of its own: "... and 2 were injured")."""
    if j >= len(tokens) or tokens[j] not in ("in", "at", "near"):
        return j
    k = j + 1
    while k < min(len(tokens), j + 7) and tokens[k] not in ("and", ",", ".", ";"):
        k += 1
    if k >= len(tokens) or tokens[k] != "and" or _parse_quantity(tokens, k + 1) is None:
        return j
    following = _parse_group(tokens, k + 1)
    if following is None or (following.end < len(tokens)
                             and tokens[following.end] not in ("in", "at", "near", ",", ".", ";")):
        return j
    return k


def _skip_apposition(tokens: list[str], j: int) -> int:
    """Skip what stands between a group and its verb: ", including five assailants and one police constable,",
    a bracket "(HF)", or a relative pronoun ("two guards who were shot dead")."""
    if j < len(tokens) and tokens[j] == "(":
        close = next((m for m in range(j + 1, min(j + 12, len(tokens))) if tokens[m] == ")"), None)
        if close is not None:
            j = close + 1
            if j < len(tokens) and tokens[j] not in _AUX:
                # "12 soldiers from the Hill Front (HF) command were killed": the group goes on
                while j < len(tokens) and tokens[j] not in _STOP and tokens[j] not in _AUX and j - close < 5:
                    j += 1
    if j < len(tokens) and tokens[j] in {"who", "that", "which"}:
        return j + 1
    k = j + 1 if j < len(tokens) and tokens[j] == "," else j
    if k < len(tokens) and tokens[k] in {"including", "among", "mostly", "most", "mainly"}:
        for m in range(k + 1, min(k + 16, len(tokens))):
            if tokens[m] == ",":
                return m + 1
            if tokens[m] in _AUX - {"and", "all", "both", "shot", "to"}:
                return m
    return j


def _skip_aux(tokens: list[str], j: int, limit: int = 5) -> int:
    start = j
    while j < len(tokens) and tokens[j] in _AUX and j - start < limit:
        if tokens[j] == "to" and j > 0 and tokens[j - 1] in _NOT_DONE:
            return j
        if tokens[j] == "and" and j + 1 < len(tokens) and tokens[j + 1] not in (_AUX | _DEATH_VERBS | _INJURY_VERBS):
            break
        j += 1
    return j


def _kind_at(tokens: list[str], j: int) -> tuple[str | None, int]:
    """Which casualty word starts at ``tokens[j]`` ("death" / "injury"), and the index after it."""
    if j >= len(tokens):
        return None, j
    token = tokens[j]
    if tuple(tokens[j:j + 3]) in {("lost", "their", "lives"), ("lost", "his", "life"), ("lost", "her", "life")}:
        return "death", j + 3
    if token in {"shot", "burned", "burnt", "stabbed", "beaten", "hacked", "tortured", "stoned", "starved"} and \
            tuple(tokens[j + 1:j + 3]) == ("to", "death"):
        return "death", j + 3
    if token == "shot" and j + 1 < len(tokens) and tokens[j + 1] == "dead":
        return "death", j + 2
    if token in _DEATH_VERBS:
        return "death", j + 1
    if token in _INJURY_VERBS:
        return "injury", j + 1
    return None, j


def _group_kind(group: _Group) -> str | None:
    if group.head in _DEATH_NOUNS:
        return "death"
    if group.head in _INJURY_NOUNS or group.head == "injuries":
        return "injury"
    return None


@dataclass
class _Tally:
    fatal_low: int = 0
    fatal_high: int = 0
    fatal_ranged: bool = False
    injured: int | None = None
    cues: list[str] | None = None

    def add(self, kind: str, groups: list[_Group], cue: str) -> None:
        low = sum(g.low for g in groups)
        high = sum(g.high for g in groups)
        if self.cues is None:
            self.cues = []
        self.cues.append(cue)
        if kind == "death":
            self.fatal_low += low
            self.fatal_high += high
            self.fatal_ranged = self.fatal_ranged or high != low
        else:
            self.injured = (self.injured or 0) + low


def _is_named_person(original: list[str], j: int) -> bool:
    """Two or more capitalised words followed by a comma and a title: "Tomas Lund, a local judge"."""
    k = j
    while k < len(original) and original[k].lower() not in _MONTHS and (
            original[k][:1].isupper() or re.match(r"(?:al|el|ad|ar|as|an|ash|bin|ibn|abu|de|van|von)\b-?", original[k])
            and k > j):
        k += 1
    return k - j >= 2 and k + 1 < len(original) and original[k] == "," and original[k + 1].lower() in {
        "a", "an", "the", "who", "his", "her"}


def _count_sentence(text: str) -> _Tally:
    original = [match.group(0).replace("’", "'") for match in _TOKEN_RE.finditer(text)]
    tokens = [token.lower() for token in original]
    tally = _Tally()
    used: set[int] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        # verb + object: "killing 10 ISIS members", "killed a farmer", "wounding 3"
        if token in _DEATH_ACTIVE or token in _INJURY_ACTIVE or tuple(tokens[i:i + 2]) in {
            ("shot", "dead"), ("shooting", "dead"), ("claimed", "the"), ("claiming", "the"), ("leaving", "at"),
        } or token in {"leaving", "left", "shoot", "shoots", "shooting", "shot"}:
            if i > 0 and tokens[i - 1] == "to" and i > 1 and tokens[i - 2] in _NOT_DONE:
                i += 1
                continue
            kind = "death" if token in _DEATH_ACTIVE else "injury" if token in _INJURY_ACTIVE else None
            j = i + 1
            if tuple(tokens[i:i + 2]) in {("shot", "dead"), ("shooting", "dead")}:
                kind, j = "death", i + 2
            elif tuple(tokens[i:i + 5]) in {("claimed", "the", "lives", "of"), ("claiming", "the", "lives", "of")}:
                kind, j = "death", i + 4
            elif tokens[j:j + 2] in (["and", "injuring"], ["and", "wounding"], ["and", "injured"], ["and", "wounded"]):
                j += 2  # "killing and wounding 5": the figure is not split, count nothing for either
                i = j
                continue
            leave_like = token in {"leaving", "left", "shoot", "shoots", "shooting", "shot"} and kind is None
            groups = [g for g in _parse_list(tokens, j, objects=True) if g.start not in used] \
                if kind or leave_like else []
            if groups and leave_like:
                after = groups[-1].end
                kind, _ = _kind_at(tokens, after)
                if kind is None:
                    kind = _group_kind(groups[-1])
            if groups and kind:
                tally.add(kind, groups, " ".join(tokens[i:groups[-1].end]))
                used.update(g.start for g in groups)
                i = groups[-1].end
                continue
            if kind and j < len(tokens) and (tokens[j] in {"him", "her"} or _is_named_person(original, j)):
                # "killing him", "shot and killed Marta al-Rosen, a judge ...": one person
                tally.add(kind, [_Group(1, 1, j, j + 1, tokens[j])], " ".join(tokens[i:j + 1]))
                i = j + 1
                continue
        # subject + verb: "3 soldiers and 2 civilians were killed", "5 dead", "an officer killed in X"
        groups = _parse_list(tokens, i) if i not in used else []
        if groups:
            end = groups[-1].end
            noun_kind = _group_kind(groups[-1])
            k = _skip_apposition(tokens, end)
            k = _skip_aux(tokens, k)
            kind, after = _kind_at(tokens, k)
            if kind and tokens[after:after + 2] in (["or", "wounded"], ["or", "injured"], ["and", "wounded"],
                                                    ["and", "injured"]):
                # "51 fighters were killed or wounded": the figure is not split, count it for neither
                used.update(g.start for g in groups)
                i = after + 2
                continue
            had_aux = k > end
            if kind and not had_aux and tokens[k] in {"killed", "executed", "murdered", "beheaded", "wounded",
                                                      "injured", "assassinated"}:
                # active voice ("2 gunmen killed 5 people"): the subject is not the casualty
                obj = _parse_quantity(tokens, after) if after < len(tokens) else None
                if obj is not None or (after < len(tokens) and tokens[after] in {"a", "an", "the", "his", "her",
                                                                                    "their", "two", "one"}):
                    kind = None
            lone_article = len(groups) == 1 and tokens[groups[0].start] in {"a", "an", "the", "he", "she"}
            if lone_article and kind and tokens[groups[0].start] == "the" and not (
                    k > 0 and tokens[k - 1] in {"was", "has"} or "was" in tokens[end:k]):
                kind = None  # "the soldiers were killed": plural, no figure
            if kind:
                tally.add(kind, groups, " ".join(tokens[i:after]))
                used.update(g.start for g in groups)
                i = after
                continue
            if noun_kind and (not lone_article or groups[0].head in {"body", "corpse", "martyr"}):
                tally.add(noun_kind, groups, " ".join(tokens[i:end]))
                used.update(g.start for g in groups)
                i = end
                continue
        # casualty nouns: "the bodies of 3 men", "death toll rose to 12", "the deaths of 2"
        if token in {"bodies", "body", "deaths", "death", "corpses"} and i + 1 < len(tokens) and tokens[i + 1] == "of" \
                and not (i > 1 and tokens[i - 1] == "the" and tokens[i - 2] in _CAUSE_WORDS):
            groups = _parse_list(tokens, i + 2)
            if groups:
                tally.add("death", groups, " ".join(tokens[i:groups[-1].end]))
                used.update(g.start for g in groups)
                i = groups[-1].end
                continue
        if token == "toll":
            for j in range(i + 1, min(i + 6, len(tokens))):
                quantity = _parse_quantity(tokens, j)
                if quantity is not None:
                    low, high, nxt = quantity
                    tally.fatal_low = max(tally.fatal_low, low)
                    tally.fatal_high = max(tally.fatal_high, high)
                    tally.fatal_ranged = tally.fatal_ranged or high != low
                    tally.cues = (tally.cues or []) + [" ".join(tokens[i:nxt])]
                    used.add(j)
                    i = nxt
                    break
            else:
                i += 1
            continue
        i += 1
    return tally


def _split_sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“'])", text) if part.strip()]


def coded_note(text: str) -> tuple[int, str] | None:
    """A coder's note that states the figure coded ("Fatalities coded as 0 (VoJ reported 3)"): the figure
    and the note's words, or None."""
    for pattern in _CODED_PATTERNS:
        match = pattern.search(text)
        if match:
            coded = int(match.group(1)) if match.group(1) else 0
            if match.lastindex and match.lastindex >= 2 and int(match.group(2)) > 0:
                coded //= int(match.group(2))
            return coded, match.group(0)
    return None


def count_casualties(text: str) -> CasualtyCount:
    """Count fatalities (ACLED's lowest credible figure; 0 when none reported) and injuries in ``text``."""
    if not text or not text.strip():
        return CasualtyCount(fatalities=0)
    if not _CASUALTY_WORD_RE.search(text):
        return CasualtyCount(fatalities=0)  # no casualty word at all: skip the token scan
    note = coded_note(text)
    if note is not None:
        coded, words = note
        injured = count_casualties(text[: text.find(words)]).injured
        logger.debug("casualties: coder's note %r wins", words)
        return CasualtyCount(fatalities=coded, injured=injured, cues=(words,))
    fatal_low = fatal_high = 0
    ranged = False
    injured: int | None = None
    cues: list[str] = []
    for sentence in _split_sentences(text):
        tally = _count_sentence(sentence)
        first_words = set(_tokens(sentence)[:12])
        additive = bool(first_words & _ADDITIVE) or bool(re.search(r"\b(also|another|other|additional)\b", sentence, re.I))
        if tally.fatal_low or tally.fatal_high:
            if additive:
                fatal_low += tally.fatal_low
                fatal_high += tally.fatal_high
            elif tally.fatal_low > fatal_low:
                fatal_low, fatal_high = tally.fatal_low, max(tally.fatal_high, fatal_high)
            ranged = ranged or tally.fatal_ranged
        if tally.injured is not None:
            injured = tally.injured if injured is None or not additive else injured + tally.injured
            if not additive and injured is not None:
                injured = max(injured, tally.injured)
        cues.extend(tally.cues or [])
    zero_fatal = _ZERO_FATAL_RE.search(text)
    if zero_fatal and not fatal_low:
        cues.append(zero_fatal.group(0))
    zero_injured = _ZERO_INJURED_RE.search(text)
    if zero_injured and injured is None:
        injured = 0
        if zero_injured.group(0) not in cues:
            cues.append(zero_injured.group(0))
    high = fatal_high if ranged and fatal_high > fatal_low else None
    return CasualtyCount(fatalities=fatal_low, injured=injured, fatalities_high=high, cues=tuple(cues))


def count_event_casualties(sentence_text: str, following: Sequence[str] = ()) -> CasualtyCount:
    """Casualties of the event a sentence reports, reading on into ``following`` sentences of the same
    paragraph that report no event of their own ("Two militants were killed.", "Fatalities coded as 0 (...)").

    The caller passes only follow-up sentences without a trigger of their own: a coder's note among them wins,
    a later figure adds to the event's when it says so ("also", "another"), otherwise the larger figure stands.
    """
    return count_casualties(" ".join(part.strip() for part in (sentence_text, *following) if part and part.strip()))
