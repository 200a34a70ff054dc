"""Serve: live preview. Regenerates the docs tree when a record, the framework or a content file
changes; MkDocs' own server notices the changed Markdown and reloads the browser.

With `--cms`, Decap CMS's local backend (`decap-server`, from `make cms-install`) runs alongside,
so the web form at `/admin/` reads and writes the working copy: a saved record appears in the
preview like any other change.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import click
from mkdocs.commands.serve import serve as mkdocs_serve
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .. import clock
from ..build import generate
from ..errors import FindingsError
from ..findings import format_text
from ..site.cms import LOCAL_BACKEND_PORT, cms_installed
from . import preview_banner

DECAP_SERVER = "cms/node_modules/decap-server/dist/index.js"

WATCHED = ("initiatives", "content", "quality_framework")


def regenerate(
    root: Path, report: Callable[[str], None] = click.echo, cms_port: int = LOCAL_BACKEND_PORT
) -> bool:
    """One regeneration; findings are reported, and the previous docs tree stays as it was."""
    try:
        generated = generate(root, today=clock.today(), cms_port=cms_port)
    except FindingsError as exc:
        preview_banner.write_banner(root, exc.findings)
        report(format_text(exc.findings))
        report(
            "Niet opnieuw gemaakt: herstel wat hierboven staat; "
            "de preview toont de laatste goede versie."
        )
        return False
    preview_banner.write_banner(root, [])
    report(
        f"Opnieuw gemaakt: {generated.files_written} van {generated.files_total} "
        "bestanden gewijzigd."
    )
    return True


class _Regenerate(FileSystemEventHandler):
    """Regenerates once per burst of changes: saving a file is often several events
    (write to a temporary file, rename), and one regeneration after the last is enough."""

    QUIET_SECONDS = 0.3

    def __init__(self, root: Path, cms_port: int = LOCAL_BACKEND_PORT):
        self.root = root
        self.cms_port = cms_port
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write") or event.is_directory:
            return
        with self.lock:
            if self.timer:
                self.timer.cancel()
            self.timer = threading.Timer(self.QUIET_SECONDS, self._run)
            self.timer.daemon = True
            self.timer.start()

    def _run(self) -> None:
        with self.lock:
            self.timer = None
        regenerate(self.root, cms_port=self.cms_port)


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
    if not regenerate(root, cms_port=cms_port):
        raise SystemExit(1)
    observer = Observer()
    handler = _Regenerate(root, cms_port)
    for name in WATCHED:
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)
    observer.start()
    try:
        click.echo(f"Preview: {preview_banner.address(root, dev_addr)} (stoppen: Ctrl+C)")
        mkdocs_serve(
            config_file=str(root / "mkdocs.yml"),
            dev_addr=dev_addr,
            strict=False,
            **preview_banner.serve_options(root),
        )
    finally:
        observer.stop()
        observer.join()
