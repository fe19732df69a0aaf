"""The API latency benchmark on a small synthetic load: figures present, ordered and plausible."""

from __future__ import annotations

import math
from pathlib import Path

from conflictlog.bench_api import bench_api, request_mix, synthetic_events


def test_bench_api_synthetic_events_are_deterministic_and_valid() -> None:
    first = list(synthetic_events(200, seed=3))
    assert first == list(synthetic_events(200, seed=3))
    assert len({event.event_id for event in first}) == 200
    assert all(-90 <= e.latitude <= 90 and -180 <= e.longitude <= 180 for e in first)  # type: ignore[operator]
    assert len({e.event_type for e in first}) >= 5 and len({e.country for e in first}) >= 5


def test_bench_api_request_mix_covers_every_filter_kind() -> None:
    kinds = {kind for kind, _ in request_mix(16)}
    assert kinds == {"all", "country", "type_dates", "bbox", "actor", "fatalities_certainty", "page", "bbox_actor"}


def test_bench_api_reports_latency_percentiles() -> None:
    figures = bench_api(n_events=300, n_requests=14)
    assert figures["events"] == 300 and figures["requests"] == 14
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert 0 < figures["cpu_p50_ms"] <= figures["cpu_p95_ms"]
    assert not math.isnan(figures["p95_ms_bbox"])
    assert figures["load_seconds"] > 0


def test_bench_api_reuses_a_database_that_holds_events(tmp_path: Path) -> None:
    db = tmp_path / "bench.sqlite"
    first = bench_api(n_events=120, n_requests=8, db_path=db)
    again = bench_api(n_events=500, n_requests=8, db_path=db)
    assert first["events"] == again["events"] == 120
    assert first["load_seconds"] > 0 and again["load_seconds"] == 0
    assert not math.isnan(again["p50_ms_bbox_actor"])


def test_bench_api_runs_on_a_postgresql_store(postgres_url: str) -> None:
    figures = bench_api(n_events=300, n_requests=14, db_path=postgres_url)
    assert figures["events"] == 300 and figures["requests"] == 14
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert not math.isnan(figures["p95_ms_actor"]) and not math.isnan(figures["p95_ms_bbox"])


def test_bench_command_measures_the_api_on_a_database_named_by_path_or_url(store_url: str) -> None:
    from click.testing import CliRunner

    from conflictlog.cli import cli

    for option, events in (("--store", "120"), ("--api-db", "500")):  # the second run finds the first one's events
        result = CliRunner().invoke(cli, ["bench", "--articles", "0", "--merge-events", "0", "--api-events", events,
                                          "--api-requests", "8", "--load-events", "0", "--copies", "0",
                                          "--gazetteer-lookups", "0", "--cluster-workers", "0", option, store_url],
                                    obj={})
        assert result.exit_code == 0, result.output
        (line,) = [text for text in result.stdout.splitlines() if text.startswith("api")]
        assert "events=120," in line and "requests=8," in line
        assert ("(postgresql://" in line) == store_url.startswith("postgresql://")
