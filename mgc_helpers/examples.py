"""Real recordings for the lessons: librosa's example music, fetched once or filled from a local copy.

Taught in notebooks 01, 02 and 09 (and played in 05 and 08): beside the toy clips, every lesson on a
representation shows and plays real music. librosa ships the way to get some — its example recordings
(``librosa.ex("brahms")`` …: Creative-Commons or public-domain music, fetched by pooch from
librosa.org on first use, hash-checked against librosa's own registry and cached in ``$LIBROSA_DATA_DIR``,
else pooch's cache folder ``~/.cache/librosa``).

* :func:`recording` loads one example as ``(y, sr)``; offline and not cached, it prints one line saying
  so and returns ``None`` (a notebook cell then moves on: it never fails for want of a network).
* :func:`fill_offline` fills librosa's data folder from a folder of copies (CI: ``../shared/real_audio/
  cc_music/``), matching each file to librosa's registry by its SHA-256 hash — not by its name, since the
  copies carry other names and some are librosa's ``hq`` variants.
* ``python -m mgc_helpers examples [--from DIR]`` does either from the command line (Binder's build
  fetches them once).

librosa reads ``LIBROSA_DATA_DIR`` once, when it is imported; this module reads it at every call, and
fetches with the same registry (file names and SHA-256 hashes, read from librosa's installed
``util/example_data``), the same address and the same pooch as :func:`librosa.ex`, so a file it places is
one that ``librosa.ex`` finds.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from . import audio, config

__all__ = ["MUSIC", "data_dir", "describe", "fill_offline", "keys", "path", "recording", "registry"]

#: The music among librosa's examples (the others are speech, a bird, a whale, a dog, a trumpet loop).
MUSIC = ("brahms", "nutcracker", "vibeace", "fishin", "pistachio", "choice")

#: Where :func:`librosa.ex` downloads from (librosa 0.10 and 0.11).
BASE_URL = "https://librosa.org/data/audio/"

_EXAMPLE_DATA = "librosa.util.example_data"


def _resource_text(name: str) -> str:
    from importlib import resources

    return resources.files(_EXAMPLE_DATA).joinpath(name).read_text(encoding="utf-8")


def registry() -> dict[str, str]:
    """librosa's registry of example files: file name -> SHA-256 hex digest.

    Read from the installed librosa (``librosa/util/example_data/registry.txt``); the files are the audio
    (``<name>.ogg``), the ``hq`` variants (``<name>.hq.ogg``) and the licence notes (``<name>.txt``).

    Returns
    -------
    dict of str to str
        File name to lower-case SHA-256 hex digest.
    """
    table = {}
    for line in _resource_text("registry.txt").splitlines():
        parts = line.split()
        if len(parts) == 2:
            table[parts[0]] = parts[1].lower().removeprefix("sha256:")
    return table


def _index() -> dict[str, dict[str, str]]:
    return json.loads(_resource_text("index.json"))


def keys() -> tuple[str, ...]:
    """Every example key librosa knows (``"brahms"``, ``"nutcracker"``, …), sorted."""
    return tuple(sorted(_index()))


def _entry(key: str) -> dict[str, str]:
    index = _index()
    if not isinstance(key, str) or key not in index:
        raise ValueError(f"unknown example {key!r}: librosa's examples are {', '.join(sorted(index))} "
                         f"(the music: {', '.join(MUSIC)})")
    return index[key]


def describe(key: str) -> str:
    """The example's title as librosa gives it, e.g. ``"Brahms - Hungarian Dance #5"``.

    Raises
    ------
    ValueError
        ``key`` is not one of librosa's examples (the message lists them).
    """
    return _entry(key)["desc"]


def data_dir() -> Path:
    """librosa's data folder now: ``$LIBROSA_DATA_DIR`` if set, else pooch's cache folder for librosa."""
    env = os.environ.get("LIBROSA_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("librosa"))


def _file_name(key: str, hq: bool) -> str:
    return _entry(key)["path"] + (".hq.ogg" if hq else ".ogg")


def _cached(folder: Path, name: str, table: dict[str, str]) -> Path | None:
    """``folder/name`` if it is there and its hash is the registry's."""
    import pooch

    candidate = folder / name
    if candidate.is_file() and pooch.file_hash(str(candidate)) == table[name]:
        return candidate
    return None


@contextmanager
def _quiet_pooch() -> Iterator[None]:
    """pooch logs each download at INFO level to stderr; keep only its warnings."""
    import pooch

    logger = pooch.get_logger()  # pooch's own logger (not registered with logging.getLogger)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _fetch(name: str, folder: Path, table: dict[str, str]) -> Path:
    """Download ``name`` into ``folder`` through pooch, hash-checked (what :func:`librosa.ex` does)."""
    import pooch

    goodboy = pooch.create(folder, base_url=BASE_URL, registry={name: f"sha256:{table[name]}"})
    with _quiet_pooch():
        return Path(goodboy.fetch(name, downloader=pooch.HTTPDownloader(timeout=30, progressbar=False)))


def path(key: str = "brahms", *, hq: bool = False, fetch: bool = True,
         folder: str | os.PathLike | None = None) -> Path | None:
    """The local file of one example, fetched if needed; ``None`` if it is neither cached nor fetchable.

    The requested variant is used if it is cached (hash-checked); else the other variant (``hq`` or not:
    the same recording) if that one is cached; else it is downloaded. Offline, one line says which
    example was missing and where it was looked for.

    Parameters
    ----------
    key : str, optional
        One of librosa's example keys (default ``"brahms"``); :data:`MUSIC` lists the music.
    hq : bool, optional
        Prefer librosa's high-quality variant (default ``False``).
    fetch : bool, optional
        Download a missing file (default ``True``); ``False`` only looks in the cache.
    folder : str or os.PathLike or None, optional
        librosa's data folder (default: :func:`data_dir`, i.e. ``$LIBROSA_DATA_DIR``).

    Returns
    -------
    pathlib.Path or None
        The ``.ogg`` file, or ``None`` when it is not available.

    Raises
    ------
    ValueError
        ``key`` is not one of librosa's examples (the message lists them).
    """
    wanted = _file_name(key, hq)
    other = _file_name(key, not hq)
    table = registry()
    folder = Path(folder).expanduser() if folder is not None else data_dir()
    for name in (wanted, other):
        found = _cached(folder, name, table)
        if found is not None:
            return found
    if fetch:
        try:
            return _fetch(wanted, folder, table)
        except (OSError, ValueError) as exc:  # offline, a proxy, a refused connection (requests' errors are
            # OSErrors), or a download whose hash is not the registry's (pooch: ValueError)
            reason = type(exc).__name__
            print(f"real recording {key!r} ({describe(key)}) is not available: not in {folder} and it could "
                  f"not be downloaded ({reason}); fill that folder with `python -m mgc_helpers examples "
                  f"--from DIR` or set LIBROSA_DATA_DIR")
            return None
    print(f"real recording {key!r} ({describe(key)}) is not available: not in {folder} (not downloading)")
    return None


def recording(
    key: str = "brahms",
    *,
    duration: float | None = None,
    offset: float = 0.0,
    sr: int | None = config.SAMPLE_RATE,
    hq: bool = False,
) -> tuple[np.ndarray, int] | None:
    """Load one of librosa's example recordings as mono samples, or ``None`` if it is not available.

    Taught in notebook 01 (and used in 02, 05, 08, 09): real music beside the toy clip. The file comes
    from librosa's data folder (``$LIBROSA_DATA_DIR``), fetched once by pooch and hash-checked; offline and
    not cached, one line is printed and ``None`` returned — never an exception for that, so a cell can
    say so and move on.

    Parameters
    ----------
    key : str, optional
        Example key (default ``"brahms"``, Brahms's Hungarian Dance no. 5); :data:`MUSIC` lists the music
        and :func:`keys` every example.
    duration : float or None, optional
        Seconds to load (default: all of it).
    offset : float, optional
        Start this many seconds in (default 0).
    sr : int or None, optional
        Sample rate in Hz (default 22050, the course's); ``None`` keeps the file's.
    hq : bool, optional
        Prefer the high-quality variant (default ``False``; the other variant is used if only it is cached).

    Returns
    -------
    (numpy.ndarray, int) or None
        ``float32`` mono samples and their sample rate, or ``None`` when the recording is not available.

    Raises
    ------
    ValueError
        ``key`` is not one of librosa's examples (the message lists them), or ``duration``/``offset``
        is negative.

    Examples
    --------
    >>> clip = recording("brahms", duration=5.0)   # doctest: +SKIP
    >>> if clip is not None:                       # doctest: +SKIP
    ...     y, sr = clip
    """
    _entry(key)
    if duration is not None and duration <= 0:
        raise ValueError(f"duration must be positive seconds or None, got {duration!r}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0 seconds, got {offset!r}")
    found = path(key, hq=hq)
    if found is None:
        return None
    return audio.load(found, sr=sr, offset=offset, duration=duration)


def fill_offline(source_dir: str | os.PathLike, *, target_dir: str | os.PathLike | None = None) -> list[Path]:
    """Place local copies of librosa's examples into its data folder, matched by SHA-256 hash.

    Every file of ``source_dir`` whose hash is in librosa's registry (:func:`registry`) is copied,
    atomically, under the registry's name (the copies in ``../shared/real_audio/cc_music/`` carry other
    names, and some are librosa's ``hq`` variants). A file that matches nothing is reported and left out.
    A target already in place with the right hash is kept (and listed).

    Parameters
    ----------
    source_dir : str or os.PathLike
        Folder of copies (not searched recursively).
    target_dir : str or os.PathLike or None, optional
        Where to place them (default: :func:`data_dir`, i.e. ``$LIBROSA_DATA_DIR``).

    Returns
    -------
    list of pathlib.Path
        The placed files (in the target folder), sorted.

    Raises
    ------
    FileNotFoundError
        ``source_dir`` is not a folder.
    """
    import pooch

    source = Path(source_dir).expanduser()
    if not source.is_dir():
        raise FileNotFoundError(f"no folder of example recordings at {source}")
    target = Path(target_dir).expanduser() if target_dir is not None else data_dir()
    by_hash = {digest: name for name, digest in registry().items()}
    placed, unmatched = [], []
    for src in sorted(p for p in source.iterdir() if p.is_file()):
        src_hash = pooch.file_hash(str(src))
        name = by_hash.get(src_hash)
        if name is None:
            unmatched.append(src.name)
            continue
        dest = target / name
        if not (dest.is_file() and pooch.file_hash(str(dest)) == src_hash):
            target.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".part")
            os.close(fd)
            try:
                shutil.copyfile(src, tmp)
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        placed.append(dest)
    for name in unmatched:
        print(f"not one of librosa's examples (no registry hash matches), left out: {source / name}")
    return sorted(placed)
