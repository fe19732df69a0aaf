"""Subscriptions: checked input with coded errors, and matching events by area, country, actor, type, fatalities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.alerts.subscriptions import in_bbox, in_polygon, matches, polygon_rings, subscription_from
from conflictlog.errors import StoreError
from conflictlog.records import Certainty, Event, GeoPrecision, TimePrecision

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
                                             [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}


def event(**kw: Any) -> Event:
    base = Event(
        event_id="e1", event_date=date(2024, 3, 1), time_precision=TimePrecision.DAY, event_type="Battles",
        sub_event_type="Armed clash", actor1="Military Forces of Syria (2000-)", actor2="Islamic State (Syria)",
        assoc_actor_1=(), assoc_actor_2=("Civilians (Syria)",), country="Syria", admin1="Aleppo", admin2=None,
        location="Aleppo", latitude=36.2, longitude=37.16, geo_precision=GeoPrecision.TOWN, fatalities=3,
        injured=None, claimed_by=None, certainty=Certainty.REPORTED, historical=False, notes="", sources=(),
        evidence=(),
    )
    return replace(base, **kw)


def test_subscriptions_every_rule_must_hold() -> None:
    sub = subscription_from({"name": "n", "countries": "syria", "actors": ["islamic state"],
                             "event_types": ["armed clash"], "min_fatalities": 3, "certainty": ["Reported"],
                             "bbox": "37,36,38,37"})
    assert matches(sub, event())
    assert not matches(sub, event(country="Iraq"))
    assert not matches(sub, event(actor2="Hayat Tahrir al-Sham"))
    assert matches(sub, event(actor2="Hayat Tahrir al-Sham", assoc_actor_1=("Islamic State (Syria)",)))
    assert not matches(sub, event(sub_event_type="Attack", event_type="Violence against civilians"))
    assert not matches(sub, event(fatalities=2))
    assert not matches(sub, event(certainty=Certainty.CLAIMED))
    assert not matches(sub, event(longitude=36.0))
    assert not matches(sub, event(latitude=None, longitude=None))
    assert matches(subscription_from({"name": "all"}), event(latitude=None, longitude=None))


def test_subscriptions_polygon_with_a_hole() -> None:
    sub = subscription_from({"name": "square", "polygon": SQUARE})
    assert matches(sub, event(longitude=2.0, latitude=2.0))
    assert not matches(sub, event(longitude=5.0, latitude=5.0))  # in the hole
    assert not matches(sub, event(longitude=11.0, latitude=2.0))
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], [[[20, 20], [30, 20], [30, 30], [20, 20]]]]}
    assert matches(subscription_from({"name": "m", "polygon": multi}), event(longitude=28.0, latitude=22.0))


def test_subscriptions_bbox_across_the_antimeridian() -> None:
    assert in_bbox(179.5, 0, (170, -10, -170, 10)) and in_bbox(-175, 0, (170, -10, -170, 10))
    assert not in_bbox(0, 0, (170, -10, -170, 10))


@pytest.mark.parametrize("data, says", [
    ({}, "name"),
    ({"name": " "}, "name"),
    ({"name": "x", "bbox": "1,2,3"}, "bbox"),
    ({"name": "x", "bbox": [0, 50, 10, 40]}, "bbox"),
    ({"name": "x", "certainty": ["sure"]}, "certainty"),
    ({"name": "x", "min_fatalities": -1}, "min_fatalities"),
    ({"name": "x", "min_fatalities": True}, "min_fatalities"),
    ({"name": "x", "webhook_url": "ftp://h/x"}, "webhook"),
    ({"name": "x", "webhook_url": "http:///nohost"}, "webhook"),
    ({"name": "x", "secret": "k"}, "secret"),
    ({"name": "x", "polygon": {"type": "Point", "coordinates": [0, 0]}}, "polygon"),
    ({"name": "x", "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}}, "polygon"),
    ({"name": "x", "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 91], [1, 0], [0, 0]]]}}, "polygon"),
    ({"name": "x", "countries": [1, 2]}, "countries"),
    ({"name": "x", "bbox": [10**400, 0, 1, 1]}, "bbox"),
    ({"name": "x", "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [10**400, 1], [1, 0], [0, 0]]]}}, "polygon"),
])
def test_subscriptions_bad_input_is_a_coded_error(data: dict[str, Any], says: str) -> None:
    with pytest.raises(StoreError, match=f"E620.*{says}"):
        subscription_from(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=30,
)


@given(st.dictionaries(st.sampled_from(["name", "bbox", "polygon", "countries", "actors", "event_types",
                                        "min_fatalities", "certainty", "webhook_url", "secret"]), json_values))
def test_subscriptions_any_input_gives_a_subscription_or_e620(data: dict[str, Any]) -> None:
    try:
        sub = subscription_from(data)
    except StoreError as err:
        assert err.code == "E620"
    else:
        matches(sub, event())  # a checked subscription can always be matched


@given(st.floats(-20, 20), st.floats(-20, 20))
def test_subscriptions_square_polygon_agrees_with_its_box(lon: float, lat: float) -> None:
    ring = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}
    if lon in (0, 10) or lat in (0, 10):
        return  # on the edge either answer is fair
    assert in_polygon(lon, lat, polygon_rings(ring)) == in_bbox(lon, lat, (0, 0, 10, 10))
