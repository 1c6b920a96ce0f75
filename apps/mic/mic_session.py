"""The Mic app's state, without kivy: the input and monitoring controls, recording takes, the
takes list and the lyric pad. The Mic screen draws what is here and calls these verbs.

Recording and playing happen in the engine (studio/mic, studio.engine); takes live in a
TakeStore (studio.mic.takes) that the engine writes and this reads. The words on the lyric pad
are for the next take until it is recorded (kept in a file of their own, so a closed app
keeps them), then saved with it; with a take selected, the pad shows and edits that take's words.

only_participant() (set by the studio from Sessions) says who holds the tablet in patient mode:
then only their takes are listed, and no other take can be played, changed or deleted here.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from studio.atomic_file import write_atomically
from studio.controls import MIC_BACKINGS, spec_for
from studio.engine.messages import EngineEvent
from studio.mic.mic_graph import EFFECTS
from studio.mic.punch_in import save_punched_in
from studio.mic.take_writer import TakeError
from studio.mic.takes import TakeInfo, TakeStore
from studio.sessions.work_folders import WORDS_FILE_NAME, words_work

TOO_QUIET_DB = -40.0  # a voice peaking below this while recording is hard to hear in a mix
BACKING_VALUES = {name: value for value, name in MIC_BACKINGS.items()}
# The engine loads a take and says it plays it well within this; a state without it sooner may
# simply have been sent before the engine read the request.
PLAY_START_TIMEOUT_S = 5.0


def lyrics_draft_path() -> Path:
    return words_work().folder / WORDS_FILE_NAME  # the working participant's (see work_folders)


class MicSession:
    def __init__(self, client, store: TakeStore | None = None, on_change: Callable[[str], None] | None = None,
                 on_problem: Callable[[str], None] | None = None,
                 only_participant: Callable[[], int | None] | None = None):
        """only_participant(): the participant whose takes alone show (patient mode), or None for all."""
        self.client = client
        self.store = store or TakeStore()
        self.on_change, self.on_problem = on_change, on_problem
        self.only_participant = only_participant
        self._listed_for: int | None = None  # whose takes the list was last read for (None: everyone's)
        self.recording = False  # Record was asked for and not stopped
        self.selected_take_id: str | None = None
        self._playing: str | None = None
        self._playing_path = ""  # what the engine says it plays (EngineState.take_playing) for it
        self._playing_seen = False  # the engine has said so at least once
        self._play_asked_at_s = 0.0
        self.clock_s = time.monotonic
        self._punch: tuple[str, float, float] | None = None  # (take_id, from_s, to_s) being punched into
        self._takes: list[TakeInfo] = []
        self._draft = self._read_draft()
        self.refresh_takes()

    # ---- input and monitoring ------------------------------------------------------------------
    def _value(self, control: str) -> float:
        return self.client.value("mic", control)

    def _set(self, control: str, value: float) -> float:
        spec = spec_for("mic", control)
        value = min(spec.maximum, max(spec.minimum, value))
        self.client.act("mic", control, value)
        self._tell(control)
        return value

    @property
    def input(self) -> int:
        """Which of the sound card's inputs is the microphone (1 = the first)."""
        return int(self._value("input"))

    def next_input(self, input_count: int) -> int:
        """The next of the card's inputs, round to the first again."""
        return int(self._set("input", self.input % max(1, input_count) + 1))

    @property
    def gain_db(self) -> float:
        return self._value("gain_db")

    def change_gain(self, delta_db: float) -> float:
        return self._set("gain_db", round(self.gain_db + delta_db))

    @property
    def monitor(self) -> bool:
        return self._value("monitor") >= 0.5

    def set_monitor(self, on: bool) -> None:
        self._set("monitor", 1.0 if on else 0.0)

    @property
    def monitor_db(self) -> float:
        return self._value("monitor_db")

    def change_monitor_level(self, delta_db: float) -> float:
        return self._set("monitor_db", round(self.monitor_db + delta_db))

    @property
    def effects(self) -> dict[str, bool]:
        return {name: self._value(name) >= 0.5 for name in EFFECTS}

    def set_effect(self, name: str, on: bool) -> None:
        if name not in EFFECTS:
            raise ValueError(f"effect must be one of {', '.join(EFFECTS)}, got {name!r}")
        self._set(name, 1.0 if on else 0.0)

    @property
    def backing(self) -> str:
        return MIC_BACKINGS[self._value("backing")]

    def set_backing(self, name: str) -> None:
        if name not in BACKING_VALUES:
            raise ValueError(f"backing must be one of {', '.join(BACKING_VALUES)}, got {name!r}")
        self._set("backing", BACKING_VALUES[name])

    @property
    def count_in_bars(self) -> int:
        return int(self.client.value("beats", "count_in_bars"))

    def set_count_in_bars(self, bars: int) -> None:
        self.client.act("beats", "count_in_bars", bars)
        self._tell("count_in_bars")

    # ---- recording -----------------------------------------------------------------------------
    def record(self, on: bool) -> None:
        """Record a take (the engine counts in first when there is a backing), or stop."""
        if on:
            self.stop_playback()
            self._punch = None
        self.client.act("mic", "recording", 1.0 if on else 0.0)  # may be refused (no consent yet)
        self.recording = on
        self._tell("recording")

    def punch_in(self, take_id: str, from_s: float, to_s: float) -> None:
        """Sing part of a take again: it plays with its backing from the song's start and a new
        take records; the new take's from_s..to_s (seconds of the song) is joined into a copy
        of the old one when it is saved (both stay)."""
        take = self._take(take_id)
        if take is None:
            return
        if not 0 <= from_s < to_s:
            self._problem(f"A punch-in must end after it starts ({from_s:.1f} s to {to_s:.1f} s).")
            return
        self.stop_playback()
        backing = take.backing if take.backing != "none" else "metronome"
        keep_until_s = take.align_frames / take.sample_rate + from_s  # heard up to where the new part begins
        self.client.record_over(str(self.store.wav_path(take_id)), take.align_frames, backing,
                                (0.0, keep_until_s), (0.0, 0.0))  # may be refused (no consent yet)
        self._punch = (take_id, from_s, to_s)
        self.recording = True
        self._tell("recording")

    @property
    def punching_in(self) -> bool:
        return self._punch is not None

    @staticmethod
    def input_hint(state) -> tuple[str, str]:
        """What to tell the singer about their level: ("too_loud" | "too_quiet" | "ok", words)."""
        if state.mic_too_loud:
            return "too_loud", "Too loud: turn the gain down or move back a little."
        if state.take_recording and state.take_seconds > 2 and state.mic_level_db < TOO_QUIET_DB:
            return "too_quiet", "A bit quiet: come closer to the microphone, or turn the gain up."
        return "ok", ""

    def handle_event(self, event: EngineEvent) -> None:
        """A take was saved (its words go with it) or recovered after a stop."""
        if event.kind == "take_saved":
            self.recording = False
            take_id = event.data["take"]["take_id"]
            if self._punch is not None:
                self._finish_punch_in(take_id)
                return
            if self._draft.strip():
                self._guard(self.store.set_lyrics, take_id, self._draft)
                self._save_draft("")
            self.refresh_takes()
        elif event.kind == "take_recovered":
            self.refresh_takes()

    def _finish_punch_in(self, new_take_id: str) -> None:
        original_id, from_s, to_s = self._punch
        self._punch = None
        self.refresh_takes()
        original, new = self._take(original_id), self._take(new_take_id)
        if original is None or new is None:
            self._problem("The punch-in could not be joined: a take it needs is gone. The new recording is kept.")
            return
        try:
            joined = save_punched_in(self.store, original, new, from_s, to_s)
            if original.participant_id is not None:  # the joined take is theirs too
                joined = self.store.set_participant(joined.take_id, original.participant_id)
        except (OSError, TakeError, ValueError, RuntimeError) as error:
            self._problem(f"The punch-in could not be joined ({error}). The new recording is kept as {new.name}.")
            return
        self.refresh_takes()
        self.select_take(joined.take_id)
        self._tell("punched_in")

    # ---- takes ---------------------------------------------------------------------------------
    def takes(self) -> list[TakeInfo]:
        return list(self._takes)

    def refresh_takes(self) -> None:
        holder = self._holder()
        if holder != self._listed_for:
            self._listed_for = holder
            self._tell("holder")  # the tablet changed hands
        try:
            self._takes = [take for take in self.store.list() if holder is None or take.participant_id == holder]
        except (OSError, TakeError) as error:
            self._problem(f"The takes could not be read: {error}")
            self._takes = []
        if holder is None:  # the files' problems name takes: not for a participant's eyes
            for problem in self.store.problems:
                self._problem(problem)
        if self.selected_take_id not in {take.take_id for take in self._takes}:
            self.selected_take_id = None
        self._tell("takes")

    def _holder(self) -> int | None:
        return self.only_participant() if self.only_participant is not None else None

    def _take(self, take_id: str | None) -> TakeInfo | None:
        """A listed take that may be used now (another participant may have the tablet since the
        list was read: then it is read again first)."""
        if self._holder() != self._listed_for:
            self.refresh_takes()
        return next((take for take in self._takes if take.take_id == take_id), None)

    @property
    def playing_take_id(self) -> str | None:
        return self._playing

    def play_take(self, take_id: str, with_backing: bool = True) -> None:
        take = self._take(take_id)
        if take is None:
            return
        backing = take.backing if with_backing else "none"
        self.client.play_take(str(self.store.wav_path(take_id)), take.align_frames, backing,
                              take.kept_span_s(), (take.fade_in_s, take.fade_out_s))
        self._playing = take_id
        self._playing_path, self._playing_seen = str(self.store.wav_path(take_id)), False
        self._play_asked_at_s = self.clock_s()
        self._tell("playing")

    def stop_playback(self) -> None:
        if self._playing is not None:
            self.client.stop_take()
            self._playing = None
            self._tell("playing")

    def show_state(self, state) -> None:
        """The engine's state: notices when a take has played to its end (or something else plays).
        Until the engine has said it plays the take, a state without it is not an end: it may
        have been sent before the engine read the request (the engine's own error says if it
        could not play it; after PLAY_START_TIMEOUT_S the take counts as ended)."""
        if self._holder() != self._listed_for:
            self.refresh_takes()  # the tablet changed hands: the list follows
        if self._playing is None:
            return
        if state.take_playing == self._playing_path:
            self._playing_seen = True
            return
        if self._playing_seen or self.clock_s() - self._play_asked_at_s > PLAY_START_TIMEOUT_S:
            self._playing = None
            self._tell("playing")

    def set_trim(self, take_id: str, start_s: float, end_s: float, fade_in_s: float = 0.0,
                 fade_out_s: float = 0.0) -> None:
        """Keep only start_s..end_s of a take (the recording itself is never changed)."""
        if self._take(take_id) is not None:
            self._guard(self.store.set_trim, take_id, start_s, end_s, fade_in_s, fade_out_s)
        self.refresh_takes()

    def rename(self, take_id: str, name: str) -> None:
        if self._take(take_id) is not None:
            self._guard(self.store.rename, take_id, name)
        self.refresh_takes()

    def set_best(self, take_id: str) -> None:
        take = self._take(take_id)
        if take is not None:
            self._guard(self.store.set_best, take_id, not take.best)
            self.refresh_takes()

    def delete(self, take_id: str) -> str:
        """Into the trash (undelete brings it back); returns the take's name."""
        take = self._take(take_id)
        if take is None:
            return ""
        if self._playing == take_id:
            self.stop_playback()
        self._guard(self.store.delete, take_id)
        self.refresh_takes()
        return take.name

    def undelete(self, take_id: str) -> None:
        holder = self._holder()
        trashed = next((take for take in self.store.list_trash() if take.take_id == take_id), None)
        if holder is None or (trashed is not None and trashed.participant_id == holder):
            self._guard(self.store.undelete, take_id)
        self.refresh_takes()

    # ---- the lyric pad -------------------------------------------------------------------------
    @property
    def lyrics(self) -> str:
        take = self._take(self.selected_take_id) if self.selected_take_id else None
        return take.lyrics if take is not None else self._draft

    def set_lyrics(self, text: str) -> None:
        if self.selected_take_id:
            if self._take(self.selected_take_id) is not None:
                self._guard(self.store.set_lyrics, self.selected_take_id, text)
            self.refresh_takes()
        else:
            self._save_draft(text)

    def select_take(self, take_id: str | None) -> None:
        self.selected_take_id = take_id if take_id and self._take(take_id) else None
        self._tell("selected")

    # ---- inside --------------------------------------------------------------------------------
    def reload_draft(self) -> None:
        """The words file is another participant's now (their turn): show theirs."""
        self._draft = self._read_draft()
        self._tell("lyrics")

    def _read_draft(self) -> str:
        try:
            return lyrics_draft_path().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def _save_draft(self, text: str) -> None:
        self._draft = text
        try:
            write_atomically(lyrics_draft_path(), text.encode("utf-8"))
        except OSError as error:
            self._problem(f"The words could not be saved ({error.strerror or error}); "
                          "they stay on screen while the app is open.")

    def _guard(self, verb, *args) -> None:
        try:
            verb(*args)
        except (TakeError, ValueError, OSError) as error:
            self._problem(str(error))

    def _problem(self, message: str) -> None:
        if self.on_problem:
            self.on_problem(message)

    def _tell(self, what: str) -> None:
        if self.on_change:
            self.on_change(what)
