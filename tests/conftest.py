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
