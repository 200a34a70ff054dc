"""Open data: the site's content as files institutions can reuse (JSON, CSV, Atom, JSON Schema).

Labels are resolved and every item carries its permalink. No timestamps of the build itself, so
an unchanged site gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from ..check.record_schema import record_schema
from ..config import SiteConfig
from ..read.framework import UNKNOWN_LABEL
from .model import GuidanceItem, Initiative, Site

ATOM = "http://www.w3.org/2005/Atom"
EXPORTS = {
    "initiatieven.json": "Alle initiatieven met hun beoordeling, thema's en permalinks (JSON).",
    "initiatieven.csv": "Dezelfde initiatieven als tabel, één rij per initiatief (CSV, UTF-8).",
    "aanbevelingen.json": "Alle aanbevelingen en tips, met de initiatieven die erbij aansluiten "
    "(JSON).",
    "feed.xml": "Nieuwe initiatieven, nieuwste eerst (Atom-feed).",
    "schema/initiative.schema.json": "Het formaat van een record (JSON Schema, draft 2020-12).",
}


def _term(term) -> dict[str, str]:
    return {"id": term.id, "label": term.label}


def initiative_data(i: Initiative, config: SiteConfig) -> dict[str, Any]:
    return {
        "slug": i.slug,
        "url": config.permalink(i.url),
        "title": i.title,
        "initiators": list(i.initiators),
        "date": i.date.iso,
        "kind": _term(i.kind),
        "sectors": [_term(t) for t in i.sectors],
        "themes": [_term(t) for t in i.themes],
        "summary": i.summary,
        "body_markdown": i.body,
        "links": [{"label": link.label, "url": link.url} for link in i.links],
        "quality": {
            r.criterion.id: {
                "label": r.criterion.label,
                "values": [{"id": v.id, "label": v.label} for v in r.values],
            }
            for r in i.ratings
        },
        "guidance": [
            {"id": g.id, "title": g.title, "url": config.permalink(g.url)} for g in i.guidance
        ],
        "status": _term(i.status) if i.status else None,
        "last_reviewed": i.last_reviewed.iso if i.last_reviewed else None,
        "example": i.example,
        "previous_slugs": list(i.previous_slugs),
        "previous_urls": list(i.previous_urls),
        "source": i.source,
    }


def item_data(item: GuidanceItem, config: SiteConfig) -> dict[str, Any]:
    return {
        "id": item.id,
        "number": item.number,
        "url": config.permalink(item.url),
        "title": item.title,
        "group": {"id": item.group.id, "label": item.group.title} if item.group else None,
        "section": item.section,
        "audience": list(item.audience),
        "summary": item.summary,
        "related": [other.id for other in item.related],
        "initiatives": [
            {"slug": i.slug, "title": i.title, "url": config.permalink(i.url)}
            for i in item.initiatives
        ],
    }


def _json(data: Any, indent: int | None = None) -> str:
    """JSON as a file: compact for the data (Python's C encoder; with `indent` it takes the
    pure-Python one, ten times slower over thousands of records), indented for a file people
    read (the schema)."""
    separators = (",", ": ") if indent else (",", ":")
    return json.dumps(data, ensure_ascii=False, indent=indent, separators=separators) + "\n"


def initiatives_json(site: Site, config: SiteConfig) -> str:
    return _json(
        {
            "licence": {"name": config.licence, "url": config.licence_url},
            "count": len(site.initiatives),
            "initiatives": [initiative_data(i, config) for i in site.initiatives],
        }
    )


def guidance_json(site: Site, config: SiteConfig) -> str:
    return _json(
        {
            "licence": {"name": config.licence, "url": config.licence_url},
            "sets": [
                {
                    "id": s.id,
                    "url": config.permalink(s.url),
                    "title": s.title,
                    "publisher": s.publisher,
                    "year": s.year,
                    "source_title": s.source_title,
                    "source_url": s.source_url,
                    "items": [item_data(item, config) for item in s.items],
                }
                for s in site.guidance_sets
            ],
        }
    )


#: where a spreadsheet may start a cell: the field's start, and after any character some
#: spreadsheet treats as a separator or line end (`;` in Dutch Excel, `,`, tab, CR, LF, a quote)
_FORMULA_START = re.compile(r"(^|[;,\t\n\"])([ ]*)([=+\-@\t])")


def _cell(value: str) -> str:
    """Keep spreadsheets from running any cell as a formula (CSV injection), whatever separator
    they split on: a `'` before `=`, `+`, `-`, `@` or a tab wherever a cell could start, and no
    bare carriage return (which ends a row where the file's `\n` does not)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _FORMULA_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'{m.group(3)}", value)


def initiatives_csv(site: Site, config: SiteConfig) -> str:
    criteria = site.framework.criteria
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [
        "slug",
        "url",
        "titel",
        "initiatiefnemers",
        "datum",
        "soort",
        "sectoren",
        "themas",
        "samenvatting",
        *[c.label for c in criteria],
        "aanbevelingen_en_tips",
        "voorbeeld",
    ]
    writer.writerow([_cell(v) for v in header])  # criterion labels are framework data
    for i in site.initiatives:
        ratings = {
            r.criterion.id: "; ".join(v.label for v in r.values) or UNKNOWN_LABEL for r in i.ratings
        }
        row = [
            i.slug,
            config.permalink(i.url),
            i.title,
            "; ".join(i.initiators),
            i.date.iso,
            i.kind.label,
            "; ".join(t.label for t in i.sectors) or UNKNOWN_LABEL,
            "; ".join(t.label for t in i.themes),
            i.summary,
            *[ratings.get(c.id, "") for c in criteria],
            "; ".join(g.id for g in i.guidance),
            "ja" if i.example else "nee",
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _date_time(initiative: Initiative) -> str:
    d = initiative.date
    return f"{d.year:04d}-{d.month or 1:02d}-{d.day or 1:02d}T00:00:00Z"


def atom_feed(site: Site, config: SiteConfig) -> str:
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "nl"})
    sub(feed, "id", config.permalink("feed.xml"))
    sub(feed, "title", f"{config.site_name}: nieuwe initiatieven")
    sub(feed, "link", href=config.site_url)
    sub(feed, "link", rel="self", href=config.permalink("feed.xml"))
    newest = max((_date_time(i) for i in site.initiatives), default="2000-01-01T00:00:00Z")
    sub(feed, "updated", newest)
    sub(feed, "rights", f"{config.licence} ({config.licence_url})")
    author = sub(feed, "author")
    sub(author, "name", config.site_name)
    for i in site.initiatives:
        entry = sub(feed, "entry")
        sub(entry, "id", config.permalink(i.url))
        # a fictional example says so where feed readers show it: the title and a category
        sub(entry, "title", f"[Fictief voorbeeld] {i.title}" if i.example else i.title)
        sub(entry, "link", href=config.permalink(i.url))
        sub(entry, "updated", _date_time(i))
        sub(entry, "summary", i.summary)
        for initiator in i.initiators:
            sub(sub(entry, "author"), "name", initiator)
        for theme in i.themes:
            sub(entry, "category", term=theme.id, label=theme.label)
        if i.example:
            sub(entry, "category", term="fictief-voorbeeld", label="Fictief voorbeeld")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def render_exports(site: Site, config: SiteConfig) -> dict[str, str]:
    """Every open-data file, by its path in the site."""
    return {
        "initiatieven.json": initiatives_json(site, config),
        "initiatieven.csv": initiatives_csv(site, config),
        "aanbevelingen.json": guidance_json(site, config),
        "feed.xml": atom_feed(site, config),
        "schema/initiative.schema.json": _json(record_schema(site.framework), indent=2),
    }
