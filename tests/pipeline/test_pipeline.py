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
