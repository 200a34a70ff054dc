"""Hostile input, round two: no traceback for anything a user or the machine can do, guidance
paths that cannot take over other pages, and plain-text output no CI runner reads as a command.

Each case runs the real CLI in its own process (see test_hostile.kennisbank: bounded in time and
memory) on a private copy of the project.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TODAY, edit_record, records_where
from hypothesis import given
from hypothesis import strategies as st
from test_hostile import assert_no_crash, kennisbank

from kennisbank_gen.check.across import title_key
from kennisbank_gen.findings import Finding, format_text, neutralise


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- configuration errors: exit 2, located, in Dutch ------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "wanted"),
    [
        ("site_name: Kennisbank", "site_name: [Kennisbank", r"mkdocs\.yml:\d+:\d+: verwacht "),
        (
            "  licence:\n    name: CC BY 4.0\n    url: https://creativecommons.org/licenses/"
            "by/4.0/deed.nl\n",
            "",
            r"mkdocs\.yml:\d+:1: extra\.licence\.name: verwacht een tekst voor extra\.licence\.name"
            r", gevonden niets",
        ),
        (
            "site_url: https://kennisbankstudentenwelzijn.nl/",
            "site_url: 3",
            r"mkdocs\.yml:\d+:\d+: site_url: verwacht een tekst voor site_url, gevonden 3",
        ),
        (
            "extra_css:",
            "extra_css: &x\n  - a.css\nextra_css_again:",
            r"mkdocs\.yml:\d+:\d+: verwacht gewone YAML, gevonden een anker '&x'",
        ),
    ],
    ids=["broken-yaml", "no-licence", "url-not-text", "anchor"],
)
def test_broken_mkdocs_yml_exits_2_with_a_located_message(project, old, new, wanted):
    edit(project / "mkdocs.yml", old, new)
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2, result.stderr
    assert re.search(wanted, result.stderr), result.stderr
    assert "mkdocs.yml is niet in orde" in result.stderr
    assert not (project / "site").exists()


def test_missing_mkdocs_yml_exits_2(project):
    (project / "mkdocs.yml").unlink()
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2
    assert "mkdocs.yml:1:1: verwacht een leesbaar bestand" in result.stderr


@pytest.mark.parametrize(
    ("make", "wanted"),
    [
        (
            lambda p: p.write_bytes("# Over\n\nCaf\u00e9\n".encode("latin-1")),
            "content/over.md:1:1: verwacht UTF-8-tekst, gevonden de byte 0xe9 op regel 3",
        ),
        (
            lambda p: (p.unlink(), p.mkdir()),
            "content/over.md:1:1: verwacht een leesbaar bestand, gevonden: Is a directory",
        ),
    ],
    ids=["latin-1", "directory"],
)
def test_unreadable_content_page_is_a_finding(project, make, wanted):
    make(project / "content" / "over.md")
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 1
    assert wanted in result.stderr


def test_mkdocs_own_warning_is_shown_when_it_aborts(project):
    (project / "content" / "over.md").write_text("[kapot](bestaat-niet.md)\n", encoding="utf-8")
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 1
    assert "de sitebouwer (MkDocs) gaf 1 waarschuwing (strikte modus)" in result.stderr
    assert "bestaat-niet.md" in result.stderr  # the warning itself, not only the count


# --- guidance paths -------------------------------------------------------------------------

INHOLLAND = "content/guidance/inholland-docenten.yml"


@pytest.mark.parametrize(
    ("old", "new", "wanted"),
    [
        (
            "path: tips/inholland-docenten",
            "path: initiatieven",
            "path: verwacht een pad dat niet begint met het adres van een andere pagina, gevonden "
            "'initiatieven'",
        ),
        (
            "path: tips/inholland-docenten",
            "path: kwaliteitskader",
            "gevonden 'kwaliteitskader' ('kwaliteitskader/' is al van het kwaliteitskader)",
        ),
        (
            "path: tips/inholland-docenten",
            "path: over/tips",
            "gevonden 'over/tips' ('over/' is al van content/over.md)",
        ),
        (
            "path: tips/inholland-docenten",
            "path: tips/inholland-docenten\nprevious_paths: [initiatieven]",
            "previous_paths[0]: verwacht een pad dat niet begint met het adres van een andere "
            "pagina, gevonden 'initiatieven'",
        ),
        (
            "path: tips/inholland-docenten",
            "path: aanbevelingen/inspectie-2023",
            "inspectie-2023.yml:5:7: path: verwacht een pad dat geen andere pagina gebruikt, "
            "gevonden 'aanbevelingen/inspectie-2023' ('aanbevelingen/inspectie-2023/' is al van "
            "content/guidance/inholland-docenten.yml)",
        ),
    ],
    ids=["initiatieven", "kwaliteitskader", "content-page", "previous-path", "same-path"],
)
def test_guidance_path_cannot_take_another_page(project, old, new, wanted):
    edit(project / INHOLLAND, old, new)
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 1
    assert wanted in result.stderr, result.stderr
    assert not (project / "site").exists()


# --- workflow commands ----------------------------------------------------------------------

COMMAND = re.compile(r"^\s*(::|##\[)", re.MULTILINE)


def test_plain_text_output_carries_no_workflow_command(project):
    name = "regel\r\n::error file=x.yml,line=1::nep.yml"
    (project / "initiatives" / name).write_text(
        "title: x\nbody: |\n  Tekst\n  ::add-mask::geheim <b>\n  ##[error]nep <i>\n",
        encoding="utf-8",
    )
    for command in (["validate"], ["build"], ["validate", "--format", "json"]):
        result = kennisbank(*command, cwd=project)
        assert_no_crash(result)
        assert result.returncode == 1
        for stream in (result.stdout, result.stderr):
            assert not COMMAND.search(stream), stream[:2000]
    text = kennisbank("validate", cwd=project).stdout
    assert "regel⏎::error file=x.yml,line=1::nep.yml:1:1:" in text  # one line, still readable


def test_neutralise_and_one_line():
    assert neutralise("::error::x\n  ::add-mask::y\n##[group]z\nok ::") == (
        ": :error::x\n  : :add-mask::y\n# #[group]z\nok ::"
    )
    finding = Finding("a\nb.yml", 1, 1, "body", "found '\r\n::warning::x'")
    assert format_text([finding]).splitlines()[0] == "a⏎b.yml:1:1: body: found '⏎::warning::x'"


# --- CSV: no cell a spreadsheet runs, whatever it splits on ----------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t")


def test_csv_has_no_formula_in_any_cell_with_any_separator(project):
    from kennisbank_gen.publish import build

    edit_record(
        records_where(project)[0], title='Buddy;=HYPERLINK("https://evil.example")\r=1+1, -2'
    )
    edit(
        project / "quality_framework" / "criteria.yml",
        "label: Evaluatie",
        "label: \"=cmd|' /C calc'!A0\"",
    )
    build(project, today=TODAY)
    raw = (project / "site" / "initiatieven.csv").read_text(encoding="utf-8")
    assert "\r" not in raw  # a bare CR would end the row in some spreadsheets
    rows = raw.split("\n")
    for separator in (",", ";", "\t"):
        for row in rows:
            for cell in row.split(separator):
                assert not cell.strip(' "').startswith(TRIGGERS), (separator, cell)
    assert "'=cmd|" in rows[0]  # the header row (criterion labels) is guarded too


@pytest.mark.parametrize("slug", ["../../uit", "a/b", "Hoofdletters", "slug\n", ""])
def test_new_refuses_a_slug_that_is_not_a_file_name(project, slug):
    result = kennisbank("new", "--no-input", "--title", "Test", "--slug", slug, cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2
    assert "--slug: verwacht een bestandsnaam in kleine letters met streepjes" in result.stderr
    assert not list(project.parent.glob("*.yml")) and not (project.parent / "uit.yml").exists()


# --- the small gaps of point 9 ---------------------------------------------------------------


def test_a_symlinked_directory_of_records_is_a_finding(project, tmp_path):
    from kennisbank_gen.check.validate import validate

    elsewhere = tmp_path / "elders"
    (project / "initiatives").rename(elsewhere)
    (project / "initiatives").symlink_to(elsewhere, target_is_directory=True)
    report = validate(project, today=TODAY)
    assert [(f.path, f.message) for f in report.findings] == [
        ("initiatives", "verwacht een gewone map, gevonden een symbolische link")
    ]
    assert report.project.records == []


@pytest.mark.parametrize("name", ["con", "nul", "com1", "lpt9"])
def test_windows_reserved_slugs_are_refused(project, name):
    from kennisbank_gen.check.validate import validate

    record = project / "initiatives" / f"{name}.yml"
    record.write_text(
        (Path(__file__).parent / "corpus/valid/minimaal.yml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    [finding] = validate(project, [record], today=TODAY).findings
    assert finding.rule == "slug"
    assert f"gevonden '{name}.yml'" in finding.message and "Windows" in finding.message


@pytest.mark.parametrize(
    "twin",
    [
        "Minimaal\u200b record",  # a zero-width space
        "Mini\u00admaal record",  # a soft hyphen
        "Minim\u0430\u0430l record".replace("\u0430\u0430", "\u0430a"),  # Cyrillic а
        "MINIMAAL REC\u039fRD",  # Greek capital omicron
        "Ｍinimaal record",  # a full-width M
        "Mınımaal record",  # the dotless ı
    ],
)
def test_invisible_and_lookalike_characters_do_not_make_a_title_unique(project, twin):
    from kennisbank_gen.check.validate import validate

    text = (Path(__file__).parent / "corpus/valid/minimaal.yml").read_text(encoding="utf-8")
    (project / "initiatives" / "eerste.yml").write_text(text, encoding="utf-8")
    second = text.replace("title: Minimaal record", f"title: {twin}")
    assert second != text
    (project / "initiatives" / "tweede.yml").write_text(second, encoding="utf-8")
    # the second one added: checked against the project, the finding is on it
    findings = validate(project, [project / "initiatives" / "tweede.yml"], today=TODAY).findings
    assert [(f.path, f.rule) for f in findings] == [("initiatives/tweede.yml", "duplicate-title")]


@given(st.text(st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Mn")), min_size=1))
def test_a_title_in_capitals_or_small_letters_is_the_same_title(title):
    """`new` and `validate` refuse a title that differs from another only in case, in any script:
    also where a capital keeps its accents apart (Greek ΐ, Ϊ́) or a small letter has no capital
    of its own (ı, whose capital is I). Found by a generated record."""
    assert title_key(title.upper()) == title_key(title) == title_key(title.lower())
