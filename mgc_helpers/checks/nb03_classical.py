"""Notebook 03 (classical baselines, PCA): the number of PCA components, the majority vote.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .engine import _call, _compare, _fail, _name, _ok, _show, feedback

__all__ = ["check_n_components", "check_majority_vote"]


@feedback
def check_n_components(fn: Callable[[np.ndarray, float], int]) -> None:
    """Check ``fn(explained_variance_ratio, target)``: the fewest leading PCA components reaching ``target``.

    Taught in notebook 03 (report 004 kept 15 components, 76 % of the variance).

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "n_components")
    from ..classical import n_components_for_variance

    rng = np.random.default_rng(3)
    cases = [(np.array([0.5, 0.3, 0.1, 0.05, 0.05]), 0.8), (np.array([0.4, 0.3, 0.2, 0.1]), 0.95),
             (np.array([0.9, 0.05, 0.05]), 0.5)]
    for n, target in ((20, 0.76), (57, 0.9), (30, 0.5)):
        r = np.sort(rng.dirichlet(np.full(n, 0.7)))[::-1]
        cases.append((r, target))
    for ratios, target in cases:
        got = _call(fn, (ratios, target), name=name, kwargs=None)
        expected = n_components_for_variance(ratios, target)
        where = f"{ratios.size} ratios and target={target}"
        if isinstance(got, (float, np.floating)) and not float(got).is_integer():
            raise _fail(f"For {where}, `{name}` returned {_show(got)}: a number of components is a whole number.")
        _compare(got, np.asarray(expected), name=name, where=where, rtol=0, atol=0,
                 hint="take the cumulative sum (np.cumsum), find the first position where it reaches the target "
                      "(>=), and remember that position 0 means one component.",
                 mistakes=[(lambda g, e=expected: int(g) == e - 1,
                            "it is one too small: an index counts from 0, a number of components from 1."),
                           (lambda g, e=expected: int(g) == e + 1,
                            "it is one too large: stop at the first component where the sum reaches the target "
                            "(>=, not >).")])
    _ok(f"`{name}` is right on {len(cases)} variance profiles.")


def _reference_vote(track_ids: Sequence[Any], predictions: Sequence[Any]) -> dict[Any, Any]:
    from ..evaluation import majority_vote

    return majority_vote(track_ids, predictions).to_dict()


def _top_genres(ids: Sequence[Any], preds: Sequence[Any], track: Any) -> set[Any]:
    from collections import Counter

    counts = Counter(p for t, p in zip(ids, preds) if t == track)
    best = max(counts.values())
    return {g for g, c in counts.items() if c == best}


def _is_tied(ids: Sequence[Any], preds: Sequence[Any], track: Any) -> bool:
    return len(_top_genres(ids, preds, track)) > 1


@feedback
def check_majority_vote(fn: Callable[[Sequence[Any], Sequence[Any]], Any]) -> None:
    """Check ``fn(track_ids, predictions)``: one genre per track by majority vote of its segments.

    Taught in notebook 03. The answer may be a dict or a pandas Series mapping each
    track id to its voted genre; ties go to the genre that comes first alphabetically.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "my_majority_vote")
    rng = np.random.default_rng(3)
    genres = np.array(["blues", "jazz", "metal", "pop", "rock"])
    cases = [
        (["t1", "t1", "t1", "t2", "t2", "t2"], ["rock", "pop", "rock", "jazz", "jazz", "blues"]),
        (["a", "b", "a", "b", "a"], ["metal", "pop", "metal", "pop", "jazz"]),
    ]
    for n_tracks in (5, 12):
        ids = np.repeat([f"track{i:02d}" for i in range(n_tracks)], 5)
        order = rng.permutation(ids.size)
        cases.append((ids[order].tolist(), rng.choice(genres, ids.size, p=[0.4, 0.3, 0.1, 0.1, 0.1])[order].tolist()))
    tie = (["x", "x", "x", "x", "y"], ["rock", "jazz", "jazz", "rock", "pop"])
    for ids, preds in [*cases, tie]:
        got = _call(fn, (list(ids), list(preds)), name=name)
        if hasattr(got, "to_dict"):
            got = got.to_dict()
        if not isinstance(got, dict):
            raise _fail(f"`{name}` returned a {type(got).__name__}; return a dict (or pandas Series) "
                        "mapping each track id to one genre.")
        expected = _reference_vote(ids, preds)
        where = f"{len(set(ids))} tracks and {len(ids)} segment predictions"
        if set(got) != set(expected):
            raise _fail(f"For {where}, the keys of your result are not the track ids "
                        f"(got {len(got)} keys for {len(expected)} tracks).",
                        "group the predictions by track id: one entry per track.")
        wrong = [t for t in expected if got[t] != expected[t]]
        if wrong and all(_is_tied(ids, preds, t) and got[t] in _top_genres(ids, preds, t) for t in wrong):
            raise _fail("Your votes are right except when two genres get the same number of votes.",
                        "break ties by taking the genre that comes first alphabetically (e.g. sort the tied genres).")
        if wrong:
            raise _fail(f"For {where}, {len(wrong)} track(s) got the wrong genre, e.g. track {_show(wrong[0])}.",
                        "count each genre's votes among the segments of one track (collections.Counter or "
                        "np.unique(..., return_counts=True)) and keep the most frequent.")
    _ok(f"`{name}` is right on {len(cases) + 1} sets of segment predictions, ties included.")
