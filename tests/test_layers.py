"""The package's layering, checked on the source: every import (lazy ones inside functions too) goes downward.

The layers are the module map of ``mgc_helpers/__init__.py``'s docstring; a module may import modules of its own or
a lower layer only. The GUI (``app``) and the tools (checks, assignments, launch, the command line) are imported by
nothing in the package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mgc_helpers

PACKAGE = Path(mgc_helpers.__file__).resolve().parent

#: Lowest first. A package (``datasets``, ``models``, ``segmentation``, ``checks``) is one entry for all its modules.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("config", "literature", "_tensorflow"),
    ("audio", "fourier", "examples"),
    ("features", "toy"),
    ("datasets", "cache"),
    ("segments",),
    ("evaluation",),
    ("models", "training", "classical", "segmentation", "inspection", "transfer"),
    ("ensemble", "leaderboard", "bundle"),
    ("plots", "widgets", "app"),
    ("checks", "assignments", "launch", "runner", "__main__"),
)
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
#: Imported by nothing inside the package but the tools themselves (notebooks and the command line use them).
TOP = {"app", "checks", "assignments", "launch", "runner", "__main__"}


def _unit(module: str) -> str:
    """``mgc_helpers.datasets.gtzan`` -> ``datasets``; ``mgc_helpers`` itself -> ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``mgc_helpers`` module ``path`` imports, at the top or inside a function."""
    return _imports_of(path.read_text(encoding="utf-8"), _module_name(path), is_package=path.name == "__init__.py")


def _imports_of(source: str, me: str, *, is_package: bool) -> set[str]:
    tree = ast.parse(source)
    package = me if is_package else me.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "mgc_helpers"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "mgc_helpers":
                continue
            if target == "mgc_helpers" or (node.module is None and node.level):
                found |= {f"{target}.{a.name}" for a in node.names}
            else:
                found.add(target)
    return found


def _package_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_has_a_layer():
    units = {_unit(_module_name(p)) for p in _package_modules()} - {""}
    missing = sorted(units - set(LAYER))
    assert not missing, f"give these modules a layer in LAYERS (and in the docstring of mgc_helpers): {missing}"


@pytest.mark.parametrize("path", _package_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_downward(path):
    me = _unit(_module_name(path))
    if me == "":
        return  # the package's __init__ only names the submodules, lazily
    upward = []
    for target in sorted(_imports(path)):
        other = _unit(target)
        if other in ("", me) or other.startswith("__") and other != "__main__":
            continue  # the package itself, or one of its attributes (``__version__``)
        if other in TOP and LAYER[me] < len(LAYERS) - 1:
            upward.append(f"{target} (imported by nothing in the package but the command line and tools)")
        elif LAYER[other] > LAYER[me]:
            upward.append(f"{target} (layer {LAYER[other]} > {me}'s {LAYER[me]})")
    assert not upward, f"{path.relative_to(PACKAGE)} imports upward: {upward}"


def test_the_docstring_map_names_every_layer():
    doc = mgc_helpers.__doc__ or ""
    for names in LAYERS:
        for name in names:
            assert f"``{name}``" in doc, f"the module map in mgc_helpers/__init__.py does not name {name}"


def test_the_checker_sees_lazy_and_relative_imports():
    source = "import numpy\ndef f():\n    from ..app import genre_app\n    from .. import leaderboard\n" \
             "    from . import cnn\n    import mgc_helpers.toy\n"
    assert _imports_of(source, "mgc_helpers.models.probe", is_package=False) == {
        "mgc_helpers.app", "mgc_helpers.leaderboard", "mgc_helpers.models.cnn", "mgc_helpers.toy"}
