"""The performance table of issue #19 in one run: every figure beside its reference and goal.

    .venv/bin/python benchmarks/table.py [--validate 10000] [--build 1000 10000] [--repeat 3]
        [--busy 1000] [--scaling 10000] [--preview 1000]

- build: our full build against two plain `mkdocs build`s (MkDocs + Material, this project's
  mkdocs.yml) of the same generated docs tree, a row for each: with no plugins (as mkdocs.yml
  says), and with the theme's built-in search plugin (MkDocs' default `plugins: [search]`; its
  index is built in Python, as ours builds Pagefind's); each build in a fresh process, one after
  the other (run.py): CPU seconds (every process), wall seconds, peak memory of the largest
  process; the CPU of each stage of ours (and its share of the no-plugin build's CPU); the
  largest HTML page;
- busy: the same with a CPU burner on one core (a machine whose second core is taken);
- scaling: our build with `--jobs 1` against `--jobs 2`, in turns (the ratio: the median of
  the pairs' ratios), beside the pool's own speedup on tasks that need only a CPU, measured
  after each pair (the ceiling the machine allowed), and each stage's wall seconds;
- the gate: microseconds per page over every HTML page of the built site (`gate.page_problems`),
  beside turbohtml's parse of the same pages alone: the floor of any gate that reads a page as
  a browser does, on this machine;
- validate: `kennisbank validate` against check-jsonschema (validate_bench.py), beside a bare
  `yaml.load` of the same files on one core: the floor of any check that parses them with PyYAML;
- preview: save one record of N, seconds until its page and both overviews show it;
- the source lines of the parallel machinery (`PARALLEL`) against the issue's count.

Each build figure is the median of `--repeat` runs. It takes long (a plain build of 10,000
records alone takes minutes); figures vary with the machine and its load: compare ratios, and
CPU seconds before wall seconds.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from preview_bench import measure_preview
from run import make, measure
from synthetic import make_project, write_records
from validate_bench import measure_validate

from kennisbank_gen.pool import Pool
from kennisbank_gen.publish.gate import html_pages, page_problems, parse_page, site_host

SRC = Path(__file__).resolve().parent.parent / "src" / "kennisbank_gen"
#: the code that exists to run work in parallel: the pool, and in each stage what cuts the work
#: into tasks and puts their results together (not the work itself: gating a page, rendering)
PARALLEL = {
    "pool.py": None,
    "publish/output_pass.py": ["check_and_prepare_index"],
    "publish/docs_tree.py": ["_Rendering", "_render_and_write", "write_docs_tree"],
    "publish/mkdocs_site.py": [
        "MkDocsSite.read_navigation",
        "MkDocsSite.tasks",
        "_run_task",
        "build_loaded",
    ],
    "check/validate.py": ["_gathered", "_read_and_check", "_other_records", "_read_across"],
}
#: the issue's count: page_halves, read/halves, pipeline, feeder, the Pagefind service client...
PARALLEL_BEFORE = 970


def parallel_lines() -> int:
    """Source lines (docstrings and comments included) of `PARALLEL`."""
    total = 0
    for rel, names in PARALLEL.items():
        text = (SRC / rel).read_text(encoding="utf-8")
        if names is None:
            total += len(text.splitlines())
            continue
        spans = {}
        for node in ast.parse(text).body:
            inner = node.body if isinstance(node, ast.ClassDef) else []
            for item in [node, *inner]:
                if isinstance(item, ast.FunctionDef | ast.ClassDef):
                    name = item.name if item is node else f"{node.name}.{item.name}"
                    first = min([item.lineno, *(d.lineno for d in item.decorator_list)])
                    spans[name] = item.end_lineno - first + 1
        total += sum(spans[name] for name in names)
    return total


def gate_us_per_page(site: Path, url: str) -> tuple[float, float, int]:
    """Medians over three passes, in turns, of the gate's microseconds per page and of its
    parse alone (`gate.parse_page`: its floor on this machine), and the page count."""
    pages = [
        (p.relative_to(site).as_posix(), p.read_text(encoding="utf-8")) for p in html_pages(site)
    ]
    host, gate, parse = site_host(url), [], []
    for _ in range(3):
        start = time.process_time()
        for rel, html in pages:
            page_problems(html, host, rel)
        gate.append((time.process_time() - start) / len(pages) * 1e6)
        start = time.process_time()
        for _rel, html in pages:
            parse_page(html)
        parse.append((time.process_time() - start) / len(pages) * 1e6)
    return statistics.median(gate), statistics.median(parse), len(pages)


def _row(figure: str, ours: str, reference: str, ratio: float | None, goal: str) -> None:
    shown = "-" if ratio is None else f"{ratio:.2f}"
    print(f"{figure:<48} {ours:>14} {reference:>30} {shown:>7}  {goal}", flush=True)


def _median(runs: list[dict], *keys: str | int) -> float:
    def value(run: dict) -> float:
        for key in keys:
            run = run[key]
        return run

    return statistics.median(value(r) for r in runs)


def _spread(ratios: list[float]) -> str:
    """The lowest and highest of several runs' ratios, as a row's figure shows them."""
    ratios = sorted(ratios)
    return f" ({ratios[0]:.2f}-{ratios[-1]:.2f})" if len(ratios) > 1 else ""


#: the two references of every build figure (run.REFERENCES), as the table names them
REFERENCES = {"plain": "Material, no plugins", "plain_search": "Material + search"}


def _rows(runs: list[dict], figure: str, key: str, unit: str, goal: str) -> None:
    """`figure` of ours against each reference, one row each (`key` of each run)."""
    ours = _median(runs, "ours", key)
    for name, label in REFERENCES.items():
        theirs = _median(runs, name, key)
        _row(
            f"{figure}{_spread([r['ours'][key] / r[name][key] for r in runs])}",
            f"{ours:.1f} {unit}",
            f"{label} {theirs:.1f} {unit}",
            ours / theirs,
            goal,
        )


def build_rows(n: int, work: Path, repeat: int) -> Path:
    root = make(n, work)
    runs = [measure(root, work) for _ in range(repeat)]
    plain_cpu = _median(runs, "plain", "cpu_s")
    _rows(runs, f"CPU s (user+sys, all processes), {n:,}", "cpu_s", "s", "<= 1.25")
    _rows(runs, f"wall s, {n:,}", "wall_s", "s", "<= 1.0")
    _rows(runs, f"peak memory of the largest process, {n:,}", "peak_mb", "MB", "<= 1.3")
    size, page = runs[-1]["largest_page"]
    _row(f"largest HTML page, {n:,}", f"{size / 1024:.0f} KB", page[:30], None, "<= 300 KB")
    stages = runs[-1]["ours"]["stages"]
    for stage in stages:
        stage_cpu = _median(runs, "ours", "stages", stage, 0)
        stage_wall = _median(runs, "ours", "stages", stage, 1)
        _row(
            f"  CPU s: {stage}",
            f"{stage_cpu:.1f} s",
            f"wall {stage_wall:.1f} s",
            stage_cpu / plain_cpu,
            "(of no-plugin CPU)",
        )
    rest = statistics.median(
        r["ours"]["cpu_s"] - sum(c for c, _ in r["ours"]["stages"].values()) for r in runs
    )
    _row("  CPU s: start, imports, outside the stages", f"{rest:.1f} s", "", rest / plain_cpu, "")
    return root


#: iterations of `_spin`: 0.6 s of one core's work on the machine of 7 December 2026
SPIN = 20_000_000


def _spin(iterations: int) -> int:
    total = 0
    for i in range(iterations):
        total += i
    return total


def pool_scaling() -> float:
    """What the pool gives on this machine for work that needs nothing but a CPU: two equal
    tasks on `Pool(1)` over the same on `Pool(2)` (wall time; fork and results included). A
    neighbour on the host, or two cores that share one, shows here as well as in the build."""
    seconds = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        Pool(jobs).map(_spin, [SPIN, SPIN])
        seconds[jobs] = time.perf_counter() - start
    return seconds[1] / seconds[2]


def scaling_rows(n: int, work: Path, repeat: int) -> None:
    """Our build with `--jobs 1` against `--jobs 2`, in turns (the machine's drift falls on both
    sides), each replacing the site the one before built; after each pair `pool_scaling`. Rows:
    the speedup, the ceiling this machine allowed meanwhile, each stage's (where it is lost)."""
    root, pairs, ceilings = make(n, work), [], []
    if not (root / "site").is_dir():  # every build measured replaces a site, as a rebuild does
        measure(root, work, plain=False)
    for _ in range(repeat):
        pairs.append({j: measure(root, work, jobs=j, plain=False)["ours"] for j in (1, 2)})
        ceilings.append(pool_scaling())
    ratios = [pair[1]["wall_s"] / pair[2]["wall_s"] for pair in pairs]
    _row(
        f"speedup --jobs 2 over --jobs 1{_spread(ratios)}, {n:,}",
        f"{_median(pairs, 2, 'wall_s'):.1f} s",
        f"--jobs 1 {_median(pairs, 1, 'wall_s'):.1f} s",
        statistics.median(ratios),
        ">= 1.8",
    )
    _row(
        f"  the pool on CPU-only tasks{_spread(ceilings)}",
        "",
        "",
        statistics.median(ceilings),
        "(this machine's ceiling)",
    )
    for stage in pairs[0][1]["stages"]:
        walls = {j: _median(pairs, j, "stages", stage, 1) for j in (1, 2)}
        _row(
            f"  wall s: {stage}",
            f"{walls[2]:.1f} s",
            f"--jobs 1 {walls[1]:.1f} s",
            walls[1] / walls[2] if walls[2] else None,
            "",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--validate", type=int, default=10_000, help="records (0: skip)")
    parser.add_argument("--build", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build figure")
    parser.add_argument("--busy", type=int, nargs="*", default=[1000], help="records")
    parser.add_argument("--scaling", type=int, nargs="*", default=[10_000], help="records")
    parser.add_argument("--preview", type=int, default=1000, help="records (0: skip)")
    args = parser.parse_args()
    print(f"{'figure':<48} {'ours':>14} {'reference':>30} {'ratio':>7}  goal")
    print("-" * 124)
    with tempfile.TemporaryDirectory(prefix="kb-table-") as tmp:
        work = Path(tmp)
        for n in args.build:
            root = build_rows(n, work, args.repeat)
            us, parse_us, pages = gate_us_per_page(root / "site", "https://kennisbank.example.org/")
            _row(
                f"gate, us per page ({pages:,} pages of {n:,})",
                f"{us:.0f}",
                "~4,000 before",
                us / 4000,
                "<= 500",
            )
            _row("  the same pages, turbohtml's parse alone", f"{parse_us:.0f}", "", None, "")
        for n in args.busy:
            root = make(n, work)
            runs = [measure(root, work, busy=True) for _ in range(args.repeat)]
            _rows(runs, f"wall s, second core busy, {n:,}", "wall_s", "s", "<= 1.3")
        for n in args.scaling:
            scaling_rows(n, work, args.repeat)
        if args.preview:
            p = measure_preview(work / "preview", args.preview)
            _row(
                f"preview: save -> record page, {args.preview:,}",
                f"{p['page_median_s']:.2f} s",
                f"max {p['page_max_s']:.2f} s",
                None,
                "<= 1 s",
            )
            _row(
                f"preview: save -> overview pages, {args.preview:,}",
                f"{p['listing_median_s']:.2f} s",
                f"max {p['listing_max_s']:.2f} s",
                None,
                "<= 1 s",
            )
        if args.validate:
            root = make_project(work / "validate")
            write_records(root, args.validate, seed=0)
            v = measure_validate(root)
            checker = v["check_jsonschema_s"]
            _row(
                f"kennisbank validate, {args.validate:,}",
                f"{v['validate_cli_s']:.2f} s",
                "check-jsonschema " + ("-" if checker is None else f"{checker:.2f} s"),
                None if checker is None else checker / v["validate_cli_s"],
                "<= 1.5 s",
            )
            _row(
                "  the same files, a bare yaml.load each, one core",
                f"{v['bare_load_s']:.2f} s",
                "",
                None,
                "",
            )
        lines = parallel_lines()
        _row(
            "source lines of parallel machinery",
            f"{lines}",
            f"before ~{PARALLEL_BEFORE}",
            lines / PARALLEL_BEFORE,
            "<= 300",
        )
    print(
        "\nratio: ours / reference (validate: check-jsonschema / ours). Builds: medians of "
        f"{args.repeat} runs each, ours and both references one after the other, fresh processes"
        " (Material with no plugins, as mkdocs.yml says; Material with `plugins: [search]`,"
        " MkDocs' default, whose index is built in Python as ours is by Pagefind)."
    )


if __name__ == "__main__":
    main()
