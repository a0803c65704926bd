"""Benchmark of the GTZAN rehearsal: generating the archive, and download -> verify -> extract -> load_tracks.

Usage::

    python benchmarks/bench_rehearsal.py [--per-genre 5] [--seconds S] [--jobs 2] [--root DIR] [--keep]

Writes a rehearsal ``genres.tar.gz`` (``--per-genre`` clips per genre plus the
truncated ``jazz.00054``; clips of 30.013 s unless ``--seconds``) with
:func:`mgc_helpers.datasets.rehearsal.write_gtzan`, serves it from 127.0.0.1, downloads
it with :func:`mgc_helpers.datasets.download` and loads it with
``load_tracks("gtzan", decode=True)``. Prints the wall time of each stage, the archive
size, and the figures extrapolated linearly to the full 1000 clips, and the peak
resident memory of this process (the joblib workers are separate processes).

The split lists come from ``../shared/gtzan_splits`` (developers and CI) or from
``<data root>/gtzan/splits`` (after ``python -m mgc_helpers download gtzan_splits``).

Skeleton: the per-notebook table of issue 15 (each notebook's wall time and peak
memory at GTZAN size) is not measured here yet.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mgc_helpers import config, datasets  # noqa: E402
from mgc_helpers.datasets import rehearsal  # noqa: E402


def split_lists() -> Path:
    """Where the real GTZAN split lists are on this machine."""
    for folder in (REPO.parent / "shared" / "gtzan_splits", config.data_root() / "gtzan" / "splits"):
        if (folder / "train_filtered.txt").is_file():
            return folder
    raise SystemExit("no GTZAN split lists: run `python -m mgc_helpers download gtzan_splits` first")


def run(work: Path, *, per_genre: int, seconds: float | None, jobs: int) -> dict[str, float]:
    """Time generation, download and loading of one rehearsal; returns the figures."""
    t0 = time.perf_counter()
    archive = rehearsal.write_gtzan(work / "mirror", per_genre=per_genre, seconds=seconds, n_jobs=jobs,
                                    split_lists=split_lists())
    t1 = time.perf_counter()
    with rehearsal.serve(work / "mirror") as url:
        datasets.download("gtzan", root=work / "data", remotes=rehearsal.remotes_for(work / "mirror", url),
                          progress=False, say=lambda m: None)
    t2 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracks = datasets.load_tracks("gtzan", root=work / "data", decode=True)
    t3 = time.perf_counter()
    return {"clips": 10 * per_genre + (0 if 54 in rehearsal.gtzan_clip_numbers(per_genre) else 1),
            "generate_s": t1 - t0, "download_s": t2 - t1, "load_s": t3 - t2, "mb": archive.stat().st_size / 1e6,
            "tracks": len(tracks), "skipped": len(tracks.attrs["skipped"])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-genre", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--root", default=None, help="work folder (default: a temporary one, deleted)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mgc-rehearsal-") as tmp:
        work = Path(args.root) if args.root else Path(tmp)
        r = run(work, per_genre=args.per_genre, seconds=args.seconds, jobs=args.jobs)
    scale = 1000 / r["clips"]
    print(f"{r['clips']} clips: generate {r['generate_s']:.1f} s, download+verify+extract {r['download_s']:.1f} s, "
          f"load_tracks(decode=True) {r['load_s']:.1f} s; archive {r['mb']:.1f} MB; "
          f"{r['tracks']} tracks loaded, {r['skipped']} skipped")
    print(f"extrapolated to 1000 clips: generate {r['generate_s'] * scale / 60:.1f} min, "
          f"download {r['download_s'] * scale:.0f} s, load {r['load_s'] * scale:.0f} s, archive {r['mb'] * scale / 1e3:.2f} GB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
