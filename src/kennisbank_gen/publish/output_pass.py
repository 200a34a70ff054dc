"""One pass over the HTML files an engine wrote (MkDocs today, Zensical tomorrow), on the pool's
workers: the output gate checks every page (`gate.page_problems`) and the search index's input
is written (`search_index.slim_copy`), so that neither depends on the engine: they read its
output files, as a browser and Pagefind's command line would.

The gate sees every page exactly as it is on disk before the swap. Any page it refuses fails the
build (`gate.refuse`: page, line and element, in Dutch); a page that cannot be read or is not
UTF-8 is refused too.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..pool import Pool, chunks
from .gate import html_pages, page_problems, refuse, site_host, unreadable
from .search_index import slim_copy

#: fewer pages than this are checked in one task (a worker is not worth it)
PASS_FROM = 200
#: tasks per worker
TASKS_PER_JOB = 4


@dataclass(frozen=True)
class _Pass:
    site_dir: Path
    host: str
    index_input: Path


def _check_and_copy(run: _Pass, pages: list[str]) -> tuple[list[tuple[str, str]], list[str], int]:
    """Gate and index input for these pages: (what the gate refuses, the pages with no marked
    body (for Pagefind: copied only when no page has one), how many pages have one)."""
    problems, unmarked, marked = [], [], 0
    made: set[Path] = set()
    for rel in pages:
        source = run.site_dir / rel
        try:
            html = source.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(unreadable(rel, exc))
            continue
        problems += [(rel, problem) for problem in page_problems(html, run.host, rel)]
        slim = slim_copy(html)
        if slim is None:
            unmarked.append(rel)
            continue
        target = run.index_input / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(slim, encoding="utf-8")
        marked += 1
    return problems, unmarked, marked


def check_and_prepare_index(
    site_dir: Path, site_url: str, index_input: Path, pool: Pool
) -> set[str]:
    """Gate every HTML page of `site_dir` and write Pagefind's input into `index_input`; returns
    the pages gated (paths in the site). Raises BuildError naming every page and element the
    gate refuses."""
    index_input.mkdir(parents=True, exist_ok=True)
    pages = [p.relative_to(site_dir).as_posix() for p in html_pages(site_dir)]
    count = pool.jobs * TASKS_PER_JOB if len(pages) >= PASS_FROM else 1
    run = _Pass(site_dir, site_host(site_url), index_input)
    results = pool.map(_check_and_copy, run, chunks(pages, count))
    refuse([problem for problems, _, _ in results for problem in problems])
    if not any(marked for _, _, marked in results):  # Pagefind indexes every page whole
        for rel in (rel for _, unmarked, _ in results for rel in unmarked):
            _link(site_dir / rel, index_input / rel)
    return set(pages)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(source, target)
