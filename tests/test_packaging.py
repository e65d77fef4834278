"""The built wheel carries the bundled model and works from a non-editable install."""

import os
import subprocess
import sys
import zipfile

import pytest

from clientflags.model import BUNDLED_MODEL
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (path,) = out.glob("clientflags-*.whl")
    return path


def test_wheel_contains_the_model_and_nothing_else(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for required in (
        f"clientflags/resources/model/{BUNDLED_MODEL}.joblib",
        f"clientflags/resources/model/{BUNDLED_MODEL}.json",
        "clientflags/py.typed",
        "clientflags/cli.py",
    ):
        assert required in names
    assert not [n for n in names if n.startswith(("tests/", "data/", "models/", "notebooks/"))]


def test_installed_wheel_classifies_from_another_directory(wheel, tmp_path):
    # A real (non-editable) install of the wheel into its own folder, first on the path; the
    # dependencies come from the running environment.
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    code = "import clientflags; r = clientflags.classify('Bonjour'); print(clientflags.__file__, len(r.scores))"
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(target)) and done.stdout.strip().endswith(" 10")
