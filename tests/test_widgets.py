"""mgc_helpers.widgets: computations vs librosa, the static fallback, live callbacks without a front-end."""
from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"  # headless; set before pyplot is imported

import builtins  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mgc_helpers import widgets  # noqa: E402

SR = 22050


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    t = np.arange(2 * SR) / SR
    chirp = np.sin(2 * np.pi * (200 + 1000 * t) * t)
    return (0.5 * chirp).astype(np.float32)


@pytest.fixture()
def shown(monkeypatch) -> list:
    """Record the figures the explorers display (and still close them)."""
    figures: list = []

    def fake_show(fig):
        figures.append(fig)
        plt.close(fig)

    monkeypatch.setattr(widgets, "_show", fake_show)
    return figures


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("MGC_STATIC_WIDGETS", raising=False)
    yield
    plt.close("all")


# --------------------------------------------------------------------------- pure computations
def test_stft_image_matches_librosa(clip):
    import librosa

    for n_fft, hop, window in [(256, 64, "hann"), (2048, 512, "blackman"), (1024, 1024, "boxcar")]:
        S_db = widgets._stft_image(clip, SR, n_fft, hop, window)
        ref = librosa.amplitude_to_db(np.abs(librosa.stft(y=clip, n_fft=n_fft, hop_length=hop, window=window)),
                                      ref=np.max)
        assert S_db.shape == (1 + n_fft // 2, 1 + len(clip) // hop)
        np.testing.assert_allclose(S_db, ref, atol=1e-4)
        assert S_db.max() == pytest.approx(0.0, abs=1e-5)   # float32: librosa 0.10 lands 2e-6 above 0 dB


def test_resolution_text_shows_the_trade_off():
    text = widgets._resolution_text(22050, 2048, 512)
    assert "Δt = n_fft / sr = 92.9 ms" in text and "Δf = sr / n_fft = 10.8 Hz" in text
    assert "hop = 512 samples (23.2 ms)" in text and "Δt·Δf = 1" in text
    short = widgets._resolution_text(22050, 256, 64)
    assert "11.6 ms" in short and "86.1 Hz" in short


def test_mel_images_match_librosa(clip):
    import librosa

    S_db, M = widgets._mel_images(clip, SR, 64, 8000.0, 13)
    S = librosa.feature.melspectrogram(y=clip, sr=SR, n_fft=2048, hop_length=512, n_mels=64, fmax=8000.0)
    ref = librosa.power_to_db(S, ref=np.max)
    np.testing.assert_allclose(S_db, ref, atol=1e-4)
    np.testing.assert_allclose(M, librosa.feature.mfcc(S=ref, n_mfcc=13), atol=1e-3)
    _, capped = widgets._mel_images(clip, SR, 16, 8000.0, 40)
    assert capped.shape[0] == 16  # n_mfcc cannot exceed n_mels


# --------------------------------------------------------------------------- when to fall back
def test_use_static_outside_a_kernel_and_with_env(monkeypatch):
    assert widgets.use_static()  # pytest is no IPython kernel
    monkeypatch.setenv("MGC_STATIC_WIDGETS", "1")
    assert widgets.use_static()


def test_use_static_inside_a_kernel(monkeypatch):
    import IPython

    class FakeShell:
        kernel = object()

    monkeypatch.setattr(IPython, "get_ipython", lambda: FakeShell())
    assert not widgets.use_static()
    monkeypatch.setenv("MGC_STATIC_WIDGETS", "1")
    assert widgets.use_static()
    monkeypatch.setenv("MGC_STATIC_WIDGETS", "0")
    assert not widgets.use_static()


def test_use_static_without_ipywidgets(monkeypatch):
    real_import = builtins.__import__

    def no_ipywidgets(name, *args, **kwargs):
        if name == "ipywidgets":
            raise ImportError("No module named 'ipywidgets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ipywidgets)
    assert widgets.use_static()


# --------------------------------------------------------------------------- static fallback
def test_stft_explorer_static_fallback(clip, shown, monkeypatch):
    monkeypatch.setenv("MGC_STATIC_WIDGETS", "1")
    assert widgets.stft_explorer(clip, SR) is None
    assert len(shown) == 1
    axes = [ax for ax in shown[0].axes if ax.collections and ax.get_label() != "<colorbar>"]
    assert len(axes) == 3
    bars = [ax for ax in shown[0].axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and "dB" in bars[0].get_ylabel()  # one colour bar: the three share -80..0 dB
    titles = [ax.get_title() for ax in axes]
    assert all(f"n_fft={n}" in t for n, t in zip((512, 2048, 8192), titles))
    assert "Δt=23 ms" in titles[0] and "Δf=2.7 Hz" in titles[2]
    # frequency rows of each mesh (its cell edges minus one: matplotlib < 3.8 keeps get_array() flattened)
    assert [ax.collections[0].get_coordinates().shape[0] - 1 for ax in axes] == [257, 1025, 4097]


def test_mel_explorer_static_fallback(clip, shown):
    assert widgets.mel_explorer(clip, SR) is None  # no kernel -> static
    fig = shown[0]
    images = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(images) == 6  # log-mel and MFCC for 32, 64, 128 bands
    bars = [ax.get_ylabel() for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert sorted(bars) == ["MFCC value"] * 3 + ["dB (0 = loudest)"]  # a shared dB bar, one per MFCC image
    titles = [ax.get_title() for ax in images]
    assert sum("log-mel: 32 bands" in t for t in titles) == 1 and sum("20 MFCCs" in t for t in titles) == 3


def test_real_show_displays_and_closes(clip, capsys):
    fig, _ = plt.subplots()
    widgets._show(fig)
    assert not plt.fignum_exists(fig.number)
    assert "Figure" in capsys.readouterr().out  # outside IPython, display() prints the repr


def test_explorers_reject_bad_signals():
    with pytest.raises(ValueError, match="mono"):
        widgets.stft_explorer(np.zeros((2, 100)), SR, static=True)
    with pytest.raises(ValueError, match="non-empty"):
        widgets.mel_explorer(np.zeros(0), SR, static=True)


# --------------------------------------------------------------------------- live widgets, no front-end
def _controls(box):
    return box.children[0].children


def test_stft_explorer_widget_redraws_on_change(clip, shown):
    import ipywidgets as W

    box = widgets.stft_explorer(clip, SR, static=False)
    assert isinstance(box, W.VBox)
    n_fft, hop, window = _controls(box)
    assert isinstance(n_fft, W.SelectionSlider) and list(n_fft.options) == [256, 512, 1024, 2048, 4096, 8192]
    assert isinstance(window, W.Dropdown) and list(window.options) == ["hann", "hamming", "blackman", "boxcar"]
    assert len(shown) == 2  # the static first picture + the first drawing of the live output
    assert box.state["calls"] == 1 and box.state["S_db"].shape[0] == 1025
    info = box.children[1]
    assert "Δf = sr / n_fft = 10.8 Hz" in info.value

    n_fft.value = 512
    assert box.state["calls"] == 2 and box.state["S_db"].shape == (257, 1 + len(clip) // 128)
    assert "Δf = sr / n_fft = 43.1 Hz" in info.value and info.value == box.state["text"]
    hop.value = 1.0
    assert box.state["S_db"].shape == (257, 1 + len(clip) // 512)
    window.value = "boxcar"
    assert box.state["settings"] == (512, 1.0, "boxcar")
    assert len(shown) == 5
    assert shown[-1].axes[0].get_title() == "boxcar window, n_fft = 512"


def test_mel_explorer_widget_redraws_on_change(clip, shown):
    import ipywidgets as W

    box = widgets.mel_explorer(clip, SR, static=False)
    assert isinstance(box, W.VBox)
    n_mels, fmax, n_mfcc = _controls(box)
    assert isinstance(n_mels, W.IntSlider) and isinstance(fmax, W.FloatSlider) and fmax.max == SR / 2
    assert box.state["calls"] == 1 and box.state["S_db"].shape[0] == 128 and box.state["mfcc"].shape[0] == 20
    n_mels.value = 32
    assert box.state["S_db"].shape[0] == 32
    n_mfcc.value = 40
    assert box.state["mfcc"].shape[0] == 32  # capped at n_mels
    fmax.value = 4000.0
    assert box.state["settings"] == (32, 4000.0, 40)
    assert "up to 4000 Hz" in shown[-1].axes[0].get_title()
    box.redraw(64, 8000.0, 13)  # the callback can also be called directly
    assert box.state["mfcc"].shape[0] == 13 and box.state["calls"] == 5


def test_widget_mode_chosen_automatically_inside_a_kernel(clip, shown, monkeypatch):
    monkeypatch.setattr(widgets, "use_static", lambda: False)
    box = widgets.stft_explorer(clip[: SR // 2], SR)
    assert box is not None and box.state["calls"] == 1


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
