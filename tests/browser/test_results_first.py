"""Teachers on a phone, institutions citing (issue #10), in Debian's Chromium at 390 and 1280
pixels: results first, filters as chips, sorting, examples marked, the quality profile, citing
with the copy button, and print. Expectations come from the records themselves."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO
from playwright.sync_api import expect
from site_pages import PAGES

from kennisbank_gen.config import SiteConfig
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.cite import apa_text, of_initiative
from kennisbank_gen.render.model import build_model
from kennisbank_gen.render.profile import card_facts

pytestmark = pytest.mark.browser

SCREENS = {"phone": {"width": 390, "height": 844}, "wide": {"width": 1280, "height": 800}}
RESULT_LINKS = "#kb-browse-results a.kb-result__title"
INITIATIVE = PAGES["initiative"]


@pytest.fixture(scope="module")
def site(built_project: Path):
    return build_model(read_project(built_project))


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, site_url):
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=site_url,
        locale="nl-NL",
        viewport=SCREENS[request.param],
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    page.screen_name = request.param
    yield page
    context.close()


@pytest.fixture
def phone(browser, site_url):
    context = browser.new_context(
        base_url=site_url, locale="nl-NL", viewport=SCREENS["phone"], is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


def settled(page) -> None:
    expect(page.locator('#kb-browse[data-state="ready"]')).to_have_count(1)


def biggest_theme(site):
    return max(
        site.framework.vocabularies["themes"],
        key=lambda t: sum(t in i.themes for i in site.initiatives),
    )


def apply_filter(page, key: str, value: str) -> None:
    """As a visitor does: on a phone open "Filters (n)", tick, then "Toon ... resultaten"."""
    box = page.locator(f'#kb-browse input[name="{key}"][value="{value}"]')
    if page.screen_name == "phone":
        page.get_by_role("button", name=re.compile(r"^Filters")).click()
        expect(page.locator("#kb-facets")).to_be_visible()
        box.check()
        settled(page)
        page.locator("#kb-browse-close").click()
        expect(page.locator("#kb-facets")).to_be_hidden()
    else:
        box.check()
    settled(page)


def test_after_a_filter_the_first_result_is_visible_without_scrolling(screen, site):
    theme = biggest_theme(site)
    screen.goto("zoeken/")
    settled(screen)
    apply_filter(screen, "thema", theme.id)
    first = screen.locator(RESULT_LINKS).first
    expect(first).to_be_visible()
    if screen.screen_name == "phone":
        assert screen.evaluate("scrollY") == 0  # the dialog closed where the results are
    # (on a wide screen ticking a box low in the filter column scrolled the page to it)
    top = first.evaluate("a => a.getBoundingClientRect().bottom + scrollY")
    height = SCREENS[screen.screen_name]["height"]
    assert top <= height, f"first result ends {top} px from the top of the page"
    # the filter is shown as a chip, and counted on the button
    expect(screen.locator(".kb-chip")).to_have_count(1)
    expect(screen.locator("#kb-browse-open [data-kb-chosen-count]")).to_have_text("(1)")


def test_chips_remove_filters(screen, site):
    themes = site.framework.vocabularies["themes"]
    a, b = sorted(themes, key=lambda t: -sum(t in i.themes for i in site.initiatives))[:2]
    screen.goto(f"zoeken/?thema={a.id}&thema={b.id}")
    settled(screen)
    chips = screen.locator(".kb-chip")
    expect(chips).to_have_count(2)
    chip = screen.get_by_role("button", name=f"Filter Thema: {a.label} weghalen")
    expect(chip).to_have_text(f"Thema: {a.label}×")
    chip.click()
    settled(screen)
    expect(chips).to_have_count(1)
    expect(chips.first).to_be_focused()  # the keyboard stays among the chips
    assert parse_qs(urlsplit(screen.url).query) == {"thema": [b.id]}
    expect(screen.locator(f'#kb-browse input[value="{a.id}"]')).not_to_be_checked()
    with_b = [i for i in site.initiatives if b in i.themes]
    expect(screen.locator("#kb-browse-status")).to_have_text(
        re.compile(rf"^{len(with_b)} resultaten?$")
    )
    screen.keyboard.press("Enter")  # the chip is a button: the keyboard removes it too
    settled(screen)
    expect(chips).to_have_count(0)
    assert urlsplit(screen.url).query == ""


def test_sort_by_title_and_by_date(page, site):
    page.goto("zoeken/?type=initiatief&sort=titel")
    settled(page)
    expect(page.locator("#kb-browse-sort")).to_have_value("titel")
    titles = page.locator(RESULT_LINKS).all_inner_texts()
    expected = sorted((i.title for i in site.initiatives), key=str.casefold)
    assert titles == expected[:20]
    page.locator("#kb-browse-sort").select_option("datum")
    settled(page)
    assert "sort=datum" in page.url
    by_title = {i.title: i for i in site.initiatives}
    shown = [by_title[t] for t in page.locator(RESULT_LINKS).all_inner_texts()]
    dates = [i.date.sort_key for i in shown]  # newest first; records of one date in any order
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == site.initiatives[0].date.sort_key
    # an initiative's row is its card: the line under the title says who, when and what kind
    lines = page.locator("#kb-browse-results .kb-card .kb-meta").all_inner_texts()
    assert lines == [card_facts(i) for i in shown]


def test_examples_are_marked_in_results_and_can_be_left_out(page, site):
    examples = [i for i in site.initiatives if i.example]
    real = [i for i in site.initiatives if not i.example]
    page.goto("zoeken/?type=initiatief")
    settled(page)
    rows = page.locator("#kb-browse-results .kb-result")
    for n in range(rows.count()):
        row = rows.nth(n)
        title = row.locator(".kb-result__title").inner_text()
        record = next(i for i in site.initiatives if i.title == title)
        expect(row.locator(".kb-example-flag")).to_have_count(1 if record.example else 0)
    page.locator('#kb-browse input[name="echt"][value="ja"]').check()
    settled(page)
    expect(page.locator(RESULT_LINKS)).to_have_count(min(len(real), 20))  # the first 20
    assert set(page.locator(RESULT_LINKS).all_inner_texts()) <= {i.title for i in real}
    # the header search flags them as well
    page.locator("#kb-search-input").fill(examples[0].title)
    option = page.locator(".kb-search [role=option]").filter(has_text=examples[0].title).first
    expect(option.locator(".kb-example-flag")).to_have_text("Fictief voorbeeld")


def test_home_shows_no_examples_as_newest(page, site):
    page.goto("")
    newest = page.locator("h2#nieuwste-initiatieven + ul > li > p:first-child a")
    assert newest.all_inner_texts() == [i.title for i in site.newest(5)]
    expect(page.get_by_role("heading", name="Ik ben docent of mentor")).to_be_visible()
    expect(page.get_by_role("heading", name="Ik ben opleidingsmanager of beleidsmedewerker"))
    expect(page.get_by_role("heading", name="Ik ben redacteur")).to_be_visible()


def test_initiatives_overview_filters_in_place(phone, site):
    phone.screen_name = "phone"
    phone.goto("initiatieven/")
    settled(phone)
    expect(phone.locator("#kb-all")).to_be_visible()  # nothing chosen: every initiative
    kind = site.initiatives[0].kind
    apply_filter(phone, "soort", kind.id)
    expect(phone.locator("#kb-all")).to_be_hidden()
    expected = [i for i in site.initiatives if i.kind == kind]
    expect(phone.locator(RESULT_LINKS)).to_have_count(len(expected))
    for path in phone.locator(RESULT_LINKS).evaluate_all("ls => ls.map(a => a.pathname)"):
        assert path.startswith("/initiatieven/"), path  # only initiatives here
    assert phone.locator(RESULT_LINKS).first.bounding_box()["y"] < SCREENS["phone"]["height"]


def test_a_typo_gets_a_suggestion(page):
    page.goto("zoeken/?q=vertrouwenspesoon")
    settled(page)
    suggestion = page.locator("#kb-browse-suggest")
    expect(suggestion).to_have_text("Bedoelde je vertrouwenspersoon?")
    suggestion.get_by_role("link").click()
    expect(page.locator("#kb-browse-q")).to_have_value("vertrouwenspersoon")
    settled(page)
    expect(suggestion).to_be_hidden()
    expect(page.locator("#kb-browse-status")).to_have_text(re.compile(r"^\d+ resultaten?$"))


def test_quality_profile_at_the_top_of_the_page(screen, site):
    i = next(x for x in site.initiatives if INITIATIVE.endswith(f"/{x.slug}/"))
    screen.goto(INITIATIVE)
    profile = screen.locator("section.kb-profile")
    if screen.screen_name == "wide":
        expect(profile).to_be_in_viewport()  # at the top, not below the text
    groups = profile.locator(".kb-profile__group")
    assert groups.locator("h3").all_text_contents() == ["Beoordeling", "Kenmerken"]
    rows = profile.locator(".kb-profile__row")
    expect(rows).to_have_count(len(i.ratings))
    spoken = rows.evaluate_all(
        """els => els.map(el => [...el.children].map(part => {
            const walk = n => n.nodeType === Node.TEXT_NODE ? n.textContent
                : n.getAttribute && n.getAttribute('aria-hidden') === 'true' ? ''
                : [...n.childNodes].map(walk).join('');
            return walk(part).replace(/\\s+/g, ' ').trim();
        }))"""
    )
    for r, (term, detail) in zip(i.profile, spoken, strict=True):
        judged = r.criterion.kind == "judgement" and r.level
        assert term == r.criterion.label
        assert detail == r.short + (f" {r.level} van {r.criterion.steps}" if judged else "")
    # shape, not colour: in forced colours the filled blocks are still drawn
    screen.emulate_media(forced_colors="active")
    expect(profile.locator("svg.kb-meter").first).to_be_visible()


def test_copy_button_puts_the_citation_on_the_clipboard(browser, site_url, site):
    context = browser.new_context(base_url=site_url, locale="nl-NL")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        i = next(x for x in site.initiatives if INITIATIVE.endswith(f"/{x.slug}/"))
        page.goto(INITIATIVE)
        today = page.evaluate(
            """() => { const d = new Date();
                return d.getDate() + ' ' + ['januari','februari','maart','april','mei','juni',
                'juli','augustus','september','oktober','november','december'][d.getMonth()]
                + ' ' + d.getFullYear(); }"""
        )
        button = page.get_by_role("button", name="Kopieer bronvermelding")
        button.focus()
        page.keyboard.press("Enter")  # keyboard-operable
        status = page.locator("[data-kb-copy-status]")
        expect(status).to_have_text("Bronvermelding gekopieerd.")
        expect(status).to_have_attribute("role", "status")
        copied = page.evaluate("navigator.clipboard.readText()")
        c = of_initiative(i, SiteConfig.from_mkdocs(REPO / "mkdocs.yml"))
        assert copied == apa_text(c, today)
    finally:
        context.close()


def test_print_shows_site_name_date_and_link_addresses(page, site):
    page.goto("aanbevelingen/inspectie-2023/07/")
    page.emulate_media(media="print")
    header = page.locator(".kb-print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("Kennisbank Studentenwelzijn")
    expect(header).to_contain_text("afgedrukt op")
    expect(page.locator(".md-header")).to_be_hidden()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(page.locator(".kb-pager")).to_be_hidden()
    link = page.locator(".md-content a[data-kb-href]").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("data-kb-href") in after
    assert after.startswith('" (http')
    page.emulate_media(media="screen")
    expect(header).to_be_hidden()
