"""Notebook 07 (CRNN): Conv2D parameter counts, the length after pooling.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from .engine import _call, _fail, _int_answer, _name, _ok, feedback

__all__ = ["check_conv_params", "check_pooled_length"]


@feedback
def check_conv_params(fn: Callable[[int, int, int, int], int]) -> None:
    """Check ``fn(kernel_h, kernel_w, in_channels, filters)``: parameters of a Conv2D with bias.

    Taught in notebook 07 (reading report 001's summary: 80, 2,080 and 9,248).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_conv_params")
    cases = [(2, 2, 1, 16), (2, 2, 16, 32), (3, 3, 32, 32), (3, 3, 32, 64), (4, 4, 3, 8)]
    for kh, kw, c, f in cases:
        got = _int_answer(_call(fn, (kh, kw, c, f), name=name), name=name)
        expected = f * (kh * kw * c + 1)
        if got == expected:
            continue
        where = f"For {f} filters of {kh}x{kw} on {c} input channel(s)"
        if got == f * kh * kw * c:
            raise _fail(f"{where} the biases are missing.", "each filter has one bias.")
        if got == f * (kh * kw + 1) or got == f * kh * kw:
            raise _fail(f"{where} the input channels are missing.", "a filter spans every input channel.")
        if got == c * (kh * kw * f + 1):
            raise _fail(f"{where} the biases are counted per input channel.", "one bias per filter (output channel).")
        raise _fail(f"{where} the count is not right.", "filters x (weights of one filter + 1 bias).")
    _ok(f"`{name}` is right for {len(cases)} convolution layers.")


@feedback
def check_pooled_length(fn: Callable[[int, Sequence[int]], int]) -> None:
    """Check ``fn(n, pools)``: length left after "valid" max pooling by each factor in turn.

    Taught in notebook 07 (report 001: 1366 frames -> 341 -> 170 -> 85).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_pooled_length")
    cases = [(1366, [4, 2, 2]), (96, [4, 2, 2]), (65, [4, 2, 2]), (129, [2, 4, 2]), (10, [3, 3])]
    for n, pools in cases:
        got = _int_answer(_call(fn, (n, list(pools)), name=name), name=name)
        expected = n
        for p in pools:
            expected //= p
        if got == expected:
            continue
        ceil = n
        for p in pools:
            ceil = -(-ceil // p)
        if got == ceil:
            raise _fail(f"For {n} frames and pools {pools} you round up.",
                        "'valid' pooling drops the incomplete window at the end: round down after each pooling.")
        raise _fail(f"For {n} frames and pools {pools} the length is not right.",
                    "each pooling keeps one value per complete window of p frames.")
    _ok(f"`{name}` is right for {len(cases)} inputs.")
