"""Ingest: a near-copy of an article costs a hash, not a parse, and ends as a source of the original's events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from conflictlog.bench_merge import make_report
from conflictlog.pipeline import article_from_text, ingest_articles
from conflictlog.records import Article, ResolvedEvent
from conflictlog.store import open_store

BODY = " ".join(
    f"Line {n}: shelling hit district {n} of the city while crews cleared rubble on street number {n * 11}."
    for n in range(10)
)


class CountingPipeline:
    """Gives every article one hand-made report and counts the articles it was asked to parse."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            self.parsed.append(article.article_id)
            yield article, [make_report(f"m-{article.article_id}", article.article_id)]


def test_copies_are_not_parsed_and_join_the_original_events() -> None:
    texts = [f"Edition {i} of the wire story, with its own first line.\n{BODY}" for i in range(12)]
    articles = [article_from_text(t, date(2024, 3, 2), source=f"copy{i}") for i, t in enumerate(texts)]
    pipeline = CountingPipeline()
    store = open_store(":memory:")
    try:
        report = ingest_articles(articles, store, pipeline=pipeline)  # type: ignore[arg-type]
        assert len(pipeline.parsed) == 1
        assert report.counts["articles.copies"] == 11
        (event,) = store.iter_events()
        assert len(event.sources) == 12
    finally:
        store.close()


def test_copy_whose_original_failed_is_parsed_after_all() -> None:
    articles = [article_from_text(f"Lead {i}.\n{BODY}", date(2024, 3, 2), source=f"c{i}") for i in range(2)]

    class FailingFirst(CountingPipeline):
        def process_many(self, batch: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
            for article in batch:
                if article.article_id == articles[0].article_id:
                    raise ValueError("cannot parse")
                yield from super().process_many([article])

    store = open_store(":memory:")
    try:
        report = ingest_articles(articles, store, pipeline=FailingFirst())  # type: ignore[arg-type]
        assert report.counts["docs.failed"] == 1 and report.counts["articles.stored"] == 1
        assert len(list(store.iter_events())) == 1
    finally:
        store.close()
