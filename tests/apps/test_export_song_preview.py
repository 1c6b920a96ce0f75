"""Listen's logic without a screen (apps/export/song_preview.py): what makes a song need rendering
again, playing at the engine's rate from where it was asked, the position while it plays, the end,
an engine that never starts it, and the files it leaves (one at a time, none after closing)."""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile

from apps.export.song_preview import (
    NOT_STARTED_WORDS, PLAYING, RENDERING, START_TIMEOUT_S, SongPreview, song_fingerprint,
)
from studio.beats.model import Beat
from studio.export.song import Clip, Lane, Song
from studio.mic.takes import TakeStore
from tests.apps.apps_test_support import FakeEngineClient


@dataclass
class Status:
    fraction: float = 0.0
    done: bool = False
    result: object = None
    error: str | None = None
    cancelled: bool = False


@dataclass
class Result:
    song_path: Path
    duration_s: float
    notes: tuple = ()


class PreviewProcess:
    """The export process's preview mode, finished by the test."""

    def __init__(self):
        self.status, self.args, self.cancelled = Status(), None, False

    def start_preview(self, song, path):
        self.args = (song, Path(path))

    def poll(self):
        return self.status

    def cancel(self):
        self.cancelled = True
        self.status = Status(done=True, error="The export was cancelled.", cancelled=True)

    def finish(self, seconds: float):
        path = self.args[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        soundfile.write(str(path), np.zeros((int(seconds * 48000), 2), np.float32), 48000)
        self.status = Status(1.0, True, Result(path, seconds))


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def takes(tmp_path):
    store = TakeStore(tmp_path / "takes")
    store.check_folder()
    return store


def a_song(takes) -> Song:
    info, wav = takes.new_take(48000, 1)
    soundfile.write(str(wav), np.zeros(48000, np.float32), 48000)
    takes.finish(info, 48000)
    return Song("song-1", "Song", bpm=120.0, beat=Beat(bpm=120.0), lanes=[
        Lane("Beat", "beat", [Clip("pattern", "A", 0, 4)]), Lane("Vocals", "vocal", [Clip("take", info.take_id, 1)])])


def test_the_fingerprint_changes_with_what_is_heard_and_only_that(takes):
    song = a_song(takes)
    first = song_fingerprint(song, takes)
    song.title, song.artist, song.cover_path = "Another name", "MC Ward", "cover.png"
    assert song_fingerprint(song, takes) == first, "a name is never heard"
    song.lanes[0].volume_db = -3.0
    turned_down = song_fingerprint(song, takes)
    assert turned_down != first
    take_id = song.lanes[1].clips[0].source
    details = takes.folder / f"{take_id}.json"
    stat = details.stat()
    os.utime(details, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # trimmed or faded in Mic
    assert song_fingerprint(song, takes) != turned_down
    trimmed = song_fingerprint(song, takes)
    takes.wav_path(take_id).unlink()
    assert song_fingerprint(song, takes) != trimmed, "a take gone is a change"


def test_listen_renders_then_plays_at_the_engine_rate_and_again_at_once(tmp_path, takes):
    song, clock, made = a_song(takes), Clock(), []
    client = FakeEngineClient()
    client.state.sample_rate, client.state.device_ok = 44100, True
    preview = SongPreview(tmp_path / "preview", lambda: made.append(PreviewProcess()) or made[-1], takes, clock)
    assert preview.listen(song, 2.0, client).phase == RENDERING
    made[-1].status = Status(0.5)
    assert (preview.poll(client).phase, preview.poll(client).fraction) == (RENDERING, 0.5)
    made[-1].finish(9.0)
    status = preview.poll(client)
    path = str(made[-1].args[1])
    assert (status.phase, status.position_s, status.duration_s, status.bar_s) == (PLAYING, 2.0, 9.0, 2.0)
    assert client.takes_played == [(path, 2 * 44100, "none")]  # skip_frames at the engine's rate
    client.state.take_playing = ""  # the engine is still loading the file: the position waits
    clock.now += 1.0
    assert (preview.poll(client).phase, preview.poll(client).position_s) == (PLAYING, 2.0)
    client.state.take_playing = path
    clock.now += 0.5
    assert preview.poll(client).position_s == 2.0  # the engine says it plays from now
    clock.now += 1.25
    assert preview.poll(client).position_s == pytest.approx(3.25)
    client.state.take_playing = ""  # played to its end
    assert preview.poll(client).phase == "idle"
    assert preview.listen(song, 8.9, client).phase == PLAYING, "no edit: at once"
    assert len(made) == 1 and client.takes_played[-1] == (path, 0, "none"), "too near the end: from the start"
    song.lanes[0].mute = True
    assert preview.listen(song, 0.0, client).phase == RENDERING
    assert client.takes_played[-1] is None, "the song playing was stopped first"
    made[-1].finish(5.0)
    preview.poll(client)
    assert os.listdir(tmp_path / "preview") == [Path(made[-1].args[1]).name], "the render before it is gone"
    preview.close(client)
    assert os.listdir(tmp_path / "preview") == []


def test_an_engine_that_never_plays_it_is_said_and_a_cancel_is_quiet(tmp_path, takes):
    song, clock, made = a_song(takes), Clock(), []
    client = FakeEngineClient()
    client.play_take = lambda *args, **kwargs: None  # the engine never says it plays
    preview = SongPreview(tmp_path / "preview", lambda: made.append(PreviewProcess()) or made[-1], takes, clock)
    preview.listen(song, 0.0, client)
    made[-1].finish(3.0)
    assert preview.poll(client).phase == PLAYING
    clock.now += START_TIMEOUT_S + 0.1
    status = preview.poll(client)
    assert (status.phase, status.message) == ("idle", NOT_STARTED_WORDS)
    song.bpm = 100.0
    preview.listen(song, 0.0, client)
    preview.stop(client)
    assert made[-1].cancelled
    assert preview.poll(client).message == ""
