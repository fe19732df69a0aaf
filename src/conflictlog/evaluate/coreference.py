"""Pairwise merge precision and recall against a cross-document event coreference corpus (ECB+ as CoNLL token
files with their event-mention JSON). Documents go through the product path (ingest, merge, store) into a
temporary store; each stored report is matched to the gold event mentions of the sentences its evidence
points to, and pairs of reports from different documents are scored."""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from conflictlog.errors import E902, SettingsError
from conflictlog.merge.keys import load_rules
from conflictlog.records import Article, TimePrecision


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One annotated event mention: its coreference chain, sentence and words (lowercased)."""

    chain: str
    sentence: int
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    """One corpus document: its id, topic and sub-topic, sentences (detokenised) and gold event mentions."""

    doc_id: str
    topic: str
    subtopic: str
    sentences: tuple[str, ...]
    mentions: tuple[GoldMention, ...]


@dataclass(frozen=True, slots=True)
class ScoredReport:
    """A stored report as the pair scores see it: its document, stored event and the gold chains it matches."""

    report_id: str
    document: str
    cluster: Hashable
    chains: frozenset[str]


@dataclass(frozen=True, slots=True)
class PairScores:
    """Cross-document pair counts: merged and coreferent (tp), merged only (fp), coreferent only (fn)."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        """Share of merged pairs that corefer; None when nothing was merged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """Share of coreferent pairs that were merged; None when no pair corefers."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def _cross_document_pairs(reports: Sequence[ScoredReport]) -> Iterator[tuple[ScoredReport, ScoredReport, bool, bool]]:
    """Each pair of reports from different documents that both match a gold mention, with whether they are in
    one cluster (merged) and share a gold chain (coreferent)."""
    matched = [r for r in reports if r.chains]
    for a, b in combinations(matched, 2):
        if a.document != b.document:
            yield a, b, a.cluster == b.cluster, not a.chains.isdisjoint(b.chains)


def pairwise_scores(reports: Sequence[ScoredReport]) -> PairScores:
    """Score every pair of reports from different documents that both match a gold mention: a pair is merged
    when both are in one cluster, coreferent when they share a gold chain."""
    tp = fp = fn = 0
    for _, _, merged, coreferent in _cross_document_pairs(reports):
        tp += merged and coreferent
        fp += merged and not coreferent
        fn += coreferent and not merged
    return PairScores(tp, fp, fn)


def pair_categories(reports: Sequence[ScoredReport], category: Callable[[ScoredReport, ScoredReport], str]
                    ) -> tuple[Counter[str], Counter[str]]:
    """False merges and missed merges among cross-document pairs, counted by ``category(a, b)``."""
    false_merges: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for a, b, merged, coreferent in _cross_document_pairs(reports):
        if merged and not coreferent:
            false_merges[category(a, b)] += 1
        elif coreferent and not merged:
            missed[category(a, b)] += 1
    return false_merges, missed


# -- reading the corpus ---------------------------------------------------------------------------------------

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "''", "'s", "'S", "n't", "'re", "'ve", "'ll",
                    "'d", "'m"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "``"}
_QUOTES = {"``": '"', "''": '"'}


def detokenise(tokens: Sequence[str]) -> str:
    """Tokens of one sentence as plain text: no space before closing punctuation and clitics, none after opening
    brackets, PTB quotes as straight ones."""
    out: list[str] = []
    glue = True
    for token in tokens:
        if out and not glue and token not in _NO_SPACE_BEFORE:
            out.append(" ")
        out.append(_QUOTES.get(token, token))
        glue = token in _NO_SPACE_AFTER
    return "".join(out)


def _corpus_error(path: Path, reason: object) -> SettingsError:
    return SettingsError(E902.format(path=path, reason=reason), code="E902")


def _read_conll(path: Path) -> dict[str, dict[int, list[str]]]:
    """Token lists per sentence per document key ("36/36ecbplus/3") of one CoNLL file."""
    documents: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise _corpus_error(path, err) from err
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 4 or not parts[1].isdigit():
            raise _corpus_error(path, f"line {number} is not 'document, sentence, token, word, chains'")
        documents[parts[0]][int(parts[1])].append(parts[3])
    return documents


def _read_mentions(path: Path) -> dict[str, list[GoldMention]]:
    """Gold event mentions per CoNLL document key of one event-mention JSON file."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _corpus_error(path, err) from err
    found: dict[str, list[GoldMention]] = defaultdict(list)
    if not isinstance(records, list):
        raise _corpus_error(path, "not a JSON list of mentions")
    for i, record in enumerate(records):
        try:
            found[str(record["conll_doc_key"])].append(GoldMention(
                str(record["coref_chain"]), int(record["sent_id"]),
                tuple(str(w).lower() for w in record["tokens_text"])))
        except (KeyError, TypeError, ValueError) as err:
            raise _corpus_error(path, f"mention {i} lacks {err}") from err
    return found


def read_ecbplus(root: Path, topics: Collection[str] | None = None) -> list[CorpusDocument]:
    """Documents under ``root``: every ``<subtopic>.conll`` beside an ``event_mentions_<subtopic>.json`` (the
    layout of the Diverse_CDCR_datasets ECB+ conversion), each file's documents of its own sub-topic only (some
    files repeat others'); ``topics`` keeps only those topic numbers."""
    if not root.exists():
        raise _corpus_error(root, "no such file or folder")
    documents: list[CorpusDocument] = []
    for conll in sorted(root.rglob("*.conll")):
        mentions_path = conll.with_name(f"event_mentions_{conll.stem}.json")
        if not mentions_path.exists():
            continue
        mentions = _read_mentions(mentions_path)
        for key, sentences in _read_conll(conll).items():
            topic, subtopic, number = (key.split("/") + ["", ""])[:3]
            if subtopic != conll.stem or (topics is not None and topic not in topics):
                continue
            ordered = tuple(detokenise(sentences[i]) for i in range(max(sentences) + 1))
            documents.append(CorpusDocument(f"{topic}_{number}{subtopic[len(topic):]}", topic, subtopic, ordered,
                                            tuple(mentions.get(key, ()))))
    if not documents:
        raise _corpus_error(root, "no <subtopic>.conll with its event_mentions_<subtopic>.json found")
    return documents


# -- documents as articles ---------------------------------------------------------------------------------------

_URL = re.compile(r"^https?\s*:")


def publication_date(sentences: Sequence[str], lines: int = 3) -> date | None:
    """The first date given to the day in the document's first ``lines`` lines (its dateline), else None."""
    from conflictlog.extract.dates import find_dates

    for sentence in sentences[:lines]:
        for mention in find_dates(sentence, None):
            if mention.precision == TimePrecision.DAY:
                return mention.start
    return None


@dataclass(frozen=True, slots=True)
class DocumentArticle:
    """A corpus document as an article, with the character span of each kept sentence in its text."""

    article: Article
    spans: Mapping[int, tuple[int, int]]


def document_article(doc: CorpusDocument) -> DocumentArticle:
    """The document as an article: one sentence a line, a leading URL line left out, published on the date its
    dateline gives (None when it has none), no title (the corpus does not mark one)."""
    from conflictlog.pipeline import article_from_text

    lines: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    offset = 0
    for i, sentence in enumerate(doc.sentences):
        if not sentence or (i == 0 and _URL.match(sentence)):
            continue
        spans[i] = (offset, offset + len(sentence))
        lines.append(sentence)
        offset += len(sentence) + 1
    text = "\n".join(lines)
    published = publication_date(lines)
    return DocumentArticle(article_from_text(text, published, source=doc.doc_id), spans)


def cue_words(evidence: Iterable[tuple[int, int, Sequence[str]]]) -> set[str]:
    """The words of a report's cues (trigger, casualty phrase, attribution), lowercased."""
    return {w.lower() for _, _, cues in evidence for cue in cues for w in cue.split()}


def matched_mentions(doc: CorpusDocument, spans: Mapping[int, tuple[int, int]],
                     evidence: Iterable[tuple[int, int, Sequence[str]]]) -> tuple[GoldMention, ...]:
    """Gold mentions a report matches: those in the sentences its evidence spans overlap, narrowed to those
    sharing a word with its cue words when any do."""
    evidence = list(evidence)
    sentences = {i for start, end, _ in evidence for i, (s, e) in spans.items() if start < e and s < end}
    cues = cue_words(evidence)
    candidates = [m for m in doc.mentions if m.sentence in sentences]
    cued = [m for m in candidates if cues.intersection(m.words)]
    return tuple(cued or candidates)


# -- the measurement -------------------------------------------------------------------------------------------

@dataclass
class CoreferenceReport:
    """Figures of one run: corpus size, reports and their matching, product pair scores (all matched reports;
    dated ones only, as undated reports merge only when they share an evidence sentence; those whose cue word
    is a gold mention's word) and baselines."""

    documents: int = 0
    gold_mentions: int = 0
    gold_mentions_covered: int = 0
    gold_mentions_in_report_sentences: int = 0
    cross_doc_chains: int = 0
    cross_doc_chains_covered: int = 0
    reports: int = 0
    reports_matched: int = 0
    reports_matched_by_cue: int = 0
    events: int = 0
    undated_documents: int = 0
    product: PairScores = field(default_factory=lambda: PairScores(0, 0, 0))
    product_dated: PairScores = field(default_factory=lambda: PairScores(0, 0, 0))
    product_by_cue: PairScores = field(default_factory=lambda: PairScores(0, 0, 0))
    baselines: dict[str, PairScores] = field(default_factory=dict)
    false_merges: dict[str, int] = field(default_factory=dict)
    missed_merges: dict[str, int] = field(default_factory=dict)
    run: dict[str, int] = field(default_factory=dict)


def _stored_reports(store: Any) -> list[dict[str, Any]]:
    """Every stored report with its event, article, evidence and the values the merge compares."""
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT em.event_id, m.mention_id, m.article_id, m.evidence, m.event_type, m.date_start, "
            "m.time_precision, m.country, m.location, m.geo_precision, m.actor1 "
            "FROM event_mentions em JOIN mentions m ON m.mention_id = em.mention_id ORDER BY m.mention_id"
        ).fetchall()
    keys = ("event_id", "mention_id", "article_id", "evidence", "event_type", "date_start", "time_precision",
            "country", "location", "geo_precision", "actor1")
    return [dict(zip(keys, row)) for row in rows]


def _difference(a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    """The first value the merge compares on which two stored reports differ, as a category name."""
    families = load_rules().families
    if families.get(a["event_type"]) != families.get(b["event_type"]):
        return "other type family"
    if a["country"] != b["country"]:
        return "other country" if a["country"] and b["country"] else "no country on one"
    if a["date_start"] is None or b["date_start"] is None:
        return "undated report"
    if a["date_start"] != b["date_start"]:
        return "other date"
    if a["event_type"] != b["event_type"]:
        return "other event type, same family"
    if a["location"] != b["location"]:
        return "other location"
    if a["actor1"] != b["actor1"]:
        return "other actor1"
    return "same type, country, date, location and actor1"


def measure(documents: Sequence[CorpusDocument], pipeline: Any = None, workers: int = 1) -> CoreferenceReport:
    """Ingest the documents into a fresh temporary store through the product path and score the stored merge
    against the gold chains, with topic and sub-topic baselines (every report of one merged)."""
    from conflictlog.pipeline import ingest_articles
    from conflictlog.store import open_store
    from conflictlog.store.codec import evidence_from_list

    converted = [document_article(d) for d in documents]
    by_article = {c.article.article_id: (d, c) for d, c in zip(documents, converted)}
    report = CoreferenceReport(documents=len(documents),
                               undated_documents=sum(c.article.published is None for c in converted))
    with tempfile.TemporaryDirectory(prefix="conflictlog-coreference-") as tmp:
        store = open_store(Path(tmp) / "coreference.sqlite")
        try:
            run = ingest_articles([c.article for c in converted], store, pipeline=pipeline, workers=workers)
            rows = _stored_reports(store)
        finally:
            store.close()
    report.run = dict(run.counts)
    scored: list[ScoredReport] = []
    by_cue: set[str] = set()
    values: dict[str, dict[str, Any]] = {}
    covered: set[tuple[str, GoldMention]] = set()
    in_sentences: set[tuple[str, GoldMention]] = set()
    for row in rows:
        doc, converted_doc = by_article[row["article_id"]]
        evidence = [(e.start, e.end, e.cues) for e in evidence_from_list(json.loads(row["evidence"]))]
        found = matched_mentions(doc, converted_doc.spans, evidence)
        by_word = [m for m in found if cue_words(evidence).intersection(m.words)]
        if by_word:
            by_cue.add(row["mention_id"])
        covered.update((doc.doc_id, m) for m in by_word)
        in_sentences.update((doc.doc_id, m) for m in matched_mentions(
            doc, converted_doc.spans, [(start, end, ()) for start, end, _ in evidence]))
        chains = frozenset(m.chain for m in found)
        scored.append(ScoredReport(row["mention_id"], doc.doc_id, row["event_id"], chains))
        values[row["mention_id"]] = {**row, "topic": doc.topic, "subtopic": doc.subtopic}
    report.reports = len(scored)
    report.reports_matched = sum(bool(r.chains) for r in scored)
    report.reports_matched_by_cue = len(by_cue)
    report.events = len({r.cluster for r in scored})
    mentions = {(d.doc_id, m) for d in documents for m in d.mentions}
    report.gold_mentions = len(mentions)
    report.gold_mentions_covered = len(mentions & covered)
    report.gold_mentions_in_report_sentences = len(mentions & in_sentences)
    chain_docs: dict[str, set[str]] = defaultdict(set)
    for doc_id, mention in mentions:
        chain_docs[mention.chain].add(doc_id)
    cross = {c for c, docs in chain_docs.items() if len(docs) > 1}
    report.cross_doc_chains = len(cross)
    report.cross_doc_chains_covered = len(cross & {m.chain for _, m in covered})
    report.product = pairwise_scores(scored)
    report.product_dated = pairwise_scores([r for r in scored if values[r.report_id]["date_start"] is not None])
    report.product_by_cue = pairwise_scores([r for r in scored if r.report_id in by_cue])
    for name in ("topic", "subtopic"):
        report.baselines[f"one event per {name}"] = pairwise_scores(
            [ScoredReport(r.report_id, r.document, values[r.report_id][name], r.chains) for r in scored])

    def category(a: ScoredReport, b: ScoredReport) -> str:
        va, vb = values[a.report_id], values[b.report_id]
        seminal = "same seminal event" if va["subtopic"] == vb["subtopic"] else "other seminal event"
        return f"{seminal}; {_difference(va, vb)}"

    false_merges, missed = pair_categories(scored, category)
    report.false_merges, report.missed_merges = dict(false_merges.most_common()), dict(missed.most_common())
    return report
