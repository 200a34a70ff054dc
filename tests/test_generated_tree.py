"""The one writer of the folders the build keeps between builds (publish/output.py
`GeneratedTree`: the docs tree, for the build and the preview alike, and Pagefind's input): only
files whose content changed are written, a tree kept between renders tells what changed without
reading back, and pruning removes what is no longer part of it."""

from __future__ import annotations

from pathlib import Path

from kennisbank_gen.publish.output import MARKER, GeneratedTree, owned_tree


def test_only_changed_files_are_written_and_a_kept_tree_does_not_read_back(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text("zelfde", encoding="utf-8")
    tree = GeneratedTree(tmp_path)
    assert tree.write({"a.md": "zelfde", "map/b.md": "nieuw"}) == {"map/b.md"}
    assert GeneratedTree(tmp_path).write({"a.md": "zelfde", "map/b.md": "nieuw"}) == set()
    reads: list[Path] = []
    monkeypatch.setattr(GeneratedTree, "_on_disk", staticmethod(lambda p: reads.append(p)))
    assert tree.write({"a.md": "anders", "map/b.md": "nieuw", "c.bib": b"@misc{}"}) == {
        "a.md",
        "c.bib",
    }
    assert reads == [tmp_path / "c.bib"]  # known files compared by digest, not read back
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "anders"


def test_pruning_removes_what_is_not_wanted_and_the_folders_it_empties(tmp_path):
    tree = GeneratedTree(owned_tree(tmp_path))
    tree.write({"a.md": "a", "oud/b.md": "b", "oud/diep/c.md": "c", "blijft/d.md": "d"})
    assert tree.prune({"a.md", "blijft/d.md"}) == {"oud/b.md", "oud/diep/c.md"}
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        MARKER,
        "a.md",
        "blijft",
        "blijft/d.md",
    ]
    assert set(tree.known) == {"a.md", "blijft/d.md"}
    assert tree.write({"oud/b.md": "b"}) == {"oud/b.md"}  # forgotten: written again
