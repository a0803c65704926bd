"""Ensembles: average the genre probabilities of several models, and measure whether it helps.

Taught in notebook 10 (report 004's "future work": combine the models). Every model of
notebooks 03–08 saves its predicted probabilities for each test clip
(:func:`mgc_helpers.evaluation.save_clip_probabilities`); an **ensemble** averages them,
clip by clip, and predicts the genre with the highest mean probability:

.. math:: \\bar p(c \\mid x) = \\sum_m w_m \\, p_m(c \\mid x), \\qquad \\hat y = \\arg\\max_c \\bar p(c \\mid x),

with weights :math:`w_m \\ge 0` summing to 1 (equal by default). Averaging helps when the
models are good *and* make different mistakes; it cannot fix errors that every model
makes. On a small test set (40 toy clips: one clip = 2.5 points) read gains of a clip or
two as noise: :func:`versus_best_member` asks the exact McNemar test whether the ensemble
really beats its best member.

This module needs only NumPy and pandas (no TensorFlow).
"""
from __future__ import annotations

from itertools import combinations
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import evaluation

__all__ = ["align", "average", "scores", "compare", "best_combinations", "versus_best_member", "versus"]


def align(probas: Mapping[str, pd.DataFrame], *, models: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """The probability tables of ``models`` restricted to their common clips and classes, in one order.

    Taught in notebook 10.

    Parameters
    ----------
    probas : mapping
        ``{model: DataFrame}`` as returned by
        :func:`mgc_helpers.evaluation.read_clip_probabilities` (indexed by ``track_id``, a
        ``true`` column, one column per class).
    models : sequence of str, optional, keyword-only
        Which models (default: all).

    Returns
    -------
    dict
        ``{model: DataFrame}`` with the same index (sorted track ids present in every table)
        and the same class columns (sorted), plus ``true``.
    """
    names = list(probas) if models is None else list(models)
    missing = [m for m in names if m not in probas]
    if missing:
        raise KeyError(f"no saved probabilities for {missing}; available: {sorted(probas)}")
    if not names:
        raise ValueError("an ensemble needs at least one model")
    tables = {m: probas[m] for m in names}
    classes = sorted(set.intersection(*[set(c for c in t.columns if c != "true") for t in tables.values()]))
    if not classes:
        raise ValueError("the models share no class")
    clips = sorted(set.intersection(*[set(t.index.astype(str)) for t in tables.values()]))
    if not clips:
        raise ValueError("the models share no test clip: were they evaluated on the same split?")
    truth = None
    for t in tables.values():
        if "true" in t.columns and t["true"].notna().any():
            truth = t["true"].copy()
            truth.index = truth.index.astype(str)
            break
    out = {}
    for m, t in tables.items():
        t = t.copy()
        t.index = t.index.astype(str)
        frame = t.loc[clips, classes].astype(float)
        frame.insert(0, "true", truth.reindex(clips).to_numpy() if truth is not None else np.nan)
        out[m] = frame
    return out


def average(
    probas: Mapping[str, pd.DataFrame],
    *,
    models: Sequence[str] | None = None,
    weights: Sequence[float] | None = None,
) -> pd.DataFrame:
    """Weighted mean of several models' clip probabilities (the ensemble's probabilities).

    Taught in notebook 10.

    Parameters
    ----------
    probas : mapping
        ``{model: DataFrame}`` (see :func:`align`).
    models : sequence of str, optional, keyword-only
        Which models to average (default: all).
    weights : sequence of float, optional, keyword-only
        One non-negative weight per model (normalised to sum to 1; default equal).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``track_id``: ``true``, one column per class (each row sums to the
        average of the models' row sums, 1 for probabilities).
    """
    tables = align(probas, models=models)
    names = list(tables)
    w = np.ones(len(names)) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (len(names),):
        raise ValueError(f"give one weight per model ({len(names)}), got {w.shape}")
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    w = w / w.sum()
    first = tables[names[0]]
    classes = [c for c in first.columns if c != "true"]
    mean = sum(wi * tables[m][classes].to_numpy() for wi, m in zip(w, names))
    out = pd.DataFrame(mean, index=first.index, columns=classes)
    out.insert(0, "true", first["true"])
    return out


def scores(table: pd.DataFrame) -> dict[str, float]:
    """Clip accuracy (with its 95 % Wilson interval) and macro-F1 of one probability table (arg-max per clip).

    Taught in notebook 10.

    Returns
    -------
    dict
        ``clip_accuracy``, ``clip_accuracy_low``, ``clip_accuracy_high``
        (:func:`mgc_helpers.evaluation.accuracy_interval`), ``macro_f1``, ``n_clips`` (clips with a known genre).
    """
    classes = [c for c in table.columns if c != "true"]
    known = table["true"].notna()
    if not known.any():
        raise ValueError("the table has no true labels")
    pred = np.asarray(classes)[np.argmax(table.loc[known, classes].to_numpy(), axis=1)]
    truth = table.loc[known, "true"].astype(str).to_numpy()
    interval = evaluation.accuracy_interval(int(np.sum(truth == pred)), len(truth))
    return {"clip_accuracy": interval.estimate, "clip_accuracy_low": interval.low,
            "clip_accuracy_high": interval.high, "macro_f1": evaluation.macro_f1(truth, pred, labels=classes),
            "n_clips": int(known.sum())}


def compare(
    probas: Mapping[str, pd.DataFrame],
    *,
    ensembles: Mapping[str, Sequence[str]] | None = None,
    models: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every single model next to the ensembles, scored on the same clips.

    Taught in notebook 10 (does averaging help?).

    Parameters
    ----------
    probas : mapping
        ``{model: DataFrame}``.
    ensembles : mapping, optional, keyword-only
        ``{name: [model, ...]}``; default one ensemble of all the ``models``.
    models : sequence of str, optional, keyword-only
        The single models compared (default: all); every score uses the clips common to
        all of them and to the ensembles' members.

    Returns
    -------
    pandas.DataFrame
        Indexed by name: ``kind`` ("model" / "ensemble"), ``members``, ``clip_accuracy``,
        ``clip_accuracy_low``, ``clip_accuracy_high`` (95 % Wilson interval), ``macro_f1``, ``n_clips``;
        sorted by clip accuracy (best first). Whether the best ensemble is really ahead of its best
        member: :func:`versus_best_member`.
    """
    singles = list(probas) if models is None else list(models)
    ensembles = dict(ensembles) if ensembles is not None else {"mean of all": singles}
    everyone = sorted(set(singles).union(*[set(v) for v in ensembles.values()]))
    common = align(probas, models=everyone)
    rows = []
    for m in singles:
        rows.append({"name": m, "kind": "model", "members": 1, **scores(common[m])})
    for name, members in ensembles.items():
        rows.append({"name": name, "kind": "ensemble", "members": len(members),
                     **scores(average(common, models=members))})
    table = pd.DataFrame(rows).set_index("name")
    return table.sort_values(["clip_accuracy", "macro_f1"], ascending=False, kind="stable")


def best_combinations(
    probas: Mapping[str, pd.DataFrame], *, sizes: Sequence[int] = (2, 3), models: Sequence[str] | None = None,
    top: int = 5,
) -> pd.DataFrame:
    """Clip accuracy of every equal-weight ensemble of ``sizes`` models, best first.

    Taught in notebook 10. **Caution:** choosing the best combination *on the test clips*
    is model selection on the test set: its score is optimistic. Choose on validation
    clips, or report the all-models average as the honest number.

    Returns
    -------
    pandas.DataFrame
        Columns ``members`` (tuple), ``size``, ``clip_accuracy``, ``clip_accuracy_low``, ``clip_accuracy_high``,
        ``macro_f1``, ``n_clips``.
    """
    names = list(probas) if models is None else list(models)
    common = align(probas, models=names)
    rows = []
    for k in sizes:
        for members in combinations(names, k):
            rows.append({"members": members, "size": k, **scores(average(common, models=members))})
    table = pd.DataFrame(rows, columns=["members", "size", "clip_accuracy", "clip_accuracy_low",
                                        "clip_accuracy_high", "macro_f1", "n_clips"])
    return table.sort_values(["clip_accuracy", "macro_f1"], ascending=False, kind="stable").head(top).reset_index(
        drop=True)


def _predicted(table: pd.DataFrame) -> np.ndarray:
    """Arg-max genre of every row of a probability table."""
    classes = [c for c in table.columns if c != "true"]
    return np.asarray(classes)[np.argmax(table[classes].to_numpy(dtype=float), axis=1)]


def versus_best_member(
    probas: Mapping[str, pd.DataFrame],
    *,
    models: Sequence[str] | None = None,
    weights: Sequence[float] | None = None,
    name: str | None = None,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
) -> evaluation.Verdict:
    """Is the ensemble really better than its best member? A paired test on the same clips.

    Taught in notebook 10. The ensemble (:func:`average` of ``models``) and its best single member
    (highest clip accuracy on the shared clips, ties to the higher macro-F1, then the first) are
    compared clip by clip with :func:`mgc_helpers.evaluation.verdict`: the exact McNemar test on
    the clips one gets right and the other wrong, the Wilson interval of both accuracies and the
    paired-bootstrap interval of the gain. The best member is chosen on the test clips, which
    favours it: a "tied within noise" is the honest reading of a gain of a clip or two.

    Parameters
    ----------
    probas : mapping
        ``{model: DataFrame}`` (see :func:`align`).
    models : sequence of str, optional, keyword-only
        The ensemble's members (default: all, at least two).
    weights : sequence of float, optional, keyword-only
        As :func:`average`.
    name : str, optional, keyword-only
        How the sentence calls the ensemble (default ``"the mean of N models"``).
    alpha, n_boot, seed : keyword-only
        As :func:`mgc_helpers.evaluation.verdict`.

    Returns
    -------
    mgc_helpers.evaluation.Verdict
        A is the ensemble, B its best member: ``word`` "ahead" means the ensemble is better beyond
        the noise; ``str()`` is the sentence to print.
    """
    common = align(probas, models=models)
    if len(common) < 2:
        raise ValueError("an ensemble needs at least two models to be compared with its best member")
    ranked = sorted(common, key=lambda m: (-scores(common[m])["clip_accuracy"], -scores(common[m])["macro_f1"]))
    best = ranked[0]
    label = name if name is not None else f"the mean of {len(common)} models"
    return _verdict(average(common, weights=weights), common[best], names=(label, best), alpha=alpha,
                    n_boot=n_boot, seed=seed)


def _verdict(table_a: pd.DataFrame, table_b: pd.DataFrame, *, names: tuple[str, str], alpha: float, n_boot: int,
             seed: int) -> evaluation.Verdict:
    """:func:`mgc_helpers.evaluation.verdict` of two aligned probability tables, on the clips with a true label."""
    known = table_a["true"].notna().to_numpy()
    if not known.any():
        raise ValueError("the models' probabilities carry no true labels")
    truth = table_a.loc[known, "true"].astype(str).to_numpy()
    return evaluation.verdict(truth, _predicted(table_a)[known], _predicted(table_b)[known], names=names,
                              alpha=alpha, n_boot=n_boot, seed=seed)


def versus(
    probas: Mapping[str, pd.DataFrame],
    model_a: str,
    model_b: str,
    *,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
) -> evaluation.Verdict:
    """Model A against model B on the test clips both scored: "ahead", "tied within noise" or "behind".

    Taught in notebook 10 (Exercise 3). Both tables are restricted to their shared clips and
    classes (:func:`align`); each model predicts its arg-max genre, and
    :func:`mgc_helpers.evaluation.verdict` compares them clip by clip (exact McNemar test, Wilson
    intervals, paired-bootstrap interval of the difference).

    Parameters
    ----------
    probas : mapping
        ``{model: DataFrame}`` (see :func:`align`).
    model_a, model_b : str
        The two models, as keys of ``probas``.
    alpha, n_boot, seed : keyword-only
        As :func:`mgc_helpers.evaluation.verdict`.

    Returns
    -------
    mgc_helpers.evaluation.Verdict
        ``str()`` is the sentence to print; ``accuracy_a`` / ``accuracy_b`` hold each model's
        accuracy (``estimate``, ``n``) and Wilson interval.
    """
    if model_a == model_b:
        raise ValueError(f"compare two different models, got {model_a!r} twice")
    common = align(probas, models=[model_a, model_b])
    return _verdict(common[model_a], common[model_b], names=(model_a, model_b), alpha=alpha, n_boot=n_boot,
                    seed=seed)
