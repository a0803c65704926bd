"""The table of remote files the course can download: addresses, mirrors, hashes, sizes.

Used from notebook 03 on (:func:`mgc_helpers.datasets.download`). This is the only
place that names download addresses. Every file has one *canonical* hash; a mirror
that is known to serve a different (but acceptable) copy lists its own hash
explicitly in :attr:`Mirror.known_hash`. Nothing here downloads anything.

Hashes are written the way :mod:`pooch` writes them: ``"sha256:<hex>"`` or
``"sha1:<hex>"``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

__all__ = ["Mirror", "Remote", "REMOTES", "DATASET_FILES", "GTZAN_SPLIT_BASE", "human_size", "with_mirrors"]


@dataclass(frozen=True)
class Mirror:
    """One address that serves a remote file.

    Used from notebook 03 on.

    Attributes
    ----------
    url : str
        Download address.
    known_hash : str or None
        Hash of *this mirror's* copy when it is known to differ from the canonical
        one (``None``: the mirror must serve the canonical file).
    note : str
        Why the mirror is listed, shown to the user.
    """

    url: str
    known_hash: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Remote:
    """A file the course can download.

    Used from notebook 03 on.

    Attributes
    ----------
    filename : str
        Name of the file once downloaded.
    known_hash : str
        Canonical hash (``"sha256:..."`` or ``"sha1:..."``); never skipped.
    size : int
        Size in bytes (approximate for the big archives; announced before downloading).
    mirrors : tuple of Mirror
        Addresses, tried in order.
    description : str
        One line for the user.
    target : str
        Where it goes, relative to the data root (``$MGC_DATA_DIR``): the folder a
        plain file is saved in, or the folder an archive is extracted to.
    archive : bool
        Whether the file is an archive (extracted after verification, then deleted
        unless asked to keep it).
    """

    filename: str
    known_hash: str
    size: int
    mirrors: tuple[Mirror, ...] = field(default_factory=tuple)
    description: str = ""
    target: str = "downloads"
    archive: bool = False

    def hash_for(self, mirror: Mirror) -> str:
        """The hash a download from ``mirror`` must have."""
        return mirror.known_hash or self.known_hash


def human_size(n_bytes: float) -> str:
    """``1.2 GB``-style size (powers of 1000, like the dataset pages).

    Used from notebook 03 on.
    """
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n_bytes) < 1000 or unit == "TB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000.0
    raise AssertionError("unreachable")  # pragma: no cover


#: Commit of Corey Kereliuk's ``dnn-mgr`` repository that holds the fault-filtered GTZAN split lists.
GTZAN_SPLIT_BASE = (
    "https://raw.githubusercontent.com/coreyker/dnn-mgr/bdad579ea6cb37b665ea6019fe1026a6ce20cbc7/gtzan/"
)
_FMA = "https://os.unil.cloud.switch.ch/fma/"


def _split_list(name: str, sha256: str, size: int) -> Remote:
    return Remote(
        filename=f"{name}_filtered.txt",
        known_hash=f"sha256:{sha256}",
        size=size,
        mirrors=(Mirror(GTZAN_SPLIT_BASE + f"{name}_filtered.txt", note="Kereliuk & Sturm, dnn-mgr on GitHub"),),
        description=f"GTZAN fault-filtered artist-disjoint split: {name} list",
        target="gtzan/splits",
    )


#: Every downloadable file, by key.
REMOTES: dict[str, Remote] = {
    "gtzan_audio": Remote(
        filename="genres.tar.gz",
        known_hash="sha256:24347e0223d2ba798e0a558c4c172d9d4a19c00bb7963fe055d183dadb4ef2c6",
        size=1_225_000_000,
        mirrors=(
            Mirror(
                "https://huggingface.co/datasets/marsyas/gtzan/resolve/main/data/genres.tar.gz",
                note="Hugging Face copy: fast; believed identical to the original, verified on every download",
            ),
            Mirror(
                "https://web.archive.org/web/20220328223413/http://opihi.cs.uvic.ca/sound/genres.tar.gz",
                note="Internet Archive copy of the original (dead) host opihi.cs.uvic.ca: slow but the original",
            ),
        ),
        description="GTZAN genre collection (Tzanetakis & Cook 2002): 1000 clips of 30 s, .au files",
        target="gtzan/genres",
        archive=True,
    ),
    "gtzan_train": _split_list("train", "2b04966cef1486f1a7767b74271533fa23e220388db804a1937835e1fc4fa3fa", 10152),
    "gtzan_valid": _split_list("valid", "f8fbee7c52397a0e0f3a91dc54fedecb2e27f5bdc9a9daeab8cb10d077e26956", 4522),
    "gtzan_test": _split_list("test", "09cafa6a89ce0a27f30ed250d56ecb4d03c22fffb5a693f96c7ae655ee02ac72", 6616),
    "fma_metadata": Remote(
        filename="fma_metadata.zip",
        known_hash="sha1:f0df49ffe5f2a6008d7dc83c6915b31835dfe733",
        size=358_000_000,
        mirrors=(Mirror(_FMA + "fma_metadata.zip", note="FMA's own host (EPFL / SWITCH)"),),
        description="FMA metadata: tracks.csv (labels, artists, official split), genres.csv, features",
        target="fma_metadata",
        archive=True,
    ),
    "fma_small": Remote(
        filename="fma_small.zip",
        known_hash="sha1:ade154f733639d52e35e32f5593efe5be76c6d70",
        size=7_730_000_000,  # 7.2 GiB
        mirrors=(Mirror(_FMA + "fma_small.zip", note="FMA's own host (EPFL / SWITCH)"),),
        description="FMA small: 8000 clips of 30 s, 8 balanced genres, MP3",
        target="fma_small",
        archive=True,
    ),
    "fma_medium": Remote(
        filename="fma_medium.zip",
        known_hash="sha1:c67b69ea232021025fca9231fc1c7c1a063ab50b",
        size=23_620_000_000,  # 22 GiB
        mirrors=(Mirror(_FMA + "fma_medium.zip", note="FMA's own host (EPFL / SWITCH)"),),
        description="FMA medium: 25000 clips of 30 s, 16 unbalanced genres, MP3",
        target="fma_medium",
        archive=True,
    ),
}

#: Which remote files each downloadable dataset needs (split lists and metadata first: they are small).
DATASET_FILES: dict[str, tuple[str, ...]] = {
    "gtzan": ("gtzan_train", "gtzan_valid", "gtzan_test", "gtzan_audio"),
    "gtzan_splits": ("gtzan_train", "gtzan_valid", "gtzan_test"),
    "fma_metadata": ("fma_metadata",),
    "fma_small": ("fma_metadata", "fma_small"),
    "fma_medium": ("fma_metadata", "fma_medium"),
}


def with_mirrors(remotes: Mapping[str, Remote], key: str, *urls: str) -> dict[str, Remote]:
    """A copy of ``remotes`` where ``key`` is served by ``urls`` first (e.g. a local mirror).

    Used from notebook 03 on (a classroom can put the archives on its own server).

    Parameters
    ----------
    remotes : mapping
        A table like :data:`REMOTES`.
    key : str
        Which file.
    *urls : str
        Extra addresses, tried before the listed mirrors; they must serve the canonical file.

    Returns
    -------
    dict
        The new table.
    """
    table = dict(remotes)
    remote = table[key]
    extra = tuple(Mirror(u, note="user-supplied mirror") for u in urls)
    table[key] = replace(remote, mirrors=extra + remote.mirrors)
    return table
