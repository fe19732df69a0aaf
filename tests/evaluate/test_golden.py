"""Tests for evaluate.golden.match_expected on hand-made exported event dicts."""

from __future__ import annotations

from conflictlog.evaluate.golden import match_expected

EXPECTED = {
    "events": [
        {"id": "depot", "event_type": "Strategic developments", "sub_event_type": "Disrupted weapons use",
         "actors": ["Military Forces of Testland"], "location": "Port Alba", "admin1": "Coast Governorate",
         "geo_precision": [1, 2], "date_range": ["2020-04-01", "2020-04-07"]},
        {"id": "hill-clash", "event_type": ["Battles", "Explosions/Remote violence"],
         "actors": ["Islamic State", "Hill Front"], "location": "Hill Ridge", "admin1": "Uplands",
         "geo_precision": [2, 3], "date_range": ["2020-04-05", "2020-04-06"]},
        {"id": "rally", "event_type": "Protests", "actors": ["Protesters"], "location": "Uplands",
         "admin1": "Uplands", "geo_precision": [3], "date_range": ["2020-04-04", "2020-04-05"]},
    ],
    "must_not_extract": [
        {"id": "old-siege", "text": "the siege of Port Alba ended in March 2016", "allowed_as": "historical"},
        {"id": "rumoured-deal", "text": "the sides even reached a secret agreement ...", "allowed_as": "unverified"},
    ],
}


def _event(**values):
    row = {"event_type": None, "sub_event_type": None, "actor1": None, "actor2": None, "assoc_actor_1": [],
           "assoc_actor_2": [], "admin1": None, "location": None, "event_date": None, "historical": False,
           "certainty": "reported", "evidence": []}
    row.update(values)
    return row


DEPOT = _event(event_type="Strategic developments", sub_event_type="Disrupted weapons use",
               actor1="Military Forces of Testland (1990-)", admin1="Coast", location="Port Alba",
               event_date="2020-04-03")
CLASH = _event(event_type="Explosions/Remote violence", sub_event_type="Air/drone strike", actor1="Hill Front",
               actor2="Islamic State (Testland)", admin1="Uplands", location="Somewhere Else",
               event_date="2020-04-05")
RALLY = _event(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Testland)",
               admin1="Uplands", location="Uplands", event_date="2020-04-04")


def test_golden_all_found_and_no_violations():
    result = match_expected([DEPOT, CLASH, RALLY], EXPECTED)
    assert set(result.found) == {"depot", "hill-clash", "rally"}
    assert result.missing == () and result.violations == ()
    assert result.matched_rows == {"depot": 0, "hill-clash": 1, "rally": 2}


def test_golden_named_location_required_at_town_precision():
    moved = dict(DEPOT, location="Another Town")
    assert "depot" in match_expected([moved], EXPECTED).missing


def test_golden_location_not_required_when_province_precision_allowed():
    # hill-clash allows precision 3: admin1 is enough, the location name may differ
    assert "hill-clash" in match_expected([CLASH], EXPECTED).found


def test_golden_date_outside_range_and_wrong_actor_miss():
    late = dict(RALLY, event_date="2020-04-09")
    stranger = dict(DEPOT, actor1="Unidentified Armed Group (Testland)", actor2=None)
    result = match_expected([late, stranger], EXPECTED)
    assert {"rally", "depot"} <= set(result.missing)


def test_golden_associated_actor_string_counts():
    with_assoc = dict(DEPOT, actor1="Someone Else", assoc_actor_1="Militia; Military Forces of Testland")
    assert "depot" in match_expected([with_assoc], EXPECTED).found


def test_golden_sub_event_type_reported_separately():
    other_sub = dict(DEPOT, sub_event_type="Other")
    result = match_expected([other_sub], EXPECTED)
    assert "depot" in result.found
    assert result.sub_event_mismatches == ("depot",)


def test_golden_forbidden_statement_as_ordinary_event_is_violation():
    evidence = [{"text": "Locals recall that the siege of Port Alba ended in March 2016 after heavy losses.",
                 "start": 0, "end": 80}]
    ordinary = dict(DEPOT, evidence=evidence)
    assert match_expected([ordinary], EXPECTED).violations == ("old-siege",)
    flagged = dict(ordinary, historical=True)
    assert match_expected([flagged], EXPECTED).violations == ()
    rumour = dict(RALLY, evidence=[{"text": "The sides even reached a secret agreement, some say."}],
                  certainty="unverified")
    assert match_expected([rumour], EXPECTED).violations == ()


def test_golden_supporting_evidence_with_other_cues_is_not_a_violation():
    # the siege sentence backs a depot event whose cue words come from elsewhere: not an event of the siege
    evidence = [{"text": "Troops found a depot.", "cues": ["found a depot"]},
                {"text": "The siege of Port Alba ended in March 2016 after heavy losses.", "cues": ["depot"]}]
    assert match_expected([dict(DEPOT, evidence=evidence)], EXPECTED).violations == ()
    evidence[1]["cues"] = ["siege"]
    assert match_expected([dict(DEPOT, evidence=evidence)], EXPECTED).violations == ("old-siege",)


def test_golden_location_spelling_variant_matches():
    assert "depot" in match_expected([dict(DEPOT, location="Port Albah")], EXPECTED).found


def test_golden_unrelated_evidence_is_not_a_violation():
    unrelated = dict(DEPOT, evidence=[{"text": "Troops found a depot of rockets near the port."}])
    assert match_expected([unrelated], EXPECTED).violations == ()
