"""Validate: records + framework + guidance -> every finding, located (`path:line:col: field: ...`).

Per record: the JSON Schema derived from the framework, real dates, Markdown without raw HTML
or unsafe links. Across records: unique slugs and titles, references to guidance that exists.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from markdown.extensions.fenced_code import FencedBlockPreprocessor

from .findings import Finding, FindingsError
from .framework import Framework, load_framework
from .guidance import guidance_ids, load_guidance
from .load import Document, load_file
from .safe_markdown import renders_safely
from .schema import (
    DATE_PATTERN,
    FULL_DATE_PATTERN,
    GUIDANCE_REF_PATTERN,
    SLUG_PATTERN,
    check,
    did_you_mean,
    record_validator,
)

#: slugs taken by the overview pages in initiatieven/
RESERVED_SLUGS = {"index": "the initiatives overview", "op-titel": "the overview sorted by title"}
SUMMARY_MAX = 300
REVIEW_MAX_DAYS = 730
ALLOWED_SCHEMES = ("http", "https", "mailto")

#: anything Python-Markdown might pass through as raw HTML. Deliberately wide: it resolves links
#: and code spans before it looks for tags, so `<x onmouseover=... <https://a.nl>>` becomes a tag
#: around a link, and browsers read `<x=y onmouseover=...>` as an element with an event handler.
_RAW_HTML = re.compile(
    r"<[!?][^>]*>?"  # comments, <!DOCTYPE>, <?php ?>
    r"|<(?![A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*>)"  # not <scheme:...>: a link, checked below
    r"(?![^<>\s@]+@[^<>\s@]+>)"  # not <name@example.org>: an e-mail link
    r"/?[A-Za-z][^<>]*>?"
)
#: each kind of link on its own pass: a line that only looks like a reference definition must
#: not hide the inline links on it
_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?(?P<inline>(?:[^()\s>]|\([^()\s>]*\))*)"),  # [text](url), with (...)
    re.compile(r"\[[^\]\n]*\]:\s*<?(?P<ref>\S*?)>?(?:\s|$)"),  # [ref]: url, also in lists
    re.compile(r"<(?P<auto>[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>"),  # <scheme:...>
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: attr_list syntax (`{: #id .class key=value }`) would put any attribute, such as onclick or
#: style, on the element before it; records never need it
_ATTR_LIST = re.compile(r"\{:?[ \t]*[^}\s][^}\n]*\}")
#: a code span: backticks, the same number to close, within one paragraph
#: a code span on one line. Python-Markdown lets one run on over line breaks, but it parses
#: blocks first: a next line starting with `#`, `-` or `<script>` is a heading, a list item or raw
#: HTML, not code. So only one-line spans count as code here (longer ones are checked as text).
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
#: a fenced code block exactly as Python-Markdown's fenced_code finds it; only its content is
#: code: the opening line may carry `{ attributes }`, which fenced_code puts on the element
_FENCED = FencedBlockPreprocessor.FENCED_BLOCK_RE
#: an image loads from another site as the page opens: it would leak visitors' data
_IMAGE = re.compile(r"!\[")


@dataclass
class Project:
    """Everything read from a project, and every finding about it."""

    root: Path
    framework: Framework
    records: list[Document]
    guidance: list[Document]
    findings: list[Finding]

    def blocking(self, strict: bool = False) -> list[Finding]:
        return [f for f in self.findings if strict or f.severity == "error"]


def parse_date(text: str) -> tuple[int, int | None, int | None]:
    """'2023', '2023-05' or '2023-05-15' -> (year, month, day); raises ValueError if not real."""
    parts = [int(p) for p in text.split("-")]
    year, month, day = [*parts, None, None][:3]
    dt.date(year, month or 1, day or 1)
    return year, month, day


def _date_findings(doc: Document, framework: Framework, today: dt.date) -> list[Finding]:
    findings = []
    for name, pattern in (("date", DATE_PATTERN), ("last_reviewed", FULL_DATE_PATTERN)):
        value = doc.data.get(name)
        if not isinstance(value, str) or not re.match(pattern, value):
            continue  # not a date at all: the schema finding says so
        try:
            year, month, day = parse_date(value)
        except ValueError:
            findings.append(doc.finding((name,), f"expected a real calendar date, found '{value}'"))
            continue
        earliest = dt.date(year, month or 1, day or 1)
        if earliest > today:
            findings.append(
                doc.finding(
                    (name,),
                    f"expected a date not after today ({today.isoformat()}), found '{value}'",
                    "future-date",
                    framework.severity("future-date"),
                )
            )
        elif name == "last_reviewed" and (today - earliest).days > REVIEW_MAX_DAYS:
            findings.append(
                doc.finding(
                    (name,),
                    f"expected a review in the last {REVIEW_MAX_DAYS} days, found '{value}'",
                    "review-age",
                    framework.severity("review-age"),
                )
            )
    return findings


def _mask_code_spans(body: str) -> str:
    """The body with the content of fenced code blocks and code spans blanked out (same length,
    newlines kept): Python-Markdown escapes what they hold, so markup there is text."""

    def blank(text: str) -> str:
        return re.sub(r"[^\n]", " ", text)

    def fenced(m: re.Match) -> str:
        start, end = m.start("code") - m.start(), m.end("code") - m.start()
        whole = m.group(0)
        return whole[:start] + blank(whole[start:end]) + whole[end:]

    body = _FENCED.sub(fenced, body)
    return _CODE_SPAN.sub(lambda m: blank(m.group(0)), body)


def _body_problems(body: str) -> list[tuple[int, str, str, str]]:
    """(offset, matched text, message, rule) for everything a Markdown body may not hold.

    Code is text, so it is left out; but when leaving it out is what hides a problem, rendering
    has the last word (backticks can pair up differently from any pattern).
    """
    masked = _mask_code_spans(body)
    problems = _problems_in(masked)
    if masked != body:
        everything = _problems_in(body)
        if len(everything) > len(problems) and not renders_safely(body):
            return everything
    return problems


def _problems_in(text: str) -> list[tuple[int, str, str, str]]:
    problems = []
    for pattern, what in ((_RAW_HTML, "HTML"), (_ATTR_LIST, "attribute lists")):
        for m in pattern.finditer(text):
            message = f"expected Markdown without {what}, found '{m.group(0)[:40]}'"
            problems.append((m.start(), m.group(0), message, "markdown-html"))
    for m in _IMAGE.finditer(text):
        found = text[m.start() :].partition("\n")[0][:40]
        problems.append(
            (
                m.start(),
                found,
                f"expected Markdown without images, found '{found}'",
                "markdown-image",
            )
        )
    for m in (m for pattern in _LINK_TARGETS for m in pattern.finditer(text)):
        kind, url = next(iter(m.groupdict().items()))
        scheme = _SCHEME.match(url)
        if not scheme or scheme.group(1).lower() not in ALLOWED_SCHEMES:
            problems.append(
                (
                    m.start(kind),
                    url,
                    "expected a link to an https://, http:// or "
                    f"mailto: address, found '{url[:60]}'",
                    "link-scheme",
                )
            )
    return sorted(set(problems))  # <javascript:x> in [a](<javascript:x>) is found twice


def _body_places(doc: Document, body: str, problems: list) -> list[tuple[int, int]]:
    """The source (line, column) of each problem (sorted by offset), in one forward pass."""
    line0, _, style = doc.text_starts.get(("body",), (*doc.where(("body",)), ""))
    source = doc.source.splitlines()
    if style == "|":  # literal block: each line of the value is a line of the file, indented
        starts = [0] + [m.end() for m in re.finditer("\n", body)]
        places = []
        for offset, *_ in problems:
            index = bisect.bisect_right(starts, offset) - 1
            line = line0 + 1 + index
            value_line = body[starts[index] :].partition("\n")[0]
            source_line = source[line - 1] if line <= len(source) else value_line
            indent = max(len(source_line) - len(value_line), 0)
            places.append((line, indent + offset - starts[index] + 1))
        return places
    # folded, quoted or plain: YAML joined the lines, so find each match in the source itself;
    # matches come in source order, so the search only ever moves forward
    places, cursor = [], line0 - 1
    for _, matched, _, _ in problems:
        needle = matched.partition("\n")[0][:40]
        found = next((i for i in range(cursor, len(source)) if needle in source[i]), None)
        if found is None:
            places.append((cursor + 1, 1))
            continue
        cursor = found
        places.append((cursor + 1, source[cursor].find(needle) + 1))
    return places


def _body_findings(doc: Document, framework: Framework) -> list[Finding]:
    """Markdown fields: no raw HTML or attribute lists, no images, links only to http(s) and
    mailto addresses."""
    body = doc.data.get("body")
    if not isinstance(body, str):
        return []
    problems = _body_problems(body)
    return [
        Finding(doc.path, line, col, "body", message, rule, framework.severity(rule))
        for (_, _, message, rule), (line, col) in zip(
            problems, _body_places(doc, body, problems), strict=True
        )
    ]


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
                        f"expected '{value.id}' on its own, found it combined with other values",
                        "exclusive-value",
                        framework.severity("exclusive-value"),
                    )
                )
    return findings


def _with_severity(finding: Finding, framework: Framework) -> Finding:
    """Schema findings on a criterion take that criterion's severity; others their rule's."""
    parts = finding.field.split(".")
    if parts[0] == "quality" and len(parts) > 1:
        field = parts[1].partition("[")[0]  # quality.evaluation[0] -> evaluation
        criterion = next((c for c in framework.criteria if c.id == field), None)
        if criterion:
            return dataclasses.replace(finding, severity=criterion.severity)
    return dataclasses.replace(finding, severity=framework.severity(finding.rule))


def check_record(doc: Document, framework: Framework, today: dt.date) -> list[Finding]:
    """Everything that can be said about one record on its own."""
    if isinstance(doc.data, dict) and isinstance(doc.data.get("date"), int):
        doc.data["date"] = str(doc.data["date"])  # `date: 2023` is a year, not a number
    findings = [_with_severity(f, framework) for f in check(doc, record_validator(framework))]
    slug = Path(doc.path).stem
    if not re.match(SLUG_PATTERN, slug):
        findings.append(
            Finding(
                doc.path,
                1,
                1,
                "",
                f"expected a lowercase-hyphenated file name "
                f"such as 'mijn-initiatief.yml', found '{Path(doc.path).name}'",
                "slug",
                framework.severity("slug"),
            )
        )
    if not isinstance(doc.data, dict):
        return findings
    summary = doc.data.get("summary")
    if isinstance(summary, str) and len(summary) > SUMMARY_MAX:
        findings.append(
            doc.finding(
                ("summary",),
                f"expected at most {SUMMARY_MAX} characters, found {len(summary)}",
                "summary-length",
                framework.severity("summary-length"),
            )
        )
    return (
        findings
        + _date_findings(doc, framework, today)
        + _body_findings(doc, framework)
        + _quality_findings(doc, framework)
    )


def title_key(title: str) -> str:
    """What makes two titles the same: case and spacing do not count."""
    return " ".join(title.casefold().split())


def _list(value) -> list:
    """A list field's items; anything else already has its schema finding (and is no list)."""
    return value if isinstance(value, list) else []


def check_collection(
    docs: list[Document], framework: Framework, guidance_ids: set[str]
) -> list[Finding]:
    """Rules across records: unique slugs (incl. former ones, which become redirects) and
    titles, references to guidance that exists."""
    findings = []
    titles: dict[str, str] = {}
    slugs: dict[str, str] = dict(RESERVED_SLUGS)
    for doc in docs:
        slug = Path(doc.path).stem
        if slug in slugs and slug not in RESERVED_SLUGS:
            findings.append(
                Finding(
                    doc.path,
                    1,
                    1,
                    "",
                    f"expected a slug no other record uses, found '{slug}', "
                    f"in use by {slugs[slug]}",
                    "duplicate-slug",
                    framework.severity("duplicate-slug"),
                )
            )
        slugs.setdefault(slug, doc.path)
    for doc in docs:
        slug = Path(doc.path).stem
        if slug in RESERVED_SLUGS:
            findings.append(
                Finding(
                    doc.path,
                    1,
                    1,
                    "",
                    f"expected a file name other than "
                    f"'{slug}.yml', which is the address of {RESERVED_SLUGS[slug]}",
                    "duplicate-slug",
                    framework.severity("duplicate-slug"),
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
                        f"expected a unique title, found the title of {titles[key]}",
                        "duplicate-title",
                        framework.severity("duplicate-title"),
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
                        f"expected a former slug no page uses, found '{old}', in use by {owner}",
                        "duplicate-slug",
                        framework.severity("duplicate-slug"),
                    )
                )
            slugs.setdefault(old, doc.path)
        for i, ref in enumerate(_list(doc.data.get("guidance"))):
            well_formed = isinstance(ref, str) and re.match(GUIDANCE_REF_PATTERN, ref)
            if well_formed and ref not in guidance_ids:
                findings.append(
                    doc.finding(
                        ("guidance", i),
                        f"expected a known guidance id, "
                        f"found '{ref}'" + did_you_mean(ref, guidance_ids, 0.8),
                        "unknown-reference",
                        framework.severity("unknown-reference"),
                    )
                )
    return findings


def record_files(paths: list[Path]) -> list[Path]:
    files = []
    for p in paths:
        files += sorted(p.glob("*.yml")) + sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return files


def gather(root: Path, paths: list[Path] | None = None, today: dt.date | None = None) -> Project:
    """Read framework, guidance and records under `root` and validate them all.

    Raises ConfigError when the framework itself is broken.
    """
    today = today or dt.date.today()
    framework = load_framework(root / "quality_framework", root)
    guidance, findings = load_guidance(root / "content" / "guidance", root)
    known_ids = guidance_ids(guidance)
    records = []
    for file in record_files(paths if paths is not None else [root / "initiatives"]):
        try:
            doc = load_file(file, root)
        except FindingsError as exc:
            findings += exc.findings
            continue
        findings += check_record(doc, framework, today)
        records.append(doc)
    findings += check_collection(records, framework, known_ids)
    return Project(root, framework, records, guidance, sorted(set(findings)))
