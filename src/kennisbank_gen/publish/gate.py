"""The output gate: every generated HTML page is parsed before the swap, and a site that holds
anything that could run or load from elsewhere is refused, naming page, line and element.

It does not trust the input checks, the sanitizer or the templates: it catches holes in any of
them, and in hand-written pages too. It reads a page as a browser does: turbohtml builds the tree
with the HTML standard's own algorithm, with scripting on (so `<noscript>` holds text), which
settles every parser trick (`<!-->`, `<![CDATA[`, `</script x>`, `<svg></p><style>`, ...) the way
Chromium settles it; template contents are read too. Refused:

- an event handler (`on...=`) on any element, in any namespace;
- frames, objects, embeds, applets, portals and `<base>`; SVG/MathML animation (`<animate>`,
  `<set>`, ...), which can set `href` to `javascript:` after the page is read;
- an inline `<script>` unless it is data (`application/json`, `application/ld+json`) or one of
  the theme's own scripts whose hash the page's Content-Security-Policy lists; any script in
  SVG or MathML; a `<style>` element;
- a link a visitor follows (`<a href>`, a `<link>` that loads nothing) with another scheme than
  http(s) or mailto; anything the browser loads by itself (`src`, `srcset`, `poster`, `<link
  rel=stylesheet|icon|preload...>`, SVG `<use>`/`<image>`/`<feImage>` `href`, form targets, a
  refresh...) from anywhere but the site (gate_values.py); `ping`, `background`,
  `attributionsrc`, `srcdoc`, `lowsrc`, `dynsrc`, `xml:base`;
- CSS that loads (`url()`, `image-set()`, `@import`... also written with escapes) in a style or
  presentation attribute; markup inside `<noscript>` (browsers without scripting would read it);
- `<meta http-equiv>` other than the page's Content-Security-Policy and a refresh within the
  site; a page without its policy (render/csp.py: `SITE_POLICY`, or `ADMIN_POLICY` on the web
  form), with another one, or with it after anything that loads or runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import turbohtml

from ..errors import BuildError
from ..render.csp import policy_for, script_hash
from .gate_values import css_loads, link_problem, load_problem, refresh_problem, srcset_urls

FORBIDDEN_ELEMENTS = {
    *("iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"),
    "fencedframe",
}
#: SVG (and SMIL) animation: each can set an attribute, `href` too, while the page is shown
ANIMATION_ELEMENTS = {"animate", "animatecolor", "animatemotion", "animatetransform", "set"}
#: inline scripts of these types are data: browsers never run them
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
#: attributes that neither run, load nor hold CSS: not looked at further
HARMLESS_ATTRIBUTES = frozenset(
    {
        *("class", "id", "title", "lang", "dir", "role", "hidden", "tabindex", "type", "name"),
        *("value", "for", "alt", "width", "height", "viewBox", "d", "xmlns", "charset", "rel"),
        *("autocomplete", "placeholder", "spellcheck", "autocapitalize", "autocorrect"),
        *("required", "checked", "disabled", "readonly", "open", "colspan", "rowspan", "scope"),
        *("headers", "start", "reversed", "datetime", "method", "focusable", "content", "target"),
        *("translate", "inputmode", "enterkeyhint", "loading", "decoding", "crossorigin", "sizes"),
        *("integrity", "media", "hreflang", "download", "span", "label", "selected", "multiple"),
        *("fill-rule", "clip-rule", "stroke-width", "stroke-linecap", "stroke-linejoin"),
        *("stroke-dasharray", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry"),
        *("points", "transform", "preserveAspectRatio", "version", "maxlength", "minlength"),
        *("http-equiv", "nonce", "referrerpolicy", "accesskey", "draggable", "pattern", "step"),
    }
)
#: attributes refused wherever they are: each loads or sends something the site never needs
REFUSED_ATTRIBUTES = {
    "ping": "verwacht geen ping (een melding aan een ander adres bij elke klik)",
    "background": "verwacht geen background-attribuut (laadt een afbeelding)",
    "attributionsrc": "verwacht geen attributionsrc (een melding aan een ander adres)",
    "srcdoc": "verwacht geen srcdoc (een hele pagina in een attribuut)",
    "lowsrc": "verwacht geen lowsrc",
    "dynsrc": "verwacht geen dynsrc",
    "xml:base": "verwacht geen xml:base (verandert waar adressen naar wijzen)",
}
#: attributes that hold a URL (after any `xlink:` prefix, in lower case)
URL_ATTRIBUTES = {
    *("href", "src", "action", "formaction", "poster", "data", "manifest", "icon", "codebase"),
    *("archive", "classid", "cite", "longdesc", "profile", "itemtype", "itemid", "usemap"),
    "definitionurl",
}
#: URL attributes a browser never loads (metadata, or a link to follow)
NEVER_LOADED = {"cite", "longdesc", "profile", "itemtype", "itemid", "usemap", "definitionurl"}
#: `<link rel>` values that load nothing (the rest: stylesheet, icon, preload... do)
NON_LOADING_RELS = {"canonical", "alternate", "author", "license", "help", "next", "prev", "me"}
#: what may come before the page's policy in its <head>
BEFORE_POLICY = {"html", "head", "meta", "title"}
#: elements the walk looks at as a whole (the rest: attributes only)
_SPECIAL = {
    *FORBIDDEN_ELEMENTS,
    *ANIMATION_ELEMENTS,
    *("animateColor", "animateMotion", "animateTransform"),  # in SVG, as the parser names them
    *("script", "style", "meta", "noscript"),
}
#: a relative address of the site in its plainest form: no scheme, no `//`, no backslash, no
#: whitespace or control character; links and loads alike may have it
_PLAIN_RELATIVE = re.compile(r"(?!//)[A-Za-z0-9_.~%/?#=&+;,@!$*'()-]*")
_PLAIN_URL_ATTRIBUTES = {"href", "src", "action"}
_START_TAG = re.compile(r"<[^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>?")


def parse_page(html: str) -> turbohtml.Document:
    """A page's tree as the gate reads it: as a browser with scripting on builds it (a
    declarative shadow root's <template> stays a template, its contents read too)."""
    return turbohtml.parse(html, scripting=True, allow_declarative_shadow_roots=False)


class _Page:
    """One page as the gate reads it; `problems` lists what it refuses, in document order."""

    def __init__(self, html: str, site_host: str, page: str) -> None:
        self.html = html
        self.site_host = site_host
        self.policy = policy_for(page)
        scripts = re.search(r"(?:^|; )script-src ([^;]*)", self.policy)
        self.inline_allowed = set(
            re.findall(r"'(sha256-[^']+)'", scripts.group(1) if scripts else "")
        )
        self.problems: list[tuple[int, str]] = []
        self.policy_seen = False
        self.before_policy: str | None = None  # the first element that may not come before it
        self._line_starts: list[int] | None = None

    def where(self, el) -> tuple[int, str]:
        """The line of an element's start tag and the tag as written (shortened)."""
        line, col = el.source_line, el.source_col
        if line is None:  # made by the parser (an implied <body>): the first such tag, if any
            found = self.html.lower().find(f"<{el.tag.lower()}")
            if found < 0:
                return 1, f"<{el.tag}>"
            line = self.html.count("\n", 0, found) + 1
            offset = found
        else:
            if self._line_starts is None:
                self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.html)]
            offset = self._line_starts[line - 1] + col
        tag = _START_TAG.match(self.html, offset)
        text = tag.group() if tag else f"<{el.tag}>"
        return line, text if len(text) <= 120 else text[:117] + "..."

    def refuse(self, el, reason: str) -> None:
        line, tag = self.where(el)
        self.problems.append((line, f"regel {line}: {tag}: {reason}"))

    def read(self) -> list[str]:
        document = parse_page(self.html)
        # This loop runs for every element of every page: it does only what it must per
        # element, passes what never needs a look, and leaves each other attribute to
        # `attribute`.
        plain_relative = _PLAIN_RELATIVE.fullmatch
        for el in document.iter_elements():
            tag = el.tag  # HTML names are lower case; SVG's as the standard spells them
            if self.before_policy is None and tag not in BEFORE_POLICY:
                self.before_policy = tag  # (read only when the policy is found)
            if tag in _SPECIAL:
                self.element(el, tag.lower())
            attrs = el.attrs
            if not attrs:
                continue
            names = attrs.keys()  # a list: faster to walk than the mapping itself
            for name in names:
                if name in HARMLESS_ATTRIBUTES or name.startswith(("data-", "aria-")):
                    continue
                value = attrs[name]
                if name in _PLAIN_URL_ATTRIBUTES and plain_relative(value):
                    continue  # an address within the site, whatever the element does with it
                self.attribute(el, tag, name, value)
        if not self.policy_seen:
            self.problems.append(
                (1, "regel 1: <head>: verwacht een Content-Security-Policy, gevonden geen")
            )
        return [text for _, text in sorted(self.problems, key=lambda item: item[0])]

    def element(self, el, tag: str) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.refuse(el, f"verwacht geen <{tag}>, gevonden")
        elif tag in ANIMATION_ELEMENTS:
            self.refuse(el, f"verwacht geen animatie (<{el.tag}> kan attributen veranderen)")
        elif tag == "script":
            self.script(el)
        elif tag == "style":
            self.refuse(el, "verwacht stijlen uit een bestand van de site, gevonden <style>")
        elif tag == "meta":
            self.meta(el)
        elif tag == "noscript" and "<" in el.text:
            self.refuse(el, "verwacht in <noscript> alleen tekst, gevonden opmaak")

    def script(self, el) -> None:
        if el.namespace != turbohtml.Namespace.HTML:
            self.refuse(el, "verwacht geen script in SVG of MathML")
        elif el.attr("src") is None:
            kind = (el.attr("type") or "").strip().lower()
            digest = script_hash(el.text)
            if kind not in DATA_SCRIPT_TYPES and digest not in self.inline_allowed:
                self.refuse(el, f"verwacht geen inline script, gevonden een onbekend ({digest})")

    def meta(self, el) -> None:
        charset = el.attr("charset")
        if charset is not None and charset.strip().lower() != "utf-8":
            self.refuse(el, f"verwacht charset utf-8, gevonden {charset[:20]!r}")
        equiv = el.attr("http-equiv")
        if equiv is None:
            return
        equiv = equiv.strip().lower()
        content = el.attr("content") or ""
        if equiv == "refresh":
            if problem := refresh_problem(content, self.site_host):
                self.refuse(el, problem)
        elif equiv == "content-security-policy":
            self.content_security_policy(el, content)
        else:
            self.refuse(el, f"verwacht geen <meta http-equiv={equiv[:30]!r}>")

    def content_security_policy(self, el, content: str) -> None:
        if self.policy_seen:
            self.refuse(el, "verwacht één Content-Security-Policy, gevonden een tweede")
            return
        self.policy_seen = True
        parent = el.parent
        if parent is None or parent.tag != "head":
            self.refuse(el, "verwacht de Content-Security-Policy in <head>")
        elif content != self.policy:
            self.refuse(el, "verwacht de Content-Security-Policy van de site (render/csp.py)")
        elif self.before_policy is not None:
            self.refuse(
                el,
                f"verwacht de Content-Security-Policy vóór alles wat laadt of draait, "
                f"gevonden na <{self.before_policy}>",
            )

    def attribute(self, el, tag: str, name: str, value: str) -> None:
        """Judge an attribute `read` did not pass (`value`: its value)."""
        lower = name.lower()
        if lower.startswith("on"):
            self.refuse(el, f"verwacht geen gebeurtenis-attribuut, gevonden {name}")
            return
        if lower in REFUSED_ATTRIBUTES:
            self.refuse(el, REFUSED_ATTRIBUTES[lower])
            return
        local = lower.rpartition(":")[2]
        if local in ("srcset", "imagesrcset"):
            problems = [load_problem(url, self.site_host) for url in srcset_urls(value)]
            problem = next(filter(None, problems), None)
        elif local not in URL_ATTRIBUTES:
            problem = "verwacht CSS die niets laadt, gevonden url(), @import of iets dergelijks"
            problem = problem if css_loads(value) else None
        elif self.followed(el, tag, local):
            problem = link_problem(value)
        else:
            problem = load_problem(value, self.site_host)
        if problem:
            self.refuse(el, f"{name}: {problem}")

    def followed(self, el, tag: str, local: str) -> bool:
        """Whether a URL attribute is a link a visitor may follow (or metadata), not a load."""
        if local in NEVER_LOADED:
            return True
        if local != "href":
            return False
        if tag in ("a", "area") or el.namespace == turbohtml.Namespace.MATHML:
            return True
        return tag == "link" and set((el.attr("rel") or "").lower().split()) <= NON_LOADING_RELS


def page_problems(html: str, site_host: str, page: str = "") -> list[str]:
    """What the gate refuses in one page (empty when it may ship). `page` is its path in the
    site ('admin/index.html' must carry the web form's policy; every other page the site's)."""
    return _Page(html, site_host, page).read()


def html_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def site_host(site_url: str) -> str:
    """The host a site's own resources come from (`site_url` of mkdocs.yml)."""
    url = "".join(ch for ch in site_url if ch > " ").lower()
    return url.split("//", 1)[-1].split("/", 1)[0]


def pages_problems(host: str, pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the gate refuses in `pages` ((path in the site, HTML) each): (path, problem) pairs."""
    return [(rel, problem) for rel, html in pages for problem in page_problems(html, host, rel)]


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
