"""Load YAML into plain data that remembers the line and column of every field.

Built on PyYAML's C parser events, so we see anchors, aliases, tags and duplicate keys before
anything is constructed: they are findings, never surprises (and an alias bomb never expands).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..errors import FindingsError
from ..findings import Finding

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader

MAX_BYTES = 1_000_000
MAX_DEPTH = 20

FieldPath = tuple[str | int, ...]
#: control characters (C0 but tab and line ends, DEL, C1) and non-characters: never text
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

_resolver = Resolver()
_constructor = SafeConstructor()
_CONSTRUCT = {
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
}


_KEY_NAMES = {
    type(None): "nothing",
    bool: "true or false",
    list: "a list",
    dict: "a mapping of fields",
}


@dataclass
class Document:
    """One YAML file as plain data, with a position (line, col; 1-based) for every field path."""

    path: str
    data: Any
    positions: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    #: where each text value starts: (line, col, YAML style: '' plain, '|' or '>' block, quotes)
    text_starts: dict[FieldPath, tuple[int, int, str]] = field(default_factory=dict)
    #: the YAML text itself, for locating things inside folded or quoted values
    source: str = ""

    def where(self, path: FieldPath) -> tuple[int, int]:
        """Position of the nearest enclosing field that exists."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def finding(self, path: FieldPath, message: str, rule: str = "schema") -> Finding:
        """A finding at a field (or the nearest enclosing one that exists)."""
        line, col = self.where(path)
        return Finding(
            path=self.path, line=line, col=col, field=dotted(path), message=message, rule=rule
        )


def dotted(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _refusal(path: str, line: int, col: int, message: str, rule: str) -> FindingsError:
    """The error that stops reading a file: one finding at a place in it."""
    finding = Finding(path=path, line=line, col=col, field="", message=message, rule=rule)
    return FindingsError([finding])


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Composer:
    """Turns the event stream into dicts, lists and scalars, recording positions."""

    def __init__(self, doc: Document, events):
        self.doc = doc
        self.events = events
        self.findings: list[Finding] = []

    def fail(self, event, message: str, rule: str = "yaml-unsafe") -> FindingsError:
        message = message.replace("tag:yaml.org,2002:", "!!")
        return _refusal(self.doc.path, *_mark(event), message, rule)

    def next(self):
        return next(self.events)

    def node(self, event, path: FieldPath, depth: int) -> Any:
        if isinstance(event, yaml.AliasEvent):
            raise self.fail(event, f"expected plain YAML, found an alias '*{event.anchor}'")
        if getattr(event, "anchor", None):
            raise self.fail(event, f"expected plain YAML, found an anchor '&{event.anchor}'")
        if depth > MAX_DEPTH:
            raise self.fail(event, f"expected at most {MAX_DEPTH} levels of nesting, found more")
        if isinstance(event, yaml.ScalarEvent):
            self.doc.text_starts[path] = (*_mark(event), event.style or "")
            return self.scalar(event)
        if event.tag is not None and not event.implicit:
            raise self.fail(event, f"expected plain YAML, found the tag '{event.tag}'")
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not isinstance(ev := self.next(), yaml.SequenceEndEvent):
                self.doc.positions[(*path, len(items))] = _mark(ev)
                items.append(self.node(ev, (*path, len(items)), depth + 1))
            return items
        mapping: dict[str, Any] = {}
        while not isinstance(key_ev := self.next(), yaml.MappingEndEvent):
            key = self.node(key_ev, (*path, "<key>"), depth + 1)
            if not isinstance(key, str | int | float | bool) or isinstance(key, bool):
                found = _KEY_NAMES.get(type(key), "a value")
                raise self.fail(key_ev, f"expected a field name, found {found}")
            key = str(key)
            if key in mapping:
                line, _ = self.doc.positions[(*path, key)]
                raise self.fail(
                    key_ev, f"expected each field once, found '{key}' again (first on line {line})"
                )
            self.doc.positions[(*path, key)] = _mark(key_ev)
            mapping[key] = self.node(self.next(), (*path, key), depth + 1)
        return mapping

    def scalar(self, event) -> Any:
        if bad := _CONTROL.search(event.value):  # also when written as an escape: "\0", "\e"
            code = f"U+{ord(bad.group()):04X}"
            raise self.fail(
                event, f"expected printable text, found the character {code}", "yaml-syntax"
            )
        plain_implicit = event.implicit[0]
        if event.tag is not None and not (event.implicit[0] or event.implicit[1]):
            raise self.fail(event, f"expected plain YAML, found the tag '{event.tag}'")
        if event.style or not plain_implicit:
            return event.value
        tag = _resolver.resolve(ScalarNode, event.value, (True, False))
        construct = _CONSTRUCT.get(tag)
        # Dates and timestamps stay text: records spell dates as YYYY, YYYY-MM or YYYY-MM-DD.
        return construct(ScalarNode(tag, event.value)) if construct else event.value


def load_text(text: str, path: str) -> Document:
    """Parse YAML text into a Document; raises FindingsError with a located finding."""
    doc = Document(path=path, data=None, positions={(): (1, 1)}, source=text)
    if not text.strip():
        raise _refusal(path, 1, 1, "expected YAML fields, found an empty file", "yaml-syntax")
    events = yaml.parse(text, Loader=_Loader)
    composer = _Composer(doc, events)
    try:
        next(events)  # StreamStart
        first = next(events)  # DocumentStart, or StreamEnd when there is nothing but comments
        if isinstance(first, yaml.StreamEndEvent):
            message = "expected YAML fields, found only comments"
            raise _refusal(path, 1, 1, message, "yaml-syntax")
        doc.data = composer.node(next(events), (), 0)
        next(events)  # DocumentEnd
        extra = next(events)
        if not isinstance(extra, yaml.StreamEndEvent):
            raise composer.fail(extra, "expected one YAML document, found several", "yaml-syntax")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = f"expected valid YAML, found: {exc.problem or exc.context or 'invalid YAML'}"
        if mark and 0 <= mark.index < len(text) and text[mark.index] == "\t":
            problem = "expected spaces for indentation, found a tab"
        raise _refusal(path, line, col, problem, "yaml-syntax") from None
    except yaml.reader.ReaderError as exc:  # control characters such as NUL
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        message = f"expected printable text, found the character U+{exc.character:04X}"
        raise _refusal(path, line, col, message, "yaml-syntax") from None
    del first
    return doc


def load_file(file: Path, root: Path | None = None) -> Document:
    """Read and parse one YAML file; every problem (size, encoding, syntax) is a finding."""
    shown = shown_path(file, root)

    def refuse(message: str) -> FindingsError:
        return _refusal(shown, 1, 1, message, "yaml-syntax")

    try:
        info = file.lstat()
        # A link can point anywhere (/dev/zero, a file outside the project), and reading a FIFO
        # or a device can block or never end: records are plain files.
        if stat.S_ISLNK(info.st_mode):
            raise refuse("expected a regular file, found a symbolic link")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise refuse("expected a regular file, found a special file (device, pipe or socket)")
        too_big = f"expected a file under {MAX_BYTES:,} bytes, found {{:,}} bytes"
        if info.st_size > MAX_BYTES:
            raise refuse(too_big.format(info.st_size))
        with file.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)  # never more, even if the file grew meanwhile
        if len(raw) > MAX_BYTES:
            raise refuse(too_big.format(max(len(raw), file.stat().st_size)))
    except OSError as exc:
        raise refuse(f"expected a readable file, found: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        message = f"expected UTF-8 text, found the byte 0x{raw[exc.start]:02x}"
        raise _refusal(shown, line, col, message, "yaml-syntax") from None
    return load_text(text, shown)


def shown_path(file: Path, root: Path | None) -> str:
    """The path as findings show it: relative to the project root where possible."""
    if root is not None:
        relative = os.path.relpath(os.path.abspath(file), os.path.abspath(root))
        if not relative.startswith(".."):
            return Path(relative).as_posix()
    return file.as_posix()
