"""`kennisbank validate --fix`: apply the fixes findings carry, in place.

A fix replaces exactly one value's text (`Fix.old` at its line and column) and nothing else:
comments, layout, quotes and line ends stay as they were. A fix whose text is no longer where
the finding saw it is skipped, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from ..check.validate import Report, validate
from ..findings import Finding

#: a fix can reveal the next (a quoted title lets the rest of the file be read; YAML stops at the
#: first tab, so each round fixes one line indented with tabs): at most this many rounds
ROUNDS = 50


def _file(root: Path, shown: str) -> Path:
    path = Path(shown)
    if path.is_absolute() or not (root / path).is_file():
        return path
    return root / path


def apply_to_text(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """`text` with the fixes of `findings` applied; also the findings whose fix was applied."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    placed = []
    for f in findings:
        fix = f.fix
        if fix is None or fix.line > len(starts) - 1:
            continue
        offset = starts[fix.line - 1] + fix.col - 1
        if text[offset : offset + len(fix.old)] == fix.old:
            placed.append((offset, f))
    applied, end = [], len(text) + 1
    for offset, f in sorted(placed, key=lambda p: p[0], reverse=True):
        if offset + len(f.fix.old) > end:  # overlaps a fix already applied: leave it
            continue
        text = text[:offset] + f.fix.new + text[offset + len(f.fix.old) :]
        applied.append(f)
        end = offset
    return text, sorted(applied)


def apply_fixes(root: Path, findings: list[Finding]) -> tuple[list[Finding], list[Path]]:
    """Write the fixes into their files; returns the findings whose fix was applied, and the
    files that changed."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.fix is not None:
            by_file[f.path].append(f)
    applied, changed = [], []
    for shown, fixable in sorted(by_file.items()):
        file = _file(root, shown)
        raw = file.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        new_text, done = apply_to_text(text, fixable)
        if done:
            file.write_bytes((b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8"))
            applied += done
            changed.append(file)
    return applied, changed


def fix_and_validate(
    root: Path, paths: list[Path] | None, today: dt.date
) -> tuple[Report, list[Finding]]:
    """Validate, apply every fix, validate the changed files again and fix what that reveals
    (a few rounds); the last report about `paths` and the findings that were fixed."""
    fixed: list[Finding] = []
    report = validate(root, paths, today=today, records=False)
    findings = report.findings
    for _ in range(ROUNDS):
        done, changed = apply_fixes(root, findings)
        if not done:
            break
        fixed += done
        findings = validate(root, changed, today=today, records=False).findings
    if fixed:
        report = validate(root, paths, today=today, records=False)
    return report, fixed


def change_text(f: Finding) -> str:
    """What --fix says about one change, in the shape of a finding."""
    field = f" {f.field}:" if f.field else ""
    return f"{f.path}:{f.line}:{f.col}:{field} hersteld: {f.fix.old!r} werd {f.fix.new!r}"
