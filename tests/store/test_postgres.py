"""The PostgreSQL store: its dialect rewriting, migrations, indexes, coded errors, and several writers at once."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conflictlog.bench_merge import make_place, make_report
from conflictlog.errors import StoreError
from conflictlog.export import export_events
from conflictlog.records import Article, Event
from conflictlog.store import EventFilter, open_store
from conflictlog.store.migrations import LATEST_VERSION, MIGRATIONS
from conflictlog.store.postgres import PostgresStore, display_url, is_postgres_url, migrate_postgres, translate
from tests.store.test_sqlite_filters import _bboxes, _generated_events, _matches, _needles

ROOT = Path(__file__).resolve().parents[2]
ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063")
IDLIB = make_place("Idlib", latitude=35.93, longitude=36.63, admin1="Idlib", gazetteer_id="geonames:169389")


def _article(article_id: str) -> Article:
    return Article(article_id=article_id, source=f"{article_id}.md", text=f"Text of {article_id}.",
                   url=f"https://news.example/{article_id}", title=f"Title {article_id}", outlet=f"Outlet {article_id}",
                   published=date(2024, 3, 2))


def _batch() -> list[tuple[Article, list[Any]]]:
    return [
        (_article("a1"), [make_report("m1", "a1", fatalities=1)]),
        (_article("a2"), [make_report("m2", "a2", fatalities=3, evidence="b")]),
        (_article("a3"), [make_report("m3", "a3", place=IDLIB, evidence="c")]),
        (_article("a4"), [make_report("m4", "a4", fatalities=2, evidence="d"),
                          make_report("m5", "a4", place=IDLIB, fatalities=4, evidence="e")]),
    ]


# -- the dialect --------------------------------------------------------------------------------------------------


def test_postgres_translate_rewrites_sqlite_dialect() -> None:
    assert translate("SELECT 1 FROM t WHERE a = ? AND b LIKE 'x%'") == "SELECT 1 FROM t WHERE a = %s AND b LIKE 'x%%'"
    assert translate("INSERT OR IGNORE INTO t(a, b) VALUES (?, ?)") == \
        "INSERT INTO t(a, b) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    assert translate("INSERT OR REPLACE INTO event_aliases(old_event_id, event_id, changed_at) VALUES (?, ?, ?)") == (
        "INSERT INTO event_aliases(old_event_id, event_id, changed_at) VALUES (%s, %s, %s) "
        "ON CONFLICT (old_event_id) DO UPDATE SET event_id = excluded.event_id, changed_at = excluded.changed_at")
    assert translate("SELECT 1 FROM events e WHERE e.country = ? COLLATE NOCASE") == \
        "SELECT 1 FROM events e WHERE lower(e.country) = lower(%s)"
    assert translate("SELECT 1 FROM e LIMIT ? OFFSET ?") == "SELECT 1 FROM e LIMIT NULLIF(%s, -1) OFFSET %s"
    assert translate("INSERT INTO w(s, n) VALUES (?, ?) ON CONFLICT(s) DO UPDATE SET n = n + excluded.n, "
                     "e = COALESCE(excluded.e, e)") == (
        "INSERT INTO w(s, n) VALUES (%s, %s) ON CONFLICT(s) DO UPDATE SET n = w.n + excluded.n, "
        "e = COALESCE(excluded.e, w.e)")
    assert translate("DELETE FROM events_rtree WHERE id = ?") is None  # SQLite's own index tables
    assert translate("PRAGMA optimize") is None
    with pytest.raises(ValueError, match="no PostgreSQL form"):
        translate("INSERT OR REPLACE INTO unknown_table(a) VALUES (?)")


@given(st.lists(st.sampled_from(["?", "%", "a", " ", "'", "x = ?", "%s"]), max_size=30))
def test_postgres_translate_keeps_every_placeholder_and_percent(parts: list[str]) -> None:
    sql = "SELECT " + "".join(parts)
    pg = translate(sql)
    assert pg is not None
    # Read as psycopg reads it (left to right), each '?' is one placeholder and each literal '%' stays itself.
    assert "%" not in re.sub(r"%%|%s", "", pg)
    assert re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else "?", pg) == sql


@given(st.text(alphabet=st.characters(blacklist_characters="@/:"), min_size=1, max_size=20))
def test_postgres_display_url_never_shows_the_password(password: str) -> None:
    url = f"postgresql://analyst:{password}@db.example:5432/events"
    shown = display_url(url)
    assert shown == "postgresql://analyst:***@db.example:5432/events"
    assert is_postgres_url(url) and not is_postgres_url("events.sqlite") and not is_postgres_url(Path("x"))


# -- the server ---------------------------------------------------------------------------------------------------


def test_postgres_migrations_recorded_like_sqlite_and_reopen_applies_nothing(postgres_server: Any) -> None:
    url = postgres_server.new_database(migrated=False)
    try:
        with open_store(url) as store:
            assert isinstance(store, PostgresStore)
            assert store.schema_migrations() == [(m.version, m.name) for m in MIGRATIONS]
            assert migrate_postgres(store._raw, store.path) == []
            indexes = dict(store._raw.execute("SELECT indexname, indexdef FROM pg_indexes "
                                              "WHERE tablename IN ('events', 'folded_actor_names')"))
            column = store._raw.execute("SELECT type FROM geometry_columns WHERE f_table_name = 'events'").fetchone()
        assert "USING gist (geom)" in indexes["events_geom"]
        assert "gin_trgm_ops" in indexes["folded_actor_names_folded"]
        assert column == ("POINT",)
    finally:
        postgres_server.drop(url)


def test_postgres_processes_opening_one_new_database_migrate_it_once(postgres_server: Any) -> None:
    url = postgres_server.new_database(migrated=False)
    try:
        with ThreadPoolExecutor(4) as pool:
            stores = list(pool.map(lambda _: open_store(url), range(4)))
        for store in stores:
            store.close()
        with open_store(url) as store:
            assert store._raw.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    finally:
        postgres_server.drop(url)


def test_postgres_upgrade_from_version_one_keeps_old_events_searchable(postgres_server: Any) -> None:
    import psycopg

    url = postgres_server.new_database(migrated=False)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate_postgres(conn, url, MIGRATIONS[:1])
            conn.execute(
                "INSERT INTO events(event_id, event_date, time_precision, event_type, sub_event_type, actor1, "
                "assoc_actor_1, country, country_iso3, latitude, longitude, fatalities, certainty, historical, notes, "
                "updated_at) VALUES ('SYR-old', '2020-01-01', 1, 'Battles', 'Armed clash', 'Old Army', "
                "'[\"Allied Militia\"]', 'Syria', 'SYR', 36.2, 37.16, 0, 'reported', 0, '', '2020-01-02T00:00:00+00:00')")
        with open_store(url) as store:
            assert [e.event_id for e in store.query_events(EventFilter(actor="allied mil"))] == ["SYR-old"]
            assert [e.event_id for e in store.query_events(EventFilter(bbox=(37, 36, 38, 37)))] == ["SYR-old"]
            assert store.get_event("SYR1").event_id == "SYR-old"  # numbered by migration 4
    finally:
        postgres_server.drop(url)


def test_postgres_newer_database_gives_e602(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        store._raw.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (%s, 'future', 'now')",
                           (LATEST_VERSION + 1,))
    with pytest.raises(StoreError) as err:
        open_store(postgres_url)
    assert err.value.code == "E602" and str(LATEST_VERSION + 1) in str(err.value)


def test_postgres_unreachable_database_is_a_coded_error_without_the_password(postgres_server: Any) -> None:
    url = postgres_server.url("no_such_database").replace("postgres@", "postgres:hunter2@")
    with pytest.raises(StoreError) as err:
        open_store(url)
    assert err.value.code == "E601"
    assert "no_such_database" in str(err.value) and "hunter2" not in str(err.value)


def test_postgres_filters_are_answered_by_the_gist_and_trigram_indexes(postgres_url: str) -> None:
    with open_store(postgres_url) as store:
        store.add_article(_article("a1"), [make_report("m1", "a1", actors=("Islamic State (Syria)",))])
        store._raw.execute("SET enable_seqscan = off")  # a small table: ask whether an index can answer
        for flt, index in ((EventFilter(bbox=(36.0, 35.0, 38.0, 37.0)), "events_geom"),
                           (EventFilter(actor="islamic"), "event_folded_actors_pkey")):
            where, params = store._where(flt)
            plan = store._conn.execute("EXPLAIN SELECT e.event_id FROM events e" + where, params).fetchall()
            assert index in "\n".join(row[0] for row in plan)
        plan = store._raw.execute(
            "EXPLAIN SELECT name_id FROM folded_actor_names WHERE folded LIKE '%islamic%'").fetchall()
        assert "folded_actor_names_folded" in "\n".join(row[0] for row in plan)
        assert store.count_events(EventFilter(actor="islamic")) == 1
        assert store.count_events(EventFilter(actor="islamic", country="Iraq")) == 0


def test_postgres_stores_and_exports_what_sqlite_does(postgres_url: str, tmp_path: Path) -> None:
    exported = []
    for db in (str(tmp_path / "s.sqlite"), postgres_url):
        with open_store(db) as store:
            for art, reports in _batch():
                assert store.add_article(art, reports).stored
            assert not store.add_article(*_batch()[0]).stored
            events = list(store.iter_events())
            out = tmp_path / f"{len(exported)}.jsonl"
            export_events(events, "jsonl", out)
            exported.append((events, out.read_text(encoding="utf-8")))
    (sqlite_events, sqlite_text), (pg_events, pg_text) = exported

    def comparable(events: list[Event]) -> list[Event]:  # written at other seconds
        return [e.__class__(**{**{f: getattr(e, f) for f in e.__dataclass_fields__}, "timestamp": None})
                for e in events]

    assert comparable(pg_events) == comparable(sqlite_events)
    assert len(pg_events) == 2 and sorted(len(e.sources) for e in pg_events) == [2, 3]
    strip = [{k: v for k, v in json.loads(line).items() if k != "timestamp"} for line in pg_text.splitlines()]
    assert strip == [{k: v for k, v in json.loads(line).items() if k != "timestamp"} for line in sqlite_text.splitlines()]


BODY = " ".join(f"Line {n}: shelling hit district {n} of the city while crews cleared rubble on street {n * 11}."
                for n in range(10))


def test_postgres_near_copy_of_an_article_another_process_stored_is_found(postgres_url: str) -> None:
    original = replace(_article("a1"), text=BODY)
    with open_store(postgres_url) as first, open_store(postgres_url) as second:
        assert second.claim_original(replace(_article("x"), text="Unrelated. " * 70)) is None  # index read now
        first.add_article(original, [make_report("m1", "a1", place=ALEPPO)])
        # stored by the other process after this one read its index: the claim finds it all the same
        copy = replace(_article("c1"), text="New headline.\n" + BODY)
        assert second.claim_original(copy) == "a1"
        assert second.add_copy(copy, "a1").stored  # type: ignore[union-attr]
        (event,) = first.iter_events()
        assert [s.article_id for s in event.sources] == ["a1", "c1"]


def test_postgres_claimed_original_stored_by_another_process_first_makes_this_one_its_copy(postgres_url: str) -> None:
    with open_store(postgres_url) as first, open_store(postgres_url) as second:
        mine = replace(_article("b2"), text="My own headline.\n" + BODY)
        assert second.claim_original(mine) is None  # an original here: it is parsed
        first.add_article(replace(_article("a1"), text=BODY), [make_report("m1", "a1", place=ALEPPO)])
        result = second.add_article(mine, [make_report("m2", "b2", place=IDLIB)])
        assert result.stored and result.n_mentions == 0
        assert second._raw.execute("SELECT copy_of FROM articles WHERE article_id = 'b2'").fetchone() == ("a1",)
        assert [len(e.sources) for e in second.iter_events()] == [2]


def _add_all(url: str, part: int) -> None:
    with open_store(url) as store:
        batch = _batch()
        for art, reports in batch[part::2] + batch:  # its half first, then all (the other half races the other)
            store.add_article(art, reports)


def test_postgres_two_writers_store_each_article_once_and_merge_as_one(postgres_server: Any, tmp_path: Path) -> None:
    one, many = postgres_server.new_database(), postgres_server.new_database()
    try:
        _add_all(one, 0)
        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=_add_all, args=(many, part)) for part in (0, 1)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(120)
        assert [p.exitcode for p in procs] == [0, 0]

        def summary(url: str) -> list[tuple[Any, ...]]:
            with open_store(url) as store:
                n = store._raw.execute("SELECT count(*) FROM articles").fetchone()[0]
                return [n, *sorted((e.event_id, e.fatalities, tuple(sorted(s.article_id for s in e.sources)))
                                   for e in store.iter_events())]

        assert summary(many) == summary(one)
    finally:
        postgres_server.drop(one)
        postgres_server.drop(many)


FEED_ITEMS = (ROOT / "examples" / "feed.jsonl").read_text(encoding="utf-8").splitlines()


def _cli(url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CONFLICTLOG_DB": url}
    return subprocess.Popen([str(Path(sys.executable).with_name("conflictlog")), "ingest", "--no-progress", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_postgres_two_concurrent_ingest_processes_equal_a_sequential_run(postgres_server: Any, tmp_path: Path) -> None:
    # Overlapping feeds: item 3 is in both, and items 0 and 1 report one incident. (Item 2 is item 0's text under
    # another URL: whichever is stored first names the article, in one process as in two.)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(f"{FEED_ITEMS[0]}\n{FEED_ITEMS[3]}\n", encoding="utf-8")
    second.write_text(f"{FEED_ITEMS[1]}\n{FEED_ITEMS[3]}\n", encoding="utf-8")
    sequential, concurrent = postgres_server.new_database(), postgres_server.new_database()
    try:
        done = _cli(sequential, str(first), str(second))
        assert done.wait(300) == 0, done.communicate()[1]
        procs = [_cli(concurrent, str(feed)) for feed in (first, second)]
        for p in procs:
            assert p.wait(300) == 0, p.communicate()[1]

        def stored(url: str) -> tuple[int, list[tuple[Any, ...]]]:
            with open_store(url) as store:
                articles = store._raw.execute("SELECT count(*) FROM articles").fetchone()[0]
                return articles, sorted(
                    (e.event_id, e.event_type, e.location, e.fatalities, tuple(sorted(s.url or "" for s in e.sources)))
                    for e in store.iter_events())

        articles, events = stored(concurrent)
        assert (articles, events) == stored(sequential)
        assert articles > 0
        assert any(len(e[-1]) > 1 for e in events)  # reports of one incident merged across the two processes
    finally:
        postgres_server.drop(sequential)
        postgres_server.drop(concurrent)


# -- both stores --------------------------------------------------------------------------------------------------


def test_postgres_watch_state_adds_up_passes_like_sqlite(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record_watch("feed", status="200", etag='"v1"', last_modified=None,
                           items=[("k1", "https://x.example/1", "stored")], error=None)
        store.record_watch("feed", status="500", etag=None, last_modified="Tue", items=[("k1", None, "stored"),
                           ("k2", None, "failed")], error="HTTP 500")
        state, seen = store.watch_state("feed")
        assert seen == {"k1", "k2"}
        assert (state["etag"], state["last_modified"], state["items"], state["errors"]) == ('"v1"', "Tue", 3, 1)
        assert [(w["source"], w["last_status"], w["last_error"]) for w in store.watch_status()] == \
            [("feed", "500", "HTTP 500")]


def test_postgres_cli_reads_and_writes_a_database_named_by_url(store_url: str, no_model: None) -> None:
    from click.testing import CliRunner

    from conflictlog.cli import cli

    runner = CliRunner()
    feed = ROOT / "examples" / "feed.jsonl"
    done = runner.invoke(cli, ["--db", store_url, "ingest", "--no-progress", str(feed)])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(cli, ["--db", store_url, "events"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "0 of 0 events" in shown.output  # no model: articles without events
    with open_store(store_url) as store:
        (run,) = store.runs()
        assert run["counts"]["articles.stored"] == 3 and run["counts"]["docs.duplicate"] == 1


def test_postgres_actor_filter_follows_events_rewritten_and_removed(store_url: str) -> None:
    from conflictlog.bench_api import synthetic_events

    first, second = synthetic_events(2)
    with open_store(store_url) as store:
        store.bulk_load_events([replace(first, actor1="Old Army", actor2=None),
                                replace(second, actor1="Old Army", actor2=None)])
        store.bulk_load_events([replace(first, actor1="New Militia", actor2="Old Guard")])
        assert [e.event_id for e in store.query_events(EventFilter(actor="old army"))] == [second.event_id]
        assert [e.event_id for e in store.query_events(EventFilter(actor="w mil"))] == [first.event_id]
        assert store.count_events(EventFilter(actor="old ")) == 2  # "old army", "old guard"
        assert store.count_events(EventFilter(actor="militia\nold")) == 0  # names are matched one at a time
        store.add_article(_article("a1"), [make_report("m1", "a1", actors=("Fresh Brigade",))])
        assert store.count_events(EventFilter(actor="fresh brig")) == 1
        store.unmerge(store.query_events(EventFilter(actor="fresh brig"))[0].event_id)
        assert store.count_events(EventFilter(actor="fresh brig")) == 1


def test_postgres_counts_capped_or_not_agree_with_sqlite(postgres_url: str, tmp_path: Path) -> None:
    from conflictlog.bench_api import synthetic_events

    events = list(synthetic_events(300))
    filters = [EventFilter(), EventFilter(actor="islamic"), EventFilter(actor="Police"), EventFilter(actor="zzz"),
               EventFilter(actor="a\x00"), EventFilter(bbox=(36.0, 32.0, 44.0, 37.0)),
               EventFilter(bbox=(36.0, 32.0, 44.0, 37.0), actor="islamic"), EventFilter(actor="police", country="SYR"),
               EventFilter(bbox=(170.0, -90.0, -170.0, 90.0))]
    counts = []
    for db in (str(tmp_path / "s.sqlite"), postgres_url):
        with open_store(db) as store:
            store.bulk_load_events(events)
            full = [store.count_events(flt) for flt in filters]
            assert full == [len(store.query_events(flt)) for flt in filters]
            for limit in (1, 7):
                assert [store.count_events(flt, limit) for flt in filters] == [min(n, limit) for n in full]
            counts.append(full)
    assert counts[0] == counts[1] and max(counts[0][1:]) > 7  # the same answers, and some filters reach the cap


@pytest.fixture(scope="module")
def generated_pg(postgres_server: Any) -> Iterator[tuple[PostgresStore, list[Event]]]:
    """The events of the SQLite filter tests (names folding beyond ASCII, coordinates on a box's edges, some
    unplaced) in one PostgreSQL database, newest first."""
    url = postgres_server.new_database()
    events = list(_generated_events())
    store = open_store(url)
    store.bulk_load_events(events)
    yield store, sorted(sorted(events, key=lambda e: e.event_id), key=lambda e: e.event_date, reverse=True)
    store.close()
    postgres_server.drop(url)


_days = st.none() | st.integers(0, 45).map(lambda n: date(2024, 1, 1) + timedelta(days=n))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(actor=None, bbox=(179.9, 0.0, -179.9, 36.0), since=None, until=None, limit=None, offset=0)  # antimeridian
@example(actor="İdlib", bbox=(36.0, 35.9999999, 37.25, 36.0000001), since=None, until=None, limit=7, offset=3)
@given(actor=st.none() | _needles(), bbox=st.none() | _bboxes, since=_days, until=_days,
       limit=st.sampled_from((None, 1, 7)), offset=st.sampled_from((0, 3)))
def test_postgres_bbox_actor_and_date_filters_match_a_plain_filter(
    generated_pg: tuple[PostgresStore, list[Event]], actor: str | None, bbox: tuple[float, float, float, float] | None,
    since: date | None, until: date | None, limit: int | None, offset: int,
) -> None:
    store, events = generated_pg
    flt = EventFilter(actor=actor, bbox=bbox, since=since, until=until)
    expected = [e.event_id for e in events if _matches(e, flt) and (since is None or e.event_date >= since)
                and (until is None or e.event_date <= until)]
    page = expected[offset:] if limit is None else expected[offset:offset + limit]
    assert [e.event_id for e in store.query_events(flt, limit=limit, offset=offset)] == page
    assert [json.loads(row)["event_id"] for row in store.query_event_json(flt, limit=limit, offset=offset)] == page
    assert store.count_events(flt) == len(expected)
    assert store.count_events(flt, limit=5) == min(5, len(expected))


def _points_agree_with_events(store: PostgresStore) -> None:
    """event_points holds exactly the placed events, each with its date, id, coordinates and actor name ids."""
    mismatched = store._raw.execute(
        "SELECT count(*) FROM (SELECT e.id, e.event_date, e.event_id, e.longitude, e.latitude, "
        "ARRAY(SELECT l.name_id FROM event_folded_actors l WHERE l.event_pk = e.id ORDER BY 1) FROM events e "
        "WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL "
        "EXCEPT SELECT id, event_date, event_id, pt[0], pt[1], name_ids FROM event_points) AS missing").fetchone()[0]
    counts = store._raw.execute("SELECT (SELECT count(*) FROM event_points), (SELECT count(*) FROM events "
                                "WHERE latitude IS NOT NULL AND longitude IS NOT NULL)").fetchone()
    assert mismatched == 0 and counts[0] == counts[1]


def test_postgres_point_index_follows_events_placed_moved_renamed_and_removed(postgres_url: str) -> None:
    from conflictlog.bench_api import synthetic_events

    first, second, third = synthetic_events(3)
    box = (36.0, 35.0, 38.0, 37.0)
    with open_store(postgres_url) as store:
        store.bulk_load_events([replace(first, latitude=36.2, longitude=37.1, actor1="Old Army", actor2=None),
                                replace(second, latitude=None, longitude=None), third])
        _points_agree_with_events(store)
        assert [e.event_id for e in store.query_events(EventFilter(bbox=box, actor="old army"))] == [first.event_id]
        # moved out of the box and renamed; the unplaced one placed inside it
        store.bulk_load_events([replace(first, latitude=10.0, longitude=10.0, actor1="New Militia"),
                                replace(second, latitude=36.5, longitude=37.5, actor1="Old Army", actor2=None)])
        _points_agree_with_events(store)
        assert [e.event_id for e in store.query_events(EventFilter(bbox=box, actor="old army"))] == [second.event_id]
        assert store.count_events(EventFilter(bbox=(9.0, 9.0, 11.0, 11.0), actor="new mil")) == 1
        store.add_article(_article("a1"), [make_report("m1", "a1", place=ALEPPO, actors=("Fresh Brigade",))])
        _points_agree_with_events(store)
        (fresh,) = store.query_events(EventFilter(bbox=box, actor="fresh brig"))
        store.unmerge(fresh.event_id)
        _points_agree_with_events(store)
        assert store.count_events(EventFilter(bbox=box, actor="fresh brig")) == 1


def test_postgres_query_plan_is_explain_of_the_page_query(postgres_url: str) -> None:
    from conflictlog.bench_api import synthetic_events

    with open_store(postgres_url) as store:
        store.bulk_load_events(synthetic_events(200))
        store._raw.execute("SET enable_seqscan = off")  # a small table: ask whether an index can answer
        plan = "\n".join(store.query_plan(EventFilter(actor="islamic"), limit=20))
        assert "event_folded_actors" in plan
        # a box (with an actor and dates) is read from the point index alone, a deep page's offset from the date
        # index alone; then only the page's rows are read
        for flt in (EventFilter(bbox=(36.0, 32.0, 44.0, 37.0)),
                    EventFilter(bbox=(36.0, 32.0, 44.0, 37.0), actor="islamic", since=date(2016, 1, 1))):
            plan = "\n".join(store.query_plan(flt))
            assert "Index Only Scan using event_points_pt" in plan and "Bitmap Heap Scan" not in plan
        plan = "\n".join(store.query_plan(EventFilter(), offset=150))
        assert "Index Only Scan using events_date" in plan and "Index Scan using events_pkey" in plan


def test_postgres_bulk_load_leaves_statistics_for_every_table_an_actor_page_reads(postgres_url: str) -> None:
    from conflictlog.bench_api import synthetic_events

    with open_store(postgres_url) as store:
        store.bulk_load_events(synthetic_events(50))
        analyzed = dict(store._raw.execute("SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                                           "WHERE relname IN ('events', 'folded_actor_names', 'event_folded_actors')"))
    assert analyzed == {"events": True, "folded_actor_names": True, "event_folded_actors": True}
