"""Transfer-learning experiments: pretrained embeddings, small training sets and learning curves.

Taught in notebook 08 (transfer learning). The pretrained networks live in
:mod:`mgc_helpers.models.musicnn` (a music tagger: its embeddings, ``track_embeddings``, and
its new genre heads, ``transfer_classifier``) and :mod:`mgc_helpers.models.imagenet`
(ImageNet backbones, ``imagenet_classifier``); the published numbers in
:mod:`mgc_helpers.literature`. This module holds the *experiments* the notebook runs with them:

- :func:`logmel_statistics`: per-band log-mel statistics, the "no pretraining" features;
- :func:`sample_per_genre`, :func:`subset_features`: ``n`` labelled training tracks per genre;
- :func:`embedding_curve` and :func:`scratch_cnn_curve`: clip accuracy on the test artists
  against the number of labelled training tracks per genre (a *learning curve*), for a
  scikit-learn classifier on fixed features and for the course's CNN trained from scratch;
- :func:`summarize_curve`, :func:`plot_learning_curve`: the curves' table and picture.

TensorFlow is imported only inside the functions that need it.

References
----------
J. Pons and X. Serra, "musicnn: pre-trained convolutional neural networks for music audio
tagging", ISMIR LBD 2019. R. Castellon, C. Donahue, P. Liang, "Codified audio language
modeling learns useful representations for music information retrieval", ISMIR 2021.
"""
from __future__ import annotations

import math
import time
from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import evaluation

__all__ = [
    "logmel_statistics",
    "sample_per_genre",
    "subset_features",
    "embedding_curve",
    "scratch_cnn_curve",
    "summarize_curve",
    "plot_learning_curve",
]


# --------------------------------------------------------------------------- features without pretraining
def logmel_statistics(feats: Any) -> np.ndarray:
    """Mean and standard deviation over time of every band of each track's log-mel, ``(n_tracks, 2 * n_bands)``.

    Taught in notebook 08: the "no pretraining" features of the learning curve (the
    same classifier as on the embeddings, on features that nothing was learned for).
    """
    return np.stack([np.concatenate([np.asarray(a, np.float32).mean(axis=1), np.asarray(a, np.float32).std(axis=1)])
                     for a in feats.arrays])


# --------------------------------------------------------------------------- small training sets
def sample_per_genre(tracks: pd.DataFrame, n_per_genre: int, *, seed: int = 0, split: str = "train") -> pd.DataFrame:
    """``n_per_genre`` random tracks of every genre from one split (all of them if a genre has fewer).

    Taught in notebook 08 (how many labelled examples do we need?).
    """
    if n_per_genre < 1:
        raise ValueError(f"n_per_genre must be >= 1, got {n_per_genre}")
    pool = tracks[tracks["split"] == split]
    rng = np.random.default_rng(seed)
    picks = [g.iloc[np.sort(rng.permutation(len(g))[:n_per_genre])] for _, g in pool.groupby("genre", sort=True)]
    return pd.concat(picks) if picks else pool.iloc[:0]


def subset_features(feats: Any, track_ids: Sequence[str]) -> Any:
    """The rows of a :class:`mgc_helpers.cache.TrackFeatures` whose ``track_id`` is in ``track_ids``.

    Taught in notebook 08.
    """
    from .cache import TrackFeatures

    keep = np.flatnonzero(np.isin(feats.tracks["track_id"].astype(str), np.asarray(track_ids, dtype=str)))
    return TrackFeatures(feats.tracks.iloc[keep].reset_index(drop=True), [feats.arrays[i] for i in keep],
                         dict(getattr(feats, "failures", {})), dict(getattr(feats, "params", {})))


def _curve_row(method: str, n: int, repeat: int, n_train: int, acc: float, seconds: float) -> dict[str, Any]:
    return {"method": method, "n_per_genre": int(n), "repeat": int(repeat), "n_train": int(n_train),
            "clip_accuracy": float(acc), "seconds": round(float(seconds), 3)}


def embedding_curve(
    X: np.ndarray,
    tracks: pd.DataFrame,
    *,
    estimator: Any,
    sizes: Sequence[int],
    repeats: int = 5,
    seed: int = 0,
    method: str = "embedding",
    train_split: str = "train",
    test_split: str = "test",
) -> pd.DataFrame:
    """Learning curve of a scikit-learn classifier on one feature vector per track.

    Taught in notebook 08. For every size ``n`` and repeat ``r``, a fresh clone of
    ``estimator`` is fitted on :func:`sample_per_genre` ``(n, seed=seed + r)`` of the
    training tracks and scored on **all** the test tracks (one vector per clip, so its
    accuracy is the clip accuracy).

    Parameters
    ----------
    X : numpy.ndarray, shape (n_tracks, dim)
        Rows aligned with ``tracks``.
    tracks : pandas.DataFrame
        ``track_id``, ``genre``, ``split``.
    estimator : sklearn estimator, keyword-only
    sizes : sequence of int, keyword-only
        Labelled training tracks per genre.
    repeats : int, keyword-only
        Random draws per size (their spread shows how lucky a small training set can be).

    Returns
    -------
    pandas.DataFrame
        Columns ``method``, ``n_per_genre``, ``repeat``, ``n_train``, ``clip_accuracy``, ``seconds``.
    """
    from sklearn.base import clone

    X = np.asarray(X)
    if len(X) != len(tracks):
        raise ValueError(f"X has {len(X)} rows but tracks has {len(tracks)}")
    tracks = tracks.reset_index(drop=True)
    test = np.flatnonzero(tracks["split"].to_numpy() == test_split)
    rows = []
    for n in sizes:
        for r in range(repeats):
            start = time.perf_counter()
            train = sample_per_genre(tracks, n, seed=seed + r, split=train_split).index.to_numpy()
            clf = clone(estimator).fit(X[train], tracks["genre"].to_numpy()[train])
            acc = evaluation.accuracy(tracks["genre"].to_numpy()[test], clf.predict(X[test]))
            rows.append(_curve_row(method, n, r, len(train), acc, time.perf_counter() - start))
    return pd.DataFrame(rows)


def scratch_cnn_curve(
    feats: Any,
    *,
    sizes: Sequence[int],
    steps: int = 60,
    repeats: int = 1,
    seconds: float = 3.0,
    hop_length: int = 1024,
    lr: float = 3e-3,
    batch_size: int = 32,
    seed: int = 0,
    method: str = "CNN from scratch",
) -> pd.DataFrame:
    """Learning curve of the course's recommended CNN (notebook 05) trained from scratch on log-mel crops.

    Taught in notebook 08. For every size ``n``: the model is trained on the 3-second
    segments (half-overlapping) of :func:`sample_per_genre` ``(n)`` training tracks for a
    fixed budget of ``steps`` gradient steps (the same for every size, so a small training
    set is seen for more epochs), standardised with statistics of those tracks only, and
    scored on every test clip (mean-probability vote over its segments).

    Parameters
    ----------
    feats : mgc_helpers.cache.TrackFeatures
        Log-mel features (``kind="logmel"``) of at least the train and test tracks.
    sizes : sequence of int, keyword-only
    steps : int, keyword-only
        Gradient steps per model (CPU budget: ~5 ms of CPU per segment and step on 64x65 crops).
    seconds, hop_length : float, int, keyword-only
        Segment length and the features' hop (to convert seconds into frames).

    Returns
    -------
    pandas.DataFrame
        As :func:`embedding_curve`.
    """
    from . import features, segments, training
    from .models import cnn

    classes = sorted(feats.tracks["genre"].unique())
    frames = features.seconds_to_frames(seconds, hop_length=hop_length)
    n_bands = int(np.shape(feats.arrays[0])[0])
    rows = []
    for n in sizes:
        for r in range(repeats):
            start = time.perf_counter()
            train_ids = sample_per_genre(feats.tracks, n, seed=seed + r)["track_id"]
            train = subset_features(feats, train_ids)
            scaler = segments.Standardizer().fit(train.arrays)
            data = segments.eval_segments(train, split="train", frames=frames, hop=max(1, frames // 2),
                                          classes=classes, standardizer=scaler)
            test = segments.eval_segments(feats, split="test", frames=frames, classes=classes, standardizer=scaler)
            epochs = max(1, math.ceil(steps / math.ceil(len(data) / batch_size)))
            model = cnn.recommended_cnn((n_bands, frames, 1), len(classes))
            result = training.fit(model, (data.X, data.y), epochs=epochs, patience=epochs, lr=lr,
                                  batch_size=batch_size, seed=seed + r)
            acc = training.evaluate(result.model, test, classes=classes)["clip_accuracy"]
            rows.append(_curve_row(method, n, r, train.tracks.shape[0], acc, time.perf_counter() - start))
    return pd.DataFrame(rows)


def summarize_curve(curve: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and number of repeats of the clip accuracy per method and size.

    Taught in notebook 08.
    """
    return (curve.groupby(["method", "n_per_genre"])["clip_accuracy"]
            .agg(mean="mean", std="std", repeats="count").reset_index())


def plot_learning_curve(curve: pd.DataFrame, *, ax: Any = None, chance: float | None = None,
                        title: str = "Learning curve (test artists)") -> Any:
    """Clip accuracy against labelled training tracks per genre, one line (mean +- std) per method.

    Taught in notebook 08. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for method, g in summarize_curve(curve).groupby("method", sort=False):
        ax.errorbar(g["n_per_genre"], g["mean"], yerr=g["std"].fillna(0.0), marker="o", capsize=3, label=method)
    if chance is not None:
        ax.axhline(chance, color="grey", ls=":", label="chance")
    ax.set(xlabel="labelled training tracks per genre", ylabel="clip accuracy", ylim=(0, 1.02), title=title)
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.legend(loc="lower right", fontsize=8)
    return ax
