"""The genre app's widgets without a browser: the CSS contract, the three buttons, bad input shown as messages."""
from __future__ import annotations

import datetime
import io
from pathlib import Path

import ipywidgets
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
    assert parts["model"].value == "CNN" and {mb.ZERO_SHOT, *mb.MODEL_KINDS} == set(parts["model"].options)
    assert set(parts["models"]) == {"CNN", mb.ZERO_SHOT}      # the zero-shot model is always ready
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
    box = app.genre_app(None, tiny_tracks, dataset="tiny", split="filtered", epochs=1)
    parts = box.app
    assert parts["model"].value == mb.ZERO_SHOT and set(parts["models"]) == {mb.ZERO_SHOT}
    parts["model"].value = "CNN"
    parts["load"].click()
    assert parts["state"]["error"].startswith("Could not load a saved CNN model")
    parts["train"].click()
    assert "CNN" in parts["models"] and "Trained CNN" in parts["message"].value
    assert "trained on tiny, filtered split" in parts["message"].value     # the split's own name, not "artist"
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
    parts["model"].value = "CNN"                              # (the zero-shot model is chosen at start)
    parts["load"].click()                                     # no exception escapes the button
    assert parts["state"]["error"].startswith("Could not load a saved CNN model: ")
    assert message in parts["message"].value and set(parts["models"]) == {mb.ZERO_SHOT}



# --------------------------------------------------------------------------- zero-shot and honest labels
def _fake_taggram(tag: str):
    """A stand-in for musicnn.taggram (no TensorFlow): every patch says ``tag``."""
    from mgc_helpers.models import musicnn

    def taggram(y, sr, *, model="MSD_musicnn", **_):
        T = np.full((max(1, int(len(y) / sr // 3)), 50), 0.01)
        T[:, musicnn.tags(model).index(tag)] = 0.9
        return T
    return taggram


def _text(html_value: str) -> str:
    return html_value.replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")


def test_an_upload_switches_to_the_zero_shot_model_which_shows_its_tags(trained, tiny_tracks, monkeypatch):
    from mgc_helpers.models import musicnn

    bundle, _ = trained
    parts = app.genre_app({"CNN": bundle}, tiny_tracks, dataset="tiny", save=False).app
    assert parts["model"].value == "CNN"
    y, _ = sf.read(tiny_tracks.loc[tiny_tracks["split"] == "test", "path"].iloc[0], dtype="float32")
    monkeypatch.setattr(musicnn, "taggram", _fake_taggram("heavy metal"))
    data = _wav_bytes(y, SR)
    if int(ipywidgets.__version__.split(".")[0]) >= 8:        # what the browser sends, in either version
        parts["upload"].value = ({"name": "song.wav", "type": "audio/wav", "size": len(data),
                                  "content": memoryview(data),
                                  "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)
    else:   # ipywidgets 7 (Colab): value is read-only, computed when the browser bumps _counter after data
        parts["upload"].metadata = [{"name": "song.wav", "type": "audio/wav", "size": len(data)}]
        parts["upload"].data = [data]
        parts["upload"]._counter += 1
    assert parts["state"]["source"] == "upload" and parts["model"].value == mb.ZERO_SHOT
    assert "trained on no clip of this course (zero-shot)" in parts["status"].value
    parts["train"].click()
    assert "needs no training" in parts["message"].value and parts["state"]["error"] is None
    parts["predict"].click()
    text = _text(parts["message"].value)
    assert parts["state"]["error"] is None and "Predicted genre: metal" in text
    assert "top MSD tags: heavy metal 0.90" in text and "metal <- tags metal, heavy metal" in text
    assert "mgc-app-warning" not in text and parts["state"]["prediction"].tags.index[0] == "heavy metal"


def test_a_toy_model_warns_on_an_upload_but_not_on_a_toy_clip(trained, tiny_tracks, monkeypatch):
    import dataclasses

    bundle, _ = trained
    toy_model = dataclasses.replace(bundle, info={**bundle.info, "dataset": "toy"})
    parts = app.genre_app({"CNN": toy_model}, tiny_tracks, dataset="toy", save=False).app
    n_train = int((tiny_tracks["split"] == "train").sum())
    assert f"trained on toy, artist split, {n_train} training clips" in parts["status"].value
    parts["predict"].click()                                  # a toy clip of the dropdown: no warning
    assert "Predicted genre:" in parts["message"].value and parts["state"]["warning"] == ""
    y, _ = sf.read(tiny_tracks.loc[tiny_tracks["split"] == "test", "path"].iloc[0], dtype="float32")
    monkeypatch.setattr(widgets, "uploaded_files", lambda upload: [("my_song.wav", _wav_bytes(y, SR))])
    parts["state"]["source"] = "upload"                       # uploaded, and the user kept the CNN
    parts["predict"].click()
    text = _text(parts["message"].value)
    assert "Predicted genre:" in text and 'class="mgc-app-warning"' in text
    assert "learned the synthetic toy genres and is not expected to recognise real music" in text
    assert mb.ZERO_SHOT in parts["state"]["warning"] and "GTZAN or FMA" in parts["state"]["warning"]
