"""What the Export screen holds, without kivy: the songs, the open song and every change to it.

Each verb changes the open song and saves it at once (SongStore.save writes atomically), so a
song is never lost to a closed app. A change that cannot be saved stays on the screen and is
said plainly (on_problem); a value out of range is refused with a ValueError and the song is
left as it was. Deleting a clip or a song can be undone: a finger can slip.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import PurePath

from studio.beats.storage import load_or_new
from apps.export.export_sources import demo_tracks
from studio.export.song import (
    MAX_LANES, MAX_TITLE_CHARACTERS, VOLUME_RANGE_DB, Clip, Lane, Song, SongFileError, clip_bars, pattern_bars,
    resolve_audio_path,
)
from studio.export.song_store import SongStore
from studio.mic.takes import TakeStore

NEW_SONG_TITLE = "My song"
NEW_PATTERN_BARS = 4  # a pattern clip starts as a four-bar phrase; Longer and Shorter change it
VOLUME_STEP_DB = 3.0
PAN_STEPS = (-1.0, -0.5, 0.0, 0.5, 1.0)
PAN_WORDS = {-1.0: "Left", -0.5: "Half left", 0.0: "Centre", 0.5: "Half right", 1.0: "Right"}
FADE_STEPS_S = (0.0, 1.0, 2.0, 4.0, 8.0)
TARGETS_LUFS = (-16.0, -14.0, -9.0)
LANE_NAMES = {"beat": "Beat", "vocal": "Vocals"}


@dataclass(frozen=True)
class ClipView:
    lane_index: int
    clip_index: int
    kind: str  # "pattern", "take" or "audio"
    name: str  # "A", the take's name, the file's title
    start_bar: int
    bars: int
    missing: bool = False  # its take or sound file cannot be found (the export would say so)


@dataclass(frozen=True)
class LaneView:
    name: str
    kind: str
    mute: bool
    volume_text: str
    pan_text: str
    clips: tuple[ClipView, ...]


@dataclass
class DeletedClip:
    lane_index: int
    clip_index: int
    clip: Clip
    lane: Lane | None  # the lane itself, when the clip was its last one (the lane went with it)
    song_id: str


def volume_text(volume_db: float) -> str:
    whole = int(round(volume_db))
    return f"+{whole} dB" if whole > 0 else ("0 dB" if whole == 0 else f"\u2212{-whole} dB")


def pan_text(pan: float) -> str:
    return PAN_WORDS.get(min(PAN_STEPS, key=lambda step: abs(step - pan)), "Centre")


def fade_text(seconds: float) -> str:
    return "Off" if seconds <= 0 else f"{seconds:g} s"


def _step(values, current: float, direction: int) -> float:
    """The next value up or down a ladder of values from current (which may lie between them)."""
    if direction > 0:
        return next((value for value in values if value > current + 1e-9), values[-1])
    return next((value for value in reversed(values) if value < current - 1e-9), values[0])


class ExportSession:
    def __init__(self, store: SongStore | None = None, takes: TakeStore | None = None,
                 on_change=None, on_problem=None):
        self.store = store if store is not None else SongStore()
        self.takes = takes if takes is not None else TakeStore()
        self.song: Song | None = None
        self.selected: tuple[int, int] | None = None  # (lane index, clip index)
        self.deleted_clips: list[DeletedClip] = []
        self.deleted_songs: list[tuple[str, str]] = []  # (song_id, title), the one deleted last at the end
        self.unsaved = False  # the last change could not be saved (the disk refused)
        self._on_change = on_change or (lambda what: None)
        self._on_problem = on_problem or (lambda message: None)

    # ---- songs -------------------------------------------------------------------------------------
    def let_go(self) -> None:
        """Forget the open song and what could be undone (the songs are someone else's now)."""
        self.song, self.selected, self.unsaved = None, None, False
        self.deleted_clips, self.deleted_songs = [], []

    def songs(self) -> list[Song]:
        songs = self.store.list()
        for problem in self.store.problems:
            self._on_problem(problem)
        return songs

    def open_last(self) -> Song:
        """The song changed last (its file is the newest), or a new one when there is none."""
        songs = self.songs()
        if not songs:
            return self.new_song()

        def saved_at(song: Song) -> float:
            try:
                return self.store.song_path(song.song_id).stat().st_mtime
            except OSError:
                return 0.0

        return self._show_song(max(songs, key=saved_at))

    def new_song(self) -> Song:
        titles = {song.title for song in self.store.list()}
        title = NEW_SONG_TITLE
        number = 2
        while title in titles:
            title, number = f"{NEW_SONG_TITLE} {number}", number + 1
        return self._show_song(self.store.new(title))

    def open_song(self, song_id: str) -> Song:
        return self._show_song(self.store.load(song_id))

    def _show_song(self, song: Song) -> Song:
        self.song, self.selected, self.unsaved = song, None, False
        self._on_change("song")
        return song

    def rename_song(self, song_id: str, title: str) -> None:
        title = _check_title(title)
        if self.song is not None and song_id == self.song.song_id:
            self.song.title = title
            self.save()
        else:
            song = self.store.load(song_id)
            song.title = title
            self.store.save(song)
        self._on_change("songs")

    def delete_song(self, song_id: str) -> str:
        """Move a song into the trash (undelete_song brings it back); returns its title. The open
        song's place is taken by the newest other one, or a new one."""
        song = self.song if self.song is not None and self.song.song_id == song_id else self.store.load(song_id)
        self.store.delete(song_id)
        self.deleted_songs.append((song_id, song.title))
        if self.song is not None and self.song.song_id == song_id:
            self.deleted_clips.clear()
            self.open_last()
        self._on_change("songs")
        return song.title

    def undelete_song(self) -> Song | None:
        """Bring back the song deleted last, and open it."""
        if not self.deleted_songs:
            return None
        song_id, _ = self.deleted_songs.pop()
        return self._show_song(self.store.undelete(song_id))

    # ---- saving ------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the open song now; False (and said) when the disk refused."""
        if self.song is None:
            return False
        try:
            self.store.save(self.song)
        except SongFileError as error:
            self.unsaved = True
            self._on_problem(f"{error}. Your change is kept on the screen; it is saved with the next one")
            return False
        self.unsaved = False
        return True

    def _change(self, what: str, change) -> None:
        """Apply a change to the open song and save it; a ValueError leaves the song as it was."""
        if self.song is None:
            raise ValueError("no song is open")
        before = copy.deepcopy(self.song)
        try:
            change(self.song)
            self.store.save(self.song)
        except ValueError:
            self.song = before
            raise
        except SongFileError as error:
            self.unsaved = True
            self._on_problem(f"{error}. Your change is kept on the screen; it is saved with the next one")
        else:
            self.unsaved = False
        self._on_change(what)

    # ---- the song's settings -----------------------------------------------------------------------
    def set_title(self, title: str) -> None:
        title = _check_title(title)
        self._change("song", lambda song: setattr(song, "title", title))

    def set_artist(self, artist: str) -> None:
        self._change("song", lambda song: setattr(song, "artist", artist.strip()[:MAX_TITLE_CHARACTERS]))

    def step_fade(self, which: str, direction: int) -> None:
        """which: "fade_in_s" or "fade_out_s"; direction -1 or 1 along FADE_STEPS_S."""
        if which not in ("fade_in_s", "fade_out_s"):
            raise ValueError(f"which must be fade_in_s or fade_out_s, got {which!r}")
        self._change("song", lambda song: setattr(song, which, _step(FADE_STEPS_S, getattr(song, which), direction)))

    def set_target(self, target_lufs: float) -> None:
        if target_lufs not in TARGETS_LUFS:
            raise ValueError(f"the loudness must be one of {', '.join(f'{t:g}' for t in TARGETS_LUFS)} LUFS")
        self._change("song", lambda song: setattr(song, "target_lufs", float(target_lufs)))

    # ---- adding clips ------------------------------------------------------------------------------
    def add_pattern(self, name: str) -> Clip:
        """A pattern of the current beat (its snapshot goes with the song, and its tempo)."""
        beat = copy.deepcopy(load_or_new().beat)

        def add(song: Song) -> None:
            song.beat, song.bpm = beat, float(beat.bpm)
            lane = self._lane_for(song, "beat", first=True)
            clip = Clip("pattern", name, self._lane_end(song, lane), max(NEW_PATTERN_BARS, pattern_bars(beat, name)))
            self._append(song, lane, clip)

        self._change("clips", add)
        return self._selected_clip()

    def add_take(self, take_id: str) -> Clip:
        """A Mic take on the Vocals lane, after the takes already there."""
        def add(song: Song) -> None:
            lane = self._lane_for(song, "vocal")
            self._append(song, lane, Clip("take", take_id, self._lane_end(song, lane)))

        self._change("clips", add)
        return self._selected_clip()

    def add_audio(self, source: str, name: str) -> Clip:
        """A sound file on a lane of its own, named after it, from the song's start."""
        def add(song: Song) -> None:
            lane = Lane(name=name[:MAX_TITLE_CHARACTERS] or "Audio", kind="audio")
            self._insert_lane(song, lane)
            self._append(song, lane, Clip("audio", source, 0))

        self._change("clips", add)
        return self._selected_clip()

    def _lane_for(self, song: Song, kind: str, first: bool = False) -> Lane:
        lane = next((lane for lane in song.lanes if lane.kind == kind), None)
        if lane is None:
            lane = Lane(name=LANE_NAMES[kind], kind=kind)
            self._insert_lane(song, lane, 0 if first else None)
        return lane

    @staticmethod
    def _insert_lane(song: Song, lane: Lane, index: int | None = None) -> None:
        if len(song.lanes) >= MAX_LANES:
            raise ValueError(f"a song can have at most {MAX_LANES} lanes")
        song.lanes.insert(len(song.lanes) if index is None else index, lane)

    def _lane_end(self, song: Song, lane: Lane) -> int:
        return max((clip.start_bar + clip_bars(song, clip, self.takes) for clip in lane.clips), default=0)

    def _append(self, song: Song, lane: Lane, clip: Clip) -> None:
        lane.clips.append(clip)
        self.selected = (song.lanes.index(lane), len(lane.clips) - 1)

    # ---- changing clips ----------------------------------------------------------------------------
    def clip_at(self, lane_index: int, clip_index: int) -> Clip:
        try:
            return self.song.lanes[lane_index].clips[clip_index]
        except (AttributeError, IndexError):
            raise ValueError("that clip is no longer there") from None

    def _selected_clip(self) -> Clip | None:
        return self.clip_at(*self.selected) if self.selected is not None else None

    def select(self, lane_index: int | None, clip_index: int | None = None) -> None:
        self.selected = None if lane_index is None else (lane_index, clip_index)
        if self.selected is not None:
            self.clip_at(*self.selected)
        self._on_change("selection")

    def move_clip(self, lane_index: int, clip_index: int, start_bar: int) -> None:
        self.clip_at(lane_index, clip_index)
        self.selected = (lane_index, clip_index)
        self._change("clips", lambda song: setattr(song.lanes[lane_index].clips[clip_index], "start_bar",
                                                   max(0, int(start_bar))))

    def change_length(self, lane_index: int, clip_index: int, delta_bars: int) -> None:
        """Longer (+1) or Shorter (-1) for a pattern clip; at least one bar."""
        clip = self.clip_at(lane_index, clip_index)
        if clip.kind != "pattern":
            raise ValueError("only a beat pattern can be made longer or shorter")
        bars = max(1, clip_bars(self.song, clip) + delta_bars)
        self._change("clips", lambda song: setattr(song.lanes[lane_index].clips[clip_index], "length_bars", bars))

    def delete_clip(self, lane_index: int, clip_index: int) -> Clip:
        """Delete a clip (undo_delete_clip brings it back); a lane left empty goes with it."""
        clip = self.clip_at(lane_index, clip_index)
        lane = self.song.lanes[lane_index]
        deleted = DeletedClip(lane_index, clip_index, clip, lane if len(lane.clips) == 1 else None, self.song.song_id)

        def delete(song: Song) -> None:
            del song.lanes[lane_index].clips[clip_index]
            if not song.lanes[lane_index].clips:
                del song.lanes[lane_index]

        self.selected = None
        self._change("clips", delete)
        self.deleted_clips.append(deleted)
        return clip

    def undo_delete_clip(self) -> Clip | None:
        if not self.deleted_clips or self.song is None:
            return None
        deleted = self.deleted_clips.pop()
        if deleted.song_id != self.song.song_id:
            return None

        def put_back(song: Song) -> None:
            lane_index = min(deleted.lane_index, len(song.lanes))
            if deleted.lane is not None:
                deleted.lane.clips = []
                self._insert_lane(song, deleted.lane, lane_index)
            lane = song.lanes[lane_index]
            lane.clips.insert(min(deleted.clip_index, len(lane.clips)), deleted.clip)
            self.selected = (lane_index, lane.clips.index(deleted.clip))

        self._change("clips", put_back)
        return deleted.clip

    # ---- lanes -------------------------------------------------------------------------------------
    def _lane(self, lane_index: int) -> Lane:
        if self.song is None or not 0 <= lane_index < len(self.song.lanes):
            raise ValueError("that lane is no longer there")
        return self.song.lanes[lane_index]

    def toggle_mute(self, lane_index: int) -> bool:
        mute = not self._lane(lane_index).mute
        self._change("lanes", lambda song: setattr(song.lanes[lane_index], "mute", mute))
        return mute

    def step_volume(self, lane_index: int, direction: int) -> None:
        low, high = VOLUME_RANGE_DB
        volume_db = max(low, min(high, self._lane(lane_index).volume_db + direction * VOLUME_STEP_DB))
        self._change("lanes", lambda song: setattr(song.lanes[lane_index], "volume_db", volume_db))

    def step_pan(self, lane_index: int, direction: int) -> None:
        pan = _step(PAN_STEPS, self._lane(lane_index).pan, direction)
        self._change("lanes", lambda song: setattr(song.lanes[lane_index], "pan", pan))

    # ---- what the screen shows ---------------------------------------------------------------------
    def lanes_view(self) -> list[LaneView]:
        """The open song's lanes as the arranger draws them (names looked up once for all clips)."""
        if self.song is None:
            return []
        song = self.song
        takes = {take.take_id: take for take in self.takes.list()}
        mixes = {str(self.takes.wav_path(take_id)): take.name for take_id, take in takes.items()}
        demos = {choice.source: choice.title for choice in demo_tracks()}
        lanes = []
        for lane_index, lane in enumerate(song.lanes):
            clips = []
            for clip_index, clip in enumerate(lane.clips):
                if clip.kind == "pattern":
                    name, missing = clip.source, song.beat is None
                elif clip.kind == "take":
                    take = takes.get(clip.source)
                    name, missing = (take.name, False) if take is not None else ("Missing take", True)
                else:
                    name = mixes.get(clip.source) or demos.get(clip.source) or PurePath(clip.source).stem
                    missing = not resolve_audio_path(clip.source).is_file()
                clips.append(ClipView(lane_index, clip_index, clip.kind, name, clip.start_bar,
                                      clip_bars(song, clip, self.takes), missing))
            lanes.append(LaneView(lane.name, lane.kind, lane.mute, volume_text(lane.volume_db), pan_text(lane.pan),
                                  tuple(clips)))
        return lanes


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValueError("a song needs a name")
    if len(title) > MAX_TITLE_CHARACTERS:
        raise ValueError(f"a song's name can be at most {MAX_TITLE_CHARACTERS} characters")
    return title
