"""The Decks app's state and verbs, without kivy: what each deck and the mixer are doing (read from
the engine's DeckStatus and the client's controls), what a finger asks for (sent as actions on
deck1/, deck2/ and mixer/ controls), tracks on their way to a deck, hot cues with Undo, and
fixed beat grids, both kept per track (studio.decks.track_marks).

The Decks screen turns taps into these verbs and draws what they say. Engine events come in
through handle_events: "track_loaded", "hot_cue" and "error".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from apps.decks.beat_grid_tools import TapTempo, checked_bpm, doubled, halved
from apps.decks.deck_loads import DeckLoad, DeckLoads, make_track_loader
from studio.controls import spec_for
from studio.decks.deck_controls import DECK_COUNT, HOT_CUES, LOOP_BEATS, TEMPO_RANGES
from studio.decks.deck_status import DeckStatus
from studio.decks.track_decode import MAX_DECK_SECONDS
from studio.decks.track_marks import TrackMarksError, TrackMarksStore

DECKS = tuple(range(1, DECK_COUNT + 1))
SHOWN_HOT_CUES = min(4, HOT_CUES)  # of the engine's eight: enough on a tablet
UNDO_FOR_S = 12.0  # a deleted hot cue can be brought back this long
EMPTY_STATUS = DeckStatus()


@dataclass(frozen=True)
class DeletedCue:
    index: int  # 1..8
    position_s: float
    source_path: str
    at_s: float  # time.monotonic() when it was deleted


class DecksSession:
    def __init__(self, client, marks: TrackMarksStore | None = None, make_loader=make_track_loader,
                 on_change: Callable[[str], None] | None = None,
                 on_message: Callable[[str, str], None] | None = None):
        self.client = client
        self.marks = marks or TrackMarksStore()
        self.loads = DeckLoads(client, self.marks, make_loader)
        self.on_change, self.on_message = on_change, on_message
        self._problems_said = 0  # of the marks store's problems (a damaged file), said once each
        self.tracks: dict[int, DeckLoad] = {}  # deck -> the track on it (its path, waveform and key)
        self.deleted: dict[int, DeletedCue] = {}  # deck -> the hot cue deleted last, for Undo
        self.taps = {deck: TapTempo() for deck in DECKS}
        self.prepared = False

    def prepare(self) -> None:
        """Once, when the Decks screen first opens: the engine makes room for two tracks."""
        if not self.prepared:
            self.prepared = True
            self.client.prepare_decks(float(MAX_DECK_SECONDS))

    # ---- what the engine says -------------------------------------------------------------------
    def status(self, deck: int) -> DeckStatus:
        decks = self.client.state.decks
        return decks[deck - 1] if len(decks) >= deck else EMPTY_STATUS

    def value(self, group: str, control: str) -> float:
        return self.client.value(group, control)

    def handle_events(self, events) -> None:
        for event in events:
            if event.kind == "track_loaded":
                self._track_loaded(event.data["deck"], event.data["source_path"])
            elif event.kind == "hot_cue":
                self._hot_cue_changed(event.data["deck"], event.data["hot_cue"], event.data["position_s"])
            elif event.kind == "error":
                for deck in self.loads.engine_failed(event.message):
                    self._tell(f"loading{deck}")

    def _track_loaded(self, deck: int, source_path: str) -> None:
        load = self.loads.engine_loaded(deck, source_path)
        if load is None:
            return
        self.tracks[deck] = load
        self.deleted.pop(deck, None)
        # The engine sets the suggested gain itself; said here too, so the knob shows it and an
        # engine restart brings it back.
        self._set(f"deck{deck}", "gain_db", load.load.gain_db)
        self._tell(f"track{deck}")

    def _hot_cue_changed(self, deck: int, index: int, position_s: float | None) -> None:
        self.client.note_hot_cue(deck, index, position_s)
        self._keep_marks(self.marks.set_hot_cue, self.status(deck).source_path, index, position_s)
        self._tell(f"cues{deck}")

    # ---- loading ----------------------------------------------------------------------------------
    def load(self, deck: int, path: str, title: str) -> None:
        self.loads.request(deck, path, title)
        self._tell(f"loading{deck}")

    def poll_loads(self) -> None:
        for deck, message, kind in self.loads.poll():
            if message:
                self._say(message, kind)
            self._tell(f"loading{deck}")
        self._say_marks_problems()

    def loading_text(self, deck: int) -> str:
        """What the deck says while a track is on its way ("" when none is)."""
        load = self.loads.waiting(deck)
        if load is None:
            return ""
        if load.track is None:
            fraction = self.loads.analysed_fraction(deck)
            return f"Analysing {load.title}\u2026" + (f" {fraction * 100:.0f}%" if fraction else "")
        fraction = self.status(deck).loading
        return f"Loading {fraction * 100:.0f}%" if fraction >= 0 else "Loading\u2026"

    def track_on(self, deck: int) -> DeckLoad | None:
        """What the screen knows of the track on the deck (waveform, key), while it is on it."""
        load = self.tracks.get(deck)
        status = self.status(deck)
        return load if load is not None and status.loaded and status.source_path == load.path else None

    # ---- transport ----------------------------------------------------------------------------
    def toggle_play(self, deck: int) -> None:
        if not self.status(deck).loaded:
            raise ValueError(f"deck {deck} has no track yet: tap Load first")
        self._momentary(deck, "playing", 0.0 if self.status(deck).playing else 1.0)

    def press_cue(self, deck: int, down: bool) -> None:
        self._momentary(deck, "cue", 1.0 if down else 0.0)

    def toggle_sync(self, deck: int) -> None:
        status = self.status(deck)
        if status.synced:
            self._momentary(deck, "sync", 0.0)
            # The deck keeps the tempo it was synced to: the fader takes that place.
            self.set_tempo(deck, (status.rate - 1.0) / self.tempo_range(deck))
        else:
            if status.loaded and status.track_bpm <= 0:
                raise ValueError("this track has no beat to sync: tap along to give it one")
            self._momentary(deck, "sync", 1.0)

    def stop_both(self) -> None:
        for deck in DECKS:
            if self.status(deck).playing:
                self._momentary(deck, "playing", 0.0)

    def toggle_record_mix(self) -> None:
        """Record what the audience hears (the master) as a take, or stop: it is saved with the Mic's takes."""
        self.client.act("mixer", "recording", 0.0 if self.client.state.mix_recording else 1.0)
        self._tell("mixer/recording")

    @property
    def anything_playing(self) -> bool:
        return any(self.status(deck).playing for deck in DECKS)

    # ---- tempo ----------------------------------------------------------------------------------
    def tempo(self, deck: int) -> float:
        """The tempo fader, -1..1; while synced, where it would be for the tempo followed."""
        status = self.status(deck)
        if status.synced:
            return max(-1.0, min(1.0, (status.rate - 1.0) / self.tempo_range(deck)))
        return self.value(f"deck{deck}", "tempo")

    def set_tempo(self, deck: int, tempo: float) -> None:
        self._set(f"deck{deck}", "tempo", round(tempo, 4))

    def tempo_range(self, deck: int) -> float:
        return TEMPO_RANGES[int(self.value(f"deck{deck}", "tempo_range"))]

    def next_tempo_range(self, deck: int) -> None:
        index = (int(self.value(f"deck{deck}", "tempo_range")) + 1) % len(TEMPO_RANGES)
        speed_change = self.tempo(deck) * self.tempo_range(deck)  # kept: the track plays on as fast
        self._set(f"deck{deck}", "tempo_range", index)
        if not self.status(deck).synced:
            self.set_tempo(deck, max(-1.0, min(1.0, speed_change / TEMPO_RANGES[index])))

    def toggle_key_lock(self, deck: int) -> None:
        self._set(f"deck{deck}", "key_lock", 0.0 if self.key_lock(deck) else 1.0)

    def key_lock(self, deck: int) -> bool:
        return self.value(f"deck{deck}", "key_lock") >= 0.5

    def nudge(self, deck: int, direction: int) -> None:
        """Held: -1 slower, +1 faster; 0 when let go."""
        self._momentary(deck, "nudge", float(direction))

    # ---- the waveforms --------------------------------------------------------------------------
    def scratch(self, deck: int, touching: bool) -> None:
        self._momentary(deck, "scratch", 1.0 if touching else 0.0)

    def scratch_to(self, deck: int, position_s: float) -> None:
        self._momentary(deck, "scratch_s", self._in_track(deck, position_s))

    def seek(self, deck: int, position_s: float) -> None:
        self._momentary(deck, "seek_s", self._in_track(deck, position_s))

    def _in_track(self, deck: int, position_s: float) -> float:
        status = self.status(deck)
        return round(max(0.0, min(position_s, status.duration_s or 3600.0)), 4)

    # ---- loops and jumps --------------------------------------------------------------------------
    def loop_size(self, deck: int) -> int:
        return int(self.value(f"deck{deck}", "loop_size"))

    def loop_beats(self, deck: int) -> float:
        return LOOP_BEATS[self.loop_size(deck)]

    def change_loop_size(self, deck: int, direction: int) -> None:
        """Halve (-1) or double (+1) the loop."""
        index = self.loop_size(deck) + direction
        if not 0 <= index < len(LOOP_BEATS):
            which = "shortest" if direction < 0 else "longest"
            raise ValueError(f"{loop_words(self.loop_beats(deck))} is the {which} loop")
        self._set(f"deck{deck}", "loop_size", index)

    def looping(self, deck: int) -> bool:
        status = self.status(deck)
        return status.loop_s is not None and not status.rolling

    def toggle_loop(self, deck: int) -> None:
        self._momentary(deck, "loop", 0.0 if self.looping(deck) else 1.0)

    def roll(self, deck: int, held: bool) -> None:
        self._momentary(deck, "roll", 1.0 if held else 0.0)

    def jump_beats(self, deck: int) -> int:
        """Beat jumps go as far as the loop is long (at least a beat)."""
        return max(1, int(self.loop_beats(deck)))

    def beat_jump(self, deck: int, direction: int) -> None:
        self._momentary(deck, "beat_jump", float(direction * self.jump_beats(deck)))

    # ---- hot cues ---------------------------------------------------------------------------------
    def hot_cue(self, deck: int, index: int) -> float | None:
        cues = self.status(deck).hot_cues_s
        return cues[index - 1] if len(cues) >= index else None

    def press_hot_cue(self, deck: int, index: int) -> None:
        """Jump there and play; on an empty pad, set it here (the engine puts it on the nearest beat)."""
        if not self.status(deck).loaded:
            raise ValueError(f"deck {deck} has no track yet: tap Load first")
        self._momentary(deck, f"hot_cue_{index}", 1.0)

    def delete_hot_cue(self, deck: int, index: int) -> None:
        was_s = self.hot_cue(deck, index)
        if was_s is None:
            return
        self._momentary(deck, f"clear_hot_cue_{index}", 1.0)
        self.deleted[deck] = DeletedCue(index, was_s, self.status(deck).source_path, time.monotonic())
        self._tell(f"cues{deck}")

    def undo_target(self, deck: int, now: float | None = None) -> DeletedCue | None:
        """The hot cue Undo would bring back (deleted on the track now on the deck, not long ago)."""
        deleted = self.deleted.get(deck)
        now = time.monotonic() if now is None else now
        if deleted is None or now - deleted.at_s > UNDO_FOR_S or deleted.source_path != self.status(deck).source_path:
            return None
        return deleted

    def undo_delete(self, deck: int) -> DeletedCue | None:
        deleted = self.undo_target(deck)
        self.deleted.pop(deck, None)
        if deleted is not None:
            self.client.set_hot_cue(deck, deleted.index, deleted.position_s)
            self._keep_marks(self.marks.set_hot_cue, deleted.source_path, deleted.index, deleted.position_s)
        self._tell(f"cues{deck}")
        return deleted

    # ---- the beat grid -------------------------------------------------------------------------------
    def double_tempo(self, deck: int) -> float:
        return self._set_grid(deck, doubled(self._track_bpm(deck)), self.status(deck).first_beat_s)

    def halve_tempo(self, deck: int) -> float:
        return self._set_grid(deck, halved(self._track_bpm(deck)), self.status(deck).first_beat_s)

    def tap_tempo(self, deck: int, now_s: float, position_s: float) -> float | None:
        """A tap along with the music as it plays. Returns the track's new tempo once there are
        enough taps (the tempo heard, divided by the deck's rate), else None."""
        self._track_bpm(deck, allow_none=True)
        heard_bpm = self.taps[deck].tap(now_s)
        if heard_bpm is None:
            return None
        status = self.status(deck)
        bpm = checked_bpm(heard_bpm / (status.rate or 1.0))
        # A track with no beat yet also gets its first beat from the taps: the last one was on a beat.
        first_beat_s = status.first_beat_s if status.track_bpm > 0 else position_s
        return self._set_grid(deck, bpm, first_beat_s)

    def beat_one_here(self, deck: int, position_s: float) -> float:
        """The beat grid moves so that a beat (beat 1 of a bar) falls where the track is now."""
        return self._set_grid(deck, self._track_bpm(deck), position_s)

    def _track_bpm(self, deck: int, allow_none: bool = False) -> float:
        status = self.status(deck)
        if not status.loaded:
            raise ValueError(f"deck {deck} has no track yet: tap Load first")
        if status.track_bpm <= 0 and not allow_none:
            raise ValueError("this track has no beat yet: tap along to give it one")
        return status.track_bpm

    def _set_grid(self, deck: int, bpm: float, first_beat_s: float) -> float:
        bpm, first_beat_s = round(bpm, 3), round(first_beat_s, 4)
        self.client.set_beat_grid(deck, bpm, first_beat_s)
        self._keep_marks(self.marks.set_beat_grid, self.status(deck).source_path, bpm, first_beat_s)
        self._tell(f"grid{deck}")
        return bpm

    # ---- the mixer ------------------------------------------------------------------------------------
    def set_mixer(self, group: str, control: str, value: float) -> float:
        """A knob, fader or switch on the mixer (group deck1, deck2 or mixer), kept in its range."""
        return self._set(group, control, value)

    def toggle(self, group: str, control: str) -> bool:
        on = self.value(group, control) < 0.5
        self._set(group, control, 1.0 if on else 0.0)
        return on

    # ---- inside -----------------------------------------------------------------------------------------
    def _set(self, group: str, control: str, value: float) -> float:
        spec = spec_for(group, control)
        value = min(spec.maximum, max(spec.minimum, float(value)))
        if spec.whole_number:
            value = float(round(value))
        self.client.act(group, control, value)
        self._tell(f"{group}/{control}")
        return value

    def _momentary(self, deck: int, control: str, value: float) -> None:
        self.client.act(f"deck{deck}", control, value)
        self._tell(f"deck{deck}/{control}")

    def _keep_marks(self, verb, source_path: str, *args) -> None:
        if not source_path:
            return
        try:
            verb(source_path, *args)
        except (TrackMarksError, ValueError) as error:
            self._problem(str(error))
        self._say_marks_problems()

    def _problem(self, message: str) -> None:
        self._say(message, "error")

    def _say(self, message: str, kind: str) -> None:
        if self.on_message:
            self.on_message(message, kind)

    def _say_marks_problems(self) -> None:
        problems = self.marks.problems
        for message in problems[self._problems_said:]:
            self._say(message, "warning")
        self._problems_said = len(problems)

    def _tell(self, what: str) -> None:
        if self.on_change:
            self.on_change(what)


def loop_words(beats: float) -> str:
    """A loop's length as the deck shows it: "1/4", "1/2", "1", "16"."""
    return {0.25: "1/4", 0.5: "1/2"}.get(beats, f"{beats:g}")
