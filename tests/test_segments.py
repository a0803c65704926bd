from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import cache, features, segments
from mgc_helpers.cache import TrackFeatures

CLASSES = ["a", "b", "c"]


def _write(path: Path, freq: float, sr: int = 22050) -> Path:
    t = np.arange(sr) / sr
    sf.write(path, 0.5 * np.sin(2 * np.pi * freq * t), sr, subtype="PCM_16")
    return path


@pytest.fixture()
def table(tmp_path):
    files = [_write(tmp_path / f"a{i}.wav", 220.0 * (i + 1)) for i in range(3)]
    return pd.DataFrame({
        "track_id": ["t0", "t1", "t2"], "path": [str(p) for p in files],
        "genre": ["a", "b", "a"], "artist": ["x", "y", "z"], "split": ["train", "train", "test"],
    })


@pytest.fixture()
def feats(isolated_cache, table):
    return cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=32)


def test_segments_are_cut_after_the_split_into_float16_memmaps(isolated_cache, feats):
    frames = features.seconds_to_frames(0.5)
    assert frames == 22
    parts = segments.segment_arrays(feats, frames=frames, hop=11)
    assert list(parts) == ["train", "test"]
    train, test = parts["train"], parts["test"]
    assert isinstance(train.X, np.memmap) and train.X.dtype == np.float16 and not train.X.flags.writeable
    assert train.X.shape == (6, 32, 22) and len(test) == 3             # (44 - 22) // 11 + 1 = 3 per track
    assert set(train.track_id) == {"t0", "t1"} and set(test.track_id) == {"t2"}   # no clip on both sides
    assert list(train.genre) == ["a"] * 3 + ["b"] * 3
    np.testing.assert_array_equal(test.X[1], feats.arrays[2][:, 11:33])
    files = sorted(p.name for p in (isolated_cache / "segments").rglob("*.np[yz]"))
    assert files == ["test.X.npy", "test.meta.npz", "train.X.npy", "train.meta.npz"]   # no temporary left
    again = segments.segment_arrays(feats, frames=frames, hop=11)       # same request: same files reused
    assert again["train"].X.filename == train.X.filename
    with pytest.raises(ValueError, match="split"):
        segments.segment_arrays(cache.TrackFeatures(feats.tracks.drop(columns="split"), feats.arrays, {}), frames=5)
    with pytest.raises(ValueError, match="frames"):
        segments.segment_arrays(feats, frames=0)
    sizes = cache.cache_sizes()
    assert sizes["segments"] > 6 * 32 * 22 * 2 and sizes["joblib"] > 0
    cache.clear()
    assert not (isolated_cache / "segments").exists()


def test_starts_follow_the_course_rule_whole_segments_only(isolated_cache, feats):
    from mgc_helpers import audio

    parts = segments.segment_arrays(feats, frames=20, hop=15)           # 44 frames: starts 0, 15 (30 + 20 > 44)
    assert len(parts["test"]) == len(audio.segment_starts(44, length=20, hop=15, pad=False)) == 2
    np.testing.assert_array_equal(parts["test"].X[1], feats.arrays[2][:, 15:35])
    too_long = segments.segment_arrays(feats, frames=45)                # shorter than one segment: none
    assert len(too_long["train"]) == 0 and too_long["train"].X.shape == (0, 32, 45)


def test_the_folder_key_hashes_parameter_values_not_their_repr(isolated_cache, feats):
    a = np.zeros(5000)
    b = a.copy()
    b[2500] = 1.0
    assert repr(a) == repr(b)                                           # the old key could not tell them apart
    one = cache.TrackFeatures(feats.tracks, feats.arrays, feats.failures, {**feats.params, "w": a})
    two = cache.TrackFeatures(feats.tracks, feats.arrays, feats.failures, {**feats.params, "w": b})
    x1 = segments.segment_arrays(one, frames=22)["train"].X.filename
    x2 = segments.segment_arrays(two, frames=22)["train"].X.filename
    assert Path(x1).parent != Path(x2).parent


def test_a_truncated_meta_file_is_rebuilt_with_a_warning(isolated_cache, feats):
    first = segments.segment_arrays(feats, frames=22, hop=11)
    genre, track_id = first["train"].genre.copy(), first["train"].track_id.copy()
    meta = Path(first["train"].X.filename).with_name("train.meta.npz")
    meta.write_bytes(meta.read_bytes()[:40])                            # an interrupted, non-atomic write
    with pytest.warns(UserWarning, match="train.meta.npz"):
        again = segments.segment_arrays(feats, frames=22, hop=11)
    np.testing.assert_array_equal(again["train"].genre, genre)
    np.testing.assert_array_equal(again["train"].track_id, track_id)
    np.testing.assert_array_equal(again["test"].X, first["test"].X)


def test_a_garbage_or_misshapen_x_file_is_rebuilt_with_a_warning(isolated_cache, feats):
    first = segments.segment_arrays(feats, frames=22, hop=11)
    expected = np.array(first["test"].X)
    x_path = Path(first["test"].X.filename)
    del first
    x_path.write_bytes(b"this is not an npy file at all")
    with pytest.warns(UserWarning, match="test.X.npy"):
        again = segments.segment_arrays(feats, frames=22, hop=11)
    np.testing.assert_array_equal(again["test"].X, expected)
    np.save(x_path, np.zeros((2, 32, 22), dtype=np.float16))            # readable, but not what was asked
    with pytest.warns(UserWarning, match="test.X.npy"):
        third = segments.segment_arrays(feats, frames=22, hop=11)
    np.testing.assert_array_equal(third["test"].X, expected)


def test_temporary_names_are_per_process_and_per_call(tmp_path):
    import os

    names = {segments._tmp(tmp_path / "train.X.npy", ".npy").name for _ in range(3)}
    assert len(names) == 3 and all(str(os.getpid()) in n and n.endswith(".npy") for n in names)


# =========================================================================== network inputs
def make_feats(*, n_bands: int = 4, n_frames: int = 40, per_split: dict | None = None, seed: int = 0) -> TrackFeatures:
    """Tracks whose every value encodes the track number (value = 1000 * k + band), so a crop names its track."""
    per_split = per_split or {"train": 6, "valid": 3, "test": 3}
    rows, arrays = [], []
    k = 0
    for part, n in per_split.items():
        for i in range(n):
            genre = CLASSES[i % len(CLASSES)]
            rows.append({"track_id": f"{part}.{i:05d}", "genre": genre, "split": part, "artist": f"{part}{i % 2}",
                         "path": f"/nowhere/{part}{i}.wav"})
            frames = n_frames + (5 * i if part == "test" else 0)
            a = 1000.0 * k + np.arange(n_bands)[:, None] + np.zeros((n_bands, frames))
            arrays.append(a.astype(np.float32))
            k += 1
    return TrackFeatures(pd.DataFrame(rows), arrays, {}, {"kind": "synthetic"})


# --------------------------------------------------------------------------- standardizer
def test_standardizer_matches_numpy_per_band():
    rng = np.random.default_rng(1)
    arrays = [rng.normal(loc=5, scale=3, size=(6, n)) for n in (10, 17, 30)]
    st = segments.Standardizer().fit(arrays)
    joined = np.concatenate(arrays, axis=1)
    np.testing.assert_allclose(st.mean, joined.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(st.std, joined.std(axis=1), rtol=1e-4)
    z = st.transform(joined)
    np.testing.assert_allclose(z.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=1), 1, atol=1e-4)
    # images (n, bands, frames, 1) and stacked arrays (n, bands, frames) are accepted too
    img = st.transform(np.stack([a[:, :10] for a in arrays])[..., None])
    assert img.shape == (3, 6, 10, 1) and img.dtype == np.float32
    st2 = segments.Standardizer().fit(np.stack([a[:, :10] for a in arrays])[..., None])
    st3 = segments.Standardizer().fit(np.stack([a[:, :10] for a in arrays]))
    np.testing.assert_allclose(st2.mean, st3.mean)


def test_standardizer_round_trip_and_errors():
    st = segments.Standardizer()
    with pytest.raises(RuntimeError):
        st.transform(np.zeros((2, 3)))
    with pytest.raises(RuntimeError):
        st.to_dict()
    with pytest.raises(ValueError):
        st.fit([])
    with pytest.raises(ValueError):
        st.fit([np.zeros((3, 4)), np.zeros((2, 4))])
    st.fit([np.arange(12.0).reshape(3, 4)])
    back = segments.Standardizer.from_dict(st.to_dict())
    np.testing.assert_array_equal(back.mean, st.mean)
    np.testing.assert_array_equal(back.std, st.std)
    with pytest.raises(ValueError, match="bands"):
        st.transform(np.zeros((5, 4)))
    assert np.all(np.isfinite(segments.Standardizer().fit([np.ones((2, 5))]).transform(np.ones((2, 5)))))


def test_standardizer_is_fitted_on_the_training_split_only():
    feats = make_feats()
    st = segments.fit_standardizer(feats)
    train_rows = np.flatnonzero(feats.tracks["split"] == "train")
    expected = np.concatenate([feats.arrays[i] for i in train_rows], axis=1).mean(axis=1)
    np.testing.assert_allclose(st.mean, expected, rtol=1e-6)
    # changing the test tracks changes nothing
    for i in np.flatnonzero(feats.tracks["split"] == "test"):
        feats.arrays[i] = feats.arrays[i] + 1e6
    np.testing.assert_allclose(segments.fit_standardizer(feats).mean, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="no track"):
        segments.fit_standardizer(feats, split="nope")


# --------------------------------------------------------------------------- segments and isolation
def test_eval_segments_cuts_every_segment_of_one_split():
    feats = make_feats(n_frames=40)
    data = segments.eval_segments(feats, split="test", frames=10, classes=CLASSES, standardizer=None)
    # test tracks have 40, 45, 50 frames -> 4, 4, 5 segments without overlap
    assert data.X.shape == (13, 4, 10, 1) and data.X.dtype == np.float32
    assert data.y.dtype == np.int64 and len(data) == 13 and data.n_tracks == 3
    assert set(data.track_id) == set(feats.tracks.loc[feats.tracks["split"] == "test", "track_id"])
    np.testing.assert_array_equal(np.bincount(data.y, minlength=3), [4, 4, 5])
    hopped = segments.eval_segments(feats, split="test", frames=10, hop=5, classes=CLASSES, standardizer=None)
    assert len(hopped) == 7 + 8 + 9
    st = segments.fit_standardizer(feats)
    z = segments.eval_segments(feats, split="valid", frames=10, classes=CLASSES, standardizer=st)
    np.testing.assert_allclose(z.X, st.transform(
        segments.eval_segments(feats, split="valid", frames=10, classes=CLASSES, standardizer=None).X), rtol=1e-6)
    with pytest.raises(ValueError):
        segments.eval_segments(feats, split="test", frames=0, classes=CLASSES, standardizer=None)


def test_eval_segments_pads_a_short_track_and_rejects_unknown_labels():
    feats = make_feats(n_frames=6, per_split={"train": 1, "test": 1})
    data = segments.eval_segments(feats, split="test", frames=10, classes=CLASSES, standardizer=None)
    assert data.X.shape == (1, 4, 10, 1)
    np.testing.assert_array_equal(data.X[0, :, 6:, 0], 0)
    with pytest.raises(ValueError, match="not in classes"):
        segments.eval_segments(feats, split="test", frames=10, classes=["zzz"], standardizer=None)
    with pytest.raises(ValueError, match="split"):
        segments.eval_segments(TrackFeatures(feats.tracks.drop(columns="split"), feats.arrays, {}), split="test",
                               frames=4, classes=CLASSES, standardizer=None)


@pytest.mark.parametrize("hop", [3, 10])
def test_eval_segments_follow_the_course_segment_rule(hop):
    """Whole segments at 0, hop, ...; the tail is dropped; a track shorter than one segment gives one padded segment."""
    lengths = [1, 6, 9, 10, 11, 19, 20, 23, 37]
    feats = make_feats(n_frames=10, per_split={"train": 1, "test": len(lengths)})
    rows = np.flatnonzero(feats.tracks["split"] == "test")
    for i, n in zip(rows, lengths):
        feats.arrays[i] = feats.arrays[i][:, :1].repeat(n, axis=1) + np.arange(n)[None, :] * 1e-2
    data = segments.eval_segments(feats, split="test", frames=10, hop=hop, classes=CLASSES, standardizer=None)
    k = 0
    for i, n in zip(rows, lengths):
        starts = [0] if n <= 10 else list(range(0, n - 10 + 1, hop))  # the rule, written out
        for s in starts:
            expected = np.zeros((4, 10), np.float32)
            part = feats.arrays[i][:, s:s + 10]
            expected[:, :part.shape[1]] = part
            np.testing.assert_array_equal(data.X[k, ..., 0], expected)
            assert data.track_id[k] == feats.tracks["track_id"].iloc[i]
            k += 1
    assert k == len(data)


def _owner(X: np.ndarray) -> set[int]:
    """Track numbers encoded in the values (1000 * k + band)."""
    return {int(v) // 1000 for v in np.unique(X)}


def test_no_test_or_valid_segment_ever_reaches_training():
    feats = make_feats()
    number = {tid: k for k, tid in enumerate(feats.tracks["track_id"])}
    train_ids = set(feats.tracks.loc[feats.tracks["split"] == "train", "track_id"])
    seen_tracks, seen_labels = set(), []
    ds = segments.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=5,
                                crops_per_track=3, seed=0)
    assert len(ds) == math.ceil(6 * 3 / 5)
    for _ in range(3):  # three epochs
        for X, y in ds:
            assert X.shape[1:] == (4, 8, 1)
            seen_tracks |= _owner(X.numpy())
            seen_labels += list(y.numpy())
    assert seen_tracks == {number[t] for t in train_ids}  # every training track, and nothing else
    assert len(seen_labels) == 3 * 6 * 3
    test = segments.eval_segments(feats, split="test", frames=8, classes=CLASSES, standardizer=None)
    assert set(test.track_id).isdisjoint(train_ids)
    assert _owner(test.X).isdisjoint(seen_tracks)


def test_train_dataset_labels_match_tracks_and_crops_change_between_epochs():
    feats = make_feats(n_frames=60)
    # make each frame distinct so that crops at different offsets differ
    for a in feats.arrays:
        a += np.arange(a.shape[1])[None, :] * 1e-3
    ds = segments.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=6,
                                crops_per_track=1, seed=1)
    genre = dict(zip(range(len(feats.tracks)), feats.tracks["genre"]))
    epochs = []
    for _ in range(2):
        X, y = next(iter(ds))
        X, y = X.numpy(), y.numpy()
        for x, label in zip(X, y):
            assert CLASSES[label] == genre[int(x.max()) // 1000]
        epochs.append(X)
    assert not np.array_equal(epochs[0], epochs[1])
    again = next(iter(segments.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=6,
                                             crops_per_track=1, seed=1)))[0].numpy()
    np.testing.assert_array_equal(again, epochs[0])  # same seed, same first epoch


def test_train_dataset_standardises_and_augments():
    feats = make_feats()
    st = segments.fit_standardizer(feats)
    X, _ = next(iter(segments.train_dataset(feats, frames=8, classes=CLASSES, standardizer=st, batch_size=64,
                                            crops_per_track=4)))
    assert abs(float(X.numpy().mean())) < 0.5
    aug = segments.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=64,
                                 spec_augment={"max_freq": 2, "max_time": 4, "freq_masks": 2}, seed=0)
    Xa, _ = next(iter(aug))
    assert Xa.shape == (24, 4, 8, 1)
    assert (Xa.numpy() == 0).any()  # masks were applied


def test_random_crops_shapes_and_padding():
    rng = np.random.default_rng(0)
    out = segments.random_crops([np.ones((3, 20)), np.ones((3, 5))], frames=10, rng=rng)
    assert out.shape == (2, 3, 10) and out.dtype == np.float32
    np.testing.assert_array_equal(out[1, :, 5:], 0)


def test_spec_augment_masks_bands_and_frames():
    rng = np.random.default_rng(0)
    X = np.ones((50, 16, 32, 1), dtype=np.float32)
    Y = segments.spec_augment(X, rng=rng, freq_masks=1, time_masks=1, max_freq=4, max_time=6)
    assert Y.shape == X.shape and Y.dtype == X.dtype
    assert np.all(X == 1)  # the input is not modified
    for y in Y[..., 0]:
        zero_rows = np.all(y == 0, axis=1).sum()
        zero_cols = np.all(y == 0, axis=0).sum()
        assert zero_rows <= 4 and zero_cols <= 6
        masked = y == 0
        # every masked value lies in a fully masked band or a fully masked frame
        assert np.all(masked <= (np.all(masked, axis=1)[:, None] | np.all(masked, axis=0)[None, :]))
    assert (Y == 0).any()
    Z = segments.spec_augment(X[..., 0], rng=rng, freq_masks=0, time_masks=0)
    np.testing.assert_array_equal(Z, X[..., 0])


def test_array_dataset_batches_all_rows():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 3
    batches = list(segments.array_dataset(X, y, batch_size=4, seed=0))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[0].numpy()[:, 0] for b in batches]).tolist()) == X[:, 0].tolist()


def test_class_index():
    np.testing.assert_array_equal(segments.class_index(["b", "a"], CLASSES), [1, 0])
    with pytest.raises(ValueError, match="not in classes"):
        segments.class_index(["a", "zzz"], CLASSES)



# --------------------------------------------------------------------------- the pipeline
def test_pipeline_gives_what_the_functions_give_with_the_same_settings():
    feats = make_feats(n_frames=40)
    st = segments.fit_standardizer(feats)
    pipe = segments.Pipeline(feats, frames=10, classes=CLASSES, standardizer=st)
    assert pipe.input_shape == (4, 10, 1) and "frames=10" in repr(pipe)
    for split, hop in (("valid", None), ("test", None), ("test", 5)):
        got = pipe.eval_segments(split, hop=hop)
        ref = segments.eval_segments(feats, split=split, frames=10, hop=hop, classes=CLASSES, standardizer=st)
        np.testing.assert_array_equal(got.X, ref.X)
        np.testing.assert_array_equal(got.y, ref.y)
        np.testing.assert_array_equal(got.track_id, ref.track_id)
        assert got.classes == CLASSES
    assert len(pipe.eval_segments("test", hop=5)) == 7 + 8 + 9
    overlapping = segments.Pipeline(feats, frames=10, classes=CLASSES, standardizer=st, hop=5)
    assert len(overlapping.eval_segments("test")) == 7 + 8 + 9      # the pipeline's hop ...
    assert len(overlapping.eval_segments("test", hop=10)) == 4 + 4 + 5  # ... unless a call sets its own
    ds = pipe.train_dataset(batch_size=5, crops_per_track=2, seed=3)
    ref = segments.train_dataset(feats, frames=10, classes=CLASSES, standardizer=st, batch_size=5,
                                 crops_per_track=2, seed=3)
    assert len(ds) == len(ref) == math.ceil(6 * 2 / 5)
    for (x1, y1), (x2, y2) in zip(ds, ref):
        np.testing.assert_array_equal(x1.numpy(), x2.numpy())
        np.testing.assert_array_equal(y1.numpy(), y2.numpy())


def test_pipeline_trains_on_the_training_split_only():
    feats = make_feats()
    number = {tid: k for k, tid in enumerate(feats.tracks["track_id"])}
    train_ids = feats.tracks.loc[feats.tracks["split"] == "train", "track_id"]
    pipe = segments.Pipeline(feats, frames=8, classes=CLASSES, standardizer=None)
    seen = set()
    for X, _ in pipe.train_dataset(batch_size=4, crops_per_track=3, spec_augment=False, seed=0):
        seen |= _owner(X.numpy())
    assert seen == {number[t] for t in train_ids}
    assert _owner(pipe.eval_segments(["valid", "test"]).X).isdisjoint(seen)


def test_pipeline_rejects_bad_settings():
    feats = make_feats()
    with pytest.raises(ValueError, match="frames"):
        segments.Pipeline(feats, frames=0, classes=CLASSES, standardizer=None)
    with pytest.raises(ValueError, match="hop"):
        segments.Pipeline(feats, frames=8, hop=0, classes=CLASSES, standardizer=None)
    with pytest.raises(ValueError, match="classes"):
        segments.Pipeline(feats, frames=8, classes="abc", standardizer=None)
    with pytest.raises(ValueError, match="not fitted"):
        segments.Pipeline(feats, frames=8, classes=CLASSES, standardizer=segments.Standardizer())
    with pytest.raises(ValueError, match="not in classes"):
        segments.Pipeline(feats, frames=8, classes=["a"], standardizer=None).eval_segments("test")


def test_segments_imports_no_tensorflow():
    import subprocess
    import sys

    code = ("import sys, mgc_helpers.segments as s; s.fit_standardizer; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- other input sizes, split names
def test_pipeline_with_input_shares_or_computes_the_features(isolated_cache, feats):
    from mgc_helpers.config import SeedInput

    pipe = segments.Pipeline(feats, frames=8, classes=["a", "b"], standardizer=segments.fit_standardizer(feats))
    assert pipe.with_input(SeedInput(32, 512, 8, epochs=1, batch_size=2)) is pipe       # same input: the same pipeline
    longer = pipe.with_input(SeedInput(32, 512, 30, epochs=1, batch_size=2))          # same features, longer crops
    assert longer.feats is pipe.feats and longer.standardizer is pipe.standardizer and longer.input_shape == (32, 30, 1)
    other = pipe.with_input(SeedInput(16, 1024, 12, epochs=1, batch_size=2))          # other features: computed
    assert other.input_shape == (16, 12, 1) and other.feats is not pipe.feats
    assert other.feats.params["n_mels"] == 16 and other.feats.params["hop_length"] == 1024
    assert list(other.feats.tracks["track_id"]) == list(pipe.feats.tracks["track_id"]) and other.classes == pipe.classes
    test = other.eval_segments("test")
    assert test.X.shape[1:] == (16, 12, 1) and set(test.track_id) == {"t2"}
    with pytest.raises(ValueError, match="log-mel features with known n_mels"):
        segments.Pipeline(make_feats(), frames=4, classes=CLASSES, standardizer=None).with_input(
            SeedInput(4, 512, 4, epochs=1, batch_size=2))


def test_pipeline_cuts_each_evaluation_split_once():
    pipe = segments.Pipeline(make_feats(), frames=10, classes=CLASSES, standardizer=None)
    assert pipe.eval_segments("test") is pipe.eval_segments("test")
    assert pipe.eval_segments("test", hop=5) is not pipe.eval_segments("test")
    assert len(pipe.eval_segments("test", hop=5)) > len(pipe.eval_segments("test"))


def test_split_name_of_each_dataset():
    tracks = pd.DataFrame({"split": ["train", "test"]})
    assert [segments.split_name(tracks, dataset=d) for d in ("toy", "gtzan", "fma_small", "fma_medium", "/a/folder")] == [
        "artist", "filtered", "official", "official", "artist"]
    tracks.attrs["split"] = "random"
    assert segments.split_name(tracks, dataset="gtzan") == "random"      # what the loader stored wins
