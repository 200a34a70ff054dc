"""Check the guidance sets: each file against its schema, numbering and groups inside a set,
former paths and numbers that no live page uses, and `related` ids that exist."""

from __future__ import annotations

from pathlib import Path

from ..findings import Finding
from ..read.guidance import guidance_ids
from ..read.load import Document
from ..schema_errors import SchemaValidator, did_you_mean, schema_findings
from .record_schema import GUIDANCE_REF, SLUG_PATTERN

_TEXT = {"type": "string", "minLength": 1}
GUIDANCE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "title",
        "item_label",
        "item_label_plural",
        "path",
        "publisher",
        "year",
        "source_title",
        "source_url",
        "intro",
        "items",
    ],
    "properties": {
        "id": {"type": "string", "pattern": SLUG_PATTERN},
        "title": _TEXT,
        "item_label": _TEXT,
        "item_label_plural": _TEXT,
        "path": {
            "type": "string",
            "pattern": r"^[a-z0-9-]+(/[a-z0-9-]+)*(?!\n)$",
            "x-expected": "een pad zoals 'aanbevelingen/inspectie-2023'",
        },
        "publisher": _TEXT,
        "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
        "source_title": _TEXT,
        "source_url": {
            "anyOf": [{"type": "null"}, {"type": "string", "pattern": r"^https?://\S+(?!\n)$"}]
        },
        "initiative": {"type": "string", "pattern": SLUG_PATTERN},
        "intro": _TEXT,
        "previous_paths": {
            "type": "array",
            "items": {
                "type": "string",
                "pattern": r"^[a-z0-9-]+(/[a-z0-9-]+)*(?!\n)$",
                "x-expected": "een pad zoals 'aanbevelingen/inspectie-2023'",
            },
        },
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "label", "title", "description"],
                "properties": {
                    "id": {"type": "string", "pattern": SLUG_PATTERN},
                    "label": _TEXT,
                    "title": _TEXT,
                    "level": _TEXT,
                    "section": _TEXT,
                    "description": _TEXT,
                    "cycle": {"type": "boolean"},
                },
            },
        },
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["number", "title", "summary"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1, "maximum": 99},
                    "title": _TEXT,
                    "group": {"type": "string"},
                    "section": _TEXT,
                    "audience": {"type": "array", "items": _TEXT},
                    "summary": _TEXT,
                    "related": {
                        "type": "array",
                        "uniqueItems": True,
                        "items": GUIDANCE_REF,
                    },
                    "previous_numbers": {
                        "type": "array",
                        "items": {"type": "integer", "minimum": 1, "maximum": 99},
                    },
                },
            },
        },
    },
}


_GUIDANCE_VALIDATOR = SchemaValidator(GUIDANCE_SCHEMA, read_fast=False)


def well_formed(docs: list[Document]) -> tuple[list[Document], list[Finding]]:
    """The sets that fit the schema and are consistent inside, and the findings of the rest."""
    good, findings = [], []
    for doc in docs:
        problems = schema_findings(doc, _GUIDANCE_VALIDATOR) or _set_findings(doc)
        findings += problems
        if not problems:
            good.append(doc)
    return good, findings


def check_guidance(docs: list[Document]) -> list[Finding]:
    """Findings across well-formed sets: `related` ids that exist. (Their addresses, own and
    former, are in the address table: `addresses`.)"""
    findings: list[Finding] = []
    ids = guidance_ids(docs)
    for doc in docs:
        for i, item in enumerate(doc.data["items"]):
            for j, ref in enumerate(item.get("related", [])):
                if ref not in ids:
                    findings.append(
                        doc.finding(
                            ("items", i, "related", j),
                            f"verwacht een bestaand id van een aanbeveling of tip, gevonden '{ref}'"
                            + did_you_mean(ref, sorted(ids), 0.8),
                            "unknown-reference",
                        )
                    )
    return findings


def _set_findings(doc: Document) -> list[Finding]:
    """Checks inside one set: id matches file name, numbers 1..N, groups exist."""
    data, findings = doc.data, []
    stem = Path(doc.path).stem
    if data["id"] != stem:
        findings.append(
            doc.finding(("id",), f"verwacht de bestandsnaam '{stem}', gevonden '{data['id']}'")
        )
    group_ids = [g["id"] for g in data.get("groups", [])]
    for i, item in enumerate(data["items"]):
        if item["number"] != i + 1:
            findings.append(
                doc.finding(
                    ("items", i, "number"),
                    f"verwacht {i + 1} (genummerd 1..N op volgorde), gevonden {item['number']}",
                )
            )
        group = item.get("group")
        if group_ids and group not in group_ids:
            findings.append(
                doc.finding(
                    ("items", i, "group"),
                    f"verwacht een van [{', '.join(group_ids)}], gevonden {group!r}",
                )
            )
        if not group_ids and group is not None:
            findings.append(
                doc.finding(
                    ("items", i, "group"),
                    f"verwacht geen groep (de set heeft geen groepen), gevonden {group!r}",
                )
            )
    return findings
