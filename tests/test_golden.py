"""Golden files: the generated Markdown of representative pages of a fixture project, byte for byte.

The fixture project (`tests/fixtures/golden-project/`: its own records, framework copy, guidance
sets, content pages and mkdocs.yml) sits beside its expected output (`expected/`), so adding a
record to the bundled content, or any day passing, never changes a golden file. Tests on the
bundled content assert properties instead (counts equal the records).

After an intended change to templates, refresh them with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from conftest import TODAY

from kennisbank_gen.check.validate import validate
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.markdown_pages import SiteConfig, render_site
from kennisbank_gen.render.model import build_model

FIXTURE = Path(__file__).parent / "fixtures" / "golden-project"
GOLDEN = FIXTURE / "expected"
#: the fixture's own "today": its records never age
FIXTURE_TODAY = dt.date(2026, 11, 1)
PAGES = {
    "initiative.md": "initiatieven/rapport-sociale-veiligheid-kunstvakopleidingen.md",
    "initiative-niet-bekend.md": "initiatieven/criterium-niet-bekend.md",
    "initiatives-overview.md": "initiatieven/index.md",
    "recommendation.md": "aanbevelingen/inspectie-2023/07.md",
    "pdca-overview.md": "aanbevelingen/inspectie-2023/index.md",
    "tip.md": "tips/inholland-docenten/08.md",
    "framework.md": "kwaliteitskader.md",
}


def render(root: Path) -> dict[str, str | bytes]:
    project = read_project(root)
    config = SiteConfig.from_mkdocs(root / "mkdocs.yml")
    return render_site(build_model(project), config, root / "content")


@pytest.fixture(scope="module")
def rendered() -> dict[str, str | bytes]:
    return render(FIXTURE)


def test_fixture_project_is_valid():
    assert validate(FIXTURE, today=FIXTURE_TODAY).findings == []


@pytest.mark.parametrize("golden", sorted(PAGES))
def test_page_matches_golden_file(rendered, golden):
    actual = rendered[PAGES[golden]]
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_bundled_overview_counts_every_record(bundled_project):
    """On the bundled content: properties, not numbers. Every record is on one page of the
    overview (`initiatieven/index.md`, then `initiatieven/pagina/<n>.md`)."""
    records = validate(bundled_project, today=TODAY).project.records
    files = render(bundled_project)
    overview = files["initiatieven/index.md"]
    assert re.search(rf"^{len(records)} initiatieven:", overview, re.MULTILINE)
    pages = [overview] + [
        text for path, text in files.items() if re.fullmatch(r"initiatieven/pagina/\d+\.md", path)
    ]
    card = re.compile(r'<li class="kb-card" data-kb-slug="([^"]+)"')
    slugs = [slug for text in pages for slug in card.findall(text)]
    assert sorted(slugs) == sorted(Path(doc.path).stem for doc in records)
