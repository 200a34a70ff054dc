"""Build benchmark: our build vs a plain MkDocs + Material build of the same generated pages.

    .venv/bin/python benchmarks/run.py [--sizes 100 1000 10000]

For each N it generates N synthetic records in a temporary project and prints, side by side:
validation time, our full build (`kennisbank build`: validate, render, MkDocs with the output gate
and Pagefind alongside, swap), a plain MkDocs + Material build of the same generated Markdown,
their ratio, the peak memory of each, and the HTML size of one initiative page.

Each build runs in a fresh Python process, as `kennisbank build` and `mkdocs build` would: its
time includes starting Python and importing. Peak memory is the process's maximum resident set
plus the largest of its child processes (ours: the gate's worker, Pagefind), an upper bound of
what they hold together; CPU seconds add up all its processes (on a busy machine, where no core
is free for the gate and Pagefind, wall time follows CPU time). Figures vary with the machine and
its load; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_project, write_records

from kennisbank_gen import clock
from kennisbank_gen.check.validate import validate

#: a build in a child process; prints its peak memory (KB) as JSON
_CHILD = """
import json, resource, sys
from pathlib import Path
{body}
me, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
cpu = me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
print(json.dumps({{"self_kb": me.ru_maxrss, "children_kb": children.ru_maxrss, "cpu_s": cpu}}))
"""
OURS = _CHILD.format(
    body="from kennisbank_gen import clock\n"
    "from kennisbank_gen.publish import build\n"
    "build(Path(sys.argv[1]), today=clock.today())"
)
PLAIN = _CHILD.format(
    body="from mkdocs.commands.build import build\n"
    "from mkdocs.config import load_config\n"
    "build(load_config(config_file=sys.argv[1] + '/mkdocs.yml', site_dir=sys.argv[2], strict=True))"
)


def run_child(code: str, *args: str) -> tuple[float, float, float]:
    """(seconds, peak MB, CPU seconds with its children) of one build in a fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    usage = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, (usage["self_kb"] + usage["children_kb"]) / 1024, usage["cpu_s"]


def measure(n: int, workdir: Path) -> dict[str, float]:
    root = make_project(workdir / f"n{n}")
    write_records(root, n, seed=n)

    start = time.perf_counter()
    project = validate(root, today=clock.today())
    validate_s = time.perf_counter() - start
    assert not project.blocking(), project.findings[:3]

    build_s, build_mb, build_cpu = run_child(OURS, str(root))
    plain_s, plain_mb, plain_cpu = run_child(PLAIN, str(root), str(workdir / f"plain{n}"))

    page = root / "site" / "initiatieven" / "initiatief-00000" / "index.html"
    return {
        "n": n,
        "validate_s": validate_s,
        "build_s": build_s,
        "plain_s": plain_s,
        "ratio": build_s / plain_s,
        "build_cpu_s": build_cpu,
        "plain_cpu_s": plain_cpu,
        "build_mb": build_mb,
        "plain_mb": plain_mb,
        "page_kb": page.stat().st_size / 1024,
        "per_record_ms": build_s / n * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()
    header = (
        f"{'N':>7} {'validate s':>11} {'build s':>9} {'plain mkdocs s':>15} "
        f"{'ratio':>6} {'CPU s':>6} {'plain CPU s':>11} {'peak MB':>8} {'plain MB':>9} "
        f"{'ms/record':>10} {'page KB':>8}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        for n in args.sizes:
            r = measure(n, Path(tmp))
            print(
                f"{r['n']:>7} {r['validate_s']:>11.2f} {r['build_s']:>9.2f} "
                f"{r['plain_s']:>15.2f} {r['ratio']:>6.2f} {r['build_cpu_s']:>6.1f} "
                f"{r['plain_cpu_s']:>11.1f} {r['build_mb']:>8.0f} "
                f"{r['plain_mb']:>9.0f} {r['per_record_ms']:>10.2f} {r['page_kb']:>8.1f}",
                flush=True,
            )
    print("\nratio = our full build / plain MkDocs + Material build of the same generated Markdown")
    print("CPU s = user + system time of a build and its child processes (all cores)")
    print("peak MB = a build's largest resident set plus its largest child process's")


if __name__ == "__main__":
    main()
