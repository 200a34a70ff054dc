"""The model: Dutch dates, ordering, and cross-links between initiatives and guidance."""

import re

import pytest
from conftest import REPO

from kennisbank_gen.read.dates import PartialDate
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.model import build_model


@pytest.mark.parametrize(
    ("text", "dutch"),
    [
        ("2023", "2023"),
        ("2023-05", "mei 2023"),
        ("2023-05-15", "15 mei 2023"),
        ("2022-10", "oktober 2022"),
        ("2024-03-01", "1 maart 2024"),
    ],
)
def test_dates_are_shown_in_dutch(text, dutch):
    date = PartialDate.parse(text)
    assert date.dutch == dutch
    assert date.iso == text


def test_partial_dates_sort_before_precise_ones_of_the_same_period():
    dates = [PartialDate.parse(t) for t in ("2023-05-15", "2023", "2023-05", "2022-12-31")]
    assert [d.iso for d in sorted(dates, key=lambda d: d.sort_key)] == [
        "2022-12-31",
        "2023",
        "2023-05",
        "2023-05-15",
    ]


@pytest.fixture(scope="module")
def site(bundled_project):
    return build_model(read_project(bundled_project))


def test_initiatives_are_newest_first(site):
    keys = [i.date.sort_key for i in site.initiatives]
    assert keys == sorted(keys, reverse=True)


def test_links_between_initiatives_and_guidance_run_both_ways(site):
    for initiative in site.initiatives:
        for item in initiative.guidance:
            assert initiative in item.initiatives
    for item in site.items.values():
        for initiative in item.initiatives:
            assert item in initiative.guidance
        for other in item.related:
            assert item in other.related, (item.id, other.id)


def test_guidance_sets_have_their_items_and_source_records(site):
    counts = {s.id: len(s.items) for s in site.guidance_sets}
    assert counts == {"inspectie-2023": 21, "inholland-docenten": 11, "miv-mbo-2023": 3}
    inspectie = next(s for s in site.guidance_sets if s.id == "inspectie-2023")
    assert [(g.id, [i.number for i in g.items]) for g in inspectie.groups] == [
        ("plan", [1, 2, 3, 4, 5, 6]),
        ("do", [7, 8, 9, 10, 11, 12]),
        ("check-act", [13, 14, 15, 16, 17]),
        ("stelsel", [18, 19, 20, 21]),
    ]
    assert all(s.initiative is not None for s in site.guidance_sets)


def test_quality_values_follow_framework_order(site):
    for initiative in site.initiatives:
        for rating in initiative.ratings:
            order = [v.id for v in rating.criterion.values]
            ids = [v.id for v in rating.values]
            assert ids == sorted(ids, key=order.index)


def test_a_criterion_the_source_does_not_state_is_shown_as_niet_bekend(project):
    """`unknown: true` in the framework: a record may leave the criterion (and its sectors) out;
    the page, the card, the browse page's facets and the exports say "Niet bekend"."""
    from kennisbank_gen.config import SiteConfig
    from kennisbank_gen.render.markdown_pages import render_site
    from kennisbank_gen.render.search import facets, page_data

    record = REPO / "tests" / "corpus" / "valid" / "onbekend-criterium.yml"
    (project / "initiatives" / record.name).write_bytes(record.read_bytes())
    read = read_project(project)
    site = build_model(read)
    initiative = site.initiative("onbekend-criterium")
    assert [r.criterion.id for r in initiative.ratings if not r.known] == ["scale"]
    assert initiative.sectors == ()
    filters = dict(page_data(initiative).filters)
    assert filters["scale"] == filters["sector"] == "niet-bekend"
    scale = next(f for f in facets(site) if f.key == "scale")
    assert scale.options[-1].label == "Niet bekend"
    assert site.count_unknown("scale") == sum(
        "scale" not in d.data["quality"] for d in read.records
    )
    files = render_site(site, SiteConfig.from_mkdocs(project / "mkdocs.yml"), project / "content")
    page = files["initiatieven/onbekend-criterium.md"]
    assert "Schaalgrootte bereik (kenmerk)\n:   " in page
    row = page.split("Schaalgrootte bereik (kenmerk)\n:   ")[1].splitlines()[0]
    assert row.endswith("Niet bekend")
    assert re.search(r"<dt>Sector</dt><dd[^>]*>Niet bekend</dd>", page)
    # the quality profile at the top says it too, with the dashed "unknown" meter
    assert re.search(
        r'Schaalgrootte bereik</span></dt><dd class="kb-profile__value">Niet bekend<', page
    )
    [row] = [
        r for r in files["initiatieven.csv"].splitlines() if r.startswith("onbekend-criterium,")
    ]
    assert row.count("Niet bekend") == 2  # sector and scale


def test_whether_a_criterion_may_be_unknown_is_framework_data(project):
    """Without `unknown: true` on a criterion, leaving it out is a finding; with it, none."""
    import datetime as dt

    from kennisbank_gen.check.validate import validate

    record = project / "initiatives" / "onbekend-criterium.yml"
    record.write_bytes(
        (REPO / "tests" / "corpus" / "valid" / "onbekend-criterium.yml").read_bytes()
    )
    day = dt.date(2026, 6, 1)
    assert validate(project, [record], today=day).findings == []
    criteria = project / "quality_framework" / "criteria.yml"
    blocks = criteria.read_text(encoding="utf-8").split("  - id: ")
    [scale] = [i for i, b in enumerate(blocks) if b.startswith("scale\n")]
    blocks[scale] = blocks[scale].replace("    unknown: true\n", "", 1)
    criteria.write_text("  - id: ".join(blocks), encoding="utf-8")
    [finding] = validate(project, [record], today=day).findings
    assert (finding.field, finding.message) == (
        "quality.scale",
        "verwacht dit veld, gevonden: het ontbreekt",
    )
