"""A pipe to another process that never makes MkDocs wait: what is sent waits in a queue and a
thread writes it. Writing to the pipe directly would stop MkDocs whenever the other process is
behind (its pipe holds about one page), which on a busy machine costs more than the work itself.
"""

from __future__ import annotations

import queue
import threading
from typing import IO

#: messages that may wait (pages: about 100 MB at 50 KB each); then `send` waits after all
WAITING = 2000


class Feeder:
    """Writes messages to `stream` in the order sent, from a thread of its own."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._queue: queue.Queue[bytes | None] = queue.Queue(WAITING)
        self.error: OSError | None = None
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()

    def _write(self) -> None:
        while (message := self._queue.get()) is not None:
            if self.error is None:  # after an error: only empty the queue
                self._do(self._stream.write, message)
        if self.error is None:
            self._do(self._stream.flush)

    def _do(self, operation, *args) -> None:
        """Write or flush; a failure (a closed stream too) is kept as `error`."""
        try:
            operation(*args)
        except (OSError, ValueError) as exc:
            self.error = exc if isinstance(exc, OSError) else BrokenPipeError(str(exc))

    def send(self, message: bytes) -> None:
        self._queue.put(message)

    def drain(self) -> OSError | None:
        """Wait until everything sent is written (and flushed); the error that stopped it."""
        self._queue.put(None)
        self._thread.join()
        return self.error
