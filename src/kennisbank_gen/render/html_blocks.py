"""HTML blocks the templates write into the generated pages, marked so that our build hands them
to the page as they are, without Python-Markdown parsing them first.

Python-Markdown passes a raw HTML block through untouched, but finds where the block ends by
parsing it tag by tag with Python's `html.parser`. This site's cards, browse form, quality
profiles and search data are HTML: at 1,000 records, parsing them took a fifth of MkDocs' CPU.
So the templates put each such block between two marker lines (`html_block`, a Jinja filter):
Markdown reference definitions, which a Markdown engine drops (MkDocs or Zensical building the
docs tree as it is make the same pages). Our build gives MkDocs' Markdown one more step,
`PassHtmlBlocks`, which stores each marked block in Python-Markdown's HTML stash as
Python-Markdown's own HTML step stores a raw block, without parsing it. The page comes out the
same, byte for byte: tests/test_build_parallel.py compares our site with MkDocs' own build of
the same docs tree, tests/test_html_blocks.py generated pages.

That holds for a block that step would pass whole: complete block-level HTML elements, each
starting a line and ending one, nothing between them but line ends, no blank line, no
`markdown` attribute (md_in_html converts what those hold). The templates mark only such
blocks of their own HTML. (A record's body is not marked: an editor's text can make any HTML
the sanitizer lets through, so it would have to be checked, and at 1,000 records the bodies'
HTML is 2,000 of the pages' 179,000 start tags.) A marked block that does not start with a
block-level tag and end with that tag's end, or that holds a blank line or a tag with
`markdown` in it, is left to Python-Markdown (the markers then vanish as any reference
definition does).
"""

from __future__ import annotations

import re

import markdown
from markupsafe import Markup

OPEN = "[//]: # (kb-html)"
CLOSE = "[//]: # (/kb-html)"
#: the first tag of a block, as Python-Markdown's own raw HTML step reads it
_FIRST_TAG = re.compile(r"<([^ >]+)")
_MARKDOWN_ATTRIBUTE = re.compile(r"<[^>]*\smarkdown\b")


def html_block(html: str) -> Markup:
    """Jinja filter: a block of HTML between the markers, blank lines around each."""
    return Markup(f"{OPEN}\n\n{html.strip()}\n\n{CLOSE}\n")


class _Pass(markdown.preprocessors.Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        start = 0
        while True:
            try:
                opened = lines.index(OPEN, start)
                closed = lines.index(CLOSE, opened)
            except ValueError:
                return out + lines[start:]
            html = "\n".join(lines[opened + 1 : closed]).strip("\n")
            out += lines[start : opened + 1]
            out += (
                ["", self._store(html), ""] if self._passable(html) else lines[opened + 1 : closed]
            )
            out.append(CLOSE)
            start = closed + 1

    def _store(self, html: str) -> str:
        """The block in the stash, with the line end after its closing tag (as Python-Markdown's
        HTML step stores it); its placeholder."""
        return self.md.htmlStash.store(html + "\n")

    def _passable(self, html: str) -> bool:
        first = _FIRST_TAG.match(html)
        return (
            first is not None
            and self.md.is_block_level(first.group(1))
            and html.endswith(f"</{first.group(1)}>")
            and "\n\n" not in html
            and not _MARKDOWN_ATTRIBUTE.search(html)
        )


class PassHtmlBlocks(markdown.Extension):
    """The marked HTML blocks stored in the HTML stash as they are (after the whitespace is
    normalised, before Python-Markdown's own raw HTML step)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_Pass(md), "kb_html_blocks", 25)
