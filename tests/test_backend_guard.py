"""The web form's backend guard (editors/backend_guard.py): what the form asks decap-server in
both modes passes; a path, branch or upload outside the records does not."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from kennisbank_gen.editors.backend_guard import Rules, refusal

SLUG = "peer-coaching-voor-eerstejaars-in-ede"
RECORD = f"initiatives/{SLUG}.yml"
RAW = "# yaml-language-server: $schema=../schema/initiative.schema.json\ntitle: Peer-coaching\n"


def persist(path: str = RECORD, slug: str = SLUG, workflow: bool = False, **options) -> dict:
    """A save as Decap CMS 3.16 sends it (seen through the form server, fs and git mode)."""
    return {
        "action": "persistEntry",
        "params": {
            "branch": "main",
            "dataFiles": [{"path": path, "slug": slug, "raw": RAW}],
            "assets": [],
            "options": {
                "collectionName": "initiatives",
                "commitMessage": f"Nieuw record: {slug}",
                "useWorkflow": workflow,
                "status": "draft",
                **options,
            },
        },
    }


#: every request the form makes (Decap CMS 3.16, both modes), as the form server saw them
ASKED_BY_THE_FORM = [
    {"action": "info"},
    {
        "action": "entriesByFolder",
        "params": {"branch": "main", "folder": "initiatives", "extension": "yml", "depth": 1},
    },
    {"action": "getEntry", "params": {"branch": "main", "path": RECORD}},
    {"action": "entriesByFiles", "params": {"branch": "main", "files": [{"path": RECORD}]}},
    persist(),
    persist(workflow=True),
    {"action": "unpublishedEntries", "params": {"branch": "main"}},
    {
        "action": "unpublishedEntry",
        "params": {"branch": "main", "collection": "initiatives", "slug": SLUG},
    },
    {"action": "unpublishedEntry", "params": {"branch": "main", "id": f"initiatives/{SLUG}"}},
    {
        "action": "unpublishedEntryDataFile",
        "params": {
            "branch": "main",
            "collection": "initiatives",
            "slug": SLUG,
            "id": "abc",
            "path": RECORD,
        },
    },
    {
        "action": "updateUnpublishedEntryStatus",
        "params": {
            "branch": "main",
            "collection": "initiatives",
            "slug": SLUG,
            "newStatus": "pending_review",
        },
    },
    {
        "action": "publishUnpublishedEntry",
        "params": {"branch": "main", "collection": "initiatives", "slug": SLUG},
    },
    {
        "action": "deleteUnpublishedEntry",
        "params": {"branch": "main", "collection": "initiatives", "slug": SLUG},
    },
    {
        "action": "deleteFile",
        "params": {"branch": "main", "path": RECORD, "options": {"commitMessage": "weg"}},
    },
    {
        "action": "deleteFiles",
        "params": {"branch": "main", "paths": [RECORD], "options": {"commitMessage": "weg"}},
    },
    {
        "action": "getDeployPreview",
        "params": {"branch": "main", "collection": "initiatives", "slug": SLUG},
    },
]


@pytest.fixture
def rules(tmp_path: Path) -> Rules:
    (tmp_path / "initiatives").mkdir()
    (tmp_path / "initiatives" / f"{SLUG}.yml").write_text(RAW, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    return Rules(tmp_path, "main")


@pytest.mark.parametrize("request_", ASKED_BY_THE_FORM, ids=lambda r: r["action"])
def test_what_the_form_asks_passes(request_, rules):
    assert refusal(request_, rules) is None


#: paths that are not a record, each a way out of initiatives/ or around the slug rule
NOT_RECORDS = [
    "mkdocs.yml",
    "initiatives/../mkdocs.yml",
    "initiatives/x/../../mkdocs.yml",
    "./initiatives/x.yml",
    "initiatives//x.yml",
    "initiatives/%2e%2e/mkdocs.yml",
    "initiatives%2Fx.yml",
    "initiatives%2f..%2fmkdocs.yml",
    "initiatives\\..\\mkdocs.yml",
    "initiatives/x.yml\\..\\..\\mkdocs.yml",
    "/etc/passwd",
    "/tmp/initiatives/x.yml",
    f"{os.sep}initiatives/x.yml",
    "initiatives/sub/x.yml",
    "initiatives/x.py",
    "initiatives/x.yml.py",
    "initiatives/x.yaml",
    "initiatives/X.yml",
    "initiatives/x.yml\n",
    "initiatives/x.yml\x00.py",
    "initiatives/\uff58.yml",  # a full-width x
    "initiatives/-x.yml",
    "initiatives/con.yml",  # a Windows device name
    "initiatives/.yml",
    "src/kennisbank_gen/hook.py",
    ".github/workflows/pr.yml",
    ".env",
    "",
    None,
    ["initiatives/x.yml"],
]


@pytest.mark.parametrize("path", NOT_RECORDS, ids=repr)
@pytest.mark.parametrize(
    "make",
    [
        lambda path: persist(path=path),
        lambda path: {"action": "getEntry", "params": {"branch": "main", "path": path}},
        lambda path: {
            "action": "deleteFile",
            "params": {"branch": "main", "path": path, "options": {"commitMessage": "x"}},
        },
        lambda path: {
            "action": "deleteFiles",
            "params": {
                "branch": "main",
                "paths": [RECORD, path],
                "options": {"commitMessage": "x"},
            },
        },
        lambda path: {"action": "entriesByFiles", "params": {"branch": "main", "files": [path]}},
    ],
    ids=["persistEntry", "getEntry", "deleteFile", "deleteFiles", "entriesByFiles"],
)
def test_a_path_outside_the_records_is_refused(make, path, rules):
    assert refusal(make(path), rules)


def test_a_move_out_of_the_records_is_refused(rules):
    request = persist()
    request["params"]["dataFiles"][0]["newPath"] = "overrides/main.html"
    assert "newPath" in refusal(request, rules)


def test_a_record_path_through_a_symbolic_link_is_refused(rules):
    root = rules.root
    (root / "initiatives" / "link.yml").symlink_to(root / "mkdocs.yml")
    assert "symbolische link" in refusal(persist("initiatives/link.yml", "link"), rules)
    get = {"action": "getEntry", "params": {"branch": "main", "path": "initiatives/link.yml"}}
    assert "symbolische link" in refusal(get, rules)


def test_initiatives_itself_as_a_symbolic_link_is_refused(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "initiatives").symlink_to(tmp_path / "src", target_is_directory=True)
    assert "symbolische link" in refusal(persist(), Rules(tmp_path, "main"))


def test_a_record_file_that_is_a_directory_is_refused(rules):
    (rules.root / "initiatives" / "map.yml").mkdir()
    assert refusal(persist("initiatives/map.yml", "map"), rules)


def changed(request: dict, edit) -> dict:
    request = copy.deepcopy(request)
    edit(request["params"])
    return request


WORKFLOW = persist(workflow=True)
STATUS = ASKED_BY_THE_FORM[10]
PUBLISH = ASKED_BY_THE_FORM[11]
UNPUBLISHED = ASKED_BY_THE_FORM[7]


@pytest.mark.parametrize(
    "request_",
    [
        # another branch than the form's, or an option in its place
        changed(WORKFLOW, lambda p: p.update(branch="other")),
        changed(WORKFLOW, lambda p: p.update(branch="--upload-pack=touch /tmp/x")),
        changed(PUBLISH, lambda p: p.update(branch="main\nx")),
        {"action": "unpublishedEntries", "params": {"branch": ["main"]}},
        # the entry's branch is cms/<collection>/<slug>: both pinned
        changed(WORKFLOW, lambda p: p["options"].update(collectionName="../../main")),
        changed(WORKFLOW, lambda p: p["options"].update(collectionName="src")),
        changed(WORKFLOW, lambda p: p["dataFiles"][0].update(slug="x/../../main")),
        changed(WORKFLOW, lambda p: p["dataFiles"][0].update(slug="other-record")),
        changed(PUBLISH, lambda p: p.update(collection="initiatives/../..")),
        changed(PUBLISH, lambda p: p.update(slug="../../main")),
        changed(PUBLISH, lambda p: p.update(slug="-d")),
        changed(UNPUBLISHED, lambda p: p.update(id="initiatives/../x")),
        {"action": "unpublishedEntry", "params": {"branch": "main", "id": "src/x"}},
        {"action": "unpublishedEntry", "params": {"branch": "main"}},
        # what reaches git config and commit messages: one line, known values
        changed(STATUS, lambda p: p.update(newStatus="draft\n[core]\nfsmonitor = x")),
        changed(STATUS, lambda p: p.update(cmsLabelPrefix="x\n[core]")),
        changed(WORKFLOW, lambda p: p["options"].update(status="published")),
        changed(WORKFLOW, lambda p: p["options"].update(commitMessage="a\nb")),
        changed(WORKFLOW, lambda p: p["options"].update(commitMessage="x" * 400)),
        changed(WORKFLOW, lambda p: p.update(cmsLabelPrefix="../")),
    ],
    ids=repr,
)
def test_git_mode_branch_and_config_tricks_are_refused(request_, rules):
    assert refusal(request_, rules)


@pytest.mark.parametrize(
    "request_",
    [
        changed(persist(), lambda p: p.update(assets=[{"path": "x.py", "content": "eA=="}])),
        {
            "action": "persistMedia",
            "params": {
                "branch": "main",
                "asset": {
                    "path": "content/media/x.svg",
                    "content": "PHN2Zz4=",
                    "encoding": "base64",
                },
                "options": {"commitMessage": "x"},
            },
        },
        {"action": "getMediaFile", "params": {"branch": "main", "path": "mkdocs.yml"}},
        {"action": "getMedia", "params": {"branch": "main", "mediaFolder": "/"}},
        {
            "action": "unpublishedEntryMediaFile",
            "params": {
                "branch": "main",
                "collection": "initiatives",
                "slug": SLUG,
                "id": "x",
                "path": RECORD,
            },
        },
    ],
    ids=lambda r: r["action"],
)
def test_uploads_and_media_are_refused(request_, rules):
    assert "media" in refusal(request_, rules) or "assets" in refusal(request_, rules)


@pytest.mark.parametrize(
    "request_",
    [
        None,
        [],
        "info",
        {"action": "shell"},
        {"action": "__proto__"},
        {"action": ["info"]},
        {"action": "getEntry"},
        {"action": "getEntry", "params": ["main", RECORD]},
        {"action": "persistEntry", "params": {"branch": "main"}},
        changed(persist(), lambda p: p.update(entry=p["dataFiles"][0])),
        changed(persist(), lambda p: p.update(dataFiles=[])),
        changed(persist(), lambda p: p["dataFiles"][0].update(raw=None)),
        changed(persist(), lambda p: p.update(options=None)),
        {
            "action": "entriesByFolder",
            "params": {"branch": "main", "folder": "/", "extension": "yml", "depth": 1},
        },
        {
            "action": "entriesByFolder",
            "params": {"branch": "main", "folder": "initiatives", "extension": "", "depth": 9},
        },
    ],
    ids=repr,
)
def test_anything_else_is_refused(request_, rules):
    assert refusal(request_, rules)


def test_the_reason_is_dutch_and_names_what_it_found(rules):
    reason = refusal(persist(path="initiatives/../mkdocs.yml"), rules)
    assert reason == (
        "path: verwacht een record, initiatives/<naam>.yml, gevonden 'initiatives/../mkdocs.yml'"
    )
