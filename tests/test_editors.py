"""Editors' workflow: `kennisbank new`, the committed JSON Schema, CONTRIBUTING.md (generated part
and worked example), and the "edit this record" link."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURE_PROJECT, REPO, TODAY, record_data, records_where
from form_walkthrough import CHOSEN, GITHUB_ONLY, walkthrough_words

from kennisbank_gen.check.fields import FIELDS
from kennisbank_gen.check.record_schema import record_schema
from kennisbank_gen.check.slugs import PROPOSED_MAX, SLUG_MAX, propose, slug_problem, slugify
from kennisbank_gen.check.validate import check_record, validate
from kennisbank_gen.cli import main
from kennisbank_gen.editors.contributing import BEGIN, END, field_reference, updated_contributing
from kennisbank_gen.editors.new import SCHEMA_FILE, SCHEMA_LINE
from kennisbank_gen.publish import generate
from kennisbank_gen.read.framework import load_framework
from kennisbank_gen.read.load import load_text
from kennisbank_gen.render.cms import DECAP_DIST

FLAGS = [
    "--title",
    "Samen sterk: peer support",
    "--initiator",
    "Hogeschool Testland",
    "--date",
    "2024-03",
    "--kind",
    "praktijkvoorbeeld",
    "--sector",
    "hbo",
    "--theme",
    "sociale-binding",
    "--summary",
    "Studenten helpen elkaar.",
    "--body",
    "## Aanpak\n\nStudenten helpen elkaar, met [een link](https://example.org).",
    "--quality",
    "evaluation=geevalueerd,ervaringen-studenten",
    "--quality",
    "duration=lang",
    "--quality",
    "scale=groot",
    "--quality",
    "accessibility=toegankelijk",
]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def framework():
    return load_framework(REPO / "quality_framework", REPO)


@pytest.fixture
def project(small_project: Path) -> Path:
    """The tests' own small project: what these tests type and expect (terms, values, questions,
    guidance ids, the order of the choices) is its framework's; the bundled framework is the
    editors' to change."""
    return small_project


# --- the schema file editors' VS Code reads ---------------------------------------------------


def test_committed_schema_is_up_to_date_with_the_framework(tmp_path):
    out = tmp_path / "schema.json"
    result = run("schema", "-o", str(out), "--project", str(REPO))
    assert result.exit_code == 0
    assert (REPO / SCHEMA_FILE).read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), (
        f"{SCHEMA_FILE} is out of date: run `kennisbank schema -o {SCHEMA_FILE}`"
    )


def test_schema_line_resolves_from_the_initiatives_folder():
    target = SCHEMA_LINE.split("$schema=", 1)[1]
    assert SCHEMA_LINE.startswith("# yaml-language-server: $schema=")
    assert (REPO / "initiatives" / target).resolve() == (REPO / SCHEMA_FILE).resolve()
    assert (REPO / SCHEMA_FILE).is_file()


# --- kennisbank new ---------------------------------------------------------------------------


def test_slugify():
    assert slugify("Samen sterk: peer support") == "samen-sterk-peer-support"
    assert slugify("Suïcidepreventie & Financiële zorgen!") == "suicidepreventie-financiele-zorgen"
    assert slugify("  --Hallo--  ") == "hallo"
    assert slugify("<script>") == "script"
    assert slugify("!!!") == ""
    long = slugify("woord " * 40)
    assert len(long) <= SLUG_MAX and not long.endswith("-") and long.startswith("woord-woord")
    assert slug_problem(long) is None  # what new makes, validate accepts: one rule
    short = propose("woord " * 40)
    assert len(short) <= PROPOSED_MAX and long.startswith(short + "-")
    assert slug_problem("a" * (SLUG_MAX + 1)) is not None


LONG_TITLE = (
    "Onderzoek: eenzaamheid en sociale binding onder mbo-studenten in de jaren na de "
    "coronapandemie, en wat opleidingen daaraan doen"
)


def test_new_interactive_proposes_a_slug_and_keeps_a_longer_one(project):
    flags = [f for f in FLAGS if f not in ("--title", "Samen sterk: peer support")]
    full = slugify(LONG_TITLE)
    assert len(full) > PROPOSED_MAX
    result = run("new", "--project", str(project), *flags, input=f"{LONG_TITLE}\n\n\n\n{full}\n")
    assert result.exit_code == 0, result.output
    assert f"Voorstel: {propose(LONG_TITLE)}" in result.output
    _assert_valid_new_record(project, f"initiatives/{full}.yml")


def test_new_and_validate_share_the_slug_rule(project):
    too_long = "a" * (SLUG_MAX + 1)
    result = run("new", "--no-input", "--project", str(project), "--slug", too_long, *FLAGS)
    assert result.exit_code == 2  # a wrong option value: a usage error
    assert slug_problem(too_long) in result.output
    record = project / "initiatives" / f"{too_long}.yml"
    record.write_text((REPO / "tests/corpus/valid/minimaal.yml").read_text(encoding="utf-8"))
    [finding] = validate(project, [record], today=TODAY).findings
    assert finding.message == slug_problem(too_long, record.name).replace(
        f"'{too_long}.yml'", f"'{record.name}'"
    )


def _assert_valid_new_record(project: Path, rel: str) -> str:
    text = (project / rel).read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    # the validator, on this file alone and on the whole project
    assert run("validate", str(project / rel), "--project", str(project), "--strict").exit_code == 0
    report = validate(project, today=TODAY)
    assert report.blocking() == [] and [f for f in report.findings if f.path == rel] == []
    # and what an editor's YAML extension sees: the committed schema accepts it
    schema = json.loads((REPO / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(text), schema)
    return text


def test_new_with_flags_writes_a_valid_record_named_from_the_title(project):
    result = run("new", "--no-input", "--project", str(project), *FLAGS)
    assert result.exit_code == 0, result.output
    rel = "initiatives/samen-sterk-peer-support.yml"
    assert rel in result.output
    text = _assert_valid_new_record(project, rel)
    data = yaml.safe_load(text)
    assert data["title"] == "Samen sterk: peer support"
    assert data["quality"]["evaluation"] == ["geevalueerd", "ervaringen-studenten"]
    assert data["quality"]["duration"] == "lang"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["last_reviewed"])
    assert "example" not in data


def test_new_refuses_to_overwrite(project):
    assert run("new", "--no-input", "--project", str(project), *FLAGS).exit_code == 0
    target = project / "initiatives" / "samen-sterk-peer-support.yml"
    before = target.read_bytes()
    again = run("new", "--no-input", "--project", str(project), *FLAGS)
    assert again.exit_code == 1
    assert "bestaat al" in again.output
    assert target.read_bytes() == before
    # an existing bundled record, chosen by --slug
    existing = next((project / "initiatives").glob("*.yml"))
    original = existing.read_bytes()
    clash = run("new", "--no-input", "--project", str(project), "--slug", existing.stem, *FLAGS)
    assert clash.exit_code == 1
    assert existing.read_bytes() == original


def test_new_without_input_names_missing_flags(project):
    before = sorted((project / "initiatives").iterdir())
    result = CliRunner().invoke(main, ["new", "--no-input", "--project", str(project)])
    assert result.exit_code == 2
    for flag in ("--title", "--initiator", "--kind", "--summary"):
        assert flag in result.output
    # a criterion the source may not state (`unknown: true`) and sectors are never demanded
    assert "--quality" not in result.output and "--sector" not in result.output
    assert sorted((project / "initiatives").iterdir()) == before


def test_new_without_input_demands_a_criterion_that_may_not_be_unknown(project):
    criteria = project / "quality_framework" / "criteria.yml"
    text = criteria.read_text(encoding="utf-8")
    criteria.write_text(text.replace("    unknown: true\n", "", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "--no-input", "--project", str(project)])
    assert result.exit_code == 2
    assert "--quality evaluation=..." in result.output


def _without_quality(flags: list[str]) -> list[str]:
    out, skip = [], False
    for flag in flags:
        if skip:
            skip = False
        elif flag == "--quality":
            skip = True
        else:
            out.append(flag)
    return out


def test_new_without_input_leaves_out_the_criteria_the_source_may_not_state(project):
    """As the dialogue does: no `--quality` for a criterion with `unknown: true` ("Niet
    bekend" on the site); every other criterion still needs one."""
    framework = load_framework(project / "quality_framework", project)
    demanded = [c for c in framework.criteria if not c.unknown]
    flags = _without_quality(FLAGS)
    for c in demanded:
        flags += ["--quality", f"{c.id}={c.values[0].id}"]
    result = run("new", "--no-input", "--project", str(project), *flags)
    assert result.exit_code == 0, result.output
    text = _assert_valid_new_record(project, "initiatives/samen-sterk-peer-support.yml")
    quality = yaml.safe_load(text)["quality"]
    assert quality == {
        c.id: c.values[0].id if not c.multiple else [c.values[0].id] for c in demanded
    }


def test_new_never_offers_validate_fix_for_a_file_it_did_not_write(project):
    flags = list(FLAGS)
    flags[flags.index("--date") + 1] = "maart 2024"
    result = run("new", "--no-input", "--project", str(project), *flags)
    assert result.exit_code == 1
    assert "gevonden 'maart 2024'; schrijf 2024-03" in result.output  # the fix, for the option
    assert "--fix" not in result.output
    assert not (project / "initiatives" / "samen-sterk-peer-support.yml").exists()


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--kind", "onzin", "kind: verwacht een van"),
        ("--date", "2024-13", "date: verwacht"),
        ("--body", "Hallo <script>alert(1)</script>", "verwacht Markdown zonder HTML"),
        (
            "--body",
            "[x](javascript:alert(1))",
            "verwacht een link naar een adres dat begint met https://",
        ),
        ("--guidance", "inspectie-2023/99", "verwacht een bestaand id van een aanbeveling of tip"),
    ],
)
def test_new_reports_findings_and_writes_nothing(project, flag, value, expected):
    flags = list(FLAGS)
    if flag in flags:
        flags[flags.index(flag) + 1] = value
    else:
        flags += [flag, value]
    before = sorted(p.name for p in (project / "initiatives").iterdir())
    result = run("new", "--no-input", "--project", str(project), *flags)
    assert result.exit_code == 1
    assert expected in result.output
    assert "initiatives/samen-sterk-peer-support.yml:" in result.output  # located, like validate
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (project / "initiatives").iterdir()) == before


def test_new_refuses_a_duplicate_title(project):
    title = yaml.safe_load(next((project / "initiatives").glob("*.yml")).read_text())["title"]
    flags = list(FLAGS)
    flags[1] = title.upper()
    result = run("new", "--no-input", "--project", str(project), "--slug", "iets-anders", *flags)
    assert result.exit_code == 1


def test_new_interactive_prompts_in_dutch_and_asks_again_on_bad_answers(project):
    answers = [
        "Samen sterk: peer support",  # title
        "Hogeschool Testland; Stichting Voorbeeld",  # initiators
        "2024-13",  # a month that does not exist
        "2024-03",
        "9",  # no such kind
        "4",  # praktijkvoorbeeld, by number
        "hbo, 1",  # sectors by code and number
        "sociale-binding,preventie",
        "Studenten helpen elkaar.",  # summary
        "Tekst met <b>HTML</b>.",  # body, refused
        ".",
        "## Aanpak",  # body, accepted
        "",
        "Studenten helpen elkaar.",
        ".",
        "https://example.org",  # a link
        "Website",
        "",  # no more links
        "1,4",  # exclusive value combined
        "1,3",
        "lang",
        "3",
        "toegankelijk",
        "inholland-docenten/4",  # no such id
        "inholland-docenten/04",
        "1",  # status actief
        "Samen_Sterk",  # slug: refused by the one slug rule
        "",  # slug: the proposal
    ]
    result = run("new", "--project", str(project), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    for prompt in ("Titel", "Initiatiefnemer(s)", "Datum initiatief", "Soort", "Samenvatting"):
        assert prompt in out
    assert "Initiatief/praktijkvoorbeeld  [praktijkvoorbeeld]" in out  # labels from the framework
    assert "Is het initiatief geëvalueerd" in out  # criterion questions from the framework
    assert "verwacht een datum als JJJJ, JJJJ-MM of JJJJ-MM-DD, gevonden '2024-13'" in out
    assert "verwacht Markdown zonder HTML" in out
    assert "alleen, gevonden samen met andere waarden" in out
    assert "bedoel je 'inholland-docenten/04'" in out
    assert "Voorstel: samen-sterk-peer-support" in out
    assert "Error" not in out  # refusals are Dutch: "Fout: ..."
    assert "verwacht een bestandsnaam in kleine letters met streepjes" in out
    text = _assert_valid_new_record(project, "initiatives/samen-sterk-peer-support.yml")
    data = yaml.safe_load(text)
    assert data["initiators"] == ["Hogeschool Testland", "Stichting Voorbeeld"]
    assert data["kind"] == "praktijkvoorbeeld"
    assert data["sectors"] == ["hbo", "mbo"]
    assert data["body"] == "## Aanpak\n\nStudenten helpen elkaar.\n"
    assert data["links"] == [{"label": "Website", "url": "https://example.org"}]
    assert data["quality"] == {
        "evaluation": ["geevalueerd", "ervaringen-studenten"],
        "duration": "lang",
        "scale": "klein",
        "accessibility": "toegankelijk",
    }
    assert data["guidance"] == ["inholland-docenten/04"]
    assert data["status"] == "actief"


def test_new_interactive_rejects_an_existing_title_and_keeps_asking(project):
    existing = records_where(project)[0]
    title = record_data(existing)["title"]
    # (the file name given: else the one the title proposes may be the existing file's, and
    # that clash is reported first)
    flags = [f for f in FLAGS if f not in ("--title", "Samen sterk: peer support")]
    flags += ["--slug", "een-nieuwe-titel"]
    result = run(
        "new", "--project", str(project), *flags, input=f"{title}\nEen nieuwe titel\n\n\n\n\n"
    )
    assert result.exit_code == 0, result.output
    assert (
        f"Fout: verwacht een nieuwe titel, gevonden de titel van initiatives/{existing.name}"
        in (result.output)
    )
    _assert_valid_new_record(project, "initiatives/een-nieuwe-titel.yml")


# --- CONTRIBUTING.md --------------------------------------------------------------------------


def test_every_record_field_is_documented(framework):
    assert list(FIELDS) == list(record_schema(framework)["properties"])


def test_contributing_reference_is_up_to_date(framework):
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert updated_contributing(text, framework) == text, (
        "CONTRIBUTING.md is out of date: run `kennisbank contributing`"
    )
    assert run("contributing", "--check", "--project", str(REPO)).exit_code == 0


def test_contributing_names_every_field_criterion_value_and_term(framework):
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    reference = text[text.index(BEGIN) : text.index(END)]
    for name in record_schema(framework)["properties"]:
        assert f"`{name}`" in reference
    for c in framework.criteria:
        assert f"`quality.{c.id}`" in reference
        for words in (c.label, c.question, " ".join(c.explanation.split())):
            assert words in reference
        for v in c.values:
            assert f"`{v.id}`" in reference and v.label in reference
            assert " ".join(v.explanation.split()) in reference
    for terms in framework.vocabularies.values():
        for t in terms:
            assert f"| `{t.id}` | {t.label} |" in reference


def test_contributing_follows_a_changed_framework(project, framework):
    (project / "CONTRIBUTING.md").write_text(
        (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    vocab = project / "quality_framework" / "vocabularies.yml"
    vocab.write_text(
        vocab.read_text(encoding="utf-8").replace(
            "themes:\n", "themes:\n  - {id: huisvesting, label: Huisvesting en wonen}\n"
        ),
        encoding="utf-8",
    )
    assert run("contributing", "--check", "--project", str(project)).exit_code == 1
    assert run("contributing", "--project", str(project)).exit_code == 0
    text = (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "| `huisvesting` | Huisvesting en wonen |" in text
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    assert text.startswith("# Bijdragen aan de Kennisbank Studentenwelzijn")
    assert run("contributing", "--check", "--project", str(project)).exit_code == 0
    assert field_reference(framework) not in text  # the old reference is gone


def test_the_form_walkthrough_names_what_the_form_shows():
    """Every word the guide tells an editor to choose in the web form is one the browser tests
    choose in the local modes (tests/browser/test_cms_browser.py), or the GitHub sign-in's."""
    assert walkthrough_words() == CHOSEN | GITHUB_ONLY
    bundle = REPO / DECAP_DIST / "decap-cms.js"
    if bundle.is_file():  # Decap's own Dutch for the GitHub sign-in
        assert '"Inloggen met GitHub"' in bundle.read_text(encoding="utf-8")
    # the date refusal it quotes is what validate (and the form) says; the corpus record is
    # checked with the framework it is written for, the tests' own (the bundled one may change)
    record = (REPO / "tests/corpus/valid/minimaal.yml").read_text(encoding="utf-8")
    doc = load_text(record.replace("date: 2024-03-15", "date: maart 2024"), "x.yml")
    framework = load_framework(FIXTURE_PROJECT / "quality_framework", FIXTURE_PROJECT)
    [finding] = check_record(doc, framework, TODAY)
    guide = " ".join((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert f"`{finding.message}`" in guide


def _fenced(text: str, info: str) -> list[str]:
    return re.findall(rf"^```{info}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_contributing_worked_example_is_what_the_tools_do(project):
    """The example command in CONTRIBUTING.md writes exactly the file shown there, and the
    example finding is what the validator says."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    command = next(block for block in _fenced(text, "sh") if "kennisbank new" in block)
    args = shlex.split(command.replace("\\\n", " "))
    assert args[:2] == ["kennisbank", "new"]
    result = run(*args[1:], "--project", str(project))
    assert result.exit_code == 0, result.output
    rel = re.search(r"^Nieuw record: (\S+)$", result.output, re.MULTILINE).group(1)
    assert f"`{rel}`" in text
    shown = next(block for block in _fenced(text, "yaml") if block.startswith(SCHEMA_LINE))
    written = (project / rel).read_text(encoding="utf-8")
    today = re.compile(r"^last_reviewed: .*$", re.MULTILINE)
    assert today.sub("", written) == today.sub("", shown)

    finding = next(b for b in _fenced(text, "text") if rel in b).strip()
    found = re.search(r"gevonden '([^']+)'", finding).group(1)
    field = re.search(r": quality\.(\w+):", finding).group(1)
    bad = re.sub(rf"^(  {field}:) \S+$", rf"\1 {found}", written, flags=re.MULTILINE)
    (project / rel).write_text(bad, encoding="utf-8")
    result = run("validate", str(project / rel), "--project", str(project))
    assert result.exit_code == 1
    assert finding in result.output


# --- the "edit this record" link --------------------------------------------------------------


def test_edit_link_points_to_the_yaml_source_from_mkdocs_yml(project):
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        .replace(
            "repo_url: https://github.com/kennisbank-studentenwelzijn/kennisbank_gen",
            "repo_url: https://git.example.org/redactie/kennisbank/",
        )
        .replace("source_branch: main", "source_branch: redactie"),
        encoding="utf-8",
    )
    generate(project, today=TODAY)
    docs = project / "build" / "docs" / "initiatieven"
    for record in sorted((project / "initiatives").glob("*.yml")):
        page = (docs / f"{record.stem}.md").read_text(encoding="utf-8")
        url = f"https://git.example.org/redactie/kennisbank/edit/redactie/initiatives/{record.name}"
        assert f"[Stel een wijziging voor]({url})" in page


def test_built_initiative_pages_link_to_their_yaml_source(built_project):
    config = yaml.safe_load((built_project / "mkdocs.yml").read_text(encoding="utf-8"))
    repo_url = config["repo_url"].rstrip("/")
    branch = config["extra"]["source_branch"]
    for record in sorted((built_project / "initiatives").glob("*.yml")):
        html = (built_project / "site" / "initiatieven" / record.stem / "index.html").read_text(
            encoding="utf-8"
        )
        assert f'href="{repo_url}/edit/{branch}/initiatives/{record.name}"' in html
        assert ">Stel een wijziging voor</a>" in html
        # never an edit link to generated Markdown
        assert "build/docs" not in html
        assert not re.search(rf'href="{re.escape(repo_url)}/[^"]*\.md"', html)


def test_the_schema_line_is_a_convenience_not_a_rule(project):
    """`new` (and the web form) write the `$schema` line, which editors' YAML extensions read;
    validate does not ask for it: a record made in GitHub's web editor has none (CONTRIBUTING
    says so)."""
    assert run("new", "--no-input", "--project", str(project), *FLAGS).exit_code == 0
    record = project / "initiatives" / "samen-sterk-peer-support.yml"
    first, rest = record.read_text(encoding="utf-8").split("\n", 1)
    assert first == SCHEMA_LINE
    record.write_text(rest, encoding="utf-8")
    assert validate(project, [record], today=TODAY).findings == []
