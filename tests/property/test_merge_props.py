"""Merge properties: idempotent, independent of input order, stable event ids, every report in one event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from conflictlog.bench_merge import make_place, make_report
from conflictlog.merge.dedupe import _Features as Features
from conflictlog.merge.dedupe import EventParts, build_event, cluster_mentions, event_id_for, plan_clusters, score_pair
from conflictlog.merge.keys import load_rules
from conflictlog.records import Certainty, GeoPrecision, ResolvedEvent, SourceRef, TimePrecision

# A small world so that random reports often describe the same incident.
PLACES = (
    make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:1"),
    make_place("Haritan", latitude=36.27, longitude=37.13, gazetteer_id="geonames:2"),
    make_place("Aleppo", latitude=36.1, longitude=37.4, geo_precision=GeoPrecision.REGION, gazetteer_id="geonames:3"),
    make_place("Idlib", latitude=35.93, longitude=36.63, admin1="Idlib", gazetteer_id="geonames:4"),
    make_place("Mosul", "IRQ", 36.34, 43.13, admin1="Nineveh", gazetteer_id="geonames:5"),
    None,
)
TYPES = (
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Protests", "Peaceful protest"),
)
ACTORS = ("Military Forces of Syria (2000-)", "Islamic State (Syria)", "Syrian Democratic Forces", "Civilians (Syria)")
SENTENCES = (
    "Clashes broke out at dawn.",
    "Shelling hit the town.",
    "Heavy shelling hit the eastern districts of the town early on Tuesday morning.",
    "Several hundred protesters gathered outside the governor's office to demand the release of detainees.",
)
OUTLETS = ("Outlet A", "Outlet B", "Outlet C")


@dataclass(frozen=True)
class World:
    reports: tuple[ResolvedEvent, ...]
    sources: dict[str, SourceRef]


@st.composite
def report_specs(draw: st.DrawFn) -> dict[str, object]:
    etype, sub = draw(st.sampled_from(TYPES))
    precision = draw(st.sampled_from(list(TimePrecision)))
    day = date(2024, 3, 1) + timedelta(days=draw(st.integers(0, 6)))
    return {
        "event_type": etype,
        "sub_event_type": sub,
        "day": day,
        "end": day + timedelta(days=6) if precision != TimePrecision.DAY else day,
        "time_precision": precision,
        "dated": draw(st.booleans()) or draw(st.booleans()),
        "place": draw(st.sampled_from(PLACES)),
        "actors": tuple(draw(st.lists(st.sampled_from(ACTORS), max_size=2, unique=True))),
        "fatalities": draw(st.integers(0, 12)),
        "injured": draw(st.none() | st.integers(0, 5)),
        "certainty": draw(st.sampled_from(list(Certainty))),
        "historical": draw(st.booleans()),
        "evidence": draw(st.sampled_from(SENTENCES)),
        "confidence": draw(st.sampled_from((0.5, 0.7, 0.9))),
        "claimed_by": draw(st.none() | st.sampled_from(("SOHR", "SDF press center"))),
    }


@st.composite
def worlds(draw: st.DrawFn, max_reports: int = 14) -> World:
    specs = draw(st.lists(report_specs(), min_size=1, max_size=max_reports))
    reports: list[ResolvedEvent] = []
    sources: dict[str, SourceRef] = {}
    for i, spec in enumerate(specs):
        article_id = f"a{draw(st.integers(0, max(0, i)))}"  # some articles carry several reports
        mention_id = f"m{i:03d}"
        reports.append(make_report(mention_id, article_id, **spec))  # type: ignore[arg-type]
        outlet = OUTLETS[int(article_id[1:]) % len(OUTLETS)]
        original = OUTLETS[0] if int(article_id[1:]) % 4 == 3 else None
        sources[mention_id] = SourceRef(article_id, mention_id, f"https://n.example/{article_id}", None, outlet, date(2024, 3, 8), original)
    return World(tuple(reports), sources)


@given(worlds(), st.randoms(use_true_random=False))
def test_merge_props_order_independent(world: World, rnd: object) -> None:
    shuffled = list(world.reports)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert cluster_mentions(shuffled, world.sources) == cluster_mentions(list(world.reports), world.sources)


@given(worlds())
def test_merge_props_idempotent(world: World) -> None:
    once = cluster_mentions(list(world.reports), world.sources)
    assert cluster_mentions(list(world.reports) * 2, world.sources) == once
    assert cluster_mentions(list(world.reports), world.sources) == once


@given(worlds())
def test_merge_props_every_report_in_exactly_one_event(world: World) -> None:
    events = cluster_mentions(list(world.reports), world.sources)
    claimed = [c.mention_id for e in events for c in e.claims]
    assert sorted(claimed) == sorted(r.mention.mention_id for r in world.reports)
    assert len({e.event_id for e in events}) == len(events)
    for e in events:
        assert e.fatalities_low is not None and e.fatalities_high is not None and e.fatalities_best is not None
        assert e.fatalities_low <= e.fatalities_best <= e.fatalities_high
        assert 1 <= e.corroboration <= len(e.sources)


@given(worlds())
def test_merge_props_ids_are_hash_of_smallest_report(world: World) -> None:
    by_id = {r.mention.mention_id: r for r in world.reports}
    events = {e.event_id: e for e in cluster_mentions(list(world.reports), world.sources)}
    for cluster in plan_clusters(list(world.reports)):
        first = by_id[min(cluster.mention_ids)]
        assert cluster.key == first.mention.mention_id
        matching = [e for e in events.values() if {c.mention_id for c in e.claims} == set(cluster.mention_ids)]
        assert len(matching) == 1
        assert matching[0].event_id.split("-")[1] == event_id_for(cluster.key, None).split("-")[1]


@given(worlds())
def test_merge_props_unrelated_report_changes_no_event(world: World) -> None:
    before = cluster_mentions(list(world.reports), world.sources)
    far = make_report("zzz", "far", place=make_place("Kabul", "AFG", 34.53, 69.17, admin1="Kabul"), day=date(2021, 1, 1))
    after = cluster_mentions([*world.reports, far], world.sources)
    assert [e for e in after if e.event_id.startswith("AFG-")][0].claims[0].mention_id == "zzz"
    assert [e for e in after if not e.event_id.startswith("AFG-")] == before


@given(worlds())
def test_merge_props_no_event_holds_exact_dates_more_than_a_day_apart(world: World) -> None:
    by_id = {r.mention.mention_id: r for r in world.reports}
    for cluster in plan_clusters(list(world.reports)):
        exact = [d for d in (by_id[m].mention.date for m in cluster.mention_ids)
                 if d is not None and d.precision == TimePrecision.DAY]
        for a in exact:
            for b in exact:
                assert max(a.start, b.start) - min(a.end, b.end) <= timedelta(days=1)


@given(worlds())
def test_merge_props_every_two_reports_of_an_event_are_linked(world: World) -> None:
    # complete linkage: no event holds two reports that would not merge on their own
    rules = load_rules()
    by_id = {r.mention.mention_id: r for r in world.reports}
    for cluster in plan_clusters(list(world.reports)):
        ids = sorted(cluster.mention_ids)
        for n, a in enumerate(ids):
            for b in ids[n + 1:]:
                result = score_pair(Features(by_id[a]), Features(by_id[b]), rules)
                assert result is not None and result[0] >= rules.threshold


@given(worlds())
def test_merge_props_event_values_come_from_its_reports(world: World) -> None:
    by_id = {r.mention.mention_id: r for r in world.reports}
    for event in cluster_mentions(list(world.reports), world.sources):
        reports = [by_id[c.mention_id] for c in event.claims]
        dated = [r.mention.date for r in reports if r.mention.date is not None]
        if dated:
            assert any(d.start == event.event_date for d in dated)
        assert event.fatalities in {0, *(r.mention.fatalities for r in reports)}
        places = [r.place for r in reports if r.place is not None]
        assert (event.latitude, event.longitude) in {(p.latitude, p.longitude) for p in places} | (
            set() if places else {(None, None)})


@given(worlds(), st.randoms(use_true_random=False), st.lists(st.none() | st.integers(0, 3), min_size=15, max_size=15))
def test_merge_props_event_parts_add_reports_of_new_articles_as_build_event_takes_them(
    world: World, rnd: object, days: list[int | None]
) -> None:
    # the store adds each report of a new article to the kept parts of its event: any order, same event
    sources = {m: replace(ref, published=None if days[int(ref.article_id[1:])] is None
                          else date(2024, 3, 2) + timedelta(days=days[int(ref.article_id[1:])]))
               for m, ref in world.sources.items()}
    by_article: dict[str, list[ResolvedEvent]] = {}
    for report in world.reports:
        by_article.setdefault(report.mention.article_id, []).append(report)
    articles = sorted(by_article)
    rnd.shuffle(articles)  # type: ignore[attr-defined]
    cut = rnd.randint(1, len(articles))  # type: ignore[attr-defined]
    first = [r for a in articles[:cut] for r in by_article[a]]
    later = [by_article[a][-1] for a in articles[cut:]]
    copies = {a: [SourceRef(f"copy-of-{a}", "", None, None, OUTLETS[i % len(OUTLETS)], date(2024, 3, 4))]
              for i, a in enumerate(articles[:cut]) if i % 2 == 0}
    key = min(r.mention.mention_id for r in first + later)
    parts = EventParts.build(key, first, sources, copies)
    for report in later:
        assert parts.can_add(report)
        parts.add(report, sources[report.mention.mention_id])
        assert not parts.can_add(report)
    assert parts.event() == build_event(key, first + later, sources, copies)
