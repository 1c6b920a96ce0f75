"""The studio's root starts fast: what it imports as the app starts leaves numpy (and the modules
that file participants' work away) for later, when a turn first changes."""

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
