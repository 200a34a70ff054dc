"""One page of every type, for the accessibility and privacy gates; and axe-core.

A page type whose page is missing from the built site is skipped with a reason (not silently
left out), so a page that disappears is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from conftest import fullest_record, sparsest_record

AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

#: page type -> URL path in the built site (of the records, generated ones included: the one
#: that states the most, with links, guidance and every kind of field, and the one that states
#: the least, its criteria "Niet bekend")
PAGES = {
    "home": "",
    "initiatives overview": "initiatieven/",
    "initiatives by title": "initiatieven/op-titel/",
    "initiative": f"initiatieven/{fullest_record()}/",
    "initiative stating little": f"initiatieven/{sparsest_record()}/",
    "browse and search": "zoeken/",
    "compare": "vergelijken/",
    "guidance overview": "aanbevelingen-en-tips/",
    "recommendation": "aanbevelingen/inspectie-2023/07/",
    "PDCA overview": "aanbevelingen/inspectie-2023/",
    "tip": "tips/inholland-docenten/04/",
    "tips overview": "tips/inholland-docenten/",
    "framework": "kwaliteitskader/",
    "open data": "open-data/",
    "about": "over/",
    "contribute": "bijdragen/",
    "accessibility statement": "toegankelijkheid/",
    "not found": "404.html",
}


def page_params(names=None):
    return [pytest.param(PAGES[n], id=n) for n in (names or PAGES)]


def require(built_site: Path, url: str) -> None:
    """Skip, with the reason, when the built site has no such page."""
    file = built_site / url if url.endswith(".html") else built_site / url / "index.html"
    if not file.is_file():
        pytest.skip(f"the built site has no page {url or '/'} ({file.name} missing)")


#: the page's own scripts are done: every browse form and comparison says it is ready
READY = """() => [...document.querySelectorAll('#kb-browse, #kb-compare')]
    .every(el => el.dataset.state === 'ready')"""


def open_page(page, url: str) -> None:
    """Open `url` and wait until it is loaded and its scripts have drawn what they draw (the
    browse form's results and facets, a comparison): what a visitor sees once it has settled.
    Not `networkidle`, which waits half a second after the last request on every page (the
    security tests, which must see every request, still wait for it)."""
    page.goto(url)
    page.wait_for_function(READY)


def overview_pages(page) -> Iterator[None]:
    """The paged overview open in `page`, then each next page of it, through its page links
    (real links: they work without JavaScript); the caller reads `page` at each step, and may
    stop early."""
    while True:
        yield
        following = page.locator('.kb-pages a[rel="next"]')
        if not following.count():
            return
        following.click()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now. (Evaluated through
    DevTools, to which the page's Content-Security-Policy does not apply; a script tag would be
    blocked by it, as any inline script is.)"""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}));
        }""",
        AXE_TAGS,
    )
    return violations


def show_search_results(page) -> None:
    """The browse page with a query: results listed and facet counts shown."""
    page.goto("zoeken/?q=veiligheid")
    page.locator('#kb-browse[data-state="ready"]').wait_for()
    page.locator("#kb-browse-results a").first.wait_for()


def open_header_search(page, query: str = "veiligheid") -> None:
    """The search box in the header with its result list open."""
    page.locator("#kb-search-input").focus()
    page.keyboard.type(query)
    page.locator(".kb-search [role=option]").first.wait_for()


#: every Content-Security-Policy violation in every frame, reported to the test (the listener
#: is added by the browser, not by the page: the policy does not apply to it)
WATCH_VIOLATIONS = """document.addEventListener('securitypolicyviolation', e => window.kbViolation(
    [e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample].join(' | ')));"""


def watch_violations(context) -> list[str]:
    """The list every page of `context` adds its policy violations to, from now on."""
    violations: list[str] = []
    context.expose_binding("kbViolation", lambda source, text: violations.append(text))
    context.add_init_script(WATCH_VIOLATIONS)
    return violations
