"""Finding a way to make sound: JACK if a server is running, else PortAudio, else silent."""

from __future__ import annotations

import contextlib
import os
import sys

from studio.settings import check_backend

NO_OUTPUT_MESSAGE = "No audio output found: the studio works, but sounds are silent"


@contextlib.contextmanager
def quiet_native_stderr():
    """Hide what C libraries (ALSA, libjack) print to stderr while probing for devices.

    Probing is expected to fail on machines without that device; the engine says so in
    plain words instead. Only used while the engine starts, before any audio runs.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    sys.stderr.flush()
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def jack_server_running() -> bool:
    """True if a JACK server is up. Never starts one."""
    os.environ.setdefault("JACK_NO_START_SERVER", "1")
    try:
        import jack  # JACK-Client; needs libjack, which may be missing on a tablet
    except (ImportError, OSError):
        return False
    try:
        with quiet_native_stderr():
            client = jack.Client("ward-studio-probe", no_start_server=True)
    except jack.JackError:
        return False
    client.close()
    return True


def portaudio_output_available() -> bool:
    """True if PortAudio sees a default output device."""
    from studio.audio.dsp import pyo

    try:
        with quiet_native_stderr():
            return pyo.pa_get_default_output() >= 0
    except Exception:  # pyo raises plain errors when PortAudio cannot initialise
        return False


def choose_backend(requested: str) -> tuple[str, str]:
    """Pick the backend to try first. Returns (backend, why) with why in plain words."""
    check_backend(requested)
    if requested != "auto":
        return requested, f"{requested} chosen in the settings"
    if jack_server_running():
        return "jack", "a JACK server is running"
    if portaudio_output_available():
        return "portaudio", "using the system sound device"
    return "none", NO_OUTPUT_MESSAGE
