"""The build on the pool's workers: the docs tree rendered by several workers, the site MkDocs
builds on several workers (publish/mkdocs_site.py) and the pass over the output must be what one
process makes, file for file (and the site MkDocs' own `build` makes of the same docs tree);
what a worker renders meets the gate and strict mode; a worker that dies fails the build and
leaves `site/` alone; `--jobs 1` starts no worker."""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

import jinja2
import mkdocs.structure.pages as mkdocs_pages
import pytest
from conftest import REPO, TODAY, delegated, needs_fork
from mkdocs.commands.build import build as mkdocs_build
from test_output_pass import fragments
from test_search import tree_digest

from kennisbank_gen.check import validate as validate_module
from kennisbank_gen.check.validate import validate
from kennisbank_gen.errors import BuildError
from kennisbank_gen.pool import Pool
from kennisbank_gen.publish import build, docs_tree, mkdocs_site, output_pass
from kennisbank_gen.publish.mkdocs_site import load
from kennisbank_gen.publish.output import MARKER
from kennisbank_gen.render.html_blocks import html_block

pytestmark = [pytest.mark.slow, needs_fork]

CORPUS = REPO / "tests" / "corpus"
EXTRA_PAGE = "proef.md"


@pytest.fixture
def every_step_on_workers(monkeypatch) -> list[int]:
    """Even the small project is shared out; returns the number of workers each map started."""
    for module, name in (
        (validate_module, "SHARD_LEAST"),
        (docs_tree, "SHARE_LEAST"),
        (mkdocs_site, "SHARE_LEAST"),
        (output_pass, "PASS_LEAST"),
    ):
        monkeypatch.setattr(module, name, 1)
    started: list[int] = []
    real = Pool.map

    def counting(self, function, tasks):
        before = self.started
        result = real(self, function, tasks)
        started.append(self.started - before)
        return result

    monkeypatch.setattr(Pool, "map", counting)
    return started


def without_index(site: Path) -> dict[str, str]:
    """The site's files but the search index and the build's marker (plain MkDocs has neither)."""
    return {
        rel: digest
        for rel, digest in tree_digest(site).items()
        if "pagefind" not in rel and rel != MARKER
    }


def test_workers_build_what_one_process_and_mkdocs_itself_build(
    request, project, every_step_on_workers
):
    if delegated(request):
        return
    build(project, project / "split", today=TODAY, jobs=2)
    assert every_step_on_workers == [2, 2, 2, 2]  # read and check, docs tree, MkDocs, gate
    docs = tree_digest(project / "build" / "docs")
    one = build(project, project / "one", today=TODAY, jobs=1)
    assert every_step_on_workers[4:] == [0, 0, 0, 0]
    assert one.files_written == 0 and tree_digest(project / "build" / "docs") == docs
    assert without_index(project / "split") == without_index(project / "one")
    index, index_one = (
        fragments(project / "split" / "pagefind"),
        fragments(project / "one" / "pagefind"),
    )
    assert index == index_one and len(index) > 20
    mkdocs_build(load(project / "mkdocs.yml", project / "plain"))
    assert without_index(project / "split") == tree_digest(project / "plain")


def test_the_workers_inherit_the_templates_compiled(
    request, project, every_step_on_workers, monkeypatch, tmp_path
):
    """The docs tree's templates and the theme's page templates (through 404.html) are compiled
    here, before the workers are forked: no worker compiles one of them again."""
    if delegated(request):
        return
    said = tmp_path / "compiled"
    real = jinja2.Environment.compile

    def compiling(self, source, name=None, *args, **kwargs):
        with said.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {name}\n")
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    build(project, today=TODAY, jobs=2)
    assert every_step_on_workers == [2, 2, 2, 2]
    compiled = [line.split(" ", 1) for line in said.read_text(encoding="utf-8").splitlines()]
    here = {name for pid, name in compiled if int(pid) == os.getpid()}
    in_workers = [name for pid, name in compiled if int(pid) != os.getpid()]
    assert {"initiative.md.j2", "_macros.md.j2", "main.html", "base.html"} <= here
    assert here.isdisjoint(in_workers), sorted(here & set(in_workers))


def write_extra_page(project: Path, text: str) -> None:
    (project / "content" / EXTRA_PAGE).write_text(f"# Proef\n\n{text}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('<img src="x" onerror="alert(1)">', ["proef/index.html: regel", "onerror"]),
        ("Zie [de ontbrekende pagina](nergens.md).", ["nergens.md", "1 waarschuwing"]),
    ],
    ids=["the output gate sees its pages", "strict mode counts its warnings"],
)
def test_what_a_worker_renders_can_fail_the_build(
    request, project, every_step_on_workers, text, said
):
    if delegated(request):
        return
    build(project, today=TODAY, jobs=2)
    before = tree_digest(project / "site")
    write_extra_page(project, text)
    with pytest.raises(BuildError) as exc:
        build(project, today=TODAY, jobs=2)
    assert all(part in str(exc.value) for part in said), str(exc.value)
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))


REAL_TASK = mkdocs_site._run_task


def dying_on_pages(site, task):
    """A worker of the MkDocs step that dies on its first page."""
    pages, _ = task
    if pages:
        os._exit(9)
    return REAL_TASK(site, task)


def test_a_worker_that_dies_fails_the_build_and_changes_nothing(
    request, project, every_step_on_workers, monkeypatch
):
    if delegated(request):
        return
    build(project, today=TODAY, jobs=2)
    before = tree_digest(project / "site")
    monkeypatch.setattr(mkdocs_site, "_run_task", dying_on_pages)
    with pytest.raises(BuildError, match=r"een werkproces van de build stopte onverwacht"):
        build(project, today=TODAY, jobs=2)
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))
    with pytest.raises(ChildProcessError):  # every worker was waited for
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize(
    "nav",
    ["nav:\n  - index.md\n  - Over ons: over.md\n  - deel/pagina.md\n", ""],
    ids=["untitled entries in nav", "no nav"],
)
def test_pages_whose_nav_title_comes_from_their_text_build_as_mkdocs_builds_them(
    tmp_path, monkeypatch, nav
):
    """Every page's navigation shows the titles of the others; where `nav` gives none (or there
    is no `nav`), the title comes from the page's heading. Built on two workers, each page is
    what MkDocs' own build makes of it."""
    monkeypatch.setattr(mkdocs_site, "SHARE_LEAST", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # (MkDocs' theme writes the build's date)
    docs = tmp_path / "docs"
    for rel, heading in [("index.md", "Start"), ("over.md", "Over"), ("deel/pagina.md", "Kop")]:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(f"# {heading} *uit* de tekst\n\nTekst.\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(f"site_name: Proef\nplugins: []\n{nav}", encoding="utf-8")
    said: list[str] = []
    mkdocs_site.build_loaded(load(config_file, tmp_path / "split"), Pool(2), said)
    mkdocs_build(load(config_file, tmp_path / "plain"))
    assert said == []
    split, plain = tree_digest(tmp_path / "split"), tree_digest(tmp_path / "plain")
    assert split == plain and "deel/pagina/index.html" in split
    page = (tmp_path / "split" / "over" / "index.html").read_text(encoding="utf-8")
    assert "Kop uit de tekst" in page


def test_jobs_1_starts_no_worker_process(project, every_step_on_workers, monkeypatch):
    started = []
    real = multiprocessing.Process.start
    monkeypatch.setattr(multiprocessing.Process, "start", lambda p: started.append(p) or real(p))
    build(project, today=TODAY, jobs=1)
    assert started == [] and every_step_on_workers == [0, 0, 0, 0]


def everything(paths, pool: Pool) -> tuple[list, list]:
    report = validate(REPO, paths, today=TODAY, pool=pool)
    findings = [(f.text(), f.rule, f.severity, f.fix) for f in report.findings]
    return findings, report.project.records


@pytest.mark.parametrize(
    "paths",
    [[CORPUS / "invalid"], [CORPUS / "valid", *sorted((CORPUS / "cross").iterdir())]],
    ids=["invalid", "valid-and-cross"],
)
def test_records_read_and_checked_on_workers_give_what_one_process_gives(
    request, paths, monkeypatch
):
    if delegated(request):
        return
    monkeypatch.setattr(validate_module, "SHARD_LEAST", 2)
    alone = everything(paths, Pool(1))
    split = everything(paths, Pool(2))
    assert split == alone
    assert len(alone[0]) >= 10 and len(alone[1]) > 20


@pytest.mark.parametrize("jobs", [1, 2])
def test_without_records_the_findings_are_the_same(request, jobs, monkeypatch):
    """`kennisbank validate` asks for findings only: records are not kept (nor sent between
    processes), and every finding, the ones across records included, stays the same."""
    if jobs == 2 and delegated(request):
        return
    monkeypatch.setattr(validate_module, "SHARD_LEAST", 2)
    paths = [CORPUS / "invalid", CORPUS / "valid", *sorted((CORPUS / "cross").iterdir())]
    whole = validate(REPO, paths, today=TODAY, pool=Pool(jobs))
    findings_only = validate(REPO, paths, today=TODAY, records=False, pool=Pool(jobs))
    assert findings_only.project.records == [] != whole.project.records
    shown = [(f.text(), f.rule, f.severity, f.fix) for f in findings_only.findings]
    assert shown == [(f.text(), f.rule, f.severity, f.fix) for f in whole.findings]
    assert {f.rule for f in whole.findings} >= {"duplicate-title", "duplicate-slug", "schema"}


def test_pages_are_converted_without_mkdocs_scan_for_anchor_ids(tmp_path, monkeypatch):
    """MkDocs' check of anchor links reports at info, below what a build shows: the build skips
    its scan of every page's raw HTML (the most of MkDocs' CPU on generated pages), and still
    builds what MkDocs builds."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    scans = []
    feed = mkdocs_pages._HTMLHandler.feed
    monkeypatch.setattr(
        mkdocs_pages._HTMLHandler,
        "feed",
        lambda parser, text: scans.append(text) or feed(parser, text),
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    page = '# Kop\n\n<div class="kaart" id="k1" markdown>\n*Tekst* [verder](#k2)\n</div>\n'
    (docs / "index.md").write_text(page, encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: Proef\nplugins: []\n", encoding="utf-8")
    config = load(config_file, tmp_path / "split")
    assert config.validation.links.anchors < logging.WARNING
    said: list[str] = []
    mkdocs_site.build_loaded(config, Pool(1), said)
    assert scans == [] and said == []
    mkdocs_build(load(config_file, tmp_path / "plain"))
    assert scans, "MkDocs' own build scans the raw HTML (else this test sees nothing)"
    assert tree_digest(tmp_path / "split") == tree_digest(tmp_path / "plain")


def test_the_build_passes_marked_html_blocks_without_parsing_them(
    tmp_path, monkeypatch, tags_parsed
):
    """The HTML blocks the templates mark (render/html_blocks.py) reach the page without
    Python-Markdown's HTML step reading them in our build; MkDocs' own build reads them; both
    write the same site."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    docs = tmp_path / "docs"
    docs.mkdir()
    block = html_block('<form class="kb-browse" hidden>\n<input type="search" id="q">\n</form>')
    (docs / "index.md").write_text(f"# Kop\n\n{block}\nTekst.\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: Proef\nplugins: []\n", encoding="utf-8")
    mkdocs_site.build_loaded(load(config_file, tmp_path / "split"), Pool(1), [])
    assert "form" not in tags_parsed
    mkdocs_build(load(config_file, tmp_path / "plain"))
    assert "form" in tags_parsed
    assert tree_digest(tmp_path / "split") == tree_digest(tmp_path / "plain")
