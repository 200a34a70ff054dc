"""The preview's incremental updates (editors/preview.py, editors/preview_site.py): a save renders
and builds the saved file's pages first, then only what else changed; the result is the site a
full generation and build make; additions, deletions, framework and configuration changes and
broken records all end up right."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_EXAMPLE, FIXTURE_REPORT, FIXTURE_STUDY, copy_fixture_project
from mkdocs.config import load_config

from kennisbank_gen.editors.preview import Preview
from kennisbank_gen.editors.preview_banner import SCRIPT, serve_options
from kennisbank_gen.editors.preview_gate import PageGate
from kennisbank_gen.editors.preview_site import PreviewSite
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.markdown_pages import listing_pages
from kennisbank_gen.render.model import build_model

SLUG = FIXTURE_REPORT
OTHER = FIXTURE_EXAMPLE
SERVE_URL = "http://127.0.0.1:8000/"
ITEM_PAGE = "aanbevelingen/inspectie-2023/01/index.html"  # a guidance item the record answers


def _start(root: Path, site_dir: Path) -> Preview:
    def config():
        return load_config(
            config_file=str(root / "mkdocs.yml"),
            site_dir=str(site_dir),
            strict=False,
            **serve_options(root),
        )

    messages: list[str] = []
    preview = Preview(root, 8081, report=messages.append)
    preview.messages = messages
    assert preview.start(), messages
    preview.serve(PreviewSite(config, SERVE_URL))
    return preview


@pytest.fixture
def served(tmp_path: Path):
    root = copy_fixture_project(tmp_path / "project")
    return root, _start(root, tmp_path / "site"), tmp_path / "site"


def _html(site_dir: Path, path: str) -> str:
    return (site_dir / path).read_text(encoding="utf-8")


def _edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_a_saved_record_is_rendered_and_built_first_and_reaches_every_page_that_shows_it(served):
    root, preview, site_dir = served
    record = root / "initiatives" / f"{SLUG}.yml"
    _edit(record, "title: Sturen op", "title: Herzien sturen op")
    page = f"initiatieven/{SLUG}/index.html"
    site = build_model(read_project(root))
    listed = listing_pages(site, [site.initiative(SLUG)])  # the overview page of each order
    assert len(listed) == 2
    shown = [page] + [f"{p.removesuffix('.md').removesuffix('/index')}/index.html" for p in listed]
    published = []
    preview.update({record}, publish=lambda: published.append([_html(site_dir, p) for p in shown]))

    first, second = preview.steps
    own = {f"initiatieven/{SLUG}.md", SCRIPT}
    assert own | listed <= first.rendered and all(
        p.startswith(f"initiatieven/{SLUG}") for p in first.rendered - {SCRIPT} - listed
    )
    citations = {p for p in first.rendered if p.endswith((".bib", ".ris"))}
    assert first.written == {f"initiatieven/{SLUG}.md"} | citations | listed
    assert first.built and set(first.built) == first.written
    assert len(citations) == 2 and not citations & second.written
    # the first reload already shows it, on its page and on the overviews that list it
    assert all("Herzien sturen op" in html for html in published[0])
    assert len(published) == 2  # and the second step reloads once more

    # the rest: guidance pages that list it, exports; not the record page or overviews again
    assert not (first.written & second.written)
    assert "initiatieven.json" in second.written
    for path in (page, "initiatieven/index.html", "initiatieven/op-titel/index.html", ITEM_PAGE):
        assert "Herzien sturen op" in _html(site_dir, path), path
    titles = [i["title"] for i in json.loads(_html(site_dir, "initiatieven.json"))["initiatives"]]
    assert any(t.startswith("Herzien sturen op") for t in titles)

    # an unrelated record's page is rendered again but neither written nor built
    other = f"initiatieven/{OTHER}.md"
    assert other in second.rendered
    assert other not in first.written | second.written
    assert other not in first.built + second.built
    assert set(second.built) == second.written


def test_a_save_reads_and_checks_only_the_saved_record_again(served, parsed_again):
    root, preview, site_dir = served
    record = root / "initiatives" / f"{SLUG}.yml"
    _edit(record, "title: Sturen op", "title: Herzien sturen op")
    preview.update({record})
    assert parsed_again == [f"initiatives/{SLUG}.yml"]
    assert "Herzien sturen op" in _html(site_dir, f"initiatieven/{SLUG}/index.html")


def test_the_cycle_collector_waits_until_the_saved_pages_are_out(served):
    """A full collection walks everything the preview keeps (MkDocs' site, the records): none
    runs until the first reload, and the collector is on again for the rest."""
    root, preview, _ = served
    record = root / "initiatives" / f"{SLUG}.yml"
    _edit(record, "title: Sturen op", "title: Herzien sturen op")
    collecting: list[bool] = []
    preview.update({record}, publish=lambda: collecting.append(gc.isenabled()))
    assert collecting == [False, True]
    assert gc.isenabled()


def test_an_update_that_changes_nothing_writes_and_builds_nothing(served):
    root, preview, _ = served
    record = root / "initiatives" / f"{SLUG}.yml"
    record.write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
    published = []
    preview.update({record}, publish=lambda: published.append(1))
    assert [s.written for s in preview.steps] == [set(), set()]
    assert [s.built for s in preview.steps] == [[], []]
    assert len(published) == 1  # the first step always answers the save


def test_a_new_record_appears_and_a_deleted_one_disappears(served):
    root, preview, site_dir = served
    new = root / "initiatives" / "nieuw-initiatief-preview.yml"
    text = (root / "initiatives" / f"{OTHER}.yml").read_text(encoding="utf-8")
    new.write_text(text.replace("title: ", "title: Nieuw preview-initiatief ", 1), "utf-8")
    preview.update({new})
    assert "nieuw-initiatief-preview.md" in " ".join(preview.steps[0].written)
    assert "Nieuw preview-initiatief" in _html(
        site_dir, "initiatieven/nieuw-initiatief-preview/index.html"
    )
    assert "Nieuw preview-initiatief" in _html(site_dir, "initiatieven/index.html")

    old = root / "initiatives" / f"{SLUG}.yml"
    title = "Sturen op blijvende"
    old.unlink()
    preview.update({old})
    assert f"initiatieven/{SLUG}.md" in preview.steps[1].removed
    assert not (site_dir / "initiatieven" / SLUG).exists()
    assert not (root / "build" / "docs" / "initiatieven" / f"{SLUG}.md").exists()
    assert title not in _html(site_dir, "initiatieven/index.html")
    assert title not in _html(site_dir, "initiatieven.json")


def test_a_framework_change_reaches_the_framework_page_and_every_record(served):
    root, preview, site_dir = served
    criteria = root / "quality_framework" / "criteria.yml"
    _edit(criteria, "    label: Evaluatie\n", "    label: Evaluatie en effect\n")
    preview.update({criteria})
    assert "kwaliteitskader.md" in preview.steps[0].written
    for path in ("kwaliteitskader/index.html", f"initiatieven/{SLUG}/index.html"):
        assert "Evaluatie en effect" in _html(site_dir, path)


def test_a_saved_guidance_set_renders_its_own_pages_first_and_reaches_the_records(served):
    root, preview, site_dir = served
    gset = root / "content" / "guidance" / "inholland-docenten.yml"
    _edit(gset, "publisher: Hogeschool Inholland", "publisher: Hogeschool Inholland (proef)")
    preview.update({gset})
    first = {p for p in preview.steps[0].rendered if p.endswith(".md")}
    assert "tips/inholland-docenten/index.md" in first
    assert "tips/inholland-docenten/01.md" in first
    assert not any(p.startswith("initiatieven/") for p in first)
    record = f"initiatieven/{FIXTURE_STUDY}/index.html"  # lists its tips
    for path in ("tips/inholland-docenten/index.html", "tips/inholland-docenten/01/index.html"):
        assert "Hogeschool Inholland (proef)" in _html(site_dir, path)
    assert "Hogeschool Inholland (proef)" in _html(site_dir, record)


def test_a_broken_record_shows_the_banner_over_the_last_good_pages_until_it_is_fixed(served):
    root, preview, site_dir = served
    record = root / "initiatives" / f"{SLUG}.yml"
    page = f"initiatieven/{SLUG}/index.html"
    good = _html(site_dir, page)
    original = record.read_text(encoding="utf-8")
    record.write_text(
        original.replace("scale: nvt", "scale: grote").replace("title: Sturen", "title: Kapot"),
        encoding="utf-8",
    )
    preview.update({record})
    assert preview.steps[0].written == {SCRIPT}
    assert "gevonden 'grote'" in _html(site_dir, SCRIPT)
    assert _html(site_dir, page) == good  # the last good version
    assert any("gevonden 'grote'" in m for m in preview.messages)

    record.write_text(original.replace("title: Sturen", "title: Hersteld sturen"), "utf-8")
    preview.update({record})
    assert SCRIPT in preview.steps[0].written
    assert "var findings = [];" in _html(site_dir, SCRIPT)
    assert "Hersteld sturen" in _html(site_dir, page)


def test_a_stopped_second_step_is_finished_by_the_next_update(served):
    root, preview, site_dir = served
    record = root / "initiatives" / f"{SLUG}.yml"
    _edit(record, "title: Sturen op", "title: Onderbroken sturen op")
    calls = []

    def pending() -> bool:  # another save arrives once MkDocs has built one page
        calls.append(1)
        return len(calls) > 1

    preview.update({record}, pending=lambda: bool(preview.steps[1].written) and pending())
    assert preview.site.stale  # some pages were written but not built
    # a page that lists the record (a recommendation it answers), left for the next update
    left = [p for p in preview.site.stale if p.endswith(".md") and p.startswith("aanbevelingen/")]
    html = [f"{p.removesuffix('.md').removesuffix('/index')}/index.html" for p in left]
    assert html and all("Onderbroken" not in _html(site_dir, p) for p in html)
    preview.update(set())
    assert not preview.site.stale
    assert all("Onderbroken" in _html(site_dir, p) for p in html)


def test_mkdocs_yml_or_the_theme_overrides_change_builds_everything(served):
    root, preview, site_dir = served
    _edit(root / "mkdocs.yml", "site_name: Kennisbank Studentenwelzijn", "site_name: Proefbank")
    preview.update({root / "mkdocs.yml"})
    assert preview.site.built == ["*"]
    assert "Proefbank" in _html(site_dir, "kwaliteitskader/index.html")

    theme = root / "overrides" / "main.html"
    _edit(theme, "{% block content %}", "{% block content %}<p>Eigen thema</p>")
    preview.update({theme})
    assert preview.site.built == ["*"]
    assert "Eigen thema" in _html(site_dir, f"initiatieven/{SLUG}/index.html")


def test_a_project_given_as_a_relative_path_still_updates_just_the_saved_page(
    tmp_path: Path, monkeypatch
):
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.chdir(root)
    preview = _start(Path("."), tmp_path / "site")
    record = root / "initiatives" / f"{SLUG}.yml"  # file events name absolute paths
    _edit(record, "title: Sturen op", "title: Relatief sturen op")
    preview.update({record})
    assert f"initiatieven/{SLUG}.md" in preview.steps[0].written
    assert preview.site.built != ["*"]
    assert "Relatief sturen op" in _html(tmp_path / "site", f"initiatieven/{SLUG}/index.html")


def _tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file() and p.suffix != ".gz"  # the sitemap's gzip header holds a time
    }


def test_after_many_updates_the_site_is_what_a_full_generation_and_build_make(served, tmp_path):
    root, preview, site_dir = served
    initiatives = root / "initiatives"
    record = initiatives / f"{SLUG}.yml"
    _edit(record, "title: Sturen op", "title: Eerst sturen op")
    preview.update({record})
    new = initiatives / "nieuw-voor-vergelijking.yml"
    shutil.copy(initiatives / f"{OTHER}.yml", new)
    _edit(new, "title: ", "title: Kopie ")
    preview.update({new})
    (initiatives / f"{OTHER}.yml").unlink()
    preview.update({initiatives / f"{OTHER}.yml"})
    criteria = root / "quality_framework" / "criteria.yml"
    _edit(criteria, "    label: Evaluatie\n", "    label: Evaluatie (proef)\n")
    preview.update({criteria})
    _edit(root / "content" / "over.md", "\n", "\nEen zin die de preview toevoegt.\n")
    preview.update({root / "content" / "over.md"})

    fresh_root = shutil.copytree(root, tmp_path / "fresh", ignore=shutil.ignore_patterns("build"))
    _start(fresh_root, tmp_path / "fresh-site")
    assert _tree(root / "build" / "docs") == _tree(fresh_root / "build" / "docs")
    updated, full = _tree(site_dir), _tree(tmp_path / "fresh-site")
    assert sorted(updated) == sorted(full)
    assert [p for p in full if updated[p] != full[p]] == []


def test_the_gate_lets_every_page_of_the_bundled_content_through_and_names_sources(served):
    """The preview's gate checks against the preview's own host: no page the build would ship
    is refused there; a refused page names the file it is made from."""
    _root, preview, site_dir = served
    gate = PageGate(SERVE_URL, preview.source_of, pytest.fail)
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        content = page.read_bytes()
        assert gate.served(page.relative_to(site_dir).as_posix(), content) is content, page
    assert preview.source_of(f"initiatieven/{SLUG}/index.html") == f"initiatives/{SLUG}.yml"
    assert preview.source_of("over/index.html") == "content/over.md"
    assert preview.source_of("kwaliteitskader/index.html") == "quality_framework/"
    item = preview.source_of(ITEM_PAGE)
    assert item.startswith("content/guidance/") and item.endswith(".yml")
    assert preview.source_of("404.html") == "404.html"  # the theme's, not a docs file
