"""Benchmark of `GET /events`: bulk-load synthetic events into a temporary database, then time requests with a
mix of filters through the ASGI app (in process, no network) and report p50/p95 latency."""

from __future__ import annotations

import logging
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from conflictlog.records import (
    Certainty,
    Event,
    Evidence,
    GeoPrecision,
    SourceRef,
    TimePrecision,
)

logger = logging.getLogger(__name__)

# (country, admin1 names, lat range, lon range) for spreading synthetic events over plausible places.
_AREAS: tuple[tuple[str, tuple[str, ...], tuple[float, float], tuple[float, float]], ...] = (
    ("Syria", ("Aleppo", "Idlib", "Deir ez-Zor", "Ar-Raqqa", "Homs", "Daraa"), (32.5, 37.0), (35.8, 42.0)),
    ("Iraq", ("Al Anbar", "Ninewa", "Baghdad", "Diyala", "Kirkuk"), (30.0, 37.0), (39.5, 47.5)),
    ("Afghanistan", ("Kabul", "Helmand", "Kandahar", "Nangarhar"), (30.5, 37.5), (61.0, 71.0)),
    ("Nigeria", ("Borno", "Yobe", "Zamfara", "Kaduna"), (6.0, 13.5), (3.0, 14.0)),
    ("Somalia", ("Banadir", "Lower Shabelle", "Bay"), (-1.0, 10.0), (41.0, 50.0)),
    ("Yemen", ("Taizz", "Marib", "Al Hudaydah"), (12.8, 17.5), (43.0, 48.0)),
)
_TYPES: tuple[tuple[str, str], ...] = (
    ("Battles", "Armed clash"),
    ("Battles", "Government regains territory"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
    ("Strategic developments", "Arrests"),
)
_ACTORS: tuple[str, ...] = (
    "Military Forces of Syria", "Islamic State", "Syrian Democratic Forces", "Hayat Tahrir al-Sham",
    "Military Forces of Iraq", "Taliban", "Boko Haram", "Al Shabaab", "Houthi Movement", "Protesters",
    "Unidentified Armed Group", "Police Forces",
)
_CERTAINTIES = (Certainty.REPORTED,) * 7 + (Certainty.CLAIMED,) * 2 + (Certainty.UNVERIFIED,)
_START = date(2015, 1, 1)
REQUEST_KINDS = ("all", "country", "type_dates", "bbox", "actor", "fatalities_certainty", "page", "bbox_actor")
_DAYS = 3650


def synthetic_events(n_events: int, seed: int = 11) -> Iterator[Event]:
    """`n_events` plausible, varied events (deterministic for a seed), generated one at a time."""
    rng = random.Random(seed)
    for i in range(n_events):
        country, admin1s, (lat0, lat1), (lon0, lon1) = _AREAS[rng.randrange(len(_AREAS))]
        event_type, sub_type = _TYPES[rng.randrange(len(_TYPES))]
        actor1 = _ACTORS[rng.randrange(len(_ACTORS))]
        actor2 = _ACTORS[rng.randrange(len(_ACTORS))] if rng.random() < 0.7 else None
        event_date = _START + timedelta(days=rng.randrange(_DAYS))
        fatalities = 0 if rng.random() < 0.55 else int(rng.expovariate(0.2))
        sentence = f"{actor1} and {actor2 or 'unknown forces'} clashed; {fatalities} killed."
        yield Event(
            event_id=f"BEN{i:08d}",
            event_date=event_date,
            time_precision=TimePrecision.DAY,
            event_type=event_type,
            sub_event_type=sub_type,
            actor1=actor1,
            actor2=actor2,
            assoc_actor_1=(),
            assoc_actor_2=(),
            country=country,
            admin1=admin1s[rng.randrange(len(admin1s))],
            admin2=None,
            location=f"Place {rng.randrange(5000)}",
            latitude=round(rng.uniform(lat0, lat1), 4),
            longitude=round(rng.uniform(lon0, lon1), 4),
            geo_precision=GeoPrecision.TOWN,
            fatalities=fatalities,
            injured=None,
            claimed_by=None,
            certainty=_CERTAINTIES[rng.randrange(len(_CERTAINTIES))],
            historical=rng.random() < 0.03,
            notes=sentence,
            sources=(SourceRef(f"art{i:08d}", f"men{i:08d}", f"https://news.example.org/{i}", None, "Example Wire",
                               event_date + timedelta(days=1)),),
            evidence=(Evidence(sentence, 0, len(sentence), ("clashed", "killed")),),
        )


def request_mix(n_requests: int, seed: int = 5) -> list[tuple[str, dict[str, str]]]:
    """(kind, query parameters) for `n_requests` requests: no filter, country, type and dates, bbox, actor,
    minimum fatalities with certainty, deep pagination, and a bbox with an actor."""
    rng = random.Random(seed)
    mix: list[tuple[str, dict[str, str]]] = []
    for i in range(n_requests):
        kind = REQUEST_KINDS[i % len(REQUEST_KINDS)]
        since = _START + timedelta(days=rng.randrange(_DAYS - 60))
        params: dict[str, str] = {"limit": "100"}
        if kind == "country":
            params["country"] = _AREAS[rng.randrange(len(_AREAS))][0]
        elif kind == "type_dates":
            params.update(type=_TYPES[rng.randrange(len(_TYPES))][0], since=since.isoformat(),
                          until=(since + timedelta(days=30)).isoformat())
        elif kind == "bbox":
            lon, lat = rng.uniform(36, 44), rng.uniform(32, 36)
            params["bbox"] = f"{lon:.2f},{lat:.2f},{lon + 1.5:.2f},{lat + 1.5:.2f}"
        elif kind == "actor":
            params["actor"] = rng.choice(("islamic", "taliban", "shabaab", "police"))
        elif kind == "fatalities_certainty":
            params.update(min_fatalities="10", certainty="reported,claimed", hide_historical="true")
        elif kind == "page":
            params["offset"] = str(rng.randrange(1000, 20000))
        elif kind == "bbox_actor":
            lon, lat = rng.uniform(36, 44), rng.uniform(32, 36)
            params["bbox"] = f"{lon:.2f},{lat:.2f},{lon + 1.5:.2f},{lat + 1.5:.2f}"
            params["actor"] = rng.choice(("islamic", "taliban", "shabaab", "police"))
        mix.append((kind, params))
    return mix


def percentile(values: list[float], q: float) -> float:
    """The value at quantile ``q`` (0..1) of ``values`` (nearest rank); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))
    return ordered[index]


def bench_api(n_events: int = 1_000_000, n_requests: int = 200, db_path: Path | str | None = None) -> dict[str, Any]:
    """Load `n_events` synthetic events (store.bulk_load_events) into `db_path` (a SQLite file or PostgreSQL URL;
    default a temporary SQLite file) and time `n_requests` GET /events requests.

    A ``db_path`` that already holds events is measured as it is (load_seconds 0), so a large database is built
    once and reused; its rows of another row format are rewritten first (``refresh_rows``), as after an upgrade. Returns counts, load time, p50/p95/max latency in milliseconds overall and p50/p95 per kind
    of filter, and p50/p95 of the CPU time each request took (less swayed by other work on the machine).
    """
    from fastapi.testclient import TestClient

    from conflictlog.serve.api import create_app
    from conflictlog.store import open_store

    with tempfile.TemporaryDirectory(prefix="conflictlog-bench-api-") as tmp:
        path = db_path or Path(tmp) / "bench.sqlite"
        started = time.perf_counter()
        store = open_store(path)
        try:
            with store.reading() as conn:
                loaded = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
            reused = loaded > 0
            refreshed = 0
            if reused:
                logger.info("bench_api: measuring the %d events already in %s", loaded, path)
                refreshed = store.refresh_rows()  # rows of an older version would be rebuilt on every read
                if refreshed:
                    logger.info("bench_api: %d rows of another row format rewritten first", refreshed)
            else:
                loaded = store.bulk_load_events(synthetic_events(n_events))
        finally:
            store.close()
        load_seconds = 0.0 if reused else time.perf_counter() - started
        logger.info("bench_api: %d events ready in %.1f s", loaded, time.perf_counter() - started)

        latencies: list[float] = []
        cpu: list[float] = []  # CPU time of this process per request: what the request cost on a busy machine too
        by_kind: dict[str, list[float]] = {}
        cpu_by_kind: dict[str, list[float]] = {}
        with TestClient(create_app(path)) as client:
            client.get("/events", params={"limit": "1"})  # warm up: first connection, page cache
            for kind, params in request_mix(n_requests):
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get("/events", params=params)
                elapsed_ms = (time.perf_counter() - t0) * 1000
                cpu.append((time.process_time() - c0) * 1000)
                if response.status_code != 200:
                    logger.warning("bench_api: %s -> %s %s", params, response.status_code, response.text[:200])
                latencies.append(elapsed_ms)
                by_kind.setdefault(kind, []).append(elapsed_ms)
                cpu_by_kind.setdefault(kind, []).append(cpu[-1])
    figures: dict[str, Any] = {
        "events": loaded,
        "rows_rewritten_first": refreshed,
        "requests": len(latencies),
        "load_seconds": load_seconds,
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": max(latencies) if latencies else float("nan"),
        "cpu_p50_ms": statistics.median(cpu) if cpu else float("nan"),
        "cpu_p95_ms": percentile(cpu, 0.95),
    }
    for kind, values in by_kind.items():
        figures[f"p50_ms_{kind}"] = statistics.median(values)
        figures[f"p95_ms_{kind}"] = percentile(values, 0.95)
        figures[f"cpu_p95_ms_{kind}"] = percentile(cpu_by_kind[kind], 0.95)
    return figures
