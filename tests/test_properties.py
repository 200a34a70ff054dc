"""Property-based tests (hypothesis).

1. Generated YAML, read from a file the way `kennisbank validate` reads it: the validator never
   raises anything but its own findings, and every finding names a real place.
2. A Markdown body the validator accepts renders (with the site's Markdown extensions) to HTML
   without scripts, event handlers, styles, images or unsafe links.
3. Plain text is escaped exactly: what a page shows (body text, <title>, meta description) is the
   text the editor typed, whatever characters it holds.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import yaml
from conftest import REPO
from hostile_site import live_markup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kennisbank_gen.check.body_markdown import EXTENSIONS
from kennisbank_gen.check.validate import check_record, validate
from kennisbank_gen.errors import FindingsError
from kennisbank_gen.findings import Finding
from kennisbank_gen.read.framework import load_framework
from kennisbank_gen.read.load import load_text
from kennisbank_gen.render.markdown_pages import front_matter, md

TODAY = dt.date(2026, 6, 1)
FRAMEWORK = load_framework(REPO / "quality_framework", REPO)
BASE = {
    "title": "Een geldig record",
    "initiators": ["Hogeschool Eigenschap"],
    "date": "2023-05",
    "kind": FRAMEWORK.vocabularies["kinds"][0].id,
    "sectors": [FRAMEWORK.vocabularies["sectors"][0].id],
    "themes": [FRAMEWORK.vocabularies["themes"][0].id],
    "summary": "Samenvatting.",
    "body": "## Kop\n\nTekst.\n",
    "links": [{"label": "Bron", "url": "https://example.org"}],
    "quality": {
        c.id: ([c.values[0].id] if c.multiple else c.values[0].id) for c in FRAMEWORK.criteria
    },
    "guidance": ["inholland-docenten/01"],
    "status": FRAMEWORK.vocabularies["statuses"][0].id,
}
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- 1. generated YAML gives findings, nothing else ------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | text
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
#: a record: the valid base with fields replaced, removed or added
records = st.builds(
    lambda replace, drop, extra: {
        **{k: v for k, v in BASE.items() if k not in drop},
        **replace,
        **extra,
    },
    st.dictionaries(st.sampled_from([*BASE, "quality"]), values, max_size=3),
    st.sets(st.sampled_from(list(BASE)), max_size=3),
    st.dictionaries(text, values, max_size=2),
)
#: and sometimes not a record at all
documents = records | values
#: text pieces that YAML treats specially, spliced into the dumped document
PIECES = ["&a ", "*a", "!!python/object:x ", "!x ", "<<: ", "? ", "- ", "{", "[", '"', "'"]
PIECES += ["\t", "\r\n", "\ufeff", "\x00", "\x85", "\u2028", "%YAML 1.1\n", "---\n", "...\n"]


def _validate_file(content: bytes) -> None:
    """Validate `content` as initiatives/<name>.yml with the project's framework and guidance."""
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / "eigenschap.yml"
        file.write_bytes(content)
        project = validate(REPO, [file], today=TODAY)  # may raise only what gather documents
    for f in project.findings:
        assert isinstance(f, Finding)
        assert f.line >= 1 and f.col >= 1
        assert f.severity in ("error", "warning")
        assert f.message and "Traceback" not in f.message


@SETTINGS
@given(documents, st.booleans(), st.booleans())
@example({**BASE, "guidance": 7, "previous_slugs": True}, False, False)  # crashed once
@example({**BASE, "guidance": "inholland-docenten/01"}, True, True)
@example({**BASE, "links": "https://example.org", "quality": []}, False, True)
def test_generated_documents_give_only_findings(document, flow, unicode):
    dumped = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)
    _validate_file(dumped.encode("utf-8"))


@SETTINGS
@given(records, st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(PIECES)), max_size=4))
@example(BASE, [(0, "&a ")])
def test_mangled_documents_give_only_findings(record, splices):
    dumped = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    for at, piece in splices:
        at %= len(dumped) + 1
        dumped = dumped[:at] + piece + dumped[at:]
    _validate_file(dumped.encode("utf-8"))


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_only_findings(content):
    _validate_file(content)


# --- 2. an accepted body renders to safe HTML ------------------------------------------------

FRAGMENTS = [
    "Tekst ",
    "\n",
    "\n\n",
    "## Kop",
    "- ",
    "1. ",
    "    ",
    "> ",
    "`",
    "**",
    "_",
    "[tekst]",
    "(https://example.org)",
    "(javascript:alert(1))",
    "(<javascript:alert(1)>)",
    "(data:text/html,x)",
    "( javascript:alert(1))",
    "[r]: ",
    "[r]",
    "javascript:alert(1)",
    "https://example.org",
    "<",
    ">",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='x' onclick='y'>",
    "<x=y ",
    "<b ",
    "onmouseover=alert(1) ",
    "`code`",
    "``",
    "```\n",
    "\n```",
    "`<script>`",
    "[l](https://example.org)",
    "<a\nhref=x ",
    "<!--",
    "-->",
    "<https://example.org>",
    "<javascript:alert(1)>",
    "<mailto:a@b.nl>",
    "a@b.nl",
    "![",
    "!",
    "{",
    "}",
    "{: ",
    ".klasse ",
    "#id ",
    "onclick=x ",
    "style='color:red' ",
    '"',
    "'",
    "=",
    ":",
    ":   ",
    "!!! note",
    "&#106;",
    "&lt;",
    "&",
    "\\",
    "|",
    "---",
    "[TOC]",
    "*[HTML]: ",
    "```",
    "~~~",
    "\t",
]
ALLOWED_ATTRIBUTES = {"href", "title", "id", "class"}


def _site_markdown() -> markdown.Markdown:
    """Python-Markdown configured as MkDocs configures it for this site."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions, configs = ["toc", "tables", "fenced_code"], {}
    for entry in config.get("markdown_extensions", []):
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if name not in extensions:
            extensions.append(name)
        configs[name] = options or {}
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def _body_accepted(body: str) -> bool:
    doc = load_text(yaml.safe_dump({**BASE, "body": body}, allow_unicode=True), "eigenschap.yml")
    rules = {"markdown-html", "markdown-image", "link-scheme"}
    return not [f for f in check_record(doc, FRAMEWORK, TODAY) if f.rule in rules]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
@example(["Een alinea.", "\n", "{: ", "onclick=x ", "}"])
@example(["- ", "Lijst", "\n\n", "    ", "[r]: ", "javascript:alert(1)"])
@example(["[tekst]", "(https://example.org)", "{: ", "style='color:red' ", "}"])
@example(["<", "onclick=x ", "-->"])  # an "element" named onclick=x: passed once
@example(["<", "x=y ", "onclick=x ", ">", "Tekst "])
@example(["<x=y ", "onmouseover=alert(1) ", "<https://example.org>", ">"])  # passed once
@example(["<b ", "onmouseover=alert(1) ", "`code`", ">"])
@example(["`", "\n", "<script>", "`"])  # a "code span" over a line that is raw HTML
@example(["`a", "\n", "# ", "<script>", "`"])  # ... or a heading
@example(["```", "{: ", "onclick=x ", "}", "\n", "code", "\n", "```"])  # attributes on a fence
@example(["`", "`)`", "<img src=x onerror=alert(1)>", "`)`"])  # backticks paired differently
@example(["`[x](`", "[r]: ", "<https://example.org>", "[x](javascript:alert(1))"])
@example(["- ", "[r]: ", "javascript:alert(1)", "\n", "[r]"])  # a reference in a list item
def test_accepted_bodies_render_to_safe_html(fragments):
    body = "".join(fragments)
    try:
        accepted = _body_accepted(body)
    except FindingsError:
        return  # not even YAML-safe text; other tests cover that
    if not accepted:
        return
    html = _site_markdown().convert(body)
    assert live_markup(html) == [], (body, html)
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("img", "script", "style", "iframe"), (body, html)
        if (
            tag in ("th", "td")
            and "style" in attrs
            and re.fullmatch(r"text-align: (left|right|center);", attrs["style"] or "")
        ):
            del attrs["style"]  # the tables extension's own column alignment
        assert set(attrs) <= ALLOWED_ATTRIBUTES, (body, html)
        href = (attrs.get("href") or "").strip().lower()
        if href:
            assert href.startswith(("https://", "http://", "mailto:", "#")), (body, html)


# --- 3. plain text is shown exactly as typed -------------------------------------------------

#: what a YAML record can hold in a text field (the loader refuses control characters)
typed = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff",
    )
    | st.sampled_from(" \t<>&\"'`*_[](){}#+-.!|\\:=~^$@/;"),
    min_size=1,
    max_size=60,
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text += data


@settings(max_examples=400, deadline=None)
@given(typed)
@example("<script>alert(1)</script>")
@example("[klik](javascript:alert(1)) {: onclick=x } **vet** `code` &amp; &lt;")
@example("1. eerste")
@example("# kop")
@example("> citaat")
@example("Welzijn 😀 e\u0301")
def test_md_filter_shows_text_exactly(value):
    """`md` (used for every plain-text field in a page body) renders to exactly the text."""
    html = _site_markdown().convert(str(md(value)))
    parser = _Text()
    parser.feed(html)
    assert parser.text == " ".join(value.split())
    assert set(parser.tags) <= {"p"}, html


@settings(max_examples=400, deadline=None)
@given(typed)
@example('</title><script>alert(1)</script>"><img src=x onerror=alert(1)>')
@example("Welzijn 😀 \u2028 \x85 zo'n")
def test_front_matter_shows_text_exactly(value):
    """`front_matter` (page title and description, inserted by the theme as HTML): the YAML value
    put into <title> and into a meta attribute reads back as exactly the text."""
    data = yaml.safe_load(f"title: {front_matter(value)}\n")
    page = f'<title>{data["title"]}</title><meta name="description" content="{data["title"]}">'
    parser = _Text()
    parser.feed(page)
    assert parser.text == value
    assert parser.tags == ["title", "meta"]
    attrs = _Elements()
    attrs.feed(page)
    assert attrs.tags[1][1]["content"] == value


def test_safe_markdown_uses_the_sites_extensions():
    """validate's render check (safe_markdown) renders with the extensions of mkdocs.yml."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    named = [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]
    assert set(EXTENSIONS) == {"toc", "tables", "fenced_code", *named}
