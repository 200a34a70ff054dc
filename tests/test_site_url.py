"""The site's address (issue 20, point 6): the bundled mkdocs.yml names the real site, and a
release build still refuses an example address, here with the golden fixture project's
mkdocs.yml, which keeps one on purpose."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_project
from test_golden import FIXTURE

from kennisbank_gen.config import SiteConfig

KENNISBANK = [str(Path(sys.executable).parent / "kennisbank")]


def kennisbank(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KENNISBANK, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.mark.parametrize(
    ("url", "placeholder"),
    [
        ("https://kennisbankstudentenwelzijn.nl/", False),
        ("https://www.example.org/kennisbank/", True),
        ("https://kennisbank.example.com/", True),
        ("https://kennisbank.test/", True),
        ("https://site.invalid/", True),
        ("http://localhost:8000/", True),
        ("http://127.0.0.1/", True),
    ],
)
def test_example_addresses_are_told_apart(tmp_path, url, placeholder):
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    real = SiteConfig.from_mkdocs(REPO / "mkdocs.yml").site_url
    (tmp_path / "mkdocs.yml").write_text(text.replace(real, url), encoding="utf-8")
    assert SiteConfig.from_mkdocs(tmp_path / "mkdocs.yml").placeholder_address is placeholder


def test_a_release_build_refuses_the_fixtures_example_address(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("expected"))
    assert SiteConfig.from_mkdocs(project / "mkdocs.yml").placeholder_address
    done = kennisbank("build", "--release", cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "voorbeeldadres" in done.stderr and "Traceback" not in done.stderr
    assert not (project / "site").exists()


@pytest.mark.slow
def test_a_release_build_of_the_bundled_content_names_the_real_site(tmp_path):
    project = copy_project(tmp_path / "project")
    done = kennisbank("build", "--release", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://kennisbankstudentenwelzijn.nl/">' in page
