"""Subscriptions in the database, the alert outbox, and webhook delivery.

After an article's transaction commits, the store hands the events it wrote to `enqueue`, which adds one outbox
row per matching subscription and event version (a version is a digest of what the event says that matters to a
reader: type, date, place, actors, fatalities, certainty); a version already queued is not queued again. `deliver`
POSTs due rows, signed with HMAC-SHA256, and records each as delivered, or after `max_attempts` as failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from conflictlog import __version__
from conflictlog.alerts.subscriptions import Subscription, matches, subscription_from
from conflictlog.errors import E621, E623, ConflictlogError, NotFound, StoreError
from conflictlog.export import event_to_row
from conflictlog.records import Event, content_hash

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Conflictlog-Signature"
TIMEOUT_S = 5.0  # one webhook POST; a slow receiver never holds delivery up for longer
MAX_ATTEMPTS = 5
BACKOFF_S = 30.0  # wait before the second attempt; doubled before each one after it
CLAIM_S = 120.0  # a row being sent is not due for another sender for this long


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the hex HMAC-SHA256 of the body under the secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True when the header is the body's signature under the secret (for receivers, and tests)."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def event_version(event: Event) -> str:
    """Digest of the event's material values: a change to any of them is a new version, worth a new alert."""
    return content_hash(
        event.event_type, event.sub_event_type, event.event_date.isoformat(), str(event.country), str(event.admin1),
        str(event.location), str(event.actor1), str(event.actor2), str(event.fatalities), event.certainty.value,
    )


# -- subscriptions --------------------------------------------------------------------------------------------


def _from_row(row: Sequence[Any]) -> Subscription:
    return subscription_from({**json.loads(row[2]), "subscription_id": row[0], "name": row[1],
                              "webhook_url": row[3], "secret": row[4], "created_at": row[5]})


_COLUMNS = "subscription_id, name, spec, webhook_url, secret, created_at"


def add_subscription(store: Any, sub: Subscription) -> Subscription:
    """Store a new subscription (its id and time are given here); raises StoreError (E623) for a taken name."""
    sub = subscription_from({**sub.spec(), "name": sub.name, "webhook_url": sub.webhook_url, "secret": sub.secret,
                             "subscription_id": uuid.uuid4().hex[:12], "created_at": _now()})
    with store.write_transaction() as conn:
        if conn.execute("SELECT 1 FROM subscriptions WHERE name = ?", (sub.name,)).fetchone():
            raise StoreError(E623.format(name=sub.name), code="E623")
        conn.execute(f"INSERT INTO subscriptions({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                     (sub.subscription_id, sub.name, json.dumps(sub.spec()), sub.webhook_url, sub.secret, sub.created_at))
    return sub


def list_subscriptions(store: Any) -> list[Subscription]:
    """Every subscription, by name."""
    with store.reading() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM subscriptions ORDER BY name").fetchall()
    return [_from_row(row) for row in rows]


def get_subscription(store: Any, key: str) -> Subscription:
    """The subscription with this id or name; raises NotFound (E621)."""
    with store.reading() as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE subscription_id = ? OR name = ?",
                           (key, key)).fetchone()
    if row is None:
        raise NotFound(E621.format(name=key), code="E621")
    return _from_row(row)


def remove_subscription(store: Any, key: str) -> Subscription:
    """Delete a subscription (by id or name) with its outbox; raises NotFound (E621)."""
    sub = get_subscription(store, key)
    with store.write_transaction() as conn:
        conn.execute("DELETE FROM subscriptions WHERE subscription_id = ?", (sub.subscription_id,))
    return sub


# -- outbox -------------------------------------------------------------------------------------------------


def enqueue(store: Any, events: Sequence[Event]) -> int:
    """Queue one alert per subscription an event matches, unless this version of it is queued already; returns
    how many were queued. Runs in its own transaction, after the events' own has committed."""
    if not events:
        return 0
    subs = list_subscriptions(store)
    if not subs:
        return 0
    queued = 0
    now = _now()
    with store.write_transaction() as conn:
        for event in events:
            key = event.acled_id or event.event_id
            version = event_version(event)
            for sub in subs:
                if not matches(sub, event):
                    continue
                seen = conn.execute("SELECT version FROM alert_outbox WHERE subscription_id = ? AND event_key = ?",
                                    (sub.subscription_id, key)).fetchall()
                if any(row[0] == version for row in seen):
                    continue
                change = "update" if seen else "new"
                payload = json.dumps({"subscription": {"id": sub.subscription_id, "name": sub.name},
                                      "change": change, "version": version, "event": event_to_row(event)},
                                     ensure_ascii=False, separators=(",", ":"), default=str)
                conn.execute(
                    "INSERT INTO alert_outbox(subscription_id, event_key, version, event_id, change, payload, "
                    "created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (sub.subscription_id, key, version, event.event_id, change, payload, now,
                     "pending" if sub.webhook_url else "feed"),
                )
                queued += 1
    if queued:
        logger.info("%s: %d alerts queued", store.path, queued)
    return queued


def enqueue_after_commit(store: Any, event_ids: Sequence[str]) -> None:
    """The store's after-commit hook: queue alerts for the events just written. A failure here is logged and
    never undoes or stops ingest (the article and its events are already stored)."""
    try:
        with store.reading() as conn:
            if conn.execute("SELECT 1 FROM subscriptions LIMIT 1").fetchone() is None:
                return
        events = []
        for event_id in dict.fromkeys(event_ids):
            try:
                events.append(store.get_event(event_id))
            except NotFound:
                continue  # merged into another event by a later write
        enqueue(store, events)
    except ConflictlogError as err:
        logger.warning("%s: alerts for %d events not queued: %s", store.path, len(event_ids), err)


def queued_alerts(store: Any, subscription_id: str, limit: int = 100) -> list[dict[str, Any]]:
    """The subscription's queued alerts, newest first: payload, status, attempts, times."""
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT outbox_id, event_key, event_id, version, change, payload, created_at, status, attempts, "
            "last_error, delivered_at FROM alert_outbox WHERE subscription_id = ? ORDER BY outbox_id DESC LIMIT ?",
            (subscription_id, limit),
        ).fetchall()
    names = ("outbox_id", "event_key", "event_id", "version", "change", "payload", "created_at", "status", "attempts",
             "last_error", "delivered_at")
    return [dict(zip(names, row)) for row in rows]


def alert_counts(store: Any, subscription_id: str) -> dict[str, int]:
    """How many of the subscription's alerts are in each status (pending, delivered, failed, feed)."""
    with store.reading() as conn:
        return dict(conn.execute("SELECT status, count(*) FROM alert_outbox WHERE subscription_id = ? "
                                 "GROUP BY status ORDER BY status", (subscription_id,)).fetchall())


# -- delivery -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one delivery pass did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def post(url: str, body: bytes, secret: str | None, headers: dict[str, str] | None = None,
         timeout: float = TIMEOUT_S) -> str | None:
    """POST a signed JSON body; None when the receiver answered 2xx, else what went wrong."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": f"conflictlog/{__version__} (alerts)", **(headers or {})})
    if secret:
        request.add_header(SIGNATURE_HEADER, sign(secret, body))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https checked on add)
            response.read(65536)
            status = response.status
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except (urllib.error.URLError, OSError, ValueError) as err:
        return f"{type(err).__name__}: {getattr(err, 'reason', err)}"
    return None if 200 <= status < 300 else f"HTTP {status}"


def deliver(store: Any, *, max_attempts: int = MAX_ATTEMPTS, backoff_s: float = BACKOFF_S,
            timeout: float = TIMEOUT_S, clock: Callable[[], float] = time.time) -> DeliveryReport:
    """Send every due pending alert once; a failed send is due again after the backoff, and recorded as failed
    after ``max_attempts``."""
    now = clock()
    with store.write_transaction() as conn:
        rows = conn.execute(
            "SELECT o.outbox_id, o.payload, o.attempts, o.event_id, o.change, s.webhook_url, s.secret "
            "FROM alert_outbox o JOIN subscriptions s ON s.subscription_id = o.subscription_id "
            "WHERE o.status = 'pending' AND o.next_attempt_at <= ? ORDER BY o.outbox_id", (now,),
        ).fetchall()
        conn.executemany("UPDATE alert_outbox SET next_attempt_at = ? WHERE outbox_id = ?",
                         [(now + CLAIM_S, row[0]) for row in rows])
    delivered = retrying = failed = 0
    for outbox_id, payload, attempts, event_id, change, url, secret in rows:
        error = post(url, payload.encode("utf-8"), secret, timeout=timeout, headers={
            "X-Conflictlog-Delivery": str(outbox_id), "X-Conflictlog-Event": event_id,
            "X-Conflictlog-Change": change})
        attempts += 1
        if error is None:
            status, next_at, delivered = "delivered", 0.0, delivered + 1
        elif attempts >= max_attempts:
            status, next_at, failed = "failed", 0.0, failed + 1
            logger.warning("%s: alert %s to %s failed after %d attempts: %s", store.path, outbox_id, url, attempts, error)
        else:
            status, next_at, retrying = "pending", clock() + backoff_s * 2 ** (attempts - 1), retrying + 1
            logger.info("%s: alert %s to %s: %s; retrying", store.path, outbox_id, url, error)
        with store.write_transaction() as conn:
            conn.execute(
                "UPDATE alert_outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, "
                "delivered_at = ? WHERE outbox_id = ?",
                (status, attempts, next_at, error, _now() if error is None else None, outbox_id),
            )
    return DeliveryReport(delivered, retrying, failed)


class Dispatcher:
    """A background thread that runs a delivery pass every ``interval_s`` seconds on its own store, so a
    server's ingest never waits for a webhook."""

    def __init__(self, open_store: Callable[[], Any], interval_s: float = 5.0) -> None:
        self._open = open_store
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="conflictlog-alerts", daemon=True)

    def start(self) -> None:
        """Start delivering."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the pass under way."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=TIMEOUT_S * 2)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                store = self._open()
                try:
                    deliver(store)
                finally:
                    store.close()
            except ConflictlogError as err:
                logger.warning("alert delivery pass failed: %s", err)
            self._stop.wait(self.interval_s)
