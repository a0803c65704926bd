"""Feed-forward (fully connected) networks: reports 002 and 004.

Taught in notebook 04. A feed-forward network (a multi-layer perceptron) sees its input as
one long vector: a clip's 57 summary features, or a whole MFCC matrix flattened. It has no
notion of neighbouring frames or bands, which is exactly what the CNN of notebook 05 adds.

- Report 004: "3 fully connected layers, with the first two followed by dropout layers and
  activation layers" (35.4 % on FMA small, 8 genres).
- Report 002: an FFNN on MFCCs, "training score 69 %, test score 45 %" on GTZAN, before its CNN.

Importing this module imports Keras.
"""
from __future__ import annotations

from typing import Sequence

from .._tensorflow import import_keras

keras = import_keras()
layers = keras.layers

__all__ = ["build_ffnn"]


def build_ffnn(
    input_shape: Sequence[int],
    n_classes: int,
    *,
    units: Sequence[int] = (512, 256),
    dropout: float = 0.3,
    activation: str = "relu",
    l2: float = 0.0,
    input_dropout: float = 0.0,
    name: str = "ffnn",
) -> keras.Model:
    """A feed-forward classifier: Flatten -> [Dense -> Activation -> Dropout] x len(units) -> Dense softmax.

    Taught in notebook 04. With the default two hidden layers this is report 004's network:
    **three** fully connected layers (two hidden + the softmax output), the first two
    followed by an activation and dropout. ``l2`` adds the weight penalty
    :math:`\\lambda \\sum w^2` to the loss for every Dense kernel (L2 regularisation, "weight
    decay").

    Parameters
    ----------
    input_shape : sequence of int
        E.g. ``(57,)`` summary features or ``(20, 130, 1)`` MFCC frames (flattened here).
    n_classes : int
    units : sequence of int, keyword-only
        Width of each hidden layer.
    dropout : float, keyword-only
        Dropout rate after each hidden layer (0: none).
    activation : str, keyword-only
        Hidden activation (``"relu"``, ``"tanh"``, ``"sigmoid"``...).
    l2 : float, keyword-only
        L2 penalty factor :math:`\\lambda` of the Dense kernels (0: none).
    input_dropout : float, keyword-only
        Dropout on the (flattened) input features.
    name : str, keyword-only

    Returns
    -------
    keras.Model
        Not compiled (see :func:`mgc_helpers.training.fit`).
    """
    reg = keras.regularizers.L2(l2) if l2 > 0 else None
    inputs = keras.Input(shape=tuple(input_shape), name="features")
    x = layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    if input_dropout > 0:
        x = layers.Dropout(input_dropout, name="input_dropout")(x)
    for i, width in enumerate(units, start=1):
        x = layers.Dense(int(width), kernel_regularizer=reg, name=f"dense{i}")(x)
        x = layers.Activation(activation, name=f"{activation}{i}")(x)
        if dropout > 0:
            x = layers.Dropout(dropout, name=f"dropout{i}")(x)
    outputs = layers.Dense(int(n_classes), activation="softmax", kernel_regularizer=reg, name="genre")(x)
    return keras.Model(inputs, outputs, name=name)
