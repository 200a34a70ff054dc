"""Records are checked by `jsonschema_rs`; `jsonschema` stays the reference. Both engines must
give the same findings (file, line, column, field, message, fix) on the whole corpus, the
bundled (and generated) records and a grid of hostile values."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from conftest import REPO, copy_fixture_project
from jsonschema import Draft202012Validator

from kennisbank_gen.check.guidance import GUIDANCE_SCHEMA
from kennisbank_gen.check.record_schema import record_validator
from kennisbank_gen.check.validate import validate
from kennisbank_gen.read.framework import (
    CRITERIA_SCHEMA,
    RULES_SCHEMA,
    VOCABULARIES_SCHEMA,
    load_framework,
)
from kennisbank_gen.read.load import _CONTROL, load_text
from kennisbank_gen.read.project import read_project, read_records
from kennisbank_gen.schema_errors import ENGINE_VARIABLE, SchemaValidator, schema_findings

TODAY = dt.date(2026, 6, 1)
CORPUS = REPO / "tests" / "corpus"
FRAMEWORK = load_framework(REPO / "quality_framework", REPO)
RECORD_FILES = sorted(
    p for p in CORPUS.rglob("*") if p.suffix in (".yml", ".yaml") and p.name != "expectations.yml"
)
RECORD_DIRS = sorted({p.parent for p in RECORD_FILES})


def shown(findings) -> list[tuple]:
    return [
        (f.path, f.line, f.col, f.field, f.message, f.rule, f.severity, f.fix) for f in findings
    ]


def both(doc) -> tuple[list, list]:
    """(fast, reference) schema findings of one document."""
    validator = record_validator(FRAMEWORK)
    fast = schema_findings(doc, validator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENGINE_VARIABLE, "jsonschema")
        reference = schema_findings(doc, validator)
    return shown(fast), shown(reference)


def test_the_corpus_has_schema_findings_to_compare():
    docs, _ = read_records(RECORD_FILES, REPO)
    assert len(docs) > 100
    assert sum(bool(both(doc)[1]) for doc in docs) > 30


@pytest.mark.parametrize("file", RECORD_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_engines_agree_on_each_record(file: Path):
    docs, _ = read_records([file], REPO)
    for doc in docs:
        fast, reference = both(doc)
        assert fast == reference


def test_engines_agree_on_the_bundled_records(bundled_project: Path):
    docs = read_project(bundled_project).records
    assert docs
    for doc in docs:
        fast, reference = both(doc)
        assert fast == reference, doc.path


@pytest.mark.parametrize("directory", RECORD_DIRS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_engines_agree_on_validate(directory: Path, monkeypatch):
    fast = validate(REPO, [directory], today=TODAY).findings
    monkeypatch.setenv(ENGINE_VARIABLE, "jsonschema")
    reference = validate(REPO, [directory], today=TODAY).findings
    assert shown(fast) == shown(reference)


def test_engines_agree_on_validate_of_the_bundled_content(bundled_project: Path, monkeypatch):
    fast = validate(bundled_project, today=TODAY).findings
    monkeypatch.setenv(ENGINE_VARIABLE, "jsonschema")
    reference = validate(bundled_project, today=TODAY).findings
    assert shown(fast) == shown(reference)


def test_the_fast_engine_does_the_work(monkeypatch):
    """Without the reference, invalid records still get their findings."""
    validator = SchemaValidator(record_validator(FRAMEWORK).schema)

    monkeypatch.setattr(validator, "reference", None)  # asking it would raise AttributeError
    docs, _ = read_records(sorted((CORPUS / "invalid").glob("bad-*.yml")), REPO)
    found = [f for doc in docs for f in schema_findings(doc, validator)]
    assert len(found) >= len(docs) > 5


BASE = yaml.safe_load((CORPUS / "valid" / "alle-velden.yml").read_text(encoding="utf-8"))
HOSTILE = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2023,
    2023.0,
    10**30,
    -(10**30),
    1.5,
    math.inf,
    -math.inf,
    math.nan,
    "",
    "x",
    "2023-13",
    "2023\n",
    "javascript:alert(1)",
    "Coronagerelateerd, studentenwelzijn",
    "augustus 2019",
    "é" * 250,
    [],
    [None],
    [1, True],
    [1, 1.0],
    ["a", "a"],
    [[]],
    {},
    {"label": "x"},
    {"": 1, "1": 2},
]


def _variants():
    for name in BASE:
        for k, value in enumerate(HOSTILE):
            yield pytest.param({**BASE, name: value}, id=f"{name}-{k}")
    for name in BASE["quality"]:
        for k, value in enumerate(HOSTILE):
            yield pytest.param(
                {**BASE, "quality": {**BASE["quality"], name: value}}, id=f"q-{name}-{k}"
            )
    for name in ("label", "url"):
        for k, value in enumerate(HOSTILE):
            link = {"label": "Site", "url": "https://example.org", name: value}
            yield pytest.param({**BASE, "links": [link]}, id=f"links-{name}-{k}")
    yield pytest.param({k: v for k, v in BASE.items() if k != "title"}, id="missing")
    yield pytest.param({**BASE, "titel": "x", "extra": 1}, id="unknown")
    yield pytest.param([BASE], id="list")


@pytest.mark.parametrize("record", list(_variants()))
def test_engines_agree_on_hostile_values(record):
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False)
    docs = [load_text(text, "initiatives/vijandig.yml")]
    fast, reference = both(docs[0])
    assert fast == reference


@pytest.mark.parametrize("broken", [False, True], ids=["valid", "a-guidance-set-with-an-error"])
def test_the_reference_engine_is_loaded_only_for_a_document_with_errors(tmp_path, broken):
    """A valid project is checked without `jsonschema` (its import and schemas take a fifth of
    a second of every command); a guidance set with an error has its findings from it."""
    root = copy_fixture_project(tmp_path / "project")
    if broken:
        guidance = sorted((root / "content" / "guidance").glob("*.yml"))[0]
        guidance.write_text(guidance.read_text(encoding="utf-8") + "unknown_field: 1\n")
    code = (
        "import sys\nfrom kennisbank_gen.cli import main\n"
        f"sys.argv = ['kennisbank', 'validate', '--project', {str(root)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n"
        "    print(exit.code, 'jsonschema' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split()[-2:] == (["1", "True"] if broken else ["0", "False"]), done
    if broken:
        assert "unknown_field" in done.stdout


def _patterns(schema) -> set[str]:
    """Every `pattern` in a schema."""
    if isinstance(schema, list):
        return {p for item in schema for p in _patterns(item)}
    if not isinstance(schema, dict):
        return set()
    found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
    return found | {p for key, v in schema.items() if key != "pattern" for p in _patterns(v)}


SCHEMAS_DECIDED_FAST = (GUIDANCE_SCHEMA, CRITERIA_SCHEMA, VOCABULARIES_SCHEMA, RULES_SCHEMA)


@pytest.mark.parametrize("pattern", sorted(set().union(*map(_patterns, SCHEMAS_DECIDED_FAST))))
def test_engines_agree_on_every_character_in_guidance_and_framework_patterns(pattern):
    """Guidance sets and the framework's files are judged valid by `jsonschema_rs` (ECMA-262
    regular expressions) and explained by `jsonschema` (Python's): both read each pattern the
    same way for every character a loaded file can hold (the loader refuses control characters,
    where the two differ on `\\s`), in the Basic Multilingual Plane and beyond."""
    schema = {"type": "string", "pattern": pattern}
    fast, reference = jsonschema_rs.validator_for(schema), Draft202012Validator(schema)
    characters = [chr(c) for c in [*range(0xD800), *range(0xE000, 0x10000), 0x1F600, 0x10FFFF]]
    characters = [c for c in characters if not _CONTROL.search(c)]
    differ = [
        (template, c)
        for template in ("ab{}cd", "https://a{}b", "a{}", "{}")
        for c in characters
        if fast.is_valid(v := template.replace("{}", c)) != reference.is_valid(v)
    ]
    assert differ == []
