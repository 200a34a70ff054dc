"""Editors' tools: `kennisbank new` writes a new record, from Dutch prompts or from flags, and
`kennisbank contributing` regenerates the field and criterion reference in CONTRIBUTING.md.

Both take their choices and words from the quality framework, so they follow it when it changes.
A new record is checked by the validator before it is written: `new` never writes a file that
`kennisbank validate` would reject, and it never overwrites one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import yaml

from .config import project_option
from .findings import Finding, format_text
from .framework import ConfigError, Framework, Term, load_framework
from .guidance import guidance_ids
from .load import Document, _shown_path
from .schema import did_you_mean, record_schema
from .validate import check_record, gather, title_key

SCHEMA_FILE = "schema/initiative.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
HEADER = (
    f"{SCHEMA_LINE}\n"
    "# Gemaakt met `kennisbank new`. Uitleg bij elk veld en criterium: CONTRIBUTING.md.\n"
)
CONTRIBUTING = "CONTRIBUTING.md"
BEGIN = "<!-- BEGIN veldreferentie: gegenereerd met `kennisbank contributing`, niet met de hand -->"
END = "<!-- END veldreferentie -->"
SLUG_MAX = 80


@dataclass(frozen=True)
class FieldInfo:
    """What an editor needs to know about one field of a record, in Dutch."""

    label: str
    help: str
    vocabulary: str | None = None


#: Every field of a record (a test checks this matches the JSON Schema, so it cannot drift).
FIELDS: dict[str, FieldInfo] = {
    "title": FieldInfo(
        "Titel",
        "De naam van het initiatief, 3 tot 200 tekens. Uit de titel volgt de bestandsnaam.",
    ),
    "initiators": FieldInfo(
        "Initiatiefnemer",
        "Een lijst met de organisatie(s) die het initiatief uitvoeren of uitgeven.",
    ),
    "date": FieldInfo(
        "Datum initiatief",
        "Wanneer het initiatief begon of verscheen: `2023`, `2023-05` of `2023-05-15`. "
        "Niet in de toekomst.",
    ),
    "kind": FieldInfo("Soort", "Eén code uit de lijst *Soort* hieronder.", "kinds"),
    "sectors": FieldInfo(
        "Sector", "Een lijst met een of meer codes uit de lijst *Sector* hieronder.", "sectors"
    ),
    "themes": FieldInfo(
        "Term (thema)",
        "Een lijst met een of meer codes uit de lijst *Term (thema)* hieronder.",
        "themes",
    ),
    "summary": FieldInfo(
        "Samenvatting",
        "Een of twee zinnen gewone tekst, hoogstens 300 tekens. Staat in lijsten en "
        "zoekresultaten.",
    ),
    "body": FieldInfo(
        "Beschrijving",
        "De beschrijving in Markdown, bijvoorbeeld met de kopjes `## Aanleiding`, `## Aanpak` "
        "en `## Resultaten`. Geen HTML, geen afbeeldingen en geen attributen zoals "
        "`{: .klasse }`; links alleen naar `https://`, `http://` of `mailto:`.",
    ),
    "links": FieldInfo(
        "Meer informatie",
        "Optioneel. Een lijst met links, elk met `label` (de linktekst) en `url` "
        "(`https://`, `http://` of `mailto:`).",
    ),
    "quality": FieldInfo(
        "Kwaliteitskader",
        "De beoordeling: per criterium uit het kwaliteitskader (hieronder) de code van een waarde.",
    ),
    "guidance": FieldInfo(
        "Aanbevelingen en tips",
        "Optioneel. Een lijst met ids van aanbevelingen en tips waar het initiatief invulling "
        "aan geeft, zoals `inspectie-2023/07`. Het id staat op de pagina van elke aanbeveling "
        "en tip.",
    ),
    "status": FieldInfo(
        "Status", "Optioneel. Eén code uit de lijst *Status* hieronder.", "statuses"
    ),
    "last_reviewed": FieldInfo(
        "Laatst gecontroleerd",
        "Optioneel. De dag waarop de redactie het record voor het laatst nakeek, als "
        "`JJJJ-MM-DD`. `kennisbank new` vult de dag van vandaag in.",
    ),
    "example": FieldInfo(
        "Fictief voorbeeld",
        "Optioneel. `true` voor een verzonnen voorbeeldrecord; laat het weg bij echte "
        "initiatieven.",
    ),
    "previous_slugs": FieldInfo(
        "Vorige bestandsnamen",
        "Optioneel. Hernoem je een bestand, zet dan de oude naam (zonder `.yml`) in deze lijst: "
        "oude links blijven dan werken.",
    ),
}

_VOCABULARY_TITLES = {
    "kinds": "Soort",
    "sectors": "Sector",
    "themes": "Term (thema)",
    "statuses": "Status",
}


def slugify(title: str) -> str:
    """'Buddy's voor eerstejaars!' -> 'buddy-s-voor-eerstejaars' (at most SLUG_MAX characters)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        cut = slug[: SLUG_MAX + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:SLUG_MAX]
    return slug.strip("-")


# --- the record ------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented, multi-line text as a literal block (`|`), keys as given."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def record_text(record: dict[str, Any]) -> str:
    """The YAML file for a record: the `$schema` line for editors, then the fields."""
    body = yaml.dump(
        record,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return HEADER + body


def _record_dirs(root: Path) -> list[Path]:
    records = root / "initiatives"
    return [records] if records.is_dir() else []


def check_new_record(
    root: Path, rel_path: str, text: str, today: dt.date, before: list[Finding]
) -> list[Finding]:
    """Everything `kennisbank validate` would say about `text` saved as `rel_path`.

    The text goes to a scratch file next to the project's records and is validated with them,
    so cross-record rules (unique titles and slugs, known references) apply too; `before` are
    the project's findings without it, which are not the new record's.
    """
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / Path(rel_path).name
        file.write_text(text, encoding="utf-8")
        after = gather(root, [*_record_dirs(root), file], today=today)
    shown = _shown_path(file, root)
    return sorted(
        dataclasses.replace(f, path=rel_path) if f.path == shown else f
        for f in set(after.findings) - set(before)
    )


# --- asking ----------------------------------------------------------------------------------


class _Asker:
    """Asks for one field at a time (Dutch prompts) and checks each answer with the validator."""

    def __init__(self, framework: Framework, today: dt.date):
        self.framework = framework
        self.today = today

    def problems(self, data: dict[str, Any], field: str) -> list[str]:
        """The validator's messages about `field` when a record holds `data`."""
        doc = Document(path="nieuw.yml", data=dict(data), positions={(): (1, 1)})
        out = []
        for f in check_record(doc, self.framework, self.today):
            if f.field == field or f.field.startswith((field + ".", field + "[")):
                out.append(f.message)
        return out

    def ask(
        self,
        prompt: str,
        field: str,
        convert: Callable[[str], Any],
        *,
        data: Callable[[Any], dict[str, Any]] | None = None,
        optional: bool = False,
        extra: Callable[[Any], list[str]] | None = None,
    ) -> Any:
        """Prompt until the answer is valid; `data` places the value in a record."""
        data = data or (lambda value: {field: value})

        def value_proc(text: str) -> Any:
            text = text.strip()
            if optional and not text:
                return None
            value = convert(text)
            messages = self.problems(data(value), field) + (extra(value) if extra else [])
            if messages:
                raise click.BadParameter("; ".join(messages))
            return value

        return click.prompt(
            prompt,
            default="" if optional else None,
            show_default=False,
            value_proc=value_proc,
        )

    def choose(
        self, title: str, terms: list[Term], multiple: bool, optional: bool = False
    ) -> tuple[Callable[[str], Any], str]:
        """Show the numbered choices, accept numbers or codes (comma-separated when multiple)."""
        click.echo(f"\n{title}:")
        for n, term in enumerate(terms, 1):
            click.echo(f"  {n:>2}. {term.label}  [{term.id}]")
        by_number = {str(n): t.id for n, t in enumerate(terms, 1)}

        def convert(text: str) -> Any:
            parts = [p.strip() for p in text.split(",") if p.strip()]
            ids = [by_number.get(p, p) for p in parts]
            if not multiple:
                if len(ids) != 1:
                    raise click.BadParameter("kies precies één waarde")
                return ids[0]
            return list(dict.fromkeys(ids))

        hint = "nummers of codes, gescheiden door komma's" if multiple else "nummer of code"
        if optional:
            hint += "; leeg laten mag"
        return convert, f"{title} ({hint})"


def _split(text: str, sep: str) -> list[str]:
    return [p.strip() for p in text.split(sep) if p.strip()]


def _read_body() -> str:
    click.echo(
        "\nBeschrijving in Markdown (zie CONTRIBUTING.md). Typ de tekst regel voor regel en "
        "sluit af met een regel met alleen een punt (.)."
    )
    lines: list[str] = []
    while True:
        line = click.prompt("", default="", show_default=False, prompt_suffix="> ")
        if line.strip() == ".":
            break
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


# --- the commands ----------------------------------------------------------------------------


def _load(root: Path) -> Framework:
    try:
        return load_framework(root / "quality_framework", root)
    except ConfigError as exc:
        click.echo(format_text(exc.findings), err=True)
        click.echo("Het kwaliteitskader is kapot; herstel dat eerst.", err=True)
        sys.exit(2)


def _parse_quality(pairs: tuple[str, ...], framework: Framework) -> dict[str, Any]:
    quality: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        criterion = next((c for c in framework.criteria if c.id == name.strip()), None)
        if not sep or criterion is None:
            known = [c.id for c in framework.criteria]
            raise click.BadParameter(
                f"verwacht CRITERIUM=WAARDE met een criterium uit {known}, gevonden {pair!r}"
                + did_you_mean(name.strip(), known),
                param_hint="--quality",
            )
        values = _split(value, ",")
        quality[criterion.id] = values if criterion.multiple else ",".join(values)
    return quality


@click.command()
@click.option("--title", help="Titel van het initiatief.")
@click.option("--initiator", "initiators", multiple=True, help="Initiatiefnemer (herhaalbaar).")
@click.option("--date", help="Datum initiatief: JJJJ, JJJJ-MM of JJJJ-MM-DD.")
@click.option("--kind", help="Soort (code uit het kwaliteitskader).")
@click.option("--sector", "sectors", multiple=True, help="Sector (herhaalbaar).")
@click.option("--theme", "themes", multiple=True, help="Thema (herhaalbaar).")
@click.option("--summary", help="Samenvatting: een of twee zinnen.")
@click.option("--body", help="Beschrijving in Markdown.")
@click.option(
    "--link", "links", nargs=2, multiple=True, metavar="LABEL URL", help="Link (herhaalbaar)."
)
@click.option(
    "--quality",
    "quality_pairs",
    multiple=True,
    metavar="CRITERIUM=WAARDE[,WAARDE]",
    help="Beoordeling op één criterium (herhaalbaar), bijvoorbeeld duration=lang.",
)
@click.option("--guidance", multiple=True, help="Id van een aanbeveling of tip (herhaalbaar).")
@click.option("--status", help="Status (code uit het kwaliteitskader).")
@click.option("--example", is_flag=True, help="Markeer het record als fictief voorbeeld.")
@click.option("--slug", help="Bestandsnaam zonder .yml (standaard: afgeleid van de titel).")
@click.option(
    "--no-input",
    is_flag=True,
    help="Vraag niets: alles komt uit de opties (ontbrekende verplichte velden: exit 2).",
)
@project_option
def new(
    title: str | None,
    initiators: tuple[str, ...],
    date: str | None,
    kind: str | None,
    sectors: tuple[str, ...],
    themes: tuple[str, ...],
    summary: str | None,
    body: str | None,
    links: tuple[tuple[str, str], ...],
    quality_pairs: tuple[str, ...],
    guidance: tuple[str, ...],
    status: str | None,
    example: bool,
    slug: str | None,
    no_input: bool,
    root: Path,
) -> None:
    """Maak een nieuw record in initiatives/: met vragen, of met opties en --no-input."""
    framework = _load(root)
    today = dt.date.today()
    project = gather(root, _record_dirs(root), today=today)
    ids = guidance_ids(project.guidance)
    quality = _parse_quality(quality_pairs, framework)
    titles = {
        title_key(d.data["title"]): d.path
        for d in project.records
        if isinstance(d.data, dict) and isinstance(d.data.get("title"), str)
    }

    def target_of(the_title: str) -> str:
        return f"initiatives/{slug or slugify(the_title)}.yml"

    def title_problems(the_title: str) -> list[str]:
        name = slug or slugify(the_title)
        if not name:
            return ["verwacht een titel met letters of cijfers (daaruit volgt de bestandsnaam)"]
        for suffix in (".yml", ".yaml"):
            if (root / "initiatives" / f"{name}{suffix}").exists():
                return [f"initiatives/{name}{suffix} bestaat al; kies een andere titel of --slug"]
        key = title_key(the_title)
        if key in titles:
            return [f"deze titel heeft {titles[key]} al"]
        return []

    given: dict[str, Any] = {
        "title": title,
        "initiators": list(initiators) or None,
        "date": date,
        "kind": kind,
        "sectors": list(sectors) or None,
        "themes": list(themes) or None,
        "summary": summary,
        "body": body,
        "links": [{"label": label, "url": url} for label, url in links] or None,
        "quality": quality,
        "guidance": list(guidance) or None,
        "status": status,
    }
    if no_input:
        flags = {"initiators": "--initiator", "sectors": "--sector", "themes": "--theme"}
        required = [n for n in record_schema(framework)["required"] if n != "quality"]
        missing = [flags.get(n, f"--{n}") for n in required if not given.get(n)]
        missing += [f"--quality {c.id}=..." for c in framework.criteria if c.id not in quality]
        if missing:
            raise click.UsageError("ontbrekende opties voor --no-input: " + ", ".join(missing))
        if problems := title_problems(title or ""):
            click.echo(f"{target_of(title or '')}: title: {problems[0]}", err=True)
            sys.exit(1)
        given["quality"] = {c.id: quality[c.id] for c in framework.criteria}
        record = {name: value for name, value in given.items() if value}
    else:
        record = _interactive(_Asker(framework, today), framework, ids, title_problems, given)
    if not record["body"].endswith("\n"):
        record["body"] += "\n"
    record["last_reviewed"] = today.isoformat()
    if example:
        record["example"] = True

    rel_path = target_of(record["title"])
    text = record_text(record)
    findings = check_new_record(root, rel_path, text, today, project.findings)
    if any(f.severity == "error" for f in findings):
        click.echo(format_text(findings), err=True)
        click.echo(f"Niets geschreven: {rel_path} zou deze meldingen geven.", err=True)
        sys.exit(1)
    target = root / rel_path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        click.echo(f"{rel_path} bestaat al; niets overschreven.", err=True)
        sys.exit(1)
    for f in findings:
        click.echo(f.text(), err=True)
    click.echo(f"Nieuw record: {rel_path}")
    click.echo(f"Controleer het met: kennisbank validate {rel_path}")


def _interactive(
    asker: _Asker,
    framework: Framework,
    guidance_ids: set[str],
    title_problems: Callable[[str], list[str]],
    given: dict[str, Any],
) -> dict[str, Any]:
    """Ask for every field that was not given (or was given wrong), in the order of a record."""
    record: dict[str, Any] = {}

    def keep(field: str, extra: Callable[[Any], list[str]] | None = None) -> bool:
        value = given.get(field)
        if value is None:
            return False
        messages = asker.problems({field: value}, field) + (extra(value) if extra else [])
        for message in messages:
            click.echo(f"{field}: {message}", err=True)
        if not messages:
            record[field] = value
        return not messages

    click.echo("Nieuw initiatief voor de Kennisbank Studentenwelzijn. Uitleg: CONTRIBUTING.md.\n")
    if not keep("title", title_problems):
        record["title"] = asker.ask("Titel", "title", str, extra=title_problems)
    if not keep("initiators"):
        record["initiators"] = asker.ask(
            "Initiatiefnemer(s), gescheiden door puntkomma's",
            "initiators",
            lambda t: _split(t, ";"),
        )
    if not keep("date"):
        record["date"] = asker.ask("Datum initiatief (JJJJ, JJJJ-MM of JJJJ-MM-DD)", "date", str)
    for field, multiple in (("kind", False), ("sectors", True), ("themes", True)):
        if keep(field):
            continue
        info = FIELDS[field]
        terms = list(framework.vocabularies[info.vocabulary or ""])
        convert, prompt = asker.choose(info.label, terms, multiple)
        record[field] = asker.ask(prompt, field, convert)
    if not keep("summary"):
        record["summary"] = asker.ask("Samenvatting (een of twee zinnen)", "summary", str)
    if not keep("body"):
        body = _read_body()
        while messages := asker.problems({"body": body}, "body"):
            click.echo("Error: " + "; ".join(messages))
            body = _read_body()
        record["body"] = body
    if not keep("links"):
        links = []
        click.echo("\nLinks naar meer informatie (optioneel).")
        while url := asker.ask(
            "URL (https://...; leeg laten om verder te gaan)",
            "links[0].url",
            str,
            data=lambda u: {"links": [{"label": "x", "url": u}]},
            optional=True,
        ):
            label = asker.ask(
                "Linktekst",
                "links[0].label",
                str,
                data=lambda t: {"links": [{"label": t, "url": "https://example.org"}]},
            )
            links.append({"label": label, "url": url})
        if links:
            record["links"] = links

    click.echo("\nKwaliteitskader: beantwoord per criterium de vraag.")
    quality: dict[str, Any] = {}
    for c in framework.criteria:
        field = f"quality.{c.id}"
        chosen = given["quality"].get(c.id)
        if chosen is not None:
            messages = asker.problems({"quality": {c.id: chosen}}, field)
            if not messages:
                quality[c.id] = chosen
                continue
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        click.echo(f"\n{c.label}: {c.question}")
        convert, prompt = asker.choose(c.label, list(c.values), c.multiple)

        def place(value: Any, cid: str = c.id) -> dict[str, Any]:
            return {"quality": {cid: value}}

        quality[c.id] = asker.ask(prompt, field, convert, data=place)
    record["quality"] = quality

    def unknown_guidance(refs: list[str]) -> list[str]:
        return [
            f"verwacht een bestaand id, gevonden '{r}'" + did_you_mean(r, guidance_ids, 0.8)
            for r in refs or []
            if r not in guidance_ids
        ]

    if not keep("guidance", unknown_guidance):
        refs = asker.ask(
            "\nAanbevelingen of tips waar het initiatief bij aansluit "
            "(ids zoals inspectie-2023/07, gescheiden door komma's; leeg laten mag)",
            "guidance",
            lambda t: _split(t, ","),
            optional=True,
            extra=unknown_guidance,
        )
        if refs:
            record["guidance"] = refs
    if not keep("status"):
        convert, prompt = asker.choose(
            "Status", list(framework.vocabularies["statuses"]), False, optional=True
        )
        status = asker.ask(prompt, "status", convert, optional=True)
        if status:
            record["status"] = status
    return record


# --- CONTRIBUTING.md -------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def field_reference(framework: Framework) -> str:
    """The generated part of CONTRIBUTING.md: every field, vocabulary, criterion and value."""
    schema = record_schema(framework)
    required = set(schema["required"])
    out = [
        BEGIN,
        "",
        "## Alle velden",
        "",
        "| veld | naam op de site | verplicht | wat vul je in |",
        "|---|---|---|---|",
    ]
    for name in schema["properties"]:
        info = FIELDS[name]
        out.append(
            f"| `{name}` | {_cell(info.label)} | {'ja' if name in required else 'nee'} "
            f"| {_cell(info.help)} |"
        )
    out += ["", "## Vaste termen", ""]
    out.append("Bij `kind`, `sectors`, `themes` en `status` vul je een code in, geen omschrijving.")
    for vocabulary, title in _VOCABULARY_TITLES.items():
        field = next(n for n, i in FIELDS.items() if i.vocabulary == vocabulary)
        out += ["", f"### {title} (`{field}`)", "", "| code | op de site |", "|---|---|"]
        out += [f"| `{t.id}` | {_cell(t.label)} |" for t in framework.vocabularies[vocabulary]]
    out += [
        "",
        "## Het kwaliteitskader",
        "",
        "Onder `quality` staat bij elk criterium de code van een waarde. De waarden staan van "
        "sterk naar zwak.",
    ]
    for c in framework.criteria:
        how = "een lijst met een of meer codes" if c.multiple else "precies één code (geen lijst)"
        gate = "blokkeert de publicatie" if c.severity == "error" else "geeft een waarschuwing"
        out += [
            "",
            f"### {_cell(c.label)} (`quality.{c.id}`)",
            "",
            f"**{_cell(c.question)}**",
            "",
            _cell(c.explanation),
            "",
            f"Vul in: {how}. Een ontbrekende of onbekende waarde {gate}.",
            "",
            "| code | waarde | betekenis |",
            "|---|---|---|",
        ]
        for v in c.values:
            alone = " Alleen, niet samen met een andere waarde." if v.exclusive else ""
            out.append(f"| `{v.id}` | {_cell(v.label)} | {_cell(v.explanation)}{alone} |")
    out += ["", END]
    return "\n".join(out) + "\n"


def updated_contributing(text: str, framework: Framework) -> str:
    """CONTRIBUTING.md with its generated part replaced (appended when the markers are absent)."""
    reference = field_reference(framework)
    start, end = text.find(BEGIN), text.find(END)
    if start == -1 or end == -1 or end < start:
        return text.rstrip("\n") + "\n\n" + reference
    return text[:start] + reference + text[end + len(END) :].lstrip("\n")


@click.command()
@click.option("--check", is_flag=True, help="Wijzig niets; exit 1 als de referentie verouderd is.")
@project_option
def contributing(check: bool, root: Path) -> None:
    """Werk de veld- en criteriareferentie in CONTRIBUTING.md bij vanuit het kwaliteitskader."""
    framework = _load(root)
    file = root / CONTRIBUTING
    current = file.read_text(encoding="utf-8") if file.exists() else ""
    wanted = updated_contributing(current, framework)
    if current == wanted:
        click.echo(f"{CONTRIBUTING} is bij.")
        return
    if check:
        click.echo(f"{CONTRIBUTING} is verouderd; draai `kennisbank contributing`.", err=True)
        sys.exit(1)
    file.write_text(wanted, encoding="utf-8")
    click.echo(f"{CONTRIBUTING} bijgewerkt.")
