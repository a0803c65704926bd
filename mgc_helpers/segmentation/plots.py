"""Pictures of report 003's segmentation (Figures 3-7) and the MDS layout they use.

Taught in notebook 09 (``09_spectral_clustering_segmentation.ipynb``).

Plots sit beside the algorithm: this module imports :mod:`mgc_helpers.segmentation.algorithm`
(for :class:`~mgc_helpers.segmentation.algorithm.Segmentation`), never the reverse.
matplotlib and scikit-learn (for :func:`mds_embedding`, used only to place the graph's
vertices in a picture) are imported inside the functions.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .algorithm import Segmentation

__all__ = [
    "mds_embedding",
    "plot_eigenvalues",
    "plot_embedding",
    "plot_matrix",
    "plot_signal",
    "plot_timeline",
]


def _axes(ax: Any, figsize: tuple[float, float] = (8, 3)) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _colors(n: int) -> list[Any]:
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("tab10")
    return [cmap(i % 10) for i in range(max(n, 1))]


def plot_signal(
    y: npt.ArrayLike, sr: int, *, seg: Segmentation | None = None, ax: Any = None, title: str | None = None
) -> Any:
    """The raw audio (report 003, Figure 3), optionally shaded by cluster (Figure 7).

    Taught in notebook 09.

    Parameters
    ----------
    y : array_like
        Mono signal.
    sr : int
        Sample rate.
    seg : Segmentation or None, optional
        Colour the background of every interval by its cluster.
    ax : matplotlib.axes.Axes or None, optional
        Where to draw (a new figure if None).
    title : str or None, optional
        Title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    y = np.asarray(y)
    step = max(1, len(y) // 20000)  # plotting every sample of 30 s is slow and looks the same
    t = np.arange(0, len(y), step) / sr
    ax.plot(t, y[::step], color="0.2", linewidth=0.5)
    if seg is not None:
        colors = _colors(int(np.max(seg.segment_labels)) + 1)
        for (start, end), lab in zip(seg.intervals, seg.segment_labels):
            ax.axvspan(start, end, color=colors[int(lab)], alpha=0.3, linewidth=0)
    ax.set(xlabel="time (s)", ylabel="amplitude", xlim=(0, len(y) / sr), title=title or "Raw audio")
    return ax


def plot_matrix(
    M: npt.ArrayLike,
    *,
    duration: float | None = None,
    ax: Any = None,
    title: str | None = None,
    log: bool = False,
    colorbar: bool = True,
    label: str = "value",
) -> Any:
    """An ``N_w x N_w`` matrix (``S``, ``S_sym``, ``A``...) as an image (report 003, Figures 4-5).

    Taught in notebook 09. Bright pixels are large values, as in the paper.

    Parameters
    ----------
    M : array_like
        Square matrix.
    duration : float or None, optional
        Track length in seconds: label the axes in seconds instead of window indices.
    ax : matplotlib.axes.Axes or None, optional
        Where to draw.
    title : str or None, optional
        Title.
    log : bool, optional
        Show ``log10(1 + M)`` (SEM values span several orders of magnitude).
    colorbar : bool, optional
        Add a colour bar.
    label : str, optional
        What the values are, for the colour bar (``log10(1 + label)`` with ``log=True``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, figsize=(4.5, 4))
    M = np.asarray(M, dtype=np.float64)
    shown = np.log10(1.0 + np.maximum(M, 0.0)) if log else M
    extent = None if duration is None else (0, duration, duration, 0)
    im = ax.imshow(shown, cmap="gray", origin="upper", extent=extent, interpolation="nearest")
    unit = "time (s)" if duration is not None else "window"
    ax.set(xlabel=unit, ylabel=unit, title=title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=f"log10(1 + {label})" if log else label)
    return ax


def mds_embedding(D: npt.ArrayLike, *, seed: int = 0) -> np.ndarray:
    """2-D multidimensional scaling of a distance matrix (``sklearn.manifold.MDS``, precomputed).

    Taught in notebook 09 (report 003, Figure 6 places the graph's vertices with MDS).

    Parameters
    ----------
    D : array_like
        Symmetric distance matrix with a zero diagonal.
    seed : int, optional
        Random state of the SMACOF iterations.

    Returns
    -------
    numpy.ndarray
        ``(N_w, 2)`` coordinates.
    """
    import inspect

    from sklearn.manifold import MDS

    D = np.asarray(D, dtype=np.float64)
    params = inspect.signature(MDS).parameters
    kw: dict[str, Any] = dict(n_components=2, n_init=1, max_iter=300, random_state=seed)
    if "metric_mds" in params:  # scikit-learn >= 1.8
        kw.update(metric="precomputed", init="random")
    else:  # pragma: no cover - older scikit-learn
        kw.update(dissimilarity="precomputed")
    return MDS(**kw).fit_transform(D)


def plot_embedding(seg: Segmentation, *, ax: Any = None, seed: int = 0, title: str | None = None) -> Any:
    """Report 003's Figure 6: windows placed by 2-D MDS of ``S_sym``, joined in temporal order, coloured by cluster.

    Taught in notebook 09. Far-apart points of one colour are normal: the clustering
    happened in the ``k``-dimensional spectral space, not in this 2-D picture.

    Parameters
    ----------
    seg : Segmentation
        Result of :func:`segment`.
    ax : matplotlib.axes.Axes or None, optional
        Where to draw.
    seed : int, optional
        Seed of the MDS.
    title : str or None, optional
        Title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, figsize=(5, 4.5))
    D = seg.S_sym.copy()
    np.fill_diagonal(D, 0.0)
    xy = mds_embedding(np.log1p(np.maximum(D, 0.0)), seed=seed)  # log: tame SEM's huge range
    ax.plot(xy[:, 0], xy[:, 1], color="0.7", linewidth=0.6, zorder=1)
    colors = _colors(seg.k)
    ax.scatter(xy[:, 0], xy[:, 1], c=[colors[int(l)] for l in seg.labels], s=14, zorder=2)
    ax.scatter(*xy[0], marker="*", s=120, color="k", zorder=3, label="first window")
    ax.set(xticks=[], yticks=[], title=title or "Graph vertices (MDS), temporal lines, clusters")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_timeline(
    seg: Segmentation,
    *,
    reference_boundaries: npt.ArrayLike | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """The segmentation as coloured spans over time (report 003, Figure 7), with reference boundaries.

    Taught in notebook 09.

    Parameters
    ----------
    seg : Segmentation
        Result of :func:`segment`.
    reference_boundaries : array_like or None, optional
        Ground-truth boundaries (seconds) drawn as dashed black lines.
    ax : matplotlib.axes.Axes or None, optional
        Where to draw.
    title : str or None, optional
        Title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, figsize=(8, 1.6))
    colors = _colors(seg.k)
    for (start, end), lab in zip(seg.intervals, seg.segment_labels):
        ax.axvspan(start, end, color=colors[int(lab)], linewidth=0)
    if reference_boundaries is not None:
        for b in np.asarray(reference_boundaries):
            ax.axvline(b, color="k", linestyle="--", linewidth=1.5)
    ax.set(xlim=(0, seg.n_samples / seg.sr), yticks=[], xlabel="time (s)",
           title=title or f"Segmentation, k = {seg.k} (dashed: reference boundaries)")
    return ax


def plot_eigenvalues(
    eigenvalues: npt.ArrayLike, *, k: int | None = None, n: int = 15, ax: Any = None, title: str | None = None,
    k_max: int | None = None,
) -> Any:
    """The largest eigenvalues of ``L`` with the chosen ``k`` (the eigengap) marked.

    Taught in notebook 09.

    Parameters
    ----------
    eigenvalues : array_like
        Eigenvalues of ``L``.
    k : int or None, optional
        Mark the gap after the ``k``-th eigenvalue.
    n : int, optional
        How many eigenvalues to show.
    ax : matplotlib.axes.Axes or None, optional
        Where to draw.
    title : str or None, optional
        Title.
    k_max : int or None, optional
        Shade the indices beyond this cap (gaps there are not considered by the eigengap).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, figsize=(5, 3))
    lam = np.sort(np.asarray(eigenvalues, dtype=np.float64))[::-1][:n]
    idx = np.arange(1, len(lam) + 1)
    ax.plot(idx, lam, "o-", color="C0")
    if k is not None:
        ax.axvline(k + 0.5, color="C3", linestyle="--", label=f"eigengap: k = {k}")
    if k_max is not None and k_max + 0.5 < len(lam) + 0.5:
        ax.axvspan(k_max + 0.5, len(lam) + 0.5, color="0.85", zorder=0, label=f"beyond the cap k_max = {k_max}")
    if k is not None or k_max is not None:
        ax.legend(loc="best")
    ax.set(xlabel="index i", ylabel=r"eigenvalue $\lambda_i$ of L", xticks=idx,
           title=title or "Largest eigenvalues of L")
    return ax
