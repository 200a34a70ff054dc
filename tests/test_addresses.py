"""Exports and addresses: framework ids are whole words (no line break after them), and every
address of the site has one owner (the address table, `check/addresses.py`)."""

from __future__ import annotations

import re

import pytest
from conftest import TODAY
from test_hostile import assert_no_crash, kennisbank

from kennisbank_gen.check.validate import validate


def edit(file, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("vocabulary", ["themes"])
def test_a_framework_id_with_a_final_line_break_is_refused(project, vocabulary):
    """`$` matches before a final line break: "preventie\\n" was an id, and `validate --fix`
    then wrote raw line breaks into records, round after round."""
    file = project / "quality_framework" / "vocabularies.yml"
    text, found = re.subn(
        r"\bid: preventie(?=[,}\n])",
        'id: "preventie\\n"',
        file.read_text(encoding="utf-8"),
        count=1,
    )
    assert found, "the framework has a theme preventie"
    file.write_text(text, encoding="utf-8")
    result = kennisbank("validate", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2, result.stderr
    assert re.search(
        r"quality_framework/vocabularies\.yml:\d+:\d+: themes\[\d+\]\.id: ", result.stderr
    )


# --- the address table: any two claims on one address are a finding ---------------------------


def address_findings_of(project) -> list[tuple[str, str, str]]:
    findings = validate(project, today=TODAY).findings
    return [(f.path, f.field, f.message) for f in findings if f.rule == "duplicate-slug"]


def test_a_guidance_path_inside_another_sets_item_is_a_finding(project):
    """`tips/inholland-docenten/02` is an item page of the set at `tips/inholland-docenten`:
    a set at that path replaced it."""
    edit(
        project / "content" / "guidance" / "miv-mbo-2023.yml",
        "path: aanbevelingen/miv-mbo-2023",
        "path: tips/inholland-docenten/02",
    )
    ((path, field, message),) = address_findings_of(project)
    assert (path, field) == ("content/guidance/miv-mbo-2023.yml", "path")
    assert "'tips/inholland-docenten/02/' is al van content/guidance/inholland-docenten.yml" in (
        message
    )


def test_a_former_address_of_a_record_and_of_a_set_is_a_finding(project):
    """Both became a redirect at one address: one of them went to the wrong place."""
    edit(
        project / "content" / "guidance" / "inspectie-2023.yml",
        "path: aanbevelingen/inspectie-2023",
        "path: aanbevelingen/inspectie-2023\nprevious_paths: [oud/inspectie]",
    )
    record = next(
        p
        for p in sorted((project / "initiatives").glob("*.yml"))
        if "previous_urls" not in p.read_text("utf-8")
    )
    record.write_text(record.read_text("utf-8") + "previous_urls: [/oud/inspectie/]\n", "utf-8")
    ((path, field, message),) = address_findings_of(project)
    assert (path, field) == (f"initiatives/{record.name}", "previous_urls[0]")
    assert "is al van content/guidance/inspectie-2023.yml" in message


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("index.md", "de startpagina"),
        ("kwaliteitskader.md", "het kwaliteitskader"),
        ("vergelijken.md", "de pagina om initiatieven te vergelijken"),
    ],
)
def test_a_hand_written_page_on_a_generated_address_is_a_finding(project, name, taken):
    (project / "content" / name).write_text("# Eigen pagina\n", encoding="utf-8")
    ((path, field, message),) = address_findings_of(project)
    assert (path, field) == (f"content/{name}", "")
    assert f"is al van {taken}" in message
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 1 and f"content/{name}:1:1: " in result.stderr
    assert not (project / "site").exists()


def test_the_bundled_content_claims_each_address_once(project):
    assert address_findings_of(project) == []
