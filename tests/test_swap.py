"""The swap is crash-proof and serialised: fault injection on a real build.

At every instant `site/` is a complete old or new site: with the exchange failing, with the
fallback's second rename failing, with the build killed (SIGKILL) at random moments while another
thread watches `site/`, with two builds at once, and with a full disk (a small tmpfs when this
process may mount one; otherwise, and always, ENOSPC injected into the writing).
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import TODAY

from kennisbank_gen.errors import BuildError
from kennisbank_gen.publish import build, output
from kennisbank_gen.publish.output import (
    build_lock,
    owned_tree,
    remove_leftovers,
    swap_into_place,
)

KENNISBANK = Path(sys.executable).with_name("kennisbank")
LOCK_MESSAGE = "er loopt al een andere build van dit project"


@pytest.fixture
def project(small_project: Path) -> Path:
    """These tests are of the build's machinery: the tests' own small project will do."""
    return small_project


def digest(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def leftovers(root: Path) -> list[str]:
    return sorted(
        p.name for p in root.iterdir() if p.name.startswith((".site.staging", ".site.old"))
    )


@pytest.fixture
def built(project: Path) -> tuple[Path, dict[str, str]]:
    build(project, today=TODAY)
    return project, digest(project / "site")


def test_exchange_swaps_two_directories(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    assert output.exchange(a, b) is True  # Linux with renameat2 (glibc >= 2.28), as in CI
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_failing_exchange_leaves_the_site(built, monkeypatch):
    root, before = built

    def broken(a, b):
        raise OSError(errno.EIO, "Input/output error", str(b))

    monkeypatch.setattr(output, "exchange", broken)
    with pytest.raises(BuildError) as exc:
        build(root, today=TODAY)
    assert "lezen of schrijven mislukt: Input/output error" in str(exc.value)
    assert digest(root / "site") == before
    assert leftovers(root) == []


def test_failing_second_rename_in_the_fallback_puts_the_old_site_back(built, monkeypatch):
    root, before = built
    monkeypatch.setattr(output, "exchange", lambda a, b: False)  # a system without exchange
    real_rename = Path.rename

    def rename(self, target):
        if ".site.staging-" in self.name:
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(self))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(BuildError):
        build(root, today=TODAY)
    monkeypatch.undo()
    assert digest(root / "site") == before
    assert leftovers(root) == []


def test_fallback_swap_works(built, monkeypatch):
    root, _ = built
    monkeypatch.setattr(output, "exchange", lambda a, b: False)
    (root / "content" / "over.md").write_text("# Over\n\nNieuwe tekst.\n", encoding="utf-8")
    build(root, today=TODAY)
    assert "Nieuwe tekst." in (root / "site" / "over" / "index.html").read_text("utf-8")
    assert leftovers(root) == []


def test_next_build_removes_leftovers_and_restores_a_parked_site(tmp_path):
    site = tmp_path / "site"
    parked = owned_tree(tmp_path / ".site.old-4242")
    (parked / "index.html").write_text("oud")
    staging = owned_tree(tmp_path / ".site.staging-4243")
    (staging / "deep").mkdir(parents=True)
    (tmp_path / ".site.staging-4245").mkdir()  # killed before it had its marker: empty
    removed = remove_leftovers(site)  # killed inside the fallback swap: no site/ at all
    assert (site / "index.html").read_text() == "oud"
    assert sorted(p.name for p in removed) == [".site.staging-4243", ".site.staging-4245"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_leftovers_the_build_did_not_make_stay(tmp_path):
    """Only folders with the build's marker (or empty ones) are leftovers of a build."""
    site = tmp_path / "site"
    foreign = tmp_path / ".site.old-7"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("van iemand anders")
    (tmp_path / ".site.staging-8").write_text("a file, not a folder of the build")
    assert remove_leftovers(site) == []
    assert (foreign / "notes.txt").read_text() == "van iemand anders"
    assert (tmp_path / ".site.staging-8").read_text() == "a file, not a folder of the build"
    assert not site.exists()  # a folder without the marker is not a parked site either


def test_swap_into_an_empty_place(tmp_path):
    staging = tmp_path / ".site.staging-1"
    staging.mkdir()
    (staging / "index.html").write_text("nieuw")
    swap_into_place(staging, tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == "nieuw"


def test_a_second_build_refuses_while_the_lock_is_held(built):
    root, before = built
    with build_lock(root):
        run = subprocess.run(
            [KENNISBANK, "build"], cwd=root, capture_output=True, text=True, timeout=300
        )
    assert run.returncode == 1
    assert LOCK_MESSAGE in run.stderr and "Traceback" not in run.stderr
    assert digest(root / "site") == before


@pytest.mark.slow
def test_two_concurrent_builds(built):
    root, _ = built
    runs = [
        subprocess.Popen(
            [KENNISBANK, "build"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in runs]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    for code, err in results:
        assert "Traceback" not in err
        if code == 1:
            assert LOCK_MESSAGE in err
    assert (root / "site" / "pagefind" / "pagefind.js").is_file()
    assert leftovers(root) == []


def _complete(site: Path, pages: set[str]) -> bool:
    """A whole site: every page of the first build, and the search index."""
    have = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    return have == pages and (site / "pagefind" / "pagefind.js").is_file()


@pytest.mark.slow
def test_kill_9_at_random_moments_never_leaves_a_broken_site(built):
    """Each round changes a page and kills a build at a random moment of its run; a thread looks
    at `site/` all the while. Afterwards site/ is complete, and holds the old or the new text."""
    root, _ = built
    site = root / "site"
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    start = time.monotonic()
    build(root, today=TODAY)
    duration = time.monotonic() - start
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    missing = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not (site / "index.html").is_file():
                missing.append(time.monotonic())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    kills = 0
    try:
        for round_ in range(6):
            text = f"Versie {round_}."
            (root / "content" / "over.md").write_text(f"# Over\n\n{text}\n", encoding="utf-8")
            old = (site / "over" / "index.html").read_text(encoding="utf-8")
            process = subprocess.Popen(
                [KENNISBANK, "build"],
                cwd=root,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(rng.uniform(0.05, duration * 1.2))
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # the build and its Pagefind
                kills += 1
            process.wait()
            assert _complete(site, pages), f"seed {seed}, round {round_}"
            now = (site / "over" / "index.html").read_text(encoding="utf-8")
            assert now == old or text in now, f"seed {seed}, round {round_}"
    finally:
        stop.set()
        watcher.join()
    assert missing == [], f"site/ was incomplete {len(missing)} times (seed {seed})"
    assert kills >= 1, f"seed {seed}: no build was killed; widen the window"
    build(root, today=TODAY)  # the next build removes what the killed ones left
    assert leftovers(root) == []
    assert "Versie 5." in (site / "over" / "index.html").read_text(encoding="utf-8")


def test_disk_full_while_writing_is_a_message(built, monkeypatch):
    """ENOSPC injected into writing the docs tree (always runs; see the tmpfs test too)."""
    root, before = built

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(root / "build" / "docs"))

    monkeypatch.setattr(output.GeneratedTree, "write", full)
    with pytest.raises(BuildError) as exc:
        build(root, today=TODAY)
    assert str(exc.value).startswith("de schijf is vol (")
    assert digest(root / "site") == before


@pytest.fixture
def small_tmpfs(tmp_path: Path):
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    size = "9m"  # room for one site (about 5 MB), not for a second one beside it
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({run.stderr.strip()}); ENOSPC is injected instead")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_disk_full_on_a_small_tmpfs(project, small_tmpfs):
    site = small_tmpfs / "site"
    first = subprocess.run(
        [KENNISBANK, "build", "--site-dir", site],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert first.returncode == 0, first.stderr
    before = digest(site)
    filler = small_tmpfs / "filler"
    free = shutil.disk_usage(small_tmpfs).free
    filler.write_bytes(b"\0" * max(free - 1_500_000, 0))  # leave less than a site needs
    (project / "content" / "over.md").write_text("# Over\n\nNieuw.\n", encoding="utf-8")
    second = subprocess.run(
        [KENNISBANK, "build", "--site-dir", site],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    assert "de schijf is vol" in second.stderr or "No space left" in second.stderr, second.stderr
    assert digest(site) == before
    assert [p.name for p in small_tmpfs.iterdir() if p.name.startswith(".site.")] == []
