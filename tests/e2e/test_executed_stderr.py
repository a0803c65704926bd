"""No executed notebook shows TensorFlow/CUDA start-up lines or Keras' input-structure warning (issue 18).

This test reads the executed copies of *every* notebook that ``make book`` keeps (see
``test_executed_claims``; ``make book`` runs them without ``TF_CPP_MIN_LOG_LEVEL``, as a student's Jupyter does)
and looks at each stderr output line by line with ``test_quiet_tf.noisy_lines`` (the package's own filter, an
independent list of the known lines, and Keras' "structure of `inputs`" warning). Real warnings are
allowed: only the known noise fails the test.
"""
from __future__ import annotations

import json

import pytest

from test_executed_claims import _executed
from test_quiet_tf import noisy_lines

pytestmark = pytest.mark.e2e


def test_no_executed_notebook_has_tensorflow_or_cuda_stderr():
    problems = []
    for path in _executed():
        for cell, lines in noisy_lines(json.loads(path.read_text(encoding="utf-8"))).items():
            problems.append(f"{path.name}, cell {cell}: " + " | ".join(line[:160] for line in lines))
    assert not problems, "TensorFlow/CUDA start-up noise in executed notebooks:\n" + "\n".join(problems)
