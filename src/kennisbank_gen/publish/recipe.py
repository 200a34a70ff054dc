"""The recipe: read and check -> model -> render and write the docs tree (`generate`) -> MkDocs
-> output gate and the search index's input -> index -> swap (`build`), each a named call.

Every parallel step goes through one process pool (`pool.Pool`, `--jobs`). Nothing is written
until everything is read and valid; a failed build leaves `site/` as it was, and says so. One
build of a project at a time (`output.build_lock`); I/O errors such as a full disk are a
BuildError with a message, never a traceback (`previous_site_kept`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..check.validate import KnownRecords, Report, validate
from ..config import INDEX_INPUT_DIR, SITE_DIR, SiteConfig
from ..errors import BuildError, ConfigError, FindingsError
from ..findings import Finding
from ..pool import Pool
from ..render.cms import LOCAL_BACKEND_PORT
from ..render.model import Site, build_model
from .docs_tree import write_docs_tree
from .mkdocs_site import build_site
from .output import (
    build_lock,
    check_in_site,
    claimable,
    io_message,
    owned_tree,
    remove_leftovers,
    staging_dir,
    swap_into_place,
)
from .output_pass import check_and_prepare_index
from .search_index import index

#: what a build that stops at findings says after them
BUILD_STOPPED = "Bouwen gestopt: er is niets geschreven en de vorige site is ongewijzigd."


@dataclass
class Generated:
    """What `generate` did: the site settings, the docs tree's files, the warnings."""

    config: SiteConfig
    files_total: int
    files_written: int
    warnings: list[Finding]


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


def prepare(
    root: Path,
    strict: bool = False,
    *,
    today: dt.date,
    pool: Pool | None = None,
    known: KnownRecords | None = None,
) -> Prepared:
    """Read and check the project (on the pool's workers; with `known`, only the record files
    it does not know), then model it.

    Raises FindingsError when anything blocks."""
    report = validate(root, today=today, pool=pool, known=known)
    if blocking := report.blocking(strict):
        raise FindingsError(report.findings if strict else blocking + report.warnings)
    config = SiteConfig.from_mkdocs(root / "mkdocs.yml")
    return Prepared(report, config, build_model(report.project))


def generate(
    root: Path,
    strict: bool = False,
    *,
    today: dt.date,
    cms_port: int = LOCAL_BACKEND_PORT,
    pool: Pool | None = None,
) -> Generated:
    """Read, check and model the project, then render and write the docs tree (only changed
    files) on the pool's workers. `cms_port` is where the web form (`/admin/`) looks for the
    local backend on localhost. Raises FindingsError (nothing written) when anything blocks."""
    pool = pool or Pool(1)
    prepared = prepare(root, strict, today=today, pool=pool)
    total, written = write_docs_tree(prepared.site, prepared.config, root, cms_port, pool)
    return Generated(prepared.config, total, written, prepared.report.warnings)


@contextlib.contextmanager
def previous_site_kept() -> Iterator[None]:
    """A build that fails leaves `site/` as it was: its findings say so, an I/O error becomes a
    BuildError (which says so)."""
    try:
        yield
    except ConfigError:
        raise
    except FindingsError as exc:
        exc.after = BUILD_STOPPED
        raise
    except OSError as exc:
        raise BuildError(io_message(exc)) from None


def build(
    root: Path,
    site_dir: Path | None = None,
    strict: bool = False,
    *,
    today: dt.date,
    jobs: int | None = None,
) -> BuildResult:
    """Build the site of `root` into `site_dir` (default: site/ in the project), with `jobs`
    processes. Paths are made absolute first: MkDocs reads relative ones from mkdocs.yml's
    folder, not from here."""
    root = root.absolute()
    site_dir = (site_dir or root / SITE_DIR).absolute()
    SiteConfig.from_mkdocs(root / "mkdocs.yml")  # refused settings: before anything is written
    pool = Pool(jobs)
    with contextlib.ExitStack() as stack:
        stack.enter_context(previous_site_kept())
        claimable(site_dir)
        stack.enter_context(build_lock(root))
        remove_leftovers(site_dir)
        staging = staging_dir(site_dir)
        stack.callback(shutil.rmtree, staging, ignore_errors=True)
        index_input = owned_tree(root / INDEX_INPUT_DIR, root)
        generated = generate(root, strict, today=today, pool=pool)
        build_site(root / "mkdocs.yml", staging, pool)
        gated = check_and_prepare_index(staging, generated.config.site_url, index_input, pool)
        check_in_site(staging, gated)
        index(index_input, staging / "pagefind", pool.jobs)
        swap_into_place(staging, site_dir)
    return BuildResult(site_dir, generated.files_total, generated.files_written, generated.warnings)
