"""The Content-Security-Policy every page of the site carries, as `<meta http-equiv>` first in its
`<head>`: defence in depth behind the output gate (publish/gate.py), so that markup the gate
missed still cannot run inline script or load anything from another host.

- `SITE_POLICY`, on every page (overrides/main.html, the redirect pages): scripts only from the
  site itself plus the theme's own inline scripts by hash (`THEME_SCRIPTS`), no `unsafe-inline`
  and no `eval`; styles, images, fonts, fetches and search workers from the site only (images
  also as `data:`, which Material's stylesheet uses for its icons); style attributes only the
  three table alignments the sanitizer keeps (`TABLE_ALIGNMENTS`, by hash); forms post to the
  site; no plugins (`object-src 'none'`), no `<base>`, no frames.
- `ADMIN_POLICY`, on the web form (`/admin/`): Decap CMS injects its styles as `<style>`
  elements (`'unsafe-inline'` for styles only) and talks to its backends: decap-server on this
  computer (`http://127.0.0.1:<port>`) or GitHub's API; scripts still only from the site.

A meta policy cannot say `frame-ancestors`, `report-to` or `sandbox` (browsers ignore them
there): a host that can send headers should add `Content-Security-Policy: frame-ancestors
'none'` (README, design notes).

Material's inline scripts differ per page depth (`__md_scope=new URL("..",location)`) unless
`extra.scope` is set: mkdocs.yml sets `scope: /`, so each script is the same text on every page
and one hash per script suffices. A theme upgrade that changes a script changes its hash: the
gate then refuses the unknown script (and the policy would block it), and `THEME_SCRIPTS` gets the
new hash after a look at the new script (`script_hash`).
"""

from __future__ import annotations

import base64
import hashlib

#: Material for MkDocs' own inline scripts (9.x, with `extra.scope: /`), by CSP hash
THEME_SCRIPTS = {
    # __md_scope, __md_hash, __md_get, __md_set: Material's local-storage helpers
    "sha256-exqRXrW/0laiImCrTE8a70vxyyY10FJVIppytLf/dbY=": "local-storage helpers",
    # the colour palette from local storage
    "sha256-DrEMJJ29sL7vIloQzly+VUGMxKcBTMII+OfW7Y8AkG4=": "palette",
    # opens a content tab named in the address
    "sha256-/8wPdzX9q0NNJXyA5lzsLojXFpkeaXVxhbfkUOQaWy8=": "content tab from the address",
}


#: the style attributes record bodies may have (tables: render/markdown_html.py keeps
#: `text-align` only, and Python-Markdown writes these three)
TABLE_ALIGNMENTS = ("text-align:left", "text-align:center", "text-align:right")


def script_hash(text: str) -> str:
    """An inline script's (or style attribute's) CSP source expression: the SHA-256 of its exact
    text, as browsers compute it (UTF-8, nothing stripped)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"sha256-{base64.b64encode(digest).decode('ascii')}"


def _policy(**directives: str) -> str:
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


_THEME = " ".join(f"'{digest}'" for digest in THEME_SCRIPTS)
_ALIGNMENTS = " ".join(f"'{script_hash(style)}'" for style in TABLE_ALIGNMENTS)

#: what no page of the site ever allows: plugins, a <base> that moves every relative address
_NEVER = {"object_src": "'none'", "base_uri": "'none'"}

SITE_POLICY = _policy(
    default_src="'none'",
    script_src=f"'self' {_THEME}",
    style_src="'self'",
    style_src_attr=f"'unsafe-hashes' {_ALIGNMENTS}",
    img_src="'self' data:",
    font_src="'self'",
    connect_src="'self'",
    worker_src="'self'",  # Pagefind searches in a worker
    manifest_src="'self'",
    media_src="'self'",
    form_action="'self'",
    frame_src="'none'",
    **_NEVER,
)

ADMIN_POLICY = _policy(
    default_src="'none'",
    script_src="'self' 'unsafe-eval'",  # Decap CMS compiles its JSON schemas (Ajv)
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data: blob: https://avatars.githubusercontent.com",
    font_src="'self' data:",
    connect_src="'self' http://127.0.0.1:* https://api.github.com",
    worker_src="'self' blob:",
    manifest_src="'self'",
    media_src="'self'",
    form_action="'none'",
    frame_src="'self' blob:",
    **_NEVER,
)

#: the page of the site that carries ADMIN_POLICY (render/cms.py writes it)
ADMIN_PAGE = "admin/index.html"


def policy_for(page: str) -> str:
    """The policy the page at `page` (its path in the site, '/'-separated) must carry."""
    return ADMIN_POLICY if page == ADMIN_PAGE else SITE_POLICY


def meta(policy: str) -> str:
    """The `<meta>` element that carries `policy` (its text holds no `"`, `<` or `&`)."""
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
