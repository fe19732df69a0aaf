"""Event mentions from a parsed article: the extract stage's orchestrator.

For each candidate sentence: find the best trigger (taxonomy precedence), skip hypothetical or
adjectival uses ("an expected confrontation", "injured fighters"), read actors and roles from the parse
(actors.py), choose the event's place (places.py), then attach date, casualties and attribution from
their own modules. Sentences that elaborate the incident of the sentence before ("... repelled the
attack, killing 10") collapse into one mention that keeps every evidence sentence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

from conflictlog.extract import actors as actors_mod
from conflictlog.extract import places as places_mod
from conflictlog.extract import relevance
from conflictlog.extract.attribution import find_responsibility
from conflictlog.extract.taxonomy import (
    Taxonomy,
    TriggerMatch,
    code_event,
    find_triggers,
    has_trigger,
    code_crowd_event,
    is_armed,
    is_civilian,
    is_nonstate,
    is_state,
    load_taxonomy,
    mentions_any,
)
from conflictlog.records import (
    ActorMention,
    Certainty,
    DateMention,
    EventMention,
    Evidence,
    ParsedArticle,
    PlaceMention,
    Sentence,
    Span,
    content_hash,
)

logger = logging.getLogger(__name__)

MAX_CANDIDATE_CHARS = 2000
MODALS = frozenset({"will", "would", "could", "might", "may", "should", "must", "can", "shall"})
_SUPPORT_LEMMAS = frozenset({"back", "support", "assist", "aid", "accompany"})
_CASUALTIES_UNKNOWN = re.compile(r"\bcasualties (were )?unknown\b|\bno (reported )?(casualties|fatalities)\b"
                                 r"|\bthere were no (casualties|fatalities|deaths)\b", re.I)
_RUMOUR = re.compile(r"\b(reports are (appearing|circulating|emerging)|according to (some|unconfirmed|unverified)"
                     r" (sources|reports)|unconfirmed reports?|rumou?rs?|allegedly|it is (said|rumou?red))\b", re.I)
_GENERIC_CROWD = frozenset({"protesters", "protestors", "demonstrators", "people", "crowd", "rioters", "mob",
                            "residents", "locals", "hundreds", "dozens", "thousands"})


_UNIDENTIFIED_PERPETRATOR = frozenset({
    ("Violence against civilians", "Attack"), ("Violence against civilians", "Abduction/forced disappearance"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"), ("Explosions/Remote violence", "Grenade"),
})


def is_candidate_sentence(text: str) -> bool:
    """True when a sentence can carry an event: it has a trigger from the lexicon (cheap regex check)."""
    if not text or len(text) > MAX_CANDIDATE_CHARS or len(text.strip()) < 12:
        return False
    return has_trigger(text)


def _dates(doc: ParsedArticle) -> tuple[DateMention | None, ...]:
    try:
        from conflictlog.extract import dates
    except ImportError:
        return tuple(None for _ in doc.sentences)
    return dates.sentence_dates(doc)


def _historical(date: DateMention | None, doc: ParsedArticle, text: str) -> bool:
    try:
        from conflictlog.extract import dates
    except ImportError:
        return False
    return dates.is_historical(date, doc.article.published, text)


def _casualties(text: str) -> tuple[int, int | None, tuple[str, ...]]:
    if _CASUALTIES_UNKNOWN.search(text) and not re.search(r"\b(killed|dead|died)\b", text, re.I):
        return 0, None, ()
    try:
        from conflictlog.extract.casualties import count_casualties
    except ImportError:
        return 0, None, ()
    count = count_casualties(text)
    return count.fatalities, count.injured, tuple(count.cues)


def _attribution(text: str, previous: str | None) -> tuple[str | None, Certainty, tuple[str, ...]]:
    claimed_by: str | None = None
    certainty = Certainty.REPORTED
    cues: tuple[str, ...] = ()
    try:
        from conflictlog.extract.attribution import find_attribution
    except ImportError:
        find_attribution = None  # type: ignore[assignment]
    if find_attribution is not None:
        att = find_attribution(text, previous)
        claimed_by, certainty, cues = att.claimed_by, att.certainty, tuple(att.cues)
    if certainty != Certainty.UNVERIFIED:
        rumour = _RUMOUR.search(text) or (previous is not None and _RUMOUR.search(previous)
                                           and re.match(r"\s*(according|the sources|some sources)", text, re.I))
        if rumour:
            certainty = Certainty.UNVERIFIED
            cues = cues + (rumour.group(0),)
    return claimed_by, certainty, cues


def _own_date(date: DateMention | None, sentence: Sentence) -> bool:
    """True when the sentence states its own date (not one carried from the story so far)."""
    if date is None or date.span is None:
        return bool(re.search(r"\b(on|since|between) (\d{1,2} )?(january|february|march|april|may|june|july|"
                              r"august|september|october|november|december)\b", sentence.text, re.I))
    return sentence.start <= date.span.start < sentence.end


_NAME_RUN = re.compile(r"\b[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)+")


def _is_hypothetical(sentence: Sentence, match: TriggerMatch, token: Any | None, tax: Taxonomy,
                     secondary: bool = True) -> bool:
    """A plan, expectation, accusation or habit rather than a reported event, or an adjectival use; with
    ``secondary``, also an act the sentence gives as background to another ("following clashes, ...")."""
    before = sentence.text[max(0, match.start - 70):match.start]
    clause = re.split(r"[,;:]", before)[-1] if not match.trigger.id.startswith("label-") else ""
    # cue words inside a name ("No.8 Shwebo Training Institute") are no cue
    clause = _NAME_RUN.sub(" ", clause)
    if mentions_any(clause, tax.lexicons["hypothetical"]) or (secondary and mentions_any(clause,
                                                                                         tax.lexicons["secondary"])):
        return True
    if token is None:
        return False
    if token.dep_ == "amod" and token.tag_ in ("VBN", "JJ") and match.trigger.id not in ("protest",):
        return True  # "injured fighters", "the arrested persons", "a destroyed tank"
    cur, hops = token, 0
    while hops < 6:
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in cur.children):
            return True
        if cur.dep_ in ("acl", "advcl") and cur.lemma_ in _SUPPORT_LEMMAS:
            return True  # "backed by coalition warplanes": support, not the act
        if cur.head.i == cur.i:
            break
        if cur.dep_ == "pobj" and cur.head.head.lemma_ in _SUPPORT_LEMMAS:
            return True
        cur, hops = cur.head, hops + 1
    return False


@dataclass
class _Draft:
    """An event being assembled; later sentences that elaborate it add evidence."""

    sentence: Sentence
    event_type: str
    sub_event_type: str
    trigger_id: str
    roles: actors_mod.Roles
    place: PlaceMention | None
    date: DateMention | None
    fatalities: int
    injured: int | None
    claimed_by: str | None
    certainty: Certainty
    historical: bool
    priority: int
    evidence: list[Evidence] = field(default_factory=list)
    last_index: int = 0
    extra_places: list[PlaceMention] = field(default_factory=list)


def _opens_with_reference(text: str, tax: Taxonomy) -> bool:
    """'They ...', 'The victim ...', 'As a result, ...': the sentence continues the one before."""
    lower = text.strip().lower()
    return any(lower.startswith(w + " ") or lower.startswith(w + ",") for w in tax.lexicons["anaphora_openers"])


def _anaphoric(text: str, tax: Taxonomy) -> bool:
    """The sentence refers back to an incident already told ("the attack", "in the area")."""
    return _opens_with_reference(text, tax) or mentions_any(text, tax.lexicons["anaphora"])


_CODED_AS = re.compile(r"\s*[(\[](?:coded|understood|identified) as ([^()\[\]]{2,60})[)\]]", re.I)


def _coded_as(sentence: Sentence, roles: actors_mod.Roles) -> actors_mod.Roles:
    """A coder's note after an actor ("three militants (coded as Kashmir Rebels)") names the actor."""

    def named(actor: ActorMention | None) -> ActorMention | None:
        if actor is None or actor.span is None:
            return actor
        m = _CODED_AS.match(sentence.text, actor.span.end - sentence.start)
        if m is None:
            return actor
        start = sentence.start + m.start(1)
        return ActorMention(m.group(1).strip(), Span(start, start + len(m.group(1).strip()), m.group(1).strip()))

    return replace(roles, actor1=named(roles.actor1), actor2=named(roles.actor2))


def _protest_actor(roles: actors_mod.Roles, label: str, intervener: ActorMention | None = None
                   ) -> actors_mod.Roles:
    """ACLED codes demonstrators as 'Protesters'/'Rioters'; the named group becomes an associated actor. A
    state force acting on the crowd (``intervener``: "police dispersed protesters") is actor2 of a protest."""
    assoc = list(roles.assoc_actor_1)
    sub = roles.actor1
    if sub is not None and not is_armed(sub.text) and not re.search(r"\b(protest|wave|demonstration|rall)", sub.text,
                                                                       re.I):
        words = set(re.findall(r"[a-z]+", sub.text.lower()))
        if not words <= _GENERIC_CROWD | {"the", "of", "some", "several", "many", "local", "angry"} \
                and not re.search(r"\b(protesters|demonstrators|rioters)\b", sub.text, re.I):
            assoc.insert(0, sub)
    actor1 = ActorMention(label)
    if sub is not None and re.search(rf"\b{label}\b", sub.text, re.I):
        actor1 = sub
    actor2 = roles.actor2 if label == "rioters" else None
    if actor2 is None and intervener is not None:
        actor2 = intervener
    return replace(roles, actor1=actor1, actor2=actor2, assoc_actor_1=tuple(assoc))


def _intervener(sentence: Sentence, tok: Any, pair: tuple[str, str]) -> ActorMention | None:
    """Who acts on a crowd the trigger names as an object ("police dispersed protesters", "troops broke up a
    rally"), or, in a protest met with intervention, the first subject of the sentence that is a state force."""
    subjects = []
    if tok is not None and tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "dobj" and tok.head.pos_ == "VERB" \
            and not actors_mod._is_passive(tok.head):
        subjects.append(actors_mod._subject(tok.head))
    if pair[1] == "Protest with intervention" and sentence.doc is not None:
        # the subject of the protest verb itself is the crowd ("soldiers protested ...; police detained five")
        subjects += [t for t in sentence.doc if t.dep_ == "nsubj" and t.head.pos_ == "VERB"
                     and (tok is None or t.head.i != tok.i)]
        subjects += [actors_mod._agent(t) for t in sentence.doc if actors_mod._is_passive(t)]  # "arrested by X"
    for subject in subjects:
        found = actors_mod._mention(sentence, subject) if subject is not None else None
        if found is not None and is_state(found.text):  # (is_state already refuses a non-state group)
            return found
    if pair[1] == "Protest with intervention" and sentence.doc is not None and any(
            t.lemma_ in ("arrest", "detain") and actors_mod._is_passive(t) and actors_mod._agent(t) is None
            for t in sentence.doc):
        return ActorMention("police")  # "were arrested after they picketed": arrests are the police's
    return None


def _civilian_target(roles: actors_mod.Roles, pair: tuple[str, str]) -> actors_mod.Roles:
    """ACLED codes unarmed victims as 'Civilians' (the report's own words, "two journalists", go to the
    associated actors); violence against civilians always has civilians as actor2."""
    target = roles.actor2
    civilian = target is not None and is_civilian(target.text)
    if not civilian and not (pair[0] == "Violence against civilians" and not is_armed(target.text if target else None)):
        return roles
    assoc = roles.assoc_actor_2
    if target is not None and not re.fullmatch(r"(the |some |\d+ |several |many )?civilians?", target.text, re.I):
        assoc = (target, *assoc)
    return replace(roles, actor2=ActorMention("civilians"), assoc_actor_2=assoc)


def _reporting_subject(token: Any, sentence: Sentence) -> ActorMention | None:
    """'X announced that its forces ...': the reporting verb's subject, for 'its/the group' actors."""
    cur, hops = token, 0
    while hops < 6 and cur.head.i != cur.i:
        if cur.dep_ == "ccomp":
            subj = next((c for c in cur.head.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                span = actors_mod.phrase_span(subj)
                if span is not None:
                    text = sentence.text[span[0]:span[1]]
                    return ActorMention(text, Span(sentence.start + span[0], sentence.start + span[1], text))
            return None
        cur, hops = cur.head, hops + 1
    return None


def _resolve_reference(actor: ActorMention | None, token: Any | None, sentence: Sentence) -> ActorMention | None:
    if actor is None or token is None:
        return actor
    if re.match(r"^(its|their|the group'?s?|the group)\b", actor.text, re.I) or actor.text.lower() in (
            "the group", "the organisation", "the organization", "the movement"):
        ref = _reporting_subject(token, sentence)
        if ref is not None:
            return ref
    return actor


def _is_coder_label(match: TriggerMatch) -> bool:
    """A coder's label or size tag ("Looting:", "[size=no report]") types a note; its sense is not in doubt."""
    return match.trigger.id.startswith("label-") or match.trigger.id == "size-tag"


def _other_sense(sentence: Sentence, match: TriggerMatch, token: Any | None) -> str | None:
    """Why this trigger, read in its sentence, is no act of conflict (relevance.trigger_sense), or None."""
    if _is_coder_label(match):
        return None
    return relevance.trigger_sense(sentence.text, match.start, match.end, token,
                                   weapon=match.trigger.event_type == "Explosions/Remote violence",
                                   protest=match.trigger.event_type == "Protests",
                                   violent=match.trigger.generic)


_BACKGROUND_MARKS = frozenset({"after", "following"})


def _deployment_after(sentence: Sentence, match: TriggerMatch, tok: Any | None, matches: list[TriggerMatch]
                      ) -> tuple[TriggerMatch, Any] | None:
    """'The army sent troops to X after an attack on its post': an act told in a clause after 'after' or
    'following' is why forces moved; the deployment that the main verb reports is the event."""
    if tok is None or match.trigger.sub_event_type == "Change to group/activity":
        return None
    cur, hops, background = tok, 0, False
    while hops < 8 and cur.head.i != cur.i:
        if cur.lower_ in _BACKGROUND_MARKS or any(c.dep_ == "mark" and c.lower_ in _BACKGROUND_MARKS
                                                  for c in cur.children):
            background = True
        cur, hops = cur.head, hops + 1
    if not background:
        return None
    for other in matches:
        if other.trigger.sub_event_type != "Change to group/activity" or _is_coder_label(other):
            continue
        other_tok = actors_mod.trigger_token(sentence.doc, other.start, other.end)
        if other_tok is not None and other_tok.i == cur.i:
            return other, other_tok
    return None


def _in_relative_clause(tok: Any) -> bool:
    cur, hops = tok, 0
    while hops < 8 and cur.head.i != cur.i:
        if cur.dep_ == "relcl":
            return True
        cur, hops = cur.head, hops + 1
    return False


def _main_clause_act(sentence: Sentence, match: TriggerMatch, tok: Any | None, matches: list[TriggerMatch],
                     tax: Taxonomy) -> tuple[TriggerMatch, Any] | None:
    """'Troops captured two villages near a town that was the scene of a chemical attack': an act told in a
    relative clause describes a place or a person; a specific act outside any relative clause is the event."""
    if tok is None or match.trigger.event_type in ("Protests", "Riots") or not _in_relative_clause(tok):
        return None  # "arrested youths who were protesting": the demonstration the arrest stepped into
    for other in matches:
        if other is match or other.trigger.generic or _is_coder_label(other):
            continue
        other_tok = actors_mod.trigger_token(sentence.doc, other.start, other.end)
        if other_tok is None or _in_relative_clause(other_tok) or _is_hypothetical(sentence, other, other_tok, tax) \
                or _other_sense(sentence, other, other_tok) is not None:
            continue
        return other, other_tok
    return None


def _one_sided(sentence: Sentence, roles: actors_mod.Roles, tax: Taxonomy) -> bool:
    """'Gunmen attacked the village of X, killing 10': people were harmed and the sentence names no armed
    side but the attackers, so no one fought back; the attack is on civilians ("launched an assault" is an
    operation, and is not asked)."""
    if not any(_casualties(sentence.text)[:2]):
        return False
    text = sentence.text
    if roles.actor1 is not None and roles.actor1.span is not None:
        start = roles.actor1.span.start - sentence.start
        text = text[:start] + text[start + len(roles.actor1.text):]
    words = set(tax.lexicons["armed"]) | set(tax.lexicons["state"]) | set(tax.lexicons["nonstate"])
    return not mentions_any(text, tuple(words)) and not re.search(r"\b(clash|fight|exchang|repel|repuls|battl)",
                                                                  text, re.I)


def _analyse(sentence: Sentence, doc: ParsedArticle, tax: Taxonomy, rejected: list[str] | None = None
             ) -> tuple[TriggerMatch, Any, tuple[str, str], actors_mod.Roles] | None:
    matches = [m for m in find_triggers(sentence.text, tax)]
    best: tuple[TriggerMatch, Any] | None = None
    background: tuple[TriggerMatch, Any] | None = None
    for m in matches:
        tok = actors_mod.trigger_token(sentence.doc, m.start, m.end)
        if _is_hypothetical(sentence, m, tok, tax):
            logger.debug("events: skip %s %r in %r (hypothetical)", m.trigger.id, m.text, sentence.text[:50])
            if rejected is not None:
                rejected.append(f"'{m.text}': hypothetical, planned or adjectival")
            if background is None and not _is_hypothetical(sentence, m, tok, tax, secondary=False) \
                    and _other_sense(sentence, m, tok) is None:
                background = (m, tok)
            continue
        sense = _other_sense(sentence, m, tok)
        if sense is not None:
            logger.debug("events: skip %s %r in %r (%s)", m.trigger.id, m.text, sentence.text[:50], sense)
            if rejected is not None:
                rejected.append(f"'{m.text}': {sense}")
            continue
        best = (m, tok)
        break
    # "treated following a poison gas attack": an act given as background is the event when nothing else is,
    # or when the rest only names the harm it did ("killed following an attack by militants on a base")
    harm: TriggerMatch | None = None
    if best is None or (background is not None and best[0].trigger.id == "casualty"):
        harm = best[0] if best is not None and background is not None else None
        best = background or best
    if best is None:
        return None
    match, tok = best
    main = _deployment_after(sentence, match, tok, matches) or _main_clause_act(sentence, match, tok, matches, tax)
    if main is not None and not any(_casualties(sentence.text)[:2]):
        # an act that killed or injured someone stays the event, whatever else the sentence reports
        match, tok = main
    role_match = match
    if match.trigger.id.startswith("label-") or match.trigger.id == "transfer":
        # a coder label ("Looting:") or a manner phrase ("no clashes were reported") types the event;
        # the roles sit on the sentence's own verb
        role_match = next((m for m in matches if m is not match and not m.trigger.id.startswith("label-")
                           and not _is_hypothetical(sentence, m, actors_mod.trigger_token(sentence.doc, m.start,
                                                                                          m.end), tax)), match)
        if role_match is match and sentence.doc is not None:
            root = next((t for t in sentence.doc if t.dep_ == "ROOT"), None)
            if root is not None:
                role_match = replace(match, start=root.idx, end=root.idx + len(root.text), text=root.text)
        tok = actors_mod.trigger_token(sentence.doc, role_match.start, role_match.end)
    clash = match.trigger.sub_event_type == "Armed clash"
    roles = actors_mod.find_roles(sentence, role_match.start, role_match.end, clash=clash)
    if match.trigger.id.startswith("label-"):
        roles = _outside_label(roles, sentence, match.end)
    territory = match.trigger.id in ("territory", "transfer")

    def fits_actor2(actor: ActorMention | None) -> bool:
        # "took over Kafr Zeita", "seized control of some sites": what is taken is territory, not an actor
        return actor is not None and (not territory or is_armed(actor.text))

    if roles.actor2 is not None and not fits_actor2(roles.actor2):
        roles = replace(roles, actor2=None)
    # fill missing roles from the other triggers of the sentence ("bodies found ..., killed by gunmen")
    for other in matches:
        if roles.actor1 is not None and roles.actor2 is not None:
            break
        if other is match:
            continue
        more = actors_mod.find_roles(sentence, other.start, other.end,
                                     clash=other.trigger.sub_event_type == "Armed clash")
        if roles.actor1 is None and more.actor1 is not None and (roles.actor2 is None
                                                                 or more.actor1.text != roles.actor2.text):
            roles = replace(roles, actor1=more.actor1, assoc_actor_1=roles.assoc_actor_1 or more.assoc_actor_1)
        if roles.actor2 is None and fits_actor2(more.actor2) and (roles.actor1 is None
                                                                  or more.actor2.text != roles.actor1.text):
            roles = replace(roles, actor2=more.actor2)
    if harm is not None:
        # the ones the harm befell are the other side ("2 policemen were killed following an attack on a post")
        victims = actors_mod.find_roles(sentence, harm.start, harm.end).actor2
        if victims is not None and (roles.actor1 is None or victims.text != roles.actor1.text):
            roles = replace(roles, actor2=victims)
    if territory:
        # the side the territory is taken from ("seized X from ADF control"); the trigger may end in "from"
        begin = min(match.start, role_match.start)
        frm = re.search(r"\bfrom ((the )?[A-Z][\w'-]*( [A-Z][\w'-]*)*)", sentence.text[begin:])
        if frm:
            roles = replace(roles, assoc_actor_2=())
            start = sentence.start + begin + frm.start(1)
            roles = replace(roles, actor2=ActorMention(frm.group(1), Span(start, start + len(frm.group(1)),
                                                                          frm.group(1))))
    roles = replace(roles, actor1=_resolve_reference(roles.actor1, tok, sentence))
    target = roles.actor2.text if roles.actor2 else None
    if match.trigger.generic and not is_armed(target):
        # a civilian victim named by another verb of the sentence ("opened fire ..., a civilian was killed")
        for other in matches:
            if other is not match and other.trigger.generic:
                victim = actors_mod.find_roles(sentence, other.start, other.end).actor2
                if victim is not None and is_civilian(victim.text):
                    target = victim.text
                    break
    roles = _coded_as(sentence, roles)
    if roles.actor2 is not None and roles.actor2.span is not None and places_mod.is_place_name(roles.actor2.text):
        # "bombing by the coalition on Al-Raqqah": the target named is a place, not an actor
        roles = replace(roles, actor2=None)
    pair = code_event(match, sentence.text, roles.actor1.text if roles.actor1 else None, target, tax)
    if pair == ("Battles", "Armed clash") and match.trigger.id == "attack" and tok is not None \
            and tok.pos_ == "VERB" and _one_sided(sentence, roles, tax):
        pair = ("Violence against civilians", "Attack")
    if roles.actor1 is None and pair in _UNIDENTIFIED_PERPETRATOR:
        # ACLED codes violence whose perpetrator the report does not name as an unidentified armed group
        roles = replace(roles, actor1=ActorMention("unidentified armed group"))
    roles = _civilian_target(roles, pair)
    if pair[0] in ("Protests", "Riots") and roles.actor1 is None and sentence.doc is not None:
        # the crowd act was misparsed ("hurled" read as an adjective): the clause's subject is the crowd
        root = next((t for t in sentence.doc if t.dep_ == "ROOT"), None)
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None) if root is not None else None
        if subject is not None and subject.ent_type_ not in ("DATE", "TIME", "CARDINAL", "GPE", "LOC"):
            roles = replace(roles, actor1=actors_mod._mention(sentence, subject))
    if pair[0] == "Protests":
        roles = _protest_actor(roles, "protesters", _intervener(sentence, tok, pair))
    elif pair[0] == "Riots":
        roles = _protest_actor(roles, "rioters")
    return match, tok, pair, roles


_FALLBACK_PLACE = re.compile(r"\b(?:in|at|near|of|outside|around)\s+(?:the\s+)?((?:(?:al|el|ar|as|ad|an)-)?[A-Z]"
                             r"[\w'’-]*(?:\s+(?:(?:al|el|ar|as|ad|an)-)?[A-Z][\w'’-]*){0,3})")


def _outside_label(roles: actors_mod.Roles, sentence: Sentence, label_end: int) -> actors_mod.Roles:
    """Drop actors read from a coder label ("Movement of forces:"); take the first subject after it instead."""
    def inside(a: ActorMention | None) -> bool:
        return a is not None and a.span is not None and a.span.start - sentence.start < label_end

    actor1 = None if inside(roles.actor1) else roles.actor1
    actor2 = None if inside(roles.actor2) else roles.actor2
    if actor1 is None and sentence.doc is not None:
        subj = next((t for t in sentence.doc if t.dep_ in ("nsubj", "nsubjpass") and t.idx >= label_end), None)
        if subj is not None:
            actor1 = actors_mod._mention(sentence, subj, strip_assets=True)
            if actor2 is not None and actor1 is not None and actor2.text == actor1.text:
                actor2 = None
    return replace(roles, actor1=actor1, actor2=actor2)


def _fallback_place(sentence_text: str, offset: int) -> PlaceMention | None:
    """A capitalised name after a locative preposition, for sentences that were not parsed."""
    countries = set(places_mod.find_countries(sentence_text))
    for m in _FALLBACK_PLACE.finditer(sentence_text):
        name = m.group(1)
        if name.split()[0].lower() in places_mod._NOT_PLACE or name in countries:
            continue
        start = offset + m.start(1)
        return PlaceMention(name, Span(start, start + len(name), name))
    return None


def extract_events(doc: ParsedArticle, trace: list[relevance.Decision] | None = None) -> tuple[EventMention, ...]:
    """Event mentions of one parsed article, in text order, with evidence, date, place and casualties.
    ``trace``, when given, receives why each candidate sentence yielded an event or not."""
    tax = load_taxonomy()
    article = doc.article
    topic = relevance.article_topic(article.text)
    if trace is not None:
        trace.append(relevance.Decision(-1, article.title or "", None, not topic.off_topic,
                                        f"article reads as {topic.describe()}"))
    dates = _dates(doc)
    drafts: list[_Draft] = []
    last_place: PlaceMention | None = None
    previous_text: str | None = None
    for i, sentence in enumerate(doc.sentences):
        date = dates[i] if i < len(dates) else None
        # the parser gave a Doc exactly to the candidate sentences; _analyse finds no trigger in others
        rejected: list[str] = []
        analysed = _analyse(sentence, doc, tax, rejected) if sentence.doc is not None else None
        if analysed is None and trace is not None and sentence.doc is not None:
            trace.append(relevance.Decision(i, sentence.text, None, False, "; ".join(rejected) or "no trigger"))
        if analysed is None:
            if sentence.doc is None:
                fb = _fallback_place(sentence.text, sentence.start)
                last_place = fb or last_place
            previous_text = sentence.text
            continue
        match, tok, (event_type, sub_event_type), roles = analysed
        exclude = tuple((a.span.start - sentence.start, a.span.end - sentence.start)
                        for a in (roles.actor1, roles.actor2, *roles.assoc_actor_1, *roles.assoc_actor_2)
                        if a is not None and a.span is not None)
        cands = places_mod.place_candidates(sentence, tok, exclude)
        place = places_mod.find_place(sentence, tok, article.text, exclude, cands)
        fatalities, injured, cas_cues = _casualties(sentence.text)
        claimed_by, certainty, att_cues = _attribution(sentence.text, previous_text)
        historical = _historical(date, doc, sentence.text)
        cues = tuple(dict.fromkeys((match.text, *cas_cues, *att_cues)))
        evidence = Evidence(sentence.text, sentence.start, sentence.end, cues)
        prev = drafts[-1] if drafts else None
        opener = _opens_with_reference(sentence.text, tax)
        if (prev is not None and prev.last_index in (i - 1, i - 2) and (opener or not _own_date(date, sentence))
                and (opener or _anaphoric(sentence.text, tax) or (match.trigger.generic and place is None))
                and not (place is not None and prev.place is not None and place.text != prev.place.text
                         and not _anaphoric(sentence.text, tax))):
            logger.debug("events: sentence %d elaborates the event of sentence %d", i, prev.sentence.index)
            prev.evidence.append(evidence)
            prev.last_index = i
            if not historical and fatalities and not (certainty != Certainty.REPORTED and prev.fatalities):
                # as within one passage, the larger figure stands ("killed nine militants. Two soldiers were killed");
                # a party's own claim does not raise a figure the report already gives (ACLED's conservative count)
                prev.fatalities = max(prev.fatalities, fatalities)
            if not historical and injured:
                prev.injured = injured
            if prev.place is None and place is not None:
                prev.place = place
            prev.roles = _merge_roles(prev.roles, roles)
            if match.trigger.id == "exchange" and (prev.event_type, prev.sub_event_type) in _ONE_SIDED:
                # "Troops fired shells at X's positions. X fired back.": the target fought back, the sides clashed
                prev.event_type, prev.sub_event_type = "Battles", "Armed clash"
            if prev.claimed_by is None and claimed_by is not None:
                prev.claimed_by = claimed_by
            if certainty == Certainty.UNVERIFIED:
                prev.certainty = certainty
            previous_text = sentence.text
            continue
        judged = _relevance(sentence, match, roles, (event_type, sub_event_type), fatalities, topic, tax,
                            place_named=bool(cands))
        if trace is not None:
            trace.append(relevance.Decision(i, sentence.text, match.text, judged.keep, judged.reason))
        if not judged.keep:
            logger.debug("events: sentence %d is no conflict event: %s", i, judged.reason)
            previous_text = sentence.text
            continue
        if place is None and last_place is not None:
            place = replace(last_place, country_hint=places_mod.country_hint(sentence.text, article.text))
        elif cands:
            last_place = place
        extra: list[PlaceMention] = []
        if place is not None and place.span is not None and sentence.doc is not None:
            extra = _conjoined_places(sentence, place, cands)
        drafts.append(_Draft(sentence, event_type, sub_event_type, match.trigger.id, roles, place, date,
                             fatalities, injured, claimed_by, certainty, historical, match.trigger.priority,
                             [evidence], i, extra))
        previous_text = sentence.text
    if drafts:
        _assign_responsibility(doc, drafts)
        _read_on(doc, drafts)
        _split_totals(doc, drafts)
    if _DEMO_TAG.search(article.text):
        drafts = _crowd_drafts(drafts, tax)
    out: list[EventMention] = []
    for d in drafts:
        out.extend(_to_mentions(d, article.article_id))
    logger.debug("events: %s -> %d mentions", article.source, len(out))
    return tuple(out)


# events that are what an actor does, not what happens: only an armed or state actor makes them conflict events
_ACTOR_DEEDS = re.compile(r"territory|Agreement|Change to group|Headquarters")
# a party or the opposition is a political actor, armed only when the report says so
_POLITICAL = re.compile(r"\b(opposition|part(y|ies)|factions?)\b(?!.*\barmed\b)", re.I)
_POLICE = re.compile(r"\b(police\w*|officers?|sheriffs?|guards?|authorities)\b", re.I)


def _relevance(sentence: Sentence, match: TriggerMatch, roles: actors_mod.Roles, pair: tuple[str, str],
               fatalities: int, topic: relevance.ArticleTopic, tax: Taxonomy, place_named: bool = False
               ) -> relevance.Relevance:
    """Whether a sentence that starts a new event reports conflict at all (relevance.sentence_relevance)."""
    if _is_coder_label(match) or _DEMO_TAG.search(sentence.text):
        return relevance.Relevance(True, "coder's label")
    # only the report's own words count: generic actors the coding adds ("civilians", "protesters") prove nothing
    actors = [a.text for a in (roles.actor1, roles.actor2, *roles.assoc_actor_1, *roles.assoc_actor_2)
              if a is not None and a.span is not None]
    armed = any((is_armed(a, tax) or (is_nonstate(a, tax) and not _POLITICAL.search(a))) and not _POLICE.search(a)
                for a in actors)
    state = any(is_state(a, tax) or _POLICE.search(a) for a in actors)
    civilian = any(is_civilian(a.text, tax) for a in (roles.actor2, *roles.assoc_actor_2)
                   if a is not None and a.span is not None)
    return relevance.sentence_relevance(sentence.text, (match.start, match.end), pair[0], topic, armed_actor=armed,
                                        state_actor=state, civilian_target=civilian, fatalities=fatalities,
                                        place_named=place_named, generic=match.trigger.generic,
                                        needs_actor=_ACTOR_DEEDS.search(pair[1]) is not None)


_DEMO_TAG = re.compile(r"\[size=[^\]]*\]", re.I)
# Perpetrators a report does not name: a responsibility claim or attribution elsewhere may name them.
_UNNAMED_PERPETRATOR = re.compile(
    r"^(?:(?:an?|the|some|several|two|three|four|five|\d+)\s+)?(?:(?:unidentified|unknown|suspected|armed|masked|"
    r"alleged)\s+)*(?:gunm[ae]n|assailants?|attackers?|militants?|armed (?:men|group)|perpetrators?|"
    r"(?:suicide )?bombers?|insurgents?|kidnappers?|abductors?|individuals?|persons?|people|men|group|"
    r"unidentified armed group|sources?)$|^[^A-Za-z]*$|\b(?:device|explosives?|vehicle|ied|bomb|mine|car)$",
    re.IGNORECASE)


# fire one side directs at another's positions; when the target returns fire, the two sides clash
_ONE_SIDED = frozenset({("Explosions/Remote violence", "Shelling/artillery/missile attack"),
                        ("Explosions/Remote violence", "Grenade")})
_VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"})
_TERRITORY_SUBTYPES = frozenset({"Non-state actor overtakes territory", "Government regains territory"})


def _no_violence(text: str) -> bool:
    """Whether a sentence says a territory changed hands peacefully ("no clashes were reported")."""
    return mentions_any(text, load_taxonomy().lexicons["peaceful_handover"])


def _read_on(doc: ParsedArticle, drafts: list[_Draft]) -> None:
    """Sentences after an event's own, in its paragraph and before the next event, that report no act of
    their own: a coder's note there ("Fatalities coded as 0 (VoJ reported 3)", "3 fatalities.") sets the
    event's fatalities; casualty-only sentences ("IS sustained 2 fatalities.") count with the event's."""
    from conflictlog.extract.casualties import coded_note, count_event_casualties

    text = doc.article.text
    starts = [d.sentence.index for d in drafts]
    for n, draft in enumerate(drafts):
        end = starts[n + 1] if n + 1 < len(starts) else len(doc.sentences)
        following: list[Sentence] = []
        previous_end = doc.sentences[draft.last_index].end
        for sentence in doc.sentences[draft.last_index + 1:end]:
            if "\n" in text[previous_end:sentence.start]:
                break  # the paragraph ends
            following.append(sentence)
            previous_end = sentence.end
        if draft.place is None or draft.place.text in places_mod.find_countries(draft.place.text):
            # "... into the province [coded to X]": a later note says where the event was coded
            coded = next((found for s in following if (found := places_mod.coded_place(s)) is not None), None)
            if coded is not None:
                draft.place = coded
        if draft.sub_event_type in _TERRITORY_SUBTYPES:
            # "X takes control of Y. No reported violence.": a later sentence says the handover was peaceful
            later = [Evidence(s.text, s.start, s.end) for s in following]
            quiet = next((e for e in draft.evidence + later if _no_violence(e.text)), None)
            if quiet is not None:
                draft.event_type, draft.sub_event_type = "Strategic developments", "Non-violent transfer of territory"
                if quiet not in draft.evidence:
                    draft.evidence.append(quiet)
        note = next(((s, found) for s in following if (found := coded_note(s.text)) is not None), None)
        if note is not None:
            # a coder's note ends the record it belongs to: it sets the count of every event read from the
            # record's paragraph, not only of the last one before it
            for other in drafts[:n + 1]:
                if other is draft or "\n" not in text[other.sentence.start:note[0].start]:
                    other.fatalities = note[1][0]
                    other.evidence.append(Evidence(note[0].text, note[0].start, note[0].end, (note[1][1],)))
            continue
        if draft.historical or not following or draft.event_type not in _VIOLENT_TYPES:
            continue  # a demonstration's follow-ups ("demanded the return of 90 corpses") count no one
        count = count_event_casualties(" ".join(e.text for e in draft.evidence), [s.text for s in following])
        if count.fatalities > draft.fatalities:
            logger.debug("events: follow-up sentences raise fatalities %d -> %d", draft.fatalities, count.fatalities)
            draft.fatalities = count.fatalities
            draft.evidence.extend(Evidence(s.text, s.start, s.end, ()) for s in following)


_ONE_OF = re.compile(r"\bone of (?:at least )?(\w+) (?:related |similar |coordinated |separate |simultaneous )?"
                     r"(?:incidents|attacks|bombings|blasts|explosions|events|raids|assaults|ambushes)\b", re.I)
_ACROSS = re.compile(r"\b(?:across|in|during) (?:the|these|all) (?:\w+ )?(?:incidents|attacks|bombings|blasts|"
                     r"explosions|events|raids|assaults|ambushes|clashes)\b", re.I)


def _split_totals(doc: ParsedArticle, drafts: list[_Draft]) -> None:
    """"This was one of five related attacks ... 22 civilians were killed across the attacks": a total reported for
    several events is split among them, rounding down as ACLED's lowest-credible-figure rule does."""
    text = doc.article.text
    for n, draft in enumerate(drafts):
        end = drafts[n + 1].sentence.start if n + 1 < len(drafts) else len(text)
        paragraph_end = text.find("\n", draft.sentence.start)
        record = text[draft.sentence.start:min(end, paragraph_end) if paragraph_end != -1 else end]
        one_of = _ONE_OF.search(record)
        if one_of is None or not draft.fatalities or _ACROSS.search(record) is None:
            continue
        from conflictlog.extract.casualties import number_word

        parts = number_word(one_of.group(1))
        if parts and parts > 1:
            logger.debug("events: %d fatalities reported across %d events", draft.fatalities, parts)
            draft.fatalities //= parts


def _assign_responsibility(doc: ParsedArticle, drafts: list[_Draft]) -> None:
    """A group that claims an attack, or that sources blame for it, is the perpetrator of the events the
    article reports before that sentence (after it, when none precedes) whose perpetrator it leaves unnamed."""
    for sentence in doc.sentences:
        found = find_responsibility(sentence.text)
        if found is None:
            continue
        before = [d for d in drafts if d.sentence.index <= sentence.index] or drafts
        group = ActorMention(found.group, Span(sentence.start + found.start, sentence.start + found.end,
                                               found.group))
        for draft in before:
            actor1 = draft.roles.actor1
            if actor1 is not None and not _UNNAMED_PERPETRATOR.search(actor1.text.strip()):
                continue
            if draft.roles.actor2 is not None and draft.roles.actor2.text == found.group:
                continue
            logger.debug("events: %r held responsible (%s)", found.group, found.cue)
            draft.roles = replace(draft.roles, actor1=group)
            if found.claimed and draft.claimed_by is None:
                draft.claimed_by = found.group
            if all(e.start != sentence.start for e in draft.evidence):
                draft.evidence.append(Evidence(sentence.text, sentence.start, sentence.end, (found.cue,)))


def _crowd_drafts(drafts: list[_Draft], tax: Taxonomy) -> list[_Draft]:
    """ACLED's size tag marks a demonstration record: its events are protests or riots, and the tag's own
    sentence is no event of its own."""
    real = [d for d in drafts if not _DEMO_TAG.fullmatch(d.sentence.text.strip())] or drafts[:1]
    kept: list[_Draft] = []
    for d in real:
        protest = kept[-1] if kept and kept[-1].event_type == "Protests" else None
        if protest is not None and _intervenes(d, tax):
            # "Police made several arrests.": the authorities' answer to the demonstration, not an event of its own
            protest.evidence.extend(e for e in d.evidence if e not in protest.evidence)
            if protest.roles.actor2 is None and d.roles.actor1 is not None:
                protest.roles = replace(protest.roles, actor2=d.roles.actor1)
            if protest.sub_event_type == "Peaceful protest":
                protest.sub_event_type = "Protest with intervention"
            protest.last_index = max(protest.last_index, d.last_index)
            continue
        kept.append(d)
    real = kept
    for d in real:
        text = " ".join(e.text for e in d.evidence)
        pair = code_crowd_event((d.event_type, d.sub_event_type), text, tax)
        if pair != (d.event_type, d.sub_event_type):
            label = "protesters" if pair[0] == "Protests" else "rioters"
            if d.event_type not in ("Protests", "Riots"):
                d.roles = _protest_actor(d.roles, label)
            d.event_type, d.sub_event_type = pair
    return real


def _intervenes(draft: _Draft, tax: Taxonomy) -> bool:
    """Whether a draft after a demonstration is the state stepping in: arrests, dispersal, tear gas by police
    or soldiers, with no one killed (lethal force is an event of its own)."""
    actor = draft.roles.actor1.text if draft.roles.actor1 is not None else None
    text = " ".join(e.text for e in draft.evidence)
    arrests = (draft.event_type, draft.sub_event_type) == ("Strategic developments", "Arrests")
    return (arrests or mentions_any(text, tax.lexicons["intervention"])) and is_state(actor, tax) \
        and not draft.fatalities


def _conjoined_places(sentence: Sentence, place: PlaceMention, cands: list[places_mod.PlaceCandidate]
                      ) -> list[PlaceMention]:
    """Places coordinated with the event's place ("in the provinces of X and Y"): one event each."""
    doc = sentence.doc
    if place.span is None:
        return []
    rel = place.span.start - sentence.start
    head = next((t for t in doc if t.idx <= rel < t.idx + len(t.text)), None)
    if head is None:
        return []
    while head.dep_ in ("compound", "flat", "punct") and head.head.i != head.i:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ == "between":
        return []  # "on the road between X and Y": one place on the way, not two events
    out: list[PlaceMention] = []
    for conj in (c for c in head.subtree if c.dep_ == "conj" and c.head.i == head.i):
        for cand in cands:
            span = cand.mention.span
            if span is not None and span.start - sentence.start <= conj.idx < span.end - sentence.start:
                if places_mod.named_area_of(place.span.text, cand.mention.text, place.country_hint):
                    continue  # "in X, Y, and ...": Y, read as a conjunct, is the province X lies in
                out.append(replace(cand.mention, qualifier=cand.mention.qualifier or place.qualifier,
                                   country_hint=place.country_hint))
    return out


def _merge_roles(first: actors_mod.Roles, more: actors_mod.Roles) -> actors_mod.Roles:
    """Keep the first sentence's roles; elaboration names fill gaps or join as associated actors."""
    known = {a.text.lower() for a in (first.actor1, first.actor2, *first.assoc_actor_1, *first.assoc_actor_2)
             if a is not None}
    actor1, actor2 = first.actor1, first.actor2
    assoc1, assoc2 = list(first.assoc_actor_1), list(first.assoc_actor_2)
    if actor1 is None and more.actor1 is not None:
        actor1 = more.actor1
        known.add(more.actor1.text.lower())
    if actor2 is None and more.actor2 is not None and more.actor2.text.lower() not in known:
        actor2 = more.actor2
        known.add(more.actor2.text.lower())

    def words(a: ActorMention | None) -> set[str]:
        if a is None:
            return set()
        return {w.lower() for w in re.findall(r"[A-Za-z]{2,}", a.text)} - {
            "the", "forces", "fighters", "members", "militants", "troops", "of", "and", "soldiers", "group"}

    def side(a: ActorMention) -> int:
        for n, ref in ((1, actor1), (2, actor2)):
            if words(a) & words(ref):
                return n
        return 0

    def redundant(a: ActorMention) -> bool:
        if not re.search(r"(^|\s)[A-Z]", a.text.strip()[1:]) and not re.match(r"[A-Z]{2,}", a.text.strip()):
            return True  # an elaboration's common-noun phrase ("the group", "seven militants") adds nothing
        return any(words(a) and words(a) <= words(ref) | words(a) and words(a) & words(ref)
                   for ref in (actor1, actor2, *assoc1, *assoc2))

    elab_side = side(more.actor1) if more.actor1 is not None else 0
    for a in (more.actor1, *more.assoc_actor_1):
        if a is None or a.text.lower() in known or redundant(a):
            continue
        (assoc2 if elab_side == 2 else assoc1).append(a)
        known.add(a.text.lower())
    for a in (more.actor2, *more.assoc_actor_2):
        if a is None or a.text.lower() in known or redundant(a):
            continue
        (assoc1 if elab_side == 2 else assoc2).append(a)
        known.add(a.text.lower())
    return actors_mod.Roles(actor1, actor2, tuple(assoc1), tuple(assoc2))


def _to_mentions(d: _Draft, article_id: str) -> list[EventMention]:
    notes = re.sub(r"\s+", " ", d.evidence[0].text).strip()
    if len(notes) > 400:
        notes = notes[:397].rsplit(" ", 1)[0] + "..."
    confidence = round(min(0.95, 0.4 + d.priority / 200), 2)
    base = EventMention(
        mention_id=content_hash(article_id, str(d.sentence.start), d.event_type),
        article_id=article_id,
        event_type=d.event_type,
        sub_event_type=d.sub_event_type,
        actor1=d.roles.actor1,
        actor2=d.roles.actor2,
        assoc_actor_1=d.roles.assoc_actor_1,
        assoc_actor_2=d.roles.assoc_actor_2,
        place=d.place,
        date=d.date,
        fatalities=d.fatalities,
        injured=d.injured,
        claimed_by=d.claimed_by,
        certainty=d.certainty,
        historical=d.historical,
        notes=notes,
        evidence=tuple(d.evidence),
        confidence=confidence,
    )
    out = [base]
    for place in d.extra_places:
        start = place.span.start if place.span is not None else d.sentence.start
        # one event per coordinated place; fatalities stay with the first (ACLED never double-counts)
        out.append(replace(base, mention_id=content_hash(article_id, str(start), d.event_type), place=place,
                           fatalities=0))
    return out
