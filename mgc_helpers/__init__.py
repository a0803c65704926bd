"""Helpers for the course *Music Genre Classification with Deep Learning*.

Every notebook of the course is thin: prose, pictures and short cells that call
into this package. Submodules are imported lazily, so ``import mgc_helpers`` is
fast and never imports TensorFlow (a test checks it)::

    import mgc_helpers as mgc
    y, sr = mgc.audio.load("song.wav")          # imports mgc_helpers.audio on first use

Modules depend downward only (``tests/test_layers.py`` checks every import, lazy ones too).
Lowest first; a module imports only modules of its own or a lower row:

1. ``config`` (folders, URLs, run profiles), ``literature`` (the reports' and papers' numbers, as data)
   ``_tensorflow`` (the one way in to TensorFlow and Keras: imported quietly, real warnings kept)
2. ``audio`` (load, cut, the segment rule, play), ``fourier`` (DFT, windows, STFT)          -- notebook 01
   ``examples`` (librosa's example recordings: real music for the lessons, offline-safe)     -- notebooks 01-09
3. ``features`` (mel, log-mel, MFCC, summary features; the networks' features), ``toy``     -- notebook 02
4. ``datasets`` (registry of loaders, splits, remote files, downloads), ``cache`` (cached, parallel extraction)
5. ``segments`` (segment arrays, standardiser, evaluation segments, training pipelines)    -- notebooks 04-08
6. ``evaluation`` (votes, metrics, the results log; NumPy and pandas only)                  -- notebook 03 on
7. ``models``, ``training``, ``classical``, ``segmentation`` (algorithm, experiment, plots), ``inspection``,
   ``transfer``                                                                               -- notebooks 03-09
8. ``ensemble``, ``leaderboard``, ``bundle`` (saved genre models)                             -- notebook 10
9. ``plots``, ``widgets``, ``app`` (the GUI: nothing in the package imports it)
10. tools for students and maintainers: ``checks`` (exercise checks), ``assignments``, ``launch``, ``runner``
    (notebooks with parameters, on any dataset), ``__main__``
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
    "examples",
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
