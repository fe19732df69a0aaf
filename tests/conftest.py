"""Shared test set-up: hypothesis profile, the ../shared locator, and logging to stderr."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from conflictlog import pipeline
from conflictlog.records import Article, ResolvedEvent

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# CI runs a modest number of examples per property so `make test` stays fast on 2 cores;
# HYPOTHESIS_PROFILE=thorough runs more.
settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder beside the checkout; tests that need it skip when a fresh clone lacks it."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (fresh clone without ../shared)")
    return SHARED


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The example articles bundled with conflictlog."""
    return ROOT / "examples"


class NoModelPipeline(pipeline.Pipeline):
    """Stores articles without events, so tests of ingest plumbing (CLI, API, locking) need no language model."""

    def __init__(self) -> None:
        super().__init__(parser=None, resolver=None)

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            yield article, []


@pytest.fixture(scope="session")
def no_model_pipeline() -> type[pipeline.Pipeline]:
    """The pipeline class that codes no events and loads no model."""
    return NoModelPipeline


@pytest.fixture()
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the process-wide pipeline one that codes no events and loads no model."""
    monkeypatch.setattr(pipeline, "_DEFAULT_PIPELINE", NoModelPipeline())


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[Any]:
    """A local Dask cluster of two worker processes with the pipeline loaded, as a ``cluster.ClusterPool``;
    started once for the session, since each worker loads the model."""
    from conflictlog.cluster import cluster_pool

    with cluster_pool("local:2") as pool:
        yield pool


# -- a throw-away PostgreSQL + PostGIS server for the tests that run against both stores ------------------------

PG_BIN = Path(os.environ.get("CONFLICTLOG_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_TEMPLATE = "conflictlog_template"


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder (Debian's initdb and pg_ctl), on a free local port, with a
    migrated template database that each test copies."""

    def __init__(self) -> None:
        import shutil
        import socket
        import tempfile

        self.folder = Path(tempfile.mkdtemp(prefix="conflictlog-pg-"))
        self.data = self.folder / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # The server refuses to run as root: as root it runs as the postgres user Debian's package creates.
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._count = 0

    def _run(self, *command: str) -> None:
        import subprocess

        done = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> None:
        """initdb, start the server, and build the template database (extensions and migrations)."""
        import psycopg

        from conflictlog.store.postgres import PostgresStore

        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off " \
                  "-c synchronous_commit=off -c full_page_writes=off"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {PG_TEMPLATE}")
        with psycopg.connect(self.url(PG_TEMPLATE), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        PostgresStore(self.url(PG_TEMPLATE)).close()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, migrated: bool = True) -> str:
        """The URL of a new database: a copy of the migrated template, or only with PostGIS."""
        import psycopg

        self._count += 1
        name = f"test_{self._count}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE if migrated else 'template0'}")
        if not migrated:
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION postgis")
        return self.url(name)

    def drop(self, url: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self) -> None:
        import shutil

        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the test session. Where it cannot start the tests that need it skip, saying why,
    except under CI=true, where they fail: CI installs the server (.ci/run)."""
    server = None
    try:
        import psycopg  # noqa: F401

        server = PostgresServer()
        server.start()
    except Exception as err:  # any reason the server is not there: missing packages, no postgres user, ...
        if server is not None:
            server.stop()
        reason = f"PostgreSQL + PostGIS test server could not start: {err}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield server
    server.stop()


@pytest.fixture()
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, migrated PostgreSQL database, dropped after the test."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store of each backend: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    return request.getfixturevalue("postgres_url")
