"""What each page template receives: one documented dataclass per kind of page.

Every template gets the fields of `Page` (the whole site model, the site settings and a `link`
helper); a kind of page adds its own. A template author reads this file to see what a page can
use; `render.Renderer.page` passes exactly these fields (Jinja2 runs with StrictUndefined, so a
name that is not here fails the build instead of rendering as empty text).

Filters every template has (`render._environment`): `md` (plain text, Markdown- and
HTML-escaped), `front_matter` (a title or description for the front matter, HTML-escaped),
`front_matter_json` (text already safe where the theme puts it, such as JSON-LD), `meter` (a
rating's symbol in the quality profile), `trusted_markdown` (a Markdown field that the check
stage accepted). Globals: `value_meter(value, criterion)`, `tone(level, criterion)`,
`level_text(level, criterion)` (the quality profile), `search_data(page)` and
`search_summary_weight` (the hidden Pagefind block, `_pagefind.md.j2`),
`content_security_policy` (csp.SITE_POLICY, for pages written as HTML).
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class HomePage(Page):
    """`index.md`: the home page (newest initiatives, ways in)."""

    TEMPLATE = "home.md.j2"


@dataclass(frozen=True)
class InitiativesPage(Page):
    """`initiatieven/index.md` and `initiatieven/op-titel.md`: every initiative, as cards."""

    TEMPLATE = "initiatives.md.j2"

    #: "date" (newest first) or "title" (A-Z): which of the two overview pages this is
    order: str
    #: the initiatives in that order
    initiatives: list[Initiative]
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
class RedirectPage(Page):
    """`<former address>/index.html`: plain HTML sending the visitor to the page that lives on."""

    TEMPLATE = "redirect.html.j2"

    target: Initiative | GuidanceSet | GuidanceItem
    #: the target's address relative to the redirect page
    relative: str
