"""The one switch for CPU or GPU (``mgc_helpers.config.profile_sizes``).

- every GPU-profile network is built at its GPU sizes and trains one step on the CPU (batch of 2, random
  inputs of the GPU input shape), so the profile cannot rot; report 001's CRNN keeps its 18,356 parameters;
- the CPU profile is what the notebooks run: their parameters cells (or the cell right after, once a
  notebook reads its sizes from the profile) and the sizes they type inline are read from the JSON;
- ``"auto"`` is the CPU here and the GPU when TensorFlow reports one; importing config never imports
  TensorFlow.
"""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mgc_helpers import config

REPO = Path(__file__).resolve().parents[1]
GTZAN_SECONDS = 30.0  # the clip length of GTZAN and FMA, for the flattened-MFCC FFNN


# ---------------------------------------------------------------------------
# resolving the profile
# ---------------------------------------------------------------------------
def test_explicit_profiles_and_bad_names(monkeypatch):
    monkeypatch.setenv(config.PROFILE_ENV, "gpu")
    assert config.resolve_profile("cpu") == "cpu" and config.resolve_profile(" GPU ") == "gpu"
    assert config.resolve_profile("auto") == "gpu"  # the environment decides "auto" only
    with pytest.raises(ValueError, match="PROFILE must be one of"):
        config.resolve_profile("tpu")
    monkeypatch.setenv(config.PROFILE_ENV, "fast")
    with pytest.raises(ValueError, match="MGC_PROFILE"):
        config.resolve_profile("auto")


def test_auto_asks_tensorflow_for_a_gpu(monkeypatch):
    tf = pytest.importorskip("tensorflow")
    monkeypatch.delenv(config.PROFILE_ENV, raising=False)
    seen = bool(tf.config.list_physical_devices("GPU"))
    assert config.resolve_profile("auto") == ("gpu" if seen else "cpu")
    asked = []

    def devices(kind=None):
        asked.append(kind)
        return [tf.config.PhysicalDevice(name="/physical_device:GPU:0", device_type="GPU")] if kind == "GPU" else []

    monkeypatch.setattr(tf.config, "list_physical_devices", devices)
    assert config.resolve_profile("auto") == "gpu" and config.profile_sizes("crnn").profile == "gpu"
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    assert config.resolve_profile("auto") == "cpu" and config.profile_sizes("crnn").profile == "cpu"
    assert asked == ["GPU", "GPU"]


def test_this_machine_without_a_gpu_resolves_to_cpu(monkeypatch):
    tf = pytest.importorskip("tensorflow")
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU (test_auto_asks_tensorflow_for_a_gpu covers it)")
    monkeypatch.delenv(config.PROFILE_ENV, raising=False)
    assert config.resolve_profile() == "cpu" and config.profile_sizes("cnn").filters == (8, 16, 32)


def test_importing_config_and_choosing_sizes_never_imports_tensorflow():
    code = ("import os, sys; os.environ['MGC_PROFILE'] = 'gpu'\n"
            "from mgc_helpers import config\n"
            "for name in config.PROFILES:\n"
            "    config.profile_sizes(name, 'cpu'); config.profile_sizes(name, 'auto').describe()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "PROFILE 'gpu': the sizes of 05_cnn.ipynb" in out.stdout


# ---------------------------------------------------------------------------
# the table itself
# ---------------------------------------------------------------------------
def test_every_training_notebook_has_both_profiles():
    assert set(config.PROFILE_NOTEBOOKS.values()) == {
        "04_ffnn.ipynb", "05_cnn.ipynb", "06_lstm_gru.ipynb", "07_crnn.ipynb", "08_transfer_learning.ipynb",
        "10_compare_and_predict.ipynb"}
    for name, by_profile in config.PROFILES.items():
        assert set(by_profile) == set(config.PROFILE_NAMES), name
        cpu, gpu = by_profile["cpu"], by_profile["gpu"]
        assert type(cpu) is type(gpu) and (cpu.profile, gpu.profile) == ("cpu", "gpu")
        assert (REPO / "notebooks" / cpu.notebook).is_file()
        with pytest.raises(AttributeError):
            cpu.profile = "gpu"  # frozen


def test_changes_and_errors():
    sizes = config.profile_sizes("cnn", "gpu", epochs=2)
    assert sizes.epochs == 2 and sizes.filters == (16, 32, 64) and config.PROFILES["cnn"]["gpu"].epochs == 40
    with pytest.raises(TypeError, match="has no size n_fft"):
        config.profile_sizes("cnn", "cpu", n_fft=512)
    with pytest.raises(KeyError, match="choose one of"):
        config.profile_sizes("svm", "cpu")


def test_describe_prints_the_profile_and_every_size(capsys):
    sizes = config.profile_sizes("cnn", "gpu")
    sizes.describe()
    out = capsys.readouterr().out
    assert out.startswith("PROFILE 'gpu': the sizes of 05_cnn.ipynb")
    for name in sizes.to_dict():
        assert f"{name}=" in out
    assert "report000=(96 x 1366 at hop 512, 160 epochs, batch 400)" in out


def test_gpu_sizes_are_the_seeds_published_ones():
    from mgc_helpers.features import seconds_to_frames
    from mgc_helpers.models import crnn

    cnn, rnn, crn = (config.PROFILES[k]["gpu"] for k in ("cnn", "rnn", "crnn"))
    assert (cnn.report002.n_mels, cnn.report002.frames) == (128, 660)              # report 002
    assert (cnn.report000.n_mels, cnn.report000.frames) == (96, 1366)              # report 000
    assert cnn.filters == (16, 32, 64)                                         # the recommended CNN
    assert (rnn.n_mels, seconds_to_frames(rnn.seconds, hop_length=rnn.hop)) == (96, 1366)       # report 000's LSTM
    assert (crn.n_mels, seconds_to_frames(crn.crop_seconds, hop_length=crn.hop), 1) == crnn.REPORT001_INPUT_SHAPE
    assert crn.toy_model == "report"
    # the seeds that trained 30 epochs or more keep their epochs
    assert (cnn.report000.epochs, cnn.report002.epochs, config.PROFILES["ffnn"]["gpu"].epochs) == (160, 40, 40)
    assert min(cnn.epochs, rnn.epochs_lstm, rnn.epochs_gru, crn.epochs) >= 30


def test_cpu_seed_cnns_train_on_the_crops_of_the_recommended_cnn():
    from mgc_helpers.features import seconds_to_frames

    cpu = config.PROFILES["cnn"]["cpu"]
    crops = config.SeedInput(cpu.n_mels, cpu.hop, seconds_to_frames(cpu.segment_seconds, hop_length=cpu.hop),
                             epochs=cpu.report_epochs, batch_size=cpu.batch_size)
    assert cpu.report002 == crops and cpu.report000 == crops


# ---------------------------------------------------------------------------
# the CPU profile is what the notebooks run (read from their JSON)
# ---------------------------------------------------------------------------
#: Sizes a notebook types inside its code cells (not in its parameters cell): a pattern whose group is
#: the typed value (or, once the notebook reads the size from the profile, the constant's name).
_NAME = r"PROFILE_SIZES\.\w+|\w+"
INLINE = {
    "ffnn": {"batch_size": rf"training\.fit\([^)]*?batch_size=({_NAME})"},
    "cnn": {"filters": rf"recommended_cnn\([^\n]*?filters=(\([\d, ]+\)|{_NAME})",
            "batch_size": rf"pipe\.train_dataset\(batch_size=({_NAME})",
            # the reports' CNNs: input shape and batches of a pipeline built from the profile's report sizes
            "report002": rf"report002_cnn\((\(N_MELS, frames, 1\)|\(PROFILE_SIZES\.|{_NAME})",
            "report000": rf"report000_cnn\((\(N_MELS, frames, 1\)|\(PROFILE_SIZES\.|{_NAME})"},
    "rnn": {"batch_size": rf"train_dataset\(batch_size=({_NAME})"},
    "crnn": {"batch_size": rf"train_dataset\(batch_size=({_NAME})",
             "crops_per_track": rf"train_dataset\([^)]*?crops_per_track=({_NAME})"},
}
#: The reports' CNNs run on the recommended CNN's crops (test above) in the CPU profile.
SAME_AS_CROPS = "(N_MELS, frames, 1)"
#: Notebook 05's pipelines of the reports' inputs (``pipeNNN.input_shape``) and the profile sizes they are built from.
REPORT_PIPELINES = {"pipe002": "R002", "pipe000": "R000"}


def _cells(notebook: str) -> list[dict]:
    return json.loads((REPO / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _assignments(source: str) -> dict[str, ast.expr]:
    tree = ast.parse(source)
    return {node.targets[0].id: node.value for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}


def _unpacked(source: str) -> dict[str, ast.expr]:
    """``A, B = X.a, X.b`` and ``A = X.a``: name -> value expression."""
    found = {}
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple)
                and isinstance(node.value, ast.Tuple)):
            found.update({t.id: v for t, v in zip(node.targets[0].elts, node.value.elts)})
    return {**_assignments(source), **found}


def _notebook(notebook: str) -> tuple[str, str, str]:
    """The parameters cell, the code cell right after it ('' if none) and all code of a notebook."""
    cells = _cells(notebook)
    i = next(k for k, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    after = _src(cells[i + 1]) if cells[i + 1]["cell_type"] == "code" else ""
    return _src(cells[i]), after, "\n".join(_src(c) for c in cells if c["cell_type"] == "code")


def _profile_call(source: str, name: str) -> ast.Call | None:
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "profile_sizes"
                and node.args and getattr(node.args[0], "value", None) == name):
            return node
    return None


@pytest.mark.parametrize("name", sorted(config.PROFILES))
def test_cpu_profile_is_what_the_notebook_runs(name):
    cpu = config.PROFILES[name]["cpu"]
    params_src, after_src, code = _notebook(cpu.notebook)
    params = _assignments(params_src)
    inline = INLINE.get(name, {})
    constants = [f for f in cpu.to_dict() if f.upper() in params]
    for field in constants:  # the parameters cell types the CPU profile
        typed = ast.literal_eval(params[field.upper()])
        value = getattr(cpu, field)
        assert typed == value and type(typed) is type(value), f"{cpu.notebook}: {field.upper()} = {typed!r} ({value!r})"
    for field, value in cpu.to_dict().items():  # and the code cells type the rest
        if field in constants:
            continue
        assert field in inline, f"{cpu.notebook} neither sets {field.upper()} nor types {field} where the test looks"
        matches = re.findall(inline[field], code)
        assert matches, f"{cpu.notebook}: no {field} found by {inline[field]!r}"
        for typed in matches:
            if typed in (field.upper(), f"PROFILE_SIZES.{field}") or typed.startswith("(PROFILE_SIZES."):
                continue  # read from the profile
            if typed == SAME_AS_CROPS and isinstance(value, config.SeedInput):
                continue
            if isinstance(value, config.SeedInput) and typed in REPORT_PIPELINES:
                # pipe002 = pipe.with_input(R002), R002 = PROFILE_SIZES.report002: shape and schedule from the profile
                alias = REPORT_PIPELINES[typed]
                assert re.search(rf"\b{alias} = PROFILE_SIZES\.{field}\b", code), f"{cpu.notebook}: {alias} is not the profile's {field}"
                assert re.search(rf"\b{typed} = pipe\.with_input\({alias}\)", code), f"{cpu.notebook}: {typed} not from {alias}"
                assert re.search(rf"{typed}\.train_dataset\(batch_size={alias}\.batch_size", code)
                assert re.search(rf"epochs={alias}\.epochs", code), f"{cpu.notebook}: {field} epochs not from the profile"
                continue
            assert ast.literal_eval(typed) == value, f"{cpu.notebook}: {field} typed as {typed}, profile {value!r}"
    call = _profile_call(after_src, name)
    if call is None:  # not switched to the profile yet
        assert "PROFILE" not in params, f"{cpu.notebook} declares PROFILE but reads no sizes from it"
        return
    # switched: PROFILE is a parameter; every typed size goes through the profile and comes back under its name
    assert ast.literal_eval(params["PROFILE"]) == "auto"
    assert isinstance(call.args[1], ast.Name) and call.args[1].id == "PROFILE"
    passed = next(k.value for k in call.keywords if k.arg == "parameters")
    passed = {k.arg: getattr(k.value, "id", None) for k in passed.keywords}
    assert passed == {f: f.upper() for f in constants}, f"{cpu.notebook}: parameters={passed}"
    back = _unpacked(after_src)
    for field in constants:
        node = back.get(field.upper())
        assert isinstance(node, ast.Attribute) and node.attr == field, f"{cpu.notebook}: {field.upper()} not read back"
    assert ".describe()" in after_src


def test_parameters_follow_the_profile_unless_changed():
    cpu = config.PROFILES["cnn"]["cpu"]
    gpu = config.profile_sizes("cnn", "gpu", parameters=dict(n_mels=cpu.n_mels, epochs=1, hop=cpu.hop))
    assert (gpu.n_mels, gpu.hop, gpu.epochs, gpu.changed) == (128, 1024, 1, ("epochs",))
    assert config.profile_sizes("cnn", "cpu", parameters=cpu.to_dict()) == cpu
    tr = config.profile_sizes("transfer", "gpu", parameters=dict(sizes=[1, 2, 4], cnn_sizes=[1, 2]))
    assert tr.sizes == (1, 2, 4) and tr.cnn_sizes == (1, 2) and tr.changed == ("cnn_sizes",)
    with pytest.raises(TypeError, match="has no size spec_augment"):
        config.profile_sizes("cnn", "gpu", parameters=dict(spec_augment=True))


# ---------------------------------------------------------------------------
# every GPU-size network trains one step on the CPU
# ---------------------------------------------------------------------------
def _gpu_models():
    """(label, builder, expected parameters or None), every network the GPU profile trains."""
    from mgc_helpers.features import seconds_to_frames

    ffnn_s, cnn_s, rnn_s, crnn_s, tr_s = (config.PROFILES[k]["gpu"] for k in ("ffnn", "cnn", "rnn", "crnn", "transfer"))
    rnn_frames = seconds_to_frames(rnn_s.seconds, hop_length=rnn_s.hop)
    crnn_frames = seconds_to_frames(crnn_s.crop_seconds, hop_length=crnn_s.hop)
    cnn_frames = seconds_to_frames(cnn_s.segment_seconds, hop_length=cnn_s.hop)
    flat = ffnn_s.n_mfcc * seconds_to_frames(GTZAN_SECONDS, hop_length=ffnn_s.hop)

    def ffnn_stats():
        from mgc_helpers.models import ffnn
        return ffnn.build_ffnn((2 * ffnn_s.n_mfcc,), 10, units=(128, 64), dropout=0.3)

    def ffnn_flat():
        from mgc_helpers.models import ffnn
        return ffnn.build_ffnn((flat,), 10, units=(128, 64), dropout=0.5, input_dropout=0.2, l2=1e-3)

    def recommended():
        from mgc_helpers.models import cnn
        return cnn.recommended_cnn((cnn_s.n_mels, cnn_frames, 1), 10, filters=cnn_s.filters)

    def report002():
        from mgc_helpers.models import cnn
        return cnn.report002_cnn((cnn_s.report002.n_mels, cnn_s.report002.frames, 1), 10)

    def report000():
        from mgc_helpers.models import cnn
        return cnn.report000_cnn((cnn_s.report000.n_mels, cnn_s.report000.frames, 1), 10)

    def lstm():
        from mgc_helpers.models import rnn
        return rnn.lstm_report000((rnn_s.n_mels, rnn_frames, 1), 10)

    def gru(skip):
        from mgc_helpers.models import rnn
        return lambda: rnn.gru_report003((rnn_s.n_mfcc, rnn_frames, 1), 10, skip=skip)

    def crnn_seed():
        from mgc_helpers.models import crnn
        options = crnn.TOY_OPTIONS if crnn_s.toy_model == "toy" else {}
        return crnn.crnn_report001((crnn_s.n_mels, crnn_frames, 1), 4, **options)

    def vgg16():
        from mgc_helpers.models import imagenet
        return imagenet.imagenet_classifier(10, backbone="vgg16", image_size=tr_s.image_size, weights=None,
                                            head=(256, 128, 64))[0]

    return [
        ("nb04 FFNN on MFCC statistics", ffnn_stats, None),
        ("nb04 FFNN on a flattened 30-s MFCC matrix", ffnn_flat, None),
        ("nb05 recommended CNN 16/32/64", recommended, 24_282),      # its docstring: 10 classes, one channel
        ("nb05 report 002's CNN at 128 x 660", report002, 2_463_114),    # its docstring's sum
        ("nb05 report 000's CNN at 96 x 1366", report000, None),
        ("nb06 report 000's LSTM at 96 x 1366", lstm, None),
        ("nb06 report 003's GRU", gru(None), None),
        ("nb06 skip-GRU", gru(rnn_s.skip_k), None),
        ("nb07 report 001's CRNN at 96 x 1366", crnn_seed, 18_356),    # report 001's summary, four genres
        ("nb08 VGG16 at 224 x 224", vgg16, None),
    ]


MODELS = _gpu_models()


@pytest.mark.parametrize("label,build,n_params", MODELS, ids=[m[0] for m in MODELS])
def test_gpu_size_model_trains_one_step_on_the_cpu(label, build, n_params):
    pytest.importorskip("tensorflow")
    import keras

    keras.utils.set_random_seed(0)
    model = build()
    if n_params is not None:
        assert model.count_params() == n_params, label
    shape = tuple(model.input_shape[1:])
    assert None not in shape, f"{label}: the GPU profile gives every input size"
    n_classes = int(model.output_shape[-1])
    x = np.random.default_rng(0).standard_normal((2, *shape)).astype("float32")
    if shape[-1] == 3 and len(shape) == 3:  # an RGB image for an ImageNet backbone: 0..255
        x = (x - x.min()) / (x.max() - x.min()) * 255.0
    y = np.arange(2) % n_classes
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    loss = float(np.asarray(model.train_on_batch(x, y)).ravel()[0])
    assert np.isfinite(loss) and loss > 0, label
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights())), f"{label}: nothing learned"


# ---------------------------------------------------------------------------
# the CPU profile at real-dataset size
# ---------------------------------------------------------------------------
def test_cpu_profile_trains_less_on_a_real_dataset_and_says_so(capsys):
    toy = config.profile_sizes("cnn", "cpu", dataset="toy")
    assert toy == config.PROFILES["cnn"]["cpu"] and toy.reduced == ()
    gtzan = config.profile_sizes("cnn", "cpu", dataset="gtzan")
    cuts = config.CPU_AT_REAL_SIZE["cnn"]
    assert {k: getattr(gtzan, k) for k in cuts} == cuts and gtzan.changed == ()
    assert gtzan.reduced == tuple((k, getattr(toy, k), v) for k, v in cuts.items())
    # only the amount of training and voting: the networks, features and crops are the toy run's
    same = set(toy.to_dict()) - set(cuts)
    assert {k: getattr(gtzan, k) for k in same} == {k: getattr(toy, k) for k in same}
    gtzan.describe()
    out = capsys.readouterr().out
    assert "On 'gtzan'" in out and "crops_per_track 4 -> 2" in out and "same split, same test clips" in out
    # the GPU profile is never cut; a parameter set on purpose wins over the cut
    assert config.profile_sizes("cnn", "gpu", dataset="gtzan") == config.PROFILES["cnn"]["gpu"]
    mine = config.profile_sizes("cnn", "cpu", dataset="gtzan", parameters=dict(crops_per_track=3))
    assert mine.crops_per_track == 3 and "crops_per_track" not in [k for k, *_ in mine.reduced]
    assert config.profile_sizes("crnn", "cpu", dataset="/some/folder").reduced  # a folder is a real dataset too
    assert config.profile_sizes("rnn", "cpu", dataset="gtzan").reduced == ()      # nothing to cut there


def test_report_epochs_trains_both_reports_cnns():
    sizes = config.profile_sizes("cnn", "cpu", parameters=dict(report_epochs=5))
    assert (sizes.report002.epochs, sizes.report000.epochs, sizes.changed) == (5, 5, ("report_epochs",))
    gpu = config.profile_sizes("cnn", "gpu")
    assert (gpu.report002.epochs, gpu.report000.epochs) == (40, 160)  # each report's own schedule


def test_every_notebook_passes_its_dataset_to_the_profile():
    for name in ("cnn", "crnn"):
        _, after, _ = _notebook(config.PROFILES[name]["cpu"].notebook)
        call = _profile_call(after, name)
        assert call is not None and any(k.arg == "dataset" and getattr(k.value, "id", "") == "DATASET"
                                        for k in call.keywords), name


def test_gpu_available_imports_tensorflow_quietly(monkeypatch):
    import inspect

    source = inspect.getsource(config.gpu_available)
    assert "import_tensorflow" in source and "import tensorflow" not in source
