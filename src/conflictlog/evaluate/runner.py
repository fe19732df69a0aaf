"""Run the pipeline over human-coded evaluation records and tally agreement per dataset and field.

Records are JSON lines ``{"id", "text", "gold", "dataset", "origin", "meta"}``. Each text is read as an
article published on ``meta.publication_date`` when the record has one, else on the day after the gold
event date (news appears after the event); records without either are read undated.

Two ways through: the product path (default) ingests all records as one feed into a temporary store, so
they are parsed, extracted, resolved and merged as any feed would be, and scores each record against the
stored events its article supports; the per-record path (``per_record``) extracts each text alone with
``conflictlog.pipeline.extract_text`` and never merges (fast, for iterating on extraction). Scoring rules:
``scoring``.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from conflictlog.errors import E901, BackendUnavailable, ConflictlogError, SettingsError
from conflictlog.evaluate.scoring import (
    FIELDS,
    DatasetTally,
    EventValues,
    RecordResult,
    gold_type_label,
    score_record,
    values_from_event,
    values_from_resolved,
)

logger = logging.getLogger(__name__)

ALL = "all"
"""Name of the row that sums every dataset."""
COUNTRY_FIELDS = ("found", "admin1", "location_25km")
"""Fields the per-country table and comparison show: where events are placed."""

Extractor = Callable[[str, date | None], Sequence[Any]]
"""Turns (text, published) into extracted events: ``ResolvedEvent``s or ``EventValues``."""


def _files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise SettingsError(E901.format(path=path, reason="no such file or folder"), code="E901")
    return files


def read_records(paths: Sequence[Path]) -> Iterator[dict[str, Any]]:
    """Evaluation records from JSONL files or folders of them; a malformed line raises E901 naming file and line."""
    for path in _files(paths):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise SettingsError(E901.format(path=path, reason=err), code="E901") from err
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise SettingsError(E901.format(path=f"{path}:{number}", reason=err), code="E901") from err
            if not isinstance(record, dict) or "text" not in record or "gold" not in record:
                raise SettingsError(E901.format(path=f"{path}:{number}", reason="record needs 'text' and 'gold'"),
                                    code="E901")
            record.setdefault("dataset", path.stem)
            yield record


def publication_date(record: Mapping[str, Any]) -> date | None:
    """``meta.publication_date`` when present, else the day after the gold event date, else None."""
    meta = record.get("meta") or {}
    for value, shift in ((meta.get("publication_date"), 0), ((record.get("gold") or {}).get("event_date"), 1)):
        if value:
            try:
                return date.fromisoformat(str(value)[:10]) + timedelta(days=shift)
            except ValueError:
                logger.debug("evaluate: %s: unreadable date %r", record.get("id"), value)
    return None


def _pipeline_extractor() -> Extractor:
    """``pipeline.extract_text`` with its model and gazetteer loaded once, up front."""
    try:
        from conflictlog.pipeline import default_pipeline, extract_text

        default_pipeline()
    except ImportError as err:
        raise BackendUnavailable(f"[evaluate] the extraction pipeline cannot load: {err}") from err
    return extract_text


def _as_values(event: Any) -> EventValues:
    return event if isinstance(event, EventValues) else values_from_resolved(event)


@dataclass
class EvalReport:
    """Agreement per dataset and field, confusion matrices, and every record's result."""

    datasets: dict[str, DatasetTally]
    records: list[RecordResult]
    type_confusion: dict[str, Counter[str]]
    sub_type_confusion: dict[str, Counter[str]]
    seconds: float = 0.0
    n_errors: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def rate(self, dataset: str, name: str) -> float | None:
        """Agreement rate of one field in one dataset (or ``ALL``)."""
        tally = self.datasets.get(dataset)
        return tally.fields[name].rate if tally else None

    def worst(self, n: int = 20) -> list[RecordResult]:
        """The ``n`` records with the lowest share of agreeing fields (ties: most fields scored first)."""
        ranked = sorted(self.records, key=lambda r: (r.share, -sum(ok is not None for ok in r.fields.values())))
        return [record for record in ranked if record.share < 1.0][:n]

    def by_country(self) -> dict[str, dict[str, DatasetTally]]:
        """Tallies per dataset (and ``ALL``) and gold country, most records first; records without a gold
        country (no-event and snippet datasets) are left out."""
        table: dict[str, dict[str, DatasetTally]] = {}
        for record in self.records:
            country = record.gold.get("country")
            if not country or record.no_event_expected:
                continue
            for name in (record.dataset, ALL):
                table.setdefault(name, {}).setdefault(str(country), DatasetTally()).add(record)
        return {name: dict(sorted(countries.items(), key=lambda item: (-item[1].n_records, item[0])))
                for name, countries in sorted(table.items(), key=lambda item: (item[0] == ALL, item[0]))}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: the per-dataset table, the per-country one, confusion matrices and each record's
        field outcomes."""
        table = {
            name: {
                "n_records": tally.n_records,
                "fields": {f: {"correct": t.correct, "total": t.total, "rate": t.rate} for f, t in tally.fields.items()},
                "no_event_expected": {"correct": tally.no_event_correct, "total": tally.no_event_total},
                "no_event_current": {"count": tally.no_event_current, "total": tally.no_event_total},
                "merged": {"count": tally.n_merged, "total": tally.n_records,
                           "share": tally.n_merged / tally.n_records if tally.n_records else None},
                "events_per_100": 100 * tally.n_events / tally.n_records if tally.n_records else None,
            }
            for name, tally in self.datasets.items()
        }
        return {
            "version": 1,
            "seconds": round(self.seconds, 2),
            "n_records": len(self.records),
            "n_errors": self.n_errors,
            "meta": self.meta,
            "datasets": table,
            "countries": {
                name: {country: {"n_records": tally.n_records,
                                 "fields": {f: {"correct": t.correct, "total": t.total, "rate": t.rate}
                                            for f, t in tally.fields.items() if t.total}}
                       for country, tally in countries.items()}
                for name, countries in self.by_country().items()
            },
            "confusion": {
                "event_type": {gold: dict(row) for gold, row in self.type_confusion.items()},
                "sub_event_type": {gold: dict(row) for gold, row in self.sub_type_confusion.items()},
            },
            "records": {
                r.record_id: {
                    "dataset": r.dataset,
                    "country": r.gold.get("country"),
                    "n_events": r.n_events,
                    "merged": r.merged,
                    "fields": dict(r.fields),
                    "extracted": r.aligned.as_dict() if r.aligned else None,
                    "error": r.error,
                }
                for r in self.records
            },
        }


def build_report(results: Iterable[RecordResult], seconds: float = 0.0) -> EvalReport:
    """Tally scored records into an ``EvalReport``."""
    datasets: dict[str, DatasetTally] = {}
    type_confusion: dict[str, Counter[str]] = {}
    sub_confusion: dict[str, Counter[str]] = {}
    records = list(results)
    for result in records:
        for name in (result.dataset, ALL):
            datasets.setdefault(name, DatasetTally()).add(result)
        if result.no_event_expected:
            continue
        predicted = result.aligned.event_type if result.aligned and result.aligned.event_type else "(none)"
        type_confusion.setdefault(gold_type_label(result), Counter())[predicted] += 1
        gold_sub = result.gold.get("sub_event_type")
        if result.taxonomy == "acled" and gold_sub:
            predicted_sub = result.aligned.sub_event_type if result.aligned and result.aligned.sub_event_type \
                else "(none)"
            sub_confusion.setdefault(str(gold_sub), Counter())[predicted_sub] += 1
    ordered = {name: datasets[name] for name in sorted(datasets, key=lambda n: (n == ALL, n))}
    return EvalReport(ordered, records, type_confusion, sub_confusion, seconds,
                      n_errors=sum(1 for r in records if r.error))


def evaluate_records(
    records: Iterable[Mapping[str, Any]],
    extractor: Extractor | None = None,
    progress: Callable[[int], None] | None = None,
) -> EvalReport:
    """Score records with ``extractor`` (default: the loaded conflictlog pipeline)."""
    extract = extractor or _pipeline_extractor()
    started = time.perf_counter()
    results: list[RecordResult] = []
    for count, record in enumerate(records, start=1):
        error: str | None = None
        try:
            events = [_as_values(event) for event in extract(str(record["text"]), publication_date(record))]
        except ConflictlogError as err:
            # one failed record is a finding, not the end of the run
            logger.warning("evaluate: %s: %s", record.get("id"), err)
            events, error = [], str(err)
        results.append(score_record(record, events, error))
        if progress is not None:
            progress(count)
    return build_report(results, time.perf_counter() - started)


def evaluate_product(
    records: Sequence[Mapping[str, Any]],
    pipeline: Any = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> EvalReport:
    """Ingest the records as one feed into a temporary store (parse, extract, resolve, merge, store) and score
    each record against the stored events its article supports."""
    from conflictlog.pipeline import article_from_text, default_pipeline, ingest_articles
    from conflictlog.store import open_store

    if pipeline is None:
        try:
            pipeline = default_pipeline()
        except ImportError as err:
            raise BackendUnavailable(f"[evaluate] the extraction pipeline cannot load: {err}") from err
    started = time.perf_counter()
    articles = [
        article_from_text(str(r["text"]), publication_date(r), source=f"{r.get('dataset')}:{r.get('id')}")
        for r in records
    ]
    results: list[RecordResult] = []
    with tempfile.TemporaryDirectory(prefix="conflictlog-evaluate-") as tmp:
        store = open_store(Path(tmp) / "evaluate.sqlite")
        try:
            run = ingest_articles(articles, store, pipeline=pipeline, workers=workers)
            failed = {f.source: f.message for f in run.failures}
            for count, (record, article) in enumerate(zip(records, articles), start=1):
                events = [store.get_event(i) for i in store.event_ids_for_article(article.article_id)]
                merged = any(s.article_id != article.article_id for e in events for s in e.sources)
                results.append(score_record(record, [values_from_event(e) for e in events],
                                            failed.get(article.source), merged=merged))
                if progress is not None:
                    progress(count)
        finally:
            store.close()
    report = build_report(results, time.perf_counter() - started)
    report.meta["run"] = dict(run.counts)
    return report


def evaluate_paths(
    paths: Sequence[Path],
    datasets: Sequence[str] = (),
    limit: int | None = None,
    extractor: Extractor | None = None,
    progress: Callable[[int], None] | None = None,
    per_record: bool = False,
    pipeline: Any = None,
    workers: int = 1,
) -> EvalReport:
    """Read evaluation records from files or folders, run them through one pipeline and score them.

    ``datasets`` keeps only those datasets; ``limit`` keeps the first N records of each dataset. The product
    path runs unless ``per_record`` is set or an ``extractor`` is given (see the module docstring).
    """
    selected: list[dict[str, Any]] = []
    per_dataset: Counter[str] = Counter()
    for record in read_records(paths):
        name = str(record.get("dataset"))
        if datasets and name not in datasets:
            continue
        if limit is not None and per_dataset[name] >= limit:
            continue
        per_dataset[name] += 1
        selected.append(record)
    logger.info("evaluate: %d records from %d datasets", len(selected), len(per_dataset))
    if per_record or extractor is not None:
        report = evaluate_records(selected, extractor=extractor, progress=progress)
    else:
        report = evaluate_product(selected, pipeline=pipeline, workers=workers, progress=progress)
    report.meta.update({"paths": [str(p) for p in paths], "datasets": dict(per_dataset), "limit": limit,
                        "mode": "per-record" if per_record or extractor is not None else "product"})
    return report


def compare_reports(old: Mapping[str, Any], new: Mapping[str, Any], threshold: float = 0.0) -> list[str]:
    """Lines saying what moved between two ``EvalReport.to_dict()`` results: rates per dataset and field,
    then how many records each field fixed or broke."""
    lines: list[str] = []
    for dataset, table in new.get("datasets", {}).items():
        old_table = old.get("datasets", {}).get(dataset)
        if old_table is None:
            lines.append(f"{dataset}: new dataset")
            continue
        for name in FIELDS:
            now = table["fields"].get(name, {}).get("rate")
            before = old_table["fields"].get(name, {}).get("rate")
            if now is None or before is None or abs(now - before) <= threshold:
                continue
            lines.append(f"{dataset} {name}: {before:.3f} -> {now:.3f} ({now - before:+.3f})")
        merged_now, merged_before = table.get("merged", {}).get("share"), old_table.get("merged", {}).get("share")
        if merged_now is not None and merged_before is not None and abs(merged_now - merged_before) > threshold:
            lines.append(f"{dataset} merged into another record's event: {merged_before:.3f} -> {merged_now:.3f}")
        quiet_now, quiet_before = table.get("no_event_expected", {}), old_table.get("no_event_expected", {})
        if quiet_now.get("total") and quiet_now != quiet_before and quiet_before.get("total"):
            lines.append(f"{dataset} no event expected: {quiet_before['correct']}/{quiet_before['total']} -> "
                         f"{quiet_now['correct']}/{quiet_now['total']}")
    for dataset, countries in new.get("countries", {}).items():
        for country, table in countries.items():
            before_fields = old.get("countries", {}).get(dataset, {}).get(country, {}).get("fields", {})
            for name in COUNTRY_FIELDS:
                now = table["fields"].get(name, {}).get("rate")
                before = before_fields.get(name, {}).get("rate")
                if now is not None and before is not None and abs(now - before) > threshold:
                    lines.append(f"{dataset} {country} {name}: {before:.3f} -> {now:.3f} ({now - before:+.3f})")
    old_records = old.get("records", {})
    fixed: Counter[str] = Counter()
    broken: Counter[str] = Counter()
    for record_id, record in new.get("records", {}).items():
        before = old_records.get(record_id)
        if before is None:
            continue
        for name, ok in record.get("fields", {}).items():
            was = before.get("fields", {}).get(name)
            if was is False and ok is True:
                fixed[name] += 1
            elif was is True and ok is False:
                broken[name] += 1
    for name in FIELDS:
        if fixed[name] or broken[name]:
            lines.append(f"records {name}: {fixed[name]} fixed, {broken[name]} broken")
    return lines
