"""What can be added to a song, as lists the Export screen's pickers show: the current beat's
patterns, the Mic's vocal takes (best take first), and audio clips (the mixes recorded on the
Decks, which are stereo takes named "Mix 3", and the demo tracks). No kivy here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from studio.beats.model import PATTERN_NAMES, Beat
from studio.export.song import SAMPLES_DIR, pattern_bars

MIX_PREFIX = "Mix "
EXPORT_FOLDER_NAME = "Ward Studio"


@dataclass(frozen=True)
class PatternChoice:
    name: str  # "A".."H"
    bars: int  # one pass of it
    hits: int  # 0: an empty pattern (nothing would sound)


@dataclass(frozen=True)
class SourceChoice:
    source: str  # a take_id, or an audio clip's path (relative to samples/ for the demo tracks)
    title: str
    detail: str = ""


def minutes_text(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def pattern_choices(beat: Beat) -> list[PatternChoice]:
    """The beat's eight patterns, A to H, with how many hits each has."""
    choices = []
    for name in PATTERN_NAMES:
        pattern = beat.patterns.get(name)
        hits = sum(len(row.hits()) for row in pattern.rows) if pattern is not None else 0
        choices.append(PatternChoice(name, pattern_bars(beat, name), hits))
    return choices


def is_mix(take) -> bool:
    """A mix recorded on the Decks: a stereo take named "Mix N"."""
    return take.channels == 2 and take.name.startswith(MIX_PREFIX)


def _finished(takes) -> list:
    return [take for take in takes if not take.recording and take.frames > 0]


def vocal_takes(store) -> list[SourceChoice]:
    """The Mic's finished takes (not the mixes): the best take first, then newest first."""
    takes = [take for take in _finished(store.list()) if not is_mix(take)]
    takes.sort(key=lambda take: not take.best)  # a stable sort: newest first otherwise
    return [SourceChoice(take.take_id, take.name,
                         minutes_text(take.length_s) + (" \u00b7 best take" if take.best else ""))
            for take in takes]


def mix_recordings(store) -> list[SourceChoice]:
    """Mixes recorded on the Decks, newest first; their source is their sound file's path."""
    return [SourceChoice(str(store.wav_path(take.take_id)), take.name, minutes_text(take.length_s))
            for take in _finished(store.list()) if is_mix(take)]


def demo_tracks() -> list[SourceChoice]:
    """The demo tracks that ship with the studio; their source is relative to samples/."""
    from apps.decks.track_sources import DEMO_TRACKS_DIR, demo_tracks as listed

    choices = []
    for track in listed(DEMO_TRACKS_DIR):
        path = Path(track.path)
        try:
            source = path.relative_to(SAMPLES_DIR).as_posix()
        except ValueError:
            source = str(path)
        choices.append(SourceChoice(source, track.title, track.detail))
    return choices


def audio_title(source: str, store=None) -> str:
    """What an audio clip is called on the screen: a mix's take name, a demo track's title, or
    the file's name."""
    path = Path(source)
    if store is not None and path.parent == store.folder:
        take = next((take for take in store.list() if take.take_id == path.stem), None)
        if take is not None:
            return take.name
    for track in demo_tracks():
        if track.source == source:
            return track.title
    return path.stem


def default_export_folder() -> Path:
    """The user's Music folder / "Ward Studio" (WARD_STUDIO_MUSIC_DIR stands for the Music folder: tests)."""
    music = os.environ.get("WARD_STUDIO_MUSIC_DIR") or platformdirs.user_music_dir()
    return Path(music) / EXPORT_FOLDER_NAME
