"""The package's structure: every module imports, and module-level imports form no cycle.

The graph is read from the source with ast (imports at module level, including those under
`if`/`try` there; imports inside functions are deliberate late imports and are not edges). A
`from . import x` names the submodule x when there is one; importing a submodule also runs its
package's __init__, which is not counted as an edge of the submodule (Python handles that order).
"""
import ast
import importlib
import pkgutil
from pathlib import Path

import sjtx_xl

PKG = Path(sjtx_xl.__file__).resolve().parent


def modules():
    """{module name: path} of every module of the package."""
    out = {}
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


def _module_level(tree):
    """Import nodes executed when the module is imported (not inside a def or class body's methods)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                for sub in getattr(node, field, []) or []:
                    todo.extend(sub.body if isinstance(sub, ast.ExceptHandler) else [sub])


def import_graph():
    mods = modules()
    graph = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        package = name if is_pkg else name.rpartition(".")[0]
        edges = set()
        for node in _module_level(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = (base + "." + node.module if node.module else base) if node.level else node.module
                targets = [base + "." + a.name if base + "." + a.name in mods else base for a in node.names]
            edges.update(t for t in targets if t in mods and t != name)
        graph[name] = edges
    return graph


def cycles(graph):
    """Every elementary cycle found by a depth-first walk, as lists of module names."""
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = "open"
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == "open":
                found.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = "done"

    for n in sorted(graph):
        if n not in state:
            visit(n)
    return found


def test_every_module_imports():
    for m in pkgutil.walk_packages(sjtx_xl.__path__, "sjtx_xl."):
        importlib.import_module(m.name)


def test_no_import_cycles():
    graph = import_graph()
    assert "sjtx_xl.cli" in graph and "sjtx_xl.app" in graph["sjtx_xl.cli"]      # the walk sees real edges
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_use_cases_and_core_do_not_import_the_front_ends():
    """check, merge and the summary get exit codes and texts from vocab.py, never from cli.py/xl.py."""
    graph = import_graph()
    front = {"sjtx_xl.cli", "sjtx_xl.xl"}
    for name, edges in graph.items():
        if name not in front:
            assert not edges & front, (name, edges & front)
    for path in (PKG / "check.py", PKG / "merge.py"):
        text = path.read_text(encoding="utf-8")
        assert "from .cli" not in text and "EXIT_" not in text, path


def late_imports():
    """(path, line number, text) of every import inside a function, with whether it says why:
    a comment on its line or the line above, or on the first import of the run it belongs to."""
    out = []
    for path in sorted(PKG.rglob("*.py")):
        src = path.read_text(encoding="utf-8").splitlines()
        late = set()
        for node in ast.walk(ast.parse("\n".join(src))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                late.update(sub.lineno for sub in ast.walk(node) if isinstance(sub, (ast.Import, ast.ImportFrom)))
        for n in sorted(late):
            first = n
            while True:                                   # back over the run of imports (blank lines too)
                j = first - 1
                while j >= 1 and not src[j - 1].strip():
                    j -= 1
                if j not in late:
                    break
                first = j
            run = range(first, n + 1)
            said = any("#" in src[i - 1] for i in run) or (first > 1 and src[first - 2].strip().startswith("#"))
            out.append((path.relative_to(PKG.parent), n, src[n - 1].strip(), said))
    return out


def test_every_late_import_says_why():
    """Imports inside functions are for start-up time or optional libraries, and say so (issue 9)."""
    found = late_imports()
    assert any(p.name == "app.py" for p, *_ in found)                 # the scan sees app's late imports
    silent = ["%s:%d %s" % (p, n, text) for p, n, text, said in found if not said]
    assert silent == [], "add a short comment why this import is late (start-up time, optional library):\n" + \
        "\n".join(silent)


def test_pandas_is_imported_only_when_frames_are_asked_for():
    """Everything but the xlwings adapter (xlwings itself imports pandas when it is installed)."""
    import subprocess
    import sys
    code = ("import pkgutil, importlib, sys, sjtx_xl\n"
            "for m in pkgutil.walk_packages(sjtx_xl.__path__, 'sjtx_xl.'):\n"
            "    if m.name != 'sjtx_xl.xl':\n"
            "        importlib.import_module(m.name)\n"
            "sjtx_xl.merge_folder, sjtx_xl.summary_frames\n"
            "assert 'pandas' not in sys.modules, 'imported pandas'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(PKG.parent))
