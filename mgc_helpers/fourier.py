"""The Fourier transform from scratch: the DFT, windows, frames and the STFT.

Taught in notebook 01 (*Audio basics & the Fourier transform*). The code is
written to be read: every function does one step of the road from a sampled
signal to a spectrogram, and the tests check each step against the reference
implementation (``numpy.fft``, ``scipy.signal.get_window``, ``librosa``).

The road, in order::

    sine  ->  dft_naive / dft_matrix / dft  (== numpy.fft.fft)
          ->  get_window  ->  frame  ->  stft  (== librosa.stft)
          ->  amplitude_to_db / power_to_db  ->  spectrogram_db

Helpers for the notebook's experiments: :func:`alias_frequency`,
:func:`peak_frequency`, :func:`bin_frequencies`, :func:`frame_times`,
:func:`n_frames`, :func:`time_frequency_resolution`, :func:`compare_with_fft`,
:func:`windowed_spectrum` and :func:`leakage_demo`.

References
----------
Meinard Müller, *Fundamentals of Music Processing*, chapter 2, and its FMP
notebooks (https://www.audiolabs-erlangen.de/FMP). Julius O. Smith III,
*Mathematics of the Discrete Fourier Transform*
(https://ccrma.stanford.edu/~jos/mdft/).
"""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = [
    "WINDOW_NAMES",
    "alias_frequency",
    "amplitude_to_db",
    "bin_frequencies",
    "compare_with_fft",
    "dft",
    "dft_matrix",
    "dft_naive",
    "frame",
    "frame_times",
    "get_window",
    "idft",
    "leakage_demo",
    "n_frames",
    "peak_frequency",
    "power_to_db",
    "sine",
    "spectrogram_db",
    "stft",
    "time_frequency_resolution",
    "windowed_spectrum",
]

#: Coefficients ``a_j`` of the "generalised cosine" windows
#: ``w[n] = sum_j (-1)^j a_j cos(2 pi j n / M)`` (the same numbers as scipy.signal.windows).
_COSINE_WINDOWS: dict[str, tuple[float, ...]] = {
    "boxcar": (1.0,),
    "hann": (0.5, 0.5),
    "hamming": (0.54, 0.46),
    "blackman": (0.42, 0.50, 0.08),
}

#: Other spellings accepted by :func:`get_window` (as in scipy).
_WINDOW_ALIASES: dict[str, str] = {
    "rectangular": "boxcar",
    "rect": "boxcar",
    "box": "boxcar",
    "ones": "boxcar",
    "hanning": "hann",
    "han": "hann",
    "hamm": "hamming",
    "black": "blackman",
}

#: The window names taught in notebook 01.
WINDOW_NAMES: tuple[str, ...] = tuple(_COSINE_WINDOWS)

#: Padding modes accepted by :func:`stft` when ``center=True`` (a subset of numpy.pad's).
_PAD_MODES = ("constant", "reflect", "symmetric", "edge")

#: How many STFT columns are transformed at once (bounds the memory of :func:`stft`).
_STFT_BLOCK = 2048


# ---------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------
def sine(
    freq: float,
    *,
    sr: int,
    duration: float,
    phase: float = 0.0,
    amplitude: float = 1.0,
) -> np.ndarray:
    """Sample the sinusoid ``amplitude * sin(2 pi freq t + phase)``.

    Taught in notebook 01 (sampling and aliasing).

    Parameters
    ----------
    freq : float
        Frequency of the tone in Hz. It may lie above the Nyquist frequency
        ``sr / 2``: the samples are then those of an alias (see
        :func:`alias_frequency`).
    sr : int
        Sample rate in samples per second.
    duration : float
        Length in seconds; the signal has ``round(duration * sr)`` samples.
    phase : float, optional
        Phase at ``t = 0`` in radians.
    amplitude : float, optional
        Peak amplitude.

    Returns
    -------
    np.ndarray
        The samples ``x[n] = amplitude * sin(2 pi freq n / sr + phase)``, float64.

    Examples
    --------
    >>> x = sine(440.0, sr=22050, duration=1.0)
    >>> x.shape
    (22050,)
    """
    if sr <= 0:
        raise ValueError(f"sr must be positive, got {sr}")
    if duration < 0:
        raise ValueError(f"duration must be >= 0, got {duration}")
    t = np.arange(int(round(duration * sr))) / sr
    return amplitude * np.sin(2 * np.pi * freq * t + phase)


def alias_frequency(freq: npt.ArrayLike, *, sr: float) -> float | np.ndarray:
    """Frequency at which a tone of ``freq`` Hz *appears* after sampling at ``sr``.

    Taught in notebook 01 (aliasing). Sampling cannot tell ``f`` from ``f + k sr``
    (for any integer ``k``) nor from ``-f``, so every frequency folds back into
    the band ``[0, sr / 2]`` that the samples can represent:

    .. math:: f_{\\text{alias}} = \\left| f - sr \\cdot \\operatorname{round}(f / sr) \\right|

    Parameters
    ----------
    freq : float or array_like
        True frequency (or frequencies) of the tone in Hz.
    sr : float
        Sample rate in Hz.

    Returns
    -------
    float or np.ndarray
        The apparent frequency in ``[0, sr / 2]``: a float for a scalar input.

    Examples
    --------
    >>> alias_frequency(15000, sr=22050)   # a 15 kHz tone sampled for GTZAN
    7050.0
    >>> alias_frequency(440, sr=22050)     # below Nyquist: unchanged
    440.0
    """
    if sr <= 0:
        raise ValueError(f"sr must be positive, got {sr}")
    f = np.abs(np.asarray(freq, dtype=float)) % sr  # fold into [0, sr)
    folded = np.where(f > sr / 2, sr - f, f)  # mirror the upper half into [0, sr/2]
    return float(folded) if folded.ndim == 0 else folded


# ---------------------------------------------------------------------------
# The discrete Fourier transform
# ---------------------------------------------------------------------------
def _as_1d(x: npt.ArrayLike, *, name: str = "x") -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def dft_naive(x: npt.ArrayLike) -> np.ndarray:
    """Discrete Fourier transform computed straight from its definition, bin by bin.

    Taught in notebook 01 (the DFT from scratch). For each frequency bin ``k``
    we correlate the signal with a complex sinusoid that turns ``k`` times
    around the unit circle during the ``N`` samples:

    .. math:: X[k] = \\sum_{n=0}^{N-1} x[n]\\, e^{-2\\pi i k n / N}, \\qquad k = 0, \\dots, N-1

    ``N`` bins times a sum of ``N`` terms: ``O(N^2)`` operations. This is
    teaching code; use :func:`numpy.fft.fft` (``O(N log N)``) in practice.

    Parameters
    ----------
    x : array_like, shape (N,)
        Real or complex signal.

    Returns
    -------
    np.ndarray, shape (N,), complex
        The spectrum ``X``; equal to ``numpy.fft.fft(x)`` up to rounding.

    See Also
    --------
    dft : the same as one matrix-vector product.
    """
    x = _as_1d(x).astype(complex)
    N = len(x)
    n = np.arange(N)
    X = np.zeros(N, dtype=complex)
    for k in range(N):
        X[k] = np.sum(x * np.exp(-2j * np.pi * k * n / N))
    return X


def dft_matrix(n: int) -> np.ndarray:
    """The ``n x n`` DFT matrix ``F[k, m] = exp(-2 pi i k m / n)``.

    Taught in notebook 01 (the DFT as a matrix). Row ``k`` is the complex
    sinusoid that :func:`dft_naive` correlates with for bin ``k``, so the DFT is
    the matrix-vector product ``X = F @ x``; the inverse is ``x = F.conj() @ X / n``.

    Parameters
    ----------
    n : int
        Size of the transform (number of samples).

    Returns
    -------
    np.ndarray, shape (n, n), complex128
        The (symmetric) DFT matrix.

    Notes
    -----
    The exponent ``k m`` is reduced modulo ``n`` first: ``exp`` of a huge angle
    loses precision, and ``e^{-2 pi i k m / n}`` only depends on ``k m mod n``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    k = np.arange(n)
    km = np.outer(k, k) % max(n, 1)
    return np.exp(-2j * np.pi * km / max(n, 1))


def dft(x: npt.ArrayLike) -> np.ndarray:
    """Discrete Fourier transform as a matrix-vector product ``dft_matrix(N) @ x``.

    Taught in notebook 01 (the DFT as a matrix). Still ``O(N^2)``, but the loops
    run inside numpy's compiled code, so it is much faster than :func:`dft_naive`.

    Parameters
    ----------
    x : array_like, shape (N,)
        Real or complex signal.

    Returns
    -------
    np.ndarray, shape (N,), complex
        The spectrum; equal to ``numpy.fft.fft(x)`` up to rounding.
    """
    x = _as_1d(x)
    return dft_matrix(len(x)) @ x


def idft(X: npt.ArrayLike) -> np.ndarray:
    """Inverse DFT: ``x[n] = (1/N) sum_k X[k] exp(+2 pi i k n / N)``.

    Taught in notebook 01 (the DFT is invertible: no information is lost).

    Parameters
    ----------
    X : array_like, shape (N,)
        A spectrum, e.g. the output of :func:`dft`.

    Returns
    -------
    np.ndarray, shape (N,), complex
        The signal; equal to ``numpy.fft.ifft(X)`` up to rounding. Take
        ``.real`` when the original signal was real.
    """
    X = _as_1d(X, name="X")
    N = len(X)
    return dft_matrix(N).conj() @ X / max(N, 1)


def _best_time(fn: Callable[[], object], repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return float(best)


def compare_with_fft(x: npt.ArrayLike, *, repeats: int = 3) -> dict[str, float]:
    """Compare :func:`dft_naive` and :func:`dft` with ``numpy.fft.fft``: same numbers, not the same speed.

    Taught in notebook 01 (DFT vs FFT). The fast Fourier transform computes
    exactly the same ``X[k]`` in ``O(N log N)`` instead of ``O(N^2)`` operations.

    Parameters
    ----------
    x : array_like, shape (N,)
        Signal to transform.
    repeats : int, optional
        Each method is timed ``repeats`` times; the best time is reported.

    Returns
    -------
    dict
        ``n``: the length ``N``;
        ``max_abs_error_naive`` / ``max_abs_error_matrix``: ``max |X - fft(x)|``
        of each from-scratch method; ``max_abs_error``: the larger of the two;
        ``seconds_naive`` / ``seconds_matrix`` / ``seconds_fft``: best wall time
        of each method in seconds (the matrix time includes building the matrix);
        ``speedup``: ``seconds_naive / seconds_fft``.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    x = _as_1d(x)
    reference = np.fft.fft(x)
    err_naive = float(np.max(np.abs(dft_naive(x) - reference), initial=0.0))
    err_matrix = float(np.max(np.abs(dft(x) - reference), initial=0.0))
    t_naive = _best_time(lambda: dft_naive(x), repeats)
    t_matrix = _best_time(lambda: dft(x), repeats)
    t_fft = _best_time(lambda: np.fft.fft(x), repeats)
    return {
        "n": len(x),
        "max_abs_error": max(err_naive, err_matrix),
        "max_abs_error_naive": err_naive,
        "max_abs_error_matrix": err_matrix,
        "seconds_naive": t_naive,
        "seconds_matrix": t_matrix,
        "seconds_fft": t_fft,
        "speedup": t_naive / max(t_fft, 1e-9),
    }


# ---------------------------------------------------------------------------
# Windows and spectral leakage
# ---------------------------------------------------------------------------
def get_window(name: str, n: int, *, periodic: bool = True) -> np.ndarray:
    """A tapering window of ``n`` samples: hann, hamming, blackman or boxcar.

    Taught in notebook 01 (windows and spectral leakage). All four are
    "generalised cosine" windows

    .. math:: w[m] = \\sum_j (-1)^j a_j \\cos\\left(\\frac{2\\pi j m}{M}\\right), \\qquad m = 0, \\dots, n-1

    with ``a = (1)`` (boxcar, i.e. rectangular: no taper), ``(0.5, 0.5)`` (hann),
    ``(0.54, 0.46)`` (hamming) and ``(0.42, 0.5, 0.08)`` (blackman).

    Parameters
    ----------
    name : str
        ``"hann"``, ``"hamming"``, ``"blackman"`` or ``"boxcar"`` (also spelled
        ``"rectangular"``, ``"rect"``, ``"ones"``; ``"hanning"`` for hann).
    n : int
        Number of samples.
    periodic : bool, optional
        ``True`` (default, for spectral analysis): ``M = n``, one period of a
        window of length ``n + 1`` without its last sample — what
        ``scipy.signal.get_window(name, n, fftbins=True)`` and ``librosa`` use.
        ``False``: the symmetric window (``M = n - 1``), used in filter design.

    Returns
    -------
    np.ndarray, shape (n,), float64

    Raises
    ------
    ValueError
        For an unknown window name or a negative ``n``.
    """
    key = str(name).lower()
    key = _WINDOW_ALIASES.get(key, key)
    if key not in _COSINE_WINDOWS:
        known = ", ".join(sorted(set(_COSINE_WINDOWS) | set(_WINDOW_ALIASES)))
        raise ValueError(f"unknown window {name!r}; choose one of: {known}")
    if n < 0:
        raise ValueError(f"window length must be >= 0, got {n}")
    if n <= 1:
        return np.ones(n)
    M = n if periodic else n - 1
    m = np.arange(n)
    w = np.zeros(n)
    for j, a in enumerate(_COSINE_WINDOWS[key]):
        w += (-1) ** j * a * np.cos(2 * np.pi * j * m / M)
    return w


def _window_array(window: str | npt.ArrayLike, n: int) -> np.ndarray:
    if isinstance(window, str):
        return get_window(window, n)
    w = np.asarray(window, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"a window array must have shape ({n},), got {w.shape}")
    return w


def bin_frequencies(n_fft: int, *, sr: float) -> np.ndarray:
    """Centre frequency in Hz of each of the ``n_fft // 2 + 1`` bins of a real FFT.

    Taught in notebook 01. Bin ``k`` sits at ``k * sr / n_fft``: the bins are
    ``sr / n_fft`` Hz apart and run from 0 Hz to the Nyquist frequency
    ``sr / 2`` (same as ``librosa.fft_frequencies`` and ``numpy.fft.rfftfreq``).

    Parameters
    ----------
    n_fft : int
        FFT size.
    sr : float
        Sample rate in Hz.

    Returns
    -------
    np.ndarray, shape (n_fft // 2 + 1,)
    """
    if n_fft < 1:
        raise ValueError(f"n_fft must be >= 1, got {n_fft}")
    return np.arange(n_fft // 2 + 1) * sr / n_fft


def windowed_spectrum(
    x: npt.ArrayLike,
    *,
    sr: float,
    window: str | npt.ArrayLike = "boxcar",
    n_fft: int | None = None,
    db: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude spectrum of one windowed snippet: ``|rfft(w * x, n_fft)|``.

    Taught in notebook 01 (spectral leakage). The magnitude is divided by
    ``sum(w)``, so that a sinusoid of amplitude ``A`` whose frequency is exactly
    on a bin peaks at ``A / 2`` whatever the window.

    Parameters
    ----------
    x : array_like, shape (N,)
        The snippet (real).
    sr : float
        Sample rate in Hz.
    window : str or array_like, optional
        Window name (see :func:`get_window`) or an array of ``N`` weights.
        The default ``"boxcar"`` is "no window at all".
    n_fft : int, optional
        FFT size (``>= N``; zero-padding interpolates the spectrum). Defaults to ``N``.
    db : bool, optional
        Return ``20 log10`` of the magnitude relative to its maximum (0 dB = peak).

    Returns
    -------
    freqs : np.ndarray, shape (n_fft // 2 + 1,)
        Bin frequencies in Hz.
    magnitude : np.ndarray, shape (n_fft // 2 + 1,)
        Normalised magnitude (or dB relative to the peak, floored at -120 dB).
    """
    x = _as_1d(x).astype(float)
    n_fft = len(x) if n_fft is None else n_fft
    if n_fft < len(x):
        raise ValueError(f"n_fft ({n_fft}) must be >= the snippet length ({len(x)})")
    w = _window_array(window, len(x))
    magnitude = np.abs(np.fft.rfft(w * x, n=n_fft)) / np.sum(w)
    if db:
        magnitude = amplitude_to_db(magnitude, ref=np.max, amin=1e-6, top_db=120.0)
    return bin_frequencies(n_fft, sr=sr), magnitude


def leakage_demo(
    *,
    sr: float = 8000,
    n: int = 256,
    bin_offset: float = 0.5,
    bin_index: int = 32,
    windows: tuple[str, ...] = ("boxcar", "hann"),
    n_fft: int | None = None,
) -> dict[str, np.ndarray | float]:
    """Spectra of a sine that falls *between* two DFT bins, seen through several windows.

    Taught in notebook 01 (spectral leakage). The tone has frequency
    ``(bin_index + bin_offset) * sr / n``: with ``bin_offset = 0.5`` it sits
    exactly halfway between two bins, the worst case. With the rectangular
    window its energy leaks into every bin (side lobes decay slowly, about
    -6 dB per octave); a Hann window trades a wider main lobe for much lower leakage.

    Parameters
    ----------
    sr : float, optional
        Sample rate in Hz.
    n : int, optional
        Snippet length in samples (bin spacing ``sr / n``).
    bin_offset : float, optional
        Fractional position of the tone between bins (0 = on a bin).
    bin_index : int, optional
        Integer part of the tone's bin position.
    windows : tuple of str, optional
        Window names to compare.
    n_fft : int, optional
        FFT size for the displayed spectra (default ``8 * n``: zero-padding shows
        the continuous shape of the leakage; the DFT bins are every 8th point).

    Returns
    -------
    dict
        ``freq``: the tone's frequency in Hz; ``signal``: the snippet;
        ``freqs``: frequency axis in Hz; ``bin_freqs``: the ``n // 2 + 1`` DFT
        bin frequencies; and, for each window name, its spectrum in dB (0 dB =
        peak) on ``freqs``.
    """
    freq = (bin_index + bin_offset) * sr / n
    x = sine(freq, sr=sr, duration=n / sr)
    n_fft = 8 * n if n_fft is None else n_fft
    result: dict[str, np.ndarray | float] = {
        "freq": float(freq),
        "signal": x,
        "bin_freqs": bin_frequencies(n, sr=sr),
    }
    for name in windows:
        freqs, mag_db = windowed_spectrum(x, sr=sr, window=name, n_fft=n_fft)
        result["freqs"] = freqs
        result[name] = mag_db
    return result


def peak_frequency(
    x: npt.ArrayLike, *, sr: float, window: str | npt.ArrayLike = "hann"
) -> float:
    """Frequency in Hz of the strongest bin of the (windowed) spectrum of ``x``.

    Taught in notebook 01 (finding the alias of a tone). The precision is the
    bin spacing ``sr / len(x)``.

    Parameters
    ----------
    x : array_like, shape (N,)
        Real signal.
    sr : float
        Sample rate in Hz.
    window : str or array_like, optional
        Window applied before the FFT (default ``"hann"``, to limit leakage).

    Returns
    -------
    float
    """
    freqs, magnitude = windowed_spectrum(x, sr=sr, window=window, db=False)
    return float(freqs[np.argmax(magnitude)])


# ---------------------------------------------------------------------------
# Framing and the short-time Fourier transform
# ---------------------------------------------------------------------------
def frame(y: npt.ArrayLike, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Cut a signal into overlapping frames, one frame per column.

    Taught in notebook 01 (framing). Column ``j`` is
    ``y[j * hop_length : j * hop_length + frame_length]``; frames that would run
    past the end are dropped, so there are ``1 + (len(y) - frame_length) // hop_length``
    of them. Same as ``librosa.util.frame(y, frame_length=..., hop_length=...)``.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        One-dimensional signal.
    frame_length : int
        Samples per frame.
    hop_length : int
        Samples between the starts of consecutive frames.

    Returns
    -------
    np.ndarray, shape (frame_length, n_frames)
        A read-only *view* of ``y`` (no copy: overlapping frames share memory).

    Raises
    ------
    ValueError
        If ``y`` is shorter than one frame or the lengths are not positive.
    """
    y = _as_1d(y, name="y")
    if frame_length < 1 or hop_length < 1:
        raise ValueError(
            f"frame_length and hop_length must be >= 1, got {frame_length} and {hop_length}"
        )
    if len(y) < frame_length:
        raise ValueError(
            f"signal too short ({len(y)} samples) for frame_length={frame_length}"
        )
    # All windows of frame_length consecutive samples (a view), keep every hop-th, frames as columns.
    windows = np.lib.stride_tricks.sliding_window_view(y, frame_length)
    return windows[::hop_length].T


def n_frames(n_samples: int, *, n_fft: int, hop_length: int, center: bool = True) -> int:
    """Number of columns of the STFT of a signal of ``n_samples`` samples.

    Taught in notebook 01 (framing). With ``center=True`` the signal is first
    padded with ``n_fft // 2`` samples on each side, so that frame ``j`` is centred
    on sample ``j * hop_length``:

    .. math::

        1 + \\left\\lfloor \\frac{n_{\\text{samples}} + 2 \\lfloor n_{\\text{fft}}/2 \\rfloor
        - n_{\\text{fft}}}{\\text{hop}} \\right\\rfloor

    (which is ``1 + n_samples // hop_length`` for an even ``n_fft``). Without
    centring it is ``1 + (n_samples - n_fft) // hop_length`` (0 if the signal is
    shorter than one frame). Matches ``librosa.stft(...).shape[1]``.

    Parameters
    ----------
    n_samples : int
        Length of the signal.
    n_fft : int
        Frame (FFT) length.
    hop_length : int
        Hop between frames.
    center : bool, optional
        Whether frames are centred (librosa's default).

    Returns
    -------
    int
    """
    if n_samples < 0 or n_fft < 1 or hop_length < 1:
        raise ValueError("need n_samples >= 0, n_fft >= 1 and hop_length >= 1")
    length = n_samples + 2 * (n_fft // 2) if center else n_samples
    if length < n_fft:
        return 0
    return 1 + (length - n_fft) // hop_length


def frame_times(n_frames: int, *, sr: float, hop_length: int) -> np.ndarray:
    """Time in seconds of each STFT column: ``j * hop_length / sr``.

    Taught in notebook 01. With ``center=True`` this is the centre of frame
    ``j`` (same as ``librosa.frames_to_time(range(n_frames), sr=sr, hop_length=hop_length)``).

    Parameters
    ----------
    n_frames : int
        Number of frames.
    sr : float
        Sample rate in Hz.
    hop_length : int
        Hop between frames in samples.

    Returns
    -------
    np.ndarray, shape (n_frames,)
    """
    return np.arange(n_frames) * hop_length / sr


def stft(
    y: npt.ArrayLike,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window: str | npt.ArrayLike = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Short-time Fourier transform: frame, window, FFT — like ``librosa.stft``.

    Taught in notebook 01 (the STFT from frames). The signal is cut into
    overlapping frames (:func:`frame`), each frame is multiplied by a window
    (:func:`get_window`) and transformed with a real FFT:

    .. math:: X[k, j] = \\sum_{m=0}^{n_{\\text{fft}}-1} w[m]\\, y[j H + m]\\, e^{-2\\pi i k m / n_{\\text{fft}}}

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono signal.
    n_fft : int, optional
        Frame length and FFT size: ``n_fft // 2 + 1`` frequency bins.
    hop_length : int, optional
        Hop ``H`` between frames (default ``win_length // 4``).
    win_length : int, optional
        Length of the window (default ``n_fft``). A shorter window is padded with
        zeros on both sides to ``n_fft`` samples (centred), as librosa does.
    window : str or array_like, optional
        Window name (see :func:`get_window`) or ``win_length`` weights.
    center : bool, optional
        Pad ``n_fft // 2`` samples on both sides so that column ``j`` is centred
        on sample ``j * H`` (default). Otherwise frame ``j`` starts at ``j * H``.
    pad_mode : str, optional
        How to pad when centring: ``"constant"`` (zeros, default), ``"reflect"``,
        ``"symmetric"`` or ``"edge"`` (see :func:`numpy.pad`).

    Returns
    -------
    np.ndarray, shape (n_fft // 2 + 1, n_frames), complex
        complex64 for a float32 signal (computed in single precision, about twice
        as fast), complex128 otherwise; equal to ``librosa.stft(y, ...)`` with the
        same parameters up to rounding (librosa multiplies by a float64 window, so
        for float32 signals the two differ by float32 rounding, ~1e-5 relative).
        ``n_frames`` is given by :func:`n_frames`.

    Notes
    -----
    librosa (0.10–0.11) pads the head and the tail of the signal separately to
    save memory. With ``pad_mode="reflect"`` this can give a different *last*
    column in one corner case — ``hop_length >= n_fft / 2`` and ``len(y)`` a
    multiple of ``hop_length`` — where librosa's tail segment is too short to
    be reflected once. Here the whole signal is padded, which is
    the textbook definition; every other column, and every case with the default
    ``pad_mode="constant"``, agrees with librosa.
    """
    y = _as_1d(y, name="y")
    if not np.issubdtype(y.dtype, np.floating):
        y = y.astype(np.float64)
    if not np.all(np.isfinite(y)):
        raise ValueError("the signal contains NaN or infinite values")
    win_length = n_fft if win_length is None else win_length
    hop_length = win_length // 4 if hop_length is None else hop_length
    if n_fft < 1 or hop_length < 1 or not 0 < win_length <= n_fft:
        raise ValueError(
            f"need n_fft >= 1, hop_length >= 1 and 0 < win_length <= n_fft; got "
            f"n_fft={n_fft}, hop_length={hop_length}, win_length={win_length}"
        )

    # 1. The window, zero-padded (centred) to the frame length n_fft.
    w = _window_array(window, win_length)
    left = (n_fft - win_length) // 2
    w = np.pad(w, (left, n_fft - win_length - left))

    # 2. Centring: pad so that frame j is centred on sample j * hop_length.
    if center:
        if pad_mode not in _PAD_MODES:
            raise ValueError(f"pad_mode must be one of {_PAD_MODES}, got {pad_mode!r}")
        y = np.pad(y, n_fft // 2, mode=pad_mode)
    elif len(y) < n_fft:
        raise ValueError(f"n_fft={n_fft} is too large for a signal of {len(y)} samples")

    # 3. Frames as columns; 4. window each column and take its real FFT
    #    (in blocks of columns, to keep memory small on long signals). The work is done
    #    on rows, frame by frame contiguous in memory, with scipy.fft (which keeps float32
    #    as complex64 and is several times faster than numpy.fft here); the result is
    #    the transposed view, so column j is still frame j.
    import scipy.fft

    frames = frame(y, frame_length=n_fft, hop_length=hop_length).T
    dtype = np.complex64 if y.dtype == np.float32 else np.complex128
    w = w.astype(y.dtype, copy=False)
    if frames.shape[0] <= _STFT_BLOCK:  # one block: no extra copy
        return scipy.fft.rfft(frames * w, axis=-1).astype(dtype, copy=False).T
    out = np.empty((frames.shape[0], n_fft // 2 + 1), dtype=dtype)
    for start in range(0, frames.shape[0], _STFT_BLOCK):
        block = frames[start : start + _STFT_BLOCK]
        out[start : start + _STFT_BLOCK] = scipy.fft.rfft(block * w, axis=-1)
    return out.T


# ---------------------------------------------------------------------------
# Decibels
# ---------------------------------------------------------------------------
def _reference(magnitude: np.ndarray, ref: float | Callable[[np.ndarray], float]) -> float:
    return float(ref(magnitude)) if callable(ref) else float(np.abs(ref))


def power_to_db(
    S: npt.ArrayLike,
    *,
    ref: float | Callable[[np.ndarray], float] = 1.0,
    amin: float = 1e-10,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """Convert a power spectrogram (``|X|**2``) to decibels: ``10 log10(S / ref)``.

    Taught in notebook 01 (spectrograms in dB). Same as ``librosa.power_to_db``.
    Our ears perceive loudness roughly logarithmically, and music spans a huge
    dynamic range, so spectrograms are almost always shown (and fed to
    networks) in dB.

    Parameters
    ----------
    S : array_like
        Power values (non-negative). Complex input is replaced by its magnitude.
    ref : float or callable, optional
        The value that maps to 0 dB, or a function of the array such as
        ``np.max`` (then the loudest bin is 0 dB).
    amin : float, optional
        Floor applied to ``S`` and ``ref`` before the logarithm (avoids ``log(0)``).
    top_db : float or None, optional
        If given, values more than ``top_db`` dB below the maximum are raised to
        ``max - top_db``.

    Returns
    -------
    np.ndarray
        ``10 log10(max(amin, S)) - 10 log10(max(amin, ref))``, clipped by ``top_db``.
    """
    if amin <= 0:
        raise ValueError(f"amin must be strictly positive, got {amin}")
    if top_db is not None and top_db < 0:
        raise ValueError(f"top_db must be non-negative, got {top_db}")
    S = np.asarray(S)
    magnitude = np.abs(S) if np.iscomplexobj(S) else S
    ref_value = _reference(magnitude, ref)
    log_spec = 10.0 * np.log10(np.maximum(amin, magnitude))
    log_spec -= 10.0 * np.log10(max(amin, ref_value))  # in place: float32 stays float32, as in librosa
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def amplitude_to_db(
    S: npt.ArrayLike,
    *,
    ref: float | Callable[[np.ndarray], float] = 1.0,
    amin: float = 1e-5,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """Convert an amplitude spectrogram (``|X|``) to decibels: ``20 log10(|S| / ref)``.

    Taught in notebook 01 (spectrograms in dB). Same as
    ``librosa.amplitude_to_db``: it squares the amplitude and calls
    :func:`power_to_db` with ``ref**2`` and ``amin**2``.

    Parameters
    ----------
    S : array_like
        Amplitudes (complex input is replaced by its magnitude).
    ref : float or callable, optional
        Amplitude that maps to 0 dB, or a function such as ``np.max``.
    amin : float, optional
        Floor on amplitudes (``1e-5`` is -100 dB).
    top_db : float or None, optional
        Dynamic range kept below the maximum (see :func:`power_to_db`).

    Returns
    -------
    np.ndarray
    """
    magnitude = np.abs(np.asarray(S))
    ref_value = _reference(magnitude, ref)
    return power_to_db(magnitude**2, ref=ref_value**2, amin=amin**2, top_db=top_db)


def spectrogram_db(
    y: npt.ArrayLike,
    *,
    n_fft: int = 2048,
    hop_length: int = 512,
    window: str | npt.ArrayLike = "hann",
    ref: float | Callable[[np.ndarray], float] = np.max,
    top_db: float | None = 80.0,
) -> np.ndarray:
    """The magnitude spectrogram of ``y`` in dB: ``amplitude_to_db(|stft(y)|, ref=np.max)``.

    Taught in notebook 01 (the spectrogram). With the default ``ref=np.max`` the
    loudest time-frequency bin is 0 dB and everything else is negative, down to
    ``-top_db``. Equal to
    ``librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft=..., hop_length=..., window=...)), ref=np.max)``.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono signal.
    n_fft, hop_length, window
        STFT parameters (see :func:`stft`; centred, zero padding).
    ref, top_db
        See :func:`amplitude_to_db`.

    Returns
    -------
    np.ndarray, shape (n_fft // 2 + 1, n_frames)
    """
    S = np.abs(stft(y, n_fft=n_fft, hop_length=hop_length, window=window))
    return amplitude_to_db(S, ref=ref, top_db=top_db)


def time_frequency_resolution(*, n_fft: int, sr: float, hop_length: int) -> dict[str, float]:
    """What an STFT with these parameters can resolve, in seconds and hertz.

    Taught in notebook 01 (the time–frequency trade-off). A longer window sees
    more periods of each sinusoid, so its bins are narrower (``delta_f = sr / n_fft``)
    but it blurs events over a longer time (``delta_t = n_fft / sr``): their
    product is always 1, you cannot have both. The hop only sets how often we
    look (``hop_seconds``), not how sharply.

    Parameters
    ----------
    n_fft : int
        Window / FFT length in samples.
    sr : float
        Sample rate in Hz.
    hop_length : int
        Hop between frames in samples.

    Returns
    -------
    dict
        ``delta_t``: time resolution, the duration of one frame (``n_fft / sr``, s);
        ``delta_f``: frequency resolution, the spacing of the bins (``sr / n_fft``, Hz);
        ``hop_seconds``: time between consecutive frames (``hop_length / sr``);
        ``frames_per_second``: ``sr / hop_length``; ``n_bins``: ``n_fft // 2 + 1``;
        ``overlap``: fraction of a frame shared with the next (``1 - hop / n_fft``, at least 0).

    Examples
    --------
    >>> r = time_frequency_resolution(n_fft=2048, sr=22050, hop_length=512)
    >>> round(1000 * r["delta_t"], 1), round(r["delta_f"], 2), round(1000 * r["hop_seconds"], 1)
    (92.9, 10.77, 23.2)
    """
    if n_fft < 1 or hop_length < 1 or sr <= 0:
        raise ValueError("need n_fft >= 1, hop_length >= 1 and sr > 0")
    return {
        "delta_t": n_fft / sr,
        "delta_f": sr / n_fft,
        "hop_seconds": hop_length / sr,
        "frames_per_second": sr / hop_length,
        "n_bins": n_fft // 2 + 1,
        "overlap": max(0.0, 1.0 - hop_length / n_fft),
    }
