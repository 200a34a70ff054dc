"""Serve: live preview. When a record, the framework, a content file, mkdocs.yml or the theme
overrides change, the preview regenerates the docs tree and builds only the pages that changed
(preview.py), first those of the saved file; MkDocs' development server serves the site and
reloads the browser after each step.

Every page the preview sends passes the build's output gate first (preview_gate.py): a page it
refuses is not shown, the banner naming file and problem is.

With `--cms`, the web form runs alongside on an origin of its own (form_server.py): its page at
http://127.0.0.1:<cms-port>/admin/, and Decap CMS's local backend (`decap-server`, from `make
cms-install`) behind a guard that lets through only what reads or writes records
(backend_guard.py). A saved record appears in the preview like any other change.

A problem at the start (a port in use, an address that is not this computer's, the form not
installed) is one Dutch line naming the option to change, exit code 1; never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from os.path import isfile, join
from pathlib import Path
from urllib.parse import urlsplit

import click
from mkdocs.exceptions import MkDocsException

from ..config import SiteConfig
from ..pool import Pool
from ..publish.mkdocs_site import LiveReload, load
from ..render.cms import cms_installed
from . import preview_banner
from .backend_guard import Rules
from .form_server import BackendError, FormServer
from .preview import Preview
from .preview_gate import PageGate
from .preview_site import PreviewSite

#: decap-server's handlers, under the project's cms/ folder (`make cms-install`)
DECAP_SERVER = "cms/node_modules/decap-server/dist/middlewares.js"

WATCHED = ("initiatives", "content", "quality_framework", "overrides")
#: seconds `git rev-parse` may take to say whether the project is a repository
GIT_TIMEOUT_S = 10.0
#: seconds a thread may keep the interpreter while another waits for it, while the preview
#: serves (Python's default: 0.005). After a save the browsers reload while the update renders
#: the rest of the site in this process, and each answer needs the interpreter many times: at
#: the default, with 1,000 records, both overview pages showed the change 0.36-1.25 s after the
#: save (median 0.81-1.20 s), at 0.0005 s 0.36-0.47 s (benchmarks/preview_bench.py), and the
#: update took no longer (1.48 s to its end, against 1.53-1.55 s)
SWITCH_INTERVAL_S = 0.0005


class PreviewServer(LiveReload):
    """MkDocs' development server (publish/mkdocs_site.py, `LiveReload`) serving `preview`:
    file events hand the changed paths to `Preview.update`, and every HTML page passes the
    output gate (`gate`, preview_gate.py) before it gets the reload script (the gate would
    refuse that script: it is not the site's)."""

    def __init__(self, preview: Preview, host: str, port: int, root: str, mount_path: str):
        super().__init__(self._update, host, port, root, mount_path)
        self.preview = preview
        self.gate = PageGate(self.url, preview.source_of, preview.report)

    def served(self, page: str, content: bytes) -> bytes:
        return self.gate.served(page, content)

    def _update(self, changed: set[Path], publish: Callable, pending: Callable) -> None:
        try:
            self.preview.update(changed, publish, pending)
        except MkDocsException as exc:  # mkdocs.yml as MkDocs reads it (it logged why)
            self.preview.report(f"mkdocs.yml is niet in orde ({exc}); herstel het eerst.")


class ServeProblem(click.ClickException):
    """Why the preview cannot start: one Dutch line (without click's English "Error:")."""

    def show(self, file=None) -> None:
        click.echo(f"De preview start niet: {self.message}", err=True)


def listen_address(dev_addr: str) -> tuple[str, int]:
    """`--dev-addr` as host and port: an IP address (or localhost) and a port 1-65535."""
    host, colon, port = dev_addr.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    try:
        if host != "localhost":
            ipaddress.ip_address(host)
        number = int(port)
        if not colon or not 1 <= number <= 65535:
            raise ValueError
    except ValueError:
        raise ServeProblem(
            f"--dev-addr: verwacht IP-adres:poort, zoals 127.0.0.1:8000, gevonden {dev_addr!r}"
        ) from None
    return host, number


def _listen(bind: Callable[[], object], option: str, value: object) -> None:
    """Bind a server's address; a Dutch ServeProblem naming `option` when it cannot."""
    try:
        bind()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            why = (
                "die poort is al in gebruik (door een ander programma, of een preview die nog "
                f"draait); kies een andere poort met {option}, of stop wat daar draait"
            )
        elif exc.errno == errno.EADDRNOTAVAIL:
            why = "dat adres hoort niet bij deze computer; gebruik 127.0.0.1"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            why = "geen toegang tot die poort (onder 1024: alleen de beheerder); kies 1024 of hoger"
        else:
            why = f"daar kan de preview niet luisteren ({exc.strerror or exc})"
        raise ServeProblem(f"{option} {value}: {why}") from None


def _node(root: Path) -> str:
    """Node.js, when the web form is installed (`make cms-install`); else a ServeProblem."""
    node = shutil.which("node")
    if node is None or not cms_installed(root) or not (root / DECAP_SERVER).is_file():
        raise ServeProblem(
            "het invulformulier is niet geïnstalleerd: verwacht Node.js en `make cms-install`, "
            f"gevonden {'geen node' if node is None else 'geen cms/node_modules/'}"
        )
    return node


def _in_git_repository(root: Path) -> bool:
    command = ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"]
    try:
        done = subprocess.run(command, capture_output=True, check=False, timeout=GIT_TIMEOUT_S)
    except OSError:  # no git at all
        return False
    except subprocess.TimeoutExpired:
        raise ServeProblem(
            f"--cms-mode git: git gaf na {GIT_TIMEOUT_S:g} s geen antwoord op de vraag of "
            f"{root} een git-repository is (staat de map op een netwerkschijf die niet reageert?)"
        ) from None
    return done.returncode == 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(
    root: Path,
    dev_addr: str,
    cms_port: int | None = None,
    cms_mode: str = "fs",
    jobs: int | None = None,
) -> None:
    """Live preview; with `cms_port`, also the web form (and its local backend) on that port.
    The first build runs on `jobs` processes (the pool); updates, beside the server's threads,
    here."""
    host, port = listen_address(dev_addr)
    node = _node(root) if cms_port is not None else None
    config = SiteConfig.from_mkdocs(root / "mkdocs.yml")  # ConfigError: located, exit 2
    with contextlib.ExitStack() as stack, contextlib.suppress(KeyboardInterrupt):
        if threading.current_thread() is threading.main_thread():
            # stopped like Ctrl+C: the backend stops too, the temporary files go
            stack.callback(signal.signal, signal.SIGTERM, signal.getsignal(signal.SIGTERM))
            signal.signal(signal.SIGTERM, _interrupt)
        stack.callback(sys.setswitchinterval, sys.getswitchinterval())
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        site_dir = tempfile.mkdtemp(prefix="kennisbank-preview-")
        stack.callback(shutil.rmtree, site_dir, ignore_errors=True)
        preview = Preview(root, cms_port)
        mount_path = urlsplit(config.site_url).path
        server = PreviewServer(preview, host, port, site_dir, mount_path)
        stack.callback(server.shutdown)
        _listen(server.listen, "--dev-addr", dev_addr)
        form = None
        if node is not None:
            form = _start_form(stack, node, root, cms_port, cms_mode, config, preview)
        try:
            _serve_from(root, preview, server, site_dir, dev_addr, form, Pool(jobs))
        except MkDocsException as exc:  # (MkDocs logged why, above)
            raise ServeProblem(f"mkdocs.yml is niet in orde ({exc})") from None


def _start_form(
    stack: contextlib.ExitStack,
    node: str,
    root: Path,
    port: int,
    mode: str,
    config: SiteConfig,
    preview: Preview,
) -> FormServer:
    """The web form's server bound to 127.0.0.1:`port`, with decap-server started behind it
    (it serves once the preview has made the form's files: `_serve_from`)."""
    rules = Rules(root.resolve(), config.source_branch)
    if mode == "git" and not _in_git_repository(rules.root):
        raise ServeProblem(
            f"--cms-mode git: verwacht een git-repository, gevonden geen in {rules.root} "
            "(maak er een met `git init`, of gebruik --cms-mode fs)"
        )
    form: FormServer | None = None

    def bind() -> None:
        nonlocal form
        form = FormServer(port, rules, lambda: preview.form_files)

    _listen(bind, "--cms-port", port)
    stack.callback(form.close)
    try:
        form.start_backend(node, rules.root / "cms", mode)
    except BackendError as exc:
        raise ServeProblem(str(exc)) from None
    return form


def _serve_from(
    root: Path,
    preview: Preview,
    server: PreviewServer,
    site_dir: str,
    dev_addr: str,
    form: FormServer | None,
    pool: Pool,
) -> None:
    def config():
        options = preview_banner.serve_options(root)
        return load(root / "mkdocs.yml", site_dir, dev_addr=dev_addr, strict=False, **options)

    if not preview.start(pool):
        raise SystemExit(1)
    preview.serve(PreviewSite(config, server.url, pool))
    server.error_handler = lambda code: _error_page(server, site_dir, code)
    for name in WATCHED:
        if (root / name).is_dir():
            server.watch(str(root / name))
    server.watch(str(root), recursive=False, only="mkdocs.yml")
    click.echo(f"Preview: {server.url} (stoppen: Ctrl+C)")
    if form is not None:
        threading.Thread(target=form.serve_forever, daemon=True).start()
        click.echo(f"Invulformulier: {form.form_url}")
    server.serve()


def _error_page(server: PreviewServer, site_dir: str, code: int) -> bytes | None:
    """The site's own 404 page, as `mkdocs serve` shows it (through the gate)."""
    page = join(site_dir, f"{code}.html")
    if code in (404, 500) and isfile(page):
        with open(page, "rb") as f:
            return server.gate.served(f"{code}.html", f.read())
    return None
