"""The API's subscriptions: token-guarded POST/GET/DELETE with the one error shape, an Atom feed per subscription,
and alerts delivered in the background while the app runs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from conflictlog.alerts import verify
from conflictlog.alerts.outbox import SIGNATURE_HEADER
from conflictlog.bench_merge import make_place, make_report
from conflictlog.records import Article
from conflictlog.serve.api import create_app
from conflictlog.store import open_store
from tests.alerts.receiver import Receiver

data = sys.modules["conflictlog_test_fixture_data"]  # loaded by this folder's conftest.py
AUTH = {"Authorization": f"Bearer {data.TOKEN}"}
A = "{http://www.w3.org/2005/Atom}"
ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063", country="Syria")
MOSUL = make_place("Mosul", "IRQ", 36.34, 43.13, admin1="Nineveh", gazetteer_id="geonames:99072", country="Iraq")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def store_report(db: Path, article_id: str, place: object, fatalities: int = 0) -> None:
    with open_store(db) as store:
        store.add_article(Article(article_id, f"{article_id}.md", f"Text {article_id}.", published=date(2024, 3, 2)),
                          [make_report(f"m-{article_id}", article_id, place=place, fatalities=fatalities)])  # type: ignore[arg-type]


def test_api_alerts_subscriptions_need_the_token(client: TestClient) -> None:
    body = {"name": "syria", "countries": ["Syria"]}
    assert client.post("/subscriptions", json=body).status_code == 401
    assert client.post("/subscriptions", json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get("/subscriptions").status_code == 401
    assert client.delete("/subscriptions/x").status_code == 401
    refused = client.post("/subscriptions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert refused.status_code == 401  # the token is checked before the body


def test_api_alerts_add_list_get_delete(client: TestClient) -> None:
    made = client.post("/subscriptions", headers=AUTH, json={
        "name": "syria", "bbox": [35, 32, 42.5, 37.5], "min_fatalities": 1, "webhook_url": "https://hooks.example/a",
        "secret": "k"})
    assert made.status_code == 201, made.text
    sub = made.json()["subscription"]
    assert sub["bbox"] == [35, 32, 42.5, 37.5] and sub["has_secret"] and "secret" not in sub
    assert made.json()["feed"] == f"/subscriptions/{sub['subscription_id']}/feed.atom"
    assert client.post("/subscriptions", headers=AUTH, json={"name": "syria"}).status_code == 409
    listed = client.get("/subscriptions", headers=AUTH).json()["subscriptions"]
    assert [s["subscription_id"] for s in listed] == [sub["subscription_id"]]
    assert client.get(f"/subscriptions/{sub['subscription_id']}", headers=AUTH).json()["subscription"] == sub
    assert client.delete(f"/subscriptions/{sub['subscription_id']}", headers=AUTH).json() == {
        "ok": True, "removed": sub["subscription_id"]}
    gone = client.get(f"/subscriptions/{sub['subscription_id']}", headers=AUTH)
    assert gone.status_code == 404 and gone.json()["ok"] is False and "E621" in gone.json()["error"]


@pytest.mark.parametrize("body", [
    {"name": "x", "bbox": [0, 50, 10, 40]},
    {"name": "x", "bbox": [1, 2, 3]},
    {"name": "x", "certainty": ["sure"]},
    {"name": "x", "webhook_url": "file:///etc/passwd"},
    {"name": "x", "polygon": {"type": "Point", "coordinates": [1, 2]}},
    {"name": "x", "colour": "red"},
    {"name": ""},
])
def test_api_alerts_bad_subscription_is_422_in_the_error_shape(client: TestClient, body: dict[str, object]) -> None:
    answer = client.post("/subscriptions", headers=AUTH, json=body)
    assert answer.status_code == 422
    assert set(answer.json()) == {"ok", "error", "errors", "status"} and answer.json()["status"] == 422


def test_api_alerts_unknown_query_parameter_is_refused(client: TestClient) -> None:
    assert client.get("/subscriptions", params={"limit": 3}, headers=AUTH).status_code == 422


def test_api_alerts_feed_is_atom_of_matching_events(fixture_db: Path) -> None:
    with TestClient(create_app(fixture_db, token=data.TOKEN)) as client:
        sub_id = client.post("/subscriptions", headers=AUTH, json={"name": "iraq", "countries": ["Iraq"]}).json()[
            "subscription"]["subscription_id"]
        store_report(fixture_db, "a1", ALEPPO)
        store_report(fixture_db, "a2", MOSUL, fatalities=2)
        feed = client.get(f"/subscriptions/{sub_id}/feed.atom")
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
        entries = ET.fromstring(feed.content).findall(f"{A}entry")
        assert [e.findtext(f"{A}title") for e in entries] == ["Armed clash in Mosul, Iraq on 2024-03-01: 2 killed"]
        assert client.get("/subscriptions/iraq/feed.atom").status_code == 404  # the id is the key, not the name
        assert client.get("/subscriptions/nope/feed.atom").status_code == 404


def test_api_alerts_delivered_in_the_background(fixture_db: Path, receiver: Receiver) -> None:
    with TestClient(create_app(fixture_db, token=data.TOKEN)) as client:
        assert client.post("/subscriptions", headers=AUTH, json={
            "name": "syria", "countries": ["Syria"], "webhook_url": receiver.url, "secret": "k"}).status_code == 201
    store_report(fixture_db, "a1", ALEPPO, fatalities=1)
    with TestClient(create_app(fixture_db, token=data.TOKEN, deliver_alerts=True)):
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    [(headers, body)] = receiver.received
    assert verify("k", body, headers[SIGNATURE_HEADER])


def test_api_alerts_openapi_documents_the_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    assert {"post", "get"} <= set(paths["/subscriptions"]) and "delete" in paths["/subscriptions/{subscription_id}"]
    assert list(paths["/subscriptions/{subscription_id}/feed.atom"]["get"]["responses"]["200"]["content"]) == [
        "application/atom+xml"]
    made = paths["/subscriptions"]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert made["$ref"].endswith("/SubscriptionAnswer")


def test_api_alerts_stored_since_filters_events_by_when_they_were_written(client: TestClient) -> None:
    total = client.get("/events").json()["total"]
    assert total > 0
    assert client.get("/events", params={"stored_since": "2000-01-01T00:00:00Z"}).json()["total"] == total
    assert client.get("/events", params={"stored_since": "2999-01-01"}).json()["total"] == 0
    assert client.get("/events.geojson", params={"stored_since": "2999-01-01T00:00:00+05:00"}).json()["features"] == []
    bad = client.get("/events", params={"stored_since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["ok"] is False
