"""Build benchmark: our build vs a plain MkDocs + Material build of the same generated pages.

    .venv/bin/python benchmarks/run.py [--sizes 100 1000 10000]

For each N it generates N synthetic records in a temporary project and prints, side by side:
validation time, our total build time (validate + render + MkDocs + search index), the time of a
plain `mkdocs build` of the same generated Markdown, their ratio, and the HTML size of one
initiative page. Figures vary with the machine; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_project, write_records

from kennisbank_gen import clock
from kennisbank_gen.build import build
from kennisbank_gen.build.site_builder import run_site_builder
from kennisbank_gen.check.validate import validate


def measure(n: int, workdir: Path) -> dict[str, float]:
    root = make_project(workdir / f"n{n}")
    write_records(root, n, seed=n)

    start = time.perf_counter()
    project = validate(root, today=clock.today())
    validate_s = time.perf_counter() - start
    assert not project.blocking(), project.findings[:3]

    start = time.perf_counter()
    build(root, today=clock.today())
    build_s = time.perf_counter() - start

    start = time.perf_counter()
    run_site_builder(root / "mkdocs.yml", workdir / f"plain{n}")
    plain_s = time.perf_counter() - start

    page = root / "site" / "initiatieven" / "initiatief-00000" / "index.html"
    return {
        "n": n,
        "validate_s": validate_s,
        "build_s": build_s,
        "plain_s": plain_s,
        "ratio": build_s / plain_s,
        "page_kb": page.stat().st_size / 1024,
        "per_record_ms": build_s / n * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()
    header = (
        f"{'N':>7} {'validate s':>11} {'build s':>9} {'plain mkdocs s':>15} "
        f"{'ratio':>6} {'ms/record':>10} {'page KB':>8}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        for n in args.sizes:
            r = measure(n, Path(tmp))
            print(
                f"{r['n']:>7} {r['validate_s']:>11.2f} {r['build_s']:>9.2f} "
                f"{r['plain_s']:>15.2f} {r['ratio']:>6.2f} {r['per_record_ms']:>10.2f} "
                f"{r['page_kb']:>8.1f}",
                flush=True,
            )
    print("\nratio = our full build / plain MkDocs + Material build of the same generated Markdown")


if __name__ == "__main__":
    main()
