"""The web page and its static files: no inline script, local assets only, a valid offline basemap."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from conflictlog.serve.web import STATIC_DIR, missing_vendor_files


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_script = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True


@pytest.mark.parametrize("path", ["/", "/docs"])
def test_web_pages_have_no_inline_script_style_or_remote_asset(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _Tags()
    parser.feed(response.text)
    assert not parser.inline_script
    for tag, attrs in parser.tags:
        assert "style" not in attrs, f"inline style on <{tag}>"
        assert not any(name.startswith("on") for name in attrs), f"event handler attribute on <{tag}>"
        for name in ("src", "href"):
            value = attrs.get(name)
            if value and tag in ("script", "link"):
                assert value.startswith("/static/") or value == "data:,", f"<{tag} {name}={value}> is not local"


def test_web_index_references_only_served_assets(client: TestClient) -> None:
    if missing_vendor_files():
        pytest.skip("vendored npm assets not built: run scripts/build_web_assets.sh (make web-assets)")
    html = client.get("/").text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_web_app_script_builds_dom_without_markup_sinks() -> None:
    source = (STATIC_DIR / "js" / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, f"app.js uses {sink}"


@pytest.mark.parametrize(("name", "expected"), [("countries", "Syria"), ("admin1", "Deir ez-Zor")])
def test_web_basemap_is_small_valid_geojson_with_named_areas(name: str, expected: str) -> None:
    path = STATIC_DIR / "basemap" / f"{name}.geojson"
    assert path.stat().st_size < 2_500_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "Natural Earth" in data["source"]
    names = {feature["properties"]["name"] for feature in data["features"]}
    assert expected in names
    for feature in data["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        polygons = feature["geometry"]["coordinates"]
        if feature["geometry"]["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for ring in polygon:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring)


def test_web_basemap_is_served_compressed(client: TestClient) -> None:
    response = client.get("/static/basemap/admin1.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
