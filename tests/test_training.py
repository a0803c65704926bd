"""Tests of mgc_helpers.training: pipelines (split isolation), normalisation, schedules, fit, evaluation."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

keras = pytest.importorskip("keras")

from mgc_helpers import evaluation  # noqa: E402
from mgc_helpers import training  # noqa: E402
from mgc_helpers.cache import TrackFeatures  # noqa: E402

CLASSES = ["a", "b", "c"]


def make_feats(*, n_bands: int = 4, n_frames: int = 40, per_split: dict | None = None, seed: int = 0) -> TrackFeatures:
    """Tracks whose every value encodes the track number (value = 1000 * k + band), so a crop names its track."""
    per_split = per_split or {"train": 6, "valid": 3, "test": 3}
    rows, arrays = [], []
    k = 0
    for part, n in per_split.items():
        for i in range(n):
            genre = CLASSES[i % len(CLASSES)]
            rows.append({"track_id": f"{part}.{i:05d}", "genre": genre, "split": part, "artist": f"{part}{i % 2}",
                         "path": f"/nowhere/{part}{i}.wav"})
            frames = n_frames + (5 * i if part == "test" else 0)
            a = 1000.0 * k + np.arange(n_bands)[:, None] + np.zeros((n_bands, frames))
            arrays.append(a.astype(np.float32))
            k += 1
    return TrackFeatures(pd.DataFrame(rows), arrays, {}, {"kind": "synthetic"})


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


# --------------------------------------------------------------------------- standardizer
def test_standardizer_matches_numpy_per_band():
    rng = np.random.default_rng(1)
    arrays = [rng.normal(loc=5, scale=3, size=(6, n)) for n in (10, 17, 30)]
    st = training.Standardizer().fit(arrays)
    joined = np.concatenate(arrays, axis=1)
    np.testing.assert_allclose(st.mean, joined.mean(axis=1), rtol=1e-5)
    np.testing.assert_allclose(st.std, joined.std(axis=1), rtol=1e-4)
    z = st.transform(joined)
    np.testing.assert_allclose(z.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(z.std(axis=1), 1, atol=1e-4)
    # images (n, bands, frames, 1) and stacked arrays (n, bands, frames) are accepted too
    img = st.transform(np.stack([a[:, :10] for a in arrays])[..., None])
    assert img.shape == (3, 6, 10, 1) and img.dtype == np.float32
    st2 = training.Standardizer().fit(np.stack([a[:, :10] for a in arrays])[..., None])
    st3 = training.Standardizer().fit(np.stack([a[:, :10] for a in arrays]))
    np.testing.assert_allclose(st2.mean, st3.mean)


def test_standardizer_round_trip_and_errors():
    st = training.Standardizer()
    with pytest.raises(RuntimeError):
        st.transform(np.zeros((2, 3)))
    with pytest.raises(RuntimeError):
        st.to_dict()
    with pytest.raises(ValueError):
        st.fit([])
    with pytest.raises(ValueError):
        st.fit([np.zeros((3, 4)), np.zeros((2, 4))])
    st.fit([np.arange(12.0).reshape(3, 4)])
    back = training.Standardizer.from_dict(st.to_dict())
    np.testing.assert_array_equal(back.mean, st.mean)
    np.testing.assert_array_equal(back.std, st.std)
    with pytest.raises(ValueError, match="bands"):
        st.transform(np.zeros((5, 4)))
    assert np.all(np.isfinite(training.Standardizer().fit([np.ones((2, 5))]).transform(np.ones((2, 5)))))


def test_standardizer_is_fitted_on_the_training_split_only():
    feats = make_feats()
    st = training.fit_standardizer(feats)
    train_rows = np.flatnonzero(feats.tracks["split"] == "train")
    expected = np.concatenate([feats.arrays[i] for i in train_rows], axis=1).mean(axis=1)
    np.testing.assert_allclose(st.mean, expected, rtol=1e-6)
    # changing the test tracks changes nothing
    for i in np.flatnonzero(feats.tracks["split"] == "test"):
        feats.arrays[i] = feats.arrays[i] + 1e6
    np.testing.assert_allclose(training.fit_standardizer(feats).mean, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="no track"):
        training.fit_standardizer(feats, split="nope")


# --------------------------------------------------------------------------- segments and isolation
def test_eval_segments_cuts_every_segment_of_one_split():
    feats = make_feats(n_frames=40)
    data = training.eval_segments(feats, split="test", frames=10, classes=CLASSES, standardizer=None)
    # test tracks have 40, 45, 50 frames -> 4, 4, 5 segments without overlap
    assert data.X.shape == (13, 4, 10, 1) and data.X.dtype == np.float32
    assert data.y.dtype == np.int64 and len(data) == 13 and data.n_tracks == 3
    assert set(data.track_id) == set(feats.tracks.loc[feats.tracks["split"] == "test", "track_id"])
    np.testing.assert_array_equal(np.bincount(data.y, minlength=3), [4, 4, 5])
    hopped = training.eval_segments(feats, split="test", frames=10, hop=5, classes=CLASSES, standardizer=None)
    assert len(hopped) == 7 + 8 + 9
    st = training.fit_standardizer(feats)
    z = training.eval_segments(feats, split="valid", frames=10, classes=CLASSES, standardizer=st)
    np.testing.assert_allclose(z.X, st.transform(
        training.eval_segments(feats, split="valid", frames=10, classes=CLASSES, standardizer=None).X), rtol=1e-6)
    with pytest.raises(ValueError):
        training.eval_segments(feats, split="test", frames=0, classes=CLASSES, standardizer=None)


def test_eval_segments_pads_a_short_track_and_rejects_unknown_labels():
    feats = make_feats(n_frames=6, per_split={"train": 1, "test": 1})
    data = training.eval_segments(feats, split="test", frames=10, classes=CLASSES, standardizer=None)
    assert data.X.shape == (1, 4, 10, 1)
    np.testing.assert_array_equal(data.X[0, :, 6:, 0], 0)
    with pytest.raises(ValueError, match="not in classes"):
        training.eval_segments(feats, split="test", frames=10, classes=["zzz"], standardizer=None)
    with pytest.raises(ValueError, match="split"):
        training.eval_segments(TrackFeatures(feats.tracks.drop(columns="split"), feats.arrays, {}), split="test",
                               frames=4, classes=CLASSES, standardizer=None)


def _owner(X: np.ndarray) -> set[int]:
    """Track numbers encoded in the values (1000 * k + band)."""
    return {int(v) // 1000 for v in np.unique(X)}


def test_no_test_or_valid_segment_ever_reaches_training():
    feats = make_feats()
    number = {tid: k for k, tid in enumerate(feats.tracks["track_id"])}
    train_ids = set(feats.tracks.loc[feats.tracks["split"] == "train", "track_id"])
    seen_tracks, seen_labels = set(), []
    ds = training.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=5,
                                crops_per_track=3, seed=0)
    assert len(ds) == math.ceil(6 * 3 / 5)
    for _ in range(3):  # three epochs
        for X, y in ds:
            assert X.shape[1:] == (4, 8, 1)
            seen_tracks |= _owner(X.numpy())
            seen_labels += list(y.numpy())
    assert seen_tracks == {number[t] for t in train_ids}  # every training track, and nothing else
    assert len(seen_labels) == 3 * 6 * 3
    test = training.eval_segments(feats, split="test", frames=8, classes=CLASSES, standardizer=None)
    assert set(test.track_id).isdisjoint(train_ids)
    assert _owner(test.X).isdisjoint(seen_tracks)


def test_train_dataset_labels_match_tracks_and_crops_change_between_epochs():
    feats = make_feats(n_frames=60)
    # make each frame distinct so that crops at different offsets differ
    for a in feats.arrays:
        a += np.arange(a.shape[1])[None, :] * 1e-3
    ds = training.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=6,
                                crops_per_track=1, seed=1)
    genre = dict(zip(range(len(feats.tracks)), feats.tracks["genre"]))
    epochs = []
    for _ in range(2):
        X, y = next(iter(ds))
        X, y = X.numpy(), y.numpy()
        for x, label in zip(X, y):
            assert CLASSES[label] == genre[int(x.max()) // 1000]
        epochs.append(X)
    assert not np.array_equal(epochs[0], epochs[1])
    again = next(iter(training.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=6,
                                             crops_per_track=1, seed=1)))[0].numpy()
    np.testing.assert_array_equal(again, epochs[0])  # same seed, same first epoch


def test_train_dataset_standardises_and_augments():
    feats = make_feats()
    st = training.fit_standardizer(feats)
    X, _ = next(iter(training.train_dataset(feats, frames=8, classes=CLASSES, standardizer=st, batch_size=64,
                                            crops_per_track=4)))
    assert abs(float(X.numpy().mean())) < 0.5
    aug = training.train_dataset(feats, frames=8, classes=CLASSES, standardizer=None, batch_size=64,
                                 spec_augment={"max_freq": 2, "max_time": 4, "freq_masks": 2}, seed=0)
    Xa, _ = next(iter(aug))
    assert Xa.shape == (24, 4, 8, 1)
    assert (Xa.numpy() == 0).any()  # masks were applied


def test_random_crops_shapes_and_padding():
    rng = np.random.default_rng(0)
    out = training.random_crops([np.ones((3, 20)), np.ones((3, 5))], frames=10, rng=rng)
    assert out.shape == (2, 3, 10) and out.dtype == np.float32
    np.testing.assert_array_equal(out[1, :, 5:], 0)


def test_spec_augment_masks_bands_and_frames():
    rng = np.random.default_rng(0)
    X = np.ones((50, 16, 32, 1), dtype=np.float32)
    Y = training.spec_augment(X, rng=rng, freq_masks=1, time_masks=1, max_freq=4, max_time=6)
    assert Y.shape == X.shape and Y.dtype == X.dtype
    assert np.all(X == 1)  # the input is not modified
    for y in Y[..., 0]:
        zero_rows = np.all(y == 0, axis=1).sum()
        zero_cols = np.all(y == 0, axis=0).sum()
        assert zero_rows <= 4 and zero_cols <= 6
        masked = y == 0
        # every masked value lies in a fully masked band or a fully masked frame
        assert np.all(masked <= (np.all(masked, axis=1)[:, None] | np.all(masked, axis=0)[None, :]))
    assert (Y == 0).any()
    Z = training.spec_augment(X[..., 0], rng=rng, freq_masks=0, time_masks=0)
    np.testing.assert_array_equal(Z, X[..., 0])


def test_array_dataset_batches_all_rows():
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10) % 3
    batches = list(training.array_dataset(X, y, batch_size=4, seed=0))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[0].numpy()[:, 0] for b in batches]).tolist()) == X[:, 0].tolist()


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
    st = training.fit_standardizer(feats)
    train = training.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=st)
    model = tiny_model()
    training.set_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    before = float(model.evaluate(train.X, train.y, verbose=0))
    model.train_on_batch(train.X, train.y)
    after = float(model.evaluate(train.X, train.y, verbose=0))
    assert after < before


def test_fit_trains_checkpoints_and_evaluates(isolated_cache):
    feats = separable_feats()
    st = training.fit_standardizer(feats)
    ds = training.train_dataset(feats, frames=8, classes=CLASSES, standardizer=st, batch_size=16,
                                crops_per_track=2, seed=0)
    valid = training.eval_segments(feats, split="valid", frames=8, classes=CLASSES, standardizer=st)
    result = training.fit(tiny_model(), ds, validation=valid, epochs=6, patience=3, lr=0.05,
                          schedule="1cycle", checkpoint_name="tiny", seed=0)
    assert result.epochs_run <= 6 and 0 <= result.best_epoch < result.epochs_run
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert {"val_loss", "val_accuracy"} <= set(result.history)
    assert result.best_epoch == int(np.argmin(result.history["val_loss"]))
    assert result.checkpoint == isolated_cache / "checkpoints" / "tiny.keras" and result.checkpoint.exists()
    reloaded = keras.models.load_model(result.checkpoint)
    test = training.eval_segments(feats, split="test", frames=8, classes=CLASSES, standardizer=st)
    np.testing.assert_allclose(training.predict_proba(reloaded, test.X),
                               training.predict_proba(result.model, test.X), atol=1e-5)
    scores = training.evaluate(result.model, test)
    assert scores["clip_accuracy"] >= 2 / 3
    assert scores["proba_clip"].shape == (6, 3)
    np.testing.assert_allclose(scores["proba_clip"].sum(axis=1), 1, rtol=1e-5)


def test_fit_restores_the_best_weights(isolated_cache):
    feats = separable_feats()
    st = training.fit_standardizer(feats)
    train = training.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=st)
    valid = training.eval_segments(feats, split="valid", frames=8, classes=CLASSES, standardizer=st)
    result = training.fit(tiny_model(), (train.X, train.y), validation=(valid.X, valid.y), epochs=5, patience=2,
                          lr=0.5, optimizer="sgd", monitor="val_accuracy", class_weight={0: 1.0, 1: 1.0, 2: 2.0},
                          live_plot=training.LivePlot(notebook=False), verbose=2)
    best = result.history["val_accuracy"][result.best_epoch]
    acc = float(np.mean(np.argmax(training.predict_proba(result.model, valid.X), axis=1) == valid.y))
    assert acc == pytest.approx(best, abs=1e-6)
    assert result.best_epoch == int(np.argmax(result.history["val_accuracy"]))


def test_fit_can_keep_the_final_weights(isolated_cache):
    feats = separable_feats()
    st = training.fit_standardizer(feats)
    train = training.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=st)
    valid = training.eval_segments(feats, split="valid", frames=8, classes=CLASSES, standardizer=st)
    model = tiny_model()
    result = training.fit(model, (train.X, train.y), validation=(valid.X, valid.y), epochs=4, patience=1,
                          lr=0.5, optimizer="sgd", restore_best=False, checkpoint_name="final")
    assert result.epochs_run == 4 and result.best_epoch == 3          # no early stop, last epoch kept
    acc = float(np.mean(np.argmax(training.predict_proba(result.model, valid.X), axis=1) == valid.y))
    assert acc == pytest.approx(result.history["val_accuracy"][-1], abs=1e-6)
    import keras
    saved = keras.models.load_model(result.checkpoint)
    np.testing.assert_allclose(training.predict_proba(saved, valid.X), training.predict_proba(model, valid.X),
                               atol=1e-6)


def test_fit_without_validation_and_bad_options():
    feats = separable_feats()
    train = training.eval_segments(feats, split="train", frames=8, classes=CLASSES, standardizer=None)
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
    data = training.SegmentData(np.zeros((6, 2, 2, 1), np.float32), y, track, CLASSES)
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


def test_class_index_and_log(tmp_path):
    np.testing.assert_array_equal(training.class_index(["b", "a"], CLASSES), [1, 0])
    path = tmp_path / "log.csv"
    row = training.log("cnn", {"segment_accuracy": 0.5, "clip_accuracy": 0.75, "macro_f1": 0.7}, features="logmel",
                       dataset="toy", split="artist", n_params=123, seconds=1.234, notes="n", path=path)
    assert row["clip_accuracy"] == 0.75 and row["fit_time_s"] == 1.23
    table = evaluation.read_results(path=path)
    assert table.loc[0, "model"] == "cnn" and int(table.loc[0, "n_params"]) == 123


def test_checkpoint_path_is_in_the_cache(isolated_cache):
    assert training.checkpoint_path("m") == isolated_cache / "checkpoints" / "m.keras"
