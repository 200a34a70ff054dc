"""The web form's own script, in Node (render/admin/kennisbank-record.js, with the `yaml` library
the admin page loads): an edit writes only what changed, byte for byte; a typed label or code
picks its own option; a wrong date gets the message and fix `kennisbank validate` gives. The form
in Chromium is tests/browser/test_cms_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from conftest import FIXTURE_PROJECT, REPO
from test_corpus import VALID

from kennisbank_gen.check.validate import check_record
from kennisbank_gen.read.framework import load_framework
from kennisbank_gen.read.load import load_text
from kennisbank_gen.render.cms import YAML_DIST, date_rule, record_format_order

#: the tests' own small project's framework (the bundled one is the editors' to change)
FRAMEWORK = load_framework(FIXTURE_PROJECT / "quality_framework", FIXTURE_PROJECT)
ORDER = record_format_order(FRAMEWORK)
#: the day the records below are checked on (none of their dates is later, none too old)
DAY = dt.date(2025, 1, 1)

#: `node harness.js FUNCTION` reads a list of calls' arguments (JSON) and prints their results
HARNESS = """
import { readFileSync } from "node:fs";
import * as record from "./kennisbank-record.js";

const [name] = process.argv.slice(2);
const calls = JSON.parse(readFileSync(0, "utf8"));
const edit = (text, patch, order) => {
  const data = record.fromFile(text);
  for (const [key, value] of Object.entries(patch)) {
    if (key === "quality") data.quality = { ...(data.quality || {}), ...value };
    else data[key] = value;
  }
  return record.toFile(data, order);
};
const run = { ...record, edit }[name];
process.stdout.write(JSON.stringify(calls.map((args) => run(...args))));
"""


@pytest.fixture(scope="module")
def admin(tmp_path_factory) -> Path:
    """kennisbank-record.js beside the `yaml` library, as the admin page has them."""
    node = shutil.which("node")
    if node is None or not (REPO / YAML_DIST).is_dir():
        message = "needs Node.js and the web form's packages (`make cms-install`)"
        if os.environ.get("KENNISBANK_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("admin")
    script = resources.files("kennisbank_gen.render").joinpath("admin", "kennisbank-record.js")
    (directory / "kennisbank-record.js").write_text(script.read_text(encoding="utf-8"))
    (directory / "yaml").symlink_to(REPO / YAML_DIST, target_is_directory=True)
    (directory / "package.json").write_text('{"type": "module"}')
    (directory / "harness.js").write_text(HARNESS)
    return directory


def run(admin: Path, function: str, calls: list[list]) -> list:
    done = subprocess.run(
        ["node", "harness.js", function],
        cwd=admin,
        input=json.dumps(calls),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# -- an edit changes only the edited field's lines ----------------------------------------------

#: a record in its own layout: comments, flow and indentless lists, a year as a number, quotes,
#: plain text over two lines, `links: []`, criteria indented by four
LAYOUT = """\
# yaml-language-server: $schema=../schema/initiative.schema.json
# Eigen opmaak: deze regels blijven staan.
title: "Buddy's: samen het eerste jaar door"   # de titel van de oude site
initiators: [Hogeschool Voorbeeld, Studentenvereniging Voorbeeld]
date: 2023
kind: praktijkvoorbeeld
sectors: [hbo, wo]
themes: [sociale-binding, preventie]
summary: Ouderejaars koppelen eerstejaars aan een buddy, die in de eerste tien weken wekelijks
  langskomt en de weg wijst naar de studentbegeleiding.
body: |
  ## Aanpak

  Elke eerstejaars krijgt een buddy.
links: []
quality:
    evaluation: [ervaringen-studenten]   # volgens het jaarverslag
    duration: lang
guidance:
- inspectie-2023/07
last_reviewed: '2024-05-01'
"""

#: an edit in the form (what Decap hands the format) -> the lines it changes, and how
EDITS = {
    "nothing": ({}, []),
    "what Decap adds but the file leaves out": (
        {"example": False, "status": None, "previous_slugs": [], "links": []},
        [],
    ),
    "summary": (
        {"summary": "Een nieuwe samenvatting."},
        [
            (
                "summary: Ouderejaars koppelen eerstejaars aan een buddy, die in de eerste tien "
                "weken wekelijks\n  langskomt en de weg wijst naar de studentbegeleiding.\n",
                "summary: Een nieuwe samenvatting.\n",
            )
        ],
    ),
    "title": (
        {"title": "Buddy's voor eerstejaars"},
        [
            (
                'title: "Buddy\'s: samen het eerste jaar door"   # de titel van de oude site\n',
                'title: "Buddy\'s voor eerstejaars" # de titel van de oude site\n',
            )
        ],
    ),
    "a theme": (
        {"themes": ["sociale-binding", "beleid"]},
        [("themes: [sociale-binding, preventie]\n", "themes: [sociale-binding, beleid]\n")],
    ),
    "a criterion": (
        {"quality": {"duration": "middel"}},
        [("    duration: lang\n", "    duration: middel\n")],
    ),
    "a criterion added": (
        {"quality": {"scale": "klein"}},
        [("    duration: lang\n", "    duration: lang\n    scale: klein\n")],
    ),
    "a criterion left out": (
        {"quality": {"evaluation": []}},
        [("    evaluation: [ervaringen-studenten]   # volgens het jaarverslag\n", "")],
    ),
    "a field added": (
        {"status": "actief"},
        [("- inspectie-2023/07\n", "- inspectie-2023/07\nstatus: actief\n")],
    ),
    "a first link": (
        {"links": [{"label": "Website", "url": "https://example.org/buddy"}]},
        [("links: []\n", "links:\n- label: Website\n  url: https://example.org/buddy\n")],
    ),
    "a guidance item": (
        {"guidance": ["inspectie-2023/07", "inspectie-2023/13"]},
        [("- inspectie-2023/07\n", "- inspectie-2023/07\n- inspectie-2023/13\n")],
    ),
    "the date": ({"date": "2023-09"}, [("date: 2023\n", "date: 2023-09\n")]),
}


def test_an_edit_writes_only_the_lines_of_the_fields_it_changed(admin):
    names = sorted(EDITS)
    written = run(admin, "edit", [[LAYOUT, EDITS[name][0], ORDER] for name in names])
    for name, text in zip(names, written, strict=True):
        expected = LAYOUT
        for old, new in EDITS[name][1]:
            assert expected.count(old) == 1, (name, old)
            expected = expected.replace(old, new)
        assert text == expected, name
        doc = load_text(text, "initiatives/buddy.yml")  # and the validator reads it
        assert check_record(doc, FRAMEWORK, DAY) == [], name


def test_a_record_read_and_written_unchanged_is_the_same_file(admin):
    files = sorted((REPO / "initiatives").glob("*.yml")) + sorted(VALID.glob("*.yml"))
    texts = [f.read_bytes().decode("utf-8-sig") for f in files]
    written = run(admin, "edit", [[text, {}, ORDER] for text in texts])
    assert [f.name for f, a, b in zip(files, texts, written, strict=True) if a != b] == []


def test_a_new_record_is_written_as_kennisbank_new_writes_one(admin):
    data = {
        "themes": ["preventie"],
        "title": "Nieuw",
        "quality": {"duration": None, "evaluation": []},
        "links": [],
        "example": False,
    }
    [text] = run(admin, "toFile", [[data, ORDER]])
    assert text == (
        "# yaml-language-server: $schema=../schema/initiative.schema.json\n"
        "title: Nieuw\nthemes:\n  - preventie\nquality: {}\n"
    )


# -- a typed label or code picks its own option -------------------------------------------------


def _vocabularies():
    for name, terms in FRAMEWORK.vocabularies.items():
        yield name, [{"label": t.label, "value": t.id} for t in terms]
    for c in FRAMEWORK.criteria:
        yield f"quality.{c.id}", [{"label": v.label, "value": v.id} for v in c.values]


def test_typing_a_label_or_code_ranks_its_own_option_first(admin):
    calls, wanted = [], []
    for _, options in _vocabularies():
        for option in options:
            for typed in (option["label"], option["value"], option["label"].upper()):
                calls.append([options, typed])
                wanted.append(option["value"])
    firsts = [ranking[0]["value"] for ranking in run(admin, "ranked", calls)]
    assert firsts == wanted


def test_a_prefix_ranks_before_a_word_inside(admin):
    themes = dict(_vocabularies())["themes"]
    typed = ["Preventie", "prev", "PREV", "suicide", "Sociale", "sociale v", "stress"]
    rankings = run(admin, "ranked", [[themes, t] for t in typed])
    assert [r[0]["value"] for r in rankings] == [
        "preventie",
        "preventie",
        "preventie",
        "suicidepreventie",
        "sociale-binding",  # both start so: the framework's order
        "sociale-veiligheid",
        "stress-prestatiedruk",
    ]
    assert run(admin, "ranked", [[themes, ""]]) == [themes]  # nothing typed: the framework's order


# -- a wrong date: the message and fix of `kennisbank validate` ----------------------------------

DATES = [
    "maart 2024",
    "12 oktober 2021",
    "12-10-2021",
    "mrt. 2020",
    "31 april 2020",
    "2024-13",
    "2023-02-30",
    "gisteren",
    "it's 2024",
    "2024",
    "2024-03",
    "2024-02-29",
]


def test_a_wrong_date_gets_the_message_and_fix_validate_gives(admin):
    said = run(admin, "dateProblem", [[date, date_rule(FRAMEWORK)] for date in DATES])
    for date, message in zip(DATES, said, strict=True):
        record = (VALID / "minimaal.yml").read_text(encoding="utf-8")
        doc = load_text(record.replace("date: 2024-03-15", f"date: {json.dumps(date)}"), "x.yml")
        findings = [f.message for f in check_record(doc, FRAMEWORK, DAY) if f.field == "date"]
        assert [message] == findings if message else findings == [], date
    assert said[0].endswith("gevonden 'maart 2024'; schrijf 2024-03")
