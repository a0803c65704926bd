"""The course's leaderboard: every model of notebooks 03–08 on one dataset and one honest split.

Taught in notebook 10. Every model notebook appends its scores to the shared results log
and its test-clip probabilities next to it (:func:`mgc_helpers.evaluation.record`), with the
notebook it comes from. This module turns the log into
one table and one picture (:func:`table`, :func:`plot`, with the published numbers of
:mod:`mgc_helpers.literature` beside it), and, when notebook 10 runs on its own with an empty log,
trains two quick stand-ins so that there is something to compare and to ensemble
(:func:`fill_missing`).

TensorFlow is imported only by :func:`fill_missing` (when it must train the CNN).
"""
from __future__ import annotations

import re
import time
from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import evaluation

__all__ = ["COLUMNS", "QUICK_FOREST", "QUICK_CNN", "table", "plot", "fill_missing"]

#: Columns of :func:`table`, in order.
COLUMNS: tuple[str, ...] = ("model", "notebook", "features", "segment_accuracy", "clip_accuracy", "macro_f1",
                            "n_params", "fit_time_s", "notes")

#: Names of :func:`fill_missing`'s stand-ins (distinct from notebooks 03 and 05's rows, which they never replace).
QUICK_FOREST = "random_forest (log-mel statistics)"
QUICK_CNN = "recommended_cnn (quick, notebook 10)"

def table(
    results: pd.DataFrame | None = None,
    *,
    dataset: str,
    split: str = "artist",
    drop_dummies: bool = True,
) -> pd.DataFrame:
    """One row per model (its newest result) on ``dataset`` and ``split``, best clip accuracy first.

    Taught in notebook 10.

    Parameters
    ----------
    results : pandas.DataFrame, optional
        A results log (default :func:`mgc_helpers.evaluation.read_results`).
    dataset, split : str, keyword-only
        Only rows of this dataset and split: every model scored on the same test clips.
    drop_dummies : bool, keyword-only
        Leave out the chance-level dummies of notebook 03.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (``notebook``: the log's column, ``""`` where an old row's notes name none).
    """
    log = evaluation.read_results() if results is None else results
    log = log[(log["dataset"] == dataset) & (log["split"] == split) & log["clip_accuracy"].notna()]
    log = log.drop_duplicates(["model", "features", "dataset", "split"], keep="last")
    if drop_dummies:
        log = log[~log["model"].astype(str).str.startswith("dummy")]
    out = log.sort_values(["clip_accuracy", "macro_f1"], ascending=False, kind="stable", na_position="last")
    return out.loc[:, list(COLUMNS)].reset_index(drop=True)


def plot(board: pd.DataFrame, *, chance: float | None = None, literature_rows: pd.DataFrame | None = None,
         title: str = "") -> Any:
    """Clip accuracy of every model (bars, coloured by notebook), and the literature beside it.

    Taught in notebook 10. ``literature_rows`` is :func:`mgc_helpers.literature.table` (or some
    of its rows): green bars for the honest rows, red for the others. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    panels = 2 if literature_rows is not None else 1
    height = max(3.0, 0.28 * max(len(board), 0 if literature_rows is None else len(literature_rows)) + 1.2)
    fig, axes = plt.subplots(1, panels, figsize=(13 if panels == 2 else 7, height), squeeze=False,
                             layout="constrained")
    ax = axes[0, 0]
    twice = board["model"].duplicated(keep=False)
    labels = [f"{m}{f' [{f}]' if t else ''} ({'nb ' + n if n else '?'})"
              for m, f, n, t in zip(board["model"], board["features"], board["notebook"], twice)]
    groups = sorted(set(board["notebook"]))
    colours = {g: plt.cm.tab10(i % 10) for i, g in enumerate(groups)}
    rows = np.arange(len(board))
    ax.barh(rows, board["clip_accuracy"], color=[colours[n] for n in board["notebook"]])
    ax.set_yticks(rows, labels)
    for i, v in enumerate(board["clip_accuracy"]):
        ax.text(min(v + 0.01, 0.9), i, f"{v:.0%}", va="center", fontsize=8)
    if chance is not None:
        ax.axvline(chance, color="grey", ls=":", label="chance")
        ax.legend(loc="lower right", fontsize=8)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="clip accuracy (test artists)", title=title or "This course, one split")
    ax.tick_params(axis="y", labelsize=8)
    if literature_rows is not None:
        lit = literature_rows
        ax2 = axes[0, 1]
        honest = lit["honest"].astype(bool).to_numpy()
        ax2.barh(np.arange(len(lit)), lit["accuracy"], color=np.where(honest, "tab:green", "tab:red"))
        ax2.set_yticks(np.arange(len(lit)), lit["system"])
        for i, (v, s) in enumerate(zip(lit["accuracy"], lit["source"])):
            ax2.text(0.01, i, f"{v:.1%} · {s}", va="center", fontsize=7, color="white")
        ax2.invert_yaxis()
        ax2.set(xlim=(0, 1), xlabel="accuracy",
                title="Published (green: GTZAN fault-filtered)")
        ax2.tick_params(axis="y", labelsize=8)
    return fig


def _has(probas: dict[str, pd.DataFrame], names: Sequence[str]) -> bool:
    """Whether a model of ``names`` (or a variant, ``"name (...)"``) saved probabilities."""
    return any(p.split(" (")[0] in names for p in probas)


def fill_missing(
    tracks: pd.DataFrame,
    *,
    dataset: str,
    split: str = "artist",
    cnn: Any = None,
    seed: int = 0,
) -> list[str]:
    """Make sure a classical model and a CNN have results and clip probabilities on ``split``.

    Taught in notebook 10: with an empty results log (notebook 10 run on its own), two
    quick stand-ins are trained and recorded (notebook 10, with the note "notebook 10
    quick fallback"):

    - :data:`QUICK_FOREST`, a random forest on log-mel statistics (mean and standard deviation of every band;
      notebook 03's forest uses the 53 summary features, which cost more to compute);
    - :data:`QUICK_CNN`, the recommended CNN of notebook 05, given as ``cnn`` (a :class:`mgc_helpers.bundle.GenreModel`
      of kind ``"CNN"``, e.g. the app's model) or trained here with :func:`mgc_helpers.bundle.train_model`, and
      recorded with :func:`mgc_helpers.bundle.log_model`.

    Parameters
    ----------
    tracks : pandas.DataFrame
        The dataset with its split.
    dataset, split : str, keyword-only
    cnn : GenreModel, optional, keyword-only
    seed : int, keyword-only

    Returns
    -------
    list of str
        The models trained now (empty when the log already had both).
    """
    from . import classical

    probas = evaluation.read_clip_probabilities(dataset=dataset, split=split)
    added = []
    if not _has(probas, classical.MODEL_NAMES):
        added.append(_quick_forest(tracks, dataset=dataset, split=split, seed=seed))
    if not any(re.search(r"(?<![a-z])cnn", name.lower()) for name in probas):  # not musicnn
        from . import bundle

        if cnn is None:
            cnn, _ = bundle.train_model("CNN", tracks, dataset=dataset, seed=seed)
        bundle.log_model(cnn, tracks, name=QUICK_CNN, dataset=dataset, split=split, notebook=10,
                         notes=f"notebook 10 quick fallback, {cnn.info.get('epochs', '?')} epochs")
        added.append(QUICK_CNN)
    return added


def _quick_forest(tracks: pd.DataFrame, *, dataset: str, split: str, seed: int) -> str:
    """Random forest on per-band log-mel means and standard deviations; logged with its clip probabilities."""
    from . import cache, classical, transfer

    feats = cache.track_features(tracks, kind="logmel", n_mels=64, hop_length=1024, progress=False)
    X = transfer.logmel_statistics(feats)
    parts = feats.tracks["split"].to_numpy()
    y = feats.tracks["genre"].to_numpy()
    fit_rows, test_rows = parts != "test", parts == "test"
    start = time.perf_counter()
    forest = classical.make_pipeline("random_forest", seed=seed).fit(X[fit_rows], y[fit_rows])
    seconds = time.perf_counter() - start
    proba = classical.class_scores(forest, X[test_rows])
    classes = list(forest.classes_)
    pred = np.asarray(classes)[np.argmax(proba, axis=1)]
    name = QUICK_FOREST
    scores = {"clip_accuracy": evaluation.accuracy(y[test_rows], pred),
              "macro_f1": evaluation.macro_f1(y[test_rows], pred, labels=classes)}
    evaluation.record(name, scores, notebook=10, dataset=dataset, split=split, features="log-mel 64 statistics",
                      params={"model": "random_forest", "seed": seed, "n_mels": 64, "hop_length": 1024},
                      n_params=classical.n_parameters(forest), seconds=seconds, classes=classes,
                      probabilities=(feats.tracks["track_id"].to_numpy()[test_rows], proba), y_true=y[test_rows],
                      notes="notebook 10 quick fallback")
    return name
