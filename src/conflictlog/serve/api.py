"""REST API over the event database: events with filters and pagination, one event with its evidence,
GeoJSON and CSV downloads, articles, and ingest of one article by POST (with a bearer token).

Every error has one JSON shape: ``{"ok": false, "error": "...", "errors": [...], "status": N}``.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from conflictlog import __version__
from conflictlog.errors import E621, ConflictlogError, NotFound, StoreError
from conflictlog.export import EXPORTERS, event_to_row
from conflictlog.records import Article, Event, RunReport
from conflictlog.serve import schemas
from conflictlog.serve.conditional import ConditionalGet, database_version
from conflictlog.store.base import EventFilter, Store

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024 * 1024  # one article, with its HTML, fits well under 2 MB
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
COUNT_LIMIT = schemas.COUNT_LIMIT
EXPORT_PAGE = 2000  # events read per store round trip when streaming GeoJSON/CSV
IDLE_STORES = 8  # read connections kept open between requests
MAX_INT = 2**63 - 1  # the largest integer the database holds: counts and offsets past it are refused (422)
TOKEN_ENV = "CONFLICTLOG_TOKEN"
RETRY_AFTER_S = "5"  # what a 503 asks the client to wait before trying again
# Failures of these stages are the document's fault (unreadable, empty, not English): 422. Any other failure
# is the server's (database busy or broken, a bug): 503 with Retry-After.
CLIENT_STAGES = ("ingest", "clean")

E801 = ("bbox {value!r}: expected four numbers minlon,minlat,maxlon,maxlat within -180..180 and -90..90, "
        "minlat <= maxlat (minlon > maxlon is a box across the antimeridian)")
E802 = "certainty {value!r}: expected any of reported, claimed, unverified"
E803 = "request body is {size} bytes, larger than the {limit} byte limit"
E804 = "ingest is disabled: the server has no token (set {env})"
E805 = "missing or malformed Authorization header (expected 'Bearer TOKEN')"
E806 = "token refused"
E807 = "event {event_id!r} not found"
E808 = "article {article_id!r} not found"
E809 = "host {host!r} is not one this server answers (serve --allowed-host)"
E813 = "unknown query parameter {name!r} (this route takes: {allowed})"
E810 = "{name}={value!r} and {other}={other_value!r} ask for different things; give one"
E811 = "event_date {value!r}: expected YYYY-MM-DD or FIRST|LAST"
E812 = "iso {value}: no country has this ISO 3166-1 numeric code"

# Content-Security-Policy for every response: scripts, styles, images and requests from this server only, so
# nothing in an article's text can run even if it reached the page as markup.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI (vendored, served from /static) sets style attributes while rendering.
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
CERTAINTIES = ("reported", "claimed", "unverified")


def error_body(status: int, error: str, errors: list[str] | None = None) -> dict[str, Any]:
    """The one JSON error shape every route returns."""
    return {"ok": False, "error": error, "errors": list(errors or [error]), "status": status}


class ApiError(Exception):
    """An error answered with the JSON error shape and an HTTP status."""

    def __init__(
        self, status: int, error: str, errors: list[str] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = errors
        self.headers = headers


class BodySizeLimit:
    """ASGI middleware: refuse bodies over `max_bytes` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    size = 0
                if size > self.max_bytes:
                    await self._refuse(send, size)
                    return
        received = 0
        refused = False

        async def limited_receive() -> Message:
            # Over the limit: answer 413 at once and tell the app the client went away, so it stops reading.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    await self._refuse(send, received)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # the 413 has gone out; whatever the app answers after it is dropped
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _refuse(self, send: Send, size: int) -> None:
        response = JSONResponse(error_body(413, E803.format(size=size, limit=self.max_bytes)), status_code=413)
        await response({"type": "http"}, _no_receive, send)


class HostAllowList:
    """ASGI middleware: answer only requests whose Host header names an allowed host (400 otherwise), so a page
    on another site cannot reach the server through DNS rebinding. '*' allows any host."""

    def __init__(self, app: ASGIApp, hosts: Sequence[str]) -> None:
        self.app = app
        self.hosts = {h.strip().lower().strip("[]") for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "*" not in self.hosts:
            value = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
            host = value.rsplit(":", 1)[0] if value.count(":") == 1 or "]:" in value else value
            if host.lower().strip("[]") not in self.hosts:
                response = JSONResponse(error_body(400, E809.format(host=value)), status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


class ErrorBody(BaseModel):
    """The JSON body of every error response."""

    ok: bool = False
    error: str = Field(description="What went wrong, with its E-code where it has one.")
    errors: list[str] = Field(description="Every problem found (one per invalid parameter or failed document).")
    status: int = Field(description="The HTTP status, repeated.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (401, "No bearer token given"),
        (403, "Token refused, or ingest disabled"),
        (404, "No such event, article or route"),
        (413, "Request body over the size limit"),
        (422, "Invalid parameters or body"),
        (500, "Server error"),
        (503, "Database busy or unavailable; try again after Retry-After seconds"),
    )
}


class ArticleIn(BaseModel):
    """One article to ingest, as a feed record: metadata plus `text` or `html`."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=4096, description="The article's URL, stored unchanged.")
    title: str | None = Field(default=None, max_length=2000)
    published: str | None = Field(default=None, max_length=100, description="Publication date, e.g. 2019-02-12.")
    outlet: str | None = Field(default=None, max_length=500)
    author: str | None = Field(default=None, max_length=500)
    text: str | None = Field(default=None, description="Plain article text.")
    html: str | None = Field(default=None, description="The article page as HTML (boilerplate is removed).")

    @model_validator(mode="after")
    def _needs_text_or_html(self) -> ArticleIn:
        if not (self.text and self.text.strip()) and not (self.html and self.html.strip()):
            raise ValueError("one of 'text' or 'html' is required")
        return self


class SubscriptionIn(BaseModel):
    """A new alert subscription: the rules an event must meet (each optional) and where to send it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    bbox: list[float] | None = Field(default=None, min_length=4, max_length=4,
                                     description="minlon, minlat, maxlon, maxlat (minlon > maxlon crosses 180°).")
    polygon: dict[str, Any] | None = Field(default=None, description="A GeoJSON Polygon or MultiPolygon geometry.")
    countries: list[str] = Field(default_factory=list, max_length=300)
    actors: list[str] = Field(default_factory=list, max_length=100,
                              description="Case-insensitive parts of actor names; any may match.")
    event_types: list[str] = Field(default_factory=list, max_length=100,
                                   description="ACLED event or sub-event types; any may match.")
    min_fatalities: int | None = Field(default=None, ge=0, le=MAX_INT)
    certainty: list[str] = Field(default_factory=list, description="Any of reported, claimed, unverified.")
    webhook_url: str | None = Field(default=None, max_length=4096,
                                    description="http(s) URL each alert is POSTed to; without one, a feed only.")
    secret: str | None = Field(default=None, min_length=1, max_length=500,
                               description="Key of the X-Conflictlog-Signature header (sha256=HMAC of the body).")


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """Parse `minlon,minlat,maxlon,maxlat`; minlon > maxlon is a box across the antimeridian. Raises ApiError
    (422) when it is not four numbers in range with minlat <= maxlat."""
    if value is None or value == "":
        return None
    parts = value.split(",")
    try:
        numbers = tuple(float(part) for part in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4:
        raise ApiError(422, E801.format(value=value))
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ApiError(422, E801.format(value=value))
    return (min_lon, min_lat, max_lon, max_lat)


def parse_certainty(values: list[str] | None) -> tuple[str, ...]:
    """Certainty values from repeated and/or comma-separated parameters; raises ApiError (422) on unknown ones."""
    found: list[str] = []
    for value in values or []:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if part not in CERTAINTIES:
                raise ApiError(422, E802.format(value=part))
            if part not in found:
                found.append(part)
    return tuple(found)


def _event_filter(
    country: Annotated[str | None, Query(description="Country name, e.g. Syria.")] = None,
    admin1: Annotated[str | None, Query(description="First-level admin area, e.g. Deir ez-Zor.")] = None,
    type: Annotated[str | None, Query(description="ACLED event type, e.g. Battles.")] = None,  # noqa: A002
    sub_type: Annotated[str | None, Query(description="ACLED sub-event type, e.g. Armed clash.")] = None,
    actor: Annotated[str | None, Query(description="Case-insensitive substring of any actor.")] = None,
    since: Annotated[date | None, Query(description="Earliest event date, YYYY-MM-DD.")] = None,
    until: Annotated[date | None, Query(description="Latest event date, YYYY-MM-DD.")] = None,
    min_fatalities: Annotated[int | None, Query(ge=0, le=MAX_INT, description="At least this many fatalities.")] = None,
    certainty: Annotated[list[str] | None, Query(description="reported, claimed, unverified (repeat or comma-join).")] = None,
    hide_historical: Annotated[bool, Query(description="Leave out events mentioned from the past.")] = False,
    hide_unverified: Annotated[bool, Query(description="Leave out unverified (rumoured) events.")] = False,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    event_type: Annotated[str | None, Query(description="ACLED's name for `type`.")] = None,
    sub_event_type: Annotated[str | None, Query(description="ACLED's name for `sub_type`.")] = None,
    event_date: Annotated[str | None, Query(description="ACLED's day filter: YYYY-MM-DD, or FIRST|LAST for a range.")] = None,
    year: Annotated[int | None, Query(ge=1, le=9999, description="Events of this year.")] = None,
    iso: Annotated[int | None, Query(ge=0, le=999, description="Country by ISO 3166-1 numeric code (ACLED's `iso`).")] = None,
    stored_since: Annotated[datetime | None, Query(
        description="Only events stored or updated at or after this time (ISO 8601; UTC when no zone is given).")] = None,
) -> EventFilter:
    since, until = acled_dates(since, until, event_date, year)
    return EventFilter(
        country=one_of("country", country, "iso", country_of_iso(iso)),
        admin1=admin1 or None,
        event_type=one_of("type", type, "event_type", event_type),
        sub_event_type=one_of("sub_type", sub_type, "sub_event_type", sub_event_type),
        actor=actor or None,
        since=since,
        until=until,
        min_fatalities=min_fatalities,
        certainty=parse_certainty(certainty),
        hide_historical=hide_historical,
        hide_unverified=hide_unverified,
        bbox=parse_bbox(bbox),
        stored_since=stored_since,
    )


Filter = Annotated[EventFilter, Depends(_event_filter)]


def one_of(name: str, value: str | None, other: str, other_value: str | None) -> str | None:
    """The value of a filter given by either of its names; raises ApiError (422) when both differ."""
    if value and other_value and value.casefold() != other_value.casefold():
        raise ApiError(422, E810.format(name=name, value=value, other=other, other_value=other_value))
    return value or other_value or None


def country_of_iso(iso: int | None) -> str | None:
    """The country an ISO 3166-1 numeric code names; raises ApiError (422) for a code no country has."""
    if iso is None:
        return None
    from conflictlog.export.acled import load_acled_tables

    for name, (number, _region) in load_acled_tables().countries.items():
        if number == iso:
            return name
    raise ApiError(422, E812.format(value=iso))


def acled_dates(since: date | None, until: date | None, event_date: str | None,
                year: int | None) -> tuple[date | None, date | None]:
    """The date range of `since`/`until` narrowed by ACLED's `event_date` (a day or FIRST|LAST) and `year`."""
    if event_date:
        parts = event_date.split("|")
        try:
            first, last = (date.fromisoformat(parts[0]), date.fromisoformat(parts[-1]))
        except ValueError:
            first = last = None
        if len(parts) > 2 or first is None or last is None or first > last:
            raise ApiError(422, E811.format(value=event_date))
        since, until = max(filter(None, (since, first))), min(filter(None, (until, last)))
    if year is not None:
        since = max(filter(None, (since, date(year, 1, 1))))
        until = min(filter(None, (until, date(year, 12, 31))))
    return since, until


def reject_unknown_parameters(request: Request) -> None:
    """Refuse (422) a query parameter the route does not take, naming it and the ones it takes; routes outside
    the API (the web map, which keeps its filters in its own URL) are left alone."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.include_in_schema:
        return
    allowed = _query_names(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in allowed]
    if unknown:
        names = ", ".join(sorted(allowed)) or "none"
        messages = [E813.format(name=name, allowed=names) for name in unknown]
        raise ApiError(422, messages[0], messages)


def _query_names(route: APIRoute) -> frozenset[str]:
    """Every query parameter name the route and its dependencies take (kept on the route after the first call)."""
    names: frozenset[str] | None = getattr(route, "_conflictlog_query_names", None)
    if names is None:

        def walk(dependant: Dependant) -> Iterator[str]:
            yield from (param.alias for param in dependant.query_params)
            for sub in dependant.dependencies:
                yield from walk(sub)

        names = frozenset(walk(route.dependant))
        route._conflictlog_query_names = names  # type: ignore[attr-defined]
    return names


def article_to_dict(article: Article) -> dict[str, Any]:
    """An article as JSON: metadata and cleaned text."""
    return {
        "article_id": article.article_id,
        "source": article.source,
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        "original_outlet": article.original_outlet,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "published_raw": article.published_raw,
        "language": article.language,
        "text": article.text,
    }


def report_to_dict(report: RunReport) -> dict[str, Any]:
    """What one ingest run did, as JSON."""
    return {
        "run_id": report.run_id,
        "counts": dict(report.counts),
        "failures": [
            {"source": f.source, "stage": f.stage, "code": f.code, "message": f.message} for f in report.failures
        ],
    }


class CsvResponse(StreamingResponse):
    """A streamed CSV download (its media type documents the route in OpenAPI)."""

    media_type = "text/csv"


class AtomResponse(Response):
    """An Atom feed (its media type documents the route in OpenAPI)."""

    media_type = "application/atom+xml"


class GeoJsonResponse(StreamingResponse):
    """A streamed GeoJSON download (its media type documents the route in OpenAPI)."""

    media_type = "application/geo+json"


class _ChunkSink:
    """A write-only text stream that collects what an exporter writes, to be yielded in chunks."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        return None

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts = []
        return text


def create_app(
    db_path: str | Path,
    token: str | None = None,
    *,
    store_factory: Callable[[], Store] | None = None,
    allowed_hosts: Sequence[str] | None = None,
    deliver_alerts: bool = False,
) -> FastAPI:
    """The conflictlog web application: REST API, OpenAPI docs at /docs, and the web map at /.

    `token` (else the CONFLICTLOG_TOKEN environment variable) guards POST /articles; without one, ingest is
    refused. `store_factory` opens a store per request (default: `open_store(db_path)`). `allowed_hosts`, when
    given, are the only Host headers answered (see HostAllowList). `deliver_alerts` sends queued alerts from a
    background thread while the app runs (`conflictlog serve` does).
    """
    from conflictlog.store.postgres import display_url, is_postgres_url

    db_path = db_path if is_postgres_url(db_path) else Path(db_path)
    ingest_token = token if token is not None else os.environ.get(TOKEN_ENV) or None

    reuse = store_factory is None
    if store_factory is None:

        def store_factory() -> Store:
            from conflictlog.store import open_store

            return open_store(db_path)

    factory = store_factory
    idle: list[Store] = []  # open read connections of the default store, waiting for the next request
    idle_lock = threading.Lock()

    @contextmanager
    def opened(write: bool = False) -> Iterator[Store]:
        # Reads reuse an idle connection of the default store (opening one reads the whole schema, a third of
        # a page's time); a write gets its own, so its merge caches start from what is stored now. A store is
        # used by one request at a time and holds its own lock, so it may serve the next request's thread.
        store = None
        if reuse and not write:
            with idle_lock:
                store = idle.pop() if idle else None
        store = store or factory()
        try:
            yield store
        except BaseException:
            store.close()
            raise
        if reuse and not write:
            with idle_lock:
                if len(idle) < IDLE_STORES:
                    idle.append(store)
                    return
        store.close()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        dispatcher = None
        if deliver_alerts:
            from conflictlog.alerts import Dispatcher

            dispatcher = Dispatcher(factory)
            dispatcher.start()
        yield
        if dispatcher is not None:
            dispatcher.stop()
        with idle_lock:
            while idle:
                idle.pop().close()

    app = FastAPI(
        lifespan=lifespan,
        title="conflictlog",
        version=__version__,
        description="Geocoded, source-attributed conflict events extracted from news articles.",
        docs_url=None,  # served by serve.web from vendored Swagger UI, so /docs works offline
        redoc_url=None,
        responses=ERROR_RESPONSES,
        dependencies=[Depends(reject_unknown_parameters)],
    )
    app.state.db_path = db_path

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        if exc.status == 422:  # an unknown query parameter on POST /articles: the token is still checked first
            refused = await token_first(request)
            if refused is not None:
                return refused
        return JSONResponse(
            error_body(exc.status, exc.error, exc.errors), status_code=exc.status, headers=exc.headers
        )

    async def token_first(request: Request) -> JSONResponse | None:
        # A body that is not even JSON fails before any dependency runs: the token is still checked first.
        if guarded(request.method, request.url.path):
            try:
                _check_token(ingest_token, request.headers.get("authorization"))
            except ApiError as err:
                return await _api_error(request, err)
        return None

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        refused = await token_first(request) if exc.status_code == 400 else None
        if refused is not None:
            return refused
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such route: {request.method} {request.url.path}"
        return JSONResponse(error_body(exc.status_code, message), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        refused = await token_first(request)
        if refused is not None:
            return refused
        errors = []
        for item in exc.errors():
            where = ".".join(str(part) for part in item.get("loc", ()))
            errors.append(f"{where}: {item.get('msg', 'invalid')}")
        return JSONResponse(error_body(422, "invalid request", errors), status_code=422)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse(error_body(404, str(exc)), status_code=404)

    def public(message: str) -> str:
        # Error bodies name the database, never where it lies on the server.
        names = (db_path, display_url(db_path)) if isinstance(db_path, str) else (str(db_path.resolve()), str(db_path))
        for path in names:
            message = message.replace(path, "database")
        return message

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        logger.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(error_body(503, public(str(exc))), status_code=503, headers={"Retry-After": RETRY_AFTER_S})

    @app.exception_handler(ConflictlogError)
    async def _conflictlog_error(request: Request, exc: ConflictlogError) -> JSONResponse:
        logger.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(error_body(500, public(str(exc))), status_code=500)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse(error_body(500, "internal error"), status_code=500)

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Callable[[Request], Any]) -> Any:
        response = await call_next(request)
        docs = request.url.path == "/docs"
        response.headers.setdefault("Content-Security-Policy", CSP_DOCS if docs else CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/events", tags=["events"], summary="Events matching the filters, newest first, paginated",
             response_model=None, responses={200: {"model": schemas.EventsPage, "description": "A page of events"}})
    def list_events(
        flt: Filter,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
        exact_total: Annotated[bool, Query(description=(
            f"Count every matching event. By default counting stops at {COUNT_LIMIT:,}, which keeps a page of a "
            "large database fast."))] = False,
    ) -> Response:
        """`{"ok": true, "total", "total_exact", "limit", "offset", "events": [...]}` with ACLED-named event rows."""
        with opened() as store:
            total = store.count_events(flt, limit=None if exact_total else COUNT_LIMIT + 1)
            rows = store.query_event_json(flt, limit=limit, offset=offset)
        total_exact = exact_total or total <= COUNT_LIMIT
        # Each event's JSON row is stored with the event: the page is those rows joined, not decoded events
        # encoded again (FastAPI's generic encoder alone took two thirds of the request's time).
        head = json.dumps({"ok": True, "total": total if total_exact else COUNT_LIMIT, "total_exact": total_exact,
                           "limit": limit, "offset": offset}, separators=(",", ":"))
        return Response(head[:-1] + ',"events":[' + ",".join(rows) + "]}", media_type="application/json")

    def _stream(flt: EventFilter, fmt: str, limit: int | None) -> Iterator[str]:
        # The first page is read before the response starts, so a filter the database cannot run answers with
        # its error status instead of a 200 cut short.
        asked = EXPORT_PAGE if limit is None else min(EXPORT_PAGE, limit)
        with opened() as store:
            found = store.query_events(flt, limit=asked, offset=0)
        return _pages(flt, fmt, limit, asked, found)

    def _pages(flt: EventFilter, fmt: str, limit: int | None, asked: int, found: list[Event]) -> Iterator[str]:
        sink = _ChunkSink()
        exporter = EXPORTERS[fmt](sink)
        exporter.start()
        offset = 0
        while True:
            for event in found:
                exporter.write(event)
            offset += len(found)
            chunk = sink.take()
            if chunk:
                yield chunk
            page = EXPORT_PAGE if limit is None else min(EXPORT_PAGE, limit - offset)
            if len(found) < asked or page <= 0:
                break
            asked = page
            with opened() as store:
                found = store.query_events(flt, limit=page, offset=offset)
        exporter.finish()
        yield sink.take()

    @app.get("/events.geojson", tags=["events"], summary="Matching events as a GeoJSON FeatureCollection",
             response_class=GeoJsonResponse, responses={200: {"description": "RFC 7946 FeatureCollection", "content": {
                 GeoJsonResponse.media_type: {"schema": {"type": "object", "properties": {
                     "type": {"type": "string", "enum": ["FeatureCollection"]}, "schema_version": {"type": "string"},
                     "features": {"type": "array", "items": {"type": "object"}}}}}}}})
    def events_geojson(
        flt: Filter,
        limit: Annotated[int | None, Query(ge=1, le=MAX_INT, description="At most this many events.")] = None,
    ) -> StreamingResponse:
        """Streamed GeoJSON (lon/lat), one Feature per event with the event row as properties."""
        return StreamingResponse(_stream(flt, "geojson", limit), media_type="application/geo+json")

    @app.get("/events.csv", tags=["events"], summary="Matching events as ACLED-style CSV",
             response_class=CsvResponse, responses={200: {"description": "ACLED's 31 columns, RFC 4180", "content": {
                 CsvResponse.media_type: {"schema": {"type": "string"}}}}})
    def events_csv(
        flt: Filter,
        limit: Annotated[int | None, Query(ge=1, le=MAX_INT, description="At most this many events.")] = None,
    ) -> StreamingResponse:
        """Streamed CSV with ACLED's columns in ACLED's order."""
        return StreamingResponse(
            _stream(flt, "acled-csv", limit),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="conflictlog-events.csv"'},
        )

    @app.get("/events/{event_id}", tags=["events"], summary="One event with sources, claims, evidence, merges",
             response_model=None, responses={200: {"model": schemas.EventAnswer, "description": "The event"}})
    def get_event(event_id: str) -> JSONResponse:
        """`{"ok": true, "event": {...row, "merge_decisions": [...]}}`; 404 when unknown."""
        with opened() as store:
            try:
                event = store.get_event(event_id)
            except NotFound as err:
                raise ApiError(404, E807.format(event_id=event_id)) from err
            decisions = store.merge_decisions(event_id)
        row = event_to_row(event)
        row["merge_decisions"] = jsonable_encoder(decisions)
        return JSONResponse({"ok": True, "event": row})

    @app.get("/articles/{article_id}", tags=["articles"], summary="One stored article with its text")
    def get_article(article_id: str) -> dict[str, Any]:
        """`{"ok": true, "article": {...}}`; 404 when unknown."""
        with opened() as store:
            try:
                article = store.get_article(article_id)
            except NotFound as err:
                raise ApiError(404, E808.format(article_id=article_id)) from err
        return {"ok": True, "article": article_to_dict(article)}

    @app.get("/outlets", tags=["outlets"], response_model=schemas.OutletList,
             summary="The outlet registry in force: kinds, scales, domains, republishing relations")
    def list_outlets() -> dict[str, Any]:
        """`{"ok": true, "outlets": [...]}`, by name (data/outlets.toml and the user's registry files)."""
        from conflictlog.outlets import registry

        outlets = sorted(registry().outlets.values(), key=lambda o: o.name.casefold())
        return {"ok": True, "outlets": [
            {"name": o.name, "kind": o.kind, "scale": o.scale, "country": o.country, "language": o.language,
             "domains": list(o.domains), "aliases": list(o.aliases), "republishes": list(o.republishes)}
            for o in outlets]}

    def authorised(authorization: Annotated[str | None, Header()] = None) -> None:
        # A dependency, so the token is checked before the body is read and validated.
        _check_token(ingest_token, authorization)

    # One writer at a time in this server; writers in other processes are waited for by the store.
    write_queue = threading.Lock()

    @app.post(
        "/articles",
        tags=["articles"],
        status_code=201,
        summary="Ingest one article (needs `Authorization: Bearer $CONFLICTLOG_TOKEN`)",
        dependencies=[Depends(authorised)],
    )
    def post_article(article: Annotated[ArticleIn, Body()]) -> dict[str, Any]:
        """Run the pipeline on one article and store it with its events; returns the run report."""
        from conflictlog import pipeline

        record = {key: value for key, value in article.model_dump().items() if value is not None}
        with write_queue, opened(write=True) as store:
            report = pipeline.ingest_records([record], store, source="POST /articles")
        body = report_to_dict(report)
        if report.failures:
            messages = [public(f.message) for f in report.failures]
            if all(f.stage in CLIENT_STAGES for f in report.failures):
                raise ApiError(422, messages[0], messages)
            raise ApiError(503, messages[0], messages, headers={"Retry-After": RETRY_AFTER_S})
        return {"ok": True, **body}

    def subscription_answer(sub: Any) -> dict[str, Any]:
        return {"ok": True, "subscription": sub.public(), "feed": f"/subscriptions/{sub.subscription_id}/feed.atom"}

    @app.post("/subscriptions", tags=["alerts"], status_code=201, response_model=schemas.SubscriptionAnswer,
              summary="Subscribe to alerts (needs the bearer token)", dependencies=[Depends(authorised)])
    def post_subscription(body: Annotated[SubscriptionIn, Body()]) -> dict[str, Any]:
        """Store a subscription; events stored from now on that meet its rules are sent to its webhook."""
        from conflictlog.alerts import add_subscription, subscription_from

        try:
            sub = subscription_from(body.model_dump())
        except StoreError as err:
            raise ApiError(422, str(err)) from err
        with write_queue, opened(write=True) as store:
            try:
                sub = add_subscription(store, sub)
            except StoreError as err:
                if err.code != "E623":
                    raise
                raise ApiError(409, str(err)) from err
        return subscription_answer(sub)

    @app.get("/subscriptions", tags=["alerts"], response_model=schemas.SubscriptionList,
             summary="Every subscription (needs the bearer token)", dependencies=[Depends(authorised)])
    def list_subscriptions() -> dict[str, Any]:
        """`{"ok": true, "subscriptions": [...]}`, by name; secrets are never shown."""
        from conflictlog.alerts import list_subscriptions

        with opened() as store:
            return {"ok": True, "subscriptions": [sub.public() for sub in list_subscriptions(store)]}

    @app.get("/subscriptions/{subscription_id}", tags=["alerts"], response_model=schemas.SubscriptionAnswer,
             summary="One subscription (needs the bearer token)", dependencies=[Depends(authorised)])
    def get_subscription(subscription_id: str) -> dict[str, Any]:
        """The subscription; 404 when unknown."""
        from conflictlog.alerts import get_subscription

        with opened() as store:
            return subscription_answer(get_subscription(store, subscription_id))

    @app.delete("/subscriptions/{subscription_id}", tags=["alerts"], summary="Remove a subscription and its alerts "
                "(needs the bearer token)", dependencies=[Depends(authorised)])
    def delete_subscription(subscription_id: str) -> dict[str, Any]:
        """`{"ok": true, "removed": id}`; 404 when unknown."""
        from conflictlog.alerts import remove_subscription

        with write_queue, opened(write=True) as store:
            sub = remove_subscription(store, subscription_id)
        return {"ok": True, "removed": sub.subscription_id}

    @app.get("/subscriptions/{subscription_id}/feed.atom", tags=["alerts"], response_class=AtomResponse,
             summary="The subscription's matching events as an Atom 1.0 feed (the id is the key: no token)",
             responses={200: {"description": "Atom 1.0 (RFC 4287)", "content": {
                 AtomResponse.media_type: {"schema": {"type": "string"}}}}})
    def subscription_feed(subscription_id: str, request: Request,
                          limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT) -> Response:
        """One entry per matching event stored since the subscription began, at its latest version, newest first."""
        from conflictlog.alerts import atom_feed, get_subscription, queued_alerts

        with opened() as store:
            try:
                sub = get_subscription(store, subscription_id)
            except NotFound as err:
                raise ApiError(404, str(err)) from err
            if sub.subscription_id != subscription_id:  # a name is not the key to a feed
                raise ApiError(404, f"[E621] {E621.format(name=subscription_id)}")
            alerts = queued_alerts(store, sub.subscription_id, limit=limit)
        return Response(atom_feed(sub, alerts, str(request.base_url)), media_type=AtomResponse.media_type)

    from conflictlog.serve.web import add_web_routes

    add_web_routes(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    if allowed_hosts is not None:
        app.add_middleware(HostAllowList, hosts=allowed_hosts)
    app.add_middleware(ConditionalGet, version=database_version(db_path))
    return app


def guarded(method: str, path: str) -> bool:
    """True for the routes that need the bearer token: POST /articles and /subscriptions but their feeds."""
    if method == "POST" and path == "/articles":
        return True
    return (path == "/subscriptions" or path.startswith("/subscriptions/")) and not path.endswith("/feed.atom")


def _check_token(expected: str | None, authorization: str | None) -> None:
    """Refuse ingest: 403 when the server has no token or the token is wrong, 401 when none is given."""
    if not expected:
        raise ApiError(403, E804.format(env=TOKEN_ENV))
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, E805, headers={"WWW-Authenticate": "Bearer"})
    given = authorization[7:].strip()
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(403, E806)
