"""mgc_helpers.examples: librosa's example recordings, filled offline by hash, and the offline path."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import requests

from mgc_helpers import examples
from mgc_helpers.__main__ import main

CC_MUSIC = ("real_audio", "cc_music")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def cc_music(shared_dir):
    folder = shared_dir.joinpath(*CC_MUSIC)
    if not folder.is_dir():
        pytest.skip(f"{folder} is not there")
    return folder


@pytest.fixture()
def no_network(monkeypatch):
    """Every download fails as it does offline (and is counted)."""
    calls = []

    def refuse(name, folder, table):
        calls.append(name)
        raise requests.exceptions.ConnectionError("Failed to resolve 'librosa.org'")

    monkeypatch.setattr(examples, "_fetch", refuse)
    return calls


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "librosa_data"
    monkeypatch.setenv("LIBROSA_DATA_DIR", str(path))
    return path


def test_registry_and_keys_come_from_librosa():
    table = examples.registry()
    assert set(examples.MUSIC) <= set(examples.keys())
    for key in examples.MUSIC:
        name = examples._file_name(key, False)
        assert name in table and f"{name[:-4]}.hq.ogg" in table
        assert len(table[name]) == 64 and int(table[name], 16) >= 0
    assert examples.describe("brahms") == "Brahms - Hungarian Dance #5"


def test_data_dir_is_read_at_each_call(data_dir, monkeypatch):
    assert examples.data_dir() == data_dir
    monkeypatch.setenv("LIBROSA_DATA_DIR", str(data_dir / "other"))
    assert examples.data_dir() == data_dir / "other"


def test_fill_offline_places_every_shared_file_under_librosas_name(cc_music, data_dir, capsys):
    placed = examples.fill_offline(cc_music)
    table = examples.registry()
    assert len(placed) == len(list(cc_music.iterdir())) == 12
    assert all(p.parent == data_dir for p in placed)
    for p in placed:
        assert _sha(p) == table[p.name]
    names = {p.name for p in placed}
    # two of the six shared recordings are librosa's hq variants: matched by hash, not by name
    assert {"Kevin_MacLeod_-_Vibe_Ace.hq.ogg", "admiralbob77_-_Choice_-_Drum-bass.hq.ogg"} <= names
    assert "Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg" in names
    assert not list(data_dir.glob("*.part")) and not list(data_dir.glob(".*"))
    assert capsys.readouterr().out == ""
    # again: nothing changes, the same list
    assert examples.fill_offline(cc_music) == placed


def test_fill_offline_reports_and_skips_files_that_match_nothing(cc_music, tmp_path, capsys):
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(cc_music / "Brahms_-_Hungarian_Dance_5.ogg", source / "renamed.ogg")
    (source / "stranger.ogg").write_bytes(b"OggS not librosa's")
    target = tmp_path / "target"
    placed = examples.fill_offline(source, target_dir=target)
    assert [p.name for p in placed] == ["Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg"]
    assert sorted(p.name for p in target.iterdir()) == [placed[0].name]
    out = capsys.readouterr().out
    assert "stranger.ogg" in out and "renamed.ogg" not in out and len(out.splitlines()) == 1


def test_fill_offline_replaces_a_corrupt_copy(cc_music, tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    bad = target / "Karissa_Hobbs_-_Lets_Go_Fishin.ogg"
    bad.write_bytes(b"truncated")
    examples.fill_offline(cc_music, target_dir=target)
    assert _sha(bad) == examples.registry()[bad.name]


def test_fill_offline_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no folder of example recordings"):
        examples.fill_offline(tmp_path / "nowhere")


def test_recording_loads_from_the_filled_folder_without_network(cc_music, data_dir, no_network):
    examples.fill_offline(cc_music)
    y, sr = examples.recording("brahms", duration=2.0, offset=1.0)
    assert sr == 22050 and y.dtype == np.float32 and y.shape == (44100,)
    assert 0.001 < float(np.sqrt(np.mean(y ** 2))) < 1.0
    # only the hq variant of vibeace is shared: it is used for hq=False too
    y2, sr2 = examples.recording("vibeace", duration=1.0, sr=16000)
    assert sr2 == 16000 and y2.shape == (16000,)
    assert examples.path("vibeace").name == "Kevin_MacLeod_-_Vibe_Ace.hq.ogg"
    assert no_network == []


def test_recording_offline_says_so_in_one_line_and_returns_none(data_dir, no_network, capsys):
    assert examples.recording("nutcracker", duration=1.0) is None
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1
    assert "'nutcracker'" in out and str(data_dir) in out and "ConnectionError" in out
    assert no_network == ["Kevin_MacLeod_-_P_I_Tchaikovsky_Dance_of_the_Sugar_Plum_Fairy.ogg"]


def test_a_cached_file_with_the_wrong_hash_is_not_used(data_dir, no_network, capsys):
    data_dir.mkdir()
    (data_dir / examples._file_name("fishin", False)).write_bytes(b"not the recording")
    assert examples.path("fishin") is None
    assert no_network == [examples._file_name("fishin", False)]
    assert examples.path("fishin", fetch=False) is None
    assert "not downloading" in capsys.readouterr().out.splitlines()[-1]


def test_real_offline_fetch_returns_none(data_dir, monkeypatch, capsys):
    """The real pooch download, through a proxy on a closed port: offline, never an exception."""
    for key in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(key, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert examples.recording("pistachio") is None
    assert "'pistachio'" in capsys.readouterr().out


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown example 'bach'.*brahms.*nutcracker"):
        examples.recording("bach")
    with pytest.raises(ValueError, match="duration"):
        examples.recording("brahms", duration=0)
    with pytest.raises(ValueError, match="offset"):
        examples.recording("brahms", offset=-1.0)


def test_command_line(cc_music, tmp_path, data_dir, no_network, capsys):
    target = tmp_path / "t"
    assert main(["examples", "--from", str(cc_music), "--target", str(target)]) == 0
    assert "12 example file(s)" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["examples", "--from", str(empty), "--target", str(target)]) == 1
    assert main(["examples", "--from", str(tmp_path / "nowhere")]) == 2
    assert main(["examples", "--keys", "brahms"]) == 1  # offline, nothing cached in data_dir
    assert main(["examples", "--keys", "bach"]) == 2
    assert main(["examples", "--keys", "brahms,choice", "--target", str(target)]) == 0
    assert "2 of 2" in capsys.readouterr().out


def test_librosa_ex_finds_what_fill_offline_placed(cc_music, tmp_path):
    target = tmp_path / "librosa_data"
    examples.fill_offline(cc_music, target_dir=target)
    env = {**os.environ, "LIBROSA_DATA_DIR": str(target), "https_proxy": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9"}
    proc = subprocess.run([sys.executable, "-c", "import librosa; print(librosa.ex('brahms'))"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(target / examples._file_name("brahms", False))
