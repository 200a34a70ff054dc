"""load_file reads as much as the file holds, not a buffer of MAX_BYTES per file; a file that
grows between looking and reading is still read in full, and never past MAX_BYTES."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kennisbank_gen.errors import FindingsError
from kennisbank_gen.read import load
from kennisbank_gen.read.load import load_file


def _looks_smaller(monkeypatch, file: Path, size: int) -> None:
    """lstat says `size` bytes, as if the file grew after it was looked at."""
    real = Path.lstat

    def lstat(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        if self == file:
            fields = list(result)
            fields[6] = size  # st_size
            return os.stat_result(fields)
        return result

    monkeypatch.setattr(Path, "lstat", lstat)


def test_a_file_that_grew_is_read_in_full(tmp_path, monkeypatch):
    file = tmp_path / "groeit.yml"
    file.write_text("title: " + "x" * 5000 + "\nkind: praktijkvoorbeeld\n", encoding="utf-8")
    _looks_smaller(monkeypatch, file, 10)
    doc = load_file(file, tmp_path)
    assert doc.data == {"title": "x" * 5000, "kind": "praktijkvoorbeeld"}
    assert doc.positions[("kind",)] == (2, 1)


def test_a_file_that_grew_too_big_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    file = tmp_path / "groeit.yml"
    file.write_text("title: " + "x" * 5000 + "\n", encoding="utf-8")
    _looks_smaller(monkeypatch, file, 10)
    with pytest.raises(FindingsError) as caught:
        load_file(file, tmp_path)
    [finding] = caught.value.findings
    assert finding.message == "verwacht een bestand kleiner dan 1.000 bytes, gevonden 5.008 bytes"
