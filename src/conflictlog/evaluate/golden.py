"""Golden-article matching: which expected events an export contains, and which forbidden statements
came out as ordinary events.

``match_expected`` applies the ``how_to_match`` rule of a golden ``expected.json`` to exported event dicts
(ACLED column names, as ``conflictlog export --format jsonl`` writes them):

* an expected event is *found* when one exported event has the same ``event_type`` (one of them when the
  expectation lists several), the same ``admin1`` (normalised: accents, hyphens, Arabic articles and
  "Governorate"/"Province" ignored), the named ``location`` when the expected ``geo_precision`` is town or
  near-town only (1 or 2; an expectation that allows 3 needs only the province), an ``event_date`` inside
  ``date_range``, and at least one expected actor among its actors (actor1, actor2, associated actors),
  names compared after alias normalisation (``resolve.actors.canonical_key``, then word containment, so
  "Islamic State" matches "Islamic State (Syria)");
* a differing ``sub_event_type`` on a found event is reported separately, not as a miss;
* a ``must_not_extract`` statement is *violated* when an ordinary event (not historical, not unverified)
  has an evidence sentence containing most of the statement's key words whose cue words come from the
  statement (a sentence kept only as supporting evidence of another act does not count).
* named locations match after normalisation when one name's words contain the other's, or when the
  spellings are close (difflib ratio >= ``PLACE_SIMILARITY``: "Ar-Raqqa" / "Ar Raqqah").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from conflictlog.evaluate.scoring import actor_matches, admin1_matches, normalise_place

logger = logging.getLogger(__name__)

PLACE_SIMILARITY = 0.8
"""Similarity (difflib ratio of normalised names) at which two place names are spelling variants."""

KEYWORD_SHARE = 0.6
"""Share of a forbidden statement's key words an evidence sentence must contain to count as that statement."""

_STOPWORDS = frozenset(
    "the a an and or of in on at to for by with from that this these those was were is are be been being "
    "which who whom whose it its their them they there then than as into onto over under after before even "
    "would could should will shall may might can had has have not no".split()
)


@dataclass(frozen=True, slots=True)
class GoldenResult:
    """Outcome of matching an export against a golden expectation: expected ids found and missing,
    ids of forbidden statements that came out as ordinary events, and found events whose sub-type differs."""

    found: tuple[str, ...]
    missing: tuple[str, ...]
    violations: tuple[str, ...]
    sub_event_mismatches: tuple[str, ...] = ()
    matched_rows: Mapping[str, int] | None = None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str) and "; " in value:
        return [part for part in value.split("; ") if part]
    return [value]


def _actors_of(event: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        names.extend(str(name) for name in _as_list(event.get(column)) if name)
    return names


def _parse_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _location_matches(expected: str, found: str | None) -> bool:
    if not found:
        return False
    want, got = normalise_place(expected), normalise_place(found)
    if not want or not got:
        return False
    if SequenceMatcher(None, want, got).ratio() >= PLACE_SIMILARITY:
        return True  # spelling variants: "Ar-Raqqa" / "Ar Raqqah"
    want_words, got_words = set(want.split()), set(got.split())
    return want_words <= got_words or got_words <= want_words


def _event_matches(event: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    types = _as_list(expected.get("event_type"))
    if types and event.get("event_type") not in types:
        return False
    if expected.get("admin1") and not admin1_matches(str(expected["admin1"]), event.get("admin1")):
        return False
    precisions = _as_list(expected.get("geo_precision"))
    if expected.get("location") and precisions and 3 not in precisions:
        if not _location_matches(str(expected["location"]), event.get("location")):
            return False
    date_range = expected.get("date_range")
    if date_range:
        day = _parse_day(event.get("event_date"))
        low, high = _parse_day(date_range[0]), _parse_day(date_range[-1])
        if day is None or low is None or high is None or not low <= day <= high:
            return False
    wanted = _as_list(expected.get("actors"))
    if wanted:
        names = _actors_of(event)
        if not any(actor_matches(want, name) for want in wanted for name in names):
            return False
    return True


def _keywords(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
    return [word for word in words if len(word) >= 3 and word not in _STOPWORDS]


def _is_ordinary(event: Mapping[str, Any]) -> bool:
    return not event.get("historical") and str(event.get("certainty") or "").lower() != "unverified"


def _states(event: Mapping[str, Any], keywords: list[str]) -> bool:
    """True when one of the event's evidence sentences carries the statement and the statement's own words
    coded the event (its cue words overlap the statement's key words; no cues recorded counts as overlap).
    A sentence kept only as supporting evidence, with cues from other words, does not make the event."""
    if not keywords:
        return False
    wanted = set(keywords)
    for evidence in _as_list(event.get("evidence")):
        text = evidence.get("text", "") if isinstance(evidence, Mapping) else str(evidence)
        present = set(_keywords(text))
        hits = sum(1 for word in keywords if word in present)
        if hits < max(2, KEYWORD_SHARE * len(keywords)):
            continue
        cues = _as_list(evidence.get("cues")) if isinstance(evidence, Mapping) else []
        cue_words = set(_keywords(" ".join(str(cue) for cue in cues)))
        if not cues or cue_words & wanted:
            return True
    return False


def match_expected(events: Sequence[Mapping[str, Any]], expected: Mapping[str, Any]) -> GoldenResult:
    """Match exported event dicts against a golden expectation (``events`` and ``must_not_extract``)."""
    found: list[str] = []
    missing: list[str] = []
    sub_mismatches: list[str] = []
    matched_rows: dict[str, int] = {}
    for item in expected.get("events", ()):
        item_id = str(item.get("id"))
        index = next((i for i, event in enumerate(events) if _event_matches(event, item)), None)
        if index is None:
            missing.append(item_id)
            logger.debug("golden: expected event %s not found", item_id)
            continue
        found.append(item_id)
        matched_rows[item_id] = index
        want_sub = item.get("sub_event_type")
        if want_sub and events[index].get("sub_event_type") not in _as_list(want_sub):
            sub_mismatches.append(item_id)
    violations: list[str] = []
    for statement in expected.get("must_not_extract", ()):
        keywords = _keywords(str(statement.get("text", "")).replace("...", " "))
        if any(_is_ordinary(event) and _states(event, keywords) for event in events):
            violations.append(str(statement.get("id")))
    return GoldenResult(tuple(found), tuple(missing), tuple(violations), tuple(sub_mismatches), matched_rows)
