"""`conflictlog bench`: throughput and memory figures, printed rather than asserted in tests.

The ingest corpus is built from the bundled example articles: paragraphs are reshuffled with a fixed seed and
each article gets its own dateline, so every one is a distinct article (ingest would skip exact copies).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from conflictlog.store.postgres import is_postgres_url

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_children_rss_mb() -> float:
    """Largest peak resident memory of any finished child process (ingest workers), in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _pss_kb(pid: int) -> int:
    """Proportional set size of a process (shared pages divided among their users), in KB; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return 0
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class MemorySampler:
    """Samples the memory of this process and its worker processes together (Linux PSS, so pages the
    workers share with the parent count once) and keeps the peak, in MB."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            total = _pss_kb(me) + sum(_pss_kb(child) for child in _children(me))
            self.peak_mb = max(self.peak_mb, total / 1024)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _example_paragraphs(examples: Path) -> list[str]:
    """Body paragraphs of the bundled articles, from cleaned text so no boilerplate enters the corpus."""
    from conflictlog.clean import clean_document
    from conflictlog.ingest import read_paths
    from conflictlog.records import Failure

    paragraphs: list[str] = []
    for raw in read_paths([examples]):
        if isinstance(raw, Failure):
            continue
        article = clean_document(raw)
        paragraphs.extend(p.strip() for p in article.text.split("\n") if len(p.split()) >= 8)
    return paragraphs


def build_corpus(n_articles: int, folder: Path, examples: Path = EXAMPLES, seed: int = 7) -> int:
    """Write ``n_articles`` distinct Markdown articles made from the example paragraphs; returns total words."""
    paragraphs = _example_paragraphs(examples)
    if not paragraphs:
        raise FileNotFoundError(f"{examples}: no example articles to build a benchmark corpus from")
    rng = random.Random(seed)
    words = 0
    for i in range(n_articles):
        body = rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(5, 9)))
        day = 1 + i % 28
        text = f"# Bench report {i}\n\nBench Wire, February {day}, 2019\n\n" + "\n\n".join(body) + "\n"
        words += len(text.split())
        (folder / f"article-{i:04d}.md").write_text(text, encoding="utf-8")
    return words


def _ingest_rates(report: Any, words: int, run_s: float) -> dict[str, float]:
    """Articles stored, words, seconds, articles/s and events created of one timed ingest run."""
    stored = report.counts.get("articles.stored", 0)
    return {
        "articles": float(stored),
        "words": float(words),
        "ingest_seconds": run_s,
        "articles_per_second": stored / run_s if run_s else 0.0,
        "events_created": float(report.counts.get("events.created", 0)),
    }


def bench_ingest(n_articles: int, workers: int = 1) -> dict[str, float]:
    """Ingest a corpus of ``n_articles`` into a fresh database with ``workers`` processes; articles/s
    excludes model loading (and includes starting the workers)."""
    from conflictlog.pipeline import default_pipeline, ingest_paths
    from conflictlog.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        words = build_corpus(n_articles, folder)
        t0 = time.perf_counter()
        pipeline = default_pipeline()
        load_s = time.perf_counter() - t0
        store = open_store(Path(tmp) / "bench.sqlite")
        t1 = time.perf_counter()
        with MemorySampler() as memory:
            report = ingest_paths([folder], store, pipeline=pipeline, progress=False, workers=workers)
        run_s = time.perf_counter() - t1
        store.close()
    return {
        **_ingest_rates(report, words, run_s),
        "load_seconds": load_s,
        "words_per_second": words / run_s if run_s else 0.0,
        "peak_rss_mb": _peak_rss_mb(),
        "peak_worker_rss_mb": _peak_children_rss_mb(),
        "peak_total_pss_mb": memory.peak_mb,
        "workers": float(workers),
    }


class _TimedStore:
    """A store whose ``add_article`` calls (the write and the incremental merge) are timed in CPU seconds of the
    calling thread, so time spent waiting for a busy machine's CPU does not count."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.seconds = 0.0

    def add_article(self, *args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return self._store.add_article(*args, **kwargs)
        finally:
            self.seconds += time.thread_time() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def _fresh_store(folder: Path, server_url: str | None = None) -> Iterator[Any]:
    """A store holding nothing: a SQLite file in ``folder``, or, given a PostgreSQL URL, a new database beside
    that one on its server (created with PostGIS, dropped afterwards; needs the right to create databases)."""
    from conflictlog.store import open_store
    from conflictlog.store.postgres import is_postgres_url

    if not is_postgres_url(server_url):
        store = open_store(folder / "bench.sqlite")
        try:
            yield store
        finally:
            store.close()
        return
    import psycopg
    from psycopg import sql

    assert server_url is not None
    name = f"conflictlog_bench_{uuid.uuid4().hex[:12]}"
    url = urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    admin_url = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))  # the server's maintenance database
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        store = open_store(url)
        try:
            yield store
        finally:
            store.close()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def bench_cluster_ingest(n_articles: int, workers: int, pool: Any = None,
                         server_url: str | None = None) -> dict[str, float]:
    """Ingest a corpus of ``n_articles`` into a fresh database (SQLite, or a new database on the PostgreSQL server
    of ``server_url``) through a local Dask cluster of ``workers`` worker processes (one thread each), or through
    ``pool`` (a ``cluster.ClusterPool`` already open); articles/s excludes starting the cluster and loading the
    model on its workers."""
    from contextlib import nullcontext

    from conflictlog.cluster import cluster_pool
    from conflictlog.pipeline import ingest_paths

    with tempfile.TemporaryDirectory() as tmp, _fresh_store(Path(tmp), server_url) as fresh:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        words = build_corpus(n_articles, folder)
        store = _TimedStore(fresh)
        t0 = time.perf_counter()
        with nullcontext(pool) if pool is not None else cluster_pool(f"local:{workers}") as cluster:
            start_s = time.perf_counter() - t0
            workers_cpu = cluster.client.run(_cpu_seconds)
            t1, cpu = time.perf_counter(), _cpu_seconds()
            report = ingest_paths([folder], store, progress=False, cluster=cluster)
            run_s, cpu = time.perf_counter() - t1, _cpu_seconds() - cpu
            after = cluster.client.run(_cpu_seconds)
            workers_cpu_s = sum(after[w] - workers_cpu[w] for w in after if w in workers_cpu)
            threads = cluster.threads
    stored = report.counts.get("articles.stored", 0)
    return {
        **_ingest_rates(report, words, run_s),
        "start_seconds": start_s,
        # what one client spends per article: reading, cleaning, near-copy hashing, sending, storing and merging
        "client_cpu_ms_per_article": 1000 * cpu / stored if stored else 0.0,
        "store_ms_per_article": 1000 * store.seconds / stored if stored else 0.0,
        # what the workers spend per article (CPU, so a busy machine does not inflate it)
        "worker_cpu_ms_per_article": 1000 * workers_cpu_s / stored if stored else 0.0,
        "workers": float(threads),
    }


def _rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def gazetteer_figures(n_lookups: int = 2000, seed: int = 7) -> dict[str, float]:
    """Load the gazetteer and the village index in this (fresh) process and geocode ``n_lookups`` village names
    drawn from the index: load seconds, MB of resident memory the loads add, lookups per second."""
    from conflictlog.records import PlaceMention
    from conflictlog.resolve.gazetteer import load_gazetteer
    from conflictlog.resolve.geocode import Geocoder
    from conflictlog.resolve.villages import load_villages

    rss0, t0 = _rss_mb(), time.perf_counter()
    gazetteer = load_gazetteer()
    rss1, t1 = _rss_mb(), time.perf_counter()
    villages = load_villages()
    sample = villages.sample(n_lookups, seed)  # also opens the index
    rss2, t2 = _rss_mb(), time.perf_counter()
    geocoder = Geocoder(gazetteer, villages)
    t3 = time.perf_counter()
    found = sum(geocoder.geocode(PlaceMention(name), (iso2,)) is not None for name, iso2 in sample)
    t4 = time.perf_counter()
    return {"towns_load_seconds": t1 - t0, "towns_rss_mb": rss1 - rss0, "villages_open_seconds": t2 - t1,
            "villages_rss_mb": rss2 - rss1, "lookups": float(len(sample)), "found": float(found),
            "lookups_per_second": len(sample) / (t4 - t3) if t4 > t3 else 0.0, "villages": float(len(villages))}


def bench_gazetteer(n_lookups: int = 2000) -> dict[str, float]:
    """:func:`gazetteer_figures` measured in a fresh Python process, so nothing loaded before counts."""
    code = f"import json; from conflictlog.bench import gazetteer_figures; print(json.dumps(gazetteer_figures({n_lookups})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_copies(n_copies: int = 200, workers: int = 2, seed_article: Path = EXAMPLES / "seed-article.md"
                 ) -> dict[str, float]:
    """Ingest ``n_copies`` copies of one article, each with its own first line, against a bare spaCy parse of
    the same texts (both with ``workers`` processes, model loading excluded); copies cost a hash, not a parse."""
    from conflictlog.pipeline import default_pipeline, ingest_paths
    from conflictlog.store import open_store

    original = seed_article.read_text(encoding="utf-8")
    texts = [f"Republished by Outlet {i} under its own headline, edition {i}.\n{original}" for i in range(n_copies)]
    pipeline = default_pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "copies"
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"copy-{i:04d}.md").write_text(text, encoding="utf-8")
        store = open_store(Path(tmp) / "copies.sqlite")
        t0 = time.perf_counter()
        report = ingest_paths([folder], store, pipeline=pipeline, progress=False, workers=workers)
        ingest_s = time.perf_counter() - t0
        sources = [len(event.sources) for event in store.iter_events()]
        store.close()
    t1 = time.perf_counter()
    for _ in pipeline.parser.nlp.pipe(texts, batch_size=16, n_process=workers):
        pass
    parse_s = time.perf_counter() - t1
    return {
        "copies": float(n_copies),
        "ingest_seconds": ingest_s,
        "bare_parse_seconds": parse_s,
        "ratio": ingest_s / parse_s if parse_s else 0.0,
        "parsed": float(report.counts.get("articles.stored", 0)),
        "stored_as_copies": float(report.counts.get("articles.copies", 0)),
        "events": float(len(sources)),
        "min_sources_per_event": float(min(sources, default=0)),
    }


def run_benchmarks(n_articles: int, merge_events: int, api_events: int, echo: Callable[[str], None],
                   api_db: Path | str | None = None, api_requests: int = 200, workers: Sequence[int] = (1,),
                   load_events: Sequence[int] = (), load_clients: int = 20,
                   load_seconds: float = 10.0, server_workers: Sequence[int] = (1,), copies: int = 0,
                   gazetteer_lookups: int = 2000, cluster_workers: Sequence[int] = ()) -> None:
    """Run the gazetteer, ingest (once per worker count, then once per Dask cluster size), merge (a corpus and one
    large incident), copies, API (on ``api_db`` when given: a SQLite file or a PostgreSQL URL) and API-under-load
    benchmarks and print their figures."""
    if gazetteer_lookups > 0:
        g = bench_gazetteer(gazetteer_lookups)
        echo(f"gazetteer: towns and areas loaded in {g['towns_load_seconds']:.2f} s (+{g['towns_rss_mb']:.0f} MB RSS); "
             f"village index ({g['villages']:.0f} places) opened in {g['villages_open_seconds']:.2f} s "
             f"(+{g['villages_rss_mb']:.0f} MB RSS); {g['lookups']:.0f} village names geocoded at "
             f"{g['lookups_per_second']:.0f} lookups/s ({g['found']:.0f} placed)")
    for n_workers in workers if n_articles > 0 else ():
        figures = bench_ingest(n_articles, n_workers)
        worker_memory = (f", each worker at most {figures['peak_worker_rss_mb']:.0f} MB RSS; all processes together "
                         f"at most {figures['peak_total_pss_mb']:.0f} MB (PSS: shared pages counted once)"
                         if n_workers > 1 else "")
        echo(
            f"ingest ({n_workers} worker{'s' if n_workers > 1 else ''}): {figures['articles']:.0f} articles "
            f"({figures['words']:.0f} words) in "
            f"{figures['ingest_seconds']:.1f} s = {figures['articles_per_second']:.1f} articles/s, "
            f"{figures['words_per_second']:.0f} words/s; model+gazetteer load {figures['load_seconds']:.1f} s; "
            f"{figures['events_created']:.0f} events; peak memory {figures['peak_rss_mb']:.0f} MB{worker_memory}"
        )
    first_rate = None
    into = " into a new database on the PostgreSQL server" if is_postgres_url(api_db) else " into SQLite"
    for n_workers in cluster_workers if n_articles > 0 else ():
        figures = bench_cluster_ingest(n_articles, n_workers, server_url=str(api_db) if api_db else None)
        first_rate = first_rate or (figures["articles_per_second"], n_workers)
        speedup = (f"; {figures['articles_per_second'] / first_rate[0]:.2f}x the rate with {first_rate[1]}"
                   if n_workers != first_rate[1] and first_rate[0] else "")
        echo(
            f"ingest on Dask (local:{n_workers}, {n_workers} worker process{'es' if n_workers > 1 else ''} of 1 "
            f"thread): {figures['articles']:.0f} articles in {figures['ingest_seconds']:.1f} s = "
            f"{figures['articles_per_second']:.1f} articles/s, {figures['articles_per_second'] / n_workers:.1f} per "
            f"worker{speedup}; cluster start and model load on the workers {figures['start_seconds']:.1f} s; "
            f"{figures['events_created']:.0f} events; CPU per article: {figures['worker_cpu_ms_per_article']:.0f} ms "
            f"on the workers, {figures['client_cpu_ms_per_article']:.1f} ms in the client "
            f"({figures['store_ms_per_article']:.1f} ms of it storing and merging{into})"
        )
    if merge_events > 0:
        from conflictlog.bench_merge import bench_incident, bench_merge

        figures = bench_merge(merge_events)
        echo("merge: " + ", ".join(f"{key}={_fmt(value)}" for key, value in figures.items()))
        figures = bench_incident(1000)
        echo("one incident, 1,000 reports stored one by one: " + ", ".join(f"{k}={_fmt(v)}" for k, v in figures.items()))
    if copies > 0:
        figures = bench_copies(copies)
        echo(
            f"copies: {figures['copies']:.0f} copies of one article (own first lines) ingested in "
            f"{figures['ingest_seconds']:.1f} s against a bare spaCy parse in {figures['bare_parse_seconds']:.1f} s "
            f"(ratio {figures['ratio']:.3f}, 2 processes each); {figures['parsed']:.0f} parsed, "
            f"{figures['stored_as_copies']:.0f} stored as copies; {figures['events']:.0f} events with at least "
            f"{figures['min_sources_per_event']:.0f} sources each"
        )
    if api_events > 0:
        from conflictlog.bench_api import bench_api

        from conflictlog.store.postgres import display_url

        figures = bench_api(api_events, n_requests=api_requests, db_path=api_db)
        store = f" ({display_url(api_db)})" if is_postgres_url(api_db) else ""
        echo(f"api{store}: " + ", ".join(f"{key}={_fmt(value)}" for key, value in figures.items()))
    for n_events in load_events:
        from conflictlog.bench_load import bench_load

        for n_servers in server_workers:
            f = bench_load(n_events, clients=load_clients, seconds=load_seconds, workers=n_servers)
            echo(
                f"api under load: GET /events (pages of 100) over {f['events']} events, {f['clients']} clients on "
                f"127.0.0.1, {f['workers']} server process{'es' if f['workers'] > 1 else ''}, while another "
                f"process wrote {f['reports_written']} reports: {f['requests_per_s']:.0f} requests/s, "
                f"p50 {f['p50_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms, "
                f"{f['errors']} errors in {f['requests']} requests"
            )


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)
