"""Notebook 02 (mel, MFCC, deltas): the HTK mel scale, MFCCs from a log-mel spectrogram, deltas.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import _call, _close, _compare, _fail, _name, _numeric, _ok, _scale_of, _shape_problem, feedback

__all__ = ["DELTA_WIDTH", "check_hz_to_mel", "check_mfcc_from_logmel", "check_deltas"]


#: Width (frames) of the delta window checked by :func:`check_deltas` (N = 4 frames on each side).
DELTA_WIDTH = 9


@feedback
def check_hz_to_mel(fn: Callable[[Any], Any]) -> None:
    """Check ``fn(f)``: the HTK mel value ``2595 * log10(1 + f / 700)`` (vs ``librosa.hz_to_mel(htk=True)``).

    Taught in notebook 02. Tested on single numbers and on a NumPy array.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "hz_to_mel_htk")
    import librosa

    freqs = np.array([0.0, 100.0, 440.0, 700.0, 1000.0, 4000.0, 11025.0])
    expected = np.asarray(librosa.hz_to_mel(freqs, htk=True))
    slaney = np.asarray(librosa.hz_to_mel(freqs, htk=False))
    hint = "use the HTK formula given above with np.log10 (base-10 logarithm), which also works on arrays."
    mistakes = [
        (lambda g, e=expected: _close(g, e * math.log(10), 1e-5, 1e-6),
         "it is about 2.30 times too large — did you use the natural logarithm (np.log) instead of np.log10?"),
        (lambda g, s=slaney: _close(g, s, 1e-5, 1e-6),
         "this is the Slaney mel scale (librosa's default), not the HTK formula asked for."),
    ]
    for f, e, e_slaney in zip(freqs, expected, slaney):
        got = _call(fn, (float(f),), name=name)
        _compare(got, e, name=name, where=f"f={f:g} Hz", rtol=1e-5, atol=1e-6, hint=hint,
                 mistakes=[(lambda g, e=e: np.isclose(g, e * math.log(10)), mistakes[0][1]),
                           (lambda g, e=e_slaney: np.isclose(g, e), mistakes[1][1])])
    try:
        got = fn(freqs.copy())
    except Exception as exc:
        raise _fail(f"`{name}` works on single numbers but crashed on a NumPy array ({type(exc).__name__}).",
                    "use NumPy functions (np.log10), not math.log10, so that it works element-wise.") from exc
    _compare(got, expected, name=name, where="an array of 7 frequencies", rtol=1e-5, atol=1e-6, hint=hint,
             mistakes=mistakes)
    _ok(f"`{name}` matches librosa.hz_to_mel(htk=True) on single numbers and on arrays.")


@feedback
def check_mfcc_from_logmel(fn: Callable[[np.ndarray, int], np.ndarray]) -> None:
    """Check ``fn(S_db, n_mfcc)``: MFCCs from a log-mel spectrogram (vs ``librosa.feature.mfcc(S=S_db)``).

    Taught in notebook 02: an orthonormal type-II DCT along the mel axis (axis 0),
    keeping the first ``n_mfcc`` coefficients, shape ``(n_mfcc, n_frames)``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "mfcc_from_logmel")
    import librosa
    import scipy.fft

    rng = np.random.default_rng(2)
    cases = [((40, 7), 13), ((128, 5), 20), ((32, 32), 32)]
    hint = ("apply an orthonormal type-II DCT (see scipy.fft.dct) along the mel axis (axis 0) and keep the "
            "first n_mfcc rows.")
    for (n_mels, n_frames), n_mfcc in cases:
        S_db = rng.uniform(-80.0, 0.0, size=(n_mels, n_frames))
        expected = librosa.feature.mfcc(S=S_db, n_mfcc=n_mfcc)
        got = _call(fn, (S_db, n_mfcc), name=name)
        full = scipy.fft.dct(S_db, type=2, norm="ortho", axis=0)
        arr = _numeric(got, name=name)
        if arr.shape == full.shape and n_mfcc < n_mels and np.allclose(arr, full, atol=1e-5):
            raise _fail(f"For S_db of shape {S_db.shape} and n_mfcc={n_mfcc}, you returned all {n_mels} "
                        "DCT coefficients.", "keep only the first n_mfcc rows.")
        mistakes = [
            (lambda g, S=S_db, k=n_mfcc: _close(g, scipy.fft.dct(S, type=2, axis=0)[:k], 1e-5, 1e-5),
             "the DCT is not orthonormal — use norm='ortho'."),
            (lambda g, S=S_db, k=n_mfcc: _close(g, scipy.fft.dct(S, type=2, norm="ortho", axis=1)[:k], 1e-5, 1e-5),
             "the DCT was taken along the time axis; take it along the mel axis (axis=0)."),
            (lambda g, S=S_db, k=n_mfcc: _close(g, scipy.fft.dct(S, type=3, norm="ortho", axis=0)[:k], 1e-5, 1e-5),
             "that is a type-III DCT (the inverse); use type=2."),
        ]
        _compare(got, expected, name=name, where=f"S_db of shape {S_db.shape} and n_mfcc={n_mfcc}",
                 rtol=1e-5, atol=1e-4, hint=hint, mistakes=mistakes)
    _ok(f"your MFCCs match librosa.feature.mfcc(S=S_db) on {len(cases)} random log-mel spectrograms.")


@feedback
def check_deltas(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check ``fn(X)``: first-order deltas along time (axis -1) over a 9-frame window.

    Taught in notebook 02: ``d[t] = Σ_{n=1..4} n (X[t+n] - X[t-n]) / (2 Σ_{n=1..4} n²)``,
    the same as ``librosa.feature.delta(X, width=9)``. Only frames 4 … T-5 are
    compared (away from the edges), so any edge handling is accepted (librosa fits
    a line, HTK repeats the edge frames); the output must have the shape of ``X``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "deltas")
    import librosa

    rng = np.random.default_rng(3)
    half = DELTA_WIDTH // 2
    hint = ("regression over N = 4 frames on each side (width 9): d[t] = Σ n·(X[t+n] − X[t−n]) / (2·Σ n²), "
            "n = 1 … 4, along the time axis (the last one); return an array of the same shape as X.")
    inputs = [rng.standard_normal((13, 30)), np.tile(np.linspace(0.0, 29.0, 30), (4, 1)) * np.arange(1, 5)[:, None],
              rng.standard_normal((20, 12))]
    for X in inputs:
        expected = librosa.feature.delta(X, width=DELTA_WIDTH, order=1, axis=-1)
        got = _call(fn, (X,), name=name)
        arr = _numeric(got, name=name)
        where = f"X of shape {X.shape}"
        if arr.shape != X.shape:
            extra = " (np.diff gives one frame less)" if arr.shape == (X.shape[0], X.shape[1] - 1) else ""
            raise _fail(f"For {where}, the result of `{name}` {_shape_problem(arr.shape, X.shape)}{extra}.", hint)
        inner = slice(half, X.shape[-1] - half)
        e = expected[:, inner]
        scale = _scale_of(arr[:, inner], e)
        width5 = librosa.feature.delta(X, width=5, order=1, axis=-1)[:, inner]
        mistakes = [
            (lambda g, e=e: _close(g, -e, 1e-5, 1e-6), "the sign is flipped — it should be X[t+n] − X[t−n]."),
            (lambda g: scale is not None,
             f"it is the right deltas times {scale if scale is None else round(scale, 4)} "
             "— check the denominator 2·Σ n²."),
            (lambda g, X=X: _close(g, np.gradient(X, axis=-1)[:, inner], 1e-5, 1e-6)
             or _close(g, np.diff(X, axis=-1, prepend=X[:, :1])[:, inner], 1e-5, 1e-6),
             "it looks like a simple difference of neighbouring frames (np.gradient/np.diff); "
             "use the regression formula over 4 frames on each side."),
            (lambda g, w=width5: _close(g, w, 1e-5, 1e-6),
             "it uses a window of 5 frames (N = 2); use width 9 (N = 4 on each side)."),
            (lambda g, X=X: X.shape[0] >= DELTA_WIDTH and
             _close(g[half:-half], librosa.feature.delta(X, width=DELTA_WIDTH, axis=0)[half:-half, inner], 1e-5, 1e-6),
             "the deltas were taken along the feature axis; take them along time (the last axis)."),
        ]
        compared = f"{where} (frames {half} … {X.shape[-1] - half - 1} compared)"
        _compare(arr[:, inner], e, name=name, where=compared, rtol=1e-5, atol=1e-6, hint=hint, mistakes=mistakes)
    _ok(f"your deltas match librosa.feature.delta(X, width={DELTA_WIDTH}) away from the edges on "
        f"{len(inputs)} test matrices.")
