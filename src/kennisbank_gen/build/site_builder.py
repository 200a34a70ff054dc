"""The two programs that turn the docs tree into a site: MkDocs + Material renders the HTML,
Pagefind indexes it for search. Either failing is a BuildError; nothing is swapped in."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..errors import BuildError

PAGEFIND_ARGS = ("--force-language", "nl", "--exclude-selectors", ".headerlink", "--quiet")


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings, so that "Aborted with 1 warnings" comes with the warning itself."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_site_builder(config_file: Path, out_dir: Path) -> None:
    """MkDocs + Material, strict: any warning (such as a broken link) fails the build."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    collect = _Collect()
    logger.addHandler(collect)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(out_dir), strict=True)
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        warnings = "".join(f"\n  {m}" for m in collect.messages[:20])
        raise BuildError(f"de sitebouwer (MkDocs) faalde: {exc}{warnings}") from None
    finally:
        logger.removeHandler(collect)


def index_site(site_dir: Path) -> None:
    """Run Pagefind (the binary from the `pagefind[extended]` wheel) on a built site."""
    with indexing(site_dir):
        pass


@contextlib.contextmanager
def indexing(site_dir: Path) -> Iterator[None]:
    """Pagefind runs on a built site while the body of the `with` runs (the output gate: two
    cores, two jobs); on leaving, it is awaited, or stopped when the body failed.

    Writes `pagefind/` into `site_dir`. Raises BuildError when Pagefind fails, so the build
    stops before the swap and the previous site stays in place.
    """
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), *PAGEFIND_ARGS]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as exc:
        raise BuildError(f"de zoekindex (Pagefind) kon niet starten: {exc}") from None
    try:
        yield
    except BaseException:
        process.kill()
        process.communicate()
        raise
    stdout, stderr = process.communicate()
    if process.returncode != 0 or not (site_dir / "pagefind" / "pagefind.js").is_file():
        output = (stderr or stdout).strip().splitlines()[-5:]
        detail = "; ".join(output) or f"afsluitcode {process.returncode}"
        raise BuildError(f"de zoekindex (Pagefind) faalde: {detail}")
