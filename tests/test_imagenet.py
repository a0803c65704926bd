"""ImageNet backbones on spectrogram images: images, models (weights=None, small inputs), offline fallback."""
from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras", reason="Keras/TensorFlow are the course's optional 'deep' extra")

from mgc_helpers.models import imagenet  # noqa: E402

SMALL = (32, 32, 3)


def test_spectrogram_images_scale_flip_and_resize():
    S = np.full((2, 8, 10), -100.0, dtype=np.float32)
    S[0, 0, :] = 0.0  # loudest row: the lowest mel band
    S[1] = np.linspace(-80, 0, 10)[None, :]  # louder to the right
    img = imagenet.spectrogram_images(S, size=(16, 20))
    assert img.shape == (2, 16, 20, 3) and img.dtype == np.float32
    assert img.min() >= 0 and img.max() == pytest.approx(255)
    np.testing.assert_array_equal(img[..., 0], img[..., 2])  # grey: three equal channels
    assert img[0, -1].mean() == pytest.approx(255) and img[0, 0].max() == 0  # low frequencies at the bottom
    assert (np.diff(img[1, 8, :, 0]) >= -1e-4).all()  # brightness grows with loudness
    # identity size: no interpolation error; colour map gives colours
    same = imagenet.spectrogram_image(S[1], size=(8, 10))
    np.testing.assert_allclose(same[0, :, 0], 255 * np.clip((np.linspace(-80, 0, 10) + 80) / 80, 0, 1), atol=1e-3)
    coloured = imagenet.spectrogram_image(S[1], size=(8, 10), cmap="magma")
    assert not np.allclose(coloured[..., 0], coloured[..., 2])
    with pytest.raises(ValueError, match="batch"):
        imagenet.spectrogram_images(S[0])


def test_preprocess_matches_keras_applications():
    img = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3)).astype(np.float32)
    out = imagenet.preprocess(img, backbone="mobilenetv2")
    np.testing.assert_allclose(out, img / 127.5 - 1, atol=1e-5)
    vgg = imagenet.preprocess(img, backbone="vgg16")
    np.testing.assert_allclose(vgg[..., 0], img[..., 2] - 103.939, atol=1e-3)  # BGR, mean pixel removed
    assert img.max() > 1  # the input was not modified in place


@pytest.mark.parametrize("backbone", ["vgg16", "resnet50", "mobilenetv2"])
def test_classifier_head_and_frozen_backbone(backbone):
    model = imagenet.build_classifier(5, backbone=backbone, input_shape=SMALL, weights=None)
    assert [model.get_layer(f"head{i}").units for i in (1, 2, 3)] == [256, 128, 64]
    assert model.output.shape[1:] == (5,)
    assert not model.get_layer("backbone").trainable_weights
    trainable = {w.path.split("/")[0] for w in model.trainable_weights}
    assert trainable == {"head1", "head2", "head3", "genre"}
    probs = model(np.zeros((2, *SMALL), np.float32))
    np.testing.assert_allclose(np.asarray(probs).sum(axis=1), 1.0, rtol=1e-5)


def test_unfreeze_top_blocks_keeps_batchnorm_frozen():
    model = imagenet.build_classifier(3, backbone="mobilenetv2", input_shape=SMALL, weights=None)
    names = imagenet.unfreeze_top(model, backbone="mobilenetv2", n_blocks=2)
    assert "Conv_1" in names and "block_15_expand" in names and "block_14_expand" not in names
    base = model.get_layer("backbone")
    thawed = {w.path.split("/")[0] for w in base.trainable_weights}
    assert thawed == set(names)
    assert all(not l.trainable for l in base.layers if isinstance(l, keras.layers.BatchNormalization))
    vgg = imagenet.build_classifier(3, backbone="vgg16", input_shape=SMALL, weights=None)
    assert imagenet.unfreeze_top(vgg, backbone="vgg16") == ["block5_conv1", "block5_conv2", "block5_conv3"]
    with pytest.raises(ValueError, match="n_blocks"):
        imagenet.unfreeze_top(vgg, backbone="vgg16", n_blocks=9)


def test_two_phase_fit_trains_head_then_top_block():
    keras.utils.set_random_seed(0)
    model = imagenet.build_classifier(2, backbone="vgg16", input_shape=SMALL, weights=None, head=(8,))
    x = np.random.default_rng(0).uniform(-1, 1, (8, *SMALL)).astype(np.float32)
    y = np.array([0, 1] * 4)
    block1 = model.get_layer("backbone").get_layer("block1_conv1").get_weights()[0].copy()
    block5 = model.get_layer("backbone").get_layer("block5_conv3").get_weights()[0].copy()
    first, second = imagenet.two_phase_fit(model, x, y, backbone="vgg16", epochs=(1, 1), batch_size=8)
    assert len(first.history["loss"]) == 1 and second.epoch == [1]
    assert model.optimizer.learning_rate.numpy() == pytest.approx(1e-5)
    np.testing.assert_array_equal(model.get_layer("backbone").get_layer("block1_conv1").get_weights()[0], block1)
    assert not np.array_equal(model.get_layer("backbone").get_layer("block5_conv3").get_weights()[0], block5)


def test_offline_imagenet_weights_fall_back_to_random(monkeypatch, capsys):
    real = keras.applications.MobileNetV2
    calls = []

    def offline(*args, weights=None, **kwargs):
        calls.append(weights)
        if weights == "imagenet":
            raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- [Errno -3] "
                            "Temporary failure in name resolution")
        return real(*args, weights=weights, **kwargs)

    monkeypatch.setattr(keras.applications, "MobileNetV2", offline)
    model = imagenet.build_classifier(4, backbone="mobilenetv2", input_shape=SMALL, weights="imagenet")
    # then random weights (called twice under Keras 3.0, whose applications take no name= and are renamed after)
    assert calls[0] == "imagenet" and calls[1:] in ([None], [None, None]) and model.output.shape[1:] == (4,)
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0 and "could not be downloaded" in out and "random weights" in out

    def broken(*args, **kwargs):
        raise ValueError("input_shape is wrong")

    monkeypatch.setattr(keras.applications, "MobileNetV2", broken)
    with pytest.raises(ValueError, match="input_shape"):  # other errors are not hidden
        imagenet.load_backbone("mobilenetv2", input_shape=SMALL)
    with pytest.raises(ValueError, match="backbone"):
        imagenet.load_backbone("alexnet")


def test_imagenet_classifier(monkeypatch, capsys):
    model, pretrained = imagenet.imagenet_classifier(4, image_size=32, weights=None, head=(8,))
    assert pretrained is False and model.output_shape == (None, 4)

    def offline(n_classes, **kw):
        print("Downloading data from https://example.invalid/w.h5")
        print("The ImageNet weights of vgg16 could not be downloaded (offline?), so it starts from random weights.")
        return "model"

    monkeypatch.setattr(imagenet, "build_classifier", offline)
    assert imagenet.imagenet_classifier(4, weights="imagenet") == ("model", False)
    out = capsys.readouterr().out
    assert "could not be downloaded" in out and "Downloading" not in out
    monkeypatch.setattr(imagenet, "build_classifier", lambda n, **kw: "m")
    assert imagenet.imagenet_classifier(4, weights="imagenet") == ("m", True)


def test_the_learning_rate_schedules_live_in_training_only():
    for name in ("one_cycle_lr", "cyclic_lr", "one_cycle_schedule", "_one_cycle_class"):
        assert not hasattr(imagenet, name)
