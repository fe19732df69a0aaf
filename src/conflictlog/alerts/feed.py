"""An Atom 1.0 feed (RFC 4287) of a subscription's alerts: one entry per event, at its latest version."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from conflictlog.alerts.subscriptions import Subscription

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00+00:00"


def _title(row: dict[str, Any]) -> str:
    place = ", ".join(p for p in (row.get("location"), row.get("country")) if p)
    deaths = row.get("fatalities") or 0
    return f"{row.get('sub_event_type') or row.get('event_type')} in {place or 'an unknown place'} on " \
           f"{row.get('event_date')}" + (f": {deaths} killed" if deaths else "")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        child.text = text
    return child


def atom_feed(sub: Subscription, alerts: list[dict[str, Any]], base_url: str) -> bytes:
    """The feed as UTF-8 XML. ``alerts`` are outbox rows newest first (conflictlog.alerts.outbox.queued_alerts);
    ``base_url`` is where the API answers (entry links point to GET /events/{id})."""
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    latest: dict[str, dict[str, Any]] = {}
    for alert in alerts:
        latest.setdefault(alert["event_key"], alert)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", f"urn:conflictlog:subscription:{sub.subscription_id}")
    _add(feed, "title", f"conflictlog: {sub.name}")
    _add(feed, "updated", max((a["created_at"] for a in latest.values()), default=sub.created_at or EPOCH))
    author = _add(feed, "author")
    _add(author, "name", "conflictlog")
    _add(feed, "link", rel="self", href=f"{base}/subscriptions/{sub.subscription_id}/feed.atom")
    _add(feed, "generator", "conflictlog")
    for key, alert in latest.items():
        row = json.loads(alert["payload"])["event"]
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:conflictlog:event:{key}")
        _add(entry, "title", _title(row))
        _add(entry, "updated", alert["created_at"])
        _add(entry, "link", rel="alternate", type="application/json", href=f"{base}/events/{alert['event_id']}")
        for name in (row.get("event_type"), row.get("sub_event_type")):
            if name:
                _add(entry, "category", term=str(name))
        _add(entry, "summary", str(row.get("notes") or _title(row)))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
