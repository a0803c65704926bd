"""Interactive explorers for the STFT and mel/MFCC settings.

Taught in notebook 01 (:func:`stft_explorer`: the time-frequency trade-off) and
notebook 02 (:func:`mel_explorer`: mel bands and MFCCs). Both always draw a
first, static figure (so the notebook shows a picture even when rendered
without a live kernel, e.g. on GitHub or by nbval) and then return an ipywidgets
box with sliders that redraws on change.

They fall back to a static grid of a few settings side by side, and return
``None``, when ipywidgets is not installed, when not running inside an IPython
kernel, or when the environment variable ``MGC_STATIC_WIDGETS=1`` is set.
Only widgets common to ipywidgets 7 (Colab) and 8 are used; :func:`uploaded_files`
reads a ``FileUpload`` in both versions (used by the genre app of notebook 10).
"""
from __future__ import annotations

import os
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from mgc_helpers import plots

__all__ = ["stft_explorer", "mel_explorer", "uploaded_files", "N_FFT_OPTIONS", "WINDOWS"]

#: Window lengths offered by :func:`stft_explorer` (powers of two).
N_FFT_OPTIONS = (256, 512, 1024, 2048, 4096, 8192)
#: Window types offered by :func:`stft_explorer` (``scipy.signal.get_window`` names).
WINDOWS = ("hann", "hamming", "blackman", "boxcar")
#: Hop sizes offered by :func:`stft_explorer`, as fractions of the window length.
HOP_FRACTIONS = (0.125, 0.25, 0.5, 0.75, 1.0)
#: Explorers use at most this many seconds of the signal (keeps redraws fast).
MAX_SECONDS = 10.0
#: STFT settings of :func:`mel_explorer`.
MEL_N_FFT, MEL_HOP = 2048, 512


# --------------------------------------------------------------------------- environment
def use_static() -> bool:
    """Whether the explorers should draw static figures instead of live widgets.

    Taught in notebook 01. True when ``MGC_STATIC_WIDGETS=1``, when ipywidgets is
    missing, or when no IPython kernel is running (plain Python, scripts, tests).

    Returns
    -------
    bool
    """
    if os.environ.get("MGC_STATIC_WIDGETS", "").strip().lower() in ("1", "true", "yes"):
        return True
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return True
    shell = get_ipython()
    return shell is None or getattr(shell, "kernel", None) is None


def _show(fig: Figure) -> None:
    """Display a figure once (into the current output or widget Output) and free it."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


def _excerpt(y: np.ndarray, sr: int) -> np.ndarray:
    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"expected a non-empty mono 1-D signal, got shape {y.shape}")
    return y[: int(MAX_SECONDS * sr)]


def _colorbar(fig: Figure, row: Any, *, label: str) -> None:
    """One colour bar for a row of images drawn on a common scale (the last one's colours)."""
    ax = row[-1]
    mappable = ax.collections[-1] if ax.collections else ax.images[-1]
    fig.colorbar(mappable, ax=list(row), label=label, shrink=0.9)


# --------------------------------------------------------------------------- STFT explorer
def _stft_image(y: np.ndarray, sr: int, n_fft: int, hop: int, window: str) -> np.ndarray:
    """Magnitude STFT in dB (``ref=np.max``), shape ``(1 + n_fft // 2, n_frames)``."""
    import librosa

    S = np.abs(librosa.stft(y=y, n_fft=n_fft, hop_length=hop, window=window, center=True))
    return librosa.amplitude_to_db(S, ref=np.max)


def _resolution_text(sr: int, n_fft: int, hop: int) -> str:
    """One line with the window duration Δt and the bin spacing Δf (their product is 1)."""
    dt, df = n_fft / sr, sr / n_fft
    return (
        f"n_fft = {n_fft} samples, hop = {hop} samples ({1000 * hop / sr:.1f} ms) | "
        f"Δt = n_fft / sr = {1000 * dt:.1f} ms, Δf = sr / n_fft = {df:.1f} Hz, Δt·Δf = {dt * df:.0f}"
    )


def _stft_figure(y: np.ndarray, sr: int, settings: list[tuple[int, float, str]]) -> Figure:
    """Side-by-side dB spectrograms, one per ``(n_fft, hop_fraction, window)``."""
    fig, axes = plt.subplots(1, len(settings), figsize=(5 * len(settings), 3.6), squeeze=False,
                             layout="constrained")
    for ax, (n_fft, hop_fraction, window) in zip(axes[0], settings):
        hop = max(1, int(n_fft * hop_fraction))
        plots.spectrogram(_stft_image(y, sr, n_fft, hop, window), sr=sr, hop_length=hop, y_axis="log",
                          ax=ax, colorbar=False, vmin=-80.0, vmax=0.0,
                          title=f"{window}, n_fft={n_fft}: Δt={1000 * n_fft / sr:.0f} ms, Δf={sr / n_fft:.1f} Hz")
    _colorbar(fig, axes[0], label="dB (0 = loudest)")
    return fig


def stft_explorer(y: np.ndarray, sr: int, *, static: bool | None = None) -> Any:
    """Explore the STFT's window length, hop and window type on a signal.

    Taught in notebook 01: long windows resolve frequency (small Δf = sr / n_fft)
    but blur time (large Δt = n_fft / sr), and vice versa.

    Parameters
    ----------
    y : numpy.ndarray
        Mono samples (only the first :data:`MAX_SECONDS` seconds are used).
    sr : int
        Sample rate in Hz.
    static : bool or None, optional
        Force the static fallback (``True``) or the widget (``False``);
        ``None`` (default) decides with :func:`use_static`.

    Returns
    -------
    ipywidgets.VBox or None
        The explorer (sliders, a Δt/Δf line and the redrawn spectrogram), or
        ``None`` in the static fallback, which shows three window lengths
        (512, 2048, 8192) side by side. The box's ``redraw(n_fft, hop_fraction,
        window)`` attribute is the callback and ``state`` holds the last drawing.
    """
    y = _excerpt(y, sr)
    if use_static() if static is None else static:
        _show(_stft_figure(y, sr, [(n, 0.25, "hann") for n in (512, 2048, 8192)]))
        return None

    import ipywidgets as W

    _show(_stft_figure(y, sr, [(2048, 0.25, "hann")]))  # the static first picture
    n_fft = W.SelectionSlider(options=list(N_FFT_OPTIONS), value=2048, description="n_fft")
    hop = W.SelectionSlider(options=list(HOP_FRACTIONS), value=0.25, description="hop / n_fft")
    window = W.Dropdown(options=list(WINDOWS), value="hann", description="window")
    info = W.HTML()
    state: dict[str, Any] = {"calls": 0}

    def redraw(n_fft: int, hop_fraction: float, window: str) -> None:
        hop_samples = max(1, int(n_fft * hop_fraction))
        S_db = _stft_image(y, sr, n_fft, hop_samples, window)
        info.value = f"<code>{_resolution_text(sr, n_fft, hop_samples)}</code>"
        fig, ax = plt.subplots(figsize=(9, 3.6))
        plots.spectrogram(S_db, sr=sr, hop_length=hop_samples, y_axis="log", ax=ax, vmin=-80.0, vmax=0.0,
                          title=f"{window} window, n_fft = {n_fft}")
        state.update(calls=state["calls"] + 1, S_db=S_db, settings=(n_fft, hop_fraction, window), text=info.value)
        _show(fig)

    out = W.interactive_output(redraw, {"n_fft": n_fft, "hop_fraction": hop, "window": window})
    box = W.VBox([W.HBox([n_fft, hop, window]), info, out])
    box.redraw, box.state = redraw, state
    return box


# --------------------------------------------------------------------------- mel explorer
def _mel_images(y: np.ndarray, sr: int, n_mels: int, fmax: float, n_mfcc: int) -> tuple[np.ndarray, np.ndarray]:
    """Log-mel spectrogram (dB, ``ref=np.max``) and its MFCCs; ``n_mfcc`` is capped at ``n_mels``."""
    import librosa

    S = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=MEL_N_FFT, hop_length=MEL_HOP, n_mels=n_mels, fmax=fmax)
    S_db = librosa.power_to_db(S, ref=np.max)
    M = librosa.feature.mfcc(S=S_db, n_mfcc=min(n_mfcc, n_mels))
    return S_db, M


def _mel_axes(col: Any, y: np.ndarray, sr: int, n_mels: int, fmax: float, n_mfcc: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw the log-mel (top) and MFCC (bottom) images of one setting into two axes; return both arrays."""
    S_db, M = _mel_images(y, sr, n_mels, fmax, n_mfcc)
    plots.spectrogram(S_db, sr=sr, hop_length=MEL_HOP, y_axis="mel", fmax=fmax, ax=col[0], colorbar=False,
                      vmin=-80.0, vmax=0.0, title=f"log-mel: {n_mels} bands up to {fmax:.0f} Hz")
    plots.mfcc(M, sr=sr, hop_length=MEL_HOP, ax=col[1], colorbar=False, title=f"{M.shape[0]} MFCCs")
    return S_db, M


def _mel_figure(y: np.ndarray, sr: int, settings: list[tuple[int, float, int]]) -> Figure:
    """One column per ``(n_mels, fmax, n_mfcc)``: log-mel on top, MFCC below."""
    fig, axes = plt.subplots(2, len(settings), figsize=(5 * len(settings), 6), squeeze=False, layout="constrained")
    for j, (n_mels, fmax, n_mfcc) in enumerate(settings):
        _mel_axes(axes[:, j], y, sr, n_mels, fmax, n_mfcc)
    _colorbar(fig, axes[0], label="dB (0 = loudest)")
    for ax in axes[1]:  # each MFCC image has its own scale
        _colorbar(fig, [ax], label="MFCC value")
    return fig


def mel_explorer(y: np.ndarray, sr: int, *, static: bool | None = None) -> Any:
    """Explore the number of mel bands, the top frequency and the number of MFCCs.

    Taught in notebook 02.

    Parameters
    ----------
    y : numpy.ndarray
        Mono samples (only the first :data:`MAX_SECONDS` seconds are used).
    sr : int
        Sample rate in Hz.
    static : bool or None, optional
        Force the static fallback (``True``) or the widget (``False``);
        ``None`` (default) decides with :func:`use_static`.

    Returns
    -------
    ipywidgets.VBox or None
        The explorer (sliders and the redrawn log-mel + MFCC images), or ``None``
        in the static fallback, which shows 32, 64 and 128 mel bands side by side.
        The box's ``redraw(n_mels, fmax, n_mfcc)`` attribute is the callback and
        ``state`` holds the last drawing.
    """
    y = _excerpt(y, sr)
    nyquist = sr / 2
    if use_static() if static is None else static:
        _show(_mel_figure(y, sr, [(n, nyquist, 20) for n in (32, 64, 128)]))
        return None

    import ipywidgets as W

    _show(_mel_figure(y, sr, [(128, nyquist, 20)]))  # the static first picture
    n_mels = W.IntSlider(value=128, min=16, max=256, step=16, description="n_mels")
    fmax = W.FloatSlider(value=nyquist, min=1000.0, max=nyquist, step=500.0, description="fmax (Hz)")
    n_mfcc = W.IntSlider(value=20, min=2, max=40, step=1, description="n_mfcc")
    state: dict[str, Any] = {"calls": 0}

    def redraw(n_mels: int, fmax: float, n_mfcc: int) -> None:
        fig, axes = plt.subplots(2, 1, figsize=(9, 6), layout="constrained")
        S_db, M = _mel_axes(axes, y, sr, n_mels, fmax, n_mfcc)
        state.update(calls=state["calls"] + 1, settings=(n_mels, fmax, n_mfcc), S_db=S_db, mfcc=M)
        _show(fig)

    out = W.interactive_output(redraw, {"n_mels": n_mels, "fmax": fmax, "n_mfcc": n_mfcc})
    box = W.VBox([W.HBox([n_mels, fmax, n_mfcc]), out])
    box.redraw, box.state = redraw, state
    return box


# --------------------------------------------------------------------------- file uploads
def _as_bytes(content: Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, (bytearray, memoryview)):
        return bytes(content)
    if hasattr(content, "tobytes"):  # numpy arrays
        return content.tobytes()
    raise TypeError(f"unexpected upload content of type {type(content).__name__}")


def uploaded_files(upload: Any) -> list[tuple[str, bytes]]:
    """The ``(file name, bytes)`` of every file in an ``ipywidgets.FileUpload``, in either version.

    Taught in notebook 10 (the genre app's "upload your own song"). ``FileUpload.value``
    is a dict ``{name: {"metadata": {...}, "content": bytes}}`` in ipywidgets 7 (Colab)
    and a tuple of dicts ``{"name", "type", "size", "content": memoryview, "last_modified"}``
    in ipywidgets 8 (JupyterLab); both give the same list here.

    Parameters
    ----------
    upload : ipywidgets.FileUpload, or its ``value``
        The widget (or anything with a ``value`` of one of the two shapes).

    Returns
    -------
    list of (str, bytes)
        Empty when nothing was uploaded.
    """
    value = getattr(upload, "value", upload)
    if not value:
        return []
    if isinstance(value, dict):  # ipywidgets 7
        return [(str(name), _as_bytes(item["content"])) for name, item in value.items()]
    out = []
    for item in value:  # ipywidgets 8
        name = item.get("name") or item.get("metadata", {}).get("name", "upload")
        out.append((str(name), _as_bytes(item["content"])))
    return out
