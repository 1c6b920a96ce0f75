"""Exporting a song: mixdown, mastering, then the files (the mix, stems if asked, the beat as MIDI).

    export_song(song, out_dir, ExportOptions(...), progress=None, cancel=None) -> ExportResult

Everything that can be checked before the slow part is checked first (the folder, the format,
the cover, names already taken, missing takes and sound files), so a mistake is told at once.
Every file is written under a temporary name and renamed when whole (audio_files.write_audio);
a cancel or an error also takes away the files this export had already finished, so an export
leaves all its files or none of them.

The mix is analysed once and its gain planned (mastering.py); the gain is then applied a piece
at a time as the mix and each stem go to the encoder, so no mastered copy of the song is held.
The mastered mix's exact loudness and true peak are measured on a second thread while the
encoder works on it (most of an export's time is the encoder's), and the mix takes its final
name only once that check has passed; if it ever finds a peak over the ceiling, the song is
mastered again aiming lower and written again. The mix's encoder (ffmpeg) is started before the
mixdown, so that its start-up is done by the time the first samples are ready for it. A long MP3
is encoded in two halves at once by two ffmpegs and joined (audio_files, mp3_halves).
"""

from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from studio.export.audio_files import (
    FORMATS, LOSSY_FORMATS, StartedEncoder, Tags, check_out_dir, estimated_bytes, extension_of, safe_file_name, write_audio,
)
from studio.export.errors import ExportCancelled, ExportError, ExportFileExists
from studio.export.mastering import (
    CHECK_TRIES, GainPlan, PlannedAudio, analyse, lowered, measure_planned, plan_gain,
)
from studio.export.mixdown import STEPS_PER_BAR, Mixdown, mixdown
from studio.export.song import Song, clip_bars

LOSSLESS_CEILING_DBTP = -1.0
# MP3, AAC and Vorbis encoders overshoot the peaks they are given by a fraction of a dB; aiming
# lower keeps the decoded file at or under -1 dBTP too.
LOSSY_CEILING_DBTP = -1.5
# Shares of the progress bar. The bench's 3-minute song spends about 15 % of its export mixing,
# 10 % setting the loudness and the rest encoding; a beat that must be played whole (a tempo
# whose loops never land on whole samples) makes the mixdown most of it.
MIXDOWN_SHARE, MASTERING_SHARE = 0.25, 0.1
BACKGROUND_NICENESS = 19  # the check beside the encoder: the lowest priority (_run_in_background)

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


@dataclass
class ExportOptions:
    format: str = "mp3-320"  # one of audio_files.FORMATS
    stems: bool = False  # also one file per lane heard: "<file stem> - <lane name>"
    midi: bool = False  # also the beat lanes as a standard MIDI file: "<file stem>.mid"
    target_lufs: float | None = None  # None: the song's own target (Song.target_lufs)
    file_stem: str | None = None  # the mix's file name without its extension (default: the song's title)
    overwrite: bool = False  # replace files already there (otherwise ExportFileExists, before any work)
    sample_rate: int = 48000


@dataclass
class ExportResult:
    song_path: Path
    stem_paths: list[Path]
    midi_path: Path | None
    lufs: float  # integrated loudness of the mix (-inf: silence)
    true_peak_dbtp: float
    duration_s: float
    notes: list[str] = field(default_factory=list)  # plain remarks ("The song is silent...")


def ceiling_for(fmt: str) -> float:
    return LOSSY_CEILING_DBTP if fmt in LOSSY_FORMATS else LOSSLESS_CEILING_DBTP


def planned_paths(song: Song, out_dir: Path,
                  options: ExportOptions) -> tuple[Path, list[tuple[str, Path]], Path | None]:
    """(mix path, [(lane name, stem path)] for the lanes heard, MIDI path or None)."""
    extension = extension_of(options.format)
    stem = safe_file_name(options.file_stem or song.title, "Untitled")
    mix_path = out_dir / f"{stem}{extension}"
    stems, taken = [], {mix_path.name.casefold()}
    if options.stems:
        for lane in song.lanes:
            if lane.mute or not lane.clips:
                continue
            name = safe_file_name(f"{stem} - {lane.name}")
            candidate, number = name, 1
            while f"{candidate}{extension}".casefold() in taken:  # two lanes of one name
                number += 1
                candidate = f"{name} ({number})"
            taken.add(f"{candidate}{extension}".casefold())
            stems.append((lane.name, out_dir / f"{candidate}{extension}"))
    has_beat = any(lane.kind == "beat" and not lane.mute and lane.clips for lane in song.lanes)
    midi_path = out_dir / f"{stem}.mid" if options.midi and has_beat and song.beat is not None else None
    return mix_path, stems, midi_path


def export_song(song: Song, out_dir: str | os.PathLike, options: ExportOptions | None = None,
                progress: Progress | None = None, cancel: Cancel | None = None) -> ExportResult:
    """Export the song into out_dir (see the module's notes). progress(fraction, words); cancel() -> True
    stops it with ExportCancelled. Every problem is an ExportError in plain words."""
    options = options or ExportOptions()
    if options.format not in FORMATS:
        raise ExportError(f"There is no export format called \u201c{options.format}\u201d. "
                          f"The formats are: {', '.join(FORMATS)}.")
    out_dir = check_out_dir(out_dir)
    target_lufs = song.target_lufs if options.target_lufs is None else options.target_lufs
    if not -30.0 <= target_lufs <= -6.0:
        raise ExportError(f"The loudness target must be between -30 and -6 LUFS, got {target_lufs:g}.")
    tags = Tags(title=song.title, artist=song.artist, date=date.today().isoformat(), bpm=song.bpm,
                cover_path=song.cover_path)
    if song.cover_path:
        from studio.export.tags import check_cover

        check_cover(song.cover_path)
    mix_path, stem_paths, midi_path = planned_paths(song, out_dir, options)
    if not options.overwrite:
        for path in [mix_path, *(path for _, path in stem_paths), *([midi_path] if midi_path else [])]:
            if os.path.lexists(path):
                raise ExportFileExists(f"A file called {path.name} is already there. Replace it, or export "
                                       "under another name.", path)

    def report(start: float, share: float) -> Progress:
        return lambda fraction, words: progress(start + share * fraction, words) if progress else None

    # The mix's encoder starts now: its start-up overlaps the mixdown (StartedEncoder).
    with StartedEncoder(mix_path, options.format, options.sample_rate) as encoder:
        mixed = mixdown(song, options.sample_rate, report(0.0, MIXDOWN_SHARE), cancel, stems=options.stems)
        if progress:
            progress(MIXDOWN_SHARE, "Measuring the loudness")
        analysis = analyse(mixed.mix, options.sample_rate, cancel)
        ceiling_dbtp = ceiling_for(options.format)
        aim_lower_db = 0.0
        for attempt in range(CHECK_TRIES):
            plan = plan_gain(analysis, options.sample_rate, target_lufs, ceiling_dbtp,
                             report(MIXDOWN_SHARE, MASTERING_SHARE), cancel, aim_lower_db)
            if attempt == CHECK_TRIES - 1:  # never seen: measure, and turn it all down if still over
                plan.lufs, plan.true_peak_dbtp = measure_planned(mixed.mix, plan, options.sample_rate, cancel)
                if plan.true_peak_dbtp > ceiling_dbtp:
                    plan = lowered(plan, mixed.mix, ceiling_dbtp, options.sample_rate)
                _write_files(song, mixed, plan, mix_path, stem_paths, midi_path, options, tags, progress, cancel,
                             encoder=encoder)
                break
            check = _MixCheck(mixed.mix, plan, options.sample_rate, ceiling_dbtp)
            try:
                # The check's matrix products on one core: the encoder has the other to itself.
                with threadpool_limits(limits=1, user_api="blas"):
                    _write_files(song, mixed, plan, mix_path, stem_paths, midi_path, options, tags, progress, cancel,
                                 check.passed, encoder)
                break
            except _PeakOver as over:
                aim_lower_db += over.peak_dbtp - ceiling_dbtp + 0.01
            finally:
                check.stop()
    if progress:
        progress(1.0, "Done")
    return ExportResult(mix_path, [path for _, path in stem_paths], midi_path, plan.lufs,
                        plan.true_peak_dbtp, plan.frames / options.sample_rate, plan.notes)


class _PeakOver(Exception):
    """The mastered mix measured over the ceiling (never seen): master it again, aiming lower."""

    def __init__(self, peak_dbtp: float):
        super().__init__(f"true peak {peak_dbtp:.2f} dBTP")
        self.peak_dbtp = peak_dbtp


class _MixCheck:
    """The mastered mix measured exactly (loudness and true peak) on a thread of its own, while
    the encoder works on it: the mix takes its final name only once it has passed. The check
    applies the gain to the mix itself, a piece at a time (measure_planned), as the writer does."""

    def __init__(self, mix: np.ndarray, plan: GainPlan, sample_rate: int, ceiling_dbtp: float):
        self._plan, self._ceiling_dbtp = plan, ceiling_dbtp
        self._stopped = threading.Event()
        self._error: BaseException | None = None
        self._measured: tuple[float, float] | None = None
        self._thread = threading.Thread(target=self._run, args=(mix, sample_rate), name="export check", daemon=True)
        self._thread.start()

    def _run(self, mix: np.ndarray, sample_rate: int) -> None:
        _run_in_background()
        try:
            self._measured = measure_planned(mix, self._plan, sample_rate, self._stopped.is_set)
        except BaseException as error:  # raised on the export's own thread, from passed()
            self._error = error

    def passed(self) -> None:
        """Wait for the measure; the plan gets the measured loudness and true peak, or _PeakOver."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        lufs, peak_dbtp = self._measured
        if math.isfinite(lufs) and peak_dbtp > self._ceiling_dbtp:
            raise _PeakOver(peak_dbtp)
        self._plan.lufs, self._plan.true_peak_dbtp = lufs, peak_dbtp

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


def _run_in_background() -> None:
    """This thread gives way to the encoder and to the thread feeding it: it has until the
    encoder ends, and the encoder is what the export waits on (16 exports each way, taken in turn:
    the encodes took a median 2.37 s with the check at the lowest priority, 2.44 s without). On
    Linux a thread has a priority of its own: setpriority on its id changes only it; elsewhere
    that id names no thread, so nothing is changed."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)


def _write_files(song: Song, mixed: Mixdown, plan: GainPlan, mix_path: Path, stem_paths: list[tuple[str, Path]],
                 midi_path: Path | None, options: ExportOptions, tags: Tags, progress: Progress | None,
                 cancel: Cancel | None, mix_ready: Callable[[], None] | None = None,
                 encoder: StartedEncoder | None = None) -> None:
    """The mix (taking its name once mix_ready() allows; through the encoder started ahead for
    it, if not used yet), the stems and the MIDI file, each with the plan's gain applied as it
    is written; all or nothing: after any error or cancel, the files this export made are taken
    away again."""
    files = [(mix_path, PlannedAudio(mixed.mix, plan))] + [
        (path, PlannedAudio(audio, plan)) for (_, path), (_, audio) in zip(stem_paths, mixed.stems)]
    needed = sum(estimated_bytes(options.format, len(audio), 2, options.sample_rate) for _, audio in files)
    check_out_dir(mix_path.parent, needed)
    written: list[Path] = []
    done_share = MIXDOWN_SHARE + MASTERING_SHARE
    try:
        for index, (path, audio) in enumerate(files):
            words = f"Saving {path.name}"
            share = (1.0 - done_share) / len(files)
            start = done_share + index * share
            if progress:
                progress(start, words)
            existed = os.path.lexists(path)
            write_audio(audio, options.sample_rate, path, options.format, tags, cancel, options.overwrite,
                        (lambda fraction, start=start, share=share, words=words: progress(start + share * fraction,
                                                                                         words)) if progress else None,
                        mix_ready if index == 0 else None, encoder if index == 0 else None)
            if not existed:
                written.append(path)
        if midi_path is not None:
            if cancel is not None and cancel():
                raise ExportCancelled()
            existed = os.path.lexists(midi_path)
            write_song_midi(song, midi_path)
            if not existed:
                written.append(midi_path)
    except BaseException:
        for path in written:  # all or nothing: a cancelled export leaves none of its files
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def set_exporter(options: ExportOptions) -> Callable:
    """export_one for performance_set.export_set: each song of the set with these options."""
    def export_one(song: Song, folder, file_stem: str, progress=None, cancel=None) -> ExportResult:
        return export_song(song, folder, replace(options, file_stem=file_stem), progress, cancel)
    return export_one


# ---- the beat as MIDI ---------------------------------------------------------------------------

def song_midi(song: Song):
    """The song's beat lanes (those heard) as a MIDI file: each pattern clip where it is placed,
    for its bars, at the song's tempo. Built from midi_export.beat_to_midi, one clip at a time."""
    import mido

    from studio.beats.midi_export import TICKS_PER_BEAT, beat_to_midi
    from studio.export.song import BEATS_PER_BAR

    bar_ticks = BEATS_PER_BAR * TICKS_PER_BEAT
    events: list[tuple[int, int, mido.Message]] = []
    end_tick = 0
    for lane in song.lanes:
        if lane.kind != "beat" or lane.mute:
            continue
        for clip in lane.clips:
            bars = clip_bars(song, clip)
            beat = copy.deepcopy(song.beat)
            steps = beat.patterns[clip.source].step_count
            beat.bpm, beat.chain = song.bpm, [clip.source] * math.ceil(bars * STEPS_PER_BAR / steps)
            start, end = clip.start_bar * bar_ticks, (clip.start_bar + bars) * bar_ticks
            tick, sounding = 0, set()
            for message in beat_to_midi(beat).tracks[1]:
                tick += message.time
                if message.type == "note_on" and start + tick < end:  # hits after the clip's bars are cut
                    sounding.add(message.note)
                    events.append((start + tick, 1, message.copy(time=0)))
                elif message.type == "note_off" and message.note in sounding:
                    sounding.discard(message.note)
                    events.append((start + tick, 0, message.copy(time=0)))
            end_tick = max(end_tick, end)
    events.sort(key=lambda event: (event[0], event[1], event[2].note))
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT, charset="utf-8")
    tempo = mido.MidiTrack([mido.MetaMessage("track_name", name=song.title, time=0),
                            mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(song.bpm), time=0),
                            mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
                            mido.MetaMessage("end_of_track", time=end_tick)])
    drums = mido.MidiTrack([mido.MetaMessage("track_name", name="Drums", time=0)])
    last = 0
    for tick, _, message in events:
        drums.append(message.copy(time=tick - last))
        last = tick
    drums.append(mido.MetaMessage("end_of_track", time=max(0, end_tick - last)))
    midi.tracks += [tempo, drums]
    return midi


def write_song_midi(song: Song, path: Path) -> None:
    from studio.atomic_file import write_atomically

    buffer = io.BytesIO()
    song_midi(song).save(file=buffer)
    try:
        write_atomically(path, buffer.getvalue())
    except OSError as error:
        from studio.export.audio_files import disk_error_message

        raise ExportError(disk_error_message(error, path)) from None
