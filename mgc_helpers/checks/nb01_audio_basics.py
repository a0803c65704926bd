"""Notebook 01 (audio basics, Fourier): aliasing, the DFT and the STFT frame count.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .engine import _call, _close, _compare, _describe, _fail, _name, _numeric, _ok, _scale_of, _show, feedback

__all__ = ["check_alias_frequency", "check_dft", "check_n_frames"]


def _alias_reference(freq: float, sr: float) -> float:
    folded = math.fmod(abs(freq), sr)
    return min(folded, sr - folded)


@feedback
def check_alias_frequency(fn: Callable[[float, float], float]) -> None:
    """Check ``fn(freq, sr)``: the frequency (Hz) heard when a sine of ``freq`` Hz is sampled at ``sr`` Hz.

    Taught in notebook 01. Sampling folds frequencies into ``[0, sr/2]``: the
    answer is the distance from ``freq`` to the nearest multiple of ``sr``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_alias")
    cases = [(440.0, 22050.0), (15000.0, 22050.0), (1000.0, 8000.0), (9000.0, 8000.0), (30000.0, 22050.0),
             (7000.0, 8000.0), (22050.0, 22050.0), (11025.0, 22050.0), (40000.0, 22050.0), (100300.0, 44100.0)]
    hint = ("frequencies repeat every sr Hz and are mirrored about the Nyquist frequency sr/2; "
            "the answer is in [0, sr/2].")
    for freq, sr in cases:
        got = _call(fn, (freq, sr), name=name)
        expected = np.asarray(_alias_reference(freq, sr))
        mistakes = [
            (lambda g: g < 0, "a frequency you hear cannot be negative."),
            (lambda g, f=freq, s=sr: f >= s and f % s > s / 2 and np.isclose(g, f % s),
             "you wrapped the frequency into [0, sr) but did not mirror it about sr/2."),
            (lambda g, s=sr: g > s / 2 + 1e-9, "it is above the Nyquist frequency sr/2, so it would alias again."),
        ]
        _compare(got, expected, name=name, where=f"freq={freq:g} Hz, sr={sr:g} Hz", rtol=1e-6,
                 atol=1e-6, hint=hint, mistakes=mistakes)
    _ok(f"your alias frequencies are right for all {len(cases)} test cases (below, above and far above Nyquist).")


@feedback
def check_dft(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check a DFT implementation ``fn(x) -> X`` against ``numpy.fft.fft``.

    Taught in notebook 01. ``X[k] = sum_n x[n] exp(-2j*pi*k*n/N)``, all ``N`` bins,
    no normalisation, tested on random real signals of even and odd lengths.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_dft")
    rng = np.random.default_rng(1)
    lengths = (8, 13, 32, 101)
    hint = ("X[k] = Σ_n x[n]·exp(-2j·π·k·n/N) for k = 0 … N-1 (no normalisation); "
            "compare with np.fft.fft on a short signal yourself.")
    for n in lengths:
        x = rng.standard_normal(n)
        expected = np.fft.fft(x)
        got = _call(fn, (x,), name=name)
        arr = _numeric(got, name=name)
        if arr.shape == (n // 2 + 1,):
            raise _fail(f"For a signal of length {n}, your DFT returned only the non-negative frequencies "
                        f"(like np.fft.rfft).", "return all N bins, k = 0 … N-1.")
        scale = _scale_of(arr, expected) if arr.shape == expected.shape else None
        mistakes = [
            (lambda g, e=expected: _close(g, np.conj(e), 1e-6, 1e-8 * n),
             "it is the complex conjugate of the DFT — check the sign of the exponent (it must be negative)."),
            (lambda g, e=expected: np.isrealobj(g) and _close(g.astype(float), np.abs(e), 1e-6, 1e-8 * n),
             "you returned magnitudes (absolute values); return the complex spectrum itself."),
            (lambda g, e=expected: np.isrealobj(g) and _close(g.astype(float), e.real, 1e-6, 1e-8 * n),
             "only the real part is there — the DFT is complex (use 1j / np.exp of an imaginary number)."),
            (lambda g: scale is not None,
             f"it is the DFT multiplied by {scale if scale is None else round(scale, 4)} "
             "— check the normalisation (no 1/N or 1/√N here)."),
        ]
        _compare(got, expected, name=name, where=f"a random signal of length {n}", rtol=1e-6, atol=1e-8 * n,
                 hint=hint, mistakes=mistakes)
    _ok(f"your DFT matches numpy.fft.fft on {len(lengths)} random signals (lengths {', '.join(map(str, lengths))}).")


def _n_frames_reference(n_samples: int, n_fft: int, hop: int, center: bool) -> int:
    import librosa

    y = np.zeros(n_samples, dtype=np.float32)
    return int(librosa.stft(y=y, n_fft=n_fft, hop_length=hop, center=center).shape[-1])


@feedback
def check_n_frames(fn: Callable[[int, int, int, bool], int]) -> None:
    """Check ``fn(n_samples, n_fft, hop, center)``: the number of STFT frames ``librosa.stft`` gives.

    Taught in notebook 01. With ``center=True`` librosa pads ``n_fft // 2``
    samples on both sides of the signal before cutting frames (padding one side
    only, the wrong centre convention and an off-by-one are diagnosed).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_n_frames")
    cases = [(22050, 2048, 512, False), (22050, 2048, 512, True), (1000, 256, 64, False), (1000, 256, 64, True),
             (2048, 2048, 512, False), (5000, 1024, 1000, True), (661500, 2048, 512, True), (4097, 1024, 256, False)]
    names = ("n_samples", "n_fft", "hop", "center")
    hint = ("a frame starts every `hop` samples and must fit entirely in the (padded) signal; "
            "count the first frame too, and use integer division //.")
    for args in cases:
        got = _call(fn, args, name=name)
        expected = _n_frames_reference(*args)
        n, n_fft, hop, center = args
        other = _n_frames_reference(n, n_fft, hop, not center) if n >= n_fft else None
        where = _describe(args, names)
        arr = _numeric(got, name=name)
        if arr.ndim == 0 and arr.dtype.kind == "f" and not float(arr).is_integer():
            raise _fail(f"For {where}, `{name}` returned {_show(arr.item())}, which is not a whole number.",
                        "the number of frames is an integer: use // (floor division) instead of /.")
        one_side = 1 + (n + n_fft // 2 - n_fft) // hop if center and n + n_fft // 2 >= n_fft else None
        mistakes = [
            (lambda g, o=one_side: o is not None and o != other and np.isclose(g, o),
             "it looks like you padded only one side of the signal: with center=True librosa pads n_fft // 2 "
             "zeros at the start AND n_fft // 2 at the end, so that every frame is centred on its sample."),
            (lambda g, o=other: o is not None and np.isclose(g, o),
             f"this would be right for center={not center}: with center=True librosa first pads n_fft // 2 "
             "zeros on each side, with center=False it does not."),
            (lambda g, e=expected: abs(float(g) - e) == 1, "it is off by one — did you count the first frame?"),
        ]
        _compare(got, np.asarray(expected), name=name, where=where, rtol=0, atol=0, hint=hint,
                 mistakes=mistakes)
    _ok(f"your frame counts agree with librosa.stft on all {len(cases)} test cases (center=True and False).")
