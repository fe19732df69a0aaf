"""resolve stage: geocode each event's place and normalise its actors to canonical ACLED-style names.

Entry point: ``Resolver.load()`` then ``resolver.resolve(mention, article) -> ResolvedEvent``. The parts are usable
alone: ``gazetteer.load_gazetteer()``, ``geocode.Geocoder``, ``actors.load_actor_normalizer()``.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from conflictlog.records import ActorMention, Article, EventMention, GeoPrecision, Place, ResolvedEvent
from conflictlog.resolve.actors import ActorNormalizer, canonical_key, load_actor_normalizer
from conflictlog.resolve.gazetteer import DATA_DIR, Gazetteer, GazetteerEntry, acled_admin1, load_gazetteer
from conflictlog.resolve.geocode import Geocoder
from conflictlog.resolve.villages import load_villages

logger = logging.getLogger(__name__)

#: Qualifiers of a place mention that make it an area a finer place can lie in.
AREA_QUALIFIERS = frozenset({"countryside", "area", "areas", "district", "province", "region", "governorate",
                             "rural"})
#: Geocoding score of an event coded to its country because the report names no place that can be found.
COUNTRY_FALLBACK_SCORE = 0.3

__all__ = ["ActorNormalizer", "Gazetteer", "GazetteerEntry", "Geocoder", "Resolver", "canonical_key",
           "load_actor_normalizer", "load_gazetteer"]


ADMIN_UNIT_WORDS = DATA_DIR / "admin_unit_words.toml"


@lru_cache(maxsize=1)
def _unit_words() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    with ADMIN_UNIT_WORDS.open("rb") as handle:
        words = {key.lower(): tuple(value) for key, value in tomllib.load(handle)["words"].items()}
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.I)
    return pattern, words


def unit_countries(text: str) -> tuple[str, ...]:
    """Countries (ACLED names, most likely first) implied by the first administrative-unit word in the text
    that only some countries use ("upazila", "LGA", "woreda"); () if none."""
    pattern, words = _unit_words()
    match = pattern.search(text)
    return words[match.group(1).lower()] if match else ()


# The words whose generic actor stands in for an actor1 the report does not name, by sub-event or event type.
UNNAMED_ACTOR = {
    "Air/drone strike": "unidentified aircraft",
    "Battles": "unidentified armed group",
    "Explosions/Remote violence": "unidentified armed group",
    "Violence against civilians": "unidentified armed group",
    "Protests": "protesters",
    "Riots": "rioters",
}
_CROWD_ACTOR = re.compile(r"^(Civilians|Protesters|Rioters) \((.+)\)$")
_NATIONALITY_OF = re.compile(r"\bof ([A-Z][a-z]+) (?:citizenship|nationality|origin)\b")


@dataclass
class Resolver:
    """Geocodes places and normalises actors of event mentions, using the article for country context."""

    gazetteer: Gazetteer
    geocoder: Geocoder
    actors: ActorNormalizer
    _country_pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _country_of: dict[str, str] = field(default_factory=dict, repr=False)
    _context_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls) -> Resolver:
        """A resolver over the shared gazetteer and actor table (the gazetteer index is built on first use)."""
        gazetteer = load_gazetteer()
        return cls(gazetteer=gazetteer, geocoder=Geocoder(gazetteer, load_villages()), actors=load_actor_normalizer())

    def article_countries(self, article: Article | None) -> tuple[str, ...]:
        """Countries (ACLED names) an article names, by country name or demonym, most mentioned first."""
        if article is None:
            return ()
        cached = self._context_cache.get(article.article_id)
        if cached is not None:
            return cached
        pattern = self._countries_regex()
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for match in pattern.finditer(f"{article.title or ''}\n{article.text}"):
            country = self._country_of[match.group(0).lower()]
            counts[country] += 1
            first.setdefault(country, match.start())
        result = tuple(sorted(counts, key=lambda c: (-counts[c], first[c])))
        if len(self._context_cache) > 1024:
            self._context_cache.clear()
        self._context_cache[article.article_id] = result
        return result

    def _people_of(self, name: str | None, described: tuple[ActorMention, ...]) -> str | None:
        """ACLED qualifies civilians, protesters and rioters by their own nationality when the report gives it
        ("Israeli settlers" riot in the West Bank: Rioters (Israel); "an employee of British citizenship":
        Civilians (United Kingdom)), else by the event's country."""
        crowd = _CROWD_ACTOR.match(name or "")
        if crowd is None or not described:
            return name
        text = described[0].text
        nationality = _NATIONALITY_OF.search(text)
        words = [nationality.group(1)] if nationality else re.findall(r"[A-Z][a-z]+", text)[:2]
        for word in words:
            country = self.gazetteer.demonym_country(word)
            if country is not None:
                return f"{crowd.group(1)} ({country})"
        return name

    def _countries_regex(self) -> re.Pattern[str]:
        if self._country_pattern is None:
            names: dict[str, str] = {}
            for demonym, country in self.gazetteer.demonyms().items():
                names[demonym[0].upper() + demonym[1:]] = country
            for info in self.gazetteer.countries():
                for name in (info.name, info.geonames_name, *info.aliases):
                    if len(name) > 2:  # "US", "UK" are too often other things
                        names[name] = info.name
            self._country_of = {name.lower(): country for name, country in names.items()}
            alternatives = sorted((re.escape(n) for n in names), key=len, reverse=True)
            # case-sensitive: names as written in running text ("Syrian", "Iraq"), not "turkey" or "chad"
            self._country_pattern = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")
        return self._country_pattern

    @staticmethod
    def _coded_to_area(place: Place, mention: EventMention) -> bool:
        """Whether the event was coded to a province, or to a district, area or countryside the report names
        (not to a place "near" a town, which says its own precision)."""
        if place.geo_precision is GeoPrecision.REGION:
            return True
        if place.geo_precision is GeoPrecision.NEAR and place.location == place.admin1:
            return True  # the province's name, read as its capital's district
        return mention.place is not None and mention.place.qualifier in AREA_QUALIFIERS

    def resolve(self, mention: EventMention, article: Article | None = None) -> ResolvedEvent:
        """Geocode the mention's place and normalise its actors with the event's country and date."""
        texts = [a.text for a in (mention.actor1, mention.actor2, *mention.assoc_actor_1, *mention.assoc_actor_2)
                 if a is not None]
        # a group active in one country only ("QSD", "Houthis") says more than countries the article names
        inferred = self.actors.infer_country(texts)
        context = self.article_countries(article)
        if inferred:
            context = (inferred, *(c for c in context if c != inferred))
        elif not context and mention.evidence:
            # no country named anywhere: a single-country group the report mentions outside the actor roles,
            # else a word for an administrative unit only some countries use ("X upazila")
            in_text = self.actors.infer_country_in(" ".join(e.text for e in mention.evidence))
            context = (in_text,) if in_text else unit_countries(article.text if article else "")
        event_date: date | None = mention.date.start if mention.date is not None else (
            article.published if article is not None else None)
        place: Place | None = None
        if mention.place is not None:
            place = self.geocoder.geocode(mention.place, context, article_text=article.text if article else None)
        if place is None and mention.place is not None and mention.evidence:
            # a village the gazetteer lacks: the district, province or town the sentence puts it in
            place = self.geocoder.containing_area(mention.place, mention.evidence[0].text, context,
                                                  article_text=article.text if article else None)
        country = place.country if place is not None else (context[0] if context else None)
        if place is None and country is not None:
            # the report names no place that can be found, but its country is known: code the event to the
            # country (precision 3) rather than to nowhere
            logger.debug("resolve: place %r not found; coded to the country from context: %s",
                         mention.place.text if mention.place else None, country)
            fallback = self.geocoder.geocode_name(country, country)
            place = replace(fallback, score=COUNTRY_FALLBACK_SCORE) if fallback is not None else None
        if place is not None and mention.evidence and self._coded_to_area(place, mention):
            # coded to an area: the sentence may name the town or village inside it
            place = self.geocoder.finer_place(place, mention.evidence[0].text, texts) or place
        if place is not None and place.admin1:
            iso2 = self.gazetteer.country_iso2(place.country)
            if iso2:
                place = replace(place, admin1=acled_admin1(iso2, place.admin1, place.admin2, event_date))

        def one(actor: ActorMention | None) -> str | None:
            # an actor the alias table does not know keeps its proper name, or becomes the actor its head noun
            # names; a phrase that names no actor (a place, a vehicle, "themselves") is no actor
            if actor is None:
                return None
            name = self.actors.normalize(actor.text, country, event_date)
            if name is None:
                name = self.actors.unknown_actor(actor.text, country, event_date)
                if name is not None and self.gazetteer.lookup(name, country, loose=False):
                    return None
            return name

        def many(actors: tuple[ActorMention, ...], main: str | None) -> tuple[str, ...]:
            return tuple(dict.fromkeys(name for name in (one(a) for a in actors) if name and name != main))

        actor1 = self._people_of(one(mention.actor1), mention.assoc_actor_1)
        actor2 = self._people_of(one(mention.actor2), mention.assoc_actor_2)
        if actor1 is None:
            actor1 = self._unnamed_actor(mention.event_type, mention.sub_event_type, country, event_date)
        return ResolvedEvent(
            mention=mention, place=place, actor1=actor1, actor2=actor2,
            assoc_actor_1=many(mention.assoc_actor_1, actor1), assoc_actor_2=many(mention.assoc_actor_2, actor2),
        )

    def _unnamed_actor(self, event_type: str, sub_event_type: str, country: str | None,
                       event_date: date | None) -> str | None:
        """ACLED's generic actor1 of a violent event or a crowd event whose report names none: an unidentified
        armed group (military forces for an air or drone strike), the protesters or the rioters."""
        words = UNNAMED_ACTOR.get(sub_event_type) or UNNAMED_ACTOR.get(event_type)
        return self.actors.normalize(words, country, event_date) if words else None
