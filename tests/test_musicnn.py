"""musicnn port: download of the weights, front-end, and parity with the authors' original TF-1 graphs.

The parity tests rebuild the original inference graph of every checkpoint from its
``.meta`` file (only the ancestors of the output: no gradient, optimizer, saver or metric
nodes), load the variables with the checkpoint reader through assign ops, feed
``is_training=False``, and compare the Keras port with it.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow", reason="TensorFlow is the course's optional 'deep' extra")
keras = pytest.importorskip("keras")

from mgc_helpers.models import musicnn  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TOL = 1e-4


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def weights() -> Path:
    """The unpacked weights: downloaded with pip from the package index the first time (then cached)."""
    try:
        return musicnn.fetch_weights(quiet=True)
    except musicnn.WeightsUnavailableError as exc:  # CI reaches the package index: this is a real failure
        pytest.fail(f"the musicnn weights are needed for these tests and could not be fetched: {exc}")


def _ancestors(graph_def, outputs: list[str]):
    """The sub-graph that computes ``outputs`` (drops gradients, Adam, saver, metrics)."""
    by_name = {n.name: n for n in graph_def.node}
    keep, todo = set(), [o.split(":")[0] for o in outputs]
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo += [i.lstrip("^").split(":")[0] for i in by_name[name].input]
    out = type(graph_def)()
    out.versions.CopyFrom(graph_def.versions)
    out.node.extend(n for n in graph_def.node if n.name in keep)
    return out


@functools.lru_cache(maxsize=None)
def _original(model: str):
    """(session, graph) of the authors' inference graph, variables restored from the checkpoint."""
    from tensorflow.core.protobuf import meta_graph_pb2

    prefix = musicnn.checkpoint_prefix(model)
    meta = meta_graph_pb2.MetaGraphDef()
    meta.ParseFromString(Path(prefix + ".meta").read_bytes())
    graph_def = _ancestors(meta.graph_def, ["model/Sigmoid"])
    assert not any(n.name.startswith(("gradients", "Adam", "save")) for n in graph_def.node)
    for node in graph_def.node:
        node.device = ""
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
        reader = tf.train.load_checkpoint(prefix)
        assigns = [tf.compat.v1.assign(graph.get_tensor_by_name(f"{n.name}:0"), reader.get_tensor(n.name))
                   for n in graph_def.node if n.op == "VariableV2"]
    session = tf.compat.v1.Session(graph=graph)
    session.run(assigns)
    return session


def _run_original(model: str, x: np.ndarray, fetches):
    return _original(model).run(fetches, {"model/Placeholder:0": x, "model/Placeholder_2:0": False})


@functools.lru_cache(maxsize=None)
def _port(model: str):
    return musicnn.load_musicnn(model)


@pytest.fixture(scope="module")
def random_patches() -> np.ndarray:
    # log10(10000 mel + 1) of music lies in about [0, 6]
    return np.random.default_rng(0).uniform(0.0, 5.0, size=(6, musicnn.N_FRAMES, musicnn.N_MELS)).astype(np.float32)


@pytest.fixture(scope="module")
def real_patches(shared_dir) -> np.ndarray:
    """The middle 3-s patch of every real clip (GTZAN wav 22.05 kHz and CC ogg incl. 44.1 kHz stereo)."""
    from mgc_helpers import audio

    files = sorted(p for p in (shared_dir / "real_audio").rglob("*") if p.suffix in (".wav", ".ogg"))
    assert len(files) >= 10
    patches = []
    for path in files:
        y, sr = audio.load(path, sr=musicnn.SR)
        batch = musicnn.batch_patches(y, sr)
        patches.append(batch[len(batch) // 2])
    return np.stack(patches)


# --------------------------------------------------------------------------- parity with the original graphs
@pytest.mark.parametrize("model", musicnn.MODELS)
def test_port_matches_original_graph_on_random_input(weights, model, random_patches):
    expected = _run_original(model, random_patches, "model/Sigmoid:0")
    got = np.asarray(_port(model)(random_patches, training=False))
    assert got.shape == expected.shape == (len(random_patches), 50)
    assert expected.std() > 1e-2  # the outputs are not saturated: the comparison means something
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)
    # the original graph is deterministic with is_training=False (dropout and batch statistics off)
    np.testing.assert_array_equal(expected, _run_original(model, random_patches, "model/Sigmoid:0"))


@pytest.mark.parametrize("model", musicnn.MODELS)
def test_port_matches_original_graph_on_real_music(weights, model, real_patches):
    expected = _run_original(model, real_patches, "model/Sigmoid:0")
    got = np.asarray(_port(model)(real_patches, training=False))
    assert np.isfinite(real_patches).all() and np.isfinite(got).all()
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)
    # different music, different tags
    assert np.abs(np.diff(expected, axis=0)).max() > 0.1


MUSICNN_TENSORS = {
    "timbral": ["model/Squeeze:0", "model/Squeeze_1:0"],
    "temporal": ["model/Squeeze_2:0", "model/Squeeze_3:0", "model/Squeeze_4:0"],
    "cnn1": ["model/transpose:0"],
    "cnn3": ["model/Add_1:0"],
    "max_pool": ["model/Max:0"],
    "mean_pool": ["model/moments/Squeeze:0"],
    "penultimate": ["model/batch_normalization_10/batchnorm/add_1:0"],
}
VGG_TENSORS = {f"pool{i}": [f"model/max_pooling2d{'' if i == 1 else f'_{i - 1}'}/MaxPool:0"] for i in range(1, 6)}


@pytest.mark.parametrize("model", ["MTT_musicnn", "MSD_vgg"])
def test_feature_layers_match_original_graph(weights, model, real_patches):
    names = MUSICNN_TENSORS if model.endswith("musicnn") else VGG_TENSORS
    x = real_patches[:4]
    original = _run_original(model, x, names)
    net = _port(model)
    port = keras.Model(net.input, {k: net.get_layer(k).output for k in names})(x, training=False)
    for layer, tensors in names.items():
        expected = np.concatenate([a.reshape(*a.shape[:2], -1) if a.ndim > 3 else a for a in original[layer]], axis=-1)
        got = np.asarray(port[layer])
        expected = expected.reshape(got.shape)
        scale = max(1.0, np.abs(expected).max())
        np.testing.assert_allclose(got, expected, rtol=0, atol=TOL * scale, err_msg=layer)


# --------------------------------------------------------------------------- architecture facts
def test_parameter_counts_equal_the_checkpoints(weights):
    for model in ("MTT_musicnn", "MSD_vgg"):
        n_ckpt = sum(a.size for a in musicnn.read_checkpoint(model).values())
        assert _port(model).count_params() == n_ckpt


def test_musicnn_shapes_and_any_input_length():
    net = musicnn.build_musicnn()
    shapes = {name: net.get_layer(name).output.shape[1:] for name in ("timbral", "temporal", "cnn1", "midend", "max_pool", "penultimate")}
    assert shapes == {"timbral": (None, 408), "temporal": (None, 153), "cnn1": (None, 64), "midend": (None, 753),
                      "max_pool": (753,), "penultimate": (200,)}
    for frames in (64, 187, 300):
        assert net(np.zeros((2, frames, 96), np.float32)).shape == (2, 50)
    bns = [l for l in net.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert len(bns) == 11 and all(l.epsilon == 1e-3 for l in bns)


@pytest.mark.parametrize("model, pool1", [("MTT_vgg", (92, 48)), ("MSD_vgg", (46, 96))])
def test_vgg_pools(model, pool1):
    net = musicnn.build_vgg(pools=musicnn.VGG_POOLS[model])
    assert net.get_layer("pool1").output.shape[1:3] == pool1
    assert net.get_layer("pool5").output.shape[1:] == (2, 1, 128)
    assert net.get_layer("flatten").output.shape[1:] == (256,)


def test_tags_match_the_wheels_configuration(weights):
    tree = ast.parse((weights / "configuration.py").read_text())
    values = {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
              for t in node.targets}
    assert tuple(values["MTT_LABELS"]) == musicnn.MTT_TAGS == musicnn.tags("MTT_vgg")
    assert tuple(values["MSD_LABELS"]) == musicnn.MSD_TAGS == musicnn.tags("MSD_musicnn")
    assert (values["SR"], values["FFT_SIZE"], values["FFT_HOP"], values["N_MELS"]) == (
        musicnn.SR, musicnn.N_FFT, musicnn.HOP_LENGTH, musicnn.N_MELS)
    assert "ISC" in (weights / "SOURCE.json").read_text()
    assert "Permission to use, copy, modify" in (weights / "LICENSE.md").read_text()


# --------------------------------------------------------------------------- modes
def test_frozen_model_has_no_trainable_weights_and_batchnorm_in_inference(weights, random_patches):
    net = musicnn.load_musicnn("MTT_vgg")
    assert not net.trainable_weights
    x = random_patches[:2]
    # training=True changes nothing when frozen except dropout; compare on the layer before any dropout
    first = keras.Model(net.input, net.get_layer("pool1").output)
    np.testing.assert_allclose(first(x, training=True), first(x, training=False), atol=1e-6)


def test_fine_tuning_updates_weights_but_not_frozen_batchnorm(weights):
    clf = musicnn.transfer_classifier(3, model="MTT_vgg", trainable=True)  # inputs="patches": the whole network
    bn_before = [w.copy() for w in clf.get_layer("bn1").get_weights()]
    conv_before = clf.get_layer("conv5").get_weights()[0].copy()
    head_before = clf.get_layer("genre").get_weights()[0].copy()
    clf.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(1).uniform(0, 4, (2, 187, 96)).astype(np.float32)
    clf.fit(x, np.array([0, 2]), epochs=1, batch_size=2, verbose=0)
    assert not np.allclose(clf.get_layer("conv5").get_weights()[0], conv_before)
    assert not np.allclose(clf.get_layer("genre").get_weights()[0], head_before)
    for before, after in zip(bn_before, clf.get_layer("bn1").get_weights()):
        np.testing.assert_array_equal(before, after)
    frozen = musicnn.transfer_classifier(3, model="MTT_musicnn", trainable=False, hidden=16)
    assert {w.path.split("/")[0] for w in frozen.trainable_weights} == {"head_hidden", "genre"}


# --------------------------------------------------------------------------- front-end
def _reference_log_mel(y: np.ndarray, sr: int) -> np.ndarray:
    """The original extractor's batch_data with librosa, written out: librosa < 0.10 padded by reflection."""
    import librosa

    y16 = librosa.resample(y, orig_sr=sr, target_sr=16000) if sr != 16000 else y
    S = librosa.feature.melspectrogram(y=y16, sr=16000, hop_length=256, n_fft=512, n_mels=96, pad_mode="reflect",
                                       center=True, power=2.0, htk=False, norm="slaney").T
    return np.log10(10000 * S.astype(np.float16).astype(np.float64) + 1)


def test_log_mel_matches_librosa_and_never_overflows():
    sr = 22050
    t = np.arange(int(4.2 * sr)) / sr
    y = (0.99 * np.sin(2 * np.pi * 220 * t) + 0.01 * np.random.default_rng(0).standard_normal(t.size)).astype(np.float32)
    S = musicnn.log_mel(y, sr)
    ref = _reference_log_mel(y, sr)
    assert S.shape == ref.shape and S.shape[1] == 96 and S.dtype == np.float32
    np.testing.assert_allclose(S, ref, rtol=1e-6, atol=1e-5)
    assert np.isfinite(S).all()
    # computing 10000 * mel in float16 (NumPy 2 keeps float16) would overflow for this loud tone
    mel16 = (10 ** ref.max() - 1) / 10000
    with np.errstate(over="ignore"):
        assert np.float16(mel16) * np.float16(10000) == np.inf


def test_patches_three_seconds_no_overlap_and_repeat_pad():
    import librosa

    assert librosa.time_to_frames(3, sr=16000, n_fft=512, hop_length=256) + 1 == musicnn.N_FRAMES == 187
    y = np.random.default_rng(0).standard_normal(16000 * 10).astype(np.float32) * 0.1
    S = musicnn.log_mel(y, 16000)
    P = musicnn.batch_patches(y, 16000)
    assert P.shape == ((len(S) - 187) // 187 + 1, 187, 96)
    np.testing.assert_array_equal(P[1], S[187:374])
    assert musicnn.batch_patches(y, 16000, hop=93).shape[0] == (len(S) - 187) // 93 + 1
    short = musicnn.batch_patches(y[:8000], 16000)  # 0.5 s -> 32 frames, repeated
    assert short.shape == (1, 187, 96)
    np.testing.assert_array_equal(short[0, :32], short[0, 32:64])
    with pytest.raises(ValueError, match="mono"):
        musicnn.log_mel(np.zeros((2, 100)), 16000)
    with pytest.raises(ValueError, match="hop"):
        musicnn.batch_patches(y, 16000, hop=0)


# --------------------------------------------------------------------------- taggram, tags, embeddings
@pytest.fixture(scope="module")
def clip() -> tuple[np.ndarray, int]:
    sr = 22050
    t = np.arange(int(7 * sr)) / sr
    beat = (np.sin(2 * np.pi * 2 * t) > 0.95).astype(np.float32)
    y = 0.3 * np.sin(2 * np.pi * 440 * t) * (0.5 + 0.5 * beat) + 0.05 * np.random.default_rng(2).standard_normal(t.size)
    return y.astype(np.float32), sr


def test_taggram_and_top_tags(weights, clip):
    y, sr = clip
    T = musicnn.taggram(y, sr, model="MTT_musicnn")
    patches = musicnn.batch_patches(y, sr)
    assert T.shape == (len(patches), 50) and ((T >= 0) & (T <= 1)).all()
    np.testing.assert_allclose(T, _run_original("MTT_musicnn", patches, "model/Sigmoid:0"), atol=TOL)
    top = musicnn.top_tags(y, sr, model="MTT_musicnn", k=4)
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert top[0] == (musicnn.MTT_TAGS[int(T.mean(0).argmax())], pytest.approx(float(T.mean(0).max())))


def test_embeddings_layers_and_pooling(weights, clip):
    y, sr = clip
    patches = musicnn.batch_patches(y, sr)
    mean = musicnn.embeddings(y, sr, model="MTT_musicnn")
    feats = np.asarray(musicnn.feature_model(_port("MTT_musicnn"), layer="max_pool")(patches))
    np.testing.assert_allclose(mean, feats.mean(axis=0), rtol=1e-5, atol=1e-6)
    assert mean.shape == (753,) and mean.dtype == np.float32
    mx = musicnn.embeddings(y, sr, model="MTT_musicnn", layer="cnn3", pool="max")
    assert mx.shape == (64,) and (mx >= musicnn.embeddings(y, sr, model="MTT_musicnn", layer="cnn3") - 1e-6).all()
    assert musicnn.embeddings(y, sr, model="MTT_vgg").shape == (128,)
    assert musicnn.embeddings(y, sr, model="MTT_musicnn", layer="penultimate").shape == (200,)
    with pytest.raises(ValueError, match="pool5"):
        musicnn.embeddings(y, sr, model="MTT_vgg", layer="penultimate")
    with pytest.raises(ValueError, match="pool"):
        musicnn.embeddings(y, sr, model="MTT_vgg", pool="median")
    with pytest.raises(ValueError, match="MTT_musicnn"):
        musicnn.load_musicnn("GTZAN_musicnn")


def test_patch_indices():
    assert musicnn.patch_indices(4, n_patches=1).tolist() == [2]
    assert musicnn.patch_indices(4, n_patches=2).tolist() == [1, 3]
    assert musicnn.patch_indices(3, n_patches=None).tolist() == [0, 1, 2]
    assert musicnn.patch_indices(2, n_patches=5).tolist() == [0, 1]
    with pytest.raises(ValueError):
        musicnn.patch_indices(0, n_patches=1)
    with pytest.raises(ValueError):
        musicnn.patch_indices(4, n_patches=0)


def test_clip_vectors_average_the_patches():
    from types import SimpleNamespace

    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(2, 1506)).astype(np.float32) for _ in range(3)]
    feats = SimpleNamespace(arrays=arrays)
    full = musicnn.clip_vectors(feats)
    np.testing.assert_allclose(full, np.stack([a.mean(axis=0) for a in arrays]), rtol=1e-6)
    np.testing.assert_allclose(musicnn.clip_vectors(feats, part="mean_pool"), full[:, 753:])
    assert musicnn.clip_vectors(feats, part=slice(0, 5)).shape == (3, 5)


def test_patch_activations_and_the_pooled_head(weights):
    y = np.random.default_rng(0).normal(scale=0.1, size=int(6.5 * 16000)).astype(np.float32)
    act = musicnn.patch_activations(y, 16000, n_patches=1)
    assert act.shape == (1, 1506) and act.dtype == np.float32
    net = musicnn._pretrained("MSD_musicnn")  # the network patch_activations reads from
    patch = musicnn.batch_patches(y, 16000)[1:2]  # 2 patches available; the middle one is index 1
    ref = np.asarray(musicnn.feature_model(net, layer="max_pool")(patch))
    np.testing.assert_allclose(act[:, :753], ref, rtol=1e-4, atol=1e-5)
    assert musicnn.patch_activations(y, 16000, model="MTT_vgg", n_patches=None).shape == (2, 128)  # pool5
    with pytest.raises(ValueError, match="feature layer"):
        musicnn.patch_activations(y, 16000, layer="pool5")
    model = musicnn.transfer_classifier(10, inputs="pooled", trainable=True, base=net)
    trained = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trained == 1506 * 200 + 200 + 200 * 10 + 10
    assert model(act).shape == (1, 10) and np.allclose(np.asarray(model(act)).sum(), 1.0, atol=1e-5)
    # the pooled head is the whole network's top: same output as the full classifier on the patch
    frozen = musicnn.transfer_classifier(3, inputs="pooled", base=net)
    assert sum(int(np.prod(w.shape)) for w in frozen.trainable_weights) == 200 * 3 + 3
    assert frozen.get_layer("penultimate_dense") is net.get_layer("penultimate_dense")  # shared layers
    full = musicnn.transfer_classifier(3, base=net)
    full.get_layer("genre").set_weights(frozen.get_layer("genre").get_weights())
    np.testing.assert_allclose(np.asarray(full(patch, training=False)), np.asarray(frozen(act, training=False)),
                               rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="pooled"):
        musicnn.transfer_classifier(3, model="MTT_vgg", inputs="pooled")
    with pytest.raises(ValueError, match="inputs"):
        musicnn.transfer_classifier(3, inputs="images", base=net)


def test_track_embeddings_are_cached(weights, clip, tmp_path, isolated_cache, monkeypatch):
    import pandas as pd
    import soundfile as sf

    y, sr = clip
    paths = []
    for i, gain in enumerate((1.0, 0.5)):
        paths.append(tmp_path / f"clip{i}.wav")
        sf.write(paths[-1], y * gain, sr)
    tracks = pd.DataFrame({"track_id": ["a", "b"], "genre": ["x", "y"], "path": [str(p) for p in paths]})
    monkeypatch.setattr(musicnn, "weights_dir", lambda: weights)  # the weights stay where they are
    first = musicnn.track_embeddings(tracks, model="MTT_vgg", n_patches=None)
    assert [np.shape(a) for a in first.arrays] == [(2, 128), (2, 128)] and not first.failures
    X = musicnn.clip_vectors(first)
    y16, _ = __import__("mgc_helpers").audio.load(paths[0], sr=16000)
    np.testing.assert_allclose(X[0], musicnn.embeddings(y16, 16000, model="MTT_vgg"), rtol=1e-5, atol=1e-6)
    monkeypatch.setattr(musicnn, "_run", lambda *a, **k: pytest.fail("recomputed despite the cache"))
    again = musicnn.track_embeddings(tracks, model="MTT_vgg", n_patches=None)
    np.testing.assert_array_equal(musicnn.clip_vectors(again), X)


# --------------------------------------------------------------------------- fetching the wheel
def _fake_wheel(path: Path) -> str:
    with zipfile.ZipFile(path, "w") as zf:
        for model in musicnn.MODELS:
            for suffix in (".index", ".data-00000-of-00001", ".meta"):
                zf.writestr(f"musicnn/{model}/{suffix}", f"{model}{suffix}")
            zf.writestr(f"musicnn/{model}/checkpoint", "model_checkpoint_path: '/home/someone/'")
        zf.writestr("musicnn-0.1.0.dist-info/LICENSE.md", "ISC licence text")
        zf.writestr("musicnn/configuration.py", "SR = 16000\n")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_from_a_local_wheel_is_verified_and_atomic(tmp_path, isolated_cache, monkeypatch, capsys):
    wheel = tmp_path / "musicnn-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(musicnn, "WHEEL_SHA256", _fake_wheel(wheel))
    monkeypatch.setenv("MGC_MUSICNN_WHEEL", str(wheel))
    (isolated_cache / "musicnn").mkdir(parents=True)
    (isolated_cache / "musicnn" / "junk").write_text("left over from an interrupted run")
    root = musicnn.fetch_weights()
    assert root == isolated_cache / "musicnn"
    assert (root / "MSD_vgg" / "model.meta").read_text() == "MSD_vgg.meta"
    assert not (root / "junk").exists() and not list(root.rglob("checkpoint"))
    assert "ISC licence" in capsys.readouterr().out
    assert sorted(p.name for p in isolated_cache.iterdir()) == ["musicnn"]  # no temporary folders left
    wheel.unlink()
    assert musicnn.fetch_weights() == root  # complete: nothing to download


def test_fetch_rejects_a_wheel_with_the_wrong_hash(tmp_path, isolated_cache, monkeypatch):
    wheel = tmp_path / "musicnn-0.1.0-py3-none-any.whl"
    _fake_wheel(wheel)
    monkeypatch.setenv("MGC_MUSICNN_WHEEL", str(wheel))
    with pytest.raises(musicnn.WeightsUnavailableError, match="SHA-256"):
        musicnn.fetch_weights(quiet=True)
    assert not (isolated_cache / "musicnn").exists()


def test_fetch_explains_a_pip_failure(isolated_cache, monkeypatch):
    monkeypatch.delenv("MGC_MUSICNN_WHEEL", raising=False)
    calls = []

    def offline_pip(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found for musicnn==0.1.0")

    monkeypatch.setattr(musicnn.subprocess, "run", offline_pip)
    with pytest.raises(musicnn.WeightsUnavailableError) as info:
        musicnn.fetch_weights(quiet=True)
    message = str(info.value)
    assert "No matching distribution" in message and "MGC_MUSICNN_WHEEL" in message
    assert calls[0][:3] == [sys.executable, "-m", "pip"] and "--no-deps" in calls[0]
    assert not (isolated_cache / "musicnn").exists()


# --------------------------------------------------------------------------- staying light
def test_models_package_and_musicnn_module_import_without_tensorflow():
    code = ("import mgc_helpers.models, mgc_helpers.models.musicnn, mgc_helpers.models.imagenet, sys; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'librosa') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
