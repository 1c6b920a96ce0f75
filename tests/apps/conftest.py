"""Touch tests for apps/: Kivy under Xvfb (`xvfb-run -a -s "-screen 0 2048x1536x24" ...`).

Everything is set here, before any test module imports kivy: Kivy reads its environment once.
Settings files go to a temporary folder, never the user's.
"""

import os
import tempfile

_scratch = tempfile.mkdtemp(prefix="ward-studio-apps-tests-")
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_HOME"] = os.path.join(_scratch, "kivy-home")
os.environ["KIVY_METRICS_DENSITY"] = "1"
os.environ["WARD_STUDIO_CONFIG_DIR"] = os.path.join(_scratch, "config")
os.environ["WARD_STUDIO_DATA_DIR"] = os.path.join(_scratch, "data")  # beats, never the user's
