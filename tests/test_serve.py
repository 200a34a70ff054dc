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
from click.testing import CliRunner
from conftest import FIXTURE_REPORT, copy_fixture_project
from hostile_site import gate_page

from kennisbank_gen.cli import main
from kennisbank_gen.editors import serve
from kennisbank_gen.editors.form_server import pointer_page
from kennisbank_gen.editors.preview import Preview
from kennisbank_gen.editors.preview_banner import BANNER_ID, banner_script
from kennisbank_gen.editors.serve import PreviewServer, _error_page
from kennisbank_gen.findings import Finding
from kennisbank_gen.publish.mkdocs_site import LiveReload, reload_script_allowed
from kennisbank_gen.render.csp import SITE_POLICY, script_hash

SLUG = FIXTURE_REPORT


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
def test_serve_regenerates_on_record_change_and_survives_bad_input(tmp_path: Path):
    project = copy_fixture_project(tmp_path / "project")
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
def test_served_preview_shows_a_new_record_and_drops_a_deleted_one(tmp_path: Path):
    project = copy_fixture_project(tmp_path / "project")
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


def test_the_live_reload_script_is_allowed_by_its_hash_in_the_page_policy_only(tmp_path):
    """MkDocs' reload script is inline and new on every request: the preview adds its hash to
    the page's Content-Security-Policy, which otherwise allows only the theme's scripts."""
    (tmp_path / "index.html").write_text(gate_page("<p>tekst</p>"), encoding="utf-8")
    server = PreviewServer(Preview(tmp_path, 8081), "127.0.0.1", 0, str(tmp_path), "/")
    try:
        server.watch(str(tmp_path))  # the server injects its script only while watching
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


def test_the_watcher_hears_saves_not_reads(tmp_path):
    """Every update reads all the records: that wakes no watcher (the system is asked for files
    made, changed, removed or renamed; not opened or closed), a save does."""
    folder = tmp_path / "initiatives"
    folder.mkdir()
    record, other = folder / "a.yml", folder / "b.yml"
    record.write_text("title: A\n", encoding="utf-8")
    heard: list[set[Path]] = []
    server = LiveReload(lambda *_: None, "127.0.0.1", 0, str(tmp_path), "/")
    server.changed = heard.append
    try:
        server.watch(str(folder))
        server.observer.start()
        for _ in range(10):
            record.read_bytes()
        other.write_text("title: B\n", encoding="utf-8")  # heard after any event of the reads
        _wait_for(lambda: any(other in paths for paths in heard))
        assert not any(record in paths for paths in heard)
        record.write_text("title: C\n", encoding="utf-8")
        _wait_for(lambda: any(record in paths for paths in heard))
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()


CLEAN = gate_page("<h1>Over</h1><p>Gewone tekst.</p>")
HOSTILE = gate_page("<h1>Over</h1><script>window.pwned = 1</script>")


@pytest.mark.parametrize("mount_path", ["/", "/kennisbank/"])
def test_every_page_the_preview_sends_passes_the_output_gate(tmp_path, mount_path):
    """A page the gate refuses (here one put into the served directory by hand, past the
    build) is not sent: the banner names the page and the problem instead; the page still gets
    the live-reload script, allowed by its policy, so it shows up once fixed. The preview's own
    /admin/ (where the web form is) passes the gate too."""
    site = tmp_path / "site"
    pointer = pointer_page("http://127.0.0.1:8081/admin/")
    pages = {"index.html": CLEAN, "over/index.html": HOSTILE, "404.html": HOSTILE}
    for rel, text in (pages | {"admin/index.html": pointer}).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    reported: list[str] = []
    server = PreviewServer(
        Preview(tmp_path, report=reported.append), "127.0.0.1", 0, str(site), mount_path
    )
    try:
        server.watch(str(site))  # the server injects its script only while watching
        headers: dict[str, str] = {}

        def served(path: str) -> str:
            def start_response(status, header_list, exc_info=None):
                headers.update(header_list)

            body = server.serve_request({"PATH_INFO": mount_path + path}, start_response)
            return b"".join(body).decode("utf-8")

        home = served("")
        assert "Gewone tekst." in home and "/livereload/" in home
        assert headers["X-Content-Type-Options"] == "nosniff"
        refused = served("over/")
        assert "pwned" not in refused and "/livereload/" in refused
        assert f'id="{BANNER_ID}"' in refused and "over/index.html" in refused
        assert "verwacht geen inline script" in refused
        assert _reload_script_allowed_by_policy(refused)
        form = served("admin/")
        assert BANNER_ID not in form and 'href="http://127.0.0.1:8081/admin/"' in form
        assert _reload_script_allowed_by_policy(form)
        assert len(reported) == 1 and "over/index.html" in reported[0]
        served("over/")
        assert len(reported) == 1  # said once, not at every request
        not_found = _error_page(server, str(site), 404)
        assert b"pwned" not in not_found and BANNER_ID.encode() in not_found
    finally:
        server.server_close()


def _reload_script_allowed_by_policy(page: str) -> bool:
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    return "livereload(" in script and f"script-src 'self' '{script_hash(script)}'" in policy


def _serve_command(project: Path, *options: str) -> subprocess.CompletedProcess:
    kennisbank = Path(sys.executable).parent / "kennisbank"
    return subprocess.run(
        [kennisbank, "serve", "--project", project, *options],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_port_in_use_is_a_dutch_message_naming_dev_addr(project: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _serve_command(project, "--dev-addr", f"127.0.0.1:{port}")
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"De preview start niet: --dev-addr 127.0.0.1:{port}: die poort is al in gebruik"
    )
    assert "Traceback" not in done.stdout + done.stderr and "Preview:" not in done.stdout
    assert not (project / "build").exists()  # said before the first build, not after


@pytest.mark.parametrize(
    "dev_addr, said",
    [
        ("foo", "--dev-addr: verwacht IP-adres:poort, zoals 127.0.0.1:8000, gevonden 'foo'"),
        ("127.0.0.1:99999", "--dev-addr: verwacht IP-adres:poort"),
        ("127.0.0.1:", "--dev-addr: verwacht IP-adres:poort"),
        ("example.org:8000", "--dev-addr: verwacht IP-adres:poort"),
        ("192.0.2.1:8000", "--dev-addr 192.0.2.1:8000: dat adres hoort niet bij deze computer"),
    ],
)
def test_a_wrong_dev_addr_is_a_dutch_message(project: Path, dev_addr: str, said: str):
    result = CliRunner().invoke(main, ["serve", "--project", str(project), "--dev-addr", dev_addr])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"De preview start niet: {said}")
    assert "Error" not in result.output and not (project / "build").exists()


def test_mkdocs_yml_that_mkdocs_refuses_is_a_message_not_a_traceback(project: Path):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    # a setting the site accepts (SiteConfig) in a form MkDocs refuses: a list, not a text
    refused = text.replace("site_name:", "site_author: [Redactie, Beheer]\nsite_name:", 1)
    config.write_text(refused, encoding="utf-8")
    addr = f"127.0.0.1:{_free_port()}"
    result = CliRunner().invoke(main, ["serve", "--project", str(project), "--dev-addr", addr])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "De preview start niet: mkdocs.yml is niet in orde" in result.output


def test_while_it_serves_no_thread_keeps_the_interpreter_long(project: Path, monkeypatch):
    """The server's threads answer the browsers while an update renders in the same process:
    while the preview serves, the switch interval is `SWITCH_INTERVAL_S`; afterwards it is what
    it was."""
    before = sys.getswitchinterval()
    during = []
    monkeypatch.setattr(serve, "_serve_from", lambda *_: during.append(sys.getswitchinterval()))
    serve.serve(project, f"127.0.0.1:{_free_port()}")
    assert during == [serve.SWITCH_INTERVAL_S] and before > serve.SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before


def test_an_empty_extra_javascript_is_a_located_finding_not_a_crash(project: Path):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start, end = text.index("extra_javascript:"), text.index("extra:")
    config.write_text(text[:start] + "extra_javascript:\n\n" + text[end:], encoding="utf-8")
    addr = f"127.0.0.1:{_free_port()}"
    result = CliRunner().invoke(main, ["serve", "--project", str(project), "--dev-addr", addr])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "extra_javascript: verwacht een lijst" in result.output
    assert "mkdocs.yml is niet in orde" in result.output and "Preview:" not in result.output


def _fake_git(tmp_path: Path, monkeypatch, script: str) -> None:
    """A `git` first on PATH that runs `script` (sh)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")


def test_a_git_that_does_not_answer_is_a_dutch_message_not_a_hang(tmp_path, monkeypatch):
    """`--cms-mode git` asks git whether the project is a repository, within a time limit (a
    folder on a network disk that stopped answering keeps git waiting)."""
    _fake_git(tmp_path, monkeypatch, "exec sleep 60")
    monkeypatch.setattr(serve, "GIT_TIMEOUT_S", 0.5)
    with pytest.raises(serve.ServeProblem) as raised:
        serve._in_git_repository(tmp_path)
    assert str(raised.value).startswith("--cms-mode git: git gaf na 0.5 s geen antwoord")
    assert str(tmp_path) in str(raised.value)


@pytest.mark.parametrize("script, answer", [("exit 0", True), ("exit 128", False)])
def test_git_says_whether_the_project_is_a_repository(tmp_path, monkeypatch, script, answer):
    _fake_git(tmp_path, monkeypatch, script)
    assert serve._in_git_repository(tmp_path) is answer
