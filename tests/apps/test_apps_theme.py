"""Every text colour meets WCAG AA (4.5:1) on the colours it is drawn on."""

import pytest

from apps import theme
from apps.catalogue import STUDIO_PARTS


def luminance(hex_colour):
    def channel(value):
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue, _ = theme.rgba(hex_colour)
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(foreground_hex, background_hex):
    lighter, darker = sorted((luminance(foreground_hex), luminance(background_hex)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


PAIRS = [
    (theme.TEXT_HEX, theme.BACKGROUND_HEX), (theme.TEXT_HEX, theme.SURFACE_HEX),
    (theme.TEXT_HEX, theme.RAISED_HEX), (theme.MUTED_TEXT_HEX, theme.BACKGROUND_HEX),
    (theme.MUTED_TEXT_HEX, theme.SURFACE_HEX), (theme.MUTED_TEXT_HEX, theme.RAISED_HEX),
    ("#FFFFFF", theme.PRIMARY_HEX), (theme.WARN_HEX, theme.SURFACE_HEX),
    (theme.GOOD_HEX, theme.SURFACE_HEX), (theme.BAD_HEX, theme.SURFACE_HEX),
] + [("#FFFFFF", part.colour_hex) for part in STUDIO_PARTS]


@pytest.mark.parametrize("foreground, background", PAIRS)
def test_text_contrast_meets_wcag_aa(foreground, background):
    assert contrast(foreground, background) >= 4.5


def test_text_is_readable_at_arms_length():
    assert theme.SMALL_SP >= 18
    assert theme.TILE_TITLE_SP > theme.BODY_SP
    assert theme.MIN_TOUCH_DP >= 48
