"""A song for export: lanes of clips (beat patterns, Mic takes, sound files) on a bar grid.

Plain data, checked the way a beat file is (song_from_dict names the first bad field, with its
range). song_store.py saves and lists songs; mixdown.py renders them.

Time: bars of four beats at the song's bpm; a clip starts on a whole bar. A pattern clip plays
its pattern for length_bars (the pattern repeats to fill them; 0 = the pattern once). A take or
audio clip plays its whole sound, so its length in bars comes from its audio (clip_bars()).
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from studio.beats.beat_file import (
    beat_from_dict, check_flag, check_number, check_text, check_whole_number,
)
from studio.beats.model import MAX_BPM, MIN_BPM, PATTERN_NAMES, STEPS_PER_BEAT, Beat

CLIP_KINDS = ("pattern", "take", "audio")
LANE_KINDS = ("beat", "vocal", "audio")
CLIP_KIND_OF_LANE = {"beat": "pattern", "vocal": "take", "audio": "audio"}
BEATS_PER_BAR = 4
MAX_BARS = 999  # where a clip may start, and how long a pattern clip may play (about 66 minutes at 60 bpm)
MAX_LANES = 16
MAX_CLIPS = 500  # on one lane
MAX_FADE_S = 60.0
VOLUME_RANGE_DB = (-60.0, 6.0)
TARGET_LUFS_RANGE = (-30.0, -6.0)
MAX_TITLE_CHARACTERS = 80
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"


class SongFileError(Exception):
    """A song file could not be read or written; str(error) is a message for the user."""


@dataclass
class Clip:
    kind: str  # "pattern": a pattern of the song's beat; "take": a Mic take; "audio": a sound file
    source: str  # pattern name ("A".."H") | take_id | sound file path (absolute, or relative to samples/)
    start_bar: int  # 0-based bar where the clip starts
    length_bars: int = 0  # pattern clips: bars it plays (0: the pattern once); 0 for take and audio clips


@dataclass
class Lane:
    name: str  # shown on the lane header: "Beat", "Vocals", "Mix 1"...
    kind: str  # one of LANE_KINDS; its clips are all of CLIP_KIND_OF_LANE[kind]
    clips: list[Clip] = field(default_factory=list)
    volume_db: float = 0.0  # -60..+6
    pan: float = 0.0  # -1 (left) .. +1 (right), equal-power
    mute: bool = False


@dataclass
class Song:
    song_id: str  # the file name's stem, e.g. "song-3"
    title: str
    artist: str = ""  # the artist name the patient chooses
    bpm: float = 90.0
    beat: Beat | None = None  # a snapshot of the beat whose patterns the beat lanes play
    lanes: list[Lane] = field(default_factory=list)
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0
    target_lufs: float = -14.0
    cover_path: str = ""  # optional cover image (PNG/JPEG)
    created: str = ""  # ISO 8601

    @property
    def bar_s(self) -> float:
        return bar_seconds(self.bpm)

    def clip_bars(self, clip: Clip, takes=None) -> int:
        """How many bars the clip covers (at least 1); takes: a TakeStore (default: the app's)."""
        return clip_bars(self, clip, takes)

    def length_bars(self, takes=None) -> int:
        """The end of the last clip, in bars (0 for a song with no clips)."""
        return max((clip.start_bar + clip_bars(self, clip, takes) for lane in self.lanes for clip in lane.clips),
                   default=0)

    def length_s(self, takes=None) -> float:
        return self.length_bars(takes) * self.bar_s


def bar_seconds(bpm: float) -> float:
    return BEATS_PER_BAR * 60.0 / bpm


def resolve_audio_path(source: str) -> Path:
    """An audio clip's file: an absolute path as it is, a relative one inside samples/."""
    path = Path(source).expanduser()
    return path if path.is_absolute() else SAMPLES_DIR / path


def pattern_bars(beat: Beat | None, name: str) -> int:
    """How many bars one pass of a pattern lasts (a 16-step pattern is one bar, 32 steps two)."""
    if beat is None or name not in beat.patterns:
        return 1
    steps_per_bar = STEPS_PER_BEAT * BEATS_PER_BAR
    return max(1, math.ceil(beat.patterns[name].step_count / steps_per_bar))


def clip_bars(song: Song, clip: Clip, takes=None) -> int:
    """Bars a clip covers, at least 1. A missing take or file counts as one bar: the lane still
    shows it, and the export says plainly what is missing."""
    if clip.kind == "pattern":
        return clip.length_bars or pattern_bars(song.beat, clip.source)
    seconds = clip_seconds(clip, takes)
    return max(1, math.ceil(seconds / song.bar_s - 1e-9)) if seconds else 1


def clip_seconds(clip: Clip, takes=None) -> float:
    """How long a take or audio clip sounds, from where it is placed; 0 when it cannot be found."""
    if clip.kind == "take":
        from studio.mic.takes import TakeStore

        store = takes if takes is not None else TakeStore()
        info = find_take(store, clip.source)
        if info is None:
            return 0.0
        _, end_s = info.kept_span_s()
        return max(0.0, end_s - info.align_frames / info.sample_rate)
    if clip.kind == "audio":
        return audio_seconds(resolve_audio_path(clip.source))
    return 0.0


def find_take(store, take_id: str):
    """The take's details (TakeInfo) when its sound file is there, else None; reads one small file."""
    from studio.mic.takes import read_details

    details = store.folder / f"{take_id}.json"
    try:
        info = read_details(details)
    except ValueError:
        info = None
    if info is not None and store.wav_path(take_id).exists():
        return info
    return next((found for found in store.list() if found.take_id == take_id), None)


_AUDIO_SECONDS: dict[tuple[str, int, int], float] = {}  # (path, size, mtime_ns) -> seconds: the lanes redraw often


def audio_seconds(path: Path) -> float:
    """A sound file's length in seconds, 0 when it cannot be read (headers only: fast)."""
    try:
        stat = path.stat()
    except OSError:
        return 0.0
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _AUDIO_SECONDS:
        _AUDIO_SECONDS[key] = _read_audio_seconds(path)
    return _AUDIO_SECONDS[key]


def _read_audio_seconds(path: Path) -> float:
    import soundfile

    try:
        info = soundfile.info(str(path))
        return info.frames / info.samplerate
    except (RuntimeError, OSError, TypeError, ValueError):
        pass
    from studio.decks.track_decode import probe_track
    from studio.decks.track_errors import TrackError

    try:
        return probe_track(path).duration_s
    except TrackError:
        return 0.0


# ---- checks, shared by the file and the screen ------------------------------------------------

def check_clip(name: str, clip: Clip, lane_kind: str | None = None) -> Clip:
    if clip.kind not in CLIP_KINDS:
        raise ValueError(f"{name}.kind must be one of {', '.join(CLIP_KINDS)}, got {clip.kind!r}")
    if lane_kind is not None and clip.kind != CLIP_KIND_OF_LANE[lane_kind]:
        raise ValueError(f"{name} is a {clip.kind} clip, but a {lane_kind} lane holds only "
                         f"{CLIP_KIND_OF_LANE[lane_kind]} clips")
    check_text(f"{name}.source", clip.source)
    if clip.kind == "pattern" and clip.source not in PATTERN_NAMES:
        raise ValueError(f"{name}.source must be a pattern name {PATTERN_NAMES[0]}..{PATTERN_NAMES[-1]}, "
                         f"got {clip.source!r}")
    if clip.kind != "pattern" and not clip.source.strip():
        raise ValueError(f"{name}.source cannot be empty")
    check_whole_number(f"{name}.start_bar", clip.start_bar, 0, MAX_BARS)
    check_whole_number(f"{name}.length_bars", clip.length_bars, 0, MAX_BARS)
    if clip.kind != "pattern" and clip.length_bars:
        raise ValueError(f"{name}.length_bars must be 0 for a {clip.kind} clip (it plays its whole sound), "
                         f"got {clip.length_bars}")
    return clip


def check_lane(name: str, lane: Lane) -> Lane:
    check_text(f"{name}.name", lane.name)
    if lane.kind not in LANE_KINDS:
        raise ValueError(f"{name}.kind must be one of {', '.join(LANE_KINDS)}, got {lane.kind!r}")
    if not isinstance(lane.clips, list) or len(lane.clips) > MAX_CLIPS:
        raise ValueError(f"{name}.clips must be a list of at most {MAX_CLIPS} clips")
    for i, clip in enumerate(lane.clips):
        check_clip(f"{name}.clips[{i}]", clip, lane.kind)
    check_number(f"{name}.volume_db", lane.volume_db, *VOLUME_RANGE_DB)
    check_number(f"{name}.pan", lane.pan, -1.0, 1.0)
    check_flag(f"{name}.mute", lane.mute)
    return lane


def check_song(song: Song) -> Song:
    """Raise ValueError naming the first field out of range; return the song when all is well."""
    song_from_dict(song_to_dict(song), song.song_id)
    return song


# ---- plain data (the file's contents) ----------------------------------------------------------

def song_to_dict(song: Song) -> dict[str, Any]:
    data = asdict(song)
    del data["song_id"]  # the file's name says it
    if data["beat"] is not None:
        for pattern in data["beat"]["patterns"].values():
            for row in pattern["rows"]:
                row["off_grid"] = {str(tick): velocity for tick, velocity in row["off_grid"].items()}
    return data


def _fields_of(name: str, data: Any, keys: list[str]) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"{name} must be a JSON object, got {type(data).__name__}")
    for key in keys:
        if key not in data:
            raise ValueError(f"{name}.{key} is missing" if name != "the song" else f"{key} is missing")
    return data


def _clip_from_dict(name: str, data: Any, lane_kind: str) -> Clip:
    data = _fields_of(name, data, ["kind", "source", "start_bar"])
    return check_clip(name, Clip(data["kind"], data["source"], data["start_bar"], data.get("length_bars", 0)),
                      lane_kind)


def _lane_from_dict(name: str, data: Any) -> Lane:
    data = _fields_of(name, data, ["name", "kind", "clips"])
    kind = data["kind"]
    if kind not in LANE_KINDS:
        raise ValueError(f"{name}.kind must be one of {', '.join(LANE_KINDS)}, got {kind!r}")
    clips = data["clips"]
    if not isinstance(clips, list):
        raise ValueError(f"{name}.clips must be a list, got {type(clips).__name__}")
    lane = Lane(name=data["name"], kind=kind,
                clips=[_clip_from_dict(f"{name}.clips[{i}]", clip, kind) for i, clip in enumerate(clips)],
                volume_db=data.get("volume_db", 0.0), pan=data.get("pan", 0.0), mute=data.get("mute", False))
    lane = check_lane(name, lane)
    lane.volume_db, lane.pan = float(lane.volume_db), float(lane.pan)
    return lane


def song_from_dict(data: Any, song_id: str) -> Song:
    """A Song from plain data (as in the file), or ValueError naming the first bad field."""
    data = _fields_of("the song", data, ["title", "bpm", "lanes"])
    lanes = data["lanes"]
    if not isinstance(lanes, list) or len(lanes) > MAX_LANES:
        raise ValueError(f"lanes must be a list of at most {MAX_LANES} lanes")
    beat = data.get("beat")
    if beat is not None:
        try:
            beat = beat_from_dict(beat)
        except ValueError as error:
            raise ValueError(f"beat: {error}") from None
    title = check_text("title", data["title"])
    if len(title) > MAX_TITLE_CHARACTERS:
        raise ValueError(f"title can be at most {MAX_TITLE_CHARACTERS} characters, got {len(title)}")
    return Song(
        song_id=song_id,
        title=title,
        artist=check_text("artist", data.get("artist", "")),
        bpm=check_number("bpm", data["bpm"], MIN_BPM, MAX_BPM),
        beat=beat,
        lanes=[_lane_from_dict(f"lanes[{i}]", lane) for i, lane in enumerate(lanes)],
        fade_in_s=check_number("fade_in_s", data.get("fade_in_s", 0.0), 0.0, MAX_FADE_S),
        fade_out_s=check_number("fade_out_s", data.get("fade_out_s", 0.0), 0.0, MAX_FADE_S),
        target_lufs=check_number("target_lufs", data.get("target_lufs", -14.0), *TARGET_LUFS_RANGE),
        cover_path=check_text("cover_path", data.get("cover_path", "")),
        created=check_text("created", data.get("created", "")),
    )


def shown_path(path: str | os.PathLike) -> str:
    """How a file is named in messages: its file name in quotes."""
    return f"\u201c{Path(path).name}\u201d"
