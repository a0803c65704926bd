"""Classical machine learning for genre classification: feature tables, PCA, a model zoo, honest evaluation.

Taught in notebook 03 (classical baselines, PCA, segment voting and the leakage
lesson). Reports 003 and 004 start from classical baselines; report 000's 99.88 % shows
what a leaky split does. This module provides

- **feature tables** (:func:`feature_table`): one row per clip or per N-second
  segment (report 003: 3 s; report 004: four random 2 s clips per track), read from the
  feature cache (:mod:`mgc_helpers.cache`);
- a loader for the public GTZAN feature CSV (:func:`load_gtzan_csv`) that attaches the
  fault-filtered split by file name;
- **PCA** helpers (:func:`fit_pca`, :func:`n_components_for_variance`,
  :func:`plot_explained_variance`, :func:`plot_pca_scatter`);
- a **zoo** of scikit-learn pipelines (:func:`make_pipeline`, :func:`model_zoo`):
  ``StandardScaler`` → optional ``PCA`` → classifier;
- **group-aware** hyper-parameter search (:func:`group_folds`, :func:`grid_search`):
  folds never share an artist;
- evaluation (:func:`fit_and_score`, :func:`evaluate_zoo`, :func:`table2`) with
  clip-level voting (:mod:`mgc_helpers.evaluation`), and the leakage experiment
  (:func:`leakage_experiment`).

Tables
------
Every feature table is a DataFrame with the :data:`META_COLUMNS` (``track_id``,
``segment``, ``start_s``, ``genre``, ``artist``, ``split``) followed by the feature
columns (:func:`feature_columns`). A full-clip table has one row per track
(``segment`` 0); a segment table has several rows per track, all inheriting the
track's ``split``: segments are cut **after** splitting by track, never before.
"""
from __future__ import annotations

import time
import warnings
import zlib
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from . import config

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from sklearn.pipeline import Pipeline

__all__ = [
    "META_COLUMNS",
    "TABLE_KINDS",
    "FAST_SUMMARY_NAMES",
    "FRAME_ROWS",
    "MODEL_NAMES",
    "PARAM_GRIDS",
    "frame_descriptors",
    "stats_from_frames",
    "segment_summaries",
    "feature_table",
    "feature_columns",
    "xy",
    "clip_predictions",
    "load_gtzan_csv",
    "fit_pca",
    "n_components_for_variance",
    "plot_explained_variance",
    "plot_pca_scatter",
    "make_classifier",
    "make_pipeline",
    "model_zoo",
    "EncodedLabels",
    "n_parameters",
    "group_folds",
    "check_group_folds",
    "cv_folds",
    "grid_search",
    "class_scores",
    "fit_and_score",
    "evaluate_zoo",
    "table2",
    "leakage_experiment",
]

#: The label columns in front of every feature table.
META_COLUMNS: tuple[str, ...] = ("track_id", "segment", "start_s", "genre", "artist", "split")
#: Table kinds of :func:`feature_table` (not to be confused with the per-clip arrays of
#: :data:`mgc_helpers.features.FEATURE_KINDS` that some of them are computed from).
TABLE_KINDS: tuple[str, ...] = ("summary_fast", "summary", "mfcc", "logmel")
#: Hop (samples) of every frame-wise feature here (librosa's default).
HOP_LENGTH = 512


def _summary_names() -> tuple[str, ...]:
    from .features import SUMMARY_FEATURE_NAMES

    return tuple(SUMMARY_FEATURE_NAMES)


#: The 57 GTZAN summary features without the four HPSS ones (harmony / perceptr mean and
#: var): 53 columns with the same names and, on a whole clip, the same values as
#: :func:`mgc_helpers.features.summary_features` (chroma: nearly, see :func:`frame_descriptors`),
#: at a fraction of the cost.
FAST_SUMMARY_NAMES: tuple[str, ...] = tuple(
    n for n in _summary_names() if not n.startswith(("harmony_", "perceptr_"))
)
#: Rows of :func:`frame_descriptors`' array.
FRAME_ROWS: tuple[str, ...] = (
    *(f"chroma{i}" for i in range(1, 13)),
    "rms", "spectral_centroid", "spectral_bandwidth", "rolloff", "zero_crossing_rate",
    *(f"mfcc{i}" for i in range(1, 21)),
    "onset_strength",
)
_ROW = {name: i for i, name in enumerate(FRAME_ROWS)}
#: :func:`frame_descriptors` estimates a clip's tuning (for the chroma) from every 4th frame.
TUNING_STRIDE = 4
#: From this many tracks on, :func:`feature_table` computes the statistics of the cached frame arrays
#: (the tempo of every clip and segment) in ``n_jobs`` worker processes; below it, in this one.
PARALLEL_STATS_FROM = 400


# --------------------------------------------------------------------------- frame-wise features
def frame_descriptors(y: np.ndarray, sr: int, *, n_fft: int = 2048, hop_length: int = HOP_LENGTH) -> np.ndarray:
    """Frame-wise descriptors of a clip, from which summary statistics of any segment follow.

    Taught in notebook 03 (the ``"summary_fast"`` feature kind). One STFT feeds
    12 chroma bins, RMS, spectral centroid, bandwidth and roll-off, zero-crossing
    rate, 20 MFCCs and the onset strength (for the tempo), exactly as
    :func:`mgc_helpers.features.summary_features` computes them, except two savings:
    the costly harmonic/percussive separation is left out, and the clip's tuning
    (which the chroma needs) is estimated from every :data:`TUNING_STRIDE`-th frame
    (the same estimate on steady music; on real recordings the two chroma columns
    can move by a per cent or so). The array is cached per file by
    :func:`mgc_helpers.cache.track_features`; :func:`stats_from_frames` turns any
    span of its frames into the 53 :data:`FAST_SUMMARY_NAMES` values.

    Parameters
    ----------
    y, sr
        Mono signal and sample rate.
    n_fft, hop_length : int, keyword-only
        STFT frame and hop (librosa's defaults, as in GTZAN's CSV).

    Returns
    -------
    numpy.ndarray, shape (38, n_frames), float32
        Rows in the order of :data:`FRAME_ROWS`.
    """
    import librosa

    from . import features

    y = np.asarray(y, dtype=np.float32)
    D = librosa.stft(y=y, n_fft=n_fft, hop_length=hop_length)
    mag = np.abs(D)
    power = mag**2
    desc = _spectral_descriptors_fast(y, sr, mag, n_fft=n_fft, hop_length=hop_length)
    desc["zero_crossing_rate"] = features.spectral_descriptors(
        y, sr=sr, S=mag, n_fft=n_fft, hop_length=hop_length, names=("zero_crossing_rate",))["zero_crossing_rate"]
    L = features.log_mel(sr=sr, S=power)
    # The clip's tuning (one number, in 0.01-bin steps) from every TUNING_STRIDE-th frame: a quarter of the
    # cost of librosa's estimate over all frames (the costliest step here), the same value on steady music.
    tuning = float(librosa.estimate_tuning(S=power[:, ::TUNING_STRIDE], sr=sr, n_fft=n_fft))
    rows = [
        features.chroma(sr=sr, S=power, n_fft=n_fft, hop_length=hop_length, tuning=tuning),
        np.stack([desc[k] for k in ("rms", "spectral_centroid", "spectral_bandwidth",
                                    "spectral_rolloff", "zero_crossing_rate")]),
        features.mfcc(sr=sr, S=L, n_mfcc=20),
        librosa.onset.onset_strength(S=L, sr=sr, hop_length=hop_length)[None, :],
    ]
    n = min(r.shape[-1] for r in rows)
    return np.concatenate([r[:, :n] for r in rows]).astype(np.float32)


def _spectral_descriptors_fast(y: np.ndarray, sr: int, mag: np.ndarray, *, n_fft: int, hop_length: int
                               ) -> dict[str, np.ndarray]:
    """RMS, spectral centroid, bandwidth and 85 % roll-off as :func:`mgc_helpers.features.spectral_descriptors`
    (librosa's definitions, equal to rounding; tested) in a few matrix products: librosa's general
    functions spend most of their time normalising copies of the spectrogram."""
    import librosa

    S = np.asarray(mag, dtype=np.float32)
    freq = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    moments = (np.stack([freq, freq**2]).astype(np.float32) @ S).astype(np.float64)   # sum f S, sum f^2 S
    total = S.sum(axis=0, dtype=np.float64)
    scale = np.where(total > np.finfo(np.float32).tiny, total, 1.0)   # librosa leaves silent frames as they are
    centroid = moments[0] / scale
    bandwidth = np.sqrt(np.maximum(moments[1] / scale - 2 * centroid * moments[0] / scale
                                   + centroid**2 * total / scale, 0.0))
    cumulative = np.cumsum(S, axis=0)                  # float32, like librosa: the same bin at the threshold
    rolloff = freq[np.argmax(cumulative >= 0.85 * cumulative[-1], axis=0)]
    # RMS of each centred, zero-padded frame of n_fft samples, from a running sum of y**2
    y2 = np.concatenate([np.zeros(n_fft // 2), np.asarray(y, dtype=np.float64) ** 2, np.zeros(n_fft // 2)])
    running = np.concatenate([[0.0], np.cumsum(y2)])
    starts = np.arange(S.shape[1]) * hop_length
    rms = np.sqrt(np.maximum(running[np.minimum(starts + n_fft, len(y2))] - running[starts], 0.0) / n_fft)
    return {"rms": rms, "spectral_centroid": centroid, "spectral_bandwidth": bandwidth, "spectral_rolloff": rolloff}


def stats_from_frames(
    F: np.ndarray, sr: int, *, start: int = 0, stop: int | None = None, hop_length: int = HOP_LENGTH
) -> np.ndarray:
    """The 53 :data:`FAST_SUMMARY_NAMES` values of frames ``start:stop`` of a :func:`frame_descriptors` array.

    Taught in notebook 03. Means and variances over the frames (chroma: over frames
    and the 12 pitch classes, like GTZAN's ``chroma_stft``), and the tempo of the
    span's onset envelope. On the whole clip they equal
    :func:`mgc_helpers.features.summary_features`; on a segment they differ slightly
    from features of the cut-out audio at the segment's two edge frames.

    Returns
    -------
    numpy.ndarray, shape (53,), float64
    """
    import librosa

    W = np.asarray(F[:, start:stop], dtype=np.float64)
    if W.shape[1] == 0:
        raise ValueError(f"no frames in {start}:{stop} (the array has {F.shape[1]})")
    out: list[float] = []
    chroma = W[:12]
    out += [chroma.mean(), chroma.var()]
    for name in ("rms", "spectral_centroid", "spectral_bandwidth", "rolloff", "zero_crossing_rate"):
        out += [W[_ROW[name]].mean(), W[_ROW[name]].var()]
    out.append(float(librosa.feature.tempo(onset_envelope=W[_ROW["onset_strength"]], sr=sr,
                                           hop_length=hop_length)[0]))
    for i in range(1, 21):
        r = W[_ROW[f"mfcc{i}"]]
        out += [r.mean(), r.var()]
    return np.asarray(out, dtype=np.float64)


def _salt(track_id: Any) -> int:
    return zlib.crc32(str(track_id).encode())


def segment_summaries(
    y: np.ndarray,
    sr: int,
    *,
    seconds: float,
    hop_seconds: float | None = None,
    n_random: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """The full 57 summary features of every segment of a clip (slow: HPSS per segment).

    Used in notebook 03 through ``feature_table(..., kind="summary", seconds=...)``.
    The segments are cut out of the audio and each gets
    :func:`mgc_helpers.features.summary_features`. Random starts are seeded with
    ``seed`` and the clip's first samples, so they are the same on every run.

    Returns
    -------
    numpy.ndarray, shape (n_segments, 58)
        Column 0: start in seconds; then the 57 features in CSV order.
    """
    from .audio import segment_starts
    from .features import summary_features

    hop = None if hop_seconds is None else max(1, int(round(hop_seconds * sr)))
    salt = zlib.crc32(np.asarray(y[:4096], dtype=np.float32).tobytes())
    length = int(round(seconds * sr))
    starts = segment_starts(len(y), length=length, hop=hop, pad=False, n_random=n_random, seed=seed, salt=salt)
    names = _summary_names()
    rows = []
    for s in starts:
        values = summary_features(np.asarray(y[s:s + length]), sr)
        rows.append([s / sr, *(values[k] for k in names)])
    return np.asarray(rows, dtype=np.float64).reshape(len(starts), 1 + len(names))


# --------------------------------------------------------------------------- feature tables
def _meta(track: Mapping[str, Any], segment: int, start_s: float) -> list[Any]:
    return [track["track_id"], segment, start_s, track["genre"], track.get("artist", np.nan),
            track.get("split", np.nan)]


def _frame_spans(
    n_frames: int, *, seconds: float | None, hop_seconds: float | None, n_random: int | None,
    seed: int, track_id: Any, sr: int,
) -> list[tuple[int, int | None]]:
    """Frame spans of a clip's segments: the course's rule with ``pad=False`` (whole segments only, a clip
    shorter than one segment has no row), random starts salted with the track id."""
    if seconds is None:
        return [(0, None)]
    from .audio import segment_starts
    from .features import seconds_to_frames

    length = seconds_to_frames(seconds, sr=sr, hop_length=HOP_LENGTH)
    hop = None if hop_seconds is None else seconds_to_frames(hop_seconds, sr=sr, hop_length=HOP_LENGTH)
    starts = segment_starts(n_frames, length=length, hop=hop, pad=False, n_random=n_random, seed=seed,
                            salt=_salt(track_id))
    return [(int(s), int(s) + length) for s in starts]


def _stats_chunk(stat: Any, arrays: Sequence[np.ndarray], cuts: Sequence[Sequence[tuple[int, int | None]]]
                 ) -> list[np.ndarray]:
    return [stat(np.asarray(A), a, b) for A, span in zip(arrays, cuts) for a, b in span]


def _from_arrays(
    tracks: pd.DataFrame, arrays: list[np.ndarray], stat: Any, names: Sequence[str], spans: Any, n_jobs: int = 1,
) -> pd.DataFrame:
    rows, values = [], []
    cuts = [spans(np.shape(A)[-1], tid) for tid, A in zip(tracks["track_id"], arrays)]
    for (_, track), span in zip(tracks.iterrows(), cuts):
        for k, (a, _b) in enumerate(span):
            rows.append(_meta(track, k, a * HOP_LENGTH / config.SAMPLE_RATE))
    if n_jobs > 1 and len(arrays) >= PARALLEL_STATS_FROM:
        from joblib import Parallel, delayed, parallel_config

        chunks = np.array_split(np.arange(len(arrays)), n_jobs)
        with parallel_config(backend="loky", idle_worker_timeout=2.0):  # no idle workers holding memory after
                parts = Parallel(n_jobs=n_jobs)(delayed(_stats_chunk)(stat, [arrays[i] for i in c], [cuts[i] for i in c])
                                            for c in chunks)
        values = [v for part in parts for v in part]
    else:
        values = _stats_chunk(stat, arrays, cuts)
    if not rows:
        raise ValueError("no clip is long enough for one segment")
    table = pd.DataFrame(np.asarray(values, dtype=np.float64), columns=list(names))
    return pd.concat([pd.DataFrame(rows, columns=list(META_COLUMNS)), table], axis=1)


def feature_table(
    tracks: pd.DataFrame,
    *,
    kind: str = "summary_fast",
    seconds: float | None = None,
    hop_seconds: float | None = None,
    n_random: int | None = None,
    seed: int = 0,
    n_jobs: int = 2,
    progress: bool = False,
    n_mels: int = 32,
    pool: int = 16,
) -> pd.DataFrame:
    """A table of features per full clip or per N-second segment, computed through the feature cache.

    Taught in notebook 03.

    Parameters
    ----------
    tracks : pandas.DataFrame
        A tracks table (:func:`mgc_helpers.datasets.load_tracks`): ``track_id``,
        ``path``, ``genre`` (``artist``, ``split`` carried over).
    kind : str, keyword-only
        ``"summary_fast"`` (53 of GTZAN's 57 summary columns, all but the HPSS
        ones; per segment from one cached pass over each file),
        ``"summary"`` (the 57 columns of ``features_30_sec.csv``;
        :func:`mgc_helpers.cache.summary_table` per clip, :func:`segment_summaries`
        per segment: slow), ``"mfcc"`` (mean and variance of 20 MFCCs: 40 columns) or
        ``"logmel"`` (a flattened log-mel spectrogram with ``n_mels`` bands, averaged
        over blocks of ``pool`` frames, as report 004 fed its classical models; full clips
        are cut to the shortest).
    seconds : float, optional, keyword-only
        Segment length; ``None`` (default): one row per full clip.
    hop_seconds : float, optional, keyword-only
        Distance between segment starts (default: ``seconds``, no overlap).
    n_random : int, optional, keyword-only
        Draw this many random segments per track instead (report 004: ``n_random=4,
        seconds=2``); reproducible with ``seed``.
    n_jobs, progress : keyword-only
        Feature extraction workers and progress bar (cache misses only).
    n_mels, pool : int, keyword-only
        ``"logmel"`` only.

    Returns
    -------
    pandas.DataFrame
        :data:`META_COLUMNS` then the features; ``attrs`` records kind and segmenting.
    """
    from . import cache, features

    if kind not in TABLE_KINDS:
        raise ValueError(f"kind must be one of {TABLE_KINDS}, got {kind!r}")
    if n_random is not None and seconds is None:
        raise ValueError("n_random needs seconds (the length of the random segments)")
    opts = dict(n_jobs=n_jobs, progress=progress)
    sr = config.SAMPLE_RATE

    def spans(n_frames: int, tid: Any) -> list[tuple[int, int | None]]:
        return _frame_spans(n_frames, seconds=seconds, hop_seconds=hop_seconds, n_random=n_random,
                            seed=seed, track_id=tid, sr=sr)

    if kind == "summary":
        table = _summary_table(tracks, seconds=seconds, hop_seconds=hop_seconds, n_random=n_random,
                               seed=seed, **opts)
    elif kind == "summary_fast":
        feats = cache.track_features(tracks, kind=frame_descriptors, **opts)
        table = _from_arrays(feats.tracks, feats.arrays, lambda A, a, b: stats_from_frames(A, sr, start=a, stop=b),
                             FAST_SUMMARY_NAMES, spans, n_jobs)
    elif kind == "mfcc":
        feats = cache.track_features(tracks, kind="mfcc", n_mfcc=20, **opts)
        names = [f"mfcc{i}_{s}" for i in range(1, 21) for s in ("mean", "var")]
        table = _from_arrays(feats.tracks, feats.arrays, _mean_var, names, spans, n_jobs)
    else:
        feats = cache.track_features(tracks, kind="logmel", n_mels=n_mels, **opts)
        n_min = min(np.shape(a)[-1] for a in feats.arrays)
        width = (n_min if seconds is None else features.seconds_to_frames(seconds, sr=sr)) // pool * pool
        if width < pool:
            raise ValueError(f"segments of {seconds} s are shorter than one pooling block of {pool} frames")
        names = [f"mel{m}_t{t}" for m in range(n_mels) for t in range(width // pool)]
        stat = lambda A, a, b: A[:, a:a + width].astype(np.float64).reshape(n_mels, -1, pool).mean(-1).ravel()  # noqa: E731
        table = _from_arrays(feats.tracks, feats.arrays, stat, names, spans)
    table.attrs.update({"kind": kind, "seconds": seconds, "n_random": n_random})
    return table


def _mean_var(A: np.ndarray, a: int, b: int | None) -> np.ndarray:
    W = np.asarray(A[:, a:b], dtype=np.float64)
    return np.stack([W.mean(axis=1), W.var(axis=1)], axis=1).ravel()


def _summary_table(tracks: pd.DataFrame, *, seconds: float | None, hop_seconds: float | None,
                   n_random: int | None, seed: int, n_jobs: int, progress: bool) -> pd.DataFrame:
    from . import cache

    names = list(_summary_names())
    if seconds is None:
        summary = cache.summary_table(tracks, n_jobs=n_jobs, progress=progress).reset_index()
        summary["segment"], summary["start_s"] = 0, 0.0
        for col in ("artist", "split"):
            if col not in summary.columns:
                summary[col] = np.nan
        return summary[[*META_COLUMNS, *names]]
    results, failures = cache.extract(list(tracks["path"]), segment_summaries, n_jobs=n_jobs, progress=progress,
                                      seconds=seconds, hop_seconds=hop_seconds, n_random=n_random, seed=seed)
    if failures:
        warnings.warn(f"{len(failures)} file(s) failed and were left out", stacklevel=3)
    rows, values = [], []
    for (_, track), res in zip(tracks.iterrows(), results):
        if res is None:
            continue
        for k, r in enumerate(res):
            rows.append(_meta(track, k, float(r[0])))
            values.append(r[1:])
    table = pd.DataFrame(np.asarray(values).reshape(len(rows), len(names)), columns=names)
    return pd.concat([pd.DataFrame(rows, columns=list(META_COLUMNS)), table], axis=1)


def feature_columns(table: pd.DataFrame) -> list[str]:
    """The feature columns of a feature table (everything but :data:`META_COLUMNS`).

    Used in notebook 03.
    """
    return [c for c in table.columns if c not in META_COLUMNS and c not in ("filename", "length", "label")]


def xy(table: pd.DataFrame, *, parts: str | Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Features ``X`` and genres ``y`` of the rows of some parts of the split.

    Used in notebook 03: ``X_train, y_train = xy(table, parts=["train", "valid"])``.

    Parameters
    ----------
    table : pandas.DataFrame
        A feature table.
    parts : str or sequence of str, optional, keyword-only
        Values of ``split`` to keep (default: all rows).
    """
    rows = _rows(table, parts)
    return rows[feature_columns(rows)].to_numpy(dtype=np.float64), rows["genre"].to_numpy()


def _rows(table: pd.DataFrame, parts: str | Sequence[str] | None) -> pd.DataFrame:
    if parts is None:
        return table
    wanted = [parts] if isinstance(parts, str) else list(parts)
    rows = table[table["split"].isin(wanted)]
    if rows.empty:
        raise ValueError(f"no rows in split part(s) {wanted}; the table has {sorted(table['split'].dropna().unique())}")
    return rows


# --------------------------------------------------------------------------- the public GTZAN CSV
def load_gtzan_csv(
    path: str | Any,
    *,
    splits_dir: str | Any | None = None,
    split: str = "filtered",
    seed: int = 0,
) -> pd.DataFrame:
    """Read GTZAN's public feature CSV and attach the fault-filtered, artist-disjoint split.

    Taught in notebook 03 (runs the pipeline on real GTZAN features without the
    audio). The CSV is ``features_30_sec.csv`` (one row per clip) or
    ``features_3_sec.csv`` (ten 3 s segments per clip) of the Kaggle release of GTZAN:
    columns ``filename`` (``blues.00000.wav`` or ``blues.00000.3.wav``), ``length``,
    the 57 summary features (the names of
    :data:`mgc_helpers.features.SUMMARY_FEATURE_NAMES`) and ``label``.

    Parameters
    ----------
    path : path-like
        The CSV file.
    splits_dir : path-like, optional, keyword-only
        Folder with ``{train,valid,test}_filtered.txt`` (default
        ``<data root>/gtzan/splits``; ``python -m mgc_helpers download gtzan_splits``).
    split : {"filtered", "random"}, keyword-only
        ``"filtered"``: Kereliuk–Sturm–Larsen's split (clips not listed are dropped
        and listed in ``attrs["excluded"]``); ``"random"``: a stratified random split
        of the clips (60/20/20, for comparison only).
    seed : int, keyword-only
        Seed of the random split.

    Returns
    -------
    pandas.DataFrame
        A feature table (:data:`META_COLUMNS` + the 57 features); ``artist`` is
        unknown (NaN) in GTZAN.
    """
    from pathlib import Path

    from .datasets import splits as _splits

    csv = pd.read_csv(path)
    names = list(_summary_names())
    missing = [c for c in ("filename", "label", *names) if c not in csv.columns]
    if missing:
        raise ValueError(f"{path}: not a GTZAN feature CSV, missing column(s) {missing[:5]}")
    parts = csv["filename"].astype(str).str.replace(r"\.(wav|au)$", "", regex=True).str.split(".")
    bad = parts.map(len).lt(2) | ~parts.map(lambda p: len(p) > 1 and p[1].isdigit())
    if bad.any():
        raise ValueError(f"{path}: unexpected file name {csv['filename'][bad].iloc[0]!r}")
    track_id = parts.map(lambda p: f"{p[0]}.{p[1]}")
    segment = parts.map(lambda p: int(p[2]) if len(p) > 2 else 0)
    seg_len = float(csv["length"].iloc[0]) / config.SAMPLE_RATE if "length" in csv and (segment > 0).any() else 0.0
    table = pd.DataFrame({"track_id": track_id, "segment": segment, "start_s": segment * seg_len,
                          "genre": csv["label"].astype(str), "artist": np.nan, "split": None})
    if split == "filtered":
        folder = Path(splits_dir) if splits_dir is not None else config.data_root() / "gtzan" / "splits"
        lists = _splits.read_split_lists(folder)
        part = {tid: name for name, ids in lists.items() for tid in ids}
        table["split"] = table["track_id"].map(part)
    elif split == "random":
        clips = table.drop_duplicates("track_id")
        assigned = dict(zip(clips["track_id"], _splits.stratified_split(clips["genre"], seed=seed)))
        table["split"] = table["track_id"].map(assigned)
    else:
        raise ValueError(f"split must be 'filtered' or 'random', got {split!r}")
    out = pd.concat([table, csv[names].astype(np.float64)], axis=1)
    keep = out["split"].notna()
    excluded = sorted(set(out.loc[~keep, "track_id"]))
    out = out[keep].reset_index(drop=True)
    out.attrs.update({"kind": "summary", "excluded": excluded, "source": str(path)})
    return out


# --------------------------------------------------------------------------- PCA
def fit_pca(X: np.ndarray, *, n_components: int | float | None = None, standardize: bool = True,
            seed: int = 0) -> "Pipeline":
    """Fit PCA (after standardising every feature, by default) and return the fitted pipeline.

    Taught in notebook 03. Summary features live on wildly different scales (the
    centroid in Hz, the ZCR below 1): without standardising, PCA would only see the
    largest numbers. ``pipe[-1].explained_variance_ratio_`` holds each component's
    share of the variance.

    Parameters
    ----------
    X : numpy.ndarray, shape (n_samples, n_features)
    n_components : int, float or None, keyword-only
        As :class:`sklearn.decomposition.PCA` (``None``: all).
    standardize : bool, keyword-only
        Put a ``StandardScaler`` first.
    """
    from sklearn.decomposition import PCA
    from sklearn.pipeline import make_pipeline as sk_make_pipeline
    from sklearn.preprocessing import StandardScaler

    steps = ([StandardScaler()] if standardize else []) + [PCA(n_components=n_components, random_state=seed)]
    return sk_make_pipeline(*steps).fit(np.asarray(X, dtype=np.float64))


def n_components_for_variance(explained_variance_ratio: Sequence[float], target: float) -> int:
    """Smallest number of leading components whose explained variance reaches ``target``.

    Taught in notebook 03 (report 004: 15 components explained 76 %). ``k`` is the
    first index where the cumulative sum of the ratios is ``>= target`` (plus one).

    Parameters
    ----------
    explained_variance_ratio : sequence of float
        ``PCA().explained_variance_ratio_`` (sorted in decreasing order).
    target : float
        A fraction in (0, 1].

    Raises
    ------
    ValueError
        ``target`` is out of range or above the total explained variance.
    """
    ratios = np.asarray(explained_variance_ratio, dtype=float)
    if not 0 < target <= 1:
        raise ValueError(f"target must be a fraction in (0, 1], got {target}")
    cumulative = np.cumsum(ratios)
    reached = np.flatnonzero(cumulative >= target - 1e-12)
    if reached.size == 0:
        raise ValueError(f"all {ratios.size} components explain only {cumulative[-1]:.3f} < {target}")
    return int(reached[0] + 1)


def _ratios(pca: Any) -> np.ndarray:
    if hasattr(pca, "explained_variance_ratio_"):
        return np.asarray(pca.explained_variance_ratio_)
    if hasattr(pca, "steps"):
        return np.asarray(pca[-1].explained_variance_ratio_)
    return np.asarray(pca, dtype=float)


def plot_explained_variance(
    pca: Any, *, target: float | None = None, ax: "Axes | None" = None, title: str | None = None
) -> "Axes":
    """Bar chart of each component's explained variance with the cumulative curve.

    Taught in notebook 03. ``pca`` is a fitted PCA, a pipeline ending in one
    (:func:`fit_pca`), or the ratios themselves. With ``target`` the plot marks the
    number of components reaching it.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    ratios = _ratios(pca)
    k = np.arange(1, ratios.size + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(k, ratios, color="C0", alpha=0.6, label="per component")
    ax.plot(k, np.cumsum(ratios), "o-", color="C1", markersize=3, label="cumulative")
    if target is not None:
        n = n_components_for_variance(ratios, target)
        ax.axhline(target, color="C3", linestyle="--", linewidth=1)
        ax.axvline(n, color="C3", linestyle=":", linewidth=1)
        ax.annotate(f"{n} components ≥ {target:.0%}", (n, target), xytext=(6, -14), textcoords="offset points",
                    color="C3")
    ax.set(xlabel="principal component", ylabel="explained variance ratio", ylim=(0, 1.02),
           title=title or "PCA: explained variance")
    ax.legend(loc="center right")
    return ax


def plot_pca_scatter(
    X: np.ndarray,
    genres: Sequence[str],
    *,
    standardize: bool = True,
    ax: "Axes | None" = None,
    title: str | None = None,
    seed: int = 0,
) -> "Axes":
    """Scatter of the first two principal components, one colour per genre.

    Taught in notebook 03. The axis labels give each component's share of the
    variance: a 2-D picture of a 50-D table shows only that much.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    pipe = fit_pca(X, n_components=2, standardize=standardize, seed=seed)
    Z = pipe.transform(np.asarray(X, dtype=np.float64))
    ratios = pipe[-1].explained_variance_ratio_
    genres = np.asarray(genres)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5.5))
    cmap = plt.get_cmap("tab10" if len(set(genres)) <= 10 else "tab20")
    for i, g in enumerate(sorted(set(genres))):
        m = genres == g
        ax.scatter(Z[m, 0], Z[m, 1], s=18, alpha=0.75, color=cmap(i % cmap.N), label=g)
    ax.set(xlabel=f"PC 1 ({ratios[0]:.0%} of the variance)", ylabel=f"PC 2 ({ratios[1]:.0%})",
           title=title or "The first two principal components")
    ax.legend(fontsize=8, ncol=2, loc="best")
    return ax


# --------------------------------------------------------------------------- the model zoo
#: Names of :func:`make_classifier`, in the order of the results tables.
MODEL_NAMES: tuple[str, ...] = (
    "dummy_most_frequent", "dummy_stratified", "logreg", "knn", "svm_rbf", "decision_tree",
    "gaussian_nb", "random_forest", "hist_gradient_boosting", "xgboost",
)

#: Small hyper-parameter grids (keys are pipeline parameters) for :func:`grid_search`.
PARAM_GRIDS: dict[str, dict[str, list[Any]]] = {
    "logreg": {"clf__C": [0.1, 1.0]},
    "knn": {"clf__n_neighbors": [1, 5, 9]},
    "svm_rbf": {"clf__C": [1.0, 10.0, 100.0], "clf__gamma": ["scale", 0.01]},
    "decision_tree": {"clf__max_depth": [5, None]},
    "random_forest": {"clf__max_features": ["sqrt", 0.3]},
    "hist_gradient_boosting": {"clf__learning_rate": [0.05, 0.2]},
    "xgboost": {"clf__estimator__max_depth": [3, 6]},
}


def _xgboost_available() -> bool:
    try:
        import xgboost  # noqa: F401
    except ImportError:
        return False
    return True


def make_classifier(name: str, *, seed: int = 0) -> Any:
    """A fresh, untrained scikit-learn classifier of the zoo.

    Taught in notebook 03. Defaults are small (the zoo must train in seconds on
    two cores): 100 trees in the forest, 60 boosting iterations.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES` (``"xgboost"`` needs the optional ``xgboost`` package).
    seed : int, keyword-only
        ``random_state`` where the model is random.
    """
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    factories = {
        "dummy_most_frequent": lambda: DummyClassifier(strategy="most_frequent"),
        "dummy_stratified": lambda: DummyClassifier(strategy="stratified", random_state=seed),
        "logreg": lambda: LogisticRegression(C=1.0, max_iter=2000),
        "knn": lambda: KNeighborsClassifier(n_neighbors=5),
        "svm_rbf": lambda: SVC(kernel="rbf", C=10.0, gamma="scale", random_state=seed),
        "decision_tree": lambda: DecisionTreeClassifier(random_state=seed),
        "gaussian_nb": lambda: GaussianNB(),
        "random_forest": lambda: RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1),
        "hist_gradient_boosting": lambda: HistGradientBoostingClassifier(
            max_iter=60, learning_rate=0.1, early_stopping=False, random_state=seed),
    }
    if name == "xgboost":
        if not _xgboost_available():
            raise ImportError("xgboost is not installed (pip install xgboost); "
                              "hist_gradient_boosting is scikit-learn's equivalent")
        import xgboost

        return EncodedLabels(xgboost.XGBClassifier(n_estimators=100, max_depth=4, learning_rate=0.2,
                                                   random_state=seed, n_jobs=1))
    if name not in factories:
        raise ValueError(f"unknown model {name!r}; choose from {MODEL_NAMES}")
    return factories[name]()


class EncodedLabels(ClassifierMixin, BaseEstimator):
    """Wrap a classifier that wants classes ``0..K-1`` (XGBoost) so that it takes genre names.

    Used in notebook 03 for the optional XGBoost model.
    """

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def fit(self, X: np.ndarray, y: Sequence[Any]) -> "EncodedLabels":
        from sklearn.base import clone

        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        self.estimator_ = clone(self.estimator).fit(X, codes)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.asarray(self.estimator_.predict(X), dtype=int)]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return self.estimator_.predict_proba(X)


def make_pipeline(name: str, *, pca: int | float | None = None, seed: int = 0) -> "Pipeline":
    """``StandardScaler`` → optional ``PCA`` → classifier, as one scikit-learn ``Pipeline``.

    Taught in notebook 03. Inside a pipeline the scaler and the PCA are fitted on the
    training rows only (in every cross-validation fold too), so no statistic of the
    test rows leaks into training.

    Parameters
    ----------
    name : str
        A classifier of :data:`MODEL_NAMES`.
    pca : int or float, optional, keyword-only
        Number of components, or the variance fraction to keep (report 004: 15).
    seed : int, keyword-only
        Random state of the classifier and the PCA.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``scale``, (``pca``), ``clf``.
    """
    from sklearn.decomposition import PCA
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    steps: list[tuple[str, Any]] = [("scale", StandardScaler())]
    if pca is not None:
        steps.append(("pca", PCA(n_components=pca, random_state=seed)))
    steps.append(("clf", make_classifier(name, seed=seed)))
    return Pipeline(steps)


def model_zoo(
    *, names: Iterable[str] | None = None, pca: int | float | None = None, seed: int = 0
) -> dict[str, "Pipeline"]:
    """Every baseline of the course as an untrained pipeline (:func:`make_pipeline`).

    Taught in notebook 03. By default all :data:`MODEL_NAMES`; ``xgboost`` only
    when the package is installed.

    Returns
    -------
    dict
        ``{name: Pipeline}`` in the order of :data:`MODEL_NAMES`.
    """
    wanted = list(MODEL_NAMES) if names is None else list(names)
    if names is None and not _xgboost_available():
        wanted.remove("xgboost")
    return {n: make_pipeline(n, pca=pca, seed=seed) for n in wanted}


def n_parameters(model: Any) -> int | None:
    """How many numbers a fitted classifier learned (a rough size, for the results table).

    Taught in notebook 03, to compare with the networks' parameter counts later.
    Linear models: weights + biases; SVM: support vectors + dual coefficients +
    biases; k-NN: the whole training set it stores; Gaussian NB: means and variances;
    trees and ensembles: 2 numbers (feature, threshold) per split node + the class
    values of every leaf; dummies: one number per class. The scaler and PCA of a
    pipeline count too. ``None`` for unknown estimators.
    """
    if hasattr(model, "steps"):
        counts = [n_parameters(step) for _, step in model.steps]
        return None if any(c is None for c in counts) else int(sum(counts))
    if isinstance(model, EncodedLabels):
        return None
    kind = type(model).__name__
    if kind == "StandardScaler":
        return int(model.mean_.size + model.scale_.size)
    if kind == "PCA":
        return int(model.components_.size + model.mean_.size)
    if kind == "DummyClassifier":
        return int(len(model.classes_))
    if hasattr(model, "coef_") and kind != "SVC":
        return int(model.coef_.size + np.size(model.intercept_))
    if kind == "SVC":
        return int(model.support_vectors_.size + model.dual_coef_.size + model.intercept_.size)
    if kind == "KNeighborsClassifier":
        return int(model.n_samples_fit_ * (model.n_features_in_ + 1))
    if kind == "GaussianNB":
        return int(model.theta_.size + model.var_.size + model.class_prior_.size)
    if hasattr(model, "tree_"):
        return _tree_size(model.tree_)
    if hasattr(model, "estimators_") and kind == "RandomForestClassifier":
        return int(sum(_tree_size(t.tree_) for t in model.estimators_))
    if kind == "HistGradientBoostingClassifier":
        return int(sum(2 * int((~p.nodes["is_leaf"].astype(bool)).sum()) + int(p.nodes["is_leaf"].sum())
                       for it in model._predictors for p in it))
    return None


def _tree_size(tree: Any) -> int:
    leaves = tree.children_left == -1
    return int(2 * np.sum(~leaves) + np.sum(leaves) * tree.value.shape[-1])


# --------------------------------------------------------------------------- group-aware search
def group_folds(
    y: Sequence[Any], groups: Sequence[Any], *, n_splits: int = 4, seed: int = 0, stratified: bool = True
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cross-validation folds that keep every group (artist) on one side.

    Taught in notebook 03. ``StratifiedGroupKFold`` (genres balanced across folds) or
    ``GroupKFold``. Rows without a group (NaN) each form their own group.

    Returns
    -------
    list of (train_indices, test_indices)
    """
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    g = _group_codes(groups)
    if len(np.unique(g)) < n_splits:
        raise ValueError(f"{len(np.unique(g))} groups cannot fill {n_splits} folds")
    if stratified:
        cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    else:
        cv = GroupKFold(n_splits=n_splits)
    folds = [(np.asarray(a), np.asarray(b)) for a, b in cv.split(np.zeros(len(g)), np.asarray(y), g)]
    check_group_folds(folds, g)
    return folds


def cv_folds(
    train: pd.DataFrame, *, n_splits: int = 4, seed: int = 0
) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """Honest cross-validation folds for a training table, and a sentence saying which scheme was used.

    Taught in notebook 03. With artist labels: :func:`group_folds` by artist
    (``n_splits`` artist-disjoint folds). Without them (GTZAN has none) artist-grouped
    folds cannot be built, and folds of single clips would put one artist's songs on
    both sides; the split's own ``train`` / ``valid`` parts, which the fault-filtered
    lists made artist-aware, then serve as one predefined fold (fit on ``train``,
    score on ``valid``). Rows are positions in ``train``.

    Raises
    ------
    ValueError
        No artists and no ``train`` + ``valid`` parts to fall back on.
    """
    y = train["genre"].to_numpy()
    if "artist" in train.columns and train["artist"].notna().any():
        folds = group_folds(y, train["artist"], n_splits=n_splits, seed=seed)
        return folds, f"{n_splits} artist-disjoint folds ({train['artist'].nunique()} artists)"
    part = train["split"].to_numpy() if "split" in train.columns else np.array([])
    fit, held = np.flatnonzero(part == "train"), np.flatnonzero(part == "valid")
    if not len(fit) or not len(held):
        raise ValueError("no artist labels and no train/valid parts: no honest folds can be built "
                         "(give the table an 'artist' column, or a 'split' with 'train' and 'valid' rows)")
    return [(fit, held)], ("the split's own train/valid parts as one fold (no artist labels; "
                           "the split lists keep artists apart)")


def _group_codes(groups: Sequence[Any]) -> np.ndarray:
    s = pd.Series(list(groups), dtype=object)
    filled = s.where(s.notna(), pd.Series([f"__row{i}" for i in range(len(s))], dtype=object))
    return pd.factorize(filled.astype(str))[0]


def check_group_folds(folds: Iterable[tuple[np.ndarray, np.ndarray]], groups: Sequence[Any]) -> None:
    """Raise ``ValueError`` if a group is on both sides of a fold, or in the test part of two folds.

    Taught in notebook 03 (the honesty check behind :func:`group_folds`).
    """
    g = np.asarray(groups)
    seen: dict[Any, int] = {}
    for k, (train, test) in enumerate(folds):
        both = set(g[train].tolist()) & set(g[test].tolist())
        if both:
            raise ValueError(f"fold {k}: group(s) {sorted(map(str, both))[:3]} on both sides (leakage)")
        for grp in set(g[test].tolist()):
            if grp in seen:
                raise ValueError(f"group {grp!r} is tested in folds {seen[grp]} and {k}")
            seen[grp] = k


def grid_search(
    pipeline: "Pipeline",
    X: np.ndarray,
    y: Sequence[Any],
    groups: Sequence[Any],
    *,
    param_grid: Mapping[str, Sequence[Any]],
    n_splits: int = 4,
    n_jobs: int = 2,
    seed: int = 0,
    scoring: str = "accuracy",
    folds: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
) -> Any:
    """Grid search with artist-disjoint cross-validation folds; returns the fitted ``GridSearchCV``.

    Taught in notebook 03. Picking hyper-parameters on folds that share artists
    would reward memorising artists, exactly the leak we avoid on the test set.
    ``best_estimator_`` is refitted on all of ``X``. ``folds`` (keyword-only, e.g. from
    :func:`cv_folds`) replaces the folds built from ``groups``.
    """
    from sklearn.model_selection import GridSearchCV

    if folds is None:
        folds = group_folds(y, groups, n_splits=n_splits, seed=seed)
    folds = [(np.asarray(a), np.asarray(b)) for a, b in folds]
    search = GridSearchCV(pipeline, dict(param_grid), cv=folds, scoring=scoring, n_jobs=n_jobs, refit=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        return search.fit(np.asarray(X, dtype=np.float64), np.asarray(y))


# --------------------------------------------------------------------------- training and scoring
def fit_and_score(
    model: "Pipeline",
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    name: str,
    features: str = "",
    split: str = "",
    param_grid: Mapping[str, Sequence[Any]] | None = None,
    n_splits: int = 4,
    n_jobs: int = 2,
    seed: int = 0,
) -> tuple[dict[str, Any], Any, pd.DataFrame]:
    """Train a pipeline on one feature table and score it on another (clip voting for segments).

    Taught in notebook 03.

    Parameters
    ----------
    model : sklearn.pipeline.Pipeline
        An untrained pipeline (:func:`make_pipeline`); it is cloned.
    train, test : pandas.DataFrame
        Feature tables (full clips or segments).
    name, features, split : str, keyword-only
        Labels of the result row.
    param_grid : mapping, optional, keyword-only
        Search these hyper-parameters first (:func:`grid_search`) on the honest
        folds of ``train`` that :func:`cv_folds` builds (artist-disjoint where artists
        are known, else the split's train/valid parts).
    n_splits, n_jobs, seed : keyword-only
        Of the search.

    Returns
    -------
    row : dict
        ``model, features, split, segment_accuracy`` (NaN for full clips),
        ``clip_accuracy`` (majority vote for segments), ``clip_accuracy_mean``,
        ``macro_f1`` (clips), ``n_params``, ``fit_time_s``, ``best_params``.
    fitted : estimator
        The trained pipeline.
    clips : pandas.DataFrame
        One row per test track: ``true``, ``predicted`` (majority vote).
    """
    from sklearn.base import clone
    from threadpoolctl import threadpool_limits

    from . import evaluation

    X, y = xy(train)
    start = time.perf_counter()
    best: dict[str, Any] = {}
    with threadpool_limits(limits=1):  # tiny data: threads only add overhead on shared cores
        if param_grid:
            folds, _ = cv_folds(train.reset_index(drop=True), n_splits=n_splits, seed=seed)
            search = grid_search(clone(model), X, y, None, param_grid=param_grid, n_splits=n_splits,
                                 n_jobs=n_jobs, seed=seed, folds=folds)
            fitted, best = search.best_estimator_, dict(search.best_params_)
        else:
            fitted = clone(model).fit(X, y)
        fit_time = time.perf_counter() - start
        Xt, yt = xy(test)
        pred = fitted.predict(Xt)
        proba = class_scores(fitted, Xt)
    classes = fitted.classes_
    scores = evaluation.clip_scores(test["track_id"], yt, y_pred=pred, proba=proba, classes=classes)
    segmented = test["track_id"].duplicated().any()
    row = {"model": name, "features": features, "split": split,
           "segment_accuracy": scores["segment_accuracy"] if segmented else float("nan"),
           "clip_accuracy": scores["clip_accuracy"],
           "clip_accuracy_mean": scores["clip_accuracy_mean"] if segmented else float("nan"),
           "macro_f1": scores["macro_f1"], "n_params": n_parameters(fitted), "fit_time_s": fit_time,
           "best_params": best}
    clips = evaluation.clip_table(test["track_id"], yt, y_pred=pred, proba=proba, classes=classes)
    return row, fitted, clips


def class_scores(model: Any, X: np.ndarray) -> np.ndarray:
    """Class probabilities of a fitted classifier, columns in the order of ``model.classes_``.

    Used in notebook 03 for mean-probability voting. ``predict_proba`` where the
    model has it; otherwise (the SVM) a softmax of ``decision_function``'s one-vs-rest
    scores: not calibrated probabilities, but their arg-max is the prediction and
    their average ranks genres sensibly.
    """
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(X), dtype=float)
    scores = np.asarray(model.decision_function(X), dtype=float)
    if scores.ndim == 1:  # two classes: one score for the second class
        scores = np.stack([-scores, scores], axis=1) / 2
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


def clip_predictions(model: Any, clips: pd.DataFrame) -> dict[str, np.ndarray]:
    """A fitted classifier's predictions on a clip-level feature table, in :func:`training.evaluate`'s keys.

    Used in notebook 03 to listen to the most confident mistake
    (:func:`mgc_helpers.evaluation.play_misclassified`), as notebooks 04-07 do with their networks.

    Parameters
    ----------
    model : fitted scikit-learn classifier or pipeline
    clips : pandas.DataFrame, shape (n_clips, ...)
        One row per clip (:func:`feature_table` without ``seconds``): ``track_id``, ``genre`` and the
        feature columns.

    Returns
    -------
    dict
        ``track_id_clip``, ``y_true_clip``, ``y_pred_clip`` (each shape ``(n_clips,)``) and ``proba_clip``
        (shape ``(n_clips, n_classes)``, :func:`class_scores`, columns in ``model.classes_`` order).
    """
    if clips["track_id"].duplicated().any():
        raise ValueError("clip_predictions needs one row per clip; this table has several rows for some tracks "
                         "(a segment table?): vote over segments first, or pass the clip-level table")
    X, y = xy(clips)
    return {"track_id_clip": clips["track_id"].astype(str).to_numpy(), "y_true_clip": np.asarray(y),
            "y_pred_clip": np.asarray(model.predict(X)), "proba_clip": class_scores(model, X)}


def evaluate_zoo(
    models: Mapping[str, "Pipeline"],
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    features: str = "",
    split: str = "",
    grids: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
    n_splits: int = 4,
    n_jobs: int = 2,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Train and score every model of a zoo; one row per model (:func:`fit_and_score`).

    Taught in notebook 03. ``grids`` (e.g. :data:`PARAM_GRIDS`) maps model names to
    the hyper-parameters searched with artist-disjoint folds; models without a grid
    keep their defaults.

    Returns
    -------
    results : pandas.DataFrame
        Indexed by model name.
    fitted : dict
        ``{name: trained pipeline}``.
    """
    rows, fitted = [], {}
    for name, model in models.items():
        grid = (grids or {}).get(name)
        row, fitted[name], _ = fit_and_score(model, train, test, name=name, features=features, split=split,
                                             param_grid=grid, n_splits=n_splits, n_jobs=n_jobs, seed=seed)
        rows.append(row)
    return pd.DataFrame(rows).set_index("model"), fitted


def table2(
    models: Mapping[str, "Pipeline"],
    *,
    clips_train: pd.DataFrame,
    clips_test: pd.DataFrame,
    segments_train: pd.DataFrame,
    segments_test: pd.DataFrame,
    seconds: float = 3.0,
) -> pd.DataFrame:
    """Full clips versus segments with voting, in the layout of report 003's Table 2.

    Taught in notebook 03. Every model is trained twice: on one row per clip, and
    on one row per segment (each segment labelled with its track's genre). The
    segment model is scored per segment and per clip (majority vote and mean
    probability over the clip's segments).

    Returns
    -------
    pandas.DataFrame
        Rows: models. Columns: ``full clips``, ``<s> s segments``,
        ``<s> s segments + majority vote``, ``<s> s segments + mean probability``
        (accuracies on the test tracks).
    """
    out = []
    for name, model in models.items():
        full, _, _ = fit_and_score(model, clips_train, clips_test, name=name)
        seg, _, _ = fit_and_score(model, segments_train, segments_test, name=name)
        out.append({"model": name, "full clips": full["clip_accuracy"],
                    f"{seconds:g} s segments": seg["segment_accuracy"],
                    f"{seconds:g} s segments + majority vote": seg["clip_accuracy"],
                    f"{seconds:g} s segments + mean probability": seg["clip_accuracy_mean"]})
    return pd.DataFrame(out).set_index("model")


def leakage_experiment(
    model: "Pipeline",
    segments: pd.DataFrame,
    *,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    seeds: Sequence[int] = (0,),
) -> pd.DataFrame:
    """Score the same model with three splits: random segments, random tracks, artist-disjoint.

    Taught in notebook 03 (why report 000 reports 99.88 %). On a segment table:

    (a) **random split of segments**: segments of one track land in train *and* test;
        the model recognises the recording;
    (b) **random split of tracks** (stratified by genre): whole tracks on one side, but
        the same artists (and, in GTZAN, the same albums) on both;
    (c) **artist-disjoint split**: the table's own ``split`` column.

    (a) and (b) use ``fractions`` (train, valid, test; the valid share is unused,
    as in (c), so the three train on similar amounts of data) and are repeated over
    ``seeds``. Only ``train`` rows train and only ``test`` rows are scored.

    Returns
    -------
    pandas.DataFrame
        One row per split with ``n_train``, ``n_test`` (segments),
        ``shared_tracks`` and ``shared_artists`` (in both train and test),
        mean ``segment_accuracy``, ``clip_accuracy`` and their standard deviation
        over the seeds (0 for the fixed split (c)).
    """
    from .datasets import splits as _splits

    base = segments.reset_index(drop=True)
    tracks = base.drop_duplicates("track_id")
    variants: list[tuple[str, list[np.ndarray]]] = [
        ("(a) random split of segments", [_splits.stratified_split(base["genre"], fractions=fractions, seed=s)
                                          for s in seeds]),
        ("(b) random split of tracks", [base["track_id"].map(dict(zip(tracks["track_id"], _splits.stratified_split(
            tracks["genre"], fractions=fractions, seed=s)))).to_numpy() for s in seeds]),
        ("(c) artist-disjoint split", [base["split"].to_numpy()]),
    ]
    rows = []
    for label, assignments in variants:
        scores = []
        for parts in assignments:
            table = base.assign(split=parts)
            train, test = table[table["split"] == "train"], table[table["split"] == "test"]
            row, _, _ = fit_and_score(model, train, test, name=label)
            scores.append((row["segment_accuracy"], row["clip_accuracy"], len(train), len(test),
                           len(set(train["track_id"]) & set(test["track_id"])),
                           len(set(train["artist"].dropna()) & set(test["artist"].dropna()))))
        s = np.asarray(scores, dtype=float)
        rows.append({"split": label, "n_train": int(s[0, 2]), "n_test": int(s[0, 3]),
                     "shared_tracks": int(s[0, 4]), "shared_artists": int(s[0, 5]),
                     "segment_accuracy": s[:, 0].mean(), "clip_accuracy": s[:, 1].mean(),
                     "segment_accuracy_std": s[:, 0].std(), "clip_accuracy_std": s[:, 1].std()})
    return pd.DataFrame(rows).set_index("split")
