"""Recurrent networks on spectrogram "images": report 000's LSTM, report 003's GRU and skip-RNN.

Taught in notebook 06 (LSTM and GRU). Every builder takes the course's input layout, a
log-mel or MFCC image of shape ``(n_bands, n_frames, 1)``, and turns it into a sequence
internally with :func:`to_sequence`:

* ``time_axis="frames"`` (the course's default): one step per STFT frame, each step a
  vector of ``n_bands`` values. Time runs along the recurrence, which is what a
  recurrent network is for; the sequence length grows with the clip, the input size
  does not.
* ``time_axis="bands"`` (report 000's layout): report 000 fed its LSTM 96 steps of 1366
  values, i.e. it walked *up the mel bands* and saw a whole 30-s clip at every step.
  It works as a big feature extractor, but the "memory" runs over frequency, not time.

Builders
--------
:func:`lstm_report000`
    LSTM(128, dropout 0.05, recurrent dropout 0.35, return sequences) -> LSTM(32, same
    dropouts) -> softmax (report 000, section 4.3).
:func:`gru_report003`
    GRU -> dense (ReLU) -> softmax on MFCCs (report 003, section 4.4: "an RNN with GRU
    cells and two fully connected layers on top of it"); ``skip=k`` swaps the GRU for the
    skip-RNN below.
:func:`skip_gru`
    Report 003's skip-RNN as a layer: ``keras.layers.RNN(SkipGRUCell(...))``.

The skip-RNN update rule (:class:`SkipGRUCell`)
-----------------------------------------------
Report 003 only says "a regular RNN (GRU here) cell where we add skip connections for the
hidden state ... The length of the skip (k) is a hyper parameter". This module
implements the following rule, for steps ``t = 1, ..., T`` with ``h_0 = 0``; the GRU part
is exactly Keras' ``GRU(reset_after=False)`` (gate order z, r, candidate; same weight
layout, so a skip cell with ``k >= T`` or ``alpha = 0`` reproduces ``keras.layers.GRU``):

.. math::

    z_t &= \\sigma(x_t W_z + h_{t-1} U_z + b_z) \\\\
    r_t &= \\sigma(x_t W_r + h_{t-1} U_r + b_r) \\\\
    n_t &= \\tanh(x_t W_n + (r_t \\odot h_{t-1}) U_n + b_n) \\\\
    \\tilde h_t &= z_t \\odot h_{t-1} + (1 - z_t) \\odot n_t \\\\
    h_t &= \\begin{cases} (1 - \\alpha)\\, \\tilde h_t + \\alpha\\, h_{t-k} & t > k \\\\
                          \\tilde h_t & t \\le k \\end{cases}

So the state carried to the next step is a fixed convex mix of the ordinary GRU update
and the state ``k`` steps back (``alpha = 0.5`` by default). Being convex, it keeps
``|h_t| <= 1`` like a GRU; it gives gradients a short path over ``k`` steps and makes
the state change more slowly, which acts as a regulariser (report 003 reports lower
training accuracy at unchanged validation accuracy). The cell keeps the last ``k``
states in a ring buffer (its recurrent state has ``k * units + 1`` numbers per example:
the buffer and a step counter).

References
----------
J. Dean, N. Koch-Gallup, S. Cheng: report 000 (LSTM on GTZAN, 88.9% on a random 80/20
split of clips). Report 003, sections 4.4 and 6 (GRU on MFCC, 40.3% on GTZAN; skip-RNN).
K. Cho et al., "Learning phrase representations using RNN encoder-decoder", 2014 (GRU).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._tensorflow import import_keras

keras = import_keras()
layers, ops = keras.layers, keras.ops

__all__ = [
    "to_sequence",
    "SkipGRUCell",
    "skip_gru",
    "skip_gru_step",
    "lstm_report000",
    "gru_report003",
]


def to_sequence(x: Any, *, time_axis: str = "frames", name: str = "to_sequence") -> Any:
    """Turn a ``(batch, n_bands, n_frames, 1)`` image tensor into a sequence for an RNN.

    Taught in notebook 06.

    Parameters
    ----------
    x : KerasTensor
        Output of an ``Input(shape=(n_bands, n_frames, 1))``.
    time_axis : {"frames", "bands"}, keyword-only
        ``"frames"``: ``(batch, n_frames, n_bands)``, one step per frame (the course).
        ``"bands"``: ``(batch, n_bands, n_frames)``, one step per mel band (report 000).
    name : str, keyword-only
        Prefix of the layer names.

    Returns
    -------
    KerasTensor
    """
    n_bands, n_frames = x.shape[1], x.shape[2]
    seq = layers.Reshape((n_bands, n_frames), name=f"{name}_squeeze")(x)
    if time_axis == "frames":
        return layers.Permute((2, 1), name=f"{name}_frames_as_time")(seq)
    if time_axis == "bands":
        return seq
    raise ValueError(f"time_axis must be 'frames' or 'bands', got {time_axis!r}")


@keras.saving.register_keras_serializable(package="mgc_helpers")
class SkipGRUCell(layers.Layer):
    """A GRU cell whose new state is mixed with the state ``k`` steps back (report 003's skip-RNN).

    Taught in notebook 06. Update rule (see the module docstring for the GRU gates):
    ``h_t = (1 - alpha) * gru(x_t, h_{t-1}) + alpha * h_{t-k}`` for ``t > k``, plain GRU
    for the first ``k`` steps. Use it inside ``keras.layers.RNN`` (or :func:`skip_gru`).

    Parameters
    ----------
    units : int
        Size of the hidden state.
    k : int, keyword-only
        Skip length in steps (>= 1). ``k = 1`` mixes with ``h_{t-1}`` (a leaky GRU).
    alpha : float, keyword-only
        Weight of the skip connection, in [0, 1).
    kernel_initializer, recurrent_initializer : str, keyword-only
        As ``keras.layers.GRU``.

    Notes
    -----
    State: one tensor of ``k * units + 1`` values per example, the last ``k`` hidden
    states (oldest first) and the number of steps done. The weights have Keras' GRU
    layout (``kernel`` (d, 3u), ``recurrent_kernel`` (u, 3u), ``bias`` (3u,), gates z, r, n),
    so ``cell.set_weights(keras_gru.get_weights())`` works for a ``reset_after=False`` GRU.
    """

    def __init__(
        self,
        units: int,
        *,
        k: int = 4,
        alpha: float = 0.5,
        kernel_initializer: str = "glorot_uniform",
        recurrent_initializer: str = "orthogonal",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if int(k) < 1:
            raise ValueError(f"the skip length k must be >= 1, got {k}")
        if not 0.0 <= float(alpha) < 1.0:
            raise ValueError(f"alpha must be in [0, 1), got {alpha}")
        self.units, self.k, self.alpha = int(units), int(k), float(alpha)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.state_size = self.k * self.units + 1
        self.output_size = self.units

    def build(self, input_shape: Sequence[int | None]) -> None:
        d, u = int(input_shape[-1]), self.units
        self.kernel = self.add_weight(shape=(d, 3 * u), initializer=self.kernel_initializer, name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(u, 3 * u), initializer=self.recurrent_initializer,
                                                name="recurrent_kernel")
        self.bias = self.add_weight(shape=(3 * u,), initializer="zeros", name="bias")

    def call(self, inputs: Any, states: Any, training: bool | None = None) -> tuple[Any, list[Any]]:
        state = states[0] if isinstance(states, (list, tuple)) else states
        u, k = self.units, self.k
        buffer, count = state[:, : k * u], state[:, k * u:]
        h_prev, h_skip = buffer[:, (k - 1) * u:], buffer[:, :u]
        x = ops.matmul(inputs, self.kernel) + self.bias
        rec = ops.matmul(h_prev, self.recurrent_kernel[:, : 2 * u])
        z = ops.sigmoid(x[:, :u] + rec[:, :u])
        r = ops.sigmoid(x[:, u: 2 * u] + rec[:, u:])
        n = ops.tanh(x[:, 2 * u:] + ops.matmul(r * h_prev, self.recurrent_kernel[:, 2 * u:]))
        h_gru = z * h_prev + (1.0 - z) * n
        use_skip = ops.cast(count >= k, h_gru.dtype)  # t > k  <=>  steps done so far >= k
        h = h_gru + use_skip * self.alpha * (h_skip - h_gru)
        new_state = ops.concatenate([buffer[:, u:], h, count + 1.0], axis=-1)
        return h, [new_state]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units, "k": self.k, "alpha": self.alpha,
                "kernel_initializer": self.kernel_initializer,
                "recurrent_initializer": self.recurrent_initializer}


def skip_gru(units: int, *, k: int = 4, alpha: float = 0.5, return_sequences: bool = False,
             name: str | None = None) -> layers.RNN:
    """Report 003's skip-RNN layer: ``keras.layers.RNN(SkipGRUCell(units, k=k, alpha=alpha))``.

    Taught in notebook 06.

    Returns
    -------
    keras.layers.RNN
    """
    return layers.RNN(SkipGRUCell(units, k=k, alpha=alpha), return_sequences=return_sequences, name=name)


def skip_gru_step(
    x: np.ndarray,
    h_history: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    *,
    k: int,
    alpha: float,
    t: int,
) -> np.ndarray:
    """One step of :class:`SkipGRUCell` in plain NumPy, for hand-checking the rule.

    Taught in notebook 06 (exercise on the update rule).

    Parameters
    ----------
    x : numpy.ndarray, shape (d,)
        Input at step ``t``.
    h_history : list of numpy.ndarray
        ``[h_0, h_1, ..., h_{t-1}]`` (``h_0`` is the zero initial state).
    weights : tuple of numpy.ndarray
        ``(kernel (d, 3u), recurrent_kernel (u, 3u), bias (3u,))`` (Keras GRU layout).
    k, alpha : keyword-only
        Skip length and weight.
    t : int, keyword-only
        Step number, starting at 1.

    Returns
    -------
    numpy.ndarray, shape (u,)
        ``h_t``.
    """
    W, U, b = (np.asarray(w, dtype=np.float64) for w in weights)
    u = U.shape[0]
    h_prev = np.asarray(h_history[t - 1], dtype=np.float64)
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    xw = np.asarray(x, dtype=np.float64) @ W + b
    z = sig(xw[:u] + h_prev @ U[:, :u])
    r = sig(xw[u:2 * u] + h_prev @ U[:, u:2 * u])
    n = np.tanh(xw[2 * u:] + (r * h_prev) @ U[:, 2 * u:])
    h = z * h_prev + (1.0 - z) * n
    if t > k:
        h = (1.0 - alpha) * h + alpha * np.asarray(h_history[t - k], dtype=np.float64)
    return h


def lstm_report000(
    input_shape: Sequence[int],
    n_classes: int,
    *,
    units: Sequence[int] = (128, 32),
    dropout: float = 0.05,
    recurrent_dropout: float = 0.35,
    time_axis: str = "frames",
    name: str = "lstm_report000",
) -> keras.Model:
    """Report 000's LSTM: LSTM(128, return sequences) -> LSTM(32) -> softmax.

    Taught in notebook 06. Both LSTMs use dropout 0.05 on their inputs and recurrent
    dropout 0.35 on their states, as in report 000 (section 4.3).

    Parameters
    ----------
    input_shape : (n_bands, n_frames, 1)
        The course's image layout (report 000: 96 x 1366).
    n_classes : int
        Number of genres (softmax units).
    units : sequence of int, keyword-only
        Units of the stacked LSTMs; all but the last return sequences.
    dropout, recurrent_dropout : float, keyword-only
        As ``keras.layers.LSTM``.
    time_axis : {"frames", "bands"}, keyword-only
        See :func:`to_sequence` (report 000 used ``"bands"``).
    name : str, keyword-only

    Returns
    -------
    keras.Model
        Uncompiled; outputs class probabilities.
    """
    inputs = keras.Input(shape=tuple(input_shape), name="logmel")
    x = to_sequence(inputs, time_axis=time_axis)
    for i, n in enumerate(units):
        x = layers.LSTM(n, dropout=dropout, recurrent_dropout=recurrent_dropout,
                        return_sequences=i < len(units) - 1, name=f"lstm{i + 1}")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name)


def gru_report003(
    input_shape: Sequence[int],
    n_classes: int,
    *,
    units: int = 64,
    dense_units: int = 64,
    dropout: float = 0.3,
    skip: int | None = None,
    alpha: float = 0.5,
    time_axis: str = "frames",
    name: str | None = None,
) -> keras.Model:
    """Report 003's GRU on MFCCs: GRU -> dense (ReLU) -> dropout -> softmax; ``skip=k`` makes it a skip-RNN.

    Taught in notebook 06. Report 003 (section 4.4) trained "an RNN with GRU cells and two
    fully connected layers on top of it" on MFCCs, one time step per analysis window
    (40.3% validation accuracy on GTZAN). Unit counts are not given in the seed; these
    defaults are small enough for a CPU.

    Parameters
    ----------
    input_shape : (n_mfcc or n_mels, n_frames, 1)
    n_classes : int
    units : int, keyword-only
        Hidden state size of the (skip-)GRU.
    dense_units : int, keyword-only
        The first of the two dense layers.
    dropout : float, keyword-only
        Dropout between the two dense layers (report 003's "deeper network with Dropout").
    skip : int or None, keyword-only
        ``None``: ``keras.layers.GRU(reset_after=False)``. An int ``k``: :class:`SkipGRUCell`
        with skip length ``k`` and weight ``alpha``.
    alpha : float, keyword-only
        Skip weight (only with ``skip``).
    time_axis : {"frames", "bands"}, keyword-only
    name : str or None, keyword-only
        Defaults to ``"gru_report003"`` or ``"skip_gru_k<k>"``.

    Returns
    -------
    keras.Model
        Uncompiled; outputs class probabilities.
    """
    inputs = keras.Input(shape=tuple(input_shape), name="features")
    x = to_sequence(inputs, time_axis=time_axis)
    if skip is None:
        x = layers.GRU(units, reset_after=False, name="gru")(x)
    else:
        x = skip_gru(units, k=skip, alpha=alpha, name="skip_gru")(x)
    x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="output")(x)
    default = "gru_report003" if skip is None else f"skip_gru_k{skip}"
    return keras.Model(inputs, outputs, name=name or default)
