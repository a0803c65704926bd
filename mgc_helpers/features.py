"""Audio features: the mel scale, log-mel spectrograms, MFCCs, deltas and the GTZAN summary table.

Taught in notebook 02 (*Mel spectrograms & MFCCs*). Like :mod:`mgc_helpers.fourier`,
the code is written to be read: the mel scale, the triangular mel filter bank,
the DCT-II and the delta (regression) filter are written from their formulas, and
the tests check each one against the reference implementation (``librosa``,
``scipy.fft.dct``, ``scipy.signal.savgol_filter``). The road, in order::

    hz_to_mel / mel_to_hz  ->  mel_frequencies  ->  mel_filterbank   (== librosa.filters.mel)
    |STFT|**2  ->  melspectrogram  ->  log_mel   (== librosa.power_to_db(librosa.feature.melspectrogram))
    log_mel  ->  dct_ii  ->  mfcc   (== librosa.feature.mfcc)  ->  deltas  (== librosa.feature.delta)

Descriptors that are *not* re-derived here, because notebook 02 only uses them,
wrap ``librosa.feature``: :func:`chroma` and :func:`spectral_descriptors`.

:func:`summary_features` computes the 57 numbers per clip of GTZAN's public
``features_30_sec.csv`` (:data:`SUMMARY_FEATURE_NAMES`, same order), the table
notebook 03 trains its first classifiers on. It computes the STFT once and reuses
it for every feature whose librosa default would compute the very same STFT.

The per-clip arrays the networks train on (notebooks 03-08) are defined here too:
:func:`logmel_features`, :func:`mfcc_features` and :func:`summary_vector`, the named
kinds of :data:`FEATURE_KINDS` that :func:`mgc_helpers.cache.track_features` caches.

References
----------
S. Davis & P. Mermelstein (1980), *Comparison of parametric representations for
monosyllabic word recognition in continuously spoken sentences*, IEEE TASSP 28(4).
B. Logan (2000), *Mel frequency cepstral coefficients for music modeling*, ISMIR.
G. Tzanetakis & P. Cook (2002), *Musical genre classification of audio signals*,
IEEE TSAP 10(5). M. Slaney (1998), *Auditory Toolbox*, Interval Research TR 1998-010.
"""
from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import config
from .fourier import power_to_db

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FEATURE_KINDS",
    "SPECTRAL_DESCRIPTOR_NAMES",
    "SUMMARY_FEATURE_NAMES",
    "chroma",
    "dct_basis",
    "dct_ii",
    "deltas",
    "fft_frequencies",
    "hz_to_mel",
    "log_mel",
    "logmel_features",
    "mel_filterbank",
    "mel_frequencies",
    "mel_to_hz",
    "melspectrogram",
    "mfcc",
    "mfcc_features",
    "seconds_to_frames",
    "spectral_descriptors",
    "summary_features",
    "summary_features_frame",
    "summary_vector",
    "known_tempo_and_key",
    "tempo_check",
    "per_genre",
]

# ---------------------------------------------------------------------------
# The mel scale
# ---------------------------------------------------------------------------
#: Slaney's mel scale is linear below this frequency (Hz) ...
_SLANEY_BREAK_HZ = 1000.0
#: ... with this many Hz per mel (so 1000 Hz = 15 mel) ...
_SLANEY_HZ_PER_MEL = 200.0 / 3.0
#: ... and logarithmic above it: 27 mels per factor 6.4 in frequency.
_SLANEY_LOGSTEP = math.log(6.4) / 27.0
_SLANEY_BREAK_MEL = _SLANEY_BREAK_HZ / _SLANEY_HZ_PER_MEL


def _scalar_or_array(value: np.ndarray, like: npt.ArrayLike) -> float | np.ndarray:
    return float(value) if np.ndim(like) == 0 else value


def hz_to_mel(frequencies: npt.ArrayLike, *, htk: bool = False) -> float | np.ndarray:
    """Convert frequencies in Hz to mels (Slaney's or HTK's mel scale).

    Taught in notebook 02 (the mel scale). Same as ``librosa.hz_to_mel``.

    HTK (O'Shaughnessy 1987): :math:`m = 2595 \\log_{10}(1 + f / 700)`.

    Slaney (Auditory Toolbox, librosa's default): linear below 1 kHz,
    :math:`m = 3f / 200`, and logarithmic above,
    :math:`m = 15 + 27 \\ln(f / 1000) / \\ln(6.4)`.

    Parameters
    ----------
    frequencies : float or array_like
        Frequencies in Hz.
    htk : bool, optional
        Use the HTK formula instead of Slaney's.

    Returns
    -------
    float or np.ndarray
        Mels: a float for a scalar input, else a float64 array of the same shape.
    """
    f = np.asarray(frequencies, dtype=np.float64)
    if htk:
        mels = 2595.0 * np.log10(1.0 + f / 700.0)
    else:
        linear = f / _SLANEY_HZ_PER_MEL
        log = _SLANEY_BREAK_MEL + np.log(np.maximum(f, _SLANEY_BREAK_HZ) / _SLANEY_BREAK_HZ) / _SLANEY_LOGSTEP
        mels = np.where(f >= _SLANEY_BREAK_HZ, log, linear)
    return _scalar_or_array(mels, frequencies)


def mel_to_hz(mels: npt.ArrayLike, *, htk: bool = False) -> float | np.ndarray:
    """Convert mels back to Hz: the inverse of :func:`hz_to_mel`.

    Taught in notebook 02 (the mel scale). Same as ``librosa.mel_to_hz``.

    HTK: :math:`f = 700 (10^{m / 2595} - 1)`. Slaney: :math:`f = 200 m / 3` below
    15 mel, :math:`f = 1000 \\cdot 6.4^{(m - 15) / 27}` above.

    Parameters
    ----------
    mels : float or array_like
        Values in mels.
    htk : bool, optional
        Use the HTK formula instead of Slaney's.

    Returns
    -------
    float or np.ndarray
        Frequencies in Hz: a float for a scalar input, else a float64 array.
    """
    m = np.asarray(mels, dtype=np.float64)
    if htk:
        hz = 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    else:
        linear = _SLANEY_HZ_PER_MEL * m
        log = _SLANEY_BREAK_HZ * np.exp(_SLANEY_LOGSTEP * (np.maximum(m, _SLANEY_BREAK_MEL) - _SLANEY_BREAK_MEL))
        hz = np.where(m >= _SLANEY_BREAK_MEL, log, linear)
    return _scalar_or_array(hz, mels)


def mel_frequencies(
    n_mels: int = 128, *, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False
) -> np.ndarray:
    """``n_mels`` frequencies (Hz) equally spaced on the mel scale from ``fmin`` to ``fmax``.

    Taught in notebook 02 (the mel filter bank). Same as ``librosa.mel_frequencies``.

    Parameters
    ----------
    n_mels : int, optional
        Number of frequencies.
    fmin, fmax : float, optional
        First and last frequency in Hz.
    htk : bool, optional
        Use the HTK mel scale instead of Slaney's.

    Returns
    -------
    np.ndarray, shape (n_mels,)
        ``mel_to_hz(linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels))``.
    """
    mels = np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n_mels)
    return np.asarray(mel_to_hz(mels, htk=htk))


def fft_frequencies(*, sr: float, n_fft: int) -> np.ndarray:
    """Centre frequency (Hz) of each STFT bin: ``k * sr / n_fft`` for ``k = 0 .. n_fft // 2``.

    Taught in notebook 02 (the mel filter bank). Same as ``librosa.fft_frequencies``.

    Parameters
    ----------
    sr : float
        Sample rate in Hz.
    n_fft : int
        FFT size.

    Returns
    -------
    np.ndarray, shape (1 + n_fft // 2,)
    """
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


def mel_filterbank(
    *,
    sr: float,
    n_fft: int,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | float | None = "slaney",
    dtype: npt.DTypeLike = np.float32,
) -> np.ndarray:
    """Triangular mel filter bank: a matrix that maps STFT bins to mel bands.

    Taught in notebook 02 (the mel filter bank). Same as ``librosa.filters.mel``.

    ``n_mels + 2`` frequencies :math:`f_0 < f_1 < \\dots < f_{M+1}` are spaced
    equally on the mel scale (:func:`mel_frequencies`). Filter :math:`m`
    (``m = 1 .. n_mels``) is a triangle that rises from 0 at :math:`f_{m-1}` to 1 at
    :math:`f_m` and falls back to 0 at :math:`f_{m+1}`:

    .. math:: H_m(f) = \\max\\Bigl(0, \\min\\Bigl(\\frac{f - f_{m-1}}{f_m - f_{m-1}},
              \\frac{f_{m+1} - f}{f_{m+1} - f_m}\\Bigr)\\Bigr)

    With ``norm="slaney"`` each triangle is scaled by :math:`2 / (f_{m+1} - f_{m-1})`
    so that its *area* is 1: wide high-frequency filters do not collect more energy
    just because they are wide.

    Parameters
    ----------
    sr : float
        Sample rate in Hz.
    n_fft : int
        FFT size (the matrix has ``1 + n_fft // 2`` columns).
    n_mels : int, optional
        Number of mel bands (rows).
    fmin, fmax : float, optional
        Lowest and highest frequency in Hz (``fmax`` defaults to ``sr / 2``).
    htk : bool, optional
        Use the HTK mel scale instead of Slaney's.
    norm : {"slaney", None} or float, optional
        ``"slaney"``: unit area; ``None``: peak 1; a number ``p``: each row divided
        by its ``p``-norm (``np.inf``: max norm).
    dtype : dtype, optional
        Output type (librosa's default float32).

    Returns
    -------
    np.ndarray, shape (n_mels, 1 + n_fft // 2)
        Multiply a power spectrogram by it: ``mel = fb @ S``.

    Warns
    -----
    UserWarning
        When some filter falls between two FFT bins and is empty (too many mel
        bands for this ``n_fft``), as librosa does.
    """
    fmax = sr / 2.0 if fmax is None else float(fmax)
    if isinstance(norm, str) and norm != "slaney":
        raise ValueError(f"norm must be 'slaney', None or a number, got {norm!r}")
    freqs = fft_frequencies(sr=sr, n_fft=n_fft)  # (n_bins,)
    edges = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)  # f_0 .. f_{M+1}
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs - lower) / (centre - lower)
    falling = (upper - freqs) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))  # (n_mels, n_bins)
    if norm == "slaney":
        weights *= 2.0 / (upper - lower)
    elif norm is not None:
        weights = _normalize_rows(weights, p=float(norm))
    if not np.all((edges[:-2] == 0) | (weights.max(axis=1) > 0)):
        warnings.warn(
            "Empty filters detected in the mel filter bank: some mel bands fall between "
            "two FFT bins. Use fewer mel bands or a larger n_fft.",
            stacklevel=2,
        )
    return weights.astype(dtype)


def _normalize_rows(weights: np.ndarray, *, p: float) -> np.ndarray:
    """Divide every row by its ``p``-norm (rows of norm ~0 are left alone), as librosa.util.normalize."""
    if p <= 0:
        raise ValueError(f"a numeric norm must be positive, got {p}")
    mag = np.abs(weights)
    length = mag.max(axis=-1) if np.isinf(p) else np.sum(mag**p, axis=-1) ** (1.0 / p)
    length = np.where(length < np.finfo(weights.dtype).tiny, 1.0, length)
    return weights / length[:, None]


# ---------------------------------------------------------------------------
# Mel spectrograms
# ---------------------------------------------------------------------------
def _power_spectrogram(
    y: np.ndarray | None,
    S: np.ndarray | None,
    *,
    n_fft: int,
    hop_length: int,
    win_length: int | None,
    window: Any,
    center: bool,
    pad_mode: str,
    power: float,
) -> tuple[np.ndarray, int]:
    """``|STFT(y)|**power`` (or ``S`` as given) and the FFT size it corresponds to."""
    if S is not None:
        S = np.asarray(S)
        return S, 2 * (S.shape[-2] - 1)
    if y is None:
        raise ValueError("give either the signal y or a spectrogram S")
    import librosa

    D = librosa.stft(
        y=np.asarray(y), n_fft=n_fft, hop_length=hop_length, win_length=win_length,
        window=window, center=center, pad_mode=pad_mode,
    )
    return np.abs(D) ** power, n_fft


def melspectrogram(
    y: npt.ArrayLike | None = None,
    *,
    sr: float,
    S: npt.ArrayLike | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | float | None = "slaney",
) -> np.ndarray:
    """Mel spectrogram: the power spectrogram seen through the mel filter bank.

    Taught in notebook 02 (log-mel spectrograms). Same as
    ``librosa.feature.melspectrogram`` with the same parameters:
    :math:`M = F \\, |X|^{p}` where :math:`F` is :func:`mel_filterbank` and
    :math:`X` the STFT (``librosa.stft``; :func:`mgc_helpers.fourier.stft` gives the
    same numbers more slowly).

    Parameters
    ----------
    y : array_like, optional
        Mono signal (or give ``S``).
    sr : float
        Sample rate in Hz.
    S : array_like, optional, shape (1 + n_fft // 2, n_frames)
        A precomputed ``|STFT|**power`` spectrogram; ``n_fft`` is then inferred
        from its number of rows.
    n_fft, hop_length, win_length, window, center, pad_mode : optional
        STFT parameters (as :func:`mgc_helpers.fourier.stft`).
    power : float, optional
        Exponent of the magnitude: 2 for power (default), 1 for magnitude.
    n_mels, fmin, fmax, htk, norm : optional
        Filter bank parameters (:func:`mel_filterbank`).

    Returns
    -------
    np.ndarray, shape (n_mels, n_frames)
    """
    P, n_fft = _power_spectrogram(
        None if y is None else np.asarray(y), None if S is None else np.asarray(S),
        n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, power=power,
    )
    fb = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    return np.matmul(fb, P)


def log_mel(
    y: npt.ArrayLike | None = None,
    *,
    sr: float,
    S: npt.ArrayLike | None = None,
    ref: float | Any = 1.0,
    amin: float = 1e-10,
    top_db: float | None = 80.0,
    **kwargs: Any,
) -> np.ndarray:
    """Log-mel spectrogram in dB: the input of most genre-classification CNNs.

    Taught in notebook 02 (log-mel spectrograms). Same as
    ``librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, ...))``:

    .. math:: L = 10 \\log_{10}\\frac{\\max(a_{\\min}, M)}{\\max(a_{\\min}, \\text{ref})},
              \\qquad L \\leftarrow \\max(L, \\max L - \\text{top\\_db})

    Parameters
    ----------
    y : array_like, optional
        Mono signal (or give ``S``).
    sr : float
        Sample rate in Hz.
    S : array_like, optional
        A precomputed *linear-frequency* power spectrogram ``|STFT|**2`` (as for
        :func:`melspectrogram`).
    ref, amin, top_db : optional
        As :func:`mgc_helpers.fourier.power_to_db` (``ref=np.max`` puts the loudest
        bin at 0 dB; ``top_db=80`` floors everything 80 dB below the loudest bin).
    **kwargs
        Passed on to :func:`melspectrogram` (``n_fft``, ``hop_length``, ``n_mels``, ...).

    Returns
    -------
    np.ndarray, shape (n_mels, n_frames)
    """
    M = melspectrogram(y, sr=sr, S=S, **kwargs)
    L = power_to_db(M, ref=ref, amin=amin, top_db=top_db)
    return L.astype(M.dtype, copy=False) if M.dtype in (np.float32, np.float64) else L


def seconds_to_frames(seconds: float, *, sr: int = config.SAMPLE_RATE, hop_length: int = 512) -> int:
    """Number of feature frames covering ``seconds`` (e.g. 3 s -> 129 frames at hop 512).

    Used from notebook 03 on (segment lengths of feature tables and network inputs).

    Parameters
    ----------
    seconds : float
        A duration.
    sr : int, keyword-only
        Sample rate in Hz.
    hop_length : int, keyword-only
        Samples between frames.

    Returns
    -------
    int
        ``round(seconds * sr / hop_length)``.
    """
    return int(round(seconds * sr / hop_length))


# ---------------------------------------------------------------------------
# DCT-II and MFCCs
# ---------------------------------------------------------------------------
def dct_basis(n: int, *, n_out: int | None = None, norm: str | None = "ortho") -> np.ndarray:
    """The DCT-II matrix: row ``k`` is the cosine :math:`\\cos(\\pi k (2 n + 1) / 2N)`.

    Taught in notebook 02 (MFCCs): plotting the rows shows the slow-to-fast
    cosines that MFCCs measure the log-mel spectrum against.

    Parameters
    ----------
    n : int
        Length :math:`N` of the transformed axis (number of mel bands for MFCCs).
    n_out : int, optional
        Keep only the first ``n_out`` rows (default all ``n``).
    norm : {"ortho", "backward", "forward", None}, optional
        Scaling, as ``scipy.fft.dct``: ``"ortho"`` makes the matrix orthonormal
        (row 0 times :math:`\\sqrt{1/N}`, others :math:`\\sqrt{2/N}`); ``"backward"``
        or ``None`` multiplies by 2; ``"forward"`` by :math:`1/N`.

    Returns
    -------
    np.ndarray, shape (n_out, n), float64
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    n_out = n if n_out is None else n_out
    if not 1 <= n_out <= n:
        raise ValueError(f"n_out must be between 1 and n={n}, got {n_out}")
    k = np.arange(n_out)[:, None]
    m = np.arange(n)[None, :]
    C = np.cos(np.pi * k * (2 * m + 1) / (2 * n))
    if norm == "ortho":
        scale = np.full((n_out, 1), math.sqrt(2.0 / n))
        scale[0] = math.sqrt(1.0 / n)
        return C * scale
    if norm in (None, "backward"):
        return 2.0 * C
    if norm == "forward":
        return C / n
    raise ValueError(f"norm must be 'ortho', 'backward', 'forward' or None, got {norm!r}")


def dct_ii(
    x: npt.ArrayLike, *, n: int | None = None, axis: int = -2, norm: str | None = "ortho"
) -> np.ndarray:
    """Type-II discrete cosine transform along one axis, written from its formula.

    Taught in notebook 02 (MFCCs). Same as ``scipy.fft.dct(x, type=2, axis=axis,
    norm=norm)`` (then ``[:n]`` along ``axis``):

    .. math:: X_k = s_k \\sum_{m=0}^{N-1} x_m \\cos\\Bigl(\\frac{\\pi k (2m + 1)}{2N}\\Bigr)

    with :math:`s_0 = \\sqrt{1/N}` and :math:`s_k = \\sqrt{2/N}` for ``norm="ortho"``.

    Parameters
    ----------
    x : array_like
        Real input; the default ``axis=-2`` transforms each column of an
        ``(n_mels, n_frames)`` log-mel spectrogram.
    n : int, optional
        Number of coefficients to keep (the first ``n``; default all). Unlike
        ``scipy.fft.dct``'s ``n`` this never pads or truncates the *input*.
    axis : int, optional
        Axis to transform.
    norm : {"ortho", "backward", "forward", None}, optional
        See :func:`dct_basis`.

    Returns
    -------
    np.ndarray
        ``x``'s shape with ``n`` entries along ``axis``; float32 input gives
        float32 output (computed in float64), other input gives float64.
    """
    x = np.asarray(x)
    out_dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float64
    C = dct_basis(x.shape[axis], n_out=n, norm=norm)
    moved = np.moveaxis(x, axis, -2).astype(np.float64, copy=False)  # (..., N, T)
    return np.moveaxis(np.matmul(C, moved), -2, axis).astype(out_dtype, copy=False)


def mfcc(
    y: npt.ArrayLike | None = None,
    *,
    sr: float,
    S: npt.ArrayLike | None = None,
    n_mfcc: int = 20,
    dct_type: int = 2,
    norm: str | None = "ortho",
    lifter: float = 0.0,
    mel_norm: str | float | None = "slaney",
    **kwargs: Any,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients: the DCT-II of the log-mel spectrum, first ``n_mfcc`` kept.

    Taught in notebook 02 (MFCCs step by step). Same as ``librosa.feature.mfcc``
    with the same parameters: :func:`log_mel` (``power_to_db``, ``top_db=80``), then
    :func:`dct_ii` (``norm="ortho"``) along the mel axis, keeping coefficients
    ``0 .. n_mfcc - 1``. Coefficient 0 is the overall loudness of the frame; the
    next ones describe the broad shape of the spectral envelope (timbre).

    Parameters
    ----------
    y : array_like, optional
        Mono signal (or give ``S``).
    sr : float
        Sample rate in Hz.
    S : array_like, optional, shape (n_mels, n_frames)
        A precomputed *log-power mel* spectrogram (as returned by :func:`log_mel`).
    n_mfcc : int, optional
        Number of coefficients kept.
    dct_type : int, optional
        Only 2 (the DCT-II) is implemented.
    norm : str or None, optional
        DCT scaling (see :func:`dct_basis`).
    lifter : float, optional
        If > 0, multiply coefficient ``k`` by :math:`1 + (L/2) \\sin(\\pi (k+1) / L)`
        (cepstral liftering, as librosa).
    mel_norm : optional
        ``norm`` of the mel filter bank (:func:`mel_filterbank`).
    **kwargs
        Passed on to :func:`log_mel` / :func:`melspectrogram` (``n_fft``,
        ``hop_length``, ``n_mels``, ``fmax``, ...).

    Returns
    -------
    np.ndarray, shape (n_mfcc, n_frames)
    """
    if dct_type != 2:
        raise ValueError(f"only the DCT-II (dct_type=2) is implemented, got dct_type={dct_type}")
    if lifter < 0:
        raise ValueError(f"lifter must be a non-negative number, got {lifter}")
    if S is None:
        S = log_mel(y, sr=sr, norm=mel_norm, **kwargs)
    M = dct_ii(S, n=n_mfcc, axis=-2, norm=norm)
    if lifter > 0:
        k = np.arange(1, n_mfcc + 1, dtype=np.float64)
        M = (M * (1.0 + (lifter / 2.0) * np.sin(np.pi * k / lifter))[:, None]).astype(M.dtype)
    return M


# ---------------------------------------------------------------------------
# Deltas
# ---------------------------------------------------------------------------
def deltas(X: npt.ArrayLike, *, order: int = 1, width: int = 9, axis: int = -1) -> np.ndarray:
    """Delta features: the local slope (``order=1``) or curvature (``order=2``) over time.

    Taught in notebook 02 (deltas). Same as ``librosa.feature.delta`` (a
    Savitzky-Golay derivative filter, ``mode="interp"``). Around every frame
    :math:`t` a polynomial of degree ``order`` is fitted by least squares to the
    ``width = 2N + 1`` frames :math:`t-N .. t+N`; the delta is its ``order``-th
    derivative. For ``order=1`` that is the classic regression formula

    .. math:: d_t = \\frac{\\sum_{n=1}^{N} n\\,(c_{t+n} - c_{t-n})}{2 \\sum_{n=1}^{N} n^2}.

    Because the derivative of that polynomial is constant, the first and last
    ``N`` frames simply repeat the value of the first and last full window.

    Parameters
    ----------
    X : array_like
        Features, e.g. MFCCs of shape ``(n_mfcc, n_frames)``.
    order : int, optional
        Derivative order (1: delta, 2: delta-delta).
    width : int, optional
        Odd window length, at least 3 and at most the number of frames.
    axis : int, optional
        Time axis.

    Returns
    -------
    np.ndarray
        Same shape as ``X`` (float32 stays float32).
    """
    X = np.asarray(X)
    if int(order) != order or order < 1:
        raise ValueError(f"order must be a positive integer, got {order}")
    if width < 3 or width % 2 == 0:
        raise ValueError(f"width must be an odd integer >= 3, got {width}")
    if order >= width:
        raise ValueError(f"order must be smaller than width, got order={order}, width={width}")
    if X.shape[axis] < width:
        raise ValueError(f"width={width} is larger than the {X.shape[axis]} frames along axis {axis}")
    half = width // 2
    # Least-squares polynomial fit on positions u = -N..N: coefficients = pinv(V) @ window.
    u = np.arange(-half, half + 1, dtype=np.float64)
    V = np.vander(u, order + 1, increasing=True)  # V[i, j] = u_i ** j
    weights = math.factorial(order) * np.linalg.pinv(V)[order]  # d^order/du^order of the fit
    data = np.moveaxis(X, axis, -1)
    windows = np.lib.stride_tricks.sliding_window_view(data, width, axis=-1)  # (..., T - 2N, width)
    inner = windows @ weights
    out = np.concatenate(
        [np.repeat(inner[..., :1], half, axis=-1), inner, np.repeat(inner[..., -1:], half, axis=-1)], axis=-1
    )
    out_dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    return np.moveaxis(out, -1, axis).astype(out_dtype, copy=False)


# ---------------------------------------------------------------------------
# Chroma and spectral descriptors (wrappers around librosa.feature)
# ---------------------------------------------------------------------------
#: The keys of :func:`spectral_descriptors`, in order.
SPECTRAL_DESCRIPTOR_NAMES: tuple[str, ...] = (
    "rms",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "zero_crossing_rate",
    "spectral_flatness",
    "spectral_contrast",
)

def chroma(
    y: npt.ArrayLike | None = None,
    *,
    sr: float,
    S: npt.ArrayLike | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_chroma: int = 12,
    tuning: float | None = None,
    **kwargs: Any,
) -> np.ndarray:
    """Chromagram: how much energy each of the 12 pitch classes (C, C#, ..., B) holds per frame.

    Taught in notebook 02 (chroma). A thin wrapper around
    ``librosa.feature.chroma_stft``, which (1) estimates the tuning of the recording
    (deviation from A440) from spectral peaks, (2) folds every STFT bin onto its
    pitch class with a chroma filter bank (``librosa.filters.chroma``: Gaussian
    bumps around each semitone, summed over octaves) and (3) scales every frame so
    that its strongest pitch class is 1. We wrap it rather than re-derive it: the
    idea (fold octaves together) matters for the course, the tuning estimation
    does not.

    Parameters
    ----------
    y : array_like, optional
        Mono signal (or give ``S``).
    sr : float
        Sample rate in Hz.
    S : array_like, optional
        A precomputed *power* spectrogram ``|STFT|**2``.
    n_fft, hop_length : int, optional
        STFT parameters (when ``y`` is given).
    n_chroma : int, optional
        Number of pitch classes.
    tuning : float, optional
        Tuning offset in fractions of a chroma bin (estimated when ``None``).
    **kwargs
        Passed on to ``librosa.feature.chroma_stft``.

    Returns
    -------
    np.ndarray, shape (n_chroma, n_frames), values in [0, 1]
    """
    import librosa

    y = None if y is None else np.asarray(y)
    return librosa.feature.chroma_stft(
        y=y, sr=sr, S=None if S is None else np.asarray(S), n_fft=n_fft,
        hop_length=hop_length, n_chroma=n_chroma, tuning=tuning, **kwargs,
    )


def spectral_descriptors(
    y: npt.ArrayLike,
    *,
    sr: float,
    S: npt.ArrayLike | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    roll_percent: float = 0.85,
    names: Iterable[str] | None = None,
) -> dict[str, np.ndarray]:
    """Classic frame-wise descriptors of loudness, brightness and noisiness, in one call.

    Taught in notebook 02 (spectral descriptors). Each entry equals the
    ``librosa.feature`` function of the same name with the same ``n_fft`` /
    ``hop_length`` (frame length for the time-domain ones); the magnitude STFT is
    computed once and shared.

    - ``rms``: root-mean-square energy of each frame (loudness);
    - ``spectral_centroid``: :math:`\\sum_k f_k |X_k| / \\sum_k |X_k|`, the "centre of
      mass" of the spectrum (brightness);
    - ``spectral_bandwidth``: spread of the spectrum around its centroid;
    - ``spectral_rolloff``: frequency below which ``roll_percent`` of the energy lies;
    - ``zero_crossing_rate``: fraction of sign changes (noisiness, percussiveness);
    - ``spectral_flatness``: geometric over arithmetic mean of the power spectrum
      (1 for white noise, near 0 for a pure tone);
    - ``spectral_contrast``: peak-to-valley level difference (dB) in 7 octave bands.

    Parameters
    ----------
    y : array_like
        Mono signal (needed by ``rms`` and ``zero_crossing_rate``).
    sr : float
        Sample rate in Hz.
    S : array_like, optional
        A precomputed *magnitude* spectrogram ``|STFT(y)|`` (``n_fft``, ``hop_length``).
    n_fft, hop_length : int, optional
        Frame length and hop in samples.
    roll_percent : float, optional
        Energy fraction for the roll-off.
    names : iterable of str, optional
        Compute only these descriptors (default: all of :data:`SPECTRAL_DESCRIPTOR_NAMES`).

    Returns
    -------
    dict[str, np.ndarray]
        Arrays of shape ``(n_frames,)``, except ``spectral_contrast`` ``(7, n_frames)``,
        in the order of :data:`SPECTRAL_DESCRIPTOR_NAMES`.
    """
    import librosa

    wanted = SPECTRAL_DESCRIPTOR_NAMES if names is None else tuple(names)
    unknown = sorted(set(wanted) - set(SPECTRAL_DESCRIPTOR_NAMES))
    if unknown:
        raise ValueError(f"unknown descriptor(s) {unknown}; choose from {SPECTRAL_DESCRIPTOR_NAMES}")
    y = np.asarray(y)
    if S is None:
        S = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length))
    S = np.asarray(S)
    feat = librosa.feature
    spec = {"S": S, "n_fft": n_fft, "hop_length": hop_length}
    frames = {"frame_length": n_fft, "hop_length": hop_length}
    out: dict[str, np.ndarray] = {}
    if "rms" in wanted:
        out["rms"] = feat.rms(y=y, **frames)[0]
    centroid = None
    if "spectral_centroid" in wanted or "spectral_bandwidth" in wanted:
        centroid = feat.spectral_centroid(sr=sr, **spec)
        if "spectral_centroid" in wanted:
            out["spectral_centroid"] = centroid[0]
    if "spectral_bandwidth" in wanted:  # reuses the centroid, as librosa would recompute it
        out["spectral_bandwidth"] = feat.spectral_bandwidth(sr=sr, centroid=centroid, **spec)[0]
    if "spectral_rolloff" in wanted:
        out["spectral_rolloff"] = feat.spectral_rolloff(sr=sr, roll_percent=roll_percent, **spec)[0]
    if "zero_crossing_rate" in wanted:
        out["zero_crossing_rate"] = feat.zero_crossing_rate(y=y, **frames)[0]
    if "spectral_flatness" in wanted:
        out["spectral_flatness"] = feat.spectral_flatness(**spec)[0]
    if "spectral_contrast" in wanted:
        out["spectral_contrast"] = feat.spectral_contrast(sr=sr, **spec)
    return out


# ---------------------------------------------------------------------------
# The 57 GTZAN summary features
# ---------------------------------------------------------------------------
_SUMMARY_STATS_BASES = (
    "chroma_stft",
    "rms",
    "spectral_centroid",
    "spectral_bandwidth",
    "rolloff",
    "zero_crossing_rate",
    "harmony",
    "perceptr",
)

#: The 57 feature columns of GTZAN's public ``features_30_sec.csv``, in CSV order.
SUMMARY_FEATURE_NAMES: tuple[str, ...] = (
    *(f"{base}_{stat}" for base in _SUMMARY_STATS_BASES for stat in ("mean", "var")),
    "tempo",
    *(f"mfcc{i}_{stat}" for i in range(1, 21) for stat in ("mean", "var")),
)

#: The frame-wise descriptors the summary needs (see :func:`spectral_descriptors`).
_SUMMARY_DESCRIPTORS = SPECTRAL_DESCRIPTOR_NAMES[:5]
#: Kernel length of librosa's HPSS median filters (``librosa.effects.hpss`` default).
_HPSS_KERNEL = 31


def _median_filter_rows(A: np.ndarray, width: int) -> np.ndarray:
    """Median filter along the last axis of a 2-D array, ``mode="reflect"``, like
    ``scipy.ndimage.median_filter(A, size=(1, width))`` but ~10x faster.

    Each row is padded by its own mirror image and the rows are laid end to end, so
    scipy's fast 1-D rank filter can run over them in one call; no window ever
    straddles two rows, hence the result is exactly scipy's.
    """
    import scipy.ndimage

    half = width // 2
    if A.shape[-1] <= half:  # mirror padding would wrap more than once: let scipy do it
        return scipy.ndimage.median_filter(A, size=(1, width), mode="reflect")
    padded = np.pad(A, ((0, 0), (half, half)), mode="symmetric")  # == scipy's "reflect"
    filtered = scipy.ndimage.median_filter(padded.ravel(), size=width, mode="reflect")
    return filtered.reshape(padded.shape)[:, half : padded.shape[1] - half]


def _hpss_waveforms(D: np.ndarray, *, length: int, dtype: npt.DTypeLike) -> tuple[np.ndarray, np.ndarray]:
    """Harmonic and percussive waveforms from a precomputed default STFT ``D``.

    The same computation as ``librosa.effects.hpss(y)`` (kernel 31, soft masks with
    power 2, margin 1), with faster (but identical) median filters.
    """
    import librosa

    S, phase = librosa.magphase(D=D)
    harm = _median_filter_rows(S, _HPSS_KERNEL)  # smooth along time: sustained (harmonic)
    perc = np.ascontiguousarray(_median_filter_rows(np.ascontiguousarray(S.T), _HPSS_KERNEL).T)  # along frequency
    mask_harm = librosa.util.softmask(X=harm, X_ref=perc, power=2.0, split_zeros=True)
    mask_perc = librosa.util.softmask(X=perc, X_ref=harm, power=2.0, split_zeros=True)
    return tuple(  # type: ignore[return-value]
        librosa.istft(stft_matrix=(S * mask) * phase, dtype=dtype, n_fft=2048, hop_length=512, length=length)
        for mask in (mask_harm, mask_perc)
    )


def summary_features(y: npt.ArrayLike, sr: float) -> dict[str, float]:
    """The 57 GTZAN summary features of a clip: mean and variance of frame-wise features.

    Taught in notebook 02 (the summary table); notebook 03 trains classifiers on it.
    The keys are :data:`SUMMARY_FEATURE_NAMES` in that order, the columns of GTZAN's
    public ``features_30_sec.csv``. Every feature uses librosa's default parameters
    (``n_fft=2048``, ``hop_length=512``) over the whole clip:

    - ``chroma_stft``, ``rms``, ``spectral_centroid``, ``spectral_bandwidth``,
      ``rolloff``, ``zero_crossing_rate``: mean and variance over frames (and, for
      chroma, over the 12 pitch classes);
    - ``harmony`` / ``perceptr``: mean and variance of the harmonic and percussive
      *waveforms* of ``librosa.effects.hpss(y)``;
    - ``tempo``: ``librosa.feature.tempo(y=y, sr=sr)[0]`` in BPM;
    - ``mfcc1`` .. ``mfcc20``: mean and variance of ``librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20)``.

    The result equals computing each feature with its own ``librosa`` call (a test
    checks it), but the STFT is computed once: its power feeds chroma and the mel
    spectrogram, its magnitude the spectral features and HPSS, and the log-mel
    spectrogram feeds both the MFCCs and the onset envelope behind the tempo.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Mono signal (a 30 s GTZAN clip takes about half a second).
    sr : float
        Sample rate in Hz.

    Returns
    -------
    dict[str, float]

    Raises
    ------
    ValueError
        If ``y`` is not a non-empty 1-D array.
    TypeError
        If ``y`` holds integers (raw PCM) rather than floats.
    """
    import librosa

    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"summary_features() expects a non-empty mono signal, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.floating):
        raise TypeError(
            f"summary_features() expects floating-point samples in [-1, 1], got {y.dtype} "
            "(load audio with mgc_helpers.audio.load)"
        )
    D = librosa.stft(y=y)  # librosa's defaults: n_fft=2048, hop_length=512, hann, centred
    mag = np.abs(D)
    power = mag**2  # == np.abs(D) ** 2.0 as librosa computes it
    frames = spectral_descriptors(y, sr=sr, S=mag, names=_SUMMARY_DESCRIPTORS)
    frames["chroma_stft"] = chroma(sr=sr, S=power)
    frames["rolloff"] = frames["spectral_rolloff"]
    frames["harmony"], frames["perceptr"] = _hpss_waveforms(D, length=y.shape[-1], dtype=y.dtype)
    L = log_mel(sr=sr, S=power)  # == librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr))
    onset_env = librosa.onset.onset_strength(S=L, sr=sr)
    tempo = float(librosa.feature.tempo(onset_envelope=onset_env, sr=sr)[0])
    M = mfcc(sr=sr, S=L, n_mfcc=20)

    out: dict[str, float] = {}
    for base in _SUMMARY_STATS_BASES:
        out[f"{base}_mean"] = float(np.mean(frames[base]))
        out[f"{base}_var"] = float(np.var(frames[base]))
    out["tempo"] = tempo
    for i in range(20):
        out[f"mfcc{i + 1}_mean"] = float(np.mean(M[i]))
        out[f"mfcc{i + 1}_var"] = float(np.var(M[i]))
    return out


def summary_features_frame(
    rows: Iterable[Mapping[str, Any]], *, index: str | None = None
) -> pd.DataFrame:
    """A DataFrame from summary-feature dicts: other columns first, then the 57 features in CSV order.

    Taught in notebook 02 (the summary table).

    Parameters
    ----------
    rows : iterable of mappings
        One mapping per clip: the 57 :data:`SUMMARY_FEATURE_NAMES` and optionally
        labels (``track_id``, ``genre``, ...).
    index : str, optional
        Column to use as the index (e.g. ``"track_id"``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    KeyError
        If some row lacks one of the 57 features.
    """
    import pandas as pd

    table = pd.DataFrame(list(rows))
    missing = [name for name in SUMMARY_FEATURE_NAMES if name not in table.columns]
    if missing:
        raise KeyError(f"missing summary feature(s): {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else ""))
    extra = [c for c in table.columns if c not in SUMMARY_FEATURE_NAMES]
    table = table[[*extra, *SUMMARY_FEATURE_NAMES]]
    return table.set_index(index) if index is not None else table


# ---------------------------------------------------------------------------
# Per-clip features for the networks (the named kinds of cache.track_features)
# ---------------------------------------------------------------------------
def _fit(y: np.ndarray, sr: int, seconds: float | None) -> np.ndarray:
    if seconds is None:
        return y
    from .audio import fix_length

    return fix_length(y, sr, seconds=seconds)


def logmel_features(
    y: np.ndarray,
    sr: int,
    *,
    seconds: float | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    top_db: float | None = 80.0,
    dtype: str = "float16",
) -> np.ndarray:
    """Log-mel spectrogram in dB of one clip (:func:`log_mel`), stored compactly.

    Used from notebook 03 on as the ``"logmel"`` kind of :func:`mgc_helpers.cache.track_features`.
    The same numbers as :func:`log_mel` ``(y, sr=sr, ...)`` (and librosa), computed a
    little faster for datasets: the mel filter bank is built once per process, the
    power spectrum skips the square root of ``abs`` and everything stays in float32
    (:func:`mgc_helpers.fourier.stft` on frames in rows with ``scipy.fft``).
    float16 keeps about 0.03 dB of precision for values of tens of dB and halves the
    memory (GTZAN's 1000 clips x 128 bands x 1293 frames: 330 MB).

    Parameters
    ----------
    y, sr
        Mono signal and its sample rate.
    seconds : float or None, keyword-only
        Pad / trim the clip to this length first (report 001: 29.12 s).
    n_fft, hop_length, n_mels, fmin, fmax, top_db : keyword-only
        As :func:`log_mel`.
    dtype : str, keyword-only
        Storage type (``"float16"`` or ``"float32"``).

    Returns
    -------
    numpy.ndarray, shape (n_mels, n_frames)
    """
    from .fourier import stft

    D = stft(np.asarray(_fit(y, sr, seconds), dtype=np.float32), n_fft=n_fft, hop_length=hop_length)
    power = np.square(D.real) + np.square(D.imag)  # |D|**2 without the square root
    M = np.matmul(_worker_filterbank(sr, n_fft, n_mels, fmin, fmax), power)
    return power_to_db(M, ref=1.0, amin=1e-10, top_db=top_db).astype(dtype)


@functools.lru_cache(maxsize=8)
def _worker_filterbank(sr: int, n_fft: int, n_mels: int, fmin: float, fmax: float | None) -> np.ndarray:
    """:func:`mel_filterbank` (read-only), computed once per worker process."""
    fb = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    fb.setflags(write=False)
    return fb


def mfcc_features(
    y: np.ndarray,
    sr: int,
    *,
    seconds: float | None = None,
    n_mfcc: int = 20,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    dtype: str = "float32",
) -> np.ndarray:
    """MFCCs of one clip (:func:`mfcc`).

    Used from notebook 03 on as the ``"mfcc"`` kind of :func:`mgc_helpers.cache.track_features`
    (float32 by default: coefficient 0 reaches hundreds, where float16 is coarse).

    Returns
    -------
    numpy.ndarray, shape (n_mfcc, n_frames)
    """
    M = mfcc(_fit(y, sr, seconds), sr=sr, n_mfcc=n_mfcc, n_fft=n_fft, hop_length=hop_length, n_mels=n_mels)
    return M.astype(dtype)


def summary_vector(y: np.ndarray, sr: int, *, seconds: float | None = None) -> np.ndarray:
    """The 57 summary features of one clip as a float64 vector (order of ``SUMMARY_FEATURE_NAMES``).

    Used from notebook 03 on as the ``"summary"`` kind of :func:`mgc_helpers.cache.track_features`.
    """
    values = summary_features(_fit(y, sr, seconds), sr)
    return np.array([values[k] for k in SUMMARY_FEATURE_NAMES], dtype=np.float64)


# --------------------------------------------------------------------------- ground truth, where a dataset has it
def _known(track: Any, column: str) -> Any:
    value = track.get(column) if hasattr(track, "get") else None
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() in ("", "nan"):
        return None
    return value


def known_tempo_and_key(track: Any) -> str:
    """What a tracks-table row records about its tempo and key, as text; ``""`` when it records neither.

    Taught in notebook 02. The toy dataset's generator knows each song's tempo and key (columns ``tempo`` and
    ``key``); GTZAN's and FMA's tables have no such columns, so a notebook prints this and stays the same
    on every dataset.

    Parameters
    ----------
    track : pandas.Series or mapping
        One row of a tracks table.

    Returns
    -------
    str
        E.g. ``"120 BPM, key A minor (the dataset's ground truth)"``, or ``""``.
    """
    tempo, key = _known(track, "tempo"), _known(track, "key")
    parts = ([f"{float(tempo):g} BPM"] if tempo is not None else []) + ([f"key {key}"] if key is not None else [])
    return f"{', '.join(parts)} (the dataset's ground truth)" if parts else ""


def tempo_check(estimated: Any, tracks: Any, *, tolerance: float = 0.05) -> tuple[Any, str]:
    """Compare estimated tempi with the true ones where the tracks table records them.

    Taught in notebook 02 (the ``tempo`` column of the summary table). Tempo estimators are usually right or
    off by a simple ratio (2, 1/2, 3/2): the ratio column shows which.

    Parameters
    ----------
    estimated : pandas.Series
        Estimated tempo in BPM, indexed by ``track_id``.
    tracks : pandas.DataFrame
        The tracks table (``track_id`` column; a ``tempo`` column only where the dataset knows it, as the toy
        dataset does).
    tolerance : float, optional, keyword-only
        Relative error that counts as right (default 0.05, i.e. 5 %).

    Returns
    -------
    table : pandas.DataFrame
        Index ``track_id``; columns ``estimated`` and, with ground truth, ``true`` and ``ratio``
        (estimated / true), sorted by ratio (else by estimate).
    summary : str
        One sentence computed from the table: the share within ``tolerance`` of the truth, or, without
        ground truth, that only estimates exist and their range.

    Raises
    ------
    ValueError
        ``tolerance`` is not in (0, 1).
    """
    import pandas as pd

    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance!r}")
    est = pd.Series(estimated, dtype=float).rename("estimated")
    truth = None
    if "tempo" in tracks.columns and "track_id" in tracks.columns:
        truth = pd.to_numeric(tracks.set_index("track_id")["tempo"], errors="coerce").reindex(est.index)
    if truth is None or truth.notna().sum() == 0:
        table = est.round(1).to_frame().sort_values("estimated")
        return table, (f"this dataset records no true tempo: {len(est)} estimates only, from {est.min():.0f} to "
                       f"{est.max():.0f} BPM (median {est.median():.0f})")
    table = pd.DataFrame({"true": truth, "estimated": est.round(1)})
    table["ratio"] = (est / truth).round(2)
    table = table.dropna(subset=["ratio"]).sort_values("ratio")
    right = int((np.abs(table["estimated"] / table["true"] - 1) <= tolerance).sum())
    return table, (f"estimate within {tolerance:.0%} of the true tempo for {right} of {len(table)} tracks "
                   f"({right / len(table):.0%})")


def per_genre(tracks: Any, n: int, *, per_artist: int = 1) -> Any:
    """At most ``n`` tracks of every genre, at most ``per_artist`` of them by one artist, in table order.

    Taught in notebook 02 (a summary table over a few tracks per genre, each by a different artist, so that
    one artist's sound does not pass for the genre's) and used in notebook 09. A track whose artist the
    dataset does not record (GTZAN names none) counts as its own artist.

    Parameters
    ----------
    tracks : pandas.DataFrame
        A tracks table (columns ``track_id``, ``genre``; ``artist`` where known).
    n : int
        Tracks per genre (at most).
    per_artist : int, optional, keyword-only
        Tracks per artist (at most; default 1).

    Returns
    -------
    pandas.DataFrame
        The selected rows, with the table's index and columns.

    Raises
    ------
    ValueError
        ``n`` or ``per_artist`` is not a positive whole number.
    """
    for name, value in (("n", n), ("per_artist", per_artist)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    artist = tracks["artist"] if "artist" in tracks.columns else None
    key = tracks["track_id"].astype(str) if artist is None else artist.astype(object).where(
        artist.notna() & (artist.astype(str).str.strip() != ""), "track:" + tracks["track_id"].astype(str))
    chosen = tracks.assign(_who=key.values).groupby(["genre", "_who"], sort=False).head(per_artist)
    return chosen.groupby("genre", sort=False).head(n).drop(columns="_who")


#: Named feature kinds of :func:`mgc_helpers.cache.track_features` (name -> ``func(y, sr, **params)``).
FEATURE_KINDS: dict[str, Callable[..., Any]] = {
    "logmel": logmel_features,
    "mfcc": mfcc_features,
    "summary": summary_vector,
}
