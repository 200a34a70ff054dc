"""The layout holds at every width (issue 20, point 3), in Debian's Chromium.

The overflow sweep: every page type at 1280, 1024, 768 and 390 pixels, measured, not looked at:
the page is never wider than the window (`scrollWidth <= innerWidth`: nothing cut off that
cannot be scrolled to), and no element of the main column reaches into a sidebar that is shown
(the table of contents on the right, the navigation on the left), counting only the part of an
element that its scrolling containers leave visible. And on a phone an initiative's page shows
what it is (title, summary) before how it is judged (the profile).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PHONE
from site_pages import PAGES, open_page, require

from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.model import build_model

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1024, 768, 390)
HEIGHT = 800
#: page types that need more records than the bundled content has: on the paged project
PAGED = {"initiatives page 2": "initiatieven/pagina/2/"}
#: pages with a choice of initiatives to compare (the first records of the bundled content)
CHOSEN = {
    "compare four initiatives": ("vergelijken/", 4),
    "overview with a choice": ("initiatieven/", 2),
}

LAYOUT = """() => {
    const shown = (el) => {
        const r = el.getBoundingClientRect();
        const box = {left: r.left, right: r.right};
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== "visible") {
                const c = a.getBoundingClientRect();
                box.left = Math.max(box.left, c.left);
                box.right = Math.min(box.right, c.right);
            }
        }
        return box;
    };
    const sidebars = [...document.querySelectorAll(".md-sidebar")]
        .filter((s) => s.checkVisibility({checkVisibilityCSS: true}))
        .map((s) => ({name: s.dataset.mdType, rect: s.getBoundingClientRect()}))
        .filter((s) => s.rect.width > 0);
    const overlaps = [];
    for (const el of document.querySelectorAll(".md-content *")) {
        if (!el.checkVisibility({checkVisibilityCSS: true})) continue;
        const r = el.getBoundingClientRect();
        if (r.width <= 1 || r.height <= 1) continue;  // visually hidden text for screen readers
        const box = shown(el);
        if (box.right <= box.left) continue;
        for (const s of sidebars) {
            if (box.right > s.rect.left + 0.5 && box.left < s.rect.right - 0.5) {
                overlaps.push(`<${el.tagName.toLowerCase()} class="${el.className}"> `
                    + `${Math.round(box.left)}-${Math.round(box.right)} px over the ${s.name} `
                    + `${Math.round(s.rect.left)}-${Math.round(s.rect.right)} px`);
            }
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth, overlaps};
}"""


@pytest.fixture(scope="module")
def screens(browser, site_url, paged_site_url):
    """One browser page per (site, width), kept for the module: the sweep opens many pages."""
    contexts, pages = [], {}
    for name, base in (("bundled", site_url), ("paged", paged_site_url)):
        for width in WIDTHS:
            phone = width < 500
            context = browser.new_context(
                base_url=base,
                locale="nl-NL",
                viewport={"width": width, "height": HEIGHT},
                is_mobile=phone,
                has_touch=phone,
            )
            contexts.append(context)
            pages[name, width] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


SWEEP = [(name, url, "bundled", 0) for name, url in PAGES.items()]
SWEEP += [(name, url, "paged", 0) for name, url in PAGED.items()]
SWEEP += [(name, url, "bundled", chosen) for name, (url, chosen) in CHOSEN.items()]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("url", "site", "chosen"), [pytest.param(u, s, c, id=n) for n, u, s, c in SWEEP]
)
def test_nothing_is_wider_than_the_window_or_under_a_sidebar(
    screens, built_project, paged_project, url, site, chosen, width
):
    require(built_project / "site" if site == "bundled" else paged_project / "site", url)
    page = screens[site, width]
    if chosen:
        records = build_model(read_project(built_project)).initiatives[:chosen]
        open_page(page, url + "?" + "&".join(f"vergelijk={i.slug}" for i in records))
        page.locator("#kb-compare-bar, #kb-compare[data-state='ready']").first.wait_for()
    else:
        open_page(page, url)
    measured = page.evaluate(LAYOUT)
    assert measured["scrollWidth"] <= measured["innerWidth"], (
        f"{url} is {measured['scrollWidth']} px wide in a {width} px window"
    )
    assert measured["overlaps"] == [], "\n".join(measured["overlaps"][:10])


def test_on_a_phone_an_initiative_shows_title_and_summary_before_its_profile(
    phone, built_project: Path
):
    site = build_model(read_project(built_project))
    for i in site.initiatives:
        open_page(phone, i.url)
        title = phone.locator("article h1").bounding_box()
        summary = phone.locator("article .kb-lead")
        profile = phone.locator("section.kb-profile").bounding_box()
        assert summary.inner_text().split() == i.summary.split()  # line breaks are spaces
        box = summary.bounding_box()
        assert title["y"] < box["y"] < profile["y"], i.slug
        assert box["y"] + min(box["height"], 60) <= PHONE["height"], (
            f"{i.slug}: the summary starts at y={box['y']:.0f} of {PHONE['height']}"
        )


def test_on_a_phone_a_code_block_wraps_instead_of_scrolling(phone, built_project: Path):
    """A long line in a record's code block: a block that scrolled sideways would be a scrollable
    region out of the keyboard's reach (axe's scrollable-region-focusable)."""
    i = build_model(read_project(built_project)).initiatives[0]
    open_page(phone, i.url)
    block = phone.evaluate(
        """() => {
            const pre = document.createElement('pre');
            pre.appendChild(document.createElement('code')).textContent =
                'een_heel_lange_regel_zonder_spaties_'.repeat(20) + ' en nog ' + 'x'.repeat(300);
            document.querySelector('article').appendChild(pre);
            const code = pre.firstChild;
            return {scroll: code.scrollWidth, client: code.clientWidth, pre: pre.scrollWidth,
                    preClient: pre.clientWidth};
        }"""
    )
    assert block["scroll"] <= block["client"] and block["pre"] <= block["preClient"], block
