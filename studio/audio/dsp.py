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

__all__ = ["pyo"]
