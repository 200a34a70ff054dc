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


def test_pruning_keeps_folders_with_wanted_files_below_and_never_follows_a_link(tmp_path):
    """A folder whose own files all go stays while a wanted file lies deeper; a link (to a
    folder outside the tree, or dangling) is removed as a file, and what it points at is left."""
    outside = tmp_path / "buiten"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "x.md").write_text("x", encoding="utf-8")
    tree = GeneratedTree(owned_tree(tmp_path / "boom"))
    tree.write({"top/weg.md": "1", "top/midden/blijft.md": "2", "leeg/a/b/c.md": "3"})
    (tree.directory / "top" / "link").symlink_to(outside, target_is_directory=True)
    (tree.directory / "stuk").symlink_to(tmp_path / "bestaat-niet")
    removed = tree.prune({"top/midden/blijft.md"})
    assert removed == {"top/weg.md", "top/link", "stuk", "leeg/a/b/c.md"}
    left = sorted(p.relative_to(tree.directory).as_posix() for p in tree.directory.rglob("*"))
    assert left == [MARKER, "top", "top/midden", "top/midden/blijft.md"]
    assert (outside / "sub" / "x.md").read_text(encoding="utf-8") == "x"
