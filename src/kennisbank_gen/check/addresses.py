"""The address table: every address of the site, and who claims it.

An address is a page's folder in the site, without slashes at either end (`""` is the home
page). The claims, in this order: the generator's own pages and sections (`initiatieven/`,
`assets/`...), the hand-written pages (`content/<name>.md` -> `<name>/`), the guidance sets
(their page and each item's), the records' pages, and then the redirects: a set's
`previous_paths` (with its items) and `previous_numbers`, a record's `previous_slugs` and
`previous_urls`. Any claim on an address that is already claimed, or inside a section the
generator or a hand-written page owns, is a located finding on the later claim, naming the
first. So a set whose `path` is another set's item (`tips/inholland-docenten/02`), a former
address of a record that is also a set's former path, or `content/index.md` (the home page) no
longer replace each other's pages in silence.

Two records on one address (a slug, a former slug or a former URL), and a record's former URL in
a section of the site, are found by `check_collection`, which reports them on each record
involved; the table leaves those pairs to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding
from ..read.load import Document

#: the generator's own pages (exact addresses) and sections (everything under them)
GENERATED_PAGES = {
    "": "de startpagina",
    "initiatieven/op-titel": "het overzicht op titel",
}
GENERATED_SECTIONS = {
    "initiatieven": "de initiatieven",
    "kwaliteitskader": "het kwaliteitskader",
    "aanbevelingen-en-tips": "het overzicht van aanbevelingen en tips",
    "open-data": "de pagina open data",
    "zoeken": "de zoekpagina",
    "vergelijken": "de pagina om initiatieven te vergelijken",
    "assets": "de bestanden van de site",
    "pagefind": "de zoekindex",
    "schema": "het schema",
    "admin": "het webformulier",
    "search": "de zoekindex",
    "404": "de foutpagina",
    "index": "de startpagina",
    "sitemap": "de sitemap",
}
RECORDS_SECTION = "initiatieven"

#: reports a collision on a claim: (address, first owner, whether it is a section's owner)
Report = Callable[[str, str, bool], Finding]


@dataclass(frozen=True)
class Claim:
    owner: str  # who, in the words of a finding: a file, or a page of the generator
    record: bool = False  # a record's page or redirect (pairs of records: check_collection)


class AddressTable:
    """Claims on the site's addresses; `findings` holds one per claim that collides."""

    def __init__(self) -> None:
        self.claims: dict[str, Claim] = {}
        self.sections: dict[str, Claim] = {}
        self.findings: list[Finding] = []

    def section(self, name: str, owner: str) -> None:
        """`owner` owns every address that starts with `name/` (and `name` itself)."""
        self.sections.setdefault(name, Claim(owner))

    def claim(self, address: str, owner: str, report: Report | None, record: bool = False):
        """Claim `address` for `owner`; a collision is reported through `report` (None: a
        claim that cannot collide: the generator's own, or a record's page)."""
        address = address.strip("/")
        first = self.claims.get(address)
        top = address.split("/", 1)[0]
        section = self.sections.get(top)
        if first is not None and not (first.record and record):
            if report:
                self.findings.append(report(address, first.owner, False))
            return
        if section is not None and section.owner != owner and not record:
            if report:
                self.findings.append(report(top, section.owner, True))
            return
        self.claims.setdefault(address, Claim(owner, record))


def _reporter(doc: Document, field: tuple, value: str, what: str = "een pad") -> Report:
    def report(address: str, owner: str, in_section: bool) -> Finding:
        if in_section:
            message = (
                f"verwacht {what} dat niet begint met het adres van een andere pagina, "
                f"gevonden '{value}' ('{address}/' is al van {owner})"
            )
        else:
            message = (
                f"verwacht {what} dat geen andere pagina gebruikt, gevonden '{value}' "
                f"('{address}/' is al van {owner})"
            )
        return doc.finding(field, message, "duplicate-slug")

    return report


def address_findings(
    guidance: list[Document],
    content_pages: list[str],
    records: list[Document],
    record_sections: set[str],
) -> list[Finding]:
    """Every collision of addresses in a project (see the module). `guidance`: the well-formed
    sets; `content_pages`: the hand-written pages' file names; `record_sections`: the first
    parts of addresses where `check_collection` refuses a record's former URL."""
    table = AddressTable()
    for address, owner in GENERATED_PAGES.items():
        table.claim(address, owner, None)
    for name, owner in GENERATED_SECTIONS.items():
        table.section(name, owner)
    for name in sorted(content_pages):
        stem, shown = Path(name).stem, f"content/{name}"

        def page_report(address: str, owner: str, _: bool, shown: str = shown) -> Finding:
            message = (
                f"verwacht een bestandsnaam waarvan het adres vrij is, gevonden "
                f"'{Path(shown).name}' ('{address}/' is al van {owner})"
            )
            return Finding.for_file(shown, message, "duplicate-slug")

        table.claim("" if stem == "index" else stem, shown, page_report)
        table.section(stem, shown)
    for doc in guidance:
        path = doc.data["path"]
        report = _reporter(doc, ("path",), path)
        table.claim(path, doc.path, report)
        for item in doc.data["items"]:
            table.claim(f"{path}/{item['number']:02d}", doc.path, report)
    for doc in records:
        table.claim(f"{RECORDS_SECTION}/{Path(doc.path).stem}", doc.path, None, record=True)
    for doc in guidance:
        data = doc.data
        for j, old in enumerate(data.get("previous_paths", [])):
            report = _reporter(doc, ("previous_paths", j), old)
            table.claim(old, doc.path, report)
            for item in data["items"]:
                table.claim(f"{old}/{item['number']:02d}", doc.path, report)
        for i, item in enumerate(data["items"]):
            for j, number in enumerate(item.get("previous_numbers", [])):
                field = ("items", i, "previous_numbers", j)
                report = _reporter(doc, field, str(number), "een vorig nummer")
                table.claim(f"{data['path']}/{number:02d}", doc.path, report)
    for doc in records:
        data = doc.data if isinstance(doc.data, dict) else {}
        urls = data.get("previous_urls")
        for i, url in enumerate(urls if isinstance(urls, list) else []):
            if not isinstance(url, str) or url.strip("/").split("/")[0] in record_sections:
                continue  # check_collection says so (or the schema does)
            what = "een adres van de oude site"
            table.claim(url, doc.path, _reporter(doc, ("previous_urls", i), url, what), True)
    return table.findings
