"""The one process pool (pool.py): results in order from worker processes (or here, with one
job), state shared through the fork, every failure a Dutch message or the task's own error, no
wait without a limit, workers that die with their parent and leave Ctrl+C to it."""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO, delegated, needs_fork
from hypothesis import given
from hypothesis import strategies as st

from kennisbank_gen import pool as pool_module
from kennisbank_gen.errors import BuildError, FindingsError
from kennisbank_gen.findings import Finding
from kennisbank_gen.pool import TASKS_PER_JOB, Pool, usable_cpus


def where(state, task):
    """The task, the process it ran in, and something only the step's state knows."""
    return task, os.getpid(), state["secret"]()


def fails(task):
    if task == "findings":
        raise FindingsError([Finding("initiatives/x.yml", 3, 5, "title", "verwacht iets")])
    if task == "disk":
        raise OSError(28, "No space left on device", "build/docs/x.md")
    if task == "bug":
        raise ValueError("a bug in a task")
    if task == "exit":
        os._exit(9)
    if task == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if task == "wedged":
        time.sleep(3600)
    if task == "thread":  # a thread Python waits for before the worker may exit
        threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()
    return task


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_shares_keep_the_order_and_share_evenly():
    shares = Pool(2).shares(list(range(30)), 1)
    assert len(shares) == 2 * TASKS_PER_JOB
    assert [item for share in shares for item in share] == list(range(30))
    assert max(map(len, shares)) - min(map(len, shares)) <= 1
    assert Pool(2).shares(list(range(10)), 5) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert Pool(2).shares(list(range(9)), 5) == [list(range(9))]  # (fewer than twice `least`)
    assert Pool(8).shares([1], 1) == [[1]]
    assert Pool(2).shares([], 50) == [[]]


@given(st.integers(0, 5_000), st.integers(1, 600), st.integers(1, 64))
def test_shares_of_any_length_keep_every_item_once_in_even_shares(length, least, jobs):
    pool = Pool(jobs)
    shares = pool.shares(range(length), least)
    assert len(shares) == pool.task_count(length, least)
    assert [item for share in shares for item in share] == list(range(length))
    assert max(map(len, shares)) - min(map(len, shares)) <= 1


def test_one_job_runs_every_task_here_with_no_worker():
    pool = Pool(1)
    lambda_state = {"secret": lambda: "gedeeld"}  # not picklable: never pickled here either
    assert pool.map(functools.partial(where, lambda_state), ["a", "b"]) == [
        ("a", os.getpid(), "gedeeld"),
        ("b", os.getpid(), "gedeeld"),
    ]
    assert pool.started == 0


def test_the_pool_is_sized_from_the_cpus_this_process_may_use():
    assert Pool().jobs == usable_cpus() == len(os.sched_getaffinity(0))
    code = (
        "import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
        "from kennisbank_gen.pool import Pool; print(Pool().jobs, Pool(3).jobs)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "3"]


@needs_fork
def test_workers_run_the_tasks_in_order_with_the_state_of_the_fork(request):
    if delegated(request):
        return
    pool = Pool(2)
    state = {"secret": lambda: "gedeeld"}  # not picklable: inherited through the fork
    results = pool.map(functools.partial(where, state), list("abcdef"))
    assert [task for task, _, _ in results] == list("abcdef")
    assert {secret for _, _, secret in results} == {"gedeeld"}
    assert os.getpid() not in {pid for _, pid, _ in results}
    assert pool.started == 2
    assert no_children_left()


@needs_fork
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_tasks_own_error_arrives_as_itself(request, jobs):
    if jobs == 2 and delegated(request):
        return
    with pytest.raises(FindingsError) as findings:
        Pool(jobs).map(fails, ["ok", "findings"])
    assert findings.value.findings[0].text().startswith("initiatives/x.yml:3:5: title:")
    assert findings.value.__cause__ is None
    with pytest.raises(OSError) as disk:
        Pool(jobs).map(fails, ["disk", "ok"])
    assert (disk.value.errno, disk.value.filename) == (28, "build/docs/x.md")
    with pytest.raises(ValueError, match="a bug in a task"):
        Pool(jobs).map(fails, ["ok", "bug"])


@needs_fork
@pytest.mark.parametrize(
    ("task", "said"), [("exit", "afsluitcode 9"), ("kill", "gestopt door signaal 9")]
)
def test_a_worker_that_dies_is_a_dutch_build_error(request, task, said):
    if delegated(request):
        return
    # among a few tasks, and first of many: it dies while the rest are still being handed out
    for tasks in (["ok", task, "ok", "ok"], [task, *["ok"] * 2_000]):
        with pytest.raises(BuildError) as exc:
            Pool(2).map(fails, tasks)
        assert str(exc.value) == f"een werkproces van de build stopte onverwacht ({said})"
        assert no_children_left()


@needs_fork
def test_a_wedged_worker_stops_the_step_after_the_limit(request, monkeypatch):
    if delegated(request):
        return
    monkeypatch.setattr(pool_module, "STALL_S", 1.0)
    with pytest.raises(BuildError, match="gaf 1 s geen resultaat; de build is gestopt"):
        Pool(2).map(fails, ["wedged", "ok"])
    assert no_children_left()  # the wedged worker was killed, not left sleeping


@needs_fork
@pytest.mark.timeout(120)  # (without the limit: no end)
def test_a_worker_that_does_not_exit_after_the_step_is_killed(request, monkeypatch):
    if delegated(request):
        return
    monkeypatch.setattr(pool_module, "STOP_S", 1.0)
    assert Pool(2).map(fails, ["thread", "ok", "ok"]) == ["thread", "ok", "ok"]
    assert no_children_left()  # the worker kept by its task's thread was killed, and reaped


#: a build whose MkDocs step waits in the workers, so that the test can act while they run
SLOW_BUILD = """
import sys, time
from pathlib import Path
from kennisbank_gen import cli
from kennisbank_gen.publish import docs_tree, mkdocs_site, output_pass
docs_tree.SHARE_LEAST = mkdocs_site.SHARE_LEAST = output_pass.PASS_LEAST = 1
real = mkdocs_site._run_task
def slow(site, task):
    print("worker", flush=True)
    time.sleep(3600)
mkdocs_site._run_task = slow
cli.main(["build", "--jobs", "2", "--project", sys.argv[1]])
"""


def start_slow_build(project: Path, out: Path) -> subprocess.Popen:
    """The build, once its workers are in the MkDocs step (its output in `out`.*)."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_BUILD, str(project)],
        stdout=out.with_suffix(".out").open("w"),
        stderr=out.with_suffix(".err").open("w"),
        start_new_session=True,
        cwd=REPO,
    )
    said = out.with_suffix(".out")
    started = wait_until(lambda: "worker" in said.read_text() or process.poll() is not None)
    assert started and process.poll() is None, out.with_suffix(".err").read_text()[-3000:]
    return process


def children_of(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found = []
    for task in tasks.iterdir() if tasks.exists() else []:
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet waited for, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_until(condition, limit: float = 600.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.slow
@needs_fork
def test_kill_9_of_the_build_alone_takes_its_workers_and_frees_the_lock(project, tmp_path):
    """Issue 17 point 11: SIGKILL to the parent only (not its process group)."""
    process = start_slow_build(project, tmp_path / "build")
    workers = children_of(process.pid)
    assert len(workers) == 2
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert wait_until(lambda: not any(alive(w) for w in workers))
    again = subprocess.run(
        [Path(sys.executable).with_name("kennisbank"), "build", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert again.returncode == 0, again.stderr  # the lock was free; leftovers were removed
    assert "Traceback" not in (tmp_path / "build.err").read_text() + again.stderr


def interrupt_another_thread(pid: int) -> None:
    """SIGINT to one thread of `pid` that is not its main thread (the kernel may give a signal
    sent to a process to any of its threads: here, one of the executor's)."""
    thread = next(int(t.name) for t in Path(f"/proc/{pid}/task").iterdir() if int(t.name) != pid)
    assert ctypes.CDLL(None, use_errno=True).tgkill(pid, thread, signal.SIGINT) == 0


@pytest.mark.slow
@needs_fork
@pytest.mark.parametrize("to", ["the process group", "another thread"])
def test_ctrl_c_stops_the_build_without_a_traceback_from_any_process(project, tmp_path, to):
    process = start_slow_build(project, tmp_path / "build")
    workers = children_of(process.pid)
    if to == "another thread":
        interrupt_another_thread(process.pid)
    else:  # what a terminal sends: to every process of the group
        os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=120)  # (a failure bound: a wait the signal did not end lasts STALL_S)
    err = (tmp_path / "build.err").read_text()
    assert process.returncode == 1 and "Aborted!" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert not any(alive(w) for w in workers)
    assert not list(project.glob(".site.staging*"))


def test_the_worker_initialiser_asks_the_kernel_for_a_death_signal():
    """PR_SET_PDEATHSIG, read back with PR_GET_PDEATHSIG in a process that ran it."""
    code = textwrap.dedent(
        """
        import ctypes, os, signal
        from kennisbank_gen import pool
        pool._start_worker(os.getppid())
        value = ctypes.c_int()
        ctypes.CDLL(None).prctl(2, ctypes.byref(value))  # PR_GET_PDEATHSIG
        print(value.value, signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(int(signal.SIGKILL)), "True"]
