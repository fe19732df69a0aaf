"""Fixtures for the API tests: a fixture database of each backend (hand-built events) and apps over it."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from conflictlog.serve.api import create_app


def _load_fixture_data() -> ModuleType:
    name = "conflictlog_test_fixture_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fixture_data.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


data = _load_fixture_data()


@pytest.fixture(params=["sqlite", "postgresql"])
def fixture_db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """A fresh store with the fixture events and articles: a SQLite file, and a PostgreSQL database (its URL)."""
    if request.param == "sqlite":
        return data.build_fixture_db(tmp_path / "fixture.sqlite", with_xss=True)
    return data.build_fixture_db(request.getfixturevalue("postgres_url"), with_xss=True)


@pytest.fixture()
def client(fixture_db: Path) -> Iterator[TestClient]:
    """A TestClient over the fixture database, with ingest token `data.TOKEN`."""
    app = create_app(fixture_db, token=data.TOKEN)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture()
def fake_store():  # noqa: ANN201
    """A fake store holding the five fixture events (merge decisions for ev-clash)."""
    return data.FakeStore(data.fixture_events())
