"""The docs tree MkDocs builds from: rendered on the pool's workers, each writing its share of
the files (only those whose content changed), then pruned of what is no longer part of it.

The tree is an `output.GeneratedTree`, for the build and the preview alike: a file is written only
when its content changed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..config import SiteConfig
from ..pool import Pool
from ..render.cms import admin_files
from ..render.markdown_pages import Templates, render_site
from ..render.model import Site
from ..render.search import site_lexicon
from .output import GeneratedTree, owned_tree

#: record pages a task renders at least (`Pool.shares`; the other pages are one more task)
SHARE_LEAST = 50


@dataclass(frozen=True)
class _Rendering:
    site: Site
    config: SiteConfig
    root: Path
    cms_port: int
    record_pages: frozenset[str]
    templates: Templates


def _render_and_write(r: _Rendering, task: tuple[list[str], bool]) -> tuple[list[str], int]:
    """Render and write these record pages (with their citation files), and (`others`) every
    other file of the tree; returns (the files' paths, how many were written)."""
    pages, others = set(task[0]), task[1]

    def wanted(path: str) -> bool:
        return path in pages or (others and path not in r.record_pages)

    files = render_site(r.site, r.config, r.root / "content", templates=r.templates, only=wanted)
    if others:
        files |= admin_files(r.root, r.site, r.config, r.cms_port)
    return list(files), len(GeneratedTree(r.config.docs_dir).write(files))


def write_docs_tree(
    site: Site, config: SiteConfig, root: Path, cms_port: int, pool: Pool
) -> tuple[int, int]:
    """Render the site into `config.docs_dir` on the pool's workers, removing what is no longer
    part of it; returns (files in the tree, files written). Only into a tree the build owns
    (`owned_tree`)."""
    owned_tree(config.docs_dir, root.absolute())
    record_pages = sorted(i.page for i in site.initiatives)
    # made here, once: the workers inherit the templates compiled and the site's word forms
    templates = Templates(keep_bodies=False).compiled()
    site_lexicon(site)
    rendering = _Rendering(site, config, root, cms_port, frozenset(record_pages), templates)
    shares = pool.shares(record_pages, SHARE_LEAST)
    if len(shares) == 1:  # one task: the record pages and the other pages
        tasks = [(shares[0], True)]
    else:  # the other pages (the largest task) first, then the shares of record pages
        tasks = [([], True), *((share, False) for share in shares)]
    results = pool.map(functools.partial(_render_and_write, rendering), tasks)
    names = {name for part, _ in results for name in part}
    GeneratedTree(config.docs_dir).prune(names)
    return len(names), sum(written for _, written in results)
