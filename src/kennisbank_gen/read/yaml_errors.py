"""What PyYAML's syntax errors mean, in the editors' words, with the fix where there is exactly
one: quotes around a value with an unquoted `: ` in it, spaces for a tab that indents a line.

Where the YAML stops parsing, nothing else in the file has been checked: the message says how
many fields wait (`stopped_here`), so that an editor does not take this for the only problem.
"""

from __future__ import annotations

import re

import yaml

from ..findings import Fix

_YAML_PROBLEMS = {
    "could not find expected ':'": (
        "verwacht 'veld: waarde', gevonden een regel zonder dubbele punt"
    ),
    "found unexpected end of stream": (
        "verwacht een afsluitend aanhalingsteken, gevonden het einde van het bestand"
    ),
    "did not find expected ',' or ']'": "verwacht een lijst die sluit met ], gevonden iets anders",
    "did not find expected ',' or '}'": "verwacht velden die sluiten met }, gevonden iets anders",
}
_COLON_PROBLEMS = (
    "mapping values are not allowed here",
    "mapping values are not allowed in this context",
)
_INDENT_PROBLEMS = (
    "expected <block end>",
    "did not find expected key",
    "did not find expected '-'",
)
_PLAIN_VALUE = re.compile(
    r"^(?P<lead>\s*(?:-\s+)?(?P<key>[A-Za-z_][\w-]*):[ \t]+)(?P<value>[^'\"\[{|>&*!#].*?)\s*$"
)
#: a line of a block mapping that names a field at the top level (`title: ...`)
_TOP_FIELD = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)", re.MULTILINE)
#: a line that opens an indented block below it: `key:`, `- key:`, `body: |`, `summary: >-`
_OPENS_BLOCK = re.compile(r":[ \t]*(?:[|>][-+0-9]*)?[ \t]*(?:#.*)?$")
_LEADING = re.compile(r"[ \t]*")


def _quoted(value: str) -> str:
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _indent_unit(lines: list[str]) -> int:
    """How many spaces this file indents a level by: its smallest indentation with spaces
    (2 when no line is indented with spaces)."""
    widths = [
        len(line) - len(line.lstrip(" "))
        for line in lines
        if line.startswith(" ") and line.strip() and not line.lstrip(" ").startswith(("#", "\t"))
    ]
    return min(widths, default=2)


def _tab_fix(lines: list[str], index: int) -> Fix | None:
    """Spaces for the tabs that indent line `index` (0-based), as many as the line above asks:
    one level deeper below a line that opens a block (`key:`, `body: |`), the same as a sibling
    otherwise (inside a list item's fields: past the `- `). None when the tab is not indentation
    or there is no line above to go by."""
    line = lines[index]
    leading = _LEADING.match(line).group(0)
    if "\t" not in leading or not line[len(leading) :].strip():
        return None
    above = next(
        (
            text
            for text in reversed(lines[:index])
            if text.strip() and not text.lstrip().startswith("#")
        ),
        None,
    )
    if above is None or "\t" in _LEADING.match(above).group(0):
        return None
    indent = len(above) - len(above.lstrip(" "))
    item = re.match(r"(?:-[ ]+)+", above[indent:])  # `- ` (or `- - `) before the item's text
    content = indent + (len(item.group(0)) if item else 0)
    if _OPENS_BLOCK.search(above.split(" #")[0].rstrip()):
        width = content + _indent_unit(lines)
    elif item and not line.lstrip().startswith("-"):
        width = content  # the next field of the same list item
    else:
        width = indent
    return Fix(index + 1, 1, leading, " " * width)


def yaml_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, int, str, Fix | None, str]:
    """A YAML syntax error as (line, col, Dutch message, fix, field). An unquoted ': ' inside a
    value (titles copied from the live site often have one) gets its fix: quotes around the
    value; a tab that indents a line gets its spaces."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return 1, 1, "verwacht geldige YAML, gevonden ongeldige YAML", None, ""
    line, col = mark.line + 1, mark.column + 1
    lines = text.splitlines()
    if 0 <= mark.index < len(text) and text[mark.index] == "\t":
        message = "verwacht spaties om in te springen, gevonden een tab"
        fix = _tab_fix(lines, mark.line) if mark.line < len(lines) else None
        if fix:
            message += f"; schrijf {len(fix.new)} spaties"
        return line, col, message, fix, ""
    problem = exc.problem or exc.context or ""
    if problem in _COLON_PROBLEMS:
        source_line = lines[mark.line] if mark.line < len(lines) else ""
        m = _PLAIN_VALUE.match(source_line)
        if m and " #" not in m["value"] and m.start("value") < mark.column:
            value = m["value"]
            at = m.start("value") + 1
            message = (
                f"verwacht tekst zonder ': ' of tussen aanhalingstekens, gevonden {value!r}; "
                f"zet de tekst tussen aanhalingstekens: {_quoted(value)}"
            )
            return line, at, message, Fix(line, at, value, _quoted(value)), m["key"]
    if problem in _COLON_PROBLEMS:
        message = "verwacht één dubbele punt per regel (na de veldnaam), gevonden nog een"
        return line, col, message, None, ""
    if problem.startswith(_INDENT_PROBLEMS):
        message = "verwacht dezelfde inspringing als de regels erboven, gevonden een andere"
        return line, col, message, None, ""
    message = _YAML_PROBLEMS.get(problem) or f"verwacht geldige YAML, gevonden: {problem}"
    return line, col, message, None, ""


def stopped_here(text: str, message: str) -> str:
    """`message` about where reading a file stopped, and what that leaves unchecked: every other
    field of the file (counted as the lines that name one at the top level)."""
    fields = len(_TOP_FIELD.findall(text))
    if fields < 2:
        return message
    return (
        f"{message}; hierdoor zijn de {fields} velden van dit bestand nog niet gecontroleerd; "
        "los dit eerst op; daarna controleert validate de rest"
    )
