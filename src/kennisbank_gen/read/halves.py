"""Work on thousands of records, spread over two cores: one half in a forked child process, the
other half here, results in the same order as one process would give them.

The build renders record pages this way too (`build/docs_tree.py`, from 200 records, the child
taking 70 % of them while this process renders every other page). Reading and checking records is
Python work of about 0.2 ms of CPU a record. Measured at 10,000
records with benchmarks/validate_bench.py on a 2-core machine that other work shared: 1.2-1.4
times faster than one core while a core was free, no faster while both were busy; the child's
findings come back through a pipe (with `validate(records=False)` hardly anything else, with
whole records about 0.4 s of pickling). Below FROM_ITEMS the fork is not worth it; it is never used
where forking is unsafe or impossible: not on a single core, not outside Linux, not in a process
with other threads (the preview server). A child that fails changes nothing: its half is then
done here, so the result is always the same as without a child.

Every child process of a build, forked or started, dies with it (`die_with_parent`): a build
killed with `kill -9` leaves no child rendering on and holding the build lock.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: fewer items than this are done in one process
FROM_ITEMS = 2000
#: the exit status of a child whose parent had already gone when it started
ORPHANED = 3
_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[[int, int], int] | None:
    if sys.platform != "linux":  # pragma: no cover - prctl is Linux's
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong]
    return prctl


#: looked up once, here: a child calls it between fork and exec (`preexec_fn`)
_PRCTL = _prctl()


def die_with_parent(parent: int) -> None:
    """In a child process, first thing (after `fork`, or as Popen's `preexec_fn`): be killed
    (SIGKILL) when `parent`, the process that made it, ends; when it has ended already (before
    the request took effect), exit now. Linux only (`PR_SET_PDEATHSIG`, kept across exec); elsewhere
    just the check. The signal comes when the *thread* that made the child ends: make children from
    the main thread only (as `can_split` and the build do)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(ORPHANED)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def two_cores_to_fork() -> bool:
    """Whether this machine could do a half in a forked child at all (Linux, 2+ cores)."""
    return sys.platform == "linux" and _cores() >= 2


def can_split(count: int, from_items: int | None = None) -> bool:
    """Whether `count` items are worth (and safe) to split over a child process (worth it from
    `from_items`, by default FROM_ITEMS)."""
    return (
        count >= (FROM_ITEMS if from_items is None else from_items)
        and two_cores_to_fork()
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def _child(work: Callable[[list[T]], R], items: list[T], conn, parent: int) -> None:
    die_with_parent(parent)
    try:
        result = ("ok", work(items))
    except BaseException:  # the parent redoes this half; it only needs to know
        result = ("failed", traceback.format_exc())
    try:
        conn.send(result)
    except OSError:  # the parent stopped listening (it failed itself): nothing to tell
        pass
    finally:
        conn.close()


def in_halves(
    work: Callable[[list[T]], R],
    items: list[T],
    child_work: Callable[[list[T]], R] | None = None,
    from_items: int | None = None,
    child_share: float = 0.5,
) -> list[R]:
    """[work(first half), work(second half)] (or [work(items)] when not split); the first half
    in a forked child when `can_split`, with `child_work` if given (say, one that sends back
    less: the child's result crosses a pipe). The child's half is `child_share` of the items
    (more than half when `work` does more than its items)."""
    if not can_split(len(items), from_items):
        return [work(items)]
    middle = round(len(items) * child_share)
    first, second = items[:middle], items[middle:]
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(child_work or work, first, sender, os.getpid()), daemon=True
    )
    child.start()
    sender.close()
    try:
        here = work(second)
        try:
            status, result = receiver.recv()
        except (EOFError, OSError):  # the child died without a word
            status, result = "failed", None
    finally:
        receiver.close()
        child.join()
    return [result if status == "ok" else work(first), here]
