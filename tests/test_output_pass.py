"""The pass over the output files (publish/output_pass.py): the gate checks every page as it is
on disk before the swap, whatever wrote it, and Pagefind's index of the slim copies
(search_index.slim_copy) is the index its command line makes of the whole site."""

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

from kennisbank_gen.config import INDEX_INPUT_DIR, SiteConfig
from kennisbank_gen.errors import BuildError
from kennisbank_gen.pool import Pool
from kennisbank_gen.publish import build, recipe
from kennisbank_gen.publish.gate import html_pages
from kennisbank_gen.publish.output_pass import check_and_prepare_index
from kennisbank_gen.publish.search_index import slim_copy

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
    """The gate reads the files, so a page changed after the engine wrote it, or one it never
    wrote, is checked as it is when the site is swapped in."""
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    real = recipe.build_site

    def tampering(config_file, out_dir, pool):
        real(config_file, out_dir, pool)
        over = out_dir / "over" / "index.html"
        over.write_text(over.read_text("utf-8") + "<script>alert(1)</script>", "utf-8")
        (out_dir / "extra.html").write_text('<img src="x" onerror="alert(2)">', "utf-8")

    monkeypatch.setattr(recipe, "build_site", tampering)
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY)
    message = str(exc.value)
    assert "de uitvoercontrole weigert de site (3 problemen)" in message
    assert "extra.html: regel 1" in message and "onerror" in message
    assert "extra.html: regel 1: <head>: verwacht een Content-Security-Policy" in message
    assert "over/index.html: regel" in message and "onbekend" in message
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))


def test_the_index_input_is_kept_between_builds_and_follows_the_site(project):
    """Pagefind's input (`build/pagefind-input`) is the slim copies of the site's pages, kept
    between builds: a build with nothing changed writes none of them again; a page gone from
    the site is gone from it, and from the index."""
    (project / "content" / "proef.md").write_text("# Proef\n\nTekst.\n", encoding="utf-8")
    build(project, today=TODAY)
    index_input = project / INDEX_INPUT_DIR

    def files() -> dict[str, tuple[int, int]]:
        return {
            p.relative_to(index_input).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in index_input.rglob("*.html")
        }

    first = files()
    site_pages = {p.relative_to(project / "site").as_posix() for p in html_pages(project / "site")}
    assert "proef/index.html" in first and set(first) <= site_pages
    assert "/proef/" in fragments(project / "site" / "pagefind")
    build(project, today=TODAY)
    assert files() == first
    (project / "content" / "proef.md").unlink()
    build(project, today=TODAY)
    assert set(files()) == set(first) - {"proef/index.html"}
    assert "/proef/" not in fragments(project / "site" / "pagefind")


def test_with_no_marked_body_anywhere_pagefind_reads_every_page_whole(project, tmp_path):
    """An engine whose pages have no `data-pagefind-body` (Pagefind then indexes whole pages):
    its input is every page as it is, and a page gone is gone from it."""
    build(project, today=TODAY)
    site = tmp_path / "site"
    for rel in ("index.html", "over/index.html", "kwaliteitskader/index.html"):
        page = (project / "site" / rel).read_text("utf-8").replace(" data-pagefind-body", "")
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(page, "utf-8")
    url = SiteConfig.from_mkdocs(project / "mkdocs.yml").site_url
    index_input = tmp_path / "input"
    gated = check_and_prepare_index(site, url, index_input, Pool(1))
    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in html_pages(site)}
    kept = {p.relative_to(index_input).as_posix(): p.read_bytes() for p in html_pages(index_input)}
    assert gated == set(pages) and kept == pages
    (site / "over" / "index.html").unlink()
    check_and_prepare_index(site, url, index_input, Pool(1))
    assert sorted(p.relative_to(index_input).as_posix() for p in html_pages(index_input)) == [
        "index.html",
        "kwaliteitskader/index.html",
    ]


PAGE = (
    '<!doctype html><html lang="nl" class="no-js"><head><title>T</title>'
    '<meta name="description" content="{head}"></head>'
    "<body><header>menu</header>{before}<main><div data-pagefind-body>Tekst</div></main>"
    "<footer>voet</footer></body></html>"
)


def test_a_slim_copy_holds_the_marked_body_and_what_follows_with_the_language_and_title():
    slim = slim_copy(PAGE.format(head="", before=""))
    assert slim == (
        '<!DOCTYPE html><html lang="nl" class="no-js"><head><meta charset=utf-8><title>T</title>'
        "</head><body><div data-pagefind-body>Tekst</div></main><footer>voet</footer></body>"
        "</html>"
    )


ARTICLE_PAGE = (
    '<!doctype html><html lang="nl"><head><title>T</title></head><body><header>menu</header>'
    "<main><article>{inside}<div data-pagefind-body>Tekst</div></article>{after}</main>"
    "<footer>voet</footer></body></html>"
)


@pytest.mark.parametrize(
    ("inside", "after", "cut"),
    [
        ("", "<nav>inhoud</nav>", True),
        ("", '<nav><span data-pagefind-filter="x">y</span></nav>', False),
        ("<article>ander</article>", "", False),
    ],
    ids=["ends with its article", "pagefind attribute after it", "two articles"],
)
def test_a_slim_copy_ends_with_the_one_article_around_the_marked_body(inside, after, cut):
    """What follows the theme's one article around the marked body is left out, unless Pagefind
    would read something there, or the page has another article (which one holds it?)."""
    page = ARTICLE_PAGE.format(inside=inside, after=after)
    slim = slim_copy(page)
    body = slim.split("<body>", 1)[1]
    start = page.index("<div data-pagefind-body")
    if cut:
        assert body == "<div data-pagefind-body>Tekst</div></body></html>"
    else:
        assert body == page[start:]


@pytest.mark.parametrize(
    ("head", "before"),
    [
        ("", ""),
        ("data-pagefind-body", '<span data-pagefind-filter="x">y</span>'),
        ("", '<span data-pagefind-meta="image">y</span>'),
    ],
    ids=["marked", "pagefind attribute before the body", "metadata before the body"],
)
def test_a_page_is_given_whole_when_pagefind_reads_something_before_its_body(head, before):
    """Text that merely names the marker in the head does not count; a Pagefind attribute
    before the marked body does (Pagefind would read it)."""
    page = PAGE.format(head=head, before=before)
    assert (slim_copy(page) is None) == bool(before)
    assert slim_copy(page.replace(" data-pagefind-body", "")) is None
