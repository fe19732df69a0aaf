"""Geocoder: ACLED geo_precision rules, country context, curated places, and place-text reading."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictlog.records import GeoPrecision, PlaceMention
from conflictlog.resolve.gazetteer import distance_km
from conflictlog.resolve.geocode import Geocoder, read_place_text


@pytest.mark.parametrize(
    ("text", "qualifier", "name", "near", "province", "district"),
    [
        ("the outskirts of the city of al-Mayadin", None, "al-Mayadin", True, False, False),
        ("Deir Ezzor province", None, "Deir Ezzor", False, True, False),
        ("the province of Deir Ezzor", None, "Deir Ezzor", False, True, False),
        ("Mayadin district", None, "Mayadin", False, False, True),
        ("al-Mayadin", "near", "al-Mayadin", True, False, False),
        ("the desert near al-Tanaf", None, "al-Tanaf", True, False, False),
        ("10 km west of Hajin", None, "Hajin", True, False, False),
        ("Raqqa city", None, "Raqqa", False, False, False),
    ],
)
def test_geocode_read_place_text(text: str, qualifier: str | None, name: str, near: bool, province: bool,
                                 district: bool) -> None:
    reading = read_place_text(text, qualifier)
    assert name in reading.names
    assert (reading.near, reading.province, reading.district) == (near, province, district)


@pytest.mark.slow
def test_geocode_town_itself_is_precision_1(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Hajin"), ("Syria",))
    assert place is not None
    assert (place.location, place.country, place.admin1) == ("Hajin", "Syria", "Deir ez-Zor")
    assert place.geo_precision is GeoPrecision.TOWN
    assert place.country_iso3 == "SYR" and place.gazetteer_id.startswith("geonames:")
    assert distance_km(place.latitude, place.longitude, 34.695, 40.831) < 5


@pytest.mark.slow
@pytest.mark.parametrize(
    "mention",
    [PlaceMention("the outskirts of the city of al-Mayadin"), PlaceMention("al-Mayadin", qualifier="outskirts"),
     PlaceMention("al-Mayadin countryside"), PlaceMention("near al-Mayadin")],
)
def test_geocode_near_a_town_is_precision_2_at_the_town(geocoder: Geocoder, mention: PlaceMention) -> None:
    place = geocoder.geocode(mention, ("Syria",))
    assert place is not None and place.location == "Al Mayadin"
    assert place.geo_precision is GeoPrecision.NEAR
    assert distance_km(place.latitude, place.longitude, 35.02, 40.45) < 5


@pytest.mark.slow
def test_geocode_district_is_precision_2(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Mayadin district"), ("Syria",))
    assert place is not None
    assert place.geo_precision is GeoPrecision.NEAR
    assert (place.admin1, place.admin2) == ("Deir ez-Zor", "Mayadin")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mention", "admin1", "capital"),
    [(PlaceMention("Deir Ezzor", qualifier="province"), "Deir ez-Zor", (35.336, 40.141)),
     (PlaceMention("the province of al-Raqqa"), "Ar-Raqqa", (35.953, 39.008)),
     (PlaceMention("Helmand"), "Helmand", (31.59, 64.37)),
     (PlaceMention("Idlib Governorate"), "Idleb", (35.93, 36.63))],
)
def test_geocode_province_only_is_precision_3_at_its_capital(geocoder: Geocoder, mention: PlaceMention, admin1: str,
                                                             capital: tuple[float, float]) -> None:
    place = geocoder.geocode(mention)
    assert place is not None
    assert place.geo_precision is GeoPrecision.REGION
    assert place.admin1 == admin1 and place.location == admin1 and place.admin2 is None
    assert distance_km(place.latitude, place.longitude, *capital) < 10


@pytest.mark.slow
def test_geocode_bare_city_name_is_the_city_not_the_province(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Raqqa"), ("Syria",))
    assert place is not None and place.geo_precision is GeoPrecision.TOWN
    assert place.admin1 == "Ar-Raqqa" and place.gazetteer_id == "geonames:172955"


@pytest.mark.slow
def test_geocode_prefers_context_country(geocoder: Geocoder) -> None:
    lebanon = geocoder.geocode(PlaceMention("Tripoli"), ("Lebanon",))
    libya = geocoder.geocode(PlaceMention("Tripoli"), ("Libya", "Lebanon"))
    assert lebanon is not None and lebanon.country == "Lebanon"
    assert libya is not None and libya.country == "Libya"


@pytest.mark.slow
def test_geocode_country_hint_counts_as_context(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Tripoli", country_hint="Lebanon"), ("Libya",))
    assert place is not None and place.country == "Lebanon"


@pytest.mark.slow
def test_geocode_name_with_country_is_strict(geocoder: Geocoder) -> None:
    assert geocoder.geocode_name("Kandahar", "Syria") is None
    place = geocoder.geocode_name("Kandahar", "AF")
    assert place is not None and place.country == "Afghanistan"


@pytest.mark.slow
def test_geocode_comma_names_the_containing_province(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Tripoli, Ash Shimal"))
    assert place is not None and place.country == "Lebanon"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "slug", "precision"),
    [("the Omar oil fields", "curated:omar-oil-field", GeoPrecision.TOWN),
     ("al-Tanaf", "curated:tanf-base", GeoPrecision.TOWN),
     ("the desert near al-Tanaf", "curated:tanf-base", GeoPrecision.NEAR),
     ("the Euphrates Valley", "curated:euphrates-valley", GeoPrecision.NEAR),
     ("the Homs-Deir Ezzor desert", "curated:syrian-badia", GeoPrecision.NEAR),
     ("the al-Anbar desert", "curated:anbar-desert", GeoPrecision.NEAR),
     ("Baghuz", "curated:baghuz", GeoPrecision.TOWN)],
)
def test_geocode_curated_places(geocoder: Geocoder, text: str, slug: str, precision: GeoPrecision) -> None:
    place = geocoder.geocode(PlaceMention(text))
    assert place is not None
    assert place.gazetteer_id == slug and place.geo_precision is precision


@pytest.mark.slow
def test_geocode_unknown_place_is_none(geocoder: Geocoder) -> None:
    assert geocoder.geocode(PlaceMention("Qwzxqwzx village"), ("Syria",)) is None


@pytest.mark.slow
def test_geocode_any_takes_the_most_precise(geocoder: Geocoder) -> None:
    place = geocoder.geocode_any([PlaceMention("Deir Ezzor", qualifier="province"), PlaceMention("Hajin"),
                                  PlaceMention("Qwzxqwzx")], ("Syria",))
    assert place is not None and place.location == "Hajin"
    assert geocoder.geocode_any([PlaceMention("Qwzxqwzx")]) is None


@pytest.mark.parametrize(
    ("text", "fallback"),
    [("Kaliganj upazila", "Kaliganj"), ("Muya LGA", "Muya"), ("Barangay Malitbog", "Malitbog"),
     ("Jackson police department", "Jackson"), ("Kharaz refugee camp", "Kharaz"), ("Donetsk - Kuibyshevskyi", "Donetsk"),
     ("the Hajin-Baghuz road", "Hajin"), ("Aden port", "Aden")],
)
def test_geocode_read_place_text_fallback_names(text: str, fallback: str) -> None:
    assert fallback in read_place_text(text).names


def test_geocode_read_place_text_police_department_is_not_a_district() -> None:
    assert not read_place_text("Jackson police department").district


@pytest.mark.slow
@pytest.mark.parametrize("text", ["Airport", "the coast", "Police", "Checkpoint", "Line", "Africa"])
def test_geocode_common_words_are_not_places(geocoder: Geocoder, text: str) -> None:
    assert geocoder.geocode(PlaceMention(text)) is None


@pytest.mark.slow
def test_geocode_loose_spelling_needs_a_resembling_name(geocoder: Geocoder) -> None:
    # transliteration variants of a Syrian town resolve; a name that only shares consonants does not
    place = geocoder.geocode(PlaceMention("Deir al-Zour"))
    assert place is not None and place.admin1 == "Deir ez-Zor"
    mayadeen = geocoder.geocode(PlaceMention("Mayadeen"))
    assert mayadeen is not None and mayadeen.gazetteer_id == "geonames:173480"
    assert geocoder.geocode(PlaceMention("Sfahin")) is None or geocoder.geocode(PlaceMention("Sfahin")).country != "Iran"


@pytest.mark.slow
def test_geocode_neighbour_of_context_beats_far_homonym(geocoder: Geocoder) -> None:
    # "Tripoli" in a report that names only Syria is the Lebanese city across the border, not Libya's capital
    place = geocoder.geocode(PlaceMention("Tripoli"), ("Syria",))
    assert place is not None and place.country == "Lebanon"


@pytest.mark.slow
def test_geocode_capital_city_beats_same_named_hamlet_in_context(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Kabul"), ("United States",))
    assert place is not None and place.country == "Afghanistan"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "country"), [("New York", "United States"), ("Philadelphia", "United States"),
                                               ("London", "United Kingdom"), ("Paris", "France")])
def test_geocode_own_name_beats_conflict_country_alternate_name(geocoder: Geocoder, name: str, country: str) -> None:
    # with no country in the story, a place that bears the name itself beats a village in a conflict country
    # that has it only as an alternate spelling (a Donbas village once called "New York", Philadelphia as the
    # old name of a Turkish town)
    place = geocoder.geocode(PlaceMention(name))
    assert place is not None and place.country == country


@pytest.mark.slow
@pytest.mark.parametrize(("town", "admin1"), [("Tabriz", "East Azerbaijan"), ("Mashhad", "Razavi Khorasan"),
                                              ("Sidon", "South"), ("Zakho", "Duhok"), ("Erbil", "Erbil")])
def test_geocode_admin1_uses_acled_english_names(geocoder: Geocoder, town: str, admin1: str) -> None:
    place = geocoder.geocode(PlaceMention(town))
    assert place is not None and place.admin1 == admin1


@pytest.mark.slow
def test_geocode_district_without_seat_town_has_coordinates(gazetteer) -> None:
    # Argo district (Badakhshan) has no GeoNames town called Argo; its coordinates come from its largest town
    districts = [e for e in gazetteer.lookup("Argo district", "Afghanistan") if e.feature == "admin2"]
    assert districts and districts[0].admin1 == "Badakhshan"
    assert 36.0 < districts[0].latitude < 38.5 and 69.5 < districts[0].longitude < 75.0


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected", "precision"), [
    # an unknown village is coded to the innermost area named with it
    ("Nowhereville, Kharkiv", ("Ukraine", "Kharkiv", "Kharkiv"), GeoPrecision.REGION),
    # "Niger" is a country and a Nigerian state; the district named with it settles which
    ("Qqqzzz, Paikoro, Niger", ("Nigeria", "Niger", "Paikoro"), GeoPrecision.NEAR),
    # several countries have a province called Central; only Ghana's holds a Mankesim
    ("Mankesim, Central", ("Ghana", "Central", "Mankesim"), GeoPrecision.TOWN),
    # a Kaliganj exists, but in Khulna division; the text puts this one in Gazipur district (Dhaka division)
    ("Kaliganj upazila, Gazipur", ("Bangladesh", "Dhaka", "Gazipur"), GeoPrecision.NEAR),
])
def test_geocode_named_containing_areas(geocoder: Geocoder, text: str, expected: tuple[str, str, str],
                                        precision: GeoPrecision) -> None:
    place = geocoder.geocode(PlaceMention(text))
    assert place is not None
    assert (place.country, place.admin1, place.location) == expected
    assert place.geo_precision is precision


@pytest.mark.slow
def test_geocode_named_province_outweighs_article_countries(geocoder: Geocoder) -> None:
    # Tyre is "Sur" in Arabic; a Diyarbakir qualifier means the Turkish district even in a Lebanon story
    place = geocoder.geocode(PlaceMention("Sur, Diyarbakir"), ("Lebanon",))
    assert place is not None
    assert (place.country, place.admin1) == ("Turkey", "Diyarbakir")


@pytest.mark.slow
def test_geocode_own_name_beats_an_alternate_spelling_elsewhere(geocoder: Geocoder) -> None:
    # a Turkish village lists "Anbar" among its alternate names; the Iraqi province is called so
    place = geocoder.geocode(PlaceMention("Anbar", qualifier="area"))
    assert place is not None and (place.country, place.admin1) == ("Iraq", "Al Anbar")


@pytest.mark.slow
def test_geocode_province_only_one_country_has_survives_foreign_context(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Lahij", qualifier="area"), ("United Kingdom",))
    assert place is not None and (place.country, place.admin1) == ("Yemen", "Lahij")


@pytest.mark.slow
def test_geocode_town_just_across_the_named_province_border_is_kept(geocoder: Geocoder) -> None:
    # GeoNames puts Khan Shaykhun in Idleb, a few km from Hama's border; a report placing it in Hama keeps
    # the town's coordinates and the province it names
    place = geocoder.geocode(PlaceMention("Khan Shaykhun, Hama"))
    assert place is not None
    assert (place.admin1, place.location, place.geo_precision) == ("Hama", "Khan Shaykhun", GeoPrecision.TOWN)


@pytest.mark.slow
def test_geocode_town_far_from_the_named_province_gives_way_to_it(geocoder: Geocoder) -> None:
    place = geocoder.geocode(PlaceMention("Jarabulus, Dara"))
    assert place is not None
    assert (place.admin1, place.geo_precision) == ("Dar'a", GeoPrecision.REGION)


@pytest.mark.slow
def test_geocode_named_area_country_beats_article_country_on_a_tie(geocoder: Geocoder) -> None:
    # a Turkish village lists "Zap" among its old names; the text places this Zap in Iraq's Duhok
    place = geocoder.geocode(PlaceMention("Zap, Duhok", qualifier="region"), ("Turkey",))
    assert place is not None and (place.country, place.admin1) == ("Iraq", "Duhok")


@pytest.mark.slow
def test_geocode_containing_district_in_another_spelling(geocoder: Geocoder) -> None:
    # GeoNames spells the district "Sherzad"; the province and country named with it fix where to look
    place = geocoder.geocode(PlaceMention("Qqzzyx, Shirzad district, Nangarhar, Afghanistan"))
    assert place is not None and (place.admin1, place.location) == ("Nangarhar", "Sherzad")
    # a loosely similar name in a country nobody named is not taken ("Factory Road" is no "El Factor")
    place = geocoder.geocode(PlaceMention("Mogadishu, Factory Road"), ("Somalia",))
    assert place is not None and place.country == "Somalia"


@pytest.mark.slow
def test_geocode_named_province_outweighs_a_foreign_town_of_the_name(geocoder: Geocoder) -> None:
    # Kuvshinovo is a Russian town and Donetsk a Russian town too, but "Donetsk" after a comma is the Ukrainian
    # oblast: the place is coded to the oblast, not to the Russian town
    place = geocoder.geocode(PlaceMention("Kuvshinovo, Donetsk"), ("Ukraine",))
    assert place is not None and (place.country, place.admin1) == ("Ukraine", "Donetsk")
    assert place.geo_precision is GeoPrecision.REGION
    # a country named as the area still beats a foreign district of the same name ("Mali" in Guinea)
    mali = geocoder.geocode(PlaceMention("Douentza, Mali"), ("Mali",))
    assert mali is not None and mali.country == "Mali"


@pytest.mark.slow
@pytest.mark.parametrize("context", [(), ("Madagascar",)])
def test_geocode_loose_spelling_of_a_small_town_abroad_is_not_taken(geocoder: Geocoder,
                                                                    context: tuple[str, ...]) -> None:
    # "Dahaly" only resembles a small Indian town (Dahali): in a story of no country, or of another one, it is a
    # group's or a person's name as likely as that town
    assert geocoder.geocode(PlaceMention("Dahaly"), context) is None
    assert geocoder.geocode(PlaceMention("Dahali"), ("India",)) is not None


@pytest.mark.slow
def test_geocode_small_place_abroad_needs_a_country_or_province_named(geocoder: Geocoder) -> None:
    # "White" (a building's nickname) is a few small US counties and towns: nothing in the text supports them
    assert geocoder.geocode(PlaceMention("White")) is None
    assert geocoder.geocode(PlaceMention("White"), ("United States",)) is not None
    assert geocoder.geocode(PlaceMention("Swellendam")) is None
    named = geocoder.geocode(PlaceMention("Swellendam"), article_text="Farm workers marched in Swellendam, Western "
                             "Cape, on Monday.")
    assert named is not None and named.admin1 == "Western Cape"
    # a large city or a town in a conflict country is meant without support
    assert geocoder.geocode(PlaceMention("Paris")) is not None
    mayadin = geocoder.geocode(PlaceMention("al-Mayadin"))
    assert mayadin is not None and mayadin.country == "Syria"


# Invented villages: the gazetteer has none of these names, so only the area named beside them can place them.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("place", "sentence", "context", "location", "admin1", "precision"),
    [
        ("Kolorpur", "A mob attacked residents of Kolorpur village of Habiganj district of Bangladesh.",
         ("Bangladesh",), "Habiganj", "Sylhet", GeoPrecision.NEAR),
        ("Qolpatenabad", "Gunmen stormed Qolpatenabad area near Kunduz on Monday.", ("Afghanistan",), "Kunduz",
         "Kunduz", GeoPrecision.NEAR),
        ("Qolpatenabad", "A roadside bomb went off in Qolpatenabad, Helmand province, killing two.", (), "Helmand",
         "Helmand", GeoPrecision.REGION),
        ("Tolapara", "Two were hurt at Tolapara village under Sunamganj District Police watch.", ("Bangladesh",),
         "Sunamganj", "Sylhet", GeoPrecision.NEAR),
        ("Qolpatenabad", "Troops raided Qolpatenabad village (Kunduz province) at dawn.", ("Afghanistan",), "Kunduz",
         "Kunduz", GeoPrecision.REGION),
        ("Qolpatenabad", "Troops exchanged fire in the Qolpatenabad sector of Kupwara district.", ("India",),
         "Kupwara", "Jammu and Kashmir", GeoPrecision.NEAR),
    ],
)
def test_geocode_containing_area_of_an_unknown_village(geocoder: Geocoder, place: str, sentence: str,
                                                       context: tuple[str, ...], location: str, admin1: str,
                                                       precision: GeoPrecision) -> None:
    assert geocoder.geocode(PlaceMention(place), context) is None
    found = geocoder.containing_area(PlaceMention(place), sentence, context)
    assert found is not None
    assert (found.location, found.admin1, found.geo_precision) == (location, admin1, precision)
    assert found.admin2 is not None or precision is GeoPrecision.REGION


@pytest.mark.slow
def test_geocode_containing_area_named_elsewhere_in_the_article(geocoder: Geocoder) -> None:
    article = ("Families of Tolapara village of Sunamganj district fled on Sunday.\n"
               "They were attacked in Tolapara over a land dispute.")
    found = geocoder.containing_area(PlaceMention("Tolapara"), "They were attacked in Tolapara over a land dispute.",
                                     ("Bangladesh",), article_text=article)
    assert found is not None and found.admin2 == "Sunamganj" and found.geo_precision is GeoPrecision.NEAR


@pytest.mark.slow
@pytest.mark.parametrize("sentence", ["Gunmen attacked Qolpatenabad on Monday.",
                                      "Gunmen attacked Qolpatenabad village of Afghanistan.",
                                      "Gunmen attacked Qolpatenabad, Police said.",
                                      "Gunmen attacked a village."])
def test_geocode_containing_area_none_without_an_area(geocoder: Geocoder, sentence: str) -> None:
    assert geocoder.containing_area(PlaceMention("Qolpatenabad"), sentence, ("Afghanistan",)) is None


@pytest.mark.slow
def test_geocode_containing_area_lies_in_the_story_country(geocoder: Geocoder) -> None:
    # "Le" of an unknown "Le Marin" is not Leh in India, and an area abroad is not the place of a story elsewhere
    sentence = "Workers blocked the road in Qolpatenabad, Le Marin, on Monday."
    found = geocoder.containing_area(PlaceMention("Qolpatenabad"), sentence, ("Martinique",))
    assert found is None or found.country == "Martinique"
    found = geocoder.containing_area(PlaceMention("Qolpatenabad"), "Gunmen raided Qolpatenabad near Kunduz.",
                                     ("Pakistan",))
    assert found is None
    # an area found only by a spelling merely alike is none
    loose = geocoder.geocode(PlaceMention("Manbaj"))
    assert loose is not None and loose.score < 0.8
    assert geocoder.containing_area(PlaceMention("Qolpatenabad"), "Gunmen raided Qolpatenabad near Manbaj.") is None
    exact = geocoder.containing_area(PlaceMention("Qolpatenabad"), "Gunmen raided Qolpatenabad near Manbij.")
    assert exact is not None and exact.admin1 == "Aleppo"


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(place=st.text(max_size=20), sentence=st.text(max_size=120))
def test_geocode_containing_area_of_any_text_property(geocoder: Geocoder, place: str, sentence: str) -> None:
    found = geocoder.containing_area(PlaceMention(place or "x"), sentence, ("Syria",), article_text=sentence)
    assert found is None or found.geo_precision in (GeoPrecision.NEAR, GeoPrecision.REGION)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("article", "admin1"),
    [
        (None, "Maharashtra"),  # nothing else named: the larger namesake
        ("Police fired on protesters in Aurangabad in Bihar on Monday.", "Bihar"),
        ("Police fired on protesters in Aurangabad, some 80 km from Gaya, on Monday.", "Bihar"),
        ("Police fired on protesters in Aurangabad, east of Pune, on Monday.", "Maharashtra"),
    ],
)
def test_geocode_namesakes_told_apart_by_the_places_the_article_names(geocoder: Geocoder, article: str | None,
                                                                      admin1: str) -> None:
    place = geocoder.geocode(PlaceMention("Aurangabad"), ("India",), article_text=article)
    assert place is not None and place.admin1 == admin1


@pytest.mark.slow
def test_geocode_small_town_after_a_city_is_a_part_of_it_not_its_area(geocoder: Geocoder) -> None:
    # "the Cape Town area (Swellendam)": a town 200 km away cannot hold a city a hundred times its size, so the
    # name in brackets is a part of the city the gazetteer does not know, and the city is the place
    place = geocoder.geocode(PlaceMention("Cape Town, Swellendam", qualifier="area"), ("South Africa",))
    assert place is not None and place.location == "Cape Town" and place.geo_precision is GeoPrecision.NEAR
    town = geocoder.geocode(PlaceMention("Swellendam, Western Cape"), ("South Africa",))
    assert town is not None and town.location == "Swellendam" and town.geo_precision is GeoPrecision.TOWN


@pytest.mark.slow
@pytest.mark.parametrize(
    ("article", "found"),
    [
        # "Pyu" only heads a militia's name, and the town lies in none of the provinces the report names
        ("Near a village of Kale district, Sagaing region, the local PDF attacked Pyu Saw Htee members.", False),
        ("Near a village of Kale district, Sagaing region, the local PDF attacked members in Pyu.", True),
        ("Near a village of Kale district, Sagaing region, the local PDF attacked members in Pyu Town.", True),
        ("In Bago region, the local PDF attacked Pyu Saw Htee members.", True),
        ("The local PDF attacked Pyu Saw Htee members.", True),
    ],
)
def test_geocode_town_heading_a_group_name_outside_the_provinces_named(geocoder: Geocoder, article: str,
                                                                       found: bool) -> None:
    place = geocoder.geocode(PlaceMention("Pyu"), ("Myanmar",), article_text=article)
    assert (place is not None) is found


@pytest.mark.slow
def test_geocode_large_city_with_the_name_only_as_an_alternate_does_not_outweigh_the_context(
        geocoder: Geocoder) -> None:
    # Belem (1.5 million) lists "Bethlehem" among its old names: in a story of Palestine, Bethlehem is meant
    place = geocoder.geocode(PlaceMention("Bethlehem"), ("Palestine",))
    assert place is not None and place.country == "Palestine" and place.score == 1.0
