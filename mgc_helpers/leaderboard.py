"""The course's leaderboard: every model of notebooks 03–08 on one dataset and one honest split.

Taught in notebook 10. Every model notebook appends its scores to the shared results log
(:func:`mgc_helpers.evaluation.log_result`) and its test-clip probabilities next to it
(:func:`mgc_helpers.evaluation.save_clip_probabilities`). This module turns the log into
one table and one picture (:func:`table`, :func:`plot`), puts the published GTZAN numbers
beside it (:func:`literature`), and, when notebook 10 runs on its own with an empty log,
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

__all__ = ["COLUMNS", "QUICK_FOREST", "QUICK_CNN", "notebook_of", "table", "plot", "literature", "fill_missing"]

#: Columns of :func:`table`, in order.
COLUMNS: tuple[str, ...] = ("model", "notebook", "features", "segment_accuracy", "clip_accuracy", "macro_f1",
                            "n_params", "fit_time_s", "notes")

#: Names of :func:`fill_missing`'s stand-ins (distinct from notebooks 03 and 05's rows, which they never replace).
QUICK_FOREST = "random_forest (log-mel statistics)"
QUICK_CNN = "recommended_cnn (quick, notebook 10)"

#: The seeds' own claims, next to the literature of :func:`mgc_helpers.transfer.literature_table`.
_SEED_CLAIMS = [
    ("CNN, 4 strided conv blocks (seed 000)", "GTZAN, random 80/20 split", "test", 0.9988, "seed 000",
     "leaky: segments/songs of one artist on both sides (notebook 03 measures the effect)"),
    ("CNN, 2 conv layers (seed 002)", "GTZAN, split not described", "test", 0.68, "seed 002",
     "84 % on its training data"),
    ("CRNN, 18,356 parameters (seed 001)", "FMA medium, 4 genres", "test", 0.72, "seed 001",
     "4 broad genres: not comparable with 10"),
]


def notebook_of(notes: str) -> str:
    """The notebook a results-log row comes from, read from its notes (``"notebook 05"``, ``"nb06"``), else ``""``.

    Taught in notebook 10.
    """
    match = re.search(r"(?:notebook\s*|nb)(\d{1,2})\b", str(notes or ""), flags=re.I)
    return f"{int(match.group(1)):02d}" if match else ""


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
        Columns :data:`COLUMNS`; ``notebook`` from :func:`notebook_of`.
    """
    log = evaluation.read_results() if results is None else results
    log = log[(log["dataset"] == dataset) & (log["split"] == split) & log["clip_accuracy"].notna()]
    log = log.drop_duplicates(["model", "features", "dataset", "split"], keep="last")
    if drop_dummies:
        log = log[~log["model"].astype(str).str.startswith("dummy")]
    out = log.assign(notebook=log["notes"].map(notebook_of))
    out = out.sort_values(["clip_accuracy", "macro_f1"], ascending=False, kind="stable", na_position="last")
    return out.loc[:, list(COLUMNS)].reset_index(drop=True)


def plot(board: pd.DataFrame, *, chance: float | None = None, literature_rows: pd.DataFrame | None = None,
         title: str = "") -> Any:
    """Clip accuracy of every model (bars, coloured by notebook), and the literature beside it.

    Taught in notebook 10. Returns the matplotlib Figure.
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
        honest = lit["dataset"].str.contains("fault-filtered")
        ax2.barh(np.arange(len(lit)), lit["accuracy"], color=np.where(honest, "tab:green", "tab:red"))
        ax2.set_yticks(np.arange(len(lit)), lit["system"])
        for i, (v, s) in enumerate(zip(lit["accuracy"], lit["source"])):
            ax2.text(0.01, i, f"{v:.1%} · {s}", va="center", fontsize=7, color="white")
        ax2.invert_yaxis()
        ax2.set(xlim=(0, 1), xlabel="accuracy",
                title="Published (green: GTZAN fault-filtered)")
        ax2.tick_params(axis="y", labelsize=8)
    return fig


def literature() -> pd.DataFrame:
    """Published GTZAN/FMA numbers (notebook 08's table) and the seeds' claims, honest ones first.

    Taught in notebook 10. Column ``honest`` is True for GTZAN's fault-filtered,
    artist-disjoint test split; the others (random splits, validation scores, other
    datasets) cannot be compared with it, and seed 000's 99.88 % is a leaky split.
    """
    from .transfer import literature_table

    seeds = pd.DataFrame(_SEED_CLAIMS, columns=["system", "dataset", "split", "accuracy", "source", "caveat"])
    lit = pd.concat([literature_table(), seeds], ignore_index=True)
    lit.insert(4, "honest", lit["dataset"].str.contains("fault-filtered") & (lit["split"] == "test"))
    return lit.sort_values(["honest", "accuracy"], ascending=[False, False], kind="stable").reset_index(drop=True)


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
    quick stand-ins are trained on the toy data and logged with the note "notebook 10
    quick fallback":

    - :data:`QUICK_FOREST`, a random forest on log-mel statistics (mean and standard deviation of every band;
      notebook 03's forest uses the 53 summary features, which cost more to compute);
    - :data:`QUICK_CNN`, the recommended CNN of notebook 05, given as ``cnn`` (an :class:`mgc_helpers.app.GenreModel`
      of kind ``"CNN"``, e.g. the app's model) or trained here with :func:`mgc_helpers.app.train_model`.

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
        from . import app

        if cnn is None:
            cnn, _ = app.train_model("CNN", tracks, dataset=dataset, seed=seed)
        app.log_model(cnn, tracks, name=QUICK_CNN, dataset=dataset, split=split,
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
    evaluation.log_result(model=name, features="log-mel 64 statistics", dataset=dataset, split=split,
                          segment_accuracy=None, clip_accuracy=evaluation.accuracy(y[test_rows], pred),
                          macro_f1=evaluation.macro_f1(y[test_rows], pred, labels=classes),
                          n_params=classical.n_parameters(forest), fit_time_s=round(seconds, 2),
                          notes="notebook 10 quick fallback")
    evaluation.save_clip_probabilities(name, feats.tracks["track_id"].to_numpy()[test_rows], proba, classes=classes,
                                       y_true=y[test_rows], dataset=dataset, split=split)
    return name
