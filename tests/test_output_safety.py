"""Hostile input, round two: what is rendered is sanitized, and the whole output is gated.

- Every body attack of tests/corpus/invalid/autolink-*.yml (which the validator now reports)
  is also inert when it reaches the renderer unchecked: the sanitizer is the last word.
- Guidance data fields (tests/hostile/guidance/labels.yml) come out as the text they are.
- The output gate (`publish.gate`) refuses each kind of live markup, naming page and element, and
  lets through the theme's own scripts, JSON data blocks and ordinary links. (The hostile corpus,
  tests/gate_corpus.yml, is tested in test_gate_corpus.py and in Chromium.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import turbohtml
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, TODAY
from hostile_site import HOSTILE, gate_page, live_markup, unchecked_project

from kennisbank_gen.errors import BuildError, ConfigError
from kennisbank_gen.publish import build
from kennisbank_gen.publish.gate import check_output, html_pages, page_problems
from kennisbank_gen.render import csp
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
    assert page_problems(gate_page(html), HOST) == []
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


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        ("# Een\n\n## Twee", [2, 3]),  # the page's title is its one h1
        ("## Een\n\n#### Drie\n\n### Drie\n\n## Twee", [2, 3, 3, 2]),
        ("###### Diep\n\n## Terug", [3, 2]),  # the text before the body ends at h2
        ("## Een\n\n### Twee\n\n#### Drie", [2, 3, 4]),  # kept where nothing skips
    ],
)
def test_body_headings_never_skip_a_level(body, levels):
    out = page_markdown(body)
    assert [len(m) for m in re.findall(r"^(#+) ", out, re.MULTILINE)] == levels


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
        assert page_problems(html, HOST, rel) == [], rel
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
    ('<a href="javascript:alert(1)">a</a>', "http(s) of mailto, gevonden javascript:"),
    ('<a href=" java\tscript:alert(1)">a</a>', "http(s) of mailto, gevonden javascript:"),
    ('<a href="data:text/html,x">a</a>', "http(s) of mailto, gevonden data:"),
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
    ('<svg><use href="data:image/svg+xml,x"></use></svg>', "site zelf, gevonden data:"),
]


@pytest.mark.parametrize(("html", "reason"), REFUSED, ids=[h for h, _ in REFUSED])
def test_gate_refuses(html, reason):
    problems = page_problems(gate_page(html), HOST)
    assert problems, html
    assert any(reason in p for p in problems), problems
    assert problems[0].startswith("regel 5: <")


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
    assert page_problems(gate_page(html), HOST) == []


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
    assert "verwacht geen gebeurtenis-attribuut, gevonden onerror" in message
    assert (project / "site" / "over" / "index.html").read_bytes() == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site.staging")]


def test_an_off_site_script_in_mkdocs_yml_is_refused_before_the_build(project):
    """mkdocs.yml may name only the site's own scripts (tests/test_site_config.py); the gate
    still refuses an off-site script that reaches a page (REFUSED above)."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("extra_javascript:\n", "extra_javascript:\n  - https://evil.example/x.js\n"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as exc:
        build(project, today=TODAY)
    (finding,) = exc.value.findings
    assert finding.field == "extra_javascript[0]" and "evil.example" in finding.message


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


# --- the Content-Security-Policy (render/csp.py) ----------------------------------------------


def test_the_theme_override_carries_the_site_policy_letter_for_letter():
    template = (REPO / "overrides" / "main.html").read_text(encoding="utf-8")
    assert template.count("Content-Security-Policy") >= 1
    assert csp.meta(csp.SITE_POLICY) in template


def test_the_policy_allows_exactly_the_theme_scripts_the_gate_allows(built_site):
    """The hashes in script-src are THEME_SCRIPTS; each is on the built pages, and every inline
    script there that is not data is one of them (no stale hash, no unlisted script)."""
    script_src = re.search(r"script-src ([^;]*)", csp.SITE_POLICY).group(1).split()
    assert script_src == ["'self'", *(f"'{digest}'" for digest in csp.THEME_SCRIPTS)]
    assert "unsafe" not in script_src and "'unsafe-inline'" not in csp.SITE_POLICY
    seen = set()
    for page in html_pages(built_site):
        document = turbohtml.parse(page.read_text(encoding="utf-8"), scripting=True)
        for script in document.find_all("script"):
            if script.attr("src") is None and script.attr("type") is None:
                digest = csp.script_hash(script.text)
                assert digest in csp.THEME_SCRIPTS, (page, script.text[:80])
                seen.add(digest)
    assert seen == set(csp.THEME_SCRIPTS)


def test_every_page_has_its_policy_first_and_its_charset_early(built_site):
    for page in html_pages(built_site):
        html = page.read_text(encoding="utf-8")
        head = turbohtml.parse(html, scripting=True).find("head")
        elements = [child for child in head.children if isinstance(child, turbohtml.Element)]
        assert elements, page
        first = elements[0]
        if first.attr("charset") is not None:  # <meta charset> may come first
            first = elements[1]
        assert first.attr("http-equiv") == "Content-Security-Policy", page
        assert first.attr("content") == csp.SITE_POLICY, page
        # browsers look for the encoding in the first 1024 bytes only
        assert 0 <= html.encode("utf-8").find(b'<meta charset="utf-8">') < 1024 - 22, page


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (
            "<!doctype html><html><head><title>x</title></head><body>x</body></html>",
            "gevonden geen",
        ),
        (gate_page("x").replace(csp.SITE_POLICY, "default-src *"), "van de site (render/csp.py)"),
        (
            gate_page("x").replace(
                '<meta charset="utf-8">', '<link rel="stylesheet" href="a.css">'
            ),
            "vóór alles wat laadt of draait, gevonden na <link>",
        ),
        (gate_page(csp.meta(csp.SITE_POLICY)), "verwacht één Content-Security-Policy"),
        (gate_page("x").replace(csp.SITE_POLICY, csp.ADMIN_POLICY), "van de site"),
        (
            gate_page("x").replace("<head>", "<head>\n<script>alert(1)</script>"),
            "onbekend",
        ),
    ],
)
def test_gate_refuses_a_page_without_its_policy_in_place(page, reason):
    problems = page_problems(page, HOST)
    assert any(reason in problem for problem in problems), problems


def test_the_web_form_page_carries_its_own_policy():
    admin = gate_page("x").replace(csp.SITE_POLICY, csp.ADMIN_POLICY)
    assert page_problems(admin, HOST, csp.ADMIN_PAGE) == []
    assert page_problems(gate_page("x"), HOST, csp.ADMIN_PAGE) != []
    # the web form allows no inline script at all, not even the theme's
    theme = gate_page("<script>x</script>").replace(csp.SITE_POLICY, csp.ADMIN_POLICY)
    assert "onbekend" in " ".join(page_problems(theme, HOST, csp.ADMIN_PAGE))
