"""The segmentation package: one home per job (algorithm, experiment, plots), every public name re-exported."""
from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mgc_helpers import segmentation as sg
from mgc_helpers.segmentation import algorithm, experiment, plots

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "mgc_helpers" / "segmentation"
SUBMODULES = (algorithm, experiment, plots)


def _names_used(text: str, alias: str) -> set[str]:
    return set(re.findall(rf"(?<![\w.]){alias}\.([A-Za-z_]\w*)", text))


def _notebook_code() -> str:
    nb = json.loads((REPO / "notebooks" / "09_spectral_clustering_segmentation.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def _checks_files() -> list[Path]:
    """``mgc_helpers/checks.py`` or, once it is a package, ``mgc_helpers/checks/*.py``."""
    root = REPO / "mgc_helpers"
    files = sorted((root / "checks").glob("*.py")) + ([root / "checks.py"] if (root / "checks.py").is_file() else [])
    assert files, "no checks module"
    return files


def test_every_name_notebook_09_checks_and_the_benchmark_use_is_public_and_reexported():
    code = _notebook_code()
    assert "from mgc_helpers import segmentation as seg" in code
    used = {
        "notebook 09": _names_used(code, "seg") | _names_used(code, r"mgc\.segmentation"),
        "checks": set().union(*(_names_used(f.read_text(encoding="utf-8"), "seg") for f in _checks_files())),
        "benchmark": _names_used((REPO / "benchmarks" / "bench_segmentation.py").read_text(encoding="utf-8"), "sg"),
    }
    assert {"segment", "plot_timeline", "largest_cluster_experiment", "score_tracks"} <= used["notebook 09"]
    assert {"sem_from_autocorrelation", "adjacency", "symmetrize", "eigengap_k"} <= used["checks"]
    for where, names in used.items():
        missing = sorted(n for n in names if n not in sg.__all__ or not hasattr(sg, n))
        assert not missing, f"{where} uses mgc_helpers.segmentation.{missing} which the package does not export"


def test_all_is_accurate_and_each_name_has_one_home():
    homes: dict[str, str] = {}
    for module in SUBMODULES:
        defined = {name for name, obj in vars(module).items() if not name.startswith("_")
                   and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__}
        assert set(module.__all__) == defined, module.__name__
        for name in module.__all__:
            assert name not in homes, f"{name} in {homes.get(name)} and {module.__name__}"
            homes[name] = module.__name__
            assert getattr(sg, name) is getattr(module, name)
    assert sorted(sg.__all__) == sorted(homes) and len(sg.__all__) == len(set(sg.__all__))
    assert homes["segment"].endswith(".algorithm") and homes["Segmentation"].endswith(".algorithm")
    assert homes["score_tracks"].endswith(".experiment") and homes["mds_embedding"].endswith(".plots")
    assert all(homes[n].endswith(".plots") for n in homes if n.startswith("plot_"))


def test_import_stays_light():
    code = ("import sys, mgc_helpers.segmentation as s; s.segment; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=REPO).stdout.split())
    assert "numpy" in loaded and "scipy" in loaded
    heavy = {"matplotlib", "sklearn", "pandas", "librosa", "mir_eval", "joblib", "tensorflow", "keras"}
    assert not heavy & loaded, sorted(heavy & loaded)


def _mgc_imports(path: Path) -> set[str]:
    """``mgc_helpers`` modules imported by ``path`` (top level and inside functions), as absolute names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = "mgc_helpers.segmentation" + (f".{node.module}" if node.module else "")
            elif node.level == 2:
                base = "mgc_helpers" + (f".{node.module}" if node.module else "")
            else:
                base = node.module or ""
            if not base.startswith("mgc_helpers"):
                continue
            subs = [f"{base}.{a.name}" for a in node.names] if base in ("mgc_helpers", "mgc_helpers.segmentation") \
                else [base]
            found.update(subs)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("mgc_helpers"))
    return found


@pytest.mark.parametrize("name, allowed", [
    ("algorithm", set()),
    ("experiment", {"mgc_helpers.segmentation.algorithm", "mgc_helpers.audio", "mgc_helpers.toy",
                    "mgc_helpers.evaluation", "mgc_helpers.classical"}),
    ("plots", {"mgc_helpers.segmentation.algorithm"}),
])
def test_layering_plots_beside_never_inside_the_algorithm(name, allowed):
    imports = _mgc_imports(PACKAGE / f"{name}.py")
    assert imports <= allowed, sorted(imports - allowed)
    assert not any(i.endswith(".plots") for i in imports)


def test_no_private_fold_maker_or_vote_left():
    for module in SUBMODULES:
        assert not {"_artist_folds", "_vote"} & set(vars(module)), module.__name__
