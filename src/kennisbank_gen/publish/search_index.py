"""Pagefind's search index, fed one page at a time while MkDocs renders the rest.

Pagefind runs as a service (`pagefind --service`, the binary of the `pagefind[bin]` wheel): it
takes pages over a pipe, indexes them on its own core, and writes the index when asked. The
messages are those of Pagefind's Python API (`pagefind.index`: base64 JSON, each followed by a
comma); its client is not used because it reads one reply per 100 ms (1,000 pages take 100 s).

Options as the command line's `--force-language nl --exclude-selectors .headerlink`: one Dutch
index (Dutch stemming) for every page, without the headings' permalink signs. Any failure (no
binary, a reply that is an error, the service gone) is a BuildError, so nothing is swapped in.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import functools
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

from pagefind.service import get_executable

from ..errors import BuildError
from ..read.halves import die_with_parent
from .feeder import Feeder

#: the service's index options (`pagefind.index.IndexConfig`)
PAGEFIND_CONFIG: dict[str, Any] = {"force_language": "nl", "exclude_selectors": [".headerlink"]}
#: how long to wait for the service's last replies and the written index (a safety net)
TIMEOUT_S = 600


def page_url(rel: str) -> str:
    """The address Pagefind gives a built file, as its command line does: `a/b/index.html` ->
    `/a/b/`, `404.html` -> `/404.html`."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return "/" + rel


def _message_id(reply: dict[str, Any]) -> int:
    """The request a reply answers; a request the service could not read comes back inside an
    error without an id (-1 when even that cannot be read: every request fails)."""
    if isinstance(reply.get("message_id"), int):
        return reply["message_id"]
    try:
        return int(json.loads(reply["payload"]["original_message"])["message_id"])
    except (KeyError, TypeError, ValueError):
        return -1


class SearchIndex:
    """A running Pagefind service holding one index. `add` pages, then `write`; always `close`."""

    def __init__(self) -> None:
        binary = get_executable()
        if binary is None:
            raise BuildError("de zoekindex (Pagefind) kon niet starten: geen pagefind gevonden")
        try:
            self._process = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                preexec_fn=functools.partial(die_with_parent, os.getpid()),
            )
        except OSError as exc:
            raise BuildError(f"de zoekindex (Pagefind) kon niet starten: {exc}") from None
        self._replies: dict[int, dict[str, Any]] = {}
        self._done = threading.Condition()
        self._ended = False
        self._stderr: collections.deque[str] = collections.deque(maxlen=5)
        self._sent = 0
        self._pending: list[int] = []
        assert self._process.stdout and self._process.stderr
        self._threads = [
            threading.Thread(target=self._read_replies, args=(self._process.stdout,), daemon=True),
            threading.Thread(target=self._read_errors, args=(self._process.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        try:
            new_index = {"type": "NewIndex", "config": PAGEFIND_CONFIG}
            self._index_id = self._reply(self._send(new_index))["index_id"]
        except BaseException:
            self._process.kill()
            self._process.wait()
            raise
        self._feeder = Feeder(self._process.stdin)

    def _read_replies(self, stream: IO[bytes]) -> None:
        """Until the service ends (or says something that is not a reply: then as if it ended)."""
        buffer = b""
        try:
            while chunk := stream.read1(1 << 16):  # type: ignore[attr-defined]
                *messages, buffer = (buffer + chunk).split(b",")
                with self._done:
                    for message in messages:
                        reply = json.loads(base64.b64decode(message))
                        self._replies[_message_id(reply)] = reply["payload"]
                    self._done.notify_all()
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._stderr.append(f"onleesbaar antwoord: {exc}")
        finally:
            with self._done:
                self._ended = True
                self._done.notify_all()

    def _read_errors(self, stream: IO[bytes]) -> None:
        for line in stream:
            self._stderr.append(line.decode("utf-8", "replace").strip())

    def _failed(self, detail: str) -> BuildError:
        said = "; ".join(line for line in self._stderr if line)
        return BuildError(f"de zoekindex (Pagefind) faalde: {detail}{f' ({said})' if said else ''}")

    def _message(self, payload: dict[str, Any]) -> bytes:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        return base64.b64encode(message) + b","

    def _send(self, payload: dict[str, Any]) -> int:
        """Send at once (not through the feeder: before it starts, or after it has drained)."""
        message = self._message(payload)
        try:
            assert self._process.stdin
            self._process.stdin.write(message)
        except (BrokenPipeError, ValueError):
            raise self._failed(f"gestopt (afsluitcode {self._process.poll()})") from None
        return self._sent

    def _reply(self, message_id: int) -> dict[str, Any]:
        assert self._process.stdin
        try:
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._failed(f"gestopt (afsluitcode {self._process.poll()})") from None
        with self._done:
            arrived = self._done.wait_for(
                lambda: message_id in self._replies or -1 in self._replies or self._ended,
                TIMEOUT_S,
            )
            reply = self._replies.pop(message_id, None) or self._replies.get(-1)
        if reply is None:
            why = "gestopt" if arrived else f"geen antwoord na {TIMEOUT_S} s"
            raise self._failed(f"{why} (afsluitcode {self._process.poll()})")
        if reply.get("type") == "Error":
            raise self._failed(str(reply.get("message", reply))[:300])
        return reply

    def add(self, html: str, url: str) -> None:
        """Index one page (sent from a thread, its reply checked in `write`)."""
        page = {"type": "AddFile", "index_id": self._index_id, "url": url, "file_path": None}
        self._feeder.send(self._message(page | {"file_contents": html}))
        self._pending.append(self._sent)

    def write(self, output: Path) -> None:
        """Check that every page was indexed, then write the index into `output`."""
        if self._feeder.drain():
            raise self._failed(f"gestopt (afsluitcode {self._process.poll()})")
        for message_id in self._pending:
            self._reply(message_id)
        self._pending.clear()
        payload = {"type": "WriteFiles", "index_id": self._index_id, "output_path": str(output)}
        self._reply(self._send(payload))
        if not (output / "pagefind.js").is_file():
            raise self._failed(f"geen {output.name}/pagefind.js geschreven")

    def close(self, *, kill: bool = False) -> None:
        """Stop the service; `kill`: at once (the build failed, its index is not wanted)."""
        if kill:
            self._process.kill()
        self._feeder.drain()  # at once when killed: what waits is dropped
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for thread in self._threads:
            thread.join(timeout=5)
