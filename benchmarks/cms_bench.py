"""What the web form (/admin/) costs an editor's browser: bytes and time to interactive.

Builds the site in a temporary copy of the project (with the installed CMS, `make
cms-install`), serves it on 127.0.0.1 and opens /admin/ in Debian's Chromium N times: the bytes
the page downloads (uncompressed, and gzip as a web server would send them) and the time until
its sign-in button can be used. With `--sveltia DIR` (an unpacked `npm pack @sveltia/cms`),
the same configuration is loaded in Sveltia CMS for comparison.

    .venv/bin/python benchmarks/cms_bench.py [--runs 5] [--sveltia /tmp/sveltia/package]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, copy_project, serve_directory  # noqa: E402

from kennisbank_gen import clock  # noqa: E402
from kennisbank_gen.publish import build  # noqa: E402

LOCAL = ("http://127.0.0.1", "data:", "blob:")
SVELTIA_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Sveltia</title>
</head><body><script src="sveltia-cms.js"></script></body></html>
"""


def measure(browser, url: str, ready: str, runs: int) -> tuple[float, int, int]:
    """Median milliseconds until `ready` is visible; bytes downloaded, raw and gzipped; and the
    addresses on other hosts the page asked for."""
    times, sizes, offsite = [], (0, 0), set()
    for _ in range(runs):
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        bodies: list[bytes] = []
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else offsite.add(r.url))
        page.on("response", lambda r, bodies=bodies: bodies.append(r.body()) if r.ok else None)
        page.goto(url)
        page.locator(ready).first.wait_for(state="visible", timeout=60_000)
        times.append(page.evaluate("performance.now()"))
        page.wait_for_timeout(3000)  # what loads after the sign-in shows (some never settle)
        sizes = (sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies))
        context.close()
    return statistics.median(times), *sizes, sorted(offsite)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sveltia", type=Path, help="unpacked @sveltia/cms package directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project")
        (root / "cms").symlink_to(REPO / "cms", target_is_directory=True)
        build(root, today=clock.today())
        site = root / "site"
        if args.sveltia:
            target = site / "admin-sveltia"
            target.mkdir()
            for file in (args.sveltia / "dist").rglob("*.*js"):
                if not file.name.endswith(".map"):
                    dest = target / file.relative_to(args.sveltia / "dist")
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(file, dest)
            config = (site / "admin" / "config.yml").read_text(encoding="utf-8")
            (target / "config.yml").write_text(config.replace("kennisbank-yaml", "yml"))
            (target / "index.html").write_text(SVELTIA_PAGE)
        server, base = serve_directory(site)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                cases = [("Decap CMS", "admin/", "button:has-text('Inloggen')")]
                if args.sveltia:
                    cases.append(("Sveltia CMS", "admin-sveltia/", "button:has-text('GitHub')"))
                for name, path, ready in cases:
                    ms, raw, gz, offsite = measure(browser, base + path, ready, args.runs)
                    print(
                        f"{name}: sign-in usable after {ms:.0f} ms (median of {args.runs}); "
                        f"{raw / 1e6:.2f} MB downloaded ({gz / 1e6:.2f} MB gzip); "
                        f"requests to other hosts: {offsite or 'none'}"
                    )
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
