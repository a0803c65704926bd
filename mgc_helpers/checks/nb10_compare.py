"""Notebook 10 (compare and predict): the soft-voting ensemble, fixed and broken clips, the Wilson interval.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .engine import ExerciseError, _call, _fail, _name, _ok, _show, feedback

__all__ = ["check_ensemble_vote", "check_fixed_and_broken", "check_wilson_interval"]


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


def _wilson_reference(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The course's Wilson interval (:func:`mgc_helpers.evaluation.accuracy_interval`) at the coverage of ``z``."""
    from statistics import NormalDist

    from ..evaluation import accuracy_interval

    interval = accuracy_interval(k, n, confidence=2.0 * NormalDist().cdf(z) - 1.0)
    return interval.low, interval.high


def _wilson_mistakes(k: int, n: int, z: float) -> list[tuple[tuple[float, float], str, str]]:
    """``(interval, what, hint)`` of the common wrong formulas for ``k`` of ``n`` at ``z``."""
    p = k / n
    wald = z * np.sqrt(p * (1 - p) / n)
    denom = 1 + z * z / n
    root = np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    shift = z * z / (2 * n)
    formula = "(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), with p = k/n"
    return [
        ((p - wald, p + wald), "this is the normal (Wald) interval p ± z·sqrt(p(1−p)/n), not Wilson's",
         f"Wilson's interval moves the centre and widens the square root: {formula}."),
        (((p - z * root) / denom, (p + z * root) / denom), "the z²/2n term of the centre is missing",
         f"the centre is (p + z²/2n) / (1 + z²/n): {formula}."),
        (((p + shift - wald) / denom, (p + shift + wald) / denom), "the z²/4n² term under the square root is missing",
         f"the square root is sqrt(p(1−p)/n + z²/4n²): {formula}."),
        ((p + shift - z * root, p + shift + z * root), "the division by 1 + z²/n is missing",
         f"both bounds are divided by (1 + z²/n): {formula}."),
    ]


def _close_pair(got: tuple[float, float], want: tuple[float, float]) -> bool:
    return bool(np.allclose(got, want, rtol=1e-6, atol=1e-9))


@feedback
def check_wilson_interval(fn: Callable[..., tuple[float, float]]) -> None:
    """Check ``fn(k, n, *, z=1.96)`` -> ``(low, high)``: the Wilson score interval of ``k`` right out of ``n``.

    Taught in notebook 10 (is a difference between two models larger than the noise?). The
    reference is :func:`mgc_helpers.evaluation.accuracy_interval`; the bounds are fractions,
    low first, and ``n < 1`` or ``k`` outside ``0 … n`` must raise ``ValueError``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "wilson_interval")
    # (k, n, z): z None means the default; k = 0 and k = n are where Wald's interval collapses
    cases = [(34, 40, None), (0, 12, None), (12, 12, None), (145, 290, None), (7, 10, 2.576), (1, 3, 1.0),
             (250, 290, 1.645)]
    for k, n, z in cases:
        where = f"k={k}, n={n}" + ("" if z is None else f", z={z}")
        try:
            got = _call(fn, (k, n), name=name, kwargs=None if z is None else {"z": z})
        except ExerciseError as error:
            cause = error.__cause__
            if isinstance(cause, TypeError) and "'z'" in str(cause):
                raise _fail(f"`{name}` does not take the keyword argument z (called with {where}).",
                            f"give it the keyword-only argument: def {name}(k, n, *, z=1.96).") from cause
            raise
        try:
            values = [float(v) for v in got]
        except (TypeError, ValueError):
            raise _fail(f"For {where}, `{name}` returned {_show(got)}; return two numbers (low, high).") from None
        if len(values) != 2:
            raise _fail(f"For {where}, `{name}` returned {len(values)} values; return two numbers (low, high).")
        low, high = values
        if not np.all(np.isfinite(values)):
            raise _fail(f"For {where}, `{name}` returned NaN or an infinite bound.",
                        "look for a division by zero or the square root of a negative number.")
        want = _wilson_reference(k, n, 1.96 if z is None else z)
        if _close_pair((low, high), want):
            continue
        if _close_pair((low / 100, high / 100), want) or _close_pair((high / 100, low / 100), want):
            raise _fail(f"For {where}, `{name}` returned percentages.",
                        "return fractions between 0 and 1 (the notebook formats them as percentages when it prints).")
        if _close_pair((high, low), want):
            raise _fail(f"For {where}, the two bounds of `{name}` are swapped.", "return (low, high), the lower bound first.")
        if z is not None and _close_pair((low, high), _wilson_reference(k, n, 1.96)):
            raise _fail(f"For {where}, `{name}` gives its 95 % interval: it ignores z.",
                        "use the argument z in the formula instead of the number 1.96.")
        for interval, what, hint in _wilson_mistakes(k, n, 1.96 if z is None else z):
            if _close_pair((low, high), interval):
                raise _fail(f"For {where}, `{name}` is not right: {what}.", hint)
        if low > high:
            raise _fail(f"For {where}, `{name}` returned a lower bound above the upper one.",
                        "return (low, high), the lower bound first.")
        if low < 0 or high > 1:
            raise _fail(f"For {where}, `{name}` returned a bound outside [0, 1]; Wilson's interval stays inside.",
                        "(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), with p = k/n.")
        raise _fail(f"For {where}, `{name}` is not right.",
                    "(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), with p = k/n.")
    for k, n, why in ((0, 0, "with no clip there is no accuracy"), (5, 3, "more clips right than clips in all")):
        try:
            out = fn(k, n)
        except ValueError:
            continue
        except Exception as exc:
            raise _fail(f"`{name}({k}, {n})` crashed with {type(exc).__name__}: {exc} ({why}).",
                        "check k and n first and raise ValueError with a message saying what is wrong.") from exc
        raise _fail(f"`{name}({k}, {n})` returned {_show(out)} ({why}) instead of raising an error.",
                    "check k and n first: raise ValueError unless n >= 1 and 0 <= k <= n.")
    _ok(f"`{name}` gives the Wilson interval in {len(cases)} cases and refuses n = 0 and k > n.")
