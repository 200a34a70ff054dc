"""Search benchmark: Pagefind (this site) vs Material's built-in lunr search, same pages.

    .venv/bin/python benchmarks/search_bench.py [--sizes 1000 10000] [--query vertrouwenspersoon]

For each N it generates N synthetic records (benchmarks/synthetic.py) in a temporary project,
renders them and builds the HTML twice from the same generated Markdown:

- our site: MkDocs + Material without its search plugin, then Pagefind (timed: index time);
- a lunr site: the same pages with Material's `search` plugin on (lang: nl) and its own header.

Then, in Debian's Chromium with an empty cache, it opens the same initiative page on each site,
focuses the search, types the query and waits for the first result. A local server counts every
byte it sends (status line, headers, body) from the page load to that first result, including
the requests of web workers. It does this twice: without compression, and with gzip for
responses that are not compressed already (as a web server would; Pagefind's index files are
gzipped on disk). Figures vary with the machine; the transfer sizes do not.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import mimetypes
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from synthetic import make_project, write_records  # noqa: E402

from kennisbank_gen import clock  # noqa: E402
from kennisbank_gen.pool import Pool  # noqa: E402
from kennisbank_gen.publish import generate  # noqa: E402
from kennisbank_gen.publish.mkdocs_site import build_site  # noqa: E402
from kennisbank_gen.publish.output_pass import check_and_prepare_index  # noqa: E402
from kennisbank_gen.publish.search_index import index  # noqa: E402

PAGE = "initiatieven/initiatief-00000/"
FIRST_RESULT = {"pagefind": ".kb-search [role=option]", "lunr": ".md-search-result__item"}
SEARCH_BOX = {"pagefind": "#kb-search-input", "lunr": ".md-search__input"}
#: requests that only search makes: its script, its worker, its index
SEARCH_PATHS = {
    "pagefind": ("/pagefind/", "/assets/kennisbank-search."),
    "lunr": ("/search/", "/assets/javascripts/workers/search", "/assets/javascripts/lunr/"),
}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/wasm")


class _Counter:
    """Bytes sent per request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int]] = []

    def reset(self) -> None:
        with self.lock:
            self.sent = []

    def record(self, path: str, n: int) -> None:
        with self.lock:
            self.sent.append((path, n))

    def totals(self, search_prefixes: tuple[str, ...]) -> dict[str, int]:
        with self.lock:
            return {
                "bytes": sum(n for _, n in self.sent),
                "search": sum(n for path, n in self.sent if path.startswith(search_prefixes)),
                "requests": len(self.sent),
            }


class _CountingWriter:
    def __init__(self, raw):
        self.raw = raw
        self.n = 0

    def __getattr__(self, name: str):  # closed, close, ...: as the socket file has them
        return getattr(self.raw, name)

    def write(self, data: bytes) -> int:
        self.n += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def _handler(directory: Path, counter: _Counter, use_gzip: bool):
    compressed: dict[Path, bytes] = {}

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def setup(self) -> None:
            super().setup()
            self.wfile = _CountingWriter(self.wfile)

        def handle_one_request(self) -> None:
            self.wfile.n = 0
            super().handle_one_request()
            if self.wfile.n:
                counter.record(getattr(self, "path", "?"), self.wfile.n)

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".pagefind":
                kind = "application/wasm"
            accepts = "gzip" in self.headers.get("Accept-Encoding", "")
            if not (use_gzip and accepts and path.is_file() and kind.startswith(COMPRESSIBLE)):
                return super().do_GET()
            raw = path.read_bytes()
            if raw[:2] == b"\x1f\x8b":  # already gzipped on disk (Pagefind's files)
                return super().do_GET()
            body = compressed.setdefault(path, gzip.compress(raw, 6))
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(directory: Path, use_gzip: bool):
    counter = _Counter()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), _handler(directory, counter, use_gzip)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/", counter


def lunr_config(root: Path) -> Path:
    """The project's mkdocs.yml with Material's own header and its lunr search plugin."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"].pop("custom_dir", None)
    config["plugins"] = [{"search": {"lang": "nl"}}]
    config.pop("repo_url", None)  # Material would ask api.github.com; not part of search
    config["extra_javascript"] = []
    config["extra_css"] = [c for c in config.get("extra_css", []) if "search" not in c]
    target = root / "mkdocs-lunr.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return target


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def first_result(browser, site: Path, engine: str, query: str, use_gzip: bool) -> dict:
    """Bytes (all; search only), requests and milliseconds from loading PAGE to the first
    search result, in a fresh browser context (empty cache)."""
    server, url, counter = serve(site, use_gzip)
    context = browser.new_context(base_url=url)
    page = context.new_page()
    try:
        counter.reset()
        start = time.perf_counter()
        page.goto(PAGE, wait_until="load")
        box = page.locator(SEARCH_BOX[engine])
        box.click()
        box.press_sequentially(query)
        page.locator(FIRST_RESULT[engine]).first.wait_for(state="visible", timeout=600_000)
        elapsed = (time.perf_counter() - start) * 1000
        return {**counter.totals(SEARCH_PATHS[engine]), "ms": elapsed}
    finally:
        context.close()
        server.shutdown()


def measure(n: int, workdir: Path, browser, query: str) -> dict:
    root = make_project(workdir / f"n{n}")
    write_records(root, n, seed=n)
    generate(root, today=clock.today())

    ours = workdir / f"ours{n}"
    start = time.perf_counter()
    build_site(root / "mkdocs.yml", ours, Pool())
    mkdocs_s = time.perf_counter() - start
    start = time.perf_counter()
    url = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
    check_and_prepare_index(ours, url, workdir / f"index-input{n}", Pool())
    index(workdir / f"index-input{n}", ours / "pagefind")
    pagefind_s = time.perf_counter() - start

    lunr = workdir / f"lunr{n}"
    start = time.perf_counter()
    build_site(lunr_config(root), lunr, Pool())
    lunr_build_s = time.perf_counter() - start

    row = {
        "n": n,
        "pagefind_s": pagefind_s,
        "mkdocs_s": mkdocs_s,
        "lunr_build_s": lunr_build_s,
        "pagefind_disk": size_of(ours / "pagefind"),
        "lunr_disk": (lunr / "search" / "search_index.json").stat().st_size,
    }
    for use_gzip in (False, True):
        tag = "gzip" if use_gzip else "raw"
        for engine, site in (("pagefind", ours), ("lunr", lunr)):
            row[f"{engine}_{tag}"] = first_result(browser, site, engine, query, use_gzip)
    return row


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def report(rows: list[dict], query: str) -> None:
    print(f"\nQuery '{query}', from loading {PAGE} to the first result (empty cache).\n")
    print("Build, seconds")
    print(f"{'N':>7} {'Pagefind index':>15} {'MkDocs, no search':>18} {'MkDocs + lunr':>14}")
    for r in rows:
        times = f"{r['pagefind_s']:>15.2f} {r['mkdocs_s']:>18.2f} {r['lunr_build_s']:>14.2f}"
        print(f"{r['n']:>7} {times}")
    print("\nSearch files on disk")
    print(f"{'N':>7} {'pagefind/':>12} {'search_index.json':>18}")
    for r in rows:
        print(f"{r['n']:>7} {mb(r['pagefind_disk']):>12} {mb(r['lunr_disk']):>18}")
    print("\nBytes a visitor downloads from page load to the first result: all (search only)")
    print(
        f"{'N':>7} {'':>5} {'Pagefind':>20} {'lunr':>20} {'lunr / Pagefind':>16}"
        f" {'requests':>9} {'first result ms':>16}"
    )
    for r in rows:
        for tag in ("raw", "gzip"):
            pf, lu = r[f"pagefind_{tag}"], r[f"lunr_{tag}"]
            cells = [
                f"{mb(pf['bytes'])} ({mb(pf['search'])})",
                f"{mb(lu['bytes'])} ({mb(lu['search'])})",
                f"{lu['bytes'] / pf['bytes']:.1f}x ({lu['search'] / pf['search']:.1f}x)",
                f"{pf['requests']}/{lu['requests']}",
                f"{pf['ms']:.0f}/{lu['ms']:.0f}",
            ]
            print(
                f"{r['n']:>7} {tag:>5} {cells[0]:>20} {cells[1]:>20} {cells[2]:>16}"
                f" {cells[3]:>9} {cells[4]:>16}"
            )
    print(
        "\nraw: no HTTP compression; gzip: the server gzips text, JSON, JS and wasm (Pagefind's"
        "\nindex files are gzipped on disk either way). search only: the requests search makes"
        "\n(script, worker, index). requests and ms: Pagefind/lunr. Sizes are exact; times"
        "\ndepend on the machine and include building lunr's index in the browser."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--query", default="vertrouwenspersoon")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"this benchmark needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="kb-search-bench-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for n in args.sizes:
            print(f"N = {n}: generating, building, measuring ...", file=sys.stderr, flush=True)
            rows.append(measure(n, Path(tmp), browser, args.query))
        browser.close()
    report(rows, args.query)


if __name__ == "__main__":
    main()
