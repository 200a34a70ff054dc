"""The preview's output gate: every HTML page `kennisbank serve` sends passes the build's gate
(publish/gate.py, `page_problems`) first, at the moment it is sent. A page the gate refuses is
not sent: the visitor gets the preview's banner naming the page, the file it is made from and
each problem (preview_banner.refused_page), and the terminal says the same once.

Checking what is sent, rather than what was built, leaves no moment in which a refused page is
served (the preview builds while it serves), and holds for every way a page gets into the served
directory: a content page, a record, the theme, a plugin, a file put there by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from ..publish.gate import page_problems, site_host
from .preview_banner import refused_page


class PageGate:
    """The gate for the pages of a preview served at `serve_url`; `source_of(page)` names the
    file a page (its path in the site) is made from."""

    def __init__(
        self, serve_url: str, source_of: Callable[[str], str], report: Callable[[str], None]
    ):
        self.host = site_host(serve_url)
        self.source_of = source_of
        self.report = report
        self._reported: set[tuple[str, tuple[str, ...]]] = set()

    def served(self, page: str, content: bytes) -> bytes:
        """`content` when the gate lets the page through, else the page naming its problems."""
        try:
            problems = page_problems(content.decode("utf-8"), self.host, page)
        except UnicodeDecodeError as exc:
            problems = [f"onleesbaar: verwacht UTF-8, gevonden de byte 0x{content[exc.start]:02x}"]
        if not problems:
            return content
        source = self.source_of(page)
        if (page, tuple(problems)) not in self._reported:
            self._reported.add((page, tuple(problems)))
            shown = "\n  ".join(problems)
            self.report(
                f"De preview toont {page} niet (gemaakt uit {source}): de uitvoercontrole "
                f"weigert haar:\n  {shown}"
            )
        return refused_page(page, source, problems).encode("utf-8")
