"""The beat's metronome and count-in: a click on every beat, driven by the sequencer's own ticks.

Being read from the same step clock as the pads, the click can never drift from the beat. A
count-in is laid out after the song in the click's table (see Sequencer.play), and always
clicks, metronome on or off.
"""

from __future__ import annotations

from studio.audio.dsp import pyo

from studio.beats.model import STEPS_PER_BEAT, TICKS_PER_STEP

STEPS_PER_BAR = 4 * STEPS_PER_BEAT
BAR_LEVEL, BEAT_LEVEL = 1.0, 0.6  # the first beat of a bar is louder and higher
CLICK_FREQ_HZ, ACCENT_FREQ_HZ = 1000.0, 1500.0
CLICK_LENGTH_S = 0.03


def click_levels(step_count: int) -> list[float]:
    """The click's level on each tick of step_count steps, counted from a bar's start."""
    levels = [0.0] * (step_count * TICKS_PER_STEP)
    for step in range(0, step_count, STEPS_PER_BEAT):
        levels[step * TICKS_PER_STEP] = BAR_LEVEL if step % STEPS_PER_BAR == 0 else BEAT_LEVEL
    return levels


class ClickTrack:
    def __init__(self, tick_trig, tick_index, table_size: int):
        """table_size in ticks; tick_trig fires on every tick of the song, tick_index says which."""
        self.song = pyo.DataTable(size=table_size, init=[0.0] * table_size)
        self._table_size = table_size
        self._layout: tuple[int, int] | None = None  # what the table holds now
        level = pyo.TableIndex(self.song, tick_index)
        gate = pyo.Compare(level, 0.0, ">") * tick_trig
        held = pyo.SampHold(level, gate, 1.0)
        self.enabled = pyo.Sig(0.0)
        self.song_length = pyo.Sig(1)
        counting_in = pyo.Compare(tick_index, self.song_length, ">=")
        audible = pyo.Max(self.enabled, counting_in)
        envelope_table = pyo.ExpTable([(0, 1.0), (8192, 0.0)], exp=4)
        envelope = pyo.TrigEnv(gate, table=envelope_table, dur=CLICK_LENGTH_S, mul=held * audible * 0.5)
        accent = pyo.Compare(held, BAR_LEVEL, ">=")
        blip = pyo.Sine(freq=accent * (ACCENT_FREQ_HZ - CLICK_FREQ_HZ) + CLICK_FREQ_HZ, mul=envelope)
        self.output = pyo.Mix(blip, voices=2)
        self._keep = [level, gate, held, counting_in, audible, envelope_table, envelope, accent, blip]

    def lay_out(self, song_steps: int, count_in_steps: int) -> None:
        """Clicks on the song's beats, then count_in_steps of count-in after them."""
        layout = (song_steps, count_in_steps)
        if layout == self._layout:
            return
        self._layout = layout
        levels = click_levels(song_steps) + click_levels(count_in_steps)
        self.song.replace(levels + [0.0] * (self._table_size - len(levels)))
        self.song_length.value = song_steps * TICKS_PER_STEP
