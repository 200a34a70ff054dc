"""JSON Schema errors as located, editor-friendly findings (used for records, guidance sets and
the framework's own files alike).

Two engines, one set of findings, through `SchemaValidator`: `jsonschema_rs` (about a hundred
times faster) says whether a document is valid; `jsonschema` is the reference. Records,
thousands at a time, have the fast engine's errors read in the shape of the reference's, so
every message is the same (tests/test_schema_engines.py holds them to that); guidance sets and
the framework's files have their errors from the reference itself. The reference is imported
only when a document has errors (it and its schemas took a fifth of a second of each command).
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from .findings import Finding, Fix
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


def _plain(text: str) -> str:
    """Text without case and accents: 'Suïcidepreventie' -> 'suicidepreventie'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(text: str) -> str:
    """What makes a typed label the same as the framework's: case, accents, spacing, a final
    full stop."""
    return " ".join(_plain(text).strip().rstrip(".").split())


def id_for_label(found: Any, schema: dict) -> str | None:
    """The id whose label (or id) `found` is, when the schema lists labels (`x-labels`)."""
    labels = schema.get("x-labels")
    if not labels or not isinstance(found, str):
        return None
    matches = [i for i, label in labels.items() if _key(found) in (_key(label), _key(i))]
    return matches[0] if len(matches) == 1 else None


def close_term(found: Any, options: list, labels: dict[str, str] | None = None) -> str:
    """A "; bedoel je 'id'?" hint when `found` is close to one option's id, or the start of
    exactly one; "; bedoel je 'id' (Label)?" when it is close to that option's label; else ""."""
    if not isinstance(found, str) or not found.strip():
        return ""
    labels = labels or {}
    names: dict[str, tuple[str, str]] = {}  # what an option is called (plain) -> (id, label)
    for option in map(str, options):
        names.setdefault(_key(option), (option, ""))
        if option in labels:
            names.setdefault(_key(labels[option]), (option, labels[option]))
    typed = _key(found)
    starts = {names[n] for n in names if len(typed) >= 3 and n.startswith(typed)}
    if len({chosen for chosen, _ in starts}) == 1:
        chosen, label = min(starts)
    elif close := difflib.get_close_matches(typed, list(names), n=1, cutoff=0.6):
        chosen, label = names[close[0]]
    else:
        return ""
    return f"; bedoel je '{chosen}'" + (f" ({label})?" if label else "?")


#: an address typed without its scheme: www.example.nl/..., or example.nl/...
_WEB_ADDRESS = re.compile(
    r"(?:www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#][^\s<>\"]*)?"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/[^\s<>\"]*)",
    re.IGNORECASE,
)


def web_address(found: Any) -> str | None:
    """'www.example.nl/pagina' -> 'https://www.example.nl/pagina': a web address typed without
    `https://` (offered as a fix, never added silently); None for anything else."""
    if isinstance(found, str) and _WEB_ADDRESS.fullmatch(found):
        return "https://" + found
    return None


def _as_list(found: Any, schema: dict) -> str | None:
    """'Coronagerelateerd, studentenwelzijn' typed where a list of ids belongs -> '[a, b]'."""
    items = schema.get("items", {})
    if not isinstance(found, str) or "x-labels" not in items:
        return None
    ids = [id_for_label(part, items) for part in found.split(",")]
    return f"[{', '.join(ids)}]" if ids and all(ids) else None


def _suggested(found: Any, schema: dict) -> str | None:
    """What the editor meant, where `x-format` says what belongs: a date as the record writes
    it for a Dutch one ('augustus 2019' -> '2019-08'), an address with its `https://`."""
    if schema.get("x-format") == "url":
        return web_address(found)
    if schema.get("x-format") not in ("date", "full-date") or not isinstance(found, str):
        return None
    date = parse_dutch(found)
    if date is None or (schema["x-format"] == "full-date" and not date.day):
        return None
    return date.iso


#: more unknown names than this in one mapping, and none is taken for a misspelling
RENAMES_MAX = 20


def _renames(found: Any, schema: dict) -> dict[str, str]:
    """Unknown names in the mapping `found` that are a misspelling of exactly one known field it
    does not have ('sumary' -> 'summary'), and the only one of that field."""
    if not isinstance(found, dict):
        return {}
    known = schema.get("properties", {})
    unknown = [name for name in found if name not in known]
    if not unknown or len(unknown) > RENAMES_MAX:
        return {}  # (thousands of unknown names are no misspelling)
    absent = [name for name in known if name not in found]
    renames = {}
    for name in unknown:
        close = difflib.get_close_matches(name, absent, n=2, cutoff=0.8)
        if len(close) == 1:
            renames[name] = close[0]
    targets = Counter(renames.values())
    return {name: field for name, field in renames.items() if targets[field] == 1}


def _rename(doc: Document, path: tuple, new: str | None) -> Fix | None:
    """The fix that renames the field at `path` to `new` (its name as typed, unquoted)."""
    if new is None or path not in doc.positions:
        return None
    line, col = doc.positions[path]
    return Fix(line, col, str(path[-1]), new)


def _translate(doc: Document, error, rule: str) -> list[Finding]:
    """The findings for one jsonschema error."""
    path = tuple(error.absolute_path)
    kind, schema, found = error.validator, error.schema, error.instance

    def at(message: str, new: str | None = None, keep_quotes: bool = True) -> list[Finding]:
        fix = doc.fix(path, new, keep_quotes) if new else None
        hint = f"; schrijf {new}" if new else ""
        return [doc.finding(path, message + hint, rule, fix=fix)]

    if kind == "required":
        renamed = set(_renames(found, schema).values())  # said once, at the misspelt name
        missing = [n for n in error.validator_value if n not in found and n not in renamed]
        message = "verwacht dit veld, gevonden: het ontbreekt"
        return [doc.finding((*path, name), message, rule) for name in missing]
    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        renames = _renames(found, schema)
        return [
            doc.finding(
                (*path, k),
                f"verwacht een van de bekende velden, gevonden het onbekende veld '{k}'"
                + (f"; bedoel je '{renames[k]}'?" if k in renames else did_you_mean(k, known)),
                rule,
                on_key=True,
                fix=_rename(doc, (*path, k), renames.get(k)),
            )
            for k in found
            if k not in known
        ]
    if kind == "enum":
        options = error.validator_value
        message = f"verwacht een van [{', '.join(map(str, options))}], gevonden {_shown(found)}"
        if chosen := id_for_label(found, schema):
            return at(message + f" (het label van '{chosen}')", chosen)
        return at(message + close_term(found, options, schema.get("x-labels")))
    if kind == "type" and (as_list := _as_list(found, schema)):
        return at(f"verwacht een lijst, gevonden {_shown(found)}", as_list, keep_quotes=False)
    if kind in ("type", "minimum", "maximum", "pattern") and "x-expected" in schema:
        return at(
            f"verwacht {schema['x-expected']}, gevonden {_shown(found)}", _suggested(found, schema)
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
    """A compiled schema with two engines: `jsonschema_rs` decides (and, with `read_fast`,
    locates), `jsonschema` (the reference) gives the errors wherever the fast engine's cannot be
    read the same way, or (without `read_fast`) always."""

    def __init__(self, schema: dict, *, read_fast: bool = True):
        self.schema = schema
        self.read_fast = read_fast
        self.fast = jsonschema_rs.validator_for(schema)

    @functools.cached_property
    def reference(self):
        """The reference engine, made (and imported) when it is first needed."""
        from jsonschema import Draft202012Validator

        return Draft202012Validator(self.schema)

    def errors(self, data: Any) -> list:
        """Every violation in `data`, each with the attributes `_translate` reads."""
        if os.environ.get(ENGINE_VARIABLE) == "jsonschema":
            return list(self.reference.iter_errors(data))
        try:
            if self.fast.is_valid(data):
                return []
            if not self.read_fast:
                return list(self.reference.iter_errors(data))
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
    doc: Document, validator: SchemaValidator, rule: str = "schema"
) -> list[Finding]:
    """Every schema violation in a document, as located findings (all of them, in file order)."""
    findings = []
    for error in validator.errors(doc.data):
        findings += _translate(doc, error, rule)
    return sorted(set(findings))
