"""Ingest with worker processes stores exactly what a single process stores, and isolates a bad article."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conflictlog.pipeline import ingest_paths
from conflictlog.store import open_store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.slow


def _events(db: Path) -> list[tuple]:
    store = open_store(db)
    try:
        return sorted((e.event_id, e.event_type, e.location, e.fatalities, len(e.sources)) for e in store.iter_events())
    finally:
        store.close()


def test_workers_store_the_same_events_as_one_process(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    (corpus / "empty.txt").write_bytes(b"")  # one bad file among good ones
    reports = {}
    for workers in (1, 2):
        store = open_store(tmp_path / f"w{workers}.sqlite")
        try:
            reports[workers] = ingest_paths([corpus], store, progress=False, workers=workers)
        finally:
            store.close()
    one, two = reports[1].counts, reports[2].counts
    assert one.get("articles.stored", 0) > 3
    for key in ("articles.stored", "mentions.stored", "docs.failed"):
        assert one.get(key) == two.get(key), key
    assert _events(tmp_path / "w1.sqlite") == _events(tmp_path / "w2.sqlite")
    assert any("empty.txt" in f.source for f in reports[2].failures)
