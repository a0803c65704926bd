"""Tests of mgc_helpers.transfer (notebook 08)."""
from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from mgc_helpers import transfer  # noqa: E402


def _tracks(n_genres=3, per_split=(4, 2), seed=0):
    rows = []
    for g in range(n_genres):
        for split, n in zip(("train", "test"), per_split):
            for i in range(n):
                rows.append({"track_id": f"g{g}.{split}{i}", "genre": f"g{g}", "split": split,
                             "artist": f"g{g}_{split}"})
    return pd.DataFrame(rows)


def test_logmel_statistics():
    rng = np.random.default_rng(0)
    mel = SimpleNamespace(arrays=[rng.normal(size=(4, 10)) for _ in range(2)])
    stats = transfer.logmel_statistics(mel)
    np.testing.assert_allclose(stats[1], np.r_[mel.arrays[1].mean(1), mel.arrays[1].std(1)], rtol=1e-5)


def test_sample_per_genre():
    tracks = _tracks()
    sub = transfer.sample_per_genre(tracks, 2, seed=1)
    assert (sub["split"] == "train").all()
    assert sub.groupby("genre").size().tolist() == [2, 2, 2]
    assert sub.index.tolist() == transfer.sample_per_genre(tracks, 2, seed=1).index.tolist()
    assert len(transfer.sample_per_genre(tracks, 10)) == 12  # fewer available: all of them
    assert len(transfer.sample_per_genre(tracks, 1, split="test")) == 3
    with pytest.raises(ValueError):
        transfer.sample_per_genre(tracks, 0)


def test_subset_features():
    tracks = _tracks()
    from mgc_helpers.cache import TrackFeatures

    feats = TrackFeatures(tracks, [np.full((2, 3), i) for i in range(len(tracks))], {}, {"kind": "x"})
    sub = transfer.subset_features(feats, ["g1.train0", "g0.test1"])
    assert sub.tracks["track_id"].tolist() == ["g0.test1", "g1.train0"]
    assert [int(a[0, 0]) for a in sub.arrays] == [5, 6]
    assert sub.params == {"kind": "x"}


def test_embedding_curve_summary_and_plot():
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    tracks = _tracks(per_split=(5, 3))
    codes = tracks["genre"].str[1].astype(int).to_numpy()
    X = np.eye(3)[codes] * 10 + np.random.default_rng(0).normal(scale=0.1, size=(len(tracks), 3))
    curve = transfer.embedding_curve(X, tracks, estimator=KNeighborsClassifier(1), sizes=(1, 3), repeats=2,
                                     method="knn")
    assert curve.columns.tolist() == ["method", "n_per_genre", "repeat", "n_train", "clip_accuracy", "seconds"]
    assert curve["n_train"].tolist() == [3, 3, 9, 9]
    assert (curve["clip_accuracy"] == 1.0).all()
    noise = transfer.embedding_curve(np.zeros_like(X), tracks, estimator=LogisticRegression(), sizes=(2,), repeats=1)
    assert noise["clip_accuracy"].iloc[0] == pytest.approx(1 / 3)
    summary = transfer.summarize_curve(pd.concat([curve, noise]))
    assert summary.loc[summary["method"] == "knn", "repeats"].tolist() == [2, 2]
    ax = transfer.plot_learning_curve(pd.concat([curve, noise]), chance=1 / 3)
    assert len(ax.get_legend().get_texts()) == 3 and ax.get_xlabel().startswith("labelled")
    with pytest.raises(ValueError):
        transfer.embedding_curve(X[:3], tracks, estimator=LogisticRegression(), sizes=(1,))


def test_scratch_cnn_curve_tiny():
    from mgc_helpers.cache import TrackFeatures

    tracks = _tracks(n_genres=2, per_split=(2, 1))
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(8, 30)).astype(np.float32) + 3 * (g == "g1") for g in tracks["genre"]]
    feats = TrackFeatures(tracks, arrays, {}, {})
    curve = transfer.scratch_cnn_curve(feats, sizes=(2,), steps=2, seconds=0.5, hop_length=1024, seed=0)
    assert curve["n_train"].tolist() == [4] and len(curve) == 1  # one tiny CNN: each costs seconds
    assert curve["clip_accuracy"].between(0, 1).all() and (curve["method"] == "CNN from scratch").all()


def test_the_moved_names_are_gone():
    """One home each: embeddings and heads in models.musicnn, the ImageNet classifier in models.imagenet,
    the published numbers in literature."""
    for name in ("patch_indices", "patch_activations", "track_patch_embeddings", "clip_vectors", "POOLED_PARTS",
                 "top_finetune_model", "literature_table", "imagenet_classifier"):
        assert not hasattr(transfer, name) and name not in transfer.__all__
