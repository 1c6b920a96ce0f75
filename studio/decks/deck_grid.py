"""A track's beat grid in frames: beat n falls on first_beat_frame + n * beat_frames.

The arithmetic that cues, loops, beat jumps and sync share. Beats before the first downbeat
have negative numbers. A grid with bpm 0 means "no clear beat": beat-based actions then use
the track's time in seconds instead (see ``fallback``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FALLBACK_BPM = 120.0  # with no clear beat, loops and jumps count beats of this length


@dataclass(frozen=True)
class DeckGrid:
    bpm: float
    first_beat_frame: float
    sample_rate: int

    @classmethod
    def from_seconds(cls, bpm: float, first_beat_s: float, sample_rate: int) -> "DeckGrid":
        return cls(bpm, first_beat_s * sample_rate, sample_rate)

    @property
    def has_beat(self) -> bool:
        return self.bpm > 0

    @property
    def beat_frames(self) -> float:
        return 60.0 * self.sample_rate / (self.bpm if self.bpm > 0 else FALLBACK_BPM)

    def beat_at(self, frame: float) -> float:
        """Which beat frame falls in, with the fraction: 2.5 is half way from beat 2 to 3."""
        return (frame - self.first_beat_frame) / self.beat_frames

    def frame_of_beat(self, beat: float) -> float:
        return self.first_beat_frame + beat * self.beat_frames

    def beat_phase(self, frame: float) -> float:
        """Where frame is within its beat: 0 on the beat .. just under 1."""
        return self.beat_at(frame) % 1.0

    def previous_beat_frame(self, frame: float) -> float:
        """The beat at or before frame (a loop set now starts here: quantised, as on a CDJ)."""
        return self.frame_of_beat(math.floor(self.beat_at(frame) + 1e-6))

    def nearest_beat_frame(self, frame: float) -> float:
        return self.frame_of_beat(round(self.beat_at(frame)))


def sync_multiple(own_bpm: float, leader_bpm: float) -> float:
    """The factor (1/2, 1 or 2) that brings leader_bpm nearest to own_bpm, so that a 70 BPM track
    synced to a 140 BPM one plays at 70 (every other beat), not at double speed."""
    best = min((0.5, 1.0, 2.0), key=lambda factor: abs(math.log(leader_bpm * factor / own_bpm)))
    return best


def phase_shift_beats(own_phase: float, leader_phase: float) -> float:
    """How far (in beats, -0.5..0.5) to move to land on the leader's phase by the shortest way."""
    shift = leader_phase - own_phase
    return shift - round(shift)
