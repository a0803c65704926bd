"""A pretrained music tagger that works offline: Keras 3 ports of musicnn and its VGG baseline.

Taught in notebook 08 (transfer learning). Pons & Serra (2019) trained two kinds of
convolutional networks to tag 3-second excerpts of music with 50 tags, on
MagnaTagATune (``MTT_*``, 25k clips) and on the Million Song Dataset (``MSD_*``, 200k
tracks):

``musicnn``
    A *musically motivated* front-end (vertical filters 38 and 67 mel bands tall that
    see timbre, horizontal filters 128, 64 and 32 frames long that see rhythm, each
    max-pooled over frequency), a mid-end of three 1-D convolutions over time with
    residual connections, and a back-end that pools the whole excerpt (max and mean over
    time) into dense layers.
``vgg``
    Five blocks of 3x3 convolutions and max pooling (128 filters each), the computer
    vision recipe applied to spectrograms.

The weights are the authors' TensorFlow-1 checkpoints from the ``musicnn`` 0.1.0 wheel on
the Python package index. :func:`fetch_weights` downloads that wheel with pip (no
dependencies), checks its SHA-256 and unpacks only the checkpoints and the licence into
``<cache root>/musicnn`` (about 34 MB). This module re-implements the two architectures
in Keras 3 (our own code, written from the paper and the facts in the wheel's
``models.py``: shapes, padding, batch-norm placement, pooling) and copies the checkpoint
variables into them. A test rebuilds the authors' original TF-1 graph from the
checkpoints' ``.meta`` files and checks that both give the same 50 tag probabilities
(within 1e-4) on random input and on real music.

Licence of the weights (ISC; the notice is also in ``<cache root>/musicnn/LICENSE.md``)::

    Copyright (c) Music Technology Group, Universitat Pompeu Fabra 2019.
    Code developed by Jordi Pons (www.jordipons.me).
    Permission to use, copy, modify, and/or distribute this software for any purpose with
    or without fee is hereby granted, provided that the above copyright notice and this
    permission notice appear in all copies. (Full text: :data:`LICENSE_NOTICE`.)

Two deliberate details of the front-end (:func:`log_mel`) that reproduce what the models
were trained on: the STFT pads the signal by *reflection* (librosa < 0.10's default,
which the original extractor used), and the mel power is rounded to float16 before
``log10(10000 * mel + 1)``; that compression is computed in float32 (in float16 it
overflows to ``inf`` for mel power above 6.55, which loud music reaches).

References
----------
J. Pons and X. Serra, "musicnn: pre-trained convolutional neural networks for music audio
tagging", ISMIR late-breaking demo, 2019. https://github.com/jordipons/musicnn

Environment variables
---------------------
``MGC_CACHE_DIR``
    Where the weights are unpacked (``<cache root>/musicnn``).
``MGC_MUSICNN_WHEEL``
    Path of a ``musicnn-0.1.0-py3-none-any.whl`` downloaded by hand (for machines whose
    pip cannot reach the package index); it is checked against the same SHA-256.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pooch

from .. import config
from .._tensorflow import import_keras, import_tensorflow

if TYPE_CHECKING:  # pragma: no cover
    import keras
    import pandas as pd

__all__ = [
    "MODELS",
    "TAGS",
    "MTT_TAGS",
    "MSD_TAGS",
    "FEATURE_LAYERS",
    "VGG_POOLS",
    "SR",
    "N_FFT",
    "HOP_LENGTH",
    "N_MELS",
    "N_FRAMES",
    "LICENSE_NOTICE",
    "WeightsUnavailableError",
    "weights_dir",
    "fetch_weights",
    "checkpoint_prefix",
    "read_checkpoint",
    "build_musicnn",
    "build_vgg",
    "load_musicnn",
    "tags",
    "log_mel",
    "batch_patches",
    "taggram",
    "top_tags",
    "feature_model",
    "embeddings",
    "POOLED_PARTS",
    "patch_indices",
    "patch_activations",
    "track_embeddings",
    "clip_vectors",
    "transfer_classifier",
]

# --------------------------------------------------------------------------- facts
#: The four pretrained models of the wheel: ``<training data>_<architecture>``.
MODELS = ("MTT_musicnn", "MTT_vgg", "MSD_musicnn", "MSD_vgg")

#: Front-end of the original extractor: 16 kHz audio, 512-point STFT, hop 256, 96 mel bands.
SR = 16000
N_FFT = 512
HOP_LENGTH = 256
N_MELS = 96
#: Frames of one input patch: 3 s (``librosa.time_to_frames(3, sr=16000, n_fft=512, hop_length=256) + 1``).
N_FRAMES = 187

WHEEL_VERSION = "0.1.0"
WHEEL_FILENAME = f"musicnn-{WHEEL_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "f38a4890c648c1ddbb141c5d96d2b0a8cfcd36746002d896989f7b88beb65cfa"
_CKPT_SUFFIXES = (".index", ".data-00000-of-00001", ".meta")
_LICENSE_MEMBER = f"musicnn-{WHEEL_VERSION}.dist-info/LICENSE.md"
_CONFIG_MEMBER = "musicnn/configuration.py"  # front-end constants and the tag names (kept for reference)

#: The 50 MagnaTagATune tags, in the order of the models' outputs (wheel's ``configuration.py``).
MTT_TAGS: tuple[str, ...] = (
    "guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock", "fast", "piano",
    "ambient", "beat", "violin", "vocal", "synth", "female", "indian", "opera", "male", "singing",
    "vocals", "no vocals", "harpsichord", "loud", "quiet", "flute", "woman", "male vocal", "no vocal", "pop",
    "soft", "sitar", "solo", "man", "classic", "choir", "voice", "new age", "dance", "male voice",
    "female vocal", "beats", "harp", "cello", "no voice", "weird", "country", "metal", "female voice", "choral",
)
#: The 50 Million Song Dataset (last.fm) tags, in the order of the models' outputs.
MSD_TAGS: tuple[str, ...] = (
    "rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance", "00s",
    "alternative rock", "jazz", "beautiful", "metal", "chillout", "male vocalists", "classic rock", "soul",
    "indie rock", "Mellow", "electronica", "80s", "folk", "90s", "chill", "instrumental", "punk", "oldies",
    "blues", "hard rock", "ambient", "acoustic", "experimental", "female vocalist", "guitar", "Hip-Hop", "70s",
    "party", "country", "easy listening", "sexy", "catchy", "funk", "electro", "heavy metal",
    "Progressive rock", "60s", "rnb", "indie pop", "sad", "House", "happy",
)
#: Tag names per training dataset.
TAGS: dict[str, tuple[str, ...]] = {"MTT": MTT_TAGS, "MSD": MSD_TAGS}

#: Named layers whose activations :func:`embeddings` and :func:`patch_activations` can return (as in the
#: original extractor, plus musicnn's ``"pooled"``: max_pool and mean_pool side by side), and ``"tags"``
#: (the probabilities). :func:`embeddings`' default first.
FEATURE_LAYERS: dict[str, tuple[str, ...]] = {
    "musicnn": ("max_pool", "mean_pool", "pooled", "penultimate", "timbral", "temporal", "cnn1", "cnn2", "cnn3",
                "tags"),
    "vgg": ("pool5", "pool4", "pool3", "pool2", "pool1", "tags"),
}

#: The ISC licence of the musicnn weights (``LICENSE.md`` of the wheel).
LICENSE_NOTICE = (
    "Copyright (c) Music Technology Group, Universitat Pompeu Fabra 2019. Code developed by Jordi Pons "
    "(www.jordipons.me).\n\n"
    "Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee "
    "is hereby granted, provided that the above copyright notice and this permission notice appear in all "
    "copies.\n\n"
    'THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES WITH REGARD TO THIS SOFTWARE '
    "INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE "
    "FOR ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS "
    "OF USE, DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING "
    "OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE."
)


class WeightsUnavailableError(RuntimeError):
    """The musicnn wheel could not be downloaded, verified or unpacked (the message says why and what to do)."""


def _check_model(model: str) -> str:
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    return model


def _arch(model: str) -> str:
    return "vgg" if model.endswith("vgg") else "musicnn"


def tags(model: str) -> tuple[str, ...]:
    """The 50 tag names of a pretrained model (``MTT_*``: MagnaTagATune, ``MSD_*``: Million Song Dataset).

    Taught in notebook 08.
    """
    return TAGS[_check_model(model).split("_")[0]]


# --------------------------------------------------------------------------- the weights
def weights_dir() -> Path:
    """Folder of the unpacked checkpoints: ``<cache root>/musicnn`` (not created here).

    Taught in notebook 08.
    """
    return config.cache_root() / "musicnn"


def _expected_files() -> list[str]:
    return [f"{m}/model{s}" for m in MODELS for s in _CKPT_SUFFIXES] + ["LICENSE.md", "configuration.py"]


def _is_complete(root: Path) -> bool:
    try:
        source = json.loads((root / "SOURCE.json").read_text())
    except (OSError, ValueError):
        return False
    return source.get("sha256") == WHEEL_SHA256 and all((root / f).is_file() for f in _expected_files())



def _pip_download(dest: Path) -> Path:
    """Download the wheel (and nothing else) with this interpreter's pip."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--no-input", f"musicnn=={WHEEL_VERSION}", "-d", str(dest)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WeightsUnavailableError(_download_help(f"running pip failed ({exc})")) from exc
    wheel = dest / WHEEL_FILENAME
    if proc.returncode != 0 or not wheel.is_file():
        tail = " ".join((proc.stderr or proc.stdout or "").strip().splitlines()[-3:])
        raise WeightsUnavailableError(_download_help(f"pip exited with status {proc.returncode}: {tail}"))
    return wheel


def _download_help(reason: str) -> str:
    return (
        f"Could not download the pretrained musicnn weights ({WHEEL_FILENAME} from the Python package "
        f"index): {reason}. Check the internet connection, or download the wheel by hand "
        f"(`pip download --no-deps musicnn=={WHEEL_VERSION}`) and set MGC_MUSICNN_WHEEL to its path."
    )


def _verified_wheel(tmp: Path, *, quiet: bool) -> Path:
    local = os.environ.get("MGC_MUSICNN_WHEEL")
    if local:
        wheel = Path(local).expanduser()
        if not wheel.is_file():
            raise WeightsUnavailableError(f"MGC_MUSICNN_WHEEL points to {wheel}, which is not a file.")
    else:
        if not quiet:
            print(f"Downloading {WHEEL_FILENAME} (29 MB, pretrained musicnn weights) with pip ...")
        wheel = _pip_download(tmp)
    digest = pooch.file_hash(str(wheel))
    if digest != WHEEL_SHA256:
        raise WeightsUnavailableError(
            f"{wheel} has SHA-256 {digest}, expected {WHEEL_SHA256}: the file is corrupt or not musicnn "
            f"{WHEEL_VERSION}; delete it and try again."
        )
    return wheel


def _unpack(wheel: Path, staging: Path) -> None:
    """Copy the checkpoints (renamed ``<model>/model.*``) and the licence out of the wheel."""
    try:
        with zipfile.ZipFile(wheel) as zf:
            for model in MODELS:
                (staging / model).mkdir(parents=True)
                for suffix in _CKPT_SUFFIXES:
                    with zf.open(f"musicnn/{model}/{suffix}") as src, open(staging / model / f"model{suffix}", "wb") as dst:
                        shutil.copyfileobj(src, dst)
            (staging / "LICENSE.md").write_bytes(zf.read(_LICENSE_MEMBER))
            (staging / "configuration.py").write_bytes(zf.read(_CONFIG_MEMBER))
    except (KeyError, zipfile.BadZipFile) as exc:
        raise WeightsUnavailableError(f"{wheel} is not the expected musicnn wheel: {exc}") from exc
    source = {"package": "musicnn", "version": WHEEL_VERSION, "sha256": WHEEL_SHA256, "licence": "ISC",
              "url": "https://pypi.org/project/musicnn/0.1.0/", "files": _expected_files()}
    (staging / "SOURCE.json").write_text(json.dumps(source, indent=1))


def _place(staging: Path, root: Path, tmp: Path) -> None:
    """Move the complete ``staging`` folder to ``root`` (an incomplete old ``root`` is moved aside first)."""
    if root.exists():
        os.replace(root, tmp / "old")
    try:
        os.replace(staging, root)
    except OSError:
        if not _is_complete(root):  # another process placed it meanwhile: fine if complete
            raise


def fetch_weights(*, force: bool = False, quiet: bool = False) -> Path:
    """Make sure the four musicnn checkpoints are unpacked in :func:`weights_dir`; return that folder.

    Taught in notebook 08. The first call downloads the ``musicnn`` 0.1.0 wheel from
    the Python package index with ``python -m pip download --no-deps`` (so it works
    wherever pip does, e.g. on Binder and behind the course's offline CI), verifies its
    SHA-256, and unpacks the checkpoints as ``<model>/model.{index,data-00000-of-00001,meta}``
    plus the ISC ``LICENSE.md`` and the wheel's ``configuration.py`` (front-end constants
    and tag names, kept so that a test can compare :data:`TAGS` with them). Everything is unpacked in a temporary folder and moved
    into place at the end, so an interrupted download never leaves half a model.

    Parameters
    ----------
    force : bool, keyword-only
        Download and unpack again even if the weights are present.
    quiet : bool, keyword-only
        Print nothing (by default the download and the licence are announced).

    Returns
    -------
    pathlib.Path
        ``<cache root>/musicnn``.

    Raises
    ------
    WeightsUnavailableError
        When pip cannot download the wheel or the file is corrupt; the message says how
        to provide the wheel by hand (``MGC_MUSICNN_WHEEL``).
    """
    root = weights_dir()
    if not force and _is_complete(root):
        return root
    with tempfile.TemporaryDirectory(dir=config.cache_root(), prefix=".musicnn-download-") as tmp_name:
        tmp = Path(tmp_name)
        wheel = _verified_wheel(tmp, quiet=quiet)
        staging = tmp / "musicnn"
        _unpack(wheel, staging)
        _place(staging, root, tmp)
    if not quiet:
        print(f"musicnn weights ready in {root} -- (c) 2019 Music Technology Group, Universitat Pompeu "
              f"Fabra (Jordi Pons), ISC licence: see {root / 'LICENSE.md'}")
    return root


def checkpoint_prefix(model: str) -> str:
    """Prefix of a model's TF checkpoint (``<weights dir>/<model>/model``), fetching the weights if needed.

    Taught in notebook 08. Open it with ``tf.train.load_checkpoint(prefix)`` (the wheel's
    own ``checkpoint`` files point to the author's disk, so they are not unpacked).
    """
    return str(fetch_weights() / _check_model(model) / "model")


@functools.lru_cache(maxsize=8)
def _checkpoint_arrays(model: str) -> dict[str, np.ndarray]:
    tf = import_tensorflow()

    reader = tf.train.load_checkpoint(checkpoint_prefix(model))
    names = [n for n in reader.get_variable_to_shape_map() if "Adam" not in n and "power" not in n]
    arrays = {n: reader.get_tensor(n) for n in names}
    for a in arrays.values():
        a.setflags(write=False)
    return arrays


def read_checkpoint(model: str) -> dict[str, np.ndarray]:
    """The trained variables of a checkpoint (optimizer slots left out), by TF-1 variable name.

    Taught in notebook 08 (``conv2d/kernel``, ``batch_normalization_3/moving_mean``, ...).
    The arrays are read-only and cached per process.
    """
    return dict(_checkpoint_arrays(_check_model(model)))


# --------------------------------------------------------------------------- the architectures
def _bn(name: str) -> Any:
    keras = import_keras()

    # tf.compat.v1.layers.batch_normalization's defaults, which the authors used: epsilon 1e-3, momentum 0.99.
    return keras.layers.BatchNormalization(epsilon=1e-3, momentum=0.99, name=name)


def build_musicnn(
    *,
    n_classes: int = 50,
    n_frames: int | None = None,
    n_mels: int = N_MELS,
    midend_filters: int = 64,
    backend_units: int = 200,
    name: str = "musicnn",
) -> "keras.Model":
    """The musicnn architecture (Pons & Serra 2019), randomly initialised.

    Taught in notebook 08. Input: log-mel patches ``(batch, time, n_mels)``; output: tag
    probabilities (sigmoid). Every convolution is followed by ReLU and *then* batch
    normalisation (as in the original). ``n_frames=None`` accepts any length: the
    network pools over time at the end.

    Layers you can read activations from (:data:`FEATURE_LAYERS`): ``timbral`` (408
    channels per frame), ``temporal`` (153), ``cnn1``, ``cnn2``, ``cnn3`` (mid-end, 64
    each), ``max_pool`` and ``mean_pool`` (753 each), ``pooled`` (both side by side, 1506),
    ``penultimate`` (``backend_units``).
    """
    keras = import_keras()
    layers = keras.layers

    x_in = keras.Input(shape=(n_frames, n_mels), name="log_mel")
    x = layers.Reshape((-1, n_mels, 1), name="add_channel")(x_in)
    x = _bn("input_bn")(x)
    # front-end: vertical (timbre) filters over 7 frames, 40% and 70% of the mel bands, zero-padded in time only
    timbral = []
    padded = layers.ZeroPadding2D(((3, 3), (0, 0)), name="timbral_pad")(x)
    for height in (int(0.4 * n_mels), int(0.7 * n_mels)):
        t = layers.Conv2D(int(1.6 * 128), (7, height), activation="relu", name=f"timbral_conv{height}")(padded)
        t = _bn(f"timbral_bn{height}")(t)
        t = layers.MaxPooling2D((1, n_mels - height + 1), name=f"timbral_freqpool{height}")(t)
        timbral.append(layers.Reshape((-1, int(1.6 * 128)), name=f"timbral_squeeze{height}")(t))
    # front-end: horizontal (temporal) filters of 128, 64, 32 frames, one mel band tall, 'same' padding
    temporal = []
    for length in (128, 64, 32):
        t = layers.Conv2D(int(1.6 * 32), (length, 1), padding="same", activation="relu", name=f"temporal_conv{length}")(x)
        t = _bn(f"temporal_bn{length}")(t)
        t = layers.MaxPooling2D((1, n_mels), name=f"temporal_freqpool{length}")(t)
        temporal.append(layers.Reshape((-1, int(1.6 * 32)), name=f"temporal_squeeze{length}")(t))
    timbral_out = layers.Concatenate(name="timbral")(timbral)
    temporal_out = layers.Concatenate(name="temporal")(temporal)
    front = layers.Concatenate(name="frontend")([timbral_out, temporal_out])
    # mid-end: three 1-D convolutions over time (kernel 7, zero 'same' padding), residual connections
    c = layers.Conv1D(midend_filters, 7, padding="same", activation="relu", name="midend_conv1")(front)
    cnn1 = _bn("cnn1")(c)
    c = _bn("midend_bn2")(layers.Conv1D(midend_filters, 7, padding="same", activation="relu", name="midend_conv2")(cnn1))
    cnn2 = layers.Add(name="cnn2")([c, cnn1])
    c = _bn("midend_bn3")(layers.Conv1D(midend_filters, 7, padding="same", activation="relu", name="midend_conv3")(cnn2))
    cnn3 = layers.Add(name="cnn3")([c, cnn2])
    midend = layers.Concatenate(name="midend")([front, cnn1, cnn2, cnn3])
    # back-end: max and mean over time, dense layers
    pooled = layers.Concatenate(name="pooled")([
        layers.GlobalMaxPooling1D(name="max_pool")(midend),
        layers.GlobalAveragePooling1D(name="mean_pool")(midend),
    ])
    h = layers.Dropout(0.5, name="pooled_dropout")(_bn("backend_bn")(pooled))
    h = _bn("penultimate")(layers.Dense(backend_units, activation="relu", name="penultimate_dense")(h))
    logits = layers.Dense(n_classes, name="logits")(layers.Dropout(0.5, name="penultimate_dropout")(h))
    probs = layers.Activation("sigmoid", dtype="float32", name="tags")(logits)
    return keras.Model(x_in, probs, name=name)


#: Max-pool (size, stride) of the five VGG blocks. MTT_vgg's match the wheel's ``models.py``
#: (187x96 -> 92x48 -> 46x24 -> 23x12 -> 11x6 -> 2x1); MSD_vgg's checkpoint graph pools time
#: first, then frequency (187x96 -> 46x96 -> 46x24 -> 23x12 -> 11x6 -> 2x1), unlike ``models.py``.
VGG_POOLS: dict[str, tuple[tuple[tuple[int, int], tuple[int, int]], ...]] = {
    "MTT_vgg": (((4, 1), (2, 2)), ((2, 2), (2, 2)), ((2, 2), (2, 2)), ((2, 2), (2, 2)), ((4, 4), (4, 4))),
    "MSD_vgg": (((4, 1), (4, 1)), ((1, 4), (1, 4)), ((2, 2), (2, 2)), ((2, 2), (2, 2)), ((4, 4), (4, 4))),
}


def build_vgg(
    *,
    n_classes: int = 50,
    n_frames: int = N_FRAMES,
    n_mels: int = N_MELS,
    filters: int = 128,
    pools: Sequence[tuple[tuple[int, int], tuple[int, int]]] = VGG_POOLS["MTT_vgg"],
    name: str = "vgg",
) -> "keras.Model":
    """The VGG-like baseline of the musicnn wheel, randomly initialised.

    Taught in notebook 08. Five blocks ``conv 3x3 ('same') -> ReLU -> batch norm -> max
    pool``, dropout 0.25 between blocks, a dense output layer on the flattened last pool.
    The default pools (MTT_vgg's) are 4x1 with stride 2 (187x96 -> 92x48), then 2x2,
    2x2, 2x2 and 4x4 (-> 2x1x128 = 256 values); MSD_vgg pools differently
    (:data:`VGG_POOLS`). Unlike musicnn the input length is fixed (3 s = 187 frames).
    """
    keras = import_keras()
    layers = keras.layers

    x_in = keras.Input(shape=(n_frames, n_mels), name="log_mel")
    x = _bn("input_bn")(layers.Reshape((n_frames, n_mels, 1), name="add_channel")(x_in))
    for i, (size, stride) in enumerate(pools, start=1):
        if i > 1:
            x = layers.Dropout(0.25, name=f"dropout{i - 1}")(x)
        x = layers.Conv2D(filters, (3, 3), padding="same", activation="relu", name=f"conv{i}")(x)
        x = _bn(f"bn{i}")(x)
        x = layers.MaxPooling2D(size, strides=stride, name=f"pool{i}")(x)
    x = layers.Dropout(0.5, name="dropout5")(layers.Flatten(name="flatten")(x))
    logits = layers.Dense(n_classes, name="logits")(x)
    return keras.Model(x_in, layers.Activation("sigmoid", dtype="float32", name="tags")(logits), name=name)


# --------------------------------------------------------------------------- checkpoint -> Keras
def _bn_weights(ckpt: dict[str, np.ndarray], scope: str, order: np.ndarray | None = None) -> list[np.ndarray]:
    w = [ckpt[f"{scope}/{k}"] for k in ("gamma", "beta", "moving_mean", "moving_variance")]
    return [a[order] for a in w] if order is not None else w


def _weight_map(arch: str, ckpt: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    """Keras layer name -> weights, from the TF-1 variables (named in creation order by tf.layers)."""
    def conv(scope: str, squeeze: bool = False) -> list[np.ndarray]:
        k = ckpt[f"{scope}/kernel"]
        return [k[:, :, 0, :] if squeeze else k, ckpt[f"{scope}/bias"]]

    if arch == "vgg":
        out = {"input_bn": _bn_weights(ckpt, "batch_normalization")}
        for i in range(1, 6):
            out[f"conv{i}"] = conv(f"{i}CNN")
            out[f"bn{i}"] = _bn_weights(ckpt, f"batch_normalization_{i}")
        out["logits"] = [ckpt["dense/kernel"], ckpt["dense/bias"]]
        return out
    # The original flattens the (753, 2) stack [max, mean] -> interleaved max0, mean0, max1, ...;
    # the port concatenates [max (753), mean (753)], so permute the 1506 inputs accordingly.
    n = ckpt["batch_normalization_9/gamma"].shape[0]
    order = np.concatenate([np.arange(0, n, 2), np.arange(1, n, 2)])
    dense = ckpt["dense/kernel"]
    return {
        "input_bn": _bn_weights(ckpt, "batch_normalization"),
        "timbral_conv38": conv("conv2d"), "timbral_bn38": _bn_weights(ckpt, "batch_normalization_1"),
        "timbral_conv67": conv("conv2d_1"), "timbral_bn67": _bn_weights(ckpt, "batch_normalization_2"),
        "temporal_conv128": conv("conv2d_2"), "temporal_bn128": _bn_weights(ckpt, "batch_normalization_3"),
        "temporal_conv64": conv("conv2d_3"), "temporal_bn64": _bn_weights(ckpt, "batch_normalization_4"),
        "temporal_conv32": conv("conv2d_4"), "temporal_bn32": _bn_weights(ckpt, "batch_normalization_5"),
        "midend_conv1": conv("conv2d_5", squeeze=True), "cnn1": _bn_weights(ckpt, "batch_normalization_6"),
        "midend_conv2": conv("conv2d_6", squeeze=True), "midend_bn2": _bn_weights(ckpt, "batch_normalization_7"),
        "midend_conv3": conv("conv2d_7", squeeze=True), "midend_bn3": _bn_weights(ckpt, "batch_normalization_8"),
        "backend_bn": _bn_weights(ckpt, "batch_normalization_9", order),
        "penultimate_dense": [dense[order], ckpt["dense/bias"]],
        "penultimate": _bn_weights(ckpt, "batch_normalization_10"),
        "logits": [ckpt["dense_1/kernel"], ckpt["dense_1/bias"]],
    }


def _assign(net: "keras.Model", weights: dict[str, list[np.ndarray]]) -> None:
    with_weights = {layer.name for layer in net.layers if layer.weights}
    if with_weights != set(weights):
        raise ValueError(f"checkpoint/architecture mismatch: {sorted(with_weights ^ set(weights))}")
    for name, values in weights.items():
        layer = net.get_layer(name)
        shapes = [tuple(w.shape) for w in layer.get_weights()]
        if shapes != [v.shape for v in values]:
            raise ValueError(f"layer {name}: checkpoint shapes {[v.shape for v in values]} != {shapes}")
        layer.set_weights(values)


_LICENCE_SHOWN = False


def load_musicnn(
    model: str = "MTT_musicnn",
    *,
    trainable: bool = False,
    freeze_batchnorm: bool = True,
) -> "keras.Model":
    """A pretrained musicnn or VGG tagger as a Keras 3 model (weights fetched on first use).

    Taught in notebook 08.

    Parameters
    ----------
    model : {"MTT_musicnn", "MTT_vgg", "MSD_musicnn", "MSD_vgg"}
        Training data (MagnaTagATune or Million Song Dataset) and architecture.
    trainable : bool, keyword-only
        ``False`` (inference / frozen feature extractor): no weight changes in
        ``fit``, batch norm always in inference mode. ``True``: fine-tuning mode.
    freeze_batchnorm : bool, keyword-only
        With ``trainable=True``, keep the batch-norm layers frozen (inference mode with
        the pretrained statistics) -- the usual advice for fine-tuning on small data.

    Returns
    -------
    keras.Model
        Input ``(batch, 187, 96)`` log-mel patches (:func:`batch_patches`; musicnn
        also takes other lengths), output the 50 tag probabilities (:func:`tags`).
        A fresh model each call (cheap: the checkpoint is cached).
    """
    global _LICENCE_SHOWN
    _check_model(model)
    net = build_vgg(pools=VGG_POOLS[model], name=model) if _arch(model) == "vgg" else build_musicnn(name=model)
    _assign(net, _weight_map(_arch(model), _checkpoint_arrays(model)))
    net.trainable = trainable
    if trainable and freeze_batchnorm:
        keras = import_keras()

        for layer in net.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.trainable = False
    if not _LICENCE_SHOWN:
        print("musicnn weights (c) 2019 Music Technology Group, Universitat Pompeu Fabra -- ISC licence "
              f"({weights_dir() / 'LICENSE.md'})")
        _LICENCE_SHOWN = True
    return net


@functools.lru_cache(maxsize=2)
def _pretrained(model: str) -> "keras.Model":
    """One frozen pretrained network per process, shared by every feature layer taken from it."""
    return load_musicnn(model)


@functools.lru_cache(maxsize=8)
def _inference_model(model: str, layer: str) -> "keras.Model":
    return feature_model(_pretrained(model), layer=layer)


def feature_model(net: "keras.Model", *, layer: str) -> "keras.Model":
    """A model that maps log-mel patches to the activations of ``net``'s layer ``layer``.

    Taught in notebook 08 (see :data:`FEATURE_LAYERS` for the names).
    """
    keras = import_keras()

    try:
        output = net.get_layer(layer).output
    except ValueError:
        raise ValueError(f"{net.name} has no layer {layer!r}; try one of {_layers_of(net)}") from None
    return keras.Model(net.input, output, name=f"{net.name}_{layer}")


def _layers_of(net: "keras.Model") -> tuple[str, ...]:
    return FEATURE_LAYERS["vgg" if net.name.endswith("vgg") or "pool5" in [l.name for l in net.layers] else "musicnn"]


# --------------------------------------------------------------------------- front-end
def log_mel(y: np.ndarray, sr: int) -> np.ndarray:
    """musicnn's input representation of a whole clip: ``log10(10000 * mel + 1)``, shape ``(frames, 96)``.

    Taught in notebook 08. The clip is resampled to 16 kHz, the mel power spectrogram
    uses ``n_fft=512``, ``hop_length=256``, 96 Slaney mel bands and reflection padding
    (as in the original extractor with librosa < 0.10), is rounded to float16 (as stored
    for training) and compressed in float32. Time is the *first* axis, as in the models.
    """
    import librosa

    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"expected a mono signal (1-D), got shape {y.shape}")
    if sr != SR:
        y = librosa.resample(y, orig_sr=sr, target_sr=SR)
    mel = librosa.feature.melspectrogram(y=y, sr=SR, n_fft=N_FFT, hop_length=HOP_LENGTH, n_mels=N_MELS,
                                         pad_mode="reflect")
    mel = mel.T.astype(np.float16).astype(np.float32)
    return np.log10(10000.0 * mel + 1.0)


def batch_patches(y: np.ndarray, sr: int, *, n_frames: int = N_FRAMES, hop: int | None = None) -> np.ndarray:
    """Cut :func:`log_mel` of a clip into patches ``(n_patches, n_frames, 96)``, the models' input.

    Taught in notebook 08. Patches start every ``hop`` frames (default ``n_frames``: no
    overlap, as the original extractor); an incomplete last patch is dropped. A clip
    shorter than one patch is repeated until it fills one (the authors' ``repeat-pad``).
    """
    S = log_mel(y, sr)
    if len(S) == 0:
        raise ValueError("empty signal: nothing to tag")
    if len(S) < n_frames:
        S = np.concatenate([S] * int(np.ceil(n_frames / len(S))))[:n_frames]
    hop = n_frames if hop is None else int(hop)
    if hop < 1:
        raise ValueError(f"hop must be >= 1, got {hop}")
    starts = range(0, len(S) - n_frames + 1, hop)
    return np.stack([S[s:s + n_frames] for s in starts])


def _run(net: "keras.Model", patches: np.ndarray, batch_size: int) -> np.ndarray:
    outs = [np.asarray(net(patches[i:i + batch_size], training=False)) for i in range(0, len(patches), batch_size)]
    return np.concatenate(outs)


def _resolve(model: "str | keras.Model", layer: str) -> "keras.Model":
    if isinstance(model, str):
        return _inference_model(_check_model(model), layer)
    return model if layer == "tags" else feature_model(model, layer=layer)


def taggram(
    y: np.ndarray,
    sr: int,
    *,
    model: "str | keras.Model" = "MTT_musicnn",
    hop: int | None = None,
    batch_size: int = 32,
) -> np.ndarray:
    """Tag probabilities of every 3-second patch of a clip: "what the model hears", shape ``(n_patches, 50)``.

    Taught in notebook 08. ``model`` is a name of :data:`MODELS` (the pretrained model is
    built once per process) or a Keras model from :func:`load_musicnn`. Plot it with
    ``plt.imshow(T.T, aspect="auto")`` and the names of :func:`tags`.
    """
    return _run(_resolve(model, "tags"), batch_patches(y, sr, hop=hop), batch_size)


def top_tags(
    y: np.ndarray,
    sr: int,
    *,
    model: str = "MTT_musicnn",
    k: int = 5,
) -> list[tuple[str, float]]:
    """The ``k`` most likely tags of a clip (probabilities averaged over its patches), best first.

    Taught in notebook 08.
    """
    mean = taggram(y, sr, model=model).mean(axis=0)
    best = np.argsort(mean)[::-1][:k]
    return [(tags(model)[i], float(mean[i])) for i in best]


def _default_layer(model: str) -> str:
    return FEATURE_LAYERS[_arch(model)][0]


def embeddings(
    y: np.ndarray,
    sr: int,
    *,
    model: str = "MSD_musicnn",
    layer: str | None = None,
    pool: str = "mean",
    batch_size: int = 32,
) -> np.ndarray:
    """One vector per clip from a named layer of a pretrained model: features for transfer learning.

    Taught in notebook 08 (embeddings + logistic regression / SVM, Pons & Serra's recipe).

    Parameters
    ----------
    y, sr
        Mono clip and its sample rate (resampled to 16 kHz).
    model : str, keyword-only
        One of :data:`MODELS`.
    layer : str, keyword-only
        A name of :data:`FEATURE_LAYERS`; default ``"max_pool"`` (musicnn, 753 values) or
        ``"pool5"`` (vgg, 128 values).
    pool : {"mean", "max"}, keyword-only
        How the activations are summarised over the clip's 3-second patches (and over the
        time/frequency positions inside a patch, for layers that keep them): every axis but
        the channels is pooled.

    Returns
    -------
    numpy.ndarray, float32, shape ``(n_channels,)``
    """
    if pool not in ("mean", "max"):
        raise ValueError(f"pool must be 'mean' or 'max', got {pool!r}")
    layer = _default_layer(_check_model(model)) if layer is None else layer
    if layer not in FEATURE_LAYERS[_arch(model)]:
        raise ValueError(f"{model} has no feature layer {layer!r}; try one of {FEATURE_LAYERS[_arch(model)]}")
    act = _run(_resolve(model, layer), batch_patches(y, sr), batch_size)
    flat = act.reshape(-1, act.shape[-1])
    return (flat.mean(axis=0) if pool == "mean" else flat.max(axis=0)).astype(np.float32)


#: Columns of musicnn's ``pooled`` layer (1506 values per patch): max over time, then mean over time.
POOLED_PARTS: dict[str, slice] = {"max_pool": slice(0, 753), "mean_pool": slice(753, 1506)}


def _patch_layer(model: str, layer: str | None) -> str:
    """The layer :func:`patch_activations` reads: default ``"pooled"`` (musicnn) or ``"pool5"`` (vgg)."""
    arch = _arch(_check_model(model))
    layer = ("pool5" if arch == "vgg" else "pooled") if layer is None else layer
    if layer not in FEATURE_LAYERS[arch]:
        raise ValueError(f"{model} has no feature layer {layer!r}; try one of {FEATURE_LAYERS[arch]}")
    return layer


def patch_indices(n_available: int, *, n_patches: int | None) -> np.ndarray:
    """Which of a clip's ``n_available`` patches to use: ``n_patches`` evenly spread, centred ones.

    Taught in notebook 08. ``n_patches=None`` (or more than available) keeps them all;
    ``n_patches=1`` takes the middle patch (the intro of a song is often untypical).
    """
    if n_available < 1:
        raise ValueError(f"a clip needs at least one patch, got {n_available}")
    if n_patches is None or n_patches >= n_available:
        return np.arange(n_available)
    if n_patches < 1:
        raise ValueError(f"n_patches must be >= 1 or None, got {n_patches}")
    return np.floor((np.arange(n_patches) + 0.5) * n_available / n_patches).astype(int)


def patch_activations(
    y: np.ndarray,
    sr: int,
    *,
    model: str = "MSD_musicnn",
    layer: str | None = None,
    n_patches: int | None = 1,
    batch_size: int = 2,
) -> np.ndarray:
    """Activations of a pretrained layer for a few 3-second patches of a clip, shape ``(n_patches, dim)``.

    Taught in notebook 08; the feature function of :func:`track_embeddings` (module level,
    so :mod:`mgc_helpers.cache` can store its results) and the input of a
    :func:`transfer_classifier` built with ``inputs="pooled"``.

    Parameters
    ----------
    y, sr
        Mono clip and its sample rate (resampled to 16 kHz).
    model : str, keyword-only
        One of :data:`MODELS`.
    layer : str, optional, keyword-only
        A name of :data:`FEATURE_LAYERS`; default ``"pooled"`` for musicnn (``max_pool`` and
        ``mean_pool`` side by side, :data:`POOLED_PARTS`, 1506 values: the input of the
        dense back-end) and ``"pool5"`` for vgg. Layers that keep time (or frequency)
        positions are averaged over them.
    n_patches : int or None, keyword-only
        Patches used (:func:`patch_indices`: evenly spread; ``None``: all).
    batch_size : int, keyword-only
        Patches per forward pass (about 60 MB of memory per patch in flight).

    Returns
    -------
    numpy.ndarray, float32, shape ``(n_patches, n_channels)``
    """
    layer = _patch_layer(model, layer)
    patches = batch_patches(y, sr)
    patches = patches[patch_indices(len(patches), n_patches=n_patches)]
    out = _run(_resolve(model, layer), patches, batch_size)
    return out.reshape(len(patches), -1, out.shape[-1]).mean(axis=1).astype(np.float32)


def track_embeddings(
    tracks: "pd.DataFrame",
    *,
    model: str = "MSD_musicnn",
    layer: str | None = None,
    n_patches: int | None = 1,
    cache: bool = True,
    progress: bool = False,
) -> Any:
    """:func:`patch_activations` of every track of a tracks table, cached on disk like every other feature.

    Taught in notebook 08. A thin wrapper of :func:`mgc_helpers.cache.track_features`
    (audio loaded at 16 kHz); the cache key covers the file, the model, the layer and the
    number of patches. It runs in this process: TensorFlow already uses every core, and
    each extra worker would load its own copy of TensorFlow (~700 MB). The weights are
    fetched first (:func:`fetch_weights`, through pip, once). musicnn on a CPU costs about
    0.1-0.2 s per patch, so the caller chooses how many patches per clip it can afford.

    Returns
    -------
    mgc_helpers.cache.TrackFeatures
        ``arrays[i]`` has shape ``(n_patches, n_channels)``; :func:`clip_vectors` gives one
        row per track.
    """
    from .. import cache as _cache

    layer = _patch_layer(model, layer)
    fetch_weights(quiet=not progress)
    return _cache.track_features(tracks, kind=patch_activations, sr=SR, n_jobs=1, cache=cache,
                                 progress=progress, model=model, layer=layer, n_patches=n_patches)


def clip_vectors(feats: Any, *, part: str | slice | None = None) -> np.ndarray:
    """One vector per track: the mean of its patches' activations, shape ``(n_tracks, dim)``.

    Taught in notebook 08 (the features of embeddings + a scikit-learn classifier). ``feats``
    is :func:`track_embeddings`'s output; ``part`` selects columns: a name of
    :data:`POOLED_PARTS` (e.g. ``"max_pool"``, Pons & Serra's features), a slice, or
    ``None`` (all).
    """
    cols = POOLED_PARTS[part] if isinstance(part, str) else (part if part is not None else slice(None))
    return np.stack([np.asarray(a, dtype=np.float32).reshape(-1, np.shape(a)[-1]).mean(axis=0)[cols]
                     for a in feats.arrays])


# --------------------------------------------------------------------------- fine-tuning
def transfer_classifier(
    n_classes: int,
    *,
    model: str = "MSD_musicnn",
    inputs: str = "patches",
    layer: str | None = None,
    trainable: bool = False,
    dropout: float = 0.5,
    hidden: int = 0,
    base: "keras.Model | None" = None,
) -> "keras.Model":
    """A pretrained musicnn/VGG body with a new softmax head for ``n_classes`` genres.

    Taught in notebook 08. The new head is ``dropout -> [hidden ReLU layer] -> genre``
    (softmax) on the pretrained layer ``layer``; the body below it is pretrained. Batch
    norm of the body always runs in inference mode with its pretrained statistics.

    Parameters
    ----------
    n_classes : int
        Number of genres.
    model : str, keyword-only
        One of :data:`MODELS`.
    inputs : {"patches", "pooled"}, keyword-only
        ``"patches"``: the whole network, on log-mel patches (:func:`batch_patches`; output
        per patch, vote over a clip's patches). ``"pooled"`` (musicnn only): only the dense
        back-end, on the cached ``pooled`` activations of a patch (:func:`patch_activations`,
        1506 values), so training never runs the expensive convolutional front-end:
        ``backend_bn`` -> dropout -> ``penultimate_dense`` (200 ReLU units) ->
        ``penultimate`` batch norm -> the new head.
    layer : str, optional, keyword-only
        The pretrained layer the head reads (default ``"penultimate"`` for musicnn, ``"pool5"``
        for vgg; ``inputs="pooled"`` needs ``"penultimate"``); layers with time positions are
        mean-pooled first.
    trainable : bool, keyword-only
        Fine-tune the pretrained body too (its dense and convolutional weights; then use a
        small learning rate, e.g. 1e-4); ``False`` trains the head only.
    dropout : float, keyword-only
        Dropout before the new layers (and, with ``inputs="pooled"``, before the pretrained
        dense layer, as in musicnn).
    hidden : int, keyword-only
        Units of an extra ReLU layer in the head (0: none).
    base : keras.Model, optional, keyword-only
        An already loaded :func:`load_musicnn` of ``model`` to take the layers from (they are
        then *shared* with it, and ``trainable`` sets their flags); default: a fresh one.

    Returns
    -------
    keras.Model
    """
    keras = import_keras()
    layers = keras.layers

    _check_model(model)
    if inputs not in ("patches", "pooled"):
        raise ValueError(f"inputs must be 'patches' or 'pooled', got {inputs!r}")
    layer = layer or ("pool5" if _arch(model) == "vgg" else "penultimate")
    if inputs == "pooled" and (_arch(model) != "musicnn" or layer != "penultimate"):
        raise ValueError("inputs='pooled' needs a musicnn model and layer='penultimate' (its dense back-end)")
    if base is None:
        base = load_musicnn(model, trainable=trainable)
    if inputs == "pooled":
        x_in = keras.Input(shape=(base.get_layer("pooled").output.shape[-1],), name="pooled")
        x = layers.Dropout(dropout, name="head_dropout1")(base.get_layer("backend_bn")(x_in, training=False))
        dense = base.get_layer("penultimate_dense")
        dense.trainable = bool(trainable)
        x = base.get_layer("penultimate")(dense(x), training=False)
        x = layers.Dropout(dropout, name="head_dropout2")(x)
        name = f"{model}_top_finetune"
    else:
        x_in, x = base.input, base.get_layer(layer).output
        if len(x.shape) > 2:
            x = layers.GlobalAveragePooling1D(name="head_pool")(layers.Reshape((-1, x.shape[-1]), name="head_flat")(x))
        x = layers.Dropout(dropout, name="head_dropout")(x)
        name = f"{model}_transfer"
    if hidden:
        x = layers.Dense(hidden, activation="relu", name="head_hidden")(x)
    out = layers.Dense(int(n_classes), activation="softmax", name="genre")(x)
    return keras.Model(x_in, out, name=name)
