"""Report 001's convolutional recurrent network (CRNN, after Choi et al. 2017), layer for layer.

Taught in notebook 07. Report 001 classified four FMA genres (Electronic, Rock, Hip-Hop,
Folk) from 96-band log-mel spectrograms of 29.12-s clips (96 x 1366 frames, hop 512 at
22050 Hz) and printed its Keras summary (18,356 parameters). :func:`crnn_report001`
rebuilds that table exactly; :data:`REPORT001_TABLE` holds it and
:func:`compare_with_seed` puts the two side by side.

Reading the table line by line
------------------------------
==========  ==============================  =======  ==========================================
layer       seed output (channels first)    params   what it tells us
==========  ==============================  =======  ==========================================
input_1     (1, 96, 1366)                   0        no batch norm on the input or frequency axis
conv1       (16, 96, 1366)                  80       16 x (2*2*1 + 1): a **2x2** kernel, "same"
bn1         (16, 96, 1366)                  64       4 x 16 (gamma, beta, moving mean/var)
pool1       (16, 24, 341)                   0        4x4 max pool, "valid" (1366/4 -> 341)
dropout1    AlphaDropout                    0
conv2       (32, 24, 341)                   2080     32 x (2*2*16 + 1): **2x2**
bn2         (32, 24, 341)                   128
pool2       (32, 12, 170)                   0        2x2
dropout2    AlphaDropout                    0
conv3       (32, 12, 170)                   9248     32 x (3*3*32 + 1): **3x3**
bn3         (32, 12, 170)                   128
pool3       (32, 6, 85)                     0        2x2
dropout3    AlphaDropout                    0
permute_1   (85, 32, 6)                     0        (time, channels, frequency)
reshape_1   (510, 32)                       0        85 * 6 = 510 steps of 32 values
gru1        (510, 16)                       2352     3 x (16 x (32 + 16) + 16): reset_after=False
gru2        (16,)                           1584     3 x (16 x (16 + 16) + 16)
final_drop  AlphaDropout                    0
hidden1     (128,)                          2176     16 x 128 + 128
output      (4,)                            516      128 x 4 + 4
==========  ==============================  =======  ==========================================

Total 18,356 = 18,196 trainable + 160 non-trainable (the moving means and variances of
the three batch norms: 2 x (16 + 32 + 32)). The kernel sizes are not printed by Keras
but follow from the parameter counts, and they agree with report 001's table of FMA-medium
variants ("16 F (2,2) 32 F (2,2) 32 F (3,3)"). The GRU of standalone Keras before tf.keras 2 had
no second recurrent bias (``reset_after=False``); tf.keras 2's and Keras 3's default (``True``) would give 2,400 + 1,632.

Layout and two faithful quirks
------------------------------
* The course uses channels-last images ``(96, frames, 1)`` (TensorFlow's CPU
  convolutions do not support channels-first); the permute ``(2, 3, 1)`` brings the
  tensor to exactly the report's ``(time, channels, frequency)`` order, so every shape
  and parameter matches.
* The reshape of ``(85, 32, 6)`` to ``(510, 32)`` reads memory in order, so one "step"
  of the GRU is 32 consecutive (channel, frequency) values of one time frame, not one
  channel vector: the sequence runs 6 steps per frame. We reproduce it
  (``reshape="report"``); ``reshape="time"`` gives the textbook CRNN layout, one step
  per time frame with all ``channels x frequency`` values (more GRU parameters).
* Dropout rates are not printed; the default 0.1 is Choi et al.'s.

The trained filters are drawn by :func:`mgc_helpers.inspection.plot_filters` (``layer="conv3",
channel=0`` for one input channel of a deeper layer).

Variants
--------
``activation="relu", dropout_type="dropout"`` (default) or report 001's self-normalising
variant ``activation="selu", dropout_type="alpha"`` (SELU, LeCun-normal initialisation,
AlphaDropout; :func:`crnn_selu`). :data:`FMA_MEDIUM_VARIANTS` holds the report's table of
FMA-medium experiments; :func:`crnn_variant` builds any row of it.

References
----------
K. Choi, G. Fazekas, M. Sandler, K. Cho, "Convolutional recurrent neural networks for
music classification", ICASSP 2017. M. Defferrard et al., "FMA: a dataset for music
analysis", ISMIR 2017. G. Klambauer et al., "Self-normalizing neural networks", 2017.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._tensorflow import import_keras

keras = import_keras()
layers = keras.layers

__all__ = [
    "REPORT001_INPUT_SHAPE",
    "REPORT001_TABLE",
    "REPORT001_TOTAL_PARAMS",
    "TOY_OPTIONS",
    "CrnnVariant",
    "FMA_MEDIUM_VARIANTS",
    "crnn_report001",
    "crnn_selu",
    "crnn_variant",
    "summary_table",
    "compare_with_seed",
    "REPORT001_GENRES",
    "report001_genres",
]

#: Report 001's input: 96 mel bands x 1366 frames (29.12 s at hop 512, 22050 Hz), one channel.
REPORT001_INPUT_SHAPE = (96, 1366, 1)
#: Report 001's model.count_params() for four classes.
REPORT001_TOTAL_PARAMS = 18_356

#: Report 001's Keras summary, line by line: (name, type, output shape without the batch axis, params).
REPORT001_TABLE: tuple[tuple[str, str, tuple[int, ...], int], ...] = (
    ("input_1", "InputLayer", (1, 96, 1366), 0),
    ("conv1", "Conv2D", (16, 96, 1366), 80),
    ("bn1", "BatchNormalization", (16, 96, 1366), 64),
    ("pool1", "MaxPooling2D", (16, 24, 341), 0),
    ("dropout1", "AlphaDropout", (16, 24, 341), 0),
    ("conv2", "Conv2D", (32, 24, 341), 2080),
    ("bn2", "BatchNormalization", (32, 24, 341), 128),
    ("pool2", "MaxPooling2D", (32, 12, 170), 0),
    ("dropout2", "AlphaDropout", (32, 12, 170), 0),
    ("conv3", "Conv2D", (32, 12, 170), 9248),
    ("bn3", "BatchNormalization", (32, 12, 170), 128),
    ("pool3", "MaxPooling2D", (32, 6, 85), 0),
    ("dropout3", "AlphaDropout", (32, 6, 85), 0),
    ("permute_1", "Permute", (85, 32, 6), 0),
    ("reshape_1", "Reshape", (510, 32), 0),
    ("gru1", "GRU", (510, 16), 2352),
    ("gru2", "GRU", (16,), 1584),
    ("final_drop", "AlphaDropout", (16,), 0),
    ("hidden1", "Dense", (128,), 2176),
    ("output", "Dense", (4,), 516),
)


#: Options of :func:`crnn_report001` for the toy run of notebook 07 (3-s crops, 64 bands x 65 frames):
#: the report's convolution blocks, then one GRU step per frame (``reshape="time"``: 4 steps of
#: 4 bands x 32 channels), one GRU of 32 units and dropout 0.3 against over-fitting the training artists.
TOY_OPTIONS: dict[str, Any] = {
    "reshape": "time",
    "gru_units": (32,),
    "dropout": 0.3,
    "name": "crnn_report001_toy",
}


#: What report 001 trained on where a dataset has it: FMA's four top genres Electronic, Rock, Hip-Hop, Folk
#: (:data:`mgc_helpers.datasets.fma.GENRE_SETS` ``["four"]``), by dataset name.
REPORT001_GENRES: dict[str, str] = {"fma_small": "four", "fma_medium": "four"}


def report001_genres(dataset: Any) -> str | None:
    """The ``genres=`` notebook 07 loads ``dataset`` with: report 001's four FMA genres, or every genre.

    Used by notebook 07 (``mgc.datasets.load_tracks(DATASET, genres=crnn.report001_genres(DATASET))``).
    FMA small and medium (:data:`REPORT001_GENRES`) get ``"four"``; any other dataset (toy, GTZAN, a
    folder) ``None``: all of its genres, since report 001's genres are FMA's.
    """
    return REPORT001_GENRES.get(str(dataset))


@dataclass(frozen=True)
class CrnnVariant:
    """One row of report 001's FMA-medium table (taught in notebook 07).

    ``kernel_sizes`` are the "(2,2) ... (3,3)" of the report's table (they match the
    parameter counts of its summary); ``reported_accuracy`` is the report's test accuracy
    on four FMA-medium genres, in percent.
    """

    name: str
    conv_filters: tuple[int, int, int]
    kernel_sizes: tuple[tuple[int, int], ...]
    gru_units: tuple[int, ...]
    dense_units: int
    activation: str
    dropout_type: str
    reported_accuracy: float


#: Report 001's table "Experimental Results - FMA Medium Dataset", one entry per row.
FMA_MEDIUM_VARIANTS: dict[str, CrnnVariant] = {
    v.name: v
    for v in (
        CrnnVariant("relu_gru16", (16, 32, 32), ((2, 2), (2, 2), (3, 3)), (16,), 128, "relu", "dropout", 60.0),
        CrnnVariant("selu_2gru8", (16, 32, 64), ((2, 2), (2, 2), (3, 3)), (8, 8), 128, "selu", "alpha", 70.0),
        CrnnVariant("selu_2gru16", (16, 32, 64), ((2, 2), (2, 2), (3, 3)), (16, 16), 128, "selu", "alpha", 72.0),
    )
}


def crnn_report001(
    input_shape: Sequence[int] = REPORT001_INPUT_SHAPE,
    n_classes: int = 4,
    *,
    conv_filters: Sequence[int] = (16, 32, 32),
    kernel_sizes: Sequence[tuple[int, int]] = ((2, 2), (2, 2), (3, 3)),
    pool_sizes: Sequence[tuple[int, int]] = ((4, 4), (2, 2), (2, 2)),
    gru_units: Sequence[int] = (16, 16),
    dense_units: int = 128,
    activation: str = "relu",
    dropout_type: str = "dropout",
    dropout: float = 0.1,
    reshape: str = "report",
    reset_after: bool = False,
    bn_momentum: float = 0.9,
    name: str = "crnn_report001",
) -> keras.Model:
    """Report 001's CRNN: 3 x (conv, batch norm, max pool, dropout) -> permute/reshape -> GRUs -> dense -> softmax.

    Taught in notebook 07. With the defaults and four classes, ``count_params()`` is
    exactly 18,356 like the report's summary (:data:`REPORT001_TABLE`; layer names too).

    Parameters
    ----------
    input_shape : (n_mels, n_frames, 1)
        Report 001: ``(96, 1366, 1)``. Shorter inputs work as long as the three poolings
        leave at least one frame and one band (e.g. 96 x 129 for 3-s crops).
    n_classes : int
        Softmax units (report 001: 4 FMA genres).
    conv_filters, kernel_sizes, pool_sizes : keyword-only
        The three convolution blocks ("same" convolutions, "valid" max pooling).
    gru_units : sequence of int, keyword-only
        Stacked GRUs; all but the last return sequences.
    dense_units : int, keyword-only
        The hidden dense layer ("hidden1").
    activation : {"relu", "selu", ...}, keyword-only
        Of the convolutions and the hidden dense layer; ``"selu"`` also switches to
        LeCun-normal initialisation.
    dropout_type : {"dropout", "alpha"}, keyword-only
        ``keras.layers.Dropout`` or ``keras.layers.AlphaDropout`` (report 001's summary).
    dropout : float, keyword-only
        Rate of the four dropout layers.
    reshape : {"report", "time", "pool"}, keyword-only
        ``"report"``: reshape ``(time, channels, freq)`` to ``(time * freq, channels)`` as
        the seed did; ``"time"``: one step per time frame of ``freq * channels`` values;
        ``"pool"``: average over the remaining bands first, one step per frame of
        ``channels`` values (Choi et al.'s own CRNN pools frequency down to 1; tolerant
        to shifts in pitch).
    reset_after : bool, keyword-only
        GRU flavour; ``False`` is the report's GRU (standalone Keras before tf.keras 2; tf.keras 2 and
        Keras 3 default to ``True``).
    bn_momentum : float, keyword-only
        Momentum of the batch norms' moving averages. 0.9 rather than Keras' 0.99: a toy
        run has only a few hundred steps, and with 0.99 the moving statistics used at
        inference lag far behind the batch statistics used in training (the network
        then looks perfect on training batches and random on everything else).
        Not part of the table (no parameter).
    name : str, keyword-only

    Returns
    -------
    keras.Model
        Uncompiled; outputs class probabilities.
    """
    if dropout_type not in ("dropout", "alpha"):
        raise ValueError(f"dropout_type must be 'dropout' or 'alpha', got {dropout_type!r}")
    if reshape not in ("report", "time", "pool"):
        raise ValueError(f"reshape must be 'report', 'time' or 'pool', got {reshape!r}")
    freq, time = int(input_shape[0]), int(input_shape[1])
    for pool in pool_sizes:
        freq, time = freq // pool[0], time // pool[1]
    if min(freq, time) < 1:
        raise ValueError(f"input {tuple(input_shape)} is too small for the poolings {tuple(pool_sizes)}")
    init = "lecun_normal" if activation == "selu" else "glorot_uniform"
    drop = layers.AlphaDropout if dropout_type == "alpha" else layers.Dropout
    inputs = keras.Input(shape=tuple(input_shape), name="input_1")
    x = inputs
    blocks = zip(conv_filters, kernel_sizes, pool_sizes)
    for i, (filters, kernel, pool) in enumerate(blocks, start=1):
        x = layers.Conv2D(filters, kernel, padding="same", activation=activation, kernel_initializer=init,
                          name=f"conv{i}")(x)
        x = layers.BatchNormalization(axis=-1, momentum=bn_momentum, name=f"bn{i}")(x)
        x = layers.MaxPooling2D(pool, name=f"pool{i}")(x)
        x = drop(dropout, name=f"dropout{i}")(x)
    channels = int(x.shape[3])
    if reshape == "report":
        x = layers.Permute((2, 3, 1), name="permute_1")(x)  # (time, channels, freq), the report's order
        x = layers.Reshape((time * freq, channels), name="reshape_1")(x)
    elif reshape == "time":
        x = layers.Permute((2, 1, 3), name="permute_1")(x)  # (time, freq, channels)
        x = layers.Reshape((time, freq * channels), name="reshape_1")(x)
    else:  # average the remaining bands away: one step per frame, one value per channel
        x = layers.AveragePooling2D((freq, 1), name="freq_pool")(x)  # (1, time, channels)
        x = layers.Reshape((time, channels), name="reshape_1")(x)
    for i, units in enumerate(gru_units, start=1):
        x = layers.GRU(units, reset_after=reset_after, return_sequences=i < len(gru_units), name=f"gru{i}")(x)
    x = drop(dropout, name="final_drop")(x)
    x = layers.Dense(dense_units, activation=activation, kernel_initializer=init, name="hidden1")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name)


def crnn_selu(input_shape: Sequence[int] = REPORT001_INPUT_SHAPE, n_classes: int = 4, **options: Any) -> keras.Model:
    """Report 001's self-normalising CRNN: SELU activations, LeCun-normal weights, AlphaDropout.

    Taught in notebook 07. Same table and 18,356 parameters as :func:`crnn_report001`;
    ``options`` are passed on to it.
    """
    options = {"activation": "selu", "dropout_type": "alpha", "name": "crnn_report001_selu", **options}
    return crnn_report001(input_shape, n_classes, **options)


def crnn_variant(
    variant: str | CrnnVariant,
    input_shape: Sequence[int] = REPORT001_INPUT_SHAPE,
    n_classes: int = 4,
    **options: Any,
) -> keras.Model:
    """Build one row of report 001's FMA-medium table (:data:`FMA_MEDIUM_VARIANTS`).

    Taught in notebook 07.

    Parameters
    ----------
    variant : str or CrnnVariant
        A key of :data:`FMA_MEDIUM_VARIANTS` (``"relu_gru16"``, ``"selu_2gru8"``,
        ``"selu_2gru16"``) or a :class:`CrnnVariant`.
    input_shape, n_classes
        As :func:`crnn_report001`.
    **options
        Further keyword arguments of :func:`crnn_report001` (``dropout=...``).

    Returns
    -------
    keras.Model
    """
    if isinstance(variant, str):
        if variant not in FMA_MEDIUM_VARIANTS:
            raise KeyError(f"unknown variant {variant!r}; choose one of {sorted(FMA_MEDIUM_VARIANTS)}")
        variant = FMA_MEDIUM_VARIANTS[variant]
    settings = dict(conv_filters=variant.conv_filters, kernel_sizes=variant.kernel_sizes,
                    gru_units=variant.gru_units, dense_units=variant.dense_units,
                    activation=variant.activation, dropout_type=variant.dropout_type,
                    name=f"crnn_{variant.name}")
    return crnn_report001(input_shape, n_classes, **{**settings, **options})


def _channels_first(shape: tuple[int | None, ...], layer: layers.Layer) -> tuple[int, ...]:
    """Output shape in the report's channels-first convention (images only)."""
    dims = tuple(int(d) for d in shape[1:])
    if len(dims) == 3 and not isinstance(layer, (layers.Permute, layers.Reshape)):
        return (dims[2], dims[0], dims[1])
    return dims


def summary_table(model: keras.Model) -> "pd.DataFrame":  # noqa: F821 (pandas imported lazily)
    """The model's Keras summary as a table: name, type, output shape (channels first), params.

    Taught in notebook 07. Images are reported as ``(channels, bands, frames)`` like
    report 001's Theano-style summary, so the rows can be compared with :data:`REPORT001_TABLE`.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, type, output_shape, params``; ``attrs`` holds trainable and
        non-trainable totals.
    """
    import pandas as pd

    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape)
        rows.append({"name": layer.name, "type": type(layer).__name__,
                     "output_shape": _channels_first(shape, layer), "params": layer.count_params()})
    table = pd.DataFrame(rows)
    table.attrs["trainable"] = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    table.attrs["non_trainable"] = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    return table


def compare_with_seed(model: keras.Model) -> "pd.DataFrame":  # noqa: F821
    """Report 001's summary next to ``model``'s, row by row, with a ``match`` column.

    Taught in notebook 07. ``match`` is True where name, output shape and parameter count
    agree (the layer type may differ: Dropout vs the report's AlphaDropout).

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    ours = summary_table(model)
    seed = pd.DataFrame(REPORT001_TABLE, columns=["name", "type", "output_shape", "params"])
    n = max(len(ours), len(seed))
    ours, seed = ours.reindex(range(n)), seed.reindex(range(n))
    table = pd.DataFrame({
        "seed_layer": seed["name"], "seed_type": seed["type"], "seed_shape": seed["output_shape"],
        "seed_params": seed["params"], "our_type": ours["type"], "our_shape": ours["output_shape"],
        "our_params": ours["params"],
    })
    table["match"] = ((seed["name"] == ours["name"]) & (seed["params"] == ours["params"])
                      & (seed["output_shape"] == ours["output_shape"]))
    return table
