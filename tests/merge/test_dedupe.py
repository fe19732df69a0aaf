"""Cross-article merge: which reports become one event, and how the event's fields are chosen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from conflictlog.bench_merge import make_place, make_report
from conflictlog.merge.dedupe import (
    build_event,
    build_events,
    cluster_mentions,
    event_evidence,
    haversine_km,
    link_between,
    plan_clusters,
    report_links,
)
from conflictlog.records import Article, Certainty, Evidence, GeoPrecision, SourceRef, TimePrecision

ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063")
# About 8 km from the Aleppo point above, another town.
NEAR_ALEPPO = make_place("Haritan", latitude=36.27, longitude=37.13, gazetteer_id="geonames:1")
IDLIB = make_place("Idlib", latitude=35.93, longitude=36.63, admin1="Idlib", gazetteer_id="geonames:169389")
ALEPPO_PROVINCE = make_place(
    "Aleppo", latitude=36.1, longitude=37.4, geo_precision=GeoPrecision.REGION, gazetteer_id="geonames:170062"
)


def src(mention_id: str, article_id: str, outlet: str | None, original: str | None = None) -> SourceRef:
    return SourceRef(article_id, mention_id, f"https://news.example/{article_id}", f"Title {article_id}", outlet, date(2024, 3, 2), original)


def test_dedupe_two_outlets_same_incident_become_one_event() -> None:
    a = make_report("m1", "a1", place=ALEPPO, fatalities=3)
    b = make_report("m2", "a2", place=ALEPPO, fatalities=5, evidence="Clashes in Aleppo left five dead.")
    events = cluster_mentions([a, b], {"m1": src("m1", "a1", "Outlet A"), "m2": src("m2", "a2", "Outlet B")})
    assert len(events) == 1
    event = events[0]
    assert [s.article_id for s in event.sources] == ["a1", "a2"]
    assert event.corroboration == 2
    assert [c.fatalities for c in event.claims] == [3, 5]
    assert event.fatalities == 3
    assert (event.fatalities_low, event.fatalities_high) == (3, 5)
    assert len(event.evidence) == 2


def test_dedupe_distance_limit_depends_on_precision() -> None:
    assert 5 < haversine_km(36.2, 37.16, 36.27, 37.13) < 10
    town = make_report("m1", "a1", place=ALEPPO)
    other_town = make_report("m2", "a2", place=IDLIB)  # ~55 km away
    assert len(cluster_mentions([town, other_town], {})) == 2
    nearby = make_report("m3", "a3", place=NEAR_ALEPPO)
    assert len(cluster_mentions([town, nearby], {})) == 1


def test_dedupe_dates_beyond_tolerance_stay_apart() -> None:
    first = make_report("m1", "a1", day=date(2024, 3, 1))
    next_day = make_report("m2", "a2", day=date(2024, 3, 2))
    week_later = make_report("m3", "a3", day=date(2024, 3, 8))
    events = cluster_mentions([first, next_day, week_later], {})
    assert sorted(len(e.sources) for e in events) == [1, 2]
    # A week-precision report of that week is compatible with the day.
    week = make_report("m4", "a4", day=date(2024, 3, 4), end=date(2024, 3, 10), time_precision=TimePrecision.WEEK)
    assert len(cluster_mentions([week_later, week], {})) == 1


def test_dedupe_disjoint_named_actors_stay_apart() -> None:
    a = make_report("m1", "a1", actors=("Military Forces of Syria (2000-)", "Islamic State (Syria)"))
    b = make_report("m2", "a2", actors=("Syrian Democratic Forces", "Turkish Armed Forces"))
    assert len(cluster_mentions([a, b], {})) == 2
    # Different spellings of the same actor agree after normalisation.
    c = make_report("m3", "a3", actors=("QSD: Syrian Democratic Forces",))
    assert len(cluster_mentions([b, c], {})) == 1


def test_dedupe_different_families_stay_apart() -> None:
    clash = make_report("m1", "a1")
    protest = make_report("m2", "a2", event_type="Protests", sub_event_type="Peaceful protest", actors=("Protesters (Syria)",))
    assert len(cluster_mentions([clash, protest], {})) == 2


def test_dedupe_republished_copy_is_one_source() -> None:
    sentence = "The SDF said 10 Islamic State members were killed near the Omar oil field."
    original = make_report("m1", "a1", evidence=sentence, day=date(2019, 2, 9), fatalities=10)
    # The copy was published a day later, so its relative date resolved a day later; the text is the same.
    copy = make_report("m2", "a2", evidence=sentence, day=date(2019, 2, 10), time_precision=TimePrecision.DAY, fatalities=10)
    independent = make_report("m3", "a3", evidence="Ten IS fighters died in Omar clashes.", day=date(2019, 2, 9), fatalities=10)
    sources = {
        "m1": src("m1", "a1", "South Front"),
        "m2": src("m2", "a2", "Global Research", original="South Front"),
        "m3": src("m3", "a3", "Outlet C"),
    }
    (event,) = cluster_mentions([original, copy, independent], sources)
    assert len(event.sources) == 3
    assert event.corroboration == 2
    decisions = {d.mention_id: d for c in plan_clusters([original, copy, independent]) for d in c.decisions}
    assert "same evidence sentence" in decisions["m2"].reason


def test_dedupe_identical_text_without_attribution_counts_once() -> None:
    sentence = "Shelling hit the market in Aleppo on Friday."
    a = make_report("m1", "a1", evidence=sentence)
    b = make_report("m2", "a2", evidence=sentence)
    (event,) = cluster_mentions([a, b], {"m1": src("m1", "a1", "Outlet A"), "m2": src("m2", "a2", "Outlet B")})
    assert event.corroboration == 1


def test_dedupe_fatalities_follow_conservative_rules() -> None:
    reported_low = make_report("m1", "a1", fatalities=4)
    reported_high = make_report("m2", "a2", fatalities=9, evidence="b")
    unverified = make_report("m3", "a3", fatalities=2, certainty=Certainty.UNVERIFIED, evidence="c")
    silent = make_report("m4", "a4", fatalities=0, evidence="d")
    claimed_again = make_report("m5", "a5", fatalities=9, certainty=Certainty.CLAIMED, evidence="e")
    sources = {f"m{i}": src(f"m{i}", f"a{i}", f"Outlet {i}") for i in range(1, 6)}
    (event,) = cluster_mentions([reported_low, reported_high, unverified, silent, claimed_again], sources)
    # ACLED: lowest plainly reported figure; unverified figures and silent reports do not lower it.
    assert event.fatalities == 4
    # UCDP-style range over every positive figure; best = the figure most independent outlets give (9, twice).
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (2, 9, 9)
    assert len(event.claims) == 5
    assert event.certainty == Certainty.REPORTED


def test_dedupe_claims_only_event_uses_lowest_claim_and_no_figure_gives_zero() -> None:
    a = make_report("m1", "a1", fatalities=12, certainty=Certainty.CLAIMED, claimed_by="SDF press center")
    b = make_report("m2", "a2", fatalities=7, certainty=Certainty.CLAIMED, evidence="other")
    (event,) = cluster_mentions([a, b], {})
    assert event.fatalities == 7
    assert event.certainty == Certainty.CLAIMED
    assert event.claimed_by == "SDF press center"
    (quiet,) = cluster_mentions([make_report("m3", "a3")], {})
    assert (quiet.fatalities, quiet.fatalities_low, quiet.fatalities_best, quiet.fatalities_high) == (0, 0, 0, 0)
    assert quiet.injured is None


def test_dedupe_historical_figure_does_not_set_current_fatalities() -> None:
    current = make_report("m1", "a1", fatalities=6)
    recap = make_report("m2", "a2", fatalities=3, historical=True, evidence="recap")
    (event,) = cluster_mentions([current, recap], {})
    assert event.fatalities == 6
    assert event.fatalities_low == 3
    assert event.historical is False
    (old,) = cluster_mentions([make_report("m3", "a3", historical=True)], {})
    assert old.historical is True


def test_dedupe_representative_fields_do_not_depend_on_order() -> None:
    vague = make_report(
        "m1", "a1", place=ALEPPO_PROVINCE, confidence=0.9, notes="Clashes in Aleppo province.",
        day=date(2024, 3, 1), end=date(2024, 3, 7), time_precision=TimePrecision.WEEK,
    )
    precise = make_report("m2", "a2", place=ALEPPO, confidence=0.6, notes="Clashes in Aleppo city.", sub_event_type="Armed clash")
    one = cluster_mentions([vague, precise], {})
    two = cluster_mentions([precise, vague], {})
    assert one == two
    (event,) = one
    assert event.notes == "Clashes in Aleppo province."  # highest confidence
    assert event.geo_precision == GeoPrecision.TOWN and event.location == "Aleppo"  # finest place
    assert event.time_precision == TimePrecision.DAY and event.event_date == date(2024, 3, 1)  # finest date
    assert event.event_date_end is None


def test_dedupe_event_id_is_country_code_and_hash_of_smallest_mention() -> None:
    a = make_report("m2", "a2")
    b = make_report("m9", "a9", evidence="x")
    (event,) = cluster_mentions([a, b], {})
    assert event.event_id.startswith("SYR-") and len(event.event_id) == 16
    (alone,) = cluster_mentions([a], {})
    assert alone.event_id == event.event_id  # joining m9 later keeps the id
    (smaller,) = cluster_mentions([a, b, make_report("m1", "a1", evidence="y")], {})
    assert smaller.event_id != event.event_id
    (unknown,) = cluster_mentions([make_report("m5", "a5").__class__(a.mention, None, "X", None)], {})
    assert unknown.event_id.startswith("XXX-")


def test_dedupe_vague_report_does_not_bridge_two_events() -> None:
    north = make_report("m1", "a1", place=ALEPPO, actors=("Islamic State (Syria)", "Syrian Democratic Forces"))
    south = make_report(
        "m2", "a2", place=make_place("Al Bab", latitude=36.37, longitude=37.52, gazetteer_id="geonames:2"),
        actors=("Islamic State (Syria)", "Military Forces of Turkey"),
    )
    vague = make_report(
        "m3", "a3", place=ALEPPO_PROVINCE, actors=("Islamic State (Syria)",), time_precision=TimePrecision.WEEK,
        day=date(2024, 2, 26), end=date(2024, 3, 3),
    )
    clusters = plan_clusters([north, south, vague])
    assert sorted(len(c.mention_ids) for c in clusters) == [1, 2]


def test_dedupe_isolated_reports_merge_with_nothing() -> None:
    a = make_report("m1", "a1")
    b = make_report("m2", "a2", evidence="x")
    clusters = plan_clusters([a, b], isolated=frozenset({"m1"}))
    assert [c.key for c in clusters] == ["m2", "split:m1"]


def test_dedupe_repeated_input_changes_nothing() -> None:
    reports = [make_report("m1", "a1"), make_report("m2", "a2", evidence="x"), make_report("m3", "a3", place=IDLIB)]
    assert cluster_mentions(reports + reports, {}) == cluster_mentions(reports, {})


def test_dedupe_decisions_name_joined_report_score_and_reason() -> None:
    reports = [make_report("m1", "a1"), make_report("m2", "a2", evidence="x")]
    (cluster,) = plan_clusters(reports)
    root, joined = cluster.decisions
    assert root.mention_id == "m1" and root.joined_to is None and root.score is None
    assert joined.mention_id == "m2" and joined.joined_to == "m1"
    assert joined.score is not None and 0.75 <= joined.score <= 1.0
    assert "same sub-event type" in joined.reason and "same day" in joined.reason


def test_dedupe_build_events_takes_sources_from_articles() -> None:
    articles = [
        Article("a1", "one.md", "text", url="https://x.example/a?id=1&utm=feed", title="One", outlet="Outlet A", published=date(2024, 3, 2)),
        Article("a2", "two.md", "text", url=None, title="Two", outlet="Outlet B", original_outlet="Outlet A", published=date(2024, 3, 1)),
    ]
    reports = [make_report("m1", "a1"), make_report("m2", "a2", evidence="x")]
    (event,) = build_events(reports, articles)
    assert [s.article_id for s in event.sources] == ["a2", "a1"]  # oldest publication first
    assert event.sources[1].url == "https://x.example/a?id=1&utm=feed"
    assert event.sources[0].original_outlet == "Outlet A"
    assert event.corroboration == 1


def test_dedupe_next_day_at_another_place_is_another_incident() -> None:
    oil_field = make_place("Oil field", latitude=35.07, longitude=40.46, admin1="Deir ez-Zor", gazetteer_id="curated:field")
    valley = make_place(
        "River valley", latitude=35.0, longitude=40.56, admin1="Deir ez-Zor", geo_precision=GeoPrecision.NEAR, gazetteer_id="curated:valley"
    )
    actors = ("Islamic State (Syria)", "Syrian Democratic Forces")
    attack = make_report("m1", "a1", place=oil_field, day=date(2019, 2, 9), actors=actors)
    advance = make_report(
        "m2", "a2", place=valley, day=date(2019, 2, 10), actors=actors, sub_event_type="Non-state actor overtakes territory", evidence="x"
    )
    assert len(cluster_mentions([attack, advance], {})) == 2
    # The same place a day apart is the same incident dated differently by two outlets.
    again = make_report("m3", "a3", place=oil_field, day=date(2019, 2, 10), actors=actors, evidence="y")
    assert len(cluster_mentions([attack, again], {})) == 1


def test_dedupe_one_article_repeats_an_incident_but_does_not_merge_two() -> None:
    first = make_report("m1", "a1", place=ALEPPO, evidence="Clashes erupted in Aleppo on Friday.")
    repeat = make_report("m2", "a1", place=ALEPPO, evidence="The Friday clashes in Aleppo left three dead.")
    assert len(cluster_mentions([first, repeat], {})) == 1
    nearby = make_report("m3", "a1", place=NEAR_ALEPPO, evidence="Clashes were also reported in Haritan.")
    assert len(cluster_mentions([first, nearby], {})) == 2
    # From two different articles, the same pair of places does merge (8 km apart, town radius 10 km).
    elsewhere = make_report("m4", "a4", place=NEAR_ALEPPO, evidence="Clashes were also reported in Haritan.")
    assert len(cluster_mentions([first, elsewhere], {})) == 1


def test_dedupe_pair_memory_keeps_only_committed_merges() -> None:
    from conflictlog.merge.dedupe import PairMemory

    memory = PairMemory()
    memory.stage(["a", "b"], [("a", "b", 0.9, "same day")])
    memory.discard()
    assert memory.plan_of("a") is None
    memory.stage(["a", "b"], [("a", "b", 0.9, "same day")])
    memory.commit()
    plan = memory.plan_of("a")
    assert plan is not None and memory.plan_of("b") == plan
    assert memory.links_of(plan) == [("a", "b", 0.9, "same day")]
    # a later merge that takes in "a" and "c" leaves "b" alone in the first
    memory.stage(["a", "c"], [])
    memory.commit()
    assert memory.plan_of("a") == memory.plan_of("c") != memory.plan_of("b")
    memory.forget()
    assert memory.plan_of("b") is None


def test_dedupe_linked_reports_are_the_old_reports_a_new_one_links_to() -> None:
    from conflictlog.merge.dedupe import linked_reports

    same_incident = make_report("m1", "a1", place=ALEPPO)
    elsewhere = make_report("m2", "a2", place=IDLIB)
    new = make_report("m3", "a3", place=NEAR_ALEPPO)
    assert linked_reports([new], [same_incident, elsewhere]) == {"m1"}
    assert linked_reports([new], []) == set()


def test_dedupe_reports_on_consecutive_days_do_not_chain() -> None:
    # each neighbour pair is one day apart and would merge, but the first and last are two days apart
    days = [make_report(f"m{i}", f"a{i}", day=date(2024, 3, 1 + i), evidence=f"Clashes on day {i}.") for i in range(3)]
    clusters = plan_clusters(days)
    assert sorted(len(c.mention_ids) for c in clusters) == [1, 2]
    assert not any({"m0", "m2"} <= set(c.mention_ids) for c in clusters)


def test_dedupe_same_sentence_two_days_apart_stays_two_events() -> None:
    sentence = "Shelling hit the town."
    first = make_report("m1", "a1", day=date(2024, 3, 1), evidence=sentence)
    later = make_report("m2", "a2", day=date(2024, 3, 3), evidence=sentence)
    assert len(plan_clusters([first, later])) == 2


def test_dedupe_vague_report_joins_one_event_only() -> None:
    # a week-precision report fits both days' clashes, which are two incidents: it joins one, bridging none
    monday = make_report("m1", "a1", day=date(2024, 3, 4), evidence="Monday clashes.")
    thursday = make_report("m2", "a2", day=date(2024, 3, 7), evidence="Thursday clashes.")
    week = make_report("m3", "a3", day=date(2024, 3, 4), end=date(2024, 3, 10), time_precision=TimePrecision.WEEK,
                       evidence="Clashes this week.")
    clusters = plan_clusters([monday, thursday, week])
    assert sorted(len(c.mention_ids) for c in clusters) == [1, 2]
    assert all(not {"m1", "m2"} <= set(c.mention_ids) for c in clusters)


def test_dedupe_decision_names_the_strongest_link_in_the_event() -> None:
    a = make_report("m1", "a1", place=ALEPPO)
    b = make_report("m2", "a2", place=NEAR_ALEPPO)
    c = make_report("m3", "a3", place=NEAR_ALEPPO)
    (cluster,) = plan_clusters([a, b, c])
    decisions = {d.mention_id: d for d in cluster.decisions}
    assert decisions["m1"].joined_to is None
    # m3 is at m2's very place, a stronger link than to Aleppo 8 km away
    assert decisions["m3"].joined_to == "m2" and decisions["m2"].joined_to == "m3"


def test_dedupe_unverified_figure_stands_when_no_report_states_one_plainly() -> None:
    rumour = make_report("m1", "a1", fatalities=3, certainty=Certainty.UNVERIFIED)
    larger = make_report("m2", "a2", fatalities=7, certainty=Certainty.UNVERIFIED, evidence="b")
    (event,) = cluster_mentions([rumour, larger], {})
    assert event.fatalities == 3 and event.certainty == Certainty.UNVERIFIED


def test_dedupe_next_day_report_between_other_parties_is_another_incident() -> None:
    first = make_report("m1", "a1", day=date(2024, 3, 1), actors=("Military Forces of Turkey (2016-)", "Civilians (Syria)"))
    next_day = make_report("m2", "a2", day=date(2024, 3, 2), actors=("Military Forces of Turkey (2016-)", "Syrian Democratic Forces"),
                           evidence="Shelling again.")
    same_parties = make_report("m3", "a3", day=date(2024, 3, 2), actors=("Military Forces of Turkey (2016-)", "Civilians (Syria)"),
                               evidence="Shelling reported.")
    assert len(plan_clusters([first, next_day])) == 2
    assert len(plan_clusters([first, same_parties])) == 1


def test_dedupe_vague_date_must_overlap_the_exact_one() -> None:
    week = make_report("m1", "a1", day=date(2024, 3, 4), time_precision=TimePrecision.WEEK, evidence="This week.")
    three_days_later = make_report("m2", "a2", day=date(2024, 3, 7))
    assert len(plan_clusters([week, three_days_later])) == 2
    whole_week = make_report("m3", "a3", day=date(2024, 3, 4), end=date(2024, 3, 10), time_precision=TimePrecision.WEEK,
                             evidence="Over the week.")
    assert len(plan_clusters([whole_week, three_days_later])) == 1


def test_dedupe_short_set_phrase_is_no_sign_of_a_copy() -> None:
    a = make_report("m1", "a1", day=date(2024, 3, 1), evidence="Fatalities were not reported.")
    b = make_report("m2", "a2", day=date(2024, 3, 1), place=NEAR_ALEPPO, evidence="Fatalities were not reported.",
                    sub_event_type="Attack", event_type="Violence against civilians", actors=("Islamic State (Syria)",))
    decisions = {d.mention_id: d for c in plan_clusters([a, b]) for d in c.decisions}
    assert "same evidence sentence" not in (decisions["m2"].reason or "")


def test_dedupe_protests_in_two_places_with_only_generic_actors_stay_apart() -> None:
    protesters = ("Protesters (Syria)",)
    here = make_report("m1", "a1", event_type="Protests", sub_event_type="Peaceful protest", actors=protesters)
    there = make_report("m2", "a2", event_type="Protests", sub_event_type="Peaceful protest", actors=protesters,
                        place=NEAR_ALEPPO, evidence="Protest nearby.")
    same_place = make_report("m3", "a3", event_type="Protests", sub_event_type="Peaceful protest", actors=protesters,
                             evidence="Protest in town.")
    assert len(plan_clusters([here, there])) == 2
    assert len(plan_clusters([here, same_place])) == 1


def test_dedupe_report_links_of_many_reports_of_one_shape_are_those_of_each_pair() -> None:
    # stored reports alike but for their article and evidence sentence are scored once per shape and answer
    sentence = "Gunmen attacked the army checkpoint on the main road north of the town at dawn."
    new = make_report("m050", "a-new", evidence=sentence)
    old = [make_report(f"m{i:03d}", f"a{i:03d}") for i in range(0, 100, 3)]
    old += [
        make_report("m011", "a011", evidence=sentence),  # a republished copy
        make_report("m013", "a-new", evidence=sentence),  # the same article: no copy
        make_report("m091", "a091", evidence=sentence),
        make_report("m020", "a020", day=date(2024, 3, 4)),  # days apart: no link
    ]
    links = report_links([new], old)["m050"]
    expected = {o.mention.mention_id: link_between(new, o) for o in old}
    assert links == {m: link for m, link in expected.items() if link is not None}
    copies = {m for m, (_, reason) in links.items() if reason.startswith("same evidence sentence")}
    assert copies == {"m011", "m091"} and "m013" in links and "m003" in links
    assert "m020" not in links


def test_dedupe_outlet_and_its_registered_republisher_are_one_voice() -> None:
    # Global Research republishes South Front (data/outlets.toml): its page counts with South Front's even when
    # the page does not name South Front and the sentences differ
    a = make_report("m1", "a1", place=ALEPPO, evidence="Clashes in Aleppo left three dead.")
    b = make_report("m2", "a2", place=ALEPPO, evidence="Three people died in fighting in Aleppo.")
    c = make_report("m3", "a3", place=ALEPPO, evidence="Fighting in Aleppo killed three, officials said.")
    sources = {"m1": src("m1", "a1", "South Front"), "m2": src("m2", "a2", "GlobalResearch.ca"),
               "m3": src("m3", "a3", "Reuters")}
    (event,) = cluster_mentions([a, b, c], sources)
    assert len(event.sources) == 3
    assert event.corroboration == 2
    (apart,) = cluster_mentions([a, b], {**sources, "m2": src("m2", "a2", "Sample Post")})
    assert apart.corroboration == 2


SENTENCES = tuple(Evidence(text, start, start + len(text), cues) for text, start, cues in (
    ("Shelling hit the town.", 0, ()), ("Shelling hit the town.", 40, ()), ("Two were killed.", 0, ("killed",)),
    ("Two were killed.", 0, ()), ("Clashes went on.", 12, ("Clashes",))))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, len(SENTENCES) - 1), min_size=1, max_size=4), min_size=1, max_size=8),
       st.randoms(use_true_random=False))
def test_dedupe_event_evidence_is_the_evidence_build_event_gives(picks: list[list[int]], rnd: object) -> None:
    # reports giving sentences that repeat (same text at another offset or with other cues is another sentence),
    # taken in any order: the evidence rebuilt from (mention id, evidence) pairs is the event's
    reports = [make_report(f"m{i:02d}", f"a{i:02d}", place=ALEPPO) for i in range(len(picks))]
    reports = [replace(r, mention=replace(r.mention, evidence=tuple(SENTENCES[k] for k in pick)))
               for r, pick in zip(reports, picks)]
    sources = {r.mention.mention_id: src(r.mention.mention_id, r.mention.article_id, "Outlet") for r in reports}
    event = build_event("m00", reports, sources)
    rnd.shuffle(reports)  # type: ignore[attr-defined]
    assert event_evidence((r.mention.mention_id, r.mention.evidence) for r in reports) == event.evidence
    assert len(event.evidence) == len({SENTENCES[k] for pick in picks for k in pick})
