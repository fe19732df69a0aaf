"""Alert outbox and webhooks: one signed notification per matching new event and per material update, none for
other events, retries then a recorded failure that never stops ingest; subscriptions kept in the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conflictlog.alerts import (
    add_subscription,
    deliver,
    get_subscription,
    list_subscriptions,
    queued_alerts,
    remove_subscription,
    subscription_from,
    verify,
)
from conflictlog.alerts.outbox import SIGNATURE_HEADER
from conflictlog.bench_merge import make_place, make_report
from conflictlog.errors import NotFound, StoreError
from conflictlog.records import Article
from conflictlog.store import EventFilter, SQLiteStore, open_store
from tests.alerts.receiver import Receiver

ALEPPO = make_place("Aleppo", latitude=36.2, longitude=37.16, gazetteer_id="geonames:170063", country="Syria")
MOSUL = make_place("Mosul", "IRQ", 36.34, 43.13, admin1="Nineveh", gazetteer_id="geonames:99072", country="Iraq")
SECRET = "s3cret"


def article(article_id: str) -> Article:
    return Article(article_id=article_id, source=f"{article_id}.md", text=f"Text of {article_id}.",
                   url=f"https://news.example/{article_id}", title=article_id, outlet="Outlet",
                   published=date(2024, 3, 2))


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = open_store(tmp_path / "alerts.sqlite")
    yield s
    s.close()


def subscribe(store: SQLiteStore, url: str | None, **rules: object) -> str:
    data = {"name": "syria-area", "bbox": [35.0, 32.0, 42.5, 37.5], "webhook_url": url,
            "secret": SECRET if url else None, **rules}
    return add_subscription(store, subscription_from(data)).subscription_id


def test_outbox_one_signed_alert_per_new_event_and_per_new_fatality_figure(store: SQLiteStore, receiver: Receiver) -> None:
    sub_id = subscribe(store, receiver.url)
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO, fatalities=3)])
    store.add_article(article("a2"), [make_report("m2", "a2", place=MOSUL, fatalities=9)])  # outside the box
    assert deliver(store, backoff_s=0).delivered == 1
    assert deliver(store, backoff_s=0).delivered == 0  # nothing is sent twice
    # a second report of the same clash with a lower, plainly reported figure: the event's fatalities change
    store.add_article(article("a3"), [make_report("m3", "a3", place=ALEPPO, fatalities=2,
                                                  evidence="Two were killed in clashes in Aleppo.")])
    deliver(store, backoff_s=0)
    payloads = receiver.payloads()
    assert [(p["change"], p["event"]["location"], p["event"]["fatalities"]) for p in payloads] == [
        ("new", "Aleppo", 3), ("update", "Aleppo", 2)]
    assert payloads[0]["event"]["event_id_cnty"] == payloads[1]["event"]["event_id_cnty"]
    assert all(p["subscription"]["id"] == sub_id for p in payloads)
    for headers, body in receiver.received:
        assert verify(SECRET, body, headers[SIGNATURE_HEADER])
        assert not verify("other", body, headers[SIGNATURE_HEADER])
    assert [row["status"] for row in queued_alerts(store, sub_id)] == ["delivered", "delivered"]


def test_outbox_same_version_again_is_not_queued(store: SQLiteStore, receiver: Receiver) -> None:
    sub_id = subscribe(store, receiver.url)
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO, fatalities=3)])
    # a second report that changes nothing material (same figure): the event is rewritten, no new version
    store.add_article(article("a2"), [make_report("m2", "a2", place=ALEPPO, fatalities=3, evidence="Again.")])
    deliver(store, backoff_s=0)
    assert len(receiver.received) == 1 and len(queued_alerts(store, sub_id)) == 1


def test_outbox_failing_receiver_is_retried_then_failed_and_ingest_goes_on(store: SQLiteStore) -> None:
    failing = Receiver(status=500)
    try:
        sub_id = subscribe(store, failing.url)
        store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO, fatalities=3)])
        reports = [deliver(store, backoff_s=0, max_attempts=3) for _ in range(4)]
        assert [(r.retrying, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1), (0, 0)]
        assert len(failing.received) == 3
        [row] = queued_alerts(store, sub_id)
        assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 3, "HTTP 500")
        result = store.add_article(article("a2"), [make_report("m2", "a2", place=MOSUL, fatalities=1)])
        assert result.stored and store.has_article("a2")
    finally:
        failing.close()


def test_outbox_backoff_waits_before_the_next_attempt(store: SQLiteStore) -> None:
    failing = Receiver(status=503)
    try:
        subscribe(store, failing.url)
        store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO)])
        clock = [1000.0]
        assert deliver(store, backoff_s=10, clock=lambda: clock[0]).retrying == 1
        assert deliver(store, backoff_s=10, clock=lambda: clock[0]).retrying == 0  # not due yet
        clock[0] += 10
        assert deliver(store, backoff_s=10, clock=lambda: clock[0]).retrying == 1
        assert len(failing.received) == 2
    finally:
        failing.close()


def test_outbox_unreachable_receiver_is_recorded_not_raised(store: SQLiteStore) -> None:
    closed = Receiver()
    url = closed.url
    closed.close()
    sub_id = subscribe(store, url)
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO)])
    assert deliver(store, backoff_s=0, max_attempts=1, timeout=1).failed == 1
    assert queued_alerts(store, sub_id)[0]["last_error"]


def test_outbox_rules_select_events(store: SQLiteStore, receiver: Receiver) -> None:
    subscribe(store, receiver.url, bbox=None, countries=["Iraq"], min_fatalities=5)
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO, fatalities=30)])
    store.add_article(article("a2"), [make_report("m2", "a2", place=MOSUL, fatalities=4)])
    store.add_article(article("a3"), [make_report("m3", "a3", place=MOSUL, fatalities=7, day=date(2024, 1, 5),
                                                  sub_event_type="Air/drone strike", event_type="Explosions/Remote violence")])
    deliver(store, backoff_s=0)
    assert [(p["event"]["country"], p["event"]["fatalities"]) for p in receiver.payloads()] == [("Iraq", 7)]


def test_outbox_feed_only_subscription_is_never_sent(store: SQLiteStore) -> None:
    sub_id = subscribe(store, None)
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO)])
    assert deliver(store, backoff_s=0).delivered == 0
    assert [row["status"] for row in queued_alerts(store, sub_id)] == ["feed"]


def test_outbox_queue_failure_keeps_the_article(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    subscribe(store, "http://127.0.0.1:9/hook")
    import conflictlog.alerts.outbox as outbox_module

    def broken(*args: object) -> int:
        raise StoreError("[E601] disk full", code="E601")

    monkeypatch.setattr(outbox_module, "enqueue", broken)
    result = store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO)])
    assert result.stored and store.has_article("a1") and result.events_created
    assert "not queued" in caplog.text


def test_outbox_subscriptions_add_list_get_remove(store: SQLiteStore) -> None:
    sub_id = subscribe(store, "https://hooks.example/x")
    with pytest.raises(StoreError, match="E623.*taken"):
        subscribe(store, None)
    assert [s.name for s in list_subscriptions(store)] == ["syria-area"]
    found = get_subscription(store, "syria-area")
    assert found.subscription_id == sub_id and found.bbox == (35.0, 32.0, 42.5, 37.5) and found.secret == SECRET
    assert "secret" not in found.public() and found.public()["has_secret"] is True
    store.add_article(article("a1"), [make_report("m1", "a1", place=ALEPPO)])
    assert remove_subscription(store, sub_id).name == "syria-area"
    assert list_subscriptions(store) == []
    with store.reading() as conn:
        assert conn.execute("SELECT count(*) FROM alert_outbox").fetchone()[0] == 0
    with pytest.raises(NotFound, match="E621"):
        get_subscription(store, sub_id)


@pytest.mark.slow
def test_outbox_ingest_of_an_example_article_alerts_once_per_event(tmp_path: Path, receiver: Receiver,
                                                                   examples_dir: Path) -> None:
    from conflictlog.pipeline import ingest_paths

    with open_store(tmp_path / "ingest.sqlite") as store:
        sub_id = add_subscription(store, subscription_from({"name": "all", "webhook_url": receiver.url,
                                                            "secret": SECRET})).subscription_id
        report = ingest_paths([examples_dir / "seed-article.md"], store, progress=False)
        created = report.counts["events.created"]
        assert created > 0
        ingest_paths([examples_dir / "seed-article.md"], store, progress=False)  # already stored: nothing new
        assert deliver(store, backoff_s=0).delivered == store.count_events(EventFilter())
        ids = {p["event"]["event_id"] for p in receiver.payloads()}
        assert ids == {e.event_id for e in store.query_events(EventFilter())}
        assert len(receiver.received) == len(ids) and len(queued_alerts(store, sub_id)) == len(ids)
