"""Writing output: the generated docs tree (only files whose content changed) and the finished
site, swapped into place so that `site/` is at every instant a complete old or new site.

The swap is one `renameat2(RENAME_EXCHANGE)` on Linux: the staging directory and `site/` trade
places atomically, so there is no moment without a `site/`, whenever the build is killed. Where the
system has no exchange (another OS, a file system without it) the fallback is two renames, the old
site parked as `.site.old-<pid>` in between and put back when the second rename fails; a build
killed in that instant leaves no `site/`, and the next build puts the parked site back first.

Builds of one project are serialised by a lock (`.site.lock`, `fcntl.flock`): a second build
refuses at once with a message. Under the lock, each build first removes what killed builds left
behind (`.site.staging-*`, `.site.old-*`; git ignores `/.site.*`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import BuildError

LOCK_NAME = ".site.lock"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: errors that mean "this system or file system cannot exchange": use the fallback
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def write_tree(directory: Path, files: dict[str, str | bytes]) -> int:
    """Make `directory` hold exactly `files`; rewrite a file only when its content changed."""
    written = write_files(directory, files)
    prune_tree(directory, set(files))
    return written


def write_files(directory: Path, files: dict[str, str | bytes]) -> int:
    """Write `files` into `directory`, each only when its content changed; how many were."""
    written = 0
    for rel, content in files.items():
        target = directory / rel
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return written


def prune_tree(directory: Path, wanted: set[str]) -> None:
    """Remove every file of `directory` not in `wanted` (relative paths), and empty folders."""
    if directory.is_dir():
        keep = {directory / rel for rel in wanted}
        for path in sorted(directory.rglob("*"), reverse=True):  # children before parents
            if path.is_file() and path not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.staging-{os.getpid()}")


def _parked_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically (Linux `renameat2`). False when the system cannot;
    OSError when it could but failed."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28, musl)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_into_place(staging: Path, site_dir: Path) -> None:
    """Put `staging` where `site_dir` is; the old site is removed afterwards."""
    if not site_dir.exists() and not site_dir.is_symlink():
        staging.rename(site_dir)
        return
    if exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old site
        return
    parked = _parked_dir(site_dir)
    site_dir.rename(parked)
    try:
        staging.rename(site_dir)
    except OSError:
        parked.rename(site_dir)
        raise
    shutil.rmtree(parked, ignore_errors=True)


def remove_leftovers(site_dir: Path) -> list[Path]:
    """Remove what killed builds left next to `site_dir` (call it under the lock). A parked old
    site comes back first when `site_dir` is missing (a build killed inside the fallback swap)."""
    pattern = f".{site_dir.name}."
    leftovers = sorted(
        p
        for p in site_dir.parent.glob(f"{pattern}*")
        if p.name.startswith((f"{pattern}staging-", f"{pattern}old-"))
    )
    parked = [p for p in leftovers if p.name.startswith(f"{pattern}old-") and p.is_dir()]
    if parked and not site_dir.exists():
        newest = max(parked, key=lambda p: p.stat().st_mtime)
        newest.rename(site_dir)
        leftovers.remove(newest)
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return leftovers


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the project's build lock, or raise BuildError at once when another build has it."""
    lock_file = root / LOCK_NAME
    with open(lock_file, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                f"er loopt al een andere build van dit project (slot: {lock_file}); "
                "wacht tot die klaar is en probeer het dan opnieuw"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def io_message(exc: OSError) -> str:
    """An I/O error as the build reports it, in Dutch, with the file it happened to."""
    target = exc.filename2 or exc.filename  # copying: filename2 is where it was writing
    where = f" ({target})" if target else ""
    if exc.errno == errno.ENOSPC:
        return f"de schijf is vol{where}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"geen toegang{where}"
    return f"lezen of schrijven mislukt: {exc.strerror or exc}{where}"
