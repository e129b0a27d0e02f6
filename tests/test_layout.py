"""The shape of the house (issue #10): subpackages, one-way imports, small rooms, thin pages."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

VOC = ROOT / "voc"
MAX_MODULE_LINES = 600
MAX_PAGE_LINES = 250
MAX_TOP_LEVEL_MODULES = 12


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every voc module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in VOC.rglob("*.py")}
    known = set(files)
    graph = {}
    for name, path in files.items():
        deps = imported_modules(path, known) - {name}
        # importing a package's __init__ on the way to its module is not an edge of its own
        graph[name] = {d for d in deps if not any(e.startswith(d + ".") for e in deps) or d == "voc"} - {"voc"}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles_in_voc():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_voc_is_in_subpackages_with_a_docstring_each():
    top_level = [p for p in VOC.glob("*.py")]
    assert len(top_level) <= MAX_TOP_LEVEL_MODULES, sorted(p.name for p in top_level)
    for package in [p for p in VOC.iterdir() if p.is_dir() and p.name not in ("__pycache__",)]:
        if not any(package.glob("*.py")):
            continue
        init = package / "__init__.py"
        assert init.exists(), package
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} says nothing of what lives there"


def test_no_module_over_600_lines_and_no_page_over_250():
    long_modules = {str(p.relative_to(ROOT)): n for p in list(VOC.rglob("*.py")) + list((ROOT / "ui").glob("*.py"))
                    if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    long_pages = {p.name: n for p in (ROOT / "pages").glob("*.py")
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_PAGE_LINES}
    assert long_modules == {} and long_pages == {}


def test_voc_never_imports_streamlit_or_the_ui():
    for path in VOC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("streamlit", "ui", "pages") for n in names), path
