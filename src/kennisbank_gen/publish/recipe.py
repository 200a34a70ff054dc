"""The recipe: read -> check -> model -> render -> write the docs tree; then the site builder
renders HTML into a staging directory while the output gate checks every page and Pagefind
indexes it, page by page as MkDocs writes them (`pipeline`), and it is swapped into `site/`.

Nothing is written until everything is read and valid; a failed build leaves `site/` as it was.
One build of a project at a time (`output.build_lock`); I/O errors such as a full disk are a
BuildError with a message, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..check.validate import Report, check
from ..config import SITE_DIR, SiteConfig
from ..errors import BuildError, FindingsError
from ..findings import Finding
from ..read.project import read_project
from ..render.cms import LOCAL_BACKEND_PORT
from ..render.model import Site, build_model
from .docs_tree import write_docs_tree
from .output import (
    build_lock,
    check_in_site,
    claimable,
    io_message,
    remove_leftovers,
    staging_dir,
    swap_into_place,
)
from .pipeline import OutputPipeline
from .site_builder import run_site_builder

#: the name of the build's own MkDocs plugin (`pipeline.OutputPipeline`)
PIPELINE = "kennisbank-output"


@dataclass
class Generated:
    """What `generate` did: the checked project, the site settings and the docs tree's files."""

    report: Report
    config: SiteConfig
    files_total: int
    files_written: int

    @property
    def warnings(self) -> list[Finding]:
        return self.report.warnings


@dataclass
class Prepared:
    """A project read, checked and modelled: what rendering needs (`prepare`)."""

    report: Report
    config: SiteConfig
    site: Site


@dataclass
class BuildResult:
    site_dir: Path
    files_total: int
    files_written: int
    warnings: list[Finding]


def generate(
    root: Path,
    strict: bool = False,
    *,
    today: dt.date,
    cms_port: int = LOCAL_BACKEND_PORT,
) -> Generated:
    """Read and check everything, then write the generated docs tree (only changed files).

    `cms_port` is where the web form (`/admin/`) looks for the local backend on localhost.
    Raises FindingsError (nothing written) when anything blocks.
    """
    prepared = prepare(root, strict, today=today)
    site, config = prepared.site, prepared.config
    total, written = write_docs_tree(site, config, root, cms_port)
    return Generated(prepared.report, config, total, written)


def prepare(root: Path, strict: bool = False, *, today: dt.date) -> Prepared:
    """Read, check and model the project (the steps of `generate` before rendering).

    Raises FindingsError when anything blocks.
    """
    project = read_project(root)
    report = Report(project, check(project, today))
    if blocking := report.blocking(strict):
        raise FindingsError(report.findings if strict else blocking + report.warnings)
    config = SiteConfig.from_mkdocs(root / "mkdocs.yml")
    return Prepared(report, config, build_model(project))


def build(
    root: Path, site_dir: Path | None = None, strict: bool = False, *, today: dt.date
) -> BuildResult:
    """Build the site of `root` into `site_dir` (default: site/ in the project). Paths are made
    absolute first: MkDocs reads relative ones from mkdocs.yml's folder, not from here."""
    root = root.absolute()
    site_dir = (site_dir or root / SITE_DIR).absolute()
    SiteConfig.from_mkdocs(root / "mkdocs.yml")  # refused settings: before anything is written
    try:
        claimable(site_dir)
        with build_lock(root):
            remove_leftovers(site_dir)
            generated = generate(root, strict, today=today)
            staging = staging_dir(site_dir)
            try:
                pipeline = OutputPipeline(staging, generated.config.site_url, PIPELINE)
                failed = True
                try:
                    run_site_builder(root / "mkdocs.yml", staging, {PIPELINE: pipeline})
                    pipeline.finish()
                    failed = False
                finally:
                    pipeline.close(failed=failed)
                check_in_site(staging, set(pipeline.digests))
                swap_into_place(staging, site_dir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise BuildError(io_message(exc)) from None
    return BuildResult(site_dir, generated.files_total, generated.files_written, generated.warnings)
