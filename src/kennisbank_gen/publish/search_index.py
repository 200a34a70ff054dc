"""Pagefind's search index, made from a built site's HTML files, whatever engine wrote them.

The output pass (`output_pass`) gives Pagefind a slim copy of each page (`slim_copy`, kept
between builds in `config.INDEX_INPUT_DIR`: only changed copies are written): the part
from the element marked `data-pagefind-body` on, with the page's `<html>` tag (its language) and
title, up to the end of the theme's one `<article>`, which holds that element. Pagefind indexes
only what such an element holds, and reads nothing of what comes before it in a page (the
head, the header, the navigation: more than half of a Material page) or after it (the table of
contents, the footer, the scripts: a third of the rest), so the index is the same
(tests/test_output_pass.py compares it with what Pagefind's command line makes of the whole
site) for half of Pagefind's parsing: at 1,000 records 1.4 s of CPU instead of 2.5. A page
whose marker cannot be found after `<body`, or that has Pagefind attributes before it, is given
whole; its end is kept where the page has no one `<article>` around the marker, or Pagefind
attributes after it; a page without the marker is left out when any page has one (Pagefind
then ignores it).

`index` runs Pagefind's command line (the binary of the `pagefind[bin]` wheel) over that input,
with the options of `PAGEFIND_CONFIG` (as its config file, in a directory of its own: a
`pagefind.yml` in the project changes nothing). Any failure is a BuildError, so nothing is
swapped in.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pagefind.service import get_executable

from ..errors import BuildError
from ..pool import dying_with_this_process, usable_cpus

#: Pagefind's options (its config file's keys): one Dutch index (Dutch stemming) for every page,
#: without the headings' permalink signs
PAGEFIND_CONFIG: dict[str, Any] = {"force_language": "nl", "exclude_selectors": [".headerlink"]}
#: how long Pagefind may take (a safety net: at 10,000 records it takes about 20 s)
TIMEOUT_S = 900
BODY_MARKER = "data-pagefind-body"
_HTML_TAG = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)


def page_url(rel: str) -> str:
    """The address Pagefind gives a built file, as its command line does: `a/b/index.html` ->
    `/a/b/`, `404.html` -> `/404.html`."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return "/" + rel


def slim_copy(html: str) -> str | None:
    """What Pagefind needs of a page (see the module), or None when the page has no marked body
    (or something before it Pagefind would read: then the whole page is its input)."""
    body = html.find("<body")
    marker = html.find(BODY_MARKER, body) if body >= 0 else -1
    start = html.rfind("<", body, marker) if marker >= 0 else -1
    if start < 0 or html.find("data-pagefind", 0, start) >= 0:
        return None
    end = html.rfind("</article>")
    article = html.find("<article")
    one_around = 0 <= article < start < end and html.find("<article", article + 1) < 0
    if one_around and html.find("data-pagefind", end) < 0:
        rest = f"{html[start:end]}</body></html>"
    else:
        rest = html[start:]
    tag = _HTML_TAG.search(html, 0, body)
    title = _TITLE.search(html, 0, body)
    head = f"<head><meta charset=utf-8>{title.group() if title else ''}</head>"
    return f"<!DOCTYPE html>{tag.group() if tag else '<html>'}{head}<body>{rest}"


def index(input_dir: Path, output: Path, jobs: int | None = None) -> None:
    """Index the pages in `input_dir` with Pagefind, writing the index into `output`, on `jobs`
    threads (the build's `--jobs`; by default the CPUs this process may use: Pagefind's own
    thread pools would take every core of the machine)."""
    binary = get_executable()
    if binary is None:
        raise BuildError("de zoekindex (Pagefind) kon niet starten: geen pagefind gevonden")
    config = {
        **PAGEFIND_CONFIG,
        "site": str(input_dir.absolute()),
        "output_path": str(output.absolute()),
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    threads = str(jobs or usable_cpus())
    environment |= {"RAYON_NUM_THREADS": threads, "TOKIO_WORKER_THREADS": threads}
    with tempfile.TemporaryDirectory(prefix="kennisbank-pagefind-") as cwd:
        (Path(cwd) / "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
        try:
            done = subprocess.run(
                [str(binary), "--quiet"],
                cwd=cwd,
                env=environment,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT_S,
                check=False,
                preexec_fn=dying_with_this_process(),
            )
        except subprocess.TimeoutExpired:
            raise BuildError(f"de zoekindex (Pagefind) was na {TIMEOUT_S} s niet klaar") from None
        except OSError as exc:
            raise BuildError(f"de zoekindex (Pagefind) kon niet starten: {exc}") from None
    said = " ".join((done.stderr + done.stdout).split())[-300:]
    if done.returncode != 0:
        raise BuildError(f"de zoekindex (Pagefind) faalde (afsluitcode {done.returncode}): {said}")
    if not (output / "pagefind.js").is_file():
        raise BuildError(f"de zoekindex (Pagefind) schreef geen {output.name}/pagefind.js: {said}")
