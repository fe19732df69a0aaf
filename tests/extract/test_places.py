"""Which place is the event's place, with its qualifier and country hint."""

from __future__ import annotations

import pytest

from conflictlog.extract import extract_events
from conflictlog.extract.places import country_hint, find_countries


def _place(parse_text, text: str):
    events = extract_events(parse_text(text))
    assert events and events[0].place is not None, text
    return events[0].place


@pytest.mark.slow
@pytest.mark.parametrize(("text", "place", "qualifier"), [
    ("On 2 June 2022, regime forces shelled Kafr Nabl town in Idleb countryside.", "Kafr Nabl", None),
    ("On 2 June 2022, clashes erupted near Al Bab city.", "Al Bab", "near"),
    ("On 2 June 2022, gunmen attacked a checkpoint in the outskirts of the city of al-Mayadin in the province "
     "of Deir Ezzor.", "al-Mayadin", "outskirts"),
    ("On 2 June 2022, militants attacked SDF positions in the Omar oil fields.", "Omar oil fields", None),
    ("On 2 June 2022, the army shelled rebel positions in Aleppo countryside.", "Aleppo", "countryside"),
    ("On 2 June 2022, police arrested two men in Kandahar province.", "Kandahar", "province"),
])
def test_places_event_place_and_qualifier(parse_text, text: str, place: str, qualifier: str | None) -> None:
    got = _place(parse_text, text)
    assert got.span is not None
    assert (got.span.text, got.qualifier) == (place, qualifier)
    assert got.text.split(",")[0] == place  # containing areas may follow after commas


@pytest.mark.slow
def test_places_prefers_the_trigger_place_over_the_first_place_named(parse_text) -> None:
    text = ("On 2 June 2022, a commander from Homs was killed when an IED exploded under his car in Palmyra.")
    assert _place(parse_text, text).text == "Palmyra"


@pytest.mark.slow
def test_places_span_and_country_hint(parse_text) -> None:
    text = "On 2 June 2022, Turkish drones struck a car near Qamishli in northeastern Syria."
    doc = parse_text(text)
    place = extract_events(doc)[0].place
    assert place is not None and place.span is not None
    assert doc.article.text[place.span.start:place.span.end] == place.span.text == "Qamishli"
    assert place.country_hint == "Syria"
    assert place.text == "Qamishli, Syria"  # the country named after it is passed on as a containing area


@pytest.mark.slow
def test_places_containing_areas_follow_the_place(parse_text) -> None:
    place = _place(parse_text, "On 2 June 2022, gunmen killed a trader in Kafr Zita (Muhradah, Hama).")
    assert place.text == "Kafr Zita, Muhradah, Hama"
    place = _place(parse_text, "On 2 June 2022, regime forces shelled Kafr Zita town in Hama countryside.")
    assert place.text.startswith("Kafr Zita") and place.text.endswith("Hama")


@pytest.mark.slow
def test_places_coordinated_place_is_not_a_containing_area(parse_text) -> None:
    place = _place(parse_text, "On 2 June 2022, rockets hit Saraqib city and the countryside of Hama.")
    assert "Hama" not in place.text
    # a clause coordinated with another ("shot and killed ... in X town in Y countryside") keeps its areas
    place = _place(parse_text, "On 2 June 2022, gunmen shot and killed a nurse in Kafr Zita town in Hama countryside.")
    assert place.text.startswith("Kafr Zita") and place.text.endswith("Hama")


@pytest.mark.slow
def test_places_unknown_place_gives_way_to_a_known_one(parse_text) -> None:
    # the first place named is not in the gazetteer; the town it lies near is
    place = _place(parse_text, "On 2 June 2022, a mob killed a man at Qqzzyx farm near Kwekwe.")
    assert place.span is not None and place.span.text == "Kwekwe"


@pytest.mark.slow
def test_places_unknown_village_falls_back_to_its_known_province(parse_text) -> None:
    place = _place(parse_text, "On 2 June 2022, regime forces shelled Qqzzyx town in Idleb countryside.")
    assert place.span is not None and place.span.text == "Idleb"
    assert place.qualifier == "countryside"


def test_places_country_hint_falls_back_to_the_article() -> None:
    article = "Fighting continued in Iraq. Later, gunmen attacked a bus. Officials in Iraq condemned it."
    assert country_hint("Later, gunmen attacked a bus.", article) == "Iraq"
    assert country_hint("Rebels entered Mali from Niger.", article) == "Mali"
    assert find_countries("no country here") == []


@pytest.mark.slow
def test_places_town_with_its_province_beats_a_square_named_like_a_town_elsewhere(parse_text) -> None:
    place = _place(parse_text, "On 2 June 2022, in Piura (Piura), hundreds of residents protested in Armas square.")
    assert place.span is not None and place.span.text == "Piura"


def test_places_known_place_reads_names_as_the_geocoder_does() -> None:
    from conflictlog.extract.places import _known_place

    # "Tikrit police headquarters" is known through the town it is named after, but not by its own name
    assert _known_place("Tikrit police headquarters", "Iraq")
    assert not _known_place("Tikrit police headquarters", "Iraq", spellings=False)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "place"), [
    # a hyphenated name the parser splits at its article is still the whole name
    ("On 2 June 2022, an IED exploded on As-Suwayda road in Dara countryside, killing a soldier.", "As-Suwayda road"),
    # "the perimeter/entrance of X": X is the place
    ("On 2 June 2022, soldiers opened fire at drones on the perimeter of the Al Asad Air Base in Anbar province.",
     "Al Asad Air Base"),
    ("On 2 June 2022, gunmen killed a guard at the entrance of Ariha town in Idleb countryside.", "Ariha"),
    # "the X frontline", "the fronts of X": X is the place, finer than the province after it
    ("On 2 June 2022, clashes erupted on the Kafr Nabl frontline in Idleb governorate, killing a fighter.",
     "Kafr Nabl"),
    ("On 2 June 2022, rebels clashed with soldiers on the fronts of Kafr Nabl in Idleb countryside.", "Kafr Nabl"),
])
def test_places_name_inside_a_wrapping_phrase(parse_text, text: str, place: str) -> None:
    got = _place(parse_text, text)
    assert got.span is not None and got.span.text == place


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), [
    # bracketed areas after a numbered village, and district names up to six words long
    ("On 2 June 2022, militants looted cattle in Qqzzyx 3 (Gorom-Gorom, Oudalan).", "Gorom-Gorom, Oudalan"),
    ("On 2 June 2022, gunmen kidnapped a fisherman in Qqzzyx camp (Qulensya Wa Abd Al Kuri, Socotra).",
     "Qulensya Wa Abd Al Kuri, Socotra"),
    # a coder's note says where the event is coded, in its own sentence or a later one
    ("On 2 June 2022, gunmen attacked herders on the road west of the city (coded to Qqzzyx axis) (Ariha, Idleb).",
     "Qqzzyx, Ariha, Idleb"),
    ("Looting: On 2 June 2022, soldiers seized cattle from herders in Mali. The herders were grazing near the river "
     "[coded to Mopti].", "Mopti"),
    # comma areas after an unknown neighbourhood: the event is coded to the innermost of them
    ("06/02/2021: A bomb exploded near a shop in Qqzzyx neighborhood, Ariha city, Idleb, Syria.",
     "Ariha, Idleb, Syria"),
    # a bracketed part of a village's name is not an area
    ("On 2 June 2022, troops shelled Qqzzyx (Upper) village (Ariha, Idleb).", "Ariha, Idleb"),
    # a name the parser heads with its particle ("imeni") is read whole, so the oblast after it contains it
    # (not a Russian town called by the first word alone)
    ("On 3 March 2022, separatist gunners fired rockets at a warehouse in Shakhta imeni Chkalova, Donetsk overnight.",
     "Donetsk"),
])
def test_places_areas_and_notes_written_around_the_place(parse_text, text: str, expected: str) -> None:
    assert _place(parse_text, text).text == expected


@pytest.mark.slow
@pytest.mark.parametrize(("text", "place"), [
    ("On 2 June 2022, an IED exploded in Manbij city north-east of Aleppo province, killing a child.", "Manbij"),
    ("On 2 June 2022, gunmen shot a teacher in al-Busayrah east of Deir Ezzor.", "al-Busayrah"),
])
def test_places_town_before_a_direction_is_the_place(parse_text, text: str, place: str) -> None:
    got = _place(parse_text, text)
    assert got.span is not None and got.span.text == place
