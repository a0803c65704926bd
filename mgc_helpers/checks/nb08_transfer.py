"""Notebook 08 (transfer learning): top-k tags of a taggram, a tag map by name, the nearest-centroid classifier.

The checks of one notebook, in the order the notebook calls them; the machinery
(calling the answer, comparing numbers, saying what is wrong) is :mod:`mgc_helpers.checks.engine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .engine import _call, _fail, _name, _ok, feedback

__all__ = ["check_top_k_tags", "check_name_tag_map", "check_nearest_centroid"]


def _top_tags_reference(T: np.ndarray, names: Sequence[str], k: int) -> list[str]:
    mean = np.asarray(T, dtype=float).mean(axis=0)
    return [names[i] for i in np.argsort(-mean, kind="stable")[:k]]


@feedback
def check_top_k_tags(fn: Callable[[np.ndarray, Sequence[str], int], Sequence[str]]) -> None:
    """Check ``fn(T, names, k)``: the ``k`` tag names with the highest mean probability over the patches, best first.

    Taught in notebook 08. ``T`` is a taggram ``(n_patches, n_tags)``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "top_k_tags")
    rng = np.random.default_rng(8)
    names = [f"tag{i:02d}" for i in range(12)]
    cases = [(rng.random((n, 12)), k) for n, k in ((1, 3), (5, 5), (9, 1))]
    T = np.zeros((4, 12))
    T[:2, 0] = 1.0  # high in two patches only: mean 0.5
    T[:, 1] = 0.6   # moderately high everywhere: mean 0.6
    cases.append((T, 2))
    for T, k in cases:
        got = _call(fn, (T, list(names), k), name=name)
        expected = _top_tags_reference(T, names, k)
        try:
            got = [str(g) for g in got]
        except TypeError:
            raise _fail(f"`{name}` returned a {type(got).__name__}; return a list of tag names.") from None
        if len(got) != k:
            raise _fail(f"For k={k}, `{name}` returned {len(got)} names.", "keep exactly k names.")
        if set(got) == set(expected) and got != expected:
            raise _fail("You found the right tags, but not in the right order.", "sort from the most to the least likely.")
        if got != expected:
            if got == _top_tags_reference(T.max(axis=0, keepdims=True), names, k):
                raise _fail("Your tags follow the maximum over patches.", "average each tag over the patches (axis 0).")
            raise _fail(f"For a taggram of shape {T.shape} and k={k}, the tags are not the most likely ones.",
                        "average over the patches (axis 0), then np.argsort the means in decreasing order.")
    _ok(f"`{name}` ranks the tags of {len(cases)} taggrams correctly.")


def _squash(text: str) -> str:
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def _name_tag_map_reference(genres: Sequence[str], names: Sequence[str]) -> dict[str, list[str]]:
    return {g: [t for t in names if _squash(g) in _squash(t)] for g in genres}


@feedback
def check_name_tag_map(fn: Callable[[Sequence[str], Sequence[str]], dict]) -> None:
    """Check ``fn(genres, names)``: for each genre, the tag names that contain it, ignoring case and punctuation.

    Taught in notebook 08 (a zero-shot tag table made from names alone, compared with the curated one
    of :mod:`mgc_helpers.models.zeroshot`). Every genre is a key, with an empty list when no tag matches;
    the tags keep the order of ``names``.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "name_tag_map")
    cases = [
        (["Hip-Hop", "polka", "reggae", "Drum and bass"],
         ["hip hop", "Old-school HipHop", "hop", "drumandbass", "Drum & Bass", "polkadots", "polka", "bass"]),
        (["rock", "K-pop"], ["Rock", "Indie rock", "rockabilly", "kpop", "pop", "K-Pop ballads"]),
    ]
    for genres, names in cases:
        got = _call(fn, (list(genres), list(names)), name=name)
        expected = _name_tag_map_reference(genres, names)
        if not isinstance(got, dict):
            raise _fail(f"`{name}` returned a {type(got).__name__}; return a dict from each genre to a list of tags.")
        missing = [g for g in genres if g not in got]
        if missing:
            raise _fail(f"`{name}` has no entry for the genre {missing[0]!r}.",
                        "keep every genre as a key, with an empty list when no tag matches.")
        extra = [k for k in got if k not in genres]
        if extra:
            raise _fail(f"`{name}` has a key {str(extra[0])!r} that is not one of the genres asked for.")
        for g in genres:
            try:
                tags = [str(t) for t in got[g]]
            except TypeError:
                raise _fail(f"For {g!r}, `{name}` gave a {type(got[g]).__name__}, not a list of tag names.") from None
            if tags == expected[g]:
                continue
            if set(tags) == set(expected[g]):
                raise _fail(f"For {g!r} you found the right tags, but not in the order of `names`.")
            if set(tags) < set(expected[g]):
                low = [t for t in names if g.lower() in t.lower()]
                hint = ("compare without hyphens, spaces and other punctuation, too (keep letters and digits)."
                        if set(tags) <= set(low) else "compare in lower case, ignoring punctuation.")
                raise _fail(f"For {g!r}, `{name}` misses tags whose names contain it.", hint)
            raise _fail(f"For {g!r}, `{name}` keeps a tag whose name does not contain the genre.",
                        "keep a tag when the genre's letters and digits (lower case) appear inside the tag's.")
    _ok(f"`{name}` maps genres to tags by name in {len(cases)} cases.")


def _centroid_reference(X_train: np.ndarray, y_train: np.ndarray, X_test: np.ndarray) -> np.ndarray:
    classes = np.unique(y_train)
    C = np.stack([X_train[y_train == c].mean(axis=0) for c in classes])
    C = C / np.linalg.norm(C, axis=1, keepdims=True)
    Z = X_test / np.linalg.norm(X_test, axis=1, keepdims=True)
    return classes[np.argmax(Z @ C.T, axis=1)]


@feedback
def check_nearest_centroid(fn: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Check ``fn(X_train, y_train, X_test)``: the genre whose mean training embedding is most cosine-similar.

    Taught in notebook 08 (a few-shot classifier on pretrained embeddings). The answer holds
    labels (the values of ``y_train``), not their positions.

    Raises
    ------
    ExerciseError
    """
    name = _name(fn, "nearest_centroid")
    rng = np.random.default_rng(80)
    for n_classes, per_class, dim in ((3, 1, 4), (5, 3, 16), (10, 4, 32)):
        labels = np.array([f"genre{c}" for c in range(n_classes)])
        centres = rng.normal(size=(n_classes, dim)) + 0.5
        y_train = np.repeat(labels, per_class)
        X_train = np.repeat(centres, per_class, axis=0) + rng.normal(scale=0.8, size=(len(y_train), dim))
        X_test = centres[rng.integers(0, n_classes, 25)] * rng.uniform(0.2, 5.0, (25, 1)) + rng.normal(size=(25, dim))
        got = np.asarray(_call(fn, (X_train, y_train, X_test), name=name))
        expected = _centroid_reference(X_train, y_train, X_test)
        if got.shape != expected.shape:
            raise _fail(f"`{name}` returned shape {got.shape}, expected one genre per test row {expected.shape}.")
        whole = got.dtype.kind in "iu" or got.dtype.kind == "f" and bool(np.all(np.isfinite(got))) and bool(
            np.all(got == np.round(got)))  # positions, also when stored as floats (np.zeros, then filled)
        if whole and labels.dtype.kind != got.dtype.kind:
            positions = np.searchsorted(np.unique(y_train), expected)
            which = ("the positions of the right genres" if np.array_equal(got, positions)
                     else "numbers (positions of genres?)")
            raise _fail(f"`{name}` returned {which}, not genre labels.",
                        "predict the labels themselves: index the array of genres (np.unique(y_train)) with "
                        "the positions of the largest cosines.")
        if not np.array_equal(got.astype(str), expected.astype(str)):
            C = np.stack([X_train[y_train == c].mean(axis=0) for c in labels])
            euclid = labels[np.argmin(((X_test[:, None] - C[None]) ** 2).sum(-1), axis=1)]
            if np.array_equal(got.astype(str), euclid):
                raise _fail("Your predictions use the Euclidean distance.",
                            "normalise the centroids and the test vectors to length 1, then take dot products.")
            raise _fail(f"With {n_classes} genres and {per_class} track(s) each, "
                        f"{int((got.astype(str) != expected.astype(str)).sum())} of 25 predictions are wrong.",
                        "one centroid per genre (mean of its training rows); predict the genre of the largest cosine.")
    _ok(f"`{name}` predicts like a cosine nearest-centroid classifier on 3 data sets.")
