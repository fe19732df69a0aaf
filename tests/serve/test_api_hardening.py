"""The API under misuse: concurrent writers all stored, a busy database 503 with Retry-After (never 4xx), the
token checked before the body, no server path in error bodies, integers and boxes held to their real range."""

from __future__ import annotations

import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import conflictlog.store.locking as locking
import conflictlog.store.sqlite as sqlite_store
from conflictlog.serve.api import create_app

data = sys.modules["conflictlog_test_fixture_data"]  # loaded by this folder's conftest.py
AUTH = {"Authorization": f"Bearer {data.TOKEN}"}


@pytest.fixture()
def impatient_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 1)  # SQLite alone would give up at once


def _article(n: int) -> dict[str, str]:
    return {"title": f"Report {n}", "text": f"Report {n}: fighting near the town went on for a second day, "
                                             "residents said, and families left for nearby villages."}


@pytest.mark.usefixtures("no_model", "impatient_sqlite")
def test_api_writers_concurrent_posts_all_stored(tmp_path: Path) -> None:
    # Reproduction: 6 of 12 concurrent POSTs failed with "database is locked", answered 422.
    db = tmp_path / "writers.sqlite"
    app = create_app(db, token=data.TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client, ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(lambda n: client.post("/articles", json=_article(n), headers=AUTH).status_code,
                                 range(12)))
    assert statuses == [201] * 12
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 12
    conn.close()


@pytest.mark.usefixtures("no_model", "impatient_sqlite")
def test_api_writers_busy_database_answers_503_with_retry_after(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "busy.sqlite"
    app = create_app(db, token=data.TOKEN)
    monkeypatch.setattr(locking, "WRITE_WAIT_S", 0.3)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/events").status_code == 200  # the database exists
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process writes, and goes on writing
        try:
            response = client.post("/articles", json=_article(1), headers=AUTH)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.json()
    assert "E603" in body["error"]
    assert str(tmp_path) not in response.text


def test_api_writers_token_checked_before_the_body(tmp_path: Path) -> None:
    app = create_app(tmp_path / "auth.sqlite", token=data.TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/articles", json={"nonsense": 1}).status_code == 401
        assert client.post("/articles", content=b"not json", headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert client.post("/articles", json={"nonsense": 1}, headers=AUTH).status_code == 422


@pytest.mark.parametrize("route", ["/events", "/events.geojson", "/events.csv"])
def test_api_writers_database_errors_name_no_server_path(tmp_path: Path, route: str) -> None:
    # A download answers with the error's status too, not a 200 cut short.
    db = tmp_path / "broken.sqlite"
    db.write_bytes(b"this is not a database" * 100)
    app = create_app(db, token=data.TOKEN)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(route)
    assert response.status_code == 503
    assert "E601" in response.json()["error"]
    assert str(tmp_path) not in response.text


@pytest.mark.parametrize(("route", "param"), [
    ("/events", "offset"), ("/events", "min_fatalities"), ("/events.geojson", "min_fatalities"),
    ("/events.geojson", "limit"), ("/events.csv", "min_fatalities"), ("/events.csv", "limit"),
])
def test_api_integers_past_the_database_range_are_422(client: TestClient, route: str, param: str) -> None:
    # Reproduction: offset or min_fatalities of 2**63 answered 500 (/events) or 200 with an empty body (downloads).
    response = client.get(route, params={param: str(2**63)})
    assert response.status_code == 422, response.text
    assert param in response.json()["errors"][0]
    assert client.get(route, params={param: str(2**63 - 1)}).status_code == 200


def test_api_bbox_across_the_antimeridian_is_two_boxes(client: TestClient) -> None:
    # Reproduction: bbox=170,-10,-170,10 was refused although the store supports it.
    assert client.get("/events", params={"bbox": "170,-10,-170,10"}).json()["total"] == 0
    body = client.get("/events", params={"bbox": "40,-90,-170,90"}).json()
    assert body["total"] >= 1
    assert all(e["longitude"] >= 40 or e["longitude"] <= -170 for e in body["events"])
    everything = client.get("/events").json()["total"]
    west = client.get("/events", params={"bbox": "-180,-90,40,90"}).json()["total"]
    assert body["total"] + west >= everything > west
