"""Tests for extract.dates: explicit, ranged and relative dates against a fixed publication date,
carry-over between sentences, and the history filter."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.extract.dates import DATELINE, event_date, find_dates, is_historical, sentence_dates
from conflictlog.records import Article, DateMention, Entity, ParsedArticle, Sentence, TimePrecision

# Tuesday 12 February 2019
PUBLISHED = date(2019, 2, 12)
D, W, M = TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH


def _doc(text: str, published: date | None = PUBLISHED) -> ParsedArticle:
    """Split ``text`` into sentences at ". " and newlines, keeping offsets (no model needed)."""
    sentences = []
    for match in re.finditer(r"[^.\n]+\.?", text):
        chunk = match.group(0)
        start = match.start() + len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            sentences.append(Sentence(len(sentences), start, match.end(), text[start:match.end()]))
    return ParsedArticle(Article("a1", "test", text, published=published), tuple(sentences))


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("On 9 February 2022, police fired on marchers.", date(2022, 2, 9), date(2022, 2, 9), D),
        ("On February 9, the brigade announced an offensive.", date(2019, 2, 9), date(2019, 2, 9), D),
        ("The raids happened on February 6th and 7th.", date(2019, 2, 6), date(2019, 2, 7), W),
        ("Fighting went on between 4 and 6 March 2018.", date(2018, 3, 4), date(2018, 3, 6), W),
        ("Fighting went on from 28 January to 3 February.", date(2019, 1, 28), date(2019, 2, 3), W),
        ("Last week, soldiers found a weapons cache.", date(2019, 2, 4), date(2019, 2, 10), W),
        ("Rallies took place during the weekend.", date(2019, 2, 9), date(2019, 2, 10), W),
        ("Gunmen attacked a checkpoint on Tuesday.", date(2019, 2, 12), date(2019, 2, 12), D),
        ("Gunmen attacked a checkpoint on Sunday night.", date(2019, 2, 10), date(2019, 2, 10), D),
        ("Gunmen attacked a checkpoint last Tuesday.", date(2019, 2, 5), date(2019, 2, 5), D),
        ("A mortar hit the market yesterday.", date(2019, 2, 11), date(2019, 2, 11), D),
        ("Dozens were detained earlier this month.", date(2019, 2, 1), date(2019, 2, 12), M),
        ("The town fell in October 2017.", date(2017, 10, 1), date(2017, 10, 31), M),
        ("The town fell in October.", date(2018, 10, 1), date(2018, 10, 31), M),
        ("Villagers were shot three days ago.", date(2019, 2, 9), date(2019, 2, 9), D),
        ("As reported on 1 March 2018, a convoy was ambushed.", date(2018, 3, 1), date(2018, 3, 1), W),
        ("Around 5 May 2018 (month of), farmers clashed.", date(2018, 5, 5), date(2018, 5, 5), M),
        ("Around 5 May 2018, farmers clashed.", date(2018, 5, 5), date(2018, 5, 5), W),
        ("11/30/2018: A device exploded near a school.", date(2018, 11, 30), date(2018, 11, 30), D),
    ],
)
def test_dates_resolve_expression_against_publication(text, start, end, precision):
    found = find_dates(text, PUBLISHED)
    assert found, f"no date found in {text!r}"
    first = found[0]
    assert (first.start, first.end, first.precision) == (start, end, precision)
    assert first.span is not None and text[first.span.start:first.span.end] == first.span.text


def test_dates_more_than_two_years_ago_ends_two_years_before_publication():
    (found,) = find_dates("graves of people executed more than two years ago", PUBLISHED)
    assert found.end == date(2017, 2, 12)
    assert found.start < found.end
    assert found.precision == M


@pytest.mark.parametrize(
    "text",
    [
        "A destroyed T-72 battle tank was seized.",
        "They may 5 times have tried.",
        "The unit lost 5 vehicles on Route 7.",
        "The rocket hit 2 km from the base.",
    ],
)
def test_dates_ignore_numbers_that_are_not_dates(text):
    assert find_dates(text, PUBLISHED) == ()


def test_dates_relative_need_publication_date():
    assert find_dates("A mortar hit the market yesterday.", None) == ()
    (absolute,) = find_dates("On 9 February 2022, a mortar hit.", None)
    assert absolute.start == date(2022, 2, 9)


def test_dates_sentence_dates_one_entry_per_sentence_and_carry_within_paragraph():
    text = (
        "On February 9, militants attacked an outpost. Soldiers repelled the attack.\n\n"
        "Separately, a rally was held downtown. Meanwhile, a bridge was bombed."
    )
    doc = _doc(text)
    dates = sentence_dates(doc)
    assert len(dates) == len(doc.sentences) == 4
    assert dates[0].start == date(2019, 2, 9) and dates[0].precision == D
    assert dates[1] == dates[0]  # same paragraph, continues the story
    # new paragraph, no date of its own: the window before publication, precision 2
    assert dates[2].text is None and dates[2].precision == W
    assert dates[2].start == PUBLISHED - timedelta(days=1) and dates[2].end == PUBLISHED
    assert dates[3].text is None  # "Meanwhile" shifts topic: no carry-over


def test_dates_historical_aside_is_not_carried():
    text = "Last week, troops found a tunnel. The town was taken in October 2017. Troops also seized rockets."
    dates = sentence_dates(_doc(text))
    assert dates[1].start == date(2017, 10, 1)
    assert dates[2] == dates[0]  # the story of "last week" goes on past the aside


def test_dates_reported_clause_date_wins_over_announcement_date():
    text = "On February 9, the front announced that its fighters had struck two posts on February 6th and 7th."
    (only,) = sentence_dates(_doc(text))
    assert (only.start, only.end, only.precision) == (date(2019, 2, 6), date(2019, 2, 7), W)


def test_dates_explicit_date_wins_over_weekday_and_entity_fallback_reads_dates():
    (only,) = sentence_dates(_doc("Clashes erupted on Sunday, 3 February, in the hills."))
    assert (only.start, only.precision) == (date(2019, 2, 3), D)
    text = "Clashes erupted on February the 3rd in the hills."
    start = text.index("February")
    sentence = Sentence(0, 0, len(text), text, (Entity("February the 3rd", "DATE", start, start + 16),))
    (parsed,) = sentence_dates(ParsedArticle(Article("a2", "test", text, published=PUBLISHED), (sentence,)))
    assert (parsed.start, parsed.precision, parsed.text) == (date(2019, 2, 3), D, "February the 3rd")


def test_dates_headline_reports_publication_day():
    (only,) = sentence_dates(_doc("Jets strike the northern hills"))
    assert only.start == PUBLISHED and only.precision == W


def test_dates_without_publication_date_give_none_for_undated_sentences():
    dates = sentence_dates(_doc("A rally was held. On 3 March 2018, a bomb exploded.", published=None))
    assert dates[0] is None
    assert dates[1].start == date(2018, 3, 3)


@pytest.mark.parametrize(
    ("mention", "text", "expected"),
    [
        (DateMention(date(2017, 10, 1), date(2017, 10, 31), M), "The city was liberated in October 2017.", True),
        (DateMention(date(2019, 2, 9), date(2019, 2, 9), D), "Troops advanced on February 9.", False),
        (None, "The group has a long history of faking battles.", True),
        (None, "Civilians executed more than two years ago were found.", True),
        (None, "Troops advanced on the town.", False),
        (None, "Raids of this kind happened in the past as well.", True),
        (None, "Three raids took place in the past 24 hours.", False),
        (DateMention(date(2019, 1, 20), date(2019, 1, 20), D), "Troops advanced.", False),
    ],
)
def test_dates_is_historical(mention, text, expected):
    assert is_historical(mention, PUBLISHED, text) is expected


def test_dates_event_date_is_range_start():
    mention = DateMention(date(2019, 2, 6), date(2019, 2, 7), W)
    assert event_date(mention) == date(2019, 2, 6)


_RELATIVE = st.sampled_from([
    "yesterday", "last week", "during the weekend", "over the weekend", "on Monday", "on Tuesday", "on Wednesday",
    "on Thursday", "on Friday", "on Saturday", "on Sunday", "last Friday", "earlier this month", "last month",
    "earlier this week", "three days ago", "two weeks ago", "more than two years ago", "last night",
    "the day before yesterday", "last year",
])


@given(published=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), phrase=_RELATIVE)
def test_dates_property_past_relative_date_never_after_publication(published, phrase):
    found = find_dates(f"Fighters attacked the village {phrase}.", published)
    assert found, phrase
    assert found[0].start <= found[0].end <= published


def test_dates_world_war_reference_is_historical() -> None:
    assert is_historical(None, date(2024, 3, 1), "Officials said the troops massacred prisoners during World War Two.")
    assert is_historical(None, date(2024, 3, 1), "Villages were razed in the Second World War.")
    assert not is_historical(None, date(2024, 3, 1), "Troops killed two men near a World War Two memorial.")


def test_dates_dateline_date_is_the_report_not_the_event():
    # published Tuesday 12 February 2019; the dateline repeats that date, the event was on Monday
    doc = _doc("GAO, Mali, February 12, 2019 — Gunmen attacked a checkpoint on Monday, officials said")
    assert sentence_dates(doc)[0].start == date(2019, 2, 11)


@pytest.mark.parametrize(("text", "dateline"), [
    ("AFGOOYE, Somalia, March 6, 2024 — Fighters attacked", "AFGOOYE, Somalia, March 6, 2024 — "),
    ("KABUL (Reuters) - Gunmen shot", "KABUL (Reuters) - "),
    ("BAGHDAD, Iraq (AP) — A bomb", "BAGHDAD, Iraq (AP) — "),
    ("IS, the group — said", None),
    ("On 5 March, gunmen - reportedly", None),
])
def test_dates_dateline_pattern(text: str, dateline: str | None) -> None:
    found = DATELINE.match(text)
    assert (found.group(0) if found else None) == dateline


@pytest.mark.parametrize("follow, start", [
    ("A day earlier, a roadside bomb exploded near a market in al-Mayadin.", date(2019, 2, 8)),
    ("The following day, militants attacked a checkpoint near Hajin.", date(2019, 2, 10)),
    ("Two days later, protesters gathered in Raqqa.", date(2019, 2, 11)),
    ("The day before, an airstrike hit Baghouz.", date(2019, 2, 8)),
])
def test_dates_counted_from_the_story_date(follow: str, start: date) -> None:
    doc = _doc("On February 9, gunmen attacked an SDF checkpoint in Raqqa. " + follow)
    dates = sentence_dates(doc)
    assert dates[1] is not None and dates[1].start == dates[1].end == start
    assert dates[1].precision == D and dates[1].span is not None


def test_dates_a_day_before_the_vote_is_not_counted_from_the_story() -> None:
    doc = _doc("On February 9, gunmen attacked an SDF checkpoint in Raqqa. A day before the vote, nothing happened.")
    assert sentence_dates(doc)[1].start == date(2019, 2, 9)
