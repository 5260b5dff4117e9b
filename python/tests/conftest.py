"""Shared fixtures of the Python suite: the repository paths and the oracles of tests/oracles."""

import os
import pathlib
import sys

import pytest
import torch

SOURCE_DIR = pathlib.Path(os.environ.get("WAVETWIN_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(SOURCE_DIR / "tests" / "oracles"))


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)
    torch.set_num_threads(2)
