"""Reading the framework for an editors' command: a broken framework is reported in Dutch and
ends the command with exit code 2."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ConfigError
from ..findings import format_text
from ..read.framework import Framework, load_framework
from ..read.project import FRAMEWORK_DIR


def load_or_exit(root: Path) -> Framework:
    try:
        return load_framework(root / FRAMEWORK_DIR, root)
    except ConfigError as exc:
        click.echo(format_text(exc.findings), err=True)
        click.echo("Het kwaliteitskader is kapot; herstel dat eerst.", err=True)
        sys.exit(2)
