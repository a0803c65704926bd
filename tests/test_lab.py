"""`make lab` starts JupyterLab: check that a headless server answers on localhost."""
from __future__ import annotations

import urllib.request
from pathlib import Path

from labserver import running_lab

REPO = Path(__file__).resolve().parents[1]


def test_jupyterlab_answers_on_localhost(tmp_path):
    with running_lab(REPO / "notebooks", tmp_path) as lab:
        names = {item["name"] for item in lab.api("contents")["content"]}
        assert "01_audio_basics_fourier.ipynb" in names
        with urllib.request.urlopen(lab.url("lab"), timeout=5) as resp:
            assert resp.status == 200 and b"JupyterLab" in resp.read()
