"""The pyo build the whole engine uses: pyo64, pyo with 64-bit samples.

Why not the default 32-bit build: a deck reads a track from a table at a position that moves by
one sample per sample. In 32-bit floats a position past about 5 minutes of audio cannot hold a
fraction of a sample, and even at 2.5 minutes a 9 kHz sine read back at normal speed came out with
an error of -12 dB (measured); with pyo64 the error is below -170 dB. Every object and table in one
server must come from the same build, so the whole engine uses this one. Import pyo from here:

    from studio.audio.dsp import pyo
"""

import os

os.environ.setdefault("PYO_GUI_WX", "0")  # pyo looks for wxPython on import unless told not to

import pyo64 as pyo  # noqa: E402

# pyo's TrigEnv plays a table over `dur` and reads on while its position is at most the table's
# size. At exactly speed 1 its last read falls on position == size, where linear interpolation
# also reads one value past the table's end: memory pyo never wrote. Now and then that was a
# full-scale spike (or NaN) on the last sample of a one-shot. A duration this many frames
# shorter makes the player a hair faster (a millionth of a sample over the whole table), so it
# stops before it gets there.
TRIGENV_END_FRAMES = 1e-6


def trigenv_dur_s(frames: int, sample_rate: float, speed: float = 1.0) -> float:
    """The `dur` for a TrigEnv that plays a table of `frames` frames at `speed` (1: as recorded)."""
    return max((frames - TRIGENV_END_FRAMES) / (sample_rate * speed), 0.001)


__all__ = ["pyo", "trigenv_dur_s"]
