"""The genre app: train or load a model, then classify a toy clip or your own song (seed 000's GUI).

Taught in notebook 10. Seed 000 built a small GUI to choose a model, train it (with a live
loss/accuracy graph) or load saved weights, and predict the genre of a new song. This
module rebuilds it in two layers:

**Plain functions** (unit-tested without a browser):

- :class:`GenreModel`: a trained network *plus* everything needed to use it on new audio
  (its feature settings, the training-split :class:`~mgc_helpers.training.Standardizer`,
  the class names); :func:`train_model` trains one of :data:`MODEL_KINDS` on a dataset,
  :func:`save_model` / :func:`load_model` write and read it in the cache
  (``<cache root>/models/<name>.keras``, Keras' native format, and ``<name>.json`` beside it);
- :func:`decode_upload` turns an uploaded file's bytes into samples through
  :func:`mgc_helpers.audio.load`, and :func:`check_clip` refuses clips that are too short
  or silent, with an :class:`AppError` whose message starts with ``"Could not"``;
- :func:`predict_clip` / :func:`predict_file` cut a clip into 3-second segments, classify
  each, and average their probabilities (the clip's genre); every segment's own vote is
  kept (:class:`Prediction`).

**A thin widget layer**, :func:`genre_app` (ipywidgets 7 and 8). Its CSS classes are a
contract with the browser test: the root ``mgc-genre-app``, the model dropdown
``mgc-app-model``, the clip dropdown ``mgc-app-clip``, the upload ``mgc-app-upload``, the
buttons ``mgc-app-predict`` and ``mgc-app-train``, and the result area ``mgc-app-result``
(which shows ``Predicted genre: <genre>`` or a message starting with ``Could not``).

TensorFlow is imported only by the functions that train, load or run a network.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from . import audio, cache, config, evaluation

__all__ = [
    "MODEL_KINDS",
    "AUDIO_EXTENSIONS",
    "AppError",
    "GenreModel",
    "Prediction",
    "decode_upload",
    "check_clip",
    "predict_clip",
    "predict_file",
    "train_model",
    "models_dir",
    "save_model",
    "load_model",
    "saved_models",
    "load_or_train",
    "log_model",
    "plot_prediction",
    "genre_app",
]

#: File types offered by the upload button (soundfile reads them all; others are tried too).
AUDIO_EXTENSIONS = (".wav", ".mp3", ".ogg", ".flac")
#: Version of the JSON written by :func:`save_model`.
BUNDLE_FORMAT = 1


@dataclass(frozen=True)
class _Kind:
    """How one model kind turns audio into network inputs, and how it is built and trained."""

    features: dict[str, Any]
    lr: float
    schedule: str | None
    epochs: int
    crops_per_track: int = 4
    batch_size: int = 32
    description: str = ""


#: The models the app offers: log-mel CNN (notebook 05), MFCC GRU (06), log-mel CRNN (07),
#: musicnn embeddings with a fine-tuned head (08). Values: feature settings and training recipe.
MODEL_KINDS: dict[str, _Kind] = {
    "CNN": _Kind({"kind": "logmel", "n_mels": 64, "hop_length": 1024}, lr=0.02, schedule="1cycle", epochs=8,
                 description="the recommended CNN of notebook 05 (8/16/32 filters)"),
    "GRU": _Kind({"kind": "mfcc", "n_mfcc": 20, "n_mels": 64, "hop_length": 1024}, lr=5e-3, schedule=None,
                 epochs=8, description="seed 003's GRU on MFCCs (notebook 06)"),
    "CRNN": _Kind({"kind": "logmel", "n_mels": 64, "hop_length": 1024}, lr=0.01, schedule="1cycle", epochs=8,
                  description="seed 001's CRNN, toy variant (notebook 07)"),
    "musicnn transfer": _Kind({"kind": "musicnn", "model": "MSD_musicnn", "layer": "pooled", "n_patches": 1},
                              lr=1e-3, schedule=None, epochs=30,
                              description="pretrained musicnn + fine-tuned head (notebook 08)"),
}


class AppError(ValueError):
    """A clip or file the app cannot classify; the message starts with ``"Could not"``.

    Taught in notebook 10. The app shows the message instead of a traceback.
    """


# --------------------------------------------------------------------------- the model bundle
@dataclass
class GenreModel:
    """A trained genre network and what it needs to classify new audio.

    Taught in notebook 10.

    Attributes
    ----------
    kind : str
        A key of :data:`MODEL_KINDS`.
    model : keras.Model
        Input: one segment's features; output: softmax over ``classes``.
    classes : list of str
    features : dict
        Feature settings (``kind`` = ``"logmel"``, ``"mfcc"`` or ``"musicnn"``, and its parameters).
    standardizer : mgc_helpers.training.Standardizer or None
        Per-band statistics of the training split (``None`` for musicnn embeddings).
    segment_seconds : float
        Length of the segments the network classifies.
    info : dict
        Where it comes from: ``dataset``, ``epochs``, ``seconds``, test ``clip_accuracy``...
    """

    kind: str
    model: Any
    classes: list[str]
    features: dict[str, Any]
    standardizer: Any = None
    segment_seconds: float = 3.0
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def sr(self) -> int:
        """Sample rate the audio is loaded at (16 kHz for musicnn, else 22,050 Hz)."""
        if self.features["kind"] == "musicnn":
            from .models import musicnn

            return int(musicnn.SR)
        return int(config.SAMPLE_RATE)

    @property
    def frames(self) -> int:
        """Feature frames per segment (spectrogram kinds)."""
        return cache.seconds_to_frames(self.segment_seconds, sr=self.sr, hop_length=self.features["hop_length"])

    def feature_params(self) -> dict[str, Any]:
        """Keyword arguments of the feature function (``features`` without ``kind``)."""
        return {k: v for k, v in self.features.items() if k != "kind"}


@dataclass
class Prediction:
    """What the app predicts for one clip.

    Taught in notebook 10.

    Attributes
    ----------
    genre : str
        Arg-max of the mean segment probability.
    probabilities : pandas.Series
        Mean probability of every genre over the segments (sums to 1).
    segment_proba : numpy.ndarray, shape (n_segments, n_classes)
    segment_starts : numpy.ndarray
        Start of every segment in seconds.
    classes : list of str
    """

    genre: str
    probabilities: pd.Series
    segment_proba: np.ndarray
    segment_starts: np.ndarray
    classes: list[str]

    @property
    def votes(self) -> pd.Series:
        """The genre each segment votes for (its arg-max), indexed by segment start (s)."""
        return pd.Series(np.asarray(self.classes)[np.argmax(self.segment_proba, axis=1)],
                         index=pd.Index(np.round(self.segment_starts, 2), name="start_s"), name="vote")

    @property
    def vote_counts(self) -> pd.Series:
        """Number of segments voting for each genre (every genre, most votes first)."""
        counts = self.votes.value_counts().reindex(self.classes, fill_value=0)
        return counts.sort_values(ascending=False, kind="stable").rename("segments")

    def summary(self) -> str:
        """One line: the genre, its probability and the segment votes."""
        votes = ", ".join(f"{g} {n}" for g, n in self.vote_counts.items() if n)
        return (f"Predicted genre: {self.genre} ({self.probabilities[self.genre]:.0%}); "
                f"segment votes: {votes} (of {len(self.segment_starts)})")


# --------------------------------------------------------------------------- audio in, checked
def decode_upload(data: bytes, *, name: str = "upload", sr: int | None = config.SAMPLE_RATE) -> tuple[np.ndarray, int]:
    """Decode an uploaded file's bytes into mono samples with :func:`mgc_helpers.audio.load`.

    Taught in notebook 10. The bytes are written to a temporary file (keeping the name's
    extension, which helps the decoders) and loaded at ``sr``: WAV, FLAC, OGG and MP3 work;
    stereo is averaged and any sample rate is resampled.

    Raises
    ------
    AppError
        ``"Could not read this file: ..."`` when the bytes are empty or not audio.
    """
    if not data:
        raise AppError(f"Could not read this file: '{name}' is empty (0 bytes).")
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix and len(suffix) <= 6 else ".bin"
    with tempfile.TemporaryDirectory(prefix="mgc-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(bytes(data))
        try:
            return audio.load(path, sr=sr)
        except audio.AudioLoadError as exc:
            raise AppError(f"Could not read this file: '{name}'{_reason(exc.reason, path)}") from None
        except (ValueError, RuntimeError, OSError, EOFError) as exc:
            raise AppError(f"Could not read this file: '{name}' is not audio we can decode ({exc}).") from None


def _reason(reason: str, path: Path | None = None) -> str:
    """``": <reason>"`` with the temporary file's path (meaningless to the user) left out."""
    reason = reason.strip()
    if path is not None:
        reason = reason.replace(f" '{path}'", "").replace(str(path), "the file")
    return f": {reason}"


def check_clip(y: np.ndarray, sr: int, *, min_seconds: float = 3.0, silence_db: float = -60.0) -> None:
    """Refuse clips the models cannot classify: shorter than one segment, or silent.

    Taught in notebook 10.

    Raises
    ------
    AppError
        ``"Could not classify this clip: ..."`` saying what is wrong.
    """
    y = np.asarray(y)
    seconds = y.shape[-1] / float(sr) if y.size else 0.0
    if seconds < min_seconds:
        raise AppError(f"Could not classify this clip: it lasts {seconds:.2f} s, but the models need at least "
                       f"{min_seconds:g} s of audio (one segment).")
    if audio.is_silent(y, threshold_db=silence_db):
        raise AppError(f"Could not classify this clip: it is silent (level {audio.rms_db(y):.0f} dBFS, below "
                       f"{silence_db:g} dBFS).")


# --------------------------------------------------------------------------- predicting
def _segment_inputs(bundle: GenreModel, y: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray]:
    """Network inputs of every segment of a clip and their start times (s)."""
    if sr != bundle.sr:
        import librosa

        y = librosa.resample(np.asarray(y, dtype=np.float32), orig_sr=sr, target_sr=bundle.sr,
                             res_type=audio.RES_TYPE)
        sr = bundle.sr
    kind = bundle.features["kind"]
    if kind == "musicnn":
        from . import transfer
        from .models import musicnn

        params = {k: v for k, v in bundle.feature_params().items() if k != "n_patches"}
        X = transfer.patch_activations(y, sr, n_patches=None, **params)
        step = musicnn.N_FRAMES * musicnn.HOP_LENGTH / musicnn.SR
        return X, np.arange(len(X)) * step
    from . import training

    A = cache.FEATURE_KINDS[kind](y, sr, **bundle.feature_params())
    one = cache.TrackFeatures(pd.DataFrame({"track_id": ["clip"], "genre": [bundle.classes[0]], "split": ["clip"]}),
                              [A], {})
    hop = max(1, bundle.frames // 2)  # half-overlapping segments: more votes per clip
    data = training.eval_segments(one, split="clip", frames=bundle.frames, hop=hop, classes=bundle.classes,
                                  standardizer=bundle.standardizer)
    step = hop * bundle.features["hop_length"] / sr
    return data.X, np.arange(len(data)) * step


def predict_clip(bundle: GenreModel, y: np.ndarray, sr: int) -> Prediction:
    """Classify a clip: every segment, then the mean of their probabilities.

    Taught in notebook 10.

    Parameters
    ----------
    bundle : GenreModel
    y, sr
        Mono samples and their rate (resampled to the model's rate if needed).

    Returns
    -------
    Prediction

    Raises
    ------
    AppError
        The clip is too short or silent (:func:`check_clip`).
    """
    check_clip(y, sr, min_seconds=bundle.segment_seconds)
    from . import training

    X, starts = _segment_inputs(bundle, y, sr)
    proba = training.predict_proba(bundle.model, X)
    mean = proba.mean(axis=0)
    probabilities = pd.Series(mean / mean.sum(), index=bundle.classes, name="probability")
    return Prediction(str(bundle.classes[int(np.argmax(mean))]), probabilities, proba, starts, list(bundle.classes))


def predict_file(bundle: GenreModel, source: str | os.PathLike | tuple[str, bytes]) -> tuple[Prediction, np.ndarray]:
    """Load (or decode) a file and classify it; returns the prediction and the samples.

    Taught in notebook 10. ``source`` is a path or an uploaded ``(name, bytes)`` pair
    (:func:`mgc_helpers.widgets.uploaded_files`).

    Raises
    ------
    AppError
        Unreadable, too short or silent audio; the message starts with ``"Could not"``.
    """
    if isinstance(source, tuple):
        name, data = source
        y, sr = decode_upload(data, name=name, sr=bundle.sr)
    else:
        try:
            y, sr = audio.load(source, sr=bundle.sr)
        except audio.AudioLoadError as exc:
            raise AppError(f"Could not read this file: '{Path(source).name}'{_reason(exc.reason)}") from None
    return predict_clip(bundle, y, sr), y


# --------------------------------------------------------------------------- training
def _build(kind: str, input_shape: tuple[int, ...], n_classes: int) -> Any:
    if kind == "CNN":
        from .models import cnn

        return cnn.recommended_cnn(input_shape, n_classes, filters=(8, 16, 32))
    if kind == "GRU":
        from .models import rnn

        return rnn.gru_seed003(input_shape, n_classes, units=32, dense_units=32)
    if kind == "CRNN":
        from .models import crnn

        return crnn.crnn_seed001(input_shape, n_classes, **crnn.TOY_OPTIONS)
    raise KeyError(f"unknown model kind {kind!r}; choose one of {list(MODEL_KINDS)}")


def train_model(
    kind: str,
    tracks: pd.DataFrame,
    *,
    dataset: str = "toy",
    epochs: int | None = None,
    live_plot: Any = False,
    seed: int = 0,
) -> tuple[GenreModel, dict[str, Any]]:
    """Train one of :data:`MODEL_KINDS` on the ``train`` split, validate on ``valid``, score on ``test``.

    Taught in notebook 10, with the recipes of notebooks 05–08 (:func:`mgc_helpers.training.fit`:
    random 3-second crops, training-split standardisation, early stopping on the
    validation loss). Features come from the cache.

    Parameters
    ----------
    kind : str
        A key of :data:`MODEL_KINDS`.
    tracks : pandas.DataFrame
        :func:`mgc_helpers.datasets.load_tracks` output (``path``, ``genre``, ``split``...).
    dataset : str, keyword-only
        Its name (kept in ``info``).
    epochs : int, optional, keyword-only
        Default: the kind's.
    live_plot : bool or LivePlot, keyword-only
        As :func:`mgc_helpers.training.fit`.
    seed : int, keyword-only

    Returns
    -------
    model : GenreModel
    scores : dict
        :func:`mgc_helpers.training.evaluate` on the test split.
    """
    from . import training

    if kind not in MODEL_KINDS:
        raise KeyError(f"unknown model kind {kind!r}; choose one of {list(MODEL_KINDS)}")
    spec = MODEL_KINDS[kind]
    epochs = int(epochs or spec.epochs)
    classes = sorted(tracks["genre"].unique())
    if spec.features["kind"] == "musicnn":
        bundle, data, result = _train_musicnn(tracks, spec, classes=classes, epochs=epochs, live_plot=live_plot,
                                              seed=seed)
    else:
        params = {k: v for k, v in spec.features.items() if k != "kind"}
        feats = cache.track_features(tracks, kind=spec.features["kind"], progress=False, **params)
        bundle = GenreModel(kind, None, classes, dict(spec.features), training.fit_standardizer(feats))
        frames = bundle.frames
        common = dict(frames=frames, classes=classes, standardizer=bundle.standardizer)
        valid = training.eval_segments(feats, split="valid", **common)
        data = training.eval_segments(feats, split="test", **common)
        train_ds = training.train_dataset(feats, batch_size=spec.batch_size, crops_per_track=spec.crops_per_track, seed=seed,
                                          **common)
        net = _build(kind, (int(np.shape(feats.arrays[0])[0]), frames, 1), len(classes))
        result = training.fit(net, train_ds, validation=valid, epochs=epochs, patience=epochs, lr=spec.lr,
                              schedule=spec.schedule, live_plot=live_plot, seed=seed)
        bundle.model = result.model
    scores = training.evaluate(bundle.model, data, classes=classes)
    bundle.info = {"dataset": dataset, "epochs": result.epochs_run, "seconds": round(result.seconds, 1),
                   "n_params": int(bundle.model.count_params()),
                   "clip_accuracy": round(float(scores["clip_accuracy"]), 4),
                   "trained": time.strftime("%Y-%m-%d %H:%M")}
    return bundle, scores


def _train_musicnn(tracks: pd.DataFrame, spec: _Kind, *, classes: list[str], epochs: int, live_plot: Any,
                   seed: int) -> tuple[GenreModel, Any, Any]:
    """Pooled musicnn activations of every track (cached), then a fine-tuned head (notebook 08's recipe)."""
    from . import training, transfer

    opts = {k: v for k, v in spec.features.items() if k != "kind"}
    emb = transfer.track_patch_embeddings(tracks, **opts)
    per = [len(a) for a in emb.arrays]
    P = np.concatenate([np.asarray(a, dtype=np.float32) for a in emb.arrays])
    owner = np.repeat(emb.tracks["track_id"].astype(str).to_numpy(), per)
    y = training.class_index(np.repeat(emb.tracks["genre"].to_numpy(), per), classes)
    part = np.repeat(emb.tracks["split"].to_numpy(), per)

    def pick(split: str) -> Any:
        rows = part == split
        return training.SegmentData(P[rows], y[rows], owner[rows], classes)

    head = transfer.top_finetune_model(len(classes), model=opts["model"])
    train = pick("train")
    result = training.fit(head, (train.X, train.y), validation=pick("valid"), epochs=epochs, patience=epochs,
                          lr=spec.lr, batch_size=16, live_plot=live_plot, seed=seed)
    return GenreModel("musicnn transfer", result.model, classes, dict(spec.features)), pick("test"), result


# --------------------------------------------------------------------------- saving and loading
def models_dir() -> Path:
    """Where the app keeps its models: ``<cache root>/models``.

    Taught in notebook 10.
    """
    return config.cache_root() / "models"


def _slug(text: str) -> str:
    return evaluation._slug(text.lower().replace(" ", "_"))


def _paths(name: str, folder: str | os.PathLike | None) -> tuple[Path, Path]:
    base = Path(folder) if folder is not None else models_dir()
    return base / f"{name}.keras", base / f"{name}.json"


def save_model(bundle: GenreModel, *, name: str | None = None, folder: str | os.PathLike | None = None) -> Path:
    """Save a :class:`GenreModel`: the network in Keras' native ``.keras`` format, the rest as JSON beside it.

    Taught in notebook 10. Default name: ``<dataset>_<kind>`` (e.g. ``toy_cnn``).

    Returns
    -------
    pathlib.Path
        The ``.keras`` file.
    """
    name = name or _slug(f"{bundle.info.get('dataset', 'data')}_{bundle.kind}")
    weights, meta = _paths(name, folder)
    weights.parent.mkdir(parents=True, exist_ok=True)
    bundle.model.save(weights)
    payload = {"format": BUNDLE_FORMAT, "kind": bundle.kind, "classes": list(bundle.classes),
               "features": bundle.features, "segment_seconds": bundle.segment_seconds,
               "standardizer": bundle.standardizer.to_dict() if bundle.standardizer is not None else None,
               "info": bundle.info}
    meta.write_text(json.dumps(payload, indent=1))
    return weights


def load_model(name: str, *, folder: str | os.PathLike | None = None) -> GenreModel:
    """Load a :class:`GenreModel` saved by :func:`save_model`.

    Taught in notebook 10.

    Raises
    ------
    FileNotFoundError
        No model of that name (the message lists the saved ones).
    """
    import keras

    from . import training
    from .models import rnn  # noqa: F401  (registers the skip-GRU cell for deserialisation)

    weights, meta = _paths(name, folder)
    if not weights.is_file() or not meta.is_file():
        raise FileNotFoundError(f"no saved model {name!r} in {weights.parent}; saved: {saved_models(folder=folder)}")
    payload = json.loads(meta.read_text())
    if payload.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"{meta} has format {payload.get('format')!r}, expected {BUNDLE_FORMAT}")
    stats = payload.get("standardizer")
    return GenreModel(payload["kind"], keras.models.load_model(weights, compile=False), list(payload["classes"]),
                      dict(payload["features"]), training.Standardizer.from_dict(stats) if stats else None,
                      float(payload.get("segment_seconds", 3.0)), dict(payload.get("info", {})))


def saved_models(*, folder: str | os.PathLike | None = None) -> list[str]:
    """Names of the models saved in ``folder`` (default :func:`models_dir`).

    Taught in notebook 10.
    """
    base = Path(folder) if folder is not None else models_dir()
    return sorted(p.stem for p in base.glob("*.keras") if p.with_suffix(".json").is_file())


def load_or_train(
    kind: str,
    tracks: pd.DataFrame,
    *,
    dataset: str = "toy",
    epochs: int | None = None,
    seed: int = 0,
    retrain: bool = False,
) -> tuple[GenreModel, bool]:
    """The saved model of this kind and dataset if there is one, else a freshly trained (and saved) one.

    Taught in notebook 10 (the app is usable at once: the first run trains for a few seconds).

    Returns
    -------
    model : GenreModel
    trained : bool
        Whether it was trained now.
    """
    name = _slug(f"{dataset}_{kind}")
    if not retrain and name in saved_models():
        return load_model(name), False
    bundle, _ = train_model(kind, tracks, dataset=dataset, epochs=epochs, seed=seed)
    save_model(bundle, name=name)
    return bundle, True


def log_model(bundle: GenreModel, tracks: pd.DataFrame, *, name: str, dataset: str, split: str = "artist",
              notes: str = "") -> dict[str, Any]:
    """Score a :class:`GenreModel` on the test clips, log it and save its clip probabilities.

    Taught in notebook 10 (so that the app's model joins the leaderboard and the ensembles).

    Returns
    -------
    dict
        :func:`mgc_helpers.training.evaluate`'s scores.
    """
    from . import training

    if bundle.features["kind"] == "musicnn":
        raise ValueError("log musicnn models in notebook 08's way (their features are per patch)")
    params = bundle.feature_params()
    test_tracks = tracks[tracks["split"] == "test"]
    feats = cache.track_features(test_tracks, kind=bundle.features["kind"], progress=False, **params)
    data = training.eval_segments(feats, split="test", frames=bundle.frames, classes=bundle.classes,
                                  standardizer=bundle.standardizer)
    scores = training.evaluate(bundle.model, data, classes=bundle.classes)
    features = f"{bundle.features['kind']} {params.get('n_mels', '')}, hop {params.get('hop_length')}, " \
               f"{bundle.segment_seconds:g} s crops"
    training.log(name, scores, features=features, dataset=dataset, split=split,
                 n_params=int(bundle.model.count_params()), seconds=bundle.info.get("seconds"), notes=notes)
    evaluation.save_clip_probabilities(name, scores["track_id_clip"], scores["proba_clip"], classes=bundle.classes,
                                       y_true=scores["y_true_clip"], dataset=dataset, split=split)
    return scores


# --------------------------------------------------------------------------- pictures
def plot_prediction(prediction: Prediction, y: np.ndarray, sr: int, *, title: str = "") -> Any:
    """The clip's log-mel spectrogram, its genre probabilities (bars) and every segment's vote.

    Taught in notebook 10. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from . import plots

    fig = plt.figure(figsize=(11, 5.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=(1.0, 1.1))
    ax_spec = fig.add_subplot(grid[0, :])
    S = cache.logmel_features(np.asarray(y, dtype=np.float32), sr, n_mels=64, hop_length=512, dtype="float32")
    plots.spectrogram(S, sr=sr, hop_length=512, y_axis="mel", ax=ax_spec, colorbar=False,
                      title=title or "log-mel spectrogram")
    for start in prediction.segment_starts[1:]:
        ax_spec.axvline(start, color="white", lw=0.8, ls="--")
    ax_bar = fig.add_subplot(grid[1, 0])
    p = prediction.probabilities
    colours = ["tab:orange" if g == prediction.genre else "tab:blue" for g in p.index]
    ax_bar.barh(p.index, p.to_numpy(), color=colours)
    ax_bar.invert_yaxis()
    ax_bar.set(xlim=(0, 1), xlabel="probability (mean over segments)", title=f"Predicted genre: {prediction.genre}")
    ax_seg = fig.add_subplot(grid[1, 1])
    ax_seg.imshow(prediction.segment_proba.T, aspect="auto", cmap="Blues", vmin=0, vmax=1, origin="upper")
    votes = np.argmax(prediction.segment_proba, axis=1)
    ax_seg.scatter(np.arange(len(votes)), votes, marker="o", s=30, color="tab:orange", label="vote")
    ax_seg.set(yticks=range(len(prediction.classes)), yticklabels=prediction.classes,
               xticks=range(len(votes)), xticklabels=[f"{s:.0f}" for s in prediction.segment_starts],
               xlabel="segment start (s)", title="each segment's probabilities and vote")
    ax_seg.legend(loc="upper right", fontsize=7)
    return fig


# --------------------------------------------------------------------------- the widget
def genre_app(
    models: GenreModel | Mapping[str, GenreModel] | None,
    tracks: pd.DataFrame,
    *,
    dataset: str = "toy",
    clips: pd.DataFrame | None = None,
    epochs: int | None = None,
    save: bool = True,
) -> Any:
    """The genre app: choose a model, train or load it, pick a clip or upload a song, predict.

    Taught in notebook 10 (seed 000's GUI). A thin layer over :func:`train_model`,
    :func:`load_model` and :func:`predict_file`; works with ipywidgets 7 and 8.

    Parameters
    ----------
    models : GenreModel, mapping or None
        Models ready to use (``{kind: GenreModel}``, or one), so that Predict works at once.
    tracks : pandas.DataFrame
        The dataset the Train button trains on (with its split).
    dataset : str, keyword-only
    clips : pandas.DataFrame, optional, keyword-only
        The clips offered in the dropdown (default: the test split of ``tracks``).
    epochs : int, optional, keyword-only
        Epochs of the Train button (default: each kind's).
    save : bool, keyword-only
        Save every model trained with the button (:func:`save_model`).

    Returns
    -------
    ipywidgets.VBox
        With CSS class ``mgc-genre-app``; its ``app`` attribute (a dict) holds the parts
        (``model``, ``clip``, ``upload``, ``predict``, ``train``, ``load``, ``message``,
        ``plots``, ``training``, ``models``, ``state``) and the callbacks ``do_predict``,
        ``do_train``, ``do_load``.
    """
    import ipywidgets as W
    from IPython.display import display

    from . import widgets as mgc_widgets

    loaded: dict[str, GenreModel] = {}
    if isinstance(models, GenreModel):
        loaded[models.kind] = models
    elif models:
        loaded.update(models)
    clips = tracks[tracks["split"] == "test"] if clips is None else clips
    options = [(f"{row.genre} · {row.track_id}", str(row.path)) for row in clips.itertuples()]

    model = W.Dropdown(options=list(MODEL_KINDS), value=next(iter(loaded), "CNN"), description="Model")
    clip = W.Dropdown(options=options, description="Clip")
    upload = W.FileUpload(accept=",".join(AUDIO_EXTENSIONS) + ",audio/*", multiple=False, description="Upload")
    predict = W.Button(description="Predict", button_style="primary", icon="music")
    train = W.Button(description="Train", icon="cogs")
    load = W.Button(description="Load saved", icon="folder-open")
    status = W.HTML()
    message = W.HTML()
    plots_out = W.Output()
    training_out = W.Output()
    result = W.VBox([message, plots_out])
    for w, css in ((model, "mgc-app-model"), (clip, "mgc-app-clip"), (upload, "mgc-app-upload"),
                   (predict, "mgc-app-predict"), (train, "mgc-app-train"), (load, "mgc-app-load"),
                   (result, "mgc-app-result")):
        w.add_class(css)
    state: dict[str, Any] = {"source": "clip", "prediction": None, "error": None}

    def show_status(*_: Any) -> None:
        b = loaded.get(model.value)
        if b is None:
            status.value = f"<i>{model.value}: not trained yet. Click Train (or Load saved).</i>"
        else:
            acc = b.info.get("clip_accuracy")
            where = f", test clip accuracy {acc:.0%}" if isinstance(acc, (int, float)) else ""
            status.value = (f"<b>{model.value}</b> ready ({MODEL_KINDS[b.kind].description}; "
                            f"trained on {b.info.get('dataset', '?')}{where}).")

    def say(text: str, *, error: bool = False) -> None:
        import html

        colour = "#b00020" if error else "#1b5e20"
        message.value = f'<p style="color:{colour}; font-size:1.1em"><b>{html.escape(text)}</b></p>'

    def do_predict(*_: Any) -> Prediction | None:
        state["error"] = None
        bundle = loaded.get(model.value)
        if bundle is None:
            state["error"] = f"Could not predict: the {model.value} model is not trained yet; click Train or Load saved."
            say(state["error"], error=True)
            return None
        files = mgc_widgets.uploaded_files(upload)
        source: Any = files[-1] if state["source"] == "upload" and files else clip.value
        label = source[0] if isinstance(source, tuple) else Path(source).name
        try:
            pred, y = predict_file(bundle, source)
        except AppError as exc:
            state["error"] = str(exc)
            say(str(exc), error=True)
            plots_out.clear_output()
            return None
        except Exception as exc:  # never a traceback in the app
            state["error"] = f"Could not classify '{label}': {type(exc).__name__}: {exc}"
            say(state["error"], error=True)
            return None
        state["prediction"] = pred
        say(f"{pred.summary()} — {label}, {model.value}")
        import matplotlib.pyplot as plt

        with plots_out:
            plots_out.clear_output(wait=True)
            fig = plot_prediction(pred, y, bundle.sr, title=f"{label} · {model.value}")
            display(fig)
            plt.close(fig)
        return pred

    def do_train(*_: Any) -> GenreModel | None:
        kind = model.value
        train.disabled = predict.disabled = True
        say(f"Training {kind} on {dataset}...")
        try:
            with training_out:
                training_out.clear_output(wait=True)
                bundle, scores = train_model(kind, tracks, dataset=dataset, epochs=epochs,
                                             live_plot=_OutputPlot(training_out, title=f"{kind} on {dataset}"))
            loaded[kind] = bundle
            if save:
                save_model(bundle)
            say(f"Trained {kind} in {bundle.info['seconds']:.0f} s: test clip accuracy "
                f"{scores['clip_accuracy']:.0%}. Choose a clip and click Predict.")
            return bundle
        except Exception as exc:  # e.g. musicnn weights not downloadable offline
            state["error"] = f"Could not train {kind}: {type(exc).__name__}: {exc}"
            say(state["error"], error=True)
            return None
        finally:
            train.disabled = predict.disabled = False
            show_status()

    def do_load(*_: Any) -> GenreModel | None:
        kind = model.value
        try:
            loaded[kind] = load_model(_slug(f"{dataset}_{kind}"))
        except (FileNotFoundError, ValueError, OSError) as exc:
            state["error"] = f"Could not load a saved {kind} model: {exc}"
            say(state["error"], error=True)
            return None
        say(f"Loaded the saved {kind} model.")
        show_status()
        return loaded[kind]

    def on_source(change: dict[str, Any], source: str) -> None:
        state["source"] = source

    clip.observe(lambda ch: on_source(ch, "clip"), names="value")
    upload.observe(lambda ch: on_source(ch, "upload"), names="value")
    model.observe(show_status, names="value")
    predict.on_click(do_predict)
    train.on_click(do_train)
    load.on_click(do_load)
    show_status()

    box = W.VBox([
        W.HTML("<h3>Music genre app</h3>"),
        W.HBox([model, train, load]), status, training_out,
        W.HBox([clip, upload, predict]),
        result,
    ])
    box.add_class("mgc-genre-app")
    box.app = {"model": model, "clip": clip, "upload": upload, "predict": predict, "train": train, "load": load,
               "message": message, "plots": plots_out, "training": training_out, "result": result,
               "models": loaded, "state": state, "do_predict": do_predict, "do_train": do_train,
               "do_load": do_load}
    return box


def _output_plot_class() -> type:
    from . import training

    class OutputPlot(training.LivePlot):
        """:class:`~mgc_helpers.training.LivePlot` drawing into an ``ipywidgets.Output`` (button callbacks)."""

        def __init__(self, output: Any, *, title: str = "") -> None:
            super().__init__(every=1, title=title, notebook=True)
            self.output = output

        def _draw(self) -> None:
            import matplotlib.pyplot as plt
            from IPython.display import display

            fig = training.plot_history(self.history, title=self.title)
            with self.output:
                self.output.clear_output(wait=True)
                display(fig)
            plt.close(fig)

    return OutputPlot


def _OutputPlot(output: Any, *, title: str = "") -> Any:  # noqa: N802 (a class built lazily: keras)
    return _output_plot_class()(output, title=title)
