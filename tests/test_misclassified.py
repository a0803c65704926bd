"""Listening to a mistake: the most confident misclassified test clip (evaluation, notebooks 03-07)."""
from __future__ import annotations

import numpy as np
import pytest

from mgc_helpers import evaluation


def _scores():
    return {"track_id_clip": np.array(["t0", "t1", "t2", "t3"]),
            "y_true_clip": np.array(["a", "b", "a", "c"]),
            "y_pred_clip": np.array(["a", "a", "c", "c"]),
            "proba_clip": np.array([[.9, .05, .05], [.6, .3, .1], [.2, .1, .7], [.1, .1, .8]])}


def test_misclassified_clip_is_the_most_confident_mistake(tmp_path):
    import pandas as pd

    tracks = pd.DataFrame({"track_id": ["t0", "t1", "t2", "t3"], "path": [str(tmp_path / f"{t}.wav") for t in "0123"]})
    first = evaluation.misclassified_clip(_scores(), tracks)
    assert first == {"track_id": "t2", "path": str(tmp_path / "2.wav"), "true": "a", "predicted": "c",
                     "confidence": 0.7}
    assert evaluation.misclassified_clip(_scores(), tracks, rank=1)["track_id"] == "t1"
    assert evaluation.misclassified_clip(_scores(), tracks, rank=2) is None
    with pytest.raises(KeyError, match="not in the tracks table"):
        evaluation.misclassified_clip(_scores(), tracks[tracks["track_id"] != "t2"])


def test_play_misclassified_loads_the_clip_and_says_which(tmp_path, capsys):
    import pandas as pd
    import soundfile as sf

    sr = 22050
    for t in "0123":
        sf.write(tmp_path / f"{t}.wav", 0.1 * np.sin(np.arange(2 * sr) / 10.0), sr)
    tracks = pd.DataFrame({"track_id": ["t0", "t1", "t2", "t3"], "path": [str(tmp_path / f"{t}.wav") for t in "0123"]})
    player = evaluation.play_misclassified(_scores(), tracks, seconds=1.0)
    out = capsys.readouterr().out
    assert "t2: a a clip classified as c" in out and "first 1 s" in out
    assert player is not None and type(player).__name__ == "Audio" and player.data[:4] == b"RIFF"  # a WAV of the clip
    right = dict(_scores(), y_pred_clip=_scores()["y_true_clip"])
    assert evaluation.play_misclassified(right, tracks) is None
    assert "every test clip is classified correctly" in capsys.readouterr().out
