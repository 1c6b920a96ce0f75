"""Port latencies as JACK reports them, for lining takes up with what the singer heard.

The JACK-Client package does not wrap jack_port_get_latency_range, so this calls libjack
through ctypes with the package's own client handle.
"""

from __future__ import annotations

import ctypes
import ctypes.util

CAPTURE, PLAYBACK = 0, 1  # JackCaptureLatency, JackPlaybackLatency


class _Range(ctypes.Structure):
    _fields_ = [("min", ctypes.c_uint32), ("max", ctypes.c_uint32)]


_lib = None


def _libjack():
    global _lib
    if _lib is None:
        lib = ctypes.CDLL(ctypes.util.find_library("jack") or "libjack.so.0")
        lib.jack_port_by_name.restype = ctypes.c_void_p
        lib.jack_port_by_name.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.jack_port_get_latency_range.restype = None
        lib.jack_port_get_latency_range.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(_Range)]
        _lib = lib
    return _lib


def port_latency_frames(client, port_name: str, capture: bool) -> int:
    """The most latency JACK reports for a port (a jack.Client's view): from the physical input
    to it (capture) or from it to the physical output (playback); 0 when it cannot be read."""
    import jack

    try:
        lib = _libjack()
        handle = ctypes.c_void_p(int(jack._ffi.cast("uintptr_t", client._ptr)))
        port = lib.jack_port_by_name(handle, port_name.encode())
        if not port:
            return 0
        found = _Range()
        lib.jack_port_get_latency_range(ctypes.c_void_p(port), CAPTURE if capture else PLAYBACK, ctypes.byref(found))
        return int(found.max)
    except (OSError, AttributeError, TypeError):
        return 0
