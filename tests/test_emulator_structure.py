"""The emulator's modules stay small and import one way (state model below, HTTP on top)."""
import ast
from pathlib import Path

import sheets_sync.emulator as emulator

PKG = Path(emulator.__file__).parent


def _graph() -> dict:
    g = {}
    for f in PKG.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                deps.add(node.module.split(".")[0])
        g[f.stem] = deps
    return g


def test_no_import_cycles_and_only_server_speaks_http():
    g = _graph()
    seen, done = set(), set()

    def visit(n, path):
        assert n not in seen or n in done, f"import cycle: {' -> '.join(path)}"
        if n in done:
            return
        seen.add(n)
        for d in g.get(n, ()):
            visit(d, path + [d])
        done.add(n)
    for n in g:
        visit(n, [n])
    users_of_server = {m for m, deps in g.items() if "server" in deps}
    assert users_of_server <= {"__init__"}
    for f in PKG.glob("*.py"):
        if f.stem != "server":
            assert "http.server" not in f.read_text(encoding="utf-8"), f.name


def test_every_module_is_under_400_lines():
    for f in PKG.glob("*.py"):
        assert len(f.read_text(encoding="utf-8").splitlines()) < 400, f.name
