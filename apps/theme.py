"""Colours and text sizes shared by every screen.

Dark background, light text, every text colour at least WCAG AA (4.5:1) on the surfaces it is
used on (checked in tests/apps/test_apps_theme.py). Pure Python, so it can be checked without
a display; sizes are in sp/dp units and converted by the .kv files.
"""

from __future__ import annotations


def rgba(hex_colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    hex_colour = hex_colour.lstrip("#")
    red, green, blue = (int(hex_colour[i:i + 2], 16) / 255.0 for i in (0, 2, 4))
    return (red, green, blue, alpha)


BACKGROUND_HEX = "#0F1217"
SURFACE_HEX = "#1A1F28"  # status bar, cards, banner
RAISED_HEX = "#272E3A"  # buttons on a surface
OUTLINE_HEX = "#3B4453"
TEXT_HEX = "#F4F6FA"
MUTED_TEXT_HEX = "#B8C0CC"
PRIMARY_HEX = "#2563EB"  # the main action on a screen (white text on it)
GOOD_HEX = "#34D399"
WARN_HEX = "#FBBF24"
BAD_HEX = "#F87171"
DARK_TEXT_HEX = "#0B1320"  # text on the bright GOOD/WARN fills

BACKGROUND = rgba(BACKGROUND_HEX)
SURFACE = rgba(SURFACE_HEX)
RAISED = rgba(RAISED_HEX)
OUTLINE = rgba(OUTLINE_HEX)
TEXT = rgba(TEXT_HEX)
MUTED_TEXT = rgba(MUTED_TEXT_HEX)
PRIMARY = rgba(PRIMARY_HEX)
GOOD = rgba(GOOD_HEX)
WARN = rgba(WARN_HEX)
BAD = rgba(BAD_HEX)
DARK_TEXT = rgba(DARK_TEXT_HEX)
WHITE = (1.0, 1.0, 1.0, 1.0)

# Text sizes in sp: nothing a patient must read is below 18 sp.
SMALL_SP = 18
BODY_SP = 20
LABEL_SP = 22
HEADING_SP = 28
TITLE_SP = 34
TILE_TITLE_SP = 38

# Touch targets in dp: the smallest is 48 dp; main actions are bigger.
MIN_TOUCH_DP = 48
BUTTON_DP = 60
BIG_BUTTON_DP = 72
CORNER_DP = 20


def darker(colour: tuple[float, float, float, float], factor: float = 0.8):
    """The colour of a pressed button."""
    red, green, blue, alpha = colour
    return (red * factor, green * factor, blue * factor, alpha)
