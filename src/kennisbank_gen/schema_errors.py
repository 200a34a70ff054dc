"""JSON Schema errors as located, editor-friendly findings (used for records, guidance sets and
the framework's own files alike)."""

from __future__ import annotations

import difflib
from typing import Any

from jsonschema import Draft202012Validator

from .findings import Finding
from .read.load import Document

_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of fields",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "nothing",
}


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    if value is None:
        return "nothing"
    return repr(value)


def did_you_mean(found: Any, options, cutoff: float = 0.6) -> str:
    """A "; did you mean 'x'?" hint when `found` is close to one of the options, else ""."""
    if not isinstance(found, str):
        return ""
    close = difflib.get_close_matches(found, [str(o) for o in options], n=1, cutoff=cutoff)
    return f"; did you mean '{close[0]}'?" if close else ""


def _translate(doc: Document, error) -> list[tuple[tuple, str]]:
    """(field path, message) pairs for one jsonschema error."""
    path = tuple(error.absolute_path)
    kind, schema, found = error.validator, error.schema, error.instance
    if kind == "required":
        missing = [name for name in error.validator_value if name not in found]
        return [((*path, name), "expected this field, found it missing") for name in missing]
    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extra = [k for k in found if k not in known]
        return [
            (
                (*path, k),
                f"expected one of the known fields, found unknown field '{k}'"
                + did_you_mean(k, known),
            )
            for k in extra
        ]
    if kind == "enum":
        options = error.validator_value
        listed = ", ".join(map(str, options))
        return [
            (
                path,
                f"expected one of [{listed}], found {_shown(found)}" + did_you_mean(found, options),
            )
        ]
    if kind == "type" and "x-expected" in schema:
        return [(path, f"expected {schema['x-expected']}, found {_shown(found)}")]
    if kind in ("minimum", "maximum") and "x-expected" in schema:
        return [(path, f"expected {schema['x-expected']}, found {_shown(found)}")]
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else expected
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return [(path, f"expected {wanted}, found {_shown(found)}")]
    if kind == "pattern":
        wanted = schema.get("x-expected", f"text matching {error.validator_value}")
        return [(path, f"expected {wanted}, found {_shown(found)}")]
    if kind == "minItems":
        return [(path, f"expected at least {error.validator_value} item(s), found {len(found)}")]
    if kind == "uniqueItems":
        return [(path, "expected every value once, found a value twice")]
    if kind == "minLength":
        return [
            (path, f"expected at least {error.validator_value} character(s), found {len(found)}")
        ]
    if kind == "maxLength":
        return [(path, f"expected at most {error.validator_value} characters, found {len(found)}")]
    return [(path, error.message)]


def schema_findings(
    doc: Document, validator: Draft202012Validator, rule: str = "schema"
) -> list[Finding]:
    """Every schema violation in a document, as located findings (all of them, in file order)."""
    findings = []
    for error in validator.iter_errors(doc.data):
        for path, message in _translate(doc, error):
            findings.append(doc.finding(path, message, rule))
    return sorted(set(findings))
