"""Fuzzed calls of every route: whatever the path, query, headers or body, the answer is never a 500 and never
shows a traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Mount

from conflictlog import pipeline
from conflictlog.serve.api import create_app

data = sys.modules["conflictlog_test_fixture_data"]  # loaded by this folder's conftest.py

PARAMS = ("country", "admin1", "type", "sub_type", "actor", "since", "until", "min_fatalities", "certainty",
          "hide_historical", "hide_unverified", "bbox", "limit", "offset", "unknown")
EDGES = (0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30)
NUMBERS = st.one_of(st.sampled_from(EDGES), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=True, allow_infinity=True)).map(str)
VALUES = st.one_of(st.text(max_size=40), NUMBERS, st.sampled_from(["", "true", "2024-02-30", "-0", "1e309",
                                                                    "170,-10,-170,10", "nan,0,1,2", "\x00"]))
QUERIES = st.one_of(
    st.dictionaries(st.sampled_from(PARAMS), NUMBERS | VALUES, max_size=5).map(lambda d: list(d.items())),
    st.lists(st.tuples(st.sampled_from(PARAMS) | st.text(max_size=10), NUMBERS | VALUES), max_size=6),
)
SEGMENTS = st.text(max_size=30) | st.sampled_from(["ev-clash", "art-1", "..", "%00", "a/b", "\u202e"])
BODIES = st.one_of(
    st.none(),
    st.binary(max_size=200),
    st.dictionaries(st.sampled_from(["url", "title", "published", "outlet", "author", "text", "html", "x"]),
                    st.one_of(st.none(), st.text(max_size=60), st.integers(), st.lists(st.integers(), max_size=2)),
                    max_size=5),
)
AUTH = st.sampled_from([None, f"Bearer {data.TOKEN}", "Bearer wrong", "Basic abc", "Bearer", ""])


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory: pytest.TempPathFactory, no_model_pipeline: type) -> Iterator[TestClient]:
    db = data.build_fixture_db(tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite", with_xss=True)
    app = create_app(db, token=data.TOKEN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "_DEFAULT_PIPELINE", no_model_pipeline())
        with TestClient(app, raise_server_exceptions=False) as client:
            client.routes = [r for r in app.routes if not isinstance(r, Mount)]  # type: ignore[attr-defined]
            yield client


def _url(template: str, segment: str, query: list[tuple[str, str]]) -> str:
    path = template.replace("{event_id}", quote(segment, safe="")).replace("{article_id}", quote(segment, safe=""))
    return path + ("?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query) if query else "")


def _check(response: object, caplog: pytest.LogCaptureFixture) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])  # type: ignore[attr-defined]
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.exc_info], "a request logged an exception"


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 100), segment=SEGMENTS, query=QUERIES, method=st.sampled_from(["GET", "HEAD", "DELETE"]))
def test_api_fuzz_reads(fuzz_client: TestClient, caplog: pytest.LogCaptureFixture, index: int, segment: str,
                        query: list[tuple[str, str]], method: str) -> None:
    caplog.set_level(logging.WARNING)
    caplog.clear()  # records of an earlier example must not be blamed on this one
    routes = fuzz_client.routes  # type: ignore[attr-defined]
    route = routes[index % len(routes)]
    _check(fuzz_client.request(method, _url(route.path, segment, query)), caplog)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, auth=AUTH, query=QUERIES, as_json=st.booleans())
def test_api_fuzz_post_articles(fuzz_client: TestClient, caplog: pytest.LogCaptureFixture, body: object,
                                auth: str | None, query: list[tuple[str, str]], as_json: bool) -> None:
    caplog.set_level(logging.WARNING)
    caplog.clear()  # records of an earlier example must not be blamed on this one
    headers = {"Authorization": auth} if auth is not None else {}
    url = _url("/articles", "", query)
    if isinstance(body, bytes) or not as_json:
        response = fuzz_client.post(url, content=body if isinstance(body, bytes) else repr(body).encode(),
                                    headers={**headers, "Content-Type": "application/json"})
    else:
        response = fuzz_client.post(url, json=body, headers=headers)
    _check(response, caplog)
    if auth != f"Bearer {data.TOKEN}":
        assert response.status_code in (401, 403)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["/events", "/events.geojson", "/events.csv"]),
       query=st.dictionaries(st.sampled_from(PARAMS), NUMBERS | VALUES, min_size=1, max_size=1)
       | st.dictionaries(st.sampled_from(PARAMS), NUMBERS | VALUES, min_size=2, max_size=4))
def test_api_fuzz_event_filters(fuzz_client: TestClient, caplog: pytest.LogCaptureFixture, route: str,
                                query: dict[str, str]) -> None:
    # One parameter at a time as often as several, so a bad value is not hidden behind another's 422.
    caplog.set_level(logging.WARNING)
    caplog.clear()  # records of an earlier example must not be blamed on this one
    response = fuzz_client.get(_url(route, "", list(query.items())))
    _check(response, caplog)
    if response.status_code == 200 and route != "/events":
        assert response.content  # a download that failed part-way would come back empty
