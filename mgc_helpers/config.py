"""Where the course keeps its data and caches, and where it lives on the web.

This is the one place that defines the repository URL: the README badges, the
"Open in Colab" links and the Colab set-up cell of every notebook are built from
:data:`GITHUB_REPOSITORY` (a test checks that the notebooks agree with it).

Environment variables
---------------------
``MGC_DATA_DIR``
    Root of all datasets (default: the repository's ``data/`` folder when the package
    is installed from a checkout, else ``~/mgc_data``).
``MGC_CACHE_DIR``
    Root of feature caches, checkpoints and numba/matplotlib caches (default: the
    repository's ``.cache/`` folder, else ``~/.cache/mgc_helpers``).
"""
from __future__ import annotations

import os
from pathlib import Path

#: ``owner/name`` of the course repository on GitHub.
GITHUB_REPOSITORY = "mgc-course/music-genre-classification"
#: Branch that badges and the Colab set-up cell point to.
GITHUB_BRANCH = "main"
#: Web address of the repository.
REPOSITORY_URL = f"https://github.com/{GITHUB_REPOSITORY}"

#: Default sample rate of the course (GTZAN's).
SAMPLE_RATE = 22050

_PACKAGE_DIR = Path(__file__).resolve().parent


def repo_root() -> Path | None:
    """The repository checkout that holds this package, or ``None`` when pip-installed."""
    candidate = _PACKAGE_DIR.parent
    if (candidate / "pyproject.toml").is_file() and (candidate / "notebooks").is_dir():
        return candidate
    return None


def data_root() -> Path:
    """Root folder of every dataset (``$MGC_DATA_DIR`` overrides it)."""
    env = os.environ.get("MGC_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    root = repo_root()
    return root / "data" if root is not None else Path.home() / "mgc_data"


def cache_root() -> Path:
    """Root folder of caches (``$MGC_CACHE_DIR`` overrides it); created on demand."""
    env = os.environ.get("MGC_CACHE_DIR")
    if env:
        path = Path(env).expanduser().resolve()
    else:
        root = repo_root()
        path = root / ".cache" if root is not None else Path.home() / ".cache" / "mgc_helpers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def toy_root() -> Path:
    """Folder of the generated toy dataset (``<data root>/toy``)."""
    return data_root() / "toy"


def pip_install_spec() -> str:
    """What ``pip install`` needs to install the course package from GitHub."""
    return f"git+https://github.com/{GITHUB_REPOSITORY}.git@{GITHUB_BRANCH}"


def colab_url(notebook: str) -> str:
    """Address that opens ``notebooks/<notebook>`` in Google Colab."""
    return (
        f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}/blob/"
        f"{GITHUB_BRANCH}/notebooks/{notebook}"
    )


def binder_url(notebook: str | None = None) -> str:
    """Address that opens the repository (or one notebook) on mybinder.org."""
    url = f"https://mybinder.org/v2/gh/{GITHUB_REPOSITORY}/{GITHUB_BRANCH}"
    if notebook:
        url += f"?labpath=notebooks%2F{notebook}"
    return url


def colab_setup_source() -> str:
    """Source of the standard set-up cell, the second cell of every notebook.

    On Google Colab it installs the course package with ``--no-deps`` (so Colab's own TensorFlow, Keras,
    numpy and ipywidgets are never upgraded), then only those of its requirements that Colab lacks
    (usually just ``mir_eval``), and prints one line: whether a GPU is attached and how to get one.
    Elsewhere it only imports :mod:`sys`. It uses no module of the course (it runs before the package is
    installed) and defines no function. ``python -m mgc_helpers badges`` writes it into every notebook.
    Taught in every notebook.
    """
    return f"""\
# Set-up: on Google Colab this installs the course package without touching Colab's own TensorFlow, Keras,
# numpy or ipywidgets, and checks for a GPU; everywhere else it does nothing.
import sys

if "google.colab" in sys.modules:
    import importlib, importlib.metadata as md, re, shutil, subprocess
    PIP = [sys.executable, "-m", "pip", "install", "-q"]
    have = {{re.sub(r"[-_.]+", "-", str(d.metadata["Name"])).lower() for d in md.distributions()}}
    if "mgc-helpers" not in have:  # --no-deps: Colab's TensorFlow, Keras, numpy, ipywidgets stay as they are
        subprocess.run(PIP + ["--no-deps", "mgc-helpers @ {pip_install_spec()}"], check=True)
        importlib.invalidate_caches()
    wanted = [re.match(r"[\\w.-]+", r)[0] for r in md.requires("mgc-helpers") if "extra ==" not in r]
    missing = [name for name in wanted if re.sub(r"[-_.]+", "-", name).lower() not in have]
    if missing:  # what Colab lacks, e.g. mir_eval
        subprocess.run(PIP + missing, check=True)
    gpu = shutil.which("nvidia-smi") and subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True).stdout
    print(f"Course package ready. GPU: {{gpu.split(' (UUID')[0]}}" if gpu else "Course package ready. No GPU: "
          "fine for the toy data; for GTZAN/FMA choose Runtime → Change runtime type → GPU.")
"""
