"""A launcher tile: a big coloured card with an icon, a name and one plain line. Looks: widgets.kv."""

from __future__ import annotations

from kivy.properties import ColorProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout


class AppTile(ButtonBehavior, BoxLayout):
    name = StringProperty("")  # the screen it opens
    title = StringProperty("")
    description = StringProperty("")
    icon = StringProperty("")
    badge = StringProperty("")  # e.g. "Coming soon"; "" for none
    fill = ColorProperty((0.3, 0.3, 0.3, 1))
