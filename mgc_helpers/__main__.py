"""Command line: ``python -m mgc_helpers {toy,warm,info,download,features,student,badges}``.

``toy``       generate the offline toy dataset if it is missing (``--force`` regenerates it).
``warm``      compile librosa's numba functions once, so the first notebook starts fast.
``info``      where the data and caches are, what is downloaded, how big, how to clear it.
``download``  download a dataset (checksummed, mirrors in order): gtzan, gtzan_splits, fma_metadata,
              fma_small, fma_medium (nothing is ever downloaded otherwise).
``features``  extract and cache log-mel / MFCC / summary features of a dataset in parallel.
``student``   write student copies of the notebooks (solutions replaced by stubs, outputs cleared).
``badges``    rewrite the Colab/Binder badges and set-up cells of the notebooks and README from the
              repository URL in ``mgc_helpers/config.py`` (``--check``: only list what is stale).

The data root is ``$MGC_DATA_DIR`` (default: the repository's ``data/``), the cache root
``$MGC_CACHE_DIR`` (default: the repository's ``.cache/``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def cmd_toy(args: argparse.Namespace) -> int:
    from . import config, toy

    root = Path(args.root) if args.root else config.toy_root()
    t0 = time.perf_counter()
    if args.force and (root / "metadata.csv").exists():
        (root / "metadata.csv").unlink()
    tracks = toy.ensure_toy_dataset(root)
    print(f"toy dataset: {len(tracks)} tracks in {root} ({time.perf_counter() - t0:.1f} s)")
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
    from . import __version__, config
    from .datasets import DOWNLOADABLE, is_downloaded

    cache = config.cache_root()
    data = config.data_root()
    print(f"mgc_helpers {__version__}")
    print(f"data root  : {data}  (set MGC_DATA_DIR to move it)")
    for child in sorted(data.glob("*")):
        if child.is_dir():
            print(f"  {child.name:<12} {_folder_size(child) / 1e6:8.1f} MB")
    status = ", ".join(f"{name} {'yes' if is_downloaded(name, root=data) else 'no'}" for name in DOWNLOADABLE)
    print(f"datasets   : {status}")
    print("  get one with: python -m mgc_helpers download gtzan|fma_small|fma_medium")
    leftovers = [p for p in data.glob(".*") if ".partial-" in p.name or ".old-" in p.name]
    leftovers += [p for p in data.glob("downloads/.*.part")]
    for p in leftovers:
        print(f"  leftover of an interrupted download (safe to delete): {p}")
    print(f"cache root : {cache}  (set MGC_CACHE_DIR to move it)")
    for child in sorted(cache.glob("*")):
        if child.is_dir():
            print(f"  {child.name:<12} {_folder_size(child) / 1e6:8.1f} MB")
    print("clear the feature cache (joblib + segments) with: python -c 'import mgc_helpers.cache as c; c.clear()'")
    print(f"remove every cache with: rm -rf {cache}   (or `make clean-cache`)")
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from .datasets import DownloadError, ExtractError, download, remotes

    table = remotes.REMOTES
    if args.mirror:
        key = {"gtzan": "gtzan_audio"}.get(args.name, args.name)
        if key not in table:
            print(f"error: --mirror is for one archive (gtzan, fma_metadata, fma_small, fma_medium), not {args.name}",
                  file=sys.stderr)
            return 2
        table = remotes.with_mirrors(table, key, *args.mirror)
    try:
        folder = download(args.name, root=args.root, remotes=table, force=args.force,
                          keep_archive=args.keep_archive, progress=not args.quiet, retries=args.retries)
    except (DownloadError, ExtractError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.name}: ready in {folder}")
    return 0


def cmd_features(args: argparse.Namespace) -> int:
    import warnings

    from . import cache
    from .datasets import load_tracks, report

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the report below lists every skipped file
        tracks = load_tracks(args.dataset, root=args.root, genres=args.genres)
    params: dict = {}
    if args.kind in ("logmel", "mfcc"):
        params.update(n_mels=args.n_mels, hop_length=args.hop_length, n_fft=args.n_fft)
    if args.kind == "mfcc":
        params["n_mfcc"] = args.n_mfcc
    if args.seconds is not None:
        params["seconds"] = args.seconds
    if args.split != "all":
        tracks = tracks[tracks["split"] == args.split].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feats = cache.track_features(tracks, kind=args.kind, n_jobs=args.n_jobs, progress=not args.quiet, **params)
    print(f"{args.dataset}: {len(feats)} of {len(tracks)} tracks -> {args.kind} {params} "
          f"in {time.perf_counter() - t0:.1f} s (cached in {cache.memory().location})")
    problems = report(tracks)
    for path, status, reason in problems.itertuples(index=False):
        print(f"  {status}: {path}: {reason}")
    for path, reason in feats.failures.items():
        print(f"  failed: {path}: {reason}")
    if args.out:
        import numpy as np

        X = feats.stack()
        labels = {c: np.asarray(feats.tracks[c].astype(str), dtype=str) for c in ("track_id", "genre", "split")}
        np.savez(args.out, X=X, **labels)
        print(f"  saved {X.shape} {X.dtype} to {args.out}")
    return 0


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgc_helpers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_toy = sub.add_parser("toy", help="generate the toy dataset if missing")
    p_toy.add_argument("--root", help="folder (default: <data root>/toy)")
    p_toy.add_argument("--force", action="store_true", help="regenerate even if present")
    p_toy.set_defaults(func=cmd_toy)
    sub.add_parser("warm", help="compile librosa's numba cache").set_defaults(func=cmd_warm)
    sub.add_parser("info", help="data and cache locations, sizes, how to clear them").set_defaults(func=cmd_info)
    p_dl = sub.add_parser("download", help="download a dataset (checksummed; tries mirrors in order)")
    p_dl.add_argument("name", choices=["gtzan", "gtzan_splits", "fma_metadata", "fma_small", "fma_medium", "toy"])
    p_dl.add_argument("--root", help="data root (default: $MGC_DATA_DIR or the repository's data/)")
    p_dl.add_argument("--mirror", action="append", help="extra address of the archive, tried first (repeatable)")
    p_dl.add_argument("--force", action="store_true", help="download and extract again even if present")
    p_dl.add_argument("--keep-archive", action="store_true", help="keep the archive in <root>/downloads")
    p_dl.add_argument("--retries", type=int, default=2, help="retries per mirror after a dropped connection")
    p_dl.add_argument("--quiet", action="store_true", help="no progress bar")
    p_dl.set_defaults(func=cmd_download)
    p_ft = sub.add_parser("features", help="extract and cache features of a dataset in parallel")
    p_ft.add_argument("dataset", help="toy, gtzan, fma_small, fma_medium or a folder (one sub-folder per genre)")
    p_ft.add_argument("--kind", choices=["logmel", "mfcc", "summary"], default="logmel")
    p_ft.add_argument("--root", help="data root (default: $MGC_DATA_DIR or the repository's data/)")
    p_ft.add_argument("--genres", help="FMA genre set: four or eight")
    p_ft.add_argument("--split", choices=["all", "train", "valid", "test"], default="all")
    p_ft.add_argument("--n-mels", type=int, default=128)
    p_ft.add_argument("--n-mfcc", type=int, default=20)
    p_ft.add_argument("--n-fft", type=int, default=2048)
    p_ft.add_argument("--hop-length", type=int, default=512)
    p_ft.add_argument("--seconds", type=float, help="pad/trim every clip to this length first (e.g. 29.12)")
    p_ft.add_argument("--n-jobs", type=int, default=2)
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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
