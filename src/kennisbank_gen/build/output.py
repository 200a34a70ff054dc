"""Writing output: the generated docs tree (only files whose content changed) and the finished
site, swapped into place so that a failed build leaves the previous one as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


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


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Replace `site_dir` by `staging` with two renames; the old site is removed afterwards."""
    old = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
