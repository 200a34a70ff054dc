"""Hostile and broken input: every case ends in a clear finding or in safe output. Never a
traceback, never a hang (each run is a separate process with a time limit and an address-space
limit), and a failed build leaves the previous site and generated docs exactly as they were.

The committed cases are in tests/hostile/ (see its README); the big and odd ones are made here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, copy_project
from hostile_site import (
    HOSTILE,
    MARKER,
    VALID_HOSTILE,
    hostile_project,
    live_markup,
    script_sources,
)

KENNISBANK = Path(sys.executable).with_name("kennisbank")
HANG_GUARD = 120  # seconds; a generous bound, not a performance assertion
MEMORY = 1 << 30  # bytes of address space per run (an expanded alias bomb would need far more)
SIZE_FINDING = "verwacht een bestand kleiner dan 1.000.000 bytes"

#: committed cases -> substrings that must each appear in some finding's message
COMMITTED: dict[str, list[str]] = {
    "script-in-body.yml": [
        "verwacht Markdown zonder HTML, gevonden '<script>'",
        "gevonden '<iframe src=",
        "gevonden '<img src=x onerror=",
        "gevonden '<div style=",
        'gevonden \'<a href="https://example.org" onclick=',
        "gevonden '<!--",
        "verwacht Markdown zonder attributen zoals {: .klasse }, gevonden '{: onclick=",
        "verwacht Markdown zonder attributen zoals {: .klasse }, gevonden '{: onmouseover=",
    ],
    "javascript-url.yml": [
        "gevonden 'javascript:alert(1",
        "gevonden 'JaVaScRiPt:alert(1",
        "gevonden 'javascript:alert(1)'",
        "gevonden '&#106;avascript:alert(1",
        "gevonden '//evil.example/x'",
        "begint met https://, http:// of mailto:, gevonden 'javascript:alert(1)'",
    ],
    "data-url.yml": [
        "gevonden 'data:text/html;base64,",
        "gevonden 'vbscript:msgbox(1",
        "gevonden 'file:///etc/passwd'",
        "verwacht Markdown zonder afbeeldingen, gevonden '![pixel](https://tracker.example",
        "verwacht een adres dat begint met https://, http:// of mailto:, gevonden 'data:text/html,",
    ],
    "markdown-tricks.yml": [
        "gevonden '<x=y onmouseover=",
        "gevonden '<b onmouseover=",
        "verwacht Markdown zonder HTML, gevonden '<script>'",
        "gevonden '<img src=x onerror=",
        "verwacht Markdown zonder attributen zoals {: .klasse }, gevonden '{ onclick=",
        "gevonden 'javascript:alert(1)'",
    ],
    "alias-bomb.yml": ["verwacht gewone YAML, gevonden een anker '&a'"],
    "python-object.yml": [
        "verwacht gewone YAML, gevonden de tag '!!python/object/apply:os.system'"
    ],
    "tab-indented.yml": ["verwacht spaties om in te springen, gevonden een tab"],
    "nul-byte.yml": ["verwacht leesbare tekst, gevonden het teken U+0000"],
    "control-escapes.yml": ["verwacht leesbare tekst, gevonden het teken U+0000"],
}
#: how many findings some committed cases must give (one per attack, not just the first)
COUNTS = {
    "script-in-body.yml": 14,  # `<!-- <script>` is two findings: each `<` starts one
    "javascript-url.yml": 9,
    "data-url.yml": 6,
    "markdown-tricks.yml": 9,
}


def _generated() -> dict[str, tuple[Callable[[Path], None], list[str]]]:
    """Cases too big, too odd or too binary to commit: (make the file at path, expectations)."""

    def huge(path: Path) -> None:  # 50 MB, a real file (not sparse)
        with path.open("wb") as out:
            out.write(b"title: Heel groot\nbody: |\n")
            line = b"  " + b"x" * 1021 + b"\n"
            for _ in range(50 * 1024):
                out.write(line)

    def just_too_big(path: Path) -> None:
        path.write_bytes(b"title: " + b"x" * 1_000_000 + b"\n")

    def deep_flow(path: Path) -> None:
        path.write_text("title: " + "[" * 200_000 + "]" * 200_000 + "\n")

    def deep_mapping(path: Path) -> None:
        path.write_text("title: " + "{a: " * 100_000 + "b" + "}" * 100_000 + "\n")

    def deep_block(path: Path) -> None:
        path.write_text("".join(" " * i + "a:\n" for i in range(600)) + " " * 600 + "b\n")

    def flood(path: Path) -> None:  # just under the size limit, one finding per tag
        path.write_text(
            "title: Heel veel HTML\nbody: |\n" + "  <i>x</i> <b>y</b>\n" * 45_000, encoding="utf-8"
        )

    def wide(path: Path) -> None:  # tens of thousands of unknown fields
        path.write_text("".join(f"veld{i}: {i}\n" for i in range(60_000)))

    def long_list(path: Path) -> None:
        path.write_text("".join(f"- {i}\n" for i in range(100_000)))

    def garbage(path: Path) -> None:
        path.write_bytes(bytes(range(256)) * 2000)

    def utf16(path: Path) -> None:
        path.write_bytes("title: UTF-16\n".encode("utf-16"))

    def dev_zero(path: Path) -> None:
        path.symlink_to("/dev/zero")

    def outside_link(path: Path) -> None:
        path.symlink_to("/etc/passwd")

    def fifo(path: Path) -> None:
        os.mkfifo(path)

    return {
        "huge-50mb.yml": (huge, [SIZE_FINDING, "gevonden 52."]),
        "just-too-big.yml": (just_too_big, [SIZE_FINDING]),
        "deep-flow.yml": (deep_flow, ["niveaus diep"]),
        "deep-mapping.yml": (deep_mapping, ["niveaus diep"]),
        "deep-block.yml": (deep_block, ["niveaus diep"]),
        "findings-flood.yml": (flood, ["verwacht Markdown zonder HTML, gevonden '<i>'"]),
        "wide-mapping.yml": (wide, ["gevonden het onbekende veld 'veld59999'"]),
        "long-list.yml": (long_list, ["verwacht velden (naam: waarde), gevonden een lijst"]),
        "garbage.yml": (garbage, ["verwacht UTF-8-tekst, gevonden de byte 0x80"]),
        "utf16.yml": (utf16, ["verwacht UTF-8-tekst, gevonden de byte 0xff"]),
        "dev-zero.yml": (dev_zero, ["verwacht een gewoon bestand, gevonden een symbolische link"]),
        "outside-link.yml": (
            outside_link,
            ["verwacht een gewoon bestand, gevonden een symbolische link"],
        ),
        "fifo.yml": (fifo, ["verwacht een gewoon bestand, gevonden een speciaal bestand"]),
        '<script>alert("naam")<.yml': (
            lambda p: shutil.copy2(HOSTILE / "crlf.yml", p),
            ["verwacht een bestandsnaam in kleine letters met streepjes"],
        ),
        "regel\n::error::nep.yml": (
            lambda p: shutil.copy2(HOSTILE / "crlf.yml", p),
            ["verwacht een bestandsnaam in kleine letters met streepjes"],
        ),
    }


GENERATED = _generated()
INVALID_CASES = sorted(COMMITTED) + sorted(GENERATED)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def kennisbank(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run the CLI in its own process, bounded in time (hang guard) and memory."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return subprocess.run(
        [str(KENNISBANK), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_limits,
        env=env,
    )


def add_case(name: str, initiatives: Path) -> Path:
    target = initiatives / name
    if name in COMMITTED or name in VALID_HOSTILE:
        shutil.copy2(HOSTILE / name, target)
    else:
        GENERATED[name][0](target)
    return target


def expectations(name: str) -> list[str]:
    return COMMITTED[name] if name in COMMITTED else GENERATED[name][1]


def assert_no_crash(result: subprocess.CompletedProcess) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream[-3000:]
        assert "MemoryError" not in stream
        assert "RecursionError" not in stream


@pytest.mark.parametrize("name", INVALID_CASES, ids=repr)
def test_hostile_record_gives_clear_findings(name, project):
    path = add_case(name, project / "initiatives")
    result = kennisbank("validate", path, "--format", "json", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)
    messages = [f["message"] for f in findings]
    for wanted in expectations(name):
        assert any(wanted in m for m in messages), f"{wanted!r} not in {messages[:20]}"
    if name in COUNTS:
        assert len(findings) == COUNTS[name]
    shown = f"initiatives/{name}"
    for f in findings:
        assert f["path"] == shown and f["line"] >= 1 and f["col"] >= 1
        assert f["severity"] == "error"
    if name == "outside-link.yml":
        assert "root:" not in result.stdout  # nothing of the linked file is read or shown


def test_python_tags_run_nothing(project):
    add_case("python-object.yml", project / "initiatives")
    for command in (["validate"], ["build"], ["new", "--no-input"]):
        result = kennisbank(*command, cwd=project)
        assert_no_crash(result)
        assert result.returncode in (1, 2)
    assert not list(project.rglob("HOSTILE-PWNED"))
    assert not (Path.cwd() / "HOSTILE-PWNED").exists()


def test_file_names_cannot_inject_workflow_commands(project):
    """A file name with a line break cannot start a second GitHub annotation."""
    case = add_case("regel\n::error::nep.yml", project / "initiatives")
    result = kennisbank("validate", "--format", "github", case.relative_to(project), cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::error file=initiatives/regel%0A") for line in lines)


# --- a failed build changes nothing -----------------------------------------------------------


def digest(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory):
    """A project with a built site; each case adds its file, runs a build, and takes it away."""
    from kennisbank_gen.publish import build

    root = copy_project(tmp_path_factory.mktemp("prebuilt") / "project")
    build(root, today=TODAY)
    return root, digest(root / "site"), digest(root / "build" / "docs")


@pytest.mark.parametrize("name", INVALID_CASES, ids=repr)
def test_failed_build_leaves_the_previous_site_untouched(name, prebuilt):
    root, site_before, docs_before = prebuilt
    path = add_case(name, root / "initiatives")
    try:
        result = kennisbank("build", cwd=root)
    finally:
        path.unlink()
    assert_no_crash(result)
    assert result.returncode == 1
    assert "de vorige site is ongewijzigd" in result.stderr
    assert digest(root / "site") == site_before
    assert digest(root / "build" / "docs") == docs_before
    assert not [p.name for p in root.iterdir() if p.name.startswith((".site.staging", ".site.old"))]


# --- valid hostile records: the payloads come out as text ------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return hostile_project(tmp_path_factory)


@pytest.fixture(scope="module")
def record() -> dict:
    return yaml.safe_load((HOSTILE / "script-in-text.yml").read_text(encoding="utf-8"))


def test_valid_hostile_records_validate(project):
    cases = [add_case(name, project / "initiatives").relative_to(project) for name in VALID_HOSTILE]
    result = kennisbank("validate", "--strict", *cases, cwd=project)
    assert_no_crash(result)
    assert result.returncode == 0, result.stdout


def test_no_page_carries_live_markup_from_a_record(hostile):
    pages = sorted((hostile / "site").rglob("*.html"))
    assert len(pages) > 40
    reference = script_sources(
        (hostile / "site" / "initiatieven" / "bom" / "index.html").read_text(encoding="utf-8")
    )
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert live_markup(text) == [], page
    hostile_page = hostile / "site" / "initiatieven" / "script-in-text" / "index.html"
    assert script_sources(hostile_page.read_text(encoding="utf-8")) == reference


def _parse(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_text_fields_show_exactly_as_typed(hostile, record):
    page = _parse(hostile / "site" / "initiatieven" / "script-in-text" / "index.html")
    title, summary = record["title"], " ".join(record["summary"].split())
    assert page.title.get_text() == f"{title} - Kennisbank Studentenwelzijn"
    assert page.find("meta", attrs={"name": "description"})["content"] == record["summary"]
    assert page.find("h1").get_text().rstrip("¶") == title
    text = page.get_text()
    for initiator in record["initiators"]:
        assert initiator in text
    assert summary in " ".join(text.split())
    link = page.find("a", string=record["links"][0]["label"])
    assert link is not None and link["href"] == record["links"][0]["url"]
    scripts = page.find_all("script")
    assert MARKER not in "".join(str(s) for s in scripts if s.get("type") != "application/ld+json")
    # the record's text is in the JSON-LD as data only: valid JSON, no "<" that could end it
    [data] = [s.string for s in scripts if s.get("type") == "application/ld+json"]
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(data)["name"] == title


def test_title_in_lists_and_on_linked_pages_is_text(hostile, record):
    for url in ("initiatieven", "initiatieven/op-titel", "tips/inholland-docenten/01", ""):
        page = _parse(hostile / "site" / url / "index.html")
        links = [a for a in page.find_all("a") if a.get_text() == record["title"]]
        if url != "":  # the home page lists only the newest few
            assert links, url


def test_exports_keep_text_exact(hostile, record):
    site = hostile / "site"
    data = json.loads((site / "initiatieven.json").read_text(encoding="utf-8"))
    (entry,) = [i for i in data["initiatives"] if i["slug"] == "script-in-text"]
    assert entry["title"] == record["title"]
    assert entry["initiators"] == record["initiators"]
    rows = list(csv.DictReader(io.StringIO((site / "initiatieven.csv").read_text("utf-8"))))
    (row,) = [r for r in rows if r["slug"] == "script-in-text"]
    assert row["titel"] == record["title"]
    for cells in rows:  # no cell a spreadsheet would run as a formula
        assert not any(v[:1] in ("=", "+", "-", "@") for v in cells.values() if v), cells
    feed = ET.parse(site / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert record["title"] in titles


def test_bom_and_crlf_records_render_cleanly(hostile):
    for slug, title in (("bom", "Met een BOM"), ("crlf", "Met CRLF-regeleinden")):
        text = (hostile / "site" / "initiatieven" / slug / "index.html").read_text("utf-8")
        assert f"<title>{title} - Kennisbank Studentenwelzijn</title>" in text
        assert "\ufeff" not in text and "\r" not in text
        assert "<h2" in text and "Een alinea." in text


def test_unicode_survives_into_title_and_meta(hostile):
    record = yaml.safe_load((HOSTILE / "unicode.yml").read_text(encoding="utf-8"))
    page = _parse(hostile / "site" / "initiatieven" / "unicode" / "index.html")
    assert page.title.get_text() == f"{record['title']} - Kennisbank Studentenwelzijn"
    assert page.find("meta", attrs={"name": "description"})["content"] == record["summary"]
    assert "👩🏽‍🎓" in page.find("h1").get_text()
