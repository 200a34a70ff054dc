"""The `kennisbank` command: validate, schema, build, serve, new, contributing, cms.

Exit codes: 0 clean, 1 findings (or a failed build), 2 usage or configuration errors.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import clock
from .build import build as build_site
from .check.record_schema import record_schema
from .check.validate import validate as validate_project
from .config import SiteConfig, project_option
from .editors.cms import cms
from .editors.contributing import contributing
from .editors.fix import change_text, fix_and_validate
from .editors.new import new
from .editors.serve import serve as serve_preview
from .errors import BuildError, ConfigError, FindingsError
from .findings import FORMATTERS, Finding, format_text, neutralise, one_line
from .read.framework import load_framework
from .read.project import FRAMEWORK_DIR
from .site.cms import LOCAL_BACKEND_PORT


def _say(text: str, err: bool = False) -> None:
    """Print plain text that may quote file names, records or MkDocs: never a CI command."""
    click.echo(neutralise(text), err=err)


def _config_error(exc: ConfigError) -> None:
    _say(format_text(exc.findings), err=True)
    if all(f.path.endswith("mkdocs.yml") for f in exc.findings):
        _say("mkdocs.yml is niet in orde; herstel het eerst.", err=True)
    else:
        _say("Het kwaliteitskader is kapot; herstel dat eerst, daarna de records.", err=True)
    sys.exit(2)


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
            message = one_line(f.message).replace("|", "\\|")
            path, field = one_line(f.path).replace("`", "'"), one_line(f.field).replace("`", "'")
            severity = "waarschuwing" if f.severity == "warning" else "fout"
            lines.append(f"| `{path}` | {f.line} | `{field}` | {message} | {severity} |")
    with open(target, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


@click.group()
@click.version_option(package_name="kennisbank-gen")
def main() -> None:
    """Maak de site van de Kennisbank Studentenwelzijn uit YAML-records."""


main.add_command(new)
main.add_command(contributing)
main.add_command(cms)


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
@project_option
def validate(paths: tuple[Path, ...], fmt: str, strict: bool, fix: bool, root: Path) -> None:
    """Controleer records (standaard: heel initiatives/) en meld alles wat niet klopt."""
    try:
        if fix:
            report, fixed = fix_and_validate(root, list(paths) or None, clock.today())
            for f in fixed:
                click.echo(change_text(f), err=fmt != "text")
        else:
            report = validate_project(root, list(paths) or None, today=clock.today(), records=False)
    except ConfigError as exc:
        _config_error(exc)
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
    help="Schrijf naar dit bestand in plaats van naar de standaarduitvoer.",
)
@project_option
def schema(output: Path | None, root: Path) -> None:
    """Schrijf het JSON Schema van een record (voor aanvullen in je editor)."""
    try:
        framework = load_framework(root / FRAMEWORK_DIR, root)
    except ConfigError as exc:
        _config_error(exc)
    text = json.dumps(record_schema(framework), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Schema geschreven naar {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--strict", is_flag=True, help="Behandel waarschuwingen als fouten.")
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Waar de site komt (standaard: site/ in het project).",
)
@click.option(
    "--release",
    is_flag=True,
    help="Build for publication: refuse an example address (site_url) in mkdocs.yml.",
)
@project_option
def build(strict: bool, site_dir: Path | None, release: bool, root: Path) -> None:
    """Controleer alles en bouw dan de site in site/ (bij een fout blijft die ongewijzigd)."""
    if release:
        _refuse_placeholder_address(root)
    try:
        result = build_site(root, site_dir, strict, today=clock.today())
    except ConfigError as exc:
        _config_error(exc)
    except FindingsError as exc:
        _say(format_text(exc.findings), err=True)
        click.echo(
            "Bouwen gestopt: er is niets geschreven en de vorige site is ongewijzigd.", err=True
        )
        sys.exit(1)
    except BuildError as exc:
        _say(f"Bouwen mislukt: {exc}. De vorige site is ongewijzigd.", err=True)
        sys.exit(1)
    for warning in result.warnings:
        _say(warning.text(), err=True)
    click.echo(
        f"Site gebouwd in {result.site_dir}/ ({result.files_total} gegenereerde bestanden, "
        f"{result.files_written} gewijzigd). Bekijk haar met: kennisbank serve"
    )


def _refuse_placeholder_address(root: Path) -> None:
    """A release build with an example address would print it in every canonical link,
    citation and download: stop with exit 2 (a configuration error) and say what to do."""
    file = root / "mkdocs.yml"
    config = SiteConfig.from_mkdocs(file)
    if not config.placeholder_address:
        return
    text = file.read_text(encoding="utf-8").splitlines()
    line = next((n for n, t in enumerate(text, 1) if t.startswith("site_url:")), 1)
    click.echo(
        f"mkdocs.yml:{line}:1: site_url: verwacht het echte adres van de site, gevonden "
        f"'{config.site_url}' (een voorbeeldadres). Een release-build zet dit adres in elke "
        "vaste link, bronvermelding en download; zet site_url in mkdocs.yml op het adres waar "
        "de site komt te staan. Zonder --release bouwt de site gewoon, om te bekijken.",
        err=True,
    )
    sys.exit(2)


@main.command()
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Adres en poort van de preview."
)
@click.option(
    "--cms",
    is_flag=True,
    help="Also start the web form's local backend (decap-server): edit at /admin/.",
)
@click.option(
    "--cms-port",
    type=click.IntRange(1, 65535),
    default=LOCAL_BACKEND_PORT,
    show_default=True,
    help="Port of the local backend on 127.0.0.1 (with --cms).",
)
@click.option(
    "--cms-mode",
    type=click.Choice(["fs", "git"]),
    default="fs",
    show_default=True,
    help="fs: the form writes into the working copy; git: editorial workflow on local branches.",
)
@project_option
def serve(dev_addr: str, cms: bool, cms_port: int, cms_mode: str, root: Path) -> None:
    """Live preview: bouwt opnieuw zodra een record, het kwaliteitskader of een pagina wijzigt."""
    try:
        serve_preview(root, dev_addr, cms_port if cms else None, cms_mode)
    except ConfigError as exc:
        _config_error(exc)
