"""Blocking keys and normalised comparison keys for cross-article merge.

Blocking keeps merge near-linear: a report is only compared with reports that share a block, where a block is
(country, event type family, date bucket). A report is filed under every bucket its date range, widened by a
tolerance that depends on its time_precision, touches; so two reports whose widened ranges overlap always meet.
A second kind of block, (event type family, evidence sentence), lets a republished copy whose relative dates
were resolved against another publication date still meet its original.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from conflictlog.errors import SettingsError
from conflictlog.records import GeoPrecision, ResolvedEvent, TimePrecision, content_hash

logger = logging.getLogger(__name__)

UNKNOWN_COUNTRY = "XXX"
RULES_FILE = "merge_rules.toml"


@dataclass(frozen=True, slots=True)
class MergeRules:
    """Merge settings read from ``data/merge_rules.toml``."""

    families: dict[str, str]
    tolerance_days: dict[TimePrecision, int]
    bucket_days: int
    radius_km: dict[GeoPrecision, float]
    score: dict[str, float]
    generic_actors: frozenset[str]

    @property
    def threshold(self) -> float:
        """Pairs scoring at or above this merge."""
        return self.score["threshold"]


@lru_cache(maxsize=1)
def load_rules() -> MergeRules:
    """Read the merge rules shipped in ``conflictlog/data/merge_rules.toml`` (cached)."""
    source = resources.files("conflictlog.data").joinpath(RULES_FILE)
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
        tolerance = raw["date_tolerance_days"]
        radius = raw["radius_km"]
        return MergeRules(
            families={str(k): str(v) for k, v in raw["families"].items()},
            tolerance_days={
                TimePrecision.DAY: int(tolerance["day"]),
                TimePrecision.WEEK: int(tolerance["week"]),
                TimePrecision.MONTH: int(tolerance["month"]),
            },
            bucket_days=int(raw["blocking"]["bucket_days"]),
            radius_km={
                GeoPrecision.TOWN: float(radius["town"]),
                GeoPrecision.NEAR: float(radius["near"]),
                GeoPrecision.REGION: float(radius["region"]),
            },
            score={str(k): float(v) for k, v in raw["score"].items()},
            generic_actors=frozenset(normalise_actor(a) for a in raw["actors"]["generic"]),
        )
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"{source}: bad merge rules: {err}", code="E900") from err


def event_family(event_type: str) -> str:
    """The family of an ACLED event type (reports of one incident may type it differently within a family)."""
    family = load_rules().families.get(event_type)
    if family is None:
        # An unknown type only ever meets reports of the same type.
        return "type:" + event_type.casefold()
    return family


_PAREN = re.compile(r"\([^)]*\)")
_PREFIX = re.compile(r"^[^\s:]{1,12}:\s+")
_NON_WORD = re.compile(r"[^\w]+")


def _fold(text: str) -> str:
    """Lower case, accents removed, punctuation and hyphens as spaces, whitespace collapsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


@lru_cache(maxsize=65536)
def normalise_actor(name: str) -> str:
    """Comparison key of an actor name: "QSD: Syrian Democratic Forces" and "Syrian Democratic Forces (Syria)"
    both become "syrian democratic forces"."""
    text = _PAREN.sub(" ", name)
    text = _PREFIX.sub("", text.strip())
    folded = _fold(text)
    if folded.startswith("the "):
        folded = folded[4:]
    return folded


def actor_keys(resolved: ResolvedEvent) -> frozenset[str]:
    """Normalised names of every actor of a report (actor1, actor2 and associated actors)."""
    names = [resolved.actor1, resolved.actor2, *resolved.assoc_actor_1, *resolved.assoc_actor_2]
    return frozenset(key for key in (normalise_actor(n) for n in names if n) if key)


@lru_cache(maxsize=65536)
def place_key(text: str | None) -> str:
    """Comparison key of a place or admin name ("Deir ez-Zor" and "deir ez zor" agree)."""
    return _fold(text) if text else ""


def country_key(resolved: ResolvedEvent) -> str:
    """ISO3 code of the report's country, "XXX" when it has no place or no known country."""
    place = resolved.place
    if place is None:
        return UNKNOWN_COUNTRY
    if place.country_iso3:
        return place.country_iso3.upper()
    if place.country:
        return "name:" + place_key(place.country)
    return UNKNOWN_COUNTRY


@lru_cache(maxsize=65536)
def evidence_text_key(text: str) -> str:
    """Hash of an evidence sentence after folding case, punctuation and spacing (republished copies agree)."""
    return content_hash(_fold(text), length=16)


def date_window(start: date, end: date, precision: TimePrecision) -> tuple[int, int]:
    """The report's date range widened by its precision's tolerance, as proleptic ordinal days [lo, hi]."""
    tolerance = load_rules().tolerance_days.get(precision, 0)
    return start.toordinal() - tolerance, end.toordinal() + tolerance


def date_buckets(lo: int, hi: int) -> range:
    """Every blocking bucket a widened date range [lo, hi] (ordinal days) touches."""
    width = load_rules().bucket_days
    return range(lo // width, hi // width + 1)


def date_block_keys(resolved: ResolvedEvent) -> tuple[str, ...]:
    """(country, family, date bucket) keys of one report, one per bucket its widened date range touches."""
    mention = resolved.mention
    if mention.date is None:
        return ()
    family = event_family(mention.event_type)
    lo, hi = date_window(mention.date.start, mention.date.end, mention.date.precision)
    country = country_key(resolved)
    return tuple(f"d|{country}|{family}|{bucket}" for bucket in date_buckets(lo, hi))


COPY_MIN_WORDS = 8
"""Shorter sentences ("Fatalities unknown.") recur in unrelated reports and show no copy."""


def copy_evidence_keys(resolved: ResolvedEvent) -> frozenset[str]:
    """Hash of the sentence a report was read from (its first evidence), when long enough that sharing it shows
    a republished copy; the sentences added after it (claims, tolls, attributions) are often set phrases."""
    evidence = resolved.mention.evidence
    if not evidence or len(evidence[0].text.split()) < COPY_MIN_WORDS:
        return frozenset()
    return frozenset((evidence_text_key(evidence[0].text),))


def evidence_block_keys(resolved: ResolvedEvent) -> tuple[str, ...]:
    """(family, evidence sentence) keys of one report: a republished copy meets its original through them."""
    family = event_family(resolved.mention.event_type)
    return tuple(f"e|{family}|{key}" for key in sorted(copy_evidence_keys(resolved)))


def block_keys(resolved: ResolvedEvent) -> tuple[str, ...]:
    """Every blocking key of one report: date blocks, then evidence blocks."""
    return date_block_keys(resolved) + evidence_block_keys(resolved)
