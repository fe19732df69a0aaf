"""REST API against a SQLite fixture database: whole JSON bodies, filters, pagination, downloads, errors."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from fastapi.testclient import TestClient

from conflictlog.export import ACLED_COLUMNS
from conflictlog.records import RunReport
from conflictlog.serve.api import MAX_BODY_BYTES, create_app

data = sys.modules["conflictlog_test_fixture_data"]  # loaded by this folder's conftest.py

PROTEST_ROW: dict[str, Any] = {
    "event_id_cnty": "ev2",
    "event_date": "2019-02-10",
    "year": 2019,
    "time_precision": 2,
    "disorder_type": "Demonstrations",
    "event_type": "Protests",
    "sub_event_type": "Peaceful protest",
    "actor1": "Protesters (Syria)",
    "assoc_actor_1": [],
    "inter1": 6,
    "actor2": None,
    "assoc_actor_2": [],
    "inter2": 0,
    "interaction": 60,
    "civilian_targeting": "",
    "iso": 760,
    "region": "Middle East",
    "country": "Syria",
    "admin1": "Ar-Raqqa",
    "admin2": "Ar-Raqqa",
    "admin3": None,
    "location": "Ar-Raqqa",
    "latitude": 35.9594,
    "longitude": 39.0079,
    "geo_precision": 3,
    "source": "",
    "source_scale": None,
    "notes": "",
    "fatalities": 0,
    "tags": "certainty=reported",
    "timestamp": ANY,
    "event_id": "ev-protest",
    "event_date_end": None,
    "injured": None,
    "claimed_by": None,
    "certainty": "reported",
    "historical": False,
    "fatalities_low": None,
    "fatalities_best": None,
    "fatalities_high": None,
    "corroboration": 1,
    "sources": [
        {"article_id": "art-ev-protest", "url": None, "title": None, "outlet": None, "original_outlet": None,
         "published": None}
    ],
    "evidence": [],
    "claims": [],
}

CLASH_DETAIL: dict[str, Any] = {
    "event_id_cnty": "ev1",
    "event_date": "2019-02-09",
    "year": 2019,
    "time_precision": 1,
    "disorder_type": "Political violence",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "actor1": "Syrian Democratic Forces",
    "assoc_actor_1": ["Coalition Forces", "Local militia"],
    "inter1": 3,
    "actor2": "Islamic State",
    "assoc_actor_2": [],
    "inter2": 2,
    "interaction": 23,
    "civilian_targeting": "",
    "iso": 760,
    "region": "Middle East",
    "country": "Syria",
    "admin1": "Deir ez-Zor",
    "admin2": "Al Mayadin",
    "admin3": None,
    "location": "Al Mayadin",
    "latitude": 35.0208,
    "longitude": 40.4522,
    "geo_precision": 1,
    "source": "Example Wire; Other Daily",
    "source_scale": None,
    "notes": "Fighters repelled an attack near the river; ten attackers were killed.",
    "fatalities": 10,
    "tags": "certainty=claimed; claimed by=Syrian Democratic Forces",
    "timestamp": ANY,
    "event_id": "ev-clash",
    "event_date_end": None,
    "injured": None,
    "claimed_by": "Syrian Democratic Forces",
    "certainty": "claimed",
    "historical": False,
    "fatalities_low": 10,
    "fatalities_best": 10,
    "fatalities_high": 12,
    "corroboration": 2,
    "sources": [
        {"article_id": "art-1", "url": "https://news.example.org/a?id=1&lang=en", "title": "Attack repelled",
         "outlet": "Example Wire", "original_outlet": None, "published": "2019-02-10"},
        {"article_id": "art-2", "url": "https://other.example.net/story/2", "title": "Clash by the river",
         "outlet": "Other Daily", "original_outlet": "Example Wire", "published": "2019-02-11"},
    ],
    "evidence": [
        {"text": "The fighters repelled the attack, killing 10 attackers.", "start": 120, "end": 176,
         "cues": ["repelled the attack", "killing 10"]}
    ],
    "claims": [
        {"mention_id": "m-1", "claimant": "Syrian Democratic Forces", "outlet": "Example Wire", "fatalities": 10,
         "injured": None},
        {"mention_id": "m-2", "claimant": "local sources", "outlet": "Other Daily", "fatalities": 12, "injured": 3},
    ],
    "merge_decisions": [],
}


def ids(body: dict[str, Any]) -> list[str]:
    return [row["event_id"] for row in body["events"]]


def assert_error(response: Any, status: int) -> dict[str, Any]:
    """The one error shape: ok false, a message, a non-empty list of messages, the status repeated."""
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], list) and body["errors"] and all(isinstance(e, str) for e in body["errors"])
    return body


def test_api_events_whole_body_for_a_type_filter(client: TestClient) -> None:
    response = client.get("/events", params={"type": "Protests"})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "total": 1, "total_exact": True, "limit": 100, "offset": 0, "events": [PROTEST_ROW]}


def test_api_event_detail_whole_body(client: TestClient) -> None:
    response = client.get("/events/ev-clash")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "event": CLASH_DETAIL}


def test_api_events_newest_first_with_total(client: TestClient) -> None:
    body = client.get("/events").json()
    assert body["total"] == 6
    assert ids(body) == ["ev-protest", "ev-clash", "ev-xss", "ev-afrin", "ev-strike", "ev-old"]


def test_api_events_pagination_keeps_total(client: TestClient) -> None:
    body = client.get("/events", params={"limit": 2, "offset": 2}).json()
    assert (body["total"], body["limit"], body["offset"]) == (6, 2, 2)
    assert ids(body) == ["ev-xss", "ev-afrin"]
    beyond = client.get("/events", params={"limit": 2, "offset": 10}).json()
    assert beyond["total"] == 6 and beyond["events"] == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "Iraq"}, ["ev-strike"]),
        ({"admin1": "Ar-Raqqa"}, ["ev-protest", "ev-old"]),
        ({"actor": "jaysh"}, ["ev-afrin"]),  # case-insensitive substring of an associated actor
        ({"since": "2019-02-07", "until": "2019-02-09"}, ["ev-clash", "ev-xss"]),
        ({"min_fatalities": 3}, ["ev-clash", "ev-strike"]),
        ({"certainty": "claimed,unverified"}, ["ev-clash", "ev-strike"]),
        ({"certainty": ["claimed", "unverified"]}, ["ev-clash", "ev-strike"]),
        ({"hide_historical": "true"}, ["ev-protest", "ev-clash", "ev-xss", "ev-afrin", "ev-strike"]),
        ({"hide_unverified": "true"}, ["ev-protest", "ev-clash", "ev-xss", "ev-afrin", "ev-old"]),
        ({"bbox": "38.5,34.5,41,36.2"}, ["ev-protest", "ev-clash", "ev-old"]),
        ({"type": "Battles", "country": "Syria", "since": "2019-02-08"}, ["ev-clash"]),
    ],
)
def test_api_events_filters(client: TestClient, params: dict[str, Any], expected: list[str]) -> None:
    body = client.get("/events", params=params).json()
    assert ids(body) == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "39,31,40,30"}, "bbox"),  # minlat > maxlat
        ({"bbox": "170,-10,190,10"}, "bbox"),
        ({"certainty": "maybe"}, "certainty"),
        ({"since": "last week"}, "since"),
        ({"limit": 0}, "limit"),
        ({"limit": 5000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"min_fatalities": "many"}, "min_fatalities"),
    ],
)
def test_api_events_bad_parameters_give_422_error_shape(
    client: TestClient, params: dict[str, Any], fragment: str
) -> None:
    body = assert_error(client.get("/events", params=params), 422)
    assert fragment in " ".join(body["errors"])


def test_api_unknown_event_and_article_give_404_error_shape(client: TestClient) -> None:
    assert "ev-nope" in assert_error(client.get("/events/ev-nope"), 404)["error"]
    assert "art-nope" in assert_error(client.get("/articles/art-nope"), 404)["error"]
    assert "/no/such/route" in assert_error(client.get("/no/such/route"), 404)["error"]


def test_api_article_whole_body(client: TestClient) -> None:
    response = client.get("/articles/art-1")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "article": {
            "article_id": "art-1",
            "source": "fixture:1",
            "url": "https://news.example.org/a?id=1&lang=en",
            "title": "Attack repelled",
            "outlet": "Example Wire",
            "original_outlet": None,
            "author": "Staff",
            "published": "2019-02-10",
            "published_raw": "February 10, 2019",
            "language": "en",
            "text": "Fighters repelled an attack near the river on Saturday. "
            "The fighters repelled the attack, killing 10 attackers.",
        },
    }


def test_api_geojson_is_lon_lat_and_filtered(client: TestClient) -> None:
    response = client.get("/events.geojson", params={"country": "Iraq"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == ["ev-strike"]
    assert body["features"][0]["geometry"] == {"type": "Point", "coordinates": [41.09, 34.37]}
    assert len(client.get("/events.geojson").json()["features"]) == 6
    assert len(client.get("/events.geojson", params={"limit": 2}).json()["features"]) == 2


def test_api_geojson_streams_more_than_one_page(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conflictlog.serve.api.EXPORT_PAGE", 2)
    with TestClient(create_app(fixture_db)) as test_client:
        features = test_client.get("/events.geojson").json()["features"]
    assert [f["id"] for f in features] == ["ev-protest", "ev-clash", "ev-xss", "ev-afrin", "ev-strike", "ev-old"]


def test_api_csv_has_acled_header_and_filtered_rows(client: TestClient) -> None:
    response = client.get("/events.csv", params={"type": "Battles"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(ACLED_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["ev1", "ev6", "ev5"]  # ACLED-style ids, numbered in order of storage
    clash = dict(zip(rows[0], rows[1]))
    assert clash["assoc_actor_1"] == "Coalition Forces; Local militia"
    assert clash["source"] == "Example Wire; Other Daily"


def test_api_merge_decisions_in_event_detail(fake_store: Any, tmp_path: Path) -> None:
    app = create_app(tmp_path / "unused.sqlite", store_factory=lambda: fake_store)
    with TestClient(app) as test_client:
        event = test_client.get("/events/ev-clash").json()["event"]
    assert event["merge_decisions"] == [
        {"event_id": "ev-clash", "mention_a": "m-1", "mention_b": "m-2", "score": 0.91,
         "reason": "same type, 1 day apart, same town, shared actor"}
    ]
    assert fake_store.closed


# --- POST /articles ------------------------------------------------------------------------------------------

ARTICLE = {"url": "https://news.example.org/x?y=1", "title": "Clash", "published": "2019-02-12",
           "outlet": "Example Wire", "text": "On February 9, fighters clashed near Hajin."}


@pytest.fixture()
def recorded_ingest(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[dict[str, Any]], Any]]:
    """Replace the pipeline's ingest_records with a recorder (no model load)."""
    calls: list[tuple[list[dict[str, Any]], Any]] = []

    def fake_ingest(records: Any, store: Any, **kwargs: Any) -> RunReport:
        calls.append((list(records), store))
        return RunReport(run_id="run-1", counts={"docs.read": 1, "articles.stored": 1}, failures=())

    monkeypatch.setattr("conflictlog.pipeline.ingest_records", fake_ingest)
    return calls


def test_api_post_article_without_server_token_is_403(fixture_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                      recorded_ingest: list[Any]) -> None:
    monkeypatch.delenv("CONFLICTLOG_TOKEN", raising=False)
    with TestClient(create_app(fixture_db)) as test_client:
        body = assert_error(test_client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer x"}), 403)
    assert "CONFLICTLOG_TOKEN" in body["error"]
    assert recorded_ingest == []


def test_api_post_article_token_from_environment(fixture_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                 recorded_ingest: list[Any]) -> None:
    monkeypatch.setenv("CONFLICTLOG_TOKEN", "env-secret")
    with TestClient(create_app(fixture_db)) as test_client:
        assert test_client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer env-secret"}).status_code == 201
        assert_error(test_client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer other"}), 403)
    assert len(recorded_ingest) == 1


def test_api_post_article_missing_or_wrong_token(client: TestClient, recorded_ingest: list[Any]) -> None:
    response = client.post("/articles", json=ARTICLE)
    assert_error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert_error(client.post("/articles", json=ARTICLE, headers={"Authorization": "Basic abc"}), 401)
    assert_error(client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer wrong"}), 403)
    assert recorded_ingest == []


def test_api_post_article_ingests_the_feed_record(client: TestClient, recorded_ingest: list[Any]) -> None:
    response = client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {data.TOKEN}"})
    assert response.status_code == 201
    assert response.json() == {"ok": True, "run_id": "run-1", "counts": {"docs.read": 1, "articles.stored": 1},
                               "failures": []}
    [(records, store)] = recorded_ingest
    assert records == [ARTICLE]  # url and every other field passed on unchanged
    assert hasattr(store, "add_article")


def test_api_post_article_reports_pipeline_failures(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictlog.records import Failure

    def failing(records: Any, store: Any, **kwargs: Any) -> RunReport:
        return RunReport("run-2", {"docs.failed": 1},
                         (Failure("POST /articles:1", "clean", "E202", "POST /articles:1: no article text left"),))

    monkeypatch.setattr("conflictlog.pipeline.ingest_records", failing)
    body = assert_error(client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {data.TOKEN}"}), 422)
    assert body["errors"] == ["POST /articles:1: no article text left"]


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "no text"},
        {"text": "   "},
        {"text": "fine", "unexpected": 1},
        {"text": 12},
    ],
)
def test_api_post_article_invalid_body_is_422(client: TestClient, recorded_ingest: list[Any],
                                              payload: dict[str, Any]) -> None:
    assert_error(client.post("/articles", json=payload, headers={"Authorization": f"Bearer {data.TOKEN}"}), 422)
    assert recorded_ingest == []


def test_api_post_article_over_size_limit_is_413(client: TestClient, recorded_ingest: list[Any]) -> None:
    big = json.dumps({"text": "x" * (MAX_BODY_BYTES + 10)}).encode()
    headers = {"Authorization": f"Bearer {data.TOKEN}", "Content-Type": "application/json"}
    assert_error(client.post("/articles", content=big, headers=headers), 413)

    def chunks():  # no Content-Length: the limit applies while the body streams in
        for start in range(0, len(big), 65536):
            yield big[start:start + 65536]

    assert_error(client.post("/articles", content=chunks(), headers=headers), 413)
    assert recorded_ingest == []


# --- headers, docs ---------------------------------------------------------------------------------------------


def test_api_every_response_has_strict_csp(client: TestClient) -> None:
    for path in ("/", "/events", "/events/ev-nope", "/static/js/app.js"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get("/events").headers["x-content-type-options"] == "nosniff"


def test_api_openapi_lists_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    assert paths["/events"]["get"]["responses"]["422"]["content"]["application/json"]["schema"] == error_ref
    assert set(schema["components"]["schemas"]["ErrorBody"]["properties"]) == {"ok", "error", "errors", "status"}
    for path in ("/events", "/events/{event_id}", "/events.geojson", "/events.csv", "/articles/{article_id}",
                 "/articles", "/outlets"):
        assert path in paths
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text


def test_api_outlets_lists_the_registry_with_republishing(client: TestClient) -> None:
    response = client.get("/outlets")
    assert response.status_code == 200
    outlets = {o["name"]: o for o in response.json()["outlets"]}
    assert outlets["Global Research"]["republishes"] == ["South Front"]
    assert outlets["Reuters"]["kind"] == "wire" and outlets["Reuters"]["scale"] == "International"
    assert "southfront.org" in outlets["South Front"]["domains"]

