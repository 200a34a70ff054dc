"""The build's pipeline: each page goes to the output gate and to Pagefind as MkDocs writes it
(`build.pipeline`), and what is on disk at the end is what was checked and indexed."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY
from test_search import tree_digest

from kennisbank_gen.errors import BuildError
from kennisbank_gen.publish import build, pipeline, recipe

pytestmark = pytest.mark.slow


@pytest.fixture
def project(small_project: Path) -> Path:
    """These tests are of the build's machinery: the tests' own small project will do."""
    return small_project


def fragments(index: Path) -> dict[str, dict]:
    """Pagefind's per-page records (url -> what it indexed: words, filters, meta, anchors)."""
    found = {}
    for file in (index / "fragment").glob("*.pf_fragment"):
        record = json.loads(gzip.decompress(file.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[record["url"]] = record
    return found


def test_the_index_is_what_pagefinds_command_line_makes_of_the_built_site(
    built_project: Path, tmp_path: Path
):
    site = tmp_path / "site"
    shutil.copytree(built_project / "site", site, ignore=shutil.ignore_patterns("pagefind"))
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]
    command += ["--force-language", "nl", "--exclude-selectors", ".headerlink"]
    subprocess.run(command, check=True, capture_output=True)
    ours, theirs = built_project / "site" / "pagefind", site / "pagefind"
    assert fragments(ours) == fragments(theirs)
    assert len(fragments(ours)) > 20
    entry, cli = (
        json.loads((d / "pagefind-entry.json").read_text("utf-8")) for d in (ours, theirs)
    )
    assert entry["languages"]["nl"]["page_count"] == cli["languages"]["nl"]["page_count"]
    assert set(entry["languages"]) == set(cli["languages"]) == {"nl"}  # one Dutch index


def test_a_page_changed_or_added_after_mkdocs_wrote_is_checked_as_it_is_on_disk(
    project, monkeypatch
):
    """The gate checks pages as MkDocs hands them over; a file that differs on disk at the end
    (changed after writing) or never passed (added) is checked from disk before the swap."""
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    real = recipe.run_site_builder

    def tampering(config_file, out_dir, plugins=None):
        real(config_file, out_dir, plugins)
        over = out_dir / "over" / "index.html"
        over.write_text(over.read_text("utf-8") + "<script>alert(1)</script>", "utf-8")
        (out_dir / "extra.html").write_text('<img src="x" onerror="alert(2)">', "utf-8")

    monkeypatch.setattr(recipe, "run_site_builder", tampering)
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY)
    message = str(exc.value)
    assert "de uitvoercontrole weigert de site (3 problemen)" in message
    assert "extra.html: regel 1" in message and "onerror" in message
    assert "extra.html: regel 1: <head>: verwacht een Content-Security-Policy" in message
    assert "over/index.html: regel" in message and "onbekend" in message
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))


def test_the_gate_worker_failing_stops_the_build(project, monkeypatch):
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    monkeypatch.setattr(pipeline, "GATE_WORKER", "import sys; sys.exit(3)")
    with pytest.raises(BuildError, match=r"de uitvoercontrole faalde \(afsluitcode 3\)"):
        build(project, today=TODAY)
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))
