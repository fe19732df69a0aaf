"""The Store contract: what every backend (SQLite by default) offers to the pipeline, CLI, API and exporters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from conflictlog.records import Article, Event, ResolvedEvent, RunReport

COUNT_LIMIT = 10_000  # `conflictlog events` and GET /events count matching events up to this many unless asked


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters shared by `conflictlog events`, `GET /events` and the web map. None means "no filter"."""

    country: str | None = None
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # case-insensitive substring of actor1, actor2 or an associated actor
    since: date | None = None
    until: date | None = None
    min_fatalities: int | None = None
    certainty: tuple[str, ...] = ()  # any of "reported", "claimed", "unverified"; empty = all
    hide_historical: bool = False
    hide_unverified: bool = False
    bbox: tuple[float, float, float, float] | None = None  # (min_lon, min_lat, max_lon, max_lat)
    stored_since: datetime | None = None  # stored or last updated at or after this time (naive = UTC)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What storing one article did."""

    article_id: str
    stored: bool  # False when the article was already in the store (idempotent ingest)
    n_mentions: int = 0
    events_created: tuple[str, ...] = ()
    events_updated: tuple[str, ...] = ()


class Store(Protocol):
    """Persistence for articles, event mentions, merged events, merge decisions and runs."""

    def has_article(self, article_id: str) -> bool:
        """True when this article is already stored."""

    def add_article(self, article: Article, resolved: Sequence[ResolvedEvent]) -> AddResult:
        """Store one article with its resolved event mentions and merge them into events, in one transaction."""

    def get_article(self, article_id: str) -> Article:
        """The stored article; raises NotFound."""

    def get_event(self, event_id: str) -> Event:
        """One event with its sources, claims and evidence; raises NotFound."""

    def query_events(self, flt: EventFilter, limit: int | None = None, offset: int = 0) -> list[Event]:
        """Events matching the filter, newest first (event_date desc, event_id)."""

    def query_event_json(self, flt: EventFilter, limit: int | None = None, offset: int = 0) -> list[str]:
        """The events query_events gives, each as its JSON row (export.event_to_row), ready to send."""

    def count_events(self, flt: EventFilter, limit: int | None = None) -> int:
        """How many events match the filter; with ``limit``, counting stops there (the answer is at most limit)."""

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[Event]:
        """Stream every matching event (for exports), in a stable order."""

    def merge_decisions(self, event_id: str) -> list[dict[str, Any]]:
        """Every merge decision behind an event: the mentions joined, score and reason."""

    def unmerge(self, event_id: str) -> list[str]:
        """Split an event back into one event per report; returns the new event ids."""

    def bulk_load_events(self, events: Iterable[Event]) -> int:
        """Insert ready-made events directly (benchmarks and fixtures); returns how many were written."""

    def record_run(self, report: RunReport) -> None:
        """Keep what one ingest run did (counts, failures) in the runs table."""

    def watch_state(self, source: str) -> tuple[dict[str, Any], set[str]]:
        """A watched feed's stored state (etag, last_modified, counts) and the keys of the items it has seen."""

    def record_watch(self, source: str, *, status: str, etag: str | None, last_modified: str | None,
                     items: Sequence[tuple[str, str | None, str]], error: str | None) -> None:
        """Record one pass over a watched feed and the items it saw, in one transaction."""

    def watch_status(self) -> list[dict[str, Any]]:
        """Every watched feed with its last fetch, status, item and error counts and last error."""

    def close(self) -> None:
        """Close the connection."""
