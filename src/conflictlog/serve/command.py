"""`conflictlog serve`: the REST API and web map on the database given by the global --db option."""

from __future__ import annotations

import logging

import click

logger = logging.getLogger(__name__)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--token",
    envvar="CONFLICTLOG_TOKEN",
    default=None,
    help="Bearer token that POST /articles requires (default: CONFLICTLOG_TOKEN; without one, ingest is refused).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None) -> None:
    """Serve the REST API (/events, /docs) and the web map (/) over the database."""
    import uvicorn

    from conflictlog.serve.api import create_app

    db = (ctx.obj or {}).get("db") or "conflictlog.sqlite"
    if not token:  # without a token nothing can be ingested, so serving a database that is not there is a mistake
        from conflictlog.cli import refuse_missing_db

        refuse_missing_db(db)
    app = create_app(db, token=token)
    click.echo(f"conflictlog: serving {db} at http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@click.group()
@click.option("--db", envvar="CONFLICTLOG_DB", default="conflictlog.sqlite", show_default=True, help="Database file.")
@click.pass_context
def main(ctx: click.Context, db: str) -> None:
    """Standalone entry (`python -m conflictlog.serve.command --db FILE serve`), same as `conflictlog serve`."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


main.add_command(serve)

if __name__ == "__main__":
    main(obj={})
