"""Policy officers compare initiatives (issue 20, point 2), in Debian's Chromium.

Filtered and searched lists keep each initiative's card with its quality profile; the overview
sorts by each judging criterion, strong to weak; recommendation and tip rows name their set;
without a query the order is newest first, a set's items from 1 up; two to four initiatives are
picked with "Vergelijk" and shown side by side on vergelijken/, with the keyboard alone, in an
address that can be shared, and in a print layout. Expectations come from the records.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import WIDE
from playwright.sync_api import expect
from site_pages import axe_violations, open_page

from kennisbank_gen.read.framework import UNKNOWN_LABEL
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.model import build_model
from kennisbank_gen.render.profile import card_facts

pytestmark = pytest.mark.browser

ROWS = "#kb-browse-results li.kb-result"
MAX_TABS = 200


@pytest.fixture(scope="module")
def site(built_project: Path):
    return build_model(read_project(built_project))


def settled(page) -> None:
    expect(page.locator('#kb-browse[data-state="ready"]')).to_have_count(1)


def compared(page) -> None:
    expect(page.locator('#kb-compare[data-state="ready"]')).to_have_count(1)


def profile_rows(locator) -> list[tuple[str, str]]:
    """(criterion, value and step) per profile row, as the page shows them."""
    return locator.locator(".kb-profile__row").evaluate_all(
        """rows => rows.map(row => [
            row.querySelector('dt').textContent.trim(),
            row.querySelector('dd').textContent.replace(/\\s+/g, ' ').trim()])"""
    )


def expected_rows(i) -> list[list[str]]:
    rows = []
    for r in i.profile:
        judged = r.criterion.kind == "judgement" and r.level
        rows.append(
            [r.criterion.label, r.short + (f" {r.level} van {r.criterion.steps}" if judged else "")]
        )
    return rows


def meters(locator) -> list[list[str]]:
    return locator.locator("svg.kb-meter").evaluate_all(
        "svgs => svgs.map(s => [...s.querySelectorAll('path')].map(p => p.getAttribute('d')))"
    )


def test_filtered_results_keep_each_card_and_its_profile(wide, site):
    theme = max(
        site.framework.vocabularies["themes"],
        key=lambda t: sum(t in i.themes for i in site.initiatives),
    )
    open_page(wide, "initiatieven/")
    settled(wide)
    cards = {
        slug: meters(wide.locator(f'#kb-all li.kb-card[data-kb-slug="{slug}"]'))
        for slug in wide.locator("#kb-all li.kb-card").evaluate_all(
            "cs => cs.map(c => c.dataset.kbSlug)"
        )
    }
    open_page(wide, f"initiatieven/?thema={theme.id}")
    settled(wide)
    rows = wide.locator(ROWS)
    expected = [i for i in site.initiatives if theme in i.themes]
    expect(rows).to_have_count(min(len(expected), 20))
    by_slug = {i.slug: i for i in site.initiatives}
    for n in range(rows.count()):
        row = rows.nth(n)
        i = by_slug[row.get_attribute("data-kb-slug")]
        assert profile_rows(row) == expected_rows(i)
        expect(row.locator(".kb-meta")).to_have_text(card_facts(i))
        if i.slug in cards:  # the same meters as the card in the overview draws
            assert meters(row) == cards[i.slug]
    assert wide.locator(f"{ROWS} svg.kb-meter").count() > 0


def test_searched_results_keep_the_profile_too(wide, site):
    i = next(x for x in site.initiatives if not x.example)
    word = max(i.title.split(), key=len)
    open_page(wide, f"initiatieven/?q={word}")
    settled(wide)
    row = wide.locator(f'{ROWS}[data-kb-slug="{i.slug}"]')
    expect(row).to_have_count(1)
    assert profile_rows(row) == expected_rows(i)


@pytest.mark.parametrize("criterion", ["evaluation", "accessibility"])
def test_the_overview_sorts_strong_to_weak(wide, site, criterion):
    c = next(x for x in site.framework.criteria if x.id == criterion)
    open_page(wide, f"initiatieven/?echt=ja&sort=niveau-{criterion}")
    settled(wide)
    expect(wide.locator("#kb-browse-sort")).to_have_value(f"niveau-{criterion}")
    expect(wide.locator("#kb-browse-sort option:checked")).to_have_text(
        f"{c.label.lower()}, sterk naar zwak"
    )
    by_slug = {i.slug: i for i in site.initiatives}
    slugs = wide.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.kbSlug)")
    real = [i for i in site.initiatives if not i.example]
    assert len(slugs) == min(len(real), 20)
    ratings = [next(r for r in by_slug[s].ratings if r.criterion is c) for s in slugs]
    keys = [(r.level, by_slug[s].date.sort_key) for r, s in zip(ratings, slugs, strict=True)]
    assert keys == sorted(keys, reverse=True)  # strong first; "Niet bekend" (0) last


def test_recommendation_and_tip_rows_name_their_set_in_set_and_number_order(wide, site):
    """Without a query: a set's items together, from 1 up (not 21 down to 1)."""
    open_page(wide, "zoeken/?type=aanbeveling")
    settled(wide)
    expect(wide.locator("#kb-browse-sort option").first).to_have_text("nieuwste eerst")
    rows = wide.locator(ROWS)
    titles = rows.locator(".kb-result__title").all_inner_texts()
    sets = rows.locator(".kb-result__set").all_inner_texts()
    assert len(sets) == len(titles) > 0
    recommendations = [x for x in site.items.values() if x.set.item_label == "aanbeveling"]
    by_title = {f"Aanbeveling {x.number}: {x.title}": x for x in recommendations}
    shown = [by_title[t] for t in titles]
    assert sets == [x.set.title for x in shown]  # "Aanbeveling 1" twice, told apart
    for gset in {x.set for x in shown}:
        numbers = [x.number for x in shown if x.set is gset]
        assert numbers == sorted(numbers) and numbers[0] == 1, gset.id


def tab_to(page, locator, limit: int = MAX_TABS) -> None:
    locator.evaluate("el => { el.dataset.kbTarget = '1'; }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.dataset?.kbTarget === '1'"):
            locator.evaluate("el => { delete el.dataset.kbTarget; }")
            return
    pytest.fail("not reached with Tab")


def test_compare_two_initiatives_with_the_keyboard_alone(wide, site):
    open_page(wide, "initiatieven/")
    settled(wide)
    picks = wide.locator("#kb-all .kb-pick input")
    expect(picks).to_have_count(min(len(site.initiatives), 50))
    first, second = site.initiatives[0], site.initiatives[2]
    for i in (first, second):
        tab_to(wide, wide.locator(f'#kb-all li[data-kb-slug="{i.slug}"] .kb-pick input'))
        wide.keyboard.press("Space")
    bar = wide.locator("#kb-compare-bar")
    expect(bar.locator("[role=status]")).to_contain_text(f"2 gekozen: {first.title}")
    assert parse_qs(urlsplit(wide.url).query)["vergelijk"] == [first.slug, second.slug]
    go = bar.get_by_role("link", name="Vergelijk 2 initiatieven")
    tab_to(wide, go)
    wide.keyboard.press("Enter")
    wide.wait_for_url("**/vergelijken/**")
    compared(wide)
    table = wide.locator("table.kb-compare__table")
    heads = table.locator("thead th a").all_inner_texts()
    assert heads == [first.title, second.title]
    for n, i in enumerate((first, second), start=2):
        column = table.locator(f"tbody tr td:nth-child({n})").all_inner_texts()
        facts = [i.kind.label, ", ".join(s.label for s in i.sectors) or "Niet bekend"]
        facts += [", ".join(i.initiators), i.date.dutch]
        values = [" ".join(v.split()) for v in column]
        assert values == [v for _, v in expected_rows(i)] + facts
    assert wide.locator("tbody th").all_inner_texts()[: len(first.profile)] == [
        r.criterion.label for r in first.profile
    ]

    shared = wide.url  # the address is the comparison: open it afresh
    other = wide.context.new_page()
    other.goto(shared)
    compared(other)
    assert other.locator("thead th a").all_inner_texts() == heads
    other.close()

    # take one out with the keyboard: one left is too few, the page says so
    tab_to(wide, wide.get_by_role("button", name=f"{first.title} weghalen uit de vergelijking"))
    wide.keyboard.press("Enter")
    compared(wide)
    expect(wide.locator(".kb-compare__status")).to_contain_text("Kies twee tot 4")
    assert parse_qs(urlsplit(wide.url).query)["vergelijk"] == [second.slug]
    assert axe_violations(wide) == []


def test_a_fact_a_page_does_not_give_is_shown_as_unknown(wide, site):
    """An initiative's page without its initiators (an older build, say): the comparison shows
    the site's word for unknown, as the page gives it (`data-kb-unknown`)."""
    first, second = site.initiatives[0], site.initiatives[1]

    def without_initiators(route) -> None:
        response = route.fetch()
        html = response.text().replace('data-kb-fact="initiators"', "")
        route.fulfill(response=response, body=html)

    wide.route(f"**/initiatieven/{first.slug}/", without_initiators)
    open_page(wide, f"vergelijken/?vergelijk={first.slug}&vergelijk={second.slug}")
    compared(wide)
    row = wide.locator("table.kb-compare__table tbody tr").filter(
        has=wide.locator("th", has_text="Initiatiefnemer")
    )
    cells = [" ".join(v.split()) for v in row.locator("td").all_inner_texts()]
    assert cells == [UNKNOWN_LABEL, ", ".join(second.initiators)]


def test_at_most_four_and_the_choice_crosses_pages(browser, paged_site_url, paged_project):
    site = build_model(read_project(paged_project))
    context = browser.new_context(base_url=paged_site_url, locale="nl-NL", viewport=WIDE)
    page = context.new_page()
    try:
        open_page(page, "initiatieven/")
        settled(page)
        page.locator(
            f'#kb-all li[data-kb-slug="{site.initiatives[0].slug}"] .kb-pick input'
        ).check()
        page.locator('nav.kb-pages a[rel="next"]').click()  # a plain link to page 2
        settled(page)
        assert parse_qs(urlsplit(page.url).query)["vergelijk"] == [site.initiatives[0].slug]
        boxes = page.locator("#kb-all .kb-pick input")
        for n in range(3):
            boxes.nth(n).check()
        expect(page.locator("#kb-compare-bar [role=status]")).to_contain_text(
            "4 gekozen: "  # three on this page, by title
        )
        expect(page.locator("#kb-compare-bar [role=status]")).to_contain_text(
            " en 1 op een andere pagina."
        )
        expect(page.locator("#kb-compare-bar [role=status]")).to_contain_text("hoogstens 4")
        expect(boxes.nth(3)).to_be_disabled()
        page.locator("#kb-compare-bar a").click()
        compared(page)
        expect(page.locator("thead th a")).to_have_count(4)
    finally:
        context.close()


def test_the_comparison_prints_whole_and_fits_a_phone(phone, site):
    slugs = [i.slug for i in site.initiatives[:4]]
    open_page(phone, "vergelijken/?" + "&".join(f"vergelijk={s}" for s in slugs))
    compared(phone)
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
    scroller = phone.locator(".kb-compare__scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # scrolls in its box
    expect(scroller).to_have_attribute("tabindex", "0")
    assert axe_violations(phone) == []
    phone.emulate_media(media="print")
    expect(phone.locator(".kb-compare__remove").first).to_be_hidden()
    expect(phone.locator(".kb-compare__print")).to_be_hidden()
    assert scroller.evaluate("el => getComputedStyle(el).overflowX") == "visible"
    expect(phone.locator("thead th a")).to_have_count(4)
    link = phone.locator("thead th a").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert site.initiatives[0].url in after  # the address printed after the title


def test_the_compare_page_without_a_choice_sends_you_to_the_list(wide):
    open_page(wide, "vergelijken/")
    compared(wide)
    expect(wide.locator(".kb-compare__status")).to_contain_text("Kies twee tot 4")
    expect(wide.get_by_role("link", name="Naar de initiatieven")).to_be_visible()
    open_page(wide, "vergelijken/?vergelijk=bestaat-niet&vergelijk=..%2Fgeheim")
    compared(wide)
    expect(wide.locator(".kb-compare__status")).to_contain_text("Niet gevonden: ‘bestaat-niet’")
