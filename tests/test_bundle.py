"""Model bundles without a GUI: training, predicting, bad input, saving and loading (also half-written files)."""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import audio, bundle as mb, toy
from mgc_helpers.datasets import splits

SR = 22050


@pytest.fixture(scope="module")
def tiny_tracks(tmp_path_factory) -> pd.DataFrame:
    """Two genres x three artists x one 5-second toy track: one train, one valid, one test artist per genre."""
    root = tmp_path_factory.mktemp("toy")
    meta = toy.make_toy_dataset(root, genres=("classical", "metal"), n_artists=3, tracks_per_artist=1,
                                duration=5.0, n_jobs=1)
    tracks = meta.assign(path=[str(root / p) for p in meta["path"]])
    return tracks.assign(split=splits.toy_artist_split(tracks["genre"], tracks["artist"]))


#: The course's cache as this session set it, before any fixture below points MGC_CACHE_DIR elsewhere.
_COURSE_CACHE = os.environ.get("MGC_CACHE_DIR")


@pytest.fixture(scope="module")
def trained(tiny_tracks, tmp_path_factory):
    """A CNN GenreModel trained for two epochs on the tiny tracks (features cached in a temporary folder)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MGC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    model, scores = mb.train_model("CNN", tiny_tracks, dataset="tiny", epochs=2)
    yield model, scores
    mp.undo()


def _wav_bytes(y: np.ndarray, sr: int, *, fmt: str = "WAV") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt)
    return buf.getvalue()


def _test_clip(tracks: pd.DataFrame) -> tuple[str, np.ndarray]:
    row = tracks[tracks["split"] == "test"].iloc[0]
    y, _ = sf.read(row["path"], dtype="float32")
    return row["path"], y


# --------------------------------------------------------------------------- recipes
def test_every_recipe_carries_its_builder_and_features():
    for kind, recipe in mb.MODEL_KINDS.items():
        assert callable(recipe.build), kind
        assert recipe.features["kind"] in ("logmel", "mfcc", "musicnn"), kind
        assert recipe.epochs > 0 and recipe.lr > 0 and recipe.description, kind
    assert mb.ZERO_SHOT not in mb.MODEL_KINDS  # nothing to train


def test_unknown_kind_is_refused(tiny_tracks):
    with pytest.raises(KeyError, match="unknown model kind 'SVM'"):
        mb.train_model("SVM", tiny_tracks)


# --------------------------------------------------------------------------- training and predicting
def test_train_model_returns_a_usable_bundle(trained):
    model, scores = trained
    assert model.kind == "CNN" and model.classes == ["classical", "metal"]
    assert model.model.output_shape == (None, 2)
    assert model.frames == 65 and model.standardizer.mean.shape == (64,)
    assert model.info["dataset"] == "tiny" and model.info["epochs"] == 2 and model.info["split"] == "artist"
    assert 0.0 <= scores["clip_accuracy"] <= 1.0 and len(scores["track_id_clip"]) == 2


def test_predict_file_on_a_toy_clip(trained, tiny_tracks):
    model, _ = trained
    path, y = _test_clip(tiny_tracks)
    pred, samples = mb.predict_file(model, path)
    # 5 s at hop 1024: 108 frames -> segments of 65 frames every 32 frames: starts 0 and 32 -> 2 segments
    assert pred.segment_proba.shape == (2, 2)
    np.testing.assert_allclose(pred.segment_starts, [0.0, 32 * 1024 / SR])
    np.testing.assert_allclose(pred.probabilities.to_numpy(), pred.segment_proba.mean(axis=0), rtol=1e-6)
    assert pred.probabilities.sum() == pytest.approx(1.0)
    assert pred.genre == pred.probabilities.idxmax()
    assert pred.vote_counts.sum() == 2 and list(pred.vote_counts.index) != []
    assert set(pred.votes) <= set(model.classes)
    assert pred.summary().startswith(f"Predicted genre: {pred.genre} (") and pred.note == ""
    assert samples.shape == y.shape
    # the same clip given as uploaded bytes (stereo, 44.1 kHz) is accepted and gives a close answer
    import librosa

    y44 = librosa.resample(y, orig_sr=SR, target_sr=44100)
    stereo = np.stack([y44, y44], axis=1)
    pred2, _ = mb.predict_file(model, ("song.wav", _wav_bytes(stereo, 44100)))
    assert pred2.segment_proba.shape == (2, 2)
    np.testing.assert_allclose(pred2.probabilities.to_numpy(), pred.probabilities.to_numpy(), atol=0.05)


@pytest.mark.parametrize("fmt, name", [("FLAC", "song.flac"), ("OGG", "song.ogg")])
def test_decode_upload_reads_other_formats(tiny_tracks, fmt, name):
    _, y = _test_clip(tiny_tracks)
    samples, sr = mb.decode_upload(_wav_bytes(y, SR, fmt=fmt), name=name)
    assert sr == SR and abs(len(samples) - len(y)) < 0.01 * SR


def test_bad_uploads_give_clear_messages(trained):
    model, _ = trained
    with pytest.raises(mb.ClipError, match=r"^Could not read this file: 'notes.txt'.*not a readable audio file"):
        mb.predict_file(model, ("notes.txt", b"this is not audio at all" * 20))
    with pytest.raises(mb.ClipError, match=r"^Could not read this file: 'empty.wav' is empty"):
        mb.decode_upload(b"", name="empty.wav")
    t = np.arange(SR) / SR
    with pytest.raises(mb.ClipError, match=r"^Could not classify this clip: it lasts 1.00 s.*at least 3 s"):
        mb.predict_file(model, ("short.wav", _wav_bytes(0.3 * np.sin(2 * np.pi * 440 * t), SR)))
    with pytest.raises(mb.ClipError, match=r"^Could not classify this clip: it is silent"):
        mb.predict_file(model, ("silence.wav", _wav_bytes(np.zeros(5 * SR), SR)))
    with pytest.raises(mb.ClipError, match=r"^Could not read this file: 'missing.wav'"):
        mb.predict_file(model, "/nonexistent/missing.wav")
    assert issubclass(mb.ClipError, ValueError)


def test_check_clip_accepts_a_long_enough_sound():
    t = np.arange(4 * SR) / SR
    mb.check_clip(0.1 * np.sin(2 * np.pi * 220 * t), SR)  # no exception
    with pytest.raises(mb.ClipError, match="silent"):
        mb.check_clip(1e-5 * np.sin(2 * np.pi * 220 * t), SR)


# --------------------------------------------------------------------------- long audio (issue 14)
def test_long_uploads_are_cut_to_the_limit_and_only_that_much_is_decoded(trained, tiny_tracks, monkeypatch):
    assert mb.MAX_AUDIO_SECONDS == 600.0
    model, _ = trained
    path, y = _test_clip(tiny_tracks)                      # 5 s
    durations = []
    real_load = audio.load

    def spy(*args, **kwargs):
        durations.append(kwargs.get("duration"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(audio, "load", spy)
    with pytest.warns(UserWarning, match=r"^'long.wav' lasts more than 4 s: only its first 4 s were read"):
        samples, sr = mb.decode_upload(_wav_bytes(y, SR), name="long.wav", max_seconds=4.0)
    assert sr == SR and len(samples) == 4 * SR
    assert durations[-1] is not None and durations[-1] < 5.0   # the decoder never read the whole file
    pred, cut = mb.predict_file(model, ("long.wav", _wav_bytes(y, SR)), max_seconds=4.0)
    assert len(cut) == 4 * SR and "only its first" in pred.note and pred.note in pred.summary()
    pred, _ = mb.predict_file(model, path, max_seconds=4.0)  # a path obeys the same limit
    assert "only its first" in pred.note
    pred, _ = mb.predict_file(model, path)                   # 5 s < 10 minutes: read whole, no note
    assert pred.note == "" and durations[-1] == pytest.approx(mb.MAX_AUDIO_SECONDS + 0.5)


# --------------------------------------------------------------------------- saving and loading
def test_save_and_load_round_trip_gives_identical_probabilities(trained, tiny_tracks, tmp_path):
    model, _ = trained
    path = mb.save_model(model, folder=tmp_path)
    assert path == tmp_path / "tiny_cnn.keras" and path.with_suffix(".json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny_cnn.json", "tiny_cnn.keras"]  # no temporaries
    assert mb.saved_models(folder=tmp_path) == ["tiny_cnn"]
    again = mb.load_model("tiny_cnn", folder=tmp_path)
    assert again.kind == "CNN" and again.classes == model.classes and again.features == model.features
    np.testing.assert_array_equal(again.standardizer.mean, model.standardizer.mean)
    _, y = _test_clip(tiny_tracks)
    a, b = mb.predict_clip(model, y, SR), mb.predict_clip(again, y, SR)
    np.testing.assert_array_equal(a.segment_proba, b.segment_proba)
    with pytest.raises(mb.BundleError, match="no saved model 'nope'.*tiny_cnn"):
        mb.load_model("nope", folder=tmp_path)


@pytest.mark.parametrize("kind", ["GRU", "CRNN"])
def test_the_other_spectrogram_kinds_train_save_and_reload(kind, tiny_tracks, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "cache"))
    model, _ = mb.train_model(kind, tiny_tracks, dataset="tiny", epochs=1)
    _, y = _test_clip(tiny_tracks)
    mb.save_model(model, name="m", folder=tmp_path)
    again = mb.load_model("m", folder=tmp_path)
    np.testing.assert_allclose(mb.predict_clip(again, y, SR).segment_proba,
                               mb.predict_clip(model, y, SR).segment_proba, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("damage, message", [
    (lambda meta, weights: meta.write_text(meta.read_text()[:40]), r"tiny_cnn\.json is not valid JSON"),
    (lambda meta, weights: meta.write_text(json.dumps({k: v for k, v in json.loads(meta.read_text()).items()
                                                       if k != "kind"})), r"tiny_cnn\.json lacks 'kind'"),
    (lambda meta, weights: meta.write_text("[1, 2]"), r"tiny_cnn\.json holds a list"),
    (lambda meta, weights: weights.write_bytes(weights.read_bytes()[:300]),
     r"tiny_cnn\.keras is corrupt or not a Keras model file"),
])
def test_every_damaged_bundle_raises_one_error_naming_the_file(trained, tmp_path, damage, message):
    model, _ = trained
    weights = mb.save_model(model, folder=tmp_path)
    damage(weights.with_suffix(".json"), weights)
    with pytest.raises(mb.BundleError, match=message):
        mb.load_model("tiny_cnn", folder=tmp_path)
    assert issubclass(mb.BundleError, ValueError)


def test_a_save_killed_midway_leaves_the_previous_bundle(trained, tmp_path, monkeypatch):
    model, _ = trained
    mb.save_model(model, folder=tmp_path)

    class Killed(BaseException):
        pass

    class Dying:
        """A network whose save writes half a file and then dies (a killed run)."""

        def save(self, path):
            Path(path).write_bytes(b"PK\x03\x04 half a zip")
            raise Killed

    with pytest.raises(Killed):
        mb.save_model(mb.GenreModel("CNN", Dying(), model.classes, model.features, info=model.info),
                      folder=tmp_path)
    def dying_write_text(self, text, **kwargs):
        with open(self, "w") as f:
            f.write(text[:20])
        raise Killed

    monkeypatch.setattr(Path, "write_text", dying_write_text)
    with pytest.raises(Killed):
        mb.save_model(model, folder=tmp_path)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny_cnn.json", "tiny_cnn.keras"]
    again = mb.load_model("tiny_cnn", folder=tmp_path)
    assert again.classes == model.classes


def test_load_or_train_trains_once_then_loads(trained, tiny_tracks, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path))
    model, _ = trained
    mb.save_model(model)  # default folder and name: <cache>/models/tiny_cnn
    assert (tmp_path / "models" / "tiny_cnn.keras").is_file()
    again, was_trained = mb.load_or_train("CNN", tiny_tracks, dataset="tiny")
    assert not was_trained and again.info == model.info


def test_load_or_train_retrains_over_an_unreadable_bundle(trained, tiny_tracks, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path))
    model, _ = trained
    weights = mb.save_model(model)
    weights.with_suffix(".json").write_text('{"format": 1, "clas')       # a run killed while writing
    with pytest.warns(UserWarning, match=r"saved CNN model is unreadable.*tiny_cnn\.json is not valid JSON"):
        fresh, was_trained = mb.load_or_train("CNN", tiny_tracks, dataset="tiny", epochs=1)
    assert was_trained and fresh.info["epochs"] == 1
    again, was_trained = mb.load_or_train("CNN", tiny_tracks, dataset="tiny")
    assert not was_trained and again.info == fresh.info


def test_log_model_records_a_row_and_the_clip_probabilities(trained, tiny_tracks, tmp_path, monkeypatch):
    from mgc_helpers import evaluation

    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path))
    model, _ = trained
    scores = mb.log_model(model, tiny_tracks, name="app_cnn", dataset="tiny", split="artist", notes="test")
    rows = evaluation.read_results()
    assert list(rows["model"]) == ["app_cnn"] and str(rows["notebook"].iloc[0]) in ("10", "010")
    assert rows["clip_accuracy"].iloc[0] == pytest.approx(scores["clip_accuracy"])
    assert rows["n_params"].iloc[0] == model.model.count_params() and rows["notes"].iloc[0] == "test"
    probas = evaluation.read_clip_probabilities(dataset="tiny", split="artist")
    assert list(probas) == ["app_cnn"] and len(probas["app_cnn"]) == 2


def test_the_musicnn_transfer_recipe_builds_its_head_and_reads_a_clip(tiny_tracks, monkeypatch):
    """The musicnn recipe's builder and its clip front end call musicnn's own functions (one home each)."""
    from mgc_helpers.models import musicnn

    # the course cache's weights, as test_musicnn uses them (the module's `trained` fixture points MGC_CACHE_DIR
    # at a temporary folder, where they would be downloaded again, and cannot be offline)
    if _COURSE_CACHE is None:
        monkeypatch.delenv("MGC_CACHE_DIR", raising=False)
    else:
        monkeypatch.setenv("MGC_CACHE_DIR", _COURSE_CACHE)
    musicnn.fetch_weights(quiet=True)
    recipe = mb.MODEL_KINDS["musicnn transfer"]
    head = recipe.build(None, 3)
    assert head.output_shape[-1] == 3
    y, sr = audio.load(tiny_tracks["path"].iloc[0], sr=musicnn.SR)
    params = {k: v for k, v in recipe.features.items() if k not in ("kind", "n_patches")}
    X = musicnn.patch_activations(y, sr, n_patches=None, **params)
    assert X.ndim == 2 and len(X) >= 1
    assert head.predict(X[:1], verbose=0).shape == (1, 3)


# --------------------------------------------------------------------------- zero-shot, and what a model was trained on
def _fake_taggram(tag: str):
    """A stand-in for musicnn.taggram: every patch says ``tag`` (0.9), every other MSD tag 0.01."""
    from mgc_helpers.models import musicnn

    def taggram(y, sr, *, model="MSD_musicnn", **_):
        n = max(1, int(len(y) / sr // 3))
        T = np.full((n, 50), 0.01)
        T[:, musicnn.tags(model).index(tag)] = 0.9
        return T
    return taggram


def test_the_zero_shot_model_is_ready_without_training(tiny_tracks, monkeypatch):
    from mgc_helpers.models import musicnn

    model = mb.zero_shot_model(["classical", "metal", "reggae"])
    assert model.kind == mb.ZERO_SHOT and model.model is None and model.sr == musicnn.SR
    assert model.info["n_train"] == 0 and model.info["unpredictable"] == ["classical", "reggae"]
    assert mb.trained_on(model).startswith("trained on no clip of this course (zero-shot)")
    assert "cannot predict classical, reggae" in mb.trained_on(model)
    monkeypatch.setattr(musicnn, "taggram", _fake_taggram("heavy metal"))
    pred, y = mb.predict_file(model, _test_clip(tiny_tracks)[0])      # 5 s: one 3-second patch
    assert pred.genre == "metal" and pred.segment_proba.shape == (1, 3) and len(y) == 5 * musicnn.SR
    assert pred.probabilities["classical"] == 0 and pred.probabilities.sum() == pytest.approx(1.0)
    assert pred.tags.index[0] == "heavy metal"
    assert "top MSD tags: heavy metal 0.90" in pred.summary() and "metal <- tags metal, heavy metal" in pred.summary()
    with pytest.raises(KeyError, match="needs no training"):
        mb.train_model(mb.ZERO_SHOT, tiny_tracks)
    with pytest.raises(ValueError, match="can predict none of"):
        mb.zero_shot_model(["reggae"])


def test_trained_on_and_the_toy_domain_warning(trained, tiny_tracks):
    import dataclasses

    model, _ = trained
    n_train = int((tiny_tracks["split"] == "train").sum())
    assert model.info["split"] == "artist" and model.info["n_train"] == n_train and model.info["n_test"] == 2
    assert mb.trained_on(model) == f"trained on tiny, artist split, {n_train} training clips"
    old = dataclasses.replace(model, info={"dataset": "toy"})          # saved before these facts were kept
    assert mb.trained_on(old) == "trained on toy, split unknown split, ? training clips"
    assert mb.domain_note(model, toy_clip=False) == ""                 # not trained on the toy data
    note = mb.domain_note(old, toy_clip=False)
    assert note.startswith("Caution: this CNN model learned the synthetic toy genres and is not expected to "
                           "recognise real music") and mb.ZERO_SHOT in note and "GTZAN or FMA" in note
    assert mb.domain_note(old, toy_clip=True) == ""
    assert mb.domain_note(mb.zero_shot_model(["metal"]), toy_clip=False) == ""
