"""Tests of mgc_helpers.classical: feature tables, the GTZAN CSV loader, PCA, the zoo, group-aware search,
segment voting and the leakage experiment."""
from __future__ import annotations

import sys
import types

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from mgc_helpers import cache, classical, evaluation, features  # noqa: E402

SR = 22050


# --------------------------------------------------------------------------- fixtures
def _song(freq: float, seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    beat = (np.sin(2 * np.pi * 2.0 * t) > 0.9).astype(float) * rng.normal(0, 0.3, t.size)
    return (0.3 * np.sin(2 * np.pi * freq * t) + 0.1 * np.sin(2 * np.pi * 2 * freq * t) + beat).astype(np.float32)


@pytest.fixture()
def tiny_tracks(tmp_path, isolated_cache) -> pd.DataFrame:
    """Six 3-second songs: 2 genres x 3 artists, written to tmp_path (never into the repository)."""
    rows = []
    for g, (genre, base) in enumerate([("low", 220.0), ("high", 880.0)]):
        for a in range(3):
            tid = f"{genre}.{a:05d}"
            path = tmp_path / f"{tid}.wav"
            sf.write(path, _song(base * (1 + 0.05 * a), 3.0, seed=10 * g + a), SR)
            rows.append({"track_id": tid, "path": str(path), "genre": genre, "artist": f"{genre}_artist{a}",
                         "split": ["train", "valid", "test"][a], "duration": 3.0})
    return pd.DataFrame(rows)


def _blobs(n_artists: int = 4, per_artist: int = 6, genres: int = 3, seed: int = 0,
           artist_effect: float = 0.0, genre_effect: float = 3.0) -> pd.DataFrame:
    """A synthetic feature table: clusters per genre, plus an optional strong per-artist offset."""
    rng = np.random.default_rng(seed)
    rows, values = [], []
    for g in range(genres):
        centre = rng.normal(0, genre_effect, 5)
        for a in range(n_artists):
            offset = rng.normal(0, artist_effect, 5)
            for k in range(per_artist):
                rows.append({"track_id": f"g{g}.a{a}.{k}", "segment": 0, "start_s": 0.0, "genre": f"genre{g}",
                             "artist": f"g{g}_artist{a}", "split": ["train", "train", "valid", "test"][a % 4]})
                values.append(centre + offset + rng.normal(0, 1, 5))
    return pd.concat([pd.DataFrame(rows), pd.DataFrame(values, columns=[f"f{i}" for i in range(5)])], axis=1)


def _segmentize(table: pd.DataFrame, n: int = 4, seed: int = 0, track_effect: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = classical.feature_columns(table)
    parts = []
    for k in range(n):
        part = table.copy()
        part["segment"], part["start_s"] = k, 3.0 * k
        part[cols] = part[cols].to_numpy() + rng.normal(0, 0.5, (len(part), len(cols)))
        parts.append(part)
    out = pd.concat(parts).sort_values(["track_id", "segment"]).reset_index(drop=True)
    if track_effect:
        offsets = {t: rng.normal(0, track_effect, len(cols)) for t in out["track_id"].unique()}
        out[cols] = out[cols].to_numpy() + np.stack([offsets[t] for t in out["track_id"]])
    return out


# --------------------------------------------------------------------------- frame-wise features
def test_frame_stats_equal_the_summary_features_on_a_whole_clip():
    y = _song(330.0, 4.0, seed=1)
    F = classical.frame_descriptors(y, SR)
    assert F.shape[0] == len(classical.FRAME_ROWS) and F.dtype == np.float32
    got = dict(zip(classical.FAST_SUMMARY_NAMES, classical.stats_from_frames(F, SR)))
    ref = features.summary_features(y, SR)
    assert len(classical.FAST_SUMMARY_NAMES) == 53 and set(got) < set(ref)
    for name, value in got.items():
        assert value == pytest.approx(ref[name], rel=1e-3, abs=1e-4), name


def test_frame_stats_of_a_real_gtzan_clip(shared_dir):
    from mgc_helpers import audio

    path = sorted((shared_dir / "real_audio" / "gtzan_samples").glob("*.wav"))[0]
    y, sr = audio.load(path, sr=SR, duration=10.0)
    got = classical.stats_from_frames(classical.frame_descriptors(y, sr), sr)
    ref = np.array([features.summary_features(y, sr)[n] for n in classical.FAST_SUMMARY_NAMES])
    # the tuning comes from every TUNING_STRIDE-th frame: chroma within a few per cent, the rest as librosa
    is_chroma = np.array([n.startswith("chroma") for n in classical.FAST_SUMMARY_NAMES])
    np.testing.assert_allclose(got[~is_chroma], ref[~is_chroma], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(got[is_chroma], ref[is_chroma], rtol=0.03)


def test_stats_of_a_span_and_an_empty_span():
    F = classical.frame_descriptors(_song(440.0, 3.0, seed=2), SR)
    part = classical.stats_from_frames(F, SR, start=10, stop=60)
    mfcc1 = F[classical.FRAME_ROWS.index("mfcc1"), 10:60].astype(float)
    i = classical.FAST_SUMMARY_NAMES.index("mfcc1_mean")
    assert part[i] == pytest.approx(mfcc1.mean()) and part[i + 1] == pytest.approx(mfcc1.var())
    with pytest.raises(ValueError, match="no frames"):
        classical.stats_from_frames(F, SR, start=500, stop=600)


def test_segment_spans_keep_seed_003_and_004_starts():
    """The table segments come from audio.segment_starts with the semantics notebook 03's numbers were made with."""
    import zlib

    spans = classical._frame_spans(517, seconds=3.0, hop_seconds=None, n_random=None, seed=0, track_id="t", sr=SR)
    assert spans == [(0, 129), (129, 258), (258, 387), (387, 516)]          # whole 3-s segments only
    hop = classical._frame_spans(517, seconds=3.0, hop_seconds=1.5, n_random=None, seed=0, track_id="t", sr=SR)
    assert [a for a, _ in hop] == list(range(0, 517 - 129 + 1, 65))          # 1.5 s = 65 frames
    rnd = classical._frame_spans(517, seconds=2.0, hop_seconds=None, n_random=4, seed=3, track_id="blues.00042", sr=SR)
    rng = np.random.default_rng([3, zlib.crc32(b"blues.00042")])        # report 004: four random 2-s clips per track
    assert [a for a, _ in rnd] == np.sort(rng.integers(0, 517 - 86 + 1, size=4)).tolist()
    assert all(b - a == 86 for a, b in rnd)
    assert rnd != classical._frame_spans(517, seconds=2.0, hop_seconds=None, n_random=4, seed=3,
                                         track_id="blues.00043", sr=SR)
    assert classical._frame_spans(50, seconds=3.0, hop_seconds=None, n_random=None, seed=0, track_id="t", sr=SR) == []
    assert classical._frame_spans(50, seconds=3.0, hop_seconds=None, n_random=4, seed=0, track_id="t", sr=SR) == []
    assert not hasattr(classical, "segment_starts") and classical.TABLE_KINDS[0] == "summary_fast"


# --------------------------------------------------------------------------- feature tables
def test_feature_table_full_clips_and_segments(tiny_tracks):
    full = classical.feature_table(tiny_tracks, n_jobs=1)
    assert list(full.columns[:6]) == list(classical.META_COLUMNS)
    assert classical.feature_columns(full) == list(classical.FAST_SUMMARY_NAMES)
    assert list(full["track_id"]) == list(tiny_tracks["track_id"]) and full["segment"].eq(0).all()
    F = cache.track_features(tiny_tracks.iloc[:1], kind=classical.frame_descriptors, n_jobs=1, progress=False)
    np.testing.assert_allclose(full.iloc[0, 6:].to_numpy(float), classical.stats_from_frames(F.arrays[0], SR))

    seg = classical.feature_table(tiny_tracks, seconds=1.0, n_jobs=1)
    assert len(seg) == 6 * 3 and seg.groupby("track_id").size().eq(3).all()
    assert list(seg["start_s"].iloc[:3].round(2)) == [0.0, 1.0, 2.0]
    # every segment inherits its track's split and artist
    merged = seg.merge(tiny_tracks[["track_id", "split", "artist"]], on="track_id", suffixes=("", "_track"))
    assert (merged["split"] == merged["split_track"]).all() and (merged["artist"] == merged["artist_track"]).all()

    rnd = classical.feature_table(tiny_tracks, seconds=1.0, n_random=2, seed=3, n_jobs=1)
    assert rnd.groupby("track_id").size().eq(2).all()
    again = classical.feature_table(tiny_tracks, seconds=1.0, n_random=2, seed=3, n_jobs=1)
    pd.testing.assert_frame_equal(rnd, again)
    assert rnd.attrs == {"kind": "summary_fast", "seconds": 1.0, "n_random": 2}


def test_feature_table_mfcc_and_logmel(tiny_tracks):
    mf = classical.feature_table(tiny_tracks, kind="mfcc", n_jobs=1)
    y = features.mfcc(_load(tiny_tracks.path[0]), sr=SR, n_mfcc=20)
    row = mf.iloc[0]
    assert row["mfcc1_mean"] == pytest.approx(y[0].mean(), rel=1e-4)
    assert row["mfcc20_var"] == pytest.approx(y[19].var(), rel=1e-3)
    mseg = classical.feature_table(tiny_tracks, kind="mfcc", seconds=1.5, n_jobs=1)
    assert mseg.groupby("track_id").size().eq(2).all() and mseg.shape[1] == 6 + 40

    lm = classical.feature_table(tiny_tracks, kind="logmel", n_mels=8, pool=16, n_jobs=1)
    n_frames = 1 + 3 * SR // 512
    assert lm.shape == (6, 6 + 8 * (n_frames // 16))
    lseg = classical.feature_table(tiny_tracks, kind="logmel", seconds=1.0, n_mels=8, pool=8, n_jobs=1)
    assert lseg.shape == (18, 6 + 8 * (43 // 8))
    with pytest.raises(ValueError, match="pooling block"):
        classical.feature_table(tiny_tracks, kind="logmel", seconds=0.1, n_mels=8, pool=16, n_jobs=1)


def _load(path):
    from mgc_helpers import audio

    return audio.load(path, sr=SR)[0]


def test_feature_table_full_summary_and_segment_summaries(tiny_tracks):
    sub = tiny_tracks.iloc[[0, 3]].reset_index(drop=True)
    full = classical.feature_table(sub, kind="summary", n_jobs=1)
    assert classical.feature_columns(full) == list(features.SUMMARY_FEATURE_NAMES)
    assert full.loc[0, "harmony_mean"] == pytest.approx(
        features.summary_features(_load(sub.path[0]), SR)["harmony_mean"], rel=1e-5, abs=1e-9)
    seg = classical.feature_table(sub, kind="summary", seconds=1.0, n_jobs=1)
    assert len(seg) == 6 and list(seg["start_s"].iloc[:3]) == [0.0, 1.0, 2.0]
    ref = features.summary_features(_load(sub.path[0])[SR:2 * SR], SR)
    assert seg.loc[1, "mfcc3_mean"] == pytest.approx(ref["mfcc3_mean"], rel=1e-5)
    rnd = classical.segment_summaries(_load(sub.path[0]), SR, seconds=1.0, n_random=2, seed=0)
    assert rnd.shape == (2, 58) and np.all(rnd[:, 0] <= 2.0)


def test_feature_table_rejects_bad_requests(tiny_tracks):
    with pytest.raises(ValueError, match="kind"):
        classical.feature_table(tiny_tracks, kind="chroma")
    with pytest.raises(ValueError, match="n_random needs seconds"):
        classical.feature_table(tiny_tracks, n_random=3)
    with pytest.raises(ValueError, match="long enough"):
        classical.feature_table(tiny_tracks, seconds=10.0, n_jobs=1)


def test_xy_selects_parts():
    table = _blobs()
    X, y = classical.xy(table, parts=["train", "valid"])
    assert X.shape == (len(table) * 3 // 4, 5) and set(y) == {"genre0", "genre1", "genre2"}
    X1, _ = classical.xy(table, parts="test")
    assert len(X1) == len(table) // 4
    with pytest.raises(ValueError, match="no rows"):
        classical.xy(table, parts="holdout")


# --------------------------------------------------------------------------- the GTZAN CSV
def _write_gtzan_csv(path, ids, *, segments: int = 0):
    rng = np.random.default_rng(0)
    names = list(features.SUMMARY_FEATURE_NAMES)
    rows = []
    for tid in ids:
        for k in range(max(segments, 1)):
            fname = f"{tid}.{k}.wav" if segments else f"{tid}.wav"
            rows.append({"filename": fname, "length": 66149 if segments else 661794,
                         **dict(zip(names, rng.normal(size=len(names)))), "label": tid.split(".")[0]})
    pd.DataFrame(rows).to_csv(path, index=False)


def test_load_gtzan_csv_attaches_the_filtered_split(tmp_path, shared_dir):
    from mgc_helpers.datasets import splits

    lists = splits.read_split_lists(shared_dir / "gtzan_splits")
    listed = [lists["train"][0], lists["valid"][0], lists["test"][0], lists["test"][1]]
    unlisted = sorted({f"{g}.{i:05d}" for g in ("blues", "pop") for i in range(100)}
                      - {t for ids in lists.values() for t in ids})[:2]
    path = tmp_path / "features_30_sec.csv"
    _write_gtzan_csv(path, listed + unlisted)
    table = classical.load_gtzan_csv(path, splits_dir=shared_dir / "gtzan_splits")
    assert list(table["track_id"]) == listed and list(table["split"]) == ["train", "valid", "test", "test"]
    assert table.attrs["excluded"] == sorted(unlisted)
    assert classical.feature_columns(table) == list(features.SUMMARY_FEATURE_NAMES)
    assert table["artist"].isna().all() and (table["genre"] == table["track_id"].str.split(".").str[0]).all()
    csv = pd.read_csv(path)
    np.testing.assert_allclose(table["tempo"], csv["tempo"].iloc[:4])

    seg_path = tmp_path / "features_3_sec.csv"
    _write_gtzan_csv(seg_path, listed, segments=3)
    seg = classical.load_gtzan_csv(seg_path, splits_dir=shared_dir / "gtzan_splits")
    assert len(seg) == 12 and list(seg["segment"].iloc[:3]) == [0, 1, 2]
    assert seg["start_s"].iloc[1] == pytest.approx(66149 / SR)
    assert seg.groupby("track_id")["split"].nunique().eq(1).all()


def test_load_gtzan_csv_random_split_and_errors(tmp_path, monkeypatch):
    path = tmp_path / "f.csv"
    ids = [f"{g}.{i:05d}" for g in ("jazz", "rock") for i in range(10)]
    _write_gtzan_csv(path, ids)
    table = classical.load_gtzan_csv(path, split="random", seed=1)
    assert len(table) == 20 and table["split"].value_counts().to_dict() == {"train": 12, "valid": 4, "test": 4}
    with pytest.raises(ValueError, match="split must be"):
        classical.load_gtzan_csv(path, split="artist")
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="gtzan_splits"):
        classical.load_gtzan_csv(path)
    pd.read_csv(path).drop(columns=["tempo"]).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="missing column"):
        classical.load_gtzan_csv(tmp_path / "bad.csv", split="random")
    frame = pd.read_csv(path)
    frame.loc[0, "filename"] = "song.wav"
    frame.to_csv(tmp_path / "bad2.csv", index=False)
    with pytest.raises(ValueError, match="unexpected file name"):
        classical.load_gtzan_csv(tmp_path / "bad2.csv", split="random")


# --------------------------------------------------------------------------- PCA
def test_n_components_for_variance():
    r = np.array([0.5, 0.3, 0.1, 0.05, 0.05])
    assert classical.n_components_for_variance(r, 0.5) == 1
    assert classical.n_components_for_variance(r, 0.8) == 2  # reaching the target exactly counts
    assert classical.n_components_for_variance(r, 0.81) == 3
    assert classical.n_components_for_variance(r, 1.0) == 5
    with pytest.raises(ValueError, match="fraction"):
        classical.n_components_for_variance(r, 0.0)
    with pytest.raises(ValueError, match="explain only"):
        classical.n_components_for_variance(r[:2], 0.9)


def test_fit_pca_matches_scikit_learn_on_standardised_data():
    X = np.random.default_rng(0).normal(size=(40, 6)) * [1, 10, 100, 1, 1, 1]
    pipe = classical.fit_pca(X)
    ref = PCA().fit(StandardScaler().fit_transform(X))
    np.testing.assert_allclose(pipe[-1].explained_variance_ratio_, ref.explained_variance_ratio_)
    raw = classical.fit_pca(X, n_components=2, standardize=False)
    assert len(raw.steps) == 1 and raw[-1].explained_variance_ratio_[0] > 0.9  # the 100x column dominates


def test_pca_plots():
    table = _blobs()
    X, y = classical.xy(table)
    pipe = classical.fit_pca(X)
    ax = classical.plot_explained_variance(pipe, target=0.8)
    assert len(ax.patches) == 5 and "components" in ax.texts[0].get_text()
    ax2 = classical.plot_explained_variance(pipe[-1].explained_variance_ratio_, ax=plt.subplots()[1])
    assert len(ax2.lines) == 1
    ax3 = classical.plot_pca_scatter(X, y)
    assert len(ax3.collections) == 3 and "PC 1" in ax3.get_xlabel()
    plt.close("all")


# --------------------------------------------------------------------------- the zoo
def test_zoo_pipelines_learn_and_beat_the_dummy(monkeypatch):
    monkeypatch.setitem(sys.modules, "xgboost", None)  # as if not installed
    zoo = classical.model_zoo()
    assert list(zoo) == [n for n in classical.MODEL_NAMES if n != "xgboost"]
    table = _blobs(seed=1)
    train, test = table[table["split"] != "test"], table[table["split"] == "test"]
    results, fitted = classical.evaluate_zoo(zoo, train, test, features="blobs", split="artist")
    assert results.loc["dummy_most_frequent", "clip_accuracy"] == pytest.approx(1 / 3)
    for name in zoo:
        assert [s for s, _ in fitted[name].steps] == ["scale", "clf"]
        if not name.startswith("dummy"):
            assert results.loc[name, "clip_accuracy"] > 0.6, name
        assert results.loc[name, "n_params"] > 0 and results.loc[name, "fit_time_s"] >= 0
    assert results["segment_accuracy"].isna().all() and (results["features"] == "blobs").all()


def test_make_pipeline_with_pca_and_errors(monkeypatch):
    pipe = classical.make_pipeline("logreg", pca=3)
    assert [s for s, _ in pipe.steps] == ["scale", "pca", "clf"]
    X, y = classical.xy(_blobs())
    pipe.fit(X, y)
    assert pipe.named_steps["pca"].n_components_ == 3
    assert classical.n_parameters(pipe) == 10 + 3 * 5 + 5 + 3 * 3 + 3
    with pytest.raises(ValueError, match="unknown model"):
        classical.make_classifier("perceptron")
    monkeypatch.setitem(sys.modules, "xgboost", None)
    with pytest.raises(ImportError, match="hist_gradient_boosting"):
        classical.make_classifier("xgboost")


def test_xgboost_is_used_when_importable(monkeypatch):
    from sklearn.linear_model import LogisticRegression

    fake = types.ModuleType("xgboost")
    fake.XGBClassifier = lambda **kw: LogisticRegression(max_iter=500)  # integer classes only, like XGBoost
    monkeypatch.setitem(sys.modules, "xgboost", fake)
    assert "xgboost" in classical.model_zoo()
    model = classical.make_pipeline("xgboost")
    X, y = classical.xy(_blobs())
    model.fit(X, y)
    assert set(model.predict(X)) <= set(y) and model.predict_proba(X).shape == (len(y), 3)
    assert list(model.classes_) == sorted(set(y))
    assert classical.n_parameters(model) is None


def test_n_parameters_of_each_model():
    X, y = classical.xy(_blobs())
    n, d, k = len(y), X.shape[1], 3
    fitted = {name: classical.make_classifier(name).fit(X, y) for name in classical.MODEL_NAMES[:-1]}
    assert classical.n_parameters(fitted["logreg"]) == k * d + k
    assert classical.n_parameters(fitted["dummy_stratified"]) == k
    assert classical.n_parameters(fitted["knn"]) == n * (d + 1)
    assert classical.n_parameters(fitted["gaussian_nb"]) == 2 * k * d + k
    svm = fitted["svm_rbf"]
    assert classical.n_parameters(svm) == svm.support_vectors_.size + svm.dual_coef_.size + 3
    tree = fitted["decision_tree"].tree_
    assert classical.n_parameters(fitted["decision_tree"]) == 2 * (tree.node_count - tree.n_leaves) + k * tree.n_leaves
    assert classical.n_parameters(fitted["random_forest"]) > classical.n_parameters(fitted["decision_tree"])
    assert classical.n_parameters(fitted["hist_gradient_boosting"]) > 0
    assert classical.n_parameters(object()) is None


def test_class_scores_softmax_for_the_svm():
    X, y = classical.xy(_blobs())
    svm = classical.make_pipeline("svm_rbf").fit(X, y)
    p = classical.class_scores(svm, X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (svm.classes_[p.argmax(1)] == svm.predict(X)).mean() > 0.95
    two = _blobs(genres=2)
    X2, y2 = classical.xy(two)
    p2 = classical.class_scores(classical.make_pipeline("svm_rbf").fit(X2, y2), X2)
    assert p2.shape == (len(y2), 2)



def test_clip_predictions_are_the_models_predictions_in_evaluates_keys():
    table = _blobs(genre_effect=0.7)   # overlapping genres: some test clips are wrong
    train, test = table[table["split"] != "test"], table[table["split"] == "test"]
    model = classical.make_pipeline("logreg").fit(*classical.xy(train))
    got = classical.clip_predictions(model, test)
    assert list(got["track_id_clip"]) == list(test["track_id"])
    assert list(got["y_true_clip"]) == list(test["genre"])
    np.testing.assert_array_equal(got["y_pred_clip"], model.predict(classical.xy(test)[0]))
    np.testing.assert_allclose(got["proba_clip"], model.predict_proba(classical.xy(test)[0]))
    # what notebook 03 does with it: the most confident mistake, as for the networks
    wrong = got["y_pred_clip"] != got["y_true_clip"]
    assert 0 < wrong.sum() < len(wrong)
    tracks = test.assign(path=[f"/clips/{t}.wav" for t in test["track_id"]])
    clip = evaluation.misclassified_clip(got, tracks)
    k = np.flatnonzero(wrong)[np.argmax(got["proba_clip"][wrong].max(axis=1))]
    assert clip["track_id"] == test["track_id"].iloc[k] and clip["path"] == f"/clips/{clip['track_id']}.wav"
    assert clip["predicted"] == got["y_pred_clip"][k] != clip["true"]
    with pytest.raises(ValueError, match="one row per clip"):
        classical.clip_predictions(model, _segmentize(test))


# --------------------------------------------------------------------------- group-aware search
@pytest.mark.parametrize("stratified", [True, False])
def test_group_folds_never_put_an_artist_in_two_folds(stratified):
    table = _blobs(n_artists=8, per_artist=5, genres=4, seed=3)
    folds = classical.group_folds(table["genre"], table["artist"], n_splits=4, stratified=stratified)
    assert len(folds) == 4
    artists = table["artist"].to_numpy()
    tested = [set(artists[test]) for _, test in folds]
    for k, (train, test) in enumerate(folds):
        assert not set(artists[train]) & set(artists[test])
        for j in range(k):
            assert not tested[j] & tested[k]
    assert set().union(*tested) == set(artists)  # every artist is tested exactly once


def test_check_group_folds_catches_leaks_and_nan_groups_are_their_own():
    groups = np.array(["a", "a", "b", "b", "c", "c"])
    with pytest.raises(ValueError, match="both sides"):
        classical.check_group_folds([(np.array([0, 2]), np.array([1, 3]))], groups)
    with pytest.raises(ValueError, match="tested in folds"):
        classical.check_group_folds([(np.array([2, 3]), np.array([0, 1])), (np.array([4, 5]), np.array([0]))],
                                    groups)
    with pytest.raises(ValueError, match="cannot fill"):
        classical.group_folds(["x"] * 4, ["a", "a", "b", "b"], n_splits=3)
    folds = classical.group_folds(["x", "y"] * 3, [np.nan] * 6, n_splits=3, stratified=False)
    assert len(folds) == 3


def test_grid_search_uses_artist_disjoint_folds():
    table = _blobs(n_artists=8, per_artist=3, seed=4)
    X, y = classical.xy(table)
    search = classical.grid_search(classical.make_pipeline("knn"), X, y, table["artist"],
                                   param_grid={"clf__n_neighbors": [1, 7]}, n_splits=4, n_jobs=1)
    classical.check_group_folds(search.cv, table["artist"].to_numpy())
    assert search.best_params_["clf__n_neighbors"] in (1, 7) and len(search.cv_results_["params"]) == 2
    row, fitted, clips = classical.fit_and_score(
        classical.make_pipeline("knn"), table[table.split != "test"], table[table.split == "test"], name="knn",
        param_grid={"clf__n_neighbors": [1, 3]}, n_splits=3, n_jobs=1)
    assert row["best_params"] and len(clips) == (table.split == "test").sum()


# --------------------------------------------------------------------------- segments, voting, leakage
def test_fit_and_score_votes_over_segments():
    segs = _segmentize(_blobs(seed=5), n=4)
    train, test = segs[segs.split != "test"], segs[segs.split == "test"]
    row, fitted, clips = classical.fit_and_score(classical.make_pipeline("logreg"), train, test, name="logreg",
                                                 features="blobs", split="artist")
    assert 0 <= row["segment_accuracy"] <= 1 and not np.isnan(row["clip_accuracy_mean"])
    assert len(clips) == test["track_id"].nunique() and clips["n_segments"].eq(4).all()
    pred = fitted.predict(classical.xy(test)[0])
    from mgc_helpers import evaluation

    voted = evaluation.majority_vote(test["track_id"], pred, proba=fitted.predict_proba(classical.xy(test)[0]),
                                     classes=fitted.classes_)
    assert (clips["predicted"] == voted.loc[clips.index]).all()


def test_table2_layout():
    clips = _blobs(seed=6)
    segs = _segmentize(clips, n=3)
    t2 = classical.table2(classical.model_zoo(names=["gaussian_nb", "svm_rbf"]),
                          clips_train=clips[clips.split != "test"], clips_test=clips[clips.split == "test"],
                          segments_train=segs[segs.split != "test"], segments_test=segs[segs.split == "test"])
    assert list(t2.index) == ["gaussian_nb", "svm_rbf"]
    assert list(t2.columns) == ["full clips", "3 s segments", "3 s segments + majority vote",
                                "3 s segments + mean probability"]
    assert ((t2 >= 0) & (t2 <= 1)).all().all()


def test_leakage_experiment_measures_the_inflation():
    # a weak genre signal and strong per-artist and per-track "fingerprints": memorising pays only when leaking
    clips = _blobs(n_artists=4, per_artist=6, genres=4, seed=7, artist_effect=3.0, genre_effect=0.7)
    segs = _segmentize(clips, n=4, seed=1, track_effect=2.0)
    result = classical.leakage_experiment(classical.make_pipeline("knn"), segs, seeds=(0, 1))
    assert list(result.index) == ["(a) random split of segments", "(b) random split of tracks",
                                  "(c) artist-disjoint split"]
    a, b, c = (result.iloc[i] for i in range(3))
    assert a["shared_tracks"] > 0 and b["shared_tracks"] == 0 and c["shared_tracks"] == 0
    assert b["shared_artists"] > 0 and c["shared_artists"] == 0
    assert a["segment_accuracy"] > b["segment_accuracy"] > c["segment_accuracy"] + 0.2
    assert c["segment_accuracy_std"] == 0.0 and abs(a["n_train"] - b["n_train"]) <= 0.05 * b["n_train"]


def test_feature_table_leaves_out_unreadable_files(tiny_tracks, tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_text("not audio")
    tracks = pd.concat([tiny_tracks.iloc[:1], tiny_tracks.iloc[:1].assign(track_id="x.00000", path=str(broken))])
    with pytest.warns(UserWarning, match="failed"):
        seg = classical.feature_table(tracks, kind="summary", seconds=1.0, n_jobs=1)
    assert set(seg["track_id"]) == {tiny_tracks["track_id"].iloc[0]}
    with pytest.warns(UserWarning, match="failed"):
        full = classical.feature_table(tracks, n_jobs=1)
    assert len(full) == 1
    no_labels = tiny_tracks.iloc[:1][["track_id", "path", "genre"]]
    summary = classical.feature_table(no_labels, kind="summary", n_jobs=1)
    assert summary[["artist", "split"]].isna().all().all()


# --------------------------------------------------------------------------- honest folds without artists
def test_cv_folds_group_by_artist_when_artists_are_known():
    table = pd.DataFrame({"genre": list("ab") * 8, "artist": [f"x{i % 8}" for i in range(16)],
                          "split": ["train"] * 12 + ["valid"] * 4})
    folds, scheme = classical.cv_folds(table, n_splits=4, seed=0)
    assert len(folds) == 4 and "artist-disjoint" in scheme
    classical.check_group_folds(folds, table["artist"])


def test_cv_folds_fall_back_on_the_train_valid_parts_without_artists():
    table = pd.DataFrame({"genre": list("ab") * 5, "artist": np.nan,
                          "split": ["train"] * 6 + ["valid"] * 4})
    folds, scheme = classical.cv_folds(table)
    assert len(folds) == 1 and "train/valid" in scheme
    np.testing.assert_array_equal(folds[0][0], np.arange(6))
    np.testing.assert_array_equal(folds[0][1], np.arange(6, 10))
    with pytest.raises(ValueError, match="no honest folds"):
        classical.cv_folds(table.assign(split="train"))


def test_frame_statistics_in_worker_processes_equal_those_in_this_one(tiny_tracks, monkeypatch):
    serial = classical.feature_table(tiny_tracks, seconds=1.0, n_jobs=1)
    monkeypatch.setattr(classical, "PARALLEL_STATS_FROM", 1)
    parallel = classical.feature_table(tiny_tracks, seconds=1.0, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_fast_spectral_descriptors_equal_the_features_module(shared_dir):
    from mgc_helpers import audio
    import librosa

    path = sorted((shared_dir / "real_audio" / "gtzan_samples").glob("*.wav"))[0]
    y, sr = audio.load(path, sr=SR, duration=10.0)
    y = np.concatenate([np.zeros(4096, dtype=y.dtype), y])   # silent frames too
    mag = np.abs(librosa.stft(y, n_fft=2048, hop_length=512))
    got = classical._spectral_descriptors_fast(y, sr, mag, n_fft=2048, hop_length=512)
    ref = features.spectral_descriptors(y, sr=sr, S=mag, n_fft=2048, hop_length=512, names=tuple(got))
    for name in got:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-4, atol=1e-6, err_msg=name)
