"""The ``conflictlog evaluate`` command: agreement with human coders, printed as tables (stdout) with
progress on stderr. It prints figures and never fails on them."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from conflictlog.errors import E901, ConflictlogError
from conflictlog.evaluate.runner import ALL, COUNTRY_FIELDS, EvalReport, compare_reports, evaluate_paths, read_records
from conflictlog.evaluate.scoring import FIELDS, RecordResult

logger = logging.getLogger(__name__)

_SHORT = {
    "found": "found", "event_type": "type", "sub_event_type": "sub-type", "actor1": "actor1", "actor2": "actor2",
    "admin1": "admin1", "location_25km": "loc≤25km", "event_date": "date", "fatalities": "fatal.",
}
_GOLD_COLUMNS = {
    "event_type": "event_type", "sub_event_type": "sub_event_type", "actor1": "actor1", "actor2": "actor2",
    "admin1": "admin1", "location_25km": "location", "event_date": "event_date", "fatalities": "fatalities",
}


_TYPE_ABBREVIATIONS = {
    "Battles": "Battles", "Explosions/Remote violence": "Expl/Remote", "Violence against civilians": "VAC",
    "Strategic developments": "Strategic", "Protests": "Protests", "Riots": "Riots",
}
WIDTH = 200
"""Console width used when stdout is not a terminal (files, pipes), so tables are not squeezed to 80."""


def _cell(correct: int, total: int) -> str:
    return f"{correct / total:.2f}\n{correct}/{total}" if total else "–"


def _short_label(label: str) -> str:
    return _TYPE_ABBREVIATIONS.get(label, label if len(label) <= 16 else label[:15] + "…")


def field_table(report: EvalReport) -> Table:
    """Rows: datasets (then all); columns: fields, with rate and counts."""
    table = Table(title="Agreement with human coders (rate; correct/scored)", show_lines=True)
    table.add_column("dataset", no_wrap=True)
    table.add_column("n", justify="right")
    for name in FIELDS:
        table.add_column(_SHORT[name], justify="right")
    table.add_column("no event exp.", justify="right")
    table.add_column("no-event rec.\nwith current ev.", justify="right")
    table.add_column("events\nper 100", justify="right")
    table.add_column("merged w.\nother rec.", justify="right")
    for dataset, tally in report.datasets.items():
        cells = [_cell(tally.fields[name].correct, tally.fields[name].total) for name in FIELDS]
        style = "bold" if dataset == ALL else None
        per_100 = f"{100 * tally.n_events / tally.n_records:.1f}" if tally.n_records else "–"
        merged = _cell(tally.n_merged, tally.n_records) if report.meta.get("mode") != "per-record" else "–"
        table.add_row(dataset, str(tally.n_records), *cells, _cell(tally.no_event_correct, tally.no_event_total),
                      _cell(tally.no_event_current, tally.no_event_total), per_100, merged, style=style)
    return table


def confusion_table(title: str, confusion: dict[str, Any], max_columns: int = 8) -> Table:
    """Gold label rows against the predicted labels that occur most often."""
    totals: dict[str, int] = {}
    for row in confusion.values():
        for label, count in row.items():
            totals[label] = totals.get(label, 0) + count
    columns = [label for label, _ in sorted(totals.items(), key=lambda item: -item[1])][:max_columns]
    table = Table(title=title)
    table.add_column("gold \\ extracted", no_wrap=True)
    for label in columns:
        table.add_column(_short_label(label), justify="right")
    table.add_column("other", justify="right")
    for gold in sorted(confusion):
        row = confusion[gold]
        other = sum(count for label, count in row.items() if label not in columns)
        table.add_row(gold, *[str(row.get(label, "")) for label in columns], str(other or ""))
    return table


def _gold_value(record: RecordResult, name: str) -> Any:
    gold = record.gold
    if name == "location_25km":
        return gold.get("location") or (gold.get("latitude"), gold.get("longitude"))
    return gold.get(_GOLD_COLUMNS[name])


def _extracted_value(record: RecordResult, name: str) -> Any:
    if record.aligned is None:
        return None
    values = record.aligned.as_dict()
    if name == "location_25km":
        return values.get("location") or (values.get("latitude"), values.get("longitude"))
    return values.get(_GOLD_COLUMNS[name])


def worst_table(records: list[RecordResult], width: int = 90) -> Table:
    """The worst records with the gold and extracted values of each disagreeing field side by side."""
    table = Table(title=f"Worst-scoring records ({len(records)})", show_lines=True)
    table.add_column("record", no_wrap=True)
    table.add_column("text", max_width=width)
    table.add_column("field: gold | extracted")
    for record in records:
        text = record.text if len(record.text) <= width else record.text[: width - 1] + "…"
        if record.no_event_expected:
            diffs = [f"no event expected | {record.n_events} extracted"]
        else:
            diffs = [
                f"{_SHORT[name]}: {_gold_value(record, name)} | {_extracted_value(record, name)}"
                for name, ok in record.fields.items() if ok is False and name != "found"
            ]
            if record.n_events == 0:
                diffs.insert(0, f"failed: {record.error}" if record.error else "no event extracted")
        table.add_row(f"{record.record_id}\n{record.share:.2f}", text, "\n".join(diffs))
    return table


def country_table(report: EvalReport) -> Table:
    """Rows: each dataset's gold countries, most records first; columns: the fields that place events."""
    table = Table(title="Agreement by gold country (rate; correct/scored)", show_lines=False)
    table.add_column("dataset", no_wrap=True)
    table.add_column("country", no_wrap=True)
    table.add_column("n", justify="right")
    for name in COUNTRY_FIELDS:
        table.add_column(_SHORT[name], justify="right")
    for dataset, countries in report.by_country().items():
        for country, tally in countries.items():
            cells = [_cell(tally.fields[name].correct, tally.fields[name].total).replace("\n", " ")
                     for name in COUNTRY_FIELDS]
            table.add_row(dataset, country, str(tally.n_records), *cells, style="bold" if dataset == ALL else None)
    return table


def print_report(report: EvalReport, console: Console, n_worst: int = 20, by_country: bool = False) -> None:
    """Print the field table, the per-country table (``by_country``), confusion matrices and worst records."""
    console.print(field_table(report))
    if by_country:
        console.print(country_table(report))
    data = report.to_dict()["confusion"]
    console.print(confusion_table("event_type confusion (rows gold, columns extracted)", data["event_type"]))
    console.print(confusion_table("sub_event_type confusion, ACLED gold", data["sub_event_type"]))
    if n_worst > 0:
        console.print(worst_table(report.worst(n_worst)))
    console.print(f"{len(report.records)} records in {report.seconds:.1f} s; {report.n_errors} failed")


@click.command("evaluate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the full results as JSON to this file.")
@click.option("--compare", "compare_to", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A previous --json file: print what moved.")
@click.option("--dataset", "datasets", multiple=True, help="Only this dataset (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N records per dataset.")
@click.option("--worst", "n_worst", type=click.IntRange(min=0), default=20, show_default=True,
              help="Show the N worst-scoring records.")
@click.option("--per-record", is_flag=True,
              help="Extract each record alone, without merge or store (faster; the default ingests all records as "
                   "one feed through the whole pipeline).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Parse and extract in this many processes (product path).")
@click.option("--by-country", is_flag=True, help="Also print admin1 and location agreement per gold country.")
def evaluate(paths: tuple[Path, ...], json_out: Path | None, compare_to: Path | None, datasets: tuple[str, ...],
             limit: int | None, n_worst: int, per_record: bool, workers: int, by_country: bool) -> None:
    """Score the product against human-coded records (JSONL files or folders of them): by default the records
    are ingested as one feed (each an article published the day after its event), merged and stored, and each
    record is scored against the stored events of its article."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    out = Console()
    if not out.is_terminal:
        out = Console(width=WIDTH)
    err = Console(stderr=True)
    try:
        total = 0
        per_dataset: dict[str, int] = {}
        for record in read_records(list(paths)):
            name = str(record.get("dataset"))
            if datasets and name not in datasets:
                continue
            if limit is None or per_dataset.get(name, 0) < limit:
                per_dataset[name] = per_dataset.get(name, 0) + 1
                total += 1
        with Progress(TextColumn("evaluate"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("records", total=total)
            report = evaluate_paths(list(paths), datasets=datasets, limit=limit,
                                    progress=lambda n: progress.update(task, completed=n),
                                    per_record=per_record, workers=workers)
    except ConflictlogError as error:
        raise click.ClickException(str(error)) from error
    print_report(report, out, n_worst, by_country)
    data = report.to_dict()
    if json_out is not None:
        json_out.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
        err.print(f"wrote {json_out}")
    if compare_to is not None:
        try:
            old = json.loads(compare_to.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise click.ClickException(E901.format(path=compare_to, reason=error)) from error
        moved = compare_reports(old, data)
        out.print(f"Compared with {compare_to}:" if moved else f"Nothing moved since {compare_to}.")
        for line in moved:
            out.print(f"  {line}")
