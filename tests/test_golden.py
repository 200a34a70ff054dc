"""Golden files: the generated Markdown of representative pages, byte for byte.

After an intended change to templates or bundled content, refresh them with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO

from kennisbank_gen.read.project import read_project
from kennisbank_gen.site.model import build_model
from kennisbank_gen.site.render import SiteConfig, render_site

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "initiative.md": "initiatieven/inspectie-sociale-veiligheid-kunst-mode-2023.md",
    "initiatives-overview.md": "initiatieven/index.md",
    "recommendation.md": "aanbevelingen/inspectie-2023/07.md",
    "pdca-overview.md": "aanbevelingen/inspectie-2023/index.md",
    "tip.md": "tips/inholland-docenten/08.md",
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, str | bytes]:
    project = read_project(REPO)
    return render_site(
        build_model(project), SiteConfig.from_mkdocs(REPO / "mkdocs.yml"), REPO / "content"
    )


@pytest.mark.parametrize("golden", sorted(PAGES))
def test_page_matches_golden_file(rendered, golden):
    actual = rendered[PAGES[golden]]
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")
