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


def test_build_benchmark_prints_ours_beside_plain_material_with_and_without_search():
    out = run_script("run.py", "--sizes", "30")
    rows = [line for line in out.splitlines() if line.strip().startswith("30 ")]
    assert [row.split("KB  ")[-1] for row in rows] == [
        "Material, no plugins",
        "Material, search plugin",
    ], out
    for row in rows:
        _, wall, ref_wall, wall_ratio, cpu, ref_cpu, cpu_ratio = map(float, row.split()[:7])
        assert min(wall, ref_wall, cpu, ref_cpu) > 0
        # the ratios are of the unrounded figures: each is printed to within 0.05
        assert wall_ratio == pytest.approx(wall / ref_wall, abs=0.05 / ref_wall * 4 + 0.01)
        assert cpu_ratio == pytest.approx(cpu / ref_cpu, abs=0.05 / ref_cpu * 4 + 0.01)
    stages = next(line for line in out.splitlines() if "CPU s per stage" in line)
    for stage in ("read and check", "render and write docs", "MkDocs", "gate and index input"):
        assert re.search(rf"{stage} \d+\.\d", stages), stages


def test_the_table_prints_every_row_of_the_issue():
    out = run_script(
        "table.py", "--build", "30", "--repeat", "1", "--busy", "30", "--scaling", "30",
        "--preview", "0", "--validate", "30",
    )  # fmt: skip
    for row in (
        "CPU s (user+sys, all processes), 30",
        "wall s, 30",
        "peak memory of the largest process, 30",
        "largest HTML page, 30",
        "gate, us per page",
        "  the same pages, turbohtml's parse alone",
        "kennisbank validate, 30",
        "  the same files, a bare yaml.load each, one core",
        "wall s, second core busy, 30",
        "speedup --jobs 2 over --jobs 1, 30",
        "  the pool on CPU-only tasks",
        "  wall s: MkDocs",
        "  wall s: gate and index input",
        "source lines of parallel machinery",
    ):
        line = next((x for x in out.splitlines() if x.startswith(row)), None)
        assert line is not None and re.search(r"\d", line[len(row) :]), (row, out)
    for row in ("CPU s (user+sys, all processes), 30", "wall s, 30", "wall s, second core busy"):
        references = [x for x in out.splitlines() if x.startswith(row)]
        assert len(references) == 2, (row, out)
        assert "Material, no plugins" in references[0], references
        assert "Material + search" in references[1], references


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
