"""The bars across the top of the Export screen.

    ExportBar   Back, Songs (the list of songs), the song's name, Performance set, Export
    SongBar     the artist's name, fade in, fade out and how loud the song is made
    ToolBar     Add beat pattern, Add vocal take, Add audio clip; for the selected clip
                Shorter and Longer (beat patterns) and Delete clip; Undo after a delete

They show what they are given and say what was tapped through events; the screen decides.
Looks: export_bars.kv.
"""

from __future__ import annotations

import os

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.export.export_session import TARGETS_LUFS, fade_text
from apps.mic.mic_widgets import keep_in_tree

ARTIST_SAVE_DELAY_S = 0.6  # the artist's name is saved this long after the last key (and on leaving)
TARGET_CHOICES = [(-16.0, "Quiet"), (-14.0, "Normal"), (-9.0, "Loud")]
assert [value for value, _ in TARGET_CHOICES] == list(TARGETS_LUFS)


class ExportStepper(BoxLayout):
    """- value +; on_step(-1 or 1) when one is tapped."""

    value_text = StringProperty("")

    __events__ = ("on_step",)

    def on_step(self, direction: int):
        """- (direction -1) or + (direction 1) was tapped."""


class ExportBar(BoxLayout):
    title = StringProperty("")
    exporting = BooleanProperty(False)

    __events__ = ("on_back", "on_songs", "on_set", "on_export")

    def on_back(self):
        """Back to the launcher."""

    def on_songs(self):
        """Songs: the list of songs (new, open, rename, delete)."""

    def on_set(self):
        """Performance set."""

    def on_export(self):
        """Export the open song."""


class SongBar(BoxLayout):
    fade_in_text = StringProperty("Off")
    fade_out_text = StringProperty("Off")

    __events__ = ("on_artist", "on_fade", "on_target")

    def __init__(self, **kwargs):
        self._showing = False
        self._typed = False
        super().__init__(**kwargs)
        self._save_soon = Clock.create_trigger(lambda _dt: self.save_artist(), ARTIST_SAVE_DELAY_S)

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids.target_choice.choices = [(value, label) for value, label in TARGET_CHOICES]
        ids.target_choice.bind(selected=lambda _row, value: self._chosen(value))
        ids.artist_input.bind(text=lambda *_: self._artist_typed(), focus=self._focus_changed)

    def show(self, artist: str, fade_in_s: float, fade_out_s: float, target_lufs: float) -> None:
        self._showing = True
        self.fade_in_text, self.fade_out_text = fade_text(fade_in_s), fade_text(fade_out_s)
        self.ids.target_choice.selected = target_lufs
        if not self._typed and self.ids.artist_input.text != artist:
            self.ids.artist_input.text = artist
        self._showing = False

    def _artist_typed(self) -> None:
        if not self._showing:
            self._typed = True
            self._save_soon()

    def _focus_changed(self, _input, focused: bool) -> None:
        if not focused:
            self.save_artist()

    def save_artist(self) -> None:
        """Save what was typed now (it is also saved a moment after typing stops)."""
        if self._typed:
            self._typed = False
            self._save_soon.cancel()
            self.dispatch("on_artist", self.ids.artist_input.text)

    def forget_typing(self) -> None:
        """Another song is shown: what was typed (already saved) is not shown over it."""
        self._typed = False
        self._save_soon.cancel()

    def _chosen(self, value) -> None:
        if not self._showing and value is not None:
            self.dispatch("on_target", value)

    def on_artist(self, artist: str):
        """The artist's name was typed."""

    def on_fade(self, which: str, direction: int):
        """which: "fade_in_s" or "fade_out_s"; direction -1 or 1."""

    def on_target(self, target_lufs: float):
        """How loud: -16, -14 or -9 LUFS."""


class ToolBar(BoxLayout):
    clip_text = StringProperty("")  # what the selected clip is; "" when none is
    can_resize = BooleanProperty(False)  # a beat pattern is selected
    can_undo = BooleanProperty(False)

    __events__ = ("on_add", "on_clip", "on_undo")

    def on_kv_post(self, base_widget):
        ids = self.ids
        # Strong references (ids are weak): these are out of the tree while they are not shown.
        self.clip_tools = [ids.shorter_button.__self__, ids.longer_button.__self__, ids.delete_clip_button.__self__]
        self.undo_button = ids.undo_button.__self__
        for name in ("clip_text", "can_resize", "can_undo"):
            self.fbind(name, self._show_tools)
        self._show_tools()

    def _show_tools(self, *_):
        slot = self.ids.tool_slot
        shorter, longer, delete = self.clip_tools
        selected = bool(self.clip_text)
        keep_in_tree(self.undo_button, slot, False)
        for button in (shorter, longer, delete):
            keep_in_tree(button, slot, False)
        for button, shown in ((shorter, selected and self.can_resize), (longer, selected and self.can_resize),
                              (delete, selected), (self.undo_button, self.can_undo)):
            if shown:
                slot.add_widget(button, index=0)

    def on_add(self, what: str):
        """"pattern", "take" or "audio"."""

    def on_clip(self, verb: str):
        """"shorter", "longer" or "delete" for the selected clip."""

    def on_undo(self):
        """Bring back the clip deleted last."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "export_bars.kv"))
