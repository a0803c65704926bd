"""Notebook 04 (feed-forward networks): Dense parameter counts, the L2 penalty.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .engine import _call, _compare, _fail, _int_answer, _name, _ok, feedback

__all__ = ["check_dense_params", "check_l2_penalty"]


def _dense_params_reference(sizes: Sequence[int]) -> int:
    return int(sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:])))


@feedback
def check_dense_params(fn: Callable[[Sequence[int]], int]) -> None:
    """Check ``fn(sizes)``: the number of weights and biases of a stack of Dense layers.

    Taught in notebook 04. ``sizes = [n_inputs, hidden_1, ..., n_classes]``; a Dense layer from
    ``a`` to ``b`` units has ``a * b`` weights and ``b`` biases.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "dense_params")
    cases = [[57, 512, 256, 10], [40, 10], [5180, 256, 128, 10], [3, 4, 5, 6, 7]]
    for sizes in cases:
        got = _int_answer(_call(fn, (list(sizes),), name=name), name=name)
        expected = _dense_params_reference(sizes)
        where = f"sizes={sizes}"
        if got == expected:
            continue
        if got == sum(a * b for a, b in zip(sizes[:-1], sizes[1:])):
            raise _fail(f"For {where}, the biases are missing.", "every output unit of a Dense layer has one bias.")
        if got == sum((a + 1) * b for a, b in zip(sizes[:-2], sizes[1:-1])):
            raise _fail(f"For {where}, the output layer is missing.", "count every pair of consecutive sizes.")
        raise _fail(f"For {where}, `{name}` returned {got}, which is not right.",
                    "count the weights and the biases of each layer, one layer per pair of consecutive sizes, "
                    "and add the layers up.")
    _ok(f"`{name}` is right on {len(cases)} networks.")


@feedback
def check_l2_penalty(fn: Callable[[Sequence[np.ndarray], float], float]) -> None:
    """Check ``fn(kernels, lam)``: the L2 penalty :math:`\\lambda \\sum_k \\sum w^2` over weight matrices.

    Taught in notebook 04 (``keras.regularizers.L2(lam)`` adds exactly this to the loss; the
    textbooks' :math:`\\lambda/2` convention, off by a factor 2, is diagnosed).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "l2_penalty")
    rng = np.random.default_rng(4)
    cases = [([rng.normal(size=(4, 3)), rng.normal(size=(3, 2))], 0.01),
             ([rng.normal(size=(10, 5))], 0.5), ([np.ones((2, 2)), -np.ones((3, 1))], 1e-3)]
    for kernels, lam in cases:
        got = _call(fn, ([k.copy() for k in kernels], lam), name=name)
        expected = lam * sum(float(np.sum(np.square(k))) for k in kernels)
        where = f"{len(kernels)} weight matrices and lam={lam}"
        _compare(got, np.asarray(expected), name=name, where=where, rtol=1e-6, atol=1e-12,
                 hint="square every weight, add them all up (over every matrix), multiply by lam.",
                 mistakes=[(lambda g, k=kernels, lam=lam: np.isclose(g, lam * np.sqrt(sum(np.sum(np.square(m)) for m in k))),
                            "it looks like the square root was taken (that is the norm, not its square)."),
                           (lambda g, k=kernels, lam=lam: np.isclose(g, lam * sum(np.sum(np.abs(m)) for m in k)),
                            "absolute values give the L1 penalty; L2 squares the weights."),
                           (lambda g, k=kernels: np.isclose(g, sum(np.sum(np.square(m)) for m in k)),
                            "the factor lam is missing."),
                           (lambda g, e=expected: np.isclose(g, e / 2, rtol=1e-6, atol=0.0),
                            "it is exactly half the penalty: that is the λ/2 · Σw² convention of some textbooks "
                            "(it makes the gradient λw); keras.regularizers.L2(lam) adds lam · Σw², with no 1/2."),
                           (lambda g, e=expected: np.isclose(g, 2 * e, rtol=1e-6, atol=0.0),
                            "it is exactly twice the penalty: 2·λ·w is the gradient of one weight's penalty, "
                            "the penalty itself is lam · Σw².")])
    _ok(f"`{name}` is right on {len(cases)} cases.")
