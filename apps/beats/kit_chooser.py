"""The kit chooser: the kits that come with the studio, by name, as big buttons. The one in
use is marked. Choosing one is an edit of the beat (Undo goes back). Looks: beat_panels.kv."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout


class KitButton(ButtonBehavior, BoxLayout):
    kit = StringProperty("")  # the name the beat uses
    title = StringProperty("")
    detail = StringProperty("")  # its sounds, e.g. "Kick, Snare, Clap, Closed Hat ..."
    chosen = BooleanProperty(False)


class KitChooser(BoxLayout):
    current = StringProperty("")
    problem = StringProperty("")  # why the kit in use could not be read, in plain words

    __events__ = ("on_kit",)

    def show(self, current: str, kits: list[tuple[str, str, str]], problem: str = "") -> None:
        """kits: (name, title, detail) of each kit to offer."""
        self.current, self.problem = current, problem
        holder = self.ids.kit_list
        if [button.kit for button in holder.children[::-1]] != [name for name, _, _ in kits]:
            holder.clear_widgets()
            for name, title, detail in kits:
                button = KitButton(kit=name, title=title, detail=detail)
                button.bind(on_release=lambda button: self.dispatch("on_kit", button.kit))
                holder.add_widget(button)
        for button in holder.children:
            button.chosen = button.kit == current

    def button_for(self, name: str) -> KitButton:
        for button in self.ids.kit_list.children:
            if button.kit == name:
                return button
        raise ValueError(f"no kit button {name!r}")

    def on_kit(self, name: str):
        """Use this kit."""
