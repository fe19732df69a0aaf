"""store stage: the embedded SQLite database of articles, reports, merged events, merge decisions and runs."""

from conflictlog.store.base import AddResult, EventFilter, Store
from conflictlog.store.sqlite import SQLiteStore, open_store

__all__ = ["AddResult", "EventFilter", "SQLiteStore", "Store", "open_store"]
