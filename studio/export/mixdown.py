"""A song's lanes mixed down to stereo, offline and faster than real time.

    mixdown(song, sample_rate=48000, progress=None, cancel=None, takes=None, stems=True) -> Mixdown

Pattern clips play through the live drum machine (studio.beats.sequencer_graph.Sequencer) on a
pyo manual server: a copy of the song's beat whose chain is the clip's pattern, stopped after the
clip's bars, so an export sounds as the Beats app does (pattern_render.py: most of a long clip
is copied from its first loops, sample for sample). The live master bus's limiter is left
out: mastering.py sets the final level. Takes play their kept span with its fades, and their
frame align_frames (the backing's first tick when it was sung) falls on the clip's bar, as a
pattern clip's first hit does: one sample after the bar's first sample (PLAYBACK_OFFSET_SAMPLES),
so a take placed on a beat's bar is heard where it was sung. Sound files start there too.

Each lane then gets its volume and equal-power pan; muted lanes are left out of the mix and the
stems. The song fades in and out (the fade out ends on the last bar); after the last bar a short
tail lets the last hits ring out, cut where it falls silent. Every stem gets the same fades and
cut as the mix, so the stems add up to the mix.
"""

from __future__ import annotations

import math
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.beats.pad_voice import PLAYBACK_OFFSET_SAMPLES
from studio.beats.schedule import step_sample
from studio.export.errors import ExportCancelled, ExportError
from studio.export.pattern_render import (
    PATTERN_WEIGHT, SILENT_AMP, STEPS_PER_BAR, TAIL_S, RepeatedAudio, render_pattern_parts,
)
from studio.export.song import (
    Clip, Lane, Song, check_song, clip_bars, find_take, resolve_audio_path,
)

END_FADE_S = 0.02  # the tail's cut is a quick fade, never a click
TAKE_CUT_S = 0.002  # as studio.mic.take_player: a trimmed edge is never a step
ADD_CHUNK_FRAMES = 1 << 15
FILE_WEIGHT = 0.05  # share of the work per frame of a take or sound file (pyo rendering is the slow part)

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


@dataclass
class Mixdown:
    mix: np.ndarray  # float32, (frames, 2)
    stems: list[tuple[str, np.ndarray]]  # (lane name, float32 (frames, 2)) for each lane heard
    sample_rate: int
    music_frames: int = 0  # where the last bar ends (the tail follows)
    notes: list[str] = field(default_factory=list)  # plain remarks for the user ("the song is silent")

    @property
    def duration_s(self) -> float:
        return len(self.mix) / self.sample_rate


def bar_start_sample(bpm: float, bar: int, sample_rate: int) -> int:
    """The first sample of a bar, as the sequencer counts time (exact arithmetic, then floor)."""
    return step_sample(bar * STEPS_PER_BAR, bpm, 0.5, sample_rate)  # a bar is whole pairs of steps: no swing


def pan_gains(pan: float) -> tuple[float, float]:
    """Equal-power pan, unity at the centre: left² + right² stays 2."""
    angle = (pan + 1.0) * math.pi / 4.0
    return math.sqrt(2.0) * math.cos(angle), math.sqrt(2.0) * math.sin(angle)


class _Work:
    """Progress over the whole mixdown, and the cancel check."""

    def __init__(self, total: float, progress: Progress | None, cancel: Cancel | None):
        self.total, self.done = max(total, 1.0), 0.0
        self._progress, self._cancel = progress, cancel
        self.words = "Mixing"

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise ExportCancelled()

    def advance(self, amount: float, words: str | None = None) -> None:
        self.done += amount
        self.words = words or self.words
        self.check()
        if self._progress is not None:
            self._progress(min(1.0, self.done / self.total), self.words)


def mixdown(song: Song, sample_rate: int = 48000, progress: Progress | None = None, cancel: Cancel | None = None,
            takes=None, stems: bool = True) -> Mixdown:
    """Render the song (see the module's notes). takes: a TakeStore (default: the app's own).

    stems=False keeps only the mix (less memory). ExportError in plain words when a take, a sound
    file or the kit is missing; ExportCancelled when cancel() says so."""
    from studio.mic.takes import TakeStore

    try:
        check_song(song)
    except ValueError as error:
        raise ExportError(f"The song cannot be exported: {error}.") from None
    takes = takes if takes is not None else TakeStore()
    lanes = [lane for lane in song.lanes if not lane.mute and lane.clips]
    if not any(lane.clips for lane in song.lanes):
        raise ExportError("The song is empty: put a beat, a take or a sound file on a lane first.")
    sources = {id(clip): _resolve(song, lane, clip, takes) for lane in lanes for clip in lane.clips}
    # The song ends with its last clip heard (a muted lane running on adds no silence at the end).
    bars = max((clip.start_bar + clip_bars(song, clip, takes) for lane in lanes for clip in lane.clips), default=0)
    music_frames = bar_start_sample(song.bpm, bars or song.length_bars(takes), sample_rate)
    total_frames = music_frames + round(TAIL_S * sample_rate)
    work = _Work(sum(_clip_work(song, clip, takes, sample_rate) for lane in lanes for clip in lane.clips),
                 progress, cancel)
    work.check()
    sounds = _pad_sounds(song, sample_rate) if any(lane.kind == "beat" for lane in lanes) else None
    rendered_patterns: dict[tuple[str, int], np.ndarray] = {}
    mix = np.zeros((total_frames, 2), np.float32)
    stem_list: list[tuple[str, np.ndarray]] = []
    with _FileReader(sources, sample_rate) as files:  # decodes takes and sound files while the beat renders
        if stems:
            for lane in lanes:
                stem = np.zeros((total_frames, 2), np.float32)
                for clip in lane.clips:
                    work.words = f"Mixing \u201c{lane.name}\u201d"
                    if clip.kind == "pattern":
                        audio = _pattern_audio(song, clip, sounds, sample_rate, work, rendered_patterns)
                    else:
                        audio = files.audio(clip, work)
                    _add_lane_audio(stem, audio, _clip_start(song, clip, sample_rate), lane)
                mix += stem
                stem_list.append((lane.name, stem))
        else:
            # While the beat renders here, the takes and sound files are decoded on the reader's
            # thread. The beat goes into the mix first, then the files, each on whichever thread is
            # free when it is decoded (the reader's is still busy with the longest).
            files.add_into(mix, [(clip, lane, _clip_start(song, clip, sample_rate))
                                 for lane in lanes for clip in lane.clips if clip.kind != "pattern"])
            beats = []
            for lane in lanes:
                for clip in lane.clips:
                    if clip.kind == "pattern":
                        work.words = f"Mixing \u201c{lane.name}\u201d"
                        audio = _pattern_audio(song, clip, sounds, sample_rate, work, rendered_patterns)
                        beats.append((audio, _clip_start(song, clip, sample_rate), lane))
            files.add_beats_then_decoded(beats)
            files.wait_added(work)
    work.advance(max(0.0, work.total - work.done))  # estimates of the work never quite add up: end on 1
    frames, fades = _song_envelope(song, mix, music_frames, sample_rate)
    mix = mix[:frames]
    stem_list = [(name, stem[:frames]) for name, stem in stem_list]
    for first, gain in fades:  # in place, and only where the gain is not 1
        for audio in [mix, *(stem for _, stem in stem_list)]:
            audio[first:first + len(gain)] *= gain[:, None]
    notes = [] if np.any(mix) else ["The song is silent: every lane is muted or has no sound in it."]
    return Mixdown(mix, stem_list, sample_rate, music_frames, notes)


# ---- finding what each clip plays ---------------------------------------------------------------

def _where(lane: Lane, clip: Clip) -> str:
    return f"on the lane \u201c{lane.name}\u201d at bar {clip.start_bar + 1}"


def _resolve(song: Song, lane: Lane, clip: Clip, takes):
    """What a clip plays: a pattern name, a (TakeInfo, wav path), or a sound file's path."""
    if clip.kind == "pattern":
        if song.beat is None:
            raise ExportError(f"The pattern {clip.source} {_where(lane, clip)} has no beat to play: "
                              "add a beat to the song, or take its pattern clips off.")
        return clip.source
    if clip.kind == "take":
        info = find_take(takes, clip.source)
        if info is not None:
            return info, takes.wav_path(clip.source)
        trashed = find_take(_TrashView(takes), clip.source)
        name = f"\u201c{trashed.name}\u201d" if trashed else clip.source
        if trashed:
            raise ExportError(f"The take {name} {_where(lane, clip)} was deleted: bring it back from the trash "
                              "in the Mic app, or take it off the song.")
        raise ExportError(f"The take {name} {_where(lane, clip)} is missing: its sound file is no longer "
                          "there. Take it off the song, or put the take back.")
    from studio.decks.track_decode import check_readable
    from studio.decks.track_errors import TrackError

    path = resolve_audio_path(clip.source)
    try:
        check_readable(path)
    except TrackError as error:
        raise ExportError(f"The sound file {_where(lane, clip)} cannot be used: {error}") from None
    return path


class _TrashView:
    """A TakeStore's trash folder, looked at as a store (for find_take)."""

    def __init__(self, takes):
        self.folder = takes.trash_folder

    def wav_path(self, take_id: str) -> Path:
        return self.folder / f"{take_id}.wav"

    def list(self):
        return []


def _clip_work(song: Song, clip: Clip, takes, sample_rate: int) -> float:
    frames = clip_bars(song, clip, takes) * song.bar_s * sample_rate
    return frames * (PATTERN_WEIGHT if clip.kind == "pattern" else FILE_WEIGHT)


def _pad_sounds(song: Song, sample_rate: int):
    from studio.beats.pad_sounds import pad_sounds_of
    from studio.kits.errors import KitError
    from studio.kits.library import load_kit

    try:
        return pad_sounds_of(load_kit(song.beat.kit, sample_rate))
    except (KitError, OSError) as error:
        raise ExportError(f"The beat's drum kit could not be loaded: {error}") from None


def _pattern_audio(song, clip, sounds, sample_rate, work: _Work, cache: dict) -> np.ndarray:
    key = (clip.source, clip_bars(song, clip))
    if key not in cache:
        cache[key] = render_pattern_parts(song, clip.source, key[1], sounds, sample_rate, work)
    else:
        work.advance(key[1] * song.bar_s * sample_rate * PATTERN_WEIGHT)
    return cache[key]


class _FileReader:
    """The song's takes and sound files, decoded on a thread of their own from the start (the
    decoders let go of the interpreter lock, so this goes on while the drum machine renders),
    each file once however many clips play it."""

    def __init__(self, sources: dict, sample_rate: int):
        from concurrent.futures import ThreadPoolExecutor

        self._sources = sources
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-decode")
        self._decoded: dict = {}
        self._added: list = []
        self._beats_added = threading.Event()  # add_into()'s files wait for the beat to be in the mix
        for source in sources.values():
            key = _file_key(source)
            if key is not None and key not in self._decoded:
                self._decoded[key] = self._pool.submit(_file_audio, source, sample_rate)

    def audio(self, clip: Clip, work: _Work) -> np.ndarray:
        audio = self._decoded[_file_key(self._sources[id(clip)])].result()
        work.advance(len(audio) * FILE_WEIGHT)
        return audio

    def add_into(self, mix: np.ndarray, placements: list[tuple[Clip, Lane, int]]) -> None:
        """Have each (clip, lane, first frame) added into mix once its file is decoded, after
        the beat (add_beats_then_decoded), on whichever thread comes to it first: in the order
        given, one at a time, so the sums come out the same however the threads meet. Nothing
        else may touch mix until wait_added() has returned."""
        self._mix, self._placements = mix, placements
        self._lengths: list[int | None] = [None] * len(placements)
        self._lock = threading.Lock()
        self._next = 0  # the first placement not added yet

        def add_in_turn(index: int) -> None:
            self._beats_added.wait()
            self._add_up_to(index)

        self._added = [self._pool.submit(add_in_turn, index) for index in range(len(placements))]

    def add_beats_then_decoded(self, beats: list[tuple[np.ndarray | RepeatedAudio, int, Lane]]) -> None:
        """On the caller's thread, once the beat is rendered: the beat's clips (audio, first
        frame, lane) added into the mix first, then the files already decoded, so the reader's
        thread is left only those still decoding."""
        with self._lock:
            for audio, start, lane in beats:
                _add_lane_audio(self._mix, audio, start, lane)
        self._beats_added.set()
        ready = 0
        while ready < len(self._placements) and self._future(ready).done():
            ready += 1
        if ready:
            self._add_up_to(ready - 1)

    def _future(self, index: int):
        return self._decoded[_file_key(self._sources[id(self._placements[index][0])])]

    def _add_up_to(self, index: int) -> None:
        """Add the placements not added yet, in order, up to index."""
        with self._lock:
            while self._next <= index:
                clip, lane, start = self._placements[self._next]
                audio = self._future(self._next).result()
                _add_lane_audio(self._mix, audio, start, lane)
                self._lengths[self._next] = len(audio)
                self._next += 1

    def wait_added(self, work: _Work) -> None:
        """Wait for add_into()'s work (its errors are raised here)."""
        self._beats_added.set()  # (if add_beats_then_decoded() was never reached: let the reader finish)
        for added in self._added:
            added.result()
        work.advance(sum(self._lengths) * FILE_WEIGHT)

    def __enter__(self) -> _FileReader:
        return self

    def __exit__(self, *_) -> None:
        self._beats_added.set()  # a cancel or an error before the beat was added: nothing waits for it
        self._pool.shutdown(wait=True, cancel_futures=True)  # after a cancel: what is being read is let finish


def _clip_start(song: Song, clip: Clip, sample_rate: int) -> int:
    """The mix's frame where a clip's audio starts. A pattern's render already sounds from
    PLAYBACK_OFFSET_SAMPLES, as pads do live; a take or a sound file is moved by as much, as the
    Mic app's take player does."""
    offset = 0 if clip.kind == "pattern" else PLAYBACK_OFFSET_SAMPLES
    return bar_start_sample(song.bpm, clip.start_bar, sample_rate) + offset


def _file_key(source) -> str | None:
    """What a clip's source is read from (None for a pattern)."""
    if isinstance(source, tuple):
        return str(source[1])  # a take: its wav
    return str(source) if isinstance(source, Path) else None


def _file_audio(source, sample_rate: int) -> np.ndarray:
    return take_audio(*source, sample_rate) if isinstance(source, tuple) else sound_file_audio(source, sample_rate)


def _add_lane_audio(target: np.ndarray, audio: np.ndarray | RepeatedAudio, start: int, lane: Lane) -> None:
    """audio (frames, 1 or 2) added into target (frames, 2, C-ordered) from frame start, at the
    lane's volume and pan (a mono source is heard on both sides)."""
    if isinstance(audio, RepeatedAudio):  # a pattern's copies added one by one, never written out
        for first, part in audio.pieces():
            _add_lane_audio(target, part, start + first, lane)
        return
    end = min(len(target), start + len(audio))
    if end <= start:
        return
    left, right = pan_gains(lane.pan)
    gain = 10.0 ** (lane.volume_db / 20.0)
    # A piece at a time, through one small buffer: no temporary as long as the song (a 3-minute
    # stereo song is 69 MB), and the pieces stay in the processor's cache. numpy is ten times
    # slower at (frames, 2) * (2,) than at two arrays of one shape (its inner loop would run over
    # two values at a time), so the two gains are laid out as the samples are: left, right, left...
    size = min(ADD_CHUNK_FRAMES, end - start)
    buffer = np.empty((size, 2), np.float32)
    if audio.shape[1] == 1:
        side = np.empty(size, np.float32)
        for first in range(start, end, ADD_CHUNK_FRAMES):
            last = min(end, first + ADD_CHUNK_FRAMES)
            piece = audio[first - start:last - start, 0]
            for channel, channel_gain in enumerate((left * gain, right * gain)):
                scaled = np.multiply(piece, np.float32(channel_gain), out=side[:last - first])
                target[first:last, channel] += scaled
        return
    gains = np.tile(np.array([left * gain, right * gain], np.float32), (size, 1))
    for first in range(start, end, ADD_CHUNK_FRAMES):
        last = min(end, first + ADD_CHUNK_FRAMES)
        scaled = np.multiply(audio[first - start:last - start], gains[:last - first], out=buffer[:last - first])
        target[first:last] += scaled


# ---- takes and sound files ---------------------------------------------------------------------

def take_audio(info, wav_path: Path, sample_rate: int) -> np.ndarray:
    """A take from its align_frames on (the backing's time 0), trimmed and faded as in the Mic
    app, at sample_rate: float32 (frames, 1 or 2); a mono take is heard at full level on both sides."""
    import soundfile

    try:
        data, file_rate = soundfile.read(str(wav_path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as error:
        raise ExportError(f"The take \u201c{info.name}\u201d could not be read ({error}).") from None
    align_s = info.align_frames / file_rate
    start_s, end_s = info.kept_span_s()
    end_s = min(end_s, len(data) / file_rate)
    body = data[info.align_frames:]
    if end_s <= max(start_s, align_s):
        return np.zeros((0, 2), np.float32)
    # Trims and fades are in seconds of the file; before align_frames nothing plays.
    from_s = max(start_s, align_s)
    fade_in_s = max(info.fade_in_s, TAKE_CUT_S) if start_s > align_s else info.fade_in_s
    fade_out_s = max(info.fade_out_s, TAKE_CUT_S) if end_s < len(data) / file_rate else info.fade_out_s
    # The gain is 1 between the fades: it is worked out only from the start to the end of the
    # fade in, and from the start of the fade out on (a long take is a lot of frames).
    rise_end = min(len(body), math.ceil((from_s + fade_in_s - align_s) * file_rate) + 1)
    fall_start = max(rise_end, math.floor((end_s - fade_out_s - align_s) * file_rate) - 1)
    kept = body[:min(len(body), math.ceil((end_s - align_s) * file_rate) + 1)]  # faded in place: data is ours
    for lo, hi in ((0, rise_end), (fall_start, len(kept))):
        times_s = align_s + np.arange(lo, hi) / file_rate
        kept[lo:hi] *= (_ramp(times_s, from_s, fade_in_s) * _ramp(-times_s, -end_s, fade_out_s))[:, None]
    return _resampled(_stereo(kept), file_rate, sample_rate)


def _ramp(times_s: np.ndarray, from_s: float, ramp_s: float) -> np.ndarray:
    """0 before from_s, rising straight to 1 over ramp_s (a step when ramp_s is 0)."""
    if ramp_s <= 0:
        return (times_s >= from_s).astype(np.float32)
    return np.clip((times_s - from_s) / ramp_s, 0.0, 1.0).astype(np.float32)


def sound_file_audio(path: Path, sample_rate: int) -> np.ndarray:
    """A sound file at sample_rate: float32 (frames, 1 or 2). WAV, FLAC and OGG are read directly;
    other formats (MP3, M4A...) through ffmpeg, as the decks read them."""
    import soundfile

    try:
        data, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError, TypeError):  # soundfile.LibsndfileError is a RuntimeError
        return _decoded_by_ffmpeg(path, sample_rate)
    return _resampled(_stereo(data), file_rate, sample_rate)


def _decoded_by_ffmpeg(path: Path, sample_rate: int) -> np.ndarray:
    from studio.decks.track_decode import decode_track
    from studio.decks.track_errors import TrackError

    with tempfile.TemporaryDirectory(prefix="ward-studio-export-") as scratch:
        try:
            decoded = decode_track(path, Path(scratch) / "decoded.f32", sample_rate)
        except TrackError as error:
            raise ExportError(str(error)) from None
        return np.fromfile(decoded.path, dtype="<f4").reshape(-1, 2).copy()


def _stereo(data: np.ndarray) -> np.ndarray:
    """The first two channels; a mono file stays one channel (the mix puts it on both sides)."""
    return data if data.shape[1] <= 2 else np.ascontiguousarray(data[:, :2])


def _resampled(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    if from_rate == to_rate or len(audio) == 0:
        return audio.astype(np.float32, copy=False)
    import soxr

    return soxr.resample(audio, from_rate, to_rate, quality="HQ").astype(np.float32, copy=False)


# ---- the song's fades and end -------------------------------------------------------------------

def _song_envelope(song: Song, mix: np.ndarray, music_frames: int,
                   sample_rate: int) -> tuple[int, list[tuple[int, np.ndarray]]]:
    """(frames to keep, [(first frame, gains from there)]): the song's fades, and the tail cut
    where it falls silent. Between the spans given the gain is 1."""
    tail = mix[music_frames:]
    loud = np.flatnonzero(np.max(np.abs(tail), axis=1) > SILENT_AMP) if len(tail) and not song.fade_out_s else []
    end_fade = round(END_FADE_S * sample_rate)
    frames = music_frames + (min(len(tail), int(loud[-1]) + 1 + end_fade) if len(loud) else 0)
    spans = []
    fade_in = min(round(song.fade_in_s * sample_rate), music_frames)
    if fade_in:
        spans.append((0, _smooth(np.linspace(0.0, 1.0, fade_in, endpoint=False))))
    fade_out = min(round(song.fade_out_s * sample_rate), music_frames)
    if fade_out:
        spans.append((music_frames - fade_out, _smooth(np.linspace(1.0, 0.0, fade_out + 1)[1:])))
    if frames > music_frames:
        fade = min(end_fade, frames - music_frames)
        spans.append((frames - fade, np.linspace(1.0, 0.0, fade, dtype=np.float32)))
    return frames, spans


def _smooth(x: np.ndarray) -> np.ndarray:
    """A raised-cosine fade: no corner at either end."""
    return (0.5 - 0.5 * np.cos(np.pi * x)).astype(np.float32)
