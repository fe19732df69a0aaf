"""The default embedded store: one SQLite file (stdlib sqlite3 with JSON1, FTS5 and R*Tree).

Each article is written in one transaction with its reports and the events they join, so a failure part-way
leaves the database as it was. Merging is incremental: a new report is compared only with stored reports that
share a blocking key, and only the events it joins are rewritten (see conflictlog.merge).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conflictlog import __version__
from conflictlog.errors import E601, NotFound, StoreError
from conflictlog.export.base import claim_item, event_to_row, evidence_item, source_item, source_names
from conflictlog.ingest.copies import CopyIndex, MinHash, from_bytes, signature, to_bytes
from conflictlog.merge.dedupe import (
    FIRST_REPORT,
    SPLIT_PREFIX,
    Cluster,
    EventEnvelope,
    EventParts,
    JoinPlan,
    MergeDecision,
    PairMemory,
    best_link,
    build_event,
    cluster_events,
    event_evidence,
    link_between,
    plan_region,
    report_links,
    unique_by_mention,
)
from conflictlog.merge.keys import block_keys
from conflictlog.outlets import joined_scales, registry
from conflictlog.records import (
    Article,
    Certainty,
    Claim,
    Event,
    GeoPrecision,
    ResolvedEvent,
    RunReport,
    Evidence,
    SourceRef,
    TimePrecision,
)
from conflictlog.store import codec
from conflictlog.store.base import AddResult, EventFilter
from conflictlog.store.locking import begin_write, retry_busy, use_wal
from conflictlog.store.migrations import migrate

logger = logging.getLogger(__name__)

MEMORY = ":memory:"
_BATCH = 500
BUSY_TIMEOUT_MS = 5000  # SQLite waits this long on a lock before store.locking retries with backoff
_DECODED_CACHE = 200_000  # decoded stored reports kept in memory for incremental merges
_PARTS_CACHE = 128  # events whose parts are kept, so a report joining one adds to them (merge.dedupe.EventParts)
# An event joined in place with more sources, evidence sentences and claims than this leaves its JSON row and
# evidence column to the run's end (SQLiteStore.refresh_stale_rows): writing them on every join would grow with
# the incident.
STALE_AFTER = 64
# The evidence column of an event whose row is stale: no list, so it is never taken for the event's evidence.
_STALE_EVIDENCE = "null"
_STALE_MARK = "stale:"  # row_format of a stale row starts with it; the rest tells one write from another
_EVENT_COLUMNS = (
    "event_id", "event_date", "event_date_end", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "assoc_actor_1", "assoc_actor_2", "country", "country_iso3", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "fatalities", "injured", "claimed_by", "certainty", "historical",
    "notes", "evidence", "fatalities_low", "fatalities_best", "fatalities_high", "corroboration", "updated_at",
    "actors_folded",
)
_EVENT_SELECT = "SELECT " + ", ".join("e." + c for c in _EVENT_COLUMNS) + " FROM events e"
_WRITTEN_COLUMNS = (*_EVENT_COLUMNS, "row_json", "row_format")
_EVENT_INSERT = f"INSERT INTO events ({', '.join(_WRITTEN_COLUMNS)}) VALUES ({', '.join('?' * len(_WRITTEN_COLUMNS))})"
_EVENT_UPDATE = f"UPDATE events SET {', '.join(c + ' = ?' for c in _WRITTEN_COLUMNS[1:])} WHERE event_id = ?"
# What the insert trigger (events_ai) puts in the bounding-box index, for an event updated in place.
_EVENT_INDEXES = (
    "DELETE FROM events_rtree WHERE id = (SELECT id FROM events WHERE event_id = ?)",
    "INSERT INTO events_rtree(id, min_lon, max_lon, min_lat, max_lat) SELECT id, longitude, longitude, latitude, "
    "latitude FROM events WHERE event_id = ? AND latitude IS NOT NULL AND longitude IS NOT NULL",
)
_SOURCE_INSERT = ("INSERT INTO event_sources(event_id, position, article_id, mention_id, url, title, outlet, published, "
                  "original_outlet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
_CLAIM_INSERT = ("INSERT INTO claims(event_id, position, mention_id, claimant, outlet, fatalities, injured) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")
_DECISION_INSERT = ("INSERT INTO merge_decisions(event_id, mention_id, joined_to, score, reason, decided_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)")
_ORDER = " ORDER BY e.event_date DESC, e.event_id"
# An actor or bbox filter that few events match drives a query (its index gives the events, each read to be
# sorted); one that many match is tested on each event of a walk down the date index (which holds the columns the
# tests read), which stops after a page. A filter drives when its matches times the estimated fraction of events
# matching the whole filter stay under _DRIVE_BELOW (a driven event costs about as much as that many walked ones),
# so matches are counted only up to sqrt(_DRIVE_BELOW * events) to tell.
_DRIVE_BELOW = 10
# An actor-and-bbox page walks each matching name's events by date (_by_name_and_date) when the actor matches at
# most this many names and the page ends within this many events.
_NAME_WALKS_MAX = 16
_NAME_WALK_MAX = 1000
# An actor-and-bbox count tests the actor on each event in the bbox (an index look-up each) rather than the bbox on
# each of the actor's rows (read in order) when the bbox holds under _BBOX_SIDE_MAX events and the actor has at least
# _ROWS_PER_BBOX_EVENT rows per event in the bbox: about what one look-up costs in rows read. Telling costs up to
# that many rows read, so it is tried only for small bboxes.
_BBOX_SIDE_MAX = 2_000
_ROWS_PER_BBOX_EVENT = 25


def _row_format() -> str:
    """Which version of export.event_to_row wrote a stored JSON row: a digest of the modules and ACLED tables it
    reads, so rows written before any of them changed are rebuilt when read rather than served out of date."""
    from conflictlog.export import acled, base

    digest = hashlib.sha256()
    try:
        for path in (base.__file__, acled.__file__, acled.ACTOR_TYPES_TOML, acled.TAXONOMY_TOML, acled.REGIONS_CSV):
            digest.update(Path(path).read_bytes())
    except OSError:
        return __version__
    return __version__ + ":" + digest.hexdigest()[:16]


_ROW_FORMAT = _row_format()


def row_format() -> str:
    """The row format in force: the mapping's digest and the outlet registry's (source_scale reads it)."""
    from conflictlog.outlets import registry

    return f"{_ROW_FORMAT}:{registry().digest}"


def row_json(event: Event) -> str:
    """One event as the JSON row the API serves (export.event_to_row, compact, NaN refused)."""
    return _json(event_to_row(event))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class RowPieces:
    """The JSON texts of an event's sources, evidence sentences and claims, one per item, and its sources' scales:
    with them an event that gains a report gets its JSON row (``row_json``) and evidence column without
    encoding every item again. ``follow`` applies the changes EventParts noted in its ``edits``. ``indexed`` is
    what the bounding-box and actor indexes hold of the event as last written with them."""

    __slots__ = ("sources", "evidence", "claims", "scales", "indexed")

    def __init__(self, event: Event) -> None:
        outlets = registry()
        self.sources = [_json(source_item(ref)) for ref in event.sources]
        self.evidence = [_json(evidence_item(ev)) for ev in event.evidence]
        self.claims = [_json(claim_item(claim)) for claim in event.claims]
        self.scales = [outlets.scale_of(ref) for ref in event.sources]
        self.indexed: tuple[object, ...] | None = None

    def follow(self, edits: Iterable[tuple[str, int, object | None]]) -> None:
        """Apply noted changes: (list name, index, item inserted there or None for one removed)."""
        encode = {"sources": source_item, "evidence": evidence_item, "claims": claim_item}
        for name, index, item in edits:
            texts: list[str] = getattr(self, name)
            if item is None:
                del texts[index]
                if name == "sources":
                    del self.scales[index]
            else:
                texts.insert(index, _json(encode[name](item)))  # type: ignore[operator]
                if name == "sources":
                    self.scales.insert(index, registry().scale_of(item))  # type: ignore[arg-type]

    def row(self, event: Event) -> str:
        """``row_json(event)`` for the event whose items these are."""
        head = event_to_row(replace(event, sources=(), evidence=(), claims=()))
        head["source"] = source_names(event.sources)
        head["source_scale"] = joined_scales(self.scales)
        lists = ("sources", "evidence", "claims")
        assert tuple(head)[-3:] == lists, "the lists close the row"
        for name in lists:
            del head[name]
        return (f'{_json(head)[:-1]},"sources":[{",".join(self.sources)}],"evidence":[{",".join(self.evidence)}],'
                f'"claims":[{",".join(self.claims)}]}}')

    def evidence_column(self) -> str:
        """The events table's ``evidence`` column of the event."""
        return f"[{','.join(self.evidence)}]"


def _now() -> str:
    return utc_text(datetime.now(timezone.utc))


def utc_text(moment: datetime) -> str:
    """A time as the store writes it (UTC, ISO 8601 to the second), so stored times compare as text; a naive
    time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # within a day of year 1 or 9999: before or after every stored time
        moment = (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=timezone.utc)
    return moment.replace(microsecond=0).isoformat()


def _actors_folded(event: Event) -> str:
    """The distinct actor names of an event, case-folded, as a JSON array (triggers file them in actor_names and
    event_actors, which the actor filter searches)."""
    names = {n.casefold() for n in (event.actor1, event.actor2, *event.assoc_actor_1, *event.assoc_actor_2) if n}
    return json.dumps(sorted(names))


def _actor_needle(actor: str | None) -> str:
    """What an actor filter searches for: the text stripped and case-folded ("" for no filter)."""
    return (actor or "").strip().casefold()


def _actor_names(needle: str) -> tuple[str, list[Any]]:
    """SQL selecting the ids of stored actor names holding ``needle`` (a trigram index over the distinct names
    narrows the search for three characters or more; instr keeps it exact)."""
    if len(needle) >= 3:
        return ("SELECT n.id FROM actor_names n WHERE n.id IN (SELECT rowid FROM actor_names_trigram "
                "WHERE actor_names_trigram MATCH ?) AND instr(n.name, ?) > 0",
                ['"' + needle.replace('"', '""') + '"', needle])
    return "SELECT n.id FROM actor_names n WHERE instr(n.name, ?) > 0", [needle]


def _bbox_spans(bbox: tuple[float, float, float, float]) -> tuple[list[tuple[float, float]], float, float]:
    """Longitude spans (two for a box crossing the antimeridian) and the latitude range of a bbox."""
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
    spans = [(min_lon, max_lon)] if min_lon <= max_lon else [(min_lon, 180.0), (-180.0, max_lon)]
    return spans, min_lat, max_lat


def _bbox_ids(bbox: tuple[float, float, float, float]) -> tuple[str, list[Any]]:
    """SQL selecting the ids of events inside the bbox from the R*Tree. It keeps 32-bit floats rounded outwards,
    so only an event whose box meets an edge of the bbox has its exact coordinates read."""
    spans, min_lat, max_lat = _bbox_spans(bbox)
    parts, params = [], []
    for lo, hi in spans:
        parts.append(
            "SELECT r.id FROM events_rtree r WHERE r.max_lon >= ? AND r.min_lon <= ? AND r.max_lat >= ? "
            "AND r.min_lat <= ? AND (r.min_lon >= ? AND r.max_lon <= ? AND r.min_lat >= ? AND r.max_lat <= ? OR "
            "EXISTS (SELECT 1 FROM events x WHERE x.id = r.id AND x.longitude BETWEEN ? AND ? "
            "AND x.latitude BETWEEN ? AND ?))")
        params += [lo, hi, min_lat, max_lat] * 3
    return " UNION ALL ".join(parts), params


def _bbox_test(bbox: tuple[float, float, float, float], table: str = "e") -> tuple[str, list[Any]]:
    """SQL testing the exact coordinates of ``table`` (events, or event_actors) against the bbox."""
    spans, min_lat, max_lat = _bbox_spans(bbox)
    lon = " OR ".join(f"{table}.longitude BETWEEN ? AND ?" for _ in spans)
    return f"({lon}) AND {table}.latitude BETWEEN ? AND ?", [v for span in spans for v in span] + [min_lat, max_lat]


def _country_code(event: Event) -> str:
    return event.event_id.split("-", 1)[0] if "-" in event.event_id else "XXX"


def event_where(flt: EventFilter | None, actor_index: bool = True, bbox_index: bool = True) -> tuple[str, list[Any]]:
    """SQL WHERE clause (over events ``e``) and parameters for an EventFilter; every field is honoured.

    ``actor_index`` and ``bbox_index`` let the actor (event_actors) or bbox (events_rtree) index give the events
    (fast when few match); False tests each event the query meets (fast when many match: a page stops early)."""
    if flt is None:
        return "", []
    clauses: list[str] = []
    params: list[Any] = []
    if flt.country:
        # Three letters are an ISO3 code (no country's name is that short); anything else is a name.
        if len(flt.country) == 3 and flt.country.isascii() and flt.country.isalpha():
            clauses.append("e.country_iso3 = ?")
            params.append(flt.country.upper())
        else:
            clauses.append("e.country = ? COLLATE NOCASE")
            params.append(flt.country)
    for column, value in (("admin1", flt.admin1), ("event_type", flt.event_type), ("sub_event_type", flt.sub_event_type)):
        if value:
            clauses.append(f"e.{column} = ? COLLATE NOCASE")
            params.append(value)
    needle = _actor_needle(flt.actor)
    if "\x00" in needle:
        clauses.append("0")  # no actor's name holds a NUL (and the trigram query cannot take one)
    elif needle:
        names, names_params = _actor_names(needle)
        if actor_index:
            clauses.append(f"e.id IN (SELECT a.id FROM event_actors a WHERE a.name_id IN ({names}))")
        else:
            clauses.append(f"EXISTS (SELECT 1 FROM event_actors a WHERE a.id = e.id AND a.name_id IN ({names}))")
        params += names_params
    if flt.since is not None:
        clauses.append("e.event_date >= ?")
        params.append(flt.since.isoformat())
    if flt.until is not None:
        clauses.append("e.event_date <= ?")
        params.append(flt.until.isoformat())
    if flt.min_fatalities is not None:
        clauses.append("e.fatalities >= ?")
        params.append(int(flt.min_fatalities))
    if flt.certainty:
        values = [Certainty(c).value for c in flt.certainty]
        clauses.append(f"e.certainty IN ({', '.join('?' * len(values))})")
        params += values
    if flt.hide_historical:
        clauses.append("e.historical = 0")
    if flt.hide_unverified:
        clauses.append("e.certainty != 'unverified'")
    if flt.stored_since is not None:
        clauses.append("e.updated_at >= ?")
        params.append(utc_text(flt.stored_since))
    if flt.bbox is not None:
        if bbox_index:
            ids, ids_params = _bbox_ids(flt.bbox)
            clauses.append(f"e.id IN ({ids})")
            params += ids_params
        test, test_params = _bbox_test(flt.bbox)
        clauses.append(test)
        params += test_params
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SQLiteStore:
    """The Store protocol (store/base.py) over one SQLite file; safe to share between threads (one lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._init_state()
        if self.path != MEMORY:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                parent = Path(self.path).parent
                reason = (f"{parent} is not a folder" if parent.exists()
                          else f"cannot create folder {parent}: {err.strerror or err}")
                raise StoreError(E601.format(path=self.path, reason=reason), code="E601") from err
        with self._db_errors():
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Until the file is in WAL mode, another process creating it locks out even readers: every step
            # below can be repeated, so the whole set-up waits its turn.
            retry_busy(self._set_up, self.path)

    def _init_state(self) -> None:
        """The lock and the caches a store keeps in memory (a PostgresStore keeps the same)."""
        self._lock = threading.RLock()
        self._decoded: dict[str, tuple[ResolvedEvent, SourceRef]] = {}
        self._pairs = PairMemory()
        # event id -> its parts, its row's pieces, the JSON row written with them and its envelope
        self._parts: dict[str, tuple[EventParts, RowPieces, str, EventEnvelope]] = {}
        self._stale: set[str] = set()  # events whose JSON row and evidence a join left stale (refresh_stale_rows)
        self._copies: CopyIndex | None = None  # loaded on first use
        self._on_its_way: dict[str, MinHash] = {}  # originals claimed by the pipeline, not yet stored

    def _set_up(self) -> None:
        self._conn.execute("PRAGMA foreign_keys = ON")
        # A 64 MB page cache keeps the event indexes in memory while loading and querying large stores.
        self._conn.execute("PRAGMA cache_size = -65536")
        self._conn.execute("PRAGMA temp_store = MEMORY")
        if self.path != MEMORY:
            use_wal(self._conn, self.path)
            self._conn.execute("PRAGMA synchronous = NORMAL")
        migrate(self._conn, self.path)

    # -- plumbing ---------------------------------------------------------------------------------------

    @contextmanager
    def _db_errors(self) -> Iterator[None]:
        """Turn sqlite3 errors into coded StoreErrors naming the database file."""
        try:
            yield
        except sqlite3.Error as err:
            raise StoreError(E601.format(path=self.path, reason=err), code="E601") from err

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on any exception. Waits its turn
        while another process writes (see store.locking)."""
        with self._lock, self._db_errors():
            begin_write(self._conn, self.path)
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def write_transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction for other parts of conflictlog that keep tables here (alerts): committed when the
        block ends, rolled back on any exception, errors coded E601."""
        with self._transaction() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, held for one read (errors coded E601)."""
        with self._lock, self._db_errors():
            yield self._conn

    def _after_commit(self, event_ids: Sequence[str]) -> None:
        """Queue alerts for events an article's committed transaction wrote (never inside it: a failure to
        queue leaves what was stored as it is)."""
        if event_ids:
            from conflictlog.alerts.outbox import enqueue_after_commit

            enqueue_after_commit(self, event_ids)

    def close(self) -> None:
        """Close the connection, first writing the rows joins left stale (readers rebuild any that stay) and
        refreshing planner statistics where SQLite thinks they are stale."""
        with self._lock:
            try:
                self.refresh_stale_rows()
            except StoreError as err:
                logger.warning("%s: stale event rows left to be rebuilt on read: %s", self.path, err)
            with suppress(sqlite3.Error):  # a read-only or busy database still closes
                self._conn.execute("PRAGMA analysis_limit = 1000")
                self._conn.execute("PRAGMA optimize")
            self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- watched feeds --------------------------------------------------------------------------------------

    def watch_state(self, source: str) -> tuple[dict[str, Any], set[str]]:
        """A watched feed's stored state (etag, last_modified, counts; empty when new) and its seen item keys."""
        with self._lock, self._db_errors():
            cur = self._conn.execute("SELECT * FROM watch_feeds WHERE source = ?", (source,))
            row = cur.fetchone()
            state = dict(zip([c[0] for c in cur.description], row)) if row else {}
            seen = {r[0] for r in self._conn.execute("SELECT item_key FROM watch_items WHERE source = ?", (source,))}
        return state, seen

    def record_watch(self, source: str, *, status: str, etag: str | None, last_modified: str | None,
                     items: Sequence[tuple[str, str | None, str]], error: str | None) -> None:
        """Record one pass over a feed in one transaction: its new conditional-GET state, the items seen now
        (key, url, outcome) and, when it failed, the error."""
        now = _now()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO watch_feeds(source, etag, last_modified, last_fetch, last_status, items, errors, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source) DO UPDATE SET "
                "etag = COALESCE(excluded.etag, etag), last_modified = COALESCE(excluded.last_modified, last_modified), "
                "last_fetch = excluded.last_fetch, last_status = excluded.last_status, items = items + excluded.items, "
                "errors = errors + excluded.errors, last_error = COALESCE(excluded.last_error, last_error)",
                (source, etag, last_modified, now, status, len(items), int(error is not None), error),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO watch_items(source, item_key, url, outcome, seen_at) VALUES (?, ?, ?, ?, ?)",
                [(source, key, url, outcome, now) for key, url, outcome in items],
            )

    def watch_status(self) -> list[dict[str, Any]]:
        """Every watched feed with its last fetch, status, item and error counts and last error, by source."""
        with self._lock, self._db_errors():
            cur = self._conn.execute(
                "SELECT source, last_fetch, last_status, items, errors, last_error FROM watch_feeds ORDER BY source")
            names = [c[0] for c in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    # -- articles -------------------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        """True when this article is already stored."""
        with self._lock, self._db_errors():
            return self._conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (article_id,)).fetchone() is not None

    def get_article(self, article_id: str) -> Article:
        """The stored article; raises NotFound."""
        with self._lock, self._db_errors():
            row = self._conn.execute(
                "SELECT article_id, source, text, url, title, outlet, original_outlet, author, published, "
                "published_raw, language FROM articles WHERE article_id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"{self.path}: no article {article_id!r}")
        return Article(
            article_id=row[0], source=row[1], text=row[2], url=row[3], title=row[4], outlet=row[5],
            original_outlet=row[6], author=row[7], published=codec.from_iso(row[8]), published_raw=row[9],
            language=row[10],
        )

    def _copy_index(self) -> CopyIndex:
        """The signatures of stored original bodies (read from the database on first use)."""
        if self._copies is None:
            index = CopyIndex()
            with self._lock, self._db_errors():
                for article_id, data in self._conn.execute("SELECT article_id, minhash FROM article_signatures"):
                    index.add(article_id, from_bytes(data))
            self._copies = index
        return self._copies

    def claim_original(self, article: Article) -> str | None:
        """The article this one is a near-copy of (stored, or claimed before and on its way to being stored);
        None when it is an original, which is then claimed: later copies of it find it."""
        minhash = signature(article.text)
        if minhash is None:
            return None
        with self._lock:
            index = self._copy_index()
            found = index.find(minhash)
            if found is not None and found != article.article_id:
                return found
            index.add(article.article_id, minhash)
            self._on_its_way[article.article_id] = minhash
        return None

    def add_copy(self, article: Article, original_id: str) -> AddResult | None:
        """Store an article as a near-copy of a stored one, in one transaction: it is not parsed, and its source
        joins every event of the original. None when the original is not stored (yet)."""
        try:
            with self._transaction() as conn:
                if conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (article.article_id,)).fetchone():
                    return AddResult(article.article_id, stored=False)
                row = conn.execute("SELECT copy_of FROM articles WHERE article_id = ?", (original_id,)).fetchone()
                if row is None:
                    return None
                root = row[0] or original_id
                self._insert_article(conn, article, copy_of=root)
                updated = self._refresh_events_of(conn, root, copy_id=article.article_id)
        except BaseException:
            self._pairs.discard()
            raise
        logger.info("%s: stored article %s as a copy of %s: %d events updated",
                    self.path, article.article_id, root, len(updated))
        self._after_commit(updated)
        return AddResult(article.article_id, True, 0, (), tuple(updated))

    def _copies_for(self, conn: sqlite3.Connection, article_ids: Iterable[str]) -> dict[str, list[SourceRef]]:
        """Original article id -> SourceRefs of its stored near-copies (mention_id left for build_event)."""
        ids = sorted(set(article_ids))
        out: dict[str, list[SourceRef]] = {}
        for i in range(0, len(ids), _BATCH):
            chunk = ids[i : i + _BATCH]
            for copy_of, article_id, url, title, outlet, published, original in conn.execute(
                "SELECT copy_of, article_id, url, title, outlet, published, original_outlet FROM articles "
                f"WHERE copy_of IN ({', '.join('?' * len(chunk))}) ORDER BY article_id",
                chunk,
            ):
                out.setdefault(copy_of, []).append(
                    SourceRef(article_id, "", url, title, outlet, codec.from_iso(published), original))
        return out

    def _refresh_events_of(self, conn: sqlite3.Connection, article_id: str, copy_id: str | None = None) -> list[str]:
        """Rebuild every event an article's reports are part of (same reports and decisions, sources anew). With
        ``copy_id``, a near-copy of the article just stored, an event whose parts are kept gains that one source
        in place instead, so the n-th copy of an article costs what the first does."""
        event_ids = [row[0] for row in conn.execute(
            "SELECT DISTINCT em.event_id FROM mentions m JOIN event_mentions em ON em.mention_id = m.mention_id "
            "WHERE m.article_id = ? ORDER BY em.event_id", (article_id,))]
        copy = self._copies_of_one(conn, copy_id) if copy_id is not None else None
        for event_id in event_ids:
            if copy is not None and self._add_copy_kept(conn, event_id, article_id, copy):
                continue
            rows = conn.execute(
                "SELECT d.mention_id, d.joined_to, d.score, d.reason, m.split_from FROM merge_decisions d "
                "JOIN mentions m ON m.mention_id = d.mention_id WHERE d.event_id = ? ORDER BY d.mention_id",
                (event_id,),
            ).fetchall()
            members, sources = self._load_mentions(conn, [r[0] for r in rows])
            first = min(r[0] for r in rows)
            split = any(r[0] == first and r[4] for r in rows)
            key = SPLIT_PREFIX + first if split else first
            decisions = tuple(sorted((MergeDecision(r[0], r[1], r[2], r[3]) for r in rows),
                                     key=lambda d: (d.joined_to is not None, d.mention_id)))
            copies = self._copies_for(conn, {m.mention.article_id for m in members})
            parts = EventParts.build(key, members, sources, copies)
            event = parts.event()
            self._write_event(conn, event, Cluster(key, tuple(r[0] for r in rows), decisions))
            self._assign_acled_ids(conn, [event])  # the row written names the event's id again
            if copy is not None and event.event_id == event_id and not split:
                stored = conn.execute("SELECT row_json FROM events WHERE event_id = ?", (event_id,)).fetchone()
                if stored is not None and stored[0] is not None:
                    self._keep_parts(event_id, parts, RowPieces(event), stored[0],
                                     EventEnvelope.build(key, members, decisions))
        return event_ids

    def _copies_of_one(self, conn: sqlite3.Connection, copy_id: str) -> SourceRef:
        """The SourceRef of one stored near-copy (mention_id left for the event's parts to fill)."""
        url, title, outlet, published, original = conn.execute(
            "SELECT url, title, outlet, published, original_outlet FROM articles WHERE article_id = ?",
            (copy_id,)).fetchone()
        return SourceRef(copy_id, "", url, title, outlet, codec.from_iso(published), original)

    def _add_copy_kept(self, conn: sqlite3.Connection, event_id: str, original_id: str, copy: SourceRef) -> bool:
        """Add a near-copy's source to an event in place, from the event's kept parts: its row, and one source row
        at its position. False, writing nothing, when no current parts are kept or the copy changes more than
        one source (the event is then rebuilt)."""
        kept = self._parts.pop(event_id, None)
        if kept is None or not self._is_current(conn, event_id, kept[2]):
            return False
        parts, pieces, _, envelope = kept
        parts.edits = []
        parts.add_copies({original_id: [copy]})
        edits, parts.edits = parts.edits, None
        event = parts.event()
        if len(edits) != 1 or edits[0][0] != "sources" or event.event_id != event_id:
            return False  # the parts popped are dropped: the rebuild starts afresh
        at = edits[0][1]
        pieces.follow(edits)
        event, kept_row = self._update_row(conn, event, pieces, _now())
        self._insert_at(conn, "event_sources", _SOURCE_INSERT, event_id, at, self._source_row(event.sources[at]))
        self._keep_parts(event_id, parts, pieces, kept_row, envelope)
        return True

    @staticmethod
    def _insert_at(conn: sqlite3.Connection, table: str, insert: str, event_id: str, position: int,
                   values: Sequence[Any]) -> None:
        """Insert one of an event's ordered child rows at ``position``, moving the later ones up (in two steps, as
        (event_id, position) is unique throughout)."""
        conn.execute(f"UPDATE {table} SET position = -position - 1 WHERE event_id = ? AND position >= ?",
                     (event_id, position))
        conn.execute(f"UPDATE {table} SET position = -position WHERE event_id = ? AND position < 0", (event_id,))
        conn.execute(insert, (event_id, position, *values))

    def add_article(self, article: Article, resolved: Sequence[ResolvedEvent]) -> AddResult:
        """Store one article with its resolved event mentions and merge them into events, in one transaction.

        An article already stored is skipped (``stored=False``). Any failure rolls back everything of this
        article and leaves the database as it was.
        """
        try:
            with self._transaction() as conn:
                if conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (article.article_id,)).fetchone():
                    logger.debug("%s: article %s already stored; skipped", self.path, article.article_id)
                    return AddResult(article.article_id, stored=False)
                self._insert_article(conn, article)
                minhash = self._on_its_way.get(article.article_id) or signature(article.text)
                if minhash is not None:
                    conn.execute("INSERT OR REPLACE INTO article_signatures(article_id, minhash) VALUES (?, ?)",
                                 (article.article_id, to_bytes(minhash)))
                new = self._insert_mentions(conn, article, resolved)
                created, updated = self._merge_new(conn, new)
        except BaseException:
            self._pairs.discard()
            raise
        self._pairs.commit()
        self._on_its_way.pop(article.article_id, None)
        if minhash is not None and self._copies is not None:
            self._copies.add(article.article_id, minhash)
        logger.info(
            "%s: stored article %s: %d mentions, %d events created, %d updated",
            self.path, article.article_id, len(new), len(created), len(updated),
        )
        self._after_commit([*created, *updated])
        return AddResult(article.article_id, True, len(new), tuple(created), tuple(updated))

    def _insert_article(self, conn: sqlite3.Connection, article: Article, copy_of: str | None = None) -> None:
        conn.execute(
            "INSERT INTO articles(article_id, source, text, url, title, outlet, original_outlet, author, published, "
            "published_raw, language, ingested_at, copy_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.article_id, article.source, article.text, article.url, article.title, article.outlet,
                article.original_outlet, article.author, codec.iso(article.published), article.published_raw,
                article.language, _now(), copy_of,
            ),
        )

    def _insert_mentions(
        self, conn: sqlite3.Connection, article: Article, resolved: Sequence[ResolvedEvent]
    ) -> list[ResolvedEvent]:
        """Insert the article's reports and their blocking keys; returns the reports inserted."""
        new: list[ResolvedEvent] = []
        for item in unique_by_mention(resolved):
            m = item.mention
            if m.article_id != article.article_id:
                raise StoreError(
                    E601.format(
                        path=self.path,
                        reason=f"mention {m.mention_id} belongs to article {m.article_id}, not {article.article_id}",
                    ),
                    code="E601",
                )
            if conn.execute("SELECT 1 FROM mentions WHERE mention_id = ?", (m.mention_id,)).fetchone():
                logger.warning("%s: mention %s is already stored; skipped", self.path, m.mention_id)
                continue
            record = codec.resolved_to_dict(item)
            place = item.place
            conn.execute(
                "INSERT INTO mentions(mention_id, article_id, event_type, sub_event_type, actor1, actor2, assoc_actor_1, "
                "assoc_actor_2, actors_raw, date_start, date_end, time_precision, country, country_iso3, admin1, admin2, "
                "location, latitude, longitude, geo_precision, gazetteer_id, fatalities, injured, claimed_by, certainty, "
                "historical, notes, confidence, evidence, record) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    m.mention_id, m.article_id, m.event_type, m.sub_event_type, item.actor1, item.actor2,
                    codec.dumps(list(item.assoc_actor_1)), codec.dumps(list(item.assoc_actor_2)),
                    codec.dumps({k: record["mention"][k] for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")}),
                    codec.iso(m.date.start) if m.date else None, codec.iso(m.date.end) if m.date else None,
                    int(m.date.precision) if m.date else None,
                    place.country if place else None, place.country_iso3 if place else None,
                    place.admin1 if place else None, place.admin2 if place else None, place.location if place else None,
                    place.latitude if place else None, place.longitude if place else None,
                    int(place.geo_precision) if place else None, place.gazetteer_id if place else None,
                    m.fatalities, m.injured, m.claimed_by, m.certainty.value, int(m.historical), m.notes,
                    m.confidence, codec.dumps(record["mention"]["evidence"]), codec.dumps(record),
                ),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO mention_blocks(block_key, mention_id) VALUES (?, ?)",
                [(key, m.mention_id) for key in block_keys(item)],
            )
            new.append(item)
        return new

    # -- merge ----------------------------------------------------------------------------------------------

    def _load_mentions(self, conn: sqlite3.Connection, mention_ids: Sequence[str]) -> tuple[list[ResolvedEvent], dict[str, SourceRef]]:
        """Stored reports and the SourceRef of each (from its article)."""
        resolved: list[ResolvedEvent] = []
        sources: dict[str, SourceRef] = {}
        missing: list[str] = []
        for mention_id in mention_ids:
            known = self._decoded.get(mention_id)
            if known is None:
                missing.append(mention_id)
            else:
                resolved.append(known[0])
                sources[mention_id] = known[1]
        if len(self._decoded) + len(missing) > _DECODED_CACHE:
            self._decoded.clear()
        for i in range(0, len(missing), _BATCH):
            chunk = missing[i : i + _BATCH]
            rows = conn.execute(
                "SELECT m.record, a.article_id, a.url, a.title, a.outlet, a.published, a.original_outlet "
                f"FROM mentions m JOIN articles a ON a.article_id = m.article_id WHERE m.mention_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for record, article_id, url, title, outlet, published, original in rows:
                item = codec.resolved_from_dict(json.loads(record))
                resolved.append(item)
                source = SourceRef(
                    article_id, item.mention.mention_id, url, title, outlet, codec.from_iso(published), original
                )
                sources[item.mention.mention_id] = source
                # a stored report never changes, so its decoded form is kept for the next merge
                self._decoded[item.mention.mention_id] = (item, source)
        return resolved, sources

    def _merge_new(self, conn: sqlite3.Connection, new: Sequence[ResolvedEvent]) -> tuple[list[str], list[str]]:
        """Merge newly inserted reports into events; only the link components they join are re-planned, and
        only events that lost or gained a report are rewritten."""
        if not new:
            return [], []
        if len(new) == 1:
            joined = self._join_kept(conn, new[0])
            if joined is not None:
                return joined
        new_ids = {r.mention.mention_id for r in new}
        keys = sorted({key for r in new for key in block_keys(r)})
        candidates: set[str] = set()
        for i in range(0, len(keys), _BATCH):
            chunk = keys[i : i + _BATCH]
            candidates.update(
                row[0]
                for row in conn.execute(
                    "SELECT DISTINCT b.mention_id FROM mention_blocks b "
                    "JOIN mentions m ON m.mention_id = b.mention_id AND m.split_from IS NULL "
                    f"WHERE b.block_key IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
            )
        candidates -= new_ids
        nearby, _ = self._load_mentions(conn, sorted(candidates))
        links = report_links(new, nearby)
        appended = self._append_new(conn, new, links)
        if appended is not None:
            return appended
        linked = sorted({old_id for found in links.values() for old_id in found})
        components = set(self._column_of(conn, "component", linked).values())
        region_ids: set[str] = set()
        for component in sorted(components):
            region_ids.update(
                row[0] for row in conn.execute(
                    "SELECT mention_id FROM mentions WHERE component = ? AND split_from IS NULL", (component,))
            )
        region_ids -= new_ids
        stored, sources = self._load_mentions(conn, sorted(region_ids))
        old_of = self._column_of(conn, "event", sorted(region_ids))
        old_members: dict[str, set[str]] = {}
        for mention_id, event_id in old_of.items():
            old_members.setdefault(event_id, set()).add(mention_id)
        for item in new:
            sources.setdefault(item.mention.mention_id, self._source_of_new(conn, item))
        unchanged = {frozenset(members) for members in old_members.values()}
        region = [*stored, *new]
        copies = self._copies_for(conn, {r.mention.article_id for r in region})
        planned, linked_components = plan_region(region, sources, memory=self._pairs, copies=copies)
        changed = [(c, e) for c, e in planned if frozenset(c.mention_ids) not in unchanged]
        conn.executemany(
            "UPDATE mentions SET component = ? WHERE mention_id = ?",
            [(ids[0], m) for ids in linked_components for m in ids],
        )
        # Every old event that lost or gained a report is rewritten; an old id that disappears points to the
        # event now holding the old event's first report.
        home = {m: event.event_id for cluster, event in changed for m in cluster.mention_ids}
        replaced: dict[str, str] = {}
        for event_id, members in old_members.items():
            if members & home.keys():
                replaced[event_id] = home[min(members)]
                self._delete_event(conn, event_id)
        created: list[str] = []
        updated: list[str] = []
        for cluster, event in changed:
            (updated if set(cluster.mention_ids) - new_ids else created).append(event.event_id)
            self._write_event(conn, event, cluster)
        now = _now()
        for old_id, new_id in replaced.items():
            if old_id != new_id:
                self._carry_acled_id(conn, old_id, new_id)
                conn.execute("UPDATE event_aliases SET event_id = ? WHERE event_id = ?", (new_id, old_id))
                conn.execute(
                    "INSERT OR REPLACE INTO event_aliases(old_event_id, event_id, changed_at) VALUES (?, ?, ?)",
                    (old_id, new_id, now),
                )
                logger.debug("%s: event %s merged into %s", self.path, old_id, new_id)
        conn.execute("DELETE FROM event_aliases WHERE old_event_id IN (SELECT event_id FROM events)")
        self._assign_acled_ids(conn, [event for _, event in changed])
        return sorted(created), sorted(updated)

    @staticmethod
    def _carry_acled_id(conn: sqlite3.Connection, old_id: str, new_id: str) -> None:
        """Hand the ACLED-style id of a replaced event to the event that now holds its first report, unless that
        event has one of its own."""
        conn.execute(
            "UPDATE acled_ids SET event_id = ? WHERE event_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM acled_ids WHERE event_id = ?)",
            (new_id, old_id, new_id),
        )

    @staticmethod
    def _assign_acled_ids(conn: sqlite3.Connection, events: Sequence[Event]) -> None:
        """Give each event without one the next ACLED-style id of its country (ISO3 + number), in the given order."""
        ids = [e.event_id for e in events]
        have: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            have.update(r[0] for r in conn.execute(
                f"SELECT event_id FROM acled_ids WHERE event_id IN ({', '.join('?' * len(chunk))})", chunk))
        fresh: dict[str, list[str]] = {}
        for event in events:
            if event.event_id not in have:
                have.add(event.event_id)
                fresh.setdefault(_country_code(event), []).append(event.event_id)
        for iso3, event_ids in fresh.items():
            row = conn.execute("SELECT last FROM acled_counters WHERE iso3 = ?", (iso3,)).fetchone()
            last = row[0] if row else 0
            conn.executemany(
                "INSERT INTO acled_ids(event_id, acled_id) VALUES (?, ?)",
                [(event_id, f"{iso3}{last + i}") for i, event_id in enumerate(event_ids, 1)],
            )
            conn.execute(
                "INSERT INTO acled_counters(iso3, last) VALUES (?, ?) ON CONFLICT(iso3) DO UPDATE SET last = excluded.last",
                (iso3, last + len(event_ids)),
            )
        # the JSON row stored with each event was written before its id was given or carried over: it names it now
        given: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            given.update((r[0], (r[1], r[2])) for r in conn.execute(
                "SELECT a.event_id, a.acled_id, e.updated_at FROM acled_ids a JOIN events e ON e.event_id = a.event_id "
                f"WHERE a.event_id IN ({', '.join('?' * len(chunk))})", chunk))
        conn.executemany(  # a stale row stays stale: its evidence is written with it (refresh_stale_rows)
            "UPDATE events SET row_json = ?, row_format = ? WHERE event_id = ? AND row_json IS NOT NULL",
            [(row_json(replace(e, acled_id=given[e.event_id][0], timestamp=codec.unix_seconds(given[e.event_id][1]))),
              row_format(), e.event_id)
             for e in events if e.event_id in given and e.acled_id != given[e.event_id][0]],
        )

    def _append_new(self, conn: sqlite3.Connection, new: Sequence[ResolvedEvent],
                    links: dict[str, dict[str, tuple[float, str]]]) -> tuple[list[str], list[str]] | None:
        """Merge without a re-plan in the common case: no new report links to another, and each links to
        nothing or to every report of one event and nothing else. Then it joins that event, as the batch merge
        would (under complete linkage nothing else can change), at a cost that does not grow with the size of
        the incident beyond one pass over its reports. None when the case does not hold."""
        by_id = {r.mention.mention_id: r for r in new}
        ids = sorted(by_id)
        if any(link_between(by_id[a], by_id[b]) is not None for i, a in enumerate(ids) for b in ids[i + 1:]):
            return None
        joins: dict[str, tuple[str, list[str]]] = {}  # new report -> (event, its reports)
        for n in ids:
            found = links.get(n, {})
            if not found:
                continue
            events = set(self._column_of(conn, "event", sorted(found)).values())
            if len(events) != 1:
                return None
            (event_id,) = events
            members = [row[0] for row in conn.execute(
                "SELECT mention_id FROM event_mentions WHERE event_id = ? ORDER BY mention_id", (event_id,))]
            if set(members) != found.keys() or any(e == event_id for e, _ in joins.values()):
                return None
            joins[n] = (event_id, members)
        created: list[str] = []
        updated: list[str] = []
        written: list[Event] = []
        for n in ids:
            report = by_id[n]
            if n not in joins:
                sources = {n: self._source_of_new(conn, report)}
                copies = self._copies_for(conn, [report.mention.article_id])
                ((cluster, event),) = cluster_events([report], sources, copies=copies)
                self._write_event(conn, event, cluster)
                conn.execute("UPDATE mentions SET component = ? WHERE mention_id = ?", (n, n))
                created.append(event.event_id)
            else:
                event_id, members = joins[n]
                event = self._join_event(conn, report, event_id, members, links[n])
                updated.append(event.event_id)
            written.append(event)
        conn.execute("DELETE FROM event_aliases WHERE old_event_id IN (SELECT event_id FROM events)")
        self._assign_acled_ids(conn, written)
        return sorted(created), sorted(updated)

    def _join_event(self, conn: sqlite3.Connection, report: ResolvedEvent, event_id: str, members: list[str],
                    link: dict[str, tuple[float, str]]) -> Event:
        """Add one report linked to every report of an event to it; returns the event (its id may be new).
        Decisions follow the batch rule: each report names its strongest link in the event."""
        n = report.mention.mention_id
        stored, sources = self._load_mentions(conn, members)
        sources[n] = self._source_of_new(conn, report)
        key = min(members[0], n)
        earlier = {row[0]: (row[1], row[2], row[3]) for row in conn.execute(
            "SELECT mention_id, joined_to, score, reason FROM merge_decisions WHERE event_id = ?", (event_id,))}
        decisions: list[MergeDecision] = []
        for m in members:
            joined_to, score, reason = earlier[m]
            with_new = link[m]
            if m == key:
                decisions.append(MergeDecision(m, None, None, FIRST_REPORT))
            elif joined_to is None:  # first no more: its strongest link among all
                former = next(r for r in stored if r.mention.mention_id == m)
                other = best_link(former, [*stored, report]) or (n, *with_new)  # linked to the new one at least
                decisions.append(MergeDecision(m, *other))
            elif with_new[0] > score or (with_new[0] == score and n < joined_to):
                decisions.append(MergeDecision(m, n, *with_new))
            else:
                decisions.append(MergeDecision(m, joined_to, score, reason))
        if n == key:
            decisions.append(MergeDecision(n, None, None, FIRST_REPORT))
        else:
            other_id, (score, reason) = min(link.items(), key=lambda item: (-item[1][0], item[0]))
            decisions.append(MergeDecision(n, other_id, score, reason))
        decisions.sort(key=lambda d: (d.joined_to is not None, d.mention_id))
        kept = self._stored_parts(conn, event_id, key)
        follow: tuple[RowPieces, list[tuple[str, int, object | None]]] | None = None
        if kept is not None and kept[0].can_add(report):
            parts, pieces = kept
            parts.edits = []
            parts.add(report, sources[n])
            follow, parts.edits = (pieces, parts.edits), None
        else:
            group = [*stored, report]
            parts = EventParts.build(key, group, sources, self._copies_for(conn, {r.mention.article_id for r in group}))
        event = parts.event()
        if event.event_id != event_id:
            self._delete_event(conn, event_id)
            self._carry_acled_id(conn, event_id, event.event_id)
            conn.execute("UPDATE event_aliases SET event_id = ? WHERE event_id = ?", (event.event_id, event_id))
            conn.execute("INSERT OR REPLACE INTO event_aliases(old_event_id, event_id, changed_at) VALUES (?, ?, ?)",
                         (event_id, event.event_id, _now()))
        changed = [d for d in decisions if d.mention_id == n or earlier[d.mention_id] != (d.joined_to, d.score, d.reason)]
        written = (None if event.event_id != event_id
                   else self._write_join(conn, event, report, changed, follow))
        if written is None:
            self._write_event(conn, event, Cluster(key, tuple(sorted([*members, n])), tuple(decisions)))
        else:
            self._keep_parts(event_id, parts, *written[1:], EventEnvelope.build(key, [*stored, report], decisions))
        conn.execute("UPDATE mentions SET component = (SELECT component FROM mentions WHERE mention_id = ?) "
                     "WHERE mention_id = ?", (members[0], n))
        return written[0] if written is not None else event

    def _join_kept(self, conn: sqlite3.Connection, report: ResolvedEvent) -> tuple[list[str], list[str]] | None:
        """Merge one new report as _append_new would, through the envelopes of kept events, when those events hold
        every stored report its blocking keys file (counted, not read): it joins the one event it is linked to
        in every report of, or stands alone when linked to none. None, writing nothing, when that does not hold
        or an envelope cannot say; the reports are then compared one by one."""
        keys = block_keys(report)
        near = {event_id: kept for event_id, kept in self._parts.items() if any(k in kept[3].block_counts for k in keys)}
        if not near:
            return None
        filed = dict(conn.execute(
            f"SELECT block_key, COUNT(*) FROM mention_blocks WHERE block_key IN ({', '.join('?' * len(keys))}) "
            "GROUP BY block_key", keys).fetchall())
        # each count includes the new report itself
        if any(filed.get(k, 0) - 1 != sum(kept[3].block_counts.get(k, 0) for kept in near.values()) for k in keys):
            return None
        plans: dict[str, JoinPlan] = {}
        for event_id, kept in near.items():
            if not self._is_current(conn, event_id, kept[2]):
                del self._parts[event_id]
                return None
            plan = kept[3].plan_join(report)
            if plan is None:
                return None
            if plan is not False:
                plans[event_id] = plan  # type: ignore[assignment]
        if not plans:
            return self._append_new(conn, [report], {})
        if len(plans) > 1:
            return None
        ((event_id, plan),) = plans.items()
        parts, pieces, _, envelope = self._parts.pop(event_id)
        parts.edits = []
        parts.add(report, self._source_of_new(conn, report))
        edits, parts.edits = parts.edits, None
        event = parts.event()
        written = None if event.event_id != event_id else self._write_join(
            conn, event, report, [plan.decision, *plan.changed], (pieces, edits))
        if written is None:
            return None
        envelope.join(report, plan)
        self._keep_parts(event_id, parts, *written[1:], envelope)
        conn.execute("UPDATE mentions SET component = (SELECT component FROM mentions WHERE mention_id = ?) "
                     "WHERE mention_id = ?", (envelope.key, report.mention.mention_id))
        conn.execute("DELETE FROM event_aliases WHERE old_event_id IN (SELECT event_id FROM events)")
        self._assign_acled_ids(conn, [written[0]])
        return [], [event_id]

    @staticmethod
    def _is_current(conn: sqlite3.Connection, event_id: str, row: str) -> bool:
        """Whether an event's stored JSON row is the one given, in the row format in force, or, for a stale mark
        (``_STALE_MARK``), whether the row is still the stale one that write left."""
        if row.startswith(_STALE_MARK):
            found = conn.execute("SELECT row_json IS NULL AND row_format = ? FROM events WHERE event_id = ?",
                                 (row, event_id)).fetchone()
        else:
            found = conn.execute("SELECT row_json = ? AND row_format = ? FROM events WHERE event_id = ?",
                                 (row, row_format(), event_id)).fetchone()
        return found is not None and found[0] == 1

    def _stored_parts(self, conn: sqlite3.Connection, event_id: str, key: str) -> tuple[EventParts, RowPieces] | None:
        """The parts and row pieces of a stored event kept from the write that stored it, taken out of the cache;
        None unless the event's stored row is still the one written then (no other write since, or it was rolled
        back), in the row format in force (which names the outlet registry the parts grouped outlets by). The
        row names every source and claim, so the event's other rows are then the ones written with it too."""
        kept = self._parts.pop(event_id, None)
        if kept is None or kept[0].key != key:
            return None
        return (kept[0], kept[1]) if self._is_current(conn, event_id, kept[2]) else None

    def _keep_parts(self, event_id: str, parts: EventParts, pieces: RowPieces, row: str,
                    envelope: EventEnvelope) -> None:
        """Keep the parts, row pieces and envelope of an event just written in place, with the row that says they
        are current."""
        if len(self._parts) >= _PARTS_CACHE:
            self._parts.pop(next(iter(self._parts)))
        self._parts[event_id] = (parts, pieces, row, envelope)

    def _write_join(self, conn: sqlite3.Connection, event: Event, report: ResolvedEvent,
                    decisions: Sequence[MergeDecision],
                    follow: tuple[RowPieces, list[tuple[str, int, object | None]]] | None = None,
                    ) -> tuple[Event, RowPieces, str] | None:
        """Write an event that kept its id and gained one report in place: its row, the report's source, claim and
        decision, and ``decisions``, those of its other reports that changed; the other rows stay. ``follow`` gives the row pieces of the
        event as stored (kept parts, current) and the edits that report made to its lists. Returns the event as
        written (with its ACLED-style id), its row pieces and JSON row (or, for an event past STALE_AFTER, whose
        row and evidence are left stale, its stale mark); None, writing nothing, when the stored rows are not the
        event without that report."""
        event_id, n, article_id = event.event_id, report.mention.mention_id, report.mention.article_id
        if follow is not None:
            pieces, edits = follow
            at_source = [i for name, i, item in edits if name == "sources"]
            at_claim = [i for name, i, item in edits if name == "claims"]
            if len(at_source) != 1 or len(at_claim) != 1 or event.sources[at_source[0]].article_id != article_id:
                return None
            pieces.follow(edits)
        else:
            at_source = [i for i, s in enumerate(event.sources) if s.article_id == article_id]
            at_claim = [i for i, c in enumerate(event.claims) if c.mention_id == n]
            if len(at_source) != 1 or len(at_claim) != 1:
                return None
            stored_sources = [r[0] for r in conn.execute(
                "SELECT article_id FROM event_sources WHERE event_id = ? ORDER BY position", (event_id,))]
            stored_claims = [r[0] for r in conn.execute(
                "SELECT mention_id FROM claims WHERE event_id = ? ORDER BY position", (event_id,))]
            if (stored_sources != [s.article_id for i, s in enumerate(event.sources) if i != at_source[0]]
                    or stored_claims != [c.mention_id for i, c in enumerate(event.claims) if i != at_claim[0]]):
                return None
            pieces = RowPieces(event)
        now = _now()
        event, kept_row = self._update_row(conn, event, pieces, now)
        indexed = (event.latitude, event.longitude, event.actor1, event.actor2, event.assoc_actor_1, event.assoc_actor_2)
        if pieces.indexed != indexed:
            for sql in _EVENT_INDEXES:
                conn.execute(sql, (event_id,))
            pieces.indexed = indexed
        for table, position, insert, values in (
            ("event_sources", at_source[0], _SOURCE_INSERT, self._source_row(event.sources[at_source[0]])),
            ("claims", at_claim[0], _CLAIM_INSERT, self._claim_row(event.claims[at_claim[0]])),
        ):
            self._insert_at(conn, table, insert, event_id, position, values)
        conn.execute("INSERT INTO event_mentions(event_id, mention_id) VALUES (?, ?)", (event_id, n))
        for d in decisions:
            if d.mention_id == n:
                conn.execute(_DECISION_INSERT, (event_id, n, d.joined_to, d.score, d.reason, now))
            else:
                conn.execute("UPDATE merge_decisions SET joined_to = ?, score = ?, reason = ?, decided_at = ? "
                             "WHERE event_id = ? AND mention_id = ?",
                             (d.joined_to, d.score, d.reason, now, event_id, d.mention_id))
        return event, pieces, kept_row

    def _update_row(self, conn: sqlite3.Connection, event: Event, pieces: RowPieces, now: str) -> tuple[Event, str]:
        """Rewrite an events row in place from its row pieces, naming its ACLED-style id (so _assign_acled_ids has
        nothing to rewrite); past STALE_AFTER items the JSON row and evidence are left stale. Returns the event as
        written and its JSON row, or its stale mark."""
        row = conn.execute("SELECT acled_id FROM acled_ids WHERE event_id = ?", (event.event_id,)).fetchone()
        if row is not None:
            event = replace(event, acled_id=row[0])
        items = len(pieces.sources) + len(pieces.evidence) + len(pieces.claims)
        stale = f"{_STALE_MARK}{uuid.uuid4().hex}" if items > STALE_AFTER else None
        written = self._event_row(event, now, pieces, stale)
        conn.execute(_EVENT_UPDATE, (*written[1:], event.event_id))
        if stale is not None:
            self._stale.add(event.event_id)
        return event, stale or written[_WRITTEN_COLUMNS.index("row_json")]

    def _column_of(self, conn: sqlite3.Connection, what: str, mention_ids: Sequence[str]) -> dict[str, str]:
        """mention_id -> its link component (``what="component"``) or its event (``what="event"``)."""
        sql = {
            "component": "SELECT mention_id, component FROM mentions WHERE mention_id IN ({})",
            "event": "SELECT mention_id, event_id FROM event_mentions WHERE mention_id IN ({})",
        }[what]
        out: dict[str, str] = {}
        for i in range(0, len(mention_ids), _BATCH):
            chunk = list(mention_ids[i : i + _BATCH])
            out.update(conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall())
        return out

    def _source_of_new(self, conn: sqlite3.Connection, item: ResolvedEvent) -> SourceRef:
        row = conn.execute(
            "SELECT url, title, outlet, published, original_outlet FROM articles WHERE article_id = ?",
            (item.mention.article_id,),
        ).fetchone()
        return SourceRef(item.mention.article_id, item.mention.mention_id, row[0], row[1], row[2], codec.from_iso(row[3]), row[4])

    def _delete_event(self, conn: sqlite3.Connection, event_id: str) -> None:
        conn.execute("DELETE FROM events WHERE event_id = ?", (event_id,))

    def _write_event(self, conn: sqlite3.Connection, event: Event, cluster: Cluster | None, reasons: dict[str, str] | None = None) -> None:
        """Insert one event with its sources, claims, reports and merge decisions (replacing a same-id event)."""
        self._delete_event(conn, event.event_id)
        now = _now()
        conn.execute(_EVENT_INSERT, self._event_row(event, now))
        self._write_children(conn, [event])
        if cluster is not None:
            conn.executemany(
                "INSERT INTO event_mentions(event_id, mention_id) VALUES (?, ?)",
                [(event.event_id, m) for m in cluster.mention_ids],
            )
            conn.executemany(
                _DECISION_INSERT,
                [
                    (event.event_id, d.mention_id, d.joined_to, d.score, (reasons or {}).get(d.mention_id, d.reason), now)
                    for d in cluster.decisions
                ],
            )

    @staticmethod
    def _event_row(event: Event, now: str, pieces: RowPieces | None = None, stale: str | None = None) -> tuple[Any, ...]:
        """The values of an events row (``_WRITTEN_COLUMNS``); ``pieces`` are the event's row pieces, if kept.
        With a ``stale`` mark the JSON row and evidence are left out (see refresh_stale_rows)."""
        stamped = replace(event, timestamp=codec.unix_seconds(now))
        if stale is not None:
            evidence, row = _STALE_EVIDENCE, None
        elif pieces is None:
            evidence, row = codec.dumps(codec.evidence_to_list(event.evidence)), row_json(stamped)
        else:
            evidence, row = pieces.evidence_column(), pieces.row(stamped)
        return (
            event.event_id, event.event_date.isoformat(), codec.iso(event.event_date_end), int(event.time_precision),
            event.event_type, event.sub_event_type, event.actor1, event.actor2, codec.dumps(list(event.assoc_actor_1)),
            codec.dumps(list(event.assoc_actor_2)), event.country, _country_code(event), event.admin1, event.admin2,
            event.location, event.latitude, event.longitude,
            int(event.geo_precision) if event.geo_precision is not None else None, event.fatalities, event.injured,
            event.claimed_by, Certainty(event.certainty).value, int(event.historical), event.notes, evidence,
            event.fatalities_low, event.fatalities_best, event.fatalities_high, event.corroboration, now,
            _actors_folded(event), row, stale or row_format(),
        )

    @staticmethod
    def _source_row(s: SourceRef) -> tuple[Any, ...]:
        """An event_sources row after (event_id, position)."""
        return (s.article_id, s.mention_id, s.url, s.title, s.outlet, codec.iso(s.published), s.original_outlet)

    @staticmethod
    def _claim_row(c: Claim) -> tuple[Any, ...]:
        """A claims row after (event_id, position)."""
        return (c.mention_id, c.claimant, c.outlet, c.fatalities, c.injured)

    @classmethod
    def _write_children(cls, conn: sqlite3.Connection, events: Sequence[Event]) -> None:
        conn.executemany(
            _SOURCE_INSERT,
            [(e.event_id, i, *cls._source_row(s)) for e in events for i, s in enumerate(e.sources)],
        )
        conn.executemany(
            _CLAIM_INSERT,
            [(e.event_id, i, *cls._claim_row(c)) for e in events for i, c in enumerate(e.claims)],
        )

    # -- events ---------------------------------------------------------------------------------------------

    def _resolve_id(self, event_id: str) -> str:
        """The current id of an event (following the alias of an event merged into a larger one)."""
        if self._conn.execute("SELECT 1 FROM events WHERE event_id = ?", (event_id,)).fetchone():
            return event_id
        row = self._conn.execute("SELECT event_id FROM event_aliases WHERE old_event_id = ?", (event_id,)).fetchone()
        if row is None:
            row = self._conn.execute(
                "SELECT a.event_id FROM acled_ids a JOIN events e ON e.event_id = a.event_id WHERE a.acled_id = ?",
                (event_id,),
            ).fetchone()
        if row is None:
            raise NotFound(f"{self.path}: no event {event_id!r}")
        return str(row[0])

    def get_event(self, event_id: str) -> Event:
        """One event with its sources, claims and evidence; raises NotFound. An id of an event that was merged
        into a larger one gives the larger event."""
        with self._lock, self._db_errors():
            current = self._resolve_id(event_id)
            rows = self._conn.execute(_EVENT_SELECT + " WHERE e.event_id = ?", (current,)).fetchall()
            return self._events_from_rows(rows)[0]

    def _events_from_rows(self, rows: Sequence[Sequence[Any]]) -> list[Event]:
        ids = [row[0] for row in rows]
        sources: dict[str, list[SourceRef]] = {i: [] for i in ids}
        claims: dict[str, list[Claim]] = {i: [] for i in ids}
        acled_ids: dict[str, str] = {}
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            marks = ", ".join("?" * len(chunk))
            # read for the page alone: joined in the page query, it would be looked up for every skipped row too
            acled_ids.update(self._conn.execute(f"SELECT event_id, acled_id FROM acled_ids WHERE event_id IN ({marks})", chunk))
            for r in self._conn.execute(
                "SELECT event_id, article_id, mention_id, url, title, outlet, published, original_outlet FROM event_sources "
                f"WHERE event_id IN ({marks}) ORDER BY event_id, position",
                chunk,
            ):
                sources[r[0]].append(SourceRef(r[1], r[2], r[3], r[4], r[5], codec.from_iso(r[6]), r[7]))
            for r in self._conn.execute(
                "SELECT event_id, mention_id, claimant, outlet, fatalities, injured FROM claims "
                f"WHERE event_id IN ({marks}) ORDER BY event_id, position",
                chunk,
            ):
                claims[r[0]].append(Claim(r[1], r[2], r[3], r[4], r[5]))
        stale = self._stale_evidence([r[0] for r in rows if r[24] == _STALE_EVIDENCE])
        events: list[Event] = []
        for r in rows:
            events.append(
                Event(
                    event_id=r[0],
                    event_date=codec.from_iso(r[1]),  # type: ignore[arg-type]
                    event_date_end=codec.from_iso(r[2]),
                    time_precision=TimePrecision(r[3]),
                    event_type=r[4],
                    sub_event_type=r[5],
                    actor1=r[6],
                    actor2=r[7],
                    assoc_actor_1=tuple(json.loads(r[8])),
                    assoc_actor_2=tuple(json.loads(r[9])),
                    country=r[10],
                    admin1=r[12],
                    admin2=r[13],
                    location=r[14],
                    latitude=r[15],
                    longitude=r[16],
                    geo_precision=GeoPrecision(r[17]) if r[17] is not None else None,
                    fatalities=r[18],
                    injured=r[19],
                    claimed_by=r[20],
                    certainty=Certainty(r[21]),
                    historical=bool(r[22]),
                    notes=r[23],
                    evidence=stale[r[0]] if r[0] in stale else codec.evidence_from_list(json.loads(r[24])),
                    fatalities_low=r[25],
                    fatalities_best=r[26],
                    fatalities_high=r[27],
                    corroboration=r[28],
                    timestamp=codec.unix_seconds(r[29]),
                    acled_id=acled_ids.get(r[0]),
                    sources=tuple(sources[r[0]]),
                    claims=tuple(claims[r[0]]),
                )
            )
        return events

    def _stale_evidence(self, event_ids: Sequence[str]) -> dict[str, tuple[Evidence, ...]]:
        """The evidence of events whose stored evidence is stale, from their reports (by build_event's rule)."""
        found: dict[str, list[tuple[str, tuple[Evidence, ...]]]] = {event_id: [] for event_id in event_ids}
        for start in range(0, len(event_ids), _BATCH):
            chunk = event_ids[start : start + _BATCH]
            for event_id, mention_id, evidence in self._conn.execute(
                "SELECT em.event_id, m.mention_id, m.evidence FROM event_mentions em "
                f"JOIN mentions m ON m.mention_id = em.mention_id WHERE em.event_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                found[event_id].append((mention_id, codec.evidence_from_list(json.loads(evidence))))
        return {event_id: event_evidence(reports) for event_id, reports in found.items()}

    def refresh_rows(self, batch: int = _BATCH, progress: Callable[[int], None] | None = None) -> int:
        """Rewrite the JSON row and evidence of every event stored in another row format than this version's (or
        left stale), in batches of one transaction each, so reads stop rebuilding them; returns how many were
        written. ``progress`` is told each batch's size."""
        current = row_format()
        written, last = 0, ""
        while True:
            with self._transaction() as conn:
                ids = [r[0] for r in conn.execute(
                    "SELECT event_id FROM events WHERE event_id > ? AND (row_json IS NULL OR row_format <> ?) "
                    "ORDER BY event_id LIMIT ?", (last, current, batch))]
                if not ids:
                    break
                rows = conn.execute(_EVENT_SELECT + f" WHERE e.event_id IN ({', '.join('?' * len(ids))})",
                                    ids).fetchall()
                conn.executemany(
                    "UPDATE events SET evidence = ?, row_json = ?, row_format = ? WHERE event_id = ?",
                    [(codec.dumps(codec.evidence_to_list(e.evidence)), row_json(e), current, e.event_id)
                     for e in self._events_from_rows(rows)])
            last, written = ids[-1], written + len(ids)
            self._stale.difference_update(ids)
            if progress is not None:
                progress(len(ids))
        return written

    def refresh_stale_rows(self) -> int:
        """Write the JSON row and evidence of every event a join left stale (see STALE_AFTER), in one transaction;
        an ingest run ends with it. Returns how many events were written."""
        with self._lock:
            return self._refresh_stale_rows() if self._stale else 0

    def _refresh_stale_rows(self) -> int:
        ids = sorted(self._stale)
        with self._transaction() as conn:
            found: list[tuple[str, str, str, str | None]] = []
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                found += conn.execute(
                    "SELECT e.event_id, e.row_format, e.updated_at, a.acled_id FROM events e "
                    "LEFT JOIN acled_ids a ON a.event_id = e.event_id "
                    f"WHERE e.event_id IN ({', '.join('?' * len(chunk))}) AND e.row_json IS NULL AND e.evidence = ?",
                    [*chunk, _STALE_EVIDENCE]).fetchall()
            written: list[tuple[str, str, str, str]] = []
            rebuild: list[str] = []
            for event_id, mark, updated_at, acled_id in found:
                kept = self._parts.get(event_id)
                if kept is None or kept[2] != mark:
                    rebuild.append(event_id)
                    continue
                # the kept parts and pieces are those of the stale row: the row is built from them
                event = replace(kept[0].event(), acled_id=acled_id, timestamp=codec.unix_seconds(updated_at))
                written.append((kept[1].evidence_column(), kept[1].row(event), row_format(), event_id))
            for start in range(0, len(rebuild), _BATCH):
                chunk = rebuild[start : start + _BATCH]
                rows = conn.execute(_EVENT_SELECT + f" WHERE e.event_id IN ({', '.join('?' * len(chunk))})",
                                    chunk).fetchall()
                written += [(codec.dumps(codec.evidence_to_list(e.evidence)), row_json(e), row_format(), e.event_id)
                            for e in self._events_from_rows(rows)]
            conn.executemany("UPDATE events SET evidence = ?, row_json = ?, row_format = ? WHERE event_id = ?", written)
        self._stale.difference_update(ids)
        marks = {event_id: mark for event_id, mark, _, _ in found}
        for _, row, _, event_id in written:
            kept = self._parts.get(event_id)
            if kept is not None and kept[2] == marks[event_id]:  # kept parts stay current with the row written now
                self._parts[event_id] = (kept[0], kept[1], row, kept[3])
        logger.debug("%s: wrote %d stale event rows", self.path, len(written))
        return len(written)

    def _where(self, flt: EventFilter | None) -> tuple[str, list[Any]]:
        """WHERE clause for a filter, where an actor or bbox filter drives the query only when few events match it
        (see _DRIVE_BELOW)."""
        if flt is None:
            return event_where(flt)
        drive = self._driver(flt)
        return event_where(flt, actor_index=drive == "actor", bbox_index=drive == "bbox")

    def _driver(self, flt: EventFilter) -> str | None:
        """Which index gives the events of a filter ("actor", "bbox"), or None to walk the date index."""
        needle = _actor_needle(flt.actor)
        if (not needle or "\x00" in needle) and flt.bbox is None:
            return None
        events = max(1, self._conn.execute("SELECT max(id) FROM events").fetchone()[0] or 1)
        cap = math.isqrt(_DRIVE_BELOW * events) + 1
        sizes: dict[str, int] = {}
        if needle and "\x00" not in needle:
            names, params = _actor_names(needle)
            sizes["actor"] = self._matches(f"SELECT 1 FROM event_actors a WHERE a.name_id IN ({names})", params, cap)
        if flt.bbox is not None:
            sizes["bbox"] = self._matches(*_bbox_ids(flt.bbox), cap)
        fraction = math.prod(min(n, events) / events for n in sizes.values())
        smallest = min(sizes, key=lambda k: sizes[k])
        drive = sizes[smallest] < cap and sizes[smallest] * fraction < _DRIVE_BELOW
        return smallest if drive else None

    def _by_name_and_date(self, flt: EventFilter, limit: int | None, offset: int) -> tuple[str, list[Any]] | None:
        """WHERE clause for a page of an actor-and-bbox filter that neither index drives: the candidates are each
        matching name's newest events inside the bbox, as many as the page reaches plus those sharing the date of
        the last (so ties order by event_id), from event_actors by name and date. None where it does not apply."""
        needle = _actor_needle(flt.actor)
        if (flt.bbox is None or not needle or "\x00" in needle or limit is None or limit < 1
                or limit + offset > _NAME_WALK_MAX or replace(flt, actor=None, bbox=None) != EventFilter()):
            return None
        names, names_params = _actor_names(needle)
        ids = [r[0] for r in self._conn.execute(names + " LIMIT ?", [*names_params, _NAME_WALKS_MAX + 1])]
        if not ids or len(ids) > _NAME_WALKS_MAX or self._driver(flt) is not None:
            return None
        inside, inside_params = _bbox_test(flt.bbox, "a")
        inside_b, _ = _bbox_test(flt.bbox, "b")
        walks, params = [], []
        for name_id in ids:
            walks.append(
                f"SELECT a.id FROM event_actors a WHERE a.name_id = ? AND {inside} AND a.event_date >= coalesce(("
                f"SELECT b.event_date FROM event_actors b WHERE b.name_id = ? AND {inside_b} "
                "ORDER BY b.event_date DESC LIMIT 1 OFFSET ?), '')")
            params += [name_id, *inside_params, name_id, *inside_params, limit + offset - 1]
        where, where_params = event_where(flt, actor_index=False, bbox_index=False)
        return f"{where} AND e.id IN ({' UNION ALL '.join(walks)})", [*where_params, *params]

    def _matches(self, select: str, params: list[Any], cap: int) -> int:
        """Rows of ``select``, counted up to ``cap``."""
        sql = f"SELECT count(*) FROM ({select} LIMIT ?) AS capped"
        return int(self._conn.execute(sql, [*params, cap]).fetchone()[0])

    def _count_in_indexes(self, flt: EventFilter, limit: int) -> int | None:
        """Matches of a filter that is only an actor and/or a bbox, counted up to ``limit`` in event_actors or the
        R*Tree alone (no event is read but on a bbox's edge); None for any other filter."""
        needle = _actor_needle(flt.actor)
        if replace(flt, actor=None, bbox=None) != EventFilter() or (not needle and flt.bbox is None):
            return None
        if "\x00" in needle:
            return 0
        names, names_params = _actor_names(needle) if needle else ("", [])
        if not needle and flt.bbox is not None:
            select, params = _bbox_ids(flt.bbox)
        elif flt.bbox is not None and self._bbox_side_cheaper(flt.bbox, names, names_params):
            ids, ids_params = _bbox_ids(flt.bbox)
            select = (f"SELECT r.id FROM ({ids}) r WHERE EXISTS (SELECT 1 FROM event_actors a WHERE a.id = r.id "
                      f"AND a.name_id IN ({names}))")
            params = [*ids_params, *names_params]
        else:
            test, params = _bbox_test(flt.bbox, "a") if flt.bbox is not None else ("1", [])
            select = f"SELECT DISTINCT a.id FROM event_actors a WHERE a.name_id IN ({names}) AND {test}"
            params = [*names_params, *params]
        return self._matches(select, params, limit)

    def _bbox_side_cheaper(self, bbox: tuple[float, float, float, float], names: str, params: list[Any]) -> bool:
        """Whether an actor-and-bbox count is cheaper testing the actor on each event in the bbox (R*Tree) than
        testing the bbox on each of the actor's rows in event_actors (see _ROWS_PER_BBOX_EVENT)."""
        inside = self._matches(*_bbox_ids(bbox), _BBOX_SIDE_MAX)
        if inside >= _BBOX_SIDE_MAX:
            return False
        enough = inside * _ROWS_PER_BBOX_EVENT
        return self._matches(f"SELECT 1 FROM event_actors a WHERE a.name_id IN ({names})", params, enough) >= enough

    def _page_sql(self, select: str, flt: EventFilter, limit: int | None, offset: int) -> tuple[str, list[Any]]:
        """SQL and parameters of ``select`` (over events ``e``) for the events matching the filter, newest first."""
        with self._lock, self._db_errors():
            where, params = (flt is not None and self._by_name_and_date(flt, limit, offset)) or self._where(flt)
        sql = select + where + _ORDER
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, -1 if limit is None else int(limit), int(offset)]
        return sql, params

    def _page(self, select: str, flt: EventFilter, limit: int | None, offset: int) -> list[Any]:
        """Rows of ``select`` (over events ``e``) for the events matching the filter, newest first."""
        sql, params = self._page_sql(select, flt, limit, offset)
        with self._lock, self._db_errors():
            return self._conn.execute(sql, params).fetchall()

    def query_plan(self, flt: EventFilter, limit: int | None = 100, offset: int = 0) -> list[str]:
        """How SQLite runs the page query_event_json reads for a filter (EXPLAIN QUERY PLAN details, in order)."""
        sql, params = self._page_sql("SELECT e.event_id, e.row_json, e.row_format FROM events e", flt, limit, offset)
        with self._lock, self._db_errors():
            return [str(r[3]) for r in self._conn.execute("EXPLAIN QUERY PLAN " + sql, params)]

    def query_events(self, flt: EventFilter, limit: int | None = None, offset: int = 0) -> list[Event]:
        """Events matching the filter, newest first (event_date desc, event_id)."""
        rows = self._page(_EVENT_SELECT, flt, limit, offset)
        with self._lock, self._db_errors():
            return self._events_from_rows(rows)

    def query_event_json(self, flt: EventFilter, limit: int | None = None, offset: int = 0) -> list[str]:
        """The events query_events gives, each as its JSON row (``row_json``): as stored when this version of the
        mapping wrote it, else built from the decoded event."""
        rows = self._page("SELECT e.event_id, e.row_json, e.row_format FROM events e", flt, limit, offset)
        current = row_format()
        stale = [r[0] for r in rows if r[1] is None or r[2] != current]
        rebuilt: dict[str, str] = {}
        with self._lock, self._db_errors():
            for start in range(0, len(stale), _BATCH):
                chunk = stale[start:start + _BATCH]
                found = self._conn.execute(_EVENT_SELECT + f" WHERE e.event_id IN ({', '.join('?' * len(chunk))})",
                                           chunk).fetchall()
                rebuilt.update((e.event_id, row_json(e)) for e in self._events_from_rows(found))
        return [rebuilt[r[0]] if r[0] in rebuilt else r[1] for r in rows]

    def count_events(self, flt: EventFilter, limit: int | None = None) -> int:
        """How many events match the filter; with ``limit``, counting stops there (the answer is at most limit)."""
        with self._lock, self._db_errors():
            counted = None if limit is None or flt is None else self._count_in_indexes(flt, int(limit))
            if counted is not None:
                return counted
            where, params = self._where(flt)
        sql = "SELECT count(*) FROM events e" + where
        if limit is not None:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM events e{where} LIMIT ?) AS capped"
            params = [*params, int(limit)]
        with self._lock, self._db_errors():
            return int(self._conn.execute(sql, params).fetchone()[0])

    def iter_events(self, flt: EventFilter | None = None) -> Iterator[Event]:
        """Stream every matching event in a stable order (event_date desc, event_id), a batch at a time."""
        with self._lock, self._db_errors():
            where, params = self._where(flt)
        last: tuple[str, str] | None = None
        while True:
            page_where, page_params = where, list(params)
            if last is not None:  # keyset pagination: stable while other writers add events
                cond = "(e.event_date < ? OR (e.event_date = ? AND e.event_id > ?))"
                page_where = (where + " AND " + cond) if where else " WHERE " + cond
                page_params += [last[0], last[0], last[1]]
            sql = _EVENT_SELECT + page_where + _ORDER + " LIMIT ?"
            with self._lock, self._db_errors():
                batch = self._events_from_rows(self._conn.execute(sql, [*page_params, _BATCH]).fetchall())
            yield from batch
            if len(batch) < _BATCH:
                return
            last = (batch[-1].event_date.isoformat(), batch[-1].event_id)

    def event_ids_for_article(self, article_id: str) -> list[str]:
        """Ids of the events an article supports."""
        with self._lock, self._db_errors():
            return [
                r[0]
                for r in self._conn.execute(
                    "SELECT DISTINCT event_id FROM event_sources WHERE article_id = ? ORDER BY event_id", (article_id,)
                )
            ]

    # -- merge decisions and unmerge --------------------------------------------------------------------------

    def merge_decisions(self, event_id: str) -> list[dict[str, Any]]:
        """Every merge decision behind an event: the mentions joined, score and reason."""
        with self._lock, self._db_errors():
            current = self._resolve_id(event_id)
            rows = self._conn.execute(
                "SELECT d.event_id, d.mention_id, m.article_id, d.joined_to, d.score, d.reason, d.decided_at "
                "FROM merge_decisions d LEFT JOIN mentions m ON m.mention_id = d.mention_id "
                "WHERE d.event_id = ? ORDER BY d.joined_to IS NOT NULL, d.mention_id",
                (current,),
            ).fetchall()
        keys = ("event_id", "mention_id", "article_id", "joined_to", "score", "reason", "decided_at")
        return [dict(zip(keys, row)) for row in rows]

    def unmerge(self, event_id: str) -> list[str]:
        """Split an event back into one event per report; returns the new event ids.

        The split is recorded on each report (``mentions.split_from``) and such reports are never merged
        again, neither with each other nor with later reports.
        """
        self._pairs.forget()  # remembered merges may hold the reports being split
        with self._transaction() as conn:
            current = self._resolve_id(event_id)
            mention_ids = [
                r[0] for r in conn.execute("SELECT mention_id FROM event_mentions WHERE event_id = ? ORDER BY mention_id", (current,))
            ]
            if not mention_ids:
                raise StoreError(
                    E601.format(path=self.path, reason=f"event {current} has no stored reports to split (bulk-loaded)"),
                    code="E601",
                )
            resolved, sources = self._load_mentions(conn, mention_ids)
            now = _now()
            self._delete_event(conn, current)
            conn.executemany(
                "UPDATE mentions SET split_from = ?, split_at = ?, component = mention_id WHERE mention_id = ?",
                [(current, now, m) for m in mention_ids],
            )
            new_ids: list[str] = []
            written: list[Event] = []
            isolated = frozenset(mention_ids)
            copies = self._copies_for(conn, {r.mention.article_id for r in resolved})
            for cluster, event in cluster_events(resolved, sources, isolated, copies=copies):
                reasons = {m: f"split from {current} by unmerge" for m in cluster.mention_ids}
                self._write_event(conn, event, cluster, reasons)
                new_ids.append(event.event_id)
                written.append(event)
                if mention_ids[0] in cluster.mention_ids:
                    self._carry_acled_id(conn, current, event.event_id)
            self._assign_acled_ids(conn, written)
            conn.execute("DELETE FROM event_aliases WHERE event_id = ?", (current,))
        logger.info("%s: unmerged %s into %d events", self.path, current, len(new_ids))
        return sorted(new_ids)

    def remerge(self) -> dict[str, int]:
        """Rebuild every event from the stored reports in one transaction (after the merge rules change).

        Reports split apart by unmerge stay apart; bulk-loaded events (no stored reports) are left alone.
        Returns counts: reports, events before and after, events whose id changed.
        """
        self._pairs.forget()  # the rules may have changed: no remembered score holds
        with self._transaction() as conn:
            mention_ids = [r[0] for r in conn.execute("SELECT mention_id FROM mentions ORDER BY mention_id")]
            isolated = frozenset(r[0] for r in conn.execute("SELECT mention_id FROM mentions WHERE split_from IS NOT NULL"))
            split_reason = dict(
                conn.execute("SELECT mention_id, 'split from ' || split_from || ' by unmerge' FROM mentions WHERE split_from IS NOT NULL")
            )
            old_of: dict[str, str] = dict(conn.execute("SELECT mention_id, event_id FROM event_mentions"))
            before = len(set(old_of.values()))
            resolved, sources = self._load_mentions(conn, mention_ids)
            conn.execute("DELETE FROM events WHERE event_id IN (SELECT event_id FROM event_mentions)")
            new_of: dict[str, str] = {}
            written: list[Event] = []
            copies = self._copies_for(conn, {r.mention.article_id for r in resolved})
            planned, components = plan_region(resolved, sources, isolated, copies=copies)
            conn.executemany("UPDATE mentions SET component = ? WHERE mention_id = ?",
                             [(ids[0], m) for ids in components for m in ids])
            for cluster, event in planned:
                self._write_event(conn, event, cluster, {m: split_reason[m] for m in cluster.mention_ids if m in split_reason})
                new_of.update((m, event.event_id) for m in cluster.mention_ids)
                written.append(event)
            now = _now()
            changed = 0
            for old_id in sorted(set(old_of.values()) - set(new_of.values())):
                first = min(m for m, e in old_of.items() if e == old_id)
                self._carry_acled_id(conn, old_id, new_of[first])
                conn.execute("UPDATE event_aliases SET event_id = ? WHERE event_id = ?", (new_of[first], old_id))
                conn.execute(
                    "INSERT OR REPLACE INTO event_aliases(old_event_id, event_id, changed_at) VALUES (?, ?, ?)",
                    (old_id, new_of[first], now),
                )
                changed += 1
            conn.execute("DELETE FROM event_aliases WHERE old_event_id IN (SELECT event_id FROM events)")
            self._assign_acled_ids(conn, written)
        counts = {"reports": len(mention_ids), "events_before": before, "events_after": len(set(new_of.values())), "ids_changed": changed}
        logger.info("%s: re-merged %s", self.path, counts)
        return counts

    # -- bulk and runs ----------------------------------------------------------------------------------------

    def bulk_load_events(self, events: Iterable[Event]) -> int:
        """Insert ready-made events directly (benchmarks and fixtures), replacing same-id events; returns how many
        were written. Written in transactions of 10,000 events."""
        n = 0
        batch: list[Event] = []

        def flush() -> None:
            with self._transaction() as conn:
                now = _now()
                ids = [(e.event_id,) for e in batch]
                conn.executemany("DELETE FROM events WHERE event_id = ?", ids)
                conn.executemany(_EVENT_INSERT, [self._event_row(e, now) for e in batch])
                self._write_children(conn, batch)
                self._assign_acled_ids(conn, batch)

        for event in events:
            batch.append(event)
            if len(batch) >= 10_000:
                flush()
                n += len(batch)
                batch = []
        if batch:
            flush()
            n += len(batch)
        with self._lock, self._db_errors():
            # Fresh statistics let the planner pick the selective index for each filter.
            self._conn.execute("PRAGMA analysis_limit = 1000")
            self._conn.execute("PRAGMA optimize")
        return n

    def record_run(self, report: RunReport) -> None:
        """Keep what one ingest run did (counts, failures) in the runs table."""
        failures = [{"source": f.source, "stage": f.stage, "code": f.code, "message": f.message} for f in report.failures]
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO runs(run_id, started, finished, counts, failures) VALUES "
                "(?, (SELECT started FROM runs WHERE run_id = ?), ?, ?, ?)",
                (report.run_id, report.run_id, _now(), codec.dumps(dict(report.counts)), codec.dumps(failures)),
            )

    def runs(self) -> list[dict[str, Any]]:
        """Every recorded run, newest first: run_id, finished, counts and failures."""
        with self._lock, self._db_errors():
            rows = self._conn.execute("SELECT run_id, started, finished, counts, failures FROM runs ORDER BY finished DESC, run_id").fetchall()
        return [
            {"run_id": r[0], "started": r[1], "finished": r[2], "counts": json.loads(r[3]), "failures": json.loads(r[4])}
            for r in rows
        ]

    def schema_migrations(self) -> list[tuple[int, str]]:
        """Applied migrations, in order: (version, name)."""
        with self._lock, self._db_errors():
            return [(int(v), str(n)) for v, n in self._conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")]


def open_store(path: str | Path) -> SQLiteStore:
    """Open (and create or migrate) the store at ``path``: a ``postgresql://`` URL opens a PostgresStore, any
    other path a SQLite file; ``":memory:"`` gives a private in-memory SQLite store."""
    if isinstance(path, str) and path.startswith(("postgresql://", "postgres://")):
        from conflictlog.store.postgres import PostgresStore

        return PostgresStore(path)
    return SQLiteStore(path)


__all__ = ["SQLiteStore", "event_where", "open_store"]
