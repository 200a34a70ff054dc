"""Rules across records: unique slugs (a file's own, former slugs and former addresses, which
become redirects) and titles, references to guidance that exists.

A collision has two sides, and each record involved gets its own finding naming the other: so
the record being added always hears of it, whichever file name sorts first. `kennisbank
validate FILE` checks FILE against every record of the project and keeps FILE's findings
(`check.validate.validate`); the whole project's validation reports both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from ..findings import Finding
from ..read.load import Document
from ..schema_errors import did_you_mean
from .record_schema import GUIDANCE_REF_PATTERN
from .slugs import PREVIOUS_URL_PATTERN

#: slugs taken by the overview pages in initiatieven/
RESERVED_SLUGS = {
    "index": "het overzicht van de initiatieven",
    "op-titel": "het overzicht op titel",
    "pagina": "de volgende pagina's van het overzicht",
}
#: the first part of this site's own addresses: a former address there would hide a page
SITE_SECTIONS = {
    "initiatieven": "de initiatieven (gebruik previous_slugs)",
    "zoeken": "de zoekpagina",
    "vergelijken": "de pagina om initiatieven te vergelijken",
    "kwaliteitskader": "het kwaliteitskader",
    "aanbevelingen-en-tips": "het overzicht van aanbevelingen en tips",
    "open-data": "de pagina open data",
    "assets": "de bestanden van de site",
    "pagefind": "de zoekindex",
    "admin": "het webformulier",
    "schema": "het schema",
}
#: the fields the checks across records compare
ACROSS_FIELDS = frozenset(("title", "previous_slugs", "previous_urls", "guidance"))

#: letters that look like Latin ones: from other scripts (Cyrillic and Greek), and the dotless
#: ı (whose capital is I): a title written with them would look the same as another on the page
#: (after casefolding, so uppercase lookalikes such as Cyrillic В, Н, М count too)
_LOOKALIKES = str.maketrans(
    dict(
        zip(
            "аеорсухіјѕԁԛԝвнкмтɡαβεικνορτυχı",
            "aeopcyxijsdqwbhkmtgabeikvoptuxi",
            strict=True,
        )
    )
)


def title_key(title: str) -> str:
    """What makes two titles the same: case, spacing, invisible characters (zero-width spaces
    and other format characters) and letters that only look Latin do not count. Case as
    Unicode's compatibility caseless match has it (NFKD, casefold, twice), so that a letter and
    its capital always match, also where the capital has its accents apart (Greek ΐ, Ϊ́)."""
    if title.isascii():  # (no format characters, no lookalikes; NFKD changes nothing)
        return " ".join(title.casefold().split())
    text = unicodedata.normalize("NFD", title)
    for _ in range(2):
        text = unicodedata.normalize("NFKD", text.casefold())
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(visible.translate(_LOOKALIKES).split())


def across(doc: Document, all_data: bool = False) -> Document:
    """What the checks across records read of a record: its path, the fields they compare and
    where those are (the rest is checked on its own, or not needed). `all_data`: with all its
    data (what the site model reads), still without the rest's positions and the YAML text."""

    def kept(table: dict) -> dict:
        return {
            path: value for path, value in table.items() if not path or path[0] in ACROSS_FIELDS
        }

    data = doc.data
    if isinstance(data, dict) and not all_data:
        data = {name: value for name, value in data.items() if name in ACROSS_FIELDS}
    return Document(doc.path, data, kept(doc.positions), kept(doc.text_starts))


def _list(value) -> list:
    """A list field's items; anything else already has its schema finding (and is no list)."""
    return value if isinstance(value, list) else []


def _texts(value) -> list[str]:
    """The distinct text items of a list field (other items have their schema findings)."""
    return list(dict.fromkeys(item for item in _list(value) if isinstance(item, str)))


def _fields(doc: Document) -> dict:
    return doc.data if isinstance(doc.data, dict) else {}


def stem(path: str) -> str:
    """A record's slug: its file name without the extension (as `Path(path).stem`, faster)."""
    name = path.rpartition("/")[2]
    base, dot, _ = name.rpartition(".")
    return base if dot and base else name


class _Claims:
    """Who uses what: each slug (a file's own or a former one), former address and title, with
    the records that use it in file order; and each record's own slug and title key."""

    def __init__(self, docs: list[Document]):
        self.stems: dict[str, list[str]] = defaultdict(list)
        self.former: dict[str, list[str]] = defaultdict(list)
        self.urls: dict[str, list[str]] = defaultdict(list)
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.slug_of: dict[str, str] = {}
        self.title_of: dict[str, str] = {}
        for doc in docs:
            slug = self.slug_of[doc.path] = stem(doc.path)
            self.stems[slug].append(doc.path)
            fields = _fields(doc)
            if "previous_slugs" in fields:
                for old in _texts(fields["previous_slugs"]):
                    self.former[old].append(doc.path)
            if "previous_urls" in fields:
                for url in _texts(fields["previous_urls"]):
                    self.urls[url].append(doc.path)
            if isinstance(title := fields.get("title"), str):
                key = self.title_of[doc.path] = title_key(title)
                self.titles[key].append(doc.path)

    @staticmethod
    def other(users: list[str] | None, path: str) -> str | None:
        """The first record in `users` that is not `path`."""
        for user in users or ():
            if user != path:
                return user
        return None


def _slug_findings(doc: Document, claims: _Claims) -> list[Finding]:
    """The file's own slug: not an overview page's, not another record's slug or former slug."""
    slug = claims.slug_of[doc.path]
    if slug in RESERVED_SLUGS:
        message = (
            f"verwacht een andere bestandsnaam dan '{slug}.yml', want dat is het adres van "
            f"{RESERVED_SLUGS[slug]}"
        )
        return [Finding.for_file(doc.path, message, "duplicate-slug")]
    if owner := claims.other(claims.stems[slug], doc.path):
        message = (
            f"verwacht een slug die geen ander record gebruikt, gevonden '{slug}', "
            f"in gebruik bij {owner}"
        )
        return [Finding.for_file(doc.path, message, "duplicate-slug")]
    if owner := claims.other(claims.former.get(slug), doc.path):
        message = (
            f"verwacht een slug die geen ander record gebruikt, gevonden '{slug}', "
            f"een vorige slug van {owner}"
        )
        return [Finding.for_file(doc.path, message, "duplicate-slug")]
    return []


def _former_slug_findings(doc: Document, fields: dict, claims: _Claims) -> list[Finding]:
    slug = claims.slug_of[doc.path]
    findings = []
    for i, old in enumerate(_list(fields.get("previous_slugs"))):
        if not isinstance(old, str):
            continue
        owner = (
            RESERVED_SLUGS.get(old)
            or (doc.path if old == slug else None)
            or claims.other(claims.stems.get(old), doc.path)
            or claims.other(claims.former.get(old), doc.path)
        )
        if owner:
            findings.append(
                doc.finding(
                    ("previous_slugs", i),
                    f"verwacht een vorige slug die geen pagina gebruikt, gevonden '{old}', "
                    f"in gebruik bij {owner}",
                    "duplicate-slug",
                )
            )
    return findings


def _previous_url_findings(
    doc: Document, fields: dict, claims: _Claims, sections: dict[str, str]
) -> list[Finding]:
    """Former addresses on the live site become redirects: none may hide a page of this site,
    and each belongs to one record."""
    findings = []
    for i, url in enumerate(_list(fields.get("previous_urls"))):
        if not isinstance(url, str) or not re.match(PREVIOUS_URL_PATTERN, url):
            continue  # its schema finding says so
        first = url.strip("/").split("/")[0]
        owner = sections.get(first) or claims.other(claims.urls[url], doc.path)
        if owner:
            findings.append(
                doc.finding(
                    ("previous_urls", i),
                    f"verwacht een adres van de oude site dat geen pagina hier gebruikt, "
                    f"gevonden '{url}', in gebruik bij {owner}",
                    "duplicate-slug",
                )
            )
    return findings


def _title_findings(doc: Document, claims: _Claims) -> list[Finding]:
    key = claims.title_of.get(doc.path)
    owner = None if key is None else claims.other(claims.titles[key], doc.path)
    if not owner:
        return []
    message = f"verwacht een unieke titel, gevonden de titel van {owner}"
    return [doc.finding(("title",), message, "duplicate-title")]


def _reference_findings(doc: Document, fields: dict, guidance_ids: set[str]) -> list[Finding]:
    findings = []
    for i, ref in enumerate(_list(fields.get("guidance"))):
        well_formed = isinstance(ref, str) and re.match(GUIDANCE_REF_PATTERN, ref)
        if well_formed and ref not in guidance_ids:
            findings.append(
                doc.finding(
                    ("guidance", i),
                    f"verwacht een bestaand id van een aanbeveling of tip, "
                    f"gevonden '{ref}'" + did_you_mean(ref, guidance_ids, 0.8),
                    "unknown-reference",
                )
            )
    return findings


def check_collection(
    docs: list[Document],
    guidance_ids: set[str],
    sections: dict[str, str] | None = None,
    only: set[str] | None = None,
) -> list[Finding]:
    """Rules across records: unique slugs (incl. former ones and former addresses, which become
    redirects) and titles, references to guidance that exists. Each record of a collision gets
    a finding naming another. `sections`: the first parts of the site's own addresses (default
    SITE_SECTIONS); `only`: the paths of the records to report on (default: every record)."""
    sections = SITE_SECTIONS if sections is None else sections
    claims = _Claims(docs)
    findings = []
    for doc in docs:
        if only is not None and doc.path not in only:
            continue
        fields = _fields(doc)
        findings += _slug_findings(doc, claims)
        if "previous_slugs" in fields:
            findings += _former_slug_findings(doc, fields, claims)
        if "previous_urls" in fields:
            findings += _previous_url_findings(doc, fields, claims, sections)
        findings += _title_findings(doc, claims)
        if "guidance" in fields:
            findings += _reference_findings(doc, fields, guidance_ids)
    return findings
