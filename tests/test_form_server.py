"""The web form's server and its local backend (editors/form_server.py, decap_backend.js), with
the real decap-server from `make cms-install`: a record goes through; a write anywhere else, a
request from another origin, and a `.env` in the project change nothing."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from test_backend_guard import RAW, RECORD, SLUG, persist

from kennisbank_gen.editors.backend_guard import Rules
from kennisbank_gen.editors.form_server import (
    PASSED_ENVIRONMENT,
    FormServer,
    _UnixConnection,
)
from kennisbank_gen.render.cms import cms_installed

FILES = {"admin/index.html": "<!doctype html><title>Redactie</title>", "admin/config.yml": "x: 1\n"}


def backend_processes(root: Path) -> list[str]:
    """The ids of running Node.js processes serving `root`'s web form (decap_backend.js gets
    the project's cms/ folder as its first argument)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"decap_backend.js") for a in args) and (
            str(root.resolve() / "cms").encode() in args
        ):
            found.append(cmdline.parent.name)
    return found


def node() -> str:
    found = shutil.which("node")
    if found is None or not cms_installed(REPO):
        message = "the web form is not installed: run `make cms-install` (needs node and npm)"
        if os.environ.get("KENNISBANK_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


@contextlib.contextmanager
def form_server(root: Path, mode: str = "fs"):
    """The form's server on a free port with decap-server behind it; `reported` its messages."""
    reported: list[str] = []
    server = FormServer(0, Rules(root.resolve(), "main"), lambda: FILES, reported.append)
    server.reported = reported
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        server.start_backend(node(), REPO / "cms", mode)
        yield server
    finally:
        server.close()


def ask(server: FormServer, body: object, method: str = "POST", **headers: str):
    """One request to the form server; (status, headers, parsed answer)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"Origin": server.origin, "Content-Type": "application/json", **headers}
    sent = {name.replace("_", "-"): value for name, value in sent.items() if value is not None}
    connection = http.client.HTTPConnection(*server.server_address, timeout=60)
    try:
        connection.request(method, "/api/v1", data if method == "POST" else None, sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8")
        return response.status, dict(response.getheaders()), json.loads(text) if text else None
    finally:
        connection.close()


def snapshot(root: Path) -> dict[str, str]:
    """Every file and link under `root` (but .git/), with its content's or target's digest."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == ".git" or rel.startswith(".git/") or (path.is_dir() and not path.is_symlink()):
            continue
        data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
        found[rel] = hashlib.sha256(data).hexdigest()
    return found


def cors_headers(headers: dict[str, str]) -> list[str]:
    return [name for name in headers if name.lower().startswith("access-control-")]


#: writes the backend must refuse, each a way out of initiatives/
HOSTILE_WRITES = [
    persist(path="mkdocs.yml"),
    persist(path="initiatives/../mkdocs.yml"),
    persist(path="initiatives%2F..%2Fmkdocs.yml"),
    persist(path="initiatives\\..\\mkdocs.yml"),
    persist(path="/tmp/kennisbank-form-test.yml"),
    persist(path="initiatives/hook.py"),
    persist(path="src/kennisbank_gen/hook.py", slug="hook"),
    {
        "action": "persistMedia",
        "params": {
            "branch": "main",
            "asset": {
                "path": "overrides/main.html",
                "content": "PHNjcmlwdD4=",
                "encoding": "base64",
            },
            "options": {"commitMessage": "x"},
        },
    },
    {
        "action": "deleteFile",
        "params": {"branch": "main", "path": "mkdocs.yml", "options": {"commitMessage": "x"}},
    },
    {
        "action": "deleteFiles",
        "params": {
            "branch": "main",
            "paths": ["content/over.md"],
            "options": {"commitMessage": "x"},
        },
    },
]


def test_a_record_goes_through_and_a_write_anywhere_else_does_not(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "initiatives" / "link.yml").symlink_to(root / "mkdocs.yml")
    before = snapshot(root)
    with form_server(root) as server:
        for request in [*HOSTILE_WRITES, persist(path="initiatives/link.yml", slug="link")]:
            status, _, answer = ask(server, request)
            assert status == 403, (request, answer)
        assert snapshot(root) == before
        assert not Path("/tmp/kennisbank-form-test.yml").exists()
        status, _, answer = ask(server, persist())
        assert status == 200, answer
        assert (root / RECORD).read_text(encoding="utf-8") == RAW
        assert snapshot(root).keys() - before.keys() == {RECORD}
        status, _, entries = ask(
            server, {"action": "getEntry", "params": {"branch": "main", "path": RECORD}}
        )
        assert status == 200 and entries["data"] == RAW
        delete = {
            "action": "deleteFile",
            "params": {"branch": "main", "path": RECORD, "options": {"commitMessage": "weg"}},
        }
        assert ask(server, delete)[0] == 200
        assert snapshot(root) == before
        assert len(server.reported) == len(HOSTILE_WRITES) + 1  # each refusal said once


def test_another_origin_gets_no_cors_headers_and_no_data(tmp_path):
    root = copy_project(tmp_path / "project")
    info = {
        "action": "entriesByFolder",
        "params": {"branch": "main", "folder": "initiatives", "extension": "yml", "depth": 1},
    }
    with form_server(root) as server:
        status, headers, entries = ask(server, info)
        assert status == 200 and entries and not cors_headers(headers)  # the form itself
        port = server.server_address[1]
        for headers_sent in [
            {"Origin": "http://127.0.0.1:8000"},  # the preview's pages
            {"Origin": "https://evil.example"},
            {"Origin": "null"},  # a sandboxed frame or a file
            {"Origin": None},  # not a browser's request: nothing says where it comes from
            {"Host": f"evil.example:{port}"},  # a name rebound to 127.0.0.1
            {"Content_Type": "text/plain"},  # a form post or a simple request
        ]:
            status, headers, answer = ask(server, info, **headers_sent)
            assert status in (403, 415), headers_sent
            assert not cors_headers(headers) and "error" in answer and "data" not in str(answer)
        status, headers, _ = ask(
            server,
            b"",
            "OPTIONS",
            Origin="http://127.0.0.1:8000",
            Access_Control_Request_Method="POST",
            Access_Control_Request_Headers="content-type",
        )
        assert status == 403 and not cors_headers(headers)  # the preflight fails
        duplicate = (
            b'{"action": "getEntry", "params": {"branch": "main", "path": "x", "path": "y"}}'
        )
        assert ask(server, duplicate)[0] == 400
        assert ask(server, b"[" * 100_000)[0] == 400
        assert ask(server, b"{}", Content_Length=str(5 * 1024 * 1024))[0] == 413


def test_the_form_page_is_not_framed_embedded_or_sniffed(tmp_path):
    root = copy_project(tmp_path / "project")
    with form_server(root) as server:
        connection = http.client.HTTPConnection(*server.server_address, timeout=30)
        connection.request("GET", "/admin/")
        response = connection.getresponse()
        page = response.read().decode("utf-8")
        headers = dict(response.getheaders())
        connection.close()
    assert response.status == 200 and page == FILES["admin/index.html"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert not cors_headers(headers)


def git(root: Path, *args: str) -> str:
    """git in `root`, with none of the settings a test put in the environment on purpose."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_CONFIG", "NODE_"))}
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_dotenv_file_in_the_project_changes_nothing(tmp_path, monkeypatch):
    """decap-server's own command loads `.env` from its working directory: ORIGIN let another
    site in, GIT_CONFIG_* ran a command on the first save in git mode. Neither may work, from
    the project's `.env` or from the environment `kennisbank serve` runs in."""
    root = copy_project(tmp_path / "project")
    marker = tmp_path / "ran"
    hostile = {
        "ORIGIN": "https://evil.example",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "core.fsmonitor",
        "GIT_CONFIG_VALUE_0": f"touch {marker}; false",
        "NODE_OPTIONS": f"--require {tmp_path / 'evil.js'}",
        "GIT_REPO_DIRECTORY": "/",
    }
    (tmp_path / "evil.js").write_text(f"require('fs').writeFileSync('{marker}', 'node')\n")
    (root / ".env").write_text("".join(f"{k}={v}\n" for k, v in hostile.items()))
    for name, value in hostile.items():
        monkeypatch.setenv(name, value)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    subprocess.run(["git", "-C", str(root), "status"], capture_output=True, check=True)
    assert marker.exists()  # the command does run where git reads this environment...
    marker.unlink()
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.org")
    with form_server(root, "git") as server:
        backend = server.backend.process.pid
        environment = Path(f"/proc/{backend}/environ").read_bytes().split(b"\0")
        names = {entry.split(b"=", 1)[0].decode() for entry in environment if entry}
        assert names <= {*PASSED_ENVIRONMENT, "ORIGIN", "GIT_REPO_DIRECTORY", "LOG_LEVEL"}
        assert os.readlink(f"/proc/{backend}/cwd") == server.backend.directory
        assert os.listdir(server.backend.directory) == ["backend.sock"]  # nothing to read there
        # decap-server itself, asked from another origin, names only the form's
        connection = _UnixConnection(server.backend.socket, 30)
        connection.request(
            "POST",
            "/api/v1",
            b'{"action": "info"}',
            {"Content-Type": "application/json", "Origin": "https://evil.example"},
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.getheader("Access-Control-Allow-Origin") == server.origin
        # ...but not in the backend's: a save in git mode commits, and nothing ran
        status, _, answer = ask(server, persist(workflow=True))
        assert status == 200, answer
        assert RECORD in git(root, "ls-tree", "-r", "--name-only", f"cms/initiatives/{SLUG}")
    assert not marker.exists()


def test_git_mode_makes_no_branch_a_request_names(tmp_path):
    root = copy_project(tmp_path / "project")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    branches = git(root, "branch", "--list")
    tricks = [
        persist(workflow=True, collectionName="../../main"),
        persist(workflow=True, collectionName="src"),
        persist(path="initiatives/x.yml", slug="x/../../main", workflow=True),
        {
            "action": "publishUnpublishedEntry",
            "params": {"branch": "--orphan=x", "collection": "initiatives", "slug": SLUG},
        },
        {
            "action": "deleteUnpublishedEntry",
            "params": {"branch": "main", "collection": "initiatives", "slug": "../../main"},
        },
        {
            "action": "updateUnpublishedEntryStatus",
            "params": {
                "branch": "main",
                "collection": "initiatives",
                "slug": SLUG,
                "newStatus": "draft\n[core]\n\tfsmonitor = touch x",
            },
        },
    ]
    with form_server(root, "git") as server:
        for request in tricks:
            assert ask(server, request)[0] == 403, request
    assert git(root, "branch", "--list") == branches
    assert "fsmonitor" not in (root / ".git" / "config").read_text(encoding="utf-8")


def _serve(root: Path, *options: str) -> subprocess.CompletedProcess:
    kennisbank = Path(sys.executable).parent / "kennisbank"
    command = [kennisbank, "serve", "--cms", "--project", root, *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_cms_port_in_use_is_a_dutch_message_naming_cms_port(tmp_path):
    node()
    root = copy_project(tmp_path / "project")
    (root / "cms").symlink_to(REPO / "cms", target_is_directory=True)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _serve(root, "--dev-addr", f"127.0.0.1:{_free_port()}", "--cms-port", str(port))
    assert done.returncode == 1
    assert done.stderr.startswith(
        f"De preview start niet: --cms-port {port}: die poort is al in gebruik"
    )
    assert "Traceback" not in done.stderr and "EADDRINUSE" not in done.stderr
    assert "Preview:" not in done.stdout and not (root / "build").exists()
    assert backend_processes(root) == []  # decap-server never started


def test_git_mode_outside_a_git_repository_says_so(tmp_path):
    node()
    root = copy_project(tmp_path / "project")
    (root / "cms").symlink_to(REPO / "cms", target_is_directory=True)
    port, cms_port = _free_port(), _free_port()
    done = _serve(
        root, "--dev-addr", f"127.0.0.1:{port}", "--cms-port", str(cms_port), "--cms-mode", "git"
    )
    assert done.returncode == 1
    assert done.stderr.startswith("De preview start niet: --cms-mode git: verwacht een git-")
    assert "Traceback" not in done.stderr and backend_processes(root) == []


def test_the_backend_goes_with_the_preview_even_after_kill_9(tmp_path):
    """decap-server stops when its standard input closes: a preview killed outright leaves no
    backend behind."""
    root = copy_project(tmp_path / "project")
    (root / "cms").symlink_to(REPO / "cms", target_is_directory=True)
    starter = (
        "import pathlib, shutil, sys, time\n"
        "from kennisbank_gen.editors.form_server import LocalBackend\n"
        f"backend = LocalBackend(shutil.which('node'), pathlib.Path({str(root / 'cms')!r}), "
        f"pathlib.Path({str(root)!r}), 'http://127.0.0.1:1', 'fs')\n"
        "backend.wait_until_ready()\n"
        "print(backend.process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    node()
    parent = subprocess.Popen([sys.executable, "-c", starter], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())
        assert backend_processes(root) == [str(pid)]
    finally:
        parent.kill()  # SIGKILL: no cleanup of its own
        parent.wait()
        parent.stdout.close()
    deadline = time.monotonic() + 30
    while backend_processes(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert backend_processes(root) == []
