"""The preview's MkDocs site, kept loaded: after a change only the changed pages are built again.

A full build is what `mkdocs serve` builds (`full`, through `publish.mkdocs_site`, the one place
MkDocs is driven from); between changes the configuration, the theme environment, the file list
and the navigation stay in memory, and `update` builds just the docs files that were written
(and removes the output of files that were removed). That is the same site a full build makes as
long as a page's HTML depends on its own Markdown, the configuration and the navigation only:
true for a site without MkDocs plugins whose navigation is the one in `mkdocs.yml`. So `update`
falls back to a full build when the configuration has plugins (their site-wide events only run
in a full build), or when a file in the navigation comes or goes. tests/test_preview.py compares
an updated site with a full build of the same docs tree.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..pool import Pool
from ..publish.mkdocs_site import MkDocsSite, build_loaded

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class PreviewSite:
    """The served site in `site_dir` of the configuration `load()` returns."""

    def __init__(self, load: Callable[[], MkDocsConfig], serve_url: str, pool: Pool | None = None):
        self.load = load
        self.serve_url = serve_url
        self.pool = pool or Pool(1)
        self.site: MkDocsSite | None = None
        #: docs files written but not built yet (an update stopped before it got to them)
        self.stale: set[str] = set()
        #: the docs files the last `update` built or copied, in order (what tests look at)
        self.built: list[str] = []

    def full(self) -> None:
        """Load the configuration again and build every page, as `mkdocs serve` does."""
        config = self.load()
        config.site_url = self.serve_url
        self.stale = set()
        said: list[str] = []
        self.site = build_loaded(config, self.pool, said, serve=True)
        for message in said:  # the preview shows MkDocs' warnings and goes on
            logging.getLogger("mkdocs").warning(message)
        self.built = ["*"]

    def update(
        self, written: set[str], removed: set[str], stop: Callable[[], bool] = lambda: False
    ) -> bool:
        """Build the docs files in `written` (paths relative to docs_dir) and remove the output of
        those in `removed`. Pages go from small to large; when `stop()` turns true the rest is
        left for the next update. True when everything is built."""
        site = self.site
        self.built = []
        added = {p for p in written if site is None or site.file(p) is None}
        if site is None or site.in_nav(added | removed):
            self.full()
            return True
        site.remove(removed)
        if added:
            site.add(added)
        if added or removed:  # the sitemap lists every page
            for name in site.templates():
                site.build_template(name)
        self.stale = (self.stale | written) - removed
        docs_dir = site.config.docs_dir
        for path in sorted(self.stale, key=lambda p: (_size(docs_dir, p), p)):
            file = site.file(path)
            if file is not None and site.inclusion(file.inclusion):
                if file.is_documentation_page():
                    if stop():
                        return False
                    site.populate(file)
                    site.build(file)
                else:
                    file.copy_file()
            self.stale.discard(path)
            self.built.append(path)
        return True

    def source_of(self, page: str) -> str | None:
        """The docs file (relative to docs_dir) a file of the served site (`over/index.html`)
        is built from; None for files the theme or MkDocs made."""
        site = self.site
        if site is None:
            return None
        docs_dir = site.config.docs_dir
        files = [f for f in list(site.files) if f.src_dir == docs_dir]
        return next((f.src_uri for f in files if f.dest_uri == page), None)


def _size(docs_dir: str, path: str) -> int:
    try:
        return os.path.getsize(os.path.join(docs_dir, path))
    except OSError:
        return 0
