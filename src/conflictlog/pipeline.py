"""Wires the stages together: ingest -> clean -> parse -> extract -> resolve -> store.

This is the only module allowed a broad ``except``: it wraps one document, records a coded Failure naming the
file and the stage, and carries on with the rest (``strict=True`` re-raises instead).
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from conflictlog.errors import ConflictlogError
from conflictlog.records import (
    Article,
    Failure,
    ParsedArticle,
    RawDocument,
    ResolvedEvent,
    RunReport,
)

logger = logging.getLogger(__name__)

ARTICLE_BATCH = 16  # full-article batches of 8-16 keep the parser's peak memory flat


@dataclass
class _Counts:
    """Counters for one run, printed at the end and kept in the runs table."""

    counter: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    def fail(self, failure: Failure) -> None:
        self.counter[f"docs.failed.{failure.code}"] += 1
        self.counter["docs.failed"] += 1
        self.failures.append(failure)
        logger.warning("%s", failure.message)


class Pipeline:
    """A loaded parser, extractor and resolver, reused across many articles."""

    def __init__(self, parser: Any, resolver: Any) -> None:
        self.parser = parser
        self.resolver = resolver

    @classmethod
    def load(cls) -> Pipeline:
        """Load the spaCy model and the offline gazetteer once."""
        from conflictlog.nlp.parse import Parser
        from conflictlog.resolve import Resolver

        return cls(Parser.load(), Resolver.load())

    def process_parsed(self, doc: ParsedArticle) -> list[ResolvedEvent]:
        """Extract and resolve the events of one parsed article."""
        from conflictlog.extract import extract_events

        mentions = extract_events(doc)
        if not mentions:
            return []
        return [self.resolver.resolve(mention, doc.article) for mention in mentions]

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        """Parse in batches, then extract and resolve each article."""
        for doc in self.parser.parse_many(articles, batch_size=ARTICLE_BATCH):
            yield doc.article, self.process_parsed(doc)


_DEFAULT_PIPELINE: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The process-wide loaded pipeline (the model and gazetteer load once)."""
    global _DEFAULT_PIPELINE
    if _DEFAULT_PIPELINE is None:
        _DEFAULT_PIPELINE = Pipeline.load()
    return _DEFAULT_PIPELINE


def article_from_text(text: str, published: date | None = None, title: str | None = None, source: str = "<text>") -> Article:
    """Wrap plain text as an Article without boilerplate removal (for evaluation and `explain`)."""
    from conflictlog.clean import article_id_for

    return Article(
        article_id=article_id_for(text),
        source=source,
        text=text,
        title=title,
        published=published,
        published_raw=published.isoformat() if published else None,
    )


def extract_text(text: str, published: date | None = None, title: str | None = None) -> list[ResolvedEvent]:
    """Run parse, extract and resolve on a plain string, as if it were an article published on ``published``."""
    pipeline = default_pipeline()
    article = article_from_text(text, published, title)
    doc = pipeline.parser.parse(article)
    return pipeline.process_parsed(doc)


def _clean_stream(
    raws: Iterable[RawDocument | Failure],
    counts: _Counts,
    strict: bool,
    seen: set[str],
    already_stored: Callable[[str], bool],
) -> Iterator[Article]:
    """Clean each raw document; bad ones become Failures, articles already stored are skipped."""
    from conflictlog.clean import clean_document

    for raw in raws:
        if isinstance(raw, Failure):
            if strict:
                raise ConflictlogError(raw.message, raw.code)
            counts.fail(raw)
            continue
        counts.counter["docs.read"] += 1
        try:
            article = clean_document(raw)
        except ConflictlogError as err:
            if strict:
                raise
            counts.fail(Failure(raw.source, "clean", err.code, str(err)))
            continue
        except Exception as err:  # noqa: BLE001 - per-document boundary
            if strict:
                raise
            counts.fail(Failure(raw.source, "clean", "E299", f"{raw.source}: unexpected error while cleaning: {err!r}"))
            continue
        if article.article_id in seen or already_stored(article.article_id):
            counts.counter["docs.duplicate"] += 1
            logger.info("%s: already stored as article %s; skipped", raw.source, article.article_id)
            continue
        seen.add(article.article_id)
        yield article


def _progress(total: int | None, enabled: bool) -> Any:
    """A rich progress bar on stderr, or None when disabled or stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )


def _run(
    raws: Iterable[RawDocument | Failure],
    store: Any,
    *,
    pipeline: Pipeline | None,
    strict: bool,
    progress: bool,
    total: int | None,
) -> RunReport:
    """Push raw documents through every stage into the store, one transaction per article."""
    started = time.time()
    counts = _Counts()
    seen: set[str] = set()
    articles = _clean_stream(raws, counts, strict, seen, store.has_article)
    bar = _progress(total, progress)
    task = bar.add_task("ingest", total=total) if bar is not None else None
    if bar is not None:
        bar.start()
    try:
        pipeline = pipeline or default_pipeline()
        for article, resolved in _guarded_process(pipeline, articles, counts, strict):
            try:
                result = store.add_article(article, resolved)
            except ConflictlogError as err:
                if strict:
                    raise
                counts.fail(Failure(article.source, "store", err.code, f"{article.source}: {err}"))
                continue
            if result.stored:
                counts.counter["articles.stored"] += 1
                counts.counter["mentions.stored"] += result.n_mentions
                counts.counter["events.created"] += len(result.events_created)
                counts.counter["events.updated"] += len(result.events_updated)
            else:
                counts.counter["docs.duplicate"] += 1
            if bar is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
    counts.counter["seconds"] = int(round(time.time() - started))
    report = RunReport(run_id=uuid.uuid4().hex[:12], counts=dict(counts.counter), failures=tuple(counts.failures))
    store.record_run(report)
    return report


def _guarded_process(
    pipeline: Pipeline, articles: Iterable[Article], counts: _Counts, strict: bool
) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
    """Parse in batches; if a batch fails, retry its articles one by one so one bad article fails alone."""
    batch: list[Article] = []

    def flush() -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        try:
            yield from list(pipeline.process_many(batch))
            return
        except Exception:  # noqa: BLE001 - per-document boundary: isolate the failing article below
            if strict:
                raise
        for article in batch:
            try:
                yield from list(pipeline.process_many([article]))
            except Exception as err:  # noqa: BLE001 - per-document boundary
                code = getattr(err, "code", "E499")
                counts.fail(Failure(article.source, "extract", code, f"{article.source}: could not extract events: {err!r}"))

    for article in articles:
        batch.append(article)
        if len(batch) >= ARTICLE_BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def ingest_paths(
    paths: Sequence[str | Path],
    store: Any,
    *,
    pipeline: Pipeline | None = None,
    strict: bool = False,
    progress: bool = True,
) -> RunReport:
    """Ingest files, folders and globs into the store; bad files are reported and skipped."""
    from conflictlog.ingest import read_paths

    return _run(read_paths(paths), store, pipeline=pipeline, strict=strict, progress=progress, total=None)


def ingest_records(
    records: Iterable[Mapping[str, Any]],
    store: Any,
    *,
    pipeline: Pipeline | None = None,
    source: str = "<api>",
    strict: bool = False,
    max_bytes: int = 10 * 1024 * 1024,
) -> RunReport:
    """Ingest feed-style records (as posted to the REST API) into the store."""
    from conflictlog.ingest.feeds import record_to_document

    raws = [record_to_document(record, f"{source}:{i + 1}", max_bytes) for i, record in enumerate(records)]
    return _run(raws, store, pipeline=pipeline, strict=strict, progress=False, total=len(raws))


def explain_article(article: Article, pipeline: Pipeline | None = None) -> list[ResolvedEvent]:
    """Extract and resolve one article without storing it (for `conflictlog explain`)."""
    pipeline = pipeline or default_pipeline()
    return pipeline.process_parsed(pipeline.parser.parse(article))


def with_published(article: Article, published: date | None) -> Article:
    """A copy of the article with another publication date (when the user overrides it)."""
    return replace(article, published=published)
