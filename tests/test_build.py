"""Integration: full builds of the bundled content, failed builds, framework as data."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import (
    CARD_TITLES,
    TODAY,
    edit_record,
    record_data,
    records_where,
    zensical_build,
)

from kennisbank_gen.check.validate import validate
from kennisbank_gen.errors import BuildError, FindingsError
from kennisbank_gen.publish import build, generate
from kennisbank_gen.read.framework import load_framework
from kennisbank_gen.read.project import read_project


def html(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def tree_digest(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def quality_section(page: BeautifulSoup) -> dict[str, list[str]]:
    """The "Kwaliteitskader" section of an initiative page: criterion label -> values shown."""
    rows: dict[str, list[str]] = {}
    heading = page.find("h2", id="kwaliteitskader")
    for tag in heading.find_next("dl").find_all(["dt", "dd"]):
        if tag.name == "dt":
            label = tag.get_text(" ", strip=True).removesuffix(" (kenmerk)")
            rows[label] = []
        else:
            # (a judgement's value ends in its step on the scale, "(3 van 4)")
            rows[label].append(re.sub(r" \(\d+ van \d+\)$", "", tag.get_text(" ", strip=True)))
    return rows


def test_every_initiative_page_shows_its_criteria(built_project):
    """Each criterion with the labels of the record's values, or "Niet bekend" where the record
    leaves it out (as `unknown: true` allows)."""
    project = read_project(built_project)
    framework = project.framework
    assert project.records
    for doc in project.records:
        slug = Path(doc.path).stem
        page = html(built_project / "site", f"initiatieven/{slug}")
        text = page.get_text(" ", strip=True)
        assert doc.data["title"] in page.find("h1").get_text()
        assert "Kwaliteitskader" in text
        shown = quality_section(page)
        for criterion in framework.criteria:
            chosen = doc.data["quality"].get(criterion.id)
            if chosen is None:
                assert criterion.unknown, (slug, criterion.id)
                expected = ["Niet bekend"]
            else:
                ids = chosen if isinstance(chosen, list) else [chosen]
                expected = [v.label for v in criterion.values if v.id in ids]  # framework order
            assert shown[criterion.label] == expected, (slug, criterion.id)


def test_site_language_is_dutch_and_no_external_assets(built_project):
    for record in records_where(built_project):
        page = html(built_project / "site", f"initiatieven/{record.stem}")
        assert page.html["lang"] == "nl"
        for tag in page.find_all(["link", "script", "img"]):
            if {"canonical", "alternate"} & set(tag.get("rel", [])):
                continue  # addresses of this site, not assets to load
            ref = tag.get("href") or tag.get("src") or ""
            assert not ref.startswith(("http://", "https://", "//")), ref


def test_initiative_pages_are_not_in_the_navigation(built_project):
    nav = html(built_project / "site", "").select("nav.md-nav--primary a")
    hrefs = [a.get("href", "").rstrip("/").rsplit("/", 1)[-1] for a in nav]
    assert any(h == "initiatieven" for h in hrefs)
    assert not {record.stem for record in records_where(built_project)} & set(hrefs)


def overview_pages(site: Path, url: str) -> list[BeautifulSoup]:
    """Every page of a paged overview, in order: `url`, then `url/pagina/2`, ... as long as a
    page links to the next one."""
    pages = [html(site, url)]
    while pages[-1].select_one('.kb-pages a[rel="next"]'):
        pages.append(html(site, f"{url}/pagina/{len(pages) + 1}"))
    return pages


def test_overview_lists_every_initiative_with_badges(built_project):
    pages = overview_pages(built_project / "site", "initiatieven")
    titles = [a.get_text() for page in pages for a in page.select(CARD_TITLES)]
    records = validate(built_project, today=TODAY).project.records
    assert sorted(titles) == sorted(d.data["title"] for d in records)
    rows = sum(len(page.select(".kb-profile__row")) for page in pages)
    framework = load_framework(built_project / "quality_framework")
    assert rows == len(framework.criteria) * len(records)  # every card, its whole profile
    by_title = overview_pages(built_project / "site", "initiatieven/op-titel")
    ordered = [a.get_text() for page in by_title for a in page.select(CARD_TITLES)]
    assert ordered == sorted(ordered, key=str.casefold)


def test_example_records_are_marked_on_their_page(built_project):
    for doc in validate(built_project, today=TODAY).project.records:
        text = html(built_project / "site", f"initiatieven/{Path(doc.path).stem}").get_text()
        assert ("Fictief voorbeeld" in text) == bool(doc.data.get("example")), doc.path


def test_framework_page_explains_every_value(built_site):
    text = html(built_site, "kwaliteitskader").get_text(" ", strip=True)
    framework = load_framework(Path(__file__).parent.parent / "quality_framework")
    for c in framework.criteria:
        assert c.label in text
        for v in c.values:
            assert v.label in text and v.explanation in text


def _add_bad_record(root: Path) -> None:
    (root / "initiatives" / "kapot.yml").write_text("title: [\n", encoding="utf-8")


def test_failed_validation_leaves_previous_site_intact(small_project):
    project = small_project
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    _add_bad_record(project)
    with pytest.raises(FindingsError) as exc:
        build(project, today=TODAY)
    assert exc.value.findings[0].path == "initiatives/kapot.yml"
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*")), "no staging directory left behind"


def test_failed_site_build_leaves_previous_site_intact(small_project):
    project = small_project
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    (project / "content" / "over.md").write_text("[kapot](bestaat-niet.md)\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build(project, today=TODAY)
    assert tree_digest(project / "site") == before


def test_cli_build_failure_exit_code_and_message(small_project):
    project = small_project
    _add_bad_record(project)
    kennisbank = Path(sys.executable).parent / "kennisbank"
    run = subprocess.run(
        [kennisbank, "build", "--project", project], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 1
    assert "initiatives/kapot.yml:2:1" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (project / "site").exists()


def test_generate_rewrites_only_changed_files(project):
    first = generate(project, today=TODAY)
    assert first.files_written == first.files_total
    assert generate(project, today=TODAY).files_written == 0
    record = records_where(project)[0]
    statuses = load_framework(project / "quality_framework", project).vocabularies["statuses"]
    status = next(t for t in statuses if t.id != record_data(record).get("status"))
    slug = record.stem
    edit_record(record, status=status.id)
    docs = project / "build" / "docs"
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    written = generate(project, today=TODAY).files_written
    changed = {p.relative_to(docs).as_posix() for p in before if p.stat().st_mtime_ns != before[p]}
    assert written == len(changed)
    # the page itself and the open-data exports that carry the status; nothing else
    assert f"initiatieven/{slug}.md" in changed
    assert changed <= {f"initiatieven/{slug}.md", "initiatieven.json", "open-data.md"}
    assert status.label in (docs / f"initiatieven/{slug}.md").read_text(encoding="utf-8")


def test_removed_record_disappears_from_docs_tree(project):
    generate(project, today=TODAY)
    record = records_where(project)[0]
    record.unlink()
    for guidance in (project / "content" / "guidance").glob("*.yml"):  # a set's source record
        guidance.write_text(
            guidance.read_text(encoding="utf-8").replace(f"initiative: {record.stem}\n", ""),
            encoding="utf-8",
        )
    generate(project, today=TODAY)
    assert not (project / "build" / "docs" / f"initiatieven/{record.stem}.md").exists()


NEW_CRITERION = """
  - id: cocreatie
    label: Co-creatie met studenten
    question: Zijn studenten betrokken bij het ontwerp?
    explanation: Of studenten hebben meegedacht en meegewerkt.
    multiple: false
    severity: {severity}
    values:
      - id: ja
        label: Samen met studenten ontworpen
        explanation: Studenten ontwierpen mee.
      - id: nee
        label: Zonder studenten ontworpen
        explanation: Studenten ontwierpen niet mee.
"""


def test_framework_change_changes_validation_and_site_without_code(project):
    criteria = project / "quality_framework" / "criteria.yml"
    original = criteria.read_text(encoding="utf-8")

    before = set(validate(project, today=TODAY).findings)  # (warnings validate accepts)
    criteria.write_text(original + NEW_CRITERION.format(severity="error"), encoding="utf-8")
    findings = [f for f in validate(project, today=TODAY).findings if f not in before]
    assert len(findings) == len(records_where(project))  # one per record: the new criterion
    assert all(f.field == "quality.cocreatie" and f.severity == "error" for f in findings)

    criteria.write_text(original + NEW_CRITERION.format(severity="warning"), encoding="utf-8")
    findings = [f for f in validate(project, today=TODAY).findings if f not in before]
    assert len(findings) == len(records_where(project))
    assert {f.severity for f in findings} == {"warning"}

    record = records_where(project)[0]
    quality = record_data(record)["quality"]
    edit_record(record, quality={**quality, "cocreatie": "ja"})
    build(project, today=TODAY)
    page = html(project / "site", f"initiatieven/{record.stem}").get_text(" ", strip=True)
    assert "Co-creatie met studenten" in page and "Samen met studenten ontworpen" in page
    framework_page = html(project / "site", "kwaliteitskader").get_text(" ", strip=True)
    assert "Zijn studenten betrokken bij het ontwerp?" in framework_page

    # A relabelled value shows its new label, again without code changes.
    criteria.write_text(
        original.replace("label: Lang (>1 jaar)", "label: Langlopend (meer dan een jaar)"),
        encoding="utf-8",
    )
    edit_record(record, quality={**quality, "duration": "lang"})
    build(project, today=TODAY)
    page = html(project / "site", f"initiatieven/{record.stem}").get_text(" ", strip=True)
    assert "Langlopend (meer dan een jaar)" in page


def test_zensical_builds_the_generated_docs(project):
    """Engine portability: the same mkdocs.yml and generated tree build with Zensical, also
    with e-mail addresses at a .md domain, which Zensical would take for missing pages."""
    mailing = records_where(project)[0]
    body = record_data(mailing).get("body", "") + (
        "\n\nMail <info@school.md> of [ons](mailto:a@b.MD); [lees](HTTPS://b.org/README.md).\n"
    )
    links = [
        {"label": "Mail ons", "url": "mailto:team@hs.md"},
        {"label": "Uitleg", "url": "HTTP://c.org/uitleg.md"},
    ]
    edit_record(mailing, body=body, links=links)
    generate(project, today=TODAY)
    zensical_build(project)
    framework = read_project(project).framework
    for record in records_where(project):
        page = html(project / "site", f"initiatieven/{record.stem}")
        text = page.get_text(" ", strip=True)
        assert record_data(record)["title"] in page.find("h1").get_text()
        assert all(c.label in text for c in framework.criteria)
    addresses = {a.get("href") for a in html(project / "site", f"initiatieven/{mailing.stem}")("a")}
    assert {
        "mailto:info@school.md",
        "mailto:a@b.MD",
        "mailto:team@hs.md",
        "https://b.org/README.md",
        "http://c.org/uitleg.md",
    } <= addresses
