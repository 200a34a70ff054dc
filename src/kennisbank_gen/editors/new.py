"""`kennisbank new`: writes a new record, from options (`--no-input`) or from the Dutch dialogue
(`dialogue`). Choices and words come from the quality framework, so they follow it when it
changes. A new record is checked by the validator before it is written: `new` never writes a
file that `kennisbank validate` would reject, and it never overwrites one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import yaml

from .. import clock
from ..check.across import title_key
from ..check.guidance import well_formed
from ..check.record_schema import record_schema
from ..check.slugs import SLUG_MAX, propose, slug_problem, slugify
from ..check.validate import validate
from ..config import project_option
from ..findings import Finding, format_text
from ..read.framework import Framework, load_framework
from ..read.guidance import guidance_ids
from ..read.load import shown_path
from ..read.project import FRAMEWORK_DIR, RECORDS_DIR
from ..schema_errors import did_you_mean
from .dialogue import Asker, ask_record, prompt_until_valid, split_list

SCHEMA_FILE = "schema/initiative.schema.json"
SCHEMA_LINE = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
HEADER = (
    f"{SCHEMA_LINE}\n"
    "# Gemaakt met `kennisbank new`. Uitleg bij elk veld en criterium: CONTRIBUTING.md.\n"
)


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
    records = root / RECORDS_DIR
    return [records] if records.is_dir() else []


def check_new_record(root: Path, rel_path: str, text: str, today: dt.date) -> list[Finding]:
    """Everything `kennisbank validate` would say about `text` saved as `rel_path`.

    The text goes to a scratch file and is validated as `kennisbank validate FILE` would: on its
    own and against every record of the project (unique titles and slugs, known references).
    """
    with tempfile.TemporaryDirectory() as scratch:
        file = Path(scratch) / Path(rel_path).name
        file.write_text(text, encoding="utf-8")
        after = validate(root, [file], today=today)
    shown = shown_path(file, root)
    return sorted(
        dataclasses.replace(f, path=rel_path) if f.path == shown else f for f in after.findings
    )


def ask_slug(title: str, problems) -> str:
    """Propose a slug from the title (its first words); the editor may keep it, or type another,
    such as the whole title's (up to SLUG_MAX characters)."""
    proposal, full = propose(title), slugify(title)
    click.echo("\nBestandsnaam (slug); het adres wordt /initiatieven/<slug>/.")
    click.echo(f"Voorstel: {proposal}")
    if full != proposal:
        click.echo(f"Langer mag ook, tot {SLUG_MAX} tekens, bijvoorbeeld: {full}")

    def check(text: str) -> str:
        text = text.strip()
        if messages := problems(text):
            raise click.BadParameter("; ".join(messages))
        return text

    return prompt_until_valid("Bestandsnaam", check, proposal)


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
        values = split_list(value, ",")
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
    if slug is not None and (problem := slug_problem(slug)):
        click.echo(f"--slug: {problem}", err=True)  # e.g. '../../x': never outside the project
        sys.exit(2)
    framework = load_framework(root / FRAMEWORK_DIR, root)
    today = clock.today()
    report = validate(root, _record_dirs(root), today=today)
    project = report.project
    ids = guidance_ids(well_formed(project.guidance)[0])
    quality = _parse_quality(quality_pairs, framework)
    titles = {
        title_key(d.data["title"]): d.path
        for d in project.records
        if isinstance(d.data, dict) and isinstance(d.data.get("title"), str)
    }

    def target_of(the_title: str) -> str:
        return f"initiatives/{slug or propose(the_title)}.yml"

    def slug_problems(name: str) -> list[str]:
        if problem := slug_problem(name):
            return [problem]
        for suffix in (".yml", ".yaml"):
            if (root / "initiatives" / f"{name}{suffix}").exists():
                return [
                    f"verwacht een nieuwe bestandsnaam, gevonden initiatives/{name}{suffix}, "
                    "en die bestaat al; kies een andere titel of --slug"
                ]
        return []

    def title_problems(the_title: str) -> list[str]:
        name = slug or propose(the_title)
        if not name:
            return [
                "verwacht een titel met letters of cijfers (daaruit volgt de bestandsnaam), "
                f"gevonden {the_title!r}"
            ]
        if problems := slug_problems(name):
            return problems
        key = title_key(the_title)
        if key in titles:
            return [f"verwacht een nieuwe titel, gevonden de titel van {titles[key]}"]
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
        missing += [
            f"--quality {c.id}=..."
            for c in framework.criteria
            if c.id not in quality and not c.unknown
        ]
        if missing:
            raise click.UsageError("ontbrekende opties voor --no-input: " + ", ".join(missing))
        if problems := title_problems(title or ""):
            click.echo(f"{target_of(title or '')}: title: {problems[0]}", err=True)
            sys.exit(1)
        given["quality"] = {c.id: quality[c.id] for c in framework.criteria if c.id in quality}
        # `quality: {}` when every criterion is left out (allowed where the framework says
        # `unknown: true`), as the dialogue writes it
        record = {name: value for name, value in given.items() if value or name == "quality"}
    else:
        record = ask_record(Asker(framework, today), framework, ids, title_problems, given)
        if not slug:
            slug = ask_slug(record["title"], slug_problems)
    if not record["body"].endswith("\n"):
        record["body"] += "\n"
    record["last_reviewed"] = today.isoformat()
    if example:
        record["example"] = True

    rel_path = target_of(record["title"])
    text = record_text(record)
    findings = check_new_record(root, rel_path, text, today)
    if any(f.severity == "error" for f in findings):
        # (no word of `validate --fix`: there is no file to fix; the options are)
        click.echo(format_text(findings, fix_hint=False), err=True)
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
