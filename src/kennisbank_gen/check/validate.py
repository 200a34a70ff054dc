"""Check: a read project -> every finding about it (all of them, not just the first), located
(`path:line:col: field: ...`). This stage checks and never changes what it checks.

Per record: the JSON Schema derived from the framework, real dates, a safe Markdown body
(`markdown_safety`). Per guidance set: `guidance`. Across records (`across`): unique slugs and
titles, references to guidance that exists; records named on the command line are checked
against every record of the project. Severities from `rules.yml` and `criteria.yml` are applied
in one place (`with_severity`), to every finding alike. A process that validates again and again
(the preview) keeps what it read (`KnownRecords`) and checks again only the files that changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FindingsError
from ..findings import Finding
from ..pool import Pool
from ..read.dates import PartialDate
from ..read.framework import Framework
from ..read.guidance import guidance_ids
from ..read.load import Document, read_bytes, shown_path
from ..read.project import (
    RECORDS_DIR,
    Project,
    collector_paused,
    read_project_but_records,
    read_records,
    record_files,
    record_from_bytes,
)
from ..schema_errors import schema_findings
from .across import SITE_SECTIONS, across, check_collection
from .addresses import address_findings
from .content_pages import content_page_findings
from .guidance import check_guidance, well_formed
from .markdown_safety import body_findings
from .record_schema import DATE_PATTERN, FULL_DATE_PATTERN, record_validator
from .slugs import slug_problem

SUMMARY_MAX = 300
REVIEW_MAX_DAYS = 730


@dataclass
class Report:
    """A project and every finding about it, with their severities."""

    project: Project
    findings: list[Finding]

    def blocking(self, strict: bool = False) -> list[Finding]:
        """What stops a build: errors, and with `strict` warnings too."""
        return [f for f in self.findings if strict or f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def _date_findings(doc: Document, today: dt.date) -> list[Finding]:
    findings = []
    for name, pattern in (("date", DATE_PATTERN), ("last_reviewed", FULL_DATE_PATTERN)):
        value = doc.data.get(name)
        if not isinstance(value, str) or not re.match(pattern, value):
            continue  # not a date at all: the schema finding says so
        try:
            earliest = PartialDate.parse(value).earliest
        except ValueError:
            findings.append(
                doc.finding((name,), f"verwacht een bestaande datum, gevonden '{value}'")
            )
            continue
        if earliest > today:
            findings.append(
                doc.finding(
                    (name,),
                    f"verwacht een datum niet na vandaag ({today.isoformat()}), gevonden '{value}'",
                    "future-date",
                )
            )
        elif name == "last_reviewed" and (today - earliest).days > REVIEW_MAX_DAYS:
            findings.append(
                doc.finding(
                    (name,),
                    f"verwacht een controle in de laatste {REVIEW_MAX_DAYS} dagen, "
                    f"gevonden '{value}'",
                    "review-age",
                )
            )
    return findings


def _quality_findings(doc: Document, framework: Framework) -> list[Finding]:
    findings = []
    quality = doc.data.get("quality")
    for c in framework.criteria:
        chosen = quality.get(c.id) if isinstance(quality, dict) else None
        if not (c.multiple and isinstance(chosen, list) and len(chosen) > 1):
            continue
        for value in c.values:
            if value.exclusive and value.id in chosen:
                findings.append(
                    doc.finding(
                        ("quality", c.id),
                        f"verwacht '{value.id}' alleen, gevonden samen met andere waarden",
                        "exclusive-value",
                    )
                )
    return findings


def with_severity(finding: Finding, framework: Framework) -> Finding:
    """The one place severities are set: schema findings on a criterion take that criterion's
    severity, every other finding its rule's (`rules.yml`; unknown rules are errors)."""
    parts = finding.field.split(".")
    if finding.rule == "schema" and parts[0] == "quality" and len(parts) > 1:
        field = parts[1].partition("[")[0]  # quality.evaluation[0] -> evaluation
        criterion = next((c for c in framework.criteria if c.id == field), None)
        if criterion:
            return dataclasses.replace(finding, severity=criterion.severity)
    return dataclasses.replace(finding, severity=framework.severity(finding.rule))


def check_record(doc: Document, framework: Framework, today: dt.date) -> list[Finding]:
    """Everything that can be said about one record on its own (severities not yet applied)."""
    findings = schema_findings(doc, record_validator(framework))
    file = Path(doc.path)
    if problem := slug_problem(file.stem, file.name):
        findings.append(Finding.for_file(doc.path, problem, "slug"))
    if not isinstance(doc.data, dict):
        return findings
    summary = doc.data.get("summary")
    if isinstance(summary, str) and len(summary) > SUMMARY_MAX:
        findings.append(
            doc.finding(
                ("summary",),
                f"verwacht hoogstens {SUMMARY_MAX} tekens, gevonden {len(summary)}",
                "summary-length",
            )
        )
    return (
        findings
        + _date_findings(doc, today)
        + body_findings(doc)
        + _quality_findings(doc, framework)
    )


def _check_records(docs: list[Document], framework: Framework, today: dt.date) -> list[Finding]:
    return [f for doc in docs for f in check_record(doc, framework, today)]


def _sections(project: Project) -> dict[str, str]:
    """SITE_SECTIONS, the guidance sets' sections and the hand-written pages."""
    sections = dict(SITE_SECTIONS)
    for doc in project.guidance:
        path = doc.data.get("path") if isinstance(doc.data, dict) else None
        if isinstance(path, str) and path:
            sections.setdefault(path.split("/")[0], doc.path)
    for page in sorted((project.root / "content").glob("*.md")):
        sections.setdefault(page.stem, f"content/{page.name}")
    return sections


def check(
    project: Project,
    today: dt.date,
    record_findings: list[Finding] | None = None,
    others: list[Document] | None = None,
) -> list[Finding]:
    """Every finding about a project (its unreadable files included), with severities, sorted.
    `record_findings`: what `check_record` says about each record, where already known;
    `others`: the project's other records, which the records are checked against (and which
    get no findings themselves)."""
    framework = project.framework
    guidance, findings = well_formed(project.guidance)
    content_pages = [page.name for page in (project.root / "content").glob("*.md")]
    sections = _sections(project)
    findings += project.findings + check_guidance(guidance)
    findings += content_page_findings(project.root)
    findings += address_findings(guidance, content_pages, project.records, set(sections))
    with collector_paused():
        if record_findings is None:
            record_findings = _check_records(project.records, framework, today)
        findings += record_findings
        ids = guidance_ids(guidance)
        if others is None:
            findings += check_collection(project.records, ids, sections)
        else:
            only = {doc.path for doc in project.records}
            findings += check_collection([*others, *project.records], ids, sections, only)
        return sorted({with_severity(f, framework) for f in findings})


@dataclass
class KnownRecords:
    """The record files a process read and checked before, for a process that validates one
    project again and again (the preview, after each save): `validate(known=...)` reads every
    file's bytes, and parses and checks only those whose bytes it does not know, as long as the
    framework, the day and what the report keeps (`records`) stay the same."""

    basis: tuple = ()
    #: path as shown -> (the file's bytes, the record as the report keeps it, its findings)
    records: dict[str, tuple[bytes, Document, list[Finding]]] = field(default_factory=dict)


def validate(
    root: Path,
    paths: list[Path] | None = None,
    *,
    today: dt.date,
    records: bool = True,
    pool: Pool | None = None,
    known: KnownRecords | None = None,
) -> Report:
    """Read the project under `root` (records: `paths`, default all) and check it. Records in
    `paths` are also checked against the project's other records (a title or slug that one of
    them already has), and only they get findings.

    `today` decides which dates lie in the future and which reviews are too old (the commands
    pass `clock.today()`, tests a fixed day). Raises ConfigError when the framework itself is
    broken. The report's records hold their data, and the positions of the fields the checks
    across records compare (not their YAML text: they have been checked); `records=False`: the
    report's project holds no records, only the findings about them (what `kennisbank validate`
    needs). Each record is read and checked in one go, thousands of them on the `pool`'s
    workers, which send back only that. With `known` (`KnownRecords`), only the files whose
    bytes it does not know are parsed and checked.
    """
    project, files = read_project_but_records(root, paths)
    pool = pool or Pool(1)
    framework = project.framework
    # (paused until the records are let go: resumed earlier, the collector walks them all once)
    with collector_paused():
        if known is None:
            read_and_check = functools.partial(_read_and_check, root, framework, today, records)
            shards = pool.map(read_and_check, pool.shares(files, SHARD_LEAST))
        else:
            shards = _known_or_checked(known, root, files, framework, today, records, pool)
        record_findings = _gathered(project, shards)
        others = None if paths is None else _other_records(root, files, pool)
        report = Report(project, check(project, today, record_findings, others))
        if not records:
            project.records = []
    return report


#: records a task reads and checks at least (`Pool.shares`: fewer, and they are one task)
SHARD_LEAST = 500


def _gathered(project: Project, shards: list[tuple[list, list, list]]) -> list[Finding]:
    """The shards' records and unreadable files into `project`; their records' findings."""
    record_findings = []
    for docs, problems, findings in shards:
        project.records += docs
        project.findings += problems
        record_findings += findings
    return record_findings


def _read_and_check(
    root: Path, framework: Framework, today: dt.date, all_data: bool, files: list[Path]
) -> tuple[list[Document], list[Finding], list[Finding]]:
    """Read and check a shard of record files; `all_data`: their data whole (for the site
    model), else what `across` keeps."""
    docs, problems = read_records(files, root)
    findings = _check_records(docs, framework, today)
    return [across(doc, all_data) for doc in docs], problems, findings


def _known_or_checked(
    known: KnownRecords,
    root: Path,
    files: list[Path],
    framework: Framework,
    today: dt.date,
    all_data: bool,
    pool: Pool,
) -> list[tuple[list, list, list]]:
    """`_read_and_check`'s shards for `files`, one per file, in order: a file whose bytes `known`
    holds, for the same framework, day and `all_data`, as it was; the others parsed and checked
    (thousands on the `pool`'s workers). `known` then holds what this gave."""
    # what a record's shard depends on besides its bytes: what `_parse_and_check` is given
    basis = (framework.criteria, framework.vocabularies, framework.rules, today, all_data)
    parse_and_check = functools.partial(_parse_and_check, framework, today, all_data)
    before = known.records if known.basis == basis else {}
    known.basis, known.records = basis, {}
    shards: list = []
    new: dict[int, tuple[str, bytes]] = {}
    for file in files:
        shown = shown_path(file, root)
        try:
            raw = read_bytes(file, shown)
        except FindingsError as exc:
            shards.append(([], exc.findings, []))
            continue
        if (was := before.get(shown)) is not None and was[0] == raw:
            known.records[shown] = was
            shards.append(([was[1]], [], was[2]))
        else:
            new[len(shards)] = (shown, raw)
            shards.append(None)
    checked = pool.map(parse_and_check, pool.shares(list(new.values()), SHARD_LEAST))
    for at, shard in zip(new, (shard for task in checked for shard in task), strict=True):
        shards[at] = shard
        if docs := shard[0]:
            known.records[new[at][0]] = (new[at][1], docs[0], shard[2])
    return shards


def _parse_and_check(
    framework: Framework, today: dt.date, all_data: bool, items: list[tuple[str, bytes]]
) -> list[tuple[list, list, list]]:
    """`_read_and_check` of each record file read already (path as shown, bytes) on its own."""
    shards: list[tuple[list, list, list]] = []
    for shown, raw in items:
        try:
            doc = record_from_bytes(raw, shown)
        except FindingsError as exc:
            shards.append(([], exc.findings, []))
            continue
        shards.append(([across(doc, all_data)], [], check_record(doc, framework, today)))
    return shards


def _other_records(root: Path, files: list[Path], pool: Pool) -> list[Document]:
    """The records of the project that are not among `files`, as far as the checks across
    records read them; thousands of files are read on the `pool`'s workers. (Their own problems
    are not the findings asked for: an unreadable one is left out.)"""
    directory = root / RECORDS_DIR
    if directory.is_symlink() or not directory.is_dir():
        return []
    resolved = directory.resolve()
    given = {file.resolve() for file in files}
    rest = [f for f in record_files([directory]) if resolved / f.name not in given]
    shards = pool.map(functools.partial(_read_across, root), pool.shares(rest, SHARD_LEAST))
    return [doc for shard in shards for doc in shard]


def _read_across(root: Path, files: list[Path]) -> list[Document]:
    return [across(doc) for doc in read_records(files, root)[0]]
