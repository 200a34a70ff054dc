"""The Dutch dialogue of `kennisbank new`: asks for every field that was not given (or was given
wrong), one at a time, and checks each answer with the validator as it is typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from ..check.fields import FIELDS
from ..check.record_schema import record_schema
from ..check.validate import check_record
from ..read.framework import Framework, Term
from ..read.load import Document
from ..schema_errors import did_you_mean


class Asker:
    """Asks for one field at a time (Dutch prompts) and checks each answer with the validator."""

    def __init__(self, framework: Framework, today: dt.date):
        self.framework = framework
        self.today = today

    def problems(self, data: dict[str, Any], field: str) -> list[str]:
        """The validator's messages about `field` when a record holds `data`."""
        doc = Document(path="nieuw.yml", data=dict(data), positions={(): (1, 1)})
        out = []
        for f in check_record(doc, self.framework, self.today):
            if f.field == field or f.field.startswith((field + ".", field + "[")):
                out.append(f.message)
        return out

    def ask(
        self,
        prompt: str,
        field: str,
        convert: Callable[[str], Any],
        *,
        data: Callable[[Any], dict[str, Any]] | None = None,
        optional: bool = False,
        extra: Callable[[Any], list[str]] | None = None,
    ) -> Any:
        """Prompt until the answer is valid; `data` places the value in a record."""
        data = data or (lambda value: {field: value})

        def value_proc(text: str) -> Any:
            text = text.strip()
            if optional and not text:
                return None
            value = convert(text)
            messages = self.problems(data(value), field) + (extra(value) if extra else [])
            if messages:
                raise click.BadParameter("; ".join(messages))
            return value

        return prompt_until_valid(prompt, value_proc, "" if optional else None)

    def choose(
        self,
        title: str,
        terms: list[Term],
        multiple: bool,
        optional: bool = False,
        empty: str = "leeg laten mag",
    ) -> tuple[Callable[[str], Any], str]:
        """Show the numbered choices, accept numbers or codes (comma-separated when multiple)."""
        click.echo(f"\n{title}:")
        for n, term in enumerate(terms, 1):
            click.echo(f"  {n:>2}. {term.label}  [{term.id}]")
        by_number = {str(n): t.id for n, t in enumerate(terms, 1)}

        def convert(text: str) -> Any:
            parts = [p.strip() for p in text.split(",") if p.strip()]
            ids = [by_number.get(p, p) for p in parts]
            if not multiple:
                if len(ids) != 1:
                    raise click.BadParameter("kies precies één waarde")
                return ids[0]
            return list(dict.fromkeys(ids))

        hint = "nummers of codes, gescheiden door komma's" if multiple else "nummer of code"
        if optional:
            hint += f"; {empty}"
        return convert, f"{title} ({hint})"


def prompt_until_valid(prompt: str, check: Callable[[str], Any], default: str | None = None) -> Any:
    """Ask until `check` accepts the answer; its refusal is shown as `Fout: ...` (in Dutch, not
    click's `Error:`)."""
    while True:
        text = click.prompt(prompt, default=default, show_default=default not in (None, ""))
        try:
            return check(text)
        except click.BadParameter as exc:
            click.echo(f"Fout: {exc.message}", err=True)


def split_list(text: str, sep: str) -> list[str]:
    return [p.strip() for p in text.split(sep) if p.strip()]


def _read_body() -> str:
    click.echo(
        "\nBeschrijving in Markdown (zie CONTRIBUTING.md). Typ de tekst regel voor regel en "
        "sluit af met een regel met alleen een punt (.)."
    )
    lines: list[str] = []
    while True:
        line = click.prompt("", default="", show_default=False, prompt_suffix="> ")
        if line.strip() == ".":
            break
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def ask_record(
    asker: Asker,
    framework: Framework,
    guidance_ids: set[str],
    title_problems: Callable[[str], list[str]],
    given: dict[str, Any],
) -> dict[str, Any]:
    """Ask for every field that was not given (or was given wrong), in the order of a record."""
    record: dict[str, Any] = {}

    def keep(field: str, extra: Callable[[Any], list[str]] | None = None) -> bool:
        value = given.get(field)
        if value is None:
            return False
        messages = asker.problems({field: value}, field) + (extra(value) if extra else [])
        for message in messages:
            click.echo(f"{field}: {message}", err=True)
        if not messages:
            record[field] = value
        return not messages

    required = record_schema(framework)["required"]
    click.echo("Nieuw initiatief voor de Kennisbank Studentenwelzijn. Uitleg: CONTRIBUTING.md.\n")
    if not keep("title", title_problems):
        record["title"] = asker.ask("Titel", "title", str, extra=title_problems)
    if not keep("initiators"):
        record["initiators"] = asker.ask(
            "Initiatiefnemer(s), gescheiden door puntkomma's",
            "initiators",
            lambda t: split_list(t, ";"),
        )
    if not keep("date"):
        record["date"] = asker.ask("Datum initiatief (JJJJ, JJJJ-MM of JJJJ-MM-DD)", "date", str)
    for field, multiple in (("kind", False), ("sectors", True), ("themes", True)):
        if keep(field):
            continue
        info = FIELDS[field]
        terms = list(framework.vocabularies[info.vocabulary or ""])
        optional = field not in required
        empty = "leeg laten als de bron het niet noemt"
        convert, prompt = asker.choose(info.label, terms, multiple, optional, empty)
        if (value := asker.ask(prompt, field, convert, optional=optional)) is not None:
            record[field] = value
    if not keep("summary"):
        record["summary"] = asker.ask("Samenvatting (een of twee zinnen)", "summary", str)
    if not keep("body"):
        body = _read_body()
        while messages := asker.problems({"body": body}, "body"):
            click.echo("Fout: " + "; ".join(messages))
            body = _read_body()
        record["body"] = body
    if not keep("links"):
        links = []
        click.echo("\nLinks naar meer informatie (optioneel).")
        while url := asker.ask(
            "URL (https://...; leeg laten om verder te gaan)",
            "links[0].url",
            str,
            data=lambda u: {"links": [{"label": "x", "url": u}]},
            optional=True,
        ):
            label = asker.ask(
                "Linktekst",
                "links[0].label",
                str,
                data=lambda t: {"links": [{"label": t, "url": "https://example.org"}]},
            )
            links.append({"label": label, "url": url})
        if links:
            record["links"] = links

    click.echo("\nKwaliteitskader: beantwoord per criterium de vraag.")
    quality: dict[str, Any] = {}
    for c in framework.criteria:
        field = f"quality.{c.id}"
        chosen = given["quality"].get(c.id)
        if chosen is not None:
            messages = asker.problems({"quality": {c.id: chosen}}, field)
            if not messages:
                quality[c.id] = chosen
                continue
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        click.echo(f"\n{c.label}: {c.question}")
        empty = "leeg laten als de bron het niet noemt: Niet bekend"
        convert, prompt = asker.choose(c.label, list(c.values), c.multiple, c.unknown, empty)

        def place(value: Any, cid: str = c.id) -> dict[str, Any]:
            return {"quality": {cid: value}}

        value = asker.ask(prompt, field, convert, data=place, optional=c.unknown)
        if value is not None:
            quality[c.id] = value
    record["quality"] = quality

    def unknown_guidance(refs: list[str]) -> list[str]:
        return [
            f"verwacht een bestaand id, gevonden '{r}'" + did_you_mean(r, guidance_ids, 0.8)
            for r in refs or []
            if r not in guidance_ids
        ]

    if not keep("guidance", unknown_guidance):
        refs = asker.ask(
            "\nAanbevelingen of tips waar het initiatief bij aansluit "
            "(ids zoals inspectie-2023/07, gescheiden door komma's; leeg laten mag)",
            "guidance",
            lambda t: split_list(t, ","),
            optional=True,
            extra=unknown_guidance,
        )
        if refs:
            record["guidance"] = refs
    if not keep("status"):
        convert, prompt = asker.choose(
            "Status", list(framework.vocabularies["statuses"]), False, optional=True
        )
        status = asker.ask(prompt, "status", convert, optional=True)
        if status:
            record["status"] = status
    return record
