"""Overview pages stay small (issue 19): the initiatives overview is split into pages of
`PER_PAGE` cards with real links between them (no JavaScript needed), in both orders, and its
cards are HTML with addresses the generator computes (MkDocs does not rewrite raw HTML)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import TODAY

from kennisbank_gen.check.validate import validate
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.markdown_pages import page_url
from kennisbank_gen.render.model import build_model
from kennisbank_gen.render.pages import PER_PAGE, Listing

pytestmark = pytest.mark.slow

FIRST_PAGES = {"date": "initiatieven/", "title": "initiatieven/op-titel/"}


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def walk(site: Path, first: str) -> list[tuple[str, BeautifulSoup]]:
    """The pages of one order, found as a visitor without JavaScript finds them: by following
    each page's "Volgende" link."""
    pages, url = [], first
    while url is not None:
        page = soup(site, url)
        pages.append((url, page))
        following = page.select_one('nav.kb-pages a[rel="next"]')
        url = urljoin("/" + url, following["href"]).lstrip("/") if following else None
        assert len(pages) <= 1000, "the pages link round in a circle"
    return pages


@pytest.fixture(scope="module")
def paged_site(paged_project: Path):
    return build_model(read_project(paged_project)), paged_project / "site"


@pytest.mark.parametrize("order", list(FIRST_PAGES))
def test_each_order_lists_every_initiative_once_across_linked_pages(paged_site, order):
    site, built = paged_site
    expected = (
        site.initiatives
        if order == "date"
        else sorted(site.initiatives, key=lambda i: i.title.casefold())
    )
    pages = walk(built, FIRST_PAGES[order])
    assert len(pages) == math.ceil(len(expected) / PER_PAGE) >= 3
    shown = []
    for number, (url, page) in enumerate(pages, start=1):
        cards = page.select("#kb-all li.kb-card")
        assert 0 < len(cards) <= PER_PAGE, url
        shown += [card["data-kb-slug"] for card in cards]
        current = page.select_one('nav.kb-pages [aria-current="page"]')
        assert current.get_text(" ", strip=True) == f"Pagina {number}"
        assert page.title.get_text().startswith("Initiatieven")
        assert f"pagina {number} van {len(pages)}" in page.title.get_text()  # each its own
        if number > 1:
            assert url == FIRST_PAGES[order] + f"pagina/{number}/"  # the documented address
    assert shown == [i.slug for i in expected]


def test_every_address_on_an_overview_page_resolves(paged_site):
    """Cards and pagination are raw HTML, their addresses computed by the generator: each one
    must name a page that exists in the built site."""
    _, built = paged_site
    checked = 0
    for first in FIRST_PAGES.values():
        for url, page in walk(built, first):
            for a in page.select("article a[href]"):
                target = urlsplit(urljoin("/" + url, a["href"]))
                if target.scheme or target.netloc:
                    continue
                path = target.path.lstrip("/")
                file = built / path / "index.html" if not Path(path).suffix else built / path
                assert file.is_file(), f"{url}: {a['href']} -> {path}"
                checked += 1
    assert checked > 2 * PER_PAGE


def test_cards_are_html_for_python_markdown_to_leave_alone(paged_project):
    """The overview's Markdown holds its cards as an HTML block: no Markdown list items or
    links for Python-Markdown to convert (what made the preview take seconds per overview)."""
    docs = paged_project / "build" / "docs" / "initiatieven"
    for file in (docs / "index.md", docs / "pagina/2.md", docs / "op-titel/pagina/3.md"):
        text = file.read_text(encoding="utf-8")
        listing = text[text.index('<div class="kb-all"') :]
        assert listing.count('<li class="kb-card"') > 0
        assert not re.search(r"^\s*[-*]\s|\]\(", listing, re.MULTILINE), file


def test_pagination_shows_the_first_last_and_nearby_pages():
    def numbers(number: int, count: int) -> list[int | None]:
        return Listing("initiatieven/index.md", number, count, 0, []).numbers

    assert numbers(1, 1) == [1]
    assert numbers(1, 3) == [1, 2, 3]
    assert numbers(1, 200) == [1, 2, 3, None, 200]
    assert numbers(100, 200) == [1, None, 98, 99, 100, 101, 102, None, 200]
    assert numbers(4, 200) == [1, 2, 3, 4, 5, 6, None, 200]  # no gap for one page


def test_page_addresses():
    by_date = Listing("initiatieven/index.md", 1, 3, 0, [])
    by_title = Listing("initiatieven/op-titel.md", 1, 3, 0, [])
    assert [by_date.path_of(n) for n in (1, 2)] == [
        "initiatieven/index.md",
        "initiatieven/pagina/2.md",
    ]
    assert [by_title.url_of(n) for n in (1, 3)] == [
        "initiatieven/op-titel/",
        "initiatieven/op-titel/pagina/3/",
    ]
    assert [page_url(by_title.path_of(n)) for n in (1, 3)] == [by_title.url_of(n) for n in (1, 3)]
    assert Listing.split("initiatieven/index.md", [])[0].count == 1  # no records: one page
    assert page_url("index.md") == ""


def test_a_record_cannot_take_the_address_of_the_overview_pages(project):
    source = next((project / "initiatives").glob("*.yml"))
    source.rename(project / "initiatives" / "pagina.yml")
    findings = validate(project, today=TODAY).findings
    assert any(
        f.path == "initiatives/pagina.yml" and "pagina's van het overzicht" in f.message
        for f in findings
    ), findings
