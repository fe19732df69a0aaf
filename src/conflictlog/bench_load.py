"""Benchmark of `GET /events` under load: a real server (`conflictlog serve`) on 127.0.0.1 over synthetic events,
many concurrent clients asking for pages of 100 events, while another process writes reports into the database.
Reports requests/s, p50/p95/p99 latency and the number of failed requests."""

from __future__ import annotations

import http.client
import logging
import multiprocessing
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

logger = logging.getLogger(__name__)

PAGE = 100


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def _wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"bench server exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _get(conn, "/events?limit=1") == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"bench server did not answer on port {port} within {timeout_s:.0f} s")


def _write_reports(db: str, stop: Any, written: Any, pause_s: float) -> None:
    """Store one synthetic article with one report every ``pause_s`` seconds until ``stop`` is set."""
    from conflictlog.bench_merge import make_place, make_report
    from conflictlog.records import Article
    from conflictlog.store import open_store

    store = open_store(db)
    try:
        n = 0
        while not stop.is_set():
            article_id = f"bench-load-{n}"
            article = Article(article_id, f"{article_id}.txt", f"Report {n} of fighting near the town.")
            place = make_place("Aleppo", latitude=36.2 + (n % 50) / 100, gazetteer_id=f"geonames:{n % 50}")
            report = make_report(f"{article_id}-0", article_id, day=date(2024, 1, 1) + timedelta(days=n % 300),
                                 place=place, fatalities=n % 7)
            store.add_article(article, [report])
            n += 1
            written.value = n
            time.sleep(pause_s)
    finally:
        store.close()


def bench_load(n_events: int = 5000, clients: int = 20, seconds: float = 10.0, workers: int = 1,
               write: bool = True, write_pause_s: float = 0.05) -> dict[str, Any]:
    """Serve ``n_events`` synthetic events with ``workers`` server processes and let ``clients`` threads ask for
    pages of 100 (random offsets) for ``seconds``; with ``write``, another process stores a report every
    ``write_pause_s`` seconds meanwhile. Returns requests, requests/s, latency percentiles (ms) and errors."""
    from conflictlog.bench_api import percentile, synthetic_events
    from conflictlog.store import open_store

    with tempfile.TemporaryDirectory(prefix="conflictlog-bench-load-") as tmp:
        db = str(Path(tmp) / "load.sqlite")
        store = open_store(db)
        try:
            store.bulk_load_events(synthetic_events(n_events))
        finally:
            store.close()
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "conflictlog", "--db", db, "serve", "--port", str(port),
             *(["--workers", str(workers)] if workers > 1 else [])],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        ctx = multiprocessing.get_context("fork")
        stop, written = ctx.Event(), ctx.Value("i", 0)
        writer = ctx.Process(target=_write_reports, args=(db, stop, written, write_pause_s)) if write else None
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        try:
            _wait_until_serving(port, server)
            if writer is not None:
                writer.start()
            deadline = time.monotonic() + seconds

            def client(seed: int) -> None:
                rng = random.Random(seed)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine: list[float] = []
                failed: list[str] = []
                while time.monotonic() < deadline:
                    path = "/events?" + urlencode({"limit": PAGE, "offset": rng.randrange(max(1, n_events - PAGE))})
                    started = time.perf_counter()
                    try:
                        status = _get(conn, path)
                    except (OSError, http.client.HTTPException) as err:
                        failed.append(repr(err))
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                        continue
                    mine.append((time.perf_counter() - started) * 1000)
                    if status != 200:
                        failed.append(f"HTTP {status}")
                conn.close()
                with lock:
                    latencies.extend(mine)
                    errors.extend(failed)

            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            began = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - began
        finally:
            stop.set()
            if writer is not None and writer.pid is not None:
                writer.join(timeout=30)
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if writer is not None and writer.exitcode not in (0, None):
            errors.append(f"writer exited with status {writer.exitcode}")
    ordered = sorted(latencies)
    if errors:
        logger.warning("bench_load: %d failed requests, first: %s", len(errors), errors[0])
    return {
        "events": n_events,
        "clients": clients,
        "workers": workers,
        "requests": len(ordered),
        "requests_per_s": len(ordered) / elapsed if elapsed > 0 else float("nan"),
        "p50_ms": statistics.median(ordered) if ordered else float("nan"),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "errors": len(errors),
        "reports_written": int(written.value),
    }
