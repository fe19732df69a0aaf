"""Store properties: incremental merge equals batch merge in any ingest order; random events round-trip."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from conflictlog.merge.dedupe import build_events, plan_clusters
from conflictlog.records import Article, Certainty, Claim, Event, Evidence, GeoPrecision, ResolvedEvent, SourceRef, TimePrecision
from conflictlog.store import EventFilter, open_store

sys.path.insert(0, str(Path(__file__).parent))
from test_merge_props import World, worlds  # noqa: E402


def _articles(world: World) -> dict[str, Article]:
    articles: dict[str, Article] = {}
    for ref in world.sources.values():
        articles.setdefault(
            ref.article_id,
            Article(ref.article_id, f"{ref.article_id}.md", f"Text {ref.article_id}", url=ref.url, outlet=ref.outlet,
                    original_outlet=ref.original_outlet, published=ref.published),
        )
    return articles


def _by_article(world: World) -> dict[str, list[ResolvedEvent]]:
    grouped: dict[str, list[ResolvedEvent]] = {}
    for report in world.reports:
        grouped.setdefault(report.mention.article_id, []).append(report)
    return grouped


def _sorted(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: e.event_id)


def _store_in_random_order(world: World, rnd: object) -> Any:
    """An in-memory store with the world's articles added one by one in a shuffled order."""
    articles = _articles(world)
    grouped = _by_article(world)
    order = sorted(grouped)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    store = open_store(":memory:")
    for article_id in order:
        store.add_article(articles[article_id], grouped[article_id])
    return store


@given(worlds(max_reports=12), st.randoms(use_true_random=False))
def test_store_props_incremental_merge_decisions_equal_batch_decisions(world: World, rnd: object) -> None:
    # the store remembers earlier merges' links and scores only new pairs: the decisions must not change
    store = _store_in_random_order(world, rnd)
    try:
        stored = {d["mention_id"]: (d["joined_to"], d["score"], d["reason"])
                  for event in store.iter_events() for d in store.merge_decisions(event.event_id)}
    finally:
        store.close()
    batch = {d.mention_id: (d.joined_to, d.score, d.reason) for c in plan_clusters(list(world.reports))
             for d in c.decisions}
    assert stored.keys() == batch.keys()
    for mention_id, (joined_to, score, reason) in batch.items():
        got = stored[mention_id]
        assert (got[0], got[2]) == (joined_to, reason)
        assert (got[1] is None) == (score is None) and (score is None or abs(got[1] - score) < 1e-6)


@given(worlds(max_reports=10), st.randoms(use_true_random=False))
def test_store_props_incremental_equals_batch_in_any_order(world: World, rnd: object) -> None:
    articles = _articles(world)
    grouped = _by_article(world)
    store = _store_in_random_order(world, rnd)
    try:
        stored = _sorted(list(store.iter_events()))
        assert stored == _sorted(build_events(list(world.reports), articles))
        # Ingesting everything again changes nothing.
        for article_id in sorted(grouped):
            assert not store.add_article(articles[article_id], grouped[article_id]).stored
        assert _sorted(list(store.iter_events())) == stored
        assert store.count_events(EventFilter()) == len(stored)
        # Rebuilding every event from the stored reports gives the same events and ids.
        assert store.remerge()["ids_changed"] == 0
        assert _sorted(list(store.iter_events())) == stored
    finally:
        store.close()


@given(worlds(max_reports=8))
def test_store_props_unmerge_keeps_every_report(world: World) -> None:
    articles = _articles(world)
    store = open_store(":memory:")
    try:
        for article_id, reports in sorted(_by_article(world).items()):
            store.add_article(articles[article_id], reports)
        biggest = max(store.iter_events(), key=lambda e: (len(e.claims), e.event_id))
        new_ids = store.unmerge(biggest.event_id)
        assert len(new_ids) == len(biggest.claims)
        split = _sorted(list(store.iter_events()))
        store.remerge()
        assert _sorted(list(store.iter_events())) == split  # a re-merge does not glue split reports back
        claimed = sorted(c.mention_id for e in store.iter_events() for c in e.claims)
        assert claimed == sorted(r.mention.mention_id for r in world.reports)
    finally:
        store.close()


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
OPT_TEXT = st.none() | TEXT
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
SMALL = st.integers(0, 10_000)


@st.composite
def random_events(draw: st.DrawFn) -> Event:
    located = draw(st.booleans())
    return Event(
        event_id=draw(st.sampled_from(("SYR", "IRQ", "XXX"))) + "-" + draw(st.text("0123456789abcdef", min_size=12, max_size=12)),
        event_date=draw(DATES),
        time_precision=draw(st.sampled_from(list(TimePrecision))),
        event_type=draw(TEXT),
        sub_event_type=draw(TEXT),
        actor1=draw(OPT_TEXT),
        actor2=draw(OPT_TEXT),
        assoc_actor_1=tuple(draw(st.lists(TEXT, max_size=3))),
        assoc_actor_2=tuple(draw(st.lists(TEXT, max_size=3))),
        country=draw(OPT_TEXT),
        admin1=draw(OPT_TEXT),
        admin2=draw(OPT_TEXT),
        location=draw(OPT_TEXT),
        latitude=draw(st.floats(-90, 90)) if located else None,
        longitude=draw(st.floats(-180, 180)) if located else None,
        geo_precision=draw(st.none() | st.sampled_from(list(GeoPrecision))),
        fatalities=draw(SMALL),
        injured=draw(st.none() | SMALL),
        claimed_by=draw(OPT_TEXT),
        certainty=draw(st.sampled_from(list(Certainty))),
        historical=draw(st.booleans()),
        notes=draw(TEXT),
        sources=tuple(
            draw(
                st.lists(
                    st.builds(SourceRef, TEXT, TEXT, OPT_TEXT, OPT_TEXT, OPT_TEXT, st.none() | DATES, OPT_TEXT), max_size=3
                )
            )
        ),
        evidence=tuple(draw(st.lists(st.builds(Evidence, TEXT, SMALL, SMALL, st.lists(TEXT, max_size=2).map(tuple)), max_size=3))),
        claims=tuple(draw(st.lists(st.builds(Claim, TEXT, OPT_TEXT, OPT_TEXT, SMALL, st.none() | SMALL), max_size=3))),
        fatalities_low=draw(st.none() | SMALL),
        fatalities_best=draw(st.none() | SMALL),
        fatalities_high=draw(st.none() | SMALL),
        corroboration=draw(st.integers(1, 20)),
        event_date_end=draw(st.none() | DATES),
    )


@given(st.lists(random_events(), max_size=5, unique_by=lambda e: e.event_id))
def test_store_props_random_events_round_trip(events: list[Event]) -> None:
    store = open_store(":memory:")
    try:
        assert store.bulk_load_events(events) == len(events)
        for event in events:
            assert store.get_event(event.event_id) == event
        assert store.count_events(EventFilter()) == len(events)
        assert sorted(e.event_id for e in store.iter_events()) == sorted(e.event_id for e in events)
    finally:
        store.close()
