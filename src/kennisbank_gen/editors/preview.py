"""What the preview does after a change: regenerate the docs tree and build only what changed.

Each update reads and checks the project again, but parses and checks only the record files
whose bytes changed (`check.validate.KnownRecords`). It has two steps. First the pages of the
files that were saved (a record's page, its citation files and the overview pages that list it;
a content page; a guidance set's pages; the framework page) are rendered from the new model,
written and built, and the browser reloads: the editor sees their change at once.
Then everything else is rendered, only the docs files whose content changed are written, and
only those are built (small pages first); a change that arrives meanwhile stops this second step,
and the next update finishes what it left (`PreviewSite.stale`). While the project has findings,
only the banner script changes (preview_banner.py): every page shows the findings over the last
good version.

The web form is not part of the preview's site: with `--cms` it has an origin of its own
(form_server.py), and `form_files` holds its files for that server. The preview's `/admin/` is
a page saying where the form is.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import clock
from ..check.validate import KnownRecords
from ..errors import BuildError, FindingsError
from ..findings import Finding, format_text
from ..pool import Pool
from ..publish.output import GeneratedTree, owned_tree
from ..publish.recipe import Prepared, prepare
from ..read.project import FRAMEWORK_DIR, collector_paused
from ..render.cms import ADMIN_DIR, admin_files
from ..render.markdown_pages import Cancelled, Templates, listing_pages, render_site
from . import preview_banner
from .form_server import pointer_page
from .preview_site import PreviewSite


@dataclass
class Step:
    """What one step of an update did (for the log and for tests)."""

    rendered: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    built: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


class Preview:
    """Regenerates the docs tree of `root` and keeps the served site (`site`) up to date."""

    def __init__(
        self,
        root: Path,
        form_port: int | None = None,
        report: Callable[[str], None] = click.echo,
    ):
        self.root = root.absolute()  # file events name absolute paths
        self.site: PreviewSite | None = None
        #: where the web form is served (`--cms-port`), None without it
        self.form_port = form_port
        #: the web form's files (`/admin/...`), for the form server
        self.form_files: dict[str, str | bytes] = {}
        #: the project file each docs page is made from (`source_of`)
        self.sources: dict[str, str] = {}
        self.report = report
        self.templates = Templates()
        #: the records read and checked so far: after a save, only the saved one is read again
        self.known = KnownRecords()
        self.docs: GeneratedTree | None = None
        self.steps: list[Step] = []

    def start(self, pool: Pool | None = None) -> bool:
        """Generate the whole docs tree (reading and checking on the `pool`'s workers); False
        (and the findings reported) when it cannot."""
        try:
            self._render_all(self._prepare(pool), Step(), lambda: False)
        except FindingsError as exc:
            self._show_findings(exc.findings, Step())
            return False
        except BuildError as exc:
            self.report(f"Preview niet gestart: {exc}.")
            return False
        return True

    def serve(self, site: PreviewSite) -> None:
        """Build the whole site, then keep `site` up to date in `update`."""
        self.site = site
        site.full()

    def update(
        self,
        changed: set[Path],
        publish: Callable[[], None] = lambda: None,
        pending: Callable[[], bool] = lambda: False,
    ) -> None:
        """Bring the preview up to date after `changed` source files changed: the saved files'
        own pages first (then `publish()`, which reloads the browsers), then the rest, stopping
        when `pending()` says another change came in."""
        first, second = Step(), Step()
        self.steps = [first, second]
        rebuild = any(p.name == "mkdocs.yml" or not self._watched(p) for p in changed)
        try:
            # the cycle collector waits until the saved file's pages are out: a full collection
            # walks everything the preview keeps (MkDocs' site, the records, the templates)
            with collector_paused():
                started = time.perf_counter()
                prepared = self._prepare()
                first.seconds["prepare"] = time.perf_counter() - started
                if not rebuild:
                    self._render_first(prepared, changed, first)
                    publish()
            self._render_all(prepared, second, pending)
        except FindingsError as exc:
            self._show_findings(exc.findings, second if first.written else first)
            publish()
            return
        except Cancelled:
            return
        started = time.perf_counter()
        if rebuild:
            self.site.full()
        else:
            self.site.update(second.written, second.removed, pending)
        second.built = self.site.built
        second.seconds["build"] = time.perf_counter() - started
        if second.built:
            publish()
        self.report(
            f"Opnieuw gemaakt: {len(first.written | second.written)} van "
            f"{len(self.docs.known)} bestanden gewijzigd."
        )

    def source_of(self, page: str) -> str:
        """The file a page of the served site (`over/index.html`) is made from: a record, a
        content page, a guidance set, the framework, or else the docs file or the page itself."""
        docs = self.site.source_of(page) if self.site is not None else None
        if docs is None:
            return page
        docs_dir = Path(os.path.relpath(self.docs.directory, self.root)).as_posix()
        return self.sources.get(docs) or f"{docs_dir}/{docs}"

    def _sources(self, prepared: Prepared) -> dict[str, str]:
        """The project file each generated docs page is made from."""
        site = prepared.site
        sources = {i.page: i.source for i in site.initiatives}
        for gset, doc in zip(site.guidance_sets, prepared.report.project.guidance, strict=True):
            sources |= dict.fromkeys([gset.page, *(item.page for item in gset.items)], doc.path)
        sources |= {p.name: f"content/{p.name}" for p in (self.root / "content").glob("*.md")}
        sources["kwaliteitskader.md"] = f"{FRAMEWORK_DIR}/"
        return sources

    def _watched(self, path: Path) -> bool:
        """Whether `path` is a source the docs tree is made from (else: the theme, a full
        build)."""
        rel = path.relative_to(self.root).parts if path.is_relative_to(self.root) else ()
        return bool(rel) and rel[0] in ("initiatives", "content", FRAMEWORK_DIR)

    def _prepare(self, pool: Pool | None = None) -> Prepared:
        prepared = prepare(self.root, today=clock.today(), pool=pool, known=self.known)
        if self.docs is None or self.docs.directory != prepared.config.docs_dir:
            # like the build's, written and pruned only where the build owns the folder
            self.docs = GeneratedTree(owned_tree(prepared.config.docs_dir))
        return prepared

    def _show_findings(self, findings: list[Finding], step: Step) -> None:
        """Report the findings and put them in the banner over the last good version."""
        if self.docs is not None and self.site is not None:  # not at the start
            step.written = self.docs.write(self._banner(findings))
            self.site.update(step.written, set())
            step.built = self.site.built
        self.report(format_text(findings))
        self.report(
            "Niet opnieuw gemaakt: herstel wat hierboven staat; "
            "de preview toont de laatste goede versie."
        )

    def _banner(self, findings: list[Finding]) -> dict[str, str]:
        return {preview_banner.SCRIPT: preview_banner.banner_script(findings)}

    def _render_first(self, prepared: Prepared, changed: set[Path], step: Step) -> None:
        """Render, write and build the pages made from the changed files."""
        started = time.perf_counter()
        sources = {p.relative_to(self.root).as_posix() for p in changed}
        site = prepared.site
        saved = [i for i in site.initiatives if i.source in sources]
        wanted = {i.page for i in saved} | listing_pages(site, saved)  # and where it is listed
        for gset, doc in zip(site.guidance_sets, prepared.report.project.guidance, strict=True):
            if doc.path in sources:
                wanted |= {gset.page, *(item.page for item in gset.items)}
        wanted |= {s.removeprefix("content/") for s in sources if s.count("/") == 1}
        if any(s.startswith(f"{FRAMEWORK_DIR}/") for s in sources):
            wanted.add("kwaliteitskader.md")
        files = render_site(
            site,
            prepared.config,
            self.root / "content",
            templates=self.templates,
            only=wanted.__contains__,
        )
        files |= self._banner([])
        step.rendered = set(files)
        step.written = self.docs.write(files)
        step.seconds["render"] = time.perf_counter() - started
        started = time.perf_counter()
        self.site.update(step.written, set())
        step.built = self.site.built
        step.seconds["build"] = time.perf_counter() - started

    def _render_all(self, prepared: Prepared, step: Step, pending: Callable[[], bool]) -> None:
        started = time.perf_counter()
        site, config = prepared.site, prepared.config
        files = render_site(
            site, config, self.root / "content", templates=self.templates, cancelled=pending
        )
        if self.form_port is not None:
            self.form_files = admin_files(self.root, site, config, self.form_port)
        form_url = f"http://127.0.0.1:{self.form_port}/{ADMIN_DIR}/" if self.form_files else None
        files |= {f"{ADMIN_DIR}/index.html": pointer_page(form_url)} | self._banner([])
        self.sources = self._sources(prepared)
        self.templates.forget_unused(site)
        step.rendered = set(files)
        step.seconds["render"] = time.perf_counter() - started
        started = time.perf_counter()
        step.written = self.docs.write(files)
        step.removed = self.docs.prune(set(files))
        step.seconds["write"] = time.perf_counter() - started
