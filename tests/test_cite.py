"""Cite and share (site/cite.py): APA, BibTeX, RIS, meta tags and JSON-LD say what the record
says, whatever characters it holds; the downloads parse back with reference-manager libraries."""

from __future__ import annotations

import html
import json
import re

import bibtexparser
import pytest
import rispy
import yaml
from bibtexparser.bparser import BibTexParser
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from kennisbank_gen.config import SiteConfig
from kennisbank_gen.read.dates import PartialDate
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render import cite
from kennisbank_gen.render.markdown_pages import front_matter, render_site
from kennisbank_gen.render.model import build_model

HOSTILE = 'Titel {met} \\ 50% & #1 _x_ ~ ^ $ "aan" </script><!-- é 🙂'
#: LaTeX escapes the BibTeX files use, undone by the test itself (not by the code under test)
LATEX = [
    (r"{\textbraceleft}", "{"),
    (r"{\textbraceright}", "}"),
    (r"\textbackslash{}", "\\"),
    (r"\textasciitilde{}", "~"),
    (r"\textasciicircum{}", "^"),
    (r"\&", "&"),
    (r"\%", "%"),
    (r"\$", "$"),
    (r"\#", "#"),
    (r"\_", "_"),
]


def unlatex(text: str) -> str:
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]  # a braced name or title: kept as written
    pattern = "|".join(re.escape(k) for k, _ in LATEX)
    return re.sub(pattern, lambda m: dict(LATEX)[m.group()], text)


@pytest.fixture(scope="module")
def site(bundled_project):
    return build_model(read_project(bundled_project))


@pytest.fixture(scope="module")
def config(bundled_project):
    return SiteConfig.from_mkdocs(bundled_project / "mkdocs.yml")


@pytest.fixture(scope="module")
def rendered(site, config, bundled_project):
    return render_site(site, config, bundled_project / "content")


DAY = PartialDate(2023, 5, 15)


def hostile_citation(date: PartialDate = DAY, example: bool = True) -> cite.Citation:
    return cite.Citation(
        key="hostile-record",
        authors=("Hogeschool {A} & Co", "Universiteit B\\C"),
        date=date,
        title=HOSTILE,
        description="",
        url="https://kennisbank.example.org/initiatieven/hostile-record/",
        site_name="Kennisbank Studentenwelzijn",
        abstract="Samenvatting\nover twee regels met 100% & meer.",
        keywords=("Sociale binding", "Stress/prestatiedruk"),
        kind="Praktijkvoorbeeld",
        example=example,
    )


def parse_bibtex(text: str) -> dict:
    parser = BibTexParser(common_strings=False)
    [entry] = bibtexparser.loads(text, parser).entries
    return entry


@pytest.mark.parametrize(
    "date", [PartialDate(2023), PartialDate(2023, 5), PartialDate(2023, 5, 15)], ids=str
)
def test_bibtex_parses_back_to_the_fields(date):
    c = hostile_citation(date)
    entry = parse_bibtex(cite.bibtex(c))
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["ID"] == c.key
    assert unlatex(entry["title"]) == " ".join(HOSTILE.split())
    authors = [unlatex(a) for a in entry["author"].split(" and ")]
    assert authors == list(c.authors)
    assert entry["year"] == str(date.year)
    assert entry.get("month") == (str(date.month) if date.month else None)
    assert entry.get("day") == (str(date.day) if date.day else None)
    assert entry["url"] == c.url
    assert unlatex(entry["abstract"]) == " ".join(c.abstract.split())
    assert unlatex(entry["keywords"]) == "Sociale binding, Stress/prestatiedruk"
    assert "Fictief voorbeeld" in entry["note"]


#: what a title may hold: any character but surrogates and control characters (the validator
#: refuses those); braces, backslashes and the other LaTeX specials above all
TITLES = st.text(
    st.one_of(
        st.sampled_from("{}\\&%$#_~^@\"' ,="),
        st.characters(blacklist_categories=("Cs", "Cc")),
    ),
    min_size=1,
).filter(str.strip)


@settings(max_examples=80, deadline=None)
@given(title=TITLES, author=TITLES)
def test_bibtex_reads_back_in_pybtex_and_bibtexparser_for_any_title(title, author):
    """BibTeX's own reading (pybtex implements it): one unbalanced `{` in a title made the whole
    file unreadable while `\\{` was taken for an escape."""
    c = hostile_citation()
    c = cite.Citation(**{**vars(c), "title": title, "authors": (author,)})
    text = cite.bibtex(c)
    entry = parse_string(text, "bibtex").entries[c.key]
    assert unlatex(entry.fields["title"]) == " ".join(title.split())
    (person,) = entry.persons["author"]  # one organisation, braced as one name
    assert unlatex(str(person)) == " ".join(author.split())
    parsed = parse_bibtex(text)
    assert unlatex(parsed["title"]) == " ".join(title.split())


def test_an_unbalanced_brace_in_a_title_keeps_the_file_readable():
    for title in ("Eén { te veel", "Eén } te veel", "}{", "\\{", "{{{"):
        c = cite.Citation(**{**vars(hostile_citation()), "title": title})
        entry = parse_string(cite.bibtex(c), "bibtex").entries[c.key]
        assert unlatex(entry.fields["title"]) == title


def test_ris_parses_back_to_the_fields():
    c = hostile_citation(PartialDate(2023, 5))
    text = cite.ris(c)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "ELEC"
    assert entry["authors"] == list(c.authors)
    assert entry["title"] == " ".join(HOSTILE.split())
    assert entry["secondary_title"] == c.site_name
    assert entry["year"] == "2023"
    assert entry["date"] == "2023/05//"
    assert entry["urls"] == [c.url]
    assert entry["abstract"] == " ".join(c.abstract.split())
    assert entry["keywords"] == list(c.keywords)
    assert entry["language"] == "nl"
    assert "Fictief voorbeeld" in entry["notes"][0]


def test_every_bundled_record_and_item_has_downloads_that_parse(site, config, rendered):
    for i in site.initiatives:
        entry = parse_bibtex(rendered[f"{i.url}{i.slug}.bib"])
        assert unlatex(entry["title"]) == i.title
        assert [unlatex(a) for a in entry["author"].split(" and ")] == list(i.initiators)
        [ris] = rispy.loads(rendered[f"{i.url}{i.slug}.ris"])
        assert ris["title"] == i.title and ris["year"] == str(i.date.year)
    for item in site.items.values():  # our summary: ours, no date of its own
        key = item.id.replace("/", "-")
        entry = parse_bibtex(rendered[f"{item.url}{key}.bib"])
        assert unlatex(entry["author"]) == config.site_name
        assert "year" not in entry and item.set.publisher in unlatex(entry["note"])
        [ris] = rispy.loads(rendered[f"{item.url}{key}.ris"])
        assert ris["urls"] == [config.permalink(item.url)]


def test_apa_reference_dutch_conventions():
    c = hostile_citation(PartialDate(2023, 5, 15))
    text = cite.apa_text(c, "23 november 2026")
    assert text.startswith("Hogeschool {A} & Co, & Universiteit B\\C. (2023, 15 mei). ")
    assert text.endswith(
        f"Kennisbank Studentenwelzijn. Geraadpleegd op 23 november 2026, van {c.url}"
    )
    assert cite.apa_date(PartialDate(2022)) == "2022"
    assert cite.apa_date(PartialDate(2022, 10)) == "2022, oktober"
    html = BeautifulSoup(cite.apa_html(c), "html.parser")
    assert html.em.get_text() == HOSTILE
    assert html.find(attrs={"data-kb-today": True}).get_text() == cite.NO_DATE
    assert html.a["href"] == c.url
    assert html.find("script") is None  # the title's </script> stayed text
    no_js = " ".join(html.get_text().split())
    assert no_js == " ".join(cite.apa_text(c, cite.NO_DATE).split())


def test_json_ld_parses_and_matches_the_record(site, config, rendered):
    c = hostile_citation()
    text = cite.script_json(cite.json_ld_data(c, config))
    assert not set("<>&\u2028\u2029") & set(text)
    data = json.loads(text)
    assert data["name"] == HOSTILE
    assert [a["name"] for a in data["author"]] == list(c.authors)
    assert data["creativeWorkStatus"] == "Fictief voorbeeld"

    for i in site.initiatives:
        front = yaml.safe_load(rendered[i.page].split("---")[1])
        data = json.loads(front["head"]["json_ld"])
        assert data["@context"] == "https://schema.org"
        assert data["name"] == i.title
        assert data["description"] == i.summary
        assert data["datePublished"] == i.date.iso
        assert data["url"] == config.permalink(i.url)
        assert [a["name"] for a in data["author"]] == list(i.initiators)
        assert data["keywords"] == [t.label for t in i.themes]
        assert ("creativeWorkStatus" in data) == i.example
    item = site.items["inspectie-2023/07"]
    front = yaml.safe_load(rendered[item.page].split("---")[1])
    data = json.loads(front["head"]["json_ld"])
    assert data["isBasedOn"]["publisher"]["name"] == item.set.publisher
    assert data["isBasedOn"]["url"] == item.set.source_url


def test_citation_meta_tags_for_zotero_and_scholar(site, rendered):
    for i in (x for x in site.initiatives if not x.example):  # (examples: no citation tags)
        front = yaml.safe_load(rendered[i.page].split("---")[1])
        # (contents the theme prints into attributes: already escaped, test below)
        tags = [(kind, name, html.unescape(value)) for kind, name, value in front["head"]["meta"]]
        assert ("name", "citation_title", i.title) in tags
        authors = [t[2] for t in tags if t[1] == "citation_author"]
        assert authors == list(i.initiators)
        dates = [t[2] for t in tags if t[1] == "citation_publication_date"]
        assert dates == [i.date.iso.replace("-", "/")]
        og = {t[1] for t in tags if t[0] == "property"}
        assert {"og:title", "og:description", "og:url", "og:type", "og:site_name"} <= og


def test_meta_tag_contents_are_escaped_for_attributes(config):
    """front_matter escapes what goes into an attribute; the theme inserts it unescaped."""
    for _attribute, _name, content in cite.meta_tags(hostile_citation()):
        value = yaml.safe_load(f"v: {front_matter(content)}")["v"]
        html = f'<meta content="{value}">'
        assert BeautifulSoup(html, "html.parser").meta["content"] == content


# --- who is cited, and what a fictional record says (issue 20, point 6) -----------------------


def test_a_fictional_record_says_so_in_apa_citation_tags_and_open_graph(site, config):
    for i in site.initiatives:
        c = cite.of_initiative(i, config)
        text = cite.apa_text(c, "1 januari 2027")
        tags = {name: content for _, name, content in cite.meta_tags(c)}
        marked = [
            f"{i.title} [Fictief voorbeeld]." in text,
            tags["citation_title"] == f"{i.title} [Fictief voorbeeld]",
            tags["og:title"] == f"{i.title} [Fictief voorbeeld]",
            tags["og:description"].startswith("Fictief voorbeeld. "),
        ]
        assert marked == [i.example] * 4, (i.slug, text, tags)
        if not i.example:
            assert "Fictief" not in text + " ".join(tags.values())
    assert any(i.example for i in site.initiatives) and not all(i.example for i in site.initiatives)


def test_a_recommendation_is_cited_as_our_summary_with_its_original_beside_it(site, config):
    item = site.items["inspectie-2023/07"]
    s = item.set
    c = cite.of_item(item, config)
    text = cite.apa_text(c, "1 januari 2027")
    assert text == (
        f"{config.site_name}. (z.d.). Aanbeveling 7: {item.title} [Samenvatting van aanbeveling 7"
        f" uit {s.publisher} ({s.year}), {s.source_title}]. Geraadpleegd op 1 januari 2027, van "
        f"{config.permalink(item.url)}"
    )
    html = BeautifulSoup(cite.apa_html(c), "html.parser")
    assert [em.get_text() for em in html.find_all("em")] == [c.title, s.source_title]
    assert " ".join(html.get_text().split()) == " ".join(cite.apa_text(c, cite.NO_DATE).split())
    original = cite.original_text(c.summary_of)
    assert original == f"{s.publisher}. ({s.year}). {s.source_title}. {s.source_url}"
    page = BeautifulSoup(cite.original_html(c.summary_of), "html.parser")
    assert page.em.get_text() == s.source_title and page.a["href"] == s.source_url
    assert " ".join(page.get_text().split()) == original
    # ours in every form: no date of our own, the original named as the source
    tags = [(name, content) for _, name, content in cite.meta_tags(c)]
    assert ("citation_author", config.site_name) in tags
    assert not [n for n, _ in tags if n == "citation_publication_date"]
    entry = parse_bibtex(cite.bibtex(c))
    assert unlatex(entry["author"]) == config.site_name and "year" not in entry
    assert f"Samenvatting van aanbeveling 7 uit {s.publisher} ({s.year})" in unlatex(entry["note"])
    [ris] = rispy.loads(cite.ris(c))
    assert ris["authors"] == [config.site_name] and "year" not in ris
    data = json.loads(cite.script_json(cite.json_ld_data(c, config)))
    assert [a["name"] for a in data["author"]] == [config.site_name]
    assert "datePublished" not in data and data["isBasedOn"]["name"] == s.source_title


def test_item_pages_offer_both_citations(site, rendered):
    for item in site.items.values():
        page = BeautifulSoup(rendered[item.page], "html.parser")
        ours, original = page.select(".kb-citation")
        assert ours.get_text().startswith("Kennisbank Studentenwelzijn. (z.d.).")
        assert original.get_text().startswith(f"{item.set.publisher}. ({item.set.year}).")
        buttons = [b["data-kb-copy"] for b in page.select("button[data-kb-copy]")]
        assert buttons == [ours["id"], original["id"]]
    for i in site.initiatives:
        page = BeautifulSoup(rendered[i.page], "html.parser")
        assert len(page.select(".kb-citation")) == 1  # the initiative's own page: one


def test_the_bundled_site_has_its_real_address(config, rendered, site):
    assert config.site_url == "https://kennisbankstudentenwelzijn.nl/"
    assert not config.placeholder_address
    i = site.initiatives[0]
    assert f"https://kennisbankstudentenwelzijn.nl/{i.url}" in rendered[i.page]
