"""Records an editor could write, generated: the property-based lane of the test suite.

`kennisbank validate` promises editors that a record it accepts keeps every check green. The
bundled records were written by developers and fill in nearly everything; an editor's record
leaves criteria out ("Niet bekend"), has no `$schema` line, a title with quotes, a summary over
the advised length. So every test that reads the bundled content reads it with a batch of
generated records added (`conftest.copy_project`): hypothesis strategies derived from the quality
framework and the record schema (every optional field absent or present, every criterion with
`unknown: true` known or left out, several values where a criterion takes several, short and
long texts in any script, links of every allowed scheme, references to real guidance items), each
written out in one of the ways an editor writes YAML (flow or block lists, with or without the
`$schema` line, folded or literal text, a year as a number).

Seeds: `KENNISBANK_RECORD_SEEDS` (comma-separated; `none` for no generated records). Unset, a
test run takes the fixed seed plus a random one and prints both in its header (`conftest`), so a
failure is reproduced with the same variable. Each seed adds `PER_SEED` records.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from kennisbank_gen.check.across import RESERVED_SLUGS, title_key
from kennisbank_gen.check.record_schema import URL_PATTERN, record_schema
from kennisbank_gen.check.slugs import SLUG_MAX, propose, slug_problem
from kennisbank_gen.check.validate import validate
from kennisbank_gen.read.framework import Framework
from kennisbank_gen.read.guidance import guidance_ids
from kennisbank_gen.read.project import read_project

SEEDS_ENV = "KENNISBANK_RECORD_SEEDS"
FIXED_SEED = 99  # its batch has every kind of record test_generated_records asks for
PER_SEED = 12
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/initiative.schema.json"
#: the warnings a generated record may get (validate accepts it; `--strict` would not)
ACCEPTED_WARNINGS = {"summary-length", "review-age"}
#: first parts of the live site's former addresses (`previous_urls`); none is a section here
OLD_SECTIONS = ("onderzoek", "praktijkvoorbeelden", "publicaties", "kennisbank-oud")


def seeds_from_env(environ=os.environ) -> list[int]:
    """The seeds of this run: `KENNISBANK_RECORD_SEEDS` ("18,52341"; "none" or empty: none)."""
    text = environ.get(SEEDS_ENV, "").strip()
    if text.lower() in ("", "none"):
        return []
    return [int(part) for part in text.split(",") if part.strip()]


def default_seeds() -> str:
    """What a run without `KENNISBANK_RECORD_SEEDS` takes: the fixed seed and a random one."""
    return f"{FIXED_SEED},{random.SystemRandom().randrange(1, 2**31)}"


# --- text ---------------------------------------------------------------------------------

#: letters and digits of any script (the loader refuses control characters, never letters)
_LETTERS = st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"))
#: what editors put in titles and names besides letters: quotes, YAML's and Markdown's own
#: characters, dashes, emoji, combining marks
_ODD = st.sampled_from(
    [*"\"'“”‘’«»:#&<>*_`[]{}|\\%@!?-—–…/;=+~^$(),.", "😀", "🧠", "\u0301", "ß", "Ĳ"]
)
_WORD = st.text(_LETTERS | _ODD, min_size=1, max_size=14)
#: words of running text (summaries, bodies, list items, link labels), in several scripts;
#: drawn whole, so long texts stay cheap to generate
_WORDS = (  # noqa: SIM905 (a list of 44 words is easier to read as text)
    "studenten welzijn mentor docenten hogeschool universiteit mbo-instelling onderzoek aanpak "
    "verbondenheid eenzaamheid veerkracht prestatiedruk zo'n “aanpak” 'buddy' 10% €5 2023 "
    "e\u0301n ĳverig Ĳsselmonde café naïef coördinatie öğrenci студенты φοιτητές 学生 طلاب "
    "סטודנטים 😀 🧠 A&O co-creatie e-mail ±3 ½ x² ‘quote’ „Dutch” (ook) (n=400) straße"
).split()
_PLAIN_WORD = st.sampled_from(_WORDS) | st.text(_LETTERS, min_size=1, max_size=12)
_PUNCT = st.sampled_from(["", "", "", ",", ".", "?", "!", ";", ":"])


def _sentence(min_words: int = 1, max_words: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.tuples(_PLAIN_WORD, _PUNCT), min_size=min_words, max_size=max_words).map(
        lambda parts: " ".join(w + p for w, p in parts)
    )


def _title() -> st.SearchStrategy[str]:
    """3 to 200 characters, starting with a word of at least three."""
    first = st.text(_LETTERS | _ODD, min_size=3, max_size=14)  # (no white space in either)
    return st.tuples(first, st.lists(_WORD, max_size=30)).map(
        lambda t: " ".join([t[0], *t[1]])[:200].rstrip()
    )


def _name() -> st.SearchStrategy[str]:
    """An organisation: any characters an editor types, trimmed."""
    return st.lists(_WORD, min_size=1, max_size=8).map(" ".join)


def _summary() -> st.SearchStrategy[str]:
    """A sentence, or paragraphs over the advised 300 characters (a warning validate accepts)."""
    return _sentence(1, 30) | st.lists(_sentence(25, 60), min_size=2, max_size=3).map("\n\n".join)


_URL_PATH = st.text(
    st.characters(categories=("Ll", "Nd")) | st.sampled_from(list("-_.~%/?=&+#()'!")),
    max_size=30,
)
_HOST = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){0,2}\.[a-z]{2,6}\Z")


def _url() -> st.SearchStrategy[str]:
    web = st.builds(
        lambda scheme, host, path: f"{scheme}://{host}/{path}",
        st.sampled_from(["https", "http", "HTTPS"]),
        _HOST,
        _URL_PATH,
    )
    mail = st.builds(
        lambda user, host: f"mailto:{user}@{host}",
        st.from_regex(r"\A[a-z0-9][a-z0-9._+-]{0,15}\Z"),
        _HOST,
    )
    return (web | mail).filter(lambda u: re.match(URL_PATTERN, u) is not None)


def _block() -> st.SearchStrategy[str]:
    """One Markdown block of the kinds CONTRIBUTING names (no HTML, no images)."""
    inline = st.one_of(
        _sentence(1, 12),
        _sentence(1, 4).map(lambda s: f"**{s}**"),
        _sentence(1, 4).map(lambda s: f"*{s}*"),
        _sentence(1, 3).map(lambda s: f"`{s}`"),
        st.builds(lambda s, u: f"[{s}]({u})", _sentence(1, 5), _url()),
    )
    line = st.lists(inline, min_size=1, max_size=6).map(" ".join)
    return st.one_of(
        st.lists(line, min_size=1, max_size=5).map(" ".join),
        st.builds(lambda n, s: "#" * n + " " + s, st.integers(2, 4), _sentence(1, 8)),
        st.lists(line, min_size=1, max_size=6).map(lambda ls: "\n".join(f"- {x}" for x in ls)),
        st.lists(line, min_size=1, max_size=6).map(
            lambda ls: "\n".join(f"{i}. {x}" for i, x in enumerate(ls, 1))
        ),
        line.map(lambda s: f"> {s}"),
        st.lists(_sentence(1, 8), min_size=1, max_size=4).map(
            lambda ls: "```\n" + "\n".join(ls) + "\n```"
        ),
    )


def _body() -> st.SearchStrategy[str]:
    return st.lists(_block(), min_size=1, max_size=15).map(lambda bs: "\n\n".join(bs) + "\n")


# --- fields -------------------------------------------------------------------------------


def _date(today: dt.date) -> st.SearchStrategy[Any]:
    """YYYY (a number, as YAML reads `date: 2023`, or text), YYYY-MM or YYYY-MM-DD, not after
    `today`."""
    day = st.dates(min_value=dt.date(1990, 1, 1), max_value=today)
    return st.tuples(day, st.sampled_from(["year", "year-text", "month", "day"])).map(
        lambda t: {
            "year": t[0].year,
            "year-text": str(t[0].year),
            "month": t[0].strftime("%Y-%m"),
            "day": t[0].isoformat(),
        }[t[1]]
    )


def _one_or_more(values: list) -> st.SearchStrategy[list]:
    """One value, or several (as often as one)."""
    one = st.sampled_from(values).map(lambda v: [v])
    if len(values) < 2:
        return one
    return one | st.lists(st.sampled_from(values), min_size=2, max_size=len(values), unique=True)


def _criterion(criterion) -> st.SearchStrategy[Any]:
    """A value the criterion allows: one, or with `multiple` one or more (an exclusive value
    alone)."""
    ids = [v.id for v in criterion.values]
    if not criterion.multiple:
        return st.sampled_from(ids)
    exclusive = [v.id for v in criterion.values if v.exclusive]
    if not exclusive:
        return _one_or_more(ids)
    others = [i for i in ids if i not in exclusive]
    return _one_or_more(others) | st.sampled_from(exclusive).map(lambda i: [i])


def _quality(framework: Framework) -> st.SearchStrategy[dict]:
    """Every criterion; one with `unknown: true` may be left out (so `quality: {}` too)."""
    known = {c.id: _criterion(c) for c in framework.criteria if not c.unknown}
    optional = {c.id: _criterion(c) for c in framework.criteria if c.unknown}
    order = [c.id for c in framework.criteria]
    return st.fixed_dictionaries(known, optional=optional).map(
        lambda q: {k: q[k] for k in order if k in q}
    )


def _field_strategies(framework: Framework, guidance: list[str], today: dt.date) -> dict:
    vocab = {name: [t.id for t in terms] for name, terms in framework.vocabularies.items()}
    slug = st.from_regex(r"\A[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,4}\Z")
    return {
        "title": _title(),
        "initiators": st.lists(_name(), min_size=1, max_size=4),
        "date": _date(today),
        "kind": st.sampled_from(vocab["kinds"]),
        "sectors": _one_or_more(vocab["sectors"]),
        "themes": _one_or_more(vocab["themes"]),
        "summary": _summary(),
        "body": _body(),
        "links": st.lists(st.fixed_dictionaries({"label": _name(), "url": _url()}), max_size=4),
        "quality": _quality(framework),
        "guidance": st.lists(st.sampled_from(guidance), max_size=5, unique=True)
        if guidance
        else st.just([]),
        "status": st.sampled_from(vocab["statuses"]),
        "last_reviewed": st.dates(
            min_value=today - dt.timedelta(days=5 * 365), max_value=today
        ).map(dt.date.isoformat),
        "example": st.booleans(),
        "previous_slugs": st.lists(slug, max_size=2, unique=True),
        "previous_urls": st.lists(
            st.builds(lambda s, x: f"/{s}/{x}/", st.sampled_from(OLD_SECTIONS), slug),
            max_size=2,
            unique=True,
        ),
    }


def record_strategy(
    framework: Framework, guidance: list[str], today: dt.date
) -> st.SearchStrategy[dict]:
    """A record the schema accepts: its required fields, and each optional one absent or
    present, in the schema's order. Fails at once when the schema gains a field this module
    does not know (so the lane never silently leaves a new field out)."""
    schema = record_schema(framework)
    fields = _field_strategies(framework, guidance, today)
    assert set(fields) == set(schema["properties"]), set(schema["properties"]) ^ set(fields)
    required = {n: s for n, s in fields.items() if n in schema["required"]}
    optional = {n: s for n, s in fields.items() if n not in schema["required"]}
    order = list(schema["properties"])
    return st.fixed_dictionaries(required, optional=optional).map(
        lambda r: {k: r[k] for k in order if k in r}
    )


#: how the record is written: `$schema` line or not, lists in flow or block style, line width
#: (PyYAML folds long plain text), multi-line text as a literal (|) or folded (>) block
layouts = st.fixed_dictionaries(
    {
        "schema_line": st.booleans(),
        "flow": st.booleans(),
        "width": st.sampled_from([40, 80, 100, 4096]),
        "block": st.sampled_from(["|", ">", None]),
    }
)


# --- writing ------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, but a date is written as editors write it, unquoted: the project's
    loader reads `2024-05-01` as text (PyYAML would read a timestamp, so it quotes it)."""

    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }


def record_text(record: dict, layout: dict) -> str:
    """The YAML file an editor might have written for `record`."""

    class Dumper(_Dumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str):
        style = layout["block"] if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    body = yaml.dump(
        record,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None if layout["flow"] else False,
        width=layout["width"],
    )
    return (SCHEMA_LINE + "\n" if layout["schema_line"] else "") + body


def drawn(strategy: st.SearchStrategy, seed_value: int, count: int) -> list:
    """`count` examples of `strategy` (fewer if it repeats itself), the same ones for the same
    seed (and hypothesis version)."""
    examples: list = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_value)
    @given(strategy)
    def collect(example) -> None:
        examples.append(example)

    collect()
    return examples


class _Taken:
    """Titles, slugs and former addresses in use (bundled records, then each generated one), so
    that the batch keeps the rules across records, as an editor does by choosing another title."""

    def __init__(self, records) -> None:
        self.titles = set()
        self.slugs = set(RESERVED_SLUGS)
        self.urls = set()
        for doc in records:
            self.add(Path(doc.path).stem, doc.data)

    def add(self, slug: str, record: dict) -> None:
        self.titles.add(title_key(record["title"]))
        self.slugs |= {slug, *record.get("previous_slugs", [])}
        self.urls |= set(record.get("previous_urls", []))

    def title(self, title: str) -> str:
        n, candidate = 1, title
        while title_key(candidate) in self.titles:
            n += 1
            candidate = f"{title[:190].rstrip()} ({n})"
        return candidate

    def slug(self, title: str) -> str:
        base = propose(title) or "initiatief"
        n, candidate = 1, base
        while candidate in self.slugs or slug_problem(candidate):
            n += 1
            candidate = f"{base[: SLUG_MAX - 8]}-{n}"
        return candidate


def _unique(record: dict, taken: _Taken) -> tuple[str, dict]:
    record = {**record, "title": taken.title(record["title"])}
    slug = taken.slug(record["title"])
    if "previous_slugs" in record:
        record["previous_slugs"] = [
            s for s in record["previous_slugs"] if s not in taken.slugs and s != slug
        ]
    if "previous_urls" in record:
        record["previous_urls"] = [u for u in record["previous_urls"] if u not in taken.urls]
    taken.add(slug, record)
    return slug, record


def generated_files(root: Path, seeds: list[int], today: dt.date) -> dict[str, str]:
    """File name -> YAML text of `PER_SEED` generated records per seed, for the project under
    `root` (unique titles, slugs and former addresses among its records and each other)."""
    project = read_project(root)
    refs = sorted(guidance_ids([d for d in project.guidance if isinstance(d.data, dict)]))
    strategy = st.tuples(record_strategy(project.framework, refs, today), layouts)
    taken = _Taken(project.records)
    files, seen = {}, set()
    for seed_value in seeds:
        # (hypothesis repeats an example now and then, and starts each seed with the simplest
        # record: twice the draws, the first PER_SEED not seen before)
        added = 0
        for record, layout in drawn(strategy, seed_value, 2 * PER_SEED):
            if added == PER_SEED or repr((record, layout)) in seen:
                continue
            seen.add(repr((record, layout)))
            slug, record = _unique(record, taken)
            files[f"{slug}.yml"] = record_text(record, layout)
            added += 1
    return files


def assert_accepted(root: Path, files: dict[str, str], today: dt.date) -> None:
    """`validate` accepts the project under `root`, which holds `files` among its records: no
    error, and no warning on them but ACCEPTED_WARNINGS."""
    findings = validate(root, today=today).findings
    refused = [
        f
        for f in findings
        if f.severity == "error" or (Path(f.path).name in files and f.rule not in ACCEPTED_WARNINGS)
    ]
    assert not refused, "validate refuses generated records:\n" + "\n".join(
        f"{f.path}:{f.line}:{f.col}: {f.field}: {f.message}" for f in refused
    )
