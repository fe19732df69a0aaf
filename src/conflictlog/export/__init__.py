"""export stage: events to files for users (JSON Lines, JSON, ACLED CSV, GeoJSON, Parquet).

`export_events(events, fmt, out)` is the entry point; `event_to_row(event)` is the one event -> dict mapping
shared by every format, the REST API and the web map.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from conflictlog.errors import E701, ExportError
from conflictlog.export.acled_csv import AcledCsvExporter
from conflictlog.export.base import ACLED_COLUMNS, Exporter, event_to_acled_row, event_to_row
from conflictlog.export.geojson import GeoJsonExporter, event_to_feature
from conflictlog.export.jsonl import JsonArrayExporter, JsonLinesExporter
from conflictlog.export.parquet import ParquetExporter
from conflictlog.records import Event

logger = logging.getLogger(__name__)

EXPORTERS: dict[str, type[Exporter]] = {
    "jsonl": JsonLinesExporter,
    "json": JsonArrayExporter,
    "acled-csv": AcledCsvExporter,
    "csv": AcledCsvExporter,
    "geojson": GeoJsonExporter,
    "parquet": ParquetExporter,
}
FORMATS: tuple[str, ...] = tuple(EXPORTERS)

E702 = "{target}: cannot write export: {reason}"
E703 = "{target}: format {fmt!r} writes bytes; give a binary stream or a path, not a text stream"

__all__ = [
    "ACLED_COLUMNS",
    "EXPORTERS",
    "FORMATS",
    "Exporter",
    "event_to_acled_row",
    "event_to_feature",
    "event_to_row",
    "export_events",
    "exporter_for",
]


def exporter_for(fmt: str) -> type[Exporter]:
    """The exporter class for a format name; raises ExportError (E701) for an unknown one."""
    try:
        return EXPORTERS[fmt]
    except KeyError:
        raise ExportError(E701.format(fmt=fmt, choices=", ".join(FORMATS)), code="E701") from None


def _is_text_stream(out: IO[Any]) -> bool:
    return isinstance(out, io.TextIOBase) or (hasattr(out, "encoding") and not isinstance(out, io.BufferedIOBase))


def _run(exporter: Exporter, events: Iterable[Event]) -> int:
    exporter.start()
    for event in events:
        exporter.write(event)
    exporter.finish()
    return exporter.count


def export_events(
    events: Iterable[Event], fmt: str, out: IO[Any] | Path | str, include_historical: bool | None = None
) -> int:
    """Write events in format `fmt` to a path or an open stream (text or binary); returns how many were written.

    Events are consumed one at a time, so a store's `iter_events()` streams straight to the file.
    `include_historical` overrides the format's default (only `acled-csv` leaves historical events out).
    """
    exporter_cls = exporter_for(fmt)
    options = {} if include_historical is None else {"include_historical": include_historical}
    if isinstance(out, (str, Path)):
        path = Path(out)
        try:
            if exporter_cls.binary:
                with path.open("wb") as stream:
                    n = _run(exporter_cls(stream, **options), events)
            else:
                with path.open("w", encoding="utf-8", newline="") as stream:
                    n = _run(exporter_cls(stream, **options), events)
        except OSError as err:
            raise ExportError(E702.format(target=path, reason=err), code="E702") from err
        logger.info("exported %d events as %s to %s", n, fmt, path)
        return n
    target = getattr(out, "name", "<stream>")
    if exporter_cls.binary:
        if _is_text_stream(out):
            buffer = getattr(out, "buffer", None)
            if buffer is None:
                raise ExportError(E703.format(target=target, fmt=fmt), code="E703")
            out.flush()
            out = buffer
        return _run(exporter_cls(out, **options), events)
    if _is_text_stream(out):
        return _run(exporter_cls(out, **options), events)
    # A binary stream for a text format: wrap it, then detach so the caller's stream stays open.
    wrapper = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        return _run(exporter_cls(wrapper, **options), events)
    finally:
        wrapper.flush()
        wrapper.detach()
