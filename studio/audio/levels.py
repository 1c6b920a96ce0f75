"""Decibel helpers."""

from __future__ import annotations

import math

from studio.controls import SILENCE_DB


def db_to_amp(gain_db: float) -> float:
    """Linear amplitude for a gain in dB; at or below SILENCE_DB this is exactly 0."""
    if gain_db <= SILENCE_DB:
        return 0.0
    return 10.0 ** (gain_db / 20.0)


def amp_to_db(amplitude: float) -> float:
    """Level in dBFS of a linear amplitude, floored at SILENCE_DB."""
    if amplitude <= 0.0:
        return SILENCE_DB
    return max(SILENCE_DB, 20.0 * math.log10(amplitude))
