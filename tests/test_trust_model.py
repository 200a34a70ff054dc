"""The trust model (SECURITY.md): what a pull request may change on the content path, and what
is code. Here: the files that configure programs are refused in the project."""

from __future__ import annotations

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
    assert [f.path for f in refused.value.findings] == [".env"]
    assert not (project / "site").exists()
    (project / ".env").unlink()
    (project / ".env").symlink_to("/dev/null")  # a link is a file too
    assert CliRunner().invoke(main, ["validate", "--project", str(project)]).exit_code == 1


def test_git_ignores_a_dotenv_file():
    assert "/.env" in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
