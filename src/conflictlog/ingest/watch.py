"""Follow RSS/Atom feeds, sitemaps and folders, and ingest what is new in them (`conflictlog watch`).

Each source is fetched in its own thread, so a dead feed or a slow host never stalls the others; the articles
they link to are ingested in the calling thread through the pipeline, one transaction per article. Fetching is
polite: conditional GETs (ETag, Last-Modified), one request at a time per host spaced by ``host_interval_s``,
timeouts, retries with backoff on 5xx and network errors, robots.txt obeyed, and a User-Agent that says who asks.
What was seen, and each feed's state, is kept in the store, so a restart fetches and ingests nothing twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from conflictlog import __version__
from conflictlog.errors import E110, E111, E112, ConflictlogError, IngestError

logger = logging.getLogger(__name__)

USER_AGENT = f"conflictlog/{__version__} (conflict event coder; follows news feeds, honours robots.txt)"
FOLDER_SUFFIXES = (".html", ".htm", ".md", ".txt", ".jsonl", ".csv")
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
ROBOTS_TTL_S = 24 * 3600.0  # a host's robots.txt is read again after a day
MAX_RETRY_AFTER_S = 120.0  # the longest Retry-After honoured; a longer one fails the request for this pass


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How politely and patiently sources are fetched."""

    timeout_s: float = 15.0  # one HTTP request (connect, each read)
    feed_timeout_s: float = 120.0  # one source's whole pass; no new page is fetched after half of it
    retries: int = 2
    backoff_s: float = 2.0  # first retry's wait; doubled for each further one
    host_interval_s: float = 1.0  # least time between two requests to one host
    max_items: int = 50  # new items taken from one source per pass
    max_bytes: int = 10 * 1024 * 1024
    workers: int = 8


@dataclass(frozen=True, slots=True)
class Item:
    """One new entry of a source: a key that identifies it across passes and what ingesting it needs."""

    key: str
    url: str | None
    record: dict[str, Any] | None = None  # a feed-style record (url, title, published, outlet, html|text)
    path: str | None = None  # a file of a watched folder
    outcome: str = "new"  # "new", or why it is seen without being ingested: robots, gone, empty, outside, too-large


@dataclass
class SourcePass:
    """What one pass over a source found: its status, new conditional-GET state, new items, errors."""

    source: str
    status: str = "ok"  # "ok", "partial" (some items wait for the next pass), "not-modified" or "error"
    etag: str | None = None
    last_modified: str | None = None
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    parsed: bool = False


@dataclass(frozen=True, slots=True)
class WatchReport:
    """One pass over all sources: per-source passes and the ingest counts of what they brought."""

    passes: tuple[SourcePass, ...]
    counts: dict[str, int]


class FetchError(IngestError):
    """A request failed after its retries (E110) or robots.txt forbids it (E111)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """An HTTP answer read whole (up to the size limit)."""

    status_code: int
    headers: dict[str, str]
    content: bytes
    encoding: str | None

    @property
    def text(self) -> str:
        """The body as text: by the charset the answer names, else as ingest decodes files (CleanError E201)."""
        if self.encoding:
            try:
                return self.content.decode(self.encoding, errors="replace")
            except LookupError:
                pass
        from conflictlog.ingest.encoding import decode_bytes

        return decode_bytes(self.content, "response")


class Fetcher:
    """A polite HTTP client shared by all source threads: per-host spacing, robots.txt, retries."""

    def __init__(self, settings: WatchSettings) -> None:
        import httpx

        self.settings = settings
        self._client = httpx.Client(timeout=settings.timeout_s, follow_redirects=True,
                                    headers={"User-Agent": USER_AGENT})
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._robots: dict[str, tuple[float, RobotFileParser]] = {}

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        """GET ``url`` (robots.txt allowing), retrying 5xx, 429 and network errors with backoff; raises FetchError."""
        if not self.allowed(url):
            raise FetchError(E111.format(url=url), code="E111")
        return self._get(url, headers or {})

    def allowed(self, url: str) -> bool:
        """True when the host's robots.txt lets conflictlog fetch ``url`` (no robots.txt allows everything)."""
        host = urlsplit(url).netloc
        with self._host_lock(host + "#robots"):
            read_at, parser = self._robots.get(host, (0.0, None))
            if parser is None or time.monotonic() - read_at > ROBOTS_TTL_S:
                parser = RobotFileParser()
                response = self._get(urljoin(url, "/robots.txt"), {})  # a host that cannot answer is asked again
                if response.status_code in (401, 403):
                    parser.disallow_all = True
                elif response.status_code >= 400:
                    parser.allow_all = True
                else:
                    parser.parse(response.text.splitlines())
                self._robots[host] = (time.monotonic(), parser)
        return parser.can_fetch(USER_AGENT, url)

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._hosts.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str) -> None:
        """Space requests to one host by host_interval_s."""
        with self._host_lock(host):
            wait_s = self._last.get(host, 0.0) + self.settings.host_interval_s - time.monotonic()
            if wait_s > 0:
                time.sleep(wait_s)
            self._last[host] = time.monotonic()

    def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        import httpx

        host = urlsplit(url).netloc
        reason = ""
        wait_s = 0.0
        for attempt in range(self.settings.retries + 1):
            if attempt:
                time.sleep(max(wait_s, self.settings.backoff_s * 2 ** (attempt - 1)))
            self._wait_turn(host)
            try:
                response = self._read(url, headers)
            except httpx.HTTPError as err:
                reason = f"{type(err).__name__}: {err}"
                continue
            if response.status_code not in _RETRY_STATUS:
                return response
            reason = f"HTTP {response.status_code}"
            wait_s = _retry_after(response.headers.get("retry-after"))
            if wait_s > MAX_RETRY_AFTER_S:
                reason += f", retry after {wait_s:g} s"
                break
        raise FetchError(E110.format(url=url, tries=self.settings.retries + 1, reason=reason), code="E110")

    def _read(self, url: str, headers: dict[str, str]) -> Fetched:
        """One GET read up to max_bytes; a larger body fails it (E110, not retried)."""
        with self._client.stream("GET", url, headers=headers) as response:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise FetchError(E110.format(url=url, tries=1, reason=(
                        f"larger than the {self.settings.max_bytes / 1024 / 1024:g} MB limit")), code="E110")
                chunks.append(chunk)
            return Fetched(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                           b"".join(chunks), response.charset_encoding)


def _retry_after(value: str | None) -> float:
    """Seconds a Retry-After header in seconds asks for (0 when absent or a date)."""
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def is_remote(source: str) -> bool:
    """True for an http(s) URL, False for a file or folder."""
    return urlsplit(source).scheme in ("http", "https")


def fetch_source(source: str, state: dict[str, Any], seen: set[str], fetcher: Fetcher) -> SourcePass:
    """One pass over a source (feed or sitemap URL or file, or folder): its new items, pages fetched, and its new
    conditional-GET state. Never raises for the source's own failures: they are the pass's error."""
    soft_deadline = time.monotonic() + fetcher.settings.feed_timeout_s / 2
    result = SourcePass(source)
    try:
        if not is_remote(source) and Path(source).is_dir():
            result.items = _folder_items(Path(source), seen, fetcher.settings.max_items)
            return result
        content = _read_source(source, state, fetcher, result)
        if content is None:
            result.status = "not-modified"
            return result
        result.parsed = True
        fresh = [entry for entry in _entries(source, content) if entry.key not in seen]
        deferred = fresh[fetcher.settings.max_items:]
        for entry in fresh[: fetcher.settings.max_items]:
            if time.monotonic() > soft_deadline:  # what is fetched so far is ingested; the rest waits
                deferred.append(entry)
                continue
            try:
                result.items.append(_with_page(entry, source, fetcher))
            except (ConflictlogError, OSError) as err:
                deferred.append(entry)
                result.status = "partial"
                result.error = result.error or str(err)
        if deferred:  # keep the old validators, so the next pass reads the feed again and takes what is left
            result.etag = result.last_modified = None
            result.status = "partial"
    except (ConflictlogError, OSError) as err:
        result.status = "error"
        result.error = str(err)
    return result


def _read_source(source: str, state: dict[str, Any], fetcher: Fetcher, result: SourcePass) -> bytes | None:
    """The source's bytes, or None when unchanged since the last pass (a 304, or a file of the same mtime)."""
    if not is_remote(source):
        path = Path(source)
        try:
            stamp = str(path.stat().st_mtime_ns)
        except OSError as err:
            raise IngestError(E112.format(source=source, reason=err.strerror or err), code="E112") from err
        result.last_modified = stamp
        return None if stamp == state.get("last_modified") else path.read_bytes()
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    response = fetcher.get(source, headers)
    if response.status_code == 304:
        return None
    if response.status_code >= 400:
        raise IngestError(E112.format(source=source, reason=f"HTTP {response.status_code}"), code="E112")
    result.etag = response.headers.get("etag")
    result.last_modified = response.headers.get("last-modified")
    return response.content


def _entries(source: str, content: bytes) -> list[Item]:
    """The items a feed or sitemap lists, newest first as the source gives them; E112 when it is neither."""
    head = content[:2048].lstrip()
    if b"<sitemapindex" in head:
        raise IngestError(E112.format(source=source, reason="a sitemap index: watch the sitemaps it lists"),
                          code="E112")
    if b"<urlset" in head:
        return _sitemap_entries(source, content)
    return _feed_entries(source, content)


def _feed_entries(source: str, content: bytes) -> list[Item]:
    import feedparser

    feed = feedparser.parse(content)
    if not feed.entries and feed.get("bozo"):
        raise IngestError(E112.format(source=source, reason=f"not an RSS or Atom feed ({feed.get('bozo_exception')})"),
                          code="E112")
    outlet = feed.feed.get("title") or None
    items = []
    for entry in feed.entries:
        link = _absolute(source, entry.get("link"))
        key = entry.get("id") or link or entry.get("title")
        if not key:
            continue
        body = entry.get("content")[0].get("value") if entry.get("content") else entry.get("summary")
        record = {"url": link, "title": entry.get("title"), "published": entry.get("published") or entry.get("updated"),
                  "outlet": outlet, "author": entry.get("author"), "html": body}
        items.append(Item(str(key), link, record))
    return items


def _sitemap_entries(source: str, content: bytes) -> list[Item]:
    from lxml import etree

    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as err:
        raise IngestError(E112.format(source=source, reason=f"bad sitemap XML: {err}"), code="E112") from err
    items = []
    for url in root.iter("{*}url"):
        loc = url.findtext("{*}loc")
        if loc and loc.strip():
            link = _absolute(source, loc.strip())
            published = url.findtext("{*}news/{*}publication_date")  # Google News sitemaps say when it appeared
            items.append(Item(link, link, {"url": link, "published": published}))
    return items


def _absolute(source: str, link: str | None) -> str | None:
    """A feed's link made absolute: against the feed URL, or for a feed file against its folder."""
    if not link:
        return None
    if is_remote(source):
        return urljoin(source, link)
    if is_remote(link):
        return link
    return str((Path(source).resolve().parent / link).resolve())


def _with_page(item: Item, source: str, fetcher: Fetcher) -> Item:
    """The item with its linked article page as the record's html (robots.txt allowing). When the page cannot be
    fetched now the feed's own text stands in if it has one; otherwise this raises and the item waits for the
    next pass. A feed file's link to a file outside the feed's folder is refused, as folders refuse them."""
    record = dict(item.record or {})
    url = item.url
    try:
        if url and is_remote(url):
            response = fetcher.get(url)
            if response.status_code in (404, 410):
                return Item(item.key, url, None, outcome="gone")
            if response.status_code >= 400:
                raise FetchError(E110.format(url=url, tries=1, reason=f"HTTP {response.status_code}"), code="E110")
            record["html"] = response.text
        elif url and not is_remote(source):
            folder = Path(source).resolve().parent
            if not Path(url).is_relative_to(folder):
                logger.warning("%s: links to %s, outside its folder; skipped", source, url)
                return Item(item.key, url, None, outcome="outside")
            if Path(url).is_file():
                from conflictlog.ingest.encoding import decode_bytes

                data = Path(url).read_bytes()
                if len(data) > fetcher.settings.max_bytes:
                    return Item(item.key, url, None, outcome="too-large")
                record["html"] = decode_bytes(data, url)
    except FetchError as err:
        if err.code == "E111":
            logger.info("%s: robots.txt disallows it; skipped", url)
            return Item(item.key, url, None, outcome="robots")
        if not record.get("html"):
            raise
        logger.warning("%s; the feed's own text is ingested instead", err)
    if not record.get("html"):
        return Item(item.key, url, None, outcome="empty")
    return Item(item.key, url, record)


def _folder_items(folder: Path, seen: set[str], limit: int) -> list[Item]:
    """Files of a watched folder not seen before, oldest first; a file changed since is new again."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in FOLDER_SUFFIXES and path.is_file():
            stat = path.stat()
            key = f"{path.relative_to(folder)}@{stat.st_mtime_ns}:{stat.st_size}"
            if key not in seen:
                found.append((stat.st_mtime_ns, Item(key, None, path=str(path))))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])[:limit]]


def watch_once(sources: Sequence[str], store: Any, *, settings: WatchSettings | None = None,
               pipeline: Any = None, fetcher: Fetcher | None = None) -> WatchReport:
    """One pass over every source: fetch them side by side, ingest new items as each source finishes, and record
    each source's state and seen items. A source still fetching after ``feed_timeout_s`` is an error this pass."""
    settings = settings or WatchSettings()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    counts: dict[str, int] = {}
    passes: list[SourcePass] = []
    pool = ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(sources))), thread_name_prefix="watch")
    started: dict[str, float] = {}  # when each source's thread began: queued sources are not yet late

    def timed(source: str, state: dict[str, Any], seen: set[str]) -> SourcePass:
        started[source] = time.monotonic()
        return fetch_source(source, state, seen, fetcher)

    try:
        pending: dict[Future[SourcePass], str] = {}
        for source in dict.fromkeys(s if is_remote(s) else str(Path(s).resolve()) for s in sources):
            state, seen = store.watch_state(source)
            pending[pool.submit(timed, source, state, seen)] = source
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                passes.append(_record(store, future.result(), counts, pipeline))
                del pending[future]
            now = time.monotonic()
            for future, source in list(pending.items()):
                if now - started.get(source, now) > settings.feed_timeout_s:
                    late = E110.format(url=source, tries=1, reason=f"no answer within {settings.feed_timeout_s:g} s")
                    passes.append(_record(store, SourcePass(source, "error", error=late), counts, pipeline))
                    del pending[future]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if own_fetcher:
            fetcher.close()
    return WatchReport(tuple(passes), counts)


def _record(store: Any, result: SourcePass, counts: dict[str, int], pipeline: Any) -> SourcePass:
    """Ingest a source pass's new items and record its state; logs one structured line per source."""
    from conflictlog.pipeline import ingest_paths, ingest_records

    new = [item for item in result.items if item.outcome == "new"]
    records = [item.record for item in new if item.record is not None]
    paths = [item.path for item in new if item.path is not None]
    reports = []
    if records:
        reports.append(ingest_records(records, store, pipeline=pipeline, source=result.source))
    if paths:
        reports.append(ingest_paths(paths, store, pipeline=pipeline, progress=False))
    for report in reports:
        for name, value in report.counts.items():
            if name != "seconds":
                counts[name] = counts.get(name, 0) + value
        for failure in report.failures:
            logger.warning("%s", failure.message)
    store.record_watch(result.source, status=result.status, etag=result.etag, last_modified=result.last_modified,
                       items=[(item.key, item.url or item.path, item.outcome) for item in result.items],
                       error=result.error)
    logger.log(logging.WARNING if result.error else logging.INFO,
               "watch source=%s status=%s new=%d ingested=%d failed=%d%s", result.source, result.status,
               len(result.items), sum(r.counts.get("articles.stored", 0) + r.counts.get("articles.copies", 0)
                                      for r in reports),
               sum(r.counts.get("docs.failed", 0) for r in reports), f" error={result.error!r}" if result.error else "")
    return result


def watch(sources: Sequence[str], store: Any, *, interval_s: float, settings: WatchSettings | None = None,
          pipeline: Any = None, stop: Callable[[], bool] = lambda: False) -> None:
    """Pass over the sources every ``interval_s`` seconds until ``stop()`` is true (or the process is stopped); a
    pass that fails as a whole (the database busy too long) is logged and the next one tried."""
    settings = settings or WatchSettings()
    fetcher = Fetcher(settings)
    try:
        while not stop():
            started = time.monotonic()
            try:
                watch_once(sources, store, settings=settings, pipeline=pipeline, fetcher=fetcher)
            except ConflictlogError as err:
                logger.error("watch pass failed: %s; trying again in %g s", err, interval_s)
            remaining = interval_s - (time.monotonic() - started)
            while remaining > 0 and not stop():
                time.sleep(min(remaining, 1.0))
                remaining = interval_s - (time.monotonic() - started)
    finally:
        fetcher.close()
