"""Checksummed downloads with mirrors and retries, and all-or-nothing extraction.

Used from notebook 03 on, through :func:`mgc_helpers.datasets.download`. The
transfer itself is :class:`pooch.HTTPDownloader` (requests, streaming, tqdm
progress bar) and the hash is :func:`pooch.file_hash`; this module adds what pooch
does not do the way the course needs:

* mirrors are tried in order; a dead mirror (refused connection, HTTP error) falls
  through to the next one;
* a transient failure (connection dropped mid-transfer, timeout, HTTP 5xx) is
  retried on the same mirror, a bounded number of times, with a short back-off;
* a download whose hash differs is discarded, and the error says which mirror served
  what (expected and actual hash); the next mirror is tried;
* downloads go to a hidden ``.part`` file and are renamed into place only after the
  hash matched; archives are extracted into a hidden temporary folder beside the
  target and renamed into place only when complete, so a failure never leaves a
  half-downloaded file or a half-extracted dataset behind.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from .remotes import Mirror, Remote, human_size

__all__ = ["DownloadError", "ExtractError", "fetch", "extract_archive", "file_hash", "leftovers", "clean_leftovers",
           "MARKER"]

#: File written inside an extracted dataset folder: where it came from, with which hash.
MARKER = ".mgc_download.json"


class DownloadError(RuntimeError):
    """A file could not be downloaded from any mirror; the message lists every attempt.

    Used from notebook 03 on.

    Attributes
    ----------
    filename : str
        The file that could not be downloaded.
    attempts : list of str
        What each mirror did, in order.
    offline : bool
        No mirror answered at all (no connection, a name that does not resolve, a refused
        or timed-out connection): this computer is probably offline. Nothing was written.
    """

    def __init__(self, filename: str, attempts: list[str], *, offline: bool = False, size: int | None = None,
                 note: str = "") -> None:
        self.filename = filename
        self.attempts = list(attempts)
        self.offline = bool(offline)
        lines = "\n".join(f"  - {a}" for a in attempts) or "  - no mirror is listed"
        what = f"'{filename}'" + (f" ({human_size(size)})" if size else "")
        head = f"Could not download {what}."
        if self.offline:
            head += (" No mirror could be reached (no answer from any host): this computer seems to be offline, "
                     "or the hosts are down. Nothing was written (no partial file is left behind); "
                     "connect to the internet and run it again.")
        super().__init__(f"{head} Attempts:\n{lines}" + (f"\n{note}" if note else ""))


class ExtractError(RuntimeError):
    """An archive could not be extracted; the message names the archive and the reason.

    Used from notebook 03 on. Nothing is left in the target folder.
    """


def file_hash(path: str | os.PathLike, *, alg: str = "sha256") -> str:
    """Hex digest of a file (:func:`pooch.file_hash`).

    Used from notebook 03 on.
    """
    import pooch

    return pooch.file_hash(str(path), alg=alg)


def _split_hash(known_hash: str) -> tuple[str, str]:
    alg, _, digest = known_hash.partition(":")
    if not digest:
        alg, digest = "sha256", known_hash
    return alg.lower(), digest.lower()


def _verified_as(path: Path, remote: Remote) -> dict[str, str] | None:
    """How ``path`` matches: the provenance of a mirror's own copy or of the canonical file; ``None``: it does not."""
    hashes: dict[str, Mirror | None] = {m.known_hash: m for m in remote.mirrors if m.known_hash}
    hashes.setdefault(remote.known_hash, None)
    for known, mirror in hashes.items():
        alg, digest = _split_hash(known)
        if file_hash(path, alg=alg) == digest:
            record = remote.provenance(mirror or Mirror(url=""))
            record["url"] = f"already in {path.parent} (not downloaded again)"
            return record
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text[:300]}"


def _is_transient(exc: BaseException) -> bool:
    """Worth retrying on the same mirror: dropped connection, timeout, server error."""
    import requests

    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else 0
        return status >= 500 or status == 429
    if isinstance(exc, requests.ConnectionError) and "refused" in str(exc).lower():
        return False  # nobody listens there: no point in asking again
    return isinstance(
        exc,
        (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
         requests.exceptions.ContentDecodingError, ConnectionError, TimeoutError),
    )


def _unreachable(exc: BaseException) -> bool:
    """No answer from the host at all: no network, a name that does not resolve, refused or timed-out connection."""
    import requests

    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                        requests.HTTPError)):
        return False  # the host answered (an error status, or a body cut short)
    text = str(exc)
    if "Connection broken" in text or "IncompleteRead" in text:
        return False
    return isinstance(exc, (requests.ConnectionError, requests.exceptions.ConnectTimeout, ConnectionError,
                            TimeoutError, OSError))


def _made_folders(folder: Path) -> list[Path]:
    """The folders ``folder.mkdir(parents=True)`` is about to create, deepest first."""
    made = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        made.append(path)
    return made


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders a failed download created, deepest first, if nothing was put in them."""
    for path in folders:
        try:
            path.rmdir()
        except OSError:
            break


def _check_space(folder: Path, size: int, filename: str) -> None:
    free = shutil.disk_usage(folder).free
    if size > free:
        raise DownloadError(
            filename,
            [f"not enough disk space in {folder}: it needs about {human_size(size)}, "
             f"only {human_size(free)} is free (set MGC_DATA_DIR to a bigger disk)"],
        )


def _try_mirror(
    remote: Remote, mirror: Mirror, part: Path, *, progress: bool, timeout: float
) -> str | None:
    """Download once from ``mirror`` into ``part``; ``None`` if the hash matched, else the reason."""
    import pooch

    downloader = pooch.HTTPDownloader(progressbar=progress, timeout=timeout, chunk_size=1 << 16)
    downloader(mirror.url, str(part), None)
    alg, expected = _split_hash(remote.hash_for(mirror))
    actual = file_hash(part, alg=alg)
    if actual == expected:
        return None
    part.unlink(missing_ok=True)
    return (
        f"{mirror.url} served a file whose {alg} hash is {actual}, but {expected} was expected: "
        "the download was discarded"
    )


def fetch(
    remote: Remote,
    *,
    folder: str | os.PathLike,
    progress: bool = True,
    retries: int = 2,
    backoff: float = 1.0,
    timeout: float = 60.0,
    say: Callable[[str], None] = print,
    record: dict | None = None,
) -> Path:
    """Download one file into ``folder``, verified against its hash, trying every mirror.

    Used from notebook 03 on (through :func:`mgc_helpers.datasets.download`). A file
    already there with the right hash is not downloaded again.

    Parameters
    ----------
    remote : Remote
        Entry of :data:`mgc_helpers.datasets.remotes.REMOTES`.
    folder : path-like
        Where the file goes (created if needed).
    progress : bool, keyword-only
        Show a tqdm progress bar.
    retries : int, keyword-only
        How many more times a mirror is asked after a transient failure.
    backoff : float, keyword-only
        Seconds to wait before retry ``k`` are ``backoff * k``.
    timeout : float, keyword-only
        Seconds without data before a request is given up.
    say : callable, keyword-only
        Where progress messages go (``print``).
    record : dict, optional, keyword-only
        Filled on success with which copy was verified how
        (:meth:`~mgc_helpers.datasets.remotes.Remote.provenance` of the mirror that
        served it: ``file, url, hash, copy, hash_source``; for a file already there,
        ``url`` says so).

    Returns
    -------
    pathlib.Path
        The verified file.

    Raises
    ------
    DownloadError
        No mirror served the file with the expected hash; the message lists what
        each mirror did (including both hashes on a mismatch) and the mirrors that
        were not tried because their copy's hash is not known
        (:attr:`~mgc_helpers.datasets.remotes.Remote.unverified`).
    """
    folder = Path(folder)
    made = _made_folders(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _fetch(remote, folder, progress=progress, retries=retries, backoff=backoff, timeout=timeout,
                      say=say, record=record)
    except BaseException:
        _remove_empty(made)  # a failed download leaves no empty folder behind either
        raise


def _fetch(remote: Remote, folder: Path, *, progress: bool, retries: int, backoff: float, timeout: float,
           say: Callable[[str], None], record: dict | None) -> Path:
    target = folder / remote.filename
    if target.is_file():
        found = _verified_as(target, remote)
        if found is not None:
            say(f"{remote.filename}: already downloaded and verified ({target})")
            if record is not None:
                record.update(found)
            return target
        keep = target.with_name(target.name + ".unverified")
        os.replace(target, keep)
        say(f"{remote.filename}: the copy in {folder} has the wrong hash; kept as {keep.name}, downloading again")
    _check_space(folder, remote.size, remote.filename)
    say(f"Downloading {remote.filename} ({human_size(remote.size)}): {remote.description}")
    attempts: list[str] = []
    answered = False  # did any host answer at all? (if none did, the computer is probably offline)
    part = folder / f".{remote.filename}.{os.getpid()}.part"
    for mirror in remote.mirrors:
        host = urlparse(mirror.url).netloc
        for attempt in range(retries + 1):
            say(f"  from {host}" + (f" (retry {attempt})" if attempt else "") + (f": {mirror.note}" if mirror.note else ""))
            try:
                problem = _try_mirror(remote, mirror, part, progress=progress, timeout=timeout)
            except KeyboardInterrupt:
                part.unlink(missing_ok=True)  # Ctrl-C: leave no half-downloaded file behind
                raise
            except Exception as exc:  # requests / OS errors: decide whether to retry
                part.unlink(missing_ok=True)
                answered = answered or not _unreachable(exc)
                if _is_transient(exc) and attempt < retries:
                    attempts.append(f"{mirror.url}: try {attempt + 1} failed ({_reason(exc)}); retried")
                    time.sleep(backoff * (attempt + 1))
                    continue
                attempts.append(f"{mirror.url}: {_reason(exc)}")
                break
            if problem is not None:
                answered = True
                say(f"  {problem}")
                attempts.append(problem)
                break  # a mismatch will not go away by asking again: next mirror
            os.replace(part, target)
            verified = remote.provenance(mirror)
            say(f"  verified {_split_hash(verified['hash'])[0]} ({verified['copy']}) and saved to {target}")
            if record is not None:
                record.update(verified)
            return target
    attempts += [f"{m.url}: not tried ({m.note})" for m in remote.unverified]
    raise DownloadError(remote.filename, attempts, offline=bool(remote.mirrors) and not answered, size=remote.size)


def _members_are_safe(names: list[str], archive: Path) -> None:
    for name in names:
        p = Path(name)
        if p.is_absolute() or ".." in p.parts:
            raise ExtractError(f"Refusing to extract '{archive}': member '{name}' would land outside the target folder")


def _unpack(archive: Path, into: Path) -> None:
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                _members_are_safe(zf.namelist(), archive)
                bad = zf.testzip()
                if bad is not None:
                    raise ExtractError(f"Cannot extract '{archive}': member '{bad}' is corrupt (CRC error)")
                zf.extractall(into)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive, "r:*") as tf:
                tf.extractall(into, filter="data")
        else:
            raise ExtractError(f"Cannot extract '{archive}': {_not_an_archive(archive)}")
    except ExtractError:
        raise
    except Exception as exc:  # truncated gzip (EOFError), tarfile.ReadError, zlib.error, OSError...
        raise ExtractError(f"Cannot extract '{archive}': {_reason(exc)} (the archive is damaged or incomplete)") from exc


#: First bytes of the archive formats the datasets come in.
_MAGIC = {b"PK\x03\x04": "zip", b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ": "xz"}


def _not_an_archive(archive: Path) -> str:
    """Why an archive is not readable: truncated (it starts like one) or not an archive at all."""
    with open(archive, "rb") as f:
        head = f.read(8)
    kind = next((k for magic, k in _MAGIC.items() if head.startswith(magic)), None)
    if kind is None and archive.suffix.lower() in (".zip", ".gz", ".tgz", ".bz2", ".xz", ".tar"):
        kind = archive.suffix.lower().lstrip(".")
    if kind is None:
        return "it is neither a zip nor a tar archive"
    return (f"it is a truncated or corrupt {kind} archive ({human_size(archive.stat().st_size)}; "
            "its end is missing): the download was probably cut short, download it again")


def _content_root(folder: Path) -> Path:
    """The single top-level folder of an unpacked archive (ignoring macOS junk), or ``folder``."""
    entries = [p for p in folder.iterdir() if p.name != "__MACOSX" and not p.name.startswith("._")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


def extract_archive(
    archive: str | os.PathLike, *, dest: str | os.PathLike, source: dict | None = None
) -> Path:
    """Extract a zip or tar archive so that ``dest`` appears complete or not at all.

    Used from notebook 03 on (through :func:`mgc_helpers.datasets.download`). The
    archive is unpacked into a hidden temporary folder beside ``dest``; if it holds a
    single top-level folder (``genres/``, ``fma_small/``), that folder becomes
    ``dest``. The rename is atomic; an existing ``dest`` is replaced only after the
    new one is complete. Members with absolute paths or ``..`` are refused.

    Parameters
    ----------
    archive : path-like
        A ``.zip``, ``.tar``, ``.tar.gz``... file.
    dest : path-like
        Folder to create.
    source : dict, optional
        Written as JSON to ``dest/.mgc_download.json`` (where the data came from).

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    ExtractError
        The archive is damaged, truncated, unsafe or not an archive (``dest`` is
        left as it was).
    """
    archive, dest = Path(archive), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-{os.getpid()}-", dir=dest.parent))
    try:
        _unpack(archive, tmp)
        content = _content_root(tmp)
        if source is not None:
            (content / MARKER).write_text(json.dumps(source, indent=2), encoding="utf-8")
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            os.replace(dest, old)
            os.replace(content, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(content, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


# --------------------------------------------------------------------------- leftovers of interrupted runs
#: ``.<file>.<pid>.part`` (a transfer), ``.<dest>.partial-<pid>-xyz`` / ``.<dest>.old-<pid>`` (an extraction).
_LEFTOVER = re.compile(r"^\.(?:.+\.(?P<part_pid>\d+)\.part|.+\.(?:partial|old)-(?P<dir_pid>\d+)?.*)$")


def _owner(path: Path) -> int | None:
    """Process id written into a leftover's name (``None`` for names of older versions)."""
    match = _LEFTOVER.match(path.name)
    pid = match and (match.group("part_pid") or match.group("dir_pid"))
    return int(pid) if pid else None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def leftovers(root: str | os.PathLike) -> list[Path]:
    """Hidden ``.part`` files and half-extracted folders that interrupted downloads left in a data root.

    Used from notebook 03 on, by :func:`mgc_helpers.datasets.download` (which removes
    them) and ``python -m mgc_helpers info`` (which lists them). A download killed
    (SIGKILL, a closed laptop) leaves its ``.part`` file or ``.partial-`` folder; one
    still running in another process is listed too, but never removed.

    Parameters
    ----------
    root : path-like
        The data root; it, its folders and their folders are searched (where
        downloads and extractions write).

    Returns
    -------
    list of pathlib.Path
        Sorted.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    folders = [root]
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            folders.append(child)
            folders += [g for g in sorted(child.iterdir()) if g.is_dir() and not g.name.startswith(".")]
    found = []
    for folder in folders:
        try:
            entries = [p for p in folder.iterdir() if p.name.startswith(".") and _LEFTOVER.match(p.name)]
        except OSError:
            continue
        found += entries
    return sorted(found)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def clean_leftovers(root: str | os.PathLike, *, say: Callable[[str], None] = print) -> int:
    """Remove what interrupted downloads left in ``root`` (not what a running download is writing).

    Used from notebook 03 on, by :func:`mgc_helpers.datasets.download` before it checks
    the free disk space, so that the space they held counts as free.

    Returns
    -------
    int
        Bytes freed.
    """
    freed = 0
    for path in leftovers(root):
        if _alive(_owner(path)):
            continue
        size = _size(path)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if not path.exists():
            freed += size
            say(f"removed {path.name} ({human_size(size)}), left by an interrupted download")
    return freed
