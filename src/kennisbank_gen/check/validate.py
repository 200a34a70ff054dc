"""Check: a read project -> every finding about it (all of them, not just the first), located
(`path:line:col: field: ...`). This stage checks and never changes what it checks.

Per record: the JSON Schema derived from the framework, real dates, a safe Markdown body
(`markdown_safety`). Per guidance set: `guidance`. Across records: unique slugs and titles,
references to guidance that exists. Severities from `rules.yml` and `criteria.yml` are applied
in one place (`with_severity`), to every finding alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding
from ..pool import Pool, chunks
from ..read.dates import PartialDate
from ..read.framework import Framework
from ..read.guidance import guidance_ids
from ..read.load import Document
from ..read.project import Project, collector_paused, read_project_but_records, read_records
from ..schema_errors import did_you_mean, schema_findings
from .addresses import address_findings
from .content_pages import content_page_findings
from .guidance import check_guidance, well_formed
from .markdown_safety import body_findings
from .record_schema import (
    DATE_PATTERN,
    FULL_DATE_PATTERN,
    GUIDANCE_REF_PATTERN,
    record_validator,
)
from .slugs import PREVIOUS_URL_PATTERN, slug_problem

#: slugs taken by the overview pages in initiatieven/
RESERVED_SLUGS = {
    "index": "het overzicht van de initiatieven",
    "op-titel": "het overzicht op titel",
}
#: the first part of this site's own addresses: a former address there would hide a page
SITE_SECTIONS = {
    "initiatieven": "de initiatieven (gebruik previous_slugs)",
    "zoeken": "de zoekpagina",
    "kwaliteitskader": "het kwaliteitskader",
    "aanbevelingen-en-tips": "het overzicht van aanbevelingen en tips",
    "open-data": "de pagina open data",
    "assets": "de bestanden van de site",
    "pagefind": "de zoekindex",
    "admin": "het webformulier",
    "schema": "het schema",
}
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


#: letters from other scripts that look like Latin ones (Cyrillic and Greek): a title written
#: with them would look the same as another on the page
#: (after casefolding, so uppercase lookalikes such as Cyrillic В, Н, М count too)
_LOOKALIKES = str.maketrans(
    dict(
        zip(
            "аеорсухіјѕԁԛԝвнкмтɡαβεικνορτυχ",
            "aeopcyxijsdqwbhkmtgabeikvoptux",
            strict=True,
        )
    )
)


def title_key(title: str) -> str:
    """What makes two titles the same: case, spacing, invisible characters (zero-width spaces
    and other format characters) and letters that only look Latin do not count."""
    if title.isascii():  # (no format characters, no lookalikes; NFKC changes nothing)
        return " ".join(title.casefold().split())
    text = unicodedata.normalize("NFKC", title).casefold()
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(visible.translate(_LOOKALIKES).split())


def _list(value) -> list:
    """A list field's items; anything else already has its schema finding (and is no list)."""
    return value if isinstance(value, list) else []


def _previous_url_findings(docs: list[Document], sections: dict[str, str]) -> list[Finding]:
    """Former addresses on the live site become redirects: none may hide a page of this site,
    and each belongs to one record."""
    findings, owners = [], {}
    for doc in docs:
        urls = _list(doc.data.get("previous_urls")) if isinstance(doc.data, dict) else []
        for i, url in enumerate(urls):
            if not isinstance(url, str) or not re.match(PREVIOUS_URL_PATTERN, url):
                continue  # its schema finding says so
            first = url.strip("/").split("/")[0]
            owner = sections.get(first) or (
                owners.get(url) if owners.get(url) != doc.path else None
            )
            if owner:
                findings.append(
                    doc.finding(
                        ("previous_urls", i),
                        f"verwacht een adres van de oude site dat geen pagina hier gebruikt, "
                        f"gevonden '{url}', in gebruik bij {owner}",
                        "duplicate-slug",
                    )
                )
            owners.setdefault(url, doc.path)
    return findings


def check_collection(
    docs: list[Document], guidance_ids: set[str], sections: dict[str, str] | None = None
) -> list[Finding]:
    """Rules across records: unique slugs (incl. former ones and former addresses, which become
    redirects) and titles, references to guidance that exists. `sections`: the first parts of
    the site's own addresses (default SITE_SECTIONS)."""
    findings = _previous_url_findings(docs, SITE_SECTIONS if sections is None else sections)
    titles: dict[str, str] = {}
    slugs: dict[str, str] = dict(RESERVED_SLUGS)
    stems = [Path(doc.path).stem for doc in docs]
    for doc, slug in zip(docs, stems, strict=True):
        if slug in slugs and slug not in RESERVED_SLUGS:
            findings.append(
                Finding.for_file(
                    doc.path,
                    f"verwacht een slug die geen ander record gebruikt, gevonden '{slug}', "
                    f"in gebruik bij {slugs[slug]}",
                    "duplicate-slug",
                )
            )
        slugs.setdefault(slug, doc.path)
    for doc, slug in zip(docs, stems, strict=True):
        if slug in RESERVED_SLUGS:
            findings.append(
                Finding.for_file(
                    doc.path,
                    f"verwacht een andere bestandsnaam dan "
                    f"'{slug}.yml', want dat is het adres van {RESERVED_SLUGS[slug]}",
                    "duplicate-slug",
                )
            )
        if not isinstance(doc.data, dict):
            continue
        title = doc.data.get("title")
        if isinstance(title, str):
            key = title_key(title)
            if key in titles:
                findings.append(
                    doc.finding(
                        ("title",),
                        f"verwacht een unieke titel, gevonden de titel van {titles[key]}",
                        "duplicate-title",
                    )
                )
            titles.setdefault(key, doc.path)
        for i, old in enumerate(_list(doc.data.get("previous_slugs"))):
            if not isinstance(old, str):
                continue
            owner = slugs.get(old)
            if owner and (owner != doc.path or old == slug):
                findings.append(
                    doc.finding(
                        ("previous_slugs", i),
                        f"verwacht een vorige slug die geen pagina gebruikt, gevonden '{old}', "
                        f"in gebruik bij {owner}",
                        "duplicate-slug",
                    )
                )
            slugs.setdefault(old, doc.path)
        for i, ref in enumerate(_list(doc.data.get("guidance"))):
            well_formed = isinstance(ref, str) and re.match(GUIDANCE_REF_PATTERN, ref)
            if well_formed and ref not in guidance_ids:
                findings.append(
                    doc.finding(
                        ("guidance", i),
                        f"verwacht een bestaand id van een aanbeveling of tip, "
                        f"gevonden '{ref}'" + did_you_mean(ref, guidance_ids, 0.8),
                        "unknown-reference",
                    )
                )
    return findings


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
    project: Project, today: dt.date, record_findings: list[Finding] | None = None
) -> list[Finding]:
    """Every finding about a project (its unreadable files included), with severities, sorted.
    `record_findings`: what `check_record` says about each record, where already known."""
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
        findings += check_collection(project.records, guidance_ids(guidance), sections)
        return sorted({with_severity(f, framework) for f in findings})


def validate(
    root: Path,
    paths: list[Path] | None = None,
    *,
    today: dt.date,
    records: bool = True,
    pool: Pool | None = None,
) -> Report:
    """Read the project under `root` (records: `paths`, default all) and check it.

    `today` decides which dates lie in the future and which reviews are too old (the commands
    pass `clock.today()`, tests a fixed day). Raises ConfigError when the framework itself is
    broken. `records=False`: the report's project holds no records, only the findings about
    them (what `kennisbank validate` needs; spares sending thousands of them between processes).
    Each record is read and checked in one go, thousands of them on the `pool`'s workers.
    """
    project, files = read_project_but_records(root, paths)
    pool = pool or Pool(1)
    shared = _Reading(root, project.framework, today, records)
    # (paused until the records are let go: resumed earlier, the collector walks them all once)
    with collector_paused():
        shards = pool.map(_read_and_check, shared, chunks(files, pool.jobs, least=SHARD_LEAST))
        record_findings = _gathered(project, shards)
        report = Report(project, check(project, today, record_findings))
        if not records:
            project.records = []
    return report


#: fewer records than this are read and checked in one process: a worker is not worth it
SHARD_LEAST = 500


@dataclass(frozen=True)
class _Reading:
    """What reading and checking a shard of record files needs (`_read_and_check`)."""

    root: Path
    framework: Framework
    today: dt.date
    whole: bool


def _gathered(project: Project, shards: list[tuple[list, list, list]]) -> list[Finding]:
    """The shards' records and unreadable files into `project`; their records' findings."""
    record_findings = []
    for docs, problems, findings in shards:
        project.records += docs
        project.findings += problems
        record_findings += findings
    return record_findings


def _read_and_check(
    reading: _Reading, files: list[Path]
) -> tuple[list[Document], list[Finding], list[Finding]]:
    docs, problems = read_records(files, reading.root)
    findings = _check_records(docs, reading.framework, reading.today)
    return (docs if reading.whole else [_across(doc) for doc in docs]), problems, findings


#: the fields the checks across records compare (`check_collection`)
_ACROSS = frozenset(("title", "previous_slugs", "previous_urls", "guidance"))


def _across(doc: Document) -> Document:
    """What `check_collection` reads of a record: its path, the fields it compares and where
    they are (the rest has been checked already)."""

    def kept(table: dict) -> dict:
        return {path: value for path, value in table.items() if not path or path[0] in _ACROSS}

    data = doc.data
    if isinstance(data, dict):
        data = {name: value for name, value in data.items() if name in _ACROSS}
    return Document(doc.path, data, kept(doc.positions), kept(doc.text_starts))
