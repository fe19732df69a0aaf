"""ACLED-style CSV: ACLED's 31 columns in ACLED's order, lists "; "-joined, RFC 4180 quoting, and text cells that
a spreadsheet would run as a formula escaped as OWASP advises."""

from __future__ import annotations

import csv
import logging
from typing import IO, Any

from conflictlog.export.base import ACLED_COLUMNS, Exporter, event_to_acled_row
from conflictlog.records import Event

logger = logging.getLogger(__name__)

# Columns that hold numbers: a leading "-" there is a sign, not a formula.
NUMERIC_COLUMNS = frozenset(
    {"year", "time_precision", "inter1", "inter2", "interaction", "iso", "latitude", "longitude", "geo_precision",
     "fatalities", "timestamp"}
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    """A text cell that a spreadsheet would read as a formula, prefixed with a single quote (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every text column's formula-like cell escaped; numeric columns are left as numbers."""
    return {k: escape_formula(v) if isinstance(v, str) and k not in NUMERIC_COLUMNS else v for k, v in row.items()}


class AcledCsvExporter(Exporter):
    """`acled-csv` (alias `csv`): a header row, then one row per event; historical events only when asked for."""

    media_type = "text/csv; charset=utf-8"

    def __init__(self, stream: IO[Any], include_historical: bool = False) -> None:
        super().__init__(stream, include_historical)
        # lineterminator "\r\n" as RFC 4180 and ACLED's own files; minimal quoting keeps numbers bare.
        self.writer = csv.DictWriter(stream, fieldnames=list(ACLED_COLUMNS), lineterminator="\r\n")
        self.skipped = 0

    def start(self) -> None:
        """Write the header row."""
        self.writer.writeheader()

    def write(self, event: Event) -> None:
        """Write one event's ACLED columns (a historical event is skipped unless `include_historical`)."""
        if event.historical and not self.include_historical:
            self.skipped += 1
            return
        self.writer.writerow(safe_row(event_to_acled_row(event)))
        self.count += 1

    def finish(self) -> None:
        """Flush, and say how many historical events were left out."""
        if self.skipped:
            logger.info("acled-csv: left out %d historical events (include them with --include-historical)", self.skipped)
        super().finish()
