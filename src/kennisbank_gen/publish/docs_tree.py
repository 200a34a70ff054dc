"""The docs tree MkDocs builds from: every page rendered and written, only changed files.

From `IN_HALVES_FROM` records, a forked child renders and writes `CHILD_SHARE` of the record
pages (with their citation files) while this process renders and writes its part and every other
page (`read/halves.py`: not on one core, not beside other threads; a child that fails has its
part redone here). The tree is byte for byte what one process writes.
"""

from __future__ import annotations

from pathlib import Path

from ..config import SiteConfig
from ..read.halves import in_halves
from ..render.cms import admin_files
from ..render.markdown_pages import Templates, render_site
from ..render.model import Site
from .output import owned_tree, prune_tree, write_files

#: from this many records, a forked child renders and writes part of the record pages
IN_HALVES_FROM = 200
#: the child's part of the record pages: this process also renders every other page
CHILD_SHARE = 0.7


def write_docs_tree(site: Site, config: SiteConfig, root: Path, cms_port: int) -> tuple[int, int]:
    """Render the site into `config.docs_dir`, removing what is no longer part of it; returns
    (files in the tree, files written). Only into a tree the build owns (`owned_tree`)."""
    owned_tree(config.docs_dir, root.absolute())
    templates = Templates(keep_bodies=False)
    record_pages = {i.page for i in site.initiatives}

    def records(pages: list[str]) -> tuple[list[str], int]:
        """Render and write these record pages (with their citation files)."""
        wanted = set(pages)
        files = render_site(
            site, config, root / "content", templates=templates, only=wanted.__contains__
        )
        return list(files), write_files(config.docs_dir, files)

    def records_and_the_rest(pages: list[str]) -> tuple[list[str], int]:
        names, written = records(pages)

        def others(path: str) -> bool:
            return path not in record_pages

        files = render_site(
            site, config, root / "content", templates=templates, only=others
        ) | admin_files(root, site, config, cms_port)
        return names + list(files), written + write_files(config.docs_dir, files)

    parts = in_halves(
        records_and_the_rest,
        sorted(record_pages),
        child_work=records,
        from_items=IN_HALVES_FROM,
        child_share=CHILD_SHARE,
    )
    names = {name for part_names, _ in parts for name in part_names}
    prune_tree(config.docs_dir, names)
    return len(names), sum(written for _, written in parts)
