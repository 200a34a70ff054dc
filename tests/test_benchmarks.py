"""The benchmarks stay runnable (README: `make bench`): each script runs on a few records and
prints its figures. Nothing here looks at how long anything took."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


def run_script(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / name), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_validate_benchmark_prints_every_figure():
    out = run_script("validate_bench.py", "--records", "40")
    assert out.startswith("40 records")
    for row in ("validate, in process", "kennisbank validate (command)", "(CSafeLoader)"):
        assert re.search(rf"{re.escape(row)}\s+\d+\.\d\d s", out), out


def test_build_benchmark_prints_ours_beside_plain_material():
    out = run_script("run.py", "--sizes", "30")
    row = next(line for line in out.splitlines() if line.strip().startswith("30 "))
    _, _, ours, plain, ratio, *_ = row.split()
    ours, plain, ratio = float(ours), float(plain), float(ratio)
    assert ours > 0 and plain > 0
    # the ratio is of the unrounded times: each of the three is printed to within 0.005
    slack = 0.005 * (1 + ours / plain) / (plain - 0.005) + 0.005
    assert ratio == pytest.approx(ours / plain, abs=slack + 1e-9)


def test_linear_benchmark_prints_each_shape_with_its_ratio():
    out = run_script("linear_bench.py", "--sizes", "1000", "2000", "--shapes", "braces", "links")
    for shape in ("braces", "links"):
        assert re.search(rf"^{shape}\s+\d+\.\d{{3}}\s+\d+\.\d{{3}}\s+\d+\.\d", out, re.M), out


def test_suite_times_prints_wall_and_cpu_seconds_per_test_and_file():
    out = run_script("suite_times.py", "--top", "5", "tests/test_lanes.py", "-k", "no_change")
    test = "tests/test_lanes.py::test_no_change_at_all_runs_the_full_lane"
    assert re.search(rf"^\s+\d+\.\d\s+\d+\.\d  {re.escape(test)}$", out, re.M), out
    assert re.search(r"^\s+\d+\.\d\s+\d+\.\d\s+1  tests/test_lanes\.py$", out, re.M), out
    assert re.search(r"^\s+\d+\.\d\s+\d+\.\d\s+1  all tests$", out, re.M), out
    assert "load average" in out
