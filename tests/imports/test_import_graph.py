"""The app's modules import one way: views -> services/selectors -> models; tasks -> services; no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

APP = Path(settings.BASE_DIR) / "imports"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in APP.rglob("*.py") if "migrations" not in path.parts}


def import_graph() -> dict[str, set[str]]:
    """Each module of the app -> the modules of the app it imports when it is imported (module level)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    targets.add(submodule if submodule in modules else node.module)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        # Importing a.b.c runs a/__init__ and a/b/__init__ first, unless the importer is inside them.
        for target in list(targets):
            parts = target.split(".")
            for end in range(1, len(parts)):
                parent = ".".join(parts[:end])
                if not name.startswith(parent + ".") and name != parent:
                    targets.add(parent)
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> list[str]:
        if module in visiting:
            return [*visiting[visiting.index(module) :], module]
        if module in done:
            return []
        visiting.append(module)
        for target in sorted(graph[module]):
            if cycle := visit(target):
                return cycle
        visiting.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        if cycle := visit(module):
            return cycle
    return []


def test_the_app_has_no_import_cycle() -> None:
    assert _cycle(import_graph()) == []


def test_services_never_queue_and_selectors_never_reach_into_services() -> None:
    graph = import_graph()
    services = {name for name in graph if name == "imports.services" or name.startswith("imports.services.")}

    for name in services:
        assert not graph[name] & {"imports.tasks", "imports.queueing", "imports.admin", "imports.signals"}, name
    assert not {target for target in graph["imports.selectors"] if target in services}
    assert graph["imports.tasks"] & services
    assert "imports.tasks" in graph["imports.queueing"]


def test_no_module_of_the_app_imports_inside_a_function_to_dodge_a_cycle() -> None:
    # apps.py is the exception Django asks for: signals and checks register when the app is ready.
    inside_functions = [
        f"{name}:{node.lineno}"
        for name, path in _modules().items()
        if name != "imports.apps"
        for function in ast.walk(ast.parse(path.read_text()))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]

    assert inside_functions == []
