"""Tests of mgc_helpers.evaluation: voting on constructed predictions, metrics against scikit-learn, the log."""
from __future__ import annotations

import json
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


def test_record_and_read_results_round_trip(tmp_path):
    path = tmp_path / "log.csv"
    assert list(evaluation.read_results(path=path).columns) == list(evaluation.RESULT_COLUMNS)
    row = evaluation.record("svm_rbf", {"segment_accuracy": np.float64(0.61), "clip_accuracy": 0.7,
                                        "macro_f1": 0.68, "other": "ignored"},
                            notebook=3, dataset="toy", split="artist", features="summary_fast",
                            params={"C": np.float64(10.0), "kernel": "rbf"}, n_params=np.int64(1234),
                            seconds=0.25, notes="C=10", path=path)
    assert row["timestamp"] and row["n_params"] == 1234 and row["notebook"] == "03"
    assert row["params"] == '{"C":10.0,"kernel":"rbf"}' and list(row) == list(evaluation.RESULT_COLUMNS)
    evaluation.record("rf", pd.Series({"segment_accuracy": None, "clip_accuracy": 0.9, "macro_f1": np.nan}),
                      notebook="05", dataset="toy", split="random", features="mfcc", path=path)
    evaluation.record("svm_rbf", {"segment_accuracy": 0.62, "clip_accuracy": 0.72, "macro_f1": 0.7},
                      notebook="3", dataset="toy", split="artist", features="summary_fast", path=path)
    table = evaluation.read_results(path=path)
    assert list(table.columns) == list(evaluation.RESULT_COLUMNS) and len(table) == 3
    assert table.loc[0, "segment_accuracy"] == pytest.approx(0.61) and table.loc[0, "n_params"] == 1234
    assert table.loc[0, "fit_time_s"] == 0.25 and json.loads(table.loc[0, "params"]) == {"C": 10.0, "kernel": "rbf"}
    assert pd.isna(table.loc[1, "segment_accuracy"]) and pd.isna(table.loc[1, "macro_f1"])
    assert pd.isna(table.loc[1, "n_params"]) and table.loc[1, "notes"] == "" and table.loc[1, "params"] == ""
    assert list(table["notebook"]) == ["03", "05", "03"]
    assert len(evaluation.read_results(path=path, split="artist")) == 2
    assert len(evaluation.read_results(path=path, notebook=5)) == 1
    latest = evaluation.read_results(path=path, latest=True)
    assert len(latest) == 2 and latest.loc[latest["model"] == "svm_rbf", "clip_accuracy"].item() == 0.72
    with pytest.raises(ValueError, match="unknown column"):
        evaluation.read_results(path=path, colour="red")


@pytest.mark.parametrize("kwargs, error, match", [
    ({"scores": {"clip_accuracy": 61.0}}, ValueError, "fraction"),
    ({"scores": {"clip_accuracy": "high"}}, ValueError, "number"),
    ({"scores": {"accuracy": 0.5}}, ValueError, "none of"),
    ({"scores": [0.5]}, TypeError, "mapping"),
    ({"notebook": 0}, ValueError, "notebook"),
    ({"notebook": "5a"}, ValueError, "notebook"),
    ({"notebook": 123}, ValueError, "notebook"),
    ({"notebook": 5.0}, TypeError, "notebook"),
    ({"params": {"model": object()}}, TypeError, "not JSON"),
    ({"params": "C=1"}, TypeError, "mapping"),
    ({"n_params": -1}, ValueError, "n_params"),
    ({"n_params": 2.5}, ValueError, "n_params"),
    ({"seconds": -1.0}, ValueError, "seconds"),
    ({"model": ""}, ValueError, "model"),
    ({"dataset": None}, TypeError, "dataset"),
    ({"probabilities": (["a"], [[1.0, 0.0]])}, ValueError, "classes"),
    ({"probabilities": (["a", "b"], [[1.0, 0.0]]), "classes": ["x", "y"]}, ValueError, "shape"),
])
def test_record_validates_before_writing_anything(tmp_path, kwargs, error, match):
    args = {"model": "m", "scores": {"clip_accuracy": 0.5}, "notebook": 3, "dataset": "d", "split": "s",
            "features": "f", "path": tmp_path / "x.csv", **kwargs}
    with pytest.raises(error, match=match):
        evaluation.record(args.pop("model"), args.pop("scores"), **args)
    assert not list(tmp_path.rglob("*.csv"))


def test_record_saves_the_clip_probabilities_of_training_evaluate(isolated_cache):
    classes = ["jazz", "rock"]
    scores = {"segment_accuracy": 0.5, "clip_accuracy": 0.5, "macro_f1": 0.33, "proba": np.ones((4, 2)) / 2,
              "track_id_clip": np.array(["t1", "t2"]), "proba_clip": np.array([[0.9, 0.1], [0.7, 0.3]]),
              "y_true_clip": np.array(["jazz", "rock"])}
    evaluation.record("cnn", scores, notebook=5, dataset="toy", split="artist", features="logmel",
                      classes=classes)
    saved = evaluation.read_clip_probabilities(dataset="toy", split="artist")["cnn"]
    assert list(saved.index) == ["t1", "t2"] and list(saved["true"]) == ["jazz", "rock"]
    np.testing.assert_allclose(saved[classes].to_numpy(), scores["proba_clip"])
    assert evaluation.read_results().loc[0, "model"] == "cnn"
    # without classes there is nothing to name the columns: only the row
    evaluation.record("cnn2", scores, notebook=5, dataset="toy", split="artist", features="logmel")
    assert "cnn2" not in evaluation.read_clip_probabilities(dataset="toy", split="artist")
    # explicit probabilities (a classical model, one row per clip) win, y_true optional
    evaluation.record("svm", {"clip_accuracy": 1.0}, notebook="03", dataset="toy", split="artist",
                      features="summary", classes=classes, probabilities=(["t1", "t2"], [[0.2, 0.8], [0.6, 0.4]]))
    svm = evaluation.read_clip_probabilities(dataset="toy", split="artist")["svm"]
    assert svm["true"].isna().all() and svm.loc["t1", "rock"] == 0.8
    assert list(evaluation.read_results()["model"]) == ["cnn", "cnn2", "svm"]


def test_record_with_a_path_keeps_probabilities_beside_that_log(tmp_path, isolated_cache):
    evaluation.record("svm", {"clip_accuracy": 1.0}, notebook=3, dataset="toy", split="artist", features="f",
                      classes=["a", "b"], probabilities=(["t1"], [[0.5, 0.5]]), path=tmp_path / "log.csv")
    folder = tmp_path / "probs" / "toy" / "artist"
    assert (folder / "svm.csv").exists() and not isolated_cache.exists()
    assert "svm" in evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=folder)


def test_old_logs_stay_readable_and_get_the_notebook_from_the_notes(tmp_path):
    path = tmp_path / "old.csv"
    old_header = ["model", "features", "dataset", "split", "segment_accuracy", "clip_accuracy", "macro_f1",
                  "n_params", "fit_time_s", "notes", "timestamp"]
    path.write_text(",".join(old_header) + "\n"
                    "rf,summary,toy,artist,,0.8,0.75,30000,3.0,\"notebook 03, clips\",2024-01-01T00:00:00\n"
                    "gru,mfcc,toy,artist,0.3,0.4,,,,\"3 s crops, nb6\",2024-01-01T00:00:00\n"
                    "knn,summary,toy,artist,,0.5,,,,4 tracks per genre,2024-01-01T00:00:00\n", encoding="utf-8")
    table = evaluation.read_results(path=path)
    assert list(table["notebook"]) == ["03", "06", ""] and table["params"].eq("").all()
    assert table.loc[0, "n_params"] == 30000
    evaluation.record("cnn", {"clip_accuracy": 0.9}, notebook=5, dataset="toy", split="artist",
                      features="logmel", notes="notebook 07 (mislabelled note)", path=path)
    table = evaluation.read_results(path=path)
    assert list(table["notebook"]) == ["03", "06", "", "05"]  # the column wins over the notes
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(evaluation.RESULT_COLUMNS)


def test_old_log_rows_read_under_the_reports_new_names(tmp_path):
    path = tmp_path / "old.csv"
    evaluation.record("report002_cnn", {"clip_accuracy": 0.6}, notebook=5, dataset="toy", split="artist",
                      features="logmel", notes="report 002's CNN", path=path)
    text = path.read_text(encoding="utf-8").replace("report002_cnn", "seed002_cnn").replace("report 002", "seed 002")
    path.write_text(text + text.splitlines()[1].replace("seed002_cnn", "crnn_seed001")
                    .replace("seed 002's CNN", "Seed 001 and seeds 0-4; seed0123 stays") + "\n", encoding="utf-8")
    table = evaluation.read_results(path=path)
    assert list(table["model"]) == ["report002_cnn", "crnn_report001"]
    assert list(table["notes"]) == ["report 002's CNN", "Report 001 and seeds 0-4; seed0123 stays"]
    assert len(evaluation.read_results(path=path, model="report002_cnn")) == 1  # filters see the new names


@pytest.mark.parametrize("content, match", [
    ("model,notebook,features\nrf,03\n", "row 2 has 2 fields"),
    ("colour,size\nred,3\n", "header"),
    ("\x00\x00garbage,\"unterminated\n", "header|damaged"),
])
def test_a_damaged_log_raises_one_clear_error_naming_the_file(tmp_path, content, match):
    path = tmp_path / "results_log.csv"
    path.write_text(content, encoding="utf-8")
    for action in (lambda: evaluation.read_results(path=path),
                   lambda: evaluation.record("m", {"clip_accuracy": 0.5}, notebook=3, dataset="d", split="s",
                                             features="f", path=path)):
        with pytest.raises(ValueError, match=match) as err:
            action()
        assert str(path) in str(err.value)
    assert path.read_text(encoding="utf-8") == content  # left as it was for the user to repair


def test_two_processes_recording_at_once_keep_every_row(tmp_path):
    path = tmp_path / "log.csv"
    code = ("import sys; from mgc_helpers import evaluation\n"
            "for i in range(25):\n"
            "    evaluation.record(f'{sys.argv[1]}{i}', {'clip_accuracy': 0.5}, notebook=3, dataset='d',"
            " split='s', features='f', path=sys.argv[2])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, name, str(path)]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    models = set(evaluation.read_results(path=path)["model"])
    assert models == {f"{n}{i}" for n in "ab" for i in range(25)}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.csv", "log.csv.lock"]  # no temporary file left


def test_the_old_recording_functions_are_gone():
    assert "record" in evaluation.__all__
    for name in ("log_result", "log_results"):
        assert not hasattr(evaluation, name) and name not in evaluation.__all__


def test_default_log_lives_in_the_cache_root(isolated_cache):
    assert evaluation.results_path() == isolated_cache / "results" / "results_log.csv"
    evaluation.record("a", {"clip_accuracy": 0.5}, notebook=4, dataset="toy", split="artist", features="f")
    assert evaluation.results_path().exists()
    table = evaluation.read_results()
    assert list(table["model"]) == ["a"] and table["dataset"].eq("toy").all()


def test_evaluation_never_imports_tensorflow():
    code = "import sys, mgc_helpers.evaluation; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_record_stores_the_test_size_and_the_wilson_interval(tmp_path):
    path = tmp_path / "log.csv"
    truth = np.array(["jazz"] * 30 + ["rock"] * 10)
    pred = truth.copy()
    pred[:6] = "rock"                                   # 34 of 40 right
    scores = {"clip_accuracy": 0.85, "y_true_clip": truth, "y_pred_clip": pred}
    row = evaluation.record("cnn", scores, notebook=5, dataset="toy", split="artist", features="f", path=path)
    ci = evaluation.accuracy_interval(34, 40)
    assert row["n_test"] == 40
    assert (row["clip_accuracy_low"], row["clip_accuracy_high"]) == pytest.approx((ci.low, ci.high), abs=1e-6)
    # explicit probabilities (one row per clip) give the size too; an explicit n_test wins
    evaluation.record("svm", {"clip_accuracy": 0.5}, notebook=3, dataset="toy", split="artist", features="f",
                      classes=["a", "b"], probabilities=(["t1", "t2"], [[0.2, 0.8], [0.6, 0.4]]), path=path)
    evaluation.record("gtzan svm", {"clip_accuracy": 0.8, "macro_f1": 0.79}, notebook=3, dataset="gtzan",
                      split="filtered", features="f", n_test=290, path=path)
    evaluation.record("no size", {"clip_accuracy": 0.8}, notebook=3, dataset="toy", split="artist", features="f",
                      path=path)
    table = evaluation.read_results(path=path)
    assert list(table["n_test"].astype("float").fillna(-1)) == [40, 2, 290, -1]
    assert table.loc[2, "clip_accuracy_low"] == pytest.approx(evaluation.accuracy_interval(232, 290).low, abs=1e-6)
    assert table.loc[3, ["clip_accuracy_low", "clip_accuracy_high"]].isna().all()
    assert str(table["n_test"].dtype) == "Int64" and table["clip_accuracy_high"].dtype == float


def test_record_refuses_a_test_size_the_accuracy_does_not_fit(tmp_path):
    path = tmp_path / "log.csv"
    with pytest.raises(ValueError, match="not a whole number of 40 clips"):
        evaluation.record("m", {"clip_accuracy": 0.86}, notebook=3, dataset="d", split="s", features="f",
                          n_test=40, path=path)
    with pytest.raises(ValueError, match="n_test"):
        evaluation.record("m", {"clip_accuracy": 0.5}, notebook=3, dataset="d", split="s", features="f",
                          n_test=0, path=path)
    assert not path.exists()
    with pytest.warns(UserWarning, match="do not match"):   # derived from the clips: a warning, the row is kept
        row = evaluation.record("m", {"clip_accuracy": 0.3, "y_true_clip": ["a", "b"], "y_pred_clip": ["a", "a"]},
                                notebook=3, dataset="d", split="s", features="f", path=path)
    assert row["n_test"] == "" and row["clip_accuracy_low"] == ""


def test_a_log_of_the_previous_layout_gains_the_new_columns(tmp_path):
    path = tmp_path / "log.csv"
    previous = ["model", "notebook", "features", "dataset", "split", "segment_accuracy", "clip_accuracy", "macro_f1",
                "n_params", "fit_time_s", "params", "notes", "timestamp"]
    path.write_text(",".join(previous) + "\nrf,03,summary,toy,artist,,0.8,0.75,30000,3.0,,,2024-01-01T00:00:00\n",
                    encoding="utf-8")
    table = evaluation.read_results(path=path)
    assert table.loc[0, "clip_accuracy"] == 0.8 and pd.isna(table.loc[0, "n_test"])
    assert pd.isna(table.loc[0, "clip_accuracy_low"])
    evaluation.record("cnn", {"clip_accuracy": 0.75}, notebook=5, dataset="toy", split="artist", features="f",
                      n_test=40, path=path)
    table = evaluation.read_results(path=path)
    assert list(table["model"]) == ["rf", "cnn"] and table.loc[1, "n_test"] == 40
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(evaluation.RESULT_COLUMNS)


def test_clip_probabilities_over_other_classes_are_left_out_with_a_warning(tmp_path):
    eight, four = list("abcdefgh"), list("abcd")
    evaluation.save_clip_probabilities("rf", ["t1", "t2"], np.full((2, 8), 1 / 8), classes=eight, dataset="fma_small",
                                       split="official", folder=tmp_path)
    evaluation.save_clip_probabilities("crnn", ["t1", "t2"], np.full((2, 4), 0.25), classes=four, dataset="fma_small",
                                       split="official", folder=tmp_path)
    assert set(evaluation.read_clip_probabilities(dataset="x", split="y", folder=tmp_path)) == {"rf", "crnn"}
    with pytest.warns(UserWarning, match="left out 1 model.*crnn"):
        kept = evaluation.read_clip_probabilities(dataset="x", split="y", folder=tmp_path, classes=eight[::-1])
    assert list(kept) == ["rf"]


def test_a_genre_subset_gets_its_own_dataset_name_in_the_log():
    from mgc_helpers import datasets

    assert datasets.results_name("fma_small", genres="four") == "fma_small (four genres)"
    assert datasets.results_name("fma_small", genres=["Rock", "Folk"]) == "fma_small (Folk, Rock)"
    assert datasets.results_name("gtzan") == "gtzan"
    with pytest.raises(ValueError, match="empty"):
        datasets.results_name("toy", genres=[])
