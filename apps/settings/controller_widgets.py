"""The pieces of the MIDI controllers panel: an on/off switch, a column of choices, one row per
plugged-in device (its profile and the controls learned on it) and the list of controls that
MIDI learn can put on a device. Looks: controllers_panel.kv.
"""

from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.utils import escape_markup

from apps import theme
from apps.widgets import BigButton, ChoiceRow
from studio.midi.bindings import Binding
from studio.midi.learnable import LEARNABLE, SECTIONS, label_for
from studio.midi.profiles import PROFILES

CHOICE_HEIGHT_DP = 60
LEARN_BUTTON_MIN_WIDTH_DP = 260  # the learn list has as many columns as fit at this width


ARROW = "\u2192"  # not in the app's font (Roboto): drawn in DejaVu Sans, which Kivy ships
ARROW_MARKUP = f"\u00a0\u00a0[font=DejaVuSans]{ARROW}[/font]  "
NO_BREAK = "\u00a0"  # a line that must wrap breaks after the arrow, never inside "Deck 1: Low EQ"


def binding_parts(binding: dict) -> tuple[str, str]:
    """("Knob 20, channel 1", "Deck 1: Low EQ"); a binding that cannot be read is shown as it is."""
    try:
        trigger = Binding.from_dict(binding).trigger.describe()
    except (KeyError, TypeError, ValueError):
        return str(binding), ""
    return trigger, label_for(str(binding["group"]), str(binding["control"]))


def describe_binding(binding: dict) -> str:
    """"Knob 20, channel 1 → Deck 1: Low EQ"."""
    trigger, control = binding_parts(binding)
    return f"{trigger} {ARROW} {control}" if control else trigger


def describe_link_peers(peers: int | None) -> str:
    if peers is None:
        return ""
    if peers == 0:
        return "No other apps found yet."
    return f"{peers} other app{'' if peers == 1 else 's'} found."


class QuietText(Label):
    """A line of muted text that wraps to its width and is as tall as it needs."""


class SectionHeading(Label):
    """A heading over a group of controls."""


class ChoiceColumn(ChoiceRow):
    """A ChoiceRow standing up: one full-width button per choice, one above the other."""

    def _rebuild(self, *_):
        super()._rebuild()
        for button in self.children:
            button.size_hint_y = None
            button.height = dp(CHOICE_HEIGHT_DP)
            label = button.children[0].children[0]  # (ChoiceButton: a box of the tick, then the text)
            label.shorten, label.halign = True, "center"  # a long device name ends in "..."
            button.fbind("width", self._fit_label, label)
            self._fit_label(label, button, button.width)

    @staticmethod
    def _fit_label(label, button, width):
        """Its own width when it fits (the tick stays next to the text), else cut to the button's."""
        room = max(dp(40), width - dp(70))
        label.text_size = (None, None)
        label.texture_update()
        if label.texture_size[0] > room:
            label.text_size = (room, None)


class LearnedLine(BoxLayout):
    """One learned control on a device: what it is, and a Remove button."""

    text = StringProperty("")  # "Knob 20, channel 1 → Deck 1: Low EQ"
    markup_text = StringProperty("")  # the same, with the arrow in a font that has it

    @staticmethod
    def for_binding(binding: dict) -> LearnedLine:
        trigger, control = binding_parts(binding)
        trigger, control = (escape_markup(part).replace(" ", NO_BREAK) for part in (trigger, control))
        markup = trigger + (ARROW_MARKUP + control if control else "")
        return LearnedLine(text=describe_binding(binding), markup_text=markup)


class DeviceRow(BoxLayout):
    """A plugged-in device: its name, which profile it plays as (Change opens the choices) and
    the controls learned on it, each with Remove."""

    device = StringProperty("")
    profile = StringProperty("")
    profile_title = StringProperty("")
    learned = ListProperty([])

    __events__ = ("on_change_profile", "on_forget")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fbind("profile", self._show_profile)
        self.remove_buttons: list[BigButton] = []
        self._show_profile()
        self._build_learned()

    def _show_profile(self, *_):
        self.profile_title = PROFILES.get(self.profile, self.profile)

    def _build_learned(self):
        holder = self.ids.learned_holder
        holder.clear_widgets()
        self.remove_buttons = []
        if not self.learned:
            holder.add_widget(QuietText(text="No controls learned on this device yet."))
            return
        for binding in self.learned:
            line = LearnedLine.for_binding(binding)
            button = line.ids.remove_button
            button.binding = binding
            button.bind(on_release=lambda button, line=line: self._forget(line, button.binding))
            self.remove_buttons.append(button)
            holder.add_widget(line)

    def _forget(self, line: LearnedLine, binding: dict) -> None:
        self.ids.learned_holder.remove_widget(line)  # gone at once; the next status agrees
        self.dispatch("on_forget", binding)

    def on_change_profile(self):
        """Change was tapped: offer the profiles."""

    def on_forget(self, binding: dict):
        """Remove was tapped on a learned control."""


class LearnList(BoxLayout):
    """Every control MIDI learn can put on a device, under its section's heading, as big buttons
    in as many columns as fit. Touching one says on_choose(group, control)."""

    columns = NumericProperty(3)

    __events__ = ("on_choose",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.buttons: dict[tuple[str, str], BigButton] = {}
        self._grids: list[GridLayout] = []
        for section in SECTIONS:
            self.add_widget(SectionHeading(text=section))
            grid = GridLayout(cols=self.columns, spacing=dp(10), size_hint_y=None, row_force_default=True,
                              row_default_height=dp(theme.BUTTON_DP))
            grid.bind(minimum_height=grid.setter("height"))
            for item in LEARNABLE:
                if item.section != section:
                    continue
                button = BigButton(text=item.label, font_size=theme.BODY_SP)
                button.bind(on_release=lambda _button, item=item: self.dispatch("on_choose", item.group,
                                                                                 item.control))
                self.buttons[(item.group, item.control)] = button
                grid.add_widget(button)
            self._grids.append(grid)
            self.add_widget(grid)
        self.fbind("width", self._fit_columns)
        self.fbind("columns", self._set_columns)

    def _fit_columns(self, *_):
        self.columns = max(2, int(self.width // dp(LEARN_BUTTON_MIN_WIDTH_DP)))

    def _set_columns(self, *_):
        for grid in self._grids:
            grid.cols = self.columns

    def on_choose(self, group: str, control: str):
        """A control was touched: learn it."""


__all__ = ["ChoiceColumn", "DeviceRow", "LearnList", "LearnedLine", "QuietText", "SectionHeading",
           
           "describe_binding", "describe_link_peers"]
