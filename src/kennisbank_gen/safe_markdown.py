"""The last word on whether a Markdown body is safe: render it as the site does and look.

The validator's checks are fast patterns over the Markdown source. They treat code (spans and
fenced blocks) as text, but how Python-Markdown pairs backticks, or where it starts a block, can
differ from any pattern. So when treating something as code is what makes a body acceptable,
the validator asks `renders_safely`: the body, rendered with the site's Markdown extensions, may
hold only the elements and attributes Markdown itself makes, and links only to http(s), mailto
or the page's own headings.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

#: the Markdown extensions of mkdocs.yml, plus the ones MkDocs always adds (a test keeps this
#: in step with mkdocs.yml)
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "def_list"]
#: longer bodies are not rendered here: their code is checked as text (the safe side)
MAX_RENDER = 100_000

_ELEMENTS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "code", "pre", "blockquote"),
    *("ul", "ol", "li", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd"),
    "div",  # admonitions
}
_ATTRIBUTES = {"href", "title", "id", "class", "start"}
_ALIGN = re.compile(r"text-align: (left|right|center);")
_HREF = re.compile(r"(https?:|mailto:|#)", re.IGNORECASE)


class _Check(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.safe = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ELEMENTS:
            self.safe = False
        for name, value in attrs:
            value = value or ""
            if name == "style" and tag in ("th", "td") and _ALIGN.fullmatch(value):
                continue  # the tables extension's column alignment
            if name not in _ATTRIBUTES or (name == "href" and not _HREF.match(value.strip())):
                self.safe = False

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.safe = False

    def handle_decl(self, decl: str) -> None:
        self.safe = False

    def handle_pi(self, data: str) -> None:
        self.safe = False


def renders_safely(body: str) -> bool:
    """True when the rendered body holds nothing but what Markdown itself makes."""
    if len(body) > MAX_RENDER:
        return False
    html = markdown.Markdown(extensions=EXTENSIONS).convert(body)
    check = _Check()
    check.feed(html)
    check.close()
    return check.safe
