"""Tests for evaluate.coreference: pairwise merge scores on hand-made reports, corpus reading on a tiny
synthetic corpus written by the test, and the matching of report evidence to gold mentions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.bench_merge import make_place, make_report
from conflictlog.errors import SettingsError
from conflictlog.evaluate.coreference import (
    CorpusDocument,
    GoldMention,
    PairScores,
    ScoredReport,
    detokenise,
    document_article,
    matched_mentions,
    measure,
    pair_categories,
    pairwise_scores,
    read_ecbplus,
)
from conflictlog.records import Article, Evidence, ResolvedEvent


def _report(report_id: str, document: str, cluster: str, *chains: str) -> ScoredReport:
    return ScoredReport(report_id, document, cluster, frozenset(chains))


def test_pairwise_scores_counts_cross_document_pairs_only() -> None:
    reports = [
        _report("a1", "doc-a", "E1", "strike"),
        _report("a2", "doc-a", "E1", "strike"),  # same document as a1: never scored against it
        _report("b1", "doc-b", "E1", "strike"),  # merged and coreferent with a1 and a2: 2 tp
        _report("c1", "doc-c", "E1", "arrest"),  # merged, not coreferent with a1, a2, b1: 3 fp
        _report("d1", "doc-d", "E2", "strike"),  # coreferent with a1, a2, b1, not merged: 3 fn
        _report("e1", "doc-e", "E1"),  # matches no gold mention: left out
    ]
    scores = pairwise_scores(reports)
    assert scores == PairScores(tp=2, fp=3, fn=3)
    assert scores.precision == pytest.approx(2 / 5)
    assert scores.recall == pytest.approx(2 / 5)


def test_pairwise_scores_shared_chain_is_enough_for_coreference() -> None:
    reports = [_report("a", "doc-a", "E1", "strike", "said"), _report("b", "doc-b", "E1", "strike")]
    assert pairwise_scores(reports) == PairScores(tp=1, fp=0, fn=0)


def test_pairwise_scores_without_pairs_have_no_rates() -> None:
    scores = pairwise_scores([_report("a", "doc-a", "E1", "x")])
    assert (scores.precision, scores.recall) == (None, None)


def test_pair_categories_split_false_and_missed_merges() -> None:
    reports = [_report("a", "doc-a", "E1", "x"), _report("b", "doc-b", "E1", "y"), _report("c", "doc-c", "E2", "x")]
    false_merges, missed = pair_categories(reports, lambda r, s: f"{r.report_id}{s.report_id}")
    assert dict(false_merges) == {"ab": 1}
    assert dict(missed) == {"ac": 1}


_reports = st.lists(
    st.builds(ScoredReport, st.text(min_size=1, max_size=3), st.sampled_from("abcd"), st.sampled_from("XYZ"),
              st.frozensets(st.sampled_from("pqr"), max_size=2)),
    max_size=12,
)


@given(_reports)
def test_pairwise_scores_all_in_one_cluster_recalls_everything(reports: list[ScoredReport]) -> None:
    merged = [ScoredReport(r.report_id, r.document, "one", r.chains) for r in reports]
    scores = pairwise_scores(merged)
    assert scores.fn == 0
    assert scores.recall in (None, 1.0)


@given(_reports)
def test_pairwise_scores_singleton_clusters_merge_nothing(reports: list[ScoredReport]) -> None:
    alone = [ScoredReport(r.report_id, r.document, i, r.chains) for i, r in enumerate(reports)]
    scores = pairwise_scores(alone)
    assert scores.tp == scores.fp == 0
    assert scores.precision is None


def test_detokenise_joins_punctuation_and_quotes() -> None:
    assert detokenise(["``", "We", "left", ",", "''", "he", "said", "(", "twice", ")", "."]) == \
        '"We left," he said (twice).'
    assert detokenise(["It", "is", "n't", "the", "army", "'s", "."]) == "It isn't the army's."


def _write_corpus(root: Path) -> None:
    folder = root / "7ecbplus" / "annotation" / "original"
    folder.mkdir(parents=True)
    rows = [
        ("7/7ecbplus/1", 0, ["http", ":", "/", "/", "example", ".", "org"]),
        ("7/7ecbplus/1", 1, ["Rebels", "attacked", "Alpha", "on", "March", "3", ",", "2021", "."]),
        ("7/7ecbplus/1", 2, ["Police", "arrested", "two", "men", "."]),
        ("7/7ecbplus/2", 0, ["An", "attack", "hit", "Alpha", "."]),
        ("7/7ecb/1", 0, ["Not", "this", "sub-topic", "."]),  # a file repeating another sub-topic's document
    ]
    lines = []
    for key, sentence, words in rows:
        lines += [f"{key}\t{sentence}\t{i}\t{w}\t-" for i, w in enumerate(words)] + [""]
    (folder / "7ecbplus.conll").write_text("#begin document\n" + "\n".join(lines), encoding="utf-8")
    mentions = [
        {"conll_doc_key": "7/7ecbplus/1", "coref_chain": "ATTACK", "sent_id": 1, "tokens_text": ["attacked"]},
        {"conll_doc_key": "7/7ecbplus/1", "coref_chain": "ARREST", "sent_id": 2, "tokens_text": ["arrested"]},
        {"conll_doc_key": "7/7ecbplus/2", "coref_chain": "ATTACK", "sent_id": 0, "tokens_text": ["attack"]},
        {"conll_doc_key": "7/7ecbplus/2", "coref_chain": "HIT", "sent_id": 0, "tokens_text": ["hit"]},
    ]
    (folder / "event_mentions_7ecbplus.json").write_text(json.dumps(mentions), encoding="utf-8")


def test_read_ecbplus_builds_documents_of_the_files_own_subtopic(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    documents = read_ecbplus(tmp_path)
    assert [d.doc_id for d in documents] == ["7_1ecbplus", "7_2ecbplus"]
    assert documents[0].sentences[1] == "Rebels attacked Alpha on March 3, 2021."
    assert [m.chain for m in documents[0].mentions] == ["ATTACK", "ARREST"]


def test_read_ecbplus_refuses_a_folder_without_the_corpus(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    with pytest.raises(SettingsError, match="E902"):
        read_ecbplus(tmp_path, topics={"8"})
    with pytest.raises(SettingsError, match="no such file"):
        read_ecbplus(tmp_path / "missing")


def test_read_ecbplus_names_the_file_of_a_malformed_line(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    conll = tmp_path / "7ecbplus" / "annotation" / "original" / "7ecbplus.conll"
    conll.write_text("7/7ecbplus/1\tfirst\t0\tword\t-\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"7ecbplus\.conll.*line 1"):
        read_ecbplus(tmp_path)


def test_document_article_drops_the_url_line_and_dates_from_the_dateline(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    first = read_ecbplus(tmp_path)[0]
    converted = document_article(first)
    assert converted.article.text == "Rebels attacked Alpha on March 3, 2021.\nPolice arrested two men."
    assert converted.article.published == date(2021, 3, 3)
    assert 0 not in converted.spans
    start, end = converted.spans[2]
    assert converted.article.text[start:end] == "Police arrested two men."


def test_matched_mentions_narrow_to_the_cue_word_when_one_matches() -> None:
    doc = CorpusDocument("7_2ecbplus", "7", "7ecbplus", ("An attack hit Alpha.",),
                         (GoldMention("ATTACK", 0, ("attack",)), GoldMention("HIT", 0, ("hit",))))
    spans = {0: (0, 20)}
    assert [m.chain for m in matched_mentions(doc, spans, [(0, 20, ("attack",))])] == ["ATTACK"]
    assert [m.chain for m in matched_mentions(doc, spans, [(0, 20, ("bombing",))])] == ["ATTACK", "HIT"]
    assert matched_mentions(doc, spans, [(30, 40, ("attack",))]) == ()


class StandInPipeline:
    """Codes each sentence with a cue word of the synthetic corpus as one report (no model needed): attacks as
    battles at one place and day, arrests as strategic developments."""

    CUES = {"attacked": ("Battles", "Armed clash"), "attack": ("Battles", "Armed clash"),
            "arrested": ("Strategic developments", "Arrests")}

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            reports: list[ResolvedEvent] = []
            offset = 0
            for line in article.text.split("\n"):
                cue = next((w for w in line.rstrip(".").split() if w in self.CUES), None)
                if cue is not None:
                    event_type, sub_event_type = self.CUES[cue]
                    report = make_report(f"{article.article_id[:8]}-{len(reports)}", article.article_id,
                                         event_type=event_type, sub_event_type=sub_event_type, day=date(2021, 3, 3),
                                         place=make_place("Alpha", "TST", 10.0, 20.0, gazetteer_id="test:1"),
                                         actors=("Testland Rebels",))
                    evidence = (Evidence(line, offset, offset + len(line), (cue,)),)
                    reports.append(replace(report, mention=replace(report.mention, evidence=evidence)))
                offset += len(line) + 1
            yield article, reports


def test_measure_scores_the_stored_merge_against_gold_chains(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    report = measure(read_ecbplus(tmp_path), pipeline=StandInPipeline())
    assert (report.documents, report.undated_documents) == (2, 1)
    assert (report.reports, report.reports_matched, report.reports_matched_by_cue, report.events) == (3, 3, 3, 2)
    # the second document's "hit" shares the attack report's sentence but is not its cue word
    assert (report.gold_mentions, report.gold_mentions_covered, report.gold_mentions_in_report_sentences) == (4, 3, 4)
    assert (report.cross_doc_chains, report.cross_doc_chains_covered) == (1, 1)
    # the two attack reports merge and corefer; the arrest stays apart and corefers with neither
    assert report.product == report.product_by_cue == PairScores(tp=1, fp=0, fn=0)
    assert report.baselines["one event per topic"] == PairScores(tp=1, fp=1, fn=0)
    assert not report.false_merges and not report.missed_merges
