"""Notebook 10 (compare and predict): the soft-voting ensemble, fixed and broken clips.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .engine import _call, _fail, _name, _ok, _show, feedback

__all__ = ["check_ensemble_vote", "check_fixed_and_broken"]


def _ensemble_reference(probas: Sequence[np.ndarray], classes: Sequence[str]) -> list[str]:
    mean = np.mean([np.asarray(p, dtype=float) for p in probas], axis=0)
    return [str(classes[i]) for i in np.argmax(mean, axis=1)]


@feedback
def check_ensemble_vote(fn: Callable[[Sequence[np.ndarray], Sequence[str]], Sequence[str]]) -> None:
    """Check ``fn(probas, classes)``: the genre of each clip from the **mean** of several models' probabilities.

    Taught in notebook 10 (a soft-voting ensemble).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "ensemble_vote")
    rng = np.random.default_rng(100)
    classes = ["blues", "jazz", "metal", "pop"]
    cases = []
    # one clip where a majority of arg-maxes and the mean probability disagree
    cases.append([np.array([[0.40, 0.35, 0.15, 0.10]]), np.array([[0.40, 0.35, 0.15, 0.10]]),
                  np.array([[0.02, 0.95, 0.02, 0.01]])])
    # one clip where the single most confident value and the mean disagree
    cases.append([np.array([[0.55, 0.45, 0.0, 0.0]]), np.array([[0.10, 0.50, 0.40, 0.0]]),
                  np.array([[0.20, 0.45, 0.35, 0.0]])])
    for n_models, n_clips in ((2, 6), (3, 12), (5, 20)):
        cases.append([rng.dirichlet(np.ones(4) * 0.7, size=n_clips) for _ in range(n_models)])
    for probas in cases:
        got = _call(fn, ([p.copy() for p in probas], list(classes)), name=name)
        try:
            got = [str(g) for g in got]
        except TypeError:
            raise _fail(f"`{name}` returned a {type(got).__name__}; return one genre name per clip.") from None
        expected = _ensemble_reference(probas, classes)
        n_clips = len(probas[0])
        if len(got) != n_clips:
            raise _fail(f"With {len(probas)} models and {n_clips} clip(s), `{name}` returned {len(got)} genres.",
                        "average over the models (one array per model), not over the clips.")
        if not set(got) <= set(classes):
            raise _fail(f"`{name}` returned something that is not a genre name, e.g. "
                        f"{_show(next(g for g in got if g not in classes))}.", "index `classes` with the arg-max.")
        if got != expected:
            stacked = np.stack(probas)
            if got == [classes[i] for i in np.argmax(stacked.max(axis=0), axis=1)]:
                raise _fail("Your genres follow the single most confident model.",
                            "average the probabilities of all models, then take the arg-max.")
            votes = np.argmax(stacked, axis=2)
            majority = [classes[int(np.bincount(v, minlength=4).argmax())] for v in votes.T]
            if got == majority:
                raise _fail("Your genres are a majority vote of the models' arg-maxes.",
                            "a soft vote averages the probabilities first, so confident models count more.")
            raise _fail(f"With {len(probas)} models, {sum(g != e for g, e in zip(got, expected))} of {n_clips} "
                        "clips get the wrong genre.", "np.mean over the list of arrays (axis 0), then np.argmax per row.")
    _ok(f"`{name}` averages the models' probabilities right in {len(cases)} cases.")


def _fixed_broken_reference(y_true: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    return int(np.sum((a != y_true) & (b == y_true))), int(np.sum((a == y_true) & (b != y_true)))


@feedback
def check_fixed_and_broken(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[int, int]]) -> None:
    """Check ``fn(y_true, pred_single, pred_ensemble)`` -> ``(fixed, broken)`` clip counts.

    Taught in notebook 10: *fixed* clips are wrong for the single model and right for the
    ensemble, *broken* ones the opposite; the accuracy gain is ``(fixed - broken) / n``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "fixed_and_broken")
    rng = np.random.default_rng(101)
    genres = np.array(["blues", "jazz", "metal", "pop", "rock"])
    cases = [(np.array(["a", "b", "c", "d"]), np.array(["a", "x", "c", "x"]), np.array(["a", "b", "x", "x"]))]
    for n in (10, 40, 100):
        y = rng.choice(genres, n)
        cases.append((y, np.where(rng.random(n) < 0.7, y, rng.choice(genres, n)),
                      np.where(rng.random(n) < 0.75, y, rng.choice(genres, n))))
    for y, a, b in cases:
        got = _call(fn, (y, a, b), name=name)
        try:
            fixed, broken = (int(v) for v in got)
        except (TypeError, ValueError):
            raise _fail(f"`{name}` returned {_show(got)}; return two whole numbers (fixed, broken).") from None
        want = _fixed_broken_reference(y, a, b)
        if (fixed, broken) == want:
            continue
        if (fixed, broken) == want[::-1]:
            raise _fail("Your two numbers are swapped.",
                        "fixed: wrong for the single model AND right for the ensemble; broken: the opposite.")
        n_right = (int(np.sum(b == y)), int(np.sum(a == y)))
        if (fixed, broken) == n_right or (fixed, broken) == n_right[::-1]:
            raise _fail("You counted the clips each model gets right, not the clips that changed.",
                        "combine two conditions per clip with &: (pred_single != y_true) & (pred_ensemble == y_true).")
        raise _fail(f"For {len(y)} clips, (fixed, broken) is not right.",
                    "a fixed clip is wrong for the single model and right for the ensemble.")
    _ok(f"`{name}` counts the changed clips right in {len(cases)} cases.")
