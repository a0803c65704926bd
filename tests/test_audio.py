"""mgc_helpers.audio: loading (vs librosa.load on real files), bad inputs, cutting, loudness, playback."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mgc_helpers import audio
from mgc_helpers.audio import AudioLoadError

SR = 22050
REAL_AUDIO = Path(__file__).resolve().parents[2] / "shared" / "real_audio"


def _sine(freq=440.0, seconds=1.0, sr=SR, amplitude=0.5):
    t = np.arange(int(seconds * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture()
def sine_wav(tmp_path) -> Path:
    path = tmp_path / "sine.wav"
    sf.write(path, _sine(seconds=2.0), SR, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def real_audio() -> Path:
    if not REAL_AUDIO.is_dir():
        pytest.skip("../shared/real_audio is not beside this checkout (only developers and CI have it)")
    return REAL_AUDIO


# --------------------------------------------------------------------------- real files vs librosa
def _librosa_load(path, **kw):
    import librosa

    return librosa.load(path=str(path), **kw)


@pytest.mark.parametrize(
    "relpath, kw",
    [
        ("gtzan_samples/blues.00000.wav", {}),
        ("gtzan_samples/metal.00000.wav", {"offset": 3.5, "duration": 5.0}),
        ("cc_music/Brahms_-_Hungarian_Dance_5.ogg", {"duration": 10.0}),
        ("cc_music/admiralbob77_-_Choice_-_Drum-bass.ogg", {}),  # 44.1 kHz stereo -> 22050 mono
        ("cc_music/Kevin_MacLeod_-_Vibe_Ace.ogg", {"offset": 10.0, "duration": 8.0}),  # 44.1 kHz stereo
    ],
)
def test_load_matches_librosa_on_real_files(real_audio, relpath, kw):
    path = real_audio / relpath
    y, sr = audio.load(path, **kw)
    ref, ref_sr = _librosa_load(path, sr=22050, mono=True, **kw)
    assert sr == ref_sr == 22050
    assert y.dtype == np.float32 and y.ndim == 1
    assert y.shape == ref.shape
    assert np.max(np.abs(y - ref)) < 1e-3
    assert np.corrcoef(y, ref)[0, 1] > 0.999


def test_load_real_stereo_native_rate_and_channels(real_audio):
    path = real_audio / "cc_music" / "admiralbob77_-_Choice_-_Drum-bass.ogg"
    info = sf.info(str(path))
    assert (info.samplerate, info.channels) == (44100, 2)
    y, sr = audio.load(path, sr=None, mono=False, duration=2.0)
    ref, _ = _librosa_load(path, sr=None, mono=False, duration=2.0)
    assert sr == 44100 and y.shape == ref.shape == (2, 88200)
    np.testing.assert_allclose(y, ref, atol=1e-6)
    mono, _ = audio.load(path, sr=None, duration=2.0)
    np.testing.assert_allclose(mono, y.mean(axis=0), atol=1e-6)


def test_gtzan_length_and_fix_length(real_audio):
    y, sr = audio.load(real_audio / "gtzan_samples" / "jazz.00000.wav")
    assert sr == 22050 and 29.9 < len(y) / sr < 30.2
    cut = audio.fix_length(y, sr, seconds=29.12)
    assert cut.shape == (642096,)
    np.testing.assert_array_equal(cut, y[:642096])


# --------------------------------------------------------------------------- synthetic files
def test_load_wav_resamples_like_librosa(tmp_path):
    import librosa

    path = tmp_path / "sine48k.wav"
    sf.write(path, _sine(1000.0, 1.0, sr=48000), 48000)
    y, sr = audio.load(path)
    ref = librosa.resample(_sine(1000.0, 1.0, sr=48000), orig_sr=48000, target_sr=SR, res_type="soxr_hq")
    assert sr == SR and y.shape == (SR,)
    np.testing.assert_allclose(y, ref, atol=1e-4)
    y16, sr16 = audio.load(path, sr=16000)
    assert sr16 == 16000 and len(y16) == 16000


@pytest.mark.parametrize("fmt, ext", [("AU", "au"), ("FLAC", "flac"), ("OGG", "ogg"), ("MP3", "mp3")])
def test_load_other_formats(tmp_path, fmt, ext):
    if fmt not in sf.available_formats():
        pytest.skip(f"this libsndfile cannot write {fmt}")
    path = tmp_path / f"sine.{ext}"
    x = _sine(440.0, 1.0)
    sf.write(path, x, SR, format=fmt)
    y, sr = audio.load(path)
    assert sr == SR and y.dtype == np.float32
    assert abs(len(y) - SR) < 0.1 * SR  # lossy codecs add a little padding
    assert abs(audio.rms_db(y) - audio.rms_db(x)) < 1.0


def test_offset_and_duration(sine_wav):
    full, _ = audio.load(sine_wav)
    part, sr = audio.load(sine_wav, offset=0.5, duration=1.0)
    assert len(part) == sr
    np.testing.assert_allclose(part, full[sr // 2: sr // 2 + sr], atol=1e-6)
    tail, _ = audio.load(sine_wav, offset=1.5, duration=10.0)  # duration past the end: up to the end
    assert len(tail) == len(full) - int(1.5 * SR)


def test_fallback_reader_is_used_when_soundfile_fails(sine_wav, monkeypatch):
    expected, _ = audio.load(sine_wav, offset=0.25)

    def broken(*args, **kwargs):
        raise RuntimeError("soundfile cannot read this")

    monkeypatch.setattr(audio, "_read_soundfile", broken)
    y, sr = audio.load(sine_wav, offset=0.25)
    assert sr == SR
    np.testing.assert_allclose(y, expected, atol=1e-6)


def test_silent_file_loads_and_is_silent(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(SR, dtype=np.float32), SR)
    y, _ = audio.load(path)
    assert len(y) == SR and not np.any(y)
    assert audio.is_silent(y)
    assert not audio.is_silent(_sine())
    assert audio.is_silent(_sine(amplitude=1e-4))  # about -83 dBFS
    assert not audio.is_silent(_sine(amplitude=1e-4), threshold_db=-90.0)


# --------------------------------------------------------------------------- bad inputs
def _bad_files(tmp_path: Path, sine_wav: Path) -> dict[str, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = sine_wav.read_bytes()
    files = {
        "missing": tmp_path / "does_not_exist.wav",
        "directory": tmp_path / "a_folder.wav",
        "empty": tmp_path / "empty.wav",
        "text": tmp_path / "notes.wav",
        "truncated_header": tmp_path / "truncated_header.wav",
        "header_only": tmp_path / "header_only.wav",
        "garbage_flac": tmp_path / "garbage.flac",
    }
    files["directory"].mkdir()
    files["empty"].write_bytes(b"")
    files["text"].write_text("This is a text file, renamed to .wav by mistake.\n" * 20)
    files["truncated_header"].write_bytes(data[:20])  # cut inside the 'fmt ' chunk
    files["header_only"].write_bytes(data[:44])  # a valid header, zero samples
    files["garbage_flac"].write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)))
    return files


@pytest.mark.parametrize(
    "case, reason",
    [
        ("missing", "does not exist"),
        ("directory", "directory"),
        ("empty", "empty (0 bytes)"),
        ("text", "not a readable audio file"),
        ("truncated_header", "corrupt"),
        ("header_only", "zero audio samples"),
        ("garbage_flac", "not a readable audio file"),
    ],
)
def test_bad_inputs_raise_audio_load_error(tmp_path, sine_wav, case, reason, capsys):
    path = _bad_files(tmp_path, sine_wav)[case]
    with pytest.raises(AudioLoadError) as info:
        audio.load(path)
    message = str(info.value)
    assert path.name in message and reason in message
    assert isinstance(info.value, ValueError) and info.value.path == path
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


def test_audio_load_error_survives_pickling(tmp_path):
    import pickle

    with pytest.raises(AudioLoadError) as info:
        audio.load(tmp_path / "gone.wav")
    copy = pickle.loads(pickle.dumps(info.value))  # as joblib workers send it back
    assert isinstance(copy, AudioLoadError) and str(copy) == str(info.value) and copy.path == info.value.path


def test_library_errors_are_chained(tmp_path, sine_wav):
    path = _bad_files(tmp_path, sine_wav)["text"]
    with pytest.raises(AudioLoadError) as info:
        audio.load(path)
    assert info.value.__cause__ is not None
    assert "text file" in str(info.value)
    with pytest.raises(AudioLoadError) as info:
        audio.load(_bad_files(tmp_path / "again", sine_wav)["garbage_flac"])  # not text: libsndfile's words
    assert info.value.__cause__ is not None and "soundfile said" in str(info.value)


def test_truncated_data_loads_what_is_there(tmp_path, sine_wav):
    data = sine_wav.read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(data[: 44 + 2 * 1000])  # header + 1000 16-bit samples
    with pytest.warns(UserWarning, match="truncated"):
        y, _ = audio.load(path, sr=None)
    full, _ = audio.load(sine_wav, sr=None)
    assert len(y) == 1000
    np.testing.assert_allclose(y, full[:1000])


def test_offset_beyond_end(sine_wav):
    with pytest.raises(AudioLoadError, match=r"sine\.wav.*offset=5 s is beyond the end.*2\.00 s"):
        audio.load(sine_wav, offset=5.0)
    with pytest.raises(AudioLoadError, match="beyond the end"):
        audio.load(sine_wav, offset=2.0)


def test_offset_beyond_end_in_fallback_reader(sine_wav, monkeypatch):
    monkeypatch.setattr(audio, "_read_soundfile", lambda *a: (_ for _ in ()).throw(RuntimeError("no")))
    with pytest.raises(AudioLoadError, match=r"sine\.wav.*zero audio samples after offset=5 s"):
        audio.load(sine_wav, offset=5.0)


def test_non_finite_samples_are_rejected(tmp_path):
    path = tmp_path / "nan.wav"
    x = _sine()
    x[100] = np.nan
    sf.write(path, x, SR, subtype="FLOAT")
    with pytest.raises(AudioLoadError, match=r"nan\.wav.*NaN"):
        audio.load(path)


@pytest.mark.parametrize("kw", [{"offset": -1.0}, {"duration": 0.0}, {"sr": 0}])
def test_invalid_arguments(sine_wav, kw):
    with pytest.raises(ValueError):
        audio.load(sine_wav, **kw)


# --------------------------------------------------------------------------- cutting
def test_fix_length_pads_and_trims():
    y = np.arange(10, dtype=np.float32) + 1
    padded = audio.fix_length(y, 10, seconds=1.5)
    np.testing.assert_array_equal(padded, np.r_[y, np.zeros(5)])
    np.testing.assert_array_equal(audio.fix_length(y, 10, seconds=0.4), y[:4])
    assert audio.fix_length(y, 10, seconds=0.4).base is None  # a copy, not a view
    stereo = np.ones((2, 10), dtype=np.float32)
    assert audio.fix_length(stereo, 10, seconds=2.0).shape == (2, 20)
    assert audio.fix_length(np.zeros(642096 + 50), 22050, seconds=29.12).shape == (642096,)
    with pytest.raises(ValueError):
        audio.fix_length(y, 10, seconds=-1)


def test_segments_shapes_hop_and_times():
    sr = 100
    y = np.arange(1050, dtype=np.float32)  # 10.5 s
    seg = audio.segments(y, sr, seconds=3.0)
    assert seg.shape == (3, 300) and seg.dtype == np.float32
    np.testing.assert_array_equal(seg[1], y[300:600])
    np.testing.assert_array_equal(audio.segment_times(y, sr, seconds=3.0), [0.0, 3.0, 6.0])

    over = audio.segments(y, sr, seconds=3.0, hop_seconds=1.5)
    assert over.shape == (6, 300)  # starts 0, 1.5, ..., 7.5 s
    np.testing.assert_array_equal(over[3], y[450:750])
    np.testing.assert_allclose(audio.segment_times(y, sr, seconds=3.0, hop_seconds=1.5), np.arange(6) * 1.5)

    padded = audio.segments(y, sr, seconds=3.0, pad=True)
    assert padded.shape == (4, 300)
    np.testing.assert_array_equal(padded[3, :150], y[900:])
    assert not np.any(padded[3, 150:])
    assert len(audio.segment_times(y, sr, seconds=3.0, pad=True)) == 4

    over_padded = audio.segments(y, sr, seconds=3.0, hop_seconds=2.0, pad=True)
    assert over_padded.shape == (5, 300)  # last starts at 8 s and covers the end
    np.testing.assert_array_equal(over_padded[-1, :250], y[800:])


def test_segments_exact_fit_and_short_clips():
    y = np.ones(600, dtype=np.float32)
    assert audio.segments(y, 100, seconds=3.0).shape == (2, 300)
    assert audio.segments(y, 100, seconds=3.0, pad=True).shape == (2, 300)  # nothing left to pad
    short = np.ones(120, dtype=np.float32)
    assert audio.segments(short, 100, seconds=3.0).shape == (0, 300)
    assert audio.segment_times(short, 100, seconds=3.0).shape == (0,)
    one = audio.segments(short, 100, seconds=3.0, pad=True)
    assert one.shape == (1, 300) and one[0, :120].all() and not one[0, 120:].any()
    assert audio.segments(np.zeros(0), 100, seconds=1.0, pad=True).shape == (0, 100)


def test_non_overlapping_segments_reproduce_the_signal():
    y = np.random.default_rng(0).standard_normal(SR * 7).astype(np.float32)
    seg = audio.segments(y, SR, seconds=3.0)
    np.testing.assert_array_equal(seg.ravel(), y[: seg.size])
    seg_p = audio.segments(y, SR, seconds=3.0, pad=True)
    np.testing.assert_array_equal(seg_p.ravel()[: len(y)], y)


def test_segments_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mono"):
        audio.segments(np.zeros((2, 100)), 100, seconds=0.5)
    with pytest.raises(ValueError, match="shorter than one sample"):
        audio.segments(np.zeros(100), 100, seconds=0.001)
    with pytest.raises(ValueError, match="hop_seconds"):
        audio.segments(np.zeros(100), 100, seconds=0.5, hop_seconds=0.0)


# --------------------------------------------------------------------------- loudness and playback
def test_rms_db_reference_values():
    assert audio.rms_db(_sine(amplitude=1.0)) == pytest.approx(20 * np.log10(1 / np.sqrt(2)), abs=1e-3)
    assert audio.rms_db(np.full(100, 0.1)) == pytest.approx(-20.0)
    assert audio.rms_db(np.zeros(10)) == pytest.approx(-200.0)
    assert audio.rms_db(np.zeros(0)) == pytest.approx(-200.0)


@pytest.mark.parametrize("target", [-20.0, -30.0, -12.5])
def test_normalize_loudness_hits_the_target(target):
    y = _sine(amplitude=0.05)
    out = audio.normalize_loudness(y, target_db=target)
    assert out.dtype == np.float32 and out.shape == y.shape
    assert audio.rms_db(out) == pytest.approx(target, abs=1e-3)
    assert np.corrcoef(out, y)[0, 1] > 0.9999  # only a gain


def test_normalize_loudness_leaves_silence_silent():
    silent = np.zeros(1000, dtype=np.float32)
    out = audio.normalize_loudness(silent)
    assert np.all(np.isfinite(out)) and not out.any()
    assert out is not silent


def _wav_of(player) -> tuple[int, np.ndarray]:
    """Sample rate and int16 samples of the WAV that IPython's Audio embeds."""
    import io

    data, rate = sf.read(io.BytesIO(player.data), dtype="int16")
    return rate, data


def test_play_returns_audio_with_the_rate():
    from IPython.display import Audio

    player = audio.play(_sine(), SR)
    assert isinstance(player, Audio) and player.data[:4] == b"RIFF"
    rate, data = _wav_of(player)
    assert rate == SR and len(data) == SR
    assert np.abs(data).max() >= 32000  # normalised to full scale

    rate, quiet = _wav_of(audio.play(_sine(amplitude=0.01), 16000, normalize=False))
    assert rate == 16000 and np.abs(quiet).max() <= 330  # true (quiet) level kept
    rate, loud = _wav_of(audio.play(np.full(100, 3.0), 8000, normalize=False))  # clipped, not an error
    assert rate == 8000 and loud.max() == 32767
    rate, silent = _wav_of(audio.play(np.zeros(100), SR))  # no division by zero
    assert rate == SR and not silent.any()
    with pytest.raises(ValueError):
        audio.play(np.zeros(0), SR)


# --------------------------------------------------------------------------- the one segment rule
def test_segment_starts_rule_for_whole_partial_and_short_clips():
    assert audio.segment_starts(10, length=4).tolist() == [0, 4]
    assert audio.segment_starts(10, length=4, hop=3).tolist() == [0, 3, 6]
    assert audio.segment_starts(10, length=4, pad=True).tolist() == [0, 4, 8]
    assert audio.segment_starts(11, length=4, hop=3, pad=True).tolist() == [0, 3, 6, 9]
    assert audio.segment_starts(10, length=4, hop=3, pad=True).tolist() == [0, 3, 6]  # 6 + 4 reaches the end
    assert audio.segment_starts(8, length=4, pad=True).tolist() == [0, 4]  # nothing left over
    assert audio.segment_starts(10, length=4, pad="short").tolist() == [0, 4]  # a tail is not padded
    # a clip shorter than one segment: none, or exactly one at 0 that the caller pads
    assert audio.segment_starts(3, length=4).tolist() == []
    assert audio.segment_starts(3, length=4, pad="short").tolist() == [0]
    assert audio.segment_starts(3, length=4, pad=True).tolist() == [0]
    assert audio.segment_starts(0, length=4, pad=True).tolist() == []
    assert audio.segment_starts(4, length=4).tolist() == [0]


def test_segment_starts_random_are_reproducible_in_range_and_follow_the_short_rule():
    a = audio.segment_starts(100, length=10, n_random=4, seed=1, salt=7)
    assert len(a) == 4 and list(a) == sorted(a) and a.min() >= 0 and a.max() <= 90
    np.testing.assert_array_equal(a, audio.segment_starts(100, length=10, n_random=4, seed=1, salt=7))
    assert not np.array_equal(a, audio.segment_starts(100, length=10, n_random=4, seed=1, salt=8))
    assert audio.segment_starts(5, length=10, n_random=4).tolist() == []
    assert audio.segment_starts(5, length=10, n_random=4, pad="short").tolist() == [0]


def test_segment_starts_rejects_bad_arguments():
    for kwargs in ({"length": 0}, {"length": 4, "hop": 0}, {"length": 4, "pad": "yes"},
                   {"length": 4, "n_random": -1}):
        with pytest.raises(ValueError):
            audio.segment_starts(10, **kwargs)


def test_cut_pads_only_when_needed_and_keeps_dtype():
    a = np.arange(12, dtype=np.float16).reshape(2, 6)
    np.testing.assert_array_equal(audio.cut(a, 2, length=3), a[:, 2:5])
    short = audio.cut(a, 4, length=4)
    assert short.shape == (2, 4) and short.dtype == np.float16
    np.testing.assert_array_equal(short, [[4, 5, 0, 0], [10, 11, 0, 0]])


# --------------------------------------------------------------------------- issue 14: what load says about bad files
def test_a_file_this_user_may_not_read_says_permission(tmp_path, sine_wav, monkeypatch):
    # root may read everything, so the operating system's refusal is simulated where load opens the file
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(audio, "open", refuse, raising=False)
    with pytest.raises(AudioLoadError, match=r"sine\.wav.*permission denied: this user may not read the file"):
        audio.load(sine_wav)


def test_a_text_file_named_mp3_is_called_a_text_file_not_missing(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_text("<html><body>404 Not Found</body></html>\n" * 30)
    with pytest.raises(AudioLoadError) as info:
        audio.load(path)
    message = str(info.value)
    assert "does not exist" not in message
    assert "not a readable audio file but a text file" in message and "<html><body>404" in message


def test_a_broken_mp3_is_not_called_missing_and_mpg123_writes_nothing_to_stderr(tmp_path, capfd):
    good = tmp_path / "good.mp3"
    sf.write(good, _sine(seconds=1.0), SR, format="MP3")
    noise = np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8).tobytes()
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(good.read_bytes()[:200] + b"\x00" * 50 + noise)
    with pytest.raises(AudioLoadError) as info:
        audio.load(broken)
    message = str(info.value)
    assert "does not exist" not in message and "not a readable audio file" in message
    assert "MP3 decoder said" in message and "Illegal Audio-MPEG-Header" in message
    err = capfd.readouterr().err                                # file-descriptor level: what a notebook would show
    assert "Illegal Audio-MPEG-Header" not in err and "resync" not in err
    y, sr = audio.load(good)                                   # stderr is restored afterwards
    assert sr == SR and len(y) > 0.9 * SR
    import os

    os.write(2, b"still here\n")
    assert "still here" in capfd.readouterr().err


def test_a_wav_cut_short_is_reported_as_truncated(tmp_path, sine_wav):
    path = tmp_path / "cut.wav"
    path.write_bytes(sine_wav.read_bytes()[: 44 + 2 * 1000])
    with pytest.warns(UserWarning, match=r"cut\.wav' is truncated: its header promises 2\.00 s .* only 0\.05 s"):
        y, _ = audio.load(path, sr=None)
    assert len(y) == 1000
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")                          # a complete file does not warn
        audio.load(sine_wav, sr=None)


def test_mpg123_capture_is_shared_by_threads_and_restored(tmp_path, capfd):
    from concurrent.futures import ThreadPoolExecutor

    good = tmp_path / "good.mp3"
    sf.write(good, _sine(seconds=1.0), SR, format="MP3")
    noise = np.random.default_rng(1).integers(0, 256, 3000, dtype=np.uint8).tobytes()
    broken = []
    for i in range(8):
        broken.append(tmp_path / f"broken{i}.mp3")
        broken[-1].write_bytes(good.read_bytes()[:200] + b"\x00" * 50 + noise)

    def one(path):
        try:
            audio.load(path)
        except AudioLoadError as exc:
            return str(exc)
        return "loaded"

    with ThreadPoolExecutor(4) as pool:
        said = list(pool.map(one, broken + [good] * 4))
    assert all("Illegal Audio-MPEG-Header" in m for m in said[:8]) and said[8:] == ["loaded"] * 4
    assert audio._STDERR["depth"] == 0 and audio._STDERR["saved"] is None
    import os

    os.write(2, b"fd 2 is back\n")
    err = capfd.readouterr().err
    assert "Illegal" not in err and "fd 2 is back" in err
