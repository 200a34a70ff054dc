"""An editor's pull request goes green: a new valid record, added the way CONTRIBUTING.md says
(`kennisbank new --no-input`) to a copy of the bundled content, passes the checks a pull request
runs (validate, build, the content tests' properties) — today, and ten years later ("today" is
passed in)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import content_today, years_later
from test_golden import render

from kennisbank_gen import clock
from kennisbank_gen.check.validate import validate
from kennisbank_gen.cli import main
from kennisbank_gen.clock import ENV as TODAY_ENV
from kennisbank_gen.publish import build
from kennisbank_gen.read.framework import load_framework


def new_record(project: Path) -> list[str]:
    """`kennisbank new --no-input` as an editor runs it, with terms and values of the project's
    framework (an editor's to change): a kind, two themes, and each criterion that may not be
    left out; no sector (the source names none)."""
    framework = load_framework(project / "quality_framework", project)
    terms = framework.vocabularies
    flags = ["new", "--no-input", "--title", "Onderzoek: eenzaamheid onder studenten na corona"]
    flags += ["--initiator", "Universiteit Voorbeeld", "--date", "2021-10"]
    flags += ["--kind", terms["kinds"][0].id]
    for theme in terms["themes"][:2]:
        flags += ["--theme", theme.id]
    flags += ["--summary", "Een record zoals een redacteur het van de oude site overneemt."]
    flags += ["--body", "## Aanleiding\n\nDe bron noemt geen bereik en geen sector."]
    for c in framework.criteria:
        if not c.unknown:
            flags += ["--quality", f"{c.id}={c.values[0].id}"]
    return flags


@pytest.mark.slow
@pytest.mark.parametrize("years_ahead", [0, 10])
def test_a_new_record_keeps_the_pull_request_checks_green(project: Path, monkeypatch, years_ahead):
    later = years_later(content_today(project), years_ahead)
    monkeypatch.setenv(TODAY_ENV, later.isoformat())  # the day the commands check against
    assert clock.today() == later
    runner = CliRunner()
    flags = [*new_record(project), "--project", str(project)]
    made = runner.invoke(main, flags, catch_exceptions=False)
    assert made.exit_code == 0, made.output
    rel = re.search(r"^Nieuw record: (\S+)$", made.output, re.MULTILINE).group(1)
    checked = runner.invoke(main, ["validate", "--project", str(project)])
    assert checked.exit_code == 0, checked.output  # warnings (old reviews) never block
    today = content_today(project)
    report = validate(project, today=today)
    assert report.blocking() == []
    build(project, today=today)
    slug = Path(rel).stem
    assert (project / "site" / "initiatieven" / slug / "index.html").is_file()
    records = report.project.records
    overview = render(project)["initiatieven/index.md"]
    assert re.search(rf"^{len(records)} initiatieven:", overview, re.MULTILINE)
    overview_pages = [
        text
        for name, text in render(project).items()
        if name == "initiatieven/index.md" or name.startswith("initiatieven/pagina/")
    ]
    card = re.compile(rf'<a href="(?:\.\./)*{re.escape(slug)}/"')
    assert sum(bool(card.search(text)) for text in overview_pages) == 1  # on one overview page
