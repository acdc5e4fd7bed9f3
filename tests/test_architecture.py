"""Rules of the code's shape that hold for the whole of kiosk/."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from radon.complexity import add_inner_blocks, cc_visit
from radon.visitors import Function

from kiosk.storage.store import Store

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
MAX_COMPLEXITY = 15


def functions_over(limit: int, root: Path = KIOSK) -> list[str]:
    """Every function, method and nested function under `root` whose cyclomatic complexity
    (radon's) is over `limit`: 'path:line name (complexity)'."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        for block in add_inner_blocks(cc_visit(path.read_text("utf-8"))):
            if isinstance(block, Function) and block.complexity > limit:
                name = f"{block.classname}.{block.name}" if block.classname else block.name
                where = path.relative_to(root.parent)
                found.append(f"{where}:{block.lineno} {name} ({block.complexity})")
    return found


def test_the_complexity_check_sees_functions_methods_and_nested_functions(tmp_path: Path) -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(15))
    (tmp_path / "m.py").write_text(
        f"def flat(x):\n{branches}    return -1\n\n"
        f"class C:\n    def method(self, x):\n{branches.replace('    ', '        ')}"
        "        return -1\n\n"
        f"def outer():\n    def inner(x):\n{branches.replace('    ', '        ')}"
        "        return -1\n    return inner\n\n"
        "def simple(x):\n    return x\n"
    )
    found = functions_over(15, tmp_path)
    assert sorted(f.split(" ", 1)[1] for f in found) == [
        "C.method (16)",
        "flat (16)",
        "outer.inner (16)",
    ]
    assert functions_over(16, tmp_path) == []


def test_no_function_over_complexity_15() -> None:
    assert functions_over(MAX_COMPLEXITY) == []


def _cycles_within(graph: grimp.ImportGraph, package: str) -> list[str]:
    """Each import edge a -> b between modules of `package` (TYPE_CHECKING and
    function-level imports included) for which b also reaches a: 'a <-> b'."""
    inside = graph.find_children(package) | {package}
    found = []
    for a in sorted(inside):
        for b in sorted(graph.find_modules_directly_imported_by(a) & inside):
            if a != b and graph.chain_exists(importer=b, imported=a):
                found.append(f"{a} <-> {b}")
    return found


def test_no_import_cycle_among_the_storage_modules() -> None:
    assert _cycles_within(grimp.build_graph("kiosk"), "kiosk.storage") == []


def test_the_cycle_check_sees_a_cycle_through_another_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "toy"
    (root / "inner").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "other.py").write_text("from toy.inner import a\n")
    (root / "inner" / "__init__.py").write_text("")
    (root / "inner" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from toy.inner import b\n"
    )
    (root / "inner" / "b.py").write_text("def f():\n    import toy.other\n")
    (root / "inner" / "c.py").write_text("from toy.inner import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = _cycles_within(grimp.build_graph("toy", cache_dir=None), "toy.inner")
    assert found == ["toy.inner.a <-> toy.inner.b"]


MAX_STORE_METHODS = 20


def test_the_store_has_a_small_face() -> None:
    """Store: opening, transactions, the log, the event and the station; every read goes
    through a transaction's groups (kiosk.storage.tx)."""
    public = [name for name, value in vars(Store).items()
              if (not name.startswith("_") and callable(getattr(Store, name, None)))
              or (isinstance(value, property) and not name.startswith("_"))]  # fmt: skip
    assert len(public) <= MAX_STORE_METHODS, sorted(public)
