"""Ingest on a Dask cluster stores what a single process stores; a batch whose task failed or whose worker died
is run again, and each article is stored once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog import pipeline
from conflictlog.bench import build_corpus
from conflictlog.cluster import ClusterPool, parse_cluster, process_batch
from conflictlog.errors import SettingsError
from conflictlog.pipeline import ingest_paths
from conflictlog.records import Article, Event
from conflictlog.resolve.villages import imported_path
from conflictlog.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def _sqlite_url(request: pytest.FixtureRequest, tmp: Path, name: str) -> str:
    return str(tmp / f"{name}.sqlite")


def _postgres_url(request: pytest.FixtureRequest, tmp: Path, name: str) -> str:
    """A new database on conftest's throw-away PostgreSQL server (skipped, or failed under CI, where it cannot
    start)."""
    return str(request.getfixturevalue("postgres_server").new_database())


# Store URLs the cluster tests write to, each made fresh for one database name; another backend is tested by
# adding its URL maker here. Each backend's cluster run is compared with a single-process run into SQLite.
STORE_URLS: dict[str, Callable[[pytest.FixtureRequest, Path, str], str]] = {
    "sqlite": _sqlite_url,
    "postgresql": _postgres_url,
}


def test_cluster_parse_spec_reads_local_and_addresses() -> None:
    assert parse_cluster("local:2") == (None, 2)
    assert parse_cluster("tcp://10.0.0.5:8786") == ("tcp://10.0.0.5:8786", 0)
    assert parse_cluster("scheduler.example.org:8786") == ("tcp://scheduler.example.org:8786", 0)
    for bad in ("local:0", "local:two", "local:65", "http://host:8786", "host", ""):
        with pytest.raises(SettingsError) as caught:
            parse_cluster(bad)
        assert caught.value.code == "E911"
        assert bad.strip() in str(caught.value)


@given(st.text(max_size=40))
def test_cluster_parse_spec_refuses_bad_text_with_a_code(spec: str) -> None:
    try:
        address, n_local = parse_cluster(spec)
    except SettingsError as err:
        assert err.code == "E911"
    else:
        assert (address is None and 1 <= n_local <= 64) or (address is not None and "://" in address and n_local == 0)


def test_cluster_cli_refuses_a_bad_spec_before_opening_the_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from conflictlog.cli import cli

    db = tmp_path / "never.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "--cluster", "local:zero", str(ROOT / "examples")],
                                obj={})
    assert result.exit_code == 1
    assert "E911" in result.output
    assert not db.exists()
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", "--cluster", "local:2", "--workers", "2",
                                      str(ROOT / "examples")], obj={})
    assert result.exit_code == 2
    assert "exclude each other" in result.output


# --- with a LocalCluster of two worker processes (conftest's dask_cluster; the model loads once in each) ---

@pytest.fixture()
def cluster(dask_cluster: ClusterPool) -> ClusterPool:
    return dask_cluster


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples (articles and a feed), synthetic articles made from them, and one bad file."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ROOT / "examples", folder, dirs_exist_ok=True)
    build_corpus(10, folder)
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of four, so a small corpus still keeps several batches in flight at once."""
    monkeypatch.setattr(pipeline, "ARTICLE_BATCH", 4)


def _ingest(url: str, corpus: Path, **kwargs: object) -> tuple[dict[str, int], list[Event]]:
    store = open_store(url)
    try:
        report = ingest_paths([corpus], store, progress=False, **kwargs)
        assert {failure.source for failure in report.failures} == {str(corpus / "empty.txt")}, report.failures
        return report.counts, sorted(store.iter_events(), key=lambda event: event.event_id)
    finally:
        store.close()


@pytest.fixture(scope="module")
def single_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], list[Event]]:
    """The counts and events of a single-process run into SQLite."""
    return _ingest(str(tmp_path_factory.mktemp("single") / "single.sqlite"), corpus)


def _assert_same_events(got: list[Event], want: list[Event]) -> None:
    assert [event.event_id for event in got] == [event.event_id for event in want]
    for mine, theirs in zip(got, want, strict=True):
        for f in fields(Event):
            if f.name != "timestamp":  # when the row was written
                assert getattr(mine, f.name) == getattr(theirs, f.name), (mine.event_id, f.name)


def _assert_same_run(got: dict[str, int], want: dict[str, int]) -> None:
    for key in ("docs.read", "articles.stored", "articles.copies", "mentions.stored", "events.created", "docs.failed",
                "docs.duplicate"):
        assert got.get(key) == want.get(key), key


@pytest.mark.slow
@pytest.mark.parametrize("backend", sorted(STORE_URLS))
def test_cluster_stores_the_same_events_as_one_process(backend: str, cluster: ClusterPool, corpus: Path,
                                                       single_run: tuple, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    url = STORE_URLS[backend](request, tmp_path, "cluster")
    counts, events = _ingest(url, corpus, cluster=cluster)
    want_counts, want_events = single_run
    if backend == "sqlite":  # the workers read the places imported for this database, as one process does
        seen = cluster.client.run(lambda: str(pipeline.default_pipeline().resolver.geocoder.villages.imported))
        assert set(seen.values()) == {str(imported_path(url).absolute())}
    assert want_counts["articles.stored"] > 10 and len(want_events) > 5
    assert want_counts["docs.failed"] == 1  # empty.txt, failed in the client before any worker saw it
    _assert_same_run(counts, want_counts)
    _assert_same_events(events, want_events)


def _flaky(marker: Path, calls: Path, die: bool) -> Callable[[list[Article], bool, str | None], list]:
    """A batch task that fails the first batch it is given once (raising, or ending its worker process when
    ``die``), naming that batch in ``marker``, and logs each batch it starts as the source of its first article."""

    def task(batch: list[Article], strict: bool, places: str | None) -> list:
        with calls.open("a", encoding="utf-8") as log:
            log.write(batch[0].source + "\n")
        try:
            handle = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return process_batch(batch, strict, places)
        os.write(handle, batch[0].source.encode())
        os.close(handle)
        if die:
            os._exit(1)
        raise RuntimeError("this worker fails once")

    return task


@pytest.mark.slow
@pytest.mark.parametrize("die", [False, True], ids=["task-raised", "worker-died"])
def test_cluster_runs_a_failed_batch_again_and_stores_it_once(die: bool, cluster: ClusterPool, corpus: Path,
                                                              single_run: tuple, tmp_path: Path) -> None:
    calls, marker = tmp_path / "calls.log", tmp_path / "failed-once"
    pool = ClusterPool(cluster.client, task=_flaky(marker, calls, die))
    url = str(tmp_path / "retried.sqlite")
    counts, events = _ingest(url, corpus, cluster=pool)
    started = calls.read_text(encoding="utf-8").splitlines()
    failed = marker.read_text(encoding="utf-8")
    assert started.count(failed) == 2  # the failed batch ran again
    if not die:  # (a dead worker also loses the results it held, which the scheduler computes again)
        assert len(started) == len(set(started)) + 1
    want_counts, want_events = single_run
    _assert_same_run(counts, want_counts)
    _assert_same_events(events, want_events)
    again, _ = _ingest(url, corpus, cluster=pool)  # every article is stored, once
    assert again.get("articles.stored", 0) == 0
    assert again["docs.duplicate"] == want_counts["docs.read"]


class _CountingPool(ClusterPool):
    """A cluster pool that counts the batches sent and not yet taken back."""

    def __init__(self, client: object, window: int) -> None:
        super().__init__(client)
        self.window = window
        self.in_flight = self.most_in_flight = self.sent = 0

    def submit(self, batch: list[Article], strict: bool) -> Callable[[], list]:
        wait = super().submit(batch, strict)
        self.sent += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)

        def taken() -> list:
            self.in_flight -= 1
            return wait()

        return taken


@pytest.mark.slow
def test_cluster_keeps_a_bounded_window_of_batches_in_flight(cluster: ClusterPool, corpus: Path, single_run: tuple,
                                                             tmp_path: Path) -> None:
    pool = _CountingPool(cluster.client, window=2)
    counts, events = _ingest(str(tmp_path / "window.sqlite"), corpus, cluster=pool)
    assert pool.sent >= 4  # more batches than the window holds
    assert pool.most_in_flight == pool.window + 1  # the window, and the batch just sent beside it
    _assert_same_run(counts, single_run[0])
    _assert_same_events(events, single_run[1])


def _fails_with(source_end: str) -> Callable[[list[Article], bool, str | None], list]:
    """A batch task that raises for every batch holding an article whose source ends with ``source_end``."""

    def task(batch: list[Article], strict: bool, places: str | None) -> list:
        if any(article.source.endswith(source_end) for article in batch):
            raise RuntimeError("this batch always fails")
        return process_batch(batch, strict, places)

    return task


@pytest.mark.slow
def test_cluster_fails_each_article_of_a_batch_lost_for_good(cluster: ClusterPool, corpus: Path, single_run: tuple,
                                                             tmp_path: Path) -> None:
    pool = ClusterPool(cluster.client, task=_fails_with("seed-article.md"), retries=0)
    store = open_store(str(tmp_path / "lost.sqlite"))
    try:
        report = ingest_paths([corpus], store, progress=False, cluster=pool)  # (not _ingest: articles fail here)
    finally:
        store.close()
    lost = [failure for failure in report.failures if failure.code == "E306"]
    assert 1 <= len(lost) <= 4  # the failing batch's articles, each named
    assert any(failure.source.endswith("seed-article.md") for failure in lost)
    assert all(failure.source in failure.message and "after 1 tries" in failure.message for failure in lost)
    kept = report.counts["articles.stored"] + report.counts.get("articles.copies", 0)
    want = single_run[0]
    assert kept == want["articles.stored"] + want.get("articles.copies", 0) - len(lost)  # the rest are stored
