"""Geocoding: a PlaceMention to a Place with ACLED admin levels and geo_precision.

Precision follows ACLED: 1 the town (or facility) itself; 2 near / outskirts / countryside of a town, an admin2
district or a named region; 3 only the province (admin1) known, with the province capital's coordinates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from conflictlog.records import GeoPrecision, Place, PlaceMention
from conflictlog.resolve.gazetteer import (
    CONFLICT_COUNTRIES,
    FEATURE_RANK,
    Gazetteer,
    GazetteerEntry,
    distance_km,
    normalize_name,
    resembles,
    strip_admin_suffix,
)
from conflictlog.resolve.villages import VillageIndex, VillageMatch

logger = logging.getLogger(__name__)

# Words around a place name that change what it denotes. Qualifier values from extract use the same words.
NEAR_WORDS = ("near", "nearby", "outskirts", "outskirt", "countryside", "around", "outside", "vicinity",
              "environs", "surroundings", "suburbs", "suburb", "periphery", "rural", "close to", "area",
              "areas", "west of", "east of", "north of", "south of", "northwest of", "northeast of",
              "southwest of", "southeast of", "km", "kilometres", "kilometers", "miles", "edge of", "desert near")
DISTRICT_WORDS = ("district", "districts", "subdistrict", "sub-district", "county", "municipality", "department",
                  "local government area", "lga", "tehsil", "township", "nahiya", "upazila")
PROVINCE_WORDS = ("province", "provinces", "governorate", "governorates", "state", "oblast", "region", "wilaya",
                  "prefecture")
TOWN_WORDS = ("city", "town", "village", "hamlet")

_LEADING = re.compile(
    r"^(?:the\s+)?(?:(?:outskirts|countryside|suburbs|vicinity|environs|surroundings|edge|outskirt|periphery|"
    r"area|areas|city|town|village|province|provinces|governorate|district|region|state)\s+of\s+(?:the\s+)?)+",
    re.IGNORECASE)
_HEAD = re.compile(
    r"^.*?\b(?:near|nearby|outside|around|close to|(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:north|south|east|west|northwest|northeast|southwest|southeast|north-west|north-east|south-west|"
    r"south-east)\s+of)\s+(?:the\s+)?", re.IGNORECASE)
_DIRECTION = re.compile(r"^(?:the\s+)?(?:north|south|east|west|northern|southern|eastern|western|central|"
                        r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|"
                        r"southeast|southwest|rural|greater|upper|lower)\s+", re.IGNORECASE)
_TRAILING = re.compile(
    r"(?:\s+(?:city|town|village|countryside|province|provinces|governorate|governorates|district|districts|"
    r"region|state|oblast|area|areas|outskirts|suburbs|pocket|desert|environs))+$", re.IGNORECASE)
# Lower admin units and local words after a name ("Kaliganj upazila", "Muya LGA", "X corregimiento").
_LOCAL_UNIT = re.compile(
    r"\s+(?:upazila|union|lga|l\.g\.a\.|tehsil|taluka|township|commune|municipality|county|sub-?district|"
    r"corregimiento|neighbou?rhood|quarter|locality|village tract|ward|settlement|camp|refugee camp|idp camp)$",
    re.IGNORECASE)
_LOCAL_HEAD = re.compile(r"^(?:barangay|hay|hayy|kampung|kafr|village of|town of|city of)\s+", re.IGNORECASE)
# A facility named after its town ("Jackson police department", "Kharaz refugee camp", "Aden port").
_FACILITY_TAIL = re.compile(
    r"\s+(?:refugee camp|idp camp|camp|police department|police station|police headquarters|hospital|university|"
    r"airport|air ?base|military base|base|prison|central prison|market|marketplace|mosque|church|school|bridge|"
    r"square|street|road|highway|checkpoint|roundabout|junction|port|border crossing|crossing|dam|refinery|"
    r"power plant|power station|station|stadium|court|courthouse|palace|bazaar|cemetery|industrial zone|"
    r"industrial area|city council|town hall|governorate building)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Reading:
    """A place text split into the bare name and the precision words around it. ``names`` are the spellings
    to try, fullest first ("al-Anbar desert" before "al-Anbar")."""

    names: tuple[str, ...]
    near: bool
    district: bool
    province: bool
    town: bool
    direction: bool


def read_place_text(text: str, qualifier: str | None = None) -> _Reading:
    """Split "the outskirts of the city of al-Mayadin" into the name and the words that set precision."""
    raw = " ".join(text.split()).strip(" ,.;:")
    words = f" {raw.lower()} {(qualifier or '').lower()} ".replace("police department", "police")
    full = re.sub(r"^the\s+", "", raw, flags=re.IGNORECASE)
    name = re.sub(r"^the\s+", "", _LEADING.sub("", _HEAD.sub("", raw)), flags=re.IGNORECASE)
    direction = bool(_DIRECTION.match(name))
    name = _DIRECTION.sub("", name)
    name = _LEADING.sub("", name)
    bare = _TRAILING.sub("", name).strip(" ,.;:") or raw
    fallbacks = [_LOCAL_HEAD.sub("", _LOCAL_UNIT.sub("", bare)).strip()]
    facility = _FACILITY_TAIL.sub("", bare).strip()
    if facility != bare:
        fallbacks.append(facility)
        if "-" in facility:  # "Sayda-Nasib road": the first town named
            fallbacks.append(facility.split("-")[0].strip())
    if " - " in bare:  # ACLED-style "Town - Neighbourhood"
        fallbacks.append(bare.split(" - ")[0].strip())
    names = tuple(dict.fromkeys(n for n in (full, name, bare, *fallbacks) if n))

    def has(options: Sequence[str]) -> bool:
        return any(f" {w} " in words or f" {w}," in words for w in options)

    return _Reading(names=names, near=has(NEAR_WORDS), district=has(DISTRICT_WORDS),
                    province=has(PROVINCE_WORDS), town=has(TOWN_WORDS), direction=direction)


# Curated rows have no population; they were added because conflicts happen there, so they count as
# much as a sizeable town when choosing between same-named places in different countries.
CURATED_WEIGHT = 50_000


def _weight(entry: GazetteerEntry) -> int:
    return entry.population or (CURATED_WEIGHT if entry.gazetteer_id.startswith("curated:") else 0)


#: Features that can contain a place, in the order a containing area is best read as.
AREA_FEATURES = ("admin2", "admin1", "region", "city", "town", "country")
OUTER_AREA_FEATURES = ("admin1", "admin2", "region", "city", "town", "country")
#: How far from the nearest place GeoNames puts inside a named province a town may lie and still be read as
#: the town the report means (provincial borders differ between sources).
BORDER_KM = 25.0
#: How far a place may lie from a town or region named as containing it.
AREA_RADIUS_KM = {"city": 30.0, "town": 30.0, "region": 60.0}


def _inside(entry: GazetteerEntry, area: GazetteerEntry) -> bool:
    """Whether ``entry`` can lie in ``area`` (same country, and same province or close to the town named)."""
    if entry.gazetteer_id == area.gazetteer_id:
        return True
    if entry.country_iso2 != area.country_iso2:
        return False
    if area.feature == "country":
        return True
    if area.feature in ("admin1", "admin2"):
        return entry.admin1 is not None and entry.admin1 == area.admin1
    return distance_km(entry.latitude, entry.longitude, area.latitude, area.longitude) <= AREA_RADIUS_KM[area.feature]


def _inside_all(entry: GazetteerEntry, areas: Sequence[list[GazetteerEntry]]) -> bool:
    """Whether ``entry`` lies in one reading of each named containing area."""
    return all(any(_inside(entry, area) for area in readings) for readings in areas)


# A run of capitalised words, with the Arabic articles between or before them ("Tal Madeeq", "Kafr al-Ward").
_PHRASE = re.compile(r"(?:\b(?:al|el|ad|as|ash|az|ar|an|at)-)?\b[A-Z][\w'’]+(?:[ -](?:(?:al|el|ad|as|ash|az|ar|an|at)"
                     r"[ -])?[A-Z][\w'’]+){0,3}")
_NEAR_BEFORE = re.compile(r"\b(?:near|nearby|outside|around|outskirts of(?: the)?|vicinity of|km|kilometres|"
                          r"kilometers|miles|(?:north|south|east|west)\w* of)\s*$")
# What follows a place the gazetteer lacks and names the area holding it: "village of Habiganj district",
# "area near Kunduz", ", Helmand province", "under Chhatak upazila", "village (Kale district, ...)".
_AREA_AFTER = re.compile(
    r"(?:\s+(?:village|villages|town|hamlet|area|areas|locality|neighbou?rhood|settlement|camp|union|ward|"
    r"sector))?\s*(?:,|\(|\bof\b|\bin\b|\bunder\b|\bnear\b|\bclose to\b|\boutside\b)\s*(?:the\s+)?"
    r"(?P<name>(?:(?:al|el|ad|as|ash|az|ar|an|at)-)?[A-Z][\w'’-]*(?:\s+(?:(?:al|el|ad|as|ash|az|ar|an|at)-)?"
    r"[A-Z][\w'’-]*){0,2})"
    r"(?:\s+(?P<unit>district|province|governorate|state|region|county|upazila|tehsil|lga|LGA|municipality|"
    r"sub-district|subdistrict|department|prefecture|oblast|agency|division))?\b")
# A proper name going on after a place's name ("Pyu Saw Htee"), not a unit word ("Pyu Town") or a new clause.
_NAME_GOES_ON = re.compile(r"[ -](?!(?:City|Town|Village|District|Province|Region|State|Township|County|Governorate|"
                           r"Area|Camp|Market|Road|Street|Police|Hospital)\b)[A-Z][a-z]")
#: Least confidence of a transliteration match for a place named beside the area an event was coded to.
FINER_LOOSE_CONFIDENCE = 0.7
#: A namesake this much nearer (as a share of the next one's distance) the area coded is the one meant.
NEARER_RATIO = 0.4
#: Same-named villages closer together than this are one place for the purpose of coding an event.
CLUSTER_KM = 10.0
#: A village this many times as populous as every namesake (and at least MIN_PROMINENT people) is the one meant.
PROMINENCE_RATIO = 10
MIN_PROMINENT = 1000
#: A town of this many people in another country than the story's outweighs a same-named village in it.
SIZEABLE_ELSEWHERE = 20_000
#: A city this populous is meant by its name even in a story that names only other provinces of its country.
KNOWN_CITY = 100_000
#: How near a town the article names a namesake must lie to be read as the one meant.
ANCHOR_KM = 50.0
#: How many of the article's countries, most relevant first, villages are searched in.
VILLAGE_COUNTRIES = 2


#: Features a person's, a group's or a building's name can share with a place by chance; a province or country
#: is named on purpose.
_SETTLEMENTS = frozenset({"city", "town", "facility", "admin2"})


def _weak_elsewhere(entry: GazetteerEntry) -> bool:
    """Whether a place outside the conflict countries is too small to be meant without a country to support it."""
    return entry.country_iso2 not in CONFLICT_COUNTRIES and entry.feature in _SETTLEMENTS and _weight(entry) < 50_000


def _one_place(entries: Sequence[GazetteerEntry]) -> bool:
    """Whether same-named places all lie within ``CLUSTER_KM`` of the first."""
    first = entries[0]
    return all(distance_km(first.latitude, first.longitude, e.latitude, e.longitude) <= CLUSTER_KM
               for e in entries[1:])


class Geocoder:
    """Turns place mentions into :class:`Place` records using a :class:`Gazetteer` and, for villages, the packed
    places' :class:`VillageIndex`."""

    def __init__(self, gazetteer: Gazetteer, villages: VillageIndex | None = None) -> None:
        self.gazetteer = gazetteer
        self.villages = villages
        self._mentioned: dict[tuple[int, str], frozenset[str]] = {}
        self._anchors: dict[tuple[int, str], tuple[GazetteerEntry, ...]] = {}

    def geocode(self, place: PlaceMention, context_countries: Sequence[str] = (), *,
                strict: bool = False, article_text: str | None = None) -> Place | None:
        """Geocode a place mention; ``context_countries`` (names or codes, most relevant first) break ties and
        the provinces ``article_text`` names tell same-named villages apart.

        With ``strict`` only places in the context countries (or the mention's ``country_hint``) are accepted.
        """
        # "Oleksandrivka, Kharkiv oblast": the parts after a comma name the areas that contain the place
        head, *area_texts = [part.strip() for part in place.text.split(",") if part.strip()] or [place.text]
        countries = [c for c in (place.country_hint, *context_countries) if c]
        context = list(dict.fromkeys(iso for iso in (self.gazetteer.country_iso2(c) for c in countries) if iso))
        reading = read_place_text(head, place.qualifier)
        areas = [readings for readings in self._areas(area_texts, reading, context)
                 if not self._names_a_part(readings, reading)]
        if areas:
            # a named containing area outweighs the countries the article mentions
            context = [areas[0][0].country_iso2, *(c for c in context if c != areas[0][0].country_iso2)]
        entry, score = self._choose(reading, context, areas, strict=strict, article_text=article_text)
        precision: GeoPrecision | None = None
        admin_from: GazetteerEntry | None = None
        if self.villages is not None and context and self._wants_village(entry, context, areas):
            # a place the towns and areas found elsewhere is given up only for a village of the exact name
            village = self._village(reading, context, areas, article_text, loose=entry is None)
            if village is not None:
                entry, score, precision = village
        if areas and (entry is None or not _inside_all(entry, areas)):
            border = self._across_border(reading, areas)
            if border is not None:
                # GeoNames and the report draw the provincial border differently: keep the town, and the
                # province the report names
                entry, score, admin_from = border, 0.8, next(
                    (a for readings in areas for a in readings if a.feature in ("admin1", "admin2")), None)
            else:
                # the place is unknown, or known only outside the areas the text puts it in: code it to the
                # innermost of those areas, as ACLED does for a village it cannot locate
                entry, score = areas[0][0], 0.5
                precision = GeoPrecision.REGION if entry.feature == "admin1" else GeoPrecision.NEAR
        if entry is not None and not areas and article_text and self._elsewhere(entry, article_text, reading,
                                                                         weak=score < 0.95):
            logger.debug("geocode: %r heads a longer name; %s is not supported", place.text, entry.gazetteer_id)
            entry = None
        if entry is None:
            logger.debug("geocode: %r not found (context %s)", place.text, context)
            return None
        if precision is None:
            precision = self._precision(entry, reading)
        # ACLED names the province itself as the location when only the province is known
        location = entry.name
        info = self.gazetteer.country_info(entry.country_iso2)
        admin1 = entry.admin1 if entry.feature != "country" else None
        admin2 = entry.admin2
        if admin_from is not None:
            admin1 = admin_from.admin1
            admin2 = admin_from.admin2 if admin_from.feature == "admin2" else None
        result = Place(
            location=location, country=entry.country, admin1=admin1,
            admin2=admin2, latitude=entry.latitude, longitude=entry.longitude, geo_precision=precision,
            country_iso3=info.iso3 if info else None, gazetteer_id=entry.gazetteer_id, score=score,
        )
        logger.debug("geocode: %r -> %s (%s, precision %d)", place.text, entry.gazetteer_id, entry.feature,
                     int(precision))
        return result

    def _names_a_part(self, readings: Sequence[GazetteerEntry], reading: _Reading) -> bool:
        """Whether a name after the comma is a part of the place rather than its area ("the Pretoria area
        (Mamelodi)"): it is only small towns, all far from a city of the head's name many times their size, which
        none of them can hold."""
        if not readings or any(e.feature not in ("city", "town") for e in readings):
            return False
        largest = max(_weight(e) for e in readings)
        heads = [e for name in reading.names if not self.gazetteer.is_common_word(name)
                 for e in self.gazetteer.lookup(name, loose=False)
                 if e.feature in ("city", "town") and e.country_iso2 == readings[0].country_iso2
                 and _weight(e) >= PROMINENCE_RATIO * max(largest, MIN_PROMINENT)]
        return any(all(not _inside(h, area) for area in readings) for h in heads)

    @staticmethod
    def _wants_village(entry: GazetteerEntry | None, context: Sequence[str],
                       areas: Sequence[list[GazetteerEntry]]) -> bool:
        """Whether to look for a village: the towns and areas found nothing in the story's country or in the
        areas the text names, or only a small place across a border (a city or area is not given up)."""
        if entry is None:
            return True
        if areas and not _inside_all(entry, areas):
            return True
        return entry.country_iso2 not in context and entry.feature in ("city", "town") and (
            entry.population < SIZEABLE_ELSEWHERE)

    def _village(self, reading: _Reading, context: Sequence[str], areas: Sequence[list[GazetteerEntry]],
                 article_text: str | None, loose: bool = True) -> tuple[GazetteerEntry, float, GeoPrecision] | None:
        """The packed place the mention names, with its score and precision; when same-named places remain
        after the named areas, the article's provinces, proximity and prominence are weighed, their common
        province (precision 3) or district (2); None when they have nothing in common."""
        assert self.villages is not None
        countries = [areas[0][0].country_iso2] if areas else list(context[:VILLAGE_COUNTRIES])
        names = [n for n in reading.names if not self.gazetteer.is_common_word(n) and not self.gazetteer.is_country(n)
                 and self.gazetteer.canonical_admin1(n, countries[0]) is None]
        matches: list[VillageMatch] = []
        for spelling in (False, True) if loose else (False,):
            for name in names:
                # a loose spelling is trusted in the story's own country only
                matches = self.villages.lookup(name, set(countries[:1] if spelling else countries), loose=spelling,
                                               gazetteer=self.gazetteer)
                if matches:
                    break
            if matches:
                break
        if not matches:
            return None
        # the first country (in context order) that has the name
        iso2 = min({m.entry.country_iso2 for m in matches}, key=countries.index)
        matches = [m for m in matches if m.entry.country_iso2 == iso2]
        if areas:
            matches = [m for m in matches if _inside_all(m.entry, areas)]
            # a district named as such (an area's first reading), not a province's namesake district: a village
            # of the name elsewhere in the province is another village
            districts = [readings[0] for readings in areas if readings[0].feature == "admin2"]
            if districts:
                matches = [m for m in matches
                           if all(self._in_district(m.entry, d.name, d.latitude, d.longitude) for d in districts)]
        elif article_text and len(matches) > 1:
            keys = {normalize_name(name) for name in reading.names}
            supported = {m.entry.gazetteer_id for m in matches} & {
                e.gazetteer_id for e in self.by_places_named([m.entry for m in matches], article_text, keys)}
            matches = [m for m in matches if m.entry.gazetteer_id in supported] or matches
        if not matches:
            return None
        wanted = self._feature_preference(reading, [m.entry for m in matches])
        best_rank = min(wanted.get(m.entry.feature, 9) for m in matches)
        matches = [m for m in matches if wanted.get(m.entry.feature, 9) == best_rank]
        top = max(matches, key=lambda m: (m.confidence, m.placetype != "neighbourhood", m.entry.population))
        others = [m for m in matches if m is not top]
        spread = max((distance_km(top.entry.latitude, top.entry.longitude, m.entry.latitude, m.entry.longitude)
                      for m in others), default=0.0)
        prominent = top.entry.population >= MIN_PROMINENT and all(
            top.entry.population >= PROMINENCE_RATIO * m.entry.population for m in others)
        if spread <= CLUSTER_KM or prominent:
            precision = self._precision(top.entry, reading)
            return top.entry, round(top.confidence * (1.0 if not others else 0.8), 2), precision
        # with areas named, the caller codes the innermost of them
        return None if areas else self._common_area(matches)

    @staticmethod
    def _in_district(entry: GazetteerEntry, district: str, latitude: float, longitude: float) -> bool:
        """Whether a village can lie in a district (its name and seat): its source gives no district (or the
        province again), the district it gives is spelled alike, or (sources spell districts differently) it
        lies near the seat."""
        if not entry.admin2 or normalize_name(entry.admin2) == normalize_name(entry.admin1 or ""):
            return True
        if resembles(normalize_name(entry.admin2), normalize_name(district)):
            return True
        return distance_km(entry.latitude, entry.longitude, latitude, longitude) <= BORDER_KM

    def _common_area(self, matches: Sequence[VillageMatch]) -> tuple[GazetteerEntry, float, GeoPrecision] | None:
        """The district (precision 2) or else province (3) every one of same-named places lies in, if any."""
        first = matches[0].entry
        admin1s = {m.entry.admin1 for m in matches}
        if len(admin1s) != 1 or first.admin1 is None:
            return None
        province = self.gazetteer.admin1_entry(first.admin1, first.country_iso2)
        if province is None:
            return None
        if len({m.entry.admin2 for m in matches}) == 1 and first.admin2:
            lat = sum(m.entry.latitude for m in matches) / len(matches)
            lon = sum(m.entry.longitude for m in matches) / len(matches)
            district = GazetteerEntry(f"{first.gazetteer_id}#area", first.admin2, "admin2", first.country_iso2,
                                      first.country, first.admin1, first.admin2, lat, lon, 0, first.source)
            return district, 0.5, GeoPrecision.NEAR
        return province, 0.5, GeoPrecision.REGION

    def _elsewhere(self, entry: GazetteerEntry, article_text: str, reading: _Reading, weak: bool = False) -> bool:
        """Whether the place is only ever written at the head of a longer proper name ("Pyu Saw Htee", "Niladri
        Sen") and is a town found by a ``weak`` match (a spelling merely alike, or one of several countries') or
        one outside every province of its country the article names, far from the towns it names: then the
        name is a group's or a person's, not that town's."""
        if entry.feature not in ("city", "town") or _weight(entry) >= KNOWN_CITY or not entry.admin1:
            return False
        written = [m for name in reading.names[-1:] for m in re.finditer(rf"\b{re.escape(name)}\b", article_text)]
        if not written or not all(_NAME_GOES_ON.match(article_text, m.end()) for m in written):
            return False
        if weak:
            return True
        provinces = self._provinces_named(article_text, entry.country_iso2)
        if not provinces or entry.admin1 in provinces:
            return False
        own = {normalize_name(name) for name in reading.names}
        return not any(distance_km(entry.latitude, entry.longitude, t.latitude, t.longitude) <= ANCHOR_KM
                       for t in self._towns_named(article_text, entry.country_iso2)
                       if normalize_name(t.name) not in own)

    def by_places_named(self, entries: Sequence[GazetteerEntry], article_text: str,
                        own: Collection[str] = ()) -> list[GazetteerEntry]:
        """The namesakes among ``entries`` that lie in a province the article names or within ``ANCHOR_KM`` of
        a town it names (not the place itself, whose normalised spellings are ``own``), else the one much nearer
        such a town than the rest; [] when the places named tell none apart."""
        if not entries:
            return []
        iso2 = entries[0].country_iso2
        provinces = self._provinces_named(article_text, iso2)
        towns = [t for t in self._towns_named(article_text, iso2) if normalize_name(t.name) not in own]
        kept = [e for e in entries if e.admin1 and e.admin1 in provinces or any(
            distance_km(e.latitude, e.longitude, t.latitude, t.longitude) <= ANCHOR_KM for t in towns)]
        if 0 < len(kept) < len(entries):
            return kept
        if not towns:
            return []

        def far(e: GazetteerEntry) -> float:
            return min(distance_km(e.latitude, e.longitude, t.latitude, t.longitude) for t in towns)

        # the namesake nearest a town named, when much nearer than any other (one place may be several entries)
        ranked = sorted(entries, key=far)
        nearest = [e for e in ranked if distance_km(e.latitude, e.longitude, ranked[0].latitude,
                                                    ranked[0].longitude) <= CLUSTER_KM]
        others = [far(e) for e in ranked if e not in nearest]
        return nearest if others and far(ranked[0]) <= NEARER_RATIO * others[0] else []

    def _towns_named(self, text: str, iso2: str) -> tuple[GazetteerEntry, ...]:
        """Towns and cities of a country the text names by their own name, one place each (a name with
        namesakes far apart says nowhere)."""
        key = (hash(text), iso2)
        found = self._anchors.get(key)
        if found is None:
            towns: dict[str, GazetteerEntry] = {}
            for match in _PHRASE.finditer(text):
                phrase = match.group(0)
                if phrase in towns or self.gazetteer.is_common_word(phrase) or self.gazetteer.is_country(phrase):
                    continue
                entries = [e for e in self.gazetteer.lookup(phrase, loose=False)
                           if e.country_iso2 == iso2 and e.feature in ("city", "town")]
                if entries and _one_place(entries):
                    towns[phrase] = entries[0]
            if len(self._anchors) > 256:
                self._anchors.clear()
            found = self._anchors[key] = tuple(towns.values())
        return found

    def _provinces_named(self, text: str, iso2: str) -> frozenset[str]:
        """ACLED names of the provinces of a country that a text names (one to three words at a time)."""
        key = (hash(text), iso2)
        found = self._mentioned.get(key)
        if found is None:
            # every capitalised word starts a phrase ("Aurangabad in Bihar" names Bihar)
            words = re.findall(r"(?=\b([A-Z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,2}))", text)
            names: set[str] = set()
            for phrase in words:
                parts = phrase.split()
                for n in range(len(parts), 0, -1):
                    canonical = self.gazetteer.canonical_admin1(" ".join(parts[:n]), iso2)
                    if canonical:
                        names.add(canonical)
                        break
            if len(self._mentioned) > 256:
                self._mentioned.clear()
            found = self._mentioned[key] = frozenset(names)
        return found

    def finer_place(self, place: Place, sentence: str, skip: Sequence[str] = ()) -> Place | None:
        """A town, village or district the sentence names inside the area an event was coded to ("Tal Madeeq
        town in Aleppo countryside" coded to Aleppo): the finest place the report gives, else None. Phrases in
        ``skip`` (the actors) are not places."""
        iso2 = self.gazetteer.country_iso2(place.country)
        if iso2 is None or not place.admin1:
            return None
        taken = {normalize_name(place.location), normalize_name(place.admin1),
                 *(normalize_name(text) for text in skip)}
        for match in _PHRASE.finditer(sentence):
            # the whole phrase, less a unit word ("Tuz Khurmatu District"), but not its first word alone, which is
            # often another, shorter name ("Kurah Zur", "Kura")
            whole = match.group(0)
            for phrase in dict.fromkeys((whole, _LOCAL_UNIT.sub("", _TRAILING.sub("", whole)).strip())):
                key = normalize_name(phrase)
                if (len(key) < 3 or key in taken or any(key in t for t in taken) or self.gazetteer.is_common_word(phrase)
                        or self.gazetteer.is_country(phrase) or self.gazetteer.demonym_country(phrase)
                        or self.gazetteer.canonical_admin1(phrase, iso2)):
                    continue
                found = self._inside_admin1(phrase, iso2, place)
                if found is None or place.geo_precision is GeoPrecision.NEAR and found[0].feature == "admin2":
                    continue  # a district is no finer than the district or town's countryside coded
                entry, score = found
                before = sentence[max(0, match.start() - 30):match.start()].lower()
                near = entry.feature != "town" and entry.feature != "city" or bool(_NEAR_BEFORE.search(before))
                return self._place(entry, GeoPrecision.NEAR if near else GeoPrecision.TOWN, score)
        return None

    def _inside_admin1(self, name: str, iso2: str, area: Place) -> tuple[GazetteerEntry, float] | None:
        """The one town, village or district called ``name`` in the province of an area (namesakes within
        ``CLUSTER_KM`` count as one; else the one in the area's district, or the one much nearer the area's
        point than the others), with the match's confidence."""
        admin1 = area.admin1
        entries = [(e, 1.0) for e in self.gazetteer.lookup(name, loose=False)
                   if e.country_iso2 == iso2 and e.admin1 == admin1 and e.feature in ("city", "town", "admin2")]
        for loose in (False, True):
            if entries or self.villages is None:
                break
            # inside one province a spelling that is merely alike is trusted when it is close
            entries = [(m.entry, m.confidence) for m in self.villages.lookup(name, {iso2}, loose=loose,
                                                                              gazetteer=self.gazetteer)
                       if m.entry.admin1 == admin1 and m.confidence >= FINER_LOOSE_CONFIDENCE]
        if (area.geo_precision is GeoPrecision.NEAR and area.admin2
                and normalize_name(area.location) == normalize_name(area.admin2)
                and self.gazetteer.canonical_admin1(area.location, iso2) is None):
            # coded to a district: a village of the name in another district of the province is another village
            entries = [pair for pair in entries if self._in_district(pair[0], area.admin2, area.latitude,
                                                                     area.longitude)]
        if not entries:
            return None
        entries.sort(key=lambda pair: (-pair[1], FEATURE_RANK[pair[0].feature], -pair[0].population))
        if _one_place([e for e, _ in entries]):
            return entries[0]
        in_district = [pair for pair in entries if area.admin2 and pair[0].admin2 == area.admin2]
        if in_district and _one_place([e for e, _ in in_district]):
            return in_district[0]
        if entries[0][1] < 0.95:
            return None  # a spelling merely alike, in several places: none is sure
        by_distance = sorted(entries, key=lambda pair: distance_km(area.latitude, area.longitude,
                                                                   pair[0].latitude, pair[0].longitude))
        near, second = (distance_km(area.latitude, area.longitude, e.latitude, e.longitude)
                        for e, _ in by_distance[:2])
        return by_distance[0] if near <= NEARER_RATIO * second else None

    def containing_area(self, place: PlaceMention, sentence: str, context_countries: Sequence[str] = (),
                        article_text: str | None = None) -> Place | None:
        """The district, province or town the sentence (else the article) names as holding a place the gazetteer
        lacks ("X village of Y district", "X area near Y", "X, Y province"), coded as ACLED codes such a place:
        the district (precision 2), the province (3) or the countryside of the town (2); None when none is."""
        head = place.text.split(",")[0].strip()
        if not head:
            return None
        for text in (sentence, article_text or ""):
            for at in re.finditer(re.escape(head), text):
                after = _AREA_AFTER.match(text, at.end())
                found = self._area_named(after, place, context_countries, article_text) if after else None
                if found is not None:
                    return found
        return None

    def _area_named(self, after: re.Match[str], place: PlaceMention, context_countries: Sequence[str],
                    article_text: str | None) -> Place | None:
        words, unit = after.group("name").split(), after.group("unit")
        found: Place | None = None
        for n in range(len(words), 0, -1):  # "Kunduz Province Police": the longest name that is a place
            name = " ".join(words[:n])
            if (n < len(words) and len(name) < 4 or self.gazetteer.is_country(name)
                    or self.gazetteer.is_common_word(name)):
                continue  # "Le" of "Le Marin" is no place of its own
            text = f"{name} {unit}" if unit and n == len(words) else name
            # the area must lie in the story's countries, when it names any
            found = self.geocode(PlaceMention(text, country_hint=place.country_hint), context_countries,
                                 strict=bool(context_countries or place.country_hint), article_text=article_text)
            if found is not None:
                break
        if found is None or found.location == found.country or not found.admin1 or found.score < 0.8:
            return None  # a spelling merely alike ("Bethlehem", Belem) or a name of many countries is no area
        precision = found.geo_precision if found.geo_precision is not GeoPrecision.TOWN else GeoPrecision.NEAR
        return replace(found, geo_precision=precision, score=round(min(found.score, 0.5), 2))

    def _place(self, entry: GazetteerEntry, precision: GeoPrecision, score: float) -> Place:
        info = self.gazetteer.country_info(entry.country_iso2)
        return Place(location=entry.name, country=entry.country, admin1=entry.admin1, admin2=entry.admin2,
                     latitude=entry.latitude, longitude=entry.longitude, geo_precision=precision,
                     country_iso3=info.iso3 if info else None, gazetteer_id=entry.gazetteer_id, score=score)

    def geocode_any(self, places: Sequence[PlaceMention], context_countries: Sequence[str] = ()) -> Place | None:
        """The most precise place among alternative mentions of one event's place (e.g. village, then province)."""
        found = [p for p in (self.geocode(place, context_countries) for place in places) if p is not None]
        if not found:
            return None
        return min(found, key=lambda p: (int(p.geo_precision), -p.score))

    def geocode_name(self, name: str, country: str | None = None) -> Place | None:
        """Geocode a bare place name, optionally only within a country (name or code)."""
        return self.geocode(PlaceMention(text=name, country_hint=country), strict=country is not None)

    # ---------------------------------------------------------------------------------------- internals

    def _candidates(self, name: str, context: list[str], loose: bool = True) -> tuple[list[GazetteerEntry], bool]:
        """Exact-name candidates, else (with ``loose``) transliteration-tolerant ones; the flag says which."""
        if self.gazetteer.is_common_word(name):
            return [], True
        exact = self.gazetteer.lookup(name, loose=False)
        if exact or not loose:
            return exact, True
        key = normalize_name(name)
        # a loose (consonant-skeleton) match must look like the name: same first letter, similar length
        loose = [e for e in self.gazetteer.lookup(name, loose=True) if resembles(key, normalize_name(e.name))]
        in_context = [e for e in loose if e.country_iso2 in context]
        if in_context:
            return in_context, False
        # otherwise a spelling merely alike is a person's or a group's name as often as a place's: only a
        # sizeable town, known in many spellings, is trusted, and only where it points to one country (across a
        # border from the context, else in a conflict country)
        near = self._neighbours(context)
        for group in ([e for e in loose if e.country_iso2 in near],
                      [e for e in loose if e.country_iso2 in CONFLICT_COUNTRIES]):
            if len({e.country_iso2 for e in group}) == 1:
                return [e for e in group if e.feature not in _SETTLEMENTS or _weight(e) >= SIZEABLE_ELSEWHERE], False
        return [], False

    def _across_border(self, reading: _Reading, areas: Sequence[list[GazetteerEntry]]) -> GazetteerEntry | None:
        """The one town of the country of the named areas called exactly by the mention's name, when GeoNames
        puts it within ``BORDER_KM`` of each named province or district (so only just outside it)."""
        iso2 = areas[0][0].country_iso2
        for name in reading.names:
            if self.gazetteer.is_common_word(name):
                continue
            towns = [e for e in self.gazetteer.lookup(name, loose=False)
                     if e.country_iso2 == iso2 and e.feature in ("city", "town", "facility")]
            if len(towns) != 1:
                continue  # a common name ("Oleksandrivka") has a namesake near every border
            if all(any(self._borders(towns[0], area) for area in readings) for readings in areas):
                return towns[0]
        return None

    def _borders(self, entry: GazetteerEntry, area: GazetteerEntry) -> bool:
        if _inside(entry, area):
            return True
        if area.feature not in ("admin1", "admin2") or entry.country_iso2 != area.country_iso2 or not area.admin1:
            return False
        return self.gazetteer.distance_to_admin1(entry.latitude, entry.longitude, entry.country_iso2,
                                                 area.admin1) <= BORDER_KM

    def _neighbours(self, context: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for iso2 in context:
            info = self.gazetteer.country_info(iso2)
            if info is not None:
                found.update(info.neighbours)
        return found

    def _areas(self, texts: Sequence[str], reading: _Reading, context: Sequence[str]) -> list[list[GazetteerEntry]]:
        """The containing areas named after a place ("Mankessim, Mfantsiman, Central"), innermost first, each as
        its gazetteer entries in the one country that explains the most of them and of the place itself."""
        exact = [[e for name in read_place_text(text).names for e in self.gazetteer.lookup(name, loose=False)
                  if e.feature in AREA_FEATURES] for text in texts]
        countries = {e.country_iso2 for entries in exact for e in entries} | set(context)
        found: list[list[GazetteerEntry]] = []
        for text, entries in zip(texts, exact):
            if not entries:
                # "Shirzad district, Nangarhar" is GeoNames' Sherzad: a resembling spelling of an admin area,
                # in a country the other areas or the article name
                entries = [e for name in read_place_text(text).names
                           for e in self.gazetteer.areas_spelled_like(name, countries)]
            if entries:
                found.append(list(dict.fromkeys(entries)))
        if not found:
            return []
        heads = [e for name in reading.names if not self.gazetteer.is_common_word(name)
                 for e in self.gazetteer.lookup(name, loose=False)]

        def support(iso2: str) -> tuple:
            # names that agree on a country: each area found there as a province (or the country) first (the
            # "Donetsk" of "X, Donetsk" is the Ukrainian oblast, not the Russian town, even when a Russian
            # village is called X), then each area found there at all, and the place itself
            mine = [[e for e in entries if e.country_iso2 == iso2] for entries in found]
            areas_named = sum(1 for entries in mine if entries)
            admin_named = sum(1 for entries in mine if any(e.feature in ("admin1", "country") for e in entries))
            named = areas_named + any(h.country_iso2 == iso2 for h in heads)
            ctx = context.index(iso2) if iso2 in context else len(context)
            weight = max((e.population for entries in mine for e in entries), default=0)
            # on a tie, the country of the areas the text names beats the country the article suggests: "Zap,
            # Duhok" in a story about Turkish strikes is the Iraqi Zap, not a Turkish village once called so
            return (-admin_named, -named, -areas_named, ctx, -weight)

        iso2 = min({e.country_iso2 for entries in (*found, heads) for e in entries}, key=support)
        chosen = [[e for e in entries if e.country_iso2 == iso2] for entries in found]
        chosen = [entries for entries in chosen if entries]
        # a country named as an area ("..., Niger") contains everything: keep it only when nothing finer is named
        finer = [entries for entries in chosen if entries[0].feature != "country"]
        for position, entries in enumerate(finer):
            # the outermost name is a province more often than a district of the same name ("X, Kharkiv")
            order = OUTER_AREA_FEATURES if position == len(finer) - 1 else AREA_FEATURES
            entries.sort(key=lambda e: order.index(e.feature))
        return finer or chosen

    def _choose(self, reading: _Reading, context: list[str], areas: Sequence[list[GazetteerEntry]] = (),
                strict: bool = False, article_text: str | None = None) -> tuple[GazetteerEntry | None, float]:
        """Best entry for the mention; ``strict`` keeps only places in the context countries, and with no
        context a small place abroad needs its province named in ``article_text``."""
        candidates: list[GazetteerEntry] = []
        exact = False
        # every spelling exactly first, then every spelling loosely
        for loose in (False, True):
            for name in reading.names:
                candidates, exact = self._candidates(name, context, loose=loose)
                if candidates:
                    break
            if candidates:
                break
        if not candidates:
            return None, 0.0
        if areas:
            # containing areas were named: keep places inside them when there are any
            inside = [e for e in candidates if _inside_all(e, areas)]
            candidates = inside or candidates
        in_context = [e for e in candidates if e.country_iso2 in context]
        if not context:
            # nothing in the story says which country: a small place outside the conflict countries is as likely
            # a word of a building's, a person's or a group's name ("White House") as the place
            candidates = [e for e in candidates if not _weak_elsewhere(e) or article_text and e.admin1
                          and e.admin1 in self._provinces_named(article_text, e.country_iso2)]
            if not candidates:
                return None, 0.0
        if context and not in_context:
            if strict:
                return None, 0.0
            # reports name the country of the actors ("Turkish drones") as often as that of the place: a place
            # just across a border is plausible, one far away must be a sizeable city or a country to be meant
            # (or a province name only one country has: "Lahij" in a story about a British hostage)
            near = self._neighbours(context)
            provinces = {e.country_iso2 for e in candidates if e.feature == "admin1"}
            candidates = [e for e in candidates if e.country_iso2 in near or e.feature == "country"
                          or e.feature == "city" and e.population >= 50_000
                          or e.feature == "admin1" and len(provinces) == 1]
            if not candidates:
                return None, 0.0
        near = self._neighbours(context)
        pool = in_context or candidates
        # a place called by its own name beats one that has the name only among its alternate spellings
        keys = {normalize_name(name) for name in reading.names}

        def alternate(entry: GazetteerEntry) -> bool:
            if entry.gazetteer_id.startswith("curated:"):
                return False  # the curated list names each spelling it is meant to be found by
            return normalize_name(entry.name) not in keys and normalize_name(strip_admin_suffix(entry.name)) not in keys

        # a capital-size city outweighs a same-named hamlet in the context country ("Kabul" vs "Cabool"), when it
        # bears the name itself (Belem, once "Bethlehem", does not outweigh Bethlehem in a story of Palestine)
        if in_context:
            local = max(_weight(e) for e in in_context)
            major = [e for e in candidates if e.feature == "city" and e.population >= 1_000_000
                     and e.population >= 20 * max(local, 1) and not alternate(e)]
            if major:
                pool = major

        # pick the country first (context order, then neighbours, then a place of the kind the words ask for,
        # then the most important match), then the feature
        wanted_all = self._feature_preference(reading, pool)

        def importance(iso2: str) -> tuple:
            # outside the story's countries, a place that bears the name itself comes before the prior for
            # neighbours and conflict countries: "Philadelphia" is the US city, not a town once called so
            ctx = context.index(iso2) if iso2 in context else len(context)
            prior = 0 if iso2 in context or iso2 in near else 1 if iso2 in CONFLICT_COUNTRIES else 2
            mine = [e for e in pool if e.country_iso2 == iso2]
            fit = min(wanted_all.get(e.feature, 9) for e in mine)
            return (ctx, all(alternate(e) for e in mine), prior, fit if not context else 0,
                    -max(_weight(e) for e in mine))

        country = min({e.country_iso2 for e in pool}, key=importance)
        pool = [e for e in pool if e.country_iso2 == country]
        if article_text and len(pool) > 1 and not _one_place(pool):
            # namesakes in one country: the one in a province, or near a town, the article also names
            pool = self.by_places_named(pool, article_text, keys) or pool
        wanted = self._feature_preference(reading, pool)
        pool.sort(key=lambda e: (wanted.get(e.feature, 9), alternate(e), -e.population, FEATURE_RANK[e.feature]))
        best = pool[0]
        score = 1.0 if exact else 0.6
        if not in_context and len({e.country_iso2 for e in candidates}) > 1:
            score -= 0.2
        if context and best.country_iso2 not in context:
            score -= 0.2
        return best, round(max(score, 0.1), 2)

    @staticmethod
    def _feature_preference(reading: _Reading, pool: list[GazetteerEntry]) -> dict[str, int]:
        """Feature order for this mention: what the words around the name say it is."""
        if reading.province:
            return {"admin1": 0, "region": 1, "admin2": 2, "city": 3, "town": 3, "facility": 4, "country": 5}
        if reading.district:
            return {"admin2": 0, "city": 1, "town": 1, "admin1": 2, "region": 3, "facility": 4, "country": 5}
        if reading.town or reading.near:
            return {"facility": 0, "city": 0, "town": 0, "region": 1, "admin2": 2, "admin1": 3, "country": 4}
        if reading.direction and any(e.feature == "admin1" for e in pool):
            return {"admin1": 0, "region": 1, "city": 2, "town": 2, "admin2": 3, "facility": 4, "country": 5}
        # bare name: the town of that name if there is one, else the named facility/region/area
        return {"facility": 0, "town": 0, "city": 0, "region": 1, "admin2": 2, "admin1": 3, "country": 4}

    @staticmethod
    def _precision(entry: GazetteerEntry, reading: _Reading) -> GeoPrecision:
        if entry.feature in ("admin1", "country"):
            return GeoPrecision.REGION
        if entry.feature in ("admin2", "region"):
            return GeoPrecision.NEAR
        if reading.near or reading.direction:
            return GeoPrecision.NEAR
        return GeoPrecision.TOWN

