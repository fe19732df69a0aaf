"""The benchmark command's ingest figures: a distinct corpus, counted articles, and memory sampled."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictlog.bench import MemorySampler, bench_ingest, build_corpus


def test_bench_corpus_articles_are_distinct(tmp_path: Path) -> None:
    words = build_corpus(12, tmp_path)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.md"))]
    assert len(texts) == 12 and len(set(texts)) == 12
    assert words == sum(len(t.split()) for t in texts)


def test_bench_memory_sampler_sees_this_process() -> None:
    import time

    with MemorySampler(interval=0.01) as memory:
        time.sleep(0.1)
    assert memory.peak_mb > 1


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_bench_ingest_reports_every_article(workers: int) -> None:
    figures = bench_ingest(6, workers)
    assert figures["articles"] == 6
    assert figures["articles_per_second"] > 0 and figures["events_created"] > 0
    assert figures["peak_total_pss_mb"] > 0


@pytest.mark.slow
def test_bench_cluster_ingest_reports_every_article(dask_cluster: object) -> None:
    from conflictlog.bench import bench_cluster_ingest

    figures = bench_cluster_ingest(6, 2, pool=dask_cluster)
    assert figures["articles"] == 6 and figures["workers"] == 2
    assert figures["articles_per_second"] > 0 and figures["events_created"] > 0
    assert 0 < figures["store_ms_per_article"] * 6 < figures["ingest_seconds"] * 1000
    assert figures["worker_cpu_ms_per_article"] > figures["store_ms_per_article"]  # parsing costs more than storing


@pytest.mark.slow
def test_bench_copies_end_as_the_seed_events_with_a_source_each() -> None:
    from conflictlog.bench import bench_copies

    figures = bench_copies(6, workers=1)
    assert figures["parsed"] == 1 and figures["stored_as_copies"] == 5
    assert figures["events"] > 0 and figures["min_sources_per_event"] == 6
    assert figures["ingest_seconds"] > 0 and figures["bare_parse_seconds"] > 0


def test_bench_gazetteer_figures_count_lookups() -> None:
    from conflictlog.bench import gazetteer_figures

    figures = gazetteer_figures(n_lookups=50)
    assert figures["lookups"] == 50 and 0 < figures["found"] <= 50
    assert figures["lookups_per_second"] > 0 and figures["villages"] > 100_000
    assert figures["towns_load_seconds"] >= 0 and figures["villages_open_seconds"] >= 0


def test_bench_fresh_store_on_a_postgresql_server_is_a_new_database_dropped_after(postgres_url: str,
                                                                                 tmp_path: Path) -> None:
    # bench --store URL ingests into a database of its own on that server, so each run starts empty and the
    # database the URL names (holding the API benchmark's events) is left as it was
    import psycopg

    from conflictlog.bench import _fresh_store
    from conflictlog.store import EventFilter

    def databases() -> set[str]:
        with psycopg.connect(postgres_url) as conn:
            return {r[0] for r in conn.execute("SELECT datname FROM pg_database")}

    before = databases()
    with _fresh_store(tmp_path, postgres_url) as store:
        during = databases() - before
        assert len(during) == 1 and next(iter(during)).startswith("conflictlog_bench_")
        assert store.count_events(EventFilter()) == 0
    assert databases() == before


def test_bench_fresh_store_without_a_server_is_a_sqlite_file(tmp_path: Path) -> None:
    from conflictlog.bench import _fresh_store

    with _fresh_store(tmp_path) as store:
        assert (tmp_path / "bench.sqlite").exists() and store.has_article("x") is False
