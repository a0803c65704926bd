"""Cached, parallel feature extraction over a table of tracks.

Taught in notebook 02 (the 57-value summary table) and used by every later notebook.
Results are cached on disk with :class:`joblib.Memory` under ``<cache root>/joblib``.
The cache key covers the file's identity (absolute path, size and modification time)
and every parameter of the extraction, so touching nothing reuses the cache while
editing a file or changing a parameter recomputes.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from . import config

__all__ = ["memory", "file_identity", "extract", "summary_table", "clear"]


def memory(*, verbose: int = 0) -> "joblib.Memory":  # noqa: F821 (joblib imported lazily)
    """The course's on-disk cache (a :class:`joblib.Memory` in ``<cache root>/joblib``).

    Taught in notebook 02.
    """
    import joblib

    return joblib.Memory(location=str(config.cache_root() / "joblib"), verbose=verbose)


def file_identity(path: str | os.PathLike) -> tuple[str, int, int]:
    """``(absolute path, size in bytes, modification time in ns)`` of a file: its cache key.

    Taught in notebook 02.
    """
    p = Path(path).resolve()
    st = p.stat()
    return str(p), int(st.st_size), int(st.st_mtime_ns)


def _load_and_apply(
    identity: tuple[str, int, int], func: Callable[..., Any], sr: int | None, params: dict[str, Any]
) -> Any:
    from . import audio

    y, rate = audio.load(identity[0], sr=sr)
    return func(y, rate, **params)


def _safe(fn: Callable[..., Any], identity: tuple[str, int, int], *args: Any) -> tuple[Any, str | None]:
    try:
        return fn(identity, *args), None
    except Exception as exc:  # one bad file must not sink the whole table
        return None, f"{type(exc).__name__}: {exc}"


def extract(
    paths: Sequence[str | os.PathLike],
    func: Callable[..., Any],
    *,
    sr: int | None = config.SAMPLE_RATE,
    n_jobs: int = 2,
    cache: bool = True,
    progress: bool = True,
    **params: Any,
) -> tuple[list[Any], dict[str, str]]:
    """Apply ``func(y, sr, **params)`` to every audio file, in parallel and cached.

    Taught in notebook 02.

    Parameters
    ----------
    paths : sequence of path-like
        Audio files (any format :func:`mgc_helpers.audio.load` reads).
    func : callable
        A module-level function ``func(y, sr, **params)`` (it must be importable so
        that worker processes and the cache can find it).
    sr : int or None, keyword-only
        Sample rate the audio is loaded at (``None``: native rate).
    n_jobs : int, keyword-only
        Worker processes (joblib); ``1`` runs in this process.
    cache : bool, keyword-only
        Reuse results stored on disk by earlier calls.
    progress : bool, keyword-only
        Show a tqdm progress bar.
    **params
        Keyword arguments of ``func``; they are part of the cache key.

    Returns
    -------
    results : list
        One entry per path, ``None`` where the file failed.
    failures : dict
        ``{path: reason}`` for every file that could not be processed.
    """
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    fn = memory().cache(_load_and_apply) if cache else _load_and_apply
    identities = [file_identity(p) if Path(p).exists() else (str(p), -1, -1) for p in paths]
    tasks = (delayed(_safe)(fn, ident, func, sr, params) for ident in identities)
    runner = Parallel(n_jobs=n_jobs, return_as="generator")
    outputs: Iterable[tuple[Any, str | None]] = runner(tasks)
    if progress:
        outputs = tqdm(outputs, total=len(identities), desc=getattr(func, "__name__", "features"))
    results, failures = [], {}
    for ident, (value, error) in zip(identities, outputs):
        results.append(value)
        if error is not None:
            failures[ident[0]] = error
    return results, failures


def summary_table(
    tracks: pd.DataFrame,
    *,
    n_jobs: int = 2,
    sr: int = config.SAMPLE_RATE,
    progress: bool = True,
    cache: bool = True,
) -> pd.DataFrame:
    """The 57 GTZAN summary features (:func:`mgc_helpers.features.summary_features`) per track.

    Taught in notebook 02; notebook 03 trains classifiers on it.

    Parameters
    ----------
    tracks : pandas.DataFrame
        A tracks table with columns ``track_id``, ``path`` and ``genre`` (``artist``
        and ``split`` are carried over when present).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``track_id``: the label columns followed by the 57 features in the
        order of GTZAN's public ``features_30_sec.csv``. Files that failed are left
        out, with a warning, and listed in ``table.attrs["failures"]``.
    """
    from .features import SUMMARY_FEATURE_NAMES, summary_features

    results, failures = extract(
        list(tracks["path"]), summary_features, sr=sr, n_jobs=n_jobs, cache=cache, progress=progress
    )
    keep = [i for i, r in enumerate(results) if r is not None]
    labels = [c for c in ("genre", "artist", "split") if c in tracks.columns]
    table = pd.DataFrame(
        [[results[i][name] for name in SUMMARY_FEATURE_NAMES] for i in keep],
        columns=list(SUMMARY_FEATURE_NAMES),
        dtype=np.float64,
    )
    meta = tracks.iloc[keep][["track_id", *labels]].reset_index(drop=True)
    table = pd.concat([meta, table], axis=1).set_index("track_id")
    if failures:
        warnings.warn(
            f"{len(failures)} file(s) skipped: "
            + "; ".join(f"{Path(p).name} ({why})" for p, why in list(failures.items())[:5]),
            stacklevel=2,
        )
    table.attrs["failures"] = failures
    return table


def clear() -> None:
    """Empty the feature cache (``<cache root>/joblib``).

    Taught in notebook 02.
    """
    memory().clear(warn=False)
