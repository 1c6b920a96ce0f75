"""Fixing a track's beat grid by hand: twice or half the tempo, a tempo tapped along, and "beat 1
is here". The analysis is right most of the time; when it reads a track at half or double speed
(the commonest mistake of every DJ app), x2 and /2 put it right. No kivy here."""

from __future__ import annotations

MIN_GRID_BPM, MAX_GRID_BPM = 30.0, 300.0
TAP_RESET_S = 2.0  # a longer gap between taps starts a new count
TAPS_AVERAGED = 8
MIN_TAPS = 4  # taps needed before the tempo is set (three intervals)


def checked_bpm(bpm: float) -> float:
    if not MIN_GRID_BPM <= bpm <= MAX_GRID_BPM:
        raise ValueError(f"the tempo must stay in range {MIN_GRID_BPM:g}..{MAX_GRID_BPM:g} BPM, it would be {bpm:.1f}")
    return bpm


def doubled(bpm: float) -> float:
    if bpm <= 0:
        raise ValueError("this track has no beat yet: tap along to give it one")
    return checked_bpm(bpm * 2.0)


def halved(bpm: float) -> float:
    if bpm <= 0:
        raise ValueError("this track has no beat yet: tap along to give it one")
    return checked_bpm(bpm / 2.0)


class TapTempo:
    """Taps along with the music; the tempo is the average of the recent intervals."""

    def __init__(self):
        self.times_s: list[float] = []

    def tap(self, time_s: float) -> float | None:
        """One tap (time_s from a steady clock). Returns the tapped tempo in BPM once there are
        MIN_TAPS taps in a row, else None."""
        if self.times_s and not 0 < time_s - self.times_s[-1] <= TAP_RESET_S:
            self.times_s.clear()
        self.times_s.append(time_s)
        del self.times_s[:-TAPS_AVERAGED]
        if len(self.times_s) < MIN_TAPS:
            return None
        return 60.0 * (len(self.times_s) - 1) / (self.times_s[-1] - self.times_s[0])

    def taps_to_go(self, now_s: float) -> int:
        """How many more taps before a tempo is set (MIN_TAPS after a pause)."""
        if not self.times_s or now_s - self.times_s[-1] > TAP_RESET_S:
            return MIN_TAPS
        return max(0, MIN_TAPS - len(self.times_s))
