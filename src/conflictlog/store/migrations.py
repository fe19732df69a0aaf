"""Ordered, named schema migrations for both stores (SQLite and PostgreSQL), recorded in ``schema_migrations``.

Each migration carries its SQLite script and, where the dialects differ, its PostgreSQL script (the PostgreSQL
store applies them with ``migrate_postgres`` in conflictlog.store.postgres). A migration is applied once, in its own transaction, and recorded with its version, name and time. A database
whose recorded version is newer than the last migration here was written by a newer conflictlog: opening it
raises E602 rather than risk writing rows an older schema does not understand.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from conflictlog.errors import E602, StoreError
from conflictlog.store.locking import begin_write

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: its version (1, 2, ...), a name saying what it does, its SQLite script and its
    PostgreSQL script (None where the SQLite script serves both)."""

    version: int
    name: str
    sql: str
    postgres: str | None = None

    @property
    def postgres_sql(self) -> str:
        """The script the PostgreSQL store runs."""
        return self.sql if self.postgres is None else self.postgres


_INITIAL = """
CREATE TABLE articles (
    article_id      TEXT PRIMARY KEY,
    source          TEXT NOT NULL,
    text            TEXT NOT NULL,
    url             TEXT,
    title           TEXT,
    outlet          TEXT,
    original_outlet TEXT,
    author          TEXT,
    published       TEXT,
    published_raw   TEXT,
    language        TEXT NOT NULL DEFAULT 'en',
    ingested_at     TEXT NOT NULL
);

-- One row per resolved event mention (one report of an event in one article).
-- record: the whole ResolvedEvent as JSON; the other columns are there to be read and queried.
CREATE TABLE mentions (
    mention_id     TEXT PRIMARY KEY,
    article_id     TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
    event_type     TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    actor1         TEXT,
    actor2         TEXT,
    assoc_actor_1  TEXT NOT NULL DEFAULT '[]',
    assoc_actor_2  TEXT NOT NULL DEFAULT '[]',
    actors_raw     TEXT NOT NULL DEFAULT '{}',
    date_start     TEXT,
    date_end       TEXT,
    time_precision INTEGER,
    country        TEXT,
    country_iso3   TEXT,
    admin1         TEXT,
    admin2         TEXT,
    location       TEXT,
    latitude       REAL,
    longitude      REAL,
    geo_precision  INTEGER,
    gazetteer_id   TEXT,
    fatalities     INTEGER NOT NULL,
    injured        INTEGER,
    claimed_by     TEXT,
    certainty      TEXT NOT NULL,
    historical     INTEGER NOT NULL,
    notes          TEXT NOT NULL,
    confidence     REAL NOT NULL,
    evidence       TEXT NOT NULL DEFAULT '[]',
    record         TEXT NOT NULL,
    split_from     TEXT,  -- event id this report was split from by unmerge; such reports merge with nothing
    split_at       TEXT
);
CREATE INDEX mentions_article ON mentions(article_id);

-- Blocking keys of each report (see conflictlog.merge.keys): new reports are compared only with reports
-- sharing a key.
CREATE TABLE mention_blocks (
    block_key  TEXT NOT NULL,
    mention_id TEXT NOT NULL REFERENCES mentions(mention_id) ON DELETE CASCADE,
    PRIMARY KEY (block_key, mention_id)
) WITHOUT ROWID;
CREATE INDEX mention_blocks_mention ON mention_blocks(mention_id);

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    event_id        TEXT NOT NULL UNIQUE,
    event_date      TEXT NOT NULL,
    event_date_end  TEXT,
    time_precision  INTEGER NOT NULL,
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    actor1          TEXT,
    actor2          TEXT,
    assoc_actor_1   TEXT NOT NULL DEFAULT '[]',
    assoc_actor_2   TEXT NOT NULL DEFAULT '[]',
    country         TEXT,
    country_iso3    TEXT NOT NULL,
    admin1          TEXT,
    admin2          TEXT,
    location        TEXT,
    latitude        REAL,
    longitude       REAL,
    geo_precision   INTEGER,
    fatalities      INTEGER NOT NULL,
    injured         INTEGER,
    claimed_by      TEXT,
    certainty       TEXT NOT NULL,
    historical      INTEGER NOT NULL,
    notes           TEXT NOT NULL,
    evidence        TEXT NOT NULL DEFAULT '[]',
    fatalities_low  INTEGER,
    fatalities_best INTEGER,
    fatalities_high INTEGER,
    corroboration   INTEGER NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL
);
-- Each index ends with the list order (event_date DESC, event_id) so a filtered page needs no sort.
CREATE INDEX events_date ON events(event_date DESC, event_id);
CREATE INDEX events_country ON events(country COLLATE NOCASE, event_date DESC, event_id);
CREATE INDEX events_iso3 ON events(country_iso3, event_date DESC, event_id);
CREATE INDEX events_admin1 ON events(admin1 COLLATE NOCASE, event_date DESC, event_id);
CREATE INDEX events_type ON events(event_type COLLATE NOCASE, event_date DESC, event_id);
CREATE INDEX events_sub_type ON events(sub_event_type COLLATE NOCASE, event_date DESC, event_id);
CREATE INDEX events_certainty ON events(certainty, event_date DESC, event_id);
CREATE INDEX events_fatalities ON events(fatalities);

-- Bounding-box filter: one point per geocoded event, keyed by events.id.
CREATE VIRTUAL TABLE events_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
-- Case-insensitive substring search over every actor of an event (trigram index), keyed by events.id.
CREATE VIRTUAL TABLE events_actors USING fts5(actors, tokenize = 'trigram');

CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN
    INSERT INTO events_rtree(id, min_lon, max_lon, min_lat, max_lat)
        SELECT new.id, new.longitude, new.longitude, new.latitude, new.latitude
        WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
    INSERT INTO events_actors(rowid, actors) VALUES (
        new.id,
        coalesce(new.actor1, '') || char(10) || coalesce(new.actor2, '') || char(10)
        || coalesce((SELECT group_concat(value, char(10)) FROM json_each(new.assoc_actor_1)), '') || char(10)
        || coalesce((SELECT group_concat(value, char(10)) FROM json_each(new.assoc_actor_2)), ''));
END;
CREATE TRIGGER events_ad AFTER DELETE ON events BEGIN
    DELETE FROM events_rtree WHERE id = old.id;
    DELETE FROM events_actors WHERE rowid = old.id;
END;

-- One row per supporting article of an event (url exactly as given).
CREATE TABLE event_sources (
    event_id        TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    article_id      TEXT NOT NULL,
    mention_id      TEXT NOT NULL,
    url             TEXT,
    title           TEXT,
    outlet          TEXT,
    published       TEXT,
    original_outlet TEXT,
    PRIMARY KEY (event_id, position)
) WITHOUT ROWID;
CREATE INDEX event_sources_article ON event_sources(article_id);

-- Casualty figures as each report states them; conflicting figures are kept side by side.
CREATE TABLE claims (
    event_id   TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    mention_id TEXT NOT NULL,
    claimant   TEXT,
    outlet     TEXT,
    fatalities INTEGER NOT NULL,
    injured    INTEGER,
    PRIMARY KEY (event_id, position)
) WITHOUT ROWID;

CREATE TABLE event_mentions (
    event_id   TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL REFERENCES mentions(mention_id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, mention_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX event_mentions_mention ON event_mentions(mention_id);

-- Why each report is part of its event: the report it was linked to, the link score and the reason.
CREATE TABLE merge_decisions (
    event_id   TEXT NOT NULL REFERENCES events(event_id) ON DELETE CASCADE,
    mention_id TEXT NOT NULL,
    joined_to  TEXT,
    score      REAL,
    reason     TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (event_id, mention_id)
) WITHOUT ROWID;

-- Ids of events that were merged into a larger event, so old links keep working.
CREATE TABLE event_aliases (
    old_event_id TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL,
    changed_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX event_aliases_target ON event_aliases(event_id);

CREATE TABLE runs (
    run_id   TEXT PRIMARY KEY,
    started  TEXT,
    finished TEXT,
    counts   TEXT NOT NULL DEFAULT '{}',
    failures TEXT NOT NULL DEFAULT '[]'
);
"""

# GET /events at 1 M events: a substring of a common actor is answered by scanning a narrow index of folded
# actor names instead of materialising the trigram index's matches; the certainty index (three values) let the
# planner pick it over the far more selective fatalities index, so it goes, and fatalities covers the columns
# its filters combine with.
_ACTOR_SCAN = """
ALTER TABLE events ADD COLUMN actors_folded TEXT NOT NULL DEFAULT '';
UPDATE events SET actors_folded = lower(
    coalesce(actor1, '') || char(10) || coalesce(actor2, '') || char(10)
    || coalesce((SELECT group_concat(value, char(10)) FROM json_each(assoc_actor_1)), '') || char(10)
    || coalesce((SELECT group_concat(value, char(10)) FROM json_each(assoc_actor_2)), ''));
CREATE INDEX events_actors_folded ON events(actors_folded);
DROP INDEX events_certainty;
DROP INDEX events_fatalities;
CREATE INDEX events_fatalities ON events(fatalities, certainty, historical);
"""

# GET /events serves each event's JSON row (export.event_to_row) as written with the event, instead of decoding
# the event and encoding it again on every request; row_format says which version of the mapping wrote it.
_ROW_JSON = """
ALTER TABLE events ADD COLUMN row_json TEXT;
ALTER TABLE events ADD COLUMN row_format TEXT;
"""

# ACLED-style event ids (ISO3 + a number counted per country, "SYR12"), given once in order of first storage and
# kept across rewrites and re-exports; an event merged into another hands its number on (see SQLiteStore). Events
# already stored are numbered in the order they were stored.
_ACLED_IDS = """
CREATE TABLE acled_ids (
    event_id TEXT PRIMARY KEY,
    acled_id TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
CREATE TABLE acled_counters (
    iso3 TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO acled_ids(event_id, acled_id)
    SELECT event_id, country_iso3 || row_number() OVER (PARTITION BY country_iso3 ORDER BY id) FROM events;
INSERT INTO acled_counters(iso3, last) SELECT country_iso3, count(*) FROM events GROUP BY country_iso3;
"""

# A counter of writes to what the API serves (events, their ACLED-style ids, articles): the API's ETags are
# read from it, so any write, in any process, changes them and nothing else (reads, statistics) does.
_CHANGE_COUNTER = """
CREATE TABLE store_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO store_changes(id, n) VALUES (1, 0);
CREATE TRIGGER events_changed_ai AFTER INSERT ON events BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER events_changed_ad AFTER DELETE ON events BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER events_changed_au AFTER UPDATE ON events BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER acled_ids_changed_ai AFTER INSERT ON acled_ids BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER acled_ids_changed_au AFTER UPDATE ON acled_ids BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER articles_changed_ai AFTER INSERT ON articles BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER articles_changed_ad AFTER DELETE ON articles BEGIN UPDATE store_changes SET n = n + 1 WHERE id = 1; END;
"""

# The link component of each report (conflictlog.merge.dedupe.plan_region): an incremental merge re-plans the
# components a new report links into. Reports stored before are put in one component, so the first merge
# after the upgrade re-plans them together and records their real components.
_LINK_COMPONENTS = """
ALTER TABLE mentions ADD COLUMN component TEXT NOT NULL DEFAULT '';
UPDATE mentions SET component = mention_id WHERE split_from IS NOT NULL;
CREATE INDEX mentions_component ON mentions(component);
"""

# Near-copies of article bodies (conflictlog.ingest.copies): an original's MinHash signature, and for a copy the
# original whose events it joins as a source (it is never parsed). Articles stored before have no signature.
_ARTICLE_COPIES = """
ALTER TABLE articles ADD COLUMN copy_of TEXT;
CREATE INDEX articles_copy_of ON articles(copy_of) WHERE copy_of IS NOT NULL;
CREATE TABLE article_signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
    minhash    BLOB NOT NULL
) WITHOUT ROWID;
"""

# Feeds that `conflictlog watch` follows: each feed's conditional-GET state and counts, and the items already
# seen, so a restart neither fetches nor ingests them again (conflictlog.ingest.watch).
_WATCH_FEEDS = """
CREATE TABLE watch_feeds (
    source        TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_fetch    TEXT,
    last_status   TEXT,
    items         INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
) WITHOUT ROWID;
CREATE TABLE watch_items (
    source   TEXT NOT NULL,
    item_key TEXT NOT NULL,
    url      TEXT,
    outcome  TEXT NOT NULL,
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (source, item_key)
) WITHOUT ROWID;
"""

# Alert subscriptions (conflictlog.alerts) and their outbox, and events by when they were written: one row per subscription, event and version of what
# the event says, so a version is announced once; the row keeps the payload sent and whether delivery worked.
_ALERTS = """
CREATE TABLE subscriptions (
    subscription_id TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    spec            TEXT NOT NULL,  -- the match rules as JSON (conflictlog.alerts.subscriptions.Subscription)
    webhook_url     TEXT,
    secret          TEXT,
    created_at      TEXT NOT NULL
);
CREATE TABLE alert_outbox (
    outbox_id       INTEGER PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions(subscription_id) ON DELETE CASCADE,
    event_key       TEXT NOT NULL,  -- the event's ACLED-style id (kept across merges), else its event id
    version         TEXT NOT NULL,  -- digest of the event's material values
    event_id        TEXT NOT NULL,
    change          TEXT NOT NULL,  -- new | update
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL,  -- pending | delivered | failed | feed (no webhook)
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error      TEXT,
    delivered_at    TEXT,
    UNIQUE (subscription_id, event_key, version)
);
CREATE INDEX alert_outbox_due ON alert_outbox(status, next_attempt_at);
-- "new since": events stored or updated after a time (EventFilter.stored_since)
CREATE INDEX events_updated_at ON events(updated_at);
"""

# GET /events at 1 M events: an actor filter finds the distinct names that contain it (a trigram index over names,
# not over events) and then their events through an index, instead of searching every event. actors_folded holds
# each event's distinct case-folded actor names as a JSON array (SQLiteStore writes it; the one-per-line names of
# stored rows are split here), and triggers keep the name tables in step with it. The scan index of folded names
# goes. The date index holds the columns a bbox or fatalities filter tests, so a walk down it reads no event rows.
# What the insert and update triggers of events file for the event ``new``.
_FILE_NAMES = """
    INSERT OR IGNORE INTO actor_names(name)
        SELECT value FROM json_each(CASE WHEN json_valid(new.actors_folded) THEN new.actors_folded ELSE '[]' END);
    INSERT OR IGNORE INTO event_actors(name_id, id, longitude, latitude)
        SELECT n.id, new.id, new.longitude, new.latitude
        FROM json_each(CASE WHEN json_valid(new.actors_folded) THEN new.actors_folded ELSE '[]' END) j
        JOIN actor_names n ON n.name = j.value;
"""
_ACTOR_NAMES = """
DROP INDEX events_actors_folded;
DROP INDEX events_date;
CREATE INDEX events_date ON events(event_date DESC, event_id, longitude, latitude, fatalities, certainty, historical);
UPDATE events SET actors_folded = (
    WITH RECURSIVE split(rest, name) AS (
        SELECT events.actors_folded || char(10), NULL
        UNION ALL
        SELECT substr(rest, instr(rest, char(10)) + 1), substr(rest, 1, instr(rest, char(10)) - 1) FROM split
        WHERE rest != '')
    SELECT json_group_array(name) FROM (SELECT DISTINCT name FROM split WHERE name != '' ORDER BY name));
CREATE TABLE actor_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE  -- case-folded
);
CREATE VIRTUAL TABLE actor_names_trigram USING fts5(name, content = 'actor_names', content_rowid = 'id',
                                                    tokenize = 'trigram');
CREATE TRIGGER actor_names_ai AFTER INSERT ON actor_names BEGIN
    INSERT INTO actor_names_trigram(rowid, name) VALUES (new.id, new.name);
END;
-- One row per event and actor name, keyed by events.id, with the event's coordinates so that an actor and a bbox
-- are counted from this table alone.
CREATE TABLE event_actors (
    name_id   INTEGER NOT NULL,
    id        INTEGER NOT NULL,
    longitude REAL,
    latitude  REAL,
    PRIMARY KEY (name_id, id)
) WITHOUT ROWID;
CREATE INDEX event_actors_event ON event_actors(id);
INSERT OR IGNORE INTO actor_names(name) SELECT DISTINCT j.value FROM events, json_each(events.actors_folded) j;
INSERT OR IGNORE INTO event_actors(name_id, id, longitude, latitude)
    SELECT n.id, e.id, e.longitude, e.latitude
    FROM events e, json_each(e.actors_folded) j JOIN actor_names n ON n.name = j.value;
CREATE TRIGGER events_names_ai AFTER INSERT ON events BEGIN
{file_names}END;
CREATE TRIGGER events_names_au AFTER UPDATE OF actors_folded, longitude, latitude ON events
WHEN old.actors_folded IS NOT new.actors_folded OR old.longitude IS NOT new.longitude
     OR old.latitude IS NOT new.latitude BEGIN
    DELETE FROM event_actors WHERE id = old.id;
{file_names}END;
CREATE TRIGGER events_names_ad AFTER DELETE ON events BEGIN
    DELETE FROM event_actors WHERE id = old.id;
END;
""".replace("{file_names}", _FILE_NAMES.strip("\n") + "\n")

# Actor filters read actor_names and event_actors (migration 10), so the per-event trigram table of actor text is
# no longer read and is no longer written with each event.
_DROP_EVENT_ACTOR_TEXT = """
DROP TRIGGER events_ai;
DROP TRIGGER events_ad;
DROP TABLE events_actors;
CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN
    INSERT INTO events_rtree(id, min_lon, max_lon, min_lat, max_lat)
        SELECT new.id, new.longitude, new.longitude, new.latitude, new.latitude
        WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;
CREATE TRIGGER events_ad AFTER DELETE ON events BEGIN
    DELETE FROM events_rtree WHERE id = old.id;
END;
"""

# An actor with a bbox that many events match each: a page walks each matching name's events newest first (an
# index of event_actors by name and date, holding the coordinates the bbox tests) and stops after a page, instead
# of testing the actor on every event of a walk down the date index.
_FILE_NAMES_DATED = _FILE_NAMES.replace(
    "event_actors(name_id, id, longitude, latitude)", "event_actors(name_id, id, longitude, latitude, event_date)"
).replace("SELECT n.id, new.id, new.longitude, new.latitude", "SELECT n.id, new.id, new.longitude, new.latitude, new.event_date")
_ACTOR_DATES = """
ALTER TABLE event_actors ADD COLUMN event_date TEXT;
UPDATE event_actors SET event_date = (SELECT e.event_date FROM events e WHERE e.id = event_actors.id);
CREATE INDEX event_actors_date ON event_actors(name_id, event_date DESC, id, longitude, latitude);
DROP TRIGGER events_names_ai;
DROP TRIGGER events_names_au;
CREATE TRIGGER events_names_ai AFTER INSERT ON events BEGIN
{file_names}END;
CREATE TRIGGER events_names_au AFTER UPDATE OF actors_folded, longitude, latitude, event_date ON events
WHEN old.actors_folded IS NOT new.actors_folded OR old.longitude IS NOT new.longitude
     OR old.latitude IS NOT new.latitude OR old.event_date IS NOT new.event_date BEGIN
    DELETE FROM event_actors WHERE id = old.id;
{file_names}END;
""".replace("{file_names}", _FILE_NAMES_DATED.strip("\n") + "\n")


def _pg(script: str) -> str:
    """A SQLite script of plain tables and indexes in PostgreSQL's types: text compares bytewise (so ids sort as
    in SQLite, and lower() folds ASCII alone, as SQLite's NOCASE), 64-bit integers and floats, bytea."""
    for sqlite_type, pg_type in ((" TEXT", ' TEXT COLLATE "C"'), (" INTEGER", " BIGINT"), (" REAL", " DOUBLE PRECISION"),
                                 (" BLOB", " BYTEA"), (") WITHOUT ROWID;", ");")):
        script = script.replace(sqlite_type, pg_type)
    return script


# PostgreSQL: the bounding box is a PostGIS point (generated from latitude and longitude) under a GiST index,
# and the actor substring is answered from actors_folded (migration 2) through a pg_trgm index, so neither needs
# the R*Tree and FTS5 tables or their triggers; NOCASE comparisons become lower() with indexes on lower().
def _swap(script: str, *pairs: tuple[str, str]) -> str:
    """A script with each (old, new) text replaced; old must be in it (so the two dialects cannot drift apart)."""
    for old, new in pairs:
        if old not in script:
            raise ValueError(f"migration text not found: {old[:60]!r}")
        script = script.replace(old, new)
    return script


_PG_INITIAL = "CREATE EXTENSION IF NOT EXISTS postgis;\n" + _swap(
    _pg(_INITIAL),
    ("id              BIGINT PRIMARY KEY,", "id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"),
    ('    updated_at      TEXT COLLATE "C" NOT NULL\n);',
     '    updated_at      TEXT COLLATE "C" NOT NULL,\n'
     "    geom            geometry(Point, 4326) GENERATED ALWAYS AS (CASE WHEN latitude IS NOT NULL AND longitude IS "
     "NOT NULL THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED\n);"),
    # (the column itself rides along, so a count is answered from the index alone)
    *((f"({column} COLLATE NOCASE, event_date DESC, event_id);",
       f"(lower({column}), event_date DESC, event_id) INCLUDE ({column});")
      for column in ("country", "admin1", "event_type", "sub_event_type")),
    (_INITIAL[_INITIAL.index("-- Bounding-box filter"):_INITIAL.index("-- One row per supporting article")],
     "CREATE INDEX events_geom ON events USING gist (geom);\n\n"),
)

# The actor substring is looked up in the distinct folded actor names (few, under a trigram index), and their
# events counted from a narrow link table kept by statement triggers, instead of rechecking every matching event's
# wide row. actors_folded holds an event's distinct case-folded actor names as a JSON array (SQLiteStore writes
# it). The tables are named apart from SQLite's actor_names and event_actors (migration 10), whose columns differ.
_PG_NAMES = ("json_array_elements_text("
             "CASE WHEN {row}.actors_folded LIKE '[%' THEN {row}.actors_folded ELSE '[]' END::json)")
_PG_ACTOR_SCAN = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE events ADD COLUMN actors_folded TEXT COLLATE "C" NOT NULL DEFAULT '[]';
UPDATE events SET actors_folded = (
    SELECT coalesce(json_agg(DISTINCT n ORDER BY n), '[]')::text
    FROM (SELECT lower(actor1) UNION ALL SELECT lower(actor2)
          UNION ALL SELECT lower(value) FROM json_array_elements_text(assoc_actor_1::json)
          UNION ALL SELECT lower(value) FROM json_array_elements_text(assoc_actor_2::json)) AS names(n)
    WHERE n <> '');
DROP INDEX events_certainty;
DROP INDEX events_fatalities;
CREATE INDEX events_fatalities ON events(fatalities, certainty, historical);

CREATE TABLE folded_actor_names (
    name_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    folded  TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE INDEX folded_actor_names_folded ON folded_actor_names USING gin (folded gin_trgm_ops);
CREATE TABLE event_folded_actors (
    name_id  BIGINT NOT NULL,
    event_pk BIGINT NOT NULL,  -- events.id
    PRIMARY KEY (name_id, event_pk)
);
CREATE INDEX event_folded_actors_event ON event_folded_actors(event_pk);
CREATE FUNCTION event_folded_actors_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM event_folded_actors l USING changed_rows r WHERE l.event_pk = r.id;
    END IF;
    INSERT INTO folded_actor_names(folded)
        SELECT DISTINCT n FROM changed_rows r, {names_r} AS n
        WHERE n <> '' ORDER BY n ON CONFLICT DO NOTHING;
    INSERT INTO event_folded_actors(name_id, event_pk)
        SELECT DISTINCT a.name_id, r.id FROM changed_rows r, {names_r} AS n
        JOIN folded_actor_names a ON a.folded = n;
    RETURN NULL;
END $$;
CREATE FUNCTION event_folded_actors_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM event_folded_actors l USING changed_rows r WHERE l.event_pk = r.id;
    RETURN NULL;
END $$;
CREATE TRIGGER events_folded_actors_ai AFTER INSERT ON events REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_folded_actors_add();
CREATE TRIGGER events_folded_actors_au AFTER UPDATE ON events REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_folded_actors_add();
CREATE TRIGGER events_folded_actors_ad AFTER DELETE ON events REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_folded_actors_remove();
INSERT INTO folded_actor_names(folded)
    SELECT DISTINCT n FROM events e, {names_e} AS n WHERE n <> '' ORDER BY n;
INSERT INTO event_folded_actors(name_id, event_pk)
    SELECT DISTINCT a.name_id, e.id FROM events e, {names_e} AS n
    JOIN folded_actor_names a ON a.folded = n;
""".replace("{names_r}", _PG_NAMES.format(row="r")).replace("{names_e}", _PG_NAMES.format(row="e"))

# One statement-level trigger per table: the counter changes once for each writing statement.
_PG_CHANGE_COUNTER = """
CREATE TABLE store_changes (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO store_changes(id, n) VALUES (1, 0);
CREATE FUNCTION store_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_changes SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER events_changed AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed();
CREATE TRIGGER acled_ids_changed AFTER INSERT OR UPDATE ON acled_ids
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed();
CREATE TRIGGER articles_changed AFTER INSERT OR DELETE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION store_changed();
"""

# seq: the order signatures were stored in (under the store's merge lock, so in commit order), by which each
# process reads the originals other processes stored since it last looked (PostgresStore._copy_index).
_PG_ARTICLE_COPIES = _swap(_pg(_ARTICLE_COPIES), ("    minhash    BYTEA NOT NULL\n",
                                                  "    minhash    BYTEA NOT NULL,\n"
                                                  "    seq        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE\n"))

_PG_ALERTS = _pg(_ALERTS.replace("outbox_id       INTEGER PRIMARY KEY,",
                                 "outbox_id       INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"))

# Migrations 10 to 12 build SQLite's actor name tables and drop its per-event trigram table; PostgreSQL has kept
# its own name tables since migration 2 and had no trigram table, so for it they change nothing.
_PG_NOTHING = "SELECT 1"
# Migration 13 builds PostgreSQL's point index; SQLite's R*Tree (migration 1) already answers a bbox alone.
_SQLITE_NOTHING = "SELECT 1"

# PostgreSQL: a bbox page and count read the point index alone. PostGIS's GiST index on events.geom cannot return
# its values, so each event of a box was read from the wide events table to be sorted by date (one heap page per
# event); event_points holds each placed event's point, date, id and folded actor name ids (kept by statement
# triggers that fire after the actor name triggers, their names sorting after them) under a GiST point index that
# carries those columns, so a box (with an actor or dates) is answered by an index-only scan. The date index
# carries the row id, so a deep page skips its offset in the index alone. SQLite's R*Tree already is such an index.
# The trigger functions, the actor name ones (migration 2) too, run their statements through EXECUTE so that each
# run is planned for the tables as they are: a plan cached while they were empty scanned them whole for every row
# (a bulk load of 100,000 events took 133 s instead of 17 s). An update that changes none of the columns a trigger
# copies (most do not: a new source, a rewritten row) ends it before any statement is planned.
_PG_NAMES_ADD = """
    EXECUTE 'INSERT INTO folded_actor_names(folded)
        SELECT DISTINCT n FROM changed_rows r, {names_r} AS n
        WHERE n <> '''' ORDER BY n ON CONFLICT DO NOTHING';
    EXECUTE 'INSERT INTO event_folded_actors(name_id, event_pk)
        SELECT DISTINCT a.name_id, r.id FROM changed_rows r, {names_r} AS n
        JOIN folded_actor_names a ON a.folded = n';"""
_PG_NAMES_ADD = _PG_NAMES_ADD.replace("{names_r}", _PG_NAMES.format(row="r").replace("'", "''"))  # quoted for EXECUTE
_PG_POINTS_PUT = """
    EXECUTE 'DELETE FROM event_points p USING changed_rows r
        WHERE p.id = r.id AND (r.latitude IS NULL OR r.longitude IS NULL)';
    EXECUTE 'INSERT INTO event_points(id, event_date, event_id, pt, name_ids)
        SELECT r.id, r.event_date, r.event_id, point(r.longitude, r.latitude),
               ARRAY(SELECT l.name_id FROM event_folded_actors l WHERE l.event_pk = r.id ORDER BY l.name_id)
        FROM changed_rows r WHERE r.latitude IS NOT NULL AND r.longitude IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET event_date = excluded.event_date, event_id = excluded.event_id,
        pt = excluded.pt, name_ids = excluded.name_ids
    WHERE (event_points.event_date, event_points.event_id, event_points.pt[0], event_points.pt[1],
           event_points.name_ids) IS DISTINCT FROM
          (excluded.event_date, excluded.event_id, excluded.pt[0], excluded.pt[1], excluded.name_ids)';"""


def _pg_unless_changed(columns: str) -> str:
    """The start of an UPDATE trigger's body that ends its run when no row changed any of ``columns``."""
    return (f"\n    IF NOT EXISTS (SELECT {columns} FROM changed_rows EXCEPT SELECT {columns} FROM old_rows) THEN"
            "\n        RETURN NULL;\n    END IF;")


_PG_NAMES_REMOVE = """
    EXECUTE 'DELETE FROM event_folded_actors l USING changed_rows r WHERE l.event_pk = r.id';"""


def _pg_trigger_function(name: str, body: str) -> str:
    """CREATE OR REPLACE of a statement trigger function running ``body``."""
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN{body}\n"
            "    RETURN NULL;\nEND $$;\n")


_PG_POINTS = (
    """
DROP INDEX events_date;
CREATE INDEX events_date ON events(event_date DESC, event_id) INCLUDE (id);
CREATE TABLE event_points (
    id         BIGINT PRIMARY KEY,  -- events.id
    event_date TEXT COLLATE "C" NOT NULL,
    event_id   TEXT COLLATE "C" NOT NULL,
    pt         point NOT NULL,      -- (longitude, latitude)
    name_ids   BIGINT[] NOT NULL    -- the event's folded_actor_names
);
CREATE INDEX event_points_pt ON event_points USING gist (pt) INCLUDE (event_date, event_id, id, name_ids);
"""
    + _pg_trigger_function("event_folded_actors_add", _PG_NAMES_ADD)
    + _pg_trigger_function("event_folded_actors_changed",
                           _pg_unless_changed("id, actors_folded") + _PG_NAMES_REMOVE + _PG_NAMES_ADD)
    + _pg_trigger_function("event_folded_actors_remove", _PG_NAMES_REMOVE)
    + _pg_trigger_function("event_points_put", _PG_POINTS_PUT)
    + _pg_trigger_function("event_points_changed",
                           _pg_unless_changed("id, event_date, event_id, longitude, latitude, actors_folded")
                           + _PG_POINTS_PUT)
    + _pg_trigger_function("event_points_remove", """
    EXECUTE 'DELETE FROM event_points p USING changed_rows r WHERE p.id = r.id';""")
    + """DROP TRIGGER events_folded_actors_au ON events;
CREATE TRIGGER events_folded_actors_au AFTER UPDATE ON events REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_folded_actors_changed();
CREATE TRIGGER events_points_ai AFTER INSERT ON events REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_points_put();
CREATE TRIGGER events_points_au AFTER UPDATE ON events REFERENCING OLD TABLE AS old_rows
    NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION event_points_changed();
CREATE TRIGGER events_points_ad AFTER DELETE ON events REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION event_points_remove();
INSERT INTO event_points(id, event_date, event_id, pt, name_ids)
    SELECT e.id, e.event_date, e.event_id, point(e.longitude, e.latitude),
           ARRAY(SELECT l.name_id FROM event_folded_actors l WHERE l.event_pk = e.id ORDER BY l.name_id)
    FROM events e WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL;
""")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial_schema", _INITIAL, _PG_INITIAL),
    Migration(2, "actor_scan_index_and_fatalities_cover", _ACTOR_SCAN, _PG_ACTOR_SCAN),
    Migration(3, "event_row_json", _ROW_JSON, _pg(_ROW_JSON)),
    Migration(4, "acled_event_ids", _ACLED_IDS, _pg(_ACLED_IDS)),
    Migration(5, "change_counter", _CHANGE_COUNTER, _PG_CHANGE_COUNTER),
    Migration(6, "merge_link_components", _LINK_COMPONENTS, _pg(_LINK_COMPONENTS)),
    Migration(7, "article_copies", _ARTICLE_COPIES, _PG_ARTICLE_COPIES),
    Migration(8, "watch_feeds", _WATCH_FEEDS, _pg(_WATCH_FEEDS)),
    Migration(9, "alert_subscriptions", _ALERTS, _PG_ALERTS),
    Migration(10, "actor_names_index", _ACTOR_NAMES, _PG_NOTHING),
    Migration(11, "drop_event_actor_text", _DROP_EVENT_ACTOR_TEXT, _PG_NOTHING),
    Migration(12, "actor_events_by_date", _ACTOR_DATES, _PG_NOTHING),
    Migration(13, "bbox_point_index", _SQLITE_NOTHING, _PG_POINTS),
)
LATEST_VERSION = MIGRATIONS[-1].version


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def applied_versions(conn: sqlite3.Connection) -> dict[int, str]:
    """Recorded migrations of a database: version -> name (empty for a new database)."""
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    if found.fetchone() is None:
        return {}
    return {int(v): str(n) for v, n in conn.execute("SELECT version, name FROM schema_migrations")}


def migrate(conn: sqlite3.Connection, path: str, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[str]:
    """Apply every migration the database lacks, in order, each in its own transaction; returns their names.

    Each migration takes the write lock first and then re-reads what is applied, so processes and threads that
    open one new database at once apply each migration exactly once. Raises StoreError (E602) when the database
    records a version newer than the newest migration known here. The connection must be in autocommit mode
    (``isolation_level=None``).
    """
    newest = migrations[-1].version if migrations else 0
    done = applied_versions(conn)
    _refuse_newer(done, newest, path)
    applied: list[str] = []
    for migration in migrations:
        if migration.version in done:
            continue
        begin_write(conn, path)
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            done = applied_versions(conn)
            _refuse_newer(done, newest, path)
            if migration.version not in done:
                logger.info("%s: applying schema migration %d %s", path, migration.version, migration.name)
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _now()),
                )
                applied.append(migration.name)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return applied


def _refuse_newer(done: dict[int, str], newest: int, path: str) -> None:
    found = max(done, default=0)
    if found > newest:
        raise StoreError(E602.format(path=path, found=found, supported=newest), code="E602")


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (executescript would commit on its own)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
