"""Validation runs in linear time on every pathological body shape known to us.

Each shape is validated at 100,000 and 1,000,000 characters (10,000 too, as a warm-up and for
the record); the test asserts on the ratio of the times, never on seconds: linear work grows
about 10x, quadratic work 100x; the bound is 30x. Before round two a line of `[`, of `{`, of
`![` or of `<a:` took 60-145 s at 100,000 characters.
"""

from __future__ import annotations

import time

import pytest

from kennisbank_gen.check.markdown_safety import body_findings
from kennisbank_gen.read.load import load_text

SHAPES = {
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
}
#: linear time gives about 10 from 100k to 1M characters, quadratic 100; the margin above 10
#: absorbs a loaded machine (CI shares its cores), not a worse complexity
RATIO = 40


def validate_body(body: str) -> float:
    """Seconds to load and check a record with this body (the best of a few short runs)."""
    indented = "".join(f"  {line}\n" for line in body.split("\n"))
    text = f"title: Lang\nbody: |\n{indented}"
    runs = 3 if len(body) < 500_000 else 2
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        body_findings(load_text(text, "initiatives/lang.yml"))
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_validation_time_grows_linearly(shape):
    make = SHAPES[shape]
    times = {n: validate_body(make(n)) for n in (10_000, 100_000, 1_000_000)}
    ratio = times[1_000_000] / max(times[100_000], 1e-4)
    assert ratio < RATIO, f"{shape}: {times} (ratio {ratio:.1f})"
