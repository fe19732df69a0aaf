"""ACLED's file conventions: the 31 columns and their types, derived columns from the data tables, the date
ACLED writes for a week or a month, tags, historical events, spreadsheet-formula escaping, GeoJSON and GeoParquet."""

from __future__ import annotations

import io
import json
import struct
from dataclasses import replace
from datetime import date

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.export import export_events
from conflictlog.export.acled_csv import safe_row
from conflictlog.export.acled import (
    acled_event_date,
    civilian_targeting,
    inter_code,
    interaction,
    load_acled_tables,
    parse_tags,
    tags,
)
from conflictlog.records import Certainty, TimePrecision
from conflictlog.resolve.actors import read_actor_table
from tests.export.test_exporters import make_event

# ACLED's published export (codebook 2023 onward): every column, in order, with the type ACLED files carry.
ACLED_EXPORT: dict[str, pa.DataType] = {
    "event_id_cnty": pa.string(), "event_date": pa.date32(), "year": pa.int64(), "time_precision": pa.int64(),
    "disorder_type": pa.string(), "event_type": pa.string(), "sub_event_type": pa.string(), "actor1": pa.string(),
    "assoc_actor_1": pa.string(), "inter1": pa.int64(), "actor2": pa.string(), "assoc_actor_2": pa.string(),
    "inter2": pa.int64(), "interaction": pa.int64(), "civilian_targeting": pa.string(), "iso": pa.int64(),
    "region": pa.string(), "country": pa.string(), "admin1": pa.string(), "admin2": pa.string(),
    "admin3": pa.string(), "location": pa.string(), "latitude": pa.float64(), "longitude": pa.float64(),
    "geo_precision": pa.int64(), "source": pa.string(), "source_scale": pa.string(), "notes": pa.string(),
    "fatalities": pa.int64(), "tags": pa.string(), "timestamp": pa.int64(),
}
DISORDER_TYPES = {"Political violence", "Demonstrations", "Strategic developments", "Political violence; Demonstrations"}


def events() -> list:
    """A day, a week and a month event, one in the past, one against civilians by a foreign army."""
    return [
        make_event("SYR-day", acled_id="SYR1", timestamp=1_700_000_000),
        make_event("SYR-week", acled_id="SYR2", time_precision=TimePrecision.WEEK, event_date=date(2024, 2, 4),
                   event_date_end=date(2024, 2, 10), longitude=-0.123456, latitude=-33.98765),
        make_event("SYR-month", acled_id="SYR3", time_precision=TimePrecision.MONTH, event_date=date(2012, 5, 1),
                   event_date_end=None, event_type="Violence against civilians", sub_event_type="Attack",
                   actor1="Military Forces of Turkey (2016-)", actor2="Civilians (Syria)", assoc_actor_1=(),
                   certainty=Certainty.UNVERIFIED, claimed_by=None),
        make_event("SYR-old", acled_id="SYR4", historical=True),
    ]


def read_acled(text: str) -> pa.Table:
    options = pacsv.ConvertOptions(column_types=ACLED_EXPORT, strings_can_be_null=False)
    return pacsv.read_csv(io.BytesIO(text.encode("utf-8")), convert_options=options)


def test_acled_csv_reads_with_acleds_columns_and_types_and_keeps_each_convention() -> None:
    out = io.StringIO()
    assert export_events(events(), "acled-csv", out) == 3  # the historical event stays out
    table = read_acled(out.getvalue())
    assert table.column_names == list(ACLED_EXPORT)
    assert table.schema.types == list(ACLED_EXPORT.values())
    rows = {row["event_id_cnty"]: row for row in table.to_pylist()}
    assert set(rows) == {"SYR1", "SYR2", "SYR3"}
    day, week, month = rows["SYR1"], rows["SYR2"], rows["SYR3"]
    # ACLED's date rule: the day, or the middle of the week (4-10 Feb) or month (May 2012).
    assert (day["event_date"], week["event_date"], month["event_date"]) == (
        date(2019, 2, 9), date(2024, 2, 7), date(2012, 5, 16))
    assert month["year"] == 2012
    for row in rows.values():
        assert 1 <= row["inter1"] <= 8 and 0 <= row["inter2"] <= 8
        low, high = sorted((row["inter1"], row["inter2"]))
        assert row["interaction"] == (high * 10 if low == 0 else low * 10 + high)
        assert row["disorder_type"] in DISORDER_TYPES
        assert (row["iso"], row["region"], row["country"]) == (760, "Middle East", "Syria")
        assert parse_tags(row["tags"])["certainty"] in {c.value for c in Certainty}
    assert (month["inter1"], month["inter2"], month["interaction"]) == (8, 7, 78)  # a foreign army, civilians
    assert month["civilian_targeting"] == "Civilian targeting" and day["civilian_targeting"] == ""
    assert parse_tags(day["tags"]) == {"certainty": "claimed", "claimed by": "SDF press center"}
    assert (day["timestamp"], week["timestamp"]) == (1_700_000_000, None)
    text_rows = out.getvalue().splitlines()
    assert "-33.9877,-0.1235," in text_rows[2]  # four decimals, negative coordinates left as numbers


def test_acled_csv_takes_historical_events_when_asked() -> None:
    out = io.StringIO()
    assert export_events(events(), "acled-csv", out, include_historical=True) == 4
    rows = {r["event_id_cnty"]: r for r in read_acled(out.getvalue()).to_pylist()}
    assert parse_tags(rows["SYR4"]["tags"]) == {"certainty": "claimed", "claimed by": "SDF press center",
                                                "historical": ""}


def test_acled_csv_escapes_cells_a_spreadsheet_would_run() -> None:
    attack = "=HYPERLINK(\"http://evil.example\",\"x\")"
    out = io.StringIO()
    export_events([make_event(actor1=attack, notes="-2 killed", location="@home", longitude=-12.5)], "acled-csv", out)
    [row] = read_acled(out.getvalue()).to_pylist()
    assert row["actor1"] == "'" + attack and row["notes"] == "'-2 killed" and row["location"] == "'@home"
    assert row["longitude"] == -12.5 and row["source"] == "Example Wire; Other Daily"


def test_acled_inter_codes_follow_the_actor_type_table() -> None:
    event = make_event(country="Syria")
    assert inter_code("Military Forces of Syria (2000-)", event) == 1
    assert inter_code("Military Forces of the United States (2021-2025)", event) == 8  # outside its country
    assert inter_code("Military Forces of the United States (2021-2025)", replace(event, country="United States")) == 1
    assert inter_code("Islamic State (Syria)", event) == 2
    assert inter_code("Hayat Tahrir al-Sham", event) == 2
    assert inter_code("Protesters (Syria)", event) == 6
    assert inter_code("Unidentified Armed Group (Syria)", event) == 3
    assert inter_code("Unidentified Gang (Syria)", event) == 3  # gangs are political militias
    assert inter_code("Hema Ethnic Militia (Syria)", event) == 4  # a militia a people names is an identity militia
    assert inter_code(None, event) == 0
    assert inter_code("Some Unlisted Crowd", replace(event, event_type="Riots")) == 5
    assert (interaction(1, 0), interaction(7, 2), interaction(3, 3)) == (10, 27, 33)


def test_acled_every_canonical_actor_name_has_a_type() -> None:
    tables = load_acled_tables()
    untyped = []
    for section in ("generic", "actor"):
        for spec in read_actor_table().get(section, []):
            name = spec["name"].replace("{military}", "Military Forces of Syria (2000-)").replace(
                "{police}", "Police Forces of Syria (2000-)").replace("{country}", "Syria").replace("{period}", "2000-")
            known = any(name.startswith(p) for p, _, _ in tables.prefixes) or name in tables.named or (
                name.rsplit(" (", 1)[0] in tables.named)
            if not known:
                untyped.append(name)
    assert untyped == []


def test_acled_disorder_and_civilian_targeting_come_from_the_taxonomy() -> None:
    tables = load_acled_tables()
    assert len(tables.disorder) == 25
    force = make_event(event_type="Protests", sub_event_type="Excessive force against protesters")
    assert tables.disorder[("Protests", "Excessive force against protesters")] == "Political violence; Demonstrations"
    assert civilian_targeting(force, 6) == ""
    shelling = make_event(event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack")
    assert civilian_targeting(shelling, 7) == "Civilian targeting" and civilian_targeting(shelling, 2) == ""
    protest = make_event(event_type="Protests", sub_event_type="Peaceful protest")
    assert civilian_targeting(protest, 7) == ""


def test_acled_event_date_of_a_week_without_an_end_is_its_middle() -> None:
    week = make_event(time_precision=TimePrecision.WEEK, event_date=date(2024, 12, 29), event_date_end=None)
    assert acled_event_date(week) == date(2025, 1, 1)
    february = make_event(time_precision=TimePrecision.MONTH, event_date=date(2024, 2, 1), event_date_end=None)
    assert acled_event_date(february) == date(2024, 2, 15)


@given(claimant=st.text(max_size=40), historical=st.booleans())
def test_acled_tags_always_parse_back(claimant: str, historical: bool) -> None:
    event = make_event(claimed_by=claimant or None, historical=historical)
    parsed = parse_tags(tags(event))
    assert parsed["certainty"] == "claimed"
    assert ("historical" in parsed) == historical
    if claimant.strip(" ;="):
        assert "claimed by" in parsed


def test_acled_geojson_properties_keep_one_type_in_every_feature() -> None:
    out = io.StringIO()
    export_events([make_event("A"), make_event("B", assoc_actor_1=(), actor2=None, sources=(), claims=())], "geojson", out)
    body = json.loads(out.getvalue())
    assert body["schema_version"]
    first, second = (f["properties"] for f in body["features"])
    assert first.keys() == second.keys()
    for key in first:
        kinds = {type(first[key]), type(second[key])} - {type(None)}
        assert len(kinds) <= 1 and list not in kinds and dict not in kinds, key
    assert first["assoc_actor_1"] == "Coalition Forces; Local militia" and second["assoc_actor_1"] == ""
    assert json.loads(first["sources"])[0]["outlet"] == "Example Wire"


def test_acled_parquet_has_geoparquet_metadata_and_internal_id() -> None:
    out = io.BytesIO()
    export_events([make_event("SYR-x", acled_id="SYR9"), make_event("SYR-y", latitude=None)], "parquet", out)
    table = pq.read_table(io.BytesIO(out.getvalue()))
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    assert "crs" not in geo["columns"]["geometry"]  # absent means OGC:CRS84; null would mean unknown
    assert table.schema.metadata[b"conflictlog_schema_version"]
    first, second = table.to_pylist()
    assert (first["event_id_cnty"], first["event_id"]) == ("SYR9", "SYR-x")
    assert struct.unpack("<BIdd", first["geometry"]) == (1, 1, 40.4522, 35.0208)
    assert second["geometry"] is None


def test_acled_association_columns_never_repeat_the_main_actor() -> None:
    event = make_event(assoc_actor_1=("Syrian Democratic Forces", "Local militia"), assoc_actor_2=("Islamic State",))
    out = io.StringIO()
    export_events([event], "acled-csv", out)
    [row] = read_acled(out.getvalue()).to_pylist()
    assert (row["assoc_actor_1"], row["assoc_actor_2"]) == ("Local militia", "")


@given(text=st.text(max_size=20))
def test_acled_no_text_cell_reaches_a_spreadsheet_as_a_formula(text: str) -> None:
    cell = safe_row({"notes": text, "latitude": text})
    assert not cell["notes"].startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell["notes"].removeprefix("'") == text or cell["notes"] == text
    assert cell["latitude"] == text  # numeric columns are never touched
