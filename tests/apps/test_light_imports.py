"""The app starts fast: what it imports before its first frame leaves numpy (and the modules that
file participants' work away) for later, when a screen or a change of turn needs them."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_turn_keeper_imports_nothing_heavy():
    check = ("import sys, apps.work_at_rest; "
             "print(sorted(name for name in ('numpy', 'studio.sessions.turns', 'studio.sessions.take_filing') "
             "if name in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_the_studio_and_its_controllers_client_import_nothing_heavy():
    check = ("import sys, apps.studio_root, studio.midi.controller_client, studio.engine.client; "
             "print('numpy' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", check], cwd=REPO, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
