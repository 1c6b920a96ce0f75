"""Shared test set-up: quiet pyo, private settings and data folders, and a place for artifacts."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("PYO_GUI_WX", "0")
os.environ.setdefault("JACK_NO_START_SERVER", "1")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(autouse=True)
def private_config_dir(tmp_path, monkeypatch):
    """Each test gets its own settings folder, so no test reads or writes the user's."""
    monkeypatch.setenv("WARD_STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))  # beats and takes


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(items):
    """Tests under tests/jack start a real JACK server and count its xruns: they are marked
    "jack", and make test runs them on their own, after the rest has run in parallel."""
    jack_folder = Path(__file__).resolve().parent / "jack"
    for item in items:
        if jack_folder in item.path.parents:
            item.add_marker(pytest.mark.jack)


def pytest_runtest_teardown(item, nextitem):
    """After each test file: collect its garbage, then freeze what is left (gc.freeze) so later
    collections do not walk it again. A Kivy screen made by a test is not always released (Kivy
    keeps some widgets reachable from its C side), and a full collection over all of them took
    minutes by the end of the run, inside whichever test it fell on, and again at exit."""
    import gc

    if nextitem is None or nextitem.path != item.path:
        gc.collect()
        gc.freeze()
