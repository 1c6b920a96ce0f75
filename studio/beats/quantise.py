"""Live recording's quantise: where a pad hit played over the beat goes in the pattern.

The engine reports each hit with its song position in steps (see sequencer_graph.LiveHit),
counted on the swung grid the sequencer plays. Quantise rounds it to the nearest line of a
grid, also swung, as on an MPC: "1/16" puts a slightly late off-beat on the swung sixteenth.
"Off" keeps the tick it fell on (96 to a beat).
"""

from __future__ import annotations

from studio.beats.model import STEPS_PER_BEAT, TICKS_PER_STEP

TICKS_PER_BEAT = STEPS_PER_BEAT * TICKS_PER_STEP
# name -> grid spacing in ticks, in the order a chooser shows them.
QUANTISE_GRIDS: dict[str, int] = {
    "Off": 1,
    "1/8": TICKS_PER_BEAT // 2,
    "1/16": TICKS_PER_BEAT // 4,
    "1/32": TICKS_PER_BEAT // 8,
    "1/8 triplets": TICKS_PER_BEAT // 3,
    "1/16 triplets": TICKS_PER_BEAT // 6,
}
DEFAULT_QUANTISE = "1/16"


def quantised_tick(song_position_steps: float, grid: str, song_ticks: int) -> int | None:
    """The song tick a hit goes on, or None for a hit too early in the count-in to belong.

    A hit just before the song's first step (the count-in's end) or just before the loop
    comes round again goes on the first step: the player was early, not a whole bar late.
    """
    if grid not in QUANTISE_GRIDS:
        raise ValueError(f"quantise must be one of {', '.join(QUANTISE_GRIDS)}, got {grid!r}")
    if song_ticks <= 0:
        raise ValueError(f"the song must have ticks, got {song_ticks}")
    spacing = QUANTISE_GRIDS[grid]
    tick = round(song_position_steps * TICKS_PER_STEP / spacing) * spacing
    if tick < 0:
        return None
    return tick % song_ticks
