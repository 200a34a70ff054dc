"""The preview's banner: while the last change has findings, every page `kennisbank serve`
shows carries a visible Dutch banner listing them (file, line, message); it is gone as soon as
the records are fixed.

The banner is a script in the docs tree (`assets/kennisbank-preview.js`) that only the preview
loads (`serve` adds it to MkDocs' `extra_javascript`); the preview writes it whenever the
findings change (preview.py), and the browser reloads. The findings are data in the script and
are put on the page as text, never as markup.

A page the output gate refuses (publish/gate.py) is not served at all: the preview sends
`refused_page` in its place, the same banner as plain HTML (no script, every text escaped) naming
the page, the file it is made from, and what the gate found.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..config import SiteConfig
from ..findings import Finding
from ..render.csp import SITE_POLICY, meta

SCRIPT = "assets/kennisbank-preview.js"
BANNER_ID = "kb-preview-findings"

_CODE = """
(function () {
  var findings = __FINDINGS__;
  function show() {
    var old = document.getElementById("__ID__");
    if (old) old.remove();
    if (!findings.length) return;
    var banner = document.createElement("section");
    banner.id = "__ID__";
    banner.setAttribute("role", "alert");
    banner.setAttribute("aria-labelledby", "__ID__-kop");
    banner.style.cssText = "background:#fff3cd;color:#3d2e00;border:3px solid #b45309;" +
      "padding:1rem 1.25rem;margin:0;font:1rem/1.5 system-ui,sans-serif;position:relative;" +
      "z-index:1000";
    var heading = document.createElement("h2");
    heading.id = "__ID__-kop";
    heading.style.cssText = "margin:0 0 .5rem;font-size:1.2rem;color:inherit";
    heading.textContent = __HEADING__;
    banner.appendChild(heading);
    var intro = document.createElement("p");
    intro.style.margin = "0 0 .5rem";
    intro.textContent = __INTRO__;
    banner.appendChild(intro);
    var list = document.createElement("ul");
    list.style.margin = "0";
    findings.forEach(function (f) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = f.where;
      item.appendChild(where);
      item.appendChild(document.createTextNode(" " + f.message));
      list.appendChild(item);
    });
    banner.appendChild(list);
    document.body.insertBefore(banner, document.body.firstChild);
  }
  if (document.body) show(); else document.addEventListener("DOMContentLoaded", show);
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(show);
})();
"""


def banner_script(findings: list[Finding]) -> str:
    """The script for the current findings (none: it shows nothing)."""
    shown = [
        {
            "where": f"{f.path}:{f.line}" + (f" {f.field}:" if f.field else ":"),
            "message": f.message + (" (waarschuwing)" if f.severity == "warning" else ""),
        }
        for f in sorted(findings)
    ]
    count = len(shown)
    heading = f"De preview is niet bijgewerkt: {count} melding{'en' if count != 1 else ''}"
    intro = (
        "Deze pagina toont de laatste goede versie. Herstel wat hieronder staat; "
        "zodra het klopt, verdwijnt deze melding vanzelf."
    )
    return (
        _CODE.replace("__ID__", BANNER_ID)
        .replace("__HEADING__", json.dumps(heading, ensure_ascii=False))
        .replace("__INTRO__", json.dumps(intro, ensure_ascii=False))
        .replace("__FINDINGS__", json.dumps(shown, ensure_ascii=False))
    )


def serve_options(root: Path) -> dict:
    """What `serve` adds to mkdocs.yml for the preview: the banner script. Raises ConfigError
    for a mkdocs.yml the site does not accept (`SiteConfig`)."""
    scripts = SiteConfig.from_mkdocs(root / "mkdocs.yml").extra_javascript
    return {"extra_javascript": [*scripts, SCRIPT]}


#: the banner's look (the script's, as style attributes: they load nothing)
_BANNER_STYLE = (
    "background:#fff3cd;color:#3d2e00;border:3px solid #b45309;padding:1rem 1.25rem;"
    "margin:0;font:1rem/1.5 system-ui,sans-serif"
)


#: the policy of the page sent instead of a refused one: the site's, with the banner's style
#: attributes allowed (the preview's own text; the page holds nothing of the refused one)
REFUSED_PAGE_POLICY = "; ".join(
    "style-src-attr 'unsafe-inline'" if part.startswith("style-src-attr ") else part
    for part in SITE_POLICY.split("; ")
)


def plain_page(title: str, main: str, policy: str) -> str:
    """A page of the preview's own, outside the theme: no script, nothing loaded; `main` is
    HTML the caller escaped; `policy` its Content-Security-Policy (first in its head, as the
    output gate wants it)."""
    return f"""<!doctype html>
<html lang="nl">
<head>
{meta(policy)}
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{html.escape(title)} · preview</title>
</head>
<body style="margin:0">
<main>
{main}
</main>
</body>
</html>
"""


def refused_page(page: str, source: str, problems: list[str]) -> str:
    """What the preview serves instead of a page the output gate refuses: the banner naming the
    page, its source file and each problem, as escaped text; nothing of the page itself."""
    where = html.escape(source)
    items = "\n".join(f"<li><code>{where}</code> {html.escape(p)}</li>" for p in problems)
    count = len(problems)
    return plain_page(
        "Pagina niet getoond",
        f"""<section id="{BANNER_ID}" role="alert" aria-labelledby="{BANNER_ID}-kop" \
style="{_BANNER_STYLE}">
<h1 id="{BANNER_ID}-kop" style="margin:0 0 .5rem;font-size:1.2rem;color:inherit">De preview toont \
deze pagina niet: de uitvoercontrole weigert haar ({count} \
{"probleem" if count == 1 else "problemen"})</h1>
<p style="margin:0 0 .5rem">De pagina <code>{html.escape(page)}</code> bevat iets dat een script \
kan uitvoeren of van een andere site kan laden; <code>kennisbank build</code> weigert haar ook. \
Herstel het bestand hieronder; zodra het klopt, toont de preview de pagina weer.</p>
<ul style="margin:0">
{items}
</ul>
</section>""",
        REFUSED_PAGE_POLICY,
    )
