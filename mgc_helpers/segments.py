"""Fixed-length segments of cached features, cut after the split: memory-mapped files and network inputs.

Used from notebook 03 on (notebooks 04–08 train on the segments). Features come from
:func:`mgc_helpers.cache.track_features`; the segment length in frames from
:func:`mgc_helpers.features.seconds_to_frames`; the segment starts from the course's
one rule, :func:`mgc_helpers.audio.segment_starts`.

Files
-----
Each part of the split is stored as ``<part>.X.npy`` (the segments, read back as a
read-only memory map) and ``<part>.meta.npz`` (genre and track of each segment) in
``<cache root>/segments/<key>``, where ``<key>`` is a :func:`joblib.hash` of the
feature parameters, the segmenting parameters and every track's file identity. Both
files are written to per-process temporary names and moved into place with
:func:`os.replace`, so a reader never sees half a file; a part whose files cannot be
read back (truncated, garbage, wrong shape) is rebuilt, with a warning naming the file.

Networks (notebooks 04–08)
--------------------------
The same module turns a feature set into a network's inputs, in the order a careful
practitioner follows: the split comes first (:func:`mgc_helpers.datasets.load_tracks`);
:class:`Standardizer` learns one mean and standard deviation per band from the
**training** tracks only (:func:`fit_standardizer`); then the segments are cut, after
the split: :func:`train_dataset` draws fresh random crops of the training tracks every
epoch (optionally with :func:`spec_augment`), :func:`eval_segments` cuts every track of
one split into segments (:class:`SegmentData`), so a test segment never reaches
training. :class:`Pipeline` holds the settings both share. TensorFlow is imported only
inside :func:`train_dataset` and :func:`array_dataset` (``import mgc_helpers`` stays light).
"""
from __future__ import annotations

import math
import os
import uuid
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

from . import audio, config

if TYPE_CHECKING:  # pragma: no cover
    import tensorflow as tf

    from .cache import TrackFeatures

__all__ = [
    "Segments",
    "segment_arrays",
    "Standardizer",
    "fit_standardizer",
    "SegmentData",
    "class_index",
    "eval_segments",
    "random_crops",
    "spec_augment",
    "train_dataset",
    "array_dataset",
    "Pipeline",
    "split_name",
    "SPLIT_NAMES",
]

#: What reading a damaged part raises (then the part is rebuilt).
_READ_ERRORS = (zipfile.BadZipFile, ValueError, KeyError, EOFError, OSError)


@dataclass
class Segments:
    """Fixed-length segments of one part of the split (memory-mapped, read-only).

    Used from notebook 03 on (notebooks 05–08 train on them).

    Attributes
    ----------
    X : numpy.memmap, shape (n_segments, ..., frames)
    genre : numpy.ndarray of str, shape (n_segments,)
        Label of each segment.
    track_id : numpy.ndarray of str, shape (n_segments,)
        Track of each segment (for clip-level voting).
    """

    X: np.ndarray
    genre: np.ndarray
    track_id: np.ndarray

    def __len__(self) -> int:
        return len(self.X)


def segment_arrays(
    feats: "TrackFeatures",
    *,
    frames: int,
    hop: int | None = None,
    folder: str | os.PathLike | None = None,
    dtype: str = "float16",
) -> dict[str, Segments]:
    """Cut each track's features into fixed-length segments, split by split, into memory-mapped files.

    Used from notebook 03 on. Segmenting happens **after** the split: every segment
    inherits its track's ``split``, so segments of one clip never sit on both sides
    (cutting first and splitting the segments afterwards would leak). The arrays are
    written one track at a time to ``.npy`` files and returned as read-only memory
    maps, so GTZAN's segments (hundreds of MB) fit in Binder's 2 GB; the same
    request reuses the files.

    The starts are :func:`mgc_helpers.audio.segment_starts` with ``pad=False``: only
    whole segments, a clip shorter than one segment gives none. Training examples are
    never zero-padded; evaluation, where every clip must get a prediction, uses
    ``pad="short"``.

    Parameters
    ----------
    feats : TrackFeatures
        From :func:`mgc_helpers.cache.track_features`; its ``tracks`` need ``split``,
        ``genre``, ``track_id``; each array has time on its last axis.
    frames : int, keyword-only
        Frames per segment (see :func:`mgc_helpers.features.seconds_to_frames`).
    hop : int, keyword-only
        Frames between segment starts (default ``frames``: no overlap).
    folder : path-like, keyword-only
        Where the files go (default ``<cache root>/segments/<key>``).
    dtype : str, keyword-only
        Storage type (float16 by default).

    Returns
    -------
    dict
        ``{"train": Segments, "valid": Segments, "test": Segments}`` (parts present
        only, in that order, then any other split names sorted).

    Warns
    -----
    UserWarning
        When a stored part cannot be read back and is rebuilt (the warning names the file).
    """
    tracks = feats.tracks
    for col in ("split", "genre", "track_id"):
        if col not in tracks.columns:
            raise ValueError(f"segment_arrays needs a '{col}' column: split the tracks first, then segment")
    hop = frames if hop is None else int(hop)
    if frames < 1 or hop < 1:
        raise ValueError(f"frames and hop must be >= 1, got frames={frames}, hop={hop}")
    folder = Path(folder) if folder is not None else config.cache_root() / "segments" / _key(feats, frames, hop, dtype)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Segments] = {}
    present = set(tracks["split"].dropna())
    for part in [p for p in ("train", "valid", "test") if p in present] + sorted(present - {"train", "valid", "test"}):
        rows = np.flatnonzero((tracks["split"] == part).to_numpy())
        out[part] = _write_part(feats, rows, folder / part, frames=frames, hop=hop, dtype=dtype)
    return out


def _key(feats: "TrackFeatures", frames: int, hop: int, dtype: str) -> str:
    """The folder name: a :func:`joblib.hash` of the feature and segment parameters and the files' identities."""
    import joblib

    from .cache import file_identity

    tracks = feats.tracks
    ids = [[str(t), str(s), file_identity(p) if Path(p).exists() else str(p)]
           for t, s, p in zip(tracks["track_id"], tracks["split"], tracks["path"])]
    return joblib.hash({"params": feats.params, "frames": frames, "hop": hop, "dtype": dtype, "tracks": ids})[:16]


def _tmp(path: Path, suffix: str) -> Path:
    """A temporary name beside ``path``, unique to this process and call (``suffix`` keeps numpy's extension)."""
    return path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp{suffix}")


def _write_part(
    feats: "TrackFeatures", rows: np.ndarray, stem: Path, *, frames: int, hop: int, dtype: str
) -> Segments:
    from .audio import segment_starts

    starts = [segment_starts(np.shape(feats.arrays[i])[-1], length=frames, hop=hop, pad=False) for i in rows]
    owner = np.repeat(rows, [len(s) for s in starts])
    x_path, meta_path = stem.with_suffix(".X.npy"), stem.with_suffix(".meta.npz")
    shape = (len(owner), *np.shape(feats.arrays[rows[0]])[:-1], frames) if len(rows) else (0, frames)
    if x_path.exists() and meta_path.exists():
        try:
            return _read_part(x_path, meta_path, shape=shape, dtype=dtype)
        except _Damaged as exc:
            warnings.warn(f"rebuilding the unreadable segment file {exc.path} ({exc.reason})", stacklevel=3)
    _write_x(feats, rows, starts, x_path, shape=shape, frames=frames, dtype=dtype)
    _write_meta(feats, owner, meta_path)
    return _read_part(x_path, meta_path, shape=shape, dtype=dtype)


def _write_x(feats: "TrackFeatures", rows: np.ndarray, starts: list[np.ndarray], x_path: Path, *,
             shape: tuple[int, ...], frames: int, dtype: str) -> None:
    tmp = _tmp(x_path, ".npy")
    try:
        X = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=shape)
        k = 0
        for i, st in zip(rows, starts):
            a = np.asarray(feats.arrays[i])
            for s in st:
                X[k] = a[..., s:s + frames]
                k += 1
        X.flush()
        del X
        os.replace(tmp, x_path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_meta(feats: "TrackFeatures", owner: np.ndarray, meta_path: Path) -> None:
    tracks = feats.tracks
    tmp = _tmp(meta_path, ".npz")
    try:
        np.savez(tmp, genre=tracks["genre"].to_numpy(dtype=str)[owner],
                 track_id=tracks["track_id"].to_numpy(dtype=str)[owner])
        os.replace(tmp, meta_path)
    finally:
        tmp.unlink(missing_ok=True)


class _Damaged(Exception):
    """A stored part that cannot be read back: ``path`` names the bad file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _read_part(x_path: Path, meta_path: Path, *, shape: tuple[int, ...], dtype: str) -> Segments:
    """Read one stored part; raise :class:`_Damaged` naming the bad file if it is truncated, garbage or misshapen."""
    try:
        X = np.load(x_path, mmap_mode="r")
    except _READ_ERRORS as exc:
        raise _Damaged(x_path, f"{type(exc).__name__}: {exc}") from exc
    if X.shape != shape or X.dtype != np.dtype(dtype):
        raise _Damaged(x_path, f"holds {X.dtype} {X.shape}, expected {np.dtype(dtype)} {shape}")
    try:
        with np.load(meta_path) as meta:
            genre, track_id = meta["genre"], meta["track_id"]
    except _READ_ERRORS as exc:
        raise _Damaged(meta_path, f"{type(exc).__name__}: {exc}") from exc
    if genre.shape != (shape[0],) or track_id.shape != (shape[0],):
        raise _Damaged(meta_path, f"labels of shape {genre.shape} / {track_id.shape}, expected ({shape[0]},)")
    return Segments(X, genre, track_id)


# --------------------------------------------------------------------------- normalisation
def _band_axis(x: np.ndarray) -> int:
    """Axis of the bands: (..., bands, frames, 1) images or (..., bands, frames) arrays."""
    return -3 if x.ndim >= 3 and x.shape[-1] == 1 else -2


class Standardizer:
    """Per-band standardisation: subtract the mean and divide by the standard deviation of each band.

    Taught in notebook 04 (and used by 05–08). The statistics are computed from the
    **training** tracks only (:meth:`fit`); validation and test data are transformed with
    those same numbers, otherwise information about the test set leaks into training.

    Attributes
    ----------
    mean, std : numpy.ndarray, shape (n_bands,)
    """

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, arrays: Sequence[np.ndarray] | np.ndarray, *, eps: float = 1e-6) -> "Standardizer":
        """Learn one mean and standard deviation per band from training arrays.

        Parameters
        ----------
        arrays : sequence of arrays of shape (n_bands, n_frames), or an array (n, n_bands, n_frames[, 1])
            The training tracks (their lengths may differ).
        eps : float, keyword-only
            Floor of the standard deviation (a constant band is left unscaled).

        Returns
        -------
        Standardizer
            ``self``.
        """
        if isinstance(arrays, np.ndarray) and arrays.ndim >= 3:
            arrays = list(arrays[..., 0] if _band_axis(arrays) == -3 else arrays)
        if len(arrays) == 0:
            raise ValueError("cannot fit a Standardizer on no arrays")
        n_bands = np.shape(arrays[0])[0]
        total = np.zeros(n_bands)
        total_sq = np.zeros(n_bands)
        count = 0
        for a in arrays:
            a = np.asarray(a, dtype=np.float64)
            if a.ndim != 2 or a.shape[0] != n_bands:
                raise ValueError(f"every array must have shape ({n_bands}, n_frames), got {a.shape}")
            total += a.sum(axis=1)
            total_sq += np.square(a).sum(axis=1)
            count += a.shape[1]
        mean = total / count
        var = np.maximum(total_sq / count - np.square(mean), 0.0)
        self.mean = mean.astype(np.float32)
        self.std = np.maximum(np.sqrt(var), eps).astype(np.float32)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardise ``x`` of shape (..., n_bands, n_frames) or (..., n_bands, n_frames, 1); float32.

        Returns
        -------
        numpy.ndarray
        """
        if self.mean is None or self.std is None:
            raise RuntimeError("call fit() on the training data first")
        x = np.asarray(x, dtype=np.float32)
        axis = _band_axis(x)
        if x.shape[axis] != len(self.mean):
            raise ValueError(f"expected {len(self.mean)} bands on axis {axis}, got shape {x.shape}")
        shape = [1] * x.ndim
        shape[axis] = len(self.mean)
        return (x - self.mean.reshape(shape)) / self.std.reshape(shape)

    def to_dict(self) -> dict[str, list[float]]:
        """The statistics as plain lists (JSON-friendly, to save next to a checkpoint)."""
        if self.mean is None or self.std is None:
            raise RuntimeError("call fit() first")
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, values: dict[str, Sequence[float]]) -> "Standardizer":
        """Rebuild a fitted Standardizer from :meth:`to_dict`'s output."""
        out = cls()
        out.mean = np.asarray(values["mean"], dtype=np.float32)
        out.std = np.asarray(values["std"], dtype=np.float32)
        return out


def fit_standardizer(feats: Any, *, split: str | Sequence[str] = "train") -> Standardizer:
    """A :class:`Standardizer` fitted on the tracks of ``split`` (the training split) only.

    Taught in notebook 04.

    Parameters
    ----------
    feats : mgc_helpers.cache.TrackFeatures
        Features with a ``split`` column in ``feats.tracks``.
    split : str or list of str, keyword-only

    Returns
    -------
    Standardizer
    """
    rows = _split_rows(feats, split)
    return Standardizer().fit([np.asarray(feats.arrays[i]) for i in rows])


# --------------------------------------------------------------------------- segments for a network
@dataclass
class SegmentData:
    """Fixed-length segments ready for a network.

    Taught in notebook 04; used by 05–08.

    Attributes
    ----------
    X : numpy.ndarray, shape (n, n_bands, frames, 1), float32
    y : numpy.ndarray, shape (n,), int64
        Class index of each segment (into ``classes``).
    track_id : numpy.ndarray, shape (n,)
        Track of each segment (for clip-level voting).
    classes : list of str
    """

    X: np.ndarray
    y: np.ndarray
    track_id: np.ndarray
    classes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.y)

    @property
    def n_tracks(self) -> int:
        """Number of distinct tracks."""
        return len(np.unique(self.track_id))


def class_index(labels: Sequence[str], classes: Sequence[str]) -> np.ndarray:
    """Integer class index of each label (``classes.index(label)``), int64.

    Taught in notebook 04. Raises ``ValueError`` for a label that is not a class.
    """
    lookup = {c: i for i, c in enumerate(classes)}
    missing = sorted({str(lab) for lab in labels} - set(lookup))
    if missing:
        raise ValueError(f"label(s) {missing} are not in classes {list(classes)}")
    return np.array([lookup[lab] for lab in labels], dtype=np.int64)


def _split_rows(feats: Any, split: str | Sequence[str]) -> np.ndarray:
    tracks = feats.tracks
    if "split" not in tracks.columns:
        raise ValueError("the tracks need a 'split' column: load them with mgc.datasets.load_tracks")
    parts = [split] if isinstance(split, str) else list(split)
    rows = np.flatnonzero(tracks["split"].isin(parts).to_numpy())
    if len(rows) == 0:
        raise ValueError(f"no track in split {parts}; parts present: {sorted(set(tracks['split']))}")
    return rows


def eval_segments(
    feats: Any,
    *,
    split: str | Sequence[str],
    frames: int,
    hop: int | None = None,
    classes: Sequence[str],
    standardizer: Standardizer | None,
) -> SegmentData:
    """Every consecutive segment of every track of one split, standardised, for evaluation.

    Taught in notebook 04. Segments are cut **after** the split, from the tracks of
    ``split`` only, by the course's one rule (:func:`mgc_helpers.audio.segment_starts` with
    ``pad="short"``): whole segments only (an incomplete tail is dropped), and a track shorter
    than ``frames`` gives one zero-padded segment (:func:`mgc_helpers.audio.cut`).

    Parameters
    ----------
    feats : mgc_helpers.cache.TrackFeatures
        Features of the tracks (``feats.tracks`` has ``split``, ``genre``, ``track_id``).
    split : str or list of str, keyword-only
        ``"valid"``, ``"test"`` (or several parts).
    frames : int, keyword-only
        Frames per segment (3 s at hop 512 and 22050 Hz: 129).
    hop : int, optional, keyword-only
        Frames between segment starts (default ``frames``: no overlap).
    classes : sequence of str, keyword-only
        Class order of the network's outputs.
    standardizer : Standardizer or None, keyword-only
        Fitted on the training split (None: leave the values as they are).

    Returns
    -------
    SegmentData
    """
    hop = int(frames if hop is None else hop)
    if frames < 1 or hop < 1:
        raise ValueError(f"frames and hop must be >= 1, got {frames}, {hop}")
    rows = _split_rows(feats, split)
    genres = feats.tracks["genre"].to_numpy()
    tids = feats.tracks["track_id"].astype(str).to_numpy()
    cuts = [(i, int(s)) for i in rows
            for s in audio.segment_starts(np.shape(feats.arrays[i])[1], length=frames, hop=hop, pad="short")]
    n_bands = int(np.shape(feats.arrays[rows[0]])[0]) if len(rows) else 0
    # Written straight into one float32 array, standardised chunk by chunk: the peak memory is
    # the result itself (GTZAN's 290 test clips in 3-s segments: ~200 MB), not several copies of it.
    Xa = np.empty((len(cuts), n_bands, frames, 1), dtype=np.float32)
    for k in range(0, len(cuts), 256):
        chunk = np.stack([audio.cut(np.asarray(feats.arrays[i]), s, length=frames) for i, s in cuts[k:k + 256]])
        Xa[k:k + 256, ..., 0] = standardizer.transform(chunk) if standardizer is not None else chunk
    owner = np.asarray([tids[i] for i, _ in cuts])
    y = [genres[i] for i, _ in cuts]
    return SegmentData(Xa, class_index(y, classes), owner, list(classes))


def random_crops(
    arrays: Sequence[np.ndarray], *, frames: int, rng: np.random.Generator
) -> np.ndarray:
    """One random window of ``frames`` frames from each array (zero-padded if too short).

    Taught in notebook 05 (random crops: data augmentation for free).

    Returns
    -------
    numpy.ndarray, shape (len(arrays), n_bands, frames), float32
    """
    out = []
    for a in arrays:
        n = np.shape(a)[1]
        start = int(rng.integers(0, n - frames + 1)) if n > frames else 0
        out.append(audio.cut(np.asarray(a), start, length=frames))
    return np.stack(out).astype(np.float32)


def spec_augment(
    X: np.ndarray,
    *,
    rng: np.random.Generator,
    freq_masks: int = 1,
    time_masks: int = 1,
    max_freq: int | None = None,
    max_time: int | None = None,
    value: float = 0.0,
) -> np.ndarray:
    """SpecAugment masking (Park et al., 2019): blank random bands of mel bins and of frames.

    Taught in notebook 05. Each example gets ``freq_masks`` horizontal stripes of up to
    ``max_freq`` bands (default: an eighth of the bands) and ``time_masks`` vertical stripes of
    up to ``max_time`` frames (default: an eighth of the frames), set to ``value`` (0 = the
    mean after standardisation). Time warping, the third part of SpecAugment, is left out.

    Parameters
    ----------
    X : numpy.ndarray, shape (n, n_bands, frames) or (n, n_bands, frames, 1)
    rng : numpy.random.Generator, keyword-only

    Returns
    -------
    numpy.ndarray
        A masked copy, same shape and dtype.
    """
    X = np.array(X, copy=True)
    n_bands, n_frames = X.shape[1], X.shape[2]
    max_freq = max(1, n_bands // 8) if max_freq is None else int(max_freq)
    max_time = max(1, n_frames // 8) if max_time is None else int(max_time)
    for k in range(X.shape[0]):
        for _ in range(freq_masks):
            w = int(rng.integers(0, max_freq + 1))
            f0 = int(rng.integers(0, n_bands - w + 1))
            X[k, f0:f0 + w] = value
        for _ in range(time_masks):
            w = int(rng.integers(0, max_time + 1))
            t0 = int(rng.integers(0, n_frames - w + 1))
            X[k, :, t0:t0 + w] = value
    return X


def train_dataset(
    feats: Any,
    *,
    split: str | Sequence[str] = "train",
    frames: int,
    classes: Sequence[str],
    standardizer: Standardizer | None,
    batch_size: int = 32,
    crops_per_track: int = 4,
    spec_augment: bool | dict[str, Any] = False,
    seed: int = 0,
) -> "tf.data.Dataset":
    """A ``tf.data.Dataset`` of random fixed-length crops of the training tracks, new every epoch.

    Taught in notebook 04 (05 adds SpecAugment). Each epoch visits every track of ``split``
    ``crops_per_track`` times in a fresh random order, each time at a fresh random offset, so
    the network never sees exactly the same example twice. Only the tracks of ``split`` are
    read: no segment of another split can enter.

    Parameters
    ----------
    feats : mgc_helpers.cache.TrackFeatures
    split : str or list of str, keyword-only
        The training part(s).
    frames : int, keyword-only
        Crop length in frames.
    classes : sequence of str, keyword-only
    standardizer : Standardizer or None, keyword-only
        Fitted on the training tracks.
    batch_size : int, keyword-only
    crops_per_track : int, keyword-only
        Crops of each track per epoch (the epoch has ``ceil(n_tracks * crops / batch)`` steps).
    spec_augment : bool or dict, keyword-only
        Apply :func:`spec_augment` to every crop (a dict passes its options).
    seed : int, keyword-only
        Seed of the crop offsets, order and masks (the same seed gives the same epochs).

    Returns
    -------
    tf.data.Dataset
        Yields ``(X, y)`` batches, ``X`` of shape (batch, n_bands, frames, 1) float32, ``y`` int64;
        its length (``len(ds)``) is the number of steps per epoch.
    """
    tf = _tensorflow()
    rows = _split_rows(feats, split)
    arrays = [feats.arrays[i] for i in rows]
    labels = class_index(feats.tracks["genre"].to_numpy()[rows], classes)
    n_bands = int(np.shape(arrays[0])[0])
    options = spec_augment if isinstance(spec_augment, dict) else {}
    rng = np.random.default_rng(seed)  # lives across epochs: every epoch gets new crops
    steps = math.ceil(len(rows) * crops_per_track / batch_size)

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        order = rng.permutation(np.repeat(np.arange(len(rows)), crops_per_track))
        for b in range(steps):
            pick = order[b * batch_size:(b + 1) * batch_size]
            X = random_crops([arrays[i] for i in pick], frames=frames, rng=rng)
            if standardizer is not None:
                X = standardizer.transform(X)
            if spec_augment:
                X = globals()["spec_augment"](X, rng=rng, **options)
            yield X[..., None], labels[pick]

    ds = tf.data.Dataset.from_generator(batches, output_signature=(
        tf.TensorSpec((None, n_bands, frames, 1), tf.float32), tf.TensorSpec((None,), tf.int64)))
    return ds.apply(tf.data.experimental.assert_cardinality(steps)).prefetch(2)


def array_dataset(
    X: np.ndarray, y: np.ndarray, *, batch_size: int = 32, shuffle: bool = True, seed: int = 0
) -> "tf.data.Dataset":
    """A ``tf.data.Dataset`` of ``(X, y)`` batches from arrays (whole clips, feature vectors...).

    Taught in notebook 04 (the feed-forward network on summary features), reshuffled each epoch.
    """
    tf = _tensorflow()
    if not shuffle:  # batches sliced from the arrays as they go: no second copy of a large array in TensorFlow
        X, y = np.asarray(X), np.asarray(y, dtype=np.int64)
        spec = tf.TensorSpec((None, *X.shape[1:]), tf.float32)

        def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for i in range(0, len(X), batch_size):
                yield np.asarray(X[i:i + batch_size], dtype=np.float32), y[i:i + batch_size]

        steps = math.ceil(len(X) / batch_size)
        ds = tf.data.Dataset.from_generator(batches, output_signature=(spec, tf.TensorSpec((None,), tf.int64)))
        return ds.apply(tf.data.experimental.assert_cardinality(steps)).prefetch(2)
    ds = tf.data.Dataset.from_tensor_slices((np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)))
    ds = ds.shuffle(len(X), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(2)


def _tensorflow() -> Any:
    """TensorFlow, imported on first use, quietly (:func:`mgc_helpers._tensorflow.import_tensorflow`)."""
    from ._tensorflow import import_tensorflow

    return import_tensorflow()


#: The name of each dataset's default (honest) split, as the results log records it: GTZAN's fault-filtered
#: artist-disjoint lists, FMA's official artist-filtered split, and the artist-disjoint split of the toy data
#: and of folders (:func:`mgc_helpers.datasets.load_tracks`, ``split="default"``).
SPLIT_NAMES = {"toy": "artist", "gtzan": "filtered", "fma_small": "official", "fma_medium": "official"}


def split_name(tracks: Any, *, dataset: Any) -> str:
    """The name of the split a tracks table carries, for the results log: ``"filtered"``, ``"official"``, ``"artist"``.

    Used by notebooks 05-07 (:func:`mgc_helpers.evaluation.record`'s ``split``). A name the loader
    stored in ``tracks.attrs["split"]`` wins; otherwise the default split of ``dataset``
    (:data:`SPLIT_NAMES`; a folder of genres is split by artist).

    Parameters
    ----------
    tracks : pandas.DataFrame
        From :func:`mgc_helpers.datasets.load_tracks`.
    dataset : str or path-like, keyword-only
        What it was loaded as (the notebook's ``DATASET``).

    Returns
    -------
    str
    """
    stored = getattr(tracks, "attrs", {}).get("split")
    if isinstance(stored, str) and stored and stored != "default":
        return stored
    return SPLIT_NAMES.get(str(dataset), "artist")


# --------------------------------------------------------------------------- the pipeline of one feature set
class Pipeline:
    """The segments of one feature set for a network: training crops and evaluation segments with one set-up.

    Taught in notebook 05; used by notebooks 06 and 07. The features, the segment length,
    the class order and the standardiser (fitted on the training split) are given once;
    :meth:`train_dataset` and :meth:`eval_segments` then take only what changes between
    calls (the split, the hop, the batches), so the validation, test and training segments
    of a notebook cannot disagree about them.

    Parameters
    ----------
    feats : mgc_helpers.cache.TrackFeatures
        Features of every track, with ``split``, ``genre`` and ``track_id`` columns.
    frames : int, keyword-only
        Frames per segment (:func:`mgc_helpers.features.seconds_to_frames`).
    classes : sequence of str, keyword-only
        Class order of the network's outputs.
    standardizer : Standardizer or None, keyword-only
        Fitted on the training split (:func:`fit_standardizer`); None leaves the values as they are.
    hop : int, optional, keyword-only
        Frames between the starts of evaluation segments (default ``frames``: no overlap);
        :meth:`eval_segments` can override it for one split.

    Examples
    --------
    >>> pipe = Pipeline(feats, frames=65, classes=classes, standardizer=fit_standardizer(feats))  # doctest: +SKIP
    >>> valid = pipe.eval_segments("valid")  # doctest: +SKIP
    >>> train_ds = pipe.train_dataset(batch_size=64, seed=0)  # doctest: +SKIP
    """

    def __init__(self, feats: Any, *, frames: int, classes: Sequence[str], standardizer: Standardizer | None,
                 hop: int | None = None) -> None:
        if int(frames) < 1 or (hop is not None and int(hop) < 1):
            raise ValueError(f"frames and hop must be >= 1, got frames={frames}, hop={hop}")
        if isinstance(classes, str) or len(classes) == 0:
            raise ValueError(f"classes must be a non-empty sequence of class names, got {classes!r}")
        if standardizer is not None and standardizer.mean is None:
            raise ValueError("the standardizer is not fitted: use fit_standardizer(feats) (training split only)")
        self.feats = feats
        self.frames = int(frames)
        self.classes = list(classes)
        self.standardizer = standardizer
        self.hop = None if hop is None else int(hop)
        self._segments: dict[tuple[Any, int | None], SegmentData] = {}

    def __repr__(self) -> str:
        return (f"Pipeline({len(self.feats.arrays)} tracks, frames={self.frames}, hop={self.hop}, "
                f"{len(self.classes)} classes, standardised={self.standardizer is not None})")

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """Shape of one network input, ``(n_bands, frames, 1)``."""
        return (int(np.shape(self.feats.arrays[0])[0]), self.frames, 1)

    def eval_segments(self, split: str | Sequence[str], *, hop: int | None = None) -> SegmentData:
        """Every segment of the tracks of ``split`` (:func:`eval_segments`).

        Taught in notebook 05.

        Parameters
        ----------
        split : str or list of str
            ``"valid"``, ``"test"`` (or several parts).
        hop : int, optional, keyword-only
            Frames between segment starts for this call (default: the pipeline's ``hop``).

        Returns
        -------
        SegmentData
            ``X`` of shape (n_segments, n_bands, frames, 1).
        """
        hop = self.hop if hop is None else int(hop)
        key = (split if isinstance(split, str) else tuple(split), hop)
        if key not in self._segments:  # cut once: a notebook that asks again (another network) gets the same array
            self._segments[key] = eval_segments(self.feats, split=split, frames=self.frames, hop=hop,
                                                classes=self.classes, standardizer=self.standardizer)
        return self._segments[key]

    def with_input(self, size: Any) -> "Pipeline":
        """The same tracks, split and classes at another input size: ``n_mels`` bands x ``frames`` at ``hop``.

        Taught in notebook 05, where the reports' CNNs train on their own inputs under the GPU profile
        (report 002: 128 x 660 at hop 1024) and on the recommended CNN's crops under the CPU profile.
        When the size matches this pipeline's features, they are shared (and this very pipeline is
        returned when the frames match too, so its evaluation segments are not cut twice); otherwise the
        log-mel features are computed (cached, :func:`mgc_helpers.cache.track_features`) for the same
        tracks and a standardiser is fitted on their training split.

        Parameters
        ----------
        size : mgc_helpers.config.SeedInput or any object with ``n_mels``, ``hop`` and ``frames``

        Returns
        -------
        Pipeline

        Raises
        ------
        ValueError
            When this pipeline's features are not log-mels with known ``n_mels`` and ``hop_length``.
        """
        n_mels, hop_length, frames = int(size.n_mels), int(size.hop), int(size.frames)
        params = getattr(self.feats, "params", {}) or {}
        if params.get("kind") not in ("logmel", "logmel_features"):
            raise ValueError("with_input needs log-mel features with known n_mels and hop_length "
                             "(mgc_helpers.cache.track_features(tracks, kind='logmel', ...)), got "
                             f"{params.get('kind', 'features of unknown kind')!r}")
        import inspect

        from . import features

        defaults = inspect.signature(features.logmel_features).parameters  # what an unnamed option was
        have = (int(params.get("n_mels", defaults["n_mels"].default)),
                int(params.get("hop_length", defaults["hop_length"].default)))
        if have == (n_mels, hop_length):
            if frames == self.frames:
                return self
            return Pipeline(self.feats, frames=frames, classes=self.classes, standardizer=self.standardizer,
                            hop=self.hop)
        from . import cache

        feats = cache.track_features(self.feats.tracks, kind="logmel", sr=params.get("sr", config.SAMPLE_RATE),
                                     n_mels=n_mels, hop_length=hop_length, progress=False)
        standardizer = fit_standardizer(feats) if self.standardizer is not None else None
        return Pipeline(feats, frames=frames, classes=self.classes, standardizer=standardizer)

    def train_dataset(
        self,
        *,
        split: str | Sequence[str] = "train",
        batch_size: int = 32,
        crops_per_track: int = 4,
        spec_augment: bool | dict[str, Any] = False,
        seed: int = 0,
    ) -> "tf.data.Dataset":
        """Random crops of the training tracks, new every epoch (:func:`train_dataset`).

        Taught in notebook 05; the options are those of :func:`train_dataset`.

        Returns
        -------
        tf.data.Dataset
            ``(X, y)`` batches, ``X`` of shape (batch, n_bands, frames, 1).
        """
        return train_dataset(self.feats, split=split, frames=self.frames, classes=self.classes,
                             standardizer=self.standardizer, batch_size=batch_size,
                             crops_per_track=crops_per_track, spec_augment=spec_augment, seed=seed)
