"""The engine's side of the DJ decks: loading tracks, corrected grids, hot cues, and what to
tell the app. LiveEngine hands it the deck messages and calls pump() often while it is busy."""

from __future__ import annotations

from collections.abc import Callable

from studio.decks.decks_graph import DecksGraph
from studio.engine.messages import EngineEvent, LoadTrack, PrepareDecks, SetBeatGrid, SetHotCue
from studio.engine.studio_graph import StudioGraph

DECK_MESSAGES = (PrepareDecks, LoadTrack, SetBeatGrid, SetHotCue)


class DeckCommands:
    def __init__(self, graph: StudioGraph, emit: Callable[[EngineEvent], None]):
        self.graph = graph
        self.decks: DecksGraph = graph.decks
        self._emit = emit
        self._pending: dict[int, LoadTrack] = {}  # loads waiting for the decks to be prepared
        self._loading: dict[int, LoadTrack] = {}

    def handle(self, message) -> None:
        if isinstance(message, PrepareDecks):
            self.decks.prepare(message.capacity_s)
            for load in list(self._pending.values()):
                self._load(load)
            self._pending.clear()
        elif isinstance(message, LoadTrack):
            if self.decks.capacity_s <= 0:
                self._pending[message.deck] = message  # prepared first (the app sends both)
            else:
                self._load(message)
        elif isinstance(message, SetBeatGrid):
            self.decks.set_grid(message.deck, message.bpm, message.first_beat_s)
        elif isinstance(message, SetHotCue):
            self.decks.set_hot_cue(message.deck, message.index, message.position_s)

    def _load(self, load: LoadTrack) -> None:
        if load.frames > self.decks.decks[load.deck - 1].player.capacity_frames:
            self._emit(EngineEvent("error", f"“{load.title or 'This track'}” is longer than a deck holds "
                                            f"({self.decks.capacity_s / 60:.0f} minutes)."))
            return
        try:
            self.decks.start_load(load)
        except (OSError, ValueError) as error:
            self._emit(EngineEvent("error", f"“{load.title or 'The track'}” could not be loaded ({error})."))
            return
        self._loading[load.deck] = load

    @property
    def busy(self) -> bool:
        return self.decks.busy

    def pump(self) -> None:
        """Copy the next chunk of each track loading; announce each one ready, and hot cues."""
        for deck, problem in self.decks.pump():
            load = self._loading.pop(deck)
            if problem:
                self._emit(EngineEvent("error", problem))
                continue
            # The suggested gain (from the track's loudness) shows on the deck's gain knob.
            self.graph.values[(f"deck{deck}", "gain_db")] = max(-12.0, min(12.0, load.gain_db))
            self.decks.decks[deck - 1].channel.set_gain_db(self.graph.values[(f"deck{deck}", "gain_db")])
            self._emit(EngineEvent("track_loaded", f"“{load.title}” is on deck {deck}.",
                                   {"deck": deck, "source_path": load.source_path}))
        self.decks.tick()
        for data in self.graph.deck_events:
            kind = "set" if data["position_s"] is not None else "deleted"
            self._emit(EngineEvent("hot_cue", f"Hot cue {data['hot_cue']} {kind} on deck {data['deck']}.", data))
        self.graph.deck_events.clear()
