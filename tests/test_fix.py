"""`kennisbank validate --fix`: every unambiguous fix is applied in place, changing only that
value's text (comments, layout, quotes, line ends and a BOM stay), and each change is reported.
Records outside a project are checked in the corpus's project (no records of its own)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, TODAY
from test_corpus import INVALID, VALID, corpus_project, findings_of

from kennisbank_gen.check.validate import validate
from kennisbank_gen.cli import main

#: corpus case -> (the text as typed, the text --fix writes): nothing else may change
CASES = {
    "nederlandse-datum.yml": [("date: 12 oktober 2021", "date: 2021-10-12")],
    "nederlandse-maand.yml": [("date: augustus 2019", "date: 2019-08")],
    "label-als-code.yml": [
        ("kind: Handreiking/tips", "kind: handreiking"),
        ("duration: Lang (>1 jaar)", "duration: lang"),
    ],
    "thema-als-tekst.yml": [
        (
            "themes: Coronagerelateerd, studentenwelzijn",
            "themes: [coronagerelateerd, studentenwelzijn]",
        ),
        ("evaluation: Het initiatief is geëvalueerd.", "evaluation: [geevalueerd]"),
    ],
    "sumary.yml": [("sumary: Korte", "summary: Korte")],
    "unknown-field.yml": [("themse: [preventie]", "themes: [preventie]")],
    "www-adres.yml": [("url: www.voorbeeld.nl", "url: https://www.voorbeeld.nl")],
    "www-in-tekst.yml": [("](www.voorbeeld.nl", "](https://www.voorbeeld.nl")],
    "tab-indentation.yml": [("\t- Hogeschool Voorbeeld", "  - Hogeschool Voorbeeld")],
    "dubbele-punt-in-titel.yml": [
        (
            "title: Onderzoek: eenzaamheid onder studenten",
            'title: "Onderzoek: eenzaamheid onder studenten"',
        )
    ],
}


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_changes_only_the_intended_bytes(project: Path, name: str):
    record = project / "initiatives" / name
    shutil.copy2(INVALID / name, record)
    before = record.read_bytes()
    offered = run("validate", "--project", project, record)  # offered, never applied silently
    assert offered.exit_code == 1 and record.read_bytes() == before
    assert "herstelt `kennisbank validate --fix` voor je" in offered.output
    result = run("validate", "--fix", "--project", project, record)
    after = record.read_bytes()
    expected = before.decode("utf-8")
    for old, new in CASES[name]:
        assert expected.count(old) == 1
        expected = expected.replace(old, new)
    assert after == expected.encode("utf-8")
    # reported, one line per change, in the shape of a finding
    changes = [line for line in result.output.splitlines() if " hersteld: " in line]
    assert len(changes) == len(CASES[name])
    assert all(line.startswith(f"initiatives/{name}:") for line in changes)
    # what remains is only the expect comments' line numbers: the record itself is clean
    assert validate(project, [record], today=TODAY).findings == []
    assert result.exit_code == 0, result.output


def test_fix_keeps_comments_quotes_crlf_and_bom(tmp_path: Path):
    text = (VALID / "minimaal.yml").read_text(encoding="utf-8")
    text = text.replace("date: 2024-03-15", "date: '15 maart 2024'  # van de oude site")
    text = text.replace("kind: onderzoek", "kind: Onderzoek # label")
    raw = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    record = tmp_path / "crlf-bom.yml"
    record.write_bytes(raw)
    result = run("validate", "--fix", "--project", corpus_project(), record)
    assert result.exit_code == 0, result.output
    want = raw.replace(b"'15 maart 2024'", b"'2024-03-15'").replace(
        b"kind: Onderzoek", b"kind: onderzoek"
    )
    assert record.read_bytes() == want


def test_fix_leaves_ambiguous_findings_alone(tmp_path: Path):
    record = tmp_path / "dubbelzinnig.yml"
    text = (
        (VALID / "minimaal.yml")
        .read_text(encoding="utf-8")
        .replace("kind: onderzoek", "kind: podcast")
    )
    record.write_text(text, encoding="utf-8")
    result = run("validate", "--fix", "--project", corpus_project(), record)
    assert result.exit_code == 1
    assert record.read_text(encoding="utf-8") == text
    assert "hersteld" not in result.output


def test_contributing_quotes_what_validate_and_fix_say(project: Path):
    guide = " ".join((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    record = project / "initiatives" / "nederlandse-maand.yml"
    shutil.copy2(INVALID / "nederlandse-maand.yml", record)
    [finding] = validate(project, [record], today=TODAY).findings
    assert f"`{finding.field}: {finding.message}`" in guide
    result = run("validate", "--fix", "--project", project, record)
    [change] = [line for line in result.output.splitlines() if " hersteld: " in line]
    assert change.split(": ", 1)[1] in guide


MINIMAL = (VALID / "minimaal.yml").read_text(encoding="utf-8")
CRITERIA = (
    "  evaluation: [niet-geevalueerd]\n  duration: nvt\n  scale: nvt\n  accessibility: deels\n"
)
LINK = "links:\n  - label: Website\n    url: https://example.org\n"
BLOCK = "body: |\n  ## Aanpak\n\n  Studenten helpen elkaar.\n"
#: (a valid record, a part of it, that part as tabs made it): a tab that indents a line becomes
#: the spaces the line above asks for, one line per round (YAML stops at the first tab)
TABS = {
    "list-item": (MINIMAL, "\n  - Hogeschool", "\n\t- Hogeschool"),
    "every-criterion": (MINIMAL, CRITERIA, CRITERIA.replace("  ", "\t")),
    "two-levels": (
        MINIMAL.replace("evaluation: [niet-geevalueerd]", "evaluation:\n    - niet-geevalueerd"),
        "\n    - niet-geevalueerd",
        "\n\t\t- niet-geevalueerd",
    ),
    "field-of-a-list-item": (MINIMAL + LINK, "\n    url:", "\n\turl:"),
    "block-text": (
        MINIMAL.replace("body: Een korte beschrijving in Markdown.\n", BLOCK),
        "\n  Studenten",
        "\n\tStudenten",
    ),
    "four-spaces": (MINIMAL.replace("\n  ", "\n    "), "\n    - Hogeschool", "\n\t- Hogeschool"),
}


@pytest.mark.parametrize("case", sorted(TABS))
def test_fix_indents_with_the_spaces_the_line_above_asks_for(tmp_path: Path, case: str):
    valid, spaced, tabbed = TABS[case]
    record = tmp_path / "tabs.yml"
    record.write_text(valid, encoding="utf-8")
    assert validate(corpus_project(), [record], today=TODAY).findings == []
    assert valid.count(spaced) == 1
    record.write_text(valid.replace(spaced, tabbed), encoding="utf-8")
    [finding] = validate(corpus_project(), [record], today=TODAY).findings
    assert finding.message.startswith(
        "verwacht spaties om in te springen, gevonden een tab; schrijf"
    )
    result = run("validate", "--fix", "--project", corpus_project(), record)
    assert record.read_text(encoding="utf-8") == valid, result.output
    assert result.exit_code == 0, result.output
    lines = sum(line.startswith("\t") for line in tabbed.split("\n"))
    assert result.output.count(" hersteld: ") == lines  # one change a line


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("sumary.yml", "`bedoel je 'summary'?`"),
        ("tab-indentation.yml", "(`schrijf 2 spaties`)"),
        ("www-adres.yml", "`schrijf https://www.voorbeeld.nl/"),
    ],
)
def test_contributing_quotes_the_fix_validate_offers(name: str, quoted: str):
    guide = " ".join((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert quoted in guide
    [finding] = findings_of(INVALID / name)
    assert quoted.strip("(`)").removesuffix("pagina") in finding.message
