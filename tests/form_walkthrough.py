"""What CONTRIBUTING.md's walk-through of the web form tells an editor to choose: its words in
bold, each a button or menu item the form shows. The browser tests (tests/browser/
test_cms_browser.py) choose them by these words in the local modes (`make cms`: files; and the
editorial workflow on local branches), and tests/test_editors.py checks that the guide names
these and no others."""

from __future__ import annotations

import re

from conftest import REPO

SECTION = "## Zonder git: het invulformulier"

LOG_IN = "Inloggen"
COLLECTION = "Initiatieven"
NEW = "＋ Initiatief"
#: the local files mode (`make cms`)
PUBLISH = "Publiceer"
PUBLISH_NOW = "Publiceer nu"
#: the editorial workflow (on the site, and locally on branches)
SAVE = "Opslaan"
STATUS = "Status"
IN_REVIEW = "Wordt beoordeeld"
READY = "Klaar"
CHOSEN = {LOG_IN, COLLECTION, NEW, PUBLISH, PUBLISH_NOW, SAVE, STATUS, IN_REVIEW, READY}
#: shown only where the form signs in with GitHub (on the site), never by the local backend
GITHUB_ONLY = {"Inloggen met GitHub"}


def walkthrough_words() -> set[str]:
    """The words in bold in CONTRIBUTING.md's section on the web form."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start : text.index("\n## ", start + len(SECTION))]
    return set(re.findall(r"\*\*(.+?)\*\*", section))
