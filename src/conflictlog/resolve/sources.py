"""Readers for upstream place data: Who's On First repositories, GeoNames dump files and the packed TSV.

Each reader yields :class:`PlaceRow`s, the columns of the shipped pack ``data/gazetteer_places.tsv.gz``
(built by ``scripts/build_gazetteer.py``) and of ``conflictlog gazetteer import``. A source that cannot be read
raises ``ResolveError`` E503 naming the file; a malformed row raises E504 naming file and line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from conflictlog.errors import ResolveError

logger = logging.getLogger(__name__)

E503 = "{path}: cannot read place source: {reason}"
E504 = "{path}: bad place row at {where}: {reason}"

#: WOF placetypes kept, and the GeoNames feature codes read as the same kinds of place.
PLACETYPES = ("locality", "localadmin", "neighbourhood", "county", "region")
GEONAMES_KINDS = {"ADM1": "region", "ADM2": "county", "PPLX": "neighbourhood"}
PACK_COLUMNS = ("source_id", "placetype", "country", "name", "alt_names", "lat", "lon", "region", "county",
                "population", "geonames_id")
#: Name properties of a WOF record that reports' spellings are found among (English, undetermined, Arabic,
#: Russian, Ukrainian; preferred and variant).
WOF_NAME_LANGUAGES = ("eng", "und", "ara", "rus", "ukr", "fra", "tur", "fas", "urd", "prs", "pus", "kur")


@dataclass(frozen=True, slots=True)
class PlaceRow:
    """One place as packed: ``region``/``county`` are the names of its first- and second-level areas as the
    source spells them; ``alt_names`` other spellings in any script."""

    source_id: str
    placetype: str
    country: str
    name: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float
    region: str = ""
    county: str = ""
    population: int = 0
    geonames_id: int = 0

    def as_line(self) -> str:
        """The row as one tab-separated line of the pack (tabs and '|' inside names become spaces and '/')."""
        def clean(text: str) -> str:
            return " ".join(text.replace("\t", " ").split())

        alt = "|".join(clean(n).replace("|", "/") for n in self.alt_names if clean(n))
        return "\t".join((self.source_id, self.placetype, self.country, clean(self.name), alt, f"{self.lat:.5f}",
                          f"{self.lon:.5f}", clean(self.region), clean(self.county), str(self.population or ""),
                          str(self.geonames_id or "")))


def _open_text(path: Path) -> IO[str]:
    """A UTF-8 text file, gunzipped when its name ends in .gz; line ends kept as written."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _bad(path: Path | str, where: str, reason: str) -> ResolveError:
    return ResolveError(E504.format(path=path, where=where, reason=reason), code="E504")


def _coords(path: Path | str, where: str, lat: object, lon: object) -> tuple[float, float]:
    try:
        latitude, longitude = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise _bad(path, where, f"coordinates not numbers ({lat!r}, {lon!r})") from err
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise _bad(path, where, f"coordinates out of range ({latitude}, {longitude})")
    return latitude, longitude


def _int(value: object) -> int:
    try:
        return max(0, int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


# ------------------------------------------------------------------------------------------- Who's On First


def _wof_names(props: dict) -> list[str]:
    names: list[str] = []
    for key, value in props.items():
        if key.startswith("name:") and key[5:8] in WOF_NAME_LANGUAGES and isinstance(value, list):
            names.extend(v for v in value if isinstance(v, str))
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _wof_current(props: dict) -> bool:
    # a place that ceased to be current keeps its name in reports ("Cyrene"): only replaced records are dropped
    if props.get("wof:superseded_by"):
        return False
    deprecated = props.get("edtf:deprecated")
    return not deprecated or deprecated in ("", "uuuu")


def read_wof(root: Path, countries: Iterable[str] = ()) -> Iterator[PlaceRow]:
    """Places of the kept placetypes in a WOF repository checkout (``data/**/*.geojson`` under ``root``),
    not deprecated or superseded, with their region and county names from the records the hierarchy points to."""
    wanted = {c.upper() for c in countries}
    files = sorted(root.rglob("*.geojson")) if root.is_dir() else []
    if not files:
        raise ResolveError(E503.format(path=root, reason="no .geojson files (expected a WOF repository's data/)"),
                           code="E503")
    records: list[dict] = []
    names_by_id: dict[int, str] = {}
    for file in files:
        if "-alt-" in file.name:  # alternate geometries repeat a record
            continue
        try:
            props = json.loads(file.read_text(encoding="utf-8")).get("properties") or {}
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as err:
            raise ResolveError(E503.format(path=file, reason=err), code="E503") from err
        placetype = props.get("wof:placetype")
        if placetype not in PLACETYPES or not _wof_current(props):
            continue
        if not isinstance(props.get("wof:id"), int):
            raise _bad(file, "properties", "wof:id missing")
        if not props.get("wof:name"):
            continue  # an unnamed place cannot be looked up
        names_by_id[props["wof:id"]] = props["wof:name"]
        if wanted and str(props.get("wof:country", "")).upper() not in wanted:
            continue
        props["_file"] = file
        records.append(props)
    for props in records:
        hierarchy = (props.get("wof:hierarchy") or [{}])[0]
        lat = props.get("lbl:latitude", props.get("geom:latitude"))
        lon = props.get("lbl:longitude", props.get("geom:longitude"))
        latitude, longitude = _coords(props["_file"], "properties", lat, lon)
        name = props["wof:name"]
        concordances = props.get("wof:concordances") or {}
        yield PlaceRow(
            source_id=f"wof:{props['wof:id']}", placetype=props["wof:placetype"],
            country=str(props.get("wof:country", "")).upper(), name=name,
            alt_names=tuple(n for n in _wof_names(props) if n != name), lat=latitude, lon=longitude,
            region=names_by_id.get(hierarchy.get("region_id", -1), "") if props["wof:placetype"] != "region" else "",
            county=names_by_id.get(hierarchy.get("county_id", -1), "") if props["wof:placetype"] not in (
                "region", "county") else "",
            population=_int(props.get("wof:population") or props.get("gn:population")),
            geonames_id=_int(concordances.get("gn:id")))


def read_wof_tsv(path: Path, country: str | None = None) -> Iterator[PlaceRow]:
    """Places from a derived WOF TSV (``XX.tsv.gz``: wof_id, placetype, name, alt_names, lat, lon, region,
    county, population, geonames_id); the country is ``country`` or the file name's ``XX``."""
    iso2 = (country or path.name.split(".")[0]).upper()
    if len(iso2) != 2:
        raise ResolveError(E503.format(path=path, reason="file name does not start with a country code"),
                           code="E503")
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            for line, row in enumerate(reader, start=2):
                if row.get("placetype") not in PLACETYPES:
                    continue
                if not row.get("wof_id"):
                    raise _bad(path, f"line {line}", "wof_id empty")
                if not row.get("name"):
                    continue  # an unnamed place cannot be looked up
                lat, lon = _coords(path, f"line {line}", row.get("lat"), row.get("lon"))
                yield PlaceRow(source_id=f"wof:{row['wof_id']}", placetype=row["placetype"], country=iso2,
                               name=row["name"], alt_names=tuple(n for n in (row.get("alt_names") or "").split("|")
                                                                 if n and n != row["name"]),
                               lat=lat, lon=lon, region=row.get("region") or "", county=row.get("county") or "",
                               population=_int(row.get("population")), geonames_id=_int(row.get("geonames_id")))
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as err:
        raise ResolveError(E503.format(path=path, reason=err), code="E503") from err


# ------------------------------------------------------------------------------------------------ GeoNames


def _geonames_lines(path: Path) -> Iterator[str]:
    """Lines of a GeoNames dump: ``XX.txt``/``allCountries.txt`` or the ``.zip`` they come in."""
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if m.endswith(".txt") and not m.startswith("readme")]
                if not members:
                    raise ResolveError(E503.format(path=path, reason="no dump .txt inside"), code="E503")
                with archive.open(members[0]) as raw:
                    yield from io.TextIOWrapper(raw, encoding="utf-8")
        else:
            with path.open(encoding="utf-8") as handle:
                yield from handle
    except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as err:
        raise ResolveError(E503.format(path=path, reason=err), code="E503") from err


def read_geonames(path: Path, countries: Iterable[str] = ()) -> Iterator[PlaceRow]:
    """Populated places (feature class P) and first/second-level areas of a GeoNames dump file, with region and
    county names from the ADM1/ADM2 rows of the same file (read in two passes, so allCountries fits in memory)."""
    wanted = {c.upper() for c in countries}

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, line in enumerate(_geonames_lines(path), start=1):
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 15:
                raise _bad(path, f"line {number}", f"{len(cols)} columns, a GeoNames dump row has 19")
            if not wanted or cols[8].upper() in wanted:
                yield number, cols

    areas: dict[tuple[str, ...], str] = {}
    for _, cols in rows():
        if cols[7] == "ADM1":
            areas[(cols[8].upper(), cols[10])] = cols[1]
        elif cols[7] == "ADM2":
            areas[(cols[8].upper(), cols[10], cols[11])] = cols[1]
    for number, cols in rows():
        iso2, code = cols[8].upper(), cols[7]
        if cols[6] != "P" and code not in GEONAMES_KINDS:
            continue
        placetype = GEONAMES_KINDS.get(code, "locality")
        lat, lon = _coords(path, f"line {number}", cols[4], cols[5])
        yield PlaceRow(
            source_id=f"geonames:{cols[0]}", placetype=placetype, country=iso2, name=cols[1],
            alt_names=tuple(n for n in dict.fromkeys([cols[2], *cols[3].split(",")]) if n and n != cols[1]),
            lat=lat, lon=lon, region=areas.get((iso2, cols[10]), "") if placetype != "region" else "",
            county=areas.get((iso2, cols[10], cols[11]), "") if placetype not in ("region", "county") else "",
            population=_int(cols[14]), geonames_id=_int(cols[0]))


# ------------------------------------------------------------------------------------------------- the pack


def read_pack(path: Path) -> Iterator[PlaceRow]:
    """Rows of a packed gazetteer TSV (``PACK_COLUMNS``, header line first; gzipped when named ``.gz``)."""
    try:
        with _open_text(path) as handle:
            header = handle.readline().rstrip("\n").split("\t")
            if tuple(header) != PACK_COLUMNS:
                raise ResolveError(E503.format(path=path, reason=f"header {header[:3]}... is not a gazetteer pack"),
                                   code="E503")
            for number, line in enumerate(handle, start=2):
                cols = line.rstrip("\n").split("\t")
                if len(cols) != len(PACK_COLUMNS):
                    raise _bad(path, f"line {number}", f"{len(cols)} columns, expected {len(PACK_COLUMNS)}")
                if not cols[0] or not cols[3].strip():
                    raise _bad(path, f"line {number}", "source_id or name empty")
                lat, lon = _coords(path, f"line {number}", cols[5], cols[6])
                yield PlaceRow(cols[0], cols[1], cols[2], cols[3], tuple(n for n in cols[4].split("|") if n), lat,
                               lon, cols[7], cols[8], _int(cols[9]), _int(cols[10]))
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise ResolveError(E503.format(path=path, reason=err), code="E503") from err


def write_pack(rows: Iterable[PlaceRow], path: Path) -> int:
    """Write rows as a gzipped pack (atomically: a temporary file renamed into place); returns the row count."""
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    try:
        # mtime=0 so the same rows always give the same bytes
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as packed:
            packed.write(("\t".join(PACK_COLUMNS) + "\n").encode("utf-8"))
            for row in rows:
                packed.write((row.as_line() + "\n").encode("utf-8"))
                count += 1
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ResolveError(E503.format(path=path, reason=err), code="E503") from err
    return count


def read_source(path: Path, countries: Iterable[str] = ()) -> Iterator[PlaceRow]:
    """Places from any supported source: a WOF repository folder, a GeoNames dump (.zip/.txt), a derived WOF
    TSV (``xx.tsv.gz``) or a pack."""
    if path.is_dir():
        yield from read_wof(path, countries)
        return
    if not path.exists():
        raise ResolveError(E503.format(path=path, reason="no such file or folder"), code="E503")
    if path.suffix in (".zip", ".txt"):
        yield from read_geonames(path, countries)
        return
    try:
        with _open_text(path) as handle:
            header = handle.readline().rstrip("\n").split("\t")
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise ResolveError(E503.format(path=path, reason=err), code="E503") from err
    if tuple(header) == PACK_COLUMNS:
        rows: Iterator[PlaceRow] = read_pack(path)
    elif header[:2] == ["wof_id", "placetype"]:
        rows = read_wof_tsv(path)
    else:
        raise ResolveError(E503.format(path=path, reason="not a WOF folder, GeoNames dump, WOF TSV or pack"),
                           code="E503")
    wanted = {c.upper() for c in countries}
    yield from (row for row in rows if not wanted or row.country in wanted)
