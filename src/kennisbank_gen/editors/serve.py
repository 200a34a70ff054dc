"""Serve: live preview. When a record, the framework, a content file, mkdocs.yml or the theme
overrides change, the preview regenerates the docs tree and builds only the pages that changed
(preview.py), first those of the saved file; MkDocs' development server serves the site and
reloads the browser after each step.

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
from os.path import isfile, join
from pathlib import Path
from urllib.parse import urlsplit

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler

from ..pool import Pool
from ..publish.mkdocs_site import LiveReload, load
from ..render.cms import ADMIN_DIR, LOCAL_BACKEND_PORT, cms_installed
from . import preview_banner
from .preview import Preview
from .preview_site import PreviewSite

DECAP_SERVER = "cms/node_modules/decap-server/dist/index.js"

WATCHED = ("initiatives", "content", "quality_framework", "overrides")


class _Changes(FileSystemEventHandler):
    """Hands the paths that changed to the server (`LiveReload.changed`)."""

    def __init__(self, server: LiveReload, only: str | None = None):
        self.server = server
        self.only = only  # in the project directory itself, only mkdocs.yml is a source

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write") or event.is_directory:
            return
        paths = {Path(os.fsdecode(p)) for p in (event.src_path, getattr(event, "dest_path", ""))}
        paths = {p for p in paths if str(p) != "." and self.only in (None, p.name)}
        if paths:
            self.server.changed(paths)


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


def serve(
    root: Path,
    dev_addr: str,
    cms_port: int | None = None,
    cms_mode: str = "fs",
    jobs: int | None = None,
) -> None:
    """Live preview; with `cms_port`, also the web form's local backend on that port. The first
    build runs on `jobs` processes (the pool); updates, beside the server's threads, here."""
    backend = start_local_backend(root, cms_port, cms_mode) if cms_port else None
    if backend is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl+C: the backend stops too
    try:
        _serve(root, dev_addr, cms_port or LOCAL_BACKEND_PORT, Pool(jobs))
    finally:
        if backend is not None:
            backend.terminate()
            backend.wait(timeout=10)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _serve(root: Path, dev_addr: str, cms_port: int, pool: Pool) -> None:
    site_dir = tempfile.mkdtemp(prefix="kennisbank-preview-")
    try:
        _serve_from(root, dev_addr, cms_port, site_dir, pool)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _serve_from(root: Path, dev_addr: str, cms_port: int, site_dir: str, pool: Pool) -> None:
    def config():
        options = preview_banner.serve_options(root)
        return load(root / "mkdocs.yml", site_dir, dev_addr=dev_addr, strict=False, **options)

    preview = Preview(root, cms_port)
    if not preview.start(pool):
        raise SystemExit(1)
    host, port = config().dev_addr
    mount_path = "/" + urlsplit(config().site_url or "/").path.strip("/")
    serve_url = f"http://{host}:{port}{mount_path.rstrip('/')}/"
    preview.serve(PreviewSite(config, serve_url, pool))
    server = LiveReload(preview.update, host, port, site_dir, mount_path, ADMIN_DIR)
    server.error_handler = lambda code: _error_page(site_dir, code)
    for name in WATCHED:
        if (root / name).is_dir():
            server.watch(str(root / name), handler=_Changes(server))
    server.watch(str(root), recursive=False, handler=_Changes(server, only="mkdocs.yml"))
    click.echo(f"Preview: {preview_banner.address(root, dev_addr)} (stoppen: Ctrl+C)")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _error_page(site_dir: str, code: int) -> bytes | None:
    """The site's own 404 page, as `mkdocs serve` shows it."""
    page = join(site_dir, f"{code}.html")
    if code in (404, 500) and isfile(page):
        with open(page, "rb") as f:
            return f.read()
    return None
