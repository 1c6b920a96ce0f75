"""The Decks app's colours, beside the theme's: one accent per deck (so a patient can tell which
controls go with which track), the waveform's three bands and beat lines, and the hot cues' colours."""

from __future__ import annotations

from apps import theme

DECK_ACCENTS = {1: theme.rgba("#22D3EE"), 2: theme.rgba("#E879F9")}  # cyan left, fuchsia right
# The detail and overview waveforms: bass, middle and treble peaks drawn on top of each other.
BAND_COLOURS = (theme.rgba("#3B82F6"), theme.rgba("#F59E0B"), theme.rgba("#F1F5F9"))
WAVEFORM_BACKGROUND = theme.rgba("#0B0E13")
BEAT_LINE_COLOUR = (1.0, 1.0, 1.0, 0.28)  # over the bands; a bar's first beat is brighter (and wider)
BAR_LINE_COLOUR = (1.0, 1.0, 1.0, 0.6)
HOT_CUE_COLOURS = tuple(theme.rgba(hex_colour) for hex_colour in (
    "#F87171", "#FBBF24", "#34D399", "#60A5FA", "#C084FC", "#FB923C", "#2DD4BF", "#F472B6"))
LOOP_COLOUR = theme.rgba(theme.GOOD_HEX, 0.28)
LOOP_EDGE = theme.GOOD
KILL_COLOUR = theme.BAD
