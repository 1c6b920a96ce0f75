"""A double tap on a knob or fader puts it back at its resting place. Kivy marks double taps
(touch.is_double_tap) only for touches that come through its input post-processing; this also
tells one from two short taps in a row, so it works for every kind of touch."""

from __future__ import annotations

import time

from kivy.metrics import dp

DOUBLE_TAP_S = 0.35
TAP_MOVES_DP = 10.0  # a touch that moved less than this is a tap, not a slide
TAPS_APART_DP = 40.0


class DoubleTaps:
    def __init__(self):
        self._last_tap: tuple[float, float, float] | None = None  # (time, x, y) of the last short tap

    def is_double(self, touch) -> bool:
        """At touch down: the second of two taps close in time and place."""
        if touch.is_double_tap:
            return True
        last, now = self._last_tap, time.monotonic()
        return (last is not None and now - last[0] < DOUBLE_TAP_S
                and abs(touch.x - last[1]) < dp(TAPS_APART_DP) and abs(touch.y - last[2]) < dp(TAPS_APART_DP))

    def touch_ended(self, touch, start: tuple[float, float]) -> None:
        """At touch up: remember a short tap (start: where the finger landed)."""
        moved = max(abs(touch.x - start[0]), abs(touch.y - start[1]))
        self._last_tap = (time.monotonic(), touch.x, touch.y) if moved < dp(TAP_MOVES_DP) else None

    def forget(self) -> None:
        self._last_tap = None
