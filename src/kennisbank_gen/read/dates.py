"""Dates as editors write them: a year, a month or a day (`2023`, `2023-05`, `2023-05-15`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def parse_date(text: str) -> tuple[int, int | None, int | None]:
    """'2023', '2023-05' or '2023-05-15' -> (year, month, day); raises ValueError if not real."""
    parts = [int(p) for p in text.split("-")]
    year, month, day = [*parts, None, None][:3]
    dt.date(year, month or 1, day or 1)
    return year, month, day


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day, as editors write it."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        return cls(*parse_date(text))

    @property
    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        parts += [f"{self.month:02d}"] if self.month else []
        parts += [f"{self.day:02d}"] if self.day else []
        return "-".join(parts)

    @property
    def dutch(self) -> str:
        """'15 mei 2023', 'mei 2023' or '2023'."""
        if not self.month:
            return str(self.year)
        month = f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {month}" if self.day else month

    @property
    def earliest(self) -> dt.date:
        """The first day the date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


#: month names and abbreviations as Dutch pages write them (the web form reads them too)
MONTH_WORDS = {name: n for n, name in enumerate(MONTHS, 1)} | {
    "jan": 1,
    "feb": 2,
    "mrt": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_WORDS = re.compile(r"(?:(?P<day>\d{1,2})\s+)?(?P<month>[a-z]+)\.?\s+(?P<year>\d{4})")
_NUMBERS = re.compile(r"(?:(?P<day>\d{1,2})[-/.])?(?P<month>\d{1,2})[-/.](?P<year>\d{4})")


def parse_dutch(text: str) -> PartialDate | None:
    """A date as Dutch pages write it -> the date it means, or None when it is no such date.

    'augustus 2019' -> 2019-08, '12 oktober 2021' -> 2021-10-12, '12-10-2021' -> 2021-10-12.
    """
    words = " ".join(text.casefold().replace(",", " ").split())
    m = _WORDS.fullmatch(words) or _NUMBERS.fullmatch(words)
    if not m:
        return None
    month = MONTH_WORDS.get(m["month"]) if m["month"].isalpha() else int(m["month"])
    day = int(m["day"]) if m["day"] else None
    if not month:
        return None
    try:
        dt.date(int(m["year"]), month, day or 1)
    except ValueError:
        return None
    return PartialDate(int(m["year"]), month, day)
