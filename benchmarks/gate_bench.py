"""Output-gate benchmark: microseconds of CPU per page for the gate, and for each HTML parser it
could be built on, over the same real pages.

    .venv/bin/python benchmarks/gate_bench.py [--site DIR] [--rounds 7] [--compare-with OLD/src]

Builds the bundled project in a temporary directory (or takes an already built `--site`), reads
every HTML page into memory, and times in CPU seconds of this process (best of `--rounds` passes
over all pages, so other work on the machine disturbs it less):

- the gate (`publish.gate.page_problems`): the mean over the pages, the page closest to 35 KB
  (a Material page of that size is the figure issue 19 sets a goal for: <= 500 us) and the
  largest page;
- each candidate parser alone, parsing only, where it is installed: turbohtml (the gate's),
  selectolax (lexbor), html5-parser (gumbo; it needs lxml built against its libxml2), html5lib,
  and the standard library's html.parser (a tokenizer: what the gate used before);
- with `--compare-with`, the gate of another checkout's `src/` (e.g. `git worktree add /tmp/old
  main`) on the same pages, in a child process.

Figures vary with the machine and its load; the ratios between rows much less.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REFERENCE_BYTES = 35_000


def cpu_us_per_page(pages: list[str], work: Callable[[str], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for html in pages:
            work(html)
        best = min(best, time.process_time() - start)
    return best / len(pages) * 1e6


def read_pages(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.html"))
    }


def gate_figures(site: Path, host: str, rounds: int) -> dict[str, float]:
    """The gate of the `kennisbank_gen` on sys.path: mean, ~35 KB page, largest page."""
    import inspect

    from kennisbank_gen.publish.gate import page_problems

    pages = read_pages(site)
    with_path = "page" in inspect.signature(page_problems).parameters
    rel_of = {html: rel for rel, html in pages.items()}

    def gate(html: str) -> object:
        return page_problems(html, host, rel_of[html]) if with_path else page_problems(html, host)

    texts = list(pages.values())
    reference = min(texts, key=lambda html: abs(len(html.encode()) - REFERENCE_BYTES))
    largest = max(texts, key=lambda html: len(html.encode()))
    return {
        "mean": cpu_us_per_page(texts, gate, rounds),
        "reference": cpu_us_per_page([reference] * 10, gate, rounds),
        "largest": cpu_us_per_page([largest] * 5, gate, rounds),
        "pages": len(texts),
        "reference_kb": len(reference.encode()) / 1000,
        "largest_kb": len(largest.encode()) / 1000,
        "refused": sum(bool(gate(html)) for html in texts),
    }


def parsers() -> dict[str, Callable[[str], object] | str]:
    """Each candidate's parse call, or why it is not measured here."""
    found: dict[str, Callable[[str], object] | str] = {}
    try:
        import turbohtml

        found["turbohtml (C, WHATWG tree, positions)"] = lambda html: turbohtml.parse(
            html, scripting=True, allow_declarative_shadow_roots=False
        )
    except ImportError:
        found["turbohtml"] = "not installed"
    try:
        from selectolax.lexbor import LexborHTMLParser

        found["selectolax (lexbor, WHATWG tree)"] = lambda html: LexborHTMLParser(
            html, scripting=True
        )
    except ImportError:
        found["selectolax (lexbor)"] = "not installed (pip install selectolax)"
    try:
        import html5_parser

        found["html5-parser (gumbo, lxml tree)"] = html5_parser.parse
    except (ImportError, RuntimeError) as exc:
        found["html5-parser (gumbo)"] = f"not usable: {str(exc)[:70]}"
    try:
        import html5lib

        parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"))
        found["html5lib (pure Python)"] = lambda html: parser.parse(html, scripting=True)
    except ImportError:
        found["html5lib"] = "not installed (pip install html5lib)"
    from html.parser import HTMLParser

    def tokenise(html: str) -> None:
        tokenizer = HTMLParser()
        tokenizer.feed(html)
        tokenizer.close()

    found["html.parser (stdlib tokenizer)"] = tokenise
    return found


def build_bundled(target: Path) -> Path:
    sys.path.insert(0, str(BENCH.parent / "tests"))
    from conftest import TODAY, copy_project

    from kennisbank_gen.publish import build

    root = copy_project(target / "project")
    build(root, today=TODAY)
    return root / "site"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the bundled one)")
    parser.add_argument("--host", default="kennisbank.example.org")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--compare-with", type=Path, help="another checkout's src/ directory")
    parser.add_argument("--gate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gate_only:  # the child of --compare-with
        print(json.dumps(gate_figures(args.site, args.host, args.rounds)))
        return
    with tempfile.TemporaryDirectory(prefix="kb-gate-bench-") as tmp:
        site = args.site or build_bundled(Path(tmp))
        pages = list(read_pages(site).values())
        gates = [("gate (this checkout)", gate_figures(site, args.host, args.rounds))]
        if args.compare_with:
            env = {**os.environ, "PYTHONPATH": str(args.compare_with.resolve())}
            command = [sys.executable, __file__, "--gate-only", "--site", str(site)]
            command += ["--host", args.host, "--rounds", str(args.rounds)]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            gates.append((f"gate ({args.compare_with})", json.loads(done.stdout)))
        first = gates[0][1]
        print(
            f"{first['pages']} pages; reference page {first['reference_kb']:.1f} KB, "
            f"largest {first['largest_kb']:.1f} KB; CPU us per page, best of {args.rounds}"
        )
        header = f"{'':44} {'mean':>8} {'~35 KB':>8} {'largest':>8} {'refused':>8}"
        print(header)
        print("-" * len(header))
        for name, figures in gates:
            print(
                f"{name:44} {figures['mean']:8.0f} {figures['reference']:8.0f} "
                f"{figures['largest']:8.0f} {figures['refused']:8d}"
            )
        reference = min(pages, key=lambda html: abs(len(html.encode()) - REFERENCE_BYTES))
        for name, parse in parsers().items():
            if isinstance(parse, str):
                print(f"{name:44} {parse}")
                continue
            rounds = 1 if "pure Python" in name else args.rounds
            mean = cpu_us_per_page(pages, parse, rounds)
            at_reference = cpu_us_per_page([reference] * 10, parse, rounds)
            print(f"{name:44} {mean:8.0f} {at_reference:8.0f} {'(parse only)':>17}")


if __name__ == "__main__":
    main()
