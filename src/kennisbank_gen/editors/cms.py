"""`kennisbank cms`: print (or write) the web form's Decap CMS configuration, generated from the
quality framework and the guidance sets. `kennisbank build` puts the same file in
`site/admin/config.yml`; this command shows it without building, for a check or a deployment
that serves the admin page elsewhere."""

from __future__ import annotations

from pathlib import Path

import click

from .. import clock
from ..check.validate import Report, check
from ..config import SiteConfig, project_option
from ..errors import FindingsError
from ..read.project import read_project
from ..render.cms import LOCAL_BACKEND_PORT, config_text
from ..render.model import build_model


def cms_port_option(help: str):
    """`--cms-port`: where the web form's local backend (decap-server) listens on localhost."""
    return click.option(
        "--cms-port",
        type=click.IntRange(1, 65535),
        default=LOCAL_BACKEND_PORT,
        show_default=True,
        help=help,
    )


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="BESTAND",
    help="Schrijf naar dit bestand in plaats van naar de standaarduitvoer.",
)
@cms_port_option("Poort op localhost waar het formulier de lokale backend (decap-server) zoekt.")
@project_option
def cms(output: Path | None, cms_port: int, root: Path) -> None:
    """Schrijf de configuratie van het invulformulier (Decap CMS config.yml) uit het
    kwaliteitskader."""
    config = SiteConfig.from_mkdocs(root / "mkdocs.yml")  # its findings first: exit 2
    project = read_project(root)
    report = Report(project, check(project, clock.today()))
    if blocking := report.blocking(False):
        raise FindingsError(
            blocking, "Geen configuratie geschreven: herstel eerst de meldingen hierboven."
        )
    text = config_text(build_model(project), config, cms_port)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Configuratie geschreven naar {output}", err=True)
    else:
        click.echo(text, nl=False)
