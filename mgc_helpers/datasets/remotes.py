"""The table of remote files the course can download: addresses, mirrors, hashes, sizes.

Used from notebook 03 on (:func:`mgc_helpers.datasets.download`). This is the only
place that names download addresses. Nothing here downloads anything.

How every copy is verified
--------------------------
Every file has one *canonical* hash (:attr:`Remote.known_hash`) and says where it
comes from (:attr:`Remote.hash_source`). A mirror is in exactly one of three states:

* it serves the canonical file (``Mirror.known_hash is None``): checked against the
  canonical hash;
* it serves its own copy whose hash is known (``Mirror.known_hash`` set, with
  ``Mirror.hash_source``): checked against that hash;
* it serves a copy whose hash cannot be known offline: it is listed in
  :attr:`Remote.unverified` and **never tried** by :func:`mgc_helpers.datasets.download`
  (checking it against the canonical hash would fail after the whole transfer, and the
  student would download the file twice). Add it, with the hash of its copy, through
  :func:`with_mirror` to use it.

GTZAN is the case in point: the canonical hash is torchaudio's published sha256 of the
original ``genres.tar.gz`` (``.au`` files, opihi.cs.uvic.ca, kept by the Internet
Archive). The Hugging Face copy holds ``.wav`` files and macOS ``._*`` files: it is a
different file, whose hash is shown on its Hugging Face page but is not recorded here.
:meth:`Remote.provenance` says, per mirror, which copy was verified how.

Hashes are written the way :mod:`pooch` writes them: ``"sha256:<hex>"`` or
``"sha1:<hex>"``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

__all__ = [
    "Mirror", "Remote", "REMOTES", "DATASET_FILES", "GTZAN_SPLIT_BASE", "HF_GTZAN_URL",
    "human_size", "with_mirrors", "with_mirror",
]


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
    hash_source : str
        Where ``known_hash`` comes from (give it whenever ``known_hash`` is set: a
        hash is recorded, never guessed).
    """

    url: str
    known_hash: str | None = None
    note: str = ""
    hash_source: str = ""


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
    hash_source : str
        Where the canonical hash comes from.
    unverified : tuple of Mirror
        Mirrors whose copy's hash is not known offline: shown, never tried (see the
        module docstring; :func:`with_mirror` adds one with its hash).
    """

    filename: str
    known_hash: str
    size: int
    mirrors: tuple[Mirror, ...] = field(default_factory=tuple)
    description: str = ""
    target: str = "downloads"
    archive: bool = False
    hash_source: str = ""
    unverified: tuple[Mirror, ...] = field(default_factory=tuple)

    def hash_for(self, mirror: Mirror) -> str:
        """The hash a download from ``mirror`` must have."""
        return mirror.known_hash or self.known_hash

    def provenance(self, mirror: Mirror) -> dict[str, str]:
        """Which copy a download from ``mirror`` is and how it was verified (for the download marker).

        Used from notebook 03 on (``.mgc_download.json`` in an extracted dataset).

        Returns
        -------
        dict
            ``file, url, hash, copy, hash_source``.
        """
        own = mirror.known_hash is not None
        return {
            "file": self.filename,
            "url": mirror.url,
            "hash": self.hash_for(mirror),
            "copy": "this mirror's own copy" if own else "the canonical file",
            "hash_source": (mirror.hash_source if own else self.hash_source) or "not recorded",
        }


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


#: The Hugging Face copy of GTZAN (``.wav`` + macOS ``._*`` files; its hash is not recorded here).
HF_GTZAN_URL = "https://huggingface.co/datasets/marsyas/gtzan/resolve/main/data/genres.tar.gz"
_FMA_HASHES = "sha1 published in FMA's README (github.com/mdeff/fma)"


def _split_list(name: str, sha256: str, size: int) -> Remote:
    return Remote(
        hash_source="sha256 of the list at dnn-mgr commit bdad579 (the commit in the address)",
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
        hash_source="torchaudio's published sha256 of http://opihi.cs.uvic.ca/sound/genres.tar.gz (the original)",
        mirrors=(
            Mirror(
                "https://web.archive.org/web/20220328223413/http://opihi.cs.uvic.ca/sound/genres.tar.gz",
                note="Internet Archive copy of the original (dead) host opihi.cs.uvic.ca: slow but the original",
            ),
        ),
        unverified=(
            Mirror(
                HF_GTZAN_URL,
                note="Hugging Face copy: fast, but a different file (.wav clips and macOS ._ files, not the "
                     "original .au archive) whose sha256 is not recorded here; to use it, read the sha256 on its "
                     "Hugging Face file page and add it with remotes.with_mirror(REMOTES, 'gtzan_audio', "
                     "remotes.HF_GTZAN_URL, known_hash='sha256:...', hash_source='Hugging Face file page')",
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
        hash_source=_FMA_HASHES,
        mirrors=(Mirror(_FMA + "fma_metadata.zip", note="FMA's own host (EPFL / SWITCH)"),),
        description="FMA metadata: tracks.csv (labels, artists, official split), genres.csv, features",
        target="fma_metadata",
        archive=True,
    ),
    "fma_small": Remote(
        filename="fma_small.zip",
        known_hash="sha1:ade154f733639d52e35e32f5593efe5be76c6d70",
        size=7_730_000_000,  # 7.2 GiB
        hash_source=_FMA_HASHES,
        mirrors=(Mirror(_FMA + "fma_small.zip", note="FMA's own host (EPFL / SWITCH)"),),
        description="FMA small: 8000 clips of 30 s, 8 balanced genres, MP3",
        target="fma_small",
        archive=True,
    ),
    "fma_medium": Remote(
        filename="fma_medium.zip",
        known_hash="sha1:c67b69ea232021025fca9231fc1c7c1a063ab50b",
        size=23_620_000_000,  # 22 GiB
        hash_source=_FMA_HASHES,
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


def with_mirror(
    remotes: Mapping[str, Remote],
    key: str,
    url: str,
    *,
    known_hash: str | None = None,
    hash_source: str = "",
    note: str = "user-supplied mirror",
    size: int | None = None,
    only: bool = False,
) -> dict[str, Remote]:
    """A copy of ``remotes`` where ``key`` is served by ``url`` first, optionally with its own copy's hash.

    Used from notebook 03 on (a classroom mirror; the Hugging Face copy of GTZAN with
    the hash its page shows; the rehearsal archives of
    :mod:`mgc_helpers.datasets.rehearsal`, which are served with their own hashes).

    Parameters
    ----------
    remotes : mapping
        A table like :data:`REMOTES`.
    key : str
        Which file.
    url : str
        The mirror's address.
    known_hash : str, optional, keyword-only
        Hash of the copy this mirror serves (``"sha256:..."``) when it is not the
        canonical file; ``None``: it must serve the canonical file.
    hash_source : str, keyword-only
        Where ``known_hash`` comes from (required with it).
    note : str, keyword-only
        Shown to the user when the mirror is tried.
    size : int, optional, keyword-only
        Size of this copy in bytes (announced and used for the disk-space check).
    only : bool, keyword-only
        Drop the other mirrors (a rehearsal must never reach the real hosts).

    Returns
    -------
    dict
        The new table (``remotes`` is not changed).
    """
    table = dict(remotes)
    if key not in table:
        raise KeyError(f"no remote file {key!r}; choose one of {sorted(table)}")
    remote = table[key]
    mirror = Mirror(url, known_hash=known_hash, note=note, hash_source=hash_source)
    mirrors = (mirror,) if only else (mirror,) + tuple(m for m in remote.mirrors if m.url != url)
    unverified = () if only else tuple(m for m in remote.unverified if m.url != url)
    table[key] = replace(remote, mirrors=mirrors, unverified=unverified,
                         size=remote.size if size is None else int(size))
    return table
