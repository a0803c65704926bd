"""Binder works first time: build the environment the way repo2docker does, then run notebook 01 in it.

repo2docker, for a repository with a ``binder/`` folder, (1) creates a fresh Python environment, (2) runs
``pip install -r binder/requirements.txt`` from the repository root, (3) runs ``./binder/postBuild`` from the
repository root as the notebook user, and (4) starts the server through ``binder/start``. This test does the
same in a temporary copy of the repository (the files git knows about) with a fresh ``python -m venv``, so
nothing in the working tree is touched, and then checks that the image would start at once: the toy data and
librosa's numba cache were built by postBuild in the places the notebooks use at run time, and notebook 01
passes under nbval. Only the package registry is used (pip); the notebook runs with every proxy pointed at a
closed port.

It takes minutes (pip installs TensorFlow; pip's wheel cache makes a repeat ~1-3 min), so it carries the
``binder`` marker: ``make binder-check`` runs it (``make test`` includes it), ``make unit`` leaves it out.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.binder

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/01_audio_basics_fourier.ipynb"
# Variables of the developer's shell or of `make` that would point the copy at this checkout's caches.
_LEAKY = ("MGC_CACHE_DIR", "MGC_DATA_DIR", "NUMBA_CACHE_DIR", "MPLCONFIGDIR", "KERAS_HOME", "VIRTUAL_ENV",
          "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
          "COV_CORE_SOURCE", "COV_CORE_CONFIG", "COV_CORE_DATAFILE", "COVERAGE_PROCESS_START")
_NO_NETWORK = {key: "http://127.0.0.1:9" for key in
               ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")}
_NO_NETWORK.update(no_proxy="localhost,127.0.0.1", NO_PROXY="localhost,127.0.0.1")


def _copy_of_the_repository(dest: Path) -> Path:
    """Copy the files git tracks (and new, not ignored ones) to ``dest``, keeping the executable bits."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _run(cmd: list[str], *, cwd: Path, env: dict, timeout: float = 1800, **extra) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env={**env, **extra}, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}"
    return proc


@pytest.fixture(scope="module")
def binder_image(tmp_path_factory):
    """A repository copy with a fresh venv built from ``binder/`` as repo2docker would; yields (repo, env, times)."""
    base = tmp_path_factory.mktemp("binder")
    repo = _copy_of_the_repository(base / "repo")
    venv = base / "venv"
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(str(REPO / ".venv"))]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["PIP_NO_INPUT"] = "1"
    times: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        # repo2docker: `pip install -r binder/requirements.txt` from the repository root (pip resolves the
        # nested `-r ../requirements.txt` against binder/); it adds --no-cache-dir, we keep pip's cache.
        _run(["pip", "install", "--quiet", "-r", "binder/requirements.txt"], cwd=repo, env=env)
        times["requirements"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        _run(["./binder/postBuild"], cwd=repo, env=env)
        times["postBuild"] = time.perf_counter() - t0
        yield repo, env, times
    finally:
        shutil.rmtree(venv, ignore_errors=True)  # ~2 GB; the copy itself is small


def test_requirements_come_from_the_course_list(binder_image):
    repo, env, _ = binder_image
    listed = (repo / "binder" / "requirements.txt").read_text().split()
    assert "-r" in listed and "../requirements.txt" in listed
    frozen = _run(["python", "-m", "pip", "list", "--format=freeze"], cwd=repo, env=env).stdout
    installed = {line.split("==")[0].lower().replace("-", "_") for line in frozen.splitlines()}
    for name in ("tensorflow", "keras", "librosa", "ipywidgets", "jupyterlab", "nbval", "mir_eval", "mgc_helpers"):
        assert name in installed, f"{name} is not installed in the Binder environment"


def test_postbuild_baked_data_and_caches_where_the_notebooks_look(binder_image):
    repo, env, _ = binder_image
    # binder/start is what the notebook server runs under: ask the package where it looks from there
    where = _run(["binder/start", "python", "-c",
                  "import os, mgc_helpers as m; print(m.__file__); print(m.config.toy_root()); "
                  "print(m.config.cache_root()); print(os.environ['NUMBA_CACHE_DIR'])"],
                 cwd=repo, env=env).stdout.split()
    package, toy, cache, numba = map(Path, where)
    assert package == repo / "mgc_helpers" / "__init__.py"   # the course is installed from the image's copy
    assert toy == repo / "data" / "toy" and (toy / "metadata.csv").is_file()
    assert cache == repo / ".cache" and numba == cache / "numba"
    assert list(numba.rglob("*.nbi")) and list(numba.rglob("*.nbc")), "librosa's numba cache was not built"
    assert list((cache / "matplotlib").glob("fontlist-*.json")), "matplotlib's font cache was not built"
    # at run time numba loads what postBuild compiled instead of compiling again
    warm = _run(["binder/start", "python", "-m", "mgc_helpers", "warm"], cwd=repo, env=env,
                NUMBA_DEBUG_CACHE="1").stdout
    assert "data loaded from" in warm and "data saved to" not in warm, warm[-3000:]


def test_notebook_01_runs_in_the_binder_environment(binder_image, capsys):
    repo, env, times = binder_image
    metadata = repo / "data" / "toy" / "metadata.csv"
    stamp = metadata.stat().st_mtime_ns
    t0 = time.perf_counter()
    _run(["binder/start", "python", "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env",
          "-p", "no:cacheprovider", NOTEBOOK], cwd=repo, env={**env, **_NO_NETWORK}, timeout=600)
    times["notebook 01"] = time.perf_counter() - t0
    assert metadata.stat().st_mtime_ns == stamp, "the notebook regenerated the toy data postBuild had made"
    with capsys.disabled():
        print("\nbinder build:", ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
