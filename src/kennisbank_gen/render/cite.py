"""Cite and share: one citation per initiative and guidance item, in every form it is needed.

- APA 7 with Dutch conventions ("Geraadpleegd op <datum>, van <url>", "z.d." for no date),
  shown on the page; the retrieval date is the visitor's day, filled in by
  `assets/kennisbank-page.js` (without JavaScript the text asks for it), so nothing here
  depends on the clock;
- who is cited: an initiative's page cites its initiators; a recommendation's or tip's page is
  our summary, so it cites Kennisbank Studentenwelzijn ("[Samenvatting van aanbeveling 7 uit
  ...]"), with a separate ready citation of the original publication; a fictional record says
  so ("[Fictief voorbeeld]") in its citation, its `citation_*` title and its Open Graph;
- BibTeX and RIS files to download, for reference managers (the page's script adds the
  visitor's day as `urldate` / `Y2` when downloading them);
- `citation_*` meta tags (Zotero, Google Scholar), Open Graph (link previews) and schema.org
  JSON-LD, which the theme override puts into the page's head from the front matter.

Everything from records is escaped for where it goes: HTML (Markup), BibTeX (braces and
specials), RIS (one line per field), JSON inside a script element (`<`, `>`, `&` as \\u003c...).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..config import SiteConfig
from ..read.dates import MONTHS, PartialDate
from .model import GuidanceItem, Initiative

#: what the page says where the visitor's date goes, until the script fills it in
NO_DATE = "[datum van raadplegen]"


#: what APA writes for a work without a date (Dutch: "zonder datum")
NO_YEAR = "z.d."
#: the bracketed description of a fictional record's page
EXAMPLE = "Fictief voorbeeld"


@dataclass(frozen=True)
class Original:
    """The publication a page summarises: cited on its own, and named in the summary's citation."""

    title: str
    publisher: str
    year: int
    url: str | None
    #: what of it the page summarises, e.g. "aanbeveling 7"
    part: str


@dataclass(frozen=True)
class Citation:
    """What is cited: the page on this site, with its authors and date."""

    #: a stable key for reference managers: the slug, or the item id with "/" as "-"
    key: str
    authors: tuple[str, ...]
    #: None: the page has no date of its own (APA "z.d.")
    date: PartialDate | None
    title: str
    #: APA's bracketed description after the title, e.g. "[Fictief voorbeeld]"
    description: str
    url: str
    site_name: str
    abstract: str
    keywords: tuple[str, ...]
    kind: str
    example: bool
    #: the publication the page is our summary of (a guidance item's source)
    summary_of: Original | None = None

    @property
    def describe(self) -> str:
        """The bracketed description as plain text ("" for none)."""
        if self.summary_of:
            o = self.summary_of
            return f"Samenvatting van {o.part} uit {o.publisher} ({o.year}), {o.title}"
        return self.description


def of_initiative(i: Initiative, config: SiteConfig) -> Citation:
    return Citation(
        key=i.slug,
        authors=i.initiators,
        date=i.date,
        title=i.title,
        description=EXAMPLE if i.example else "",
        url=config.permalink(i.url),
        site_name=config.site_name,
        abstract=i.summary,
        keywords=tuple(t.label for t in i.themes),
        kind=i.kind.label,
        example=i.example,
    )


def of_item(item: GuidanceItem, config: SiteConfig) -> Citation:
    """A recommendation's or tip's page is our summary in our own words: cited as ours, with no
    date of its own, naming the publication it summarises (`original`)."""
    s = item.set
    return Citation(
        key=item.id.replace("/", "-"),
        authors=(config.site_name,),
        date=None,
        title=f"{s.item_label.capitalize()} {item.number}: {item.title}",
        description="",
        url=config.permalink(item.url),
        site_name=config.site_name,
        abstract=item.summary,
        keywords=(s.item_label,),
        kind=s.item_label.capitalize(),
        example=False,
        summary_of=Original(
            s.source_title, s.publisher, s.year, s.source_url, f"{s.item_label} {item.number}"
        ),
    )


# --- APA 7 -------------------------------------------------------------------------------------


def apa_authors(names: tuple[str, ...]) -> str:
    """'A', 'A, & B', 'A, B, & C' (organisations as authors, as APA writes them)."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def apa_date(date: PartialDate | None) -> str:
    """'2023', '2023, mei' or '2023, 15 mei' (Dutch month names, APA order); 'z.d.' for none."""
    if date is None:
        return NO_YEAR
    if not date.month:
        return str(date.year)
    month = MONTHS[date.month - 1]
    return f"{date.year}, {date.day} {month}" if date.day else f"{date.year}, {month}"


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _site(c: Citation) -> str:
    """The site's name after the title, unless it is the author already (APA)."""
    return "" if c.authors == (c.site_name,) else f" {c.site_name}."


def apa_html(c: Citation) -> Markup:
    """The reference as HTML: titles in italics, the retrieval date as a slot the page's script
    fills in with the visitor's day (`data-kb-today`), the address as a link."""
    title = Markup("<em>{}</em>").format(c.title)
    if c.summary_of:
        o = c.summary_of
        title += Markup(" [Samenvatting van {} uit {} ({}), <em>{}</em>]").format(
            o.part, o.publisher, o.year, o.title
        )
    elif c.description:
        title += Markup(" [{}]").format(c.description)
    return Markup(
        "{authors} ({date}). {title}.{site} Geraadpleegd op "
        '<span data-kb-today>{no_date}</span>, van <a href="{url}">{url}</a>'
    ).format(
        authors=_sentence(apa_authors(c.authors)),
        date=apa_date(c.date),
        title=title,
        site=_site(c),
        no_date=NO_DATE,
        url=c.url,
    )


def apa_text(c: Citation, today: str) -> str:
    """The reference as plain text, with `today` as the retrieval date (as the copy button
    copies it)."""
    description = f" [{c.describe}]" if c.describe else ""
    return (
        f"{_sentence(apa_authors(c.authors))} ({apa_date(c.date)}). {c.title}{description}."
        f"{_site(c)} Geraadpleegd op {today}, van {c.url}"
    )


def original_html(o: Original) -> Markup:
    """APA reference of the publication a page summarises (a report: author, year, title, link)."""
    text = Markup("{} ({}). <em>{}</em>.").format(_sentence(o.publisher), o.year, o.title)
    if o.url:
        text += Markup(' <a href="{url}">{url}</a>').format(url=o.url)
    return text


def original_text(o: Original) -> str:
    return f"{_sentence(o.publisher)} ({o.year}). {o.title}." + (f" {o.url}" if o.url else "")


# --- BibTeX ------------------------------------------------------------------------------------

#: BibTeX counts every brace, also one after a backslash (`\{` opens a group to it): braces
#: in the text become commands in a group of their own, so a field's braces always balance
_BIB_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIB_TABLE = str.maketrans(_BIB_SPECIAL)


def bib_escape(text: str) -> str:
    """Plain text as a BibTeX field value (UTF-8; LaTeX specials escaped, one line)."""
    return " ".join(text.split()).translate(_BIB_TABLE)


def bibtex(c: Citation) -> str:
    """A `@misc` entry (reads in BibTeX, biblatex, Zotero, JabRef); authors are organisations,
    so each is braced as one name."""
    fields: list[tuple[str, str]] = [
        ("author", " and ".join("{" + bib_escape(a) + "}" for a in c.authors)),
        ("title", "{" + bib_escape(c.title) + "}"),
    ]
    if c.date:
        fields.append(("year", str(c.date.year)))
        if c.date.month:
            fields.append(("month", str(c.date.month)))
        if c.date.day:
            fields.append(("day", str(c.date.day)))
    fields += [
        ("howpublished", bib_escape(c.site_name)),
        ("url", c.url),
        ("abstract", bib_escape(c.abstract)),
        ("keywords", bib_escape(", ".join(c.keywords))),
        ("language", "dutch"),
    ]
    fields.append(("note", bib_escape(". ".join(_note(c)))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def _note(c: Citation) -> list[str]:
    """The kind of page, and what the bracketed description says (fictional, a summary of)."""
    return [c.kind, *([EXAMPLE] if c.example else []), *([c.describe] if c.summary_of else [])]


# --- RIS ---------------------------------------------------------------------------------------


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(str(value).split())}"


def ris(c: Citation) -> str:
    """An RIS record (type ELEC, a web page), CRLF line ends as the format asks."""
    lines = [_ris_line("TY", "ELEC")]
    lines += [_ris_line("AU", a) for a in c.authors]
    lines += [_ris_line("TI", c.title), _ris_line("T2", c.site_name)]
    if d := c.date:
        # YYYY/MM/DD/ with unknown parts left empty, as RIS writes them: "2023/05//", "2023///"
        month, day = f"{d.month:02d}" if d.month else "", f"{d.day:02d}" if d.day else ""
        lines += [_ris_line("PY", str(d.year)), _ris_line("DA", f"{d.year:04d}/{month}/{day}/")]
    lines += [_ris_line("UR", c.url), _ris_line("AB", c.abstract)]
    lines += [_ris_line("KW", k) for k in c.keywords]
    lines.append(_ris_line("LA", "nl"))
    lines.append(_ris_line("N1", ". ".join(_note(c))))
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"


# --- the page's head: citation_*, Open Graph, JSON-LD ------------------------------------------


def _scholar_date(date: PartialDate) -> str:
    return "/".join(
        [f"{date.year:04d}"]
        + ([f"{date.month:02d}"] if date.month else [])
        + ([f"{date.day:02d}"] if date.day else [])
    )


def meta_tags(c: Citation) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of every meta tag: `citation_*` for Zotero and Google Scholar,
    Open Graph for link previews. Contents are plain text; the template escapes them. A
    fictional record says so in its title and description."""
    title = f"{c.title} [{EXAMPLE}]" if c.example else c.title
    tags = [("name", "citation_title", title)]
    tags += [("name", "citation_author", a) for a in c.authors]
    if c.date:
        tags.append(("name", "citation_publication_date", _scholar_date(c.date)))
    tags += [
        ("name", "citation_publisher", c.site_name),
        ("name", "citation_abstract_html_url", c.url),
        ("name", "citation_language", "nl"),
    ]
    if c.keywords:
        tags.append(("name", "citation_keywords", "; ".join(c.keywords)))
    tags += [
        ("property", "og:type", "article"),
        ("property", "og:title", title),
        ("property", "og:description", f"{EXAMPLE}. {c.abstract}" if c.example else c.abstract),
        ("property", "og:url", c.url),
        ("property", "og:site_name", c.site_name),
        ("property", "og:locale", "nl_NL"),
    ]
    return tags


def json_ld_data(c: Citation, config: SiteConfig) -> dict[str, Any]:
    """schema.org data about the page (CreativeWork), as a dict."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": c.url,
        "url": c.url,
        "name": c.title,
        "description": c.abstract,
        "inLanguage": "nl",
        **({"datePublished": c.date.iso} if c.date else {}),
        "genre": c.kind,
        "author": [{"@type": "Organization", "name": a} for a in c.authors],
        "keywords": list(c.keywords),
        "isPartOf": {"@type": "WebSite", "name": c.site_name, "url": config.site_url},
        "license": config.licence_url,
    }
    if c.example:
        data["creativeWorkStatus"] = EXAMPLE
    if o := c.summary_of:
        based_on: dict[str, Any] = {
            "@type": "Report",
            "name": o.title,
            "publisher": {"@type": "Organization", "name": o.publisher},
            "datePublished": str(o.year),
        }
        if o.url:
            based_on["url"] = o.url
        data["isBasedOn"] = based_on
    return data


_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                  "\u2029": "\\u2029"}  # fmt: skip


def script_json(data: Any) -> str:
    """JSON that is safe inside `<script type="application/ld+json">`: no `</script>` or
    `<!--` can appear, whatever the data holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


@dataclass(frozen=True)
class Cite:
    """What a record page's template needs to offer citing and sharing."""

    citation: Citation
    #: the APA reference as HTML (retrieval date left for the visitor's browser)
    apa: Markup
    #: file names of the downloads, next to the page (`<slug>.bib`, `<slug>.ris`)
    bib_file: str
    ris_file: str
    #: (attribute, name, content) for the page's head
    meta: list[tuple[str, str, str]]
    #: schema.org JSON-LD, already safe inside a script element
    json_ld: str
    #: the APA reference of the publication the page summarises, as HTML (or None)
    original: Markup | None = None


def cite(c: Citation, config: SiteConfig) -> Cite:
    return Cite(
        citation=c,
        apa=apa_html(c),
        bib_file=f"{c.key}.bib",
        ris_file=f"{c.key}.ris",
        meta=meta_tags(c),
        json_ld=script_json(json_ld_data(c, config)),
        original=original_html(c.summary_of) if c.summary_of else None,
    )
