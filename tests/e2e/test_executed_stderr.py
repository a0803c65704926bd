"""No executed notebook shows TensorFlow/CUDA start-up lines or Keras' input-structure warning (issue 18).

``tests/test_quiet_tf.py`` runs notebook 05 without ``TF_CPP_MIN_LOG_LEVEL`` (as a student's Jupyter has it);
this test reads the executed copies of *every* notebook that ``make book`` keeps (see
``test_executed_claims``; ``make book`` runs them without ``TF_CPP_MIN_LOG_LEVEL``, as a student's Jupyter does)
and looks at each stderr output line by line with the package's own filter
(``mgc_helpers._tensorflow.is_noise``) and for Keras' "structure of `inputs`" warning. Real warnings are
allowed: only the known noise fails the test.
"""
from __future__ import annotations

import json

import pytest

from mgc_helpers import _tensorflow

from test_executed_claims import _executed

pytestmark = pytest.mark.e2e

KERAS_STRUCTURE = "structure of `inputs`"


def noisy_lines(nb: dict) -> dict[int, list[str]]:
    """Cell index -> the stderr lines of that cell that are start-up noise or Keras' structure warning."""
    found: dict[int, list[str]] = {}
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "stream" or out.get("name") != "stderr":
                continue
            text = out.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            bad = [line for line in text.splitlines() if _tensorflow.is_noise(line) or KERAS_STRUCTURE in line]
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


def test_no_executed_notebook_has_tensorflow_or_cuda_stderr():
    problems = []
    for path in _executed():
        for cell, lines in noisy_lines(json.loads(path.read_text(encoding="utf-8"))).items():
            problems.append(f"{path.name}, cell {cell}: " + " | ".join(line[:160] for line in lines))
    assert not problems, "TensorFlow/CUDA start-up noise in executed notebooks:\n" + "\n".join(problems)
