"""The engine's side of the DJ decks: loading tracks, corrected grids, hot cues, recording the
mix as a take, and what to tell the app. LiveEngine hands it the deck messages and the
mixer/recording switch, and calls pump() often while it is busy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from studio.decks.decks_graph import DecksGraph
from studio.engine.messages import EjectTrack, EngineEvent, LoadTrack, PrepareDecks, SetBeatGrid, SetHotCue
from studio.engine.studio_graph import StudioGraph
from studio.mic.take_recorder import TakeRecorder
from studio.mic.take_writer import TakeError
from studio.mic.takes import TakeStore

DECK_MESSAGES = (PrepareDecks, LoadTrack, SetBeatGrid, SetHotCue, EjectTrack)


class DeckCommands:
    def __init__(self, graph: StudioGraph, emit: Callable[[EngineEvent], None]):
        self.graph = graph
        self.decks: DecksGraph = graph.decks
        self._emit = emit
        self._loading: dict[int, LoadTrack] = {}
        sample_rate = int(graph.server.getSamplingRate())
        self.mix_takes = TakeRecorder(graph.mix_capture, TakeStore(), sample_rate, name_prefix="Mix",
                                      on_problem=lambda message: emit(EngineEvent("error", message)))
        self.mix_recording = False

    def handle(self, message) -> None:
        if isinstance(message, PrepareDecks):
            self.decks.prepare(message.capacity_s)
        elif isinstance(message, LoadTrack):
            self._load(message)
        elif isinstance(message, SetBeatGrid):
            self.decks.set_grid(message.deck, message.bpm, message.first_beat_s)
        elif isinstance(message, SetHotCue):
            self.decks.set_hot_cue(message.deck, message.index, message.position_s)
        elif isinstance(message, EjectTrack):
            self._loading.pop(message.deck, None)
            self.decks.eject(message.deck)

    def _load(self, load: LoadTrack) -> None:
        try:
            self.decks.start_load(load)
        except (OSError, ValueError) as error:
            problem = str(error) if isinstance(error, ValueError) else f"could not be loaded ({error})"
            self._emit(EngineEvent("error", f"“{load.title or 'The track'}” {problem}.", {"deck": load.deck}))
            return
        self._loading[load.deck] = load

    def record_mix(self, on: bool) -> None:
        """Start or stop recording the master (after its limiter, before the listening volume)
        as a stereo take, kept with the Mic's takes."""
        if on and not self.mix_takes.recording:
            try:
                self.mix_takes.start("none", 0.0, 0)
            except (TakeError, OSError, ValueError) as error:
                self._emit(EngineEvent("error", f"The mix cannot be recorded: {error}"))
                return
            self.mix_recording = True
        elif not on and self.mix_recording:
            # Stopped by the user, or by the writer itself (a full disk): either way, say what was kept.
            take = self.mix_takes.stop() if self.mix_takes.recording else self.mix_takes.take
            self.mix_recording = False
            if take is not None:
                self._emit(EngineEvent("take_saved", f"{take.name} was saved ({take.length_s:.1f} s).",
                                       {"take": asdict(take), "overruns": self.mix_takes.last_overruns,
                                        "lost_frames": self.mix_takes.last_lost_frames}))

    @property
    def busy(self) -> bool:
        return self.decks.busy or self.mix_takes.recording

    def pump(self) -> None:
        """Copy the next chunk of each track loading; announce each one ready, and hot cues;
        the mix recorded so far to its take."""
        self.mix_takes.pump()
        if self.mix_recording and not self.mix_takes.recording:
            self.record_mix(False)  # the writer stopped itself (a full disk): say what was kept
        for deck, problem in self.decks.pump():
            load = self._loading.pop(deck)
            if problem:
                self._emit(EngineEvent("error", problem, {"deck": deck}))
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
