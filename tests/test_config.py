from __future__ import annotations

from pathlib import Path

from mgc_helpers import config

REPO = Path(__file__).resolve().parents[1]


def test_repo_root_is_this_checkout():
    assert config.repo_root() == REPO


def test_defaults_live_in_the_repository(monkeypatch):
    monkeypatch.delenv("MGC_DATA_DIR", raising=False)
    monkeypatch.delenv("MGC_CACHE_DIR", raising=False)
    assert config.data_root() == REPO / "data"
    assert config.toy_root() == REPO / "data" / "toy"
    assert config.cache_root() == REPO / ".cache"


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "c"))
    assert config.data_root() == tmp_path / "d"
    assert config.toy_root() == tmp_path / "d" / "toy"
    assert config.cache_root() == tmp_path / "c" and (tmp_path / "c").is_dir()


def test_outside_a_checkout_defaults_to_home(monkeypatch, tmp_path):
    monkeypatch.delenv("MGC_DATA_DIR", raising=False)
    monkeypatch.delenv("MGC_CACHE_DIR", raising=False)
    monkeypatch.setattr(config, "_PACKAGE_DIR", tmp_path / "site-packages" / "mgc_helpers")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config.repo_root() is None
    assert config.data_root() == tmp_path / "home" / "mgc_data"
    assert config.cache_root() == tmp_path / "home" / ".cache" / "mgc_helpers"


def test_urls_are_built_from_one_repository_name():
    nb = "01_audio_basics_fourier.ipynb"
    assert config.REPOSITORY_URL == f"https://github.com/{config.GITHUB_REPOSITORY}"
    assert config.colab_url(nb) == (
        f"https://colab.research.google.com/github/{config.GITHUB_REPOSITORY}/blob/main/notebooks/{nb}"
    )
    assert config.binder_url().endswith(f"/gh/{config.GITHUB_REPOSITORY}/main")
    assert config.binder_url(nb).endswith(f"labpath=notebooks%2F{nb}")
    setup = config.colab_setup_source()
    assert config.pip_install_spec() in setup and '"google.colab" in sys.modules' in setup
    compile(setup.replace("%pip", "pass  #"), "<setup>", "exec")
