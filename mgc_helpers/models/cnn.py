"""Convolutional networks on log-mel "images": reports 002 and 000, and the course's recommended CNN.

Taught in notebook 05. Inputs have shape ``(n_bands, n_frames, 1)``: mel bands (low to
high) by frames (time), one channel, standardised per band
(:class:`mgc_helpers.segments.Standardizer`).

- :func:`report002_cnn` — report 002 (GTZAN on Colab): 128 x 660 mel input, conv 16 3x3 ->
  max-pool 2x4 -> conv 32 3x3 -> max-pool 2x4 -> dense 64 -> softmax, ReLU, dropout
  (68 % test, 84 % train).
- :func:`report000_cnn` — report 000: four blocks of conv (32, then 64 filters, 4x4 kernel,
  4x4 stride, "same" padding, ReLU) + max-pool 2x2 + dropout 0.5, flatten, dense, softmax;
  Adam with learning rate 0.003 (its 99.88 % comes from a leaky evaluation: notebook 03).
- :func:`recommended_cnn` — the course's small modern CNN: conv-batch-norm-ReLU blocks with
  max-pooling, global average pooling (so it accepts any crop length and has few
  parameters), dropout, softmax.

Importing this module imports Keras.
"""
from __future__ import annotations

from typing import Sequence

from .._tensorflow import import_keras

keras = import_keras()
layers = keras.layers

__all__ = ["report002_cnn", "report000_cnn", "recommended_cnn", "REPORT000_LEARNING_RATE", "pool_padding"]

#: Report 000's Adam learning rate (it first tried 0.0003, which "proved to be too small").
REPORT000_LEARNING_RATE = 0.003


def report002_cnn(
    input_shape: Sequence[int] = (128, 660, 1),
    n_classes: int = 10,
    *,
    dropout: float = 0.3,
    name: str = "report002_cnn",
) -> keras.Model:
    """Report 002's CNN: conv16 3x3 -> max-pool 2x4 -> conv32 3x3 -> max-pool 2x4 -> dense 64 -> softmax.

    Taught in notebook 05. Convolutions use Keras' default "valid" padding and ReLU; the
    seed says only that "dropout was also used", so dropout (rate ``dropout``) follows the
    flattened features and the dense layer. Parameters at 128 x 660 and 10 classes:
    160 + 4,640 + 2,457,664 + 650 = **2,463,114**, 99.8 % of them in the dense layer that reads
    the 30 x 40 x 32 = 38,400 flattened values: the reason this network over-fits GTZAN after
    15–20 epochs (report 002's own observation).

    Parameters
    ----------
    input_shape : sequence of int
        ``(n_bands, n_frames, 1)``; the seed used ``(128, 660, 1)``.
    n_classes : int
    dropout : float, keyword-only
    name : str, keyword-only

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs = keras.Input(shape=tuple(input_shape), name="logmel")
    x = layers.Conv2D(16, (3, 3), activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D((2, 4), name="pool1")(x)
    x = layers.Conv2D(32, (3, 3), activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D((2, 4), name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout1")(x)
    x = layers.Dense(64, activation="relu", name="dense64")(x)
    x = layers.Dropout(dropout, name="dropout2")(x)
    outputs = layers.Dense(int(n_classes), activation="softmax", name="genre")(x)
    return keras.Model(inputs, outputs, name=name)


def pool_padding(height: int, width: int, pool: Sequence[int] = (2, 2)) -> str:
    """``"valid"`` if a ``pool`` max-pooling fits a ``height x width`` map, else ``"same"``.

    Used by :func:`report000_cnn` (notebook 05): "valid" pooling of a map smaller than the pool
    would have no output at all; "same" pooling pads it and keeps at least one value.
    """
    return "valid" if height >= pool[0] and width >= pool[1] else "same"


def report000_cnn(
    input_shape: Sequence[int] = (96, 1366, 1),
    n_classes: int = 10,
    *,
    filters: Sequence[int] = (32, 64, 64, 64),
    dense_units: int = 64,
    dropout: float = 0.5,
    name: str = "report000_cnn",
) -> keras.Model:
    """Report 000's CNN: 4 x [conv 4x4 stride 4 "same" ReLU -> max-pool 2x2 -> dropout 0.5] -> flatten -> dense -> softmax.

    Taught in notebook 05. Train it with Adam at :data:`REPORT000_LEARNING_RATE` (0.003).
    Each block divides both axes by 4 (the strided convolution) and then by 2 (the pooling),
    so by 8 in all: the report's 96 x 1366 input becomes 12 x 171 after block 1, 1 x 21 after
    block 2 (the convolution leaves 3 x 43), 1 x 3 after block 3 (the convolution leaves 1 x 6:
    a single band, smaller than the pool) and 1 x 1 after block 4. **Where the described shapes collapse** (a
    map smaller than the 2 x 2 pool, which "valid" pooling would reduce to nothing) the pooling
    uses ``padding="same"`` (:func:`pool_padding` decides per block from the static shape);
    elsewhere it is Keras' default "valid". The seed does not give the dense layer's width;
    ``dense_units=64`` is our choice, with ReLU.

    Parameters
    ----------
    input_shape : sequence of int
        ``(n_bands, n_frames, 1)``; the seed used 96 mel bands x 1366 frames.
    n_classes : int
    filters : sequence of int, keyword-only
        Filters of the four blocks (the seed: 32, then 64).
    dense_units : int, keyword-only
    dropout : float, keyword-only
    name : str, keyword-only

    Returns
    -------
    keras.Model
        Not compiled.
    """
    inputs = keras.Input(shape=tuple(input_shape), name="logmel")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(int(f), (4, 4), strides=(4, 4), padding="same", activation="relu", name=f"conv{i}")(x)
        h, w = x.shape[1], x.shape[2]
        x = layers.MaxPooling2D((2, 2), padding=pool_padding(h, w), name=f"pool{i}")(x)
        x = layers.Dropout(dropout, name=f"dropout{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(int(dense_units), activation="relu", name="dense")(x)
    outputs = layers.Dense(int(n_classes), activation="softmax", name="genre")(x)
    return keras.Model(inputs, outputs, name=name)


def recommended_cnn(
    input_shape: Sequence[int],
    n_classes: int,
    *,
    filters: Sequence[int] = (16, 32, 64),
    kernel_size: int = 3,
    pool: Sequence[int] = (2, 2),
    dropout: float = 0.3,
    l2: float = 0.0,
    bn_momentum: float = 0.9,
    name: str = "recommended_cnn",
) -> keras.Model:
    """The course's recommended CNN: [conv 3x3 -> batch norm -> ReLU -> max-pool] x 3 -> global average pooling -> dropout -> softmax.

    Taught in notebook 05. Three ideas make it small and robust:

    - **batch normalisation** after each convolution (stable, fast training at a high
      learning rate);
    - **global average pooling** instead of Flatten: every filter's map is averaged over
      bands and time, so the classifier has ``filters[-1] * n_classes`` weights instead of
      millions (report 002's dense layer), and the network accepts any crop length;
    - dropout before the classifier.

    With the defaults, one input channel and 10 classes: 24,282 parameters, 24,058 of them
    trained (the other 224 are the batch-norm running means and variances).

    Parameters
    ----------
    input_shape : sequence of int
        ``(n_bands, n_frames, 1)``; ``n_frames`` may be ``None`` (any length).
    n_classes : int
    filters : sequence of int, keyword-only
        Filters of each block (one block per entry).
    kernel_size : int, keyword-only
    pool : sequence of int, keyword-only
        Max-pooling size after each block (``"same"`` padding, so short inputs never collapse).
    dropout : float, keyword-only
    l2 : float, keyword-only
        L2 penalty on the convolution kernels (0: none).
    bn_momentum : float, keyword-only
        Momentum of the batch-norm running statistics. 0.9 rather than Keras' 0.99: with a few
        hundred training steps (the toy data) the slower average would still remember the random
        first steps at test time.
    name : str, keyword-only

    Returns
    -------
    keras.Model
        Not compiled.
    """
    reg = keras.regularizers.L2(l2) if l2 > 0 else None
    inputs = keras.Input(shape=tuple(input_shape), name="logmel")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(int(f), kernel_size, padding="same", use_bias=False, kernel_regularizer=reg,
                          name=f"conv{i}")(x)
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{i}")(x)
        x = layers.Activation("relu", name=f"relu{i}")(x)
        x = layers.MaxPooling2D(tuple(pool), padding="same", name=f"pool{i}")(x)
    x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(int(n_classes), activation="softmax", name="genre")(x)
    return keras.Model(inputs, outputs, name=name)
