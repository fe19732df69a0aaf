"""The Atom feed of a subscription: valid Atom 1.0 with one entry per event at its latest version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from conflictlog.alerts import add_subscription, atom_feed, queued_alerts, subscription_from
from conflictlog.bench_merge import make_place, make_report
from conflictlog.records import Article
from conflictlog.store import SQLiteStore, open_store

A = "{http://www.w3.org/2005/Atom}"
ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063", country="Syria")
IDLIB = make_place("Idlib", latitude=35.93, longitude=36.63, admin1="Idlib", gazetteer_id="geonames:169389",
                   country="Syria")
MOSUL = make_place("Mosul", "IRQ", 36.34, 43.13, admin1="Nineveh", gazetteer_id="geonames:99072", country="Iraq")


def article(article_id: str) -> Article:
    return Article(article_id=article_id, source=f"{article_id}.md", text=f"Text of {article_id}.",
                   outlet="Outlet", published=date(2024, 3, 2))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(tmp_path / "feed.sqlite")
    yield s
    s.close()


def test_feed_is_atom_with_one_entry_per_matching_event_at_its_latest_version(store: SQLiteStore) -> None:
    sub = add_subscription(store, subscription_from({"name": "syria", "countries": ["Syria"]}))
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO, fatalities=3)])
    store.add_article(article("a2"), [make_report("m2", "a2", place=IDLIB, day=date(2024, 2, 1))])
    store.add_article(article("a3"), [make_report("m3", "a3", place=MOSUL)])
    store.add_article(article("a4"), [make_report("m4", "a4", place=ALEPPO, fatalities=2, evidence="Two killed.")])
    root = ET.fromstring(atom_feed(sub, queued_alerts(store, sub.subscription_id), "http://127.0.0.1:8000/"))
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None
    assert root.find(f"{A}link").get("href") == f"http://127.0.0.1:8000/subscriptions/{sub.subscription_id}/feed.atom"
    entries = root.findall(f"{A}entry")
    titles = [e.findtext(f"{A}title") for e in entries]
    assert titles == ["Armed clash in Aleppo, Syria on 2024-03-01: 2 killed", "Armed clash in Idlib, Syria on 2024-02-01"]
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == 2 and all(i.startswith("urn:conflictlog:event:SYR") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{A}updated") and entry.find(f"{A}link").get("href").startswith("http://127.0.0.1:8000/events/")


def test_feed_without_alerts_is_still_valid(store: SQLiteStore) -> None:
    sub = add_subscription(store, subscription_from({"name": "quiet"}))
    root = ET.fromstring(atom_feed(sub, [], "http://x"))
    assert root.findall(f"{A}entry") == [] and root.findtext(f"{A}updated") == sub.created_at
