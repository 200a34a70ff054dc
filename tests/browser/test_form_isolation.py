"""The preview and the web form's backend trust nothing they serve, in Chromium.

`kennisbank serve --cms` in a copy of the project: a script on a page of the preview (one the
output gate let through by mistake: here the browser is handed it as if the preview had sent it)
cannot read the form, its configuration or its backend, and cannot make the backend write; a
page of another site gets no CORS header and no data; a page the gate refuses shows the banner,
not the page.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from conftest import serve_directory
from playwright.sync_api import expect
from test_cms_browser import Preview, cms_project, started

from kennisbank_gen.editors.preview_banner import BANNER_ID

pytestmark = pytest.mark.browser

WAIT_MS = 90_000  # a guard against hangs, not a timing assertion
SLUG = "via-een-script"

#: what a hostile script tries, run in a page of some origin: each attempt's outcome
ATTACKS = """async ({FORM, API, SLUG}) => {
  const results = {};
  const record = (name, value) => { results[name] = String(value).slice(0, 4000); };
  const save = (path, slug) => JSON.stringify({action: "persistEntry", params: {branch: "main",
    dataFiles: [{path, slug, raw: "title: Via een script\\n"}], assets: [],
    options: {collectionName: "initiatives", commitMessage: "x", useWorkflow: false,
              status: "draft"}}});
  const attempt = async (name, action) => {
    try { record(name, "gelukt: " + await action()); } catch (e) { record(name, "mislukt: " + e); }
  };
  const record_path = "initiatives/" + SLUG + ".yml";
  // the backend, as the form asks it (JSON: a CORS preflight first)
  await attempt("json-write-record", async () => (await fetch(API, {method: "POST",
    headers: {"Content-Type": "application/json"}, body: save(record_path, SLUG)})).status);
  await attempt("json-write-code", async () => (await fetch(API, {method: "POST",
    headers: {"Content-Type": "application/json"}, body: save("mkdocs.yml", "x")})).status);
  await attempt("json-read", async () => (await fetch(API, {method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({action: "entriesByFolder", params: {branch: "main",
      folder: "initiatives", extension: "yml", depth: 1}})})).text());
  // requests a page may send without asking (no preflight): the answer is not readable
  await attempt("simple-write", async () => (await fetch(API, {method: "POST", mode: "no-cors",
    headers: {"Content-Type": "text/plain"}, body: save(record_path, SLUG)})).type);
  record("beacon", navigator.sendBeacon(API, new Blob([save(record_path, SLUG)],
    {type: "text/plain"})));
  // the form's files: its configuration names the backend
  await attempt("read-config", async () => (await fetch(FORM + "admin/config.yml")).text());
  await attempt("embed-config", async () => (await fetch(FORM + "admin/config.yml",
    {mode: "no-cors"})).type);
  await attempt("read-preview-admin", async () => (await fetch("/admin/")).text());
  await attempt("read-preview-config", async () => (await fetch("/admin/config.yml")).status);
  // the form itself: in a frame, in a window
  await attempt("frame", () => new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.src = FORM + "admin/";
    frame.onload = () => { try { resolve(frame.contentWindow.document.body.innerHTML); }
                           catch (e) { reject(e); } };
    setTimeout(() => reject("geen antwoord"), 10000);
    document.body.appendChild(frame);
  }));
  await attempt("window", () => new Promise((resolve, reject) => {
    const opened = window.open(FORM + "admin/", "_blank");
    setTimeout(() => { try { resolve(opened.document.body.innerHTML); }
                       catch (e) { reject(e); } finally { if (opened) opened.close(); } }, 1500);
  }));
  // an HTML form: a navigation, which no CORS rule stops
  const target = document.createElement("iframe");
  target.name = "sink";
  document.body.appendChild(target);
  const form = document.createElement("form");
  form.method = "post"; form.enctype = "text/plain"; form.action = API; form.target = "sink";
  const field = document.createElement("input");
  field.name = save(record_path, SLUG).slice(0, -2) + ', "x": "';
  field.value = '"}}';
  form.appendChild(field);
  document.body.appendChild(form);
  await new Promise((resolve) => {
    target.onload = resolve; setTimeout(resolve, 10000); form.submit(); });
  record("form-post", "verstuurd");
  return results;
}"""


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = cms_project(tmp_path_factory.mktemp("isolation") / "project")
    yield from started(Preview(root))


def tree(root: Path) -> dict[str, str]:
    """Every source file of the project (not what the preview generates, not its log)."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("build/", "cms", "serve.log")) or not path.is_file():
            continue
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_attacks(
    browser, preview: Preview, address: str, bypass_csp: bool = False
) -> dict[str, str]:
    """Open the page at `address` and run ATTACKS in it, as a script of that page would;
    what each attempt got. With `bypass_csp`, the page's Content-Security-Policy is not
    applied (it would stop the requests in the browser, before the form server refuses them)."""
    context = browser.new_context(locale="nl-NL", bypass_csp=bypass_csp)
    page = context.new_page()
    try:
        page.goto(address)
        arguments = {"FORM": preview.form, "API": preview.api, "SLUG": SLUG}
        return page.evaluate(ATTACKS, arguments)
    finally:
        context.close()


def assert_held(results: dict[str, str], preview: Preview, before: dict[str, str]) -> None:
    for name in ("json-write-record", "json-write-code", "json-read", "read-config", "frame"):
        assert results[name].startswith("mislukt"), (name, results[name])
    assert results["window"].startswith("mislukt"), results["window"]
    assert results["embed-config"].startswith("mislukt"), results["embed-config"]  # CORP
    assert results["simple-write"] in ("gelukt: opaque", "mislukt: TypeError: Failed to fetch")
    time.sleep(1)  # the beacon and the form post may still be on their way
    assert tree(preview.root) == before
    assert not (preview.root / "initiatives" / f"{SLUG}.yml").exists()


def test_a_script_on_a_preview_page_cannot_reach_the_form_or_its_backend(browser, preview):
    before = tree(preview.root)
    log_before = len(preview.output())
    # a page of the preview, with a script that got past the gate: the page's policy
    # (connect-src, form-action 'self', frame-src 'none') keeps every request to the form's
    # origin in the browser
    results = run_attacks(browser, preview, preview.url + "over/")
    assert_held(results, preview, before)
    assert "verwacht een verzoek van het formulier" not in preview.output()[log_before:]
    log_before = len(preview.output())
    # and without that policy, the form server refuses them
    results = run_attacks(browser, preview, preview.url + "over/", bypass_csp=True)
    assert_held(results, preview, before)
    # the preview's own /admin/ points to the form and holds nothing of it
    pointer = results["read-preview-admin"]
    assert pointer.startswith("gelukt") and preview.form + "admin/" in pointer
    assert "api/v1" not in pointer and results["read-preview-config"] == "gelukt: 404"
    refused = preview.output()[log_before:]
    assert "verwacht een verzoek van het formulier" in refused  # they reached it, and no further
    assert "verwacht geen verzoek van een andere herkomst (CORS)" in refused


def test_another_site_gets_no_cors_headers_and_no_data(browser, preview, tmp_path):
    """Another origin: a page of another server on this computer (a site on the internet is
    also kept from 127.0.0.1 by Chromium's Private Network Access)."""
    (tmp_path / "index.html").write_text("<!doctype html><title>Elders</title>", "utf-8")
    server, address = serve_directory(tmp_path)
    before = tree(preview.root)
    log_before = len(preview.output())
    try:
        results = run_attacks(browser, preview, address)
    finally:
        server.shutdown()
    assert_held(results, preview, before)
    refused = preview.output()[log_before:]
    assert "verwacht een verzoek van het formulier" in refused
    assert "verwacht geen verzoek van een andere herkomst (CORS)" in refused


def test_a_page_the_gate_refuses_shows_the_banner_not_the_page(browser, preview):
    page_file = preview.root / "content" / "over.md"
    original = page_file.read_text(encoding="utf-8")
    context = browser.new_context(base_url=preview.url, locale="nl-NL")
    page = context.new_page()
    try:
        updates = preview.updates()
        page_file.write_text(original + "\n<script>window.pwned = true</script>\n", "utf-8")
        page.goto("over/")
        banner = page.locator(f"#{BANNER_ID}")
        expect(banner).to_be_visible(timeout=WAIT_MS)  # the page reloads by itself
        # The update may still reload that page (its second step): a page's script and text are
        # read in one opened after the update, which nothing reloads (a reload during
        # `evaluate` destroys what it reads, or leaves it waiting for the new page).
        preview.wait_for_update(updates)
        settled = context.new_page()
        settled.goto("over/")
        banner = settled.locator(f"#{BANNER_ID}")
        expect(banner).to_contain_text("content/over.md")
        expect(banner).to_contain_text("verwacht geen inline script")
        assert settled.evaluate("window.pwned") is None
        assert "Over deze kennisbank" not in settled.content()  # nothing of the page itself
        updates = preview.updates()
        page_file.write_text(original, encoding="utf-8")
        expect(page.locator("h1")).to_contain_text("Over deze kennisbank", timeout=WAIT_MS)
        expect(banner).to_have_count(0, timeout=WAIT_MS)  # that page reloads by itself too
        # and the pages close once the update's last reload is over: a reload racing
        # context.close() can hang Chromium
        preview.wait_for_update(updates)
        for opened in (page, settled):
            opened.wait_for_load_state()
    finally:
        page_file.write_text(original, encoding="utf-8")
        context.close()
    log = preview.output()
    assert "De preview toont over/index.html niet (gemaakt uit content/over.md)" in log
    assert "Traceback" not in log
