"""Wires the stages together: ingest -> clean -> parse -> extract -> resolve -> store.

This is the only module allowed a broad ``except``: it wraps one document, records a coded Failure naming the
file and the stage, and carries on with the rest (``strict=True`` re-raises instead).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from conflictlog.errors import E305, ConflictlogError, OverTimeBudget
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
# Seconds one article may spend in parse, extract and resolve before it fails with E305, so a runaway document
# cannot stall a run (a capped article of nlp.parse.MAX_PARSED_CHARS takes well under a minute). Enforced in
# every thread (see time_budget): the CLI's, ingest workers', Dask workers'.
ARTICLE_BUDGET_S = 120.0


@dataclass
class _Counts:
    """Counters for one run, printed at the end and kept in the runs table."""

    counter: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    def fail(self, failure: Failure) -> None:
        if not failure.message.startswith(f"[{failure.code}]"):  # every failure message carries its code once
            failure = replace(failure, message=f"[{failure.code}] {failure.message}")
        self.counter[f"docs.failed.{failure.code}"] += 1
        self.counter["docs.failed"] += 1
        self.failures.append(failure)
        logger.info("%s", failure.message)  # callers report failures once, from the RunReport


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

    def process_parsed(self, doc: ParsedArticle, trace: list[Any] | None = None) -> list[ResolvedEvent]:
        """Extract and resolve the events of one parsed article; ``trace`` receives why each candidate sentence
        yielded an event or not (``extract.relevance.Decision``)."""
        from conflictlog.extract import extract_events

        mentions = extract_events(doc, trace)
        if not mentions:
            return []
        return [self.resolver.resolve(mention, doc.article) for mention in mentions]

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        """Parse in batches, then extract and resolve each article."""
        for doc in self.parser.parse_many(articles, batch_size=ARTICLE_BATCH):
            yield doc.article, self.process_parsed(doc)


_DEFAULT_PIPELINE: Pipeline | None = None
_DEFAULT_PIPELINE_LOCK = threading.Lock()


def default_pipeline() -> Pipeline:
    """The process-wide loaded pipeline: the model and gazetteer load once, however many threads ask at once."""
    global _DEFAULT_PIPELINE
    if _DEFAULT_PIPELINE is None:
        with _DEFAULT_PIPELINE_LOCK:
            if _DEFAULT_PIPELINE is None:  # another thread may have loaded it while this one waited
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
    from conflictlog.nlp.parse import parsed_extent
    from conflictlog.outlets import registry

    outlets = registry()

    for raw in raws:
        if isinstance(raw, Failure):
            if strict:
                raise ConflictlogError(raw.message.removeprefix(f"[{raw.code}] "), raw.code)
            counts.fail(raw)
            continue
        counts.counter["docs.read"] += 1
        try:
            article = outlets.name_outlets(clean_document(raw))
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
        if parsed_extent(article.text) < len(article.text):
            counts.counter["docs.capped"] += 1
            logger.warning("%s: %d characters, more than the %d that are parsed; the rest is stored but not coded",
                           raw.source, len(article.text), parsed_extent(article.text))
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
    workers: int = 1,
    cluster: str | BatchPool | None = None,
) -> RunReport:
    """Push raw documents through every stage into the store, one transaction per article."""
    counts = _Counts()
    in_flight: set[str] = set()
    articles = _clean_stream(raws, counts, strict, in_flight, store.has_article)
    return _ingest(articles, store, counts, pipeline=pipeline, strict=strict, progress=progress, total=total,
                   workers=workers, cluster=cluster, in_flight=in_flight)


def _ingest(articles: Iterable[Article], store: Any, counts: _Counts, *, pipeline: Pipeline | None, strict: bool,
            progress: bool, total: int | None, workers: int, cluster: str | BatchPool | None = None,
            in_flight: set[str] | None = None) -> RunReport:
    """Parse, extract, resolve and store clean articles (near-copies of stored ones are not parsed: they join
    the original's events); record the run. With ``cluster`` (an address, ``local:N`` or a pool already open) the
    stages run on a Dask cluster's workers and no model is loaded here.

    ``in_flight`` holds the ids of articles given to the stages and not yet stored, by which the caller spots an
    article given twice: each id leaves it once its article is stored, from when the store answers for it, so a
    run's memory does not grow with its articles (only the ids of articles that failed stay)."""
    done = in_flight.discard if in_flight is not None else (lambda article_id: None)
    started = time.time()
    pool_context: Any
    if isinstance(cluster, str):
        from conflictlog.cluster import cluster_pool

        pool_context = cluster_pool(cluster, places=store_places(store))
    elif cluster is not None:
        cluster.places = store_places(store)
        pool_context = nullcontext(cluster)
    else:
        pipeline = pipeline or default_pipeline()
        use_store_places(pipeline, store)
        pool_context = worker_pool(pipeline, workers)
    waiting: list[tuple[Article, str]] = []
    with pool_context as pool:
        originals = _skip_copies(articles, store, counts, strict, waiting, done)
        _store_all(pipeline, originals, store, counts, strict, pool, _progress(total, progress), total, done)
        # copies of an original still being parsed waited for it; those whose original failed are parsed now
        orphans = [article for article, original in waiting
                   if not _store_copy(store, article, original, counts, strict, done)]
        if orphans:
            _store_all(pipeline, orphans, store, counts, strict, pool, None, None, done)
    counts.counter["seconds"] = int(round(time.time() - started))
    report = RunReport(run_id=uuid.uuid4().hex[:12], counts=dict(counts.counter), failures=tuple(counts.failures))
    refresh = getattr(store, "refresh_stale_rows", None)
    if refresh is not None:  # rows a large incident's joins left stale are written once, here
        refresh()
    store.record_run(report)
    return report


def store_places(store: Any) -> str | None:
    """The file of places imported for the store's database (``gazetteer import``), None for a database without
    a folder."""
    path = getattr(store, "path", None)
    if path is None:
        return None
    from conflictlog.resolve.villages import imported_path

    imported = imported_path(path)
    return None if imported is None else str(imported.absolute())


def use_store_places(pipeline: Any, store: Any) -> None:
    """Have the pipeline's geocoder read the places imported for the store's database (``gazetteer import``);
    forked workers inherit it."""
    if getattr(store, "path", None) is not None:
        use_places(pipeline, store_places(store))


def use_places(pipeline: Any, places: str | None) -> None:
    """Have the pipeline's geocoder read the imported places of the file ``places`` (see :func:`store_places`),
    or none."""
    villages = getattr(getattr(getattr(pipeline, "resolver", None), "geocoder", None), "villages", None)
    if villages is not None:
        villages.use_imported(None if places is None else Path(places))


def _skip_copies(articles: Iterable[Article], store: Any, counts: _Counts, strict: bool,
                 waiting: list[tuple[Article, str]], done: Callable[[str], None]) -> Iterator[Article]:
    """The articles to parse: a near-copy of a stored article joins the original's events here instead (a hash,
    not a parse); a copy of an original still on its way through the stages waits in ``waiting``."""
    claim = getattr(store, "claim_original", None)
    for article in articles:
        original = claim(article) if claim is not None else None
        if original is None:
            yield article
        elif not _store_copy(store, article, original, counts, strict, done):
            waiting.append((article, original))


def _store_copy(store: Any, article: Article, original: str, counts: _Counts, strict: bool,
                done: Callable[[str], None]) -> bool:
    """Store a near-copy of ``original``, naming its original outlet; False when the original is not stored (yet).
    ``done`` is called with the article's id once the store holds it."""
    from conflictlog.outlets import registry

    try:
        if store.has_article(original):
            article = registry().name_original(article, store.get_article(original))
        result = store.add_copy(article, original)
    except ConflictlogError as err:
        if strict:
            raise
        counts.fail(Failure(article.source, "store", err.code, f"{article.source}: {err}"))
        return True
    if result is None:
        return False
    done(article.article_id)
    if result.stored:
        counts.counter["articles.copies"] += 1
        counts.counter["events.updated"] += len(result.events_updated)
    else:
        counts.counter["docs.duplicate"] += 1
    return True


def _store_all(pipeline: Pipeline | None, articles: Iterable[Article], store: Any, counts: _Counts, strict: bool,
               pool: BatchPool | None, bar: Any, total: int | None, done: Callable[[str], None]) -> None:
    """Store each article with its events as it comes out of the stages, advancing the progress bar; ``done`` is
    called with each stored article's id."""
    task = bar.add_task("ingest", total=total) if bar is not None else None
    if bar is not None:
        bar.start()
    try:
        for article, resolved in _guarded_process(pipeline, articles, counts, strict, pool):
            try:
                result = store.add_article(article, resolved)
            except ConflictlogError as err:
                if strict:
                    raise
                counts.fail(Failure(article.source, "store", err.code, f"{article.source}: {err.args[0]}"))
                continue
            done(article.article_id)
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


@contextmanager
def time_budget(seconds: float, source: str) -> Iterator[None]:
    """Raise OverTimeBudget (E305, naming ``source``) if the block runs longer than ``seconds``: by a signal in the
    main thread, and in any other thread (a Dask worker's, a server's) by an exception a timer sets in it. Either
    arrives between two Python steps, so it cannot cut into one long call of compiled code."""
    message = E305.format(source=source, seconds=seconds)
    if threading.current_thread() is not threading.main_thread():
        with _thread_budget(seconds, message):
            yield
        return
    if not hasattr(signal, "setitimer"):
        yield
        return

    def over(signum: int, frame: Any) -> None:
        raise OverTimeBudget(message)

    previous = signal.signal(signal.SIGALRM, over)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_budget(seconds: float, message: str) -> Iterator[None]:
    """time_budget in a thread that is not the main one: a timer raises OverTimeBudget in it
    (PyThreadState_SetAsyncExc), never after the block has ended."""
    import ctypes

    class ThisArticleOverBudget(OverTimeBudget):
        def __init__(self) -> None:  # raised by class, without arguments
            super().__init__(message)

    target = ctypes.c_ulong(threading.get_ident())
    state = {"ended": False, "raised": False}
    lock = threading.Lock()

    def over() -> None:
        with lock:
            if not state["ended"]:
                state["raised"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(ThisArticleOverBudget))

    timer = threading.Timer(seconds, over)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["ended"] = True
            if state["raised"]:  # set but perhaps not yet delivered: it must not go off outside the block
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)


def _process_batch(pipeline: Pipeline, batch: list[Article], strict: bool
                   ) -> list[tuple[Article, list[ResolvedEvent] | Failure]]:
    """Parse, extract and resolve one batch; if the batch fails or runs out of time, retry its articles one by
    one, each with its own time budget, so one bad article fails alone (as a Failure naming it)."""
    try:
        with time_budget(ARTICLE_BUDGET_S * len(batch), f"a batch of {len(batch)} articles"):
            return list(pipeline.process_many(batch))
    except Exception:  # noqa: BLE001 - per-document boundary: isolate the failing article below
        if strict:
            raise
    out: list[tuple[Article, list[ResolvedEvent] | Failure]] = []
    for article in batch:
        try:
            with time_budget(ARTICLE_BUDGET_S, article.source):
                out.extend(pipeline.process_many([article]))
        except OverTimeBudget as err:
            out.append((article, Failure(article.source, "parse", err.code, str(err))))
        except Exception as err:  # noqa: BLE001 - per-document boundary
            code = getattr(err, "code", "E499")
            out.append((article, Failure(article.source, "extract", code,
                                         f"{article.source}: could not extract events: {err!r}")))
    return out


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# The pipeline a forked worker process uses: set in the parent just before the fork, so the loaded model and
# gazetteer are shared copy-on-write rather than loaded again in every worker.
_WORKER_PIPELINE: Pipeline | None = None


def _worker_batch(batch: list[Article], strict: bool) -> list[tuple[Article, list[ResolvedEvent] | Failure]]:
    """One batch in a forked worker, with the pipeline the parent loaded before forking."""
    pipeline = _WORKER_PIPELINE or default_pipeline()  # a worker that did not fork from a loaded parent loads its own
    return _process_batch(pipeline, batch, strict)


def _warm_up(pipeline: Pipeline) -> None:
    """Run one small article through the stages so lazily loaded tables exist before workers fork."""
    text = "On 2 June 2022, gunmen killed two civilians in Kirkuk, Iraq, police said."
    pipeline.process_parsed(pipeline.parser.parse(article_from_text(text, date(2022, 6, 3))))


def _guarded_process(
    pipeline: Pipeline | None, articles: Iterable[Article], counts: _Counts, strict: bool, pool: BatchPool | None = None,
) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
    """Articles with their resolved events, in input order; failed articles are counted and left out.

    With a ``pool`` (:func:`worker_pool`, or a Dask cluster's in ``conflictlog.cluster``) the parse/extract/resolve
    work runs there, at most ``pool.window`` batches of ``ARTICLE_BATCH`` in flight, while this process cleans
    and stores."""
    if pool is None:
        pipeline = pipeline or default_pipeline()
        yield from _unpack((_process_batch(pipeline, batch, strict) for batch in _batches(articles, ARTICLE_BATCH)),
                           counts)
        return
    from collections import deque

    pending: deque[Callable[[], list[tuple[Article, list[ResolvedEvent] | Failure]]]] = deque()

    def drain(limit: int) -> Iterator[list[tuple[Article, list[ResolvedEvent] | Failure]]]:
        while len(pending) > limit:
            yield pending.popleft()()

    def results_in_order() -> Iterator[list[tuple[Article, list[ResolvedEvent] | Failure]]]:
        for batch in _batches(articles, ARTICLE_BATCH):
            pending.append(pool.submit(batch, strict))
            yield from drain(pool.window)
        yield from drain(0)

    yield from _unpack(results_in_order(), counts)


class BatchPool(Protocol):
    """Where batches are parsed, extracted and resolved away from the process that stores them."""

    window: int  # batches in flight at most; results wait in input order, so memory stays bounded

    def submit(self, batch: list[Article], strict: bool
               ) -> Callable[[], list[tuple[Article, list[ResolvedEvent] | Failure]]]:
        """Start one batch; the returned call waits for its outcome per article (see :func:`_process_batch`)."""
        ...


class _ProcessPool:
    """A multiprocessing pool of forked workers as a :class:`BatchPool`."""

    def __init__(self, pool: Any, workers: int) -> None:
        self.pool = pool
        self.window = 2 * workers

    def submit(self, batch: list[Article], strict: bool
               ) -> Callable[[], list[tuple[Article, list[ResolvedEvent] | Failure]]]:
        return self.pool.apply_async(_worker_batch, (batch, strict)).get


@contextmanager
def worker_pool(pipeline: Pipeline, workers: int) -> Iterator[BatchPool | None]:
    """A pool of ``workers`` forked processes sharing the loaded ``pipeline`` (None for one process).

    Fork before any progress bar or server thread starts: the children inherit the parent's memory."""
    if workers <= 1:
        yield None
        return
    import multiprocessing

    global _WORKER_PIPELINE
    _warm_up(pipeline)
    _WORKER_PIPELINE = pipeline
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield _ProcessPool(pool, workers)


def _unpack(results: Iterable[list[tuple[Article, list[ResolvedEvent] | Failure]]], counts: _Counts
            ) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
    for batch in results:
        for article, outcome in batch:
            if isinstance(outcome, Failure):
                counts.fail(outcome)
            else:
                yield article, outcome


def ingest_paths(
    paths: Sequence[str | Path],
    store: Any,
    *,
    pipeline: Pipeline | None = None,
    strict: bool = False,
    progress: bool = True,
    workers: int = 1,
    follow_links: bool = False,
    cluster: str | BatchPool | None = None,
) -> RunReport:
    """Ingest files, folders and globs into the store; bad files are reported and skipped.

    ``workers`` > 1 parses and extracts in that many processes (one per core pays on large folders);
    ``cluster`` (``tcp://HOST:PORT`` or ``local:N``) does it on a Dask cluster instead;
    ``follow_links`` reads links in folders to files outside them (refused otherwise)."""
    from conflictlog.ingest import read_paths

    return _run(read_paths(paths, follow_links=follow_links), store, pipeline=pipeline, strict=strict,
                progress=progress, total=None, workers=workers, cluster=cluster)


def ingest_articles(
    articles: Iterable[Article],
    store: Any,
    *,
    pipeline: Pipeline | None = None,
    strict: bool = False,
    progress: bool = False,
    workers: int = 1,
    cluster: str | BatchPool | None = None,
) -> RunReport:
    """Ingest articles that need no cleaning (plain texts, evaluation feeds) into the store; an article already
    stored, or given twice, is counted as a duplicate (``cluster`` as for :func:`ingest_paths`)."""
    counts = _Counts()
    seen: set[str] = set()

    def fresh() -> Iterator[Article]:
        for article in articles:
            counts.counter["docs.read"] += 1
            if article.article_id in seen or store.has_article(article.article_id):
                counts.counter["docs.duplicate"] += 1
                continue
            seen.add(article.article_id)
            yield article

    return _ingest(fresh(), store, counts, pipeline=pipeline, strict=strict, progress=progress, total=None,
                   workers=workers, cluster=cluster, in_flight=seen)


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


def explain_article(article: Article, pipeline: Pipeline | None = None, trace: list[Any] | None = None
                    ) -> list[ResolvedEvent]:
    """Extract and resolve one article without storing it (for `conflictlog explain`); ``trace`` receives why
    each candidate sentence yielded an event or not (``extract.relevance.Decision``)."""
    pipeline = pipeline or default_pipeline()
    return pipeline.process_parsed(pipeline.parser.parse(article), trace)


def with_published(article: Article, published: date | None) -> Article:
    """A copy of the article with another publication date (when the user overrides it)."""
    return replace(article, published=published)
