"""JSON Schema errors as located, editor-friendly findings (used for records, guidance sets and
the framework's own files alike).

Two engines, one set of findings: `jsonschema` is the reference (guidance sets and the framework
use it directly); records, thousands at a time, go through `SchemaValidator`, which asks
`jsonschema_rs` (about a hundred times faster) and reads its errors in the shape of the
reference's, so every message is the same (tests/test_schema_engines.py holds them to that).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from .findings import Finding
from .read.dates import parse_dutch
from .read.load import Document

_TYPE_NAMES = {
    "string": "tekst",
    "array": "een lijst",
    "object": "velden (naam: waarde)",
    "boolean": "true of false",
    "integer": "een geheel getal",
    "number": "een getal",
    "null": "niets",
}


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "velden (naam: waarde)"
    if value is None:
        return "niets"
    return repr(value)


def did_you_mean(found: Any, options, cutoff: float = 0.6) -> str:
    """A "; bedoel je 'x'?" hint when `found` is close to one of the options, else ""."""
    if not isinstance(found, str):
        return ""
    close = difflib.get_close_matches(found, [str(o) for o in options], n=1, cutoff=cutoff)
    return f"; bedoel je '{close[0]}'?" if close else ""


def _key(text: str) -> str:
    """What makes a typed label the same as the framework's: case, spacing, a final full stop."""
    return " ".join(text.casefold().strip().rstrip(".").split())


def id_for_label(found: Any, schema: dict) -> str | None:
    """The id whose label (or id) `found` is, when the schema lists labels (`x-labels`)."""
    labels = schema.get("x-labels")
    if not labels or not isinstance(found, str):
        return None
    matches = [i for i, label in labels.items() if _key(found) in (_key(label), _key(i))]
    return matches[0] if len(matches) == 1 else None


def _as_list(found: Any, schema: dict) -> str | None:
    """'Coronagerelateerd, studentenwelzijn' typed where a list of ids belongs -> '[a, b]'."""
    items = schema.get("items", {})
    if not isinstance(found, str) or "x-labels" not in items:
        return None
    ids = [id_for_label(part, items) for part in found.split(",")]
    return f"[{', '.join(ids)}]" if ids and all(ids) else None


def _dated(found: Any, schema: dict) -> str | None:
    """A Dutch date ('augustus 2019') typed where `x-format: date` belongs -> '2019-08'."""
    if schema.get("x-format") not in ("date", "full-date") or not isinstance(found, str):
        return None
    date = parse_dutch(found)
    if date is None or (schema["x-format"] == "full-date" and not date.day):
        return None
    return date.iso


def _translate(doc: Document, error, rule: str) -> list[Finding]:
    """The findings for one jsonschema error."""
    path = tuple(error.absolute_path)
    kind, schema, found = error.validator, error.schema, error.instance

    def at(message: str, new: str | None = None, keep_quotes: bool = True) -> list[Finding]:
        fix = doc.fix(path, new, keep_quotes) if new else None
        hint = f"; schrijf {new}" if new else ""
        return [doc.finding(path, message + hint, rule, fix=fix)]

    if kind == "required":
        missing = [name for name in error.validator_value if name not in found]
        message = "verwacht dit veld, gevonden: het ontbreekt"
        return [doc.finding((*path, name), message, rule) for name in missing]
    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extra = [k for k in found if k not in known]
        return [
            doc.finding(
                (*path, k),
                f"verwacht een van de bekende velden, gevonden het onbekende veld '{k}'"
                + did_you_mean(k, known),
                rule,
                on_key=True,
            )
            for k in extra
        ]
    if kind == "enum":
        options = error.validator_value
        message = f"verwacht een van [{', '.join(map(str, options))}], gevonden {_shown(found)}"
        if chosen := id_for_label(found, schema):
            return at(message + f" (het label van '{chosen}')", chosen)
        return at(message + did_you_mean(found, options))
    if kind == "type" and (as_list := _as_list(found, schema)):
        return at(f"verwacht een lijst, gevonden {_shown(found)}", as_list, keep_quotes=False)
    if kind in ("type", "minimum", "maximum", "pattern") and "x-expected" in schema:
        return at(
            f"verwacht {schema['x-expected']}, gevonden {_shown(found)}", _dated(found, schema)
        )
    if kind == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else expected
        wanted = " of ".join(_TYPE_NAMES.get(n, n) for n in names)
        return at(f"verwacht {wanted}, gevonden {_shown(found)}")
    if kind == "pattern":
        return at(
            f"verwacht tekst volgens het patroon {error.validator_value}, gevonden {_shown(found)}"
        )
    if kind == "minItems":
        return at(f"verwacht minstens {error.validator_value} waarde(n), gevonden {len(found)}")
    if kind == "uniqueItems":
        return at("verwacht elke waarde één keer, gevonden een waarde twee keer")
    if kind == "minLength":
        return at(f"verwacht minstens {error.validator_value} teken(s), gevonden {len(found)}")
    if kind == "maxLength":
        return at(f"verwacht hoogstens {error.validator_value} tekens, gevonden {len(found)}")
    return at(f"verwacht een waarde volgens het schema ({kind}), gevonden {_shown(found)}")


#: set to "jsonschema" to check records with the reference engine (tests and benchmarks only)
ENGINE_VARIABLE = "KENNISBANK_SCHEMA_ENGINE"


@dataclass(frozen=True)
class _Error:
    """What `_translate` reads of an error, as `jsonschema.ValidationError` names it."""

    absolute_path: tuple[str | int, ...]
    validator: str
    schema: dict
    validator_value: Any
    instance: Any


class SchemaValidator:
    """A compiled schema with two engines: `jsonschema_rs` decides and locates, `jsonschema`
    (the reference) takes over wherever the fast engine's error cannot be read the same way."""

    def __init__(self, schema: dict):
        self.schema = schema
        self.reference = Draft202012Validator(schema)
        self.fast = jsonschema_rs.validator_for(schema)

    def errors(self, data: Any) -> list:
        """Every violation in `data`, each with the attributes `_translate` reads."""
        if os.environ.get(ENGINE_VARIABLE) == "jsonschema":
            return list(self.reference.iter_errors(data))
        try:
            if self.fast.is_valid(data):
                return []
            errors = [self._read(error, data) for error in self.fast.iter_errors(data)]
        except ValueError:  # a value the fast engine cannot take: the reference can
            return list(self.reference.iter_errors(data))
        if any(error is None for error in errors):
            return list(self.reference.iter_errors(data))
        return errors

    def _read(self, error, data: Any) -> _Error | None:
        """A jsonschema_rs error in the reference's shape: the keyword is the last step of its
        schema path, the schema the object that holds it; None if that path leads nowhere."""
        *where, keyword = error.schema_path or ("",)
        schema: Any = self.schema
        for step in where:
            if not isinstance(schema, dict) or step not in schema:
                return None  # (the record schema has no lists of schemas: allOf, prefixItems)
            schema = schema[step]
        if not isinstance(schema, dict) or keyword not in schema:
            return None
        instance = data
        for step in error.instance_path:
            instance = instance[step]
        path = tuple(error.instance_path)
        return _Error(path, keyword, schema, schema[keyword], instance)


def schema_findings(
    doc: Document, validator: Draft202012Validator | SchemaValidator, rule: str = "schema"
) -> list[Finding]:
    """Every schema violation in a document, as located findings (all of them, in file order)."""
    if isinstance(validator, SchemaValidator):
        errors = validator.errors(doc.data)
    else:
        errors = validator.iter_errors(doc.data)
    findings = []
    for error in errors:
        findings += _translate(doc, error, rule)
    return sorted(set(findings))
