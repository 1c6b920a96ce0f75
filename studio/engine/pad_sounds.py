"""Loading the pads' sounds in the engine: a kit's one-shots, or silence and a plain message."""

from __future__ import annotations

from collections.abc import Callable

from studio.beats.pad_sounds import PadSounds, pad_sounds_of
from studio.engine.messages import EngineEvent
from studio.kits.errors import KitError
from studio.kits.library import load_kit


def load_pad_sounds(kit_name: str, sample_rate: int, emit: Callable[[EngineEvent], None]) -> PadSounds:
    """The kit's one-shots in pad order; on any problem the pads stay silent and emit() says why.

    Runs in the engine's main thread, never the audio thread: it reads files.
    """
    try:
        kit = load_kit(kit_name, sample_rate)
    except (KitError, OSError) as error:
        emit(EngineEvent("error", f"The drum kit could not be loaded, so the pads are silent: {error}"))
        return PadSounds.silent()
    for warning in kit.warnings:
        emit(EngineEvent("notice", warning))
    return pad_sounds_of(kit)
