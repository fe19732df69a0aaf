"""The load benchmark on a tiny setting: a real server answers concurrent clients while another process writes."""

from __future__ import annotations

from click.testing import CliRunner

from conflictlog.bench_load import bench_load
from conflictlog.cli import cli


def test_bench_load_serves_every_request_while_a_writer_writes() -> None:
    figures = bench_load(n_events=300, clients=3, seconds=1.0, workers=1, write_pause_s=0.01)
    assert figures["errors"] == 0
    assert figures["requests"] > 0 and figures["requests_per_s"] > 0
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["reports_written"] > 0


def test_bench_command_prints_requests_per_second_and_percentiles() -> None:
    result = CliRunner().invoke(cli, ["bench", "--articles", "0", "--merge-events", "0", "--api-events", "0",
                                      "--load-events", "200", "--load-clients", "2", "--load-seconds", "0.5",
                                      "--server-workers", "1", "--copies", "0", "--gazetteer-lookups", "0"], obj={})
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("api under load:") and "requests/s" in line and "p99" in line and " 0 errors" in line
