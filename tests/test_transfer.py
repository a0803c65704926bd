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


def test_patch_indices():
    assert transfer.patch_indices(4, n_patches=1).tolist() == [2]
    assert transfer.patch_indices(4, n_patches=2).tolist() == [1, 3]
    assert transfer.patch_indices(3, n_patches=None).tolist() == [0, 1, 2]
    assert transfer.patch_indices(2, n_patches=5).tolist() == [0, 1]
    with pytest.raises(ValueError):
        transfer.patch_indices(0, n_patches=1)
    with pytest.raises(ValueError):
        transfer.patch_indices(4, n_patches=0)


def test_clip_vectors_and_logmel_statistics():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(2, 1506)).astype(np.float32) for _ in range(3)]
    feats = SimpleNamespace(arrays=arrays)
    full = transfer.clip_vectors(feats)
    np.testing.assert_allclose(full, np.stack([a.mean(axis=0) for a in arrays]), rtol=1e-6)
    np.testing.assert_allclose(transfer.clip_vectors(feats, part="mean_pool"), full[:, 753:])
    assert transfer.clip_vectors(feats, part=slice(0, 5)).shape == (3, 5)
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


def test_literature_table():
    table = transfer.literature_table()
    acc = dict(zip(table["system"], table["accuracy"]))
    assert acc["musicnn (MSD) embeddings + SVM"] == pytest.approx(0.772)
    assert acc["Jukebox embeddings + linear probe"] == pytest.approx(0.797)
    assert set(table["source"]) >= {"seed 003", "seed 004", "Pons & Serra 2019"}
    assert table["accuracy"].between(0, 1).all()


def test_scratch_cnn_curve_tiny():
    from mgc_helpers.cache import TrackFeatures

    tracks = _tracks(n_genres=2, per_split=(2, 1))
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(8, 30)).astype(np.float32) + 3 * (g == "g1") for g in tracks["genre"]]
    feats = TrackFeatures(tracks, arrays, {}, {})
    curve = transfer.scratch_cnn_curve(feats, sizes=(2,), steps=2, seconds=0.5, hop_length=1024, seed=0)
    assert curve["n_train"].tolist() == [4] and len(curve) == 1  # one tiny CNN: each costs seconds
    assert curve["clip_accuracy"].between(0, 1).all() and (curve["method"] == "CNN from scratch").all()


@pytest.fixture(scope="module")
def msd_musicnn():
    """One pretrained MSD musicnn for the whole module (building one costs seconds): the one
    :func:`transfer.patch_activations` reads its features from."""
    return transfer._pretrained("MSD_musicnn")


def test_patch_activations_and_top_finetune(msd_musicnn):
    from mgc_helpers.models import musicnn

    y = np.random.default_rng(0).normal(scale=0.1, size=int(6.5 * 16000)).astype(np.float32)
    act = transfer.patch_activations(y, 16000, n_patches=1)
    assert act.shape == (1, 1506) and act.dtype == np.float32
    patch = musicnn.batch_patches(y, 16000)[1:2]  # 2 patches available; the middle one is index 1
    ref = np.asarray(musicnn.feature_model(msd_musicnn, layer="max_pool")(patch))
    np.testing.assert_allclose(act[:, :753], ref, rtol=1e-4, atol=1e-5)
    model = transfer.top_finetune_model(10, base=msd_musicnn)
    trained = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trained == 1506 * 200 + 200 + 200 * 10 + 10
    assert model(act).shape == (1, 10)
    assert np.allclose(np.asarray(model(act)).sum(), 1.0, atol=1e-5)
    frozen = transfer.top_finetune_model(3, train_penultimate=False, base=msd_musicnn)
    assert sum(int(np.prod(w.shape)) for w in frozen.trainable_weights) == 200 * 3 + 3
    assert frozen.get_layer("penultimate_dense") is msd_musicnn.get_layer("penultimate_dense")  # shared layers


def test_track_patch_embeddings(tmp_path):
    import soundfile as sf

    rng = np.random.default_rng(1)
    paths = []
    for i in range(2):
        p = tmp_path / f"clip{i}.wav"
        sf.write(p, rng.normal(scale=0.1, size=3 * 22050 + 100).astype(np.float32), 22050)
        paths.append(str(p))
    tracks = pd.DataFrame({"track_id": ["a", "b"], "genre": ["x", "y"], "split": ["train", "test"], "path": paths})
    feats = transfer.track_patch_embeddings(tracks, layer="pooled", cache=False)  # the net built above
    assert [np.shape(a) for a in feats.arrays] == [(1, 1506), (1, 1506)]
    assert transfer.clip_vectors(feats, part="max_pool").shape == (2, 753)


def test_imagenet_classifier(monkeypatch, capsys):
    model, pretrained = transfer.imagenet_classifier(4, image_size=32, weights=None, head=(8,))
    assert pretrained is False and model.output_shape == (None, 4)
    from mgc_helpers.models import imagenet

    def offline(n_classes, **kw):
        print("Downloading data from https://example.invalid/w.h5")
        print("The ImageNet weights of vgg16 could not be downloaded (offline?), so it starts from random weights.")
        return "model"

    monkeypatch.setattr(imagenet, "build_classifier", offline)
    assert transfer.imagenet_classifier(4, weights="imagenet") == ("model", False)
    out = capsys.readouterr().out
    assert "could not be downloaded" in out and "Downloading" not in out
    monkeypatch.setattr(imagenet, "build_classifier", lambda n, **kw: "m")
    assert transfer.imagenet_classifier(4, weights="imagenet") == ("m", True)
