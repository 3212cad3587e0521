"""The add-on is a Python package built with whool: build its wheel and check what it holds.

Plain pytest, no Odoo and no database.  Inside a git repository whool puts into the
wheel only the files git tracks (`git ls-files`): a file the manifest lists but nobody
has `git add`-ed is left out, and an Odoo installed from that wheel cannot load the
module.  The wheel is built from the working tree, exactly as `pip install
./credit_management` would build it now.
"""

import ast
import re
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDON_NAME = "credit_management"
ADDON = ROOT / ADDON_NAME
DIST_NAME = "odoo-addon-credit_management"
ODOO_REQUIREMENT = "odoo==19.0.*"
PREFIX = f"odoo/addons/{ADDON_NAME}/"
ARTEFACTS = ("build", "dist", "*.egg-info")


# These tests need no Odoo.  When the pytest-odoo plugin is loaded (as in `make test`),
# these no-op fixtures replace, for this module only, its autouse session fixtures that
# load the registry from the database and start the HTTP server.
@pytest.fixture(scope="session")
def load_registry():
    yield


@pytest.fixture(scope="session")
def load_http():
    yield


def _manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def _artefacts():
    return {
        path for folder in (ROOT, ADDON) for pattern in ARTEFACTS for path in folder.glob(pattern)
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """(names of the files in the wheel, headers of its METADATA)"""
    outdir = tmp_path_factory.mktemp("dist")
    before = _artefacts()
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir)]
        + [str(ADDON)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        "building the wheel failed (whool and build come from requirements.txt):\n"
        + result.stdout
        + result.stderr
    )
    left = _artefacts() - before
    assert not left, f"building the wheel left build artefacts in the source tree: {left}"
    wheels = list(outdir.glob("*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as archive:
        names = set(archive.namelist())
        metadata_files = [name for name in names if name.endswith(".dist-info/METADATA")]
        assert len(metadata_files) == 1, metadata_files
        metadata = HeaderParser().parsestr(archive.read(metadata_files[0]).decode("utf-8"))
    return names, metadata


def _assert_in_wheel(names, paths):
    """paths: relative to the add-on."""
    missing = [path for path in paths if PREFIX + path not in names]
    assert not missing, (
        f"not in the wheel: {missing}. whool packages only the files git tracks; "
        "if they are new, run: git add " + " ".join(f"{ADDON_NAME}/{path}" for path in missing)
    )


def test_distribution_name_version_and_requirements(wheel):
    _names, metadata = wheel
    manifest = _manifest()
    assert metadata["Name"] == DIST_NAME
    # whool takes the manifest's version and, with the Odoo 19.0 strategy, appends .N
    # when the add-on has commits or uncommitted changes since the version last changed.
    assert re.fullmatch(re.escape(manifest["version"]) + r"(\.\d+)?", metadata["Version"]), (
        metadata["Version"]
    )
    requires = metadata.get_all("Requires-Dist") or []
    assert ODOO_REQUIREMENT in requires, requires
    # Odoo's own add-ons (account, sale_management...) are not requirements; the
    # manifest's Python external dependencies are.
    required_names = {re.split(r"[ ;<>=!~\[]", require)[0].lower() for require in requires}
    python_dependencies = manifest.get("external_dependencies", {}).get("python", [])
    assert {name.lower() for name in python_dependencies} <= required_names, requires


def test_manifest_and_python_package(wheel):
    names, _metadata = wheel
    _assert_in_wheel(names, ["__manifest__.py", "__init__.py"])
    assert PREFIX + "pyproject.toml" not in names
    assert not [name for name in names if name.endswith(".pyc")]


def test_every_data_and_demo_file(wheel):
    names, _metadata = wheel
    manifest = _manifest()
    listed = [*manifest.get("data", []), *manifest.get("demo", [])]
    assert "security/ir.model.access.csv" in listed
    absent = [path for path in listed if not (ADDON / path).is_file()]
    assert not absent, f"the manifest lists files that do not exist: {absent}"
    _assert_in_wheel(names, listed)


def test_translations(wheel):
    names, _metadata = wheel
    translations = sorted(path.relative_to(ADDON).as_posix() for path in ADDON.glob("i18n/*.po*"))
    _assert_in_wheel(names, translations)
