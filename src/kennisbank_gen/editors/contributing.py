"""`kennisbank contributing`: the field and criterion reference in CONTRIBUTING.md, generated
from the quality framework (a test fails when the file is out of date)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..check.fields import _VOCABULARY_TITLES, FIELDS
from ..check.record_schema import record_schema
from ..config import project_option
from ..read.framework import Framework, load_framework
from ..read.project import FRAMEWORK_DIR

CONTRIBUTING = "CONTRIBUTING.md"
BEGIN = "<!-- BEGIN veldreferentie: gegenereerd met `kennisbank contributing`, niet met de hand -->"
END = "<!-- END veldreferentie -->"


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
    out.append(
        "Bij `kind`, `sectors`, `themes` en `status` vul je een code in, geen omschrijving. "
        "Typ je toch de omschrijving (zoals `Handreiking/tips`), dan noemt `kennisbank validate` "
        "de code en zet `kennisbank validate --fix` die voor je neer."
    )
    for vocabulary, title in _VOCABULARY_TITLES.items():
        field = next(n for n, i in FIELDS.items() if i.vocabulary == vocabulary)
        out += [
            "",
            f"### {title} (`{field}`)",
            "",
            "| code | op de site | uitleg |",
            "|---|---|---|",
        ]
        out += [
            f"| `{t.id}` | {_cell(t.label)} | {_cell(t.explanation)} |"
            for t in framework.vocabularies[vocabulary]
        ]
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
            f"Vul in: {how}. "
            + (
                "Zegt de bron er niets over, laat het criterium dan weg: de site toont dan "
                f"*Niet bekend*. Een onbekende code {gate}."
                if c.unknown
                else f"Een ontbrekende of onbekende waarde {gate}."
            ),
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
    framework = load_framework(root / FRAMEWORK_DIR, root)
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
