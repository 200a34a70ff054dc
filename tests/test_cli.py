"""The `kennisbank` command line: exit codes, the three output formats, and `schema`.

Exit codes: 0 clean (warnings allowed), 1 findings (warnings too with --strict), 2 usage or
configuration errors. Expected findings come from the corpus files' `# expect:` lines.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import cmarkgfm
import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import REPO
from jsonschema import Draft202012Validator
from test_corpus import INVALID, VALID, corpus_project, expected

from kennisbank_gen.cli import ELSEWHERE, _job_summary, main, summary_text
from kennisbank_gen.findings import Finding
from kennisbank_gen.read.load import load_file

FORMATS = ("text", "json", "github")
FIELDS = {"path", "line", "col", "field", "message", "rule", "severity", "fix"}
#: valid records whose findings do not depend on the day the tests run (no last_reviewed)
CLEAN = [VALID / "minimaal.yml", VALID / "alleen-jaartal.yml", VALID / "met-bom.yml"]
#: invalid records whose findings do not depend on the day: errors with and without a field,
#: two findings in one file, and a warning
MIXED = [
    INVALID / "bad-enum.yml",
    INVALID / "unknown-field.yml",
    INVALID / "duplicate-key.yml",
    INVALID / "syntax-error.yml",
    INVALID / "markdown-html.yml",
    INVALID / "summary-too-long.yml",
]
GITHUB_LINE = re.compile(
    r"^::(?P<severity>error|warning) file=(?P<file>[^,]*),line=(?P<line>\d+),"
    r"col=(?P<col>\d+),title=(?P<title>[^:]*)::(?P<message>.*)$"
)


def run(*args: str | Path, env: dict | None = None):
    """`kennisbank ARGS` in-process; `--project` defaults to the corpus's project (the
    repository's framework and guidance, no records: `validate FILE` checks FILE against the
    project's records), where the corpus files named lie at the same relative paths."""
    if args and args[0] in ("validate", "schema") and "--project" not in args:
        root = corpus_project()
        args = tuple(
            root / a.relative_to(REPO) if isinstance(a, Path) and a.is_relative_to(REPO) else a
            for a in args
        )
        args += ("--project", root)
    return CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=False)


def expected_lines(*files: Path) -> list[str]:
    """`path:line:col: field: message` lines, as the text format prints them."""
    lines = []
    for file in files:
        for path, exp in expected(file):
            where, rest = exp.split(" ", 1)
            lines.append(f"{path}:{where}: {rest}")
    return lines


def sort_key(line: str):
    path, line_no, col, rest = line.split(":", 3)
    return path, int(line_no), int(col), rest


# -- exit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_records_exit_0(fmt: str):
    result = run("validate", "--format", fmt, *CLEAN)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_record_exits_1(fmt: str):
    result = run("validate", "--format", fmt, INVALID / "bad-enum.yml")
    assert result.exit_code == 1, result.output


def test_warning_only_exits_0_and_1_with_strict():
    file = INVALID / "summary-too-long.yml"
    relaxed = run("validate", file)
    assert relaxed.exit_code == 0, relaxed.output
    assert relaxed.stdout.splitlines()[-1] == "0 fout(en), 1 waarschuwing(en)"
    strict = run("validate", "--strict", file)
    assert strict.exit_code == 1, strict.output
    assert strict.stdout == relaxed.stdout


def test_strict_on_clean_records_exits_0():
    assert run("validate", "--strict", *CLEAN).exit_code == 0


def test_bundled_project_validates_by_default(project: Path):
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("0 fout(en)")


def test_validate_file_checks_it_against_the_whole_project(tmp_path: Path):
    """What `new` and pre-commit run: a title another record has is caught before the pull
    request, on the file being added (although it sorts first), naming the other record."""
    root = tmp_path / "project"
    for name in ("quality_framework", "content"):
        shutil.copytree(REPO / name, root / name)
    (root / "initiatives").mkdir()
    record = (VALID / "minimaal.yml").read_text(encoding="utf-8")
    (root / "initiatives" / "zz-bestaand.yml").write_text(record, encoding="utf-8")
    added = root / "initiatives" / "aa-nieuw.yml"
    added.write_text(record.replace("title: Minimaal record", "title: MINIMAAL  record"), "utf-8")
    result = run("validate", added, "--project", root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:-1] == [
        "initiatives/aa-nieuw.yml:2:8: title: verwacht een unieke titel, gevonden de titel van "
        "initiatives/zz-bestaand.yml"
    ]
    # the whole project: both records are told, each naming the other
    whole = run("validate", "--project", root).stdout.splitlines()
    assert [line.split(":")[0] for line in whole[:-1]] == [
        "initiatives/aa-nieuw.yml",
        "initiatives/zz-bestaand.yml",
    ]
    assert whole[1].endswith("gevonden de titel van initiatives/aa-nieuw.yml")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-such-option"],
        ["validate", "--format", "xml"],
        ["validate", "tests/corpus/invalid/does-not-exist.yml"],
        ["validate", "--project", "/does/not/exist"],
        ["no-such-command"],
        ["schema", "--no-such-option"],
    ],
    ids=["option", "format", "missing-path", "missing-project", "command", "schema-option"],
)
def test_usage_error_exits_2(args: list[str]):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr
    assert result.stdout == ""


BREAKAGES = {
    "wrong-type": (
        "criteria.yml",
        "    multiple: true\n",
        "    multiple: ja\n",
        "quality_framework/criteria.yml:19:15: criteria[0].multiple: "
        "verwacht true of false, gevonden 'ja'",
    ),
    "yaml-syntax": (
        "criteria.yml",
        "criteria:\n",
        "criteria: [\n",
        "quality_framework/criteria.yml:12:3: verwacht ",
    ),
    "duplicate-id": (
        "criteria.yml",
        "      - id: kort\n",
        "      - id: lang\n",
        "quality_framework/criteria.yml:59:13: criteria[1].values[2].id: "
        "verwacht een uniek id, gevonden 'lang' twee keer",
    ),
    "vocabulary": (
        "vocabularies.yml",
        "sectors:\n",
        "sector:\n",
        "quality_framework/vocabularies.yml:337:1: sector: verwacht een van de bekende velden, "
        "gevonden het onbekende veld 'sector'; bedoel je 'sectors'?",
    ),
    "search-term": (
        "vocabularies.yml",
        "      - paniekaanval\n",
        "      - paniekaanval, faalangst\n",
        "quality_framework/vocabularies.yml:30:9: themes[0].zoektermen[18]: verwacht één "
        "zoekterm (woorden met letters, cijfers, - of ', zonder komma; één per regel), "
        "gevonden 'paniekaanval, faalangst'",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
@pytest.mark.parametrize("command", ["validate", "schema"])
def test_broken_framework_exits_2(project: Path, command: str, breakage: str):
    name, old, new, shown = BREAKAGES[breakage]
    file = project / "quality_framework" / name
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run(command, "--project", project)
    assert result.exit_code == 2, result.output
    assert shown in result.stderr
    assert "Het kwaliteitskader is kapot" in result.stderr
    assert result.stdout == ""


def test_console_script_runs_as_a_process(tmp_path: Path):
    script = Path(sys.executable).parent / "kennisbank"
    assert script.is_file()
    command = [str(script), "validate", "--format", "json", "--project", str(REPO)]
    bad = subprocess.run(
        [*command, str(INVALID / "bad-enum.yml")], capture_output=True, text=True, cwd=tmp_path
    )
    assert bad.returncode == 1, bad.stderr
    [finding] = json.loads(bad.stdout)
    assert (finding["path"], finding["line"], finding["col"]) == (
        "tests/corpus/invalid/bad-enum.yml",
        16,
        10,
    )
    good = subprocess.run([*command, *map(str, CLEAN)], capture_output=True, text=True)
    assert (good.returncode, json.loads(good.stdout)) == (0, [])
    usage = subprocess.run([str(script), "validate", "--bogus"], capture_output=True, text=True)
    assert usage.returncode == 2


# -- output formats -----------------------------------------------------------------------------


def test_text_format_lists_every_finding_and_a_summary():
    result = run("validate", "--format", "text", *MIXED)
    *lines, summary, fixes = result.stdout.splitlines()
    assert sorted(lines) == sorted(expected_lines(*MIXED))
    assert lines == sorted(lines, key=lambda line: sort_key(line)[:3])  # in file order
    n_warn = sum(line.endswith(" (waarschuwing)") for line in lines)
    assert n_warn == 1
    assert summary == f"{len(lines) - n_warn} fout(en), {n_warn} waarschuwing(en)"
    # (unknown-field.yml: the misspelt name, which --fix renames)
    assert fixes == "1 hiervan herstelt `kennisbank validate --fix` voor je."
    for line in lines:
        assert re.match(r"^tests/corpus/invalid/[a-z-]+\.yml:\d+:\d+: ", line), line


def test_text_format_without_findings_prints_only_the_summary():
    result = run("validate", *CLEAN)
    assert result.stdout == "0 fout(en), 0 waarschuwing(en)\n"


def test_json_format_has_every_field_of_every_finding():
    result = run("validate", "--format", "json", *MIXED)
    findings = json.loads(result.stdout)
    assert all(set(f) == FIELDS for f in findings)
    assert all(isinstance(f["line"], int) and isinstance(f["col"], int) for f in findings)
    shown = []
    for f in findings:
        field = f" {f['field']}:" if f["field"] else ""
        tag = " (waarschuwing)" if f["severity"] == "warning" else ""
        shown.append(f"{f['path']}:{f['line']}:{f['col']}:{field} {f['message']}{tag}")
    assert sorted(shown) == sorted(expected_lines(*MIXED))
    by_file = {f["path"].rsplit("/", 1)[1]: f for f in findings}
    assert by_file["bad-enum.yml"]["rule"] == "schema"
    assert by_file["duplicate-key.yml"]["rule"] == "yaml-unsafe"
    assert by_file["syntax-error.yml"]["rule"] == "yaml-syntax"
    assert by_file["markdown-html.yml"]["rule"] == "markdown-html"
    assert by_file["summary-too-long.yml"]["rule"] == "summary-length"
    assert by_file["summary-too-long.yml"]["severity"] == "warning"
    assert {f["severity"] for f in findings} == {"error", "warning"}


def test_json_format_without_findings_is_an_empty_list():
    assert json.loads(run("validate", "--format", "json", *CLEAN).stdout) == []


def test_github_format_is_one_annotation_per_finding():
    findings = json.loads(run("validate", "--format", "json", *MIXED).stdout)
    result = run("validate", "--format", "github", *MIXED)
    lines = result.stdout.splitlines()
    assert len(lines) == len(findings)
    for line, f in zip(lines, sorted(findings, key=lambda f: tuple(f.values())), strict=True):
        m = GITHUB_LINE.match(line)
        assert m, line
        assert m["severity"] == f["severity"]
        assert m["file"] == f["path"]
        assert (int(m["line"]), int(m["col"])) == (f["line"], f["col"])
        assert m["title"] == (f["field"] or f["rule"])
        assert m["message"] == (f"{f['field']}: {f['message']}" if f["field"] else f["message"])
    assert lines[0] == (
        "::error file=tests/corpus/invalid/bad-enum.yml,line=16,col=10,title=quality.scale"
        "::quality.scale: verwacht een van [groot, middel, klein, nvt], gevonden 'grote'; "
        "bedoel je 'groot'?"
    )
    assert any(line.startswith("::warning file=tests/corpus/invalid/summary") for line in lines)


def test_github_format_escapes_workflow_command_characters(tmp_path: Path):
    record = (VALID / "minimaal.yml").read_text(encoding="utf-8")
    bad = tmp_path / "escapes.yml"
    bad.write_text(record.replace("kind: onderzoek", "kind: '50%|a,b'"), encoding="utf-8")
    result = run("validate", "--format", "github", bad)
    [line] = result.stdout.splitlines()
    assert ",title=kind::kind: verwacht een van" in line
    assert "gevonden '50%25|a,b'" in line  # % is escaped in the message, ',' needs no escape there


def test_github_step_summary_lists_every_finding(tmp_path: Path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    findings = json.loads(run("validate", "--format", "json", *MIXED).stdout)
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = run("validate", "--format", "github", *MIXED, env=env)
    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "## Kennisbank: validatie" in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(findings)
    for f in findings:
        message = summary_text(f["message"])
        severity = {"error": "fout", "warning": "waarschuwing"}[f["severity"]]
        row = f"| `{f['path']}` | {f['line']} | `{f['field']}` | {message} | {severity} |"
        assert row in rows


def test_github_step_summary_shows_record_text_as_text(tmp_path: Path):
    """Record text quoted in a message cannot become a live link, image or HTML in the job
    summary: rendered as GitHub renders it (cmark-gfm), the table holds no a, img or em."""
    hostile = (
        "[klik](https://evil.example/) ![x](https://tracker.example/p.png) <img src=x> "
        "https://evil.example www.evil.example *nadruk* `code` | einde"
    )
    findings = [Finding("initiatives/a|`b`.yml", 3, 1, "title", f"gevonden '{hostile}'")]
    summary = tmp_path / "summary.md"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GITHUB_STEP_SUMMARY", str(summary))
        _job_summary(findings)
    text = summary.read_text(encoding="utf-8")
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert "<a " not in html and "<img" not in html and "<em>" not in html, html
    (row,) = BeautifulSoup(html, "html.parser").select("tbody tr")
    cells = [cell.get_text() for cell in row.find_all("td")]
    assert cells == ["initiatives/a|'b'.yml", "3", "title", f"gevonden '{hostile}'", "fout"]


def test_github_step_summary_without_findings(tmp_path: Path):
    summary = tmp_path / "summary.md"
    result = run(
        "validate", "--format", "github", *CLEAN, env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert "Geen meldingen" in summary.read_text(encoding="utf-8")


def test_step_summary_only_with_github_format(tmp_path: Path):
    summary = tmp_path / "summary.md"
    for fmt in ("text", "json"):
        run("validate", "--format", fmt, *MIXED, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()


# -- schema -------------------------------------------------------------------------------------


def test_schema_is_valid_json_schema_2020_12():
    result = run("schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["quality"]["properties"]["scale"]["enum"] == [
        "groot",
        "middel",
        "klein",
        "nvt",
    ]


def test_schema_output_option_writes_the_file(tmp_path: Path):
    target = tmp_path / "record.schema.json"
    result = run("schema", "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert target.read_text(encoding="utf-8") == run("schema").stdout
    Draft202012Validator.check_schema(json.loads(target.read_text(encoding="utf-8")))


def test_schema_follows_the_framework(project: Path):
    vocab = project / "quality_framework" / "vocabularies.yml"
    data = yaml.safe_load(vocab.read_text(encoding="utf-8"))
    data["sectors"].append({"id": "proefsector", "label": "Proefsector"})
    vocab.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    schema = json.loads(run("schema", "--project", project).stdout)
    assert schema["properties"]["sectors"]["items"]["enum"] == [t["id"] for t in data["sectors"]]
    assert "proefsector" in schema["properties"]["sectors"]["items"]["enum"]


@pytest.mark.parametrize("file", sorted(VALID.glob("*.yml")), ids=lambda f: f.name)
def test_valid_records_satisfy_the_exported_schema(file: Path):
    """What an editor sees with the exported schema agrees with the validator."""
    schema = json.loads(run("schema").stdout)
    data = load_file(file, REPO).data  # as an editor reads it: 2023 is a number, dates text
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(data)]
    assert errors == []


def test_every_command_is_listed_and_found():
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
    assert set(ELSEWHERE) < set(main.list_commands(ctx))


#: English words that have no place in a Dutch help text (click's own "Usage", "Show this
#: message and exit" and "Show the version and exit" are click's, not ours)
ENGLISH = {"the", "and", "to", "with", "from", "for", "on", "into", "this", "instead", "also"}
ENGLISH |= {"are", "an", "write", "show", "build", "edit", "refuse", "port", "preview", "local"}


def _help_texts(command: click.Command, name: str):
    ctx = click.Context(command, info_name=name)
    yield name, command.help or ""
    for param in command.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            yield f"{name} {param.opts[-1]}", param.help or ""
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            yield from _help_texts(command.get_command(ctx, sub), f"{name} {sub}")


def test_every_help_text_is_dutch():
    texts = dict(_help_texts(main, "kennisbank"))
    assert len(texts) > 30  # every command and option
    english = {
        where: sorted(set(re.findall(r"[a-z]+", text.lower())) & ENGLISH)
        for where, text in texts.items()
    }
    assert {where: words for where, words in english.items() if words} == {}
    assert all(texts.values()), [where for where, text in texts.items() if not text]


@pytest.mark.parametrize("command", sorted(["validate", "schema", *ELSEWHERE]))
def test_outside_a_project_every_command_says_so_and_names_project(tmp_path: Path, command):
    result = CliRunner().invoke(main, [command, "--project", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Geen project in {tmp_path}")
    assert "--project MAP" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""


def test_a_folder_of_records_is_a_project(tmp_path: Path):
    (tmp_path / "initiatives").mkdir()
    result = CliRunner().invoke(main, ["validate", "--project", str(tmp_path)])
    assert "Geen project" not in result.output
    assert "quality_framework/criteria.yml" in result.output  # what it lacks is said next


def test_validate_starts_without_the_site_builder():
    """`kennisbank validate` (pre-commit, the PR check) does not load MkDocs, Jinja or the
    preview server: those come with `build` and `serve` only."""
    code = (
        "import sys; from kennisbank_gen import cli; "
        "print(sorted(m for m in ('mkdocs', 'jinja2', 'watchdog') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
