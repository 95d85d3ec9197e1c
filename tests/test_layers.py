"""Imports go down the layers only, and no module imports itself round a cycle.

Every import statement counts, module level or inside a function: a lazy import
that goes up is still an upward dependency.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lower numbers sit lower. Modules of one layer may import each other (without cycles).
LAYERS = {
    "sheets_sync.core": 0,
    "sheets_sync.kinds": 1,
    "sheets_sync.backends": 2,
    "sheets_sync.emulator": 2,
    "sheets_sync.apps_script": 2,
    "sheets_sync.workbook": 3,
    "sheets_sync.ministry": 4,
    "sheets_sync": 5,            # the shell: __init__, cli, demo, excel_addin
    "xl_addin": 5,               # a client of the API, beside the CLI
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in ("sheets_sync", "xl_addin") for p in (ROOT / pkg).rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Project modules ``name`` imports (``from x import y`` counts x.y when y is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = package.split(".")
                base = ".".join(pkg[: len(pkg) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def test_imports_only_go_down_the_layers():
    upward = sorted(f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
                    for a, deps in graph().items() for b in deps
                    if layer(b) > layer(a) and not b.startswith(a + "."))
    assert upward == []


def test_no_import_cycles():
    g = graph()
    # a package's __init__ may gather its own modules; that is not a cycle of logic
    g = {a: {b for b in deps if not a.startswith(b + ".") and not b.startswith(a + ".")} for a, deps in g.items()}
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))
    for v in sorted(g):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_layer_table_covers_every_module_and_modules_stay_small():
    mods = modules()
    assert all(layer(m) is not None for m in mods)
    big = {m: n for m, p in mods.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert big == {}


def test_the_readme_lists_each_layers_modules_as_the_tree_has_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Layout"):]
    section = section[: section.find("\n## ", 5) if section.find("\n## ", 5) > 0 else None]
    for folder in ("core", "kinds", "backends", "workbook", "ministry"):
        files = sorted(p.stem for p in (ROOT / "sheets_sync" / folder).glob("*.py") if p.stem != "__init__")
        line = next(ln for ln in section.splitlines() if ln.startswith(f"- `sheets_sync/{folder}/`"))
        listed = sorted(w.strip("`,.;:") for w in line.split("`")[2:] if w.strip("`,.;: ").isidentifier())
        assert listed == files, (folder, listed, files)
