"""A runaway document fails alone with E305 when its time budget runs out; the rest of the batch is stored."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from conflictlog import pipeline
from conflictlog.records import Article, ResolvedEvent
from conflictlog.store import open_store


class StuckOnRunaway(pipeline.Pipeline):
    """Codes nothing, and never finishes an article that says 'runaway'."""

    def __init__(self) -> None:
        super().__init__(parser=None, resolver=None)

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            if "runaway" in article.text:
                time.sleep(60)
            yield article, []


def test_budget_runaway_article_is_a_coded_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ARTICLE_BUDGET_S", 0.5)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, words in (("a.txt", "calm"), ("b.txt", "runaway"), ("c.txt", "quiet")):
        (corpus / name).write_text(f"Residents said the {words} week near the town ended with rain and more "
                                     "families leaving for the nearby villages.\n", encoding="utf-8")
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
