"""Search and faceted browsing in a real browser (Debian's Chromium via Playwright).

The built bundled site is served on 127.0.0.1; expectations come from the records themselves.
Waits are guards against hangs (Playwright's timeouts), never assertions on time.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import CARD_TITLES, TODAY, copy_project, serve_directory
from playwright.sync_api import expect
from site_pages import overview_pages
from test_search import add_criterion

from kennisbank_gen.publish import build
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render import search, search_words
from kennisbank_gen.render.model import build_model

pytestmark = pytest.mark.browser

OPTION = ".kb-search [role=option]"
RESULT_LINKS = "#kb-browse-results a"


@pytest.fixture(scope="module")
def site(built_project: Path):
    return build_model(read_project(built_project))


def header_search(page, query: str) -> None:
    page.keyboard.press("/")
    expect(page.locator("#kb-search-input")).to_be_focused()
    page.keyboard.type(query)
    expect(page.locator(".kb-search__summary")).to_contain_text(query)


def option_titles(page) -> list[str]:
    return page.locator(f"{OPTION} .kb-result__title").all_inner_texts()


def path_of(url: str) -> str:
    return urlsplit(url).path


def result_paths(page) -> set[str]:
    """The paths of every result, all of them shown first ("Meer resultaten")."""
    show_all_results(page)
    return shown_paths(page)


def shown_paths(page) -> set[str]:
    """The paths of the results shown."""
    return {
        path_of(href)
        for href in page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)")
    }


def show_all_results(page) -> None:
    more = page.locator("#kb-browse-more")
    while more.is_visible():
        before = page.locator(RESULT_LINKS).count()
        more.click()
        expect(page.locator(RESULT_LINKS)).not_to_have_count(before)


def expect_count(page, key: str, value: str, count: int) -> None:
    """The facet value's label shows `count`: waits until it does (the counts are filled in
    after the page; a read can come before them, under load)."""
    label = page.locator(f'label[for="{box(page, key, value).get_attribute("id")}"] [data-count]')
    expect(label).to_have_text(f"({count})")


def box(page, key: str, value: str):
    return page.locator(f'#kb-browse input[name="{key}"][value="{value}"]')


def settled(page) -> None:
    """Wait until the browse page has shown the counts and results of the latest choice."""
    expect(page.locator('#kb-browse[data-state="ready"]')).to_have_count(1)


def wait_for_browse(page, expected: int) -> None:
    settled(page)
    status = page.locator("#kb-browse-status")
    if expected:
        expect(status).to_have_text(re.compile(rf"^{expected} resultaten?$"))
        expect(page.locator(RESULT_LINKS)).to_have_count(min(expected, 20))
    else:
        expect(status).to_contain_text("Geen resultaten")


def test_dutch_inflected_query_finds_the_recommendation(page, site):
    """'vertrouwenspersonen' (plural) finds the recommendation that says 'vertrouwenspersoon'."""
    item = next(
        i
        for i in site.items.values()
        if re.search(r"\bvertrouwenspersoon\b", i.summary)
        and "vertrouwenspersonen" not in i.summary
    )
    page.goto("kwaliteitskader/")
    header_search(page, "vertrouwenspersonen")
    option = page.locator(OPTION).filter(
        has_text=f"{item.set.item_label.capitalize()} {item.number}:"
    )
    expect(option).to_have_count(1)
    expect(option.locator(".kb-result__type")).to_have_text("Aanbeveling")
    expect(option.locator(".kb-result__excerpt mark")).to_contain_text(["vertrouwenspersoon"])
    assert page.offsite_requests == []


def indexed_text(file: Path) -> str:
    """The text Pagefind indexes of a page, lowercase: its body without the ignored parts and
    without the hidden search block (metadata)."""
    body = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser").select_one(
        "[data-pagefind-body]"
    )
    for hidden in body.select(".kb-search-data, [data-pagefind-ignore]"):
        hidden.decompose()
    return body.get_text(" ").lower()


def test_dutch_stemming_finds_a_page_that_never_has_the_query_word(page, site, built_project):
    """Stemming, not prefix or substring matching: 'vertrouwenspersonen' finds the pages whose
    indexed text says only 'vertrouwenspersoon', and marks that word in the excerpt (a page may
    also be found by its theme's search terms, which the excerpt never shows). Guards the choice
    of `pagefind[bin]` (the standard binary) over `pagefind[extended]`, which adds only Chinese
    and Japanese."""
    site_dir = built_project / "site"
    only_singular = [
        p.url
        for p in [*site.initiatives, *site.items.values()]
        if "vertrouwenspersoon" in (text := indexed_text(site_dir / p.url / "index.html"))
        and "vertrouwenspersonen" not in text
    ]
    assert only_singular, "the bundled content has such a page"
    page.goto("zoeken/?q=vertrouwenspersonen")
    settled(page)
    show_all_results(page)
    for url in only_singular:
        row = page.locator("#kb-browse-results li").filter(has=page.locator(f'a[href$="/{url}"]'))
        expect(row).to_have_count(1)
        expect(row.locator(".kb-result__excerpt mark").first).to_contain_text(
            re.compile("vertrouwenspersoon", re.IGNORECASE)
        )


def _word_of_its_own(site):
    """(initiative, word): an initiative that guidance pages list (a mention in passing), and a
    word of its title that no other initiative or guidance item has in its title or summary."""
    texts = [f"{i.title} {i.summary}" for i in site.initiatives]
    texts += [f"{item.title} {item.summary}" for item in site.items.values()]
    for initiative in site.initiatives:
        if len(initiative.guidance) < 2:
            continue
        for word in re.findall(r"\b[a-z]{6,}\b", initiative.title.casefold()):
            stem = word[:6]  # (Dutch stemming: other forms of the word count too)
            if sum(stem in text.casefold() for text in texts) == 1:
                return initiative, word
    pytest.skip("no initiative listed by guidance pages has a title word of its own")


def test_ranking_titles_and_summaries_before_passing_mentions(page, site):
    # guidance pages mention this initiative's title in passing (their list of initiatives);
    # the initiative itself, with the word in its title and summary, comes first
    initiative, word = _word_of_its_own(site)
    page.goto("")
    header_search(page, word)
    titles = option_titles(page)
    assert titles[0] == initiative.title
    assert len(titles) > 1
    # a guidance title beats pages that only list it
    item = site.items["inspectie-2023/18"]
    page.locator("#kb-search-input").fill("")
    header_search(page, "kennisdeling")
    assert option_titles(page)[0] == f"Aanbeveling {item.number}: {item.title}"


def test_header_search_keyboard_only(page, site):
    page.goto("initiatieven/")
    page.keyboard.press("s")  # as in Material: s or / focuses the search
    search_box = page.locator("#kb-search-input")
    expect(search_box).to_be_focused()
    page.keyboard.type("mentoren")
    expect(page.locator(OPTION).first).to_be_visible()
    expect(search_box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")
    second = page.locator(OPTION).nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(search_box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(page.locator(f'{OPTION}[aria-selected="true"]')).to_have_count(1)
    target = second.get_attribute("data-href")
    page.keyboard.press("Escape")  # closes the list, keeps the text
    expect(page.locator(".kb-search__panel")).to_be_hidden()
    expect(search_box).to_have_attribute("aria-expanded", "false")
    expect(search_box).to_have_value("mentoren")
    page.keyboard.press("ArrowDown")  # reopens
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    assert page.offsite_requests == []


def test_header_search_tab_reaches_all_results_and_escape_returns(page):
    page.goto("over/")
    header_search(page, "mentoren")
    page.keyboard.press("Tab")
    all_results = page.get_by_role("link", name="Alle resultaten en filters")
    expect(all_results).to_be_focused()
    expect(page.locator(".kb-search__panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#kb-search-input")).to_be_focused()
    expect(page.locator(".kb-search__panel")).to_be_hidden()
    page.keyboard.press("Escape")  # a second Escape empties the field
    expect(page.locator("#kb-search-input")).to_have_value("")
    page.keyboard.type("kennisdeling")
    expect(page.locator(".kb-search__summary")).to_contain_text("kennisdeling")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/zoeken/\?q=kennisdeling$"))


def test_header_search_enter_without_choice_opens_the_browse_page(page):
    page.goto("over/")
    header_search(page, "mentoren")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/zoeken/\?q=mentoren$"))
    expect(page.locator("#kb-browse-q")).to_have_value("mentoren")
    expect(page.locator("#kb-browse-status")).to_have_text(re.compile(r"^\d+ resultaten?$"))


def test_facet_narrows_the_initiatives_and_counts_match_the_records(page, site):
    theme = max(
        site.framework.vocabularies["themes"],
        key=lambda t: sum(t in i.themes for i in site.initiatives),
    )
    with_theme = [i for i in site.initiatives if theme in i.themes]
    page.goto("zoeken/")
    settled(page)
    expect(page.locator("#kb-browse-status")).to_have_text("Typ een zoekwoord of kies een filter.")
    expect_count(page, "thema", theme.id, len(with_theme))
    for kind in site.framework.vocabularies["kinds"]:
        expect_count(page, "soort", kind.id, sum(i.kind == kind for i in site.initiatives))
    for c in site.framework.criteria:
        for v in c.values:
            expect_count(page, c.id, v.id, site.count_with(c.id, v.id))

    box(page, "thema", theme.id).check()
    wait_for_browse(page, len(with_theme))
    assert result_paths(page) == {f"/{i.url}" for i in with_theme}
    assert parse_qs(urlsplit(page.url).query) == {"thema": [theme.id]}
    # the other facets now count within the theme
    for sector in site.framework.vocabularies["sectors"]:
        expected = sum(sector in i.sectors for i in with_theme)
        expect_count(page, "sector", sector.id, expected)
    # the chosen facet keeps counting as if it were not chosen: its values are alternatives
    expect_count(page, "thema", theme.id, len(with_theme))
    assert page.offsite_requests == []


def test_filters_combine_and_clear(page, site):
    themes = site.framework.vocabularies["themes"]
    a, b = sorted(themes, key=lambda t: -sum(t in i.themes for i in site.initiatives))[:2]
    sector = site.framework.vocabularies["sectors"][0]
    page.goto("zoeken/")
    box(page, "thema", a.id).check()
    box(page, "thema", b.id).check()
    either = [i for i in site.initiatives if a in i.themes or b in i.themes]
    wait_for_browse(page, len(either))  # values within one facet: any of them
    box(page, "sector", sector.id).check()
    both = [i for i in either if sector in i.sectors]
    wait_for_browse(page, len(both))  # facets together: all of them
    assert result_paths(page) == {f"/{i.url}" for i in both}
    chosen = parse_qs(urlsplit(page.url).query)
    assert chosen.keys() == {"thema", "sector"}
    assert sorted(chosen["thema"]) == sorted([a.id, b.id]) and chosen["sector"] == [sector.id]

    page.get_by_role("button", name="Filters wissen").click()
    settled(page)
    expect(page.locator("#kb-browse-status")).to_have_text("Typ een zoekwoord of kies een filter.")
    expect(page.locator("#kb-browse input:checked")).to_have_count(0)
    expect(page.locator(RESULT_LINKS)).to_have_count(0)
    assert urlsplit(page.url).query == ""


def test_guidance_facets_set_and_pdca_phase(page, site):
    gset = next(s for s in site.guidance_sets if any(g.cycle for g in s.groups))
    phase = next(g for g in gset.groups if g.cycle)
    page.goto("zoeken/")
    settled(page)
    expect_count(page, "set", gset.id, len(gset.items))
    box(page, "fase", phase.id).check()
    wait_for_browse(page, len(phase.items))
    assert result_paths(page) == {f"/{item.url}" for item in phase.items}


def test_shared_url_restores_the_view(page, site):
    theme = site.framework.vocabularies["themes"][1]
    sector = site.framework.vocabularies["sectors"][1]
    expected = [i for i in site.initiatives if theme in i.themes and sector in i.sectors]
    assert expected, "pick a theme and sector that some records share"
    page.goto(f"zoeken/?thema={theme.id}&sector={sector.id}")
    wait_for_browse(page, len(expected))
    expect(box(page, "thema", theme.id)).to_be_checked()
    expect(box(page, "sector", sector.id)).to_be_checked()
    expect(page.locator("#kb-browse input:checked")).to_have_count(2)
    assert result_paths(page) == {f"/{i.url}" for i in expected}

    page.goto("zoeken/?q=vertrouwenspersonen&type=aanbeveling")
    expect(page.locator("#kb-browse-q")).to_have_value("vertrouwenspersonen")
    expect(box(page, "type", "aanbeveling")).to_be_checked()
    settled(page)
    expect(page.locator("#kb-browse-status")).to_have_text(re.compile(r"^\d+ resultaten?$"))
    for path in result_paths(page):
        assert path.startswith("/aanbevelingen/"), path
    assert page.offsite_requests == []


def test_facets_keyboard_only(page, site):
    page.goto("zoeken/?q=mentoren")
    query = page.locator("#kb-browse-q")
    query.focus()
    settled(page)
    expect(page.locator("#kb-browse-status")).to_have_text(re.compile(r"^\d+ resultaten?$"))
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the sort order ("Filters (n)" is for narrow screens only)
    expect(page.locator("#kb-browse-sort")).to_be_focused()
    page.keyboard.press("Tab")  # "Ga naar de resultaten" (test_keyboard.py), then the filters
    expect(page.locator(".kb-skip-results")).to_be_focused()
    page.keyboard.press("Tab")  # the first facet value: Type, initiatief
    first = box(page, "type", "initiatief")
    expect(first).to_be_focused()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    settled(page)
    expect(page.locator("#kb-browse-status")).to_have_text(re.compile(r"^\d+ resultaten?$"))
    assert "type=initiatief" in page.url
    for path in shown_paths(page):  # (showing more would move the focus)
        assert path.startswith("/initiatieven/"), path
    page.keyboard.press("Space")
    expect(first).not_to_be_checked()
    settled(page)
    assert "type=" not in page.url


def test_no_javascript_keeps_full_server_rendered_lists(browser, site_url, site):
    context = browser.new_context(base_url=site_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("zoeken/")
    expect(page.locator(".kb-nojs")).to_be_visible()
    expect(page.locator("#kb-browse")).to_be_hidden()
    expect(page.locator("form.kb-search")).to_be_hidden()  # the header search needs JS too
    page.locator(".kb-nojs a", has_text="alle initiatieven").click()
    page.wait_for_url(re.compile(r"/initiatieven/$"))
    listed = [t for _ in overview_pages(page) for t in page.locator(CARD_TITLES).all_inner_texts()]
    assert sorted(" ".join(t.split()) for t in listed) == sorted(
        " ".join(i.title.split()) for i in site.initiatives
    )
    context.close()


def test_without_an_index_the_search_says_so(browser, built_site, tmp_path):
    """The live preview (kennisbank serve) has no Pagefind index: say so, do not break."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    shutil.rmtree(copy / "pagefind")
    server, url = serve_directory(copy)
    context = browser.new_context(base_url=url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    try:
        page.goto("")
        page.keyboard.press("/")
        page.keyboard.type("mentoren")
        expect(page.locator(".kb-search__summary")).to_contain_text("niet beschikbaar")
        page.goto("zoeken/?thema=preventie")
        expect(page.locator("#kb-browse-status")).to_contain_text("niet beschikbaar")
        assert errors == []
    finally:
        context.close()
        server.shutdown()


@pytest.mark.slow
def test_a_new_criterion_is_a_facet_with_counts(browser, tmp_path):
    project = copy_project(tmp_path / "project")
    values = add_criterion(project)
    build(project, today=TODAY)
    server, url = serve_directory(project / "site")
    context = browser.new_context(base_url=url)
    page = context.new_page()
    try:
        page.goto("zoeken/")
        legend = page.locator('fieldset[data-facet="co-creatie"] legend')
        expect(legend).to_have_text("Samen met studenten")
        settled(page)
        with_yes = sum(v == "ja" for v in values.values())
        expect_count(page, "co-creatie", "ja", with_yes)
        box(page, "co-creatie", "ja").check()
        wait_for_browse(page, with_yes)
    finally:
        context.close()
        server.shutdown()


# --- what a query's words mean (assets/kennisbank-query.js) ------------------------------------

QUERY_MODULE = """async ({words, stopwords, calls}) => {
    const q = await import('/assets/kennisbank-query.js');
    const w = new q.Words({words, stopwords});
    return calls.map(([name, arg]) => w[name](arg));
}"""


def words_say(page, words: list[str], stopwords: list[str], calls: list[tuple[str, str]]):
    """What `Words(words, stopwords)` of kennisbank-query.js answers to each (method, argument)."""
    page.goto("")
    return page.evaluate(
        QUERY_MODULE, {"words": words, "stopwords": stopwords, "calls": [list(c) for c in calls]}
    )


def test_query_words_become_words_of_the_site(page):
    """Only words of the word list reach Pagefind: as typed (or the start of one), the word an
    inflection belongs to, a compound's parts; short fragments and stopwords are never parts."""
    words = ["examen", "examens", "stress", "in", "ten", "minste", "psychologen", "zelf"]
    words += ["beeld", "vertrouwenspersoon", "vertrouwen", "suïcide", "paniek", "aanvallen"]
    words += ["student", "studenten", "studentpsychologen"]
    calls = [
        ("resolve", "examen"),  # a word of the list
        ("resolve", "exam"),  # the start of one: still typing
        ("resolve", "psycholoog"),  # an inflection
        ("resolve", "examenstress"),  # a compound
        ("resolve", "paniekaanvallen"),
        ("resolve", "intimidatie"),  # only "in" begins it: nothing
        ("resolve", "tentamenstress"),  # only "ten": nothing
        ("resolve", "zelfbeeld"),  # "zelf" is a stopword, never a part
        ("resolve", "suicide"),  # accents do not count
        ("closest", "vertrouwenspesoon"),  # a typo
        ("closest", "qqqqqqq"),
        # what the words a beginning begins share: Pagefind stems "studen" to "stuud"
        ("completion", "studen"),
        ("completion", "student"),  # a word of the list itself
    ]
    assert words_say(page, words, ["de", "in", "zelf", "ik"], calls) == [
        ["examen"],
        ["exam"],
        ["psychologen"],
        ["examen", "stress"],
        ["paniek", "aanvallen"],
        None,
        None,
        None,
        ["suicide"],
        "vertrouwenspersoon",
        None,
        "student",
        None,
    ]


def test_query_plan_leaves_out_stopwords_and_suggests_for_unknown_words(page):
    (plan, only_stopwords) = words_say(
        page,
        ["student", "paniek", "vertrouwenspersoon"],
        ["hoe", "help", "ik", "een", "met"],
        [("plan", "Hoe help ik een student met paniek"), ("plan", "hoe")],
    )
    assert [(t["word"], t["stop"], t["forms"]) for t in plan["terms"]] == [
        ("hoe", True, []),
        ("help", True, []),
        ("ik", True, []),
        ("een", True, []),
        ("student", False, ["student"]),
        ("met", True, []),
        ("paniek", False, ["paniek"]),
    ]
    assert plan["suggestion"] is None
    assert only_stopwords["terms"][0]["stop"] is False  # nothing else: it is searched
    (typo,) = words_say(
        page, ["vertrouwenspersoon", "melden"], [], [("plan", "vertrouwenspesoon melden")]
    )
    assert typo["suggestion"] == "vertrouwenspersoon melden"


def browse(page, query: str) -> None:
    page.goto(f"zoeken/?q={query}")
    settled(page)


def test_each_search_term_finds_every_page_tagged_with_its_term(page, site):
    """A term's label and each of its search terms (vocabularies.yml) find every initiative
    tagged with it, among the results that have every word."""
    page.goto("")
    found = page.evaluate(
        """async (queries) => {
            const pf = await import('/pagefind/pagefind.js');
            const q = await import('/assets/kennisbank-query.js');
            await pf.options({baseUrl: '/', ranking: q.RANKING});
            await pf.init();
            const words = await q.loadWords(new URL('/', location.href));
            const out = {};
            for (const query of queries) {
                const found = await q.search(pf, words, query);
                const complete = found.results.slice(0, found.complete);
                out[query] = await Promise.all(complete.map(async r => (await r.data()).url));
            }
            return out;
        }""",
        sorted(
            {query for term in searchable_terms(site) for query in (term.label, *term.zoektermen)}
        ),
    )
    checked = 0
    for term in searchable_terms(site):
        tagged = {f"/{i.url}" for i in site.initiatives if term in tagged_terms(i)}
        for query in (term.label, *term.zoektermen):
            assert tagged <= set(found[query]), (term.id, query)
            checked += 1
    assert checked > 100


def searchable_terms(site):
    vocabularies = site.framework.vocabularies
    return [
        t
        for name in ("themes", "kinds", "sectors")
        for t in vocabularies[name]
        if any(t in tagged_terms(i) for i in site.initiatives)
    ]


def tagged_terms(initiative):
    return (*initiative.themes, initiative.kind, *initiative.sectors)


def test_a_compound_of_two_words_of_the_site_finds_pages_with_both(page, site):
    """Two search terms of one theme written as one word (which the site nowhere has) find the
    pages tagged with the theme: the compound is split into words Pagefind knows."""
    words = set(json.loads(site_words(page)))
    theme = next(t for t in searchable_terms(site) if len(single_words(t)) >= 2)
    a, b = single_words(theme)[:2]
    assert a + b not in words and not any(w.startswith(a + b) for w in words)
    browse(page, a + b)
    tagged = {f"/{i.url}" for i in site.initiatives if theme in i.themes}
    status = page.locator("#kb-browse-status")
    expect(status).to_have_text(re.compile(rf"^{len(tagged)} resultaten?( met alle woorden;|$)"))
    show_all_results(page)
    links = page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.pathname)")
    assert tagged == set(links[: len(tagged)])  # every word: first


#: a word in Latin letters, accented ones included (Dutch: één, ideeën, café)
LATIN_WORD = re.compile(r"[a-z\u00c0-\u024f]+")


def single_words(term) -> list[str]:
    return [z for z in term.zoektermen if re.fullmatch(r"[a-z]{5,}", z)]


def site_words(page) -> str:
    page.goto("")
    return page.evaluate(
        "async () => JSON.stringify((await (await fetch('/assets/kennisbank-words.json')).json())"
        ".words)"
    )


@pytest.mark.parametrize("fragment", ["in", "ten", "de", "zelf"])
def test_a_short_fragment_never_stands_in_for_a_longer_word(page, fragment):
    """Pagefind matches a word nothing begins with to the longest indexed word it begins with
    ("intimidatie" -> "in"); a query word the site does not know never reaches it."""
    query = f"{fragment}qxzvw"  # on the bundled site Pagefind alone finds pages for these
    browse(page, query)
    expect(page.locator("#kb-browse-status")).to_contain_text("Geen resultaten")
    expect(page.locator(RESULT_LINKS)).to_have_count(0)
    header_search(page, query)
    expect(page.locator(".kb-search__summary")).to_have_text(f"Geen resultaten voor ‘{query}’")
    expect(page.locator(OPTION)).to_have_count(0)


def test_no_page_with_every_word_falls_back_to_the_best_partial_matches(page, site):
    theme = searchable_terms(site)[0]
    word = single_words(theme)[0]
    tagged = {f"/{i.url}" for i in site.initiatives if theme in tagged_terms(i)}
    query = f"{word} qxzvw"
    browse(page, query)
    status = page.locator("#kb-browse-status")
    expect(status).to_have_text(
        re.compile(r"^Geen resultaten met alle woorden; dit zijn de beste gedeeltelijke \(\d+\)\.$")
    )
    assert tagged <= result_paths(page)
    header_search(page, query)
    expect(page.locator(".kb-search__summary")).to_contain_text(
        "Geen resultaten met alle woorden voor"
    )
    expect(page.locator(OPTION).first).to_be_visible()


def test_the_header_offers_did_you_mean_and_keyboard_takes_it(page):
    page.goto("over/")
    header_search(page, "vertrouwenspesoon")
    offer = page.locator(".kb-search__suggest")
    expect(offer).to_have_text("Bedoelde je vertrouwenspersoon?")
    expect(page.locator("[data-kb-announce]")).to_contain_text("Bedoelde je vertrouwenspersoon?")
    page.keyboard.press("Tab")
    expect(offer.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    search_box = page.locator("#kb-search-input")
    expect(search_box).to_have_value("vertrouwenspersoon")
    expect(search_box).to_be_focused()
    expect(page.locator(".kb-search__summary")).to_have_text(
        re.compile(r"^\d+ resultaten? voor ‘vertrouwenspersoon’$")
    )
    expect(offer).to_be_hidden()
    expect(page.locator(OPTION).first).to_be_visible()


def test_an_inflection_the_stemmer_keeps_apart_still_finds_the_page(page, site):
    """'mentor' finds the pages that say only 'mentoren' (Snowball: "mentoor"), through the word
    forms each page is indexed with (render/search_words.py): the same stemmer as Pagefind's.
    Words in Latin letters, the Dutch stemmer's own (Pagefind cuts a word with, say, a Chinese
    character in it into pieces, in the page and in the query alike)."""
    lexicon = search.site_lexicon(site)
    pairs = sorted(
        (other, f"/{p.url}")
        for p in [*site.initiatives, *site.items.values()]
        for word in search_words.words_of(f"{p.title} {p.summary}")
        if LATIN_WORD.fullmatch(word)
        for other in lexicon.kept_apart(word)
    )
    assert pairs, "the bundled content has such a word"
    queries = sorted({other for other, _ in pairs})
    page.goto("")
    found = page.evaluate(
        """async (queries) => {
            const pf = await import('/pagefind/pagefind.js');
            await pf.options({baseUrl: '/'});
            await pf.init();
            const out = {};
            for (const query of queries) {
                const found = await pf.search(query);
                out[query] = await Promise.all(found.results.map(async r => (await r.data()).url));
            }
            return out;
        }""",
        queries,
    )
    missing = [(other, url) for other, url in pairs if url not in found[other]]
    assert missing == []


def tag_only_words(site, built_site: Path) -> dict[str, tuple[str, str]]:
    """The words of search terms that no page has in its text and that find one term's
    records, with that term's facet (key, id): from the built site's word list."""
    data = json.loads((built_site / "assets" / "kennisbank-words.json").read_text("utf-8"))
    found = {}
    for word in data["unindexed"]:
        (n,) = data["tags"][word] if len(data["tags"][word]) == 1 else (None,)
        if n is not None and re.fullmatch(r"[a-z]{5,}", word):
            found[word] = tuple(data["terms"][n])
    return found


def records_tagged(site, key: str, term_id: str) -> list:
    """The records that carry this facet value (key, term id)."""
    return [i for i in site.initiatives if (key, term_id) in facet_terms(i)]


def facet_terms(initiative) -> set[tuple[str, str]]:
    return {
        *(("thema", t.id) for t in initiative.themes),
        *(("sector", s.id) for s in initiative.sectors),
        ("soort", initiative.kind.id),
    }


def test_a_word_of_search_terms_alone_finds_the_tagged_records_with_exact_counts(
    page, site, built_site
):
    """A search-term word that no page has in its text finds exactly the records tagged with
    its term (never what Pagefind would match it to: a shorter word it begins with), the facets
    count them as the records say, and a chosen order is that of the records alone."""
    words = tag_only_words(site, built_site)
    if not words:
        pytest.skip("every search term's word is in some page's text")
    word, (key, term_id) = max(words.items(), key=lambda w: len(records_tagged(site, *w[1])))
    tagged = records_tagged(site, key, term_id)
    browse(page, word)
    wait_for_browse(page, len(tagged))
    assert result_paths(page) == {f"/{i.url}" for i in tagged}
    for sector in site.framework.vocabularies["sectors"]:
        expect_count(page, "sector", sector.id, sum(sector in i.sectors for i in tagged))
    for kind in site.framework.vocabularies["kinds"]:
        expect_count(page, "soort", kind.id, sum(i.kind == kind for i in tagged))
    # by title: the order of the records of the term chosen as a filter
    page.goto(f"zoeken/?{key}={term_id}&sort=titel")
    wait_for_browse(page, len(tagged))
    show_all_results(page)
    by_filter = page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.pathname)")
    page.goto(f"zoeken/?q={word}&sort=titel")
    wait_for_browse(page, len(tagged))
    show_all_results(page)
    by_word = page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.pathname)")
    assert by_word == by_filter


def test_two_words_of_different_terms_find_the_records_tagged_with_both(page, site, built_site):
    words = tag_only_words(site, built_site)
    pairs = [
        (a, b, both)
        for a, b in itertools.combinations(sorted(words), 2)
        if words[a] != words[b]
        and (
            both := set(map(id, records_tagged(site, *words[a])))
            & set(map(id, records_tagged(site, *words[b])))
        )
    ]
    if not pairs:
        pytest.skip("no two such words whose terms share a record")
    a, b, both = max(pairs, key=lambda p: len(p[2]))
    tagged = [i for i in site.initiatives if id(i) in both]
    browse(page, f"{a} {b}")
    settled(page)
    status = page.locator("#kb-browse-status")
    expect(status).to_have_text(re.compile(rf"^{len(tagged)} resultaten?( met alle woorden;|$)"))
    show_all_results(page)
    links = page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.pathname)")
    assert set(links[: len(tagged)]) == {f"/{i.url}" for i in tagged}  # every word: first
