"""Making pyo servers for every mode the studio runs in.

live:    "jack" or "portaudio", a real sound device
silent:  "none", a manual server that the engine paces with a clock (no sound card needed)
offline: renders to a file faster than real time (export)
manual:  tests call process() themselves, block by block

pyo keeps one server per process: shut one down before making the next.
"""

from __future__ import annotations

from studio.audio.dsp import pyo

from studio.audio.backends import portaudio_output_available, quiet_native_stderr

LIVE_MODES = ("jack", "portaudio")
ALL_MODES = ("jack", "portaudio", "none", "offline", "manual")


class AudioStartError(RuntimeError):
    """The audio device could not be opened; the message says why in plain words."""


def make_server(
    mode: str,
    sample_rate: int = 48000,
    buffer_size: int = 256,
    channels: int = 2,
    jack_client_name: str = "ward-studio",
) -> pyo.Server:
    """Create and boot a pyo server (not yet started). Raises AudioStartError if it cannot boot."""
    if mode not in ALL_MODES:
        raise ValueError(f"server mode must be one of {', '.join(ALL_MODES)}, got {mode!r}")
    if mode == "portaudio" and not portaudio_output_available():
        # pyo 1.1 crashes the whole process when it boots PortAudio with no device at all.
        raise AudioStartError("No sound device was found")
    audio = {"none": "manual", "offline": "offline", "manual": "manual"}.get(mode, mode)
    # MIDI goes through mido/rtmidi in its own module; pyo's own MIDI stays off unless on JACK,
    # where it is harmless, so pyo never opens ALSA sequencer devices that may not exist.
    midi = "jack" if mode == "jack" else "portmidi"
    server = pyo.Server(
        sr=sample_rate,
        nchnls=channels,
        buffersize=buffer_size,
        # The microphone (studio/mic) comes in through JACK's input_1; PortAudio's input
        # devices are not opened yet (a missing one would stop the output from starting).
        duplex=1 if mode == "jack" else 0,
        ichnls=1,
        audio=audio,
        jackname=jack_client_name,
        midi=midi,
        verbosity=1,  # errors only: pyo's own messages are not for users
    )
    if midi == "portmidi":
        server.deactivateMidi()
    if mode in LIVE_MODES:
        with quiet_native_stderr():  # a missing device is reported in plain words below
            server.boot()
    else:
        server.boot()
    if not server.getIsBooted():
        server.shutdown()
        raise AudioStartError(_boot_failure_message(mode))
    return server


def _boot_failure_message(mode: str) -> str:
    if mode == "jack":
        return "Could not connect to the JACK audio server (is it running?)"
    if mode == "portaudio":
        return "Could not open the sound device (it may be unplugged or in use by another app)"
    return f"Could not start the {mode} audio server"
