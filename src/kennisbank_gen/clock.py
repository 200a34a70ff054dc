"""What "today" is for a command: the system clock, or `KENNISBANK_TODAY` (YYYY-MM-DD) when set.

Only the commands (`cli`, `editors`) ask; every stage takes `today` as an argument, so checks and
builds never read the clock themselves and tests pass the day they mean.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "KENNISBANK_TODAY"


def today() -> dt.date:
    """The day dates are checked against (future dates, review age) and `new` writes."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"{ENV}: verwacht een datum als JJJJ-MM-DD, gevonden {value!r}") from None
