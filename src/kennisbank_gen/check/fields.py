"""What editors read about each field of a record, in Dutch: the labels and help texts that
`kennisbank new`, CONTRIBUTING.md and the web form share. Next to the record schema (a test
checks they name the same fields), so every later stage may read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldInfo:
    """What an editor needs to know about one field of a record, in Dutch."""

    label: str
    help: str
    vocabulary: str | None = None


#: Every field of a record (a test checks this matches the JSON Schema, so it cannot drift).
FIELDS: dict[str, FieldInfo] = {
    "title": FieldInfo(
        "Titel",
        "De naam van het initiatief, 3 tot 200 tekens. Uit de titel volgt de bestandsnaam.",
    ),
    "initiators": FieldInfo(
        "Initiatiefnemer",
        "Een lijst met de organisatie(s) die het initiatief uitvoeren of uitgeven.",
    ),
    "date": FieldInfo(
        "Datum initiatief",
        "Wanneer het initiatief begon of verscheen: `2023`, `2023-05` of `2023-05-15`. "
        "Niet in de toekomst.",
    ),
    "kind": FieldInfo("Soort", "Eén code uit de lijst *Soort* hieronder.", "kinds"),
    "sectors": FieldInfo(
        "Sector", "Een lijst met een of meer codes uit de lijst *Sector* hieronder.", "sectors"
    ),
    "themes": FieldInfo(
        "Term (thema)",
        "Een lijst met een of meer codes uit de lijst *Term (thema)* hieronder.",
        "themes",
    ),
    "summary": FieldInfo(
        "Samenvatting",
        "Een of twee zinnen gewone tekst, hoogstens 300 tekens. Staat in lijsten en "
        "zoekresultaten.",
    ),
    "body": FieldInfo(
        "Beschrijving",
        "De beschrijving in Markdown, bijvoorbeeld met de kopjes `## Aanleiding`, `## Aanpak` "
        "en `## Resultaten`. Geen HTML, geen afbeeldingen en geen attributen zoals "
        "`{: .klasse }`; links alleen naar `https://`, `http://` of `mailto:`.",
    ),
    "links": FieldInfo(
        "Meer informatie",
        "Optioneel. Een lijst met links, elk met `label` (de linktekst) en `url` "
        "(`https://`, `http://` of `mailto:`).",
    ),
    "quality": FieldInfo(
        "Kwaliteitskader",
        "De beoordeling: per criterium uit het kwaliteitskader (hieronder) de code van een waarde.",
    ),
    "guidance": FieldInfo(
        "Aanbevelingen en tips",
        "Optioneel. Een lijst met ids van aanbevelingen en tips waar het initiatief invulling "
        "aan geeft, zoals `inspectie-2023/07`. Het id staat op de pagina van elke aanbeveling "
        "en tip.",
    ),
    "status": FieldInfo(
        "Status", "Optioneel. Eén code uit de lijst *Status* hieronder.", "statuses"
    ),
    "last_reviewed": FieldInfo(
        "Laatst gecontroleerd",
        "Optioneel. De dag waarop de redactie het record voor het laatst nakeek, als "
        "`JJJJ-MM-DD`. `kennisbank new` vult de dag van vandaag in.",
    ),
    "example": FieldInfo(
        "Fictief voorbeeld",
        "Optioneel. `true` voor een verzonnen voorbeeldrecord; laat het weg bij echte "
        "initiatieven.",
    ),
    "previous_slugs": FieldInfo(
        "Vorige bestandsnamen",
        "Optioneel. Hernoem je een bestand, zet dan de oude naam (zonder `.yml`) in deze lijst: "
        "oude links blijven dan werken.",
    ),
    "previous_urls": FieldInfo(
        "Adressen op de oude site",
        "Optioneel. Stond het initiatief al op de oude kennisbank, zet dan het adres daar in "
        "deze lijst, vanaf de eerste schuine streep, zoals `/onderzoek/mijn-initiatief/`: "
        "dat adres stuurt bezoekers dan hierheen.",
    ),
}

_VOCABULARY_TITLES = {
    "kinds": "Soort",
    "sectors": "Sector",
    "themes": "Term (thema)",
    "statuses": "Status",
}
