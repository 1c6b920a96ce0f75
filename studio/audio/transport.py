"""The shared clock and its metronome click, timed inside the audio graph.

The beat pulse comes from a pyo Metro, so every click lands on a sample the audio server
chooses, never on a Python timer. Python only starts, stops and retunes it.
The Metro fires on the first sample at or after each beat time, and its trigger reaches the
click one sample later. The clicks then reach the output one audio block later still: each
play makes a fresh clock (see _BeatClock), and pyo computes objects in the order they were
made, so the older object that carries the clicks on reads them a block behind. All in all
a beat at clock time t is heard from sample ceil(t * sr) + 1 + buffer_size (the first beat of
a play one sample sooner: a new Metro fires on its very first sample); tempo and the spacing
of beats are exact to the sample.
"""

from __future__ import annotations

from collections.abc import Callable

from studio.audio.dsp import pyo

from studio.audio.levels import db_to_amp

BEATS_PER_BAR = 4
CLICK_LENGTH_S = 0.03
CLICK_FREQ_HZ = 1000.0
ACCENT_FREQ_HZ = 1500.0  # the first beat of each bar is higher, so the bar can be heard


def beat_period_s(bpm: float) -> float:
    return 60.0 / bpm


def server_clock(server: pyo.Server) -> Callable[[], float]:
    """The server's time in seconds: the time of the next sample it will compute."""
    sample_rate = server.getSamplingRate()
    return lambda: server.getCurrentTimeInSamples() / sample_rate


def _already_fired(beat_s: float, now_s: float, sample_rate: float) -> bool:
    """Has a Metro tick due at beat_s fired, when the next sample to compute is at now_s?

    The tick fires on sample ceil(beat_s * sr); it has fired if that sample is before now.
    """
    return beat_s * sample_rate <= now_s * sample_rate - 1 + 1e-6


class _BeatClock:
    """One run of the clock, from play to stop: a Metro, its beat counters and the clicks.

    A Metro keeps its phase across stop and play, so each play makes a fresh one; that way
    the first beat always sounds at once.
    """

    def __init__(self, period_s: float):
        self.metro = pyo.Metro(time=period_s)
        self.beats = pyo.Counter(self.metro, min=0, max=2**24)
        # Counter outputs the count *before* each tick, so Select(0) fires on beats 1, 5, 9...
        self.beat_in_bar = pyo.Counter(self.metro, min=0, max=BEATS_PER_BAR)
        self.downbeat = pyo.Select(self.beat_in_bar, value=0)
        self._parts: list = []  # pyo frees an object's DSP when its Python object goes: keep all
        self.clicks = pyo.Mix(
            [self._click(self.metro, CLICK_FREQ_HZ), self._click(self.downbeat, ACCENT_FREQ_HZ)], voices=1
        )

    def _click(self, trigger: pyo.PyoObject, freq_hz: float) -> pyo.PyoObject:
        """A short sine blip with a fast decaying envelope: clear but never harsh."""
        envelope = pyo.ExpTable([(0, 1.0), (8192, 0.0)], exp=4)
        amplitude = pyo.TrigEnv(trigger, table=envelope, dur=CLICK_LENGTH_S, mul=0.5)
        # A hundredth of a cycle off zero: the sine runs freely and, at 1 kHz and 48 kHz, would
        # be exactly 0 on every 24th sample, which a beat can fall on (its click then starts a
        # sample late).
        blip = pyo.Sine(freq=freq_hz, phase=0.01, mul=amplitude)
        self._parts.extend([envelope, amplitude, blip])
        return blip


class Transport:
    """Start, stop and retune the beat clock; the clicks themselves are made in the graph.

    Tempo changes keep the beat's phase, as a sequencer must: if the tempo changes a quarter
    of the way through a beat, the next beat comes after three quarters of a beat at the new
    tempo. pyo's Metro on its own would fire at once (and again to catch up) when the tempo
    rises, so for the one beat after a change the Metro's period is set to land that beat
    exactly, and ``tick()`` (called by the engine a few times a second) restores the plain
    period once it has played. Python decides only *which* period applies, never *when* a
    click sounds.
    """

    def __init__(
        self, now_s: Callable[[], float], sample_rate: float, bpm: float, click_enabled: bool, click_level_db: float
    ):
        self._now_s = now_s
        self._sample_rate = sample_rate
        self.period_s = beat_period_s(bpm)
        self.playing = False
        self._clock: _BeatClock | None = None
        gain = db_to_amp(click_level_db) if click_enabled else 0.0
        self._click_gain = pyo.SigTo(gain, time=0.02, init=gain)
        self._click_input = pyo.Sig(0.0)  # points at the current clock's clicks while there is one
        self.output: pyo.PyoObject = pyo.Mix(self._click_input, voices=2, mul=self._click_gain)
        self._last_beat_s = 0.0  # when the latest beat fired, in server time
        self._next_beat_s = 0.0
        self._transition = False  # the Metro holds a one-off period for the beat after a change

    def play(self) -> None:
        if self.playing:
            return
        old_clock, self._clock = self._clock, _BeatClock(self.period_s)
        self._click_input.value = self._clock.clicks
        self._clock.metro.play()
        if old_clock is not None:
            old_clock.metro.stop()
        self._last_beat_s = self._now_s()  # the Metro fires on the first sample it computes
        self._next_beat_s = self._last_beat_s + self.period_s
        self._transition = False
        self.playing = True

    def stop(self) -> None:
        if self.playing:
            self._clock.metro.stop()  # the last click rings out; no new ones start
            self.playing = False

    def set_bpm(self, bpm: float) -> None:
        new_period_s = beat_period_s(bpm)
        if not self.playing:
            self.period_s = new_period_s
            return
        now = self._now_s()
        self._catch_up(now)
        beat_length_s = self._next_beat_s - self._last_beat_s
        remaining = (self._next_beat_s - now) / beat_length_s  # fraction of this beat still to come
        self._next_beat_s = now + remaining * new_period_s
        self.period_s = new_period_s
        self._clock.metro.time = self._next_beat_s - self._last_beat_s  # lands the next beat exactly
        self._transition = True

    def tick(self) -> None:
        """Call a few times a second while playing: ends a tempo transition once its beat played."""
        if self.playing:
            self._catch_up(self._now_s())

    def _catch_up(self, now: float) -> None:
        while _already_fired(self._next_beat_s, now, self._sample_rate):
            self._last_beat_s = self._next_beat_s
            self._next_beat_s += self.period_s
            if self._transition:
                self._clock.metro.time = self.period_s
                self._transition = False

    def set_click(self, enabled: bool, level_db: float) -> None:
        self._click_gain.value = db_to_amp(level_db) if enabled else 0.0

    def beat_number(self) -> int:
        """The beat now sounding, counting from 1 when play starts; 0 when stopped."""
        if not self.playing:
            return 0
        # Counter outputs the count before each tick, so the beat in progress is one more.
        return int(self._clock.beats.get()) + 1


def build_transport(
    server: pyo.Server, bpm: float, click_enabled: bool = True, click_level_db: float = -12.0
) -> Transport:
    """The clock and its click, on a running server of any mode."""
    return Transport(server_clock(server), server.getSamplingRate(), bpm, click_enabled, click_level_db)
