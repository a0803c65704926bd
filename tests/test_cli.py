from __future__ import annotations

import subprocess
import sys

import pandas as pd

from mgc_helpers.__main__ import main


def test_info_prints_locations(capsys, isolated_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "toy").mkdir(parents=True)
    (tmp_path / "data" / "toy" / "a.bin").write_bytes(b"0" * 2_000_000)
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "data") in out and str(isolated_cache) in out
    assert "toy" in out and "2.0 MB" in out


def test_toy_command_generates_the_dataset(tmp_path, monkeypatch, capsys):
    import mgc_helpers.toy as toy

    calls = []

    def fake_ensure(root):
        calls.append(root)
        return pd.DataFrame({"track_id": ["a", "b"]})

    monkeypatch.setattr(toy, "ensure_toy_dataset", fake_ensure)
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "metadata.csv").write_text("x")
    assert main(["toy", "--root", str(tmp_path / "toy"), "--force"]) == 0
    assert calls == [tmp_path / "toy"] and not (tmp_path / "toy" / "metadata.csv").exists()
    assert "2 tracks" in capsys.readouterr().out


def test_module_entry_point_help():
    out = subprocess.run([sys.executable, "-m", "mgc_helpers", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "toy" in out.stdout and "warm" in out.stdout
