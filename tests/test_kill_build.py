"""A build killed with `kill -9` takes its children with it (pool.py `die_with_parent`): no
worker of the pool renders on holding the build lock, Pagefind does not index on, and no
process prints a traceback."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TODAY, TODAY_ENV, needs_fork, synthetic_records

from kennisbank_gen.pool import ORPHANED
from kennisbank_gen.publish import docs_tree, mkdocs_site, output_pass
from kennisbank_gen.publish.output import LOCK_NAME

KENNISBANK = Path(sys.executable).with_name("kennisbank")
#: enough records that the build's steps after reading run on workers, whatever the content
RECORDS = 2 * max(docs_tree.SHARE_LEAST, mkdocs_site.SHARE_LEAST, output_pass.PASS_LEAST) + 100
#: failure bounds, not speed checks: how long the build may take to make the children looked
#: for, and its children to be gone after the kill
CHILDREN_BY_S = 600
GONE_BY_S = 30
#: the build's workers in each pool step (`--jobs`)
JOBS = 2


def stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent, start time) of a process, None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def children(parent: int) -> dict[int, tuple[int, bytes]]:
    """The processes `parent` made: pid -> (start time, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := stat(int(entry.name))) and info[1] == parent:
            found[int(entry.name)] = (info[2], cmdline(int(entry.name)))
    return found


def alive(pid: int, started: int) -> bool:
    """Whether that process still runs (a zombie has ended; another with its pid is another)."""
    info = stat(pid)
    return info is not None and info[0] != "Z" and info[2] == started


def ignores_ctrl_c(pid: int) -> bool:
    """Whether a process ignores SIGINT: a worker of the pool does once its initializer has
    asked for the death signal (`pool._start_worker`)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    ignored = next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:"))
    return bool(int(ignored, 16) & (1 << (signal.SIGINT - 1)))


def workers_started(own: bytes, now: dict[int, tuple[int, bytes]]) -> bool:
    """All `JOBS` workers of a pool step (forked: they have the build's own command line), each
    past its initializer (stopped before it, a worker would never ask to die with the build).
    The executor forks them one after the other: with fewer, the next could be forked after the
    test has looked, and be gone only a moment after the test takes the lock."""
    workers = [pid for pid, (_, line) in now.items() if line == own]
    return len(workers) == JOBS and all(ignores_ctrl_c(pid) for pid in workers)


def pagefind_started(own: bytes, now: dict[int, tuple[int, bytes]]) -> bool:
    """Pagefind's binary runs (its command line is its own once it runs, after `preexec_fn`)."""
    return any(line != own and b"pagefind" in line.split(b"\0")[0] for _, line in now.values())


@pytest.mark.slow
@needs_fork
@pytest.mark.parametrize(
    "started", [workers_started, pagefind_started], ids=["workers", "pagefind"]
)
def test_a_killed_build_takes_its_children_and_frees_the_lock(project, tmp_path, started):
    synthetic_records(project, RECORDS)
    errors = tmp_path / "stderr"
    with errors.open("wb") as stderr:
        build = subprocess.Popen(
            [str(KENNISBANK), "build", "--jobs", str(JOBS), "--project", str(project)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,  # a file: the children could write to it too, after the build is gone
            env={**os.environ, TODAY_ENV: TODAY.isoformat()},
            process_group=0,
        )
    # stands for the shell the build was started from, in the build's process group: without
    # it, the kernel ends a stopped child (SIGHUP) when its group loses the build (orphaned)
    shell = subprocess.Popen(["sleep", str(CHILDREN_BY_S)], process_group=build.pid)
    seen: dict[int, tuple[int, bytes]] = {}
    try:
        own = cmdline(build.pid)
        deadline = time.monotonic() + CHILDREN_BY_S
        now: dict[int, tuple[int, bytes]] = {}
        while not started(own, now):
            assert build.poll() is None, f"the build ended before it made them: {seen}"
            assert time.monotonic() < deadline, f"not made in time: {seen}"
            time.sleep(0.005)
            now = children(build.pid)
            seen.update(now)
        # stopped, a child with minutes of work left on a large site would hold the build
        # lock (or go on writing the index) forever unless it dies with the build
        for pid in now:
            os.kill(pid, signal.SIGSTOP)
        seen.update(children(build.pid))
        killed = time.monotonic()
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        while any(alive(pid, started) for pid, (started, _) in seen.items()):
            if time.monotonic() > killed + GONE_BY_S:
                break
            time.sleep(0.01)
        left = {pid: line for pid, (started, line) in seen.items() if alive(pid, started)}
        print(
            f"{len(seen)} children, {len(left)} left",
            f"{time.monotonic() - killed:.3f} s after the kill",
        )
        assert left == {}
    finally:
        shell.kill()
        shell.wait()
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid, (started, _) in seen.items():
            if alive(pid, started):
                os.kill(pid, signal.SIGKILL)
    with (project / LOCK_NAME).open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError while a child holds it
    said = errors.read_text("utf-8", "replace")
    assert "Traceback" not in said and "Exception" not in said, said


@pytest.mark.parametrize("parent, lives", [("os.getppid()", True), ("os.getppid() + 1", False)])
def test_a_child_whose_parent_is_gone_exits_at_once(parent: str, lives: bool):
    """`die_with_parent` closes the race of a parent that died before the child asked to die
    with it: the child's parent is then no longer the one that made it."""
    code = "import os; from kennisbank_gen.pool import die_with_parent; "
    code += f"die_with_parent({parent}); print('lived')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == ((0, "lived\n") if lives else (ORPHANED, ""))
