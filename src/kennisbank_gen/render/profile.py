"""The quality profile and the card of an initiative, wherever they are shown: the meter of a
judgement (one length on every criterion, its step in blocks and in words), the tone classes,
the card's line of facts, and an initiative's sort keys per judging criterion. (A search result
row draws the profile in assets/kennisbank-search.js as the templates do.)
"""

from __future__ import annotations

import functools

from markupsafe import Markup

from ..read.framework import Criterion, Value
from .model import Initiative, Rating

#: the meter of a judging criterion: the same length for every criterion, in as many blocks as
#: its scale has steps (viewBox units; the stylesheet sets its size in the text's em)
METER_WIDTH = 40
METER_HEIGHT = 10
METER_GAP = 2


def _number(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


@functools.cache  # a few shapes, drawn on every page
def meter(level: int, steps: int) -> Markup:
    """The symbol of a judgement: a bar of fixed length cut into `steps` blocks, `level` of them
    filled, so "3 van 4" and "3 van 3" read against their own scale. Shape, not colour, carries
    it (filled against outlined blocks, also in greyscale and in forced colours); always next to
    its text ("3 van 4") and hidden from screen readers."""
    block = (METER_WIDTH - METER_GAP * (steps - 1)) / steps
    filled, empty = [], []
    for n in range(steps):
        x = n * (block + METER_GAP)
        if n < level:
            filled.append(f"M{_number(x)} 0h{_number(block)}v{METER_HEIGHT}h-{_number(block)}z")
        else:  # the outline inside the block, so filled and empty blocks are the same size
            inner = block - 1.5
            empty.append(
                f"M{_number(x + 0.75)} 0.75h{_number(inner)}v{METER_HEIGHT - 1.5}"
                f"h-{_number(inner)}z"
            )
    paths = f'<path d="{"".join(filled)}" fill="currentColor"/>' if filled else ""
    if empty:
        paths += (
            f'<path d="{"".join(empty)}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        )
    return Markup(
        f'<svg class="kb-meter" viewBox="0 0 {METER_WIDTH} {METER_HEIGHT}" aria-hidden="true" '
        f'focusable="false">{paths}</svg>'
    )


#: where a judgement has no level ("Niet bekend", "Niet van toepassing"): no symbol, just the
#: room one takes, so the words line up with the other rows
NO_METER = Markup('<span class="kb-meter kb-meter--none" aria-hidden="true"></span>')


def rating_meter(rating: Rating) -> Markup:
    """A rating's symbol: the meter of a judgement with a level on its scale, else NO_METER."""
    if rating.criterion.kind != "judgement" or not rating.level:
        return NO_METER
    return meter(rating.level, rating.criterion.steps)


def value_meter(value: Value | None, criterion: Criterion) -> Markup:
    """The symbol of one value of a criterion (None: "Niet bekend"), for the framework page and
    a record's criteria: a meter for a judgement's step on its scale, nothing otherwise."""
    if value is None or criterion.kind != "judgement" or not criterion.level(value):
        return Markup("")
    return meter(criterion.level(value), criterion.steps)


def tone(level: int, criterion: Criterion) -> str:
    """A CSS class suffix: judgements are coloured from strong to weak, descriptions stay
    neutral (they say what, not how good); colour only repeats what shape and text say."""
    if level == 0:
        return "none"
    if criterion.kind != "judgement":
        return "neutral"
    if level == criterion.steps:
        return "strong"
    return "weak" if level == 1 else "middle"


def rank_text(level: int, criterion: Criterion) -> str:
    """What the meter says, in words: "3 van 4" for a judgement's step on its scale; nothing
    for a description (a fact, not a level) or a value off the scale."""
    return f"{level} van {criterion.steps}" if level and criterion.kind == "judgement" else ""


def card_facts(i: Initiative) -> str:
    """The line under an initiative's title in a card: who, when, what kind, which sectors."""
    sectors = ", ".join(s.label for s in i.sectors) or "sector niet bekend"
    return f"{', '.join(i.initiators)} · {i.date.dutch} · {i.kind.label} · {sectors}"


#: the Pagefind sort key of an initiative on a judging criterion (`niveau-evaluation`)
LEVEL_SORT = "niveau-{}"


def level_sort_keys(i: Initiative, sort_date: str) -> list[tuple[str, str]]:
    """An initiative's sort key per judging criterion, for "strong to weak" (sorted descending):
    its step, then its date, so "Niet bekend" (step 0) comes last and ties go newest first."""
    return [
        (LEVEL_SORT.format(r.criterion.id), f"{r.level}-{sort_date}")
        for r in i.ratings
        if r.criterion.kind == "judgement"
    ]
