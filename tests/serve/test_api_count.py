"""GET /events counts matching events only up to COUNT_LIMIT unless asked for the exact total."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from conflictlog.serve import api


def test_api_count_stops_at_the_limit_and_says_so(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = client.get("/events").json()
    assert (everything["total"], everything["total_exact"]) == (6, True)
    monkeypatch.setattr(api, "COUNT_LIMIT", 4)
    capped = client.get("/events", params={"limit": 2})
    assert (capped.json()["total"], capped.json()["total_exact"]) == (4, False)
    assert len(capped.json()["events"]) == 2
    exact = client.get("/events", params={"limit": 2, "exact_total": "true"}).json()
    assert (exact["total"], exact["total_exact"]) == (6, True)
    one = client.get("/events", params={"type": "Protests"}).json()
    assert (one["total"], one["total_exact"]) == (1, True)


def test_api_count_contract_is_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    page = schema["components"]["schemas"]["EventsPage"]
    assert {"total", "total_exact"} <= set(page["required"])
    assert "exact_total" in {p["name"] for p in schema["paths"]["/events"]["get"]["parameters"]}
