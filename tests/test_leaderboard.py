"""The leaderboard: one table from the results log, the literature beside it, quick stand-ins for an empty log."""
from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from mgc_helpers import app, evaluation, leaderboard, toy
from mgc_helpers.datasets import splits


def _log(path):
    rows = [
        ("dummy_most_frequent", "summary_fast", "toy", "artist", None, 0.10, 0.02, 116, 0.1, "notebook 03"),
        ("random_forest", "summary_fast", "toy", "artist", None, 0.70, 0.65, 30000, 3.0, "notebook 03, clips"),
        ("random_forest", "summary_fast", "toy", "artist", None, 0.80, 0.75, 30000, 3.0, "notebook 03, clips"),
        ("recommended_cnn", "logmel", "toy", "artist", 0.78, 0.85, 0.81, 6386, 36.0, "notebook 05, 15 epochs"),
        ("GRU (seed 003, MFCC)", "MFCC 20", "toy", "artist", 0.36, 0.425, 0.34, 21130, 6.2, "3 s crops, nb06"),
        ("musicnn + SVM", "MSD_musicnn", "toy", "artist", None, 0.60, None, None, 0.01, "4 tracks per genre"),
        ("random_forest", "summary_fast", "toy", "(a) random split of segments", 0.9, 0.93, None, None, None, ""),
        ("random_forest", "summary_fast", "gtzan", "artist", None, 0.55, 0.5, None, None, "notebook 03"),
        ("CRNN (seed 001)", "log-mel 96", "toy", "artist", 0.5, None, None, 19000, 50.0, "no clip score"),
    ]
    for r in rows:
        evaluation.log_result(model=r[0], features=r[1], dataset=r[2], split=r[3], segment_accuracy=r[4],
                              clip_accuracy=r[5], macro_f1=r[6], n_params=r[7], fit_time_s=r[8], notes=r[9],
                              path=path)
    return evaluation.read_results(path=path)


def test_notebook_of_reads_the_notes():
    assert leaderboard.notebook_of("notebook 05, 15 epochs") == "05"
    assert leaderboard.notebook_of("3 s crops, nb06") == "06"
    assert leaderboard.notebook_of("Notebook 3") == "03"
    assert leaderboard.notebook_of("4 training tracks per genre") == "" and leaderboard.notebook_of(None) == ""


def test_table_keeps_one_split_the_newest_rows_and_sorts(tmp_path):
    board = leaderboard.table(_log(tmp_path / "log.csv"), dataset="toy", split="artist")
    assert list(board.columns) == list(leaderboard.COLUMNS)
    assert list(board["model"]) == ["recommended_cnn", "random_forest", "musicnn + SVM", "GRU (seed 003, MFCC)"]
    assert board.loc[1, "clip_accuracy"] == 0.80            # the newest random_forest row, not the older 0.70
    assert list(board["notebook"]) == ["05", "03", "", "06"]
    with_dummies = leaderboard.table(_log(tmp_path / "log2.csv"), dataset="toy", drop_dummies=False)
    assert "dummy_most_frequent" in set(with_dummies["model"])
    assert leaderboard.table(evaluation.read_results(path=tmp_path / "none.csv"), dataset="toy").empty


def test_plot_draws_both_panels(tmp_path):
    matplotlib.use("Agg")
    board = leaderboard.table(_log(tmp_path / "log.csv"), dataset="toy")
    fig = leaderboard.plot(board, chance=0.1, literature_rows=leaderboard.literature())
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][0] == "recommended_cnn (nb 05)"
    assert len(fig.axes[0].patches) == len(board) == len(fig.axes[0].get_yticklabels())
    # a model logged with two feature sets gets one bar each, told apart by the features
    board2 = pd.concat([board, board.iloc[[0]].assign(features="other")], ignore_index=True)
    labels = [t.get_text() for t in leaderboard.plot(board2).axes[0].get_yticklabels()]
    assert len(labels) == len(board2) and "recommended_cnn [other] (nb 05)" in labels


def test_literature_puts_honest_numbers_first_and_flags_seed_000():
    lit = leaderboard.literature()
    assert lit["honest"].iloc[0] and not lit["honest"].iloc[-1]
    honest = lit[lit["honest"]]
    assert honest["dataset"].str.contains("fault-filtered").all() and honest["accuracy"].max() == pytest.approx(0.821)
    seed000 = lit[lit["source"] == "seed 000"].iloc[0]
    assert seed000["accuracy"] == pytest.approx(0.9988) and not seed000["honest"] and "leaky" in seed000["caveat"]


@pytest.fixture()
def tiny_tracks(tmp_path):
    root = tmp_path / "toy"
    meta = toy.make_toy_dataset(root, genres=("classical", "metal"), n_artists=3, tracks_per_artist=2,
                                duration=3.0, n_jobs=1)
    tracks = meta.assign(path=[str(root / p) for p in meta["path"]])
    return tracks.assign(split=splits.toy_artist_split(tracks["genre"], tracks["artist"]))


def test_fill_missing_trains_stand_ins_on_an_empty_log(tiny_tracks, isolated_cache, monkeypatch):
    logged = []
    monkeypatch.setattr(app, "train_model", lambda kind, tracks, **kw: (app.GenreModel(kind, None, [], {}), {}))
    monkeypatch.setattr(app, "log_model", lambda bundle, tracks, **kw: logged.append((bundle.kind, kw)))
    added = leaderboard.fill_missing(tiny_tracks, dataset="tiny", seed=0)
    assert added == [leaderboard.QUICK_FOREST, leaderboard.QUICK_CNN]
    assert logged[0][0] == "CNN" and logged[0][1]["name"] == leaderboard.QUICK_CNN
    assert logged[0][1]["notes"].startswith("notebook 10 quick fallback")
    probas = evaluation.read_clip_probabilities(dataset="tiny", split="artist")
    forest = probas[leaderboard.QUICK_FOREST]
    test_ids = set(tiny_tracks.loc[tiny_tracks["split"] == "test", "track_id"])
    assert set(forest.index) == test_ids and forest.attrs["classes"] == ["classical", "metal"]
    np.testing.assert_allclose(forest[["classical", "metal"]].sum(axis=1), 1.0)
    row = evaluation.read_results(dataset="tiny").iloc[-1]
    assert row["model"] == leaderboard.QUICK_FOREST and row["notes"] == "notebook 10 quick fallback"
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


def test_log_model_logs_scores_and_probabilities(tiny_tracks, isolated_cache):
    bundle, scores = app.train_model("CNN", tiny_tracks, dataset="tiny", epochs=1)
    out = app.log_model(bundle, tiny_tracks, name="recommended_cnn", dataset="tiny", notes="notebook 10 test")
    assert out["clip_accuracy"] == pytest.approx(scores["clip_accuracy"])
    row = evaluation.read_results(dataset="tiny").iloc[-1]
    assert row["model"] == "recommended_cnn" and row["split"] == "artist" and row["n_params"] == bundle.model.count_params()
    saved = evaluation.read_clip_probabilities(dataset="tiny", split="artist")["recommended_cnn"]
    np.testing.assert_allclose(saved[bundle.classes].to_numpy(), out["proba_clip"], rtol=1e-5)
    assert list(saved["true"]) == list(out["y_true_clip"])
    assert pd.api.types.is_float_dtype(saved["classical"])
