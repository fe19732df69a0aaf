"""Several processes ingesting into one new database at once lose nothing and store what one process stores."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from conflictlog.bench_merge import make_place, make_report
from conflictlog.pipeline import Pipeline, ingest_paths
from conflictlog.records import Article, ResolvedEvent
from conflictlog.store import open_store

PROCESSES = 4
PER_PROCESS = 50
TOWNS = (("Aleppo", 36.2, 37.16), ("Haritan", 36.27, 37.13), ("Idlib", 35.93, 36.63), ("Raqqa", 35.95, 39.01))


class NumberedPipeline(Pipeline):
    """Codes 'Report N' articles without the language model: N picks the town and day, so reports of
    different articles (and processes) describe the same incidents and merge."""

    def __init__(self) -> None:
        super().__init__(parser=None, resolver=None)

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            n = int(re.search(r"Report (\d+)", article.text).group(1))  # type: ignore[union-attr]
            town, lat, lon = TOWNS[n % len(TOWNS)]
            place = make_place(town, latitude=lat, longitude=lon, gazetteer_id=f"geonames:{n % len(TOWNS)}")
            day = date(2024, 3, 1) + timedelta(days=n % 9)
            yield article, [make_report(f"{article.article_id}-0", article.article_id, day=day, place=place,
                                        fatalities=n % 5)]


def _write_corpus(root: Path) -> list[Path]:
    folders = []
    for p in range(PROCESSES):
        folder = root / f"part{p}"
        folder.mkdir(parents=True)
        for i in range(PER_PROCESS):
            n = p * PER_PROCESS + i
            (folder / f"r{n}.txt").write_text(
                f"Report {n}. Fighting between the army and the militants went on for a second day near the town, "
                f"residents said on Tuesday, and several families left their homes for the nearby villages.\n",
                encoding="utf-8")
        folders.append(folder)
    return folders


def _ingest(db: str, folders: list[str], barrier: object | None) -> dict[str, int]:
    if barrier is not None:
        import conflictlog.store.sqlite as sqlite_store

        sqlite_store.BUSY_TIMEOUT_MS = 1  # SQLite alone gives up at once: only waiting our turn keeps articles
        barrier.wait()  # type: ignore[attr-defined]
    store = open_store(db)
    try:
        report = ingest_paths(folders, store, pipeline=NumberedPipeline(), progress=False)
    finally:
        store.close()
    return dict(report.counts)


def _events(db: Path) -> list[tuple[object, ...]]:
    store = open_store(db)
    try:
        return sorted((e.event_id, e.event_date, e.location, e.fatalities, tuple(sorted(s.article_id for s in e.sources)))
                      for e in store.iter_events())
    finally:
        store.close()


def test_concurrency_four_processes_into_one_new_database_lose_nothing(tmp_path: Path) -> None:
    folders = [str(f) for f in _write_corpus(tmp_path / "corpus")]
    one = _ingest(str(tmp_path / "one.sqlite"), folders, None)
    assert one.get("articles.stored") == PROCESSES * PER_PROCESS
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(PROCESSES)
        with ctx.Pool(PROCESSES) as pool:
            counts = pool.starmap(_ingest, [(str(tmp_path / "many.sqlite"), [f], barrier) for f in folders])
    assert sum(c.get("docs.failed", 0) for c in counts) == 0
    assert sum(c.get("articles.stored", 0) for c in counts) == PROCESSES * PER_PROCESS
    assert _events(tmp_path / "many.sqlite") == _events(tmp_path / "one.sqlite")
    assert len(_events(tmp_path / "one.sqlite")) < PROCESSES * PER_PROCESS  # reports did merge across articles
