"""Shared fixtures: a private copy of the project per test, a built site, and a real browser.

Tests never build in the working tree: each works on a copy under tmp_path, so tests (and people)
can run side by side.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kennisbank_gen.clock import ENV as TODAY_ENV
from kennisbank_gen.pool import usable_cpus
from kennisbank_gen.read.dates import PartialDate
from kennisbank_gen.read.project import read_project

REPO = Path(__file__).resolve().parent.parent
PROJECT_INPUTS = ("initiatives", "content", "quality_framework", "overrides", "mkdocs.yml")
CHROMIUM = Path("/usr/bin/chromium")
needs_fork = pytest.mark.skipif(
    usable_cpus() < 2 or sys.platform != "linux", reason="no second core or no fork"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def content_today(root: Path) -> dt.date:
    """The day tests take as "today" for a project's records: the latest day any record states
    (`date`, `last_reviewed`), so no record lies in the future. Never the clock: the suite
    passes on any day, with any number of records."""
    days = [dt.date(2000, 1, 1)]
    for doc in read_project(root).records:
        for name in ("date", "last_reviewed"):
            value = doc.data.get(name) if isinstance(doc.data, dict) else None
            try:
                days.append(PartialDate.parse(str(value)).earliest)
            except ValueError:
                continue
    return max(days)


def years_later(day: dt.date, years: int) -> dt.date:
    """`day`, `years` later (29 February becomes 28 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


#: "today" for the bundled content; commands run by tests (CliRunner, subprocesses) read it too
TODAY = content_today(REPO)
os.environ[TODAY_ENV] = TODAY.isoformat()


def copy_project(target: Path) -> Path:
    """A copy of the project's inputs (records, content, framework, mkdocs.yml) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_INPUTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        else:
            shutil.copy2(src, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """The bundled content, built once per session; returns the project root (site in site/)."""
    from kennisbank_gen.publish import build

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(root, today=TODAY)
    return root


@pytest.fixture(scope="session")
def built_site(built_project: Path) -> Path:
    return built_project / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_directory(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port); returns (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    server, url = serve_directory(built_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. Skipped when absent, unless
    KENNISBANK_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails."""
    if not CHROMIUM.exists():
        message = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("KENNISBANK_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; KENNISBANK_REQUIRE_BROWSER=1 is set")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh browser page; `page.offsite_requests` lists every request that left localhost."""
    context = browser.new_context(base_url=site_url, locale="nl-NL")
    pg = context.new_page()
    pg.offsite_requests = []

    def record(request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            pg.offsite_requests.append(request.url)

    pg.on("request", record)
    yield pg
    context.close()


ALONE_ENV = "KENNISBANK_TEST_ALONE"


def delegated(request) -> bool:
    """Whether this test ran in a fresh pytest process instead of here. The pool (pool.py) never
    forks beside other threads, and earlier tests in this process may have left some (servers,
    browsers): then the test runs where there are none, and must pass there."""
    if threading.active_count() == 1:
        return False
    assert not os.environ.get(ALONE_ENV), f"threads in the fresh process: {threading.enumerate()}"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", request.node.nodeid, "-q", "-p", "no:cacheprovider"],
        cwd=REPO,
        env={**os.environ, ALONE_ENV: "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and " passed" in done.stdout, done.stdout[-3000:]
    return True
