"""ACLED-style CSV: ACLED's columns in ACLED's order, lists "; "-joined, RFC 4180 quoting."""

from __future__ import annotations

import csv
from typing import IO, Any

from conflictlog.export.base import ACLED_COLUMNS, Exporter, event_to_acled_row
from conflictlog.records import Event


class AcledCsvExporter(Exporter):
    """`acled-csv` (alias `csv`): a header row, then one row per event."""

    media_type = "text/csv; charset=utf-8"

    def __init__(self, stream: IO[Any]) -> None:
        super().__init__(stream)
        # lineterminator "\r\n" as RFC 4180 and ACLED's own files; minimal quoting keeps numbers bare.
        self.writer = csv.DictWriter(stream, fieldnames=list(ACLED_COLUMNS), lineterminator="\r\n")

    def start(self) -> None:
        """Write the header row."""
        self.writer.writeheader()

    def write(self, event: Event) -> None:
        """Write one event's ACLED columns."""
        self.writer.writerow(event_to_acled_row(event))
        self.count += 1
