"""Editor-written Markdown -> sanitized HTML for a generated page.

The validator (`check.markdown_safety`) tells the editor what a body may not hold; this module
makes sure that whatever it missed never reaches a page (OWASP: escape on output, with an
allow-list). A body is rendered with the site's own Markdown extensions (`check.body_markdown`:
its links bounded, so rendering is linear), the HTML goes through `nh3` (Rust's ammonia) with the
allow-list of `check.body_markdown` (the elements and attributes Markdown itself makes, links only
to http(s), mailto or the page's own headings), and the result goes into the generated page as
raw HTML blocks, which MkDocs passes through untouched.

The body's top-level headings stay Markdown headings (their text escaped), so the page's table of
contents lists them and gives them ids unique on the page.
"""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup, escape

from ..check.body_markdown import ATTRIBUTES, TAGS, URL_SCHEMES, body_converter
from ..errors import FindingsError
from ..findings import Finding

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "hr"}


#: Zensical (0.0.x) takes a link whose address ends in ".md" for a link to one of the site's pages,
#: a mailto: address at a .md domain (Moldova) too, and fails a strict build on it ("page does
#: not exist"). With its dot written as a character reference the address is the same to a
#: browser (attribute values are decoded) and to Python-Markdown, and no page to Zensical.
_MAILTO_AT_MD = re.compile(r"(mailto:[^\"\s<>]*)\.(md)(?=$|[\"#>])", re.IGNORECASE)


def lower_scheme(url: str) -> str:
    """`HTTPS://x.nl/a.md` -> `https://x.nl/a.md`: schemes are case-insensitive (RFC 3986), and
    Zensical takes an address with an upper-case scheme for a page of the site."""
    scheme, colon, rest = url.partition(":")
    return scheme.lower() + colon + rest if colon and scheme.isalpha() else url


def engine_safe(html: str) -> str:
    """HTML or Markdown with every mailto: address at a .md domain written `&#46;md`."""
    return _MAILTO_AT_MD.sub(r"\1&#46;\2", html)


def link_address(url: str) -> Markup:
    """A record's http(s) or mailto: address for a Markdown link `[label](<address>)`: HTML
    escaped (autoescape does not reach a filter's result) and `engine_safe`."""
    return Markup(engine_safe(str(escape(lower_scheme(url)))))


def md(text: str) -> Markup:
    """Plain text for a Markdown context: one line, Markdown syntax and HTML escaped."""
    one_line = " ".join(str(text).split())
    return Markup(escape(_MD_SPECIAL.sub(r"\\\1", one_line)))


class NestingError(ValueError):
    """The Markdown nests deeper than Python-Markdown can render."""


def sanitize(html: str) -> str:
    """HTML with nothing but the allow-listed elements, attributes and link schemes."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        filter_style_properties={"text-align"},
        link_rel=None,
        strip_comments=True,
        # a relative link could point at any page or file of the site: only #anchors
        attribute_filter=_only_anchors,
    )


def _only_anchors(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        stripped = value.strip()
        if stripped.startswith("#") or ":" in stripped.split("/", 1)[0]:
            return lower_scheme(stripped)  # an #anchor, or a scheme nh3 checks (URL_SCHEMES)
        return None
    return value


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's Markdown converter: setting one up costs as much as converting a body, so
    it is made once and `reset` before each text (Python-Markdown's way to reuse one)."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = body_converter()
    return converter


def render_markdown(text: str) -> str:
    """Markdown rendered with the site's extensions and sanitized. Raises NestingError when it
    nests too deeply to render (the validator reports that as a finding first)."""
    converter = _converter()
    try:
        html = converter.reset().convert(text)
    except RecursionError:
        raise NestingError("te diep genest") from None
    finally:
        converter.reset()  # nothing of this text stays in the converter
    return engine_safe(sanitize(html))


_NEWLINE = re.compile("\n")


class _TopLevel(HTMLParser):
    """Finds the top-level headings of sanitized HTML: (start, end, level, text) by offset."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0, *(m.end() for m in _NEWLINE.finditer(html))]
        self.depth = 0
        self.headings: list[tuple[int, int, int, str]] = []
        self._open: tuple[int, int] | None = None
        self._text: list[str] = []
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _VOID:
            return
        if self.depth == 0 and tag in _HEADINGS:
            self._open, self._text = (self._offset(), int(tag[1])), []
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.depth -= 1
        if self.depth == 0 and self._open and tag in _HEADINGS:
            start, level = self._open
            end = self._offset() + len(f"</{tag}>")
            self.headings.append((start, end, level, "".join(self._text)))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def page_markdown(text: str) -> Markup:
    """A Markdown field as it goes into a generated page: sanitized HTML blocks, with top-level
    headings as escaped Markdown headings between them.

    The headings keep the page's outline whole (WCAG 1.3.1): the page's title is its one h1, so
    a text that uses `#` has all its headings one level lower, and a heading never goes more
    than one level below the one before it (`##` then `####` gives h2 then h3); the page before
    the text ends at h2."""
    html = render_markdown(text)
    headings = _TopLevel(html).headings
    lower = 1 if any(level == 1 for _, _, level, _ in headings) else 0
    parts, cursor, before = [], 0, 2
    for start, end, level, heading in headings:
        level = min(level + lower, before + 1)
        parts += [html[cursor:start].strip(), f"{'#' * level} {md(heading)}"]
        cursor, before = end, level
    parts.append(html[cursor:].strip())
    return Markup("\n\n".join(p for p in parts if p))


def field_markdown(text: str, path: str, field: str) -> Markup:
    """`page_markdown`, with a too deeply nested text as a finding on its file."""
    try:
        return page_markdown(text)
    except NestingError:
        message = "verwacht Markdown die minder diep nest, gevonden te diep geneste Markdown"
        raise FindingsError([Finding(path, 1, 1, field, message, "markdown-nesting")]) from None
