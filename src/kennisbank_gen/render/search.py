"""Search: facets from the framework, markup for Pagefind, the browse page, and the index.

Pagefind indexes the built HTML, each page as MkDocs writes it (`build.pipeline`, before the
swap). What it indexes is decided by markup the templates emit:

- the theme override (`overrides/main.html`) marks each page's content as the search body, except
  on pages whose front matter says `search: {exclude: true}` (overview lists, the browse page);
- `templates/_pagefind.md.j2` gives initiative and guidance pages a hidden block with their
  summary (weighted like the title, above the body), their kind of page, and their facets.

Facets come from the framework data: every vocabulary of a record and every quality criterion is a
facet, so a new criterion in `criteria.yml` becomes a new facet without code changes. Filter keys
and values are ids (stable, short in a shared URL); the browse page shows the labels.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..read.framework import UNKNOWN_ID, UNKNOWN_LABEL, Criterion
from .model import GuidanceItem, Initiative, Site

#: the words a "Bedoelde je ...?" suggestion can offer (assets/kennisbank-search.js)
WORDS = "assets/kennisbank-words.json"
BROWSE_PAGE = "zoeken.md"  # the overrides' header form submits to zoeken/ (keep in step)
ASSETS = ("kennisbank-search.js", "kennisbank-search.css")
#: a record's summary (repeated in the hidden block) weighs as much as its title, the page's <h1>;
#: Pagefind weighs an <h1> 7, other headings 6 down to 2, and body text 1
SUMMARY_WEIGHT = 7
INITIATIVE = ("initiatief", "Initiatief")
#: keys of the facets that are not criteria, and the query parameter; a criterion whose id is
#: one of these gets a prefixed key so the two never mix
RESERVED_KEYS = ("q", "sort", "type", "echt", "thema", "sector", "soort", "set", "fase")
#: the facet "alleen echte initiatieven": fictional example records say "nee"
REAL_KEY = "echt"


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    options: tuple[Option, ...]
    scope: str  # the kind of page that carries it: "", "initiatives" or "guidance"


@dataclass(frozen=True)
class PageData:
    """What one record's hidden search block holds."""

    title: str
    summary: str
    type: str
    filters: tuple[tuple[str, str], ...]
    #: the date as the result row shows it ("mei 2023", "2023")
    date: str
    #: a fictional example record: the result row says so
    example: bool
    #: sort keys (`data-pagefind-sort`): "2023-05-00" (unknown parts as 00), and the title
    sort_date: str
    sort_title: str


def criterion_key(criterion: Criterion) -> str:
    return f"criterium-{criterion.id}" if criterion.id in RESERVED_KEYS else criterion.id


def _page_type(item: GuidanceItem) -> Option:
    return Option(item.set.item_label.casefold(), item.set.item_label.capitalize())


def facets(site: Site) -> list[Facet]:
    """Every facet of the site, in the order the browse page shows them."""
    fw = site.framework
    types = [Option(*INITIATIVE)]
    for gset in site.guidance_sets:
        for item in gset.items[:1]:
            if _page_type(item) not in types:
                types.append(_page_type(item))
    phases: dict[str, Option] = {}
    for gset in site.guidance_sets:
        for group in gset.groups:
            if group.cycle:
                phases.setdefault(group.id, Option(group.id, group.label))

    def terms(vocabulary: str) -> tuple[Option, ...]:
        return tuple(Option(t.id, t.label) for t in fw.vocabularies[vocabulary])

    unknown = (Option(UNKNOWN_ID, UNKNOWN_LABEL),)
    result = [
        Facet("type", "Type", tuple(types), ""),
        Facet(
            REAL_KEY,
            "Echt of fictief",
            (Option("ja", "Alleen echte initiatieven"), Option("nee", "Fictieve voorbeelden")),
            "initiatives",
        ),
        Facet("thema", "Thema", terms("themes"), "initiatives"),
        Facet("sector", "Sector", terms("sectors") + unknown, "initiatives"),
        Facet("soort", "Soort", terms("kinds"), "initiatives"),
    ]
    result += [
        Facet(
            criterion_key(c),
            c.label,
            tuple(Option(v.id, v.label) for v in c.values) + (unknown if c.unknown else ()),
            "initiatives",
        )
        for c in fw.criteria
    ]
    result.append(
        Facet(
            "set",
            "Bron",
            tuple(Option(s.id, s.title) for s in site.guidance_sets),
            "guidance",
        )
    )
    if phases:
        result.append(
            Facet("fase", "Fase (plan, do, check, act)", tuple(phases.values()), "guidance")
        )
    return result


def page_data(page: Initiative | GuidanceItem) -> PageData:
    """Title, summary, kind of page and facet values of an initiative or a guidance item."""
    if isinstance(page, Initiative):
        filters = [("type", INITIATIVE[0]), (REAL_KEY, "nee" if page.example else "ja")]
        filters += [("thema", t.id) for t in page.themes]
        filters += [("sector", s.id) for s in page.sectors] or [("sector", UNKNOWN_ID)]
        filters.append(("soort", page.kind.id))
        for r in page.ratings:
            ids = [v.id for v in r.values] or [UNKNOWN_ID]
            filters += [(criterion_key(r.criterion), value) for value in ids]
        y, m, d = page.date.sort_key
        return PageData(
            page.title,
            page.summary,
            INITIATIVE[1],
            tuple(filters),
            page.date.dutch,
            page.example,
            f"{y:04d}-{m:02d}-{d:02d}",
            page.title.casefold(),
        )
    kind = _page_type(page)
    filters = [("type", kind.id), ("set", page.set.id)]
    if page.group and page.group.cycle:
        filters.append(("fase", page.group.id))
    title = f"{kind.label} {page.number}: {page.title}"
    year = page.set.year
    return PageData(
        title,
        page.summary,
        kind.label,
        tuple(filters),
        str(year),
        False,
        # sorted descending with the initiatives by date: a set's items together, from 1 up
        f"{year:04d}-00-00-{page.set.id}-{999 - page.number:03d}",
        f"{page.set.title} {page.number:03d}".casefold(),
    )


def word_list(site: Site) -> str:
    """Every word of four letters or more in the titles and summaries of initiatives and
    guidance items and in the framework's terms, lowercase, as a JSON array: the browse page
    suggests the closest one when a word of a query finds nothing (a typo). Summaries, not
    bodies, keep it small at any size (about what the titles and summaries hold)."""
    texts = [f"{i.title} {i.summary}" for i in site.initiatives]
    texts += [f"{item.title} {item.summary}" for item in site.items.values()]
    texts += [t.label for terms in site.framework.vocabularies.values() for t in terms]
    words = {w.casefold() for text in texts for w in re.findall(r"[^\W\d_]{4,}", text)}
    return json.dumps(sorted(words), ensure_ascii=False, separators=(",", ":"))
