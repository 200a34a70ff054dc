"""The two programs that turn the docs tree into a site: MkDocs + Material renders the HTML,
Pagefind indexes it for search. Either failing is a BuildError; nothing is swapped in."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..errors import BuildError

PAGEFIND_ARGS = ("--force-language", "nl", "--exclude-selectors", ".headerlink", "--quiet")


def run_site_builder(config_file: Path, out_dir: Path) -> None:
    """MkDocs + Material, strict: any warning (such as a broken link) fails the build."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(out_dir), strict=True)
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        raise BuildError(f"de sitebouwer (MkDocs) faalde: {exc}") from None


def index_site(site_dir: Path) -> None:
    """Run Pagefind (the binary from the `pagefind[extended]` wheel) on a built site.

    Writes `pagefind/` into `site_dir`. Raises BuildError when Pagefind fails, so the build
    stops before the swap and the previous site stays in place.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), *PAGEFIND_ARGS]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"de zoekindex (Pagefind) kon niet starten: {exc}") from None
    if run.returncode != 0 or not (site_dir / "pagefind" / "pagefind.js").is_file():
        output = (run.stderr or run.stdout).strip().splitlines()[-5:]
        detail = "; ".join(output) or f"afsluitcode {run.returncode}"
        raise BuildError(f"de zoekindex (Pagefind) faalde: {detail}")
