"""Browser test set-up: `conflictlog serve` on a free port over a fixture database, and Debian's chromium
driven by Playwright (no browser download). Skips only when /usr/bin/chromium is absent."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _load_fixture_data() -> ModuleType:
    name = "conflictlog_test_fixture_data"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "serve" / "fixture_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


data = _load_fixture_data()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_web_assets() -> None:
    from conflictlog.serve.web import missing_vendor_files

    if missing_vendor_files():
        # The Makefile's web-assets step normally did this; copy them in from the pinned npm packages.
        result = subprocess.run(["bash", str(ROOT / "scripts" / "build_web_assets.sh")], cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        missing = missing_vendor_files()
        if missing:
            pytest.fail(f"web assets missing ({', '.join(missing)}); scripts/build_web_assets.sh said: "
                        f"{result.stderr[-2000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of `conflictlog serve` running over the fixture database (markup-laden event included)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)")
    _ensure_web_assets()
    db = data.build_fixture_db(tmp_path_factory.mktemp("browser") / "fixture.sqlite", with_xss=True)
    port = _free_port()
    env = {**os.environ, "CONFLICTLOG_TOKEN": "browser-test-token"}
    log_path = db.with_suffix(".log")
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "conflictlog", "--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"conflictlog serve exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/events?limit=1", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"conflictlog serve not ready after 60 s: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(server: str) -> Iterator[Any]:
    """Debian's chromium, headless, launched by Playwright with executable_path."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class PageWatch:
    """Everything a page did that a test checks: requests, console errors, page errors, dialogs."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture()
def watched_page(browser: Any, server: str) -> Iterator[tuple[Any, PageWatch]]:
    """A fresh page whose every request is recorded (and refused unless it goes to the local server)."""
    watch = PageWatch()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    local = ("http://127.0.0.1:", "http://localhost:")

    def route(route: Any) -> None:
        url = route.request.url
        watch.requests.append(url)
        if url.startswith(local) or url.startswith("data:"):
            route.continue_()
        else:
            watch.outside.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: watch.page_errors.append(str(err)))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield page, watch
    finally:
        context.close()
