"""Helpers for the course *Music Genre Classification with Deep Learning*.

Every notebook of the course is thin: prose, pictures and short cells that call
into this package. Submodules are imported lazily, so ``import mgc_helpers`` is
fast and never imports TensorFlow (a test checks it)::

    import mgc_helpers as mgc
    y, sr = mgc.audio.load("song.wav")          # imports mgc_helpers.audio on first use

Modules depend downward only: ``audio`` -> ``fourier``/``features`` -> ``toy``/``cache``
-> ``segmentation`` -> (models, training) -> (evaluation) -> ``plots``/``widgets``/``checks``.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_SUBMODULES = (
    "app",
    "assignments",
    "audio",
    "bundle",
    "cache",
    "checks",
    "classical",
    "config",
    "datasets",
    "ensemble",
    "evaluation",
    "features",
    "fourier",
    "inspection",
    "launch",
    "leaderboard",
    "literature",
    "models",
    "plots",
    "segmentation",
    "segments",
    "toy",
    "training",
    "transfer",
    "widgets",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))
