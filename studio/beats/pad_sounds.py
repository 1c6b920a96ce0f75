"""A kit laid out on the 16 pads: one one-shot and the kit's choke group per pad."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.beats.model import PAD_COUNT
from studio.kits.kit import Kit


# General MIDI drum notes for pads without a kit sound, so every pad answers some note.
FALLBACK_PAD_NOTES = [36, 38, 42, 46, 39, 37, 41, 45, 48, 49, 51, 56, 54, 75, 63, 64]


@dataclass
class PadSounds:
    samples: list[np.ndarray | None]  # one one-shot per pad (None: silent)
    choke_groups: list[int]  # the kit's choke group per pad (0: none)
    midi_notes: list[int]  # the MIDI note that plays each pad (General MIDI drums)
    # The kit's own level and placement of each sound, under the beat's pad settings.
    gains_db: list[float] = field(default_factory=lambda: [0.0] * PAD_COUNT)
    pans: list[float] = field(default_factory=lambda: [0.0] * PAD_COUNT)

    @classmethod
    def silent(cls) -> "PadSounds":
        return cls([None] * PAD_COUNT, [0] * PAD_COUNT, list(FALLBACK_PAD_NOTES))


def pad_sounds_of(kit: Kit) -> PadSounds:
    """The kit's sounds in order on pads 1, 2, 3...; pads beyond the kit's sounds are silent."""
    sounds = kit.sounds[:PAD_COUNT]
    missing = PAD_COUNT - len(sounds)
    notes = [sound.gm_note for sound in sounds]
    spare_notes = [note for note in FALLBACK_PAD_NOTES if note not in notes]
    return PadSounds(
        [sound.samples for sound in sounds] + [None] * missing,
        [sound.choke_group for sound in sounds] + [0] * missing,
        notes + spare_notes[:missing],
        [sound.gain_db for sound in sounds] + [0.0] * missing,
        [sound.pan for sound in sounds] + [0.0] * missing,
    )
