"""A runaway document fails alone with E305 when its time budget runs out; the rest of the batch is stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conflictlog import pipeline
from conflictlog.errors import OverTimeBudget
from conflictlog.records import Article, ResolvedEvent
from conflictlog.store import open_store


class StuckOnRunaway(pipeline.Pipeline):
    """Codes nothing, and never finishes an article that says 'runaway'."""

    def __init__(self) -> None:
        super().__init__(parser=None, resolver=None)

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            if "runaway" in article.text:
                self.stall()
            yield article, []

    def stall(self) -> None:
        time.sleep(60)


def _corpus(tmp_path: Path) -> Path:
    """Three articles; the second says 'runaway'."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, words in (("a.txt", "calm"), ("b.txt", "runaway"), ("c.txt", "quiet")):
        (corpus / name).write_text(f"Residents said the {words} week near the town ended with rain and more "
                                     "families leaving for the nearby villages.\n", encoding="utf-8")
    return corpus


def test_budget_runaway_article_is_a_coded_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ARTICLE_BUDGET_S", 0.5)
    corpus = _corpus(tmp_path)
    store = open_store(tmp_path / "b.sqlite")
    try:
        report = pipeline.ingest_paths([corpus], store, pipeline=StuckOnRunaway(), progress=False)
    finally:
        store.close()
    assert [(f.source, f.code) for f in report.failures] == [(str(corpus / "b.txt"), "E305")]
    assert "b.txt" in report.failures[0].message and "time budget" in report.failures[0].message
    assert report.counts["articles.stored"] == 2


def test_budget_block_within_time_is_untouched() -> None:
    with pipeline.time_budget(5, "quick.txt"):
        value = sum(range(1000))
    assert value == 499500


def _spin(seconds: float) -> None:
    """Busy Python work (not a sleep: like a signal, the budget's exception arrives between Python steps)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(100))


def _in_thread(work: Callable[[], object]) -> BaseException | None:
    """Run ``work`` in a new thread; what it raised, or None."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as err:  # noqa: BLE001 - handed back to the test
            raised.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return raised[0] if raised else None


def test_budget_runs_out_in_a_thread_that_is_not_the_main_one() -> None:
    def work() -> None:
        with pipeline.time_budget(0.2, "slow.txt"):
            _spin(10)

    raised = _in_thread(work)
    assert isinstance(raised, OverTimeBudget) and raised.code == "E305"
    assert "slow.txt" in str(raised) and "time budget" in str(raised)


def test_budget_in_a_thread_never_goes_off_after_its_block() -> None:
    def work() -> None:
        with pipeline.time_budget(0.2, "quick.txt"):
            _spin(0.15)
        _spin(0.5)  # past the deadline, outside the block

    assert _in_thread(work) is None


class SpinsOnRunaway(StuckOnRunaway):
    """Codes nothing, and spins without end on an article that says 'runaway'."""

    def stall(self) -> None:
        _spin(60)


class ThreadPool:
    """A BatchPool running each batch in a thread, as a Dask worker runs its tasks."""

    window = 2

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(1)

    def submit(self, batch: list[Article], strict: bool) -> Callable[[], list]:
        future = self.executor.submit(pipeline._process_batch, SpinsOnRunaway(), batch, strict)
        return future.result


def test_budget_runaway_article_fails_alone_on_worker_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ARTICLE_BUDGET_S", 0.5)
    corpus = _corpus(tmp_path)
    store = open_store(tmp_path / "t.sqlite")
    try:
        report = pipeline.ingest_paths([corpus], store, progress=False, cluster=ThreadPool())
    finally:
        store.close()
    assert [(f.source, f.code) for f in report.failures] == [(str(corpus / "b.txt"), "E305")]
    assert report.counts["articles.stored"] == 2
