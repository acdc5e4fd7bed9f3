"""Runtime dependencies are exactly what runtime code imports: every third-party module that
kiosk/, ui/ or main.py imports belongs to a package in pyproject's `dependencies`, and every
package listed there provides something they import (test-only packages are extras)."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCAL = {"kiosk", "ui", "main", "tests", "tools"}


def _imported_modules() -> set[str]:
    """Third-party modules imported by runtime code, with one submodule level
    (PySide6.QtMultimedia comes from another package than PySide6.QtCore)."""
    found: set[str] = set()
    files = [REPO / "main.py", *(REPO / "kiosk").rglob("*.py"), *(REPO / "ui").rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                top = name.split(".")[0]
                if top in LOCAL or top in sys.stdlib_module_names or top == "__future__":
                    continue
                found.add(".".join(name.split(".")[:2]))
    return found


def _owners() -> dict[Path, str]:
    owners: dict[Path, str] = {}
    for dist in metadata.distributions():
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        for f in dist.files or ():
            owners[Path(dist.locate_file(f)).resolve()] = name
    return owners


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    return {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", d)[0]).lower()
            for d in project["dependencies"]}  # fmt: skip


def test_runtime_dependencies_are_what_runtime_code_imports() -> None:
    owners = _owners()
    used: dict[str, set[str]] = {}
    for module in sorted(_imported_modules()):
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
            continue  # `from pkg import name` where name is not a module
        dist = owners.get(Path(spec.origin).resolve())
        assert dist is not None, f"{module} ({spec.origin}) belongs to no installed package"
        used.setdefault(dist, set()).add(module)
    declared = _declared()
    assert set(used) - declared == set(), f"imported but not declared: {used}"
    assert declared - set(used) == set(), "declared in pyproject but imported by no runtime code"
