"""Markdown safety: what a record's Markdown body may hold, and where each problem is.

The checks are fast patterns over the Markdown source: no raw HTML or attribute lists, no images,
links only to http(s) and mailto addresses. They treat code (spans and fenced blocks) as text,
but how Python-Markdown pairs backticks, or where it starts a block, can differ from any pattern.
So when treating something as code is what makes a body acceptable, `renders_safely` has the last
word: the body, rendered with the site's Markdown extensions, may hold only the elements and
attributes Markdown itself makes, and links only to http(s), mailto or the page's own headings.
"""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

from markdown.extensions.fenced_code import FencedBlockPreprocessor

from ..findings import Finding, Fix
from ..read.load import Document
from ..schema_errors import web_address
from .body_markdown import (
    ATTRIBUTES,
    MAX_BLOCK,
    MAX_BLOCK_LINES,
    TAGS,
    URL_SCHEMES,
    body_converter,
)

#: anything Python-Markdown might pass through as raw HTML. Deliberately wide: it resolves links
#: and code spans before it looks for tags, so `<x onmouseover=... <https://a.nl>>` becomes a tag
#: around a link, and browsers read `<x=y onmouseover=...>` as an element with an event handler.
_RAW_HTML = re.compile(
    r"<[!?][^<>]*>?"  # comments, <!DOCTYPE>, <?php ?>
    # not an autolink as Python-Markdown makes one: <http(s)://...>, <ftp://...> (its scheme is
    # checked below), <name@example.org>; <https:x/onfocus=...> (no //) is raw HTML to it
    r"|<(?!(?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*>)"
    r"(?![^<> !]+@[^@<> ]+>)"
    # not <scheme:...> with a scheme we refuse anyway: that is reported as a link, below
    r"(?!(?![Hh][Tt][Tt][Pp][Ss]?:|[Mm][Aa][Ii][Ll][Tt][Oo]:)[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>)"
    r"/?[A-Za-z][^<>]*>?"
)
#: each kind of link on its own pass: a line that only looks like a reference definition must
#: not hide the inline links on it
_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?(?P<inline>(?:[^()\s>]|\([^()\s>]*\))*)"),  # [text](url), with (...)
    re.compile(r"\[[^\[\]\n]*\]:\s*<?(?P<ref>\S*?)>?(?:\s|$)"),  # [ref]: url, also in lists
    re.compile(r"<(?P<auto>[A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>"),  # <scheme:...>
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: attr_list syntax (`{: #id .class key=value }`) would put any attribute, such as onclick or
#: style, on the element before it; records never need it
_ATTR_LIST = re.compile(r"\{:?[ \t]*[^{}\s][^{}\n]*\}")
#: a code span: backticks, the same number to close, within one paragraph
#: a code span on one line. Python-Markdown lets one run on over line breaks, but it parses
#: blocks first: a next line starting with `#`, `-` or `<script>` is a heading, a list item or raw
#: HTML, not code. So only one-line spans count as code here (longer ones are checked as text).
#: Found by pairing runs of backticks (`_code_spans`), not by one pattern: a pattern that looks
#: for the closing run from every opening one is quadratic on a line of runs that never close.
_BACKTICK_RUN = re.compile(r"`+")
#: a fenced code block exactly as Python-Markdown's fenced_code finds it; only its content is
#: code: the opening line may carry `{ attributes }`, which fenced_code puts on the element
_FENCED = FencedBlockPreprocessor.FENCED_BLOCK_RE
#: an image loads from another site as the page opens: it would leak visitors' data
_IMAGE = re.compile(r"!\[")


#: longer bodies are not rendered here: their code is checked as text (the safe side)
MAX_RENDER = 100_000

#: deeper than this, Python-Markdown recurses towards a RecursionError (lists fail near 300
#: levels, nested emphasis near 1,000) and slows down quadratically (blockquotes): a finding
MAX_BLOCK_DEPTH = 20
MAX_EMPHASIS_DEPTH = 50
#: what opens a nested block at the start of a line: indentation, `>`, list markers
_BLOCK_PREFIX = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+[ \t>]*)*", re.MULTILINE)
#: the first MAX_BLOCK_DEPTH characters of such a prefix (each one `_BLOCK_PREFIX` can match)
_LONG_PREFIX = re.compile(rf"^[ \t>*+0-9.)-]{{{MAX_BLOCK_DEPTH}}}", re.MULTILINE)
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")
_EMPHASIS_RUN = re.compile(r"[*_]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
#: what Python-Markdown splits a text into blocks at: an empty line (or one of blanks)
_BLOCK_BREAK = _PARAGRAPH_BREAK

#: what the sanitizer keeps (`body_markdown`), and the ids the toc extension gives headings;
#: `style` only as the tables extension writes it (`_ALIGN`)
_ATTRIBUTES = {name for names in ATTRIBUTES.values() for name in names} - {"style"} | {"id"}
_ALIGN = re.compile(r"text-align: (left|right|center);")
_HREF = re.compile("|".join([*(f"{scheme}:" for scheme in URL_SCHEMES), "#"]), re.IGNORECASE)


class _Check(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.safe = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
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
    try:
        html = body_converter().convert(body)
    except RecursionError:
        return False
    check = _Check()
    check.feed(html)
    check.close()
    return check.safe


def _mask_code_spans(body: str, fill: str = " ") -> str:
    """The body with the content of fenced code blocks and code spans blanked out with `fill`
    (same length, newlines kept): Python-Markdown escapes what they hold, so markup there is
    text."""

    def blank(text: str) -> str:
        return re.sub(r"[^\n]", fill, text)

    def fenced(m: re.Match) -> str:
        start, end = m.start("code") - m.start(), m.end("code") - m.start()
        whole = m.group(0)
        return whole[:start] + blank(whole[start:end]) + whole[end:]

    if "```" in body or "~~~" in body:  # (what a fence needs)
        body = _FENCED.sub(fenced, body)
    spans = _code_spans(body)
    if not spans:
        return body
    chars = list(body)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each one-line code span: a run of backticks not after a backslash, up to
    the next run of the same length on its line. O(n log n): each run is looked at once."""
    spans: list[tuple[int, int]] = []
    if "`" not in text:
        return spans
    for line in re.finditer(r"[^\n]+", text):
        runs = list(_BACKTICK_RUN.finditer(text, line.start(), line.end()))
        by_length: dict[int, list[int]] = {}
        for index, run in enumerate(runs):
            by_length.setdefault(len(run.group(0)), []).append(index)
        resume = 0
        for index, run in enumerate(runs):
            if index < resume or (run.start() > 0 and text[run.start() - 1] == "\\"):
                continue
            same = by_length[len(run.group(0))]
            later = bisect.bisect_right(same, index)
            if later < len(same):
                closer = runs[same[later]]
                spans.append((run.start(), closer.end()))
                resume = same[later] + 1
    return spans


def _body_problems(body: str) -> list[tuple[int, str, str, str]]:
    """(offset, matched text, message, rule) for everything a Markdown body may not hold.

    Code is text, so it is left out; but when leaving it out is what hides a problem, rendering
    has the last word (backticks can pair up differently from any pattern).
    """
    masked = _mask_code_spans(body)
    # (code blanked with a letter there: blanks would read as indentation, so a long line of
    # code, or a list item that starts with a code span, would look nested dozens of levels)
    problems = _problems_in(masked)
    nesting = _nesting_problems(_mask_code_spans(body, "x") if masked != body else body)
    nesting += _block_problems(body)
    if masked != body and not nesting:
        everything = _problems_in(body)
        if len(everything) > len(problems) and not renders_safely(body):
            return everything
    return sorted(problems + nesting)


def _block_problems(text: str) -> list[tuple[int, str, str, str]]:
    """Blocks of text (lines between two empty lines) of more than MAX_BLOCK characters or
    MAX_BLOCK_LINES lines: rendering one costs Python-Markdown time that grows with the square
    of its size (`body_markdown`)."""
    problems, start = [], 0
    large = len(text) > MAX_BLOCK or text.count("\n") >= MAX_BLOCK_LINES
    for brk in [*_BLOCK_BREAK.finditer(text), None] if large else ():
        end = brk.start() if brk else len(text)
        lines = text.count("\n", start, end) + 1
        if end - start > MAX_BLOCK or lines > MAX_BLOCK_LINES:
            found = (
                f"{_number(end - start)} tekens" if end - start > MAX_BLOCK else f"{lines} regels"
            )
            message = (
                f"verwacht blokken tekst (de regels tussen twee lege regels) van hoogstens "
                f"{_number(MAX_BLOCK)} tekens en {MAX_BLOCK_LINES} regels, gevonden een blok van "
                f"{found}; zet een lege regel tussen alinea's"
            )
            problems.append(
                (start, text[start : start + 40].partition("\n")[0], message, "markdown-size")
            )
        start = brk.end() if brk else end
    return problems


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _nesting_problems(text: str) -> list[tuple[int, str, str, str]]:
    """Blocks or emphasis nested too deeply to render: one finding each, the first place only.

    One pass over the text: a line's block depth is its indentation (4 columns a level) plus its
    `>` and list markers; emphasis depth rises with each run of `*`/`_` that opens (before a
    non-space) and falls with each that closes, within a paragraph.
    """
    problems: list[tuple[int, str, str, str]] = []
    # (each loop only where it can find something: a prefix of MAX_BLOCK_DEPTH characters, more
    # emphasis characters than MAX_EMPHASIS_DEPTH; bodies are checked by the thousand)
    long_prefix = _LONG_PREFIX.search(text) is not None
    for m in _BLOCK_PREFIX.finditer(text) if long_prefix else ():
        prefix = m.group(0)
        if len(prefix) < MAX_BLOCK_DEPTH:
            continue
        depth = (
            (len(prefix.expandtabs(4)) - len(prefix.replace(" ", "").replace("\t", ""))) // 4
            + prefix.count(">")
            + len(_LIST_MARKER.findall(prefix))
        )
        if depth > MAX_BLOCK_DEPTH:
            message = (
                f"verwacht Markdown die hoogstens {MAX_BLOCK_DEPTH} niveaus diep nest "
                f"(inspringen, lijsten, citaten), gevonden {depth} niveaus"
            )
            problems.append((m.start(), prefix, message, "markdown-nesting"))
            break
    if text.count("*") + text.count("_") <= MAX_EMPHASIS_DEPTH:
        return problems
    start = 0
    for paragraph in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = paragraph.start() if paragraph else len(text)
        depth = 0
        for run in _EMPHASIS_RUN.finditer(text, start, end):
            before = text[run.start() - 1] if run.start() > start else " "
            after = text[run.end()] if run.end() < end else " "
            opens, closes = not after.isspace(), not before.isspace()
            if opens and not closes:
                depth += len(run.group(0))
            elif closes and not opens:
                depth = max(depth - len(run.group(0)), 0)
            if depth > MAX_EMPHASIS_DEPTH:
                message = (
                    f"verwacht hoogstens {MAX_EMPHASIS_DEPTH} geneste nadrukken (* of _), "
                    f"gevonden meer"
                )
                problems.append((run.start(), run.group(0)[:40], message, "markdown-nesting"))
                return problems
        start = paragraph.end() if paragraph else end
    return problems


def _problems_in(text: str) -> list[tuple[int, str, str, str]]:
    problems = []
    for pattern, what in ((_RAW_HTML, "HTML"), (_ATTR_LIST, "attributen zoals {: .klasse }")):
        for m in pattern.finditer(text):
            message = f"verwacht Markdown zonder {what}, gevonden '{m.group(0)[:40]}'"
            problems.append((m.start(), m.group(0), message, "markdown-html"))
    for m in _IMAGE.finditer(text):
        found = text[m.start() : m.start() + 40].partition("\n")[0]
        problems.append(
            (
                m.start(),
                found,
                f"verwacht Markdown zonder afbeeldingen, gevonden '{found}'",
                "markdown-image",
            )
        )
    for m in (m for pattern in _LINK_TARGETS for m in pattern.finditer(text)):
        kind, url = next(iter(m.groupdict().items()))
        scheme = _SCHEME.match(url)
        if not scheme or scheme.group(1).lower() not in URL_SCHEMES:
            problems.append(
                (
                    m.start(kind),
                    url,
                    "verwacht een link naar een adres dat begint met https://, http:// of "
                    f"mailto:, gevonden '{url[:60]}'",
                    "link-scheme",
                )
            )
    return sorted(set(problems))  # <javascript:x> in [a](<javascript:x>) is found twice


def _body_places(doc: Document, body: str, problems: list) -> list[tuple[int, int]]:
    """The source (line, column) of each problem (sorted by offset), in one forward pass."""
    line0, _, style = doc.text_starts.get(("body",), (*doc.where(("body",)), ""))
    source = doc.source.splitlines()
    if style == "|":  # literal block: each line of the value is a line of the file, indented
        starts = [0] + [m.end() for m in re.finditer("\n", body)]
        places = []
        for offset, *_ in problems:
            index = bisect.bisect_right(starts, offset) - 1
            line = line0 + 1 + index
            end = starts[index + 1] - 1 if index + 1 < len(starts) else len(body)
            value_length = end - starts[index]
            source_length = len(source[line - 1]) if line <= len(source) else value_length
            indent = max(source_length - value_length, 0)
            places.append((line, indent + offset - starts[index] + 1))
        return places
    # folded, quoted or plain: YAML joined the lines, so find each match in the source itself;
    # matches come in source order, so the search only ever moves forward (line and column)
    places, cursor, column = [], line0 - 1, 0
    for _, matched, _, _ in problems:
        needle = matched.partition("\n")[0][:40]
        found, at = None, -1
        for i in range(cursor, len(source)):
            at = source[i].find(needle, column if i == cursor else 0)
            if at >= 0:
                found = i
                break
        if found is None:
            places.append((cursor + 1, 1))
            continue
        cursor, column = found, at + 1
        places.append((cursor + 1, at + 1))
    return places


def body_findings(doc: Document) -> list[Finding]:
    """Markdown fields: no raw HTML or attribute lists, no images, links only to http(s) and
    mailto addresses (one typed without its `https://` gets it as its fix)."""
    body = doc.data.get("body")
    if not isinstance(body, str):
        return []
    problems = _body_problems(body)
    findings = []
    for (_, matched, message, rule), (line, col) in zip(
        problems, _body_places(doc, body, problems), strict=True
    ):
        fix = None
        if rule == "link-scheme" and (address := web_address(matched)):
            message += f"; schrijf {address}"
            fix = Fix(line, col, matched, address)
        findings.append(Finding(doc.path, line, col, "body", message, rule, fix=fix))
    return findings
