"""What lists of initiatives and search results are made of (issue 20, point 2): an initiative's
card line and quality profile as search data, its sort keys per judging criterion (strong to
weak, "Niet bekend" last), and the date keys that keep a guidance set's items together in
number order. On the golden fixture project, whose records never change."""

from __future__ import annotations

import dataclasses
import re

import pytest
from bs4 import BeautifulSoup
from test_golden import FIXTURE, render

from kennisbank_gen.read.framework import UNKNOWN_ID, UNKNOWN_LABEL
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.model import Rating, build_model
from kennisbank_gen.render.profile import (
    card_facts,
    level_sort_keys,
)
from kennisbank_gen.render.search import criterion_key, page_data


@pytest.fixture(scope="module")
def site():
    return build_model(read_project(FIXTURE))


@pytest.fixture(scope="module")
def rendered():
    return render(FIXTURE)


def test_search_data_holds_the_card_of_an_initiative_but_no_quality_words(site, rendered):
    """The card's line is a metadata field; the quality profile is not: Pagefind searches every
    metadata field, and how an initiative is judged is no word to find it by (the page's own
    profile and criteria are kept out of the index too)."""
    for i in site.initiatives:
        page = BeautifulSoup(rendered[i.page], "html.parser")
        meta = {m["data-pagefind-meta"]: m.get_text() for m in page.select("[data-pagefind-meta]")}
        assert meta["facts"] == card_facts(i)
        assert set(meta) == {
            "title",
            "type",
            "date",
            "summary",
            "woordvormen",
            "facts",
        } | ({"example"} if i.example else set())
        for r in i.profile:
            values = [v.id for v in r.values] or [UNKNOWN_ID]
            filters = page.select(f'[data-pagefind-filter="{criterion_key(r.criterion)}"]')
            assert [f.get_text() for f in filters] == values


def test_search_data_of_a_recommendation_names_its_set(site, rendered):
    for item in site.items.values():
        page = BeautifulSoup(rendered[item.page], "html.parser")
        assert page.select_one('[data-pagefind-meta="set"]').get_text() == item.set.title


def test_level_sort_keys_run_strong_to_weak_with_unknown_last(site):
    judged = [c for c in site.framework.criteria if c.kind == "judgement"]
    for criterion in judged:
        key = f"niveau-{criterion.id}"
        records = list(site.initiatives)
        # and a copy of one that leaves this criterion out ("Niet bekend")
        ratings = tuple(
            Rating(r.criterion, ()) if r.criterion is criterion else r for r in records[0].ratings
        )
        unknown = dataclasses.replace(records[0], slug=UNKNOWN_ID, ratings=ratings)
        keyed = [(dict(level_sort_keys(i, page_data(i).sort_date))[key], i) for i in records]
        keyed.append((dict(level_sort_keys(unknown, page_data(unknown).sort_date))[key], unknown))
        for i in records:  # one key per judging criterion, none for a description
            assert {k for k, _ in level_sort_keys(i, "")} == {f"niveau-{c.id}" for c in judged}
        ordered = [i for _, i in sorted(keyed, key=lambda pair: pair[0], reverse=True)]  # desc
        levels = [next(r.level for r in i.ratings if r.criterion is criterion) for i in ordered]
        assert levels == sorted(levels, reverse=True), criterion.id
        assert ordered[-1] is unknown, criterion.id


def test_level_sort_keys_are_in_the_front_matter(site, rendered):
    for i in site.initiatives:
        for key, value in level_sort_keys(i, page_data(i).sort_date):
            assert re.search(rf'^  {key}: "{value}"$', rendered[i.page], re.MULTILINE)


def test_date_keys_keep_a_sets_items_together_from_number_one(site):
    """Without a query results come newest first (descending date key): a set's items must come
    together and from 1 up, not from the last number down."""
    items = sorted(site.items.values(), key=lambda x: page_data(x).sort_date, reverse=True)
    for gset in site.guidance_sets:
        mine = [n for n, x in enumerate(items) if x.set is gset]
        assert mine == list(range(mine[0], mine[0] + len(mine))), gset.id  # together
        assert [items[n].number for n in mine] == sorted(x.number for x in gset.items)


def test_the_browse_form_gives_each_criterions_scale_as_the_cards_draw_it(site, rendered):
    """A result row draws an initiative's profile from its facet values and the scale the form
    gives (assets/kennisbank-search.js): the criterion's label, kind and steps, each value's few
    words and step, as the cards have them."""
    form = BeautifulSoup(rendered["zoeken.md"], "html.parser")
    for c in site.framework.criteria:
        fieldset = form.select_one(f'fieldset[data-facet="{criterion_key(c)}"]')
        assert fieldset.legend.get_text() == c.label
        assert (fieldset["data-kb-kind"], int(fieldset["data-kb-steps"])) == (c.kind, c.steps)
        scale = {
            b["value"]: (b["data-kb-short"], int(b["data-kb-level"])) for b in fieldset("input")
        }
        expected = {v.id: (v.short_label, c.level(v)) for v in c.values}
        assert scale == expected | ({UNKNOWN_ID: (UNKNOWN_LABEL, 0)} if c.unknown else {})


def test_a_card_drawn_once_links_from_each_list_to_its_page(site):
    """A card is drawn once and serves every list: each gets the link from its own page, and a
    record's text that looks like the link's placeholder is left as it is."""
    from kennisbank_gen.render.markdown_pages import _CARD_HREF, Templates

    i = dataclasses.replace(site.initiatives[0], title=f"Titel met {_CARD_HREF} erin")
    templates = Templates(keep_bodies=False)
    cards = [templates.card(i, lambda url, up=up: up + url) for up in ("", "../", "../../")]
    assert len(templates.cards) == 1
    for up, card in zip(("", "../", "../../"), cards, strict=True):
        link = BeautifulSoup(card, "html.parser").select_one(".kb-card__title a")
        assert link["href"] == up + i.url
        assert link.get_text() == i.title
    # the preview lets go of the cards no record shows any more, and keeps the others
    kept = templates.card(site.initiatives[1], lambda url: url)
    templates.forget_unused(site)
    assert list(templates.cards.values()) == [kept.replace(site.initiatives[1].url, _CARD_HREF)]
