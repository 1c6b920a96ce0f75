"""Hand and wood percussion: congas, bongos, timbales, claves, wood blocks and shakers."""

from __future__ import annotations

import numpy as np

from studio.kits.synth.dsp import bandpass, decay, gliding_sine, highpass, lowpass, mix, modes, noise, times


def hand_drum(
    seed: int, tone_hz: float, decay_s: float, slap: float = 0.3, bend: float = 1.08, duration_s: float = 0.6,
) -> np.ndarray:
    """A conga or bongo: a head tone bending down a little, its circular-membrane overtones (1.59, 2.14
    times the fundamental), and the slap of the hand (band-passed noise). A mute tone is a short decay_s
    and more slap."""
    head = gliding_sine(duration_s, tone_hz, tone_hz * bend, 0.02, phase=np.pi / 2) * decay(duration_s, decay_s)
    overtones = modes(duration_s, [(tone_hz * 1.59, 0.35, decay_s * 0.5), (tone_hz * 2.14, 0.2, decay_s * 0.35)])
    hand = bandpass(noise(duration_s, seed + 1), 800, 5000) * decay(duration_s, 0.02)
    return mix((head, 1.0), (overtones, 1.0), (hand, slap))


def timbale(seed: int, tone_hz: float = 420.0, decay_s: float = 0.7, duration_s: float = 0.7) -> np.ndarray:
    """A timbale: a thin head over a metal shell, so its overtones ring bright, plus a rim crack."""
    shell = [(tone_hz, 1.0, decay_s), (tone_hz * 1.51, 0.5, decay_s * 0.7), (tone_hz * 2.27, 0.35, decay_s * 0.6),
             (tone_hz * 3.6, 0.25, decay_s * 0.5), (tone_hz * 5.2, 0.15, decay_s * 0.4)]
    crack = highpass(noise(duration_s, seed + 1), 2000) * decay(duration_s, 0.015)
    return mix((modes(duration_s, shell), 1.0), (crack, 0.45))


def claves(seed: int, tone_hz: float = 2500.0, duration_s: float = 0.2) -> np.ndarray:
    """Two hardwood sticks: one clear high tone that stops fast."""
    return modes(duration_s, [(tone_hz, 1.0, 0.12), (tone_hz * 2.76, 0.12, 0.05)])


def wood_block(seed: int, tone_hz: float = 980.0, duration_s: float = 0.2) -> np.ndarray:
    """A hollow wood block: a knock with a wooden overtone and a short click."""
    knock = modes(duration_s, [(tone_hz, 1.0, 0.09), (tone_hz * 2.62, 0.35, 0.05), (tone_hz * 4.1, 0.15, 0.03)])
    click = bandpass(noise(duration_s, seed + 1), 2000, 8000) * decay(duration_s, 0.004)
    return mix((knock, 1.0), (click, 0.3))


def shaker(seed: int, length_s: float = 0.12, low_hz: float = 4500.0, duration_s: float = 0.25) -> np.ndarray:
    """One shake: many small grains, so bright noise that swells fast and falls away."""
    t = times(duration_s)
    swell = np.clip(t / 0.006, 0, 1) * 10 ** (-3 * np.clip(t - 0.012, 0, None) / length_s)
    grains = highpass(bandpass(noise(duration_s, seed), low_hz, min(low_hz * 2.6, 19000), order=2), low_hz)
    return lowpass(grains, 14000) * swell
