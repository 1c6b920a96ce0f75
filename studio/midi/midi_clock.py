"""MIDI clock out and in: 24 ticks a beat.

ClockOut places each tick on its exact frame inside the JACK cycle it falls in (no timer, so
no timer jitter: ticks land within half a frame of where the tempo puts them). ClockIn reads the
tempo of an incoming clock from the frames its ticks arrived on.

Both are used from the JACK process callback (events_in_cycle, add_tick) and from the
controller's worker thread (the rest); plain attribute swaps keep that safe under the GIL.
"""

from __future__ import annotations

import collections

TICKS_PER_BEAT = 24
CLOCK, START, CONTINUE, STOP = 0xF8, 0xFA, 0xFB, 0xFC
# The tempo of an incoming clock is read over this many ticks (two beats): steady enough to
# ignore a device's tick-to-tick wobble, quick enough to follow a tempo change within a bar.
CLOCK_IN_WINDOW_TICKS = 48
CLOCK_IN_TIMEOUT_S = 0.5  # no tick for this long: the clock has stopped


def tick_period_frames(bpm: float, sample_rate: int) -> float:
    return sample_rate * 60.0 / (bpm * TICKS_PER_BEAT)


class ClockOut:
    def __init__(self, sample_rate: int, bpm: float = 90.0):
        self.sample_rate = sample_rate
        self._period = tick_period_frames(bpm, sample_rate)
        self._next_tick = None  # the frame of the next tick (fractional), None while stopped
        self._pending: collections.deque[int] = collections.deque(maxlen=8)  # START / STOP to send
        self.ticks_sent = 0

    def set_tempo(self, bpm: float) -> None:
        self._period = tick_period_frames(bpm, self.sample_rate)  # from the next tick on

    @property
    def running(self) -> bool:
        return self._next_tick is not None or START in self._pending

    def start(self) -> None:
        """Send Start, then ticks from the first frame of the next cycle."""
        if not self.running:
            self._pending.append(START)

    def stop(self) -> None:
        if self.running:
            self._pending.append(STOP)

    def events_in_cycle(self, cycle_start: int, frames: int) -> list[tuple[int, int]]:
        """(offset, status byte) of everything to send in this cycle, in order."""
        events = []
        while self._pending:
            status = self._pending.popleft()
            events.append((0, status))
            self._next_tick = float(cycle_start) if status == START else None
        next_tick, period = self._next_tick, self._period
        if next_tick is None:
            return events
        if round(next_tick) < cycle_start:  # a cycle was missed (an xrun): carry on from now, in step
            next_tick += period * ((cycle_start - next_tick) // period + 1)
        end = cycle_start + frames
        while round(next_tick) < end:  # each tick on its nearest frame, in the cycle holding that frame
            events.append((max(round(next_tick) - cycle_start, 0), CLOCK))
            next_tick += period
            self.ticks_sent += 1
        self._next_tick = next_tick
        return events


class ClockIn:
    def __init__(self, sample_rate: int):
        self.sample_rate = sample_rate
        self._ticks: collections.deque[int] = collections.deque(maxlen=CLOCK_IN_WINDOW_TICKS + 1)

    def add_tick(self, frame: int) -> None:
        self._ticks.append(frame)

    def forget(self) -> None:
        self._ticks.clear()

    def bpm(self, now_frame: int) -> float | None:
        """The incoming tempo, or None while there is no steady clock (fewer than a beat's
        ticks, or none for CLOCK_IN_TIMEOUT_S)."""
        ticks = list(self._ticks)
        if len(ticks) < TICKS_PER_BEAT + 1 or now_frame - ticks[-1] > CLOCK_IN_TIMEOUT_S * self.sample_rate:
            return None
        span = ticks[-1] - ticks[0]
        if span <= 0:
            return None
        # A tick lost in a dropout leaves one gap of two periods: each gap counts as the whole
        # periods it spans (against the median gap), so a lost tick does not slow the tempo read.
        gaps = sorted(b - a for a, b in zip(ticks, ticks[1:]))
        typical = gaps[len(gaps) // 2]
        if typical <= 0:
            return None
        periods = sum(max(1, round((b - a) / typical)) for a, b in zip(ticks, ticks[1:]))
        period = span / periods
        return self.sample_rate * 60.0 / (period * TICKS_PER_BEAT)
