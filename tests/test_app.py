"""The genre app's widgets without a browser: the CSS contract, the three buttons, bad input shown as messages."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import app, bundle as mb, toy, widgets
from mgc_helpers.datasets.folder import AUDIO_EXTENSIONS
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
    bundle, scores = mb.train_model("CNN", tiny_tracks, dataset="tiny", epochs=2)
    yield bundle, scores
    mp.undo()


def _wav_bytes(y: np.ndarray, sr: int, *, fmt: str = "WAV") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=fmt)
    return buf.getvalue()


# --------------------------------------------------------------------------- the widget
def _classes(widget) -> list[str]:
    return list(widget._dom_classes)


def test_widget_contract_and_a_simulated_prediction(trained, tiny_tracks, monkeypatch):
    bundle, _ = trained
    box = app.genre_app({"CNN": bundle}, tiny_tracks, dataset="tiny", save=False)
    parts = box.app
    assert "mgc-genre-app" in _classes(box)
    for key, css in (("model", "mgc-app-model"), ("clip", "mgc-app-clip"), ("upload", "mgc-app-upload"),
                     ("predict", "mgc-app-predict"), ("train", "mgc-app-train"), ("load", "mgc-app-load"),
                     ("result", "mgc-app-result")):
        assert css in _classes(parts[key]), key
    assert parts["model"].value == "CNN" and set(mb.MODEL_KINDS) == set(parts["model"].options)
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
    monkeypatch.setattr(mb, "train_model", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("offline")))
    parts["train"].click()
    assert parts["state"]["error"] == "Could not train musicnn transfer: RuntimeError: offline"
    assert not parts["train"].disabled and not parts["predict"].disabled


def test_the_upload_accepts_the_course_audio_extensions(trained, tiny_tracks):
    bundle, _ = trained
    accept = app.genre_app(bundle, tiny_tracks, dataset="tiny", save=False).app["upload"].accept.split(",")
    assert accept == [*AUDIO_EXTENSIONS, "audio/*"] and ".au" in accept and ".m4a" in accept


def test_a_long_upload_is_cut_with_a_visible_message(trained, tiny_tracks, monkeypatch):
    bundle, _ = trained
    parts = app.genre_app(bundle, tiny_tracks, dataset="tiny", save=False).app
    y, _ = sf.read(tiny_tracks.loc[tiny_tracks["split"] == "test", "path"].iloc[0], dtype="float32")  # 5 s
    monkeypatch.setattr(mb, "MAX_AUDIO_SECONDS", 4.0)
    monkeypatch.setattr(widgets, "uploaded_files", lambda upload: [("concert.wav", _wav_bytes(y, SR))])
    parts["state"]["source"] = "upload"
    parts["predict"].click()
    assert parts["state"]["error"] is None and "Predicted genre:" in parts["message"].value
    assert "'concert.wav' lasts more than 4 s: only its first 4 s were read" in parts["message"].value.replace(
        "&#x27;", "'")


@pytest.mark.parametrize("damage, message", [
    (lambda meta: meta.write_text('{"format": 1, "kind": "CN'), "tiny_cnn.json is not valid JSON"),
    (lambda meta: meta.write_text('{"format": 1, "classes": [], "features": {"kind": "logmel"}}'),
     "tiny_cnn.json lacks &#x27;kind&#x27;"),
    (lambda meta: meta.with_suffix(".keras").write_bytes(b"PK\x03\x04 not a whole zip"),
     "tiny_cnn.keras is corrupt"),
])
def test_the_load_button_shows_a_damaged_bundle_instead_of_raising(trained, tiny_tracks, tmp_path, monkeypatch,
                                                                   damage, message):
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path))
    bundle, _ = trained
    damage(mb.save_model(bundle).with_suffix(".json"))
    parts = app.genre_app(None, tiny_tracks, dataset="tiny", save=False).app
    parts["load"].click()                                     # no exception escapes the button
    assert parts["state"]["error"].startswith("Could not load a saved CNN model: ")
    assert message in parts["message"].value and parts["models"] == {}

