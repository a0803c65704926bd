"""Tests of mgc_helpers.evaluation: voting on constructed predictions, metrics against scikit-learn, the log."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, f1_score

from mgc_helpers import evaluation


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_accuracy_and_macro_f1_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    genres = np.array(["blues", "jazz", "pop", "rock"])
    t, p = rng.choice(genres, 60), rng.choice(genres[:3], 60)  # "rock" never predicted: F1 0 for it
    assert evaluation.accuracy(t, p) == pytest.approx(accuracy_score(t, p))
    assert evaluation.macro_f1(t, p) == pytest.approx(f1_score(t, p, average="macro", zero_division=0))
    assert evaluation.macro_f1(t, p, labels=genres) == pytest.approx(
        f1_score(t, p, labels=genres, average="macro", zero_division=0))


def test_metrics_reject_bad_input():
    with pytest.raises(ValueError, match="length"):
        evaluation.accuracy(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        evaluation.accuracy([], [])
    with pytest.raises(ValueError, match="length"):
        evaluation.macro_f1(["a"], ["a", "b"])
    assert evaluation.macro_f1([], []) == 0.0


def test_majority_vote_on_constructed_predictions():
    ids = ["t1", "t1", "t1", "t2", "t2", "t3"]
    preds = ["rock", "pop", "rock", "jazz", "jazz", "metal"]
    voted = evaluation.majority_vote(ids, preds)
    assert voted.to_dict() == {"t1": "rock", "t2": "jazz", "t3": "metal"}
    assert list(voted.index) == ["t1", "t2", "t3"] and voted.index.name == "track_id"


def test_majority_vote_breaks_ties_alphabetically_or_by_probability():
    ids, preds = ["x"] * 4, ["rock", "jazz", "jazz", "rock"]
    assert evaluation.majority_vote(ids, preds)["x"] == "jazz"  # first in sorted order
    classes = ["jazz", "rock"]
    proba = np.array([[0.1, 0.9], [0.6, 0.4], [0.55, 0.45], [0.2, 0.8]])  # rock has more probability mass
    assert evaluation.majority_vote(ids, preds, proba=proba, classes=classes)["x"] == "rock"
    # probability never overrides a real majority
    proba3 = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6]])
    assert evaluation.majority_vote(["y"] * 3, ["jazz", "jazz", "rock"], proba=proba3, classes=classes)["y"] == "jazz"
    assert evaluation.majority_vote(["y"] * 3, ["rock", "rock", "jazz"], proba=proba3, classes=classes)["y"] == "rock"


def test_majority_vote_rejects_inconsistent_input():
    with pytest.raises(ValueError, match="length"):
        evaluation.majority_vote(["a", "b"], ["rock"])
    with pytest.raises(ValueError, match="not in `classes`"):
        evaluation.majority_vote(["a"], ["rock"], classes=["jazz"])
    with pytest.raises(ValueError, match="shape"):
        evaluation.majority_vote(["a"], ["rock"], proba=np.ones((1, 3)), classes=["jazz", "rock"])


def test_mean_probability_can_disagree_with_the_majority():
    classes = np.array(["jazz", "rock"])
    ids = ["t", "t", "t"]
    proba = np.array([[0.45, 0.55], [0.45, 0.55], [0.99, 0.01]])  # majority rock, mean jazz (0.63)
    assert evaluation.majority_vote(ids, classes[proba.argmax(1)])["t"] == "rock"
    assert evaluation.mean_probability(ids, proba, classes=classes)["t"] == "jazz"
    with pytest.raises(ValueError, match="shape"):
        evaluation.mean_probability(ids, proba[:2], classes=classes)


def test_mean_probability_matches_a_groupby_reference():
    rng = np.random.default_rng(0)
    classes = np.array(["a", "b", "c"])
    ids = rng.choice([f"t{i}" for i in range(8)], 50)
    proba = rng.dirichlet(np.ones(3), 50)
    got = evaluation.mean_probability(ids, proba, classes=classes)
    ref = pd.DataFrame(proba, columns=classes).groupby(ids).mean().idxmax(axis=1)
    assert got.sort_index().to_dict() == ref.to_dict()


def test_clip_table_and_clip_scores():
    ids = np.array(["a", "a", "a", "b", "b", "b"])
    truth = np.array(["rock"] * 3 + ["jazz"] * 3)
    classes = np.array(["jazz", "rock"])
    proba = np.array([[0.4, 0.6], [0.4, 0.6], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7]])
    pred = classes[proba.argmax(1)]
    table = evaluation.clip_table(ids, truth, y_pred=pred)
    assert table.loc["a", "predicted"] == "rock" and table.loc["b", "predicted"] == "rock"
    assert list(table["n_segments"]) == [3, 3] and list(table["true"]) == ["rock", "jazz"]
    mean = evaluation.clip_table(ids, truth, proba=proba, classes=classes, method="mean")
    assert mean.loc["a", "predicted"] == "jazz"  # mean 0.567 jazz
    from_proba = evaluation.clip_table(ids, truth, proba=proba, classes=classes)
    assert from_proba.equals(evaluation.clip_table(ids, truth, y_pred=pred, proba=proba, classes=classes))
    scores = evaluation.clip_scores(ids, truth, proba=proba, classes=classes)
    assert scores["segment_accuracy"] == pytest.approx(accuracy_score(truth, pred))
    assert scores["clip_accuracy"] == 0.5 and scores["clip_accuracy_mean"] == 0.0
    assert scores["macro_f1"] == pytest.approx(f1_score(["rock", "jazz"], ["rock", "rock"], average="macro",
                                                        zero_division=0))
    assert np.isnan(evaluation.clip_scores(ids, truth, y_pred=pred)["clip_accuracy_mean"])


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "median", "y_pred": ["x"] * 2}, "method"),
    ({"method": "mean", "y_pred": ["x"] * 2}, "needs proba"),
    ({}, "needs y_pred or proba"),
    ({"proba": np.ones((2, 2))}, "classes"),
])
def test_clip_table_rejects_bad_requests(kwargs, match):
    with pytest.raises(ValueError, match=match):
        evaluation.clip_table(["a", "a"], ["x", "x"], **kwargs)


def test_clip_table_rejects_tracks_with_two_labels_and_scores_need_predictions():
    with pytest.raises(ValueError, match="different true labels"):
        evaluation.clip_table(["a", "a"], ["x", "y"], y_pred=["x", "x"])
    with pytest.raises(ValueError, match="y_pred"):
        evaluation.clip_scores(["a"], ["x"])


def test_most_confused_counts_off_diagonal_pairs():
    t = ["rock"] * 4 + ["pop"] * 2 + ["jazz"] * 2
    p = ["metal", "metal", "pop", "rock", "rock", "pop", "jazz", "blues"]
    top = evaluation.most_confused(t, p, top=2)
    assert top.iloc[0].to_dict() == {"true": "rock", "predicted": "metal", "count": 2, "share": 0.5}
    assert len(top) == 2 and set(top.columns) == {"true", "predicted", "count", "share"}


def test_log_and_read_results_round_trip(tmp_path):
    path = tmp_path / "log.csv"
    assert list(evaluation.read_results(path=path).columns) == list(evaluation.RESULT_COLUMNS)
    row = evaluation.log_result(model="svm_rbf", features="summary_fast", dataset="toy", split="artist",
                                segment_accuracy=np.float64(0.61), clip_accuracy=0.7, macro_f1=0.68,
                                n_params=np.int64(1234), fit_time_s=0.25, notes="C=10", path=path)
    assert row["timestamp"] and row["n_params"] == 1234
    evaluation.log_result(model="rf", features="mfcc", dataset="toy", split="random", segment_accuracy=None,
                          clip_accuracy=0.9, macro_f1=float("nan"), path=path, timestamp="2024-01-01T00:00:00")
    evaluation.log_result(model="svm_rbf", features="summary_fast", dataset="toy", split="artist",
                          segment_accuracy=0.62, clip_accuracy=0.72, macro_f1=0.7, path=path)
    table = evaluation.read_results(path=path)
    assert list(table.columns) == list(evaluation.RESULT_COLUMNS) and len(table) == 3
    assert table.loc[0, "segment_accuracy"] == pytest.approx(0.61) and table.loc[0, "n_params"] == 1234
    assert pd.isna(table.loc[1, "segment_accuracy"]) and pd.isna(table.loc[1, "macro_f1"])
    assert pd.isna(table.loc[1, "n_params"]) and table.loc[1, "notes"] == ""
    assert len(evaluation.read_results(path=path, split="artist")) == 2
    latest = evaluation.read_results(path=path, latest=True)
    assert len(latest) == 2 and latest.loc[latest["model"] == "svm_rbf", "clip_accuracy"].item() == 0.72
    with pytest.raises(ValueError, match="unknown column"):
        evaluation.read_results(path=path, colour="red")


def test_log_result_validates_scores(tmp_path):
    with pytest.raises(ValueError, match="fraction"):
        evaluation.log_result(model="m", features="f", dataset="d", split="s", segment_accuracy=None,
                              clip_accuracy=61.0, macro_f1=None, path=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_default_log_lives_in_the_cache_root(isolated_cache):
    assert evaluation.results_path() == isolated_cache / "results" / "results_log.csv"
    frame = pd.DataFrame({"model": ["a", "b"], "clip_accuracy": [0.5, 0.6], "segment_accuracy": [np.nan, 0.4],
                          "macro_f1": [0.5, 0.55], "extra": [1, 2]}).set_index("model")
    assert evaluation.log_results(frame, features="f", dataset="toy", split="artist") == 2
    table = evaluation.read_results()
    assert list(table["model"]) == ["a", "b"] and table["dataset"].eq("toy").all()
    evaluation.log_results(frame.reset_index(), features="g", dataset="toy", split="random")
    assert len(evaluation.read_results(features="g")) == 2


def test_evaluation_never_imports_tensorflow():
    code = "import sys, mgc_helpers.evaluation; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
