"""The outlet registry: who publishes, how far they reach, and who republishes whom.

`data/outlets.toml` ships a starter registry; a user file (`--outlets PATH` or CONFLICTLOG_OUTLETS, several
joined by the path separator) adds outlets or replaces one of the same name. Ingest names a page's outlet and the
original outlet of a copy from it, exports fill ACLED's ``source_scale`` from it, and merge counts an outlet and
its own republisher as one voice.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from conflictlog.errors import E910, SettingsError
from conflictlog.records import Article, SourceRef

OUTLETS_TOML = Path(__file__).parent / "data" / "outlets.toml"
ENV_VAR = "CONFLICTLOG_OUTLETS"
KINDS = ("wire", "national", "local", "state-affiliated", "partisan", "aggregator")
# ACLED's source scales, in the order its combined values name them ("Subnational-National", "National-International").
SCALES = ("Local partner", "New media", "Other", "Subnational", "National", "Regional", "International")
KIND_SCALE = {"wire": "International", "national": "National", "local": "Subnational",
              "state-affiliated": "National", "partisan": "Other", "aggregator": "Other"}
_FIELDS = {"name", "aliases", "domains", "country", "language", "kind", "scale", "republishes", "sources", "note"}


@dataclass(frozen=True, slots=True)
class Outlet:
    """One registered outlet; ``republishes`` names the outlets whose articles it carries as its own pages."""

    name: str
    kind: str
    scale: str
    country: str | None = None
    language: str | None = None
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    republishes: tuple[str, ...] = ()


def outlet_key(name: str) -> str:
    """A name as the registry compares it: case, punctuation and a leading "the" ignored."""
    words = re.sub(r"[\W_]+", " ", name.casefold()).split()
    return " ".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


class OutletRegistry:
    """Outlets by name, alias and domain."""

    def __init__(self, outlets: Iterable[Outlet], digest: str = "") -> None:
        self.outlets = {outlet_key(o.name): o for o in outlets}
        self.digest = digest
        self._names: dict[str, Outlet] = {}
        self._domains: dict[str, Outlet] = {}
        for outlet in self.outlets.values():
            for name in (outlet.name, *outlet.aliases):
                self._names[outlet_key(name)] = outlet
            for domain in outlet.domains:
                self._domains[domain.casefold().removeprefix("www.")] = outlet

    def find(self, name: str | None = None, url: str | None = None) -> Outlet | None:
        """The outlet a page's URL belongs to (its host or a parent domain), else the one its name names."""
        if url:
            host = (urlsplit(url).hostname or "").casefold().removeprefix("www.")
            parts = host.split(".")
            for i in range(len(parts) - 1):
                found = self._domains.get(".".join(parts[i:]))
                if found is not None:
                    return found
        return self._names.get(outlet_key(name)) if name else None

    def republishes(self, republisher: str | None, original: str | None) -> bool:
        """True when the registry says ``republisher`` carries ``original``'s articles."""
        outlet = self.find(republisher) if republisher else None
        if outlet is None or not original:
            return False
        return outlet_key(self.canonical(original)) in {outlet_key(self.canonical(name)) for name in outlet.republishes}

    def canonical(self, name: str) -> str:
        """The registered name for an outlet name or alias; unknown names are returned as given."""
        found = self.find(name)
        return found.name if found else name

    def voice(self, name: str | None) -> tuple[str, ...]:
        """Names that count as one voice with ``name``: itself and the outlets it republishes (canonical)."""
        if not name:
            return ()
        found = self.find(name)
        if found is None:
            return (name,)
        return (found.name, *(self.canonical(other) for other in found.republishes))

    def source_scale(self, refs: Sequence[SourceRef]) -> str | None:
        """ACLED ``source_scale`` of an event's sources: the scales of the registered ones, joined in ACLED's
        order ("National-International"); None when no source is registered."""
        return joined_scales({self.scale_of(ref) for ref in refs})

    def scale_of(self, ref: SourceRef) -> str | None:
        """The scale of one source's registered outlet (found by its URL, else its name); None when unregistered."""
        found = self.find(ref.outlet, ref.url)
        return found.scale if found is not None else None

    def name_outlets(self, article: Article) -> Article:
        """The article with its outlet and original outlet under their registered names (the outlet found from
        the page's domain when the page did not name it)."""
        found = self.find(article.outlet, article.url)
        outlet = found.name if found else article.outlet
        original = self.canonical(article.original_outlet) if article.original_outlet else None
        if original is not None and outlet is not None and outlet_key(original) == outlet_key(outlet):
            original = None
        if (outlet, original) == (article.outlet, article.original_outlet):
            return article
        return replace(article, outlet=outlet, original_outlet=original)

    def name_original(self, copy: Article, original: Article) -> Article:
        """A near-copy of ``original`` with its original outlet named: the original's own original, else its
        outlet, unless the registry says the original's outlet is the one republishing the copy's."""
        if copy.original_outlet or not copy.outlet:
            return copy
        source = original.original_outlet or original.outlet
        if not source or outlet_key(source) == outlet_key(copy.outlet):
            return copy
        if not original.original_outlet and self.republishes(original.outlet, copy.outlet):
            return copy
        return replace(copy, original_outlet=self.canonical(source))


def joined_scales(scales: Iterable[str | None]) -> str | None:
    """ACLED ``source_scale`` of a set of sources' scales: joined in ACLED's order; None when none is known."""
    found = set(scales)
    return "-".join(scale for scale in SCALES if scale in found) or None


def _outlet(entry: object, path: Path, index: int) -> Outlet:
    """One [[outlet]] table checked; E910 names the file, the entry and what is wrong."""
    def bad(reason: str) -> SettingsError:
        return SettingsError(E910.format(path=path, reason=f"outlet {index + 1}: {reason}"), code="E910")

    if not isinstance(entry, dict):
        raise bad("not a table")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise bad(f"unknown fields {sorted(unknown)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad("no name")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise bad(f"{name}: kind {kind!r} is not one of {', '.join(KINDS)}")
    scale = entry.get("scale", KIND_SCALE[kind])
    if scale not in SCALES:
        raise bad(f"{name}: scale {scale!r} is not one of {', '.join(SCALES)}")
    lists = {}
    for field in ("domains", "aliases", "republishes", "sources"):
        value = entry.get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad(f"{name}: {field} must be a list of strings")
        lists[field] = tuple(v.strip() for v in value)
    for field in ("country", "language", "note"):
        if field in entry and not isinstance(entry[field], str):
            raise bad(f"{name}: {field} must be a string")
    return Outlet(name.strip(), kind, scale, entry.get("country"), entry.get("language"),
                  tuple(d.casefold() for d in lists["domains"]), lists["aliases"], lists["republishes"])


def read_outlets(path: Path) -> list[Outlet]:
    """The outlets of one registry file; E910 for a missing or malformed file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(E910.format(path=path, reason=err), code="E910") from err
    entries = data.get("outlet", [])
    if not isinstance(entries, list):
        raise SettingsError(E910.format(path=path, reason="'outlet' must be an array of tables ([[outlet]])"),
                            code="E910")
    return [_outlet(entry, path, i) for i, entry in enumerate(entries)]


@lru_cache(maxsize=8)
def load_registry(extra: tuple[str, ...] = ()) -> OutletRegistry:
    """The starter registry with the user's files on top (a later file's outlet replaces one of the same name)."""
    paths = [OUTLETS_TOML, *(Path(p) for p in extra)]
    digest = hashlib.sha256()
    outlets: dict[str, Outlet] = {}
    for path in paths:
        for outlet in read_outlets(path):
            outlets[outlet_key(outlet.name)] = outlet
        digest.update(path.read_bytes())
    return OutletRegistry(outlets.values(), digest.hexdigest()[:12])


def user_files() -> tuple[str, ...]:
    """The user's registry files named by CONFLICTLOG_OUTLETS (path-separator joined)."""
    return tuple(p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip())


def registry() -> OutletRegistry:
    """The registry in force: the starter one plus CONFLICTLOG_OUTLETS's files."""
    return load_registry(user_files())
