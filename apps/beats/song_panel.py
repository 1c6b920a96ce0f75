"""Patterns and the song: how long the pattern being edited is (16 or 32 steps), after how
many steps the selected pad's row loops (fewer makes a polymeter: a 3-step hi-hat against a
4-beat kick), what Play plays (that pattern on its own, or the whole song), and the song's chain of patterns with Add
and Remove last. Looks: beat_panels.kv."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from studio.beats.model import MAX_CHAIN_LENGTH


class ChainChip(Label):
    playing = BooleanProperty(False)
    editing = BooleanProperty(False)  # the pattern being edited


class SongPanel(BoxLayout):
    song_mode = BooleanProperty(False)
    chain = ListProperty([])
    pattern = StringProperty("A")  # the pattern being edited
    playing_index = NumericProperty(-1)  # which place in the chain plays, -1 for none
    full = BooleanProperty(False)
    step_count = NumericProperty(16)  # of the pattern being edited
    row_length = NumericProperty(16)  # of the selected pad's row
    pad_name = StringProperty("")

    __events__ = ("on_choose_song_mode", "on_choose_step_count", "on_change_row_length", "on_add", "on_remove_last")

    def on_kv_post(self, base_widget):
        choice = self.ids.mode_choice
        choice.choices = [(False, "This pattern"), (True, "The whole song")]
        choice.selected = self.song_mode
        choice.bind(selected=lambda _row, value: self._mode_chosen(bool(value)))
        length = self.ids.length_choice
        length.choices = [(16, "16 steps"), (32, "32 steps")]
        length.selected = self.step_count
        length.bind(selected=lambda _row, value: self._length_chosen(value))
        self.fbind("step_count", lambda *_: setattr(length, "selected", self.step_count))
        for name in ("chain", "pattern", "playing_index"):
            self.fbind(name, self._show_chain)
        self._show_chain()

    def _mode_chosen(self, on: bool) -> None:
        if on != self.song_mode:
            self.dispatch("on_choose_song_mode", on)

    def _length_chosen(self, step_count) -> None:
        if step_count is not None and step_count != self.step_count:
            self.dispatch("on_choose_step_count", step_count)

    def on_choose_step_count(self, step_count: int):
        """16 or 32 steps for the pattern being edited."""

    def on_change_row_length(self, delta: int):
        """The selected pad's row loops one step later (+1) or sooner (-1)."""

    def on_choose_song_mode(self, on: bool):
        """Play the song (True) or the pattern being edited (False)."""

    def show_mode(self, on: bool) -> None:
        self.song_mode = on
        self.ids.mode_choice.selected = on

    def _show_chain(self, *_):
        holder = self.ids.chain_chips
        while len(holder.children) < len(self.chain):
            holder.add_widget(ChainChip())
        while len(holder.children) > len(self.chain):
            holder.remove_widget(holder.children[0])
        for index, (chip, name) in enumerate(zip(holder.children[::-1], self.chain)):
            chip.text = name
            chip.playing = index == self.playing_index
            chip.editing = name == self.pattern
        self.full = len(self.chain) >= MAX_CHAIN_LENGTH

    def on_add(self):
        """Add the pattern being edited to the end of the song."""

    def on_remove_last(self):
        """Take the last pattern off the song."""
