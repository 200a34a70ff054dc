"""Render: site model -> the generated docs tree (Markdown pages via Jinja2 + static files).

Plain text from records is escaped twice over: HTML (autoescape) and Markdown syntax (`md`
filter), so a title can never become markup or a link. Markdown fields were checked by validate.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..config import SiteConfig
from . import pages
from .exports import EXPORTS, render_exports
from .model import GuidanceItem, GuidanceSet, Initiative, Site
from .search import ASSETS as SEARCH_ASSETS
from .search import BROWSE_PAGE, SUMMARY_WEIGHT, facets, page_data

_YAML_UNSAFE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff']"
)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
ICON_PATHS = {
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" '
    'stroke-width="2.5"/>',
    "partial": '<circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" '
    'stroke-width="2"/><path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor"/>',
    "cross": '<path d="M6 6l12 12M18 6L6 18" fill="none" stroke="currentColor" '
    'stroke-width="2.5"/>',
    "minus": '<path d="M6 12h12" fill="none" stroke="currentColor" stroke-width="2.5"/>',
}


def md(text: str) -> Markup:
    """Plain text for a Markdown context: one line, Markdown syntax and HTML escaped."""
    one_line = " ".join(str(text).split())
    return Markup(escape(_MD_SPECIAL.sub(r"\\\1", one_line)))


def front_matter(text: str) -> Markup:
    """Text for a front-matter field (`title`, `description`), as a JSON string.

    MkDocs renders theme templates without autoescape and Material inserts these fields into the
    HTML as they are (`<title>`, the header, `<meta name="description" content="...">`), so they
    must already be HTML: `&`, `<`, `>` and `"` become entities.
    """
    html = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # JSON is a YAML double-quoted scalar. Emoji stay as they are (PyYAML would read a JSON
    # surrogate pair as two broken characters); what YAML reads as a line break is escaped,
    # and so is ' (as Jinja's tojson does).
    quoted = json.dumps(html.replace('"', "&quot;"), ensure_ascii=False)
    return Markup(_YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted))


def icon(name: str) -> Markup:
    return Markup(
        '<svg class="kb-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" '
        f'focusable="false">{ICON_PATHS[name]}</svg>'
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kennisbank_gen.site", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["icon"] = icon
    env.filters["front_matter"] = front_matter
    env.filters["trusted_markdown"] = Markup  # only for Markdown fields checked by validate
    env.globals["search_data"] = page_data
    env.globals["search_summary_weight"] = SUMMARY_WEIGHT
    return env


class Renderer:
    """Renders each page's template with its context (`pages.py`: one dataclass per kind)."""

    def __init__(self, site: Site, config: SiteConfig):
        self.site = site
        self.config = config
        self.env = _environment()
        self.pages: dict[str, str | bytes] = {}

    def page(self, path: str, kind: type[pages.Page], **fields) -> None:
        def link(target: str) -> str:
            """Relative link from this page's source file to another's (MkDocs resolves it)."""
            return posixpath.relpath(target, posixpath.dirname(path) or ".")

        context = kind(site=self.site, config=self.config, link=link, **fields)
        values = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
        self.pages[path] = self.env.get_template(kind.TEMPLATE).render(values)

    def file(self, path: str, content: str | bytes) -> None:
        self.pages[path] = content

    def asset(self, name: str) -> None:
        """A file shipped in the package's assets/, at assets/<name> in the site."""
        data = resources.files(__package__).joinpath("assets", name).read_bytes()
        self.file(f"assets/{name}", data)


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


def render_site(site: Site, config: SiteConfig, content_dir: Path) -> dict[str, str | bytes]:
    """Every file of the docs tree, by its path relative to the docs directory."""
    r = Renderer(site, config)
    r.page("index.md", pages.HomePage)
    r.page(
        "initiatieven/index.md", pages.InitiativesPage, order="date", initiatives=site.initiatives
    )
    r.page(
        "initiatieven/op-titel.md",
        pages.InitiativesPage,
        order="title",
        initiatives=sorted(site.initiatives, key=lambda i: i.title.casefold()),
    )
    for initiative in site.initiatives:
        r.page(initiative.page, pages.InitiativePage, i=initiative)
    r.page("kwaliteitskader.md", pages.FrameworkPage)
    r.page("aanbevelingen-en-tips.md", pages.GuidanceOverviewPage)
    for gset in site.guidance_sets:
        r.page(gset.page, pages.GuidanceSetPage, gset=gset)
        for item in gset.items:
            r.page(item.page, pages.GuidanceItemPage, item=item)
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
        r.page(
            path,
            pages.RedirectPage,
            target=target,
            relative=posixpath.relpath(target.url, posixpath.dirname(path)) + "/",
        )
    for page in sorted(content_dir.glob("*.md")):
        r.file(page.name, page.read_text(encoding="utf-8"))
    r.page(BROWSE_PAGE, pages.SearchPage, facets=facets(site))
    for name in ("kennisbank.css", "kennisbank-a11y.js", *SEARCH_ASSETS):
        r.asset(name)
    return r.pages
