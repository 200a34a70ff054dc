"""The errors every stage may raise, in one place, so no stage imports another to get them.

Each carries its exit code and its Dutch text, as MkDocs' errors do: they are click exceptions,
so a command simply lets them through and click prints `show()` and exits with `exit_code`.

KennisbankError
├── FindingsError   input is invalid: carries every finding (exit code 1)
│   └── ConfigError the project's configuration (framework, mkdocs.yml) is broken (exit 2)
└── BuildError      the site builder or the search indexer failed; nothing was swapped in (1)

They pickle with what they carry, so a worker process of the pool can raise them too.
"""

from __future__ import annotations

from typing import IO, Any

import click

from .findings import Finding, format_text, neutralise

#: what a command that stops at findings says after them, unless it says more
NOTHING_WRITTEN = "Gestopt: er is niets geschreven; herstel eerst de meldingen hierboven."


class KennisbankError(click.ClickException):
    """Base of every error this package raises on purpose."""

    exit_code = 1

    def text(self) -> str:
        """What the user reads (Dutch)."""
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(neutralise(self.text()), err=file is None, file=file)

    def __reduce__(self) -> tuple:
        return type(self), (self.message,)


class FindingsError(KennisbankError):
    """Input is invalid; carries every finding gathered so far. `after`: what the command says
    after the findings (what it did not do)."""

    def __init__(self, findings: list[Finding], after: str = "") -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings
        self.after = after or NOTHING_WRITTEN

    def text(self) -> str:
        return f"{format_text(self.findings)}\n{self.after}"

    def __reduce__(self) -> tuple:
        return type(self), (self.findings, self.after)


class ConfigError(FindingsError):
    """The project's configuration itself is broken: exit code 2, not a record error."""

    exit_code = 2

    def text(self) -> str:
        if all(f.path.endswith("mkdocs.yml") for f in self.findings):
            advice = "mkdocs.yml is niet in orde; herstel het eerst."
        else:
            advice = "Het kwaliteitskader is kapot; herstel dat eerst, daarna de records."
        return f"{format_text(self.findings)}\n{advice}"


class BuildError(KennisbankError):
    """The site builder or the search indexer failed; the previous site is untouched."""

    def text(self) -> str:
        return f"Bouwen mislukt: {self.message}. De vorige site is ongewijzigd."
