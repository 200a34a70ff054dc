"""Site configuration: what pages and exports need from `mkdocs.yml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import click
import yaml

#: hosts that are never a site's real address (RFC 2606 and 6761 reserve them for examples
#: and tests); a release build refuses them
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")

#: the `--project` option every command takes: where the project lives
project_option = click.option(
    "--project",
    "root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    help="Projectmap (met mkdocs.yml, initiatives/, quality_framework/, content/).",
)


@dataclass(frozen=True)
class SiteConfig:
    """What pages need from `mkdocs.yml`: names, addresses and the licence."""

    site_name: str
    site_url: str
    docs_dir: Path
    repo_url: str
    source_branch: str
    licence: str
    licence_url: str
    #: the web form's GitHub sign-in (`extra.cms` in mkdocs.yml: base_url, auth_endpoint)
    cms: dict = field(default_factory=dict)

    @classmethod
    def from_mkdocs(cls, file: Path) -> SiteConfig:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        extra = data.get("extra", {})
        return cls(
            site_name=data["site_name"],
            site_url=data["site_url"].rstrip("/") + "/",
            docs_dir=file.parent / data.get("docs_dir", "docs"),
            repo_url=data.get("repo_url", "").rstrip("/"),
            source_branch=extra.get("source_branch", "main"),
            licence=extra["licence"]["name"],
            licence_url=extra["licence"]["url"],
            cms=dict(extra.get("cms") or {}),
        )

    @property
    def placeholder_address(self) -> bool:
        """True when `site_url` is an example or test address, not where the site will be."""
        host = (urlsplit(self.site_url).hostname or "").rstrip(".").lower()
        return (
            not host
            or host in PLACEHOLDER_HOSTS
            or host.endswith(tuple("." + h for h in PLACEHOLDER_HOSTS))
            or host.endswith(PLACEHOLDER_SUFFIXES)
            or host.startswith("127.")
        )

    def permalink(self, url: str) -> str:
        return self.site_url + url

    def source_link(self, path: str) -> str:
        """Where an editor changes a record: its YAML file on the repository host."""
        return f"{self.repo_url}/edit/{self.source_branch}/{path}" if self.repo_url else ""
