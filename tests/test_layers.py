"""The packages depend downwards only (sim <- scenarios <- calibration <- experiments), and
no function or module grows past what one can read at once."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What each package may import, besides itself and third-party libraries.
ALLOWED = {
    "sim": set(),
    "scenarios": {"sim"},
    "calibration": {"sim", "scenarios"},
    "experiments": {"sim", "scenarios", "calibration"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_package_imports_one_above_it(package):
    ours = set(ALLOWED)
    for path in sorted((ROOT / package).rglob("*.py")):
        upward = (_imports(path) & ours) - ALLOWED[package] - {package}
        assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}"


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_function_over_60_lines_and_no_module_over_400(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        assert len(text.splitlines()) <= 400, f"{where} has over 400 lines"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                assert lines <= 60, f"{where}: {node.name} has {lines} lines"
