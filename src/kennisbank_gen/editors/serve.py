"""Serve: live preview. Regenerates the docs tree when a record, the framework or a content file
changes; MkDocs' own server notices the changed Markdown and reloads the browser."""

from __future__ import annotations

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

WATCHED = ("initiatives", "content", "quality_framework")


def regenerate(root: Path, report: Callable[[str], None] = click.echo) -> bool:
    """One regeneration; findings are reported, and the previous docs tree stays as it was."""
    try:
        generated = generate(root, today=clock.today())
    except FindingsError as exc:
        report(format_text(exc.findings))
        report(
            "Niet opnieuw gemaakt: herstel wat hierboven staat; "
            "de preview toont de laatste goede versie."
        )
        return False
    report(
        f"Opnieuw gemaakt: {generated.files_written} van {generated.files_total} "
        "bestanden gewijzigd."
    )
    return True


class _Regenerate(FileSystemEventHandler):
    """Regenerates once per burst of changes: saving a file is often several events
    (write to a temporary file, rename), and one regeneration after the last is enough."""

    QUIET_SECONDS = 0.3

    def __init__(self, root: Path):
        self.root = root
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
        regenerate(self.root)


def serve(root: Path, dev_addr: str) -> None:
    if not regenerate(root):
        raise SystemExit(1)
    observer = Observer()
    handler = _Regenerate(root)
    for name in WATCHED:
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)
    observer.start()
    try:
        mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, strict=False)
    finally:
        observer.stop()
        observer.join()
