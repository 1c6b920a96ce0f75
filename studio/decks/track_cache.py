"""Tracks decoded and analysed once, kept for the next time: TrackCache.load(path, sample_rate).

    folder/audio/<key>-<rate>.f32        the decoded sound (raw float32 stereo), the big part: kept
                                         under a size budget, the least recently used removed first
    folder/tracks/<key>.json             what the track is and its analysis: small, always kept
    folder/tracks/<key>.waveform.npz     the pictures to draw
    folder/tracks/<key>.grid.json        the beat grid the user set (x2, /2, tap), when they did

A track's key is its resolved path, size and modification time: an edited file is a new track.
A take from Mic (a participant's voice) is kept apart, in folder/private/ with the same layout,
so the studio can remove every decoded copy of takes when a participant's turn ends, when their
consent is withdrawn and when the app closes (private_tracks.forget_private_tracks, called by
apps/studio_root.py); the next load decodes it again.

Every file is written to a temporary name and renamed, so a crash leaves a file whole or absent;
a damaged one is simply made again. Nothing here runs in the audio process (it decodes with
ffmpeg and analyses for about a second): the app reaches it through track_loader.TrackLoader.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from studio.atomic_file import write_atomically
from studio.decks.analysis.track_analysis import TrackAnalysis, Waveform, analyse_samples
from studio.decks.track_decode import BYTES_PER_FRAME, TrackInfo, check_readable, decode_track
from studio.decks.private_tracks import PRIVATE_FOLDER
from studio.decks.track_errors import TrackError, shown_name

FORMAT_VERSION = 1  # of the analysis files; an older one is analysed again
ANALYSIS_VERSION = 1  # bump when the analysis changes, so cached results are redone
KEEP_NEWEST_AUDIO = 2  # never removed to make room: what the two decks have just loaded
SILENT_BELOW_DB = -60.0  # a track whose loudest sample is under this has nothing to play
DECODE_SHARE = 0.7  # of a load's progress: decoding, then analysing
MIN_USER_BPM, MAX_USER_BPM = 20.0, 400.0

Progress = Callable[[float], None]  # 0..1 through a load; it may raise to stop the load


@dataclass(frozen=True)
class LoadedTrack:
    source_path: str
    audio_path: Path  # raw little-endian float32 stereo at sample_rate
    frames: int
    sample_rate: int
    info: TrackInfo
    analysis: TrackAnalysis  # with the user's own beat grid in place of the detected one, if they set one
    waveform: Waveform


class TrackCache:
    def __init__(self, folder: Path, audio_budget_bytes: int = 2 * 1024**3, private_roots=None):
        """private_roots: folders whose tracks are kept apart (None: the studio's takes folder)."""
        self.folder = Path(folder)
        self.audio_budget_bytes = audio_budget_bytes
        if private_roots is None:
            from studio.mic.takes import takes_dir

            private_roots = (takes_dir(),)
        self.private_roots = tuple(Path(root).resolve() for root in private_roots)
        self._private = (TrackCache(self.folder / PRIVATE_FOLDER, audio_budget_bytes, private_roots=())
                         if self.private_roots else None)

    def load(self, path, sample_rate: int, progress: Progress | None = None) -> LoadedTrack:
        """The track decoded at sample_rate and analysed, from the cache when it is there.

        Raises TrackError (one plain sentence) for a track that cannot be used; OSError only if the
        cache folder itself cannot be written (also said in a sentence, as a TrackError).
        """
        if self._is_private(path):
            return self._private.load(path, sample_rate, progress)
        report = progress or (lambda fraction: None)
        source = Path(path)
        key = self._key(source)
        audio_path = self.folder / "audio" / f"{key}-{int(sample_rate)}.f32"
        cached = self._read_analysis(key)
        if cached is not None and cached[1].peak_db < SILENT_BELOW_DB:
            raise _silent(source)
        info = cached[0] if cached else None
        frames = _whole_frames(audio_path)
        if frames:
            _touch(audio_path)
        else:
            decoded = decode_track(source, audio_path, sample_rate,
                                   progress=lambda fraction: report(DECODE_SHARE * fraction))
            frames, info = decoded.frames, decoded.info
        report(DECODE_SHARE)
        if cached is None or info is None:
            analysis, waveform = self._analyse(source, key, audio_path, frames, sample_rate, info)
        else:
            analysis, waveform = cached[1], cached[2]
        if analysis.peak_db < SILENT_BELOW_DB:
            with contextlib.suppress(OSError):
                audio_path.unlink()
            raise _silent(source)
        self._make_room(keep=audio_path)
        report(1.0)
        return LoadedTrack(source_path=str(source), audio_path=audio_path, frames=frames, sample_rate=sample_rate,
                           info=info, analysis=self._with_user_grid(key, analysis), waveform=waveform)

    def set_bpm(self, path, bpm: float, first_beat_s: float) -> None:
        """Keep the user's beat grid for this track (x2, /2, tap tempo, "beat 1 is here"); bpm 0
        says the track has no beat. Later loads give it in place of the detected grid."""
        if not (bpm == 0 or MIN_USER_BPM <= bpm <= MAX_USER_BPM) or not math.isfinite(first_beat_s):
            raise ValueError(f"bpm must be 0 or in range {MIN_USER_BPM:g}..{MAX_USER_BPM:g}, "
                             f"and first_beat_s a number, got {bpm!r} and {first_beat_s!r}")
        if self._is_private(path):
            self._private.set_bpm(path, bpm, first_beat_s)
            return
        key = self._key(Path(path))
        write_atomically(self._grid_path(key), json.dumps({"bpm": float(bpm), "first_beat_s": float(first_beat_s)}))

    # --- the files --------------------------------------------------------------------------
    def _is_private(self, path) -> bool:
        if self._private is None:
            return False
        resolved = Path(path).resolve()
        return any(resolved.is_relative_to(root) for root in self.private_roots)

    def _key(self, source: Path) -> str:
        check_readable(source)
        resolved = source.resolve()
        stat = resolved.stat()
        identity = f"{resolved}\0{stat.st_size}\0{stat.st_mtime_ns}"
        return hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:32]

    def _analysis_path(self, key: str) -> Path:
        return self.folder / "tracks" / f"{key}.json"

    def _waveform_path(self, key: str) -> Path:
        return self.folder / "tracks" / f"{key}.waveform.npz"

    def _grid_path(self, key: str) -> Path:
        return self.folder / "tracks" / f"{key}.grid.json"

    def _read_analysis(self, key: str) -> tuple[TrackInfo, TrackAnalysis, Waveform] | None:
        """What was kept for the track, or None when nothing (whole and current) was."""
        try:
            data = json.loads(self._analysis_path(key).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT_VERSION or data.get("analysis_version") != ANALYSIS_VERSION:
                return None
            info = TrackInfo(**data["info"])
            analysis = TrackAnalysis.from_json(data["analysis"])
            with np.load(self._waveform_path(key), allow_pickle=False) as arrays:
                waveform = Waveform(overview=arrays["overview"], detail=arrays["detail"],
                                    detail_columns_per_s=float(arrays["detail_columns_per_s"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return info, analysis, waveform

    def _analyse(self, source: Path, key: str, audio_path: Path, frames: int, sample_rate: int,
                 info: TrackInfo | None) -> tuple[TrackAnalysis, Waveform]:
        if info is None:  # the sound was kept but not what it is: ask the file again (fast)
            from studio.decks.track_decode import probe_track

            info = probe_track(source)
        samples = np.memmap(audio_path, dtype="<f4", mode="r", shape=(frames, 2))
        try:
            analysis, waveform = analyse_samples(samples, sample_rate)
        finally:
            del samples
        try:
            self._write_analysis(key, info, analysis, waveform)
        except OSError:
            pass  # only the next load is slower; this one has what it needs
        return analysis, waveform

    def _write_analysis(self, key: str, info: TrackInfo, analysis: TrackAnalysis, waveform: Waveform) -> None:
        waveform_path = self._waveform_path(key)
        waveform_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = waveform_path.with_name(f".{waveform_path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as file:
                np.savez(file, overview=waveform.overview, detail=waveform.detail,
                         detail_columns_per_s=np.float64(waveform.detail_columns_per_s))
            os.replace(tmp, waveform_path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        data = {"format": FORMAT_VERSION, "analysis_version": ANALYSIS_VERSION, "info": asdict(info),
                "analysis": analysis.to_json()}
        write_atomically(self._analysis_path(key), json.dumps(data, indent=1, allow_nan=False))

    def _with_user_grid(self, key: str, analysis: TrackAnalysis) -> TrackAnalysis:
        try:
            grid = json.loads(self._grid_path(key).read_text(encoding="utf-8"))
            bpm, first_beat_s = float(grid["bpm"]), float(grid["first_beat_s"])
        except (OSError, ValueError, KeyError, TypeError):
            return analysis
        return replace(analysis, bpm=bpm, first_beat_s=first_beat_s, bpm_confidence=1.0)

    def _make_room(self, keep: Path) -> None:
        """Remove the least recently used decoded tracks until the rest fit the budget."""
        try:
            files = [(p.stat().st_mtime, p.stat().st_size, p) for p in (self.folder / "audio").glob("*.f32")]
        except OSError:
            return
        files.sort(reverse=True)  # newest first
        total = sum(size for _, size, _ in files)
        for index, (_, size, path) in enumerate(reversed(files)):
            if total <= self.audio_budget_bytes or len(files) - index <= KEEP_NEWEST_AUDIO:
                break
            if path != keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                    total -= size


def _whole_frames(audio_path: Path) -> int:
    """How many frames a kept decoded file holds (0 when there is none: it is renamed in whole)."""
    try:
        return audio_path.stat().st_size // BYTES_PER_FRAME
    except OSError:
        return 0


def _touch(path: Path) -> None:
    """Mark as just used: the least recently used go first when room is needed."""
    with contextlib.suppress(OSError):
        now = time.time()
        os.utime(path, (now, now))


def _silent(source: Path) -> TrackError:
    return TrackError(f"{shown_name(source)} is silent (there is no sound in it).")
