"""Tests of mgc_helpers.toy: layout, WAV format, metadata, determinism, loudness, caching, CLI."""
from __future__ import annotations

import json
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import toy

REPO = Path(__file__).resolve().parents[1]
#: Tiny dataset: 2 genres x 2 artists x 1 track x 2 s.
TINY = {"genres": ("blues", "metal"), "n_artists": 2, "tracks_per_artist": 1, "duration": 2.0, "n_jobs": 1}


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    root = tmp_path_factory.mktemp("toy") / "tiny"
    meta = toy.make_toy_dataset(root, seed=0, **TINY)
    return root, meta


def test_layout_and_file_names(tiny):
    root, meta = tiny
    wavs = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.wav"))
    assert wavs == [
        "genres/blues/blues.00000.wav", "genres/blues/blues.00001.wav",
        "genres/metal/metal.00000.wav", "genres/metal/metal.00001.wav",
    ]
    assert sorted(meta["path"]) == wavs
    assert (root / "metadata.csv").is_file()
    assert not [p for p in root.iterdir() if p.name.startswith(".tmp")]  # temporary folder cleaned up


def test_track_numbers_run_over_all_tracks_of_a_genre(tmp_path):
    meta = toy.make_toy_dataset(tmp_path, genres=("pop",), n_artists=2, tracks_per_artist=2, duration=1.0, n_jobs=1)
    assert list(meta["track_id"]) == ["pop.00000", "pop.00001", "pop.00002", "pop.00003"]
    assert list(meta["artist"]) == ["pop_artist0", "pop_artist0", "pop_artist1", "pop_artist1"]


def test_wav_format(tiny):
    root, meta = tiny
    for rel in meta["path"]:
        info = sf.info(str(root / rel))
        assert (info.samplerate, info.channels, info.subtype, info.format) == (22050, 1, "PCM_16", "WAV")
        assert info.frames == 2 * 22050


def test_metadata_columns_and_consistency(tiny):
    root, meta = tiny
    loaded = toy.load_toy_metadata(root)
    assert tuple(loaded.columns) == toy.METADATA_COLUMNS
    assert len(loaded) == 4 and loaded["track_id"].is_unique
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in loaded["path"])
    for _, row in loaded.iterrows():
        b = toy.section_boundaries(row)
        labels = row["section_labels"].split(";")
        assert 2 <= len(labels) <= 4 and len(b) == len(labels) + 1
        assert b[0] == 0.0 and b[-1] == pytest.approx(row["duration"]) and row["duration"] == pytest.approx(2.0)
        assert np.all(np.diff(b) > 0)
        assert set(labels) <= {"intro", "verse", "chorus", "bridge", "outro"}
        assert row["track_id"].startswith(row["genre"] + ".") and row["artist"].startswith(row["genre"] + "_artist")
        assert row["key"].split()[0] in toy._NOTE_NAMES
    # artists are nested in genres: no artist appears in two genres
    assert loaded.groupby("artist")["genre"].nunique().max() == 1


def test_section_boundaries_parses_strings():
    np.testing.assert_allclose(toy.section_boundaries("0.0;4.1;8.3;12.0"), [0.0, 4.1, 8.3, 12.0])
    np.testing.assert_allclose(toy.section_boundaries({"sections": "0.0;6.0"}), [0.0, 6.0])


def test_same_seed_gives_byte_identical_files_and_n_jobs_does_not_matter(tiny, tmp_path):
    root, _ = tiny
    again = toy.make_toy_dataset(tmp_path / "again", seed=0, **{**TINY, "n_jobs": 2})
    first = {k: v for k, v in _digests(root).items() if k != "toy_params.json"}
    second = {k: v for k, v in _digests(tmp_path / "again").items() if k != "toy_params.json"}
    assert first == second and len(first) == 5  # 4 WAVs + metadata.csv
    pd.testing.assert_frame_equal(again, pd.read_csv(root / "metadata.csv", dtype={"sections": str}))


def test_other_seed_changes_the_output(tiny, tmp_path):
    root, _ = tiny
    toy.make_toy_dataset(tmp_path / "seed1", seed=1, **TINY)
    a, b = _digests(root), _digests(tmp_path / "seed1")
    wavs = [k for k in a if k.endswith(".wav")]
    assert all(a[k] != b[k] for k in wavs)


def test_synthesize_track_is_deterministic_and_artists_differ():
    y1, info1 = toy.synthesize_track("jazz", artist=1, seed=3, duration=1.5, track=2)
    y2, info2 = toy.synthesize_track("jazz", artist=1, seed=3, duration=1.5, track=2)
    y3, _ = toy.synthesize_track("jazz", artist=2, seed=3, duration=1.5, track=2)
    assert y1.dtype == np.float32 and y1.shape == (int(1.5 * 22050),)
    np.testing.assert_array_equal(y1, y2)
    assert info1 == info2 and info1["artist"] == "jazz_artist1"
    assert not np.allclose(y1, y3)
    assert np.all(np.isfinite(y1)) and np.max(np.abs(y1)) < 1.0


@pytest.mark.parametrize("genre", toy.GENRES)
def test_every_genre_is_loudness_normalised_and_tempo_in_range(genre):
    y, info = toy.synthesize_track(genre, artist=0, seed=0, duration=2.0)
    rms_db = 20 * np.log10(np.sqrt(np.mean(y.astype(np.float64) ** 2)))
    assert rms_db == pytest.approx(toy.TARGET_RMS_DB, abs=1.0)
    lo, hi = toy.GENRE_RECIPES[genre].tempo
    assert lo <= info["tempo"] <= hi
    assert info["sections"][0] == 0.0 and info["sections"][-1] == pytest.approx(2.0)


def test_written_files_have_equal_loudness_across_genres(tiny):
    root, meta = tiny
    levels = [20 * np.log10(np.sqrt(np.mean(sf.read(str(root / p))[0] ** 2))) for p in meta["path"]]
    assert max(levels) - min(levels) < 1.0 and abs(np.mean(levels) - toy.TARGET_RMS_DB) < 1.0


def test_tempo_stays_in_recipe_range_for_many_tracks():
    for genre in ("blues", "jazz", "reggae"):
        lo, hi = toy.GENRE_RECIPES[genre].tempo
        for artist in range(4):
            preset = toy.artist_preset(genre, artist=artist, seed=5)
            assert lo <= preset.tempo_center <= hi
            assert preset == toy.artist_preset(genre, artist=artist, seed=5)  # deterministic preset
        _, info = toy.synthesize_track(genre, artist=3, seed=5, duration=0.5, track=7)
        assert lo <= info["tempo"] <= hi


def test_sections_are_audibly_different():
    # the intro has no kick/snare/bass: its low band holds much less energy than the chorus
    for track in range(20):
        y, info = toy.synthesize_track("rock", artist=0, seed=0, duration=12.0, track=track)
        if info["section_labels"][:3] == ["intro", "verse", "chorus"]:
            break
    else:  # pragma: no cover - the generator always yields such a song within 20 tracks
        pytest.fail("no intro/verse/chorus song found")
    b = (np.array(info["sections"]) * 22050).astype(int)
    spec = np.abs(np.fft.rfft(y[b[0]:b[1]][:22050])) ** 2, np.abs(np.fft.rfft(y[b[2]:b[3]][:22050])) ** 2
    low = [s[:200].sum() / s.sum() for s in spec]  # share of energy below 200 Hz
    assert low[1] > 2 * low[0]


def test_recipes_are_documented():
    assert set(toy.GENRE_RECIPES) == set(toy.GENRES)
    table = toy.recipe_table()
    assert list(table.index) == list(toy.GENRES)
    for genre, recipe in toy.GENRE_RECIPES.items():
        lo, hi = recipe.tempo
        assert f"{int(lo)}-{int(hi)}" in toy.__doc__ and genre in toy.__doc__
        for part in ("verse", "chorus", "bridge"):
            for chord in recipe.progression(part).split():
                toy._parse_chord(chord)  # every chord symbol parses
        with pytest.raises(Exception):
            recipe.name = "x"  # frozen
    assert "Used by every notebook; introduced in notebook 01" in toy.__doc__
    # ranges overlap: no genre's tempo range is disjoint from all others
    for g, r in toy.GENRE_RECIPES.items():
        assert any(o.tempo[0] < r.tempo[1] and r.tempo[0] < o.tempo[1] for h, o in toy.GENRE_RECIPES.items() if h != g)


def test_parse_chord():
    assert toy._parse_chord("I7") == (0, (0, 4, 7, 10))
    assert toy._parse_chord("ii7") == (2, (0, 3, 7, 10))
    assert toy._parse_chord("bVII5") == (10, (0, 7, 12))
    assert toy._parse_chord("vi") == (9, (0, 3, 7))
    assert toy._parse_chord("Imaj7") == (0, (0, 4, 7, 11))


def test_unknown_genre_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="unknown toy genre"):
        toy.synthesize_track("polka", artist=0, seed=0)
    with pytest.raises(ValueError, match="unknown toy genre"):
        toy.make_toy_dataset(tmp_path, genres=("polka",))


def test_ensure_reuses_existing_data(tmp_path):
    opts = {**TINY, "genres": ("pop",)}
    first = toy.ensure_toy_dataset(tmp_path, **opts)
    mtimes = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    second = toy.ensure_toy_dataset(tmp_path, **opts)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == mtimes
    pd.testing.assert_frame_equal(first, second)
    assert all(Path(p).is_absolute() for p in second["path"])


def test_ensure_regenerates_when_metadata_missing_or_incomplete(tmp_path):
    opts = {**TINY, "genres": ("pop",)}
    toy.ensure_toy_dataset(tmp_path, **opts)
    wav = tmp_path / "genres" / "pop" / "pop.00000.wav"
    original = wav.read_bytes()
    (tmp_path / "metadata.csv").unlink()
    wav.write_bytes(b"half a file")  # as if an earlier run had been interrupted
    meta = toy.ensure_toy_dataset(tmp_path, **opts)
    assert (tmp_path / "metadata.csv").is_file() and len(meta) == 2
    assert wav.read_bytes() == original
    # a file listed in the metadata but missing also triggers regeneration
    wav.unlink()
    toy.ensure_toy_dataset(tmp_path, **opts)
    assert wav.read_bytes() == original


def test_ensure_regenerates_for_other_parameters(tmp_path):
    toy.ensure_toy_dataset(tmp_path, **{**TINY, "genres": ("pop",)})
    meta = toy.ensure_toy_dataset(tmp_path, **{**TINY, "genres": ("reggae",)})
    assert set(meta["genre"]) == {"reggae"} and not (tmp_path / "genres" / "pop").exists()


def test_ensure_defaults_to_config_root(tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path))
    meta = toy.ensure_toy_dataset(**{**TINY, "genres": ("disco",), "n_artists": 1})
    assert (tmp_path / "toy" / "metadata.csv").is_file()
    assert Path(meta["path"][0]).parent == tmp_path / "toy" / "genres" / "disco"


def test_default_options_match_the_signature():
    import inspect

    params = inspect.signature(toy.make_toy_dataset).parameters
    assert toy.DEFAULT_OPTIONS == {k: p.default for k, p in params.items() if p.kind is p.KEYWORD_ONLY}
    with pytest.raises(TypeError, match="unexpected option"):
        toy.ensure_toy_dataset("/nonexistent", colour="blue")


def test_load_metadata_explains_missing_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="ensure_toy_dataset"):
        toy.load_toy_metadata(tmp_path)


def test_cli_generates_then_reuses(tmp_path, capsys, monkeypatch):
    calls = []
    real = toy.make_toy_dataset

    def small(root, **kw):
        calls.append(kw["seed"])
        return real(root, **{**kw, **TINY, "genres": ("rock",)})

    monkeypatch.setattr(toy, "make_toy_dataset", small)
    monkeypatch.setattr(toy, "_is_complete", lambda root, params: (root / "metadata.csv").is_file())
    from mgc_helpers.__main__ import main

    assert main(["toy", "--root", str(tmp_path), "--seed", "4"]) == 0
    assert "generated: 2 tracks" in capsys.readouterr().out and calls == [4]
    assert main(["toy", "--root", str(tmp_path)]) == 0
    assert "found: 2 tracks" in capsys.readouterr().out and calls == [4]
    assert main(["toy", "--root", str(tmp_path), "--force"]) == 0
    assert "generated" in capsys.readouterr().out and calls == [4, 0]


def test_cli_runs_as_module(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "mgc_helpers", "toy", "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "--force" in out.stdout and "--seed" in out.stdout
    assert not hasattr(toy, "main")  # one command line: python -m mgc_helpers toy
    # a real run with worker processes (joblib must unpickle the worker under ``python -m``)
    cmd = [sys.executable, "-m", "mgc_helpers", "toy", "--root", str(tmp_path), "--genres", "hiphop,jazz",
           "--n-artists", "1", "--tracks-per-artist", "1", "--duration", "1", "--n-jobs", "2"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "generated: 2 tracks, 2 genres" in out.stdout
    assert sorted(p.name for p in tmp_path.rglob("*.wav")) == ["hiphop.00000.wav", "jazz.00000.wav"]


def test_module_does_not_import_tensorflow():
    code = "import sys, mgc_helpers.toy; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and out.stdout.strip() == "False"


def test_ensure_regenerates_data_made_by_an_older_generator(tmp_path, monkeypatch):
    opts = {**TINY, "genres": ("pop",)}
    toy.ensure_toy_dataset(tmp_path, **opts)
    monkeypatch.setattr(toy, "GENERATOR_VERSION", toy.GENERATOR_VERSION + 1)
    before = (tmp_path / "metadata.csv").stat().st_mtime_ns
    toy.ensure_toy_dataset(tmp_path, **opts)
    stored = json.loads((tmp_path / "toy_params.json").read_text())
    assert stored["version"] == toy.GENERATOR_VERSION
    assert (tmp_path / "metadata.csv").stat().st_mtime_ns != before
