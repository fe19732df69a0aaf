"""Exporter contract (start / write / finish, as Scrapy's item exporters) and the one event -> row mapping
every output format, the REST API and the web map share.

Field names follow ACLED's columns where ACLED has the field; conflictlog's additions (injured, claimed_by,
certainty, historical, the UCDP-style fatality range, corroboration, sources, evidence, claims) follow them.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from datetime import date
from typing import IO, Any

from conflictlog.records import Event

logger = logging.getLogger(__name__)

# ACLED's columns that conflictlog fills, in the order of ACLED's own CSV exports.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
)

# conflictlog's own fields, after the ACLED ones, in every JSON-like row.
EXTRA_COLUMNS: tuple[str, ...] = (
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


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unique(values: list[str | None]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def event_to_row(event: Event) -> dict[str, Any]:
    """One event as a JSON-ready dict: ACLED column names first, then conflictlog's fields.

    Associated actors, sources, evidence and claims are lists here; `source` is the "; "-joined outlets.
    """
    return {
        "event_id_cnty": event.event_id,
        "event_date": event.event_date.isoformat(),
        "year": event.event_date.year,
        "time_precision": int(event.time_precision),
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": event.actor1,
        "assoc_actor_1": list(event.assoc_actor_1),
        "actor2": event.actor2,
        "assoc_actor_2": list(event.assoc_actor_2),
        "country": event.country,
        "admin1": event.admin1,
        "admin2": event.admin2,
        "location": event.location,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "geo_precision": int(event.geo_precision) if event.geo_precision is not None else None,
        "source": LIST_SEPARATOR.join(_unique([ref.outlet for ref in event.sources])),
        "notes": event.notes,
        "fatalities": event.fatalities,
        "event_date_end": _iso(event.event_date_end),
        "injured": event.injured,
        "claimed_by": event.claimed_by,
        "certainty": event.certainty.value,
        "historical": event.historical,
        "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high,
        "corroboration": event.corroboration,
        "sources": [
            {
                "article_id": ref.article_id,
                "url": ref.url,
                "title": ref.title,
                "outlet": ref.outlet,
                "original_outlet": ref.original_outlet,
                "published": _iso(ref.published),
            }
            for ref in event.sources
        ],
        "evidence": [
            {"text": ev.text, "start": ev.start, "end": ev.end, "cues": list(ev.cues)} for ev in event.evidence
        ],
        "claims": [
            {
                "mention_id": claim.mention_id,
                "claimant": claim.claimant,
                "outlet": claim.outlet,
                "fatalities": claim.fatalities,
                "injured": claim.injured,
            }
            for claim in event.claims
        ],
    }


def event_to_acled_row(event: Event) -> dict[str, Any]:
    """The ACLED columns of one event, flat, as ACLED writes them in CSV (lists "; "-joined, None as "")."""
    row = event_to_row(event)
    flat: dict[str, Any] = {}
    for column in ACLED_COLUMNS:
        value = row[column]
        if isinstance(value, list):
            value = LIST_SEPARATOR.join(value)
        flat[column] = "" if value is None else value
    return flat


class Exporter(ABC):
    """Writes events to one open stream: `start()`, `write(event)` per event, `finish()`.

    Text formats get a text stream; binary formats (`binary = True`) a binary one.
    """

    binary: bool = False
    media_type: str = "application/octet-stream"

    def __init__(self, stream: IO[Any]) -> None:
        self.stream = stream
        self.count = 0

    def start(self) -> None:
        """Write whatever comes before the first event (a header, an opening bracket)."""

    @abstractmethod
    def write(self, event: Event) -> None:
        """Write one event."""

    def finish(self) -> None:
        """Write whatever comes after the last event and flush."""
        self.stream.flush()
