"""Field-by-field agreement between extracted events and one human-coded gold record.

Alignment: a record's gold event is compared with the *best-aligned* extracted event, the one that agrees
with the gold on the most fields (event type counts double; ties go to the earliest event). A record with
no extracted event scores every field it has a gold value for as a miss. Fields whose gold value is
missing (PLOVER has no date; GTD no sub-event type) are not scored for that record.

Comparisons:

* event_type / sub_event_type: equal for ACLED gold; for other taxonomies (GTD, UCDP, PLOVER, pre-2019
  ACLED) the extracted ACLED type must be one the source type maps to in ``data/eval_type_mapping.toml``;
  source types that are not conflict events ("no event expected") are scored apart, by whether nothing
  was extracted.
* actor1 / actor2: positional; names compared by ``resolve.actors.canonical_key`` (lower case,
  punctuation and year spans stripped; a local equivalent is used until that module exists), then the
  dataset equivalents in the mapping file ("Government of Syria" = "Military Forces of Syria"), then word
  containment ("Islamic State" matches "Islamic State (Syria)").
* admin1: normalised (accents, hyphens, Arabic articles and "Governorate"/"Province"/"State" ignored), or
  the same consonant skeleton, for transliteration variants ("Paktia" / "Paktya").
* location_25km: great-circle distance from the gold coordinates at most 25 km.
* event_date: exact day; fatalities: exact figure.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from typing import Any

logger = logging.getLogger(__name__)

LOCATION_TOLERANCE_KM = 25.0
FIELDS: tuple[str, ...] = (
    "found", "event_type", "sub_event_type", "actor1", "actor2", "admin1", "location_25km", "event_date",
    "fatalities",
)
"""Scored fields, in report order. ``found``: the record yielded at least one event."""

_ADMIN_SUFFIXES = re.compile(
    r"\b(?:governorate|province|state|region|oblast|district|department|prefecture|division|county|"
    r"muhafazat|wilayah|vilayet)\b"
)
_ARABIC_ARTICLE = re.compile(r"\b(?:al|el|ar|as|ad|an|at|ash|az|ad|ath)\s+")
_YEAR_SPAN = re.compile(r"\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")


def _fold(text: str) -> str:
    """Lower case without accents; hyphens, apostrophes and underscores become spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[-_'’`ʿʾ]", " ", text)
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def normalise_admin1(name: str | None) -> str:
    """Admin1 name for comparison: "Deir ez-Zor Governorate" and "Deir Ez Zor" give the same string."""
    if not name:
        return ""
    text = _ARABIC_ARTICLE.sub("", _fold(name) + " ")
    text = _ADMIN_SUFFIXES.sub(" ", text)
    return re.sub(r"\s+", "", text)


def _skeleton(normalised: str) -> str:
    """Consonant skeleton: vowels (and y) dropped, doubled letters collapsed ("paktia" = "paktya")."""
    consonants = re.sub(r"[aeiouy]", "", normalised)
    return re.sub(r"(.)\1+", r"\1", consonants)


def _canonical_admin1(name: str, country: str | None) -> str | None:
    """ACLED's spelling of an admin1 name through the gazetteer's alias table ("Saladin" -> "Salah Al Din"),
    when the resolve stage is installed."""
    try:
        from conflictlog.resolve.gazetteer import load_gazetteer
    except ImportError:
        return None
    return load_gazetteer().canonical_admin1(name, country)


def admin1_matches(gold: str | None, extracted: str | None, country: str | None = None) -> bool:
    """Same admin1 after normalisation, the same province under another of its names in ``country``
    ("Saladin" / "Salah Al Din", "North Kivu" / "Nord-Kivu"), or the same consonant skeleton
    (transliteration variants: "Addis Abeba" / "Addis Ababa", "Paktia" / "Paktya", "Banaadir" / "Banadir")."""
    a, b = normalise_admin1(gold), normalise_admin1(extracted)
    if not a or not b:
        return False
    if a == b:
        return True
    if country and gold and extracted:
        canonical = _canonical_admin1(gold, country)
        if canonical is not None and canonical == _canonical_admin1(extracted, country):
            return True
    skeleton_a, skeleton_b = _skeleton(a), _skeleton(b)
    # the skeleton alone would join "Dhaka" and "Dahuk": the spellings must also be close
    return len(skeleton_a) >= 3 and skeleton_a == skeleton_b and SequenceMatcher(None, a, b).ratio() >= 0.75


def normalise_place(name: str | None) -> str:
    """Place name for comparison: folded, Arabic articles dropped, plural "s" dropped from longer words."""
    if not name:
        return ""
    words = _ARABIC_ARTICLE.sub("", _fold(name) + " ").split()
    return " ".join(word[:-1] if len(word) > 4 and word.endswith("s") else word for word in words)


def _fallback_key(name: str) -> str:
    return _fold(_YEAR_SPAN.sub(" ", name))


def canonical_key(name: str) -> str:
    """Comparison key of an actor name (``resolve.actors.canonical_key`` when that module is present)."""
    try:
        from conflictlog.resolve.actors import canonical_key as resolve_key
    except ImportError:
        return _fallback_key(name)
    return resolve_key(name)


@lru_cache(maxsize=1)
def _mapping() -> dict[str, Any]:
    text = resources.files("conflictlog").joinpath("data", "eval_type_mapping.toml").read_text("utf-8")
    return tomllib.loads(text)


def _equivalent(key: str) -> str:
    table = {_fallback_key(k): _fallback_key(v) for k, v in _mapping().get("actor_equivalents", {}).items()}
    return table.get(_fallback_key(key), _fallback_key(key))


def actor_matches(gold: str | None, extracted: str | None) -> bool:
    """True when two actor names denote the same actor (see the module docstring)."""
    if not gold or not extracted:
        return False
    # "QSD: Syrian Democratic Forces" is "Syrian Democratic Forces": the acronym before a colon is a label
    keys_a = {_equivalent(canonical_key(name)) for name in (gold, _ACRONYM_LABEL.sub("", gold))}
    keys_b = {_equivalent(canonical_key(name)) for name in (extracted, _ACRONYM_LABEL.sub("", extracted))}
    return any(_same_actor(a, b) for a in keys_a for b in keys_b if a and b)


_ACRONYM_LABEL = re.compile(r"^[^\s:]{1,12}:\s+")


def _same_actor(a: str, b: str) -> bool:
    """Equal keys, or one key's words appear in order inside the other's ("islamic state" in "islamic state
    syria")."""
    if a == b:
        return True
    short, long_ = sorted((a.split(), b.split()), key=len)
    return any(long_[i:i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class TypeExpectation:
    """What a gold event type accepts: ACLED event types and sub-event types (None: not scored), or no event."""

    event_types: frozenset[str] | None
    sub_event_types: frozenset[str] | None
    no_event: bool = False


def expected_types(taxonomy: str, gold: Mapping[str, Any]) -> TypeExpectation:
    """Acceptable ACLED types for a gold record, mapping non-ACLED taxonomies through the data table (a failed
    attack through its ``_unsuccessful`` table first); a record marked ``no_event`` expects no event."""
    if gold.get("no_event"):
        return TypeExpectation(None, None, no_event=True)
    gold_type = gold.get("event_type")
    if taxonomy == "acled":
        sub = gold.get("sub_event_type")
        return TypeExpectation(
            frozenset([gold_type]) if gold_type else None, frozenset([sub]) if sub else None,
        )
    entry = None
    if gold_type and gold.get("success") == 0:
        # an attack that failed (GTD's success = 0) may have its own reading ("taxonomy_unsuccessful")
        entry = _mapping().get(f"{taxonomy}_unsuccessful", {}).get(str(gold_type))
    if entry is None and gold_type:
        entry = _mapping().get(taxonomy, {}).get(str(gold_type))
    if entry is None:
        if gold_type:
            logger.debug("evaluate: no mapping for %s type %r; type not scored", taxonomy, gold_type)
        return TypeExpectation(None, None)
    if entry.get("no_event"):
        return TypeExpectation(None, None, no_event=True)
    subs = entry.get("sub_event_types")
    return TypeExpectation(frozenset(entry.get("event_types", ())), frozenset(subs) if subs else None)


@dataclass(frozen=True, slots=True)
class EventValues:
    """The comparable values of one extracted event."""

    event_type: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    admin1: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    event_date: date | None = None
    fatalities: int | None = None
    historical: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain values for reports and JSON."""
        return {
            "event_type": self.event_type, "sub_event_type": self.sub_event_type, "actor1": self.actor1,
            "actor2": self.actor2, "admin1": self.admin1, "location": self.location,
            "latitude": self.latitude, "longitude": self.longitude,
            "event_date": self.event_date.isoformat() if self.event_date else None, "fatalities": self.fatalities,
        }


def values_from_resolved(event: Any) -> EventValues:
    """Comparable values of a ``ResolvedEvent`` (or anything shaped like one)."""
    mention = event.mention
    place = event.place
    return EventValues(
        event_type=mention.event_type,
        sub_event_type=mention.sub_event_type,
        actor1=event.actor1,
        actor2=event.actor2,
        admin1=place.admin1 if place else None,
        location=place.location if place else None,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        event_date=mention.date.start if mention.date else None,
        fatalities=mention.fatalities,
        historical=bool(mention.historical),
    )


def values_from_event(event: Any) -> EventValues:
    """Comparable values of a stored, merged ``Event`` (it has a field of each name)."""
    values = {f.name: getattr(event, f.name) for f in fields(EventValues)}
    values["historical"] = bool(values["historical"])
    return EventValues(**values)


def gold_actor(taxonomy: str, gold: Mapping[str, Any], column: str) -> str | None:
    """The gold actor name of ``column`` ("actor1"/"actor2"), if the dataset codes it comparably."""
    if taxonomy == "plover":
        return None  # PLOVER actors are CAMEO codes and free text, not ACLED names
    value = gold.get(column)
    return str(value) if value else None


def _gold_date(gold: Mapping[str, Any]) -> date | None:
    value = gold.get("event_date")
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def score_event(taxonomy: str, gold: Mapping[str, Any], values: EventValues | None) -> dict[str, bool | None]:
    """Per-field agreement of one extracted event (None: no event) with the gold; None marks unscored fields."""
    expect = expected_types(taxonomy, gold)
    result: dict[str, bool | None] = {name: None for name in FIELDS}
    if expect.no_event:
        return result
    result["found"] = values is not None
    v = values or EventValues()
    if expect.event_types is not None:
        result["event_type"] = v.event_type in expect.event_types
    if expect.sub_event_types is not None:
        result["sub_event_type"] = v.sub_event_type in expect.sub_event_types
    for column in ("actor1", "actor2"):
        want = gold_actor(taxonomy, gold, column)
        if want:
            result[column] = actor_matches(want, getattr(v, column))
    if gold.get("admin1"):
        result["admin1"] = admin1_matches(str(gold["admin1"]), v.admin1, gold.get("country"))
    lat, lon = gold.get("latitude"), gold.get("longitude")
    if lat is not None and lon is not None:
        result["location_25km"] = (
            v.latitude is not None and v.longitude is not None
            and haversine_km(float(lat), float(lon), v.latitude, v.longitude) <= LOCATION_TOLERANCE_KM
        )
    gold_day = _gold_date(gold)
    if gold_day is not None:
        result["event_date"] = v.event_date == gold_day
    if gold.get("fatalities") is not None:
        result["fatalities"] = v.fatalities is not None and int(v.fatalities) == int(gold["fatalities"])
    return result


def _agreement(scores: Mapping[str, bool | None]) -> float:
    return sum((2.0 if name == "event_type" else 1.0) for name, ok in scores.items() if ok and name != "found")


@dataclass(frozen=True, slots=True)
class RecordResult:
    """One gold record scored: its fields, the aligned event's values, and how many events were extracted."""

    record_id: str
    dataset: str
    taxonomy: str
    text: str
    gold: Mapping[str, Any]
    n_events: int
    aligned: EventValues | None
    fields: Mapping[str, bool | None]
    no_event_expected: bool = False
    error: str | None = None
    merged: bool = False
    """One of the record's events also holds a report of another record (product path only)."""
    n_current: int = 0
    """Events that are not historical."""

    @property
    def share(self) -> float:
        """Share of scored fields that agree (1.0 when nothing was scorable)."""
        scored = [ok for ok in self.fields.values() if ok is not None]
        if self.no_event_expected:
            return 1.0 if self.n_events == 0 else 0.0
        return sum(scored) / len(scored) if scored else 1.0


def score_record(record: Mapping[str, Any], events: Sequence[EventValues], error: str | None = None,
                 merged: bool = False) -> RecordResult:
    """Score one gold record against the events extracted from its text (best-aligned event)."""
    gold = record.get("gold") or {}
    taxonomy = str(gold.get("taxonomy") or "acled")
    expect = expected_types(taxonomy, gold)
    best: EventValues | None = None
    best_scores = score_event(taxonomy, gold, None)
    best_agreement = -1.0
    for values in events:
        scores = score_event(taxonomy, gold, values)
        agreement = _agreement(scores)
        if agreement > best_agreement:
            best, best_scores, best_agreement = values, scores, agreement
    return RecordResult(
        record_id=str(record.get("id")),
        dataset=str(record.get("dataset") or "unknown"),
        taxonomy=taxonomy,
        text=str(record.get("text") or ""),
        gold=gold,
        n_events=len(events),
        aligned=best,
        fields=best_scores,
        no_event_expected=expect.no_event,
        error=error,
        merged=merged,
        n_current=sum(1 for values in events if not values.historical),
    )


@dataclass
class FieldTally:
    """Correct and scored counts of one field."""

    correct: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        """Agreement rate, or None when nothing was scored."""
        return self.correct / self.total if self.total else None


@dataclass
class DatasetTally:
    """Per-field tallies of one dataset, plus the "no event expected" records."""

    n_records: int = 0
    fields: dict[str, FieldTally] = field(default_factory=lambda: {name: FieldTally() for name in FIELDS})
    no_event_correct: int = 0
    no_event_total: int = 0
    no_event_current: int = 0
    """No-event records that yielded a non-historical event."""
    n_merged: int = 0
    """Records merged into an event that holds another record's report."""
    n_events: int = 0

    def add(self, result: RecordResult) -> None:
        """Count one scored record."""
        self.n_records += 1
        self.n_events += result.n_events
        self.n_merged += int(result.merged)
        if result.no_event_expected:
            self.no_event_total += 1
            self.no_event_correct += int(result.n_events == 0)
            self.no_event_current += int(result.n_current > 0)
            return
        for name, ok in result.fields.items():
            if ok is None:
                continue
            tally = self.fields[name]
            tally.total += 1
            tally.correct += int(ok)


def gold_type_label(result: RecordResult) -> str:
    """Row label of the event-type confusion matrix: ACLED's type, or "taxonomy:type" for other datasets."""
    gold_type = result.gold.get("event_type") or "(none)"
    return str(gold_type) if result.taxonomy == "acled" else f"{result.taxonomy}:{gold_type}"


ExtractFn = Callable[[str, date | None], Sequence[Any]]
