"""What the web form's local backend may be asked: to list, read, create, change and delete
records (`initiatives/<slug>.yml`), and nothing else.

decap-server (the backend, from cms/node_modules/) reads and writes any path of the repository it
is given, in both modes, and in git mode makes branches named after what the request says. So
the form server (form_server.py) puts every request through `refusal` before decap-server sees it;
a request it refuses is answered with 403 and the reason, and never forwarded. The rules:

- **paths**: every path a request names is a record path, `initiatives/<slug>.yml` with the slug
  rule `kennisbank validate` applies to file names (check/slugs.py), matched on the exact text:
  no other folder, no `..`, no absolute path, no back or encoded slash, no other extension. The
  file and `initiatives/` itself are plain (a symbolic link could lead a write anywhere);
- **branches** (git mode): `branch` is the form's own (the source branch of mkdocs.yml), a
  collection is `initiatives` and an entry's id `initiatives/<slug>`: the only branches
  decap-server makes are `cms/initiatives/<slug>`;
- **no media**: the form has no upload fields, so uploads and media reads are refused (Decap
  asks for the media folder's list when it starts: that one is answered with an empty list by
  the form server, see `EMPTY_ANSWERS`);
- **text that reaches git** (commit messages, statuses, label prefixes): one line, bounded.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..check.slugs import slug_problem
from ..read.project import RECORDS_DIR

#: Decap's workflow states (decap-cms-lib-util's `Status`), the only values of a status
STATUSES = ("draft", "pending_review", "pending_publish")
#: the prefix Decap puts before a status in a branch's description (git mode)
LABEL_PREFIX = "decap-cms/"
MESSAGE_MAX = 300
_RECORD_PATH = re.compile(rf"{RECORDS_DIR}/([a-z0-9-]+)\.yml", re.ASCII)
#: answered by the form server itself, never forwarded: the form has no media
EMPTY_ANSWERS = {"getMedia": []}


@dataclass(frozen=True)
class Rules:
    """Where the backend works: the project (to look at files) and the form's branch."""

    root: Path
    branch: str


class Refused(Exception):
    """A request outside what the form may ask; the message (Dutch) says what and why."""


def refusal(request: object, rules: Rules) -> str | None:
    """Why `request` (a parsed JSON body for decap-server) may not be forwarded, or None."""
    try:
        _check(request, rules)
    except Refused as exc:
        return str(exc)
    return None


def _check(request: object, rules: Rules) -> None:
    if not isinstance(request, dict):
        raise Refused(f"verwacht een JSON-object, gevonden {type(request).__name__}")
    action = request.get("action")
    if action == "info":
        return
    check = ACTIONS.get(action) if isinstance(action, str) else None
    if check is None:
        raise Refused(f"verwacht een handeling op records, gevonden {_shown(action)}")
    params = request.get("params")
    if not isinstance(params, dict):
        raise Refused(f"{action}: verwacht params, gevonden {_shown(params)}")
    if params.get("branch") != rules.branch:
        raise Refused(f"{action}: verwacht de tak {rules.branch!r}, gevonden {_shown(params)}")
    check(params, rules)


def _shown(value: object) -> str:
    return repr(value)[:80]


def record_path(value: object, rules: Rules, field: str = "path") -> str:
    """`value` when it is the path of a record that is a plain file or does not exist yet;
    Refused otherwise. Returns the record's slug."""
    match = _RECORD_PATH.fullmatch(value) if isinstance(value, str) else None
    if match is None or slug_problem(match.group(1)) is not None:
        raise Refused(
            f"{field}: verwacht een record, {RECORDS_DIR}/<naam>.yml, gevonden {_shown(value)}"
        )
    for path, plain in ((RECORDS_DIR, stat.S_ISDIR), (value, stat.S_ISREG)):
        try:
            mode = (rules.root / path).lstat().st_mode
        except FileNotFoundError:
            continue
        if not plain(mode):
            raise Refused(
                f"{field}: verwacht een gewoon bestand of een gewone map, gevonden "
                f"{'een symbolische link' if stat.S_ISLNK(mode) else 'iets anders'} in {path}"
            )
    return match.group(1)


def _slug(value: object, field: str = "slug") -> str:
    if not isinstance(value, str) or slug_problem(value) is not None:
        raise Refused(f"{field}: verwacht de naam van een record, gevonden {_shown(value)}")
    return value


def _entry(params: dict, rules: Rules) -> str:
    """The entry a workflow request is about: collection `initiatives` and a record's slug."""
    if params.get("collection") != RECORDS_DIR:
        raise Refused(f"collection: verwacht {RECORDS_DIR!r}, gevonden {_shown(params)}")
    return _slug(params.get("slug"))


def _line(value: object, field: str, optional: bool = False) -> None:
    """Text that git stores (a commit message, a status): one line of at most MESSAGE_MAX."""
    if optional and value is None:
        return
    if not isinstance(value, str) or len(value) > MESSAGE_MAX or re.search(r"[\x00-\x1f]", value):
        raise Refused(f"{field}: verwacht één regel tekst, gevonden {_shown(value)}")


def _label_prefix(params: dict) -> None:
    if params.get("cmsLabelPrefix") not in (None, "", LABEL_PREFIX):
        raise Refused(f"cmsLabelPrefix: verwacht {LABEL_PREFIX!r}, gevonden {_shown(params)}")


def _entries_by_folder(params: dict, rules: Rules) -> None:
    wanted = {"folder": RECORDS_DIR, "extension": "yml", "depth": 1}
    if {name: params.get(name) for name in wanted} != wanted:
        raise Refused(f"entriesByFolder: verwacht {wanted}, gevonden {_shown(params)}")


def _entries_by_files(params: dict, rules: Rules) -> None:
    files = params.get("files")
    if not isinstance(files, list):
        raise Refused(f"files: verwacht een lijst, gevonden {_shown(files)}")
    for file in files:
        record_path(file.get("path") if isinstance(file, dict) else file, rules)


def _path(params: dict, rules: Rules) -> None:
    record_path(params.get("path"), rules)


def _nothing_more(params: dict, rules: Rules) -> None:
    """unpublishedEntries: the branch (checked for every action) is all it names."""


def _unpublished_entry(params: dict, rules: Rules) -> None:
    _label_prefix(params)
    if "id" in params:
        entry_id = params["id"]
        collection, _, slug = entry_id.partition("/") if isinstance(entry_id, str) else ("", "", "")
        if collection != RECORDS_DIR:
            raise Refused(f"id: verwacht {RECORDS_DIR}/<naam>, gevonden {_shown(entry_id)}")
        _slug(slug, "id")
    if "collection" in params or "slug" in params or "id" not in params:
        _entry(params, rules)


def _entry_data_file(params: dict, rules: Rules) -> None:
    slug = _entry(params, rules)
    if record_path(params.get("path"), rules) != slug:
        raise Refused(f"path: verwacht {RECORDS_DIR}/{slug}.yml, gevonden {_shown(params)}")


def _entry_only(params: dict, rules: Rules) -> None:
    _entry(params, rules)


def _status(params: dict, rules: Rules) -> None:
    _entry(params, rules)
    _label_prefix(params)
    if params.get("newStatus") not in STATUSES:
        raise Refused(f"newStatus: verwacht een van {list(STATUSES)}, gevonden {_shown(params)}")


def _persist_entry(params: dict, rules: Rules) -> None:
    _label_prefix(params)
    if ("entry" in params) == ("dataFiles" in params):
        raise Refused("persistEntry: verwacht entry of dataFiles (één van beide)")
    files = params["dataFiles"] if "dataFiles" in params else [params["entry"]]
    if not isinstance(files, list) or not files:
        raise Refused(f"dataFiles: verwacht een lijst records, gevonden {_shown(files)}")
    for file in files:
        if not isinstance(file, dict) or not isinstance(file.get("raw"), str):
            raise Refused(f"dataFiles: verwacht een record met tekst, gevonden {_shown(file)}")
        if record_path(file.get("path"), rules) != _slug(file.get("slug")):
            raise Refused(f"path: verwacht {RECORDS_DIR}/<slug>.yml, gevonden {_shown(file)}")
        if file.get("newPath") is not None:
            record_path(file["newPath"], rules, "newPath")
    if params.get("assets") != []:
        raise Refused(
            f"assets: verwacht geen bestanden (het formulier uploadt niets), gevonden "
            f"{_shown(params.get('assets'))}"
        )
    options = params.get("options")
    if not isinstance(options, dict):
        raise Refused(f"options: verwacht velden, gevonden {_shown(options)}")
    if options.get("collectionName", RECORDS_DIR) != RECORDS_DIR:
        raise Refused(f"collectionName: verwacht {RECORDS_DIR!r}, gevonden {_shown(options)}")
    _line(options.get("commitMessage"), "commitMessage")
    if options.get("useWorkflow") and options.get("status") not in STATUSES:
        raise Refused(f"status: verwacht een van {list(STATUSES)}, gevonden {_shown(options)}")
    _line(options.get("status"), "status", optional=True)


def _delete_files(params: dict, rules: Rules) -> None:
    paths = params.get("paths") if "paths" in params else [params.get("path")]
    if not isinstance(paths, list) or not paths:
        raise Refused(f"paths: verwacht een lijst records, gevonden {_shown(paths)}")
    for path in paths:
        record_path(path, rules)
    options = params.get("options")
    _line(options.get("commitMessage") if isinstance(options, dict) else None, "commitMessage")


def _no_media(params: dict, rules: Rules) -> None:
    raise Refused("verwacht geen media: het formulier leest en schrijft alleen records")


#: every action decap-server knows (its joi schema) but `info`, with what it may name
ACTIONS = {
    "entriesByFolder": _entries_by_folder,
    "entriesByFiles": _entries_by_files,
    "getEntry": _path,
    "unpublishedEntries": _nothing_more,
    "unpublishedEntry": _unpublished_entry,
    "unpublishedEntryDataFile": _entry_data_file,
    "unpublishedEntryMediaFile": _no_media,
    "deleteUnpublishedEntry": _entry_only,
    "persistEntry": _persist_entry,
    "updateUnpublishedEntryStatus": _status,
    "publishUnpublishedEntry": _entry_only,
    "getMedia": _no_media,
    "getMediaFile": _no_media,
    "persistMedia": _no_media,
    "deleteFile": _delete_files,
    "deleteFiles": _delete_files,
    "getDeployPreview": _entry_only,
}
