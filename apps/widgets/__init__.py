"""Widgets shared by the screens: status bar, launcher tile, level meter, volume slider,
banner, big buttons and icons. Importing this package registers them all with Kivy and loads
their looks (widgets.kv, status_bar.kv)."""

import os

from kivy.lang import Builder

from apps.widgets.banner import Banner
from apps.widgets.buttons import BigButton, ChoiceButton, ChoiceRow
from apps.widgets.icons import AppIcon
from apps.widgets.level_meter import LevelMeter
from apps.widgets.tile import AppTile
from apps.widgets.status_bar import StatusBar
from apps.widgets.volume_slider import VolumeSlider

Builder.load_file(os.path.join(os.path.dirname(__file__), "widgets.kv"))

__all__ = ["AppIcon", "AppTile", "Banner", "BigButton", "ChoiceButton", "ChoiceRow",
           "LevelMeter", "StatusBar", "VolumeSlider"]
