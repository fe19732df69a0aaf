"""Village index: transliteration keys, match confidence, and same-named villages told apart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.records import GeoPrecision, Place, PlaceMention
from conflictlog.resolve.gazetteer import Gazetteer
from conflictlog.resolve.geocode import Geocoder
from conflictlog.resolve.sources import PlaceRow, write_pack
from conflictlog.resolve.villages import (
    VillageIndex,
    build_index,
    exact_key,
    match_confidence,
    spelling_variants,
    translit_key,
)


@pytest.mark.parametrize("spellings", [
    ("Al-Qamishli", "Qamishly", "Kamishli", "el-Qamishli", "القامشلي"),
    ("Oleksandrivka", "Aleksandrovka", "Александровка", "Олександрівка"),
    ("ar-Raqqah", "Raqqa", "Rakka", "الرقة"),
    ("Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zour"),
    ("Ain al-Arab", "Ayn al Arab", "عين العرب"),
    ("Hasakeh", "Hasakah", "Al-Hassakah", "Hasaka"),
    ("Chahba", "Shahba", "Shahbaa"),
])
def test_villages_translit_key_joins_spellings(spellings: tuple[str, ...]) -> None:
    assert len({translit_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), [("Kafr Nabl", "Kafr Nabudah"), ("Tall Abyad", "Tall Bisa"),
                                      ("Bakhmut", "Makhmur")])
def test_villages_translit_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert translit_key(a) != translit_key(b)


def test_villages_exact_key_reads_arabic_and_cyrillic_script() -> None:
    assert exact_key("Харків") == exact_key("Kharkiv") == "kharkiv"
    assert exact_key("الميادين") == "mydyn"  # written without short vowels: only loose keys meet Latin spellings


def test_villages_match_confidence_orders_matches() -> None:
    own = match_confidence("Kafr Latha", "Kafr Latha", exact=True)
    alternate = match_confidence("Kafrlatha", "Kafr Lata", exact=True)
    close = match_confidence("Kafr Lataa", "Kafr Latha", exact=False)
    far = match_confidence("Kufr Lahta", "Kafr Latha", exact=False)
    assert own == 1.0 and alternate < own and close < alternate and far < close


@given(st.text(max_size=40))
def test_villages_keys_of_any_text_property(text: str) -> None:
    key = translit_key(text)
    assert key == key.lower() and key.isascii()
    assert not any(v in key for v in "aeiouwy")
    assert translit_key(text.upper()) == translit_key(text.lower()) or not text.isascii()
    assert 0.0 <= match_confidence(text, "Kafr Latha", exact=False) <= 0.8


# Invented villages, so that no GeoNames town of the name competes in the tests below.
_ROWS = [
    # the same name in two provinces of Syria, far apart
    PlaceRow("wof:1", "locality", "SY", "Tall Zurqanat", ("تل زرقانات", "Tell Zerqanat"), 35.93, 36.63, "Idlib",
             "Idlib"),
    PlaceRow("wof:2", "locality", "SY", "Tall Zurqanat", ("Tal Zurqanat",), 35.13, 36.75, "Hamah", "Hama"),
    # two namesakes in one province, 60 km apart: only the province is sure
    PlaceRow("wof:3", "locality", "SY", "Mazraat Quwaysim", (), 36.55, 37.95, "Aleppo", "Manbij"),
    PlaceRow("wof:4", "locality", "SY", "Mazraat Quwaysim", (), 36.20, 37.40, "Aleppo", "As-Safira"),
    # a village in one district of Aleppo only
    PlaceRow("wof:8", "locality", "SY", "Tall Qirmizat", (), 36.21, 37.41, "Aleppo", "As-Safira"),
    # namesakes in two provinces, one of them a sizeable place
    PlaceRow("wof:5", "locality", "YE", "Bayt Hunaydiq", (), 15.40, 44.30, "Sanaa", "", 25000),
    PlaceRow("wof:6", "locality", "YE", "Bayt Hunaydiq", (), 13.60, 44.00, "Taizz", "", 0),
    # a village known only by its Arabic name
    PlaceRow("wof:7", "locality", "IQ", "خربة الزعفرانية", (), 36.30, 43.10, "Ninawa", "Mosul"),
]


@pytest.fixture(scope="module")
def villages(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> VillageIndex:
    folder = tmp_path_factory.mktemp("villages")
    pack = folder / "places.tsv.gz"
    write_pack(_ROWS, pack)
    build_index(folder / "index.sqlite", pack, gazetteer)
    return VillageIndex(folder / "index.sqlite", folder / "none.sqlite")


@pytest.fixture(scope="module")
def village_geocoder(gazetteer: Gazetteer, villages: VillageIndex) -> Geocoder:
    for row in _ROWS:
        assert not gazetteer.lookup(row.name, loose=False), f"{row.name} is a real town: pick another test name"
    return Geocoder(gazetteer, villages)


@pytest.mark.slow
def test_villages_index_maps_source_areas_to_acled_admin1(villages: VillageIndex, gazetteer: Gazetteer) -> None:
    found = {m.entry.admin1 for m in villages.lookup("Tell Zerqanat", {"SY"}, gazetteer=gazetteer)}
    assert found == {"Idleb"}  # an alternate spelling of the Idlib village only
    both = villages.lookup("Tall Zurqanat", {"SY"}, gazetteer=gazetteer)
    assert {m.entry.admin1 for m in both} == {"Idleb", "Hama"}
    assert all(m.entry.country == "Syria" and m.confidence == 1.0 for m in both)
    assert villages.lookup("Tall Zurqanat", {"IQ"}, gazetteer=gazetteer) == []
    assert len(villages) == len(_ROWS) and villages.counts()["pack"]["SY"] == 5


@pytest.mark.slow
def test_villages_named_province_tells_namesakes_apart(village_geocoder: Geocoder) -> None:
    place = village_geocoder.geocode(PlaceMention("Tall Zurqanat, Hama province"), ("Syria",))
    assert place is not None and place.gazetteer_id == "wof:2"
    assert (place.admin1, place.geo_precision) == ("Hama", GeoPrecision.TOWN)


@pytest.mark.slow
def test_villages_province_named_elsewhere_in_the_article(village_geocoder: Geocoder) -> None:
    text = "Shelling hit Tall Zurqanat on Monday. Idlib has seen heavy fighting this month."
    place = village_geocoder.geocode(PlaceMention("Tall Zurqanat"), ("Syria",), article_text=text)
    assert place is not None and place.gazetteer_id == "wof:1" and place.admin1 == "Idleb"


@pytest.mark.slow
def test_villages_spelling_variants_and_arabic_script(village_geocoder: Geocoder) -> None:
    for spelling in ("Tel Zurqanat, Idlib", "Tall az-Zurqanat, Idlib", "تل زرقانات, Idlib"):
        place = village_geocoder.geocode(PlaceMention(spelling), ("Syria",))
        assert place is not None and place.gazetteer_id == "wof:1", spelling
        assert 0.4 <= place.score <= 1.0
    arabic_only = village_geocoder.geocode(PlaceMention("Khirbat al-Zaafraniya"), ("Iraq",))
    assert arabic_only is not None and arabic_only.gazetteer_id == "wof:7" and arabic_only.admin1 == "Ninewa"
    assert arabic_only.score < 1.0  # found by transliteration, not by its own spelling


@pytest.mark.slow
def test_villages_unresolvable_namesakes_fall_back_to_their_province(village_geocoder: Geocoder) -> None:
    place = village_geocoder.geocode(PlaceMention("Mazraat Quwaysim"), ("Syria",))
    assert place is not None and place.geo_precision is GeoPrecision.REGION
    assert (place.location, place.admin1) == ("Aleppo", "Aleppo")
    # namesakes in different provinces have no common area below the country: no village is guessed
    assert village_geocoder.geocode(PlaceMention("Tall Zurqanat"), ("Syria",)) is None


@pytest.mark.slow
def test_villages_prominent_namesake_wins(village_geocoder: Geocoder) -> None:
    place = village_geocoder.geocode(PlaceMention("Bayt Hunaydiq"), ("Yemen",))
    assert place is not None and place.gazetteer_id == "wof:5" and place.admin1 == "Sanaa"
    assert place.score < 1.0  # a namesake exists


@pytest.mark.slow
def test_villages_not_searched_outside_the_story_countries(village_geocoder: Geocoder) -> None:
    assert village_geocoder.geocode(PlaceMention("Tall Zurqanat, Hama"), ("Nigeria",)) is not None  # areas say Syria
    assert village_geocoder.geocode(PlaceMention("Bayt Hunaydiq"), ("Nigeria",)) is None
    assert village_geocoder.geocode(PlaceMention("Bayt Hunaydiq"), ()) is None


@pytest.mark.slow
def test_villages_finer_place_named_in_the_sentence(village_geocoder: Geocoder) -> None:
    province = village_geocoder.geocode(PlaceMention("Idlib province"), ("Syria",))
    assert province is not None and province.geo_precision is GeoPrecision.REGION
    sentence = "Regime forces shelled Tall Zurqanat town in Idlib countryside with artillery."
    finer = village_geocoder.finer_place(province, sentence, skip=("Regime forces",))
    assert finer is not None and finer.gazetteer_id == "wof:1" and finer.geo_precision is GeoPrecision.TOWN
    near = village_geocoder.finer_place(province, "Clashes near Tall Zurqanat in the Idlib countryside.")
    assert near is not None and near.geo_precision is GeoPrecision.NEAR
    # a village of the name in another province is not inside the area coded
    hama = village_geocoder.geocode(PlaceMention("Hama province"), ("Syria",))
    assert hama is not None
    assert village_geocoder.finer_place(hama, "Shelling hit Mazraat Quwaysim in Hama countryside.") is None


@pytest.mark.slow
def test_villages_finer_place_namesakes_by_district_then_distance(village_geocoder: Geocoder) -> None:
    district = Place(location="Manbij", country="Syria", admin1="Aleppo", admin2="Manbij", latitude=36.53,
                     longitude=37.95, geo_precision=GeoPrecision.NEAR)
    in_district = village_geocoder.finer_place(district, "Shelling hit Mazraat Quwaysim in Manbij countryside.")
    assert in_district is not None and in_district.gazetteer_id == "wof:3"
    province = village_geocoder.geocode(PlaceMention("Aleppo province"), ("Syria",))
    assert province is not None and province.geo_precision is GeoPrecision.REGION
    # the province is coded at its capital, far nearer one namesake than the other
    nearer = village_geocoder.finer_place(province, "Shelling hit Mazraat Quwaysim in Aleppo countryside.")
    assert nearer is not None and nearer.gazetteer_id == "wof:4"


@pytest.mark.slow
def test_villages_named_district_excludes_villages_outside_it(village_geocoder: Geocoder) -> None:
    inside = village_geocoder.geocode(PlaceMention("Mazraat Quwaysim, Manbij district"), ("Syria",))
    assert inside is not None and inside.gazetteer_id == "wof:3"
    # the one village of the name lies in another district, 60 km from Manbij: the district is coded instead
    outside = village_geocoder.geocode(PlaceMention("Tall Qirmizat, Manbij district"), ("Syria",))
    assert outside is not None and outside.gazetteer_id != "wof:8"
    assert (outside.admin1, outside.geo_precision) == ("Aleppo", GeoPrecision.NEAR)


@pytest.mark.slow
def test_villages_finer_place_of_a_district_coded_stays_in_the_district(village_geocoder: Geocoder) -> None:
    manbij = Place(location="Manbij", country="Syria", admin1="Aleppo", admin2="Manbij", latitude=36.53,
                   longitude=37.95, geo_precision=GeoPrecision.NEAR)
    # the one village of the name lies in As-Safira district, 60 km away: not a finer place of Manbij district
    assert village_geocoder.finer_place(manbij, "Shelling hit Tall Qirmizat in Manbij district.") is None
    safira = replace(manbij, location="As-Safira", admin2="As-Safira", latitude=36.07, longitude=37.37)
    inside = village_geocoder.finer_place(safira, "Shelling hit Tall Qirmizat in As-Safira district.")
    assert inside is not None and inside.gazetteer_id == "wof:8"


@pytest.mark.slow
def test_villages_place_without_a_source_region_takes_the_nearest_towns_areas(
        tmp_path: Path, gazetteer: Gazetteer) -> None:
    # an invented village 3 km from Manbij town whose source names no region or county
    rows = [PlaceRow("wof:90", "locality", "SY", "Tall Ruqaydat", (), 36.55, 37.97, "", ""),
            PlaceRow("wof:91", "locality", "SY", "Tall Ruqaydat", (), 33.50, 36.30, "Rif Dimashq", "")]
    pack = tmp_path / "places.tsv.gz"
    write_pack(rows, pack)
    build_index(tmp_path / "index.sqlite", pack, gazetteer)
    found = VillageIndex(tmp_path / "index.sqlite").lookup("Tall Ruqaydat", {"SY"}, gazetteer=gazetteer)
    by_id = {m.entry.gazetteer_id: m.entry for m in found}
    manbij = [e for e in gazetteer.lookup("Manbij", loose=False) if e.country_iso2 == "SY"][0]
    assert by_id["wof:90"].admin1 == manbij.admin1 == "Aleppo"
    assert by_id["wof:91"].admin1 == "Rural Damascus"  # the region the source names still decides


@pytest.mark.parametrize(("name", "variant"), [
    ("Upper Qurrat", "Qurrat Fawqani"), ("Qurrat (Lower)", "Qurrat Tahtani"), ("Lower Kahriz", "Kahriz Sufla"),
    ("Azaq", "ezaq"), ("Ezaq", "izaq"), ("Dufiyeh", "dufie"), ("El Dufiyah", "dufieh"),
])
def test_villages_spelling_variants_a_loose_key_cannot_join(name: str, variant: str) -> None:
    assert variant in spelling_variants(name)


def test_villages_spelling_variants_leave_long_names_to_the_loose_key() -> None:
    assert spelling_variants("Oleksandrivka") == ()
    assert spelling_variants("Kafr Nabudah") == ()  # four consonants: its loose key is searched


@given(st.text(max_size=30))
def test_villages_spelling_variants_of_any_text_property(text: str) -> None:
    variants = spelling_variants(text)
    assert len(set(variants)) == len(variants)
    assert all(exact_key(v) != exact_key(text) for v in variants)


# Invented villages whose names only a variant spelling finds.
_VARIANT_ROWS = [
    PlaceRow("wof:20", "locality", "SY", "Ezaq", (), 36.40, 37.20, "Aleppo", "Al-Bab"),
    PlaceRow("wof:21", "locality", "SY", "Ed Dufie", (), 34.60, 36.70, "Homs", "Homs"),
    PlaceRow("wof:22", "locality", "SY", "Qurrat Fawqani", (), 36.70, 38.00, "Aleppo", "Manbij"),
    PlaceRow("wof:23", "locality", "SY", "Qurrat Tahtani", (), 36.68, 38.02, "Aleppo", "Manbij"),
]


@pytest.fixture(scope="module")
def variant_geocoder(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> Geocoder:
    for row in _VARIANT_ROWS:
        assert not gazetteer.lookup(row.name, loose=False), f"{row.name} is a real town: pick another test name"
    folder = tmp_path_factory.mktemp("variants")
    write_pack(_VARIANT_ROWS, folder / "places.tsv.gz")
    build_index(folder / "index.sqlite", folder / "places.tsv.gz", gazetteer)
    return Geocoder(gazetteer, VillageIndex(folder / "index.sqlite"))


@pytest.mark.slow
def test_villages_upper_and_lower_read_as_the_local_words(variant_geocoder: Geocoder) -> None:
    upper = variant_geocoder.geocode(PlaceMention("Upper Qurrat, Aleppo"), ("Syria",))
    lower = variant_geocoder.geocode(PlaceMention("Qurrat (Lower)"), ("Syria",))
    assert upper is not None and upper.gazetteer_id == "wof:22" and upper.admin2 == "Manbij"
    assert lower is not None and lower.gazetteer_id == "wof:23"
    assert upper.score < 1.0  # a variant spelling, not the village's own name


@pytest.mark.slow
def test_villages_short_names_in_another_vowel_or_ending(variant_geocoder: Geocoder) -> None:
    dufie = variant_geocoder.geocode(PlaceMention("Dufiyeh, Homs"), ("Syria",))
    assert dufie is not None and dufie.gazetteer_id == "wof:21" and dufie.admin1 == "Homs"
    province = variant_geocoder.geocode(PlaceMention("Aleppo province"), ("Syria",))
    assert province is not None
    finer = variant_geocoder.finer_place(province, "Turkish forces shelled Azaq village in Aleppo countryside.")
    assert finer is not None and finer.gazetteer_id == "wof:20"
    # a short name's variants are searched in the story's own country only
    assert variant_geocoder.geocode(PlaceMention("Azaq"), ("Iraq",)) is None


@pytest.mark.slow
@pytest.mark.parametrize(("text", "source_id"), [
    ("Shelling hit Mazraat Quwaysim, a few kilometres from Manbij, on Monday.", "wof:3"),
    ("Shelling hit Mazraat Quwaysim on Monday. Families fled to Safira.", "wof:4"),
])
def test_villages_namesakes_in_one_province_told_apart_by_a_town_named(village_geocoder: Geocoder, text: str,
                                                                       source_id: str) -> None:
    # both villages lie in Aleppo province: the town the article names beside one of them says which is meant
    place = village_geocoder.geocode(PlaceMention("Mazraat Quwaysim"), ("Syria",), article_text=text)
    assert place is not None and place.gazetteer_id == source_id and place.geo_precision is GeoPrecision.TOWN


@pytest.mark.slow
@pytest.mark.parametrize(("text", "found"), [
    ("Gunmen attacked Bayt Hunaydiq on Monday, officials in Yemen said.", True),
    ("Gunmen shot Bayt Hunaydiq Saleh, a tribal elder, in Yemen on Monday.", False),
])
def test_villages_weak_match_heading_a_persons_name_is_not_taken(village_geocoder: Geocoder, text: str,
                                                                 found: bool) -> None:
    # a match with a namesake (so not sure) whose name the article writes only before another proper name: a
    # person called so, not the village
    place = village_geocoder.geocode(PlaceMention("Bayt Hunaydiq"), ("Yemen",), article_text=text)
    assert (place is not None) is found
