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
