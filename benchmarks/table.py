"""The performance table of issue #11 in one run: every figure beside its reference.

    .venv/bin/python benchmarks/table.py [--validate 10000] [--build 1000 10000] [--preview 1000]

- validate: `kennisbank validate` on N synthetic records, against check-jsonschema on the same
  files and schema, the previous schema engine and a bare PyYAML load (validate_bench.py);
- build: our full build against a plain MkDocs + Material build of the same generated Markdown,
  each in a fresh process, with peak memory and CPU seconds (run.py);
- preview: save one record of N, seconds until the served page shows it (preview_bench.py);
- search dependency: the installed size of the Pagefind binary package in use, and the wheel of
  `pagefind[extended]` (the reference) when PyPI can be reached.

It takes minutes (a plain build of 10,000 records alone takes about three); the other scripts
measure one figure each. Figures vary with the machine and its load; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from preview_bench import measure_preview
from run import measure
from synthetic import make_project, write_records
from validate_bench import measure_validate

EXTENDED = "pagefind-bin-extended"


def installed_mb(distribution: str) -> float | None:
    """Megabytes of the files an installed distribution put on disk, or None if not installed."""
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    return sum(f.locate().stat().st_size for f in files if f.locate().is_file()) / 1e6


def wheel_mb(distribution: str, version: str, workdir: Path) -> float | None:
    """Megabytes of the wheel pip would install here, or None when PyPI cannot be reached."""
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    done = subprocess.run(
        [*pip, "--dest", str(workdir), f"{distribution}=={version}"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    wheels = list(workdir.glob("*.whl"))
    return wheels[0].stat().st_size / 1e6 if done.returncode == 0 and wheels else None


def search_dependency(workdir: Path) -> dict:
    version = importlib.metadata.version("pagefind")
    ours = "pagefind-bin" if installed_mb("pagefind-bin") is not None else EXTENDED
    return {
        "ours": ours,
        "ours_wheel_mb": wheel_mb(ours, version, workdir / "ours"),
        "ours_installed_mb": installed_mb(ours),
        "extended_wheel_mb": wheel_mb(EXTENDED, version, workdir / "extended"),
    }


def _row(figure: str, ours: str, reference: str, ratio: float | None, goal: str) -> None:
    shown = "-" if ratio is None else f"{ratio:.2f}"
    print(f"{figure:<44} {ours:>12} {reference:>30} {shown:>7}  {goal}", flush=True)


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f} s"


def _mb(size: float | None) -> str:
    return "-" if size is None else f"{size:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--validate", type=int, default=10_000, help="records (0: skip)")
    parser.add_argument("--build", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--preview", type=int, default=1000, help="records (0: skip)")
    args = parser.parse_args()
    print(f"{'figure':<44} {'ours':>12} {'reference':>30} {'ratio':>7}  goal")
    print("-" * 120)
    with tempfile.TemporaryDirectory(prefix="kb-table-") as tmp:
        work = Path(tmp)
        if args.validate:
            root = make_project(work / "validate")
            write_records(root, args.validate, seed=0)
            v = measure_validate(root)
            n = f"{args.validate:,}"
            checker = v["check_jsonschema_s"]
            _row(
                f"kennisbank validate, {n} records",
                _s(v["validate_cli_s"]),
                f"check-jsonschema {_s(checker)}",
                None if checker is None else checker / v["validate_cli_s"],
                "<= 1.5 s, ratio >= 5",
            )
            _row(
                f"  the same in process, {n}",
                _s(v["validate_s"]),
                f"previous engine {_s(v['reference_engine_s'])}",
                v["reference_engine_s"] / v["validate_s"],
                "",
            )
            _row(
                f"  bare yaml.load of the files, {n}",
                _s(v["bare_load_s"]),
                f"command {_s(v['validate_cli_s'])}",
                v["validate_cli_s"] / v["bare_load_s"],
                "(the floor)",
            )
        for n in args.build:
            b = measure(n, work)
            _row(
                f"full build, {n:,} records",
                _s(b["build_s"]),
                f"plain Material {_s(b['plain_s'])}",
                b["ratio"],
                "ratio <= 1.10",
            )
            _row(
                f"  peak memory, {n:,}",
                f"{b['build_mb']:.0f} MB",
                f"plain Material {b['plain_mb']:.0f} MB",
                b["build_mb"] / b["plain_mb"],
                "",
            )
        if args.preview:
            p = measure_preview(work / "preview", args.preview)
            _row(
                f"preview: save -> page served, {args.preview:,}",
                _s(p["page_median_s"]),
                f"max {_s(p['page_max_s'])}",
                None,
                "<= 1 s",
            )
            _row(
                f"  all overviews show it too, {args.preview:,}",
                _s(p["listing_median_s"]),
                f"max {_s(p['listing_max_s'])}",
                None,
                "",
            )
        s = search_dependency(work)
        _row(
            f"search dependency wheel ({s['ours']})",
            _mb(s["ours_wheel_mb"]),
            f"{EXTENDED} {_mb(s['extended_wheel_mb'])}",
            None
            if None in (s["ours_wheel_mb"], s["extended_wheel_mb"])
            else s["extended_wheel_mb"] / s["ours_wheel_mb"],
            "what a Dutch site needs",
        )
    print(
        "\nratio: reference / ours where ours should be faster or smaller (validate, previous"
        " engine, search dependency); ours / reference where ours should come close (build,"
        " memory, command / bare load)"
    )


if __name__ == "__main__":
    main()
