"""Tests of mgc_helpers.inspection: filters, activations, saliency (against a hand-computable model)."""
from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from mgc_helpers import inspection  # noqa: E402
from mgc_helpers.models import cnn, crnn  # noqa: E402


def small_cnn():
    keras.utils.set_random_seed(0)
    return cnn.recommended_cnn((16, 24, 1), 3, filters=(4, 8))


def test_first_layer_filters_are_the_kernels():
    m = small_cnn()
    k = inspection.first_layer_filters(m)
    assert k.shape == (4, 3, 3)
    np.testing.assert_allclose(k[2], m.get_layer("conv1").get_weights()[0][:, :, 0, 2])
    assert [layer.name for layer in inspection.conv_layers(m)] == ["conv1", "conv2"]
    assert inspection.first_layer_filters(m, layer="conv2").shape == (8, 3, 3)
    with pytest.raises(ValueError):
        inspection.first_layer_filters(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))


def test_activations_match_the_convolution():
    m = small_cnn()
    x = np.random.default_rng(0).normal(size=(16, 24, 1)).astype("float32")
    a = inspection.activations(m, x)
    assert a.shape == (16, 24, 4)
    w = m.get_layer("conv1").get_weights()[0]
    # one output value by hand: "same" padding, bias-free, at an interior position (5, 7)
    patch = x[4:7, 6:9, 0]
    np.testing.assert_allclose(a[5, 7, 1], np.sum(patch * w[:, :, 0, 1]), rtol=1e-4, atol=1e-5)
    batch = inspection.activations(m, np.stack([x, x]), layer="relu1")
    assert batch.shape == (2, 16, 24, 4) and batch.min() >= 0
    assert inspection.activations(m, x, layer=1).shape == (16, 24, 4)


def test_saliency_of_a_linear_model_is_its_weights():
    inputs = keras.Input((4, 5, 1))
    logits = keras.layers.Dense(2, use_bias=False)(keras.layers.Flatten()(inputs))
    m = keras.Model(inputs, logits)  # linear scores: the gradient is the weight vector
    w = m.layers[-1].get_weights()[0]
    x = np.ones((4, 5, 1), "float32")
    sal, c = inspection.saliency(m, x, class_index=1)
    assert c == 1 and sal.shape == (4, 5)
    np.testing.assert_allclose(sal, np.abs(w[:, 1]).reshape(4, 5), rtol=1e-5)
    _, predicted = inspection.saliency(m, x)
    assert predicted == int(np.argmax(x.reshape(1, -1) @ w))


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    m = small_cnn()
    x = np.zeros((16, 24, 1), "float32")
    fig = inspection.plot_filters(m, ncols=3)
    assert len([ax for ax in fig.axes if ax.images]) == 4
    fig2 = inspection.plot_activations(m, x, n=3, ncols=2)
    assert len([ax for ax in fig2.axes if ax.images]) == 4
    fig3 = inspection.plot_saliency(m, x, class_names=["a", "b", "c"], title="t")
    assert "saliency for" in fig3.axes[1].get_title()
    plt.close("all")


def test_filters_of_one_input_channel_of_a_deeper_crnn_layer():
    import matplotlib.pyplot as plt

    model = crnn.crnn_report001((96, 65, 1), 10)
    w1, w3 = model.get_layer("conv1").get_weights()[0], model.get_layer("conv3").get_weights()[0]
    k = inspection.first_layer_filters(model)  # conv1: one input channel, so the sum is that channel
    assert k.shape == (16, 2, 2)
    np.testing.assert_array_equal(k[3], w1[:, :, 0, 3])
    np.testing.assert_array_equal(inspection.first_layer_filters(model, layer="conv1", channel=0), k)
    k3 = inspection.first_layer_filters(model, layer="conv3", channel=2)
    assert k3.shape == (32, 3, 3)
    np.testing.assert_array_equal(k3[5], w3[:, :, 2, 5])
    np.testing.assert_allclose(inspection.first_layer_filters(model, layer="conv3")[5], w3[:, :, :, 5].sum(axis=2),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="channel"):
        inspection.first_layer_filters(model, layer="conv3", channel=32)
    fig = inspection.plot_filters(model, layer="conv3", channel=2, shared_scale=True)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 32
    lim = float(np.abs(w3[:, :, 2]).max())
    assert all(np.isclose(im.get_clim()[1], lim) for im in images)  # one colour range for all kernels
    assert len(fig.axes) == 32 + 1  # and its colour bar
    assert "input channel 2" in fig._suptitle.get_text()
    each = inspection.plot_filters(model, layer="conv3", channel=2)
    clims = {round(ax.images[0].get_clim()[1], 6) for ax in each.axes if ax.images}
    assert len(clims) > 1  # default: each kernel scaled to itself
    plt.close("all")


def test_heat_maps_have_colour_bars():
    import matplotlib.pyplot as plt

    m = small_cnn()
    x = np.random.default_rng(0).normal(size=(16, 24, 1)).astype("float32")

    def bars(fig):
        return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]

    assert len(bars(inspection.plot_activations(m, x, n=3, ncols=2))) == 2       # input, and one for every map
    sal = inspection.plot_saliency(m, x, class_names=["a", "b", "c"])
    assert [b.get_ylabel() for b in bars(sal)] == ["standardised log-mel", "|gradient|"]
    aug = inspection.plot_spec_augment(x, rng=np.random.default_rng(0), n=3, freq_masks=2, time_masks=2)
    assert len([ax for ax in aug.axes if ax.images]) == 4 and len(bars(aug)) == 1
    originals = aug.axes[0].images[0].get_array()
    assert np.allclose(originals, x[..., 0])                                       # the first panel is the input
    assert any((np.asarray(ax.images[0].get_array()) == 0).any() for ax in aug.axes[1:4])  # masks blank bins
    plt.close("all")

