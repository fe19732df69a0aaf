"""Writers wait their turn for SQLite's write lock and fail with E603 only after the wait runs out."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from conflictlog.errors import StoreBusy
from conflictlog.store.locking import begin_write, is_busy, retry_busy


def _locked_by_other(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE IF NOT EXISTS t (x)")
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_locking_writer_waits_until_the_other_commits(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    holder = _locked_by_other(path)
    waiter = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    waiter.execute("PRAGMA busy_timeout = 50")  # SQLite alone would give up after 50 ms
    threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()
    begin_write(waiter, str(path), wait_s=10)
    waiter.execute("INSERT INTO t VALUES (1)")
    waiter.execute("COMMIT")
    assert waiter.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_locking_gives_coded_error_naming_the_file_after_the_wait(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    holder = _locked_by_other(path)
    waiter = sqlite3.connect(path, isolation_level=None)
    waiter.execute("PRAGMA busy_timeout = 10")
    started = time.monotonic()
    with pytest.raises(StoreBusy) as caught:
        begin_write(waiter, str(path), wait_s=0.3)
    assert time.monotonic() - started >= 0.3
    assert caught.value.code == "E603" and str(path) in str(caught.value)
    holder.execute("ROLLBACK")


def test_locking_other_errors_are_not_retried() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: nowhere")

    with pytest.raises(sqlite3.OperationalError):
        retry_busy(broken, "x.sqlite", wait_s=5)
    assert calls == [1]
    assert is_busy(sqlite3.OperationalError("database is locked"))
    assert not is_busy(ValueError("database is locked"))
