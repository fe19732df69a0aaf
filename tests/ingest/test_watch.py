"""conflictlog watch: feeds and article pages served from a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import html
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.ingest import watch as watch_module
from conflictlog.ingest.watch import USER_AGENT, Fetcher, WatchSettings, fetch_source, watch_once
from conflictlog.store import open_store

FAST = WatchSettings(timeout_s=1.0, feed_timeout_s=10.0, retries=1, backoff_s=0.01, host_interval_s=0.0)
TOWNS = ("Konduga", "Monguno", "Bama", "Dikwa", "Gwoza", "Damboa")


@dataclass
class Site:
    """What the local server answers: path -> (status, headers, body) or a callable for special behaviour."""

    routes: dict[str, tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], None]] = field(
        default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    agents: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    base: str = ""


@pytest.fixture()
def site() -> Iterator[Site]:
    served = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            served.hits[self.path] += 1
            served.agents.append(self.headers.get("User-Agent", ""))
            route = served.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.end_headers()
                return
            if callable(route):
                route(self)
                return
            status, headers, body = route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield served
    served.release.set()
    server.shutdown()
    server.server_close()


def article_page(n: int) -> bytes:
    town = TOWNS[n % len(TOWNS)]
    paragraphs = "".join(
        f"<p>Residents of {town} said on Monday that gunmen attacked the market in the town number {n} and "
        f"burned stalls before soldiers arrived; paragraph {k} of the report gives the local officials' account "
        f"of the attack and of the people who fled to the nearby villages.</p>" for k in range(4))
    return (f"<html><head><title>Attack in {town} {n}</title></head><body><article><h1>Attack in {town} {n}</h1>"
            f"{paragraphs}</article></body></html>").encode()


def rss(base: str, name: str, numbers: list[int]) -> bytes:
    items = "".join(
        f"<item><title>Attack {n}</title><link>{base}/{name}/{n}.html</link><guid>{name}-{n}</guid>"
        f"<pubDate>Mon, 11 Mar 2024 10:00:00 GMT</pubDate></item>" for n in numbers)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name.title()} News</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()


def serve_feed(site: Site, name: str, numbers: list[int], etag: str | None = None) -> str:
    headers = {"Content-Type": "application/rss+xml"}
    feed = rss(site.base, name, numbers)
    if etag is None:
        site.routes[f"/{name}.xml"] = (200, headers, feed)
    else:
        def conditional(handler: BaseHTTPRequestHandler) -> None:
            if handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.end_headers()
                return
            handler.send_response(200)
            handler.send_header("ETag", etag)
            handler.send_header("Content-Length", str(len(feed)))
            handler.end_headers()
            handler.wfile.write(feed)
        site.routes[f"/{name}.xml"] = conditional
    for n in numbers:
        site.routes[f"/{name}/{n}.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, article_page(n))
    return f"{site.base}/{name}.xml"


def stored_urls(store) -> set[str]:
    return {row[0] for row in store._conn.execute("SELECT url FROM articles")}


def test_watch_new_items_ingested_once(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    feed = serve_feed(site, "wire", [1, 2])
    with open_store(tmp_path / "db.sqlite") as store:
        first = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        assert first.counts["articles.stored"] == 2
        assert stored_urls(store) == {f"{site.base}/wire/1.html", f"{site.base}/wire/2.html"}
        outlets = {row[0] for row in store._conn.execute("SELECT outlet FROM articles")}
        assert outlets == {"Wire News"}
        serve_feed(site, "wire", [1, 2, 3])
        second = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
    assert second.counts["articles.stored"] == 1
    assert site.hits["/wire/1.html"] == 1 and site.hits["/wire/3.html"] == 1
    assert all(agent == USER_AGENT for agent in site.agents)


def test_watch_not_modified_costs_no_parse(site: Site, tmp_path: Path, no_model_pipeline,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    feed = serve_feed(site, "wire", [1], etag='"v1"')
    parses = Counter[str]()
    real = watch_module._entries

    def counting(source: str, content: bytes):
        parses[source] += 1
        return real(source, content)

    monkeypatch.setattr(watch_module, "_entries", counting)
    with open_store(tmp_path / "db.sqlite") as store:
        watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        report = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        status = store.watch_status()
    assert parses[feed] == 1
    assert report.passes[0].status == "not-modified" and not report.passes[0].parsed
    assert report.counts == {}
    assert status[0]["last_status"] == "not-modified" and status[0]["items"] == 1


def test_watch_hanging_and_failing_feeds_do_not_block_others(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    good = serve_feed(site, "good", [1, 2])

    def hang(handler: BaseHTTPRequestHandler) -> None:
        site.release.wait(10)

    site.routes["/hang.xml"] = hang
    site.routes["/broken.xml"] = (500, {}, b"oops")
    sources = [f"{site.base}/hang.xml", f"{site.base}/broken.xml", good]
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once(sources, store, settings=FAST, pipeline=no_model_pipeline())
        status = {row["source"]: row for row in store.watch_status()}
    by_source = {p.source: p for p in report.passes}
    assert by_source[good].status == "ok" and report.counts["articles.stored"] == 2
    assert by_source[f"{site.base}/hang.xml"].status == "error"
    assert "[E110]" in by_source[f"{site.base}/broken.xml"].error
    assert site.hits["/broken.xml"] == 2  # retried once
    assert status[f"{site.base}/broken.xml"]["errors"] == 1


def test_watch_restart_does_not_refetch_or_reingest(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    feed = serve_feed(site, "wire", [1, 2])
    db = tmp_path / "db.sqlite"
    with open_store(db) as store:
        watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
    with open_store(db) as store:
        report = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        assert len(stored_urls(store)) == 2
    assert report.counts == {}
    assert site.hits["/wire/1.html"] == 1 and site.hits["/wire/2.html"] == 1


def test_watch_obeys_robots_disallow(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    feed = serve_feed(site, "wire", [1, 2])
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /wire/2.html\n")
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        assert stored_urls(store) == {f"{site.base}/wire/1.html"}
    assert site.hits["/wire/2.html"] == 0
    assert {item.key: item.outcome for item in report.passes[0].items} == {"wire-1": "new", "wire-2": "robots"}


def test_watch_robots_disallowing_the_feed_is_an_error(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    feed = serve_feed(site, "wire", [1])
    site.routes["/robots.txt"] = (200, {}, b"User-agent: conflictlog\nDisallow: /\n")
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
    assert "[E111]" in report.passes[0].error and site.hits["/wire.xml"] == 0


def test_watch_sitemap_and_feed_file_and_folder(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    site.routes["/news/5.html"] = (200, {"Content-Type": "text/html"}, article_page(5))
    sitemap = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"<url><loc>{site.base}/news/5.html</loc><lastmod>2024-03-11</lastmod></url></urlset>").encode()
    site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "6.html").write_bytes(article_page(6))
    feed_file = pages / "feed.rss"  # not a suffix a folder ingests
    feed_file.write_bytes(rss(".", "local", [6]).replace(b"./local/6.html", b"6.html"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "7.html").write_bytes(article_page(7))
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once([f"{site.base}/sitemap.xml", str(feed_file), str(inbox)], store, settings=FAST,
                            pipeline=no_model_pipeline())
        again = watch_once([f"{site.base}/sitemap.xml", str(feed_file), str(inbox)], store, settings=FAST,
                           pipeline=no_model_pipeline())
    assert report.counts["articles.stored"] == 3, report
    assert again.counts == {}
    assert {p.status for p in again.passes} == {"ok", "not-modified"}


def test_watch_missing_file_source_is_coded_error(tmp_path: Path) -> None:
    with Fetcher(FAST) as fetcher:
        result = fetch_source(str(tmp_path / "nope.xml"), {}, set(), fetcher)
    assert result.status == "error" and "[E112]" in result.error and "nope.xml" in result.error


@given(st.binary(max_size=400))
def test_watch_bad_feed_bytes_never_raise(content: bytes) -> None:
    try:
        items = watch_module._entries("bad.xml", content)
    except watch_module.IngestError as err:
        assert err.code == "E112" and "bad.xml" in str(err)
    else:
        assert all(item.key for item in items)


@pytest.mark.usefixtures("no_model")
def test_watch_cli_once_then_status(site: Site, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from conflictlog.cli import cli

    feed = serve_feed(site, "wire", [1])
    site.routes["/broken.xml"] = (404, {}, b"")
    db = str(tmp_path / "c.sqlite")
    result = CliRunner().invoke(cli, ["--db", db, "watch", "--once", "--timeout", "2", "--host-interval", "0",
                                      feed, f"{site.base}/broken.xml"], obj={})
    assert result.exit_code == 1 and "[E112]" in result.output and "1 articles stored" in result.output
    status = CliRunner().invoke(cli, ["--db", db, "watch", "--status"], obj={})
    rows = [line.split("\t") for line in status.stdout.splitlines()]
    assert status.exit_code == 0 and rows[0][:4] == ["source", "last_fetch", "status", "items"]
    assert {row[0]: (row[2], row[3], row[4]) for row in rows[1:]} == {
        feed: ("ok", "1", "0"), f"{site.base}/broken.xml": ("error", "0", "1")}


def seed_page(examples_dir: Path, lead: str = "") -> bytes:
    """examples/seed-article.md as the HTML page a site would serve, one paragraph per line."""
    blocks = [f"<p>{html.escape(lead)}</p>"] if lead else []
    for line in (examples_dir / "seed-article.md").read_text(encoding="utf-8").splitlines():
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()).replace("*", "")
        if text:
            tag = "h1" if text.startswith("## ") else "p"
            blocks.append(f"<{tag}>{html.escape(text.removeprefix('## '))}</{tag}>")
    return f"<html><body><article>{''.join(blocks)}</article></body></html>".encode()


def one_item_feed(site: Site, name: str, title: str, page: bytes) -> str:
    site.routes[f"/{name}/seed.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page)
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><item><title>Seed</title>'
            f"<link>{site.base}/{name}/seed.html</link><pubDate>Tue, 12 Feb 2019 09:00:00 GMT</pubDate></item>"
            "</channel></rss>").encode()
    site.routes[f"/{name}.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed)
    return f"{site.base}/{name}.xml"


@pytest.mark.slow
def test_watch_seed_article_names_original_outlet_and_source_scale(site: Site, tmp_path: Path,
                                                                  examples_dir: Path) -> None:
    from conflictlog.alerts.outbox import add_subscription, queued_alerts
    from conflictlog.alerts.subscriptions import subscription_from
    from conflictlog.store.base import EventFilter

    republished = one_item_feed(site, "gr", "Global Research", seed_page(examples_dir))
    copied = one_item_feed(site, "post", "Sample Post", seed_page(examples_dir, "From our partners in Syria."))
    with open_store(tmp_path / "db.sqlite") as store:
        sub = add_subscription(store, subscription_from({"name": "syria", "countries": ["Syria"]}))
        watch_once([republished], store, settings=FAST)
        (row,) = store._conn.execute("SELECT outlet, original_outlet FROM articles").fetchall()
        assert row == ("Global Research", "South Front")
        before = {e.event_id: e for e in store.query_events(EventFilter())}
        assert before and {e.corroboration for e in before.values()} == {1}
        assert {json.loads(r)["source_scale"] for r in store.query_event_json(EventFilter())} == {"Other"}
        report = watch_once([copied], store, settings=FAST)
        assert report.counts["articles.copies"] == 1
        after = {e.event_id: e for e in store.query_events(EventFilter())}
        rows = [json.loads(r) for r in store.query_event_json(EventFilter())]
        # what watch stores is alerted on like any ingest: once per event; a new source alone is no new alert
        alerted = [a["event_id"] for a in queued_alerts(store, sub.subscription_id)]
        assert sorted(alerted) == sorted(e.event_id for e in after.values() if e.country == "Syria")
    assert after.keys() == before.keys()
    for event_id, event in after.items():
        assert len(event.sources) == len(before[event_id].sources) + 1
        assert event.corroboration == before[event_id].corroboration
    copy_refs = [s for e in after.values() for s in e.sources if s.outlet == "Sample Post"]
    assert copy_refs and {s.original_outlet for s in copy_refs} == {"South Front"}
    assert {r["source_scale"] for r in rows} == {"Other-National"}


def test_watch_slow_source_times_out_as_a_whole(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    good = serve_feed(site, "good", [1])

    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(200):
            if site.release.wait(0.1):
                return
            handler.wfile.write(b" ")
            handler.wfile.flush()

    site.routes["/slow.xml"] = trickle
    patient = WatchSettings(timeout_s=5.0, feed_timeout_s=2.0, retries=0, host_interval_s=0.0)
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once([f"{site.base}/slow.xml", good], store, settings=patient, pipeline=no_model_pipeline())
    by_source = {p.source: p for p in report.passes}
    assert "no answer within 2 s" in by_source[f"{site.base}/slow.xml"].error
    assert by_source[good].status == "ok" and report.counts["articles.stored"] == 1


def test_watch_page_failing_now_is_taken_on_the_next_pass(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    feed = serve_feed(site, "wire", [1, 2], etag='"v1"')
    site.routes["/wire/2.html"] = (503, {"Retry-After": "0"}, b"busy")
    with open_store(tmp_path / "db.sqlite") as store:
        first = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        assert first.passes[0].status == "partial" and "[E110]" in first.passes[0].error
        assert first.counts["articles.stored"] == 1
        site.routes["/wire/2.html"] = (200, {"Content-Type": "text/html"}, article_page(2))
        second = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
        third = watch_once([feed], store, settings=FAST, pipeline=no_model_pipeline())
    assert second.passes[0].status == "ok" and second.counts["articles.stored"] == 1
    assert third.passes[0].status == "not-modified"
    assert site.hits["/wire/1.html"] == 1


def test_watch_page_over_size_limit_is_refused(site: Site, tmp_path: Path, no_model_pipeline) -> None:
    feed = serve_feed(site, "wire", [1])
    small = WatchSettings(timeout_s=0.5, retries=0, host_interval_s=0.0, max_bytes=len(rss(site.base, "wire", [1])))
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once([feed], store, settings=small, pipeline=no_model_pipeline())
    assert report.passes[0].status == "partial" and "MB limit" in report.passes[0].error


def test_watch_feed_file_link_outside_its_folder_is_refused(tmp_path: Path, no_model_pipeline) -> None:
    (tmp_path / "secret.html").write_bytes(article_page(9))
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "feed.rss").write_bytes(rss(".", "x", [9]).replace(b"./x/9.html", b"../secret.html"))
    with open_store(tmp_path / "db.sqlite") as store:
        report = watch_once([str(feeds / "feed.rss")], store, settings=FAST, pipeline=no_model_pipeline())
    assert [item.outcome for item in report.passes[0].items] == ["outside"] and report.counts == {}


def test_watch_loop_goes_on_after_a_failed_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictlog.errors import StoreError

    passes: list[int] = []

    def failing_pass(*args: object, **kwargs: object) -> None:
        passes.append(1)
        raise StoreError("busy", code="E603")

    monkeypatch.setattr(watch_module, "watch_once", failing_pass)
    watch_module.watch(["feed.xml"], None, interval_s=0.01, settings=FAST, stop=lambda: len(passes) >= 3)
    assert len(passes) == 3


def test_watch_pages_past_half_the_source_time_wait_for_the_next_pass(site: Site) -> None:
    feed = serve_feed(site, "wire", [1, 2], etag='"v1"')
    out_of_time = WatchSettings(timeout_s=0.5, feed_timeout_s=0.0, retries=0, host_interval_s=0.0)
    with Fetcher(out_of_time) as fetcher:
        late = fetch_source(feed, {}, set(), fetcher)
    with Fetcher(FAST) as fetcher:
        in_time = fetch_source(feed, {}, set(), fetcher)
    assert (late.status, late.items, late.etag) == ("partial", [], None)
    assert site.hits["/wire/1.html"] == 1 and site.hits["/wire.xml"] == 2
    assert (in_time.status, [i.key for i in in_time.items], in_time.etag) == ("ok", ["wire-1", "wire-2"], '"v1"')
