"""Tests for extract.attribution: claimant, certainty and hedging from cue lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.extract.attribution import Attribution, find_attribution, find_responsibility
from conflictlog.records import Certainty

C, R, U = Certainty.CLAIMED, Certainty.REPORTED, Certainty.UNVERIFIED


@pytest.mark.parametrize(
    ("text", "claimed_by", "certainty"),
    [
        ("On March 3, the Northern Brigade press center announced that it had taken two hills.",
         "Northern Brigade press center", C),
        ("The Ministry of Defence said its jets destroyed a depot.", "Ministry of Defence", C),
        ("The river-based Eastern Liberation Front (ELF) announced that it ambushed a convoy.",
         "Eastern Liberation Front", C),
        ("The Islamic State claimed responsibility for the bombing.", "Islamic State", C),
        ("Two farmers were killed in the shelling, according to local sources.", "local sources", R),
        ("Activists reported that the market was hit by mortars.", "Activists", R),
        ("Some local sources say the detainees may have been civilians.", "local sources", U),
        ("According to some sources, the two sides agreed to a swap.", "sources", U),
        ("Reports are appearing from multiple sources that a deal was struck.", None, U),
        ("The bridge was allegedly mined by the rebels.", None, U),
        ("Unconfirmed reports speak of a mutiny at the base.", None, U),
        ("Rumours of a withdrawal spread in the town.", None, U),
        ("A mortar shell hit the market, wounding three.", None, R),
        ("No group claimed responsibility for the attack.", None, R),
    ],
)
def test_attribution_table(text, claimed_by, certainty):
    result = find_attribution(text)
    assert (result.claimed_by, result.certainty) == (claimed_by, certainty), result


def test_attribution_back_reference_takes_previous_claimant():
    previous = "On March 4, the Northern Brigade press center announced that it had cut three supply roads."
    result = find_attribution("However, fighting goes on, according to this version of the events.", previous)
    assert result.claimed_by == "Northern Brigade press center"
    assert result.certainty == C


def test_attribution_no_back_reference_keeps_plain_statement():
    previous = "The army said it shelled the hills."
    result = find_attribution("Farmers fled the valley.", previous)
    assert result == Attribution(None, R, (), False)


def test_attribution_hedge_is_flagged_without_unverifying():
    result = find_attribution("Gunmen reportedly torched two houses.")
    assert result.hedged is True
    assert result.certainty == R
    assert "reportedly" in result.cues


@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=100)))
def test_attribution_property_never_raises(text, previous):
    result = find_attribution(text, previous)
    assert isinstance(result.certainty, Certainty)


@pytest.mark.parametrize(
    ("text", "group", "claimed"),
    [
        ("The Islamic State group has claimed responsibility for the bombing, which killed 12.", "Islamic State group",
         True),
        ("On Tuesday, in a statement posted online, ISWAP claimed responsibility.", "ISWAP", True),
        ("Police blamed the attack on Boko Haram militants, who have been active in the area.",
         "Boko Haram militants", False),
        ("Nobody has claimed the blast yet; officials attributed the attack to the Islamic State of Iraq and the "
         "Levant (ISIL).", "Islamic State of Iraq and the Levant (ISIL)", False),
        ("No group claimed responsibility, but local officials suspected the involvement of al-Shabaab.",
         "al-Shabaab", False),
        ("The ISWAP faction is suspected to be behind the ambush.", "ISWAP faction", False),
        ("Officials said JNIM fighters were behind the blasts.", "JNIM fighters", False),
        ("A teacher was shot dead in what residents say was the work of bandits.", "bandits", False),
        ("Officials suspected that the ambush was carried out by ADF rebels.", "ADF rebels", False),
    ],
)
def test_attribution_responsibility_names_the_group(text: str, group: str, claimed: bool) -> None:
    found = find_responsibility(text)
    assert found is not None
    assert (found.group, found.claimed) == (group, claimed)
    assert text[found.start:found.end] == group


@pytest.mark.parametrize("text", [
    "No group claimed responsibility for the attack.",
    "So far no militant outfit has claimed responsibility for it.",
    "The army said it was responsible for security in the district.",
    "Two soldiers were killed in the attack on Monday.",
    "Police said the gunmen hid behind the wall.",
])
def test_attribution_responsibility_none(text: str) -> None:
    assert find_responsibility(text) is None


@given(st.text(max_size=300))
def test_attribution_responsibility_never_crashes_and_points_into_the_text(text: str) -> None:
    found = find_responsibility(text)
    if found is not None:
        assert text[found.start:found.end] == found.group
