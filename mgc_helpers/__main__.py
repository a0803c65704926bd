"""Command line: ``python -m mgc_helpers {toy,warm,info}``.

``toy``   generate the offline toy dataset if it is missing (``--force`` regenerates it).
``warm``  compile librosa's numba functions once, so the first notebook starts fast.
``info``  where the data and caches are, and how big they are.
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

    cache = config.cache_root()
    print(f"mgc_helpers {__version__}")
    print(f"data root  : {config.data_root()}  (set MGC_DATA_DIR to move it)")
    for child in sorted(config.data_root().glob("*")):
        if child.is_dir():
            print(f"  {child.name:<12} {_folder_size(child) / 1e6:8.1f} MB")
    print(f"cache root : {cache}  (set MGC_CACHE_DIR to move it)")
    for child in sorted(cache.glob("*")):
        if child.is_dir():
            print(f"  {child.name:<12} {_folder_size(child) / 1e6:8.1f} MB")
    print("clear the feature cache with: python -c 'import mgc_helpers.cache as c; c.clear()'")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mgc_helpers", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_toy = sub.add_parser("toy", help="generate the toy dataset if missing")
    p_toy.add_argument("--root", help="folder (default: <data root>/toy)")
    p_toy.add_argument("--force", action="store_true", help="regenerate even if present")
    p_toy.set_defaults(func=cmd_toy)
    sub.add_parser("warm", help="compile librosa's numba cache").set_defaults(func=cmd_warm)
    sub.add_parser("info", help="data and cache locations and sizes").set_defaults(func=cmd_info)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
