"""`make lab` starts JupyterLab: check that a headless server answers on localhost."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jupyterlab_answers_on_localhost(tmp_path):
    port, token = _free_port(), secrets.token_hex(8)
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", "--notebook-dir=notebooks", "--allow-root",
    ]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status, deadline = None, time.time() + 60
        while time.time() < deadline and status is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents?token={token}"
                with urllib.request.urlopen(url, timeout=2) as resp:
                    status = json.load(resp)
            except OSError:
                assert proc.poll() is None, "jupyter lab exited early"
                time.sleep(0.5)
        assert status is not None, "JupyterLab did not answer within 60 s"
        names = {item["name"] for item in status["content"]}
        assert "01_audio_basics_fourier.ipynb" in names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5) as resp:
            assert resp.status == 200 and b"JupyterLab" in resp.read()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
