"""Typed shapes of the REST API's answers, for the OpenAPI document (client generators read them).

They document what `export.event_to_row` writes; routes return plain dicts, so answering costs no model
validation. A test holds the models and the rows to the same field names.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from conflictlog.store.base import COUNT_LIMIT


class Source(BaseModel):
    """One article that reports the event."""

    article_id: str
    url: str | None
    title: str | None
    outlet: str | None
    original_outlet: str | None = Field(description="The outlet a republished article first appeared in.")
    published: str | None = Field(description="Publication date, YYYY-MM-DD.")


class EvidenceSentence(BaseModel):
    """A sentence that supports the coding, with character offsets into its article's text."""

    text: str
    start: int
    end: int
    cues: list[str]


class CasualtyClaim(BaseModel):
    """A casualty figure as one report states it."""

    mention_id: str
    claimant: str | None
    outlet: str | None
    fatalities: int
    injured: int | None


class Event(BaseModel):
    """One event: ACLED's 31 columns in ACLED's order, then conflictlog's fields."""

    model_config = ConfigDict(title="Event")

    event_id_cnty: str = Field(description="ACLED-style id: ISO3 letters and a number, stable across exports.")
    event_date: str = Field(description="First day of the event's date range, YYYY-MM-DD.")
    year: int
    time_precision: int = Field(ge=1, le=3, description="1 day, 2 week, 3 month.")
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: str | None
    assoc_actor_1: list[str]
    inter1: int = Field(ge=0, le=8, description="ACLED actor type of actor1 (0 when there is none).")
    actor2: str | None
    assoc_actor_2: list[str]
    inter2: int = Field(ge=0, le=8)
    interaction: int = Field(description="The two actor types, lower first (17), or one type times ten (20).")
    civilian_targeting: str = Field(description='"Civilian targeting" or "".')
    iso: int | None = Field(description="ISO 3166-1 numeric code of the country.")
    region: str
    country: str | None
    admin1: str | None
    admin2: str | None
    admin3: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None = Field(ge=1, le=3)
    source: str = Field(description='Outlets, "; "-joined.')
    source_scale: str | None
    notes: str
    fatalities: int
    tags: str = Field(description='"; "-joined tags: certainty=..., claimed by=..., historical.')
    timestamp: int | None = Field(description="When the event was last written, in Unix seconds.")
    event_id: str = Field(description="conflictlog's internal id (also accepted by /events/{event_id}).")
    event_date_end: str | None
    injured: int | None
    claimed_by: str | None
    certainty: str = Field(description="reported, claimed or unverified.")
    historical: bool
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    corroboration: int
    sources: list[Source]
    evidence: list[EvidenceSentence]
    claims: list[CasualtyClaim]


class MergeDecision(BaseModel):
    """Why one report is part of the event."""

    event_id: str
    mention_id: str
    article_id: str | None
    joined_to: str | None
    score: float | None
    reason: str
    decided_at: str


class EventDetail(Event):
    """One event with the merge decisions behind it."""

    model_config = ConfigDict(title="EventDetail")

    merge_decisions: list[MergeDecision]




class EventsPage(BaseModel):
    """A page of events matching the filters, newest first."""

    ok: bool = True
    total: int = Field(description=f"How many events match the filters: exact when total_exact is true, else a "
                                   f"lower bound (counting stopped at {COUNT_LIMIT:,}; exact_total=true asks for the "
                                   "exact number).")
    total_exact: bool = Field(description="Whether total is the exact number of matching events.")
    limit: int
    offset: int
    events: list[Event]


class EventAnswer(BaseModel):
    """The answer of GET /events/{event_id}."""

    ok: bool = True
    event: EventDetail


class Subscription(BaseModel):
    """An alert subscription as the API shows it (never its secret)."""

    subscription_id: str
    name: str
    bbox: list[float] | None = Field(description="minlon, minlat, maxlon, maxlat.")
    polygon: dict[str, Any] | None = Field(description="A GeoJSON Polygon or MultiPolygon.")
    countries: list[str]
    actors: list[str]
    event_types: list[str]
    min_fatalities: int | None
    certainty: list[str]
    webhook_url: str | None
    has_secret: bool
    created_at: str


class SubscriptionAnswer(BaseModel):
    """The answer of POST and GET /subscriptions/{id}."""

    ok: bool = True
    subscription: Subscription
    feed: str = Field(description="Path of the subscription's Atom feed.")


class SubscriptionList(BaseModel):
    """The answer of GET /subscriptions."""

    ok: bool = True
    subscriptions: list[Subscription]


class Outlet(BaseModel):
    """One outlet of the registry in force (conflictlog.outlets)."""

    name: str
    kind: str = Field(description="wire, national, local, state-affiliated, partisan or aggregator.")
    scale: str = Field(description="ACLED source_scale of the outlet.")
    country: str | None = None
    language: str | None = None
    domains: list[str]
    aliases: list[str]
    republishes: list[str] = Field(description="Outlets whose articles it runs as its own pages.")


class OutletList(BaseModel):
    """The answer of GET /outlets."""

    ok: bool = True
    outlets: list[Outlet]
