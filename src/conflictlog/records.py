"""Typed records that cross stage boundaries.

Each stage takes one of these and returns the next: RawDocument (ingest) -> Article (clean) ->
ParsedArticle (parse) -> EventMention (extract) -> ResolvedEvent (resolve) -> Event (merge/store).
Records are frozen; make a changed copy with ``dataclasses.replace``. Every coded value keeps the
evidence (sentence text and character offsets into ``Article.text``) that supports it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, IntEnum
from typing import Any


class TimePrecision(IntEnum):
    """ACLED ``time_precision``: how exactly the event date is known."""

    DAY = 1
    WEEK = 2
    MONTH = 3


class GeoPrecision(IntEnum):
    """ACLED ``geo_precision``: 1 the town itself, 2 near a town or part of a region, 3 only the province."""

    TOWN = 1
    NEAR = 2
    REGION = 3


class Certainty(str, Enum):
    """How sure the report is: plainly reported, claimed by a party to the conflict, or an unverified rumour."""

    REPORTED = "reported"
    CLAIMED = "claimed"
    UNVERIFIED = "unverified"


def content_hash(*parts: str, length: int = 16) -> str:
    """Stable hex id from text parts (sqlite-utils' hash_id idea): same input, same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of ``Article.text``: character offsets [start, end) and the text they cover."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as read from disk or a feed record, before any cleaning.

    ``source`` names where it came from for messages (a path, or ``path:LINE`` for a feed record).
    Feed records carry their metadata fields; files carry only bytes.
    """

    source: str
    content: bytes
    content_type: str  # "html" | "markdown" | "text"
    url: str | None = None
    title: str | None = None
    published_raw: str | None = None
    outlet: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """Main text of one news article without boilerplate, with its metadata.

    ``article_id`` is a content hash of the cleaned text, so the same article ingested twice is one row.
    ``original_outlet`` is set when a page republishes another outlet's article.
    """

    article_id: str
    source: str
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    original_outlet: str | None = None
    author: str | None = None
    published: date | None = None
    published_raw: str | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity found by the parser; offsets are into ``Article.text``."""

    text: str
    label: str  # spaCy label (GPE, LOC, ORG, NORP, PERSON, DATE, CARDINAL, ...) or FAC/GPE from the gazetteer ruler
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article. ``doc`` is the spaCy Doc of the sentence when it was parsed (it never
    travels past extract, is not compared and is not stored); sentences that cannot carry an event are
    left unparsed (``doc is None``)."""

    index: int
    start: int
    end: int
    text: str
    entities: tuple[Entity, ...] = ()
    doc: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article split into sentences, with entities (and syntax for candidate sentences)."""

    article: Article
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor as the text names it ("regime forces", "the SDF"), before normalisation."""

    text: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place as the text names it. ``qualifier`` keeps the words that change precision:
    "near", "outskirts", "countryside", "district", "province"."""

    text: str
    span: Span | None = None
    qualifier: str | None = None
    country_hint: str | None = None  # a country named in the same sentence or article, if any


@dataclass(frozen=True, slots=True)
class DateMention:
    """An event date resolved against the publication date: a range [start, end] and its ACLED precision.

    ``text`` is the raw expression ("On February 9", "last week"); None when the date was inferred
    from the publication date alone.
    """

    start: date
    end: date
    precision: TimePrecision
    text: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence that supports a coded event, with offsets into ``Article.text`` and the cue words
    (trigger, casualty phrase, attribution cue, hedge) that led to the coding."""

    text: str
    start: int
    end: int
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event as one article reports it, before geocoding and actor normalisation."""

    mention_id: str
    article_id: str
    event_type: str
    sub_event_type: str
    actor1: ActorMention | None
    actor2: ActorMention | None
    assoc_actor_1: tuple[ActorMention, ...] = ()
    assoc_actor_2: tuple[ActorMention, ...] = ()
    place: PlaceMention | None = None
    date: DateMention | None = None
    fatalities: int = 0
    injured: int | None = None
    claimed_by: str | None = None
    certainty: Certainty = Certainty.REPORTED
    historical: bool = False
    notes: str = ""
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place with its ACLED admin levels and precision."""

    location: str
    country: str
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    geo_precision: GeoPrecision
    country_iso3: str | None = None
    gazetteer_id: str | None = None  # "geonames:123456" or "curated:omar-oil-field"
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class ResolvedEvent:
    """An EventMention with its place geocoded and its actors normalised to canonical ACLED-style names."""

    mention: EventMention
    place: Place | None
    actor1: str | None
    actor2: str | None
    assoc_actor_1: tuple[str, ...] = ()
    assoc_actor_2: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One article that supports an event."""

    article_id: str
    mention_id: str
    url: str | None
    title: str | None
    outlet: str | None
    published: date | None
    original_outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A casualty figure as one source states it; conflicting figures are kept side by side."""

    mention_id: str
    claimant: str | None
    outlet: str | None
    fatalities: int
    injured: int | None


@dataclass(frozen=True, slots=True)
class Event:
    """One incident, possibly reported by several articles: the unit users query and export.

    Field names follow ACLED's columns where ACLED has the field.
    """

    event_id: str
    event_date: date
    time_precision: TimePrecision
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    assoc_actor_1: tuple[str, ...]
    assoc_actor_2: tuple[str, ...]
    country: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: GeoPrecision | None
    fatalities: int
    injured: int | None
    claimed_by: str | None
    certainty: Certainty
    historical: bool
    notes: str
    sources: tuple[SourceRef, ...]
    evidence: tuple[Evidence, ...]
    claims: tuple[Claim, ...] = ()
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    corroboration: int = 1
    event_date_end: date | None = None
    # Store bookkeeping, not part of what the event says (left out of comparisons): the ACLED-style id (ISO3 +
    # number) given when the event was first stored, and when it was last written, in Unix seconds.
    acled_id: str | None = field(default=None, compare=False)
    timestamp: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Failure:
    """One document that could not be processed, with the stage and a coded message naming the file."""

    source: str
    stage: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one ingest run did: counts by name and the documents that failed."""

    run_id: str
    counts: dict[str, int]
    failures: tuple[Failure, ...]
