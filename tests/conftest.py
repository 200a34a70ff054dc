"""Shared fixtures: a private copy of the project per test, a built site, and a real browser.

Tests never build in the working tree: each works on a copy under tmp_path, so tests (and people)
can run side by side. Every copy holds the bundled content plus a batch of generated records
(`generated_records`: records `validate` accepts, as editors write them), so a test that reads
the bundled content asserts only what `validate` guarantees of any record.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import generated_records
import pytest
import yaml
from markdown import htmlparser

import kennisbank_gen.check.validate as validate_module
from kennisbank_gen.clock import ENV as TODAY_ENV
from kennisbank_gen.pool import usable_cpus
from kennisbank_gen.read.dates import PartialDate
from kennisbank_gen.read.load import load_text
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
#: the title links of an overview's cards (tests of the built site and in the browser)
CARD_TITLES = "article li > p > a"
os.environ[TODAY_ENV] = TODAY.isoformat()


#: the seeds of this run's generated records: `KENNISBANK_RECORD_SEEDS`, or else the fixed seed
#: plus a random one (set here, so that the commands and pytest processes tests start use them)
os.environ.setdefault(generated_records.SEEDS_ENV, generated_records.default_seeds())
SEEDS = generated_records.seeds_from_env()
#: where the first process of a run keeps the batch, so pytest processes it starts reuse it
BATCH_ENV = "KENNISBANK_RECORD_BATCH"


def pytest_report_header() -> str:
    count = len(SEEDS) * generated_records.PER_SEED
    return (
        f"generated records: {count} ({generated_records.PER_SEED} per seed), seeds "
        f"{generated_records.SEEDS_ENV}={os.environ[generated_records.SEEDS_ENV]}"
        " (set it to repeat this run's records; 'none' for the bundled content alone)"
    )


def _copy_inputs(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_INPUTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        else:
            shutil.copy2(src, target / name)
    return target


@functools.cache
def generated_batch() -> Path | None:
    """A folder with this run's generated records, made (and checked: `validate` accepts the
    project with them) once per run; None without seeds."""
    if not SEEDS:
        return None
    if os.environ.get(BATCH_ENV):
        return Path(os.environ[BATCH_ENV])
    files = generated_records.generated_files(REPO, SEEDS, TODAY)
    batch = Path(tempfile.mkdtemp(prefix="kennisbank-records-"))
    for name, text in files.items():
        (batch / name).write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        root = _copy_inputs(Path(scratch) / "project")
        for record in batch.iterdir():
            shutil.copy2(record, root / "initiatives" / record.name)
        generated_records.assert_accepted(root, files, TODAY)
    os.environ[BATCH_ENV] = str(batch)
    _MADE.append(batch)
    return batch


_MADE: list[Path] = []


def pytest_unconfigure(config) -> None:
    """The process that made the batch removes it (the processes it started have ended)."""
    for batch in _MADE:
        shutil.rmtree(batch, ignore_errors=True)


def copy_project(target: Path) -> Path:
    """A copy of the project's inputs (records, content, framework, mkdocs.yml) in `target`,
    with this run's generated records among the records."""
    _copy_inputs(target)
    if batch := generated_batch():
        for record in batch.iterdir():
            shutil.copy2(record, target / "initiatives" / record.name)
    return target


#: a small project of the tests' own (four records, the framework, the guidance sets): for tests
#: that need particular records, named and worded as they expect (the bundled ones may change)
FIXTURE_PROJECT = REPO / "tests" / "fixtures" / "golden-project"
#: its records, by slug
FIXTURE_REPORT = "rapport-sociale-veiligheid-kunstvakopleidingen"  # links, guidance, every field
FIXTURE_STUDY = "studie-verbondenheid-en-de-docent"  # the source of the teacher tips
FIXTURE_EXAMPLE = "eenzaamheid-onder-mbo-studenten"  # a fictional example


def copy_fixture_project(target: Path) -> Path:
    """A copy of FIXTURE_PROJECT that builds (the theme overrides are the project's own)."""
    shutil.copytree(FIXTURE_PROJECT, target, ignore=shutil.ignore_patterns("expected"))
    shutil.copytree(REPO / "overrides", target / "overrides")
    return target


def records_where(root: Path, test=lambda data: True) -> list[Path]:
    """The record files of the project under `root` whose data passes `test`, by file name: tests
    pick records by what they hold, never by slug or title (editors rename and reword them)."""
    return [root / doc.path for doc in read_project(root).records if test(doc.data)]


def record_data(file: Path) -> dict:
    """A record's fields, as the project's loader reads them (dates as text)."""
    return load_text(file.read_text(encoding="utf-8"), file.name).data


def edit_record(file: Path, **fields) -> dict:
    """Rewrite a record with `fields` changed (None: left out); returns its new data."""
    data = {k: v for k, v in {**record_data(file), **fields}.items() if v is not None}
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def _fields_given(data: dict) -> int:
    """How much a record states: its fields, criteria, links and guidance references."""
    return (
        len(data)
        + len(data["quality"])
        + len(data.get("links", []))
        + len(data.get("guidance", []))
    )


@functools.cache
def bundled_records() -> dict[str, dict]:
    """Slug -> data of each record in a copy of the project (the generated ones included)."""
    batch = generated_batch()
    files = [*(REPO / "initiatives").glob("*.yml"), *(batch.glob("*.yml") if batch else [])]
    return {file.stem: record_data(file) for file in sorted(files, key=lambda f: f.name)}


def fullest_record() -> str:
    """The slug of the record that states the most (fields, criteria, links, guidance): for
    tests of a page with every part."""
    records = bundled_records()
    return max(records, key=lambda slug: _fields_given(records[slug]))


def sparsest_record() -> str:
    """The slug of the record that states the least (criteria "Niet bekend", no links)."""
    records = bundled_records()
    return min(records, key=lambda slug: _fields_given(records[slug]))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """A copy of the tests' own small project (FIXTURE_PROJECT), for tests of the build's
    machinery (the swap, the lock, failing workers): they need a project that builds, not the
    bundled content, and its build costs half as much."""
    return copy_fixture_project(tmp_path / "project")


@pytest.fixture(scope="session")
def bundled_project(tmp_path_factory) -> Path:
    """The bundled content with the generated records, copied once per session: for tests that
    only read it (a test that changes a project uses `project`)."""
    return copy_project(tmp_path_factory.mktemp("bundled") / "project")


#: a project already built by `kennisbank build` (the content lane, `make check-content`: the
#: pull request's working tree, built once, is what its tests read)
BUILT_ENV = "KENNISBANK_BUILT_PROJECT"


@pytest.fixture(scope="session")
def built_project(request) -> Path:
    """`bundled_project`, built once per session; returns the project root (site in site/)."""
    from kennisbank_gen.publish import build

    if built := os.environ.get(BUILT_ENV):
        assert not SEEDS, (
            f"{BUILT_ENV} is the project as it is: set {generated_records.SEEDS_ENV}=none"
        )
        assert (Path(built) / "site" / "index.html").is_file(), f"{built}: not built"
        return Path(built)
    root = request.getfixturevalue("bundled_project")
    build(root, today=TODAY)
    return root


@pytest.fixture(scope="session")
def built_site(built_project: Path) -> Path:
    return built_project / "site"


def synthetic_records(root: Path, n: int) -> None:
    """Write `n` synthetic records (fictional, valid: benchmarks/synthetic.py) into a project."""
    spec = importlib.util.spec_from_file_location("synthetic", REPO / "benchmarks" / "synthetic.py")
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    synthetic.write_records(root, n)


@pytest.fixture(scope="session")
def paged_project(tmp_path_factory) -> Path:
    """The bundled content with enough synthetic records added for three pages of each
    initiatives overview (render/pages.py PER_PAGE), built once per session."""
    from kennisbank_gen.publish import build
    from kennisbank_gen.render.pages import PER_PAGE

    root = copy_project(tmp_path_factory.mktemp("paged") / "project")
    bundled = len(list((root / "initiatives").glob("*.yml")))
    synthetic_records(root, max(1, 2 * PER_PAGE + 1 - bundled))  # at least three pages
    build(root, today=TODAY)
    return root


@pytest.fixture(scope="session")
def paged_site_url(paged_project: Path):
    server, url = serve_directory(paged_project / "site")
    yield url
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def zensical_build(project: Path) -> None:
    """Builds the project's generated docs tree with Zensical into `site/` (its own CLI, strict
    as mkdocs.yml says): a test of engine portability."""
    zensical = Path(sys.executable).parent / "zensical"
    run = subprocess.run(
        [zensical, "build", "-f", "mkdocs.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


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
    from playwright.sync_api import expect, sync_playwright

    # Playwright's `expect` waits 5 s for a page to show what it should; on a loaded machine
    # (CI's two shared cores, several test runs at once) search results can take longer. A guard
    # against hangs, never an assertion on time: wait as long as the actions do.
    expect.set_options(timeout=30_000)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: the two screens browser tests look at: a laptop, and a phone (about what 400 % zoom of 1280 px
#: looks like)
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def wide(browser, site_url):
    """A fresh page on a laptop's screen (`WIDE`)."""
    context = browser.new_context(base_url=site_url, locale="nl-NL", viewport=WIDE)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser, site_url):
    """A fresh page on a phone (`PHONE`, touch)."""
    context = browser.new_context(
        base_url=site_url, locale="nl-NL", viewport=PHONE, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


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


@pytest.fixture
def parsed_again(monkeypatch) -> list[str]:
    """The record files `validate(known=...)` parses from here on (files it did not know), by
    path as shown."""
    seen: list[str] = []
    original = validate_module.record_from_bytes

    def counting(raw: bytes, shown: str):
        seen.append(shown)
        return original(raw, shown)

    monkeypatch.setattr(validate_module, "record_from_bytes", counting)
    return seen


@pytest.fixture
def tags_parsed(monkeypatch) -> list[str]:
    """The start tags Python-Markdown's HTML step reads from here on (render/html_blocks.py:
    the blocks our build marks are not among them)."""
    seen: list[str] = []
    real = htmlparser.HTMLExtractor.parse_starttag

    def reading(parser, i):
        end = real(parser, i)
        seen.append(parser.lasttag)
        return end

    monkeypatch.setattr(htmlparser.HTMLExtractor, "parse_starttag", reading)
    return seen
