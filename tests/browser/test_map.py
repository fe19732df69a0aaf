"""The web map in real Chromium: markers match the API, the timeline brush filters markers and list, clicking
a marker shows its evidence, article markup never runs, and nothing is fetched from outside localhost."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.browser

COUNT_MARKERS = """() => {
  let n = document.querySelectorAll('.leaflet-marker-pane .ev-marker').length;
  for (const c of document.querySelectorAll('.leaflet-marker-pane .marker-cluster')) n += parseInt(c.textContent, 10);
  return n;
}"""


def api_total(server: str, **params: str) -> int:
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{server}/events?{query}", timeout=10) as response:
        return int(json.load(response)["total"])


def open_map(page: Any, server: str, query: str = "") -> None:
    page.goto(f"{server}/{query}")
    page.wait_for_selector("#count[data-count]")


def wait_for_markers(page: Any, expected: int) -> int:
    """Wait until the markers on the map (cluster counts included) add up to `expected`; return the count."""
    try:
        page.wait_for_function(f"() => ({COUNT_MARKERS})() === {expected}", timeout=10_000)
    except Exception:  # noqa: BLE001 - report the count the page did reach
        pass
    return int(page.evaluate(COUNT_MARKERS))


def assert_clean(watch: Any) -> None:
    assert watch.outside == [], f"requests outside localhost: {watch.outside}"
    assert watch.console_errors == [], watch.console_errors
    assert watch.page_errors == [], watch.page_errors
    assert watch.dialogs == [], watch.dialogs


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("", {}),
        ("?type=Battles", {"type": "Battles"}),
        ("?country=Syria&hide_historical=true", {"country": "Syria", "hide_historical": "true"}),
        ("?certainty=unverified", {"certainty": "unverified"}),
    ],
)
def test_map_shows_as_many_markers_as_the_api_returns(watched_page: Any, server: str, query: str,
                                                      params: dict[str, str]) -> None:
    page, watch = watched_page
    open_map(page, server, query)
    expected = api_total(server, **params)
    assert expected > 0
    assert wait_for_markers(page, expected) == expected
    assert int(page.get_attribute("#event-list", "data-count")) == expected
    assert page.locator("#event-list li").count() == expected
    assert_clean(watch)


def test_map_filter_controls_update_markers_list_and_url(watched_page: Any, server: str) -> None:
    page, watch = watched_page
    open_map(page, server)
    page.select_option("#f-type", "Protests")
    page.wait_for_function("() => new URLSearchParams(location.search).get('type') === 'Protests'")
    expected = api_total(server, type="Protests")
    page.wait_for_function(f"() => document.querySelector('#count').dataset.count === '{expected}'")
    assert wait_for_markers(page, expected) == expected
    page.check("#f-hide-historical")
    page.wait_for_function("() => new URLSearchParams(location.search).get('hide_historical') === 'true'")
    assert_clean(watch)


def test_map_timeline_brush_filters_markers_and_list(watched_page: Any, server: str) -> None:
    page, watch = watched_page
    open_map(page, server, "?hide_historical=true")
    everything = api_total(server, hide_historical="true")
    assert wait_for_markers(page, everything) == everything
    box = page.locator("#timeline").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 36, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.55, y, steps=5)
    page.mouse.up()
    page.wait_for_selector("#brush-label[data-since]")
    since = page.get_attribute("#brush-label", "data-since")
    until = page.get_attribute("#brush-label", "data-until")
    brushed = api_total(server, hide_historical="true", since=since, until=until)
    assert 0 < brushed < everything, (since, until, brushed)
    page.wait_for_function(f"() => document.querySelector('#event-list').dataset.count === '{brushed}'")
    assert page.locator("#event-list li").count() == brushed
    assert wait_for_markers(page, brushed) == brushed
    dates = page.locator("#event-list li .date").all_inner_texts()
    assert all(since <= d.strip() <= until for d in dates)
    # bars inside the brush are highlighted; the URL carries the dates
    assert page.locator("#timeline rect.bar.in").count() >= 1
    assert f"since={since}" in page.url
    page.click("#brush-clear")
    page.wait_for_function(f"() => document.querySelector('#event-list').dataset.count === '{everything}'")
    assert wait_for_markers(page, everything) == everything
    assert_clean(watch)


def test_map_clicking_a_marker_shows_its_evidence(watched_page: Any, server: str) -> None:
    page, watch = watched_page
    open_map(page, server, "?actor=Syrian%20Democratic")
    assert wait_for_markers(page, 1) == 1
    page.click(".leaflet-marker-pane .ev-marker")
    page.wait_for_selector("#detail[data-event-id='ev-clash']")
    detail = page.locator("#detail")
    assert "The fighters repelled the attack, killing 10 attackers." in detail.locator("blockquote").inner_text()
    assert detail.locator("blockquote mark").all_inner_texts() == ["repelled the attack", "killing 10"]
    assert "Syrian Democratic Forces" in detail.inner_text()  # claimant
    assert "claimed" in detail.locator(".badge.certainty").inner_text()
    links = detail.locator("ul.sources a:not(.article-link)")
    assert links.count() == 2
    assert links.nth(0).get_attribute("href") == "https://news.example.org/a?id=1&lang=en"
    assert links.nth(0).inner_text() == "Attack repelled"
    assert_clean(watch)


def test_map_article_markup_never_runs(watched_page: Any, server: str) -> None:
    page, watch = watched_page
    open_map(page, server, "?actor=Gunmen")
    assert wait_for_markers(page, 1) == 1
    page.click(".leaflet-marker-pane .ev-marker")
    page.wait_for_selector("#detail[data-event-id='ev-xss']")
    page.wait_for_timeout(300)
    detail_text = page.locator("#detail").inner_text()
    assert "<script>" in detail_text and "onerror=" in detail_text  # shown as text
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#detail script, #detail img, #detail i, #detail b").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script").count() == 3  # leaflet, markercluster, app.js
    assert page.locator("a[href^='javascript:']").count() == 0
    assert_clean(watch)


def test_map_makes_no_request_outside_localhost(watched_page: Any, server: str) -> None:
    page, watch = watched_page
    open_map(page, server)
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, -400)  # zoom in: the admin-1 layer and more markers appear
    page.locator("#event-list li").first.click()
    page.wait_for_selector("#detail[data-event-id]")
    page.wait_for_load_state("networkidle")
    assert watch.requests, "no request recorded"
    assert all(url.startswith(server) for url in watch.requests), [u for u in watch.requests if not u.startswith(server)]
    assert any("/static/basemap/countries.geojson" in url for url in watch.requests)
    assert any("/static/vendor/leaflet/leaflet.js" in url for url in watch.requests)
    assert_clean(watch)


def test_map_new_since_asks_for_events_stored_since_then(watched_page: Any, server: str) -> None:
    page, watch = watched_page
    open_map(page, server, "?new=24h")
    expected = api_total(server)  # the fixture database was written just now: every event is new
    assert page.input_value("#f-new") == "24h"
    assert wait_for_markers(page, expected) == expected
    asked = [urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) for url in watch.requests
             if "/events.geojson" in url]
    assert asked and all("new" not in query for query in asked)
    assert any(query.get("stored_since", [""])[0].endswith("Z") for query in asked)
    page.select_option("#f-new", "")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('new')")
    assert_clean(watch)
