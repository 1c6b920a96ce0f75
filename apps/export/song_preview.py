"""Listening to the open song before it is exported ("Listen" on the Export screen). No kivy here.

    preview = SongPreview(folder, make_process, takes)
    preview.listen(song, start_s, client)   # render it, or play the last render at once
    status = preview.poll(client)           # a few times a second: a PreviewStatus, never waits
    preview.stop(client)                    # Stop (a render is cancelled, the playing stopped)
    preview.forget(song_id, client), preview.close(client)

The song is rendered as the export renders it, in the export process's preview mode
(ExportProcess.start_preview: the same mixdown and mastering) into a private WAV file in the
app's data folder (preview/, beside songs/), never in the export folder. Each render writes a
file of its own and then removes the one before, so a cancelled render still ending can never
write over the new one. The file plays through the live engine's take player
(client.play_take), from where the user chose. If the song is as it was at the last render (the
same fingerprint: see song_fingerprint), the last render plays at once.

Where the song is comes from the time since the engine first said it plays the file
(EngineState.take_playing), which is as near as the engine's 25 states a second allow; it
plays to its end by itself (take_playing goes back to "").
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from studio.export.song import Song, resolve_audio_path, song_to_dict

IDLE, RENDERING, PLAYING = "idle", "rendering", "playing"
PREVIEW_PREFIX = "song-preview"
START_TIMEOUT_S = 5.0  # the engine loads the file and says it plays well within this
LAST_SECOND_S = 0.5  # a start this near the end (or past it) plays from the start instead
# What never changes the sound: editing these does not make the next Listen render again.
SOUNDLESS_FIELDS = ("title", "artist", "cover_path", "created")

EMPTY_WORDS = "The song is empty. Add a beat pattern, a vocal take or an audio clip, then tap Listen."
NO_ENGINE_WORDS = "The sound engine is not running, so the song cannot be played here. Export it to hear it."
ENGINE_STARTING_WORDS = "The sound is still starting. Tap Listen again in a moment."
SILENT_WORDS = ("Sound is off (no sound output was found), so the song cannot be heard. "
                "The line on the bars still shows where it is.")
NOT_STARTED_WORDS = "The song did not start playing. Tap Listen to try again."


class PreviewError(Exception):
    """Listen cannot be done now; str() says why in plain words."""


@dataclass(frozen=True)
class PreviewStatus:
    phase: str = IDLE  # IDLE, RENDERING or PLAYING
    fraction: float = 0.0  # how far the render is, 0..1
    position_s: float = 0.0  # where the song is while it plays, from its start
    duration_s: float = 0.0  # the rendered song's length (0 before a render)
    bar_s: float = 0.0  # a bar of the rendered song, in seconds (0 before a render)
    message: str = ""  # to be said once, in plain words
    message_kind: str = "error"  # "error" or "notice"


@dataclass(frozen=True)
class RenderedPreview:
    song_id: str
    fingerprint: str
    path: Path
    duration_s: float
    bar_s: float


@dataclass
class _Playing:
    path: Path
    start_s: float
    asked_at: float
    seen_at: float | None = None  # when the engine first said it plays it


def song_fingerprint(song: Song, takes) -> str:
    """What the preview of the song sounds like, in one string: the song as its file holds it
    (without what is never heard: its name, the artist, the cover) and the size and time of
    change of every file it plays (takes with their trim and fade details, sound files, a kit
    folder). Any edit that can change the sound changes it."""
    data = song_to_dict(song)
    for name in SOUNDLESS_FIELDS:
        data.pop(name, None)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    sources: list[Path] = []
    for lane in song.lanes:
        for clip in lane.clips:
            if clip.kind == "take":
                sources += [takes.wav_path(clip.source), takes.folder / f"{clip.source}.json"]
            elif clip.kind == "audio":
                sources.append(resolve_audio_path(clip.source))
    if song.beat is not None and Path(song.beat.kit).expanduser().is_absolute():
        sources.append(Path(song.beat.kit).expanduser())  # a kit by path (a shipped one never changes)
    for path in sources:
        try:
            stat = path.stat()
            stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            stamp = "missing"
        digest.update(f"\n{path}|{stamp}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def has_clips(song: Song | None) -> bool:
    return song is not None and any(lane.clips for lane in song.lanes)


class SongPreview:
    def __init__(self, folder: str | os.PathLike, make_process, takes, clock=time.monotonic):
        """folder: where the preview file is kept; make_process() -> an ExportProcess;
        takes: the TakeStore the song's takes are in."""
        self.folder = Path(folder)
        self._make_process = make_process
        self.takes = takes
        self._clock = clock
        self.rendered: RenderedPreview | None = None
        self.renders = 0  # renders started
        self._process = None  # the render running
        self._pending: tuple | None = None  # (song_id, fingerprint, start_s, path, bar_s) of the render running
        self._stopping: list = []  # cancelled renders, polled until they have ended
        self._playing: _Playing | None = None
        self._said_silent = False

    # ---- what it is doing ------------------------------------------------------------------------
    @property
    def phase(self) -> str:
        if self._process is not None:
            return RENDERING
        return PLAYING if self._playing is not None else IDLE

    @property
    def song_id(self) -> str | None:
        """The song being rendered or played (None when idle)."""
        if self._pending is not None:
            return self._pending[0]
        return self.rendered.song_id if self._playing is not None and self.rendered else None

    def is_ready(self, song: Song) -> bool:
        """The last render is this song as it is now: Listen plays it at once."""
        rendered = self.rendered
        return (rendered is not None and rendered.song_id == song.song_id and rendered.path.exists()
                and rendered.fingerprint == song_fingerprint(song, self.takes))

    # ---- Listen and Stop -------------------------------------------------------------------------
    def listen(self, song: Song | None, start_s: float, client) -> PreviewStatus:
        """Play the song from start_s: at once when it is as it was at the last render, else
        after rendering it. PreviewError in plain words when it cannot be done."""
        if self._playing is not None and client is not None and has_clips(song) and self.is_ready(song):
            # A jump while it plays: the take player goes straight on from the new start. (A stop
            # sent first could show the engine stopped for a moment, which would read as the end.)
            self._playing = None
            return self._play(client, start_s)
        self.stop(client)
        if client is None:
            raise PreviewError(NO_ENGINE_WORDS)
        if not has_clips(song):
            raise PreviewError(EMPTY_WORDS)
        if self.is_ready(song):
            return self._play(client, start_s)
        self.renders += 1
        path = self.folder / f"{PREVIEW_PREFIX}-{self.renders}.wav"
        process = self._make_process()
        try:
            process.start_preview(copy.deepcopy(song), path)
        except Exception as error:  # the process could not even start: said, never a crash
            raise PreviewError(f"The song could not be made ready to listen to ({error}).") from None
        self._process = process
        self._pending = (song.song_id, song_fingerprint(song, self.takes), float(start_s), path, song.bar_s)
        return PreviewStatus(RENDERING)

    def stop(self, client) -> None:
        """Cancel a render and stop the song playing."""
        if self._process is not None:
            self._process.cancel()
            self._stopping.append(self._process)
            self._process = self._pending = None
        if self._playing is not None:
            self._playing = None
            if client is not None:
                client.stop_take()

    def poll(self, client) -> PreviewStatus:
        """How the render or the playing goes; a message comes once, when something ends badly."""
        self._stopping = [process for process in self._stopping if not process.poll().done]
        if self._process is not None:
            return self._poll_render(client)
        if self._playing is not None:
            return self._poll_playing(client)
        return self._status(IDLE)

    def _status(self, phase: str, **fields) -> PreviewStatus:
        rendered = self.rendered
        return PreviewStatus(phase, duration_s=rendered.duration_s if rendered else 0.0,
                             bar_s=rendered.bar_s if rendered else 0.0, **fields)

    def _poll_render(self, client) -> PreviewStatus:
        status = self._process.poll()
        if not status.done:
            return self._status(RENDERING, fraction=float(status.fraction or 0.0))
        song_id, fingerprint, start_s, _path, bar_s = self._pending
        self._process = self._pending = None
        if status.error:
            if getattr(status, "cancelled", False):
                return self._status(IDLE)
            return self._status(IDLE, message=str(status.error))
        result = status.result
        self.rendered = RenderedPreview(song_id, fingerprint, Path(result.song_path), float(result.duration_s), bar_s)
        self._remove_others(keep=self.rendered.path)  # the render before this one
        played = self._play(client, start_s)
        notes = " ".join(str(note) for note in getattr(result, "notes", None) or ())
        if notes and not played.message:
            return replace(played, message=notes, message_kind="notice")
        return played

    def _poll_playing(self, client) -> PreviewStatus:
        playing, now = self._playing, self._clock()
        duration_s = self.rendered.duration_s if self.rendered else 0.0
        if client.state.take_playing == str(playing.path):
            if playing.seen_at is None:
                playing.seen_at = now
            position_s = min(duration_s, playing.start_s + now - playing.seen_at)
            return self._status(PLAYING, position_s=position_s)
        if playing.seen_at is not None:  # played to its end (or the engine plays something else now)
            self._playing = None
            return self._status(IDLE)
        if now - playing.asked_at > START_TIMEOUT_S:  # the engine says why in an event of its own
            self._playing = None
            return self._status(IDLE, message=NOT_STARTED_WORDS)
        return self._status(PLAYING, position_s=playing.start_s)  # the engine is loading it

    def _play(self, client, start_s: float) -> PreviewStatus:
        if client is None:
            return self._status(IDLE, message=NO_ENGINE_WORDS)
        state = client.state
        if state.backend == "starting":
            return self._status(IDLE, message=ENGINE_STARTING_WORDS)
        rendered = self.rendered
        if not 0.0 <= start_s < rendered.duration_s - LAST_SECOND_S:
            start_s = 0.0
        sample_rate = state.sample_rate or client.settings.sample_rate  # skip_frames count at the engine's rate
        client.play_take(str(rendered.path), round(start_s * sample_rate), backing="none")
        self._playing = _Playing(rendered.path, start_s, self._clock())
        if not state.device_ok and not self._said_silent:
            self._said_silent = True
            return self._status(PLAYING, position_s=start_s, message=SILENT_WORDS, message_kind="notice")
        return self._status(PLAYING, position_s=start_s)

    # ---- letting go --------------------------------------------------------------------------------
    def forget(self, song_id: str, client) -> None:
        """The song was deleted: its preview stops and its file goes."""
        if self.song_id == song_id:
            self.stop(client)
        if self.rendered is not None and self.rendered.song_id == song_id:
            with contextlib.suppress(OSError):
                self.rendered.path.unlink()
            self.rendered = None

    def close(self, client) -> None:
        """The app is closing: stop, and remove the preview files."""
        self.stop(client)
        self.rendered = None
        self._remove_others(keep=None)

    def _remove_others(self, keep: Path | None) -> None:
        try:
            paths = list(self.folder.glob(f"{PREVIEW_PREFIX}-*.wav"))
        except OSError:
            return
        for path in paths:
            if path != keep:
                with contextlib.suppress(OSError):
                    path.unlink()
