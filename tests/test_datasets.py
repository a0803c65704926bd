"""Dataset loaders and honest splits: toy, GTZAN layout, FMA metadata, folders with bad files, real recordings."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from archive_fixtures import audio_bytes, link, tone, tracks_csv, write
from mgc_helpers import audio, datasets
from mgc_helpers.datasets import fma, folder, gtzan, splits


# --------------------------------------------------------------------------- splits
def test_read_split_lists_of_shared_gtzan_give_443_197_290(shared_dir):
    lists = splits.read_split_lists(shared_dir / "gtzan_splits")
    assert {k: len(v) for k, v in lists.items()} == {"train": 443, "valid": 197, "test": 290}
    every = [t for ids in lists.values() for t in ids]
    assert len(set(every)) == 930 and "blues.00012" in lists["test"]
    assert {t.split(".")[0] for t in every} == set(gtzan.GENRES)


def test_read_split_lists_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="download gtzan_splits"):
        splits.read_split_lists(tmp_path)
    for part, text in {"train": "blues/blues.00001.wav\n", "valid": "blues/blues.00001.au\n", "test": ""}.items():
        (tmp_path / f"{part}_filtered.txt").write_text(text)
    with pytest.raises(ValueError, match="blues.00001"):
        splits.read_split_lists(tmp_path)


def test_stratified_split_is_deterministic_and_stratified():
    genres = ["a"] * 50 + ["b"] * 30
    s0 = splits.stratified_split(genres, seed=0)
    assert list(s0) == list(splits.stratified_split(genres, seed=0))
    assert list(s0) != list(splits.stratified_split(genres, seed=1))
    counts = pd.crosstab(pd.Series(genres), pd.Series(s0))
    assert counts.loc["a"].to_dict() == {"test": 10, "train": 30, "valid": 10}
    assert counts.loc["b"].to_dict() == {"test": 6, "train": 18, "valid": 6}
    with pytest.raises(ValueError, match="fractions"):
        splits.stratified_split(genres, fractions=(0.5, 0.5, 0.5))


def test_artist_split_keeps_artists_apart_and_roughly_follows_fractions():
    rng = np.random.default_rng(0)
    artists = [f"{g}_{i}" for g in "abcd" for i in range(10) for _ in range(rng.integers(1, 6))]
    genres = [a.split("_")[0] for a in artists]
    parts = splits.artist_split(genres, artists, seed=3)
    tracks = pd.DataFrame({"genre": genres, "artist": artists, "split": parts})
    splits.check_artist_disjoint(tracks)
    share = tracks["split"].value_counts(normalize=True)
    assert share["train"] == pytest.approx(0.6, abs=0.08) and share["test"] == pytest.approx(0.2, abs=0.08)
    assert set(tracks.groupby("genre")["split"].nunique()) == {3}
    assert list(parts) == list(splits.artist_split(genres, artists, seed=3))
    with pytest.raises(ValueError, match="artist"):
        splits.artist_split(["a"], [None])


def test_toy_artist_split_rotates_3_1_1_per_genre():
    genres = [g for g in ("blues", "jazz", "rock") for _ in range(5) for _ in range(4)]
    artists = [f"{g}_artist{i}" for g in ("blues", "jazz", "rock") for i in range(5) for _ in range(4)]
    parts = splits.toy_artist_split(genres, artists)
    tracks = pd.DataFrame({"genre": genres, "artist": artists, "split": parts})
    splits.check_artist_disjoint(tracks)
    per_genre = tracks.drop_duplicates("artist").groupby("genre")["split"].value_counts().unstack()
    assert (per_genre[["train", "valid", "test"]].to_numpy() == [3, 1, 1]).all()
    test_artists = tracks.loc[tracks["split"] == "test", "artist"].unique()
    assert list(test_artists) == ["blues_artist0", "jazz_artist1", "rock_artist2"]    # rotates with the genre
    summary = splits.split_summary(tracks)
    assert list(summary.columns) == ["train", "valid", "test", "total"] and summary.loc["total", "total"] == 60
    with pytest.raises(ValueError, match="at least 3"):
        splits.toy_artist_split(["a", "a"], ["x", "y"])


def test_check_artist_disjoint_catches_a_leak():
    tracks = pd.DataFrame({"artist": ["x", "x", "y", None], "split": ["train", "test", "test", "train"]})
    with pytest.raises(ValueError, match="x"):
        splits.check_artist_disjoint(tracks)


# --------------------------------------------------------------------------- toy
def test_toy_dataset_loads_with_its_artist_split(tmp_path):
    tracks = datasets.load_tracks("toy", root=tmp_path, genres=("blues", "rock"), tracks_per_artist=1,
                                  duration=2.0, n_jobs=1)
    assert (tmp_path / "toy" / "metadata.csv").is_file()
    assert list(tracks.columns[:6]) == ["track_id", "path", "genre", "artist", "split", "duration"]
    assert {"tempo", "sections", "section_labels"} <= set(tracks.columns)
    assert len(tracks) == 10 and tracks["split"].value_counts().to_dict() == {"train": 6, "valid": 2, "test": 2}
    splits.check_artist_disjoint(tracks)
    assert all(tracks["path"].map(lambda p: p.startswith(str(tmp_path))))
    assert datasets.report(tracks).empty and datasets.is_downloaded("toy", root=tmp_path)
    rnd = datasets.load_tracks("toy", root=tmp_path, split="random", genres=("blues", "rock"),
                               tracks_per_artist=1, duration=2.0, n_jobs=1)
    assert rnd["split"].value_counts().to_dict() == {"train": 6, "valid": 2, "test": 2}
    with pytest.raises(ValueError, match="split"):
        datasets.load_tracks("toy", root=tmp_path, split="official", genres=("blues", "rock"),
                             tracks_per_artist=1, duration=2.0)


def test_load_tracks_calls_ensure_toy_dataset(tmp_path, monkeypatch):
    import mgc_helpers.toy as toy

    calls = []
    meta = pd.DataFrame({
        "track_id": [f"g{g}.{i}" for g in range(2) for i in range(5)],
        "genre": [f"g{g}" for g in range(2) for _ in range(5)],
        "artist": [f"g{g}_artist{i}" for g in range(2) for i in range(5)],
        "tempo": 100.0, "key": "C major", "sections": "0;2", "section_labels": "verse", "duration": 2.0,
        "path": [str(tmp_path / f"{i}.wav") for i in range(10)],
    })

    def fake(root=None, **kw):
        calls.append((root, kw))
        return meta

    monkeypatch.setattr(toy, "ensure_toy_dataset", fake)
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "elsewhere"))
    tracks = datasets.load_tracks()
    assert calls == [(tmp_path / "elsewhere" / "toy", {})]
    assert list(tracks.loc[tracks["genre"] == "g1", "split"]) == ["train", "test", "valid", "train", "train"]
    assert datasets.download("toy") == tmp_path / "elsewhere" / "toy" and len(calls) == 2
    with pytest.raises(TypeError, match="n_artists"):
        datasets.load_tracks("gtzan", n_artists=3)


# --------------------------------------------------------------------------- GTZAN layout
def _gtzan_with_shared_samples(shared_dir, root):
    for f in sorted((shared_dir / "real_audio" / "gtzan_samples").glob("*.wav")):
        link(f, root / "gtzan" / "genres" / f.stem.split(".")[0] / f.name)
    for f in (shared_dir / "gtzan_splits").glob("*.txt"):
        link(f, root / "gtzan" / "splits" / f.name)


def test_real_gtzan_clips_in_gtzan_layout_load(shared_dir, tmp_path):
    _gtzan_with_shared_samples(shared_dir, tmp_path)
    with pytest.warns(UserWarning, match="not in"):
        tracks = datasets.load_tracks("gtzan", root=tmp_path)
    lists = splits.read_split_lists(shared_dir / "gtzan_splits")
    part = {t: name for name, ids in lists.items() for t in ids}
    present = {f"{g}.00000" for g in gtzan.GENRES} & set(part)
    assert set(tracks["track_id"]) == present and len(tracks) >= 5
    assert all(tracks["split"] == tracks["track_id"].map(part))
    assert tracks["duration"].between(29.0, 31.0).all() and tracks["genre"].isin(gtzan.GENRES).all()
    assert len(tracks.attrs["missing"]) == 930 - len(present) - 1               # jazz.00054 is never expected
    assert datasets.report(tracks).empty                                          # 22050 Hz mono: nothing to convert
    rnd = datasets.load_tracks("gtzan", root=tmp_path, split="random")
    assert len(rnd) == 10 and set(rnd["split"]) <= {"train", "valid", "test"}
    y, sr = audio.load(tracks["path"].iloc[0])
    assert sr == 22050 and abs(len(y) / sr - tracks["duration"].iloc[0]) < 0.01


def test_gtzan_skips_jazz_00054_and_finds_other_layouts(tmp_path):
    data = audio_bytes(tone(1.2))
    for name in ("jazz.00053", "jazz.00054", "rock.00001"):
        write(tmp_path / "gtzan" / "genres_original" / name.split(".")[0] / f"{name}.wav", data)
    with pytest.warns(UserWarning, match="jazz.00054"):
        tracks = datasets.load_tracks("gtzan", root=tmp_path, split="random", fractions=(0.5, 0.0, 0.5))
    assert sorted(tracks["track_id"]) == ["jazz.00053", "rock.00001"]
    assert "corrupt" in datasets.report(tracks).set_index("status").loc["skipped", "reason"]
    with pytest.raises(FileNotFoundError, match="download gtzan_splits"):
        datasets.load_tracks("gtzan", root=tmp_path)
    with pytest.raises(ValueError, match="split"):
        datasets.load_tracks("gtzan", root=tmp_path, split="official")
    with pytest.raises(FileNotFoundError, match="download gtzan"):
        gtzan.find_audio_root(tmp_path / "nothing")


# --------------------------------------------------------------------------- FMA metadata
def test_fma_tracks_csv_has_two_header_rows(tmp_path):
    write(tmp_path / "tracks.csv", tracks_csv())
    meta = fma.read_tracks_csv(tmp_path / "tracks.csv")
    assert meta.loc[2, ("track", "genre_top")] == "Hip-Hop" and meta.loc[140, ("set", "split")] == "test"
    assert fma.audio_path(tmp_path, 2) == tmp_path / "000" / "000002.mp3"
    assert fma.audio_path(tmp_path, 155066) == tmp_path / "155" / "155066.mp3"
    write(tmp_path / "bad.csv", b"a,b\n1,2\n")
    with pytest.raises(ValueError, match="tracks.csv"):
        fma.read_tracks_csv(tmp_path / "bad.csv")
    with pytest.raises(FileNotFoundError, match="download fma_metadata"):
        fma.read_tracks_csv(tmp_path / "missing.csv")
    assert datasets.GENRE_SETS["four"] == ("Electronic", "Rock", "Hip-Hop", "Folk")
    assert len(datasets.GENRE_SETS["report004"]) == 8


def test_fma_genre_selection_errors(tmp_path):
    write(tmp_path / "fma_metadata" / "tracks.csv", tracks_csv())
    (tmp_path / "fma_small").mkdir()
    with pytest.raises(ValueError, match="genres"):
        datasets.load_tracks("fma_small", root=tmp_path, genres="nine")
    with pytest.raises(ValueError, match="Polka"):
        datasets.load_tracks("fma_small", root=tmp_path, genres=["Polka"])
    with pytest.raises(ValueError, match="size"):
        fma.load_fma(tmp_path, size="large")
    small = fma.load_fma(tmp_path, size="small", genres=["Rock"])
    assert small.empty                                    # Rock's only track is in "medium", not "small"


# --------------------------------------------------------------------------- folders with bad files
@pytest.fixture()
def messy_folder(tmp_path):
    root = tmp_path / "my_music"
    good = audio_bytes(tone(2.0))
    write(root / "jazz" / "good1.wav", good)
    write(root / "jazz" / "good2.flac", audio_bytes(tone(2.0, freq=330), format="FLAC"))
    write(root / "jazz" / "stereo.wav", audio_bytes(tone(2.0, channels=2)))
    write(root / "jazz" / "cd_quality.wav", audio_bytes(tone(2.0, sr=44100), sr=44100))
    write(root / "rock" / "good3.wav", audio_bytes(tone(2.0, freq=440)))
    write(root / "rock" / "empty.wav", b"")
    write(root / "rock" / "corrupt.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 40)
    write(root / "rock" / "truncated.wav", good[:3000])
    write(root / "rock" / "not_audio.mp3", b"<html>404 Not Found</html>" * 50)
    write(root / "rock" / "too_short.wav", audio_bytes(tone(0.3)))
    write(root / "rock" / "notes.txt", b"liner notes")
    write(root / "rock" / "odd_format.m4a", b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 64)
    write(root / "artists.csv", b"file,artist\njazz/good1.wav,Ann\ngood2.flac,Ann\njazz/stereo.wav,Bob\n")
    return root


def test_folder_with_bad_files_reports_each(messy_folder):
    with pytest.warns(UserWarning, match="no artist"):
        with pytest.warns(UserWarning, match="7 file"):
            tracks = datasets.load_tracks(messy_folder, min_duration=1.0)
    assert sorted(tracks["track_id"]) == ["cd_quality", "good1", "good2", "good3", "stereo"]
    rep = datasets.report(tracks)
    reasons = {p.rsplit("/", 1)[-1]: (s, r) for p, s, r in rep.itertuples(index=False)}
    assert reasons["empty.wav"] == ("skipped", "empty file (0 bytes): probably an incomplete download")
    assert reasons["corrupt.wav"][0] == "skipped" and "not a readable audio file" in reasons["corrupt.wav"][1]
    assert reasons["not_audio.mp3"][0] == "skipped" and reasons["odd_format.m4a"][0] == "skipped"
    assert reasons["truncated.wav"][0] == "skipped" and "truncated: its header promises 2.00 s" in reasons["truncated.wav"][1]
    assert reasons["too_short.wav"][0] == "skipped" and "0.30 s" in reasons["too_short.wav"][1]
    assert reasons["notes.txt"][0] == "skipped" and "not an audio file" in reasons["notes.txt"][1]
    assert reasons["stereo.wav"] == ("converted", "2 channels: downmixed to mono when loaded")
    assert reasons["cd_quality.wav"] == ("converted", "44100 Hz: resampled to 22050 Hz when loaded")
    assert dict(zip(tracks["track_id"], tracks["artist"]))["good2"] == "Ann"
    for path in tracks["path"]:                            # every kept file loads as 22050 Hz mono
        y, sr = audio.load(path)
        assert sr == 22050 and y.ndim == 1 and len(y) == pytest.approx(2.0 * 22050, abs=2)


def test_folder_decode_check_finds_truncated_data(tmp_path):
    import soundfile as sf

    root = tmp_path / "music"
    write(root / "a" / "ok.wav", audio_bytes(tone(2.0)))
    flac = audio_bytes(tone(3.0), format="FLAC")
    write(root / "a" / "cut.flac", flac[: len(flac) * 2 // 3])
    header = sf.info(str(root / "a" / "cut.flac")).duration
    assert header == pytest.approx(3.0, abs=0.01)                        # the header does not know
    probe = folder.probe_file(root / "a" / "cut.flac", decode=True)
    assert probe.status in ("converted", "skipped") and "truncated" in probe.reason
    assert folder.probe_file(root / "a" / "ok.wav", decode=True).status == "ok"
    assert folder.probe_file(root / "a" / "missing.wav").reason.startswith("missing")


def test_folder_artist_split_with_artists_csv(tmp_path):
    root = tmp_path / "music"
    lines = ["file,artist"]
    for g in ("jazz", "rock"):
        for a in range(5):
            for k in range(2):
                write(root / g / f"{g}{a}_{k}.wav", audio_bytes(tone(1.1, freq=200 + 20 * a, seed=100 * ("jazz", "rock").index(g) + 10 * a + k)))
                lines.append(f"{g}/{g}{a}_{k}.wav,{g}_artist{a}")
    write(root / "artists.csv", ("\n".join(lines) + "\n").encode())
    tracks = datasets.load_tracks(str(root), split="artist", seed=1)
    splits.check_artist_disjoint(tracks)
    assert tracks["split"].value_counts().to_dict() == {"train": 12, "valid": 4, "test": 4}
    (root / "artists.csv").write_text("name,who\nx,y\n")
    with pytest.raises(ValueError, match="artists.csv"):
        datasets.load_tracks(str(root))
    (root / "artists.csv").unlink()
    with pytest.raises(ValueError, match="artists.csv"):
        datasets.load_tracks(str(root), split="artist")
    with pytest.raises(ValueError, match="split"):
        datasets.load_tracks(str(root), split="filtered")
    rnd = datasets.load_tracks(str(root), split="random")
    assert rnd["split"].value_counts().to_dict() == {"train": 12, "valid": 4, "test": 4}


def test_unknown_names_and_empty_folders(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset"):
        datasets.load_tracks("mnist", root=tmp_path)
    (tmp_path / "empty" / "jazz").mkdir(parents=True)
    with pytest.raises(ValueError, match="no audio files"):
        datasets.load_tracks(tmp_path / "empty")
    with pytest.raises(FileNotFoundError):
        folder.load_folder(tmp_path / "absent")
    with pytest.raises(TypeError, match="FMA"):
        write(tmp_path / "gtzan" / "genres" / "rock" / "rock.00000.wav", audio_bytes(tone(1.2)))
        datasets.load_tracks("gtzan", root=tmp_path, genres="four")


def test_real_cc_music_ogg_files_decode(shared_dir, tmp_path):
    root = tmp_path / "cc"
    files = sorted((shared_dir / "real_audio" / "cc_music").glob("*.ogg"))
    for i, f in enumerate(files):
        link(f, root / ("classical" if i % 2 else "other") / f.name)
    with pytest.warns(UserWarning, match="no artist"):
        tracks = datasets.load_tracks(root, fractions=(0.4, 0.3, 0.3))  # 3 files per genre: one per split
    assert len(tracks) == len(files) == 6
    rep = datasets.report(tracks)
    assert set(rep["status"]) == {"converted"} and len(rep) == 2                   # the two 44.1 kHz stereo files
    assert all("44100 Hz" in r and "2 channels" in r for r in rep["reason"])
    for path, dur in zip(tracks["path"], tracks["duration"]):
        y, sr = audio.load(path, duration=5.0)
        assert sr == 22050 and y.ndim == 1 and len(y) == 5 * 22050 and np.abs(y).max() > 0.01
        assert 20.0 < dur < 140.0


# --------------------------------------------------------------------------- issue 14: folder datasets say what is wrong
def _genre(root, genre, n, *, seconds=1.1, offset=0):
    for i in range(n):
        write(root / genre / f"{genre}{i}.wav", audio_bytes(tone(seconds, freq=200 + 15 * i, seed=offset + i)))


def test_empty_genre_folders_and_top_level_audio_are_reported(tmp_path):
    root = tmp_path / "music"
    _genre(root, "jazz", 4)
    _genre(root, "rock", 4, offset=50)
    (root / "polka").mkdir()
    write(root / "stray.wav", audio_bytes(tone(1.5, seed=99)))
    with pytest.warns(UserWarning, match="2 file"):
        tracks = datasets.load_tracks(root, split="random")
    reasons = dict(zip(datasets.report(tracks)["path"], datasets.report(tracks)["reason"]))
    assert "empty genre folder" in reasons[str(root / "polka")] and "'polka' is left out" in reasons[str(root / "polka")]
    assert "audio file at the top level, outside any genre sub-folder" in reasons[str(root / "stray.wav")]
    assert sorted(tracks["genre"].unique()) == ["jazz", "rock"] and len(tracks) == 8


def test_one_genre_and_no_usable_audio_are_refused_at_load_time(tmp_path):
    _genre(tmp_path / "one", "jazz", 6)
    with pytest.raises(ValueError, match=r"only one genre \('jazz'\): a genre classifier needs at least two"):
        datasets.load_tracks(tmp_path / "one", split="random")
    write(tmp_path / "bad" / "jazz" / "a.wav", b"not audio at all")
    write(tmp_path / "bad" / "rock" / "b.wav", b"")
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="no usable audio file"):
        datasets.load_tracks(tmp_path / "bad", split="random")


def test_a_split_that_ends_up_empty_is_refused_at_load_time(tmp_path):
    root = tmp_path / "music"
    _genre(root, "jazz", 2)
    _genre(root, "rock", 2, offset=50)
    with pytest.raises(ValueError, match=r"the test split is empty \(2 train / 2 valid / 0 test tracks\)"):
        datasets.load_tracks(root, split="random")


def test_byte_identical_copies_are_reported_and_never_straddle_the_split(tmp_path):
    root = tmp_path / "music"
    _genre(root, "jazz", 10)
    _genre(root, "rock", 10, offset=50)
    for i in range(10):                                    # the same recordings again, under other names
        write(root / "jazz" / f"copy_of_jazz{i}.wav", (root / "jazz" / f"jazz{i}.wav").read_bytes())
    write(root / "rock" / "jazz3_misfiled.wav", (root / "jazz" / "jazz3.wav").read_bytes())
    for seed in range(5):
        with pytest.warns(UserWarning, match="11 file.*byte-identical copies"):
            tracks = datasets.load_tracks(root, split="random", seed=seed)
        rep = datasets.report(tracks)
        assert (rep["status"] == "duplicate").sum() == 11
        by_name = dict(zip(tracks["path"].map(lambda p: p.rsplit("/", 1)[-1]), tracks["split"]))
        for i in range(10):
            assert by_name[f"copy_of_jazz{i}.wav"] == by_name[f"jazz{i}.wav"]
        assert by_name["jazz3_misfiled.wav"] == by_name["jazz3.wav"]


def test_a_folder_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"the folder '.*no_such' does not exist"):
        datasets.load_tracks(str(tmp_path / "no_such"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        datasets.load_tracks(tmp_path / "no_such")        # a Path is never a dataset name
    write(tmp_path / "file.wav", b"x")
    with pytest.raises(NotADirectoryError, match="is a file, not a dataset folder"):
        datasets.load_tracks(tmp_path / "file.wav")
    with pytest.raises(ValueError, match="unknown dataset 'mnist'"):
        datasets.load_tracks("mnist")


def test_datasets_registry_is_the_one_list_of_names(tmp_path, monkeypatch):
    assert datasets.NAMES == tuple(datasets.DATASETS) == ("toy", "gtzan", "fma_small", "fma_medium")
    for name, entry in datasets.DATASETS.items():
        assert entry.name == name and entry.description and callable(entry.loader)
        assert entry.download is None or entry.download in datasets.DOWNLOADABLE
    seen = {}

    def loader(base, *, split, genres, seed, fractions, probe, options):
        seen.update(base=base, split=split, probe=probe)
        return pd.DataFrame({"track_id": ["x"]})

    monkeypatch.setitem(datasets.DATASETS, "mine", datasets.Dataset("mine", loader, "a test dataset"))
    assert list(datasets.load_tracks("mine", root=tmp_path)["track_id"]) == ["x"]
    assert seen["base"] == tmp_path and seen["split"] == "default" and seen["probe"]["min_duration"] == 1.0
    with pytest.raises(TypeError, match="unexpected option"):
        datasets.load_tracks("mine", root=tmp_path, n_artists=3)


def test_one_natural_sort_helper():
    assert not hasattr(folder, "_natural")
    assert sorted(["a10", "a2", "a1"], key=splits._natural_key) == ["a1", "a2", "a10"]


def test_pick_track_takes_the_first_preferred_genre_the_dataset_has():
    import pandas as pd

    tracks = pd.DataFrame({"track_id": list("abcdef"), "genre": ["Rock", "Folk", "Rock", "Folk", "Pop", "Rock"],
                           "split": ["train", "test", "test", "test", "valid", "test"]})
    assert datasets.pick_track(tracks, genres=("metal", "Rock"))["track_id"] == "c"       # FMA has no metal
    assert datasets.pick_track(tracks, genres="Rock", index=1)["track_id"] == "f"
    assert datasets.pick_track(tracks, genres=("reggae",))["track_id"] == "b"             # none: the first genre
    assert datasets.pick_track(tracks, genres="Pop", split=None)["track_id"] == "e"
    assert datasets.pick_track(tracks)["genre"] == "Folk"
    with pytest.raises(ValueError, match="'Rock' has 2 clip"):
        datasets.pick_track(tracks, genres="Rock", index=2)
    with pytest.raises(ValueError, match="no track in the 'holdout' split"):
        datasets.pick_track(tracks, split="holdout")
