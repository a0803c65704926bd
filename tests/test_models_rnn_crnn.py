"""mgc_helpers.models.rnn and .crnn: shapes, report 001's 18,356 parameters, the skip-GRU rule, one step learns."""
from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from mgc_helpers import training  # noqa: E402
from mgc_helpers.models import crnn, rnn  # noqa: E402


def _loss_drops(model, X, y, *, steps: int = 2, lr: float = 1e-2) -> tuple[float, float]:
    """Loss on (X, y) before and after a few full-batch Adam steps (inference mode when measuring).

    The loss is computed eagerly from ``model(X)`` (no ``evaluate``: one traced function less keeps the test fast).
    """
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", jit_compile=False)

    def loss() -> float:
        p = np.asarray(model(X, training=False))
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

    before = loss()
    for _ in range(steps):
        model.train_on_batch(X, y)
    return before, loss()


def _tiny(shape, n_classes=3, n=12, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    X = rng.normal(size=(n, *shape)).astype("float32")
    X[:, : shape[0] // 2] += y[:, None, None, None].astype("float32")  # a learnable class cue
    return X, y


# --------------------------------------------------------------------------- CRNN, report 001
def test_crnn_matches_report001_table_exactly():
    model = crnn.crnn_report001()
    assert model.count_params() == crnn.REPORT001_TOTAL_PARAMS == 18_356
    table = crnn.compare_with_seed(model)
    assert len(table) == len(crnn.REPORT001_TABLE) == 20
    assert table["match"].all(), table[~table["match"]]
    summary = crnn.summary_table(model)
    assert summary.attrs == {"trainable": 18_196, "non_trainable": 160}
    assert [layer.name for layer in model.layers] == [row[0] for row in crnn.REPORT001_TABLE]
    assert model.get_layer("reshape_1").output.shape[1:] == (510, 32)
    assert model.output.shape[1:] == (4,)


def test_crnn_selu_variant_is_the_seed_table_with_alphadropout():
    model = crnn.crnn_selu()
    assert model.count_params() == 18_356
    table = crnn.compare_with_seed(model)
    assert table["match"].all()
    assert (table["seed_type"] == table["our_type"]).all()  # AlphaDropout layers, like the seed
    assert model.get_layer("conv1").activation.__name__ == "selu"
    assert isinstance(model.get_layer("conv1").kernel_initializer, keras.initializers.LecunNormal)


def test_crnn_default_uses_plain_dropout_and_reset_after_matters():
    model = crnn.crnn_report001()
    assert type(model.get_layer("dropout1")).__name__ == "Dropout"
    keras3_gru = crnn.crnn_report001(reset_after=True)
    assert keras3_gru.count_params() == 18_356 + 3 * 16 * 2  # one extra recurrent bias per gate and GRU


@pytest.mark.parametrize("name, params", [("relu_gru16", 16_772), ("selu_2gru8", 24_932), ("selu_2gru16", 29_268)])
def test_fma_medium_variants_build_with_hand_counted_params(name, params):
    v = crnn.FMA_MEDIUM_VARIANTS[name]
    # Hand count: convs + BN + GRUs (reset_after=False) + dense 128 + softmax 4 on the 96 x 1366 input.
    f1, f2, f3 = v.conv_filters
    conv = 16 * (4 + 1) + f2 * (4 * f1 + 1) + f3 * (9 * f2 + 1) + 4 * (f1 + f2 + f3)
    gru, d = 0, f3
    for u in v.gru_units:
        gru += 3 * (u * (d + u) + u)
        d = u
    assert conv + gru + (d * 128 + 128) + (128 * 4 + 4) == params
    model = crnn.crnn_variant(name)
    assert model.count_params() == params
    assert model.get_layer("conv1").activation.__name__ == v.activation
    with pytest.raises(KeyError, match="unknown variant"):
        crnn.crnn_variant("nope")


def test_crnn_on_short_toy_crops_and_bad_options():
    model = crnn.crnn_report001((96, 65, 1), 10)
    assert model.output.shape[1:] == (10,)
    assert model.get_layer("reshape_1").output.shape[1:] == (4 * 6, 32)  # 65 -> 16 -> 8 -> 4 frames, 6 bands
    timewise = crnn.crnn_report001((96, 65, 1), 10, reshape="time")
    assert timewise.get_layer("reshape_1").output.shape[1:] == (4, 6 * 32)
    pooled = crnn.crnn_report001((96, 65, 1), 10, reshape="pool")
    assert pooled.get_layer("reshape_1").output.shape[1:] == (4, 32)  # bands averaged: one 32-vector per frame
    toy = crnn.crnn_report001((64, 65, 1), 10, **crnn.TOY_OPTIONS)
    assert toy.get_layer("reshape_1").output.shape[1:] == (4, 4 * 32)  # 65 -> 16 -> 8 -> 4 frames, 4 bands
    gru = toy.get_layer("gru1")
    assert (gru.units, gru.return_sequences) == (32, False)
    with pytest.raises(ValueError, match="too small"):
        crnn.crnn_report001((96, 10, 1), 4)
    with pytest.raises(ValueError, match="dropout_type"):
        crnn.crnn_report001(dropout_type="gaussian")
    with pytest.raises(ValueError, match="reshape"):
        crnn.crnn_report001(reshape="diagonal")


def test_crnn_reshape_reproduces_the_seeds_channels_first_memory_order():
    """Our permute of a channels-last tensor gives the same (time, channel, freq) array as the report's."""
    rng = np.random.default_rng(1)
    cf = rng.normal(size=(2, 32, 6, 85)).astype("float32")  # the report's (channels, freq, time)
    seed_seq = np.transpose(cf, (0, 3, 1, 2)).reshape(2, 510, 32)  # Permute((3, 1, 2)) + Reshape((510, 32))
    ours = keras.Sequential([keras.Input((6, 85, 32)), keras.layers.Permute((2, 3, 1)), keras.layers.Reshape((510, 32))])
    np.testing.assert_array_equal(np.asarray(ours(np.transpose(cf, (0, 2, 3, 1)))), seed_seq)


def test_one_training_step_lowers_the_crnn_loss():
    X, y = _tiny((16, 16, 1), n_classes=4, n=8)  # the smallest input the three poolings accept
    before, after = _loss_drops(crnn.crnn_report001((16, 16, 1), 4, dropout=0.0), X, y)
    assert after < before


# --------------------------------------------------------------------------- LSTM / GRU
def test_lstm_report000_layers_shapes_and_time_axes():
    model = rnn.lstm_report000((64, 65, 1), 10)
    l1, l2 = model.get_layer("lstm1"), model.get_layer("lstm2")
    assert (l1.units, l2.units) == (128, 32)
    assert (l1.dropout, l1.recurrent_dropout, l2.dropout, l2.recurrent_dropout) == (0.05, 0.35, 0.05, 0.35)
    assert l1.return_sequences and not l2.return_sequences
    assert l1.input.shape[1:] == (65, 64)  # frames are time
    # hand count: 4 gates x (units x (input + units) + units)
    assert model.count_params() == 4 * (128 * (64 + 128) + 128) + 4 * (32 * (128 + 32) + 32) + 32 * 10 + 10
    seed_layout = rnn.lstm_report000((96, 40, 1), 10, time_axis="bands")
    assert seed_layout.get_layer("lstm1").input.shape[1:] == (96, 40)  # report 000: mel bands are time
    assert model(np.zeros((2, 64, 65, 1), "float32")).shape == (2, 10)
    with pytest.raises(ValueError, match="time_axis"):
        rnn.lstm_report000((64, 65, 1), 10, time_axis="diagonal")


def test_to_sequence_orders_frames_as_time():
    x = np.arange(2 * 3 * 5, dtype="float32").reshape(2, 3, 5, 1)  # (batch, bands, frames, 1)
    inp = keras.Input((3, 5, 1))
    model = keras.Model(inp, rnn.to_sequence(inp))
    np.testing.assert_array_equal(np.asarray(model(x)), np.transpose(x[..., 0], (0, 2, 1)))


def test_gru_report003_and_skip_variant_shapes():
    plain = rnn.gru_report003((20, 65, 1), 10, units=32, dense_units=16)
    skip = rnn.gru_report003((20, 65, 1), 10, units=32, dense_units=16, skip=5)
    assert plain.name == "gru_report003" and skip.name == "skip_gru_k5"
    assert plain.count_params() == skip.count_params() == 3 * (32 * (20 + 32) + 32) + 32 * 16 + 16 + 16 * 10 + 10
    out = skip(np.zeros((3, 20, 65, 1), "float32"))
    assert out.shape == (3, 10)
    np.testing.assert_allclose(np.asarray(out).sum(axis=1), 1.0, rtol=1e-5)


def test_one_training_step_lowers_the_skip_gru_loss():
    """One training test for the recurrent family: the skip-GRU (custom cell) learns on tiny data."""
    X, y = _tiny((6, 8, 1))
    model = rnn.gru_report003((6, 8, 1), 3, units=8, dense_units=8, dropout=0.0, skip=3)
    before, after = _loss_drops(model, X, y)
    assert after < before


# --------------------------------------------------------------------------- the skip-GRU cell
def _cell_outputs(cell, x):
    layer = keras.layers.RNN(cell, return_sequences=True)
    return np.asarray(layer(x)), layer


def test_skip_cell_rule_on_a_hand_computed_example():
    """units=1, input 1, k=2, alpha=0.5; weights chosen so every gate is a round number."""
    cell = rnn.SkipGRUCell(1, k=2, alpha=0.5)
    x = np.array([[[1.0], [0.0], [2.0], [0.0]]], dtype="float32")  # (batch 1, T=4, d=1)
    out, _ = _cell_outputs(cell, x)
    # Gates: z = sigmoid(0) = 1/2 always (zero z weights); r unused (zero U_n); n_t = tanh(x_t).
    W = np.array([[0.0, 0.0, 1.0]], "float32")  # kernel (d, 3u): z, r, n
    U = np.zeros((1, 3), "float32")
    b = np.zeros(3, "float32")
    cell.set_weights([W, U, b])
    out = np.asarray(keras.layers.RNN(cell, return_sequences=True)(x))[0, :, 0]
    t1 = np.tanh(1.0)
    h1 = 0.5 * 0 + 0.5 * t1                  # t=1 <= k: plain GRU
    h2 = 0.5 * h1 + 0.5 * 0.0                # t=2 <= k: plain GRU, n_2 = tanh(0) = 0
    h3 = 0.5 * (0.5 * h2 + 0.5 * np.tanh(2.0)) + 0.5 * h1  # t=3 > k: mixed with h_{3-2} = h1
    h4 = 0.5 * (0.5 * h3 + 0.5 * 0.0) + 0.5 * h2            # t=4: mixed with h2
    np.testing.assert_allclose(out, [h1, h2, h3, h4], rtol=1e-6)
    # The NumPy reference step gives the same numbers.
    hist = [np.zeros(1)]
    for t in range(1, 5):
        hist.append(rnn.skip_gru_step(x[0, t - 1], hist, (W, U, b), k=2, alpha=0.5, t=t))
    np.testing.assert_allclose(np.concatenate(hist[1:]), out, rtol=1e-6)


def test_skip_cell_without_skip_is_keras_gru_reset_after_false():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7, 4)).astype("float32")
    gru = keras.layers.GRU(5, reset_after=False, return_sequences=True)
    expected = np.asarray(gru(x))
    for cell in (rnn.SkipGRUCell(5, k=7, alpha=0.5), rnn.SkipGRUCell(5, k=2, alpha=0.0)):
        layer = keras.layers.RNN(cell, return_sequences=True)
        layer.build(x.shape)
        cell.set_weights(gru.get_weights())
        np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-6)


def test_skip_cell_matches_numpy_reference_with_random_weights():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1, 9, 3)).astype("float32")
    cell = rnn.SkipGRUCell(4, k=3, alpha=0.3)
    out, _ = _cell_outputs(cell, x)
    weights = cell.get_weights()
    hist = [np.zeros(4)]
    for t in range(1, 10):
        hist.append(rnn.skip_gru_step(x[0, t - 1], hist, weights, k=3, alpha=0.3, t=t))
    np.testing.assert_allclose(out[0], np.stack(hist[1:]), rtol=1e-4, atol=1e-5)
    assert np.abs(out).max() <= 1.0  # a convex mix keeps the GRU's bound


def test_skip_cell_validates_and_serialises(tmp_path):
    with pytest.raises(ValueError, match="k must be"):
        rnn.SkipGRUCell(4, k=0)
    with pytest.raises(ValueError, match="alpha"):
        rnn.SkipGRUCell(4, alpha=1.0)
    cell = rnn.SkipGRUCell(4, k=3, alpha=0.25)
    assert cell.state_size == 3 * 4 + 1
    again = rnn.SkipGRUCell.from_config(cell.get_config())
    assert (again.units, again.k, again.alpha) == (4, 3, 0.25)
    model = rnn.gru_report003((6, 10, 1), 3, units=4, dense_units=4, skip=3)
    path = tmp_path / "skip.keras"
    model.save(path)
    loaded = training.load_network(path)
    x = np.random.default_rng(0).normal(size=(2, 6, 10, 1)).astype("float32")
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-5)


def test_report001_genres_decides_the_genres_of_each_dataset():
    from mgc_helpers.datasets import fma
    from mgc_helpers.models import crnn as crnn_module

    assert crnn_module.report001_genres("fma_small") == crnn_module.report001_genres("fma_medium") == "four"
    assert fma.GENRE_SETS["four"] == ("Electronic", "Rock", "Hip-Hop", "Folk")
    assert [crnn_module.report001_genres(d) for d in ("toy", "gtzan", "/some/folder")] == [None, None, None]
