"""The live engine: opens a sound device (or falls back to silent), plays the studio graph,
applies actions and reports its state. Runs inside the engine process (see process.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from dataclasses import asdict

from studio.audio.backends import NO_OUTPUT_MESSAGE, choose_backend, jack_server_running
from studio.audio.master_bus import latency_samples
from studio.audio.servers import AudioStartError, make_server
from studio.controls import MIC_BACKINGS, Action, check_action
from studio.engine.jack_monitor import JackMonitor, free_client_name
from studio.beats.model import Beat
from studio.engine.deck_commands import DECK_MESSAGES, DeckCommands
from studio.engine.messages import (EngineEvent, EngineState, PlayTake, RecordOver, Restore, SetBeat, StopTake,
                                    TakeOwner)
from studio.engine.pad_sounds import load_pad_sounds
from studio.engine.silent_clock import SilentClock
from studio.engine.studio_graph import StudioGraph
from studio.mic.take_recorder import TakeRecorder
from studio.mic.take_writer import TakeError
from studio.mic.takes import TakeStore, check_participant_id, recovered_message
from studio.settings import AudioSettings

# Why the engine process ended, as its exit code; the client restarts it on any of these.
EXIT_DEVICE_LOST = 3  # the sound device or JACK server went away
EXIT_DEVICE_BACK = 4  # a better device appeared while silent; restart to use it
DEVICE_RECHECK_S = 5.0

Emit = Callable[[EngineEvent], None]


def _describe(backend: str, sample_rate: int, buffer_size: int, detail: str = "") -> str:
    latency_ms = 1000.0 * buffer_size / sample_rate
    timing = f"{sample_rate / 1000:g} kHz, {buffer_size}-frame buffer ({latency_ms:.1f} ms)"
    if backend == "jack":
        return f"Playing through JACK{detail}, {timing}"
    return f"Playing through the system sound device, {timing}"


class LiveEngine:
    def __init__(
        self, settings: AudioSettings, values: dict, emit: Emit, silent_message: str = "", beat: Beat | None = None
    ):
        self.settings = settings
        self._silent_message = silent_message or "Sound is off (silent mode chosen)"
        self._emit = emit
        self._monitor: JackMonitor | None = None
        self._clock: SilentClock | None = None
        self._started_at = time.monotonic()
        self._cpu_mark = (time.monotonic(), time.process_time())
        self._last_device_check = time.monotonic()
        self.server, self.backend, self.device_message = self._open_audio()
        # Silent, but JACK would be used if it appeared: look for it now and then.
        self._watch_for_jack = self.backend == "none" and settings.backend in ("auto", "jack")
        self.beat = beat or Beat()
        pad_sounds = load_pad_sounds(self.beat.kit, settings.sample_rate, emit)
        self.graph = StudioGraph(self.server, values, self.beat, pad_sounds)
        self.graph.out()
        self.deck_commands = DeckCommands(self.graph, emit)
        self._mic_gone_said = False
        self._inputs, self._inputs_checked_at = 0, float("-inf")
        self._take_playing: tuple[str, float, bool] | None = None  # (path, ends at (monotonic), with backing)
        self.takes = TakeRecorder(self.graph.mic.capture, TakeStore(), settings.sample_rate,
                                  on_problem=lambda message: emit(EngineEvent("error", message)))
        self._recover_takes()
        self.server.start()
        if self._clock is not None:
            self._clock.start()
        if int(self.graph.values[("mic", "input")]) != 1:
            self._plug_in_microphone()

    def _recover_takes(self) -> None:
        """A take that was being recorded when an engine (or the app) stopped is made whole."""
        try:
            recovered = self.takes.store.recover()
        except (OSError, TakeError) as error:
            self._emit(EngineEvent("error", f"Takes could not be checked after a stop: {error}"))
            return
        if recovered:
            self._emit(EngineEvent("take_recovered", recovered_message(recovered),
                                   {"takes": [asdict(info) for info in recovered]}))
        for problem in self.takes.store.problems:  # damaged details kept aside, and the like
            self._emit(EngineEvent("notice", problem))

    # --- opening a device -------------------------------------------------------------
    def _open_audio(self):
        s = self.settings
        backend, why = choose_backend(s.backend)
        if backend != "none":
            try:
                return self._open_device(backend)
            except AudioStartError as error:
                message = f"{error}. Sounds are silent for now."
                self._emit(EngineEvent("device_lost", message))
                return self._open_silent(message)
        return self._open_silent(why if s.backend == "auto" else self._silent_message)

    def _open_device(self, backend: str):
        s = self.settings
        detail = ""
        name = s.jack_client_name
        if backend == "jack":
            try:
                self._monitor = JackMonitor(f"{s.jack_client_name}-monitor")
            except Exception as error:  # jack.JackError, or libjack missing
                raise AudioStartError("Could not connect to the JACK audio server (is it running?)") from error
            name = free_client_name(self._monitor, s.jack_client_name)
            if name != s.jack_client_name:
                detail = f" as '{name}'"
                self._emit(EngineEvent(
                    "notice",
                    f"Another program already uses the name '{s.jack_client_name}' on JACK "
                    f"(is Ward Studio open twice?). This one is called '{name}'.",
                ))
        try:
            server = make_server(backend, s.sample_rate, s.buffer_size, jack_client_name=name)
        except AudioStartError:
            if self._monitor is not None:
                self._monitor.close()
                self._monitor = None
            raise
        self.server_name = name
        return server, backend, _describe(backend, s.sample_rate, s.buffer_size, detail)

    def _open_silent(self, message: str):
        s = self.settings
        server = make_server("none", s.sample_rate, s.buffer_size)
        self._clock = SilentClock(server, s.sample_rate, s.buffer_size)
        return server, "none", message or NO_OUTPUT_MESSAGE

    # --- messages ---------------------------------------------------------------------
    def handle(self, message) -> None:
        if isinstance(message, Action):
            try:
                action = check_action(*message)
            except ValueError as error:
                self._emit(EngineEvent("error", str(error)))
                return
            if action.group == "mic" and action.control == "recording":
                self._record_take(bool(action.value))
                return
            if action.group == "mixer" and action.control == "recording":
                self.deck_commands.record_mix(bool(action.value))
                return
            self.graph.apply(action)
            if (action.group, action.control) == ("mic", "input"):
                self._plug_in_microphone(announce=True)
            if (action.group, action.control, action.value) == ("beats", "playing", 0.0) and self.takes.recording:
                self._record_take(False)  # Stop on the beat stops the take too
        elif isinstance(message, SetBeat):
            self._set_beat(message.beat)
        elif isinstance(message, PlayTake):
            self._play_take(message)
        elif isinstance(message, StopTake):
            self._stop_take()
        elif isinstance(message, RecordOver):
            self._record_take(True, over=message)
        elif isinstance(message, TakeOwner):
            self._set_take_owner(message.participant_id)
        elif isinstance(message, DECK_MESSAGES):
            self.deck_commands.handle(message)
        elif isinstance(message, Restore):
            for (group, control), value in message.values.items():
                self.handle(Action(group, control, value))

    def _set_take_owner(self, participant_id) -> None:
        try:
            owner = check_participant_id(participant_id)
        except ValueError as error:
            self._emit(EngineEvent("error", f"Takes cannot be kept for that participant: {error}"))
            return
        self.takes.participant_id = owner
        self.deck_commands.mix_takes.participant_id = owner

    def _set_beat(self, beat: Beat) -> None:
        new_kit = beat.kit != self.beat.kit
        pad_sounds = load_pad_sounds(beat.kit, self.settings.sample_rate, self._emit) if new_kit else None
        try:
            self.graph.set_beat(beat, pad_sounds)
        except ValueError as error:
            self._emit(EngineEvent("error", f"This beat cannot be played: {error}"))
            return
        self.beat = beat

    # --- the microphone's input -----------------------------------------------------------
    def _plug_in_microphone(self, announce: bool = False) -> None:
        """Connect the chosen sound-card input to our input (JACK only; pyo connects the first
        one itself). A choice the card does not have is said, and the input stays as it was."""
        if self._monitor is None or self._monitor.server_gone:
            return
        chosen = int(self.graph.values[("mic", "input")])
        inputs = self._monitor.microphones()
        if chosen > len(inputs):
            if announce:
                have = f"it has {len(inputs)}" if inputs else "it has none"
                self._emit(EngineEvent("error", f"The sound card has no input {chosen}: {have}."))
            return
        try:
            self._monitor.plug_in(inputs[chosen - 1], f"{self.server_name}:input_1")
        except Exception as error:  # jack.JackError
            self._emit(EngineEvent("error", f"The microphone could not be connected ({error})."))

    def _count_microphones(self) -> int:
        """The sound card's inputs, counted every couple of seconds (a USB one may come and go)."""
        now = time.monotonic()
        if self._monitor is not None and not self._monitor.server_gone and now >= self._inputs_checked_at + 2.0:
            self._inputs_checked_at = now
            try:
                self._inputs = len(self._monitor.microphones())
            except Exception:  # jack.JackError
                self._inputs = 0
        return self._inputs

    def _check_microphone(self) -> None:
        """While recording: say once if the microphone has gone (a USB microphone unplugged).
        The take goes on, silent, so nothing before it is lost and it stays in time."""
        if self._monitor is None or not self.takes.recording:
            self._mic_gone_said = False
            return
        gone = not self._monitor.connected_to(f"{self.server_name}:input_1")
        if gone and not self._mic_gone_said:
            self._mic_gone_said = True
            self._emit(EngineEvent("notice", "The microphone has gone (unplugged?). The take goes on, silent; "
                                             "stop it and plug the microphone back in. Nothing recorded is lost."))

    # --- takes ------------------------------------------------------------------------
    def _record_take(self, on: bool, over: RecordOver | None = None) -> None:
        """Start or stop a take; `over`: a punch-in, recorded while an earlier take plays with
        its backing from the song's start (no count-in: the earlier take is the run-up)."""
        if on and not self.takes.recording:
            self._stop_take()
            backing = over.backing if over else MIC_BACKINGS[self.graph.values[("mic", "backing")]]
            on_deck = backing.startswith("deck")
            if on_deck and not self.graph.decks.decks[int(backing[-1]) - 1].loaded:
                self._emit(EngineEvent("error", f"There is no track on deck {backing[-1]}: load one on the "
                                                "Decks screen, or choose another backing."))
                return
            if self.graph.sequencer.playing and not over and not on_deck:
                backing = "beat"  # sung over the beat already playing: no count-in, no alignment to it
            if over and self.graph.sequencer.playing:
                self.graph.stop_backing()
            count_in = self.graph.count_in_frames() if backing in ("beat", "metronome") \
                and not self.graph.sequencer.playing else 0
            if over:
                count_in = 0
            bpm = self.beat.bpm if backing in ("beat", "metronome") else 0.0
            if on_deck:
                bpm = self.graph.decks.decks[int(backing[-1]) - 1].effective_bpm()
            try:
                # align: counted from the backing's first sample, which the graph marks (TakeRecorder).
                self.takes.start(backing, bpm, count_in + self._round_trip_frames())
            except (TakeError, OSError, ValueError) as error:
                self._emit(EngineEvent("error", str(error)))
                return
            if over is not None:
                try:
                    duration_s = self.graph.take_player.load(over.path, over.skip_frames, self.settings.sample_rate,
                                                             over.keep_s, over.fades_s)
                except Exception as error:  # OSError, or pyo's own
                    self._emit(EngineEvent("error", f"The take to punch into could not be played ({error})."))
                else:
                    self.graph.take_player.start(with_backing=True)
                    self._take_playing = (over.path, time.monotonic() + duration_s + 0.1, False)
            if on_deck or not self.graph.sequencer.playing:
                self.graph.start_backing(backing, count_in=over is None)
            warning = self.takes.store.check_space(self.settings.sample_rate, 1)
            if warning:
                self._emit(EngineEvent("notice", warning))
        elif not on and self.takes.recording:
            take = self.takes.stop()
            self._stop_take()
            self.graph.stop_backing()
            if take is not None:
                self._emit(EngineEvent("take_saved", f"{take.name} was saved ({take.length_s:.1f} s).",
                                       {"take": asdict(take), "overruns": self.takes.last_overruns,
                                        "lost_frames": self.takes.last_lost_frames}))

    def _play_take(self, message: PlayTake) -> None:
        self._stop_take()
        if self.takes.recording:
            return  # never over a take being recorded
        try:
            duration_s = self.graph.take_player.load(message.path, message.skip_frames, self.settings.sample_rate,
                                                     message.keep_s, message.fades_s)
        except Exception as error:  # OSError, or pyo's own when the file is not audio
            self._emit(EngineEvent("error", f"This take could not be played ({error})."))
            return
        with_backing = message.backing in ("beat", "metronome", "deck1", "deck2")
        self.graph.take_player.start(with_backing)
        if with_backing:
            self.graph.start_backing(message.backing, count_in=False)
        self._take_playing = (message.path, time.monotonic() + duration_s + 0.1, with_backing)

    def _stop_take(self) -> None:
        if self._take_playing is None:
            return
        _, _, with_backing = self._take_playing
        self._take_playing = None
        self.graph.take_player.stop()
        if with_backing:
            self.graph.stop_backing()

    def _round_trip_frames(self) -> int:
        """How late a voice sung in time with the backing lands in the take: the backing's
        way out (the device's playback latency and the master bus's look-ahead) and the
        voice's way in (the capture latency). Known on JACK; 0 elsewhere."""
        lookahead = latency_samples(self.settings.sample_rate)
        if self._monitor is None:
            return lookahead
        return lookahead + self._monitor.port_latency_frames(f"{self.server_name}:input_1", capture=True) \
            + self._monitor.port_latency_frames(f"{self.server_name}:output_1", capture=False)

    def poll_fast(self) -> None:
        """While recording, loading a track or scratching (100 times a second): beat hits out,
        mic samples into the take, the next chunk of a track into its deck, the finger followed."""
        self.send_recorded_hits()
        self.takes.pump()
        self.deck_commands.pump()

    @property
    def busy(self) -> bool:
        return self.recording or self.takes.recording or self.deck_commands.busy

    # --- health and state -------------------------------------------------------------
    def exit_code(self) -> int | None:
        """Non-None when the engine should end so that it can be started afresh."""
        if self._monitor is not None and self._monitor.server_gone:
            self._emit(EngineEvent(
                "device_lost",
                "The JACK audio server stopped. Sound is off until it is back; "
                "nothing you made is lost.",
            ))
            return EXIT_DEVICE_LOST
        now = time.monotonic()
        if self._watch_for_jack and now - self._last_device_check >= DEVICE_RECHECK_S:
            self._last_device_check = now
            if jack_server_running():
                self._emit(EngineEvent("notice", "The JACK audio server is back: turning sound on."))
                return EXIT_DEVICE_BACK
        return None

    def xruns(self) -> int | None:
        """Dropouts since start; None when there is nothing to count (nobody hears silent
        mode, and PortAudio through pyo does not report them)."""
        if self._monitor is not None:
            return self._monitor.xruns
        return None

    def cpu_percent(self) -> float:
        if self._monitor is not None:
            return self._monitor.cpu_percent()
        if self._clock is not None:
            return self._clock.cpu_percent()
        now, cpu = time.monotonic(), time.process_time()
        wall0, cpu0 = self._cpu_mark
        if now - wall0 < 0.5:
            return getattr(self, "_last_cpu", 0.0)
        self._cpu_mark = (now, cpu)
        self._last_cpu = 100.0 * (cpu - cpu0) / (now - wall0)
        return self._last_cpu

    @property
    def recording(self) -> bool:
        return bool(self.graph.values[("beats", "recording")]) and self.graph.sequencer.playing

    def send_recorded_hits(self) -> None:
        """Emit a "pad_hit" event for each touch, MIDI or repeated hit since the last call.

        Called 100 times a second while recording: each pad holds only its latest hit, and
        note repeat at 1/32 plays a pad every 38 ms at 200 BPM."""
        for hit in self.graph.recorded_hits():
            self._emit(EngineEvent("pad_hit", "", hit._asdict()))

    def state(self) -> EngineState:
        g = self.graph
        g.tick()
        self.deck_commands.pump()
        self.send_recorded_hits()
        self.takes.pump()
        if self._take_playing is not None and time.monotonic() > self._take_playing[1]:
            self._stop_take()  # played to its end
        self._check_microphone()
        left_db, right_db = g.master.meter_db()
        return EngineState(
            backend=self.backend,
            device_ok=self.backend != "none",
            device_message=self.device_message,
            sample_rate=self.settings.sample_rate,
            buffer_size=self.settings.buffer_size,
            playing=g.transport.playing,
            position_s=g.position_s(),
            bpm=g.values[("transport", "bpm")],
            beat=g.transport.beat_number(),
            beats_playing=g.sequencer.playing,
            recording=bool(g.values[("beats", "recording")]) and g.sequencer.playing,
            counting_in=g.sequencer.counting_in,
            beat_step=g.beat_step(),
            kit_name=self.beat.kit,
            pad_notes=tuple(g.sequencer.midi_notes),
            jack_name=self.server_name if self.backend == "jack" else "",
            beat_bpm=self.beat.bpm,
            meter_db=(round(left_db, 1), round(right_db, 1)),
            limiter_reduction_db=round(g.master.limiter_reduction_db(), 1),
            cpu_percent=round(self.cpu_percent(), 1),
            xruns=self.xruns(),
            controls=dict(g.values),
            mic_level_db=round(g.mic.level_db(), 1),
            mic_too_loud=g.mic.too_loud(),
            mic_inputs=self._count_microphones(),
            take_recording=self.takes.recording,
            take_seconds=round(self.takes.seconds, 2),
            take_playing=self._take_playing[0] if self._take_playing else "",
            decks=g.decks.status(),
            mix_recording=self.deck_commands.mix_recording,
            mix_seconds=round(self.deck_commands.mix_takes.seconds, 2),
            engine_pid=os.getpid(),
            uptime_s=round(time.monotonic() - self._started_at, 2),
        )

    def close(self) -> None:
        if self.takes.recording:  # the app closed or the engine is asked to stop: the take is kept
            self._record_take(False)
        self.deck_commands.record_mix(False)
        if self._clock is not None:
            self._clock.stop()
        if self._monitor is not None and self._monitor.server_gone:
            return  # pyo's JACK client is dead too; shutting pyo down could hang
        self.server.stop()
        self.server.shutdown()
        if self._monitor is not None:
            self._monitor.close()

