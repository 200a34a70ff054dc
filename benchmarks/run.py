"""Build benchmark: our build vs a plain MkDocs + Material build of the same generated pages.

    .venv/bin/python benchmarks/run.py [--sizes 100 1000 10000] [--jobs N] [--busy]

For each N it generates N synthetic records in a temporary project and prints, side by side:
our full build (`kennisbank build`: read and check, model, docs tree, MkDocs, gate and index
input, Pagefind, swap) and two plain `mkdocs build`s of the same generated docs tree (MkDocs +
Material, this project's mkdocs.yml): one with no plugins (as mkdocs.yml says), one with the
theme's built-in search plugin (`plugins: [search]`, MkDocs' default when `plugins` is not set:
Material's `material/search`, which builds its search index in Python, as ours builds Pagefind's),
each in a fresh Python process: wall seconds, CPU
seconds (user + system of the process and every process it waited for: the pool's workers,
Pagefind) and the peak memory of the largest single process (the larger of the process's own
maximum resident set and that of its largest child). Our build also reports the CPU seconds of
each stage (the recipe's calls, workers included), and the largest HTML page it wrote.

`--busy`: a CPU burner runs on one of the cores during both builds (a machine whose second core
is taken). Figures vary with the machine and its load; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_project, write_records

from kennisbank_gen import clock
from kennisbank_gen.check.validate import validate
from kennisbank_gen.publish import generate

#: the recipe's calls, as the stages the report names (publish/recipe.py)
STAGES = {
    "validate": "read and check",
    "build_model": "model",
    "write_docs_tree": "render and write docs",
    "build_site": "MkDocs",
    "check_and_prepare_index": "gate and index input",
    "index": "Pagefind",
    "swap_into_place": "swap",
}

#: a process's own peak is its VmHWM, not its `ru_maxrss`: Linux carries the RSS of the process
#: that forked it over into `ru_maxrss` at exec (here, this benchmark's, which made the records)
_USAGE = """
import json, re, resource, sys
def usage():
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me, kids, me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
def own_peak_kb():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1))
"""
#: our build in a fresh process, each stage's CPU seconds measured around the recipe's calls
OURS = (
    _USAGE
    + f"""
import time
from pathlib import Path
from kennisbank_gen import clock
from kennisbank_gen.publish import recipe
stages = {{}}
def timed(name, function):
    def run(*args, **kwargs):
        before, started = usage()[2], time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            cpu, wall = stages.get(name, (0.0, 0.0))
            stages[name] = (cpu + usage()[2] - before, wall + time.perf_counter() - started)
    return run
for name in {list(STAGES)!r}:
    setattr(recipe, name, timed(name, getattr(recipe, name)))
jobs = int(sys.argv[2]) if sys.argv[2] != "-" else None
recipe.build(Path(sys.argv[1]), today=clock.today(), jobs=jobs)
me, kids, cpu = usage()
print(json.dumps({{"self_kb": own_peak_kb(), "children_kb": kids.ru_maxrss, "cpu_s": cpu,
                  "stages": stages}}))
"""
)
PLAIN = (
    _USAGE
    + """
from mkdocs.commands.build import build
from mkdocs.config import load_config
plugins = sys.argv[3].split(",") if sys.argv[3] else []
build(load_config(config_file=sys.argv[1] + '/mkdocs.yml', site_dir=sys.argv[2], strict=True,
                  plugins=plugins))
me, kids, cpu = usage()
print(json.dumps({"self_kb": own_peak_kb(), "children_kb": kids.ru_maxrss, "cpu_s": cpu}))
"""
)


def _burn(cpu: int) -> None:
    os.sched_setaffinity(0, {cpu})
    while True:
        pass


@contextlib.contextmanager
def busy_core(busy: bool) -> Iterator[None]:
    """With `busy`: a process that keeps one of this process's cores busy meanwhile."""
    if not busy:
        yield
        return
    burner = multiprocessing.get_context("fork").Process(
        target=_burn, args=(max(os.sched_getaffinity(0)),), daemon=True
    )
    burner.start()
    try:
        yield
    finally:
        burner.kill()
        burner.join()


def run_child(code: str, *args: str, busy: bool = False) -> dict:
    """Wall seconds, CPU seconds, peak MB of the largest process (and, for our build, each
    stage's CPU and wall seconds) of one build in a fresh process."""
    with busy_core(busy):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    usage = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "wall_s": seconds,
        "cpu_s": usage["cpu_s"],
        "peak_mb": max(usage["self_kb"], usage["children_kb"]) / 1024,
        "stages": {STAGES[k]: v for k, v in usage.get("stages", {}).items()},
    }


def largest_page(site: Path) -> tuple[int, str]:
    """The size in bytes and the path of the largest HTML page of a built site."""
    return max((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html"))


def make(n: int, workdir: Path) -> Path:
    """A project with `n` synthetic records and its docs tree generated (made once)."""
    if (workdir / f"n{n}").is_dir():
        return workdir / f"n{n}"
    root = make_project(workdir / f"n{n}")
    write_records(root, n, seed=n)
    report = validate(root, today=clock.today())
    assert not report.blocking(), report.findings[:3]
    generate(root, today=clock.today())
    return root


#: the references: plain Material with no plugins, and with its built-in search plugin
REFERENCES = {"plain": "", "plain_search": "search"}


def measure(
    root: Path, workdir: Path, jobs: int | None = None, busy: bool = False, plain: bool = True
) -> dict:
    """Our build (with `jobs`) and (`plain`) each reference's build of the same docs tree, one
    after the other."""
    result = {"ours": run_child(OURS, str(root), str(jobs or "-"), busy=busy)}
    for name, plugins in REFERENCES.items() if plain else ():
        site = workdir / f"{name}-{root.name}"
        result[name] = run_child(PLAIN, str(root), str(site), plugins, busy=busy)
    result["largest_page"] = largest_page(root / "site")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--busy", action="store_true", help="a CPU burner on one core")
    args = parser.parse_args()
    header = (
        f"{'N':>7} {'build s':>8} {'ref s':>8} {'ratio':>6} {'CPU s':>7} {'ref CPU':>8} "
        f"{'ratio':>6} {'peak MB':>8} {'ref MB':>7} {'largest page':>13}  reference"
    )
    print(header)
    print("-" * (len(header) + 20))
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        for n in args.sizes:
            r = measure(make(n, Path(tmp)), Path(tmp), args.jobs, args.busy)
            o, largest = r["ours"], r["largest_page"][0] / 1024
            for name, label in (("plain", "no plugins"), ("plain_search", "search plugin")):
                p = r[name]
                print(
                    f"{n:>7} {o['wall_s']:>8.1f} {p['wall_s']:>8.1f} "
                    f"{o['wall_s'] / p['wall_s']:>6.2f} {o['cpu_s']:>7.1f} {p['cpu_s']:>8.1f} "
                    f"{o['cpu_s'] / p['cpu_s']:>6.2f} {o['peak_mb']:>8.0f} {p['peak_mb']:>7.0f} "
                    f"{largest:>10.0f} KB  Material, {label}",
                    flush=True,
                )
            stages = ", ".join(f"{k} {c:.1f}" for k, (c, _) in o["stages"].items())
            print(f"        CPU s per stage: {stages}", flush=True)
    print(
        "\nratio = ours / plain MkDocs + Material of the same generated docs tree, with no "
        "plugins and with its built-in search plugin"
    )


if __name__ == "__main__":
    main()
