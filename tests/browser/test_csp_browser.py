"""The site works under its Content-Security-Policy (render/csp.py): in Debian's Chromium, every
page type is opened and used (search typed and a result list opened, a filter chosen, the copy
button pressed, the navigation drawer opened on a narrow screen, a content tab named in the
address, the 404 page) while every `securitypolicyviolation` event is collected: there must be
none. (Redirect pages are watched the same way in test_redirects_browser.py, the web form's page,
/admin/, in test_cms_browser.py.)"""

from __future__ import annotations

import pytest
from site_pages import PAGES, open_header_search, page_params, require, watch_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(browser, site_url):
    context = browser.new_context(base_url=site_url, locale="nl-NL")
    violations = watch_violations(context)
    page = context.new_page()
    page.violations = violations
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(200)


@pytest.mark.parametrize("url", page_params())
def test_every_page_type_runs_without_a_violation(watched, built_site, url):
    require(built_site, url)
    watched.goto(url + "#__tabbed_1_1")  # the theme's tab script reads the address
    settle(watched)
    watched.mouse.wheel(0, 5000)
    for _ in range(5):
        watched.keyboard.press("Tab")
    settle(watched)
    assert watched.violations == []
    assert watched.errors == []


def test_search_filters_and_results_run_without_a_violation(watched, built_site):
    require(built_site, PAGES["browse and search"])
    watched.goto(PAGES["home"])
    open_header_search(watched, "welzijn")
    watched.goto(PAGES["browse and search"] + "?q=veiligheid")
    watched.locator('#kb-browse[data-state="ready"]').wait_for()
    watched.locator("#kb-browse-results a").first.wait_for()
    watched.locator("#kb-browse input[type=checkbox]").first.check()
    watched.locator('#kb-browse[data-state="ready"]').wait_for()
    settle(watched)
    assert watched.violations == []
    assert watched.errors == []


def test_copy_button_and_drawer_run_without_a_violation(watched, built_site):
    require(built_site, PAGES["initiative"])
    watched.goto(PAGES["initiative"])
    settle(watched)
    copy = watched.locator("button", has_text="Kopieer")
    assert copy.count() >= 1, "the page has its copy button"
    copy.first.click()
    watched.set_viewport_size({"width": 390, "height": 800})
    watched.locator("label.md-header__button[for=__drawer]").click()
    watched.locator(".md-nav--primary").first.wait_for()
    settle(watched)
    assert watched.violations == []
    assert watched.errors == []
