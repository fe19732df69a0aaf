"""The command line: read-only commands refuse a database that is not there; export's historical switch."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictlog.cli import cli
from conflictlog.store import open_store
from tests.export.test_exporters import make_event


@pytest.mark.parametrize("args", [["events"], ["show", "SYR1"], ["export", "--format", "acled-csv"]])
def test_cli_read_only_command_refuses_missing_database(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "typo" / "events.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(missing), *args], obj={})
    assert result.exit_code == 1
    assert "no such database" in result.output and str(missing) in result.output
    assert not missing.parent.exists()  # nothing was created


def test_cli_export_acled_csv_leaves_history_out_unless_asked(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    with open_store(db) as store:
        store.bulk_load_events([make_event("SYR-now"), make_event("SYR-old", historical=True)])
    runner = CliRunner()
    plain = runner.invoke(cli, ["--db", str(db), "export", "--format", "acled-csv"], obj={})
    full = runner.invoke(cli, ["--db", str(db), "export", "--format", "acled-csv", "--include-historical"], obj={})
    assert plain.exit_code == 0 and full.exit_code == 0

    def ids(text: str) -> list[str]:
        return [row["event_id_cnty"] for row in csv.DictReader(io.StringIO(text))]

    assert ids(plain.stdout) == ["SYR1"] and sorted(ids(full.stdout)) == ["SYR1", "SYR2"]
