"""Command line: ``python -m mgc_helpers {toy,warm,info,download,rehearsal,features,student,badges}``.

``toy``       generate the offline toy dataset if it is missing (``--force`` regenerates it;
              ``--seed``, ``--genres``, ``--n-artists``... make another one).
``warm``      compile librosa's numba functions once, so the first notebook starts fast.
``info``      where the data and caches are, what is downloaded (which copy, verified how), how big,
              how to clear it.
``download``  download a dataset (checksummed, mirrors in order): gtzan, gtzan_splits, fma_metadata,
              fma_small, fma_medium (nothing is ever downloaded otherwise). ``--mirror URL
              --mirror-hash sha256:...`` adds a mirror with the hash of the copy it serves (a mirror
              without its hash is refused: nothing is used unverified).
``rehearsal`` write rehearsal archives (GTZAN / FMA layouts, generated music) for a dry run of the
              download chain: ``rehearsal gtzan --out DIR --per-genre 3 --seconds 5``, ``rehearsal fma
              --out DIR`` (see :mod:`mgc_helpers.datasets.rehearsal`).
``features``  extract and cache log-mel / MFCC / summary features of a dataset in parallel.
``student``   write student copies of the notebooks (solutions replaced by stubs, outputs cleared).
``badges``    rewrite the Colab/Binder badges and set-up cells of the notebooks and README from the
              repository URL in ``mgc_helpers/config.py`` (``--check``: only list what is stale).

Bad input (a number out of range, an unknown dataset, a missing folder, an unwritable
cache) prints ``error: ...`` and exits with status 2, before anything is computed; a
command that computed nothing exits with status 1.

The data root is ``$MGC_DATA_DIR`` (default: the repository's ``data/``), the cache root
``$MGC_CACHE_DIR`` (default: the repository's ``.cache/``).
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import time
from pathlib import Path
from typing import Any


class CommandError(Exception):
    """Bad input to a command: :func:`main` prints ``error: <message>`` and exits with status 2."""


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


# --------------------------------------------------------------------------- argument types
def _number(kind: type, text: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = _number(int, text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer (1 or more), got {text}")
    return int(value)


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    value = _number(float, text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return float(value)


def n_jobs(text: str) -> int:
    """argparse type: a number of worker processes, >= 1, or -1 for one per CPU core."""
    value = _number(int, text)
    if value < 1 and value != -1:
        raise argparse.ArgumentTypeError(f"must be 1 or more worker processes (or -1: one per CPU core), got {text}")
    return int(value)


# --------------------------------------------------------------------------- checks done before any work
def _data_root() -> Path:
    from . import config

    return config.data_root()


def _cache_root() -> Path:
    """The cache root, created and checked writable; :class:`CommandError` when it cannot be used."""
    import os
    import tempfile

    from . import config

    where = os.environ.get("MGC_CACHE_DIR") or "the default cache folder"
    try:
        root = config.cache_root()
        with tempfile.NamedTemporaryFile(dir=root, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise CommandError(
            f"cannot write to the cache folder {where} ({exc.strerror or exc}): "
            "set MGC_CACHE_DIR to a writable folder"
        ) from None
    return root


def _check_out(out: str | None) -> Path | None:
    """``--out``: its folder must exist and be writable before hours of features are computed."""
    if out is None:
        return None
    import os

    path = Path(out).expanduser()
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")  # what numpy.savez writes
    if path.is_dir():
        raise CommandError(f"--out {out} is a folder: give a file name such as {path / 'features.npz'}")
    parent = path.parent
    if not parent.is_dir():
        raise CommandError(f"--out {out}: the folder {parent} does not exist (create it first)")
    if not os.access(parent, os.W_OK):
        raise CommandError(f"--out {out}: the folder {parent} is not writable")
    return path


def cmd_toy(args: argparse.Namespace) -> int:
    """``python -m mgc_helpers toy``: generate the toy dataset when missing (or always with ``--force``)."""
    from . import toy

    opts = {"seed": args.seed, "n_jobs": args.n_jobs, "n_artists": args.n_artists,
            "tracks_per_artist": args.tracks_per_artist, "duration": args.duration}
    if args.genres:
        genres = tuple(g.strip() for g in args.genres.split(",") if g.strip())
        unknown = sorted(set(genres) - set(toy.GENRES))
        if unknown:
            raise CommandError(f"unknown toy genre(s) {unknown}: choose among {', '.join(toy.GENRES)}")
        opts["genres"] = genres
    root = Path(args.root).expanduser().resolve() if args.root else _data_root() / "toy"
    meta = root / "metadata.csv"
    t0 = time.perf_counter()
    if args.force:
        meta.unlink(missing_ok=True)
    before = meta.stat().st_mtime_ns if meta.is_file() else None
    tracks = toy.ensure_toy_dataset(root, **opts)
    reused = before is not None and meta.is_file() and meta.stat().st_mtime_ns == before
    print(f"toy dataset {'found' if reused else 'generated'}: {len(tracks)} tracks, {tracks['genre'].nunique()} genres, "
          f"{_folder_size(root) / 1e6:.1f} MB in {root} ({time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_warm(args: argparse.Namespace) -> int:
    import numpy as np

    t0 = time.perf_counter()
    import librosa

    from . import features

    rng = np.random.default_rng(0)
    y = (0.1 * rng.standard_normal(3 * 22050)).astype(np.float32)
    features.summary_features(y, 22050)
    librosa.feature.melspectrogram(y=y, sr=22050)
    librosa.onset.onset_detect(y=y, sr=22050)
    librosa.beat.beat_track(y=y, sr=22050)
    librosa.feature.delta(np.ones((4, 20), dtype=np.float32))
    print(f"librosa warmed in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from . import __version__
    from .datasets import DOWNLOADABLE, is_downloaded, leftovers

    data = _data_root()
    print(f"mgc_helpers {__version__}")
    print(f"data root  : {data}  (set MGC_DATA_DIR to move it)")
    for child in sorted(data.glob("*")):
        if child.is_dir():
            print(f"  {child.name:<12} {_folder_size(child) / 1e6:8.1f} MB")
    status = ", ".join(f"{name} {'yes' if is_downloaded(name, root=data) else 'no'}" for name in DOWNLOADABLE)
    print(f"datasets   : {status}")
    print("  get one with: python -m mgc_helpers download gtzan|fma_small|fma_medium")
    _print_provenance(data)
    for p in leftovers(data):
        print(f"  leftover of an interrupted download ({_folder_size(p) / 1e6:.1f} MB; the next download "
              f"cleans it, or delete it): {p}")
    try:
        cache = _cache_root()
    except CommandError as exc:
        print(f"cache root : not usable: {exc}")
        return 0
    print(f"cache root : {cache}  (set MGC_CACHE_DIR to move it)")
    for child in sorted(cache.glob("*")):
        if child.is_dir():
            print(f"  {child.name:<12} {_folder_size(child) / 1e6:8.1f} MB")
    print("clear the feature cache (joblib + segments) with: python -c 'import mgc_helpers.cache as c; c.clear()'")
    print(f"remove every cache with: rm -rf {cache}   (or `make clean-cache`)")
    return 0


def _describe_record(filename: str, record: dict | None) -> str:
    """One line of ``info``: which copy of ``filename`` was verified how."""
    if record is None:
        return f"  {filename}: no download record (placed by hand or by an older version): which copy it is is unknown"
    if "copy" not in record:  # written before copies were told apart
        return (f"  {filename}: checked against {record.get('hash', '?')} (recorded by an older version, "
                f"which did not say which mirror served it)")
    return (f"  {filename}: {record['copy']}, verified against {record['hash']} "
            f"(hash: {record['hash_source']}), from {record['url']}")


def _print_provenance(data: Path) -> None:
    """``info``: for each downloaded archive, which copy was verified how (its download record)."""
    from .datasets import DOWNLOADABLE, provenance

    seen: dict[str, dict | None] = {}
    for name in DOWNLOADABLE:
        for filename, record in provenance(name, root=data).items():
            seen.setdefault(filename, record)
    if seen:
        print("verified   : which copy of each downloaded archive was checked how")
        for filename, record in seen.items():
            print(_describe_record(filename, record))


#: ``--mirror-hash``: algorithm and hex digits (as pooch writes hashes; bare hex digits are a sha256).
_HASH = re.compile(r"^(?:(?P<alg>sha256|sha1|md5):)?(?P<hex>[0-9a-f]+)$", re.IGNORECASE)
_HEX_LENGTH = {"sha256": 64, "sha1": 40, "md5": 32}


def _check_hash(text: str) -> str:
    """``--mirror-hash``: ``ALG:HEX`` in pooch's spelling (``sha256:<hex>``), or a :class:`CommandError`."""
    match = _HASH.match(text.strip())
    alg = (match["alg"] or "sha256").lower() if match else ""
    if match is None or len(match["hex"]) != _HEX_LENGTH[alg]:
        raise CommandError(f"--mirror-hash {text!r} is not a hash: give it as sha256:<64 hex digits> "
                           "(or sha1:<40>, md5:<32>), the hash of the file that mirror serves")
    return f"{alg}:{match['hex'].lower()}"


def _with_mirrors(table: dict, args: argparse.Namespace) -> dict:
    """``--mirror URL --mirror-hash ALG:HEX`` (paired in order): each mirror added with its copy's hash, tried first."""
    from .datasets import remotes

    urls, hashes = args.mirror or [], args.mirror_hash or []
    key = {"gtzan": "gtzan_audio"}.get(args.name, args.name)
    if key not in table:
        raise CommandError(f"--mirror is for one archive (gtzan, fma_metadata, fma_small, fma_medium), "
                           f"not {args.name}")
    if not urls:
        raise CommandError("--mirror-hash needs the --mirror it belongs to")
    remote = table[key]
    if not hashes:
        raise CommandError(
            f"--mirror {urls[0]} needs --mirror-hash sha256:<hex>, the hash of the copy that mirror serves: a "
            f"mirror's copy may differ from the canonical {remote.filename}, and a file is never used unverified "
            f"(a mirror of the canonical file: --mirror-hash {remote.known_hash})")
    if len(hashes) != len(urls):
        raise CommandError(f"give one --mirror-hash per --mirror, in the same order "
                           f"({len(urls)} --mirror, {len(hashes)} --mirror-hash)")
    pairs = [(url, _check_hash(h)) for url, h in zip(urls, hashes)]
    for url, known in reversed(pairs):  # the first --mirror ends up first: it is tried first
        table = remotes.with_mirror(table, key, url, known_hash=known, hash_source="given on the command line",
                                    note="given with --mirror")
    return table


def cmd_download(args: argparse.Namespace) -> int:
    from .datasets import DownloadError, ExtractError, download, remotes

    table = remotes.REMOTES
    if args.mirror or args.mirror_hash:
        table = _with_mirrors(dict(table), args)
    try:
        folder = download(args.name, root=args.root, remotes=table, force=args.force,
                          keep_archive=args.keep_archive, progress=not args.quiet, retries=args.retries)
    except (DownloadError, ExtractError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        if any(": not tried (" in a for a in getattr(exc, "attempts", ())):
            print(f"to use a mirror that was not tried: python -m mgc_helpers download {args.name} "
                  "--mirror URL --mirror-hash sha256:<the hash of the copy it serves>", file=sys.stderr)
        return 1
    except OSError as exc:  # the data root cannot be created or written
        raise CommandError(f"cannot write the dataset: {exc}") from None
    print(f"{args.name}: ready in {folder}")
    return 0


def cmd_rehearsal(args: argparse.Namespace) -> int:
    """``python -m mgc_helpers rehearsal ...``: :func:`mgc_helpers.datasets.rehearsal.main` with the same arguments."""
    from .datasets import rehearsal

    try:
        return rehearsal.main(args.args)
    except OSError as exc:  # --out cannot be created or written
        raise CommandError(f"cannot write the rehearsal archives: {exc}") from None


def _load_tracks(args: argparse.Namespace) -> "Any":
    """The tracks table for ``features``; a bad name, a missing dataset or an empty folder is a :class:`CommandError`."""
    from .datasets import load_tracks

    try:
        return load_tracks(args.dataset, root=args.root, genres=args.genres)
    except (ValueError, TypeError, FileNotFoundError, NotADirectoryError, PermissionError) as exc:
        message = str(exc)
        if isinstance(exc, TypeError) and "genres=" in message:
            message = f"--genres is for FMA and toy datasets, not for {args.dataset!r}: {message}"
        raise CommandError(message) from None


def cmd_features(args: argparse.Namespace) -> int:
    import warnings

    from . import cache
    from .datasets import report

    out = _check_out(args.out)
    cache_root = _cache_root()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the report below lists every skipped file
        tracks = _load_tracks(args)
    params: dict = {}
    if args.kind in ("logmel", "mfcc"):
        params.update(n_mels=args.n_mels, hop_length=args.hop_length, n_fft=args.n_fft)
    if args.kind == "mfcc":
        params["n_mfcc"] = args.n_mfcc
    if args.seconds is not None:
        params["seconds"] = args.seconds
    if args.split != "all":
        tracks = tracks[tracks["split"] == args.split].reset_index(drop=True)
        if tracks.empty:
            raise CommandError(f"{args.dataset}: the {args.split} split holds no tracks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feats = cache.track_features(tracks, kind=args.kind, n_jobs=args.n_jobs, progress=not args.quiet, **params)
    print(f"{args.dataset}: {len(feats)} of {len(tracks)} tracks -> {args.kind} {params} "
          f"in {time.perf_counter() - t0:.1f} s (cached in {cache_root})")
    problems = report(tracks)
    for path, status, reason in problems.itertuples(index=False):
        print(f"  {status}: {path}: {reason}")
    for path, reason in feats.failures.items():
        print(f"  failed: {path}: {reason}")
    if len(feats) == 0:
        print(f"error: no features were computed: all {len(tracks)} tracks failed (see above)", file=sys.stderr)
        return 1
    if out is not None:
        _save_npz(out, feats)
    return 0


def _save_npz(out: Path, feats: "Any") -> None:
    """Write the stacked features and labels atomically (per-process temporary file, then ``os.replace``)."""
    import os

    import numpy as np

    X = feats.stack()
    labels = {c: np.asarray(feats.tracks[c].astype(str), dtype=str) for c in ("track_id", "genre", "split")}
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            np.savez(f, X=X, **labels)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"  saved {X.shape} {X.dtype} to {out}")


def cmd_badges(args: argparse.Namespace) -> int:
    from . import launch

    try:
        stale = launch.update(args.root, check=args.check)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in stale:
        print(f"{'stale' if args.check else 'updated'}: {path}")
    if args.check and stale:
        print("run `python -m mgc_helpers badges` to update them", file=sys.stderr)
        return 1
    if not stale:
        print("badges and set-up cells are up to date")
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    from . import config
    from .assignments import SolutionMarkupError, write_student_copies

    root = config.repo_root()
    src = Path(args.src) if args.src else (root / "notebooks" if root is not None else Path("notebooks"))
    dest = Path(args.dest) if args.dest else (root / "student" if root is not None else Path("student"))
    try:
        report = write_student_copies(src, dest, keep_badge=args.keep_badge)
    except (FileNotFoundError, SolutionMarkupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for copy in report:
        checks = ", ".join(c for e in copy.exercises for c in e.checks) or "none"
        print(f"  {copy.dest.name:<45} {copy.n_solutions} solution(s) cleared, "
              f"{copy.n_checked} auto-checked exercise(s): {checks}")
    print(f"{len(report)} student notebooks in {dest}")
    return 0


def cmd_examples(args: argparse.Namespace) -> int:
    """Fill librosa's data folder with its example recordings: from a folder of copies, or by download."""
    from . import examples

    target = Path(args.target).expanduser() if args.target else examples.data_dir()
    if args.source:
        try:
            placed = examples.fill_offline(args.source, target_dir=target)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        for path in placed:
            print(f"placed: {path}")
        print(f"{len(placed)} example file(s) in {target}")
        return 0 if placed else 1
    keys = args.keys.split(",") if args.keys else list(examples.MUSIC)
    got = []
    for key in keys:
        try:
            found = examples.path(key.strip(), hq=args.hq, folder=target)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if found is not None:
            print(f"ready: {found}")
            got.append(found)
    print(f"{len(got)} of {len(keys)} example recording(s) in {target}")
    return 0 if got else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m mgc_helpers`` (numbers are checked here, before any work)."""
    from .toy import DEFAULT_OPTIONS

    parser = argparse.ArgumentParser(prog="python -m mgc_helpers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_toy = sub.add_parser("toy", help="generate the toy dataset if missing")
    p_toy.add_argument("--root", help="dataset folder (default: <data root>/toy)")
    p_toy.add_argument("--force", action="store_true", help="regenerate even if present")
    p_toy.add_argument("--seed", type=int, default=DEFAULT_OPTIONS["seed"], help="dataset seed (default 0)")
    p_toy.add_argument("--n-jobs", type=n_jobs, default=DEFAULT_OPTIONS["n_jobs"], help="worker processes (default 2)")
    p_toy.add_argument("--genres", help="comma-separated genres (default: all ten)")
    p_toy.add_argument("--n-artists", type=positive_int, default=DEFAULT_OPTIONS["n_artists"],
                       help="artists per genre")
    p_toy.add_argument("--tracks-per-artist", type=positive_int, default=DEFAULT_OPTIONS["tracks_per_artist"])
    p_toy.add_argument("--duration", type=positive_float, default=DEFAULT_OPTIONS["duration"],
                       help="seconds per song")
    p_toy.set_defaults(func=cmd_toy)
    sub.add_parser("warm", help="compile librosa's numba cache").set_defaults(func=cmd_warm)
    sub.add_parser("info", help="data and cache locations, sizes, how to clear them").set_defaults(func=cmd_info)
    p_dl = sub.add_parser("download", help="download a dataset (checksummed; tries mirrors in order)")
    p_dl.add_argument("name", choices=["gtzan", "gtzan_splits", "fma_metadata", "fma_small", "fma_medium", "toy"])
    p_dl.add_argument("--root", help="data root (default: $MGC_DATA_DIR or the repository's data/)")
    p_dl.add_argument("--mirror", action="append",
                      help="extra address of the archive, tried first (repeatable; each needs its --mirror-hash)")
    p_dl.add_argument("--mirror-hash", action="append", metavar="ALG:HEX",
                      help="hash of the copy the matching --mirror serves, e.g. sha256:<64 hex digits>")
    p_dl.add_argument("--force", action="store_true", help="download and extract again even if present")
    p_dl.add_argument("--keep-archive", action="store_true", help="keep the archive in <root>/downloads")
    p_dl.add_argument("--retries", type=positive_int, default=2,
                      help="retries per mirror after a dropped connection (1 or more; default 2)")
    p_dl.add_argument("--quiet", action="store_true", help="no progress bar")
    p_dl.set_defaults(func=cmd_download)
    p_rh = sub.add_parser("rehearsal", add_help=False,
                          help="write rehearsal archives (GTZAN/FMA layouts, generated music): "
                               "rehearsal {gtzan,fma} --out DIR [--per-genre N] [--seconds S] ...")
    p_rh.add_argument("args", nargs=argparse.REMAINDER, help="arguments of python -m mgc_helpers.datasets.rehearsal")
    p_rh.set_defaults(func=cmd_rehearsal)
    p_ft = sub.add_parser("features", help="extract and cache features of a dataset in parallel")
    p_ft.add_argument("dataset", help="toy, gtzan, fma_small, fma_medium or a folder (one sub-folder per genre)")
    p_ft.add_argument("--kind", choices=["logmel", "mfcc", "summary"], default="logmel")
    p_ft.add_argument("--root", help="data root (default: $MGC_DATA_DIR or the repository's data/)")
    p_ft.add_argument("--genres", help="FMA genre set: four or eight")
    p_ft.add_argument("--split", choices=["all", "train", "valid", "test"], default="all")
    p_ft.add_argument("--n-mels", type=positive_int, default=128)
    p_ft.add_argument("--n-mfcc", type=positive_int, default=20)
    p_ft.add_argument("--n-fft", type=positive_int, default=2048)
    p_ft.add_argument("--hop-length", type=positive_int, default=512)
    p_ft.add_argument("--seconds", type=positive_float, help="pad/trim every clip to this length first (e.g. 29.12)")
    p_ft.add_argument("--n-jobs", type=n_jobs, default=2, help="worker processes (-1: one per CPU core)")
    p_ft.add_argument("--out", help="also save the stacked array, labels and split to this .npz file")
    p_ft.add_argument("--quiet", action="store_true", help="no progress bar")
    p_ft.set_defaults(func=cmd_features)
    p_st = sub.add_parser("student", help="write student copies of the notebooks (solutions -> stubs)")
    p_st.add_argument("--src", help="folder of the instructor notebooks (default: the repository's notebooks/)")
    p_st.add_argument("--dest", help="folder for the copies (default: the repository's student/)")
    p_st.add_argument("--keep-badge", action="store_true",
                      help="keep the Open-in-Colab badge (it opens the instructor version)")
    p_st.set_defaults(func=cmd_student)
    p_bd = sub.add_parser("badges", help="regenerate notebook/README badges and set-up cells from config")
    p_bd.add_argument("--check", action="store_true", help="change nothing; exit 1 listing stale files")
    p_bd.add_argument("--root", help="repository folder (default: this checkout)")
    p_bd.set_defaults(func=cmd_badges)
    p_ex = sub.add_parser("examples", help="librosa's example recordings (real music): fetch them, or place "
                                           "local copies by hash (--from DIR)")
    p_ex.add_argument("--from", dest="source", metavar="DIR",
                      help="folder of copies (e.g. ../shared/real_audio/cc_music): matched by SHA-256, no download")
    p_ex.add_argument("--target", metavar="DIR", help="librosa's data folder (default: $LIBROSA_DATA_DIR)")
    p_ex.add_argument("--keys", help="comma-separated keys to fetch (default: the six music examples)")
    p_ex.add_argument("--hq", action="store_true", help="fetch the high-quality variants")
    p_ex.set_defaults(func=cmd_examples)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input prints ``error: ...`` (no traceback) and returns 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["rehearsal"]:  # its options are rehearsal.main's (REMAINDER cannot take a leading --out)
        args = argparse.Namespace(func=cmd_rehearsal, args=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
