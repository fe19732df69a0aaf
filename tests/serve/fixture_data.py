"""Hand-written fixture data for the API and browser tests: events, one article, a fixture database builder,
and a fake store for behaviour the real store only shows after merging (merge decisions).

Nothing here comes from evaluation records; places are real towns with approximate coordinates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conflictlog.records import (
    Article,
    Certainty,
    Claim,
    Event,
    Evidence,
    GeoPrecision,
    SourceRef,
    TimePrecision,
)

TOKEN = "test-token-7f3a"


def make_event(event_id: str, **changes: object) -> Event:
    """A plain reported battle in Deir ez-Zor; keyword arguments change fields."""
    fields: dict[str, object] = dict(
        event_id=event_id,
        event_date=date(2019, 2, 9),
        time_precision=TimePrecision.DAY,
        event_type="Battles",
        sub_event_type="Armed clash",
        actor1="Syrian Democratic Forces",
        actor2="Islamic State",
        assoc_actor_1=(),
        assoc_actor_2=(),
        country="Syria",
        admin1="Deir ez-Zor",
        admin2="Al Mayadin",
        location="Al Mayadin",
        latitude=35.0208,
        longitude=40.4522,
        geo_precision=GeoPrecision.TOWN,
        fatalities=0,
        injured=None,
        claimed_by=None,
        certainty=Certainty.REPORTED,
        historical=False,
        notes="",
        sources=(SourceRef(f"art-{event_id}", f"m-{event_id}", None, None, None, None),),
        evidence=(),
    )
    fields.update(changes)
    return Event(**fields)  # type: ignore[arg-type]


def fixture_events() -> list[Event]:
    """Five events written for these tests: dates, places, types and certainty all differ."""
    return [
        make_event(
            "ev-clash",
            event_date=date(2019, 2, 9),
            fatalities=10,
            fatalities_low=10,
            fatalities_best=10,
            fatalities_high=12,
            claimed_by="Syrian Democratic Forces",
            certainty=Certainty.CLAIMED,
            assoc_actor_1=("Coalition Forces", "Local militia"),
            notes="Fighters repelled an attack near the river; ten attackers were killed.",
            sources=(
                SourceRef("art-1", "m-1", "https://news.example.org/a?id=1&lang=en", "Attack repelled", "Example Wire",
                          date(2019, 2, 10)),
                SourceRef("art-2", "m-2", "https://other.example.net/story/2", "Clash by the river", "Other Daily",
                          date(2019, 2, 11), original_outlet="Example Wire"),
            ),
            evidence=(Evidence("The fighters repelled the attack, killing 10 attackers.", 120, 176,
                               ("repelled the attack", "killing 10")),),
            claims=(Claim("m-1", "Syrian Democratic Forces", "Example Wire", 10, None),
                    Claim("m-2", "local sources", "Other Daily", 12, 3)),
            corroboration=2,
        ),
        make_event(
            "ev-protest",
            event_date=date(2019, 2, 10),
            time_precision=TimePrecision.WEEK,
            event_type="Protests",
            sub_event_type="Peaceful protest",
            actor1="Protesters (Syria)",
            actor2=None,
            admin1="Ar-Raqqa",
            admin2="Ar-Raqqa",
            location="Ar-Raqqa",
            latitude=35.9594,
            longitude=39.0079,
            geo_precision=GeoPrecision.REGION,
        ),
        make_event(
            "ev-strike",
            event_date=date(2019, 2, 3),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            actor1="Unidentified Military Forces",
            actor2=None,
            country="Iraq",
            admin1="Al Anbar",
            admin2="Al Qaim",
            location="Al Qaim",
            latitude=34.3700,
            longitude=41.0900,
            fatalities=3,
            certainty=Certainty.UNVERIFIED,
        ),
        make_event(
            "ev-old",
            event_date=date(2017, 10, 15),
            time_precision=TimePrecision.MONTH,
            event_type="Violence against civilians",
            sub_event_type="Attack",
            actor1="Islamic State",
            actor2="Civilians (Syria)",
            admin1="Ar-Raqqa",
            location="Ar-Raqqa",
            latitude=35.9594,
            longitude=39.0079,
            historical=True,
        ),
        make_event(
            "ev-afrin",
            event_date=date(2019, 2, 6),
            actor1="Afrin Liberation Forces",
            actor2="Hamza Division",
            assoc_actor_2=("Jaysh al-Sharqiyah",),
            admin1="Aleppo",
            admin2="Afrin",
            location="Afrin",
            latitude=36.5119,
            longitude=36.8693,
            geo_precision=GeoPrecision.NEAR,
            injured=7,
        ),
    ]


XSS_SCRIPT = "<script>window.__pwned = 1; alert('script ran')</script>"
XSS_IMG = '<img src=x onerror="window.__pwned = 2; alert(1)">'


def xss_article() -> Article:
    """An article whose text, title and outlet carry markup that must never run in the page."""
    text = (
        f"Gunmen attacked a checkpoint near Afrin. {XSS_SCRIPT} Two fighters were wounded. "
        f"{XSS_IMG} The group later claimed the attack."
    )
    return Article(
        article_id="art-xss",
        source="fixture:xss",
        text=text,
        url="https://news.example.org/xss?q=<b>1</b>",
        title=f"Checkpoint attack {XSS_IMG}",
        outlet=f"Example <i>Wire</i>{XSS_SCRIPT}",
        published=date(2019, 2, 8),
        published_raw="2019-02-08",
    )


def xss_event() -> Event:
    """An event whose notes, evidence, claimant and source title carry markup and an event handler."""
    article = xss_article()
    sentence = f"{XSS_SCRIPT} Two fighters were wounded."
    start = article.text.index(sentence)
    return make_event(
        "ev-xss",
        event_date=date(2019, 2, 7),
        actor1=f"Gunmen {XSS_IMG}",
        actor2="Military Forces of Turkey",
        admin1="Aleppo",
        admin2="Afrin",
        location="Afrin",
        latitude=36.55,
        longitude=36.90,
        injured=2,
        claimed_by=f"the group {XSS_IMG}",
        notes=f"Notes with markup {XSS_SCRIPT}{XSS_IMG}",
        sources=(
            SourceRef("art-xss", "m-xss", "javascript:alert('link')", article.title, article.outlet, article.published),
        ),
        evidence=(Evidence(sentence, start, start + len(sentence), ("wounded", "<script>")),),
    )


def build_fixture_db(path: Path | str, with_xss: bool = False) -> Path | str:
    """Create a store at `path` (a SQLite file or a PostgreSQL URL) holding the fixture events (and the markup-laden article and event)."""
    from conflictlog.store import open_store

    store = open_store(path)
    try:
        events = fixture_events()
        if with_xss:
            events.append(xss_event())
        store.bulk_load_events(events)
        store.add_article(fixture_article(), [])
        if with_xss:
            store.add_article(xss_article(), [])
    finally:
        store.close()
    return path


def fixture_article() -> Article:
    """The first source of ev-clash as a stored article."""
    return Article(
        article_id="art-1",
        source="fixture:1",
        text="Fighters repelled an attack near the river on Saturday. The fighters repelled the attack, killing 10 attackers.",
        url="https://news.example.org/a?id=1&lang=en",
        title="Attack repelled",
        outlet="Example Wire",
        author="Staff",
        published=date(2019, 2, 10),
        published_raw="February 10, 2019",
    )


class FakeStore:
    """The Store protocol over a list, with EventFilter semantics as documented in store/base.py."""

    def __init__(self, events: list[Event], articles: dict | None = None) -> None:
        self.events = {event.event_id: event for event in events}
        self.articles = articles or {}
        self.closed = False
        self.added: list = []

    def _matches(self, event: Event, flt) -> bool:  # noqa: ANN001
        if flt.country and (event.country or "").lower() != flt.country.lower():
            return False
        if flt.admin1 and (event.admin1 or "").lower() != flt.admin1.lower():
            return False
        if flt.event_type and event.event_type.lower() != flt.event_type.lower():
            return False
        if flt.sub_event_type and event.sub_event_type.lower() != flt.sub_event_type.lower():
            return False
        if flt.actor:
            names = [event.actor1, event.actor2, *event.assoc_actor_1, *event.assoc_actor_2]
            if not any(name and flt.actor.lower() in name.lower() for name in names):
                return False
        if flt.since and event.event_date < flt.since:
            return False
        if flt.until and event.event_date > flt.until:
            return False
        if flt.min_fatalities is not None and event.fatalities < flt.min_fatalities:
            return False
        if flt.certainty and event.certainty.value not in flt.certainty:
            return False
        if flt.hide_historical and event.historical:
            return False
        if flt.hide_unverified and event.certainty is Certainty.UNVERIFIED:
            return False
        if flt.bbox:
            if event.latitude is None or event.longitude is None:
                return False
            min_lon, min_lat, max_lon, max_lat = flt.bbox
            if not (min_lon <= event.longitude <= max_lon and min_lat <= event.latitude <= max_lat):
                return False
        return True

    def _sorted(self, flt) -> list[Event]:  # noqa: ANN001
        found = [e for e in self.events.values() if flt is None or self._matches(e, flt)]
        found.sort(key=lambda e: e.event_id)
        found.sort(key=lambda e: e.event_date, reverse=True)
        return found

    def query_events(self, flt, limit=None, offset=0):  # noqa: ANN001, ANN201
        found = self._sorted(flt)[offset:]
        return found if limit is None else found[:limit]

    def query_event_json(self, flt, limit=None, offset=0):  # noqa: ANN001, ANN201
        from conflictlog.store.sqlite import row_json

        return [row_json(event) for event in self.query_events(flt, limit, offset)]

    def count_events(self, flt, limit=None) -> int:  # noqa: ANN001
        found = len(self._sorted(flt))
        return found if limit is None else min(found, limit)

    def iter_events(self, flt=None):  # noqa: ANN001, ANN201
        return iter(self._sorted(flt))

    def get_event(self, event_id: str) -> Event:
        from conflictlog.errors import NotFound

        try:
            return self.events[event_id]
        except KeyError:
            raise NotFound(f"event {event_id!r} not found") from None

    def get_article(self, article_id: str):  # noqa: ANN201
        from conflictlog.errors import NotFound

        try:
            return self.articles[article_id]
        except KeyError:
            raise NotFound(f"article {article_id!r} not found") from None

    def merge_decisions(self, event_id: str) -> list[dict]:
        if event_id == "ev-clash":
            return [{"event_id": "ev-clash", "mention_a": "m-1", "mention_b": "m-2", "score": 0.91,
                     "reason": "same type, 1 day apart, same town, shared actor"}]
        return []

    def close(self) -> None:
        self.closed = True
