"""The house's rules: the rooms import only downward (base → inputs → figures → outputs → running →
the command), no module imports itself round a cycle, and no function runs over sixty lines.

Every import of a package module is counted, at the top of a file or inside a function, so a
room cannot reach up even lazily; the package's ``__init__`` and ``cli`` stand above every room.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cchc_lib

PACKAGE = Path(cchc_lib.__file__).parent
ROOMS = ("base", "inputs", "figures", "outputs", "running")
TOP = len(ROOMS)


def module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """The package modules (or packages) a file imports, anywhere in it, as absolute names."""
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("cchc_lib"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("cchc_lib"))
    return found


def rank(module: str) -> int | None:
    """The room's place, lowest first; the package itself and the command are on top; None: not a module."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("cli", "notebooks"):
        return TOP
    return ROOMS.index(parts[1]) if parts[1] in ROOMS else None


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_sits_in_a_room_one_level_deep():
    strays = [m for m in modules() if rank(m) is None or len(m.split(".")) > 3]
    assert strays == []


def test_each_room_imports_only_the_rooms_below_it():
    known = modules()
    upward = []
    for name, path in known.items():
        for target in imported(path):
            if target in known and rank(target) > rank(name):
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path):
    room = tmp_path / "cchc_lib" / "inputs"
    room.mkdir(parents=True)
    probe = room / "probe.py"
    probe.write_text("def f():\n    from ..running.report import build_reports\n", encoding="utf-8")
    assert "cchc_lib.running.report" in imported(probe, tmp_path)
    assert rank("cchc_lib.running.report") > rank(module_name(probe, tmp_path))


def test_a_notebook_importing_the_public_face_loads_no_notebook_runner_nor_pdf_renderer():
    import subprocess
    import sys

    heavy = "('papermill', 'weasyprint', 'nbclient', 'cchc_lib.running')"
    probe = ("import sys, cchc_lib; from cchc_lib.outputs import charts, views, document; "
             f"print(sorted(m for m in {heavy} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def import_cycles(known: dict[str, Path], root: Path = PACKAGE.parent) -> list[list[str]]:
    """The cycles among the modules ``known`` (name → file), counting every import, lazy ones
    too: each cycle as its modules in import order, the first repeated at the end."""
    graph = {name: sorted(t for t in imported(path, root) if t in known and t != name)
             for name, path in known.items()}
    cycles, state = [], {}  # state: 1 on the current path, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in graph[name]:
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [name, target] if target in path else [name, target])
            elif target not in state:
                visit(target, [*path, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    return cycles


def test_no_module_of_the_package_imports_itself_round_a_cycle():
    assert import_cycles(modules()) == []


def test_the_check_sees_a_cycle_made_of_a_lazy_import(tmp_path):
    room = tmp_path / "cchc_lib" / "running"
    room.mkdir(parents=True)
    (tmp_path / "cchc_lib" / "__init__.py").write_text("", encoding="utf-8")
    (room / "__init__.py").write_text("", encoding="utf-8")
    (room / "a.py").write_text("from .b import g\n", encoding="utf-8")
    (room / "b.py").write_text("def g():\n    from .c import h\n", encoding="utf-8")
    (room / "c.py").write_text("def h():\n    from . import a\n", encoding="utf-8")
    known = {module_name(p, tmp_path): p for p in sorted((tmp_path / "cchc_lib").rglob("*.py"))}
    assert import_cycles(known, tmp_path) == [
        ["cchc_lib.running.a", "cchc_lib.running.b", "cchc_lib.running.c", "cchc_lib.running.a"]]


FUNCTION_LINES = 60  # a function longer than this is cut into named steps


def long_functions(root: Path) -> list[str]:
    """Every function (or method) of the files under ``root`` longer than :data:`FUNCTION_LINES` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_LINES:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_of_the_package_runs_over_sixty_lines():
    assert long_functions(PACKAGE) == []


def test_the_length_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def f():\n{body}\n", encoding="utf-8")
    (tmp_path / "short.py").write_text("def g():\n    return 1\n", encoding="utf-8")
    assert long_functions(tmp_path) == [f"long.py:1 f ({FUNCTION_LINES + 1} lines)"]
