"""scipy.signal's sosfilt loop, without importing the rest of scipy.signal.

    sosfilt(sos, x, overwrite_x=False, zi=None) -> y, or (y, state after) when zi is given
                                  x: (channels, frames), filtered along the frames (float64,
                                  or complex128 when x is complex: two real signals in one)

Importing scipy.signal takes more than a second here (it brings scipy.stats, scipy.interpolate
and more with it): longer than the export's whole analysis of a 3-minute song, and on a tablet
longer still. Loudness (the K-weighting filters) needs only sosfilt's compiled loop, which is
loaded here from scipy's own file in about 20 ms (as studio/melody/butterworth.py keeps
scipy.signal out of the engine process).

That loop is one of scipy's private parts, so it is checked once, when first loaded, on a small
input against the same sums done here in Python. If this scipy's file is missing or does not
agree, scipy.signal's public sosfilt is used instead: the same results, only slower to import.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import sys
import threading

import numpy as np

_lock = threading.Lock()
_NOT_LOADED = object()
_sosfilt_loop = _NOT_LOADED  # scipy's loop once loaded, or None (the public sosfilt is used)


def sosfilt(sos: np.ndarray, x: np.ndarray, overwrite_x: bool = False, zi: np.ndarray | None = None):
    """scipy.signal.sosfilt(sos, x, axis=1): float64 (channels, frames), from rest, or from the
    state zi (channels, sections, 2) a call before left, when given: then (y, the state after).
    overwrite_x: x may be filtered in place when it is of the result's type and C-ordered (saves
    a copy). A complex x is filtered as complex128: with real sections, its real and imaginary
    parts come out exactly as each filtered alone, and the loop runs the two at once."""
    loop = _loop()
    dtype = np.complex128 if np.iscomplexobj(x) else np.float64
    sos = np.asarray(sos, np.float64)
    state = np.zeros((len(x), len(sos), 2), dtype) if zi is None else np.array(zi, dtype, order="C")
    if loop is None:
        from scipy.signal import sosfilt as public_sosfilt

        y, after = public_sosfilt(sos, np.asarray(x, dtype), axis=1, zi=state.transpose(1, 0, 2))
        return y if zi is None else (y, np.ascontiguousarray(after.transpose(1, 0, 2)))
    y = np.array(x, dtype, order="C", copy=None if overwrite_x else True)  # filtered in place
    loop(sos.astype(dtype), y, state)  # the state is left as the filters end
    return y if zi is None else (y, state)


def using_scipy_loop() -> bool:
    """True when the loop is scipy's own, loaded alone (False: scipy.signal is imported)."""
    return _loop() is not None


def _loop():
    global _sosfilt_loop
    with _lock:
        if _sosfilt_loop is _NOT_LOADED:
            try:
                _sosfilt_loop = _load_sosfilt()
            except Exception:  # not this scipy's layout: the public function instead
                _sosfilt_loop = None
        return _sosfilt_loop


def _load_sosfilt():
    loop = _module("_sosfilt")._sosfilt
    sos = np.array([[0.5, 0.2, 0.1, 1.0, -0.3, 0.1], [1.0, -1.0, 0.25, 1.0, 0.2, -0.05]])
    x = np.array([[1.0, 0.0, -0.5, 0.25, 0.0, 0.0, 0.0, 0.0]])
    y = x.copy()
    loop(sos, y, np.zeros((1, 2, 2)))
    expected = _sosfilt_in_python(sos, x[0])
    if not np.allclose(y[0], expected, rtol=0, atol=1e-12):
        raise ValueError("scipy's sosfilt loop does not agree")
    pair = (x - 2j * x).astype(np.complex128)  # two signals in one: x, and -2 x
    loop(sos.astype(np.complex128), pair, np.zeros((1, 2, 2), np.complex128))
    if not np.allclose(pair[0], expected - 2j * expected, rtol=0, atol=1e-12):
        raise ValueError("scipy's sosfilt loop does not agree on complex signals")
    return loop


def _module(name: str):
    """scipy.signal's compiled module `name`, loaded from its file without scipy.signal's __init__.
    It is entered in sys.modules, so a later import of scipy.signal uses this same module."""
    full_name = f"scipy.signal.{name}"
    if full_name in sys.modules:
        return sys.modules[full_name]
    import scipy

    folder = os.path.join(os.path.dirname(scipy.__file__), "signal")
    paths = sorted(glob.glob(os.path.join(folder, f"{name}.*.so")) + glob.glob(os.path.join(folder, f"{name}.*.pyd")))
    spec = importlib.util.spec_from_file_location(full_name, paths[0])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[full_name] = module
    return module


def _sosfilt_in_python(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The sections one after the other, sample by sample (direct form I): the check's reference."""
    signal = list(x)
    for b0, b1, b2, _, a1, a2 in sos:
        out, x1, x2, y1, y2 = [], 0.0, 0.0, 0.0, 0.0
        for value in signal:
            y = b0 * value + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            out.append(y)
            x1, x2, y1, y2 = value, x1, y, y1
        signal = out
    return np.array(signal)
