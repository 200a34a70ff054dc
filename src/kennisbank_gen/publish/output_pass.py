"""One pass over the HTML files an engine wrote (MkDocs today, Zensical tomorrow), on the pool's
workers: the output gate checks every page (`gate.page_problems`) and the search index's input
is written (`search_index.slim_copy`), so that neither depends on the engine: they read its
output files, as a browser and Pagefind's command line would.

The gate sees every page exactly as it is on disk before the swap. Any page it refuses fails the
build (`gate.refuse`: page, line and element, in Dutch); a page that cannot be read or is not
UTF-8 is refused too.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..pool import Pool
from .gate import html_pages, page_problems, refuse, site_host, unreadable
from .output import GeneratedTree, owned_tree
from .search_index import slim_copy

#: pages a task checks and copies at least (`Pool.shares`: fewer, and they are one task)
PASS_LEAST = 50


def _check_and_copy(
    site_dir: Path, host: str, index_input: Path, pages: list[str]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Gate and index input for these pages: (what the gate refuses, the pages with no marked
    body (for Pagefind: copied only when no page has one), the pages whose slim copy is in the
    index input)."""
    problems, unmarked, slim = [], [], {}
    for rel in pages:
        try:
            html = (site_dir / rel).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(unreadable(rel, exc))
            continue
        problems += [(rel, problem) for problem in page_problems(html, host, rel)]
        if (copy := slim_copy(html)) is None:
            unmarked.append(rel)
        else:
            slim[rel] = copy
    GeneratedTree(index_input).write(slim)
    return problems, unmarked, list(slim)


def check_and_prepare_index(
    site_dir: Path, site_url: str, index_input: Path, pool: Pool
) -> set[str]:
    """Gate every HTML page of `site_dir` and bring Pagefind's input in `index_input` (a folder
    the build owns, kept between builds: only changed files are written) up to date; returns
    the pages gated (paths in the site). Raises BuildError naming every page and element the
    gate refuses."""
    owned_tree(index_input)
    pages = [p.relative_to(site_dir).as_posix() for p in html_pages(site_dir)]
    check_and_copy = functools.partial(_check_and_copy, site_dir, site_host(site_url), index_input)
    results = pool.map(check_and_copy, pool.shares(pages, PASS_LEAST))
    refuse([problem for problems, _, _ in results for problem in problems])
    indexed = {rel for _, _, copied in results for rel in copied}
    if not indexed:  # Pagefind indexes every page whole
        indexed = {rel for _, unmarked, _ in results for rel in unmarked}
        GeneratedTree(index_input).write({rel: (site_dir / rel).read_bytes() for rel in indexed})
    GeneratedTree(index_input).prune(indexed)
    return set(pages)
