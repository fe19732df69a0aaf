"""`conflictlog serve`: the REST API and web map on the database given by the global --db option."""

from __future__ import annotations

import logging
import os
from typing import Any

import click

logger = logging.getLogger(__name__)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("0.0.0.0", "::", "")
# What worker processes read to build the app (uvicorn starts them from an import string, not an object).
_ENV_DB, _ENV_HOSTS = "CONFLICTLOG_SERVE_DB", "CONFLICTLOG_SERVE_ALLOWED_HOSTS"


def app_from_env() -> Any:
    """The app for one uvicorn worker process, from the settings `serve --workers N` put in the environment."""
    from conflictlog.serve.api import create_app

    hosts = os.environ.get(_ENV_HOSTS)
    return create_app(os.environ[_ENV_DB], allowed_hosts=hosts.split(",") if hosts else None, deliver_alerts=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option(
    "--token",
    envvar="CONFLICTLOG_TOKEN",
    default=None,
    help="Bearer token that POST /articles requires (default: CONFLICTLOG_TOKEN; without one, ingest is refused).",
)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (one per core serves more requests; they share the database).")
@click.option("--allowed-host", "allowed_hosts", multiple=True,
              help="Host header the server answers (repeatable; '*' for any). Default: the loopback names and "
                   "--host, which refuses DNS-rebinding pages; none when listening on every address.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None, workers: int,
          allowed_hosts: tuple[str, ...]) -> None:
    """Serve the REST API (/events, /docs) and the web map (/) over the database."""
    import uvicorn

    from conflictlog.serve.api import create_app

    db = (ctx.obj or {}).get("db") or "conflictlog.sqlite"
    if not token:  # without a token nothing can be ingested, so serving a database that is not there is a mistake
        from conflictlog.cli import refuse_missing_db

        refuse_missing_db(db)
    hosts = list(allowed_hosts) or (None if host in _ANY_ADDRESS else sorted({*LOOPBACK_HOSTS, host}))
    if hosts is None:
        logger.warning("serving on every address without --allowed-host: any Host header is answered")
    from conflictlog.store.postgres import display_url

    click.echo(f"conflictlog: serving {display_url(db)} at http://{host}:{port}/ (API docs at /docs)", err=True)
    if workers == 1:
        app = create_app(db, token=token, allowed_hosts=hosts, deliver_alerts=True)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    os.environ[_ENV_DB] = str(db)
    if hosts is not None:
        os.environ[_ENV_HOSTS] = ",".join(hosts)
    if token is not None:
        os.environ["CONFLICTLOG_TOKEN"] = token  # read by create_app in each worker
    uvicorn.run("conflictlog.serve.command:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", access_log=False)


@click.group()
@click.option("--db", envvar="CONFLICTLOG_DB", default="conflictlog.sqlite", show_default=True, help="Database file, or PostgreSQL URL.")
@click.pass_context
def main(ctx: click.Context, db: str) -> None:
    """Standalone entry (`python -m conflictlog.serve.command --db FILE serve`), same as `conflictlog serve`."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


main.add_command(serve)

if __name__ == "__main__":
    main(obj={})
