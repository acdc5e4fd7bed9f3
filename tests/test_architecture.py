"""Rules of the code's shape that hold for the whole of kiosk/."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import add_inner_blocks, cc_visit
from radon.visitors import Function

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
