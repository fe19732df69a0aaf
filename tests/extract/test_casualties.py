"""Tests for extract.casualties: ACLED's lowest credible fatality figure, injuries apart, coder notes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.extract.casualties import CasualtyCount, count_casualties


@pytest.mark.parametrize(
    ("text", "fatalities", "injured"),
    [
        ("Two soldiers and three civilians were killed in the raid.", 5, None),
        ("3 soldiers and 2 civilians were killed.", 5, None),
        ("Militia fighters repelled the assault, killing 14 attackers.", 14, None),
        ("One policeman and one militiaman were killed at the post.", 2, None),
        ("At least 5 people were killed.", 5, None),
        ("More than 40 villagers died.", 40, None),
        ("Five to seven herders were killed.", 5, None),
        ("Dozens of miners were killed in the collapse after the blast.", 12, None),
        ("A dozen recruits were wounded.", 0, 12),
        ("Twenty-three people were killed and 40 injured.", 23, 40),
        ("One guard was killed and nine others were injured.", 1, 9),
        ("Gunmen killed a shopkeeper in the market.", 1, None),
        ("A car bomb killed three pilgrims.", 3, None),
        ("The strike left 6 people dead.", 6, None),
        ("4 dead and 11 wounded after the shelling.", 4, 11),
        ("The bodies of 3 shepherds were found near the well.", 3, None),
        ("A body was found on the road.", 1, None),
        ("The death toll rose to 17.", 17, None),
        ("He was shot dead by unknown men.", 1, None),
        ("Raiders shot and killed Tomas Verhaegen Lund, a local councillor, at his home.", 1, None),
        ("A farmer was shot and injured by bandits.", 0, 1),
        ("Six people, including two children, were killed in the fire.", 6, None),
        ("No casualties were reported.", 0, 0),
        ("Casualties unknown.", 0, None),
        ("There were no fatalities.", 0, None),
        ("Fatalities coded as 0 (the group's own outlet reported 3).", 0, None),
        ("Several rebels were killed. Fatalities coded as 3.", 3, None),
        ("Police arrested 40 protesters and abducted 2 organisers.", 0, None),
        ("Thousands were displaced by the fighting.", 0, None),
        ("The militants threatened to kill 20 hostages.", 0, None),
        ("On 9 February 2022, 3 soldiers were killed.", 3, None),
        ("A 25-year-old man was killed.", 1, None),
        ("Two soldiers were killed. A civilian was also killed.", 3, None),
        ("Eight people were killed. The dead included two children.", 8, None),
        ("Mortars hit the market.", 0, None),
        # groups of one act in several places add up; a group that starts its own clause does not
        ("Rebels killed 4 civilians in Kasanga village and 3 civilians in Mutwanga village.", 7, None),
        ("Gunmen killed 3 soldiers and 2 civilians were injured.", 3, 2),
        ("Gunmen killed 3 soldiers in an ambush and 2 civilians were injured.", 3, 2),
        ("The clash resulted in the death of 1 civilian.", 1, None),
        ("Residents protested following the death of a trader.", 0, None),
        ("2 policemen were killed or wounded by a sniper.", 0, None),  # not split: counted for neither
    ],
)
def test_casualties_table(text, fatalities, injured):
    result = count_casualties(text)
    assert (result.fatalities, result.injured) == (fatalities, injured), result


def test_casualties_range_keeps_high_end():
    result = count_casualties("Between 5 and 9 people were killed.")
    assert (result.fatalities, result.fatalities_high) == (5, 9)


def test_casualties_cues_name_the_phrase():
    result = count_casualties("Fighters repelled the attack, killing 10 gunmen.")
    assert any("killing 10" in cue for cue in result.cues)


def test_casualties_note_split_between_locations():
    assert count_casualties("Fatalities coded as 12 and split between 4 locations.").fatalities == 3


def test_casualties_empty_text():
    assert count_casualties("") == CasualtyCount(fatalities=0)


@given(st.text(max_size=300))
def test_casualties_property_never_raises_and_low_le_high(text):
    result = count_casualties(text)
    assert result.fatalities >= 0
    assert result.injured is None or result.injured >= 0
    assert result.fatalities_high is None or result.fatalities <= result.fatalities_high


_WORDS = st.sampled_from(
    ["3", "two", "killed", "were", "and", "wounded", "at least", "to", "5", "dozens of", "people", "soldiers", ",",
     "killing", "died", "the", "a", "bodies", "of", "dead", "between", "9", "injured", "."]
)


@given(st.lists(_WORDS, max_size=25))
def test_casualties_property_casualty_like_text_keeps_low_le_high(words):
    result = count_casualties(" ".join(words))
    assert result.fatalities_high is None or result.fatalities <= result.fatalities_high


def test_casualties_event_reads_on_into_follow_up_sentences():
    from conflictlog.extract.casualties import count_event_casualties

    sentence = "On 4 May 2021, 3 guards were killed in an attack on a depot."
    assert count_event_casualties(sentence).fatalities == 3
    note = "Fatalities coded as 0 (the attackers' outlet reported 3)."
    assert count_event_casualties(sentence, [note]).fatalities == 0
    assert count_event_casualties("Rebels attacked a post.", ["Two rebels were killed."]).fatalities == 2
    assert count_event_casualties(sentence, ["A driver was also killed."]).fatalities == 4


@pytest.mark.parametrize(
    ("text", "fatalities"),
    [
        ("Two fighters belonging to the hill brigade were killed.", 2),
        ("Four villagers - including the headman Aldo Brenn, were killed.", 4),
        ("Gunmen shot and killed Marta al-Rosen, a local judge, at her door.", 1),
        ("Police found two guards who were shot dead.", 2),
        ("Bandits stop a bus and shoot the driver dead.", 1),
        ("A commander of the Hill Front (HF) was shot dead.", 1),
        ("Police shot 3 protesters.", 0),
        ("The site held several mass graves of civilians who had been executed.", 0),
    ],
)
def test_casualties_group_with_apposition_relative_clause_or_bracket(text, fatalities):
    assert count_casualties(text).fatalities == fatalities
