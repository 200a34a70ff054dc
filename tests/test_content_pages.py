"""Front matter of the hand-written pages (`content/*.md`) is an allow-list
(check/content_pages.py), and the theme override prints what generated pages put in `head`
inertly, whatever it holds.

Before: `head: {json_ld: "{}</script x><img src=x onerror=...>"}` in a content page ran script
(the override printed it raw), `head: {meta: 5}` was a traceback, and `head: {meta: [[http-equiv,
refresh, "0;url=https://..."]]}` sent visitors elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY
from hostile_site import live_markup
from mkdocs.utils.meta import get_data

from kennisbank_gen.check.content_pages import (
    ALLOWED_KEYS,
    front_matter_findings,
    read_front_matter,
)
from kennisbank_gen.config import SiteConfig
from kennisbank_gen.errors import FindingsError
from kennisbank_gen.pool import Pool
from kennisbank_gen.publish import build
from kennisbank_gen.publish.gate import page_problems
from kennisbank_gen.publish.mkdocs_site import build_site
from kennisbank_gen.publish.output import GeneratedTree
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.markdown_pages import render_site
from kennisbank_gen.render.model import build_model

KENNISBANK = Path(sys.executable).with_name("kennisbank")
HOST = "kennisbank.example.org"
HOSTILE_HEAD = """---
title: Over
head:
  json_ld: "{}</script x><img src=x onerror=document.documentElement.dataset.xss=1>"
  meta:
    - [http-equiv, refresh, "0;url=https://elders.example/"]
    - [name, "x\\"><img src=x onerror=alert(1)>", inhoud]
    - 5
sort: {date: "<img src=x onerror=alert(1)>"}
---
# Over deze kennisbank
"""
ALLOWED = "[title, description, search, hide]"


def refused_by(command: str, project: Path) -> str:
    """What `kennisbank <command>` prints for the project, after checking it exits 1 without a
    traceback."""
    done = subprocess.run(
        [KENNISBANK, command, "--project", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout + done.stderr


def fields(text: str) -> list[tuple[int, int, str, str]]:
    return [
        (f.line, f.col, f.field, f.message) for f in front_matter_findings(text, "content/x.md")
    ]


def test_head_is_refused_at_its_line():
    found = fields(HOSTILE_HEAD)
    assert found == [
        (3, 1, "head", f"verwacht een van de velden {ALLOWED}, gevonden 'head'"),
        (9, 1, "sort", f"verwacht een van de velden {ALLOWED}, gevonden 'sort'"),
    ]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("head: {meta: 5}", [(2, 1, "head", f"verwacht een van de velden {ALLOWED}")]),
        ("template: 404.html", [(2, 1, "template", "verwacht een van de velden")]),
        ('title: "Over <b>ons</b>"', [(2, 8, "title", 'verwacht tekst zonder <, > of "')]),
        ("description: 'zeg \"hoi\"'", [(2, 14, "description", "verwacht tekst zonder")]),
        ("title: 5", [(2, 8, "title", "verwacht tekst, gevonden int")]),
        ("search: {exclude: 1}", [(2, 1, "search", "verwacht exclude: true of false")]),
        ("search: {boost: 2}", [(2, 1, "search", "verwacht {exclude: true}")]),
        ("hide: [scripts]", [(2, 1, "hide", "verwacht een lijst met onderdelen uit")]),
        ("title: Over\ntitle: Dubbel", [(3, 1, "", "verwacht elk veld één keer, gevonden")]),
        ("[een, lijst]", [(2, 1, "", "verwacht velden (naam: waarde)")]),
        ("title: [", [(3, 1, "", "verwacht")]),
    ],
)
def test_each_front_matter_problem_is_a_located_dutch_finding(front, expected):
    found = fields(f"---\n{front}\n---\n# Titel\n")
    assert [(line, col, field) for line, col, field, _ in found] == [e[:3] for e in expected]
    for (*_, message), (*_, start) in zip(found, expected, strict=True):
        assert message.startswith(start), message


def test_what_the_pages_need_is_allowed():
    text = "---\ntitle: Over ons & jullie\ndescription: Wie we zijn.\nsearch: {exclude: true}\n"
    text += "hide: [toc, navigation]\n---\n# Over\n"
    assert fields(text) == []
    assert fields("# Geen voorwerk\n\nTekst: met een dubbele punt.\n") == []
    assert set(ALLOWED_KEYS) == {"title", "description", "search", "hide"}


def test_multimarkdown_front_matter_is_read_as_mkdocs_reads_it():
    """Without `---`, MkDocs takes `key: value` lines at the very top as front matter."""
    text = "Title: Over\nAuthor: <img src=x onerror=alert(1)>\n\n# Over\n"
    assert fields(text) == [
        (2, 1, "author", f"verwacht een van de velden {ALLOWED}, gevonden 'author'"),
    ]
    assert fields("\ufeff---\r\nhead: {}\r\n---\r\n# Over\r\n")[0][:3] == (2, 1, "head")


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE_HEAD,
        "---\ntitle: x\n...\n\n\n# Over\n",
        "---\n- een lijst\n---\n# Over\n",
        "---\ntitle: [\n---\n# Over\n",
        "---\ntitle: nooit gesloten\n# Over\n",
        "Title: Over\nAuthor: A\n    en B\n\n# Over\n",
        "Title: Over\n# Over\nTekst\n",
        "Title: Alleen voorwerk",
        "# Over\n\nkey: value\n",
        "",
    ],
)
def test_front_matter_is_read_as_mkdocs_reads_it(text):
    assert read_front_matter(text)[:2] == get_data(text)


def test_validate_and_build_refuse_a_content_page_with_head(project):
    build(project, today=TODAY)
    before = (project / "site" / "over" / "index.html").read_bytes()
    (project / "content" / "over.md").write_text(HOSTILE_HEAD, encoding="utf-8")
    output = refused_by("validate", project)
    assert f"content/over.md:3:1: head: verwacht een van de velden {ALLOWED}" in output
    with pytest.raises(FindingsError) as exc:
        build(project, today=TODAY)
    # (the errors: a record may carry warnings, such as an overlong summary)
    errors = [f for f in exc.value.findings if f.severity == "error"]
    assert {(f.path, f.line, f.field) for f in errors} == {
        ("content/over.md", 3, "head"),
        ("content/over.md", 9, "sort"),
    }
    assert (project / "site" / "over" / "index.html").read_bytes() == before


def test_the_theme_override_prints_hostile_head_data_inertly(project):
    """Past validation on purpose (as a generated page's front matter could be): the override
    prints no refresh, no tag but name/property meta, and JSON-LD without `<`; `meta: 5` is no
    traceback. The gate passes the page, and nothing in it is live."""
    content = project / "content"
    (content / "over.md").write_text(HOSTILE_HEAD, encoding="utf-8")
    (content / "bijdragen.md").write_text("---\nhead: {meta: 5}\n---\n# Bijdragen\n", "utf-8")
    config = SiteConfig.from_mkdocs(project / "mkdocs.yml")
    files = render_site(build_model(read_project(project)), config, content)
    GeneratedTree(config.docs_dir).write(files)
    build_site(project / "mkdocs.yml", project / "site", Pool(1))
    for rel in ("over/index.html", "bijdragen/index.html"):
        html = (project / "site" / rel).read_text(encoding="utf-8")
        assert page_problems(html, HOST, rel) == [], rel
        assert live_markup(html) == [], rel
        assert 'http-equiv="refresh"' not in html
    over = (project / "site" / "over" / "index.html").read_text(encoding="utf-8")
    assert "{}\\u003c/script x>\\u003cimg src=x onerror=document" in over
    assert '<meta name="x&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" content="inhoud">' in over
    shutil.rmtree(config.docs_dir)


def test_markup_mkdocs_cannot_read_is_a_finding_not_a_traceback(project):
    """MkDocs reads a page's raw HTML with html.parser, which raised on `<![ x ]]>` (issue 17)."""
    text = "---\ntitle: Over\n---\n# Over\n\n<div><![ x ]]><b>tekst</b></div>\n"
    assert fields(text) == [
        (6, 6, "", "verwacht HTML die MkDocs kan lezen, gevonden '<![ x ]]><b>tekst</b></div>'")
    ]
    (project / "content" / "over.md").write_text(text, encoding="utf-8")
    output = refused_by("build", project)
    assert "content/over.md:6:6: verwacht HTML die MkDocs kan lezen" in output
