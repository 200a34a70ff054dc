"""Render: site model -> the generated docs tree (Markdown pages via Jinja2 + static files).

Plain text from records is escaped twice over: HTML (autoescape) and Markdown syntax (`md`
filter), so a title can never become markup or a link. Markdown fields are
rendered to HTML and sanitized (`markdown_html`).
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..config import SiteConfig
from ..errors import FindingsError
from ..findings import Finding
from ..read.framework import UNKNOWN_LABEL
from ..read.load import shown_path
from . import pages
from .cite import Cite, bibtex, cite, of_initiative, of_item, ris
from .csp import SITE_POLICY
from .exports import EXPORTS, render_exports
from .html_blocks import html_block
from .markdown_html import field_markdown, link_address, md
from .model import GuidanceItem, GuidanceSet, Initiative, Site
from .profile import (
    LEVEL_SORT,
    card_facts,
    level_sort_keys,
    rank_text,
    rating_meter,
    tone,
    value_meter,
)
from .search import ASSETS as SEARCH_ASSETS
from .search import BROWSE_PAGE, SUMMARY_WEIGHT, WORDS, facets, page_data, word_list

#: two to four initiatives side by side (`?vergelijk=<slug>`), drawn by COMPARE_SCRIPT, which
#: overrides/main.html loads on every page (it also adds the picker to lists of initiatives)
COMPARE_PAGE = "vergelijken.md"
COMPARE_SCRIPT = "kennisbank-compare.js"

_YAML_UNSAFE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff']"
)


def front_matter(text: str) -> Markup:
    """Text for a front-matter field (`title`, `description`), as a JSON string.

    MkDocs renders theme templates without autoescape and Material inserts these fields into the
    HTML as they are (`<title>`, the header, `<meta name="description" content="...">`), so they
    must already be HTML: `&`, `<`, `>` and `"` become entities.
    """
    html = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return front_matter_json(html.replace('"', "&quot;"))


def front_matter_json(text: str) -> Markup:
    """Text for a front-matter field as it is, as a JSON string (a YAML double-quoted scalar):
    for text that is already safe where the theme puts it, such as `cite.script_json`."""
    # Emoji stay as they are (PyYAML would read a JSON surrogate pair as two broken
    # characters); what YAML reads as a line break is escaped, and so is ' (as Jinja's tojson
    # does).
    quoted = json.dumps(str(text), ensure_ascii=False)
    return Markup(_YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kennisbank_gen.render", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the package's templates do not change while it runs
    )
    env.filters["md"] = md
    env.filters["html_block"] = html_block
    env.filters["link_address"] = link_address
    env.filters["meter"] = rating_meter
    env.globals["value_meter"] = value_meter
    env.globals["tone"] = tone
    env.globals["rank_text"] = rank_text
    env.globals["card_facts"] = card_facts
    env.globals["level_sort_keys"] = level_sort_keys
    env.globals["level_sort"] = LEVEL_SORT.format
    env.filters["front_matter_json"] = front_matter_json
    env.filters["front_matter"] = front_matter
    env.globals["search_data"] = page_data
    env.globals["search_summary_weight"] = SUMMARY_WEIGHT
    env.globals["content_security_policy"] = SITE_POLICY
    env.globals["unknown_label"] = UNKNOWN_LABEL
    return env


class Templates:
    """The Jinja2 environment (its templates compiled once), and the Markdown bodies and cards
    rendered so far, by content: what a process that renders the site again and again (the
    preview) keeps between renders. A build renders once: it keeps no bodies (`keep_bodies`),
    and the cards only for the lists of that render."""

    def __init__(self, keep_bodies: bool = True) -> None:
        self.env = _environment()
        self.keep_bodies = keep_bodies
        self.bodies: dict[tuple[str, str], Markup] = {}
        self.env.filters["body_html"] = self.body_html
        #: what an initiative's card shows -> the card, its address as `_CARD_HREF`
        self.cards: dict[tuple, Markup] = {}
        self.env.globals["card_of"] = self.card

    def compiled(self) -> Templates:
        """Every template compiled now (a build does so before its workers are forked: they
        inherit them compiled, instead of each compiling its own)."""
        for name in self.env.list_templates():
            self.env.get_template(name)
        return self

    def card(self, i: Initiative, href: Callable[[str], str]) -> Markup:
        """An initiative's card in a list (`card` in _macros.md.j2), as HTML. A card depends on
        what it shows of the initiative and, in its first link, the address of its page from
        the list's page: it is drawn once with `_CARD_HREF` for that address, which each list
        replaces with its own, and kept while what it shows does not change (in a build, for
        the lists of one render; in the preview, between renders: a saved record's card is the
        only one drawn again)."""
        key = card_content(i)
        card = self.cards.get(key)
        if card is None:
            card = self.env.get_template("_macros.md.j2").module.card(i, _card_href)
            self.cards[key] = card
        return Markup(card.replace(_CARD_HREF, escape(href(i.url)), 1))

    def body_html(self, i: Initiative) -> Markup:
        """`field_markdown` of a record's body; a body rendered before is not rendered again
        (the same text always gives the same HTML)."""
        key = (i.body, i.source)
        if (html := self.bodies.get(key)) is None:
            html = field_markdown(i.body, i.source, "body")
            if self.keep_bodies:
                self.bodies[key] = html
        return html

    def forget_unused(self, site: Site) -> None:
        """Let go of the bodies and cards no record has any more."""
        used = {(i.body, i.source) for i in site.initiatives}
        self.bodies = {key: html for key, html in self.bodies.items() if key in used}
        shown = {card_content(i) for i in site.initiatives}
        self.cards = {key: card for key, card in self.cards.items() if key in shown}


#: where a card drawn once has the address of its page: its first link, before any text of the
#: record (a slug has no "#"), so the first occurrence is always this one
_CARD_HREF = "#kb-card-href"


def _card_href(url: str) -> str:
    return _CARD_HREF


def card_content(i: Initiative) -> tuple:
    """Everything an initiative's card shows (`card` in _macros.md.j2): two initiatives with the
    same content have the same card."""
    return (
        i.slug,
        i.title,
        i.example,
        i.initiators,
        i.date.dutch,
        i.kind,
        i.sectors,
        i.summary,
        i.ratings,
    )


class Cancelled(Exception):
    """Rendering stopped on request (`render_site(..., cancelled=...)`): its result is not wanted
    any more."""


class Renderer:
    """Renders each page's template with its context (`pages.py`: one dataclass per kind).

    `only(path)` says which files to render (None: all); `cancelled()` is asked before each page
    and raises Cancelled when true."""

    def __init__(
        self,
        site: Site,
        config: SiteConfig,
        templates: Templates | None = None,
        only: Callable[[str], bool] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ):
        self.site = site
        self.config = config
        templates = templates or Templates(keep_bodies=False)
        self.env = templates.env
        self.only = only
        self.cancelled = cancelled
        self.pages: dict[str, str | bytes] = {}

    def wants(self, path: str) -> bool:
        return self.only is None or self.only(path)

    def page(self, path: str, kind: type[pages.Page], **fields) -> None:
        if not self.wants(path):
            return
        if self.cancelled is not None and self.cancelled():
            raise Cancelled

        def link(target: str) -> str:
            """Relative link from this page's source file to another's (MkDocs resolves it)."""
            return posixpath.relpath(target, posixpath.dirname(path) or ".")

        here = page_url(path)

        def href(target: str) -> str:
            """Relative address from this page's address to another page's (`Initiative.url`),
            for HTML that MkDocs leaves as it is: works under any path of `site_url`."""
            return posixpath.relpath(target or ".", here or ".") + "/"

        context = kind(site=self.site, config=self.config, link=link, href=href, **fields)
        values = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
        self.pages[path] = self.env.get_template(kind.TEMPLATE).render(values)

    def file(self, path: str, content: str | bytes) -> None:
        if self.wants(path):
            self.pages[path] = content

    def citation_files(self, url: str, c: Cite) -> None:
        """The BibTeX and RIS downloads, in the page's own directory (`<url><key>.bib`)."""
        self.pages[url + c.bib_file] = bibtex(c.citation)  # with the page, whatever `only` says
        self.pages[url + c.ris_file] = ris(c.citation)

    def asset(self, name: str) -> None:
        """A file shipped in the package's assets/, at assets/<name> in the site."""
        data = resources.files(__package__).joinpath("assets", name).read_bytes()
        self.file(f"assets/{name}", data)


def page_url(path: str) -> str:
    """The address of a docs file in the site (directory URLs): 'initiatieven/x.md' ->
    'initiatieven/x/', 'initiatieven/index.md' -> 'initiatieven/', 'index.md' -> ''."""
    stem = posixpath.splitext(path)[0]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return stem + "/" if stem else ""


def overviews(site: Site) -> dict[str, list[Initiative]]:
    """The two orders of the initiatives overview, by the address of their first page."""
    return {
        "initiatieven/index.md": site.initiatives,
        "initiatieven/op-titel.md": sorted(site.initiatives, key=lambda i: i.title.casefold()),
    }


def listing_pages(site: Site, initiatives: list[Initiative]) -> set[str]:
    """The docs files of the overview pages that list these initiatives (one page per order):
    what the preview renders with a saved record's own page."""
    wanted = set()
    for first, ordered in overviews(site).items():
        position = {id(i): n for n, i in enumerate(ordered)}
        for i in initiatives:
            if id(i) in position:
                wanted.add(pages.listing_path(first, position[id(i)] // pages.PER_PAGE + 1))
    return wanted


def redirects(site: Site) -> dict[str, Initiative | GuidanceSet | GuidanceItem]:
    """Former addresses -> the page that lives on: `<old path>/index.html` -> target."""
    moved: dict[str, Initiative | GuidanceSet | GuidanceItem] = {}
    for i in site.initiatives:
        for old in i.previous_slugs:
            moved[f"initiatieven/{old}/index.html"] = i
        for url in i.previous_urls:
            moved[f"{url.strip('/')}/index.html"] = i
    for gset in site.guidance_sets:
        for old_path in gset.previous_paths:
            moved[f"{old_path}/index.html"] = gset
            for item in gset.items:
                moved[f"{old_path}/{item.number:02d}/index.html"] = item
        for item in gset.items:
            for number in item.previous_numbers:
                moved[f"{gset.path}/{number:02d}/index.html"] = item
    return moved


def content_page(page: Path, root: Path) -> str:
    """A hand-written page as text; one that cannot be read or is not UTF-8 is a finding."""
    shown = shown_path(page, root)
    try:
        raw = page.read_bytes()
        return raw.decode("utf-8")
    except OSError as exc:
        message = f"verwacht een leesbaar bestand, gevonden: {exc.strerror}"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"verwacht UTF-8-tekst, gevonden de byte 0x{raw[exc.start]:02x} op regel {line}"
    raise FindingsError([Finding.for_file(shown, message, "content-page")])


def render_site(
    site: Site,
    config: SiteConfig,
    content_dir: Path,
    *,
    templates: Templates | None = None,
    only: Callable[[str], bool] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, str | bytes]:
    """Every file of the docs tree, by its path relative to the docs directory.

    The preview passes `templates` (kept between renders), `only` (just the files whose path it
    accepts; a record's page brings its citation files along) and `cancelled` (see Renderer).
    """
    r = Renderer(site, config, templates, only, cancelled)
    r.page("index.md", pages.HomePage)
    overview_facets = facets(site)
    for first, ordered in overviews(site).items():
        for listing in pages.Listing.split(first, ordered):
            if r.wants(listing.path):
                r.page(
                    listing.path,
                    pages.InitiativesPage,
                    listing=listing,
                    facets=overview_facets,
                )
    for initiative in site.initiatives:
        if not r.wants(initiative.page):
            continue
        c = cite(of_initiative(initiative, config), config)
        r.page(initiative.page, pages.InitiativePage, i=initiative, cite=c)
        r.citation_files(initiative.url, c)
    r.page("kwaliteitskader.md", pages.FrameworkPage)
    r.page("aanbevelingen-en-tips.md", pages.GuidanceOverviewPage)
    for gset in site.guidance_sets:
        r.page(gset.page, pages.GuidanceSetPage, gset=gset)
        for item in gset.items:
            if not r.wants(item.page):
                continue
            c = cite(of_item(item, config), config)
            r.page(item.page, pages.GuidanceItemPage, item=item, cite=c)
            r.citation_files(item.url, c)
    if any(map(r.wants, ["open-data.md", *EXPORTS])):
        exports = render_exports(site, config)
        for path, text in exports.items():
            r.file(path, text)
        r.page(
            "open-data.md",
            pages.OpenDataPage,
            exports=EXPORTS,
            sizes={path: len(text.encode("utf-8")) for path, text in exports.items()},
        )
    for path, target in redirects(site).items():
        if r.wants(path):
            r.page(
                path,
                pages.RedirectPage,
                target=target,
                relative=posixpath.relpath(target.url, posixpath.dirname(path)) + "/",
            )
    for page in sorted(content_dir.glob("*.md")):
        if r.wants(page.name):
            r.file(page.name, content_page(page, content_dir.parent))
    if r.wants(BROWSE_PAGE):
        r.page(BROWSE_PAGE, pages.SearchPage, facets=facets(site))
    r.page(COMPARE_PAGE, pages.ComparePage)
    if r.wants(WORDS):
        hand_written = (content_page(p, content_dir.parent) for p in content_dir.glob("*.md"))
        r.file(WORDS, word_list(site, hand_written))
    for name in ("kennisbank.css", "kennisbank-a11y.js", "kennisbank-page.js", COMPARE_SCRIPT):
        r.asset(name)
    for name in SEARCH_ASSETS:
        r.asset(name)
    return r.pages
