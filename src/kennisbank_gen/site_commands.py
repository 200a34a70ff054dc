"""`kennisbank build` and `kennisbank serve`: the commands that need MkDocs, Pagefind and the
preview server. The command group (cli.py) imports this module only when one of them runs, so
`kennisbank validate` starts without loading them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import clock
from .config import SiteConfig, jobs_option, project_option
from .editors.cms import cms_port_option
from .editors.serve import serve as serve_preview
from .findings import neutralise
from .publish import build as build_site
from .render.cms import DECAP_DIST, cms_installed


@click.command()
@click.option("--strict", is_flag=True, help="Behandel waarschuwingen als fouten.")
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    metavar="MAP",
    help="Waar de site komt (standaard: site/ in het project).",
)
@click.option(
    "--release",
    is_flag=True,
    help="Bouw om te publiceren: weiger een voorbeeldadres (site_url) in mkdocs.yml.",
)
@jobs_option
@project_option
def build(strict: bool, site_dir: Path | None, release: bool, jobs: int | None, root: Path) -> None:
    """Controleer alles en bouw dan de site in site/ (bij een fout blijft die ongewijzigd)."""
    if release:
        _refuse_placeholder_address(root)
    result = build_site(root, site_dir, strict, today=clock.today(), jobs=jobs)
    for warning in result.warnings:
        click.echo(neutralise(warning.text()), err=True)
    click.echo(
        f"Site gebouwd in {result.site_dir}/ ({result.files_total} gegenereerde bestanden, "
        f"{result.files_written} gewijzigd). Bekijk haar met: kennisbank serve"
    )
    if not cms_installed(root):
        click.echo(
            f"Zonder het invulformulier: /admin/ is weggelaten, want {DECAP_DIST.parts[0]}/"
            f"{DECAP_DIST.parts[1]}/ ontbreekt. Installeer het met `make cms-install` (vraagt "
            "Node.js en npm) en bouw opnieuw.",
            err=True,
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


@click.command()
@click.option(
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    help="Adres en poort van de voorvertoning.",
)
@click.option(
    "--cms",
    is_flag=True,
    help="Start ook het invulformulier, op een eigen adres (http://127.0.0.1:POORT/admin/), "
    "met zijn lokale backend (decap-server).",
)
@cms_port_option("Poort van het invulformulier op 127.0.0.1 (met --cms).")
@click.option(
    "--cms-mode",
    type=click.Choice(["fs", "git"]),
    default="fs",
    show_default=True,
    help="fs: het formulier schrijft in de werkmap; git: redactionele workflow op lokale takken.",
)
@jobs_option
@project_option
def serve(
    dev_addr: str, cms: bool, cms_port: int, cms_mode: str, jobs: int | None, root: Path
) -> None:
    """Voorvertoning die opnieuw bouwt zodra een record, het kwaliteitskader of een pagina
    wijzigt."""
    SiteConfig.from_mkdocs(root / "mkdocs.yml")  # before the preview or the backend starts
    serve_preview(root, dev_addr, cms_port if cms else None, cms_mode, jobs)
