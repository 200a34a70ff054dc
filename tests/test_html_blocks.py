"""The HTML blocks the templates mark (render/html_blocks.py) come out of our build's Markdown as
Python-Markdown alone makes them, without Python-Markdown's HTML parser reading them; a marked
block that Python-Markdown would treat otherwise is left to it.

(That our whole site equals MkDocs' own build of the same docs tree: test_build_parallel.py.)"""

from __future__ import annotations

import html

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisbank_gen.render.html_blocks import (
    CLOSE,
    OPEN,
    PassHtmlBlocks,
    html_block,
)

#: the site's Markdown (mkdocs.yml)
EXTENSIONS = ["admonition", "attr_list", "def_list", "md_in_html", "tables", "toc"]
CONFIGS = {"toc": {"permalink": True, "permalink_title": "Link naar deze sectie"}}


def converted(text: str, passing: bool) -> str:
    extensions = [*EXTENSIONS, PassHtmlBlocks()] if passing else EXTENSIONS
    return markdown.Markdown(extensions=extensions, extension_configs=CONFIGS).convert(text)


def marked(block: str) -> str:
    return str(html_block(block))


# HTML as the templates write it: escaped text, one element (with any nesting) per block
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12).map(html.escape)
_WORD = st.sampled_from(["kaart", "markdown", "kb-all", "x y", "a&b", '"q"', "", "é"])
_ATTRIBUTES = st.lists(
    st.tuples(st.sampled_from(["class", "id", "data-kb", "hidden", "title"]), _WORD), max_size=3
).map(lambda pairs: "".join(f' {k}="{html.escape(v)}"' for k, v in pairs))
_VOID = st.sampled_from(
    ['<input type="checkbox" id="f">', "<br>", '<svg viewBox="0 0 4 1"><path d="M0 0h1"/></svg>']
)


def _element(tags: list[str], children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attributes, inner, sep: (
            f"<{tag}{attributes}>{sep}{sep.join(inner)}{sep}</{tag}>"
        ),
        st.sampled_from(tags),
        _ATTRIBUTES,
        st.lists(children, max_size=4),
        st.sampled_from(["\n", ""]),
    )


_INLINE = _element(["span", "a", "strong", "time"], _TEXT)
_BLOCK = st.recursive(
    _element(["p", "dt", "li"], st.one_of(_TEXT, _INLINE, _VOID)),
    lambda inner: _element(["div", "section", "dl", "ul", "form", "nav", "p"], inner),
    max_leaves=12,
)
_MARKDOWN = st.sampled_from(
    [
        "## Kop",
        "Een alinea met *nadruk* en [een link](https://example.org/).",
        "Een regel\n{: .kb-lead }",
        '<div class="kb-noindex" markdown>\n\n## Binnen\n\n- een\n- twee\n\n</div>',
        "<p>Ruwe HTML zonder markering.</p>",
        "Term\n:   Uitleg",
        "| a | b |\n|---|---|\n| 1 | 2 |",
    ]
)
#: one element or more, each on lines of its own (as the templates write them)
_BLOCKS = st.lists(_BLOCK, min_size=1, max_size=3).map("\n".join)
_PAGE = st.lists(st.one_of(_MARKDOWN, _BLOCKS.map(marked)), min_size=1, max_size=6).map(
    lambda parts: "# Titel\n\n" + "\n\n".join(parts) + "\n"
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PAGE)
def test_a_page_with_marked_blocks_comes_out_as_python_markdown_makes_it(page):
    assert converted(page, passing=True) == converted(page, passing=False)


def test_marked_blocks_are_not_parsed(tags_parsed):
    block = '<form class="kb-browse" hidden>\n<div><input type="search" id="q"></div>\n</form>'
    page = f"# Titel\n\n{marked(block)}\n\nTekst.\n"
    assert converted(page, passing=True) == converted(page, passing=False)
    assert tags_parsed.count("form") == 1  # by Python-Markdown alone
    tags_parsed.clear()
    converted(page, passing=True)
    assert tags_parsed == []


@pytest.mark.parametrize(
    "block",
    [
        "<div>\n\n<p>leeg ertussen</p>\n</div>",
        '<div class="kb" markdown>\n*Markdown* erin\n</div>',
        "<span>inline</span>",
        "<div>open</div> tekst erna",
        "Tekst <div>ervoor</div>",
    ],
    ids=["blank-line", "markdown-attribute", "inline", "tail", "text-first"],
)
def test_a_marked_block_python_markdown_would_treat_otherwise_is_left_to_it(block, tags_parsed):
    page = f"# Titel\n\n{marked(block)}\n\nTekst.\n"
    assert converted(page, passing=True) == converted(page, passing=False)
    tags_parsed.clear()
    converted(page, passing=True)
    if block.startswith("<div"):
        assert "div" in tags_parsed


def test_an_unclosed_marker_leaves_the_rest_to_python_markdown():
    page = f"# Titel\n\n{OPEN}\n\n<div>zonder einde</div>\n\nTekst.\n\n{marked('<p>x</p>')}"
    assert converted(page, passing=True) == converted(page, passing=False)
    assert CLOSE in marked("<p>x</p>")
