"""Validation benchmark: `kennisbank validate` against its references, on the same files.

    .venv/bin/python benchmarks/validate_bench.py [--records 10000] [--seed 0]

Generates N synthetic records (benchmarks/synthetic.py) in a temporary project and times, side
by side on those files:

- validate, in process: `check.validate.validate(..., records=False)`, what the command runs;
- validate, the command: `kennisbank validate` as a subprocess (start-up counts for an editor);
- validate one file (`kennisbank validate FILE`, what `new` and pre-commit run): FILE is checked
  on its own and against every other record of the project (titles, slugs, former addresses);
- validate with `--jobs 1` (no worker process) and with the previous schema engine (`jsonschema`,
  the reference, through the same pipeline: KENNISBANK_SCHEMA_ENGINE=jsonschema);
- check-jsonschema: `check-jsonschema --schemafile` with the schema `kennisbank schema -o`
  writes (install it with `pip install -e '.[bench]'`; without it that line says so);
- a bare `yaml.load(..., CSafeLoader)` of every file (reading included): the floor for any
  validator that parses these files with PyYAML.

Each figure is the median of three runs (check-jsonschema: one run). Figures vary with the
machine and its load; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_project, write_records

from kennisbank_gen import clock
from kennisbank_gen.check.validate import validate
from kennisbank_gen.pool import Pool
from kennisbank_gen.schema_errors import ENGINE_VARIABLE

#: `kennisbank` as a subprocess, whether or not the console script is on PATH
COMMAND = [sys.executable, "-c", "from kennisbank_gen.cli import main; main()"]


#: runs of each figure but check-jsonschema's (about 25 s); the median is shown
REPEATS = 3


def _timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    """The median seconds of `repeats` runs of `fn`, and its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _in_process(root: Path, jobs: int | None = None) -> float:
    pool = Pool(jobs)
    seconds, report = _timed(lambda: validate(root, today=clock.today(), records=False, pool=pool))
    if report.blocking():
        raise SystemExit(f"synthetic records have findings: {report.findings[:3]}")
    return seconds


def _one_file(root: Path, file: Path) -> float:
    pool = Pool()
    seconds, report = _timed(
        lambda: validate(root, [file], today=clock.today(), records=False, pool=pool)
    )
    if report.blocking():
        raise SystemExit(f"synthetic record has findings: {report.findings[:3]}")
    return seconds


def _one_core(root: Path) -> float:
    return _in_process(root, jobs=1)


def _reference_engine(root: Path) -> float:
    saved = os.environ.get(ENGINE_VARIABLE)
    os.environ[ENGINE_VARIABLE] = "jsonschema"
    try:
        return _in_process(root)
    finally:
        if saved is None:
            del os.environ[ENGINE_VARIABLE]
        else:
            os.environ[ENGINE_VARIABLE] = saved


def _command(root: Path, *args: str) -> float:
    seconds, done = _timed(
        lambda: subprocess.run(
            [*COMMAND, *args, "--project", str(root)], capture_output=True, text=True
        )
    )
    if done.returncode != 0:
        raise SystemExit(f"kennisbank {' '.join(args)} failed: {done.stdout}{done.stderr}")
    return seconds


def check_jsonschema() -> str | None:
    """The check-jsonschema command, or None when it is not installed."""
    beside = Path(sys.executable).with_name("check-jsonschema")
    return str(beside) if beside.exists() else shutil.which("check-jsonschema")


def _check_jsonschema(root: Path, files: list[Path]) -> float | None:
    command = check_jsonschema()
    if command is None:
        return None
    schema = root / "record.schema.json"
    subprocess.run(
        [*COMMAND, "schema", "-o", str(schema), "--project", str(root)],
        check=True,
        capture_output=True,
    )
    json.loads(schema.read_text(encoding="utf-8"))  # (a readable schema, or stop here)
    seconds, done = _timed(
        lambda: subprocess.run(
            [command, "--schemafile", str(schema), *map(str, files)],
            capture_output=True,
            text=True,
        ),
        repeats=1,
    )
    if done.returncode != 0:
        raise SystemExit(f"check-jsonschema failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def _bare_load(files: list[Path]) -> float:
    def load_all() -> None:
        for file in files:
            yaml.load(file.read_bytes().decode("utf-8-sig"), Loader=yaml.CSafeLoader)

    return _timed(load_all)[0]


def measure_validate(root: Path) -> dict:
    """Seconds of each way of validating the records of the project at `root` (see the module's
    docstring), and their ratios (None where check-jsonschema is not installed)."""
    files = sorted((root / "initiatives").glob("*.yml"))
    result: dict = {"records": len(files)}
    result["bare_load_s"] = _bare_load(files)
    result["validate_s"] = _in_process(root)
    result["validate_cli_s"] = _command(root, "validate")
    result["validate_one_file_s"] = _one_file(root, files[len(files) // 2])
    result["validate_one_core_s"] = _one_core(root)
    result["reference_engine_s"] = _reference_engine(root)
    result["check_jsonschema_s"] = _check_jsonschema(root, files)
    base = result["validate_s"]
    checker = result["check_jsonschema_s"]
    result["ratios"] = {
        "validate / bare load": base / result["bare_load_s"],
        "command / bare load": result["validate_cli_s"] / result["bare_load_s"],
        "reference engine / validate": result["reference_engine_s"] / base,
        "one core / two": result["validate_one_core_s"] / base,
        "check-jsonschema / command": None
        if checker is None
        else checker / result["validate_cli_s"],
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-validate-bench-") as tmp:
        root = make_project(Path(tmp) / "project")
        write_records(root, args.records, seed=args.seed)
        r = measure_validate(root)
    print(f"{r['records']} records, {os.cpu_count()} cores")
    rows = [
        ("validate, in process", r["validate_s"]),
        ("kennisbank validate (command)", r["validate_cli_s"]),
        ("validate FILE, against the others", r["validate_one_file_s"]),
        ("validate, one core", r["validate_one_core_s"]),
        ("validate, jsonschema engine (previous)", r["reference_engine_s"]),
        ("check-jsonschema --schemafile", r["check_jsonschema_s"]),
        ("bare yaml.load (CSafeLoader)", r["bare_load_s"]),
    ]
    for name, seconds in rows:
        shown = (
            "not installed: pip install -e '.[bench]'" if seconds is None else f"{seconds:.2f} s"
        )
        print(f"  {name:<40} {shown}")
    for name, ratio in r["ratios"].items():
        print(f"  {name:<40} {'-' if ratio is None else f'{ratio:.2f}'}")


if __name__ == "__main__":
    main()
