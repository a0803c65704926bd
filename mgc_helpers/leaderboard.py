"""The course's leaderboard: every model of notebooks 03–08 on one dataset and one honest split.

Taught in notebook 10. Every model notebook appends its scores to the shared results log
and its test-clip probabilities next to it (:func:`mgc_helpers.evaluation.record`), with the
notebook it comes from. This module turns the log into
one table and one picture (:func:`table`, :func:`plot`, with the published numbers of
:mod:`mgc_helpers.literature` beside it), in which every clip accuracy carries its 95 % Wilson
interval and its test size, and every model is compared with the best one: "tied within noise"
or "behind", by the exact McNemar test on the saved clip probabilities where both models have
them, else by overlapping Wilson intervals (column ``compared_by`` says which); :func:`describe`
prints it in words. When notebook 10 runs on its own with an empty log,
trains two quick stand-ins so that there is something to compare and to ensemble
(:func:`fill_missing`).

TensorFlow is imported only by :func:`fill_missing` (when it must train the CNN).
"""
from __future__ import annotations

import re
import time
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import evaluation

__all__ = ["COLUMNS", "QUICK_FOREST", "QUICK_CNN", "table", "describe", "plot", "fill_missing"]

#: Columns of :func:`table`, in order.
COLUMNS: tuple[str, ...] = ("model", "notebook", "features", "segment_accuracy", "clip_accuracy",
                            "clip_accuracy_low", "clip_accuracy_high", "n_test", "vs_best", "p_value", "compared_by",
                            "macro_f1", "n_params", "fit_time_s", "notes")

#: Names of :func:`fill_missing`'s stand-ins (distinct from notebooks 03 and 05's rows, which they never replace).
QUICK_FOREST = "random_forest (log-mel statistics)"
QUICK_CNN = "recommended_cnn (quick, notebook 10)"

def table(
    results: pd.DataFrame | None = None,
    *,
    dataset: str,
    split: str = "artist",
    drop_dummies: bool = True,
    probas: Mapping[str, pd.DataFrame] | None = None,
    n_test: int | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """One row per model (its newest result) on ``dataset`` and ``split``, best clip accuracy first.

    Taught in notebook 10. Each clip accuracy comes with its 95 % Wilson interval and the number
    of test clips behind it (``n_test``; from the log, or for older rows from the saved clip
    probabilities). Every model is compared with the best (first) row, column ``vs_best``:

    - ``"McNemar"`` in ``compared_by``: both models saved clip probabilities that reproduce their
      logged clip accuracy; :func:`mgc_helpers.evaluation.verdict` on the clips they share
      (``p_value``: the exact McNemar test);
    - ``"Wilson overlap"``: otherwise, when both rows have intervals; overlapping intervals are
      "tied within noise" (a conservative check: no pairing, no p-value);
    - ``""`` with ``vs_best`` empty: no test size known, nothing can be said.

    ``vs_best`` is ``"best"`` for the first row, else ``"tied within noise"`` or ``"behind"``.

    Parameters
    ----------
    results : pandas.DataFrame, optional
        A results log (default :func:`mgc_helpers.evaluation.read_results`).
    dataset, split : str, keyword-only
        Only rows of this dataset and split: every model scored on the same test clips.
    drop_dummies : bool, keyword-only
        Leave out the chance-level dummies of notebook 03.
    probas : mapping, optional, keyword-only
        ``{model: DataFrame}`` of saved clip probabilities (default
        :func:`mgc_helpers.evaluation.read_clip_probabilities` of ``dataset`` and ``split``;
        ``{}``: compare by intervals only).
    n_test : int, optional, keyword-only
        The number of test clips of ``split`` (notebook 10: ``(tracks["split"] == "test").sum()``),
        used for rows that logged no test size and whose clip accuracy is a whole number of that
        many clips.
    alpha : float, keyword-only
        Significance level of the paired test.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS` (``notebook``: the log's column, ``""`` where an old row's notes name none).
    """
    log = evaluation.read_results() if results is None else results
    log = log.reindex(columns=list(dict.fromkeys([*log.columns, *evaluation.RESULT_COLUMNS])))
    log = log[(log["dataset"] == dataset) & (log["split"] == split) & log["clip_accuracy"].notna()]
    log = log.drop_duplicates(["model", "features", "dataset", "split"], keep="last")
    if drop_dummies:
        log = log[~log["model"].astype(str).str.startswith("dummy")]
    out = log.sort_values(["clip_accuracy", "macro_f1"], ascending=False, kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    if probas is None:
        probas = evaluation.read_clip_probabilities(dataset=dataset, split=split)
    predictions = {i: _clip_predictions(probas.get(m), acc) for i, (m, acc)
                   in enumerate(zip(out["model"], out["clip_accuracy"]))}
    _fill_test_size(out, predictions, n_test=n_test)
    _compare_with_best(out, predictions, alpha=alpha)
    return out.loc[:, list(COLUMNS)]


def _clip_predictions(frame: pd.DataFrame | None, clip_accuracy: float) -> pd.DataFrame | None:
    """``true`` and ``predicted`` per clip (arg-max) of saved probabilities, if they reproduce ``clip_accuracy``."""
    if frame is None or "true" not in frame.columns:
        return None
    known = frame[frame["true"].notna()]
    classes = [c for c in known.columns if c != "true"]
    if known.empty or not classes:
        return None
    pred = np.asarray(classes)[np.argmax(known[classes].to_numpy(dtype=float), axis=1)]
    clips = pd.DataFrame({"true": known["true"].astype(str).to_numpy(), "predicted": pred},
                         index=known.index.astype(str))
    if abs(float(np.mean(clips["true"] == clips["predicted"])) - float(clip_accuracy)) > 1e-6:
        return None  # probabilities of another run or another variant of the model: not this row's clips
    return clips


def _fill_test_size(out: pd.DataFrame, predictions: Mapping[int, pd.DataFrame | None], *,
                    n_test: int | None) -> None:
    """Rows without ``n_test``: the clips of their saved probabilities, else ``n_test``; and the Wilson interval."""
    out["n_test"] = pd.to_numeric(out["n_test"], errors="coerce").astype("Int64")
    for col in ("clip_accuracy_low", "clip_accuracy_high"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    for i, clips in predictions.items():
        if pd.isna(out.at[i, "n_test"]) and clips is not None:
            out.at[i, "n_test"] = len(clips)
        guessed = pd.isna(out.at[i, "n_test"]) and n_test is not None
        if pd.isna(out.at[i, "clip_accuracy_low"]) and (guessed or not pd.isna(out.at[i, "n_test"])):
            n = int(n_test if guessed else out.at[i, "n_test"])
            k = float(out.at[i, "clip_accuracy"]) * n
            if n >= 1 and abs(k - round(k)) <= 1e-3:
                out.at[i, "n_test"] = n
                ci = evaluation.accuracy_interval(int(round(k)), n)
                out.at[i, "clip_accuracy_low"], out.at[i, "clip_accuracy_high"] = ci.low, ci.high


def _compare_with_best(out: pd.DataFrame, predictions: Mapping[int, pd.DataFrame | None], *, alpha: float) -> None:
    """Columns ``vs_best``, ``p_value``, ``compared_by`` (see :func:`table`)."""
    out["vs_best"], out["p_value"], out["compared_by"] = "", np.nan, ""
    if out.empty:
        return
    out.at[0, "vs_best"] = "best"
    best = predictions[0]
    for i in range(1, len(out)):
        clips = predictions[i]
        shared = None if best is None or clips is None else best.index.intersection(clips.index)
        if shared is not None and len(shared) and (best.loc[shared, "true"] == clips.loc[shared, "true"]).all():
            said = evaluation.verdict(best.loc[shared, "true"].to_numpy(), best.loc[shared, "predicted"].to_numpy(),
                                      clips.loc[shared, "predicted"].to_numpy(), alpha=alpha)
            out.at[i, "vs_best"] = "behind" if said.word == "ahead" else "tied within noise" if (
                said.word == "tied within noise") else "ahead"
            out.at[i, "p_value"], out.at[i, "compared_by"] = said.test.p_value, "McNemar"
        elif not out.loc[[0, i], ["clip_accuracy_low", "clip_accuracy_high"]].isna().any(axis=None):
            overlap = (out.at[i, "clip_accuracy_high"] >= out.at[0, "clip_accuracy_low"])
            out.at[i, "vs_best"] = "tied within noise" if overlap else "behind"
            out.at[i, "compared_by"] = "Wilson overlap"


_HEADS = {"tied within noise": "tied within noise with the best", "behind": "behind the best",
          "ahead": "ahead of the best (on the clips both share)", "": "not comparable (no test size logged)"}


def describe(board: pd.DataFrame) -> str:
    """The leaderboard in sentences: the best model with its interval, who is tied with it and who is behind.

    Taught in notebook 10 (printed under the table: no comparison of this run is typed by hand).

    Parameters
    ----------
    board : pandas.DataFrame
        :func:`table`'s output.

    Returns
    -------
    str
        One line for the best model, then one per verdict group, each naming how it was decided.
    """
    if board.empty:
        return "no model has a clip accuracy on this dataset and split yet"

    def score(row: pd.Series) -> str:
        if pd.isna(row["n_test"]) or pd.isna(row["clip_accuracy_low"]):
            return f"{row['clip_accuracy']:.1%} (test size unknown)".replace("%", " %")
        return str(evaluation.Interval(float(row["clip_accuracy"]), float(row["clip_accuracy_low"]),
                                       float(row["clip_accuracy_high"]), int(row["n_test"])))

    first = board.iloc[0]
    lines = [f"best clip accuracy: {first['model']} (nb {first['notebook'] or '?'}), {score(first)}"]
    twice = board["model"].duplicated(keep=False)
    for word in ("tied within noise", "behind", "ahead", ""):
        group = board.iloc[1:][board["vs_best"].iloc[1:] == word]
        if group.empty:
            continue
        lines.append(f"{_HEADS[word]} ({len(group)}):")
        for i, row in group.iterrows():
            how = {"McNemar": f"McNemar p = {row['p_value']:.2g}", "Wilson overlap": "Wilson intervals"}.get(
                row["compared_by"], "")
            model = f"{row['model']} [{row['features']}]" if twice.loc[i] else row["model"]
            lines.append(f"  {model}: {score(row)}" + (f" ({how})" if how else ""))
    return "\n".join(lines)


def plot(board: pd.DataFrame, *, chance: float | None = None, literature_rows: pd.DataFrame | None = None,
         title: str = "") -> Any:
    """Clip accuracy of every model (bars, coloured by notebook) with its interval, and the literature beside it.

    Taught in notebook 10. Each bar carries its 95 % Wilson interval (error bar) and is labelled with
    the accuracy, the interval and the test size; hatched bars are not distinguishable from the best
    (:func:`table`'s ``vs_best``, the legend says by which test). The left legend names each bar colour's
    notebook; ``literature_rows`` is :func:`mgc_helpers.literature.table` (or some of its rows): green bars
    for the honest rows, red for the others, as the right legend says. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    board = board.reindex(columns=list(dict.fromkeys([*board.columns, *COLUMNS])))
    panels = 2 if literature_rows is not None else 1
    height = max(3.0, 0.28 * max(len(board) + 2, 0 if literature_rows is None else len(literature_rows)) + 1.2)
    fig, axes = plt.subplots(1, panels, figsize=(13 if panels == 2 else 7, height), squeeze=False,
                             layout="constrained")
    ax = axes[0, 0]
    twice = board["model"].duplicated(keep=False)
    labels = [f"{m}{f' [{f}]' if t else ''} ({'nb ' + n if n else '?'})"
              for m, f, n, t in zip(board["model"], board["features"], board["notebook"], twice)]
    groups = sorted(set(board["notebook"]))
    colours = {g: plt.cm.tab10(i % 10) for i, g in enumerate(groups)}
    rows = np.arange(len(board))
    tied = (board["vs_best"] == "tied within noise").to_numpy()
    bars = ax.barh(rows, board["clip_accuracy"], color=[colours[n] for n in board["notebook"]])
    for bar, hatch in zip(bars, tied):
        bar.set_hatch("//" if hatch else None)
    ax.set_yticks(rows, labels)
    acc = board["clip_accuracy"].to_numpy(dtype=float)
    low = pd.to_numeric(board["clip_accuracy_low"], errors="coerce").to_numpy(dtype=float)
    high = pd.to_numeric(board["clip_accuracy_high"], errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(low) & ~np.isnan(high)
    if known.any():
        ax.errorbar(acc[known], rows[known], xerr=[acc[known] - low[known], high[known] - acc[known]], fmt="none",
                    ecolor="black", elinewidth=1, capsize=3, label="95 % Wilson interval")
    for i, (v, lo, hi, n) in enumerate(zip(acc, low, high, board["n_test"])):
        text = f"{v:.0%}" + (f" ({lo:.0%}–{hi:.0%}, n={int(n)})" if not np.isnan(lo) and not pd.isna(n) else "")
        if v >= 0.45:  # inside the bar, left of the error bar
            ax.text(0.01, i, text, va="center", fontsize=7, color="white")
        else:          # right of the error bar
            ax.text((v if np.isnan(hi) else hi) + 0.01, i, text, va="center", fontsize=7)
    handles = [Patch(facecolor=colours[g], label=f"notebook {g}" if g else "notebook unknown") for g in groups]
    handles += ax.get_legend_handles_labels()[0]
    if tied.any():
        how = " / ".join(sorted(set(board.loc[tied, "compared_by"])))
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="//",
                             label=f"not distinguishable from the best ({how})"))
    if chance is not None:
        handles.append(ax.axvline(chance, color="grey", ls=":", label="chance"))
    ncol = 2 if len(handles) > 5 else 1
    ax.set_ylim(len(board) - 0.5 + 0.6 * -(-len(handles) // ncol) + 0.3, -0.5)  # room below for the legend
    ax.legend(handles=handles, loc="lower right", fontsize=7, ncol=ncol, title="bar colour: notebook",
              title_fontsize=7)
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
        ax2.set_ylim(len(lit) - 0.5 + 1.6, -0.5)  # rows top-down, room below for the legend
        ax2.legend(handles=[Patch(facecolor="tab:green", label="honest: GTZAN fault-filtered, artist-disjoint test"),
                            Patch(facecolor="tab:red", label="leaky or not comparable: random split, "
                                                             "validation score or another dataset")],
                   loc="lower right", fontsize=7)
        ax2.set(xlim=(0, 1), xlabel="accuracy", title="Published results")
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
