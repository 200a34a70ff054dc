"""Search: facets come from the framework data, pages carry them for Pagefind, the build indexes.

Browser tests of the search itself are in tests/browser/test_search_browser.py.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import TODAY, edit_record, record_data, records_where

from kennisbank_gen.check.validate import validate
from kennisbank_gen.config import SiteConfig
from kennisbank_gen.errors import BuildError, ConfigError
from kennisbank_gen.publish import build, generate, search_index
from kennisbank_gen.read.framework import (
    SEARCHABLE,
    UNKNOWN_ID,
    Criterion,
    Value,
    load_framework,
)
from kennisbank_gen.read.project import read_project
from kennisbank_gen.render import search, search_words
from kennisbank_gen.render.markdown_pages import render_site
from kennisbank_gen.render.model import build_model

FILTER = re.compile(r'<span data-pagefind-filter="([^"]+)">([^<]*)</span>')


@pytest.fixture(scope="module")
def site(bundled_project):
    return build_model(read_project(bundled_project))


@pytest.fixture(scope="module")
def rendered(site, bundled_project):
    config = SiteConfig.from_mkdocs(bundled_project / "mkdocs.yml")
    return render_site(site, config, bundled_project / "content")


def filters_in(markdown: str) -> set[tuple[str, str]]:
    return set(FILTER.findall(markdown))


def test_facets_are_the_framework_vocabularies_and_criteria(site):
    framework = site.framework
    by_key = {f.key: f for f in search.facets(site)}
    assert [o.label for o in by_key["thema"].options] == [
        t.label for t in framework.vocabularies["themes"]
    ]
    # sectors may be left out: "Niet bekend" is a filter value too
    assert [o.id for o in by_key["sector"].options] == [*framework.ids("sectors"), "niet-bekend"]
    assert [o.id for o in by_key["soort"].options] == framework.ids("kinds")
    for c in framework.criteria:
        assert by_key[c.id].label == c.label
        unknown = [("niet-bekend", "Niet bekend")] if c.unknown else []
        assert [(o.id, o.label) for o in by_key[c.id].options] == [
            *((v.id, v.label) for v in c.values),
            *unknown,
        ]
    assert [o.id for o in by_key["set"].options] == [s.id for s in site.guidance_sets]
    assert {o.id for o in by_key["fase"].options} == {"plan", "do", "check-act"}
    assert {o.id for o in by_key["type"].options} == {"initiatief", "aanbeveling", "tip"}


def test_initiative_pages_carry_every_facet_value_of_their_record(site, rendered):
    for i in site.initiatives:
        expected = {("type", "initiatief"), ("soort", i.kind.id)}
        expected.add(("echt", "nee" if i.example else "ja"))  # "alleen echte initiatieven"
        expected |= {("thema", t.id) for t in i.themes}
        # sectors and criteria the record leaves out are the filter value "Niet bekend"
        expected |= {("sector", s.id) for s in i.sectors} or {("sector", UNKNOWN_ID)}
        for r in i.ratings:
            expected |= {(r.criterion.id, v.id) for v in r.values} or {(r.criterion.id, UNKNOWN_ID)}
        assert filters_in(rendered[i.page]) == expected, i.slug
        assert '<span data-pagefind-meta="type">Initiatief</span>' in rendered[i.page]
        # result rows show the date and whether it is a fictional example
        assert f'<span data-pagefind-meta="date">{i.date.dutch}</span>' in rendered[i.page]
        flag = '<span data-pagefind-meta="example">Fictief voorbeeld</span>'
        assert (flag in rendered[i.page]) == i.example, i.slug
        # sort keys for the theme override (Pagefind drops pages without them when sorting)
        # (values the theme prints into HTML attributes, so already escaped: front_matter)
        front = yaml.safe_load(rendered[i.page].split("---")[1])
        sort = {key: html.unescape(value) for key, value in front["sort"].items()}
        y, m, d = i.date.sort_key
        day = f"{y:04d}-{m:02d}-{d:02d}"
        # and per judging criterion, "strong to weak": its step ("Niet bekend": 0), then the date
        levels = {
            f"niveau-{r.criterion.id}": f"{r.level}-{day}"
            for r in i.ratings
            if r.criterion.kind == "judgement"
        }
        assert sort == {"date": day, "title": i.title.casefold(), **levels}, i.slug


def test_search_excerpts_come_from_summary_and_body_only(site, rendered):
    """Metadata, the quality profile, the example notice, related cards, the citation: all
    marked data-pagefind-ignore, so results show the summary and the body."""
    example = next(i for i in site.initiatives if i.example)
    page = BeautifulSoup(rendered[example.page], "html.parser")
    ignored = page.select("[data-pagefind-ignore]")
    kinds = {" ".join(e.get("class", [])) for e in ignored}
    assert {"kb-profile kb-profile--page", "kb-facts", "kb-noindex"} <= kinds
    assert any("kb-example-note" in k for k in kinds)
    for e in ignored:
        assert example.summary not in e.get_text() or e.find_parent(class_="kb-search-data")
    item = next(x for x in site.items.values() if x.initiatives)
    page = BeautifulSoup(rendered[item.page], "html.parser")
    for card in page.select(".kb-profile--card"):
        assert card.find_parent(attrs={"data-pagefind-ignore": True}) is not None


def test_word_list_holds_the_words_of_the_index_and_the_search_terms(
    site, rendered, bundled_project
):
    """The query handling (assets/kennisbank-query.js) hands Pagefind only words of this list:
    it must hold the words of the records, the hand-written pages and every search term."""
    data = json.loads(rendered[search.WORDS])
    words = data["words"]
    assert words == sorted(set(words))
    assert all(len(w) >= 2 and w == w.casefold() for w in words)
    for i in site.initiatives:  # the records' titles and summaries
        assert search_words.words_of(f"{i.title} {i.summary}") <= set(words), i.slug
    for page in (bundled_project / "content").glob("*.md"):  # the hand-written pages
        assert search_words.words_of(page.read_text(encoding="utf-8")) <= set(words), page.name
    item = next(iter(site.items.values()))
    assert set(search_words.words_of(f"{item.title} {item.summary}")) <= set(words)
    for terms in site.framework.vocabularies.values():
        for t in terms:
            for zoekterm in t.zoektermen:
                assert set(search_words.words_of(zoekterm)) <= set(words), zoekterm
    # "burn-out" as Pagefind reads it: one word without the hyphen, and its pieces
    assert search_words.words_of("Een burn-out voorkomen") >= {"burnout", "burn", "out"}
    # what a page shows of a link is its label, not its target or address
    text = (
        "Lees het [kwaliteitskader](kwaliteitskader.md), <https://example.org/a-b> of mailto:x@y.nl"
    )
    assert search_words.words_of(text) == {"lees", "het", "kwaliteitskader", "of"}
    assert {"de", "het", "een", "ik", "hoe"} <= set(data["stopwords"])


def test_a_word_of_a_term_finds_the_initiatives_tagged_with_it_through_their_facet(site, rendered):
    """The word list says, for each word of a term's label and search terms, which terms it finds
    the tagged initiatives of (as their facet: key and id); the query handling searches for "the
    word, or tagged with such a term" (kennisbank-query.js). The search terms are no longer
    written on every initiative: nearly half of what Pagefind held."""
    data = json.loads(rendered[search.WORDS])
    terms = [tuple(term) for term in data["terms"]]
    tags = {word: {terms[n] for n in found} for word, found in data["tags"].items()}
    # a word of search terms alone (no page has it in its text) finds pages by their tags alone:
    # Pagefind would match it to the longest indexed word it begins with
    assert set(data["unindexed"]) <= set(tags)
    for i in site.initiatives:
        assert not search_words.words_of(f"{i.title} {i.summary} {i.body}") & set(data["unindexed"])
    checked = 0
    for vocabulary, key in search.TAGGED.items():
        for term in site.framework.vocabularies[vocabulary]:
            for word in search_words.words_of(" ".join([term.label, *term.zoektermen])):
                assert (key, term.id) in tags[word], (term.id, word)
                checked += 1
    assert checked  # (a guard against checking nothing; the framework sets how many)
    # (its facet values: test_initiative_pages_carry_every_facet_value_of_their_record)
    for i in site.initiatives:
        assert 'data-pagefind-meta="zoektermen"' not in rendered[i.page], i.slug


def test_framework_page_lists_the_search_terms(site, built_site):
    page = BeautifulSoup(
        (built_site / "kwaliteitskader" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    for name in SEARCHABLE:
        for term in site.framework.vocabularies[name]:
            shown = page.find(attrs={"data-kb-zoektermen": term.id})
            if not term.zoektermen:  # (optional in the framework: then there is nothing to show)
                assert shown is None, term.id
                continue
            assert shown.get_text() == ", ".join(term.zoektermen), term.id
            # not indexed here: a search term finds the records tagged with it, not this page
            assert shown.find_parent(attrs={"data-pagefind-ignore": "index"}) is not None


def break_vocabularies(project: Path, old: str, new: str) -> list[str]:
    file = project / "quality_framework" / "vocabularies.yml"
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_framework(project / "quality_framework")
    return [f.text() for f in raised.value.findings]


def line_of(project: Path, text: str) -> int:
    lines = (project / "quality_framework" / "vocabularies.yml").read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == text)


@pytest.mark.parametrize(
    ("old", "new", "at", "shown"),
    [
        (
            "      - faalangst\n",
            "      - faalangst\n      - Faalangst\n",
            "      - Faalangst",
            "zoektermen[7]: verwacht elke zoekterm één keer, gevonden 'Faalangst' twee keer",
        ),
        (
            "      - faalangst\n",
            "      - faal;angst\n",
            "      - faal;angst",
            "zoektermen[6]: verwacht één zoekterm (woorden met letters, cijfers, - of ', zonder "
            "komma; één per regel), gevonden 'faal;angst'",
        ),
        ("      - faalangst\n", "      -\n", "      -", "zoektermen[6]: verwacht één zoekterm"),
        (
            "    zoektermen:\n      - verbondenheid\n",
            "    zoektermen: verbondenheid\n",
            "    zoektermen: verbondenheid",
            "themes[1].zoektermen: verwacht een lijst, gevonden 'verbondenheid",
        ),
        (
            "  - {id: actief, label: Actief}\n",
            "  - {id: actief, label: Actief, zoektermen: [lopend]}\n",
            "  - {id: actief, label: Actief, zoektermen: [lopend]}",
            "statuses[0].zoektermen: verwacht een van de bekende velden, gevonden het onbekende "
            "veld 'zoektermen'",
        ),
    ],
    ids=["twice", "punctuation", "empty", "not-a-list", "on-a-status"],
)
def test_a_bad_search_term_is_a_located_framework_finding(project, old, new, at, shown):
    (finding,) = break_vocabularies(project, old, new)
    assert finding.startswith(f"quality_framework/vocabularies.yml:{line_of(project, at)}:")
    assert shown in finding


def test_guidance_pages_carry_set_and_pdca_phase(site, rendered):
    for item in site.items.values():
        expected = {("type", item.set.item_label), ("set", item.set.id)}
        if item.group and item.group.cycle:
            expected.add(("fase", item.group.id))
        assert filters_in(rendered[item.page]) == expected, item.id
        weighted = f'<div data-pagefind-weight="{search.SUMMARY_WEIGHT}">'
        assert weighted in rendered[item.page]


def test_overview_lists_and_browse_page_are_left_out_of_the_index(rendered):
    for page in ("index.md", "initiatieven/index.md", "initiatieven/op-titel.md", "zoeken.md"):
        front = yaml.safe_load(rendered[page].split("---")[1])
        assert front["search"] == {"exclude": True}, page


def test_browse_page_offers_every_facet_with_labels(site, rendered):
    page = BeautifulSoup(rendered[search.BROWSE_PAGE], "html.parser")
    for facet in search.facets(site):
        fieldset = page.find("fieldset", attrs={"data-facet": facet.key})
        assert fieldset.legend.get_text() == facet.label
        boxes = fieldset.find_all("input", type="checkbox")
        assert [(b["name"], b["value"]) for b in boxes] == [
            (facet.key, o.id) for o in facet.options
        ]
        for box, option in zip(boxes, facet.options, strict=True):
            label = fieldset.find("label", attrs={"for": box["id"]})
            assert label.get_text().strip() == option.label


def test_criterion_with_a_reserved_id_gets_its_own_key():
    value = Value("ja", "Ja", "check", "Ja.")
    criterion = Criterion("thema", "Thema", "?", "!", False, "error", (value, value))
    assert search.criterion_key(criterion) == "criterium-thema"


def test_record_text_in_the_search_block_is_escaped(project: Path):
    record = records_where(project)[0]
    edit_record(record, title='Eenzaamheid <img src=x onerror="alert(1)"> & "quotes"')
    generate(project, today=TODAY)
    page = (project / f"build/docs/initiatieven/{record.stem}.md").read_text(encoding="utf-8")
    block = page[page.index('<div class="kb-search-data"') :]
    block = block[: block.index("\n</div>")]
    assert "<img" not in block
    assert (
        "Eenzaamheid &lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &#34;quotes&#34;" in block
    )


NEW_CRITERION = """
  - id: co-creatie
    label: Samen met studenten
    question: Is het initiatief samen met studenten gemaakt?
    explanation: Of studenten meedachten en meebeslisten.
    multiple: false
    severity: error
    values:
      - id: ja
        label: Samen met studenten gemaakt
        explanation: Studenten zaten in het projectteam.
      - id: nee
        label: Zonder studenten gemaakt
        explanation: Studenten zaten niet in het projectteam.
"""


def add_criterion(project: Path) -> dict[str, str]:
    """Add the criterion 'co-creatie' to the framework and a value to every record.

    Returns the value per record slug ('ja' for every other record, else 'nee')."""
    criteria = project / "quality_framework" / "criteria.yml"
    criteria.write_text(criteria.read_text(encoding="utf-8") + NEW_CRITERION, encoding="utf-8")
    values = {}
    for n, record in enumerate(records_where(project)):
        values[record.stem] = "ja" if n % 2 == 0 else "nee"
        quality = record_data(record)["quality"]
        edit_record(record, quality={**quality, "co-creatie": values[record.stem]})
    return values


@pytest.mark.slow
def test_a_new_criterion_becomes_a_facet_without_code_changes(project: Path):
    add_criterion(project)
    assert validate(project, today=TODAY).blocking() == []
    build(project, today=TODAY)
    docs = project / "build" / "docs"
    browse = BeautifulSoup((docs / "zoeken.md").read_text(encoding="utf-8"), "html.parser")
    fieldset = browse.find("fieldset", attrs={"data-facet": "co-creatie"})
    assert fieldset.legend.get_text() == "Samen met studenten"
    assert [b["value"] for b in fieldset.find_all("input")] == ["ja", "nee"]
    for record in (project / "initiatives").glob("*.yml"):
        page = (docs / "initiatieven" / f"{record.stem}.md").read_text(encoding="utf-8")
        assert {k for k, _ in filters_in(page)} >= {"co-creatie"}
    html = (project / "site" / "initiatieven" / f"{record.stem}" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'data-pagefind-filter="co-creatie"' in html


def indexed_pages(site_dir: Path) -> set[str]:
    return {
        p.parent.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("index.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    }


def test_build_indexes_the_site_with_pagefind(built_site: Path, site):
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    assert not (built_site / "search" / "search_index.json").exists()  # no theme search
    pages = indexed_pages(built_site)
    assert {i.url.rstrip("/") for i in site.initiatives} <= pages
    assert {item.url.rstrip("/") for item in site.items.values()} <= pages
    assert not {".", "initiatieven", "initiatieven/op-titel", "zoeken"} & pages
    fragments = list((built_site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert len(fragments) == len(pages)


def own_pages(site: Path):
    """(file, parsed page) for each page of the site but Pagefind's own files and the redirect
    stubs (which Pagefind skips whole, on purpose)."""
    for file in site.rglob("*.html"):
        text = file.read_text(encoding="utf-8")
        if "pagefind" not in file.parts and 'http-equiv="refresh"' not in text:
            yield file, BeautifulSoup(text, "html.parser")


def test_every_page_has_the_search_in_its_header_and_loads_nothing_from_elsewhere(
    built_site: Path,
):
    for file, page in own_pages(built_site):
        form = page.find("form", attrs={"data-kb-search": True})
        assert form is not None and form.find_parent("header"), file
        assert form.find("input", attrs={"role": "combobox"})["aria-controls"]
        assert page.find(attrs={"data-md-component": "source"}) is None, file  # api.github.com


def test_what_pagefind_skips_it_skips_as_text_only(built_site: Path):
    """Pagefind reads any value of data-pagefind-ignore but "index" (or none) as "all", which
    drops the filters and metadata inside too; Markdown in HTML blocks writes a bare attribute
    out as `data-pagefind-ignore="data-pagefind-ignore"`, so the templates say "index"."""
    seen = 0
    for file, page in own_pages(built_site):
        for ignored in page.select("[data-pagefind-ignore]"):
            assert ignored["data-pagefind-ignore"] in ("", "index"), (file, ignored.attrs)
            seen += 1
    assert seen


def tree_digest(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_failing_pagefind_stops_the_build_and_keeps_the_previous_site(small_project, monkeypatch):
    project = small_project
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    # an option Pagefind refuses
    monkeypatch.setattr(search_index, "PAGEFIND_CONFIG", {"force_language": ["nl"]})
    with pytest.raises(BuildError, match="Pagefind"):
        build(project, today=TODAY)
    assert tree_digest(project / "site") == before
    assert not list(
        project.glob(".site.[!l]*")
    )  # no staging directory left behind (.site.lock stays)


DYING = """#!{python}
import os, signal, sys
sys.stderr.write("half an index written\\n")
os.kill(os.getpid(), signal.SIGKILL)
"""
HANGING = """#!{python}
import time
time.sleep(3600)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "said"),
    [
        (DYING, r"de zoekindex \(Pagefind\) faalde \(afsluitcode -9\): half an index written"),
        (HANGING, r"de zoekindex \(Pagefind\) was na 1 s niet klaar"),
    ],
    ids=["dies", "hangs"],
)
def test_pagefind_dying_or_hanging_stops_the_build(
    small_project, monkeypatch, tmp_path, script, said
):
    """A Dutch BuildError (Pagefind gets a time limit too), the previous site stays, nothing is
    left behind."""
    project = small_project
    build(project, today=TODAY)
    before = tree_digest(project / "site")
    pagefind = tmp_path / "pagefind"
    pagefind.write_text(script.format(python=sys.executable), encoding="utf-8")
    pagefind.chmod(0o755)
    monkeypatch.setattr(search_index, "get_executable", lambda: pagefind)
    monkeypatch.setattr(search_index, "TIMEOUT_S", 1)
    with pytest.raises(BuildError, match=said):
        build(project, today=TODAY)
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.[!l]*"))


THREADS = """#!{python}
import json, os, pathlib
output = pathlib.Path(json.loads(pathlib.Path("pagefind.json").read_text())["output_path"])
output.mkdir(parents=True)
(output / "pagefind.js").write_text("")
threads = {{k: os.environ.get(k) for k in ("RAYON_NUM_THREADS", "TOKIO_WORKER_THREADS")}}
pathlib.Path({said!r}).write_text(json.dumps(threads))
"""


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 3])
def test_pagefind_runs_on_as_many_threads_as_the_build_has_jobs(
    small_project, monkeypatch, tmp_path, jobs
):
    """`--jobs 1` is one core for the index too: Pagefind's thread pools (rayon, tokio) would
    otherwise take every core of the machine."""
    said = tmp_path / "threads.json"
    pagefind = tmp_path / "pagefind"
    pagefind.write_text(THREADS.format(python=sys.executable, said=str(said)), encoding="utf-8")
    pagefind.chmod(0o755)
    monkeypatch.setattr(search_index, "get_executable", lambda: pagefind)
    monkeypatch.setenv("RAYON_NUM_THREADS", "64")
    build(small_project, today=TODAY, jobs=jobs)
    assert json.loads(said.read_text()) == {
        "RAYON_NUM_THREADS": str(jobs),
        "TOKIO_WORKER_THREADS": str(jobs),
    }


def test_compounds_split_into_words_of_the_site_never_into_fragments_or_stopwords():
    lexicon = search_words.Lexicon(
        ["student", "psychologen", "vertrouwen", "persoon", "in", "ten", "zelf", "beeld", "stress"]
    )
    assert lexicon.compound("studentpsychologen") == ["student", "psychologen"]
    assert lexicon.compound("vertrouwenspersoon") == ["vertrouwen", "persoon"]  # tussen-s
    assert lexicon.compound("zelfbeeld") is None  # "zelf" is a stopword
    assert lexicon.compound("tenstress") is None  # "ten" is too short to be a part
    assert lexicon.compound("studentstressvertrouwen") == ["student", "stress", "vertrouwen"]


def test_inflections_the_stemmer_keeps_apart_are_indexed_with_the_page():
    """Snowball's Dutch stemmer lengthens the vowel of an open syllable ("mentoren" ->
    "mentoor", "examen" -> "exaam"), so Pagefind never finds "mentoren" for "mentor"; a page is
    indexed with those inflections of its words, and with the parts of its compounds."""
    assert search_words.stem("mentoren") != search_words.stem("mentor")  # what this is about
    words = "mentor mentoren examen examens student studenten psychologen daar daarin"
    lexicon = search_words.Lexicon([*words.split(), "studentpsychologen"])
    assert lexicon.kept_apart("mentoren") == ["mentor"]
    assert lexicon.kept_apart("mentor") == ["mentoren"]
    assert lexicon.kept_apart("examens") == ["examen"]
    assert lexicon.kept_apart("studenten") == []  # one stem: Pagefind finds both already
    assert lexicon.kept_apart("daar") == []  # a stopword, and "daarin" is another word
    text = "Mentoren en studentpsychologen bespreken examens."
    assert lexicon.extra_forms(text) == ["examen", "mentor", "psychologen", "student"]


WOORDVORMEN = re.compile(r'<span data-pagefind-meta="woordvormen">([^<]*)</span>')


def test_pages_carry_their_extra_word_forms_for_the_index(site, rendered):
    lexicon = search.site_lexicon(site)
    for i in site.initiatives:
        forms = lexicon.extra_forms(f"{i.title} {i.summary}")
        shown = WOORDVORMEN.findall(rendered[i.page])
        assert shown == ([" ".join(forms)] if forms else []), i.slug
    assert any(lexicon.extra_forms(f"{i.title} {i.summary}") for i in site.initiatives)
