"""mgc_helpers.checks: each check's diagnoses (what it says about which mistake).

The contract every check shares (stubs, wrong answers that never reveal the answer, the reference
accepted) is tests/test_checks_contract.py, driven by its one table of all checks.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import scipy.fft

from mgc_helpers import checks
from mgc_helpers.checks import ExerciseError

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _fails(check, fn) -> str:
    with pytest.raises(ExerciseError) as info:
        check(fn)
    assert isinstance(info.value, AssertionError)
    return str(info.value)


def _assert_hides(message: str, expected, *, ignore=(0.0, 1.0)) -> None:
    """The message shows neither the expected array's repr nor any of its values."""
    arr = np.asarray(expected)
    if arr.ndim:  # a single number is checked token by token below (it may be a prefix of the student's)
        assert repr(expected) not in message and np.array2string(arr) not in message
    values = arr.ravel()
    if np.iscomplexobj(values):
        values = np.concatenate([values.real, values.imag, np.abs(values)])
    values = np.array([v for v in values.astype(float) if not any(np.isclose(v, i) for i in ignore)])
    for x in map(float, _NUMBER.findall(message)):
        assert not np.any(np.isclose(x, values, rtol=1e-3, atol=1e-9)), f"{x} from the answer is in: {message}"


def _first_failure(student, reference, cases):
    """The first case whose result differs (the one the check reports)."""
    for args in cases:
        if not np.allclose(student(*args), reference(*args)):
            return args
    raise AssertionError("the student's function is right on every case")


# --------------------------------------------------------------------------- shared behaviour
def test_non_numeric_results_are_reported():
    msg = _fails(checks.check_dft, lambda x: ["a"] * len(x))
    assert "should give numbers" in msg


# --------------------------------------------------------------------------- DFT
def _dft(x):
    n = len(x)
    k = np.arange(n)
    return np.exp(-2j * np.pi * np.outer(k, k) / n) @ x


def test_check_dft_accepts_a_correct_dft(capsys):
    checks.check_dft(_dft)
    out = capsys.readouterr().out
    assert out.startswith("✅ Correct —") and "numpy.fft.fft" in out
    checks.check_dft(lambda x: list(np.fft.fft(x)))  # lists are fine too


@pytest.mark.parametrize(
    "wrong, diagnosis",
    [
        (lambda x: np.conj(_dft(x)), "sign of the exponent"),
        (lambda x: _dft(x) / len(x), "check the normalisation"),
        (lambda x: _dft(x) / np.sqrt(len(x)), "multiplied by"),
        (lambda x: np.abs(_dft(x)), "magnitudes"),
        (lambda x: _dft(x).real, "only the real part"),
        (lambda x: np.fft.rfft(x), "non-negative frequencies"),
        (lambda x: _dft(x)[:-1], "shape"),
        (lambda x: np.roll(_dft(x), 1), "values are wrong"),
    ],
)
def test_check_dft_diagnoses_mistakes_without_the_answer(wrong, diagnosis):
    msg = _fails(checks.check_dft, wrong)
    assert diagnosis in msg and "Hint" in msg
    x = np.random.default_rng(1).standard_normal(8)  # the first test signal
    _assert_hides(msg, np.fft.fft(x))


# --------------------------------------------------------------------------- aliasing
ALIAS_CASES = [(440.0, 22050.0), (15000.0, 22050.0), (1000.0, 8000.0), (9000.0, 8000.0), (30000.0, 22050.0),
               (7000.0, 8000.0), (22050.0, 22050.0), (11025.0, 22050.0), (40000.0, 22050.0), (100300.0, 44100.0)]


def _alias(freq, sr):
    return abs(freq - sr * round(freq / sr))


def test_check_alias_frequency_accepts_correct_answers(capsys):
    checks.check_alias_frequency(_alias)
    checks.check_alias_frequency(lambda f, sr: min(f % sr, sr - f % sr))
    assert capsys.readouterr().out.count("✅ Correct") == 2


@pytest.mark.parametrize(
    "wrong, diagnosis",
    [
        (lambda f, sr: sr - f if sr / 2 < f < sr else f % sr, "did not mirror it about sr/2"),
        (lambda f, sr: f % sr, "above the Nyquist frequency"),
        (lambda f, sr: f - sr if f > sr / 2 else f, "cannot be negative"),
        (lambda f, sr: f, "above the Nyquist frequency"),
        (lambda f, sr: sr - f % sr if f > sr / 2 else f + 1.0, "not right"),
    ],
)
def test_check_alias_frequency_diagnoses_mistakes_without_the_answer(wrong, diagnosis):
    msg = _fails(checks.check_alias_frequency, wrong)
    assert diagnosis in msg
    case = _first_failure(wrong, _alias, ALIAS_CASES)
    assert f"freq={case[0]:g} Hz" in msg
    _assert_hides(msg, _alias(*case), ignore=(0.0, 1.0, *case))  # the inputs are shown, of course


# --------------------------------------------------------------------------- STFT frame count
def _n_frames(n, n_fft, hop, center):
    if center:
        return 1 + n // hop
    return 1 + (n - n_fft) // hop


def test_n_frames_formula_agrees_with_librosa():
    import librosa

    for n, n_fft, hop, center in [(22050, 2048, 512, True), (22050, 2048, 512, False), (3000, 512, 100, True)]:
        y = np.zeros(n, dtype=np.float32)
        assert librosa.stft(y=y, n_fft=n_fft, hop_length=hop, center=center).shape[1] == _n_frames(
            n, n_fft, hop, center)


def test_check_n_frames_accepts_a_correct_formula(capsys):
    checks.check_n_frames(_n_frames)
    checks.check_n_frames(lambda *a: float(_n_frames(*a)))  # a whole float is accepted
    assert "librosa.stft" in capsys.readouterr().out


NF_CASES = [(22050, 2048, 512, False), (22050, 2048, 512, True), (1000, 256, 64, False), (1000, 256, 64, True),
            (2048, 2048, 512, False), (5000, 1024, 1000, True), (661500, 2048, 512, True), (4097, 1024, 256, False)]


@pytest.mark.parametrize(
    "wrong, diagnosis",
    [
        (lambda n, n_fft, hop, center: _n_frames(n, n_fft, hop, False), "would be right for center=False"),
        (lambda n, n_fft, hop, center: _n_frames(n, n_fft, hop, True), "would be right for center=True"),
        (lambda n, n_fft, hop, center: _n_frames(n, n_fft, hop, center) - 1, "off by one"),
        (lambda n, n_fft, hop, center: 1 + (n - n_fft) / hop if not center else 1 + n / hop, "not a whole number"),
        (lambda n, n_fft, hop, center: 2 * _n_frames(n, n_fft, hop, center), "not right"),
        (lambda n, n_fft, hop, center: 1 + (n + n_fft // 2 - n_fft) // hop if center else _n_frames(n, n_fft, hop, False),
         "padded only one side"),
    ],
)
def test_check_n_frames_diagnoses_mistakes_without_the_answer(wrong, diagnosis):
    msg = _fails(checks.check_n_frames, wrong)
    assert diagnosis in msg and "Hint" in msg
    case = _first_failure(wrong, _n_frames, NF_CASES)
    assert f"n_samples={case[0]}" in msg
    _assert_hides(msg, _n_frames(*case))


# --------------------------------------------------------------------------- mel scale
def test_check_hz_to_mel_accepts_correct_answers(capsys):
    checks.check_hz_to_mel(lambda f: 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0))
    checks.check_hz_to_mel(lambda f: 1127.0 * np.log1p(np.asarray(f) / 700.0))
    assert capsys.readouterr().out.count("✅ Correct") == 2


HTK = np.array([0.0, 100.0, 440.0, 700.0, 1000.0, 4000.0, 11025.0])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the students' log10(0)
@pytest.mark.parametrize(
    "wrong, diagnosis",
    [
        (lambda f: 2595.0 * np.log(1.0 + np.asarray(f) / 700.0), "natural logarithm"),
        (lambda f: 2595.0 * math.log10(1.0 + f / 700.0), "crashed on a NumPy array"),
        (lambda f: 2595.0 * np.log10(np.asarray(f) / 700.0), "NaN or infinite"),
        (lambda f: 2595.0 * np.log10(1.0 + np.asarray(f) / 1000.0), "not right"),
    ],
)
def test_check_hz_to_mel_diagnoses_mistakes_without_the_answer(wrong, diagnosis):
    import librosa

    msg = _fails(checks.check_hz_to_mel, wrong)
    assert diagnosis in msg
    _assert_hides(msg, librosa.hz_to_mel(HTK, htk=True))


def test_check_hz_to_mel_recognises_the_slaney_scale():
    import librosa

    msg = _fails(checks.check_hz_to_mel, lambda f: librosa.hz_to_mel(f))
    assert "Slaney" in msg
    _assert_hides(msg, librosa.hz_to_mel(HTK, htk=True))


# --------------------------------------------------------------------------- MFCC
def test_check_mfcc_from_logmel_accepts_a_correct_answer(capsys):
    checks.check_mfcc_from_logmel(lambda S, n: scipy.fft.dct(S, type=2, norm="ortho", axis=0)[:n])
    assert "librosa.feature.mfcc" in capsys.readouterr().out


def _first_mfcc_reference():
    import librosa

    S = np.random.default_rng(2).uniform(-80.0, 0.0, size=(40, 7))
    return librosa.feature.mfcc(S=S, n_mfcc=13)


@pytest.mark.parametrize(
    "wrong, diagnosis",
    [
        (lambda S, n: scipy.fft.dct(S, type=2, axis=0)[:n], "norm='ortho'"),
        (lambda S, n: scipy.fft.dct(S, type=2, norm="ortho", axis=0), "all 40 DCT coefficients"),
        (lambda S, n: scipy.fft.dct(S, type=2, norm="ortho", axis=1)[:n], "along the time axis"),
        (lambda S, n: scipy.fft.dct(S, type=3, norm="ortho", axis=0)[:n], "type-III"),
        (lambda S, n: scipy.fft.dct(S, type=2, norm="ortho", axis=0)[:n].T, "transposed"),
        (lambda S, n: scipy.fft.dct(S ** 2, type=2, norm="ortho", axis=0)[:n], "values are wrong"),
    ],
)
def test_check_mfcc_from_logmel_diagnoses_mistakes_without_the_answer(wrong, diagnosis):
    msg = _fails(checks.check_mfcc_from_logmel, wrong)
    assert diagnosis in msg and "Hint" in msg
    _assert_hides(msg, _first_mfcc_reference())


# --------------------------------------------------------------------------- deltas
def _deltas(X, n_side=4):
    """HTK-style deltas: regression over ±n_side frames, edge frames repeated."""
    T = X.shape[-1]
    P = np.pad(X, ((0, 0), (n_side, n_side)), mode="edge")
    num = sum(n * (P[:, n_side + n: n_side + n + T] - P[:, n_side - n: n_side - n + T]) for n in range(1, n_side + 1))
    return num / (2 * sum(n * n for n in range(1, n_side + 1)))


def test_check_deltas_accepts_any_edge_handling(capsys):
    import librosa

    checks.check_deltas(_deltas)
    checks.check_deltas(lambda X: librosa.feature.delta(X, width=9))
    assert capsys.readouterr().out.count("✅ Correct") == 2


def _first_delta_reference():
    import librosa

    X = np.random.default_rng(3).standard_normal((13, 30))
    return librosa.feature.delta(X, width=9)


@pytest.mark.parametrize(
    "wrong, diagnosis",
    [
        (lambda X: -_deltas(X), "sign is flipped"),
        (lambda X: _deltas(X) * 60.0, "denominator"),
        (lambda X: np.gradient(X, axis=-1), "simple difference"),
        (lambda X: np.diff(X, axis=-1), "np.diff gives one frame less"),
        (lambda X: _deltas(X, n_side=2), "window of 5 frames"),
        (lambda X: _deltas(X.T).T, "feature axis"),
        (lambda X: _deltas(X) + 0.5, "values are wrong"),
    ],
)
def test_check_deltas_diagnoses_mistakes_without_the_answer(wrong, diagnosis):
    msg = _fails(checks.check_deltas, wrong)
    assert diagnosis in msg and "width 9" in msg
    _assert_hides(msg, _first_delta_reference())


# --------------------------------------------------------------------------- generic checks
def test_check_function_with_positional_keyword_and_single_inputs(capsys):
    inputs = [(np.arange(5.0), 2.0), {"x": np.ones(3), "p": 3.0}, np.linspace(0, 1, 4)]

    def ref(x, p=1.0):
        return np.asarray(x) ** p

    checks.check_function(lambda x, p=1.0: np.power(x, p), ref, inputs, name="power")
    assert "on all 3 test inputs" in capsys.readouterr().out
    msg = str(pytest.raises(ExerciseError, checks.check_function, lambda x, p=1.0: np.asarray(x) * p, ref,
                            inputs, name="power", hint="use **").value)
    assert "`power`" in msg and "Hint: use **" in msg and "values are wrong" in msg
    assert "array of shape (5,)" in msg
    _assert_hides(msg, ref(np.arange(5.0), 2.0))
    msg = str(pytest.raises(ExerciseError, checks.check_function, lambda x, p=1.0: float(np.sum(x)), ref,
                            [{"x": [1.0, 2.0], "p": 2.0}], name="power").value)
    assert "number of dimensions is not right" in msg and "x=[1.0, 2.0]" in msg


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_check_function_names_the_students_function_by_default():
    def my_square(x):
        return x * 3

    msg = _fails(lambda f: checks.check_function(f, np.square, [2.0]), my_square)
    assert "`my_square`" in msg and "square`" not in msg.replace("`my_square`", "")
    assert "`your function`" in _fails(lambda f: checks.check_function(f, np.square, [2.0]), lambda x: x * 3)


def test_messages_print_plain_values_not_numpy_reprs():
    msg = _fails(checks.check_soft_vote, lambda ids, p: {t: 0 for t in np.unique(ids)})
    assert "e.g. 'b'." in msg and "np.str_" not in msg
    msg = _fails(checks.check_dense_params, lambda s: np.float64(12.5))
    assert "got float 12.5" in msg and "np.float64" not in msg
    msg = _fails(checks.check_n_components, lambda r, t: np.float64(0.5))
    assert "returned 0.5:" in msg
    msg = _fails(checks.check_fixed_and_broken, lambda y, a, b: np.array([1, 2, 3]))
    assert "returned [1, 2, 3];" in msg and "array(" not in msg


def test_a_crash_keeps_the_students_traceback_and_nothing_of_the_check():
    import traceback

    def my_dft(x):
        return x @ np.ones((2, 2))  # the student's own bug

    try:
        checks.check_dft(my_dft)
    except ExerciseError as error:
        text = "".join(traceback.format_exception(error))
    assert "`my_dft` crashed with ValueError" in text
    assert "return x @ np.ones((2, 2))" in text  # the student sees the line of their bug
    assert "in my_dft" in text and "checks/nb01_audio_basics.py" not in text
    assert "np.fft.fft(x)" not in text and "_call(" not in text


def test_check_function_scalar_and_nan_outputs():
    msg = str(pytest.raises(ExerciseError, checks.check_function, lambda x: x + 1, lambda x: x * 3, [(7.0,)],
                            name="triple").value)
    assert "it returned 8.0" in msg
    _assert_hides(msg, 21.0)
    msg = str(pytest.raises(ExerciseError, checks.check_function, lambda x: np.log(x - x), np.log, [(2.0,)],
                            name="log").value)
    assert "NaN or infinite" in msg


def test_check_value(capsys):
    checks.check_value(661500, 30 * 22050, name="n_samples")
    checks.check_value(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9], name="pair")
    checks.check_value("  Nyquist ", "nyquist", name="word")
    assert capsys.readouterr().out.count("✅ Correct") == 3
    cases = [
        (600000, 30 * 22050, "too small"),
        (700000, 30 * 22050, "too large"),
        (None, 5, "still empty"),
        (..., 5, "still empty"),
        ("aliasing", "nyquist", "not right"),
        (3, "nyquist", "not right"),
        (np.array([1.5, 2.5]), np.array([1.5, 2.25]), "1 of its 2 values are wrong"),
        (np.ones(3), np.ones((3, 1)), "number of dimensions"),
        (1j, 2j, "not right"),
        ("text", 3.0, "should give numbers"),
    ]
    for answer, expected, diagnosis in cases:
        with pytest.raises(ExerciseError) as info:
            checks.check_value(answer, expected, name="answer", hint="think about it")
        assert diagnosis in str(info.value)
        if not isinstance(expected, str):
            _assert_hides(str(info.value), expected, ignore=(1.0, 1.5))  # 1.5 is also the student's own value
        else:
            assert expected not in str(info.value).lower()


def test_check_shape(capsys):
    checks.check_shape(np.zeros((1025, 44)), (1025, 44), name="S")
    checks.check_shape(np.zeros((1025, 44)), (1025, None), name="S")
    assert "right shape (1025, 44)" in capsys.readouterr().out
    cases = [
        (np.zeros((44, 1025)), (1025, 44), "looks transposed"),
        (np.zeros(1025 * 44), (1025, 44), "number of dimensions"),
        (np.zeros((2050, 22)), (1025, 44), "right number of values"),
        (np.zeros((1025, 40)), (1025, 44), "not the expected shape"),
        (np.zeros((13, 40)), (20, None), "not the expected shape"),
        (None, (3,), "still empty"),
    ]
    for array, shape, diagnosis in cases:
        with pytest.raises(ExerciseError) as info:
            checks.check_shape(array, shape, name="S")
        msg = str(info.value)
        assert diagnosis in msg
        assert str(tuple(shape)) not in msg and not re.search(r"\b(1025, 44|20)\b", msg.replace("(1025, 40)", ""))


def test_scale_detection_ignores_zero_references():
    assert checks.engine._scale_of(np.ones(3), np.zeros(3)) is None
    assert checks.engine._scale_of(2 * np.arange(1.0, 4.0), np.arange(1.0, 4.0)) == pytest.approx(2.0)
    assert checks.engine._scale_of(np.arange(1.0, 4.0), np.arange(1.0, 4.0)) is None  # c = 1 is no mistake


# ----------------------------------------------------------------------------- notebook 09
def _sem(r_s, sigma2):
    r_s = np.asarray(r_s, dtype=float)
    return (sigma2 / r_s[0] - 1) ** 2 + 2 * np.sum((r_s[1:] / r_s[0]) ** 2)


def _adjacency(S):
    A = np.exp(-((S + S.T) / 2) ** 2)
    np.fill_diagonal(A, 0.0)
    return A


def _eigengap(lam, k_max):
    lam = np.asarray(lam, dtype=float)
    return int(np.argmax(lam[1:k_max] - lam[2:k_max + 1])) + 2


def test_segmentation_checks_accept_correct_answers(capsys):
    checks.check_sem_formula(_sem)
    checks.check_adjacency(_adjacency)
    checks.check_eigengap_k(_eigengap)
    assert capsys.readouterr().out.count("✅") == 3


def test_sem_check_rejects_a_missing_factor():
    with pytest.raises(ExerciseError, match="my_sem"):
        checks.check_sem_formula(lambda r, s: (s / r[0] - 1) ** 2 + np.sum((np.asarray(r[1:]) / r[0]) ** 2))


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda S: (lambda A: (np.fill_diagonal(A, 0.0), A)[1])(np.exp(-S ** 2)), "not symmetric"),
    (lambda S: np.exp(-((S + S.T) / 2) ** 2), "diagonal must be 0"),
])
def test_adjacency_check_diagnoses_mistakes(wrong, diagnosis):
    with pytest.raises(ExerciseError, match=diagnosis):
        checks.check_adjacency(wrong)


def test_eigengap_check_rejects_an_off_by_one_answer():
    with pytest.raises(ExerciseError) as info:
        checks.check_eigengap_k(lambda lam, k_max: _eigengap(lam, k_max) - 1)
    assert "my_eigengap_k" in str(info.value) and "λ_k" in str(info.value)


# --------------------------------------------------------------------------- notebook 03
def _n_components(ratios, target):
    return int(np.searchsorted(np.cumsum(ratios), target - 1e-12) + 1)


def _vote(track_ids, predictions):
    from collections import Counter

    groups = {}
    for t, p in zip(track_ids, predictions):
        groups.setdefault(t, []).append(p)
    out = {}
    for t, preds in groups.items():
        counts = Counter(preds)
        best = max(counts.values())
        out[t] = sorted(g for g, c in counts.items() if c == best)[0]
    return out


def test_notebook03_checks_accept_correct_answers(capsys):
    checks.check_n_components(_n_components)
    checks.check_majority_vote(_vote)
    checks.check_majority_vote(lambda t, p: __import__("pandas").Series(_vote(t, p)))
    assert capsys.readouterr().out.count("✅") == 3


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda r, t: _n_components(r, t) - 1, "one too small"),
    (lambda r, t: int(np.argmax(np.cumsum(r) > t)) + 2, "one too large|not right"),
    (lambda r, t: 0.5, "whole number"),
    (lambda r, t: None, "not written"),
])
def test_n_components_check_diagnoses_mistakes(wrong, diagnosis):
    with pytest.raises(ExerciseError, match=diagnosis) as info:
        checks.check_n_components(wrong)
    assert "Hint" in str(info.value) or "whole number" in str(info.value) or "not written" in str(info.value)


def test_majority_vote_check_diagnoses_mistakes():
    from collections import Counter

    first_seen = lambda t, p: {k: Counter([q for s, q in zip(t, p) if s == k]).most_common(1)[0][0] for k in t}
    with pytest.raises(ExerciseError, match="same number of votes"):
        checks.check_majority_vote(first_seen)
    with pytest.raises(ExerciseError, match="wrong genre"):
        checks.check_majority_vote(lambda t, p: {k: p[0] for k in t})
    with pytest.raises(ExerciseError, match="keys"):
        checks.check_majority_vote(lambda t, p: {"?": p[0]})
    with pytest.raises(ExerciseError, match="dict"):
        checks.check_majority_vote(lambda t, p: list(p))


# --------------------------------------------------------------------------- notebooks 06–07 (recurrent networks, CRNN)
def _skip_update(h_gru, h_skip, alpha, t, k):
    return (1 - alpha) * h_gru + alpha * h_skip if t > k else h_gru


def _rnn_params_ok(kind, d, u):
    return (4 if kind == "lstm" else 3) * (u * (d + u) + u)


def _pooled_ok(n, pools):
    for p in pools:
        n //= p
    return n


def test_rnn_and_crnn_checks_accept_right_answers(capsys):
    checks.check_skip_gru_update(_skip_update)
    checks.check_rnn_params(_rnn_params_ok)
    checks.check_rnn_params(lambda kind, d, u: float(_rnn_params_ok(kind, d, u)))  # 2352.0 is fine
    checks.check_conv_params(lambda kh, kw, c, f: f * (kh * kw * c + 1))
    checks.check_pooled_length(_pooled_ok)
    assert capsys.readouterr().out.count("✅") == 5


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda h, s, a, t, k: (1 - a) * h + a * s, "mixed in the skip state"),
    (lambda h, s, a, t, k: h, "skip connection is missing"),
    (lambda h, s, a, t, k: a * h + (1 - a) * s if t > k else h, "swapped"),
    (lambda h, s, a, t, k: h + a * s if t > k else h, "on top of"),
    (lambda h, s, a, t, k: 0.5 * h if t > k else h, "not right"),
    (lambda h, s, a, t, k: (h if t > k else h)[:2], "shape|values"),
    (lambda h, s, a, t, k: None, "not written"),
])
def test_skip_gru_update_check_diagnoses_mistakes(wrong, diagnosis):
    message = _fails(checks.check_skip_gru_update, wrong)
    assert re.search(diagnosis, message), message


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda kind, d, u: _rnn_params_ok(kind, d, u) - (4 if kind == "lstm" else 3) * u, "biases"),
    (lambda kind, d, u: _rnn_params_ok(kind, d, u) + (3 * u if kind == "gru" else 0), "(?s)second bias per gate.*reset_after=True.*standalone Keras before tf.keras 2.*reset_after=False"),
    (lambda kind, d, u: (4 if kind == "lstm" else 3) * (u * d + u), "recurrent weights"),
    (lambda kind, d, u: _rnn_params_ok("lstm", d, u), "number of gates"),
    (lambda kind, d, u: 7, "count is not right"),
    (lambda kind, d, u: 12.5, "whole number"),
    (lambda kind, d, u: True, "whole number"),
    (lambda kind, d, u: ..., "not written"),
])
def test_rnn_params_check_diagnoses_mistakes(wrong, diagnosis):
    message = _fails(checks.check_rnn_params, wrong)
    assert re.search(diagnosis, message), message
    assert "2352" not in message and "119754" not in message


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda kh, kw, c, f: f * kh * kw * c, "biases are missing"),
    (lambda kh, kw, c, f: f * (kh * kw + 1), "input channels"),
    (lambda kh, kw, c, f: c * (kh * kw * f + 1), "per input channel"),
    (lambda kh, kw, c, f: kh + kw + c + f, "not right"),
])
def test_conv_params_check_diagnoses_mistakes(wrong, diagnosis):
    message = _fails(checks.check_conv_params, wrong)
    assert re.search(diagnosis, message), message
    assert "9248" not in message and "2080" not in message


@pytest.mark.parametrize("wrong, diagnosis", [
    (lambda n, pools: -(-n // pools[0]) if len(pools) == 1 else __import__("functools").reduce(lambda a, p: -(-a // p), pools, n),
     "round up"),
    (lambda n, pools: n - sum(pools), "not right"),
    (lambda n, pools: None, "not written"),
])
def test_pooled_length_check_diagnoses_mistakes(wrong, diagnosis):
    message = _fails(checks.check_pooled_length, wrong)
    assert re.search(diagnosis, message), message
    assert "341" not in message and "85 " not in message


# --------------------------------------------------------------------------- notebooks 04–05
def test_dense_params_check_accepts_and_diagnoses(capsys):
    checks.check_dense_params(lambda s: sum(a * b + b for a, b in zip(s[:-1], s[1:])))
    assert "Correct" in capsys.readouterr().out
    assert "biases are missing" in _fails(checks.check_dense_params, lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])))
    assert "output layer" in _fails(checks.check_dense_params,
                                    lambda s: sum((a + 1) * b for a, b in zip(s[:-2], s[1:-1])))
    msg = _fails(checks.check_dense_params, lambda s: 7)
    assert "not right" in msg and "162570" not in msg
    assert "not written" in _fails(checks.check_dense_params, lambda s: ...)


def test_l2_penalty_check(capsys):
    checks.check_l2_penalty(lambda ks, lam: lam * sum(float((k ** 2).sum()) for k in ks))
    assert "Correct" in capsys.readouterr().out
    assert "square root" in _fails(checks.check_l2_penalty,
                                   lambda ks, lam: lam * np.sqrt(sum(float((k ** 2).sum()) for k in ks)))
    assert "L1" in _fails(checks.check_l2_penalty, lambda ks, lam: lam * sum(float(np.abs(k).sum()) for k in ks))
    assert "lam is missing" in _fails(checks.check_l2_penalty, lambda ks, lam: sum(float((k ** 2).sum()) for k in ks))


@pytest.mark.parametrize("factor, diagnosis", [(0.5, "λ/2 · Σw² convention"), (2.0, "exactly twice")])
def test_l2_penalty_check_names_the_factor_two_without_the_answer(factor, diagnosis):
    def l2_penalty(kernels, lam):
        return factor * lam * sum(float((k ** 2).sum()) for k in kernels)

    msg = _fails(checks.check_l2_penalty, l2_penalty)
    assert diagnosis in msg and "`l2_penalty`" in msg and "Hint" in msg
    rng = np.random.default_rng(4)  # the check's first case
    first = [rng.normal(size=(4, 3)), rng.normal(size=(3, 2))]
    assert "lam=0.01" in msg
    _assert_hides(msg, 0.01 * sum(float((k ** 2).sum()) for k in first))
    _assert_hides(msg, l2_penalty(first, 0.01))


def test_conv_output_length_check(capsys):
    checks.check_conv_output_length(lambda n, k, s, p: -(-n // s) if p == "same" else (n - k) // s + 1)
    assert "Correct" in capsys.readouterr().out
    assert "rounds the division up" in _fails(checks.check_conv_output_length,
                                              lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1)
    assert "+ 1" in _fails(checks.check_conv_output_length, lambda n, k, s, p: (n - k) // s)
    assert "not right" in _fails(checks.check_conv_output_length, lambda n, k, s, p: n)


def test_soft_vote_check(capsys):
    def good(ids, proba):
        return {t: int(np.argmax(proba[ids == t].mean(axis=0))) for t in np.unique(ids)}

    def majority(ids, proba):
        return {t: int(np.bincount(np.argmax(proba[ids == t], axis=1)).argmax()) for t in np.unique(ids)}

    checks.check_soft_vote(good)
    assert "Correct" in capsys.readouterr().out
    assert "majority vote" in _fails(checks.check_soft_vote, majority)
    assert "wrong class" in _fails(checks.check_soft_vote, lambda ids, p: {t: 0 for t in np.unique(ids)})
    assert "keys" in _fails(checks.check_soft_vote, lambda ids, p: {"zz": 0})
    assert "dict" in _fails(checks.check_soft_vote, lambda ids, p: [0])


# --------------------------------------------------------------------------- notebook 08
def test_check_top_k_tags(capsys):
    def good(T, names, k):
        return [names[i] for i in np.argsort(-np.asarray(T).mean(axis=0), kind="stable")[:k]]

    checks.check_top_k_tags(good)
    assert "Correct" in capsys.readouterr().out
    assert "order" in _fails(checks.check_top_k_tags, lambda T, n, k: sorted(good(T, n, k)))
    assert "maximum" in _fails(checks.check_top_k_tags,
                               lambda T, n, k: good(np.asarray(T).max(axis=0, keepdims=True), n, k))
    assert "exactly k" in _fails(checks.check_top_k_tags, lambda T, n, k: good(T, n, k + 1))
    assert "most likely" in _fails(checks.check_top_k_tags, lambda T, n, k: list(n[:k])[::-1] if k > 1 else ["x"])
    assert "list" in _fails(checks.check_top_k_tags, lambda T, n, k: 3)


def test_check_nearest_centroid(capsys):
    from sklearn.neighbors import NearestCentroid
    from sklearn.preprocessing import normalize

    def good(X, y, Z):
        classes = np.unique(y)
        C = normalize(np.stack([X[y == c].mean(axis=0) for c in classes]))
        return classes[np.argmax(normalize(Z) @ C.T, axis=1)]

    checks.check_nearest_centroid(good)
    assert "Correct" in capsys.readouterr().out
    euclid = lambda X, y, Z: NearestCentroid().fit(X, y).predict(Z)  # noqa: E731
    assert "Euclidean" in _fails(checks.check_nearest_centroid, euclid)
    assert "wrong" in _fails(checks.check_nearest_centroid, lambda X, y, Z: np.repeat(y[:1], len(Z)))
    assert "shape" in _fails(checks.check_nearest_centroid, lambda X, y, Z: y)

    def my_centroids(X, y, Z):  # the right classifier, returning positions in np.unique(y)
        return np.searchsorted(np.unique(y), good(X, y, Z))

    msg = _fails(checks.check_nearest_centroid, my_centroids)
    assert "`my_centroids` returned the positions of the right genres, not genre labels" in msg
    assert "genre0" not in msg and not re.search(r"\d", msg.split("Hint")[0].replace("my_centroids", ""))
    msg = _fails(checks.check_nearest_centroid, lambda X, y, Z: np.zeros(len(Z), dtype=int))
    assert "returned numbers (positions of genres?), not genre labels" in msg
    as_list = lambda X, y, Z: [int(i) for i in my_centroids(X, y, Z)]  # noqa: E731  a list of Python ints
    assert "returned the positions of the right genres, not genre labels" in _fails(checks.check_nearest_centroid,
                                                                                   as_list)
    as_floats = lambda X, y, Z: my_centroids(X, y, Z).astype(float)  # noqa: E731  np.zeros(n), then filled
    assert "returned the positions of the right genres, not genre labels" in _fails(checks.check_nearest_centroid,
                                                                                   as_floats)


# --------------------------------------------------------------------------- notebook 10
def test_check_ensemble_vote(capsys):
    def good(probas, classes):
        return [classes[i] for i in np.argmax(np.mean(probas, axis=0), axis=1)]

    checks.check_ensemble_vote(good)
    assert "Correct" in capsys.readouterr().out
    most_confident = lambda P, c: [c[i] for i in np.argmax(np.max(P, axis=0), axis=1)]  # noqa: E731
    assert "most confident" in _fails(checks.check_ensemble_vote, most_confident)

    def majority(P, c):
        votes = np.argmax(np.stack(P), axis=2)
        return [c[int(np.bincount(v, minlength=len(c)).argmax())] for v in votes.T]

    assert "majority vote" in _fails(checks.check_ensemble_vote, majority)
    assert "returned 3 genres" in _fails(checks.check_ensemble_vote,
                                         lambda P, c: [c[i] for i in np.argmax(np.mean(P, axis=1), axis=1)])
    assert "not a genre name" in _fails(checks.check_ensemble_vote,
                                        lambda P, c: list(np.argmax(np.mean(P, axis=0), axis=1)))
    assert "wrong genre" in _fails(checks.check_ensemble_vote, lambda P, c: [c[-1]] * len(P[0]))
    assert "one genre name per clip" in _fails(checks.check_ensemble_vote, lambda P, c: 3)


def test_check_fixed_and_broken(capsys):
    def good(y, a, b):
        return int(np.sum((a != y) & (b == y))), int(np.sum((a == y) & (b != y)))

    checks.check_fixed_and_broken(good)
    assert "Correct" in capsys.readouterr().out
    assert "swapped" in _fails(checks.check_fixed_and_broken, lambda y, a, b: good(y, a, b)[::-1])
    assert "right, not the clips that changed" in _fails(checks.check_fixed_and_broken,
                                                          lambda y, a, b: (int(np.sum(b == y)), int(np.sum(a == y))))
    assert "is not right" in _fails(checks.check_fixed_and_broken, lambda y, a, b: (0, 0))
    assert "two whole numbers" in _fails(checks.check_fixed_and_broken, lambda y, a, b: 1)


def _wilson(k, n, *, z=1.96):
    if n < 1 or not 0 <= k <= n:
        raise ValueError(f"need n >= 1 and 0 <= k <= n, got k={k}, n={n}")
    p = k / n
    d = 1 + z * z / n
    centre, half = (p + z * z / (2 * n)) / d, z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, centre - half), min(1.0, centre + half)


def test_check_wilson_interval(capsys):
    from mgc_helpers.evaluation import accuracy_interval

    checks.check_wilson_interval(_wilson)
    assert "Correct" in capsys.readouterr().out
    as_array = lambda k, n, *, z=1.96: np.array(_wilson(k, n, z=z))  # noqa: E731  an array, a list: any pair is fine
    checks.check_wilson_interval(as_array)
    interval = accuracy_interval(34, 40)  # the first case, which the messages below must not give away
    wald = lambda k, n, *, z=1.96: (k / n - z * math.sqrt(k / n * (1 - k / n) / n),  # noqa: E731
                                    k / n + z * math.sqrt(k / n * (1 - k / n) / n))
    msg = _fails(checks.check_wilson_interval, wald)
    assert "For k=34, n=40" in msg and "normal (Wald) interval" in msg
    _assert_hides(msg, [interval.low, interval.high])
    clipped = lambda k, n, *, z=1.96: tuple(float(v) for v in np.clip(wald(k, n, z=z), 0, 1))  # noqa: E731
    assert "normal (Wald) interval" in _fails(checks.check_wilson_interval, clipped)
    assert "percentages" in _fails(checks.check_wilson_interval,
                                   lambda k, n, *, z=1.96: tuple(100 * v for v in _wilson(k, n, z=z)))
    assert "swapped" in _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96: _wilson(k, n, z=z)[::-1])
    msg = _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96: _wilson(k, n))
    assert "For k=7, n=10, z=2.576" in msg and "ignores z" in msg
    msg = _fails(checks.check_wilson_interval, lambda k, n: _wilson(k, n))
    assert "does not take the keyword argument z" in msg and "*, z=1.96" in msg

    def forgot(k, n, *, z=1.96, shift=True, widen=True, divide=True):
        p = k / n
        centre = p + (z * z / (2 * n) if shift else 0.0)
        half = z * np.sqrt(p * (1 - p) / n + (z * z / (4 * n * n) if widen else 0.0))
        d = 1 + z * z / n if divide else 1.0
        return (centre - half) / d, (centre + half) / d

    for term, wrong in (("z²/2n term of the centre", dict(shift=False)),
                        ("z²/4n² term under the square root", dict(widen=False)),
                        ("division by 1 + z²/n", dict(divide=False))):
        msg = _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96, w=wrong: forgot(k, n, z=z, **w))
        assert f"the {term} is missing" in msg, msg
        _assert_hides(msg, [interval.low, interval.high])
    assert "return two numbers (low, high)" in _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96: k / n)
    assert "returned 3 values" in _fails(checks.check_wilson_interval,
                                         lambda k, n, *, z=1.96: (*_wilson(k, n, z=z), k / n))
    assert "NaN" in _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96: (math.nan, math.nan))
    assert "lower bound above the upper" in _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96: (0.9, 0.2))
    assert "outside [0, 1]" in _fails(checks.check_wilson_interval, lambda k, n, *, z=1.96: (-0.5, 0.2))

    # n = 0 and k > n must raise ValueError, not crash or return something
    def unchecked(k, n, *, z=1.96):
        p = k / n
        d = 1 + z * z / n
        centre, half = (p + z * z / (2 * n)) / d, z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
        return max(0.0, centre - half), min(1.0, centre + half)

    msg = _fails(checks.check_wilson_interval, unchecked)
    assert "`unchecked(0, 0)` crashed with ZeroDivisionError" in msg and "raise ValueError" in msg
    nan_at_zero = lambda k, n, *, z=1.96: (np.float64("nan"),) * 2 if n == 0 else _wilson(k, n, z=z)  # noqa: E731
    msg = _fails(checks.check_wilson_interval, nan_at_zero)
    assert "returned (nan, nan)" in msg and "instead of raising an error" in msg and "np.float64" not in msg
    too_many = lambda k, n, *, z=1.96: (1.0, 1.0) if k > n else _wilson(k, n, z=z)  # noqa: E731
    msg = _fails(checks.check_wilson_interval, too_many)
    assert "(5, 3)` returned (1.0, 1.0)" in msg and "more clips right than clips in all" in msg
