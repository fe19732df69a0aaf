"""Place sources: Who's On First repositories, GeoNames dumps, derived WOF TSVs and the pack format."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.errors import ResolveError
from conflictlog.resolve.sources import (
    PACK_COLUMNS,
    PlaceRow,
    read_geonames,
    read_pack,
    read_source,
    read_wof,
    read_wof_tsv,
    write_pack,
)


def _wof_record(folder: Path, props: dict, alt: bool = False) -> None:
    wof_id = props["wof:id"]
    path = folder / "data" / str(wof_id)[:3] / f"{wof_id}{'-alt-quattroshapes' if alt else ''}.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "Feature", "properties": props, "geometry": None}), encoding="utf-8")


@pytest.fixture()
def wof_repo(tmp_path: Path) -> Path:
    """A hand-made WOF repository: a region, a county, two villages (one deprecated) and an alt geometry."""
    _wof_record(tmp_path, {"wof:id": 85000001, "wof:placetype": "region", "wof:name": "Idlib", "wof:country": "SY",
                           "geom:latitude": 35.9, "geom:longitude": 36.6, "wof:hierarchy": [{}]})
    _wof_record(tmp_path, {"wof:id": 85000002, "wof:placetype": "county", "wof:name": "Ariha", "wof:country": "SY",
                           "geom:latitude": 35.8, "geom:longitude": 36.6,
                           "wof:hierarchy": [{"region_id": 85000001}]})
    village = {"wof:id": 85000003, "wof:placetype": "locality", "wof:name": "Kafr Latha", "wof:country": "SY",
               "geom:latitude": 35.77, "geom:longitude": 36.55, "lbl:latitude": 35.771, "lbl:longitude": 36.552,
               "name:ara_x_preferred": ["كفرلاثا"], "name:eng_x_variant": ["Kafr Lata", "Kafrlatha"],
               "name:jpn_x_preferred": ["カフル"], "wof:concordances": {"gn:id": 170000},
               "wof:hierarchy": [{"region_id": 85000001, "county_id": 85000002}], "gn:population": 3500}
    _wof_record(tmp_path, village)
    _wof_record(tmp_path, {**village, "wof:name": "Ignored"}, alt=True)
    _wof_record(tmp_path, {"wof:id": 85000004, "wof:placetype": "locality", "wof:name": "Old Name",
                           "wof:country": "SY", "geom:latitude": 35.7, "geom:longitude": 36.5,
                           "edtf:deprecated": "2020-01-01", "wof:hierarchy": [{}]})
    return tmp_path


def test_sources_wof_reads_current_places_with_their_areas(wof_repo: Path) -> None:
    rows = {row.name: row for row in read_wof(wof_repo)}
    assert set(rows) == {"Idlib", "Ariha", "Kafr Latha"}
    village = rows["Kafr Latha"]
    assert (village.region, village.county, village.country) == ("Idlib", "Ariha", "SY")
    assert (village.lat, village.lon) == (35.771, 36.552)  # the label point over the geometry's centroid
    assert set(village.alt_names) == {"كفرلاثا", "Kafr Lata", "Kafrlatha"}  # languages reports use only
    assert (village.population, village.geonames_id, village.source_id) == (3500, 170000, "wof:85000003")
    assert rows["Ariha"].region == "Idlib" and rows["Ariha"].county == ""


def test_sources_wof_country_filter_and_missing_folder(wof_repo: Path, tmp_path: Path) -> None:
    assert list(read_wof(wof_repo, countries=["IQ"])) == []
    with pytest.raises(ResolveError, match="E503") as err:
        list(read_wof(tmp_path / "nothing"))
    assert "nothing" in str(err.value)


def test_sources_wof_bad_coordinates_name_the_file(tmp_path: Path) -> None:
    _wof_record(tmp_path, {"wof:id": 85000009, "wof:placetype": "locality", "wof:name": "X", "wof:country": "SY",
                           "geom:latitude": "north", "geom:longitude": 36.5})
    with pytest.raises(ResolveError, match="E504") as err:
        list(read_wof(tmp_path))
    assert "85000009.geojson" in str(err.value)


def _geonames_line(gid: int, name: str, alt: str, fclass: str, code: str, admin1: str, admin2: str,
                   population: int = 0, lat: str = "36.0") -> str:
    return "\t".join([str(gid), name, name, alt, lat, "37.0", fclass, code, "SY", "", admin1, admin2, "", "",
                      str(population), "", "300", "Asia/Damascus", "2020-01-01"]) + "\n"


def test_sources_geonames_dump_in_a_zip(tmp_path: Path) -> None:
    lines = (_geonames_line(1, "Aleppo Governorate", "", "A", "ADM1", "09", "")
             + _geonames_line(2, "Jabal Saman", "", "A", "ADM2", "09", "JS")
             + _geonames_line(3, "Tall Shuayb", "Tell Chouaib,Tal Shuaib", "P", "PPL", "09", "JS", 800)
             + _geonames_line(4, "Some Wadi", "", "H", "WAD", "09", "JS"))
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("readme.txt", "about\n")
        handle.writestr("SY.txt", lines)
    rows = {row.name: row for row in read_source(archive)}
    assert set(rows) == {"Aleppo Governorate", "Jabal Saman", "Tall Shuayb"}
    town = rows["Tall Shuayb"]
    assert (town.placetype, town.region, town.county, town.population) == ("locality", "Aleppo Governorate",
                                                                           "Jabal Saman", 800)
    assert set(town.alt_names) == {"Tell Chouaib", "Tal Shuaib"}
    assert rows["Jabal Saman"].placetype == "county"


def test_sources_geonames_short_row_is_a_coded_error(tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text("1\tOnly\tthree\n", encoding="utf-8")
    with pytest.raises(ResolveError, match="E504") as err:
        list(read_geonames(dump))
    assert "SY.txt" in str(err.value) and "line 1" in str(err.value)


def test_sources_wof_tsv_takes_the_country_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "ye.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("wof_id\tplacetype\tname\talt_names\tlat\tlon\tregion\tcounty\tpopulation\tgeonames_id\n")
        handle.write("1\tlocality\tBayt Ali\tBeit Ali|بيت علي\t15.1\t44.2\tSanaa\tBani Matar\t\t71000\n")
        handle.write("2\tlocality\t\t\t15.2\t44.3\tSanaa\t\t\t\n")  # unnamed: skipped
    (row,) = read_wof_tsv(path)
    assert (row.country, row.name, row.alt_names, row.geonames_id) == ("YE", "Bayt Ali", ("Beit Ali", "بيت علي"),
                                                                       71000)


def test_sources_pack_bad_header_and_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "pack.tsv"
    path.write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(ResolveError, match="E503"):
        list(read_pack(path))
    path.write_text("\t".join(PACK_COLUMNS) + "\nwof:1\tlocality\tSY\tX\t\t95\t36\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(ResolveError, match="E504") as err:
        list(read_pack(path))
    assert "line 2" in str(err.value) and "out of range" in str(err.value)


_names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: " ".join(s.replace("\t", " ").split()) != "")


@given(name=_names, alt=st.lists(_names, max_size=4), lat=st.floats(-90, 90), lon=st.floats(-180, 180))
def test_sources_pack_round_trip_property(tmp_path_factory: pytest.TempPathFactory, name: str, alt: list[str],
                                          lat: float, lon: float) -> None:
    path = tmp_path_factory.mktemp("pack") / "places.tsv.gz"
    row = PlaceRow("wof:7", "locality", "SY", name, tuple(alt), lat, lon, "Idlib", "Ariha", 12, 34)
    assert write_pack([row], path) == 1
    (back,) = read_pack(path)
    assert back.name == " ".join(name.split())
    assert back.alt_names == tuple(" ".join(a.split()).replace("|", "/") for a in alt if " ".join(a.split()))
    assert abs(back.lat - lat) < 1e-5 and abs(back.lon - lon) < 1e-5
    assert (back.region, back.county, back.population, back.geonames_id) == ("Idlib", "Ariha", 12, 34)


@given(body=st.text(max_size=300), kind=st.sampled_from(["SY.txt", "places.tsv", "sy.tsv"]))
def test_sources_bad_input_is_a_coded_error_property(tmp_path_factory: pytest.TempPathFactory, body: str,
                                                      kind: str) -> None:
    path = tmp_path_factory.mktemp("bad") / kind
    header = {"places.tsv": "\t".join(PACK_COLUMNS) + "\n",
              "sy.tsv": "wof_id\tplacetype\tname\talt_names\tlat\tlon\tregion\tcounty\tpopulation\tgeonames_id\n"}
    path.write_text(header.get(kind, "") + body, encoding="utf-8")
    try:
        rows = list(read_source(path))
    except ResolveError as err:
        assert path.name in str(err) and err.code in ("E503", "E504")
    else:
        assert all(-90 <= row.lat <= 90 and -180 <= row.lon <= 180 and row.name for row in rows)
