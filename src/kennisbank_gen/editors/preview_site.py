"""The preview's MkDocs site, kept loaded: after a change only the changed pages are built again.

A full build is what `mkdocs build` does (`full`); between changes the configuration, the theme
environment, the file list and the navigation stay in memory, and `update` builds just the docs
files that were written (and removes the output of files that were removed). That is the same
site a full build makes as long as a page's HTML depends on its own Markdown, the configuration
and the navigation only: true for a site without MkDocs plugins whose navigation is the one in
`mkdocs.yml`. So `update` falls back to a full build when the configuration has plugins (their
site-wide events only run in a full build), or when a file in the navigation comes or goes.

MkDocs' per-page steps (`_populate_page`, `_build_page`) are the ones its own build runs, in the
pinned MkDocs version (constraints.txt); tests/test_preview.py compares an updated site with a
full build of the same docs tree.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.build import (
    _build_extra_template,
    _build_page,
    _build_theme_template,
    _populate_page,
)
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import (
    File,
    Files,
    InclusionLevel,
    file_sort_key,
    get_files,
    set_exclusions,
)
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory

IN_SERVE = InclusionLevel.is_in_serve


class PreviewSite:
    """The served site in `site_dir` of the configuration `load()` returns."""

    def __init__(self, load: Callable[[], MkDocsConfig], serve_url: str):
        self.load = load
        self.serve_url = serve_url
        self.config: MkDocsConfig | None = None
        self.files = Files([])
        self.nav: Navigation | None = None
        self.env = None
        #: docs files written but not built yet (an update stopped before it got to them)
        self.stale: set[str] = set()
        #: the docs files the last `update` built or copied, in order (what tests look at)
        self.built: list[str] = []

    def full(self) -> None:
        """Load the configuration again and build every page, as `mkdocs build` does."""
        config = self.load()
        config.site_url = self.serve_url
        self.config, self.stale = config, set()
        if config.plugins:  # plugins' site-wide events run in MkDocs' own build only
            mkdocs_build(config, serve_url=self.serve_url)
            self.built = ["*"]
            return
        clean_directory(config.site_dir)
        self.files = get_files(config)
        self.env = config.theme.get_env()
        self.files.add_files_from_theme(self.env, config)
        self.nav = get_navigation(self.files, config)
        pages = self.files.documentation_pages(inclusion=IN_SERVE)
        for file in pages:
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, self.files)
        self.files.copy_static_files(inclusion=IN_SERVE)
        self._templates()
        for file in pages:
            self._build(file, pages)
        self.built = ["*"]

    def update(
        self, written: set[str], removed: set[str], stop: Callable[[], bool] = lambda: False
    ) -> bool:
        """Build the docs files in `written` (paths relative to docs_dir) and remove the output of
        those in `removed`. Pages go from small to large; when `stop()` turns true the rest is
        left for the next update. True when everything is built."""
        config = self.config
        self.built = []
        if config is None or config.plugins:
            self.full()
            return True
        in_nav = {page.file.src_uri for page in self.nav.pages}
        added = {p for p in written if self.files.get_file_from_path(p) is None}
        if (added | removed) & in_nav:
            self.full()
            return True
        for path in sorted(removed):
            if (file := self.files.get_file_from_path(path)) is not None:
                self.files.remove(file)
                _remove_output(Path(file.abs_dest_path), Path(config.site_dir))
        if added:  # in the order get_files gives (the sitemap lists them so), theme files last
            new = [
                File(p, config.docs_dir, config.site_dir, config.use_directory_urls) for p in added
            ]
            set_exclusions(new, config)
            docs = [f for f in self.files if f.src_dir == config.docs_dir]
            theme = [f for f in self.files if f.src_dir != config.docs_dir]
            self.files = Files(sorted(docs + new, key=file_sort_key) + theme)
        self.stale = (self.stale | written) - removed
        pages = self.files.documentation_pages(inclusion=IN_SERVE)
        if added or removed:
            self._templates()  # the sitemap lists every page
        todo = sorted(self.stale, key=lambda p: (_size(config.docs_dir, p), p))
        for path in todo:
            file = self.files.get_file_from_path(path)
            if file is not None and file.is_documentation_page():
                if stop():
                    return False
                if file.page is None:
                    Page(None, file, config)
                _populate_page(file.page, config, self.files)
                self._build(file, pages)
            elif file is not None and IN_SERVE(file.inclusion):
                file.copy_file()
            self.stale.discard(path)
            self.built.append(path)
        return True

    def source_of(self, page: str) -> str | None:
        """The docs file (relative to docs_dir) a file of the served site (`over/index.html`)
        is built from; None for files the theme or MkDocs made."""
        docs_dir = self.config.docs_dir if self.config is not None else None
        files = [f for f in list(self.files) if f.src_dir == docs_dir]
        return next((f.src_uri for f in files if f.dest_uri == page), None)

    def _build(self, file: File, pages) -> None:
        if IN_SERVE(file.inclusion):
            excluded = file.inclusion.is_excluded()
            _build_page(file.page, self.config, pages, self.nav, self.env, excluded=excluded)

    def _templates(self) -> None:
        for name in self.config.theme.static_templates:
            _build_theme_template(name, self.env, self.files, self.config, self.nav)
        for name in self.config.extra_templates:
            _build_extra_template(name, self.files, self.config, self.nav)


def _size(docs_dir: str, path: str) -> int:
    try:
        return os.path.getsize(os.path.join(docs_dir, path))
    except OSError:
        return 0


def _remove_output(target: Path, site_dir: Path) -> None:
    """Remove a built file and the directories it leaves empty (never `site_dir` itself)."""
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != site_dir and site_dir in parent.parents:
        try:
            parent.rmdir()
        except OSError:  # not empty
            break
        parent = parent.parent
