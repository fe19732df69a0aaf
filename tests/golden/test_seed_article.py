"""Golden end-to-end test: the bundled seed article (a republished South Front report) through every stage.

The expected events and the matching rule come from ``tests/golden/seed/expected.json``; the matcher is the
general ``evaluate.golden.match_expected``, not rules for this article.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conflictlog.evaluate.golden import match_expected
from conflictlog.export import export_events
from conflictlog.pipeline import ingest_paths
from conflictlog.store import open_store
from conflictlog.store.base import EventFilter

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed-article.md"
EXPECTED = json.loads((Path(__file__).parent / "seed" / "expected.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory):
    store = open_store(tmp_path_factory.mktemp("seed") / "seed.sqlite")
    report = ingest_paths([SEED], store, progress=False)
    assert report.counts.get("articles.stored") == 1, report
    yield store
    store.close()


@pytest.fixture(scope="module")
def exported_rows(seed_store) -> list[dict]:
    buffer = io.StringIO()
    export_events(seed_store.iter_events(), "jsonl", buffer)
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_seed_finds_at_least_six_of_seven_expected_events(exported_rows):
    result = match_expected(exported_rows, EXPECTED)
    assert len(result.found) >= 6, f"found {sorted(result.found)}; missing {sorted(result.missing)}"


def test_seed_forbidden_statements_never_become_ordinary_events(exported_rows):
    result = match_expected(exported_rows, EXPECTED)
    assert not result.violations, f"ordinary events made of: {result.violations}"


def test_seed_article_text_has_no_boilerplate(seed_store):
    articles = {event.sources[0].article_id for event in seed_store.iter_events()}
    assert len(articles) == 1
    text = seed_store.get_article(articles.pop()).text
    for phrase in EXPECTED["boilerplate_to_drop"]:
        assert phrase not in text


def test_seed_metadata_keeps_outlet_original_and_date(seed_store):
    article_id = next(seed_store.iter_events()).sources[0].article_id
    article = seed_store.get_article(article_id)
    assert article.outlet == "Global Research"
    assert article.original_outlet == "South Front"
    assert article.published.isoformat() == EXPECTED["publication_date"]


def test_seed_ingest_twice_stores_one_article(seed_store):
    before = seed_store.count_events(EventFilter())
    report = ingest_paths([SEED], seed_store, progress=False)
    assert report.counts.get("articles.stored", 0) == 0
    assert report.counts.get("docs.duplicate") == 1
    after = seed_store.count_events(EventFilter())
    assert after == before
