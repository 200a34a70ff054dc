"""Writing output: the finished site, swapped into place so that `site/` is at every instant a
complete old or new site; folders of generated files kept between builds (`GeneratedTree`).

The swap is one `renameat2(RENAME_EXCHANGE)` on Linux: the staging directory and `site/` trade
places atomically, so there is no moment without a `site/`, whenever the build is killed. Where the
system has no exchange (another OS, a file system without it) the fallback is two renames, the old
site parked as `.site.old-<pid>` in between and put back when the second rename fails; a build
killed in that instant leaves no `site/`, and the next build puts the parked site back first.

Builds of one project are serialised by a lock (`.site.lock`, `fcntl.flock`): a second build
refuses at once with a message. Under the lock, each build first removes what killed builds left
behind (`.site.staging-*`, `.site.old-*`; git ignores `/.site.*`).

The build deletes only what it made: every folder it fills and prunes (the docs tree, a staged
site, and so the site itself) carries a marker file (`MARKER`) from the moment it is made. A
folder in its way without the marker (a `docs_dir` or `--site-dir` pointing at the records, the
working copy or a folder outside the project) stops the build with a message; nothing in it is
touched (`owned_tree`). Before the swap, every page the build wrote and gated must be in the
staged site (`check_in_site`): a site builder that wrote elsewhere fails the build.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError

LOCK_NAME = ".site.lock"
#: the file that marks a folder as made by the build (hidden: MkDocs neither builds nor removes it)
MARKER = ".kennisbank-generated"
MARKER_TEXT = "Gemaakt door kennisbank build: deze map wordt bij elke build herschreven.\n"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: errors that mean "this system or file system cannot exchange": use the fallback
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class GeneratedTree:
    """A folder of files the build generates and keeps between builds (the docs tree, Pagefind's
    input), with a digest of each file written or found: a file is written only when its content
    changed, and a tree kept between renders (the preview's docs tree) tells what changed without
    reading back."""

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
        for folder, folders, files in os.walk(self.directory, topdown=False):  # children first
            base = Path(folder).relative_to(self.directory).as_posix()
            prefix = "" if base == "." else f"{base}/"
            links = [name for name in folders if os.path.islink(os.path.join(folder, name))]
            entries = [prefix + name for name in [*files, *links]]  # (a link is a file here)
            gone = [rel for rel in entries if rel not in wanted]
            for rel in gone:
                (self.directory / rel).unlink()
                self.known.pop(rel, None)
            removed.update(gone)
            if prefix and len(gone) == len(entries) and not os.listdir(folder):
                os.rmdir(folder)
        return removed


def owned_tree(directory: Path, root: Path | None = None) -> Path:
    """`directory`, as a folder the build may fill and prune: made (with the marker) when it
    does not exist, accepted when it carries the marker or is empty. Anything else (a file, a
    link, a folder with content the build did not make; with `root`, a path that leaves the
    project through a symbolic link) is a BuildError; nothing is touched."""
    if root is not None and directory.resolve() != root.resolve() / directory.relative_to(root):
        raise BuildError(
            f"{directory} wijst via een symbolische link naar {directory.resolve()}; "
            "de build schrijft alleen in zijn eigen map in het project"
        )
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise BuildError(f"{directory} is geen gewone map; de build schrijft daar niets")
    if directory.is_dir() and not owned(directory) and any(directory.iterdir()):
        raise BuildError(
            f"de map {directory} bestaat al en is niet door kennisbank gemaakt (er staat geen "
            f"{MARKER} in); de build schrijft en verwijdert daar niets. Verplaats of verwijder "
            "die map zelf, of kies een andere"
        )
    directory.mkdir(parents=True, exist_ok=True)
    if not owned(directory):
        (directory / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return directory


def owned(directory: Path) -> bool:
    """Whether `directory` is a real folder (not a link) that the build made."""
    return not directory.is_symlink() and (directory / MARKER).is_file()


def claimable(site_dir: Path) -> None:
    """Raise BuildError unless the swap may replace `site_dir`: absent, empty, or a site the
    build made. Checked before anything is written."""
    if site_dir.is_symlink() or (site_dir.exists() and not site_dir.is_dir()):
        raise BuildError(f"{site_dir} is geen gewone map; de build vervangt hem niet")
    if site_dir.is_dir() and not owned(site_dir) and any(site_dir.iterdir()):
        raise BuildError(
            f"de map {site_dir} is niet door kennisbank gemaakt (er staat geen {MARKER} in); "
            "de build vervangt hem niet. Verplaats of verwijder die map zelf, of kies met "
            "--site-dir een andere"
        )


def check_in_site(staging: Path, pages: set[str]) -> None:
    """Raise BuildError unless every page the build wrote and gated (paths relative to the
    site) is a file in `staging`, the folder about to be swapped in."""
    missing = sorted(rel for rel in pages if not (staging / rel).is_file())
    if missing or not pages:
        shown = ", ".join(missing[:5]) or "geen pagina's"
        raise BuildError(
            f"de gecontroleerde pagina's staan niet in de nieuwe site {staging} ({shown}); "
            "er is niets vervangen"
        )


def staging_dir(site_dir: Path) -> Path:
    """The folder the new site is built in, next to `site_dir`: made now, with the marker."""
    return owned_tree(site_dir.with_name(f".{site_dir.name}.staging-{os.getpid()}"))


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
    """Put `staging` where `site_dir` is; the old site is removed afterwards (only a site the
    build made is ever replaced: `claimable`)."""
    claimable(site_dir)
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
    """Remove what killed builds left next to `site_dir` (call it under the lock): folders with
    the marker, and empty ones; anything else of that name stays. A parked old site comes back
    first when `site_dir` is missing (a build killed inside the fallback swap)."""
    pattern = f".{site_dir.name}."
    leftovers = sorted(
        p
        for p in site_dir.parent.glob(f"{pattern}*")
        if p.name.startswith((f"{pattern}staging-", f"{pattern}old-"))
        and (owned(p) or (p.is_dir() and not p.is_symlink() and not any(p.iterdir())))
    )
    parked = [p for p in leftovers if p.name.startswith(f"{pattern}old-") and owned(p)]
    if parked and not site_dir.exists():
        newest = max(parked, key=lambda p: p.stat().st_mtime)
        newest.rename(site_dir)
        leftovers.remove(newest)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)
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
