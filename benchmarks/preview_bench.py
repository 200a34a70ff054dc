"""Preview benchmark: save a record -> how long until `kennisbank serve` serves the change.

    .venv/bin/python benchmarks/preview_bench.py [--records 1000] [--saves 5] [--no-bundled]
        [--compare-with OLD/src]

Makes a project (N synthetic records, `synthetic.py`; and a copy of the bundled project), starts
`kennisbank serve` on a free port as a subprocess, waits until it serves, then several times
changes one record's summary on disk (written in place, as the web form's local backend and most
editors save) and polls over HTTP until the new text appears:

- `page`: on the record's own page (the figure the issue sets a goal for);
- `listing`: on both initiative overviews (by date and by title: the page of each that lists
  the record, `initiatieven/pagina/<n>/`, found by following their "Volgende" links) too: the
  time until every page that shows the summary is up to date.

Between saves it waits until the preview has finished the previous update (its log says
"Opnieuw gemaakt"; the second step, everything else, takes a few seconds at 1,000 records), so
each save meets an idle preview. Prints median and max seconds per figure. With
`--compare-with`, the same runs are made with the package from another checkout's `src/` (e.g.
`git worktree add /tmp/old d98538f`, the preview that regenerated everything and let `mkdocs
serve` rebuild the whole site), and the ratio old/new of the page medians is printed. Figures
vary with the machine and its load; measure twice.

Measured on 2 cores shared with other work (load 2-5; issue #11), three runs: 1,000 records,
page median 26.8, 32.2 and 40.2 s before, 0.94, 1.13 and 1.23 s after (max 40.5/52.9/67.0 ->
1.28/1.53/1.37); bundled project, 1.50, 2.96 and 1.85 s before, 0.16, 0.13 and 0.21 s after.
Of the ~1 s after at 1,000, reading and checking every record was ~0.5-0.7 s (read/, check/);
since the preview keeps the records it read (`check.validate.KnownRecords`), only the saved one
is read and checked again: on a machine that took 1.65 s (page) and 1.82 s (listing) before,
1.06 s and 1.12 s after (five saves each, medians).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import copy_project
from synthetic import make_project, write_records

BUNDLED_SLUG = "inspectie-sociale-veiligheid-kunst-mode-2023"
POLL_SECONDS = 0.02
#: what the preview's log says when an update is done (editors/preview.py)
UPDATE_DONE = "Opnieuw gemaakt:"
TIMEOUT_SECONDS = 600.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return ""


def with_marker(text: str, marker: str) -> str:
    """The record's text with `marker` put at the start of its summary (plain or folded)."""
    lines = text.splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if line.startswith("summary:"))
    value = lines[at][len("summary:") :].strip()
    if value.startswith((">", "|")):  # a block scalar: the text starts on the next line
        at += 1
        indent = len(lines[at]) - len(lines[at].lstrip())
        lines[at] = lines[at][:indent] + re.sub(r"^kb\w+ ", "", lines[at][indent:])
        lines[at] = lines[at][:indent] + f"{marker} " + lines[at][indent:]
    else:
        value = re.sub(r"^kb\w+ ", "", value)
        lines[at] = f"summary: {marker} {value}\n"
    return "".join(lines)


def _wait(urls: dict[str, str], text: str, start: float) -> dict[str, float]:
    """Poll every URL until it shows `text`: seconds from `start` to when each one did."""
    seen: dict[str, float] = {}
    while len(seen) < len(urls):
        for name, url in urls.items():
            if name not in seen and text in _get(url):
                seen[name] = time.perf_counter() - start
        if time.perf_counter() - start > TIMEOUT_SECONDS:
            raise SystemExit(f"the preview did not show {text!r} within {TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)
    return seen


def _finished(log: Path, updates: int) -> None:
    """Wait until the preview's log says `updates` updates are done."""
    start = time.perf_counter()
    while log.read_text(encoding="utf-8", errors="replace").count(UPDATE_DONE) < updates:
        if time.perf_counter() - start > TIMEOUT_SECONDS:
            raise SystemExit(f"the preview did not finish update {updates} in {TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def _listing_page(first: str, slug: str) -> str:
    """The page of an overview (from its first page on, by its "Volgende" links) that lists the
    initiative `slug`."""
    url = first
    while True:
        html = _get(url)
        if f'data-kb-slug="{slug}"' in html:
            return url
        following = re.search(r'<a href="([^"]+)" rel="next"', html)
        if not following:
            raise SystemExit(f"no page of {first} lists {slug}")
        url = urllib.parse.urljoin(url, following.group(1))


def measure_preview(
    root: Path, records: int, saves: int = 5, bundled: bool = False, src: Path | None = None
) -> dict:
    """Make a project in `root` (`records` synthetic records, or the bundled project), serve it
    and time `saves` saves of one record: seconds until its page, and until both overviews, show
    the change (median and max), and how long the preview took to start. `src`: run the
    package from that directory instead (another checkout's `src/`)."""
    if bundled:
        copy_project(root)
        slug = BUNDLED_SLUG
    else:
        make_project(root)
        write_records(root, records, seed=records)
        slug = f"initiatief-{records // 2:05d}"
    record = root / "initiatives" / f"{slug}.yml"
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    urls = {"page": f"{base}initiatieven/{slug}/"}
    kennisbank = Path(sys.executable).parent / "kennisbank"
    log_file = root / "serve.log"
    log = log_file.open("w")
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    process = subprocess.Popen(
        [kennisbank, "serve", "--project", root, "--dev-addr", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    page_s, listing_s = [], []
    try:
        first = with_marker(record.read_text(encoding="utf-8"), "kbstart")
        record.write_text(first, encoding="utf-8")  # before the first build: nothing to wait on
        started_s = _wait(urls, "kbstart", start)["page"]
        urls["index"] = _listing_page(f"{base}initiatieven/", slug)
        urls["by_title"] = _listing_page(f"{base}initiatieven/op-titel/", slug)
        started_s = max(_wait(urls, "kbstart", start).values())
        done = log_file.read_text(encoding="utf-8", errors="replace").count(UPDATE_DONE)
        for save in range(saves):
            _finished(log_file, done + save)
            marker = f"kb{secrets.token_hex(5)}"
            text = with_marker(record.read_text(encoding="utf-8"), marker)
            start = time.perf_counter()
            record.write_text(text, encoding="utf-8")
            seen = _wait(urls, marker, start)
            page_s.append(seen["page"])
            listing_s.append(max(seen.values()))
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
    return {
        "records": len(list((root / "initiatives").glob("*.yml"))),
        "start_s": started_s,
        "page_median_s": statistics.median(page_s),
        "page_max_s": max(page_s),
        "listing_median_s": statistics.median(listing_s),
        "listing_max_s": max(listing_s),
        "page_s": page_s,
        "listing_s": listing_s,
    }


def _print(name: str, r: dict) -> None:
    print(
        f"{name:<14} {r['records']:>7} {r['start_s']:>8.2f} {r['page_median_s']:>12.2f} "
        f"{r['page_max_s']:>9.2f} {r['listing_median_s']:>15.2f} {r['listing_max_s']:>12.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000])
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--no-bundled", action="store_true", help="skip the bundled project")
    parser.add_argument("--compare-with", type=Path, help="another checkout's src/ directory")
    args = parser.parse_args()
    header = (
        f"{'project':<14} {'records':>7} {'start s':>8} {'page median':>12} {'page max':>9} "
        f"{'listing median':>15} {'listing max':>12}"
    )
    print(header)
    print("-" * len(header))
    runs = [("bundled", 0, True)] * (not args.no_bundled)
    runs += [("synthetic", n, False) for n in args.records]
    ratios = []
    with tempfile.TemporaryDirectory(prefix="kb-preview-bench-") as tmp:
        for k, (name, n, bundled) in enumerate(runs):
            new = measure_preview(Path(tmp) / f"new{k}", n, args.saves, bundled)
            _print(name, new)
            if args.compare_with:
                old = measure_preview(
                    Path(tmp) / f"old{k}", n, args.saves, bundled, args.compare_with.resolve()
                )
                _print(f"{name} (old)", old)
                ratios.append((name, old["page_median_s"] / new["page_median_s"]))
    print(
        "\npage: seconds from a save to the record's page showing it; listing: until both "
        "initiative overviews show it too (median and max over the saves)"
    )
    for name, ratio in ratios:
        print(f"{name}: page median old/new = {ratio:.1f}")


if __name__ == "__main__":
    main()
