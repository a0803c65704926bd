"""Notebook 09 (spectral clustering segmentation): the SEM, the adjacency matrix, the eigengap.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .engine import _call, _close, _compare, _name, _numeric, _ok, check_function, feedback

__all__ = ["check_sem_formula", "check_adjacency", "check_eigengap_k"]


@feedback
def check_sem_formula(fn: Callable[[np.ndarray, float], float]) -> None:
    """Check ``fn(r_s, sigma2_ref)``: the spectral error measure of equation (2) of report 003.

    Taught in notebook 09. ``r_s`` is the autocorrelation of the residual (lags 0 … M)
    and ``sigma2_ref`` the noise power of the reference window's AR model.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_sem")
    from .. import segmentation as seg

    rng = np.random.default_rng(9)
    cases = [(np.array([2.0, 0.5, -1.0]), 1.0), (np.array([1.0, 0.0, 0.0, 0.0]), 1.0)]
    cases += [(np.concatenate([[rng.uniform(1, 3)], rng.normal(0, 0.3, 12)]), float(rng.uniform(0.5, 2)))
              for _ in range(5)]
    check_function(fn, seg.sem_from_autocorrelation, cases, name=name,
                   hint="equation (2) has two terms: how far the lag-0 ratio is from 1, and the energy of all "
                        "other lags (both normalised by r_s[0]); mind the factor in front of the sum.")


@feedback
def check_adjacency(fn: Callable[[np.ndarray], np.ndarray]) -> None:
    """Check ``fn(S)``: symmetrised distances (equation 4) turned into an adjacency matrix (equation 5).

    Taught in notebook 09.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_adjacency")
    from .. import segmentation as seg

    rng = np.random.default_rng(9)
    inputs = [rng.uniform(0, 3, (n, n)) for n in (2, 5, 12)]
    for S in inputs:
        expected = seg.adjacency(seg.symmetrize(S))
        got = _numeric(_call(fn, (S,), name=name), name=name)
        unsym = np.exp(-S ** 2)
        np.fill_diagonal(unsym, 0.0)
        with_diag = np.exp(-seg.symmetrize(S) ** 2)
        mistakes = [
            (lambda g, u=unsym: _close(g, u, 1e-6, 1e-9), "the matrix is not symmetric: average S with its "
                                                          "transpose before the exponential (equation 4)."),
            (lambda g, d=with_diag: _close(g, d, 1e-6, 1e-9), "the diagonal must be 0 (no self-loops, equation 5)."),
        ]
        _compare(got, expected, name=name, where=f"S of shape {S.shape}", rtol=1e-6, atol=1e-9,
                 hint="S_sym = (S + Sᵀ) / 2, then A = exp(−S_sym²) element-wise, then zero the diagonal.",
                 mistakes=mistakes)
    _ok(f"`{name}` is right on {len(inputs)} random distance matrices.")


@feedback
def check_eigengap_k(fn: Callable[[np.ndarray, int], int]) -> None:
    """Check ``fn(eigenvalues, k_max)``: the number of clusters with the largest eigengap.

    Taught in notebook 09. ``eigenvalues`` are sorted in decreasing order; the answer
    is the ``k`` in ``2 … k_max`` that maximises ``λ_k − λ_(k+1)`` (``λ_1`` is the first).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_eigengap_k")
    from .. import segmentation as seg

    rng = np.random.default_rng(9)
    cases = [(np.array([1.0, 0.99, 0.98, 0.5, 0.4, 0.3]), 4), (np.array([1.0, 0.9, 0.2, 0.1]), 3)]
    cases += [(np.sort(rng.uniform(-1, 1, 20))[::-1], k) for k in (3, 6, 10)]
    check_function(fn, lambda lam, k_max: seg.eigengap_k(lam, k_min=2, k_max=k_max), cases, name=name,
                   atol=0.0, rtol=0.0,
                   hint="k counts from 1: λ_k is eigenvalues[k − 1]; look only at k = 2 … k_max, and return k, "
                        "not the position of the gap in your array.")
