"""ImageNet backbones on spectrogram images: VGG16, ResNet50, MobileNetV2 (reports 003 and 004).

Taught in notebook 08 (transfer learning). A log-mel spectrogram becomes a 3-channel
"image" (:func:`spectrogram_image`), a ``keras.applications`` network pretrained on
ImageNet extracts features, and a new head classifies genres: report 003's 256-128-64
dense layers. Training goes in two phases (report 004): first the head alone on the frozen
backbone, then the top blocks unfrozen at a lower learning rate (:func:`two_phase_fit`);
report 003 adds cyclical learning rates and the 1cycle policy, the course's one copy of which
is :class:`mgc_helpers.training.CyclicSchedule` and :func:`mgc_helpers.training.one_cycle_schedule`.

``weights="imagenet"`` downloads the weights (Keras caches them in ``~/.keras``) when the
machine is online (Colab, Binder). Offline one sentence says so and the network starts
from random weights, so the notebook still runs (but then it is not transfer learning).

References
----------
K. Simonyan, A. Zisserman, "Very deep convolutional networks for large-scale image
recognition", 2014; K. He et al., "Deep residual learning for image recognition", 2016;
M. Sandler et al., "MobileNetV2", 2018; L. N. Smith, "Cyclical learning rates for
training neural networks", 2017, and "A disciplined approach to neural network
hyper-parameters", 2018.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .._tensorflow import import_keras

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "BACKBONES",
    "TOP_BLOCKS",
    "spectrogram_image",
    "spectrogram_images",
    "preprocess",
    "load_backbone",
    "build_classifier",
    "unfreeze_top",
    "two_phase_fit",
    "imagenet_classifier",
]

#: Backbone name -> (``keras.applications`` constructor, module with ``preprocess_input``).
BACKBONES: dict[str, tuple[str, str]] = {
    "vgg16": ("VGG16", "vgg16"),
    "resnet50": ("ResNet50", "resnet"),
    "mobilenetv2": ("MobileNetV2", "mobilenet_v2"),
}

#: Layer-name prefixes of each backbone's top blocks, from the output down (what
#: :func:`unfreeze_top` thaws, one group per block).
TOP_BLOCKS: dict[str, tuple[tuple[str, ...], ...]] = {
    "vgg16": (("block5_",), ("block4_",), ("block3_",)),
    "resnet50": (("conv5_block3_",), ("conv5_block2_",), ("conv5_block1_",), ("conv4_",)),
    "mobilenetv2": (("Conv_1", "out_relu", "block_16_"), ("block_15_",), ("block_14_",), ("block_13_",)),
}


def _check(backbone: str) -> str:
    if backbone not in BACKBONES:
        raise ValueError(f"backbone must be one of {sorted(BACKBONES)}, got {backbone!r}")
    return backbone


# --------------------------------------------------------------------------- spectrogram -> image
def _resize(a: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of the last two axes (pixel centres aligned, like an image resize)."""
    out = a
    for axis, n_out in ((-2, shape[0]), (-1, shape[1])):
        n_in = out.shape[axis]
        pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        w = (pos - lo).reshape([-1 if ax == axis % out.ndim else 1 for ax in range(out.ndim)])
        out = np.take(out, lo, axis=axis) * (1 - w) + np.take(out, hi, axis=axis) * w
    return out


def spectrogram_images(
    S_db: np.ndarray,
    *,
    size: tuple[int, int] = (224, 224),
    top_db: float = 80.0,
    cmap: str | None = None,
) -> np.ndarray:
    """A batch of spectrograms in dB ``(n, n_mels, frames)`` as RGB images ``(n, H, W, 3)`` in [0, 255].

    Taught in notebook 08. Each spectrogram is scaled from ``[max - top_db, max]`` to
    ``[0, 255]`` (its loudest bin white), flipped so that low frequencies are at the
    bottom (as it is drawn), resized bilinearly to ``size`` (the backbone's input, e.g.
    224x224), and either repeated on the three channels (``cmap=None``) or coloured with
    a matplotlib colour map (e.g. ``"magma"``, as when plotted images are used).
    """
    S = np.asarray(S_db, dtype=np.float32)
    if S.ndim != 3:
        raise ValueError(f"expected a batch (n, n_mels, frames), got shape {S.shape}")
    peak = S.max(axis=(1, 2), keepdims=True)
    unit = np.clip((S - (peak - top_db)) / top_db, 0.0, 1.0)[:, ::-1, :]
    unit = _resize(unit, size)
    if cmap is None:
        rgb = np.repeat(unit[..., None], 3, axis=-1)
    else:
        import matplotlib

        rgb = matplotlib.colormaps[cmap](unit)[..., :3]
    return (255.0 * rgb).astype(np.float32)


def spectrogram_image(S_db: np.ndarray, *, size: tuple[int, int] = (224, 224), top_db: float = 80.0,
                      cmap: str | None = None) -> np.ndarray:
    """One spectrogram in dB ``(n_mels, frames)`` as an RGB image ``(H, W, 3)`` (see :func:`spectrogram_images`).

    Taught in notebook 08.
    """
    return spectrogram_images(np.asarray(S_db)[None], size=size, top_db=top_db, cmap=cmap)[0]


def preprocess(images: np.ndarray, *, backbone: str) -> np.ndarray:
    """The backbone's own input normalisation (``keras.applications.<model>.preprocess_input``).

    Taught in notebook 08. VGG16 and ResNet50 expect BGR minus the ImageNet mean pixel;
    MobileNetV2 expects values in [-1, 1]. Apply it to the [0, 255] images of
    :func:`spectrogram_images` before training or predicting.
    """
    import importlib

    module = importlib.import_module(f"keras.applications.{BACKBONES[_check(backbone)][1]}")
    return np.asarray(module.preprocess_input(np.array(images, dtype=np.float32, copy=True)))


# --------------------------------------------------------------------------- models
def load_backbone(
    backbone: str = "vgg16",
    *,
    input_shape: tuple[int, int, int] = (224, 224, 3),
    weights: str | None = "imagenet",
) -> "keras.Model":
    """A ``keras.applications`` network without its classifier (``include_top=False``), named ``backbone``.

    Taught in notebook 08. With ``weights="imagenet"`` the pretrained weights are
    downloaded (once); when that fails (offline), one sentence is printed and the network
    is returned with random weights instead -- the notebook goes on, but it is then
    training from scratch, not transfer learning.
    """
    keras = import_keras()

    ctor = getattr(keras.applications, BACKBONES[_check(backbone)][0])
    kwargs: dict[str, Any] = {"include_top": False, "input_shape": tuple(input_shape)}
    if weights == "imagenet":
        try:
            return _named_backbone(ctor, weights="imagenet", **kwargs)
        except Exception as exc:  # keras.utils.get_file raises a bare Exception("URL fetch failure ...")
            if not (isinstance(exc, OSError) or "URL fetch failure" in str(exc)):
                raise
            print(f"The ImageNet weights of {backbone} could not be downloaded (offline?), so it starts from "
                  "random weights: this run trains from scratch instead of transferring.")
    elif weights is not None:
        kwargs["weights"] = weights  # a path to a weights file
        return _named_backbone(ctor, **kwargs)
    return _named_backbone(ctor, weights=None, **kwargs)


def _named_backbone(ctor: Any, **kwargs: Any) -> "keras.Model":
    """``ctor(name="backbone", **kwargs)``; Keras 3.0 (the lowest supported) has no ``name`` there."""
    try:
        return ctor(name="backbone", **kwargs)
    except TypeError as exc:
        if "name" not in str(exc):
            raise
    net = ctor(**kwargs)
    net.name = "backbone"
    return net


def build_classifier(
    n_classes: int,
    *,
    backbone: str = "vgg16",
    input_shape: tuple[int, int, int] = (224, 224, 3),
    weights: str | None = "imagenet",
    head: Sequence[int] = (256, 128, 64),
    dropout: float = 0.5,
    pooling: str = "avg",
) -> "keras.Model":
    """Backbone (frozen) + report 003's dense head ``256-128-64`` + softmax over ``n_classes``.

    Taught in notebook 08. The backbone starts frozen (phase 1 of :func:`two_phase_fit`)
    and runs in inference mode (its batch norms keep the ImageNet statistics).

    Parameters
    ----------
    n_classes : int
        Number of genres.
    backbone : {"vgg16", "resnet50", "mobilenetv2"}, keyword-only
    input_shape : tuple, keyword-only
        Image size (``(224, 224, 3)`` is what ImageNet training used; at least 32x32).
    weights : "imagenet" or None, keyword-only
        See :func:`load_backbone` (tests use ``None``).
    head : sequence of int, keyword-only
        Units of the ReLU dense layers of the head (report 003: 256-128-64).
    dropout : float, keyword-only
        Dropout after each head layer.
    pooling : {"avg", "flatten"}, keyword-only
        How the backbone's last feature map becomes a vector (global average, or all of it).
    """
    keras = import_keras()
    layers = keras.layers

    if pooling not in ("avg", "flatten"):
        raise ValueError(f"pooling must be 'avg' or 'flatten', got {pooling!r}")
    base = load_backbone(backbone, input_shape=input_shape, weights=weights)
    base.trainable = False
    x_in = keras.Input(shape=tuple(input_shape), name="image")
    x = base(x_in, training=False)
    x = layers.GlobalAveragePooling2D(name="pool")(x) if pooling == "avg" else layers.Flatten(name="pool")(x)
    for i, units in enumerate(head, start=1):
        x = layers.Dense(units, activation="relu", name=f"head{i}")(x)
        x = layers.Dropout(dropout, name=f"head{i}_dropout")(x)
    out = layers.Dense(n_classes, activation="softmax", name="genre")(x)
    return keras.Model(x_in, out, name=f"{backbone}_genres")


def unfreeze_top(model: "keras.Model", *, backbone: str, n_blocks: int = 1) -> list[str]:
    """Make the top ``n_blocks`` blocks of the backbone trainable (batch norms stay frozen); return their names.

    Taught in notebook 08 (phase 2 of report 004). ``model`` is from :func:`build_classifier`
    (or the backbone itself). Recompile afterwards, with a lower learning rate.
    """
    keras = import_keras()

    groups = TOP_BLOCKS[_check(backbone)]
    if not 1 <= n_blocks <= len(groups):
        raise ValueError(f"n_blocks must be in 1..{len(groups)} for {backbone}, got {n_blocks}")
    prefixes = tuple(p for group in groups[:n_blocks] for p in group)
    base = model.get_layer("backbone") if any(l.name == "backbone" for l in model.layers) else model
    base.trainable = True
    thawed = []
    for layer in base.layers:
        keep = layer.name.startswith(prefixes) and not isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = keep
        if keep and layer.weights:
            thawed.append(layer.name)
    return thawed


def two_phase_fit(
    model: "keras.Model",
    x: Any,
    y: Any = None,
    *,
    backbone: str,
    epochs: tuple[int, int] = (5, 5),
    learning_rates: tuple[float, float] = (1e-3, 1e-5),
    n_blocks: int = 1,
    validation_data: Any = None,
    batch_size: int | None = 32,
    callbacks: Sequence[Any] = (),
    verbose: int = 0,
) -> tuple[Any, Any]:
    """Report 004's recipe: train the head on the frozen backbone, then fine-tune its top blocks at a lower rate.

    Taught in notebook 08.

    Parameters
    ----------
    model : keras.Model
        From :func:`build_classifier`.
    x, y
        Training data (images preprocessed with :func:`preprocess`, integer labels).
    backbone : str, keyword-only
        Which backbone ``model`` uses (for :func:`unfreeze_top`).
    epochs, learning_rates : pairs, keyword-only
        Per phase (Adam). Phase 2's rate is typically 10-100 times lower.
    n_blocks : int, keyword-only
        Top blocks unfrozen in phase 2.

    Returns
    -------
    (keras.callbacks.History, keras.callbacks.History)
        The two phases' histories.
    """
    keras = import_keras()

    base = model.get_layer("backbone")
    base.trainable = False
    fit = dict(validation_data=validation_data, batch_size=batch_size, callbacks=list(callbacks), verbose=verbose)
    model.compile(optimizer=keras.optimizers.Adam(learning_rates[0]), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    first = model.fit(x, y, epochs=epochs[0], **fit)
    unfreeze_top(model, backbone=backbone, n_blocks=n_blocks)
    model.compile(optimizer=keras.optimizers.Adam(learning_rates[1]), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    second = model.fit(x, y, epochs=epochs[0] + epochs[1], initial_epoch=epochs[0], **fit)
    return first, second


def imagenet_classifier(
    n_classes: int,
    *,
    backbone: str = "vgg16",
    image_size: int = 64,
    weights: str | None = "imagenet",
    head: Sequence[int] = (256, 128, 64),
) -> tuple["keras.Model", bool]:
    """:func:`build_classifier` on square images, and whether it is really pretrained.

    Taught in notebook 08. Returns ``(model, pretrained)``: ``pretrained`` is ``False``
    when ``weights`` is ``None`` or the ImageNet weights could not be downloaded (offline:
    :func:`load_backbone` then says so in one sentence and starts from random weights), so
    a notebook can skip training that would not transfer.

    Parameters
    ----------
    n_classes : int
        Number of genres.
    backbone, weights, head : keyword-only
        As :func:`build_classifier`.
    image_size : int, keyword-only
        Images of ``(image_size, image_size, 3)``.

    Returns
    -------
    (keras.Model, bool)
    """
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        model = build_classifier(n_classes, backbone=backbone, input_shape=(image_size, image_size, 3),
                                 weights=weights, head=tuple(head))
    said = buffer.getvalue()
    if said:
        print(said.strip().splitlines()[-1])  # keras' "Downloading data from ..." line is left out
    return model, weights == "imagenet" and "could not be downloaded" not in said
