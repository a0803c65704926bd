"""Tests of mgc_helpers.training: device and seeds, schedules, live plot, fit, evaluation and what it records."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from mgc_helpers import evaluation, segments  # noqa: E402
from mgc_helpers import training  # noqa: E402
from mgc_helpers.cache import TrackFeatures  # noqa: E402

CLASSES = ["a", "b", "c"]


def separable_feats(*, n_per_class: int = 8, n_bands: int = 8, n_frames: int = 24) -> TrackFeatures:
    """Three classes that differ in which bands are loud: easy to learn in a few steps."""
    rng = np.random.default_rng(0)
    rows, arrays = [], []
    for part, n in (("train", n_per_class), ("valid", 2), ("test", 2)):
        for i in range(n * len(CLASSES)):
            c = i % len(CLASSES)
            a = rng.normal(size=(n_bands, n_frames)).astype(np.float32)
            a[c * 2:(c * 2) + 2] += 3.0
            rows.append({"track_id": f"{part}{i}", "genre": CLASSES[c], "split": part, "artist": "x", "path": "-"})
            arrays.append(a)
    return TrackFeatures(pd.DataFrame(rows), arrays, {}, {})


def tiny_model(n_bands: int = 8, frames: int = 8, n_classes: int = 3) -> "keras.Model":
    inputs = keras.Input((n_bands, frames, 1))
    x = keras.layers.Reshape((n_bands, frames))(inputs)
    x = keras.layers.GlobalAveragePooling1D(data_format="channels_first")(x)  # mean of each band over time
    return keras.Model(inputs, keras.layers.Dense(n_classes, activation="softmax")(x))


# --------------------------------------------------------------------------- device, seeds
def test_describe_device_names_cpu_or_gpu():
    text = training.describe_device()
    assert text.startswith("CPU: ") or text.startswith("GPU: ")


def test_configure_threads_sets_tensorflow_pools():
    import tensorflow as tf

    applied = training.configure_threads(intra_op=2, inter_op=1)  # never raises, even after start-up
    if applied:
        assert tf.config.threading.get_intra_op_parallelism_threads() == 2
        assert tf.config.threading.get_inter_op_parallelism_threads() == 1
    assert training.describe_device().startswith(("CPU: ", "GPU: "))


def test_set_seed_repeats_numpy_and_keras():
    training.set_seed(3)
    a = np.random.rand(3), keras.random.uniform((3,)).numpy()
    training.set_seed(3)
    b = np.random.rand(3), keras.random.uniform((3,)).numpy()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


# --------------------------------------------------------------------------- schedules
def test_one_cycle_schedule_values():
    s = training.one_cycle_schedule(max_lr=0.01, total_steps=100, pct_start=0.31)
    lr = np.array([float(s(i)) for i in range(100)])
    np.testing.assert_allclose(lr[0], 0.01 / 25, rtol=1e-5)
    up = 30  # pct_start * total_steps - 1: the peak step (PyTorch OneCycleLR's phase end)
    np.testing.assert_allclose(lr[up], 0.01, rtol=1e-5)
    np.testing.assert_allclose(lr[-1], 0.01 / 25 / 1e4, rtol=1e-3)
    assert np.all(np.diff(lr[:up + 1]) > 0) and np.all(np.diff(lr[up:]) < 0)
    # half-way through the warm-up: the cosine's midpoint, the mean of the start and the peak
    np.testing.assert_allclose(lr[15], (0.01 / 25 + 0.01) / 2, rtol=1e-5)
    # a quarter of the way: the cosine formula written out by hand
    expected = 0.01 + (0.01 / 25 - 0.01) / 2 * (math.cos(math.pi * 0.25) + 1)
    np.testing.assert_allclose(float(s(7.5)), expected, rtol=1e-5)
    # half-way through the annealing phase (step 30 + 34.5)
    final = 0.01 / 25 / 1e4
    np.testing.assert_allclose(float(s(64.5)), (0.01 + final) / 2, rtol=1e-5)
    assert training.OneCycleSchedule(**s.get_config()).get_config() == s.get_config()
    with pytest.raises(ValueError):
        training.one_cycle_schedule(max_lr=0.1, total_steps=1)


def test_cyclic_schedule_is_triangular():
    s = training.CyclicSchedule(0.001, 0.01, 5)
    values = [float(s(i)) for i in (0, 5, 10, 15, 20, 2)]
    np.testing.assert_allclose(values[:5], [0.001, 0.01, 0.001, 0.01, 0.001], rtol=1e-5)
    np.testing.assert_allclose(values[5], 0.001 + 0.009 * 2 / 5, rtol=1e-5)
    assert s.get_config()["step_size"] == 5


# --------------------------------------------------------------------------- live plot
def test_live_plot_text_fallback(capsys):
    cb = training.LivePlot(every=2, notebook=False)
    cb.on_train_begin()
    for epoch in range(3):
        cb.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "accuracy": 0.5, "val_loss": 2.0})
    cb.on_train_end()
    out = capsys.readouterr().out
    assert "epoch 2: loss 0.5" in out and "epoch 3:" in out and "epoch 1:" not in out
    assert cb.history["loss"] == [1.0, 0.5, 1.0 / 3] and len(cb.lines) == 2


def test_live_plot_detects_no_notebook_and_draws_in_one(monkeypatch):
    assert training.LivePlot().notebook is False  # pytest is not a Jupyter kernel
    monkeypatch.setenv("MGC_STATIC_WIDGETS", "1")
    assert training._in_notebook() is False
    handles = []

    class Handle:
        def update(self, fig):
            handles.append(("update", fig))

    def fake_display(fig, display_id=False):
        handles.append(("display", fig))
        return Handle()

    import IPython.display

    monkeypatch.setattr(IPython.display, "display", fake_display)
    cb = training.LivePlot(notebook=True, title="t")
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.3})
    cb.on_epoch_end(1, {"loss": 0.5, "accuracy": 0.6})
    assert [h[0] for h in handles] == ["display", "update"]


def test_plot_history_draws_both_curves():
    fig = training.plot_history({"loss": [2, 1], "val_loss": [2.5, 1.5], "accuracy": [0.2, 0.5],
                                 "val_accuracy": [0.1, 0.4]}, title="x", best_epoch=1)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].get_lines()) == 3  # train, validation, best epoch


# --------------------------------------------------------------------------- fit and evaluate
def test_one_training_step_lowers_the_loss():
    feats = separable_feats()
    st = segments.fit_standardizer(feats)
    train = segments.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=st)
    model = tiny_model()
    training.set_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    before = float(model.evaluate(train.X, train.y, verbose=0))
    model.train_on_batch(train.X, train.y)
    after = float(model.evaluate(train.X, train.y, verbose=0))
    assert after < before


def test_fit_trains_checkpoints_and_evaluates(isolated_cache):
    feats = separable_feats()
    st = segments.fit_standardizer(feats)
    ds = segments.train_dataset(feats, frames=8, classes=CLASSES, standardizer=st, batch_size=16,
                                crops_per_track=2, seed=0)
    valid = segments.eval_segments(feats, split="valid", frames=8, classes=CLASSES, standardizer=st)
    result = training.fit(tiny_model(), ds, validation=valid, epochs=6, patience=3, lr=0.05,
                          schedule="1cycle", checkpoint_name="tiny", seed=0)
    assert result.epochs_run <= 6 and 0 <= result.best_epoch < result.epochs_run
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert {"val_loss", "val_accuracy"} <= set(result.history)
    assert result.best_epoch == int(np.argmin(result.history["val_loss"]))
    assert result.checkpoint == isolated_cache / "checkpoints" / "tiny.keras" and result.checkpoint.exists()
    reloaded = training.load_network(result.checkpoint)
    test = segments.eval_segments(feats, split="test", frames=8, classes=CLASSES, standardizer=st)
    np.testing.assert_allclose(training.predict_proba(reloaded, test.X),
                               training.predict_proba(result.model, test.X), atol=1e-5)
    scores = training.evaluate(result.model, test)
    assert scores["clip_accuracy"] >= 2 / 3
    assert scores["proba_clip"].shape == (6, 3)
    np.testing.assert_allclose(scores["proba_clip"].sum(axis=1), 1, rtol=1e-5)


def test_fit_restores_the_best_weights(isolated_cache):
    feats = separable_feats()
    st = segments.fit_standardizer(feats)
    train = segments.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=st)
    valid = segments.eval_segments(feats, split="valid", frames=8, classes=CLASSES, standardizer=st)
    result = training.fit(tiny_model(), (train.X, train.y), validation=(valid.X, valid.y), epochs=5, patience=2,
                          lr=0.5, optimizer="sgd", monitor="val_accuracy", class_weight={0: 1.0, 1: 1.0, 2: 2.0},
                          live_plot=training.LivePlot(notebook=False), verbose=2)
    best = result.history["val_accuracy"][result.best_epoch]
    acc = float(np.mean(np.argmax(training.predict_proba(result.model, valid.X), axis=1) == valid.y))
    assert acc == pytest.approx(best, abs=1e-6)
    assert result.best_epoch == int(np.argmax(result.history["val_accuracy"]))


def test_fit_can_keep_the_final_weights(isolated_cache):
    feats = separable_feats()
    st = segments.fit_standardizer(feats)
    train = segments.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=st)
    valid = segments.eval_segments(feats, split="valid", frames=8, classes=CLASSES, standardizer=st)
    model = tiny_model()
    result = training.fit(model, (train.X, train.y), validation=(valid.X, valid.y), epochs=4, patience=1,
                          lr=0.5, optimizer="sgd", restore_best=False, checkpoint_name="final")
    assert result.epochs_run == 4 and result.best_epoch == 3          # no early stop, last epoch kept
    acc = float(np.mean(np.argmax(training.predict_proba(result.model, valid.X), axis=1) == valid.y))
    assert acc == pytest.approx(result.history["val_accuracy"][-1], abs=1e-6)
    saved = training.load_network(result.checkpoint)
    np.testing.assert_allclose(training.predict_proba(saved, valid.X), training.predict_proba(model, valid.X),
                               atol=1e-6)


def test_fit_without_validation_and_bad_options():
    feats = separable_feats()
    train = segments.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=None)
    result = training.fit(tiny_model(), train, epochs=2, schedule="cyclic", batch_size=8)
    assert "val_loss" not in result.history and result.seconds > 0
    with pytest.raises(ValueError, match="optimizer"):
        training.fit(tiny_model(), train, epochs=1, optimizer="rmsprop")
    with pytest.raises(ValueError, match="schedule"):
        training.fit(tiny_model(), train, epochs=1, schedule="warm")
    with pytest.raises(TypeError):
        training.fit(tiny_model(), [1, 2, 3], epochs=1)
    sched = training.one_cycle_schedule(max_lr=0.01, total_steps=10)
    assert training._learning_rate(sched, lr=1.0, epochs=1, steps=-1) is sched
    with pytest.raises(ValueError, match="known length"):
        training._learning_rate("1cycle", lr=1.0, epochs=1, steps=-1)


class FixedModel:
    """Stands in for a Keras model: returns given probabilities, batch by batch."""

    def __init__(self, proba: np.ndarray) -> None:
        self.proba, self.i = proba, 0

    def __call__(self, X, training=False):
        out = self.proba[self.i:self.i + len(X)]
        self.i += len(X)
        return out


def test_evaluate_votes_like_the_evaluation_module():
    track = np.array(["t1", "t1", "t1", "t2", "t2", "t3"])
    y = np.array([0, 0, 0, 1, 1, 2])
    proba = np.array([[0.4, 0.6, 0], [0.4, 0.6, 0], [0.9, 0.1, 0],   # t1: majority b, mean a
                      [0.1, 0.8, 0.1], [0.3, 0.3, 0.4],              # t2: mean b
                      [0.2, 0.2, 0.6]])
    data = segments.SegmentData(np.zeros((6, 2, 2, 1), np.float32), y, track, CLASSES)
    scores = training.evaluate(FixedModel(proba), data, batch_size=4)
    truth = np.array(CLASSES)[y]
    ref = evaluation.clip_scores(track, truth, proba=proba, classes=CLASSES)
    assert scores["segment_accuracy"] == pytest.approx(ref["segment_accuracy"]) == pytest.approx(3 / 6)
    assert scores["clip_accuracy"] == pytest.approx(ref["clip_accuracy_mean"]) == pytest.approx(1.0)
    assert scores["clip_accuracy_majority"] == pytest.approx(ref["clip_accuracy"]) == pytest.approx(2 / 3)
    assert list(scores["y_pred_clip"]) == ["a", "b", "c"]
    np.testing.assert_allclose(scores["proba_clip"][0], [1.7 / 3, 1.3 / 3, 0])
    assert scores["macro_f1"] == pytest.approx(1.0)


def test_balanced_class_weight_matches_sklearn():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0, 0, 0, 1, 2, 2])
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    got = training.balanced_class_weight(y)
    np.testing.assert_allclose([got[c] for c in range(3)], expected)
    assert training.balanced_class_weight(y, n_classes=4)[3] == 0.0


def test_evaluate_gives_evaluation_record_its_row_and_clip_probabilities(tmp_path):
    """What the notebooks do: ``evaluation.record(name, training.evaluate(...), classes=...)``."""
    track = np.array(["t1", "t1", "t2", "t3"])
    y = np.array([0, 0, 1, 2])
    proba = np.array([[0.7, 0.2, 0.1], [0.5, 0.4, 0.1], [0.2, 0.7, 0.1], [0.6, 0.2, 0.2]])
    data = segments.SegmentData(np.zeros((4, 2, 2, 1), np.float32), y, track, CLASSES)
    scores = training.evaluate(FixedModel(proba), data)
    path = tmp_path / "log.csv"
    row = evaluation.record("cnn", scores, notebook=5, dataset="toy", split="artist", features="logmel",
                            n_params=123, seconds=1.5, classes=CLASSES, notes="n", path=path)
    assert row["clip_accuracy"] == pytest.approx(2 / 3) and row["notebook"] == "05"
    table = evaluation.read_results(path=path)
    assert table.loc[0, "model"] == "cnn" and int(table.loc[0, "n_params"]) == 123
    saved = evaluation.read_clip_probabilities(dataset="toy", split="artist", folder=tmp_path / "probs" / "toy" / "artist")
    np.testing.assert_allclose(saved["cnn"].loc[["t1", "t2", "t3"], CLASSES].to_numpy(),
                               [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.6, 0.2, 0.2]])
    assert list(saved["cnn"]["true"]) == ["a", "b", "c"]


def test_checkpoint_path_is_in_the_cache(isolated_cache):
    assert training.checkpoint_path("m") == isolated_cache / "checkpoints" / "m.keras"


def test_repeat_over_seeds_trains_each_new_seed_once_and_summarises():
    feats = separable_feats()
    pipe = segments.Pipeline(feats, frames=8, classes=CLASSES, standardizer=segments.fit_standardizer(feats))
    test = pipe.eval_segments("test")
    built, trained = [], []

    def build():
        built.append(1)
        return tiny_model()

    def train(seed):
        trained.append(seed)
        return pipe.train_dataset(batch_size=8, crops_per_track=1, seed=seed)

    spread = training.repeat_over_seeds(build, train, test=test, seeds=[0, 1, 2], known={0: 0.5}, epochs=2,
                                        lr=0.05, validation=pipe.eval_segments("valid"))
    assert trained == [1, 2] and len(built) == 2 and spread.seeds == (0, 1, 2) and spread.scores[0] == 0.5
    assert all(0.0 <= s <= 1.0 for s in spread.scores) and spread.low <= spread.mean <= spread.high
    assert "over 3 seeds" in str(spread)
    with pytest.raises(TypeError, match="seed is set per run"):
        training.repeat_over_seeds(build, train, test=test, seeds=[0], seed=3)


def test_load_network_reads_a_single_input_saved_as_a_list_without_the_structure_warning(tmp_path):
    # Keras <= 3.10 writes every single-input model this way; a model built on a list of one is written so by all
    inputs = keras.Input((8, 8, 1), name="logmel")
    model = keras.Model([inputs], keras.layers.Dense(3)(keras.layers.Flatten()(inputs)), name="listed")
    path = tmp_path / "listed.keras"
    model.save(path)
    assert isinstance(keras.models.load_model(path, compile=False).input, list)
    net = training.load_network(path)
    assert not isinstance(net.input, list) and net.name == "listed"
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = np.asarray(net(x))
    np.testing.assert_allclose(got, np.asarray(model([x])), rtol=1e-6)


def test_load_network_keeps_a_model_with_two_inputs(tmp_path):
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    model = keras.Model([a, b], keras.layers.Add()([a, b]))
    model.save(tmp_path / "two.keras")
    net = training.load_network(tmp_path / "two.keras")
    assert [t.name for t in net.inputs] == ["a", "b"]
