"""Where the test suite's time goes: wall and CPU seconds per test, per file and in total.

    .venv/bin/python benchmarks/suite_times.py [--top 30] [--json FILE] [PYTEST ARGS...]

Runs pytest (default: the whole suite, as `make test` does) with a small plugin that measures
each test's setup, call and teardown: wall seconds, and CPU seconds of this process and of the
child processes it waited for (builds in a subprocess, Pagefind, gate workers). CPU seconds vary
less with the machine's load than wall seconds, so they show what costs on a busy machine too;
the browser's own processes are not counted (they end with the session). Prints the slowest tests,
the files by wall and CPU seconds, and the totals, with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Times:
    """A pytest plugin: (wall, cpu) seconds per test id, its three phases together."""

    def __init__(self) -> None:
        self.tests: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def pytest_runtest_logstart(self, nodeid, location) -> None:
        self._start = (time.perf_counter(), _cpu())

    def pytest_runtest_logfinish(self, nodeid, location) -> None:
        wall, cpu = self._start
        self.tests[nodeid][0] += time.perf_counter() - wall
        self.tests[nodeid][1] += _cpu() - cpu


def report(tests: dict[str, list[float]], top: int) -> str:
    files: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for nodeid, (wall, cpu) in tests.items():
        f = files[nodeid.split("::")[0]]
        f[0], f[1], f[2] = f[0] + wall, f[1] + cpu, f[2] + 1
    lines = [f"{'wall s':>8} {'cpu s':>8}  slowest tests"]
    for nodeid, (wall, cpu) in sorted(tests.items(), key=lambda t: -t[1][0])[:top]:
        lines.append(f"{wall:8.1f} {cpu:8.1f}  {nodeid}")
    lines.append(f"\n{'wall s':>8} {'cpu s':>8} {'tests':>6}  files")
    for name, (wall, cpu, count) in sorted(files.items(), key=lambda f: -f[1][0]):
        lines.append(f"{wall:8.1f} {cpu:8.1f} {count:6d}  {name}")
    wall = sum(t[0] for t in tests.values())
    cpu = sum(t[1] for t in tests.values())
    lines.append(f"\n{wall:8.1f} {cpu:8.1f} {len(tests):6d}  all tests")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json", help="also write {test id: [wall, cpu]} to this file")
    args, pytest_args = parser.parse_known_args()
    import pytest

    times = Times()
    load = os.getloadavg()
    start = time.perf_counter()
    code = pytest.main(["-q", "-p", "no:cacheprovider", *pytest_args], plugins=[times])
    elapsed = time.perf_counter() - start
    print("\n" + report(times.tests, args.top))
    print(
        f"\nsession: {elapsed:.1f} s wall; load average {load[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after; {os.cpu_count()} CPUs"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(times.tests, out, indent=1)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
