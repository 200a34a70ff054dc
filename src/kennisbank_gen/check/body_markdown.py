"""The Markdown of a record's body, defined once: which extensions render it, which elements,
attributes and link schemes may come out (the validator's render check and the sanitizer use the
same lists), and a converter whose work grows linearly with the body.

Where Python-Markdown's work grows with the square of the text, its step is replaced here by one
that gives the same HTML (tests/test_linear.py compares the two on generated bodies and counts
the work on every shape we know):

- the link patterns look for the `]` that closes each `[` (`getText`) and the `)` that closes
  each `](` (`getLink`) by walking the text to its end, from every `[`: a body of `"[a "`
  repeated took 16 s to build at 10 KB, 52 s at 20 KB. Here they visit only brackets, or
  parentheses and quotes, and at most `MAX_LINK_PARTS` of them: a link whose text holds more
  square brackets, or whose address and title more parentheses and quotes, stays text;
- the code span pattern looks for the run of backticks that closes each opening run by walking
  the text to its end, character by character (`find_code_spans`); here the runs of the text
  are listed once and looked up (`_CodeSpans`);
- fenced code blocks: the whole text was copied once per block (`_FencedBlocks`);
- indented code in parts separated by blank lines: the block's text was copied once per part
  (`_IndentedCode`);
- the tables and admonition extensions test every block they are offered, and a block that
  loses one line at a time (headings, rules) is offered once per line: the table test split the
  whole block into rows, the admonition test searched all of it (`_TableTest`, `_AdmonitionTest`);
- the inline step walks the elements breadth first, taking each from the front of a list
  (`list.pop(0)`): quadratic in the elements of the whole body (a megabyte of line breaks took
  16 s where 100 KB took 0.6 s). Here it runs on one top-level block at a time (`_InlinePerBlock`).

What stays is Python-Markdown's own way with one block of text (the lines between two empty
lines): each match and each split copies the rest of the block, and several block steps search
all of it, once per line. The validator keeps blocks within `MAX_BLOCK` characters and
`MAX_BLOCK_LINES` lines (`markdown_safety`), so that work too grows linearly with the body.
"""

from __future__ import annotations

import bisect
import re
from typing import Any
from xml.etree import ElementTree

import markdown
from markdown import util
from markdown.blockprocessors import CodeBlockProcessor
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import (
    BacktickInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
    dequote,
)
from markdown.treeprocessors import InlineProcessor

#: the Markdown extensions of mkdocs.yml, plus the ones MkDocs always adds (a test keeps this
#: in step with mkdocs.yml)
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "def_list", "md_in_html"]
#: the elements Markdown itself makes from a body, and what may stay of their attributes
TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "code", "pre", "blockquote"),
    *("ul", "ol", "li", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd"),
    "div",  # admonitions
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "div": {"class"},  # admonition, note, warning...
    "p": {"class"},  # admonition-title
    "code": {"class"},  # language-python
    "th": {"style"},  # text-align only
    "td": {"style"},
}
#: where a link in a body may go (besides the page's own headings, `#...`)
URL_SCHEMES = ("http", "https", "mailto")

#: how many brackets a link's text, or parentheses and quotes its address and title, may hold
MAX_LINK_PARTS = 32
#: the largest block of text (the lines between two empty lines) a body may hold: characters
#: and lines (a block is offered to every block step once per line it loses)
MAX_BLOCK = 10_000
MAX_BLOCK_LINES = 100
_BRACKET = re.compile(r"[\[\]]")
_BACKTICKS = re.compile(r"`+")
_LINK_PART = re.compile(r"[()'\"]")


class _BoundedLinks:
    """`getText` and `getLink` of Python-Markdown's link patterns (see the module): the same
    results, found by visiting only brackets, parentheses and quotes, at most MAX_LINK_PARTS."""

    RE_LINK: re.Pattern
    RE_TITLE_CLEAN: re.Pattern
    unescape: Any

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        depth = 1
        for seen, found in enumerate(_BRACKET.finditer(data, index)):
            if seen == MAX_LINK_PARTS:
                break
            depth += 1 if found.group() == "[" else -1
            if depth == 0:
                return data[index : found.start()], found.end(), True
        return "", index, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        m = self.RE_LINK.match(data, pos=index)
        if m and m.group(1):  # [text](<link> "title"): Python-Markdown's own way
            return super().getLink(data, index)  # type: ignore[misc]
        if not m:
            return "", None, index, False
        href, title, index, handled = _link_end(data, m.end())
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", dequote(self.unescape(title.strip())))
        return self.unescape(href).strip(), title, index, handled


def _last_before(data: str, pos: int, start: int) -> str:
    """The last character before `pos` (from `start` on) that is not a space, or ''."""
    while pos > start:
        pos -= 1
        if data[pos] != " ":
            return data[pos]
    return ""


def _link_end(data: str, start: int) -> tuple[str, str | None, int, bool]:
    """Where `[text](` ends: Python-Markdown's walk through `(...)` with its nesting and its
    primary and secondary quotes, over the parentheses and quotes only. (href, raw title, index
    after the link, handled)."""
    bracket_count, backtrack_count, last_bracket = 1, 1, -1
    quote: str | None = None
    start_quote = exit_quote = -1
    alt_quote: str | None = None
    start_alt_quote = exit_alt_quote = -1
    ignore_matches = False
    for seen, found in enumerate(_LINK_PART.finditer(data, start)):
        if seen == MAX_LINK_PARTS:
            return "", None, start, False
        pos, c = found.start(), found.group()
        last = _last_before(data, pos, start)
        if c == "(":
            if not ignore_matches:
                bracket_count += 1
            elif backtrack_count > 0:
                backtrack_count -= 1
        elif c == ")":
            if (exit_quote != -1 and quote == last) or (exit_alt_quote != -1 and alt_quote == last):
                bracket_count = 0
            elif not ignore_matches:
                bracket_count -= 1
            elif backtrack_count > 0:
                backtrack_count -= 1
                if backtrack_count == 0:
                    last_bracket = pos + 1
        elif not quote:
            ignore_matches, backtrack_count, bracket_count = True, bracket_count, 1
            start_quote, quote = pos + 1, c
        elif c != quote and not alt_quote:
            start_alt_quote, alt_quote = pos + 1, c
        elif c == quote:
            exit_quote = pos + 1
        elif alt_quote and c == alt_quote:
            exit_alt_quote = pos + 1
        if bracket_count == 0:
            if exit_quote >= 0 and quote == last:
                return (
                    data[start : start_quote - 1],
                    data[start_quote : exit_quote - 1],
                    pos + 1,
                    True,
                )
            if exit_alt_quote >= 0 and alt_quote == last:
                href = data[start : start_alt_quote - 1]
                return href, data[start_alt_quote : exit_alt_quote - 1], pos + 1, True
            return data[start:pos], None, pos + 1, True
    if backtrack_count == 0:  # `[text](link"notitle)`: the unclosed title was part of the link
        return data[start : last_bracket - 1], None, last_bracket, True
    return "", None, len(data), False


class _CodeSpans(BacktickInlineProcessor):
    """Python-Markdown's code spans, with `find_code_spans` answered from a list of the text's
    runs of backticks: the first run as long as the opening one, else the first of the longest.

    The list is made for the rest of the text from the first run asked about. The pattern then
    moves forward through the text, and each code span it makes changes only the text before
    where it goes on: runs are kept by their distance from the end of the text, and the list
    stays good as long as that end of the text stays the same (compared, not assumed)."""

    def __init__(self, pattern: str) -> None:
        super().__init__(pattern)
        self._text: str | None = None
        self._covered = 0  # how much of the end of `_text` the list covers
        self._places: list[int] = []  # -(distance from the end) of each run, ascending
        self._lengths: list[int] = []
        self._by_length: dict[int, list[int]] = {}
        self._longest: list[int] = []  # from run j on: the first of the longest runs

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        opening = _BACKTICKS.match(text, start)
        ticks = opening.end() - start if opening else 0
        after = start + ticks
        distance = len(text) - after
        if not self._lists(text, distance):
            self._list_runs(text, after)
        first = bisect.bisect_left(self._places, -distance)
        same = self._by_length.get(ticks, [])
        k = bisect.bisect_left(same, first)
        if k < len(same):
            return after, len(text) + self._places[same[k]]
        if first < len(self._places):
            longest = self._longest[first]
            length = self._lengths[longest]
            if 0 < length < ticks:
                return after - (ticks - length), len(text) + self._places[longest]
        return after + ticks, None

    def _lists(self, text: str, distance: int) -> bool:
        """Whether the list of runs holds for the last `distance` characters of `text`."""
        if text is self._text:
            return distance <= self._covered
        old = self._text
        if old is None or distance > self._covered or len(text) < distance:
            return False
        if text[len(text) - distance :] != old[len(old) - distance :]:
            return False
        self._text, self._covered = text, distance
        return True

    def _list_runs(self, text: str, after: int) -> None:
        runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(text, after)]
        self._places = [place - len(text) for place, _ in runs]
        self._lengths = [length for _, length in runs]
        self._by_length = {}
        for j, length in enumerate(self._lengths):
            self._by_length.setdefault(length, []).append(j)
        self._longest = [0] * len(runs)
        for j in range(len(runs) - 1, -1, -1):
            later = self._longest[j + 1] if j + 1 < len(runs) else j
            self._longest[j] = j if self._lengths[j] >= self._lengths[later] else later
        self._text, self._covered = text, len(text) - after


_LINK_PATTERNS: dict[type, type] = {
    base: type(f"Bounded{base.__name__}", (_BoundedLinks, base), {})
    for base in (
        ReferenceInlineProcessor,
        LinkInlineProcessor,
        ImageInlineProcessor,
        ImageReferenceInlineProcessor,
        ShortReferenceInlineProcessor,
        ShortImageReferenceInlineProcessor,
    )
}
_LINK_PATTERNS[BacktickInlineProcessor] = _CodeSpans


class BoundedLinks(Extension):
    """Python-Markdown's link and image patterns, each replaced (same name, same priority) by
    its bounded version (`_BoundedLinks`)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for item in list(md.inlinePatterns._priority):
            pattern: Any = md.inlinePatterns[item.name]
            bounded = _LINK_PATTERNS.get(type(pattern))
            if bounded is _CodeSpans:
                md.inlinePatterns.register(_CodeSpans(pattern.pattern), item.name, item.priority)
            elif bounded is not None:
                md.inlinePatterns.register(bounded(pattern.pattern, md), item.name, item.priority)


class _FencedBlocks(FencedBlockPreprocessor):
    """Python-Markdown's fenced code blocks, each handed to its own `run` on its own: the text
    around the blocks is joined once, not copied once per block."""

    def run(self, lines: list[str]) -> list[str]:
        text, parts, start = "\n".join(lines), [], 0
        while m := self.FENCED_BLOCK_RE.search(text, start):
            if m.group("attrs") and get_attrs_and_remainder(m.group("attrs"))[1]:
                start = m.end("attrs")  # no block: Python-Markdown skips it so
                continue
            parts += [text[start : m.start()], "\n".join(super().run(m.group(0).split("\n")))]
            start = m.end()
        parts.append(text[start:])
        return "".join(parts).split("\n")


class _IndentedCode(CodeBlockProcessor):
    """Python-Markdown's indented code blocks. A block in parts (blank lines between them)
    keeps only its last part as the element's text while the blocks are parsed (the empty-block
    step adds its line breaks there), the earlier parts aside; `_JoinCode` joins them once."""

    def __init__(self, parser: Any) -> None:
        super().__init__(parser)
        self.parts: dict[Any, list[str]] = {}

    def run(self, parent: Any, blocks: list[str]) -> None:
        sibling = self.lastChild(parent)
        if sibling is None or sibling.tag != "pre" or not len(sibling) or sibling[0].tag != "code":
            super().run(parent, blocks)
            return
        block, rest = self.detab(blocks.pop(0))
        code = sibling[0]
        self.parts.setdefault(code, []).append(code.text)
        code.text = util.AtomicString(f"\n{util.code_escape(block.rstrip())}\n")
        if rest:
            blocks.insert(0, rest)


class _JoinCode(markdown.treeprocessors.Treeprocessor):
    """Puts the parts of each indented code block together (`_IndentedCode`), first of all the
    steps that read the tree."""

    def __init__(self, md: markdown.Markdown, code: _IndentedCode) -> None:
        super().__init__(md)
        self.code = code

    def run(self, root: Any) -> None:
        for element, parts in self.code.parts.items():
            element.text = util.AtomicString("".join([*parts, element.text]))
        self.code.parts.clear()


class _TableTest(TableProcessor):
    """The tables extension's test on the first two lines of the block (the third and later
    only for a one-column table with borders, as the original does)."""

    def test(self, parent: Any, block: str) -> bool:
        head = block.split("\n", 2)
        is_table = super().test(parent, "\n".join(head[:2]))  # sets the border of row one
        if len(head) > 2 and self.border and len(self._split_row(head[0].strip(" "))) == 1:
            return super().test(parent, block)  # one column with borders: every row counts
        return is_table


class _AdmonitionTest(AdmonitionProcessor):
    """The admonition extension's test, which searches the whole block for `!!!`, skipped where
    the block has no `!!!` at all (found at the speed of a byte search)."""

    def test(self, parent: Any, block: str) -> bool:
        if "!!!" not in block:
            return self.parse_content(parent, block)[0] is not None
        return super().test(parent, block)


class _InlinePerBlock(InlineProcessor):
    """Python-Markdown's inline step, run on each top-level block on its own (under a stand-in
    for the root with the root's tag, so every element has the ancestors it would have), and
    the root's children put back in order with whatever the step put beside them."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        if ancestors is not None or len(tree) < 2:
            return super().run(tree, ancestors)
        children = []
        for child in list(tree):
            holder = ElementTree.Element(tree.tag)
            holder.append(child)
            super().run(holder)
            children += list(holder)
        tree[:] = children
        return tree


class LinearBlocks(Extension):
    """The block steps of Python-Markdown and its extensions that copy or search the rest of
    the text for every block or line, replaced (same names, same priorities; see the module)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        fenced = md.preprocessors["fenced_code_block"]
        md.preprocessors.register(
            _FencedBlocks(md, fenced.config),
            "fenced_code_block",
            _priority(md.preprocessors, "fenced_code_block"),
        )
        blocks = md.parser.blockprocessors
        code = _IndentedCode(md.parser)
        blocks.register(code, "code", _priority(blocks, "code"))
        md.treeprocessors.register(_JoinCode(md, code), "join_code", 100)
        table = blocks["table"]
        blocks.register(_TableTest(md.parser, table.config), "table", _priority(blocks, "table"))
        blocks.register(_AdmonitionTest(md.parser), "admonition", _priority(blocks, "admonition"))
        inline = _InlinePerBlock(md)
        md.treeprocessors.register(inline, "inline", _priority(md.treeprocessors, "inline"))


def _priority(registry: Any, name: str) -> float:
    return next(item.priority for item in registry._priority if item.name == name)


def body_converter() -> markdown.Markdown:
    """A converter for bodies: the site's extensions, links bounded (see the module). Setting
    one up costs as much as converting a body: keep it, and `reset()` it between bodies."""
    return markdown.Markdown(extensions=[*EXTENSIONS, BoundedLinks(), LinearBlocks()])
