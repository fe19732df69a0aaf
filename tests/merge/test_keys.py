"""Blocking and comparison keys for cross-article merge."""

from __future__ import annotations

from datetime import date

import pytest

from conflictlog.bench_merge import make_place, make_report
from conflictlog.merge.keys import (
    block_keys,
    country_key,
    date_block_keys,
    date_window,
    event_family,
    evidence_text_key,
    normalise_actor,
)
from conflictlog.records import TimePrecision


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("QSD: Syrian Democratic Forces", "syrian democratic forces"),
        ("Syrian Democratic Forces (Syria)", "syrian democratic forces"),
        ("Military Forces of Syria (2000-)", "military forces of syria"),
        ("the Islamic State", "islamic state"),
        ("Hay'at Tahrir al-Sham", "hay at tahrir al sham"),
        ("Forces armées maliennes", "forces armees maliennes"),
    ],
)
def test_keys_normalise_actor_drops_qualifiers(name: str, expected: str) -> None:
    assert normalise_actor(name) == expected


def test_keys_event_family_groups_violence_and_demonstrations() -> None:
    assert event_family("Battles") == event_family("Explosions/Remote violence")
    assert event_family("Protests") == event_family("Riots")
    assert event_family("Protests") != event_family("Battles")
    assert event_family("Strategic developments") not in {event_family("Battles"), event_family("Protests")}
    assert event_family("Something new") == "type:something new"


def test_keys_date_window_widens_by_precision() -> None:
    day = date(2024, 3, 10)
    lo_d, hi_d = date_window(day, day, TimePrecision.DAY)
    lo_m, hi_m = date_window(day, day, TimePrecision.MONTH)
    assert lo_d == day.toordinal() - 1 and hi_d == day.toordinal() + 1
    assert lo_m < lo_d and hi_m > hi_d


def test_keys_reports_with_overlapping_windows_share_a_date_block() -> None:
    # Two days apart: windows [d-1, d+1] and [d+1, d+3] overlap on d+1, whatever the bucket boundaries.
    for offset in range(10):
        first = make_report("m1", day=date(2024, 1, 1 + offset))
        second = make_report("m2", day=date(2024, 1, 3 + offset))
        assert set(date_block_keys(first)) & set(date_block_keys(second))


def test_keys_country_and_family_split_blocks() -> None:
    syria = make_report("m1")
    iraq = make_report("m2", place=make_place("Mosul", "IRQ", 36.34, 43.13, admin1="Nineveh"))
    protest = make_report("m3", event_type="Protests", sub_event_type="Peaceful protest", evidence="other text")
    assert not set(date_block_keys(syria)) & set(date_block_keys(iraq))
    assert not set(block_keys(syria)) & set(block_keys(protest))
    assert country_key(iraq) == "IRQ"
    assert country_key(make_report("m4").__class__(syria.mention, None, None, None)) == "XXX"


def test_keys_evidence_key_ignores_case_and_punctuation() -> None:
    assert evidence_text_key("Ten fighters were killed, sources said.") == evidence_text_key("ten fighters were killed sources said")
    assert evidence_text_key("Ten fighters were killed.") != evidence_text_key("Two fighters were killed.")
