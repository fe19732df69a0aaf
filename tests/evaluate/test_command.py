"""Tests for the `evaluate` click command (stand-in extractor) and a smoke run on the real dev set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictlog.evaluate import runner
from conflictlog.evaluate.command import evaluate

from .test_scoring import FIXTURES, FakeExtractor


@pytest.fixture()
def fake_pipeline(monkeypatch):
    monkeypatch.setattr(runner, "_pipeline_extractor", FakeExtractor)


def test_command_prints_tables_and_writes_json(fake_pipeline, tmp_path: Path):
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(evaluate, [str(FIXTURES), "--per-record", "--json", str(out), "--worst", "3"])
    assert result.exit_code == 0, result.output
    assert "tiny_acled" in result.output and "event_type confusion" in result.output
    assert "Worst-scoring records" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["datasets"]["all"]["fields"]["found"]["total"] == 4
    again = CliRunner().invoke(evaluate, [str(FIXTURES), "--per-record", "--compare", str(out), "--worst", "0"])
    assert again.exit_code == 0, again.output
    assert "Nothing moved" in again.output


def test_command_dataset_option_and_missing_path(fake_pipeline, tmp_path: Path):
    result = CliRunner().invoke(evaluate, [str(FIXTURES), "--per-record", "--dataset", "tiny_gtd", "--worst", "0"])
    assert result.exit_code == 0
    assert "tiny_gtd" in result.output and "tiny_acled" not in result.output
    missing = CliRunner().invoke(evaluate, [str(tmp_path / "nope.jsonl")])
    assert missing.exit_code != 0
    assert "E901" in missing.output


@pytest.mark.slow
def test_command_runs_real_dev_set_sample(shared_dir: Path):
    dev = shared_dir / "eval" / "dev"
    if not dev.is_dir():
        pytest.skip(f"{dev} is absent")
    report = runner.evaluate_paths([dev], limit=2)
    assert len(report.records) == 2 * len(list(dev.glob("*.jsonl")))
    assert report.n_errors == 0
    # figures are printed, not asserted: only check they were computed
    assert report.rate(runner.ALL, "found") is not None


def test_command_by_country_prints_the_country_table(fake_pipeline, tmp_path: Path):
    result = CliRunner().invoke(evaluate, [str(FIXTURES), "--per-record", "--worst", "0", "--by-country"])
    assert result.exit_code == 0, result.output
    assert "Agreement by gold country" in result.output
    plain = CliRunner().invoke(evaluate, [str(FIXTURES), "--per-record", "--worst", "0"])
    assert "Agreement by gold country" not in plain.output
