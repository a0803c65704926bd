"""Scoring genre classifiers: clip-level voting, accuracy, macro-F1 and a results log.

Taught in notebook 03 (classical baselines) and used by every later notebook (the
feed-forward, CNN and recurrent networks of notebooks 04–08 are scored the same way,
so their rows land in the same results table). This module depends only on NumPy,
pandas and (for the confusion counts) scikit-learn: it never imports TensorFlow, so
a network's ``model.predict(...)`` output (an array of probabilities) is simply
passed in as ``proba``.

From segments to clips
----------------------
Many models classify short **segments** (report 003: 3 s slices; report 004: 2 s clips)
while the question is about a whole **clip** (track). The segment predictions of one
track are combined by

- **majority vote** (:func:`majority_vote`): every segment votes for its predicted
  genre; the most voted genre wins (ties: the genre with the highest summed
  probability when probabilities are given, else the first in sorted order);
- **mean probability** (:func:`mean_probability`): average the segments' class
  probabilities and take the arg-max ("soft voting").

:func:`clip_scores` returns both, next to the segment accuracy.

The results log
---------------
Every model of the course is recorded by one call, :func:`record`: it adds one row to a
CSV file, ``<cache root>/results/results_log.csv`` by default (see
:func:`mgc_helpers.config.cache_root`, ``$MGC_CACHE_DIR``), with the columns of
:data:`RESULT_COLUMNS` (among them the ``notebook`` that trained the model and its
``params`` as JSON), and saves the model's test-clip probabilities beside it
(:func:`save_clip_probabilities`). Each row is written atomically under a file lock, so
two processes recording at once keep both rows. :func:`read_results` reads the log back
as a DataFrame, so that notebooks 03–10 can show one table comparing every model. Each row
also keeps ``n_test``, the number of test clips, and the 95 % Wilson interval of the clip
accuracy.

How sure is a number?
---------------------
A 40-clip test set moves an accuracy by 2.5 points per clip; a 95 % interval around 85 %
spans about ±11 points. :func:`accuracy_interval` (Wilson) and :func:`bootstrap_interval`
(any clip-level metric, e.g. macro-F1) give an :class:`Interval`; two models on the same
clips are compared by the exact McNemar test (:func:`mcnemar`) and a paired bootstrap of the
difference (:func:`paired_bootstrap`), which :func:`verdict` turns into words: "ahead",
"tied within noise" or "behind". :func:`repeat_over_seeds` reports how much training seeds move
a score.

>>> from mgc_helpers import evaluation
>>> evaluation.majority_vote(["a", "a", "a", "b"], ["rock", "rock", "pop", "jazz"]).to_dict()
{'a': 'rock', 'b': 'jazz'}
"""
from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from statistics import NormalDist
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import config

__all__ = [
    "RESULT_COLUMNS",
    "accuracy",
    "macro_f1",
    "majority_vote",
    "mean_probability",
    "clip_table",
    "clip_scores",
    "most_confused",
    "misclassified_clip",
    "play_misclassified",
    "Interval",
    "accuracy_interval",
    "bootstrap_interval",
    "McNemar",
    "mcnemar",
    "paired_bootstrap",
    "VERDICTS",
    "Verdict",
    "verdict",
    "SeedSpread",
    "repeat_over_seeds",
    "results_path",
    "record",
    "read_results",
    "probabilities_dir",
    "save_clip_probabilities",
    "read_clip_probabilities",
]

#: Columns of the results log, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "model",
    "notebook",
    "features",
    "dataset",
    "split",
    "segment_accuracy",
    "clip_accuracy",
    "macro_f1",
    "n_test",
    "clip_accuracy_low",
    "clip_accuracy_high",
    "n_params",
    "fit_time_s",
    "params",
    "notes",
    "timestamp",
)


# --------------------------------------------------------------------------- metrics
def accuracy(y_true: Sequence[Any], y_pred: Sequence[Any]) -> float:
    """Fraction of predictions equal to the truth (``sklearn.metrics.accuracy_score``).

    Taught in notebook 03.

    Parameters
    ----------
    y_true, y_pred : sequence
        True and predicted labels, same length.

    Returns
    -------
    float
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in length: {t.shape} vs {p.shape}")
    if t.size == 0:
        raise ValueError("accuracy of an empty set of predictions is undefined")
    return float(np.mean(t == p))


def macro_f1(y_true: Sequence[Any], y_pred: Sequence[Any], *, labels: Sequence[Any] | None = None) -> float:
    """Macro-averaged F1: the F1 score of every class, averaged with equal weights.

    Taught in notebook 03. For class :math:`c`, precision :math:`P_c = TP_c/(TP_c+FP_c)`,
    recall :math:`R_c = TP_c/(TP_c+FN_c)` and :math:`F1_c = 2 P_c R_c / (P_c + R_c)`
    (0 when undefined); the macro average weighs a rare genre like a frequent one,
    so a classifier cannot score well by ignoring one genre. Equals
    ``sklearn.metrics.f1_score(average="macro", zero_division=0)``.

    Parameters
    ----------
    y_true, y_pred : sequence
        True and predicted labels.
    labels : sequence, optional, keyword-only
        The classes averaged over (default: every label in ``y_true`` or ``y_pred``).

    Returns
    -------
    float
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in length: {t.shape} vs {p.shape}")
    classes = np.unique(np.concatenate([t, p])) if labels is None else np.asarray(labels)
    scores = []
    for c in classes:
        tp = np.sum((t == c) & (p == c))
        denom = np.sum(t == c) + np.sum(p == c)  # 2TP + FP + FN
        scores.append(2.0 * tp / denom if denom else 0.0)
    return float(np.mean(scores)) if scores else 0.0


# --------------------------------------------------------------------------- voting
def _sorted_classes(classes: Sequence[Any] | None, values: np.ndarray) -> np.ndarray:
    return np.asarray(classes) if classes is not None else np.unique(values)


def majority_vote(
    track_ids: Sequence[Any],
    predictions: Sequence[Any],
    *,
    proba: np.ndarray | None = None,
    classes: Sequence[Any] | None = None,
) -> pd.Series:
    """Clip-level labels by majority vote over each track's segment predictions.

    Taught in notebook 03 (report 003: 3 s segments, then voting).

    Parameters
    ----------
    track_ids : sequence
        Track of each segment.
    predictions : sequence
        Predicted label of each segment.
    proba : numpy.ndarray, shape (n_segments, n_classes), optional, keyword-only
        Class probabilities of each segment (columns in the order of ``classes``):
        used only to break ties (the tied genre with the highest summed probability
        wins).
    classes : sequence, optional, keyword-only
        Class order of ``proba`` (e.g. ``model.classes_``); without ``proba`` ties go
        to the first tied class in this order (default: sorted labels).

    Returns
    -------
    pandas.Series
        Voted label per track, indexed by track id (in order of first appearance).
    """
    tids, preds = np.asarray(track_ids), np.asarray(predictions)
    if tids.shape != preds.shape:
        raise ValueError(f"track_ids and predictions differ in length: {tids.shape} vs {preds.shape}")
    cls = _sorted_classes(classes, preds)
    if not np.isin(preds, cls).all():
        raise ValueError("a prediction is not in `classes`")
    index = {c: i for i, c in enumerate(cls.tolist())}
    order, inverse = _groups(tids)
    votes = np.zeros((len(order), len(cls)))
    np.add.at(votes, (inverse, [index[p] for p in preds.tolist()]), 1.0)
    if proba is not None:
        proba = np.asarray(proba, dtype=float)
        if proba.shape != (len(tids), len(cls)):
            raise ValueError(f"proba must have shape {(len(tids), len(cls))}, got {proba.shape}")
        mass = np.zeros_like(votes)
        np.add.at(mass, inverse, proba)
        tied = votes == votes.max(axis=1, keepdims=True)
        votes = votes + tied * mass / (mass.max() * 2 * len(tids) + 1.0)  # < 1 vote: only breaks ties
    return pd.Series(cls[np.argmax(votes, axis=1)], index=pd.Index(order, name="track_id"), name="predicted")


def mean_probability(
    track_ids: Sequence[Any], proba: np.ndarray, *, classes: Sequence[Any]
) -> pd.Series:
    """Clip-level labels from the average of each track's segment probabilities ("soft voting").

    Taught in notebook 03.

    Parameters
    ----------
    track_ids : sequence
        Track of each segment.
    proba : numpy.ndarray, shape (n_segments, n_classes)
        Class probabilities of each segment (``model.predict_proba(X)``, or the
        softmax output of a network).
    classes : sequence, keyword-only
        The class of each column of ``proba`` (``model.classes_``).

    Returns
    -------
    pandas.Series
        Label with the highest mean probability per track, indexed by track id.
    """
    tids = np.asarray(track_ids)
    proba = np.asarray(proba, dtype=float)
    cls = np.asarray(classes)
    if proba.ndim != 2 or proba.shape != (len(tids), len(cls)):
        raise ValueError(f"proba must have shape {(len(tids), len(cls))}, got {proba.shape}")
    order, inverse = _groups(tids)
    total = np.zeros((len(order), len(cls)))
    np.add.at(total, inverse, proba)
    counts = np.bincount(inverse, minlength=len(order))[:, None]
    return pd.Series(cls[np.argmax(total / counts, axis=1)], index=pd.Index(order, name="track_id"),
                     name="predicted")


def _groups(track_ids: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """Unique ids in order of first appearance, and the group index of every element."""
    codes, uniques = pd.factorize(pd.Series(track_ids), sort=False)
    return list(uniques), np.asarray(codes)


def clip_table(
    track_ids: Sequence[Any],
    y_true: Sequence[Any],
    *,
    y_pred: Sequence[Any] | None = None,
    proba: np.ndarray | None = None,
    classes: Sequence[Any] | None = None,
    method: str = "majority",
) -> pd.DataFrame:
    """One row per track: its true genre and the genre voted from its segments.

    Used from notebook 03 on.

    Parameters
    ----------
    track_ids, y_true : sequence
        Track and true label of every segment (a track's segments share its label).
    y_pred : sequence, optional, keyword-only
        Segment predictions (needed for ``method="majority"``; derived from ``proba``
        when omitted).
    proba : numpy.ndarray, optional, keyword-only
        Segment probabilities, columns in the order of ``classes``.
    classes : sequence, optional, keyword-only
        Column order of ``proba``.
    method : {"majority", "mean"}, keyword-only
        Majority vote or mean probability.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``track_id`` with columns ``true``, ``predicted``, ``n_segments``.
    """
    tids, truth = np.asarray(track_ids), np.asarray(y_true)
    if proba is not None and classes is None:
        raise ValueError("pass `classes` (the column order of proba, e.g. model.classes_)")
    if method == "majority":
        if y_pred is None:
            if proba is None:
                raise ValueError("majority voting needs y_pred or proba")
            y_pred = np.asarray(classes)[np.argmax(np.asarray(proba), axis=1)]
        voted = majority_vote(tids, y_pred, proba=proba, classes=classes)
    elif method == "mean":
        if proba is None:
            raise ValueError("mean-probability voting needs proba")
        voted = mean_probability(tids, proba, classes=classes)
    else:
        raise ValueError(f"method must be 'majority' or 'mean', got {method!r}")
    frame = pd.DataFrame({"track_id": tids, "true": truth})
    per_track = frame.groupby("track_id", sort=False)["true"].agg(["first", "nunique", "size"])
    if (per_track["nunique"] > 1).any():
        bad = per_track.index[per_track["nunique"] > 1][0]
        raise ValueError(f"the segments of track {bad!r} have different true labels")
    return pd.DataFrame({"true": per_track["first"].loc[voted.index], "predicted": voted,
                         "n_segments": per_track["size"].loc[voted.index]})


def clip_scores(
    track_ids: Sequence[Any],
    y_true: Sequence[Any],
    *,
    y_pred: Sequence[Any] | None = None,
    proba: np.ndarray | None = None,
    classes: Sequence[Any] | None = None,
) -> dict[str, float]:
    """Segment accuracy, clip accuracy (majority and mean-probability votes) and clip macro-F1.

    Taught in notebook 03 (the layout of report 003's Table 2: segments, then voting).

    Returns
    -------
    dict
        ``segment_accuracy``, ``clip_accuracy`` (majority vote), ``clip_accuracy_mean``
        (mean probability; NaN without ``proba``) and ``macro_f1`` (of the majority
        vote, over clips).
    """
    if y_pred is None:
        if proba is None or classes is None:
            raise ValueError("pass y_pred, or proba with classes")
        y_pred = np.asarray(classes)[np.argmax(np.asarray(proba), axis=1)]
    majority = clip_table(track_ids, y_true, y_pred=y_pred, proba=proba, classes=classes)
    out = {
        "segment_accuracy": accuracy(y_true, y_pred),
        "clip_accuracy": accuracy(majority["true"], majority["predicted"]),
        "clip_accuracy_mean": float("nan"),
        "macro_f1": macro_f1(majority["true"], majority["predicted"]),
    }
    if proba is not None:
        mean = clip_table(track_ids, y_true, proba=proba, classes=classes, method="mean")
        out["clip_accuracy_mean"] = accuracy(mean["true"], mean["predicted"])
    return out


def most_confused(
    y_true: Sequence[Any], y_pred: Sequence[Any], *, top: int = 5
) -> pd.DataFrame:
    """The most frequent confusions (true genre predicted as another), largest first.

    Taught in notebook 03 (reading a confusion matrix), used by the later notebooks.

    Parameters
    ----------
    y_true, y_pred : sequence
        True and predicted labels.
    top : int, keyword-only
        Number of pairs returned.

    Returns
    -------
    pandas.DataFrame
        Columns ``true``, ``predicted``, ``count`` and ``share`` (of the true genre's
        examples).
    """
    frame = pd.DataFrame({"true": np.asarray(y_true), "predicted": np.asarray(y_pred)})
    support = frame.groupby("true").size()
    wrong = frame[frame["true"] != frame["predicted"]]
    pairs = wrong.groupby(["true", "predicted"]).size().rename("count").reset_index()
    pairs["share"] = pairs["count"] / pairs["true"].map(support)
    pairs = pairs.sort_values(["count", "true", "predicted"], ascending=[False, True, True])
    return pairs.head(top).reset_index(drop=True)


# --------------------------------------------------------------------------- uncertainty
@dataclass(frozen=True)
class Interval:
    """A score with its confidence interval (what :func:`accuracy_interval` and the bootstraps return).

    Taught in notebook 10 (used wherever an accuracy is compared). ``str()`` reads
    ``"85.0 % (70.9 % to 92.9 %, n = 40)"``.

    Attributes
    ----------
    estimate : float
        The score on the full sample (the centre the interval is about).
    low, high : float
        The interval's bounds.
    n : int
        Number of clips behind it.
    confidence : float
        Nominal coverage, e.g. 0.95.
    method : str
        ``"wilson"``, ``"bootstrap"`` or ``"paired bootstrap"``.
    """

    estimate: float
    low: float
    high: float
    n: int
    confidence: float = 0.95
    method: str = "wilson"

    def overlaps(self, other: "Interval") -> bool:
        """Whether the two intervals share a point (a conservative "tied within noise")."""
        return self.low <= other.high and other.low <= self.high

    def __str__(self) -> str:
        if self.method == "paired bootstrap":  # a difference: signed points
            return (f"{100 * self.estimate:+.1f} points ({100 * self.low:+.1f} to {100 * self.high:+.1f}, "
                    f"n = {self.n})")
        return f"{self.estimate:.1%} ({self.low:.1%} to {self.high:.1%}, n = {self.n})".replace("%", " %")


def _z(confidence: float) -> float:
    """Two-sided standard-normal quantile of ``confidence`` (1.96 for 0.95)."""
    if not isinstance(confidence, (int, float, np.floating)) or not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be a fraction strictly between 0 and 1, got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + float(confidence) / 2.0)


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not np.ndim(value) == 0 or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    return int(value)


def accuracy_interval(n_correct: int, n: int, *, confidence: float = 0.95) -> Interval:
    """Wilson score interval of an accuracy of ``n_correct`` right out of ``n`` clips.

    Taught in notebook 10; every comparison of accuracies in notebooks 03–10 should carry it.
    With :math:`\\hat p = k/n` and :math:`z` the two-sided normal quantile (1.96 for 95 %),

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n},

    the set of :math:`p` whose score test :math:`|\\hat p - p| \\le z\\sqrt{p(1-p)/n}` does not
    reject (Wilson 1927). Unlike :math:`\\hat p \\pm z\\sqrt{\\hat p(1-\\hat p)/n}`, it stays
    inside [0, 1] and is not empty at 0 or 100 %. Equals statsmodels'
    ``proportion_confint(k, n, method="wilson")``. 34 of 40 clips: 85.0 % (70.9 % to 92.9 %).

    Parameters
    ----------
    n_correct, n : int
        Clips classified correctly, and clips in all (``0 <= n_correct <= n``, ``n >= 1``).
    confidence : float, keyword-only
        Nominal coverage.

    Returns
    -------
    Interval
        ``method="wilson"``, ``estimate = n_correct / n``.
    """
    k, n = _whole(n_correct, "n_correct"), _whole(n, "n")
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= n_correct <= n and n >= 1, got n_correct={k}, n={n}")
    z = _z(confidence)
    p = k / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low, high = (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))
    return Interval(p, float(low), float(high), n, float(confidence), "wilson")


_METRICS = ("accuracy", "macro_f1")


def _labels_pair(y_true: Sequence[Any], y_pred: Sequence[Any], name: str = "y_pred") -> tuple[np.ndarray, np.ndarray]:
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim != 1 or t.shape != p.shape:
        raise ValueError(f"y_true and {name} must be 1-D and of the same length: {t.shape} vs {p.shape}")
    if t.size == 0:
        raise ValueError("no clips: an interval of an empty test set is undefined")
    return t, p


def _resampled(t: np.ndarray, p: np.ndarray, idx: np.ndarray, metric: Any,
               labels: Sequence[Any] | None = None) -> np.ndarray:
    """The metric on every resample ``t[idx[b]], p[idx[b]]`` (idx: (n_boot, n) clip indices), vectorised."""
    if metric == "accuracy":
        return (t == p)[idx].mean(axis=1)
    if metric == "macro_f1":
        classes = np.unique(np.concatenate([t, p])) if labels is None else np.asarray(labels)
        codes = {c: i for i, c in enumerate(classes.tolist())}
        k = len(classes) + 1  # code k-1: a label outside ``labels`` (counts for no class)
        tc = np.array([codes.get(v, k - 1) for v in t.tolist()])
        pc = np.array([codes.get(v, k - 1) for v in p.tolist()])
        rows = np.arange(idx.shape[0])[:, None] * k

        def count(codes_: np.ndarray) -> np.ndarray:  # (n_boot, k) occurrences of each code per resample
            return np.bincount((rows + codes_[idx]).ravel(), minlength=idx.shape[0] * k).reshape(-1, k)

        tp = count(np.where(tc == pc, tc, k - 1))[:, :-1]
        denom = (count(tc) + count(pc))[:, :-1]  # 2TP + FP + FN per class
        f1 = np.divide(2.0 * tp, denom, out=np.zeros(denom.shape), where=denom > 0)
        if labels is not None:
            return f1.mean(axis=1)
        present = denom > 0  # macro_f1 without labels averages the classes seen in that sample
        return f1.sum(axis=1) / np.maximum(present.sum(axis=1), 1)
    if callable(metric):
        return np.array([float(metric(t[i], p[i])) for i in idx])
    raise ValueError(f"metric must be one of {_METRICS} or a callable metric(y_true, y_pred), got {metric!r}")


def _indices(n: int, n_boot: int, seed: int) -> np.ndarray:
    n_boot = _whole(n_boot, "n_boot")
    if n_boot < 100:
        raise ValueError(f"n_boot must be at least 100 resamples, got {n_boot}")
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def _percentiles(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    _z(confidence)  # validates
    alpha = (1.0 - float(confidence)) / 2.0
    low, high = np.quantile(samples, [alpha, 1.0 - alpha])
    return float(low), float(high)


def bootstrap_interval(
    y_true: Sequence[Any],
    y_pred: Sequence[Any],
    *,
    metric: Any = "accuracy",
    labels: Sequence[Any] | None = None,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile-bootstrap interval of a clip-level metric: resample the test clips with replacement.

    Taught in notebook 10. Each of ``n_boot`` resamples draws ``n`` clips with replacement
    and scores them; the interval holds the middle ``confidence`` of those scores. It suits
    metrics without a closed form (macro-F1); for accuracy prefer :func:`accuracy_interval`.

    Parameters
    ----------
    y_true, y_pred : sequence, shape (n_clips,)
        True and predicted genre of every test clip (one row per clip: vote over segments first).
    metric : {"accuracy", "macro_f1"} or callable, keyword-only
        The two named ones are vectorised; a callable ``metric(y_true, y_pred) -> float`` is
        called once per resample.
    labels : sequence, optional, keyword-only
        For ``"macro_f1"``: the classes averaged over (as :func:`macro_f1`).
    n_boot : int, keyword-only
        Number of resamples (at least 100).
    confidence : float, keyword-only
    seed : int, keyword-only
        Seeds the resampling: the same seed gives the same interval.

    Returns
    -------
    Interval
        ``method="bootstrap"``; ``estimate`` is the metric on all clips.
    """
    t, p = _labels_pair(y_true, y_pred)
    if metric == "accuracy":
        estimate = accuracy(t, p)
    elif metric == "macro_f1":
        estimate = macro_f1(t, p, labels=labels)
    elif callable(metric):
        estimate = float(metric(t, p))
    else:
        raise ValueError(f"metric must be one of {_METRICS} or a callable metric(y_true, y_pred), got {metric!r}")
    samples = _resampled(t, p, _indices(len(t), n_boot, seed), metric, labels)
    return Interval(estimate, *_percentiles(samples, confidence), len(t), float(confidence), "bootstrap")


@dataclass(frozen=True)
class McNemar:
    """Exact McNemar test of two models on the same clips (what :func:`mcnemar` returns).

    Taught in notebook 10.

    Attributes
    ----------
    b : int
        Clips model A gets right and model B wrong.
    c : int
        Clips model A gets wrong and model B right.
    n : int
        Clips compared.
    p_value : float
        Two-sided exact binomial p-value of ``b`` out of ``b + c`` under "either is as likely" (1 when b + c = 0).
    """

    b: int
    c: int
    n: int
    p_value: float

    def describe(self, name_a: str = "A", name_b: str = "B") -> str:
        """The test in words, naming the two models."""
        return (f"McNemar exact p = {self.p_value:.3g} ({self.b} of {self.n} clips right only for {name_a}, "
                f"{self.c} only for {name_b})")

    def __str__(self) -> str:
        return self.describe()


def _binomial_two_sided(k: int, m: int) -> float:
    """Exact two-sided p-value of ``k`` successes in ``m`` fair coin flips (integer arithmetic)."""
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(min(k, m - k) + 1))
    return min(1.0, 2.0 * tail / 2 ** m)


def mcnemar(y_true: Sequence[Any], pred_a: Sequence[Any], pred_b: Sequence[Any]) -> McNemar:
    """Exact McNemar test: do two models, scored on the same clips, differ in accuracy?

    Taught in notebook 10. Only the clips where the models disagree about being right count:
    ``b`` (A right, B wrong) and ``c`` (A wrong, B right). If the models were equally good,
    each such clip would go either way with probability 1/2, so ``b`` would follow
    Binomial(b + c, 1/2); the p-value is the two-sided exact binomial tail,
    :math:`\\min(1, 2 \\sum_{i \\le \\min(b, c)} \\binom{b+c}{i} / 2^{b+c})` (equals
    ``scipy.stats.binomtest(b, b + c, 0.5).pvalue``). Pairing makes it far more sensitive
    than comparing two separate intervals.

    Parameters
    ----------
    y_true, pred_a, pred_b : sequence, shape (n_clips,)
        True genre and the two models' predictions for the same clips, in the same order.

    Returns
    -------
    McNemar
    """
    t, a = _labels_pair(y_true, pred_a, "pred_a")
    _, bb = _labels_pair(y_true, pred_b, "pred_b")
    right_a, right_b = a == t, bb == t
    b, c = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
    return McNemar(b, c, len(t), _binomial_two_sided(b, b + c))


def paired_bootstrap(
    y_true: Sequence[Any],
    pred_a: Sequence[Any],
    pred_b: Sequence[Any],
    *,
    n_boot: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Bootstrap interval of the accuracy difference A − B, resampling the same clips for both.

    Taught in notebook 10. Each resample draws ``n`` clips with replacement and takes the
    difference of the two models' accuracies on those clips.

    Returns
    -------
    Interval
        ``method="paired bootstrap"``; ``estimate = accuracy(A) - accuracy(B)`` on all clips
        (``str()`` in signed points).
    """
    t, a = _labels_pair(y_true, pred_a, "pred_a")
    _, b = _labels_pair(y_true, pred_b, "pred_b")
    diff = (a == t).astype(float) - (b == t)
    samples = diff[_indices(len(t), n_boot, seed)].mean(axis=1)
    return Interval(float(diff.mean()), *_percentiles(samples, confidence), len(t), float(confidence),
                    "paired bootstrap")


#: The words of :class:`Verdict`, from A's side.
VERDICTS: tuple[str, ...] = ("ahead", "tied within noise", "behind")


@dataclass(frozen=True)
class Verdict:
    """How model A compares with model B on the same clips, in words and numbers (:func:`verdict`).

    Taught in notebook 10. ``word`` is one of :data:`VERDICTS`; ``str()`` is the sentence a
    notebook prints, e.g. ``"cnn is tied within noise with forest: 85.0 % (70.9 % to 92.9 %, n = 40)
    vs 82.5 % (...); difference +2.5 points (...); McNemar exact p = 0.688 (...)"``.
    """

    name_a: str
    name_b: str
    word: str
    accuracy_a: Interval
    accuracy_b: Interval
    difference: Interval
    test: McNemar
    alpha: float

    def __str__(self) -> str:
        link = {"ahead": "is ahead of", "behind": "is behind", "tied within noise": "is tied within noise with"}
        return (f"{self.name_a} {link[self.word]} {self.name_b}: {self.accuracy_a} vs {self.accuracy_b}; "
                f"difference {self.difference}; {self.test.describe(self.name_a, self.name_b)}")


def verdict(
    y_true: Sequence[Any],
    pred_a: Sequence[Any],
    pred_b: Sequence[Any],
    *,
    names: tuple[str, str] = ("A", "B"),
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
) -> Verdict:
    """"ahead", "tied within noise" or "behind": model A against model B on the same test clips.

    Taught in notebook 10 (and for every comparison sentence of notebooks 03–10: print it, never
    type "beats"). The word comes from the exact McNemar test (:func:`mcnemar`): A is **ahead**
    (or **behind**) when ``p < alpha`` and its accuracy is higher (lower); otherwise the two are
    **tied within noise**. The numbers behind it: each accuracy with its Wilson interval
    (:func:`accuracy_interval`, confidence ``1 - alpha``), the paired-bootstrap interval of the
    difference (:func:`paired_bootstrap`) and the test.

    Parameters
    ----------
    y_true, pred_a, pred_b : sequence, shape (n_clips,)
        True genre and both models' predictions for the same clips.
    names : (str, str), keyword-only
        How the sentence calls A and B.
    alpha : float, keyword-only
        Significance level (0.05: 95 % intervals).
    n_boot, seed : int, keyword-only
        For the paired bootstrap.

    Returns
    -------
    Verdict
    """
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    if len(names) != 2:
        raise ValueError(f"names must be a pair (name of A, name of B), got {names!r}")
    test = mcnemar(y_true, pred_a, pred_b)
    t, a, b = np.asarray(y_true), np.asarray(pred_a), np.asarray(pred_b)
    confidence = 1.0 - float(alpha)
    acc_a = accuracy_interval(int(np.sum(a == t)), len(t), confidence=confidence)
    acc_b = accuracy_interval(int(np.sum(b == t)), len(t), confidence=confidence)
    diff = paired_bootstrap(t, a, b, n_boot=n_boot, confidence=confidence, seed=seed)
    word = "tied within noise"
    if test.p_value < alpha and test.b != test.c:
        word = "ahead" if test.b > test.c else "behind"
    return Verdict(str(names[0]), str(names[1]), word, acc_a, acc_b, diff, test, float(alpha))


@dataclass(frozen=True)
class SeedSpread:
    """Scores of one recipe trained with several seeds (:func:`repeat_over_seeds`).

    Taught in notebook 07 (and the GPU profile of notebooks 04–08). ``str()`` reads
    ``"mean 80.0 %, sd 3.5 points, range 75.0 % to 85.0 % over 3 seeds"`` (fractions are shown as
    percentages).

    Attributes
    ----------
    seeds : tuple of int
    scores : tuple of float
        One score per seed, in the order of ``seeds``.
    mean, std : float
        Mean and sample standard deviation (``ddof=1``; NaN for one seed).
    low, high : float
        Smallest and largest score (the range).
    """

    seeds: tuple
    scores: tuple
    mean: float
    std: float
    low: float
    high: float

    def as_series(self) -> pd.Series:
        """The per-seed scores as a Series indexed by seed."""
        return pd.Series(self.scores, index=pd.Index(self.seeds, name="seed"), name="score")

    def __str__(self) -> str:
        fractions = all(0.0 <= s <= 1.0 for s in self.scores)
        show = (lambda v: f"{v:.1%}".replace("%", " %")) if fractions else (lambda v: f"{v:.4g}")
        spread = "undefined" if np.isnan(self.std) else (
            f"{100 * self.std:.1f} points" if fractions else f"{self.std:.4g}")
        return (f"mean {show(self.mean)}, sd {spread}, range {show(self.low)} to {show(self.high)} "
                f"over {len(self.seeds)} seed{'s' if len(self.seeds) != 1 else ''}")


def repeat_over_seeds(run: Any, seeds: Sequence[int]) -> SeedSpread:
    """Call ``run(seed)`` for every seed and summarise the scores: mean, standard deviation, range.

    Taught in notebook 07 (one training run's number is one draw: CPU training is not
    bit-reproducible across machines, and the seed moves a 40-clip accuracy by several points).
    Training happens inside ``run``, so this module stays free of TensorFlow.

    Parameters
    ----------
    run : callable
        ``run(seed) -> score`` (a finite number, e.g. the clip accuracy of a model trained with
        that seed).
    seeds : sequence of int
        Distinct seeds, at least one.

    Returns
    -------
    SeedSpread
    """
    if not callable(run):
        raise TypeError(f"run must be a callable run(seed) -> score, got {type(run).__name__}")
    seeds = tuple(_whole(s, "every seed") for s in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be one or more distinct whole numbers, got {seeds!r}")
    scores = []
    for seed in seeds:
        value = run(seed)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"run({seed}) returned {value!r:.60}, not a number (return one score)") from None
        if not np.isfinite(value):
            raise ValueError(f"run({seed}) returned {value}, not a finite score")
        scores.append(value)
    arr = np.asarray(scores)
    std = float(arr.std(ddof=1)) if len(arr) > 1 else float("nan")
    return SeedSpread(seeds, tuple(scores), float(arr.mean()), std, float(arr.min()), float(arr.max()))


# --------------------------------------------------------------------------- results log
def results_path() -> Path:
    """Where the results log lives: ``<cache root>/results/results_log.csv``.

    Used from notebook 03 on (``$MGC_CACHE_DIR`` moves the cache root).
    """
    return config.cache_root() / "results" / "results_log.csv"


_SCORES = ("segment_accuracy", "clip_accuracy", "macro_f1")
_NUMERIC = ("segment_accuracy", "clip_accuracy", "macro_f1", "n_test", "clip_accuracy_low", "clip_accuracy_high",
            "n_params", "fit_time_s")


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (np.floating, float)):
        return "" if np.isnan(value) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _notebook_code(notebook: Any) -> str:
    """``5``, ``"5"`` or ``"05"`` -> ``"05"``; anything else is an error."""
    if isinstance(notebook, (int, np.integer)) and not isinstance(notebook, bool):
        text = str(int(notebook))
    elif isinstance(notebook, str):
        text = notebook.strip()
    else:
        raise TypeError(f"notebook must be an int or a string of digits such as '05', got {notebook!r}")
    if not text.isdigit() or len(text) > 2 or int(text) == 0:
        raise ValueError(f"notebook must be a notebook number 1-99 (e.g. 5 or '05'), got {notebook!r}")
    return f"{int(text):02d}"


def _legacy_notebook(notes: Any) -> str:
    """Notebook of an old log row (no ``notebook`` column), read from its notes (``"notebook 05"``, ``"nb06"``)."""
    match = re.search(r"(?:notebook\s*|nb)(\d{1,2})\b", str(notes or ""), flags=re.I)
    return f"{int(match.group(1)):02d}" if match and int(match.group(1)) else ""


def _params_json(params: Mapping[str, Any] | None) -> str:
    """Compact, key-sorted JSON of a model's parameters (``""`` for none)."""
    if params is None:
        return ""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping (a dict of parameter values), got {type(params).__name__}")

    def plain(value: Any) -> Any:
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        if isinstance(value, (Path, os.PathLike)):
            return os.fspath(value)
        raise TypeError(f"params holds a {type(value).__name__} ({value!r:.60}), which is not JSON: "
                        "pass numbers, strings, lists or dicts")

    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"), default=plain, allow_nan=False)


def _score(scores: Mapping[str, Any], name: str) -> float | None:
    value = scores.get(name)
    if value is None or (isinstance(value, str) and not value) or (np.ndim(value) == 0 and pd.isna(value)):
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"scores[{name!r}] must be a number, got {value!r}") from None
    if np.isnan(value):
        return None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a fraction in [0, 1], got {value}")
    return value


def _read_rows(target: Path) -> list[dict[str, str]]:
    """Every row of a results log as strings (old logs lack ``notebook`` and ``params``: filled with ``""``)."""
    if not target.exists() or target.stat().st_size == 0:
        return []
    with open(target, newline="", encoding="utf-8") as f:
        try:
            lines = [line for line in csv.reader(f) if line]
        except csv.Error as err:
            raise ValueError(f"the results log {target} is damaged ({err}); repair or delete it") from None
    if not lines:
        return []
    header = lines[0]
    unknown = [c for c in header if c not in RESULT_COLUMNS]
    if unknown or "model" not in header or len(set(header)) != len(header):
        raise ValueError(f"the results log {target} is damaged: its header {header} is not one of the results "
                         f"log (columns {list(RESULT_COLUMNS)}); repair or delete it")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if len(line) != len(header):
            raise ValueError(f"the results log {target} is damaged: row {number} has {len(line)} fields, the "
                             f"header {len(header)} (a half-written line?); repair or delete that row")
        row = dict.fromkeys(RESULT_COLUMNS, "")
        row.update(zip(header, line))
        rows.append(row)
    return rows


@contextlib.contextmanager
def _locked(target: Path):
    """Hold an exclusive lock on ``<log>.lock`` (fcntl; on systems without it, no lock)."""
    try:
        import fcntl
    except ImportError:  # Windows: the write stays atomic, but two processes at once may lose a row
        yield
        return
    with open(target.with_name(target.name + ".lock"), "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _write_atomically(target: Path, write: Any) -> None:
    """Call ``write(file)`` on a per-process temporary file beside ``target``, then ``os.replace`` it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            write(f)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _append_row(row: dict[str, Any], target: Path) -> None:
    """Add one row to the log: read it, add the row, rewrite it atomically, all under the lock."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        rows = _read_rows(target) + [row]

        def write(f: Any) -> None:
            writer = csv.DictWriter(f, fieldnames=list(RESULT_COLUMNS))
            writer.writeheader()
            writer.writerows(rows)

        _write_atomically(target, write)


def record(
    model: str,
    scores: Mapping[str, Any],
    *,
    notebook: int | str,
    dataset: str,
    split: str,
    features: str,
    params: Mapping[str, Any] | None = None,
    n_params: int | None = None,
    seconds: float | None = None,
    classes: Sequence[Any] | None = None,
    probabilities: tuple[Sequence[Any], np.ndarray] | None = None,
    y_true: Sequence[Any] | None = None,
    n_test: int | None = None,
    notes: str = "",
    path: str | os.PathLike | None = None,
) -> dict[str, Any]:
    """Record a model's result: one row of the results log, and its test-clip probabilities.

    Taught in notebook 03; notebooks 04–10 record every model the same way, so that
    notebook 10's leaderboard and ensembles see them all. The row is added atomically
    (the log is rewritten through a per-process temporary file and ``os.replace``,
    under a file lock), so two processes recording at once keep both rows.

    Parameters
    ----------
    model : str
        The model's name (e.g. ``"svm_rbf"``).
    scores : mapping or pandas.Series
        Any of ``segment_accuracy``, ``clip_accuracy``, ``macro_f1`` (fractions in [0, 1];
        missing, ``None`` or NaN where they do not apply; other keys are ignored). When it
        also holds ``track_id_clip`` and ``proba_clip`` (what
        :func:`mgc_helpers.training.evaluate` returns) and ``classes`` is given, the clip
        probabilities are saved with :func:`save_clip_probabilities` (true genres from
        ``y_true_clip`` when present).
    notebook : int or str, keyword-only
        The notebook that trained the model: ``5`` or ``"05"``, stored as ``"05"``.
    dataset, split, features : str, keyword-only
        What it was trained and tested on (e.g. ``"toy"``, ``"artist"``, ``"summary_fast"``).
    params : mapping, optional, keyword-only
        The model's parameters, stored as compact key-sorted JSON in column ``params``.
    n_params : int, optional, keyword-only
        Number of learned parameters.
    seconds : float, optional, keyword-only
        Training time (column ``fit_time_s``, rounded to ms).
    classes : sequence, optional, keyword-only
        Class of each probability column; needed to save probabilities.
    probabilities : (track_ids, proba), optional, keyword-only
        Clip probabilities given explicitly, ``proba`` of shape (n_clips, n_classes)
        (classical models: ``classical.class_scores(model, X_test)``); overrides the ones in
        ``scores``.
    y_true : sequence, optional, keyword-only
        True genre of each clip of the probabilities (default ``scores["y_true_clip"]``).
    n_test : int, optional, keyword-only
        Number of test clips behind ``clip_accuracy`` (column ``n_test``). Default:
        ``scores["n_test"]``, else the length of ``scores["y_true_clip"]`` (what
        :func:`mgc_helpers.training.evaluate` returns), else the number of clips of
        ``probabilities``. With it, the row also stores the 95 % Wilson interval of the clip
        accuracy (:func:`accuracy_interval`; columns ``clip_accuracy_low``,
        ``clip_accuracy_high``).
    notes : str, keyword-only
        Free text.
    path : path-like, optional, keyword-only
        The results log (default :func:`results_path`). With a path, the probabilities go
        to ``<its folder>/probs/<dataset>/<split>/`` (the default folder's layout), else to
        :func:`probabilities_dir`.

    Returns
    -------
    dict
        The row as written (columns :data:`RESULT_COLUMNS`).

    Raises
    ------
    ValueError
        A score outside [0, 1], no score at all, a bad notebook number, probabilities without
        ``classes`` or of the wrong shape, an ``n_test`` that the clip accuracy is not a whole
        number of clips of, or a damaged log (the error names the file).
    """
    if not isinstance(model, str) or not model.strip():
        raise ValueError(f"model must be a non-empty name, got {model!r}")
    for name, value in (("dataset", dataset), ("split", split), ("features", features), ("notes", notes)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, got {value!r}")
    if not hasattr(scores, "get"):
        raise TypeError(f"scores must be a mapping or a pandas Series, got {type(scores).__name__}")
    values = {name: _score(scores, name) for name in _SCORES}
    if all(v is None for v in values.values()):
        raise ValueError(f"scores has none of {list(_SCORES)}: nothing to record for {model!r}")
    if n_params is not None:
        if isinstance(n_params, bool) or not float(n_params).is_integer() or n_params < 0:
            raise ValueError(f"n_params must be a non-negative whole number, got {n_params!r}")
        n_params = int(n_params)
    if seconds is not None and not (float(seconds) >= 0):
        raise ValueError(f"seconds must be a non-negative time, got {seconds!r}")
    clips = _clip_probabilities(scores, classes=classes, probabilities=probabilities, y_true=y_true)
    size = _test_size(scores, values["clip_accuracy"], n_test=n_test, clips=clips)
    row = {
        "model": model, "notebook": _notebook_code(notebook), "features": features, "dataset": dataset,
        "split": split, **values, **size, "n_params": n_params,
        "fit_time_s": None if seconds is None else round(float(seconds), 3),
        "params": _params_json(params), "notes": notes,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    row = {k: _clean(row[k]) for k in RESULT_COLUMNS}
    target = Path(path) if path is not None else results_path()
    if clips is not None:  # saved first: it validates the probabilities before the row is written
        folder = (target.parent / "probs" / _slug(dataset) / _slug(split)) if path is not None else None
        save_clip_probabilities(model, clips[0], clips[1], classes=classes, y_true=clips[2], dataset=dataset,
                                split=split, folder=folder)
    _append_row(row, target)
    return row


def _test_size(scores: Mapping[str, Any], clip_accuracy: float | None, *, n_test: Any,
               clips: tuple[Any, Any, Any] | None) -> dict[str, Any]:
    """Columns ``n_test``, ``clip_accuracy_low``, ``clip_accuracy_high`` of a row for :func:`record`."""
    explicit = n_test if n_test is not None else scores.get("n_test")
    if explicit is not None and not (np.ndim(explicit) == 0 and pd.isna(explicit)):
        n = _whole(explicit, "n_test")
        if n < 1:
            raise ValueError(f"n_test must be a positive number of clips, got {n}")
    elif scores.get("y_true_clip") is not None:
        n, explicit = len(np.asarray(scores["y_true_clip"])), None
    elif clips is not None:
        n, explicit = len(np.asarray(clips[0])), None
    else:
        return {"n_test": None, "clip_accuracy_low": None, "clip_accuracy_high": None}
    if clip_accuracy is None:
        return {"n_test": n, "clip_accuracy_low": None, "clip_accuracy_high": None}
    k = clip_accuracy * n
    if abs(k - round(k)) > 1e-3:
        message = (f"clip_accuracy {clip_accuracy:.6g} is not a whole number of {n} clips "
                   f"({k:.3f} right): the score and the test clips do not match")
        if explicit is not None:
            raise ValueError(message)
        warnings.warn(message + "; n_test and the interval are left empty", stacklevel=3)
        return {"n_test": None, "clip_accuracy_low": None, "clip_accuracy_high": None}
    ci = accuracy_interval(int(round(k)), n)
    return {"n_test": n, "clip_accuracy_low": ci.low, "clip_accuracy_high": ci.high}


def _clip_probabilities(scores: Mapping[str, Any], *, classes: Sequence[Any] | None,
                        probabilities: tuple[Sequence[Any], np.ndarray] | None,
                        y_true: Sequence[Any] | None) -> tuple[Any, Any, Any] | None:
    """``(track_ids, proba, y_true)`` to save for :func:`record`, or None."""
    if probabilities is not None:
        if classes is None:
            raise ValueError("probabilities need `classes` (the class of each column)")
        if not isinstance(probabilities, (tuple, list)) or len(probabilities) != 2:
            raise ValueError("probabilities must be a pair (track_ids, proba)")
        return probabilities[0], probabilities[1], y_true
    if classes is None or scores.get("track_id_clip") is None or scores.get("proba_clip") is None:
        return None
    return scores["track_id_clip"], scores["proba_clip"], (y_true if y_true is not None
                                                            else scores.get("y_true_clip"))


def read_results(
    *, path: str | os.PathLike | None = None, latest: bool = False, **filters: Any
) -> pd.DataFrame:
    """Read the results log as a DataFrame (empty, with the right columns, if there is none).

    Taught in notebook 03; the later notebooks compare their networks with it. Rows of
    an old log (before the ``notebook`` column) get their notebook from their notes
    (``"notebook 05"``, ``"nb06"``; ``""`` when the notes name none). Old rows that call the
    reports "seed 000" … "seed 004" (``seed000_cnn``, ``crnn_seed001``) are read under
    their current names ("report 000", ``report000_cnn``, ``crnn_report001``).

    Parameters
    ----------
    path : path-like, optional, keyword-only
        The CSV file (default :func:`results_path`).
    latest : bool, keyword-only
        Keep only the newest row of each (model, features, dataset, split).
    **filters
        Column equalities, e.g. ``dataset="toy"`` or ``notebook=5``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RESULT_COLUMNS`.

    Raises
    ------
    ValueError
        If the log is damaged (a garbled header, a half-written row): the error names the file.
    """
    unknown = sorted(set(filters) - set(RESULT_COLUMNS))
    if unknown:
        raise ValueError(f"unknown column(s) {unknown}; choose from {RESULT_COLUMNS}")
    target = Path(path) if path is not None else results_path()
    table = pd.DataFrame(_read_rows(target), columns=list(RESULT_COLUMNS), dtype=object)
    for col in RESULT_COLUMNS:
        if col not in _NUMERIC:
            table[col] = table[col].astype(str)
    legacy = table["notebook"] == ""
    table.loc[legacy, "notebook"] = table.loc[legacy, "notes"].map(_legacy_notebook)
    for col in ("model", "notes"):  # logs written before the reports were renamed ("seed 000" -> "report 000")
        table[col] = table[col].map(_legacy_report_names)
    # an empty field ("") becomes NaN through errors="coerce" (replace("", nan) warned of downcasting in pandas 2.2)
    for col in ("segment_accuracy", "clip_accuracy", "macro_f1", "clip_accuracy_low", "clip_accuracy_high",
                "fit_time_s"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    for col in ("n_test", "n_params"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("Int64")
    for col, value in filters.items():
        table = table[table[col] == (_notebook_code(value) if col == "notebook" else value)]
    if latest:
        table = table.drop_duplicates(["model", "features", "dataset", "split"], keep="last")
    return table.reset_index(drop=True)


_LEGACY_REPORT = re.compile(r"\b(S|s)eed([ _]?)(00[0-4])(?![0-9])|_seed(00[0-4])(?![0-9])")


def _legacy_report_names(text: str) -> str:
    """``"seed 000"``/``"seed000_cnn"``/``"crnn_seed001"`` of an old log, under the reports' current names."""
    def new(m: re.Match) -> str:
        if m.group(4):
            return f"_report{m.group(4)}"
        return f"{'R' if m.group(1) == 'S' else 'r'}eport{m.group(2)}{m.group(3)}"
    return _LEGACY_REPORT.sub(new, text)


# --------------------------------------------------------------------------- clip probabilities
def _slug(name: str) -> str:
    """A file-name-safe version of a model name (letters, digits, ``-``, ``_``, ``.``)."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_.")
    return slug or "model"


def probabilities_dir(*, dataset: str, split: str) -> Path:
    """Folder of the saved clip probabilities: ``<cache root>/results/probs/<dataset>/<split>/``.

    Taught in notebook 10 (ensembles need every model's probabilities on the same test clips).
    """
    return config.cache_root() / "results" / "probs" / _slug(dataset) / _slug(split)


def save_clip_probabilities(
    model: str,
    track_ids: Sequence[Any],
    proba: np.ndarray,
    *,
    classes: Sequence[Any],
    dataset: str,
    split: str,
    y_true: Sequence[Any] | None = None,
    folder: str | os.PathLike | None = None,
) -> Path:
    """Save a model's predicted genre probabilities for each test clip (one CSV per model).

    Taught in notebook 10; notebooks 03–08 call it through :func:`record`, so that
    notebook 10 can average several models' probabilities (an ensemble). The file is
    ``<folder>/<model>.csv`` (default folder :func:`probabilities_dir`) with the columns
    ``model``, ``track_id``, ``true`` (empty if unknown) and one column per class; saving
    the same model again replaces its file.

    Parameters
    ----------
    model : str
        The model's name, as in the results log.
    track_ids : sequence
        One id per clip (row of ``proba``).
    proba : numpy.ndarray, shape (n_clips, n_classes)
        Clip probabilities (e.g. ``training.evaluate(...)["proba_clip"]``, or
        ``classical.class_scores(model, X_test)`` for one row per clip).
    classes : sequence, keyword-only
        Class of each column of ``proba``.
    dataset, split : str, keyword-only
        As in the results log (e.g. ``"toy"``, ``"artist"``).
    y_true : sequence, optional, keyword-only
        True genre of each clip.
    folder : path-like, optional, keyword-only

    Returns
    -------
    pathlib.Path
        The CSV file written.
    """
    tids = np.asarray(track_ids).astype(str)
    proba = np.asarray(proba, dtype=float)
    cls = [str(c) for c in classes]
    if proba.ndim != 2 or proba.shape != (len(tids), len(cls)):
        raise ValueError(f"proba must have shape {(len(tids), len(cls))}, got {proba.shape}")
    if len(set(tids)) != len(tids):
        raise ValueError("track_ids must be unique: pass one row per clip (vote over segments first)")
    if set(cls) & {"model", "track_id", "true"}:
        raise ValueError("a class may not be called 'model', 'track_id' or 'true'")
    truth = [""] * len(tids) if y_true is None else [str(t) for t in np.asarray(y_true)]
    if len(truth) != len(tids):
        raise ValueError(f"y_true has {len(truth)} labels for {len(tids)} clips")
    table = pd.DataFrame({"model": model, "track_id": tids, "true": truth})
    table = pd.concat([table, pd.DataFrame(proba, columns=cls)], axis=1)
    target_dir = Path(folder) if folder is not None else probabilities_dir(dataset=dataset, split=split)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{_slug(model)}.csv"
    _write_atomically(target, lambda f: table.to_csv(f, index=False, float_format="%.6g"))  # never half a file
    return target


def read_clip_probabilities(
    *, dataset: str, split: str, folder: str | os.PathLike | None = None, classes: Sequence[Any] | None = None
) -> dict[str, pd.DataFrame]:
    """Every saved model's clip probabilities, ``{model: DataFrame}`` (see :func:`save_clip_probabilities`).

    With ``classes``, only the models that predicted exactly these classes are returned (in any column
    order); the others are left out with one warning naming them — probabilities over other genre sets
    cannot be averaged or compared with these.

    Taught in notebook 10. Each DataFrame is indexed by ``track_id`` with a ``true``
    column (NaN where unknown) and one column per class; ``frame.attrs["classes"]`` lists
    the classes. An empty dict if nothing was saved.
    """
    target_dir = Path(folder) if folder is not None else probabilities_dir(dataset=dataset, split=split)
    out: dict[str, pd.DataFrame] = {}
    for path in sorted(target_dir.glob("*.csv")):
        table = pd.read_csv(path, dtype={"model": str, "track_id": str, "true": str})
        if table.empty:
            continue
        name = str(table["model"].iloc[0])
        frame = table.drop(columns="model").set_index("track_id")
        frame.attrs["classes"] = [c for c in frame.columns if c != "true"]
        out[name] = frame
    if classes is not None:
        wanted = {str(c) for c in classes}
        other = sorted(m for m, f in out.items() if set(f.attrs["classes"]) != wanted)
        if other:
            warnings.warn(f"left out {len(other)} model(s) whose saved probabilities are over other classes "
                          f"than the {len(wanted)} asked for: {', '.join(other)}", stacklevel=2)
        out = {m: f for m, f in out.items() if m not in other}
    return out


def misclassified_clip(scores: Any, tracks: Any, *, rank: int = 0) -> dict[str, Any] | None:
    """One misclassified test clip of an evaluation: the one the model was most confident about.

    Used by notebooks 03-07 (listen to a mistake). ``scores`` is what :func:`mgc_helpers.training.evaluate`
    or :func:`mgc_helpers.classical.clip_predictions` returns (``track_id_clip``, ``y_true_clip``,
    ``y_pred_clip``, ``proba_clip``); ``tracks`` the tracks table (its ``path`` column).

    Parameters
    ----------
    scores : mapping
    tracks : pandas.DataFrame
        Columns ``track_id`` and ``path``.
    rank : int, keyword-only
        0: the most confident mistake, 1: the next one, ...

    Returns
    -------
    dict or None
        ``track_id, path, true, predicted, confidence`` (the predicted genre's mean probability), or
        ``None`` when every clip is right (or ``rank`` is past the last mistake).
    """
    truth = np.asarray(scores["y_true_clip"]).astype(str)
    pred = np.asarray(scores["y_pred_clip"]).astype(str)
    proba = np.asarray(scores["proba_clip"], dtype=float)
    wrong = np.flatnonzero(truth != pred)
    if rank >= len(wrong):
        return None
    confidence = proba[wrong].max(axis=1)
    k = int(wrong[np.argsort(-confidence, kind="stable")[rank]])
    tid = str(np.asarray(scores["track_id_clip"])[k])
    paths = dict(zip(tracks["track_id"].astype(str), tracks["path"].astype(str)))
    if tid not in paths:
        raise KeyError(f"track {tid!r} of the scores is not in the tracks table")
    return {"track_id": tid, "path": paths[tid], "true": truth[k], "predicted": pred[k],
            "confidence": float(proba[k].max())}


def play_misclassified(scores: Any, tracks: Any, *, rank: int = 0, seconds: float | None = 10.0) -> Any:
    """Print which test clip the model got most confidently wrong, and return a player for it.

    Used by notebooks 03-07. The clip is loaded from its file (:func:`mgc_helpers.audio.load`, the first
    ``seconds``; ``None``: all of it) and played by :func:`mgc_helpers.audio.play`.

    Returns
    -------
    IPython.display.Audio or None
        ``None`` (and a printed line) when every test clip is right.
    """
    from . import audio  # below evaluation in the layers; imported here to keep the module light

    clip = misclassified_clip(scores, tracks, rank=rank)
    if clip is None:
        print("every test clip is classified correctly: no mistake to listen to")
        return None
    print(f"test clip {clip['track_id']}: a {clip['true']} clip classified as {clip['predicted']} "
          f"(mean probability {clip['confidence']:.2f})" + (f"; its first {seconds:g} s:" if seconds else ":"))
    y, sr = audio.load(clip["path"], duration=seconds)
    return audio.play(y, sr)
