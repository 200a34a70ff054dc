"""Guidance: every recommendation and tip has its page, cross-linked both ways with initiatives;
a new set needs only a data file; former addresses keep working; open data matches the records."""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, TODAY, edit_record, record_data, records_where
from jsonschema import Draft202012Validator

from kennisbank_gen.check.validate import validate
from kennisbank_gen.config import SiteConfig
from kennisbank_gen.publish import build
from kennisbank_gen.render.exports import _cell as csv_cell

FIXTURES = Path(__file__).parent / "fixtures"
#: the bundled site's settings (its address goes into permalinks and canonical links)
SITE = SiteConfig.from_mkdocs(REPO / "mkdocs.yml")
SETS = {
    "inspectie-2023": ("aanbevelingen/inspectie-2023", 21),
    "inholland-docenten": ("tips/inholland-docenten", 11),
    "miv-mbo-2023": ("aanbevelingen/miv-mbo-2023", 3),
}


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def hrefs(page: BeautifulSoup) -> list[str]:
    return [a.get("href", "") for a in page.select("article a")]


def resolve(page_url: str, href: str) -> str:
    """Site-relative URL a relative link on `page_url` points to."""
    import posixpath

    return posixpath.normpath(posixpath.join(page_url, href.split("#")[0])) + "/"


@pytest.mark.parametrize(("set_id", "path_and_count"), SETS.items())
def test_every_item_has_a_page_with_summary_source_and_citation(built_site, set_id, path_and_count):
    path, count = path_and_count
    for number in range(1, count + 1):
        url = f"{path}/{number:02d}"
        page = soup(built_site, url)
        text = page.get_text(" ", strip=True)
        for heading in ("Samenvatting", "Initiatieven die hierbij aansluiten", "Bron", "Citeren"):
            assert heading in text, (url, heading)
        assert SITE.permalink(f"{url}/") in text  # permalink in the citation


def test_cross_links_render_both_ways(built_project):
    site = built_project / "site"
    records = validate(built_project, today=TODAY).project.records
    for doc in records:
        slug = Path(doc.path).stem
        initiative_url = f"initiatieven/{slug}/"
        links = {resolve(initiative_url, h) for h in hrefs(soup(site, initiative_url))}
        for ref in doc.data.get("guidance", []):
            set_id, number = ref.split("/")
            item_url = f"{SETS[set_id][0]}/{number}/"
            assert item_url in links, (slug, ref)
            back = {resolve(item_url, h) for h in hrefs(soup(site, item_url))}
            assert initiative_url in back, (ref, slug)


def test_pdca_overview_groups_recommendations_by_phase(built_site):
    page = soup(built_site, "aanbevelingen/inspectie-2023")
    cycle = page.select("nav.kb-pdca li")
    assert [li.a.get_text() for li in cycle] == [
        "Plan (ontwikkelen)",
        "Do (uitvoeren)",
        "Check en act (monitoren, evalueren en bijstellen)",
    ]
    assert page.select_one("nav.kb-pdca")["aria-label"]
    headings = [h.get_text(strip=True).rstrip("¶") for h in page.select("article h2")]
    assert headings == [
        "Plan (ontwikkelen)",
        "Do (uitvoeren)",
        "Check en act (monitoren, evalueren en bijstellen)",
        "Stelselgerichte aanbevelingen",
    ]
    assert len(page.select("article li a[href$='/']")) >= 21


def test_new_guidance_set_needs_only_a_data_file(project):
    shutil.copy(FIXTURES / "extra-set.yml", project / "content" / "guidance")
    build(project, today=TODAY)
    site = project / "site"
    page = soup(site, "tips/extra-set/01").get_text(" ", strip=True)
    assert "Tip 1: Vraag hoe het gaat" in page
    assert "Voorbeeldorganisatie" in page
    assert "Tip 2: Verwijs op tijd" in soup(site, "tips/extra-set").get_text(" ", strip=True)
    related_back = soup(site, "tips/inholland-docenten/02").get_text(" ", strip=True)
    assert "Vraag hoe het gaat" in related_back  # related links are made mutual
    assert "Extra tips over welbevinden" in soup(site, "aanbevelingen-en-tips").get_text()


def _rename_with_redirect(project: Path) -> tuple[str, str, str]:
    """Rename a record (the first one) as an editor does, its old slug in `previous_slugs`, and
    the guidance set that names it as its source; returns (old slug, new slug, title)."""
    source = records_where(project)[0]
    old = source.stem
    new = f"{old[:90]}-hernoemd"
    data = edit_record(source, previous_slugs=[*record_data(source).get("previous_slugs", []), old])
    source.rename(source.with_name(f"{new}.yml"))
    for guidance in (project / "content" / "guidance").glob("*.yml"):
        guidance.write_text(
            guidance.read_text(encoding="utf-8").replace(
                f"initiative: {old}\n", f"initiative: {new}\n"
            ),
            encoding="utf-8",
        )
    return old, new, data["title"]


def test_renamed_record_keeps_its_old_address(project):
    old = records_where(project)[0].stem
    build(project, today=TODAY)
    assert (project / "site" / "initiatieven" / old / "index.html").is_file()
    old, new, _ = _rename_with_redirect(project)
    build(project, today=TODAY)
    redirect = soup(project / "site", f"initiatieven/{old}")
    refresh = redirect.find("meta", attrs={"http-equiv": "refresh"})["content"]
    target = resolve(f"initiatieven/{old}/", refresh.split("url=", 1)[1])
    assert target == f"initiatieven/{new}/"
    assert (project / "site" / target / "index.html").is_file()
    canonical = redirect.find("link", rel="canonical")["href"]
    assert canonical == SITE.permalink(f"initiatieven/{new}/")


@pytest.mark.browser
def test_old_address_leads_to_the_page_in_a_browser(project, browser):
    from conftest import serve_directory

    old, new, title = _rename_with_redirect(project)
    build(project, today=TODAY)
    server, url = serve_directory(project / "site")
    try:
        page = browser.new_page()
        page.goto(f"{url}initiatieven/{old}/")
        page.wait_for_url(f"{url}initiatieven/{new}/")
        assert " ".join(title.split()) in page.locator("h1").inner_text()
        page.close()
    finally:
        server.shutdown()


def test_former_slug_that_collides_with_a_live_page_is_rejected(project):
    record, other = records_where(project)[:2]
    edit_record(record, previous_slugs=[other.stem, "op-titel"])
    # (the changed record, checked against the project: the other record is told when the
    # whole project is validated)
    report = validate(project, [record], today=TODAY)
    findings = [f for f in report.findings if f.rule == "duplicate-slug"]
    path = record.relative_to(project).as_posix()
    assert [(f.field, f.path) for f in findings] == [
        ("previous_slugs[0]", path),
        ("previous_slugs[1]", path),
    ]
    assert f"in gebruik bij initiatives/{other.name}" in findings[0].message


def test_guidance_former_number_that_is_live_is_rejected(project):
    guidance = project / "content" / "guidance" / "miv-mbo-2023.yml"
    text = guidance.read_text(encoding="utf-8").replace(
        "  - number: 3\n", "  - number: 3\n    previous_numbers: [2]\n"
    )
    before = set(validate(project, today=TODAY).findings)
    guidance.write_text(text, encoding="utf-8")
    findings = [f for f in validate(project, today=TODAY).findings if f not in before]
    assert [(f.path, f.field) for f in findings] == [
        ("content/guidance/miv-mbo-2023.yml", "items[2].previous_numbers[0]")
    ]


def test_rule_severity_applies_to_records_and_guidance_files_alike(project):
    """`unknown-reference: warning` makes a bad id a warning wherever it is written: in a
    record's `guidance` and in a guidance file's `related` (the latter stayed an error once)."""
    rules = project / "quality_framework" / "rules.yml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace("unknown-reference: error", "unknown-reference: warning"), encoding="utf-8"
    )
    guidance = project / "content" / "guidance" / "miv-mbo-2023.yml"
    guidance.write_text(
        guidance.read_text(encoding="utf-8").replace(
            "related: [inspectie-2023/07, inspectie-2023/05]",
            "related: [inspectie-2023/07, inspectie-2023/99]",
        ),
        encoding="utf-8",
    )
    minimal = Path(__file__).parent / "corpus" / "valid" / "minimaal.yml"
    record = project / "initiatives" / "minimaal.yml"
    record.write_text(
        minimal.read_text(encoding="utf-8") + "guidance: [inspectie-2023/99]\n", encoding="utf-8"
    )
    findings = [f for f in validate(project, today=TODAY).findings if f.rule == "unknown-reference"]
    assert sorted((f.path, f.severity) for f in findings) == sorted(
        [
            ("content/guidance/miv-mbo-2023.yml", "warning"),
            (record.relative_to(project).as_posix(), "warning"),
        ]
    )
    build(
        project, today=TODAY
    )  # warnings do not block, and the unknown ids are left out of the site
    assert (project / "site" / "aanbevelingen" / "miv-mbo-2023" / "03" / "index.html").is_file()


def test_guidance_former_number_redirects(project):
    guidance = project / "content" / "guidance" / "miv-mbo-2023.yml"
    guidance.write_text(
        guidance.read_text(encoding="utf-8").replace(
            "  - number: 3\n", "  - number: 3\n    previous_numbers: [7]\n"
        ),
        encoding="utf-8",
    )
    build(project, today=TODAY)
    redirect = soup(project / "site", "aanbevelingen/miv-mbo-2023/07")
    assert redirect.find("link", rel="canonical")["href"].endswith("miv-mbo-2023/03/")


# --- open data ---------------------------------------------------------------------------


def test_initiatives_json_matches_the_records(built_project):
    data = json.loads((built_project / "site" / "initiatieven.json").read_text(encoding="utf-8"))
    project = validate(built_project, today=TODAY).project
    records = {Path(d.path).stem: d.data for d in project.records}
    framework = project.framework
    assert data["licence"]["name"] == "CC BY 4.0"
    assert data["count"] == len(records) == len(data["initiatives"])
    for item in data["initiatives"]:
        record = records[item["slug"]]
        assert item["title"] == record["title"]
        assert item["date"] == str(record["date"])
        assert [t["id"] for t in item["themes"]] == record["themes"]
        assert item["example"] == record.get("example", False)
        assert [g["id"] for g in item["guidance"]] == record.get("guidance", [])
        assert list(item["quality"]) == [c.id for c in framework.criteria]
        for criterion, rating in item["quality"].items():
            chosen = record["quality"].get(criterion, [])  # left out: "Niet bekend", no values
            assert {v["id"] for v in rating["values"]} == set(
                chosen if isinstance(chosen, list) else [chosen]
            )
        assert item["url"].endswith(f"/initiatieven/{item['slug']}/")


def test_initiatives_csv_matches_the_records(built_project):
    text = (built_project / "site" / "initiatieven.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    records = {
        Path(d.path).stem: d.data for d in validate(built_project, today=TODAY).project.records
    }
    assert {r["slug"] for r in rows} == set(records)
    for row in rows:
        # (as written for spreadsheets: test_csv_cells_cannot_become_formulas)
        assert row["titel"] == csv_cell(records[row["slug"]]["title"])
        assert row["voorbeeld"] == ("ja" if records[row["slug"]].get("example") else "nee")
        assert row["Schaalgrootte bereik"]


def test_csv_cells_cannot_become_formulas(project):
    record = records_where(project)[0]
    edit_record(record, title='=HYPERLINK("x")')
    build(project, today=TODAY)
    rows = list(
        csv.DictReader(
            io.StringIO((project / "site" / "initiatieven.csv").read_text(encoding="utf-8"))
        )
    )
    titles = [r["titel"] for r in rows if r["slug"] == record.stem]
    assert titles == ['\'=HYPERLINK("x")']


def test_guidance_json_has_every_item_with_its_initiatives(built_project):
    data = json.loads((built_project / "site" / "aanbevelingen.json").read_text(encoding="utf-8"))
    counts = {s["id"]: len(s["items"]) for s in data["sets"]}
    assert counts == {k: v[1] for k, v in SETS.items()}
    records = validate(built_project, today=TODAY).project.records
    for s in data["sets"]:
        for item in s["items"]:
            expected = {
                Path(d.path).stem for d in records if item["id"] in d.data.get("guidance", [])
            }
            assert {i["slug"] for i in item["initiatives"]} == expected


def test_atom_feed_lists_initiatives_newest_first(built_project):
    feed = ET.fromstring((built_project / "site" / "feed.xml").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(validate(built_project, today=TODAY).project.records)
    updated = [e.find("a:updated", ns).text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.find("a:updated", ns).text == updated[0]
    # fictional examples are marked in the feed too
    docs = validate(built_project, today=TODAY).project.records
    records = {d.data["title"]: d.data for d in docs}
    for entry in entries:
        title = entry.find("a:title", ns).text
        terms = {c.get("term") for c in entry.findall("a:category", ns)}
        example = title.startswith("[Fictief voorbeeld] ")
        assert records[title.removeprefix("[Fictief voorbeeld] ")].get("example", False) == example
        assert ("fictief-voorbeeld" in terms) == example


def test_published_schema_is_valid_and_accepts_the_records(built_project):
    schema = json.loads(
        (built_project / "site" / "schema" / "initiative.schema.json").read_text(encoding="utf-8")
    )
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for doc in validate(built_project, today=TODAY).project.records:
        data = {**doc.data, "date": str(doc.data["date"])}
        assert not list(validator.iter_errors(data)), doc.path


def test_open_data_page_links_every_export_and_states_the_licence(built_site):
    page = soup(built_site, "open-data")
    text = page.get_text(" ", strip=True)
    assert "CC BY 4.0" in text
    links = {resolve("open-data/", h).rstrip("/") for h in hrefs(page)}
    for export in (
        "initiatieven.json",
        "initiatieven.csv",
        "aanbevelingen.json",
        "feed.xml",
        "schema/initiative.schema.json",
    ):
        assert export in links
        assert (built_site / export).is_file()
