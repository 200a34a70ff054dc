"""The editors' automation: GitHub workflows, the pull-request template and the pre-commit hook
run the commands they should, with the Makefile's own targets."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
KENNISBANK = Path(sys.executable).with_name("kennisbank")


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job["steps"]


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def uses(job: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in steps(job) if "uses" in s]


def make_targets() -> set[str]:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z0-9_.$()/-]+):", makefile, re.MULTILINE))
    return {t.replace("$(VENV)", ".venv").replace("$(STAMP)", ".venv/.installed") for t in targets}


def test_pull_request_workflow_has_a_content_lane_and_a_full_lane():
    wf = workflow("pr.yml")
    assert "pull_request" in wf["on"] and wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read"}
    lane, content, full = wf["jobs"]["lane"], wf["jobs"]["content"], wf["jobs"]["full"]
    # the lane comes from the path classifier as the target branch has it (a pull request
    # cannot reclassify itself); no classifier there, or a push: the full lane
    assert "fetch-depth" in steps(lane)[0]["with"]
    assert 'git show "origin/$BASE:.ci/lanes.py"' in runs(lane)
    assert 'lane --base "origin/$BASE"' in runs(lane)
    assert runs(lane).count("lane=code") == 1
    assert lane["outputs"]["lane"] == "${{ steps.lane.outputs.lane }}"
    assert content["if"] == "needs.lane.outputs.lane == 'content'"
    assert full["if"] == "needs.lane.outputs.lane == 'code'"
    for job in (content, full):
        assert job["needs"] == "lane"
        # Debian, so the browser tests find Debian's Chromium at /usr/bin/chromium
        assert "bookworm" in job["container"] or "debian" in job["container"]
        assert "actions/checkout" in uses(job)
        assert "apt-get install -y -qq chromium" in runs(job)
        browser = next(
            s for s in steps(job) if re.search(r"make (check-content|test)", s.get("run", ""))
        )
        assert browser["env"]["KENNISBANK_REQUIRE_BROWSER"] == "1"
    assert "make check-content" in runs(content) and "FORMAT=github" in runs(content)
    commands = runs(full)
    assert commands.index("kennisbank validate --format github") < commands.index("make test")
    # a failing validation still lets the tests report
    test_step = next(s for s in steps(full) if "make test" in s.get("run", ""))
    assert test_step["if"] == "${{ !cancelled() }}"
    targets = make_targets()
    for target in re.findall(r"\bmake ([\w./-]+)", runs(content) + commands):
        assert target in targets, f"make {target} is not a Makefile target"


def test_the_content_lane_validates_builds_and_runs_the_content_tests():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ncheck-content:", 1)[1].split("\n\n", 1)[0]
    order = [recipe.index(step) for step in ("validate --format $(FORMAT)", "kennisbank build")]
    order.append(recipe.index("pytest"))
    assert order == sorted(order)
    assert ".ci/lanes.py records --base $(BASE)" in recipe
    assert "KENNISBANK_BUILT_PROJECT" in recipe and "KENNISBANK_RECORD_SEEDS=none" in recipe
    tests = re.search(r"^CONTENT_TESTS := (.*)$", makefile, re.MULTILINE).group(1).split()
    assert tests == ["tests/browser/test_privacy.py", "tests/browser/test_changed_records.py"]
    assert all((REPO / t).is_file() for t in tests)


def test_main_workflow_builds_and_deploys_to_pages():
    wf = workflow("pages.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert "make release" in runs(build)  # refuses an example site_url
    upload = next(s for s in steps(build) if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert uses(deploy) == ["actions/deploy-pages"]
    assert "site" in make_targets()


def test_validate_github_format_writes_annotations_and_a_job_summary(project, tmp_path):
    bad = project / "initiatives" / "kapot.yml"
    bad.write_text("title: x\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    result = subprocess.run(
        [KENNISBANK, "validate", "--format", "github", "--project", project],
        capture_output=True,
        text=True,
        env={"GITHUB_STEP_SUMMARY": str(summary), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 1
    assert "::error file=initiatives/kapot.yml,line=1," in result.stdout
    text = summary.read_text(encoding="utf-8")
    # every finding is in the summary, not only the first few that become annotations
    assert text.count("initiatives/kapot.yml") == result.stdout.count("::error ")


def test_pull_request_template_has_the_editor_checklist():
    template = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = re.findall(r"^- \[ \] .+$", template, re.MULTILINE)
    assert len(items) >= 8
    for words in ("kennisbank validate", "HTML", "https://", "last_reviewed", "persoonsgegevens"):
        assert words in template
    assert "CONTRIBUTING.md" in template


@pytest.fixture(scope="module")
def hook() -> dict:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (the_hook,) = repo["hooks"]
    return the_hook


def test_pre_commit_hook_selects_changed_records_only(hook):
    files = re.compile(hook["files"])
    assert files.search("initiatives/buddy.yml")
    assert files.search("initiatives/buddy.yaml")
    assert not files.search("content/guidance/inspectie-2023.yml")
    assert not files.search("quality_framework/criteria.yml")
    assert not files.search("initiatives/sub/x.yml")
    assert hook["pass_filenames"] is True
    assert hook["language"] == "system"


def test_pre_commit_hook_runs_the_validator(hook, project):
    """Run the hook's command as pre-commit would: from the repository, with file names."""
    entry = hook["entry"].split()
    assert entry[0] == ".venv/bin/kennisbank" and entry[1:] == ["validate"]
    command = [str(KENNISBANK), *entry[1:]]
    good = sorted((project / "initiatives").glob("*.yml"))[:2]
    ok = subprocess.run(
        [*command, *(p.relative_to(project) for p in good)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (project / "initiatives" / "nieuw.yml").write_text("title: Nieuw\n", encoding="utf-8")
    bad = subprocess.run(
        [*command, "initiatives/nieuw.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "initiatives/nieuw.yml:1:1:" in bad.stdout


def make(*args: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_help_lists_every_target_in_dutch():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY: (.*)$", makefile, re.MULTILINE).group(1).split()
    shown = make("-s", "help")
    assert shown == make()  # `make` alone shows it too
    assert shown.startswith("Gebruik: make DOEL")
    listed = dict(re.findall(r"^  ([a-z-]+) +(.+)$", shown, re.MULTILINE))
    assert set(listed) == set(phony)
    # messages an editor reads, in Dutch: the list, and what the recipes print
    printed = re.findall(r"@echo \"([^\"]*)\"", makefile) + list(listed.values())
    english = re.compile(r"\b(the|and|with|or|run|any|this|site with)\b", re.IGNORECASE)
    assert [text for text in printed if english.search(text)] == []


def test_make_site_installs_the_site_without_the_test_tools(tmp_path: Path):
    venv = f"VENV={tmp_path / 'venv'}"
    site = make("-n", "site", venv)  # what would run in a fresh checkout
    assert "pip install --quiet -c constraints.txt -e .\n" in site
    assert "[test]" not in site
    test = make("-n", "test", venv)
    assert "-e '.[test]'" in test and "pytest" in test
