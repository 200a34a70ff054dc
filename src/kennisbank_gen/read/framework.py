"""The quality framework as data: criteria with ordered value scales, vocabularies, rule severities.

Everything the validator and the site know about criteria and vocabularies comes from
`quality_framework/*.yml`; changing those files changes validation and pages, not code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, FindingsError
from ..schema_errors import SchemaValidator, schema_findings
from .load import Document, load_file

VOCABULARIES = ("themes", "sectors", "kinds", "statuses")
#: the vocabularies whose terms carry `zoektermen` (search terms editors maintain: synonyms, lay
#: words, common misspellings); pages tagged with a term are found by any of them
SEARCHABLE = ("themes", "sectors", "kinds")
#: what a criterion does: judge the initiative (evaluation, accessibility) or describe it
#: (duration, reach); the site shows the two apart, judgements first
KINDS = ("judgement", "description")
#: what the site shows, and the filter value, for a criterion a record leaves out (`unknown: true`)
UNKNOWN_ID = "niet-bekend"
UNKNOWN_LABEL = "Niet bekend"

#: anchored at both ends of the text, in both engines (schema_errors.py): `(?!\n)` because
#: Python's `$` also matches before a final line break, and "preventie\n" would become an id
_ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*(?!\n)$"}
_TEXT = {"type": "string", "minLength": 1}
_TERM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "label"],
    "properties": {"id": _ID, "label": _TEXT, "explanation": _TEXT},
}
#: one search term: words separated by single spaces, without the punctuation that would make it
#: two terms in one ("paniek, faalangst"); `(?!\n)$`: Python's `$` also matches before a final "\n"
_ZOEKTERM = {
    "type": "string",
    "pattern": r"^[^\s,;:.!?()\[\]{}\"/]+( [^\s,;:.!?()\[\]{}\"/]+)*(?!\n)$",
    "minLength": 2,
    "maxLength": 60,
    "x-expected": "één zoekterm (woorden met letters, cijfers, - of ', zonder komma; "
    "één per regel)",
}
_SEARCHABLE_TERM = _TERM | {
    "properties": _TERM["properties"] | {"zoektermen": {"type": "array", "items": _ZOEKTERM}}
}
_SEVERITY = {"enum": ["error", "warning"]}

CRITERIA_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["criteria"],
    "properties": {
        "criteria": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "id",
                    "label",
                    "question",
                    "explanation",
                    "multiple",
                    "severity",
                    "values",
                ],
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "question": _TEXT,
                    "explanation": _TEXT,
                    "multiple": {"type": "boolean"},
                    "unknown": {"type": "boolean"},
                    "kind": {"enum": list(KINDS)},
                    "severity": _SEVERITY,
                    "values": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["id", "label", "explanation"],
                            "properties": {
                                "id": _ID,
                                "label": _TEXT,
                                "short": _TEXT,
                                "explanation": _TEXT,
                                "exclusive": {"type": "boolean"},
                                "ranked": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        }
    },
}
VOCABULARIES_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": list(VOCABULARIES),
    "properties": {
        name: {
            "type": "array",
            "minItems": 1,
            "items": _SEARCHABLE_TERM if name in SEARCHABLE else _TERM,
        }
        for name in VOCABULARIES
    },
}
RULES_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rules"],
    "properties": {"rules": {"type": "object", "additionalProperties": _SEVERITY}},
}


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    #: what the term covers, shown on the framework page (optional)
    explanation: str = ""
    #: search terms: a page tagged with this term is found by each of them (SEARCHABLE only)
    zoektermen: tuple[str, ...] = ()


@dataclass(frozen=True)
class Value:
    id: str
    label: str
    explanation: str
    exclusive: bool = False
    #: a few words for the quality profile at the top of a page and on cards (default: label)
    short: str = ""
    #: False for a value that is no step on the scale, such as "Niet van toepassing"
    ranked: bool = True

    @property
    def short_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    question: str
    explanation: str
    multiple: bool
    severity: str
    values: tuple[Value, ...]
    #: a record may leave this criterion out when its source does not state it ("Niet bekend")
    unknown: bool = False
    #: "judgement" or "description" (KINDS)
    kind: str = "judgement"

    def value(self, value_id: str) -> Value:
        return next(v for v in self.values if v.id == value_id)

    @property
    def steps(self) -> int:
        """How many steps the ranked scale has (values with `ranked: false` are no step)."""
        return len(self._levels)

    @functools.cached_property
    def _levels(self) -> dict[Value, int]:
        ranked = [v for v in self.values if v.ranked]
        return {v: len(ranked) - n for n, v in enumerate(ranked)}

    def level(self, value: Value) -> int:
        """The value's step on the scale: `steps` for the strongest down to 1 for the weakest,
        0 for a value outside the scale. The scale runs strong to weak in the file, so the
        rank follows from the order and a framework change needs no code change."""
        return self._levels.get(value, 0)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Framework:
    criteria: tuple[Criterion, ...]
    vocabularies: dict[str, tuple[Term, ...]]
    rules: dict[str, str]

    def severity(self, rule: str) -> str:
        return self.rules.get(rule, "error")

    def term(self, vocabulary: str, term_id: str) -> Term:
        return next(t for t in self.vocabularies[vocabulary] if t.id == term_id)

    def ids(self, vocabulary: str) -> list[str]:
        return [t.id for t in self.vocabularies[vocabulary]]


def _checked(file: Path, schema: dict, root: Path) -> Document:
    try:
        doc = load_file(file, root)
    except FindingsError as exc:
        raise ConfigError(exc.findings) from None
    if findings := schema_findings(doc, SchemaValidator(schema, read_fast=False)):
        raise ConfigError(findings)
    return doc


def _unique_ids(doc: Document, items: list[dict], path: tuple) -> list:
    seen: set[str] = set()
    dupes = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            dupes.append(
                doc.finding(
                    (*path, i, "id"), f"verwacht een uniek id, gevonden '{item['id']}' twee keer"
                )
            )
        seen.add(item["id"])
    return dupes


def _unique_search_terms(doc: Document, name: str) -> list:
    """A search term twice in one term (ignoring case and spacing) is a slip: say where."""
    dupes = []
    for i, term in enumerate(doc.data[name]):
        seen: set[str] = set()
        for j, zoekterm in enumerate(term.get("zoektermen", ())):
            key = " ".join(zoekterm.casefold().split())
            if key in seen:
                message = f"verwacht elke zoekterm één keer, gevonden '{zoekterm}' twee keer"
                dupes.append(doc.finding((name, i, "zoektermen", j), message))
            seen.add(key)
    return dupes


def load_framework(directory: Path, root: Path | None = None) -> Framework:
    """Read criteria.yml, vocabularies.yml and rules.yml; raises ConfigError on any problem."""
    root = root or directory.parent
    criteria_doc = _checked(directory / "criteria.yml", CRITERIA_SCHEMA, root)
    vocab_doc = _checked(directory / "vocabularies.yml", VOCABULARIES_SCHEMA, root)
    rules_doc = _checked(directory / "rules.yml", RULES_SCHEMA, root)

    dupes = _unique_ids(criteria_doc, criteria_doc.data["criteria"], ("criteria",))
    for i, c in enumerate(criteria_doc.data["criteria"]):
        dupes += _unique_ids(criteria_doc, c["values"], ("criteria", i, "values"))
    for name in VOCABULARIES:
        dupes += _unique_ids(vocab_doc, vocab_doc.data[name], (name,))
    for name in SEARCHABLE:
        dupes += _unique_search_terms(vocab_doc, name)
    if dupes:
        raise ConfigError(dupes)

    criteria = tuple(
        Criterion(
            **{k: v for k, v in c.items() if k != "values"},
            values=tuple(Value(**v) for v in c["values"]),
        )
        for c in criteria_doc.data["criteria"]
    )
    vocabularies = {
        name: tuple(
            Term(**(t | {"zoektermen": tuple(t.get("zoektermen", ()))}))
            for t in vocab_doc.data[name]
        )
        for name in VOCABULARIES
    }
    return Framework(criteria, vocabularies, dict(rules_doc.data["rules"]))
