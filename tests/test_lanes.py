"""The pull request's two lanes (.ci/lanes.py): only record files -> the content lane; anything
else -> the full lane, with a Dutch job summary that asks for a maintainer's review. In a real
git repository, as the workflow runs it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

spec = importlib.util.spec_from_file_location("lanes", REPO / ".ci" / "lanes.py")
lanes = sys.modules["lanes"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lanes)

RECORD = "title: Een record\n"


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with `main` (two records, code) and a pull request branch `pr` off it."""
    repo = tmp_path / "repo"
    (repo / "initiatives").mkdir(parents=True)
    (repo / "src").mkdir()
    for name in ("a", "b"):
        (repo / "initiatives" / f"{name}.yml").write_text(RECORD + name + "\n")
    (repo / "src" / "code.py").write_text("print('hallo')\n")
    (repo / "mkdocs.yml").write_text("site_name: x\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "pr")
    return repo


def pull_request(repo: Path) -> list:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", "pr")
    git(repo, "checkout", "-q", "main")  # main moves on meanwhile: only the PR's own changes count
    with (repo / "src" / "later.py").open("a") as later:
        later.write("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "later on main")
    git(repo, "checkout", "-q", "pr")
    return lanes.changes_since("main", cwd=repo)


def test_records_added_changed_removed_and_renamed_are_the_content_lane(repo):
    (repo / "initiatives" / "nieuw.yml").write_text(RECORD + "nieuw\n")
    (repo / "initiatives" / "a.yml").write_text(RECORD + "gewijzigd\n")
    git(repo, "mv", "initiatives/b.yml", "initiatives/b-hernoemd.yml")
    changes = pull_request(repo)
    assert lanes.lane(changes) == "content"
    assert lanes.records(changes) == ["a", "b-hernoemd", "nieuw"]
    (repo / "initiatives" / "nieuw.yml").unlink()
    changes = pull_request(repo)
    assert lanes.lane(changes) == "content"
    assert "nieuw" not in lanes.records(changes)


@pytest.mark.parametrize(
    "change",
    [
        "mkdocs.yml",  # configuration can load code
        "src/code.py",
        "initiatives/sub/x.yml",  # not a record file: exactly initiatives/*.yml
        "initiatives/x.yaml",
        "initiatives/README.md",
        ".env",
        "SECURITY.md",
        ".ci/lanes.py",
    ],
)
def test_any_other_file_is_the_code_lane(repo, change):
    (repo / "initiatives" / "nieuw.yml").write_text(RECORD)
    (repo / change).parent.mkdir(parents=True, exist_ok=True)
    (repo / change).write_text("x\n")
    changes = pull_request(repo)
    assert lanes.lane(changes) == "code"
    assert lanes.code_paths(changes) == [change]


def test_a_record_that_is_a_link_or_executable_is_code(repo):
    (repo / "initiatives" / "link.yml").symlink_to("../mkdocs.yml")
    assert lanes.lane(pull_request(repo)) == "code"
    (repo / "initiatives" / "link.yml").unlink()
    (repo / "initiatives" / "a.yml").chmod(0o755)
    assert lanes.lane(pull_request(repo)) == "code"


def test_code_renamed_into_initiatives_is_code(repo):
    git(repo, "mv", "src/code.py", "initiatives/code.yml")
    changes = pull_request(repo)
    assert lanes.lane(changes) == "code"
    assert lanes.code_paths(changes) == ["initiatives/code.yml", "src/code.py"]


def test_no_change_at_all_runs_the_full_lane(repo):
    assert lanes.lane(pull_request(repo)) == "code"


def test_the_job_summary_says_in_dutch_that_code_needs_a_review(repo, monkeypatch, tmp_path):
    odd = "src/`x`\n[link](https:evil).py"
    (repo / odd).write_text("x\n")
    pull_request(repo)
    output, summary = tmp_path / "output", tmp_path / "summary"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(repo)
    assert lanes.main(["lane", "--base", "main"]) == 0
    assert output.read_text() == "lane=code\n"
    text = summary.read_text()
    assert "wijzigt code" in text and "een beheerder moet de wijziging beoordelen" in text
    assert "CODEOWNERS" in text and "SECURITY.md" in text
    # the file name stays text: a code span longer than any run of backticks in it, one line
    assert "- `` src/`x`⏎[link](https:evil).py ``\n" in text


def test_the_job_summary_of_a_content_pull_request(repo, monkeypatch, tmp_path, capsys):
    (repo / "initiatives" / "nieuw.yml").write_text(RECORD)
    pull_request(repo)
    summary = tmp_path / "summary"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.chdir(repo)
    assert lanes.main(["lane", "--base", "main"]) == 0
    assert capsys.readouterr().out == "content\n"
    assert "wijzigt alleen records" in summary.read_text()
    assert lanes.main(["records", "--base", "main"]) == 0
    assert capsys.readouterr().out == "nieuw\n"


def test_an_unknown_base_is_a_message_not_a_traceback(repo, monkeypatch, capsys):
    monkeypatch.chdir(repo)
    assert lanes.main(["lane", "--base", "bestaat-niet"]) == 2
    assert "bestaat-niet" in capsys.readouterr().err
