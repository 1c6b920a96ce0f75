"""What the screen is told of a deck, about 25 times a second (no pyo here: the app imports it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DeckStatus:
    """What the screen shows of one deck (plain data, sent with EngineState)."""

    loaded: bool = False
    loading: float = -1.0  # 0..1 while a track is copied in; -1 otherwise
    title: str = ""
    artist: str = ""
    source_path: str = ""
    duration_s: float = 0.0
    position_s: float = 0.0
    playing: bool = False
    rate: float = 1.0  # the tempo asked for (tempo fader or sync), 1.0 the track's own
    speed: float = 0.0  # how fast the track is moving now: with nudge, scratching and cue preview; 0 stopped
    bpm: float = 0.0  # as it plays (the track's own times the rate)
    track_bpm: float = 0.0
    first_beat_s: float = 0.0
    cue_s: float = 0.0
    hot_cues_s: tuple = ()
    loop_s: tuple | None = None  # (start, end) while looping
    rolling: bool = False
    synced: bool = False
    key_lock_engaged: bool = False
    meter_db: float = -120.0
