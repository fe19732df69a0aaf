"""Actor and bbox filters of the SQLite store: the same events as a plain Python filter whichever way the query
runs (an index giving the events, or a test on each event of a date-ordered walk), and query plans that use the
R*Tree and the actor name index rather than scanning every event."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conflictlog.bench_api import synthetic_events
from conflictlog.records import Event
from conflictlog.store import EventFilter, open_store
from conflictlog.store import sqlite as sqlite_module
from conflictlog.store.sqlite import SQLiteStore

# Names with letters whose case folding is not ASCII's (ß -> ss, final sigma, dotted I), spaces and brackets.
NAMES = ("Islamic State", "ISLAMIC STATE (Syria)", "Straße Militia", "ΣΟΦΟΣ Brigade", "İdlib Youth", "Police Forces",
         "al-Shabaab", "Shabaab", "Q", "Unidentified Armed Group (Syria)", "Militia (Pro-Government)")
# Coordinates on and just beside the edges a generated bbox can take, to test the R*Tree's rounded boxes.
EDGES = (-179.9, -180.0, 179.9, 180.0, 0.0, 36.0, 36.0000001, 35.9999999, 36.5, 37.25, -16.5)
N_EVENTS = 400


def _generated_events(seed: int = 23) -> Iterator[Event]:
    rng = random.Random(seed)
    for i, event in enumerate(synthetic_events(N_EVENTS, seed=seed)):
        assoc = tuple(rng.sample(NAMES, k=rng.choice((0, 0, 1, 2))))
        placed = rng.random() < 0.9
        yield replace(
            event,
            event_id=f"GEN-{i:04d}",
            event_date=date(2024, 1, 1) + timedelta(days=rng.randrange(40)),
            actor1=rng.choice((*NAMES, None)),
            actor2=rng.choice((*NAMES, None, None)),
            assoc_actor_1=assoc,
            latitude=rng.choice(EDGES[4:]) if placed and rng.random() < 0.5 else (rng.uniform(-40, 40) if placed else None),
            longitude=rng.choice(EDGES) if placed and rng.random() < 0.5 else (rng.uniform(-180, 180) if placed else None),
        )


def _actor_names(event: Event) -> list[str]:
    return [n for n in (event.actor1, event.actor2, *event.assoc_actor_1, *event.assoc_actor_2) if n]


def _matches(event: Event, flt: EventFilter) -> bool:
    """The filter as EventFilter documents it, in plain Python (only the fields these tests vary)."""
    needle = (flt.actor or "").strip().casefold()
    if needle and not any(needle in name.casefold() for name in _actor_names(event)):
        return False
    if flt.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = flt.bbox
        if event.latitude is None or event.longitude is None or not min_lat <= event.latitude <= max_lat:
            return False
        lon = event.longitude
        if not (min_lon <= lon <= max_lon if min_lon <= max_lon else lon >= min_lon or lon <= max_lon):
            return False
    if flt.min_fatalities is not None and event.fatalities < flt.min_fatalities:
        return False
    return True


@pytest.fixture(scope="module")
def generated() -> Iterator[tuple[SQLiteStore, list[Event]]]:
    events = list(_generated_events())
    store = open_store(":memory:")
    store.bulk_load_events(events)
    yield store, sorted(sorted(events, key=lambda e: e.event_id), key=lambda e: e.event_date, reverse=True)
    store.close()


def _needles() -> st.SearchStrategy[str]:
    def cut(name: str, data: tuple[int, int, bool]) -> str:
        start, length, upper = data
        piece = name[start % len(name):][: 1 + length % len(name)]
        return f" {piece.upper()} " if upper else piece

    pieces = st.builds(cut, st.sampled_from(NAMES), st.tuples(st.integers(0, 40), st.integers(0, 40), st.booleans()))
    return st.one_of(pieces, st.text(alphabet="aisSßΣσς() -Q", max_size=5))


_bboxes = st.tuples(st.sampled_from(EDGES), st.sampled_from(EDGES[4:]), st.sampled_from(EDGES),
                    st.sampled_from(EDGES[4:])).filter(lambda b: b[1] <= b[3])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(actor="STRASSE", bbox=None, min_fatalities=None, limit=None, offset=0)  # ß folds to ss
@example(actor="οσ brig", bbox=None, min_fatalities=None, limit=7, offset=0)  # a final sigma folds to σ
@example(actor="İdlib", bbox=(36.0, 35.9999999, 37.25, 36.0000001), min_fatalities=None, limit=None, offset=3)
@given(actor=st.none() | _needles(), bbox=st.none() | _bboxes, min_fatalities=st.none() | st.integers(0, 5),
       limit=st.sampled_from((None, 1, 7)), offset=st.sampled_from((0, 3)))
def test_sqlite_filters_match_a_plain_filter_either_way(
    generated: tuple[SQLiteStore, list[Event]], actor: str | None, bbox: tuple[float, float, float, float] | None,
    min_fatalities: int | None, limit: int | None, offset: int,
) -> None:
    store, events = generated
    flt = EventFilter(actor=actor, bbox=bbox, min_fatalities=min_fatalities)
    expected = [e.event_id for e in events if _matches(e, flt)]
    page = expected[offset:] if limit is None else expected[offset:offset + limit]
    original = sqlite_module._DRIVE_BELOW, sqlite_module._ROWS_PER_BBOX_EVENT
    try:
        # tested on each event of a walk, and an actor-and-bbox count tested per event in the bbox; the index
        # giving the events, and the count tested per row of the actor
        for drive_below, rows_per_event in ((0, 0), (10**9, 10**9)):
            sqlite_module._DRIVE_BELOW, sqlite_module._ROWS_PER_BBOX_EVENT = drive_below, rows_per_event
            assert [e.event_id for e in store.query_events(flt, limit=limit, offset=offset)] == page
            assert store.count_events(flt) == len(expected)
            assert store.count_events(flt, limit=5) == min(5, len(expected))
    finally:
        sqlite_module._DRIVE_BELOW, sqlite_module._ROWS_PER_BBOX_EVENT = original


@pytest.fixture(scope="module")
def large() -> Iterator[SQLiteStore]:
    """5,000 events over six countries with twelve actors, and one rare actor in a small area."""
    store = open_store(":memory:")
    rare = [replace(e, event_id=f"RARE-{i}", actor2="Rare Brigade", latitude=34.001 + i / 1000, longitude=38.001)
            for i, e in enumerate(synthetic_events(20, seed=5))]
    store.bulk_load_events([*synthetic_events(5000), *rare])
    yield store
    store.close()


def _full_scan(plan: list[str]) -> bool:
    return any(step == "SCAN e" or step.startswith("SCAN e ") and "USING INDEX events_date" not in step
               for step in plan)


def test_sqlite_plan_few_matches_come_from_the_rtree_and_actor_index(large: SQLiteStore) -> None:
    # events_rtree is "r" in the plan and event_actors "a", whose primary key and date index begin with the name.
    for flt, index in ((EventFilter(bbox=(38.0, 34.0, 38.01, 34.03)), "SCAN r VIRTUAL TABLE"),
                       (EventFilter(actor="rare brig"), "SEARCH a USING COVERING INDEX event_actors_date (name_id=?)"),
                       (EventFilter(actor="brigade", bbox=(37.0, 33.0, 38.01, 34.03)),
                        "SEARCH a USING COVERING INDEX event_actors_date (name_id=?)"),
                       (EventFilter(actor="a", bbox=(38.0, 34.0, 38.01, 34.03)), "SCAN r VIRTUAL TABLE")):
        plan = large.query_plan(flt)
        assert "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)" in plan, (flt, plan)
        assert any(index in step for step in plan), (flt, plan)
        assert not _full_scan(plan) and len(large.query_events(flt)) == 20
    assert any("actor_names_trigram" in step for step in large.query_plan(EventFilter(actor="rare brig")))


def test_sqlite_plan_many_matches_walk_the_date_index_and_stop(large: SQLiteStore) -> None:
    # A bbox over most of the world or a common actor: the date index is walked in page order (no sort), each
    # event tested, the actor through event_actors by event.
    for flt in (EventFilter(bbox=(-180.0, -90.0, 180.0, 90.0)), EventFilter(actor="forces"),
                EventFilter(actor="forces", bbox=(-170.0, -80.0, 170.0, 80.0), min_fatalities=0)):
        plan = large.query_plan(flt)
        assert plan[0] == "SCAN e USING INDEX events_date", (flt, plan)
        assert not any("TEMP B-TREE" in step for step in plan), (flt, plan)
        if flt.actor:
            assert "SEARCH a USING COVERING INDEX event_actors_event (id=? AND name_id=?)" in plan, (flt, plan)


def test_sqlite_plan_actor_and_bbox_walk_each_name_by_date(large: SQLiteStore) -> None:
    # A common actor in a large bbox: each matching name's events are walked newest first in event_actors by
    # name and date, up to the page's end; no event row is read but the candidates', and no whole table scanned.
    flt = EventFilter(actor="forces", bbox=(-170.0, -80.0, 170.0, 80.0))
    plan = large.query_plan(flt, limit=50)
    assert "SEARCH a USING COVERING INDEX event_actors_date (name_id=? AND event_date>?)" in plan, plan
    assert "SEARCH b USING COVERING INDEX event_actors_date (name_id=?)" in plan, plan
    assert "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)" in plan and not _full_scan(plan), plan
    assert not any(step.split()[:2] in (["SCAN", "a"], ["SCAN", "b"]) for step in plan), plan
    # Beyond the page depth it walks, or with another filter beside them, the date index is walked instead.
    for deep, other in (((990, 20), flt), ((50, 0), replace(flt, min_fatalities=0))):
        assert large.query_plan(other, limit=deep[0], offset=deep[1])[0] == "SCAN e USING INDEX events_date"


def test_sqlite_actor_dates_follow_an_event_redated() -> None:
    store = open_store(":memory:")
    events = [replace(e, actor1="Police Forces", actor2=None, latitude=10.0, longitude=10.0, event_date=date(2024, 1, 1))
              for e in synthetic_events(3)]
    store.bulk_load_events(events)
    with store.write_transaction() as conn:
        conn.execute("UPDATE events SET event_date = '2025-06-01' WHERE event_id = ?", (events[2].event_id,))
    with store.reading() as conn:
        dated = conn.execute("SELECT e.event_id, a.event_date FROM event_actors a JOIN events e ON e.id = a.id "
                             "ORDER BY a.event_date DESC, e.event_id").fetchall()
    assert dated[0] == (events[2].event_id, "2025-06-01") and len(dated) == 3
    assert {d for _, d in dated[1:]} == {"2024-01-01"}
    store.close()


def test_sqlite_actor_index_follows_an_event_updated_in_place() -> None:
    store = open_store(":memory:")
    (event,) = list(synthetic_events(1))
    store.bulk_load_events([replace(event, actor1="Old Name", actor2=None, latitude=10.0, longitude=10.0)])
    moved = EventFilter(actor="new name", bbox=(19.0, 19.0, 21.0, 21.0))
    assert store.count_events(moved, limit=10) == 0
    with store.write_transaction() as conn:  # as the store writes an event in place: the row, then its R*Tree box
        conn.execute("UPDATE events SET actors_folded = ?, longitude = 20.0, latitude = 20.0",
                     (sqlite_module._actors_folded(replace(event, actor1="NEW NAME", actor2=None)),))
        for sql in sqlite_module._EVENT_INDEXES:
            conn.execute(sql, (event.event_id,))
    assert store.count_events(moved, limit=10) == store.count_events(moved) == 1
    assert store.count_events(EventFilter(actor="old"), limit=10) == 0
    store.close()
