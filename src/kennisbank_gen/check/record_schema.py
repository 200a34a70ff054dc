"""The record's JSON Schema (Draft 2020-12), derived from the quality framework, and the patterns
that records and guidance sets share."""

from __future__ import annotations

import functools

from ..read.framework import Framework
from ..schema_errors import SchemaValidator
from .fields import FIELDS
from .slugs import PREVIOUS_URL_PATTERN, SLUG_PATTERN

__all__ = ["SLUG_PATTERN"]  # shared with guidance sets and the web form

SCHEMA_ID = "https://kennisbank.invalid/schema/initiative.schema.json"
#: `(?!\n)$`: Python's `$` also matches before a final line break (`"slug\n"` would pass);
#: in JSON Schema (ECMA-262) `$` never does, so there the lookahead changes nothing
DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?(?!\n)$"
FULL_DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(?!\n)$"
#: http(s) in any case (`HTTPS://` is a valid address); mailto: one address, no `?cc=`/`?bcc=`
URL_PATTERN = (
    r'^([Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#<>"][^\s<>"]*'
    r'|[Mm][Aa][Ii][Ll][Tt][Oo]:[^\s@<>"?&]+@[^\s@<>"?&]+)(?!\n)$'
)
GUIDANCE_REF_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*/[0-9]{2}(?!\n)$"

#: a reference to a recommendation or tip, as records and guidance sets write it
GUIDANCE_REF = {
    "type": "string",
    "pattern": GUIDANCE_REF_PATTERN,
    "x-expected": "een id van een aanbeveling of tip zoals 'inspectie-2023/07'",
}


def _enum(terms, description: str) -> dict:
    """One id of `terms` (vocabulary terms or criterion values); `x-labels` lets a finding turn a
    typed label into its id."""
    return {
        "enum": [t.id for t in terms],
        "x-labels": {t.id: t.label for t in terms},
        "description": description,
    }


def _list_of(terms, description: str) -> dict:
    return {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": _enum(terms, description),
        "description": description,
    }


def _text(description: str, min_length: int = 1, **extra) -> dict:
    return {"type": "string", "minLength": min_length, "description": description, **extra}


@functools.cache
def record_validator(framework: Framework) -> SchemaValidator:
    """The compiled record schema of a framework (made once per framework object)."""
    return SchemaValidator(record_schema(framework))


def record_schema(framework: Framework) -> dict:
    """The JSON Schema every initiative record must satisfy, derived from the framework."""
    quality = {}
    for c in framework.criteria:
        ids = [v.id for v in c.values]
        quality[c.id] = (
            _list_of(c.values, f"{c.label}: {c.question} Een of meer van {ids}.")
            if c.multiple
            else _enum(c.values, f"{c.label}: {c.question} Eén van {ids}.")
        )
        if c.unknown:
            quality[c.id]["description"] += " Laat het weg als de bron het niet noemt."
    schema = _schema(framework, quality)
    for name, prop in schema["properties"].items():  # what editors' YAML extensions show
        prop["description"] = FIELDS[name].help
    return schema


def _schema(framework: Framework, quality: dict) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Kennisbank Studentenwelzijn: record van een initiatief",
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "initiators", "date", "kind", "themes", "summary", "body", "quality"],
        "properties": {
            "title": _text("Titel", 3, maxLength=200),
            "initiators": {
                "type": "array",
                "minItems": 1,
                "items": _text("Een organisatie die het initiatief uitvoert of uitgeeft"),
                "description": "Initiatiefnemer(s)",
            },
            "date": {
                # `date: 2023` is read by YAML as a number: a year, accepted as such
                "type": ["string", "integer"],
                "pattern": DATE_PATTERN,
                "minimum": 1000,
                "maximum": 9999,
                "x-expected": "een datum als JJJJ, JJJJ-MM of JJJJ-MM-DD",
                "x-format": "date",
                "description": "Datum initiatief: YYYY, YYYY-MM or YYYY-MM-DD",
            },
            "kind": _enum(framework.vocabularies["kinds"], "Soort"),
            "sectors": _list_of(framework.vocabularies["sectors"], "Sector"),
            "themes": _list_of(framework.vocabularies["themes"], "Term (thema)"),
            "summary": _text("Samenvatting"),
            "body": _text("Beschrijving"),
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["label", "url"],
                    "properties": {
                        "label": _text("De linktekst"),
                        "url": {
                            "type": "string",
                            "pattern": URL_PATTERN,
                            "x-expected": "een adres dat begint met https://, http:// of mailto:",
                            "x-format": "url",
                        },
                    },
                },
            },
            "quality": {
                "type": "object",
                "additionalProperties": False,
                "required": [c.id for c in framework.criteria if not c.unknown],
                "properties": quality,
                "description": "Kwaliteitskader",
            },
            "guidance": {
                "type": "array",
                "uniqueItems": True,
                "items": GUIDANCE_REF,
                "description": "Recommendations and tips this initiative puts into practice",
            },
            "status": _enum(framework.vocabularies["statuses"], "Status"),
            "last_reviewed": {
                "type": "string",
                "pattern": FULL_DATE_PATTERN,
                "x-expected": "een datum als JJJJ-MM-DD",
                "x-format": "full-date",
            },
            "example": {"type": "boolean", "description": "true for fictional example records"},
            "previous_slugs": {
                "type": "array",
                "uniqueItems": True,
                "items": {
                    "type": "string",
                    "pattern": SLUG_PATTERN,
                    "x-expected": "een slug in kleine letters met streepjes",
                },
                "description": "Former file names; the old URLs redirect here",
            },
            "previous_urls": {
                "type": "array",
                "uniqueItems": True,
                "items": {
                    "type": "string",
                    "pattern": PREVIOUS_URL_PATTERN,
                    "x-expected": "een adres van de oude site zoals '/onderzoek/mijn-initiatief/'",
                },
                "description": "Former addresses on the live site; each redirects here",
            },
        },
    }
