"""ACLED's derived columns of an event, from tables kept as data: actor types (inter codes) and their
interaction, disorder type and civilian targeting from the taxonomy, numeric ISO code and region of the country,
the event date ACLED writes for a week or a month, and the tags that carry certainty, claimant and history.
"""

from __future__ import annotations

import csv
import functools
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from conflictlog.errors import E704, ExportError
from conflictlog.records import Event, TimePrecision
from conflictlog.resolve.gazetteer import _geonames_countries, load_country_table

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ACTOR_TYPES_TOML = DATA_DIR / "acled_actor_types.toml"
TAXONOMY_TOML = DATA_DIR / "acled_taxonomy.toml"
REGIONS_CSV = DATA_DIR / "acled_regions.csv"
TAG_SEPARATOR = "; "
CIVILIAN_TARGETING = "Civilian targeting"
CIVILIANS = 7


@dataclass(frozen=True, slots=True)
class AcledTables:
    """The data tables behind ACLED's derived columns."""

    prefixes: tuple[tuple[str, int, bool], ...]  # (name prefix, inter code, state force), longest first
    named: dict[str, int]
    fallback: dict[str, int]
    default_inter: int
    disorder: dict[tuple[str, str], str]  # (event type, sub-event type) -> disorder type
    civilian_types: frozenset[str]  # event types that always target civilians
    countries: dict[str, tuple[int, str]]  # ACLED country name -> (ISO 3166-1 numeric, region)


def _bad(path: Path, reason: str) -> ExportError:
    return ExportError(E704.format(path=path, reason=reason), code="E704")


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise _bad(path, f"cannot read: {err}") from err


@functools.cache
def load_acled_tables() -> AcledTables:
    """Read and check the actor-type, taxonomy and region tables (cached); raises ExportError (E704) on a bad one."""
    types = _toml(ACTOR_TYPES_TOML)
    codes = {int(k) for k in types.get("codes", {})}
    prefixes = []
    for entry in types.get("prefix", []):
        if entry.get("inter") not in codes or not entry.get("prefix"):
            raise _bad(ACTOR_TYPES_TOML, f"prefix {entry!r}: needs a prefix and an inter code in [codes]")
        prefixes.append((str(entry["prefix"]), int(entry["inter"]), bool(entry.get("state", False))))
    named = {str(k): int(v) for k, v in types.get("named", {}).items()}
    fallback = {str(k): int(v) for k, v in types.get("fallback", {}).items()}
    for name, code in [*named.items(), *fallback.items()]:
        if code not in codes:
            raise _bad(ACTOR_TYPES_TOML, f"{name!r}: inter code {code} is not in [codes]")
    default_inter = fallback.pop("default", 3)
    taxonomy = _toml(TAXONOMY_TOML)
    disorder: dict[tuple[str, str], str] = {}
    civilian_types: set[str] = set()
    for entry in taxonomy.get("event_type", []):
        if entry.get("civilian_targeting"):
            civilian_types.add(entry["name"])
        for sub in entry.get("sub_event_type", []):
            value = sub.get("disorder_type") or entry.get("disorder_type")
            if not value:
                raise _bad(TAXONOMY_TOML, f"{entry['name']} / {sub['name']}: no disorder_type")
            disorder[(entry["name"], sub["name"])] = value
    try:
        with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
            regions = {row["iso2"]: row["region"] for row in csv.DictReader(line for line in handle if not line.startswith("#"))}
    except (OSError, KeyError) as err:
        raise _bad(REGIONS_CSV, f"cannot read: {err}") from err
    numeric = {iso2: int(info.get("isonumeric") or 0) for iso2, info in _geonames_countries().items()}
    countries = {info.name: (numeric.get(iso2, 0), regions.get(iso2, "")) for iso2, info in load_country_table().items()}
    return AcledTables(
        tuple(sorted(prefixes, key=lambda p: -len(p[0]))), named, fallback, default_inter, disorder,
        frozenset(civilian_types), countries,
    )


def _bare_name(actor: str) -> str:
    """A canonical name without its trailing "(...)" qualifier ("Islamic State (Syria)" -> "Islamic State")."""
    if actor.endswith(")") and " (" in actor:
        return actor[: actor.rindex(" (")]
    return actor


def _state_country(actor: str, prefix: str) -> str:
    """The country in "Military Forces of the United States (2021-2025)": "United States"."""
    rest = actor[len(prefix):]
    rest = rest.split(" (", 1)[0]
    return rest[4:] if rest.startswith("the ") else rest


_IDENTITY_MILITIA = re.compile(r"\b(?:Communal|Ethnic|Clan|Tribal) Militia\b")


def inter_code(actor: str | None, event: Event, tables: AcledTables | None = None) -> int:
    """ACLED's actor type (1-8) of an actor in this event; 0 when there is no actor."""
    if not actor:
        return 0
    t = tables or load_acled_tables()
    for prefix, code, state in t.prefixes:
        if actor.startswith(prefix):
            if state and event.country and _state_country(actor, prefix) != event.country:
                return 8
            return code
    for name in (actor, _bare_name(actor)):
        if name in t.named:
            return t.named[name]
    if _IDENTITY_MILITIA.search(actor):
        return 4  # "Niger Communal Militia (Nigeria)": ACLED's identity militias, named after a place or people
    return t.fallback.get(event.event_type, t.default_inter)


def interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction code: the two actor types, lower first (17), or the one type times ten (20)."""
    low, high = sorted((inter1, inter2))
    return high * 10 if low == 0 else low * 10 + high


def disorder_type(event: Event, tables: AcledTables | None = None) -> str:
    """ACLED's disorder type of the event's (type, sub-type); "" for a pair outside the taxonomy."""
    return (tables or load_acled_tables()).disorder.get((event.event_type, event.sub_event_type), "")


def civilian_targeting(event: Event, inter2: int, tables: AcledTables | None = None) -> str:
    """"Civilian targeting" when political violence is aimed at civilians, else ""."""
    t = tables or load_acled_tables()
    if "Political violence" not in disorder_type(event, t):
        return ""
    return CIVILIAN_TARGETING if event.event_type in t.civilian_types or inter2 == CIVILIANS else ""


def country_codes(country: str | None, tables: AcledTables | None = None) -> tuple[int | None, str]:
    """ISO 3166-1 numeric code and ACLED region of a country (None and "" when unknown)."""
    if not country:
        return None, ""
    found = (tables or load_acled_tables()).countries.get(country)
    return (found[0], found[1]) if found else (None, "")


def period_end(event: Event) -> date:
    """Last day of the event's date range: the stored end, or the end of its week or month."""
    if event.event_date_end is not None:
        return max(event.event_date_end, event.event_date)
    start = event.event_date
    if event.time_precision == TimePrecision.WEEK:
        return start + timedelta(days=6)
    if event.time_precision == TimePrecision.MONTH:
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return next_month - timedelta(days=1)
    return start


def acled_event_date(event: Event) -> date:
    """The date ACLED writes: the day itself, or the middle of the week or month (precision 2 and 3)."""
    if event.time_precision == TimePrecision.DAY:
        return event.event_date
    start = event.event_date
    return start + timedelta(days=(period_end(event) - start).days // 2)


def tags(event: Event) -> str:
    """ACLED's `tags`: "; "-joined `certainty=...`, `claimed by=...` and `historical`."""
    items = [f"certainty={event.certainty.value}"]
    if event.claimed_by:
        items.append("claimed by=" + event.claimed_by.replace(";", ","))
    if event.historical:
        items.append("historical")
    return TAG_SEPARATOR.join(items)


def parse_tags(value: str) -> dict[str, str]:
    """The tags of an ACLED `tags` cell as a dict (a bare tag maps to "")."""
    parsed: dict[str, str] = {}
    for item in value.split(TAG_SEPARATOR):
        key, _, tag_value = item.strip().partition("=")
        if key:
            parsed[key] = tag_value
    return parsed
