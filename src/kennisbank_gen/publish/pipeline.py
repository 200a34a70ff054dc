"""What happens to each page as MkDocs writes it: the output gate checks it in worker processes
(`GateWorker`, two on two cores) and Pagefind indexes it in its own, beside MkDocs while it
renders the next pages, so neither is a stage of its own after MkDocs.

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
import functools
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
from ..read.halves import die_with_parent, two_cores_to_fork
from .feeder import Feeder
from .gate import html_pages, refuse, site_host, unreadable
from .page_halves import PageHalves, split_allowed
from .search_index import SearchIndex, page_url

#: pages per message to the gate's worker process
BATCH = 25
#: the gate's worker processes: two where there are two cores, so that after MkDocs, with both
#: cores free, the gate catches up with its last pages (the largest) twice as fast
GATE_WORKERS = 2 if two_cores_to_fork() else 1
#: the gate's worker process (`gate.serve`), with this package importable
GATE_WORKER = (
    "import os, sys; from kennisbank_gen.publish.gate import serve; "
    "os._exit(serve(sys.stdin.buffer, sys.stdout.buffer))"
)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def _digest(data: bytes) -> tuple[int, int]:
    """Enough to tell that a file changed after it was written. Not a cryptographic hash, on
    purpose: what could write into the staging directory while we build runs as we do and could
    as well stop the gate; this catches a plugin or a theme that rewrites pages (and is 14 times
    cheaper than SHA-256, per page, in MkDocs' own thread)."""
    return len(data), zlib.crc32(data)


class GateWorker:
    """One worker process of the output gate (`gate.serve`), fed from a thread (`Feeder`)."""

    def __init__(self) -> None:
        path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", GATE_WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
                preexec_fn=functools.partial(die_with_parent, os.getpid()),
            )
        except OSError as exc:
            raise BuildError(f"de uitvoercontrole kon niet starten: {exc}") from None
        assert self.process.stdin
        self._feeder = Feeder(self.process.stdin)
        #: bytes sent so far: the next batch goes to the worker that has had the least
        self.sent = 0

    def send(self, host: str, pages: list[tuple[str, str]] | None) -> None:
        """A batch of pages to check (None: there are no more)."""
        message = pickle.dumps(None if pages is None else (host, pages))
        self.sent += len(message)
        self._feeder.send(message)

    def failed(self) -> BuildError:
        return BuildError(f"de uitvoercontrole faalde (afsluitcode {self.process.wait()})")

    def answer(self) -> list[tuple[str, str]]:
        """After `send(host, None)`: what it refuses in every page it was sent."""
        assert self.process.stdin and self.process.stdout
        if self._feeder.drain():
            raise self.failed()
        try:
            self.process.stdin.close()
            problems = pickle.load(self.process.stdout)
        except (BrokenPipeError, EOFError, pickle.UnpicklingError):
            raise self.failed() from None
        if self.process.wait() != 0:
            raise self.failed()
        return problems

    def close(self, *, failed: bool) -> None:
        if failed:
            self.process.kill()
        self._feeder.drain()
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                with contextlib.suppress(BrokenPipeError):
                    stream.close()
        self.process.wait()


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
        self._gates: list[GateWorker] = []
        self.index: SearchIndex | None = None

    def _start(self) -> None:
        for _ in range(GATE_WORKERS):
            self._gates.append(GateWorker())
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
            min(self._gates, key=lambda gate: gate.sent).send(self.host, self._batch)
            self._batch = []

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
        assert self._gates and self.index
        for gate in self._gates:
            gate.send(self.host, None)
        for gate in self._gates:
            problems += gate.answer()
        refuse(problems)
        self.index.write(self.site_dir / "pagefind")

    def close(self, *, failed: bool) -> None:
        """Stop the child, the gate's worker and Pagefind (`failed`: at once), as far as they
        were started."""
        if self.halves and not self.halves.in_child:
            self.halves.stop()
        for gate in self._gates:
            gate.close(failed=failed)
        if self.index:
            self.index.close(kill=failed)
