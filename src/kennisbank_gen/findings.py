"""Findings: what validation reports, and the three ways of printing them (text, JSON, GitHub)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: what a terminal or a CI log reads as a line break
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: what a GitHub Actions runner reads as a workflow command at the start of a line (leading
#: whitespace is trimmed first): `::error ...::`, `::add-mask::...`, and the old `##[error]`
_COMMAND_START = re.compile(r"^(\s*)(:):|^(\s*)(#)#\[", re.MULTILINE)


def one_line(value: str) -> str:
    """A file name or quoted text on one line: each line break shown as `⏎`."""
    return _LINE_BREAK.sub("⏎", value)


def neutralise(text: str) -> str:
    """Plain-text output that no CI runner reads as a command: a line starting with `::` or
    `##[` gets a space after its first character (`: :error`), which the runner ignores."""
    return _COMMAND_START.sub(
        lambda m: (
            f"{m.group(1) or m.group(3) or ''}{m.group(2) or m.group(4)} "
            + (":" if m.group(2) else "#[")
        ),
        text,
    )


@dataclass(frozen=True, order=True)
class Fix:
    """An unambiguous repair: the text `old` at line:col becomes `new`; nothing else changes
    (`kennisbank validate --fix` applies it)."""

    line: int
    col: int
    old: str
    new: str


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place: `path:line:col: field: message`."""

    path: str
    line: int
    col: int
    field: str
    message: str
    rule: str = "schema"
    #: set by the check stage from `rules.yml` / `criteria.yml` (`check.validate.with_severity`)
    severity: Severity = "error"
    #: the repair, when there is exactly one (the message says it too)
    fix: Fix | None = field(default=None, compare=False)

    @classmethod
    def for_file(cls, path: str, message: str, rule: str) -> Finding:
        """A finding about a whole file (its name, its encoding...): shown at line 1, column 1."""
        return cls(path=path, line=1, col=1, field="", message=message, rule=rule)

    def text(self) -> str:
        """One line, whatever the path or the quoted text holds; never a workflow command."""
        where = f"{one_line(self.path)}:{self.line}:{self.col}"
        field = f" {one_line(self.field)}:" if self.field else ""
        tag = " (waarschuwing)" if self.severity == "warning" else ""
        return neutralise(f"{where}:{field} {one_line(self.message)}{tag}")


def format_text(findings: list[Finding], fix_hint: bool = True) -> str:
    """One line per finding, then the counts; with `fix_hint`, how many `--fix` repairs."""
    lines = [f.text() for f in sorted(findings)]
    n_err = sum(f.severity == "error" for f in findings)
    n_warn = len(findings) - n_err
    lines.append(f"{n_err} fout(en), {n_warn} waarschuwing(en)")
    if fix_hint and (fixable := sum(f.fix is not None for f in findings)):
        lines.append(f"{fixable} hiervan herstelt `kennisbank validate --fix` voor je.")
    return "\n".join(lines)


def format_json(findings: list[Finding]) -> str:
    return json.dumps([asdict(f) for f in sorted(findings)], ensure_ascii=False, indent=2)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: one annotation per finding, on its line."""
    out = []
    for f in sorted(findings):
        props = ",".join(
            [
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.col}",
                f"title={_escape_property(f.field or f.rule)}",
            ]
        )
        message = f"{f.field}: {f.message}" if f.field else f.message
        out.append(f"::{f.severity} {props}::{_escape_data(message)}")
    return "\n".join(out)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}
