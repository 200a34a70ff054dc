"""What the output gate (gate.py) makes of attribute values: URLs, `srcset` lists, `<meta
http-equiv="refresh">` contents and CSS, read the way a browser reads them, and judged by narrow
shapes: a value the site's own pages never need is refused rather than interpreted.

URLs follow the WHATWG URL standard where it decides what a browser loads: leading and trailing
C0 controls and spaces are stripped, tabs and line breaks removed anywhere, and the scheme is
what precedes the first `:` when only scheme characters come before it. A URL that *loads*
(everything but a link a visitor follows) must then be relative to the site and not start with
two slashes or backslashes (`//host`, `/\\host`, `\\\\host`: browsers read `\\` as `/`), or be
`http(s)://` followed by exactly the site's host. Any backslash or control character in such a
URL is refused outright: no page of the site needs one.

CSS (style attributes, SVG presentation attributes) is tokenised by tinycss2, so escapes such as
`u\\72l(` are read as `url(` is; a `url()` token, a function that loads (`image-set()`,
`image()`, `src()`, `cross-fade()`, `element()`, `expression()`) or an at-rule is refused.
"""

from __future__ import annotations

import re

import tinycss2

#: schemes a link a visitor follows may have (None: relative to the page)
LINK_SCHEMES = {None, "http", "https", "mailto"}
#: CSS functions that load something or run script (IE's expression)
LOADING_FUNCTIONS = {
    *("url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"),
    *("-webkit-cross-fade", "element", "-moz-element", "expression"),
}
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_HTTP = re.compile(r"https?://([^/?#]*)(?:[/?#]|\Z)", re.IGNORECASE)
_SRCSET_PARTS = re.compile(r"[\s,]+")
_DESCRIPTOR = re.compile(r"[0-9.]+[wxh]\Z")
_REFRESH = re.compile(r"\s*\d+(?:\.\d*)?\s*(?:[;,]\s*url\s*=\s*(?P<url>[^\s'\"]+)\s*)?\Z", re.I)


def preprocessed(url: str) -> str:
    """The URL as the URL parser sees it: ends stripped of C0 controls and spaces, tabs and
    line breaks removed."""
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))


def scheme(url: str) -> str | None:
    """The scheme a browser reads in `url` (lower case), None for a relative URL."""
    match = _SCHEME.match(preprocessed(url))
    return match.group(1).lower() if match else None


def link_problem(url: str) -> str | None:
    """Why a link a visitor may follow (`<a href>`, a non-loading `<link>`) is refused."""
    found = scheme(url)
    if found not in LINK_SCHEMES:
        return f"verwacht een link met http(s) of mailto, gevonden {found}:"
    return None


def load_problem(url: str, site_host: str) -> str | None:
    """Why an address the browser loads by itself (or sends a form to) is refused: anything
    but the site's own."""
    if "\\" in url or _CONTROL.search(url):
        return "verwacht een adres zonder \\ of stuurtekens"
    url = url.strip(" ")
    found = scheme(url)
    if found is None:
        if url.startswith("//"):
            return "verwacht iets van de site zelf, gevonden een adres van een andere host (//)"
        return None
    if found in ("http", "https"):
        match = _HTTP.match(url)
        if match and match.group(1).lower() == site_host:
            return None
        return "verwacht iets van de site zelf, gevonden een adres van een andere host"
    return f"verwacht iets van de site zelf, gevonden {found}:"


def srcset_urls(value: str) -> list[str]:
    """Everything in a `srcset` (or `imagesrcset`) that may be a URL: each run of characters
    between whitespace and commas that is not a descriptor (`2x`, `640w`). The HTML standard's
    own split never starts a URL elsewhere, so this checks at least every URL it finds (a URL
    with a comma inside is checked in parts: stricter, never looser)."""
    return [part for part in _SRCSET_PARTS.split(value) if part and not _DESCRIPTOR.match(part)]


def refresh_problem(content: str, site_host: str) -> str | None:
    """Why a `<meta http-equiv="refresh">` is refused: only `N` (reload) or `N; url=address` with
    an address of the site itself."""
    match = _REFRESH.match(content)
    if not match:
        return "verwacht een doorverwijzing 'N; url=adres' binnen de site"
    url = match.group("url")
    if url is not None and (problem := load_problem(url, site_host)):
        return f"verwacht een doorverwijzing binnen de site ({problem})"
    return None


def _loads(tokens) -> bool:
    for token in tokens:
        kind = token.type
        if kind in ("url", "at-keyword") or (kind == "error" and token.kind == "bad-url"):
            return True
        if kind == "function":
            if token.lower_name in LOADING_FUNCTIONS or _loads(token.arguments):
                return True
        elif kind in ("() block", "[] block", "{} block") and _loads(token.content):
            return True
    return False


def css_loads(text: str) -> bool:
    """Whether CSS text (a style attribute, a presentation attribute) can load anything: a
    `url(` token or a loading function, with escapes read as CSS reads them."""
    if "(" not in text and "@" not in text:
        return False  # neither a function, a url() nor an at-rule can start without these
    return _loads(tinycss2.parse_component_value_list(text))
