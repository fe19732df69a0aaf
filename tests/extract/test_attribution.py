"""Tests for extract.attribution: claimant, certainty and hedging from cue lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.extract.attribution import Attribution, find_attribution
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
