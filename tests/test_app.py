"""The genre app's logic without a browser: predicting, bad uploads, saving and loading, the widget, uploads."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import app, toy, widgets
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


@pytest.fixture(scope="module")
def trained(tiny_tracks, tmp_path_factory):
    """A CNN GenreModel trained for two epochs on the tiny tracks (features cached in a temporary folder)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MGC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    bundle, scores = app.train_model("CNN", tiny_tracks, dataset="tiny", epochs=2)
    yield bundle, scores
    mp.undo()


def _wav_bytes(y: np.ndarray, sr: int, *, fmt: str = "WAV") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt)
    return buf.getvalue()


def _test_clip(tracks: pd.DataFrame) -> tuple[str, np.ndarray]:
    row = tracks[tracks["split"] == "test"].iloc[0]
    y, _ = sf.read(row["path"], dtype="float32")
    return row["path"], y


# --------------------------------------------------------------------------- training and predicting
def test_train_model_returns_a_usable_bundle(trained):
    bundle, scores = trained
    assert bundle.kind == "CNN" and bundle.classes == ["classical", "metal"]
    assert bundle.model.output_shape == (None, 2)
    assert bundle.frames == 65 and bundle.standardizer.mean.shape == (64,)
    assert bundle.info["dataset"] == "tiny" and bundle.info["epochs"] == 2
    assert 0.0 <= scores["clip_accuracy"] <= 1.0 and len(scores["track_id_clip"]) == 2


def test_predict_file_on_a_toy_clip(trained, tiny_tracks):
    bundle, _ = trained
    path, y = _test_clip(tiny_tracks)
    pred, samples = app.predict_file(bundle, path)
    # 5 s at hop 1024: 108 frames -> segments of 65 frames every 32 frames: starts 0 and 32 -> 2 segments
    assert pred.segment_proba.shape == (2, 2)
    np.testing.assert_allclose(pred.segment_starts, [0.0, 32 * 1024 / SR])
    np.testing.assert_allclose(pred.probabilities.to_numpy(), pred.segment_proba.mean(axis=0), rtol=1e-6)
    assert pred.probabilities.sum() == pytest.approx(1.0)
    assert pred.genre == pred.probabilities.idxmax()
    assert pred.vote_counts.sum() == 2 and list(pred.vote_counts.index) != []
    assert set(pred.votes) <= set(bundle.classes)
    assert pred.summary().startswith(f"Predicted genre: {pred.genre} (")
    assert samples.shape == y.shape
    # the same clip given as uploaded bytes (stereo, 44.1 kHz) is accepted and gives a close answer
    import librosa

    y44 = librosa.resample(y, orig_sr=SR, target_sr=44100)
    stereo = np.stack([y44, y44], axis=1)
    pred2, _ = app.predict_file(bundle, ("song.wav", _wav_bytes(stereo, 44100)))
    assert pred2.segment_proba.shape == (2, 2)
    np.testing.assert_allclose(pred2.probabilities.to_numpy(), pred.probabilities.to_numpy(), atol=0.05)


@pytest.mark.parametrize("fmt, name", [("FLAC", "song.flac"), ("OGG", "song.ogg")])
def test_decode_upload_reads_other_formats(tiny_tracks, fmt, name):
    _, y = _test_clip(tiny_tracks)
    samples, sr = app.decode_upload(_wav_bytes(y, SR, fmt=fmt), name=name)
    assert sr == SR and abs(len(samples) - len(y)) < 0.01 * SR


def test_bad_uploads_give_clear_messages(trained):
    bundle, _ = trained
    with pytest.raises(app.AppError, match=r"^Could not read this file: 'notes.txt'.*not a readable audio file"):
        app.predict_file(bundle, ("notes.txt", b"this is not audio at all" * 20))
    with pytest.raises(app.AppError, match=r"^Could not read this file: 'empty.wav' is empty"):
        app.decode_upload(b"", name="empty.wav")
    t = np.arange(SR) / SR
    with pytest.raises(app.AppError, match=r"^Could not classify this clip: it lasts 1.00 s.*at least 3 s"):
        app.predict_file(bundle, ("short.wav", _wav_bytes(0.3 * np.sin(2 * np.pi * 440 * t), SR)))
    with pytest.raises(app.AppError, match=r"^Could not classify this clip: it is silent"):
        app.predict_file(bundle, ("silence.wav", _wav_bytes(np.zeros(5 * SR), SR)))
    with pytest.raises(app.AppError, match=r"^Could not read this file: 'missing.wav'"):
        app.predict_file(bundle, "/nonexistent/missing.wav")
    assert issubclass(app.AppError, ValueError)


def test_check_clip_accepts_a_long_enough_sound():
    t = np.arange(4 * SR) / SR
    app.check_clip(0.1 * np.sin(2 * np.pi * 220 * t), SR)  # no exception
    with pytest.raises(app.AppError, match="silent"):
        app.check_clip(1e-5 * np.sin(2 * np.pi * 220 * t), SR)


def test_save_and_load_round_trip_gives_identical_probabilities(trained, tiny_tracks, tmp_path):
    bundle, _ = trained
    path = app.save_model(bundle, folder=tmp_path)
    assert path == tmp_path / "tiny_cnn.keras" and path.with_suffix(".json").is_file()
    assert app.saved_models(folder=tmp_path) == ["tiny_cnn"]
    again = app.load_model("tiny_cnn", folder=tmp_path)
    assert again.kind == "CNN" and again.classes == bundle.classes and again.features == bundle.features
    np.testing.assert_array_equal(again.standardizer.mean, bundle.standardizer.mean)
    _, y = _test_clip(tiny_tracks)
    a, b = app.predict_clip(bundle, y, SR), app.predict_clip(again, y, SR)
    np.testing.assert_array_equal(a.segment_proba, b.segment_proba)
    with pytest.raises(FileNotFoundError, match="no saved model 'nope'.*tiny_cnn"):
        app.load_model("nope", folder=tmp_path)


@pytest.mark.parametrize("kind", ["GRU", "CRNN"])
def test_the_other_spectrogram_kinds_train_save_and_reload(kind, tiny_tracks, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "cache"))
    bundle, _ = app.train_model(kind, tiny_tracks, dataset="tiny", epochs=1)
    _, y = _test_clip(tiny_tracks)
    app.save_model(bundle, name="m", folder=tmp_path)
    again = app.load_model("m", folder=tmp_path)
    np.testing.assert_allclose(app.predict_clip(again, y, SR).segment_proba,
                               app.predict_clip(bundle, y, SR).segment_proba, rtol=1e-5, atol=1e-6)


def test_load_or_train_trains_once_then_loads(trained, tiny_tracks, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path))
    bundle, _ = trained
    app.save_model(bundle)  # default folder and name: <cache>/models/tiny_cnn
    assert (tmp_path / "models" / "tiny_cnn.keras").is_file()
    again, was_trained = app.load_or_train("CNN", tiny_tracks, dataset="tiny")
    assert not was_trained and again.info == bundle.info


def test_unknown_kind_is_refused(tiny_tracks):
    with pytest.raises(KeyError, match="unknown model kind"):
        app.train_model("SVM", tiny_tracks)


# --------------------------------------------------------------------------- uploads, ipywidgets 7 and 8
def test_uploaded_files_reads_ipywidgets_7_and_8_shapes():
    data = b"RIFF....WAVE"
    v7 = {"song.wav": {"metadata": {"name": "song.wav", "type": "audio/wav", "size": 12}, "content": data}}
    v8 = ({"name": "song.wav", "type": "audio/wav", "size": 12, "content": memoryview(data),
           "last_modified": 1700000000000},)

    class Fake:
        def __init__(self, value):
            self.value = value

    assert widgets.uploaded_files(Fake(v7)) == [("song.wav", data)]
    assert widgets.uploaded_files(Fake(v8)) == [("song.wav", data)]
    assert widgets.uploaded_files(v8) == [("song.wav", data)]          # the value itself
    assert widgets.uploaded_files(Fake({})) == [] and widgets.uploaded_files(Fake(())) == []
    two = ({"name": "a.wav", "content": memoryview(b"a")}, {"name": "b.ogg", "content": b"b"})
    assert widgets.uploaded_files(two) == [("a.wav", b"a"), ("b.ogg", b"b")]
    with pytest.raises(TypeError, match="unexpected upload content"):
        widgets.uploaded_files(({"name": "x", "content": 3},))


# --------------------------------------------------------------------------- the widget
def _classes(widget) -> list[str]:
    return list(widget._dom_classes)


def test_widget_contract_and_a_simulated_prediction(trained, tiny_tracks, monkeypatch):
    bundle, _ = trained
    box = app.genre_app({"CNN": bundle}, tiny_tracks, dataset="tiny", save=False)
    parts = box.app
    assert "mgc-genre-app" in _classes(box)
    for key, css in (("model", "mgc-app-model"), ("clip", "mgc-app-clip"), ("upload", "mgc-app-upload"),
                     ("predict", "mgc-app-predict"), ("train", "mgc-app-train"), ("result", "mgc-app-result")):
        assert css in _classes(parts[key]), key
    assert parts["model"].value == "CNN" and set(app.MODEL_KINDS) == set(parts["model"].options)
    test_paths = set(tiny_tracks.loc[tiny_tracks["split"] == "test", "path"])
    assert {v for _, v in parts["clip"].options} == test_paths
    assert parts["message"] in parts["result"].children
    parts["predict"].click()                                  # the button's real click handler
    assert parts["state"]["error"] is None
    pred = parts["state"]["prediction"]
    assert f"Predicted genre: {pred.genre}" in parts["message"].value
    # an upload of non-audio bytes: a message starting with "Could not", never a traceback
    parts["state"]["source"] = "upload"
    monkeypatch.setattr(widgets, "uploaded_files", lambda upload: [("bad.mp3", b"\x00garbage" * 50)])
    parts["predict"].click()
    assert parts["state"]["error"].startswith("Could not read this file: 'bad.mp3'")
    assert "Could not read this file" in parts["message"].value
    # a model that is not trained yet
    parts["model"].value = "GRU"
    parts["predict"].click()
    assert parts["state"]["error"].startswith("Could not predict: the GRU model is not trained yet")


def test_widget_train_and_load_buttons(tiny_tracks, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path))
    box = app.genre_app(None, tiny_tracks, dataset="tiny", epochs=1)
    parts = box.app
    assert parts["model"].value == "CNN" and parts["models"] == {}
    parts["load"].click()
    assert parts["state"]["error"].startswith("Could not load a saved CNN model")
    parts["train"].click()
    assert "CNN" in parts["models"] and "Trained CNN" in parts["message"].value
    assert (tmp_path / "models" / "tiny_cnn.keras").is_file()
    parts["models"].clear()
    parts["load"].click()
    assert "CNN" in parts["models"] and "Loaded the saved CNN model" in parts["message"].value
    parts["predict"].click()
    assert "Predicted genre:" in parts["message"].value
    parts["model"].value = "musicnn transfer"
    monkeypatch.setattr(app, "train_model", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("offline")))
    parts["train"].click()
    assert parts["state"]["error"] == "Could not train musicnn transfer: RuntimeError: offline"
    assert not parts["train"].disabled and not parts["predict"].disabled
