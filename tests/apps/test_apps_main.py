"""main.py as a mentor starts it: screenshots at tablet sizes, and wrong options that warn
instead of stopping the app. Screenshots go to test-artifacts/ (git-ignored) to look at."""

import os
import subprocess
import sys

import pytest

from tests.apps.apps_test_support import ARTIFACTS, REPO, needs_display, png_facts

SIZES = {"1280x800": ("1", (1280, 800)), "2048x1536": ("2", (2048, 1536))}  # density as on an iPad



def run_main(*args, density="1", timeout_s=60):
    env = dict(os.environ, PYTHONPATH=str(REPO), KIVY_METRICS_DENSITY=density)
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout_s)


@pytest.mark.ui
@needs_display
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", ["launcher", "beats", "settings"])
def test_screenshot_at_tablet_size(screen, size):
    density, expected_size = SIZES[size]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{screen}-{size}.png"
    path.unlink(missing_ok=True)
    args = ["--audio", "none", "--size", size, "--screenshot", str(path)]
    if screen != "launcher":
        args += ["--open", screen]
    result = run_main(*args, density=density)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Ward Studio ready" in result.stdout.splitlines()
    width, height, distinct_values = png_facts(path)
    assert (width, height) == expected_size
    assert distinct_values > 64, "the screenshot is nearly blank"


@pytest.mark.ui
@needs_display
def test_unknown_audio_backend_warns_and_carries_on(tmp_path):
    path = tmp_path / "bogus.png"
    result = run_main("--audio", "bogus", "--size", "1280x800", "--screenshot", str(path))
    assert result.returncode == 0, result.stderr[-2000:]
    warning = ("Unknown audio backend 'bogus': choose jack, portaudio or none. "
               "Using automatic choice.")
    assert warning in (result.stdout + result.stderr).splitlines()
    assert png_facts(path)[:2] == (1280, 800)


def test_help_mentions_every_option():
    result = run_main("--help")
    assert result.returncode == 0
    for option in ("--audio", "--size", "--fullscreen", "--demo", "--screenshot", "--open",
                   "--sample-rate", "--buffer-size"):
        assert option in result.stdout
    assert "does nothing yet" in " ".join(result.stdout.split())  # --demo says so


def test_main_module_top_level_stays_light():
    """The engine child re-imports main.py as __mp_main__: that must not pull in kivy."""
    code = "import runpy, sys; runpy.run_path('main.py', run_name='__mp_main__'); " \
           "print('kivy' in sys.modules, 'apps.app' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=30)
    assert result.stdout.strip() == "False False", result.stderr
