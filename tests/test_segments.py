from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import cache, features, segments


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
