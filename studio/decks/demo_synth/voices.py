"""The sounds the demo tracks are played with, all made by this project's own code.

Drums are the shipped kits' one-shots (samples/kits, made by studio.kits.synth), read at the
render's sample rate. Bass, keys and pluck notes come from studio.melody.instrument_synth (the
melodic pads' sounds); the 808 is the trap kit's 808 retuned; pad and lead are synthesised here.

    play_note(instrument, midi_note, length_frames, sample_rate) -> mono float32, ready to mix
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from studio.kits.library import load_kit
from studio.melody.instrument_synth import midi_to_hz, render_note

INSTRUMENTS = ("bass", "keys", "pluck", "808", "pad", "lead")
# Every note is made once, whole, and cut to the length played with this fade (its release).
RELEASE_MS = {"bass": 40.0, "keys": 160.0, "pluck": 90.0, "808": 70.0, "pad": 350.0, "lead": 90.0}
# The longest the held sounds last (a pad chord two bars long at 70 BPM is 6.9 s).
PAD_LENGTH_S, LEAD_LENGTH_S = 7.5, 4.0
PAD_ATTACK_S, LEAD_ATTACK_S = 0.25, 0.012
TRAP_808_HZ = 49.0  # the trap kit's 808 is tuned to G1 (tests/studio/kits/test_synth.py)


@lru_cache(maxsize=16)
def _kit_sounds(kit_name: str, sample_rate: int) -> dict:
    kit = load_kit(kit_name, sample_rate)
    return {sound.path.stem: sound for sound in kit.sounds}


def kit_sound(reference: str, sample_rate: int) -> tuple[np.ndarray, float]:
    """A shipped kit's sound by "kit/file-stem" ("trap/hat-closed"): its samples and its pan."""
    kit_name, _, stem = reference.partition("/")
    sounds = _kit_sounds(kit_name, sample_rate)
    if stem not in sounds:
        raise ValueError(f"the {kit_name} kit has no sound {stem!r}; it has: {', '.join(sorted(sounds))}")
    sound = sounds[stem]
    return sound.samples, sound.pan


def play_note(instrument: str, midi_note: int, length_frames: int, sample_rate: int) -> np.ndarray:
    """One note held for length_frames, then released (the release rings on past it)."""
    if instrument == "808":
        whole = _808(midi_note, sample_rate)
    elif instrument in ("bass", "keys"):
        whole = render_note(instrument, midi_note, sample_rate)
    elif instrument == "pluck":  # the synth bass played high is a plucked synth
        whole = render_note("bass", midi_note, sample_rate)
    elif instrument == "pad":
        whole = _pad(midi_note, sample_rate)
    elif instrument == "lead":
        whole = _lead(midi_note, sample_rate)
    else:
        raise ValueError(f"unknown instrument {instrument!r}; the instruments are: {', '.join(INSTRUMENTS)}")
    return _cut(whole, length_frames, int(RELEASE_MS[instrument] / 1000 * sample_rate))


def _cut(whole: np.ndarray, length_frames: int, release_frames: int) -> np.ndarray:
    end = length_frames + release_frames
    if end >= len(whole):
        return whole
    note = whole[:end].copy()
    note[length_frames:] *= np.cos(np.linspace(0.0, np.pi / 2, release_frames, dtype=np.float32)) ** 2
    return note


@lru_cache(maxsize=64)
def _808(midi_note: int, sample_rate: int) -> np.ndarray:
    """The trap kit's 808 retuned by reading it faster or slower (pitch and length change together,
    as on a sampler)."""
    samples, _ = kit_sound("trap/808", sample_rate)
    ratio = midi_to_hz(midi_note) / TRAP_808_HZ
    positions = np.arange(0.0, len(samples) - 1, ratio)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def _saw(frequency_hz: float, frames: int, sample_rate: int, start: float) -> np.ndarray:
    """A band-limited sawtooth (polyBLEP) starting at `start` (0..1) of its cycle."""
    step = frequency_hz / sample_rate
    phase = (start + np.arange(frames) * step) % 1.0
    saw = 2.0 * phase - 1.0
    after = phase < step
    x = phase[after] / step
    saw[after] -= x + x - x * x - 1.0
    before = phase > 1.0 - step
    x = (phase[before] - 1.0) / step
    saw[before] -= x * x + x + x + 1.0
    return saw


def _finish(tone: np.ndarray, attack_s: float, sample_rate: int, gain: float) -> np.ndarray:
    """An attack ramp, a short fade to 0 at the very end, float32 and read-only (it is shared)."""
    ramp = np.clip(np.arange(len(tone)) / (attack_s * sample_rate), 0.0, 1.0)
    tail = int(0.05 * sample_rate)
    ramp[-tail:] *= np.linspace(1.0, 0.0, tail)
    note = (tone * ramp * gain).astype(np.float32)
    note.setflags(write=False)
    return note


@lru_cache(maxsize=96)
def _pad(midi_note: int, sample_rate: int) -> np.ndarray:
    """A warm string-machine pad: three detuned saws through a gentle low-pass, a slow swell."""
    frequency_hz = midi_to_hz(midi_note)
    frames = int(PAD_LENGTH_S * sample_rate)
    tone = sum(_saw(frequency_hz * 2 ** (cents / 1200), frames, sample_rate, start)
               for cents, start in ((-9.0, 0.1), (0.0, 0.55), (8.0, 0.8)))
    cutoff_hz = min(2200.0, 6.0 * frequency_hz, 0.4 * sample_rate)
    tone = signal.sosfilt(signal.butter(2, cutoff_hz, fs=sample_rate, output="sos"), tone)
    return _finish(tone, PAD_ATTACK_S, sample_rate, 0.12)


@lru_cache(maxsize=96)
def _lead(midi_note: int, sample_rate: int) -> np.ndarray:
    """A soft synth lead, between a flute and a whistle: a few odd-leaning harmonics, vibrato that
    creeps in after the attack."""
    frequency_hz = midi_to_hz(midi_note)
    t = np.arange(int(LEAD_LENGTH_S * sample_rate)) / sample_rate
    vibrato = 1.0 + 0.004 * np.sin(2 * np.pi * 5.2 * t) * np.clip((t - 0.18) / 0.25, 0.0, 1.0)
    phase = 2 * np.pi * np.cumsum(frequency_hz * vibrato) / sample_rate
    tone = np.zeros(len(t))
    for harmonic, amplitude in ((1, 1.0), (2, 0.18), (3, 0.3), (4, 0.06), (5, 0.1), (7, 0.04)):
        if harmonic * frequency_hz < 0.45 * sample_rate:
            tone += amplitude * np.sin(harmonic * phase)
    swell = 0.8 + 0.2 * np.exp(-t / 0.25)  # a little bloom on the attack, then steady
    return _finish(tone * swell, LEAD_ATTACK_S, sample_rate, 0.25)
