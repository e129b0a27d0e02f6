"""Issue #14 item 6: a form's error must be seen by the user who pressed its button. A form inside an
expander opened with a bare st.expander was redrawn collapsed after a message above it went, hiding the
error; every such expander is opened with ui.widgets.form_expander (keyed, so it stays open)."""
from __future__ import annotations

import ast

from tests.conftest import ROOT


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == name]


def forms_in_bare_expanders() -> list[str]:
    found = []
    files = [*ROOT.glob("app.py"), *ROOT.glob("portal.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("portal_pages/*.py"),
             *ROOT.glob("ui/**/*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.With) and any(_calls(item.context_expr, "expander") for item in node.items)
                    and any(_calls(statement, "form") for statement in node.body)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_form_in_an_expander_uses_form_expander():
    assert forms_in_bare_expanders() == []
