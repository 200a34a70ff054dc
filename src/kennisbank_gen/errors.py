"""The errors every stage may raise, in one place, so no stage imports another to get them.

KennisbankError
├── FindingsError   input is invalid: carries every finding (exit code 1)
│   └── ConfigError the project's configuration (framework, mkdocs.yml) is broken (exit 2)
└── BuildError      the site builder or the search indexer failed; nothing was swapped in
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import Finding


class KennisbankError(Exception):
    """Base of every error this package raises on purpose."""


class FindingsError(KennisbankError):
    """Input is invalid; carries every finding gathered so far."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


class ConfigError(FindingsError):
    """The project's configuration itself is broken: exit code 2, not a record error."""


class BuildError(KennisbankError):
    """The site builder or the search indexer failed; the previous site is untouched."""
