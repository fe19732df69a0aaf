"""Waiting for SQLite's write lock: one writer at a time, the others retry with backoff instead of failing.

SQLite's own busy timeout gives up after a few seconds and does not apply to every statement (changing the
journal mode fails at once while another connection holds a lock). Only statements that have not yet changed
anything are retried: taking the write lock (``BEGIN IMMEDIATE``) and setting the journal mode.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from conflictlog.errors import E603, StoreBusy

logger = logging.getLogger(__name__)

WRITE_WAIT_S = 300.0  # how long a writer waits its turn before its article fails with E603
_FIRST_PAUSE_S = 0.05
_LONGEST_PAUSE_S = 2.0

T = TypeVar("T")


def is_busy(err: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'database is busy' errors (another connection holds the lock)."""
    if not isinstance(err, sqlite3.OperationalError):
        return False
    text = str(err).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def retry_busy(action: Callable[[], T], path: str, wait_s: float | None = None) -> T:
    """Run ``action`` until it gets past a busy database, pausing with jittered exponential backoff; after
    ``wait_s`` seconds (default WRITE_WAIT_S) raise StoreBusy (E603) naming the database."""
    wait_s = WRITE_WAIT_S if wait_s is None else wait_s
    deadline = time.monotonic() + wait_s
    pause = _FIRST_PAUSE_S
    tries = 0
    while True:
        tries += 1
        try:
            return action()
        except sqlite3.OperationalError as err:
            if not is_busy(err):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreBusy(E603.format(path=path, seconds=round(wait_s), tries=tries), code="E603") from err
            if tries == 1:
                logger.info("%s: another process is writing; waiting for the write lock", path)
            time.sleep(min(left, pause * (0.5 + random.random())))
            pause = min(pause * 2, _LONGEST_PAUSE_S)


def begin_write(conn: sqlite3.Connection, path: str, wait_s: float | None = None) -> None:
    """Take the write lock (``BEGIN IMMEDIATE``), waiting for other writers as long as ``wait_s``."""
    retry_busy(lambda: conn.execute("BEGIN IMMEDIATE"), path, wait_s)


def use_wal(conn: sqlite3.Connection, path: str, wait_s: float | None = None) -> None:
    """Put the database in WAL mode (readers never block the writer); a no-op once the file is in WAL mode."""
    def switch() -> None:
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")

    retry_busy(switch, path, wait_s)
