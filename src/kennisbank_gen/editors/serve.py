"""Serve: live preview. When a record, the framework, a content file, mkdocs.yml or the theme
overrides change, the preview regenerates the docs tree and builds only the pages that changed
(preview.py), first those of the saved file; MkDocs' development server serves the site and
reloads the browser after each step.

Every page the preview sends passes the build's output gate first (preview_gate.py): a page it
refuses is not shown, the banner naming file and problem is.

With `--cms`, Decap CMS's local backend (`decap-server`, from `make cms-install`) runs alongside,
so the web form at `/admin/` reads and writes the working copy: a saved record appears in the
preview like any other change.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import traceback
from os.path import isfile, join
from pathlib import Path
from urllib.parse import urlsplit

import click
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer, _serve_url, _timestamp
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..render.cms import ADMIN_DIR, LOCAL_BACKEND_PORT, cms_installed
from ..render.csp import script_hash
from . import preview_banner
from .preview import Preview
from .preview_gate import PageGate
from .preview_site import PreviewSite

DECAP_SERVER = "cms/node_modules/decap-server/dist/index.js"

WATCHED = ("initiatives", "content", "quality_framework", "overrides")


class _Changes(FileSystemEventHandler):
    """Collects the paths that changed and wakes the server's update loop."""

    def __init__(self, server: PreviewServer, only: str | None = None):
        self.server = server
        self.only = only  # in the project directory itself, only mkdocs.yml is a source

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write") or event.is_directory:
            return
        paths = {Path(os.fsdecode(p)) for p in (event.src_path, getattr(event, "dest_path", ""))}
        paths = {p for p in paths if str(p) != "." and self.only in (None, p.name)}
        if not paths:
            return
        with self.server._rebuild_cond:
            self.server.changed |= paths
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()


class PreviewServer(LiveReloadServer):
    """MkDocs' development server (it serves the files, injects the live-reload script and
    answers the browsers' reload polls) with the preview's own update loop: file events from
    inotify rather than polling, the changed paths handed to `Preview.update`, and a reload after
    each of its steps. A burst of events (a save is often a write and a rename) is one update,
    started once no event came for `QUIET_SECONDS`. The web form (`/admin/`) gets no reload
    script: a rebuild (each save, and each branch decap-server checks out) would reload it under
    the editor's hands, losing what is typed. Every HTML page passes `gate` before it gets the
    reload script (the gate would refuse that script: it is not the site's); every answer says
    `nosniff`, so no file is read as another type than the one it is sent as."""

    QUIET_SECONDS = 0.1

    def __init__(self, preview: Preview, host: str, port: int, root: str, mount_path: str):
        super().__init__(lambda: None, host, port, root, mount_path)
        self.preview = preview
        self.gate = PageGate(self.url, preview.source_of, preview.report)
        self.changed: set[Path] = set()
        self.build_delay = self.QUIET_SECONDS
        self.observer = Observer()
        self._request = threading.local()  # the path and page this request thread serves

    def serve_request(self, environ, start_response):
        def with_nosniff(status, headers, exc_info=None):
            headers = [*headers, ("X-Content-Type-Options", "nosniff")]
            return start_response(status, headers, exc_info)

        return super().serve_request(environ, with_nosniff)

    def _serve_request(self, environ, start_response):
        path = self._request.path = environ.get("PATH_INFO", "")
        page = path[len(self.mount_path) :] if path.startswith(self.mount_path) else path
        self._request.page = page + "index.html" if page.endswith("/") or not page else page
        return super()._serve_request(environ, start_response)

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        page = getattr(self._request, "page", "")
        content = self.gate.served(page, content)
        if getattr(self._request, "path", "").startswith(f"{self.mount_path}{ADMIN_DIR}/"):
            return content
        return reload_script_allowed(super()._inject_js_into_html(content, epoch))

    def watch(
        self, path: str, func: None = None, *, recursive: bool = True, only: str | None = None
    ) -> None:
        """Watch `path` (with `only`: just the file of that name in it)."""
        path = os.path.abspath(path)
        if path not in self._watched_paths:
            self._watched_paths[path] = 1
            handler = _Changes(self, only)
            self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def _build_loop(self) -> None:
        while True:
            with self._rebuild_cond:
                while not self._rebuild_cond.wait_for(
                    lambda: self._want_rebuild or self._shutdown, timeout=self.shutdown_delay
                ):
                    pass  # time-outs let Ctrl+C through
                if self._shutdown:
                    break
                while self._rebuild_cond.wait(timeout=self.build_delay):
                    pass  # until the burst of events is over
                changed, self.changed = self.changed, set()
                self._want_rebuild = False
                with self._epoch_cond:
                    self._wanted_epoch = _timestamp()  # requests wait for the first step
            try:
                self.preview.update(changed, self._publish, lambda: self._want_rebuild)
            except Exception:  # a bug, not bad input: say so and keep serving
                traceback.print_exc()
            with self._epoch_cond:  # requests wait no longer, even when nothing was published
                self._visible_epoch = self._wanted_epoch
                self._epoch_cond.notify_all()

    def _publish(self) -> None:
        """Serve what is built now and reload the browsers."""
        with self._epoch_cond:
            if self._visible_epoch == self._wanted_epoch:  # a later step: a newer version
                self._wanted_epoch = _timestamp()
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()


def reload_script_allowed(page: bytes) -> bytes:
    """The page with the live-reload script MkDocs just put before `</body>` (an inline script,
    new for every request) allowed by its hash in the page's Content-Security-Policy, which
    allows only the theme's own inline scripts (render/csp.py). Only this one page's answer
    allows it; a page without a policy is left as it is."""
    start = page.rfind(b"<script>")
    end = page.find(b"</script>", start)
    if start < 0 or end < 0:
        return page
    allowed = f"script-src 'self' '{script_hash(page[start + 8 : end].decode('utf-8'))}'"
    return page.replace(b"script-src 'self'", allowed.encode("ascii"), 1)


def start_local_backend(root: Path, port: int, mode: str = "fs") -> subprocess.Popen:
    """Start `decap-server` on 127.0.0.1:`port` for the working copy at `root`.

    Mode `fs` writes records straight into the working copy (the preview shows them at once);
    mode `git` keeps Decap's editorial workflow: a save commits to a branch
    `cms/initiatives/<slug>`, as a pull request would, and "Publiceren" merges it.
    """
    node = shutil.which("node")
    if node is None or not cms_installed(root):
        raise click.ClickException(
            "het invulformulier is niet geïnstalleerd: verwacht Node.js en `make cms-install`, "
            f"gevonden {'geen node' if node is None else 'geen cms/node_modules/'}"
        )
    env = {
        **os.environ,
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MODE": mode,
        "GIT_REPO_DIRECTORY": str(root.resolve()),
        "LOG_LEVEL": "warn",
    }
    return subprocess.Popen([node, str(root / DECAP_SERVER)], env=env, cwd=root)


def serve(root: Path, dev_addr: str, cms_port: int | None = None, cms_mode: str = "fs") -> None:
    """Live preview; with `cms_port`, also the web form's local backend on that port."""
    backend = start_local_backend(root, cms_port, cms_mode) if cms_port else None
    if backend is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl+C: the backend stops too
    try:
        _serve(root, dev_addr, cms_port or LOCAL_BACKEND_PORT)
    finally:
        if backend is not None:
            backend.terminate()
            backend.wait(timeout=10)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _serve(root: Path, dev_addr: str, cms_port: int) -> None:
    site_dir = tempfile.mkdtemp(prefix="kennisbank-preview-")
    try:
        _serve_from(root, dev_addr, cms_port, site_dir)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve_from(root: Path, dev_addr: str, cms_port: int, site_dir: str) -> None:
    def config():
        return load_config(
            config_file=str(root / "mkdocs.yml"),
            site_dir=site_dir,
            dev_addr=dev_addr,
            strict=False,
            **preview_banner.serve_options(root),
        )

    preview = Preview(root, cms_port)
    if not preview.start():
        raise SystemExit(1)
    host, port = config().dev_addr
    mount_path = urlsplit(config().site_url or "/").path
    preview.serve(PreviewSite(config, _serve_url(host, port, mount_path)))
    server = PreviewServer(preview, host, port, site_dir, mount_path)
    server.error_handler = lambda code: _error_page(server, site_dir, code)
    for name in WATCHED:
        if (root / name).is_dir():
            server.watch(str(root / name))
    server.watch(str(root), recursive=False, only="mkdocs.yml")
    click.echo(f"Preview: {preview_banner.address(root, dev_addr)} (stoppen: Ctrl+C)")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _error_page(server: PreviewServer, site_dir: str, code: int) -> bytes | None:
    """The site's own 404 page, as `mkdocs serve` shows it (through the gate)."""
    page = join(site_dir, f"{code}.html")
    if code in (404, 500) and isfile(page):
        with open(page, "rb") as f:
            return server.gate.served(f"{code}.html", f.read())
    return None
