"""Command line: thin click commands over the library. Data goes to stdout, logs and progress to stderr."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from conflictlog import __version__
from conflictlog.errors import ConflictlogError

logger = logging.getLogger("conflictlog")

DEFAULT_DB = "conflictlog.sqlite"
EXPORT_FORMATS = ("jsonl", "acled-csv", "geojson", "parquet")
LIST_FORMATS = ("table", "json", "jsonl", "csv", "geojson")
SQL_MAX_INT = 2**63 - 1  # the largest integer the database holds


def _setup_logging(verbose: int) -> None:
    """Send logs to stderr; -v for INFO, -vv for DEBUG."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


@contextmanager
def _errors_as_messages() -> Iterator[None]:
    """Turn conflictlog's coded errors into click messages (exit status 1) instead of tracebacks."""
    try:
        yield
    except ConflictlogError as err:
        raise click.ClickException(str(err)) from err


def refuse_missing_db(db: str) -> None:
    """Stop a read-only command (coded message, exit status 1) when its database file does not exist, instead
    of creating an empty one."""
    from conflictlog.errors import E604

    if db != ":memory:" and not db.startswith(("postgresql://", "postgres://")) and not Path(db).is_file():
        raise click.ClickException(f"[E604] {E604.format(path=db)}")


@contextmanager
def _open_store(ctx: click.Context, read_only: bool = False) -> Iterator[Any]:
    from conflictlog.store import open_store

    if read_only:
        refuse_missing_db(ctx.obj["db"])
    with _errors_as_messages():
        store = open_store(ctx.obj["db"])
        try:
            yield store
        finally:
            store.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="CONFLICTLOG_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Database: a SQLite file, or a PostgreSQL URL (postgresql://USER@HOST/DB, PostGIS installed). Also set by "
         "CONFLICTLOG_DB. Created by ingest; read-only commands need it to exist.",
)
@click.option("--outlets", "outlets", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Outlet registry file (TOML, like data/outlets.toml) that adds to or overrides the starter one; "
                   "repeatable. Also set by CONFLICTLOG_OUTLETS.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
@click.version_option(__version__, prog_name="conflictlog")
@click.pass_context
def cli(ctx: click.Context, db: str, outlets: tuple[str, ...], verbose: int) -> None:
    """conflictlog: news articles in, geocoded and source-attributed conflict events out."""
    _setup_logging(verbose)
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    if outlets:  # the environment carries the registry to ingest workers and the server as well
        import os

        from conflictlog.outlets import ENV_VAR, registry

        os.environ[ENV_VAR] = os.pathsep.join(outlets)
        with _errors_as_messages():
            registry()


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Stop at the first bad document instead of reporting and going on.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr (only on a terminal).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes that parse and extract (one per core speeds up large folders and feeds).")
@click.option("--cluster", metavar="tcp://HOST:PORT|local:N",
              help="Parse and extract on a Dask cluster: a scheduler's address, or local:N to start N worker "
                   "processes here; this process cleans and stores.")
@click.option("--follow-links", is_flag=True,
              help="Read links inside folders that point to files outside them (refused by default, E108).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], strict: bool, progress: bool, workers: int,
           cluster: str | None, follow_links: bool) -> None:
    """Ingest articles: files, folders or globs of .html/.htm, .md, .txt, and .jsonl/.csv feeds.

    Exit status 1 when any document failed (each is listed on stderr with its E-code), 0 otherwise."""
    from conflictlog.pipeline import ingest_paths

    if cluster is not None and workers > 1:
        raise click.UsageError("--workers and --cluster exclude each other (a cluster's workers do the parsing)")
    with _errors_as_messages():
        if cluster is not None:
            from conflictlog.cluster import parse_cluster

            parse_cluster(cluster)  # a bad spec fails before the database is opened
    with _open_store(ctx) as store, _errors_as_messages():
        report = ingest_paths(list(paths), store, strict=strict, progress=progress, workers=workers,
                              follow_links=follow_links, cluster=cluster)
    counts = report.counts
    click.echo(
        f"ingest: {counts.get('docs.read', 0)} documents read, {counts.get('articles.stored', 0)} articles stored, "
        f"{counts.get('docs.duplicate', 0)} already stored, {counts.get('docs.failed', 0)} failed; "
        f"{counts.get('events.created', 0)} events created, {counts.get('events.updated', 0)} updated "
        f"({ctx.obj['db']})"
        + (f"; {counts['docs.capped']} too long to code whole (see the log)" if counts.get("docs.capped") else ""),
        err=True,
    )
    for failure in report.failures:
        click.echo(f"  failed {failure.message}", err=True)
    if report.failures:
        ctx.exit(1)


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--once", is_flag=True, help="One pass over the sources, then exit.")
@click.option("--interval", type=click.FloatRange(1), default=300.0, show_default=True,
              help="Seconds between passes.")
@click.option("--timeout", type=click.FloatRange(0.1), default=15.0, show_default=True,
              help="Seconds one HTTP request may take.")
@click.option("--host-interval", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Least seconds between two requests to one host.")
@click.option("--status", is_flag=True, help="Print each watched source's last fetch, items and errors, and exit.")
@click.pass_context
def watch(ctx: click.Context, sources: tuple[str, ...], once: bool, interval: float, timeout: float,
          host_interval: float, status: bool) -> None:
    """Follow RSS/Atom feeds, sitemaps (URLs or files) and folders, ingesting what is new in them.

    What was seen is kept in the database, so a restart ingests nothing twice. Logs go to stderr (-v for one
    line per source and pass)."""
    from conflictlog.ingest.watch import WatchSettings, watch_once
    from conflictlog.ingest.watch import watch as watch_loop

    if status:
        with _open_store(ctx, read_only=True) as store, _errors_as_messages():
            rows = store.watch_status()
        click.echo("source\tlast_fetch\tstatus\titems\terrors\tlast_error")
        for row in rows:
            click.echo("\t".join("" if row[name] is None else str(row[name]) for name in
                                 ("source", "last_fetch", "last_status", "items", "errors", "last_error")))
        return
    if not sources:
        raise click.UsageError("give at least one feed, sitemap or folder to watch (or --status)")
    settings = WatchSettings(timeout_s=timeout, host_interval_s=host_interval)
    with _open_store(ctx) as store, _errors_as_messages():
        if once:
            report = watch_once(list(sources), store, settings=settings)
            counts = report.counts
            errors = [p for p in report.passes if p.error]
            click.echo(f"watch: {len(report.passes)} sources, {len(errors)} failed; "
                       f"{counts.get('articles.stored', 0)} articles stored, "
                       f"{counts.get('events.created', 0)} events created, {counts.get('events.updated', 0)} updated",
                       err=True)
            for failed in errors:
                click.echo(f"  failed {failed.error}", err=True)
            if errors:
                ctx.exit(1)
        else:
            try:
                watch_loop(list(sources), store, interval_s=interval, settings=settings)
            except KeyboardInterrupt:
                logger.info("watch stopped")


def _filter_options(func: Any) -> Any:
    """The event filters shared by `events` and `export`."""
    options = [
        click.option("--country", help="Country name, e.g. Syria."),
        click.option("--admin1", help="First-level admin area, e.g. Deir ez-Zor."),
        click.option("--type", "event_type", help="ACLED event type, e.g. Battles."),
        click.option("--sub-type", "sub_event_type", help="ACLED sub-event type, e.g. Armed clash."),
        click.option("--actor", help="Substring of any actor name."),
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Earliest event date (YYYY-MM-DD)."),
        click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Latest event date (YYYY-MM-DD)."),
        click.option("--min-fatalities", type=click.IntRange(0, SQL_MAX_INT), help="At least this many fatalities."),
        click.option("--certainty", multiple=True, type=click.Choice(["reported", "claimed", "unverified"])),
        click.option("--hide-historical", is_flag=True, help="Leave out events the articles mention from the past."),
        click.option("--hide-unverified", is_flag=True, help="Leave out unverified (rumoured) events."),
        click.option("--stored-since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
                     help="Only events stored or updated since this time (UTC)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _event_filter(**kwargs: Any) -> Any:
    from conflictlog.store.base import EventFilter

    def day(value: Any) -> date | None:
        return value.date() if value is not None else None

    return EventFilter(
        country=kwargs.get("country"),
        admin1=kwargs.get("admin1"),
        event_type=kwargs.get("event_type"),
        sub_event_type=kwargs.get("sub_event_type"),
        actor=kwargs.get("actor"),
        since=day(kwargs.get("since")),
        until=day(kwargs.get("until")),
        min_fatalities=kwargs.get("min_fatalities"),
        certainty=tuple(kwargs.get("certainty") or ()),
        hide_historical=bool(kwargs.get("hide_historical")),
        hide_unverified=bool(kwargs.get("hide_unverified")),
        stored_since=kwargs.get("stored_since"),
    )


def _print_table(events: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in ("event_id", "date", "type / sub-type", "actors", "place", "fat.", "certainty"):
        table.add_column(column)
    for event in events:
        actors = " vs ".join(a for a in (event.actor1, event.actor2) if a)
        place = ", ".join(p for p in (event.location, event.admin1, event.country) if p)
        flags = event.certainty.value + (" · historical" if event.historical else "")
        table.add_row(
            event.event_id,
            event.event_date.isoformat(),
            f"{event.event_type} / {event.sub_event_type}",
            actors,
            place,
            str(event.fatalities),
            flags,
        )
    Console(soft_wrap=False, width=max(160, Console().width)).print(table)


@cli.command()
@_filter_options
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(0, SQL_MAX_INT), default=None, help="At most this many events.")
@click.option("--exact-total", is_flag=True,
              help="Table: count every matching event (otherwise counting stops where GET /events stops).")
@click.pass_context
def events(ctx: click.Context, fmt: str, limit: int | None, exact_total: bool, **filters: Any) -> None:
    """List stored events, newest first, with filters."""
    from conflictlog.export import export_events
    from conflictlog.store.base import COUNT_LIMIT

    flt = _event_filter(**filters)
    with _open_store(ctx, read_only=True) as store, _errors_as_messages():
        found = store.query_events(flt, limit=limit)
        if fmt == "table":
            _print_table(found)
            total = store.count_events(flt, limit=None if exact_total else COUNT_LIMIT + 1)
            counted = f"{total}" if exact_total or total <= COUNT_LIMIT else f"more than {COUNT_LIMIT:,}"
            click.echo(f"{len(found)} of {counted} events", err=True)
        else:
            export_events(found, "acled-csv" if fmt == "csv" else fmt, sys.stdout)


@cli.command()
@click.argument("event_id")
@click.pass_context
def show(ctx: click.Context, event_id: str) -> None:
    """One event with its evidence: articles, outlets, sentences, offsets, who claims it."""
    from conflictlog.export import event_to_row

    with _open_store(ctx, read_only=True) as store, _errors_as_messages():
        event = store.get_event(event_id)
        row = event_to_row(event)
        row["merge_decisions"] = store.merge_decisions(event_id)
    click.echo(json.dumps(row, indent=2, ensure_ascii=False, default=str))


@cli.command()
@_filter_options
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default stdout; parquet needs a file).")
@click.option("--include-historical", is_flag=True,
              help="acled-csv: also write events an article mentions from the past (tagged 'historical').")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, include_historical: bool, **filters: Any) -> None:
    """Export events as JSONL, ACLED-style CSV (ACLED's 31 columns), GeoJSON or Parquet (GeoParquet)."""
    from conflictlog.export import export_events

    if fmt == "parquet" and output is None:
        raise click.UsageError("parquet export needs -o FILE")
    flt = _event_filter(**filters)
    with _open_store(ctx, read_only=True) as store, _errors_as_messages():
        n = export_events(store.iter_events(flt), fmt, output if output is not None else sys.stdout,
                          include_historical=True if include_historical else None)
    click.echo(f"export: {n} events ({fmt})" + (f" -> {output}" if output else ""), err=True)


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--published", type=click.DateTime(["%Y-%m-%d"]), help="Override the publication date.")
def explain(path: Path, published: Any) -> None:
    """Show the events one article yields, with their evidence, without storing anything."""
    from conflictlog.clean import clean_document
    from conflictlog.ingest import read_paths
    from conflictlog.pipeline import explain_article, with_published
    from conflictlog.records import Failure

    with _errors_as_messages():
        for raw in read_paths([path]):
            if isinstance(raw, Failure):
                raise click.ClickException(raw.message)
            article = clean_document(raw)
            if published is not None:
                article = with_published(article, published.date())
            click.echo(
                f"# {article.title or article.source} | outlet={article.outlet} original={article.original_outlet} "
                f"published={article.published}",
                err=True,
            )
            trace: list[Any] = []
            events = explain_article(article, trace=trace)
            for decision in trace:
                where = "article" if decision.sentence_index < 0 else f"sentence {decision.sentence_index}"
                verdict = "kept" if decision.kept else "dropped"
                snippet = " ".join(decision.sentence.split())[:100]
                click.echo(f"# {where}: {verdict}: {decision.reason}" + (f" | {snippet}" if snippet else ""),
                           err=True)
            for resolved in events:
                m = resolved.mention
                place = resolved.place
                click.echo(
                    json.dumps(
                        {
                            "event_type": m.event_type,
                            "sub_event_type": m.sub_event_type,
                            "actor1": resolved.actor1,
                            "actor2": resolved.actor2,
                            "assoc_actor_1": list(resolved.assoc_actor_1),
                            "place": m.place.text if m.place else None,
                            "location": place.location if place else None,
                            "admin1": place.admin1 if place else None,
                            "country": place.country if place else None,
                            "geo_precision": int(place.geo_precision) if place else None,
                            "date": [m.date.start.isoformat(), m.date.end.isoformat(), int(m.date.precision)] if m.date else None,
                            "fatalities": m.fatalities,
                            "injured": m.injured,
                            "claimed_by": m.claimed_by,
                            "certainty": m.certainty.value,
                            "historical": m.historical,
                            "evidence": [e.text for e in m.evidence],
                        },
                        ensure_ascii=False,
                    )
                )


@cli.command()
@click.argument("event_id")
@click.pass_context
def unmerge(ctx: click.Context, event_id: str) -> None:
    """Split a merged event back into one event per report."""
    with _open_store(ctx) as store, _errors_as_messages():
        new_ids = store.unmerge(event_id)
    for new_id in new_ids:
        click.echo(new_id)


@cli.command("refresh-rows")
@click.option("--progress/--no-progress", default=True, help="Show a progress line on stderr.")
@click.pass_context
def refresh_rows(ctx: click.Context, progress: bool) -> None:
    """Rewrite the stored JSON rows of events written by another version of conflictlog (once after an upgrade
    that changed the row format), so GET /events and exports stop rebuilding them on every read."""
    from rich.console import Console
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    with _open_store(ctx) as store, _errors_as_messages():
        with Progress(TextColumn("{task.completed:,} rows rewritten"), TimeElapsedColumn(),
                      disable=not progress, console=Console(stderr=True)) as bar:
            task = bar.add_task("rows")
            written = store.refresh_rows(progress=lambda n: bar.advance(task, n))
    click.echo(f"{written} event rows rewritten", err=True)


@cli.command()
@click.option("--articles", "n_articles", type=int, default=300, show_default=True, help="Articles in the ingest corpus.")
@click.option("--merge-events", type=int, default=100_000, show_default=True, help="Synthetic events for the merge benchmark (0 skips).")
@click.option("--api-events", type=int, default=1_000_000, show_default=True, help="Synthetic events for the API latency benchmark (0 skips).")
@click.option("--api-db", "--store", "api_db", default=None,
              help="Database for the API latency benchmark, a SQLite file or a postgresql://... URL: filled with "
                   "--api-events synthetic events when empty, measured as it is when not (build a large one once "
                   "and reuse it). With a PostgreSQL URL the Dask ingest figures store into a new database on that server "
                   "(created and dropped by the benchmark).")
@click.option("--api-requests", type=click.IntRange(1), default=200, show_default=True,
              help="GET /events requests timed in the API latency benchmark.")
@click.option("--workers", type=click.IntRange(1, 64), multiple=True, default=(1, 2), show_default=True,
              help="Ingest worker processes to measure (repeatable).")
@click.option("--cluster-workers", type=click.IntRange(0, 64), multiple=True, default=(1, 2), show_default=True,
              help="Worker processes of a local Dask cluster to measure ingest with (repeatable; 0 skips).")
@click.option("--load-events", type=click.IntRange(0), multiple=True, default=(5000,), show_default=True,
              help="Events served in the load benchmark (repeatable, e.g. also 1000000; 0 skips).")
@click.option("--load-clients", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Concurrent clients in the load benchmark.")
@click.option("--load-seconds", type=click.FloatRange(0.5, 3600), default=10.0, show_default=True,
              help="How long the load benchmark runs for each setting.")
@click.option("--server-workers", type=click.IntRange(1, 64), multiple=True, default=(1, 2), show_default=True,
              help="Server processes to measure under load (repeatable).")
@click.option("--copies", type=int, default=200, show_default=True,
              help="Near-copies of the seed article to ingest against a bare parse of them (0 skips).")
@click.option("--gazetteer-lookups", type=int, default=2000, show_default=True,
              help="Village names to geocode for the gazetteer benchmark (0 skips).")
def bench(n_articles: int, merge_events: int, api_events: int, api_db: str | None, api_requests: int,
          workers: tuple[int, ...], cluster_workers: tuple[int, ...], load_events: tuple[int, ...],
          load_clients: int, load_seconds: float, server_workers: tuple[int, ...], copies: int,
          gazetteer_lookups: int) -> None:
    """Print throughput and memory figures: gazetteer load and lookups/s, ingest articles/s (worker processes and
    a local Dask cluster), merge time (a corpus; one incident of 1,000
    reports), near-copies against a bare parse, GET /events latency alone and under load (requests/s and
    p50/p95/p99 with concurrent clients while another process writes)."""
    from conflictlog.bench import run_benchmarks
    from conflictlog.store.postgres import is_postgres_url

    with _errors_as_messages():
        run_benchmarks(n_articles=n_articles, merge_events=merge_events, api_events=api_events, echo=click.echo,
                       api_db=api_db if api_db is None or is_postgres_url(api_db) else Path(api_db),
                       api_requests=api_requests, workers=workers,
                       cluster_workers=[n for n in cluster_workers if n > 0],
                       load_events=[n for n in load_events if n > 0], load_clients=load_clients,
                       load_seconds=load_seconds, server_workers=server_workers, copies=copies,
                       gazetteer_lookups=gazetteer_lookups)


def _register_optional_commands() -> None:
    """Commands that live beside their stage (evaluate, serve, gazetteer, alerts)."""
    from conflictlog.alerts.command import alerts
    from conflictlog.evaluate.command import evaluate
    from conflictlog.resolve.command import gazetteer
    from conflictlog.serve.command import serve

    cli.add_command(evaluate)
    cli.add_command(serve)
    cli.add_command(gazetteer)
    cli.add_command(alerts)


_register_optional_commands()


def main() -> None:
    """Entry point of the `conflictlog` command."""
    cli(obj={})
