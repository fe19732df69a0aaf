"""`conflictlog alerts`: add, list, remove and test subscriptions, and deliver queued alerts."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from conflictlog.alerts import outbox
from conflictlog.alerts.subscriptions import CERTAINTIES, subscription_from
from conflictlog.errors import E622, ConflictlogError


@contextmanager
def _store(ctx: click.Context, read_only: bool = True) -> Iterator[Any]:
    """The global --db store, with coded errors as messages; read-only commands need the database to exist."""
    from conflictlog.cli import _errors_as_messages, _open_store

    with _open_store(ctx, read_only=read_only) as store, _errors_as_messages():
        yield store


@click.group()
def alerts() -> None:
    """Alert subscriptions: a signed webhook and an Atom feed (GET /subscriptions/ID/feed.atom) per subscription."""


@alerts.command("add")
@click.argument("name")
@click.option("--bbox", help="Area as minlon,minlat,maxlon,maxlat.")
@click.option("--polygon", type=click.File("r", encoding="utf-8"),
              help="Area as a GeoJSON file: a Polygon or MultiPolygon geometry, or a Feature holding one.")
@click.option("--country", "countries", multiple=True, help="Country name (repeatable).")
@click.option("--actor", "actors", multiple=True, help="Case-insensitive part of an actor's name (repeatable).")
@click.option("--type", "event_types", multiple=True, help="ACLED event or sub-event type (repeatable).")
@click.option("--min-fatalities", type=click.IntRange(0, 2**63 - 1), help="At least this many fatalities.")
@click.option("--certainty", multiple=True, type=click.Choice(CERTAINTIES), help="Certainty (repeatable).")
@click.option("--webhook", help="URL the alerts are POSTed to (without one, the subscription is a feed only).")
@click.option("--secret", envvar="CONFLICTLOG_ALERT_SECRET",
              help="Key the webhook's X-Conflictlog-Signature is made with (HMAC-SHA256; or CONFLICTLOG_ALERT_SECRET).")
@click.pass_context
def add(ctx: click.Context, name: str, bbox: str | None, polygon: Any, countries: tuple[str, ...],
        actors: tuple[str, ...], event_types: tuple[str, ...], min_fatalities: int | None,
        certainty: tuple[str, ...], webhook: str | None, secret: str | None) -> None:
    """Subscribe to events stored from now on; prints the subscription as JSON."""
    geometry = None
    if polygon is not None:
        try:
            geometry = json.load(polygon)
        except ValueError as err:
            raise click.ClickException(f"[E620] {polygon.name}: not JSON: {err}") from err
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
    try:
        sub = subscription_from({"name": name, "bbox": bbox, "polygon": geometry, "countries": countries,
                                 "actors": actors, "event_types": event_types, "min_fatalities": min_fatalities,
                                 "certainty": certainty, "webhook_url": webhook, "secret": secret})
    except ConflictlogError as err:
        raise click.ClickException(str(err)) from err
    with _store(ctx, read_only=False) as store:
        sub = outbox.add_subscription(store, sub)
    click.echo(json.dumps(sub.public(), ensure_ascii=False))


@alerts.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Print every subscription as one JSON line, with its alerts counted by status."""
    with _store(ctx) as store:
        for sub in outbox.list_subscriptions(store):
            counts = outbox.alert_counts(store, sub.subscription_id)
            click.echo(json.dumps({**sub.public(), "alerts": counts}, ensure_ascii=False))


@alerts.command("remove")
@click.argument("subscription")
@click.pass_context
def remove(ctx: click.Context, subscription: str) -> None:
    """Delete a subscription (by id or name) and its queued alerts."""
    with _store(ctx) as store:
        sub = outbox.remove_subscription(store, subscription)
    click.echo(f"removed subscription {sub.name} ({sub.subscription_id})", err=True)


@alerts.command("test")
@click.argument("subscription")
@click.pass_context
def test(ctx: click.Context, subscription: str) -> None:
    """Send one signed test notification to a subscription's webhook now; exit status 1 when it fails."""
    with _store(ctx) as store:
        sub = outbox.get_subscription(store, subscription)
    if not sub.webhook_url:
        raise click.ClickException(f"subscription {sub.name} has no webhook to test (it is a feed only)")
    body = json.dumps({"subscription": {"id": sub.subscription_id, "name": sub.name}, "change": "test",
                       "event": None}).encode("utf-8")
    error = outbox.post(sub.webhook_url, body, sub.secret, headers={"X-Conflictlog-Change": "test"})
    if error is not None:
        raise click.ClickException(f"[E622] {E622.format(url=sub.webhook_url, reason=error)}")
    click.echo(f"{sub.webhook_url}: test notification delivered", err=True)


@alerts.command("deliver")
@click.option("--watch", is_flag=True, help="Keep delivering every --interval seconds until interrupted.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True)
@click.option("--max-attempts", type=click.IntRange(1, 100), default=outbox.MAX_ATTEMPTS, show_default=True,
              help="Attempts before an alert is recorded as failed.")
@click.pass_context
def deliver(ctx: click.Context, watch: bool, interval: float, max_attempts: int) -> None:
    """Send the queued alerts that are due (ingest queues them; `serve` also delivers in the background)."""
    with _store(ctx) as store:
        while True:
            report = outbox.deliver(store, max_attempts=max_attempts)
            click.echo(f"alerts: {report.delivered} delivered, {report.retrying} to retry, {report.failed} failed",
                       err=True)
            if not watch:
                break
            time.sleep(interval)
