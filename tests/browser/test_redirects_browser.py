"""Former addresses keep working: a record's `previous_urls` (the live site's addresses) and
`previous_slugs` become redirect pages that Chromium follows to the record, under the site's
Content-Security-Policy without a violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_EXAMPLE, TODAY, copy_fixture_project, serve_directory
from playwright.sync_api import expect
from site_pages import watch_violations

from kennisbank_gen.publish import build

pytestmark = pytest.mark.browser

SLUG = FIXTURE_EXAMPLE  # a record of the tests' own project
OLD = ["/onderzoek/eenzaamheid-mbo-studenten/", "/handreiking-tips/eenzaamheid/"]


@pytest.mark.slow
def test_previous_urls_redirect_to_the_record(browser, tmp_path: Path):
    project = copy_fixture_project(tmp_path / "project")
    record = project / "initiatives" / f"{SLUG}.yml"
    text = record.read_text(encoding="utf-8").rstrip("\n")
    record.write_text(text + "\nprevious_urls:\n" + "".join(f"  - {u}\n" for u in OLD))
    build(project, today=TODAY)
    server, url = serve_directory(project / "site")
    context = browser.new_context(base_url=url, locale="nl-NL")
    violations = watch_violations(context)
    page = context.new_page()
    try:
        for old in OLD:
            page.goto(old.lstrip("/"))
            page.wait_for_url(f"**/initiatieven/{SLUG}/")
            expect(page.locator("h1")).to_have_count(1)
            assert page.url == f"{url}initiatieven/{SLUG}/"
        assert violations == []
    finally:
        context.close()
        server.shutdown()
