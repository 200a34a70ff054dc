"""The `kennisbank` command: validate, schema, build, serve, new, contributing, cms.

Exit codes: 0 clean, 1 findings (or a failed build), 2 usage or configuration errors (each error
of errors.py carries its own code and text: a command lets it through and click prints it).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from pathlib import Path

import click

from . import clock
from .check.record_schema import record_schema
from .check.validate import validate as validate_project
from .config import jobs_option, project_option
from .editors.fix import change_text, fix_and_validate
from .findings import FORMATTERS, Finding, neutralise, one_line
from .pool import Pool
from .read.framework import load_framework
from .read.project import FRAMEWORK_DIR

#: commands defined in other modules, imported only when they run (`kennisbank validate` in a
#: pre-commit hook should not wait for MkDocs and the preview server to load)
ELSEWHERE = {
    "build": "kennisbank_gen.site_commands",
    "serve": "kennisbank_gen.site_commands",
    "new": "kennisbank_gen.editors.new",
    "contributing": "kennisbank_gen.editors.contributing",
    "cms": "kennisbank_gen.editors.cms",
}


#: every ASCII punctuation character: escaped with a backslash, none can start Markdown (a link,
#: an image, emphasis, HTML) or end an autolink's `https:` or `www.` in the job summary
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def summary_text(text: str) -> str:
    """Record text for a cell of the job summary's Markdown table: shown as written, never live
    Markdown (GitHub renders the summary)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line(text))


def summary_code(text: str) -> str:
    """A file name or field for the job summary: a code span (nothing in it is live), with no
    backtick to end it and no `|` to end the table cell."""
    return "`" + one_line(text).replace("`", "'").replace("|", "\\|") + "`"


def _job_summary(findings: list[Finding]) -> None:
    """With --format github: all findings in the job summary (annotations are capped per step)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    lines = ["## Kennisbank: validatie", ""]
    if not findings:
        lines.append("Geen meldingen: alle records zijn in orde.")
    else:
        lines += ["| bestand | regel | veld | melding | ernst |", "|---|---|---|---|---|"]
        for f in sorted(findings):
            message, path, field = summary_text(f.message), *map(summary_code, (f.path, f.field))
            severity = "waarschuwing" if f.severity == "warning" else "fout"
            lines.append(f"| {path} | {f.line} | {field} | {message} | {severity} |")
    with open(target, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


class _Commands(click.Group):
    """The command group: commands of ELSEWHERE are looked up in their module when asked for
    (click's documented way of loading subcommands lazily)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *ELSEWHERE])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in ELSEWHERE:
            return getattr(importlib.import_module(ELSEWHERE[name]), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands)
@click.version_option(package_name="kennisbank-gen")
def main() -> None:
    """Maak de site van de Kennisbank Studentenwelzijn uit YAML-records."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="Hoe de meldingen verschijnen.",
)
@click.option("--strict", is_flag=True, help="Behandel waarschuwingen als fouten.")
@click.option(
    "--fix",
    is_flag=True,
    help="Herstel wat eenduidig te herstellen is (alleen die waarde verandert) en meld wat.",
)
@jobs_option
@project_option
def validate(
    paths: tuple[Path, ...], fmt: str, strict: bool, fix: bool, jobs: int | None, root: Path
) -> None:
    """Controleer records (standaard: heel initiatives/) en meld alles wat niet klopt."""
    if fix:
        report, fixed = fix_and_validate(root, list(paths) or None, clock.today())
        for f in fixed:
            click.echo(change_text(f), err=fmt != "text")
    else:
        report = validate_project(
            root, list(paths) or None, today=clock.today(), records=False, pool=Pool(jobs)
        )
    output = FORMATTERS[fmt](report.findings)
    if output:
        click.echo(output if fmt == "github" else neutralise(output))
    if fmt == "github":
        _job_summary(report.findings)
    sys.exit(1 if report.blocking(strict) else 0)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="BESTAND",
    help="Schrijf naar dit bestand in plaats van naar de standaarduitvoer.",
)
@project_option
def schema(output: Path | None, root: Path) -> None:
    """Schrijf het JSON Schema van een record (voor aanvullen in je editor)."""
    framework = load_framework(root / FRAMEWORK_DIR, root)
    text = json.dumps(record_schema(framework), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Schema geschreven naar {output}", err=True)
    else:
        click.echo(text, nl=False)
