"""Scoring genre classifiers: clip-level voting, accuracy, macro-F1 and a results log.

Taught in notebook 03 (classical baselines) and used by every later notebook (the
feed-forward, CNN and recurrent networks of notebooks 04–08 are scored the same way,
so their rows land in the same results table). This module depends only on NumPy,
pandas and (for the confusion counts) scikit-learn: it never imports TensorFlow, so
a network's ``model.predict(...)`` output (an array of probabilities) is simply
passed in as ``proba``.

From segments to clips
----------------------
Many models classify short **segments** (seed 003: 3 s slices; seed 004: 2 s clips)
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
:func:`log_result` appends one row per experiment to a CSV file,
``<cache root>/results/results_log.csv`` by default (see
:func:`mgc_helpers.config.cache_root`, ``$MGC_CACHE_DIR``), with the columns of
:data:`RESULT_COLUMNS`; :func:`read_results` reads it back as a DataFrame, so that
notebooks 03–10 can show one table comparing every model trained in the course.

>>> from mgc_helpers import evaluation
>>> evaluation.majority_vote(["a", "a", "a", "b"], ["rock", "rock", "pop", "jazz"]).to_dict()
{'a': 'rock', 'b': 'jazz'}
"""
from __future__ import annotations

import csv
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

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
    "results_path",
    "log_result",
    "log_results",
    "read_results",
    "probabilities_dir",
    "save_clip_probabilities",
    "read_clip_probabilities",
]

#: Columns of the results log, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "model",
    "features",
    "dataset",
    "split",
    "segment_accuracy",
    "clip_accuracy",
    "macro_f1",
    "n_params",
    "fit_time_s",
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

    Taught in notebook 03 (seed 003: 3 s segments, then voting).

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

    Taught in notebook 03 (the layout of seed 003's Table 2: segments, then voting).

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


# --------------------------------------------------------------------------- results log
def results_path() -> Path:
    """Where the results log lives: ``<cache root>/results/results_log.csv``.

    Used from notebook 03 on (``$MGC_CACHE_DIR`` moves the cache root).
    """
    return config.cache_root() / "results" / "results_log.csv"


def _clean(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (np.floating, float)):
        return "" if np.isnan(value) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    return value


def log_result(
    *,
    model: str,
    features: str,
    dataset: str,
    split: str,
    segment_accuracy: float | None,
    clip_accuracy: float | None,
    macro_f1: float | None,
    n_params: int | None = None,
    fit_time_s: float | None = None,
    notes: str = "",
    path: str | os.PathLike | None = None,
    timestamp: str | None = None,
) -> dict[str, Any]:
    """Append one experiment to the results log (a CSV file, created with a header if missing).

    Taught in notebook 03; every later notebook logs its models the same way.

    Parameters
    ----------
    model, features, dataset, split : str, keyword-only
        What was trained on what (e.g. ``"svm_rbf"``, ``"summary_fast"``, ``"toy"``,
        ``"artist"``).
    segment_accuracy, clip_accuracy, macro_f1 : float or None, keyword-only
        Scores in [0, 1] (``None``/NaN where they do not apply, e.g. no segments).
    n_params : int, optional, keyword-only
        Number of learned parameters (``None`` when not meaningful).
    fit_time_s : float, optional, keyword-only
        Training time in seconds.
    notes : str, keyword-only
        Free text.
    path : path-like, optional, keyword-only
        The CSV file (default :func:`results_path`).
    timestamp : str, optional, keyword-only
        ISO time of the run (default: now, UTC).

    Returns
    -------
    dict
        The row as written.
    """
    for name, value in (("segment_accuracy", segment_accuracy), ("clip_accuracy", clip_accuracy),
                        ("macro_f1", macro_f1)):
        if value is not None and not np.isnan(value) and not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name} must be a fraction in [0, 1], got {value}")
    row = {
        "model": model, "features": features, "dataset": dataset, "split": split,
        "segment_accuracy": segment_accuracy, "clip_accuracy": clip_accuracy, "macro_f1": macro_f1,
        "n_params": n_params, "fit_time_s": fit_time_s, "notes": notes,
        "timestamp": timestamp or datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    row = {k: _clean(v) for k, v in row.items()}
    target = Path(path) if path is not None else results_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    new = not target.exists() or target.stat().st_size == 0
    with open(target, "a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(RESULT_COLUMNS))
        if new:
            writer.writeheader()
        writer.writerow(row)
    return row


def log_results(rows: pd.DataFrame, *, path: str | os.PathLike | None = None, **defaults: Any) -> int:
    """Append every row of a results DataFrame to the log (see :func:`log_result`).

    Used from notebook 03 on. Columns not in :data:`RESULT_COLUMNS` are ignored;
    ``defaults`` fill the missing ones (e.g. ``dataset="toy"``).

    Returns
    -------
    int
        Number of rows written.
    """
    n = 0
    for record in rows.reset_index().to_dict("records") if rows.index.name else rows.to_dict("records"):
        values = {**defaults, **{k: v for k, v in record.items() if k in RESULT_COLUMNS and k != "timestamp"}}
        values = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in values.items()}
        log_result(path=path, **values)
        n += 1
    return n


def read_results(
    *, path: str | os.PathLike | None = None, latest: bool = False, **filters: Any
) -> pd.DataFrame:
    """Read the results log as a DataFrame (empty, with the right columns, if there is none).

    Taught in notebook 03; the later notebooks compare their networks with it.

    Parameters
    ----------
    path : path-like, optional, keyword-only
        The CSV file (default :func:`results_path`).
    latest : bool, keyword-only
        Keep only the newest row of each (model, features, dataset, split).
    **filters
        Column equalities, e.g. ``dataset="toy"``.

    Returns
    -------
    pandas.DataFrame
    """
    target = Path(path) if path is not None else results_path()
    if not target.exists() or target.stat().st_size == 0:
        return pd.DataFrame(columns=list(RESULT_COLUMNS))
    table = pd.read_csv(target, dtype={"model": str, "features": str, "dataset": str, "split": str,
                                       "notes": str}, keep_default_na=False, na_values={
        c: [""] for c in ("segment_accuracy", "clip_accuracy", "macro_f1", "n_params", "fit_time_s")})
    for col in ("segment_accuracy", "clip_accuracy", "macro_f1", "fit_time_s"):
        table[col] = pd.to_numeric(table[col], errors="coerce")
    table["n_params"] = pd.to_numeric(table["n_params"], errors="coerce").astype("Int64")
    unknown = sorted(set(filters) - set(RESULT_COLUMNS))
    if unknown:
        raise ValueError(f"unknown column(s) {unknown}; choose from {RESULT_COLUMNS}")
    for col, value in filters.items():
        table = table[table[col] == value]
    if latest:
        table = table.drop_duplicates(["model", "features", "dataset", "split"], keep="last")
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------- clip probabilities
def _slug(name: str) -> str:
    """A file-name-safe version of a model name (letters, digits, ``-``, ``_``, ``.``)."""
    import re

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

    Taught in notebook 10; notebooks 03–08 call it next to :func:`log_result`, so that
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
    tmp = target.with_suffix(".csv.tmp")
    table.to_csv(tmp, index=False, float_format="%.6g")
    os.replace(tmp, target)  # atomic: a reader never sees half a file
    return target


def read_clip_probabilities(
    *, dataset: str, split: str, folder: str | os.PathLike | None = None
) -> dict[str, pd.DataFrame]:
    """Every saved model's clip probabilities, ``{model: DataFrame}`` (see :func:`save_clip_probabilities`).

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
    return out
