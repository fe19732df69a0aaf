"""Exporters: ACLED column names and order, lists and joins, quoting, lon/lat order, Parquet schema, streaming."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.errors import ExportError
from conflictlog.export import ACLED_COLUMNS, FORMATS, event_to_row, export_events
from conflictlog.export.parquet import SCHEMA
from conflictlog.records import (
    Certainty,
    Claim,
    Event,
    Evidence,
    GeoPrecision,
    SourceRef,
    TimePrecision,
)

ODD_URL = "https://news.example.org/Syria/2019/02/clash?id=42&lang=en&q=%C3%A9t%C3%A9#para-3"


def make_event(event_id: str = "SYR-1", **changes: object) -> Event:
    """A claimed battle with two sources, associated actors and one evidence sentence."""
    fields: dict[str, object] = dict(
        event_id=event_id,
        event_date=date(2019, 2, 9),
        time_precision=TimePrecision.DAY,
        event_type="Battles",
        sub_event_type="Armed clash",
        actor1="Syrian Democratic Forces",
        actor2="Islamic State",
        assoc_actor_1=("Coalition Forces", "Local militia"),
        assoc_actor_2=(),
        country="Syria",
        admin1="Deir ez-Zor",
        admin2="Al Mayadin",
        location="Al Mayadin",
        latitude=35.0208,
        longitude=40.4522,
        geo_precision=GeoPrecision.NEAR,
        fatalities=10,
        injured=2,
        claimed_by="SDF press center",
        certainty=Certainty.CLAIMED,
        historical=False,
        notes='Fighters said "ten attackers" were killed, near the river; others withdrew.',
        sources=(
            SourceRef("art-1", "m-1", ODD_URL, "Attack repelled", "Example Wire", date(2019, 2, 10)),
            SourceRef("art-2", "m-2", "https://b.example.net/2", "Copy", "Other Daily", None, "Example Wire"),
            SourceRef("art-3", "m-3", None, None, "Example Wire", date(2019, 2, 11)),
        ),
        evidence=(Evidence("Fighters repelled the attack, killing 10.", 40, 82, ("repelled", "killing 10")),),
        claims=(Claim("m-1", "SDF press center", "Example Wire", 10, 2), Claim("m-2", None, "Other Daily", 12, None)),
        fatalities_low=10,
        fatalities_best=10,
        fatalities_high=12,
        corroboration=2,
    )
    fields.update(changes)
    return Event(**fields)  # type: ignore[arg-type]


def test_exporters_row_uses_acled_names_first_then_extras() -> None:
    row = event_to_row(make_event())
    assert list(row)[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
    assert row["event_id_cnty"] == "SYR-1"
    assert (row["event_date"], row["year"], row["time_precision"], row["geo_precision"]) == ("2019-02-09", 2019, 1, 2)
    assert row["assoc_actor_1"] == ["Coalition Forces", "Local militia"]
    assert row["source"] == "Example Wire; Other Daily"  # outlets "; "-joined, each once
    assert (row["injured"], row["claimed_by"], row["certainty"], row["historical"]) == (2, "SDF press center",
                                                                                          "claimed", False)
    assert (row["fatalities_low"], row["fatalities_best"], row["fatalities_high"]) == (10, 10, 12)
    assert row["corroboration"] == 2


def test_exporters_source_scale_from_outlet_registry() -> None:
    assert event_to_row(make_event())["source_scale"] is None  # no source's outlet is registered
    wire_and_paper = (SourceRef("a", "m", "https://www.reuters.com/world/x", None, "Reuters Staff", None),
                      SourceRef("b", "n", None, None, "Sample Post", None))
    assert event_to_row(make_event(sources=wire_and_paper))["source_scale"] == "National-International"
    out = io.StringIO()
    export_events([make_event(sources=wire_and_paper[1:])], "acled-csv", out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["source_scale"] == "National"


def test_exporters_jsonl_one_event_per_line_with_sources_and_evidence() -> None:
    out = io.StringIO()
    n = export_events([make_event("A"), make_event("B", actor2=None)], "jsonl", out)
    lines = out.getvalue().splitlines()
    assert n == 2 and len(lines) == 2
    first = json.loads(lines[0])
    assert first["sources"][0] == {"article_id": "art-1", "url": ODD_URL, "title": "Attack repelled",
                                   "outlet": "Example Wire", "original_outlet": None, "published": "2019-02-10"}
    assert first["sources"][1]["original_outlet"] == "Example Wire"
    assert first["evidence"] == [{"text": "Fighters repelled the attack, killing 10.", "start": 40, "end": 82,
                                  "cues": ["repelled", "killing 10"]}]
    assert json.loads(lines[1])["actor2"] is None


def test_exporters_jsonl_keeps_url_unchanged() -> None:
    out = io.StringIO()
    export_events([make_event()], "jsonl", out)
    assert ODD_URL in out.getvalue()  # not re-escaped, re-encoded or normalised
    assert json.loads(out.getvalue())["sources"][0]["url"] == ODD_URL


def test_exporters_acled_csv_header_order_and_quoting() -> None:
    out = io.StringIO()
    tricky = 'Line one, with comma;\nline "two"'
    export_events([make_event(notes=tricky), make_event("SYR-2", latitude=None, longitude=None, geo_precision=None)],
                  "acled-csv", out)
    text = out.getvalue()
    assert text.splitlines()[0] == ",".join(ACLED_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[0]["notes"] == tricky  # quoted field survives commas, quotes and a newline
    assert rows[0]["assoc_actor_1"] == "Coalition Forces; Local militia"
    assert rows[0]["assoc_actor_2"] == ""
    assert rows[0]["source"] == "Example Wire; Other Daily"
    assert (rows[0]["latitude"], rows[0]["longitude"], rows[0]["geo_precision"]) == ("35.0208", "40.4522", "2")
    assert (rows[1]["latitude"], rows[1]["longitude"], rows[1]["geo_precision"]) == ("", "", "")
    assert '"Line one, with comma;\nline ""two"""' in text


def test_exporters_csv_is_acled_csv() -> None:
    a, b = io.StringIO(), io.StringIO()
    export_events([make_event()], "csv", a)
    export_events([make_event()], "acled-csv", b)
    assert a.getvalue() == b.getvalue()


def test_exporters_geojson_is_valid_with_lon_lat_order() -> None:
    out = io.StringIO()
    export_events([make_event(), make_event("SYR-2", latitude=None, longitude=None)], "geojson", out)
    body = json.loads(out.getvalue())
    assert body["type"] == "FeatureCollection"
    first, second = body["features"]
    assert first["type"] == "Feature" and first["id"] == "SYR-1"
    assert first["geometry"] == {"type": "Point", "coordinates": [40.4522, 35.0208]}  # lon, lat
    lon, lat = first["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert first["properties"]["event_type"] == "Battles"
    assert second["geometry"] is None


def test_exporters_empty_geojson_and_json_are_valid() -> None:
    for fmt, expected in (("geojson", {"type": "FeatureCollection", "schema_version": "2", "features": []}), ("json", [])):
        out = io.StringIO()
        assert export_events([], fmt, out) == 0
        assert json.loads(out.getvalue()) == expected


def test_exporters_json_array(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    assert export_events([make_event("A"), make_event("B")], "json", path) == 2
    assert [row["event_id_cnty"] for row in json.loads(path.read_text(encoding="utf-8"))] == ["A", "B"]


def test_exporters_parquet_readable_with_fixed_schema(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    assert export_events([make_event("A"), make_event("B", injured=None, latitude=None)], "parquet", path) == 2
    table = pq.read_table(path)
    assert table.schema.equals(SCHEMA)
    rows = table.to_pylist()
    assert [r["event_id_cnty"] for r in rows] == ["A", "B"]
    assert rows[0]["event_date"] == date(2019, 2, 9)
    assert rows[0]["assoc_actor_1"] == ["Coalition Forces", "Local militia"]
    assert rows[0]["sources"][0]["url"] == ODD_URL
    assert rows[0]["sources"][0]["published"] == date(2019, 2, 10)
    assert rows[0]["evidence"][0]["cues"] == ["repelled", "killing 10"]
    assert rows[1]["injured"] is None and rows[1]["latitude"] is None
    empty = tmp_path / "empty.parquet"
    assert export_events([], "parquet", empty) == 0
    assert pq.read_table(empty).schema.equals(SCHEMA)


def test_exporters_parquet_to_binary_stream() -> None:
    out = io.BytesIO()
    export_events([make_event()], "parquet", out)
    assert pq.read_table(io.BytesIO(out.getvalue())).num_rows == 1


def test_exporters_text_format_to_binary_stream_leaves_it_open() -> None:
    out = io.BytesIO()
    export_events([make_event()], "jsonl", out)
    assert not out.closed
    assert json.loads(out.getvalue().decode("utf-8"))["event_id_cnty"] == "SYR-1"


def test_exporters_unknown_format_is_coded_error() -> None:
    with pytest.raises(ExportError) as info:
        export_events([], "xlsx", io.StringIO())
    assert info.value.code == "E701"
    assert "xlsx" in str(info.value) and "jsonl" in str(info.value)


def test_exporters_unwritable_path_is_coded_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        export_events([make_event()], "jsonl", tmp_path / "missing-dir" / "out.jsonl")
    assert info.value.code == "E702"
    assert "missing-dir" in str(info.value)


@pytest.mark.parametrize("fmt", ["jsonl", "acled-csv", "geojson", "json"])
def test_exporters_stream_without_holding_events(fmt: str) -> None:
    """Each event is written before the next is pulled from the iterator."""
    out = io.StringIO()
    seen_when_pulled: list[int] = []

    def events() -> Iterator[Event]:
        for i in range(3):
            seen_when_pulled.append(out.getvalue().count(f"EV-{i - 1}") if i else 1)
            yield make_event(f"EV-{i}")

    assert export_events(events(), fmt, out) == 3
    assert all(count >= 1 for count in seen_when_pulled)


def test_exporters_every_format_listed() -> None:
    assert set(FORMATS) == {"jsonl", "json", "acled-csv", "csv", "geojson", "parquet"}


text_field = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(notes=text_field, actor=text_field, url=text_field)
def test_exporters_jsonl_and_csv_round_trip_any_text(notes: str, actor: str, url: str) -> None:
    event = make_event(notes=notes, actor1=actor or None,
                       sources=(SourceRef("a", "m", url or None, None, "Outlet", None),))
    jsonl = io.StringIO()
    export_events([event], "jsonl", jsonl)
    row = json.loads(jsonl.getvalue())
    assert (row["notes"], row["actor1"], row["sources"][0]["url"]) == (notes, actor or None, url or None)
    out = io.StringIO()
    export_events([event], "acled-csv", out)
    [csv_row] = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))

    def spreadsheet_safe(text: str) -> str:  # a leading formula character gets a quote before it
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and text else text

    assert csv_row["notes"] == spreadsheet_safe(notes)
    assert csv_row["actor1"] == spreadsheet_safe(actor)
