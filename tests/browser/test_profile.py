"""A profile a teacher reads in five seconds (issue 20, point 5), in Debian's Chromium.

Every judging criterion has a meter of the same length, cut into as many blocks as its scale has
steps, with its step in words ("3 van 4"); a describing criterion (duration, reach) is a plain
fact with no meter and no level; "Niet van toepassing" and "Niet bekend" are words with no
symbol. In a greyscale screenshot the filled blocks still tell every level apart.
axe-core runs on every page type in test_accessibility.py.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.sync_api import expect
from site_pages import PAGES, open_page

from kennisbank_gen.read.framework import UNKNOWN_LABEL
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.model import build_model

pytestmark = pytest.mark.browser

#: how many of a meter's blocks are filled, read from a screenshot turned to greyscale (ITU-R
#: BT.601 luma): the pixel in the middle of each block, dark or light
FILLED_IN_GREYSCALE = """async ([src, steps]) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const {data, width, height} = context.getImageData(0, 0, img.width, img.height);
    const grey = (x, y) => {
        const i = (y * width + x) * 4;
        return 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    };
    const y = Math.floor(height / 2);
    const levels = [];
    for (let k = 0; k < steps; k++) levels.push(grey(Math.floor((k + 0.5) * width / steps), y));
    return levels;
}"""


@pytest.fixture(scope="module")
def site(built_project: Path):
    return build_model(read_project(built_project))


@pytest.fixture
def sharp(browser, site_url):
    """A wide page at twice the pixel density, and a blank page to read screenshots in."""
    context = browser.new_context(
        base_url=site_url, locale="nl-NL", viewport={"width": 1280, "height": 800},
        device_scale_factor=2,
    )  # fmt: skip
    yield context.new_page(), context.new_page()
    context.close()


def greys(blank, meter, steps: int) -> list[float]:
    png = base64.b64encode(meter.screenshot()).decode()
    return blank.evaluate(FILLED_IN_GREYSCALE, [f"data:image/png;base64,{png}", steps])


def test_levels_stay_distinguishable_in_greyscale(sharp, site):
    """The framework page draws every step of every judging criterion: read back in greyscale,
    each meter has exactly its level of dark blocks (the light ones are the page showing
    through the outlined blocks)."""
    page, blank = sharp
    open_page(page, PAGES["framework"])
    judged = [c for c in site.framework.criteria if c.kind == "judgement"]
    assert judged, "the framework has judging criteria"
    seen = 0
    for c in judged:
        meters = page.locator(f"h2#{c.id} ~ dl").first.locator("dt svg.kb-meter")
        ranked = [v for v in c.values if c.level(v)]
        expect(meters).to_have_count(len(ranked))
        for n, value in enumerate(ranked):
            levels = greys(blank, meters.nth(n), c.steps)
            dark = [g < 128 for g in levels]
            assert dark == [k < c.level(value) for k in range(c.steps)], (c.id, value.id, levels)
            seen += 1
    assert seen >= 2


def test_every_judgement_has_one_meter_length_and_says_its_step(sharp, site):
    page, _ = sharp
    for url in (PAGES["framework"], PAGES["initiative"], PAGES["initiatives overview"]):
        open_page(page, url)
        widths = page.locator(".md-content svg.kb-meter").evaluate_all(
            "els => els.map(el => Math.round(el.getBoundingClientRect().width * 10) / 10)"
        )
        assert widths and len(set(widths)) == 1, (url, widths)

    open_page(page, PAGES["initiatives overview"])
    cards = page.locator("#kb-all li.kb-card")
    for n, i in enumerate(site.initiatives[: cards.count()]):
        rows = cards.nth(n).locator(".kb-profile__row")
        for k, r in enumerate(i.profile):
            row = rows.nth(k)
            judged = r.criterion.kind == "judgement" and r.level
            expect(row.locator("svg.kb-meter")).to_have_count(1 if judged else 0)
            rank = row.locator(".kb-profile__rank")
            if judged:
                expect(rank).to_have_text(f"{r.level} van {r.criterion.steps}")
                expect(rank).to_be_visible()  # in the text, not only for screen readers
            else:
                expect(rank).to_have_count(0)


def test_facts_and_values_off_the_scale_are_words(sharp, site):
    """Duration and reach are facts; "Niet van toepassing" and "Niet bekend" have no symbol."""
    page, _ = sharp
    wordy = [
        (i, r)
        for i in site.initiatives
        for r in i.profile
        if r.criterion.kind != "judgement" or not r.level
    ]
    assert any(r.short == UNKNOWN_LABEL or not r.level for _, r in wordy)
    checked = 0
    for i, r in wordy[:6]:
        open_page(page, i.url)
        row = page.locator("section.kb-profile .kb-profile__row").filter(
            has=page.locator("dt", has_text=r.criterion.label)
        )
        expect(row.locator("dd")).to_have_text(r.short)
        expect(row.locator("svg")).to_have_count(0)
        checked += 1
    assert checked
