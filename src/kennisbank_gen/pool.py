"""The one process pool every parallel step of a command goes through (`Pool.map`).

A step gives the pool a function and its tasks; the pool runs the function on each task on `jobs`
workers of a `concurrent.futures.ProcessPoolExecutor` and returns the results in task order. The
workers are forked when the step starts: they inherit the function and the state it holds (a
`functools.partial` of the framework, the site model, MkDocs' loaded site) without pickling;
only tasks and results cross a pipe (`gc.freeze()` keeps that state shared, not copied). `jobs`:
the CPUs this process may use (`os.sched_getaffinity`), or `--jobs N`. With one job, one task, or
where forking is unsafe (beside other threads: the preview server), tasks run here.

Failures: a task's exception is raised here (our errors and OSError as themselves); a worker
that dies is a BuildError in Dutch, and so is a step in which no task finishes within `STALL_S`
seconds; a worker not gone `STOP_S` seconds after its step is killed (no wait without a limit).
Workers die with the parent, even on SIGKILL (`PR_SET_PDEATHSIG`), and leave Ctrl+C to it.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import functools
import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .errors import BuildError, KennisbankError

#: seconds a step may go without any of its tasks finishing before its workers count as wedged
STALL_S = 900.0
#: seconds a step's workers have to exit once told to, before they are killed
STOP_S = 60.0
#: seconds of one wait for results: a signal the kernel gives another thread of this process (a
#: Ctrl+C) waits for the next bytecode of the main thread, which a longer wait would postpone
WAIT_S = 0.5
#: tasks per worker (`Pool.shares`): more, smaller tasks even out the workers' load at the end
TASKS_PER_JOB = 4
_PR_SET_PDEATHSIG = 1
#: the exit status of a child whose parent had gone before it asked to die with it
ORPHANED = 3
#: looked up once, here: a child calls it between fork and exec (`preexec_fn`)
_PRCTL = ctypes.CDLL(None).prctl if sys.platform == "linux" else None
#: the function of the step being run, as the workers inherit it through the fork
_function: Callable[[Any], Any] | None = None


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, which containers and `taskset` narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _forking_is_safe() -> bool:
    """Fork only from a process with one thread (a lock another thread holds would stay locked
    in the worker) that may have children (not a daemon)."""
    return (
        sys.platform == "linux"
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def die_with_parent(parent: int) -> None:
    """In a child, first thing (a worker's initializer, Popen's `preexec_fn`): be killed
    (SIGKILL) when `parent`, the process that made it, ends, even by SIGKILL (Linux's
    `PR_SET_PDEATHSIG`, kept across exec); when it has ended already, exit now (ORPHANED)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(ORPHANED)


def dying_with_this_process() -> Callable[[], None] | None:
    """For `subprocess.Popen(preexec_fn=...)`: the child dies with this process (None beside
    other threads, where running Python between fork and exec is not safe)."""
    return functools.partial(die_with_parent, os.getpid()) if _forking_is_safe() else None


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (after: tests/test_kill_build.py reads it)


def _run(task: Any) -> Any:
    return _function(task)


class Pool:
    """`jobs` worker processes for each parallel step (`map`)."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or usable_cpus())
        self.started = 0  #: worker processes started so far

    def task_count(self, items: int, least: int) -> int:
        """How many tasks `items` things make: `TASKS_PER_JOB` for each job, each of at least
        `least` things (fewer: one task; a worker is not worth it)."""
        return max(1, min(self.jobs * TASKS_PER_JOB, items // least))

    def shares(self, items: Sequence, least: int) -> list[list]:
        """`items` cut, in order, into `task_count` tasks of nearly equal length."""
        count, n = self.task_count(len(items), least), len(items)
        return [list(items[i * n // count : (i + 1) * n // count]) for i in range(count)]

    def map(self, function: Callable[[Any], Any], tasks: Sequence) -> list:
        """`[function(task) for task in tasks]`, on the workers when there are several. Tasks
        and results are pickled, `function` is inherited (any callable); put the largest tasks
        first: a worker takes the next one when it is free."""
        if min(self.jobs, len(tasks)) < 2 or not _forking_is_safe():
            return [function(task) for task in tasks]
        global _function
        _function = function
        gc.freeze()
        try:
            return self._on_workers(min(self.jobs, len(tasks)), tasks)
        finally:
            _function = None
            gc.unfreeze()

    def _on_workers(self, workers: int, tasks: Sequence) -> list:
        context = _Recording()
        executor = cf.ProcessPoolExecutor(workers, context, _start_worker, (os.getpid(),))
        try:
            futures = [executor.submit(_run, task) for task in tasks]
            self.started += len(context.processes)
            pending, idle = set(futures), 0.0
            while pending:  # (in short waits: `WAIT_S`)
                done, pending = cf.wait(pending, WAIT_S, cf.FIRST_EXCEPTION)
                if (idle := 0.0 if done else idle + WAIT_S) >= STALL_S:
                    raise BuildError(
                        f"een werkproces van de build gaf {STALL_S:.0f} s geen resultaat; "
                        "de build is gestopt"
                    )
                if errors := [f.exception() for f in done if f.exception() is not None]:
                    raise errors[0]
            results = [future.result() for future in futures]
        except BaseException as error:
            if not isinstance(error, cf.BrokenExecutor):  # (which stops its workers itself)
                _kill_running(context.processes)
            _stop(executor, context.processes)
            raise _failure(error, context.processes)  # noqa: B904 (the error itself, or in Dutch)
        _stop(executor, context.processes)
        return results


def _stop(executor: cf.ProcessPoolExecutor, processes: list) -> None:
    """End a step: the executor tells its workers to exit and reaps them; a worker still there
    after `STOP_S` seconds (a thread its task left running keeps it) is killed."""
    watchdog = threading.Timer(STOP_S, _kill_running, [processes])
    watchdog.start()
    try:
        executor.shutdown(wait=True, cancel_futures=True)
    finally:
        watchdog.cancel()
        watchdog.join()  # (a step forks only where no other thread runs)


def _kill_running(processes: list) -> None:
    """Kill those of `processes` that run: started (a Ctrl+C may come between making and
    starting one) and not yet exited (so not reaped either: its pid is still its own)."""
    for process in processes:
        if process.pid is not None and not multiprocessing.connection.wait([process.sentinel], 0):
            process.kill()


class _Recording(multiprocessing.context.ForkContext):
    """The fork context, keeping every process it makes: a step's workers, listed before any
    task can run (a worker that has died is no longer among `multiprocessing.active_children`)."""

    def __init__(self) -> None:
        self.processes: list = []

    def Process(self, *args, **kwargs):  # (the name the executor calls)
        process = super().Process(*args, **kwargs)
        self.processes.append(process)
        return process


def _failure(error: BaseException, processes: list) -> BaseException:
    """A dead worker as a Dutch BuildError (from the exit status of the step's `processes`, all
    reaped); our errors and I/O errors as themselves, without the worker's traceback; anything
    else (a bug, Ctrl+C) as itself, a bug with the worker's traceback as its cause."""
    if isinstance(error, cf.BrokenExecutor):
        codes = [p.exitcode for p in processes if p.exitcode not in (0, None, -signal.SIGTERM)]
        code = codes[0] if codes else None  # (the executor stops the others with SIGTERM)
        how = f"gestopt door signaal {-code}" if code and code < 0 else f"afsluitcode {code}"
        error = BuildError(f"een werkproces van de build stopte onverwacht ({how})")
    if isinstance(error, KennisbankError | OSError):
        error.__cause__, error.__suppress_context__ = None, True
    return error
