"""The build on both cores: a forked child renders part of the record pages
(build/docs_tree.py) and MkDocs' child half of the pages (build/page_halves.py). The docs tree
and the site must be byte for byte what one process builds, every page of the child's half must
pass the output gate and reach the index, the child's warnings must fail a strict build, and a
child that dies must fail the build without touching site/."""

from __future__ import annotations

import json
import logging
import os
import types
from pathlib import Path

import pytest
from conftest import TODAY, delegated, needs_fork
from test_search import tree_digest

from kennisbank_gen.errors import BuildError
from kennisbank_gen.publish import build, docs_tree, page_halves

pytestmark = [pytest.mark.slow, needs_fork]

EXTRA_PAGE = "proef.md"


def split_every_build(monkeypatch, child_pages: set[str] | None = None) -> list[set[str]]:
    """Split even the small project's build (`child_pages`: the child's half, else as shared
    out); returns the halves the child was given, one per build."""
    given: list[set[str]] = []
    monkeypatch.setattr(page_halves, "FROM_PAGES", 1)
    real = page_halves.child_half

    def child_half(files):
        given.append(real(files) if child_pages is None else child_pages)
        return given[-1]

    monkeypatch.setattr(page_halves, "child_half", child_half)
    return given


def without_index(site: Path) -> dict[str, str]:
    return {rel: digest for rel, digest in tree_digest(site).items() if "pagefind" not in rel}


def page_count(site: Path) -> int:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    return entry["languages"]["nl"]["page_count"]


def test_two_processes_build_the_site_one_would(request, project, monkeypatch):
    """Both halves: the record pages rendered (docs_tree) and the pages MkDocs builds."""
    if delegated(request):
        return
    given = split_every_build(monkeypatch)
    monkeypatch.setattr(docs_tree, "IN_HALVES_FROM", 1)
    rendered = spy_on_forks(monkeypatch)
    build(project, project / "split", today=TODAY)
    docs = tree_digest(project / "build" / "docs")
    monkeypatch.setattr(page_halves, "FROM_PAGES", 10**9)
    monkeypatch.setattr(docs_tree, "IN_HALVES_FROM", 10**9)
    one = build(project, project / "one", today=TODAY)
    assert len(given) == 1 and len(given[0]) > 10  # MkDocs' child had its half
    assert rendered == [True, False]  # the record pages were rendered in halves, then not
    assert one.files_written == 0 and tree_digest(project / "build" / "docs") == docs
    assert without_index(project / "split") == without_index(project / "one")
    assert page_count(project / "split") == page_count(project / "one") > 20


def spy_on_forks(monkeypatch) -> list[bool]:
    """Whether each `in_halves` of the docs tree forked."""
    forked: list[bool] = []
    real = docs_tree.in_halves

    def in_halves(work, items, *args, **kwargs):
        result = real(work, items, *args, **kwargs)
        forked.append(len(result) == 2)
        return result

    monkeypatch.setattr(docs_tree, "in_halves", in_halves)
    return forked


def write_extra_page(project: Path, text: str) -> None:
    (project / "content" / EXTRA_PAGE).write_text(f"# Proef\n\n{text}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('<img src="x" onerror="alert(1)">', ["proef/index.html: regel", "onerror"]),
        ("Zie [de ontbrekende pagina](nergens.md).", ["nergens.md", "1 warnings"]),
    ],
    ids=["the output gate sees its pages", "strict mode counts its warnings"],
)
def test_what_the_child_renders_can_fail_the_build(request, small_project, monkeypatch, text, said):
    if delegated(request):
        return
    project = small_project
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    write_extra_page(project, text)
    split_every_build(monkeypatch, {EXTRA_PAGE})
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY)
    assert all(part in str(exc.value) for part in said), str(exc.value)
    assert tree_digest(project / "site") == before


def test_a_child_that_dies_fails_the_build_and_changes_nothing(request, small_project, monkeypatch):
    if delegated(request):
        return
    project = small_project
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    split_every_build(monkeypatch)
    monkeypatch.setattr(page_halves.PageHalves, "send", lambda self, rel, data: os._exit(9))
    with pytest.raises(BuildError, match=r"het tweede bouwproces stopte onverwacht \(status 9\)"):
        build(project, today=TODAY)
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))
    with pytest.raises(ChildProcessError):  # the child was waited for
        os.waitpid(-1, os.WNOHANG)


def fake_build(pages: int = 500, plugins=("ours",), anchors=logging.INFO, titled: bool = True):
    page = types.SimpleNamespace(title="Titel") if titled else types.SimpleNamespace()
    config = types.SimpleNamespace(
        plugins=dict.fromkeys(plugins),
        validation=types.SimpleNamespace(links=types.SimpleNamespace(anchors=anchors)),
    )
    files = types.SimpleNamespace(documentation_pages=lambda: [None] * pages)
    return config, files, types.SimpleNamespace(pages=[page])


@pytest.mark.parametrize(
    ("build_", "allowed"),
    [
        (fake_build(), True),
        (fake_build(pages=page_halves.FROM_PAGES - 1), False),
        (fake_build(plugins=("ours", "search")), False),  # search wants every page
        (fake_build(anchors=logging.WARNING), False),  # anchors of the other half are unknown
        (fake_build(titled=False), False),  # its title would come from the converted page
    ],
    ids=["large", "small", "another plugin", "anchors checked", "nav page without title"],
)
def test_split_only_where_the_result_is_the_same(request, build_, allowed):
    if delegated(request):
        return
    assert page_halves.split_allowed(*build_, {"ours"}) is allowed
