"""The PostgreSQL + PostGIS store, for a team sharing one database: SQLiteStore's logic over a PostgreSQL
connection (psycopg 3).

The store methods are SQLiteStore's own; their SQL goes through a connection adapter that rewrites SQLite's
dialect (placeholders, INSERT OR IGNORE / OR REPLACE, NOCASE, instr, LIMIT -1) and drops the statements that
keep SQLite's R*Tree index table, which PostgreSQL does not need: the bounding box is a PostGIS point column
under a GiST index and the actor substring a pg_trgm index over the distinct actor names. What differs is here:
connecting, transactions, migrations, the bbox and actor filters, counts, query plans, and bulk loading with COPY.

Several ingest processes may write into one database. Every write transaction first takes one transaction-level
advisory lock (MERGE_LOCK), so merge decisions are made one article at a time, as in a single process, while the
costly parse, extract and resolve stages run in parallel. One lock rather than one per blocking key, because a
merge re-plans every link component its reports touch, and a component reaches reports through keys the new
report does not have: per-key locks would not cover what the merge reads. Each article is one transaction,
so readers never see half of one, and the article check runs under the lock, so an article ingested by two
processes at once is stored once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from conflictlog.errors import E601, E602, StoreError
from conflictlog.ingest.copies import CopyIndex, from_bytes, signature
from conflictlog.records import Article, Event, ResolvedEvent
from conflictlog.store.base import AddResult, EventFilter
from conflictlog.store.migrations import MIGRATIONS, Migration
from conflictlog.store.sqlite import (
    _EVENT_COLUMNS,
    _ORDER,
    SQLiteStore,
    _country_code,
    _actor_needle,
    _bbox_spans,
    _now,
    event_where,
)

logger = logging.getLogger(__name__)

URL_SCHEMES = ("postgresql://", "postgres://")
MERGE_LOCK = 0x636C6F67  # advisory lock key of the merge step ("clog")
MIGRATION_LOCK = 0x636C6F68  # advisory lock key of schema migrations
_COPY_BATCH = 20_000

# Primary keys of the tables SQLite's INSERT OR REPLACE writes (PostgreSQL's upsert names the conflict).
_KEYS = {"article_signatures": ("article_id",), "event_aliases": ("old_event_id",), "runs": ("run_id",)}


def is_postgres_url(db: object) -> bool:
    """True when a --db value names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(URL_SCHEMES)


def display_url(url: str) -> str:
    """The URL as messages and logs name it: without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _contains(needle: str) -> str:
    """A LIKE pattern for text containing ``needle`` (its own %, _ and backslashes taken literally)."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", needle) + "%"


class _NoRows:
    """The result of a statement that PostgreSQL does not need (SQLite's own index tables, PRAGMAs)."""

    description = None
    rowcount = 0

    def fetchone(self) -> None:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


def _qualify_upsert(sql: str) -> str:
    """In ``ON CONFLICT ... DO UPDATE SET``, name the target table on bare columns read on the right-hand side
    (SQLite reads them as the stored row; PostgreSQL calls them ambiguous)."""
    table = re.match(r"\s*INSERT INTO (\w+)", sql)
    head, sep, tail = sql.partition(" DO UPDATE SET ")
    if table is None or not sep:
        return sql
    qualified = re.sub(r"(?<![\w.])([a-z_][a-z0-9_]*)\b(?!\s*[.(])(?!\s*=(?!=))",
                       lambda m: m.group(1) if m.group(1) == "excluded" else f"{table.group(1)}.{m.group(1)}", tail)
    return head + sep + qualified


@lru_cache(maxsize=2048)
def translate(sql: str) -> str | None:
    """One SQLite statement of the store in PostgreSQL's dialect (psycopg placeholders); None for a statement
    PostgreSQL does not need."""
    if sql.lstrip().upper().startswith("PRAGMA") or "events_rtree" in sql:
        return None
    pg = sql
    if pg.startswith("INSERT OR IGNORE INTO"):
        pg = "INSERT INTO" + pg[len("INSERT OR IGNORE INTO"):] + " ON CONFLICT DO NOTHING"
    elif pg.startswith("INSERT OR REPLACE INTO"):
        found = re.match(r"INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\)", pg)
        if found is None or found.group(1) not in _KEYS:
            raise ValueError(f"no PostgreSQL form for: {sql}")
        table, keys = found.group(1), _KEYS[found.group(1)]
        columns = [c.strip() for c in found.group(2).split(",")]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        pg = ("INSERT INTO" + pg[len("INSERT OR REPLACE INTO"):]
              + f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}")
    else:
        pg = _qualify_upsert(pg)
    pg = re.sub(r"([\w.]+) = \? COLLATE NOCASE", r"lower(\1) = lower(?)", pg)
    pg = pg.replace("instr(", "strpos(").replace("LIMIT ? OFFSET ?", "LIMIT NULLIF(?, -1) OFFSET ?")
    return pg.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection that takes the store's SQLite statements (``execute``, ``executemany``)."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns its cursor."""
        pg = translate(sql)
        if pg is None:
            return _NoRows()
        return self.raw.execute(pg, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        pg = translate(sql)
        rows = [tuple(r) for r in rows]
        if pg is None or not rows:
            return
        with self.raw.cursor() as cur:
            cur.executemany(pg, rows)


def applied_versions(conn: Any) -> dict[int, str]:
    """Recorded migrations of a PostgreSQL database: version -> name (empty for a new database)."""
    if conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
        return {}
    return {int(v): str(n) for v, n in conn.execute("SELECT version, name FROM schema_migrations")}


def migrate_postgres(conn: Any, name: str, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[str]:
    """Apply every migration the database lacks, in order, each in one transaction (its PostgreSQL script),
    recorded in schema_migrations as the SQLite store records them; returns their names. Processes opening one
    new database at once wait on an advisory lock, so each migration is applied once. E602 when the database
    records a newer version than any known here."""
    newest = migrations[-1].version if migrations else 0
    done = applied_versions(conn)
    if max(done, default=0) > newest:
        raise StoreError(E602.format(path=name, found=max(done), supported=newest), code="E602")
    applied: list[str] = []
    for migration in migrations:
        if migration.version in done:
            continue
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            done = applied_versions(conn)
            if max(done, default=0) > newest:
                raise StoreError(E602.format(path=name, found=max(done), supported=newest), code="E602")
            if migration.version in done:
                continue
            logger.info("%s: applying schema migration %d %s", name, migration.version, migration.name)
            conn.execute(migration.postgres_sql)
            conn.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (%s, %s, %s)",
                         (migration.version, migration.name, datetime.now(timezone.utc).isoformat(timespec="seconds")))
            applied.append(migration.name)
    return applied


def _copy_text(value: Any) -> Any:
    """A value as COPY takes it (booleans as integers, the store's columns being integers)."""
    return int(value) if isinstance(value, bool) else value


class PostgresStore(SQLiteStore):
    """The Store protocol (store/base.py) over one PostgreSQL + PostGIS database, named by a URL."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.url = url
        self.path = display_url(url)
        self._init_state()
        self._signatures_read = 0  # the last article_signatures.seq read into the copy index
        with self._db_errors():
            self._raw = psycopg.connect(url, autocommit=True)
            self._conn = PgConnection(self._raw)  # type: ignore[assignment]
            if "bbox_point_index" in migrate_postgres(self._raw, self.path):
                self._raw.execute("VACUUM ANALYZE event_points")  # its index-only scans want the visibility map set

    @contextmanager
    def _db_errors(self) -> Iterator[None]:
        """Turn driver errors into coded StoreErrors naming the database (without its password)."""
        import psycopg

        try:
            yield
        except psycopg.Error as err:
            reason = str(err).strip().replace(self.url, self.path) or type(err).__name__
            raise StoreError(E601.format(path=self.path, reason=reason), code="E601") from err

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One write transaction, holding the merge lock: committed when the block ends, rolled back on any
        exception."""
        with self._lock, self._db_errors(), self._raw.transaction():
            self._raw.execute("SELECT pg_advisory_xact_lock(%s)", (MERGE_LOCK,))
            yield self._conn

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._raw.close()

    def __enter__(self) -> PostgresStore:
        return self

    # -- near-copies stored by other processes ----------------------------------------------------------------

    def _copy_index(self) -> CopyIndex:
        """The signatures of stored original bodies, with those other processes stored since the last call."""
        with self._lock, self._db_errors():
            if self._copies is None:
                self._copies, self._signatures_read = CopyIndex(), 0
            for seq, article_id, data in self._conn.execute(
                    "SELECT seq, article_id, minhash FROM article_signatures WHERE seq > ? ORDER BY seq",
                    (self._signatures_read,)):
                self._copies.add(article_id, from_bytes(data))
                self._signatures_read = seq
            return self._copies

    def _stored_original(self, article: Article) -> str | None:
        """A stored article (of any process) this one is a near-copy of, else None."""
        minhash = self._on_its_way.get(article.article_id) or signature(article.text)
        if minhash is None:
            return None
        index = self._copy_index()
        own = article.article_id in index
        index.discard(article.article_id)  # its own claim would be the closest match
        try:
            found = index.find(minhash)
        finally:
            if own:
                index.add(article.article_id, minhash)
        if found is None or found in self._on_its_way or not self.has_article(found):
            return None
        return found

    def add_article(self, article: Article, resolved: Sequence[ResolvedEvent]) -> AddResult:
        """SQLiteStore.add_article, except that an article another process stored a near-copy of while this one was
        being parsed is stored as a copy of it, as one process would have stored it: the check and the write
        are one transaction under the merge lock."""
        with self._transaction():
            original = self._stored_original(article)
            if original is not None:
                result = self.add_copy(article, original)
                if result is not None:
                    return result
            return super().add_article(article, resolved)

    def _where(self, flt: EventFilter | None) -> tuple[str, list[Any]]:
        """WHERE clause for a filter: SQLite's for the plain columns; the actor substring through the trigram index
        on the distinct actor names and the bounding box through the GiST index on geom."""
        if flt is None:
            return "", []
        where, params = event_where(replace(flt, actor=None, bbox=None))
        clauses: list[str] = []
        needle = _actor_needle(flt.actor)
        if "\x00" in needle:
            clauses.append("FALSE")  # no actor's name holds a NUL (and PostgreSQL text cannot)
        elif needle:
            # the names first: given their ids, the planner knows how many events it is about to join
            clauses.append("e.id IN (SELECT l.event_pk FROM event_folded_actors l WHERE l.name_id = ANY(?))")
            params.append(self._actor_names(needle))
        if flt.bbox is not None:
            spans, min_lat, max_lat = _bbox_spans(flt.bbox)
            parts = []
            for lo, hi in spans:  # a box crossing the antimeridian is two boxes
                parts.append("(e.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326) AND e.longitude BETWEEN ? AND ? "
                             "AND e.latitude BETWEEN ? AND ?)")
                params += [lo, min_lat, hi, max_lat, lo, hi, min_lat, max_lat]
            clauses.append("(" + " OR ".join(parts) + ")")
        if not clauses:
            return where, params
        return (where + " AND " if where else " WHERE ") + " AND ".join(clauses), params

    def _actor_names(self, needle: str) -> list[int]:
        """Ids of the folded actor names holding ``needle``."""
        return [row[0] for row in self._raw.execute("SELECT name_id FROM folded_actor_names WHERE folded LIKE %s",
                                                    (_contains(needle),))]

    def _by_name_and_date(self, flt: EventFilter, limit: int | None, offset: int) -> tuple[str, list[Any]] | None:
        """None: SQLite's walk of each name's events by date has no PostgreSQL table; the planner picks the index."""
        return None

    def _points(self, flt: EventFilter | None) -> tuple[str, list[Any]] | None:
        """A select of (id, event_date, event_id) from event_points for a filter that is a bbox with at most an
        actor and dates, answered from the point index alone (migration 13); None for any other filter."""
        if flt is None or flt.bbox is None:
            return None
        if replace(flt, bbox=None, actor=None, since=None, until=None) != EventFilter():
            return None
        tests: list[str] = []
        test_params: list[Any] = []
        needle = _actor_needle(flt.actor)
        if "\x00" in needle:
            tests.append("FALSE")
        elif needle:
            tests.append("p.name_ids && ?::bigint[]")
            test_params.append(self._actor_names(needle))
        for clause, day in (("p.event_date >= ?", flt.since), ("p.event_date <= ?", flt.until)):
            if day is not None:
                tests.append(clause)
                test_params.append(day.isoformat())
        spans, min_lat, max_lat = _bbox_spans(flt.bbox)
        selects, params = [], []
        for lo, hi in spans:  # a box crossing the antimeridian is two boxes, holding no point in common
            # <@ finds the points; the coordinates, read from the same index entries, are tested exactly
            selects.append("SELECT p.id, p.event_date, p.event_id FROM event_points p "
                           "WHERE p.pt <@ box(point(?, ?), point(?, ?)) "
                           "AND p.pt[0] BETWEEN ? AND ? AND p.pt[1] BETWEEN ? AND ?"
                           + "".join(" AND " + test for test in tests))
            params += [lo, min_lat, hi, max_lat, lo, hi, min_lat, max_lat, *test_params]
        return " UNION ALL ".join(selects), params

    def _page_sql(self, select: str, flt: EventFilter, limit: int | None, offset: int) -> tuple[str, list[Any]]:
        """SQLite's page query, except that a page of a bbox (see _points), an actor alone or no filter takes its
        event ids from indexes alone first (the point index, or the date index, which carries the ids, walked past
        the offset), then reads just those rows."""
        with self._lock, self._db_errors():
            points = self._points(flt)
            if limit is None:
                return super()._page_sql(select, flt, limit, offset)
            if points is not None:
                ids, params = f"SELECT p.id FROM ({points[0]}) AS p ORDER BY p.event_date DESC, p.event_id", points[1]
            elif flt is None or replace(flt, actor=None) == EventFilter():
                where, params = self._where(flt)
                ids = f"SELECT e.id FROM events e{where}{_ORDER}"  # (its own events e, inside the outer one)
            else:
                return super()._page_sql(select, flt, limit, offset)
        return f"{select} WHERE e.id IN ({ids} LIMIT ? OFFSET ?){_ORDER}", [*params, int(limit), int(offset)]

    def _count_in_indexes(self, flt: EventFilter, limit: int | None) -> int | None:
        """Matches of an actor alone, counted in the actor link table (up to ``limit`` when given); None for any
        other filter."""
        needle = _actor_needle(flt.actor)
        if not needle or "\x00" in needle or replace(flt, actor=None) != EventFilter():
            return None
        names = self._actor_names(needle)
        # each name's events, counted up to the limit through the primary key (name_id, event_pk)
        most, rows = self._raw.execute(
            "SELECT coalesce(max(n), 0), coalesce(sum(n), 0) FROM unnest(%s::bigint[]) AS names(name_id), "
            "LATERAL (SELECT count(*) AS n FROM (SELECT 1 FROM event_folded_actors l "
            "WHERE l.name_id = names.name_id LIMIT %s) AS capped) AS counted", (names, limit)).fetchone()
        if len(names) <= 1 or (limit is not None and most >= limit) or most == rows:
            return int(most) if limit is None else min(int(most), limit)
        return int(self._raw.execute("SELECT count(*) FROM (SELECT DISTINCT event_pk FROM event_folded_actors "
                                     "WHERE name_id = ANY(%s) LIMIT %s) AS capped", (names, limit)).fetchone()[0])

    def count_events(self, flt: EventFilter, limit: int | None = None) -> int:
        """How many events match the filter, counting up to ``limit`` when given; a bbox (with at most an actor and
        dates) is counted in the point index, an actor alone in the actor link table."""
        if flt is not None:
            with self._lock, self._db_errors():
                points = self._points(flt)
                if points is not None:
                    sql, params = points
                    if limit is not None:
                        sql, params = f"{sql} LIMIT ?", [*params, int(limit)]
                    return int(self._conn.execute(f"SELECT count(*) FROM ({sql}) AS capped", params).fetchone()[0])
                counted = self._count_in_indexes(flt, limit)
            if counted is not None:
                return counted
        return super().count_events(flt, limit)

    def query_plan(self, flt: EventFilter, limit: int | None = 100, offset: int = 0) -> list[str]:
        """How PostgreSQL runs the page query_event_json reads for a filter (EXPLAIN's lines, in order)."""
        sql, params = self._page_sql("SELECT e.event_id, e.row_json, e.row_format FROM events e", flt, limit, offset)
        with self._lock, self._db_errors():
            return [str(r[0]) for r in self._conn.execute("EXPLAIN " + sql, params)]

    def bulk_load_events(self, events: Iterable[Event]) -> int:
        """Insert ready-made events directly (benchmarks and fixtures), replacing same-id events; returns how many
        were written. Written with COPY in transactions of 20,000 events, each given its ACLED-style id first."""
        n = 0
        batch: list[Event] = []
        for event in events:
            batch.append(event)
            if len(batch) >= _COPY_BATCH:
                n += self._copy_batch(batch)
                batch = []
        if batch:
            n += self._copy_batch(batch)
        with self._lock, self._db_errors():
            # fresh statistics for the planner (the actor link table's too: without them it guesses few events per
            # name and sorts all of a common actor's events), and a visibility map that lets counts read indexes alone
            for table in ("events", "event_sources", "claims", "acled_ids", "folded_actor_names",
                          "event_folded_actors", "event_points"):
                self._raw.execute(f"VACUUM ANALYZE {table}")
        return n

    def _copy_batch(self, batch: Sequence[Event]) -> int:
        batch = list({e.event_id: e for e in batch}.values())  # the last of one id wins, as with row-by-row writes
        columns = (*_EVENT_COLUMNS, "row_json", "row_format")
        with self._transaction():
            raw = self._raw
            ids = [e.event_id for e in batch]
            raw.execute("DELETE FROM events WHERE event_id = ANY(%s)", (ids,))
            have = dict(raw.execute("SELECT event_id, acled_id FROM acled_ids WHERE event_id = ANY(%s)", (ids,)).fetchall())
            fresh: dict[str, list[str]] = {}
            for e in batch:
                if e.event_id not in have:
                    fresh.setdefault(_country_code(e), []).append(e.event_id)
            new_ids = {event_id for event_ids in fresh.values() for event_id in event_ids}
            for iso3, event_ids in sorted(fresh.items()):
                row = raw.execute("SELECT last FROM acled_counters WHERE iso3 = %s", (iso3,)).fetchone()
                last = row[0] if row else 0
                have.update((event_id, f"{iso3}{last + i}") for i, event_id in enumerate(event_ids, 1))
                raw.execute("INSERT INTO acled_counters(iso3, last) VALUES (%s, %s) ON CONFLICT (iso3) DO UPDATE "
                            "SET last = excluded.last", (iso3, last + len(event_ids)))
            now = _now()
            with raw.cursor() as cur:
                with cur.copy(f"COPY events ({', '.join(columns)}) FROM STDIN") as copy:
                    for e in batch:
                        named = replace(e, acled_id=have[e.event_id])
                        copy.write_row([_copy_text(v) for v in self._event_row(named, now)])
                with cur.copy("COPY acled_ids (event_id, acled_id) FROM STDIN") as copy:
                    for e in batch:
                        if e.event_id in new_ids:
                            copy.write_row((e.event_id, have[e.event_id]))
                with cur.copy("COPY event_sources (event_id, position, article_id, mention_id, url, title, outlet, "
                              "published, original_outlet) FROM STDIN") as copy:
                    for e in batch:
                        for i, s in enumerate(e.sources):
                            copy.write_row((e.event_id, i, *self._source_row(s)))
                with cur.copy("COPY claims (event_id, position, mention_id, claimant, outlet, fatalities, injured) "
                              "FROM STDIN") as copy:
                    for e in batch:
                        for i, c in enumerate(e.claims):
                            copy.write_row((e.event_id, i, *self._claim_row(c)))
        return len(batch)


__all__ = ["PostgresStore", "display_url", "is_postgres_url", "migrate_postgres", "translate"]
