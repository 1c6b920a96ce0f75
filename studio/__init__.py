"""Ward Studio's headless engine and data. Never imports kivy or apps/."""

import os

# pyo prints a warning about wxPython on import unless told not to look for it.
os.environ.setdefault("PYO_GUI_WX", "0")

__version__ = "0.1.0"
