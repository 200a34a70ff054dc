"""The generated records (tests/generated_records.py) are what they promise: records `validate`
accepts, of every kind an editor writes, the same ones for the same seed. (That every test stays
green with them added is the rest of the suite.)"""

from __future__ import annotations

import re

import pytest
from conftest import REPO, TODAY, copy_fixture_project
from generated_records import FIXED_SEED, PER_SEED, assert_accepted, generated_files

from kennisbank_gen.check.record_schema import record_schema
from kennisbank_gen.read.load import load_text
from kennisbank_gen.read.project import read_project


@pytest.fixture(scope="module")
def batch() -> dict[str, str]:
    return generated_files(REPO, [FIXED_SEED], TODAY)


def kinds(files: dict[str, str]) -> set[str]:
    """What kinds of record (and of YAML) the files hold."""
    framework = read_project(REPO).framework
    schema = record_schema(framework)
    seen = set()
    for name, text in files.items():
        data = load_text(text, name).data
        seen.add("schema line" if text.startswith("# yaml-language-server") else "no schema line")
        seen.add("flow lists" if re.search(r"^themes: \[", text, re.M) else "block lists")
        seen |= {
            f"{field} {'present' if field in data else 'absent'}" for field in schema["properties"]
        }
        for c in framework.criteria:
            chosen = data["quality"].get(c.id)
            seen.add(f"{c.id} {'known' if chosen else 'left out'}")
            if isinstance(chosen, list) and len(chosen) > 1:
                seen.add(f"{c.id} several values")
        seen |= {"quality: {}"} if data["quality"] == {} else set()
        seen |= {"quote in title"} if re.search("[\"'“”‘’«»]", data["title"]) else set()
        seen |= {"title beyond ASCII"} if not data["title"].isascii() else set()
        seen |= {"long summary"} if len(data["summary"]) > 300 else set()
        seen |= {"year as a number"} if re.search(r"^date: [0-9]{4}$", text, re.M) else set()
        seen |= {"links: []"} if data.get("links") == [] else set()
    return seen


def test_the_fixed_seed_gives_every_kind_of_record(batch):
    assert len(batch) == PER_SEED
    framework = read_project(REPO).framework
    schema = record_schema(framework)
    optional = [f for f in schema["properties"] if f not in schema["required"]]
    expected = {f"{f} {state}" for f in optional for state in ("present", "absent")}
    expected |= {
        f"{c.id} {s}" for c in framework.criteria if c.unknown for s in ("known", "left out")
    }
    expected |= {f"{c.id} several values" for c in framework.criteria if c.multiple}
    expected |= {"schema line", "no schema line", "flow lists", "block lists", "quality: {}"}
    expected |= {"quote in title", "title beyond ASCII", "long summary", "year as a number"}
    missing = expected - kinds(batch)
    assert not missing, f"seed {FIXED_SEED} no longer makes {missing}: choose another FIXED_SEED"


def test_the_same_seed_gives_the_same_records(batch):
    assert generated_files(REPO, [FIXED_SEED], TODAY) == batch


def test_validate_accepts_them_in_any_project(batch, tmp_path):
    """Also beside the tests' own project's records (no title, slug or address taken twice)."""
    root = copy_fixture_project(tmp_path / "project")
    files = generated_files(root, [FIXED_SEED, FIXED_SEED + 1], TODAY)
    assert len(files) == 2 * PER_SEED
    for name, text in files.items():
        (root / "initiatives" / name).write_text(text, encoding="utf-8")
    assert_accepted(root, files, TODAY)
