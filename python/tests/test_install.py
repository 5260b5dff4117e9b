"""`make install-python` (cmake --install --component python) gives a package /usr/bin/python3 imports."""

import os
import pathlib
import subprocess

import pytest


def test_installed_package_imports_and_runs(tmp_path):
    build, site = os.environ.get("WAVETWIN_BUILD_DIR"), os.environ.get("WAVETWIN_PYTHON_SITE")
    if not build or not site:
        pytest.skip("WAVETWIN_BUILD_DIR and WAVETWIN_PYTHON_SITE are not set; ctest sets them")
    # DESTDIR stages the install under tmp_path instead of the real site-packages.
    subprocess.run(["cmake", "--install", build, "--component", "python"], env={**os.environ, "DESTDIR": str(tmp_path)},
                   check=True, capture_output=True)
    staged = tmp_path / pathlib.Path(site).relative_to("/")
    script = "import torch, wavetwin; print(wavetwin.__file__); print(wavetwin.DtCwpt2d(1)(torch.zeros(1, 1, 16, 16)).shape[1])"
    done = subprocess.run(["/usr/bin/python3", "-c", script], env={"PYTHONPATH": str(staged), "PATH": os.environ["PATH"]},
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    location, channels = done.stdout.split()
    assert location.startswith(str(staged)) and channels == "16"
