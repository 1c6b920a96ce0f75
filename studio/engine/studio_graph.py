"""The whole studio as one audio graph, and the actions that change it.

StudioGraph is built on any running pyo server. The engine process builds it on a live or
silent server; tests build it on a manual server and render it. Each feature (the transport
and its metronome, the beat sequencer and its pads, the note pads; later decks and mic) adds its stereo
output to the master bus and its controls to ``apply``.
"""

from __future__ import annotations

from studio.audio.dsp import pyo

from studio.audio.master_bus import MasterBus, build_master_bus
from studio.audio.transport import Transport, build_transport
from studio.beats.model import PAD_COUNT, Beat
from studio.beats.click_track import STEPS_PER_BAR
from studio.beats.schedule import step_sample
from studio.beats.sequencer_graph import LiveHit, Sequencer
from studio.controls import NOTE_REPEAT_RATES, Action, check_action, default_values
from studio.beats.pad_sounds import PadSounds
from studio.melody.instrument_synth import SOUNDS
from studio.melody.melodic_graph import MelodicPads
from studio.melody.scales import SCALE_NAMES, SCALES
from studio.mic.mic_graph import EFFECTS as MIC_EFFECTS, MicChannel
from studio.mic.capture import MicCapture
from studio.mic.take_player import TakePlayer
from studio.decks.decks_graph import DecksGraph
from studio.decks.headphones import Headphones


class StudioGraph:
    def __init__(
        self,
        server: pyo.Server,
        values: dict | None = None,
        beat: Beat | None = None,
        pad_sounds: PadSounds | None = None,
        mic_source: pyo.PyoObject | None = None,
    ):
        """mic_source: what to treat as the microphone (default: the server's first input)."""
        self.server = server
        self.values = default_values()
        if values:
            for (group, control), value in values.items():
                action = check_action(group, control, value)
                self.values[(action.group, action.control)] = action.value
        v = self.values
        self.transport: Transport = build_transport(
            server,
            bpm=v[("transport", "bpm")],
            click_enabled=bool(v[("metronome", "enabled")]),
            click_level_db=v[("metronome", "level_db")],
        )
        pad_sounds = pad_sounds or PadSounds.silent()
        self.sequencer = Sequencer(
            server, pad_sounds.samples, beat or Beat(), pad_sounds.choke_groups, pad_sounds.midi_notes
        )
        self.sequencer.set_kit_gain_pan(pad_sounds.gains_db, pad_sounds.pans)
        self._set_note_repeat(v[("pads", "repeat")])
        self.keys = MelodicPads(server, root=int(v[("keys", "root")]), scale=SCALE_NAMES[int(v[("keys", "scale")])],
                                sound=SOUNDS[int(v[("keys", "sound")])], octave=int(v[("keys", "octave")]),
                                volume_db=v[("keys", "volume_db")])
        v[("keys", "octave")] = float(self.keys.octave)  # kept within the sound's range
        # Made before the mic and the take player, which follow their start (pyo computes objects
        # in the order they were made: a later one would be a block late).
        self.decks = DecksGraph(server)
        self.deck_events: list[dict] = []  # hot cues set or deleted, for the engine to announce
        # What a take is lined up with: the start of the beat, or of a deck's track (see start_backing).
        self._backing_gates = {name: pyo.Sig(1.0 if name == "beat" else 0.0) for name in ("beat", "deck1", "deck2")}
        self.backing_started = pyo.Mix(
            [self.sequencer.song_started * self._backing_gates["beat"]]
            + [deck.sound_started * self._backing_gates[f"deck{deck.number}"] for deck in self.decks.decks], voices=1)
        self.mic = MicChannel(server, mic_source, gain_db=v[("mic", "gain_db")], monitor_db=v[("mic", "monitor_db")],
                              backing_started=self.backing_started)
        self._apply_mic()
        self.take_player = TakePlayer(self.backing_started)
        self.master: MasterBus = build_master_bus(
            [self.transport.output, self.sequencer.output, self.keys.output, self.mic.output, self.take_player.output,
             self.decks.output],
            volume_db=v[("master", "volume_db")],
            headphone_cap_db=v[("master", "headphone_cap_db")],
            muted=bool(v[("master", "mute")]),
        )
        self.headphones = Headphones(self.decks.cue, self.master, v)
        self.mix_capture = MicCapture(self.master.limited, server)  # recording the mix as a take
        for (group, control), value in list(v.items()):
            if group.startswith("deck") or group == "mixer":
                self._apply_deck(group, control)  # after a restart: the faders, EQs and tempos as they were
        self._play_started_sample = 0
        if v[("transport", "playing")]:
            self._start_transport()
        self.sequencer.set_metronome(bool(v[("beats", "metronome")]))
        if v[("beats", "playing")]:
            self.sequencer.play()  # after a restart: straight on, no count-in

    def out(self) -> None:
        """Send the master bus to the sound device, and the headphone cue to outputs 3-4 when
        the device has them (or into the right ear with split cue)."""
        self.headphones.out(self.server.getNchnls())

    def apply(self, action: Action) -> None:
        """Change one control. The action must already be checked (see check_action)."""
        key = (action.group, action.control)
        group = action.group
        if group == "pads" and action.control != "repeat":
            kind, _, number = action.control.partition("_")
            if kind == "hit":
                self.sequencer.hit_pad(int(number) - 1, action.value)
            else:  # held: repeats only while note repeat is on
                self.sequencer.hold_pad(int(number) - 1, bool(action.value) and self._repeating())
            return  # a hit is an event, not a setting to keep
        if group == "keys" and action.control.startswith("note_"):
            pad = int(action.control.removeprefix("note_")) - 1
            if action.value > 0:
                self.keys.hit(pad, action.value)
            else:
                self.keys.release(pad)
            return  # an event, not a setting to keep
        self.values[key] = action.value
        if group.startswith("deck") or group == "mixer":
            self._apply_deck(group, action.control)
        elif group == "master":
            self.headphones.apply(self.values)  # the cap and mute hold for the headphones too
            self.master.set_volume(
                self.values[("master", "volume_db")],
                self.values[("master", "headphone_cap_db")],
                bool(self.values[("master", "mute")]),
            )
        elif key == ("transport", "playing"):
            if action.value:
                self._start_transport()
            else:
                self.transport.stop()
        elif key == ("transport", "bpm"):
            self.transport.set_bpm(action.value)
        elif group == "metronome":
            self.transport.set_click(
                bool(self.values[("metronome", "enabled")]), self.values[("metronome", "level_db")]
            )
        elif key == ("beats", "playing"):
            if action.value:
                if not self.sequencer.playing:  # already playing (e.g. started by Record): carry on
                    self.sequencer.play()
            else:
                self.sequencer.stop()
                self.values[("beats", "recording")] = 0.0
                self.sequencer.listen(False)
        elif key == ("beats", "recording"):
            self.sequencer.listen(bool(action.value))
            if action.value and not self.sequencer.playing:
                bars = int(self.values[("beats", "count_in_bars")])
                self.sequencer.play(count_in_steps=bars * STEPS_PER_BAR)
                self.values[("beats", "playing")] = 1.0
        elif key == ("beats", "metronome"):
            self.sequencer.set_metronome(bool(action.value))
        elif key == ("pads", "repeat"):
            self._set_note_repeat(action.value)
        elif group == "keys":
            self._apply_keys(action.control)
            self._apply_mic()  # the voice's tuning follows the key
        elif group == "mic" and action.control != "recording":
            self._apply_mic()

    def set_beat(self, beat: Beat, pad_sounds: PadSounds | None = None) -> None:
        """Play a changed beat; with pad_sounds, the pads also get new sounds (a new kit)."""
        if pad_sounds is not None:
            for pad in range(PAD_COUNT):
                self.sequencer.set_sample(pad, pad_sounds.samples[pad])
            self.sequencer.set_kit_choke_groups(pad_sounds.choke_groups)
            self.sequencer.set_midi_notes(pad_sounds.midi_notes)
            self.sequencer.set_kit_gain_pan(pad_sounds.gains_db, pad_sounds.pans)
        self.sequencer.set_beat(beat)

    def _apply_deck(self, group: str, control: str) -> None:
        v = self.values
        value = v[(group, control)]
        if group == "mixer" and control.startswith("headphones") or control == "split_cue":
            self.headphones.apply(v)
        elif control.startswith(("eq_", "kill_")):
            band = control.split("_")[1]
            self.decks.set_eq(int(group.removeprefix("deck")), ("low", "mid", "high").index(band),
                              v[(group, f"eq_{band}_db")], bool(v[(group, f"kill_{band}")]))
        else:
            event = self.decks.apply(group, control, value)
            if event:
                self.deck_events.append(event)

    def _apply_mic(self) -> None:
        v = self.values
        self.mic.set_key(int(v[("keys", "root")]), SCALES[SCALE_NAMES[int(v[("keys", "scale")])]])
        self.mic.set_gain_db(v[("mic", "gain_db")])
        self.mic.set_monitor(bool(v[("mic", "monitor")]), v[("mic", "monitor_db")])
        for effect in MIC_EFFECTS:
            self.mic.set_effect(effect, bool(v[("mic", effect)]))

    def count_in_frames(self) -> int:
        """How long the count-in before a take's backing lasts, in frames."""
        steps = int(self.values[("beats", "count_in_bars")]) * STEPS_PER_BAR
        beat = self.sequencer.beat
        return step_sample(steps, beat.bpm, beat.swing, int(self.server.getSamplingRate()))

    def start_backing(self, backing: str, count_in: bool = True) -> None:
        """Start what plays under a take: the beat, or its click alone, after the count-in
        (count_in_frames; none for a take played back), or a deck's track from its cue point
        (no count-in: the track's intro is one), from the next audio block; or nothing."""
        for name, gate in self._backing_gates.items():
            gate.value = 1.0 if name == ("beat" if backing == "metronome" else backing) else 0.0
        if backing == "none":
            return
        if backing.startswith("deck"):
            self.decks.decks[int(backing.removeprefix("deck")) - 1].play_from_cue()
            return
        self.sequencer.set_pads_heard(backing == "beat")
        self.sequencer.set_metronome(backing == "metronome" or bool(self.values[("beats", "metronome")]))
        bars = int(self.values[("beats", "count_in_bars")]) if count_in else 0
        self.sequencer.play(count_in_steps=bars * STEPS_PER_BAR)
        self.values[("beats", "playing")] = 1.0

    def stop_backing(self) -> None:
        if self._backing_gates["deck1"].value or self._backing_gates["deck2"].value:
            for deck in self.decks.decks:
                if self._backing_gates[f"deck{deck.number}"].value:
                    deck.stop_at_cue()
            self._backing_gates["beat"].value = 1.0
            self._backing_gates["deck1"].value = self._backing_gates["deck2"].value = 0.0
            return
        self.sequencer.stop()
        self.sequencer.set_pads_heard(True)
        self.sequencer.set_metronome(bool(self.values[("beats", "metronome")]))
        self.values[("beats", "playing")] = 0.0

    def _apply_keys(self, control: str) -> None:
        v = self.values
        if control == "volume_db":
            self.keys.set_volume_db(v[("keys", "volume_db")])
            return
        if control == "sound":
            self.keys.set_sound(SOUNDS[int(v[("keys", "sound")])])
        else:
            self.keys.set_scale(int(v[("keys", "root")]), SCALE_NAMES[int(v[("keys", "scale")])],
                                int(v[("keys", "octave")]))
        v[("keys", "octave")] = float(self.keys.octave)  # a new sound may have moved it

    def _repeating(self) -> bool:
        return self.values[("pads", "repeat")] > 0

    def _set_note_repeat(self, value: float) -> None:
        self.sequencer.set_note_repeat(NOTE_REPEAT_RATES.get(value))  # None: off, and no pad stays held

    def beat_step(self) -> int:
        """The song step the sequencer is on, or -1 when it is stopped."""
        return self.sequencer.step if self.sequencer.playing else -1

    def tick(self) -> None:
        """Housekeeping a few times a second (never timing: that lives in the graph)."""
        self.transport.tick()
        self.sequencer.tick()
        self.decks.tick()

    def recorded_hits(self) -> list[LiveHit]:
        """Touch and MIDI hits since the last call while recording (read them a few times a second)."""
        hits = self.sequencer.read_live_hits()  # read always, so old hits never show up later
        return hits if self.values[("beats", "recording")] and self.sequencer.playing else []

    def _start_transport(self) -> None:
        if not self.transport.playing:
            self._play_started_sample = self.server.getCurrentTimeInSamples()
            self.transport.play()

    def position_s(self) -> float:
        """Time since the clock started playing (0 when stopped)."""
        if not self.transport.playing:
            return 0.0
        elapsed = self.server.getCurrentTimeInSamples() - self._play_started_sample
        return max(0, elapsed) / self.server.getSamplingRate()
