"""`conflictlog alerts`: add, list, test, deliver and remove subscriptions from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictlog.alerts import verify
from conflictlog.alerts.outbox import SIGNATURE_HEADER
from conflictlog.bench_merge import make_place, make_report
from conflictlog.cli import cli
from conflictlog.records import Article
from conflictlog.store import open_store
from tests.alerts.receiver import Receiver

ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063", country="Syria")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def run(db: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["--db", str(db), "alerts", *args], catch_exceptions=False)


def test_command_add_list_test_deliver_remove(tmp_path: Path, receiver: Receiver) -> None:
    db = tmp_path / "cli.sqlite"
    polygon = tmp_path / "area.geojson"
    polygon.write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[35, 32], [42.5, 32], [42.5, 37.5], [35, 37.5], [35, 32]]]}}))
    added = run(db, "add", "syria", "--polygon", str(polygon), "--certainty", "reported", "--webhook", receiver.url,
                "--secret", "k")
    assert added.exit_code == 0, added.output
    sub = json.loads(added.stdout)
    assert sub["name"] == "syria" and sub["polygon"]["type"] == "Polygon" and "secret" not in sub

    assert run(db, "test", "syria").exit_code == 0
    headers, body = receiver.received[0]
    assert json.loads(body)["change"] == "test" and verify("k", body, headers[SIGNATURE_HEADER])

    with open_store(db) as store:
        store.add_article(Article("a1", "a1.md", "Text.", published=date(2024, 3, 2)),
                          [make_report("m1", "a1", place=ALEPPO, fatalities=4)])
    delivered = run(db, "deliver")
    assert delivered.exit_code == 0 and "1 delivered" in delivered.stderr
    assert json.loads(receiver.received[1][1])["event"]["fatalities"] == 4

    listed = [json.loads(line) for line in run(db, "list").stdout.splitlines()]
    assert [(s["name"], s["alerts"]) for s in listed] == [("syria", {"delivered": 1})]
    assert run(db, "remove", sub["subscription_id"]).exit_code == 0
    gone = run(db, "remove", "syria")
    assert gone.exit_code == 1 and "E621" in gone.stderr


def test_command_bad_input_is_a_coded_message(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    bad = run(db, "add", "x", "--bbox", "1,2")
    assert bad.exit_code == 1 and "E620" in bad.stderr and "bbox" in bad.stderr
    not_json = tmp_path / "area.geojson"
    not_json.write_text("{")
    bad = run(db, "add", "x", "--polygon", str(not_json))
    assert bad.exit_code == 1 and "E620" in bad.stderr and "area.geojson" in bad.stderr
    assert run(tmp_path / "none.sqlite", "list").exit_code == 1  # read-only commands do not create a database


def test_command_test_of_a_dead_webhook_fails_with_its_reason(tmp_path: Path) -> None:
    db = tmp_path / "cli.sqlite"
    dead = Receiver(status=500)
    dead.close()
    assert run(db, "add", "x", "--webhook", dead.url).exit_code == 0
    failed = run(db, "test", "x")
    assert failed.exit_code == 1 and "E622" in failed.stderr
