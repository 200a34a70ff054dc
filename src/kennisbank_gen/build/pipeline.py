"""What happens to each page as MkDocs writes it: the output gate checks it in a worker process
and Pagefind indexes it in its own, both on the other core while MkDocs renders the next pages,
so neither is a stage of its own after MkDocs.

`OutputPipeline` is a MkDocs plugin that the build adds to the loaded configuration (never to the
project's mkdocs.yml); its `on_post_page` runs after every other plugin's and takes the page as
MkDocs writes it (UTF-8, unencodable characters as character references). `finish`, once MkDocs
is done, reads every HTML file of the staged site back: a file that did not pass through
`on_post_page` (a theme template such as 404.html, an HTML file copied from the docs) is checked
and indexed then, one that differs from what passed (another plugin rewrote it) is checked again.
So the gate has seen every page exactly as it is on disk before the swap, and Pagefind indexes
the files its command line would.

Pages wait in queues (`feeder`): MkDocs never waits for the gate or Pagefind while it renders.
On a large site a forked child renders half of the pages (`page_halves`); what it writes comes
through here as well, from a thread, so `take` holds a lock.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

from ..errors import BuildError
from .feeder import Feeder
from .gate import html_pages, refuse, site_host, unreadable
from .page_halves import PageHalves, split_allowed
from .search_index import SearchIndex, page_url

#: pages per message to the gate's worker process
BATCH = 25
#: the gate's worker process (`gate.serve`), with this package importable
GATE_WORKER = (
    "import sys; from kennisbank_gen.build.gate import serve; "
    "serve(sys.stdin.buffer, sys.stdout.buffer)"
)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def _digest(data: bytes) -> tuple[int, int]:
    """Enough to tell that a file changed after it was written. Not a cryptographic hash, on
    purpose: what could write into the staging directory while we build runs as we do and could
    as well stop the gate; this catches a plugin or a theme that rewrites pages (and is 14 times
    cheaper than SHA-256, per page, in MkDocs' own thread)."""
    return len(data), zlib.crc32(data)


class OutputPipeline(BasePlugin):  # type: ignore[type-arg]
    """Gate and index every page of one build into `site_dir`; `finish` or `close` it.

    The gate's worker and Pagefind start when MkDocs has listed the pages (`on_nav`), after the
    fork of `page_halves`, so that the child holds none of their pipes or threads."""

    def __init__(self, site_dir: Path, site_url: str, name: str) -> None:
        super().__init__()
        self.site_dir = site_dir
        self.host = site_host(site_url)
        self.name = name
        self.digests: dict[str, tuple[int, int]] = {}
        self.halves: PageHalves | None = None
        self._batch: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._gate: subprocess.Popen[bytes] | None = None
        self._feeder: Feeder | None = None
        self.index: SearchIndex | None = None

    def _start(self) -> None:
        path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
        try:
            self._gate = subprocess.Popen(
                [sys.executable, "-c", GATE_WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )
        except OSError as exc:
            raise BuildError(f"de uitvoercontrole kon niet starten: {exc}") from None
        assert self._gate.stdin
        self._feeder = Feeder(self._gate.stdin)
        self.index = SearchIndex()

    @event_priority(-100)
    def on_nav(self, nav: Any, /, *, config: Any, files: Any) -> Any:
        if split_allowed(config, files, nav, {self.name}):
            self.halves = PageHalves.fork(files)
        if not (self.halves and self.halves.in_child):
            self._start()
            if self.halves:
                self.halves.receive(self.take)
        return nav

    @event_priority(100)  # first: other plugins see the stand-in too
    def on_pre_page(self, page: Any, /, *, config: Any, files: Any) -> Any:
        return self.halves.pre_page(page) if self.halves else page

    def on_env(self, env: Any, /, *, config: Any, files: Any) -> Any:
        if self.halves:
            self.halves.on_env(env, config, files)
        return env

    @event_priority(-100)  # last: the page as it is written
    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        if output.strip():  # MkDocs writes no file for an empty page
            try:
                data = output.encode("utf-8")
            except UnicodeEncodeError:  # what MkDocs writes then
                data = output.encode("utf-8", errors="xmlcharrefreplace")
                output = data.decode("utf-8")
            if self.halves and self.halves.in_child:
                self.halves.send(page.file.dest_uri, data)
            else:
                self.take(page.file.dest_uri, data, output)
        return output

    @event_priority(-100)
    def on_post_build(self, *, config: Any) -> None:
        if self.halves and self.halves.in_child:
            self.halves.end()
        elif self.halves:
            self.halves.wait()

    def on_build_error(self, *, error: BaseException) -> None:
        if self.halves and self.halves.in_child:
            self.halves.end(error)
        elif self.halves:
            self.halves.stop()

    def take(self, rel: str, data: bytes, html: str | None = None) -> None:
        """One page of the site (its path in the site, its bytes, as text): to the gate and the
        index."""
        html = data.decode("utf-8") if html is None else html
        digest = _digest(data)
        assert self.index
        with self._lock:
            self.digests[rel] = digest
            self.index.add(html, page_url(rel))
            self._batch.append((rel, html))
            if len(self._batch) >= BATCH:
                self._flush()

    def _flush(self) -> None:
        if self._batch:
            assert self._feeder
            self._feeder.send(pickle.dumps((self.host, self._batch)))
            self._batch = []

    def _gate_failed(self) -> BuildError:
        assert self._gate
        return BuildError(f"de uitvoercontrole faalde (afsluitcode {self._gate.wait()})")

    def finish(self) -> None:
        """After MkDocs: check and index what did not pass through `on_post_page`, wait for the
        gate, write the index into `pagefind/`. Raises BuildError for any refused page."""
        problems: list[tuple[str, str]] = []
        for path in html_pages(self.site_dir):
            rel = path.relative_to(self.site_dir).as_posix()
            try:
                data = path.read_bytes()
                if self.digests.get(rel) == _digest(data):
                    continue
                data.decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(unreadable(rel, exc))
                continue
            if rel in self.digests:  # changed since MkDocs wrote it: checked as it is now
                self._batch.append((rel, data.decode("utf-8")))  # (indexed as it was written)
            else:
                self.take(rel, data)
        self._flush()
        assert self._feeder and self._gate and self._gate.stdin and self._gate.stdout and self.index
        self._feeder.send(pickle.dumps(None))
        if self._feeder.drain():
            raise self._gate_failed()
        try:
            self._gate.stdin.close()
            problems += pickle.load(self._gate.stdout)
        except (BrokenPipeError, EOFError, pickle.UnpicklingError):
            raise self._gate_failed() from None
        if self._gate.wait() != 0:
            raise self._gate_failed()
        refuse(problems)
        self.index.write(self.site_dir / "pagefind")

    def close(self, *, failed: bool) -> None:
        """Stop the child, the gate's worker and Pagefind (`failed`: at once), as far as they
        were started."""
        if self.halves and not self.halves.in_child:
            self.halves.stop()
        if self._gate:
            if failed:
                self._gate.kill()
            if self._feeder:
                self._feeder.drain()
            for stream in (self._gate.stdin, self._gate.stdout):
                if stream:
                    with contextlib.suppress(BrokenPipeError):
                        stream.close()
            self._gate.wait()
        if self.index:
            self.index.close(kill=failed)
