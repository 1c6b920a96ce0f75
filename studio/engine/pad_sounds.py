"""Loading the pads' sounds for the engine: a kit's one-shots, or silence and a plain message."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from studio.beats.model import PAD_COUNT
from studio.engine.messages import EngineEvent
from studio.kits.errors import KitError
from studio.kits.library import load_kit


def load_pad_samples(
    kit_name: str, sample_rate: int, emit: Callable[[EngineEvent], None]
) -> list[np.ndarray | None]:
    """One one-shot per pad from the kit; on any problem the pads stay silent and emit() says why.

    Runs in the engine's main thread, never the audio thread: it reads files.
    """
    try:
        kit = load_kit(kit_name, sample_rate)
    except (KitError, OSError) as error:
        emit(EngineEvent("error", f"The drum kit could not be loaded, so the pads are silent: {error}"))
        return [None] * PAD_COUNT
    for warning in kit.warnings:
        emit(EngineEvent("notice", warning))
    samples: list[np.ndarray | None] = [sound.samples for sound in kit.sounds[:PAD_COUNT]]
    return samples + [None] * (PAD_COUNT - len(samples))
