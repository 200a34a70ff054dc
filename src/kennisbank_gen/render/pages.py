"""What each page template receives: one documented dataclass per kind of page.

Every template gets the fields of `Page` (the whole site model, the site settings, and the
`link` and `href` helpers); a kind of page adds its own. A template author reads this file to
see what a page can use; `render.Renderer.page` passes exactly these fields (Jinja2 runs with
StrictUndefined, so a name that is not here fails the build instead of rendering as empty
text).

Filters every template has (`render._environment`): `md` (plain text, Markdown- and
HTML-escaped), `front_matter` (a title or description for the front matter, HTML-escaped),
`front_matter_json` (text already safe where the theme puts it, such as JSON-LD), `meter` (a
rating's symbol in the quality profile), `trusted_markdown` (a Markdown field that the check
stage accepted). Globals (`profile.py`): `value_meter(value, criterion)`, `tone(level,
criterion)`, `rank_text(level, criterion)` (the quality profile), `card_facts(i)` (a card's line
of facts), `card_of(i, href)` (a card, drawn once), `search_data(page)`,
`search_summary_weight` (the hidden Pagefind block, `_pagefind.md.j2`), `level_sort_keys(i,
date)` and `level_sort(id)` (sorting by a judging criterion), `content_security_policy`
(csp.SITE_POLICY, for pages written as HTML).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from ..config import SiteConfig
from .cite import Cite
from .model import GuidanceItem, GuidanceSet, Initiative, Site
from .search import Facet


@dataclass(frozen=True)
class Page:
    """Fields of every page."""

    TEMPLATE: ClassVar[str]

    #: the whole model: initiatives (newest first), guidance sets and items, the framework
    site: Site
    #: names, addresses and licence from mkdocs.yml (`config.permalink(url)`, `config.site_name`)
    config: SiteConfig
    #: `link("kwaliteitskader.md")`: a relative link from this page's source file to another
    #: generated page's (MkDocs checks every one in strict mode)
    link: Callable[[str], str]
    #: `href(i.url)`: a relative address from this page's address to another page's, for raw
    #: HTML (MkDocs rewrites links in Markdown only; a test follows every one in the built site)
    href: Callable[[str], str]


@dataclass(frozen=True)
class HomePage(Page):
    """`index.md`: the home page (newest initiatives, ways in)."""

    TEMPLATE = "home.md.j2"


#: initiatives on one page of an overview: at 10,000 records a page stays far below 300 KB
PER_PAGE = 50
#: page numbers shown on either side of the current one in the pagination (and the first and
#: the last page)
PAGES_AROUND = 2


def listing_path(first: str, number: int) -> str:
    """The docs file of page `number` (from 1) of the overview whose first page is `first`."""
    if number == 1:
        return first
    return f"{posixpath.splitext(first)[0].removesuffix('/index')}/pagina/{number}.md"


@dataclass(frozen=True)
class Listing:
    """One page of an overview of initiatives: `initiatieven/index.md` (newest first) and
    `initiatieven/op-titel.md` (A-Z) are the first pages, `initiatieven/pagina/2.md` and
    `initiatieven/op-titel/pagina/2.md` the second, and so on (addresses `.../pagina/2/`)."""

    #: the docs file of this order's first page
    first: str
    #: 1 for the first page
    number: int
    #: how many pages this order has
    count: int
    #: how many initiatives the whole overview lists
    total: int
    #: the initiatives on this page, in the overview's order
    initiatives: list[Initiative]

    @classmethod
    def split(cls, first: str, ordered: list[Initiative]) -> list[Listing]:
        """The pages of one order (at least one, also without initiatives)."""
        count = max(1, -(-len(ordered) // PER_PAGE))
        return [
            cls(first, n, count, len(ordered), ordered[(n - 1) * PER_PAGE : n * PER_PAGE])
            for n in range(1, count + 1)
        ]

    @property
    def by_title(self) -> bool:
        return self.first != "initiatieven/index.md"

    @property
    def path(self) -> str:
        return self.path_of(self.number)

    def path_of(self, number: int) -> str:
        """The docs file of page `number` of this order."""
        return listing_path(self.first, number)

    def url_of(self, number: int) -> str:
        """The address of page `number` of this order (for `href`)."""
        return posixpath.splitext(self.path_of(number))[0].removesuffix("/index") + "/"

    @property
    def first_shown(self) -> int:
        """The position (from 1) of this page's first initiative in the whole overview."""
        return (self.number - 1) * PER_PAGE + 1

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers the pagination links to, None where it leaves some out: the first,
        the last, and PAGES_AROUND on either side of this page."""
        keep = {1, self.count, *range(self.number - PAGES_AROUND, self.number + PAGES_AROUND + 1)}
        shown: list[int | None] = []
        for n in sorted(k for k in keep if 1 <= k <= self.count):
            if shown and shown[-1] is not None and n > shown[-1] + 1:
                shown.append(None)
            shown.append(n)
        return shown


@dataclass(frozen=True)
class InitiativesPage(Page):
    """One page of the initiatives overview (`Listing`), as cards in HTML."""

    TEMPLATE = "initiatives.md.j2"

    #: which page of which order this is, with its initiatives
    listing: Listing
    #: the facets of the search and filter form above the list (limited to initiatives)
    facets: list[Facet]


@dataclass(frozen=True)
class InitiativePage(Page):
    """`initiatieven/<slug>.md`: one initiative."""

    TEMPLATE = "initiative.md.j2"

    #: the initiative (named `i`: templates use it on nearly every line)
    i: Initiative
    #: its citation (APA as HTML), download file names, head meta tags and JSON-LD
    cite: Cite


@dataclass(frozen=True)
class FrameworkPage(Page):
    """`kwaliteitskader.md`: the quality framework, criteria and vocabularies, with counts."""

    TEMPLATE = "framework.md.j2"


@dataclass(frozen=True)
class GuidanceOverviewPage(Page):
    """`aanbevelingen-en-tips.md`: every guidance set."""

    TEMPLATE = "guidance_overview.md.j2"


@dataclass(frozen=True)
class GuidanceSetPage(Page):
    """`<set path>/index.md`: one set with its groups (e.g. PDCA phases) and items."""

    TEMPLATE = "guidance_set.md.j2"

    gset: GuidanceSet


@dataclass(frozen=True)
class GuidanceItemPage(Page):
    """`<set path>/<NN>.md`: one recommendation or tip."""

    TEMPLATE = "guidance_item.md.j2"

    item: GuidanceItem
    #: its citation (APA as HTML), download file names, head meta tags and JSON-LD
    cite: Cite
    #: how many of the initiatives that answer it are shown as cards; the rest as a list of
    #: links (at 10,000 records an item has hundreds)
    cards_shown: int = 10


@dataclass(frozen=True)
class OpenDataPage(Page):
    """`open-data.md`: the open-data files with their descriptions and sizes."""

    TEMPLATE = "open_data.md.j2"

    #: path in the site -> what the file holds (Dutch)
    exports: dict[str, str]
    #: path in the site -> size in bytes
    sizes: dict[str, int]


@dataclass(frozen=True)
class SearchPage(Page):
    """`zoeken.md`: the browse page with every facet."""

    TEMPLATE = "search_page.md.j2"

    facets: list[Facet]


@dataclass(frozen=True)
class ComparePage(Page):
    """`vergelijken.md`: two to four initiatives side by side, chosen in the address and drawn
    by assets/kennisbank-compare.js from their own pages."""

    TEMPLATE = "compare.md.j2"


@dataclass(frozen=True)
class RedirectPage(Page):
    """`<former address>/index.html`: plain HTML sending the visitor to the page that lives on."""

    TEMPLATE = "redirect.html.j2"

    target: Initiative | GuidanceSet | GuidanceItem
    #: the target's address relative to the redirect page
    relative: str
