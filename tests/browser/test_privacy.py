"""The privacy gate: visiting the site tells nobody else about it, and leaves nothing behind.

In Debian's Chromium, every page type is loaded, scrolled and used (search typed, results
opened): no request leaves the site's origin (no web fonts, no CDN, no analytics, no API calls),
and no cookie, local or session storage, IndexedDB database, cache or service worker is set.
A static check over every built HTML and CSS file backs this up for pages the browser test does
not visit.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from site_pages import PAGES, open_header_search, open_page, page_params, require

pytestmark = pytest.mark.browser

#: storage a visit leaves behind, in every place a browser keeps it
STORAGE = """async () => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    cookie: document.cookie,
    indexedDB: (await indexedDB.databases()).map(db => db.name),
    caches: 'caches' in window ? await caches.keys() : [],
    serviceWorkers: navigator.serviceWorker
        ? (await navigator.serviceWorker.getRegistrations()).length : 0,
})"""
NOTHING_STORED = {
    "local": [],
    "session": [],
    "cookie": "",
    "indexedDB": [],
    "caches": [],
    "serviceWorkers": 0,
}


@pytest.fixture
def visit(browser, site_url):
    """A fresh browser profile that records every request it makes."""
    context = browser.new_context(base_url=site_url, locale="nl-NL")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.requests = requests
    yield page
    context.close()


def offsite(page, site_url: str) -> list[str]:
    origin = urlsplit(site_url)._replace(path="", query="", fragment="").geturl()
    return [url for url in page.requests if not url.startswith((origin + "/", "data:", "blob:"))]


def use(page) -> None:
    """What a visitor does: scroll to the end, move through the page with the keyboard."""
    page.mouse.wheel(0, 20_000)
    for _ in range(5):
        page.keyboard.press("Tab")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("url", page_params())
def test_page_makes_no_request_elsewhere_and_stores_nothing(visit, site_url, built_site, url):
    require(built_site, url)
    open_page(visit, url)
    use(visit)
    assert len(visit.requests) > 1, "the test saw the page load its own assets"
    assert offsite(visit, site_url) == []
    assert visit.evaluate(STORAGE) == NOTHING_STORED
    assert visit.context.cookies() == []


def test_searching_makes_no_request_elsewhere_and_stores_nothing(visit, site_url, built_site):
    require(built_site, PAGES["browse and search"])
    open_page(visit, PAGES["home"])
    open_header_search(visit, "welzijn")
    visit.keyboard.press("ArrowDown")
    with visit.expect_navigation():
        visit.keyboard.press("Enter")  # open the first result
    visit.wait_for_load_state("networkidle")
    open_page(visit, PAGES["browse and search"] + "?q=veiligheid")
    visit.locator('#kb-browse[data-state="ready"]').wait_for()
    visit.locator("#kb-browse input[type=checkbox]").first.check()
    visit.locator('#kb-browse[data-state="ready"]').wait_for()
    use(visit)
    assert any("/pagefind/" in url for url in visit.requests), "the search index was used"
    assert offsite(visit, site_url) == []
    assert visit.evaluate(STORAGE) == NOTHING_STORED
    assert visit.context.cookies() == []


def test_no_cookie_is_ever_offered(built_site):
    """No page sets a cookie from script or asks to via <meta http-equiv>."""
    for file in built_site.rglob("*"):
        if file.suffix in (".html", ".js") and file.is_file():
            text = file.read_text(encoding="utf-8", errors="replace")
            assert "set-cookie" not in text.lower(), file
            if file.suffix == ".html":
                assert "document.cookie" not in text, file


# --- static: nothing in the built site points a browser elsewhere ----------------------------

#: attributes that make a browser fetch something on its own (links only on a click)
FETCHING = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "iframe": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "track": ["src"],
    "input": ["src"],
}
FETCHING_LINKS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch",
                  "modulepreload", "manifest", "apple-touch-icon", "mask-icon"}  # fmt: skip


def is_elsewhere(url: str) -> bool:
    url = url.strip()
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


class _Fetches(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elsewhere: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        names = list(FETCHING.get(tag, []))
        if tag == "link" and FETCHING_LINKS & set((attrs.get("rel") or "").lower().split()):
            names.append("href")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            names.append("content")
        for name in names:
            for url in re.split(r",\s*", attrs.get(name) or ""):
                target = url.split()[0] if url.split() else ""
                if name == "content":
                    target = target.partition("url=")[2]
                if is_elsewhere(target):
                    self.elsewhere.append(f"<{tag} {name}={url!r}>")
        if "style" in attrs and re.search(r"url\(\s*['\"]?(?:[a-z]+:)?//", attrs["style"], re.I):
            self.elsewhere.append(f"<{tag} style=...url(//...)>")


def test_no_built_page_loads_anything_from_elsewhere(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        parser = _Fetches()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.elsewhere == [], page


def test_no_stylesheet_loads_fonts_or_images_from_elsewhere(built_site: Path):
    sheets = sorted(built_site.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8", errors="replace")
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
            r"@import\s+['\"]([^'\"]+)", text
        )
        assert [u for u in urls if is_elsewhere(u)] == [], sheet
