"""Builders of notebooks 04–05: output shapes, parameter counts (by hand), one training step lowers the loss."""
from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from mgc_helpers.models import cnn, ffnn  # noqa: E402


def conv_params(kh: int, kw: int, c_in: int, c_out: int, *, bias: bool = True) -> int:
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def dense_params(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def one_step_lowers_loss(model, X, y, lr=0.01) -> tuple[float, float]:
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy")
    before = float(model.evaluate(X, y, verbose=0))
    for _ in range(3):
        model.train_on_batch(X, y)
    return before, float(model.evaluate(X, y, verbose=0))


def tiny_images(n=12, shape=(16, 32, 1), classes=3):
    rng = np.random.default_rng(0)
    y = np.arange(n) % classes
    X = rng.normal(size=(n, *shape)).astype("float32")
    for i, c in enumerate(y):
        X[i, c * 4:(c + 1) * 4] += 2.0
    return X, y


# --------------------------------------------------------------------------- FFNN
def test_ffnn_shapes_and_parameter_count():
    m = ffnn.build_ffnn((57,), 10, units=(512, 256))
    assert m.output_shape == (None, 10)
    assert m.count_params() == dense_params(57, 512) + dense_params(512, 256) + dense_params(256, 10)
    flat = ffnn.build_ffnn((20, 30, 1), 4, units=(64, 32), dropout=0.0, input_dropout=0.2)
    assert flat.count_params() == dense_params(600, 64) + dense_params(64, 32) + dense_params(32, 4)
    assert not any(isinstance(layer, keras.layers.Dropout) and layer.name.startswith("dropout")
                   for layer in flat.layers)
    # report 004: three Dense layers, the first two followed by an activation and dropout
    kinds = [type(layer).__name__ for layer in m.layers[1:]]
    assert kinds == ["Dense", "Activation", "Dropout", "Dense", "Activation", "Dropout", "Dense"]


def test_ffnn_l2_adds_a_penalty_and_one_step_lowers_the_loss():
    X, y = tiny_images(shape=(8, 4, 1))
    m = ffnn.build_ffnn(X.shape[1:], 3, units=(16, 8), l2=0.01, dropout=0.0)
    assert len(m.losses) == 3  # one penalty per Dense kernel
    np.testing.assert_allclose(float(sum(m.losses)),
                               0.01 * sum(float(np.sum(np.square(w))) for w in [l.kernel for l in m.layers
                                                                                if isinstance(l, keras.layers.Dense)]),
                               rtol=1e-4)
    before, after = one_step_lowers_loss(m, X, y)
    assert after < before


# --------------------------------------------------------------------------- report 002
def test_report002_cnn_parameter_count_by_hand_at_128x660():
    m = cnn.report002_cnn((128, 660, 1), 10)
    # conv 3x3 valid: 128x660 -> 126x658; pool 2x4 -> 63x164; conv -> 61x162; pool 2x4 -> 30x40
    assert m.get_layer("pool2").output.shape[1:] == (30, 40, 32)
    expected = (conv_params(3, 3, 1, 16) + conv_params(3, 3, 16, 32)
                + dense_params(30 * 40 * 32, 64) + dense_params(64, 10))
    assert expected == 2_463_114
    assert m.count_params() == expected
    assert m.output_shape == (None, 10)
    assert m.get_layer("conv1").activation.__name__ == "relu"


def test_report002_cnn_small_input_trains():
    X, y = tiny_images(shape=(16, 32, 1))
    m = cnn.report002_cnn(X.shape[1:], 3, dropout=0.0)
    assert m.output_shape == (None, 3)
    before, after = one_step_lowers_loss(m, X, y, lr=0.003)
    assert after < before


# --------------------------------------------------------------------------- report 000
def test_report000_cnn_shapes_and_same_pooling_where_shapes_collapse():
    m = cnn.report000_cnn((96, 1366, 1), 10)
    shapes = [m.get_layer(f"pool{i}").output.shape[1:3] for i in range(1, 5)]
    assert shapes == [(12, 171), (1, 21), (1, 3), (1, 1)]
    assert [m.get_layer(f"pool{i}").padding for i in range(1, 5)] == ["valid", "valid", "same", "same"]
    conv = m.get_layer("conv1")
    assert conv.strides == (4, 4) and conv.kernel_size == (4, 4) and conv.padding == "same"
    expected = (conv_params(4, 4, 1, 32) + conv_params(4, 4, 32, 64) + 2 * conv_params(4, 4, 64, 64)
                + dense_params(64, 64) + dense_params(64, 10))
    assert m.count_params() == expected == 169_386
    assert [layer.rate for layer in m.layers if isinstance(layer, keras.layers.Dropout)] == [0.5] * 4
    assert cnn.REPORT000_LEARNING_RATE == 0.003
    assert cnn.pool_padding(1, 6) == "same" and cnn.pool_padding(3, 43) == "valid"


def test_report000_cnn_small_input_trains():
    X, y = tiny_images(shape=(16, 32, 1))
    m = cnn.report000_cnn(X.shape[1:], 3, dropout=0.0)
    assert m.output_shape == (None, 3)
    before, after = one_step_lowers_loss(m, X, y, lr=cnn.REPORT000_LEARNING_RATE)
    assert after < before


# --------------------------------------------------------------------------- recommended
def test_recommended_cnn_parameter_count_and_any_length():
    m = cnn.recommended_cnn((64, None, 1), 10)
    trained = (conv_params(3, 3, 1, 16, bias=False) + conv_params(3, 3, 16, 32, bias=False)
               + conv_params(3, 3, 32, 64, bias=False) + 2 * (16 + 32 + 64) + dense_params(64, 10))
    assert sum(int(np.prod(w.shape)) for w in m.trainable_weights) == trained == 24_058
    assert m.count_params() == trained + 2 * (16 + 32 + 64)
    for frames in (65, 129):
        assert m(np.zeros((2, 64, frames, 1), "float32")).shape == (2, 10)
    assert any(isinstance(layer, keras.layers.GlobalAveragePooling2D) for layer in m.layers)
    assert m.get_layer("bn1").momentum == 0.9


def test_recommended_cnn_trains_and_l2():
    X, y = tiny_images(shape=(16, 32, 1))
    # bn_momentum=0: the running statistics are those of the last (full) batch, so the loss
    # measured in inference mode is the one the training step lowered
    # seeded weights and no dropout: the outcome no longer depends on the tests run before
    keras.utils.set_random_seed(0)
    m = cnn.recommended_cnn(X.shape[1:], 3, filters=(4, 8), l2=1e-3, bn_momentum=0.0, dropout=0.0)
    assert len(m.losses) == 2
    before, after = one_step_lowers_loss(m, X, y, lr=0.01)
    assert after < before
