"""Saved clip probabilities (evaluation) and ensembles of them, checked against hand computations."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mgc_helpers import ensemble, evaluation

CLASSES = ["jazz", "pop", "rock"]


def _save_two(folder):
    # model A: right on t1, t2; wrong on t3 (says pop, truth rock)
    a = np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.1, 0.5, 0.4]])
    # model B: right on t1, t3; wrong on t2 (says rock, truth pop); it has one extra clip t4
    b = np.array([[0.5, 0.1, 0.4], [0.1, 0.4, 0.5], [0.0, 0.2, 0.8], [0.3, 0.3, 0.4]])
    evaluation.save_clip_probabilities("model A", ["t1", "t2", "t3"], a, classes=CLASSES, dataset="toy",
                                       split="artist", y_true=["jazz", "pop", "rock"], folder=folder)
    evaluation.save_clip_probabilities("model/B", ["t1", "t2", "t3", "t4"], b, classes=CLASSES, dataset="toy",
                                       split="artist", folder=folder)
    return a, b


def test_save_and_read_round_trip(tmp_path):
    a, _ = _save_two(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == ["model_A.csv", "model_B.csv"]
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path)
    assert set(probas) == {"model A", "model/B"}
    A = probas["model A"]
    assert list(A.index) == ["t1", "t2", "t3"] and A.attrs["classes"] == CLASSES
    np.testing.assert_allclose(A[CLASSES].to_numpy(), a)
    assert list(A["true"]) == ["jazz", "pop", "rock"]
    assert probas["model/B"]["true"].isna().all()


def test_default_folder_follows_the_cache_root(isolated_cache):
    path = evaluation.save_clip_probabilities("cnn", ["x"], [[0.2, 0.3, 0.5]], classes=CLASSES, dataset="toy",
                                              split="artist")
    assert path == isolated_cache / "results" / "probs" / "toy" / "artist" / "cnn.csv"
    assert list(evaluation.read_clip_probabilities(dataset="toy", split="artist")) == ["cnn"]
    assert evaluation.read_clip_probabilities(dataset="gtzan", split="artist") == {}


def test_save_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="shape"):
        evaluation.save_clip_probabilities("m", ["a", "b"], np.ones((3, 3)), classes=CLASSES, dataset="toy",
                                           split="artist", folder=tmp_path)
    with pytest.raises(ValueError, match="unique"):
        evaluation.save_clip_probabilities("m", ["a", "a"], np.ones((2, 3)), classes=CLASSES, dataset="toy",
                                           split="artist", folder=tmp_path)
    with pytest.raises(ValueError, match="y_true"):
        evaluation.save_clip_probabilities("m", ["a"], np.ones((1, 3)), classes=CLASSES, dataset="toy",
                                           split="artist", y_true=["x", "y"], folder=tmp_path)


def test_average_matches_a_hand_computation(tmp_path):
    a, b = _save_two(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path)
    mean = ensemble.average(probas)
    # common clips t1..t3; (A + B) / 2 by hand
    assert list(mean.index) == ["t1", "t2", "t3"]
    np.testing.assert_allclose(mean[CLASSES].to_numpy(), [[0.6, 0.15, 0.25], [0.1, 0.5, 0.4], [0.05, 0.35, 0.6]])
    assert list(mean["true"]) == ["jazz", "pop", "rock"]   # B has no labels: A's are used
    weighted = ensemble.average(probas, models=["model A", "model/B"], weights=[3, 1])
    np.testing.assert_allclose(weighted[CLASSES].to_numpy(), 0.75 * a + 0.25 * b[:3])
    with pytest.raises(ValueError, match="one weight per model"):
        ensemble.average(probas, weights=[1.0])
    with pytest.raises(ValueError, match="non-negative"):
        ensemble.average(probas, weights=[1.0, -1.0])
    with pytest.raises(KeyError, match="no saved probabilities"):
        ensemble.average(probas, models=["nope"])


def test_compare_shows_the_ensemble_fixing_both_models(tmp_path):
    _save_two(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path)
    table = ensemble.compare(probas)
    # each model gets 2 of 3 clips; the mean gets all 3 (t2: pop 0.5 > rock 0.4; t3: rock 0.6)
    assert table.loc["model A", "clip_accuracy"] == pytest.approx(2 / 3)
    assert table.loc["model/B", "clip_accuracy"] == pytest.approx(2 / 3)
    assert table.loc["mean of all", "clip_accuracy"] == 1.0
    assert table.index[0] == "mean of all" and table.loc["mean of all", "kind"] == "ensemble"
    assert (table["n_clips"] == 3).all()
    wilson = evaluation.accuracy_interval(2, 3)
    assert table.loc["model A", ["clip_accuracy_low", "clip_accuracy_high"]].tolist() == [wilson.low, wilson.high]
    best = ensemble.best_combinations(probas, sizes=(2,))
    assert best.loc[0, "members"] == ("model A", "model/B") and best.loc[0, "clip_accuracy"] == 1.0


def test_align_needs_common_clips_and_labels():
    one = pd.DataFrame({"true": ["a"], "a": [1.0], "b": [0.0]}, index=pd.Index(["x"], name="track_id"))
    two = pd.DataFrame({"true": ["a"], "a": [1.0], "b": [0.0]}, index=pd.Index(["y"], name="track_id"))
    with pytest.raises(ValueError, match="no test clip"):
        ensemble.align({"one": one, "two": two})
    with pytest.raises(ValueError, match="no true labels"):
        ensemble.scores(one.assign(true=np.nan))


def _members(folder, n=60, seed=0):
    """Three models of 60 two-genre clips with known mistakes; their mean fixes the clips where two are right."""
    rng = np.random.default_rng(seed)
    truth = np.array(["jazz", "rock"] * (n // 2))
    ids = [f"c{i:03d}" for i in range(n)]
    out = {}
    for m in range(3):
        right = rng.random(n) < 0.7
        pred = np.where(right, truth, np.where(truth == "jazz", "rock", "jazz"))
        p_jazz = np.where(pred == "jazz", 0.8, 0.2)
        evaluation.save_clip_probabilities(f"m{m}", ids, np.stack([p_jazz, 1 - p_jazz], axis=1),
                                           classes=["jazz", "rock"], dataset="toy", split="artist", y_true=truth,
                                           folder=folder)
        out[f"m{m}"] = pred
    return truth, out


def test_versus_best_member_is_the_paired_test_of_the_mean_against_the_best(tmp_path):
    truth, preds = _members(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path)
    said = ensemble.versus_best_member(probas, n_boot=500)
    table = ensemble.compare(probas)
    best = table[table["kind"] == "model"].index[0]
    assert said.name_b == best and said.name_a == "the mean of 3 models"
    vote = np.where((np.stack(list(preds.values())) == "jazz").sum(axis=0) >= 2, "jazz", "rock")  # the mean, by hand
    assert said.accuracy_a.estimate == pytest.approx(table.loc["mean of all", "clip_accuracy"])
    assert said.accuracy_a.estimate == pytest.approx(np.mean(vote == truth))
    reference = evaluation.mcnemar(truth, vote, preds[best])
    assert (said.test.b, said.test.c, said.test.p_value) == (reference.b, reference.c, reference.p_value)
    assert said.word == ("tied within noise" if reference.p_value >= 0.05 else
                         "ahead" if reference.b > reference.c else "behind")
    assert str(said).startswith("the mean of 3 models is ")
    pair = ensemble.versus_best_member(probas, models=["m0", "m1"], name="m0 + m1", n_boot=500)
    assert pair.name_a == "m0 + m1" and pair.name_b in {"m0", "m1"}


def test_versus_compares_two_models_clip_by_clip(tmp_path):
    truth, preds = _members(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path)
    said = ensemble.versus(probas, "m0", "m2", n_boot=500)
    reference = evaluation.verdict(truth, preds["m0"], preds["m2"], names=("m0", "m2"), n_boot=500)
    assert said == reference
    assert said.accuracy_a.n == len(truth) and said.accuracy_a.estimate == pytest.approx(np.mean(preds["m0"] == truth))
    flipped = ensemble.versus(probas, "m2", "m0", n_boot=500)
    assert (flipped.test.b, flipped.test.c) == (said.test.c, said.test.b)
    with pytest.raises(ValueError, match="two different models"):
        ensemble.versus(probas, "m0", "m0")
    with pytest.raises(KeyError, match="no saved probabilities"):
        ensemble.versus(probas, "m0", "cnn")


def test_versus_best_member_needs_two_labelled_models(tmp_path):
    _members(tmp_path)
    probas = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path)
    with pytest.raises(ValueError, match="at least two"):
        ensemble.versus_best_member(probas, models=["m0"])
    unlabelled = {m: t.assign(true=np.nan) for m, t in probas.items()}
    with pytest.raises(ValueError, match="true labels"):
        ensemble.versus_best_member(unlabelled)


def test_an_ensemble_of_models_with_disjoint_mistakes_is_ahead(tmp_path):
    truth = np.array(["jazz", "rock"] * 30)
    ids = [f"c{i:03d}" for i in range(60)]
    for m in range(3):  # model m is wrong on clips 20m .. 20m + 19 only: the mean is right everywhere
        wrong = (np.arange(60) // 20) == m
        pred = np.where(wrong, np.where(truth == "jazz", "rock", "jazz"), truth)
        p_jazz = np.where(pred == "jazz", 0.9, 0.1)
        evaluation.save_clip_probabilities(f"m{m}", ids, np.stack([p_jazz, 1 - p_jazz], axis=1),
                                           classes=["jazz", "rock"], dataset="toy", split="artist", y_true=truth,
                                           folder=tmp_path)
    said = ensemble.versus_best_member(evaluation.read_clip_probabilities(dataset="toy", split="artist",
                                                                          folder=tmp_path), n_boot=500)
    assert said.word == "ahead" and (said.test.b, said.test.c) == (20, 0) and said.name_b == "m0"
    assert said.test.p_value == pytest.approx(2 * 0.5 ** 20)
    assert said.accuracy_a.estimate == 1.0 and said.difference.estimate == pytest.approx(1 / 3)
