"""mkdocs.yml is data, the build deletes only what it made, and paths mean the same from anywhere.

A setting that could run code (hooks, plugins, Markdown extensions), read files (snippets) or
point the build at other folders (docs_dir, site_dir, the theme's folder) is a located Dutch
finding with exit code 2 in every command that reads mkdocs.yml, before anything is written or
deleted. Folders the build fills and prunes carry its marker; one without it is left alone.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import TODAY
from test_hostile import assert_no_crash, kennisbank

from kennisbank_gen.config import DOCS_DIR, SiteConfig, project_option, refusals
from kennisbank_gen.editors.preview import Preview
from kennisbank_gen.errors import BuildError, ConfigError
from kennisbank_gen.publish import build, recipe
from kennisbank_gen.publish.output import MARKER, GeneratedTree, check_in_site, owned_tree
from kennisbank_gen.read.load import load_text

LOCATED = re.compile(r"mkdocs\.yml:\d+:\d+: [\w.\[\]]*:? ?verwacht ")


def digest(directory: Path) -> dict[str, str]:
    """Every file under `directory` (links not followed) with a hash of its content."""
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(text: str) -> list[str]:
    return [f.text() for f in refusals(load_text(text, "mkdocs.yml"))]


#: (what is replaced in the bundled mkdocs.yml, by what, a word the finding holds)
REFUSED = {
    "hooks": ("plugins: []", "plugins: []\nhooks:\n  - hooks/pwn.py", "hooks"),
    "search-plugin": ("plugins: []", "plugins:\n  - search", "search"),
    "no-plugins-key": ("plugins: []", "", "plugins: []"),
    "snippets": (
        "  - tables\n",
        "  - tables\n  - pymdownx.snippets:\n      base_path: [/]\n",
        "pymdownx.snippets",
    ),
    "extension-by-module-path": ("  - tables\n", "  - markdown.extensions.meta\n", "meta"),
    "unknown-toc-option": ("      permalink: true\n", "      slugify: x\n", "slugify"),
    "empty-extra-javascript": (
        "extra_javascript:\n  - assets/kennisbank-search.js\n"
        "  - assets/kennisbank-a11y.js  # keyboard access to the navigation drawer on narrow "
        "screens\n  - assets/kennisbank-page.js  # citations: the visitor's date, the copy "
        "button; print addresses\n",
        "extra_javascript:\n",
        "extra_javascript",
    ),
    "off-site-script": (
        "extra_javascript:\n",
        "extra_javascript:\n  - https://evil.example/x.js\n",
        "evil.example",
    ),
    "css-outside": ("extra_css:\n", "extra_css:\n  - ../../etc/x.css\n", "x.css"),
    "docs-dir-parent": ("docs_dir: build/docs", "docs_dir: ../x", "docs_dir"),
    "docs-dir-root": ("docs_dir: build/docs", "docs_dir: .", "docs_dir"),
    "docs-dir-content": ("docs_dir: build/docs", "docs_dir: content", "docs_dir"),
    "docs-dir-records": ("docs_dir: build/docs", "docs_dir: initiatives", "docs_dir"),
    "docs-dir-absolute": ("docs_dir: build/docs", "docs_dir: /tmp", "docs_dir"),
    "no-docs-dir": ("docs_dir: build/docs\n", "", "docs_dir"),
    "site-dir-elsewhere": ("site_dir: site", "site_dir: initiatives", "site_dir"),
    "theme-dir-outside": ("custom_dir: overrides", "custom_dir: ../elders", "custom_dir"),
    "other-theme": ("name: material", "name: readthedocs", "readthedocs"),
    "watch": ("plugins: []", "plugins: []\nwatch: [/etc]", "watch"),
    "extra-templates": ("plugins: []", "plugins: []\nextra_templates: [x.html]", "extra_tem"),
    # (the build leaves out MkDocs' check of anchor links: at its default level, info, a build
    # never showed its findings; mkdocs_site.py)
    "validation": ("plugins: []", "plugins: []\nvalidation:\n  anchors: warn", "validation"),
    "directory-urls-off": ("use_directory_urls: true", "use_directory_urls: false", "use_dir"),
}


def test_the_bundled_mkdocs_yml_is_accepted():
    assert refused((Path(__file__).parent.parent / "mkdocs.yml").read_text("utf-8")) == []


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_each_refused_setting_is_a_located_dutch_finding(case):
    old, new, word = REFUSED[case]
    text = (Path(__file__).parent.parent / "mkdocs.yml").read_text("utf-8")
    assert old in text, old
    shown = refused(text.replace(old, new, 1))
    assert shown, case
    assert any(word in line for line in shown), shown
    assert all(LOCATED.match(line) for line in shown), shown


@pytest.mark.parametrize("case", ["docs-dir-parent", "docs-dir-root", "docs-dir-content", "hooks"])
def test_build_with_a_refused_setting_exits_2_and_touches_nothing(project, case):
    old, new, _ = REFUSED[case]
    outside = project.parent / "x"
    outside.mkdir()
    (outside / "bewaren.txt").write_text("niet van de build", encoding="utf-8")
    hooks = project / "hooks"
    hooks.mkdir()
    ran = project / "hook-ran"
    (hooks / "pwn.py").write_text(f"open({str(ran)!r}, 'w').close()\n", encoding="utf-8")
    edit(project / "mkdocs.yml", old, new)
    before = digest(project)
    result = kennisbank("build", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2, result.stderr
    assert LOCATED.search(result.stderr), result.stderr
    assert "mkdocs.yml is niet in orde" in result.stderr
    assert digest(project) == before and not ran.exists()
    assert not (project / "site").exists() and not (project / "build").exists()
    assert (outside / "bewaren.txt").read_text(encoding="utf-8") == "niet van de build"


@pytest.mark.parametrize("command", [["serve", "--dev-addr", "127.0.0.1:0"], ["cms"]])
def test_serve_and_cms_refuse_before_they_start(project, command):
    old, new, _ = REFUSED["empty-extra-javascript"]
    edit(project / "mkdocs.yml", old, new)  # gave serve a traceback
    result = kennisbank(*command, cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2, result.stderr
    assert re.search(r"mkdocs\.yml:\d+:\d+: extra_javascript: verwacht ", result.stderr)
    assert not (project / "build").exists()


def test_release_build_checks_the_settings_too(project):
    edit(project / "mkdocs.yml", *REFUSED["snippets"][:2])
    result = kennisbank("build", "--release", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 2 and "pymdownx.snippets" in result.stderr


def test_python_tags_stay_refused(project):
    ran = project / "tag-ran"
    edit(
        project / "mkdocs.yml",
        "  generator: false\n",
        f"  generator: !!python/object/apply:os.system ['touch {ran}']\n",
    )
    with pytest.raises(ConfigError) as exc:
        SiteConfig.from_mkdocs(project / "mkdocs.yml")
    (finding,) = exc.value.findings
    assert finding.path == "mkdocs.yml" and "!!python/object/apply:os.system" in finding.message
    assert not ran.exists()


# --- the build deletes only what it made -----------------------------------------------------


def test_a_docs_tree_the_build_did_not_make_is_left_alone(project):
    docs = project / DOCS_DIR
    docs.mkdir(parents=True)
    (docs / "eigen.md").write_text("van een mens", encoding="utf-8")
    with pytest.raises(BuildError, match=f"niet door kennisbank gemaakt.*{MARKER}"):
        build(project, today=TODAY)
    assert digest(docs) == {"eigen.md": hashlib.sha256(b"van een mens").hexdigest()}
    assert not (project / "site").exists()


@pytest.mark.parametrize("link", ["build/docs", "build"])
def test_a_docs_tree_behind_a_symbolic_link_is_refused(project, link):
    """build/docs -> content/ (or build -> a folder outside the project): nothing is pruned."""
    target = project / "content" if link == "build/docs" else project.parent / "elders"
    target.mkdir(exist_ok=True)
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(target, target_is_directory=True)
    before = digest(target)
    with pytest.raises(BuildError, match="symbolische link"):
        build(project, today=TODAY)
    assert digest(target) == before and not (target / MARKER).exists()


def test_a_site_dir_the_build_did_not_make_is_not_replaced(project):
    before = digest(project / "initiatives")
    result = kennisbank("build", "--site-dir", "initiatives", cwd=project)
    assert_no_crash(result)
    assert result.returncode == 1, result.stderr
    assert "niet door kennisbank gemaakt" in result.stderr
    assert digest(project / "initiatives") == before
    assert not (project / "build").exists()  # refused before the docs tree was written


def test_owned_folders_carry_the_marker_and_prune_refuses_others(tmp_path):
    made = owned_tree(tmp_path / "nieuw")
    assert (made / MARKER).is_file()
    (made / "weg.txt").write_text("x")
    GeneratedTree(made).prune(set())
    assert sorted(p.name for p in made.iterdir()) == [MARKER]
    foreign = tmp_path / "vreemd"
    foreign.mkdir()
    (foreign / "blijft.txt").write_text("x")
    with pytest.raises(BuildError):
        GeneratedTree(foreign).prune(set())
    assert (foreign / "blijft.txt").exists()
    empty = owned_tree(tmp_path / "leeg")  # an empty folder may become the build's
    assert (empty / MARKER).is_file()


def test_the_preview_docs_tree_follows_the_same_rule(project):
    """The preview writes its docs tree with the build's `GeneratedTree`, in a folder it owns: a
    docs tree it did not make stops it before anything is written."""
    foreign = project / DOCS_DIR
    foreign.mkdir(parents=True)
    (foreign / "blijft.md").write_text("x")
    said = []
    preview = Preview(project, 8081, report=said.append)
    assert not preview.start()
    assert "niet door kennisbank gemaakt" in " ".join(said)
    assert sorted(p.name for p in foreign.iterdir()) == ["blijft.md"]


# --- paths -----------------------------------------------------------------------------------


def test_a_relative_project_builds_the_same_site_from_another_folder(project):
    """`kennisbank build --project kb` from kb's parent: the pages land in kb/site/."""
    result = kennisbank("build", "--project", project.name, cwd=project.parent)
    assert_no_crash(result)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert (site / "index.html").is_file() and (site / "initiatieven" / "index.html").is_file()
    assert (site / MARKER).is_file()
    assert not (project / project.name).exists()  # nothing under kb/kb/
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.")] == [".site.lock"]


def test_pages_that_did_not_land_in_the_staged_site_stop_the_swap(project, monkeypatch):
    """The invariant before the swap: a site builder that writes its pages elsewhere (as MkDocs
    did with a relative site_dir) fails the build; the previous site stays."""
    site = owned_tree(project / "site")
    (site / "index.html").write_text("vorige site", encoding="utf-8")
    real = recipe.build_site

    def elsewhere(config_file, out_dir, pool):
        real(config_file, out_dir.parent / "elders", pool)

    monkeypatch.setattr(recipe, "build_site", elsewhere)
    with pytest.raises(BuildError, match="niet in de nieuwe site"):
        build(project, today=TODAY)
    assert (site / "index.html").read_text(encoding="utf-8") == "vorige site"
    shutil.rmtree(project / "elders", ignore_errors=True)


def test_check_in_site_names_the_missing_pages(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x")
    check_in_site(tmp_path, {"a/index.html"})
    with pytest.raises(BuildError, match=r"b/index\.html"):
        check_in_site(tmp_path, {"a/index.html", "b/index.html"})
    with pytest.raises(BuildError, match="geen pagina's"):
        check_in_site(tmp_path, set())


def test_the_project_option_is_resolved_to_an_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kb" / "initiatives").mkdir(parents=True)

    @click.command()
    @project_option
    def show(root: Path) -> None:
        click.echo(str(root))

    result = CliRunner().invoke(show, ["--project", "kb"])
    assert result.output.strip() == str(tmp_path.resolve() / "kb")
