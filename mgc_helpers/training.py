"""Training the course's networks: a careful ``fit``, learning-rate schedules, live curves, clip-level evaluation.

Taught in notebook 04 (feed-forward networks) and notebook 05 (CNNs); notebooks 06–08 use it
unchanged. This module imports TensorFlow/Keras when it is imported (``import mgc_helpers``
never imports it). The data pipeline it trains on lives one layer below, in
:mod:`mgc_helpers.segments`; the results log in :mod:`mgc_helpers.evaluation`.

The pipeline, in the order a careful practitioner follows it
------------------------------------------------------------
1. **Split first** (:func:`mgc_helpers.datasets.load_tracks`: artist-disjoint train/valid/test).
2. **Normalise with training statistics only** (:func:`mgc_helpers.segments.fit_standardizer`:
   one mean and standard deviation per mel band, computed on the training tracks).
3. **Cut segments after the split** (:class:`mgc_helpers.segments.Pipeline`): random crops of
   the *training* tracks, new every epoch, and every segment of *one* split for evaluation,
   so a test segment can never reach training.
4. **Train** with :func:`fit`: Adam, early stopping that restores the best weights, a
   checkpoint in the cache, optional 1cycle / cyclic learning rate (report 003), class weights,
   a seeded run, and an optional live loss/accuracy plot (:class:`LivePlot`, report 000's GUI).
5. **Evaluate per clip** with :func:`evaluate`: segment predictions are combined per track
   by mean probability and by majority vote (:mod:`mgc_helpers.evaluation`).
6. **Record** the result with :func:`mgc_helpers.evaluation.record` (one call: the results log
   that notebook 10 reads, and the test-clip probabilities of :func:`evaluate` for its ensembles).

Layout: every input is an "image" of shape ``(n_bands, n_frames, 1)`` (mel bands or MFCCs
by frames), float32 after standardisation; labels are integer class indices
(``sparse_categorical_crossentropy``; the reports' one-hot ``categorical_crossentropy`` is the
same loss).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import config, evaluation
from ._tensorflow import import_keras, import_tensorflow
from .segments import SegmentData, array_dataset

tf = import_tensorflow()
keras = import_keras()

__all__ = [
    "describe_device",
    "configure_threads",
    "set_seed",
    "one_cycle_schedule",
    "OneCycleSchedule",
    "CyclicSchedule",
    "LivePlot",
    "TrainResult",
    "fit",
    "balanced_class_weight",
    "predict_proba",
    "evaluate",
    "plot_history",
    "checkpoint_path",
    "load_network",
    "repeat_over_seeds",
]


# --------------------------------------------------------------------------- device and seeds
def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def configure_threads(*, intra_op: int | None = None, inter_op: int = 1) -> bool:
    """Limit TensorFlow's CPU thread pools (one per core for each operation, one operation at a time).

    Taught in notebook 04; called by :func:`describe_device` and :func:`set_seed`, so every deep
    notebook gets it. By default TensorFlow starts a pool of threads for *each* operation and
    another pool to run several operations at once; on a small shared CPU the threads
    mostly wait for each other (high system time). Small CNNs on 2 cores train faster with
    ``intra_op`` = the number of usable cores and ``inter_op`` = 1. It must happen before
    TensorFlow runs its first operation; later calls change nothing.

    Parameters
    ----------
    intra_op : int, optional, keyword-only
        Threads inside one operation (default: the cores this process may use).
    inter_op : int, keyword-only
        Operations run in parallel.

    Returns
    -------
    bool
        True if the setting was applied, False if TensorFlow was already running.
    """
    intra = int(intra_op or _cpu_count())
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(int(inter_op))
    except RuntimeError:  # the runtime is already initialised
        return False
    return True


def describe_device() -> str:
    """Which device TensorFlow will train on, in words: ``"GPU: ..."`` or ``"CPU: n cores"``.

    Taught in notebook 04; printed by every deep-learning notebook (on Colab choose
    *Runtime → Change runtime type → GPU*; Keras then uses it without any code change).

    Returns
    -------
    str
    """
    configure_threads()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for gpu in gpus:
            try:
                details = tf.config.experimental.get_device_details(gpu)
            except Exception:  # pragma: no cover - depends on the driver
                details = {}
            names.append(details.get("device_name", gpu.name))
        return "GPU: " + ", ".join(names)
    threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
    return f"CPU: {os.cpu_count()} cores (TensorFlow uses {threads} threads)"


def set_seed(seed: int) -> None:
    """Seed Python, NumPy, TensorFlow and Keras so that a run can be repeated.

    Taught in notebook 04. On a CPU the same seed gives the same numbers; on a GPU some
    kernels are not deterministic, so expect small differences there.

    Parameters
    ----------
    seed : int
    """
    configure_threads()  # before the first TensorFlow operation (no-op afterwards)
    keras.utils.set_random_seed(int(seed))  # seeds random, numpy and the backend
    np.random.seed(int(seed))
    _reset_global_seed_generator()


def _reset_global_seed_generator() -> None:
    """Drop Keras' global ``SeedGenerator`` (unseeded ``keras.random`` calls) so that it is re-made from the seed.

    ``keras.utils.set_random_seed`` does this itself only in recent Keras 3 releases; Colab's Keras 3.10
    keeps the old generator, and the same seed then gave different numbers (found by ``make envs-check``).
    """
    try:
        from keras.src.backend.common import global_state
    except ImportError:  # a Keras without this private module: nothing to reset
        return
    global_state.set_global_attribute("global_seed_generator", None)


# --------------------------------------------------------------------------- learning-rate schedules
@keras.saving.register_keras_serializable(package="mgc_helpers")
class OneCycleSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """The 1cycle policy (Smith, 2018; report 003): warm up, then anneal far below the start.

    Taught in notebook 05. With :math:`p` the fraction of steps done, the rate rises from
    ``max_lr / div_factor`` to ``max_lr`` along half a cosine during the first ``pct_start``
    of the steps, then falls along half a cosine to ``max_lr / (div_factor * final_div_factor)``
    (the schedule of PyTorch's ``OneCycleLR`` with ``anneal_strategy="cos"``).
    """

    def __init__(self, max_lr: float, total_steps: int, pct_start: float = 0.3,
                 div_factor: float = 25.0, final_div_factor: float = 1e4) -> None:
        if total_steps < 2:
            raise ValueError(f"total_steps must be >= 2, got {total_steps}")
        self.max_lr, self.total_steps = float(max_lr), int(total_steps)
        self.pct_start, self.div_factor, self.final_div_factor = float(pct_start), float(div_factor), \
            float(final_div_factor)

    def __call__(self, step: Any) -> Any:
        step = keras.ops.cast(step, "float32")
        initial = self.max_lr / self.div_factor
        final = initial / self.final_div_factor
        up = max(self.pct_start * self.total_steps - 1.0, 1.0)
        down = max(self.total_steps - 1.0 - up, 1.0)

        def cos(start: float, end: float, frac: Any) -> Any:
            frac = keras.ops.clip(frac, 0.0, 1.0)
            return end + (start - end) / 2.0 * (keras.ops.cos(math.pi * frac) + 1.0)

        return keras.ops.where(step <= up, cos(initial, self.max_lr, step / up),
                               cos(self.max_lr, final, (step - up) / down))

    def get_config(self) -> dict[str, Any]:
        return {"max_lr": self.max_lr, "total_steps": self.total_steps, "pct_start": self.pct_start,
                "div_factor": self.div_factor, "final_div_factor": self.final_div_factor}


@keras.saving.register_keras_serializable(package="mgc_helpers")
class CyclicSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """The triangular cyclic learning rate (Smith, 2017; report 003).

    Taught in notebook 05. The rate goes linearly from ``base_lr`` up to ``max_lr`` in
    ``step_size`` steps and back down in as many, again and again.
    """

    def __init__(self, base_lr: float, max_lr: float, step_size: int) -> None:
        self.base_lr, self.max_lr, self.step_size = float(base_lr), float(max_lr), int(step_size)

    def __call__(self, step: Any) -> Any:
        step = keras.ops.cast(step, "float32")
        cycle_pos = step / self.step_size
        x = keras.ops.abs(cycle_pos - 2.0 * keras.ops.floor(cycle_pos / 2.0) - 1.0)  # 1 -> 0 -> 1
        return self.base_lr + (self.max_lr - self.base_lr) * (1.0 - x)

    def get_config(self) -> dict[str, Any]:
        return {"base_lr": self.base_lr, "max_lr": self.max_lr, "step_size": self.step_size}


def one_cycle_schedule(
    *, max_lr: float, total_steps: int, pct_start: float = 0.3, div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> OneCycleSchedule:
    """A 1cycle learning-rate schedule for a Keras optimizer (report 003).

    Taught in notebook 05. See :class:`OneCycleSchedule`; ``schedule(step)`` gives the rate.

    Parameters
    ----------
    max_lr : float, keyword-only
        Peak learning rate (reached after ``pct_start`` of the steps).
    total_steps : int, keyword-only
        ``epochs * steps_per_epoch``.
    pct_start, div_factor, final_div_factor : float, keyword-only
        Warm-up share, ``max_lr / initial``, ``initial / final``.

    Returns
    -------
    OneCycleSchedule
    """
    return OneCycleSchedule(max_lr, total_steps, pct_start, div_factor, final_div_factor)


# --------------------------------------------------------------------------- live plot
def _in_notebook() -> bool:
    if os.environ.get("MGC_STATIC_WIDGETS") == "1":
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class LivePlot(keras.callbacks.Callback):
    """Loss and accuracy curves that redraw in place after every epoch (report 000's live graph).

    Taught in notebook 04. In a Jupyter kernel one figure is updated through an IPython
    display handle; elsewhere (a script, a terminal, ``MGC_STATIC_WIDGETS=1``) one plain
    text line per ``every`` epochs is printed instead.

    Parameters
    ----------
    every : int, keyword-only
        Redraw (or print) every ``every`` epochs, and after the last one.
    title : str, keyword-only
    notebook : bool or None, keyword-only
        Force the figure (True) or the text (False); None detects the kernel.
    """

    def __init__(self, *, every: int = 1, title: str = "", notebook: bool | None = None) -> None:
        super().__init__()
        self.every, self.title = max(1, int(every)), title
        self.notebook = _in_notebook() if notebook is None else bool(notebook)
        self.history: dict[str, list[float]] = {}
        self.lines: list[str] = []
        self._handle: Any = None

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.history = {}
        self._handle = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Record the epoch's scalar logs; redraw (or print) every ``every`` epochs."""
        for k, v in (logs or {}).items():
            if k == "learning_rate" or np.ndim(v) == 0:
                self.history.setdefault(k, []).append(float(v))
        if (epoch + 1) % self.every == 0:
            self._show(epoch)

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        """Show the last epoch if the last redraw came before it."""
        n = len(self.history.get("loss", []))
        if n and n % self.every != 0:
            self._show(n - 1)

    def _show(self, epoch: int) -> None:
        if self.notebook:
            self._draw()
        else:
            parts = [f"{k} {v[-1]:.4g}" for k, v in self.history.items() if k != "learning_rate"]
            line = f"epoch {epoch + 1}: " + ", ".join(parts)
            self.lines.append(line)
            print(line, flush=True)

    def _draw(self) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        fig = plot_history(self.history, title=self.title)
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)
        plt.close(fig)


def plot_history(history: dict[str, Sequence[float]] | Any, *, title: str = "", best_epoch: int | None = None) -> Any:
    """Training curves: loss (left) and accuracy (right), training vs validation.

    Taught in notebook 04 (reading under- and over-fitting from the gap between the curves).

    Parameters
    ----------
    history : dict or keras History
        ``{"loss": [...], "val_loss": [...], "accuracy": [...], "val_accuracy": [...]}``.
    title : str, keyword-only
    best_epoch : int, optional, keyword-only
        Mark this (0-based) epoch, e.g. the one early stopping restored.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    h = getattr(history, "history", history)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3))
    for ax, metric in zip(axes, ("loss", "accuracy")):
        for key, label in ((metric, "train"), (f"val_{metric}", "validation")):
            if key in h and len(h[key]):
                ax.plot(np.arange(1, len(h[key]) + 1), h[key], marker=".", label=label)
        if best_epoch is not None:
            ax.axvline(best_epoch + 1, color="grey", ls="--", lw=1, label="best epoch")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- fit
@dataclass
class TrainResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    history : dict
        Per-epoch ``loss``, ``accuracy`` (and ``val_*``, ``learning_rate``).
    best_epoch : int
        0-based epoch whose weights the model holds now.
    seconds : float
        Wall-clock training time.
    model : keras.Model
    checkpoint : pathlib.Path or None
    """

    history: dict[str, list[float]]
    best_epoch: int
    seconds: float
    model: Any
    checkpoint: Path | None = None

    @property
    def epochs_run(self) -> int:
        """Number of epochs trained (early stopping may stop before ``epochs``)."""
        return len(self.history.get("loss", []))


def checkpoint_path(name: str) -> Path:
    """Where :func:`fit` saves a checkpoint: ``<cache root>/checkpoints/<name>.keras``.

    Taught in notebook 05 (the checkpoint; :func:`load_network` reads it back).
    """
    return config.cache_root() / "checkpoints" / f"{name}.keras"


def load_network(path: str | os.PathLike) -> Any:
    """A Keras model read back from a ``.keras`` file (a :func:`fit` checkpoint, a saved bundle), uncompiled.

    Used by :func:`mgc_helpers.bundle.load_model` (notebook 10's saved models) and for reading back the
    checkpoint :func:`fit` writes (notebook 05 trains with one).
    The course's own layers (the skip-GRU cell) are registered first. Keras up to 3.10 writes a
    single input as a list of one and reads it back as that list, so every call of the reloaded model on an
    array warns "The structure of `inputs` doesn't match the expected structure"; such a model is
    rebuilt on its one input tensor (the same layers and weights), as later Keras versions read it.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.keras`` file.

    Returns
    -------
    keras.Model
        Called on an array of shape ``(batch, *input_shape)``.
    """
    from .models import rnn  # noqa: F401  (registers the skip-GRU cell for deserialisation)

    model = keras.models.load_model(path, compile=False)
    if not isinstance(model, keras.Sequential) and isinstance(model.input, list) and len(model.input) == 1:
        model = keras.Model(model.input[0], model.output, name=model.name)
    return model


def _as_data(data: Any, *, batch_size: int, shuffle: bool, seed: int) -> Any:
    if data is None or isinstance(data, tf.data.Dataset):
        return data
    if isinstance(data, SegmentData):
        return array_dataset(data.X, data.y, batch_size=batch_size, shuffle=shuffle, seed=seed)
    if isinstance(data, tuple) and len(data) == 2:
        return array_dataset(data[0], data[1], batch_size=batch_size, shuffle=shuffle, seed=seed)
    raise TypeError(f"expected a tf.data.Dataset, SegmentData or (X, y), got {type(data).__name__}")


def _learning_rate(schedule: Any, *, lr: float, epochs: int, steps: int) -> Any:
    if schedule is None:
        return lr
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return schedule
    if steps < 1:
        raise ValueError("a schedule needs a dataset of known length (len(train_ds))")
    if schedule == "1cycle":
        return one_cycle_schedule(max_lr=lr, total_steps=max(2, epochs * steps))
    if schedule == "cyclic":
        return CyclicSchedule(lr / 10.0, lr, max(1, 2 * steps))
    raise ValueError(f"schedule must be None, '1cycle', 'cyclic' or a LearningRateSchedule, got {schedule!r}")


def balanced_class_weight(y: Sequence[int], *, n_classes: int | None = None) -> dict[int, float]:
    """Class weights ``n / (k * count_c)`` (scikit-learn's ``"balanced"``) for :func:`fit`.

    Taught in notebook 05 (useful when the genres are not equally frequent, e.g. FMA).
    """
    y = np.asarray(y, dtype=int)
    k = int(n_classes or (y.max() + 1))
    counts = np.bincount(y, minlength=k)
    return {c: (len(y) / (k * counts[c]) if counts[c] else 0.0) for c in range(k)}


def fit(
    model: Any,
    train_ds: Any,
    *,
    validation: SegmentData | tuple[np.ndarray, np.ndarray] | None = None,
    epochs: int = 30,
    patience: int = 8,
    lr: float = 1e-3,
    schedule: Any = None,
    optimizer: str = "adam",
    class_weight: dict[int, float] | None = None,
    checkpoint_name: str | None = None,
    live_plot: bool | LivePlot = False,
    monitor: str | None = None,
    restore_best: bool = True,
    batch_size: int = 32,
    verbose: int = 0,
    seed: int = 0,
) -> TrainResult:
    """Compile and train a classifier the careful way; the model ends with its best weights.

    Taught in notebook 04; used by 05–08. Loss: sparse categorical cross-entropy on
    softmax outputs; metric: accuracy. **Early stopping** watches ``monitor`` (default the
    validation loss, or the training loss without validation), stops after ``patience``
    epochs without improvement and restores the weights of the best epoch.

    Parameters
    ----------
    model : keras.Model
        Built, not necessarily compiled (it is compiled here).
    train_ds : tf.data.Dataset, SegmentData or (X, y)
        Training batches (:meth:`mgc_helpers.segments.Pipeline.train_dataset`), or arrays batched with ``batch_size``.
    validation : SegmentData or (X, y), optional, keyword-only
        Validation segments (:meth:`mgc_helpers.segments.Pipeline.eval_segments` on ``"valid"``); never the test split.
    epochs, patience : int, keyword-only
    lr : float, keyword-only
        Learning rate (the peak rate of a schedule).
    schedule : None, "1cycle", "cyclic" or keras LearningRateSchedule, keyword-only
        Report 003's 1cycle / cyclic learning rates (see :func:`one_cycle_schedule`).
    optimizer : {"adam", "sgd"}, keyword-only
        Adam (the reports' choice) or SGD with Nesterov momentum 0.9.
    class_weight : dict, optional, keyword-only
        ``{class index: weight}`` (see :func:`balanced_class_weight`).
    checkpoint_name : str, optional, keyword-only
        Save the best model to :func:`checkpoint_path` (``<cache>/checkpoints/<name>.keras``).
    live_plot : bool or LivePlot, keyword-only
        Show :class:`LivePlot` curves while training.
    monitor : str, optional, keyword-only
        Quantity for early stopping and checkpoints (``"val_loss"``, ``"val_accuracy"``...).
    restore_best : bool, keyword-only
        True (default): early stopping and the best epoch's weights. False: train all
        ``epochs`` and keep the final weights, the usual choice with a 1cycle schedule,
        whose last epochs at a small learning rate are the point of the schedule; with a
        small validation set the "best" epoch is often a lucky early one (notebook 07).
        ``best_epoch`` is then the last epoch and the checkpoint holds the final model.
    batch_size : int, keyword-only
        Only for array inputs.
    verbose : {0, 2}, keyword-only
        0: silent; 2: one line per epoch (never progress bars).
    seed : int, keyword-only
        :func:`set_seed` before training.

    Returns
    -------
    TrainResult
    """
    set_seed(seed)
    train = _as_data(train_ds, batch_size=batch_size, shuffle=True, seed=seed)
    val = _as_data(validation, batch_size=64, shuffle=False, seed=seed)
    try:
        steps = len(train)
    except TypeError:
        steps = -1
    rate = _learning_rate(schedule, lr=lr, epochs=epochs, steps=steps)
    if optimizer == "adam":
        opt = keras.optimizers.Adam(learning_rate=rate)
    elif optimizer == "sgd":
        opt = keras.optimizers.SGD(learning_rate=rate, momentum=0.9, nesterov=True)
    else:
        raise ValueError(f"optimizer must be 'adam' or 'sgd', got {optimizer!r}")
    model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    monitor = monitor or ("val_loss" if val is not None else "loss")
    mode = "max" if "acc" in monitor else "min"
    callbacks: list[Any] = []
    if restore_best:
        callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, mode=mode, patience=patience,
                                                       restore_best_weights=True))
    ckpt = None
    if checkpoint_name:
        ckpt = checkpoint_path(checkpoint_name)
        ckpt.parent.mkdir(parents=True, exist_ok=True)
        callbacks.append(keras.callbacks.ModelCheckpoint(str(ckpt), monitor=monitor, mode=mode,
                                                         save_best_only=restore_best))
    if live_plot:
        callbacks.append(live_plot if isinstance(live_plot, LivePlot) else LivePlot(title=model.name))
    start = time.perf_counter()
    hist = model.fit(train, validation_data=val, epochs=epochs, callbacks=callbacks, shuffle=False,
                     class_weight=class_weight, verbose=0 if verbose == 0 else 2)
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    values = history.get(monitor, [])
    if not restore_best:
        best = len(history.get("loss", [])) - 1
    else:
        best = int(np.argmax(values) if mode == "max" else np.argmin(values)) if values else 0
    return TrainResult(history, best, seconds, model, ckpt)


# --------------------------------------------------------------------------- evaluation
def predict_proba(model: Any, X: np.ndarray, *, batch_size: int = 64) -> np.ndarray:
    """Softmax outputs of ``model`` on ``X``, batch by batch, as a NumPy array (no progress bar).

    Taught in notebook 04. Batches of 64 keep the activations small (a batch of 256
    128-band, 3-s segments needs ~0.5 GB of activations in a small CNN).
    """
    out = [np.asarray(model(X[i:i + batch_size], training=False)) for i in range(0, len(X), batch_size)]
    return np.concatenate(out) if out else np.zeros((0, model.output_shape[-1]), np.float32)


def evaluate(model: Any, data: SegmentData, *, classes: Sequence[str] | None = None,
             batch_size: int = 64) -> dict[str, Any]:
    """Segment accuracy, clip accuracy (mean probability and majority vote) and clip macro-F1.

    Taught in notebook 04 (voting in notebook 05). Each clip's segments are classified;
    the clip's genre is the arg-max of the mean of its segments' probabilities
    (:func:`mgc_helpers.evaluation.mean_probability`), or the majority vote
    (:func:`mgc_helpers.evaluation.majority_vote`).

    Parameters
    ----------
    model : keras.Model
    data : SegmentData
    classes : sequence of str, optional, keyword-only
        Class order of the outputs (default ``data.classes``).

    Returns
    -------
    dict
        ``segment_accuracy``, ``clip_accuracy`` (mean probability), ``clip_accuracy_majority``,
        ``macro_f1`` (clips, mean probability), ``y_true_clip``, ``y_pred_clip`` (genre names),
        ``proba_clip`` (n_clips, n_classes), ``track_id_clip``, ``proba`` (segments).
    """
    classes = list(classes if classes is not None else data.classes)
    proba = predict_proba(model, data.X, batch_size=batch_size)
    cls = np.asarray(classes)
    truth = cls[data.y]
    pred = cls[np.argmax(proba, axis=1)]
    mean = evaluation.clip_table(data.track_id, truth, proba=proba, classes=classes, method="mean")
    major = evaluation.clip_table(data.track_id, truth, y_pred=pred, proba=proba, classes=classes)
    codes = {t: i for i, t in enumerate(mean.index)}
    sums = np.zeros((len(mean), len(cls)))
    np.add.at(sums, [codes[t] for t in data.track_id], proba)
    counts = np.bincount([codes[t] for t in data.track_id], minlength=len(mean))[:, None]
    return {
        "segment_accuracy": evaluation.accuracy(truth, pred),
        "clip_accuracy": evaluation.accuracy(mean["true"], mean["predicted"]),
        "clip_accuracy_majority": evaluation.accuracy(major["true"], major["predicted"]),
        "macro_f1": evaluation.macro_f1(mean["true"], mean["predicted"], labels=classes),
        "y_true_clip": mean["true"].to_numpy(),
        "y_pred_clip": mean["predicted"].to_numpy(),
        "proba_clip": sums / counts,
        "track_id_clip": mean.index.to_numpy(),
        "proba": proba,
    }


# --------------------------------------------------------------------------- seed repeats
def repeat_over_seeds(
    build: Any,
    train: Any,
    *,
    test: SegmentData,
    seeds: Sequence[int],
    known: dict[int, float] | None = None,
    score: str = "clip_accuracy",
    **fit_options: Any,
) -> "evaluation.SeedSpread":
    """Train one recipe once per seed and summarise a test score: mean, standard deviation, range.

    Taught in notebook 07 (one run's accuracy is one draw: the seed alone moves it by several points
    on a few dozen test clips); :func:`mgc_helpers.evaluation.repeat_over_seeds` does the summary.
    For each seed: :func:`set_seed`, ``build()`` a fresh model, :func:`fit` it on ``train(seed)``
    with ``fit_options`` (and ``seed=seed``), then :func:`evaluate` it on ``test``.

    Parameters
    ----------
    build : callable
        ``build() -> keras.Model``, a fresh untrained network each call.
    train : callable
        ``train(seed) -> training batches``, e.g. ``lambda s: pipe.train_dataset(batch_size=32, seed=s)``.
    test : SegmentData, keyword-only
    seeds : sequence of int, keyword-only
        Distinct seeds.
    known : dict, optional, keyword-only
        ``{seed: score}`` of runs already done with the same recipe (the notebook's own run): not
        trained again.
    score : str, keyword-only
        Key of :func:`evaluate`'s result (default ``"clip_accuracy"``).
    **fit_options
        Passed to :func:`fit` (``validation``, ``epochs``, ``lr``, ``schedule``, ...); not ``seed``.

    Returns
    -------
    mgc_helpers.evaluation.SeedSpread
    """
    if "seed" in fit_options:
        raise TypeError("seed is set per run by repeat_over_seeds; pass the seeds with seeds=")
    known = dict(known or {})

    def run(seed: int) -> float:
        if seed in known:
            return float(known[seed])
        set_seed(seed)
        model = build()
        fit(model, train(seed), seed=seed, **fit_options)
        return float(evaluate(model, test)[score])

    return evaluation.repeat_over_seeds(run, seeds)
