"""MkDocs, in one place: the build (`build_site`) and the preview (`editors/preview_site.py`)
load and drive it through this module only.

`MkDocsSite` loads a site as `mkdocs build` does (configuration, files, theme environment,
navigation, a page object per page). `build_site` then builds it on the pool's workers: the
parent reads what every page needs of the others (the navigation's pages) and renders the theme
templates (404.html extends main.html: the page templates are compiled once, not in each
worker); the workers are forked with that state (`pool`), and each converts, renders and writes
its share of the pages and copies its share of the static files, collecting MkDocs' warnings for
the parent (strict: any warning fails the build, as in `mkdocs build --strict`). The result is
MkDocs' own build, file for file (tests/test_build_parallel.py compares them), as long as a
page's HTML depends on its own Markdown, the configuration and the navigation: true for Material
without plugins. A configuration with plugins (whose events span the whole build) is built by
MkDocs' own `build`, in one process.

MkDocs' check of links to anchors is left out: it reports at `validation.links.anchors`, which
mkdocs.yml may not set (config.py refuses `validation`), so at MkDocs' default, info, which a
build never shows. Yet it read each page's Markdown with `html.parser` for the ids in raw HTML
(`_RawHTMLPreprocessor`): 17-20% of MkDocs' CPU on this site's pages. And MkDocs' Markdown gets
one step more, `render.html_blocks.PassHtmlBlocks`: the HTML blocks the templates mark go into
the page as they are, not parsed first (the same page, with less CPU).

MkDocs has no public API for building one page or one template; these private functions of
`mkdocs.commands.build` (MkDocs 1.6, pinned in constraints.txt) are the steps of its own `build`:

- `_populate_page`: read a page's source and convert its Markdown, with the plugin events;
- `_build_page`: render a converted page with the theme and write it;
- `_build_theme_template`: render and write a theme template (404.html, sitemap.xml);
- `_build_extra_template`: the same for an `extra_templates` file;
- `_RawHTMLPreprocessor` of `mkdocs.structure.pages`: its scan for anchor ids is turned off
  while a page is converted (`_anchor_ids_unscanned`, see above).

Everything else used here is public: `load_config`, `get_files`, `get_navigation`, `Page`,
`Files`/`File` methods, `Page.read_source`, `clean_directory`.

The preview's server (`LiveReload`) is MkDocs' development server with an update loop of its
own; the private members of `LiveReloadServer` it uses are listed there.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.commands.build import (
    _build_extra_template,
    _build_page,
    _build_theme_template,
    _populate_page,
)
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import (
    File,
    Files,
    InclusionLevel,
    file_sort_key,
    get_files,
    set_exclusions,
)
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page, _RawHTMLPreprocessor
from mkdocs.utils import clean_directory
from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from ..errors import BuildError
from ..pool import Pool
from ..render.csp import script_hash
from ..render.html_blocks import PassHtmlBlocks

#: pages a task builds at least (fewer, and they are one task: a worker is not worth it)
SHARE_LEAST = 50

#: a task of the build: (the pages it builds, the static files it copies), by path in the docs
Task = tuple[list[str], list[str]]


class Warnings(logging.Handler):
    """MkDocs' warnings (and errors) while it is in a `with` block, so that the build can fail
    with the warnings themselves."""

    def __init__(self, messages: list[str] | None = None) -> None:
        super().__init__(logging.WARNING)
        self.messages = [] if messages is None else messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> Warnings:
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("mkdocs").removeHandler(self)


def load(config_file: Path, site_dir: Path | str, **options: Any) -> MkDocsConfig:
    """The project's mkdocs.yml as MkDocs reads it, strict, building into `site_dir`."""
    options = {"strict": True, **options}
    return load_config(config_file=str(config_file), site_dir=str(site_dir), **options)


class MkDocsSite:
    """One site as `mkdocs build` loads it (`serve`: as `mkdocs serve`, drafts included)."""

    def __init__(self, config: MkDocsConfig, *, serve: bool = False) -> None:
        self.config = config
        self.inclusion = InclusionLevel.is_in_serve if serve else InclusionLevel.is_included
        self.files = get_files(config)
        self.env = config.theme.get_env()
        self.env.auto_reload = serve  # a build's theme stays as it is: no stat per include
        if not any(isinstance(e, PassHtmlBlocks) for e in config.markdown_extensions):
            config.markdown_extensions.append(PassHtmlBlocks())  # (render/html_blocks.py)
        self.files.add_files_from_theme(self.env, config)
        self.nav = get_navigation(self.files, config)
        self.pages = self.files.documentation_pages(inclusion=self.inclusion)
        for file in self.pages:
            if file.page is None:
                Page(None, file, config)

    def file(self, path: str) -> File | None:
        return self.files.get_file_from_path(path)

    def in_nav(self, paths: set[str]) -> bool:
        """Whether any of `paths` is a page of the navigation."""
        return bool(paths & {page.file.src_uri for page in self.nav.pages})

    def add(self, paths: set[str]) -> None:
        """New files of the docs tree, in the order `get_files` gives (the sitemap lists them
        so), theme files last."""
        config = self.config
        new = [File(p, config.docs_dir, config.site_dir, config.use_directory_urls) for p in paths]
        set_exclusions(new, config)
        docs = [f for f in self.files if f.src_dir == config.docs_dir]
        theme = [f for f in self.files if f.src_dir != config.docs_dir]
        self.files = Files(sorted(docs + new, key=file_sort_key) + theme)
        self.pages = self.files.documentation_pages(inclusion=self.inclusion)
        for file in new:
            if file.is_documentation_page() and self.inclusion(file.inclusion):
                Page(None, file, config)

    def remove(self, paths: set[str]) -> None:
        """Files gone from the docs tree: forgotten, and what was built of them removed."""
        for path in sorted(paths):
            if (file := self.file(path)) is not None:
                self.files.remove(file)
                _remove_output(Path(file.abs_dest_path), Path(self.config.site_dir))
        self.pages = self.files.documentation_pages(inclusion=self.inclusion)

    def read_navigation(self) -> None:
        """What each page needs of the others: the navigation's pages converted (a page's title
        may come from its text), here, once: the workers inherit them."""
        for page in self.nav.pages:
            self.populate(page.file)

    def populate(self, file: File) -> None:
        with _anchor_ids_unscanned():
            _populate_page(file.page, self.config, self.files)

    def build(self, file: File) -> None:
        excluded = file.inclusion.is_excluded()
        _build_page(file.page, self.config, self.pages, self.nav, self.env, excluded=excluded)

    def templates(self) -> list[str]:
        return [*self.config.theme.static_templates, *self.config.extra_templates]

    def build_template(self, name: str) -> None:
        if name in self.config.theme.static_templates:
            _build_theme_template(name, self.env, self.files, self.config, self.nav)
        else:
            _build_extra_template(name, self.files, self.config, self.nav)

    def static_files(self) -> list[File]:
        """The files copied as they are, except those a page or a template writes over (MkDocs
        copies them first, so that those win)."""
        written = {f.abs_dest_path for f in self.pages}
        written |= {os.path.join(self.config.site_dir, name) for name in self.templates()}
        return [
            f
            for f in self.files
            if not f.is_documentation_page()
            and self.inclusion(f.inclusion)
            and f.abs_dest_path not in written
        ]

    def tasks(self, pool: Pool) -> list[Task]:
        """The build but its templates as `Pool.task_count` tasks (a small site: one), each with
        its share of the pages, dealt out largest first (tasks of about equal work), and of the
        static files."""
        static = [f.src_uri for f in self.static_files()]
        by_size = sorted(self.pages, key=lambda f: os.path.getsize(f.abs_src_path), reverse=True)
        pages = [f.src_uri for f in by_size]
        count = pool.task_count(len(pages), SHARE_LEAST)
        return [(pages[i::count], static[i::count]) for i in range(count)]


def _remove_output(target: Path, site_dir: Path) -> None:
    """Remove a built file and the directories it leaves empty (never `site_dir` itself)."""
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != site_dir and site_dir in parent.parents:
        try:
            parent.rmdir()
        except OSError:  # not empty
            break
        parent = parent.parent


def _run_task(site: MkDocsSite, task: Task) -> list[str]:
    """One task of a build, in a worker (or here): its warnings."""
    pages, static = task
    with Warnings() as warnings:
        for name in pages:
            file = site.file(name)
            if file.page.content is None:  # (else converted by `read_navigation`)
                site.populate(file)
            site.build(file)
        for name in static:
            site.file(name).copy_file()
    return warnings.messages


@contextlib.contextmanager
def _anchor_ids_unscanned() -> Iterator[None]:
    """MkDocs converts pages without scanning their raw HTML for anchor ids (the module's
    docstring says why)."""
    scan = _RawHTMLPreprocessor.run
    _RawHTMLPreprocessor.run = _lines_as_they_are
    try:
        yield
    finally:
        _RawHTMLPreprocessor.run = scan


def _lines_as_they_are(preprocessor: _RawHTMLPreprocessor, lines: list[str]) -> list[str]:
    return lines


@contextlib.contextmanager
def _failing_as_build_error(said: list[str]) -> Iterator[None]:
    try:
        yield
    except (MkDocsException, SystemExit) as exc:
        shown = "".join(f"\n  {m}" for m in said[:20])
        raise BuildError(f"de sitebouwer (MkDocs) faalde: {exc}{shown}") from None
    if said:  # strict: any warning fails the build
        count = f"{len(said)} {'waarschuwing' if len(said) == 1 else 'waarschuwingen'}"
        shown = "".join(f"\n  {m}" for m in said[:20])
        raise BuildError(f"de sitebouwer (MkDocs) gaf {count} (strikte modus):{shown}")


def build_site(config_file: Path, site_dir: Path, pool: Pool) -> None:
    """Build the site of `config_file` into `site_dir` as `mkdocs build --strict` does, on the
    pool's workers. Raises BuildError (with MkDocs' warnings) when it fails."""
    said: list[str] = []
    with _failing_as_build_error(said):
        with Warnings(said):
            config = load(config_file, site_dir)
        build_loaded(config, pool, said)


def build_loaded(
    config: MkDocsConfig, pool: Pool, said: list[str], *, serve: bool = False
) -> MkDocsSite | None:
    """Build a loaded configuration on the pool's workers (`serve`: as `mkdocs serve` does),
    MkDocs' warnings into `said`; returns the site, or None when it has plugins: their events
    span the whole build, so MkDocs' own `build` builds it, here."""
    with Warnings(said):
        if config.plugins:
            mkdocs_build(config, serve_url=config.site_url if serve else None)
            return None
        clean_directory(config.site_dir)
        site = MkDocsSite(config, serve=serve)
        site.read_navigation()
        for name in site.templates():  # here: the workers inherit the page templates compiled
            site.build_template(name)
    for messages in pool.map(functools.partial(_run_task, site), site.tasks(pool)):
        said += messages
    return site


class _Changes(FileSystemEventHandler):
    """Hands the paths that changed under a watched folder to the server (`LiveReload.changed`);
    `only`: just the file of that name in it."""

    #: the events asked of the system: a file made, changed, removed or renamed. Not a file
    #: opened or closed: reading the records after a save would wake the watcher for each one,
    #: and its thread would take turns with the update's (at 1,000 records: 0.2 s more per save).
    EVENTS = (FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent)

    def __init__(self, server: LiveReload, only: str | None = None):
        self.server = server
        self.only = only

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        paths = {Path(os.fsdecode(p)) for p in (event.src_path, getattr(event, "dest_path", ""))}
        paths = {p for p in paths if str(p) != "." and self.only in (None, p.name)}
        if paths:
            self.server.changed(paths)


class LiveReload(LiveReloadServer):
    """MkDocs' development server for the preview: it serves the site, injects the live-reload
    script into pages and answers the browsers' reload polls. After each burst of file events
    under the folders it `watch`es it calls `update(changed, publish, pending)`, which may
    `publish` (reload the browsers) more than once: the saved page first, then the rest;
    `pending()` says that new changes came in meanwhile. Every HTML page it sends passes
    `served(page, content)` first (a subclass's filter: the preview's output gate), then gets
    the reload script; every answer says `nosniff`. `listen` binds the address before `serve`,
    so that a port in use is known before the first build.

    MkDocs has no public API for an update that knows what changed or publishes twice; the
    private members of `LiveReloadServer` this uses, as MkDocs 1.6 defines them:
    - `_build_loop` (replaced), with the state it waits on: `_rebuild_cond`, `_want_rebuild`,
      `_shutdown`;
    - `_epoch_cond`, `_wanted_epoch`, `_visible_epoch`: a request waits while the wanted version
      is ahead of the visible one; a browser reloads once the visible one passes its own;
    - `_watched_paths`, `_watch_refs`: `watch` with a handler that says which paths changed
      (MkDocs' own does not); a watched path also makes MkDocs inject the script;
    - `_inject_js_into_html` (extended): the page passes `served`, and its
      Content-Security-Policy must allow the injected script, new on every request, by its hash
      (`reload_script_allowed`).
    """

    QUIET_SECONDS = 0.1

    def __init__(self, update: Callable, host: str, port: int, root: str, mount_path: str):
        super().__init__(lambda: None, host, port, root, mount_path)
        self.update = update
        self.changes: set[Path] = set()
        self.build_delay = self.QUIET_SECONDS
        self.observer = Observer()  # inotify: events at once, not every half second
        self._request = threading.local()  # the page this request thread serves
        self._listening = False

    def served(self, page: str, content: bytes) -> bytes:
        """The HTML page (its path in the site, `over/index.html`) as it is sent."""
        return content

    def listen(self) -> None:
        """Bind the address now (an OSError when it cannot), not when `serve` starts."""
        super().server_bind()
        super().server_activate()
        self._listening = True

    def server_bind(self) -> None:  # `serve` binds, unless `listen` did
        if not self._listening:
            super().server_bind()

    def server_activate(self) -> None:
        if not self._listening:
            super().server_activate()

    def serve_request(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        page = path[len(self.mount_path) :] if path.startswith(self.mount_path) else path
        self._request.page = page + "index.html" if page.endswith("/") or not page else page

        def with_nosniff(status, headers, exc_info=None):
            headers = [*headers, ("X-Content-Type-Options", "nosniff")]
            return start_response(status, headers, exc_info)

        return super().serve_request(environ, with_nosniff)

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        page = self.served(getattr(self._request, "page", ""), content)
        return reload_script_allowed(super()._inject_js_into_html(page, epoch))

    def watch(
        self, path: str, func: Any = None, *, recursive: bool = True, only: str | None = None
    ) -> None:
        """Watch the folder `path` (with `only`: just the file of that name in it)."""
        path = os.path.abspath(path)
        if path not in self._watched_paths:
            self._watched_paths[path] = 1
            handler = _Changes(self, only)
            self._watch_refs[path] = self.observer.schedule(
                handler, path, recursive=recursive, event_filter=list(_Changes.EVENTS)
            )

    def changed(self, paths: set[Path]) -> None:
        """Files changed: update once no event came for `QUIET_SECONDS`."""
        with self._rebuild_cond:
            self.changes |= paths
            self._want_rebuild = True
            self._rebuild_cond.notify_all()

    def _build_loop(self) -> None:
        while True:
            with self._rebuild_cond:
                while not self._rebuild_cond.wait_for(
                    lambda: self._want_rebuild or self._shutdown, timeout=self.shutdown_delay
                ):
                    pass  # time-outs let Ctrl+C through
                if self._shutdown:
                    break
                while self._rebuild_cond.wait(timeout=self.build_delay):
                    pass  # until the burst of events is over
                changed, self.changes = self.changes, set()
                self._want_rebuild = False
                with self._epoch_cond:
                    self._wanted_epoch = self._visible_epoch + 1  # requests wait for a version
            try:
                self.update(changed, self.publish, lambda: self._want_rebuild)
            except Exception:  # a bug, not bad input: say so and keep serving
                traceback.print_exc()
            with self._epoch_cond:  # requests wait no longer, even when nothing was published
                self._visible_epoch = max(self._visible_epoch, self._wanted_epoch)
                self._epoch_cond.notify_all()

    def publish(self) -> None:
        """Serve what is built now and reload the browsers."""
        with self._epoch_cond:
            self._wanted_epoch = max(self._wanted_epoch, self._visible_epoch + 1)
            self._visible_epoch = self._wanted_epoch
            self._epoch_cond.notify_all()


def reload_script_allowed(page: bytes) -> bytes:
    """The page with the live-reload script MkDocs just put before `</body>` (an inline script,
    new for every request) allowed by its hash in the page's Content-Security-Policy, which
    allows only the theme's own inline scripts (render/csp.py). Only this one page's answer
    allows it; a page without a policy is left as it is."""
    start = page.rfind(b"<script>")
    end = page.find(b"</script>", start)
    if start < 0 or end < 0:
        return page
    allowed = f"script-src 'self' '{script_hash(page[start + 8 : end].decode('utf-8'))}'"
    return page.replace(b"script-src 'self'", allowed.encode("ascii"), 1)
