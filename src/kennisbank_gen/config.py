"""Site configuration: what pages and exports need from `mkdocs.yml`, and what it may hold.

`mkdocs.yml` is read as data, never as code: MkDocs would import `hooks`, load any plugin or
Markdown extension it names (`pymdownx.snippets` reads files from anywhere into a page), and
write and prune wherever `docs_dir` and `site_dir` point. So only the settings below are
accepted, each a located finding otherwise (exit code 2), before any command writes or deletes
anything. Changing mkdocs.yml is changing code: a maintainer reviews it (CONTRIBUTING.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import click

from .errors import ConfigError, FindingsError
from .findings import Finding
from .read.load import Document, load_file

#: hosts that are never a site's real address (RFC 2606 and 6761 reserve them for examples
#: and tests); a release build refuses them
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")

#: the generator's own folders, relative to the project: the docs tree it writes (and prunes)
#: and the site it swaps in. No other value is accepted for docs_dir and site_dir.
DOCS_DIR = "build/docs"
SITE_DIR = "site"
#: the pages as Pagefind reads them (`output_pass`), kept between builds like the docs tree
INDEX_INPUT_DIR = "build/pagefind-input"
#: the settings of mkdocs.yml the site uses; anything else (hooks, watch, extra_templates,
#: validation, exclude_docs...) is refused
SETTINGS = {
    *("site_name", "site_url", "site_description", "site_author", "copyright"),
    *("repo_url", "repo_name", "edit_uri", "docs_dir", "site_dir", "strict"),
    *("use_directory_urls", "theme", "plugins", "markdown_extensions", "extra_css"),
    *("extra_javascript", "extra", "nav"),
}
#: why a setting that MkDocs knows is refused (shown with the finding)
DANGEROUS = {
    "hooks": "hooks voeren Python-code uit bij elke build en preview",
    "watch": "de preview bekijkt alleen de mappen van het project",
    "extra_templates": "sjablonen zijn code van het thema (overrides/)",
    "validation": "de build controleert links altijd streng",
}
#: MkDocs plugins the site uses: none (search is Pagefind's, run by the build itself)
PLUGINS: frozenset[str] = frozenset()
#: the Markdown extensions the pages use, with the options each may have
MARKDOWN_EXTENSIONS = {
    "admonition": frozenset(),
    "attr_list": frozenset(),
    "def_list": frozenset(),
    "md_in_html": frozenset(),
    "tables": frozenset(),
    "toc": frozenset({"permalink", "permalink_title", "toc_depth", "title"}),
}
THEME_NAME = "material"
#: the theme's own templates that override Material's, in the project
THEME_DIR = "overrides"
THEME_SETTINGS = {
    *("name", "custom_dir", "language", "font", "features", "palette", "icon", "logo"),
    "favicon",
}
#: where the package's stylesheets and scripts are in the site (`render/assets/`)
ASSETS = "assets"


def _a_project(ctx: click.Context, param: click.Parameter, root: Path) -> Path:
    """`--project` must name a project: a folder with mkdocs.yml or initiatives/ (exit 2, in
    Dutch, naming the option, when it does not; not a traceback about a missing framework)."""
    if (root / "mkdocs.yml").is_file() or (root / "initiatives").is_dir():
        return root
    where = "deze map" if root == Path.cwd().resolve() else str(root)
    click.echo(
        f"Geen project in {where} ({root.resolve()}): verwacht mkdocs.yml of de map "
        "initiatives/, gevonden geen van beide. Ga naar de projectmap of noem die met "
        "--project MAP.",
        err=True,
    )
    ctx.exit(2)


#: the `--project` option every command takes: where the project lives, as an absolute path
#: (MkDocs reads paths in mkdocs.yml from its folder; a relative root would put them elsewhere)
project_option = click.option(
    "--project",
    "root",
    type=click.Path(file_okay=False, exists=True, path_type=Path, resolve_path=True),
    default=".",
    show_default=True,
    callback=_a_project,
    metavar="MAP",
    help="Projectmap (met mkdocs.yml, initiatives/, quality_framework/, content/).",
)

#: `--jobs`, for every command with parallel steps (`pool.Pool`)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Aantal processen dat tegelijk werkt (standaard: de CPU's die dit proces mag gebruiken; "
    "1: alles in dit proces).",
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
    #: the scripts every page loads (files of the site, `assets/...`)
    extra_javascript: tuple[str, ...] = ()

    @classmethod
    def from_mkdocs(cls, file: Path) -> SiteConfig:
        """Read `mkdocs.yml` as strictly as a record (no duplicate keys, anchors or tags: a
        second `extra_javascript` would otherwise win silently) and refuse what is not data.
        Raises ConfigError, located."""
        try:
            doc = load_file(file, file.parent)
        except FindingsError as exc:
            raise ConfigError(exc.findings) from None
        if problems := refusals(doc):
            raise ConfigError(problems)

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
            docs_dir=file.parent.absolute() / DOCS_DIR,
            repo_url=text("repo_url", default="").rstrip("/"),
            source_branch=text(*extra, "source_branch", default="main"),
            licence=text(*extra, "licence", "name"),
            licence_url=text(*extra, "licence", "url"),
            cms=dict(mapping(*extra, "cms")),
            extra_javascript=tuple(doc.data.get("extra_javascript") or ()),
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


def refusals(doc: Document) -> list[Finding]:
    """Everything in mkdocs.yml that is not plain data the site uses (see the module)."""
    data = doc.data
    if not isinstance(data, dict):
        return [doc.finding((), f"verwacht instellingen (naam: waarde), gevonden {_shown(data)}")]
    found: list[Finding] = []

    def refuse(path: tuple, message: str, on_key: bool = False) -> None:
        found.append(doc.finding(path, message, "config", on_key=on_key))

    for key in data:
        if key not in SETTINGS:
            reason = f" ({DANGEROUS[key]})" if key in DANGEROUS else ""
            refuse(
                (key,),
                f"verwacht alleen instellingen die de site gebruikt, gevonden '{key}'{reason}; "
                "mkdocs.yml is code: zie CONTRIBUTING.md",
                on_key=True,
            )
    for key, wanted in (("docs_dir", DOCS_DIR), ("site_dir", SITE_DIR)):
        value = data.get(key, wanted if key == "site_dir" else None)
        if not isinstance(value, str) or value.rstrip("/") != wanted:
            refuse(
                (key,),
                f"verwacht {key}: {wanted} (de map die kennisbank zelf maakt en opruimt), "
                f"gevonden {_shown(value)}",
            )
    if data.get("use_directory_urls", True) is not True:
        refuse(("use_directory_urls",), "verwacht true (elke pagina een eigen map)")
    if not isinstance(data.get("strict", True), bool):
        refuse(("strict",), f"verwacht true of false, gevonden {_shown(data.get('strict'))}")
    _plugins(data, refuse)
    _extensions(data, refuse)
    _theme(data, refuse)
    for key in ("extra_css", "extra_javascript"):
        _site_files(data, key, refuse)
    return found


def _plugins(data: dict, refuse) -> None:
    plugins = data.get("plugins")
    if "plugins" not in data:  # MkDocs would add its own search
        refuse((), "verwacht plugins: [] (de site zoekt met Pagefind), gevonden geen plugins")
    elif not isinstance(plugins, list):
        refuse(("plugins",), f"verwacht een lijst (plugins: []), gevonden {_shown(plugins)}")
    else:
        for n, plugin in enumerate(plugins):
            name = next(iter(plugin), None) if isinstance(plugin, dict) else plugin
            if name not in PLUGINS:
                refuse(
                    ("plugins", n),
                    "verwacht geen MkDocs-plugins (een plugin is code die bij elke build "
                    f"draait), gevonden {_shown(name)}",
                )


def _extensions(data: dict, refuse) -> None:
    extensions = data.get("markdown_extensions", [])
    if not isinstance(extensions, list):
        refuse(("markdown_extensions",), f"verwacht een lijst, gevonden {_shown(extensions)}")
        return
    allowed = ", ".join(sorted(MARKDOWN_EXTENSIONS))
    for n, entry in enumerate(extensions):
        options: object = {}
        if isinstance(entry, dict) and len(entry) == 1:
            ((name, options),) = entry.items()
        else:
            name = entry
        if not isinstance(name, str) or name not in MARKDOWN_EXTENSIONS:
            refuse(
                ("markdown_extensions", n),
                f"verwacht een van de Markdown-extensies {allowed}, gevonden {_shown(name)}",
            )
            continue
        if options is None:
            continue
        if not isinstance(options, dict):
            refuse(("markdown_extensions", n, name), f"verwacht opties, gevonden {_shown(options)}")
            continue
        for option, value in options.items():
            if option not in MARKDOWN_EXTENSIONS[name] or not isinstance(value, str | bool | int):
                known = ", ".join(sorted(MARKDOWN_EXTENSIONS[name])) or "geen"
                refuse(
                    ("markdown_extensions", n, name, option),
                    f"verwacht een van de opties van {name} ({known}) met een tekst, getal of "
                    f"true/false, gevonden {_shown(option)}: {_shown(value)}",
                )


def _theme(data: dict, refuse) -> None:
    theme = data.get("theme")
    if not isinstance(theme, dict):
        refuse(("theme",), f"verwacht theme met name: {THEME_NAME}, gevonden {_shown(theme)}")
        return
    for key in theme:
        if key not in THEME_SETTINGS:
            refuse(("theme", key), f"verwacht een instelling van het thema, gevonden '{key}'")
    if theme.get("name") != THEME_NAME:
        refuse(("theme", "name"), f"verwacht {THEME_NAME}, gevonden {_shown(theme.get('name'))}")
    custom_dir = theme.get("custom_dir", THEME_DIR)
    if not isinstance(custom_dir, str) or custom_dir.rstrip("/") != THEME_DIR:
        refuse(("theme", "custom_dir"), f"verwacht {THEME_DIR}, gevonden {_shown(custom_dir)}")


def site_assets() -> set[str]:
    """The stylesheets and scripts the generator puts in every site (`assets/<name>`)."""
    folder = resources.files("kennisbank_gen.render").joinpath(ASSETS)
    return {f"{ASSETS}/{item.name}" for item in folder.iterdir() if item.is_file()}


def _site_files(data: dict, key: str, refuse) -> None:
    files = data.get(key, [])
    if not isinstance(files, list):
        refuse((key,), f"verwacht een lijst van bestanden van de site, gevonden {_shown(files)}")
        return
    own = site_assets()
    for n, name in enumerate(files):
        if name not in own:
            refuse(
                (key, n),
                f"verwacht een bestand van de site ({', '.join(sorted(own))}), "
                f"gevonden {_shown(name)}",
            )


def _shown(value: object) -> str:
    return "niets" if value is None else f"{value!r}"[:60]


def _missing(
    doc: Document, path: tuple[str, ...], value: object, kind: str = "een tekst"
) -> ConfigError:
    message = f"verwacht {kind} voor {'.'.join(path)}, gevonden {_shown(value)}"
    return ConfigError([doc.finding(path, message, "config")])
