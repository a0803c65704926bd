"""Model bundles: a trained genre network plus everything it needs to classify new audio.

Taught in notebook 10. A network alone cannot classify a song: it also needs its feature
settings, the training-split standardiser and the class names. This module keeps them together
(:class:`GenreModel`) and offers the plain functions the genre app (:mod:`mgc_helpers.app`) is a
thin layer over, all unit-tested without a browser:

- :data:`MODEL_KINDS`: the recipes (:class:`Recipe`: features, training settings and the function
  that builds the network) of the CNN, the GRU, the CRNN and the musicnn transfer model;
- :func:`train_model` trains one on a dataset, :func:`save_model` / :func:`load_model` write and
  read it in the cache (``<cache root>/models/<name>.keras``, Keras' native format, and
  ``<name>.json`` beside it; both written atomically), :func:`load_or_train` does whichever is
  needed; a saved bundle that cannot be read raises :class:`BundleError`;
- :func:`decode_upload` turns an uploaded file's bytes into samples (at most
  :data:`MAX_AUDIO_SECONDS` of them), :func:`check_clip` refuses clips that are too short or
  silent, with a :class:`ClipError` whose message starts with ``"Could not"``;
- :func:`predict_clip` / :func:`predict_file` cut a clip into 3-second segments, classify each
  and average their probabilities (the clip's genre), keeping every segment's vote
  (:class:`Prediction`); :func:`log_model` scores a bundle on the test clips for the leaderboard;
- :func:`zero_shot_model` is the model that needs no training (:data:`ZERO_SHOT`): the pretrained
  musicnn tagger's own genre tags (:mod:`mgc_helpers.models.zeroshot`), whose predictions name the
  tags behind the genre; :func:`trained_on` says in one line what a model was trained on, and
  :func:`domain_note` warns when a model trained on the synthetic toy data classifies real music.

TensorFlow is imported only by the functions that train, load or run a network.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from . import audio, cache, config, evaluation, features, segments

__all__ = [
    "MODEL_KINDS",
    "ZERO_SHOT",
    "zero_shot_model",
    "trained_on",
    "domain_note",
    "MAX_AUDIO_SECONDS",
    "BUNDLE_FORMAT",
    "Recipe",
    "ClipError",
    "BundleError",
    "GenreModel",
    "Prediction",
    "decode_upload",
    "check_clip",
    "predict_clip",
    "predict_file",
    "train_model",
    "models_dir",
    "default_name",
    "save_model",
    "load_model",
    "saved_models",
    "load_or_train",
    "log_model",
]

#: Version of the JSON written by :func:`save_model`.
BUNDLE_FORMAT = 1
#: Longest audio classified (s): a longer upload or file is cut to its first 10 minutes, and only
#: those are decoded (a one-hour file never sits whole in memory; Binder has 2 GB).
MAX_AUDIO_SECONDS = 600.0


# --------------------------------------------------------------------------- the recipes
def _build_cnn(input_shape: tuple[int, ...], n_classes: int) -> Any:
    from .models import cnn

    return cnn.recommended_cnn(input_shape, n_classes, filters=(8, 16, 32))


def _build_gru(input_shape: tuple[int, ...], n_classes: int) -> Any:
    from .models import rnn

    return rnn.gru_report003(input_shape, n_classes, units=32, dense_units=32)


def _build_crnn(input_shape: tuple[int, ...], n_classes: int) -> Any:
    from .models import crnn

    return crnn.crnn_report001(input_shape, n_classes, **crnn.TOY_OPTIONS)


def _build_musicnn_head(input_shape: tuple[int, ...], n_classes: int) -> Any:
    from .models import musicnn

    return musicnn.transfer_classifier(n_classes, model=MODEL_KINDS["musicnn transfer"].features["model"],
                                       inputs="pooled", trainable=True)


@dataclass(frozen=True)
class Recipe:
    """How one model kind turns audio into network inputs, and how it is built and trained.

    Taught in notebook 10 (the recipes of notebooks 05-08).

    Attributes
    ----------
    features : dict
        Feature settings: ``kind`` (``"logmel"``, ``"mfcc"`` or ``"musicnn"``) and its parameters.
    build : callable
        ``build(input_shape, n_classes)`` returns the untrained Keras model.
    lr, schedule, epochs, crops_per_track, batch_size
        Training settings (:func:`mgc_helpers.training.fit`).
    description : str
        One line for the app.
    """

    features: dict[str, Any]
    build: Callable[[tuple[int, ...], int], Any]
    lr: float
    schedule: str | None
    epochs: int
    crops_per_track: int = 4
    batch_size: int = 32
    description: str = ""


#: The models the app offers: log-mel CNN (notebook 05), MFCC GRU (06), log-mel CRNN (07),
#: musicnn embeddings with a fine-tuned head (08).
MODEL_KINDS: dict[str, Recipe] = {
    "CNN": Recipe({"kind": "logmel", "n_mels": 64, "hop_length": 1024}, _build_cnn, lr=0.02, schedule="1cycle",
                  epochs=8, description="the recommended CNN of notebook 05 (8/16/32 filters)"),
    "GRU": Recipe({"kind": "mfcc", "n_mfcc": 20, "n_mels": 64, "hop_length": 1024}, _build_gru, lr=5e-3,
                  schedule=None, epochs=8, description="report 003's GRU on MFCCs (notebook 06)"),
    "CRNN": Recipe({"kind": "logmel", "n_mels": 64, "hop_length": 1024}, _build_crnn, lr=0.01, schedule="1cycle",
                   epochs=8, description="report 001's CRNN, toy variant (notebook 07)"),
    "musicnn transfer": Recipe({"kind": "musicnn", "model": "MSD_musicnn", "layer": "pooled", "n_patches": 1},
                               _build_musicnn_head, lr=1e-3, schedule=None, epochs=30,
                               description="pretrained musicnn + fine-tuned head (notebook 08)"),
}


#: The model kind that needs no training: musicnn's MSD tagger, genres from its tags (:func:`zero_shot_model`).
ZERO_SHOT = "zero-shot musicnn"


def _recipe(kind: str) -> Recipe:
    if kind == ZERO_SHOT:
        raise KeyError(f"{ZERO_SHOT!r} needs no training: use zero_shot_model(classes)")
    if kind not in MODEL_KINDS:
        raise KeyError(f"unknown model kind {kind!r}; choose one of {list(MODEL_KINDS)}")
    return MODEL_KINDS[kind]


class ClipError(ValueError):
    """A clip or file the models cannot classify; the message starts with ``"Could not"``.

    Taught in notebook 10. The app shows the message instead of a traceback.
    """


class BundleError(ValueError):
    """A saved model that cannot be loaded: missing, half-written, corrupt or of another format.

    Taught in notebook 10. The message names the file and what is wrong with it.
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
    standardizer : mgc_helpers.segments.Standardizer or None
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
        """Sample rate the audio is loaded at (16 kHz for musicnn and zero-shot, else 22,050 Hz)."""
        if self.features["kind"] in ("musicnn", "zeroshot"):
            from .models import musicnn

            return int(musicnn.SR)
        return int(config.SAMPLE_RATE)

    @property
    def frames(self) -> int:
        """Feature frames per segment (spectrogram kinds)."""
        return features.seconds_to_frames(self.segment_seconds, sr=self.sr, hop_length=self.features["hop_length"])

    def feature_params(self) -> dict[str, Any]:
        """Keyword arguments of the feature function (``features`` without ``kind``)."""
        return {k: v for k, v in self.features.items() if k != "kind"}


@dataclass
class Prediction:
    """What a model predicts for one clip.

    Taught in notebook 10.

    Attributes
    ----------
    genre : str
        Arg-max of the mean segment probability.
    probabilities : pandas.Series
        Mean probability of every genre over the segments (sums to 1).
    segment_proba : numpy.ndarray, shape (n_segments, n_classes)
    segment_starts : numpy.ndarray, shape (n_segments,)
        Start of every segment in seconds.
    classes : list of str
    note : str
        What the user should know about the input (e.g. that a long file was cut), or ``""``.
    tags : pandas.Series or None
        Zero-shot models only: the clip's top tags (mean probability over its patches), best first.
    explanation : str
        Zero-shot models only: the top tags and how they mapped to the genre, or ``""``.
    """

    genre: str
    probabilities: pd.Series
    segment_proba: np.ndarray
    segment_starts: np.ndarray
    classes: list[str]
    note: str = ""
    tags: pd.Series | None = None
    explanation: str = ""

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
        """One line: the genre, its probability and the segment votes (and the note, if any)."""
        votes = ", ".join(f"{g} {n}" for g, n in self.vote_counts.items() if n)
        line = (f"Predicted genre: {self.genre} ({self.probabilities[self.genre]:.0%}); "
                f"segment votes: {votes} (of {len(self.segment_starts)})")
        line = f"{line}; {self.explanation}" if self.explanation else line
        return f"{line}. {self.note}" if self.note else line


# --------------------------------------------------------------------------- audio in, checked
def _reason(reason: str, path: Path | None = None) -> str:
    """``": <reason>"`` with the temporary file's path (meaningless to the user) left out."""
    reason = reason.strip()
    if path is not None:
        reason = reason.replace(f" '{path}'", "").replace(str(path), "the file")
    return f": {reason}"


def _load_limited(path: Path, *, sr: int | None, name: str, max_seconds: float) -> tuple[np.ndarray, int, str]:
    """At most ``max_seconds`` of a file (decoding no more), and a note when the file was longer."""
    y, rate = audio.load(path, sr=sr, duration=max_seconds + 0.5)
    limit = int(round(max_seconds * rate))
    if y.shape[-1] <= limit:
        return y, rate, ""
    limit_text = f"{max_seconds / 60:g} minutes" if max_seconds >= 60 else f"{max_seconds:g} s"
    note = f"'{name}' lasts more than {limit_text}: only its first {limit_text} were read and classified"
    return y[..., :limit], rate, note


def _decode(data: bytes, *, name: str, sr: int | None, max_seconds: float) -> tuple[np.ndarray, int, str]:
    """:func:`decode_upload`, with the note saying whether the upload was cut."""
    if not data:
        raise ClipError(f"Could not read this file: '{name}' is empty (0 bytes).")
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix and len(suffix) <= 6 else ".bin"
    with tempfile.TemporaryDirectory(prefix="mgc-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(bytes(data))
        try:
            return _load_limited(path, sr=sr, name=name, max_seconds=max_seconds)
        except audio.AudioLoadError as exc:
            raise ClipError(f"Could not read this file: '{name}'{_reason(exc.reason, path)}") from None
        except (ValueError, RuntimeError, OSError, EOFError) as exc:
            raise ClipError(f"Could not read this file: '{name}' is not audio we can decode ({exc}).") from None


def decode_upload(data: bytes, *, name: str = "upload", sr: int | None = config.SAMPLE_RATE,
                  max_seconds: float | None = None) -> tuple[np.ndarray, int]:
    """Decode an uploaded file's bytes into mono samples with :func:`mgc_helpers.audio.load`.

    Taught in notebook 10. The bytes are written to a temporary file (keeping the name's
    extension, which helps the decoders) and loaded at ``sr``: WAV, FLAC, OGG and MP3 work;
    stereo is averaged and any sample rate is resampled. Only the first ``max_seconds``
    (default :data:`MAX_AUDIO_SECONDS`) are decoded; a longer file is cut there, with a warning
    (:func:`predict_file` puts it in :attr:`Prediction.note` instead).

    Returns
    -------
    y : numpy.ndarray, shape (samples,)
    sr : int

    Raises
    ------
    ClipError
        ``"Could not read this file: ..."`` when the bytes are empty or not audio.
    """
    y, rate, note = _decode(data, name=name, sr=sr, max_seconds=max_seconds or MAX_AUDIO_SECONDS)
    if note:
        warnings.warn(note, stacklevel=2)
    return y, rate


def check_clip(y: np.ndarray, sr: int, *, min_seconds: float = 3.0, silence_db: float = -60.0) -> None:
    """Refuse clips the models cannot classify: shorter than one segment, or silent.

    Taught in notebook 10. ``y`` has shape ``(samples,)``.

    Raises
    ------
    ClipError
        ``"Could not classify this clip: ..."`` saying what is wrong.
    """
    y = np.asarray(y)
    seconds = y.shape[-1] / float(sr) if y.size else 0.0
    if seconds < min_seconds:
        raise ClipError(f"Could not classify this clip: it lasts {seconds:.2f} s, but the models need at least "
                        f"{min_seconds:g} s of audio (one segment).")
    if audio.is_silent(y, threshold_db=silence_db):
        raise ClipError(f"Could not classify this clip: it is silent (level {audio.rms_db(y):.0f} dBFS, below "
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
        from .models import musicnn

        params = {k: v for k, v in bundle.feature_params().items() if k != "n_patches"}
        X = musicnn.patch_activations(y, sr, n_patches=None, **params)
        step = musicnn.N_FRAMES * musicnn.HOP_LENGTH / musicnn.SR
        return X, np.arange(len(X)) * step
    A = features.FEATURE_KINDS[kind](y, sr, **bundle.feature_params())
    one = cache.TrackFeatures(pd.DataFrame({"track_id": ["clip"], "genre": [bundle.classes[0]], "split": ["clip"]}),
                              [A], {})
    hop = max(1, bundle.frames // 2)  # half-overlapping segments: more votes per clip
    data = segments.eval_segments(one, split="clip", frames=bundle.frames, hop=hop, classes=bundle.classes,
                                  standardizer=bundle.standardizer)
    step = hop * bundle.features["hop_length"] / sr
    return data.X, np.arange(len(data)) * step


def predict_clip(bundle: GenreModel, y: np.ndarray, sr: int) -> Prediction:
    """Classify a clip: every segment, then the mean of their probabilities.

    Taught in notebook 10.

    Parameters
    ----------
    bundle : GenreModel
    y : numpy.ndarray, shape (samples,)
    sr : int
        Sample rate of ``y`` (resampled to the model's rate if needed).

    Returns
    -------
    Prediction

    Raises
    ------
    ClipError
        The clip is too short or silent (:func:`check_clip`).
    """
    check_clip(y, sr, min_seconds=bundle.segment_seconds)
    if bundle.features["kind"] == "zeroshot":
        return _predict_zero_shot(bundle, y, sr)
    from . import training

    X, starts = _segment_inputs(bundle, y, sr)
    proba = training.predict_proba(bundle.model, X)
    mean = proba.mean(axis=0)
    probabilities = pd.Series(mean / mean.sum(), index=bundle.classes, name="probability")
    return Prediction(str(bundle.classes[int(np.argmax(mean))]), probabilities, proba, starts, list(bundle.classes))


def zero_shot_model(classes: Sequence[str], *, model: str = "MSD_musicnn") -> GenreModel:
    """The genre model that needs no training: a pretrained musicnn tagger whose genre tags are read as genres.

    Taught in notebook 08; the genre app's model for uploaded songs (notebook 10). Ready at once
    (the tagger's weights are fetched on the first prediction, :func:`mgc_helpers.models.musicnn.fetch_weights`).
    A clip's taggram (one row per 3-second patch) becomes genre probabilities by
    :func:`mgc_helpers.models.zeroshot.genre_scores`; the genres the tagger has no tag for (e.g.
    reggae) are never predicted, and :func:`trained_on` says which they are.

    Parameters
    ----------
    classes : sequence of str
        The genres to choose from (e.g. a dataset's classes).
    model : str, keyword-only
        ``"MSD_musicnn"`` (the Million Song Dataset's tags) or ``"MTT_musicnn"`` (MagnaTagATune's).

    Returns
    -------
    GenreModel
        ``kind`` :data:`ZERO_SHOT`, ``model`` ``None`` (the tagger is loaded once per process).
    """
    from .models import zeroshot

    table = zeroshot.mapping(list(classes), tagger=model)  # KeyError for a genre in no table
    if not table["predictable"].any():
        raise ValueError(f"the {model} tagger can predict none of {list(classes)}")
    tagger = zeroshot.tagger_of(model)
    source = {"MSD": "the Million Song Dataset's last.fm tags", "MTT": "MagnaTagATune's tags"}[tagger]
    info = {"dataset": f"none: pretrained by Pons & Serra on {source}", "split": "none (no training)",
            "n_train": 0, "unpredictable": [g for g, ok in table["predictable"].items() if not ok]}
    return GenreModel(ZERO_SHOT, None, list(classes), {"kind": "zeroshot", "model": model}, info=info)


def _predict_zero_shot(bundle: GenreModel, y: np.ndarray, sr: int) -> Prediction:
    """:func:`predict_clip` of a :func:`zero_shot_model`: every patch's genre scores as its vote."""
    from .models import musicnn, zeroshot

    model = bundle.features["model"]
    zs = zeroshot.predict(np.asarray(y, dtype=np.float32), sr, genres=bundle.classes, model=model)
    proba = zeroshot.patch_scores(zs.taggram, bundle.classes, tagger=model)
    step = musicnn.N_FRAMES * musicnn.HOP_LENGTH / musicnn.SR
    return Prediction(zs.genre, zs.probabilities.rename("probability"), proba, np.arange(len(proba)) * step,
                      list(bundle.classes), tags=zs.top_tags, explanation=zs.explain(k=3))


def trained_on(bundle: GenreModel) -> str:
    """One line on what a model was trained on: dataset, split and number of training clips.

    Taught in notebook 10 (the app shows it). Models saved before these facts were recorded say
    ``"split unknown"`` / ``"? training clips"``.
    """
    info = bundle.info
    if bundle.kind == ZERO_SHOT:
        missing = info.get("unpredictable") or []
        cannot = f"; it cannot predict {', '.join(missing)} (no tag names them)" if missing else ""
        return (f"trained on no clip of this course (zero-shot): {info.get('dataset', 'a pretrained tagger')}"
                f"{cannot}")
    n = info.get("n_train")
    return (f"trained on {info.get('dataset', '?')}, {info.get('split', 'split unknown')} split, "
            f"{n if n is not None else '?'} training clips")


def domain_note(bundle: GenreModel, *, toy_clip: bool) -> str:
    """The warning due when a model trained on the synthetic toy data classifies something that is not a toy clip.

    Taught in notebook 10. Returns ``""`` when no warning is due (a toy clip, or a model trained on
    real music, or the zero-shot model).
    """
    if toy_clip or bundle.kind == ZERO_SHOT or str(bundle.info.get("dataset", "")) != "toy":
        return ""
    return (f"Caution: this {bundle.kind} model learned the synthetic toy genres and is not expected to recognise "
            f"real music; use the {ZERO_SHOT} model (pretrained on real music) or train on GTZAN or FMA.")


def predict_file(bundle: GenreModel, source: str | os.PathLike | tuple[str, bytes], *,
                 max_seconds: float | None = None) -> tuple[Prediction, np.ndarray]:
    """Load (or decode) a file and classify it; returns the prediction and the samples.

    Taught in notebook 10. ``source`` is a path or an uploaded ``(name, bytes)`` pair
    (:func:`mgc_helpers.widgets.uploaded_files`). Only the first ``max_seconds`` (default
    :data:`MAX_AUDIO_SECONDS`) are read; when the file is longer, :attr:`Prediction.note` says so.

    Returns
    -------
    prediction : Prediction
    y : numpy.ndarray, shape (samples,)
        The samples classified, at ``bundle.sr``.

    Raises
    ------
    ClipError
        Unreadable, too short or silent audio; the message starts with ``"Could not"``.
    """
    max_seconds = max_seconds or MAX_AUDIO_SECONDS
    if isinstance(source, tuple):
        name, data = source
        y, sr, note = _decode(data, name=name, sr=bundle.sr, max_seconds=max_seconds)
    else:
        try:
            y, sr, note = _load_limited(Path(source), sr=bundle.sr, name=Path(source).name, max_seconds=max_seconds)
        except audio.AudioLoadError as exc:
            raise ClipError(f"Could not read this file: '{Path(source).name}'{_reason(exc.reason)}") from None
    prediction = predict_clip(bundle, y, sr)
    prediction.note = note
    return prediction, y


# --------------------------------------------------------------------------- training
def _train_spectrogram(kind: str, recipe: Recipe, tracks: pd.DataFrame, *, classes: list[str], epochs: int,
                       live_plot: Any, seed: int) -> tuple[GenreModel, Any, Any]:
    """Cached features, training-split standardiser, random crops (:class:`mgc_helpers.segments.Pipeline`), fit."""
    from . import training

    params = {k: v for k, v in recipe.features.items() if k != "kind"}
    feats = cache.track_features(tracks, kind=recipe.features["kind"], progress=False, **params)
    bundle = GenreModel(kind, None, classes, dict(recipe.features), segments.fit_standardizer(feats))
    pipe = segments.Pipeline(feats, frames=bundle.frames, classes=classes, standardizer=bundle.standardizer)
    train_ds = pipe.train_dataset(batch_size=recipe.batch_size, crops_per_track=recipe.crops_per_track, seed=seed)
    net = recipe.build(pipe.input_shape, len(classes))
    result = training.fit(net, train_ds, validation=pipe.eval_segments("valid"), epochs=epochs, patience=epochs,
                          lr=recipe.lr, schedule=recipe.schedule, live_plot=live_plot, seed=seed)
    test = pipe.eval_segments("test")
    bundle.model = result.model
    return bundle, test, result


def _train_musicnn(kind: str, recipe: Recipe, tracks: pd.DataFrame, *, classes: list[str], epochs: int,
                   live_plot: Any, seed: int) -> tuple[GenreModel, Any, Any]:
    """Pooled musicnn activations of every track (cached), then a fine-tuned head (notebook 08's recipe)."""
    from . import training
    from .models import musicnn

    opts = {k: v for k, v in recipe.features.items() if k != "kind"}
    emb = musicnn.track_embeddings(tracks, **opts)
    per = [len(a) for a in emb.arrays]
    P = np.concatenate([np.asarray(a, dtype=np.float32) for a in emb.arrays])
    owner = np.repeat(emb.tracks["track_id"].astype(str).to_numpy(), per)
    y = segments.class_index(np.repeat(emb.tracks["genre"].to_numpy(), per), classes)
    part = np.repeat(emb.tracks["split"].to_numpy(), per)

    def pick(split: str) -> Any:
        rows = part == split
        return segments.SegmentData(P[rows], y[rows], owner[rows], classes)

    head = recipe.build((P.shape[-1],), len(classes))
    train = pick("train")
    result = training.fit(head, (train.X, train.y), validation=pick("valid"), epochs=epochs, patience=epochs,
                          lr=recipe.lr, batch_size=16, live_plot=live_plot, seed=seed)
    return GenreModel(kind, result.model, classes, dict(recipe.features)), pick("test"), result


def train_model(
    kind: str,
    tracks: pd.DataFrame,
    *,
    dataset: str = "toy",
    split: str = "artist",
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
        Its name (kept in ``info``, with ``split`` and the clips per split, for :func:`trained_on`).
    split : str, keyword-only
        The name of the split in ``tracks["split"]`` (e.g. ``"artist"``), kept in ``info``.
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

    recipe = _recipe(kind)
    epochs = int(epochs or recipe.epochs)
    classes = sorted(tracks["genre"].unique())
    train = _train_musicnn if recipe.features["kind"] == "musicnn" else _train_spectrogram
    bundle, test, result = train(kind, recipe, tracks, classes=classes, epochs=epochs, live_plot=live_plot,
                                 seed=seed)
    scores = training.evaluate(bundle.model, test, classes=classes)
    counts = tracks["split"].value_counts()
    bundle.info = {"dataset": dataset, "split": split,
                   **{f"n_{part}": int(counts.get(part, 0)) for part in ("train", "valid", "test")},
                   "epochs": result.epochs_run, "seconds": round(result.seconds, 1),
                   "n_params": int(bundle.model.count_params()),
                   "clip_accuracy": round(float(scores["clip_accuracy"]), 4),
                   "trained": time.strftime("%Y-%m-%d %H:%M")}
    return bundle, scores


# --------------------------------------------------------------------------- saving and loading
def models_dir() -> Path:
    """Where the app keeps its models: ``<cache root>/models``.

    Taught in notebook 10.
    """
    return config.cache_root() / "models"


def _slug(text: str) -> str:
    return evaluation._slug(text.lower().replace(" ", "_"))


def default_name(dataset: str, kind: str) -> str:
    """The name a bundle is saved under by default: ``<dataset>_<kind>`` as a slug (``toy_cnn``).

    Taught in notebook 10.
    """
    return _slug(f"{dataset}_{kind}")


def _paths(name: str, folder: str | os.PathLike | None) -> tuple[Path, Path]:
    base = Path(folder) if folder is not None else models_dir()
    return base / f"{name}.keras", base / f"{name}.json"


def _replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """``write`` a per-process temporary file beside ``target`` (same suffix), then ``os.replace`` it."""
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def save_model(bundle: GenreModel, *, name: str | None = None, folder: str | os.PathLike | None = None) -> Path:
    """Save a :class:`GenreModel`: the network in Keras' native ``.keras`` format, the rest as JSON beside it.

    Taught in notebook 10. Default name: ``<dataset>_<kind>`` (e.g. ``toy_cnn``). Each file is
    written to a temporary file and moved into place, the ``.keras`` first: a run killed while
    saving leaves the previous bundle (or none), never a half-written one.

    Returns
    -------
    pathlib.Path
        The ``.keras`` file.
    """
    name = name or default_name(bundle.info.get("dataset", "data"), bundle.kind)
    weights, meta = _paths(name, folder)
    weights.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": BUNDLE_FORMAT, "kind": bundle.kind, "classes": list(bundle.classes),
               "features": bundle.features, "segment_seconds": bundle.segment_seconds,
               "standardizer": bundle.standardizer.to_dict() if bundle.standardizer is not None else None,
               "info": bundle.info}
    text = json.dumps(payload, indent=1)
    _replace_atomically(weights, lambda tmp: bundle.model.save(tmp))
    _replace_atomically(meta, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return weights


def _read_payload(meta: Path) -> dict[str, Any]:
    """The bundle's JSON, checked: format, ``kind``, ``classes`` and ``features`` with its ``kind``."""
    try:
        payload = json.loads(meta.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{meta} is not valid JSON (half-written or corrupt?): {exc}") from None
    if not isinstance(payload, dict):
        raise BundleError(f"{meta} holds a {type(payload).__name__}, not a model bundle's JSON object")
    if payload.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{meta} has format {payload.get('format')!r}, expected {BUNDLE_FORMAT}")
    missing = [key for key in ("kind", "classes", "features") if key not in payload]
    if missing:
        raise BundleError(f"{meta} lacks {', '.join(map(repr, missing))}")
    if not isinstance(payload["features"], dict) or "kind" not in payload["features"]:
        raise BundleError(f"{meta}: 'features' must be a mapping with a 'kind', got {payload['features']!r}")
    return payload


def _read_network(weights: Path) -> Any:
    from . import training

    try:
        return training.load_network(weights)
    except Exception as exc:  # keras raises ValueError, OSError, zipfile.BadZipFile... for a damaged file
        raise BundleError(f"{weights} is corrupt or not a Keras model file ({type(exc).__name__}: {exc})") from None


def load_model(name: str, *, folder: str | os.PathLike | None = None) -> GenreModel:
    """Load a :class:`GenreModel` saved by :func:`save_model`.

    Taught in notebook 10.

    Raises
    ------
    BundleError
        No model of that name (the message lists the saved ones), or one of its two files is
        unreadable (the message names the file and what is wrong).
    """
    weights, meta = _paths(name, folder)
    if not weights.is_file() or not meta.is_file():
        raise BundleError(f"no saved model {name!r} in {weights.parent}; saved: {saved_models(folder=folder)}")
    payload = _read_payload(meta)
    stats = payload.get("standardizer")
    try:
        standardizer = segments.Standardizer.from_dict(stats) if stats else None
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{meta}: its 'standardizer' is unreadable ({type(exc).__name__}: {exc})") from None
    return GenreModel(str(payload["kind"]), _read_network(weights), list(payload["classes"]),
                      dict(payload["features"]), standardizer, float(payload.get("segment_seconds", 3.0)),
                      dict(payload.get("info", {})))


def saved_models(*, folder: str | os.PathLike | None = None) -> list[str]:
    """Names of the models saved in ``folder`` (default :func:`models_dir`).

    Taught in notebook 10.
    """
    base = Path(folder) if folder is not None else models_dir()
    return sorted(p.stem for p in base.glob("*.keras")
                  if not p.name.startswith(".") and p.with_suffix(".json").is_file())


def load_or_train(
    kind: str,
    tracks: pd.DataFrame,
    *,
    dataset: str = "toy",
    split: str = "artist",
    epochs: int | None = None,
    seed: int = 0,
    retrain: bool = False,
) -> tuple[GenreModel, bool]:
    """The saved model of this kind and dataset if there is one, else a freshly trained (and saved) one.

    Taught in notebook 10 (the app is usable at once: the first run trains for a few seconds).
    A saved bundle that cannot be read (:class:`BundleError`) is replaced by a new one, with a
    warning naming the bad file. ``split`` is the name of the tracks' split (as in the results
    log: ``"artist"``, ``"filtered"``, ``"official"``), which the model then says it was trained on.

    Returns
    -------
    model : GenreModel
    trained : bool
        Whether it was trained now.
    """
    name = default_name(dataset, kind)
    if not retrain and name in saved_models():
        try:
            return load_model(name), False
        except BundleError as exc:
            warnings.warn(f"the saved {kind} model is unreadable, training a new one: {exc}", stacklevel=2)
    bundle, _ = train_model(kind, tracks, dataset=dataset, split=split, epochs=epochs, seed=seed)
    save_model(bundle, name=name)
    return bundle, True


def log_model(bundle: GenreModel, tracks: pd.DataFrame, *, name: str, dataset: str, split: str = "artist",
              notebook: int | str = 10, notes: str = "") -> dict[str, Any]:
    """Score a :class:`GenreModel` on the test clips and record it (:func:`mgc_helpers.evaluation.record`).

    Taught in notebook 10 (so that the app's model joins the leaderboard and the ensembles: the
    row of the results log and the test-clip probabilities).

    Parameters
    ----------
    bundle : GenreModel
        A spectrogram model (musicnn models are recorded in notebook 08's way).
    tracks : pandas.DataFrame
        The dataset; its ``test`` split is scored.
    name, dataset, split, notebook, notes : keyword-only
        As :func:`mgc_helpers.evaluation.record`.

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
    data = segments.eval_segments(feats, split="test", frames=bundle.frames, classes=bundle.classes,
                                  standardizer=bundle.standardizer)
    scores = training.evaluate(bundle.model, data, classes=bundle.classes)
    described = f"{bundle.features['kind']} {params.get('n_mels', '')}, hop {params.get('hop_length')}, " \
                f"{bundle.segment_seconds:g} s crops"
    evaluation.record(name, scores, notebook=notebook, dataset=dataset, split=split, features=described,
                      params={"kind": bundle.kind, **params, "epochs": bundle.info.get("epochs")},
                      n_params=int(bundle.model.count_params()), seconds=bundle.info.get("seconds"),
                      classes=bundle.classes, notes=notes)
    return scores
