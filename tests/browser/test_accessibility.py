"""The accessibility gate (EN 301 549 / WCAG 2.2 AA), in Debian's Chromium.

- axe-core, WCAG 2.0, 2.1 and 2.2 A and AA rules (2.2: target size), on every page type, on a
  wide and a narrow screen, also with the search results, the filter dialog, the chips, the copy
  message and the navigation drawer open: zero violations;
- keyboard only: the skip link comes first and works, focus is always visible and on screen,
  every control can be reached, the navigation drawer opens and closes;
- quality badges say in text what they mean; the language is Dutch; headings are in order.

content/toegankelijkheid.md describes these tests for visitors; keep the two in step.
"""

from __future__ import annotations

import itertools

import pytest
from conftest import PHONE, WIDE
from playwright.sync_api import expect
from site_pages import (
    PAGES,
    axe_violations,
    open_header_search,
    open_page,
    page_params,
    require,
    show_search_results,
)

from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.model import build_model
from kennisbank_gen.render.pages import PER_PAGE

pytestmark = pytest.mark.browser

MAX_TABS = 400  # a guard against endless loops, far more than any page has

CONTROLS = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
        + '[tabindex]:not([tabindex="-1"])';
    return [...document.querySelectorAll(selector)]
        .filter(el => !el.disabled && !el.closest('[inert], [hidden], [aria-hidden="true"]'))
        .filter(el => el.tabIndex >= 0)  // out of the tab order on purpose: heading permalinks
        .filter(el => el.checkVisibility({checkVisibilityCSS: true}))
        .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
        .map((el, i) => { el.dataset.kbControl = String(i); return i; });
}"""

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return {
        control: el.dataset.kbControl ?? null,
        name: (el.getAttribute('aria-label') || el.innerText || el.value || el.outerHTML)
            .trim().slice(0, 60),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== 'none',
        onScreen: r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
        inMain: !!el.closest('.md-content'),
        inNavigation: !!el.closest('.md-header, .md-sidebar--primary'),
        skip: el.classList.contains('md-skip'),
    };
}"""


@pytest.fixture
def narrow(phone):
    """The narrow screen of these tests is conftest's phone."""
    return phone


def assert_no_violations(page) -> None:
    violations = axe_violations(page)
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in violations
    )
    assert violations == [], f"{page.url}\n{report}"


# --- axe-core -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", page_params())
def test_axe_no_violations(wide, built_site, url):
    require(built_site, url)
    open_page(wide, url)
    assert_no_violations(wide)


@pytest.mark.parametrize("url", page_params())
def test_axe_no_violations_on_a_narrow_screen(narrow, built_site, url):
    require(built_site, url)
    open_page(narrow, url)
    assert_no_violations(narrow)


def test_axe_no_violations_with_search_results_open(wide, built_site):
    require(built_site, PAGES["browse and search"])
    show_search_results(wide)
    assert_no_violations(wide)
    open_page(wide, PAGES["recommendation"])
    open_header_search(wide)
    assert_no_violations(wide)


@pytest.mark.parametrize("screen", ["wide", "narrow"])
def test_axe_no_violations_with_the_new_components_open(request, built_site, screen):
    """Chips and results, the filter dialog (narrow), the copy message, the header search."""
    page = request.getfixturevalue(screen)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, "zoeken/?thema=sociale-binding&sort=datum")
    page.locator('#kb-browse[data-state="ready"]').wait_for()
    expect(page.locator(".kb-chip")).to_have_count(1)
    assert_no_violations(page)
    if screen == "narrow":
        page.locator("#kb-browse-open").click()
        expect(page.locator("#kb-facets")).to_be_visible()
        assert_no_violations(page)
    open_page(page, "initiatieven/?echt=ja")
    page.locator('#kb-browse[data-state="ready"]').wait_for()
    assert_no_violations(page)
    open_page(page, PAGES["initiative"])
    page.get_by_role("button", name="Kopieer bronvermelding").click()
    expect(page.locator("[data-kb-copy-status]")).to_have_text("Bronvermelding gekopieerd.")
    assert_no_violations(page)
    open_page(page, PAGES["tip"])
    open_header_search(page)
    assert_no_violations(page)


def test_axe_no_violations_with_the_navigation_drawer_open(narrow, built_site):
    open_page(narrow, PAGES["initiative"])
    narrow.locator('.md-header label[for="__drawer"]').focus()
    narrow.keyboard.press("Enter")
    expect(narrow.locator(".md-sidebar--primary")).to_be_visible()
    assert_no_violations(narrow)


# --- language and headings --------------------------------------------------------------------


@pytest.mark.parametrize("url", page_params())
def test_language_is_dutch_and_headings_are_in_order(wide, built_site, url):
    require(built_site, url)
    open_page(wide, url)
    assert wide.evaluate("document.documentElement.lang") == "nl"
    levels = wide.evaluate(
        """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
            .filter(h => h.checkVisibility() || h.closest('.md-content'))
            .map(h => Number(h.tagName[1]))"""
    )
    assert levels.count(1) == 1, levels
    assert levels[0] == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} is followed by h{after}: {levels}"


# --- keyboard only ----------------------------------------------------------------------------


def tab_through(page) -> list[dict]:
    """Press Tab from the top of the page until focus comes back round; what got focus."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            # the browser's own UI after the last control, or the theme's back-to-top button
            # hid itself and let go of focus (Chromium's next Tab goes on from where it was)
            continue
        if seen and focused["skip"]:
            break
        seen.append(focused)
    else:
        pytest.fail(f"focus did not come round in {MAX_TABS} presses of Tab")
    return seen


@pytest.mark.parametrize("url", page_params())
def test_skip_link_comes_first_and_skips_to_the_content(wide, built_site, url):
    require(built_site, url)
    open_page(wide, url)
    wide.keyboard.press("Tab")
    skip = wide.locator(".md-skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Ga naar inhoud")
    box = skip.bounding_box()
    assert box and box["width"] > 0 and box["y"] >= 0, "the skip link is shown when focused"
    expect(skip).to_have_css("opacity", "1")  # after the theme's fade-in
    wide.keyboard.press("Enter")
    wide.keyboard.press("Tab")
    # into the content, or past it (the table of contents follows the content: a page without
    # links after its first heading), never back to the header or the navigation
    focused = wide.evaluate(FOCUSED)
    assert focused and not focused["inNavigation"], (
        "after the skip link, Tab goes on from the content"
    )


NARROW_PAGES = ["home", "initiative", "browse and search", "PDCA overview", "tip", "not found"]


@pytest.mark.parametrize(
    ("url", "screen"),
    [pytest.param(url.values[0], "wide", id=f"{url.id}-wide") for url in page_params()]
    + [
        pytest.param(url.values[0], "narrow", id=f"{url.id}-narrow")
        for url in page_params(NARROW_PAGES)
    ],
)
def test_every_control_is_reachable_with_visible_focus(request, built_site, url, screen):
    require(built_site, url)
    page = request.getfixturevalue(screen)
    open_page(page, url)
    controls = set(map(str, page.evaluate(CONTROLS)))
    seen = tab_through(page)
    for focused in seen:
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused['name']}"
        assert focused["onScreen"], f"focus went off screen, to {focused['name']}"
    reached = {f["control"] for f in seen}
    missing = page.evaluate(
        "ids => ids.map(i => document.querySelector(`[data-kb-control='${i}']`).outerHTML"
        ".slice(0, 120))",
        sorted(controls - reached),
    )
    assert missing == [], f"not reachable with Tab: {missing}"


def test_hidden_back_to_top_button_takes_no_focus(wide, built_site):
    """The theme only fades the hidden button out: hidden, it must not take focus; and when it
    hides while focused, Tab goes on from where it was."""
    open_page(wide, PAGES["tips overview"])
    top = wide.locator(".md-top")
    expect(top).to_have_attribute("hidden", "")
    top.evaluate("el => el.focus()")
    expect(top).not_to_be_focused()
    wide.mouse.wheel(0, 600)
    wide.mouse.wheel(0, -100)  # scrolling back up shows it, and then it can take focus
    expect(top).not_to_have_attribute("hidden", "")
    top.evaluate("el => el.focus()")
    expect(top).to_be_focused()
    wide.mouse.wheel(0, 100)  # scrolling down hides it again and the theme lets go of focus
    expect(top).not_to_be_focused()
    wide.keyboard.press("Tab")  # Tab goes on from the button, to the footer, not back to the top
    assert wide.evaluate("!!document.activeElement.closest('.md-footer')")


def test_navigation_drawer_opens_and_closes_with_the_keyboard(narrow):
    open_page(narrow, PAGES["initiative"])
    button = narrow.locator('.md-header label[for="__drawer"]')
    narrow.keyboard.press("Tab")  # the skip link
    narrow.keyboard.press("Tab")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("role", "button")
    expect(button).to_have_accessible_name("Navigatie")
    expect(button).to_have_attribute("aria-expanded", "false")
    narrow.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    focused = narrow.locator(":focus")
    expect(focused).to_be_in_viewport()  # focus moved into the drawer, once it has slid in
    assert narrow.evaluate(FOCUSED)["name"]
    expect(narrow.locator(".md-sidebar--primary a.md-nav__link").first).to_be_in_viewport()
    narrow.keyboard.press("Escape")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    narrow.keyboard.press(" ")
    expect(button).to_have_attribute("aria-expanded", "true")


# --- quality badges ---------------------------------------------------------------------------


def text_for_screen_readers(locator) -> list[str]:
    """The text of each element as assistive technology gets it: aria-hidden parts left out."""
    return locator.evaluate_all(
        """els => els.map(el => {
            const walk = node => node.nodeType === Node.TEXT_NODE ? node.textContent
                : node.nodeType !== Node.ELEMENT_NODE || node.getAttribute('aria-hidden') === 'true'
                ? '' : [...node.childNodes].map(walk).join('');
            return walk(el).replace(/\\s+/g, ' ').trim();
        })"""
    )


def test_quality_profile_is_text_not_colour_or_icon(wide, built_project):
    site = build_model(read_project(built_project))
    open_page(wide, PAGES["initiatives overview"])
    assert wide.locator(".kb-profile svg:not([aria-hidden='true'])").count() == 0
    cards = wide.locator("#kb-all .kb-profile--card")
    expect(cards).to_have_count(min(len(site.initiatives), PER_PAGE))
    for n, initiative in enumerate(site.initiatives[:PER_PAGE]):
        rows = cards.nth(n).locator(".kb-profile__row")
        terms = text_for_screen_readers(rows.locator("dt"))
        details = text_for_screen_readers(rows.locator("dd"))
        expected = []
        for rating in initiative.profile:
            c = rating.criterion
            judged = rating.level and c.kind == "judgement"
            rank = f" {rating.level} van {c.steps}" if judged else ""
            expected.append((c.label, rating.short + rank))
        assert list(zip(terms, details, strict=True)) == expected

    initiative = next(i for i in site.initiatives if PAGES["initiative"].endswith(f"/{i.slug}/"))
    open_page(wide, PAGES["initiative"])
    assert wide.locator(".md-content svg:not([aria-hidden='true'])").count() == 0
    # each value (dd) with its criterion (the dt before it: a criterion may have several values)
    items = wide.locator("h2#kwaliteitskader + dl :is(dt, dd)")
    tags = items.evaluate_all("els => els.map(el => el.tagName)")
    pairs, term = [], None
    for tag, text in zip(tags, text_for_screen_readers(items), strict=True):
        if tag == "DT":
            term = text
        else:
            pairs.append((term, text))
    for rating in initiative.ratings:
        label = rating.criterion.label
        label += "" if rating.criterion.kind == "judgement" else " (kenmerk)"
        for value in rating.values:
            assert any(t == label and d.startswith(value.label) for t, d in pairs), pairs


def test_accessibility_statement_describes_these_tests(built_project):
    """content/toegankelijkheid.md tells visitors what is tested; it names what these tests do."""
    statement = (built_project / "content" / "toegankelijkheid.md").read_text(encoding="utf-8")
    text = " ".join(statement.split())
    for words in (
        "WCAG 2.2",
        "EN 301 549",
        "axe-core",
        "WCAG 2.0, 2.1 en 2.2, niveau A en AA",
        f"{WIDE['width']} pixels",
        f"{PHONE['width']} pixels",
        "Ga naar inhoud",
        "Chromium",
        "Escape",
        'lang="nl"',
        "één hoofdkop",
        "geen cookies",
    ):
        assert words in text, words
