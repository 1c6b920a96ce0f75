"""One note of the melodic pads' sounds, synthesised with numpy: a synth bass and electric keys.

    bass  a warm, plucky synth bass: a saw and a sine through a low-pass that closes fast
    keys  an electric piano: two-operator FM whose brightness dies away, a plain sine under
          it, and a bell-like "tine" on the attack

Every note starts from exactly 0 with a short ramp (no click), ends on exactly 0, and is
scaled so that notes across the range sound about as loud as each other, none peaking above
PEAK_DBFS. The same arguments always give the same samples; notes are remembered once made.
Envelopes and sines are float32 (numpy's float32 sine is many times faster than its float64
one); phases are counted in float64 first, so pitches are exact.
"""

from __future__ import annotations

from functools import lru_cache
from numbers import Integral

import numpy as np

from studio.melody.butterworth import FilterBank, butterworth, one_pole_highpass

SOUNDS = ("bass", "keys")
PEAK_DBFS = -6.0  # no note peaks above this
# The weighted level (see _weighted_level) each note aims for, unless its peak would pass
# PEAK_DBFS first. Set so that nearly every note of each sound reaches it; the lowest octave
# of the bass, felt more than heard, falls short by up to 6 dB.
LOUDNESS_DBFS = {"bass": -20.0, "keys": -18.0}
LENGTHS_S = {"bass": 1.2, "keys": 2.0}
ATTACK_MS = {"bass": 3.0, "keys": 2.0}
TAIL_MS = {"bass": 250.0, "keys": 400.0}  # the fade that takes each note to exactly 0
REMEMBERED_NOTES = 160  # about every note both sounds can play, at one sample rate


def midi_to_hz(midi_note: float) -> float:
    return 440.0 * 2.0 ** ((midi_note - 69) / 12.0)


def render_note(sound: str, midi_note: int, sample_rate: int) -> np.ndarray:
    """One note as float32 mono samples (read-only: the same array is handed out again)."""
    if sound not in SOUNDS:
        raise ValueError(f"unknown sound {sound!r}; the sounds are: {', '.join(SOUNDS)}")
    if not isinstance(midi_note, Integral) or isinstance(midi_note, bool) or not 0 <= midi_note <= 127:
        raise ValueError(f"a MIDI note must be a whole number in range 0..127, got {midi_note!r}")
    if not isinstance(sample_rate, Integral) or not 8000 <= sample_rate <= 192000:
        raise ValueError(f"the sample rate must be a whole number of Hz in range 8000..192000, got {sample_rate!r}")
    return _render(sound, int(midi_note), int(sample_rate))


@lru_cache(maxsize=REMEMBERED_NOTES)
def _render(sound: str, midi_note: int, sample_rate: int) -> np.ndarray:
    frequency_hz = midi_to_hz(midi_note)
    frames = int(round(LENGTHS_S[sound] * sample_rate))
    t = np.arange(frames, dtype=np.float32) / np.float32(sample_rate)
    make = _bass if sound == "bass" else _keys
    note = _finish(make(frequency_hz, t, sample_rate), sample_rate, ATTACK_MS[sound], TAIL_MS[sound],
                   LOUDNESS_DBFS[sound])
    note.setflags(write=False)
    return note


# ---- bass -----------------------------------------------------------------------------------

def _bass(frequency_hz: float, t: np.ndarray, sample_rate: int) -> np.ndarray:
    # The low-pass opens wide on the hit and closes within a tenth of a second: the pluck.
    # It follows the note, so high notes keep their colour and low ones keep a few harmonics.
    closed_hz = max(400.0, 3.0 * frequency_hz)
    open_hz = min(0.4 * sample_rate, max(2500.0, 16.0 * frequency_hz))
    cutoff_hz = closed_hz + (open_hz - closed_hz) * np.exp(-t / np.float32(0.08))
    body = _swept_lowpass(_saw(frequency_hz, len(t), sample_rate), cutoff_hz, sample_rate)
    # A sine at the note, in phase with the saw's fundamental: weight under the buzz. Less of
    # it on the lowest notes, felt more than heard, where it would only take up headroom.
    sub = np.sin(_phase(frequency_hz, len(t), sample_rate)) * np.float32(0.5 * min(1.0, frequency_hz / 80.0))
    # Soft clipping: warmth, and harmonics that small speakers can play. Low notes are driven
    # harder, so they are heard (and felt as loud) where a speaker cannot play their fundamental.
    drive = float(np.clip(1.6 * (130.0 / frequency_hz) ** 0.5, 1.6, 3.2))
    tone = np.tanh(drive * (0.75 * body + sub)) / np.float32(np.tanh(drive))
    return tone * (0.7 * np.exp(-t / np.float32(0.35)) + 0.3 * np.exp(-t / np.float32(1.5)))


def _saw(frequency_hz: float, frames: int, sample_rate: int) -> np.ndarray:
    """A band-limited sawtooth (polyBLEP), starting mid-ramp at 0."""
    step = frequency_hz / sample_rate
    phase = _cycles(frequency_hz, frames, sample_rate, start=0.5)
    saw = 2.0 * phase - 1.0
    just_after = phase < step
    x = phase[just_after] / step
    saw[just_after] -= x + x - x * x - 1.0
    just_before = phase > 1.0 - step
    x = (phase[just_before] - 1.0) / step
    saw[just_before] -= x * x + x + x + 1.0
    return saw.astype(np.float32)


def _cycles(frequency_hz: float, frames: int, sample_rate: int, start: float = 0.0) -> np.ndarray:
    """Where in its cycle (0..1) an oscillator is on each sample, counted in float64."""
    cycles = start + np.arange(frames, dtype=np.float64) * (frequency_hz / sample_rate)
    return cycles - np.floor(cycles)


def _phase(frequency_hz: float, frames: int, sample_rate: int) -> np.ndarray:
    """An oscillator's phase in radians, 0..2 pi, as float32."""
    return (2 * np.pi * _cycles(frequency_hz, frames, sample_rate)).astype(np.float32)


# The swept low-pass's bank: fixed cutoffs half an octave apart, from LOWEST_CUTOFF_HZ up.
BANK_STEP = 2.0**0.5
LOWEST_CUTOFF_HZ = 100.0


def _swept_lowpass(x: np.ndarray, cutoff_hz: np.ndarray, sample_rate: int) -> np.ndarray:
    """x through a low-pass whose cutoff falls (never rises) as the note goes on.

    A bank of fixed low-passes crossfaded by where the cutoff is: a few filter passes make a
    note in milliseconds, where a filter changing on every sample would need a Python loop.
    """
    position = np.log(np.maximum(cutoff_hz, LOWEST_CUTOFF_HZ) / LOWEST_CUTOFF_HZ) / np.log(BANK_STEP)
    falling = -position  # ascending, for searchsorted
    out = np.zeros(len(x), dtype=np.float32)
    bank = FilterBank(x, sample_rate, LOWEST_CUTOFF_HZ)  # a filter's output to `end` needs only x[:end]
    for index in range(int(position[-1]), int(np.ceil(position[0])) + 1):
        # Filter `index` is heard while the cutoff is within one bank step of it.
        first, end = np.searchsorted(falling, [-(index + 1), -(index - 1)], side="right")
        if end > first:
            share = 1.0 - np.abs(position[first:end] - index)  # linear between neighbours
            out[first:end] += _lowpass(bank, index, sample_rate, end)[first:end] * share
    return out


def _lowpass(bank: FilterBank, index: int, sample_rate: int, end: int) -> np.ndarray:
    cutoff_hz = min(LOWEST_CUTOFF_HZ * BANK_STEP**index, 0.45 * sample_rate)
    return bank.filtered(cutoff_hz, 4, "lowpass", end)


# ---- keys -----------------------------------------------------------------------------------

def _keys(frequency_hz: float, t: np.ndarray, sample_rate: int) -> np.ndarray:
    # Low notes ring longer than high ones, as on a real electric piano.
    ring_s = np.float32(np.clip(1.1 * (262.0 / frequency_hz) ** 0.4, 0.35, 1.6))
    # Body: a modulator at the note's own frequency. Its index (brightness) falls away after
    # the hit; lower notes get a little more, so they keep their bark.
    brightness = np.float32(np.clip((440.0 / frequency_hz) ** 0.25, 0.7, 1.4))
    index = brightness * (0.35 + 1.3 * np.exp(-t / np.float32(0.18)))
    phase = _phase(frequency_hz, len(t), sample_rate)
    # With a high index the FM pair's own fundamental all but cancels (J0 - J2): a second,
    # plain carrier at the note keeps the pitch solid through the bright attack.
    tone = 0.6 * np.sin(phase + index * np.sin(phase)) + 0.4 * np.sin(phase)
    # Tine: the same note struck by a modulator 14 times higher, gone within a tenth of a
    # second (so only the start is made). It fades out for high notes, whose sidebands would
    # pass half the sample rate.
    tine_gain = np.float32(np.clip((0.4 * sample_rate / 14.0 - frequency_hz) / 600.0, 0.0, 1.0))
    if tine_gain > 0:
        head = int(0.5 * sample_rate)
        tine_index = 1.2 * np.exp(-t[:head] / np.float32(0.03))
        tine = np.sin(phase[:head] + tine_index * np.sin(_phase(14.0 * frequency_hz, head, sample_rate)))
        tone[:head] += 0.35 * tine_gain * tine * np.exp(-t[:head] / np.float32(0.09))
    return tone * (0.8 * np.exp(-t / ring_s) + 0.2 * np.exp(-t / (3 * ring_s)))


# ---- every note -----------------------------------------------------------------------------

def _finish(x: np.ndarray, sample_rate: int, attack_ms: float, tail_ms: float, loudness_dbfs: float) -> np.ndarray:
    """No DC, a ramp in from exactly 0, a fade out to exactly 0, and an even loudness."""
    x = one_pole_highpass(x, 15.0, sample_rate)
    rise = max(2, int(attack_ms / 1000 * sample_rate))
    x[:rise] *= np.linspace(0.0, 1.0, rise, dtype=np.float32)
    fall = max(2, int(tail_ms / 1000 * sample_rate))
    x[-fall:] *= np.cos(np.linspace(0.0, np.pi / 2, fall, dtype=np.float32)) ** 2
    x[-1] = 0.0  # cos(pi / 2) ** 2 is not quite 0 in floating point
    gain = min(10 ** (loudness_dbfs / 20) / _weighted_level(x, sample_rate),
               10 ** (PEAK_DBFS / 20) / float(np.max(np.abs(x))))
    return x * np.float32(gain)


def _weighted_level(x: np.ndarray, sample_rate: int) -> float:
    """RMS of the first half second with low frequencies counted less, as ears (and small
    speakers) hear them: a rough loudness, enough to even out the notes of one sound."""
    weighted = butterworth(x[: int(0.5 * sample_rate)], 120.0, 2, "highpass", sample_rate)
    return float(np.sqrt(np.mean(weighted**2))) or 1.0

