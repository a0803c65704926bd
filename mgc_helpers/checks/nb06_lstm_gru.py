"""Notebook 06 (LSTM, GRU): LSTM/GRU parameter counts, the skip-GRU update.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .engine import NOT_WRITTEN, _call, _fail, _int_answer, _name, _numeric, _ok, _shape_problem, feedback

__all__ = ["check_rnn_params", "check_skip_gru_update"]


def _rnn_params(kind: str, n_inputs: int, units: int) -> int:
    gates = {"lstm": 4, "gru": 3}[kind]
    return gates * (units * (n_inputs + units) + units)


@feedback
def check_rnn_params(fn: Callable[[str, int, int], int]) -> None:
    """Check ``fn(kind, n_inputs, units)``: parameters of a Keras LSTM or GRU (``reset_after=False``).

    Taught in notebook 06 (report 000's LSTM, report 001's GRUs).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_rnn_params")
    cases = [("lstm", 64, 128), ("lstm", 128, 32), ("gru", 20, 64), ("gru", 32, 16), ("lstm", 1366, 128)]
    for kind, d, u in cases:
        got = _int_answer(_call(fn, (kind, d, u), name=name), name=name)
        expected = _rnn_params(kind, d, u)
        if got == expected:
            continue
        gates = {"lstm": 4, "gru": 3}[kind]
        where = f"For a {kind.upper()} with {d} inputs and {u} units"
        if got == expected - gates * u:
            raise _fail(f"{where} you forgot the biases.", "every gate has one bias per unit.")
        if got == expected + 3 * u and kind == "gru":
            raise _fail(f"{where} you counted a second bias per gate (reset_after=True, the default of tf.keras 2 "
                        "and Keras 3).",
                        "the reports' GRU is the one of standalone Keras before tf.keras 2 (reset_after=False): "
                        "one bias per gate.")
        if got == gates * u * d + gates * u or got == gates * (u * d + u):
            raise _fail(f"{where} the recurrent weights are missing.", "each gate also sees the previous state (units x units).")
        if got in (_rnn_params("lstm", d, u), _rnn_params("gru", d, u)) or got == expected // gates:
            raise _fail(f"{where} the number of gates is not right.",
                        "an LSTM has 4 weight blocks (input, forget, cell, output), a GRU 3 (update, reset, candidate).")
        raise _fail(f"{where} the count is not right.",
                    "for one gate, count its input weights, its recurrent weights and its biases; then "
                    "think about how many gates the cell has.")
    _ok(f"`{name}` counts LSTM and GRU parameters right in {len(cases)} cases.")


@feedback
def check_skip_gru_update(fn: Callable[[np.ndarray, np.ndarray, float, int, int], np.ndarray]) -> None:
    """Check ``fn(h_gru, h_skip, alpha, t, k)``: the last line of the skip-GRU update rule.

    Taught in notebook 06 (report 003's skip-RNN, :class:`mgc_helpers.models.rnn.SkipGRUCell`):
    ``h_t = (1 - alpha) * h_gru + alpha * h_skip`` when ``t > k``, else ``h_gru``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_skip_update")
    rng = np.random.default_rng(6)
    cases = []
    for t, k, alpha in ((5, 2, 0.5), (3, 3, 0.4), (2, 4, 0.3), (9, 1, 0.25), (6, 5, 0.7)):
        cases.append((np.tanh(rng.normal(size=4)), np.tanh(rng.normal(size=4)), alpha, t, k))
    for h_gru, h_skip, alpha, t, k in cases:
        got = _call(fn, (h_gru.copy(), h_skip.copy(), alpha, t, k), name=name)
        if got is None or got is Ellipsis:
            raise _fail(f"`{name}` returned nothing: {NOT_WRITTEN}.")
        got = _numeric(got, name=name)
        mixed = (1 - alpha) * h_gru + alpha * h_skip
        expected = mixed if t > k else h_gru
        if got.shape != expected.shape:
            raise _fail(f"`{name}` {_shape_problem(got.shape, expected.shape)}.")
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if t <= k and np.allclose(got, mixed):
            raise _fail(f"At step t={t} with k={k} you mixed in the skip state.",
                        "there is no state k steps back yet while t <= k: keep the plain GRU state.")
        if t > k and np.allclose(got, h_gru):
            raise _fail(f"At step t={t} with k={k} the skip connection is missing.",
                        "use the skip state once t is larger than k.")
        if np.allclose(got, alpha * h_gru + (1 - alpha) * h_skip):
            raise _fail("The two weights are swapped.", "alpha is the weight of the state k steps back.")
        if np.allclose(got, h_gru + alpha * h_skip) or np.allclose(got, h_gru + h_skip):
            raise _fail("You add the skip state on top of the GRU state.",
                        "the rule is a weighted average (weights 1 - alpha and alpha), so |h| stays <= 1.")
        raise _fail(f"`{name}` is not right at step t={t} with k={k}.",
                    "write the rule from the markdown cell term by term.")
    _ok(f"`{name}` follows the skip-GRU rule in {len(cases)} cases (before and after step k).")
