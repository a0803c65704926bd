"""Tests of mgc_helpers.features against librosa, scipy and the GTZAN feature table."""
from __future__ import annotations

import warnings

import librosa
import numpy as np
import pandas as pd
import pytest
import scipy.fft
import scipy.ndimage
import soundfile

from mgc_helpers import features as F

SR = 22050


def _relclose(a, b, *, rtol):
    """Arrays equal up to ``rtol`` times the reference's largest magnitude."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    scale = max(np.max(np.abs(b)), 1e-12)
    err = np.max(np.abs(a - b)) / scale
    assert err <= rtol, f"relative error {err:.3g} > {rtol}"


@pytest.fixture(scope="module")
def music() -> np.ndarray:
    """Six seconds of a synthetic 'song': chords, a bass line, noise bursts (drums), float32."""
    rng = np.random.default_rng(0)
    t = np.arange(int(6 * SR)) / SR
    y = np.zeros_like(t)
    for k, f0 in enumerate((220.0, 277.18, 329.63, 110.0)):
        y += 0.2 / (k + 1) * np.sin(2 * np.pi * f0 * t + k) * (1 + 0.3 * np.sin(2 * np.pi * 0.5 * t))
    beat = (t % 0.5) < 0.03  # 120 BPM clicks of noise
    y += 0.4 * beat * rng.normal(size=t.size)
    return (y / np.max(np.abs(y)) * 0.8).astype(np.float32)


@pytest.fixture(scope="module")
def gtzan_clip(shared_dir):
    path = shared_dir / "real_audio" / "gtzan_samples" / "blues.00000.wav"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    y, sr = soundfile.read(str(path), dtype="float32")  # GTZAN: 22050 Hz mono
    assert sr == SR and y.ndim == 1
    return y, sr


# ---------------------------------------------------------------------------
# Mel scale
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("htk", [False, True])
def test_hz_to_mel_matches_librosa_on_arrays(htk):
    f = np.concatenate([np.linspace(-50, 12000, 997), [1000.0, 999.999, 22050.0]])
    m = np.asarray(librosa.hz_to_mel(frequencies=f, htk=htk))
    np.testing.assert_allclose(F.hz_to_mel(f, htk=htk), m, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(F.mel_to_hz(m, htk=htk), librosa.mel_to_hz(mels=m, htk=htk), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("f", [0.0, 60.0, 440.0, 1000.0, 8000.0])
def test_hz_to_mel_scalars_are_floats_and_round_trip(htk, f):
    m = F.hz_to_mel(f, htk=htk)
    assert isinstance(m, float)
    assert m == pytest.approx(float(librosa.hz_to_mel(frequencies=f, htk=htk)), rel=1e-12, abs=1e-12)
    back = F.mel_to_hz(m, htk=htk)
    assert isinstance(back, float) and back == pytest.approx(f, rel=1e-12, abs=1e-9)


def test_known_mel_values():
    assert F.hz_to_mel(1000.0) == pytest.approx(15.0)  # Slaney: 1 kHz = 15 mel
    assert F.hz_to_mel(200.0) == pytest.approx(3.0)  # linear part: 3 mel per 200 Hz
    assert F.hz_to_mel(1000.0, htk=True) == pytest.approx(1000.0, abs=0.1)  # HTK: 1 kHz ~ 1000 mel
    assert F.hz_to_mel([440.0, 880.0], htk=True).shape == (2,)


@pytest.mark.parametrize("htk", [False, True])
def test_mel_frequencies_matches_librosa(htk):
    np.testing.assert_allclose(
        F.mel_frequencies(40, fmin=20.0, fmax=8000.0, htk=htk),
        librosa.mel_frequencies(n_mels=40, fmin=20.0, fmax=8000.0, htk=htk),
        rtol=1e-12,
    )
    np.testing.assert_allclose(F.fft_frequencies(sr=SR, n_fft=2048), librosa.fft_frequencies(sr=SR, n_fft=2048))


@pytest.mark.parametrize(
    "kw",
    [
        dict(sr=22050, n_fft=2048),
        dict(sr=22050, n_fft=2048, htk=True),
        dict(sr=12000, n_fft=512, n_mels=96),  # report 001's input (12 kHz, 96 bands)
        dict(sr=44100, n_fft=4096, n_mels=64, fmin=30.0, fmax=8000.0),
        dict(sr=22050, n_fft=1024, n_mels=40, norm=None),
        dict(sr=22050, n_fft=1024, n_mels=40, norm=1.0),
        dict(sr=22050, n_fft=1024, n_mels=40, norm=2),
        dict(sr=22050, n_fft=1024, n_mels=40, norm=np.inf),
    ],
)
def test_mel_filterbank_matches_librosa(kw):
    fb = F.mel_filterbank(**kw)
    ref = librosa.filters.mel(**kw)
    assert fb.shape == ref.shape == (kw.get("n_mels", 128), 1 + kw["n_fft"] // 2)
    assert fb.dtype == np.float32
    np.testing.assert_allclose(fb, ref, rtol=1e-6, atol=1e-6)


def test_mel_filterbank_triangles_have_unit_area_and_peak():
    sr, n_fft = 22050, 8192  # fine bins: the Riemann sum approximates the area well
    df = sr / n_fft
    area = F.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=40, dtype=np.float64).sum(axis=1) * df
    np.testing.assert_allclose(area, 1.0, rtol=0.02)
    peak = F.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=40, norm=None).max(axis=1)
    assert np.all(peak > 0.95) and np.all(peak <= 1.0)


def test_mel_filterbank_rejects_bad_norm_and_warns_on_empty_filters():
    with pytest.raises(ValueError, match="norm"):
        F.mel_filterbank(sr=SR, n_fft=512, norm="area")
    with pytest.raises(ValueError, match="positive"):
        F.mel_filterbank(sr=SR, n_fft=512, norm=-1.0)
    with pytest.warns(UserWarning, match="Empty filters"):
        F.mel_filterbank(sr=SR, n_fft=256, n_mels=128)


# ---------------------------------------------------------------------------
# Mel spectrograms
# ---------------------------------------------------------------------------
def test_melspectrogram_and_log_mel_match_librosa(music):
    ref = librosa.feature.melspectrogram(y=music, sr=SR)
    M = F.melspectrogram(music, sr=SR)
    assert M.shape == ref.shape and M.dtype == np.float32
    _relclose(M, ref, rtol=1e-5)
    L = F.log_mel(music, sr=SR)
    assert L.dtype == np.float32
    np.testing.assert_allclose(L, librosa.power_to_db(S=ref), atol=1e-3)
    assert L.max() - L.min() <= 80.0 + 1e-4  # top_db


def test_log_mel_with_options_and_precomputed_power(music):
    opts = dict(n_fft=1024, hop_length=256, n_mels=64, fmax=8000.0, htk=True)
    ref = librosa.power_to_db(
        S=librosa.feature.melspectrogram(y=music, sr=SR, **opts), ref=np.max, top_db=None
    )
    np.testing.assert_allclose(F.log_mel(music, sr=SR, ref=np.max, top_db=None, **opts), ref, atol=1e-3)
    P = np.abs(librosa.stft(y=music, n_fft=1024, hop_length=256)) ** 2
    np.testing.assert_allclose(
        F.log_mel(sr=SR, S=P, n_mels=64, fmax=8000.0, htk=True, ref=np.max, top_db=None), ref, atol=1e-3
    )
    # power=1 (magnitude) and a non-centred STFT
    ref1 = librosa.feature.melspectrogram(y=music, sr=SR, power=1.0, center=False, n_mels=32)
    _relclose(F.melspectrogram(music, sr=SR, power=1.0, center=False, n_mels=32), ref1, rtol=1e-5)


def test_melspectrogram_needs_a_signal_or_a_spectrogram():
    with pytest.raises(ValueError, match="either"):
        F.melspectrogram(sr=SR)


# ---------------------------------------------------------------------------
# DCT-II and MFCCs
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("norm", ["ortho", None, "backward", "forward"])
@pytest.mark.parametrize("axis", [-2, 0, -1])
def test_dct_ii_matches_scipy(norm, axis):
    x = np.random.default_rng(1).normal(size=(16, 12, 5))
    ref = scipy.fft.dct(x, type=2, axis=axis, norm=norm)
    np.testing.assert_allclose(F.dct_ii(x, axis=axis, norm=norm), ref, rtol=1e-10, atol=1e-10)
    kept = F.dct_ii(x, n=4, axis=axis, norm=norm)
    np.testing.assert_allclose(kept, np.take(ref, np.arange(4), axis=axis), rtol=1e-10, atol=1e-10)


def test_dct_basis_is_orthonormal_and_keeps_dtype():
    C = F.dct_basis(32)
    np.testing.assert_allclose(C @ C.T, np.eye(32), atol=1e-12)
    assert F.dct_basis(32, n_out=5).shape == (5, 32)
    assert F.dct_ii(np.ones((8, 3), dtype=np.float32)).dtype == np.float32
    assert F.dct_ii(np.ones((8, 3), dtype=np.int64)).dtype == np.float64
    # a constant column has only a DC coefficient: sqrt(N) * value
    np.testing.assert_allclose(F.dct_ii(np.ones((8, 3)))[:, 0], [np.sqrt(8)] + [0.0] * 7, atol=1e-12)


@pytest.mark.parametrize("bad", [dict(n=0), dict(n=4, n_out=5), dict(n=4, n_out=0), dict(n=4, norm="unit")])
def test_dct_basis_rejects_bad_arguments(bad):
    n = bad.pop("n")
    with pytest.raises(ValueError):
        F.dct_basis(n, **bad)


def test_mfcc_matches_librosa(music):
    ref = librosa.feature.mfcc(y=music, sr=SR, n_mfcc=20)
    M = F.mfcc(music, sr=SR, n_mfcc=20)
    assert M.shape == ref.shape == (20, 1 + music.size // 512) and M.dtype == np.float32
    _relclose(M, ref, rtol=1e-5)


def test_mfcc_from_log_mel_with_options_and_lifter(music):
    L = librosa.power_to_db(S=librosa.feature.melspectrogram(y=music, sr=SR, n_mels=40))
    ref = librosa.feature.mfcc(S=L, sr=SR, n_mfcc=13, lifter=22)
    _relclose(F.mfcc(sr=SR, S=L, n_mfcc=13, lifter=22), ref, rtol=1e-5)
    ref2 = librosa.feature.mfcc(y=music, sr=SR, n_mfcc=13, n_mels=40, htk=True, fmax=8000.0, norm=None)
    _relclose(F.mfcc(music, sr=SR, n_mfcc=13, n_mels=40, htk=True, fmax=8000.0, norm=None), ref2, rtol=1e-5)


def test_mfcc_rejects_unsupported_options(music):
    with pytest.raises(ValueError, match="DCT-II"):
        F.mfcc(music, sr=SR, dct_type=3)
    with pytest.raises(ValueError, match="lifter"):
        F.mfcc(music, sr=SR, lifter=-1)


# ---------------------------------------------------------------------------
# Deltas
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("order,width", [(1, 3), (1, 9), (2, 9), (2, 5), (3, 11)])
def test_deltas_match_librosa(order, width):
    X = np.random.default_rng(2).normal(size=(6, 40)).cumsum(axis=1)
    ref = librosa.feature.delta(data=X, order=order, width=width)
    np.testing.assert_allclose(F.deltas(X, order=order, width=width), ref, rtol=1e-9, atol=1e-9)


def test_deltas_on_mfccs_float32_and_other_axis(music):
    M = librosa.feature.mfcc(y=music, sr=SR)
    d = F.deltas(M)
    assert d.dtype == np.float32 and d.shape == M.shape
    _relclose(d, librosa.feature.delta(data=M), rtol=1e-5)
    np.testing.assert_allclose(F.deltas(M.T, axis=0), F.deltas(M).T, rtol=1e-6, atol=1e-6)
    assert F.deltas(np.arange(20)).dtype == np.float64


def test_deltas_regression_formula_and_linear_ramp():
    ramp = 3.0 * np.arange(30.0)
    np.testing.assert_allclose(F.deltas(ramp), 3.0)  # slope of a line, edges included
    np.testing.assert_allclose(F.deltas(np.arange(30.0) ** 2 / 2, order=2, width=5), 1.0, atol=1e-9)
    c = np.random.default_rng(3).normal(size=25)
    n = np.arange(1, 5)  # width 9 -> N = 4
    t = 12
    expected = np.sum(n * (c[t + n] - c[t - n])) / (2 * np.sum(n**2))
    assert F.deltas(c)[t] == pytest.approx(expected)


@pytest.mark.parametrize("bad", [dict(order=0), dict(order=1.5), dict(width=4), dict(width=1), dict(order=3, width=3)])
def test_deltas_rejects_bad_arguments(bad):
    with pytest.raises(ValueError):
        F.deltas(np.zeros((2, 20)), **bad)


def test_deltas_needs_enough_frames():
    with pytest.raises(ValueError, match="larger than"):
        F.deltas(np.zeros((2, 5)), width=9)


# ---------------------------------------------------------------------------
# Chroma and spectral descriptors
# ---------------------------------------------------------------------------
def test_chroma_matches_librosa_and_finds_the_pitch_class():
    t = np.arange(2 * SR) / SR
    a440 = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    C = F.chroma(a440, sr=SR)
    np.testing.assert_allclose(C, librosa.feature.chroma_stft(y=a440, sr=SR), rtol=1e-6, atol=1e-6)
    assert C.shape[0] == 12 and np.bincount(C.argmax(axis=0)).argmax() == 9  # C=0 ... A=9
    P = np.abs(librosa.stft(y=a440)) ** 2
    np.testing.assert_allclose(F.chroma(sr=SR, S=P, tuning=0.0), librosa.feature.chroma_stft(S=P, sr=SR, tuning=0.0))


def test_spectral_descriptors_match_librosa(music):
    d = F.spectral_descriptors(music, sr=SR)
    assert tuple(d) == F.SPECTRAL_DESCRIPTOR_NAMES
    S = np.abs(librosa.stft(y=music))
    ref = {
        "rms": librosa.feature.rms(y=music),
        "spectral_centroid": librosa.feature.spectral_centroid(y=music, sr=SR),
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(y=music, sr=SR),
        "spectral_rolloff": librosa.feature.spectral_rolloff(y=music, sr=SR),
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(y=music),
        "spectral_flatness": librosa.feature.spectral_flatness(y=music),
        "spectral_contrast": librosa.feature.spectral_contrast(S=S, sr=SR),
    }
    n_frames = S.shape[1]
    for name, value in ref.items():
        expected = value if name == "spectral_contrast" else value[0]
        assert d[name].shape == expected.shape and d[name].shape[-1] == n_frames, name
        np.testing.assert_allclose(d[name], expected, rtol=1e-5, atol=1e-6, err_msg=name)


def test_spectral_descriptors_subset_and_unknown_names(music):
    d = F.spectral_descriptors(music, sr=SR, names=["spectral_bandwidth", "rms"], n_fft=1024, hop_length=256)
    assert set(d) == {"spectral_bandwidth", "rms"}
    np.testing.assert_allclose(
        d["spectral_bandwidth"], librosa.feature.spectral_bandwidth(y=music, sr=SR, n_fft=1024, hop_length=256)[0],
        rtol=1e-5,
    )
    with pytest.raises(ValueError, match="unknown"):
        F.spectral_descriptors(music, sr=SR, names=["loudness"])


# ---------------------------------------------------------------------------
# The 57 GTZAN summary features
# ---------------------------------------------------------------------------
GTZAN_CSV_FEATURE_COLUMNS = (
    "chroma_stft_mean,chroma_stft_var,rms_mean,rms_var,spectral_centroid_mean,spectral_centroid_var,"
    "spectral_bandwidth_mean,spectral_bandwidth_var,rolloff_mean,rolloff_var,zero_crossing_rate_mean,"
    "zero_crossing_rate_var,harmony_mean,harmony_var,perceptr_mean,perceptr_var,tempo,"
    + ",".join(f"mfcc{i}_mean,mfcc{i}_var" for i in range(1, 21))
).split(",")


def test_summary_feature_names_are_the_gtzan_csv_columns():
    assert len(F.SUMMARY_FEATURE_NAMES) == 57
    assert list(F.SUMMARY_FEATURE_NAMES) == GTZAN_CSV_FEATURE_COLUMNS
    assert F.SUMMARY_FEATURE_NAMES[:4] == ("chroma_stft_mean", "chroma_stft_var", "rms_mean", "rms_var")
    assert F.SUMMARY_FEATURE_NAMES[16:19] == ("tempo", "mfcc1_mean", "mfcc1_var")
    assert F.SUMMARY_FEATURE_NAMES[-1] == "mfcc20_var"


def _reference_summary(y: np.ndarray, sr: int) -> dict[str, float]:
    """The straightforward computation: one librosa call per feature, librosa defaults."""
    frames = {
        "chroma_stft": librosa.feature.chroma_stft(y=y, sr=sr),
        "rms": librosa.feature.rms(y=y),
        "spectral_centroid": librosa.feature.spectral_centroid(y=y, sr=sr),
        "spectral_bandwidth": librosa.feature.spectral_bandwidth(y=y, sr=sr),
        "rolloff": librosa.feature.spectral_rolloff(y=y, sr=sr),
        "zero_crossing_rate": librosa.feature.zero_crossing_rate(y=y),
    }
    frames["harmony"], frames["perceptr"] = librosa.effects.hpss(y=y)
    out = {}
    for name, value in frames.items():
        out[f"{name}_mean"], out[f"{name}_var"] = float(np.mean(value)), float(np.var(value))
    out["tempo"] = float(librosa.feature.tempo(y=y, sr=sr)[0])
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20)
    for i in range(20):
        out[f"mfcc{i + 1}_mean"], out[f"mfcc{i + 1}_var"] = float(np.mean(mfcc[i])), float(np.var(mfcc[i]))
    return out


def _assert_summary_equal(got: dict[str, float], ref: dict[str, float]) -> None:
    assert list(got) == list(F.SUMMARY_FEATURE_NAMES)
    for name in F.SUMMARY_FEATURE_NAMES:
        assert isinstance(got[name], float), name
        assert got[name] == pytest.approx(ref[name], rel=1e-5, abs=1e-9), name


def test_summary_features_equal_the_straightforward_librosa_computation(music):
    _assert_summary_equal(F.summary_features(music, SR), _reference_summary(music, SR))


def test_summary_features_on_a_real_gtzan_clip(gtzan_clip):
    y, sr = gtzan_clip
    got = F.summary_features(y, sr)
    assert list(got) == list(F.SUMMARY_FEATURE_NAMES)
    values = np.array(list(got.values()))
    assert np.all(np.isfinite(values))
    assert 60.0 <= got["tempo"] <= 200.0
    assert 0.0 < got["chroma_stft_mean"] < 1.0 and 0.0 < got["rms_mean"] < 1.0
    assert 200.0 < got["spectral_centroid_mean"] < sr / 2
    assert got["mfcc1_mean"] < 0.0  # log-mel in dB re 1.0: the 0th cepstral coefficient is negative
    # first 10 s: also equal to the per-feature librosa computation
    excerpt = y[: 10 * sr]
    _assert_summary_equal(F.summary_features(excerpt, sr), _reference_summary(excerpt, sr))


def test_summary_features_of_float64_and_short_signals(music):
    short = music[: SR // 2].astype(np.float64)  # half a second: shorter than the HPSS kernel
    _assert_summary_equal(F.summary_features(short, SR), _reference_summary(short, SR))


@pytest.mark.parametrize("bad", [np.zeros((2, 100), np.float32), np.zeros(0, np.float32)])
def test_summary_features_rejects_non_mono_or_empty(bad):
    with pytest.raises(ValueError, match="mono"):
        F.summary_features(bad, SR)


def test_summary_features_rejects_integer_pcm():
    with pytest.raises(TypeError, match="floating"):
        F.summary_features(np.zeros(SR, dtype=np.int16), SR)


def test_fast_median_filter_equals_scipy():
    A = np.random.default_rng(4).random((7, 50)).astype(np.float32)
    for width in (3, 31):
        np.testing.assert_array_equal(
            F._median_filter_rows(A, width), scipy.ndimage.median_filter(A, size=(1, width), mode="reflect")
        )
    tiny = A[:, :10]  # fewer columns than half the kernel: falls back to scipy
    np.testing.assert_array_equal(
        F._median_filter_rows(tiny, 31), scipy.ndimage.median_filter(tiny, size=(1, 31), mode="reflect")
    )


def test_summary_features_frame_orders_columns():
    row = {name: float(i) for i, name in enumerate(reversed(F.SUMMARY_FEATURE_NAMES))}
    table = F.summary_features_frame(
        [{"track_id": "a", "genre": "blues", **row}, {"track_id": "b", "genre": "rock", **row}], index="track_id"
    )
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["genre", *F.SUMMARY_FEATURE_NAMES]
    assert list(table.index) == ["a", "b"] and table.loc["b", "mfcc20_var"] == 0.0
    assert list(F.summary_features_frame([row]).columns) == list(F.SUMMARY_FEATURE_NAMES)
    with pytest.raises(KeyError, match="tempo"):
        F.summary_features_frame([{k: v for k, v in row.items() if k != "tempo"}])


def test_module_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, mgc_helpers.features; "
        "bad = [m for m in ('tensorflow', 'keras', 'matplotlib', 'ipywidgets') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_warnings_for_the_defaults(music):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mfcc(music, sr=SR)
        F.mel_filterbank(sr=SR, n_fft=2048)


# ---------------------------------------------------------------------------
# Per-clip features for the networks (the named kinds of cache.track_features)
# ---------------------------------------------------------------------------
def test_seconds_to_frames():
    assert F.seconds_to_frames(3.0) == 129 and F.seconds_to_frames(3.0, hop_length=1024) == 65
    assert F.seconds_to_frames(1.0, sr=16000, hop_length=160) == 100


def test_feature_kinds_are_the_log_mel_mfcc_and_summary_of_this_module():
    import librosa

    assert F.FEATURE_KINDS == {"logmel": F.logmel_features, "mfcc": F.mfcc_features, "summary": F.summary_vector}
    y = (np.random.default_rng(4).standard_normal(SR) * 0.1).astype(np.float32)
    L = F.logmel_features(y, SR, n_mels=64, dtype="float32")
    np.testing.assert_allclose(L, F.log_mel(y, sr=SR, n_mels=64), atol=2e-3)
    assert F.logmel_features(y, SR, n_mels=64).dtype == np.float16
    assert F.logmel_features(y, SR, seconds=2.0).shape == (128, 1 + 2 * SR // 512)     # padded to 2 s
    M = F.mfcc_features(y, SR, n_mfcc=13)
    np.testing.assert_allclose(M, librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13), rtol=1e-4, atol=2e-2)
    v = F.summary_vector(y, SR)
    assert v.shape == (57,) and v.dtype == np.float64
    assert v[F.SUMMARY_FEATURE_NAMES.index("tempo")] == pytest.approx(F.summary_features(y, SR)["tempo"])


# --------------------------------------------------------------------------- ground truth where a dataset has it (nb02)
def test_known_tempo_and_key_reads_only_what_the_table_records():
    import pandas as pd

    toy_row = pd.Series({"track_id": "blues.00000", "tempo": 96.0, "key": "E minor"})
    assert F.known_tempo_and_key(toy_row) == "96 BPM, key E minor (the dataset's ground truth)"
    assert F.known_tempo_and_key(pd.Series({"track_id": "x", "tempo": 120.0, "key": float("nan")})) == \
        "120 BPM (the dataset's ground truth)"
    assert F.known_tempo_and_key(pd.Series({"track_id": "000002", "genre": "Hip-Hop"})) == ""


def test_tempo_check_with_and_without_ground_truth():
    import pandas as pd

    tracks = pd.DataFrame({"track_id": ["a", "b", "c", "d"], "tempo": [120.0, 90.0, 100.0, 80.0]})
    estimated = pd.Series([123.0, 180.0, 50.0, 80.0], index=["a", "b", "c", "d"])
    table, summary = F.tempo_check(estimated, tracks)
    assert list(table.index) == ["c", "d", "a", "b"] and list(table["ratio"]) == [0.5, 1.0, 1.02, 2.0]
    assert summary == "estimate within 5% of the true tempo for 2 of 4 tracks (50%)"
    _, strict = F.tempo_check(estimated, tracks, tolerance=0.01)
    assert "for 1 of 4 tracks (25%)" in strict
    table, summary = F.tempo_check(estimated, tracks.drop(columns="tempo"))
    assert list(table.columns) == ["estimated"] and table["estimated"].is_monotonic_increasing
    assert summary == "this dataset records no true tempo: 4 estimates only, from 50 to 180 BPM (median 102)"
    with pytest.raises(ValueError, match="tolerance"):
        F.tempo_check(estimated, tracks, tolerance=0)


def test_per_genre_keeps_artists_apart_and_counts_unknown_artists_alone():
    tracks = pd.DataFrame({"track_id": [f"t{i}" for i in range(8)],
                           "genre": ["a", "a", "a", "a", "b", "b", "b", "b"],
                           "artist": ["x", "x", "y", "z", None, None, "w", "w"]})
    assert F.per_genre(tracks, 2)["track_id"].tolist() == ["t0", "t2", "t4", "t5"]
    assert F.per_genre(tracks, 5)["track_id"].tolist() == ["t0", "t2", "t3", "t4", "t5", "t6"]
    assert F.per_genre(tracks, 5, per_artist=2)["track_id"].tolist() == [f"t{i}" for i in range(8)]
    no_artists = tracks.drop(columns="artist")
    assert F.per_genre(no_artists, 3)["track_id"].tolist() == ["t0", "t1", "t2", "t4", "t5", "t6"]
    assert list(F.per_genre(tracks, 1).columns) == ["track_id", "genre", "artist"]
    with pytest.raises(ValueError, match="per_artist"):
        F.per_genre(tracks, 2, per_artist=0)
