"""Linear time on pathological bodies: validation and rendering of every shape of
tests/test_linear.py, timed at growing sizes.

    .venv/bin/python benchmarks/linear_bench.py [--sizes 10000 100000 1000000] [--shapes a b]

For each shape and size it prints the CPU seconds (best of a few runs) to check the body
(`body_findings`) and to render it (`render_markdown`, with Python-Markdown's own converter
beside it up to 20,000 characters, where its link patterns already take seconds), and the ratio
of the largest size to the one before: linear work grows as much as the size, quadratic work as
its square. The test suite counts work instead of timing it (tests/test_linear.py); this shows
the seconds. Figures vary with the machine and its load; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import markdown
from test_linear import RENDER_SHAPES, VALIDATION_SHAPES, record

from kennisbank_gen.check.body_markdown import EXTENSIONS
from kennisbank_gen.check.markdown_safety import body_findings
from kennisbank_gen.render.markdown_html import render_markdown

#: Python-Markdown's own converter is timed up to this size only (quadratic: minutes beyond)
STOCK_UP_TO = 20_000


def seconds(work, text: str, runs: int = 2) -> float:
    """CPU seconds of `work(text)`, the best of `runs`."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work(text)
        best = min(best, time.process_time() - start)
    return best


def check(body: str) -> object:
    return body_findings(record(body))


def row(name: str, times: list[float]) -> str:
    ratio = times[-1] / max(times[-2], 1e-4) if len(times) > 1 else float("nan")
    return f"{name:28s}" + "".join(f"{t:10.3f}" for t in times) + f"{ratio:9.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--shapes", nargs="*")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    header = f"{'shape (CPU seconds)':28s}" + "".join(f"{n:>10,}" for n in sizes)
    print(header.replace(",", ".") + f"{'ratio':>9s}")
    print("validation (body_findings)")
    for name, make in VALIDATION_SHAPES.items():
        if not args.shapes or name in args.shapes:
            times = [seconds(check, make(n)) for n in sizes]
            print(row(name, times), flush=True)
    print("rendering (render_markdown; Python-Markdown's own converter in brackets)")
    stock = markdown.Markdown(extensions=EXTENSIONS)
    for name, make in RENDER_SHAPES.items():
        if args.shapes and name not in args.shapes:
            continue
        times = [seconds(render_markdown, make(n), runs=1) for n in sizes]
        small = [n for n in sizes if n <= STOCK_UP_TO]
        theirs = [seconds(lambda b: stock.reset().convert(b), make(n), runs=1) for n in small]
        note = "  [" + " ".join(f"{t:.3f}" for t in theirs) + "]" if theirs else ""
        print(row(name, times) + note, flush=True)


if __name__ == "__main__":
    main()
