"""The two programs that turn the docs tree into a site: MkDocs + Material renders the HTML,
Pagefind indexes it for search (during the build: `pipeline`; a built site: `index_site`).
Either failing is a BuildError; nothing is swapped in."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin

from ..errors import BuildError
from .search_index import SearchIndex, page_url

#: the exit status of a forked child of `page_halves` whose build failed
CHILD_FAILED = 3


class CollectWarnings(logging.Handler):
    """Keeps MkDocs' warnings, so that "Aborted with 1 warnings" comes with the warning itself
    (and a forked child of `page_halves` can send its own to the parent)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_site_builder(
    config_file: Path, out_dir: Path, plugins: Mapping[str, BasePlugin] | None = None
) -> None:
    """MkDocs + Material, strict: any warning (such as a broken link) fails the build.

    `plugins` are added to the loaded configuration, after the project's own (if any)."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    collect = CollectWarnings()
    logger.addHandler(collect)
    builder = os.getpid()
    try:
        config = load_config(config_file=str(config_file), site_dir=str(out_dir), strict=True)
        for name, plugin in (plugins or {}).items():
            config.plugins[name] = plugin
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        warnings = "".join(f"\n  {m}" for m in collect.messages[:20])
        raise BuildError(f"de sitebouwer (MkDocs) faalde: {exc}{warnings}") from None
    finally:
        if os.getpid() != builder:  # a child of `page_halves` ends in MkDocs, never gets here
            os._exit(CHILD_FAILED)
        logger.removeHandler(collect)


def index_site(site_dir: Path) -> None:
    """Index a built site with Pagefind (every HTML file, as its command line would), writing
    `pagefind/` into it. Raises BuildError when Pagefind fails."""
    index = SearchIndex()
    failed = True
    try:
        for page in sorted(site_dir.rglob("*.html")):
            index.add(
                page.read_text(encoding="utf-8"), page_url(page.relative_to(site_dir).as_posix())
            )
        index.write(site_dir / "pagefind")
        failed = False
    finally:
        index.close(kill=failed)
