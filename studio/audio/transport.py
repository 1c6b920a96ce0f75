"""The shared clock and its metronome click, timed inside the audio graph.

The beat pulse comes from a pyo Metro, so every click lands on a sample the audio server
chooses, never on a Python timer. Python only starts, stops and retunes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyo

from studio.audio.levels import db_to_amp

BEATS_PER_BAR = 4
CLICK_LENGTH_S = 0.03
CLICK_FREQ_HZ = 1000.0
ACCENT_FREQ_HZ = 1500.0  # the first beat of each bar is higher, so the bar can be heard


def beat_period_s(bpm: float) -> float:
    return 60.0 / bpm


@dataclass
class Transport:
    output: pyo.PyoObject  # the metronome click, stereo
    _metro: pyo.Metro
    _beats: pyo.Counter
    _beat_in_bar: pyo.Counter
    _click_gain: pyo.SigTo
    _keep: list
    playing: bool = False

    def play(self) -> None:
        if not self.playing:
            self._beats.reset()
            self._beat_in_bar.reset()
            self._metro.play()
            self.playing = True

    def stop(self) -> None:
        if self.playing:
            self._metro.stop()
            self.playing = False

    def set_bpm(self, bpm: float) -> None:
        self._metro.time = beat_period_s(bpm)

    def set_click(self, enabled: bool, level_db: float) -> None:
        self._click_gain.value = db_to_amp(level_db) if enabled else 0.0

    def beats_played(self) -> int:
        """Beats since play started (the counter wraps after about a day at 200 BPM)."""
        return int(self._beats.get())


def _click(trigger: pyo.PyoObject, freq_hz: float, keep: list) -> pyo.PyoObject:
    """A short sine blip with a fast decaying envelope: clear but never harsh."""
    envelope = pyo.ExpTable([(0, 1.0), (8192, 0.0)], exp=4)
    amplitude = pyo.TrigEnv(trigger, table=envelope, dur=CLICK_LENGTH_S, mul=0.5)
    blip = pyo.Sine(freq=freq_hz, mul=amplitude)
    # pyo frees an object's DSP when its Python object goes, even mid-graph: keep them all.
    keep.extend([envelope, amplitude, blip])
    return blip


def build_transport(bpm: float, click_enabled: bool = True, click_level_db: float = -12.0) -> Transport:
    metro = pyo.Metro(time=beat_period_s(bpm))
    beats = pyo.Counter(metro, min=0, max=2**24)
    beat_in_bar = pyo.Counter(metro, min=0, max=BEATS_PER_BAR)
    downbeat = pyo.Select(beat_in_bar, value=0)
    # Counter outputs the count *before* this tick, so Select(0) fires on beats 1, 5, 9...
    keep: list = [beat_in_bar, downbeat]
    clicks = pyo.Mix([_click(metro, CLICK_FREQ_HZ, keep), _click(downbeat, ACCENT_FREQ_HZ, keep)])
    gain = db_to_amp(click_level_db) if click_enabled else 0.0
    click_gain = pyo.SigTo(gain, time=0.02, init=gain)
    click = pyo.Mix(clicks, voices=1, mul=click_gain)
    output = pyo.Mix(click, voices=2)
    keep.extend([clicks, click])
    return Transport(
        output=output,
        _metro=metro,
        _beats=beats,
        _beat_in_bar=beat_in_bar,
        _click_gain=click_gain,
        _keep=keep,
    )
