"""The web map at `/` and offline OpenAPI docs at `/docs`: HTML pages plus the static files conflictlog serves
itself (its own scripts and styles, vendored Leaflet and Swagger UI, and the Natural Earth basemap).

Pages hold no inline script or style, so the API's strict Content-Security-Policy ('self' only) applies to them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
VENDOR_FILES = (
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/markercluster/leaflet.markercluster.js",
    "vendor/markercluster/MarkerCluster.css",
    "vendor/markercluster/MarkerCluster.Default.css",
    "vendor/swagger-ui/swagger-ui-bundle.js",
    "vendor/swagger-ui/swagger-ui.css",
)


def missing_vendor_files(static_dir: Path = STATIC_DIR) -> list[str]:
    """Vendored browser files that are not in place (copied from npm by scripts/build_web_assets.sh)."""
    return [name for name in VENDOR_FILES if not (static_dir / name).is_file()]


def add_web_routes(app: FastAPI) -> None:
    """Add `/`, `/docs` and `/static/...` to the app."""
    missing = missing_vendor_files()
    if missing:
        logger.warning(
            "web map assets missing (%s): run `make web-assets` (scripts/build_web_assets.sh)", ", ".join(missing)
        )
    index_html = (TEMPLATES_DIR / "index.html").read_text(encoding="utf-8")
    docs_html = (TEMPLATES_DIR / "docs.html").read_text(encoding="utf-8")

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def index() -> HTMLResponse:
        """The web map: markers, timeline, filters and event details."""
        return HTMLResponse(index_html)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        """OpenAPI docs (Swagger UI, served from /static)."""
        return HTMLResponse(docs_html)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
