"""The hostile corpus (tests/gate_corpus.yml) through the output gate, inside a real built page:
each snippet is refused, or passed as the corpus says it must be (then the browser test shows it
is inert in Chromium). A few of the parser differentials of issue 17 also go through a whole
`kennisbank build` from a hand-written page."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import TODAY
from gate_corpus import BASE_PAGE, CLASSES, base_page, load, with_snippet

from kennisbank_gen.errors import BuildError
from kennisbank_gen.publish import build
from kennisbank_gen.publish.gate import page_problems

HOST = "kennisbank.example.org"
REFERENCES, SNIPPETS = load()


def test_the_corpus_is_large_tagged_and_referenced():
    assert len(SNIPPETS) >= 150
    assert len({s["id"] for s in SNIPPETS}) == len(SNIPPETS)
    per_class = Counter(s["class"] for s in SNIPPETS)
    assert set(per_class) == CLASSES
    assert min(per_class.values()) >= 7, per_class
    for snippet in SNIPPETS:
        assert snippet["ref"] in REFERENCES, snippet["id"]
        assert snippet["gate"] in ("refused", "passed"), snippet["id"]
        assert snippet.get("where", "body") in ("body", "head"), snippet["id"]
        assert isinstance(snippet["html"], str) and snippet["html"], snippet["id"]
    # passed snippets are the exception: most of the corpus is live markup
    assert sum(s["gate"] == "passed" for s in SNIPPETS) < len(SNIPPETS) / 4


def test_the_page_without_a_snippet_passes(built_site):
    assert page_problems(base_page(built_site), HOST, BASE_PAGE) == []


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s["id"] for s in SNIPPETS])
def test_the_gate_refuses_or_passes_each_snippet_as_the_corpus_says(built_site, snippet):
    problems = page_problems(with_snippet(base_page(built_site), snippet), HOST, BASE_PAGE)
    if snippet["gate"] == "passed":
        assert problems == [], problems
    else:
        assert problems, snippet["html"]
        for problem in problems:  # located, in Dutch: "regel N: <tag ...>: verwacht ..."
            assert problem.startswith("regel ") and ": <" in problem and "verwacht" in problem


DIFFERENTIALS = [  # issue 17: each ran script in Chromium after html.parser let it through
    "<!--><img src=x onerror=alert(1)>-->",
    "<!---><img src=x onerror=alert(2)>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(3)>"></noscript>',
    '<svg><a><animate attributeName=href values="javascript:alert(4)"/><text y="20">x</text></a>'
    "</svg>",
]


def test_parser_differentials_in_a_hand_written_page_stop_the_build(project):
    build(project, today=TODAY)
    before = (project / "site" / "over" / "index.html").read_bytes()
    lines = ["# Over", ""] + [f"<div>{html}</div>\n" for html in DIFFERENTIALS]
    (project / "content" / "over.md").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY)
    message = str(exc.value)
    for expected in ("onerror", "geen animatie", "<noscript> alleen tekst"):
        assert expected in message, message
    assert message.count("over/index.html: regel") >= 4, message
    assert "Traceback" not in message
    assert (project / "site" / "over" / "index.html").read_bytes() == before
