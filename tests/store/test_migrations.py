"""Schema migrations: ordered, named, recorded; a newer database is refused with E602."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conflictlog.errors import StoreError
from conflictlog.store import open_store
from conflictlog.store.migrations import LATEST_VERSION, MIGRATIONS, Migration, migrate


def test_migrations_are_recorded_in_order(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    store = open_store(path)
    assert store.schema_migrations() == [(m.version, m.name) for m in MIGRATIONS]
    store.close()
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
    assert all(r[2] for r in rows)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"articles", "mentions", "events", "event_mentions", "claims", "merge_decisions", "runs", "events_rtree"} <= tables
    conn.close()


def test_migrations_reopen_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    open_store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, str(path)) == []
    assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def test_migrations_newer_database_gives_e602(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, 'from_the_future', 'now')", (LATEST_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.code == "E602"
    assert str(path) in str(err.value) and str(LATEST_VERSION + 1) in str(err.value)


def test_migrations_new_migration_applies_to_old_database_and_failure_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite"
    open_store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    broken = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken", "CREATE TABLE extra(x);\nSELECT * FROM no_such_table;"))
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, str(path), broken)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    good = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "add_extra", "CREATE TABLE extra(x);"))
    assert migrate(conn, str(path), good) == ["add_extra"]
    assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == LATEST_VERSION + 1
    conn.close()


def test_migrations_unreadable_file_gives_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-db.sqlite"
    path.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert err.value.code == "E601" and str(path) in str(err.value)


def test_migrations_upgrade_keeps_old_events_searchable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, str(path), MIGRATIONS[:1])
    conn.execute(
        "INSERT INTO events(event_id, event_date, time_precision, event_type, sub_event_type, actor1, actor2, country, "
        "country_iso3, fatalities, certainty, historical, notes, updated_at) VALUES ('SYR-1', '2024-03-01', 1, 'Battles', "
        "'Armed clash', 'Islamic State (Syria)', NULL, 'Syria', 'SYR', 2, 'reported', 0, '', 'now')"
    )
    conn.close()
    store = open_store(path)
    assert [v for v, _ in store.schema_migrations()] == [m.version for m in MIGRATIONS]
    from conflictlog.store import EventFilter
    from conflictlog.store import sqlite as sqlite_module

    for drive_below in (0, 10**9):  # the names the migration filed, tested per event and driving the query
        monkeypatch.setattr(sqlite_module, "_DRIVE_BELOW", drive_below)
        assert store.count_events(EventFilter(actor="islamic")) == 1
        assert [e.event_id for e in store.query_events(EventFilter(actor="ISLAMIC"))] == ["SYR-1"]
        assert [e.event_id for e in store.query_events(EventFilter(actor="state (syria)"))] == ["SYR-1"]
    with store.reading() as conn:
        assert conn.execute("SELECT actors_folded FROM events").fetchone()[0] == '["islamic state (syria)"]'
    store.close()


def test_migrations_drop_event_actor_text_keeps_bbox_index_in_step(tmp_path: Path) -> None:
    path = tmp_path / "v10.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, str(path), tuple(m for m in MIGRATIONS if m.version <= 10))
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events_actors'").fetchone()[0] == 1
    insert = (
        "INSERT INTO events(event_id, event_date, time_precision, event_type, sub_event_type, actor1, country, "
        "country_iso3, latitude, longitude, fatalities, certainty, historical, notes, updated_at, actors_folded) "
        "VALUES (?, '2024-03-01', 1, 'Battles', 'Armed clash', 'Militia', 'Syria', 'SYR', ?, ?, 0, 'reported', 0, '', "
        "'now', '[\"militia\"]')"
    )
    conn.execute(insert, ("SYR-OLD", 36.2, 37.1))
    conn.close()
    store = open_store(path)
    assert store.schema_migrations()[-1][0] == LATEST_VERSION
    with store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'events_actors%'").fetchone()[0] == 0
        conn.execute("BEGIN")
        conn.execute(insert, ("SYR-NEW", 35.9, 36.6))
        conn.execute("DELETE FROM events WHERE event_id = 'SYR-OLD'")
        filed = [r[0] for r in conn.execute("SELECT e.event_id FROM events_rtree r JOIN events e ON e.id = r.id")]
        conn.execute("ROLLBACK")
    assert filed == ["SYR-NEW"]  # the recreated triggers still file and remove bbox points
    from conflictlog.store import EventFilter

    assert [e.event_id for e in store.query_events(EventFilter(actor="milit", bbox=(37.0, 36.0, 37.2, 36.4)))] == [
        "SYR-OLD"]
    store.close()


def _open_when_released(path: str, barrier: Any) -> str:
    barrier.wait()
    try:
        open_store(path).close()
    except StoreError as err:
        return str(err)
    return "ok"


def test_migrations_new_database_opened_by_many_processes_at_once(tmp_path: Path) -> None:
    # Reproduction: two or more processes creating one file raced on the applied migrations
    # ("table articles already exists").
    ctx = multiprocessing.get_context("fork")
    for attempt in range(4):
        path = str(tmp_path / f"race{attempt}.sqlite")
        barrier = ctx.Manager().Barrier(6)
        with ctx.Pool(6) as pool:
            outcomes = pool.starmap(_open_when_released, [(path, barrier)] * 6)
        assert outcomes == ["ok"] * 6
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
        conn.close()


def test_migrations_new_database_opened_by_many_threads_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "threads.sqlite")
    barrier = threading.Barrier(8)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: _open_when_released(path, barrier), range(8)))
    assert outcomes == ["ok"] * 8


def test_migrations_number_stored_events_per_country_in_storage_order(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, str(path), MIGRATIONS[:2])
    for event_id, iso3 in (("SYR-z", "SYR"), ("IRQ-y", "IRQ"), ("SYR-a", "SYR")):
        conn.execute(
            "INSERT INTO events(event_id, event_date, time_precision, event_type, sub_event_type, country_iso3, "
            "fatalities, certainty, historical, notes, updated_at) VALUES (?, '2024-03-01', 1, 'Battles', "
            "'Armed clash', ?, 0, 'reported', 0, '', '2024-03-02T00:00:00+00:00')",
            (event_id, iso3),
        )
    conn.close()
    with open_store(path) as store:
        assert {e.event_id: e.acled_id for e in store.iter_events()} == {"SYR-z": "SYR1", "IRQ-y": "IRQ1", "SYR-a": "SYR2"}
        assert next(iter(store.iter_events())).timestamp == 1709337600
