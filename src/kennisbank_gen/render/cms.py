"""The editors' web form: a Decap CMS configuration generated from the quality framework, and the
admin page (`/admin/`) that serves it from the site itself.

One collection, `initiatives/`, with a widget per record field in the record's field order:
vocabularies and criterion values as selects (the Dutch label shown, the id stored; what is typed
ranks the options, the label or code itself first: `kennisbank-select`), guidance references as a
select of the real items with their titles, the body as Markdown, dates as text in the record's
own format (refused with the message and fix `kennisbank validate` gives: `kennisbank-date`).
Both widgets, and the record format that writes only what an edit changed, are the admin page's
own script (`admin/kennisbank-cms.js`, `admin/kennisbank-record.js`). A criterion the framework
marks `unknown: true` may be left empty (the site shows "Niet bekend"). A new criterion or value
in the framework is a new field or option here, with no code change.

The Decap CMS bundle is not ours: `make cms-install` fetches it from the npm registry (checksum
pinned in the Makefile) into `cms/node_modules/`. Without it, `/admin/` is left out of the site.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..check.fields import FIELDS
from ..check.record_schema import DATE_PATTERN, SLUG_PATTERN, URL_PATTERN, record_schema
from ..check.slugs import PREVIOUS_URL_PATTERN
from ..config import SiteConfig
from ..read.dates import MONTH_WORDS
from ..read.framework import UNKNOWN_LABEL, Criterion, Framework
from .csp import ADMIN_PAGE, ADMIN_POLICY
from .model import Site

ADMIN_DIR = "admin"
#: where `make cms-install` puts the npm packages, relative to the project root
DECAP_DIST = Path("cms/node_modules/decap-cms/dist")
YAML_DIST = Path("cms/node_modules/yaml/browser/dist")
LOCAL_BACKEND_PORT = 8081
COLLECTION = "initiatives"
RECORD_FORMAT = "kennisbank-yaml"
#: the admin page's own widgets (admin/kennisbank-cms.js), around Decap's select and string
SELECT_WIDGET = "kennisbank-select"
DATE_WIDGET = "kennisbank-date"
MARKDOWN_BUTTONS = [
    "bold",
    "italic",
    "link",
    "heading-two",
    "heading-three",
    "quote",
    "bulleted-list",
    "numbered-list",
]


def local_backend_url(port: int = LOCAL_BACKEND_PORT) -> str:
    return f"http://127.0.0.1:{port}/api/v1"


def _options(terms) -> list[dict[str, str]]:
    return [{"label": t.label, "value": t.id} for t in terms]


#: where the form needs other words than CONTRIBUTING.md (which lists codes "hieronder")
FORM_HINTS = {
    "initiators": "De organisatie(s) die het initiatief uitvoeren of uitgeven: één per regel "
    "(Voeg initiatiefnemer toe).",
    "kind": "Kies de soort uit de lijst.",
    "sectors": "Kies een of meer sectoren uit de lijst.",
    "themes": "Kies een of meer thema's uit de lijst.",
    "links": "Optioneel. Links naar meer informatie, elk met een linktekst en een adres.",
    "quality": "De beoordeling op elk criterium van het kwaliteitskader: kies per criterium een "
    "waarde. Uitleg bij elke waarde: de pagina Kwaliteitskader.",
    "guidance": "Optioneel. De aanbevelingen en tips waar het initiatief invulling aan geeft.",
    "status": "Optioneel. Kies de status uit de lijst.",
    "last_reviewed": "Optioneel. De dag waarop de redactie het record voor het laatst nakeek.",
    "example": "Alleen aanzetten voor een verzonnen voorbeeldrecord.",
}


def _hint(name: str) -> str:
    return FORM_HINTS.get(name, FIELDS[name].help)


def _field(name: str, widget: str, **extra: Any) -> dict[str, Any]:
    label = FIELDS[name].label
    return {"name": name, "label": label, "widget": widget, "hint": _hint(name), **extra}


def _select(name: str, options: list, multiple: bool) -> dict[str, Any]:
    extra: dict[str, Any] = {"options": options}
    if multiple:
        extra["multiple"] = True
    return _field(name, SELECT_WIDGET, **extra)


def _pattern(regex: str, message: str) -> list[str]:
    return [regex, message]


UNKNOWN_HINT = f" Laat leeg als de bron het niet zegt: de site toont dan '{UNKNOWN_LABEL}'."


def _criterion_field(criterion: Criterion) -> dict[str, Any]:
    unknown = criterion.unknown  # the record may leave it out
    field: dict[str, Any] = {
        "name": criterion.id,
        "label": criterion.label,
        "widget": SELECT_WIDGET,
        "hint": criterion.question + (UNKNOWN_HINT if unknown else ""),
        "options": [{"label": v.label, "value": v.id} for v in criterion.values],
    }
    if criterion.multiple:
        field["multiple"] = True
        if not unknown:
            field["min"] = 1
    if unknown:
        field["required"] = False
    return field


def _record_fields(site: Site) -> dict[str, dict[str, Any]]:
    """A widget for every field of a record, by field name."""
    framework = site.framework
    voc = framework.vocabularies
    guidance = [
        {"label": f"{item.id} · {item.title}", "value": item.id} for item in site.items.values()
    ]
    text = _pattern(r"^[\s\S]{3,200}$", "Een titel heeft 3 tot 200 tekens.")
    return {
        "title": _field("title", "string", pattern=text),
        "initiators": _field(
            "initiators",
            "list",
            collapsed=False,
            field={"name": "initiator", "label": "Organisatie", "widget": "string"},
        ),
        "date": _field("date", DATE_WIDGET),
        "kind": _select("kind", _options(voc["kinds"]), multiple=False),
        "sectors": _select("sectors", _options(voc["sectors"]), multiple=True),
        "themes": _select("themes", _options(voc["themes"]), multiple=True),
        "summary": _field("summary", "text"),
        "body": _field(
            "body",
            "markdown",
            modes=["rich_text", "raw"],
            buttons=MARKDOWN_BUTTONS,
            editor_components=[],
            sanitize_preview=True,
        ),
        "links": _field(
            "links",
            "list",
            collapsed=False,
            summary="{{fields.label}}",
            fields=[
                {"name": "label", "label": "Linktekst", "widget": "string"},
                {
                    "name": "url",
                    "label": "Adres",
                    "widget": "string",
                    "hint": "Begint met https://, http:// of mailto:.",
                    "pattern": _pattern(
                        URL_PATTERN, "Een adres begint met https://, http:// of mailto:."
                    ),
                },
            ],
        ),
        "quality": _field(
            "quality",
            "object",
            collapsed=False,
            fields=[_criterion_field(c) for c in framework.criteria],
        ),
        "guidance": _select("guidance", guidance, multiple=True),
        "status": _select("status", _options(voc["statuses"]), multiple=False),
        "last_reviewed": _field(
            "last_reviewed",
            "datetime",
            format="YYYY-MM-DD",
            date_format="YYYY-MM-DD",
            time_format=False,
        ),
        "example": _field("example", "boolean", default=False),
        "previous_slugs": _field(
            "previous_slugs",
            "list",
            field={
                "name": "slug",
                "label": "Vorige bestandsnaam",
                "widget": "string",
                "pattern": _pattern(SLUG_PATTERN, "Kleine letters, cijfers en streepjes."),
            },
        ),
        "previous_urls": _field(
            "previous_urls",
            "list",
            field={
                "name": "url",
                "label": "Adres op de oude site",
                "widget": "string",
                "pattern": _pattern(
                    PREVIOUS_URL_PATTERN, "Een adres zoals /onderzoek/mijn-initiatief/."
                ),
            },
        ),
    }


def _required(fields: dict[str, dict[str, Any]], schema: dict) -> None:
    """What the record schema requires is required in the form; the rest is optional, and a
    required list needs at least one entry."""
    for name, field in fields.items():
        if name not in schema["required"]:
            field["required"] = False
        elif field["widget"] == "list" or field.get("multiple"):
            field["min"] = 1


def record_order(site: Site) -> list[str]:
    """The record's fields in the order records write them (the JSON Schema's order)."""
    return list(record_schema(site.framework)["properties"])


def _backend(config: SiteConfig) -> dict[str, Any]:
    path = urlsplit(config.repo_url).path.strip("/")
    backend: dict[str, Any] = {
        "name": "github",
        "repo": path or "OWNER/REPOSITORY",
        "branch": config.source_branch,
        "open_authoring": True,
        "squash_merges": True,
        "commit_messages": {
            "create": "Nieuw record: {{slug}}",
            "update": "Record bijgewerkt: {{slug}}",
            "delete": "Record verwijderd: {{slug}}",
            "uploadMedia": "Bestand toegevoegd: {{path}}",
            "deleteMedia": "Bestand verwijderd: {{path}}",
            "openAuthoring": "{{message}}",
        },
    }
    # where the OAuth client runs (see README, "Web form for editors"); Decap's default otherwise
    backend.update({k: v for k, v in config.cms.items() if k in ("base_url", "auth_endpoint")})
    return backend


def cms_config(site: Site, config: SiteConfig, port: int = LOCAL_BACKEND_PORT) -> dict[str, Any]:
    """The Decap CMS configuration (`admin/config.yml`), generated from the framework."""
    fields = _record_fields(site)
    _required(fields, record_schema(site.framework))
    return {
        "backend": _backend(config),
        "publish_mode": "editorial_workflow",
        # used only when the admin page is opened on localhost and `decap-server` answers
        "local_backend": {"url": local_backend_url(port)},
        "locale": "nl",
        "site_url": config.site_url,
        "display_url": config.site_url,
        "media_folder": "content/media",  # required by Decap; the form has no upload fields
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            {
                "name": COLLECTION,
                "label": "Initiatieven",
                "label_singular": "Initiatief",
                "description": "Onderzoek, handreikingen en praktijkvoorbeelden. Uitleg bij elk "
                "veld en criterium: CONTRIBUTING.md en de pagina Kwaliteitskader.",
                "folder": COLLECTION,
                "extension": "yml",
                "format": RECORD_FORMAT,
                "create": True,
                "delete": False,
                "slug": "{{slug}}",
                "identifier_field": "title",
                "summary": "{{title}} ({{date}})",
                "sortable_fields": ["title", "date"],
                "editor": {"preview": False},
                "fields": [fields[name] for name in record_order(site)],
            }
        ],
    }


def config_text(site: Site, config: SiteConfig, port: int = LOCAL_BACKEND_PORT) -> str:
    header = (
        "# Generated by kennisbank_gen from quality_framework/ and content/guidance/: "
        "do not edit.\n"
    )
    return header + yaml.safe_dump(
        cms_config(site, config, port), sort_keys=False, allow_unicode=True, width=100
    )


def record_format_order(framework: Framework) -> dict[str, list[str]]:
    """The order the form writes a record's fields in, its criteria's and a link's."""
    return {
        "fields": list(record_schema(framework)["properties"]),
        "quality": [c.id for c in framework.criteria],
        "links": ["label", "url"],
    }


def date_rule(framework: Framework) -> dict[str, Any]:
    """What the form's date check needs to say what `kennisbank validate` says: the pattern, the
    words of its message and the Dutch month names a fix reads."""
    date = record_schema(framework)["properties"]["date"]
    return {"pattern": DATE_PATTERN, "expected": date["x-expected"], "months": MONTH_WORDS}


def _page_script(site: Site) -> str:
    template = resources.files("kennisbank_gen.render").joinpath("admin", "kennisbank-cms.js")
    order = record_format_order(site.framework)
    return (
        template.read_text(encoding="utf-8")
        .replace("__RECORD_ORDER__", json.dumps(order, ensure_ascii=False))
        .replace("__DATE_RULE__", json.dumps(date_rule(site.framework), ensure_ascii=False))
    )


def cms_installed(root: Path) -> bool:
    return (root / DECAP_DIST / "decap-cms.js").is_file() and (root / YAML_DIST).is_dir()


def _bundle(root: Path) -> dict[str, bytes]:
    """Decap CMS's browser bundle (its lazily loaded parts too) and the YAML library."""
    files: dict[str, bytes] = {}
    dist = root / DECAP_DIST
    for path in sorted(dist.iterdir()):
        name = path.name
        if name.endswith(("decap-cms.js", ".wasm")) or name == "decap-cms.js.LICENSE.txt":
            files[f"{ADMIN_DIR}/{name}"] = path.read_bytes()
    yaml_dist = root / YAML_DIST
    for path in sorted(yaml_dist.rglob("*.js")):
        files[f"{ADMIN_DIR}/yaml/{path.relative_to(yaml_dist).as_posix()}"] = path.read_bytes()
    return files


def admin_files(
    root: Path, site: Site, config: SiteConfig, port: int = LOCAL_BACKEND_PORT
) -> dict[str, str | bytes]:
    """Every file of `/admin/`; none when the CMS is not installed (`make cms-install`)."""
    if not cms_installed(root):
        return {}
    static = resources.files("kennisbank_gen.render").joinpath("admin")
    files: dict[str, str | bytes] = {
        ADMIN_PAGE: static.joinpath("index.html")
        .read_text(encoding="utf-8")
        .replace("__CONTENT_SECURITY_POLICY__", ADMIN_POLICY),
        f"{ADMIN_DIR}/manual-init.js": static.joinpath("manual-init.js").read_text(
            encoding="utf-8"
        ),
        f"{ADMIN_DIR}/kennisbank-cms.css": static.joinpath("kennisbank-cms.css").read_text(
            encoding="utf-8"
        ),
        f"{ADMIN_DIR}/kennisbank-cms.js": _page_script(site),
        f"{ADMIN_DIR}/kennisbank-record.js": static.joinpath("kennisbank-record.js").read_text(
            encoding="utf-8"
        ),
        f"{ADMIN_DIR}/config.yml": config_text(site, config, port),
    }
    return {**files, **_bundle(root)}
