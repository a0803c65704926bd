"""Benchmark: the course's parallel, cached log-mel extraction vs a plain librosa loop.

    python benchmarks/bench_features.py            # 1000 toy clips of 30 s (generated once into data/bench_clips)
    python benchmarks/bench_features.py --n 200    # a quicker run
    python benchmarks/bench_features.py --n 200 400 1000   # several sizes in one run (first N clips each)
    python benchmarks/bench_features.py --folder data/gtzan/genres   # real files instead

In one run, on the same files:

1. **loop**: ``librosa.load(path=..., sr=22050)`` + ``librosa.feature.melspectrogram`` (+
   ``librosa.power_to_db``) for each file, one after the other;
2. **cold**: :func:`mgc_helpers.cache.track_features` (``kind="logmel"``, 2 joblib workers)
   on an empty cache (a fresh temporary ``MGC_CACHE_DIR``; worker start-up included);
3. **cached**: the same call again (every result comes from the on-disk cache).

Goals (issue 3, 2 cores): cold >= 1.7x faster than the loop; cached >= 20x faster than cold.
Both ratios are printed for every N, then a summary table. CPU seconds count this
process and its worker processes: the joblib workers are shut down (and so reaped)
before each measurement starts and ends, so their whole CPU time is in
``getrusage(RUSAGE_CHILDREN)`` and none is lost or counted twice.
Results go to ``benchmarks/results/bench_features.json`` (git-ignored; one entry per N).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SR = 22050


def _write_clip(folder: str, i: int, seconds: float) -> str:
    import soundfile as sf

    from mgc_helpers import toy

    genre = toy.GENRES[i % len(toy.GENRES)]
    path = Path(folder) / f"{genre}.{i:05d}.wav"
    if not path.exists():
        y, _ = toy.synthesize_track(genre, artist=(i // len(toy.GENRES)) % 5, seed=i, duration=seconds, sr=SR)
        tmp = path.with_suffix(".tmp.wav")
        sf.write(tmp, y, SR, subtype="PCM_16")
        os.replace(tmp, path)
    return str(path)


def toy_clips(n: int, seconds: float, folder: Path, n_jobs: int) -> list[str]:
    """Generate (once) ``n`` toy clips of ``seconds`` into ``folder``."""
    from joblib import Parallel, delayed

    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    paths = Parallel(n_jobs=n_jobs)(delayed(_write_clip)(str(folder), i, seconds) for i in range(n))
    print(f"clips: {n} x {seconds:g} s in {folder} (ready in {time.perf_counter() - t0:.1f} s)")
    return paths


def stop_workers() -> None:
    """Shut the joblib (loky) worker processes down and wait for them: their CPU time moves to RUSAGE_CHILDREN."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process, its exited children and its live children.

    Exited children are those the process has waited for (``RUSAGE_CHILDREN``); a live
    child moves from the third term to the second when it exits, so the sum never goes
    down. Call :func:`stop_workers` first so that no worker dies unreaped in between.
    """
    import resource

    import psutil

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:  # exited just now: counted by RUSAGE_CHILDREN once reaped
            pass
    return total


def librosa_loop(paths: list[str], n_mels: int) -> list:
    import librosa

    out = []
    for p in paths:
        y, sr = librosa.load(path=p, sr=SR)
        out.append(librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, n_mels=n_mels), top_db=80.0))
    return out


def measure(paths: list[str], *, n_jobs: int, n_mels: int, loop_blas_threads: int | None) -> dict:
    """Loop, cold and cached runs on ``paths``; returns the timings and both ratios."""
    import librosa
    import numpy as np
    import pandas as pd
    from threadpoolctl import threadpool_limits

    tracks = pd.DataFrame({"track_id": [Path(p).stem for p in paths], "path": paths})
    for p in paths:  # same page-cache state for every contender
        Path(p).read_bytes()
    librosa_loop(paths[:1], n_mels)  # imports and first-call set-up outside the timings
    stop_workers()
    with threadpool_limits(loop_blas_threads):
        t0, c0 = time.perf_counter(), cpu_seconds()
        ref = librosa_loop(paths, n_mels)
        t_loop, c_loop = time.perf_counter() - t0, cpu_seconds() - c0
    print(f"loop   (librosa.load + melspectrogram, sequential): {t_loop:7.2f} s  ({1e3 * t_loop / len(paths):.1f} ms/clip)")

    with tempfile.TemporaryDirectory(prefix="mgc-bench-cache-") as cache_dir:
        os.environ["MGC_CACHE_DIR"] = cache_dir
        from mgc_helpers import cache

        t0, c0 = time.perf_counter(), cpu_seconds()
        cold = cache.track_features(tracks, kind="logmel", n_jobs=n_jobs, progress=False, n_mels=n_mels)
        t_cold = time.perf_counter() - t0
        stop_workers()  # reap the workers, so that their CPU time is counted (worker start-up included)
        c_cold = cpu_seconds() - c0
        print(f"cold   (course, {n_jobs} workers, empty cache):          {t_cold:7.2f} s  ({1e3 * t_cold / len(paths):.1f} ms/clip)")
        t0 = time.perf_counter()
        warm = cache.track_features(tracks, kind="logmel", n_jobs=n_jobs, progress=False, n_mels=n_mels)
        t_cached = time.perf_counter() - t0
        print(f"cached (course, same call again):                   {t_cached:7.2f} s  ({1e3 * t_cached / len(paths):.2f} ms/clip)")
        cache_mb = sum(p.stat().st_size for p in Path(cache_dir).rglob("*") if p.is_file()) / 1e6

    err = max(float(np.max(np.abs(a.astype(np.float32) - r))) for a, r in zip(cold.arrays, ref))
    assert len(cold) == len(warm) == len(paths) and not cold.failures, cold.failures
    assert c_loop >= 0 and c_cold >= 0, (c_loop, c_cold)
    cold_ratio, cached_ratio = t_loop / t_cold, t_cold / t_cached
    # On a busy machine wall times mostly measure the neighbours; CPU seconds do not. On an idle machine
    # with n_jobs free cores the cold run takes about max(its CPU / n_jobs, the loop's share of one core).
    cpu_ratio = c_loop / (c_cold / n_jobs)
    print(f"CPU seconds: loop {c_loop:.1f} s, cold {c_cold:.1f} s (workers and their start-up included) "
          f"-> idle-machine estimate of the cold ratio {cpu_ratio:.2f}x; load average {os.getloadavg()[0]:.1f}")
    print(f"max |course - librosa| = {err:.3f} dB (float16 storage); cache size {cache_mb:.0f} MB")
    print(f"cold ratio   (loop / cold)   = {cold_ratio:5.2f}x   goal >= 1.7x  {'OK' if cold_ratio >= 1.7 else 'MISSED'}")
    print(f"cached ratio (cold / cached) = {cached_ratio:5.1f}x   goal >= 20x   {'OK' if cached_ratio >= 20 else 'MISSED'}")
    return {
        "n": len(paths), "load_average": os.getloadavg(),
        "loop_s": t_loop, "cold_s": t_cold, "cached_s": t_cached, "loop_cpu_s": c_loop, "cold_cpu_s": c_cold,
        "cpu_estimate_cold_ratio": cpu_ratio,
        "cold_ratio": cold_ratio, "cached_ratio": cached_ratio, "max_abs_diff_db": err,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000],
                        help="number(s) of clips, e.g. --n 200 400 1000 (default 1000)")
    parser.add_argument("--seconds", type=float, default=30.0, help="clip length (default 30 s)")
    parser.add_argument("--folder", help="use the audio files under this folder instead of toy clips")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--n-mels", type=int, default=128)
    parser.add_argument("--clips-dir", default=None, help="where toy clips go (default <data root>/bench_clips_<s>s)")
    parser.add_argument("--loop-blas-threads", type=int, default=None,
                        help="limit BLAS threads in the loop (default: the library's own choice, as a student gets)")
    args = parser.parse_args(argv)
    if min(args.n) < 1:
        parser.error(f"--n must be >= 1, got {args.n}")

    os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".cache" / "numba"))
    import librosa

    from mgc_helpers import config

    n_max = max(args.n)
    if args.folder:
        paths = sorted(str(p) for p in Path(args.folder).rglob("*") if p.suffix.lower() in (".wav", ".au", ".mp3", ".ogg"))
        paths = paths[:n_max]
    else:
        clips = Path(args.clips_dir) if args.clips_dir else config.data_root() / f"bench_clips_{args.seconds:g}s"
        paths = toy_clips(n_max, args.seconds, clips, args.n_jobs)
    runs = []
    for n in sorted(set(args.n)):
        if n > len(paths):
            print(f"\n--- N = {n}: skipped, only {len(paths)} files")
            continue
        print(f"\n--- N = {n}")
        runs.append(measure(paths[:n], n_jobs=args.n_jobs, n_mels=args.n_mels,
                            loop_blas_threads=args.loop_blas_threads))
    print("\n     N   loop s   cold s  cached s  cold ratio (loop/cold)  cached ratio (cold/cached)  CPU estimate")
    for r in runs:
        print(f"{r['n']:6d} {r['loop_s']:8.1f} {r['cold_s']:8.1f} {r['cached_s']:9.2f} {r['cold_ratio']:17.2f}x "
              f"{r['cached_ratio']:26.1f}x {r['cpu_estimate_cold_ratio']:12.2f}x")
    result = {
        "seconds": args.seconds, "n_jobs": args.n_jobs, "n_mels": args.n_mels,
        "cpu_count": os.cpu_count(), "loop_blas_threads": args.loop_blas_threads,
        "python": platform.python_version(), "librosa": librosa.__version__, "runs": runs,
    }
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_features.json").write_text(json.dumps(result, indent=2))
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
