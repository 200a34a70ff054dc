"""The validator's example corpus: valid records have no findings, each invalid one exactly its own.

Layout (see tests/corpus/):

- `valid/*.yml`: records that must validate cleanly, alone and together;
- `invalid/<case>.yml`: one problem per file; the file states its expected findings in
  `# expect: line:col field: message` comment lines (`(waarschuwing)` marks a warning). Files that
  cannot hold a comment (empty, not UTF-8) have theirs in `invalid/expectations.yml`;
- `cross/<case>/*.yml`: rules across records, validated together, expectations per file; each
  file, validated alone in a project that holds the others, gets exactly its own.

The corpus is validated in a project of its own (`corpus_project`: this repository's framework,
guidance and pages, no records), so what it says never depends on the bundled records: a file
named on the command line is checked against every record of its project.

A `# xfail: reason` line marks a known validator bug: the expectation states the correct
behaviour and the test is a strict xfail until the bug is fixed.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import random
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_PROJECT, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisbank_gen.check.across import check_collection
from kennisbank_gen.check.validate import check_record, validate
from kennisbank_gen.errors import FindingsError
from kennisbank_gen.findings import Finding
from kennisbank_gen.read.framework import load_framework
from kennisbank_gen.read.load import dotted, load_text

CORPUS = REPO / "tests" / "corpus"
VALID = CORPUS / "valid"
INVALID = CORPUS / "invalid"
CROSS = CORPUS / "cross"
EXPECTATIONS = INVALID / "expectations.yml"
#: a fixed "today", so that dates in the corpus never age (review-age, future-date)
TODAY = dt.date(2026, 6, 1)


def shown(finding: Finding) -> str:
    """A finding as written in an `# expect:` line: `line:col field: message`."""
    field = f" {finding.field}:" if finding.field else ""
    tag = " (waarschuwing)" if finding.severity == "warning" else ""
    return f"{finding.line}:{finding.col}{field} {finding.message}{tag}"


def header(file: Path, key: str) -> list[str]:
    """The values of the `# <key>: ...` comment lines at the top of a corpus file."""
    text = file.read_bytes().decode("utf-8-sig", errors="replace")
    prefix = f"# {key}: "
    return [line.removeprefix(prefix) for line in text.splitlines() if line.startswith(prefix)]


def rel(file: Path) -> str:
    return file.relative_to(REPO).as_posix()


def expected(file: Path) -> set[tuple[str, str]]:
    listed = yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))
    lines = listed[file.name] if file.parent == INVALID and file.name in listed else None
    return {(rel(file), line) for line in (lines or header(file, "expect"))}


def actual(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.path, shown(f)) for f in findings}


def case(file_or_dir: Path, name: str):
    files = sorted(file_or_dir.iterdir()) if file_or_dir.is_dir() else [file_or_dir]
    reasons = [r for f in files if f.suffix in (".yml", ".yaml") for r in header(f, "xfail")]
    marks = [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []
    return pytest.param(file_or_dir, id=name, marks=marks)


def record_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in (".yml", ".yaml"))


VALID_FILES = record_files(VALID)
INVALID_FILES = [p for p in record_files(INVALID) if p != EXPECTATIONS]
CROSS_DIRS = sorted(p for p in CROSS.iterdir() if p.is_dir())


@functools.cache
def corpus_project() -> Path:
    """A project with the framework, guidance sets and pages of the tests' own small project
    (FIXTURE_PROJECT: the bundled ones are the editors' to change), the corpus at tests/corpus
    as here (so findings name the same paths), and no records of its own."""
    root = Path(tempfile.mkdtemp(prefix="kb-corpus-"))
    atexit.register(shutil.rmtree, root, True)
    for name in ("quality_framework", "content"):
        shutil.copytree(FIXTURE_PROJECT / name, root / name)
    (root / "initiatives").mkdir()
    shutil.copytree(CORPUS, root / "tests" / "corpus")
    return root


def validate_corpus(paths: list[Path], today: dt.date = TODAY):
    """`validate` of corpus files (or folders), in `corpus_project`."""
    root = corpus_project()
    return validate(root, [root / p.relative_to(REPO) for p in paths], today=today)


def findings_of(*paths: Path) -> list[Finding]:
    return validate_corpus(list(paths)).findings


@pytest.mark.parametrize("file", [case(f, f.name) for f in VALID_FILES])
def test_valid_record_has_no_findings(file: Path):
    assert [f.text() for f in findings_of(file)] == []


def test_valid_records_together_have_no_findings():
    clean = [f for f in VALID_FILES if not header(f, "xfail")]
    assert [f.text() for f in findings_of(*clean)] == []
    assert len(validate_corpus(clean).project.records) == len(clean)


@pytest.mark.parametrize("file", [case(f, f.name) for f in INVALID_FILES])
def test_invalid_record_has_exactly_the_expected_findings(file: Path):
    want = expected(file)
    assert want, f"{rel(file)} states no expected finding"
    findings = findings_of(file)
    assert {f.path for f in findings} <= {rel(file)}
    assert actual(findings) == want
    assert len(findings) == len(want)  # no finding twice


@pytest.mark.parametrize("directory", [case(d, d.name) for d in CROSS_DIRS])
def test_cross_record_case_has_exactly_the_expected_findings(directory: Path):
    files = record_files(directory)
    want = set().union(*(expected(f) for f in files))
    findings = findings_of(directory)
    assert actual(findings) == want
    assert len(findings) == len(want)


@pytest.mark.parametrize("directory", [case(d, d.name) for d in CROSS_DIRS])
def test_a_file_validated_alone_gets_its_cross_record_findings(directory: Path, tmp_path: Path):
    """`kennisbank validate FILE` (what `new` and pre-commit run) checks FILE against every
    record of the project: each file of a case, added to a project holding the others, gets
    exactly the findings it gets when all are validated together, naming the same others; the
    others get none (they are not what was asked about)."""
    root = tmp_path / "project"
    for name in ("quality_framework", "content"):
        shutil.copytree(FIXTURE_PROJECT / name, root / name)
    shutil.copytree(directory, root / "initiatives")
    prefix = f"{rel(directory)}/"
    for file in record_files(directory):
        want = {
            (path.replace(prefix, "initiatives/"), line.replace(prefix, "initiatives/"))
            for path, line in expected(file)
        }
        findings = validate(root, [root / "initiatives" / file.name], today=TODAY).findings
        assert actual(findings) == want, file.name
        assert len(findings) == len(want)


def test_corpus_is_complete():
    """Enough invalid cases, each expectation well-formed, expectations.yml only for real files."""
    assert len(VALID_FILES) >= 3
    assert len(INVALID_FILES) >= 24
    listed = yaml.safe_load(EXPECTATIONS.read_text(encoding="utf-8"))
    assert set(listed) <= {f.name for f in INVALID_FILES}
    for file in [*INVALID_FILES, *(f for d in CROSS_DIRS for f in record_files(d))]:
        for line in expected(file):
            assert line[1].split(" ", 1)[0].count(":") == 1, f"{rel(file)}: {line[1]}"


def test_rules_are_covered():
    """Every rule of quality_framework/rules.yml is exercised by at least one case."""
    rules = set(load_framework(REPO / "quality_framework").rules)
    seen = {
        f.rule for file in INVALID_FILES if not header(file, "xfail") for f in findings_of(file)
    }
    seen |= {f.rule for d in CROSS_DIRS for f in findings_of(d)}
    assert rules - seen == set()


def test_warning_is_not_blocking_unless_strict():
    report = validate_corpus([INVALID / "summary-too-long.yml"])
    assert [f.severity for f in report.findings] == ["warning"]
    assert report.blocking() == []
    assert report.blocking(strict=True) == report.findings


def test_bare_year_is_read_as_text():
    report = validate_corpus([VALID / "alleen-jaartal.yml"])
    assert report.project.records[0].data["date"] == "2023"


def test_oversized_file_is_a_finding(tmp_path: Path):
    big = tmp_path / "groot-bestand.yml"
    big.write_text("title: x\n" + "# opvulling\n" * 100_000, encoding="utf-8")
    [finding] = validate(REPO, [big], today=TODAY).findings
    assert (finding.line, finding.col, finding.rule) == (1, 1, "yaml-syntax")
    assert finding.message.startswith(
        "verwacht een bestand kleiner dan 1.000.000 bytes, gevonden 1."
    )


def test_future_date_uses_today():
    """The future-date rule compares with the day of validation, not a fixed date."""
    file = VALID / "minimaal.yml"  # date: 2024-03-15
    assert validate_corpus([file], dt.date(2024, 3, 15)).findings == []
    [finding] = validate_corpus([file], dt.date(2024, 3, 14)).findings
    assert finding.rule == "future-date"
    assert (
        finding.message == "verwacht een datum niet na vandaag (2024-03-14), gevonden '2024-03-15'"
    )


# No input ever makes the validator raise anything but findings: every case above goes through
# findings_of(), which turns FindingsError into findings and lets anything else escape (a failure).
# The checks below push further with truncated and mutated records and arbitrary text.

FRAMEWORK = load_framework(REPO / "quality_framework")
GUIDANCE_IDS = {"inspectie-2023/07", "inholland-docenten/11", "miv-mbo-2023/03"}
SAMPLE = (VALID / "alle-velden.yml").read_text(encoding="utf-8")
YAML_PIECES = [*":-[]{},#&*!|>'\"%@`?\t\n ", "\n  ", "\n- ", "---", "...", "x", "1", "é", "\x00"]


def _validate_text(text: str, name: str = "fuzz.yml") -> None:
    """Load and check one text as a record; only FindingsError may come out of loading."""
    bare = text.replace("\ufeff", "")
    if all(not line.strip() or line.lstrip().startswith("#") for line in bare.splitlines()):
        return  # empty: its own cases; comments only: the xfail case invalid/comments-only.yml
    try:
        doc = load_text(text, name)
    except FindingsError as exc:
        assert exc.findings
        assert all(isinstance(f, Finding) and f.line >= 1 and f.col >= 1 for f in exc.findings)
        return
    findings = check_record(doc, FRAMEWORK, TODAY)
    findings += check_collection([doc], GUIDANCE_IDS)
    assert all(isinstance(f, Finding) and f.line >= 1 and f.col >= 1 for f in findings)


def _without_header(file: Path) -> str:
    lines = file.read_bytes().decode("utf-8-sig", errors="replace").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


@pytest.mark.parametrize(
    "file",
    [f for f in VALID_FILES + INVALID_FILES if not header(f, "xfail")],
    ids=lambda p: p.name,
)
def test_truncated_records_give_only_findings(file: Path):
    """Every prefix ending at a line break or in the middle of a line (known bugs: own cases)."""
    text = _without_header(file)
    ends = {0, len(text)}
    start = 0
    for line in text.splitlines(keepends=True):
        ends |= {start + len(line) // 2, start + len(line.rstrip("\n")), start + len(line)}
        start += len(line)
    for end in sorted(ends):
        _validate_text(text[:end])


def test_mutated_records_give_only_findings():
    rng = random.Random(20260601)
    for _ in range(2000):
        text = SAMPLE
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            cut = rng.choice([0, 0, 1, rng.randint(1, 40)])
            text = text[:at] + rng.choice(["", *YAML_PIECES]) + text[at + cut :]
        _validate_text(text)


WRONG_VALUES = ["7", "2023", "1.5", "true", "~", "tekst", "''", "[]", "[1]", "[~]", "[[a]]", "[{}]"]
WRONG_VALUES += ["{}", "{a: 1}", "[a, a]"]
SAMPLE_DATA = yaml.safe_load(SAMPLE)
FIELDS = [
    *((name,) for name in SAMPLE_DATA),
    *(("quality", name) for name in SAMPLE_DATA["quality"]),
    ("links", 0, "label"),
    ("links", 0, "url"),
]


@pytest.mark.parametrize("path", [pytest.param(p, id=".".join(map(str, p))) for p in FIELDS])
def test_wrong_kind_of_value_gives_findings_on_that_field_only(path: tuple):
    """Any kind of value in any field: findings about that field, never a crash or a stray one."""
    for value in WRONG_VALUES:
        data = yaml.safe_load(SAMPLE)  # dates become date objects; dumped as YYYY-MM-DD
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = "__VALUE__"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        assert text.count("__VALUE__") == 1
        doc = load_text(text.replace("__VALUE__", value), "fuzz.yml")
        findings = check_record(doc, FRAMEWORK, TODAY)
        findings += check_collection([doc], GUIDANCE_IDS)
        name = dotted(path)
        inside = {"[": f"{name}[", "{": f"{name}."}.get(value[0], "\0")  # items of a list/mapping
        stray = [f.text() for f in findings if f.field != name and not f.field.startswith(inside)]
        assert stray == [], f"{name}: {value}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*YAML_PIECES, "title", "body", "quality", "date"]), max_size=40))
def test_arbitrary_yaml_like_text_gives_only_findings(pieces: list[str]):
    _validate_text("".join(pieces))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_only_findings(text: str):
    _validate_text(text)
