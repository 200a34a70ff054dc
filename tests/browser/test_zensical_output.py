"""The gate and the search index run over output files, whatever engine wrote them: the bundled
content built with Zensical (the Material team's successor to MkDocs) goes through the same pass
as a MkDocs build (publish/output_pass.py), and its index answers a search in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TODAY, serve_directory, zensical_build

from kennisbank_gen.errors import BuildError
from kennisbank_gen.pool import Pool
from kennisbank_gen.publish import generate
from kennisbank_gen.publish.gate import html_pages
from kennisbank_gen.publish.output_pass import check_and_prepare_index
from kennisbank_gen.publish.search_index import index
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render.csp import SITE_POLICY, script_hash
from kennisbank_gen.render.model import build_model

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
SEARCH = """async query => {
    const pagefind = await import("/pagefind/pagefind.js");
    const found = await pagefind.search(query);
    const pages = await Promise.all(found.results.slice(0, 5).map(r => r.data()));
    return pages.map(p => p.url);
}"""


def zensical_build_of(project: Path) -> tuple[Path, str]:
    generated = generate(project, today=TODAY)
    zensical_build(project)
    return project / "site", generated.config.site_url


def test_gate_and_index_run_over_zensicals_output_and_its_search_works(project, tmp_path, browser):
    site, site_url = zensical_build_of(project)
    texts = {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in html_pages(site)}
    with pytest.raises(BuildError) as refused:
        check_and_prepare_index(site, site_url, tmp_path / "index-input", Pool())
    # The gate read every page and refused on each only what it does not know: Zensical's own
    # inline script (its hash is not in the site's Content-Security-Policy, which lists
    # Material's; a reviewer would add it there after reading it).
    scripts = INLINE.findall(texts["over/index.html"])
    digest = next(d for d in map(script_hash, scripts) if d not in SITE_POLICY)
    with_script = sorted(
        rel for rel, text in texts.items() if digest in map(script_hash, INLINE.findall(text))
    )
    said = str(refused.value)
    assert f"({len(with_script)} problemen)" in said and len(with_script) > 20
    unknown = f"verwacht geen inline script, gevonden een onbekend ({digest})"
    assert said.count(unknown) == said.count("verwacht") == 20  # the first 20 are shown
    assert f"{with_script[0]}: regel " in said

    index(tmp_path / "index-input", site / "pagefind")
    record = build_model(read_project(project)).initiatives[0]
    server, url = serve_directory(site)
    try:
        context = browser.new_context(base_url=url)
        page = context.new_page()
        page.goto("over/")
        found = page.evaluate(SEARCH, record.title)
        context.close()
    finally:
        server.shutdown()
    assert f"/{record.url}" in found
