"""Helpers for the Export screen's tests (this module holds no tests of its own): a beat with
patterns, takes and mixes in the store, a fake ExportProcess the test drives, and a touch case
that opens the Export screen with its data and Music folder in temporary folders.

Import only after skip_module_without_display()."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.beats.beat_file import save_beat
from studio.beats.storage import current_beat_path, new_beat
from studio.export.song_store import SongStore, load_song_file
from studio.mic.takes import TakeStore
from studio.mic.wav_stream import WavStreamWriter
from tests.apps.apps_test_support import FakeEngineClient
from tests.apps.studio_touch_case import StudioTouchCase

TAKE_RATE = 8000  # small files: the screen only reads their length


def save_a_beat(bpm: float = 96.0, patterns: str = "AB"):
    """The beat in Beats: a kick and a snare in each of the given patterns."""
    beat = new_beat()
    beat.bpm = bpm
    for name in patterns:
        rows = beat.patterns[name].rows
        for step in (0, 8):
            rows[0].velocities[step] = 1.0
        rows[1].velocities[4] = rows[1].velocities[12] = 0.8
    save_beat(beat, current_beat_path())
    return beat


def make_take(store: TakeStore, seconds: float, channels: int = 1, **details):
    """A finished take in the store (a mix: channels=2, name_prefix="Mix")."""
    info, path = store.new_take(TAKE_RATE, channels, **details)
    with WavStreamWriter(path, TAKE_RATE, channels) as wav:
        wav.append(np.zeros((int(seconds * TAKE_RATE), channels) if channels > 1 else int(seconds * TAKE_RATE),
                            dtype=np.float32))
    return store.finish(info, int(seconds * TAKE_RATE))


@dataclass
class FakeStatus:
    fraction: float = 0.0
    words: str = ""
    done: bool = False
    result: object = None
    error: str | None = None


@dataclass
class FakeResult:
    song_path: Path
    stem_paths: list
    midi_path: Path | None = None
    lufs: float = -14.0
    true_peak_dbtp: float = -1.2
    duration_s: float = 10.0


class FakeExportProcess:
    """ExportProcess's API; the test says how far it got (report), and how it ended (finish, fail)."""

    made: list["FakeExportProcess"] = []

    def __init__(self):
        self.started = None  # (song, out_dir, options)
        self.previewing = None  # (song, path) in the preview mode
        self.cancelled = False
        self.status = FakeStatus()
        FakeExportProcess.made.append(self)

    def start(self, song, out_dir, options):
        self.started = (song, Path(out_dir), options)

    def start_preview(self, song, path):
        """The preview mode: finish_preview writes a WAV of the song's length at path."""
        self.previewing = (song, Path(path))
        self.started = (song, Path(path).parent, None)

    def poll(self):
        return self.status

    def cancel(self):
        self.cancelled = True

    def report(self, fraction: float, words: str):
        self.status = FakeStatus(fraction, words)

    def finish(self, name: str = "My song.mp3"):
        out_dir = self.started[1]
        self.status = FakeStatus(1.0, "Done", True, FakeResult(out_dir / name, []))

    def finish_preview(self, seconds: float, sample_rate: int = 48000):
        """The preview is ready: a stereo WAV of silence, seconds long, at the path it was given."""
        import soundfile

        song, path = self.previewing
        path.parent.mkdir(parents=True, exist_ok=True)
        soundfile.write(str(path), np.zeros((int(seconds * sample_rate), 2), np.float32), sample_rate)
        self.status = FakeStatus(1.0, "Done", True, FakeResult(path, [], duration_s=seconds))

    def fail(self, error: str):
        self.status = FakeStatus(self.status.fraction, self.status.words, True, None, error)


class ExportTouchCase(StudioTouchCase):
    """The studio with the Export screen open; data (songs, takes, the beat) and the Music folder
    in temporary folders; exports go to a fake process unless a test says otherwise."""

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="ward-studio-data-")
        os.environ["WARD_STUDIO_DATA_DIR"] = self.data_dir
        self.music_dir = Path(tempfile.mkdtemp(prefix="ward-studio-music-"))
        os.environ["WARD_STUDIO_MUSIC_DIR"] = str(self.music_dir)
        super().setUp()
        FakeExportProcess.made = []
        self.songs = SongStore()
        self.takes = TakeStore()
        self.takes.check_folder()

    def tearDown(self):
        if getattr(self, "screen", None) is not None:
            self.screen.close()
        os.environ.pop("WARD_STUDIO_MUSIC_DIR", None)
        super().tearDown()

    def open_export(self, client=None, fake_process: bool = True):
        root = self.make_root(client=client if client is not None else FakeEngineClient())
        screen = root.export_screen
        if fake_process:
            screen.make_process = FakeExportProcess
        root.open_screen("export", animate=False)
        self.advance_frames(2)
        self.screen, self.ids = screen, screen.ids
        return screen

    @property
    def session(self):
        return self.screen.session

    @property
    def sheet(self):
        return self.ids.sheets.sheet

    def saved_song(self):
        """The open song as its file holds it now."""
        return load_song_file(self.songs.song_path(self.session.song.song_id))

    def banner_says(self, words: str) -> bool:
        banner = self.root.banner
        return words in banner.message or any(words in message for message, _ in banner._waiting)

    def settle(self):
        """Frames for the layout after a change made without a finger (before tapping what it shows)."""
        self.advance_frames(2)

    def poll_export(self):
        """What the screen does 10 times a second while an export runs (frames can be faster)."""
        self.screen.poll_export()
        self.advance_frames(1)

    def quiet_banner(self):
        """Close the banner (a finger would tap it away) so that it covers nothing."""
        banner = self.root.banner
        banner._waiting.clear()
        banner.hide()
        self.advance_frames(1)

    def tap_bar(self, name: str):
        """A button on the top bar (the banner lies over it while it shows)."""
        self.quiet_banner()
        self.tap(self.ids.bar.ids[name])

    def add_pattern(self, name: str = "A"):
        self.tap(self.ids.tools.ids.add_pattern_button)
        self.tap(self.sheet.buttons[name])

    def block(self, lane: int, clip: int):
        return self.ids.arranger.block_for(lane, clip)
