"""The trust model (SECURITY.md): what a pull request may change on the content path (the
records), and what is code: every path is classified, CODEOWNERS asks a maintainer for all code,
and a file that configures programs (`.env`) is refused in the project."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, TODAY

from kennisbank_gen.cli import main
from kennisbank_gen.errors import FindingsError
from kennisbank_gen.publish import build


def test_a_dotenv_file_in_the_project_is_a_finding_for_validate_and_build(project: Path):
    """decap-server read `.env` from the project root into its environment (ORIGIN let another
    site in, GIT_CONFIG_* ran commands): nothing may read it, and a project holding one says so."""
    (project / ".env").write_text("ORIGIN=https://evil.example\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--project", str(project)])
    assert result.exit_code == 1
    assert result.output.startswith(".env:1:1: verwacht geen .env-bestand in het project")
    with pytest.raises(FindingsError) as refused:
        build(project, today=TODAY)
    # (the errors: a record may carry warnings, such as an overlong summary)
    assert [f.path for f in refused.value.findings if f.severity == "error"] == [".env"]
    assert not (project / "site").exists()
    (project / ".env").unlink()
    (project / ".env").symlink_to("/dev/null")  # a link is a file too
    assert CliRunner().invoke(main, ["validate", "--project", str(project)]).exit_code == 1


def test_git_ignores_a_dotenv_file():
    assert "/.env" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()


SECURITY = REPO / "SECURITY.md"
CODEOWNERS = REPO / ".github" / "CODEOWNERS"


def tracked_files() -> list[str]:
    done = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"not a git checkout: {done.stderr.strip()}")
    return [f for f in done.stdout.split("\0") if f]


def is_content(path: str) -> bool:
    """The content path of SECURITY.md: a record file directly in initiatives/."""
    return re.fullmatch(r"initiatives/[^/]+\.yml", path) is not None


def named_as_code() -> set[str]:
    """The first column of SECURITY.md's table of code paths: their top-level names."""
    text = SECURITY.read_text(encoding="utf-8")
    table = text[text.index("## Wat code is") : text.index("## Wat de controle")]
    names = set()
    for row in re.findall(r"^\| (.+?) \|", table, re.MULTILINE):
        names |= {name.split("/")[0] for name in re.findall(r"`([^`]+)`", row)}
    return names


def test_every_top_level_path_is_the_content_path_or_named_as_code():
    """A new folder or file at the top needs a line in SECURITY.md (what it can run)."""
    top = {path.split("/")[0] for path in tracked_files()}
    named = named_as_code()
    assert {"mkdocs.yml", "overrides", "content", "src", ".github", "cms", ".env"} <= named
    unnamed = {name for name in top - named - {"initiatives"} if not (REPO / name).is_symlink()}
    assert unnamed == set(), "classify these in SECURITY.md, 'Wat code is, en waarom'"


def _rule(pattern: str) -> re.Pattern:
    """A CODEOWNERS pattern as a regular expression (the part of its syntax used here:
    `*` within one folder, a leading `/` anchors at the top, no `/` matches at any depth)."""
    assert not re.search(r"\*\*|[?\[\\!]", pattern), f"unsupported here: {pattern}"
    anchored = "/" in pattern.rstrip("/")
    body = "".join("[^/]*" if c == "*" else re.escape(c) for c in pattern.strip("/"))
    return re.compile(body if anchored else rf"(?:.*/)?{body}(?:/.*)?")


def owners(path: str) -> list[str]:
    """Who must approve a change of `path`: the last CODEOWNERS line that matches."""
    found: list[str] = []
    for line in CODEOWNERS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, *who = line.split()
            if _rule(pattern).fullmatch(path):
                found = who
    return found


def test_codeowners_requires_a_maintainer_for_every_code_path_and_none_for_records():
    files = tracked_files()
    assert any(is_content(f) for f in files)
    for path in [
        *files,
        *("initiatives/nieuw-record.yml", "initiatives/sub/x.yml", "initiatives/x.yaml"),
        *(".env", "nieuw/hook.py", "content/nieuw.md", "overrides/partials/x.html"),
    ]:
        assert bool(owners(path)) != is_content(path), path


def test_readme_and_contributing_link_the_trust_model():
    for doc in ("README.md", "CONTRIBUTING.md"):
        assert "](SECURITY.md" in (REPO / doc).read_text(encoding="utf-8"), doc
