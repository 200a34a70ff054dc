"""Search: facets from the framework, markup for Pagefind, the browse page, and the index.

Pagefind indexes the built HTML files (`publish/output_pass.py`, after MkDocs, before the
swap). What it indexes is decided by markup the templates emit:

- the theme override (`overrides/main.html`) marks each page's content as the search body, except
  on pages whose front matter says `search: {exclude: true}` (overview lists, the browse page);
- `templates/_pagefind.md.j2` gives initiative and guidance pages a hidden block with their
  summary (weighted like the title, above the body), their kind of page, and their facets.

A teacher's word for a theme, kind or sector (a word of its label or of its search terms,
`zoektermen` in vocabularies.yml) finds every initiative tagged with it through the facet, not
through the index: the word list (`word_list`) says which terms each word is a word of, and the
query handling (assets/kennisbank-query.js) searches for "the word, or tagged with one of those
terms". Written on every initiative, the search terms were nearly half of what Pagefind held.

Facets come from the framework data: every vocabulary of a record and every quality criterion is a
facet, so a new criterion in `criteria.yml` becomes a new facet without code changes. Filter keys
and values are ids (stable, short in a shared URL); the browse page shows the labels.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..read.framework import UNKNOWN_ID, UNKNOWN_LABEL, Criterion
from .model import GuidanceItem, Initiative, Site
from .search_words import STOPWORDS, Lexicon, stem, words_of

#: the site's words and stopwords, for the query handling (assets/kennisbank-query.js)
WORDS = "assets/kennisbank-words.json"
BROWSE_PAGE = "zoeken.md"  # the overrides' header form submits to zoeken/ (keep in step)
ASSETS = ("kennisbank-search.js", "kennisbank-query.js", "kennisbank-search.css")
#: a record's summary (repeated in the hidden block) weighs as much as its title, the page's <h1>;
#: Pagefind weighs an <h1> 7, other headings 6 down to 2, and body text 1
SUMMARY_WEIGHT = 7
INITIATIVE = ("initiatief", "Initiatief")
#: keys of the facets that are not criteria, and the query parameter; a criterion whose id is
#: one of these gets a prefixed key so the two never mix
RESERVED_KEYS = ("q", "sort", "type", "echt", "thema", "sector", "soort", "set", "fase")
#: the facet "alleen echte initiatieven": fictional example records say "nee"
REAL_KEY = "echt"
#: the vocabularies whose terms a record is tagged with, by their facet's key; a word of a
#: term's label or search terms finds the records tagged with it (`word_list`)
TAGGED = {"themes": "thema", "sectors": "sector", "kinds": "soort"}


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    #: a criterion's value: its few words and its step on the scale, for the quality profile a
    #: result row draws from the page's facet values (assets/kennisbank-search.js)
    short: str = ""
    level: int = 0


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    options: tuple[Option, ...]
    scope: str  # the kind of page that carries it: "", "initiatives" or "guidance"
    #: a criterion's kind ("judgement", "description") and the steps of its scale
    kind: str = ""
    steps: int = 0


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
    #: the parts of its compounds and the inflections Pagefind's stemmer keeps apart
    #: (`search_words.Lexicon.extra_forms`), for the index (not shown)
    forms: str = ""


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

    unknown = (Option(UNKNOWN_ID, UNKNOWN_LABEL, UNKNOWN_LABEL),)  # (short: for a criterion)
    result = [
        Facet("type", "Type", tuple(types), ""),
        Facet(
            REAL_KEY,
            "Echt of fictief",
            (Option("ja", "Alleen echte initiatieven"), Option("nee", "Fictieve voorbeelden")),
            "initiatives",
        ),
        Facet(TAGGED["themes"], "Thema", terms("themes"), "initiatives"),
        Facet(TAGGED["sectors"], "Sector", terms("sectors") + unknown, "initiatives"),
        Facet(TAGGED["kinds"], "Soort", terms("kinds"), "initiatives"),
    ]
    result += [
        Facet(
            criterion_key(c),
            c.label,
            tuple(Option(v.id, v.label, v.short_label, c.level(v)) for v in c.values)
            + (unknown if c.unknown else ()),
            "initiatives",
            c.kind,
            c.steps,
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


def page_data(page: Initiative | GuidanceItem, site: Site | None = None) -> PageData:
    """Title, summary, kind of page and facet values of an initiative or a guidance item; with
    the `site`, also the extra word forms it is indexed with (those of its title and summary: a
    body's words would cost a tokenisation of every body twice for little)."""
    if isinstance(page, Initiative):
        text = f"{page.title} {page.summary}"
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
            _forms(site, text),
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
        forms=_forms(site, f"{page.title} {page.summary}"),
    )


def _forms(site: Site | None, text: str) -> str:
    return " ".join(site_lexicon(site).extra_forms(text)) if site is not None else ""


def _site_texts(site: Site) -> list[str]:
    """The texts of the indexed pages that the model holds: records, guidance, the framework."""
    fw = site.framework
    texts = []
    for i in site.initiatives:
        texts += [i.title, i.summary, i.body]
    for gset in site.guidance_sets:
        texts += [gset.title, gset.intro, gset.item_label, gset.item_label_plural]
        texts += [f"{g.title} {g.description}" for g in gset.groups]
        texts += [f"{item.title} {item.summary}" for item in gset.items]
    for c in fw.criteria:
        texts += [c.label, c.question, c.explanation]
        texts += [f"{v.label} {v.short} {v.explanation}" for v in c.values]
    for terms in fw.vocabularies.values():
        texts += [f"{t.label} {t.explanation}" for t in terms]
    return [*texts, INITIATIVE[1], "Fictief voorbeeld", UNKNOWN_LABEL]


@dataclass(frozen=True)
class _SiteWords:
    """The words of a model: of its pages' texts (`indexed`), of the vocabularies' search terms,
    and the lexicon of both."""

    indexed: frozenset[str]
    search_terms: frozenset[str]
    lexicon: Lexicon


_last: list = [None, None]  # (site, its _SiteWords): one model at a time is rendered


def _site_words(site: Site) -> _SiteWords:
    if _last[0] is not site:
        indexed = frozenset(words_of("\n".join(_site_texts(site))))
        search_terms = frozenset(words_of("\n".join(_search_terms(site))))
        _last[:] = [site, _SiteWords(indexed, search_terms, Lexicon(indexed | search_terms))]
    return _last[1]


def site_lexicon(site: Site) -> Lexicon:
    """The words of the site's records, guidance and framework, with the vocabularies' search
    terms (computed once per model)."""
    return _site_words(site).lexicon


def word_list(site: Site, texts: Iterable[str] = ()) -> str:
    """The site's words, for the query handling in the browser (assets/kennisbank-query.js), as
    JSON: `words`, every word the index holds (sorted; from the records, guidance sets, the
    framework with each vocabulary term's search terms, and `texts`, the hand-written pages), and
    `stopwords`, the Dutch words a query can leave out. A query word that is none of these words
    is split into words that are (Dutch compounds: "examenstress"), matched to an inflection
    ("psycholoog", "psychologen") or left out with a "Bedoelde je ...?" - never handed to
    Pagefind, which would match it to the longest indexed word it begins with ("intimidatie" ->
    "in")."""
    known, hand_written = _site_words(site), words_of("\n".join(texts))
    words = sorted(known.lexicon.words | hand_written)
    terms, tags = _tags(site, words)
    data = {"words": words, "stopwords": sorted(STOPWORDS), "terms": terms, "tags": tags}
    # the search terms' words that no page has in its text find pages by their tags alone
    # (Pagefind would match such a word to the longest indexed word it begins with: "zelfmoord"
    # to "zelf")
    data["unindexed"] = sorted(known.search_terms - known.indexed - hand_written)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _search_terms(site: Site) -> list[str]:
    return [
        z for terms in site.framework.vocabularies.values() for t in terms for z in t.zoektermen
    ]


def _tags(site: Site, words: list[str]) -> tuple[list[list[str]], dict[str, list[int]]]:
    """`terms`, each vocabulary term a record may be tagged with as its facet's [key, id], and
    `tags`, for each word of `words` that Pagefind would match to a word of a term's label or
    search terms (the term's stem begins with the word's: "pest" and "pesten" find "pesten"),
    the indexes of those terms in `terms`."""
    terms, stems = [], []
    for vocabulary, key in TAGGED.items():
        for term in site.framework.vocabularies[vocabulary]:
            text = " ".join([term.label, *term.zoektermen])
            stems += [(stem(word), len(terms)) for word in words_of(text)]
            terms.append([key, term.id])
    stems.sort()
    tags = {}
    for word in words:
        start = stem(word)
        first = bisect.bisect_left(stems, (start,))
        last = bisect.bisect_left(stems, (start + "\U0010ffff",))
        if found := {n for _, n in stems[first:last]}:
            tags[word] = sorted(found)
    return terms, tags
