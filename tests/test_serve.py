"""Live preview: `kennisbank serve` regenerates when a record changes and survives bad input."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hostile_site import gate_page
from watchdog.events import FileSystemEventHandler

from kennisbank_gen.editors.preview_banner import banner_script
from kennisbank_gen.findings import Finding
from kennisbank_gen.publish.mkdocs_site import LiveReload, reload_script_allowed
from kennisbank_gen.render.csp import SITE_POLICY, script_hash

SLUG = "inspectie-sociale-veiligheid-kunst-mode-2023"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout: float = 90.0):
    """Poll until predicate() is truthy; a guard against hangs, not a timing assertion."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail("timed out waiting for the live preview")


@contextlib.contextmanager
def serving(project: Path):
    """`kennisbank serve` of `project` on a free port, logging to serve.log; yields its
    address and stops it afterwards."""
    port = _free_port()
    kennisbank = Path(sys.executable).parent / "kennisbank"
    with (project / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [kennisbank, "serve", "--project", project, "--dev-addr", f"127.0.0.1:{port}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield f"http://127.0.0.1:{port}/", process
        finally:
            process.terminate()
            process.wait(timeout=30)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


@pytest.mark.slow
def test_serve_regenerates_on_record_change_and_survives_bad_input(project: Path):
    with serving(project) as (base, process):
        url = f"{base}initiatieven/{SLUG}/"
        _wait_for(lambda: "Sturen op blijvende" in _get(url))
        record = project / "initiatives" / f"{SLUG}.yml"
        original = record.read_text(encoding="utf-8")
        record.write_text(
            original.replace("title: Sturen op", "title: Herzien sturen op"), encoding="utf-8"
        )
        _wait_for(lambda: "Herzien sturen op" in _get(url))

        record.write_text(original.replace("scale: nvt", "scale: grote"), encoding="utf-8")
        logged = _wait_for(
            lambda: "gevonden 'grote'" in (text := (project / "serve.log").read_text()) and text
        )
        assert f"initiatives/{SLUG}.yml" in logged and "Traceback" not in logged
        assert f"Preview: {base}" in logged
        assert "Herzien sturen op" in _get(url)  # the last good state is still served
        assert process.poll() is None


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_served_preview_shows_a_new_record_and_drops_a_deleted_one(project: Path):
    with serving(project) as (base, _process):
        _wait_for(lambda: "Sturen op blijvende" in _get(f"{base}initiatieven/{SLUG}/"))
        record = project / "initiatives" / f"{SLUG}.yml"
        new = project / "initiatives" / "nieuw-via-de-preview.yml"
        text = record.read_text(encoding="utf-8")
        new.write_text(text.replace("title: Sturen op", "title: Nieuw sturen op"), "utf-8")
        _wait_for(lambda: "Nieuw sturen op" in _get(f"{base}initiatieven/nieuw-via-de-preview/"))
        _wait_for(lambda: "Nieuw sturen op" in _get(f"{base}initiatieven/op-titel/"))

        new.unlink()
        _wait_for(lambda: _status(f"{base}initiatieven/nieuw-via-de-preview/") == 404)
        _wait_for(lambda: "Nieuw sturen op" not in _get(f"{base}initiatieven/op-titel/"))
        assert "Traceback" not in (project / "serve.log").read_text()


def test_banner_script_puts_findings_on_the_page_as_text_only():
    hostile = Finding("initiatives/x.yml", 3, 7, "title", "gevonden '</script><img onerror=x>'")
    script = banner_script([hostile])
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    data = re.search(r"var findings = (.*);", script).group(1)
    assert json.loads(data) == [
        {"where": "initiatives/x.yml:3 title:", "message": "gevonden '</script><img onerror=x>'"}
    ]
    assert json.loads(re.search(r"var findings = (.*);", banner_script([])).group(1)) == []


@pytest.mark.parametrize("mount_path", ["/", "/kennisbank/"])
def test_pages_get_the_live_reload_script_and_the_web_form_does_not(tmp_path, mount_path):
    """A rebuild (each save, each branch decap-server checks out) reloads the site's pages; the
    form at /admin/ must not reload under the editor's hands."""
    for rel in ("index.html", "initiatieven/index.html", "admin/index.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"<html><body>{rel}</body></html>", encoding="utf-8")
    server = LiveReload(None, "127.0.0.1", 0, str(tmp_path), mount_path, "admin")
    try:
        # the server injects its script only while watching
        server.watch(str(tmp_path), handler=FileSystemEventHandler())

        def served(path: str) -> str:
            body = server.get_app()({"PATH_INFO": mount_path + path}, lambda *_: None)
            return b"".join(body).decode("utf-8")

        assert "/livereload/" in served("")
        assert "/livereload/" in served("initiatieven/")
        form = served("admin/")
        assert "admin/index.html" in form and "/livereload/" not in form
    finally:
        server.server_close()


def test_the_live_reload_script_is_allowed_by_its_hash_in_the_page_policy_only(tmp_path):
    """MkDocs' reload script is inline and new on every request: the preview adds its hash to
    the page's Content-Security-Policy, which otherwise allows only the theme's scripts."""
    (tmp_path / "index.html").write_text(gate_page("<p>tekst</p>"), encoding="utf-8")
    server = LiveReload(None, "127.0.0.1", 0, str(tmp_path), "/", "admin")
    try:
        server.watch(str(tmp_path), handler=FileSystemEventHandler())
        served = b"".join(server.get_app()({"PATH_INFO": "/"}, lambda *_: None))
    finally:
        server.server_close()
    page = served.decode("utf-8")
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "livereload(" in script
    with_reload = f"script-src 'self' '{script_hash(script)}'"
    assert policy == SITE_POLICY.replace("script-src 'self'", with_reload)
    assert reload_script_allowed(b"<p>geen beleid</p>") == b"<p>geen beleid</p>"
