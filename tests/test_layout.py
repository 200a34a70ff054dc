"""The package's shape: stages import forward only, never in a circle, never inside a function."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "kennisbank_gen"
#: what each place may import from (besides the shared modules at the top of the package)
SHARED = {"errors", "findings", "config", "schema_errors", "clock", "pool"}
ALLOWED = {
    "read": {"read"},
    "check": {"read", "check"},
    "render": {"read", "check", "render"},
    "publish": {"read", "check", "render", "publish"},
    "editors": {"read", "check", "render", "publish", "editors"},
}


def module_name(file: Path) -> str:
    parts = file.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def imports_of(file: Path) -> list[tuple[str, bool]]:
    """(imported module inside the package, whether the import sits inside a function)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    own = module_name(file).split(".")
    package = own if file.name == "__init__.py" else own[:-1]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[: len(package) - (child.level - 1)] if child.level > 1 else package
                target = [*base, *(child.module.split(".") if child.module else [])]
                if child.module:
                    found.append((".".join(p for p in target if p), nested))
                else:
                    found.extend(
                        (".".join([*target, a.name]).strip("."), nested) for a in child.names
                    )
            elif isinstance(child, ast.ImportFrom) and (child.module or "").startswith(
                "kennisbank_gen"
            ):
                found.append((child.module.removeprefix("kennisbank_gen").strip("."), nested))
            visit(child, nested)

    visit(tree, False)
    return found


MODULES = {module_name(f): f for f in PACKAGE.rglob("*.py")}


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


GRAPH = {
    name: {t for imported, _ in imports_of(file) if (t := _resolve(imported)) and t != name}
    for name, file in MODULES.items()
}


def test_no_import_inside_a_function():
    inside = [(m, i) for m, f in MODULES.items() for i, nested in imports_of(f) if nested]
    assert inside == []


def test_no_circle_of_imports():
    state: dict[str, str] = {}
    circles = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == "open":
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            walk(name, [name])
    assert circles == []


@pytest.mark.parametrize("place", sorted(ALLOWED))
def test_stages_import_only_earlier_stages(place: str):
    wrong = []
    for name, targets in GRAPH.items():
        if name.split(".")[0] != place:
            continue
        for target in targets:
            top = target.split(".")[0]
            if top not in SHARED and top not in ALLOWED[place]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_every_module_is_small_enough_to_read_in_one_sitting():
    long = {n: len(f.read_text().splitlines()) for n, f in MODULES.items()}
    assert {n: lines for n, lines in long.items() if lines > 450} == {}


#: asking the system for the day or the time (spelled in pieces, so this file does not match)
CLOCK_CALL = re.compile(r"\b(?:date|datetime)\.(?:today|now|utcnow)\(|\btime" + r"\.time\(")


def test_only_the_clock_module_reads_the_clock():
    """Stages take `today` as an argument and tests pass the day they mean, so the suite gives
    the same result on any day; only `clock.today()` (for the commands) asks the system."""
    tests = Path(__file__).resolve().parent
    files = [*PACKAGE.rglob("*.py"), *tests.rglob("*.py")]
    readers = [
        f"{f}:{n}"
        for f in files
        if f.name != "clock.py"
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
        if CLOCK_CALL.search(line)
    ]
    assert readers == []


def test_nothing_imports_back_from_the_command_line():
    """The commands are the top: errors carry their own exit code and text (errors.py), so no
    module needs the command line's helpers."""
    assert [name for name, targets in GRAPH.items() if "cli" in targets] == []
