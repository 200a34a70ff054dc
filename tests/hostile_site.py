"""Shared by the hostile-input tests and their browser test: the bundled project plus the hostile
records that are *valid* (payloads in plain-text fields, a BOM, CRLF), built once per session, and
a check that finds live markup in HTML."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO, TODAY, copy_project

from kennisbank_gen.render.csp import SITE_POLICY, meta

HOSTILE = REPO / "tests" / "hostile"
#: hostile records that validate: their payloads must come out as inert text
VALID_HOSTILE = ("script-in-text.yml", "bom.yml", "crlf.yml", "unicode.yml")
#: every payload sets `data-xss` on <html>; this string appears in each of them
MARKER = "dataset.xss"
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset"}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "base", "applet"}

_cache: dict[str, Path] = {}


def gate_page(body: str) -> str:
    """A minimal page the output gate accepts (the site's policy first in its head), with `body`
    on line 5."""
    head = f'<meta charset="utf-8">\n{meta(SITE_POLICY)}\n<title>Test</title>'
    return f'<!doctype html>\n<html lang="nl"><head>{head}</head><body>\n{body}\n</body></html>\n'


def hostile_project(tmp_path_factory) -> Path:
    """Project root with the valid hostile records added, built into site/ (once per session)."""
    if "root" not in _cache:
        from kennisbank_gen.publish import build

        root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
        for name in VALID_HOSTILE:
            shutil.copy2(HOSTILE / name, root / "initiatives" / name)
        build(root, today=TODAY)
        _cache["root"] = root
    return _cache["root"]


#: bodies the validator refuses; `unchecked_project` renders them anyway (the sanitizer's test)
UNCHECKED = sorted((REPO / "tests" / "corpus" / "invalid").glob("autolink-*.yml"))


def unchecked_project(tmp_path_factory) -> Path:
    """Project root whose site/ holds the records of UNCHECKED, built WITHOUT validation (read ->
    model -> render -> MkDocs), plus the hostile guidance set: what the sanitizer alone makes of
    attacks the validator would have stopped. Once per session."""
    if "unchecked" not in _cache:
        from kennisbank_gen.config import SiteConfig
        from kennisbank_gen.pool import Pool
        from kennisbank_gen.publish.mkdocs_site import build_site
        from kennisbank_gen.publish.output import GeneratedTree, owned_tree
        from kennisbank_gen.read.project import read_project
        from kennisbank_gen.render.markdown_pages import render_site
        from kennisbank_gen.render.model import build_model

        root = copy_project(tmp_path_factory.mktemp("unchecked") / "project")
        for file in UNCHECKED:
            shutil.copy2(file, root / "initiatives" / file.name)
        shutil.copy2(HOSTILE / "guidance" / "labels.yml", root / "content" / "guidance")
        config = SiteConfig.from_mkdocs(root / "mkdocs.yml")
        files = render_site(build_model(read_project(root)), config, root / "content")
        tree = GeneratedTree(owned_tree(config.docs_dir))
        tree.write(files)
        tree.prune(set(files))
        build_site(root / "mkdocs.yml", root / "site", Pool(1))
        _cache["unchecked"] = root
    return _cache["unchecked"]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._in_code = False  # inside a <script> that runs (not a JSON data block)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            squashed = "".join(ch for ch in value if ch > " ").lower()
            if name in URL_ATTRIBUTES and squashed.startswith(UNSAFE_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and MARKER in value:
                self.problems.append(f"<{tag} style=...> from a record")
        if tag == "script":
            kind = (dict(attrs).get("type") or "text/javascript").lower()
            self._in_code = "json" not in kind
            src = dict(attrs).get("src") or ""
            self.scripts.append(f"src={src}")
            if MARKER in src or "://" in src:
                self.problems.append(f"<script src={src!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code and MARKER in data:
            self.problems.append(f"script content from a record: {data[:60]!r}")


def live_markup(html: str) -> list[str]:
    """Everything in `html` that could run or load something it should not."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def script_sources(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.scripts
