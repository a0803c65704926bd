"""Pictures of signals, spectra, spectrograms, filter banks, confusion matrices and predictions.

Taught from notebook 01 on (waveforms, DFT magnitudes, spectrograms), in
notebook 02 (mel filter bank, log-mel and MFCC images, one example per genre),
in notebook 03 (one model's accuracy on honest and leaky splits), in the evaluation notebooks (confusion matrix), in notebook 08 (a tagger's taggram) and in notebook 10 (a genre
prediction). Every function draws into
``ax`` when given (so pictures can be combined with ``plt.subplots``) and returns
the Axes, or the Figure for multi-panel pictures.

The backend is never chosen here: notebooks draw inline, tests set
``MPLBACKEND=Agg``.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "waveform",
    "spectrogram",
    "mfcc",
    "dft_magnitude",
    "filterbank",
    "genre_grid",
    "split_accuracies",
    "confusion_matrix",
    "prediction",
    "taggram",
]

#: ``y_axis`` values accepted by :func:`spectrogram`, with their axis labels.
Y_AXES = {
    "linear": "Frequency (Hz)",
    "log": "Frequency (Hz, log scale)",
    "mel": "Frequency (Hz, mel scale)",
}
#: The label of :func:`genre_grid`'s colour bar (``power_to_db(ref=np.max)``: 0 dB is each clip's loudest bin).
GENRE_GRID_DB_LABEL = "level (dB below the clip's loudest mel bin)"
#: Above this many samples :func:`waveform` draws the min/max envelope instead of every sample.
MAX_WAVEFORM_POINTS = 20_000


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8, 3)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def waveform(
    y: np.ndarray, sr: int, *, ax: Axes | None = None, title: str | None = None, color: str = "C0"
) -> Axes:
    """Plot amplitude against time in seconds.

    Taught in notebook 01. Short signals are drawn sample by sample (one line);
    long ones (more than :data:`MAX_WAVEFORM_POINTS` samples) as their min/max
    envelope (one filled area), which looks the same and draws much faster.

    Parameters
    ----------
    y : numpy.ndarray
        Mono samples.
    sr : int
        Sample rate in Hz.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    title : str, optional
        Axes title.
    color : str, optional
        Matplotlib colour.

    Returns
    -------
    matplotlib.axes.Axes
    """
    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"waveform() expects a mono 1-D signal, got shape {y.shape}")
    ax = _axes(ax)
    n = len(y)
    if n <= MAX_WAVEFORM_POINTS:
        ax.plot(np.arange(n) / sr, y, color=color, linewidth=0.8)
    else:
        block = math.ceil(n / (MAX_WAVEFORM_POINTS // 2))
        n_blocks = math.ceil(n / block)
        padded = np.pad(y, (0, n_blocks * block - n), mode="edge").reshape(n_blocks, block)
        t = (np.arange(n_blocks) * block + block / 2) / sr
        ax.fill_between(t, padded.min(axis=1), padded.max(axis=1), color=color, linewidth=0.5)
    ax.set_xlim(0, n / sr if n else 1.0)
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("Amplitude")
    if title:
        ax.set_title(title)
    return ax


def spectrogram(
    S_db: np.ndarray,
    *,
    sr: int,
    hop_length: int,
    y_axis: str = "linear",
    ax: Axes | None = None,
    title: str | None = None,
    colorbar: bool = True,
    n_fft: int | None = None,
    fmin: float = 0.0,
    fmax: float | None = None,
    cmap: str = "magma",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Axes:
    """Show a spectrogram in dB (time in seconds on x, frequency on y).

    Taught in notebook 01 (STFT, ``y_axis="linear"`` or ``"log"``) and notebook 02
    (log-mel, ``y_axis="mel"``). Wraps ``librosa.display.specshow``.

    Parameters
    ----------
    S_db : numpy.ndarray
        Spectrogram in dB, shape ``(n_bins, n_frames)``: ``1 + n_fft // 2`` STFT bins
        for "linear"/"log", mel bands for "mel".
    sr : int
        Sample rate in Hz.
    hop_length : int
        Hop between frames in samples (sets the time axis).
    y_axis : {"linear", "log", "mel"}, optional
        Frequency axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    title : str, optional
        Axes title.
    colorbar : bool, optional
        Add a colour bar labelled in dB (default).
    n_fft : int, optional
        FFT size ("linear"/"log"; default inferred as ``2 * (n_bins - 1)``).
    fmin, fmax : float, optional
        Frequency range of the mel bands ("mel"; ``fmax`` defaults to ``sr / 2``).
    cmap : str, optional
        Colour map.
    vmin, vmax : float, optional
        Colour limits in dB.

    Returns
    -------
    matplotlib.axes.Axes
        The image is ``ax.collections[0]`` (a QuadMesh).
    """
    import librosa.display

    if y_axis not in Y_AXES:
        raise ValueError(f"y_axis must be one of {sorted(Y_AXES)}, got {y_axis!r}")
    S_db = np.asarray(S_db)
    if S_db.ndim != 2:
        raise ValueError(f"spectrogram() expects a 2-D array (bins, frames), got shape {S_db.shape}")
    ax = _axes(ax)
    extra: dict[str, Any] = {}
    if y_axis == "mel":
        extra.update(fmin=fmin, fmax=fmax if fmax is not None else sr / 2)
    else:
        extra["n_fft"] = n_fft if n_fft is not None else 2 * (S_db.shape[0] - 1)
    img = librosa.display.specshow(
        S_db, sr=sr, hop_length=hop_length, x_axis="s", y_axis=y_axis, ax=ax,
        cmap=cmap, vmin=vmin, vmax=vmax, **extra,
    )
    ax.set_xlabel("Time (s)")
    ax.set_ylabel(Y_AXES[y_axis])
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(img, ax=ax, format="%+2.0f dB")
    return ax


def mfcc(
    M: np.ndarray,
    *,
    sr: int,
    hop_length: int,
    ax: Axes | None = None,
    title: str | None = None,
    colorbar: bool = True,
) -> Axes:
    """Show MFCCs (coefficient index on y, time in seconds on x).

    Taught in notebook 02.

    Parameters
    ----------
    M : numpy.ndarray
        MFCC matrix, shape ``(n_mfcc, n_frames)``.
    sr : int
        Sample rate in Hz.
    hop_length : int
        Hop between frames in samples.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    title : str, optional
        Axes title.
    colorbar : bool, optional
        Add a colour bar.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import librosa.display

    M = np.asarray(M)
    if M.ndim != 2:
        raise ValueError(f"mfcc() expects a 2-D array (n_mfcc, frames), got shape {M.shape}")
    ax = _axes(ax)
    img = librosa.display.specshow(M, sr=sr, hop_length=hop_length, x_axis="s", ax=ax, cmap="coolwarm")
    ax.set_xlabel("Time (s)")
    ax.set_ylabel("MFCC coefficient")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(img, ax=ax)
    return ax


def dft_magnitude(X: np.ndarray, *, sr: float, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Plot the one-sided magnitude ``|X[k]|`` of a DFT against frequency in Hz.

    Taught in notebook 01. Bins ``k = 0 .. N // 2`` are drawn at ``k * sr / N`` Hz
    (the others mirror them for real signals); spectra of up to 128 points get a
    marker per bin.

    Parameters
    ----------
    X : numpy.ndarray
        Full complex DFT of ``N`` samples (as returned by ``numpy.fft.fft``).
    sr : float
        Sample rate in Hz.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    X = np.asarray(X)
    if X.ndim != 1 or X.size == 0:
        raise ValueError(f"dft_magnitude() expects a non-empty 1-D spectrum, got shape {X.shape}")
    n = X.size
    k = np.arange(n // 2 + 1)
    ax = _axes(ax)
    ax.plot(k * sr / n, np.abs(X[: n // 2 + 1]), marker="o" if n <= 128 else None, markersize=3)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Magnitude |X[k]|")
    ax.set_xlim(0, sr / 2)
    if title:
        ax.set_title(title)
    return ax


def filterbank(
    fb: np.ndarray, *, sr: int, n_fft: int, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Plot each mel filter's weights against frequency in Hz (one line per filter).

    Taught in notebook 02.

    Parameters
    ----------
    fb : numpy.ndarray
        Filter bank, shape ``(n_mels, 1 + n_fft // 2)`` (as ``librosa.filters.mel``).
    sr : int
        Sample rate in Hz.
    n_fft : int
        FFT size the filter bank was built for.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    fb = np.asarray(fb)
    if fb.ndim != 2 or fb.shape[1] != 1 + n_fft // 2:
        raise ValueError(f"filterbank() expects shape (n_mels, {1 + n_fft // 2}) for n_fft={n_fft}, got {fb.shape}")
    ax = _axes(ax)
    freqs = np.arange(fb.shape[1]) * sr / n_fft
    ax.plot(freqs, fb.T, linewidth=0.8)
    ax.set_xlim(0, sr / 2)
    ax.set_xlabel("Frequency (Hz)")
    ax.set_ylabel("Weight")
    ax.set_title(title if title else f"{fb.shape[0]} mel filters")
    return ax


def genre_grid(
    examples: Mapping[str, np.ndarray],
    *,
    sr: int,
    kind: str = "logmel",
    ncols: int = 5,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
) -> Figure:
    """One panel per genre: a log-mel spectrogram or waveform of an example clip.

    Taught in notebook 02 (can you tell the genres apart by eye?). Log-mels are
    ``librosa.power_to_db(melspectrogram, ref=np.max)`` with a shared colour scale
    from -80 to 0 dB.

    Parameters
    ----------
    examples : Mapping[str, numpy.ndarray]
        Genre name -> mono samples.
    sr : int
        Sample rate in Hz.
    kind : {"logmel", "waveform"}, optional
        What to draw in each panel.
    ncols : int, optional
        Panels per row (default 5).
    n_fft, hop_length, n_mels : int, optional
        Log-mel settings.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes`` holds one titled Axes per genre (unused grid cells removed); for log-mels it ends with
        the panels' shared colour bar (label :data:`GENRE_GRID_DB_LABEL`).
    """
    if kind not in ("logmel", "waveform"):
        raise ValueError(f"kind must be 'logmel' or 'waveform', got {kind!r}")
    if not examples:
        raise ValueError("genre_grid() needs at least one example")
    n = len(examples)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.6 * nrows), squeeze=False, layout="constrained")
    flat = axes.ravel()
    for ax, (genre, y) in zip(flat, examples.items()):
        if kind == "waveform":
            waveform(y, sr, ax=ax, title=genre)
        else:
            import librosa

            S = librosa.feature.melspectrogram(y=np.asarray(y, dtype=np.float32), sr=sr, n_fft=n_fft,
                                               hop_length=hop_length, n_mels=n_mels)
            S_db = librosa.power_to_db(S, ref=np.max)
            spectrogram(S_db, sr=sr, hop_length=hop_length, y_axis="mel", ax=ax, title=genre,
                        colorbar=False, vmin=-80.0, vmax=0.0)
    for ax in flat[n:]:
        ax.remove()
    if kind == "logmel":  # one scale for every panel, so one colour bar
        fig.colorbar(flat[0].collections[0], ax=list(flat[:n]), label=GENRE_GRID_DB_LABEL, format="%+2.0f",
                     shrink=0.9 if nrows > 1 else 1.0)
    return fig


def split_accuracies(
    table: Any,
    *,
    columns: Sequence[str] = ("segment_accuracy", "clip_accuracy"),
    labels: Sequence[str] | None = None,
    title: str = "Same model, three splits",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of one model's test accuracies on several splits, the legend outside the bars.

    Taught in notebook 03 (the leakage experiment: random segments, random clips and artist-disjoint
    splits, from :func:`mgc_helpers.classical.leakage_experiment`). Accuracies reach the right end of
    the axes on a leaky split, so the legend sits to the right of the axes, where it hides no bar.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per split (the index names the split), with the accuracy ``columns`` in [0, 1].
    columns : sequence of str, keyword-only
        Which columns to draw, one bar per split and column (default: segment and clip accuracy).
    labels : sequence of str, optional, keyword-only
        Legend entries for ``columns`` (default: the column names with spaces).
    title : str, keyword-only
        Axes title.
    ax : matplotlib.axes.Axes, optional, keyword-only
        Where to draw (default: a new 8 x 3 in figure with a constrained layout).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers`` holds one bar container per column, top row first; ``ax.get_legend()`` the legend.

    Raises
    ------
    KeyError
        A column is not in ``table``.
    """
    columns = list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"split_accuracies(): no column {missing} in the table (it has {list(table.columns)})")
    labels = [c.replace("_", " ") for c in columns] if labels is None else list(labels)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3), layout="constrained")
    rows = np.arange(len(table))
    height = 0.8 / len(columns)
    for j, (column, label) in enumerate(zip(columns, labels)):
        offset = (j - (len(columns) - 1) / 2) * height
        ax.barh(rows + offset, table[column].to_numpy(dtype=float), height=height, label=label)
    ax.set_yticks(rows, [str(name) for name in table.index])
    ax.invert_yaxis()  # the table's first row on top
    ax.set_xlim(0, 1)
    ax.set_xlabel("test accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, frameon=False)
    return ax


def taggram(
    T: np.ndarray,
    names: Sequence[str],
    *,
    patch_seconds: float | None = None,
    k: int = 15,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """A tagger's taggram: the ``k`` most likely tags (rows) over time, with a colour bar of probabilities.

    Taught in notebook 08 (what musicnn hears in a clip). Time runs in seconds, with ticks on
    whole seconds; each column is one patch of ``patch_seconds``.

    Parameters
    ----------
    T : numpy.ndarray
        Tag probabilities, shape ``(n_patches, n_tags)``
        (:func:`mgc_helpers.models.musicnn.taggram`).
    names : sequence of str
        The ``n_tags`` tag names (:func:`mgc_helpers.models.musicnn.tags`).
    patch_seconds : float, optional, keyword-only
        Seconds between patch starts (default: musicnn's patch, 187 frames of 256 samples at
        16 kHz, about 2.99 s).
    k : int, keyword-only
        How many tags to draw, the most likely (mean over the patches) on top.
    ax : matplotlib.axes.Axes, optional, keyword-only
        Where to draw.
    title : str, optional, keyword-only
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.ticker import MaxNLocator

    T = np.asarray(T, dtype=float)
    if T.ndim != 2 or T.shape[1] != len(names):
        raise ValueError(f"T must have shape (n_patches, {len(names)}) for {len(names)} tag names, got {T.shape}")
    if patch_seconds is None:
        from .models import musicnn

        patch_seconds = musicnn.N_FRAMES * musicnn.HOP_LENGTH / musicnn.SR
    keep = np.argsort(-T.mean(axis=0), kind="stable")[: max(1, int(k))]
    ax = _axes(ax, figsize=(7, 3.5))
    end = len(T) * patch_seconds
    image = ax.imshow(T[:, keep].T, aspect="auto", cmap="viridis", vmin=0, vmax=1, origin="upper",
                      extent=(0.0, end, len(keep) - 0.5, -0.5), interpolation="nearest")
    ax.set_yticks(range(len(keep)), [names[i] for i in keep])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"time (s; one column = one {patch_seconds:.2g}-second patch)")
    ax.figure.colorbar(image, ax=ax, label="tag probability")
    if title:
        ax.set_title(title)
    return ax


def _class_indices(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[Any]) -> list[Any]:
    """Labels to give scikit-learn: ``labels`` itself, or 0..K-1 when ``y`` holds class indices."""
    values = set(np.unique(np.concatenate([y_true, y_pred])).tolist())
    indices = set(range(len(labels)))
    if not values & set(labels) and np.issubdtype(y_true.dtype, np.integer) and values <= indices:
        return sorted(indices)
    return list(labels)


def confusion_matrix(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    *,
    labels: Sequence[Any],
    normalize: bool = True,
    ax: Axes | None = None,
    title: str | None = None,
    cmap: str = "Blues",
) -> Axes:
    """Draw a confusion matrix as an annotated heatmap (true class per row).

    Taught in the evaluation notebooks (and shared by all later ones). The numbers
    are ``sklearn.metrics.confusion_matrix``'s; with ``normalize=True`` each row is
    divided by its class count (``normalize="true"``: the diagonal is per-class
    recall).

    Parameters
    ----------
    y_true, y_pred : sequence
        True and predicted classes: names from ``labels``, or integer class
        indices ``0 .. len(labels) - 1`` (then ``labels`` only names the ticks).
    labels : sequence
        Class names, in display order.
    normalize : bool, optional
        Row-normalise (default) or show counts.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new square figure).
    title : str, optional
        Axes title.
    cmap : str, optional
        Colour map.

    Returns
    -------
    matplotlib.axes.Axes
        The heatmap's values are ``ax.collections[0].get_array()``.
    """
    import seaborn as sns
    from sklearn.metrics import confusion_matrix as sk_confusion_matrix

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    classes = _class_indices(y_true, y_pred, labels)
    cm = sk_confusion_matrix(y_true, y_pred, labels=classes, normalize="true" if normalize else None)
    size = max(4.0, 0.55 * len(labels) + 2)
    ax = _axes(ax, figsize=(size + 1, size))
    sns.heatmap(
        cm, annot=True, fmt=".2f" if normalize else "d", cmap=cmap, square=True, cbar=True,
        vmin=0, vmax=1 if normalize else None, xticklabels=list(map(str, labels)),
        yticklabels=list(map(str, labels)), ax=ax, annot_kws={"fontsize": 8},
    )
    ax.set_xlabel("Predicted")
    ax.set_ylabel("True")
    ax.set_title(title if title else ("Confusion matrix (row-normalised)" if normalize else "Confusion matrix"))
    return ax


def prediction(pred: Any, y: np.ndarray, sr: int, *, title: str = "") -> Figure:
    """A clip's log-mel spectrogram, its genre probabilities (bars) and every segment's vote.

    Taught in notebook 10 (the genre app draws it after every prediction).

    Parameters
    ----------
    pred : mgc_helpers.bundle.Prediction
        ``genre``, ``probabilities`` (one per genre), ``segment_proba`` of shape
        (n_segments, n_classes), ``segment_starts`` (s) and ``classes``.
    y : numpy.ndarray, shape (samples,)
        The clip that was classified.
    sr : int
        Its sample rate.
    title : str, keyword-only
        Title of the spectrogram (default ``"log-mel spectrogram"``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from .features import logmel_features

    fig = plt.figure(figsize=(11, 5.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 1.1))
    ax_spec = fig.add_subplot(grid[0, :])
    S = logmel_features(np.asarray(y, dtype=np.float32), sr, n_mels=64, hop_length=512, dtype="float32")
    spectrogram(S, sr=sr, hop_length=512, y_axis="mel", ax=ax_spec, colorbar=False,
                title=title or "log-mel spectrogram")
    for start in pred.segment_starts[1:]:
        ax_spec.axvline(start, color="white", lw=0.8, ls="--")
    _probability_bars(fig.add_subplot(grid[1, 0]), pred)
    _segment_votes(fig.add_subplot(grid[1, 1]), pred)
    return fig


def _probability_bars(ax: Axes, pred: Any) -> None:
    p = pred.probabilities
    colours = ["tab:orange" if g == pred.genre else "tab:blue" for g in p.index]
    ax.barh(p.index, p.to_numpy(), color=colours)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="probability (mean over segments)", title=f"Predicted genre: {pred.genre}")


def _segment_votes(ax: Axes, pred: Any) -> None:
    ax.imshow(pred.segment_proba.T, aspect="auto", cmap="Blues", vmin=0, vmax=1, origin="upper")
    votes = np.argmax(pred.segment_proba, axis=1)
    ax.scatter(np.arange(len(votes)), votes, marker="o", s=30, color="tab:orange", label="vote")
    ax.set(yticks=range(len(pred.classes)), yticklabels=pred.classes,
           xticks=range(len(votes)), xticklabels=[f"{s:.0f}" for s in pred.segment_starts],
           xlabel="segment start (s)", title="each segment's probabilities and vote")
    ax.legend(loc="upper right", fontsize=7)
