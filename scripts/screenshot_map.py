"""Take the README screenshot of the web map: serve a database with `conflictlog serve`, open the map in Debian's
chromium (Playwright, no browser download), select the largest marker (else the deadliest event), save a PNG.

Run: `conflictlog --db demo.sqlite ingest examples/ && python scripts/screenshot_map.py demo.sqlite`.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    """Serve the database, open the map, click the deadliest placed event and write the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "screenshot-map.png")
    parser.add_argument("--query", default="", help="Filters for the page, e.g. '?hide_historical=true'.")
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "conflictlog", "--db", str(args.db), "serve", "--port", str(port)])
    try:
        for _ in range(300):
            try:
                filters = args.query.lstrip("?")
                with urllib.request.urlopen(f"{base}/events?limit=1000&{filters}", timeout=2) as response:
                    events = json.load(response)["events"]
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("conflictlog serve did not start")
        placed = [e for e in events if e["latitude"] is not None] or events
        target = max(placed, key=lambda e: (e["fatalities"], len(e["evidence"])))["event_id_cnty"]

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 860})
            page.goto(base + "/" + args.query)
            page.wait_for_selector("#count[data-count]")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1000)
            markers = page.locator(".leaflet-marker-pane .ev-marker")
            if markers.count():  # the largest marker drawn on its own, so the map keeps its overview zoom
                sizes = [box["width"] if (box := markers.nth(i).bounding_box()) else 0 for i in range(markers.count())]
                markers.nth(sizes.index(max(sizes))).click()
            else:
                page.click(f"#event-list li[data-event-id='{target}']")
            page.wait_for_selector("#detail[data-event-id]")
            page.wait_for_timeout(1500)  # let the cluster zoom animation settle
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output))
            browser.close()
        print(f"wrote {args.output}", file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
