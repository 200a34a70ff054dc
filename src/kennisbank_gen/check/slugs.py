"""The one slug rule, shared by `kennisbank new` (which proposes a slug) and `kennisbank validate`
(which checks the file name): lowercase letters, digits and single hyphens, at most SLUG_MAX
characters. Also the rule for the live site's former addresses (`previous_urls`)."""

from __future__ import annotations

import re
import unicodedata

#: `(?!\n)$`: Python's `$` also matches before a final line break (`"slug\n"` would pass);
#: in JSON Schema (ECMA-262) `$` never does, so there the lookahead changes nothing
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(?!\n)$"
SLUG_MAX = 100
#: `new` proposes at most this many characters, cut between words; an editor may keep a longer
#: slug (up to SLUG_MAX)
PROPOSED_MAX = 60
#: a former address on the live site: a site-absolute path such as `/onderzoek/mijn-slug/`
PREVIOUS_URL_PATTERN = r"^/([a-z0-9]+(-[a-z0-9]+)*/)+(?!\n)$"


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """'Buddy's voor eerstejaars!' -> 'buddy-s-voor-eerstejaars', cut between words at `limit`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        cut = slug[: limit + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:limit]
    return slug.strip("-")


def propose(title: str) -> str:
    """The slug `new` proposes for a title: its first words, at most PROPOSED_MAX characters."""
    return slugify(title, PROPOSED_MAX)


#: names Windows reserves for devices: a file `con.yml` cannot be checked out there
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"{d}{n}" for d in ("com", "lpt") for n in range(10)),
}


def slug_problem(slug: str, file_name: str = "") -> str | None:
    """What is wrong with a slug (Dutch, `verwacht ..., gevonden ...`), or None."""
    if slug in WINDOWS_RESERVED:
        return (
            "verwacht een bestandsnaam die ook op Windows kan (niet con, prn, aux, nul, com1-9 "
            f"of lpt1-9), gevonden '{file_name or slug + '.yml'}'"
        )
    if re.match(SLUG_PATTERN, slug) and len(slug) <= SLUG_MAX:
        return None
    return (
        f"verwacht een bestandsnaam in kleine letters met streepjes van hoogstens {SLUG_MAX} "
        f"tekens, zoals 'mijn-initiatief.yml', gevonden '{file_name or slug + '.yml'}'"
    )
