"""Load YAML into plain data that remembers the line and column of every field.

Built on PyYAML's C parser events, so we see anchors, aliases, tags and duplicate keys before
anything is constructed: they are findings, never surprises (and an alias bomb never expands).
"""

from __future__ import annotations

import dataclasses
import functools
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
from ..findings import Finding, Fix
from .yaml_errors import stopped_here, yaml_error

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
    type(None): "niets",
    bool: "true of false",
    list: "een lijst",
    dict: "velden (naam: waarde)",
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
    #: where each text value lies in `source`: (start, end) offsets, quotes included
    spans: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: FieldPath) -> tuple[int, int]:
        """Position of the nearest enclosing field that exists."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def finding(
        self,
        path: FieldPath,
        message: str,
        rule: str = "schema",
        *,
        on_key: bool = False,
        fix: Fix | None = None,
    ) -> Finding:
        """A finding at a field's value (`on_key`: at its name; missing: the nearest enclosing
        field that exists)."""
        path = tuple(path)
        start = None if on_key else self.text_starts.get(path)
        line, col = start[:2] if start else self.where(path)
        return Finding(
            path=self.path,
            line=line,
            col=col,
            field=dotted(path),
            message=message,
            rule=rule,
            fix=fix,
        )

    def fix(self, path: FieldPath, new: str, keep_quotes: bool = True) -> Fix | None:
        """Replace the text value at `path` by `new` (in the same quotes, unless not
        `keep_quotes`); None where there is no such value or it is block text."""
        path = tuple(path)
        if path not in self.spans or self.text_starts[path][2] in ("|", ">"):
            return None
        line, col, style = self.text_starts[path]
        start, end = self.spans[path]
        quote = style if keep_quotes else ""
        return Fix(line, col, self.source[start:end], f"{quote}{new}{quote}")


def dotted(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _refusal(
    path: str, line: int, col: int, message: str, rule: str, fix: Fix | None = None, field=""
) -> FindingsError:
    """The error that stops reading a file: one finding at a place in it."""
    finding = Finding(path, line, col, field, message, rule, fix=fix)
    return FindingsError([finding])


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


#: the first characters after which a plain scalar may be something other than text (a number,
#: true/false, null): any other plain scalar is text without asking the resolver
_RESOLVED_FIRST = frozenset(_resolver.yaml_implicit_resolvers)
_PLAIN_IS_TEXT = None not in _RESOLVED_FIRST  # no resolver that looks at every first character


class _Composer:
    """Turns the parser's events into dicts, lists and scalars, recording positions.

    One pass over libyaml's events, read straight from the C parser (no generator between):
    this runs for every field of every record, so it does only what it must per event.
    """

    def __init__(self, doc: Document, text: str):
        self.doc = doc
        self.next = _Loader(text).get_event
        self.positions = doc.positions
        self.text_starts = doc.text_starts
        self.spans = doc.spans
        # Values hold control characters only when the text does, or writes them as escapes:
        # without either, no scalar needs looking at.
        self.control = "\\" in text or _CONTROL.search(text) is not None

    def fail(self, event, message: str, rule: str = "yaml-unsafe") -> FindingsError:
        message = message.replace("tag:yaml.org,2002:", "!!")
        return _refusal(self.doc.path, *_mark(event), message, rule)

    def node(self, event, path: FieldPath, depth: int) -> Any:
        kind = event.__class__
        if kind is yaml.AliasEvent:
            raise self.fail(event, f"verwacht gewone YAML, gevonden een alias '*{event.anchor}'")
        if getattr(event, "anchor", None):
            raise self.fail(event, f"verwacht gewone YAML, gevonden een anker '&{event.anchor}'")
        if depth > MAX_DEPTH:
            raise self.fail(event, f"verwacht hoogstens {MAX_DEPTH} niveaus diep, gevonden meer")
        if kind is yaml.ScalarEvent:
            start = event.start_mark
            style = event.style or ""
            self.text_starts[path] = (start.line + 1, start.column + 1, style)
            self.spans[path] = (start.index, event.end_mark.index)
            return self.scalar(event, style)
        if event.tag is not None and not event.implicit:
            raise self.fail(event, f"verwacht gewone YAML, gevonden de tag '{event.tag}'")
        next_event, positions = self.next, self.positions
        if kind is yaml.SequenceStartEvent:
            items: list[Any] = []
            while (item := next_event()).__class__ is not yaml.SequenceEndEvent:
                at = (*path, len(items))
                start = item.start_mark
                positions[at] = (start.line + 1, start.column + 1)
                items.append(self.node(item, at, depth + 1))
            return items
        mapping: dict[str, Any] = {}
        # a plain name (no quotes, tag or anchor, not a number, true or null) is its own text:
        # what `node` would return, without asking
        plain_names = _PLAIN_IS_TEXT and not self.control and depth < MAX_DEPTH
        while (key_ev := next_event()).__class__ is not yaml.MappingEndEvent:
            if (
                plain_names
                and key_ev.__class__ is yaml.ScalarEvent
                and key_ev.style is None
                and key_ev.tag is None
                and key_ev.anchor is None
                and key_ev.value[:1] not in _RESOLVED_FIRST
                and key_ev.value
            ):
                key = key_ev.value
            else:
                key = self.node(key_ev, (*path, "<key>"), depth + 1)
                if not isinstance(key, str | int | float | bool) or isinstance(key, bool):
                    found = _KEY_NAMES.get(type(key), "een waarde")
                    raise self.fail(key_ev, f"verwacht een veldnaam, gevonden {found}")
                key = str(key)
            at = (*path, key)
            if key in mapping:
                line, _ = positions[at]
                raise self.fail(
                    key_ev,
                    f"verwacht elk veld één keer, gevonden '{key}' opnieuw (eerst op regel {line})",
                )
            start = key_ev.start_mark
            positions[at] = (start.line + 1, start.column + 1)
            mapping[key] = self.node(next_event(), at, depth + 1)
        return mapping

    def scalar(self, event, style: str) -> Any:
        value = event.value
        if self.control and (bad := _CONTROL.search(value)):  # also escaped: "\0", "\e"
            code = f"U+{ord(bad.group()):04X}"
            raise self.fail(
                event, f"verwacht leesbare tekst, gevonden het teken {code}", "yaml-syntax"
            )
        implicit = event.implicit
        if event.tag is not None and not (implicit[0] or implicit[1]):
            raise self.fail(event, f"verwacht gewone YAML, gevonden de tag '{event.tag}'")
        if style or not implicit[0]:
            return value
        if _PLAIN_IS_TEXT and value and value[0] not in _RESOLVED_FIRST:
            return value  # what the resolver would say: text
        tag = _resolver.resolve(ScalarNode, value, (True, False))
        construct = _CONSTRUCT.get(tag)
        # Dates and timestamps stay text: records spell dates as YYYY, YYYY-MM or YYYY-MM-DD.
        return construct(ScalarNode(tag, value)) if construct else value


def load_text(text: str, path: str) -> Document:
    """Parse YAML text into a Document; raises FindingsError with a located finding."""
    doc = Document(path=path, data=None, positions={(): (1, 1)}, source=text)
    if not text.strip():
        raise _refusal(path, 1, 1, "verwacht YAML-velden, gevonden een leeg bestand", "yaml-syntax")
    composer = _Composer(doc, text)
    next_event = composer.next
    try:
        next_event()  # StreamStart
        first = next_event()  # DocumentStart, or StreamEnd when there is nothing but comments
        if isinstance(first, yaml.StreamEndEvent):
            message = "verwacht YAML-velden, gevonden alleen commentaar"
            raise _refusal(path, 1, 1, message, "yaml-syntax")
        doc.data = composer.node(next_event(), (), 0)
        next_event()  # DocumentEnd
        extra = next_event()
        if not isinstance(extra, yaml.StreamEndEvent):
            raise composer.fail(
                extra, "verwacht één YAML-document, gevonden meerdere", "yaml-syntax"
            )
    except yaml.MarkedYAMLError as exc:
        line, col, message, fix, key = yaml_error(text, exc)
        message = stopped_here(text, message)
        raise _refusal(path, line, col, message, "yaml-syntax", fix, key) from None
    except yaml.reader.ReaderError as exc:  # control characters such as NUL
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        message = f"verwacht leesbare tekst, gevonden het teken U+{exc.character:04X}"
        raise _refusal(path, line, col, stopped_here(text, message), "yaml-syntax") from None
    except FindingsError as exc:  # what the composer refuses: anchors, tags, duplicate keys...
        if exc.findings[0].message.endswith("alleen commentaar"):
            raise
        [finding] = exc.findings
        message = stopped_here(text, finding.message)
        raise FindingsError([dataclasses.replace(finding, message=message)]) from None
    return doc


def load_file(file: Path, root: Path | None = None) -> Document:
    """Read and parse one YAML file; every problem (size, encoding, syntax) is a finding."""
    shown = shown_path(file, root)
    return load_bytes(read_bytes(file, shown), shown)


def read_bytes(file: Path, shown: str) -> bytes:
    """The bytes of a YAML file (`shown` as findings name it): a plain file, not too large; else
    a FindingsError."""

    def refuse(message: str) -> FindingsError:
        return _refusal(shown, 1, 1, message, "yaml-syntax")

    try:
        info = file.lstat()
        # A link can point anywhere (/dev/zero, a file outside the project), and reading a FIFO
        # or a device can block or never end: records are plain files.
        if stat.S_ISLNK(info.st_mode):
            raise refuse("verwacht een gewoon bestand, gevonden een symbolische link")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise refuse(
                "verwacht een gewoon bestand, "
                "gevonden een speciaal bestand (apparaat, pipe of socket)"
            )
        too_big = (
            f"verwacht een bestand kleiner dan {_number(MAX_BYTES)} bytes, gevonden {{}} bytes"
        )
        if info.st_size > MAX_BYTES:
            raise refuse(too_big.format(_number(info.st_size)))
        with file.open("rb") as stream:
            # as much as the file holds (asking for MAX_BYTES at once makes a buffer that large
            # for every file); if it grew meanwhile, on to MAX_BYTES + 1 and never more
            raw = stream.read(info.st_size + 1)
            if len(raw) > info.st_size:
                raw += stream.read(MAX_BYTES + 1 - len(raw))
        if len(raw) > MAX_BYTES:
            raise refuse(too_big.format(_number(max(len(raw), file.stat().st_size))))
    except OSError as exc:
        raise refuse(f"verwacht een leesbaar bestand, gevonden de fout: {exc.strerror}") from None
    return raw


def load_bytes(raw: bytes, shown: str) -> Document:
    """Parse the bytes of a YAML file (`read_bytes`); every problem is a finding."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        message = f"verwacht UTF-8-tekst, gevonden de byte 0x{raw[exc.start]:02x}"
        raise _refusal(shown, line, col, message, "yaml-syntax") from None
    return load_text(text, shown)


def shown_path(file: Path, root: Path | None) -> str:
    """The path as findings show it: relative to the project root where possible."""
    if root is not None:
        absolute, base = os.path.abspath(file), _absolute(os.getcwd(), str(root))
        if absolute.startswith(base) and absolute[len(base) : len(base) + 1] == os.sep:
            relative = absolute[len(base) + 1 :]  # (what relpath says, without asking it)
        else:
            relative = os.path.relpath(absolute, base)
        if not relative.startswith(".."):
            return relative.replace(os.sep, "/")  # (normalised already: what as_posix says)
    return file.as_posix()


@functools.lru_cache(maxsize=16)
def _absolute(cwd: str, path: str) -> str:
    """The absolute path of a project root, from the directory `cwd` (asked once per root:
    thousands of files lie under the same one)."""
    return os.path.normpath(os.path.join(cwd, path))


def _number(n: int) -> str:
    """A number as Dutch readers write it: 1.000.000."""
    return f"{n:,}".replace(",", ".")
