"""Says plainly that a part of the studio is being built and is not available yet.

Nothing on it looks playable: no fake pads or buttons, just what the part will do, that it
is not ready, and a big way back. Looks: coming_soon.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import ColorProperty, StringProperty
from kivy.uix.screenmanager import Screen

from apps import theme
from apps.catalogue import StudioPart


class ComingSoonScreen(Screen):
    part_title = StringProperty("")
    part_description = StringProperty("")
    icon = StringProperty("")
    fill = ColorProperty(theme.RAISED)

    __events__ = ("on_back",)

    @classmethod
    def for_part(cls, part: StudioPart) -> "ComingSoonScreen":
        return cls(name=part.name, part_title=part.title, part_description=part.description,
                   icon=part.icon, fill=theme.rgba(part.colour_hex))

    def on_back(self):
        """The Back button was tapped."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "coming_soon.kv"))
