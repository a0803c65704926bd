"""The leaderboard: one table from the results log, the literature beside it, quick stand-ins for an empty log."""
from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from mgc_helpers import bundle, evaluation, leaderboard, literature, toy
from mgc_helpers.datasets import splits


def _log(path):
    rows = [
        ("dummy_most_frequent", "summary_fast", "toy", "artist", None, 0.10, 0.02, 116, 0.1, 3),
        ("random_forest", "summary_fast", "toy", "artist", None, 0.70, 0.65, 30000, 3.0, 3),
        ("random_forest", "summary_fast", "toy", "artist", None, 0.80, 0.75, 30000, 3.0, 3),
        ("recommended_cnn", "logmel", "toy", "artist", 0.78, 0.85, 0.81, 6386, 36.0, 5),
        ("GRU (report 003, MFCC)", "MFCC 20", "toy", "artist", 0.36, 0.425, 0.34, 21130, 6.2, "06"),
        ("musicnn + SVM", "MSD_musicnn", "toy", "artist", None, 0.60, None, None, 0.01, 8),
        ("random_forest", "summary_fast", "toy", "(a) random split of segments", 0.9, 0.93, None, None, None, 3),
        ("random_forest", "summary_fast", "gtzan", "artist", None, 0.55, 0.5, None, None, 3),
        ("CRNN (report 001)", "log-mel 96", "toy", "artist", 0.5, None, None, 19000, 50.0, 7),
    ]
    for r in rows:
        evaluation.record(r[0], {"segment_accuracy": r[4], "clip_accuracy": r[5], "macro_f1": r[6]}, notebook=r[9],
                          features=r[1], dataset=r[2], split=r[3], n_params=r[7], seconds=r[8],
                          notes="4 tracks per genre" if r[9] == 8 else "", path=path)
    return evaluation.read_results(path=path)


def test_table_keeps_one_split_the_newest_rows_and_sorts(tmp_path, isolated_cache):
    board = leaderboard.table(_log(tmp_path / "log.csv"), dataset="toy", split="artist")
    assert list(board.columns) == list(leaderboard.COLUMNS)
    assert list(board["model"]) == ["recommended_cnn", "random_forest", "musicnn + SVM", "GRU (report 003, MFCC)"]
    assert board.loc[1, "clip_accuracy"] == 0.80            # the newest random_forest row, not the older 0.70
    assert list(board["notebook"]) == ["05", "03", "08", "06"]  # the log's column, not the notes
    with_dummies = leaderboard.table(_log(tmp_path / "log2.csv"), dataset="toy", drop_dummies=False)
    assert "dummy_most_frequent" in set(with_dummies["model"])
    assert leaderboard.table(evaluation.read_results(path=tmp_path / "none.csv"), dataset="toy").empty


def test_table_of_an_old_log_reads_the_notebook_from_the_notes(tmp_path, isolated_cache):
    path = tmp_path / "old.csv"
    path.write_text("model,features,dataset,split,segment_accuracy,clip_accuracy,macro_f1,n_params,fit_time_s,"
                    "notes,timestamp\n"
                    "cnn,logmel,toy,artist,,0.8,,,,\"notebook 05, 15 epochs\",2024-01-01T00:00:00\n"
                    "svm,musicnn,toy,artist,,0.6,,,,4 tracks per genre,2024-01-01T00:00:00\n", encoding="utf-8")
    board = leaderboard.table(evaluation.read_results(path=path), dataset="toy")
    assert list(board["notebook"]) == ["05", ""]
    labels = [t.get_text() for t in leaderboard.plot(board).axes[0].get_yticklabels()]
    assert labels == ["cnn (nb 05)", "svm (?)"]


def test_plot_draws_both_panels(tmp_path, isolated_cache):
    matplotlib.use("Agg")
    board = leaderboard.table(_log(tmp_path / "log.csv"), dataset="toy")
    fig = leaderboard.plot(board, chance=0.1, literature_rows=literature.table())
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][0] == "recommended_cnn (nb 05)"
    assert len(fig.axes[0].patches) == len(board) == len(fig.axes[0].get_yticklabels())
    # a model logged with two feature sets gets one bar each, told apart by the features
    board2 = pd.concat([board, board.iloc[[0]].assign(features="other")], ignore_index=True)
    labels = [t.get_text() for t in leaderboard.plot(board2).axes[0].get_yticklabels()]
    assert len(labels) == len(board2) and "recommended_cnn [other] (nb 05)" in labels


def test_plot_colours_the_honest_literature_green(tmp_path, isolated_cache):
    matplotlib.use("Agg")
    lit = literature.table()
    fig = leaderboard.plot(leaderboard.table(_log(tmp_path / "log.csv"), dataset="toy"), literature_rows=lit)
    colours = [tuple(np.round(p.get_facecolor()[:3], 3)) for p in fig.axes[1].patches]
    green = tuple(np.round(matplotlib.colors.to_rgb("tab:green"), 3))
    assert [c == green for c in colours] == list(lit["honest"])


def _paired_log(tmp_path):
    """40 test clips; models saved with probabilities (paired tests) and without (Wilson intervals only)."""
    classes = ["jazz", "rock"]
    truth = np.array(["jazz", "rock"] * 20)
    ids = [f"t{i:02d}" for i in range(40)]
    path, folder = tmp_path / "log.csv", tmp_path / "probs" / "toy" / "artist"

    def wrong_on(n_wrong, first=0):
        pred = truth.copy()
        pred[first:first + n_wrong] = np.where(truth[first:first + n_wrong] == "jazz", "rock", "jazz")
        return pred

    def one_hot(pred):
        return np.stack([(pred == c).astype(float) for c in classes], axis=1) * 0.8 + 0.1

    preds = {"best cnn": wrong_on(6), "close forest": wrong_on(8, first=2), "weak svm": wrong_on(20)}
    for name, pred in preds.items():
        evaluation.record(name, {"clip_accuracy": float(np.mean(pred == truth))}, notebook=3, dataset="toy",
                          split="artist", features="f", classes=classes, probabilities=(ids, one_hot(pred)),
                          y_true=truth, path=path)
    evaluation.record("gru, interval only", {"clip_accuracy": 0.75}, notebook=6, dataset="toy", split="artist",
                      features="f", n_test=40, path=path)
    evaluation.record("lstm, interval only", {"clip_accuracy": 0.25}, notebook=6, dataset="toy", split="artist",
                      features="f", n_test=40, path=path)
    evaluation.record("no size", {"clip_accuracy": 0.5}, notebook=6, dataset="toy", split="artist", features="f",
                      path=path)
    return path, folder, truth, preds


def test_table_marks_who_is_tied_with_the_best_and_by_which_test(tmp_path, isolated_cache):
    path, folder, truth, preds = _paired_log(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=folder)
    board = leaderboard.table(evaluation.read_results(path=path), dataset="toy", probas=probas).set_index("model")
    assert list(board.index) == ["best cnn", "close forest", "gru, interval only", "weak svm", "no size",
                                 "lstm, interval only"]
    assert board.loc["best cnn", "vs_best"] == "best" and board.loc["best cnn", "n_test"] == 40
    ci = evaluation.accuracy_interval(34, 40)
    assert board.loc["best cnn", ["clip_accuracy_low", "clip_accuracy_high"]].tolist() == pytest.approx(
        [ci.low, ci.high], abs=1e-6)
    for name, word in (("close forest", "tied within noise"), ("weak svm", "behind")):
        assert board.loc[name, "vs_best"] == word and board.loc[name, "compared_by"] == "McNemar"
        assert board.loc[name, "p_value"] == pytest.approx(
            evaluation.mcnemar(truth, preds["best cnn"], preds[name]).p_value)
    assert board.loc["gru, interval only", ["vs_best", "compared_by"]].tolist() == ["tied within noise",
                                                                                    "Wilson overlap"]
    assert board.loc["lstm, interval only", ["vs_best", "compared_by"]].tolist() == ["behind", "Wilson overlap"]
    assert np.isnan(board.loc["gru, interval only", "p_value"])
    assert board.loc["no size", ["vs_best", "compared_by"]].tolist() == ["", ""]
    text = leaderboard.describe(board.reset_index())
    assert text.splitlines()[0] == f"best clip accuracy: best cnn (nb 03), {ci}"
    assert "tied within noise with the best (2):\n  close forest: 80.0 % (" in text
    assert "  gru, interval only: 75.0 % (59.8 % to 85.8 %, n = 40) (Wilson intervals)" in text.splitlines()
    assert "behind the best (2):\n  weak svm: 50.0 %" in text and "\n  no size: 50.0 % (test size unknown)" in text
    # without the probabilities, the paired tests give way to the intervals
    unpaired = leaderboard.table(evaluation.read_results(path=path), dataset="toy", probas={}).set_index("model")
    assert unpaired.loc["close forest", "compared_by"] == "Wilson overlap" and unpaired["p_value"].isna().all()
    # the split's test size fills rows that logged none (when the accuracy is a whole number of its clips)
    sized = leaderboard.table(evaluation.read_results(path=path), dataset="toy", probas={}, n_test=40)
    row = sized.set_index("model").loc["no size"]
    assert row["n_test"] == 40 and row["compared_by"] == "Wilson overlap" and row["vs_best"] == "behind"
    assert leaderboard.table(evaluation.read_results(path=path), dataset="toy", probas={}, n_test=7).set_index(
        "model").loc["no size", ["n_test", "vs_best"]].isna().tolist() == [True, False]


def test_table_ignores_probabilities_of_another_run_and_sizes_old_rows_from_them(tmp_path, isolated_cache):
    path, folder, truth, preds = _paired_log(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=folder)
    log = evaluation.read_results(path=path)
    log.loc[log["model"] == "close forest", "clip_accuracy"] = 0.775   # a newer run than the saved probabilities
    log.loc[log["model"] == "weak svm", ["n_test", "clip_accuracy_low", "clip_accuracy_high"]] = np.nan  # old row
    board = leaderboard.table(log, dataset="toy", probas=probas).set_index("model")
    assert board.loc["close forest", "compared_by"] == "Wilson overlap"
    assert board.loc["weak svm", "n_test"] == 40 and board.loc["weak svm", "compared_by"] == "McNemar"
    assert board.loc["weak svm", "clip_accuracy_low"] == pytest.approx(evaluation.accuracy_interval(20, 40).low)
    assert leaderboard.describe(board.iloc[:0]) == "no model has a clip accuracy on this dataset and split yet"


def test_plot_shows_the_intervals_and_hatches_the_ties(tmp_path, isolated_cache):
    matplotlib.use("Agg")
    path, folder, _, _ = _paired_log(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=folder)
    board = leaderboard.table(evaluation.read_results(path=path), dataset="toy", probas=probas)
    ax = leaderboard.plot(board, chance=0.5).axes[0]
    hatched = [bool(p.get_hatch()) for p in ax.patches]
    assert hatched == list(board["vs_best"] == "tied within noise") and sum(hatched) == 2
    texts = [t.get_text() for t in ax.texts]
    assert texts[0] == "85% (71%–93%, n=40)" and texts[4] == "50%"          # "no size": no interval to draw
    assert len(ax.collections) == 1 and len(ax.collections[0].get_segments()) == 5   # five error bars
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "not distinguishable from the best (McNemar / Wilson overlap)" in legend and "chance" in legend


@pytest.fixture()
def tiny_tracks(tmp_path):
    root = tmp_path / "toy"
    meta = toy.make_toy_dataset(root, genres=("classical", "metal"), n_artists=3, tracks_per_artist=2,
                                duration=3.0, n_jobs=1)
    tracks = meta.assign(path=[str(root / p) for p in meta["path"]])
    return tracks.assign(split=splits.toy_artist_split(tracks["genre"], tracks["artist"]))


def test_fill_missing_trains_stand_ins_on_an_empty_log(tiny_tracks, isolated_cache, monkeypatch):
    logged = []
    monkeypatch.setattr(bundle, "train_model", lambda kind, tracks, **kw: (bundle.GenreModel(kind, None, [], {}), {}))
    monkeypatch.setattr(bundle, "log_model", lambda model, tracks, **kw: logged.append((model.kind, kw)))
    added = leaderboard.fill_missing(tiny_tracks, dataset="tiny", seed=0)
    assert added == [leaderboard.QUICK_FOREST, leaderboard.QUICK_CNN]
    assert logged[0][0] == "CNN" and logged[0][1]["name"] == leaderboard.QUICK_CNN and logged[0][1]["notebook"] == 10
    assert logged[0][1]["notes"].startswith("notebook 10 quick fallback")
    probas = evaluation.read_clip_probabilities(dataset="tiny", split="artist")
    forest = probas[leaderboard.QUICK_FOREST]
    test_ids = set(tiny_tracks.loc[tiny_tracks["split"] == "test", "track_id"])
    assert set(forest.index) == test_ids and forest.attrs["classes"] == ["classical", "metal"]
    np.testing.assert_allclose(forest[["classical", "metal"]].sum(axis=1), 1.0)
    row = evaluation.read_results(dataset="tiny").iloc[-1]
    assert row["model"] == leaderboard.QUICK_FOREST and row["notes"] == "notebook 10 quick fallback"
    assert row["notebook"] == "10" and row["fit_time_s"] >= 0 and row["n_params"] > 0
    assert row["clip_accuracy"] == pytest.approx(
        np.mean(forest[["classical", "metal"]].idxmax(axis=1) == forest["true"]))
    # musicnn is not a CNN of notebook 05: the CNN stand-in is still needed
    evaluation.save_clip_probabilities("musicnn + SVM (RBF)", sorted(test_ids), np.full((len(test_ids), 2), 0.5),
                                       classes=["classical", "metal"], dataset="tiny", split="artist")
    assert leaderboard.fill_missing(tiny_tracks, dataset="tiny") == [leaderboard.QUICK_CNN]
    # with a CNN's probabilities saved as well, nothing more is trained (the forest stand-in counts as classical)
    evaluation.save_clip_probabilities("recommended_cnn", sorted(test_ids), np.full((len(test_ids), 2), 0.5),
                                       classes=["classical", "metal"], dataset="tiny", split="artist")
    assert leaderboard.fill_missing(tiny_tracks, dataset="tiny") == []


def test_plot_legends_name_the_notebook_colours_and_the_honest_and_leaky_literature(tmp_path, isolated_cache):
    matplotlib.use("Agg")
    board = leaderboard.table(_log(tmp_path / "log.csv"), dataset="toy")
    fig = leaderboard.plot(board, chance=0.1, literature_rows=literature.table())
    left, right = (ax.get_legend() for ax in fig.axes)
    names = [t.get_text() for t in left.get_texts()]
    notebooks = sorted(set(board["notebook"]))
    assert names[:len(notebooks)] == [f"notebook {n}" for n in notebooks] and "chance" in names
    bar_colour = {n: tuple(p.get_facecolor()) for n, p in zip(board["notebook"], fig.axes[0].patches)}
    legend_colour = [tuple(h.get_facecolor()) for h in left.legend_handles[:len(notebooks)]]
    assert legend_colour == [bar_colour[n] for n in notebooks]          # each legend entry is its bars' colour
    assert [t.get_text().split(":")[0] for t in right.get_texts()] == ["honest", "leaky or not comparable"]
