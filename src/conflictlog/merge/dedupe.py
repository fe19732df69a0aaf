"""Cross-article merge: reports of one incident become one Event with every source behind it.

How it works:
- Pairs of reports that share a blocking key (see ``keys``) are scored: event type family, date ranges
  widened by their precision, places within a radius set by the coarser geo_precision, and overlapping
  normalised actors. Pairs at or above the threshold (``data/merge_rules.toml``) are linked; an identical
  evidence sentence (a republished copy) links two reports of different articles whose places agree.
- Hard rules come first, for republished sentences too: another type family, another country, two
  day-precision dates more than a day apart, date ranges apart beyond their tolerance, places beyond the
  radius, or named actors with none in common never link. Exact dates a day apart link only the same
  sub-event type at the same place between the same actors; vague dates (week, month) must overlap; two
  places need a named actor in common (not only "protesters" or "civilians"); two reports from one article
  link only when they repeat one incident (same sub-event type, same place, overlapping dates).
- Events never chain (complete linkage): two groups of reports join only when every report of one is linked
  to every report of the other. Links are taken strongest first (score, then mention ids), so the events are
  a function of the set of reports alone (not of their order).
- Links only ever get added, so the connected components of the link graph only grow: an incremental merge
  re-plans the components a new report links into and nothing else (``plan_region``).
- Each report's decision names the report of its event it is linked to most strongly, with score and reason;
  the event's first report (smallest mention_id) stands alone.
- Reports marked ``isolated`` (split apart by an analyst with unmerge) link to nothing.

Representative fields and casualty figures are chosen by fixed rules documented on ``build_event``.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from conflictlog.merge.keys import (
    UNKNOWN_COUNTRY,
    MergeRules,
    actor_keys,
    copy_evidence_keys,
    country_key,
    date_block_keys,
    date_window,
    event_family,
    evidence_block_keys,
    evidence_text_key,
    load_rules,
    place_key,
)
from conflictlog.records import (
    Article,
    Certainty,
    Claim,
    Event,
    Evidence,
    GeoPrecision,
    ResolvedEvent,
    SourceRef,
    TimePrecision,
    content_hash,
)

logger = logging.getLogger(__name__)

EVENT_HASH_LENGTH = 12
SPLIT_PREFIX = "split:"
FIRST_REPORT = "first report of the event (smallest mention id)"


@dataclass(frozen=True, slots=True)
class MergeDecision:
    """Why one report is part of an event: the report it was linked to, the link's score and the reason."""

    mention_id: str
    joined_to: str | None
    score: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class Cluster:
    """The reports of one event. ``key`` is canonical: its smallest mention_id ("split:ID" for a split report)."""

    key: str
    mention_ids: tuple[str, ...]
    decisions: tuple[MergeDecision, ...]


_FEATURES_LIMIT = 1_000_000
_FEATURES: dict[str, tuple[ResolvedEvent, _Features]] = {}


def _features_of(resolved: ResolvedEvent) -> _Features:
    """The comparison values of a report, kept while the same (immutable) report object comes back, as the
    store's incremental merges hand in the reports they decoded before."""
    mention_id = resolved.mention.mention_id
    cached = _FEATURES.get(mention_id)
    if cached is not None and cached[0] is resolved:
        return cached[1]
    if len(_FEATURES) >= _FEATURES_LIMIT:
        _FEATURES.clear()
    features = _Features(resolved)
    _FEATURES[mention_id] = (resolved, features)
    return features


class _Features:
    """Precomputed comparison values of one report (kept flat so pair scoring is cheap)."""

    __slots__ = (
        "mention_id", "article_id", "family", "country", "event_type", "sub_event_type",
        "has_date", "lo", "hi", "start", "end", "single_day", "day", "has_place", "lat", "lon", "geo_precision",
        "gazetteer_id", "location", "admin1", "actors", "evidence", "date_keys", "evidence_keys", "shape",
    )

    def __init__(self, resolved: ResolvedEvent) -> None:
        mention = resolved.mention
        self.mention_id = mention.mention_id
        self.article_id = mention.article_id
        self.family = event_family(mention.event_type)
        self.country = country_key(resolved)
        self.event_type = mention.event_type
        self.sub_event_type = mention.sub_event_type
        self.has_date = mention.date is not None
        if mention.date is not None:
            self.lo, self.hi = date_window(mention.date.start, mention.date.end, mention.date.precision)
            self.start, self.end = mention.date.start.toordinal(), mention.date.end.toordinal()
            self.day = mention.date.precision == TimePrecision.DAY
            self.single_day = self.day and self.start == self.end
        else:
            self.lo = self.hi = self.start = self.end = 0
            self.single_day = self.day = False
        place = resolved.place
        self.has_place = place is not None
        if place is not None:
            self.lat, self.lon = place.latitude, place.longitude
            self.geo_precision = int(place.geo_precision)
            self.gazetteer_id = place.gazetteer_id or ""
            self.location = place_key(place.location)
            self.admin1 = place_key(place.admin1)
        else:
            self.lat = self.lon = 0.0
            self.geo_precision = 0
            self.gazetteer_id = self.location = self.admin1 = ""
        self.actors = actor_keys(resolved)
        self.evidence = copy_evidence_keys(resolved)
        self.date_keys = date_block_keys(resolved)
        self.evidence_keys = evidence_block_keys(resolved)
        # every value score_pair reads but the article id and evidence, which it only compares for equality
        self.shape = (
            self.family, self.country, self.event_type, self.sub_event_type, self.has_date, self.lo, self.hi,
            self.start, self.end, self.single_day, self.day, self.has_place, self.lat, self.lon, self.geo_precision,
            self.gazetteer_id, self.location, self.admin1, self.actors,
        )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _place_score(a: _Features, b: _Features, rules: MergeRules) -> tuple[float, str] | None:
    """How well two reports' places agree, or None when they cannot be the same incident."""
    if not a.has_place or not b.has_place:
        if a.has_place or b.has_place:
            return None
        return rules.score["place_both_unknown"], "both places unknown"
    if a.gazetteer_id and a.gazetteer_id == b.gazetteer_id:
        return rules.score["place_same"], f"same gazetteer id {a.gazetteer_id}"
    if a.location and a.location == b.location and a.admin1 == b.admin1:
        return rules.score["place_same"], "same location name"
    coarse = max(a.geo_precision, b.geo_precision)
    if coarse == GeoPrecision.REGION and a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return None
    distance = haversine_km(a.lat, a.lon, b.lat, b.lon)
    radius = rules.radius_km[coarse]  # type: ignore[index]
    if distance > radius:
        return None
    return rules.score["place_same"] - 0.5 * distance / radius, f"{distance:.1f} km apart (limit {radius:.0f} km)"


def _actor_score(a: _Features, b: _Features, rules: MergeRules) -> tuple[float, str] | None:
    """How well two reports' actors agree, or None when both name actors and none is shared."""
    if not a.actors or not b.actors:
        return rules.score["actors_one_side_unknown"], "actors unknown on one side"
    shared = a.actors & b.actors
    if not shared:
        return None
    named = shared - rules.generic_actors
    if named:
        return rules.score["actors_shared_named"], "shared actors " + ", ".join(sorted(named))
    return rules.score["actors_shared_generic"], "shared generic actors " + ", ".join(sorted(shared))


def score_pair(a: _Features, b: _Features, rules: MergeRules) -> tuple[float, str] | None:
    """Score one candidate pair; None when a hard rule says they are different incidents."""
    if a.family != b.family:
        return None
    if a.day and b.day and max(a.start, b.start) - min(a.end, b.end) > 1:
        # two exact dates more than a day apart are two incidents, whatever else agrees
        return None
    if a.country != b.country:
        return None
    both_dated = a.has_date and b.has_date
    if both_dated and (a.lo > b.hi or b.lo > a.hi):
        return None
    actors = _actor_score(a, b, rules)
    if actors is None:
        return None
    place = _place_score(a, b, rules)
    if place is None:
        return None
    if a.article_id != b.article_id and not a.evidence.isdisjoint(b.evidence):
        return 1.0, f"same evidence sentence (republished or repeated report); place: {place[1]}; {actors[1]}"
    if not both_dated:
        return None
    if place[0] < rules.score["place_same"] and actors[0] < rules.score["actors_shared_named"]:
        # two places with no named party in common: protests or strikes in two neighbourhoods, two incidents
        return None
    s = rules.score
    if a.single_day and b.single_day and a.start == b.start:
        date_score, date_why = s["date_same_day"], "same day"
    elif a.start <= b.end and b.start <= a.end:
        date_score, date_why = s["date_overlap"], "date ranges overlap"
    else:
        date_score, date_why = s["date_within_tolerance"], "dates within precision tolerance"
    if a.sub_event_type == b.sub_event_type and a.event_type == b.event_type:
        type_score, type_why = s["type_same_sub_event"], "same sub-event type"
    elif a.event_type == b.event_type:
        type_score, type_why = s["type_same_event_type"], "same event type"
    else:
        type_score, type_why = s["type_same_family"], f"same type family {a.family}"
    exact = type_score == s["type_same_sub_event"] and place[0] == s["place_same"]
    if date_score == s["date_within_tolerance"] and not (exact and a.day and b.day and a.actors == b.actors):
        # Exact dates a day apart are the same incident dated differently, with the same parties at the same
        # place; at another place, of another kind or between other parties, it is the next day's incident.
        # A vague date (a week, a month) must overlap.
        return None
    if a.article_id == b.article_id and not (exact and date_score > s["date_within_tolerance"]):
        # One article names two incidents when it gives them different places, kinds or dates; it repeats
        # one incident in the same terms.
        return None
    total = (
        s["weight_type"] * type_score
        + s["weight_date"] * date_score
        + s["weight_place"] * place[0]
        + s["weight_actors"] * actors[0]
    )
    return round(total, 6), f"{type_why}; {date_why}; place: {place[1]}; {actors[1]}"


class _UnionFind:
    """Disjoint sets over 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def add(self) -> int:
        """A new set of one element, which is returned."""
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if ra < rb:
            self.parent[rb] = ra
        else:
            self.parent[ra] = rb
        return True


def unique_by_mention(resolved: Iterable[ResolvedEvent]) -> list[ResolvedEvent]:
    """Reports sorted by mention_id, one per id (a mention_id is a content hash, so repeats are the same report)."""
    by_id: dict[str, ResolvedEvent] = {}
    for item in resolved:
        by_id.setdefault(item.mention.mention_id, item)
    return [by_id[key] for key in sorted(by_id)]


class PairMemory:
    """The links found among the reports of earlier merges, so an incremental merge scores only the pairs it
    has not seen: each pair of reports planned together before keeps its result (a pure function of the
    two reports). A report remembers the last merge it took part in; two reports of that same merge are a
    known pair. New knowledge is staged during a merge and kept only once the caller commits it (after its
    transaction), so a rolled-back merge leaves nothing behind.
    """

    def __init__(self, max_links: int = 2_000_000) -> None:
        self.max_links = max_links
        self._plan_of: dict[str, int] = {}
        self._links: dict[int, list[tuple[str, str, float, str]]] = {}
        self._n_links = 0
        self._next = 0
        self._staged: list[tuple[int, frozenset[str], list[tuple[str, str, float, str]]]] = []

    def plan_of(self, mention_id: str) -> int | None:
        """The merge this report last took part in, if remembered."""
        return self._plan_of.get(mention_id)

    def links_of(self, plan: int) -> list[tuple[str, str, float, str]]:
        """Links (mention ids, score, reason) found among the reports of one remembered merge."""
        return self._links.get(plan, [])

    def stage(self, mention_ids: Iterable[str], links: list[tuple[str, str, float, str]]) -> None:
        """Hold the reports and links of a merge just planned, until :meth:`commit` or :meth:`discard`."""
        self._next += 1
        self._staged.append((self._next, frozenset(mention_ids), links))

    def commit(self) -> None:
        """Keep what the staged merges found; plans no report points to any more are dropped."""
        for plan, members, links in self._staged:
            earlier = {self._plan_of[m] for m in members if m in self._plan_of}
            for mention_id in members:
                self._plan_of[mention_id] = plan
            self._links[plan] = links
            self._n_links += len(links)
            # an earlier merge keeps only the links among reports that still point to it
            for old in earlier:
                kept = [link for link in self._links.get(old, ())
                        if self._plan_of.get(link[0]) == old and self._plan_of.get(link[1]) == old]
                self._n_links += len(kept) - len(self._links.get(old, ()))
                if kept:
                    self._links[old] = kept
                else:
                    self._links.pop(old, None)
        self._staged.clear()
        if self._n_links > self.max_links:
            self.forget()

    def discard(self) -> None:
        """Drop what staged merges found (their transaction was rolled back)."""
        self._staged.clear()

    def forget(self) -> None:
        """Drop everything remembered (the next merge scores every pair again)."""
        self._plan_of.clear()
        self._links.clear()
        self._n_links = 0
        self._staged.clear()


def plan_clusters(resolved: Sequence[ResolvedEvent], isolated: frozenset[str] = frozenset(),
                  memory: PairMemory | None = None) -> list[Cluster]:
    """Group reports into clusters with their merge decisions; the result depends only on the set of reports.

    With ``memory`` the pairs two reports of one earlier merge form are not scored again: their links are
    taken from it (the result is the same), and this merge's links are staged in it."""
    return _plan(resolved, isolated, memory)[0]


def _links(items: Sequence[ResolvedEvent], feats: Sequence[_Features], isolated: frozenset[str],
           memory: PairMemory | None, rules: MergeRules) -> list[tuple[float, int, int, str]]:
    """Every linked pair (score, i, j, reason) with i < j, scored here or taken from ``memory``."""
    # reports of one remembered merge share a group; each of them is compared only with other groups
    plans = [memory.plan_of(item.mention.mention_id) if memory is not None else None for item in items]
    blocks: dict[str, dict[int | None, list[int]]] = {}
    edges: list[tuple[float, int, int, str]] = []
    n_compared = 0
    for index, f in enumerate(feats):
        if f.mention_id in isolated:
            continue
        group = plans[index]
        dated = _join_blocks(blocks, f.date_keys, group, index)
        same_text = _join_blocks(blocks, f.evidence_keys, group, index)
        for j in _candidates(f, dated, same_text, feats, rules):
            n_compared += 1
            result = score_pair(feats[j], f, rules)
            if result is not None and result[0] >= rules.threshold:
                edges.append((result[0], j, index, result[1]))
    if memory is not None:
        edges.extend(_remembered_edges(memory, items, plans, isolated))
        ids = [item.mention.mention_id for item in items]
        # a report kept apart by unmerge was compared with nothing, so it joins no remembered merge
        memory.stage((i for i in ids if i not in isolated),
                     [(ids[a], ids[b], score, reason) for score, a, b, reason in edges])
    logger.debug("merge: %d reports, %d pairs compared, %d links", len(items), n_compared, len(edges))
    return edges


def _complete_linkage(n: int, edges: list[tuple[float, int, int, str]]) -> list[int]:
    """Cluster of each of n reports (as its smallest index): links strongest first (score, then indices); two
    clusters join only when every report of one is linked to every report of the other."""
    linked: list[set[int]] = [set() for _ in range(n)]
    for _, a, b, _ in edges:
        linked[a].add(b)
        linked[b].add(a)
    root = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    apart: set[tuple[int, int]] = set()  # clusters found incompatible stay so: clusters only grow
    for _, a, b, _ in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ra, rb = root[a], root[b]
        if ra == rb:
            continue
        pair = (min(ra, rb), max(ra, rb))
        if pair in apart:
            continue
        small, large = sorted((members[ra], members[rb]), key=len)
        if not all(linked[x].issuperset(large) for x in small):
            apart.add(pair)
            continue
        keep, gone = pair
        for x in members[gone]:
            root[x] = keep
        members[keep].extend(members.pop(gone))
    return root


def _plan(resolved: Sequence[ResolvedEvent], isolated: frozenset[str],
          memory: PairMemory | None) -> tuple[list[Cluster], list[tuple[str, ...]]]:
    """Clusters with their decisions, and the connected components of the link graph (as mention ids)."""
    rules = load_rules()
    items = unique_by_mention(resolved)
    feats = [_features_of(item) for item in items]
    edges = _links(items, feats, isolated, memory, rules)
    root = _complete_linkage(len(items), edges)
    components = _UnionFind(len(items))
    best: dict[int, tuple[float, int, str]] = {}
    for score, a, b, reason in edges:
        components.union(a, b)
        if root[a] != root[b]:
            continue
        for node, other in ((a, b), (b, a)):
            current = best.get(node)
            if current is None or (score, -other) > (current[0], -current[1]):
                best[node] = (score, other, reason)
    members_of: dict[int, list[int]] = {}
    for i in range(len(items)):
        members_of.setdefault(root[i], []).append(i)

    clusters: list[Cluster] = []
    for first, members in members_of.items():
        # the cluster's root is its smallest index, i.e. its smallest mention_id
        first_id = items[first].mention.mention_id
        if first_id in isolated:
            key = SPLIT_PREFIX + first_id
            decisions = [MergeDecision(first_id, None, None, "kept apart: split from a merged event by unmerge")]
        else:
            key = first_id
            decisions = [MergeDecision(first_id, None, None, FIRST_REPORT)]
            for i in members[1:]:
                score, other, reason = best[i]
                decisions.append(MergeDecision(items[i].mention.mention_id, items[other].mention.mention_id,
                                               score, reason))
        clusters.append(Cluster(key, tuple(items[i].mention.mention_id for i in members), tuple(decisions)))
    clusters.sort(key=lambda c: c.key)
    by_component: dict[int, list[str]] = {}
    for i, item in enumerate(items):
        by_component.setdefault(components.find(i), []).append(item.mention.mention_id)
    return clusters, sorted(tuple(ids) for ids in by_component.values())


def _candidates(f: _Features, dated: set[int], same_text: set[int], feats: Sequence[_Features],
                rules: MergeRules) -> set[int]:
    """The reports sharing a block with ``f`` that are worth scoring: every one with the same evidence text,
    and those sharing a date block that pass the cheap tests (most are days apart, or further apart in
    latitude than the widest radius allows: a degree of latitude is about 111 km everywhere)."""
    max_lat_deg = max(rules.radius_km.values()) / 111.0 + 0.01
    lo, hi, lat = f.lo, f.hi, f.lat
    return same_text | {
        j for j in dated if feats[j].lo <= hi and lo <= feats[j].hi and abs(feats[j].lat - lat) <= max_lat_deg
    }


def _join_blocks(blocks: dict[str, dict[int | None, list[int]]], keys: Iterable[str], group: int | None,
                 index: int) -> set[int]:
    """Add report ``index`` to its blocks; return the earlier reports there that it must be compared with
    (all of them, but those of its own remembered merge)."""
    found: set[int] = set()
    for key in keys:
        by_group = blocks.setdefault(key, {})
        for other_group, members in by_group.items():
            if group is None or other_group != group:
                found.update(members)
        by_group.setdefault(group, []).append(index)
    return found


def linked_reports(new: Sequence[ResolvedEvent], old: Sequence[ResolvedEvent]) -> set[str]:
    """The old reports that at least one new report links to (a candidate pair scoring at the threshold).

    A link component none of whose reports is linked keeps its clusters and decisions when the new reports
    join (complete linkage never looks across components), so an incremental merge re-plans the components
    of these reports alone."""
    return {old_id for links in report_links(new, old).values() for old_id in links}


def report_links(new: Sequence[ResolvedEvent], old: Sequence[ResolvedEvent]) -> dict[str, dict[str, tuple[float, str]]]:
    """For each new report, the old reports it links to, with the link's score and reason."""
    rules = load_rules()
    old_feats = [_features_of(item) for item in unique_by_mention(old)]
    blocks: dict[str, list[int]] = {}
    for i, f in enumerate(old_feats):
        for key in (*f.date_keys, *f.evidence_keys):
            blocks.setdefault(key, []).append(i)
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for f in (_features_of(item) for item in unique_by_mention(new)):
        same_text = {i for key in f.evidence_keys for i in blocks.get(key, ())}
        dated = {i for key in f.date_keys for i in blocks.get(key, ())}
        links = out.setdefault(f.mention_id, {})
        # The reports of a large incident mostly differ only in what score_pair compares for equality (article,
        # evidence sentence): one score serves every report of the same shape and the same answers.
        scored: dict[tuple[object, ...], tuple[float, str] | None] = {}
        for i in _candidates(f, dated, same_text, old_feats, rules):
            g = old_feats[i]
            key = (g.shape, g.mention_id < f.mention_id, g.article_id == f.article_id, g.evidence.isdisjoint(f.evidence))
            result = scored[key] if key in scored else scored.setdefault(key, _link(g, f, rules))
            if result is not None:
                links[g.mention_id] = result
    return out


def _link(x: _Features, y: _Features, rules: MergeRules) -> tuple[float, str] | None:
    """The link between two reports (scored in mention-id order, as the batch merge scores it), or None."""
    a, b = (x, y) if x.mention_id < y.mention_id else (y, x)
    result = score_pair(a, b, rules)
    return result if result is not None and result[0] >= rules.threshold else None


def link_between(x: ResolvedEvent, y: ResolvedEvent) -> tuple[float, str] | None:
    """The link (score, reason) between two reports, or None when they are not linked."""
    return _link(_features_of(x), _features_of(y), load_rules())


def best_link(report: ResolvedEvent, others: Iterable[ResolvedEvent]) -> tuple[str, float, str] | None:
    """The report among ``others`` this one is linked to most strongly (ties: smallest mention_id), as
    (mention_id, score, reason); the rule of a merge decision."""
    rules = load_rules()
    f = _features_of(report)
    best: tuple[str, float, str] | None = None
    for other in others:
        g = _features_of(other)
        if g.mention_id == f.mention_id:
            continue
        result = _link(f, g, rules)
        if result is not None and (best is None or (-result[0], g.mention_id) < (-best[1], best[0])):
            best = (g.mention_id, result[0], result[1])
    return best


def _remembered_edges(memory: PairMemory, items: Sequence[ResolvedEvent], plans: Sequence[int | None],
                      isolated: frozenset[str]) -> list[tuple[float, int, int, str]]:
    """Links among reports of one remembered merge, as edges over this merge's report indices."""
    index = {item.mention.mention_id: i for i, item in enumerate(items)}
    out: list[tuple[float, int, int, str]] = []
    for plan in sorted({p for p in plans if p is not None}):
        for a_id, b_id, score, reason in memory.links_of(plan):
            a, b = index.get(a_id), index.get(b_id)
            if a is None or b is None or plans[a] != plan or plans[b] != plan:
                continue
            if a_id in isolated or b_id in isolated:
                continue
            out.append((score, min(a, b), max(a, b), reason))
    return out


def event_id_for(key: str, country_iso3: str | None) -> str:
    """ACLED-like event id: ISO3 country code and a hash of the cluster's canonical key ("SYR-3f2a9c1e5b7d")."""
    prefix = (country_iso3 or UNKNOWN_COUNTRY).upper()
    return f"{prefix}-{content_hash(key, length=EVENT_HASH_LENGTH)}"


def _source_for(resolved: ResolvedEvent, sources: Mapping[str, SourceRef]) -> SourceRef:
    """The SourceRef of a report: looked up by mention_id, then by article_id, else a bare reference."""
    mention = resolved.mention
    ref = sources.get(mention.mention_id) or sources.get(mention.article_id)
    if ref is None:
        return SourceRef(mention.article_id, mention.mention_id, None, None, None, None)
    if ref.mention_id != mention.mention_id:
        return SourceRef(ref.article_id, mention.mention_id, ref.url, ref.title, ref.outlet, ref.published, ref.original_outlet)
    return ref


_CERTAINTY_ORDER = (Certainty.REPORTED, Certainty.CLAIMED, Certainty.UNVERIFIED)


def _rep_key(m: ResolvedEvent) -> tuple[float, int, int, str]:
    """Representative order: highest confidence, then finest time precision, finest geo precision, mention_id."""
    tp = int(m.mention.date.precision) if m.mention.date else 9
    gp = int(m.place.geo_precision) if m.place else 9
    return (-m.mention.confidence, tp, gp, m.mention.mention_id)


class _Lowest:
    """The lowest positive figure of each (historical, certainty), for the conservative rule of build_event."""

    __slots__ = ("figures",)

    def __init__(self) -> None:
        self.figures: dict[tuple[bool, Certainty], int] = {}

    def add(self, historical: bool, certainty: Certainty, value: int) -> None:
        key = (historical, certainty)
        if key not in self.figures or value < self.figures[key]:
            self.figures[key] = value

    def conservative(self) -> int | None:
        """The lowest figure of the surest certainty, among current reports if any gives one."""
        current = any(not historical for historical, _ in self.figures)
        for certainty in _CERTAINTY_ORDER:
            found = [v for (historical, c), v in self.figures.items() if c == certainty and not (current and historical)]
            if found:
                return min(found)
        return None


class EventParts:
    """What build_event takes from the reports of one event, kept so that one more report is added without
    going over the others again: ``EventParts.build(...).event()`` is ``build_event(...)``, and adding a
    report of a new article, then calling ``event()``, gives the event build_event makes of all of them."""

    def __init__(self, key: str) -> None:
        from conflictlog.outlets import registry

        self.key = key
        self.outlets = registry()
        self.mention_ids: list[str] = []  # sorted; one claim each, in ``claims``
        self.claims: list[Claim] = []
        self.articles: dict[str, int] = {}  # of the reports and of the recognised copies, in ``groups``
        self.rep: tuple[tuple[float, int, int, str], ResolvedEvent] | None = None
        self.date_src: tuple[tuple[object, ...], ResolvedEvent] | None = None
        self.place_src: tuple[tuple[object, ...], ResolvedEvent] | None = None
        self.firsts: dict[str, tuple[tuple[float, int, int, str], str]] = {}
        self.first_published: date | None = None
        self.source_of: dict[str, tuple[str, SourceRef]] = {}  # article -> (its smallest mention_id, its ref)
        self.source_keys: list[tuple[date, str]] = []  # sorted, with ``sources`` beside it
        self.sources: list[SourceRef] = []
        self.evidence_at: dict[Evidence, tuple[str, int]] = {}  # first (mention_id, index) of each sentence
        self.evidence_keys: list[tuple[str, int]] = []  # sorted, with ``evidence`` beside it
        self.evidence: list[Evidence] = []
        self.groups = _UnionFind(0)  # independent outlets
        self.n_groups = 0
        self.by_name: dict[str, str] = {}
        self.by_evidence: dict[str, str] = {}
        self.fatalities = _Lowest()
        self.injured = _Lowest()
        self.injured_known = 0
        self.support: dict[int, set[str]] = {}  # fatality figure -> the articles giving it
        self.support_groups: dict[int, dict[int, int]] = {}  # fatality figure -> outlet group -> its articles giving it
        self.certainties: set[Certainty] = set()
        self.n_current = 0  # reports not historical
        # When a list, each change to ``claims``, ``sources`` and ``evidence`` is noted in it as (list name, index,
        # item inserted there or None for one removed), so that a copy kept of those lists can follow them.
        self.edits: list[tuple[str, int, object | None]] | None = None

    @classmethod
    def build(cls, key: str, members: Sequence[ResolvedEvent], sources: Mapping[str, SourceRef],
              copies: Mapping[str, Sequence[SourceRef]] | None = None) -> EventParts:
        """The parts of the event of these reports (unique mention ids) and the near-copies of their articles."""
        parts = cls(key)
        for m in sorted(members, key=lambda m: m.mention.mention_id):
            parts.add(m, _source_for(m, sources))
        if copies:
            parts.add_copies(copies)
        return parts

    def can_add(self, report: ResolvedEvent) -> bool:
        """Whether ``add`` takes this report: one of an article the event has no report or copy of yet."""
        return report.mention.article_id not in self.articles and report.mention.mention_id not in self.mention_ids

    def add(self, m: ResolvedEvent, ref: SourceRef) -> None:
        """Add one report with the SourceRef of its article; once copies are added, only one ``can_add`` takes
        (another report of a known article could change the report its copies stand under)."""
        mention = m.mention
        mention_id, article_id = mention.mention_id, mention.article_id
        at = bisect.bisect_left(self.mention_ids, mention_id)
        self.mention_ids.insert(at, mention_id)
        claim = Claim(mention_id, mention.claimed_by, ref.outlet, mention.fatalities, mention.injured)
        self.claims.insert(at, claim)
        self._note("claims", at, claim)
        rep_key = _rep_key(m)
        if self.rep is None or rep_key < self.rep[0]:
            self.rep = (rep_key, m)
        if mention.date is not None:
            date_key = (int(mention.date.precision), rep_key)
            if self.date_src is None or date_key < self.date_src[0]:
                self.date_src = (date_key, m)
        if m.place is not None:
            place_key_ = (int(m.place.geo_precision), -m.place.score, rep_key)
            if self.place_src is None or place_key_ < self.place_src[0]:
                self.place_src = (place_key_, m)
        for name, value in (("actor1", m.actor1), ("actor2", m.actor2), ("claimed_by", mention.claimed_by),
                            ("notes", mention.notes)):
            if value and (name not in self.firsts or rep_key < self.firsts[name][0]):
                self.firsts[name] = (rep_key, value)
        if ref.published is not None and (self.first_published is None or ref.published < self.first_published):
            self.first_published = ref.published
        known = self.source_of.get(article_id)
        if known is None or mention_id < known[0]:
            if known is not None:
                self._drop_source(known[1])
            self.source_of[article_id] = (mention_id, ref)
            self._put_source(ref)
        for index, ev in enumerate(mention.evidence):
            at_key = (mention_id, index)
            first = self.evidence_at.get(ev)
            if first is None or at_key < first:
                if first is not None:
                    gone = bisect.bisect_left(self.evidence_keys, first)
                    del self.evidence_keys[gone], self.evidence[gone]
                    self._note("evidence", gone, None)
                self.evidence_at[ev] = at_key
                place = bisect.bisect_left(self.evidence_keys, at_key)
                self.evidence_keys.insert(place, at_key)
                self.evidence.insert(place, ev)
                self._note("evidence", place, ev)
        self._join_outlets(article_id, ref)
        for ev in mention.evidence:
            if ev.text.strip():
                self._union(article_id, self.by_evidence.setdefault(evidence_text_key(ev.text), article_id))
        if mention.fatalities > 0:
            self.fatalities.add(mention.historical, mention.certainty, mention.fatalities)
            giving = self.support.setdefault(mention.fatalities, set())
            if article_id not in giving:
                giving.add(article_id)
                groups = self.support_groups.setdefault(mention.fatalities, {})
                group = self.groups.find(self.articles[article_id])
                groups[group] = groups.get(group, 0) + 1
        if mention.injured is not None:
            self.injured_known += 1
            if mention.injured > 0:
                self.injured.add(mention.historical, mention.certainty, mention.injured)
        self.certainties.add(mention.certainty)
        self.n_current += not mention.historical

    def add_copies(self, copies: Mapping[str, Sequence[SourceRef]]) -> None:
        """Add the recognised near-copies of the reports' articles (article id -> the copies' SourceRefs): each
        a source, under the mention_id of the first report of its original, and nothing else."""
        stand_in = {article_id: mention_id for article_id, (mention_id, _) in self.source_of.items()}
        for article_id, mention_id in sorted(stand_in.items()):
            for copy in copies.get(article_id, ()):
                if copy.article_id not in self.articles:
                    ref = dataclasses.replace(copy, mention_id=mention_id)
                    self._put_source(ref)
                    self._join_outlets(copy.article_id, ref)

    def _note(self, name: str, index: int, item: object | None) -> None:
        if self.edits is not None:
            self.edits.append((name, index, item))

    def _put_source(self, ref: SourceRef) -> None:
        key = (ref.published or date.max, ref.article_id)
        at = bisect.bisect_left(self.source_keys, key)
        self.source_keys.insert(at, key)
        self.sources.insert(at, ref)
        self._note("sources", at, ref)

    def _drop_source(self, ref: SourceRef) -> None:
        at = bisect.bisect_left(self.source_keys, (ref.published or date.max, ref.article_id))
        del self.source_keys[at], self.sources[at]
        self._note("sources", at, None)

    def _union(self, a: str, b: str) -> None:
        first, second = self.groups.find(self.articles[a]), self.groups.find(self.articles[b])
        if not self.groups.union(first, second):
            return
        self.n_groups -= 1
        kept = self.groups.find(first)
        gone = second if kept == first else first
        for groups in self.support_groups.values():  # the figures' outlet groups follow (few figures per event)
            count = groups.pop(gone, 0)
            if count:
                groups[kept] = groups.get(kept, 0) + count

    def _join_outlets(self, article_id: str, ref: SourceRef) -> None:
        """Put an article in the outlet groups: same outlet, or one republishing the other (original_outlet, or
        the outlet registry's republishing relations)."""
        if article_id not in self.articles:
            self.articles[article_id] = self.groups.add()
            self.n_groups += 1
        for outlet in (ref.outlet, ref.original_outlet, *self.outlets.voice(ref.outlet)):
            name = place_key(self.outlets.canonical(outlet)) if outlet else None
            if name:
                self._union(article_id, self.by_name.setdefault(name, article_id))

    def event(self) -> Event:
        """The event of the reports added so far, by the rules of build_event."""
        assert self.rep is not None, "an event needs a report"
        rep = self.rep[1]
        date_src = self.date_src[1] if self.date_src is not None else None
        if date_src is not None and date_src.mention.date is not None:
            dm = date_src.mention.date
            event_date, time_precision = dm.start, dm.precision
            event_date_end = dm.end if dm.end != dm.start else None
        else:
            event_date = self.first_published or date(1970, 1, 1)
            time_precision, event_date_end = TimePrecision.MONTH, None
            logger.debug("merge: event %s has no dated report; using publication date %s", self.key, event_date)
        place = self.place_src[1].place if self.place_src is not None else None
        if not self.support:
            fatalities, low, best, high = 0, 0, 0, 0
        else:
            fatalities = self.fatalities.conservative() or 0
            low, high = min(self.support), max(self.support)
            most = max(len(g) for g in self.support_groups.values())
            best = int(statistics.median_low(sorted(v for v, g in self.support_groups.items() if len(g) == most)))
        injured = None if not self.injured_known else (self.injured.conservative() or 0)
        if Certainty.REPORTED in self.certainties:
            certainty = Certainty.REPORTED
        elif Certainty.CLAIMED in self.certainties:
            certainty = Certainty.CLAIMED
        else:
            certainty = Certainty.UNVERIFIED

        def first(name: str) -> str | None:
            found = self.firsts.get(name)
            return found[1] if found else None

        return Event(
            event_id=event_id_for(self.key, place.country_iso3 if place else None),
            event_date=event_date,
            time_precision=time_precision,
            event_type=rep.mention.event_type,
            sub_event_type=rep.mention.sub_event_type,
            actor1=first("actor1"),
            actor2=first("actor2"),
            assoc_actor_1=tuple(rep.assoc_actor_1),
            assoc_actor_2=tuple(rep.assoc_actor_2),
            country=place.country if place else None,
            admin1=place.admin1 if place else None,
            admin2=place.admin2 if place else None,
            location=place.location if place else None,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
            geo_precision=place.geo_precision if place else None,
            fatalities=fatalities,
            injured=injured,
            claimed_by=first("claimed_by"),
            certainty=certainty,
            historical=self.n_current == 0,
            notes=first("notes") or "",
            sources=tuple(self.sources),
            evidence=tuple(self.evidence),
            claims=tuple(self.claims),
            fatalities_low=low,
            fatalities_best=best,
            fatalities_high=high,
            corroboration=self.n_groups,
            event_date_end=event_date_end,
        )


_LAST = "\U0010ffff"  # sorts after every mention id


class _Group:
    """Reports of one event that pair scoring cannot tell apart but by mention id, article and evidence sentence:
    their ids (sorted), the comparison values of the first and last, how many give each sentence (copy key), and
    (score, joined_to, mention_id) of each decision, sorted."""

    __slots__ = ("ids", "low", "high", "texts", "ranked")

    def __init__(self, f: _Features) -> None:
        self.ids: list[str] = []
        self.low = self.high = f
        self.texts: dict[str, int] = {}
        self.ranked: list[tuple[float, str, str]] = []

    def add(self, f: _Features) -> None:
        bisect.insort(self.ids, f.mention_id)
        for key in f.evidence:
            self.texts[key] = self.texts.get(key, 0) + 1
        if f.mention_id <= self.low.mention_id:
            self.low = f
        if f.mention_id >= self.high.mention_id:
            self.high = f


@dataclass(frozen=True, slots=True)
class JoinPlan:
    """A report linked to every report of an event: its decision, and the decisions of the event's reports
    whose strongest link it becomes."""

    decision: MergeDecision
    changed: tuple[MergeDecision, ...]


class EventEnvelope:
    """What complete linkage needs to know of an event's reports to take one more report without going over them
    one by one: the reports grouped by every value pair scoring reads but mention id, article and evidence
    sentence, how many of them each blocking key files, their articles and merge decisions. ``plan_join`` answers as scoring the new
    report against each report (``report_links``) and the batch rule of decisions would."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.groups: dict[tuple[object, ...], _Group] = {}
        self.block_counts: dict[str, int] = {}
        self.articles: set[str] = set()
        self.decisions: dict[str, MergeDecision] = {}
        self.group_of: dict[str, tuple[object, ...]] = {}

    @classmethod
    def build(cls, key: str, members: Sequence[ResolvedEvent], decisions: Iterable[MergeDecision]) -> EventEnvelope:
        """The envelope of an event's reports (all with a decision, the first report's naming no other)."""
        envelope = cls(key)
        by_id = {d.mention_id: d for d in decisions}
        for report in members:
            envelope._put(_features_of(report), by_id[report.mention.mention_id])
        return envelope

    def _put(self, f: _Features, decision: MergeDecision) -> None:
        key = self.group_of[f.mention_id] = f.shape
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(f)
        group.add(f)
        if decision.joined_to is not None and decision.score is not None:
            bisect.insort(group.ranked, (decision.score, decision.joined_to, f.mention_id))
        for key in (*f.date_keys, *f.evidence_keys):
            self.block_counts[key] = self.block_counts.get(key, 0) + 1
        self.articles.add(f.article_id)
        self.decisions[f.mention_id] = decision

    def plan_join(self, report: ResolvedEvent) -> JoinPlan | bool | None:
        """How a report of a new article, sorting after the event's first report, meets the event: a JoinPlan when
        it is linked to every report, False when to none; None when to some, or when the envelope cannot say
        (then the reports are compared one by one)."""
        f = _features_of(report)
        n = f.mention_id
        if f.article_id in self.articles or n in self.decisions or n < self.key:
            return None
        rules = load_rules()
        max_lat_deg = max(rules.radius_km.values()) / 111.0 + 0.01
        found: list[tuple[_Group, tuple[float, str]]] = []
        unlinked = False
        for group in self.groups.values():
            if any(key in group.texts for key in f.evidence):
                return None  # a republished sentence: those reports score apart from the others of their group
            g = group.low
            # the reports report_links scores (see _candidates): a date block and cheap tests (no shared sentence)
            met = not set(f.date_keys).isdisjoint(g.date_keys) and g.lo <= f.hi and f.lo <= g.hi and (
                abs(g.lat - f.lat) <= max_lat_deg)
            sides = [_link(side, f, rules) for side, present in ((group.low, group.ids[0] < n),
                                                                 (group.high, group.ids[-1] > n)) if present and met]
            if all(result is None for result in sides):
                unlinked = True
            elif any(result is None for result in sides) or len(set(sides)) != 1:
                return None
            else:
                found.append((group, sides[0]))  # type: ignore[arg-type]
            if found and unlinked:
                return None
        if not found:
            return False
        best: tuple[float, str, str] | None = None
        changed: list[MergeDecision] = []
        for group, (score, reason) in found:
            if best is None or (-score, group.ids[0]) < (-best[0], best[1]):
                best = (score, group.ids[0], reason)
            # the decisions whose link is weaker, or as strong to a report sorting after the new one, name it now
            weaker = bisect.bisect_left(group.ranked, (score,))
            later = bisect.bisect_right(group.ranked, (score, n, _LAST))
            end = bisect.bisect_right(group.ranked, (score, _LAST, _LAST))
            changed.extend(MergeDecision(m, n, score, reason)
                           for _, _, m in (*group.ranked[:weaker], *group.ranked[later:end]))
        assert best is not None
        changed.sort(key=lambda d: d.mention_id)
        return JoinPlan(MergeDecision(n, best[1], best[0], best[2]), tuple(changed))

    def join(self, report: ResolvedEvent, plan: JoinPlan) -> None:
        """Take in a report as its plan says (once the join is written)."""
        for d in plan.changed:
            old = self.decisions[d.mention_id]
            ranked = self.groups[self.group_of[d.mention_id]].ranked
            del ranked[bisect.bisect_left(ranked, (old.score, old.joined_to, d.mention_id))]
            bisect.insort(ranked, (d.score, d.joined_to, d.mention_id))
            self.decisions[d.mention_id] = d
        self._put(_features_of(report), plan.decision)


def build_event(key: str, members: Sequence[ResolvedEvent], sources: Mapping[str, SourceRef],
                copies: Mapping[str, Sequence[SourceRef]] | None = None) -> Event:
    """One Event from the reports of one cluster.

    Rules (each a function of the set of reports, so ingest order never matters):
    - type, actors, notes, claimed_by: from the representative report, the one with the highest confidence,
      then finest time precision, then finest geo precision, then smallest mention_id (empty values are filled
      from the next reports in that order);
    - date: from the report with the finest time_precision (ties: representative order); place: from the report
      with the finest geo_precision, then best geocoding score (ties: representative order);
    - certainty: "reported" when any report states it plainly, else "claimed" when any party claims it, else
      "unverified"; historical only when every report is historical;
    - fatalities (ACLED, conservative): the lowest positive figure among plainly reported, non-historical
      reports; if none, the lowest among claims by a party; if none, the lowest unverified figure; 0 when no
      report gives a figure, so the figure is always one a report gives. injured follows the same rule;
    - fatalities_low / fatalities_high (UCDP-style): lowest and highest positive figure any report gives (0
      when none); fatalities_best: the figure stated by the most independent outlets (ties: lower median);
    - sources: one per article of the reports, then the recognised near-copies of those articles (``copies``:
      article id -> the copies' SourceRefs), which add a source and nothing else;
    - corroboration: independent outlets among the sources (a republished copy counts with its original, an
      outlet with the outlets the registry says it republishes; a recognised copy counts by its outlet, so
      copies from one outlet count once).
    Ties in the representative order never occur (mention ids differ); the rules live in ``EventParts``.
    """
    return EventParts.build(key, members, sources, copies).event()


def cluster_events(
    resolved: Sequence[ResolvedEvent], sources: Mapping[str, SourceRef], isolated: frozenset[str] = frozenset(),
    memory: PairMemory | None = None, copies: Mapping[str, Sequence[SourceRef]] | None = None,
) -> list[tuple[Cluster, Event]]:
    """Clusters and their events (the store keeps both: events and the decisions behind them)."""
    return plan_region(resolved, sources, isolated, memory, copies)[0]


def plan_region(
    resolved: Sequence[ResolvedEvent], sources: Mapping[str, SourceRef], isolated: frozenset[str] = frozenset(),
    memory: PairMemory | None = None, copies: Mapping[str, Sequence[SourceRef]] | None = None,
) -> tuple[list[tuple[Cluster, Event]], list[tuple[str, ...]]]:
    """Clusters with their events, and the connected components of the links among the reports: a later
    merge that links into a component re-plans the whole component (and no other)."""
    by_id = {r.mention.mention_id: r for r in unique_by_mention(resolved)}
    clusters, components = _plan(list(by_id.values()), isolated, memory)
    pairs = [(c, build_event(c.key, [by_id[m] for m in c.mention_ids], sources, copies)) for c in clusters]
    return pairs, components


def cluster_mentions(
    resolved: Sequence[ResolvedEvent], sources: Mapping[str, SourceRef], isolated: frozenset[str] = frozenset()
) -> list[Event]:
    """Merge resolved reports into events, one per incident, sorted by event_id.

    ``sources`` maps mention_id (or article_id) to the SourceRef of the report's article.
    """
    events = [event for _, event in cluster_events(resolved, sources, isolated)]
    events.sort(key=lambda e: e.event_id)
    return events


def source_refs(resolved: Iterable[ResolvedEvent], articles: Iterable[Article] | Mapping[str, Article]) -> dict[str, SourceRef]:
    """mention_id -> SourceRef built from the reports' articles."""
    by_id = dict(articles) if isinstance(articles, Mapping) else {a.article_id: a for a in articles}
    refs: dict[str, SourceRef] = {}
    for item in resolved:
        article = by_id.get(item.mention.article_id)
        if article is not None:
            refs[item.mention.mention_id] = SourceRef(
                article.article_id, item.mention.mention_id, article.url, article.title, article.outlet,
                article.published, article.original_outlet,
            )
    return refs


def build_events(resolved: Sequence[ResolvedEvent], articles: Iterable[Article] | Mapping[str, Article]) -> list[Event]:
    """Merge resolved reports into events, taking source details from their articles."""
    return cluster_mentions(resolved, source_refs(resolved, articles))
