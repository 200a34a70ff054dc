"""Citations point at the real site (issue 20, point 6), in Debian's Chromium: the copy button
puts the reference on the clipboard as HTML (titles in italics) and as plain text and says so
visibly; a recommendation's page copies our summary's citation and, separately, the original's;
the BibTeX and RIS downloads carry the visitor's day (`urldate`, `Y2`)."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.bparser import BibTexParser
from conftest import REPO
from playwright.sync_api import expect

from kennisbank_gen.config import SiteConfig
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.cite import apa_text, of_initiative, of_item, original_text
from kennisbank_gen.render.model import build_model

pytestmark = pytest.mark.browser

TODAY_JS = """() => { const d = new Date();
    return [d.getDate() + ' ' + ['januari','februari','maart','april','mei','juni','juli',
        'augustus','september','oktober','november','december'][d.getMonth()] + ' '
        + d.getFullYear(), d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0')
        + '-' + String(d.getDate()).padStart(2, '0')]; }"""
CLIPBOARD = """async () => {
    const [item] = await navigator.clipboard.read();
    const read = async (type) => item.types.includes(type)
        ? await (await item.getType(type)).text() : null;
    return {html: await read('text/html'), text: await read('text/plain')};
}"""


@pytest.fixture(scope="module")
def site(built_project: Path):
    return build_model(read_project(built_project))


@pytest.fixture(scope="module")
def config():
    return SiteConfig.from_mkdocs(REPO / "mkdocs.yml")


@pytest.fixture
def clip(browser, site_url):
    context = browser.new_context(base_url=site_url, locale="nl-NL", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def test_copy_puts_html_and_text_on_the_clipboard_and_says_so_visibly(clip, site, config):
    i = next(x for x in site.initiatives if x.example)  # the marker is copied too
    clip.goto(i.url)
    today, _ = clip.evaluate(TODAY_JS)
    button = clip.get_by_role("button", name="Kopieer bronvermelding")
    button.click()
    status = clip.locator("[data-kb-copy-status]")
    expect(status).to_have_text("Bronvermelding gekopieerd.")
    expect(status).to_have_attribute("role", "status")
    box = status.bounding_box()
    assert box["width"] > 50 and box["height"] > 5  # seen, not only heard
    assert status.evaluate("el => el.checkVisibility({checkVisibilityCSS: true})")
    copied = clip.evaluate(CLIPBOARD)
    c = of_initiative(i, config)
    assert copied["text"] == apa_text(c, today)
    assert "[Fictief voorbeeld]" in copied["text"]
    assert f"<em>{i.title}</em>" in copied["html"]  # the title stays italic in a document
    assert f'href="{c.url}"' in copied["html"]


def test_a_recommendation_copies_our_summary_and_its_original_apart(clip, site, config):
    item = next(x for x in site.items.values() if x.set.source_url)
    clip.goto(item.url)
    today, _ = clip.evaluate(TODAY_JS)
    c = of_item(item, config)
    clip.get_by_role("button", name="Kopieer bronvermelding", exact=True).click()
    expect(clip.locator(".kb-cite").first.locator("[data-kb-copy-status]")).to_have_text(
        "Bronvermelding gekopieerd."
    )
    copied = clip.evaluate(CLIPBOARD)
    assert copied["text"] == apa_text(c, today)
    assert copied["text"].startswith(f"{config.site_name}. (z.d.).")
    clip.get_by_role("button", name="Kopieer bronvermelding van de publicatie").click()
    expect(clip.locator(".kb-cite").nth(1).locator("[data-kb-copy-status]")).to_have_text(
        "Bronvermelding gekopieerd."
    )
    copied = clip.evaluate(CLIPBOARD)
    assert copied["text"] == original_text(c.summary_of)
    assert f"<em>{item.set.source_title}</em>" in copied["html"]


def test_downloads_carry_the_visitors_day(clip, site):
    i = site.initiatives[0]
    clip.goto(i.url)
    _, iso = clip.evaluate(TODAY_JS)
    with clip.expect_download() as bib:
        clip.get_by_role("link", name="Download BibTeX").click()
    assert bib.value.suggested_filename == f"{i.slug}.bib"
    text = Path(bib.value.path()).read_text(encoding="utf-8")
    [entry] = bibtexparser.loads(text, BibTexParser(common_strings=False)).entries
    assert entry["urldate"] == iso
    assert entry["url"].endswith(f"/{i.url}")
    with clip.expect_download() as ris:
        clip.get_by_role("link", name="Download RIS").click()
    [record] = rispy.loads(Path(ris.value.path()).read_text(encoding="utf-8"))
    assert record["access_date"] == iso.replace("-", "/") + "/"
    assert record["title"] == i.title
