"""ACLED taxonomy and the trigger lexicon that types a sentence's event.

Both live as data (``data/acled_taxonomy.toml``, ``data/event_triggers.toml``); this module loads and checks
them, finds trigger matches in a sentence and applies the precedence and context modifiers the lexicon
declares. It knows nothing of spaCy: actors are passed in as plain text.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from conflictlog.errors import ExtractionError

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TAXONOMY_FILE = "acled_taxonomy.toml"
TRIGGERS_FILE = "event_triggers.toml"

# Modifier names the trigger file may use, in the order they are tried.
MODIFIERS = (
    "if_killing",
    "if_excessive_force",
    "if_violent",
    "if_intervention",
    "if_demonstration",
    "if_state_actor",
    "if_nonstate_actor",
    "if_de_facto_actor",
    "if_unarmed_actors",
    "if_infrastructure_target",
    "if_civilian_target",
    "if_military_target",
)
LEXICONS = ("civilian", "armed", "state", "nonstate", "unarmed_groups", "riot_violence", "intervention",
            "excessive_force", "hypothetical", "anaphora", "anaphora_openers", "de_facto", "secondary",
            "peaceful_handover", "infrastructure")

_KILLING = re.compile(r"\b(killed|killing|shot dead|murdered|executed|beheaded|massacred|hacked to death)\b", re.I)
_POLICING = re.compile(r"\b(police|policemen|law enforcement|riot (police|squad)|officers)\b", re.I)
_DEMONSTRATION = re.compile(r"\b(protest\w*|demonstrat\w*|rall(y|ies|ied)|blocked|barricad\w*|burn\w* (rubber )?tyres|"
                            r"burn\w* (rubber )?tires)", re.I)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger rule from the lexicon: a pattern, the ACLED pair it codes, its precedence and modifiers."""

    id: str
    pattern: re.Pattern[str]
    event_type: str
    sub_event_type: str
    priority: int
    generic: bool = False
    modifiers: tuple[tuple[str, tuple[str, str]], ...] = ()


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    """Where a trigger matched in a sentence (offsets relative to the sentence text)."""

    trigger: Trigger
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The ACLED taxonomy (type -> sub-types), the compiled triggers and the context lexicons."""

    types: dict[str, tuple[str, ...]]
    definitions: dict[str, str]
    triggers: tuple[Trigger, ...]
    lexicons: dict[str, tuple[str, ...]]
    any_trigger: re.Pattern[str]

    def is_valid(self, event_type: str, sub_event_type: str) -> bool:
        """True when the pair is one of ACLED's 25 (type, sub-type) pairs."""
        return sub_event_type in self.types.get(event_type, ())


def _read_toml(name: str) -> dict[str, Any]:
    path = DATA_DIR / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ExtractionError(f"{name}: cannot read data file: {err}", code="E401") from err


def _pair(value: Any, where: str) -> tuple[str, str]:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise ExtractionError(f"{TRIGGERS_FILE}: {where}: expected [event_type, sub_event_type]", code="E402")
    return value[0], value[1]


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """Load and validate the taxonomy and trigger lexicon (cached); raises ExtractionError on a bad file."""
    raw_tax = _read_toml(TAXONOMY_FILE)
    types: dict[str, tuple[str, ...]] = {}
    definitions: dict[str, str] = {}
    for entry in raw_tax.get("event_type", []):
        subs = tuple(sub["name"] for sub in entry.get("sub_event_type", []))
        types[entry["name"]] = subs
        definitions[entry["name"]] = entry.get("definition", "")
        for sub in entry.get("sub_event_type", []):
            definitions[sub["name"]] = sub.get("definition", "")

    raw = _read_toml(TRIGGERS_FILE)
    triggers: list[Trigger] = []
    for entry in raw.get("trigger", []):
        tid = entry.get("id", "?")
        pair = (entry.get("event_type", ""), entry.get("sub_event_type", ""))
        if pair[1] not in types.get(pair[0], ()):
            raise ExtractionError(f"{TRIGGERS_FILE}: trigger {tid!r} codes unknown pair {pair}", code="E402")
        mods: list[tuple[str, tuple[str, str]]] = []
        for key in entry:
            if key.startswith("if_"):
                if key not in MODIFIERS:
                    raise ExtractionError(f"{TRIGGERS_FILE}: trigger {tid!r}: unknown modifier {key!r}", code="E402")
                target = _pair(entry[key], f"trigger {tid!r} {key}")
                if target[1] not in types.get(target[0], ()):
                    raise ExtractionError(
                        f"{TRIGGERS_FILE}: trigger {tid!r} {key} codes unknown pair {target}", code="E402")
                mods.append((key, target))
        mods.sort(key=lambda m: MODIFIERS.index(m[0]))
        try:
            pattern = re.compile(entry["pattern"], re.IGNORECASE)
        except (KeyError, re.error) as err:
            raise ExtractionError(f"{TRIGGERS_FILE}: trigger {tid!r}: bad pattern: {err}", code="E402") from err
        triggers.append(Trigger(tid, pattern, pair[0], pair[1], int(entry.get("priority", 0)),
                                bool(entry.get("generic", False)), tuple(mods)))
    lex = raw.get("lexicon", {})
    lexicons = {name: tuple(w.lower() for w in lex.get(name, ())) for name in LEXICONS}
    any_trigger = re.compile("|".join(f"(?:{t.pattern.pattern})" for t in triggers), re.IGNORECASE)
    logger.debug("taxonomy: %d types, %d triggers", len(types), len(triggers))
    return Taxonomy(types, definitions, tuple(triggers), lexicons, any_trigger)


def find_triggers(text: str, taxonomy: Taxonomy | None = None) -> tuple[TriggerMatch, ...]:
    """All trigger matches in a sentence, best first (priority, then position in the sentence)."""
    tax = taxonomy or load_taxonomy()
    found: list[TriggerMatch] = []
    for trig in tax.triggers:
        for m in trig.pattern.finditer(text):
            found.append(TriggerMatch(trig, m.start(), m.end(), m.group(0)))
    found.sort(key=lambda m: (-m.trigger.priority, m.start))
    return tuple(found)


def has_trigger(text: str, taxonomy: Taxonomy | None = None) -> bool:
    """True when any trigger of the lexicon matches the text (one combined regex: cheap)."""
    tax = taxonomy or load_taxonomy()
    return tax.any_trigger.search(text) is not None


def _words(text: str | None) -> str:
    return " " + re.sub(r"[^\w\s'-]", " ", (text or "").lower()) + " "


def mentions_any(text: str | None, words: tuple[str, ...]) -> bool:
    """True when the text contains one of the lexicon words or phrases as whole words."""
    padded = _words(text)
    return any(f" {w} " in padded for w in words)


def is_civilian(text: str | None, taxonomy: Taxonomy | None = None) -> bool:
    """True when an actor phrase names civilians and no armed group ("a doctor", "two farmers")."""
    tax = taxonomy or load_taxonomy()
    if not text:
        return False
    if re.search(r"\bcivilians?\b|\boff[- ]duty\b", text, re.I):
        return True  # ACLED counts off-duty security personnel as civilians
    return mentions_any(text, tax.lexicons["civilian"]) and not mentions_any(text, tax.lexicons["armed"])


def is_armed(text: str | None, taxonomy: Taxonomy | None = None) -> bool:
    """True when an actor phrase names an armed or organised group, or its positions and vehicles."""
    tax = taxonomy or load_taxonomy()
    return bool(text) and mentions_any(text, tax.lexicons["armed"]) and not re.search(r"\bcivilians?\b", text or "", re.I)


def is_state(text: str | None, taxonomy: Taxonomy | None = None) -> bool:
    """True when an actor phrase names the state's forces ("government forces", "the army")."""
    tax = taxonomy or load_taxonomy()
    if not text or mentions_any(text, tax.lexicons["nonstate"]):
        return False
    return mentions_any(text, tax.lexicons["state"])


def is_nonstate(text: str | None, taxonomy: Taxonomy | None = None) -> bool:
    """True when an actor phrase names a non-state armed group ("IS militants", "gunmen")."""
    tax = taxonomy or load_taxonomy()
    return bool(text) and mentions_any(text, tax.lexicons["nonstate"])


def _crowd(text: str | None, tax: Taxonomy) -> bool:
    """Whether an actor phrase names an unarmed group ("supporters", "traders"); an "armed" crowd is none."""
    return bool(text) and mentions_any(text, tax.lexicons["unarmed_groups"]) and not is_armed(text, tax) \
        and re.search(r"\barmed\b", text or "", re.I) is None


def code_event(match: TriggerMatch, sentence: str, actor1: str | None = None, actor2: str | None = None,
               taxonomy: Taxonomy | None = None) -> tuple[str, str]:
    """The (event_type, sub_event_type) a trigger codes in its sentence, after its context modifiers."""
    tax = taxonomy or load_taxonomy()
    lex = tax.lexicons
    for name, target in match.trigger.modifiers:
        applies = False
        if name == "if_killing":
            applies = _KILLING.search(sentence) is not None
        elif name == "if_excessive_force":
            applies = mentions_any(sentence, lex["excessive_force"])
        elif name == "if_violent":
            applies = mentions_any(sentence, lex["riot_violence"])
        elif name == "if_intervention":
            applies = mentions_any(sentence, lex["intervention"])
        elif name == "if_demonstration":
            # rioters facing the police are a demonstration turned violent; a raid or a lynching is no demonstration
            applies = _DEMONSTRATION.search(sentence) is not None or (
                re.fullmatch(r"rioters?", match.text, re.I) is not None and _POLICING.search(sentence) is not None)
        elif name == "if_state_actor":
            applies = is_state(actor1, tax)
        elif name == "if_nonstate_actor":
            applies = is_nonstate(actor1, tax)
        elif name == "if_de_facto_actor":
            applies = bool(actor1) and mentions_any(actor1, lex["de_facto"])
        elif name == "if_unarmed_actors":
            # a clash between a crowd and the police is a riot; an attack on a crowd is not
            both_sides = not match.trigger.generic
            applies = (_crowd(actor1, tax) and (actor2 is None or not is_armed(actor2, tax)
                                                or (both_sides and is_state(actor2, tax)))) \
                or (both_sides and _crowd(actor2, tax) and is_state(actor1, tax))
        elif name == "if_infrastructure_target":
            applies = (mentions_any(actor2, lex["infrastructure"]) and not is_armed(actor2, tax)
                       and _KILLING.search(sentence) is None)
        elif name == "if_civilian_target":
            applies = is_civilian(actor2, tax)
        elif name == "if_military_target":
            applies = is_armed(actor2, tax) and not is_civilian(actor2, tax)
        if applies:
            logger.debug("taxonomy: trigger %s re-coded by %s -> %s", match.trigger.id, name, target)
            return target
    return match.trigger.event_type, match.trigger.sub_event_type


def code_crowd_event(pair: tuple[str, str], text: str, taxonomy: Taxonomy | None = None) -> tuple[str, str]:
    """Re-code an event known to involve a crowd (a demonstration record): protests stay protests unless the
    crowd turned violent; any other violence by the crowd is a riot."""
    tax = taxonomy or load_taxonomy()
    lex = tax.lexicons
    demo = _DEMONSTRATION.search(text) is not None
    if pair[0] == "Protests":
        if pair[1] == "Peaceful protest" and mentions_any(text, lex["riot_violence"]):
            return "Riots", "Violent demonstration"
        return pair
    if pair[0] == "Riots":
        if pair[1] == "Mob violence" and demo:
            return "Riots", "Violent demonstration"
        return pair
    return ("Riots", "Violent demonstration") if demo else ("Riots", "Mob violence")
