"""Site configuration: what pages and exports need from `mkdocs.yml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import click

from .errors import ConfigError, FindingsError
from .read.load import Document, load_file

#: hosts that are never a site's real address (RFC 2606 and 6761 reserve them for examples
#: and tests); a release build refuses them
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")


def _a_project(ctx: click.Context, param: click.Parameter, root: Path) -> Path:
    """`--project` must name a project: a folder with mkdocs.yml or initiatives/ (exit 2, in
    Dutch, naming the option, when it does not; not a traceback about a missing framework)."""
    if (root / "mkdocs.yml").is_file() or (root / "initiatives").is_dir():
        return root
    where = "deze map" if root == Path(".") else str(root)
    click.echo(
        f"Geen project in {where} ({root.resolve()}): verwacht mkdocs.yml of de map "
        "initiatives/, gevonden geen van beide. Ga naar de projectmap of noem die met "
        "--project MAP.",
        err=True,
    )
    ctx.exit(2)


#: the `--project` option every command takes: where the project lives
project_option = click.option(
    "--project",
    "root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    show_default=True,
    callback=_a_project,
    metavar="MAP",
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
        """Read `mkdocs.yml` as strictly as a record (no duplicate keys, anchors or tags: a
        second `extra_javascript` would otherwise win silently). Raises ConfigError, located."""
        try:
            doc = load_file(file, file.parent)
        except FindingsError as exc:
            raise ConfigError(exc.findings) from None

        def text(*path: str, default: str | None = None) -> str:
            value: object = doc.data
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None and default is not None:
                return default
            if not isinstance(value, str) or not value.strip():
                raise _missing(doc, path, value)
            return value

        def mapping(*path: str) -> dict:
            value: object = doc.data
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is not None and not isinstance(value, dict):
                raise _missing(doc, path, value, "velden")
            return value or {}

        extra = ("extra",)
        return cls(
            site_name=text("site_name"),
            site_url=text("site_url").rstrip("/") + "/",
            docs_dir=file.parent / text("docs_dir", default="docs"),
            repo_url=text("repo_url", default="").rstrip("/"),
            source_branch=text(*extra, "source_branch", default="main"),
            licence=text(*extra, "licence", "name"),
            licence_url=text(*extra, "licence", "url"),
            cms=dict(mapping(*extra, "cms")),
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


def _missing(
    doc: Document, path: tuple[str, ...], value: object, kind: str = "een tekst"
) -> ConfigError:
    found = "niets" if value is None else f"{value!r}"[:60]
    message = f"verwacht {kind} voor {'.'.join(path)}, gevonden {found}"
    return ConfigError([doc.finding(path, message, "config")])
