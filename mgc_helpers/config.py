"""Where the course keeps its data and caches, where it lives on the web, and how big its networks are.

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
``MGC_PROFILE``
    ``cpu`` or ``gpu``: what a notebook's ``PROFILE = "auto"`` means (default: ``gpu`` when
    TensorFlow sees a GPU, else ``cpu``).

One switch for CPU or GPU
-------------------------
:data:`PROFILES` is the one table of the sizes every training notebook (04-08, 10) uses: the ``"cpu"``
profile is the quick toy run, the ``"gpu"`` profile trains the reports' networks at their published sizes.
A notebook sets ``PROFILE = "auto"`` in its parameters cell and reads its sizes with
:func:`profile_sizes` in the cell after it (so that papermill can override ``PROFILE``); only
:func:`gpu_available` imports TensorFlow (through the package's quiet entry point,
:func:`mgc_helpers._tensorflow.import_tensorflow`), and only when ``"auto"`` is resolved without ``$MGC_PROFILE``.
Given the notebook's ``DATASET``, the CPU profile trains less on a real dataset (:data:`CPU_AT_REAL_SIZE`: fewer
crops per clip and epoch, fewer test segments per clip, fewer seed repeats; same split and test clips) and
prints what it cut.
"""
from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, ClassVar, Mapping

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


# ---------------------------------------------------------------------------
# One switch for CPU or GPU: the sizes of every notebook that trains a network
# ---------------------------------------------------------------------------
#: The profiles a notebook can choose besides ``"auto"``.
PROFILE_NAMES = ("cpu", "gpu")
#: Environment variable that decides what ``"auto"`` means without asking TensorFlow (tests, CI, rehearsals).
PROFILE_ENV = "MGC_PROFILE"


def gpu_available() -> bool:
    """Whether TensorFlow sees a GPU (imports TensorFlow; nothing else in this module does).

    Used by :func:`resolve_profile` (notebooks 04-08 and 10). Listing the devices does not start
    TensorFlow's runtime, so :func:`mgc_helpers.training.configure_threads` still works afterwards.
    """
    from ._tensorflow import import_tensorflow  # the quiet entry point: no CUDA/absl start-up lines

    return bool(import_tensorflow().config.list_physical_devices("GPU"))


def resolve_profile(profile: str = "auto") -> str:
    """``"cpu"`` or ``"gpu"``: the profile a notebook's ``PROFILE`` parameter stands for.

    Used by :func:`profile_sizes` (notebooks 04-08 and 10). ``"auto"`` is ``$MGC_PROFILE`` when that
    is set, else ``"gpu"`` when TensorFlow sees a GPU (:func:`gpu_available`, the only case that
    imports TensorFlow) and ``"cpu"`` otherwise. An explicit ``"cpu"`` or ``"gpu"`` is returned as is.

    Parameters
    ----------
    profile : {"auto", "cpu", "gpu"}

    Returns
    -------
    str
        ``"cpu"`` or ``"gpu"``.

    Raises
    ------
    ValueError
        For any other name, or an invalid ``$MGC_PROFILE``.
    """
    choices = ("auto", *PROFILE_NAMES)
    if not isinstance(profile, str) or profile.strip().lower() not in choices:
        raise ValueError(f"PROFILE must be one of {choices}, got {profile!r}")
    profile = profile.strip().lower()
    if profile != "auto":
        return profile
    env = os.environ.get(PROFILE_ENV, "").strip().lower()
    if env:
        if env not in PROFILE_NAMES:
            raise ValueError(f"${PROFILE_ENV} must be one of {PROFILE_NAMES} (or unset), got {env!r}")
        return env
    return "gpu" if gpu_available() else "cpu"


def _seconds(frames: int, hop: int) -> float:
    """The duration whose :func:`mgc_helpers.features.seconds_to_frames` at ``hop`` is ``frames``."""
    return frames * hop / SAMPLE_RATE


@dataclass(frozen=True)
class SeedInput:
    """The input and the training length of one report network in notebook 05 (a part of :class:`CNNSizes`).

    ``n_mels`` bands x ``frames`` frames of log-mels at ``hop`` samples per frame (22,050 Hz), trained
    ``epochs`` epochs in batches of ``batch_size``.
    """

    n_mels: int
    hop: int
    frames: int
    epochs: int
    batch_size: int


@dataclass(frozen=True)
class _Sizes:
    """What every notebook's sizes have: the profile they belong to, what was changed, how they are printed."""

    profile: str
    #: The sizes set away from the profile's values (by the notebook's parameters or by hand).
    changed: tuple[str, ...] = field(default=(), kw_only=True)
    #: The real dataset the CPU profile was cut down for (:data:`CPU_AT_REAL_SIZE`), else ``None``.
    dataset: str | None = field(default=None, kw_only=True)
    #: The sizes the CPU profile cut down for that dataset, as ``(name, toy value, value used)``.
    reduced: tuple[tuple[str, Any, Any], ...] = field(default=(), kw_only=True)
    #: The notebook these sizes are for.
    notebook: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """The sizes by name (every field but ``profile`` and ``changed``), in the order of the class."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("profile", "changed", "dataset", "reduced")}

    def __str__(self) -> str:
        parts = []
        for name, value in self.to_dict().items():
            if isinstance(value, SeedInput):
                value = (f"({value.n_mels} x {value.frames} at hop {value.hop}, {value.epochs} epochs, "
                         f"batch {value.batch_size})")
            elif isinstance(value, float):
                value = f"{value:g}"
            parts.append(f"{name}={value}")
        changed = f" (changed from the profile: {', '.join(self.changed)})" if self.changed else ""
        lines = [f"PROFILE {self.profile!r}: the sizes of {self.notebook}{changed}:"]
        for part in parts:  # lines of at most about 110 characters, never splitting one size
            if len(lines) == 1 or len(lines[-1]) + len(part) > 108:
                lines.append(" ")
            lines[-1] += f" {part},"
        text = "\n".join(lines)[:-1]
        if self.reduced:
            cuts = ", ".join(f"{name} {old} -> {new}" for name, old, new in self.reduced)
            note = (f"On {self.dataset!r} (real clips, many more than the toy data's) the CPU profile trains less "
                    f"so that the notebook fits a 2-core CPU: {cuts} (same split, same test clips; "
                    f"PROFILE = \"gpu\" trains at full size).")
            text += "\n" + textwrap.fill(note, width=110, initial_indent="  ", subsequent_indent="  ")
        return text

    def describe(self) -> None:
        """Print the profile and every size it chose (each training notebook calls it once)."""
        print(self)


@dataclass(frozen=True)
class FFNNSizes(_Sizes):
    """Sizes of notebook 04 (feed-forward networks on MFCCs).

    CPU: the notebook's toy set-up (64 bands, hop 1024, 20 MFCCs, 40 epochs, batches of 16).
    GPU: report 002's features, 128 mel bands at hop 1024 (its 128 x 660 input, also report 003's hop), and
    the 40 epochs of report 002's FFNN log ("Epoch 40/40"); 20 MFCCs and batches of 16 as on the CPU (an
    FFNN is cheap either way).
    """

    notebook: ClassVar[str] = "04_ffnn.ipynb"

    n_mels: int
    hop: int
    n_mfcc: int
    epochs: int
    batch_size: int


@dataclass(frozen=True)
class CNNSizes(_Sizes):
    """Sizes of notebook 05 (report 002's and report 000's CNNs, the recommended CNN).

    CPU: today's toy run: 64 bands at hop 1024, 3-s crops (65 frames), 15 epochs of the recommended
    CNN at 8/16/32 filters, and both reports' CNNs as 2-epoch demos on the same crops.
    GPU: the recommended CNN at 16/32/64 filters (its defaults, :func:`mgc_helpers.models.cnn.recommended_cnn`)
    on 3-s crops of 128-band log-mels at hop 1024 (report 003's mel set-up), 40 epochs, 8 crops per clip;
    report 002's CNN on 128 x 660 (report 002: "128 mel scales and 660 time windows", 660 frames at hop 1024
    = 30.7 s, clips zero-padded as the seed says) for 40 epochs (report 002 trained 40; it over-fits after
    15-20); report 000's CNN on 96 x 1366 ("The spectrograms are 1366 X 96 pixels", hop 512 as report 001)
    for its 160 epochs in batches of 400 (report 000, Figure 5 and section 4.2).
    ``report_epochs`` is what the notebook's ``REPORT_EPOCHS`` trains the reports' CNNs for on the crops
    above; ``report002``/``report000`` are each report's own input and schedule.
    """

    notebook: ClassVar[str] = "05_cnn.ipynb"

    n_mels: int
    hop: int
    segment_seconds: float
    test_hop_seconds: float
    epochs: int
    crops_per_track: int
    report_epochs: int
    filters: tuple[int, ...]
    batch_size: int
    report002: SeedInput
    report000: SeedInput


@dataclass(frozen=True)
class RNNSizes(_Sizes):
    """Sizes of notebook 06 (report 000's LSTM, report 003's GRU and skip-GRU).

    CPU: 64 bands at hop 1024, 3-s crops, 2 LSTM and 7 GRU epochs, skip length 4, batches of 32.
    GPU: report 000's LSTM on 96 x 1366 log-mels (section 4.3: "an input shape of 96x1366"; hop 512, so
    the 1366 frames are 31.7 s and a 30-s clip is zero-padded), the GRUs on 20 MFCCs of the same
    whole-clip crops; 30 LSTM and 50 GRU epochs (the notebook's own suggestion; report 000 trained its
    LSTM for 1000, far beyond any course budget), skip length 4 (report 003).
    """

    notebook: ClassVar[str] = "06_lstm_gru.ipynb"

    n_mels: int
    n_mfcc: int
    hop: int
    seconds: float
    epochs_lstm: int
    epochs_gru: int
    skip_k: int
    batch_size: int


@dataclass(frozen=True)
class CRNNSizes(_Sizes):
    """Sizes of notebook 07 (report 001's CRNN).

    CPU: 64 bands at hop 1024, 3-s crops, 20 epochs of the toy variant (``TOY_MODEL="toy"``), 4 crops per
    clip in batches of 32; the training is repeated with ``n_seeds`` = 2 seeds (the notebook's own run and one
    more: what the toy budget allows) to show the spread the seed alone causes.
    GPU: report 001's exact table (``TOY_MODEL="report"``: 18,356 parameters for four classes) on 96 x 1366
    log-mels (hop 512, as :data:`mgc_helpers.models.crnn.REPORT001_INPUT_SHAPE`): one whole-clip crop per
    clip and epoch, 30 epochs (report 001 trained 20 at a fixed learning rate of 1e-4; the course's
    1cycle schedule gets 30 on a GPU), batches of 32 (report 001: 128, on FMA's 8,000 clips), 5 seeds.
    """

    notebook: ClassVar[str] = "07_crnn.ipynb"

    n_mels: int
    hop: int
    crop_seconds: float
    test_hop_seconds: float
    epochs: int
    toy_model: str
    crops_per_track: int
    batch_size: int
    n_seeds: int


@dataclass(frozen=True)
class TransferSizes(_Sizes):
    """Sizes of notebook 08 (musicnn embeddings and fine-tuning, an ImageNet VGG16 on spectrogram images).

    CPU: one 3-s musicnn patch per clip, 4 training clips per genre (learning curve at 1, 2, 4, two
    draws each), from-scratch CNNs at 1 and 4 clips per genre for 20 steps, 64-pixel images, no
    whole-network fine-tuning.
    GPU: ten 3-s patches per clip (a whole 30-s clip, musicnn's own patch length), five draws per size,
    200 steps per from-scratch CNN, 224-pixel images (the ImageNet input of reports 003 and 004's VGG16),
    and the whole musicnn fine-tuned. The numbers of labelled clips stay those of the CPU profile: the
    notebook is about learning from few labels, and the toy training split has 12 clips per genre.
    """

    notebook: ClassVar[str] = "08_transfer_learning.ipynb"

    n_patches: int
    train_per_genre: int
    sizes: tuple[int, ...]
    repeats: int
    cnn_sizes: tuple[int, ...]
    cnn_steps: int
    image_size: int
    full_finetune: bool


@dataclass(frozen=True)
class AppSizes(_Sizes):
    """Sizes of notebook 10 (the app's first model).

    CPU: ``None``, the recipe's default epochs (:data:`mgc_helpers.bundle.MODEL_KINDS`). GPU: 30 epochs.
    """

    notebook: ClassVar[str] = "10_compare_and_predict.ipynb"

    app_epochs: int | None


#: Every training notebook's sizes per profile. Each class's docstring names the report each size comes from.
PROFILES: dict[str, dict[str, _Sizes]] = {
    "ffnn": {
        "cpu": FFNNSizes("cpu", n_mels=64, hop=1024, n_mfcc=20, epochs=40, batch_size=16),
        "gpu": FFNNSizes("gpu", n_mels=128, hop=1024, n_mfcc=20, epochs=40, batch_size=16),
    },
    "cnn": {
        "cpu": CNNSizes("cpu", n_mels=64, hop=1024, segment_seconds=3.0, test_hop_seconds=0.75, epochs=15,
                        crops_per_track=4, report_epochs=2, filters=(8, 16, 32), batch_size=64,
                        report002=SeedInput(64, 1024, 65, epochs=2, batch_size=64),
                        report000=SeedInput(64, 1024, 65, epochs=2, batch_size=64)),
        "gpu": CNNSizes("gpu", n_mels=128, hop=1024, segment_seconds=3.0, test_hop_seconds=0.75, epochs=40,
                        crops_per_track=8, report_epochs=40, filters=(16, 32, 64), batch_size=64,
                        report002=SeedInput(128, 1024, 660, epochs=40, batch_size=32),
                        report000=SeedInput(96, 512, 1366, epochs=160, batch_size=400)),
    },
    "rnn": {
        "cpu": RNNSizes("cpu", n_mels=64, n_mfcc=20, hop=1024, seconds=3.0, epochs_lstm=2, epochs_gru=7,
                        skip_k=4, batch_size=32),
        "gpu": RNNSizes("gpu", n_mels=96, n_mfcc=20, hop=512, seconds=_seconds(1366, 512), epochs_lstm=30,
                        epochs_gru=50, skip_k=4, batch_size=32),
    },
    "crnn": {
        "cpu": CRNNSizes("cpu", n_mels=64, hop=1024, crop_seconds=3.0, test_hop_seconds=0.75, epochs=20,
                         toy_model="toy", crops_per_track=4, batch_size=32, n_seeds=2),
        "gpu": CRNNSizes("gpu", n_mels=96, hop=512, crop_seconds=_seconds(1366, 512), test_hop_seconds=0.75,
                         epochs=30, toy_model="report", crops_per_track=1, batch_size=32, n_seeds=5),
    },
    "transfer": {
        "cpu": TransferSizes("cpu", n_patches=1, train_per_genre=4, sizes=(1, 2, 4), repeats=2, cnn_sizes=(1, 4),
                             cnn_steps=20, image_size=64, full_finetune=False),
        "gpu": TransferSizes("gpu", n_patches=10, train_per_genre=4, sizes=(1, 2, 4), repeats=5, cnn_sizes=(1, 4),
                             cnn_steps=200, image_size=224, full_finetune=True),
    },
    "app": {
        "cpu": AppSizes("cpu", app_epochs=None),
        "gpu": AppSizes("gpu", app_epochs=30),
    },
}

#: What the CPU profile cuts on a real dataset (any ``DATASET`` but ``"toy"``: GTZAN's 443 training clips of 30 s
#: and FMA's thousands, against the toy data's 120 of 12 s), so that each notebook stays within its CPU budget at
#: GTZAN size (notebook 05: about 5 minutes on two cores). Only the amount of training and of test-time voting is
#: cut: the split, the test clips, the features and the networks are the same. :func:`profile_sizes` applies it
#: when it is given ``dataset=`` and prints it with the sizes; the GPU profile is never cut.
CPU_AT_REAL_SIZE: dict[str, dict[str, Any]] = {
    "cnn": {"crops_per_track": 2, "test_hop_seconds": 1.5},
    "crnn": {"crops_per_track": 2, "test_hop_seconds": 1.5, "n_seeds": 1},
}

#: The notebook each entry of :data:`PROFILES` sizes.
PROFILE_NOTEBOOKS = {name: sizes["cpu"].notebook for name, sizes in PROFILES.items()}


def profile_sizes(
    notebook: str,
    profile: str = "auto",
    *,
    parameters: Mapping[str, Any] | None = None,
    dataset: str | os.PathLike | None = None,
    **changes: Any,
) -> _Sizes:
    """The sizes one notebook trains with under a profile: the course's one switch for CPU or GPU.

    Used by notebooks 04 (``"ffnn"``), 05 (``"cnn"``), 06 (``"rnn"``), 07 (``"crnn"``), 08
    (``"transfer"``) and 10 (``"app"``), in the cell right after their parameters cell (which holds
    ``PROFILE`` and the ``"cpu"`` sizes, so that papermill can override either)::

        PROFILE_SIZES = mgc.config.profile_sizes("crnn", PROFILE, parameters=dict(n_mels=N_MELS, epochs=EPOCHS))
        PROFILE_SIZES.describe()
        N_MELS, EPOCHS = PROFILE_SIZES.n_mels, PROFILE_SIZES.epochs

    The ``"cpu"`` sizes are what the notebooks ran before the switch existed; the ``"gpu"`` sizes train
    the reports' networks at their published sizes (each class's docstring names the report of each size).

    Parameters
    ----------
    notebook : {"ffnn", "cnn", "rnn", "crnn", "transfer", "app"}
        A key of :data:`PROFILES`.
    profile : {"auto", "cpu", "gpu"}
        See :func:`resolve_profile` (``"auto"`` may import TensorFlow to look for a GPU).
    parameters : mapping, optional, keyword-only
        The notebook's parameters cell, by size name. A value equal to the ``"cpu"`` profile's follows
        the chosen profile; any other value was set on purpose (by hand, or injected by papermill) and
        is kept. Lists count as tuples (papermill injects JSON).
    dataset : str or path-like, optional, keyword-only
        The notebook's ``DATASET``. Under the ``"cpu"`` profile, a real dataset (anything but ``"toy"``)
        gets the cuts of :data:`CPU_AT_REAL_SIZE` for this notebook (listed in ``.reduced`` and printed by
        ``describe``); a parameter set on purpose still wins.
    **changes
        Single sizes to set whatever their value, e.g. ``epochs=2`` for a quick rehearsal.

    Returns
    -------
    FFNNSizes, CNNSizes, RNNSizes, CRNNSizes, TransferSizes or AppSizes
        Frozen; ``.profile`` is ``"cpu"`` or ``"gpu"``, ``.changed`` names the sizes that differ
        from that profile's.

    Raises
    ------
    KeyError
        For an unknown notebook.
    TypeError
        For a parameter or change that names no size of that notebook.
    """
    if notebook not in PROFILES:
        raise KeyError(f"no profile sizes for {notebook!r}; choose one of {sorted(PROFILES)}")
    cpu = PROFILES[notebook]["cpu"]
    chosen = PROFILES[notebook][resolve_profile(profile)]
    real = dataset is not None and str(dataset) != "toy"
    cuts = CPU_AT_REAL_SIZE.get(notebook, {}) if real and chosen.profile == "cpu" else {}
    if cuts:
        chosen = replace(chosen, **cuts)
    names = list(chosen.to_dict())
    given = dict(parameters or {})
    unknown = sorted((set(given) | set(changes)) - set(names))
    if unknown:
        raise TypeError(f"{type(chosen).__name__} has no size {', '.join(unknown)}; it has {', '.join(names)}")

    def plain(name: str, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) and isinstance(getattr(cpu, name), tuple) else value

    edits = {k: plain(k, v) for k, v in given.items() if plain(k, v) != getattr(cpu, k)}
    edits.update({k: plain(k, v) for k, v in changes.items()})
    changed = tuple(k for k in names if k in edits and edits[k] != getattr(chosen, k))
    if isinstance(chosen, CNNSizes) and "report_epochs" in changed:  # REPORT_EPOCHS trains both reports' CNNs
        epochs = edits["report_epochs"]
        edits.update(report002=replace(edits.get("report002", chosen.report002), epochs=epochs),
                     report000=replace(edits.get("report000", chosen.report000), epochs=epochs))
    reduced = tuple((k, getattr(cpu, k), getattr(chosen, k)) for k in cuts if k not in edits)
    return replace(chosen, **edits, changed=changed, dataset=str(dataset) if reduced else None, reduced=reduced)
