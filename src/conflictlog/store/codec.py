"""JSON encoding of the records the SQLite store keeps in JSON columns (reports, evidence, actor lists)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from conflictlog.records import (
    ActorMention,
    Certainty,
    DateMention,
    EventMention,
    Evidence,
    GeoPrecision,
    Place,
    PlaceMention,
    ResolvedEvent,
    Span,
    TimePrecision,
)


def iso(value: date | None) -> str | None:
    """ISO date text, or None."""
    return value.isoformat() if value is not None else None


def from_iso(value: str | None) -> date | None:
    """A date from ISO text, or None."""
    return date.fromisoformat(value) if value else None


def unix_seconds(value: str | None) -> int | None:
    """Unix seconds of an ISO timestamp (UTC when it names no zone), or None when there is none or it is no timestamp."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def _span(span: Span | None) -> list[Any] | None:
    return [span.start, span.end, span.text] if span is not None else None


def _span_from(value: list[Any] | None) -> Span | None:
    return Span(int(value[0]), int(value[1]), str(value[2])) if value is not None else None


def _actor(actor: ActorMention | None) -> dict[str, Any] | None:
    return {"text": actor.text, "span": _span(actor.span)} if actor is not None else None


def _actor_from(value: dict[str, Any] | None) -> ActorMention | None:
    return ActorMention(value["text"], _span_from(value.get("span"))) if value is not None else None


def evidence_to_list(evidence: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    """Evidence as plain JSON values."""
    return [{"text": ev.text, "start": ev.start, "end": ev.end, "cues": list(ev.cues)} for ev in evidence]


def evidence_from_list(value: list[dict[str, Any]]) -> tuple[Evidence, ...]:
    """Evidence back from plain JSON values."""
    return tuple(Evidence(v["text"], int(v["start"]), int(v["end"]), tuple(v.get("cues", ()))) for v in value)


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def resolved_to_dict(resolved: ResolvedEvent) -> dict[str, Any]:
    """Every field of a resolved report as plain JSON values (the store's ``mentions.record`` column)."""
    m = resolved.mention
    place = resolved.place
    return {
        "mention": {
            "mention_id": m.mention_id,
            "article_id": m.article_id,
            "event_type": m.event_type,
            "sub_event_type": m.sub_event_type,
            "actor1": _actor(m.actor1),
            "actor2": _actor(m.actor2),
            "assoc_actor_1": [_actor(a) for a in m.assoc_actor_1],
            "assoc_actor_2": [_actor(a) for a in m.assoc_actor_2],
            "place": None
            if m.place is None
            else {
                "text": m.place.text,
                "span": _span(m.place.span),
                "qualifier": m.place.qualifier,
                "country_hint": m.place.country_hint,
            },
            "date": None
            if m.date is None
            else {
                "start": m.date.start.isoformat(),
                "end": m.date.end.isoformat(),
                "precision": int(m.date.precision),
                "text": m.date.text,
                "span": _span(m.date.span),
            },
            "fatalities": m.fatalities,
            "injured": m.injured,
            "claimed_by": m.claimed_by,
            "certainty": m.certainty.value,
            "historical": m.historical,
            "notes": m.notes,
            "evidence": evidence_to_list(m.evidence),
            "confidence": m.confidence,
        },
        "place": None
        if place is None
        else {
            "location": place.location,
            "country": place.country,
            "admin1": place.admin1,
            "admin2": place.admin2,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "geo_precision": int(place.geo_precision),
            "country_iso3": place.country_iso3,
            "gazetteer_id": place.gazetteer_id,
            "score": place.score,
        },
        "actor1": resolved.actor1,
        "actor2": resolved.actor2,
        "assoc_actor_1": list(resolved.assoc_actor_1),
        "assoc_actor_2": list(resolved.assoc_actor_2),
    }


def resolved_from_dict(value: dict[str, Any]) -> ResolvedEvent:
    """A resolved report back from ``resolved_to_dict`` output."""
    m = value["mention"]
    pm = m["place"]
    dm = m["date"]
    mention = EventMention(
        mention_id=m["mention_id"],
        article_id=m["article_id"],
        event_type=m["event_type"],
        sub_event_type=m["sub_event_type"],
        actor1=_actor_from(m["actor1"]),
        actor2=_actor_from(m["actor2"]),
        assoc_actor_1=tuple(a for a in (_actor_from(x) for x in m["assoc_actor_1"]) if a is not None),
        assoc_actor_2=tuple(a for a in (_actor_from(x) for x in m["assoc_actor_2"]) if a is not None),
        place=None if pm is None else PlaceMention(pm["text"], _span_from(pm["span"]), pm["qualifier"], pm["country_hint"]),
        date=None
        if dm is None
        else DateMention(
            date.fromisoformat(dm["start"]),
            date.fromisoformat(dm["end"]),
            TimePrecision(dm["precision"]),
            dm["text"],
            _span_from(dm["span"]),
        ),
        fatalities=int(m["fatalities"]),
        injured=m["injured"],
        claimed_by=m["claimed_by"],
        certainty=Certainty(m["certainty"]),
        historical=bool(m["historical"]),
        notes=m["notes"],
        evidence=evidence_from_list(m["evidence"]),
        confidence=float(m["confidence"]),
    )
    p = value["place"]
    place = (
        None
        if p is None
        else Place(
            location=p["location"],
            country=p["country"],
            admin1=p["admin1"],
            admin2=p["admin2"],
            latitude=float(p["latitude"]),
            longitude=float(p["longitude"]),
            geo_precision=GeoPrecision(p["geo_precision"]),
            country_iso3=p["country_iso3"],
            gazetteer_id=p["gazetteer_id"],
            score=float(p["score"]),
        )
    )
    return ResolvedEvent(
        mention=mention,
        place=place,
        actor1=value["actor1"],
        actor2=value["actor2"],
        assoc_actor_1=tuple(value["assoc_actor_1"]),
        assoc_actor_2=tuple(value["assoc_actor_2"]),
    )
