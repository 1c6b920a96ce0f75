"""MIDI clock out on exact frames, and the tempo read from an incoming clock."""

from __future__ import annotations

import numpy as np

from studio.midi.midi_clock import CLOCK, START, STOP, ClockIn, ClockOut, tick_period_frames

SR = 48000


def run(clock: ClockOut, cycles: int, frames: int = 256, first_cycle: int = 0, skip: set[int] = frozenset()):
    """The (frame, status) the clock sends over these cycles; cycles in `skip` are missed (xruns)."""
    sent = []
    for cycle in range(first_cycle, first_cycle + cycles):
        if cycle in skip:
            continue
        start = cycle * frames
        sent += [(start + offset, status) for offset, status in clock.events_in_cycle(start, frames)]
    return sent


def test_ticks_fall_on_the_tempos_own_frames_within_half_a_frame():
    clock = ClockOut(SR, bpm=117.3)
    clock.start()
    sent = run(clock, 2000)
    assert sent[0] == (0, START)
    ticks = np.array([frame for frame, status in sent if status == CLOCK])
    ideal = np.arange(len(ticks)) * tick_period_frames(117.3, SR)
    assert np.max(np.abs(ticks - ideal)) <= 0.5
    assert len(ticks) == int(2000 * 256 / tick_period_frames(117.3, SR)) + 1


def test_a_missed_cycle_loses_its_ticks_but_moves_no_other():
    clock = ClockOut(SR, bpm=120.0)  # a tick every 1000 frames
    clock.start()
    ticks = [frame for frame, status in run(clock, 100, skip={10, 11}) if status == CLOCK]
    assert all(frame % 1000 == 0 for frame in ticks)
    assert 3000 not in ticks and 2000 in ticks and 4000 in ticks  # cycles 10-11 span frames 2560..3071


def test_a_tempo_change_applies_from_the_next_tick_and_stop_ends_the_ticks():
    clock = ClockOut(SR, bpm=120.0)
    clock.start()
    run(clock, 8)  # ticks at 0, 1000 and 2000, in frames 0..2047; the next is due at 3000
    clock.set_tempo(60.0)  # 2000 frames a tick
    ticks = [frame for frame, status in run(clock, 16, first_cycle=8) if status == CLOCK]
    assert ticks[:2] == [3000, 5000]  # the tick already due, then the new spacing
    clock.stop()
    assert run(clock, 4, first_cycle=24) == [(24 * 256, STOP)]
    assert not clock.running


def test_an_incoming_clock_reads_as_its_tempo_and_stops_being_followed_when_it_stops():
    clock_in = ClockIn(SR)
    period = tick_period_frames(93.5, SR)
    for tick in range(60):
        clock_in.add_tick(int(round(tick * period)))
    assert abs(clock_in.bpm(int(60 * period)) - 93.5) < 0.05
    assert clock_in.bpm(int(60 * period + SR)) is None  # nothing for a second: stopped
    fresh = ClockIn(SR)
    for tick in range(10):
        fresh.add_tick(tick * 1000)
    assert fresh.bpm(10000) is None  # not yet a beat's worth of ticks


def test_a_tick_lost_or_late_in_a_dropout_does_not_change_the_tempo_read():
    period = tick_period_frames(100.0, SR)  # 1152 frames
    frames = [int(round(tick * period)) for tick in range(48)]
    lost = ClockIn(SR)
    for frame in frames[:20] + frames[21:]:  # one tick never arrived
        lost.add_tick(frame)
    assert abs(lost.bpm(frames[-1]) - 100.0) < 0.05  # read over the gap as 47 ticks: 97.9 BPM
    late = ClockIn(SR)
    for index, frame in enumerate(frames):
        late.add_tick(frame + (256 if index == 20 else 0))  # one handed on a block late
    assert abs(late.bpm(frames[-1]) - 100.0) < 0.05
