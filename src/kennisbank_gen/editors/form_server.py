"""The web form on its own origin: `kennisbank serve --cms` serves the form (`/admin/`) and its
local backend's API (`/api/v1`) on http://127.0.0.1:<cms-port>/, and nothing else there.

Why an origin of its own: a browser keeps nothing from a page of the same origin, so whatever the
form could reach from the preview's origin (127.0.0.1:8000), a script in any preview page could
reach too. On the form's origin the preview's pages are another origin: they get no CORS header
from this server, cannot read its answers, cannot frame the form (frame-ancestors 'none') or
embed its files (Cross-Origin-Resource-Policy), and their requests carry their own `Origin`,
which the API refuses.

The API is a guard in front of decap-server (the backend that reads and writes the working copy),
which itself listens on a Unix socket in a private directory (`LocalBackend`), not on a port. A
request reaches decap-server only when

- its `Host` is this server's address (a DNS-rebound name is refused) and its `Origin` is this
  server's origin (no other page, of the preview or any site);
- it is JSON (`Content-Type: application/json`, which a form or a simple request cannot send),
  at most `BODY_MAX` bytes, without a duplicate key;
- backend_guard.py accepts it: it lists, reads, writes or deletes records (`initiatives/*.yml`)
  and nothing else, in both modes.

decap-server gets the JSON as checked (serialised again), so it reads exactly what was checked.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..render.csp import ADMIN_PAGE, policy_for
from .backend_guard import EMPTY_ANSWERS, Rules, refusal
from .preview_banner import plain_page

API_PATH = "/api/v1"
FORM_PATH = "/admin/"
BODY_MAX = 4 * 1024 * 1024  # a record is at most 1 MB (read/load.py), JSON may double it
#: what the backend's process gets of the environment: nothing else (no `GIT_CONFIG_*`, no
#: `NODE_OPTIONS`); git needs PATH and HOME (the editor's own identity for git mode's commits)
PASSED_ENVIRONMENT = (
    *("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ"),
    *("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"),
)
BACKEND_START_SECONDS = 60  # a guard against a backend that never starts, not a timing claim
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".yml": "text/yaml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}
#: every answer: not sniffed, not embedded by another origin, no address passed on, not cached
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
#: the form's page: not framed, no window of another origin keeps a handle on it, and it loads
#: only from here (Decap compiles its configuration schema at run time: 'unsafe-eval'; its
#: styles are inline: 'unsafe-inline' for styles only)
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class BackendError(Exception):
    """decap-server did not start (the message says why, in Dutch)."""


def backend_environment(root: Path, origin: str) -> dict[str, str]:
    """The backend's whole environment: the passed names that are set, and its own settings."""
    env = {name: os.environ[name] for name in PASSED_ENVIRONMENT if name in os.environ}
    return {
        **env,
        "ORIGIN": origin,  # decap-server's CORS header names this origin only
        "GIT_REPO_DIRECTORY": str(root.resolve()),
        "LOG_LEVEL": "warn",
    }


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class LocalBackend:
    """decap-server's handlers (decap_backend.js) in a Node.js process of their own: an explicit
    environment (`backend_environment`), an empty private working directory (nothing there to
    read), listening on a Unix socket in that directory. It stops when its standard input
    closes, so it goes with the preview even when that is killed (`kill -9`). What it writes to
    standard error is passed on; its last line says why, when it does not start."""

    def __init__(self, node: str, modules: Path, root: Path, origin: str, mode: str):
        self.directory = tempfile.mkdtemp(prefix="kennisbank-form-")  # mode 0700
        self.socket = os.path.join(self.directory, "backend.sock")
        script = resources.files("kennisbank_gen.editors").joinpath("decap_backend.js")
        self.process = subprocess.Popen(
            [node, str(script), str(modules), self.socket, mode],
            env=backend_environment(root, origin),
            cwd=self.directory,
            stdin=subprocess.PIPE,  # never written: its end is the parent's end
            stderr=subprocess.PIPE,
            text=True,
        )
        self.said: list[str] = []
        self._stderr = threading.Thread(target=self._pass_on_stderr, daemon=True)
        self._stderr.start()

    def _pass_on_stderr(self) -> None:
        for line in self.process.stderr:
            self.said.append(line.rstrip("\n"))
            sys.stderr.write(line)

    def wait_until_ready(self) -> None:
        """Return once the backend answers; BackendError when it stopped or never answers."""
        deadline = time.monotonic() + BACKEND_START_SECONDS
        while True:
            if self.process.poll() is not None:
                self._stderr.join(timeout=5)
                said = [line for line in self.said if line.strip()]
                raise BackendError(
                    "de lokale backend van het invulformulier (decap-server) startte niet"
                    + (f": {said[-1]}" if said else "")
                )
            try:
                status, _ = self.ask(b'{"action":"info"}', timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BackendError("de lokale backend van het invulformulier antwoordt niet")
            time.sleep(0.1)

    def ask(self, body: bytes, timeout: float = 120) -> tuple[int, bytes]:
        """Send one API request; decap-server's status and answer."""
        connection = _UnixConnection(self.socket, timeout)
        try:
            headers = {"Content-Type": "application/json"}
            connection.request("POST", API_PATH, body, headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.stdin.close()  # it stops by itself; terminate in case it does not
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.join(timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)


def pointer_page(form_url: str | None) -> str:
    """The preview's `/admin/`: where the web form is (`form_url`), or how to start it."""
    if form_url:
        link = html.escape(form_url)
        where = f'Het invulformulier staat op een eigen adres: <a href="{link}">{link}</a>.'
    else:
        where = (
            "Start de preview met het invulformulier: <code>kennisbank serve --cms</code> (of "
            "<code>make cms</code>); het adres staat dan in het terminalvenster."
        )
    return plain_page(
        "Invulformulier",
        f"<h1>Invulformulier</h1>\n<p>{where}</p>\n<p>Het formulier heeft in de preview een "
        "eigen adres, zodat geen pagina van de site de lokale backend kan bereiken (zie "
        "SECURITY.md).</p>",
        policy_for(ADMIN_PAGE),  # the policy the gate wants on admin/index.html
    )


def _strict_object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are unique (two readers could pick different ones) and none of
    JavaScript's special names."""
    data = dict(pairs)
    if len(data) != len(pairs):
        raise ValueError("een sleutel staat er twee keer in")
    if data.keys() & {"__proto__", "constructor", "prototype"}:
        raise ValueError("verwacht geen __proto__, constructor of prototype")
    return data


def _no_constant(name: str) -> object:
    raise ValueError(f"verwacht JSON, gevonden {name}")


class FormServer(ThreadingHTTPServer):
    """The form's origin: `/admin/` from `files()`, `/api/v1` through the guard to `backend`.
    Binds at once (OSError when the port is taken); `serve_forever` in a thread serves."""

    daemon_threads = True

    def __init__(
        self,
        port: int,
        rules: Rules,
        files: Callable[[], dict[str, str | bytes]],
        report: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
    ):
        super().__init__(("127.0.0.1", port), _FormRequest)
        self.host = f"127.0.0.1:{self.server_address[1]}"
        self.origin = f"http://{self.host}"
        self.rules, self.files, self.report = rules, files, report
        self.backend: LocalBackend | None = None
        self._serving = False

    def handle_error(self, request, client_address) -> None:
        """A connection that broke off (a page closed, the preview stopping) is no news; any
        other error is a bug and shows its traceback."""
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        super().serve_forever(poll_interval)

    @property
    def form_url(self) -> str:
        return self.origin + FORM_PATH

    def start_backend(self, node: str, modules: Path, mode: str) -> None:
        """Start decap-server (from `modules`/node_modules) for this origin; return once it
        answers (BackendError when it does not)."""
        self.backend = LocalBackend(node, modules, self.rules.root, self.origin, mode)
        self.backend.wait_until_ready()

    def close(self) -> None:
        """Stop serving (when `serve_forever` runs) and stop the backend."""
        if self._serving:
            self.shutdown()
        self.server_close()
        if self.backend is not None:
            self.backend.stop()


class _FormRequest(BaseHTTPRequestHandler):
    server: FormServer
    timeout = 60  # a request that stops half-way does not keep its thread

    def log_message(self, format: str, *args: object) -> None:
        pass  # refusals are reported in `refuse`; the rest is not news

    def do_GET(self) -> None:
        if self.headers.get("Host") != self.server.host:
            return self.refuse(403, f"verwacht het adres {self.server.host}")
        path = unquote(urlsplit(self.path).path)
        if path in ("/", FORM_PATH.rstrip("/")):
            return self.answer(302, b"", {"Location": FORM_PATH})
        name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        content = self.server.files().get(name) if path.startswith(FORM_PATH) else None
        if content is None:
            return self.answer(404, b"Niet gevonden", {"Content-Type": CONTENT_TYPES[".txt"]})
        data = content.encode("utf-8") if isinstance(content, str) else content
        kind = CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")
        headers = {"Content-Type": kind}
        if name.endswith(".html"):
            headers |= PAGE_HEADERS
        self.answer(200, data, headers)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_OPTIONS(self) -> None:
        self.refuse(403, "verwacht geen verzoek van een andere herkomst (CORS)")

    def do_POST(self) -> None:
        server = self.server
        if self.headers.get("Host") != server.host:
            return self.refuse(403, f"verwacht het adres {server.host}")
        if self.headers.get("Origin") != server.origin:
            return self.refuse(403, f"verwacht een verzoek van het formulier ({server.origin})")
        if urlsplit(self.path).path != API_PATH or "?" in self.path:
            return self.refuse(404, f"verwacht {API_PATH}")
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return self.refuse(415, f"verwacht application/json, gevonden {kind or 'niets'}")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self.refuse(411, "verwacht een Content-Length")
        if not 0 <= length <= BODY_MAX:
            return self.refuse(413, f"verwacht hoogstens {BODY_MAX} bytes, gevonden {length}")
        try:
            request = json.loads(
                self.rfile.read(length).decode("utf-8"),
                object_pairs_hook=_strict_object,
                parse_constant=_no_constant,
            )
        except (ValueError, RecursionError) as exc:
            return self.refuse(400, f"verwacht JSON: {exc}"[:200])
        action = request.get("action") if isinstance(request, dict) else None
        if action in EMPTY_ANSWERS:  # asked by Decap itself; the form has nothing there
            return self.answer_json(200, EMPTY_ANSWERS[action])
        if reason := refusal(request, server.rules):
            return self.refuse(403, reason)
        if server.backend is None:
            return self.refuse(503, "de lokale backend is nog niet gestart")
        try:
            status, answer = server.backend.ask(json.dumps(request, ensure_ascii=False).encode())
        except OSError as exc:
            return self.refuse(502, f"de lokale backend antwoordt niet ({exc.strerror or exc})")
        self.answer(status, answer, {"Content-Type": "application/json; charset=utf-8"})

    def refuse(self, status: int, reason: str) -> None:
        self.server.report(f"Invulformulier: verzoek niet uitgevoerd ({status}): {reason}")
        self.answer_json(status, {"error": reason})

    def answer_json(self, status: int, data: object) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.answer(status, body, {"Content-Type": "application/json; charset=utf-8"})

    def answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**HEADERS, **headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the page went
                self.wfile.write(body)
