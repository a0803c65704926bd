"""Report 003's segmentation against annotations and in its classification experiment.

Taught in notebook 09 (``09_spectral_clustering_segmentation.ipynb``).

:func:`score_segmentation` scores a segmentation of :mod:`mgc_helpers.segmentation.algorithm`
against reference sections with ``mir_eval`` (boundary detection and pairwise frame
clustering), :func:`regular_intervals` is the label-free baseline it must beat and
:func:`score_tracks` does both for several tracks and methods.
:func:`largest_cluster_experiment` repeats report 003's experiment (largest cluster vs
whole clip vs 3 s segments with voting) with a small scikit-learn classifier, scored with
the course's clip vote (:func:`mgc_helpers.evaluation.majority_vote`) on artist-disjoint
folds (:func:`mgc_helpers.classical.group_folds`).

pandas, scikit-learn, ``mir_eval``, librosa and joblib are imported inside the
functions, so importing this module stays as light as the algorithm.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .algorithm import largest_cluster_mask, segment

__all__ = [
    "annotated",
    "example_song",
    "largest_cluster_experiment",
    "method_verdicts",
    "reference_sections",
    "two_section_times",
    "regular_intervals",
    "score_segmentation",
    "score_tracks",
]


# --------------------------------------------------------------------------- scoring (mir_eval)
def score_segmentation(
    reference_boundaries: npt.ArrayLike,
    estimated_intervals: npt.ArrayLike,
    estimated_labels: Sequence[Any] | np.ndarray,
    *,
    reference_labels: Sequence[Any] | None = None,
    windows: Sequence[float] = (0.5, 3.0),
    frame_size: float = 0.1,
    trim: bool = True,
) -> dict[str, float]:
    """Score a segmentation against reference section boundaries with ``mir_eval``.

    Taught in notebook 09. Boundary detection (``mir_eval.segment.detection``): an
    estimated boundary is a hit if it lies within ``window`` seconds of an unmatched
    reference boundary; precision, recall and F-measure for each window (MIREX uses
    0.5 s and 3 s). ``trim=True`` ignores the first and last boundaries (0 and the end),
    which every method gets for free. Pairwise frame clustering
    (``mir_eval.segment.pairwise``): precision/recall/F over pairs of ``frame_size``
    frames that share a label, so it judges labels, not only boundaries.

    Parameters
    ----------
    reference_boundaries : array_like
        Section boundaries in seconds including 0 and the end (``mgc.toy.section_boundaries``).
    estimated_intervals : array_like
        ``(n, 2)`` intervals (:func:`labels_to_intervals`).
    estimated_labels : sequence
        Label of each estimated interval.
    reference_labels : sequence or None, optional
        Label of each reference section (default: all different, "s0", "s1", ...).
    windows : sequence of float, optional
        Hit windows of the boundary detection, seconds.
    frame_size : float, optional
        Frame size of the pairwise clustering score, seconds.
    trim : bool, optional
        Ignore the first and last boundaries in the detection scores.

    Returns
    -------
    dict
        ``"P@0.5"``, ``"R@0.5"``, ``"F@0.5"`` ... for each window, and ``"pairwise_P"``,
        ``"pairwise_R"``, ``"pairwise_F"``.
    """
    import warnings

    import mir_eval

    ref_b = np.asarray(reference_boundaries, dtype=np.float64)
    ref_int = mir_eval.util.boundaries_to_intervals(ref_b)
    ref_lab = list(reference_labels) if reference_labels is not None else [f"s{i}" for i in range(len(ref_int))]
    est_int = np.asarray(estimated_intervals, dtype=np.float64).copy()
    est_lab = [str(v) for v in estimated_labels]
    # both annotations must span the same time range for mir_eval
    est_int, est_lab = mir_eval.util.adjust_intervals(est_int, est_lab, t_min=0.0, t_max=float(ref_b[-1]))
    out: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mir_eval warns when a trimmed annotation has no boundary
        for win in windows:
            p, r, f = mir_eval.segment.detection(ref_int, est_int, window=win, trim=trim)
            out[f"P@{win:g}"], out[f"R@{win:g}"], out[f"F@{win:g}"] = float(p), float(r), float(f)
        p, r, f = mir_eval.segment.pairwise(ref_int, ref_lab, est_int, est_lab, frame_size=frame_size)
    out["pairwise_P"], out["pairwise_R"], out["pairwise_F"] = float(p), float(r), float(f)
    return out


def regular_intervals(duration: float, *, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    """A label-free baseline: boundaries every ``seconds`` (each interval its own label).

    Taught in notebook 09 (what a segmentation must beat).

    Parameters
    ----------
    duration : float
        Length of the track in seconds.
    seconds : float
        Spacing of the boundaries.

    Returns
    -------
    intervals : numpy.ndarray
        ``(n, 2)`` intervals covering ``[0, duration]``.
    labels : numpy.ndarray
        ``(n,)`` labels ``0, 1, ...``.
    """
    edges = np.append(np.arange(0.0, duration, seconds), duration)
    edges = edges[np.concatenate([[True], np.diff(edges) > 1e-9])]
    intervals = np.stack([edges[:-1], edges[1:]], axis=1)
    return intervals, np.arange(len(intervals))


def _load(path: Any, sr: int) -> np.ndarray:
    from mgc_helpers import audio

    y, _ = audio.load(path, sr=sr)
    return np.asarray(y, dtype=np.float64)


def _score_track(
    path: Any, sections: str, sr: int, methods: dict[str, dict[str, Any]], baseline_seconds: float | None
) -> list[dict[str, Any]]:
    from threadpoolctl import threadpool_limits

    from mgc_helpers import toy

    with threadpool_limits(limits=1):
        y = _load(path, sr)
        ref = toy.section_boundaries(sections)
        rows = []
        for name, kw in methods.items():
            seg = segment(y, sr, **kw)
            rows.append(dict(method=name, k=seg.k, n_segments=len(seg.intervals),
                             **score_segmentation(ref, seg.intervals, seg.segment_labels)))
        if baseline_seconds:
            intervals, labels = regular_intervals(len(y) / sr, seconds=baseline_seconds)
            rows.append(dict(method=f"regular {baseline_seconds:g} s", k=len(labels), n_segments=len(labels),
                             **score_segmentation(ref, intervals, labels)))
    return rows


def score_tracks(
    tracks: Any,
    *,
    methods: dict[str, dict[str, Any]] | None = None,
    baseline_seconds: float | None = 4.0,
    sr: int = 22050,
    n_jobs: int = 1,
) -> Any:
    """Segment several tracks with several methods and score each against its sections.

    Taught in notebook 09 (SEM vs feature affinity, table of boundary F-measures).

    Parameters
    ----------
    tracks : pandas.DataFrame
        Toy metadata rows (columns ``track_id``, ``path`` absolute, ``sections``).
    methods : dict, optional
        ``name -> keyword options of`` :func:`segment`. Default: SEM and MFCC affinity
        with 0.1 s (report 003's 300 windows per 30 s) and 1 s windows.
    baseline_seconds : float or None, optional
        Also score regular boundaries every so many seconds (None: no baseline).
    sr : int, optional
        Sample rate.
    n_jobs : int, optional
        Parallel jobs (joblib), one track per job.

    Returns
    -------
    pandas.DataFrame
        One row per track and method: ``track_id, method, k, n_segments`` and the scores
        of :func:`score_segmentation`.
    """
    import pandas as pd
    from joblib import Parallel, delayed

    if methods is None:
        methods = {
            "SEM, 0.1 s windows": dict(affinity="sem", window_seconds=0.1),
            "MFCC, 0.1 s windows": dict(affinity="mfcc", window_seconds=0.1),
            "SEM, 1 s windows (median scale)": dict(affinity="sem", window_seconds=1.0, scale="median"),
            "MFCC, 1 s windows": dict(affinity="mfcc", window_seconds=1.0),
        }
    jobs = (delayed(_score_track)(row.path, row.sections, sr, methods, baseline_seconds)
            for row in tracks.itertuples())
    results = Parallel(n_jobs=n_jobs)(jobs)
    rows = [dict(track_id=tid, **r) for tid, rs in zip(tracks["track_id"], results) for r in rs]
    columns = ["track_id", "method", "k", "n_segments", "F@0.5", "F@3", "pairwise_F"]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=columns)


# --------------------------------------------------------------------------- annotated sections, where a dataset has them
def reference_sections(track: Any) -> np.ndarray | None:
    """Section boundaries (seconds, with 0 and the end) of a tracks-table row, or ``None`` without annotations.

    Taught in notebook 09. The toy dataset records each song's sections (column ``sections``, e.g.
    ``"0.0;4.1;8.3;12.0"``); GTZAN's and FMA's tables have none, so nothing can be scored there.

    Parameters
    ----------
    track : pandas.Series or mapping
        One row of a tracks table.

    Returns
    -------
    numpy.ndarray or None
    """
    from mgc_helpers import toy

    text = track.get("sections") if hasattr(track, "get") else None
    if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return None
    return toy.section_boundaries(str(text))


def annotated(tracks: Any) -> Any:
    """The rows of a tracks table that carry section annotations (none for GTZAN and FMA).

    Taught in notebook 09: :func:`score_tracks` needs them.
    """
    if "sections" not in tracks.columns:
        return tracks.iloc[:0]
    has = tracks["sections"].fillna("").astype(str).str.strip() != ""
    return tracks[has]


def example_song(tracks: Any, *, min_sections: int = 3) -> tuple[Any, np.ndarray | None]:
    """A song to segment: the first with at least ``min_sections`` annotated sections, else the first row.

    Taught in notebook 09.

    Parameters
    ----------
    tracks : pandas.DataFrame
        A tracks table (any dataset).
    min_sections : int, optional
        Sections wanted where the table has annotations (default 3).

    Returns
    -------
    song : pandas.Series
        The row.
    reference : numpy.ndarray or None
        Its section boundaries (:func:`reference_sections`), ``None`` without annotations.
    """
    if len(tracks) == 0:
        raise ValueError("the tracks table is empty")
    rows = annotated(tracks)
    if len(rows):
        many = rows[rows["sections"].astype(str).str.count(";") >= min_sections]
        song = (many if len(many) else rows).iloc[0]
    else:
        song = tracks.iloc[0]
    return song, reference_sections(song)


def two_section_times(reference: npt.ArrayLike | None, *, duration: float) -> tuple[float, float]:
    """Two instants to compare: the middles of the first and last sections, else 1/4 and 3/4 of the clip.

    Taught in notebook 09 (windows A and B of the SEM, step by step).
    """
    if reference is None:
        return duration / 4, 3 * duration / 4
    ref = np.asarray(reference, dtype=np.float64)
    return float((ref[0] + ref[1]) / 2), float((ref[-2] + ref[-1]) / 2)


def _relation(a: float, b: float, tolerance: float) -> str:
    if abs(a - b) <= tolerance:
        return "alike (within {:.2f})".format(tolerance)
    return "better" if a > b else "worse"


def method_verdicts(summary: Any, *, metric: str = "F@3", tolerance: float = 0.05) -> list[str]:
    """Sentences about a :func:`score_tracks` summary, computed from its numbers.

    Taught in notebook 09: whether 1 s windows beat the paper's 0.1 s windows, and whether the SEM and
    MFCC affinities behave alike at equal window length, for ``metric`` (a column of the summary: the
    mean score per method), with differences within ``tolerance`` called "alike". With a handful of songs
    this is a description of this run, not a test.

    Parameters
    ----------
    summary : pandas.DataFrame
        Index: method names of :func:`score_tracks`' default methods; columns include ``metric`` and
        ``n_segments``.
    metric : str, optional
        Score to compare (default ``"F@3"``).
    tolerance : float, optional
        Differences up to this are "alike" (default 0.05).

    Returns
    -------
    list of str
        One sentence per comparison whose methods are in the summary (empty for an empty summary).
    """
    if len(summary) == 0:
        return []
    methods = list(summary.index)

    def find(affinity: str, seconds: str) -> str | None:
        hits = [m for m in methods if m.startswith(f"{affinity},") and f", {seconds} windows" in m]
        return hits[0] if hits else None

    out = []
    for affinity in ("SEM", "MFCC"):
        short, long = find(affinity, "0.1 s"), find(affinity, "1 s")
        if short and long:
            a, b = float(summary.loc[long, metric]), float(summary.loc[short, metric])
            out.append(f"{affinity}: 1 s windows {metric} {a:.2f} vs 0.1 s windows {b:.2f}: 1 s windows are "
                       f"{_relation(a, b, tolerance)}; segments per song {summary.loc[long, 'n_segments']:.1f} vs "
                       f"{summary.loc[short, 'n_segments']:.1f}")
    for seconds in ("0.1 s", "1 s"):
        sem_m, mfcc_m = find("SEM", seconds), find("MFCC", seconds)
        if sem_m and mfcc_m:
            a, b = float(summary.loc[sem_m, metric]), float(summary.loc[mfcc_m, metric])
            out.append(f"{seconds} windows: SEM {metric} {a:.2f} vs MFCC {b:.2f}: SEM is {_relation(a, b, tolerance)}")
    return out


# --------------------------------------------------------------------------- report 003's experiment
def _track_features(
    path: Any, sr: int, seg_kw: dict[str, Any], segment_seconds: float, n_mfcc: int, hop_length: int
) -> dict[str, Any]:
    """MFCC mean/var of the whole clip, of its largest cluster and of sequential segments."""
    import librosa
    from threadpoolctl import threadpool_limits

    from mgc_helpers import audio

    with threadpool_limits(limits=1):
        y = _load(path, sr)
        M = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=n_mfcc, hop_length=hop_length)  # (n_mfcc, frames)
        seg = segment(y, sr, **seg_kw)
    mask = largest_cluster_mask(seg.labels, n_samples=len(y))
    centres = np.minimum(np.arange(M.shape[1]) * hop_length, len(y) - 1)
    in_cluster = mask[centres]

    def stats(cols: np.ndarray) -> np.ndarray:
        return np.concatenate([cols.mean(axis=1), cols.var(axis=1)])

    per_block = max(1, int(round(segment_seconds * sr / hop_length)))
    # whole blocks only; a clip shorter than one block is one (shorter) block
    starts = audio.segment_starts(M.shape[1], length=per_block, pad="short")
    blocks = [stats(M[:, s:s + per_block]) for s in starts]
    return dict(whole=stats(M), largest=stats(M[:, in_cluster]), segments=np.stack(blocks),
                largest_fraction=float(mask.mean()), k=seg.k)


def _artist_fold_of_track(tracks: Any, *, n_folds: int, seed: int) -> np.ndarray:
    """Test fold of every track: :func:`mgc_helpers.classical.group_folds` by artist, stratified by genre."""
    from mgc_helpers import classical

    fold = np.full(len(tracks), -1, dtype=np.int64)
    artist = tracks["artist"] if "artist" in tracks.columns else tracks["track_id"]
    # a track whose artist the dataset does not record (GTZAN) is its own group
    groups = artist.astype(object).where(artist.notna(), "track:" + tracks["track_id"].astype(str))
    for f, (_, test) in enumerate(classical.group_folds(tracks["genre"], groups, n_splits=n_folds,
                                                        seed=seed)):
        fold[test] = f
    return fold


def _fold_accuracies(feats: list[dict[str, Any]], y: np.ndarray, *, test: np.ndarray) -> dict[str, tuple[float, int]]:
    """Accuracy and number of training examples of each condition, for one test fold (bool mask of tracks)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from mgc_helpers import evaluation

    def model() -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))

    train = ~test
    out: dict[str, tuple[float, int]] = {}
    for name, key in (("whole clip", "whole"), ("largest cluster", "largest")):
        X = np.stack([f[key] for f in feats])
        clf = model().fit(X[train], y[train])
        out[name] = float(np.mean(clf.predict(X[test]) == y[test])), int(train.sum())
    seg_X = np.concatenate([f["segments"] for f in feats])
    owner = np.concatenate([np.full(len(f["segments"]), i) for i, f in enumerate(feats)])
    seg_tr, seg_te = train[owner], test[owner]
    clf = model().fit(seg_X[seg_tr], y[owner[seg_tr]])
    proba = clf.predict_proba(seg_X[seg_te])
    voted = evaluation.majority_vote(owner[seg_te], clf.classes_[proba.argmax(axis=1)], proba=proba,
                                     classes=clf.classes_)
    pred = voted.reindex(np.flatnonzero(test)).to_numpy()
    out["3 s segments + vote"] = float(np.mean(pred == y[test])), int(seg_tr.sum())
    return out


def largest_cluster_experiment(
    tracks: Any,
    *,
    window_seconds: float = 0.1,
    k: int | None = None,
    segment_seconds: float = 3.0,
    n_mfcc: int = 20,
    n_folds: int = 5,
    sr: int = 22050,
    seed: int = 0,
    n_jobs: int = 1,
) -> tuple[Any, Any]:
    """Report 003's experiment on a small scale: train on the largest cluster vs the whole clip vs 3 s segments.

    Taught in notebook 09. Report 003 trained VGG16 on GTZAN spectrograms: whole 30 s clips
    75 %, only the largest cluster's segment 67 %, sequential 3 s segments "comparable" to
    whole clips. We keep the *comparison* and shrink the model so it runs in seconds:
    MFCC mean and variance (``librosa``, ``n_mfcc`` coefficients) -> standardisation ->
    logistic regression (scikit-learn), with an artist-disjoint cross-validation
    (:func:`mgc_helpers.classical.group_folds`, as in notebook 03: every artist's tracks
    are tested in exactly one fold and never trained on there, genres balanced across
    folds).

    Conditions (each applied to train *and* test tracks):

    - ``whole clip``: features of the whole track;
    - ``largest cluster``: features of the frames in the largest cluster of :func:`segment`
      (SEM affinity, eigengap ``k`` unless given);
    - ``3 s segments + vote``: one example per sequential ``segment_seconds`` block; a test
      track's genre is the majority vote of its blocks (:func:`mgc_helpers.evaluation.majority_vote`,
      ties broken by the summed probabilities).

    Parameters
    ----------
    tracks : pandas.DataFrame
        Metadata (``track_id``, ``genre``, ``artist``, absolute ``path``).
    window_seconds : float, optional
        Window length of the segmentation (0.1 s = report 003's 300 windows per 30 s).
    k : int or None, optional
        Number of clusters (None: eigengap).
    segment_seconds : float, optional
        Length of the sequential segments.
    n_mfcc : int, optional
        Number of MFCCs.
    n_folds : int, optional
        Number of artist-disjoint folds (at most the number of artists).
    sr : int, optional
        Sample rate.
    seed : int, optional
        Seed of k-means and of the folds' shuffling.
    n_jobs : int, optional
        Parallel jobs for the feature extraction (joblib).

    Returns
    -------
    summary : pandas.DataFrame
        One row per condition: mean and standard deviation of the accuracy over folds,
        training examples per fold and the fraction of each track's audio used.
    per_track : pandas.DataFrame
        ``track_id, genre, fold, largest_fraction, k`` of every track.
    """
    import pandas as pd
    from joblib import Parallel, delayed

    tracks = tracks.reset_index(drop=True)
    seg_kw = dict(window_seconds=window_seconds, k=k, seed=seed)
    feats = Parallel(n_jobs=n_jobs)(
        delayed(_track_features)(p, sr, seg_kw, segment_seconds, n_mfcc, 512) for p in tracks["path"]
    )
    genres = sorted(tracks["genre"].unique())
    y = tracks["genre"].map({g: i for i, g in enumerate(genres)}).to_numpy()
    fold = _artist_fold_of_track(tracks, n_folds=n_folds, seed=seed)
    acc: dict[str, list[float]] = {"whole clip": [], "largest cluster": [], "3 s segments + vote": []}
    n_train: dict[str, list[int]] = {name: [] for name in acc}
    for f in range(n_folds):
        for name, (a, n) in _fold_accuracies(feats, y, test=fold == f).items():
            acc[name].append(a)
            n_train[name].append(n)
    largest_fraction = np.array([f["largest_fraction"] for f in feats])
    summary = pd.DataFrame({
        "condition": [c.replace("3 s", f"{segment_seconds:g} s") for c in acc],
        "accuracy": [float(np.mean(v)) for v in acc.values()],
        "accuracy_std": [float(np.std(v)) for v in acc.values()],
        "train_examples_per_fold": [float(np.mean(v)) for v in n_train.values()],
        "audio_fraction_used": [1.0, float(largest_fraction.mean()), 1.0],
    })
    per_track = pd.DataFrame({"track_id": tracks["track_id"], "genre": tracks["genre"], "fold": fold,
                              "largest_fraction": largest_fraction, "k": [f["k"] for f in feats]})
    return summary, per_track
