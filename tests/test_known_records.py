"""`validate(known=KnownRecords())`, what the preview runs after each save: only the record files
whose bytes it does not know are parsed and checked again, and the report is the one reading
everything gives, whatever was edited in between (records, the framework, the day).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from conftest import FIXTURE_PROJECT, copy_fixture_project, delegated, needs_fork
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kennisbank_gen.check.validate as validate_module
from kennisbank_gen.check.validate import KnownRecords, validate
from kennisbank_gen.pool import Pool

DAY = dt.date(2026, 6, 1)
RECORDS = sorted(p.name for p in (FIXTURE_PROJECT / "initiatives").glob("*.yml"))
RULES = Path("quality_framework") / "rules.yml"
VOCABULARIES = Path("quality_framework") / "vocabularies.yml"


def _replace(file: Path, old: str, new: str) -> None:
    if file.exists():
        file.write_text(file.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _report(root: Path, today: dt.date, known: KnownRecords | None = None, pool=None):
    report = validate(root, today=today, known=known, pool=pool)
    records = [(d.path, d.data, d.positions, d.text_starts) for d in report.project.records]
    return report.findings, records


def test_only_the_files_whose_bytes_changed_are_parsed_again(tmp_path, parsed_again):
    root = copy_fixture_project(tmp_path / "project")
    known = KnownRecords()
    first = _report(root, DAY, known)
    assert sorted(parsed_again) == [f"initiatives/{name}" for name in RECORDS]

    parsed_again.clear()
    saved = root / "initiatives" / RECORDS[1]
    saved.write_bytes(saved.read_bytes())  # saved again, the same bytes: known
    assert _report(root, DAY, known) == first
    assert parsed_again == []

    text = saved.read_text(encoding="utf-8")
    saved.write_text(text.replace("title: ", "title: Nieuw: ", 1), encoding="utf-8")
    assert _report(root, DAY, known) == _report(root, DAY)
    assert parsed_again == [f"initiatives/{RECORDS[1]}"]

    parsed_again.clear()  # another day: every record again (dates in the future, reviews too old)
    later = DAY + dt.timedelta(days=1)
    _report(root, later, known)
    assert len(parsed_again) == len(RECORDS)

    parsed_again.clear()  # another framework, the same day: every record again
    _replace(root / VOCABULARIES, "{id: mbo,", "{id: mbo-oud,")
    changed = _report(root, later, known)
    assert len(parsed_again) == len(RECORDS)
    assert changed == _report(root, later) and changed[0] != first[0]


@needs_fork
def test_records_read_on_the_workers_are_known_after(tmp_path, parsed_again, monkeypatch, request):
    if delegated(request):  # (the pool forks only where no other thread runs)
        return
    root = copy_fixture_project(tmp_path / "project")
    monkeypatch.setattr(validate_module, "SHARD_LEAST", 1)  # (a task per record: on the workers)
    known = KnownRecords()
    pool = Pool(2)
    assert _report(root, DAY, known, pool) == _report(root, DAY)
    assert pool.started == 2 and len(known.records) == len(RECORDS)
    parsed_again.clear()
    assert _report(root, DAY, known) == _report(root, DAY)
    assert parsed_again == []  # (the first parses were in the workers, where this list is not)


def _title_line(file: Path) -> str:
    return next(line for line in file.read_text(encoding="utf-8").splitlines() if "title:" in line)


def _duplicate_title(root: Path, name: str) -> None:
    file = root / "initiatives" / name
    if file.exists():
        other = FIXTURE_PROJECT / "initiatives" / RECORDS[0]
        _replace(file, _title_line(file), _title_line(other))


def _copy(root: Path, name: str, to: str) -> None:
    shutil.copy2(FIXTURE_PROJECT / "initiatives" / name, root / "initiatives" / to)


#: edits an editor (or a checkout) makes between two validations, of one record (or the framework)
EDITS = {
    "retitle": lambda root, name: _replace(root / "initiatives" / name, "title: ", "title: Ander "),
    "same title as another": _duplicate_title,
    "broken YAML": lambda root, name: _replace(root / "initiatives" / name, "\n", "\ntitle: [\n"),
    "restored": lambda root, name: _copy(root, name, name),
    "removed": lambda root, name: (root / "initiatives" / name).unlink(missing_ok=True),
    "copied under a new name": lambda root, name: _copy(root, name, f"kopie-{name}"),
    "saved unchanged": lambda root, name: _replace(root / "initiatives" / name, "", ""),
    "framework: a rule becomes a warning": lambda root, name: _replace(
        root / RULES, "duplicate-title: error", "duplicate-title: warning"
    ),
    "framework: a sector renamed": lambda root, name: _replace(
        root / VOCABULARIES, "{id: mbo,", "{id: mbo-oud,"
    ),
    "framework: restored": lambda root, name: [
        shutil.copy2(FIXTURE_PROJECT / path, root / path) for path in (RULES, VOCABULARIES)
    ],
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(EDITS)),
            st.sampled_from(RECORDS),
            st.sampled_from([0, 0, 400, 3000]),  # days after DAY
        ),
        min_size=1,
        max_size=6,
    )
)
@example([("framework: a sector renamed", RECORDS[0], 0)])
@example([("same title as another", RECORDS[1], 3000), ("restored", RECORDS[1], 0)])
def test_after_any_edits_the_report_is_the_one_reading_everything_gives(edits):
    with tempfile.TemporaryDirectory() as scratch:
        root = copy_fixture_project(Path(scratch) / "project")
        known = KnownRecords()
        _report(root, DAY, known)
        for edit, name, days in edits:
            EDITS[edit](root, name)
            today = DAY + dt.timedelta(days=days)
            assert _report(root, today, known) == _report(root, today), (edit, name, days)
