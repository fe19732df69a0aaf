"""Alert subscriptions: what an analyst wants to hear about (an area, countries, actors, event types, a fatality
floor, certainties) and where to send it, checked and matched against events without the database."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from conflictlog.errors import E620, StoreError
from conflictlog.records import Event

CERTAINTIES = ("reported", "claimed", "unverified")
MAX_POLYGON_POINTS = 10_000

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One subscription. Empty tuples and None mean "any"; every rule given must hold for an event to match."""

    name: str
    bbox: tuple[float, float, float, float] | None = None  # (min_lon, min_lat, max_lon, max_lat)
    polygon: dict[str, Any] | None = field(default=None, compare=False)  # GeoJSON Polygon or MultiPolygon
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # case-insensitive substrings of actor1, actor2 or an associated actor
    event_types: tuple[str, ...] = ()  # ACLED event or sub-event types
    min_fatalities: int | None = None
    certainty: tuple[str, ...] = ()
    webhook_url: str | None = None
    secret: str | None = None
    subscription_id: str = ""
    created_at: str = ""

    def spec(self) -> dict[str, Any]:
        """The match rules as JSON-ready values (no name, webhook or secret)."""
        out = asdict(self)
        for key in ("name", "webhook_url", "secret", "subscription_id", "created_at"):
            out.pop(key)
        return out

    def public(self) -> dict[str, Any]:
        """What the CLI and API show: everything but the secret (only whether there is one)."""
        return {"subscription_id": self.subscription_id, "name": self.name, **self.spec(),
                "webhook_url": self.webhook_url, "has_secret": bool(self.secret), "created_at": self.created_at}


def _bad(name: str, reason: str) -> StoreError:
    return StoreError(E620.format(name=name, reason=reason), code="E620")


def _texts(name: str, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise _bad(name, f"{key} must be a list of texts")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _bbox(name: str, value: Any) -> tuple[float, float, float, float] | None:
    if value is None or value == "":
        return None
    parts = value.split(",") if isinstance(value, str) else value
    try:
        numbers = tuple(float(p) for p in parts)
    except (TypeError, ValueError, OverflowError):
        numbers = ()
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise _bad(name, f"bbox {value!r}: expected four numbers minlon,minlat,maxlon,maxlat")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise _bad(name, f"bbox {value!r}: out of range (minlon > maxlon is a box across the antimeridian)")
    return (min_lon, min_lat, max_lon, max_lat)


def polygon_rings(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, each as [outer ring, holes...]; raises ValueError."""
    kind = geometry.get("type") if isinstance(geometry, Mapping) else None
    coords = geometry.get("coordinates") if isinstance(geometry, Mapping) else None
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon" and isinstance(coords, list):
        polygons = coords
    else:
        raise ValueError("expected a GeoJSON Polygon or MultiPolygon")
    out: list[list[Ring]] = []
    points = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValueError("a polygon needs at least its outer ring")
        rings: list[Ring] = []
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValueError("a ring needs at least four positions")
            pairs: list[tuple[float, float]] = []
            for position in ring:
                if (not isinstance(position, list) or len(position) < 2
                        or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in position[:2])):
                    raise ValueError("a position is [lon, lat]")
                try:
                    lon, lat = float(position[0]), float(position[1])
                except OverflowError as err:
                    raise ValueError("a position is [lon, lat] in degrees") from err
                if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
                    raise ValueError(f"position [{lon}, {lat}] out of range")
                pairs.append((lon, lat))
            points += len(pairs)
            rings.append(tuple(pairs))
        out.append(rings)
    if points > MAX_POLYGON_POINTS:
        raise ValueError(f"{points} positions, more than the {MAX_POLYGON_POINTS} allowed")
    return out


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting: True when the point lies inside the ring."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def in_polygon(lon: float, lat: float, polygons: Sequence[Sequence[Ring]]) -> bool:
    """True when the point lies in some polygon's outer ring and in none of its holes."""
    return any(_in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
               for rings in polygons)


def in_bbox(lon: float, lat: float, bbox: tuple[float, float, float, float]) -> bool:
    """True when the point lies in the box (a box with min_lon > max_lon crosses the antimeridian)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    lon_ok = min_lon <= lon <= max_lon if min_lon <= max_lon else (lon >= min_lon or lon <= max_lon)
    return lon_ok and min_lat <= lat <= max_lat


def _url(name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad(name, f"webhook {value!r}: expected an http:// or https:// URL")
    return str(value)


def subscription_from(data: Mapping[str, Any]) -> Subscription:
    """A checked Subscription from plain values (CLI options, an API body, a stored row); raises StoreError (E620)."""
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise _bad(str(name), "a name of 1 to 200 characters is required")
    name = name.strip()
    polygon = data.get("polygon")
    if polygon is not None:
        try:
            polygon_rings(polygon)
        except ValueError as err:
            raise _bad(name, f"polygon: {err}") from err
        polygon = json.loads(json.dumps(polygon))
    certainty = tuple(c.lower() for c in _texts(name, "certainty", data.get("certainty")))
    unknown = [c for c in certainty if c not in CERTAINTIES]
    if unknown:
        raise _bad(name, f"certainty {unknown[0]!r}: expected any of {', '.join(CERTAINTIES)}")
    floor = data.get("min_fatalities")
    if floor is not None and (isinstance(floor, bool) or not isinstance(floor, int) or not 0 <= floor < 2**63):
        raise _bad(name, f"min_fatalities {floor!r}: expected a whole number >= 0")
    secret = data.get("secret")
    if secret is not None and (not isinstance(secret, str) or not secret):
        raise _bad(name, "secret must be a non-empty text")
    webhook = _url(name, data.get("webhook_url"))
    if secret and not webhook:
        raise _bad(name, "a secret needs a webhook URL to sign for")
    return Subscription(
        name=name,
        bbox=_bbox(name, data.get("bbox")),
        polygon=polygon,
        countries=_texts(name, "countries", data.get("countries")),
        actors=_texts(name, "actors", data.get("actors")),
        event_types=_texts(name, "event_types", data.get("event_types")),
        min_fatalities=floor,
        certainty=certainty,
        webhook_url=webhook,
        secret=secret,
        subscription_id=str(data.get("subscription_id") or ""),
        created_at=str(data.get("created_at") or ""),
    )


def matches(sub: Subscription, event: Event) -> bool:
    """True when the event meets every rule of the subscription (an area rule needs coordinates)."""
    if sub.countries and (event.country or "").casefold() not in {c.casefold() for c in sub.countries}:
        return False
    if sub.event_types:
        wanted = {t.casefold() for t in sub.event_types}
        if event.event_type.casefold() not in wanted and event.sub_event_type.casefold() not in wanted:
            return False
    if sub.min_fatalities is not None and event.fatalities < sub.min_fatalities:
        return False
    if sub.certainty and event.certainty.value not in sub.certainty:
        return False
    if sub.actors:
        names = [n.casefold() for n in (event.actor1, event.actor2, *event.assoc_actor_1, *event.assoc_actor_2) if n]
        if not any(a.casefold() in n for a in sub.actors for n in names):
            return False
    if sub.bbox is not None or sub.polygon is not None:
        if event.latitude is None or event.longitude is None:
            return False
        if sub.bbox is not None and not in_bbox(event.longitude, event.latitude, sub.bbox):
            return False
        if sub.polygon is not None and not in_polygon(event.longitude, event.latitude, polygon_rings(sub.polygon)):
            return False
    return True
