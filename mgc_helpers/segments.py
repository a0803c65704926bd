"""Fixed-length segments of cached features, cut after the split, in memory-mapped files.

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
"""
from __future__ import annotations

import os
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import config

if TYPE_CHECKING:  # pragma: no cover
    from .cache import TrackFeatures

__all__ = ["Segments", "segment_arrays"]

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
