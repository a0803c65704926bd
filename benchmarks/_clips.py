"""The real clip the benchmarks time: a GTZAN excerpt from ``../shared/real_audio``, when that folder is beside the checkout."""
from __future__ import annotations

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def shared_gtzan_clip(sr: int, seconds: float = 30.0) -> tuple[np.ndarray, str] | None:
    """The first GTZAN clip of ``../shared/real_audio/gtzan_samples`` at ``sr``, exactly ``seconds`` long; else None."""
    folder = REPO.parent / "shared" / "real_audio" / "gtzan_samples"
    files = sorted(folder.glob("*.wav")) if folder.is_dir() else []
    if not files:
        return None
    from mgc_helpers import audio

    y, _ = audio.load(files[0], sr=sr, duration=seconds)
    return audio.fix_length(y, sr, seconds=seconds), files[0].name
