"""Exports and addresses: framework ids are whole words (no line break after them), and every
address of the site has one owner (the address table, `check/addresses.py`)."""

from __future__ import annotations

import re

import pytest
from test_hostile import assert_no_crash, kennisbank


def edit(file, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("vocabulary", ["themes"])
def test_a_framework_id_with_a_final_line_break_is_refused(project, vocabulary):
    """`$` matches before a final line break: "preventie\\n" was an id, and `validate --fix`
    then wrote raw line breaks into records, round after round."""
    edit(
        project / "quality_framework" / "vocabularies.yml",
        "{id: preventie, label: Preventie}",
        '{id: "preventie\\n", label: Preventie}',
    )
    result = kennisbank("validate", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2, result.stderr
    assert re.search(
        r"quality_framework/vocabularies\.yml:\d+:\d+: themes\[\d+\]\.id: ", result.stderr
    )
