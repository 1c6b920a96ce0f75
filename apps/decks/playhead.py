"""Where a deck's track is now, between two engine states: the engine says where it is about
25 times a second; the waveforms are drawn 60 times a second, so the position in between is
worked out from the rate and the clock. Small differences from what the engine says are eased
in, so the waveform never jumps back and forth; big ones (a jump, a seek) are taken at once.
No kivy here."""

from __future__ import annotations

SNAP_S = 0.15  # further off than this, the engine's position is taken at once
EASE = 0.3  # the share of a small difference taken in at each new state


class Playhead:
    def __init__(self):
        self._anchor_s = 0.0
        self._anchor_at = 0.0
        self._rate = 0.0  # 0 while stopped
        self._reported_s: float | None = None
        self.duration_s = 0.0
        self.loop_s: tuple[float, float] | None = None

    def update(self, position_s: float, playing: bool, rate: float, duration_s: float, now: float,
               loop_s: tuple[float, float] | None = None) -> None:
        """A state from the engine (now: time.monotonic() when it was read); loop_s while looping,
        so the position goes round the loop between states instead of running past its end."""
        self.duration_s = duration_s
        self.loop_s = tuple(loop_s) if loop_s and loop_s[1] > loop_s[0] else None
        if position_s == self._reported_s and playing == (self._rate != 0.0):
            return  # the same state read again: nothing new to learn from it
        self._reported_s = position_s
        predicted = self.position_at(now)
        moving = playing and self._rate != 0.0
        if moving and abs(position_s - predicted) < SNAP_S:
            self._anchor_s = predicted + (position_s - predicted) * EASE
        else:
            self._anchor_s = position_s
        self._anchor_at = now
        self._rate = rate if playing else 0.0

    def position_at(self, now: float) -> float:
        position_s = self._anchor_s + (now - self._anchor_at) * self._rate
        if self.loop_s is not None:
            start, end = self.loop_s
            if start <= self._anchor_s < end <= position_s:
                position_s = start + (position_s - start) % (end - start)
        return max(0.0, min(position_s, self.duration_s)) if self.duration_s else max(0.0, position_s)

    def jump(self, position_s: float, now: float) -> None:
        """The screen moved the track itself (a scratch): start from there."""
        self._anchor_s, self._anchor_at = position_s, now
