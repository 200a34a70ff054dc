"""Keyboard (issue 20, point 4), in Debian's Chromium at 1280 pixels.

- "Ga naar de resultaten" on the search page and the initiatives overview skips the filters
  (some fifty checkboxes on a wide screen) to the results;
- the table of contents comes after the content in the tab order;
- heading permalinks ("¶") are out of the tab order, still links for the pointer.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from site_pages import PAGES, open_page

pytestmark = pytest.mark.browser

MAX_TABS = 400

WHERE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {
        tag: el.tagName.toLowerCase(),
        cls: el.className || "",
        text: (el.innerText || el.value || "").trim().slice(0, 60),
        content: !!el.closest(".md-content"),
        toc: !!el.closest(".md-sidebar--secondary"),
        permalink: el.matches("a.headerlink"),
        skip: el.matches(".md-skip"),
        target: el.dataset.kbTarget === "1",
    };
}"""


@pytest.fixture
def wide(browser, site_url):
    context = browser.new_context(
        base_url=site_url, locale="nl-NL", viewport={"width": 1280, "height": 800}
    )
    yield context.new_page()
    context.close()


def tab_until(page, matches, limit: int = MAX_TABS) -> int:
    """Press Tab until `matches(focused)`; how many presses that took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(WHERE)
        if focused and matches(focused):
            return presses
    pytest.fail(f"not reached in {limit} presses of Tab")


def cycle(page) -> list[dict]:
    """Everything Tab reaches, from the top of the page until it comes round."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(WHERE)
        if focused is None:
            continue
        if seen and focused["skip"]:
            return seen
        seen.append(focused)
    pytest.fail(f"focus did not come round in {MAX_TABS} presses of Tab")


@pytest.mark.parametrize(
    ("url", "first_result"),
    [
        pytest.param("zoeken/?q=veiligheid", "#kb-browse-results a", id="search"),
        pytest.param(PAGES["initiatives overview"], "#kb-all li.kb-card a", id="overview"),
    ],
)
def test_a_skip_link_jumps_over_the_filters_to_the_results(wide, url, first_result):
    def open_results() -> None:
        open_page(wide, url)
        wide.locator('#kb-browse[data-state="ready"]').wait_for()
        result = wide.locator(first_result).first
        expect(result).to_be_visible()
        result.evaluate("el => { el.dataset.kbTarget = '1'; }")

    open_results()
    without = tab_until(wide, lambda f: f["target"])

    open_results()
    presses = tab_until(wide, lambda f: "kb-skip-results" in f["cls"], limit=20)
    skip = wide.locator(".kb-skip-results")
    expect(skip).to_be_in_viewport()  # shown while it has the focus
    expect(skip).to_have_text("Ga naar de resultaten")
    wide.keyboard.press("Enter")
    expect(wide.locator("#kb-resultaten")).to_be_focused()
    presses += 1 + tab_until(wide, lambda f: f["target"], limit=10)  # chips may come first
    assert presses < without / 2, (presses, without)


def test_the_table_of_contents_comes_after_the_content(wide):
    open_page(wide, PAGES["initiative"])
    seen = cycle(wide)
    content = [n for n, f in enumerate(seen) if f["content"]]
    toc = [n for n, f in enumerate(seen) if f["toc"]]
    assert content and toc, seen
    assert max(content) < min(toc), "a link of the table of contents comes before the content"
    expect(wide.locator(".md-sidebar--secondary")).to_be_visible()  # still on screen, right


def test_heading_permalinks_are_out_of_the_tab_order_but_still_links(wide):
    open_page(wide, PAGES["initiative"])
    seen = cycle(wide)
    assert not [f for f in seen if f["permalink"]]
    heading = wide.locator(".md-content h2[id]:has(a.headerlink)").first
    permalink = heading.locator("a.headerlink")
    expect(permalink).to_have_attribute("href", f"#{heading.get_attribute('id')}")
    heading.hover()
    expect(permalink).to_have_css("opacity", "1")  # the pointer finds it, to open or copy
