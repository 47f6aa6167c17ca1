"""STYLE rule 1: layers import downwards only (core → nn/optim/data → transforms → lowering).

Parses every import in the package (no import is executed) and fails on an upward one.
Public namespaces that only re-export (the package ``__init__``) are exempt.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

PKG = pathlib.Path(__file__).resolve().parents[1] / "functorch_lite"

#: Layer of each top-level subpackage/module of functorch_lite.
LAYERS = {
    "_config": 0, "_dtype": 0, "_device": 0, "_format": 0, "_tensor": 0, "_random": 0,
    "_ops": 0, "autograd": 0, "cuda": 0, "linalg": 0,
    "nn": 1, "optim": 1, "utils": 1, "serialization": 1, "vision": 1, "safetensors": 1,
    "transforms": 2, "func": 2, "compiler": 2, "amp": 2, "distributed": 2,
    "lowering": 3, "export": 3, "accelerator": 3,
}  # fmt: skip
#: Public namespaces that only re-export (ARCHITECTURE §7) are exempt.
EXEMPT = {PKG / "__init__.py", PKG / "utils" / "checkpoint.py", PKG / "compiler.py"}


def _layer_of(parts: list[str]) -> int | None:
    if not parts:
        return None
    return LAYERS.get(parts[0])


def _imports(
    path: pathlib.Path, root: pathlib.Path = PKG
) -> list[tuple[int, list[str]]]:
    rel = path.relative_to(root).with_suffix("").parts
    package = list(rel[:-1]) if rel[-1] != "__init__" else list(rel[:-1])
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = (
                    package[: len(package) - (node.level - 1)]
                    if node.level > 1
                    else package
                )
                target = base + (node.module.split(".") if node.module else [])
                if not node.module:
                    for alias in node.names:
                        found.append((node.lineno, base + [alias.name]))
                    continue
            elif node.module and node.module.startswith("functorch_lite"):
                target = node.module.split(".")[1:]
                if not target:
                    for alias in node.names:
                        found.append((node.lineno, [alias.name]))
                    continue
            else:
                continue
            found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("functorch_lite."):
                    found.append((node.lineno, alias.name.split(".")[1:]))
    return found


FILES = sorted(p for p in PKG.rglob("*.py") if p not in EXEMPT)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_go_downwards(path: pathlib.Path) -> None:
    own = _layer_of(
        list(path.relative_to(PKG).parts[:1])
        if len(path.relative_to(PKG).parts) > 1
        else [path.stem]
    )
    assert own is not None, f"{path.name}: add its top-level name to LAYERS"
    for lineno, target in _imports(path):
        layer = _layer_of(target)
        if layer is None:
            continue
        assert layer <= own, (
            f"{path.relative_to(PKG)}:{lineno} imports functorch_lite.{'.'.join(target)} "
            f"(layer {layer}) from layer {own}: layers import downwards only"
        )


def test_checker_catches_an_upward_import(tmp_path: pathlib.Path) -> None:
    """The parser itself must see relative and absolute upward imports."""
    root = tmp_path / "functorch_lite"
    fake = root / "_ops" / "_layering_probe.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("from ..nn import Linear\nimport functorch_lite.transforms\n")
    targets = [t for _, t in _imports(fake, root)]
    assert ["nn", "Linear"] in targets or ["nn"] in targets
    assert ["transforms"] in targets
