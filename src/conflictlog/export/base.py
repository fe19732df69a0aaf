"""Exporter contract (start / write / finish, as Scrapy's item exporters) and the one event -> row mapping
every output format, the REST API and the web map share.

Field names follow ACLED's columns where ACLED has the field; conflictlog's additions (injured, claimed_by,
certainty, historical, the UCDP-style fatality range, corroboration, sources, evidence, claims) follow them.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import IO, Any

from conflictlog.export.acled import (
    acled_event_date,
    civilian_targeting,
    country_codes,
    disorder_type,
    inter_code,
    interaction,
    load_acled_tables,
    tags,
)
from conflictlog.outlets import registry
from conflictlog.records import Claim, Event, Evidence, SourceRef

logger = logging.getLogger(__name__)

# ACLED's columns, in the order of ACLED's own CSV exports (the 31 of its codebook since 2023). admin3 stays
# empty: conflictlog's gazetteer stops at admin2; source_scale comes from the outlet registry (conflictlog.outlets).
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

# conflictlog's own fields, after the ACLED ones, in every JSON-like row.
EXTRA_COLUMNS: tuple[str, ...] = (
    "event_id",
    "event_date_end",
    "injured",
    "claimed_by",
    "certainty",
    "historical",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "corroboration",
    "sources",
    "evidence",
    "claims",
)

LIST_SEPARATOR = "; "  # ACLED joins associated actors and sources with "; " in its CSV files
# Version of the exported field set; it changes whenever a field is added, renamed or changes type.
SCHEMA_VERSION = "2"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


_OUTLET = attrgetter("outlet")


def source_names(refs: Sequence[SourceRef]) -> str:
    """ACLED's ``source``: the outlets of the sources, each once, in the sources' order, "; "-joined."""
    return LIST_SEPARATOR.join(name for name in dict.fromkeys(map(_OUTLET, refs)) if name)


def event_to_row(event: Event) -> dict[str, Any]:
    """One event as a JSON-ready dict: ACLED column names first, then conflictlog's fields.

    Associated actors, sources, evidence and claims are lists here; `source` is the "; "-joined outlets.
    `event_id_cnty` is the store's ACLED-style id (the internal id where there is none) and `event_id` the
    internal one; `event_date` is the first day of the range that ends on `event_date_end`.
    """
    tables = load_acled_tables()
    inter1 = inter_code(event.actor1, event, tables)
    inter2 = inter_code(event.actor2, event, tables)
    iso, region = country_codes(event.country, tables)
    return {
        "event_id_cnty": event.acled_id or event.event_id,
        "event_date": event.event_date.isoformat(),
        "year": event.event_date.year,
        "time_precision": int(event.time_precision),
        "disorder_type": disorder_type(event, tables),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1,
        "assoc_actor_1": [a for a in event.assoc_actor_1 if a != event.actor1],
        "inter1": inter1,
        "actor2": event.actor2,
        "assoc_actor_2": [a for a in event.assoc_actor_2 if a != event.actor2],
        "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": civilian_targeting(event, inter2, tables),
        "iso": iso,
        "region": region,
        "country": event.country,
        "admin1": event.admin1,
        "admin2": event.admin2,
        "admin3": None,
        "location": event.location,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "geo_precision": int(event.geo_precision) if event.geo_precision is not None else None,
        "source": source_names(event.sources),
        "source_scale": registry().source_scale(event.sources),
        "notes": event.notes,
        "fatalities": event.fatalities,
        "tags": tags(event),
        "timestamp": event.timestamp,
        "event_id": event.event_id,
        "event_date_end": _iso(event.event_date_end),
        "injured": event.injured,
        "claimed_by": event.claimed_by,
        "certainty": event.certainty.value,
        "historical": event.historical,
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "corroboration": event.corroboration,
        "sources": [source_item(ref) for ref in event.sources],
        "evidence": [evidence_item(ev) for ev in event.evidence],
        "claims": [claim_item(claim) for claim in event.claims],
    }


def source_item(ref: SourceRef) -> dict[str, Any]:
    """One entry of a row's ``sources`` list."""
    return {
        "article_id": ref.article_id,
        "url": ref.url,
        "title": ref.title,
        "outlet": ref.outlet,
        "original_outlet": ref.original_outlet,
        "published": _iso(ref.published),
    }


def evidence_item(ev: Evidence) -> dict[str, Any]:
    """One entry of a row's ``evidence`` list."""
    return {"text": ev.text, "start": ev.start, "end": ev.end, "cues": list(ev.cues)}


def claim_item(claim: Claim) -> dict[str, Any]:
    """One entry of a row's ``claims`` list."""
    return {
        "mention_id": claim.mention_id,
        "claimant": claim.claimant,
        "outlet": claim.outlet,
        "fatalities": claim.fatalities,
        "injured": claim.injured,
    }


def event_to_acled_row(event: Event) -> dict[str, Any]:
    """The ACLED columns of one event, flat, as ACLED writes them in CSV: lists "; "-joined, None as "",
    the middle of the week or month as event_date, coordinates to four decimals."""
    row = event_to_row(event)
    day = acled_event_date(event)
    row["event_date"] = day.isoformat()
    row["year"] = day.year
    for axis in ("latitude", "longitude"):
        if row[axis] is not None:
            row[axis] = f"{row[axis]:.4f}"
    flat: dict[str, Any] = {}
    for column in ACLED_COLUMNS:
        value = row[column]
        if isinstance(value, list):
            value = LIST_SEPARATOR.join(value)
        flat[column] = "" if value is None else value
    return flat


class Exporter(ABC):
    """Writes events to one open stream: `start()`, `write(event)` per event, `finish()`.

    Text formats get a text stream; binary formats (`binary = True`) a binary one. Events an article mentions
    from the past are written unless `include_historical` is False (the default of `acled-csv` only).
    """

    binary: bool = False
    media_type: str = "application/octet-stream"

    def __init__(self, stream: IO[Any], include_historical: bool = True) -> None:
        self.stream = stream
        self.count = 0
        self.include_historical = include_historical

    def start(self) -> None:
        """Write whatever comes before the first event (a header, an opening bracket)."""

    @abstractmethod
    def write(self, event: Event) -> None:
        """Write one event."""

    def finish(self) -> None:
        """Write whatever comes after the last event and flush."""
        self.stream.flush()
