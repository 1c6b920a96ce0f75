"""Helpers for the Decks screen's tests (this module holds no tests of its own): a fake engine
client with the deck messages, a fake track loader, tracks as the loader hands them over, and a
touch case that opens the Decks screen with its data, music and cache in temporary folders.

Import only after skip_module_without_display()."""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.engine.messages import EngineEvent
from tests.apps.apps_test_support import FakeEngineClient
from tests.apps.studio_touch_case import StudioTouchCase


# The decks' messages are recorded by FakeEngineClient itself (the launcher opens Decks too).
FakeDecksClient = FakeEngineClient


# ---- tracks as the TrackLoader hands them over ----------------------------------------------------------
@dataclass(frozen=True)
class FakeInfo:
    title: str
    artist: str = ""
    duration_s: float = 60.0
    truncated: bool = False

    @property
    def notice(self) -> str:
        return "Only the first 15 minutes are loaded." if self.truncated else ""


@dataclass(frozen=True)
class FakeAnalysis:
    bpm: float = 120.0
    first_beat_s: float = 0.5
    key: str = "A minor"
    gain_db: float = -2.0


@dataclass(frozen=True)
class FakeWaveform:
    overview: np.ndarray
    detail: np.ndarray
    detail_columns_per_s: float = 100.0


@dataclass(frozen=True)
class FakeLoadedTrack:
    source_path: str
    audio_path: str
    frames: int
    sample_rate: int
    info: FakeInfo
    analysis: FakeAnalysis = field(default_factory=FakeAnalysis)
    waveform: FakeWaveform | None = None


def wavy_peaks(columns: int, seed: int = 1) -> np.ndarray:
    """Peaks that look like music: a kick every 50 columns, a busy middle, hats."""
    rng = np.random.default_rng(seed)
    t = np.arange(columns)
    low = 60 + 170 * np.exp(-(t % 50) / 9.0)
    mid = 50 + 90 * rng.random(columns) * (0.6 + 0.4 * np.sin(t / 400.0) ** 2)
    high = 20 + 60 * rng.random(columns) * ((t % 25) < 6)
    return np.clip(np.stack([low, mid, high], axis=1), 0, 255).astype(np.uint8)


def fake_track(path: str, title: str, duration_s: float = 90.0, sample_rate: int = 48000, seed: int = 1,
               **analysis) -> FakeLoadedTrack:
    detail = wavy_peaks(int(duration_s * 100), seed)
    overview = detail[np.linspace(0, len(detail) - 1, 1024).astype(int)]
    return FakeLoadedTrack(str(path), str(path) + ".f32", int(duration_s * sample_rate), sample_rate,
                           FakeInfo(title, "Ward Studio", duration_s), FakeAnalysis(**analysis),
                           FakeWaveform(overview, detail))


@dataclass(frozen=True)
class FakeLoadResult:
    request_id: int
    deck: int
    loaded: object = None
    error: str = ""


class FakeTrackLoader:
    """The TrackLoader's API: requests are answered when the test says (finish / fail)."""

    def __init__(self, sample_rate: int):
        self.sample_rate = sample_rate
        self.requests: dict[int, tuple[int, str]] = {}
        self._ids = itertools.count(1)
        self._results: list[FakeLoadResult] = []

    def request(self, deck: int, path: str) -> int:
        request_id = next(self._ids)
        self.requests[request_id] = (deck, path)
        return request_id

    def finish(self, request_id: int, track) -> None:
        self._results.append(FakeLoadResult(request_id, self.requests[request_id][0], track))

    def fail(self, request_id: int, message: str) -> None:
        self._results.append(FakeLoadResult(request_id, self.requests[request_id][0], None, message))

    def poll(self):
        results, self._results = self._results, []
        return results

    def progress(self, deck: int):
        return None

    def close(self):
        self.closed = True

    @property
    def last_request_id(self) -> int:
        return max(self.requests)


def loaded_event(deck: int, load) -> EngineEvent:
    return EngineEvent("track_loaded", f"“{load.title}” is on deck {deck}.",
                       {"deck": deck, "source_path": load.source_path})


def hot_cue_event(deck: int, index: int, position_s, was_s=None) -> EngineEvent:
    data = {"deck": deck, "hot_cue": index, "position_s": position_s}
    if position_s is None:
        data["was_s"] = was_s
    return EngineEvent("hot_cue", f"Hot cue {index} on deck {deck}.", data)


class DecksTouchCase(StudioTouchCase):
    """The studio with the Decks screen open; data, music and the track cache in temporary folders."""

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="ward-studio-data-")
        os.environ["WARD_STUDIO_DATA_DIR"] = self.data_dir  # hot cues, takes, decoded tracks
        self.music_dir = Path(tempfile.mkdtemp(prefix="ward-studio-music-"))
        os.environ["WARD_STUDIO_MUSIC_DIR"] = str(self.music_dir)
        super().setUp()
        self.loaders: list[FakeTrackLoader] = []

    def tearDown(self):
        os.environ.pop("WARD_STUDIO_MUSIC_DIR", None)
        super().tearDown()

    def fake_loader(self, sample_rate: int) -> FakeTrackLoader:
        loader = FakeTrackLoader(sample_rate)
        self.loaders.append(loader)
        return loader

    def open_decks(self, client=None, real_loader: bool = False):
        root = self.make_root(client=client if client is not None else FakeDecksClient())
        screen = root.decks_screen
        if not real_loader:
            screen.session.loads._make_loader = self.fake_loader
        root.open_screen("decks", animate=False)
        self.advance_frames(2)
        self.screen, self.ids = screen, screen.ids
        return screen

    def poll(self):
        self.root.poll()
        self.advance_frames(1)

    def double_tap(self, at):
        """Two quick taps at a window position (no frames between: a slow test machine would
        make them too far apart)."""
        from kivy.tests.common import UnitTestTouch

        for _ in range(2):
            touch = UnitTestTouch(*at)
            touch.touch_down()
            touch.touch_up()
        self.advance_frames(2)

    def report(self, *events):
        self.client.events.extend(events)
        self.poll()

    def deck(self, number: int):
        return self.screen.decks[number]

    @property
    def session(self):
        return self.screen.session

    def banner_says(self, words: str) -> bool:
        banner = self.root.banner
        return words in banner.message or any(words in message for message, _ in banner._waiting)

    def put_track(self, deck: int, title: str = "Night Shift", duration_s: float = 90.0, bpm: float = 120.0,
                  first_beat_s: float = 0.5, position_s: float = 10.0, playing: bool = False, seed: int = 1,
                  **status):
        """A track on a deck as if loaded through the browser: the loader's result, the engine's
        status and its track_loaded event."""
        path = str(self.music_dir / f"{title}.wav")
        Path(path).write_bytes(title.encode("utf-8") * 100)
        self.screen.load(deck, path, title)
        loader = self.loaders[-1]
        loader.finish(loader.last_request_id, fake_track(path, title, duration_s, seed=seed, bpm=bpm,
                                                         first_beat_s=first_beat_s))
        self.session.poll_loads()
        load = self.client.loads[-1]
        status = {"hot_cues_s": (None,) * 8, **status}
        self.client.set_deck(deck, loaded=True, title=title, artist="Ward Studio", source_path=path,
                             duration_s=duration_s, position_s=position_s, playing=playing, bpm=bpm,
                             track_bpm=bpm, first_beat_s=first_beat_s, **{"speed": 1.0 if playing else 0.0, **status})
        self.report(loaded_event(deck, load))
        return load
