"""Miniature GTZAN- and FMA-style archives built from generated audio, for the offline dataset tests.

Nothing here touches the network or the repository: everything is written under a
test's ``tmp_path`` and served by :mod:`httpserver`.
"""
from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile as sf

from mgc_helpers.datasets import remotes

SR = 22050
GTZAN_GENRES = ("blues", "rock")
#: track -> split of the miniature GTZAN (rock.00002 is "filtered out": in no list).
GTZAN_SPLIT = {
    "blues.00000": "train", "blues.00001": "valid", "blues.00002": "test",
    "rock.00000": "train", "rock.00001": "test",
}


def tone(seconds: float = 1.5, *, freq: float = 220.0, sr: int = SR, channels: int = 1, seed: int = 0) -> np.ndarray:
    """A short, slightly noisy tone (float32, shape (n,) or (n, channels))."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    y = 0.3 * np.sin(2 * np.pi * freq * t) + 0.01 * rng.standard_normal(len(t))
    y = y.astype(np.float32)
    return np.stack([y, 0.5 * y], axis=1) if channels == 2 else y


def audio_bytes(y: np.ndarray, *, sr: int = SR, format: str = "WAV", subtype: str | None = "PCM_16") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, y, sr, format=format, subtype=subtype)
    return buf.getvalue()


def digest(data: bytes, alg: str = "sha256") -> str:
    return hashlib.new(alg, data).hexdigest()


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def gtzan_files() -> dict[str, bytes]:
    """``{url path: bytes}`` of a miniature GTZAN: a ``genres.tar.gz`` of .au files and three split lists."""
    members = {}
    for g, genre in enumerate(GTZAN_GENRES):
        for i in range(3):
            y = tone(1.5, freq=200.0 * (g + 1) + 30 * i, seed=10 * g + i)
            members[f"genres/{genre}/{genre}.{i:05d}.au"] = audio_bytes(y, format="AU", subtype="PCM_16")
    files = {"/gtzan/genres.tar.gz": _tar_gz(members)}
    for part in ("train", "valid", "test"):
        lines = [f"{t.split('.')[0]}/{t}.wav" for t, s in GTZAN_SPLIT.items() if s == part]
        files[f"/gtzan/{part}_filtered.txt"] = ("\n".join(lines) + "\n").encode()
    return files


def gtzan_table(files: dict[str, bytes], urls: dict[str, list[str]] | None = None, *,
                base: str) -> dict[str, remotes.Remote]:
    """A copy of :data:`REMOTES` whose GTZAN entries point at the test server and the test hashes.

    ``urls`` maps a remote key to extra mirror URLs tried *before* the server's good copy.
    """
    table = dict(remotes.REMOTES)
    names = {"gtzan_audio": "/gtzan/genres.tar.gz", "gtzan_train": "/gtzan/train_filtered.txt",
             "gtzan_valid": "/gtzan/valid_filtered.txt", "gtzan_test": "/gtzan/test_filtered.txt"}
    for key, path in names.items():
        mirrors = tuple(remotes.Mirror(u) for u in (urls or {}).get(key, [])) + (remotes.Mirror(base + path),)
        table[key] = replace(table[key], known_hash="sha256:" + digest(files[path]), size=len(files[path]),
                             mirrors=mirrors)
    return table


FMA_TRACKS = [
    # track_id, genre_top, artist, split, subset
    (2, "Hip-Hop", "AWOL", "training", "small"),
    (5, "Hip-Hop", "AWOL", "training", "small"),
    (10, "Pop", "Kurt Vile", "validation", "small"),
    (140, "Folk", "Alec K. Redfearn", "test", "small"),
    (141, "Folk", "Alec K. Redfearn", "test", "small"),
    (190, "Rock", "Bad Brains", "training", "medium"),
    (666, "Electronic", "Broke", "training", "small"),   # empty MP3
    (667, "Electronic", "Broke", "training", "small"),   # not an MP3 at all
]


def tracks_csv() -> bytes:
    """A ``tracks.csv`` with FMA's two header rows and the columns the loader reads."""
    cols = pd.MultiIndex.from_tuples([
        ("album", "title"), ("artist", "name"), ("set", "split"), ("set", "subset"),
        ("track", "genre_top"), ("track", "title"),
    ])
    rows = [("An album", a, s, sub, g, f"song {t}") for t, g, a, s, sub in FMA_TRACKS]
    frame = pd.DataFrame(rows, index=pd.Index([t for t, *_ in FMA_TRACKS], name="track_id"), columns=cols)
    return frame.to_csv().encode()


def fma_files() -> dict[str, bytes]:
    """``{url path: bytes}`` of a miniature FMA: ``fma_metadata.zip`` and ``fma_small.zip`` (real MP3s + 2 bad)."""
    meta = _zip({"fma_metadata/tracks.csv": tracks_csv(), "fma_metadata/genres.csv": b"genre_id,title\n"})
    audio = {}
    for k, (t, genre, *_rest) in enumerate(FMA_TRACKS):
        tid = f"{t:06d}"
        name = f"fma_small/{tid[:3]}/{tid}.mp3"
        if t == 666:
            data = b""
        elif t == 667:
            data = b"<html>503 Service Unavailable</html>" * 20
        else:
            data = audio_bytes(tone(2.0, freq=150.0 + 40 * k, sr=44100, seed=k), sr=44100,
                               format="MP3", subtype="MPEG_LAYER_III")
        if t == 190:  # in "medium" only: not in fma_small.zip
            continue
        audio[name] = data
    audio["fma_small/README.txt"] = b"miniature FMA small for tests"
    return {"/fma/fma_metadata.zip": meta, "/fma/fma_small.zip": _zip(audio)}


def fma_table(files: dict[str, bytes], *, base: str) -> dict[str, remotes.Remote]:
    table = dict(remotes.REMOTES)
    for key in ("fma_metadata", "fma_small"):
        path = f"/fma/{key}.zip"
        table[key] = replace(table[key], known_hash="sha1:" + digest(files[path], "sha1"), size=len(files[path]),
                             mirrors=(remotes.Mirror(base + path),))
    return table


def no_partials(folder: Path) -> bool:
    """True when no hidden ``.part`` download or ``.partial`` extraction is left under ``folder``."""
    return not [p for p in folder.rglob(".*") if ".part" in p.name]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def link(src: Path, dst: Path) -> Path:
    """Make ``dst`` point at ``src`` (a symlink: the shared material is never copied)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(src, dst)
    return dst
