"""The stores (SQLite, and PostgreSQL where the test server runs): round-trips, filters, idempotent and atomic ingest, incremental merge, unmerge."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictlog.bench_merge import make_place, make_report
from conflictlog.errors import NotFound, StoreError
from conflictlog.export.base import evidence_item
from conflictlog.merge.dedupe import build_events, plan_clusters
from conflictlog.records import (
    Article,
    Certainty,
    Claim,
    Event,
    Evidence,
    Failure,
    GeoPrecision,
    ResolvedEvent,
    RunReport,
    SourceRef,
    TimePrecision,
)
from conflictlog.store import EventFilter, SQLiteStore, codec, open_store
from conflictlog.store import sqlite as sqlite_module

ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063")
IDLIB = make_place("Idlib", latitude=35.93, longitude=36.63, admin1="Idlib", gazetteer_id="geonames:169389")
MOSUL = make_place("Mosul", "IRQ", 36.34, 43.13, admin1="Nineveh", gazetteer_id="geonames:99072", country="Iraq")


def article(article_id: str, outlet: str = "Outlet", published: date = date(2024, 3, 2), **kw: object) -> Article:
    return Article(
        article_id=article_id, source=f"{article_id}.md", text=f"Text of {article_id}.", url=f"https://news.example/{article_id}",
        title=f"Title {article_id}", outlet=outlet, published=published, **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> SQLiteStore:
    """A fresh store of each backend: in-memory SQLite, and a PostgreSQL + PostGIS database."""
    s = open_store(":memory:" if request.param == "sqlite" else request.getfixturevalue("postgres_url"))
    yield s  # type: ignore[misc]
    s.close()


def test_sqlite_article_round_trip_and_not_found(store: SQLiteStore) -> None:
    art = article("a1", original_outlet="South Front", author="A. Writer", published_raw="Feb 12, 2019")
    store.add_article(art, [])
    assert store.has_article("a1") and not store.has_article("zz")
    assert store.get_article("a1") == art
    with pytest.raises(NotFound):
        store.get_article("zz")


def test_sqlite_event_round_trip_keeps_sources_claims_evidence(store: SQLiteStore) -> None:
    a1 = article("a1", outlet="Outlet A")
    a2 = replace(article("a2", outlet="Outlet B"), url="https://b.example/story?id=7&ref=rss#top")
    r1 = make_report("m1", "a1", place=ALEPPO, fatalities=3, claimed_by="SOHR", injured=4)
    r2 = make_report("m2", "a2", place=ALEPPO, fatalities=5, evidence="Five were killed in Aleppo, a monitor said.")
    store.add_article(a1, [r1])
    result = store.add_article(a2, [r2])
    assert result.stored and result.n_mentions == 1 and len(result.events_updated) == 1
    (expected,) = build_events([r1, r2], [a1, a2])
    got = store.get_event(expected.event_id)
    assert got == expected
    assert got.sources[1].url == "https://b.example/story?id=7&ref=rss#top"
    assert got.claims == (Claim("m1", "SOHR", "Outlet A", 3, 4), Claim("m2", None, "Outlet B", 5, None))
    assert got.evidence[1] == Evidence("Five were killed in Aleppo, a monitor said.", 0, 43, ())
    with pytest.raises(NotFound):
        store.get_event("SYR-000000000000")


def test_sqlite_add_article_is_idempotent(store: SQLiteStore) -> None:
    art = article("a1")
    reports = [make_report("m1", "a1"), make_report("m2", "a1", place=IDLIB, evidence="x")]
    first = store.add_article(art, reports)
    second = store.add_article(art, reports)
    assert first.stored and len(first.events_created) == 2
    assert not second.stored and second.n_mentions == 0
    assert store.count_events(EventFilter()) == 2


def test_sqlite_failure_mid_add_rolls_back_everything(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_article(article("a1"), [make_report("m1", "a1", fatalities=2)])
    before = store.get_event(store.query_events(EventFilter())[0].event_id)

    def boom(*args: object) -> None:
        raise RuntimeError("disk on fire")

    # Fails after the article and its mentions are inserted, while merging into events.
    monkeypatch.setattr(SQLiteStore, "_write_event", boom)
    monkeypatch.setattr(SQLiteStore, "_write_join", boom)
    with pytest.raises(RuntimeError):
        store.add_article(article("a2"), [make_report("m2", "a2", fatalities=9, evidence="x")])
    monkeypatch.undo()
    assert not store.has_article("a2")
    assert store.count_events(EventFilter()) == 1
    assert store.get_event(before.event_id) == before
    with store._lock:
        assert store._conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
        assert store._conn.execute("SELECT count(*) FROM mention_blocks WHERE mention_id = 'm2'").fetchone()[0] == 0
    # The same article stores cleanly afterwards.
    assert store.add_article(article("a2"), [make_report("m2", "a2", fatalities=9, evidence="x")]).stored


def test_sqlite_interrupted_ingest_rerun_adds_only_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = [
        (article("a1"), [make_report("m1", "a1", fatalities=1)]),
        (article("a2"), [make_report("m2", "a2", fatalities=2, evidence="b")]),
        (article("a3"), [make_report("m3", "a3", place=IDLIB, evidence="c")]),
        (article("a4"), [make_report("m4", "a4", place=MOSUL, actors=("Islamic State (Iraq)",), evidence="d")]),
    ]
    path = tmp_path / "db" / "events.sqlite"
    store = open_store(path)
    original = SQLiteStore._merge_new
    calls = {"n": 0}

    def crash_on_third(self: SQLiteStore, *args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the user pressed Ctrl-C half-way
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SQLiteStore, "_merge_new", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        for art, reports in batch:
            store.add_article(art, reports)
    store.close()
    monkeypatch.undo()

    store = open_store(path)
    assert [store.has_article(a.article_id) for a, _ in batch] == [True, True, False, False]
    results = [store.add_article(art, reports) for art, reports in batch]
    assert [r.stored for r in results] == [False, False, True, True]
    all_reports = [r for _, reports in batch for r in reports]
    expected = sorted(build_events(all_reports, [a for a, _ in batch]), key=lambda e: (e.event_date, e.event_id))
    got = sorted(store.iter_events(), key=lambda e: (e.event_date, e.event_id))
    assert got == expected
    store.close()


def test_sqlite_file_store_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new" / "x.sqlite"
    store = open_store(str(path))
    assert path.exists()
    with store._lock:
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            store._conn.execute("INSERT INTO mentions(mention_id, article_id, event_type, sub_event_type, fatalities, "
                                "certainty, historical, notes, confidence, record) VALUES ('m', 'missing', 't', 's', 0, 'reported', 0, '', 0.5, '{}')")
    store.close()


def _event(event_id: str, **kw: object) -> Event:
    base = dict(
        event_id=event_id, event_date=date(2024, 3, 1), time_precision=TimePrecision.DAY, event_type="Battles",
        sub_event_type="Armed clash", actor1="Military Forces of Syria (2000-)", actor2="Islamic State (Syria)",
        assoc_actor_1=(), assoc_actor_2=(), country="Syria", admin1="Aleppo", admin2=None, location="Aleppo",
        latitude=36.2, longitude=37.16, geo_precision=GeoPrecision.TOWN, fatalities=0, injured=None, claimed_by=None,
        certainty=Certainty.REPORTED, historical=False, notes="", sources=(), evidence=(),
    )
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


@pytest.fixture
def filled(store: SQLiteStore) -> SQLiteStore:
    store.bulk_load_events(
        [
            _event("SYR-1", fatalities=5),
            _event("SYR-2", event_date=date(2024, 2, 1), admin1="Idlib", location="Idlib", latitude=35.93, longitude=36.63,
                   event_type="Explosions/Remote violence", sub_event_type="Air/drone strike", actor1="Military Forces of Russia (2000-)",
                   actor2="Civilians (Syria)", certainty=Certainty.CLAIMED),
            _event("SYR-3", event_date=date(2023, 10, 7), historical=True, certainty=Certainty.UNVERIFIED, fatalities=40,
                   assoc_actor_1=("Hayat Tahrir al-Sham",)),
            _event("IRQ-4", event_date=date(2024, 3, 5), country="Iraq", admin1="Nineveh", location="Mosul", latitude=36.34,
                   longitude=43.13, actor1="Protesters (Iraq)", actor2=None, event_type="Protests", sub_event_type="Peaceful protest"),
            _event("XXX-5", event_date=date(2024, 1, 1), country=None, admin1=None, location=None, latitude=None, longitude=None,
                   geo_precision=None, actor1="IS", actor2=None),
            _event("FJI-6", event_date=date(2024, 1, 2), country="Fiji", admin1="Northern", latitude=-16.5, longitude=179.4, actor1=None, actor2=None),
        ]
    )
    return store


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (EventFilter(), ["IRQ-4", "SYR-1", "SYR-2", "FJI-6", "XXX-5", "SYR-3"]),
        (EventFilter(country="syria"), ["SYR-1", "SYR-2", "SYR-3"]),
        (EventFilter(country="IRQ"), ["IRQ-4"]),
        (EventFilter(admin1="idlib"), ["SYR-2"]),
        (EventFilter(event_type="Explosions/Remote violence"), ["SYR-2"]),
        (EventFilter(sub_event_type="peaceful protest"), ["IRQ-4"]),
        (EventFilter(actor="russia"), ["SYR-2"]),
        (EventFilter(actor="RUSSIA (2000"), ["SYR-2"]),
        (EventFilter(actor="tahrir"), ["SYR-3"]),  # associated actor
        (EventFilter(actor="IS"), ["SYR-1", "XXX-5", "SYR-3"]),  # short needle: substring of "Islamic State", "IS"
        (EventFilter(since=date(2024, 2, 1)), ["IRQ-4", "SYR-1", "SYR-2"]),
        (EventFilter(until=date(2024, 1, 2)), ["FJI-6", "XXX-5", "SYR-3"]),
        (EventFilter(since=date(2024, 1, 1), until=date(2024, 2, 1)), ["SYR-2", "FJI-6", "XXX-5"]),
        (EventFilter(min_fatalities=5), ["SYR-1", "SYR-3"]),
        (EventFilter(certainty=("claimed", "unverified")), ["SYR-2", "SYR-3"]),
        (EventFilter(hide_historical=True), ["IRQ-4", "SYR-1", "SYR-2", "FJI-6", "XXX-5"]),
        (EventFilter(hide_unverified=True), ["IRQ-4", "SYR-1", "SYR-2", "FJI-6", "XXX-5"]),
        (EventFilter(bbox=(36.0, 35.0, 38.0, 37.0)), ["SYR-1", "SYR-2", "SYR-3"]),
        (EventFilter(bbox=(37.16, 36.2, 43.13, 36.34)), ["IRQ-4", "SYR-1", "SYR-3"]),  # points on the edges count
        (EventFilter(bbox=(179.0, -17.0, -179.0, -16.0)), ["FJI-6"]),  # across the antimeridian
        (EventFilter(country="Syria", actor="islamic", min_fatalities=1, hide_historical=True), ["SYR-1"]),
        (EventFilter(actor="isl\x00amic"), []),  # a NUL matches no name (the trigram query failed on it)
    ],
)
@pytest.mark.parametrize("drive_below", [0, 10**9], ids=["walk", "drive"])
def test_sqlite_filters_each_field(
    filled: SQLiteStore, flt: EventFilter, expected: list[str], drive_below: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both ways of answering an actor or bbox filter (its index giving the events, a test on each) agree.
    monkeypatch.setattr(sqlite_module, "_DRIVE_BELOW", drive_below)
    got = [e.event_id for e in filled.query_events(flt)]
    assert got == expected
    assert filled.count_events(flt) == len(expected)
    assert [e.event_id for e in filled.iter_events(flt)] == expected
    assert filled.query_event_json(flt) == [sqlite_module.row_json(e) for e in filled.query_events(flt)]


def test_sqlite_query_pages_newest_first(filled: SQLiteStore) -> None:
    assert [e.event_id for e in filled.query_events(EventFilter(), limit=2)] == ["IRQ-4", "SYR-1"]
    assert [e.event_id for e in filled.query_events(EventFilter(), limit=2, offset=2)] == ["SYR-2", "FJI-6"]
    assert [e.event_id for e in filled.query_events(EventFilter(), offset=5)] == ["SYR-3"]


def test_sqlite_iter_events_streams_past_one_batch(store: SQLiteStore) -> None:
    events = [_event(f"SYR-{i:04d}", event_date=date(2020, 1, 1 + i % 28)) for i in range(1203)]
    assert store.bulk_load_events(events) == 1203
    ids = [e.event_id for e in store.iter_events()]
    assert len(ids) == len(set(ids)) == 1203
    assert ids == [e.event_id for e in store.query_events(EventFilter())]


def test_sqlite_bulk_load_replaces_same_id_and_round_trips(store: SQLiteStore) -> None:
    full = _event(
        "SYR-9", sources=(SourceRef("a1", "m1", "https://x.example/?q=1", "T", "Outlet", date(2024, 3, 2), "Orig"),),
        evidence=(Evidence("Sentence.", 10, 19, ("killed",)),), claims=(Claim("m1", "SOHR", "Outlet", 3, None),),
        fatalities_low=3, fatalities_best=3, fatalities_high=3, corroboration=1, event_date_end=date(2024, 3, 3),
        time_precision=TimePrecision.WEEK, injured=0,
    )
    store.bulk_load_events([_event("SYR-9", fatalities=1)])
    store.bulk_load_events([full])
    assert store.count_events(EventFilter()) == 1
    assert store.get_event("SYR-9") == full
    assert store.count_events(EventFilter(min_fatalities=1)) == 0


def test_sqlite_new_report_joins_stored_event_and_old_id_still_resolves(store: SQLiteStore) -> None:
    later = store.add_article(article("a2"), [make_report("m2", "a2", fatalities=2)])
    (old_id,) = later.events_created
    # m1 sorts before m2, so the merged event's canonical key (and id) changes.
    joined = store.add_article(article("a1"), [make_report("m1", "a1", fatalities=4, evidence="x")])
    (new_id,) = joined.events_updated
    assert new_id != old_id and not joined.events_created
    assert store.count_events(EventFilter()) == 1
    assert store.get_event(old_id).event_id == new_id
    assert [d["mention_id"] for d in store.merge_decisions(old_id)] == ["m1", "m2"]


def test_sqlite_report_joining_in_place_keeps_order_json_row_and_indexes(store: SQLiteStore) -> None:
    # m1 stays the first report, so the event keeps its id and is written in place; m3 sorts between the others
    # by mention id and by publication date, gives the finer place and, with the highest confidence, actor2.
    province = make_place("Aleppo", latitude=36.0, longitude=37.0, geo_precision=GeoPrecision.REGION,
                          gazetteer_id="geonames:170062")
    articles = [article("a1", published=date(2024, 3, 2)), article("a4", published=date(2024, 3, 5)),
                article("a3", published=date(2024, 3, 3))]
    reports = [make_report("m1", "a1", place=province, fatalities=3),
               make_report("m4", "a4", place=province, evidence="y"),
               make_report("m3", "a3", place=ALEPPO, evidence="x", confidence=0.9, fatalities=2,
                           actors=("Military Forces of Syria (2000-)", "Hayat Tahrir al-Sham"))]
    for a, r in zip(articles, reports):
        store.add_article(a, [r])
    (event,) = store.query_events(EventFilter())
    assert [event] == build_events(reports, articles)
    assert [s.article_id for s in event.sources] == ["a1", "a3", "a4"]
    assert [c.mention_id for c in event.claims] == ["m1", "m3", "m4"]
    assert (event.latitude, event.actor2, event.fatalities) == (36.2, "Hayat Tahrir al-Sham", 2)
    assert store.query_event_json(EventFilter()) == [sqlite_module.row_json(store.get_event(event.event_id))]
    assert store.count_events(EventFilter(bbox=(37.15, 36.19, 37.17, 36.21))) == 1
    assert store.count_events(EventFilter(bbox=(36.99, 35.99, 37.01, 36.01))) == 0
    assert store.count_events(EventFilter(actor="hayat tahrir")) == 1
    batch = {d.mention_id: (d.joined_to, d.reason) for c in plan_clusters(reports) for d in c.decisions}
    assert {d["mention_id"]: (d["joined_to"], d["reason"]) for d in store.merge_decisions(event.event_id)} == batch


def test_sqlite_adding_an_article_touches_only_events_it_joins(store: SQLiteStore) -> None:
    store.add_article(article("a1"), [make_report("m1", "a1")])
    store.add_article(article("a2"), [make_report("m2", "a2", place=IDLIB, evidence="x")])
    before = {e.event_id: e for e in store.iter_events()}
    result = store.add_article(article("a3"), [make_report("m3", "a3", place=IDLIB, evidence="y")])
    after = {e.event_id: e for e in store.iter_events()}
    assert len(result.events_updated) == 1 and not result.events_created
    untouched = [i for i in before if i not in result.events_updated]
    assert untouched and all(after[i] == before[i] for i in untouched)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(("Reuters", "Associated Press", "Daily", None)),
                          st.sampled_from(("x", "y", "Clashes broke out at dawn."))), min_size=1, max_size=10),
       st.randoms(use_true_random=False))
def test_sqlite_event_rows_written_in_pieces_are_the_rows_of_the_whole_event(
    specs: list[tuple[int, str | None, str]], rnd: object
) -> None:
    # reports of one incident from articles of other days and outlets (registered ones give a source_scale) and
    # shared sentences, added in any order: each join writes the JSON row and evidence of the whole event
    reports = [make_report(f"m{i:02d}", f"a{i:02d}", place=ALEPPO, evidence=text, fatalities=i % 3)
               for i, (_, _, text) in enumerate(specs)]
    articles = [article(f"a{i:02d}", outlet=outlet, published=date(2024, 3, 2) + timedelta(days=day))  # type: ignore[arg-type]
                for i, (day, outlet, _) in enumerate(specs)]
    order = list(range(len(specs)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    with open_store(":memory:") as store:
        for count, i in enumerate(order, 1):
            store.add_article(articles[i], [reports[i]])
            (event,) = store.iter_events()
            assert len(event.claims) == count
            with store.reading() as conn:
                row, evidence = conn.execute("SELECT row_json, evidence FROM events").fetchone()
            assert row == sqlite_module.row_json(event)
            assert evidence == codec.dumps(codec.evidence_to_list(event.evidence))
        kept = [reports[i] for i in order]
        assert replace(event, acled_id=None, timestamp=None) == build_events(kept, [articles[i] for i in order])[0]


REGION = make_place("Aleppo province", latitude=36.25, longitude=37.1, geo_precision=GeoPrecision.REGION,
                    gazetteer_id="geonames:170062")
NEARBY = make_place("Haritan", latitude=36.27, longitude=37.13, gazetteer_id="geonames:170000")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from((ALEPPO, REGION, NEARBY)), st.sampled_from(list(TimePrecision)[:2]),
                          st.integers(0, 1), st.booleans(), st.integers(0, 2)), min_size=2, max_size=14),
       st.randoms(use_true_random=False))
def test_sqlite_reports_joining_a_kept_event_give_the_batch_events_and_decisions(
    specs: list[tuple[object, TimePrecision, int, bool, int]], rnd: object
) -> None:
    # reports of one incident and its neighbours in other shapes (places, precisions, days, one actor unnamed, a
    # republished sentence), in any order: joins decided by kept events' envelopes are the batch merge's
    actors = ("Military Forces of Syria (2000-)", "Islamic State (Syria)")
    sentences = ("x", "y", "Shelling hit the eastern districts of the town early on Tuesday morning.")
    reports = [make_report(f"m{i:02d}", f"a{i:02d}", place=place, time_precision=precision,  # type: ignore[arg-type]
                           day=date(2024, 3, 1) + timedelta(days=day), actors=actors if both else actors[:1],
                           evidence=sentences[text], end=date(2024, 3, 7) if precision == TimePrecision.WEEK else None)
               for i, (place, precision, day, both, text) in enumerate(specs)]
    articles = [article(f"a{i:02d}") for i in range(len(specs))]
    order = list(range(len(specs)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    with open_store(":memory:") as store:
        for i in order:
            store.add_article(articles[i], [reports[i]])
        stored = sorted((replace(e, acled_id=None, timestamp=None) for e in store.iter_events()), key=lambda e: e.event_id)
        assert stored == sorted(build_events(reports, articles), key=lambda e: e.event_id)
        decisions = {d["mention_id"]: (d["joined_to"], d["score"], d["reason"])
                     for e in stored for d in store.merge_decisions(e.event_id)}
    assert decisions == {d.mention_id: (d.joined_to, d.score, d.reason)
                         for c in plan_clusters(reports) for d in c.decisions}


def test_sqlite_large_incident_joins_through_the_kept_envelope(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # once an event is kept, a report of a new article linked to all its reports joins without the reports being
    # compared one by one, and the event and decisions are those of the batch merge
    reports = [make_report(f"m{i:02d}", f"a{i:02d}", place=ALEPPO if i % 3 else NEARBY, fatalities=i % 4,
                           evidence=f"Report {i}.") for i in range(30)]
    articles = [article(f"a{i:02d}", outlet=f"Outlet {i % 4}") for i in range(30)]
    for a, r in zip(articles[:3], reports[:3]):
        store.add_article(a, [r])

    def compared(*args: object) -> None:
        raise AssertionError("compared one by one")

    monkeypatch.setattr(sqlite_module, "report_links", compared)
    for a, r in zip(articles[3:], reports[3:]):
        store.add_article(a, [r])
    (event,) = store.iter_events()
    assert replace(event, acled_id=None, timestamp=None) == build_events(reports, articles)[0]
    batch = {d.mention_id: (d.joined_to, d.score, d.reason) for c in plan_clusters(reports) for d in c.decisions}
    assert {d["mention_id"]: (d["joined_to"], d["score"], d["reason"]) for d in store.merge_decisions(event.event_id)} == batch


def test_sqlite_kept_envelope_moves_decisions_to_a_stronger_or_earlier_link(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # m07 first names m00 (a province-level report); m05 then links more strongly to m07, m09 as strongly to an
    # earlier report, and so again for m03: each decision names the report the batch merge names
    places = {"m00": REGION, "m07": ALEPPO, "m09": ALEPPO, "m05": ALEPPO, "m03": ALEPPO}
    reports = [make_report(m, "a" + m[1:], place=place, evidence=f"Report {m}.") for m, place in places.items()]
    articles = [article("a" + m[1:]) for m in places]
    store.add_article(articles[0], [reports[0]])
    store.add_article(articles[1], [reports[1]])
    monkeypatch.setattr(sqlite_module, "report_links", lambda *args: pytest.fail("compared one by one"))
    for count in range(2, len(reports)):
        store.add_article(articles[count], [reports[count]])
        (event,) = store.iter_events()
        batch = {d.mention_id: (d.joined_to, d.score, d.reason) for c in plan_clusters(reports[:count + 1])
                 for d in c.decisions}
        stored = {d["mention_id"]: (d["joined_to"], d["score"], d["reason"]) for d in store.merge_decisions(event.event_id)}
        assert stored == batch
    assert stored["m07"][0] == "m03" and stored["m09"][0] == "m03"


def test_sqlite_merge_decisions_record_score_and_reason(store: SQLiteStore) -> None:
    store.add_article(article("a1"), [make_report("m1", "a1")])
    store.add_article(article("a2"), [make_report("m2", "a2", evidence="x")])
    (event,) = store.query_events(EventFilter())
    first, second = store.merge_decisions(event.event_id)
    assert first["mention_id"] == "m1" and first["joined_to"] is None and first["article_id"] == "a1"
    assert second["mention_id"] == "m2" and second["joined_to"] == "m1"
    assert second["score"] >= 0.75 and "same day" in second["reason"] and second["decided_at"]


def test_sqlite_unmerge_splits_and_later_ingest_does_not_glue_back(store: SQLiteStore) -> None:
    store.add_article(article("a1"), [make_report("m1", "a1", fatalities=1)])
    store.add_article(article("a2"), [make_report("m2", "a2", fatalities=2, evidence="x")])
    (merged,) = store.query_events(EventFilter())
    new_ids = store.unmerge(merged.event_id)
    assert len(new_ids) == 2 and merged.event_id not in new_ids
    assert sorted(store.get_event(i).fatalities for i in new_ids) == [1, 2]
    with pytest.raises(NotFound):
        store.get_event(merged.event_id)
    for event_id in new_ids:
        (decision,) = store.merge_decisions(event_id)
        assert decision["reason"] == f"split from {merged.event_id} by unmerge"
    # A third report of the same incident starts its own event instead of re-joining the split reports.
    result = store.add_article(article("a3"), [make_report("m3", "a3", evidence="y")])
    assert len(result.events_created) == 1 and not result.events_updated
    assert store.count_events(EventFilter()) == 3
    store.bulk_load_events([_event("SYR-77")])
    with pytest.raises(StoreError):
        store.unmerge("SYR-77")  # bulk-loaded events have no reports to split


def test_sqlite_record_run_keeps_counts_and_failures(store: SQLiteStore) -> None:
    report = RunReport("run-1", {"articles.stored": 3}, (Failure("bad.bin", "ingest", "E103", "bad.bin: binary"),))
    store.record_run(report)
    store.record_run(replace(report, counts={"articles.stored": 4}))
    (run,) = store.runs()
    assert run["counts"] == {"articles.stored": 4}
    assert run["failures"] == [{"source": "bad.bin", "stage": "ingest", "code": "E103", "message": "bad.bin: binary"}]


def test_sqlite_mention_of_another_article_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(StoreError) as err:
        store.add_article(article("a1"), [make_report("m1", "other")])
    assert "m1" in str(err.value) and err.value.code == "E601"
    assert not store.has_article("a1")


def test_sqlite_store_serves_several_threads(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.sqlite")
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(5):
                aid = f"t{k}-{i}"
                store.add_article(article(aid), [make_report(f"m{aid}", aid, place=IDLIB if i % 2 else ALEPPO, evidence=aid)])
                store.count_events(EventFilter())
        except BaseException as err:  # collected and re-raised by the test below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(len(e.sources) for e in store.iter_events()) == 20
    store.close()


def test_sqlite_resolved_reports_survive_storage(store: SQLiteStore) -> None:
    report = make_report("m1", "a1", assoc=("Hayat Tahrir al-Sham",), injured=2, notes="n", historical=True,
                         day=date(2024, 3, 1), end=date(2024, 3, 7), time_precision=TimePrecision.WEEK)
    store.add_article(article("a1"), [report])
    with store._lock:
        (loaded,), _ = store._load_mentions(store._conn, ["m1"])
    assert isinstance(loaded, ResolvedEvent)
    assert loaded == report


def test_sqlite_remerge_rebuilds_the_same_events_and_keeps_splits(store: SQLiteStore) -> None:
    store.add_article(article("a1"), [make_report("m1", "a1", fatalities=1)])
    store.add_article(article("a2"), [make_report("m2", "a2", fatalities=2, evidence="x")])
    store.add_article(article("a3"), [make_report("m3", "a3", place=IDLIB, evidence="y")])
    store.add_article(article("a4"), [make_report("m4", "a4", place=IDLIB, evidence="z")])
    store.bulk_load_events([_event("IRQ-bulk")])
    before = sorted(store.iter_events(), key=lambda e: e.event_id)
    counts = store.remerge()
    assert counts == {"reports": 4, "events_before": 2, "events_after": 2, "ids_changed": 0}
    assert sorted(store.iter_events(), key=lambda e: e.event_id) == before
    aleppo = next(e for e in before if e.location == "Aleppo" and e.claims)
    store.unmerge(aleppo.event_id)
    after_split = sorted(store.iter_events(), key=lambda e: e.event_id)
    assert store.remerge()["events_after"] == 3  # m1 and m2 stay apart; the Idlib pair stays together
    assert sorted(store.iter_events(), key=lambda e: e.event_id) == after_split
    (decision,) = store.merge_decisions(next(e.event_id for e in after_split if e.claims and e.claims[0].mention_id == "m1"))
    assert decision["reason"] == f"split from {aleppo.event_id} by unmerge"


def test_sqlite_event_json_rows_written_by_another_mapping_are_rebuilt(filled: SQLiteStore) -> None:
    # Rows stored by an older event_to_row (or before the row_json column existed) are never served as stored.
    expected = [sqlite_module.row_json(e) for e in filled.query_events(EventFilter(), limit=3, offset=1)]
    with filled._transaction() as conn:
        conn.execute("UPDATE events SET row_json = '{\"old\":1}', row_format = 'older' WHERE event_id = 'SYR-1'")
        conn.execute("UPDATE events SET row_json = NULL, row_format = NULL WHERE event_id = 'SYR-2'")
    assert filled.query_event_json(EventFilter(), limit=3, offset=1) == expected
    assert filled.query_event_json(EventFilter(actor="nobody at all")) == []


def test_sqlite_acled_ids_count_per_country_in_order_of_storage_and_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "ids.sqlite"
    with open_store(path) as s:
        s.bulk_load_events([_event("SYR-b"), _event("IRQ-a", country="Iraq"), _event("SYR-a")])
        s.bulk_load_events([_event("SYR-b", fatalities=9), _event("SYR-c")])  # a rewrite keeps its id
        first = {e.event_id: e.acled_id for e in s.iter_events()}
    assert first == {"SYR-b": "SYR1", "IRQ-a": "IRQ1", "SYR-a": "SYR2", "SYR-c": "SYR3"}
    with open_store(path) as s:
        assert {e.event_id: e.acled_id for e in s.iter_events()} == first
        assert s.get_event("SYR2").event_id == "SYR-a"  # the ACLED-style id finds the event too
        assert s.get_event("SYR-b").timestamp is not None


def test_sqlite_acled_id_passes_to_the_event_a_stored_one_merges_into(store: SQLiteStore) -> None:
    later = store.add_article(article("a2"), [make_report("m2", "a2", fatalities=2)])
    (old_id,) = later.events_created
    old_acled = store.get_event(old_id).acled_id
    joined = store.add_article(article("a1"), [make_report("m1", "a1", fatalities=4, evidence="x")])
    (new_id,) = joined.events_updated
    assert new_id != old_id and store.get_event(new_id).acled_id == old_acled == "SYR1"
    pieces = store.unmerge(new_id)
    assert sorted(store.get_event(i).acled_id for i in pieces) == ["SYR1", "SYR2"]  # numbers are never reused


def test_sqlite_change_counter_moves_on_writes_only(tmp_path: Path) -> None:
    path = tmp_path / "changes.sqlite"

    def counter() -> int:
        conn = sqlite3.connect(path)
        try:
            return int(conn.execute("SELECT n FROM store_changes").fetchone()[0])
        finally:
            conn.close()

    with open_store(path) as s:
        s.bulk_load_events([_event("SYR-a")])
    after_write = counter()
    with open_store(path) as s:
        list(s.iter_events())
        s.get_event("SYR-a")
    assert counter() == after_write > 0
    with open_store(path) as s:
        s.add_article(article("a1"), [])
    assert counter() > after_write


COPY_BODY = " ".join(
    f"Line {n}: shelling hit district {n} of the city while crews cleared rubble on street number {n * 11}."
    for n in range(10)
)


def test_sqlite_near_copy_joins_the_original_events_as_a_source(store: SQLiteStore) -> None:
    original = replace(article("a1", outlet="Wire"), text=COPY_BODY)
    store.add_article(original, [make_report("m1", "a1", place=ALEPPO)])
    copy = replace(article("c1", outlet="Daily"), text="Reprinted with a new headline.\n" + COPY_BODY)
    assert store.claim_original(copy) == "a1"
    result = store.add_copy(copy, "a1")
    assert result is not None and result.stored and result.n_mentions == 0
    (event,) = store.iter_events()
    assert [s.article_id for s in event.sources] == ["a1", "c1"]
    assert event.sources[1].outlet == "Daily" and event.sources[1].mention_id == "m1"
    assert event.corroboration == 2 and len(event.claims) == 1
    # a second copy from the same outlet is one more source, not one more independent outlet
    again = replace(article("c2", outlet="Daily"), text="Another new headline.\n" + COPY_BODY)
    store.add_copy(again, "c1")  # a copy of a copy joins the first original
    (event,) = store.iter_events()
    assert len(event.sources) == 3 and event.corroboration == 2
    assert not store.add_copy(again, "a1").stored  # type: ignore[union-attr]


@pytest.mark.parametrize("n_copies", [1, 3, 70])
def test_sqlite_copies_join_in_place_and_every_row_read_is_the_event_s(store: SQLiteStore, n_copies: int) -> None:
    # the first copy rebuilds the event and keeps its parts; later ones add their source in place (past
    # STALE_AFTER the row is left stale until the run's end); what a reader gets is always the whole event
    store.add_article(replace(article("a1", outlet="Wire"), text=COPY_BODY), [make_report("m1", "a1", place=ALEPPO)])
    for i in range(n_copies):
        copy = replace(article(f"c{i:03d}", outlet=f"Outlet {i % 5}"), text=f"Lead {i}.\n" + COPY_BODY)
        assert store.add_copy(copy, "a1").stored  # type: ignore[union-attr]
        (event,) = store.iter_events()
        assert [s.article_id for s in event.sources] == ["a1", *(f"c{j:03d}" for j in range(i + 1))]
        assert event.corroboration == 1 + min(i + 1, 5)
        assert store.query_event_json(EventFilter()) == [sqlite_module.row_json(store.get_event(event.event_id))]
    store.refresh_stale_rows()
    (event,) = store.iter_events()
    assert event.acled_id is not None
    assert store.query_event_json(EventFilter()) == [sqlite_module.row_json(event)]
    assert store._conn.execute("SELECT count(*) FROM events WHERE row_json IS NULL").fetchone()[0] == 0


def test_sqlite_copies_after_the_first_do_not_rebuild_the_event(store: SQLiteStore,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_article(replace(article("a1"), text=COPY_BODY), [make_report("m1", "a1", place=ALEPPO)])
    store.add_copy(replace(article("c0", outlet="Daily"), text="Lead.\n" + COPY_BODY), "a1")
    built: list[str] = []
    real = sqlite_module.EventParts.build

    def counting(*args: object, **kwargs: object) -> object:
        built.append("build")
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlite_module.EventParts, "build", counting)
    for i in range(1, 6):
        store.add_copy(replace(article(f"c{i}", outlet="Daily"), text=f"Lead {i}.\n" + COPY_BODY), "a1")
    assert built == []
    (event,) = store.iter_events()
    assert len(event.sources) == 7 and event.corroboration == 2


def test_sqlite_refresh_rows_rewrites_rows_of_another_format_and_nothing_else(store: SQLiteStore) -> None:
    # rows written by another version (another row_format) are rebuilt on every read until refresh_rows
    # rewrites them, once; rows already in this version's format are left as they are
    for i in range(5):
        store.add_article(article(f"a{i}", outlet=f"Outlet {i}"),
                          [make_report(f"m{i}", f"a{i}", day=date(2024, 3, 1) + timedelta(days=7 * i), evidence=f"Clash {i}.")])
    expected = store.query_event_json(EventFilter())
    assert len(expected) == 5
    with store.write_transaction() as conn:
        conn.execute("UPDATE events SET row_json = '{}', row_format = 'an older version' WHERE event_id IN "
                     "(SELECT event_id FROM events ORDER BY event_id LIMIT 3)")
    assert store.query_event_json(EventFilter()) == expected  # rebuilt on read
    seen: list[int] = []
    assert store.refresh_rows(batch=2, progress=seen.append) == 3 and sum(seen) == 3
    stored = [r[0] for r in store._conn.execute("SELECT row_json FROM events ORDER BY event_date DESC, event_id")]
    assert sorted(stored) == sorted(expected)
    assert store.refresh_rows() == 0


def test_sqlite_copy_sources_survive_a_later_merge_and_remerge(store: SQLiteStore) -> None:
    store.add_article(replace(article("a1"), text=COPY_BODY), [make_report("m1", "a1", place=ALEPPO)])
    store.add_copy(replace(article("c1", outlet="Daily"), text="New lead.\n" + COPY_BODY), "a1")
    store.add_article(article("a2", outlet="Other"), [make_report("m2", "a2", place=ALEPPO, evidence="Clashes again.")])
    (event,) = store.iter_events()
    assert {s.article_id for s in event.sources} == {"a1", "a2", "c1"}
    store.remerge()
    (event,) = store.iter_events()
    assert {s.article_id for s in event.sources} == {"a1", "a2", "c1"}


def test_sqlite_kept_parts_of_an_event_rewritten_since_are_not_used(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # m2 joins in place and its event's parts are kept; a copy of a1 then rewrites the event, and a join that
    # fails rolls back after its parts were kept: each later join still gives the event of all its reports
    store.add_article(replace(article("a1"), text=COPY_BODY), [make_report("m1", "a1", place=ALEPPO)])
    store.add_article(article("a2", outlet="Other"), [make_report("m2", "a2", place=ALEPPO, evidence="x")])
    store.add_copy(replace(article("c1", outlet="Daily"), text="New lead.\n" + COPY_BODY), "a1")
    store.add_article(article("a3", outlet="Third"), [make_report("m3", "a3", place=ALEPPO, evidence="y")])
    (event,) = store.iter_events()
    assert [s.article_id for s in event.sources] == ["a1", "a2", "a3", "c1"] and event.corroboration == 4

    def boom(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SQLiteStore, "_assign_acled_ids", boom)  # after the event is written and its parts kept
    with pytest.raises(RuntimeError):
        store.add_article(article("a4"), [make_report("m4", "a4", place=ALEPPO, evidence="z", fatalities=5)])
    monkeypatch.undo()
    reports = [make_report("m5", "a5", place=ALEPPO, evidence="w", fatalities=7)]
    store.add_article(article("a5", outlet="Fifth"), reports)
    (event,) = store.iter_events()
    assert [s.article_id for s in event.sources] == ["a1", "a2", "a3", "a5", "c1"]
    assert [c.mention_id for c in event.claims] == ["m1", "m2", "m3", "m5"] and event.fatalities == 7
    assert event.corroboration == 5


def test_sqlite_copy_of_an_article_not_stored_is_refused(store: SQLiteStore) -> None:
    copy = replace(article("c1"), text=COPY_BODY)
    assert store.add_copy(copy, "never-stored") is None
    assert not store.has_article("c1")


def test_sqlite_original_claimed_before_it_is_stored_is_found_by_its_copies(tmp_path: Path) -> None:
    first = open_store(tmp_path / "copies.sqlite")
    original = replace(article("a1"), text=COPY_BODY)
    assert first.claim_original(original) is None  # on its way: not stored yet
    assert first.claim_original(replace(article("c1"), text="Lead.\n" + COPY_BODY)) == "a1"
    first.add_article(original, [make_report("m1", "a1", place=ALEPPO)])
    first.close()
    # signatures are stored with the article: a new session finds copies of it too
    second = open_store(tmp_path / "copies.sqlite")
    try:
        assert second.claim_original(replace(article("c2"), text="Other lead.\n" + COPY_BODY)) == "a1"
    finally:
        second.close()


def test_sqlite_row_format_follows_the_acled_tables_the_rows_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conflictlog.export import acled

    before = sqlite_module._row_format()
    assert before == sqlite_module._ROW_FORMAT
    changed = tmp_path / "regions.csv"
    changed.write_bytes(acled.REGIONS_CSV.read_bytes() + b"\n")
    monkeypatch.setattr(acled, "REGIONS_CSV", changed)
    assert sqlite_module._row_format() != before


def test_sqlite_row_format_follows_the_outlet_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sqlite_module.row_format()
    user = tmp_path / "outlets.toml"
    user.write_text('[[outlet]]\nname = "Borno Daily"\nkind = "local"\n', encoding="utf-8")
    monkeypatch.setenv("CONFLICTLOG_OUTLETS", str(user))
    assert sqlite_module.row_format() != before


def test_sqlite_stored_since_selects_events_written_after_a_time(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_module, "_now", lambda: "2024-05-01T10:00:00+00:00")
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO)])
    monkeypatch.setattr(sqlite_module, "_now", lambda: "2024-05-02T10:00:00+00:00")
    store.add_article(article("a2"), [make_report("m2", "a2", place=MOSUL)])

    def locations(since: datetime) -> list[str | None]:
        return [e.location for e in store.query_events(EventFilter(stored_since=since))]

    assert locations(datetime(2024, 5, 1, 12)) == ["Mosul"]  # naive: UTC
    assert sorted(locations(datetime(2024, 5, 1, 10))) == ["Aleppo", "Mosul"]
    assert locations(datetime(2024, 5, 2, 12, tzinfo=timezone(timedelta(hours=5)))) == ["Mosul"]  # 07:00 UTC
    assert locations(datetime(2024, 5, 2, 10, 0, 1)) == []
    assert store.count_events(EventFilter(stored_since=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))))) == 2
    # an update of an older event makes it new again
    monkeypatch.setattr(sqlite_module, "_now", lambda: "2024-05-03T10:00:00+00:00")
    store.add_article(article("a3"), [make_report("m3", "a3", place=ALEPPO, fatalities=4, evidence="x")])
    assert locations(datetime(2024, 5, 3)) == ["Aleppo"]


def _stale_rows(store: SQLiteStore) -> int:
    with store.reading() as conn:
        return int(conn.execute("SELECT count(*) FROM events WHERE row_json IS NULL").fetchone()[0])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(("Reuters", "Daily", None)),
                          st.sampled_from(("x", "y", "Clashes broke out at dawn.")),
                          st.sampled_from(("none", "get", "query", "json", "refresh", "rebuild"))),
                min_size=1, max_size=12),
       st.randoms(use_true_random=False))
def test_sqlite_rows_a_join_leaves_stale_are_never_read_stale(
    specs: list[tuple[int, str | None, str, str]], rnd: object
) -> None:
    # past STALE_AFTER a join leaves the event's JSON row and evidence to the run's end; reads between joins (one
    # event, a page of events, a page of JSON rows) and refreshes (from kept parts or the stored event) in any
    # order give the row of the event as built
    reports = [make_report(f"m{i:02d}", f"a{i:02d}", place=ALEPPO, evidence=f"Report {i}. {text}", fatalities=i % 3)
               for i, (_, _, text, _) in enumerate(specs)]
    articles = [article(f"a{i:02d}", outlet=outlet, published=date(2024, 3, 2) + timedelta(days=day))  # type: ignore[arg-type]
                for i, (day, outlet, _, _) in enumerate(specs)]
    order = list(range(len(specs)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    seen_stale = False
    with patch.object(sqlite_module, "STALE_AFTER", 5), open_store(":memory:") as store:
        for count, i in enumerate(order, 1):
            store.add_article(articles[i], [reports[i]])
            seen_stale = seen_stale or _stale_rows(store) > 0
            kept = [reports[j] for j in order[:count]]
            built = build_events(kept, [articles[j] for j in order[:count]])[0]
            read = specs[i][3]
            if read in ("refresh", "rebuild"):
                if read == "rebuild":  # without kept parts the row is built from the stored event
                    store._parts.clear()
                store.refresh_stale_rows()
                assert _stale_rows(store) == 0
            (event_id,) = [e.event_id for e in store.iter_events()]
            if read == "get":
                assert replace(store.get_event(event_id), acled_id=None, timestamp=None) == built
            elif read == "query":
                (event,) = store.query_events(EventFilter())
                assert replace(event, acled_id=None, timestamp=None) == built
            elif read == "json":
                (row,) = store.query_event_json(EventFilter())
                assert row == sqlite_module.row_json(store.get_event(event_id))
                assert json.loads(row)["evidence"] == [evidence_item(ev) for ev in built.evidence]
        # joins keep the event's id (and so join in place) when its smallest mention id came first
        assert seen_stale or order[0] != 0 or len(specs) < 3
        assert store.refresh_stale_rows() <= 1
        assert _stale_rows(store) == 0
        event = store.get_event(event_id)
        with store.reading() as conn:
            row, evidence = conn.execute("SELECT row_json, evidence FROM events").fetchone()
        assert row == sqlite_module.row_json(event)
        assert codec.evidence_from_list(json.loads(evidence)) == event.evidence
        assert replace(event, acled_id=None, timestamp=None) == build_events(reports, articles)[0]


def test_sqlite_stale_join_moves_the_change_counter_and_keeps_joining_in_place(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a join that leaves the row stale is still a write the ETags see, and so is the refresh; joins after a
    # refresh still go through the kept envelope
    monkeypatch.setattr(sqlite_module, "STALE_AFTER", 5)
    reports = [make_report(f"m{i:02d}", f"a{i:02d}", place=ALEPPO, evidence=f"Report {i}.") for i in range(8)]
    articles = [article(f"a{i:02d}", outlet=f"Outlet {i}") for i in range(8)]

    def changes() -> int:
        with store.reading() as conn:
            return int(conn.execute("SELECT n FROM store_changes").fetchone()[0])

    for a, r in zip(articles[:4], reports[:4]):
        store.add_article(a, [r])
    assert _stale_rows(store) == 1
    before = changes()
    store.add_article(articles[4], [reports[4]])
    assert changes() > before and _stale_rows(store) == 1
    before = changes()
    assert store.refresh_stale_rows() == 1
    assert changes() > before and _stale_rows(store) == 0
    assert store.refresh_stale_rows() == 0
    monkeypatch.setattr(sqlite_module, "report_links", lambda *args: pytest.fail("compared one by one"))
    for a, r in zip(articles[5:], reports[5:]):
        store.add_article(a, [r])
    (event,) = store.iter_events()
    assert replace(event, acled_id=None, timestamp=None) == build_events(reports, articles)[0]


def test_sqlite_close_writes_the_rows_joins_left_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_module, "STALE_AFTER", 5)
    path = tmp_path / "stale.sqlite"
    with open_store(path) as s:
        for i in range(6):
            s.add_article(article(f"a{i}", outlet=f"Outlet {i}"), [make_report(f"m{i}", f"a{i}", place=ALEPPO)])
        assert _stale_rows(s) == 1
    with open_store(path) as s:
        assert _stale_rows(s) == 0
        (row,) = s.query_event_json(EventFilter())
        (event,) = s.iter_events()
        assert row == sqlite_module.row_json(event) and len(event.claims) == 6
