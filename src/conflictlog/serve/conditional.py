"""Conditional and HEAD requests for the REST API: an ETag on every read of the database (304 when the client's
copy is current) and HEAD for every GET route, as an ASGI middleware in front of the application."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

READ_PREFIXES = ("/events", "/articles")


def database_version(db_path: Path | str) -> Callable[[], str | None]:
    """A function giving a text that changes whenever the database's events, their ids or its articles are
    written (the store's change counter, read through a read-only connection), or None without a database."""
    if isinstance(db_path, str) and db_path.startswith(("postgresql://", "postgres://")):
        return _postgres_version(db_path)
    db_path = Path(db_path)

    def version() -> str | None:
        try:
            inode = os.stat(db_path).st_ino
            conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = conn.execute("SELECT n FROM store_changes WHERE id = 1").fetchone()
            finally:
                conn.close()
        except (OSError, sqlite3.Error):
            return None
        return f"{inode}:{row[0]}" if row else None

    return version


def _postgres_version(url: str) -> Callable[[], str | None]:
    """database_version for a PostgreSQL store: its change counter, read through one connection kept open (and
    opened again after a failure), or None when the database cannot be read."""
    import psycopg

    held: list[psycopg.Connection] = []
    lock = threading.Lock()

    def version() -> str | None:
        with lock:
            try:
                if not held or held[0].closed:
                    held[:] = [psycopg.connect(url, autocommit=True, connect_timeout=5)]
                row = held[0].execute("SELECT n FROM store_changes WHERE id = 1").fetchone()
            except psycopg.Error:
                if held:
                    held.pop().close()
                return None
        return f"pg:{row[0]}" if row else None

    return version


def _matches(header: str, etag: str) -> bool:
    """True when an If-None-Match header names this ETag (or "*"); weak and strong forms compare alike."""
    wanted = etag.removeprefix("W/")
    for item in header.split(","):
        item = item.strip()
        if item == "*" or item.removeprefix("W/") == wanted:
            return True
    return False


class ConditionalGet:
    """ASGI middleware: GET and HEAD of database reads carry a weak ETag and `Cache-Control: no-cache`, and a
    request whose If-None-Match names the current ETag is answered 304 without reading the database; HEAD is
    answered as GET without the body."""

    def __init__(self, app: ASGIApp, version: Callable[[], str | None], prefixes: tuple[str, ...] = READ_PREFIXES) -> None:
        self.app = app
        self.version = version
        self.prefixes = prefixes

    def etag(self, scope: Scope) -> str | None:
        """The ETag of this read: the database's version, the path and the query string."""
        if not scope["path"].startswith(self.prefixes):
            return None
        version = self.version()
        if version is None:
            return None
        key = "\n".join((version, scope["path"], scope.get("query_string", b"").decode("latin-1")))
        return 'W/"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")
        etag = self.etag(scope)
        if etag is not None:
            for name, value in scope.get("headers", []):
                if name == b"if-none-match" and _matches(value.decode("latin-1"), etag):
                    await send({"type": "http.response.start", "status": 304,
                                "headers": [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]})
                    await send({"type": "http.response.body", "body": b""})
                    return

        async def conditional_send(message: Message) -> None:
            if message["type"] == "http.response.start" and etag is not None and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"etag", b"cache-control")]
                message = {**message, "headers": [*headers, (b"etag", etag.encode()), (b"cache-control", b"no-cache")]}
            elif message["type"] == "http.response.body" and head:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, conditional_send)
