"""Report 003's segmentation algorithm (Section 5): windows -> SEM graph -> spectral clustering -> time.

Taught in notebook 09 (``09_spectral_clustering_segmentation.ipynb``).

Report 003 ("music genre classification with segmentation", Section 5) extracts the most
representative part of a long track without labels in three steps, which this module
implements faithfully and vectorised over windows:

1. **Time domain -> graph** (Algorithms 1 and 2, equations 1-5). Cut the signal into
   ``N_w`` windows (:func:`split_windows`), fit an autoregressive model AR(p) to each
   (equation 1, Yule-Walker via Levinson-Durbin: :func:`ar_fit`), pass every window
   through every other window's inverse filter (:func:`inverse_filter`) and measure how
   far the residual is from white noise: the spectral error measure SEM of equation (2)
   (:func:`sem` for one pair, :func:`sem_matrix` for all ``N_w x N_w`` ordered pairs,
   equation 3). Symmetrise (4, :func:`symmetrize`) and turn distances into an adjacency
   matrix ``exp(-S^2)`` with a zero diagonal (5, :func:`adjacency`).
2. **Graph clustering** (Algorithm 3, equations 6-8, after Ng, Jordan & Weiss 2001):
   ``L = D^-1/2 A D^-1/2`` (:func:`normalized_laplacian`), the ``k`` largest eigenvectors
   with unit-length rows (:func:`spectral_embedding`), k-means (:func:`spectral_clustering`);
   ``k`` from the eigengap (:func:`eigengap_k`) when not given.
3. **Graph -> time** (Algorithm 4): every window's label is copied onto its span of
   samples (:func:`window_bounds`, :func:`labels_to_intervals`); :func:`largest_cluster`
   returns the audio of the largest cluster, on which report 003 trains its classifier.

:func:`segment` runs the whole pipeline and returns a :class:`Segmentation`;
:func:`feature_distance_matrix` offers the classic alternative (MFCC or chroma
self-similarity, Foote 2000 / Müller's FMP). Scoring and report 003's experiment live in
:mod:`mgc_helpers.segmentation.experiment`, the pictures in
:mod:`mgc_helpers.segmentation.plots` (which import this module, never the reverse).

Interpretation: ``N_w`` equal windows that tile the clip (:func:`window_bounds`) are a
different idea from the course's fixed-length segments (:func:`mgc_helpers.audio.segment_starts`):
their length follows from the clip, not the other way round.

Where report 003 is silent or ambiguous, the docstrings say how we read it (look for
"Interpretation").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.fft
import scipy.signal

__all__ = [
    "Segmentation",
    "adjacency",
    "ar_fit",
    "autocorrelation",
    "degree_matrix",
    "eigengap_k",
    "eigengap_report",
    "feature_distance_matrix",
    "inverse_filter",
    "labels_to_intervals",
    "largest_cluster",
    "largest_cluster_mask",
    "normalized_laplacian",
    "segment",
    "sem",
    "sem_from_autocorrelation",
    "sem_matrix",
    "spectral_clustering",
    "spectral_embedding",
    "split_windows",
    "symmetrize",
    "window_bounds",
]

#: Absolute floor added to a window's energy ``r[0]`` so silent windows stay defined.
_TINY = 1e-20

# --------------------------------------------------------------------------- windows (Algorithm 2, step 1)
def window_bounds(n_samples: int, *, n_windows: int) -> np.ndarray:
    """Sample boundaries of ``n_windows`` consecutive spans that cover ``n_samples`` exactly once.

    Taught in notebook 09 (Algorithm 4 of report 003: window ``i`` owns samples
    ``[(i-1) l, i l)`` with ``l = length / N_w``).

    Interpretation: when ``n_samples`` is not a multiple of ``n_windows`` we round the
    boundaries ``i * n_samples / n_windows`` down, so spans differ by at most one sample
    and still tile the clip without gap or overlap.

    Parameters
    ----------
    n_samples : int
        Length of the signal.
    n_windows : int
        Number of windows ``N_w`` (1 <= ``n_windows`` <= ``n_samples``).

    Returns
    -------
    numpy.ndarray
        ``n_windows + 1`` increasing integers from 0 to ``n_samples``.
    """
    if not 1 <= n_windows <= n_samples:
        raise ValueError(f"n_windows must be between 1 and n_samples={n_samples}, got {n_windows}")
    return (np.arange(n_windows + 1, dtype=np.int64) * n_samples) // n_windows


def split_windows(y: npt.ArrayLike, *, n_windows: int) -> np.ndarray:
    """Cut a signal into ``n_windows`` non-overlapping windows of equal length.

    Taught in notebook 09 (Algorithm 2, step 1).

    Window ``i`` starts at ``window_bounds(...)[i]`` and has ``len(y) // n_windows``
    samples, so all windows have the same length (needed to batch them) and at most one
    sample per window is left out at the end of its span.

    Parameters
    ----------
    y : array_like
        Mono signal.
    n_windows : int
        Number of windows ``N_w``.

    Returns
    -------
    numpy.ndarray
        ``(n_windows, len(y) // n_windows)`` float64 array (a copy).
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"expected a mono 1-D signal, got shape {y.shape}")
    starts = window_bounds(len(y), n_windows=n_windows)[:-1]
    length = len(y) // n_windows
    return y[starts[:, None] + np.arange(length)[None, :]]


# --------------------------------------------------------------------------- AR model (equation 1)
def autocorrelation(x: npt.ArrayLike, *, max_lag: int) -> np.ndarray:
    """Biased autocorrelation ``r[k] = (1/M) sum_n x[n] x[n+k]``, ``k = 0..max_lag``, per row.

    Taught in notebook 09. Computed with one FFT per row (zero-padded to at least
    ``M + max_lag`` samples, so there is no circular wrap-around), vectorised over rows.
    The 1/M normalisation (M = number of samples in the row, not ``M - k``) is the one
    of the Yule-Walker "autocorrelation method": it keeps the Toeplitz matrix positive
    definite and the AR filter stable.

    Parameters
    ----------
    x : array_like
        ``(..., M)`` signals (the last axis is time).
    max_lag : int
        Largest lag (>= 0); lags ``>= M`` are 0.

    Returns
    -------
    numpy.ndarray
        ``(..., max_lag + 1)`` float64 array.
    """
    x = np.asarray(x, dtype=np.float64)
    m = x.shape[-1]
    n_fft = scipy.fft.next_fast_len(m + max_lag + 1, real=True)
    spec = scipy.fft.rfft(x, n=n_fft, axis=-1)
    r = scipy.fft.irfft(spec.real**2 + spec.imag**2, n=n_fft, axis=-1)[..., : max_lag + 1] / m
    if max_lag >= m:
        r[..., m:] = 0.0
    return r


def _levinson(r: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Levinson-Durbin recursion on rows of autocorrelations ``(n, >= order+1)``."""
    n = r.shape[0]
    a = np.zeros((n, order + 1))
    a[:, 0] = 1.0
    err = r[:, 0].copy()
    for m in range(1, order + 1):
        acc = r[:, m] + np.einsum("nj,nj->n", a[:, 1:m], r[:, m - 1:0:-1]) if m > 1 else r[:, 1].copy()
        k = -acc / err
        a[:, 1:m] = a[:, 1:m] + k[:, None] * a[:, m - 1:0:-1]
        a[:, m] = k
        err = err * (1.0 - k**2)
    return a, err


def ar_fit(windows: npt.ArrayLike, *, order: int, floor: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Fit an AR(p) model (equation 1) to every window: Yule-Walker via Levinson-Durbin.

    Taught in notebook 09 (Algorithm 1, step 1). Equation (1) of report 003 reads
    ``y[n] = sum_{k=1}^p a_k y[n-k] + u[n]`` with white noise ``u`` of variance
    ``sigma^2``. We return the *inverse (prediction-error) filter*
    ``W^-1(z) = 1 - sum_k a_k z^-k`` as the polynomial ``[1, -a_1, ..., -a_p]``
    (the convention of ``librosa.lpc`` and ``scipy.signal.lfilter``) and the noise
    power ``sigma^2`` (the final prediction error of the recursion).

    Interpretation: report 003 allows Yule-Walker or Burg; we use Yule-Walker on the
    biased autocorrelation (always a stable filter), vectorised over windows (one
    Levinson step per order for all windows at once). ``floor`` adds a relative
    white-noise floor ``r[0] *= 1 + floor`` (plus 1e-20) so that silent or perfectly
    predictable windows stay well defined.

    Parameters
    ----------
    windows : array_like
        ``(n_windows, M)`` or ``(M,)`` signals.
    order : int
        AR order ``p`` (1 <= p < M).
    floor : float, optional
        Relative diagonal loading of the autocorrelation.

    Returns
    -------
    a : numpy.ndarray
        ``(n_windows, p + 1)`` inverse-filter polynomials (``(p + 1,)`` for one window).
    sigma2 : numpy.ndarray
        ``(n_windows,)`` noise powers (a float for one window).
    """
    w = np.asarray(windows, dtype=np.float64)
    single = w.ndim == 1
    w = np.atleast_2d(w)
    if not 1 <= order < w.shape[-1]:
        raise ValueError(f"order must be between 1 and the window length - 1, got {order}")
    r = autocorrelation(w, max_lag=order)
    r[:, 0] = r[:, 0] * (1.0 + floor) + _TINY
    a, err = _levinson(r, order)
    return (a[0], float(err[0])) if single else (a, err)


def inverse_filter(x: npt.ArrayLike, a: npt.ArrayLike, *, full: bool = True) -> np.ndarray:
    """Pass a window through an AR model's inverse filter ``W^-1(z)`` (Algorithm 1, step 2).

    Taught in notebook 09. Uses ``scipy.signal.lfilter(a, [1.0], x)``: the residual
    ``s_res[n] = x[n] - sum_k a_k x[n-k]`` is what the reference model cannot predict.

    Interpretation: with ``full=True`` (default) the window is zero-padded by ``p``
    samples, giving the full convolution of length ``M + p``. This matches the
    Yule-Walker assumption that the signal is zero outside the window, makes the SEM
    of a window against itself start at exactly 0 in its first term, and is what the
    fast :func:`sem_matrix` computes. ``full=False`` keeps the first ``M`` samples only
    (the literal reading); dropping the last ``p`` residual samples biases the SEM of a
    short window against itself upwards (up to ~1 instead of ~0.01 for 800 samples of a
    strongly resonant process).

    Parameters
    ----------
    x : array_like
        ``(M,)`` window or ``(n, M)`` windows.
    a : array_like
        ``(p + 1,)`` inverse-filter polynomial from :func:`ar_fit`.
    full : bool, optional
        Full convolution (``M + p`` samples) or the first ``M`` samples.

    Returns
    -------
    numpy.ndarray
        The residual(s).
    """
    x = np.asarray(x, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    if full:
        pad = [(0, 0)] * (x.ndim - 1) + [(0, len(a) - 1)]
        x = np.pad(x, pad)
    return scipy.signal.lfilter(a, [1.0], x, axis=-1)


def sem_from_autocorrelation(r_s: npt.ArrayLike, sigma2_ref: npt.ArrayLike | float) -> np.ndarray | float:
    """Equation (2): ``(sigma_ref^2 / r_s[0] - 1)^2 + 2 sum_{k>=1} (r_s[k] / r_s[0])^2``.

    Taught in notebook 09 (exercise; Algorithm 1, step 4).

    Parameters
    ----------
    r_s : array_like
        ``(..., n_lags + 1)`` autocorrelation of the residual, lags ``0..n_lags``.
    sigma2_ref : array_like or float
        Noise power of the reference AR model (broadcast against ``r_s[..., 0]``).

    Returns
    -------
    float or numpy.ndarray
        The SEM (one per row of ``r_s``).
    """
    out = _sem_from_residual_acf(np.asarray(r_s, dtype=np.float64), np.asarray(sigma2_ref, dtype=np.float64))
    return float(out) if np.ndim(out) == 0 else out


def _sem_from_residual_acf(r_s: np.ndarray, sigma2_ref: np.ndarray | float) -> np.ndarray:
    """Equation (2) from residual autocorrelations ``r_s[..., 0..max_lag]``."""
    r0 = np.maximum(r_s[..., 0], _TINY)
    first = (sigma2_ref / r0 - 1.0) ** 2
    return first + 2.0 * np.sum((r_s[..., 1:] / r0[..., None]) ** 2, axis=-1)


def sem(
    w_ref: npt.ArrayLike,
    w_slid: npt.ArrayLike,
    *,
    order: int = 12,
    max_lag: int | None = 12,
    full: bool = True,
) -> float:
    """Spectral error measure between a reference and a sliding window (Algorithm 1, equation 2).

    Taught in notebook 09 (step by step on two windows). Literal, one-pair version:

    1. fit AR(p) to ``w_ref`` -> inverse filter ``W_ref^-1(z)`` and ``sigma_ref^2`` (:func:`ar_fit`);
    2. residual ``s_res`` = ``w_slid`` through ``W_ref^-1(z)`` (:func:`inverse_filter`);
    3. its autocorrelation ``r_s[m]`` (:func:`autocorrelation`, normalised by ``M``);
    4. ``SEM = (sigma_ref^2 / r_s[0] - 1)^2 + 2 sum_{k=1}^{M} (r_s[k] / r_s[0])^2``.

    The first term compares the residual's power with the reference's noise power, the
    sum measures how far the residual is from white noise (a white residual has
    ``r_s[k] = 0`` for ``k > 0``). Identical spectra give SEM ~ 0.

    Interpretation: Algorithm 1 calls ``M`` the "window length". Summing the squared
    autocorrelation over *all* lags of an ``M``-sample window is dominated by estimation
    noise: for perfectly white noise ``2 sum_{k>=1} (r[k]/r[0])^2`` is about 1 whatever
    ``M`` (it is the variance of the periodogram). Like Bodenstein & Praetorius (1977),
    report 003's reference [5], we therefore read ``M`` as the number of lags of the
    residual autocorrelation, ``max_lag`` (default 12, a few times the AR order's
    "memory"); ``max_lag=None`` gives the literal all-lags sum (``M - 1`` lags).

    Parameters
    ----------
    w_ref, w_slid : array_like
        Two windows of ``M`` samples each.
    order : int, optional
        AR order ``p``.
    max_lag : int or None, optional
        Number of residual autocorrelation lags in the sum (``None``: all).
    full : bool, optional
        Residual as full convolution (see :func:`inverse_filter`).

    Returns
    -------
    float
        The SEM (>= 0; not symmetric in its two arguments).
    """
    w_slid = np.asarray(w_slid, dtype=np.float64)
    a, sigma2 = ar_fit(w_ref, order=order)
    resid = inverse_filter(w_slid, a, full=full)
    lags = len(w_slid) - 1 if max_lag is None else max_lag
    r_s = autocorrelation(resid, max_lag=lags) * len(resid) / len(w_slid)  # normalise by M
    return float(_sem_from_residual_acf(r_s, sigma2))


def sem_matrix(
    windows: npt.ArrayLike,
    *,
    order: int = 12,
    max_lag: int | None = 12,
    chunk: int = 128,
) -> np.ndarray:
    """The ``N_w x N_w`` SEM distance matrix with both orders of every pair (Algorithm 2, equation 3).

    Taught in notebook 09. ``S[i, j] = SEM(w_ref = w_i, w_slid = w_j)``: row ``i`` uses
    window ``i``'s AR model as the reference. The diagonal is ~0, the matrix is not
    symmetric (see :func:`symmetrize`).

    Vectorised without filtering any signal: the autocorrelation of a filtered signal is
    the filter's autocorrelation convolved with the signal's,
    ``r_res[k] = sum_{m=-p}^{p} rho_ref[m] r_slid[k - m]`` with
    ``rho[m] = sum_j a_j a_{j+m}``. So one FFT autocorrelation per window (lags up to
    ``max_lag + p``) and one ``einsum`` give all ``N_w^2`` residual autocorrelations
    at once. This equals the literal :func:`sem` (``full=True``) to rounding error;
    a 30 s clip in 300 windows takes well under a second.

    Parameters
    ----------
    windows : array_like
        ``(N_w, M)`` windows (:func:`split_windows`).
    order : int, optional
        AR order ``p``.
    max_lag : int or None, optional
        Residual autocorrelation lags in the sum (``None``: all ``M - 1``, slow and noisy).
    chunk : int, optional
        Reference windows processed per ``einsum`` (bounds memory).

    Returns
    -------
    numpy.ndarray
        ``(N_w, N_w)`` float64 matrix ``S``.
    """
    w = np.atleast_2d(np.asarray(windows, dtype=np.float64))
    n, m = w.shape
    lags = m - 1 if max_lag is None else int(max_lag)
    a, sigma2 = ar_fit(w, order=order)
    r_x = autocorrelation(w, max_lag=lags + order)  # raw (no floor): the sliding windows' own data
    # autocorrelation of every inverse filter, rho[i, m] for m = -p..p
    p = order
    rho = np.stack([np.einsum("nj,nj->n", a[:, : p + 1 - s], a[:, s:]) for s in range(p + 1)], axis=1)
    rho_full = np.concatenate([rho[:, :0:-1], rho], axis=1)  # (n, 2p+1), index m + p
    k_idx = np.arange(lags + 1)[:, None] - np.arange(-p, p + 1)[None, :]
    toe = r_x[:, np.abs(k_idx)]  # (n, lags+1, 2p+1): r_slid[j, |k - m|]
    out = np.empty((n, n))
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        r_s = np.einsum("im,jkm->ijk", rho_full[start:stop], toe, optimize=True)
        out[start:stop] = _sem_from_residual_acf(r_s, sigma2[start:stop, None])
    return out


# --------------------------------------------------------------------------- graph (equations 4-7)
def symmetrize(S: npt.ArrayLike) -> np.ndarray:
    """``S_sym = (S + S^T) / 2`` (equation 4): the average SEM of both orders of each pair.

    Taught in notebook 09 (exercise).

    Parameters
    ----------
    S : array_like
        Square matrix.

    Returns
    -------
    numpy.ndarray
        Symmetric matrix.
    """
    S = np.asarray(S, dtype=np.float64)
    if S.ndim != 2 or S.shape[0] != S.shape[1]:
        raise ValueError(f"expected a square matrix, got shape {S.shape}")
    return (S + S.T) / 2.0


def adjacency(S_sym: npt.ArrayLike, *, scale: float | str | None = None) -> np.ndarray:
    """Adjacency ``A[i, j] = exp(-(S_sym[i, j] / scale)^2)`` for ``i != j`` and 0 on the diagonal (equation 5).

    Taught in notebook 09 (exercise). Small distances give weights near 1, large ones
    near 0; the zero diagonal means no vertex is connected to itself.

    Interpretation: report 003 uses ``exp(-S^2)`` (``scale=None`` or 1). Because SEM values
    of music can be much larger than 1, most weights then underflow to 0; the optional
    ``scale`` (a number, or ``"median"``: the median off-diagonal distance, a common
    heuristic in von Luxburg's tutorial) widens the Gaussian kernel.

    Parameters
    ----------
    S_sym : array_like
        Symmetric non-negative distance matrix.
    scale : float, "median" or None, optional
        Kernel width (None: 1, as in the paper).

    Returns
    -------
    numpy.ndarray
        Symmetric adjacency matrix with entries in [0, 1] and a zero diagonal.
    """
    S = np.asarray(S_sym, dtype=np.float64)
    if scale is None:
        s = 1.0
    elif isinstance(scale, str):
        if scale != "median":
            raise ValueError(f"scale must be a number, 'median' or None, got {scale!r}")
        off = S[~np.eye(len(S), dtype=bool)]
        s = float(np.median(off)) if off.size else 1.0
        s = s if s > 0 else 1.0
    else:
        s = float(scale)
        if s <= 0:
            raise ValueError(f"scale must be positive, got {scale}")
    with np.errstate(over="ignore"):
        A = np.exp(-((S / s) ** 2))
    np.fill_diagonal(A, 0.0)
    return A


def degree_matrix(A: npt.ArrayLike) -> np.ndarray:
    """Diagonal degree matrix ``D[i, i] = sum_j A[i, j]`` (equation 7).

    Taught in notebook 09.

    Parameters
    ----------
    A : array_like
        Adjacency matrix.

    Returns
    -------
    numpy.ndarray
        Diagonal matrix of row sums.
    """
    return np.diag(np.asarray(A, dtype=np.float64).sum(axis=1))


def normalized_laplacian(A: npt.ArrayLike) -> np.ndarray:
    """``L = D^-1/2 A D^-1/2`` (equation 6), the normalised "Laplacian" of Ng, Jordan & Weiss.

    Taught in notebook 09. Its eigenvalues lie in [-1, 1]; the largest is exactly 1 for
    a connected graph (eigenvector ``sqrt(D) 1``), and the number of eigenvalues close
    to 1 is the number of well-separated groups. (von Luxburg calls ``I - L`` the
    normalised Laplacian; its *smallest* eigenvectors are the same as ``L``'s largest.)

    Interpretation: a vertex with degree 0 (all its weights underflowed) gets a zero
    row and column instead of a division by zero.

    Parameters
    ----------
    A : array_like
        Symmetric non-negative adjacency matrix.

    Returns
    -------
    numpy.ndarray
        Symmetric matrix ``L``.
    """
    A = np.asarray(A, dtype=np.float64)
    d = A.sum(axis=1)
    inv_sqrt = np.zeros_like(d)
    np.divide(1.0, np.sqrt(d), out=inv_sqrt, where=d > 0)
    L = inv_sqrt[:, None] * A * inv_sqrt[None, :]
    return (L + L.T) / 2.0  # exactly symmetric for eigh


def _eigh_descending(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh(L)
    return vals[::-1], vecs[:, ::-1]


def spectral_embedding(L: npt.ArrayLike, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest eigenvectors of ``L`` with rows normalised to unit length (Algorithm 3, steps 2-3, equation 8).

    Taught in notebook 09. ``U = [u_1 ... u_k]`` (orthonormal, from ``numpy.linalg.eigh``,
    so repeated eigenvalues get orthogonal eigenvectors as the paper asks) and
    ``T[i, j] = U[i, j] / sqrt(sum_j U[i, j]^2)``. All-zero rows (isolated vertices) stay 0.

    Parameters
    ----------
    L : array_like
        Symmetric matrix from :func:`normalized_laplacian`.
    k : int
        Number of eigenvectors.

    Returns
    -------
    T : numpy.ndarray
        ``(N_w, k)`` embedding, one point per window.
    eigenvalues : numpy.ndarray
        All eigenvalues of ``L`` in decreasing order.
    """
    L = np.asarray(L, dtype=np.float64)
    if not 1 <= k <= len(L):
        raise ValueError(f"k must be between 1 and {len(L)}, got {k}")
    vals, vecs = _eigh_descending(L)
    U = vecs[:, :k]
    norms = np.linalg.norm(U, axis=1, keepdims=True)
    T = np.divide(U, norms, out=np.zeros_like(U), where=norms > 1e-12)
    return T, vals


def eigengap_k(eigenvalues: npt.ArrayLike, *, k_min: int = 2, k_max: int = 8) -> int:
    """Choose the number of clusters from the largest gap in the decreasing eigenvalues of ``L``.

    Taught in notebook 09 (exercise). Report 003: "the multiplicity k of eigenvalues of L
    distinctively close to 1 carries the information about the number of groups". With
    ``lambda_1 >= lambda_2 >= ...``, we return the ``k`` in ``[k_min, k_max]`` that
    maximises ``lambda_k - lambda_{k+1}`` (von Luxburg 2007, Section 8.3).

    Parameters
    ----------
    eigenvalues : array_like
        Eigenvalues of ``L`` (any order; they are sorted decreasingly).
    k_min, k_max : int, optional
        Range of allowed ``k``.

    Returns
    -------
    int
        The chosen number of clusters.
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=np.float64))[::-1]
    k_max = min(k_max, len(lam) - 1)
    if not 1 <= k_min <= k_max:
        raise ValueError(f"need 1 <= k_min <= k_max < number of eigenvalues, got {k_min}, {k_max}")
    gaps = lam[k_min - 1: k_max] - lam[k_min: k_max + 1]
    return int(k_min + np.argmax(gaps))


def eigengap_report(eigenvalues: npt.ArrayLike, *, k_max: int = 8, k_min: int = 2, n: int = 30) -> dict[str, Any]:
    """Where the eigengap is inside the cap ``k_max`` and where the largest gap lies beyond it.

    Taught in notebook 09. :func:`eigengap_k` only looks at ``k`` in ``[k_min, k_max]``; when the chosen
    ``k`` equals ``k_max`` while a larger gap lies beyond it, the cap, not the graph, decided ``k``.

    Parameters
    ----------
    eigenvalues : array_like
        Eigenvalues of ``L`` (any order).
    k_max, k_min : int, optional
        The cap and the floor of :func:`eigengap_k` (defaults 8 and 2, as in :func:`segment`).
    n : int, optional
        Look for gaps up to ``k = n`` beyond the cap (default 30).

    Returns
    -------
    dict
        ``k`` and ``gap`` (the eigengap's choice within the cap), ``k_beyond`` and ``gap_beyond`` (the
        largest gap for ``k`` in ``(k_max, n]``, or ``None`` if there is no room), ``at_cap`` (``k == k_max``)
        and ``text``: one sentence computed from these numbers.
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=np.float64))[::-1]
    k = eigengap_k(lam, k_min=k_min, k_max=k_max)
    gaps = lam[:-1] - lam[1:]                                 # gaps[k - 1] = lambda_k - lambda_(k+1)
    gap = float(gaps[k - 1])
    top = min(n, len(gaps))
    k_beyond = gap_beyond = None
    if top > k_max:
        k_beyond = int(k_max + 1 + np.argmax(gaps[k_max:top]))
        gap_beyond = float(gaps[k_beyond - 1])
    at_cap = k == min(k_max, len(lam) - 1)
    text = f"within k <= {k_max} the largest gap is after lambda_{k} ({gap:.4f}): k = {k}"
    if k_beyond is not None:
        if gap_beyond > gap:
            text += (f"; beyond the cap a larger gap lies after lambda_{k_beyond} ({gap_beyond:.4f}), so "
                     + ("the cap, not the graph, chose k" if at_cap else "the cap hides the largest gap"))
        else:
            text += f"; no larger gap beyond the cap up to k = {top} (largest there: {gap_beyond:.4f} at k = {k_beyond})"
    return dict(k=k, gap=gap, k_beyond=k_beyond, gap_beyond=gap_beyond, at_cap=at_cap, text=text)


def spectral_clustering(
    A: npt.ArrayLike, *, k: int | None = None, k_max: int = 8, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised spectral clustering of a graph (Algorithm 3, Ng-Jordan-Weiss).

    Taught in notebook 09. ``L`` (6), its ``k`` largest eigenvectors with unit rows (8),
    then k-means (``sklearn.cluster.KMeans``, ``n_init=10``, seeded) on the rows of ``T``.
    ``k=None`` picks ``k`` with :func:`eigengap_k` (between 2 and ``k_max``). Runs with
    one BLAS thread (faster for these small matrices than several competing ones).

    Parameters
    ----------
    A : array_like
        Symmetric adjacency matrix.
    k : int or None, optional
        Number of clusters.
    k_max : int, optional
        Largest ``k`` the eigengap may choose.
    seed : int, optional
        Seed of k-means.

    Returns
    -------
    labels : numpy.ndarray
        ``(N_w,)`` integer cluster of every vertex, renumbered in order of first appearance
        (the first window is in cluster 0).
    T : numpy.ndarray
        ``(N_w, k)`` embedding.
    eigenvalues : numpy.ndarray
        Eigenvalues of ``L``, decreasing.
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    L = normalized_laplacian(A)
    # small dense problems: one BLAS thread is fastest and never oversubscribes the CPU
    with threadpool_limits(limits=1):
        vals, _ = _eigh_descending(L)
        if k is None:
            k = eigengap_k(vals, k_min=2, k_max=min(k_max, len(vals) - 1))
        T, vals = spectral_embedding(L, k=k)
        raw = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(T)
    return _relabel(raw), T, vals


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, ... in order of first appearance."""
    _, first = np.unique(labels, return_index=True)
    order = np.asarray(labels)[np.sort(first)]
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping[v] for v in labels], dtype=np.int64)


# --------------------------------------------------------------------------- graph -> time (Algorithm 4)
def labels_to_intervals(
    labels: npt.ArrayLike, *, n_samples: int, sr: float
) -> tuple[np.ndarray, np.ndarray]:
    """Inverse mapping (Algorithm 4): window labels -> labelled time intervals.

    Taught in notebook 09. Window ``i`` owns samples ``window_bounds(...)[i:i+2]``;
    consecutive windows with the same label are merged, so the intervals cover
    ``[0, n_samples / sr]`` exactly once, without gaps or overlaps.

    Parameters
    ----------
    labels : array_like
        ``(N_w,)`` window labels.
    n_samples : int
        Length of the signal.
    sr : float
        Sample rate.

    Returns
    -------
    intervals : numpy.ndarray
        ``(n_segments, 2)`` start and end times in seconds (``mir_eval`` format).
    segment_labels : numpy.ndarray
        ``(n_segments,)`` the label of each interval.
    """
    labels = np.asarray(labels)
    bounds = window_bounds(n_samples, n_windows=len(labels))
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(labels)]])
    intervals = np.stack([bounds[starts], bounds[ends]], axis=1) / float(sr)
    return intervals, labels[starts]


def largest_cluster_mask(labels: npt.ArrayLike, *, n_samples: int) -> np.ndarray:
    """Boolean sample mask of the largest cluster (most samples; ties: lowest label).

    Taught in notebook 09.

    Parameters
    ----------
    labels : array_like
        ``(N_w,)`` window labels.
    n_samples : int
        Length of the signal.

    Returns
    -------
    numpy.ndarray
        ``(n_samples,)`` bool.
    """
    labels = np.asarray(labels)
    per_sample = np.repeat(labels, np.diff(window_bounds(n_samples, n_windows=len(labels))))
    values, counts = np.unique(per_sample, return_counts=True)
    return per_sample == values[np.argmax(counts)]


# --------------------------------------------------------------------------- feature affinity (Foote / FMP)
def feature_distance_matrix(
    y: npt.ArrayLike, sr: int, *, n_windows: int, feature: str = "mfcc", n_mfcc: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Distance between windows from audio features: the classic self-similarity alternative to SEM.

    Taught in notebook 09. One feature vector per window of :func:`split_windows`
    (a Hann-windowed power spectrum of the whole window -> ``librosa`` MFCCs or chroma),
    standardised per dimension over the clip (MFCC) or unit-normalised (chroma), and
    the Euclidean distance between windows (for unit-length vectors, a monotone function
    of the cosine similarity of Foote 2000 and Müller's FMP, chapter 4). Feed it to
    :func:`adjacency` (``scale="median"``) and the rest of the pipeline unchanged.

    Parameters
    ----------
    y : array_like
        Mono signal.
    sr : int
        Sample rate.
    n_windows : int
        Number of windows.
    feature : {"mfcc", "chroma"}, optional
        Which feature.
    n_mfcc : int, optional
        Number of MFCCs.

    Returns
    -------
    distances : numpy.ndarray
        ``(N_w, N_w)`` symmetric, zero diagonal.
    features : numpy.ndarray
        ``(N_w, d)`` the features used.
    """
    import librosa

    w = split_windows(y, n_windows=n_windows)
    n_fft = w.shape[1]
    power = np.abs(np.fft.rfft(w * scipy.signal.get_window("hann", n_fft), axis=1)) ** 2  # (N, bins)
    if feature == "mfcc":
        mel = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=64) @ power.T
        F = librosa.feature.mfcc(S=librosa.power_to_db(mel), sr=sr, n_mfcc=n_mfcc).T
        F = (F - F.mean(axis=0)) / (F.std(axis=0) + 1e-9)
    elif feature == "chroma":
        F = librosa.feature.chroma_stft(S=power.T, sr=sr, n_fft=n_fft).T
        F = F / (np.linalg.norm(F, axis=1, keepdims=True) + 1e-9)
    else:
        raise ValueError(f"feature must be 'mfcc' or 'chroma', got {feature!r}")
    sq = np.sum(F**2, axis=1)
    D = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2.0 * F @ F.T, 0.0))
    np.fill_diagonal(D, 0.0)
    return (D + D.T) / 2.0, F


# --------------------------------------------------------------------------- whole pipeline
@dataclass
class Segmentation:
    """Everything :func:`segment` computed, for plotting and teaching (notebook 09)."""

    labels: np.ndarray
    intervals: np.ndarray
    segment_labels: np.ndarray
    k: int
    eigenvalues: np.ndarray
    embedding: np.ndarray
    S: np.ndarray
    S_sym: np.ndarray
    A: np.ndarray
    bounds: np.ndarray
    sr: int
    n_samples: int
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def window_times(self) -> np.ndarray:
        """Centre time (s) of every window."""
        return (self.bounds[:-1] + self.bounds[1:]) / 2.0 / self.sr


def _n_windows(n_samples: int, sr: int, n_windows: int | None, window_seconds: float) -> int:
    if n_windows is None:
        n_windows = max(2, int(round(n_samples / (window_seconds * sr))))
    return int(n_windows)


def segment(
    y: npt.ArrayLike,
    sr: int,
    *,
    n_windows: int | None = None,
    window_seconds: float = 0.1,
    order: int = 12,
    max_lag: int | None = 12,
    affinity: str = "sem",
    scale: float | str | None = None,
    k: int | None = None,
    k_max: int = 8,
    seed: int = 0,
) -> Segmentation:
    """Segment a track: report 003's Algorithms 1-4 end to end.

    Taught in notebook 09. Windows (Algorithm 2, step 1) -> distance matrix ``S``
    (SEM, Algorithms 1-2; or MFCC/chroma distances) -> ``S_sym`` (4) -> ``A`` (5) ->
    normalised spectral clustering (Algorithm 3) -> labelled time intervals (Algorithm 4).

    Parameters
    ----------
    y : array_like
        Mono signal.
    sr : int
        Sample rate.
    n_windows : int or None, optional
        Number of windows ``N_w`` (default: one per ``window_seconds``; report 003 gives no
        value, 300 windows for 30 s is 0.1 s each).
    window_seconds : float, optional
        Window length used when ``n_windows`` is None.
    order, max_lag : int, optional
        AR order and residual lags of the SEM (see :func:`sem`).
    affinity : {"sem", "mfcc", "chroma"}, optional
        Distance between windows.
    scale : float, "median" or None, optional
        Kernel width of :func:`adjacency` (None: 1 as in the paper for SEM, ``"median"``
        for feature distances, whose units are arbitrary).
    k : int or None, optional
        Number of clusters (None: eigengap).
    k_max : int, optional
        Largest ``k`` for the eigengap.
    seed : int, optional
        Seed of k-means.

    Returns
    -------
    Segmentation
        Labels, intervals, matrices, eigenvalues and embedding.
    """
    y = np.asarray(y, dtype=np.float64)
    n_w = _n_windows(len(y), sr, n_windows, window_seconds)
    if affinity == "sem":
        S = sem_matrix(split_windows(y, n_windows=n_w), order=order, max_lag=max_lag)
    elif affinity in ("mfcc", "chroma"):
        S, _ = feature_distance_matrix(y, sr, n_windows=n_w, feature=affinity)
        scale = "median" if scale is None else scale
    else:
        raise ValueError(f"affinity must be 'sem', 'mfcc' or 'chroma', got {affinity!r}")
    S_sym = symmetrize(S)
    A = adjacency(S_sym, scale=scale)
    labels, T, vals = spectral_clustering(A, k=k, k_max=k_max, seed=seed)
    intervals, seg_labels = labels_to_intervals(labels, n_samples=len(y), sr=sr)
    return Segmentation(
        labels=labels, intervals=intervals, segment_labels=seg_labels, k=T.shape[1], eigenvalues=vals,
        embedding=T, S=S, S_sym=S_sym, A=A, bounds=window_bounds(len(y), n_windows=n_w), sr=int(sr),
        n_samples=len(y),
        params=dict(n_windows=n_w, order=order, max_lag=max_lag, affinity=affinity, scale=scale, seed=seed),
    )


def largest_cluster(y: npt.ArrayLike, sr: int, **kwargs: Any) -> np.ndarray:
    """The audio of the largest cluster found by :func:`segment` (report 003 trains on it).

    Taught in notebook 09. The samples of all windows in the cluster that covers the most
    samples, concatenated in time order (several spans of the track if the cluster recurs,
    as a chorus does).

    Parameters
    ----------
    y : array_like
        Mono signal.
    sr : int
        Sample rate.
    **kwargs
        Keyword options of :func:`segment` (``n_windows``, ``k``, ``affinity``...).

    Returns
    -------
    numpy.ndarray
        The largest cluster's samples (same dtype as ``y``).
    """
    y = np.asarray(y)
    seg = segment(y, sr, **kwargs)
    return y[largest_cluster_mask(seg.labels, n_samples=len(y))]
