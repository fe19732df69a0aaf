"""Gazetteer: name normalisation, data files, lookups, country names and ruler patterns."""

from __future__ import annotations

import csv
import time

import pytest

from conflictlog.errors import ResolveError
from conflictlog.resolve import gazetteer as gz
from conflictlog.resolve.gazetteer import (
    Gazetteer,
    distance_km,
    fold,
    load_country_table,
    normalize_name,
    read_curated_rows,
    skeleton_key,
    strip_admin_suffix,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("al-Mayadin", "Mayadin"),
        ("Al Mayadin", "Mayadin"),
        ("Al Mayādīn", "al-Mayadin"),
        ("Deir Ezzor", "Deir ez-Zor"),
        ("Deir Ez-Zor", "DEIR EZZOR"),
        ("‘Afrīn", "Afrin"),
        ("Ma’rib", "Marib"),
        ("ar-Raqqa", "Raqqa"),
        ("As-Sweida", "Sweida"),
        ("ash-Shaddadi", "Shaddadi"),
        ("Al Hasakah", "Hasakeh"),
        ("Al 'Amarah", "Amara"),
    ],
)
def test_gazetteer_normalize_name_equates_spellings(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(("a", "b"), [("Homs", "Hama"), ("Deir ez-Zor", "Deir Hafer"), ("Al Bab", "Al Tabqa")])
def test_gazetteer_normalize_name_keeps_different_places_apart(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


def test_gazetteer_normalize_name_keeps_lone_article_word() -> None:
    # "As" alone is a name, not an article to drop
    assert normalize_name("As") == "as"


@pytest.mark.parametrize(("text", "expected"), [("Ḩalab", "Halab"), ("Ţarţūs", "Tartus"), ("Łódź", "Lodz")])
def test_gazetteer_fold_removes_diacritics(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_gazetteer_skeleton_key_matches_transliterations() -> None:
    assert skeleton_key("Dayr az Zawr") == skeleton_key("Deir ez-Zor")
    assert skeleton_key("Mayadeen") == skeleton_key("al-Mayadin")
    # the final vowel written with or without h, and the Persian ezafe written -e or -i
    assert skeleton_key("Qalah") == skeleton_key("Qala")
    assert skeleton_key("Dasht-e Arzhanah") == skeleton_key("Dashti Arzhana")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Idlib Governorate", "Idlib"), ("Mayadin District", "Mayadin"), ("Kharkiv Oblast", "Kharkiv"),
     ("Homs", "Homs"), ("District", "District")],
)
def test_gazetteer_strip_admin_suffix(name: str, expected: str) -> None:
    assert strip_admin_suffix(name) == expected


def test_gazetteer_curated_rows_are_well_formed() -> None:
    rows = read_curated_rows()
    assert len(rows) >= 40
    slugs = [r.gazetteer_id for r in rows]
    assert len(slugs) == len(set(slugs)), "duplicate slugs"
    for row in rows:
        assert row.gazetteer_id.startswith("curated:")
        assert row.feature in {"facility", "region", "town", "admin1", "admin2"}
        assert row.admin1, row
        assert row.source in {"OpenStreetMap", "Wikipedia coordinates"}, row


def test_gazetteer_curated_rows_cover_the_brief_places() -> None:
    names = {normalize_name(r.name) for r in read_curated_rows()}
    for wanted in ("Al Omar oil field", "Conoco gas field", "Al Tanf", "Baghuz", "Euphrates Valley",
                   "Syrian Desert", "Al Anbar desert", "Idlib de-escalation zone"):
        assert normalize_name(wanted) in names


def test_gazetteer_curated_row_errors_name_the_row() -> None:
    countries = load_country_table()
    row = {"slug": "Bad Slug", "name": "X", "aliases": "", "feature": "facility", "country_iso2": "SY",
           "admin1": "Homs", "admin2": "", "latitude": "34", "longitude": "38", "source": "OpenStreetMap"}
    with pytest.raises(ResolveError) as err:
        gz._curated_row(row, 7, countries)
    assert err.value.code == "E501" and "line 7" in str(err.value)
    row = dict(row, slug="ok-slug", latitude="134")
    with pytest.raises(ResolveError, match="out of range"):
        gz._curated_row(row, 8, countries)
    row = dict(row, latitude="34", country_iso2="ZZ")
    with pytest.raises(ResolveError, match="unknown country"):
        gz._curated_row(row, 9, countries)


def _data_rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        assert handle.readline().startswith("#"), f"{path.name} must start with a header comment naming its source"
        handle.seek(0)
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def test_gazetteer_admin_names_file_is_well_formed() -> None:
    rows = _data_rows(gz.ADMIN_CSV)
    countries = load_country_table()
    keys = set()
    for row in rows:
        assert row["iso2"] in countries, row
        assert row["admin1_code"].isdigit() or row["admin1_code"].isalnum(), row
        assert row["acled_name"].strip() and row["source"].strip(), row
        assert (row["iso2"], row["admin1_code"]) not in keys, f"duplicate {row}"
        keys.add((row["iso2"], row["admin1_code"]))
    syria = {r["acled_name"] for r in rows if r["iso2"] == "SY"}
    assert syria == {"Deir ez-Zor", "Ar-Raqqa", "Aleppo", "Idleb", "Al-Hasakeh", "Rural Damascus", "Homs", "Hama",
                     "Lattakia", "Tartous", "Dar'a", "As-Sweida", "Quneitra", "Damascus"}


def test_gazetteer_country_names_file_is_well_formed() -> None:
    rows = _data_rows(gz.COUNTRY_CSV)
    codes = [r["iso2"] for r in rows]
    assert len(codes) == len(set(codes))
    table = load_country_table()
    assert all(code in table for code in codes)
    assert table["CD"].name == "Democratic Republic of Congo"
    assert table["SY"].name == "Syria"


@pytest.mark.slow
@pytest.mark.parametrize("spelling", ["al-Mayadin", "Mayadin", "Al Mayadin", "Al-Mayadin", "Al Mayādīn", "Mayadeen"])
def test_gazetteer_lookup_mayadin_spellings(gazetteer: Gazetteer, spelling: str) -> None:
    towns = [e for e in gazetteer.lookup(spelling, "Syria") if e.feature == "city"]
    assert towns and towns[0].gazetteer_id == "geonames:173480"
    assert towns[0].admin1 == "Deir ez-Zor"


@pytest.mark.slow
@pytest.mark.parametrize("spelling", ["Deir Ezzor", "Deir ez-Zor", "Dayr az Zawr", "Deir al-Zor", "Deir Ez Zor"])
def test_gazetteer_lookup_deir_ezzor_spellings(gazetteer: Gazetteer, spelling: str) -> None:
    entries = gazetteer.lookup(spelling, "SY")
    assert entries[0].feature == "admin1" and entries[0].name == "Deir ez-Zor"
    assert any(e.feature == "city" and e.country == "Syria" for e in entries)


@pytest.mark.slow
def test_gazetteer_lookup_prefers_country_then_feature_then_population(gazetteer: Gazetteer) -> None:
    lebanon = gazetteer.lookup("Tripoli", "Lebanon")
    assert lebanon[0].country == "Lebanon"
    libya = gazetteer.lookup("Tripoli", "LY")
    assert libya[0].country == "Libya"
    idlib = gazetteer.lookup("Idlib", "Syria")
    assert [e.feature for e in idlib[:3]] == ["admin1", "admin2", "city"]


@pytest.mark.slow
def test_gazetteer_lookup_finds_every_curated_row_by_name(gazetteer: Gazetteer) -> None:
    for row in read_curated_rows():
        ids = [e.gazetteer_id for e in gazetteer.lookup(row.name, row.country)]
        assert row.gazetteer_id in ids, row.name


@pytest.mark.slow
def test_gazetteer_lookup_unknown_name_is_empty(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Qwzxqwzx") == []
    assert gazetteer.lookup("") == []


@pytest.mark.slow
def test_gazetteer_lookup_is_fast(gazetteer: Gazetteer) -> None:
    names = ["Aleppo", "al-Mayadin", "Kandahar", "Maiduguri", "Mogadishu", "Deir Ezzor", "Qwzxqwzx", "Donetsk"]
    started = time.perf_counter()
    for _ in range(50):
        for name in names:
            gazetteer.lookup(name, "Syria")
    per_lookup = (time.perf_counter() - started) / (50 * len(names))
    assert per_lookup < 0.001


@pytest.mark.slow
@pytest.mark.parametrize(
    ("given", "expected"),
    [("SY", "Syria"), ("SYR", "Syria"), ("Syrian Arab Republic", "Syria"), ("DRC", "Democratic Republic of Congo"),
     ("Democratic Republic of the Congo", "Democratic Republic of Congo"), ("Russian Federation", "Russia"),
     ("IR", "Iran"), ("Türkiye", "Turkey"), ("Palestinian Territory", "Palestine"), ("Atlantis", None)],
)
def test_gazetteer_country_name_uses_acled_spelling(gazetteer: Gazetteer, given: str, expected: str | None) -> None:
    assert gazetteer.country_name(given) == expected


@pytest.mark.slow
def test_gazetteer_demonyms_and_is_country(gazetteer: Gazetteer) -> None:
    assert gazetteer.demonym_country("Syrian") == "Syria"
    assert gazetteer.demonym_country("Turkish") == "Turkey"
    assert gazetteer.demonym_country("Congolese") == "Democratic Republic of Congo"
    assert gazetteer.demonym_country("Aleppo") is None
    assert gazetteer.is_country("Iraq") and gazetteer.is_country("Burma")
    assert not gazetteer.is_country("Syrian") and not gazetteer.is_country("Aleppo")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [("Idlib Governorate", "Syria", "Idleb"), ("Deir ez Zor", "Syria", "Deir ez-Zor"), ("Hasakah", "Syria",
     "Al-Hasakeh"), ("Saladin", "Iraq", "Salah Al Din"), ("Arbil", "Iraq", "Erbil"), ("Nimroz", "Afghanistan",
     "Nimruz"), ("North Kivu", "DRC", "Nord-Kivu"), ("Atlantis", "Syria", None)],
)
def test_gazetteer_canonical_admin1(gazetteer: Gazetteer, name: str, country: str, expected: str | None) -> None:
    assert gazetteer.canonical_admin1(name, country) == expected


@pytest.mark.slow
def test_gazetteer_ruler_patterns_cover_places_and_skip_words(gazetteer: Gazetteer) -> None:
    patterns = dict(gazetteer.ruler_patterns())
    for name in ("al-Mayadin", "Al Mayadin", "Mayadin", "Deir Ezzor", "Hajin", "Raqqa", "Syria", "Idlib", "Mosul"):
        assert patterns.get(name) == "GPE", name
    assert patterns.get("Euphrates Valley") == "LOC"
    assert patterns.get("Omar oil fields") == "FAC"
    assert patterns.get("al-Tanaf") == "FAC"
    for word in ("Of", "Man", "Most", "Police", "Hamza", "The", "March"):
        assert word not in patterns, word
    assert 10_000 < len(patterns) < 150_000



def test_gazetteer_cache_write_is_atomic_and_drops_old_versions(tmp_path) -> None:
    old = tmp_path / f"{gz.CACHE_VERSION}-000000000000.pickle"
    old.write_bytes(b"stale")
    new = tmp_path / f"{gz.CACHE_VERSION}-111111111111.pickle"
    gz._write_atomic(new, {"rows": [], "index": {}})
    assert new.exists() and not old.exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_gazetteer_cache_dir_follows_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CONFLICTLOG_CACHE", str(tmp_path))
    assert gz.cache_dir() == tmp_path


@pytest.mark.slow
def test_gazetteer_district_sits_at_its_town_spelled_another_way(gazetteer) -> None:
    district = next(e for e in gazetteer.lookup("Jowand", loose=False) if e.feature == "admin2")
    town = next(e for e in gazetteer.lookup("Jawand", loose=False) if e.feature == "city")
    assert distance_km(district.latitude, district.longitude, town.latitude, town.longitude) < 1.0
