"""Browser smoke of the records a pull request changes (the content lane, `make check-content`):
each record's page opens and shows it, the overview links to it, and the search finds it by its
title; no error, no request to another host. Which records: `KENNISBANK_CHANGED_RECORDS`
(slugs, space-separated; `.ci/lanes.py records` lists a pull request's); unset (the full lane),
the records that state the most and the least."""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
from conftest import CARD_TITLES, bundled_records, fullest_record, sparsest_record
from playwright.sync_api import expect
from site_pages import overview_pages

pytestmark = pytest.mark.browser

CHANGED_ENV = "KENNISBANK_CHANGED_RECORDS"


def changed_records() -> list[str]:
    if CHANGED_ENV in os.environ:
        return os.environ[CHANGED_ENV].split()
    return sorted({fullest_record(), sparsest_record()})


def shown(text: str) -> str:
    """Text as a page shows it: runs of white space are one space."""
    return " ".join(text.split())


@pytest.fixture
def watched(page):
    """The test's page, with every console error and uncaught exception collected."""
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


@pytest.mark.parametrize("slug", changed_records())
def test_a_changed_record_has_its_page_a_place_in_the_overview_and_is_found(watched, slug):
    record = bundled_records().get(slug)
    assert record, f"{slug}: no such record in initiatives/"
    title = shown(record["title"])
    page = watched

    response = page.goto(f"initiatieven/{slug}/")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text(title)

    page.goto("initiatieven/")  # its card, on whichever page of the overview it is
    card = page.locator(CARD_TITLES).filter(has_text=title)
    next((_ for _ in overview_pages(page) if card.count()), None)  # (none: the assert says)
    paths = card.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert f"/initiatieven/{slug}/" in paths, f"{title!r} is on no page of the overview"

    page.goto(f"zoeken/?q={quote(title)}")
    expect(page.locator('#kb-browse[data-state="ready"]')).to_have_count(1)
    more = page.locator("#kb-browse-more")
    found = page.locator(f'#kb-browse-results a[href$="/initiatieven/{slug}/"]')
    while not found.count() and more.is_visible():
        before = page.locator("#kb-browse-results a").count()
        more.click()
        expect(page.locator("#kb-browse-results a")).not_to_have_count(before)
    expect(found.first).to_have_text(re.compile(re.escape(title)))

    assert page.problems == []
    assert page.offsite_requests == []
