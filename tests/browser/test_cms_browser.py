"""The editors' web form (`/admin/`, Decap CMS) in Chromium, against its local backend.

`kennisbank serve --cms` (what `make cms` runs) starts the preview, and the form with its local
backend (`decap-server`) on an origin of its own, on free ports of 127.0.0.1 in a copy of the
project; the tests fill in the form with the keyboard only, choosing what CONTRIBUTING.md's
walk-through names (tests/form_walkthrough.py), save, and check that the file written validates
and shows up in the rebuilt preview; that typing a label and Enter stores that label's id, for
every term and criterion value; that an edit changes only the edited field's bytes; and that a
wrong date is refused with validate's message and fix.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import form_walkthrough as words
import pytest
import yaml
from conftest import REPO, TODAY, copy_fixture_project
from site_pages import axe_violations, watch_violations
from test_cms_record import LAYOUT
from test_form_server import backend_processes
from test_search import add_criterion

from kennisbank_gen.check.validate import validate
from kennisbank_gen.editors.new import SCHEMA_LINE
from kennisbank_gen.read.framework import load_framework
from kennisbank_gen.render.cms import cms_installed

pytestmark = pytest.mark.browser

KENNISBANK = Path(sys.executable).with_name("kennisbank")
#: what the preview's log says when an update is over (editors/preview.py)
UPDATE_DONE = "Opnieuw gemaakt:"
#: what the keyboard is on: tag, id, type, name or text, and the text it shows
ACTIVE = """() => { const e = document.activeElement;
    return {tag: e.tagName, id: e.id, type: e.type || '', editable: e.isContentEditable,
            text: (e.getAttribute('aria-label') || e.innerText || '').trim().slice(0, 60),
            shown: (e.innerText || '').trim().slice(0, 60)}; }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, data: bytes | None = None) -> bool:
    """Whether `url` answers; `data` is POSTed as the form would (JSON, from the form's origin)."""
    try:
        origin = "/".join(url.split("/")[:3])
        headers = {"Content-Type": "application/json", "Origin": origin}
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=2):
            return True
    except OSError:
        return False


def cms_project(target: Path) -> Path:
    """A copy of the tests' own project (the terms, values and guidance item the form test
    chooses are its own: a pull request may change the bundled ones) with the installed CMS
    (`make cms-install`) linked in."""
    if not cms_installed(REPO):
        message = "the web form is not installed: run `make cms-install` (needs node and npm)"
        if os.environ.get("KENNISBANK_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    root = copy_fixture_project(target)
    (root / "cms").symlink_to(REPO / "cms", target_is_directory=True)
    return root


class Preview:
    """`kennisbank serve --cms` on free ports; stopped (with its backend) at the end."""

    def __init__(self, root: Path, mode: str = "fs"):
        self.root = root
        self.port, self.cms_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.form = f"http://127.0.0.1:{self.cms_port}/"  # the form's own origin
        self.api = f"{self.form}api/v1"
        command = [str(KENNISBANK), "serve", "--cms", "--project", str(root)]
        command += ["--dev-addr", f"127.0.0.1:{self.port}", "--cms-port", str(self.cms_port)]
        command += ["--cms-mode", mode]
        self.log = open(root / "serve.log", "w+", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while not (answers(self.url) and answers(self.api, b'{"action": "info"}')):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"kennisbank serve --cms did not start:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def updates(self) -> int:
        """How many updates the preview has finished (its log says so after each one)."""
        return self.output().count(UPDATE_DONE)

    def wait_for_update(self, done: int, timeout: float = 60) -> None:
        """Wait until the preview has finished more than `done` updates: after that, no page
        of it reloads until a file changes again."""
        deadline = time.monotonic() + timeout
        while self.updates() <= done:
            if time.monotonic() > deadline:
                raise AssertionError(f"no update finished:\n{self.output()[-3000:]}")
            time.sleep(0.2)

    def get(self, path: str, base: str | None = None) -> str:
        with urllib.request.urlopen((base or self.url) + path, timeout=5) as response:
            return response.read().decode("utf-8")

    def wait_for(self, path: str, text: str, timeout: float = 60) -> str:
        """The preview's page at `path` once it contains `text` (after the rebuild)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                html = self.get(path)
                if text in html:
                    return html
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"{path} never showed {text!r}:\n{self.output()[-3000:]}")


def started(server: Preview):
    assert backend_processes(server.root), "no decap-server for this project"
    assert f"Invulformulier: {server.form}admin/" in server.output()  # where to go
    yield server
    server.stop()
    assert not answers(server.api, b'{"action": "info"}'), "the form outlived the preview"
    assert backend_processes(server.root) == [], "decap-server outlived the preview"


@pytest.fixture
def preview(request, tmp_path):
    """The preview with the form in `fs` mode; a test marked `cms_setup(fn)` changes the
    project with `fn(root)` first, `cms_mode("git")` selects the editorial workflow."""
    root = cms_project(tmp_path / "project")
    setup = request.node.get_closest_marker("cms_setup")
    if setup:
        setup.args[0](root)
    mode = request.node.get_closest_marker("cms_mode")
    yield from started(Preview(root, mode.args[0] if mode else "fs"))


@pytest.fixture
def admin(browser, preview):
    """The form's page; at the end, no Content-Security-Policy violation may have happened."""
    context = browser.new_context(base_url=preview.form, locale="nl-NL")
    violations = watch_violations(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append((error.message, error.stack or "")))
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()
    assert violations == [], "the web form broke its Content-Security-Policy (render/csp.py)"


#: Decap's own "Maximum update depth exceeded" (React error #185): once in a CI run of the form
#: test (the record was still written, validated and shown; the form did not reload), never in
#: 40 runs here, 25 of them with both cores busy and 10 with Chromium's CPU throttled 4x. It
#: does not count against the form when no frame of its stack is in our scripts
#: (render/admin/kennisbank-*.js) and the form still shows the record; any other error, or this
#: one from our code, fails the test.
DECAP_UPDATE_LOOP = "Minified React error #185;"


def own_errors(page) -> list[str]:
    """The page's uncaught errors, less Decap's own update loop (see DECAP_UPDATE_LOOP), which
    is reported as a warning instead, once the page is seen to still show the form."""
    ours = []
    for message, stack in page.errors:
        if (
            message.startswith(DECAP_UPDATE_LOOP)
            and "/admin/decap-cms.js:" in stack
            and "/admin/kennisbank-" not in stack
        ):
            assert page.locator("[id^=title-field-]").is_visible(), f"the form is gone: {message}"
            warnings.warn(f"Decap CMS's own error, not ours: {message}\n{stack}", stacklevel=2)
        else:
            ours.append(message)
    return ours


def tab_to(page, matches, limit: int = 120, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies `matches`; fail after `limit` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        active = page.evaluate(ACTIVE)
        if matches(active):
            return active
        seen.append(active)
    raise AssertionError(f"the keyboard never reached the element ({key} x {limit}): {seen[:40]}")


def field(name: str):
    """Decap gives the input of field `name` the id `<name>-field-<n>`."""
    return lambda active: active["id"].startswith(f"{name}-field-")


def text_is(text: str):
    return lambda active: active["text"] == text


def choose(page, *options: str) -> None:
    """In a focused select (react-select): type each option's label and take it with Enter."""
    for option in options:
        page.keyboard.type(option)
        page.keyboard.press("Enter")


def log_in(page) -> None:
    page.goto("admin/")
    page.get_by_role("button", name=words.LOG_IN).wait_for()
    tab_to(page, text_is(words.LOG_IN))
    page.keyboard.press("Enter")
    page.get_by_text(words.COLLECTION).first.wait_for()


TITLE = "Peer-coaching voor eerstejaars in Ede"
SLUG = "peer-coaching-voor-eerstejaars-in-ede"
BODY = "Eerstejaars voelden zich **alleen** op de campus.\n\nNu hebben ze een coach."


def fill_in_record(page) -> None:
    """Create a record with the keyboard only, from the list of initiatives (as CONTRIBUTING.md
    walks through it): every value typed or chosen from a list."""
    page.goto(f"admin/#/collections/{words.COLLECTION.lower()}")
    page.get_by_text(words.NEW).wait_for()
    page.locator("body").focus()
    tab_to(page, lambda active: active["shown"] == words.NEW)  # (its name says more)
    page.keyboard.press("Enter")
    page.wait_for_selector("[id^=title-field-]")
    page.locator("body").focus()
    tab_to(page, field("title"))
    page.keyboard.type(TITLE)
    tab_to(page, text_is("Voeg initiatiefnemer toe"))
    page.keyboard.press("Enter")
    tab_to(page, field("initiator"))
    page.keyboard.type("Hogeschool Testland")
    tab_to(page, field("date"))
    page.keyboard.type("2024-09")
    tab_to(page, field("kind"))
    choose(page, "Praktijkvoorbeeld")
    tab_to(page, field("sectors"))
    choose(page, "hbo")
    tab_to(page, field("themes"))
    choose(page, "Sociale binding")
    tab_to(page, field("summary"))
    page.keyboard.type("Ouderejaars coachen eerstejaars in kleine groepen.")
    tab_to(page, lambda active: active["editable"])  # the Markdown editor
    page.keyboard.type("Eerstejaars voelden zich ")  # the rich-text editor, bold with Ctrl+B
    page.keyboard.press("Control+b")
    page.keyboard.type("alleen")
    page.keyboard.press("Control+b")
    page.keyboard.type(" op de campus.")
    page.keyboard.press("Enter")
    page.keyboard.type("Nu hebben ze een coach.")
    tab_to(page, field("evaluation"))
    choose(page, "is geëvalueerd", "studenten en medewerkers")
    tab_to(page, field("duration"))
    choose(page, "Middellang")
    tab_to(page, field("scale"))
    choose(page, "Klein initiatief")
    tab_to(page, field("guidance"))  # accessibility left empty: the source does not say
    choose(page, "inholland-docenten/04")


def save(page) -> None:
    """Publish with the keyboard: the "Publiceer" menu, then "Publiceer nu"."""
    page.keyboard.press("Shift+Tab")
    tab_to(page, text_is(words.PUBLISH), key="Shift+Tab", limit=200)
    page.keyboard.press("Enter")
    # the menu opens with the keyboard on its first item
    page.wait_for_function(f"document.activeElement.innerText.trim() === {words.PUBLISH_NOW!r}")
    page.keyboard.press("Enter")


def test_a_record_made_with_the_form_validates_and_appears_in_the_preview(admin, preview):
    log_in(admin)
    admin.evaluate("window.typedBeforeTheRebuild = true")  # gone if the form reloads
    fill_in_record(admin)
    save(admin)
    record = preview.root / "initiatives" / f"{SLUG}.yml"
    text = written(record, None, "the new record")
    assert text.startswith(SCHEMA_LINE + "\n"), text
    data = yaml.safe_load(text)
    assert list(data) == [
        "title",
        "initiators",
        "date",
        "kind",
        "sectors",
        "themes",
        "summary",
        "body",
        "quality",
        "guidance",
    ], text
    assert data["quality"] == {  # accessibility left out: "Niet bekend"
        "evaluation": ["geevalueerd", "ervaringen-studenten-medewerkers"],
        "duration": "middel",
        "scale": "klein",
    }
    assert data["sectors"] == ["hbo"] and data["guidance"] == ["inholland-docenten/04"]
    assert data["body"].strip() == BODY
    assert validate(preview.root, [record], today=TODAY).findings == []
    page = preview.wait_for(f"initiatieven/{SLUG}/", "alleen</strong>")
    assert TITLE in page and "Niet bekend" in page
    # the site's pages reload after the rebuild; the form does not (it would lose what is typed)
    assert "/livereload/" in page and "/livereload/" not in preview.get("admin/", preview.form)
    admin.wait_for_timeout(1000)  # a reload would have started by now
    assert admin.evaluate("window.typedBeforeTheRebuild") is True
    assert admin.locator("[id^=title-field-]").input_value() == TITLE  # the form is still there
    assert own_errors(admin) == []
    assert [u for u in admin.requests if not u.startswith("http://127.0.0.1:")] == []


#: what axe-core finds in Decap CMS 3.16 itself (WCAG 2.0/2.1 A and AA), not in what we add:
#: the Markdown editor (contenteditable) has no accessible name, the on/off switch of a boolean
#: field has neither a name nor aria-checked, the toolbar's heading menu nests a button in a
#: button. Ours (page language and title, labels and hints from the framework, the contrast of
#: the publish button and the site link, fixed in kennisbank-cms.css) must stay clean: any other
#: rule, or one of these on more elements, fails.
DECAP_VIOLATIONS = {
    "aria-input-field-name": 1,
    "aria-required-attr": 1,
    "button-name": 1,
    "nested-interactive": 1,
}


def test_axe_on_the_admin_page_finds_only_what_decap_itself_violates(admin):
    admin.goto("admin/")
    admin.get_by_role("button", name="Inloggen").wait_for()
    assert axe_violations(admin) == [], "the sign-in page"
    assert admin.evaluate("document.documentElement.lang") == "nl"
    log_in(admin)
    admin.goto("admin/#/collections/initiatives/new")
    admin.wait_for_selector("[id^=title-field-]")
    found = {v["id"]: len(v["nodes"]) for v in axe_violations(admin)}
    assert found == DECAP_VIOLATIONS


@pytest.mark.cms_setup.with_args(add_criterion)
def test_a_new_criterion_in_the_framework_is_a_new_field_in_the_form(admin):
    log_in(admin)
    admin.goto("admin/#/collections/initiatives/new")
    label = admin.locator("label[for^=co-creatie-field-]")
    label.wait_for()
    assert label.inner_text().casefold() == "samen met studenten"
    admin.locator("[id^=co-creatie-field-]").focus()
    admin.keyboard.press("ArrowDown")
    options = admin.get_by_role("option")
    assert options.all_inner_texts() == ["Samen met studenten gemaakt", "Zonder studenten gemaakt"]


def git(root: Path, *args: str) -> str:
    run = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def git_repository(root: Path) -> None:
    """The project as a git repository on `main`, as the editorial workflow expects; like the
    real repository it ignores what is generated (decap-server commits every untracked file on
    a save's branch, and the preview rewrites them while it switches branches)."""
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8")
    (root / ".gitignore").write_text(ignored + "/serve.log\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "add", "-A")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-qm", "x")


@pytest.mark.cms_setup.with_args(git_repository)
@pytest.mark.cms_mode("git")
def test_with_the_editorial_workflow_a_save_is_a_branch_for_a_pull_request(admin, preview):
    log_in(admin)
    fill_in_record(admin)
    admin.keyboard.press("Shift+Tab")
    tab_to(admin, text_is(words.SAVE), key="Shift+Tab", limit=200)
    admin.keyboard.press("Enter")
    branch, file = f"cms/initiatives/{SLUG}", f"initiatives/{SLUG}.yml"

    def committed() -> bool:  # decap-server checks the branch out, commits, and returns to main
        head = git(preview.root, "rev-parse", "--abbrev-ref", "HEAD").strip()
        return head == "main" and file in git(preview.root, "ls-tree", "-r", "--name-only", branch)

    deadline = time.monotonic() + 30
    while not (branch in git(preview.root, "branch") and committed()):
        assert time.monotonic() < deadline, git(preview.root, "branch")
        time.sleep(0.3)
    text = git(preview.root, "show", f"{branch}:{file}")
    assert text.startswith(SCHEMA_LINE + "\n")
    assert file not in git(preview.root, "ls-tree", "-r", "--name-only", "main")  # a PR, unmerged
    # the pull request's check: the branch as committed (not the working tree, which
    # decap-server checks out to this branch and back whenever the form reads the entry)
    head = preview.root.parent / "pull-request"
    head.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(preview.root), "archive", branch], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(head)], input=archive.stdout, check=True)
    assert (head / file).read_text(encoding="utf-8") == text
    report = validate(head, today=TODAY)
    assert report.blocking() == [] and [f for f in report.findings if f.path == file] == []
    # the walk-through's next steps: the status, for review and then ready
    for status in (words.IN_REVIEW, words.READY):
        admin.get_by_role("button", name=re.compile(f"^{words.STATUS}:")).click()
        admin.get_by_text(status, exact=True).click()
        admin.get_by_role("button", name=f"{words.STATUS}: {status}").wait_for()
    assert admin.get_by_role("button", name=words.PUBLISH, exact=True).is_visible()


#: a record in its own layout (comments, flow and indentless lists, a year as a number, quotes,
#: plain text over two lines, `links: []`), checked on the tests' "today"
EDITED = "buddy-eigen-opmaak"
OWN_LAYOUT = LAYOUT.replace("last_reviewed: '2024-05-01'", f"last_reviewed: '{TODAY.isoformat()}'")
OLD_SUMMARY = (
    "summary: Ouderejaars koppelen eerstejaars aan een buddy, die in de eerste tien weken "
    "wekelijks\n  langskomt en de weg wijst naar de studentbegeleiding.\n"
)
NEW_SUMMARY = "Een nieuwe samenvatting van het buddyprogramma."


def own_layout(root: Path) -> None:
    (root / "initiatives" / f"{EDITED}.yml").write_text(OWN_LAYOUT, encoding="utf-8")


@pytest.mark.cms_setup.with_args(own_layout)
def test_editing_one_field_changes_only_that_fields_bytes(admin, preview):
    record = preview.root / "initiatives" / f"{EDITED}.yml"
    before = record.read_bytes()
    log_in(admin)
    admin.goto(f"admin/#/collections/initiatives/entries/{EDITED}")
    summary = admin.locator("[id^=summary-field-]")
    summary.wait_for()
    summary.focus()
    admin.keyboard.press("Control+a")
    admin.keyboard.type(NEW_SUMMARY)
    save(admin)
    text = written(record, before, "the edit")
    # the byte diff: the summary's two lines became one, nothing else moved
    assert OWN_LAYOUT.count(OLD_SUMMARY) == 1
    assert text == OWN_LAYOUT.replace(OLD_SUMMARY, f"summary: {NEW_SUMMARY}\n")
    assert validate(preview.root, [record], today=TODAY).findings == []
    preview.wait_for(f"initiatieven/{EDITED}/", "nieuwe samenvatting")
    assert own_errors(admin) == []


def choose_in(page, name: str, label: str) -> None:
    """Type `label` in the select of field `name` and take the first option with Enter."""
    page.locator(f'[id^="{name}-field-"]').focus()
    page.keyboard.type(label)
    page.keyboard.press("Enter")


def written(record: Path, before: bytes | None, what: str) -> str:
    """The record's text once the form has written it anew (`before`: its bytes until then,
    None: no file). decap-server writes the file in place (no rename), so a read may come
    between its truncate and its write: the text counts once it is a whole record (a mapping)
    and the same on two reads in a row."""
    deadline, last = time.monotonic() + 30, None
    while True:
        now = record.read_bytes() if record.exists() else None
        if now is not None and now != before:
            if now == last and isinstance(yaml.safe_load(now), dict):
                return now.decode("utf-8")
            last = now
        assert time.monotonic() < deadline, f"{what}: the form never wrote the record"
        time.sleep(0.2)


def test_typing_each_label_and_enter_stores_its_own_id(admin, preview):
    """Every term (kinds, sectors, themes, statuses) and criterion value: typed label and Enter
    store its id. Lists get every label, in reverse order (so `Preventie` is typed while
    `Suïcidepreventie` is still on offer); one-choice fields one label a round, saved each time."""
    framework = load_framework(preview.root / "quality_framework", preview.root)
    voc = framework.vocabularies
    lists = {"sectors": voc["sectors"], "themes": voc["themes"]}
    single = {"kind": voc["kinds"], "status": voc["statuses"]}
    for c in framework.criteria:
        (lists if c.multiple else single)[c.id] = c.values
    record = preview.root / "initiatives" / "elk-label.yml"
    log_in(admin)
    rounds = max(len(terms) for terms in single.values())
    for n in range(rounds):
        if n == 0:
            admin.goto("admin/#/collections/initiatives/new")
            admin.locator("[id^=title-field-]").fill("Elk label")
            admin.get_by_role("button", name="Voeg initiatiefnemer toe").click()
            admin.locator("[id^=initiator-field-]").fill("Hogeschool Testland")
            admin.locator("[id^=date-field-]").fill("2024-09")
            admin.locator("[id^=summary-field-]").fill("Elk label gekozen.")
            admin.locator("[contenteditable=true]").first.click()
            admin.keyboard.type("Elk label.")
            for name, terms in lists.items():
                for term in reversed(terms):
                    choose_in(admin, name, term.label)
        else:
            admin.goto("admin/#/collections/initiatives/entries/elk-label")
            admin.locator("[id^=title-field-]").wait_for()
        for name, terms in single.items():
            choose_in(admin, name, terms[n % len(terms)].label)
        before = record.read_bytes() if record.exists() else None
        save(admin)
        data = yaml.safe_load(written(record, before, f"round {n}"))
        stored = {**data, **data.get("quality", {})}
        for name, terms in single.items():
            assert stored[name] == terms[n % len(terms)].id, (n, name)
        for name, terms in lists.items():
            assert stored[name] == [t.id for t in reversed(terms)], name
    assert own_errors(admin) == []


def test_a_wrong_date_is_refused_with_validates_message_in_normal_case(admin, preview):
    log_in(admin)
    admin.goto("admin/#/collections/initiatives/new")
    admin.locator("[id^=date-field-]").fill("maart 2024")
    save(admin)
    error = admin.get_by_text("gevonden 'maart 2024'")
    error.wait_for()
    record = (REPO / "tests" / "corpus" / "valid" / "minimaal.yml").read_text(encoding="utf-8")
    file = preview.root / "maart.yml"
    file.write_text(record.replace("date: 2024-03-15", "date: maart 2024"), encoding="utf-8")
    [finding] = validate(preview.root, [file], today=TODAY).findings
    assert error.inner_text() == finding.message  # "...; schrijf 2024-03"
    assert finding.message.endswith("; schrijf 2024-03")
    assert error.evaluate("e => getComputedStyle(e).textTransform") == "none"
    assert not any(p.name.startswith("maart") for p in (preview.root / "initiatives").iterdir())


def test_only_decaps_own_update_loop_is_set_aside(admin):
    """own_errors sets aside React error #185 only when Decap's script threw it and ours are not
    on its stack: real errors, given that message, thrown in decap-cms.js, in this test's own
    script, and in kennisbank-record.js called by decap-cms.js; and not when the form is gone."""
    log_in(admin)
    admin.goto("admin/#/collections/initiatives/new")
    admin.wait_for_selector("[id^=title-field-]")
    loop = f"{DECAP_UPDATE_LOOP} visit https://react.dev/errors/185"
    admin.evaluate(
        """async (loop) => {
        const record = await import("./kennisbank-record.js");
        const thrown = (run) => { try { run(); } catch (error) { return error; } };
        const as = (message, error) => setTimeout(() => { error.message = message; throw error; });
        const inDecap = () => CMS.registerWidget({name: "x"});
        const inOurs = () => record.toFile(null, null);
        // create-react-class (in decap-cms.js) calls getDefaultProps at once
        const oursByDecap = () => createClass({render() {}, getDefaultProps: inOurs});
        as(loop, thrown(inDecap));
        as("Iets anders", thrown(inDecap));
        as(`${loop} (elders)`, new Error());
        as(`${loop} (via Decap)`, thrown(oursByDecap));
        }""",
        loop,
    )
    deadline = time.monotonic() + 10
    while len(admin.errors) < 4 and time.monotonic() < deadline:
        admin.wait_for_timeout(100)
    with pytest.warns(UserWarning, match="Decap CMS's own error"):
        kept = own_errors(admin)
    assert sorted(kept) == ["Iets anders", f"{loop} (elders)", f"{loop} (via Decap)"]
    admin.goto("admin/#/collections/initiatives")
    admin.get_by_text(words.NEW).wait_for()
    with pytest.raises(AssertionError, match="the form is gone"):
        own_errors(admin)
