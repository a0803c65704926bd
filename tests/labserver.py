"""Start a headless JupyterLab on 127.0.0.1 for the tests (tests/test_lab.py, tests/e2e/).

``with running_lab(notebook_dir, tmp_path) as lab: ...`` starts ``python -m jupyterlab`` with the
interpreter running the tests (so its ``python3`` kernel is this venv's Python), on a free port with a
random token, its runtime and config folders inside ``tmp_path`` (no user settings, no saved
workspace), waits until ``/api/contents`` answers and stops the server afterwards. ``settings`` are
written as JupyterLab user settings first (``{"@jupyterlab/notebook-extension:tracker": {...}}``).
The server's output goes to ``lab.log`` for the failure message.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its base URL, token, process and log file."""

    port: int
    token: str
    proc: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """``path`` on the server with the token as query parameter."""
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path: str, timeout: float = 5) -> Any:
        """GET ``/api/<path>`` as JSON."""
        with urllib.request.urlopen(self.url(f"api/{path}"), timeout=timeout) as resp:
            return json.load(resp)

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


def _write_settings(config_dir: Path, settings: Mapping[str, Mapping[str, Any]]) -> None:
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.split(":")
        path = config_dir / "lab" / "user-settings" / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def running_lab(notebook_dir: Path, tmp_path: Path, *, timeout: float = 60,
                settings: Mapping[str, Mapping[str, Any]] | None = None,
                env: Mapping[str, str | None] | None = None, python: str | None = None,
                classic: bool = False) -> Iterator[Lab]:
    """Run JupyterLab serving ``notebook_dir`` until the ``with`` block ends.

    ``env`` is added to this process' environment for the server and its kernels; a ``None`` value
    removes that variable. ``python`` runs the server (and so its ``python3`` kernel) from another
    environment; ``classic=True`` starts the classic Notebook 6 server instead of JupyterLab
    (tests/e2e/test_ipywidgets7.py: the front end of ipywidgets 7)."""
    port, token = free_port(), secrets.token_hex(16)
    runtime, config = tmp_path / "lab-runtime", tmp_path / "lab-config"
    _write_settings(config, settings or {})
    app, token_option = ("notebook", "NotebookApp.token") if classic else ("jupyterlab", "IdentityProvider.token")
    cmd = [
        python or sys.executable, "-m", app, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--{token_option}={token}", f"--notebook-dir={notebook_dir}", "--allow-root",
    ]
    full_env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(config)}
    if classic:  # no user kernelspec or nbextension from the home folder: only the other environment's own
        full_env["JUPYTER_DATA_DIR"] = str(tmp_path / "lab-data")
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=notebook_dir, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    lab = Lab(port=port, token=token, proc=proc, log=log)
    try:
        deadline = time.time() + timeout
        while True:
            try:
                lab.api("contents", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(f"jupyter lab exited early:\n{lab.log_tail()}") from None
                if time.time() > deadline:
                    raise AssertionError(f"JupyterLab did not answer within {timeout:.0f} s:\n{lab.log_tail()}") from None
                time.sleep(0.5)
        yield lab
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
