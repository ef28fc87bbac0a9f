"""The package's shape, checked from the source: no import circle, arrows between rooms run one way, the engine
never imports the UI, and only one module reads vidrec's environment settings.

Every import counts, including those inside functions and `TYPE_CHECKING` blocks: a circle that only closes at call
time is still a circle for whoever reads the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vidrec_core.core.paths import REPO_ROOT

PACKAGES = ("vidrec_core", "vidrec_ui")
# A room may import the rooms to its left, and itself. `saved` stands apart: it needs `core` only.
ROOMS = (
    "core", "embed", "data", "learn", "profile", "rank", "index", "explore",
    "recommender", "audience", "evaluate", "cli",
)  # fmt: skip
SAVED = "saved"


def module_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


FILES = module_files()


def imports_of(module: str, path: Path) -> set[str]:
    """Every vidrec module `module` imports, wherever the import statement stands."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against this module's package
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from a.b import c`: c may be a module (a.b.c) or a name in a.b
            names = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in FILES else prefix for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in FILES:  # `import a.b.c` of a name inside a module: its module
                name = name.rpartition(".")[0]
            if name and name.split(".")[0] in PACKAGES and name != module:
                found.add(name)
    return found


GRAPH = {module: imports_of(module, path) for module, path in FILES.items()}


def room(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "vidrec_ui":
        return "ui"
    if len(parts) == 1:
        return "package"
    return parts[1]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_every_module_and_its_imports():
    assert "vidrec_core.recommender" in GRAPH and "vidrec_ui.resources" in GRAPH
    assert "vidrec_core.data.schema" in GRAPH["vidrec_core.data.load"]
    assert "vidrec_core.cli.main" in GRAPH["vidrec_core.__main__"]


def test_a_planted_circle_is_found():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circle():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("vidrec_core.")))
def test_arrows_between_rooms_run_one_way(module: str):
    here = room(module)
    for imported in GRAPH[module]:
        there = room(imported)
        if there == here:
            continue
        if here == "__main__":
            assert there == "cli", f"{module} imports {imported}: __main__ only starts the command line"
        elif here == SAVED:
            assert there == "core", f"{module} imports {imported}: saved needs core only"
        else:
            assert there != SAVED, f"{module} imports {imported}: only the UI uses saved histories and links"
            assert there in ROOMS and ROOMS.index(there) < ROOMS.index(here), (
                f"{module} ({here}) imports {imported} ({there}): a room imports only rooms to its left in {ROOMS}"
            )


def test_the_engine_never_imports_the_ui_or_streamlit():
    for module, path in FILES.items():
        if not module.startswith("vidrec_core"):
            continue
        assert not any(m.startswith("vidrec_ui") for m in GRAPH[module]), module
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            assert "streamlit" not in roots, f"{module} imports streamlit"


def environment_reads(tree: ast.AST) -> list[ast.AST]:
    """The key of every `os.environ[...]`, `os.environ.get/pop/setdefault(...)` and `os.getenv(...)`."""
    keys = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "environ":
            keys.append(node.slice)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            owner = node.func.value
            if node.func.attr == "getenv" or (
                node.func.attr in ("get", "pop", "setdefault")
                and isinstance(owner, ast.Attribute)
                and owner.attr == "environ"
            ):
                keys.append(node.args[0])
    return keys


def test_only_the_settings_module_reads_vidrec_settings():
    settings = FILES["vidrec_core.core.settings"]
    assert environment_reads(ast.parse(settings.read_text(encoding="utf-8")))
    for module, path in FILES.items():
        if path == settings:
            continue
        for key in environment_reads(ast.parse(path.read_text(encoding="utf-8"))):
            assert isinstance(key, ast.Constant) and isinstance(key.value, str), (
                f"{module} reads an environment variable by a computed name; vidrec's settings live in core/settings"
            )
            assert not key.value.startswith("VIDREC_"), f"{module} reads {key.value}: ask vidrec_core.core.settings"
