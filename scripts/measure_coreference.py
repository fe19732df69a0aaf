"""Measure merge precision and recall on a cross-document event coreference corpus of news (ECB+).

Reads ECB+ as converted by the Diverse_CDCR_datasets project (per sub-topic ``<subtopic>.conll`` token files
and ``event_mentions_<subtopic>.json`` gold mentions, e.g. its ``ECBplus-prep/output_data/test_parsing``
folder), ingests each document as an article into a fresh temporary store, and prints pairwise merge precision
and recall over pairs of reports from different documents, the coverage of gold mentions and two baselines.
The corpus is read from the path given; nothing of it is kept.

Topics kept by default: those whose seminal events are acts of violence or police action (bombing, piracy,
shootings and killings, riots, air strikes, arrests), the kinds of event conflictlog codes.

Run: `python scripts/measure_coreference.py PATH [--topics all] [--json out.json]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path

from conflictlog.errors import ConflictlogError
from conflictlog.evaluate.coreference import PairScores, measure, read_ecbplus

#: ECB+ topics by the theme of their seminal events (from the ECB+ annotation guideline's topic list): 8 bank
#: bombings, 12 pirate attacks, 16 shootings of a gang member and of a deputy, 18 office shootings, 19 riots after
#: police killings, 22 killings of co-workers, 32 double murders, 33 stray-bullet killings, 35 arrests,
#: 41 air strikes on camps, 45 killings of a partner.
VIOLENCE_TOPICS = ("8", "12", "16", "18", "19", "22", "32", "33", "35", "41", "45")


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _line(name: str, scores: PairScores) -> str:
    return (f"{name:<28} precision {_rate(scores.precision)}  recall {_rate(scores.recall)}  "
            f"(merged and coreferent {scores.tp}, merged only {scores.fp}, coreferent only {scores.fn})")


def main() -> int:
    """Print the figures (stdout) for the corpus at the given path; 2 on a corpus that cannot be read."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder holding the <subtopic>.conll and event_mentions files")
    parser.add_argument("--topics", default=",".join(VIOLENCE_TOPICS),
                        help="comma-separated topic numbers, or 'all' (default: the violence topics)")
    parser.add_argument("--workers", type=int, default=1, help="processes that parse and extract")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    topics = None if args.topics == "all" else {t.strip() for t in args.topics.split(",") if t.strip()}
    try:
        documents = read_ecbplus(args.corpus, topics)
        report = measure(documents, workers=args.workers)
    except ConflictlogError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"documents {report.documents} (topics: {args.topics}; {report.undated_documents} without a dateline, "
          f"ingested undated)")
    print(f"stored reports {report.reports} in {report.events} events; reports in a sentence with gold event "
          f"mentions {report.reports_matched} (of them {report.reports_matched_by_cue} whose cue word is a mention's)")
    print(f"gold event mentions (distinct) {report.gold_mentions}: a report's cue word is the mention's "
          f"{report.gold_mentions_covered}, in a report's evidence sentence "
          f"{report.gold_mentions_in_report_sentences}; "
          f"cross-document gold chains with a cue-matched mention {report.cross_doc_chains_covered}/"
          f"{report.cross_doc_chains}")
    print("pairwise, over pairs of matched reports from different documents:")
    print(_line("conflictlog merge", report.product))
    print(_line("  dated reports only", report.product_dated))
    print(_line("  cue-matched reports only", report.product_by_cue))
    for name, scores in report.baselines.items():
        print(_line(name, scores))
    print("false merges by category:", report.false_merges)
    print("missed merges by category:", report.missed_merges)
    if args.json:
        figures = {name: value for name, value in asdict(report).items() if name not in ("run", "baselines")}
        figures["run"] = {str(k): v for k, v in report.run.items()}
        scores = {"product": report.product, "product_dated": report.product_dated,
                  "product_by_cue": report.product_by_cue, **report.baselines}
        figures["scores"] = {name: {**asdict(s), "precision": s.precision, "recall": s.recall}
                             for name, s in scores.items()}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
