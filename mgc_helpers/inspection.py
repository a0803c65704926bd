"""Looking inside a trained CNN: first-layer filters, activations and saliency maps.

Taught in notebook 05 (its CNN); notebook 07 shows its CRNN's convolution filters with it
(report 001's "Conv1 filter 1"). Three questions, three tools:

- **What does a first-layer filter look for?** Its weights are a tiny image over
  (mel bands x frames): :func:`first_layer_filters`, :func:`plot_filters`. A horizontal stripe
  reacts to a steady pitch, a vertical one to an onset (a drum hit), a diagonal to a glide.
- **Where does a filter fire on a real spectrogram?** :func:`activations`,
  :func:`plot_activations`: the feature maps of one layer for one input.
- **Which time-frequency bins decided the genre?** :func:`saliency`: the gradient of the
  class score with respect to the input (Simonyan et al., 2014), shown over the spectrogram
  by :func:`plot_saliency`.

This module imports TensorFlow/Keras when it is imported.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._tensorflow import import_keras, import_tensorflow

tf = import_tensorflow()
keras = import_keras()

__all__ = ["conv_layers", "first_layer_filters", "plot_filters", "activations", "plot_activations",
           "saliency", "plot_saliency", "plot_spec_augment"]


def conv_layers(model: Any) -> list[Any]:
    """The 2-D convolution layers of ``model``, input to output.

    Taught in notebook 05.
    """
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def _layer(model: Any, layer: str | int | None) -> Any:
    convs = conv_layers(model)
    if layer is None:
        if not convs:
            raise ValueError(f"model {model.name!r} has no Conv2D layer")
        return convs[0]
    if isinstance(layer, int):
        return model.layers[layer]
    return model.get_layer(layer)


def first_layer_filters(model: Any, *, layer: str | int | None = None, channel: int | None = None) -> np.ndarray:
    """The kernels of the first convolution (or of ``layer``), one image per filter.

    Taught in notebook 05; notebook 07 shows its CRNN's ``conv1`` and ``conv3`` with it
    (report 001's "Conv1 filter 1").

    Parameters
    ----------
    model : keras.Model
    layer : str or int, optional, keyword-only
        Layer name or index (default: the first Conv2D layer).
    channel : int, optional, keyword-only
        Show the weights on this input channel only (a deeper layer has one per filter of
        the layer below); default: the input channels are summed (one channel for a spectrogram,
        where both are the same).

    Returns
    -------
    numpy.ndarray, shape (n_filters, kernel_height, kernel_width)
        Kernel heights run over mel bands, widths over frames.
    """
    conv = _layer(model, layer)
    kernel = np.asarray(conv.get_weights()[0])  # (kh, kw, in, out)
    if channel is None:
        kernel = kernel.sum(axis=2)
    elif not 0 <= int(channel) < kernel.shape[2]:
        raise ValueError(f"channel must be in [0, {kernel.shape[2]}) for layer {conv.name!r}, got {channel}")
    else:
        kernel = kernel[:, :, int(channel)]
    return np.moveaxis(kernel, -1, 0)


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return int(np.ceil(n / ncols)), ncols


def plot_filters(
    model: Any,
    *,
    layer: str | int | None = None,
    channel: int | None = None,
    ncols: int = 8,
    shared_scale: bool = False,
    title: str | None = None,
) -> Any:
    """Show each kernel of :func:`first_layer_filters` as a small image (blue negative, red positive).

    Taught in notebook 05; used by notebook 07 for its CRNN's ``conv1`` and ``conv3``.

    Parameters
    ----------
    model : keras.Model
    layer, channel : keyword-only
        As :func:`first_layer_filters`.
    ncols : int, keyword-only
        Kernels per row.
    shared_scale : bool, keyword-only
        False: each kernel gets its own colour range (its pattern is always visible).
        True: one range for all kernels and one colour bar, so weak filters look weak.
    title : str, optional, keyword-only

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    kernels = first_layer_filters(model, layer=layer, channel=channel)
    nrows, ncols = _grid(len(kernels), ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.3 * nrows), squeeze=False)
    shared = float(np.abs(kernels).max()) or 1.0
    image = None
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k < len(kernels):
            lim = shared if shared_scale else (float(np.abs(kernels[k]).max()) or 1.0)
            image = ax.imshow(kernels[k], origin="lower", cmap="coolwarm", vmin=-lim, vmax=lim, aspect="auto")
            ax.set_title(str(k), fontsize=7)
        else:
            ax.axis("off")
    on = "" if channel is None else f", input channel {channel}"
    fig.suptitle(title or f"{_layer(model, layer).name}{on}: kernels (vertical = mel bands, horizontal = frames)",
                 fontsize=9)
    fig.tight_layout()
    if shared_scale and image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, label="weight")
    return fig


def activations(model: Any, x: np.ndarray, *, layer: str | int | None = None) -> np.ndarray:
    """The output of one layer for one input (or a batch).

    Taught in notebook 05.

    Parameters
    ----------
    model : keras.Model
    x : numpy.ndarray, shape (n_bands, n_frames, 1) or (n, n_bands, n_frames, 1)
    layer : str or int, optional, keyword-only
        Default: the first Conv2D layer.

    Returns
    -------
    numpy.ndarray
        Shape of the layer's output; the batch axis is dropped for a single input.
    """
    target = _layer(model, layer)
    single = np.ndim(x) == len(model.input_shape) - 1
    batch = np.asarray(x, dtype=np.float32)[None] if single else np.asarray(x, dtype=np.float32)
    probe = keras.Model(model.input, target.output)
    out = np.asarray(probe(batch, training=False))
    return out[0] if single else out


def plot_activations(
    model: Any, x: np.ndarray, *, layer: str | int | None = None, n: int = 8, ncols: int = 4
) -> Any:
    """The input spectrogram and the feature maps of ``n`` filters of ``layer`` for it.

    Taught in notebook 05.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    maps = activations(model, x, layer=layer)
    n = min(n, maps.shape[-1])
    nrows, ncols = _grid(n + 1, ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.6 * ncols, 1.8 * nrows), squeeze=False)
    image = axes.flat[0].imshow(np.asarray(x)[..., 0], origin="lower", aspect="auto", cmap="magma")
    axes.flat[0].set_title("input (standardised log-mel)", fontsize=8)
    fig.colorbar(image, ax=axes.flat[0], fraction=0.08, pad=0.02).ax.tick_params(labelsize=6)
    lo, hi = float(np.min(maps[..., :n])), float(np.max(maps[..., :n]))
    for k in range(n):  # one colour scale for every map, so that their strengths compare
        shown = axes.flat[k + 1].imshow(maps[..., k], origin="lower", aspect="auto", cmap="viridis", vmin=lo,
                                        vmax=hi if hi > lo else lo + 1.0)
        axes.flat[k + 1].set_title(f"filter {k}", fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in list(axes.flat)[n + 1:]:
        ax.axis("off")
    fig.suptitle(f"activations of {_layer(model, layer).name}", fontsize=9)
    fig.tight_layout()
    if n:
        bar = fig.colorbar(shown, ax=list(axes.flat[1:n + 1]), fraction=0.03, pad=0.02)
        bar.set_label("activation", fontsize=7)
        bar.ax.tick_params(labelsize=6)
    return fig


def saliency(model: Any, x: np.ndarray, *, class_index: int | None = None) -> tuple[np.ndarray, int]:
    """Vanilla gradient saliency: :math:`|\\partial s_c / \\partial x|` for one input.

    Taught in notebook 05. :math:`s_c` is the network's output for class ``c`` (the predicted
    class by default); a large gradient marks a time-frequency bin whose change would move
    that score most.

    Parameters
    ----------
    model : keras.Model
    x : numpy.ndarray, shape (n_bands, n_frames, 1)
    class_index : int, optional, keyword-only
        Class whose score is explained (default: the predicted class).

    Returns
    -------
    (numpy.ndarray, int)
        The saliency map, shape (n_bands, n_frames), non-negative, and the class explained.
    """
    batch = tf.convert_to_tensor(np.asarray(x, dtype=np.float32)[None])
    with tf.GradientTape() as tape:
        tape.watch(batch)
        proba = model(batch, training=False)
        c = int(np.argmax(proba[0])) if class_index is None else int(class_index)
        score = proba[0, c]
    grad = tape.gradient(score, batch)
    return np.abs(grad.numpy()[0, ..., 0]), c


def plot_saliency(
    model: Any, x: np.ndarray, *, class_names: Sequence[str] | None = None, class_index: int | None = None,
    title: str = "",
) -> Any:
    """The input spectrogram next to its saliency map for the predicted (or given) class.

    Taught in notebook 05.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    sal, c = saliency(model, x, class_index=class_index)
    name = class_names[c] if class_names is not None else str(c)
    fig, axes = plt.subplots(1, 2, figsize=(9, 2.8), sharey=True)
    shown = axes[0].imshow(np.asarray(x)[..., 0], origin="lower", aspect="auto", cmap="magma")
    axes[0].set_title(f"input {title}".strip(), fontsize=9)
    fig.colorbar(shown, ax=axes[0], pad=0.02).set_label("standardised log-mel", fontsize=8)
    shown = axes[1].imshow(sal, origin="lower", aspect="auto", cmap="hot")
    axes[1].set_title(f"saliency for '{name}'", fontsize=9)
    fig.colorbar(shown, ax=axes[1], pad=0.02).set_label("|gradient|", fontsize=8)
    for ax in axes:
        ax.set_xlabel("frame")
    axes[0].set_ylabel("mel band")
    return fig


def plot_spec_augment(x: np.ndarray, *, rng: np.random.Generator, n: int = 3, **options: Any) -> Any:
    """One input next to ``n`` SpecAugment-masked copies of it, on one colour scale with its colour bar.

    Taught in notebook 05 (augmentation). The masks are :func:`mgc_helpers.segments.spec_augment`'s
    (``options`` are its ``freq_masks``, ``time_masks``, ``max_freq``, ``max_time``, ``value``).

    Parameters
    ----------
    x : numpy.ndarray, shape (n_bands, n_frames, 1) or (n_bands, n_frames)
    rng : numpy.random.Generator, keyword-only
    n : int, keyword-only
        Masked copies.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from .segments import spec_augment

    image = np.asarray(x, dtype=np.float32)
    image = image[..., 0] if image.ndim == 3 else image
    masked = spec_augment(np.repeat(image[None], n, axis=0), rng=rng, **options)
    fig, axes = plt.subplots(1, n + 1, figsize=(3 * (n + 1), 2.4), sharey=True, squeeze=False)
    lo, hi = float(image.min()), float(image.max())
    for ax, img, title in zip(axes[0], [image, *masked], ["original", *(f"masked {k + 1}" for k in range(n))]):
        shown = ax.imshow(img, origin="lower", aspect="auto", cmap="magma", vmin=lo, vmax=hi if hi > lo else lo + 1)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("frame")
    axes[0, 0].set_ylabel("mel band")
    fig.colorbar(shown, ax=list(axes[0]), pad=0.01, fraction=0.03).set_label("standardised log-mel", fontsize=8)
    return fig
