"""Read the guidance sets (recommendations, tips): `content/guidance/<set>.yml`, one file a set.

A new set needs only a new data file: its pages, overview, cross-links and exports follow. The
check stage (`check.guidance`) says whether a set is well formed.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import FindingsError
from ..findings import Finding
from .load import Document, load_file


def item_id(set_id: str, number: int) -> str:
    return f"{set_id}/{number:02d}"


def guidance_ids(docs: list[Document]) -> set[str]:
    """The id of every item in these (well-formed) guidance set documents."""
    return {item_id(d.data["id"], it["number"]) for d in docs for it in d.data["items"]}


def read_guidance(directory: Path, root: Path) -> tuple[list[Document], list[Finding]]:
    """Every guidance set file that parses, and a finding for each one that does not."""
    docs, findings = [], []
    for file in sorted(directory.glob("*.yml")):
        try:
            docs.append(load_file(file, root))
        except FindingsError as exc:
            findings += exc.findings
    return docs, findings
