"""The output gate: every generated HTML page is parsed before the swap, and a site that holds
anything that could run or load from elsewhere is refused, naming page and element.

It does not trust the input checks, the sanitizer or the templates: it catches holes in any of
them, and in hand-written pages too. Refused:

- an inline event handler (`on...=`) on any element;
- a `javascript:`, `data:`, `vbscript:`, `file:` or `blob:` address in any URL attribute, or in a
  `<meta http-equiv="refresh">`;
- frames, objects, embeds, applets and `<base>`;
- a script or stylesheet not served by the site: `<script src>` or a loading `<link>` to another
  host, a `<style>` element, a style attribute that loads (`url(`, `@import`, `expression(`);
  an inline `<script>` unless it is data (`application/json`, `application/ld+json`) or one of
  the theme's own inline scripts (`THEME_INLINE_SCRIPTS`, an explicit list by hash);
- any resource (image, media, source, frame, form target) from another host.

Links (`<a href>`) and non-loading `<link>`s (canonical, alternate) may point anywhere http(s).
"""

from __future__ import annotations

import hashlib
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from ..errors import BuildError

#: Material for MkDocs' own inline scripts (9.x), by the SHA-256 of their text with the page's
#: relative root (`new URL("..",location)`) taken out. A theme upgrade that changes them fails the
#: build here on purpose: look at the new script, then update the hash (`inline_script_hash`).
THEME_INLINE_SCRIPTS = {
    # __md_scope, __md_hash, __md_get, __md_set: Material's local-storage helpers
    "7eb3684fdacd2881f67b9428983273a29d8774d8bc82622af9b65a8ec1032a90",
    # the colour palette from local storage
    "0eb10c249dbdb0beef225a10ce5cbe55418cc4a7014cc208f8e7d6ed8f00906e",
    # opens a content tab named in the address
    "ffcc0f7735fdab434d257c80e65cec2e88d716991e69757185b7e450e41a5b2f",
}
#: inline scripts of these types are data: browsers never run them
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "poster", "data", "xlink:href", "background"),
    *("cite", "longdesc", "manifest", "ping", "srcset", "imagesrcset", "lowsrc", "dynsrc"),
}
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:", "blob:")
#: elements whose URL attributes the browser loads as the page opens (or on submit)
LOADING_ELEMENTS = {
    *("script", "img", "source", "video", "audio", "track", "input", "image", "use", "form"),
    *("iframe", "frame", "embed", "object"),
}
#: `<link rel>` values that load nothing (the rest: stylesheet, icon, preload... do)
NON_LOADING_RELS = {"canonical", "alternate", "author", "license", "help", "next", "prev", "me"}
_LOADING_STYLE = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(", re.IGNORECASE)
_ROOT = re.compile(r'new URL\("[^"]*",location\)')
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)
_SQUASH = re.compile(r"[\x00-\x20]+")


def inline_script_hash(text: str) -> str:
    """The hash of an inline script, the same on every page (its relative root taken out)."""
    return hashlib.sha256(_ROOT.sub('new URL("",location)', text.strip()).encode()).hexdigest()


def _squashed(value: str) -> str:
    """A URL as a browser reads its scheme: without whitespace and control characters."""
    return _SQUASH.sub("", value).lower()


def _off_site(url: str, site_host: str) -> bool:
    """True for an address on another host (absolute or protocol-relative)."""
    url = _squashed(url)
    if url.startswith("//"):
        return url[2:].split("/", 1)[0] != site_host
    if re.match(r"[a-z][a-z0-9+.-]*:", url):
        if not url.startswith(("http://", "https://")):
            return True
        return url.split("//", 1)[1].split("/", 1)[0] != site_host
    return False


class _Gate(HTMLParser):
    def __init__(self, site_host: str) -> None:
        super().__init__(convert_charrefs=True)
        self.site_host = site_host
        self.problems: list[str] = []
        self._script: tuple[str, list[str]] | None = None  # (the start tag, its text)
        self._style = False

    def refuse(self, element: str, reason: str) -> None:
        line, _ = self.getpos()
        self.problems.append(f"regel {line}: {element[:120]}: {reason}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self.get_starttag_text() or f"<{tag}>"
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_ELEMENTS:
            self.refuse(element, f"verwacht geen <{tag}>, gevonden")
        rel = set(values.get("rel", "").lower().split())
        loads = tag in LOADING_ELEMENTS or (tag == "link" and not rel <= NON_LOADING_RELS)
        for name, value in values.items():
            if name.startswith("on"):
                self.refuse(element, f"verwacht geen gebeurtenis-attribuut, gevonden {name}")
            elif name in URL_ATTRIBUTES:
                urls = (
                    [u.strip().split(" ")[0] for u in value.split(",")]
                    if "srcset" in name
                    else [value]
                )
                for url in urls:
                    if _squashed(url).startswith(UNSAFE_SCHEMES):
                        self.refuse(
                            element, f"verwacht een veilig adres, gevonden {name}={url[:40]!r}"
                        )
                    elif loads and _off_site(url, self.site_host):
                        self.refuse(
                            element,
                            f"verwacht iets van de site zelf, gevonden {name} van een andere host",
                        )
            elif name == "style" and _LOADING_STYLE.search(value):
                self.refuse(
                    element,
                    "verwacht een style-attribuut dat niets laadt, "
                    "gevonden url(), @import of expression()",
                )
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = _REFRESH_URL.search(values.get("content", ""))
            if target and (_squashed(target.group(1)).startswith(UNSAFE_SCHEMES)):
                self.refuse(element, "verwacht een doorverwijzing naar een veilig adres")
        if tag == "style":
            self.refuse(element, "verwacht stijlen uit een bestand van de site, gevonden <style>")
        if tag == "script":
            self._script = (element, [])
            kind = values.get("type", "").strip().lower()
            if "src" in values:
                self._script = None  # its address is checked above; what it holds is not inline
            elif kind in DATA_SCRIPT_TYPES:
                self._script = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script:
            element, text = self._script
            self._script = None
            digest = inline_script_hash("".join(text))
            if digest not in THEME_INLINE_SCRIPTS:
                self.refuse(
                    element,
                    f"verwacht geen inline script, gevonden een onbekend (sha256 {digest[:12]})",
                )


def page_problems(html: str, site_host: str) -> list[str]:
    """What the gate refuses in one page (empty when it may ship)."""
    gate = _Gate(site_host)
    gate.feed(html)
    gate.close()
    return gate.problems


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def site_host(site_url: str) -> str:
    """The host a site's own resources come from (`site_url` of mkdocs.yml)."""
    return _squashed(site_url).split("//", 1)[-1].split("/", 1)[0]


def pages_problems(host: str, pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the gate refuses in `pages` ((path in the site, HTML) each): (path, problem) pairs."""
    return [(rel, problem) for rel, html in pages for problem in page_problems(html, host)]


def refuse(problems: list[tuple[str, str]]) -> None:
    """Raise BuildError naming each page and element the gate refuses (none: nothing)."""
    if not problems:
        return
    # by page as `html_pages` lists them, each page's problems in the order found
    ordered = sorted(problems, key=lambda item: item[0].split("/"))
    lines = [f"{rel}: {problem}" for rel, problem in ordered]
    shown = "\n  ".join(lines[:20])
    more = f"\n  ... en nog {len(lines) - 20}" if len(lines) > 20 else ""
    count = f"{len(lines)} {'probleem' if len(lines) == 1 else 'problemen'}"
    raise BuildError(f"de uitvoercontrole weigert de site ({count}):\n  {shown}{more}")


def serve(requests: BinaryIO, answer: BinaryIO) -> None:
    """The gate as a worker process (`pipeline`): reads pickled `(host, pages)` batches until
    None, then writes the pickled list of what it refuses in all of them."""
    problems = []
    while (batch := pickle.load(requests)) is not None:
        problems += pages_problems(*batch)
    pickle.dump(problems, answer)
    answer.flush()


def unreadable(rel: str, exc: Exception) -> tuple[str, str]:
    return rel, f"onleesbaar ({exc})"


def check_output(site_dir: Path, site_url: str, pages: list[Path] | None = None) -> None:
    """Raise BuildError naming each page and element the gate refuses (`pages`: default all
    HTML pages of `site_dir`)."""
    host = site_host(site_url)
    problems = []
    for page in html_pages(site_dir) if pages is None else pages:
        rel = page.relative_to(site_dir).as_posix()
        try:
            html = page.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(unreadable(rel, exc))
            continue
        problems += pages_problems(host, [(rel, html)])
    refuse(problems)
