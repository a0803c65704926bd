"""Notebook 05 (CNN): the output length of a convolution, the soft vote.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import _call, _fail, _int_answer, _name, _ok, _show, feedback

__all__ = ["check_conv_output_length", "check_soft_vote"]


def _conv_length_reference(n: int, kernel: int, stride: int, padding: str) -> int:
    return -(-n // stride) if padding == "same" else (n - kernel) // stride + 1


@feedback
def check_conv_output_length(fn: Callable[[int, int, int, str], int]) -> None:
    """Check ``fn(n, kernel, stride, padding)``: the output length of a convolution or pooling along one axis.

    Taught in notebook 05. ``"valid"``: :math:`\\lfloor (n - k) / s \\rfloor + 1`;
    ``"same"``: :math:`\\lceil n / s \\rceil` (Keras' conventions).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "conv_output_length")
    cases = [(128, 3, 1, "valid"), (126, 2, 2, "valid"), (658, 4, 4, "valid"), (96, 4, 4, "same"),
             (1366, 4, 4, "same"), (3, 2, 2, "valid"), (1, 2, 2, "same"), (65, 3, 1, "same")]
    for n, k, s, pad in cases:
        got = _int_answer(_call(fn, (n, k, s, pad), name=name), name=name)
        expected = _conv_length_reference(n, k, s, pad)
        where = f"n={n}, kernel={k}, stride={s}, padding={_show(pad)}"
        if got == expected:
            continue
        if pad == "same" and got == n // s:
            raise _fail(f"For {where}, the result is one too small.", "'same' padding rounds the division up.")
        if pad == "valid" and got == (n - k) // s:
            raise _fail(f"For {where}, the result is one too small.", "count the first position too: + 1.")
        raise _fail(f"For {where}, `{name}` returned {got}, which is not right.",
                    "'valid': the kernel must fit inside; 'same': only the stride shrinks the axis.")
    _ok(f"`{name}` is right on {len(cases)} cases, both paddings.")


@feedback
def check_soft_vote(fn: Callable[[np.ndarray, np.ndarray], Any]) -> None:
    """Check ``fn(track_ids, proba)``: each track's class index by mean probability of its segments.

    Taught in notebook 05. Return a dict ``{track_id: class index}`` (or a pandas Series).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "soft_vote")
    rng = np.random.default_rng(5)
    ids = np.array(["a", "a", "a", "b", "b"])
    proba = np.array([[0.4, 0.6, 0.0], [0.4, 0.6, 0.0], [0.95, 0.05, 0.0], [0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])
    cases = [(ids, proba)]
    big_ids = np.repeat([f"t{i}" for i in range(8)], 4)
    big = rng.dirichlet(np.ones(4), size=big_ids.size)
    order = rng.permutation(big_ids.size)
    cases.append((big_ids[order], big[order]))
    for tids, p in cases:
        got = _call(fn, (tids.copy(), p.copy()), name=name)
        if hasattr(got, "to_dict"):
            got = got.to_dict()
        if not isinstance(got, dict):
            raise _fail(f"`{name}` returned a {type(got).__name__}; return a dict mapping each track id to a class "
                        "index.")
        expected = {t: int(np.argmax(p[tids == t].mean(axis=0))) for t in np.unique(tids)}
        majority = {t: int(np.bincount(np.argmax(p[tids == t], axis=1), minlength=p.shape[1]).argmax())
                    for t in np.unique(tids)}
        if set(map(str, got)) != set(map(str, expected)):
            raise _fail("The keys of your result are not the track ids.", "one entry per distinct track id.")
        got = {str(k): int(v) for k, v in got.items()}
        wrong = [t for t in expected if got[str(t)] != expected[t]]
        if wrong and all(got[str(t)] == majority[t] for t in expected):
            raise _fail(f"Track {_show(wrong[0])} got its majority vote, not its mean-probability vote.",
                        "average the probability rows of a track's segments, then take the arg-max.")
        if wrong:
            raise _fail(f"{len(wrong)} track(s) got the wrong class, e.g. {_show(wrong[0])}.",
                        "for each track, average the probability rows of its own segments, then pick the class "
                        "with the largest mean.")
    _ok(f"`{name}` is right on {len(cases)} sets of segment probabilities.")
