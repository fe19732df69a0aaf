"""Apache Parquet export through pyarrow, with one fixed schema (columns and types never depend on the data),
GeoParquet `geo` metadata over a WKB point column, and the export schema version in the file metadata.

Events are written in row groups of `BATCH_SIZE`, so memory stays bounded however many events there are.
"""

from __future__ import annotations

import json
import struct
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from conflictlog.export.base import SCHEMA_VERSION, Exporter, event_to_row
from conflictlog.records import Event

BATCH_SIZE = 10_000

_SOURCE = pa.struct(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("outlet", pa.string()),
        ("original_outlet", pa.string()),
        ("published", pa.date32()),
    ]
)
_EVIDENCE = pa.struct(
    [("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("cues", pa.list_(pa.string()))]
)
_CLAIM = pa.struct(
    [
        ("mention_id", pa.string()),
        ("claimant", pa.string()),
        ("outlet", pa.string()),
        ("fatalities", pa.int64()),
        ("injured", pa.int64()),
    ]
)

_FIELDS = [
    ("event_id_cnty", pa.string()),
    ("event_date", pa.date32()),
    ("year", pa.int32()),
    ("time_precision", pa.int8()),
    ("disorder_type", pa.string()),
    ("event_type", pa.string()),
    ("sub_event_type", pa.string()),
    ("actor1", pa.string()),
    ("assoc_actor_1", pa.list_(pa.string())),
    ("inter1", pa.int8()),
    ("actor2", pa.string()),
    ("assoc_actor_2", pa.list_(pa.string())),
    ("inter2", pa.int8()),
    ("interaction", pa.int16()),
    ("civilian_targeting", pa.string()),
    ("iso", pa.int16()),
    ("region", pa.string()),
    ("country", pa.string()),
    ("admin1", pa.string()),
    ("admin2", pa.string()),
    ("admin3", pa.string()),
    ("location", pa.string()),
    ("latitude", pa.float64()),
    ("longitude", pa.float64()),
    ("geo_precision", pa.int8()),
    ("source", pa.string()),
    ("source_scale", pa.string()),
    ("notes", pa.string()),
    ("fatalities", pa.int64()),
    ("tags", pa.string()),
    ("timestamp", pa.int64()),
    ("event_id", pa.string()),
    ("event_date_end", pa.date32()),
    ("injured", pa.int64()),
    ("claimed_by", pa.string()),
    ("certainty", pa.string()),
    ("historical", pa.bool_()),
    ("fatalities_low", pa.int64()),
    ("fatalities_best", pa.int64()),
    ("fatalities_high", pa.int64()),
    ("corroboration", pa.int64()),
    ("sources", pa.list_(_SOURCE)),
    ("evidence", pa.list_(_EVIDENCE)),
    ("claims", pa.list_(_CLAIM)),
    ("geometry", pa.binary()),
]
# GeoParquet 1.1 column metadata: event points as WKB in `geometry` (null where the event has no coordinates);
# no "crs" key, which GeoParquet reads as OGC:CRS84 (longitude, latitude on WGS 84), as the coordinates are.
GEO_METADATA = {
    "version": "1.1.0",
    "primary_column": "geometry",
    "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"]}},
}
SCHEMA = pa.schema(
    _FIELDS,
    metadata={b"geo": json.dumps(GEO_METADATA).encode(), b"conflictlog_schema_version": SCHEMA_VERSION.encode()},
)


def point_wkb(longitude: float | None, latitude: float | None) -> bytes | None:
    """A point as little-endian WKB (what GeoParquet stores), or None without both coordinates."""
    if longitude is None or latitude is None:
        return None
    return struct.pack("<BIdd", 1, 1, longitude, latitude)


def _parquet_row(event: Event) -> dict[str, Any]:
    row = event_to_row(event)
    # pyarrow takes date objects for date32 columns; the JSON row has ISO strings.
    row["event_date"] = event.event_date
    row["event_date_end"] = event.event_date_end
    for ref, src in zip(row["sources"], event.sources):
        ref["published"] = src.published
    row["geometry"] = point_wkb(event.longitude, event.latitude)
    return row


class ParquetExporter(Exporter):
    """`parquet`: one file, fixed schema `SCHEMA`, row groups of `BATCH_SIZE` events."""

    binary = True
    media_type = "application/vnd.apache.parquet"

    def __init__(self, stream: IO[Any], include_historical: bool = True) -> None:
        super().__init__(stream, include_historical)
        self._rows: list[dict[str, Any]] = []
        self._writer: pq.ParquetWriter | None = None

    def start(self) -> None:
        """Open the Parquet writer on the stream."""
        self._writer = pq.ParquetWriter(self.stream, SCHEMA)

    def write(self, event: Event) -> None:
        """Buffer one event; a full batch is written as a row group."""
        self._rows.append(_parquet_row(event))
        self.count += 1
        if len(self._rows) >= BATCH_SIZE:
            self._flush()

    def _flush(self) -> None:
        if self._rows and self._writer is not None:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=SCHEMA))
            self._rows = []

    def finish(self) -> None:
        """Write the last batch and the file footer."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
        super().finish()
