"""Build: the recipe. Read and validate everything, render, write what changed, let the site
builder render HTML into a staging directory, then swap it into place.

Nothing is written until everything is read and valid; a failed build leaves `site/` as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .config import SiteConfig
from .findings import Finding, FindingsError
from .model import build_model
from .render import render_site
from .search import index_site
from .validate import Project, gather


class BuildError(Exception):
    """The site builder failed (e.g. a broken link in strict mode); nothing was swapped in."""


@dataclass
class BuildResult:
    site_dir: Path
    files_total: int
    files_written: int
    warnings: list[Finding]


def generate(root: Path, strict: bool = False) -> tuple[Project, SiteConfig, int, int]:
    """Read + validate everything, then write the generated docs tree (only changed files).

    Returns the project, the site config, and the numbers of files in the tree and rewritten.
    Raises FindingsError (nothing written) when anything blocks.
    """
    project = gather(root)
    if blocking := project.blocking(strict):
        raise FindingsError(project.findings if strict else blocking + _warnings(project))
    config = SiteConfig.from_mkdocs(root / "mkdocs.yml")
    site = build_model(project)
    files = render_site(site, config, root / "content")
    written = write_tree(config.docs_dir, files)
    return project, config, len(files), written


def build(root: Path, site_dir: Path | None = None, strict: bool = False) -> BuildResult:
    project, _, total, written = generate(root, strict)
    site_dir = site_dir or root / "site"
    staging = site_dir.with_name(f".{site_dir.name}.staging-{os.getpid()}")
    try:
        run_site_builder(root / "mkdocs.yml", staging)
        index_site(staging)
        swap_into_place(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(site_dir, total, written, _warnings(project))


def _warnings(project: Project) -> list[Finding]:
    return [f for f in project.findings if f.severity == "warning"]


def write_tree(directory: Path, files: dict[str, str | bytes]) -> int:
    """Make `directory` hold exactly `files`; rewrite a file only when its content changed."""
    written = 0
    for rel, content in files.items():
        target = directory / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    if directory.is_dir():
        wanted = {directory / rel for rel in files}
        for path in sorted(directory.rglob("*"), reverse=True):  # children before parents
            if path.is_file() and path not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return written


def run_site_builder(config_file: Path, out_dir: Path) -> None:
    """MkDocs + Material, strict: any warning (such as a broken link) fails the build."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(out_dir), strict=True)
        mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        raise BuildError(f"the site builder failed: {exc}") from None


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Replace `site_dir` by `staging` with two renames; the old site is removed afterwards."""
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
