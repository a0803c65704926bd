"""The package's one way in to TensorFlow and Keras: imported quietly, real warnings kept.

Every module of the package that needs TensorFlow or Keras calls :func:`import_tensorflow` or
:func:`import_keras` (at its top, or lazily inside a function) instead of ``import tensorflow``, so
the notebooks that use them (04-08 and 10) start the same way on a laptop, in plain Jupyter and on
Colab, whatever the environment says. This module imports nothing of the package (layer 1).

What TensorFlow prints at start-up, and why an environment variable is not enough
-------------------------------------------------------------------------------------
TensorFlow 2.19 and later print from C++ *while its libraries load*, before they read
``TF_CPP_MIN_LOG_LEVEL``: absl's "All log messages before absl::InitializeLog() is called are
written to STDERR", "Could not find cuda drivers on your machine" (twice, on a CPU), "Unable to
register cuDNN/cuFFT/cuBLAS factory" (on a GPU), "TF-TRT Warning: Could not find TensorRT", the
oneDNN and CPU-instruction notices, and, at the first look at the devices, "failed call to
cuInit" (an *error* line on every machine without a GPU). None of them is actionable. So:

1. ``TF_CPP_MIN_LOG_LEVEL`` defaults to ``2`` (TensorFlow's later INFO and WARNING lines off, its
   errors on); a value the user set is kept. ``TF_ENABLE_ONEDNN_OPTS`` is left alone: turning
   oneDNN off would change the numbers, and its notice is only a notice.
2. The import, and TensorFlow's first look at its devices (where ``cuInit`` runs; it does not start
   the runtime, so :func:`mgc_helpers.training.configure_threads` still works afterwards), run with
   the process's standard error (file descriptor 2, which C++ writes to) sent to a temporary file.
   Afterwards every line of it that matches none of :data:`NOISE` is written back to standard
   error, in order: a real error or warning printed during the import stays visible.

Python warnings (``warnings.warn``, Keras' ``UserWarning`` s) are not touched at all.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from types import ModuleType
from typing import Iterator

__all__ = ["NOISE", "is_noise", "quiet_stderr", "import_tensorflow", "import_keras"]

#: Start-up lines of TensorFlow, XLA and CUDA that say nothing a student can act on (regular
#: expressions, searched in each line of standard error written while TensorFlow loads).
NOISE: tuple[str, ...] = (
    r"absl::InitializeLog\(\)",                      # absl, before TensorFlow initialises its logging
    r"[Cc]ould not find cuda drivers",               # cudart_stub.cc, on a machine without a GPU
    r"cuInit",                                       # cuda_platform.cc / cuda_driver.cc, no GPU either
    r"Unable to register cu(DNN|FFT|BLAS) factory",  # a GPU build registering its plugins twice
    r"computation placer already registered",        # the same, for XLA
    r"TF-TRT Warning",                               # TensorRT is optional
    r"oneDNN custom operations are on",              # oneDNN's notice (and its advice below)
    r"TF_ENABLE_ONEDNN_OPTS=0",
    r"This TensorFlow binary is optimized",          # cpu_feature_guard.cc (two lines)
    r"rebuild TensorFlow with the appropriate compiler flags",
)
_NOISE = re.compile("|".join(NOISE))
_LEVEL = "TF_CPP_MIN_LOG_LEVEL"


def is_noise(line: str) -> bool:
    """Whether one line of standard error is TensorFlow/CUDA start-up noise (:data:`NOISE`)."""
    return bool(_NOISE.search(line))


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Drop :data:`NOISE` lines written to file descriptor 2 inside the block; write the rest back.

    Used by :func:`import_tensorflow`. C++ libraries write to the descriptor, not to ``sys.stderr``,
    so the descriptor itself is redirected (to a temporary file) for the duration of the block.
    Where standard error has no descriptor (a closed one), the block runs unfiltered.
    """
    try:
        fd = sys.__stderr__.fileno() if sys.__stderr__ is not None else 2
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):  # no descriptor to redirect
        yield
        return
    with tempfile.TemporaryFile() as tmp:
        _flush()
        os.dup2(tmp.fileno(), fd)
        try:
            yield
        finally:
            _flush()
            os.dup2(saved, fd)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", errors="replace")
            kept = "".join(line for line in text.splitlines(keepends=True) if not is_noise(line))
            if kept:
                os.write(fd, kept.encode("utf-8"))


def _flush() -> None:
    for stream in (sys.stderr, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()


def import_tensorflow() -> ModuleType:
    """TensorFlow, imported quietly the first time (see the module's docstring); then as imported.

    Used by every module of the package that needs TensorFlow (notebooks 04-08 and 10).

    Returns
    -------
    module
        ``tensorflow``.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault(_LEVEL, "2")
    with quiet_stderr():
        import tensorflow as tf

        tf.config.list_physical_devices()  # CUDA's first look (cuInit) prints here, not at the first layer
    return tf


def import_keras() -> ModuleType:
    """Keras 3 on TensorFlow, imported quietly (TensorFlow first, through :func:`import_tensorflow`).

    Used by every module of the package that builds, trains or loads a network (notebooks 04-08, 10).

    Returns
    -------
    module
        ``keras``.
    """
    import_tensorflow()
    import keras

    return keras
