"""JSON Schema (Draft 2020-12): the record schema derived from the framework, and the translation
of schema errors into located, editor-friendly findings."""

from __future__ import annotations

import difflib
import functools
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from .findings import Finding
from .load import Document

if TYPE_CHECKING:
    from .framework import Framework

SCHEMA_ID = "https://kennisbank.invalid/schema/initiative.schema.json"
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
FULL_DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
URL_PATTERN = r'^(https?://[^\s/$.?#<>"][^\s<>"]*|mailto:[^\s@<>"]+@[^\s@<>"]+)$'
GUIDANCE_REF_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*/[0-9]{2}$"

#: a reference to a recommendation or tip, as records and guidance sets write it
GUIDANCE_REF = {
    "type": "string",
    "pattern": GUIDANCE_REF_PATTERN,
    "x-expected": "a guidance id such as 'inspectie-2023/07'",
}

_TYPE_NAMES = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of fields",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "null": "nothing",
}


def _enum(ids: list[str], description: str) -> dict:
    return {"enum": ids, "description": description}


def _list_of(ids: list[str], description: str) -> dict:
    return {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"enum": ids},
        "description": description,
    }


def _text(description: str, min_length: int = 1, **extra) -> dict:
    return {"type": "string", "minLength": min_length, "description": description, **extra}


@functools.cache
def record_validator(framework: Framework) -> Draft202012Validator:
    """The compiled record schema of a framework (made once per framework object)."""
    return Draft202012Validator(record_schema(framework))


def record_schema(framework: Framework) -> dict:
    """The JSON Schema every initiative record must satisfy, derived from the framework."""
    quality = {}
    for c in framework.criteria:
        ids = [v.id for v in c.values]
        quality[c.id] = (
            _list_of(ids, f"{c.label}: one or more of {ids}")
            if c.multiple
            else _enum(ids, f"{c.label}: one of {ids}")
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Kennisbank Studentenwelzijn: initiative record",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "title",
            "initiators",
            "date",
            "kind",
            "sectors",
            "themes",
            "summary",
            "body",
            "quality",
        ],
        "properties": {
            "title": _text("Title of the initiative", 3, maxLength=200),
            "initiators": {
                "type": "array",
                "minItems": 1,
                "items": _text("Organisation that runs the initiative"),
                "description": "Initiatiefnemer(s)",
            },
            "date": {
                # `date: 2023` is read by YAML as a number: a year, accepted as such
                "type": ["string", "integer"],
                "pattern": DATE_PATTERN,
                "minimum": 1000,
                "maximum": 9999,
                "x-expected": "a date as YYYY, YYYY-MM or YYYY-MM-DD",
                "description": "Datum initiatief: YYYY, YYYY-MM or YYYY-MM-DD",
            },
            "kind": _enum(framework.ids("kinds"), "Kind of record"),
            "sectors": _list_of(framework.ids("sectors"), "Education sectors"),
            "themes": _list_of(framework.ids("themes"), "Themes (Term)"),
            "summary": _text("One or two sentences shown in lists and search results"),
            "body": _text("Description in Markdown (no raw HTML)"),
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["label", "url"],
                    "properties": {
                        "label": _text("Link text"),
                        "url": {
                            "type": "string",
                            "pattern": URL_PATTERN,
                            "x-expected": "an https://, http:// or mailto: address",
                        },
                    },
                },
            },
            "quality": {
                "type": "object",
                "additionalProperties": False,
                "required": [c.id for c in framework.criteria],
                "properties": quality,
                "description": "Kwaliteitskader",
            },
            "guidance": {
                "type": "array",
                "uniqueItems": True,
                "items": GUIDANCE_REF,
                "description": "Recommendations and tips this initiative puts into practice",
            },
            "status": _enum(framework.ids("statuses"), "Status"),
            "last_reviewed": {
                "type": "string",
                "pattern": FULL_DATE_PATTERN,
                "x-expected": "a date as YYYY-MM-DD",
            },
            "example": {"type": "boolean", "description": "true for fictional example records"},
            "previous_slugs": {
                "type": "array",
                "uniqueItems": True,
                "items": {
                    "type": "string",
                    "pattern": SLUG_PATTERN,
                    "x-expected": "a lowercase-hyphenated slug",
                },
                "description": "Former file names; the old URLs redirect here",
            },
        },
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


def check(doc: Document, validator: Draft202012Validator, rule: str = "schema") -> list[Finding]:
    """Every schema violation in a document, as located findings (all of them, in file order)."""
    findings = []
    for error in validator.iter_errors(doc.data):
        for path, message in _translate(doc, error):
            findings.append(doc.finding(path, message, rule))
    return sorted(set(findings))
