"""The pipeline's shared state: the model and gazetteer load once per process, however many threads ask."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conflictlog import pipeline


def test_pipeline_default_loads_once_under_concurrent_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reproduction: 8 concurrent POST /articles to a fresh server each loaded the model (51 s, 2.6 GB).
    loads: list[int] = []

    def slow_load() -> object:
        loads.append(threading.get_ident())
        time.sleep(0.2)  # long enough for every other thread to find no pipeline yet
        return object()

    monkeypatch.setattr(pipeline, "_DEFAULT_PIPELINE", None)
    monkeypatch.setattr(pipeline.Pipeline, "load", staticmethod(slow_load))
    barrier = threading.Barrier(8)

    def ask(_: int) -> object:
        barrier.wait()
        return pipeline.default_pipeline()

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(ask, range(8)))
    assert len(loads) == 1
    assert all(g is got[0] for g in got)


class _Villages:
    """Records which imported-places file the geocoder is told to read."""

    def __init__(self) -> None:
        self.imported: object = "unset"

    def use_imported(self, imported: object) -> None:
        self.imported = imported


def test_pipeline_reads_the_places_imported_for_the_store_it_ingests_into(tmp_path) -> None:
    from types import SimpleNamespace

    from conflictlog.resolve.villages import imported_path

    villages = _Villages()
    loaded = SimpleNamespace(resolver=SimpleNamespace(geocoder=SimpleNamespace(villages=villages)))
    db = tmp_path / "events.sqlite"
    pipeline.use_store_places(loaded, SimpleNamespace(path=str(db)))
    assert villages.imported == imported_path(db) == tmp_path / "events.sqlite.places.sqlite"
    pipeline.use_store_places(loaded, SimpleNamespace(path=":memory:"))
    assert villages.imported is None
    # a stand-in pipeline without a geocoder, or a store without a path, is left alone
    pipeline.use_store_places(SimpleNamespace(), SimpleNamespace(path=str(db)))
    pipeline.use_store_places(loaded, SimpleNamespace())
    assert villages.imported is None
