"""One deck on the Decks screen (deck 1 on the left, deck 2 mirrored on the right):

    header      the deck's number, the track's title and artist (or "Analysing…"), Load
    info        the tempo as it plays (tap it to fix the beat grid), the key, time played and left
    waveform    the track around the play position; a finger on it scratches
    tempo       at the outer edge: the range (±8 %, ±16 %, ±50 %), the tempo fader, Key lock
    overview    the whole track; a tap goes there
    buttons     Cue (held), Play/Pause, Sync; hot cues 1-4 and delete; loop shorter, Loop, longer,
                Roll (held); jump back and on; Slower and Faster (held: nudge)

It shows what it is given (show, show_position) and says what a finger did through one event,
on_do(verb, *args); the screen decides. Verbs: load, play, cue (held), sync, key_lock, tempo
(-1..1), tempo_range, grid, hot_cue (index), delete_mode, loop, loop_size (-1 / +1),
roll (held), beat_jump (-1 / +1), nudge (-1 / 0 / +1), seek (s), scratch_start (s), scratch (s),
scratch_end. Looks: deck_panel.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps import theme
from apps.decks import deck_buttons  # noqa: F401  (kv classes)
from apps.decks.deck_buttons import HotCuePad
from apps.decks.deck_look import DECK_ACCENTS, HOT_CUE_COLOURS
from apps.decks.decks_session import SHOWN_HOT_CUES
from apps.decks.detail_waveform import DetailWaveform  # noqa: F401
from apps.decks.faders import Fader  # noqa: F401
from apps.decks.overview_waveform import OverviewWaveform  # noqa: F401
from apps.decks.track_sources import minutes_text


def time_texts(position_s: float, duration_s: float) -> tuple[str, str]:
    """("1:02", "-0:18"): time played and time left."""
    if duration_s <= 0:
        return "", ""
    return minutes_text(position_s), "\u2212" + minutes_text(max(0.0, duration_s - position_s))


class DeckPanel(BoxLayout):
    number = NumericProperty(1)
    accent = ColorProperty(theme.PRIMARY)
    title = StringProperty("")
    artist = StringProperty("")
    loading_text = StringProperty("")  # "Analysing “…”…", "Loading 40%"; "" when no track is on its way
    loaded = BooleanProperty(False)
    bpm_text = StringProperty("")
    key_text = StringProperty("")
    played_text = StringProperty("")
    left_text = StringProperty("")
    playing = BooleanProperty(False)
    synced = BooleanProperty(False)
    key_lock = BooleanProperty(True)
    looping = BooleanProperty(False)
    rolling = BooleanProperty(False)
    range_text = StringProperty("\u00b18%")
    tempo_text = StringProperty("0.0%")
    loop_text = StringProperty("Loop 4")
    jump_text = StringProperty("4")
    delete_mode = BooleanProperty(False)

    __events__ = ("on_do",)

    def on_kv_post(self, base_widget):
        ids = self.ids
        self.accent = DECK_ACCENTS.get(self.number, theme.PRIMARY)
        self.pads: list[HotCuePad] = []
        for index in range(1, SHOWN_HOT_CUES + 1):
            pad = HotCuePad(number=index, colour=HOT_CUE_COLOURS[index - 1])
            pad.bind(on_pad=lambda pad: self.dispatch("on_do", "hot_cue", pad.number))
            ids.cue_pads.add_widget(pad, index=1)  # before the delete button
            self.pads.append(pad)
        if self.number == 2:  # mirrored: the tempo fader at the outer edge, on the right
            lower = ids.lower
            lower.remove_widget(ids.tempo_column)
            lower.add_widget(ids.tempo_column)
        detail = ids.detail
        detail.bind(on_scratch_start=lambda _w, s: self.dispatch("on_do", "scratch_start", s),
                    on_scratch=lambda _w, s: self.dispatch("on_do", "scratch", s),
                    on_scratch_end=lambda *_: self.dispatch("on_do", "scratch_end"))
        ids.overview.bind(on_seek=lambda _w, s: self.dispatch("on_do", "seek", s))
        ids.tempo_fader.bind(on_slide=lambda _w, value: self.dispatch("on_do", "tempo", value * 2 - 1))

    def show_cues(self, hot_cues_s: tuple, undo_index: int | None) -> None:
        """Which pads have a cue; the pad whose cue was just deleted offers Undo."""
        for pad in self.pads:
            position_s = hot_cues_s[pad.number - 1] if len(hot_cues_s) >= pad.number else None
            pad.is_set = position_s is not None
            if pad.number == undo_index and not pad.is_set:
                pad.mode = "undo"
            else:
                pad.mode = "delete" if self.delete_mode else "play"

    def show_tempo(self, tempo: float) -> None:
        """The fader at tempo (-1..1), unless a finger is on it."""
        fader = self.ids.tempo_fader
        if not fader.dragging:
            fader.value = (max(-1.0, min(1.0, tempo)) + 1) / 2

    def show_position(self, position_s: float, duration_s: float) -> None:
        """Where the track is (60 times a second): the waveforms and the times."""
        ids = self.ids
        if not ids.detail.scratching:
            ids.detail.position_s = position_s
        ids.overview.position_s = position_s
        self.played_text, self.left_text = time_texts(position_s, duration_s)

    def live_widgets(self) -> list:
        """What changes while the track plays, bottom to top: the waveforms (and the note over
        the scrolling one) and the times. The screen draws them live, over a snapshot of the rest."""
        ids = self.ids
        return [ids.detail, ids.waveform_note, ids.overview, ids.time_label, ids.left_label]

    def on_do(self, verb: str, *args):
        """A finger did something on the deck (see the module's docstring for the verbs)."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "deck_panel.kv"))
