"""The Beats screen: 16 pads, a step sequencer for the selected pad, patterns A-H and a song.

    transport bar   Back, Play/Stop, Record, tempo - + Tap, swing - +
    pattern bar     A-H, Copy, Clear, Undo, Redo
    pads | panel | tabs   the panel shows All pads (overview), Sound, Kit, Song, Record or Keys
                          (note pads in a key: playable beside the drum pads)
    step panel      the selected pad's steps, Mute, Solo, 16/32, how a tap changes a step

The beat itself, the engine and saving are in BeatSession (no kivy); this module turns taps
into its verbs and draws what it holds. The root calls enter() and leave() when the screen is
opened and left, show_state() about 20 times a second while it shows, and save_now() when the
app closes. Looks: beats.kv (the layout); beat_grids.kv, beat_bars.kv and beat_panels.kv (the
widgets).
"""

from __future__ import annotations

import os

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.part_screen import PartScreen
from apps.beats import beat_icons  # noqa: F401  (registers the play/stop/undo/redo icons)
from apps.beats.beat_session import BeatSession, pad_hit_velocity
from apps.beats.kit_chooser import KitChooser  # noqa: F401  (kv classes)
from apps.beats.keys_panel import INTRODUCTION as KEYS_INTRODUCTION, KeysPanel  # noqa: F401
from apps.beats.kit_info import KitShelf
from apps.beats.overview import Overview  # noqa: F401
from apps.beats.pad_grid import PadGrid  # noqa: F401
from apps.beats.pad_settings import PadSettingsPanel  # noqa: F401
from apps.beats.pattern_bar import PatternBar  # noqa: F401
from apps.beats.record_panel import RecordPanel  # noqa: F401
from apps.beats.song_panel import SongPanel  # noqa: F401
from apps.beats.step_grid import StepPanel  # noqa: F401
from apps.beats.transport_bar import SWING_STEP, TEMPO_STEP, TransportBar  # noqa: F401
from studio.beats.model import MAX_BPM, MIN_BPM, TICKS_PER_STEP, step_loudness
from studio.beats.storage import current_beat_path, load_or_new

AUTOSAVE_POLL_S = 0.5
MAX_FLASHED_STEPS = 4  # steps passed between two polls whose pads still flash
PANELS = (("overview", "All pads"), ("sound", "Sound"), ("kit", "Kit"), ("song", "Song"), ("record", "Record"),
          ("keys", "Keys"))


class RailTab(ButtonBehavior, BoxLayout):
    text = StringProperty("")
    panel = StringProperty("")
    selected = BooleanProperty(False)


class BeatsScreen(PartScreen):
    part_title = StringProperty("Beats")
    panel = StringProperty("overview")

    def __init__(self, client, **kwargs):
        self.client = client
        self.session: BeatSession | None = None
        self.kits = KitShelf()
        self._autosave_event = None
        self._last_song_step = -1
        self._shown_kit = None
        self._keys_introduced = False
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids["back_button"] = ids.transport.ids.back_button  # every screen's way back has this id
        # Strong references (ids are weak): the panels not showing are out of the widget tree.
        self.drum_pads = ids.pads.__self__
        self.panels = {"overview": ids.overview.__self__, "sound": ids.pad_settings.__self__,
                       "kit": ids.kit_chooser.__self__, "song": ids.song_panel.__self__,
                       "record": ids.record_panel.__self__, "keys": ids.keys_panel.__self__}
        self.tabs: dict[str, RailTab] = {}
        for name, title in PANELS:
            tab = RailTab(text=title, panel=name)
            tab.bind(on_release=lambda tab: self.show_panel(tab.panel))
            self.tabs[name] = tab
            ids.rail.add_widget(tab)
        self.show_panel(self.panel)
        ids.transport.bind(
            on_back=lambda *_: self.dispatch("on_back"),
            on_play=lambda *_: self.toggle_play(),
            on_record=lambda *_: self.toggle_record(),
            on_tempo=lambda _bar, delta: self._edit(self.session.change_bpm, delta * TEMPO_STEP),
            on_tap_tempo=lambda *_: self._edit(self.session.tap_tempo),
            on_swing=lambda _bar, delta: self._edit(self.session.change_swing, delta * SWING_STEP))
        ids.pattern_bar.bind(on_choose_pattern=lambda _bar, name: self._edit(self.session.select_pattern, name),
                             on_copy_to=lambda _bar, name: self.copy_pattern_to(name),
                             on_clear=lambda *_: self.clear_pattern(),
                             on_undo=lambda *_: self._edit(self.session.undo),
                             on_redo=lambda *_: self._edit(self.session.redo))
        ids.record_panel.bind(on_choose=lambda _panel, name, value: self.choose_recording(name, value))
        ids.keys_panel.bind(on_note_down=lambda _panel, pad, velocity: self.session.play_note(pad, velocity),
                            on_note_up=lambda _panel, pad: self.session.play_note(pad, 0.0),
                            on_choose=lambda _panel, name, value: self._edit(self.session.set_keys, name, value))
        ids.pads.bind(on_pad_hit=lambda _grid, pad, fraction_up: self.hit_pad(pad, fraction_up),
                      on_pad_let_go=lambda _grid, pad: self.session and self.session.hold_pad(pad, False))
        ids.steps.bind(on_step=lambda _panel, step: self.tap_step(step),
                       on_mute=lambda *_: self._edit(self.session.toggle_mute),
                       on_solo=lambda *_: self._edit(self.session.toggle_solo))
        ids.overview.bind(on_select=lambda _overview, pad: self.select_pad(pad))
        ids.pad_settings.bind(
            on_preview=lambda _panel, name, value: self.session.preview_pad_setting(name, value),
            on_commit=lambda _panel, name, value: self._edit(self.session.set_pad_setting, name, value))
        ids.kit_chooser.bind(on_kit=lambda _chooser, name: self._edit(self.session.set_kit, name))
        ids.song_panel.bind(on_choose_song_mode=lambda _panel, on: self._edit(self.session.set_song_mode, on),
                            on_choose_step_count=lambda _panel, count: self._edit(self.session.set_step_count, count),
                            on_change_row_length=lambda _panel, delta: self._edit(self.session.change_row_length, delta),
                            on_add=lambda *_: self.add_to_song(),
                            on_remove_last=lambda *_: self.remove_last_from_song())

    # ---- opening and leaving -------------------------------------------------------------------
    def enter(self) -> None:
        """The screen is opened: the first time, the saved beat is loaded and sent to the engine."""
        if self.session is None:
            self._load_beat()
        if self._autosave_event is None:
            self._autosave_event = Clock.schedule_interval(lambda _dt: self.session.poll_autosave(),
                                                           AUTOSAVE_POLL_S)
        self._last_song_step = -1
        self.refresh()

    def leave(self) -> None:
        """The screen is left: the beat stops (nothing plays that cannot be seen) and is saved."""
        if self.session is None:
            return
        if self.session.record_requested:
            self.session.record(False)
        if self.session.play_requested:
            self.session.play(False)
        self.ids.pattern_bar.copying = False
        if self._autosave_event is not None:
            self._autosave_event.cancel()  # nothing changes off this screen; what is pending is saved now
            self._autosave_event = None
        self.save_now()

    def save_now(self) -> None:
        if self.session is not None:
            self.session.save_now()

    def reload_beat(self) -> None:
        """The current beat file is another participant's now (it is their turn, see
        studio.sessions.beat_filing): stop this beat and load that one, which the engine plays
        from now on (a take's backing too). Whatever was pending must be saved before."""
        if self.session is None:
            return  # it is loaded when the screen first opens
        if self.session.record_requested:
            self.session.record(False)
        if self.session.play_requested:
            self.session.play(False)
        self.ids.pattern_bar.copying = False
        self._load_beat()
        self._last_song_step = -1
        self.refresh()

    def _load_beat(self) -> None:
        path = current_beat_path()
        loaded = load_or_new(path)
        self.session = BeatSession(self.client, loaded.beat, path, on_change=self._changed,
                                   on_problem=lambda message: self.tell(message, "error"))
        if loaded.message:
            self.tell(loaded.message, "warning")

    # ---- what a finger does --------------------------------------------------------------------
    def toggle_play(self) -> None:
        self.session.play(not self.session.play_requested)
        self._last_song_step = -1
        self._show_transport()

    def toggle_record(self) -> None:
        """Record: pads played from now on go into the beat (after a count-in when stopped).
        Tapped again, recording stops and the beat plays on."""
        recording = not self.session.record_requested
        self.session.record(recording)
        if recording and not self.session.play_requested:
            self._last_song_step = -1
        self._show_transport()

    def choose_recording(self, name: str, value) -> None:
        """A choice on the Record panel."""
        session = self.session
        if name == "fixed_loudness":
            self.ids.pads.show_graded(not value)
            self.ids.keys_panel.fixed_loudness = bool(value)
            return
        setter = {"quantise": session.set_quantise, "count_in_bars": session.set_count_in_bars,
                  "metronome": session.set_metronome, "note_repeat": session.set_note_repeat}[name]
        self._edit(setter, value)

    def take_hits(self, hits: list[dict]) -> None:
        """Pad hits the engine heard while recording: into the beat, quantised."""
        if self.session is not None and hits:
            self.session.take_hits(hits)

    def hit_pad(self, pad: int, fraction_up: float) -> None:
        """A pad is touched: it plays at once (if it has a sound) and becomes the selected pad;
        with note repeat on it repeats until the finger lifts."""
        if self.kit_info().pads[pad].has_sound:
            self.session.hit_pad(pad, pad_hit_velocity(fraction_up, self.ids.record_panel.fixed_loudness))
            self.session.hold_pad(pad, True)
            self.ids.pads.flash([pad])
        self.select_pad(pad)

    def select_pad(self, pad: int) -> None:
        if pad != self.session.pad:
            self.session.pad = pad
            self.refresh()

    def tap_step(self, step: int) -> None:
        velocity = self.session.tap_step(step, self.ids.steps.loudness_mode)
        if velocity > 0 and not self.session.play_requested and self.kit_info().pads[self.session.pad].has_sound:
            self.session.hit_pad(self.session.pad, velocity)  # hear what was put there

    def copy_pattern_to(self, name: str) -> None:
        source, had_steps = self.session.pattern, _has_steps(self.session.beat.patterns[name])
        self.session.copy_pattern_to(name)
        self.refresh()
        replaced = f" What was on {name} comes back with Undo." if had_steps else ""
        self.tell(f"Pattern {source} was copied onto {name}, and you are now editing {name}.{replaced}", "done")

    def clear_pattern(self) -> None:
        name = self.session.pattern
        if not _has_steps(self.session.current_pattern()):
            self.tell(f"Pattern {name} is already empty.", "notice")
            return
        self.session.clear_pattern()
        self.tell(f"Pattern {name} was cleared. Undo brings it back.", "done")

    def add_to_song(self) -> None:
        if not self.session.add_to_song():
            self.tell("The song is full: it can hold 64 patterns.", "notice")

    def remove_last_from_song(self) -> None:
        if not self.session.remove_last_from_song():
            self.tell("A song needs at least one pattern.", "notice")

    def show_panel(self, name: str) -> None:
        """Show a side panel. The Keys panel takes the drum pads' room too: its pads and its
        choices need it, and the beat plays on underneath."""
        holder = self.ids.panel_holder
        holder.clear_widgets()
        holder.add_widget(self.panels[name])
        pads, row = self.drum_pads, holder.parent
        if name == "keys" and pads.parent is not None:
            row.remove_widget(pads)
        elif name != "keys" and pads.parent is None:
            row.add_widget(pads, index=len(row.children))  # back on the left
        if name == "keys" and not self._keys_introduced:
            self._keys_introduced = True
            self.tell(KEYS_INTRODUCTION, "notice")
        self.panel = name
        for tab_name, tab in self.tabs.items():
            tab.selected = tab_name == name

    # ---- drawing ---------------------------------------------------------------------------------
    def kit_info(self):
        return self.kits.info(self.session.beat.kit)

    def refresh(self, *_):
        if self.session is None:
            return
        session, ids, beat = self.session, self.ids, self.session.beat
        kit = self.kit_info()
        if kit != self._shown_kit:
            self._shown_kit = kit
            ids.pads.show_kit(kit.pads)
            ids.overview.show_kit(kit.pads)
            if kit.problem:
                self.tell(f"The drum kit could not be loaded, so the pads are silent: {kit.problem}", "error")
        pattern, look = session.current_pattern(), kit.pads[session.pad]
        row = pattern.rows[session.pad]
        ids.pads.show_selected(session.pad)
        ids.pads.show_badges(pattern.rows)
        steps = ids.steps
        steps.pad_name, steps.colour = look.name, theme.rgba(look.colour_hex)
        steps.muted, steps.soloed = row.mute, row.solo
        steps.step_count, steps.row_length = pattern.step_count, row.length
        steps.velocities = [step_loudness(row, step) for step in range(pattern.step_count)]
        steps.between = [[(tick - step * TICKS_PER_STEP) / TICKS_PER_STEP for tick in row.hits_in_step(step)
                          if tick != step * TICKS_PER_STEP] for step in range(pattern.step_count)]
        bar = ids.pattern_bar
        bar.pattern = session.pattern
        bar.filled = [name for name, p in beat.patterns.items() if _has_steps(p)]
        ids.overview.show_pattern(pattern, session.pad, steps.playhead_step)
        ids.pad_settings.show(look.name, theme.rgba(look.colour_hex), beat.pads[session.pad])
        shipped = self.kits.shipped()
        names = shipped if beat.kit in shipped else [*shipped, beat.kit]
        ids.kit_chooser.show(beat.kit, [self._kit_entry(name) for name in names], kit.problem)
        song = ids.song_panel
        song.show_mode(session.song_mode)
        song.chain, song.pattern, song.step_count = list(beat.chain), session.pattern, pattern.step_count
        song.row_length, song.pad_name = row.length, look.name
        ids.record_panel.show(session.quantise, session.count_in_bars, session.metronome, session.note_repeat,
                              ids.record_panel.fixed_loudness)
        keys = beat.keys
        ids.keys_panel.show(keys.root, keys.scale, keys.sound, keys.octave, session.key_notes())
        self._show_transport()

    def _kit_entry(self, name: str) -> tuple[str, str, str]:
        info = self.kits.info(name)
        sounds = [pad.name for pad in info.pads if pad.has_sound]
        return name, info.title, info.problem or ", ".join(sounds)

    def _show_transport(self) -> None:
        session = self.session
        what = "song" if session.song_mode else session.pattern
        self.ids.transport.show(session.beat, session.play_requested, what)
        self.ids.transport.show_recording(session.record_requested, self.client.state.counting_in)
        self.ids.pattern_bar.can_undo, self.ids.pattern_bar.can_redo = session.editor.can_undo, session.editor.can_redo

    def show_state(self, state) -> None:
        """The engine's state, about 20 times a second: the playhead, flashing pads, Play/Stop."""
        if self.session is None:
            return
        session, ids = self.session, self.ids
        song_step = state.beat_step if state.beats_playing else -1
        where = session.position(song_step)
        playhead = where[1] if where and where[0] == session.pattern else -1
        if ids.steps.playhead_step != playhead:
            ids.steps.playhead_step = playhead
            ids.overview.show_playhead(playhead)
        ids.pattern_bar.playing_pattern = where[0] if where and session.song_mode else ""
        ids.song_panel.playing_index = self._chain_index(song_step) if session.song_mode else -1
        if song_step >= 0 and song_step != self._last_song_step:
            ids.pads.flash(self._pads_since(self._last_song_step, song_step))
        self._last_song_step = song_step
        self._show_transport()

    def _pads_since(self, last_step: int, step: int) -> set[int]:
        """The pads the sequencer played since the last poll (a few steps at most)."""
        length = self.session.song_length or 1
        passed = (step - last_step) % length if last_step >= 0 else 1
        first = step - min(passed, MAX_FLASHED_STEPS) + 1
        return {pad for s in range(first, step + 1) for pad in self.session.pads_sounding_at(s % length)}

    def _chain_index(self, song_step: int) -> int:
        if song_step < 0:
            return -1
        beat = self.session.beat
        step = song_step % max(1, self.session.song_length)
        for index, name in enumerate(beat.chain):
            step -= beat.patterns[name].step_count
            if step < 0:
                return index
        return -1

    # ---- inside ----------------------------------------------------------------------------------
    def follow_tempo(self, bpm: float) -> None:
        """An outside tempo (a MIDI clock the mentor chose to follow, or Link) sets the beat's
        tempo as the tempo buttons do: one undo step, saved, shown."""
        self.enter()
        self._edit(self.session.editor.set_bpm, min(MAX_BPM, max(MIN_BPM, bpm)))

    def _edit(self, verb, *args) -> None:
        """Run one of the session's verbs (once the beat is loaded)."""
        if self.session is not None:
            self._do(verb, *args)


def _has_steps(pattern) -> bool:
    return any(v > 0 for row in pattern.rows for v in row.velocities)


for _kv in ("beat_grids.kv", "beat_bars.kv", "beat_panels.kv", "beats.kv"):
    Builder.load_file(os.path.join(os.path.dirname(__file__), _kv))
