"""Transfer-learning experiments: pretrained embeddings, small training sets and learning curves.

Taught in notebook 08 (transfer learning). The pretrained networks live in
:mod:`mgc_helpers.models.musicnn` (a music tagger) and :mod:`mgc_helpers.models.imagenet`
(ImageNet backbones); this module holds the *experiments* the notebook runs with them:

- :func:`track_patch_embeddings`: activations of a pretrained musicnn for a few 3-second
  patches of every track, cached on disk (musicnn on a CPU costs about 0.1-0.2 s of CPU per
  patch, so the notebook chooses how many patches per clip it can afford);
- :func:`sample_per_genre`: ``n`` labelled training tracks per genre, at random;
- :func:`embedding_curve` and :func:`scratch_cnn_curve`: clip accuracy on the test artists
  against the number of labelled training tracks per genre (a *learning curve*), for a
  scikit-learn classifier on fixed features and for the course's CNN trained from scratch;
- :func:`top_finetune_model`: fine-tune the top of musicnn (its penultimate dense layer)
  with a new genre head on cached features;
- :func:`literature_table`: published numbers on GTZAN and FMA, with their caveats.

TensorFlow is imported only inside the functions that need it.

References
----------
J. Pons and X. Serra, "musicnn: pre-trained convolutional neural networks for music audio
tagging", ISMIR LBD 2019. R. Castellon, C. Donahue, P. Liang, "Codified audio language
modeling learns useful representations for music information retrieval", ISMIR 2021.
"""
from __future__ import annotations

import functools
import math
import time
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from . import evaluation

if TYPE_CHECKING:  # pragma: no cover
    import keras

    from .cache import TrackFeatures

__all__ = [
    "POOLED_PARTS",
    "patch_indices",
    "patch_activations",
    "track_patch_embeddings",
    "clip_vectors",
    "logmel_statistics",
    "sample_per_genre",
    "subset_features",
    "embedding_curve",
    "scratch_cnn_curve",
    "summarize_curve",
    "plot_learning_curve",
    "top_finetune_model",
    "literature_table",
    "imagenet_classifier",
]

#: Columns of musicnn's ``pooled`` layer (1506 values per patch): max over time, then mean over time.
POOLED_PARTS: dict[str, slice] = {"max_pool": slice(0, 753), "mean_pool": slice(753, 1506)}


# --------------------------------------------------------------------------- embeddings
def patch_indices(n_available: int, *, n_patches: int | None) -> np.ndarray:
    """Which of a clip's ``n_available`` patches to use: ``n_patches`` evenly spread, centred ones.

    Taught in notebook 08. ``n_patches=None`` (or more than available) keeps them all;
    ``n_patches=1`` takes the middle patch (the intro of a song is often untypical).
    """
    if n_available < 1:
        raise ValueError(f"a clip needs at least one patch, got {n_available}")
    if n_patches is None or n_patches >= n_available:
        return np.arange(n_available)
    if n_patches < 1:
        raise ValueError(f"n_patches must be >= 1 or None, got {n_patches}")
    return np.floor((np.arange(n_patches) + 0.5) * n_available / n_patches).astype(int)


@functools.lru_cache(maxsize=2)
def _pretrained(model: str) -> "keras.Model":
    """One frozen pretrained network per process, shared by every feature layer taken from it."""
    from .models import musicnn

    return musicnn.load_musicnn(model)


@functools.lru_cache(maxsize=4)
def _feature_net(model: str, layer: str) -> "keras.Model":
    from .models import musicnn

    return musicnn.feature_model(_pretrained(model), layer=layer)


def patch_activations(
    y: np.ndarray,
    sr: int,
    *,
    model: str = "MSD_musicnn",
    layer: str = "pooled",
    n_patches: int | None = 1,
    batch_size: int = 2,
) -> np.ndarray:
    """Activations of a pretrained musicnn layer for a few 3-second patches of a clip, ``(n_patches, dim)``.

    Taught in notebook 08. ``layer="pooled"`` (musicnn) is the concatenation of
    ``max_pool`` and ``mean_pool`` (:data:`POOLED_PARTS`, 1506 values), the input of the
    network's dense back-end; layers that keep time (or frequency) positions are averaged
    over them. A small ``batch_size`` keeps the memory low (about 60 MB per patch in flight).
    Module level, so :mod:`mgc_helpers.cache` can store its results.
    """
    from .models import musicnn

    patches = musicnn.batch_patches(y, sr)
    patches = patches[patch_indices(len(patches), n_patches=n_patches)]
    net = _feature_net(model, layer)
    out = np.concatenate([np.asarray(net(patches[i:i + batch_size], training=False))
                          for i in range(0, len(patches), batch_size)])
    out = out.reshape(len(patches), -1, out.shape[-1]).mean(axis=1)
    return out.astype(np.float32)


def track_patch_embeddings(
    tracks: pd.DataFrame,
    *,
    model: str = "MSD_musicnn",
    layer: str = "pooled",
    n_patches: int | None = 1,
    cache: bool = True,
    progress: bool = False,
) -> "TrackFeatures":
    """:func:`patch_activations` of every track (audio at 16 kHz), cached on disk like every feature.

    Taught in notebook 08. Runs in this process (``n_jobs=1``): TensorFlow already uses
    every core, and each extra worker would load its own copy of TensorFlow (~700 MB).
    The musicnn weights are fetched first (through pip, once).

    Returns
    -------
    mgc_helpers.cache.TrackFeatures
        ``arrays[i]`` has shape ``(n_patches, dim)``; see :func:`clip_vectors`.
    """
    from . import cache as _cache
    from .models import musicnn

    musicnn.fetch_weights(quiet=not progress)
    return _cache.track_features(tracks, kind=patch_activations, sr=musicnn.SR, n_jobs=1, cache=cache,
                                 progress=progress, model=model, layer=layer, n_patches=n_patches)


def clip_vectors(feats: Any, *, part: str | slice | None = None) -> np.ndarray:
    """One vector per track: the mean of its patches' activations, ``(n_tracks, dim)``.

    Taught in notebook 08. ``part`` selects columns: a name of :data:`POOLED_PARTS`
    (e.g. ``"max_pool"``), a slice, or ``None`` (all).
    """
    cols = POOLED_PARTS[part] if isinstance(part, str) else (part if part is not None else slice(None))
    return np.stack([np.asarray(a, dtype=np.float32).reshape(-1, np.shape(a)[-1]).mean(axis=0)[cols]
                     for a in feats.arrays])


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
    from . import cache, training
    from .models import cnn

    classes = sorted(feats.tracks["genre"].unique())
    frames = cache.seconds_to_frames(seconds, hop_length=hop_length)
    n_bands = int(np.shape(feats.arrays[0])[0])
    rows = []
    for n in sizes:
        for r in range(repeats):
            start = time.perf_counter()
            train_ids = sample_per_genre(feats.tracks, n, seed=seed + r)["track_id"]
            train = subset_features(feats, train_ids)
            scaler = training.Standardizer().fit(train.arrays)
            data = training.eval_segments(train, split="train", frames=frames, hop=max(1, frames // 2),
                                          classes=classes, standardizer=scaler)
            test = training.eval_segments(feats, split="test", frames=frames, classes=classes, standardizer=scaler)
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


# --------------------------------------------------------------------------- fine-tuning the top
def top_finetune_model(
    n_classes: int,
    *,
    model: str = "MSD_musicnn",
    dropout: float = 0.5,
    train_penultimate: bool = True,
    base: "keras.Model | None" = None,
) -> "keras.Model":
    """musicnn's pretrained back-end (from the ``pooled`` features) with a new softmax head.

    Taught in notebook 08. Input: the 1506 ``pooled`` values of a patch
    (:func:`patch_activations`, cached), so training never runs the expensive convolutional
    front-end: ``backend_bn`` (frozen) -> dropout -> ``penultimate_dense`` (200 ReLU units,
    pretrained, fine-tuned when ``train_penultimate``) -> ``penultimate`` batch norm
    (frozen) -> dropout -> new ``genre`` layer. Fine-tuning the whole network is the same
    idea with :func:`mgc_helpers.models.musicnn.transfer_classifier` (``trainable=True``),
    but each step then costs the front-end's forward and backward pass.

    ``base`` (keyword-only) is an already loaded :func:`mgc_helpers.models.musicnn.load_musicnn`
    of the same ``model`` to take the layers from (they are then *shared* with it, and
    ``train_penultimate`` sets its dense layer's ``trainable`` flag); ``None`` loads a fresh one.
    """
    import keras
    from keras import layers

    from .models import musicnn

    base = musicnn.load_musicnn(model) if base is None else base
    width = base.get_layer("pooled").output.shape[-1]
    x_in = keras.Input(shape=(width,), name="pooled")
    x = base.get_layer("backend_bn")(x_in, training=False)
    x = layers.Dropout(dropout, name="head_dropout1")(x)
    dense = base.get_layer("penultimate_dense")
    dense.trainable = bool(train_penultimate)
    x = base.get_layer("penultimate")(dense(x), training=False)
    x = layers.Dropout(dropout, name="head_dropout2")(x)
    out = layers.Dense(int(n_classes), activation="softmax", name="genre")(x)
    return keras.Model(x_in, out, name=f"{model}_top_finetune")


# --------------------------------------------------------------------------- literature
_LITERATURE = [
    ("CNN trained from scratch (Pons & Serra's baseline)", "GTZAN fault-filtered", "test", 0.54,
     "Pons & Serra 2019", "same split as the rows below"),
    ("musicnn (MSD) embeddings + SVM", "GTZAN fault-filtered", "test", 0.772, "Pons & Serra 2019",
     "the recipe of this notebook"),
    ("VGGish (AudioSet) embeddings + SVM", "GTZAN fault-filtered", "test", 0.776, "Pons & Serra 2019", ""),
    ("Jukebox embeddings + linear probe", "GTZAN fault-filtered", "test", 0.797, "Castellon et al. 2021",
     "a 5-billion-parameter generative model"),
    ("best known result", "GTZAN fault-filtered", "test", 0.821, "as cited by Castellon et al. 2021", ""),
    ("VGG16 (ImageNet), fine-tuned", "GTZAN, random split", "validation", 0.75, "seed 003",
     "songs, not artists, split: optimistic"),
    ("ResNet34 (ImageNet), cyclic LR", "GTZAN, random split", "validation", 0.79, "seed 003",
     "validation = model selection: optimistic"),
    ("VGG16 (ImageNet), two-phase", "FMA small, 8 genres", "validation", 0.559, "seed 004",
     "a harder, different dataset"),
]


def literature_table() -> pd.DataFrame:
    """Published accuracies with their dataset, split and source (not comparable with the toy numbers).

    Taught in notebook 08. The "fault-filtered" GTZAN split (Kereliuk, Sturm & Larsen 2015)
    removes repeated songs and keeps artists apart; random splits of GTZAN put songs of the
    same artist (and even repeated excerpts) on both sides and score higher.
    """
    return pd.DataFrame(_LITERATURE, columns=["system", "dataset", "split", "accuracy", "source", "caveat"])


# --------------------------------------------------------------------------- the ImageNet route
def imagenet_classifier(
    n_classes: int,
    *,
    backbone: str = "vgg16",
    image_size: int = 64,
    weights: str | None = "imagenet",
    head: Sequence[int] = (256, 128, 64),
) -> tuple["keras.Model", bool]:
    """:func:`mgc_helpers.models.imagenet.build_classifier` on square images, and whether it is really pretrained.

    Taught in notebook 08. Returns ``(model, pretrained)``: ``pretrained`` is ``False``
    when ``weights`` is ``None`` or the ImageNet weights could not be downloaded (offline:
    :func:`~mgc_helpers.models.imagenet.load_backbone` then says so in one sentence and
    starts from random weights), so a notebook can skip training that would not transfer.
    """
    import contextlib
    import io

    from .models import imagenet

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        model = imagenet.build_classifier(n_classes, backbone=backbone, input_shape=(image_size, image_size, 3),
                                          weights=weights, head=tuple(head))
    said = buffer.getvalue()
    if said:
        print(said.strip().splitlines()[-1])  # keras' "Downloading data from ..." line is left out
    return model, weights == "imagenet" and "could not be downloaded" not in said
