"""Which checks a pull request gets: the content lane or the full lane.

The trust model (SECURITY.md) puts exactly the record files on the content path: regular files
`initiatives/<name>.yml`, added, changed, removed or renamed within `initiatives/`. Everything
else is code (it can run something, or change what the checks do), so a pull request that
touches anything else gets the full test suite and needs a maintainer's review (CODEOWNERS).

    python .ci/lanes.py lane --base origin/main      # prints "content" or "code"
    python .ci/lanes.py records --base origin/main   # the records a content PR adds or changes

In GitHub Actions (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY` set), `lane` also writes `lane=...` to
the step's outputs and says in Dutch in the job summary which checks run and why. Standard
library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass

#: a record file: directly in initiatives/, ending in .yml (what SECURITY.md names)
RECORD = re.compile(r"\Ainitiatives/[^/]+\.yml\Z")
#: git's modes for a regular file (not executable) and for a file that is not there
REGULAR, ABSENT = "100644", "000000"


@dataclass(frozen=True)
class Change:
    """One line of `git diff --raw`: a status letter (A, M, D, R, C, T) with its file modes and
    paths (two for a rename or copy)."""

    status: str
    modes: tuple[str, str]
    paths: tuple[str, ...]


def is_content(change: Change) -> bool:
    """Whether a change stays on the content path: every path a record file, and what is left
    behind a regular file (no symbolic link, no executable, no submodule)."""
    if not all(RECORD.match(path) for path in change.paths):
        return False
    if change.status[0] == "C":  # a copy: the new file is a record, the old one stays as it was
        return change.modes[1] == REGULAR
    return change.modes[1] in (REGULAR, ABSENT) and change.status[0] in "AMDR"


def parse_raw(output: str) -> list[Change]:
    """`git diff --raw -z` output -> changes (paths NUL-separated: any character is safe)."""
    fields = output.split("\0")
    changes, i = [], 0
    while i < len(fields) and fields[i]:
        meta = fields[i].lstrip(":").split()
        status = meta[4]
        count = 2 if status[0] in "RC" else 1
        changes.append(Change(status, (meta[0], meta[1]), tuple(fields[i + 1 : i + 1 + count])))
        i += 1 + count
    return changes


def changes_since(base: str, head: str = "HEAD", cwd: str | None = None) -> list[Change]:
    """What `head` changes since it left `base` (the merge base: what a pull request shows)."""
    done = subprocess.run(
        ["git", "diff", "--raw", "-z", "--no-abbrev", "-M", f"{base}...{head}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    return parse_raw(done.stdout)


def lane(changes: list[Change]) -> str:
    """ "content" when every change is on the content path (and there is one), else "code"."""
    return "content" if changes and all(map(is_content, changes)) else "code"


def code_paths(changes: list[Change]) -> list[str]:
    return sorted({p for c in changes if not is_content(c) for p in c.paths})


def records(changes: list[Change]) -> list[str]:
    """The slugs of the records the changes leave in place (added, changed, renamed to)."""
    return sorted(
        c.paths[-1].removeprefix("initiatives/").removesuffix(".yml")
        for c in changes
        if is_content(c) and c.status[0] != "D"
    )


def _code(path: str) -> str:
    """A path as Markdown code in the job summary, whatever characters it holds."""
    text = path.replace("\n", "⏎").replace("\r", "⏎")
    fence = "`" * (max(map(len, re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


def summary(changes: list[Change]) -> str:
    """The Dutch job summary: which checks run, and why."""
    if lane(changes) == "content":
        return (
            "### Inhoudscontrole\n\nDeze pull request wijzigt alleen records in `initiatives/` "
            f"({len(changes)} bestand(en)). De controle valideert de records, bouwt de site, "
            "draait de controle van de uitvoer en de privacy, en opent de gewijzigde pagina's "
            "in een browser.\n"
        )
    if not changes:
        return "### Volledige controle\n\nDeze pull request wijzigt geen bestanden.\n"
    paths = code_paths(changes)
    listed = "\n".join(f"- {_code(p)}" for p in paths[:50])
    more = f"\n- … en nog {len(paths) - 50}" if len(paths) > 50 else ""
    return (
        "### Volledige controle: deze pull request wijzigt code\n\n"
        "Deze pull request wijzigt meer dan records in `initiatives/`. Dat is code (zie "
        "SECURITY.md): de volledige testsuite draait, en een beheerder moet de wijziging "
        "beoordelen voordat ze wordt samengevoegd (CODEOWNERS).\n\n"
        f"Gewijzigde bestanden buiten de records:\n\n{listed}{more}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["lane", "records"])
    parser.add_argument("--base", required=True, help="the branch the pull request goes into")
    parser.add_argument("--head", default="HEAD")
    args = parser.parse_args(argv)
    try:
        changes = changes_since(args.base, args.head)
    except subprocess.CalledProcessError as exc:
        print(f"git diff {args.base}...{args.head}: {exc.stderr.strip()}", file=sys.stderr)
        return 2
    if args.what == "records":
        print(" ".join(records(changes)))
        return 0
    chosen = lane(changes)
    print(chosen)
    if output := os.environ.get("GITHUB_OUTPUT"):
        with open(output, "a", encoding="utf-8") as out:
            out.write(f"lane={chosen}\n")
    if job_summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(job_summary, "a", encoding="utf-8") as out:
            out.write(summary(changes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
