"""Loading tracks onto the decks: a track chosen in the browser is decoded and analysed by a
TrackLoader (studio.decks.track_loader, off the UI thread), then sent to the engine with the
hot cues and fixed grid kept for it (studio.decks.track_marks); the engine copies it in and says
"track_loaded". What each deck is waiting for is kept here, so the deck can say "Analysing…",
then "Loading 40%", and a later choice on the same deck wins over an earlier one. No kivy here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import platformdirs

from studio.decks.track_marks import TrackMarksStore
from studio.engine.messages import LoadTrack


def track_cache_dir() -> Path:
    """Where decoded tracks are kept between sessions (WARD_STUDIO_DATA_DIR: tests keep theirs there)."""
    override = os.environ.get("WARD_STUDIO_DATA_DIR")
    if override:
        return Path(override) / "track-cache"
    return Path(platformdirs.user_cache_dir("ward-studio")) / "tracks"


def make_track_loader(sample_rate: int):
    from studio.decks.track_loader import TrackLoader  # numpy and the analysis: only once a track is chosen

    return TrackLoader(track_cache_dir(), sample_rate)


@dataclass
class DeckLoad:
    """A track on its way to a deck."""

    deck: int
    path: str
    title: str  # shown while it is analysed
    request_id: object = None
    track: object = None  # the LoadedTrack, once analysed and sent to the engine
    load: LoadTrack | None = None


class DeckLoads:
    def __init__(self, client, marks: TrackMarksStore, make_loader: Callable[[int], object] = make_track_loader):
        self.client = client
        self.marks = marks
        self._make_loader = make_loader
        self._loader = None
        self._loader_rate = 0
        self._waiting: dict[int, DeckLoad] = {}

    @property
    def sample_rate(self) -> int:
        """The engine's: decoded tracks must be at the rate it runs at."""
        return int(self.client.state.sample_rate or self.client.settings.sample_rate)

    def request(self, deck: int, path: str, title: str) -> None:
        rate = self.sample_rate
        if self._loader is None or self._loader_rate != rate:
            if self._loader is not None:
                self._loader.close()  # decoded for another rate: the engine has restarted at a new one
            self._loader, self._loader_rate = self._make_loader(rate), rate
        request_id = self._loader.request(deck, str(path))
        self._waiting[deck] = DeckLoad(deck, str(path), title, request_id)

    def waiting(self, deck: int) -> DeckLoad | None:
        return self._waiting.get(deck)

    def analysed_fraction(self, deck: int) -> float | None:
        """How far the loader is with the deck's track (0..1), None when it does not say."""
        load = self._waiting.get(deck)
        if load is None or load.track is not None or self._loader is None:
            return None
        return self._loader.progress(deck)

    def close(self) -> None:
        """The app is closing: the loader's worker process ends."""
        if self._loader is not None:
            self._loader.close()
            self._loader = None
        self._waiting.clear()

    @property
    def analysing(self) -> bool:
        """A track is still with the loader (so it should be polled)."""
        return any(load.track is None for load in self._waiting.values())

    def poll(self) -> list[tuple[int, str, str]]:
        """Hand each analysed track to the engine. Returns (deck, what to say, "error" or
        "notice") for each deck whose track is analysed or failed: what to say is "" when all
        went well."""
        if self._loader is None:
            return []
        said = []
        for result in self._loader.poll():
            load = self._waiting.get(result.deck)
            if load is None or load.request_id != result.request_id:
                continue  # another track was chosen for this deck since
            if result.error or result.loaded is None:
                del self._waiting[result.deck]
                said.append((result.deck, str(result.error or "The track could not be loaded."), "error"))
                continue
            load.track = result.loaded
            load.load = self._load_message(result.deck, load.path, result.loaded)
            self.client.load_track(load.load)
            said.append((result.deck, result.loaded.info.notice, "notice"))
        return said

    def engine_loaded(self, deck: int, source_path: str) -> DeckLoad | None:
        """The engine said the track is on the deck: what was waiting for it, now done."""
        load = self._waiting.get(deck)
        if load is None or load.load is None or load.load.source_path != source_path:
            return None
        return self._waiting.pop(deck)

    def engine_failed(self, message: str) -> list[int]:
        """The engine could not load a track ("error" events say which by its title in quotes,
        and nothing else): stop waiting on the decks whose track that is. Returns those decks."""
        failed = [deck for deck, load in self._waiting.items()
                  if load.load is not None and f"\u201c{load.load.title}\u201d" in message]
        for deck in failed:
            del self._waiting[deck]
        return failed

    def _load_message(self, deck: int, path: str, track) -> LoadTrack:
        marks = self.marks.marks_for(path)
        analysis = track.analysis
        bpm, first_beat_s = (marks.beat_grid.bpm, marks.beat_grid.first_beat_s) if marks.beat_grid else \
            (analysis.bpm or 0.0, analysis.first_beat_s or 0.0)
        return LoadTrack(deck=deck, audio_path=str(track.audio_path), frames=int(track.frames),
                         sample_rate=int(track.sample_rate), title=track.info.title, artist=track.info.artist,
                         source_path=path, bpm=float(bpm), first_beat_s=float(first_beat_s),
                         gain_db=float(analysis.gain_db), hot_cues_s=tuple(marks.hot_cues_s))
