"""The merge benchmark and its synthetic reports."""

from __future__ import annotations

from conflictlog.bench_merge import bench_incident, bench_merge, synthetic_reports


def test_bench_merge_synthetic_reports_are_deterministic_with_duplicates() -> None:
    reports, sources, truth = synthetic_reports(600, seed=3)
    again, _, _ = synthetic_reports(600, seed=3)
    assert reports == again
    assert len(reports) == 600 and set(sources) == {r.mention.mention_id for r in reports}
    incidents = set(truth.values())
    assert 0.5 * 600 < len(incidents) < 0.8 * 600  # about a third of the reports repeat an incident


def test_bench_merge_reports_figures_and_finds_most_incidents() -> None:
    figures = bench_merge(1500, trace_memory=True)
    assert figures["reports"] == 1500
    assert figures["cluster_seconds"] > 0 and figures["peak_traced_mb"] > 0 and figures["peak_rss_mb"] > 0
    # Repeated reports collapse: fewer events than reports, close to the number of true incidents.
    assert figures["events"] < figures["reports"]
    assert abs(figures["events"] - figures["incidents"]) < 0.1 * figures["incidents"]
    assert figures["pure_events_share"] > 0.9 and figures["incidents_in_one_event_share"] > 0.95


def test_bench_merge_one_incident_ends_as_one_event_with_times_per_report() -> None:
    figures = bench_incident(120, marks=(10, 100))
    assert figures["reports"] == 120 and figures["events"] == 1
    assert figures["ms_per_report_at_10"] > 0 and figures["ms_per_report_at_100"] > 0
    assert "ms_per_report_at_1000" not in figures
