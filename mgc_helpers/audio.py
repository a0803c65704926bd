"""Reading, cutting, measuring and listening to audio.

Taught in notebook 01 (*Audio basics and the Fourier transform*). Every other
module starts from the ``(y, sr)`` pair returned by :func:`load`: a 1-D
``float32`` NumPy array of samples in ``[-1, 1]`` and its sample rate in Hz.

Examples
--------
>>> y, sr = load("blues.00000.wav", duration=5.0)        # doctest: +SKIP
>>> clips = segments(y, sr, seconds=3.0, hop_seconds=1.5)  # doctest: +SKIP
>>> play(normalize_loudness(y), sr)                         # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import math
import os
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np

__all__ = [
    "AudioLoadError",
    "load",
    "is_silent",
    "fix_length",
    "segments",
    "segment_times",
    "segment_starts",
    "cut",
    "rms_db",
    "normalize_loudness",
    "play",
]

#: Smallest RMS amplitude used by :func:`rms_db` (-200 dBFS), so silence gives a finite level.
RMS_FLOOR = 1e-10
#: Resampler used by :func:`load`; the same as ``librosa.load``'s default.
RES_TYPE = "soxr_hq"


class AudioLoadError(ValueError):
    """An audio file could not be loaded; the message names the file and the reason.

    Taught in notebook 01. It is a :class:`ValueError`, so ``except ValueError``
    also catches it.
    """

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Cannot load audio file '{self.path}': {reason}")

    def __reduce__(self) -> tuple[type, tuple[Path, str]]:
        # picklable, so that errors raised in joblib worker processes reach the caller intact
        return (type(self), (self.path, self.reason))


# --------------------------------------------------------------------------- loading
#: How many bytes of a file :func:`load` looks at to tell text from audio.
_HEAD_BYTES = 64


def _head(path: Path) -> bytes:
    """The first bytes of ``path``; a file this user may not read is an :class:`AudioLoadError` that says so."""
    try:
        with open(path, "rb") as f:
            return f.read(_HEAD_BYTES)
    except PermissionError:
        raise AudioLoadError(
            path, "permission denied: this user may not read the file (check its permissions, e.g. `ls -l`)"
        ) from None


def _check_path(path: Path) -> bytes:
    """Raise :class:`AudioLoadError` for paths that cannot hold audio at all; else return the first bytes."""
    if not path.exists():
        raise AudioLoadError(path, "the file does not exist (check the path and the working directory)")
    if path.is_dir():
        raise AudioLoadError(path, "this is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise AudioLoadError(path, "the file is empty (0 bytes); it was probably not downloaded completely")
    return _head(path)


def _looks_like_text(head: bytes) -> bool:
    """Printable ASCII / UTF-8 throughout: an HTML error page or a note saved under an audio name."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(text) and all(c.isprintable() or c in "\r\n\t" for c in text)


def _is_mpeg(path: Path, head: bytes) -> bool:
    """MP3 data (by name, ID3 tag or frame sync): decoded by mpg123, which writes notes to the C stderr."""
    sync = len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    return path.suffix.lower() in (".mp3", ".mp2", ".mpga") or head.startswith(b"ID3") or sync


_STDERR_LOCK = threading.Lock()
#: The redirection of file descriptor 2 shared by the blocks of :func:`_c_stderr_captured` open right now.
_STDERR: dict[str, Any] = {"depth": 0, "saved": None, "file": None}


@contextlib.contextmanager
def _c_stderr_captured() -> Iterator[list[str]]:
    """Catch what C libraries (mpg123's "Note: Illegal Audio-MPEG-Header...") write to file descriptor 2.

    They would otherwise land in the terminal or the notebook, outside Python's
    control. The lines written while the block runs are put into the yielded list when
    it ends. File descriptor 2 belongs to the whole process, so blocks running at the
    same time in several threads share one redirection (restored when the last ends)
    and may see each other's lines; nobody waits for anybody.
    """
    lines: list[str] = []
    with _STDERR_LOCK:
        if _STDERR["depth"] == 0:
            try:
                saved = os.dup(2)
            except OSError:  # no file descriptor 2 at all: nothing can leak
                saved = None
            if saved is not None:
                try:
                    tmp = tempfile.TemporaryFile()
                except OSError:  # no room for a temporary file: let the notes through rather than fail
                    os.close(saved)
                else:
                    os.dup2(tmp.fileno(), 2)
                    _STDERR.update(saved=saved, file=tmp)
        _STDERR["depth"] += 1
        tmp = _STDERR["file"]
        start = os.lseek(2, 0, os.SEEK_CUR) if tmp is not None else 0
    try:
        yield lines
    finally:
        with _STDERR_LOCK:
            if tmp is not None:
                end = os.lseek(2, 0, os.SEEK_CUR)
                text = os.pread(tmp.fileno(), max(0, end - start), start)
                lines += [ln for ln in text.decode("utf-8", "replace").splitlines() if ln.strip()]
            _STDERR["depth"] -= 1
            if _STDERR["depth"] == 0 and _STDERR["saved"] is not None:
                os.dup2(_STDERR["saved"], 2)
                os.close(_STDERR["saved"])
                _STDERR["file"].close()
                _STDERR.update(saved=None, file=None)


def _truncation(path: Path, sf_info: Any) -> str | None:
    """What libsndfile noticed about a cut-short WAV/AIFF: its header promises more data than the file holds."""
    import re

    match = re.search(r"^data\s*:\s*(\d+)\s*\(should be (\d+)\)", sf_info.extra_info or "", flags=re.MULTILINE)
    if match is None or int(match.group(2)) >= int(match.group(1)):
        return None
    promised, present = int(match.group(1)), int(match.group(2))
    rate_bytes = max(1, sf_info.samplerate * sf_info.channels * _bytes_per_sample(sf_info.subtype))
    return (f"truncated: its header promises {promised / rate_bytes:.2f} s of audio but the file holds only "
            f"{present / rate_bytes:.2f} s (an incomplete download or copy)")


def _bytes_per_sample(subtype: str) -> int:
    return {"PCM_S8": 1, "PCM_U8": 1, "PCM_16": 2, "PCM_24": 3, "PCM_32": 4, "FLOAT": 4, "DOUBLE": 8}.get(subtype, 2)


def _truncated(path: str | os.PathLike) -> str | None:
    """Why a WAV/AIFF/AU file is cut short (``None`` if it is not, or if the format cannot tell).

    Used by :func:`load` (a warning) and by :func:`mgc_helpers.datasets.folder.probe_file`.
    """
    import soundfile as sf

    try:
        return _truncation(Path(path), sf.info(str(path)))
    except Exception:
        return None


def _read_soundfile(path: Path, offset: float, duration: float | None) -> tuple[np.ndarray, int]:
    """Read ``(frames, channels)`` float32 samples with soundfile (WAV, FLAC, OGG, AU, MP3...)."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        sr_native = int(f.samplerate)
        start = int(offset * sr_native)
        if offset and f.frames > 0 and start >= f.frames:
            raise AudioLoadError(
                path, f"offset={offset:g} s is beyond the end of the file ({f.frames / sr_native:.2f} s long)"
            )
        if start:
            f.seek(start)
        frames = -1 if duration is None else int(duration * sr_native)
        y = f.read(frames=frames, dtype="float32", always_2d=True)
    return y, sr_native


def _read_fallback(path: Path, offset: float, duration: float | None) -> tuple[np.ndarray, int]:
    """Read with ``librosa.load`` at the native rate (it tries audioread for formats soundfile lacks)."""
    import librosa

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "PySoundFile failed. Trying audioread instead." / deprecations
        y, sr_native = librosa.load(path=str(path), sr=None, mono=False, offset=offset, duration=duration)
    y = np.asarray(y, dtype=np.float32)
    return (y[:, None] if y.ndim == 1 else y.T), int(sr_native)


def _soundfile_detail(error: BaseException, path: Path) -> str:
    """soundfile's message, minus libsndfile's "File does not exist" for files that exist but do not parse."""
    detail = str(error).strip() or type(error).__name__
    if "does not exist" in detail and path.exists():
        return "it could not parse the file as audio"
    return detail


def _decode(path: Path, offset: float, duration: float | None, head: bytes) -> tuple[np.ndarray, int]:
    """Decode with soundfile, then the fallback; turn every library error into :class:`AudioLoadError`."""
    quiet = _c_stderr_captured() if _is_mpeg(path, head) else contextlib.nullcontext([])
    with quiet as notes:
        try:
            return _read_soundfile(path, offset, duration)
        except AudioLoadError:
            raise
        except Exception as sf_error:  # soundfile.LibsndfileError, RuntimeError, ...
            first = sf_error
        try:
            return _read_fallback(path, offset, duration)
        except Exception as fallback_error:
            second = fallback_error
    if _looks_like_text(head):
        shown = head.decode("utf-8").strip().splitlines()[0][:40]
        reason = (f"it is not a readable audio file but a text file (it starts with {shown!r}): "
                  "perhaps an error page saved under an audio name")
    else:
        reason = ("it is not a readable audio file (not an audio format, or its header is corrupt/truncated). "
                  f"soundfile said: {_soundfile_detail(first, path)}")
        if notes:
            reason += f"; the MP3 decoder said: {' / '.join(dict.fromkeys(notes))[:300]}"
    raise AudioLoadError(path, reason) from second


def load(
    path: str | os.PathLike,
    *,
    sr: int | None = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
) -> tuple[np.ndarray, int]:
    """Load an audio file as float32 samples, resampled and downmixed like ``librosa.load``.

    Taught in notebook 01. soundfile (libsndfile) decodes WAV, FLAC, OGG, AU, AIFF
    and MP3 quickly; other formats fall back to ``librosa.load`` (audioread).
    Resampling uses ``librosa.resample`` with ``res_type="soxr_hq"`` (librosa's
    default), and stereo is downmixed by averaging the channels, so the result
    matches ``librosa.load(path=..., sr=sr, mono=mono)``.

    Parameters
    ----------
    path : str or os.PathLike
        Audio file.
    sr : int or None, optional
        Target sample rate in Hz (default 22050, GTZAN's); ``None`` keeps the file's rate.
    mono : bool, optional
        Average the channels into one (default). With ``mono=False`` a multi-channel
        file gives shape ``(channels, samples)``.
    offset : float, optional
        Start reading this many seconds into the file.
    duration : float or None, optional
        Read at most this many seconds (``None``: to the end).

    Returns
    -------
    y : numpy.ndarray
        ``float32`` samples, shape ``(samples,)`` (or ``(channels, samples)``).
    sr : int
        Sample rate of ``y`` in Hz.

    Raises
    ------
    AudioLoadError
        The file is missing, a directory, empty, not readable by this user, not audio
        (a text file is named as such), corrupt, decodes to zero samples, or ``offset``
        lies beyond its end. The message names the file (and, for MP3, what the
        decoder said: mpg123's notes are captured, never printed).
        A *silent* file loads fine: test it with :func:`is_silent`.

    Warns
    -----
    UserWarning
        A WAV/AIFF/AU file whose header promises more samples than it holds
        (truncated): what is there is returned.
    """
    path = Path(path)
    if offset < 0:
        raise ValueError(f"offset must be >= 0 seconds, got {offset}")
    if duration is not None and duration <= 0:
        raise ValueError(f"duration must be > 0 seconds (or None), got {duration}")
    if sr is not None and sr <= 0:
        raise ValueError(f"sr must be a positive sample rate in Hz (or None), got {sr}")
    head = _check_path(path)
    y, sr_native = _decode(path, offset, duration, head)
    cut_short = _truncated(path) if path.suffix.lower() in (".wav", ".aif", ".aiff", ".au", ".snd") else None
    if y.shape[0] == 0:
        where = f" after offset={offset:g} s" if offset else ""
        raise AudioLoadError(path, f"it decodes to zero audio samples{where}" + (f" ({cut_short})" if cut_short else ""))
    if cut_short:
        warnings.warn(f"'{path}' is {cut_short}; loading what is there", UserWarning, stacklevel=2)
    if not np.all(np.isfinite(y)):
        raise AudioLoadError(path, "it contains NaN or infinite sample values")
    y = y.T  # (channels, samples), librosa's layout
    y = y.mean(axis=0) if mono else (y[0] if y.shape[0] == 1 else y)
    if sr is not None and int(sr) != sr_native:
        import librosa

        y = librosa.resample(y, orig_sr=sr_native, target_sr=int(sr), res_type=RES_TYPE)
    return np.ascontiguousarray(y, dtype=np.float32), int(sr if sr is not None else sr_native)


# --------------------------------------------------------------------------- loudness
def rms_db(y: np.ndarray) -> float:
    """Root-mean-square level of a signal in dB relative to full scale (dBFS).

    Taught in notebook 01: ``20 * log10(sqrt(mean(y**2)))``. A full-scale sine is
    about -3 dBFS; digital silence (or an empty array) gives the floor of -200 dBFS
    (:data:`RMS_FLOOR`) instead of ``-inf``.

    Parameters
    ----------
    y : numpy.ndarray
        Samples (any shape).

    Returns
    -------
    float
        Level in dBFS.
    """
    y = np.asarray(y, dtype=np.float64)
    rms = math.sqrt(float(np.mean(y**2))) if y.size else 0.0
    return 20.0 * math.log10(max(rms, RMS_FLOOR))


def is_silent(y: np.ndarray, *, threshold_db: float = -60.0) -> bool:
    """Whether a signal's RMS level is below ``threshold_db`` dBFS.

    Taught in notebook 01 (a silent file loads fine; deciding what to do with it is
    the caller's job, e.g. skipping it when building a dataset).

    Parameters
    ----------
    y : numpy.ndarray
        Samples.
    threshold_db : float, optional
        Level in dBFS below which the signal counts as silent (default -60).

    Returns
    -------
    bool
    """
    return rms_db(y) < threshold_db


def normalize_loudness(y: np.ndarray, *, target_db: float = -20.0) -> np.ndarray:
    """Scale a signal so that its RMS level is ``target_db`` dBFS.

    Taught in notebook 01. Silence (RMS at or below the -200 dBFS floor) is
    returned unchanged (silent in, silent out, never NaN). Peaks may exceed 1 for
    high targets; :func:`play` normalises for listening anyway.

    Parameters
    ----------
    y : numpy.ndarray
        Samples.
    target_db : float, optional
        Wanted RMS level in dBFS (default -20).

    Returns
    -------
    numpy.ndarray
        A float32 copy of ``y`` at the target level.
    """
    y = np.asarray(y, dtype=np.float32)
    level = rms_db(y)
    if level <= 20.0 * math.log10(RMS_FLOOR):
        return y.copy()
    gain = 10.0 ** ((target_db - level) / 20.0)
    return (y.astype(np.float64) * gain).astype(np.float32)


# --------------------------------------------------------------------------- cutting
def fix_length(y: np.ndarray, sr: int, *, seconds: float) -> np.ndarray:
    """Trim or zero-pad (at the end) a signal to exactly ``seconds`` long.

    Taught in notebook 01 (GTZAN clips are ~30 s but not all the same length; the
    course cuts them to 29.12 s).

    Parameters
    ----------
    y : numpy.ndarray
        Samples, shape ``(samples,)`` (or ``(..., samples)``).
    sr : int
        Sample rate in Hz.
    seconds : float
        Wanted duration; the length is ``round(seconds * sr)`` samples.

    Returns
    -------
    numpy.ndarray
        Array of the same dtype with ``round(seconds * sr)`` samples on the last axis.
    """
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    y = np.asarray(y)
    size = int(round(seconds * sr))
    n = y.shape[-1]
    if n >= size:
        return y[..., :size].copy()
    pad = [(0, 0)] * (y.ndim - 1) + [(0, size - n)]
    return np.pad(y, pad)


def _window_and_hop(sr: int, seconds: float, hop_seconds: float | None) -> tuple[int, int]:
    win = int(round(seconds * sr))
    hop = win if hop_seconds is None else int(round(hop_seconds * sr))
    if win < 1:
        raise ValueError(f"seconds={seconds} is shorter than one sample at sr={sr}")
    if hop < 1:
        raise ValueError(f"hop_seconds={hop_seconds} is shorter than one sample at sr={sr}")
    return win, hop


def segment_starts(
    n: int,
    *,
    length: int,
    hop: int | None = None,
    pad: bool | str = False,
    n_random: int | None = None,
    seed: int = 0,
    salt: int = 0,
) -> np.ndarray:
    """Start positions (samples or frames) of the fixed-length segments of a clip: the course's one rule.

    Taught in notebook 01 (:func:`segments`); used for every segment the course cuts:
    audio windows (notebook 01), feature-table segments (notebook 03, reports 003/004)
    and network inputs (notebooks 04–08, :mod:`mgc_helpers.segments`).

    The rule: segments start at ``0, hop, 2*hop, ...`` as long as a **whole** segment
    fits. What happens at the end depends on ``pad``:

    - ``pad=False``: a last, incomplete segment is dropped, so a clip shorter than one
      segment has **no** segment;
    - ``pad="short"``: the same, except that a clip shorter than one segment gets exactly
      **one** segment at 0, which the caller zero-pads (:func:`cut`). Use it wherever a
      clip must not silently vanish (evaluation: every test clip gets a prediction);
    - ``pad=True``: one more, zero-padded segment covers what the whole segments leave
      at the end (so a short clip also gets one segment at 0).

    An empty clip (``n == 0``) never has a segment.

    Parameters
    ----------
    n : int
        Length of the clip (samples or frames).
    length : int, keyword-only
        Segment length, in the same unit; ``>= 1``.
    hop : int, optional, keyword-only
        Distance between starts (default ``length``: no overlap, no gap); ``>= 1``.
    pad : bool or "short", keyword-only
        See above.
    n_random : int, optional, keyword-only
        Instead of regular starts: this many random starts in ``[0, n - length]``, sorted
        (report 004 used four random 2-s clips per track); they may overlap. A clip shorter
        than one segment follows ``pad`` (one start at 0, or none).
    seed, salt : int, keyword-only
        Random seed of ``n_random``, and a per-clip value mixed into it (e.g. a hash of the
        track id), so each clip gets its own, reproducible starts.

    Returns
    -------
    numpy.ndarray of int, shape (n_segments,)

    Examples
    --------
    >>> segment_starts(10, length=4).tolist()
    [0, 4]
    >>> segment_starts(10, length=4, pad=True).tolist()
    [0, 4, 8]
    >>> segment_starts(3, length=4).tolist(), segment_starts(3, length=4, pad="short").tolist()
    ([], [0])
    """
    if pad not in (False, True, "short"):
        raise ValueError(f"pad must be False, True or 'short', got {pad!r}")
    length = int(length)
    if length < 1:
        raise ValueError(f"length must be >= 1, got {length}")
    step = length if hop is None else int(hop)
    if step < 1:
        raise ValueError(f"hop must be >= 1, got {hop}")
    n = int(n)
    if n <= 0:
        return np.zeros(0, dtype=int)
    if n < length:
        return np.zeros(1 if pad else 0, dtype=int)
    if n_random is not None:
        if int(n_random) < 0:
            raise ValueError(f"n_random must be >= 0, got {n_random}")
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(salt) & 0xFFFFFFFF])
        return np.sort(rng.integers(0, n - length + 1, size=int(n_random))).astype(int)
    starts = np.arange(0, n - length + 1, step, dtype=int)
    if pad is True and starts[-1] + length < n:
        starts = np.append(starts, starts[-1] + step)
    return starts


def cut(a: np.ndarray, start: int, *, length: int) -> np.ndarray:
    """``a[..., start:start + length]``, zero-padded at the end to exactly ``length`` (see :func:`segment_starts`).

    Used from notebook 01 on (the segments of a clip shorter than one segment, or the
    last segment of ``pad=True``).

    Parameters
    ----------
    a : numpy.ndarray, shape (..., n)
        Samples, or a feature matrix with time on the last axis.
    start : int
    length : int, keyword-only

    Returns
    -------
    numpy.ndarray, shape (..., length)
        A view when no padding is needed, else a padded copy (same dtype).
    """
    out = a[..., start:start + length]
    if out.shape[-1] < length:
        out = np.pad(out, [(0, 0)] * (out.ndim - 1) + [(0, length - out.shape[-1])])
    return out


def segments(
    y: np.ndarray, sr: int, *, seconds: float, hop_seconds: float | None = None, pad: bool = False
) -> np.ndarray:
    """Cut a signal into fixed-length windows.

    Taught in notebook 01 (and used to make more, shorter training examples from a
    30-s clip). Window ``i`` starts at sample ``i * hop``.

    Parameters
    ----------
    y : numpy.ndarray
        Mono samples, shape ``(samples,)``.
    sr : int
        Sample rate in Hz.
    seconds : float
        Window length in seconds (``round(seconds * sr)`` samples).
    hop_seconds : float or None, optional
        Distance between window starts; ``None`` (default) means ``seconds``
        (no overlap, no gap).
    pad : bool, optional
        ``True``: zero-pad a last, partial window so that the whole signal is
        covered. ``False`` (default): drop it. A signal shorter than one window
        gives zero windows unless ``pad`` (the rule of :func:`segment_starts`).

    Returns
    -------
    numpy.ndarray
        float32 array of shape ``(n_segments, samples_per_segment)``.

    See Also
    --------
    segment_times : start time of each window.
    """
    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"segments() expects a mono 1-D signal, got shape {y.shape}")
    win, hop = _window_and_hop(sr, seconds, hop_seconds)
    starts = segment_starts(len(y), length=win, hop=hop, pad=bool(pad))
    if len(starts) == 0:
        return np.zeros((0, win), dtype=np.float32)
    needed = int(starts[-1]) + win
    if needed > len(y):
        y = np.pad(y, (0, needed - len(y)))
    view = np.lib.stride_tricks.sliding_window_view(y, win)[::hop][:len(starts)]
    return np.ascontiguousarray(view, dtype=np.float32)


def segment_times(
    y: np.ndarray, sr: int, *, seconds: float, hop_seconds: float | None = None, pad: bool = False
) -> np.ndarray:
    """Start times in seconds of the windows that :func:`segments` returns (same arguments).

    Taught in notebook 01.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n_segments,)``: ``i * hop / sr``.
    """
    win, hop = _window_and_hop(sr, seconds, hop_seconds)
    starts = segment_starts(np.asarray(y).shape[-1], length=win, hop=hop, pad=bool(pad))
    return starts / float(sr)


# --------------------------------------------------------------------------- listening
def play(y: np.ndarray, sr: int, *, normalize: bool = True) -> Any:
    """A notebook audio player for a signal.

    Taught in notebook 01: put it last in a cell to listen.

    Parameters
    ----------
    y : numpy.ndarray
        Samples, shape ``(samples,)`` or ``(channels, samples)``.
    sr : int
        Sample rate in Hz.
    normalize : bool, optional
        ``True`` (default): scale the loudest sample to full volume. ``False``:
        play at the true level (samples outside ``[-1, 1]`` are clipped, as a
        sound card would), so quiet signals stay quiet.

    Returns
    -------
    IPython.display.Audio
    """
    from IPython.display import Audio

    y = np.asarray(y, dtype=np.float64)
    if y.size == 0:
        raise ValueError("cannot play an empty signal")
    peak = float(np.max(np.abs(y)))
    if not normalize or peak == 0.0:  # IPython would divide silence by zero
        return Audio(data=np.clip(y, -1.0, 1.0), rate=int(sr), normalize=False)
    return Audio(data=y, rate=int(sr), normalize=True)
