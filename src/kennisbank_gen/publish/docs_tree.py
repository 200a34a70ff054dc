"""The docs tree MkDocs builds from: rendered on the pool's workers, each writing its share of
the files (only those whose content changed), then pruned of what is no longer part of it.

`DocsTree` is the one place that writes the tree, for the build and the preview alike: it writes
a file only when its content changed and remembers a digest of every file it wrote or compared,
so that a tree kept between renders (the preview's) tells what changed without reading back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..config import SiteConfig
from ..errors import BuildError
from ..pool import Pool, chunks
from ..render.cms import admin_files
from ..render.markdown_pages import Templates, render_site
from ..render.model import Site
from ..render.search import site_lexicon
from .output import MARKER, owned, owned_tree

#: fewer records than this are rendered in one task (a worker is not worth it)
SHARE_FROM = 200
#: tasks per worker: the record pages in that many shares (the other pages are one more task)
TASKS_PER_JOB = 4


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class DocsTree:
    """The files of the docs tree in `directory`, with a digest of each one written or found."""

    directory: Path
    known: dict[str, bytes] = field(default_factory=dict)

    def write(self, files: dict[str, str | bytes]) -> set[str]:
        """Write the files whose content changed; returns the paths written."""
        written = set()
        made: set[Path] = set()
        for rel, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            digest = _digest(data)
            known = self.known.get(rel)
            if known == digest:
                continue
            target = self.directory / rel
            self.known[rel] = digest
            if known is None and self._on_disk(target) == data:
                continue
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
            written.add(rel)
        return written

    @staticmethod
    def _on_disk(target: Path) -> bytes | None:
        try:
            return target.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def prune(self, wanted: set[str]) -> set[str]:
        """Remove every file of the tree not in `wanted`, and the folders that leaves empty;
        returns the paths removed. Only in a folder the build made (`owned`; BuildError
        otherwise)."""
        removed = set()
        if not self.directory.is_dir():
            return removed
        if not owned(self.directory):
            raise BuildError(
                f"de map {self.directory} is niet door kennisbank gemaakt; er is niets verwijderd"
            )
        wanted = wanted | {MARKER}
        for path in sorted(self.directory.rglob("*"), reverse=True):  # children first
            rel = path.relative_to(self.directory).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif rel not in wanted:
                path.unlink()
                self.known.pop(rel, None)
                removed.add(rel)
        return removed


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
    return list(files), len(DocsTree(r.config.docs_dir).write(files))


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
    if len(record_pages) < SHARE_FROM:
        tasks = [(record_pages, True)]
    else:  # the other pages (the largest task) first
        shares = chunks(record_pages, pool.jobs * TASKS_PER_JOB)
        tasks = [([], True), *((share, False) for share in shares)]
    results = pool.map(_render_and_write, rendering, tasks)
    names = {name for part, _ in results for name in part}
    DocsTree(config.docs_dir).prune(names)
    return len(names), sum(written for _, written in results)
