"""Actor spans and roles around a trigger: who acts, who is acted upon, who backs them."""

from __future__ import annotations

import pytest

from conflictlog.extract import extract_events

pytestmark = pytest.mark.slow


def _first(parse_text, text: str):
    events = extract_events(parse_text(text))
    assert events, text
    return events[0]


@pytest.mark.parametrize(("text", "actor1", "actor2"), [
    ("On 2 June 2022, Turkish forces shelled SDF positions near Tal Tamr.", "Turkish forces", "SDF"),
    ("On 2 June 2022, a shepherd was shot dead by unknown gunmen near Daraa.", "unknown gunmen", "civilians"),
    ("On 2 June 2022, an attack by IS militants on army checkpoints near Kirkuk killed two soldiers.",
     "IS militants", "army"),
    ("On 2 June 2022, clashes broke out between Hamza Division and Ahrar al-Sham in al-Bab.",
     "Hamza Division", "Ahrar al-Sham"),
    ("On 2 June 2022, Israeli warplanes carried out airstrikes against Hezbollah positions in Qusayr.",
     "Israeli warplanes", "Hezbollah"),
    ("On 2 June 2022, police arrested three journalists in Kabul.", "police", "civilians"),
    # a count names what it counts; a part of a group named before it does not ("three of its own fighters")
    ("On 2 June 2022, rebel fighters killed dozens of government troops near Kutum.", "rebel fighters",
     "government troops"),
    # the ones an attack told as background harmed are its other side, not the post it struck
    ("On 2 June 2022, one volunteer was killed following an attack by militants on an army base near Aqcha.",
     "militants", "one volunteer"),
    # those killed in clashes with a side named after "with" are that side's opponents
    ("On 2 June 2022, four policemen were killed during clashes with Shabaab fighters near Afgooye.",
     "Shabaab fighters", "four policemen"),
    ("On 2 June 2022, nine rebels were killed in heavy fighting with army troops near Beni.", "army troops",
     "nine rebels"),
    # "by X" hung under the target ("an attack on a post by X") still names who attacked
    ("On 2 June 2022, a guard was killed following an assault on a police station by Shabaab fighters in Jowhar.",
     "Shabaab fighters", "a guard"),
    # the people harmed, not the unowned post, are the other side
    ("On 2 June 2022, three policemen were wounded in an attack on a checkpoint by ADF rebels near Beni.",
     "ADF rebels", "three policemen"),
    # "their attacks": those the possessive names attacked, even when they were the ones killed
    ("On 2 June 2022, six militants were killed and 2 were wounded after their attack on army troops in Diffa.",
     "six militants", "army troops"),
    # the weapon is not the actor; whoever its participle names placed it
    ("On 2 June 2022, three soldiers were wounded in the blast of a mine planted by ISWAP fighters near Damboa.",
     "ISWAP fighters", "three soldiers"),
    # a bomber who "blew himself up" is no target of his own act: those killed are
    ("On 2 June 2022, seven worshippers were killed when a suicide bomber blew himself up at a mosque in Kano.",
     "a suicide bomber", "civilians"),
])
def test_actors_roles(parse_text, text: str, actor1: str, actor2: str) -> None:
    event = _first(parse_text, text)
    assert event.actor1 is not None and event.actor1.text == actor1
    assert event.actor2 is not None and event.actor2.text == actor2


def test_actors_spans_point_into_the_article(parse_text) -> None:
    text = "On 2 June 2022, Turkish forces shelled SDF positions near Tal Tamr."
    doc = parse_text(text)
    event = extract_events(doc)[0]
    for actor in (event.actor1, event.actor2):
        assert actor is not None and actor.span is not None
        assert doc.article.text[actor.span.start:actor.span.end] == actor.text


def test_actors_backed_by_is_associated_with_actor1(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, SDF fighters, backed by coalition warplanes, attacked IS positions "
                               "near Hajin.")
    assert event.actor1 is not None and event.actor1.text == "SDF fighters"
    assert [a.text for a in event.assoc_actor_1] == ["coalition warplanes"]
    assert event.event_type == "Battles"  # the backing aircraft do not make it an air strike


def test_actors_protesters_are_coded_as_protesters_with_named_group_associated(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, members of the teachers' union protested in Lagos.")
    assert event.actor1 is not None and event.actor1.text == "protesters"
    assert event.assoc_actor_1 and "teachers' union" in event.assoc_actor_1[0].text


def test_actors_date_is_never_an_actor(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, soldiers exchanged fire with militants near Bannu.")
    spans = [a.text for a in (event.actor1, event.actor2) if a]
    assert all("June" not in s for s in spans)
    assert event.actor2 is not None and event.actor2.text == "militants"


def test_actors_civilian_victims_are_civilians_with_their_description_associated(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, police arrested three journalists in Kabul.")
    assert event.actor2 is not None and event.actor2.text == "civilians" and event.actor2.span is None
    assert [a.text for a in event.assoc_actor_2] == ["three journalists"]
    armed = _first(parse_text, "On 2 June 2022, gunmen shot dead two soldiers at a checkpoint in Daraa.")
    assert armed.actor2 is not None and armed.actor2.text == "two soldiers"
    assert armed.event_type == "Battles"


def test_actors_unnamed_perpetrator_is_an_unidentified_armed_group(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, the body of a farmer was found shot near Inkhil.")
    assert event.event_type == "Violence against civilians"
    assert event.actor1 is not None and event.actor1.text == "unidentified armed group"


@pytest.mark.slow
def test_actors_opening_place_phrase_misparsed_as_subject_is_skipped(parse_text) -> None:
    # spaCy reads the township as a second subject of "arrested"; the army is the one who acts
    text = "On 2 June 2022, in Bahin village, Mingin township (Kale district, Sagaing region), the military arrested two young men."
    event = _first(parse_text, text)
    assert event.actor1 is not None and event.actor1.text == "the military"


@pytest.mark.slow
def test_actors_a_group_called_by_name_is_that_name(parse_text) -> None:
    text = "On 2 June 2022, a militant group called Ahrar Sinjar fired rockets at a military base near Mosul."
    event = _first(parse_text, text)
    assert event.actor1 is not None and event.actor1.text == "Ahrar Sinjar"


@pytest.mark.slow
def test_actors_off_duty_victims_keep_off(parse_text) -> None:
    text = "On 2 June 2022, unidentified gunmen opened fire and killed off duty police members near Amara."
    event = _first(parse_text, text)
    assert event.event_type == "Violence against civilians"


@pytest.mark.slow
@pytest.mark.parametrize(("text", "actor1"), [
    ("On 2 June 2022, Turkish artillery shelled Tal Rifaat.", "Turkish artillery"),
    ("On 2 June 2022, a coalition air raid targeted a market in Saada.", "coalition"),
])
def test_actors_owned_weapon_or_force_word_names_who_acts(parse_text, text: str, actor1: str) -> None:
    event = _first(parse_text, text)
    assert event.actor1 is not None and event.actor1.text == actor1


def test_actors_quoted_name_stays_in_the_actor_phrase(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, the “Islamic State” organization executed a man in al-Mayadin.")
    assert event.actor1 is not None and "Islamic State" in event.actor1.text


def test_actors_a_count_of_victims_is_no_actor(parse_text) -> None:
    event = _first(parse_text, "12 killed by shelling on Douma")
    assert all(a is None or not a.text.strip().isdigit() for a in (event.actor1, event.actor2))


def test_actors_crowd_whose_act_is_misparsed_keeps_its_subject(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, Israeli settlers burned farmland and hurled stones towards cars near "
                               "Huwara (Nablus, West Bank). [size=no report]")
    assert event.event_type == "Riots"
    assert [a.text for a in event.assoc_actor_1] == ["Israeli settlers"]


def test_actors_who_accompanies_a_named_convoy_supports_it(parse_text) -> None:
    event = _first(parse_text, "Movement of forces: On 2 June 2022, an SDF convoy accompanied by US "
                               "helicopters entered Shuhayl town in Deir ez Zor.")
    assert event.actor1 is not None and event.actor1.text == "SDF"
    assert any("helicopters" in a.text for a in event.assoc_actor_1)


def test_actors_coder_note_names_the_actor(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, soldiers exchanged fire with a group of armed men (coded as "
                               "Kashmir Rebels) near Kupwara.")
    assert event.actor2 is not None and event.actor2.text == "Kashmir Rebels"


def test_actors_force_word_after_a_nationality_belongs_to_the_owner(parse_text) -> None:
    event = _first(parse_text, "On 3 March 2020, Taliban militants attacked an Afghan army checkpoint in Kunduz.")
    assert event.actor2 is not None and event.actor2.text == "Afghan army"


@pytest.mark.parametrize("text", [
    "05/24/2021: Assailants opened fire on a police patrol in Temuco, Chile.",
    "05/24/2021: An explosives-laden vehicle detonated near a market in Azaz, Syria.",
])
def test_actors_a_date_label_or_a_weapon_is_no_actor(parse_text, text: str) -> None:
    event = _first(parse_text, text)
    assert event.actor1 is None or event.actor1.text in ("Assailants", "unidentified armed group")


def test_actors_dateline_is_no_actor_and_repelled_attackers_are_the_other_side(parse_text) -> None:
    event = _first(parse_text, "GAO, Mali — Malian soldiers repelled an attack by Katiba Macina (KM) fighters on an "
                               "army camp near Gao on Friday, the army said.")
    assert event.actor1 is not None and event.actor1.text == "Malian soldiers"
    assert event.actor2 is not None and "Katiba Macina (KM) fighters" in event.actor2.text


@pytest.mark.parametrize(("text", "actor2"), [
    ("On 2 June 2022, riot police dispersed protesting nurses who had gathered outside the ministry in Accra.",
     "riot police"),
    ("On 2 June 2022, soldiers broke up a demonstration by traders in Mopti.", "soldiers"),
    ("On 2 June 2022, the police arrested twelve students who were protesting against fees in Kampala.",
     "the police"),
    ("On 2 June 2022, ten protesters were detained by gendarmes outside the ministry in Dakar.", "gendarmes"),
    # arrests whose makers go unnamed are the police's
    ("On 2 June 2022, eight nurses were arrested after they picketed the health ministry in Harare.", "police"),
])
def test_actors_a_state_force_acting_on_protesters_is_actor2(parse_text, text: str, actor2: str) -> None:
    event = _first(parse_text, text)
    assert event.event_type == "Protests"
    assert event.actor1 is not None and event.actor1.text == "protesters"
    assert event.actor2 is not None and event.actor2.text == actor2


@pytest.mark.parametrize("text", [
    "On 2 June 2022, soldiers protested over unpaid wages in Bamako.",
    "On 2 June 2022, a protest by police officers over pay was held in Accra.",
])
def test_actors_protesting_forces_are_the_crowd_not_actor2(parse_text, text: str) -> None:
    event = _first(parse_text, text)
    assert event.event_type == "Protests" and event.actor2 is None


def test_actors_a_demonstrations_on_object_is_its_place_not_the_other_side(parse_text) -> None:
    event = _first(parse_text, "On 2 June 2022, rioters clashed with police officers during a demonstration on "
                               "Uhuru Hill in Kisumu.")
    assert event.actor2 is not None and event.actor2.text == "police officers"
