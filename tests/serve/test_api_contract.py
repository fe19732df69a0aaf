"""The API's contract with clients: unknown parameters refused, ACLED's field names as filters, a typed and valid
OpenAPI document with real media types, ETag and 304, HEAD, and spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from openapi_spec_validator import validate

from conflictlog.export import event_to_row
from conflictlog.serve.api import ApiError, acled_dates, create_app
from conflictlog.serve.schemas import Event as EventSchema
from conflictlog.store import open_store

data = sys.modules["conflictlog_test_fixture_data"]  # loaded by this folder's conftest.py


def ids(response: Any) -> list[str]:
    return [row["event_id"] for row in response.json()["events"]]


def test_api_contract_unknown_parameter_is_refused_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/events", params={"event_tpye": "Battles", "limit": 5})
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False and body["status"] == 422
    assert "event_tpye" in body["error"] and "event_type" in body["error"]  # names the typo and what is taken
    assert client.get("/events.csv", params={"colour": "red"}).status_code == 422
    assert client.get("/events/ev-clash", params={"x": "1"}).status_code == 422
    assert client.get("/", params={"country": "Syria"}).status_code == 200  # the map keeps its own URL filters


def test_api_contract_acled_field_names_filter_like_their_own(client: TestClient) -> None:
    by_type = ids(client.get("/events", params={"type": "Battles"}))
    assert by_type and ids(client.get("/events", params={"event_type": "Battles"})) == by_type
    assert ids(client.get("/events", params={"sub_event_type": "Peaceful protest"})) == ["ev-protest"]
    assert set(ids(client.get("/events", params={"iso": 760}))) == set(ids(client.get("/events", params={"country": "Syria"})))
    day = client.get("/events", params={"event_date": "2019-02-09"}).json()["events"]
    assert day and {row["event_date"] for row in day} == {"2019-02-09"}
    span = client.get("/events", params={"event_date": "2019-02-07|2019-02-09"}).json()["events"]
    assert {row["event_date"] for row in span} <= {"2019-02-07", "2019-02-08", "2019-02-09"} and len(span) > len(day)
    assert client.get("/events", params={"year": 1990}).json()["total"] == 0
    assert client.get("/events", params={"type": "Battles", "event_type": "Riots"}).status_code == 422
    assert client.get("/events", params={"event_date": "last week"}).status_code == 422
    assert client.get("/events", params={"iso": 999}).status_code == 422


def test_api_contract_openapi_is_valid_and_typed(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    validate(spec)
    schemas = spec["components"]["schemas"]
    assert "Event" in schemas and set(schemas["Event"]["properties"]) == set(EventSchema.model_fields)
    paths = spec["paths"]
    page = paths["/events"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["$ref"].endswith("/EventsPage")
    assert list(paths["/events.csv"]["get"]["responses"]["200"]["content"]) == ["text/csv"]
    assert list(paths["/events.geojson"]["get"]["responses"]["200"]["content"]) == ["application/geo+json"]


def test_api_contract_event_schema_names_every_row_field() -> None:
    row = event_to_row(data.make_event("ev-any"))
    assert list(row) == [name for name in EventSchema.model_fields]
    EventSchema.model_validate(row)  # and the row has the documented types


def test_api_contract_etag_304_and_a_write_changes_it(client: TestClient, fixture_db: Path) -> None:
    first = client.get("/events", params={"type": "Battles"})
    etag = first.headers["etag"]
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    again = client.get("/events", params={"type": "Battles"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get("/events", params={"type": "Riots"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag  # another query, another tag
    with open_store(fixture_db) as store:
        store.bulk_load_events([data.make_event("ev-new")])
    changed = client.get("/events", params={"type": "Battles"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "ev-new" in ids(changed)


def test_api_contract_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/events", "/events.csv", "/events.geojson", "/events/ev-clash"):
        get, head = client.get(path), client.head(path)
        assert (head.status_code, head.content) == (200, b""), path
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["etag"] == get.headers["etag"]
    assert client.head("/events/nope").status_code == 404


def test_api_contract_csv_cells_that_spreadsheets_run_are_escaped(tmp_path: Path) -> None:
    db = tmp_path / "formula.sqlite"
    with open_store(db) as store:
        store.bulk_load_events([data.make_event("SYR-f", actor1="=cmd|' /C calc'!A0", notes="+1 more",
                                                longitude=-1.25)])
    with TestClient(create_app(db)) as client:
        text = client.get("/events.csv").text
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["actor1"] == "'=cmd|' /C calc'!A0" and row["notes"] == "'+1 more"
    assert row["longitude"] == "-1.2500"  # a negative number is no formula


@given(value=st.text(max_size=30))
def test_api_contract_event_date_is_a_range_or_a_coded_refusal(value: str) -> None:
    try:
        since, until = acled_dates(None, None, value, None)
    except ApiError as err:
        assert err.status == 422 and "event_date" in err.error
    else:
        assert (since is None) == (until is None) and (since is None or since <= until)
