"""Tests for evaluate.scoring and evaluate.runner on a tiny hand-made record file (fixtures/records.jsonl,
written for these tests) with a stand-in extractor, so no model is needed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conflictlog.errors import SettingsError
from conflictlog.evaluate.runner import ALL, compare_reports, evaluate_paths, publication_date, read_records
from conflictlog.evaluate.scoring import (
    EventValues,
    actor_matches,
    admin1_matches,
    expected_types,
    haversine_km,
    normalise_admin1,
    score_record,
)

FIXTURES = Path(__file__).parent / "fixtures" / "records.jsonl"

BATTLE = EventValues(
    event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of Testland (2010-)",
    actor2="Testland Rebels", admin1="North", location="Alpha", latitude=10.05, longitude=20.05,
    event_date=date(2021, 5, 3), fatalities=4,
)
DECOY = EventValues(event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Testland)")
EVENTS: dict[str, list[EventValues]] = {
    "tiny:1": [DECOY, BATTLE],
    "tiny:2": [],
    "tiny:3": [EventValues(event_type="Explosions/Remote violence", sub_event_type="Remote explosive/landmine/IED",
                           actor1="Unidentified Armed Group (Testland)", admin1="East", latitude=12.5, longitude=22.0,
                           event_date=date(2021, 5, 6), fatalities=2)],
    "tiny:4": [],
    "tiny:5": [EventValues(event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of Testland",
                           actor2="Islamic State (Testland)", admin1="West", latitude=13.0, longitude=23.0,
                           event_date=date(2021, 5, 7), fatalities=0)],
}
TEXT_TO_ID = {record["text"]: record["id"] for record in read_records([FIXTURES])}


class FakeExtractor:
    """Returns the hand-made events of each fixture record and remembers the publication dates it was given."""

    def __init__(self) -> None:
        self.published: dict[str, date | None] = {}

    def __call__(self, text: str, published: date | None) -> list[EventValues]:
        record_id = TEXT_TO_ID[text]
        self.published[record_id] = published
        return EVENTS[record_id]


@pytest.fixture(scope="module")
def report_and_extractor():
    extractor = FakeExtractor()
    return evaluate_paths([FIXTURES.parent], extractor=extractor), extractor


def test_scoring_rates_per_dataset_and_field(report_and_extractor):
    report, _ = report_and_extractor
    assert report.rate("tiny_acled", "found") == 0.5
    assert report.rate("tiny_acled", "event_type") == 0.5
    assert report.rate("tiny_acled", "actor2") == 1.0  # only tiny:1 has a gold actor2
    assert report.rate("tiny_gtd", "actor1") == 1.0  # GTD "Unknown" = an unidentified armed group
    assert report.rate("tiny_gtd", "location_25km") == 0.0  # 55 km off
    assert report.rate("tiny_gtd", "sub_event_type") is None  # GTD bombing does not fix a sub-type
    assert report.rate("tiny_ucdp", "actor2") == 1.0  # "IS" = "Islamic State (Testland)"
    assert report.rate("tiny_ucdp", "fatalities") == 0.0
    assert report.rate(ALL, "found") == 0.75  # the PLOVER trade pact expects no event and is scored apart
    plover = report.datasets["tiny_plover"]
    assert (plover.no_event_correct, plover.no_event_total) == (1, 1)


def test_scoring_aligns_best_matching_event_not_first(report_and_extractor):
    report, _ = report_and_extractor
    first = next(r for r in report.records if r.record_id == "tiny:1")
    assert first.aligned == BATTLE
    assert all(ok for ok in first.fields.values() if ok is not None)


def test_scoring_publication_date_from_meta_or_day_after_gold(report_and_extractor):
    _, extractor = report_and_extractor
    assert extractor.published["tiny:1"] == date(2021, 5, 4)
    assert extractor.published["tiny:5"] == date(2021, 5, 7)
    assert extractor.published["tiny:4"] is None
    assert publication_date({"gold": {}, "meta": {}}) is None


def test_scoring_confusion_and_worst(report_and_extractor):
    report, _ = report_and_extractor
    assert report.type_confusion["Battles"]["Battles"] == 1
    assert report.type_confusion["Protests"]["(none)"] == 1
    assert report.type_confusion["gtd:Bombing/Explosion"]["Explosions/Remote violence"] == 1
    assert report.sub_type_confusion["Armed clash"]["Armed clash"] == 1
    worst = report.worst(2)
    assert worst[0].record_id == "tiny:2"
    assert len(worst) == 2


def test_scoring_json_round_trip_and_compare(report_and_extractor, tmp_path):
    report, _ = report_and_extractor
    old = json.loads(json.dumps(report.to_dict(), default=str))
    assert old["datasets"]["tiny_acled"]["fields"]["found"] == {"correct": 1, "total": 2, "rate": 0.5}
    EVENTS_FIXED = dict(EVENTS, **{"tiny:2": [EventValues(
        event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Testland)", admin1="South",
        latitude=11.0, longitude=21.0, event_date=date(2021, 5, 4), fatalities=0)]})
    new = evaluate_paths([FIXTURES], extractor=lambda text, published: EVENTS_FIXED[TEXT_TO_ID[text]])
    lines = compare_reports(old, new.to_dict())
    assert "tiny_acled found: 0.500 -> 1.000 (+0.500)" in lines
    assert "records found: 1 fixed, 0 broken" in lines
    assert compare_reports(old, old) == []


def test_scoring_dataset_filter_and_limit():
    report = evaluate_paths([FIXTURES], datasets=["tiny_acled"], limit=1, extractor=FakeExtractor())
    assert [r.record_id for r in report.records] == ["tiny:1"]


def test_scoring_bad_line_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t", "gold": {}}\n{not json\n', encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        list(read_records([bad]))
    assert info.value.code == "E901"
    assert f"{bad}:2" in str(info.value)


def test_scoring_missing_path_is_coded_error(tmp_path):
    with pytest.raises(SettingsError, match="E901"):
        list(read_records([tmp_path / "absent.jsonl"]))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Deir ez-Zor Governorate", "Deir Ez Zor", True),
        ("Ar-Raqqa", "Raqqa", True),
        ("Ñuble", "Nuble Region", True),
        ("Aleppo", "Idlib", False),
    ],
)
def test_scoring_normalise_admin1(a, b, same):
    assert (normalise_admin1(a) == normalise_admin1(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Paktia", "Paktya", True),
        ("Banaadir", "Banadir", True),
        ("Nord-Kivu", "Sud-Kivu", False),
        ("Homs", "Hama", False),
        ("Dhaka", "Dahuk", False),
        ("Idlib", None, False),
    ],
)
def test_scoring_admin1_matches_transliteration_variants(a, b, same):
    assert admin1_matches(a, b) is same


@pytest.mark.parametrize(
    ("gold", "extracted", "same"),
    [
        ("Islamic State", "Islamic State (Syria)", True),
        ("Military Forces of Syria (2000-)", "Military Forces of Syria", True),
        ("Government of Syria", "Military Forces of Syria (2000-)", True),
        ("QSD: Syrian Democratic Forces", "SDF", True),
        ("Police Forces of Syria (2000-)", "Military Forces of Syria (2000-)", False),
        ("Protesters (Syria)", None, False),
    ],
)
def test_scoring_actor_matches(gold, extracted, same):
    assert actor_matches(gold, extracted) is same


def test_scoring_haversine_one_degree_of_longitude_at_equator():
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.19, abs=0.05)


def test_scoring_type_mapping_tables():
    assert expected_types("plover", {"event_type": "AGREE"}).no_event
    battle = expected_types("acled_pre2019", {"event_type": "Battle-No change of territory"})
    assert battle.event_types == {"Battles"} and battle.sub_event_types == {"Armed clash"}
    unknown = expected_types("gtd", {"event_type": "Something new"})
    assert unknown.event_types is None and not unknown.no_event


def test_scoring_failed_bombing_may_be_disrupted_weapons_use():
    failed = expected_types("gtd", {"event_type": "Bombing/Explosion", "success": 0})
    assert failed.event_types == {"Explosions/Remote violence", "Strategic developments"}
    done = expected_types("gtd", {"event_type": "Bombing/Explosion", "success": 1})
    assert done.event_types == {"Explosions/Remote violence"}
    # a failed attack of a type without its own reading keeps the usual one
    assault = expected_types("gtd", {"event_type": "Armed Assault", "success": 0})
    assert assault.event_types == {"Violence against civilians", "Battles"}


def test_scoring_record_without_events_misses_every_gold_field():
    record = next(r for r in read_records([FIXTURES]) if r["id"] == "tiny:2")
    result = score_record(record, [])
    assert result.fields["found"] is False
    assert result.fields["event_type"] is False and result.fields["actor2"] is None
    assert result.share == 0.0


@pytest.mark.slow
@pytest.mark.parametrize(("gold", "extracted", "country"), [
    ("Saladin", "Salah Al Din", "Iraq"),
    ("Dhi Qar", "Thi Qar", "Iraq"),
    ("North Kivu", "Nord-Kivu", "Democratic Republic of Congo"),
])
def test_scoring_admin1_other_names_of_one_province_match(gold: str, extracted: str, country: str) -> None:
    assert admin1_matches(gold, extracted, country)
    assert not admin1_matches(gold, "Ninewa", country)


@pytest.mark.parametrize(("gold", "extracted"), [
    ("Kurdistan Workers' Party (PKK)", "PKK: Kurdistan Workers Party"),
    ("People's Defense Force - Tamu", "PDF: Peoples Defense Force"),
    ("QSD: Syrian Democratic Forces", "Syrian Democratic Forces"),
])
def test_scoring_actor_acronym_label_is_not_part_of_the_name(gold: str, extracted: str) -> None:
    assert actor_matches(gold, extracted)


def test_scoring_actor_acronym_label_alone_does_not_match() -> None:
    assert not actor_matches("PKK: Kurdistan Workers Party", "YPG: Peoples Protection Units")


def test_scoring_compare_reports_no_event_expected_moves():
    old = {"datasets": {"plover": {"fields": {}, "no_event_expected": {"correct": 3, "total": 4}}}, "records": {}}
    new = {"datasets": {"plover": {"fields": {}, "no_event_expected": {"correct": 4, "total": 4}}}, "records": {}}
    assert compare_reports(old, new) == ["plover no event expected: 3/4 -> 4/4"]
    assert compare_reports(new, new) == []


def test_scoring_record_marked_no_event_expects_none() -> None:
    record = {"id": "off:1", "text": "A film festival opened.", "dataset": "offtopic",
              "gold": {"taxonomy": "news_category", "no_event": True}}
    assert expected_types("news_category", record["gold"]).no_event
    past = EventValues(event_type="Battles", historical=True)
    quiet = score_record(record, [])
    noisy = score_record(record, [past, EventValues(event_type="Battles")])
    assert quiet.no_event_expected and quiet.share == 1.0
    assert noisy.share == 0.0 and noisy.n_current == 1
