"""Automatic feedback for the notebooks' exercises.

Taught from notebook 01 on: after writing an exercise's answer, the next cell
calls a check. A check prints one friendly line when the answer is right, or
raises :class:`ExerciseError` saying *what* is wrong and giving a hint. The
feedback never shows the expected answer (the point is to find it yourself);
it does recognise common mistakes (wrong shape, wrong sign of the exponent,
a missing ``1/N``, ``np.log`` instead of ``np.log10``, an unfinished answer...).

The references are computed here, independently of the student's code, with
NumPy, SciPy and librosa.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "ExerciseError",
    "check_function",
    "check_value",
    "check_shape",
    "check_dft",
    "check_alias_frequency",
    "check_n_frames",
    "check_hz_to_mel",
    "check_mfcc_from_logmel",
    "check_deltas",
    "check_sem_formula",
    "check_adjacency",
    "check_eigengap_k",
    "check_ensemble_vote",
    "check_fixed_and_broken",
]

#: Width (frames) of the delta window checked by :func:`check_deltas` (N = 4 frames on each side).
DELTA_WIDTH = 9

_NOT_WRITTEN = "you have not written your answer yet"


class ExerciseError(AssertionError):
    """An exercise answer is not right yet; the message says what is wrong and gives a hint.

    Taught in notebook 01. Read the message, fix your code, and run the check again.
    """


def _ok(message: str) -> None:
    print(f"✅ Correct — {message}")


def _fail(what: str, hint: str = "") -> ExerciseError:
    text = f"❌ {what}"
    if hint:
        text += f"\n💡 Hint: {hint}"
    return ExerciseError(text)


def _describe(args: Sequence[Any], names: Sequence[str] | None = None) -> str:
    """Short text for the inputs of a failing call (inputs are never the answer)."""
    parts = []
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            text = f"an array of shape {a.shape}"
        else:
            text = repr(a)
        parts.append(f"{names[i]}={text}" if names else text)
    return ", ".join(parts)


def _call(fn: Callable[..., Any], args: Sequence[Any], *, name: str, kwargs: dict[str, Any] | None = None) -> Any:
    """Call the student's function, turning unfinished answers and crashes into feedback."""
    if not callable(fn):
        raise _fail(f"`{name}` should be a function, but it is a {type(fn).__name__}.",
                    "pass the function itself, without calling it: check(my_function), not check(my_function()).")
    safe_args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        out = fn(*safe_args, **(kwargs or {}))
    except NotImplementedError:
        raise _fail(f"`{name}` raises NotImplementedError: {_NOT_WRITTEN}.",
                    "replace the `raise NotImplementedError` line with your code.") from None
    except Exception as exc:
        raise _fail(f"`{name}` crashed with {type(exc).__name__}: {exc}",
                    "run your function by hand on a small input and read the traceback.") from exc
    if out is None:
        raise _fail(f"`{name}` returned None: {_NOT_WRITTEN} (or forgot the `return` statement).")
    return out


def _numeric(value: Any, *, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
        if arr.dtype == object or arr.dtype.kind not in "biufc":
            raise TypeError
    except (TypeError, ValueError):
        raise _fail(f"`{name}` should give numbers, but it gave a {type(value).__name__}.") from None
    return arr


def _close(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def _shape_problem(got_shape: tuple[int, ...], expected_shape: tuple[int, ...]) -> str:
    """Say how a shape is wrong without stating the expected shape."""
    if len(got_shape) != len(expected_shape):
        return f"has shape {got_shape}: the number of dimensions is not right"
    if got_shape == expected_shape[::-1]:
        return f"has shape {got_shape}: it looks transposed (the axes are in the wrong order)"
    if math.prod(got_shape) == math.prod(expected_shape):
        return f"has shape {got_shape}: the right number of values, but arranged in a different shape"
    return f"has shape {got_shape}, which is not the expected shape"


def _compare(
    got: Any,
    expected: np.ndarray,
    *,
    name: str,
    where: str,
    rtol: float,
    atol: float,
    hint: str,
    mistakes: Sequence[tuple[Callable[[np.ndarray], bool], str]] = (),
) -> None:
    """Raise a helpful :class:`ExerciseError` unless ``got`` matches ``expected``.

    ``mistakes`` are ``(test(got) -> bool, explanation)`` pairs for common errors.
    """
    got = _numeric(got, name=name)
    expected = np.asarray(expected)
    if expected.ndim == 0 and got.size == 1:
        got = got.reshape(())  # a 1-element array for a single number is fine
    if got.shape != expected.shape:
        raise _fail(f"For {where}, the result of `{name}` {_shape_problem(got.shape, expected.shape)}.",
                    hint)
    if not np.all(np.isfinite(got)):
        raise _fail(f"For {where}, the result of `{name}` contains NaN or infinite values.",
                    "look for a division by zero or the logarithm of zero.")
    if _close(got, expected, rtol, atol):
        return
    for test, explanation in mistakes:
        with np.errstate(all="ignore"):
            matched = bool(test(got))
        if matched:
            raise _fail(f"For {where}, the result of `{name}` is not right: {explanation}", hint)
    if got.size > 1:
        wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
        what = f"{int(wrong.sum())} of its {got.size} values are wrong"
    else:
        what = f"it returned {got.item()!r}, which is not right"
    raise _fail(f"For {where}, the result of `{name}` is not right: {what}.", hint)


def _scale_of(got: np.ndarray, expected: np.ndarray, rtol: float = 1e-4) -> float | None:
    """The factor ``c`` when ``got ≈ c * expected`` (c ≠ 1), else ``None``."""
    e = expected.astype(complex).ravel()
    g = got.astype(complex).ravel()
    denom = np.vdot(e, e).real
    if denom == 0 or g.shape != e.shape:
        return None
    c = np.vdot(e, g) / denom
    if abs(c.imag) > 1e-6 * abs(c) or abs(c) < 1e-12 or np.isclose(c.real, 1.0, rtol=1e-3):
        return None
    scale = np.sqrt(max(np.vdot(g, g).real, np.vdot(c * e, c * e).real)) + 1e-300
    return float(c.real) if np.linalg.norm(g - c * e) <= rtol * scale else None


# --------------------------------------------------------------------------- generic checks
def check_function(
    student_fn: Callable[..., Any],
    reference_fn: Callable[..., Any],
    inputs: Iterable[Any],
    *,
    name: str,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str = "",
) -> None:
    """Check that a student's function gives the reference function's outputs.

    Taught in notebook 01 (used by all notebooks' exercises).

    Parameters
    ----------
    student_fn : callable
        The student's function.
    reference_fn : callable
        A correct implementation (its outputs are never shown).
    inputs : iterable
        Test inputs: a tuple is unpacked as positional arguments, a dict as keyword
        arguments, anything else is passed as the single argument.
    name : str
        Name shown in the feedback (e.g. ``"my_stft"``).
    rtol, atol : float, optional
        Tolerances of ``numpy.allclose``.
    hint : str, optional
        Extra advice shown when an output is wrong.

    Raises
    ------
    ExerciseError
        The function is missing, unfinished, crashes, or an output differs.
    """
    count = 0
    for item in inputs:
        if isinstance(item, dict):
            args, kwargs = (), dict(item)
            where = "the input " + ", ".join(f"{k}={_describe([v])}" for k, v in kwargs.items())
        else:
            args, kwargs = (item if isinstance(item, tuple) else (item,)), {}
            where = f"the input ({_describe(args)})"
        got = _call(student_fn, args, name=name, kwargs=kwargs)
        expected = np.asarray(reference_fn(*args, **kwargs))
        _compare(got, expected, name=name, where=where, rtol=rtol, atol=atol, hint=hint)
        count += 1
    _ok(f"`{name}` gives the right result on all {count} test inputs.")


def check_value(
    answer: Any, expected: Any, *, name: str, rtol: float = 1e-6, atol: float = 0.0, hint: str = ""
) -> None:
    """Check a numeric, array or text answer without revealing the expected one.

    Taught in notebook 01 (e.g. "how many samples are in 30 s at 22050 Hz?").

    Parameters
    ----------
    answer : Any
        The student's answer (``...`` or ``None`` means "not answered yet").
    expected : Any
        The right answer (number, array, or string compared case-insensitively).
    name : str
        Name of the answer shown in the feedback.
    rtol, atol : float, optional
        Tolerances for numbers.
    hint : str, optional
        Advice shown when the answer is wrong.

    Raises
    ------
    ExerciseError
    """
    if answer is None or answer is Ellipsis:
        raise _fail(f"`{name}` is still empty: {_NOT_WRITTEN}.", hint)
    if isinstance(expected, str):
        if not isinstance(answer, str) or answer.strip().lower() != expected.strip().lower():
            raise _fail(f"`{name}` is not right.", hint)
        _ok(f"`{name}` is right.")
        return
    got = _numeric(answer, name=name)
    exp = np.asarray(expected)
    if got.shape != exp.shape:
        raise _fail(f"`{name}` {_shape_problem(got.shape, exp.shape)}.", hint)
    if _close(got, exp, rtol, atol):
        _ok(f"`{name}` is right.")
        return
    if got.size == 1 and np.isrealobj(got) and np.isrealobj(exp):
        direction = "too large" if got.item() > exp.item() else "too small"
        raise _fail(f"`{name}` = {got.item()!r} is not right: it is {direction}.", hint)
    wrong = int((~np.isclose(got, exp, rtol=rtol, atol=atol)).sum())
    raise _fail(f"`{name}` is not right: {wrong} of its {got.size} values are wrong.", hint)


def check_shape(array: Any, expected_shape: Sequence[int | None], *, name: str, hint: str = "") -> None:
    """Check an array's shape (``None`` in ``expected_shape`` accepts any length).

    Taught in notebook 01 (e.g. the shape of a spectrogram or of a batch of segments).

    Parameters
    ----------
    array : array-like
        The student's array (``None``/``...`` means "not answered yet").
    expected_shape : sequence of int or None
        The right shape.
    name : str
        Name shown in the feedback.
    hint : str, optional
        Advice shown when the shape is wrong.

    Raises
    ------
    ExerciseError
    """
    if array is None or array is Ellipsis:
        raise _fail(f"`{name}` is still empty: {_NOT_WRITTEN}.", hint)
    got = tuple(np.shape(array))
    want = tuple(expected_shape)
    if len(got) == len(want) and all(w is None or g == w for g, w in zip(got, want)):
        _ok(f"`{name}` has the right shape {got}.")
        return
    concrete = tuple(g if w is None else w for g, w in zip(got, want)) if len(got) == len(want) else want
    raise _fail(f"`{name}` {_shape_problem(got, tuple(int(c or 0) for c in concrete))}.", hint)


# --------------------------------------------------------------------------- notebook 01
def check_dft(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check a DFT implementation ``fn(x) -> X`` against ``numpy.fft.fft``.

    Taught in notebook 01. ``X[k] = sum_n x[n] exp(-2j*pi*k*n/N)``, all ``N`` bins,
    no normalisation, tested on random real signals of even and odd lengths.

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(1)
    lengths = (8, 13, 32, 101)
    hint = ("X[k] = Σ_n x[n]·exp(-2j·π·k·n/N) for k = 0 … N-1 (no normalisation); "
            "compare with np.fft.fft on a short signal yourself.")
    for n in lengths:
        x = rng.standard_normal(n)
        expected = np.fft.fft(x)
        got = _call(fn, (x,), name="dft")
        arr = _numeric(got, name="dft")
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
        _compare(got, expected, name="dft", where=f"a random signal of length {n}", rtol=1e-6, atol=1e-8 * n,
                 hint=hint, mistakes=mistakes)
    _ok(f"your DFT matches numpy.fft.fft on {len(lengths)} random signals (lengths {', '.join(map(str, lengths))}).")


def _alias_reference(freq: float, sr: float) -> float:
    folded = math.fmod(abs(freq), sr)
    return min(folded, sr - folded)


def check_alias_frequency(fn: Callable[[float, float], float]) -> None:
    """Check ``fn(freq, sr)``: the frequency (Hz) heard when a sine of ``freq`` Hz is sampled at ``sr`` Hz.

    Taught in notebook 01. Sampling folds frequencies into ``[0, sr/2]``: the
    answer is the distance from ``freq`` to the nearest multiple of ``sr``.

    Raises
    ------
    ExerciseError
    """
    cases = [(440.0, 22050.0), (15000.0, 22050.0), (1000.0, 8000.0), (9000.0, 8000.0), (30000.0, 22050.0),
             (7000.0, 8000.0), (22050.0, 22050.0), (11025.0, 22050.0), (40000.0, 22050.0), (100300.0, 44100.0)]
    hint = ("frequencies repeat every sr Hz and are mirrored about the Nyquist frequency sr/2; "
            "the answer is in [0, sr/2].")
    for freq, sr in cases:
        got = _call(fn, (freq, sr), name="alias_frequency")
        expected = np.asarray(_alias_reference(freq, sr))
        mistakes = [
            (lambda g: g < 0, "a frequency you hear cannot be negative."),
            (lambda g, f=freq, s=sr: f >= s and f % s > s / 2 and np.isclose(g, f % s),
             "you wrapped the frequency into [0, sr) but did not mirror it about sr/2."),
            (lambda g, s=sr: g > s / 2 + 1e-9, "it is above the Nyquist frequency sr/2, so it would alias again."),
        ]
        _compare(got, expected, name="alias_frequency", where=f"freq={freq:g} Hz, sr={sr:g} Hz", rtol=1e-6,
                 atol=1e-6, hint=hint, mistakes=mistakes)
    _ok(f"your alias frequencies are right for all {len(cases)} test cases (below, above and far above Nyquist).")


def _n_frames_reference(n_samples: int, n_fft: int, hop: int, center: bool) -> int:
    import librosa

    y = np.zeros(n_samples, dtype=np.float32)
    return int(librosa.stft(y=y, n_fft=n_fft, hop_length=hop, center=center).shape[-1])


def check_n_frames(fn: Callable[[int, int, int, bool], int]) -> None:
    """Check ``fn(n_samples, n_fft, hop, center)``: the number of STFT frames ``librosa.stft`` gives.

    Taught in notebook 01. With ``center=True`` librosa pads ``n_fft // 2``
    samples on both sides of the signal before cutting frames.

    Raises
    ------
    ExerciseError
    """
    cases = [(22050, 2048, 512, False), (22050, 2048, 512, True), (1000, 256, 64, False), (1000, 256, 64, True),
             (2048, 2048, 512, False), (5000, 1024, 1000, True), (661500, 2048, 512, True), (4097, 1024, 256, False)]
    names = ("n_samples", "n_fft", "hop", "center")
    hint = ("a frame starts every `hop` samples and must fit entirely in the (padded) signal; "
            "count the first frame too, and use integer division //.")
    for args in cases:
        got = _call(fn, args, name="n_frames")
        expected = _n_frames_reference(*args)
        n, n_fft, hop, center = args
        other = _n_frames_reference(n, n_fft, hop, not center) if n >= n_fft else None
        where = _describe(args, names)
        arr = _numeric(got, name="n_frames")
        if arr.ndim == 0 and arr.dtype.kind == "f" and not float(arr).is_integer():
            raise _fail(f"For {where}, `n_frames` returned {arr.item()!r}, which is not a whole number.",
                        "the number of frames is an integer: use // (floor division) instead of /.")
        mistakes = [
            (lambda g, o=other: o is not None and np.isclose(g, o),
             f"this would be right for center={not center}: with center=True librosa first pads n_fft // 2 "
             "zeros on each side, with center=False it does not."),
            (lambda g, e=expected: abs(float(g) - e) == 1, "it is off by one — did you count the first frame?"),
        ]
        _compare(got, np.asarray(expected), name="n_frames", where=where, rtol=0, atol=0, hint=hint,
                 mistakes=mistakes)
    _ok(f"your frame counts agree with librosa.stft on all {len(cases)} test cases (center=True and False).")


# --------------------------------------------------------------------------- notebook 02
def check_hz_to_mel(fn: Callable[[Any], Any]) -> None:
    """Check ``fn(f)``: the HTK mel value ``2595 * log10(1 + f / 700)`` (vs ``librosa.hz_to_mel(htk=True)``).

    Taught in notebook 02. Tested on single numbers and on a NumPy array.

    Raises
    ------
    ExerciseError
    """
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
        got = _call(fn, (float(f),), name="hz_to_mel")
        _compare(got, e, name="hz_to_mel", where=f"f={f:g} Hz", rtol=1e-5, atol=1e-6, hint=hint,
                 mistakes=[(lambda g, e=e: np.isclose(g, e * math.log(10)), mistakes[0][1]),
                           (lambda g, e=e_slaney: np.isclose(g, e), mistakes[1][1])])
    try:
        got = fn(freqs.copy())
    except Exception as exc:
        raise _fail(f"`hz_to_mel` works on single numbers but crashed on a NumPy array ({type(exc).__name__}).",
                    "use NumPy functions (np.log10), not math.log10, so that it works element-wise.") from exc
    _compare(got, expected, name="hz_to_mel", where="an array of 7 frequencies", rtol=1e-5, atol=1e-6, hint=hint,
             mistakes=mistakes)
    _ok("your hz_to_mel matches librosa.hz_to_mel(htk=True) on single numbers and on arrays.")


def check_mfcc_from_logmel(fn: Callable[[np.ndarray, int], np.ndarray]) -> None:
    """Check ``fn(S_db, n_mfcc)``: MFCCs from a log-mel spectrogram (vs ``librosa.feature.mfcc(S=S_db)``).

    Taught in notebook 02: an orthonormal type-II DCT along the mel axis (axis 0),
    keeping the first ``n_mfcc`` coefficients, shape ``(n_mfcc, n_frames)``.

    Raises
    ------
    ExerciseError
    """
    import librosa
    import scipy.fft

    rng = np.random.default_rng(2)
    cases = [((40, 7), 13), ((128, 5), 20), ((32, 32), 32)]
    hint = ("apply an orthonormal type-II DCT (see scipy.fft.dct) along the mel axis (axis 0) and keep the "
            "first n_mfcc rows.")
    for (n_mels, n_frames), n_mfcc in cases:
        S_db = rng.uniform(-80.0, 0.0, size=(n_mels, n_frames))
        expected = librosa.feature.mfcc(S=S_db, n_mfcc=n_mfcc)
        got = _call(fn, (S_db, n_mfcc), name="mfcc_from_logmel")
        full = scipy.fft.dct(S_db, type=2, norm="ortho", axis=0)
        arr = _numeric(got, name="mfcc_from_logmel")
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
        _compare(got, expected, name="mfcc_from_logmel", where=f"S_db of shape {S_db.shape} and n_mfcc={n_mfcc}",
                 rtol=1e-5, atol=1e-4, hint=hint, mistakes=mistakes)
    _ok(f"your MFCCs match librosa.feature.mfcc(S=S_db) on {len(cases)} random log-mel spectrograms.")


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
    import librosa

    rng = np.random.default_rng(3)
    half = DELTA_WIDTH // 2
    hint = ("regression over N = 4 frames on each side (width 9): d[t] = Σ n·(X[t+n] − X[t−n]) / (2·Σ n²), "
            "n = 1 … 4, along the time axis (the last one); return an array of the same shape as X.")
    inputs = [rng.standard_normal((13, 30)), np.tile(np.linspace(0.0, 29.0, 30), (4, 1)) * np.arange(1, 5)[:, None],
              rng.standard_normal((20, 12))]
    for X in inputs:
        expected = librosa.feature.delta(X, width=DELTA_WIDTH, order=1, axis=-1)
        got = _call(fn, (X,), name="deltas")
        arr = _numeric(got, name="deltas")
        where = f"X of shape {X.shape}"
        if arr.shape != X.shape:
            extra = " (np.diff gives one frame less)" if arr.shape == (X.shape[0], X.shape[1] - 1) else ""
            raise _fail(f"For {where}, the result of `deltas` {_shape_problem(arr.shape, X.shape)}{extra}.", hint)
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
        _compare(arr[:, inner], e, name="deltas", where=compared, rtol=1e-5, atol=1e-6, hint=hint, mistakes=mistakes)
    _ok(f"your deltas match librosa.feature.delta(X, width={DELTA_WIDTH}) away from the edges on "
        f"{len(inputs)} test matrices.")


# --------------------------------------------------------------------------- notebook 09
def check_sem_formula(fn: Callable[[np.ndarray, float], float]) -> None:
    """Check ``fn(r_s, sigma2_ref)``: the spectral error measure of equation (2) of seed 003.

    Taught in notebook 09. ``r_s`` is the autocorrelation of the residual (lags 0 … M)
    and ``sigma2_ref`` the noise power of the reference window's AR model.

    Raises
    ------
    ExerciseError
    """
    from . import segmentation as seg

    rng = np.random.default_rng(9)
    cases = [(np.array([2.0, 0.5, -1.0]), 1.0), (np.array([1.0, 0.0, 0.0, 0.0]), 1.0)]
    cases += [(np.concatenate([[rng.uniform(1, 3)], rng.normal(0, 0.3, 12)]), float(rng.uniform(0.5, 2)))
              for _ in range(5)]
    check_function(fn, seg.sem_from_autocorrelation, cases, name="my_sem",
                   hint="equation (2) has two terms: how far the lag-0 ratio is from 1, and the energy of all "
                        "other lags (both normalised by r_s[0]); mind the factor in front of the sum.")


def check_adjacency(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check ``fn(S)``: symmetrised distances (equation 4) turned into an adjacency matrix (equation 5).

    Taught in notebook 09.

    Raises
    ------
    ExerciseError
    """
    from . import segmentation as seg

    rng = np.random.default_rng(9)
    inputs = [rng.uniform(0, 3, (n, n)) for n in (2, 5, 12)]
    for S in inputs:
        expected = seg.adjacency(seg.symmetrize(S))
        got = _numeric(_call(fn, (S,), name="my_adjacency"), name="my_adjacency")
        unsym = np.exp(-S ** 2)
        np.fill_diagonal(unsym, 0.0)
        with_diag = np.exp(-seg.symmetrize(S) ** 2)
        mistakes = [
            (lambda g, u=unsym: _close(g, u, 1e-6, 1e-9), "the matrix is not symmetric: average S with its "
                                                          "transpose before the exponential (equation 4)."),
            (lambda g, d=with_diag: _close(g, d, 1e-6, 1e-9), "the diagonal must be 0 (no self-loops, equation 5)."),
        ]
        _compare(got, expected, name="my_adjacency", where=f"S of shape {S.shape}", rtol=1e-6, atol=1e-9,
                 hint="S_sym = (S + Sᵀ) / 2, then A = exp(−S_sym²) element-wise, then zero the diagonal.",
                 mistakes=mistakes)
    _ok(f"`my_adjacency` is right on {len(inputs)} random distance matrices.")


def check_eigengap_k(fn: Callable[[np.ndarray, int], int]) -> None:
    """Check ``fn(eigenvalues, k_max)``: the number of clusters with the largest eigengap.

    Taught in notebook 09. ``eigenvalues`` are sorted in decreasing order; the answer
    is the ``k`` in ``2 … k_max`` that maximises ``λ_k − λ_(k+1)`` (``λ_1`` is the first).

    Raises
    ------
    ExerciseError
    """
    from . import segmentation as seg

    rng = np.random.default_rng(9)
    cases = [(np.array([1.0, 0.99, 0.98, 0.5, 0.4, 0.3]), 4), (np.array([1.0, 0.9, 0.2, 0.1]), 3)]
    cases += [(np.sort(rng.uniform(-1, 1, 20))[::-1], k) for k in (3, 6, 10)]
    check_function(fn, lambda lam, k_max: seg.eigengap_k(lam, k_min=2, k_max=k_max), cases, name="my_eigengap_k",
                   atol=0.0, rtol=0.0,
                   hint="k counts from 1: λ_k is eigenvalues[k − 1]; look only at k = 2 … k_max, and return k, "
                        "not the position of the gap in your array.")


# --------------------------------------------------------------------------- notebook 03
__all__ += ["check_n_components", "check_majority_vote"]


def check_n_components(fn: Callable[[np.ndarray, float], int]) -> None:
    """Check ``fn(explained_variance_ratio, target)``: the fewest leading PCA components reaching ``target``.

    Taught in notebook 03 (seed 004 kept 15 components, 76 % of the variance).

    Raises
    ------
    ExerciseError
    """
    from .classical import n_components_for_variance

    rng = np.random.default_rng(3)
    cases = [(np.array([0.5, 0.3, 0.1, 0.05, 0.05]), 0.8), (np.array([0.4, 0.3, 0.2, 0.1]), 0.95),
             (np.array([0.9, 0.05, 0.05]), 0.5)]
    for n, target in ((20, 0.76), (57, 0.9), (30, 0.5)):
        r = np.sort(rng.dirichlet(np.full(n, 0.7)))[::-1]
        cases.append((r, target))
    for ratios, target in cases:
        got = _call(fn, (ratios, target), name="n_components", kwargs=None)
        expected = n_components_for_variance(ratios, target)
        where = f"{ratios.size} ratios and target={target}"
        if isinstance(got, (float, np.floating)) and not float(got).is_integer():
            raise _fail(f"For {where}, `n_components` returned {got!r}: a number of components is a whole number.")
        _compare(got, np.asarray(expected), name="n_components", where=where, rtol=0, atol=0,
                 hint="take the cumulative sum (np.cumsum), find the first position where it reaches the target "
                      "(>=), and remember that position 0 means one component.",
                 mistakes=[(lambda g, e=expected: int(g) == e - 1,
                            "it is one too small: an index counts from 0, a number of components from 1."),
                           (lambda g, e=expected: int(g) == e + 1,
                            "it is one too large: stop at the first component where the sum reaches the target "
                            "(>=, not >).")])
    _ok(f"`n_components` is right on {len(cases)} variance profiles.")


def _reference_vote(track_ids: Sequence[Any], predictions: Sequence[Any]) -> dict[Any, Any]:
    from .evaluation import majority_vote

    return majority_vote(track_ids, predictions).to_dict()


def _top_genres(ids: Sequence[Any], preds: Sequence[Any], track: Any) -> set[Any]:
    from collections import Counter

    counts = Counter(p for t, p in zip(ids, preds) if t == track)
    best = max(counts.values())
    return {g for g, c in counts.items() if c == best}


def _is_tied(ids: Sequence[Any], preds: Sequence[Any], track: Any) -> bool:
    return len(_top_genres(ids, preds, track)) > 1


def check_majority_vote(fn: Callable[[Sequence[Any], Sequence[Any]], Any]) -> None:
    """Check ``fn(track_ids, predictions)``: one genre per track by majority vote of its segments.

    Taught in notebook 03. The answer may be a dict or a pandas Series mapping each
    track id to its voted genre; ties go to the genre that comes first alphabetically.

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(3)
    genres = np.array(["blues", "jazz", "metal", "pop", "rock"])
    cases = [
        (["t1", "t1", "t1", "t2", "t2", "t2"], ["rock", "pop", "rock", "jazz", "jazz", "blues"]),
        (["a", "b", "a", "b", "a"], ["metal", "pop", "metal", "pop", "jazz"]),
    ]
    for n_tracks in (5, 12):
        ids = np.repeat([f"track{i:02d}" for i in range(n_tracks)], 5)
        order = rng.permutation(ids.size)
        cases.append((ids[order].tolist(), rng.choice(genres, ids.size, p=[0.4, 0.3, 0.1, 0.1, 0.1])[order].tolist()))
    tie = (["x", "x", "x", "x", "y"], ["rock", "jazz", "jazz", "rock", "pop"])
    for ids, preds in [*cases, tie]:
        got = _call(fn, (list(ids), list(preds)), name="my_majority_vote")
        if hasattr(got, "to_dict"):
            got = got.to_dict()
        if not isinstance(got, dict):
            raise _fail(f"`my_majority_vote` returned a {type(got).__name__}; return a dict (or pandas Series) "
                        "mapping each track id to one genre.")
        expected = _reference_vote(ids, preds)
        where = f"{len(set(ids))} tracks and {len(ids)} segment predictions"
        if set(got) != set(expected):
            raise _fail(f"For {where}, the keys of your result are not the track ids "
                        f"(got {len(got)} keys for {len(expected)} tracks).",
                        "group the predictions by track id: one entry per track.")
        wrong = [t for t in expected if got[t] != expected[t]]
        if wrong and all(_is_tied(ids, preds, t) and got[t] in _top_genres(ids, preds, t) for t in wrong):
            raise _fail("Your votes are right except when two genres get the same number of votes.",
                        "break ties by taking the genre that comes first alphabetically (e.g. sort the tied genres).")
        if wrong:
            raise _fail(f"For {where}, {len(wrong)} track(s) got the wrong genre, e.g. track {wrong[0]!r}.",
                        "count each genre's votes among the segments of one track (collections.Counter or "
                        "np.unique(..., return_counts=True)) and keep the most frequent.")
    _ok(f"`my_majority_vote` is right on {len(cases) + 1} sets of segment predictions, ties included.")


# --------------------------------------------------------------------------- notebooks 06–07 (recurrent networks, CRNN)
def _int_answer(got: Any, *, name: str) -> int:
    if got is None or got is Ellipsis:
        raise _fail(f"`{name}` returned nothing: {_NOT_WRITTEN}.")
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)) and not (
            isinstance(got, (float, np.floating)) and float(got).is_integer()):
        raise _fail(f"`{name}` should return a whole number, got {type(got).__name__} {got!r}.")
    return int(got)


def check_skip_gru_update(fn: Callable[[np.ndarray, np.ndarray, float, int, int], np.ndarray]) -> None:
    """Check ``fn(h_gru, h_skip, alpha, t, k)``: the last line of the skip-GRU update rule.

    Taught in notebook 06 (seed 003's skip-RNN, :class:`mgc_helpers.models.rnn.SkipGRUCell`):
    ``h_t = (1 - alpha) * h_gru + alpha * h_skip`` when ``t > k``, else ``h_gru``.

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(6)
    cases = []
    for t, k, alpha in ((5, 2, 0.5), (3, 3, 0.4), (2, 4, 0.3), (9, 1, 0.25), (6, 5, 0.7)):
        cases.append((np.tanh(rng.normal(size=4)), np.tanh(rng.normal(size=4)), alpha, t, k))
    for h_gru, h_skip, alpha, t, k in cases:
        got = _call(fn, (h_gru.copy(), h_skip.copy(), alpha, t, k), name="my_skip_update")
        if got is None or got is Ellipsis:
            raise _fail(f"`my_skip_update` returned nothing: {_NOT_WRITTEN}.")
        got = _numeric(got, name="my_skip_update")
        mixed = (1 - alpha) * h_gru + alpha * h_skip
        expected = mixed if t > k else h_gru
        if got.shape != expected.shape:
            raise _fail(f"`my_skip_update` {_shape_problem(got.shape, expected.shape)}.")
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if t <= k and np.allclose(got, mixed):
            raise _fail(f"At step t={t} with k={k} you mixed in the skip state.",
                        "there is no state k steps back yet while t <= k: keep the plain GRU state.")
        if t > k and np.allclose(got, h_gru):
            raise _fail(f"At step t={t} with k={k} the skip connection is missing.",
                        "use the skip state once t is larger than k.")
        if np.allclose(got, alpha * h_gru + (1 - alpha) * h_skip):
            raise _fail("The two weights are swapped.", "alpha is the weight of the state k steps back.")
        if np.allclose(got, h_gru + alpha * h_skip) or np.allclose(got, h_gru + h_skip):
            raise _fail("You add the skip state on top of the GRU state.",
                        "the rule is a weighted average (weights 1 - alpha and alpha), so |h| stays <= 1.")
        raise _fail(f"`my_skip_update` is not right at step t={t} with k={k}.",
                    "write the rule from the markdown cell term by term.")
    _ok(f"`my_skip_update` follows the skip-GRU rule in {len(cases)} cases (before and after step k).")


def _rnn_params(kind: str, n_inputs: int, units: int) -> int:
    gates = {"lstm": 4, "gru": 3}[kind]
    return gates * (units * (n_inputs + units) + units)


def check_rnn_params(fn: Callable[[str, int, int], int]) -> None:
    """Check ``fn(kind, n_inputs, units)``: parameters of a Keras LSTM or GRU (``reset_after=False``).

    Taught in notebook 06 (seed 000's LSTM, seed 001's GRUs).

    Raises
    ------
    ExerciseError
    """
    cases = [("lstm", 64, 128), ("lstm", 128, 32), ("gru", 20, 64), ("gru", 32, 16), ("lstm", 1366, 128)]
    for kind, d, u in cases:
        got = _int_answer(_call(fn, (kind, d, u), name="my_rnn_params"), name="my_rnn_params")
        expected = _rnn_params(kind, d, u)
        if got == expected:
            continue
        gates = {"lstm": 4, "gru": 3}[kind]
        where = f"For a {kind.upper()} with {d} inputs and {u} units"
        if got == expected - gates * u:
            raise _fail(f"{where} you forgot the biases.", "every gate has one bias per unit.")
        if got == expected + 3 * u and kind == "gru":
            raise _fail(f"{where} you counted Keras 3's second recurrent bias.",
                        "the seeds used Keras 2's GRU (reset_after=False): one bias per gate.")
        if got == gates * u * d + gates * u or got == gates * (u * d + u):
            raise _fail(f"{where} the recurrent weights are missing.", "each gate also sees the previous state (units x units).")
        if got in (_rnn_params("lstm", d, u), _rnn_params("gru", d, u)) or got == expected // gates:
            raise _fail(f"{where} the number of gates is not right.",
                        "an LSTM has 4 weight blocks (input, forget, cell, output), a GRU 3 (update, reset, candidate).")
        raise _fail(f"{where} the count is not right.",
                    "for one gate, count its input weights, its recurrent weights and its biases; then "
                    "think about how many gates the cell has.")
    _ok(f"`my_rnn_params` counts LSTM and GRU parameters right in {len(cases)} cases.")


def check_conv_params(fn: Callable[[int, int, int, int], int]) -> None:
    """Check ``fn(kernel_h, kernel_w, in_channels, filters)``: parameters of a Conv2D with bias.

    Taught in notebook 07 (reading seed 001's summary: 80, 2,080 and 9,248).

    Raises
    ------
    ExerciseError
    """
    cases = [(2, 2, 1, 16), (2, 2, 16, 32), (3, 3, 32, 32), (3, 3, 32, 64), (4, 4, 3, 8)]
    for kh, kw, c, f in cases:
        got = _int_answer(_call(fn, (kh, kw, c, f), name="my_conv_params"), name="my_conv_params")
        expected = f * (kh * kw * c + 1)
        if got == expected:
            continue
        where = f"For {f} filters of {kh}x{kw} on {c} input channel(s)"
        if got == f * kh * kw * c:
            raise _fail(f"{where} the biases are missing.", "each filter has one bias.")
        if got == f * (kh * kw + 1) or got == f * kh * kw:
            raise _fail(f"{where} the input channels are missing.", "a filter spans every input channel.")
        if got == c * (kh * kw * f + 1):
            raise _fail(f"{where} the biases are counted per input channel.", "one bias per filter (output channel).")
        raise _fail(f"{where} the count is not right.", "filters x (weights of one filter + 1 bias).")
    _ok(f"`my_conv_params` is right for {len(cases)} convolution layers.")


def check_pooled_length(fn: Callable[[int, Sequence[int]], int]) -> None:
    """Check ``fn(n, pools)``: length left after "valid" max pooling by each factor in turn.

    Taught in notebook 07 (seed 001: 1366 frames -> 341 -> 170 -> 85).

    Raises
    ------
    ExerciseError
    """
    cases = [(1366, [4, 2, 2]), (96, [4, 2, 2]), (65, [4, 2, 2]), (129, [2, 4, 2]), (10, [3, 3])]
    for n, pools in cases:
        got = _int_answer(_call(fn, (n, list(pools)), name="my_pooled_length"), name="my_pooled_length")
        expected = n
        for p in pools:
            expected //= p
        if got == expected:
            continue
        ceil = n
        for p in pools:
            ceil = -(-ceil // p)
        if got == ceil:
            raise _fail(f"For {n} frames and pools {pools} you round up.",
                        "'valid' pooling drops the incomplete window at the end: round down after each pooling.")
        raise _fail(f"For {n} frames and pools {pools} the length is not right.",
                    "each pooling keeps one value per complete window of p frames.")
    _ok(f"`my_pooled_length` is right for {len(cases)} inputs.")


# --------------------------------------------------------------------------- notebooks 04–05 (feed-forward networks, CNN)
def _dense_params_reference(sizes: Sequence[int]) -> int:
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))


def check_dense_params(fn: Callable[[Sequence[int]], int]) -> None:
    """Check ``fn(sizes)``: the number of weights and biases of a stack of Dense layers.

    Taught in notebook 04. ``sizes = [n_inputs, hidden_1, ..., n_classes]``; a Dense layer from
    ``a`` to ``b`` units has ``a * b`` weights and ``b`` biases.

    Raises
    ------
    ExerciseError
    """
    cases = [[57, 512, 256, 10], [40, 10], [5180, 256, 128, 10], [3, 4, 5, 6, 7]]
    for sizes in cases:
        got = _int_answer(_call(fn, (list(sizes),), name="dense_params"), name="dense_params")
        expected = _dense_params_reference(sizes)
        where = f"sizes={sizes}"
        if got == expected:
            continue
        if got == sum(a * b for a, b in zip(sizes[:-1], sizes[1:])):
            raise _fail(f"For {where}, the biases are missing.", "every output unit of a Dense layer has one bias.")
        if got == sum((a + 1) * b for a, b in zip(sizes[:-2], sizes[1:-1])):
            raise _fail(f"For {where}, the output layer is missing.", "count every pair of consecutive sizes.")
        raise _fail(f"For {where}, `dense_params` returned {got}, which is not right.",
                    "count the weights and the biases of each layer, one layer per pair of consecutive sizes, "
                    "and add the layers up.")
    _ok(f"`dense_params` is right on {len(cases)} networks.")


def check_l2_penalty(fn: Callable[[Sequence[np.ndarray], float], float]) -> None:
    """Check ``fn(kernels, lam)``: the L2 penalty :math:`\\lambda \\sum_k \\sum w^2` over weight matrices.

    Taught in notebook 04 (``keras.regularizers.L2(lam)`` adds exactly this to the loss).

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(4)
    cases = [([rng.normal(size=(4, 3)), rng.normal(size=(3, 2))], 0.01),
             ([rng.normal(size=(10, 5))], 0.5), ([np.ones((2, 2)), -np.ones((3, 1))], 1e-3)]
    for kernels, lam in cases:
        got = _call(fn, ([k.copy() for k in kernels], lam), name="l2_penalty")
        expected = lam * sum(float(np.sum(np.square(k))) for k in kernels)
        where = f"{len(kernels)} weight matrices and lam={lam}"
        _compare(got, np.asarray(expected), name="l2_penalty", where=where, rtol=1e-6, atol=1e-12,
                 hint="square every weight, add them all up (over every matrix), multiply by lam.",
                 mistakes=[(lambda g, k=kernels, lam=lam: np.isclose(g, lam * np.sqrt(sum(np.sum(np.square(m)) for m in k))),
                            "it looks like the square root was taken (that is the norm, not its square)."),
                           (lambda g, k=kernels, lam=lam: np.isclose(g, lam * sum(np.sum(np.abs(m)) for m in k)),
                            "absolute values give the L1 penalty; L2 squares the weights."),
                           (lambda g, k=kernels: np.isclose(g, sum(np.sum(np.square(m)) for m in k)),
                            "the factor lam is missing.")])
    _ok(f"`l2_penalty` is right on {len(cases)} cases.")


def _conv_length_reference(n: int, kernel: int, stride: int, padding: str) -> int:
    return -(-n // stride) if padding == "same" else (n - kernel) // stride + 1


def check_conv_output_length(fn: Callable[[int, int, int, str], int]) -> None:
    """Check ``fn(n, kernel, stride, padding)``: the output length of a convolution or pooling along one axis.

    Taught in notebook 05. ``"valid"``: :math:`\\lfloor (n - k) / s \\rfloor + 1`;
    ``"same"``: :math:`\\lceil n / s \\rceil` (Keras' conventions).

    Raises
    ------
    ExerciseError
    """
    cases = [(128, 3, 1, "valid"), (126, 2, 2, "valid"), (658, 4, 4, "valid"), (96, 4, 4, "same"),
             (1366, 4, 4, "same"), (3, 2, 2, "valid"), (1, 2, 2, "same"), (65, 3, 1, "same")]
    for n, k, s, pad in cases:
        got = _int_answer(_call(fn, (n, k, s, pad), name="conv_output_length"), name="conv_output_length")
        expected = _conv_length_reference(n, k, s, pad)
        where = f"n={n}, kernel={k}, stride={s}, padding={pad!r}"
        if got == expected:
            continue
        if pad == "same" and got == n // s:
            raise _fail(f"For {where}, the result is one too small.", "'same' padding rounds the division up.")
        if pad == "valid" and got == (n - k) // s:
            raise _fail(f"For {where}, the result is one too small.", "count the first position too: + 1.")
        raise _fail(f"For {where}, `conv_output_length` returned {got}, which is not right.",
                    "'valid': the kernel must fit inside; 'same': only the stride shrinks the axis.")
    _ok(f"`conv_output_length` is right on {len(cases)} cases, both paddings.")


def check_soft_vote(fn: Callable[[np.ndarray, np.ndarray], Any]) -> None:
    """Check ``fn(track_ids, proba)``: each track's class index by mean probability of its segments.

    Taught in notebook 05. Return a dict ``{track_id: class index}`` (or a pandas Series).

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(5)
    ids = np.array(["a", "a", "a", "b", "b"])
    proba = np.array([[0.4, 0.6, 0.0], [0.4, 0.6, 0.0], [0.95, 0.05, 0.0], [0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])
    cases = [(ids, proba)]
    big_ids = np.repeat([f"t{i}" for i in range(8)], 4)
    big = rng.dirichlet(np.ones(4), size=big_ids.size)
    order = rng.permutation(big_ids.size)
    cases.append((big_ids[order], big[order]))
    for tids, p in cases:
        got = _call(fn, (tids.copy(), p.copy()), name="soft_vote")
        if hasattr(got, "to_dict"):
            got = got.to_dict()
        if not isinstance(got, dict):
            raise _fail(f"`soft_vote` returned a {type(got).__name__}; return a dict mapping each track id to a class "
                        "index.")
        expected = {t: int(np.argmax(p[tids == t].mean(axis=0))) for t in np.unique(tids)}
        majority = {t: int(np.bincount(np.argmax(p[tids == t], axis=1), minlength=p.shape[1]).argmax())
                    for t in np.unique(tids)}
        if set(map(str, got)) != set(map(str, expected)):
            raise _fail("The keys of your result are not the track ids.", "one entry per distinct track id.")
        got = {str(k): int(v) for k, v in got.items()}
        wrong = [t for t in expected if got[str(t)] != expected[t]]
        if wrong and all(got[str(t)] == majority[t] for t in expected):
            raise _fail(f"Track {wrong[0]!r} got its majority vote, not its mean-probability vote.",
                        "average the probability rows of a track's segments, then take the arg-max.")
        if wrong:
            raise _fail(f"{len(wrong)} track(s) got the wrong class, e.g. {wrong[0]!r}.",
                        "for each track, average the probability rows of its own segments, then pick the class "
                        "with the largest mean.")
    _ok(f"`soft_vote` is right on {len(cases)} sets of segment probabilities.")


# --------------------------------------------------------------------------- notebook 08 (transfer learning)
def _top_tags_reference(T: np.ndarray, names: Sequence[str], k: int) -> list[str]:
    mean = np.asarray(T, dtype=float).mean(axis=0)
    return [names[i] for i in np.argsort(-mean, kind="stable")[:k]]


def check_top_k_tags(fn: Callable[[np.ndarray, Sequence[str], int], Sequence[str]]) -> None:
    """Check ``fn(T, names, k)``: the ``k`` tag names with the highest mean probability over the patches, best first.

    Taught in notebook 08. ``T`` is a taggram ``(n_patches, n_tags)``.

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(8)
    names = [f"tag{i:02d}" for i in range(12)]
    cases = [(rng.random((n, 12)), k) for n, k in ((1, 3), (5, 5), (9, 1))]
    T = np.zeros((4, 12))
    T[:2, 0] = 1.0  # high in two patches only: mean 0.5
    T[:, 1] = 0.6   # moderately high everywhere: mean 0.6
    cases.append((T, 2))
    for T, k in cases:
        got = _call(fn, (T, list(names), k), name="top_k_tags")
        expected = _top_tags_reference(T, names, k)
        try:
            got = [str(g) for g in got]
        except TypeError:
            raise _fail(f"`top_k_tags` returned a {type(got).__name__}; return a list of tag names.") from None
        if len(got) != k:
            raise _fail(f"For k={k}, `top_k_tags` returned {len(got)} names.", "keep exactly k names.")
        if set(got) == set(expected) and got != expected:
            raise _fail("You found the right tags, but not in the right order.", "sort from the most to the least likely.")
        if got != expected:
            if got == _top_tags_reference(T.max(axis=0, keepdims=True), names, k):
                raise _fail("Your tags follow the maximum over patches.", "average each tag over the patches (axis 0).")
            raise _fail(f"For a taggram of shape {T.shape} and k={k}, the tags are not the most likely ones.",
                        "average over the patches (axis 0), then np.argsort the means in decreasing order.")
    _ok(f"`top_k_tags` ranks the tags of {len(cases)} taggrams correctly.")


def _centroid_reference(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray) -> np.ndarray:
    classes = np.unique(y_train)
    C = np.stack([X_train[y_train == c].mean(axis=0) for c in classes])
    C = C / np.linalg.norm(C, axis=1, keepdims=True)
    Z = X_test / np.linalg.norm(X_test, axis=1, keepdims=True)
    return classes[np.argmax(Z @ C.T, axis=1)]


def check_nearest_centroid(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check ``fn(X_train, y_train, X_test)``: the genre whose mean training embedding is most cosine-similar.

    Taught in notebook 08 (a few-shot classifier on pretrained embeddings).

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(80)
    for n_classes, per_class, dim in ((3, 1, 4), (5, 3, 16), (10, 4, 32)):
        labels = np.array([f"genre{c}" for c in range(n_classes)])
        centres = rng.normal(size=(n_classes, dim)) + 0.5
        y_train = np.repeat(labels, per_class)
        X_train = np.repeat(centres, per_class, axis=0) + rng.normal(scale=0.8, size=(len(y_train), dim))
        X_test = centres[rng.integers(0, n_classes, 25)] * rng.uniform(0.2, 5.0, (25, 1)) + rng.normal(size=(25, dim))
        got = np.asarray(_call(fn, (X_train, y_train, X_test), name="nearest_centroid"))
        expected = _centroid_reference(X_train, y_train, X_test)
        if got.shape != expected.shape:
            raise _fail(f"`nearest_centroid` returned shape {got.shape}, expected one genre per test row {expected.shape}.")
        if not np.array_equal(got.astype(str), expected.astype(str)):
            C = np.stack([X_train[y_train == c].mean(axis=0) for c in labels])
            euclid = labels[np.argmin(((X_test[:, None] - C[None]) ** 2).sum(-1), axis=1)]
            if np.array_equal(got.astype(str), euclid):
                raise _fail("Your predictions use the Euclidean distance.",
                            "normalise the centroids and the test vectors to length 1, then take dot products.")
            raise _fail(f"With {n_classes} genres and {per_class} track(s) each, "
                        f"{int((got.astype(str) != expected.astype(str)).sum())} of 25 predictions are wrong.",
                        "one centroid per genre (mean of its training rows); predict the genre of the largest cosine.")
    _ok("`nearest_centroid` predicts like a cosine nearest-centroid classifier on 3 data sets.")


# --------------------------------------------------------------------------- notebook 10
def _ensemble_reference(probas: Sequence[np.ndarray], classes: Sequence[str]) -> list[str]:
    mean = np.mean([np.asarray(p, dtype=float) for p in probas], axis=0)
    return [str(classes[i]) for i in np.argmax(mean, axis=1)]


def check_ensemble_vote(fn: Callable[[Sequence[np.ndarray], Sequence[str]], Sequence[str]]) -> None:
    """Check ``fn(probas, classes)``: the genre of each clip from the **mean** of several models' probabilities.

    Taught in notebook 10 (a soft-voting ensemble).

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(100)
    classes = ["blues", "jazz", "metal", "pop"]
    cases = []
    # one clip where a majority of arg-maxes and the mean probability disagree
    cases.append([np.array([[0.40, 0.35, 0.15, 0.10]]), np.array([[0.40, 0.35, 0.15, 0.10]]),
                  np.array([[0.02, 0.95, 0.02, 0.01]])])
    # one clip where the single most confident value and the mean disagree
    cases.append([np.array([[0.55, 0.45, 0.0, 0.0]]), np.array([[0.10, 0.50, 0.40, 0.0]]),
                  np.array([[0.20, 0.45, 0.35, 0.0]])])
    for n_models, n_clips in ((2, 6), (3, 12), (5, 20)):
        cases.append([rng.dirichlet(np.ones(4) * 0.7, size=n_clips) for _ in range(n_models)])
    for probas in cases:
        got = _call(fn, ([p.copy() for p in probas], list(classes)), name="ensemble_vote")
        try:
            got = [str(g) for g in got]
        except TypeError:
            raise _fail(f"`ensemble_vote` returned a {type(got).__name__}; return one genre name per clip.") from None
        expected = _ensemble_reference(probas, classes)
        n_clips = len(probas[0])
        if len(got) != n_clips:
            raise _fail(f"With {len(probas)} models and {n_clips} clip(s), `ensemble_vote` returned {len(got)} genres.",
                        "average over the models (one array per model), not over the clips.")
        if not set(got) <= set(classes):
            raise _fail("`ensemble_vote` returned something that is not a genre name, e.g. "
                        f"{next(g for g in got if g not in classes)!r}.", "index `classes` with the arg-max.")
        if got != expected:
            stacked = np.stack(probas)
            if got == [classes[i] for i in np.argmax(stacked.max(axis=0), axis=1)]:
                raise _fail("Your genres follow the single most confident model.",
                            "average the probabilities of all models, then take the arg-max.")
            votes = np.argmax(stacked, axis=2)
            majority = [classes[int(np.bincount(v, minlength=4).argmax())] for v in votes.T]
            if got == majority:
                raise _fail("Your genres are a majority vote of the models' arg-maxes.",
                            "a soft vote averages the probabilities first, so confident models count more.")
            raise _fail(f"With {len(probas)} models, {sum(g != e for g, e in zip(got, expected))} of {n_clips} "
                        "clips get the wrong genre.", "np.mean over the list of arrays (axis 0), then np.argmax per row.")
    _ok(f"`ensemble_vote` averages the models' probabilities right in {len(cases)} cases.")


def _fixed_broken_reference(y_true: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    return int(np.sum((a != y_true) & (b == y_true))), int(np.sum((a == y_true) & (b != y_true)))


def check_fixed_and_broken(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[int, int]]) -> None:
    """Check ``fn(y_true, pred_single, pred_ensemble)`` -> ``(fixed, broken)`` clip counts.

    Taught in notebook 10: *fixed* clips are wrong for the single model and right for the
    ensemble, *broken* ones the opposite; the accuracy gain is ``(fixed - broken) / n``.

    Raises
    ------
    ExerciseError
    """
    rng = np.random.default_rng(101)
    genres = np.array(["blues", "jazz", "metal", "pop", "rock"])
    cases = [(np.array(["a", "b", "c", "d"]), np.array(["a", "x", "c", "x"]), np.array(["a", "b", "x", "x"]))]
    for n in (10, 40, 100):
        y = rng.choice(genres, n)
        cases.append((y, np.where(rng.random(n) < 0.7, y, rng.choice(genres, n)),
                      np.where(rng.random(n) < 0.75, y, rng.choice(genres, n))))
    for y, a, b in cases:
        got = _call(fn, (y, a, b), name="fixed_and_broken")
        try:
            fixed, broken = (int(v) for v in got)
        except (TypeError, ValueError):
            raise _fail(f"`fixed_and_broken` returned {got!r}; return two whole numbers (fixed, broken).") from None
        want = _fixed_broken_reference(y, a, b)
        if (fixed, broken) == want:
            continue
        if (fixed, broken) == want[::-1]:
            raise _fail("Your two numbers are swapped.",
                        "fixed: wrong for the single model AND right for the ensemble; broken: the opposite.")
        n_right = (int(np.sum(b == y)), int(np.sum(a == y)))
        if (fixed, broken) == n_right or (fixed, broken) == n_right[::-1]:
            raise _fail("You counted the clips each model gets right, not the clips that changed.",
                        "combine two conditions per clip with &: (pred_single != y_true) & (pred_ensemble == y_true).")
        raise _fail(f"For {len(y)} clips, (fixed, broken) is not right.",
                    "a fixed clip is wrong for the single model and right for the ensemble.")
    _ok(f"`fixed_and_broken` counts the changed clips right in {len(cases)} cases.")
