"""Cached, parallel feature extraction over a table of tracks.

Taught in notebook 02 (the 57-value summary table) and used from notebook 03 on
(log-mel / MFCC arrays for the networks; :mod:`mgc_helpers.segments` cuts them into
segments after the split).
Results are cached on disk with :class:`joblib.Memory` under ``<cache root>/joblib``.
The cache key covers the file's identity (absolute path, size and modification time,
or a hash of its content with ``identity="content"``), the code of the feature
function and the value of every parameter (:func:`joblib.hash`), so touching nothing
reuses the cache while editing a file, the function or a parameter recomputes. A
cache folder that cannot be created or written gives one warning and the work runs
uncached. Cache hits are read in the calling
process; only the misses go to the joblib workers.

Scale-out: the extraction uses plain :class:`joblib.Parallel`, so it runs unchanged
on a Dask cluster::

    from dask.distributed import Client
    import joblib
    client = Client("tcp://scheduler:8786")       # or LocalCluster()
    with joblib.parallel_backend("dask"):
        feats = track_features(tracks, kind="logmel")

(the workers must see the audio files and the cache folder at the same paths).

Environment variables
---------------------
``MGC_CACHE_DIR``
    Root of the caches (see :func:`mgc_helpers.config.cache_root`).
``MGC_DATA_DIR``
    Where the datasets are (see :func:`mgc_helpers.config.data_root`).
"""
from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from . import config

__all__ = [
    "memory",
    "IDENTITIES",
    "file_identity",
    "extract",
    "summary_table",
    "clear",
    "TrackFeatures",
    "track_features",
    "cache_sizes",
]


def memory(*, verbose: int = 0) -> "joblib.Memory":  # noqa: F821 (joblib imported lazily)
    """The course's on-disk cache (a :class:`joblib.Memory` in ``<cache root>/joblib``).

    Taught in notebook 02.
    """
    import joblib

    return joblib.Memory(location=str(config.cache_root() / "joblib"), verbose=verbose)


#: File identities :func:`file_identity` offers (see there for when to use which).
IDENTITIES: tuple[str, ...] = ("stat", "content")


def file_identity(path: str | os.PathLike, *, identity: str = "stat") -> tuple[str, int, int | str]:
    """The cache key of a file: ``(absolute path, size in bytes, modification time in ns or content hash)``.

    Taught in notebook 02.

    Parameters
    ----------
    path : path-like
        An existing file.
    identity : {"stat", "content"}, keyword-only
        ``"stat"`` (default, free): the modification time stands for the content, so
        an edited file is recomputed. It is fooled by a file *replaced* by another of
        the same size with the same modification time (``cp -p``, ``rsync -t``,
        re-extracting an archive that stores the original times, file systems with
        coarse times). ``"content"``: a BLAKE2b hash of the bytes, which is never
        fooled but reads every file in full on every call (GTZAN's 1.2 GB: a few
        seconds); use it when files may be swapped like that.

    Returns
    -------
    tuple
        ``(str, int, int)`` for ``"stat"``, ``(str, int, str)`` for ``"content"``.
    """
    if identity not in IDENTITIES:
        raise ValueError(f"identity must be one of {IDENTITIES}, got {identity!r}")
    p = Path(path).resolve()
    st = p.stat()
    if identity == "stat":
        return str(p), int(st.st_size), int(st.st_mtime_ns)
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return str(p), int(st.st_size), digest.hexdigest()


def _function_fingerprint(func: Callable[..., Any]) -> str:
    """A hash of what a feature function *does*: its name, source text, bytecode and defaults, and the source
    of every course module it reaches.

    Editing the function (even keeping its name) changes it, and so does editing any module of this package
    that the function calls into — its own module and those of the package's functions and modules it names,
    followed through their own globals (a helper two calls deep counts too), so a cached feature never
    outlives the code that computed it. Callables without code (``functools.partial``, instances) are hashed
    by value.
    """
    import joblib
    from joblib.func_inspect import get_func_code

    code = getattr(func, "__code__", None)
    if code is None:
        return joblib.hash(func)
    source, _, _ = get_func_code(func)
    return joblib.hash((getattr(func, "__module__", None), getattr(func, "__qualname__", None), source,
                        code.co_code, getattr(func, "__defaults__", None), getattr(func, "__kwdefaults__", None),
                        _package_sources(func)))


def _names(code: Any) -> set[str]:
    """Every global name a code object (and the functions, lambdas and comprehensions inside it) uses."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


#: Modules every feature function stands on (the layers below the cache): their source is in every key.
_BASE_MODULES = ("config", "audio", "fourier", "features")


def _package_sources(func: Callable[..., Any]) -> tuple[tuple[str, str], ...]:
    """``(module, sha1 of its source files)`` for the course modules ``func``'s result depends on.

    Read from the files, never imported, so the key does not depend on what happens to be imported: the
    function's own module, :data:`_BASE_MODULES`, and every package module the function's code names (a
    global function's module, a module object, or ``from . import features`` inside it). A sub-package
    (``datasets``, ``models``) counts with all its files.
    """
    import hashlib
    import types

    here = Path(__file__).resolve().parent
    package = __name__.rsplit(".", 1)[0]
    wanted = set(_BASE_MODULES)
    own = (getattr(func, "__module__", None) or "").split(".")
    if own[0] == package and len(own) > 1:
        wanted.add(own[1])
    scope = getattr(func, "__globals__", {})
    for name in _names(func.__code__):
        value = scope.get(name)
        if isinstance(value, types.ModuleType):
            name = value.__name__.split(".")[1] if value.__name__.startswith(package + ".") else ""
        elif isinstance(value, types.FunctionType):
            parts = (value.__module__ or "").split(".")
            name = parts[1] if parts[0] == package and len(parts) > 1 else ""
        wanted.add(name)
    out = []
    for name in sorted(n for n in wanted if n):
        files = [here / f"{name}.py"] if (here / f"{name}.py").is_file() else sorted((here / name).glob("*.py"))
        if not files:
            continue
        digest = hashlib.sha1()
        for f in files:
            digest.update(f.read_bytes())
        out.append((name, digest.hexdigest()))
    return tuple(out)


def _feature_key(func: Callable[..., Any], sr: int | None, params: dict[str, Any]) -> str:
    """The cache key's second half: a :func:`joblib.hash` of the function's code, the sample rate and the
    *values* of every parameter (two arrays differing in one element get different keys)."""
    import joblib

    return joblib.hash((_function_fingerprint(func), sr, sorted(params.items())))


def _load_and_apply(
    identity: tuple[str, int, int | str], key: str, func: Callable[..., Any], sr: int | None, params: dict[str, Any]
) -> Any:
    """Load one file and compute its feature. The cache hashes ``identity`` and ``key`` only
    (``key`` stands for ``func``, ``sr`` and ``params``: hashing two short values is ~5x faster
    than hashing the objects, which matters when 1000 cached entries are read back)."""
    if func is _only_cached:
        raise _NotCached(identity[0])
    from . import audio

    y, rate = audio.load(identity[0], sr=sr)
    return func(y, rate, **params)


class _NotCached(LookupError):
    """Raised by :func:`_load_and_apply` when only a cached result was wanted."""


def _only_cached(y: np.ndarray, sr: int, **params: Any) -> Any:  # pragma: no cover (never called)
    """Marker ``func`` for :func:`_read_hits`."""
    raise _NotCached("not cached")


def _safe(fn: Callable[..., Any], identity: tuple[str, int, int | str], key: str, *args: Any) -> tuple[Any, str | None]:
    try:
        return fn(identity, key, *args), None
    except Exception as exc:  # one bad file must not sink the whole table
        return None, f"{type(exc).__name__}: {exc}"


def _cached(fn: Callable[..., Any]) -> Callable[..., Any] | None:
    """``fn`` cached in :func:`memory`, or ``None`` (with one warning naming the folder) when the cache
    folder cannot be created or written (a path under a regular file, a read-only folder...)."""
    import uuid

    folder: Path | str = os.environ.get("MGC_CACHE_DIR") or "the cache root"
    try:
        folder = config.cache_root() / "joblib"
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test.{os.getpid()}-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        warnings.warn(f"the feature cache folder {folder} cannot be used ({type(exc).__name__}: {exc}); "
                      "computing without the cache (set MGC_CACHE_DIR to a writable folder)", stacklevel=3)
        return None
    return memory().cache(fn, ignore=["func", "sr", "params"])


def _identities(paths: Sequence[str | os.PathLike], identity: str) -> list[tuple[str, int, int | str]]:
    """:func:`file_identity` of each path; ``(path, -1, -1)`` for a missing or unreadable one (it fails later)."""
    if identity not in IDENTITIES:
        raise ValueError(f"identity must be one of {IDENTITIES}, got {identity!r}")
    out = []
    for p in paths:
        try:
            out.append(file_identity(p, identity=identity))
        except OSError:
            out.append((str(p), -1, -1))
    return out


def extract(
    paths: Sequence[str | os.PathLike],
    func: Callable[..., Any],
    *,
    sr: int | None = config.SAMPLE_RATE,
    n_jobs: int = 2,
    cache: bool = True,
    identity: str = "stat",
    progress: bool = True,
    **params: Any,
) -> tuple[list[Any], dict[str, str]]:
    """Apply ``func(y, sr, **params)`` to every audio file, in parallel and cached.

    Taught in notebook 02.

    The cache key of each result is the file's identity (:func:`file_identity`), the
    code of ``func`` (editing it recomputes), ``sr`` and the values of ``params``
    (hashed with :func:`joblib.hash`). A cache folder that cannot be written is
    reported by one warning and the work runs uncached.

    Parameters
    ----------
    paths : sequence of path-like
        Audio files (any format :func:`mgc_helpers.audio.load` reads).
    func : callable
        A module-level function ``func(y, sr, **params)`` (it must be importable so
        that worker processes and the cache can find it).
    sr : int or None, keyword-only
        Sample rate the audio is loaded at (``None``: native rate).
    n_jobs : int, keyword-only
        Worker processes (joblib); ``1`` runs in this process.
    cache : bool, keyword-only
        Reuse results stored on disk by earlier calls.
    identity : {"stat", "content"}, keyword-only
        How a file is recognised (:func:`file_identity`): ``"stat"`` (size and
        modification time, free) or ``"content"`` (a hash of the bytes: use it when a
        file may be replaced by another of the same size and time).
    progress : bool, keyword-only
        Show a tqdm progress bar.
    **params
        Keyword arguments of ``func``; they are part of the cache key.

    Returns
    -------
    results : list
        One entry per path, ``None`` where the file failed.
    failures : dict
        ``{path: reason}`` for every file that could not be processed.
    """
    return _extract(_identities(paths, identity), func, sr=sr, n_jobs=n_jobs, cache=cache, progress=progress,
                    params=params)


def _extract(
    identities: list[tuple[str, int, int | str]], func: Callable[..., Any], *, sr: int | None, n_jobs: int,
    cache: bool, progress: bool, params: dict[str, Any],
) -> tuple[list[Any], dict[str, str]]:
    """:func:`extract` over files whose identities are known."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    fn = _cached(_load_and_apply) if cache else None
    key = _feature_key(func, sr, params)
    results: list[Any] = [None] * len(identities)
    failures: dict[str, str] = {}
    todo = _read_hits(fn, identities, key, sr, params, results) if fn is not None else list(range(len(identities)))
    bar = tqdm(total=len(identities), initial=len(identities) - len(todo),
               desc=getattr(func, "__name__", "features"), disable=not progress)
    if todo:
        tasks = (delayed(_safe)(fn or _load_and_apply, identities[i], key, func, sr, params) for i in todo)
        with _short_lived_workers():
            outputs: Iterable[tuple[Any, str | None]] = Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
            for i, (value, error) in zip(todo, outputs):
                results[i] = value
                if error is not None:
                    failures[identities[i][0]] = error
                bar.update(1)
    bar.close()
    return results, failures


#: Seconds an idle joblib worker process stays alive after :func:`extract` (joblib's own default: 300).
WORKER_IDLE_SECONDS = 2.0


def _short_lived_workers() -> Any:
    """Let the default (loky) workers exit soon after the work is done.

    Each worker holds librosa and its own copy of numpy's buffers (~250 MB). With
    joblib's default they would idle for five minutes while the notebook trains a
    network, which is what pushes a notebook past Binder's 2 GB. Any other backend
    the caller chose (``joblib.parallel_backend("dask")``...) is left as it is.
    """
    import contextlib

    from joblib import parallel_config
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    if type(backend).__name__ != "LokyBackend":
        return contextlib.nullcontext()
    return parallel_config(backend="loky", idle_worker_timeout=WORKER_IDLE_SECONDS)


def _read_hits(
    fn: Any, identities: list[tuple[str, int, int | str]], key: str, sr: int | None,
    params: dict[str, Any], results: list[Any],
) -> list[int]:
    """Fill ``results`` with what the cache already holds; return the indices still to compute."""
    todo = []
    for i, ident in enumerate(identities):
        if ident[1] >= 0:
            # One cache lookup per file: ``func`` is not part of the key, so passing _only_cached
            # returns a stored result and raises _NotCached (before any audio is read) otherwise.
            try:
                results[i] = fn(ident, key, _only_cached, sr, params)
                continue
            except Exception:  # not cached, or an unreadable entry: computed again below
                pass
        todo.append(i)
    return todo


def summary_table(
    tracks: pd.DataFrame,
    *,
    n_jobs: int = 2,
    sr: int = config.SAMPLE_RATE,
    progress: bool = True,
    cache: bool = True,
    identity: str = "stat",
) -> pd.DataFrame:
    """The 57 GTZAN summary features (:func:`mgc_helpers.features.summary_features`) per track.

    Taught in notebook 02; notebook 03 trains classifiers on it.

    Parameters
    ----------
    tracks : pandas.DataFrame
        A tracks table with columns ``track_id``, ``path`` and ``genre`` (``artist``
        and ``split`` are carried over when present).
    n_jobs, sr, progress, cache, identity : keyword-only
        As :func:`extract`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``track_id``: the label columns followed by the 57 features in the
        order of GTZAN's public ``features_30_sec.csv``. Files that failed are left
        out, with a warning, and listed in ``table.attrs["failures"]``.
    """
    from .features import SUMMARY_FEATURE_NAMES, summary_features

    results, failures = extract(
        list(tracks["path"]), summary_features, sr=sr, n_jobs=n_jobs, cache=cache, identity=identity,
        progress=progress,
    )
    keep = [i for i, r in enumerate(results) if r is not None]
    labels = [c for c in ("genre", "artist", "split") if c in tracks.columns]
    table = pd.DataFrame(
        [[results[i][name] for name in SUMMARY_FEATURE_NAMES] for i in keep],
        columns=list(SUMMARY_FEATURE_NAMES),
        dtype=np.float64,
    )
    meta = tracks.iloc[keep][["track_id", *labels]].reset_index(drop=True)
    table = pd.concat([meta, table], axis=1).set_index("track_id")
    if failures:
        warnings.warn(
            f"{len(failures)} file(s) skipped: "
            + "; ".join(f"{Path(p).name} ({why})" for p, why in list(failures.items())[:5]),
            stacklevel=2,
        )
    table.attrs["failures"] = failures
    return table


def clear(*, segments: bool = True) -> None:
    """Empty the feature cache (``<cache root>/joblib``) and the segment arrays.

    Taught in notebook 02. From the shell: ``python -m mgc_helpers info`` shows the
    sizes, ``python -c "import mgc_helpers.cache as c; c.clear()"`` empties them.

    Parameters
    ----------
    segments : bool, keyword-only
        Also delete ``<cache root>/segments`` (the memory-mapped segment arrays).
    """
    import shutil

    memory().clear(warn=False)
    if segments:
        shutil.rmtree(config.cache_root() / "segments", ignore_errors=True)


@dataclass
class TrackFeatures:
    """Features of the usable tracks of a tracks table, and what failed.

    Used from notebook 03 on.

    Attributes
    ----------
    tracks : pandas.DataFrame
        The rows whose extraction worked (same columns as the input table).
    arrays : list of numpy.ndarray
        One feature array per row of ``tracks``.
    failures : dict
        ``{path: reason}`` for every file that failed (also in
        ``tracks.attrs["failures"]``).
    params : dict
        Kind, sample rate and parameters: what the cache key covered.
    """

    tracks: pd.DataFrame
    arrays: list[Any]
    failures: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.arrays)

    def stack(self, *, frames: int | None = None) -> np.ndarray:
        """One array of shape ``(n_tracks, ...)``; time axes are cut (or zero-padded) to ``frames``.

        Used from notebook 03 on. ``frames=None`` cuts to the shortest clip.
        """
        if not self.arrays:
            raise ValueError("no features to stack (every file failed?)")
        first = np.asarray(self.arrays[0])
        if first.ndim <= 1:  # scalars or vectors (summary features)
            return np.stack([np.asarray(a) for a in self.arrays])
        n = min(np.shape(a)[-1] for a in self.arrays) if frames is None else int(frames)
        out = np.zeros((len(self.arrays), *first.shape[:-1], n), dtype=first.dtype)
        for i, a in enumerate(self.arrays):
            k = min(n, np.shape(a)[-1])
            out[i, ..., :k] = np.asarray(a)[..., :k]
        return out


def track_features(
    tracks: pd.DataFrame,
    *,
    kind: str | Callable[..., Any] = "logmel",
    sr: int | None = config.SAMPLE_RATE,
    n_jobs: int = 2,
    cache: bool = True,
    identity: str = "stat",
    progress: bool = True,
    **params: Any,
) -> TrackFeatures:
    """Features of every track of a tracks table, in parallel, cached, with a failure report.

    Used from notebook 03 on (with :func:`mgc_helpers.datasets.load_tracks`).

    Parameters
    ----------
    tracks : pandas.DataFrame
        Needs a ``path`` column.
    kind : {"logmel", "mfcc", "summary"} or callable, keyword-only
        A named kind (:data:`mgc_helpers.features.FEATURE_KINDS`) or any module-level ``func(y, sr, **params)``.
    sr : int or None, keyword-only
        Sample rate the audio is loaded at.
    n_jobs : int, keyword-only
        joblib workers (inside ``joblib.parallel_backend("dask")`` the Dask cluster's
        workers do the work).
    cache, progress : bool, keyword-only
        As :func:`extract`.
    identity : {"stat", "content"}, keyword-only
        How files are recognised (:func:`file_identity`): ``"content"`` when a file may
        be replaced by another of the same size and modification time (it reads every
        file in full on each call).
    **params
        Feature parameters (``n_mels=96``, ``seconds=29.12``...); all part of the cache key.

    Returns
    -------
    TrackFeatures
        Failed files are left out with a warning and listed in ``failures``.
    """
    from .features import FEATURE_KINDS

    if isinstance(kind, str) and kind not in FEATURE_KINDS:
        raise ValueError(f"kind must be one of {sorted(FEATURE_KINDS)} or a function, got {kind!r}")
    func = FEATURE_KINDS[kind] if isinstance(kind, str) else kind
    identities = _identities(list(tracks["path"]), identity)
    results, failures = _extract(identities, func, sr=sr, n_jobs=n_jobs, cache=cache, progress=progress,
                                 params=params)
    keep = [i for i, r in enumerate(results) if r is not None]
    kept = tracks.iloc[keep].reset_index(drop=True)
    kept.attrs["failures"] = failures
    if failures:
        warnings.warn(
            f"{len(failures)} file(s) failed and were left out: "
            + "; ".join(f"{Path(p).name} ({why})" for p, why in list(failures.items())[:5]),
            stacklevel=2,
        )
    info = {"kind": getattr(func, "__name__", str(func)), "sr": sr, **params}
    if identity == "content":  # what the key covered, so that segments cut from these features follow the files
        import joblib

        info.update(identity="content", files=joblib.hash([identities[i] for i in keep]))
    return TrackFeatures(kept, [results[i] for i in keep], failures, info)


def cache_sizes() -> dict[str, int]:
    """Bytes used by each folder of the cache root (``joblib``, ``segments``, ``numba``...).

    Used by ``python -m mgc_helpers info``.
    """
    root = config.cache_root()
    return {
        child.name: sum(p.stat().st_size for p in child.rglob("*") if p.is_file())
        for child in sorted(root.iterdir()) if child.is_dir()
    }
