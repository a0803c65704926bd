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
Every model of the course is recorded by one call, :func:`record`: it adds one row to a
CSV file, ``<cache root>/results/results_log.csv`` by default (see
:func:`mgc_helpers.config.cache_root`, ``$MGC_CACHE_DIR``), with the columns of
:data:`RESULT_COLUMNS` (among them the ``notebook`` that trained the model and its
``params`` as JSON), and saves the model's test-clip probabilities beside it
(:func:`save_clip_probabilities`). Each row is written atomically under a file lock, so
two processes recording at once keep both rows. :func:`read_results` reads the log back
as a DataFrame, so that notebooks 03–10 can show one table comparing every model.

>>> from mgc_helpers import evaluation
>>> evaluation.majority_vote(["a", "a", "a", "b"], ["rock", "rock", "pop", "jazz"]).to_dict()
{'a': 'rock', 'b': 'jazz'}
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
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


_SCORES = ("segment_accuracy", "clip_accuracy", "macro_f1")
_NUMERIC = ("segment_accuracy", "clip_accuracy", "macro_f1", "n_params", "fit_time_s")


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
        ``classes`` or of the wrong shape, or a damaged log (the error names the file).
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
    row = {
        "model": model, "notebook": _notebook_code(notebook), "features": features, "dataset": dataset,
        "split": split, **values, "n_params": n_params,
        "fit_time_s": None if seconds is None else round(float(seconds), 3),
        "params": _params_json(params), "notes": notes,
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    row = {k: _clean(row[k]) for k in RESULT_COLUMNS}
    clips = _clip_probabilities(scores, classes=classes, probabilities=probabilities, y_true=y_true)
    target = Path(path) if path is not None else results_path()
    if clips is not None:  # saved first: it validates the probabilities before the row is written
        folder = (target.parent / "probs" / _slug(dataset) / _slug(split)) if path is not None else None
        save_clip_probabilities(model, clips[0], clips[1], classes=classes, y_true=clips[2], dataset=dataset,
                                split=split, folder=folder)
    _append_row(row, target)
    return row


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
    (``"notebook 05"``, ``"nb06"``; ``""`` when the notes name none).

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
    for col in ("segment_accuracy", "clip_accuracy", "macro_f1", "fit_time_s"):
        table[col] = pd.to_numeric(table[col].replace("", np.nan), errors="coerce").astype(float)
    table["n_params"] = pd.to_numeric(table["n_params"].replace("", np.nan), errors="coerce").astype("Int64")
    for col, value in filters.items():
        table = table[table[col] == (_notebook_code(value) if col == "notebook" else value)]
    if latest:
        table = table.drop_duplicates(["model", "features", "dataset", "split"], keep="last")
    return table.reset_index(drop=True)


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
