"""Metal voices: hi-hats, cymbals, cowbell, agogo, triangle, tambourine and bells.

Metal rings at many inharmonic frequencies at once; these are made from clusters of square waves
at unrelated pitches (the TR-808's trick) or sums of ringing partials, plus filtered noise.
"""

from __future__ import annotations

import numpy as np

from studio.kits.synth.dsp import bandpass, decay, highpass, lowpass, mix, modes, noise, square, times

# The six square-wave pitches of the TR-808's cymbal and hats: no two share a simple ratio.
METAL_PITCHES_HZ = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


def metal_cluster(duration_s: float, tune: float = 1.0) -> np.ndarray:
    return sum(square(duration_s, pitch * tune, phase=index) for index, pitch in enumerate(METAL_PITCHES_HZ)) / 6


def hat(
    seed: int, decay_s: float = 0.07, tune: float = 1.0, low_hz: float = 6500.0, metal: float = 0.6,
    attack_ms: float = 0.0, duration_s: float = 0.3,
) -> np.ndarray:
    """A hi-hat: a metal cluster and noise, high-passed above low_hz. Closed: decay_s about 0.05-0.1;
    open: 0.4-0.8; pedal: short and softer."""
    source = mix((metal_cluster(duration_s, tune), metal), (noise(duration_s, seed), 1.0 - metal * 0.5))
    bright = highpass(bandpass(source, low_hz, min(low_hz * 1.9, 19000), order=2), low_hz, order=2)
    return lowpass(bright, 13000, order=1) * decay(duration_s, decay_s, attack_ms)


def crash(seed: int, decay_s: float = 1.6, tune: float = 1.0, duration_s: float = 1.5) -> np.ndarray:
    """A crash: a wash of bright noise and metal, with a darker body that dies away sooner."""
    source = mix((metal_cluster(duration_s, tune), 0.5), (noise(duration_s, seed), 0.8))
    wash = lowpass(highpass(source, 4000, order=2), 9000, order=1) * decay(duration_s, decay_s, attack_ms=1.0)
    body = bandpass(noise(duration_s, seed + 1), 900, 4000) * decay(duration_s, decay_s * 0.35)
    return mix((wash, 1.0), (body, 0.5))


def ride(seed: int, decay_s: float = 1.6, duration_s: float = 1.4) -> np.ndarray:
    """A ride: a clear ping (a few long partials) over a quiet wash, and the stick's tick."""
    partials = [(3125.0, 0.6, decay_s), (4310.0, 0.5, decay_s * 0.8), (5230.0, 0.45, decay_s * 0.7),
                (6640.0, 0.35, decay_s * 0.6), (7770.0, 0.3, decay_s * 0.5), (2260.0, 0.3, decay_s * 0.5)]
    ping = modes(duration_s, partials)
    wash = highpass(mix((metal_cluster(duration_s, 1.9), 0.6), (noise(duration_s, seed + 1), 0.6)), 4500)
    wash = lowpass(wash, 10000, order=1) * decay(duration_s, decay_s * 0.7)
    tick = highpass(noise(duration_s, seed + 2), 3000) * decay(duration_s, 0.01)
    return mix((ping, 0.45), (wash, 0.6), (tick, 0.5))


def ride_bell(seed: int, decay_s: float = 1.5, duration_s: float = 1.4) -> np.ndarray:
    """The bell of the ride: strong partials from the cup, ringing longer than the bow."""
    partials = [(735.0, 0.6, decay_s), (1950.0, 1.0, decay_s), (2680.0, 0.6, decay_s * 0.8),
                (3960.0, 0.5, decay_s * 0.7), (5370.0, 0.3, decay_s * 0.5)]
    wash = highpass(noise(duration_s, seed + 1), 5000) * decay(duration_s, decay_s * 0.4)
    return mix((modes(duration_s, partials), 1.0), (wash, 0.1))


def cowbell(seed: int, tune: float = 1.0, decay_s: float = 0.45, duration_s: float = 0.5) -> np.ndarray:
    """The 808 cowbell: two square waves a sixth apart, band-passed, with a fast then slow decay."""
    pair = square(duration_s, 540.0 * tune) + square(duration_s, 800.0 * tune, phase=1.0)
    envelope = 0.6 * decay(duration_s, 0.06) + 0.4 * decay(duration_s, decay_s)
    return bandpass(pair, 450 * tune, 2600 * tune) * envelope


def agogo(seed: int, tone_hz: float = 920.0, decay_s: float = 0.6, duration_s: float = 0.6) -> np.ndarray:
    """An agogo bell: a bright, singing fundamental with inharmonic partials above it."""
    partials = [(tone_hz, 1.0, decay_s), (tone_hz * 2.71, 0.45, decay_s * 0.5), (tone_hz * 4.95, 0.2, decay_s * 0.3)]
    strike = highpass(noise(duration_s, seed + 1), 3000) * decay(duration_s, 0.006)
    return mix((modes(duration_s, partials), 1.0), (strike, 0.25))


def triangle(seed: int, decay_s: float = 1.8, duration_s: float = 1.4) -> np.ndarray:
    """A triangle: many high partials ringing a long time; decay_s short (0.12) for a muted one."""
    base_hz = 1245.0
    ratios = (1.0, 2.74, 3.51, 4.32, 5.39, 6.41, 7.53)
    partials = [(base_hz * r, 0.9 / (1 + i * 0.35), decay_s * (1 - i * 0.08)) for i, r in enumerate(ratios)]
    strike = highpass(noise(duration_s, seed + 1), 5000) * decay(duration_s, 0.004)
    return mix((modes(duration_s, partials), 1.0), (strike, 0.3))


def tambourine(seed: int, decay_s: float = 0.3, duration_s: float = 0.4) -> np.ndarray:
    """A tambourine: jingles hit a few ms apart (bursts of bright noise) and their ringing metal."""
    t = times(duration_s)
    envelope = sum(np.where(t >= start_s, 10 ** (-3 * np.clip(t - start_s, 0, None) / ring_s), 0)
                   for start_s, ring_s in ((0.0, decay_s), (0.009, decay_s * 0.7), (0.021, decay_s * 0.5)))
    jingles = lowpass(highpass(noise(duration_s, seed), 5500, order=3), 11000, order=1) * envelope
    ring = modes(duration_s, [(6100.0, 0.2, decay_s), (7900.0, 0.2, decay_s), (9300.0, 0.15, decay_s)])
    return mix((jingles, 1.0), (ring, 0.5))


def bell_perc(seed: int, tone_hz: float = 1320.0, decay_s: float = 0.5, duration_s: float = 0.5) -> np.ndarray:
    """A small electronic bell for trap and house hooks: sine partials at bell ratios, rounded off."""
    partials = [(tone_hz, 1.0, decay_s), (tone_hz * 2.0, 0.35, decay_s * 0.6), (tone_hz * 3.01, 0.18, decay_s * 0.4)]
    return lowpass(modes(duration_s, partials), 9000)
