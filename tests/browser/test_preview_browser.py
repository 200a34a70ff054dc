"""The preview editors can trust: `kennisbank serve` prints its address, and while the last change
has findings every page shows a Dutch banner listing them (file, line, message), in Chromium; it
is gone as soon as the record is fixed."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE_REPORT, copy_fixture_project
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLUG = FIXTURE_REPORT  # a record of the tests' own project, worded as this test expects
WAIT_MS = 90_000  # a guard against hangs, not a timing assertion


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _address(log: Path) -> str:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if m := re.search(r"^Preview: (http://\S+)", log.read_text(encoding="utf-8"), re.M):
            return m.group(1)
        time.sleep(0.3)
    pytest.fail("serve printed no address:\n" + log.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_preview_shows_a_banner_while_a_record_is_broken(browser, tmp_path: Path):
    project = copy_fixture_project(tmp_path / "project")
    port = _free_port()
    log_file = tmp_path / "serve.log"
    kennisbank = Path(sys.executable).parent / "kennisbank"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [kennisbank, "serve", "--project", project, "--dev-addr", f"127.0.0.1:{port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    try:
        address = _address(log_file)
        assert address == f"http://127.0.0.1:{port}/"
        banner = page.locator("#kb-preview-findings")
        for path in (f"initiatieven/{SLUG}/", ""):
            deadline = time.monotonic() + WAIT_MS / 1000
            while True:  # the server may still be starting
                try:
                    page.goto(address + path)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            expect(page.locator("h1").first).to_be_visible(timeout=WAIT_MS)
            expect(banner).to_have_count(0)

        page.goto(address + f"initiatieven/{SLUG}/")
        record = project / "initiatives" / f"{SLUG}.yml"
        original = record.read_text(encoding="utf-8")
        broken = original.replace("scale: nvt", "scale: grote")
        assert broken != original
        line = next(n for n, text in enumerate(broken.splitlines(), 1) if "scale: grote" in text)
        record.write_text(broken, encoding="utf-8")
        expect(banner).to_be_visible(timeout=WAIT_MS)  # the page reloads by itself
        expect(banner).to_contain_text("De preview is niet bijgewerkt")
        expect(banner).to_contain_text(f"initiatives/{SLUG}.yml:{line} quality.scale:")
        expect(banner).to_contain_text("verwacht een van [groot, middel, klein, nvt]")
        expect(banner).to_have_attribute("role", "alert")
        page.goto(address + "kwaliteitskader/")  # every page, not just the broken record's
        expect(banner).to_be_visible(timeout=WAIT_MS)

        record.write_text(original, encoding="utf-8")
        expect(banner).to_have_count(0, timeout=WAIT_MS)
        assert process.poll() is None
    finally:  # the server first: a live reload racing context.close() can hang Chromium
        process.terminate()
        process.wait(timeout=30)
        context.close()
