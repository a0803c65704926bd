"""TensorFlow starts quietly through ``mgc_helpers._tensorflow``, in a clean environment, and real warnings still show.

Issue 18: absl / oneDNN / CUDA start-up lines reached every deep-learning notebook's output although the Makefile
sets ``TF_CPP_MIN_LOG_LEVEL=2`` (a student on Colab or in plain Jupyter does not have it). The subprocess and the
subprocess here runs WITHOUT ``TF_CPP_MIN_LOG_LEVEL``. Notebooks run so too, and :func:`noisy_lines` checks what they
printed: every notebook of ``make book`` (tests/e2e/test_executed_stderr.py) and notebooks 01, 05 and 10 in the
Colab-like and oldest environments (tests/test_envs.py).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mgc_helpers import _tensorflow

REPO = Path(__file__).resolve().parents[1]

#: The lines students saw (issue 18), written out here independently of ``_tensorflow.NOISE``.
KNOWN_NOISE = (
    "absl::InitializeLog",
    "oneDNN custom operations are on",
    "Unable to register cu",
    "could not find cuda drivers",
    "cuInit",
    "TF-TRT Warning",
    "This TensorFlow binary is optimized",
    "structure of `inputs`",
)


def _noise_in(text: str) -> list[str]:
    low = text.lower()
    return [p for p in KNOWN_NOISE if p.lower() in low]


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """The test process's environment less every TensorFlow logging switch; caches in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_CPP_", "TF_ENABLE_ONEDNN"))}
    env.update(MGC_CACHE_DIR=str(tmp_path / "cache"), MPLBACKEND="Agg", KERAS_HOME=str(tmp_path / "keras"),
               MPLCONFIGDIR=str(tmp_path / "mpl"))
    return env


# --------------------------------------------------------------------------- the filter itself
@pytest.mark.parametrize("line", [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796189040.962477     619 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will "
    "not be used.",
    "E0000 00:00:1796189056.087746     619 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    "E0000 00:00:1758131045.203198 3722035 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to "
    "register factory for plugin cuDNN when one has already been registered",
    "2025-01-01 12:00:00.000000: W tensorflow/compiler/tf2tensorrt/utils/py_utils.cc:38] TF-TRT Warning: Could not "
    "find TensorRT",
    "I tensorflow/core/util/port.cc:153] oneDNN custom operations are on. You may see slightly different numerical "
    "results due to floating-point round-off errors from different computation orders. To turn them off, set the "
    "environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
    "I0000 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in "
    "performance-critical operations.",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate "
    "compiler flags.",
])
def test_known_start_up_lines_are_noise(line):
    assert _tensorflow.is_noise(line)


@pytest.mark.parametrize("line", [
    "E0000 some_kernel.cc:12] Out of memory while trying to allocate 4.00GiB",
    "/x/y.py:3: UserWarning: the validation split is empty",
    "Traceback (most recent call last):",
])
def test_real_messages_are_not_noise(line):
    assert not _tensorflow.is_noise(line)


def test_quiet_stderr_drops_noise_and_writes_the_rest_back_in_order(capfd):
    with _tensorflow.quiet_stderr():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
        os.write(2, b"a real error line\n")
        os.write(2, b"I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine.\n")
        os.write(2, b"a second real line\n")
        print("python's own stderr", file=sys.stderr)
    err = capfd.readouterr().err
    assert "a real error line\na second real line\n" in err
    assert "python's own stderr" in err
    assert "absl" not in err and "cuda" not in err


def test_quiet_stderr_writes_back_even_when_the_block_fails(capfd):
    with pytest.raises(ImportError, match="boom"), _tensorflow.quiet_stderr():
        os.write(2, b"kept before the failure\nfailed call to cuInit: dropped\n")
        raise ImportError("boom")
    err = capfd.readouterr().err
    assert "kept before the failure" in err and "cuInit" not in err


# --------------------------------------------------------------------------- a clean process
def test_training_in_a_clean_environment_has_no_start_up_noise(tmp_path):
    code = textwrap.dedent("""
        import os, warnings
        import numpy as np
        assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ
        from mgc_helpers import segments, training
        keras = training.keras
        model = keras.Sequential([keras.Input((8, 6, 1), name="x"), keras.layers.Conv2D(2, 3),
                                  keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation="softmax")])
        X = np.random.default_rng(0).normal(size=(8, 8, 6, 1)).astype("float32")
        y = np.arange(8) % 3
        training.fit(model, segments.array_dataset(X, y, batch_size=8), epochs=1, seed=0)
        proba = training.predict_proba(model, X)
        assert proba.shape == (8, 3)
        print("level", os.environ["TF_CPP_MIN_LOG_LEVEL"])
        warnings.warn("a real warning from user code")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          env=_clean_env(tmp_path), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "level 2" in done.stdout  # the default the entry point sets before TensorFlow loads
    assert not _noise_in(done.stderr), done.stderr
    assert "UserWarning: a real warning from user code" in done.stderr


def test_importing_the_package_still_leaves_tensorflow_alone():
    done = subprocess.run([sys.executable, "-c", "import sys, mgc_helpers._tensorflow, mgc_helpers.segments\n"
                           "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))"],
                          capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- an executed notebook


KERAS_STRUCTURE = "structure of `inputs`"


def noisy_lines(nb: dict) -> dict[int, list[str]]:
    """Cell index -> the stderr lines of an executed notebook that are start-up noise or Keras' structure warning.

    Used on every notebook ``make book`` executes (tests/e2e/test_executed_stderr.py) and on the notebooks that
    ``make envs-check`` runs in the Colab-like and oldest environments (tests/test_envs.py), all run without
    ``TF_CPP_MIN_LOG_LEVEL``. A line is noise when the package's own filter (``_tensorflow.is_noise``) or
    :data:`KNOWN_NOISE`, written out independently, says so; real warnings pass.
    """
    found: dict[int, list[str]] = {}
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "stream" or out.get("name") != "stderr":
                continue
            text = out.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            bad = [line for line in text.splitlines()
                   if _tensorflow.is_noise(line) or _noise_in(line) or KERAS_STRUCTURE in line]
            if bad:
                found.setdefault(i, []).extend(bad)
    return found


def test_the_check_finds_noise_and_spares_real_warnings():
    nb = {"cells": [
        {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stderr", "text": [
            "E0000 00:00:1796189056.087746 619 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n",
            "UserWarning: n_fft=2048 is too large for input signal of length=1000\n"]}]},
        {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stderr",
                                           "text": "UserWarning: The structure of `inputs` doesn't match\n"}]},
        {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stdout", "text": "cuInit\n"}]},
    ]}
    assert noisy_lines(nb) == {0: ["E0000 00:00:1796189056.087746 619 cuda_platform.cc:52] failed call to cuInit: "
                                   "INTERNAL"],
                               1: ["UserWarning: The structure of `inputs` doesn't match"]}
