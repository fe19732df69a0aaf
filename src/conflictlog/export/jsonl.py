"""JSON Lines (one event per line) and JSON array exports, streamed event by event."""

from __future__ import annotations

import json

from conflictlog.export.base import SCHEMA_VERSION, Exporter, event_to_row
from conflictlog.records import Event


def dumps_row(event: Event) -> str:
    """One event as compact JSON (UTF-8 kept as is, keys in ACLED order, then the export schema version)."""
    row = event_to_row(event)
    row["schema_version"] = SCHEMA_VERSION
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


class JsonLinesExporter(Exporter):
    """`jsonl`: one JSON object per line."""

    media_type = "application/x-ndjson"

    def write(self, event: Event) -> None:
        """Write one event as one line."""
        self.stream.write(dumps_row(event))
        self.stream.write("\n")
        self.count += 1


class JsonArrayExporter(Exporter):
    """`json`: one JSON array of event objects, written without holding the events in memory."""

    media_type = "application/json"

    def start(self) -> None:
        """Open the array."""
        self.stream.write("[")

    def write(self, event: Event) -> None:
        """Write one event, comma-separated from the previous one."""
        self.stream.write(",\n" if self.count else "\n")
        self.stream.write(dumps_row(event))
        self.count += 1

    def finish(self) -> None:
        """Close the array."""
        self.stream.write("\n]\n" if self.count else "]\n")
        super().finish()
