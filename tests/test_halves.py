"""Thousands of records are read and checked on two cores (read/halves.py): the result must be
exactly what one process gives, also when the child process fails."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from conftest import REPO, delegated, needs_fork

from kennisbank_gen.check.validate import validate
from kennisbank_gen.read import halves

TODAY = dt.date(2026, 6, 1)
CORPUS = REPO / "tests" / "corpus"


def everything(paths) -> tuple[list, list]:
    report = validate(REPO, paths, today=TODAY)
    findings = [(f.text(), f.rule, f.severity, f.fix) for f in report.findings]
    return findings, report.project.records


@needs_fork
def test_two_halves_are_the_two_processes(request, monkeypatch):
    if delegated(request):
        return
    monkeypatch.setattr(halves, "FROM_ITEMS", 2)
    first, second = halves.in_halves(lambda items: (os.getpid(), items), [1, 2, 3, 4, 5])
    assert first[0] != os.getpid() == second[0]
    assert first[1] + second[1] == [1, 2, 3, 4, 5]


@needs_fork
@pytest.mark.parametrize(
    "paths",
    [[CORPUS / "invalid"], [CORPUS / "valid", *sorted((CORPUS / "cross").iterdir())]],
    ids=["invalid", "valid-and-cross"],
)
def test_split_validation_is_the_same_as_one_process(request, paths, monkeypatch):
    if delegated(request):
        return
    monkeypatch.setattr(halves, "FROM_ITEMS", 10**9)
    alone = everything(paths)
    monkeypatch.setattr(halves, "FROM_ITEMS", 2)
    split = everything(paths)
    assert split == alone
    assert len(alone[0]) >= 10 and len(alone[1]) > 20


@needs_fork
def test_a_failing_child_changes_nothing(request, monkeypatch):
    if delegated(request):
        return
    parent = os.getpid()

    def work(items):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return [i * 2 for i in items]

    monkeypatch.setattr(halves, "FROM_ITEMS", 2)
    assert halves.in_halves(work, [1, 2, 3, 4]) == [[2, 4], [6, 8]]


@needs_fork
def test_a_child_that_dies_changes_nothing(request, monkeypatch):
    if delegated(request):
        return
    parent = os.getpid()

    def work(items):
        if os.getpid() != parent:
            os._exit(3)
        return list(items)

    monkeypatch.setattr(halves, "FROM_ITEMS", 2)
    assert halves.in_halves(work, [1, 2, 3, 4]) == [[1, 2], [3, 4]]


@needs_fork
def test_the_child_takes_its_share_from_its_own_threshold(request):
    """The build's rendering: the child takes 75 % from 4 items on, this process does more."""
    if delegated(request):
        return
    parent = os.getpid()

    def work(items):
        return (os.getpid() == parent, items)

    split = halves.in_halves(work, [1, 2, 3, 4], from_items=4, child_share=0.75)
    assert split == [(False, [1, 2, 3]), (True, [4])]
    assert halves.in_halves(work, [1, 2, 3], from_items=4) == [(True, [1, 2, 3])]


def test_no_split_for_few_items_or_beside_threads():
    assert not halves.can_split(halves.FROM_ITEMS - 1)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not halves.can_split(10**9)  # forking beside a thread can deadlock the child
    finally:
        stop.set()
        thread.join()
    assert halves.in_halves(lambda items: items, [1, 2]) == [[1, 2]]


@pytest.mark.parametrize("split", [False, True], ids=["one-process", "split"])
def test_without_records_the_findings_are_the_same(request, split, monkeypatch):
    """`kennisbank validate` asks for findings only: records are not kept (nor sent between
    processes), and every finding, the ones across records included, stays the same."""
    if split and delegated(request):
        return
    monkeypatch.setattr(halves, "FROM_ITEMS", 2 if split else 10**9)
    paths = [CORPUS / "invalid", CORPUS / "valid", *sorted((CORPUS / "cross").iterdir())]
    whole = validate(REPO, paths, today=TODAY)
    findings_only = validate(REPO, paths, today=TODAY, records=False)
    assert findings_only.project.records == [] != whole.project.records
    shown = [(f.text(), f.rule, f.severity, f.fix) for f in findings_only.findings]
    assert shown == [(f.text(), f.rule, f.severity, f.fix) for f in whole.findings]
    assert {f.rule for f in whole.findings} >= {"duplicate-title", "duplicate-slug", "schema"}
