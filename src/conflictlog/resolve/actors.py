"""Actor normalisation: how reports name an actor ("regime forces", "the SDF", "Iraqi police") -> ACLED-style
canonical names ("Military Forces of Syria (2000-)", "QSD: Syrian Democratic Forces", "Police Forces of Iraq
(2020-2022)"), from the alias table in data/actors.toml. Generic actors take the event's country
("Protesters (Syria)"); state forces take the regime period that contains the event date.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from conflictlog.errors import ResolveError
from conflictlog.resolve.gazetteer import CountryInfo, fold, load_country_table, normalize_name

logger = logging.getLogger(__name__)

ACTORS_TOML = Path(__file__).resolve().parent.parent / "data" / "actors.toml"

E503 = "{path}: bad actor table entry {entry}: {reason}"
E504 = "{path}: cannot read actor table: {reason}"

# Countries ACLED writes with "the" in state-force names ("Military Forces of the United States").
WITH_THE = frozenset({"United States", "Democratic Republic of Congo", "Republic of Congo", "Central African Republic",
                      "Philippines", "United Kingdom", "United Arab Emirates", "Netherlands", "Gambia", "Bahamas",
                      "Comoros", "Maldives", "Seychelles", "Marshall Islands", "Solomon Islands"})

_YEAR_SPAN = re.compile(r"\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")
_PUNCT = re.compile(r"[^a-z0-9]+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_COUNTRY_QUALIFIER = re.compile(r"^(.+?)\s*\(([^()]+)\)$")
_ALLOWED_PLACEHOLDERS = {"country", "military", "police", "period"}

# Force nouns that also name non-state forces or weapons, so never a state force on their own.
_AMBIGUOUS_FORCE_WORDS = frozenset({"force", "forces", "units", "missiles", "shelling", "drones", "drone",
                                    "artillery", "tanks", "jets", "jet", "aircraft", "helicopters", "helicopter",
                                    "warplanes", "warplane", "bombers", "airstrike", "airstrikes", "air strikes",
                                    "gunboats", "commandos", "commando", "ranger", "rangers"})
# Words in front of an actor name that do not change who it is ("the", "some 12", "dozens of").
_LEADING_NOISE = re.compile(
    r"^(?:(?:a group of|groups of|a number of|a unit of|units of|members of|fighters of|elements of|some|"
    r"several|many|dozens of|hundreds of|thousands of|scores of|a few|few|about|around|at least|more than|"
    r"over|nearly|almost|approximately|up to|an estimated|both|all|other|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|dozens|hundreds|thousands|\d+|the|an|a)\s+)+")
_LEADING_DESCRIPTOR = re.compile(
    r"^(?:(?:suspected|alleged|presumed|so called|so-called|local|armed|heavily armed|unnamed|joint|[a-z]+-(?:backed|led|linked|"
    r"affiliated|allied|aligned|supported|sponsored))\s+)+")
# Formation words inside a force's name ("the regime's 25th Armored Division", "the 5th Brigade of the army").
_FORMATION = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|armou?red|"
    r"mechani[sz]ed|motori[sz]ed|infantry|airborne|division|divisions|brigade|brigades|battalion|battalions|"
    r"regiment|regiments|corps|company|squadron|of)\b")
_OWNED_BY = re.compile(r"^([a-z ]{3,40}?) of (?:the )?([a-z]+(?: [a-z]+){0,2})$")
_TRAILING_NOISE = re.compile(
    r"(?:\s+(?:members|member|fighters|fighter|militants|militant|elements|cells|cell|positions|personnel|"
    r"units|unit|group|groups|militia|militias|loyalists|affiliates|supporters|operatives|jihadists|"
    r"terrorists|insurgents|gunmen|rebels|forces|troops|soldiers|detachment|detachments|patrol|patrols|"
    r"convoy|vehicle|vehicles|checkpoint|checkpoints|base|bases|headquarters|post|posts|brigade|battalion))+$")


# "members of a Niger communal militia", "Hema ethnic militiamen": a militia a place or people names.
_IDENTITY_MILITIA = re.compile(
    r"^(?:(?:members|elements|fighters|militiamen) of )?(?:an? |the |suspected |armed )*"
    r"([A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2}) (communal|ethnic|clan) (?:militia|militias|militiamen)$")
# Leading words of a phrase that are no part of a group's name: articles, quantities, honorifics.
_NAME_LEAD = re.compile(r"^(?:(?:the|a|an|some|several|many|two|three|four|five|six|seven|eight|nine|ten|\d+|"
                        r"mr|mrs|ms|dr)\.?\s+)+", re.IGNORECASE)
# Particles that stay lowercase inside a proper name ("Group for Support of Islam and Muslims", "Ahl al-Marouf").
_NAME_PARTICLES = frozenset({"of", "the", "and", "for", "in", "de", "du", "des", "la", "le", "al", "el", "bin",
                             "ibn", "wal", "lid", "is", "y", "da", "di", "-"})
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&'-]{1,7}")
# Nouns that end a description of a group a capitalised word identifies ("Fulani extremists", "National
# Resistance forces"): the description is the actor's name as the report gives it.
_GROUP_NOUNS = frozenset({"forces", "militia", "militias", "militiamen", "rebels", "extremists", "separatists",
                          "insurgents", "settlers", "herders", "guerrillas", "jihadists", "loyalists", "group",
                          "movement", "front", "army", "brigade", "brigades", "party", "fighters"})


def _capitalised(word: str) -> bool:
    return re.search(r"(?:^|-)[A-Z0-9]", word) is not None


def looks_like_name(text: str) -> bool:
    """True for a group's name: two or more words all capitalised (particles aside, leading articles and
    quantities dropped), one acronym ("FDLR"), or capitalised words before a group noun ("Fulani extremists");
    False for descriptions that name no group ("a checkpoint", "Seven soldiers", "Warplanes")."""
    words = _NAME_LEAD.sub("", text.strip()).split()
    if len(words) == 1:
        return bool(_ACRONYM.fullmatch(words[0]))
    content = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not content or len(words) < 2:
        return False
    if all(_capitalised(w) for w in content):
        return True
    head = content[-1].lower()
    return head in _GROUP_NOUNS and len(content) > 1 and all(_capitalised(w) for w in content[:-1])


def canonical_key(name: str) -> str:
    """Comparison key for actor names: lower-case, no punctuation, no "(2000-)"/"(2014-2021)" year spans, no "the"."""
    text = _YEAR_SPAN.sub(" ", name)
    text = fold(text).lower().replace("&", " and ").replace(".", "")
    words = [w for w in _PUNCT.split(text) if w and w != "the"]
    return " ".join(words)


def alias_key(text: str) -> str:
    """Lookup key for an alias or a mention: folded, lower-case, punctuation to spaces ("U.S.-led" = "US led")."""
    text = fold(text).lower().replace("&", " and ").replace(".", "")
    return " ".join(w for w in _PUNCT.split(text) if w)


@dataclass(frozen=True, slots=True)
class ActorSpec:
    """One alias-table entry: a name template and the conditions under which it applies."""

    name: str
    generic: bool = False
    countries: tuple[str, ...] = ()
    by_country: dict[str, str] = field(default_factory=dict)
    regime: str | None = None
    regime_force: str = "military"
    since: tuple[tuple[date, str], ...] = ()
    since_countries: tuple[str, ...] = ()
    before: tuple[tuple[date, str], ...] = ()
    home: str | None = None


def _home(spec: ActorSpec) -> str | None:
    """The one country a named actor belongs to (its home, or its only country), else None."""
    return spec.home or (spec.countries[0] if len(spec.countries) == 1 else None)


@dataclass(frozen=True, slots=True)
class RegimePeriod:
    """A regime period of one country: first day and the label written in state-force names."""

    start: date
    label: str


class ActorNormalizer:
    """Maps actor mentions to canonical ACLED-style names using the alias table and the event's country and date."""

    def __init__(self, specs: Sequence[ActorSpec], aliases: dict[str, list[int]], regimes: dict[str, list[RegimePeriod]],
                 military_words: frozenset[str], police_words: frozenset[str],
                 countries: dict[str, CountryInfo], not_actor_words: frozenset[str] = frozenset()) -> None:
        self._specs = list(specs)
        self._not_actor_words = not_actor_words
        self._aliases = aliases
        self._regimes = regimes
        self._military_words = military_words
        self._police_words = police_words
        self._country_by_key: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}
        for info in countries.values():
            for name in (info.name, info.geonames_name, info.iso2, info.iso3, *info.aliases):
                if name:
                    self._country_by_key.setdefault(normalize_name(name), info.name)
            for demonym in info.demonyms:
                self._demonyms.setdefault(alias_key(demonym), info.name)

    # ------------------------------------------------------------------------------------------ public

    def normalize(self, text: str, country: str | None = None, event_date: date | None = None) -> str | None:
        """Canonical actor name for ``text`` in an event in ``country`` on ``event_date``; None when unknown or
        ambiguous ("the terrorist group")."""
        if not text or not text.strip():
            return None
        country_name = self.country_name(country) if country else None
        text = _YEAR_SPAN.sub(" ", text)
        qualified = _COUNTRY_QUALIFIER.match(text.strip())
        if qualified and self.country_name(qualified.group(2)):
            # an already-canonical name ("Protesters (Syria)") keeps the country it names
            text, country_name = qualified.group(1), self.country_name(qualified.group(2))
        named = self._identity_militia(text, country_name)
        if named is not None:
            return named
        for variant in self._variants(text):
            result = self._match_alias(variant, country_name, event_date)
            if result is None:
                result = self._match_nationality(variant, country_name, event_date)
            if result is not None:
                logger.debug("actor: %r -> %r (%s, %s)", text, result, country_name, event_date)
                return result
        result = self._match_contained(text, country_name, event_date)
        if result is not None:
            logger.debug("actor: %r -> %r (named inside the phrase)", text, result)
            return result
        result = self._match_force_words(text, country_name, event_date)
        if result is not None:
            logger.debug("actor: %r -> %r (the force its words name)", text, result)
            return result
        logger.debug("actor: %r not in the alias table", text)
        return None

    def _identity_militia(self, text: str, country: str | None) -> str | None:
        """ACLED's name for a militia a place or people names ("a Niger communal militia" -> "Niger Communal
        Militia (Nigeria)", "Hema ethnic militia"); None when nothing or only a nationality names it."""
        found = _IDENTITY_MILITIA.match(text.strip())
        if found is None:
            return None
        name, kind = found.group(1), found.group(2).title()
        key = alias_key(name)
        if key in self._demonyms or self.country_name(name) == country or any(
                self._specs[i].name.startswith(f"{name} {kind} Militia") for i in self._aliases.get(
                    alias_key(f"{name} {kind} militia"), ())):
            return None  # "a Nigerian communal militia" is unidentified; a table entry knows its own group
        return f"{name} {kind} Militia ({country})" if country else f"{name} {kind} Militia"

    def unknown_actor(self, text: str, country: str | None = None, event_date: date | None = None) -> str | None:
        """What a phrase the alias table does not know stands for: a group's proper name as written (without a
        leading article), the actor its last words name ("UPND rioters" -> Rioters), or None when it names no
        actor ("a checkpoint", "themselves", "the weekly market"). A name with a word for a place, a person's
        title or a thing ("Jabal Subeih", "President ...", "Mercedes 4WD") is no actor either."""
        words = alias_key(text).split()
        if any(w in self._not_actor_words for w in words) or any(
                " ".join(pair) in self._not_actor_words for pair in zip(words, words[1:])):
            return None
        if looks_like_name(text):
            return _NAME_LEAD.sub("", text.strip())
        words = _NAME_LEAD.sub("", alias_key(text)).split()
        for size in (2, 1):
            if len(words) >= size:
                name = self.normalize(" ".join(words[-size:]), country, event_date)
                if name is not None:
                    return name
        return None

    def _match_force_words(self, text: str, country: str | None, event_date: date | None) -> str | None:
        """A phrase that begins with "police" or ends in a state-force noun ("police Special Action Force
        personnel", "hostage police officers"): that force, when nothing more specific matched."""
        words = alias_key(text).split()
        if not words or not country:
            return None
        if all(w[:1].isupper() for w in re.findall(r"[A-Za-z][\w'-]*", text)):
            return None  # a proper name ("Free Syrian Police") is its own actor, kept as the report writes it
        keys = [" ".join(words[-2:]), words[-1]] if len(words) > 1 else [words[0]]
        if words[0] in self._police_words:
            keys.append(words[0])
        for key in keys:
            if key in self._police_words:
                return self.state_force(country, "police", event_date)
            if key in self._military_words and key not in _AMBIGUOUS_FORCE_WORDS:
                return self.state_force(country, "military", event_date)
        return None

    def infer_country(self, texts: Iterable[str]) -> str | None:
        """The country implied by actors that exist in one country only ("QSD" -> Syria), when all agree."""
        found: set[str] = set()
        for text in texts:
            for variant in self._variants(text or ""):
                named = [s for s in (self._specs[i] for i in self._aliases.get(variant, ())) if not s.generic]
                homes = {_home(s) for s in named}
                if named and None not in homes:
                    found.update(h for h in homes if h)
                    break
        return found.pop() if len(found) == 1 else None

    def infer_country_in(self, text: str) -> str | None:
        """The country implied by single-country groups named anywhere in a passage ("... belonging to TTP"),
        when all of them agree; short all-capital aliases count only when written in capitals."""
        found: set[str] = set()
        for _, named in self._named_inside(text):
            homes = {_home(s) for s in named}
            if None not in homes:
                found.update(h for h in homes if h)
        return found.pop() if len(found) == 1 else None

    def _named_inside(self, text: str) -> Iterator[tuple[str, list[ActorSpec]]]:
        """(alias, named specs) for every named (non-generic) alias inside ``text``, longest first; short
        all-capital aliases ("IS") count only when written in capitals."""
        original = fold(text)
        words = alias_key(text).split()
        for size in range(min(6, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                key = " ".join(words[start:start + size])
                named = [self._specs[i] for i in self._aliases.get(key, ()) if not self._specs[i].generic]
                if named and not (len(key) <= 4 and not re.search(rf"\b{re.escape(key.upper())}\b", original)):
                    yield key, named

    def _match_contained(self, text: str, country: str | None, event_date: date | None) -> str | None:
        """A named (non-generic) actor alias inside a longer phrase: "the Nidaa Brigade of the PMF", "a QSD
        vehicle". Longest alias first; short all-capital aliases ("IS") must be written in capitals."""
        for key, _ in self._named_inside(text):
            result = self._match_alias(key, country, event_date)
            if result is not None:
                return result
        return None

    def normalize_many(self, texts: Iterable[str], country: str | None = None,
                       event_date: date | None = None) -> tuple[str, ...]:
        """Canonical names for several mentions, unknown ones left out, duplicates removed, order kept."""
        names = (self.normalize(text, country, event_date) for text in texts)
        return tuple(dict.fromkeys(name for name in names if name))

    def country_name(self, code_or_name: str) -> str | None:
        """ACLED country name for a code, name or alias, or None."""
        return self._country_by_key.get(normalize_name(code_or_name))

    def state_force(self, country: str, force: str = "military", event_date: date | None = None) -> str:
        """"Military Forces of X (period)" or "Police Forces of X (period)" for the period containing the date."""
        name = self.country_name(country) or country
        prefix = "Military Forces of" if force == "military" else "Police Forces of"
        the = "the " if name in WITH_THE else ""
        label = self.period_label(name, event_date)
        return f"{prefix} {the}{name} ({label})" if label else f"{prefix} {the}{name}"

    def period_label(self, country: str, event_date: date | None = None) -> str | None:
        """The regime-period label ("2000-", "2014-2021") for a country on a date (latest when no date)."""
        periods = self._regimes.get(country)
        if not periods:
            return None
        if event_date is None:
            return periods[-1].label
        chosen = None
        for period in periods:
            if period.start <= event_date:
                chosen = period
        return (chosen or periods[0]).label

    # --------------------------------------------------------------------------------------- internals

    @staticmethod
    def _variants(text: str) -> list[str]:
        """The mention's key, then simpler forms: leading quantities, descriptors and member words dropped."""
        key = alias_key(re.sub(r"['’]s\b", "", text))
        out = [key]
        stripped = _LEADING_NOISE.sub("", key)
        out.append(stripped)
        described = _LEADING_DESCRIPTOR.sub("", stripped)
        out.append(described)
        for form in (stripped, described):
            trimmed = _TRAILING_NOISE.sub("", form)
            if trimmed and trimmed != form:
                out.append(trimmed)
        unit = " ".join(_FORMATION.sub(" ", described).split())
        if unit and unit != described:
            out.append(_LEADING_NOISE.sub("", unit))
        owned = _OWNED_BY.match(described)
        if owned:
            # "troops of India" is "India troops", read like "Indian troops"
            out.append(f"{owned.group(2)} {owned.group(1)}")
        return [v for v in dict.fromkeys(out) if v]

    def _match_alias(self, key: str, country: str | None, event_date: date | None) -> str | None:
        hits = [self._specs[i] for i in self._aliases.get(key, ())]
        if not hits:
            return None
        named = [s for s in hits if not s.generic]
        if country:
            local = [s for s in named if country in s.countries]
            anywhere = [s for s in named if not s.countries]
            generic = [s for s in hits if s.generic]
            for group in (local, anywhere, generic):
                if group:
                    return self._render(group[0], country, event_date)
            return None
        # no country known: only an unambiguous alias that needs no country
        candidates = {self._render(s, None, event_date) for s in hits}
        candidates.discard(None)
        return candidates.pop() if len(candidates) == 1 else None

    def _match_nationality(self, key: str, country: str | None, event_date: date | None) -> str | None:
        """"Iraqi police", "Afghan soldiers", "Russian warplanes": demonym + force or generic word."""
        words = key.split()
        for size in (3, 2, 1):
            if len(words) <= size:
                continue
            head = " ".join(words[:size])
            demonym_country = self._demonyms.get(head) or (self._country_by_key.get(head.replace(" ", ""))
                                                           if len(head) > 2 else None)
            if demonym_country is None:
                continue
            rest = " ".join(words[size:])
            rest = re.sub(r"^(?:pro )?(?:government|regime|state|national|federal)\s+(?=\w)", "", rest) or rest
            rest_words = rest.split()
            ends = {rest, rest_words[0], rest_words[-1], " ".join(rest_words[:2]), " ".join(rest_words[-2:])}
            if rest_words[0] in ("military", "army"):
                return self.state_force(demonym_country, "military", event_date)  # "Syrian military intelligence"
            if ends & self._police_words:
                return self.state_force(demonym_country, "police", event_date)
            if ends & self._military_words:
                return self.state_force(demonym_country, "military", event_date)
            # "Syrian civilians", "Iraqi protesters": the generic actor in the named country
            result = self._match_alias(rest, demonym_country, event_date)
            if result is not None and f"({demonym_country})" in result:
                return result
        return None

    def _render(self, spec: ActorSpec, country: str | None, event_date: date | None) -> str | None:
        template = spec.name
        if country and country in spec.by_country:
            template = spec.by_country[country]
        if event_date is not None:
            for start, name in spec.since:
                if event_date >= start and (not spec.since_countries or country in spec.since_countries):
                    template = name
            for end, name in spec.before:
                if event_date < end:
                    template = name
        needed = set(_PLACEHOLDER.findall(template))
        if needed & {"military", "police"} and not country:
            return None
        if "country" in needed and not country:
            # no country known: the name without its country ("Civilians", "Unidentified Armed Group")
            template = template.replace(" ({country})", "")
            needed = set(_PLACEHOLDER.findall(template))
            if "country" in needed:
                return None
        values = {"country": country or ""}
        if "military" in needed:
            values["military"] = self.state_force(country or "", "military", event_date)
        if "police" in needed:
            values["police"] = self.state_force(country or "", "police", event_date)
        if "period" in needed:
            regime = spec.regime or country or ""
            label = self.period_label(regime, event_date)
            values["period"] = label or ""
            if not label:
                template = template.replace(" ({period})", "")
        return template.format(**values).strip()


# ------------------------------------------------------------------------------------------------ loading


def _parse_date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise ResolveError(E503.format(path=ACTORS_TOML.name, entry=where, reason=f"bad date {value!r}"),
                           code="E503") from err


def read_actor_table(path: Path = ACTORS_TOML) -> dict:
    """The parsed actor table (TOML); raises ResolveError (E504) naming the file when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ResolveError(E504.format(path=path, reason=err), code="E504") from err


def build_normalizer(table: dict, countries: dict[str, CountryInfo]) -> ActorNormalizer:
    """Validate an actor table and index its aliases; raises ResolveError (E503) naming the bad entry."""
    acled_names = {info.name for info in countries.values()}

    def bad(entry: str, reason: str) -> ResolveError:
        return ResolveError(E503.format(path=ACTORS_TOML.name, entry=entry, reason=reason), code="E503")

    regimes: dict[str, list[RegimePeriod]] = {}
    for country, periods in table.get("regimes", {}).items():
        if country not in acled_names:
            raise bad(f"regimes.{country}", "not an ACLED country name (see country_names.csv)")
        parsed = [RegimePeriod(_parse_date(start, f"regimes.{country}"), label) for start, label in periods]
        if [p.start for p in parsed] != sorted(p.start for p in parsed):
            raise bad(f"regimes.{country}", "periods must be oldest first")
        for period in parsed:
            if not re.fullmatch(r"\d{4}-(\d{4})?", period.label):
                raise bad(f"regimes.{country}", f"label {period.label!r} is not 'YYYY-' or 'YYYY-YYYY'")
        regimes[country] = parsed

    words = table.get("force_words", {})
    military = frozenset(alias_key(w) for w in words.get("military", ()))
    police = frozenset(alias_key(w) for w in words.get("police", ()))

    specs: list[ActorSpec] = []
    aliases: dict[str, list[int]] = {}
    for generic, section in ((True, "generic"), (False, "actor")):
        for number, item in enumerate(table.get(section, ()), start=1):
            where = f"{section}[{number}] {item.get('name')!r}"
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                raise bad(where, "name missing")
            names = [name, *item.get("by_country", {}).values(), *item.get("since", {}).values(),
                     *item.get("before", {}).values()]
            for template in names:
                unknown = set(_PLACEHOLDER.findall(template)) - _ALLOWED_PLACEHOLDERS
                if unknown:
                    raise bad(where, f"unknown placeholder(s) {sorted(unknown)}")
            home = item.get("home")
            if home is not None and home not in acled_names:
                raise bad(where, f"home: {home!r} is not an ACLED country name")
            for key in ("countries", "since_countries"):
                for country in item.get(key, ()):
                    if country not in acled_names:
                        raise bad(where, f"{key}: {country!r} is not an ACLED country name")
            for country in item.get("by_country", {}):
                if country not in acled_names:
                    raise bad(where, f"by_country: {country!r} is not an ACLED country name")
            regime = item.get("regime")
            if regime is not None and regime not in regimes:
                raise bad(where, f"regime {regime!r} has no periods in [regimes]")
            if "{period}" in name and regime is None:
                raise bad(where, "{period} needs a regime")
            entry_aliases = item.get("aliases", [])
            if not entry_aliases or not all(isinstance(a, str) and a.strip() for a in entry_aliases):
                raise bad(where, "aliases must be a non-empty list of strings")
            spec = ActorSpec(
                name=name, generic=generic, countries=tuple(item.get("countries", ())),
                by_country=dict(item.get("by_country", {})), regime=regime,
                regime_force=item.get("regime_force", "military"),
                since=tuple(sorted((_parse_date(k, where), v) for k, v in item.get("since", {}).items())),
                since_countries=tuple(item.get("since_countries", ())), home=home,
                before=tuple(sorted(((_parse_date(k, where), v) for k, v in item.get("before", {}).items()),
                                    reverse=True)),
            )
            idx = len(specs)
            specs.append(spec)
            own = list(entry_aliases)
            # fixed names the entry renders to ("Islamic State (West Africa)") are aliases of it too
            own += [n for n in names[1:] if not _PLACEHOLDER.search(n)]
            if not generic:
                # the canonical name and its short forms are aliases too ("Islamic State", "Syrian Democratic Forces")
                plain = _PLACEHOLDER.sub("", name)
                own += [plain, re.sub(r"\s*\([^)]*\)\s*", " ", plain), plain.split(": ", 1)[-1]]
            for alias in own:
                key = alias_key(alias)
                if key and idx not in aliases.setdefault(key, []):
                    aliases[key].append(idx)
    not_actor = frozenset(alias_key(w) for group in table.get("not_actor_words", {}).values() for w in group)
    return ActorNormalizer(specs, aliases, regimes, military, police, countries, not_actor)


@functools.cache
def load_actor_normalizer() -> ActorNormalizer:
    """The shared normaliser built from data/actors.toml and the country table (cached)."""
    return build_normalizer(read_actor_table(), load_country_table())
