"""Read a project: the quality framework, the guidance sets and the records become one `Project`.

This stage only reads. A file that cannot be read or parsed is a finding; what the data means is
for the check stage (`check.validate`). The one normalisation happens here: YAML reads
`date: 2023` as a number, and a record's date is always text (`'2023'`).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import FindingsError
from ..findings import Finding
from .framework import Framework, load_framework
from .guidance import read_guidance
from .load import Document, load_bytes, read_bytes, shown_path

RECORDS_DIR = "initiatives"
GUIDANCE_DIR = "content/guidance"
FRAMEWORK_DIR = "quality_framework"
#: a file that sets up programs, which no project holds (SECURITY.md): `.env` configured the web
#: form's backend (decap-server read it from the project root; it no longer reads it)
ENVIRONMENT_FILE = ".env"


@dataclass
class Project:
    """Everything read from a project directory."""

    root: Path
    framework: Framework
    #: one document per record file that parses, in file-name order
    records: list[Document]
    #: one document per guidance set file that parses
    guidance: list[Document]
    #: the files that could not be read or parsed
    findings: list[Finding]


def record_files(paths: list[Path]) -> list[Path]:
    """The record files among `paths`: files as given, directories' *.yml and *.yaml files."""
    files = []
    for p in paths:
        # (by name: the same order as sorting the paths, which compares them part by part)
        by_name = functools.partial(sorted, key=lambda f: f.name)
        files += by_name(p.glob("*.yml")) + by_name(p.glob("*.yaml")) if p.is_dir() else [p]
    return files


def record_from_bytes(raw: bytes, shown: str) -> Document:
    """A record file's bytes (`load.read_bytes`) parsed; raises FindingsError."""
    doc = load_bytes(raw, shown)
    if isinstance(doc.data, dict) and type(doc.data.get("date")) is int:
        doc.data["date"] = str(doc.data["date"])  # `date: 2023` is a year, not a number
    return doc


def linked_directories(paths: list[Path], root: Path) -> list[Finding]:
    """A directory that is a symbolic link can lead anywhere (outside the project, /proc):
    records and guidance sets live in plain directories, and a link is a finding."""
    return [
        Finding.for_file(
            shown_path(p, root),
            "verwacht een gewone map, gevonden een symbolische link",
            "yaml-syntax",
        )
        for p in paths
        if p.is_symlink() and p.is_dir()
    ]


def environment_file(root: Path) -> list[Finding]:
    """A `.env` in the project (committed, or only present) is a finding: it is code."""
    if not os.path.lexists(root / ENVIRONMENT_FILE):
        return []
    message = (
        f"verwacht geen {ENVIRONMENT_FILE}-bestand in het project (het stelt programma's in; "
        f"niets hier leest het, zie SECURITY.md), gevonden {ENVIRONMENT_FILE}: verwijder het"
    )
    return [Finding.for_file(ENVIRONMENT_FILE, message, "code-file")]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a while: reading and checking thousands of records
    makes millions of dicts, lists and tuples and no cycles, and each collection would walk
    them all again (a quarter of the time at 10,000 records)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_records(files: list[Path], root: Path) -> tuple[list[Document], list[Finding]]:
    """Every record file that parses (in the order of `files`), and a finding for each one that
    does not. (`check.validate` reads and checks thousands of them on every core.)"""
    records, findings = [], []
    with collector_paused():
        for file in files:
            shown = shown_path(file, root)
            try:
                records.append(record_from_bytes(read_bytes(file, shown), shown))
            except FindingsError as exc:
                findings += exc.findings
    return records, findings


def read_project(root: Path, paths: list[Path] | None = None) -> Project:
    """Read framework, guidance sets and records (default: all of `initiatives/`).

    Raises ConfigError when the framework itself is broken.
    """
    project, files = read_project_but_records(root, paths)
    project.records, record_findings = read_records(files, root)
    project.findings += record_findings
    return project


def read_project_but_records(
    root: Path, paths: list[Path] | None = None
) -> tuple[Project, list[Path]]:
    """The project without its records (framework, guidance sets, findings about directories),
    and the record files to read: for who reads them in its own way (`check.validate`)."""
    framework = load_framework(root / FRAMEWORK_DIR, root)
    directories = paths if paths is not None else [root / RECORDS_DIR]
    linked = linked_directories([root / GUIDANCE_DIR, *directories], root)
    guidance, guidance_findings = (
        ([], []) if (root / GUIDANCE_DIR).is_symlink() else read_guidance(root / GUIDANCE_DIR, root)
    )
    files = record_files([p for p in directories if not (p.is_symlink() and p.is_dir())])
    findings = environment_file(root) + linked + guidance_findings
    return Project(root, framework, [], guidance, findings), files
