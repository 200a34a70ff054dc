"""Validation and rendering do work that grows linearly with a body, on every pathological shape
known to us; and the bounded Markdown converter renders what Python-Markdown renders.

The work is counted, never timed: every Python line executed while a body is checked or
rendered (`sys.settrace`), for a body of n and of 4n characters. Linear work grows 4 times,
quadratic work 16 times; the bound is 6. Python-Markdown's own link patterns give 16 on
`"[a "` repeated (checked below, so the count is known to catch it). What runs inside the regex
engine or nh3 is not counted: `benchmarks/linear_bench.py` times every shape at up to 1 MB and
prints the figures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor

from kennisbank_gen.check.body_markdown import (
    EXTENSIONS,
    MAX_BLOCK_LINES,
    MAX_LINK_PARTS,
    body_converter,
)
from kennisbank_gen.check.markdown_safety import body_findings
from kennisbank_gen.read.load import load_text
from kennisbank_gen.render.markdown_html import render_markdown

#: linear work grows 4 times from n to 4n characters, quadratic work 16 times
GROWTH = 4
BOUND = 6


def lines_of(unit: str, n: int) -> str:
    """`unit` (one or more lines) repeated to about n characters, in blocks of at most
    MAX_BLOCK_LINES lines (what the validator allows), an empty line between blocks."""
    per_block = max(1, (MAX_BLOCK_LINES - 1) // unit.count("\n"))
    block = unit * per_block
    return ("\n".join([block] * (n // len(block) + 1)))[:n].rsplit("\n", 1)[0] + "\n"


def in_blocks(text: str, size: int = 9_000) -> str:
    """`text` with an empty line every `size` characters: blocks the validator accepts (at
    most MAX_BLOCK characters; the shapes below are tested at fewer than that)."""
    return "\n\n".join(text[i : i + size] for i in range(0, len(text), size))


#: shapes the validator accepts (checked by the tests), at about n characters
_RENDER_SHAPES: dict[str, Callable[[int], str]] = {
    "prose": lambda n: "Gewone tekst over *welzijn* en [een link](https://a.nl). " * (n // 57),
    "open-brackets": lambda n: "[a " * (n // 3),
    "brackets": lambda n: "[" * n,
    "nested-brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "link-open-paren": lambda n: "[a](https://a " * (n // 14),
    "link-quotes": lambda n: "[a](https://a '" * (n // 15),
    "links": lambda n: "[a](https://a.nl) " * (n // 18),
    "reference-opens": lambda n: "[a][" * (n // 4),
    "reference-links": lambda n: "[a][b] " * (n // 7) + "\n\n[b]: https://a.nl\n",
    "reference-definitions": lambda n: lines_of("[r]: https://a.nl 'titel'\n", n),
    "escapes": lambda n: "\\[" * (n // 2),
    "emphasis": lambda n: "*a* _b_ " * (n // 8),
    "strong": lambda n: "**a** __b__ " * (n // 12),
    "backticks": lambda n: "`a " * (n // 3),
    "code-spans": lambda n: "x `<a` " * (n // 7),
    "backtick-runs": lambda n: "".join("`" * k + "a" for k in range(1, int((2 * n) ** 0.5))),
    "unclosed-code-spans": lambda n: "``a` " * (n // 5),
    "angle-brackets": lambda n: "<" * n,
    "autolinks": lambda n: "<https://a.nl> " * (n // 15),
    "hard-breaks": lambda n: lines_of("a  \n", n),
    "heading-lines": lambda n: lines_of("# a\n", n),
    "setext-headings": lambda n: lines_of("a\n-\n", n),
    "rules": lambda n: lines_of("a\n***\n", n),
    "same-headings": lambda n: "## Kop\n\n" * (n // 8),
    "quote-lines": lambda n: lines_of("> # a\n", n),
    "list": lambda n: lines_of("- a\n", n),
    "nested-list": lambda n: lines_of("- a\n    - b\n", n),
    "table": lambda n: "\n\n".join(
        ["| a | b |\n|---|---|\n" + "| a | b |\n" * 90] * (n // 940 + 1)
    ),
    "admonitions": lambda n: "!!! note\n    a\n\n" * (n // 15),
    "fences": lambda n: "```\na\n```\n\n" * (n // 13),
    "indented-code": lambda n: "    a\n\n" * (n // 7),
    "definitions": lambda n: "a\n: b\n\n" * (n // 7),
}


RENDER_SHAPES: dict[str, Callable[[int], str]] = {
    name: (lambda n, make=make: in_blocks(make(n))) for name, make in _RENDER_SHAPES.items()
}


def lines_executed(work: Callable[[], object]) -> int:
    """How many Python lines `work()` executes (every frame, library code included)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def growth(work: Callable[[str], object], make: Callable[[int], str], n: int = 1000) -> float:
    small, large = make(n), make(GROWTH * n)
    work(small)  # set-up and caches outside the count
    return lines_executed(lambda: work(large)) / lines_executed(lambda: work(small))


def record(body: str):
    indented = "".join(f"  {line}\n" for line in body.split("\n"))
    return load_text(f"title: Lang\nbody: |\n{indented}", "initiatives/lang.yml")


@pytest.mark.parametrize("shape", sorted(RENDER_SHAPES))
def test_rendering_work_grows_linearly(shape):
    make = RENDER_SHAPES[shape]
    assert body_findings(record(make(GROWTH * 1000))) == [], "the validator refuses this shape"
    ratio = growth(render_markdown, make)
    assert ratio < BOUND, f"{shape}: {ratio:.1f} times the work for {GROWTH} times the text"


def test_the_inline_step_walks_one_block_at_a_time(monkeypatch):
    """Python-Markdown's inline step takes elements from the front of a list (`pop(0)`, work
    the line count does not see): it gets one top-level block at a time, whatever the body's
    size."""
    largest: list[int] = []
    walk = InlineProcessor.run

    def run(self, tree, ancestors=None):
        largest[-1] = max(largest[-1], sum(1 for _ in tree.iter()))
        return walk(self, tree, ancestors)

    monkeypatch.setattr(InlineProcessor, "run", run)
    for n in (10_000, 40_000):
        largest.append(0)
        render_markdown(RENDER_SHAPES["hard-breaks"](n))
    assert largest[0] == largest[1] <= 3


def test_the_count_catches_python_markdowns_quadratic_link_patterns():
    stock = markdown.Markdown(extensions=EXTENSIONS)
    ratio = growth(lambda text: stock.reset().convert(text), RENDER_SHAPES["open-brackets"])
    assert ratio > 12


#: validation shapes (each made invalid or slow by round one); validated at n and 4n
VALIDATION_SHAPES: dict[str, Callable[[int], str]] = {
    "brackets": lambda n: "[" * n,
    "braces": lambda n: "{" * n,
    "images": lambda n: "![" * (n // 2),
    "scheme-lt": lambda n: "<a:" * (n // 3),
    "comments": lambda n: "<!" * (n // 2),
    "tags": lambda n: "<a" * (n // 2),
    "emails": lambda n: "<a@b " * (n // 5),
    "autolinks": lambda n: "<https://a" * (n // 10),
    "inline-links": lambda n: "](" * (n // 2),
    "reference-defs": lambda n: "[a]:" * (n // 4),
    "attribute-lists": lambda n: "{: a" * (n // 4),
    "backticks": lambda n: "`a" * (n // 2),
    "backtick-runs": lambda n: "".join("`" * k + "a" for k in range(1, int((2 * n) ** 0.5))),
    "fences": lambda n: "".join("`" * (3 + i % 7) + "\n" for i in range(n // 6)),
    "tilde-fences": lambda n: "~~~\n```\n" * (n // 8),
    "nested-emphasis": lambda n: "*" * (n // 2) + "x" + "*" * (n // 2),
    "emphasis-words": lambda n: "*a " * (n // 3),
    "quotes": lambda n: ">" * n,
    "indented-lines": lambda n: ("    " * 30 + "- a\n") * (n // 124),
    "long-blocks": lambda n: "a " * (n // 2),
}


@pytest.mark.parametrize("shape", sorted(VALIDATION_SHAPES))
def test_validation_work_grows_linearly(shape):
    ratio = growth(lambda body: body_findings(record(body)), VALIDATION_SHAPES[shape], 10_000)
    assert ratio < BOUND, f"{shape}: {ratio:.1f} times the work for {GROWTH} times the text"


# --- the bounded converter renders what Python-Markdown renders -------------------------------

#: the characters Markdown's links, code, blocks and emphasis are made of, and some text
MARKDOWN = st.text(st.sampled_from("[]()!<>'\"`*_~#:-=|{}\\ \n\tab1."), max_size=MAX_LINK_PARTS - 2)
#: the same in lines of their own, for the block steps (fences, indented code, tables...)
BLOCKS = st.lists(
    st.sampled_from(
        [
            "```",
            "~~~",
            "```python",
            "``` {.a #b}",
            "``` {.a",
            "    code",
            "",
            "| a |",
            "|---|",
            "a | b",
            "--|--",
            "!!! note",
            '!!! note "Titel"',
            "# kop",
            "kop",
            "---",
            "***",
            "> citaat",
            "- item",
            "1. item",
            ": definitie",
            "[r]: https://a.nl 'titel'",
            "[a](https://a.nl) [r] [b][r]",
            "tekst",
        ]
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(body=MARKDOWN)
def test_inline_markdown_renders_as_python_markdown_renders_it(body):
    stock = markdown.Markdown(extensions=EXTENSIONS)
    assert body_converter().convert(body) == stock.convert(body)


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.one_of(BLOCKS, MARKDOWN), max_size=4).map("\n".join))
def test_block_markdown_renders_as_python_markdown_renders_it(body):
    stock = markdown.Markdown(extensions=EXTENSIONS)
    assert body_converter().convert(body) == stock.convert(body)


@pytest.mark.parametrize(
    "body",
    [
        "[tekst](https://a.nl/a_(b)_(c) \"titel met 'quotes'\")",
        "[a](<https://a.nl> 'titel')",
        '[a](https://a.nl"geen titel)',
        "[a [b] c](https://a.nl)",
        '![alt](https://a.nl/x.png "t")',
        "[a][r]\n\n[r]: https://a.nl",
        "```{.python #id}\ncode\n```\n\ntekst\n\n~~~\ncode\n~~~",
        "    een\n\n    twee\n\n\n    drie\ntekst",
        "| a |\n| - |\n| b |\n| c |",
        '!!! note "Titel"\n    inhoud\n\n    meer',
    ],
)
def test_known_markdown_renders_as_python_markdown_renders_it(body):
    stock = markdown.Markdown(extensions=EXTENSIONS)
    assert body_converter().convert(body) == stock.convert(body)


def test_a_link_with_more_parts_than_the_bound_stays_text():
    text = "[" * (MAX_LINK_PARTS + 1) + "a" + "]" * (MAX_LINK_PARTS + 1) + "(https://a.nl)"
    assert "<a " not in body_converter().convert(text)
