"""The hand-written pages (`content/*.md`): their front matter is an allow-list.

MkDocs reads a page's front matter (a YAML block between `---` lines, or MultiMarkdown-style
`key: value` lines at the very top) into `page.meta`, and the theme prints some of it into the
page as it is, without escaping: Material the title and the description, our override
(overrides/main.html) the `head` data of generated pages. So a content page may only say what
the hand-written pages need, and in plain text:

- `title` and `description`: text without `<`, `>` or `"`;
- `search`: `{exclude: true}` (keeps the page out of the search index);
- `hide`: a list of parts of the theme to leave out (`navigation`, `toc`, `footer`, `path`).

Everything else (`head`, `sort`, `template`, `author`...) is a finding at its line:
`content/x.md:3:1: head: verwacht een van de velden [...], gevonden 'head'`. The page is read
the way MkDocs reads it (`read_front_matter` follows `mkdocs.utils.meta.get_data`, a test
holds them together; `validate` does not load MkDocs), so what is checked is what the theme
would get.

MkDocs also reads the page's raw HTML with the standard library's `html.parser` (to find its
anchors) before rendering, which stops with a traceback on some markup (`<![ x ]]>`): that is a
finding too, at its place, instead of a crash halfway through the build.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import yaml
from markdown.htmlparser import htmlparser

from ..errors import FindingsError
from ..findings import Finding
from ..read.load import Document, load_text

RULE = "content-page"  # as render.markdown_pages.content_page says it
ALLOWED_KEYS = ("title", "description", "search", "hide")
HIDDEN_PARTS = ("navigation", "toc", "footer", "path")
#: what Material prints as it is, into text and attribute values
_UNSAFE_TEXT = re.compile('[<>"]')
#: front matter as MkDocs finds it: a YAML block between `---` (or `...`) lines at the very top,
#: or else MultiMarkdown `key: value` lines (a line indented by four spaces or a tab goes on)
YAML_BLOCK = re.compile(r"\A-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_MULTIMARKDOWN_KEY = re.compile(r"[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_MULTIMARKDOWN_MORE = re.compile(r"(?:[ ]{4}|\t)\s*(?P<value>.*)")


def read_front_matter(text: str) -> tuple[str, dict[str, Any], dict[str, int]]:
    """(the Markdown after the front matter, the front matter, the line of each MultiMarkdown
    key) as MkDocs reads a page (`\\n` line ends)."""
    if block := YAML_BLOCK.match(text):
        try:
            data = yaml.safe_load(block.group(1))
        except yaml.YAMLError:  # MkDocs then renders the block as Markdown
            return text, {}, {}
        if not isinstance(data, dict):
            return text, {}, {}
        return text[block.end() :].lstrip("\n"), data, {}
    lines = text.split("\n")
    data: dict[str, Any] = {}
    where: dict[str, int] = {}
    key = None
    number = 0
    for number, line in enumerate(lines):
        if not line.strip():
            number += 1  # the blank line ends the front matter and goes with it
            break
        if match := _MULTIMARKDOWN_KEY.match(line):
            key = match.group("key").lower().strip()
            value = match.group("value").strip()
            data[key] = f"{data[key]} {value}" if key in data else value
            where.setdefault(key, number + 1)
        elif (more := _MULTIMARKDOWN_MORE.match(line)) and key:
            data[key] += f" {more.group('value').strip()}"
        else:
            break
    else:
        number = len(lines)
    return "\n".join(lines[number:]).lstrip("\n"), data, where


def _value_problem(key: str, value: Any) -> str | None:
    if key in ("title", "description"):
        if not isinstance(value, str):
            return f"verwacht tekst, gevonden {type(value).__name__}"
        if found := _UNSAFE_TEXT.search(value):
            return f'verwacht tekst zonder <, > of ", gevonden {found.group()!r}'
    elif key == "search":
        if not isinstance(value, dict) or set(value) - {"exclude"}:
            return "verwacht {exclude: true} of {exclude: false}"
        if not isinstance(value.get("exclude", False), bool):
            return "verwacht exclude: true of false"
    elif key == "hide":
        parts = ", ".join(HIDDEN_PARTS)
        if not isinstance(value, list) or not all(v in HIDDEN_PARTS for v in value):
            return f"verwacht een lijst met onderdelen uit [{parts}], gevonden {value!r}"[:200]
    return None


def _shifted(message: str) -> str:
    """A loader message about the front matter block, with its line numbers as in the page."""
    return re.sub(r"regel (\d+)", lambda m: f"regel {int(m.group(1)) + 1}", message)


def _keys_of_yaml(block: str, shown: str) -> tuple[Document | None, list[Finding]]:
    """The YAML front matter with the line and column of every field, shifted past the `---`
    line (None and the finding when it is no valid YAML)."""
    try:
        doc = load_text(block, shown)
    except FindingsError as exc:
        return None, [
            Finding(f.path, f.line + 1, f.col, f.field, _shifted(f.message), RULE)
            for f in exc.findings
        ]
    doc.positions = {path: (line + 1, col) for path, (line, col) in doc.positions.items()}
    doc.text_starts = {
        path: (line + 1, col, style) for path, (line, col, style) in doc.text_starts.items()
    }
    return doc, []


def _markup_finding(markdown: str, first_line: int, shown: str) -> list[Finding]:
    """A finding where the HTML parser MkDocs runs over a page's Markdown (to find its anchors)
    gives up with an exception."""
    parser = htmlparser.HTMLParser()
    try:
        parser.feed(markdown)
        parser.close()
    except Exception as exc:  # html.parser raises AssertionError on `<![ x ]]>`
        line, col = parser.getpos()
        quoted = re.search(r" at ('.*'|\".*\")\Z", str(exc), re.DOTALL)
        start = markdown.find(ast.literal_eval(quoted.group(1))) if quoted else -1
        if start >= 0:  # where the markup it stopped at begins
            line = markdown.count("\n", 0, start) + 1
            col = start - (markdown.rfind("\n", 0, start) + 1)
        found = markdown.splitlines()[line - 1][col : col + 40] if markdown else ""
        message = f"verwacht HTML die MkDocs kan lezen, gevonden {found!r}"
        return [Finding(shown, line + first_line - 1, col + 1, "", message, RULE)]
    return []


def front_matter_findings(text: str, shown: str) -> list[Finding]:
    """What is wrong with the front matter (and the raw HTML, as MkDocs reads it) of one
    hand-written page (`shown`: its path)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    markdown, data, lines = read_front_matter(text)
    first_line = text[: len(text) - len(markdown)].count("\n") + 1
    unreadable = _markup_finding(markdown, first_line, shown)
    if yaml_block := YAML_BLOCK.match(text):
        doc, findings = _keys_of_yaml(yaml_block.group(1), shown)
        if doc is None:
            return findings + unreadable
        if not isinstance(doc.data, dict):
            message = "verwacht velden (naam: waarde) tussen de regels ---, gevonden iets anders"
            return [Finding(shown, 2, 1, "", message, RULE), *unreadable]
        data = doc.data

        def where(key: str, at_value: bool = False) -> tuple[int, int]:
            start = doc.text_starts.get((key,)) if at_value else None
            return start[:2] if start else doc.where((key,))
    else:

        def where(key: str, at_value: bool = False) -> tuple[int, int]:
            return lines.get(key, 1), 1

    findings = unreadable
    allowed = ", ".join(ALLOWED_KEYS)
    for key, value in data.items():
        if key not in ALLOWED_KEYS:
            message = f"verwacht een van de velden [{allowed}], gevonden {str(key)!r}"
            line, col = where(key)
        elif problem := _value_problem(key, value):
            message = problem
            line, col = where(key, at_value=True)
        else:
            continue
        findings.append(Finding(shown, line, col, str(key), message, RULE))
    return findings


def content_page_findings(root: Path) -> list[Finding]:
    """The front-matter findings of every `content/*.md` (a page that cannot be read is left to
    the renderer, which says so)."""
    findings = []
    for page in sorted((root / "content").glob("*.md")):
        try:
            text = page.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        findings += front_matter_findings(text, f"content/{page.name}")
    return findings
