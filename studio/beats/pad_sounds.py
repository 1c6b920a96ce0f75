"""A kit laid out on the 16 pads: one one-shot and the kit's choke group per pad."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.beats.model import PAD_COUNT
from studio.kits.kit import Kit


@dataclass
class PadSounds:
    samples: list[np.ndarray | None]  # one one-shot per pad (None: silent)
    choke_groups: list[int]  # the kit's choke group per pad (0: none)

    @classmethod
    def silent(cls) -> "PadSounds":
        return cls([None] * PAD_COUNT, [0] * PAD_COUNT)


def pad_sounds_of(kit: Kit) -> PadSounds:
    """The kit's sounds in order on pads 1, 2, 3...; pads beyond the kit's sounds are silent."""
    sounds = kit.sounds[:PAD_COUNT]
    missing = PAD_COUNT - len(sounds)
    return PadSounds(
        [sound.samples for sound in sounds] + [None] * missing,
        [sound.choke_group for sound in sounds] + [0] * missing,
    )
