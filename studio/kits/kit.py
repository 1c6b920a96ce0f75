"""A kit and its sounds, as plain data: samples in memory, ready for the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.kits.gm_notes import HI_HAT_NOTES, family, gm_drum_name

ENGINE_SAMPLE_RATE = 48000
MAX_KIT_SOUNDS = 16  # one per pad
MIN_GAIN_DB, MAX_GAIN_DB = -60.0, 6.0  # the same range as a pad's volume

# Pad colours by kind of sound, so a patient can find "the kick" by colour as well as by name.
FAMILY_COLOURS = {
    "kick": "#e8505b", "snare": "#f9a03f", "clap": "#f6d04d", "hat": "#4fc3f7",
    "tom": "#9ccc65", "cymbal": "#7986cb", "percussion": "#ba68c8",
}


@dataclass(frozen=True)
class KitSound:
    name: str
    path: Path  # where it was read from (inside an .h2drumkit: the archive's path / the member's path)
    samples: np.ndarray = field(repr=False)  # float32, (frames,) mono or (frames, 2) stereo
    sample_rate: int = ENGINE_SAMPLE_RATE
    gm_note: int = 36
    gain_db: float = 0.0
    pan: float = 0.0  # -1 (left) .. +1 (right)
    choke_group: int = 0  # 0 = none; a hit silences the other sounds of its group

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def channel_count(self) -> int:
        return 1 if self.samples.ndim == 1 else self.samples.shape[1]

    @property
    def family(self) -> str:
        return family(self.gm_note)

    @property
    def colour(self) -> str:
        return FAMILY_COLOURS[self.family]

    @property
    def gm_name(self) -> str:
        return gm_drum_name(self.gm_note)


@dataclass
class Kit:
    name: str
    sounds: list[KitSound]
    source: Path  # the folder, drumkit.xml's folder or .h2drumkit archive it came from
    warnings: list[str] = field(default_factory=list)  # sounds skipped and why, in plain words

    def sound_for_note(self, gm_note: int) -> KitSound | None:
        return next((sound for sound in self.sounds if sound.gm_note == gm_note), None)


def clamp_gain_db(gain_db: float) -> float:
    return float(min(MAX_GAIN_DB, max(MIN_GAIN_DB, gain_db)))


def clamp_pan(pan: float) -> float:
    return float(min(1.0, max(-1.0, pan)))


def hi_hat_choke_groups(gm_notes: list[int], choke_groups: list[int]) -> list[int]:
    """Choke groups with the hi-hats (closed, pedal, open) sharing one, so a closed hat cuts an open
    hat off as on a real kit. Groups already set are kept; the hats get a group no other sound uses."""
    hats = [i for i, note in enumerate(gm_notes) if note in HI_HAT_NOTES]
    if len(hats) < 2 or any(choke_groups[i] for i in hats):
        return list(choke_groups)
    free_group = max(choke_groups, default=0) + 1
    return [free_group if i in hats else group for i, group in enumerate(choke_groups)]
