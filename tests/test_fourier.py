"""Tests of mgc_helpers.fourier against numpy.fft, scipy.signal and librosa (notebook 01)."""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import librosa
import numpy as np
import pytest
import scipy.signal
import soundfile

from mgc_helpers import fourier

SHARED = Path(__file__).resolve().parents[2] / "shared"
GTZAN_SAMPLES = SHARED / "real_audio" / "gtzan_samples"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def _librosa_stft(y: np.ndarray, **kw) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_fft too large" for very short signals
        return librosa.stft(y, **kw)


def _assert_close_to(reference: np.ndarray, ours: np.ndarray, *, rel: float, abs_: float | None) -> None:
    assert ours.shape == reference.shape
    diff = float(np.max(np.abs(ours - reference), initial=0.0))
    scale = float(np.max(np.abs(reference), initial=0.0))
    assert diff <= rel * max(scale, 1.0), (diff, scale)
    if abs_ is not None:
        assert diff <= abs_, diff


# ---------------------------------------------------------------------------
# sine and aliasing
# ---------------------------------------------------------------------------
def test_sine_samples_the_formula():
    x = fourier.sine(5.0, sr=100, duration=2.0, phase=0.3, amplitude=0.5)
    t = np.arange(200) / 100
    np.testing.assert_allclose(x, 0.5 * np.sin(2 * np.pi * 5.0 * t + 0.3), atol=1e-12)
    assert x.dtype == np.float64


def test_sine_length_is_rounded_duration_times_sr():
    assert len(fourier.sine(440, sr=22050, duration=0.1)) == 2205
    assert len(fourier.sine(440, sr=22050, duration=0.0)) == 0


@pytest.mark.parametrize("kw", [{"sr": 0, "duration": 1.0}, {"sr": 100, "duration": -1.0}])
def test_sine_rejects_bad_arguments(kw):
    with pytest.raises(ValueError):
        fourier.sine(10.0, **kw)


@pytest.mark.parametrize(
    ("freq", "sr", "expected"),
    [
        (440.0, 22050, 440.0),
        (15000.0, 22050, 7050.0),
        (11025.0, 22050, 11025.0),  # exactly Nyquist stays
        (22050.0, 22050, 0.0),  # a tone at sr looks like DC
        (23000.0, 22050, 950.0),
        (30000.0, 22050, 7950.0),
        (-440.0, 22050, 440.0),
        (7.0, 10, 3.0),
        (1000.0, 44100, 1000.0),
    ],
)
def test_alias_frequency_table(freq, sr, expected):
    result = fourier.alias_frequency(freq, sr=sr)
    assert isinstance(result, float)
    assert result == pytest.approx(expected)


def test_alias_frequency_vectorised_and_in_band():
    freqs = np.linspace(0, 100_000, 1001)
    aliases = fourier.alias_frequency(freqs, sr=22050)
    assert aliases.shape == freqs.shape
    assert np.all((aliases >= 0) & (aliases <= 22050 / 2))
    # The samples of the tone and of its alias are the same (up to the sign of the sine).
    n = np.arange(64)
    for f, a in zip(freqs[::97], aliases[::97]):
        cos_true = np.cos(2 * np.pi * f * n / 22050)
        cos_alias = np.cos(2 * np.pi * a * n / 22050)
        np.testing.assert_allclose(cos_true, cos_alias, atol=1e-6)


def test_alias_frequency_rejects_bad_sr():
    with pytest.raises(ValueError):
        fourier.alias_frequency(100.0, sr=0)


@pytest.mark.parametrize("freq", [440.0, 9000.0, 12000.0, 15000.0, 21000.0, 25000.0, 30000.0])
def test_peak_of_sampled_tone_is_at_alias_frequency(freq):
    sr = 22050
    x = fourier.sine(freq, sr=sr, duration=1.0)  # 1 s -> 1 Hz bins
    assert fourier.peak_frequency(x, sr=sr) == pytest.approx(
        fourier.alias_frequency(freq, sr=sr), abs=1.0
    )


def test_sampled_15_khz_tone_peaks_at_7050_hz_in_the_stft():
    sr = 22050
    y = fourier.sine(15000.0, sr=sr, duration=1.0)
    S = np.abs(fourier.stft(y, n_fft=2048, hop_length=512))
    peak_bin = int(np.argmax(S[:, S.shape[1] // 2]))
    freqs = fourier.bin_frequencies(2048, sr=sr)
    assert abs(freqs[peak_bin] - 7050.0) <= sr / 2048


# ---------------------------------------------------------------------------
# DFT
# ---------------------------------------------------------------------------
SIZES = [1, 2, 3, 7, 16, 64, 100, 257]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("kind", ["real", "complex"])
@pytest.mark.parametrize("method", ["dft_naive", "dft"])
def test_dft_matches_numpy_fft(n, kind, method, rng):
    x = rng.standard_normal(n)
    if kind == "complex":
        x = x + 1j * rng.standard_normal(n)
    X = getattr(fourier, method)(x)
    assert X.shape == (n,)
    assert np.iscomplexobj(X)
    np.testing.assert_allclose(X, np.fft.fft(x), rtol=1e-9, atol=1e-9 * n)


def test_dft_accepts_lists():
    np.testing.assert_allclose(fourier.dft_naive([1, 2, 3, 4]), np.fft.fft([1, 2, 3, 4]), atol=1e-12)
    np.testing.assert_allclose(fourier.dft([1, 0, 0, 0]), np.ones(4), atol=1e-12)


@pytest.mark.parametrize("n", [1, 4, 5, 32, 100])
def test_dft_matrix_is_fft_of_identity(n):
    F = fourier.dft_matrix(n)
    assert F.shape == (n, n)
    np.testing.assert_allclose(F, np.fft.fft(np.eye(n), axis=0), atol=1e-10)
    np.testing.assert_allclose(F, F.T)  # symmetric
    np.testing.assert_allclose(F @ F.conj().T, n * np.eye(n), atol=1e-9)  # orthogonal rows


def test_dft_matrix_of_size_zero_and_negative():
    assert fourier.dft_matrix(0).shape == (0, 0)
    with pytest.raises(ValueError):
        fourier.dft_matrix(-1)


def test_dft_is_accurate_for_a_longer_signal(rng):
    # k * m is reduced modulo n before exp(): no precision lost to huge angles.
    x = rng.standard_normal(1500)
    np.testing.assert_allclose(fourier.dft(x), np.fft.fft(x), atol=1e-9)


@pytest.mark.parametrize("n", [1, 8, 15, 128])
def test_idft_inverts_dft_and_matches_numpy(n, rng):
    x = rng.standard_normal(n)
    X = fourier.dft(x)
    np.testing.assert_allclose(fourier.idft(X), np.fft.ifft(X), atol=1e-12)
    np.testing.assert_allclose(fourier.idft(X).real, x, atol=1e-12)
    np.testing.assert_allclose(fourier.idft(X).imag, 0.0, atol=1e-12)


@pytest.mark.parametrize("method", ["dft_naive", "dft", "idft"])
def test_dft_rejects_2d_input(method):
    with pytest.raises(ValueError, match="one-dimensional"):
        getattr(fourier, method)(np.zeros((4, 4)))


@pytest.mark.parametrize("n", [16, 100, 1001])
def test_parseval(n, rng):
    x = rng.standard_normal(n)
    X = fourier.dft(x)
    assert np.sum(np.abs(x) ** 2) == pytest.approx(np.sum(np.abs(X) ** 2) / n, rel=1e-10)


def test_dft_is_linear(rng):
    a, b = rng.standard_normal(50), rng.standard_normal(50)
    np.testing.assert_allclose(
        fourier.dft_naive(2 * a - 3 * b), 2 * fourier.dft_naive(a) - 3 * fourier.dft_naive(b), atol=1e-10
    )


def test_sine_on_a_bin_gives_two_peaks_of_height_n_over_2():
    n, k = 64, 5
    x = np.cos(2 * np.pi * k * np.arange(n) / n)
    magnitude = np.abs(fourier.dft_naive(x))
    expected = np.zeros(n)
    expected[[k, n - k]] = n / 2
    np.testing.assert_allclose(magnitude, expected, atol=1e-9)


def test_compare_with_fft_reports_errors_and_timings(rng):
    x = rng.standard_normal(512)
    result = fourier.compare_with_fft(x, repeats=2)
    assert result["n"] == 512
    assert result["max_abs_error"] < 1e-8
    assert result["max_abs_error"] == max(result["max_abs_error_naive"], result["max_abs_error_matrix"])
    for key in ("seconds_naive", "seconds_matrix", "seconds_fft"):
        assert result[key] > 0
    # O(N^2) Python-level loop vs O(N log N) compiled FFT: orders of magnitude apart at N = 512.
    assert result["seconds_naive"] > result["seconds_fft"]
    assert result["speedup"] == pytest.approx(result["seconds_naive"] / result["seconds_fft"])


def test_compare_with_fft_rejects_zero_repeats():
    with pytest.raises(ValueError):
        fourier.compare_with_fft(np.ones(8), repeats=0)


# ---------------------------------------------------------------------------
# Windows and leakage
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "boxcar"])
@pytest.mark.parametrize("n", [1, 2, 3, 16, 255, 256, 2048])
@pytest.mark.parametrize("periodic", [True, False])
def test_get_window_matches_scipy(name, n, periodic):
    ours = fourier.get_window(name, n, periodic=periodic)
    reference = scipy.signal.get_window(name, n, fftbins=periodic)
    assert ours.shape == (n,)
    np.testing.assert_allclose(ours, reference, atol=1e-12)


@pytest.mark.parametrize("name", fourier.WINDOW_NAMES)
def test_get_window_matches_librosa(name):
    np.testing.assert_allclose(
        fourier.get_window(name, 1024), librosa.filters.get_window(name, 1024, fftbins=True), atol=1e-12
    )


@pytest.mark.parametrize(
    ("alias", "name"),
    [("rectangular", "boxcar"), ("rect", "boxcar"), ("ones", "boxcar"), ("hanning", "hann"), ("HANN", "hann")],
)
def test_get_window_aliases(alias, name):
    np.testing.assert_array_equal(fourier.get_window(alias, 64), fourier.get_window(name, 64))


def test_get_window_of_length_zero_is_empty():
    assert fourier.get_window("hann", 0).shape == (0,)


def test_periodic_hann_is_the_symmetric_window_one_longer_without_its_last_sample():
    np.testing.assert_allclose(
        fourier.get_window("hann", 8), fourier.get_window("hann", 9, periodic=False)[:-1], atol=1e-15
    )


def test_get_window_rejects_unknown_names_and_negative_lengths():
    with pytest.raises(ValueError, match="unknown window 'kaiser'"):
        fourier.get_window("kaiser", 16)
    with pytest.raises(ValueError):
        fourier.get_window("hann", -1)


def test_bin_frequencies_match_librosa_and_numpy():
    for n_fft in (1, 2, 255, 2048):
        ours = fourier.bin_frequencies(n_fft, sr=22050)
        np.testing.assert_allclose(ours, librosa.fft_frequencies(sr=22050, n_fft=n_fft))
        np.testing.assert_allclose(ours, np.fft.rfftfreq(n_fft, d=1 / 22050))
    with pytest.raises(ValueError):
        fourier.bin_frequencies(0, sr=22050)


@pytest.mark.parametrize("window", ["boxcar", "hann", "hamming", "blackman"])
def test_windowed_spectrum_of_an_on_bin_sine_peaks_at_half_its_amplitude(window):
    sr, n = 8000, 256
    x = fourier.sine(10 * sr / n, sr=sr, duration=n / sr, amplitude=0.8)
    freqs, magnitude = fourier.windowed_spectrum(x, sr=sr, window=window, db=False)
    assert freqs.shape == magnitude.shape == (n // 2 + 1,)
    assert int(np.argmax(magnitude)) == 10
    assert magnitude[10] == pytest.approx(0.4, rel=1e-9)


def test_windowed_spectrum_in_db_and_argument_checks():
    x = fourier.sine(1000.0, sr=8000, duration=0.032)
    freqs, mag_db = fourier.windowed_spectrum(x, sr=8000, window="hann", n_fft=1024)
    assert freqs.shape == (513,)
    assert mag_db.max() == pytest.approx(0.0)
    assert mag_db.min() >= -120.0
    with pytest.raises(ValueError, match="n_fft"):
        fourier.windowed_spectrum(x, sr=8000, n_fft=len(x) - 1)
    with pytest.raises(ValueError, match="shape"):
        fourier.windowed_spectrum(x, sr=8000, window=np.ones(3))
    # An explicit array of weights is the same as the named window.
    _, by_array = fourier.windowed_spectrum(x, sr=8000, window=np.hanning(len(x) + 1)[:-1])
    _, by_name = fourier.windowed_spectrum(x, sr=8000, window="hann")
    np.testing.assert_allclose(by_array, by_name, atol=1e-9)


def test_leakage_demo_hann_leaks_far_less_than_boxcar():
    demo = fourier.leakage_demo(sr=8000, n=256, bin_offset=0.5, bin_index=32)
    assert demo["freq"] == pytest.approx(32.5 * 8000 / 256)
    assert demo["signal"].shape == (256,)
    assert demo["bin_freqs"].shape == (129,)
    freqs = demo["freqs"]
    assert freqs.shape == demo["boxcar"].shape == demo["hann"].shape == (8 * 256 // 2 + 1,)
    far = np.abs(freqs - demo["freq"]) > 500  # more than 16 bins away from the tone
    assert np.max(demo["hann"][far]) < np.max(demo["boxcar"][far]) - 30
    # Between bins, the rectangular window's DFT bins (every 8th point) are all far from 0 dB: leakage.
    on_bins = demo["boxcar"][::8]
    assert np.sum(on_bins > -30) > 10
    assert np.sum(demo["hann"][::8] > -30) <= 4


def test_leakage_demo_on_a_bin_has_no_leakage_at_the_bins():
    demo = fourier.leakage_demo(bin_offset=0.0, windows=("boxcar",))
    on_bins = demo["boxcar"][::8]
    assert np.sum(on_bins > -100) == 1


# ---------------------------------------------------------------------------
# Framing
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("n_samples", [16, 17, 100, 1000, 4097])
@pytest.mark.parametrize(("frame_length", "hop_length"), [(16, 1), (16, 4), (16, 16), (16, 40), (7, 3)])
def test_frame_matches_librosa(n_samples, frame_length, hop_length, rng):
    y = rng.standard_normal(n_samples)
    ours = fourier.frame(y, frame_length=frame_length, hop_length=hop_length)
    reference = librosa.util.frame(y, frame_length=frame_length, hop_length=hop_length)
    assert ours.shape == reference.shape == (frame_length, 1 + (n_samples - frame_length) // hop_length)
    np.testing.assert_array_equal(ours, reference)


def test_frame_columns_are_slices_and_a_view():
    y = np.arange(10.0)
    frames = fourier.frame(y, frame_length=4, hop_length=3)
    np.testing.assert_array_equal(frames, [[0, 3, 6], [1, 4, 7], [2, 5, 8], [3, 6, 9]])
    assert np.shares_memory(frames, y)


@pytest.mark.parametrize(
    "kw",
    [{"frame_length": 11, "hop_length": 1}, {"frame_length": 0, "hop_length": 1}, {"frame_length": 4, "hop_length": 0}],
)
def test_frame_rejects_bad_arguments(kw):
    with pytest.raises(ValueError):
        fourier.frame(np.zeros(10), **kw)
    with pytest.raises(ValueError, match="one-dimensional"):
        fourier.frame(np.zeros((2, 10)), frame_length=4, hop_length=1)


@pytest.mark.parametrize("n_samples", [1, 100, 511, 512, 513, 22050, 661500])
@pytest.mark.parametrize(("n_fft", "hop_length"), [(2048, 512), (2048, 1024), (1023, 256), (256, 300)])
@pytest.mark.parametrize("center", [True, False])
def test_n_frames_matches_librosa_stft(n_samples, n_fft, hop_length, center):
    expected_count = fourier.n_frames(n_samples, n_fft=n_fft, hop_length=hop_length, center=center)
    if not center and n_samples < n_fft:
        assert expected_count == 0
        return
    if n_samples > 30_000:  # don't compute a 30 s STFT: check the closed form instead
        padded = n_samples + 2 * (n_fft // 2) if center else n_samples
        assert expected_count == 1 + (padded - n_fft) // hop_length
        return
    S = _librosa_stft(np.zeros(n_samples), n_fft=n_fft, hop_length=hop_length, center=center)
    assert expected_count == S.shape[1]


def test_n_frames_for_gtzan_clip_and_even_n_fft_shortcut():
    # A 30 s GTZAN clip at 22050 Hz with librosa's defaults: 1 + 661500 // 512 = 1292 columns.
    assert fourier.n_frames(661_500, n_fft=2048, hop_length=512) == 1292
    for n in (0, 1, 1000, 12345):
        assert fourier.n_frames(n, n_fft=2048, hop_length=256) == 1 + n // 256
    with pytest.raises(ValueError):
        fourier.n_frames(-1, n_fft=2048, hop_length=512)


def test_frame_times_match_librosa():
    np.testing.assert_allclose(
        fourier.frame_times(50, sr=22050, hop_length=512),
        librosa.frames_to_time(np.arange(50), sr=22050, hop_length=512),
    )


def test_time_frequency_resolution():
    r = fourier.time_frequency_resolution(n_fft=2048, sr=22050, hop_length=512)
    assert r["delta_f"] == pytest.approx(22050 / 2048)
    assert r["delta_t"] == pytest.approx(2048 / 22050)
    assert r["delta_t"] * r["delta_f"] == pytest.approx(1.0)  # the uncertainty trade-off
    assert r["hop_seconds"] == pytest.approx(512 / 22050)
    assert r["n_bins"] == 1025 == len(fourier.bin_frequencies(2048, sr=22050))
    assert r["frames_per_second"] == pytest.approx(22050 / 512)
    assert r["overlap"] == pytest.approx(0.75)
    assert fourier.time_frequency_resolution(n_fft=256, sr=22050, hop_length=300)["overlap"] == 0.0
    longer = fourier.time_frequency_resolution(n_fft=4096, sr=22050, hop_length=512)
    assert longer["delta_f"] < r["delta_f"] and longer["delta_t"] > r["delta_t"]
    with pytest.raises(ValueError):
        fourier.time_frequency_resolution(n_fft=0, sr=22050, hop_length=512)


# ---------------------------------------------------------------------------
# STFT vs librosa.stft
# ---------------------------------------------------------------------------
STFT_CASES = [
    # (n_samples, n_fft, hop_length, win_length, window, center, pad_mode)
    (22050, 2048, None, None, "hann", True, "constant"),  # librosa defaults
    (22050, 2048, 512, None, "hann", True, "reflect"),
    (22050, 2048, 1024, None, "hann", True, "constant"),  # report 003: n_fft 2048, hop 1024
    (22051, 2048, 1024, None, "hann", True, "reflect"),
    (10000, 1024, 256, 512, "hann", True, "constant"),  # win_length < n_fft
    (10000, 1024, 256, 700, "hamming", True, "reflect"),
    (10000, 1023, 100, 511, "blackman", True, "constant"),  # odd n_fft and odd win_length
    (9999, 1023, 257, None, "hann", False, "constant"),  # odd lengths, no centring
    (9999, 512, 128, 300, "boxcar", False, "constant"),
    (5000, 255, 64, None, "hamming", True, "reflect"),
    (5000, 256, 1, 128, "hann", True, "constant"),  # hop of one sample
    (300, 512, 128, None, "hann", True, "constant"),  # signal shorter than one frame
    (300, 512, 128, None, "hann", True, "reflect"),
    (2048, 2048, 512, None, "blackman", False, "constant"),  # exactly one frame
    (4000, 512, 700, None, "hann", True, "constant"),  # hop longer than the frame
    (4001, 512, 700, 256, "hann", True, "reflect"),
    (3000, 64, 16, 33, "hann", True, "symmetric"),
    (3000, 64, 16, None, "hann", True, "edge"),
]


@pytest.mark.parametrize("case", STFT_CASES, ids=lambda c: "-".join(map(str, c)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stft_matches_librosa(case, dtype, rng):
    n_samples, n_fft, hop, win_length, window, center, pad_mode = case
    y = rng.standard_normal(n_samples).astype(dtype)
    kw = dict(n_fft=n_fft, hop_length=hop, win_length=win_length, window=window, center=center, pad_mode=pad_mode)
    ours = fourier.stft(y, **kw)
    reference = _librosa_stft(y, **kw)
    assert ours.dtype == reference.dtype
    assert ours.shape[1] == fourier.n_frames(
        n_samples, n_fft=n_fft, hop_length=hop or (win_length or n_fft) // 4, center=center
    )
    if dtype == np.float64:
        _assert_close_to(reference, ours, rel=1e-10, abs_=1e-5)
    else:  # complex64: rounding of float32 sums of up to n_fft terms
        _assert_close_to(reference, ours, rel=1e-5, abs_=None)


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "boxcar"])
@pytest.mark.parametrize("center", [True, False])
def test_stft_of_a_sine_matches_librosa(window, center):
    y = fourier.sine(1234.5, sr=22050, duration=0.5).astype(np.float32)
    kw = dict(n_fft=1024, hop_length=256, window=window, center=center)
    _assert_close_to(_librosa_stft(y, **kw), fourier.stft(y, **kw), rel=1e-5, abs_=1e-3)


def test_stft_accepts_a_window_array_and_integer_signals(rng):
    y = rng.integers(-100, 100, size=3000)
    w = scipy.signal.get_window("hann", 400)
    ours = fourier.stft(y, n_fft=512, hop_length=128, win_length=400, window=w)
    reference = _librosa_stft(y.astype(np.float64), n_fft=512, hop_length=128, win_length=400, window=w)
    _assert_close_to(reference, ours, rel=1e-10, abs_=1e-6)


def test_stft_of_many_blocks_matches_librosa(rng):
    # More columns than one internal block (hop 8 on 1 s).
    y = rng.standard_normal(22050)
    kw = dict(n_fft=256, hop_length=8)
    ours = fourier.stft(y, **kw)
    assert ours.shape[1] > fourier._STFT_BLOCK
    _assert_close_to(_librosa_stft(y, **kw), ours, rel=1e-10, abs_=1e-6)


def test_stft_reflect_edge_case_follows_the_definition(rng):
    """Where librosa 0.11 differs: reflect padding, hop >= n_fft / 2 and len(y) % hop == 0.

    librosa pads the tail segment separately, and that segment is then exactly
    n_fft // 2 samples long, too short to reflect once; our STFT reflects the whole
    signal. All other columns agree with librosa.
    """
    y = rng.standard_normal(1000)
    kw = dict(n_fft=16, hop_length=100, pad_mode="reflect")
    ours = fourier.stft(y, **kw)
    padded = np.pad(y, 8, mode="reflect")
    definition = np.fft.rfft(
        scipy.signal.get_window("hann", 16)[:, None] * librosa.util.frame(padded, frame_length=16, hop_length=100),
        axis=0,
    )
    np.testing.assert_allclose(ours, definition, atol=1e-12)
    reference = _librosa_stft(y, **kw)
    np.testing.assert_allclose(ours[:, :-1], reference[:, :-1], atol=1e-12)


@pytest.mark.parametrize(
    ("y", "kw", "match"),
    [
        (np.zeros(100), {"n_fft": 256, "center": False}, "too large"),
        (np.zeros(100), {"n_fft": 64, "win_length": 65}, "win_length"),
        (np.zeros(100), {"n_fft": 64, "hop_length": 0}, "hop_length"),
        (np.zeros(100), {"n_fft": 64, "pad_mode": "wrap"}, "pad_mode"),
        (np.zeros((2, 100)), {"n_fft": 64}, "one-dimensional"),
        (np.array([0.0, np.nan] * 50), {"n_fft": 64}, "NaN"),
        (np.zeros(100), {"n_fft": 64, "window": np.ones(10)}, "shape"),
    ],
)
def test_stft_rejects_bad_arguments(y, kw, match):
    with pytest.raises(ValueError, match=match):
        fourier.stft(y, **kw)


@pytest.mark.skipif(not GTZAN_SAMPLES.is_dir(), reason="../shared/real_audio is absent (student clone)")
@pytest.mark.parametrize("genre", ["blues", "metal"])
def test_stft_of_a_real_gtzan_clip_matches_librosa(genre):
    y, sr = soundfile.read(GTZAN_SAMPLES / f"{genre}.00000.wav", frames=10 * 22050, dtype="float32")
    assert sr == 22050 and y.ndim == 1
    ours = fourier.stft(y, n_fft=2048, hop_length=512)
    _assert_close_to(librosa.stft(y, n_fft=2048, hop_length=512), ours, rel=1e-5, abs_=1e-4)
    np.testing.assert_allclose(
        fourier.spectrogram_db(y, n_fft=2048, hop_length=512),
        librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft=2048, hop_length=512)), ref=np.max),
        atol=5e-3,  # a float32 FFT (ours) against librosa's float64 one: a few thousandths of a dB at -80 dB
    )


# ---------------------------------------------------------------------------
# Decibels
# ---------------------------------------------------------------------------
DB_OPTIONS = [
    {},
    {"ref": np.max},
    {"ref": 0.5, "top_db": None},
    {"ref": np.median, "top_db": 40.0},
    {"amin": 1e-3, "top_db": 120.0},
    {"ref": -2.0, "top_db": 20.0},  # librosa uses |ref|
]


@pytest.mark.parametrize("kw", DB_OPTIONS)
def test_power_to_db_matches_librosa(kw, rng):
    S = rng.gamma(0.5, size=(64, 20)) * 10 ** rng.uniform(-12, 2, size=(64, 20))
    S[0, 0] = 0.0
    np.testing.assert_allclose(fourier.power_to_db(S, **kw), librosa.power_to_db(S, **kw), atol=1e-9)


@pytest.mark.parametrize("kw", DB_OPTIONS)
def test_amplitude_to_db_matches_librosa(kw, rng):
    S = rng.standard_normal((64, 20)) + 1j * rng.standard_normal((64, 20))  # complex STFT-like values
    S[3] *= 1e-7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # librosa warns that the phase is discarded
        reference = librosa.amplitude_to_db(S, **kw)
    np.testing.assert_allclose(fourier.amplitude_to_db(S, **kw), reference, atol=1e-9)


def test_power_to_db_of_complex_input_uses_the_magnitude():
    S = np.array([1 + 0j, 0 + 10j])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = librosa.power_to_db(S)
    np.testing.assert_allclose(fourier.power_to_db(S), reference)
    np.testing.assert_allclose(fourier.power_to_db(S), [0.0, 10.0])


def test_db_rejects_bad_arguments():
    with pytest.raises(ValueError, match="amin"):
        fourier.power_to_db(np.ones(3), amin=0.0)
    with pytest.raises(ValueError, match="top_db"):
        fourier.amplitude_to_db(np.ones(3), top_db=-1.0)


def test_amplitude_and_power_db_agree():
    S = np.abs(np.random.default_rng(0).standard_normal((10, 10))) + 1e-3
    np.testing.assert_allclose(
        fourier.amplitude_to_db(S, ref=np.max), fourier.power_to_db(S**2, ref=np.max), atol=1e-10
    )


@pytest.mark.parametrize(("n_fft", "hop_length", "window"), [(2048, 512, "hann"), (512, 128, "hamming")])
def test_spectrogram_db_matches_librosa(n_fft, hop_length, window, rng):
    y = (rng.standard_normal(8000) * np.linspace(0, 1, 8000)).astype(np.float32)
    ours = fourier.spectrogram_db(y, n_fft=n_fft, hop_length=hop_length, window=window)
    reference = librosa.amplitude_to_db(
        np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length, window=window)), ref=np.max
    )
    assert ours.shape == reference.shape
    assert ours.max() == pytest.approx(0.0, abs=1e-4)  # float32 rounding
    assert ours.min() >= -80.0 - 1e-4
    np.testing.assert_allclose(ours, reference, atol=1e-3)


# ---------------------------------------------------------------------------
# House rules
# ---------------------------------------------------------------------------
def test_importing_fourier_is_light():
    code = (
        "import sys, mgc_helpers.fourier; "
        "heavy = [m for m in ('matplotlib', 'tensorflow', 'keras', 'librosa', 'IPython') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_public_functions_are_documented_for_notebook_01():
    for name in fourier.__all__:
        obj = getattr(fourier, name)
        if callable(obj):
            assert obj.__doc__ and "Taught in notebook 01" in obj.__doc__, name
