"""Village-level places: the packed Who's On First / GeoNames gazetteer, read through an on-disk SQLite index.

``data/gazetteer_places.tsv.gz`` (built by ``scripts/build_gazetteer.py pack``) holds about 900,000 localities,
neighbourhoods and districts of the countries with the most conflict events. Loading them into Python would cost
gigabytes, so the first use builds an SQLite index of their name keys in ``$CONFLICTLOG_CACHE`` and later
lookups query it. Places a user imports (``conflictlog gazetteer import``) belong to one database: they go into
an SQLite file beside it (:func:`imported_path`), which the geocoder reads while ingesting into that database
(:meth:`VillageIndex.use_imported`). Names match across transliterations (:func:`translit_key`) with a confidence.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import random
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from unidecode import unidecode

from conflictlog.errors import ResolveError
from conflictlog.resolve.gazetteer import (
    _NON_ALNUM,
    ARTICLES,
    DATA_DIR,
    Gazetteer,
    GazetteerEntry,
    _source_fingerprint,
    cache_dir,
    distance_km,
    fold,
    load_gazetteer,
    normalize_name,
    strip_admin_suffix,
)
from conflictlog.resolve.sources import PlaceRow, read_pack

logger = logging.getLogger(__name__)

PACK_PATH = DATA_DIR / "gazetteer_places.tsv.gz"
INDEX_VERSION = "villages-v1"
IMPORTED_SUFFIX = ".places.sqlite"
#: The user-wide file earlier versions imported places into; no longer read (``gazetteer info`` names it).
LEGACY_IMPORTED_NAME = "places-imported.sqlite"
E505 = "{path}: cannot use the place index: {reason}"

#: What each packed placetype is in the gazetteer's terms.
FEATURE_OF = {"locality": "town", "localadmin": "town", "neighbourhood": "town", "county": "admin2"}
#: How far the nearest gazetteer town may lie from a place whose source names no region, for its areas.
NEAREST_TOWN_KM = 40.0
#: Cell size in degrees of the grid the nearest town is searched in (the 3x3 cells around a place cover
#: NEAREST_TOWN_KM up to about 50 degrees of latitude).
GRID_DEGREES = 0.6
#: Shortest loose key that is searched: three consonants name hundreds of villages.
MIN_LOOSE_KEY = 4
_VOWELS = re.compile(r"[aeiouy]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_ARABIC_ARTICLE = re.compile(r"(?:^|(?<=\s))\u0627\u0644")
_LOOSE_SUBS = (("ch", "sh"), ("ph", "f"), ("dh", "d"), ("th", "t"), ("kh", "h"), ("gh", "g"), ("ou", "u"),
               ("dj", "j"))
_LOOSE_LETTERS = str.maketrans({"q": "k", "c": "k", "g": "k", "z": "s", "x": "ks"})


def latinise(name: str) -> str:
    """A name in Latin letters: Latin names folded, Arabic (article dropped) and Cyrillic ones transliterated."""
    if name.isascii():
        return name
    if _ARABIC.search(name):
        name = _ARABIC_ARTICLE.sub("", name).replace("\u0629", "")  # the article and the final ta marbuta
    latin = fold(name)
    if len(latin.replace(" ", "")) < len(name.replace(" ", "")) // 2:  # mostly another script
        latin = unidecode(name).replace("`", "").replace("'", "")
    return latin


def exact_key(name: str) -> str:
    """Exact index key of a name in any script (see :func:`gazetteer.normalize_name`)."""
    return normalize_name(latinise(name))


def translit_key(name: str) -> str:
    """Loose key for one name in many transliterations: articles dropped, ch/sh, ph/f, dh/d, th/t, kh/h, gh/g and
    q/k/c/g alike, vowels (and w/y) and a final -h dropped, doubled letters once.

    "Al-Qamishli", "Kamishly" and "القامشلي" give the same key, as do "Oleksandrivka" and "Александровка".
    """
    return _translit_latin(latinise(name))


def _translit_latin(latin: str) -> str:
    tokens = [t for t in _NON_ALNUM.split(fold(latin).lower()) if t]
    kept = [t for t in tokens if t not in ARTICLES] or tokens
    kept = [t[:-1] if len(t) > 3 and t[-1] == "h" and t[-2] in "aeiouy" else t for t in kept]
    # the feminine -at of a first word ("Khirbat", "Maarrat") is the -a (or -ah, -eh) it is written alone
    kept = [t[:-1] if i < len(kept) - 1 and len(t) > 4 and t.endswith("at") else t for i, t in enumerate(kept)]
    text = "".join(kept)
    for old, new in _LOOSE_SUBS:
        text = text.replace(old, new)
    text = re.sub(r"[aeiouwy]", "", text.translate(_LOOSE_LETTERS))
    return re.sub(r"(.)\1+", r"\1", text)


#: Arabic and Dari words for "upper" and "lower" written after a village's name ("Shuyukh Fawqani", "Kahriz al
#: Ulya", "Shahrabad-e Sufla"): a report's "Upper X" or "X (Upper)" may be any of them.
UPPER_LOWER = {"upper": ("Fawqani", "Ulya"), "lower": ("Tahtani", "Sufla")}
_UPPER_LOWER = re.compile(r"^(upper|lower)\s+(.+)$|^(.+?)\s+\(?(upper|lower)\)?$", re.IGNORECASE)
#: Endings of Arabic adjective names ("Miniyeh", "Minie", "Miniyah"): one ending in many spellings.
NISBA_ENDINGS = ("iyyeh", "iyyah", "iyya", "iyeh", "iyah", "iya", "iye", "ieh", "ie")
_LEADING_ARTICLE = re.compile(r"^(?:" + "|".join(sorted(ARTICLES, key=len, reverse=True)) + r")[\s-]+(?=\S)")
_NISBA = re.compile(r"(?<=[a-z])(?:" + "|".join(NISBA_ENDINGS) + r")$")


def spelling_variants(name: str) -> tuple[str, ...]:
    """Other spellings of a name that its loose key cannot join: "Upper X" as "X Fawqani" or "X Ulya" (and
    "Lower"), and, for a name of fewer than ``MIN_LOOSE_KEY`` consonants (whose loose key is not searched), its
    first vowel written another way ("Ezaq", "Azaq", "Izaq") and its -iyeh ending as -iyah, -ieh or -ie."""
    variants: list[str] = []
    latin = " ".join(latinise(name).split())
    upper_lower = _UPPER_LOWER.match(latin)
    if upper_lower:
        word = (upper_lower.group(1) or upper_lower.group(4)).lower()
        rest = upper_lower.group(2) or upper_lower.group(3)
        variants += [f"{rest} {local}" for local in UPPER_LOWER[word]]
    lower = _LEADING_ARTICLE.sub("", latin.lower())
    if len(_translit_latin(latin)) < MIN_LOOSE_KEY and len(lower) >= 3:
        stems = [lower]
        if _NISBA.search(lower):
            stem = _NISBA.sub("", lower)
            stems += [stem + ending for ending in NISBA_ENDINGS]
        for stem in stems:
            variants.append(stem)
            if stem[0] in "aeiu":
                variants += [vowel + stem[1:] for vowel in "aeiu"]
    own = exact_key(name)
    return tuple(v for v in dict.fromkeys(variants) if exact_key(v) != own)


def match_confidence(query: str, name: str, exact: bool) -> float:
    """How sure a name match is, 0-1: 1 for the place's own name, a little less for an alternate spelling, and
    for a transliteration match the similarity of the two spellings (rapidfuzz ratio), at most 0.8."""
    q, n = normalize_name(latinise(query)), normalize_name(latinise(name))
    if exact:
        return 1.0 if q == n else 0.95
    # names transliterated from Arabic script lack its short vowels: compare consonants too
    consonants = fuzz.ratio(_VOWELS.sub("", q), _VOWELS.sub("", n))
    return round(0.4 + 0.4 * max(fuzz.ratio(q, n), consonants) / 100, 2)


@dataclass(frozen=True, slots=True)
class VillageMatch:
    """A packed place that a name matches, with the confidence of the match."""

    entry: GazetteerEntry
    placetype: str
    confidence: float


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS places(id INTEGER PRIMARY KEY, source_id TEXT UNIQUE, placetype TEXT, country TEXT,
    name TEXT, admin1 TEXT, admin2 TEXT, lat REAL, lon REAL, population INTEGER, origin TEXT);
CREATE TABLE IF NOT EXISTS keys(key TEXT, place INTEGER, PRIMARY KEY(key, place)) WITHOUT ROWID;
"""


class _Admin1Mapper:
    """ACLED admin1 and admin2 names for packed places, from the names their source gives their areas: the
    gazetteer's spelling table first, else the areas of the GeoNames towns among the source's places; a place
    whose source names no region takes the areas of the nearest gazetteer town."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.by_geonames: dict[int, tuple[str | None, str | None]] = {}
        self._grid: dict[tuple[str, int, int], list[tuple[float, float, str, str | None]]] = {}
        for row in gazetteer._rows:  # noqa: SLF001 - the builder reads the index it extends
            if isinstance(row[0], int) and row[2] == "city":
                self.by_geonames[row[0]] = (row[5], row[6])
            if row[2] in ("city", "town") and row[5] and row[7] is not None:
                self._grid.setdefault(_cell(row[3], row[7], row[8]), []).append((row[7], row[8], row[5], row[6]))
        self.votes: dict[tuple[str, str], Counter[str]] = {}
        self.county_votes: dict[tuple[str, str, str], Counter[str]] = {}
        self._cache: dict[tuple[str, str], str | None] = {}

    def observe(self, row: PlaceRow) -> None:
        """Count the admin areas of a place GeoNames also lists, for its source area names."""
        known = self.by_geonames.get(row.geonames_id)
        if known is None:
            return
        if known[0]:
            self.votes.setdefault((row.country, row.region), Counter())[known[0]] += 1
        if known[1]:
            self.county_votes.setdefault((row.country, row.region, row.county), Counter())[known[1]] += 1

    def admin1(self, country: str, region: str) -> str | None:
        """ACLED admin1 for a source region name, or None when nothing says which it is."""
        key = (country, region)
        if key not in self._cache:
            name = re.sub(r"\s*\(.*\)$", "", region)
            found = self.gazetteer.canonical_admin1(name, country) if name else None
            if found is None and key in self.votes:
                found = self.votes[key].most_common(1)[0][0]
            self._cache[key] = found
        return self._cache[key]

    def nearest(self, row: PlaceRow) -> tuple[str | None, str | None]:
        """Admin1 and admin2 of the gazetteer town nearest the place (within ``NEAREST_TOWN_KM``), else None."""
        _, y, x = _cell(row.country, row.lat, row.lon)
        best: tuple[float, str | None, str | None] = (NEAREST_TOWN_KM, None, None)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for lat, lon, admin1, admin2 in self._grid.get((row.country, y + dy, x + dx), ()):
                    far = distance_km(row.lat, row.lon, lat, lon)
                    if far < best[0]:
                        best = (far, admin1, admin2)
        return best[1], best[2]

    def areas(self, row: PlaceRow) -> tuple[str | None, str | None]:
        """ACLED admin1 and admin2 of a packed place."""
        if not row.region.strip():
            # no region in the source: votes would pool every such place of the country into one province
            return self.nearest(row)
        return self.admin1(row.country, row.region), self.admin2(row)

    def admin2(self, row: PlaceRow) -> str | None:
        """The admin2 name most GeoNames towns of the place's county carry, else the county's own name."""
        votes = self.county_votes.get((row.country, row.region, row.county))
        if votes:
            return votes.most_common(1)[0][0]
        return fold(strip_admin_suffix(row.county)) or None if row.county else None


def _cell(country: str, lat: float, lon: float) -> tuple[str, int, int]:
    return country, math.floor(lat / GRID_DEGREES), math.floor(lon / GRID_DEGREES)


def _names(row: PlaceRow) -> list[str]:
    return list(dict.fromkeys(n for n in (row.name, *row.alt_names) if n.strip()))


@functools.lru_cache(maxsize=100_000)
def _name_keys(name: str) -> tuple[str, ...]:
    """The exact and loose index keys of one name (many villages share a name, so they are cached)."""
    latin = latinise(name)
    exact, loose = normalize_name(latin), _translit_latin(latin)
    return tuple(k for k in (exact, "~" + loose if len(loose) >= MIN_LOOSE_KEY else "") if k)


def _keys(row: PlaceRow) -> set[str]:
    return {key for name in _names(row) for key in _name_keys(name)}


def _display(row: PlaceRow) -> str:
    """The name shown for a place: its own name in Latin letters, else its first Latin alternate."""
    for name in _names(row):
        if fold(name).strip() and (name.isascii() or len(fold(name)) >= len(name) // 2):
            return fold(name).strip()
    return latinise(row.name).strip() or row.name


def fill_index(conn: sqlite3.Connection, rows: Iterable[PlaceRow], mapper: _Admin1Mapper, origin: str,
               skip_geonames: Collection[int] = frozenset()) -> int:
    """Insert places (and their name keys) into an index database; returns how many were added."""
    added = 0
    places: list[tuple] = []
    keys: list[tuple[str, int]] = []
    next_id = (conn.execute("SELECT max(id) FROM places").fetchone()[0] or 0) + 1
    for row in rows:
        feature = FEATURE_OF.get(row.placetype)
        if feature is None or row.geonames_id in skip_geonames:
            continue
        admin1, admin2 = mapper.areas(row)
        places.append((next_id, row.source_id, row.placetype, row.country, _display(row), admin1,
                       admin2, row.lat, row.lon, row.population, origin))
        keys.extend((key, next_id) for key in _keys(row))
        next_id += 1
        added += 1
        if len(keys) > 200_000:
            _flush(conn, places, keys)
    _flush(conn, places, keys)
    return added


def _flush(conn: sqlite3.Connection, places: list[tuple], keys: list[tuple[str, int]]) -> None:
    conn.executemany("INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", places)
    conn.executemany("INSERT OR IGNORE INTO keys VALUES (?,?)", keys)
    places.clear()
    keys.clear()


def _pack_fingerprint(pack: Path) -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    digest.update(Path(__file__).read_bytes())
    try:
        digest.update(str(pack.stat().st_size).encode())
        with pack.open("rb") as handle:  # the gzip trailer (CRC and length) identifies the content
            handle.seek(max(0, pack.stat().st_size - 4096))
            digest.update(handle.read())
    except OSError as err:
        raise ResolveError(E505.format(path=pack, reason=err), code="E505") from err
    digest.update(_source_fingerprint().encode())  # the admin names the admin1 column is mapped to
    return digest.hexdigest()[:12]


def build_index(path: Path, pack: Path, gazetteer: Gazetteer) -> int:
    """Build the SQLite index of a pack at ``path`` (written to a temporary file, then renamed)."""
    started = time.perf_counter()
    mapper = _Admin1Mapper(gazetteer)
    for row in read_pack(pack):
        mapper.observe(row)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        added = fill_index(conn, read_pack(pack), mapper, "pack", skip_geonames=mapper.by_geonames)
        conn.execute("INSERT INTO meta VALUES ('source', ?)", (pack.name,))
        conn.commit()
    except sqlite3.Error as err:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise ResolveError(E505.format(path=tmp, reason=err), code="E505") from err
    conn.close()
    tmp.replace(path)
    for old in path.parent.glob(f"{INDEX_VERSION}-*.sqlite"):
        if old != path:
            old.unlink(missing_ok=True)
    logger.info("place index built in %.0fs: %d places from %s", time.perf_counter() - started, added, pack.name)
    return added


class VillageIndex:
    """Name lookups over the packed places and the imported ones (two SQLite files, opened read-only)."""

    def __init__(self, path: Path, imported: Path | None = None) -> None:
        self.path = path
        self.imported = imported
        self._conn: sqlite3.Connection | None = None
        self._schemas: list[str] = ["main"]
        self._pid = 0
        self._cache: dict[str, list[tuple]] = {}
        self._lock = threading.Lock()  # the API may resolve in several threads over one connection

    def use_imported(self, imported: Path | None) -> None:
        """Read the places imported for one database (its :func:`imported_path`) from now on, or none."""
        with self._lock:
            if imported == self.imported:
                return
            self.imported = imported
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
            self._cache.clear()

    def _db(self) -> sqlite3.Connection:
        # a connection must not cross a fork (ingest workers): each process opens its own
        if self._conn is None or self._pid != os.getpid():
            try:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                self._schemas = ["main"]
                if self.imported is not None and self.imported.exists():
                    conn.execute("ATTACH DATABASE ? AS imported", (f"file:{self.imported}?mode=ro",))
                    self._schemas.append("imported")
            except sqlite3.Error as err:
                raise ResolveError(E505.format(path=self.path, reason=err), code="E505") from err
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of one query over the packed places and, where there are any, the imported ones."""
        rows: list[tuple] = []
        with self._lock:
            db = self._db()
            for schema in self._schemas:
                rows += db.execute(sql.format(schema=schema), params).fetchall()
        return rows

    def _rows(self, key: str) -> list[tuple]:
        rows = self._cache.get(key)
        if rows is None:
            rows = self._query(
                "SELECT p.source_id, p.name, p.placetype, p.country, p.admin1, p.admin2, p.lat, p.lon, p.population "
                "FROM {schema}.keys k JOIN {schema}.places p ON p.id = k.place WHERE k.key = ?", (key,))
            if len(self._cache) > 20_000:
                self._cache.clear()
            self._cache[key] = rows
        return rows

    def lookup(self, name: str, countries: Collection[str], *, loose: bool = False,
               gazetteer: Gazetteer | None = None) -> list[VillageMatch]:
        """Places in ``countries`` (ISO2) called ``name``: by exact key, or (``loose``) by transliteration key
        when the spellings are alike; each with its match confidence, best first."""
        key = exact_key(name)
        found = [(row, name) for row in self._rows(key)] if key else []
        exact = True
        if loose:
            # each row with the spelling it was found by, which its confidence is measured against
            seen = {row[0] for row, _ in found}
            found = []
            for spelling in (name, *spelling_variants(name)):
                loose_key = translit_key(spelling)
                search = "~" + loose_key if len(loose_key) >= MIN_LOOSE_KEY else exact_key(spelling)
                for row in self._rows(search) if spelling != name or search.startswith("~") else ():
                    if row[0] not in seen:
                        seen.add(row[0])
                        found.append((row, spelling))
            exact = False
        matches = []
        for (source_id, display, placetype, iso2, admin1, admin2, lat, lon, population), spelling in found:
            if iso2 not in countries:
                continue
            country = gazetteer.country_name(iso2) if gazetteer else None
            entry = GazetteerEntry(source_id, display, FEATURE_OF.get(placetype, "town"), iso2, country or iso2,
                                   admin1, admin2, lat, lon, population or 0,
                                   "GeoNames" if source_id.startswith("geonames:") else "Who's On First")
            confidence = match_confidence(spelling, display, exact)
            if not exact and confidence < 0.65:
                continue  # same consonants, different name
            matches.append(VillageMatch(entry, placetype, confidence))
        matches.sort(key=lambda m: (-m.confidence, -m.entry.population))
        return matches

    def sample(self, n: int, seed: int = 7) -> list[tuple[str, str]]:
        """``n`` (name, country) pairs of packed places drawn at random with a fixed seed, for benchmarks."""
        with self._lock:
            db = self._db()
            total = db.execute("SELECT max(id) FROM main.places").fetchone()[0] or 0
            rng = random.Random(seed)
            ids = [rng.randint(1, total) for _ in range(n)] if total else []
            return [row for i in ids for row in db.execute("SELECT name, country FROM main.places WHERE id = ?", (i,))]

    def __len__(self) -> int:
        return sum(n for (n,) in self._query("SELECT count(*) FROM {schema}.places"))

    def counts(self) -> dict[str, dict[str, int]]:
        """Places per origin ("pack" or an imported file) and country."""
        table: dict[str, dict[str, int]] = {}
        for origin, iso2, n in self._query("SELECT origin, country, count(*) FROM {schema}.places "
                                           "GROUP BY origin, country"):
            table.setdefault(origin, {})[iso2] = n
        return table


def imported_path(database: str | Path) -> Path | None:
    """The SQLite file of the places imported for a database file: beside it, named ``<database>.places.sqlite``
    (None for an in-memory or server database, which has no folder)."""
    text = str(database)
    if text == ":memory:" or "://" in text:
        return None
    path = Path(text)
    return path.with_name(path.name + IMPORTED_SUFFIX)


def legacy_imported_path() -> Path:
    """The user-wide file of imported places of earlier versions: ``$CONFLICTLOG_CACHE/places-imported.sqlite``."""
    return cache_dir() / LEGACY_IMPORTED_NAME


def import_places(read: Callable[[], Iterable[PlaceRow]], origin: str, path: Path,
                  gazetteer: Gazetteer | None = None) -> int:
    """Add the places ``read()`` yields (it is called twice: the first pass learns the source's admin names) to
    the imported-places file ``path`` (a database's :func:`imported_path`), in one transaction; a place already
    imported (same source id) is kept as it was, and so is a GeoNames town the towns index has. Returns how many
    were added."""
    gazetteer = gazetteer or load_gazetteer()
    mapper = _Admin1Mapper(gazetteer)
    for row in read():
        mapper.observe(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sqlite3.connect(path) as conn:  # commits on success, rolls back on error
            conn.executescript(_SCHEMA)
            before = conn.execute("SELECT count(*) FROM places").fetchone()[0]
            fill_index(conn, read(), mapper, origin, skip_geonames=mapper.by_geonames)
            added = conn.execute("SELECT count(*) FROM places").fetchone()[0] - before
        conn.close()
    except sqlite3.Error as err:
        raise ResolveError(E505.format(path=path, reason=err), code="E505") from err
    return added


@functools.cache
def load_villages(pack: Path = PACK_PATH) -> VillageIndex:
    """The shared index of packed places, built from the pack on first use; no imported places until a
    database's are named (:meth:`VillageIndex.use_imported`)."""
    path = cache_dir() / f"{INDEX_VERSION}-{_pack_fingerprint(pack)}.sqlite"
    if not path.exists():
        build_index(path, pack, load_gazetteer())
    return VillageIndex(path)
