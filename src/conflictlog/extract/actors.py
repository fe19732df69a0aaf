"""Actor spans and their roles around an event trigger.

actor1 is the one who acts (the grammatical agent: subject of an active trigger, "by X" of a passive one or
of an attack noun, the nationality in "Turkish airstrikes"); actor2 is the one acted upon (object,
"against X", "on X", "targeting X", the subject of a passive). Associated actors come from "backed by X",
"with the support of X", "alongside X" (actor1's side) and from coordinated names ("X and Y attacked").
Spans are raw text; the resolver turns them into canonical names.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from conflictlog.extract.dates import DATELINE
from conflictlog.records import ActorMention, Sentence, Span

logger = logging.getLogger(__name__)

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
TARGET_PREPS = ("against", "on", "upon", "at", "targeting", "toward", "towards", "into")
CLAUSE_DEPS = ("relcl", "acl", "advcl", "appos", "cc", "conj", "punct", "prep", "parataxis", "dep")
# Heads naming what an actor owns: "QSD positions" -> "QSD", "a regime checkpoint" -> "regime".
ASSET_NOUNS = frozenset({"position", "positions", "base", "bases", "vehicle", "vehicles", "checkpoint",
                         "checkpoints", "convoy", "convoys", "patrol", "patrols", "post", "posts", "outpost",
                         "headquarters", "camp", "camps", "barracks", "tank", "tanks", "site", "sites",
                         "point", "points", "ranks", "lines", "trench", "trenches", "hideout", "hideouts"})
SUPPORT_VERBS = frozenset({"back", "support", "assist", "aid", "accompany", "help", "reinforce", "lead"})
REPEL_VERBS = frozenset({"repel", "repulse", "thwart", "foil", "counter", "resist", "fend", "beat", "push"})
LIGHT_VERBS = frozenset({"carry", "conduct", "launch", "stage", "mount", "execute", "perform", "lead", "wage",
                         "organize", "organise", "hold", "commit", "claim", "make", "fire", "begin", "start",
                         "continue", "resume", "repel", "repulse", "thwart", "foil", "undertake"})
PRONOUNS = frozenset({"who", "which", "that", "they", "he", "she", "it", "them", "we", "i", "you", "those",
                      "this", "these", "one", "others", "both", "his", "her", "their", "its", "him", "himself",
                      "herself", "itself", "themselves"})
# Objects that are the weapon, not the target ("hurled stones", "opened fire", "fired mortars").
WEAPON_OBJECTS = frozenset({"fire", "shot", "shots", "stones", "stone", "rocks", "bullets", "rounds", "shells",
                            "mortars", "mortar", "rockets", "rocket", "missiles", "missile", "launchers", "grenades",
                            "grenade", "tires", "tyres", "weapons", "guns", "artillery", "drones", "bombs", "tear",
                            "gas", "canisters", "molotov", "cocktails", "airstrikes", "airstrike", "strikes", "strike",
                            "raids", "attack", "attacks", "operation", "fires", "ied", "ieds", "landmine",
                            "landmines", "mine", "mines", "bomb", "device", "devices", "explosive", "explosives",
                            "explosion", "blast", "shell", "ordnance", "vbied", "grenade"})
# Heads that name a place, which is never an actor ("shelled Fleifel town", "the vicinity of X").
PLACE_HEADS = frozenset({"town", "village", "villages", "city", "area", "areas", "vicinity", "outskirts",
                         "countryside", "district", "province", "governorate", "region", "neighborhood",
                         "neighbourhood", "locality", "plains", "plain", "axis", "frontline", "frontlines",
                         "location", "locations", "road", "highway", "farmlands", "fields", "lands", "camp", "site",
                         "township", "state", "municipality", "part", "parts", "centre", "center", "edge",
                         "suburbs", "environs", "surroundings", "periphery"})


@dataclass(frozen=True, slots=True)
class Roles:
    """The actors around one trigger: who acts, who is acted upon, and their associates."""

    actor1: ActorMention | None = None
    actor2: ActorMention | None = None
    assoc_actor_1: tuple[ActorMention, ...] = ()
    assoc_actor_2: tuple[ActorMention, ...] = ()


def trigger_token(doc: Any, start: int, end: int) -> Any | None:
    """The syntactic head among the tokens covering [start, end) of a sentence Doc (None when no Doc)."""
    if doc is None:
        return None
    span = doc.char_span(start, end, alignment_mode="expand")
    toks = list(span) if span is not None else []
    if not toks:
        return None
    inside = {t.i for t in toks}
    heads = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    for t in heads:
        if t.pos_ in ("VERB", "NOUN", "PROPN"):
            return t
    return heads[0] if heads else toks[0]


_WEAPON_ACTOR = re.compile(r"\b(?:explosives?|bomb|ied)[- ](?:laden|rigged|packed)\b|\bbooby[- ]trapped\b|"
                           r"^(?:an? |the )?(?:car bomb|vbied|ied|explosive device|bomb)s?$", re.I)
_QUOTES = frozenset({'"', "“", "”", "‘", "’", "'", "«", "»"})


def _collect(tok: Any, keep_of: bool = True) -> set[int]:
    ids = {tok.i}
    for child in tok.children:
        if child.dep_ in ("relcl", "acl", "advcl", "appos", "cc", "conj", "parataxis", "dep"):
            continue
        if child.dep_ == "punct" and child.text != "-" and child.text not in _QUOTES:
            continue  # quotes stay: 'the "Islamic State" organization' names its actor inside them
        if child.dep_ == "prep" and not (keep_of and child.lower_ == "of"):
            continue
        ids |= _collect(child, keep_of)
    return ids


def owner(tok: Any) -> Any | None:
    """For an asset noun ("QSD positions", "positions of the SDF", "two vehicles and two positions of X"),
    the token naming whose asset it is; None when the phrase names no owner."""
    if tok is None or tok.lower_ not in ASSET_NOUNS:
        return None
    owners = [c for c in tok.children if c.dep_ == "poss" and c.lower_ not in PRONOUNS]
    if owners:
        return owners[0]
    for cand in [tok, *_conjuncts(tok)]:
        of = [c for c in cand.children if c.dep_ == "prep" and c.lower_ == "of"]
        objs = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
        if objs:
            return objs[0]
    return None


def phrase_span(tok: Any, strip_assets: bool = False) -> tuple[int, int] | None:
    """Character offsets (within the sentence) of the actor phrase headed by ``tok``."""
    if tok is None or tok.lower_ in PRONOUNS:
        return None
    doc = tok.doc
    if strip_assets and tok.lower_ in ASSET_NOUNS:
        owners = [c for c in tok.children if c.dep_ == "poss" and c.lower_ not in PRONOUNS]
        if owners:
            return phrase_span(owners[0])
        mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")
                and (c.pos_ == "PROPN" or c.is_upper or c.is_title or c.ent_type_ in ("NORP", "ORG"))]
        if not mods:
            mods = [c for c in tok.lefts if c.dep_ == "compound"]
        if mods:
            first = min(mods[0].subtree, key=lambda t: t.i)
            # "an Afghan military post": the force word after the nationality belongs to the owner
            force = [c for c in tok.lefts if c.i > mods[-1].i and c.lower_ in FORCE_MODIFIERS
                     and c.dep_ in ("compound", "amod", "nmod")]
            last = force[-1] if force else mods[-1]
            return first.idx, last.idx + len(last.text)
        own = owner(tok)
        if own is not None:
            return phrase_span(own)
    ids = _collect(tok)
    # keep the contiguous block around the head
    lo = hi = tok.i
    while True:
        if lo - 1 in ids:
            lo -= 1
            continue
        # "Islamic State West Africa Province (ISWAP) fighters": a bracketed name inside the phrase stays
        if lo >= 3 and doc[lo - 1].text == ")":
            opening = next((j for j in range(lo - 2, max(lo - 8, 0), -1) if doc[j].text == "("), None)
            if opening is not None and opening - 1 in ids:
                lo = opening - 1
                continue
        break
    while hi + 1 in ids:
        hi += 1
    # "shot dead two soldiers": the verb's complement is parsed into the object phrase
    while lo < hi and (doc[lo].is_punct or doc[lo].dep_ == "case" or doc[lo].lower_ in ("dead", "alive")):
        lo += 1
    if lo > 0 and doc[lo].lower_ == "duty" and doc[lo - 1].lower_ == "off":
        lo -= 1  # "killed off duty soldiers": spaCy reads "killed off"; the victims are off-duty
    while hi > lo and (doc[hi].is_punct or doc[hi].dep_ == "case"):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _named(tok: Any) -> Any:
    """"a militant group called Ahrar Sinjar": the name the phrase gives, else the phrase's own head."""
    for child in tok.children:
        if child.dep_ == "acl" and child.lower_ in ("called", "named", "dubbed", "calling"):
            name = next((c for c in child.children if c.dep_ in ("oprd", "attr", "dobj", "xcomp")
                         and c.pos_ == "PROPN"), None)
            if name is not None:
                return name
    return tok


def _mention(sentence: Sentence, tok: Any, strip_assets: bool = False) -> ActorMention | None:
    tok = _named(tok)
    got = phrase_span(tok, strip_assets)
    if got is None:
        return None
    start, end = got
    text = sentence.text[start:end]
    if not text.strip() or re.fullmatch(r"[\d\s,./+-]+", text):
        return None  # "16 killed by bombardment", "05/24/2021: ...": a count or a date is no actor
    if _WEAPON_ACTOR.search(text):
        return None  # "an explosives-laden vehicle detonated": the weapon, not who used it
    return ActorMention(text, Span(sentence.start + start, sentence.start + end, text))


def _subject(verb: Any) -> Any | None:
    """The subject of a verb, climbing through coordinated, infinitival and participial verbs."""
    cur, hops = verb, 0
    while cur is not None and hops < 4:
        subs = [c for c in cur.children if c.dep_ in ("nsubj", "csubj")]
        if len(subs) > 1:
            # a misparsed opening place phrase ("in X village (...), the army arrested") is no subject
            # and neither is a date label ("05/24/2021: Assailants opened fire")
            subs = [c for c in subs if not (c.lower_ in PLACE_HEADS or _is_place_phrase(c) or c.like_num
                                            or c.ent_type_ in ("DATE", "TIME"))] or subs
        if subs:
            sub = subs[0]
            if sub.lower_ in ("who", "which", "that") and cur.dep_ == "relcl":
                return cur.head
            return sub
        if cur.dep_ in ("conj", "xcomp", "advcl", "ccomp") and cur.head.i != cur.i:
            cur = cur.head
            hops += 1
            continue
        if cur.dep_ in ("relcl", "acl") and cur.head.i != cur.i and cur.tag_ != "VBN":
            return cur.head
        return None
    return None


def _is_passive(verb: Any) -> bool:
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    if verb.dep_ == "conj" and verb.tag_ == "VBN":
        return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.head.children)
    return verb.dep_ == "acl" and verb.tag_ == "VBN"


def _agent(tok: Any) -> Any | None:
    for c in tok.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _usable(tok: Any) -> bool:
    """An object that can be an actor: not a date, time, number, weapon or place word."""
    return (tok.ent_type_ not in ("DATE", "TIME", "CARDINAL", "MONEY", "QUANTITY", "PERCENT")
            and not tok.like_num and tok.lower_ not in WEAPON_OBJECTS)


def _counted(tok: Any) -> Any | None:
    """An object usable as an actor, or what a count names ("killed dozens of soldiers": the soldiers)."""
    if _usable(tok):
        return tok
    if tok.ent_type_ != "CARDINAL" and not tok.like_num:
        return None
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((o for o in of.children if o.dep_ == "pobj"), None) if of is not None else None
    if obj is None or not _usable(obj) or any(c.dep_ in ("det", "poss") for c in obj.children):
        return None  # "three of its own fighters", "two of the victims": a part of a group named before
    return obj


def _prep_object(tok: Any, preps: tuple[str, ...]) -> Any | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            objs = [o for o in c.children if o.dep_ == "pobj" and _usable(o)]
            if objs:
                return objs[0]
        if c.dep_ in ("advcl", "xcomp", "acl") and c.lower_ in ("targeting", "targetting", "hitting"):
            objs = [o for o in c.children if o.dep_ == "dobj"]
            if objs:
                return objs[0]
    return None


def _target_in(actor: Any, trigger: Any) -> Any | None:
    """'by X on Y' where the parser hung 'on Y' under X: the target inside the actor's subtree."""
    for t in actor.subtree:
        if t.dep_ == "prep" and t.lower_ in ("on", "against") and t.head.i != trigger.i:
            objs = [o for o in t.children if o.dep_ == "pobj" and _usable(o)]
            if objs:
                return objs[0]
    return None


def _between(tok: Any) -> tuple[Any, Any] | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "between":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if objs:
                conj = [o for o in objs[0].children if o.dep_ == "conj"]
                return objs[0], (conj[0] if conj else None)
    return None


def _conjuncts(tok: Any) -> list[Any]:
    out: list[Any] = []
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN"):
            out.append(c)
            out.extend(_conjuncts(c))
    return out


def _supporters(verb: Any, actor: Any | None) -> list[Any]:
    """Heads of 'backed by X', 'with the support of X', 'alongside X' around the actor or its verb."""
    found: list[Any] = []
    for host in [h for h in (actor, verb) if h is not None]:
        for c in host.children:
            if c.dep_ in ("acl", "advcl", "relcl") and c.lemma_ in SUPPORT_VERBS:
                agent = _agent(c)
                if agent is not None:
                    found.append(agent)
                    found.extend(_conjuncts(agent))
            if c.dep_ == "prep" and c.lower_ in ("alongside",):
                found.extend(o for o in c.children if o.dep_ == "pobj")
            if c.dep_ == "prep" and c.lower_ == "with":
                for o in c.children:
                    if o.dep_ == "pobj" and o.lemma_ in ("support", "backing", "help", "assistance", "cover"):
                        sub = _prep_object(o, ("of", "from"))
                        if sub is not None:
                            found.append(sub)
    return found


#: Nouns of a crowd's gathering, whose "on"/"at" objects are places or topics, not targets.
CROWD_NOUNS = frozenset({"demonstration", "protest", "rally", "march", "sit-in", "gathering", "vigil",
                         "picket", "riot"})
#: Words between an owner's name and its asset that belong to the owner ("Afghan military post").
FORCE_MODIFIERS = frozenset({"military", "army", "police", "security", "government", "regime", "intelligence",
                             "border", "special", "forces", "commando", "navy", "naval"})
#: Words before a weapon or an act that name the force behind it ("army warplanes", "coalition air raid").
OWNER_WORDS = frozenset({"army", "military", "regime", "government", "coalition"})


def _named_asset(noun: Any) -> bool:
    """'a QSD military convoy', 'an SDF patrol': an asset whose proper-name modifier names its owner."""
    return noun.lower_ in ASSET_NOUNS and any(
        c.dep_ in ("compound", "amod", "nmod") and (c.pos_ == "PROPN" or c.is_upper) for c in noun.lefts)


def _owned_weapon(noun: Any) -> bool:
    """'Turkish artillery', 'regime helicopters', 'army warplanes': the weapon's modifier names its owner."""
    return _norp_modifier(noun) is not None or any(c.lower_ in OWNER_WORDS for c in noun.lefts)


def _norp_modifier(noun: Any) -> Any | None:
    """'Turkish airstrikes', 'IS attack', 'regime shelling': the modifier naming who acts."""
    for c in noun.lefts:
        if c.dep_ in ("amod", "compound", "nmod", "poss") and (
                c.ent_type_ in ("NORP", "ORG", "GPE") or c.pos_ == "PROPN" or c.lower_ == "regime"):
            return c
    return None


EVENT_NOUNS = frozenset({"attack", "attacks", "clash", "clashes", "fighting", "agreement", "deal", "protest",
                         "protests", "strike", "strikes", "airstrike", "airstrikes", "raid", "raids", "operation",
                         "operations", "incident", "explosion", "blast", "ambush", "battle", "battles", "shelling",
                         "wave", "series", "truce", "ceasefire", "offensive", "campaign", "sides", "events", "assault",
                         "assaults", "bombardment", "gun battle", "kidnapping", "abduction", "outcome", "result",
                         "cause", "motive", "toll", "aftermath"})


def _own_act(noun: Any) -> Any | None:
    """'X were killed following their attacks on Y': the subject the act's possessive pronoun refers to."""
    if not any(c.dep_ == "poss" and c.lower_ in ("their", "its", "his", "her") for c in noun.children):
        return None
    cur = noun
    for _ in range(4):  # up to the clause's verb, through "following", "after", "during"
        if cur.head.i == cur.i:
            return None
        cur = cur.head
        subject = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and not subject.like_num:  # "X were killed and 3 were wounded": on to X
            return subject if subject.lower_ not in PRONOUNS else None
    return None


def _weapon_user(noun: Any) -> Any | None:
    """'a mine laid by X', 'the explosion of a bomb planted by X': who the weapon's participle names."""
    candidates = [noun]
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            candidates += [o for o in c.children if o.dep_ == "pobj"]
    for cand in candidates:
        for c in cand.children:
            if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_ not in SUPPORT_VERBS:
                agent = _agent(c)
                if agent is not None:
                    return agent
    return None


def _is_place_phrase(tok: Any) -> bool:
    """True when the whole noun phrase headed by ``tok`` is one place or date entity ("Kirkuk", "al-Bab"),
    not an organisation that contains a place name ("Ahrar al-Sham")."""
    if tok.ent_type_ not in ("GPE", "LOC", "FAC", "DATE"):
        return False
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    if ent is None:
        return False
    lefts = [t for t in tok.lefts if t.dep_ in ("compound", "amod", "nmod", "punct", "poss")]
    start = min([t.i for t in lefts] + [tok.i])
    return ent.start <= start


def _in_dateline(tok: Any) -> bool:
    """Whether the token sits in a dateline opening the text ("MONGUNO, Nigeria — ", "KABUL (Reuters) - ")."""
    dateline = DATELINE.match(tok.doc.text)
    return dateline is not None and tok.idx < dateline.end()


def _is_event_noun(tok: Any) -> bool:
    """'the attack', 'an initial agreement': the event itself, never an actor."""
    return tok.lower_ in EVENT_NOUNS


def find_roles(sentence: Sentence, trig_start: int, trig_end: int, clash: bool = False) -> Roles:
    """Actor1/actor2 and associated actors for the trigger at [trig_start, trig_end) of the sentence text.

    ``clash`` marks symmetric triggers (clashes, fighting) where "X and Y" or "with Y" names both sides.
    """
    tok = trigger_token(sentence.doc, trig_start, trig_end)
    if tok is None:
        return Roles()
    a1: Any | None = None
    a2: Any | None = None
    verb = tok
    a2_assets = True
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        if _is_passive(tok):
            a2 = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
            if a2 is None and tok.dep_ == "conj":
                a2 = next((c for c in tok.head.children if c.dep_ == "nsubjpass"), None)
            if a2 is None and tok.dep_ == "acl":
                a2 = tok.head
            a1 = _agent(tok) or (_agent(tok.head) if tok.dep_ == "conj" else None)
        else:
            a1 = _subject(tok)
            if a1 is None and tok.tag_ == "VBG":
                a1 = _agent(tok)  # "Firebombing by strikers on a truck left two burned": a gerund's doer
            a2 = next((o for c in tok.children if c.dep_ == "dobj" and (o := _counted(c)) is not None), None)
            if a2 is None and clash:
                a2 = _prep_object(tok, ("with", "against"))  # "clashed with X and took over Y": X is the side
            if a2 is None:
                # "shot and killed X": the object sits on the coordinated verb
                a2 = next((d for c in tok.children if c.dep_ == "conj" and c.pos_ == "VERB"
                           for d in c.children if d.dep_ == "dobj" and _usable(d)), None)
            if a2 is None:
                a2 = _prep_object(tok, TARGET_PREPS + (("with",) if clash else ()))
            if a2 is None and tok.dep_ == "conj":
                a2 = next((c for c in tok.head.children if c.dep_ == "dobj"), None)
            if a2 is None and tok.lemma_ in REPEL_VERBS:
                # "troops repelled an attack by ISWAP fighters": the attackers are the other side
                attack = next((c for c in tok.children if c.dep_ == "dobj" and _is_event_noun(c)), None)
                a2 = _agent(attack) if attack is not None else None
    else:
        noun = tok
        a1 = _agent(noun)
        # "a demonstration on Jabal X", "a rally at the square": a crowd's gathering names its place there
        preps = ("against",) if noun.lemma_.lower() in CROWD_NOUNS else TARGET_PREPS + (("with",) if clash else ())
        a2 = _prep_object(noun, preps)
        between = _between(noun)
        if between is not None:
            a1, a2 = between
            a2_assets = False
        head = noun.head
        if a1 is None and noun.dep_ in ("dobj", "pobj", "attr") and head.pos_ in ("VERB", "AUX", "ADP"):
            verb = head
            while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                verb = verb.head
            if verb.pos_ in ("VERB", "AUX"):
                a1 = _agent(verb) if _is_passive(verb) else _subject(verb)
                if a2 is None:
                    a2 = _prep_object(verb, TARGET_PREPS)
                elif _is_passive(verb):
                    victims = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
                    victims = _counted(victims) if victims is not None else None
                    if victims is not None and clash and a1 is None and a2.head.lower_ == "with":
                        # "two soldiers were killed during clashes with X": those harmed were X's other side
                        a1, a2 = a2, victims
                    elif victims is not None and a2.lower_ in ASSET_NOUNS and owner(a2) is None \
                            and not any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in a2.lefts) \
                            and _own_act(noun) is None:
                        # "two policemen were wounded in an attack on a checkpoint": the people, not the post
                        a1 = a1 or _agent(a2)
                        a2 = victims
        elif noun.dep_ in ("nsubj", "nsubjpass"):
            verb = head
            # "a convoy accompanied by coalition helicopters": who accompanies supports, it does not act
            acl_agents = [_agent(c) for c in noun.children if c.dep_ == "acl" and c.lemma_ not in SUPPORT_VERBS]
            a1 = a1 or next((x for x in acl_agents if x is not None), None)
            if a1 is None and not _is_event_noun(noun) and (_owned_weapon(noun) or _named_asset(noun)):
                a1 = noun  # "Turkish army warplanes carried out ...": the weapon stands for its owner
            if a2 is None and a1 is not None:
                a2 = _target_in(a1, noun)  # "an attack by X on Y killed ...": Y before the verb's object
            if a2 is None:
                a2 = next((c for c in verb.children if c.dep_ == "dobj" and _usable(c)), None) or _prep_object(
                    verb, TARGET_PREPS)
            if between is None:
                between = _between(verb)
                if between is not None:
                    a1, a2 = between
                    a2_assets = False
        if a1 is None and a2 is not None:
            a1 = _agent(a2)  # "an attack on a base by X": the parser hangs "by X" under the target
        if a1 is None:
            a1 = _own_act(noun) or _weapon_user(noun)
        if a1 is None:
            a1 = _norp_modifier(noun)
        if a1 is None:
            # "a Saudi-led coalition air raid": the force word modifying the act names who acts
            a1 = next((c for c in noun.lefts if c.dep_ in ("compound", "nmod") and c.lower_ in OWNER_WORDS), None)
    if a2 is None and a1 is not None:
        a2 = _target_in(a1, tok)
    if a2 is not None and a2_assets and owner(a2) is not None:
        a2 = owner(a2)
    if clash and a1 is not None and a2 is None:
        conj = _conjuncts(a1)
        if conj:
            a2 = conj[0]
            a2_assets = False
    if a1 is not None and a2 is not None and a1.i == a2.i:
        a2 = None
    if a1 is not None and _in_dateline(a1):
        # "MONGUNO, Nigeria — Nigerian troops repelled ...": the dateline names where the report was filed
        others = [c for c in verb.children if c.dep_ == "nsubj" and c.i != a1.i] if verb.pos_ in ("VERB", "AUX") \
            else []
        others += [c for c in a1.children if c.dep_ == "appos"]  # "GAO, Mali — Malian soldiers" read as apposition
        a1 = next((c for c in others if not _in_dateline(c) and c.pos_ in ("NOUN", "PROPN")), None)
    if a1 is not None and a1.lower_ in WEAPON_OBJECTS and not _owned_weapon(a1):
        a1 = _weapon_user(a1) or a1  # "killed by a mine laid by X": X, not the mine
    if a1 is not None and (_is_event_noun(a1) or (a1.lower_ in PLACE_HEADS and owner(a1) is None)
                           or _is_place_phrase(a1) or (a1.lower_ in WEAPON_OBJECTS and not _owned_weapon(a1))):
        a1 = None  # ("Turkish artillery shelled ...": a weapon its owner names stands for the owner)
    if a2 is not None and (_is_event_noun(a2) or (a2.lower_ in PLACE_HEADS and owner(a2) is None)
                           or _is_place_phrase(a2)):
        a2 = None
    actor1 = _mention(sentence, a1, strip_assets=True) if a1 is not None else None
    actor2 = _mention(sentence, a2, strip_assets=a2_assets) if a2 is not None else None
    assoc1_heads = _supporters(verb, a1)
    if a1 is not None and not clash:
        assoc1_heads += _conjuncts(a1)
    assoc2_heads = _conjuncts(a2) if a2 is not None and not clash else []
    assoc1 = tuple(m for m in (_mention(sentence, h) for h in assoc1_heads) if m is not None)
    assoc2 = tuple(m for m in (_mention(sentence, h, strip_assets=True) for h in assoc2_heads) if m is not None)
    logger.debug("actors: %r -> %r / %r", tok.text, actor1 and actor1.text, actor2 and actor2.text)
    return Roles(actor1, actor2, assoc1, assoc2)
