"""Drum voices: kicks, 808s, snares, claps, snaps, rims, side sticks and toms.

Each returns raw float64 samples at dsp.SAMPLE_RATE; recipes.py levels, trims and fades them.
"""

from __future__ import annotations

import numpy as np

from studio.kits.synth.dsp import (
    bandpass, decay, gliding_sine, highpass, lowpass, mix, modes, noise, resonator, saturate, times,
)


def kick(
    seed: int, tone_hz: float = 52.0, start_hz: float = 160.0, glide_s: float = 0.035, decay_s: float = 0.5,
    knock: float = 0.25, click: float = 0.4, click_hz: float = 3000.0, drive: float = 1.5, duration_s: float = 0.8,
) -> np.ndarray:
    """A pitched sine falling from start_hz to tone_hz (the body), a short knock an octave up (the
    punch on small speakers), and a burst of filtered noise (the beater's click)."""
    body = gliding_sine(duration_s, tone_hz, start_hz, glide_s, phase=np.pi / 2) * decay(duration_s, decay_s)
    punch = gliding_sine(duration_s, tone_hz * 2, start_hz * 2, glide_s * 0.6) * decay(duration_s, 0.07)
    beater = bandpass(noise(duration_s, seed), click_hz * 0.5, min(click_hz * 3, 20000)) * decay(duration_s, 0.012)
    return saturate(mix((body, 1.0), (punch, knock), (beater, click)), drive)


def bass_808(
    seed: int, tone_hz: float = 49.0, decay_s: float = 2.6, drive: float = 2.2, glide_ratio: float = 1.5,
    duration_s: float = 2.0,
) -> np.ndarray:
    """The long tuned 808 bass: a sine with a small pitch drop and a long decay, saturated so its
    harmonics carry the note on speakers that cannot play the fundamental."""
    body = gliding_sine(duration_s, tone_hz, tone_hz * glide_ratio, 0.03, phase=np.pi / 2)
    body *= decay(duration_s, decay_s) * (1 - 0.35 * (1 - decay(duration_s, 0.25)))  # a touch of punch up front
    tick = highpass(noise(duration_s, seed), 2000) * decay(duration_s, 0.006)
    return lowpass(saturate(body, drive), 5000) + 0.05 * tick


def snare(
    seed: int, tone_hz: float = 185.0, tone_decay_s: float = 0.15, noise_decay_s: float = 0.28,
    noise_low_hz: float = 1200.0, noise_high_hz: float = 9000.0, wires: float = 0.8, crack: float = 0.35,
    drive: float = 1.2, duration_s: float = 0.6,
) -> np.ndarray:
    """Two head modes (the tone) and band-passed noise (the wires), with a short bright crack."""
    head = gliding_sine(duration_s, tone_hz, tone_hz * 1.5, 0.012) * decay(duration_s, tone_decay_s)
    overtone = gliding_sine(duration_s, tone_hz * 1.62, tone_hz * 2.2, 0.01) * decay(duration_s, tone_decay_s * 0.6)
    wire_noise = bandpass(noise(duration_s, seed), noise_low_hz, noise_high_hz) * decay(duration_s, noise_decay_s)
    crack_noise = highpass(noise(duration_s, seed + 1), 3000) * decay(duration_s, 0.03)
    return saturate(mix((head, 0.7), (overtone, 0.3), (wire_noise, wires), (crack_noise, crack)), drive)


def clap(
    seed: int, bursts: int = 4, spacing_ms: float = 10.0, centre_hz: float = 1200.0, tail_decay_s: float = 0.3,
    duration_s: float = 0.6,
) -> np.ndarray:
    """Several hands a few ms apart (short noise bursts), then the room's tail: all band-passed round
    centre_hz with a resonance, as a real clap's energy sits there."""
    t = times(duration_s)
    gaps_ms = spacing_ms * (1 + 0.25 * np.sin(np.arange(bursts) * 2.1))  # uneven, like real hands
    starts_s = np.concatenate([[0.0], np.cumsum(gaps_ms[:-1]) / 1000])
    envelope = np.zeros_like(t)
    for index, start_s in enumerate(starts_s):
        after = np.clip(t - start_s, 0, None)
        ring_s = tail_decay_s if index == bursts - 1 else 0.025
        envelope = np.maximum(envelope, np.where(t >= start_s, 10 ** (-3 * after / ring_s), 0))
    source = noise(duration_s, seed) * envelope
    body = bandpass(source, centre_hz * 0.6, centre_hz * 3.5)
    return body + 0.6 * resonator(source, centre_hz, 3.0)


def snap(seed: int, centre_hz: float = 2200.0, duration_s: float = 0.25) -> np.ndarray:
    """A finger snap: one sharp, narrow burst of noise."""
    burst = noise(duration_s, seed) * decay(duration_s, 0.07)
    return bandpass(burst, centre_hz * 0.5, centre_hz * 2.5) + 0.8 * resonator(burst, centre_hz, 5.0)


def rim_click(seed: int, duration_s: float = 0.15) -> np.ndarray:
    """An electronic rim shot: two high, short modes and a click."""
    ring = modes(duration_s, [(1720.0, 1.0, 0.05), (480.0, 0.6, 0.06), (3300.0, 0.3, 0.03)])
    click = highpass(noise(duration_s, seed + 1), 2500) * decay(duration_s, 0.004)
    return highpass(ring + 0.5 * click, 300)


def side_stick(seed: int, duration_s: float = 0.25) -> np.ndarray:
    """A stick laid across the snare and struck on the rim: a woody knock and a little of the drum."""
    wood = modes(duration_s, [(540.0, 1.0, 0.09), (1480.0, 0.7, 0.06), (2650.0, 0.35, 0.04)])
    shell = gliding_sine(duration_s, 200.0, 260.0, 0.01) * decay(duration_s, 0.12)
    click = bandpass(noise(duration_s, seed + 1), 1500, 7000) * decay(duration_s, 0.008)
    return mix((wood, 1.0), (shell, 0.35), (click, 0.8))


def tom(
    seed: int, tone_hz: float = 110.0, decay_s: float = 0.5, bend: float = 1.35, stick: float = 0.3,
    duration_s: float = 0.8,
) -> np.ndarray:
    """A tom: a head that drops a little in pitch as it rings, a second mode, and the stick's attack."""
    head = gliding_sine(duration_s, tone_hz, tone_hz * bend, 0.05, phase=np.pi / 2) * decay(duration_s, decay_s)
    overtone = gliding_sine(duration_s, tone_hz * 1.59, tone_hz * 1.59 * bend, 0.04) * decay(duration_s, decay_s * 0.5)
    attack = lowpass(noise(duration_s, seed), 4000) * decay(duration_s, 0.015)
    return saturate(mix((head, 1.0), (overtone, 0.3), (attack, stick)), 1.2)
