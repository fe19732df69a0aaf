"""The pipeline's shared state: the model and gazetteer load once per process, however many threads ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from conflictlog import pipeline
from conflictlog.bench_merge import make_report
from conflictlog.records import Article, ResolvedEvent
from conflictlog.store import EventFilter, open_store
from conflictlog.store import sqlite as sqlite_module


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


class _OneIncident(pipeline.Pipeline):
    """Codes each article as one report of the same incident (no model)."""

    def __init__(self) -> None:
        super().__init__(parser=None, resolver=None)

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            yield article, [make_report(f"m-{article.article_id}", article.article_id,
                                        evidence=f"Report of the attack in {article.article_id}.")]


def test_pipeline_run_ends_with_no_stale_event_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # joins past STALE_AFTER leave the incident's row to the run's end, which writes it before recording the run
    monkeypatch.setattr(sqlite_module, "STALE_AFTER", 5)
    refreshed: list[int] = []
    records = [{"text": f"Fighters attacked the town on Friday, witness number {i} said.", "outlet": f"Outlet {i}",
                "published": "2024-03-02", "url": f"https://news.example/{i}"} for i in range(6)]
    with open_store(":memory:") as store:
        refresh = store.refresh_stale_rows

        def counted() -> int:
            refreshed.append(refresh())
            return refreshed[-1]

        monkeypatch.setattr(store, "refresh_stale_rows", counted)
        pipeline.ingest_records(records, store, pipeline=_OneIncident())
        assert refreshed == [1]
        with store.reading() as conn:
            assert conn.execute("SELECT count(*) FROM events WHERE row_json IS NULL").fetchone()[0] == 0
        (event,) = store.iter_events()
        assert len(event.claims) == 6 and store.query_event_json(EventFilter()) == [sqlite_module.row_json(event)]


class _BreaksOnWord(_OneIncident):
    """_OneIncident, except that an article saying 'broken' cannot be coded."""

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            if "broken" in article.text:
                raise ValueError("cannot code this article")
            yield from super().process_many([article])


class _ThreadPool:
    """A BatchPool coding batches on another thread, several in flight (as a cluster does)."""

    window = 2

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(1)

    def submit(self, batch: list[Article], strict: bool):  # type: ignore[no-untyped-def]
        return self.executor.submit(pipeline._process_batch, _BreaksOnWord(), batch, strict).result


@pytest.mark.parametrize("pooled", [False, True], ids=["one-process", "batches-in-flight"])
def test_pipeline_run_forgets_the_ids_of_stored_articles(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                                         pooled: bool) -> None:
    # a run spots an article given twice while it is on its way, then by the store: the ids it keeps in memory
    # are those of articles the store does not hold (here the one that failed), not one per article read
    monkeypatch.setattr(pipeline, "ARTICLE_BATCH", 2)
    kept: list[set[str]] = []
    clean_stream = pipeline._clean_stream

    def spied(raws, counts, strict, seen, already_stored):  # type: ignore[no-untyped-def]
        kept.append(seen)
        return clean_stream(raws, counts, strict, seen, already_stored)

    monkeypatch.setattr(pipeline, "_clean_stream", spied)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = ["calm", "quiet", "broken", "rainy", "windy", "sunny", "misty"]
    for i, word in enumerate(words):
        (corpus / f"{i}.txt").write_text(f"Residents said the {word} week near the town of number {i} ended with "
                                         "more families leaving.\n", encoding="utf-8")
    for i in (0, 6):  # the same texts again, later in the run
        (corpus / f"z{i}.txt").write_text((corpus / f"{i}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    store = open_store(tmp_path / "run.sqlite")
    try:
        report = pipeline.ingest_paths([corpus], store, pipeline=_BreaksOnWord(), progress=False,
                                       cluster=_ThreadPool() if pooled else None)
        (failed,) = report.failures
        assert report.counts["articles.stored"] == 6 and report.counts["docs.duplicate"] == 2
        assert len(kept) == 1 and len(kept[0]) == 1 and not store.has_article(next(iter(kept[0])))
    finally:
        store.close()
    assert failed.source.endswith("2.txt")
