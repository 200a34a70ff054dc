"""The output gate's hostile corpus (tests/gate_corpus.yml): loading it, and putting a snippet into
a built page, for test_gate_corpus.py (the gate) and browser/test_gate_corpus_browser.py
(Chromium, past the gate)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml
from conftest import REPO

from kennisbank_gen.publish.gate import parse_page

CORPUS = REPO / "tests" / "gate_corpus.yml"
#: a hand-written page every project has; the snippet goes at the start of its article
BASE_PAGE = "over/index.html"
ARTICLE = '<article class="md-content__inner md-typeset">'
#: around a snippet in the body, so the browser test knows which elements are the snippet's
BEGIN = '<b id="kb-corpus-begin" hidden></b>'
END = '<b id="kb-corpus-end" hidden></b>'
CLASSES = {
    *("event-handler", "script-url", "entity-encoding", "comment-cdata", "raw-text"),
    *("closing-tag", "noscript", "svg-mathml", "mxss", "css", "off-site", "meta-refresh"),
    *("base-form", "frame-object", "inert"),
}


def load() -> tuple[dict[str, str], list[dict]]:
    """The references and the snippets."""
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return data["references"], data["snippets"]


def with_snippet(page: str, snippet: dict) -> str:
    """`page` (a built page's HTML) with the snippet in its head or at the start of its article."""
    if snippet.get("where") == "head":
        assert page.count("</head>") == 1
        return page.replace("</head>", snippet["html"] + "</head>", 1)
    assert page.count(ARTICLE) == 1
    return page.replace(ARTICLE, ARTICLE + BEGIN + snippet["html"] + END, 1)


def base_page(site: Path) -> str:
    return (site / BASE_PAGE).read_text(encoding="utf-8")


def parsed_elements(html: str) -> Counter:
    """Every element the gate's parser builds from `html` (template contents included), as
    (name, ((attribute, value), ...)) in lower case: what Chromium must build too. A declarative
    shadow root's <template> is left out (Chromium turns it into the shadow root itself)."""
    elements: Counter = Counter()
    document = parse_page(html)
    for el in document.iter_elements():
        if el.tag == "template" and (el.attr("shadowrootmode") or "") in ("open", "closed"):
            continue
        attrs = tuple(sorted((name.lower(), el.attr(name) or "") for name in el.attrs))
        elements[(el.tag.lower(), attrs)] += 1
    return elements
