"""Relevance: figurative, sporting, commercial, disaster and court uses of conflict words yield no event, while
their conflict twins still do. Every sentence here was written for these tests."""

from __future__ import annotations

import pytest

from conflictlog.extract import extract_events
from conflictlog.extract.relevance import (
    ArticleTopic,
    Decision,
    article_topic,
    count_terms,
    first_term,
    sentence_relevance,
)

# (negative, positive twin): the negative must yield no event, its twin at least one.
TWINS = [
    ("Doubling our exports in five years is not rocket science, the minister said.",
     "On 3 May 2022, militants fired rockets at an army base near Kunduz."),
    ("My target this season is to drive the club on and win the league.",
     "On 4 May 2022, gunmen targeted a police checkpoint in Mosul, killing two officers."),
    ("The champion came through a dramatic five-set battle with his rival at the tournament.",
     "On 5 May 2022, troops fought a battle with rebel fighters near Goma."),
    ("Shooting on the period drama was postponed after the lead actor fell ill, the studio said.",
     "On 6 May 2022, gunmen shot dead two farmers in Zamfara."),
    ("An earthquake and giant waves killed at least 38 people on the coast on Monday.",
     "On 7 May 2022, militants killed 38 villagers in an attack on Tillaberi."),
    ("Six workers were injured when a boiler at a chemical plant exploded on Thursday.",
     "On 8 May 2022, a roadside bomb exploded under a police vehicle in Kandahar, injuring six officers."),
    ("The opposition leader attacked the government's plans for higher taxes in a speech on Monday.",
     "On 9 May 2022, armed men attacked a village in Ituri, killing four civilians."),
    ("Japan decided new sanctions over the missile tests and the rocket launch last month.",
     "On 10 May 2022, Houthi forces launched a missile at Marib city."),
    ("The singer, who was convicted of killing a man in 2019, released a new album on Friday.",
     "On 11 May 2022, soldiers killed a man at a checkpoint in Bamako."),
    ("The dollar rallied against the euro as shares rose on strong earnings.",
     "On 12 May 2022, thousands of teachers rallied in Nairobi to demand higher pay."),
    ("The company's researchers demonstrated a wireless cap that reads brain waves.",
     "On 13 May 2022, hundreds of students demonstrated outside parliament in Dhaka."),
    ("Flash floods and landslides killed at least 77 people in the province, the disaster agency said.",
     "On 14 May 2022, an air strike killed 7 people in the province of Marib."),
    ("Shares in the retailer rallied after its market debut, traders said.",
     "On 15 May 2022, gunmen attacked a market in Maiduguri, killing five traders."),
    ("The band released a series of singles on its website last week.",
     "On 16 May 2022, rebels carried out a series attacks against army positions near Beni."),
    ("The ministry announced tariffs targeting steel makers in five countries.",
     "On 18 May 2022, gunmen targeted steel workers in a mine near Kalemie, killing three."),
    ("The chart battle between the two singers ended with a tie this week.",
     "On 17 May 2022, the air force began a bombing campaign against rebel positions in Kidal."),
]


@pytest.mark.slow
@pytest.mark.parametrize("negative, positive", TWINS)
def test_relevance_negative_yields_nothing_and_twin_still_does(parse_text, negative: str, positive: str) -> None:
    assert [m for m in extract_events(parse_text(negative)) if not m.historical] == [], negative
    assert extract_events(parse_text(positive)), positive


SPORT_REPORT = (
    "Chelsea beat Portsmouth 2-0 in the Premiership on Saturday. The striker scored his first goal of the season "
    "after the keeper failed to hold a shot. The manager praised his team after the match. \"We were up for the "
    "battle in the second half and the players deserved the win,\" he said. The club are now top of the league "
    "with ten games of the season left, ahead of the cup final."
)


@pytest.mark.slow
def test_relevance_sport_report_yields_no_event_and_explains_why(parse_text) -> None:
    trace: list[Decision] = []
    assert extract_events(parse_text(SPORT_REPORT), trace) == ()
    assert trace[0].reason.startswith("article reads as sport")
    dropped = [d for d in trace[1:] if not d.kept]
    assert dropped and all(d.reason for d in dropped)


@pytest.mark.slow
def test_relevance_trace_names_the_kept_anchor(parse_text) -> None:
    trace: list[Decision] = []
    events = extract_events(parse_text("On 5 May 2022, gunmen shot dead two farmers in Zamfara."), trace)
    assert events
    kept = [d for d in trace if d.kept and d.sentence_index >= 0]
    assert kept and kept[0].reason.startswith("anchor:")


def test_relevance_article_topic_reads_the_dominant_domain() -> None:
    assert article_topic(SPORT_REPORT).domain == "sport"
    conflict = "Militants attacked an army checkpoint; troops returned fire and two soldiers were killed."
    assert article_topic(conflict).domain == "conflict"
    assert not article_topic("").off_topic


def test_relevance_terms_match_whole_words_and_phrases() -> None:
    assert count_terms("The air strike hit; air strikes followed.", ("air strike", "air strikes")) == 2
    assert first_term("the planted mines", ("plant",)) is None
    assert first_term("a gas plant", ("plant",)) == "plant"


@pytest.mark.parametrize("text, cause", [
    ("An earthquake killed eight people.", "earthquake"),
    ("Three workers were killed when a boiler exploded at the factory.", "boiler"),
])
def test_relevance_natural_or_accidental_cause_without_perpetrator(text: str, cause: str) -> None:
    topic = ArticleTopic()
    judged = sentence_relevance(text, (0, 0), "Violence against civilians", topic, armed_actor=False,
                                state_actor=False, civilian_target=True, fatalities=8, generic=True)
    assert not judged.keep and cause in judged.reason
    attacked = sentence_relevance(text + " Militants claimed the attack.", (0, 0), "Violence against civilians",
                                  topic, armed_actor=True, state_actor=False, civilian_target=True, fatalities=8,
                                  generic=True)
    assert attacked.keep


def test_relevance_capitalised_cause_word_is_a_name() -> None:
    text = "A member of the Storm Corps was killed in a limpet mine blast at the border."
    judged = sentence_relevance(text, (0, 0), "Explosions/Remote violence", ArticleTopic(), armed_actor=False,
                                state_actor=False, civilian_target=False, fatalities=1, generic=True)
    assert judged.keep


def test_relevance_off_topic_article_needs_a_strong_anchor() -> None:
    sport = ArticleTopic({"sport": 12, "conflict": 0}, "sport")
    text = "Fans clashed outside the ground after the game."
    weak = sentence_relevance(text, (5, 12), "Battles", sport, armed_actor=False, state_actor=True,
                              civilian_target=False, fatalities=0, place_named=True)
    assert not weak.keep and "sport" in weak.reason
    strong = sentence_relevance("Gunmen shot dead two fans outside the ground.", (7, 18), "Violence against civilians",
                                sport, armed_actor=True, state_actor=False, civilian_target=True, fatalities=2)
    assert strong.keep


def test_relevance_ordinary_crime_is_out_of_scope_but_a_protest_about_it_is_not() -> None:
    topic = ArticleTopic()
    arrest = sentence_relevance("Police detained three bank executives over embezzlement.", (7, 15), "Strategic developments",
                                topic, armed_actor=False, state_actor=True, civilian_target=False, fatalities=0)
    assert not arrest.keep and "crime" in arrest.reason
    protest = sentence_relevance("Thousands marched against corruption in the capital.", (10, 17), "Protests", topic,
                                 armed_actor=False, state_actor=False, civilian_target=False, fatalities=0)
    assert protest.keep


# (sentence, words the dropping reason contains): each a different reading of the trigger's sense
SENSES = [
    ("Did militants attack the base in Kunduz on Monday?", "question"),
    ("The rapper, who was convicted of killing a man in a nightclub, toured the country.", "court"),
    ("Protests against the summit are expected to be muted this year, organisers said.", "not (yet) happened"),
    ("The company cut its profit targets for the year after weak sales.", "another sense"),
    ("The group said it would not attack the convoy near Gao.", "hypothetical"),
    ("He suffered a heart attack at his home in Leeds on Monday.", "idiom"),
    ("The car belongs to a rally school for disabled drivers based in Ruritania's capital.", "idiom"),
    ("The government announced new sanctions targeting the central bank of Ruritania.", "abstraction"),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, why", SENSES)
def test_relevance_trigger_sense_names_the_reason(parse_text, text: str, why: str) -> None:
    trace: list[Decision] = []
    assert [m for m in extract_events(parse_text(text), trace) if not m.historical] == []
    reasons = " ".join(d.reason for d in trace if not d.kept)
    assert why in reasons, reasons
