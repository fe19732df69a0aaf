"""Relevance: whether a trigger in a sentence reports political violence or a demonstration at all.

Most news is not conflict, and conflict words have other senses: a "battle" in a match report, an "attack" on a
policy, a "shot" in a film, a "rally" of the dollar, deaths from an earthquake. Three judgements, each with a
reason a user can read (``conflictlog explain``):

- ``article_topic``: which domain an article's vocabulary belongs to (conflict, sport, business, entertainment,
  technology, politics). In an article of another domain, an event needs a strong conflict anchor.
- ``trigger_sense``: the trigger's own sense from the parse: an idiom, a negation, a question, a governing
  word of court proceedings, a weapon test or purchase, an act that is only expected or planned, a protest verb
  with an object ("demonstrated a device"), a trigger noun that modifies another noun ("rally car").
- ``sentence_relevance``: what anchors the sentence in conflict: an armed or state actor, civilians as victims,
  a weapon, a violent act, a crowd for demonstrations; and whether a natural or accidental cause, or ordinary
  crime, explains it instead.

The lexicons are data (``data/relevance.toml``).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from conflictlog.errors import ExtractionError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "relevance.toml"

OFF_TOPIC_DOMAINS = ("sport", "business", "entertainment", "technology", "politics")
OFF_TOPIC_MIN = 6
"""An article needs at least this many words of one other domain to be read as that domain."""
OFF_TOPIC_RATIO = 1.5
"""... and that many times as many of them as conflict words."""


@dataclass(frozen=True, slots=True)
class Lexicons:
    """The relevance word lists, lower case."""

    domains: dict[str, tuple[str, ...]]
    natural: tuple[str, ...]
    accident: tuple[str, ...]
    weapons: tuple[str, ...]
    violent_acts: tuple[str, ...]
    crowd: tuple[str, ...]
    legal: frozenset[str]
    non_use: frozenset[str]
    non_use_nouns: frozenset[str]
    unrealised: frozenset[str]
    crime: tuple[str, ...]
    perpetrators: tuple[str, ...]
    political_motive: tuple[str, ...]
    diplomatic_replies: tuple[str, ...]
    idioms: tuple[str, ...]
    abstractions: frozenset[str]
    figurative_modifiers: frozenset[str]


@lru_cache(maxsize=1)
def load_lexicons() -> Lexicons:
    """Read ``data/relevance.toml`` (cached); raises ExtractionError naming the file when it is unreadable."""
    try:
        raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
        words = lambda section, key: tuple(w.lower() for w in raw[section][key])  # noqa: E731
        return Lexicons(
            domains={name: tuple(w.lower() for w in ws) for name, ws in raw["domain"].items()},
            natural=words("cause", "natural"),
            accident=words("cause", "accident"),
            weapons=words("anchor", "weapons"),
            violent_acts=words("anchor", "violent_acts"),
            crowd=words("anchor", "crowd"),
            legal=frozenset(words("context", "legal")),
            non_use=frozenset(words("context", "non_use")),
            non_use_nouns=frozenset(words("context", "non_use_nouns")),
            unrealised=frozenset(words("context", "unrealised")),
            crime=words("context", "crime"),
            perpetrators=words("context", "perpetrators"),
            political_motive=words("context", "political_motive"),
            diplomatic_replies=words("context", "diplomatic_replies"),
            idioms=words("context", "idioms"),
            abstractions=frozenset(words("context", "abstractions")),
            figurative_modifiers=frozenset(words("context", "figurative_modifiers")),
        )
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as err:
        raise ExtractionError(f"{DATA_FILE.name}: cannot read data file: {err}", code="E401") from err


def _padded(text: str) -> str:
    return " " + re.sub(r"[^\w\s'-]", " ", text.lower()) + " "


def count_terms(text: str, terms: tuple[str, ...]) -> int:
    """How many times the whole words or phrases of ``terms`` occur in ``text``."""
    padded = _padded(text)
    words = Counter(padded.split())
    return sum(words[t] if " " not in t else padded.count(f" {t} ") for t in terms)


def first_term(text: str, terms: tuple[str, ...]) -> str | None:
    """The first of ``terms`` that occurs in ``text`` as a whole word or phrase, or None."""
    padded = _padded(text)
    return next((t for t in terms if f" {t} " in padded), None)


@dataclass(frozen=True, slots=True)
class ArticleTopic:
    """Domain word counts of an article and the domain it reads as."""

    counts: dict[str, int] = field(default_factory=dict)
    domain: str = "conflict"

    @property
    def off_topic(self) -> bool:
        """True when the article reads as sport, business, culture, technology or electoral politics."""
        return self.domain != "conflict"

    def describe(self) -> str:
        """One line for ``explain``: the domain and the counts behind it."""
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items(), key=lambda kv: -kv[1]) if v)
        return f"{self.domain} ({counts or 'no domain words'})"


def article_topic(text: str) -> ArticleTopic:
    """Count each domain's words over the article; the strongest other domain wins when it clearly outweighs
    the conflict words (``OFF_TOPIC_MIN``, ``OFF_TOPIC_RATIO``)."""
    lex = load_lexicons()
    counts = {name: count_terms(text, terms) for name, terms in lex.domains.items()}
    other = max(OFF_TOPIC_DOMAINS, key=lambda name: counts.get(name, 0))
    if counts.get(other, 0) >= OFF_TOPIC_MIN and counts[other] >= OFF_TOPIC_RATIO * max(1, counts.get("conflict", 0)):
        return ArticleTopic(counts, other)
    return ArticleTopic(counts, "conflict")


# --- the trigger's own sense ------------------------------------------------------------------------------------

_NAME_WORD = re.compile(r"(?<=[\w,;:'\"] )[A-Z][\w'-]*")
_NAME_TYPES = frozenset({"PERSON", "WORK_OF_ART", "PRODUCT", "LAW"})


def _headline(text: str) -> bool:
    """Whether most words are capitalised, as in a headline, where capitals do not mark names."""
    words = text.split()
    return sum(w[:1].isupper() for w in words) > len(words) / 2


def _ancestors(token: Any, hops: int = 4) -> list[Any]:
    out: list[Any] = []
    cur = token
    while len(out) < hops and cur.head.i != cur.i:
        cur = cur.head
        out.append(cur)
    return out


# trigger words whose noun is another thing than the act: "a low shot", "growth targets"
_NOUN_SENSES = {"shot": "names a kick, a throw or a camera take", "target": "names an aim"}


def _is_abstraction(token: Any) -> bool:
    """Whether a noun names an idea, a policy, a price or a statement rather than people, a place or a thing one
    can strike ("plans", "the dollar", "critics")."""
    if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_:
        return False
    lex = load_lexicons()
    return token.lower_ in lex.abstractions or token.lemma_.lower() in lex.abstractions


def _figurative_modifier(token: Any) -> bool:
    """Whether a noun beside a trigger gives it a sense outside conflict ("heart attack", "profit targets")."""
    lex = load_lexicons()
    return token.lower_ in lex.figurative_modifiers or token.lemma_.lower() in lex.figurative_modifiers


def trigger_sense(text: str, start: int, end: int, token: Any | None, *, weapon: bool = False,
                  protest: bool = False, violent: bool = False) -> str | None:
    """Why the trigger at ``text[start:end]`` does not report an act here, or None when it may.
    ``weapon``: the trigger names a weapon; ``protest``: it names a demonstration; ``violent``: a generic act
    of violence, whose object must not be an idea, a policy or a price."""
    lex = load_lexicons()
    padded = _padded(text)
    for idiom in lex.idioms:
        at = padded.find(f" {idiom} ")
        while at != -1:
            if at < end + 1 and at + len(idiom) + 1 > start:
                return f"idiom '{idiom}'"
            at = padded.find(f" {idiom} ", at + 1)
    if text.rstrip().endswith("?"):
        return "a question"
    if token is None:
        return None
    # a weapon opening a headline ("Grenade explosion in ...") is often tagged as a one-word name
    opening = weapon and token.i == token.sent.start and (token.i + 1 >= len(token.doc)
                                                          or token.nbor().ent_iob_ != "I")
    if token.ent_type_ in _NAME_TYPES and not opening:
        return f"part of a name ('{token.text}', {token.ent_type_})"
    if (token.pos_ == "PROPN" and not weapon and token.text[:1].isupper() and not token.text.isupper()
            and token.i > token.sent.start and not _headline(text)):
        return f"part of a name ('{token.text}')"
    if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in token.children):
        return f"negated '{token.text}'"
    ancestors = _ancestors(token)
    for anc in ancestors[:3]:
        if any(c.dep_ == "neg" for c in anc.children) and anc.pos_ in ("VERB", "AUX"):
            return f"negated '{anc.text}'"
    for anc in ancestors:
        lemma = anc.lemma_.lower()
        if lemma in lex.legal or anc.lower_ in lex.legal:
            return f"court proceedings ('{anc.text}')"
        if weapon and (lemma in lex.non_use or anc.lower_ in lex.non_use
                       or (anc.pos_ == "NOUN" and lemma in lex.non_use_nouns)):
            return f"a weapon that is not used ('{anc.text}')"
    if weapon and any(c.lower_ in lex.non_use for c in token.children):
        return "a weapon that is not used"
    if token.pos_ in ("NOUN", "PROPN"):
        # "rally car", "profit targets", "net attacks": a noun of another domain beside the trigger sets its sense
        beside = [token.head] if token.dep_ in ("compound", "appos") else []
        beside += [c for c in token.children if c.dep_ in ("compound", "appos")]
        for noun in beside:
            if _figurative_modifier(noun) or _is_abstraction(noun):
                return f"'{token.text}' beside '{noun.text}', a word of another sense"
        if token.lemma_.lower() in _NOUN_SENSES:
            return f"'{token.text}' as a noun {_NOUN_SENSES[token.lemma_.lower()]}"
        if violent:
            # "a battle for hearts and minds", "an attack on software patents"
            for prep in (c for c in token.children if c.dep_ == "prep"):
                obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if obj is not None and _is_abstraction(obj):
                    return f"'{token.text} {prep.text}' an abstraction ('{obj.text}')"
    for anc in ancestors[:2]:
        if anc.lemma_.lower() in lex.unrealised and token.dep_ in ("dobj", "nsubj", "nsubjpass", "xcomp", "acl",
                                                                   "pobj", "compound", "conj", "advcl", "oprd",
                                                                   "attr"):
            return f"not (yet) happened ('{anc.text}')"
    if token.dep_ == "xcomp" and token.head.lemma_.lower() in lex.unrealised:
        return f"not (yet) happened ('{token.head.text}')"
    if violent and token.dep_ == "acl" and _is_abstraction(token.head):
        # "sanctions targeting Russia", "measures attacking the deficit": what does it is an idea or a policy
        return f"'{token.text}' said of an abstraction ('{token.head.text}')"
    if token.pos_ != "VERB":
        return None
    obj = next((c for c in token.children if c.dep_ == "dobj"), None)
    agent = next((g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)
    subj = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if violent and obj is not None and _is_abstraction(obj):
        return f"'{token.text}' an abstraction ('{obj.text}')"
    if violent and agent is not None and _is_abstraction(agent):
        return f"'{token.text}' by an abstraction ('{agent.text}')"
    if protest and subj is not None and _is_abstraction(subj):
        return f"'{token.text}' with an abstraction as subject ('{subj.text}')"
    if weapon and obj is not None and obj.ent_type_ in ("PERSON", "ORG"):
        return f"'{token.text}' a person or organisation ('{obj.text}'): criticises"
    if protest and token.lemma_.lower() == "demonstrate" and obj is not None \
            and obj.lemma_.lower() not in lex.crowd and obj.ent_type_ not in ("NORP", "ORG"):
        # "demonstrated a device" shows; "protested the killing", "picketed the office" do protest
        return f"'{token.text}' with an object ('{obj.text}'): shows or disputes, does not demonstrate"
    return None


# --- what anchors the sentence in conflict -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Relevance:
    """The sentence-level judgement: kept or not, the anchor found and the reason, for ``explain``."""

    keep: bool
    reason: str


def sentence_relevance(text: str, trigger_span: tuple[int, int], family: str, topic: ArticleTopic, *,
                       armed_actor: bool, state_actor: bool, civilian_target: bool, fatalities: int,
                       place_named: bool = False, generic: bool = False, needs_actor: bool = False) -> Relevance:
    """Whether a sentence whose trigger codes ``family`` (an ACLED event type) reports conflict: it needs an
    anchor (a strong one in an article of another domain) and no natural, accidental or criminal explanation.
    The trigger's sense was checked before (``trigger_sense``), so in a conflict article a weapon or violent act
    the trigger itself names counts; ``generic`` triggers ("explosion", "killed") never anchor themselves.
    ``needs_actor``: the event is what an actor does (territory, arrests, agreements, deployments), so only an
    armed or state actor anchors it."""
    lex = load_lexicons()
    rest = text[:trigger_span[0]] + " " + text[trigger_span[1]:]
    own = rest if generic or topic.off_topic else text
    weapon = first_term(own, lex.weapons)
    act = first_term(own, lex.violent_acts)
    strong = [why for why in (
        "armed actor" if armed_actor else None,
        f"weapon '{weapon}'" if weapon else None,
        f"violent act '{act}'" if act else None,
        "remote violence" if family == "Explosions/Remote violence" and own is text else None,
    ) if why]
    violent = family in ("Battles", "Explosions/Remote violence", "Violence against civilians")
    # a capitalised cause word inside the sentence is a name ("Storm Corps", "Operation Flood")
    common = text if _headline(text) else _NAME_WORD.sub(" ", text)
    cause = first_term(common, lex.natural) or first_term(common, lex.accident)
    if cause and violent and not strong and not first_term(text, lex.perpetrators):
        return Relevance(False, f"no human perpetrator: '{cause}'")
    crime = first_term(text, lex.crime)
    if crime and not strong and family == "Strategic developments" and not first_term(text, lex.political_motive):
        # arrests and seizures in ordinary criminal cases; violence around crime (gangs, mob justice) stays
        return Relevance(False, f"ordinary crime: '{crime}'")
    if needs_actor and not topic.off_topic:
        force = first_term(text, lex.domains.get("conflict", ()))
        if armed_actor or state_actor or force:
            return Relevance(True, "anchor: " + ("armed actor" if armed_actor else "state actor" if state_actor
                                                 else f"conflict word '{force}'"))
        return Relevance(False, "no armed or state actor does it")
    reply = first_term(text, lex.diplomatic_replies)
    if reply and family != "Protests":
        return Relevance(False, f"a reference in a diplomatic reply ('{reply}')")
    if fatalities and violent and not topic.off_topic:
        strong.append(f"{fatalities} killed")
    weak: list[str] = []
    if state_actor:
        weak.append("state actor")
    if civilian_target:
        weak.append("civilian target")
    crowd = first_term(text, lex.crowd)
    if crowd:
        weak.append(f"crowd '{crowd}'")
    if family == "Protests":
        weak.append("a demonstration")  # its other senses ("demonstrated a device") were read in trigger_sense
    if place_named:
        weak.append("a named place")
    conflict_word = first_term(rest, lex.domains.get("conflict", ()))
    if conflict_word:
        weak.append(f"conflict word '{conflict_word}'")
    if topic.off_topic:
        if strong:
            return Relevance(True, f"anchor: {strong[0]} (in a {topic.domain} article)")
        return Relevance(False, f"a {topic.domain} article and no strong conflict anchor")
    anchors = strong + weak
    if anchors:
        return Relevance(True, f"anchor: {anchors[0]}")
    return Relevance(False, "no conflict anchor (no armed actor, civilian target, weapon, violent act or crowd)")


@dataclass(frozen=True, slots=True)
class Decision:
    """Why one candidate sentence yielded an event or not, for ``conflictlog explain``."""

    sentence_index: int
    sentence: str
    trigger: str | None
    kept: bool
    reason: str
