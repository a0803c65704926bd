"""mgc_helpers.plots: return types, what is drawn, axis labels, confusion-matrix values vs scikit-learn."""
from __future__ import annotations

import os

os.environ["MPLBACKEND"] = "Agg"  # headless; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PolyCollection, QuadMesh  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mgc_helpers import plots  # noqa: E402

SR = 22050


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _sine(freq=440.0, seconds=1.0, sr=SR):
    return np.sin(2 * np.pi * freq * np.arange(int(seconds * sr)) / sr).astype(np.float32)


def test_backend_is_headless():
    assert plt.get_backend().lower() == "agg"


def test_waveform_short_signal_is_one_line():
    y = _sine(seconds=0.5)
    ax = plots.waveform(y, SR, title="A 440 Hz sine")
    assert isinstance(ax, Axes) and len(ax.lines) == 1
    t = ax.lines[0].get_xdata()
    assert len(t) == len(y) and t[-1] == pytest.approx((len(y) - 1) / SR)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), y)
    assert ax.get_xlabel() == "Time (s)" and ax.get_ylabel() == "Amplitude"
    assert ax.get_title() == "A 440 Hz sine"


def test_waveform_long_signal_is_an_envelope_on_given_axes():
    y = _sine(seconds=3.0)
    fig, ax = plt.subplots()
    assert plots.waveform(y, SR, ax=ax) is ax
    assert len(ax.lines) == 0
    polys = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(polys) == 1
    verts = polys[0].get_paths()[0].vertices
    assert verts[:, 1].max() == pytest.approx(1.0, abs=1e-3) and verts[:, 1].min() == pytest.approx(-1.0, abs=1e-3)
    assert ax.get_xlim() == pytest.approx((0.0, 3.0))
    with pytest.raises(ValueError):
        plots.waveform(np.zeros((2, 10)), SR)


@pytest.mark.parametrize("y_axis, label", [("linear", "Frequency (Hz)"), ("log", "Frequency (Hz, log scale)")])
def test_spectrogram_stft(y_axis, label):
    import librosa

    S_db = librosa.amplitude_to_db(np.abs(librosa.stft(y=_sine(), n_fft=1024, hop_length=256)), ref=np.max)
    ax = plots.spectrogram(S_db, sr=SR, hop_length=256, y_axis=y_axis, title="STFT")
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    assert meshes[0].get_array().size == S_db.size
    assert ax.get_xlabel() == "Time (s)" and ax.get_ylabel() == label and ax.get_title() == "STFT"
    assert ax.get_yscale() == ("linear" if y_axis == "linear" else "symlog")
    assert ax.get_ylim()[1] == pytest.approx(SR / 2, rel=0.01)
    assert ax.get_xlim()[1] == pytest.approx(S_db.shape[1] * 256 / SR, rel=0.02)
    assert len(ax.figure.axes) == 2  # the colour bar
    assert "dB" in ax.figure.axes[1].get_yticklabels()[0].get_text() or ax.figure.axes[1].get_yticks().size


def test_spectrogram_mel_without_colorbar():
    import librosa

    S = librosa.power_to_db(librosa.feature.melspectrogram(y=_sine(), sr=SR, n_mels=64, fmax=8000), ref=np.max)
    fig, ax = plt.subplots()
    out = plots.spectrogram(S, sr=SR, hop_length=512, y_axis="mel", fmax=8000, ax=ax, colorbar=False)
    assert out is ax and len(fig.axes) == 1
    assert ax.get_ylabel() == "Frequency (Hz, mel scale)"
    assert ax.get_ylim()[1] == pytest.approx(8000, rel=0.05)  # top band edge


def test_spectrogram_rejects_bad_input():
    with pytest.raises(ValueError, match="y_axis"):
        plots.spectrogram(np.zeros((5, 5)), sr=SR, hop_length=512, y_axis="chroma")
    with pytest.raises(ValueError, match="2-D"):
        plots.spectrogram(np.zeros(5), sr=SR, hop_length=512)


def test_mfcc_image():
    M = np.random.default_rng(0).standard_normal((13, 40))
    ax = plots.mfcc(M, sr=SR, hop_length=512, title="MFCC")
    assert ax.get_ylabel() == "MFCC coefficient" and ax.get_xlabel() == "Time (s)"
    assert ax.collections[0].get_array().size == M.size and len(ax.figure.axes) == 2
    with pytest.raises(ValueError):
        plots.mfcc(np.zeros(3), sr=SR, hop_length=512)


def test_dft_magnitude_is_one_sided_in_hz():
    n, sr = 64, 8000
    x = np.cos(2 * np.pi * 1000 * np.arange(n) / sr)
    X = np.fft.fft(x)
    ax = plots.dft_magnitude(X, sr=sr, title="DFT")
    assert len(ax.lines) == 1
    f, mag = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    np.testing.assert_allclose(f, np.fft.rfftfreq(n, 1 / sr))
    np.testing.assert_allclose(mag, np.abs(np.fft.rfft(x)), atol=1e-12)   # the empty bins are ~1e-14 round-off
    assert f[np.argmax(mag)] == pytest.approx(1000.0)
    assert ax.get_xlabel() == "Frequency (Hz)" and "Magnitude" in ax.get_ylabel()
    assert ax.lines[0].get_marker() == "o"
    odd = plots.dft_magnitude(np.fft.fft(np.ones(301)), sr=sr)
    assert len(odd.lines[0].get_xdata()) == 151 and odd.lines[0].get_marker() in (None, "None", "")
    with pytest.raises(ValueError):
        plots.dft_magnitude(np.zeros((2, 2)), sr=sr)


def test_filterbank_one_line_per_filter():
    import librosa

    fb = librosa.filters.mel(sr=SR, n_fft=2048, n_mels=40)
    ax = plots.filterbank(fb, sr=SR, n_fft=2048)
    assert len(ax.lines) == 40
    np.testing.assert_allclose(ax.lines[0].get_xdata(), librosa.fft_frequencies(sr=SR, n_fft=2048))
    np.testing.assert_allclose(ax.lines[7].get_ydata(), fb[7])
    assert ax.get_xlabel() == "Frequency (Hz)" and ax.get_ylabel() == "Weight" and "40" in ax.get_title()
    with pytest.raises(ValueError, match="n_mels"):
        plots.filterbank(fb[:, :-1], sr=SR, n_fft=2048)


@pytest.mark.parametrize("kind", ["logmel", "waveform"])
def test_genre_grid(kind):
    genres = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal"]
    rng = np.random.default_rng(0)
    examples = {g: 0.1 * rng.standard_normal(SR).astype(np.float32) for g in genres}
    fig = plots.genre_grid(examples, sr=SR, kind=kind, ncols=4)
    assert isinstance(fig, Figure)
    panels = fig.axes[:7]  # 2 x 4 grid, the unused cell removed
    assert [ax.get_title() for ax in panels] == genres
    if kind == "logmel":
        assert len(fig.axes) == 8, "the panels and one shared colour bar"
        assert all(len(ax.collections) == 1 for ax in panels)
        assert fig.axes[0].collections[0].get_clim() == (-80.0, 0.0)
        assert fig.axes[0].collections[0].get_array().size == 128 * (1 + SR // 512)
        bar = fig.axes[-1]
        assert bar.get_label() == "<colorbar>" and bar.get_ylabel() == plots.GENRE_GRID_DB_LABEL
        assert "dB" in bar.get_ylabel()
        assert bar.get_ylim() == (-80.0, 0.0)  # the panels' shared scale
    else:
        assert len(fig.axes) == 7  # no colour bar for waveforms
        assert all(ax.get_xlabel() == "Time (s)" for ax in fig.axes)


def test_genre_grid_validates():
    with pytest.raises(ValueError, match="kind"):
        plots.genre_grid({"blues": np.zeros(10)}, sr=SR, kind="mfcc")
    with pytest.raises(ValueError, match="at least one"):
        plots.genre_grid({}, sr=SR)
    fig = plots.genre_grid({"blues": np.zeros(1000, dtype=np.float32)}, sr=SR, kind="waveform")
    assert len(fig.axes) == 1


def _heatmap_values(ax: Axes, k: int) -> np.ndarray:
    return np.asarray(ax.collections[0].get_array()).reshape(k, k)


@pytest.mark.parametrize("normalize", [True, False])
def test_confusion_matrix_equals_sklearn(normalize):
    from sklearn.metrics import confusion_matrix

    labels = ["blues", "jazz", "metal", "rock"]
    rng = np.random.default_rng(0)
    y_true = rng.choice(labels, 60)
    y_pred = np.where(rng.random(60) < 0.6, y_true, rng.choice(labels, 60))
    ax = plots.confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    expected = confusion_matrix(y_true, y_pred, labels=labels, normalize="true" if normalize else None)
    np.testing.assert_allclose(_heatmap_values(ax, 4), expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert ax.get_xlabel() == "Predicted" and ax.get_ylabel() == "True"
    assert len(ax.texts) == 16  # annotations
    if normalize:
        np.testing.assert_allclose(_heatmap_values(ax, 4).sum(axis=1), 1.0)
        assert "row-normalised" in ax.get_title()


def test_confusion_matrix_with_class_indices_and_given_axes():
    from sklearn.metrics import confusion_matrix

    labels = ("blues", "classical", "country")
    y_true = np.array([0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0, 2])
    fig, ax = plt.subplots()
    out = plots.confusion_matrix(y_true, y_pred, labels=labels, normalize=False, ax=ax, title="Test set")
    assert out is ax and ax.get_title() == "Test set"
    np.testing.assert_array_equal(_heatmap_values(ax, 3), confusion_matrix(y_true, y_pred))
    assert [t.get_text() for t in ax.get_xticklabels()] == list(labels)
    # integer labels that are themselves the classes
    ax2 = plots.confusion_matrix([1, 2, 2], [1, 2, 1], labels=[1, 2])
    np.testing.assert_allclose(_heatmap_values(ax2, 2), [[1.0, 0.0], [0.5, 0.5]])


def test_prediction_draws_the_spectrogram_bars_and_votes():
    import pandas as pd

    from mgc_helpers.bundle import Prediction

    classes = ["blues", "jazz", "rock"]
    proba = np.array([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    mean = proba.mean(axis=0)
    pred = Prediction("blues", pd.Series(mean, index=classes), proba, np.array([0.0, 1.5, 3.0]), classes)
    fig = plots.prediction(pred, _sine(seconds=4.5), SR, title="a sine")
    assert isinstance(fig, Figure)
    ax_spec, ax_bar, ax_seg = fig.axes
    assert ax_spec.get_title() == "a sine" and len(ax_spec.collections) == 1       # the mesh
    assert [line.get_xdata()[0] for line in ax_spec.lines] == [1.5, 3.0]            # segment boundaries
    bars = ax_bar.patches
    np.testing.assert_allclose([b.get_width() for b in bars], mean)
    assert bars[0].get_facecolor() != bars[1].get_facecolor()                      # the winner stands out
    assert ax_bar.get_title() == "Predicted genre: blues"
    np.testing.assert_array_equal(ax_seg.collections[0].get_offsets()[:, 1], [0, 1, 0])  # each segment's vote
    assert [t.get_text() for t in ax_seg.get_yticklabels()] == classes


def test_taggram_draws_the_top_tags_over_whole_seconds_with_a_colour_bar():
    rng = np.random.default_rng(0)
    names = [f"tag{i}" for i in range(50)]
    T = rng.uniform(0, 0.5, size=(10, 50))
    T[:, 7] = 0.9                                                        # the most likely tag comes first
    ax = plots.taggram(T, names, k=5, title="t")
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "tag7" and len(ax.get_yticklabels()) == 5
    image = ax.get_images()[0]
    assert image.get_array().shape == (5, 10) and image.get_extent()[:2] == pytest.approx([0.0, 10 * 187 * 256 / 16000])
    ticks = [t for t in ax.get_xticks() if 0 <= t <= image.get_extent()[1]]
    assert len(ticks) >= 3 and all(float(t).is_integer() for t in ticks)     # whole seconds
    assert len(ax.figure.axes) == 2 and ax.figure.axes[1].get_ylabel() == "tag probability"
    assert "time (s" in ax.get_xlabel()
    plt.close("all")
    with pytest.raises(ValueError, match="shape"):
        plots.taggram(T[:, :10], names)


def _leakage_table(top: float = 1.0):
    import pandas as pd

    return pd.DataFrame({"segment_accuracy": [top, 0.97, 0.55], "clip_accuracy": [top, 0.99, 0.61]},
                        index=["random segments", "random clips", "artist-disjoint"])


@pytest.mark.parametrize("top", [1.0, 0.9])
def test_split_accuracies_legend_overlaps_no_bar(top):
    ax = plots.split_accuracies(_leakage_table(top))
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [patch.get_window_extent(renderer) for container in ax.containers for patch in container]
    assert len(bars) == 6
    assert not any(legend.overlaps(bar) for bar in bars), "the legend hides a bar"
    assert legend.x0 >= ax.get_window_extent(renderer).x1, "the legend sits right of the axes"
    assert fig.bbox.contains(legend.x1 - 1, legend.y0 + 1), "and inside the figure"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["segment accuracy", "clip accuracy"]
    # the table's first row on top, the bars' lengths are the accuracies
    assert [t.get_text() for t in ax.get_yticklabels()] == ["random segments", "random clips", "artist-disjoint"]
    assert ax.containers[0][0].get_width() == top and ax.containers[1][2].get_width() == 0.61
    assert ax.containers[0][0].get_y() < ax.containers[0][2].get_y()  # inverted y: first row drawn on top
    assert ax.yaxis_inverted() and ax.get_xlim() == (0.0, 1.0) and ax.get_xlabel() == "test accuracy"


def test_split_accuracies_names_a_missing_column_and_draws_into_given_axes():
    with pytest.raises(KeyError, match="balanced_accuracy"):
        plots.split_accuracies(_leakage_table(), columns=["balanced_accuracy"])
    fig, (left, right) = plt.subplots(1, 2)
    ax = plots.split_accuracies(_leakage_table(), columns=["clip_accuracy"], labels=["per clip"], ax=right,
                                title="clips")
    assert ax is right and len(ax.containers) == 1 and ax.get_title() == "clips"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["per clip"]
