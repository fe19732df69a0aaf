"""Merge benchmark and synthetic reports: n resolved reports of fewer incidents, clustered and timed.

``make_report`` builds one resolved report from plain values (tests and fixtures use it too);
``synthetic_reports`` builds a corpus in which about a third of the reports repeat an incident another
report already describes (wire copies, follow-ups with other figures, coarser places, shifted dates).
"""

from __future__ import annotations

import logging
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Sequence
from datetime import date, timedelta

from conflictlog.merge.dedupe import cluster_mentions, plan_clusters
from conflictlog.records import (
    ActorMention,
    Certainty,
    DateMention,
    EventMention,
    Evidence,
    GeoPrecision,
    Place,
    ResolvedEvent,
    SourceRef,
    TimePrecision,
)

logger = logging.getLogger(__name__)


def make_place(
    location: str,
    country_iso3: str = "SYR",
    latitude: float = 36.2,
    longitude: float = 37.1,
    geo_precision: GeoPrecision = GeoPrecision.TOWN,
    admin1: str | None = "Aleppo",
    gazetteer_id: str | None = None,
    country: str | None = None,
) -> Place:
    """A geocoded place from plain values (country name defaults to the ISO3 code)."""
    return Place(
        location=location,
        country=country or country_iso3,
        admin1=admin1,
        admin2=None,
        latitude=latitude,
        longitude=longitude,
        geo_precision=geo_precision,
        country_iso3=country_iso3,
        gazetteer_id=gazetteer_id,
    )


def make_report(
    mention_id: str,
    article_id: str = "a1",
    *,
    event_type: str = "Battles",
    sub_event_type: str = "Armed clash",
    day: date = date(2024, 3, 1),
    end: date | None = None,
    time_precision: TimePrecision = TimePrecision.DAY,
    place: Place | None = None,
    actors: Sequence[str] = ("Military Forces of Syria (2000-)", "Islamic State (Syria)"),
    assoc: Sequence[str] = (),
    fatalities: int = 0,
    injured: int | None = None,
    claimed_by: str | None = None,
    certainty: Certainty = Certainty.REPORTED,
    historical: bool = False,
    evidence: str | None = None,
    confidence: float = 0.5,
    notes: str = "",
    dated: bool = True,
) -> ResolvedEvent:
    """One resolved report from plain values; ``actors`` gives actor1 and actor2 (canonical names)."""
    text = evidence if evidence is not None else f"Report {mention_id} of a {sub_event_type.lower()}."
    actor1 = actors[0] if len(actors) > 0 else None
    actor2 = actors[1] if len(actors) > 1 else None
    mention = EventMention(
        mention_id=mention_id,
        article_id=article_id,
        event_type=event_type,
        sub_event_type=sub_event_type,
        actor1=ActorMention(actor1) if actor1 else None,
        actor2=ActorMention(actor2) if actor2 else None,
        assoc_actor_1=tuple(ActorMention(a) for a in assoc),
        date=DateMention(day, end or day, time_precision) if dated else None,
        fatalities=fatalities,
        injured=injured,
        claimed_by=claimed_by,
        certainty=certainty,
        historical=historical,
        notes=notes,
        evidence=(Evidence(text, 0, len(text), ()),),
        confidence=confidence,
    )
    place = place if place is not None else make_place("Aleppo", gazetteer_id="geonames:170063")
    return ResolvedEvent(mention, place, actor1, actor2, tuple(assoc), ())


_TYPES = (
    ("Battles", "Armed clash", 30),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 20),
    ("Explosions/Remote violence", "Air/drone strike", 12),
    ("Violence against civilians", "Attack", 12),
    ("Protests", "Peaceful protest", 16),
    ("Riots", "Violent demonstration", 4),
    ("Strategic developments", "Arrests", 6),
)
_COUNTRIES = (
    ("SYR", 34.8, 38.9, 25), ("IRQ", 33.2, 43.7, 12), ("YEM", 15.5, 48.5, 10), ("AFG", 33.9, 67.7, 10),
    ("NGA", 9.1, 8.7, 8), ("SOM", 5.2, 46.2, 6), ("UKR", 48.4, 31.2, 10), ("MMR", 21.9, 95.9, 8),
    ("MLI", 17.6, -4.0, 4), ("BFA", 12.2, -1.6, 4), ("SDN", 12.9, 30.2, 3),
)


def synthetic_reports(n: int, seed: int = 7, duplicate_share: float = 0.35) -> tuple[list[ResolvedEvent], dict[str, SourceRef], dict[str, int]]:
    """n synthetic resolved reports, their SourceRefs, and the true incident of each report (mention_id -> int).

    About ``duplicate_share`` of the reports describe an incident another report already covers.
    """
    rng = random.Random(seed)
    towns: dict[str, list[tuple[str, str, float, float]]] = {}
    for iso3, lat, lon, _ in _COUNTRIES:
        towns[iso3] = [
            (f"{iso3} town {i}", f"{iso3} province {i % 8}", lat + rng.uniform(-3, 3), lon + rng.uniform(-3, 3))
            for i in range(60)
        ]
    actor_pool = {iso3: [f"Armed group {k} ({iso3})" for k in range(8)] + [f"Military Forces of {iso3}"] for iso3, *_ in _COUNTRIES}
    country_weights = [c[3] for c in _COUNTRIES]
    type_weights = [t[2] for t in _TYPES]
    start = date(2021, 1, 1)
    reports: list[ResolvedEvent] = []
    sources: dict[str, SourceRef] = {}
    truth: dict[str, int] = {}
    incident = -1
    base: dict[str, object] = {}
    outlets = [f"Outlet {k}" for k in range(40)]
    while len(reports) < n:
        is_copy = incident >= 0 and rng.random() < duplicate_share
        if not is_copy:
            incident += 1
            iso3 = rng.choices(_COUNTRIES, weights=country_weights)[0][0]
            event_type, sub_type, _ = rng.choices(_TYPES, weights=type_weights)[0]
            town = rng.choice(towns[iso3])
            a1, a2 = rng.sample(actor_pool[iso3], 2)
            base = {
                "iso3": iso3, "type": event_type, "sub": sub_type, "town": town,
                "day": start + timedelta(days=rng.randrange(3 * 365)), "actors": (a1, a2),
                "fatalities": rng.choice((0, 0, 1, 2, 3, 5, 8, 12)), "incident": incident,
                "sentence": f"Incident {incident}: {sub_type} at {town[0]}.",
            }
        kind = rng.random() if is_copy else 1.0
        town = base["town"]  # type: ignore[assignment]
        name, admin1, lat, lon = town  # type: ignore[misc]
        day: date = base["day"]  # type: ignore[assignment]
        precision = TimePrecision.DAY
        geo = GeoPrecision.TOWN
        gaz = f"geonames:{name}"
        fatalities = int(base["fatalities"])  # type: ignore[call-overload]
        actors = base["actors"]
        sentence = str(base["sentence"])
        if kind < 0.25:  # republished copy: same sentence
            pass
        elif kind < 0.5:  # follow-up: next day's count, a day later
            day = day + timedelta(days=rng.choice((0, 1)))
            fatalities += rng.choice((0, 1, 2))
            sentence = f"Follow-up {len(reports)} on incident {base['incident']}."
        elif kind < 0.75:  # coarser report: province only, week precision
            geo, gaz = GeoPrecision.REGION, f"geonames:{admin1}"
            lat, lon = lat + rng.uniform(-0.5, 0.5), lon + rng.uniform(-0.5, 0.5)
            precision = TimePrecision.WEEK
            sentence = f"Regional report {len(reports)} on incident {base['incident']}."
        elif kind < 1.0:  # another outlet's own wording, one actor unnamed
            actors = (actors[0],)  # type: ignore[index]
            sentence = f"Own wording {len(reports)} on incident {base['incident']}."
        mention_id = f"m{len(reports):07d}"
        article_id = f"art{len(reports):07d}"
        place = make_place(name, base["iso3"], lat, lon, geo, admin1, gaz)  # type: ignore[arg-type]
        report = make_report(
            mention_id, article_id, event_type=str(base["type"]), sub_event_type=str(base["sub"]), day=day,
            time_precision=precision, place=place, actors=actors, fatalities=fatalities, evidence=sentence,  # type: ignore[arg-type]
            confidence=rng.choice((0.5, 0.6, 0.7, 0.8)),
        )
        reports.append(report)
        outlet = rng.choice(outlets)
        sources[mention_id] = SourceRef(article_id, mention_id, f"https://example.org/{article_id}", None, outlet, day + timedelta(days=1))
        truth[mention_id] = int(base["incident"])  # type: ignore[call-overload]
    return reports, sources, truth


def bench_merge(n: int = 100_000, trace_memory: bool = True) -> dict[str, float | int]:
    """Cluster n synthetic reports and return timing, events out, cluster quality against the known incidents,
    and peak memory (traced Python allocations of a second run when ``trace_memory``; process peak RSS)."""
    reports, sources, truth = synthetic_reports(n)
    t0 = time.perf_counter()
    clusters = plan_clusters(reports)
    cluster_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    events = cluster_mentions(reports, sources)
    full_s = time.perf_counter() - t1
    incidents = len(set(truth.values()))
    pure = sum(1 for c in clusters if len({truth[m] for m in c.mention_ids}) == 1)
    cluster_of = {m: i for i, c in enumerate(clusters) for m in c.mention_ids}
    spread: dict[int, set[int]] = {}
    for mention_id, incident in truth.items():
        spread.setdefault(incident, set()).add(cluster_of[mention_id])
    whole = sum(1 for where in spread.values() if len(where) == 1)
    figures: dict[str, float | int] = {
        "reports": n,
        "incidents": incidents,
        "events": len(events),
        "cluster_seconds": round(cluster_s, 3),
        "cluster_and_build_seconds": round(full_s, 3),
        "reports_per_second": round(n / full_s, 1) if full_s else 0.0,
        "pure_events_share": round(pure / len(clusters), 4) if clusters else 1.0,
        "incidents_in_one_event_share": round(whole / incidents, 4) if incidents else 1.0,
    }
    if trace_memory:
        tracemalloc.start()
        cluster_mentions(reports, sources)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures["peak_traced_mb"] = round(peak / 2**20, 1)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    logger.info("merge benchmark: %s", figures)
    return figures


def bench_incident(n: int = 1000, marks: Sequence[int] = (10, 100, 1000), window: int = 10) -> dict[str, float | int]:
    """Store ``n`` reports of one incident (same day, place and parties; one article each) one by one and return
    the median milliseconds per report over the ``window`` reports ending at each mark (a median, so the first
    report's one-off loading and a garbage collection do not count): flat means the merge cost of a report does
    not grow with the size of its incident."""
    from conflictlog.records import Article
    from conflictlog.store import open_store

    place = make_place("Aleppo", gazetteer_id="geonames:170063")
    store = open_store(":memory:")
    seconds: list[float] = []
    try:
        for i in range(n):
            article_id = f"incident-article-{i:05d}"
            report = make_report(f"incident-{i:05d}", article_id, place=place, fatalities=i % 7,
                                 evidence=f"Report {i} of the attack on the town, in its own words.")
            article = Article(article_id, f"{article_id}.md", f"Text {i}.", outlet=f"Outlet {i % 30}",
                              published=date(2024, 3, 2))
            t0 = time.perf_counter()
            store.add_article(article, [report])
            seconds.append(time.perf_counter() - t0)
        events = sum(1 for _ in store.iter_events())
    finally:
        store.close()
    figures: dict[str, float | int] = {"reports": n, "events": events}
    for mark in marks:
        if mark <= n:
            part = seconds[max(0, mark - window):mark]
            figures[f"ms_per_report_at_{mark}"] = round(1000 * statistics.median(part), 2)
    logger.info("incident benchmark: %s", figures)
    return figures
