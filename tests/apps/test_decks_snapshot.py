"""The SnapshotLayout the Decks screen's panels are drawn in: it shows what drawing its children
directly would (outlines reaching just outside it included), draws them again only when
something in them changed, and draws live widgets over the snapshot without redrawing it."""

import numpy as np
import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402
from tests.apps.apps_test_support import png_pixels  # noqa: E402

pytestmark = pytest.mark.ui


class SnapshotLayoutTest(StudioTouchCase):
    def setUp(self):
        super().setUp()
        from kivy.graphics import Color, Rectangle
        from kivy.uix.widget import Widget

        from apps import theme

        self.holder = Widget(size=self.Window.size)  # the window's size, at (0, 0)
        with self.holder.canvas.before:  # the studio's background, which a snapshot is cleared to
            Color(*theme.BACKGROUND)
            Rectangle(size=self.Window.size)
        self.Window.add_widget(self.holder)

    def panel(self, layout_class, x: float):
        """A panel with an outline reaching past its edges, a button, a knob and a meter."""
        from kivy.graphics import Color, Line
        from kivy.uix.boxlayout import BoxLayout

        from apps import theme
        from apps.decks.faders import ChannelMeter
        from apps.decks.knob import Knob
        from apps.widgets import BigButton

        layout = layout_class(pos=(x, 100.5), size=(300, 200), size_hint=(None, None))
        panel = BoxLayout(padding=10, spacing=10)
        with panel.canvas.before:
            Color(*theme.PRIMARY[:3], 0.55)
            line = Line(width=1.5)
        panel.bind(pos=lambda *_: setattr(line, "rounded_rectangle", (*panel.pos, *panel.size, 18)),
                   size=lambda *_: setattr(line, "rounded_rectangle", (*panel.pos, *panel.size, 18)))
        panel.button = BigButton(text="Sync")
        panel.knob = Knob(position=0.8)
        panel.meter = ChannelMeter(size_hint_x=None, width=12)
        for child in (panel.button, panel.knob, panel.meter):
            panel.add_widget(child)
        layout.add_widget(panel)
        self.holder.add_widget(layout)
        return layout, panel

    def test_it_shows_what_drawing_the_children_directly_would_and_redraws_only_on_a_change(self):
        from kivy.uix.boxlayout import BoxLayout

        from apps.decks.snapshot_layout import SnapshotLayout

        self.panel(BoxLayout, 100.25)
        snapshot, panel = self.panel(SnapshotLayout, 600.25)
        self.advance_frames(3)
        path = self.export_holder("snapshot-and-direct")
        pixels = png_pixels(path)[:, :, :3].astype(int)
        height = pixels.shape[0]
        # The same 320 x 220 pixels around each (the outline reaches 1.5 pixels outside).
        area = (slice(height - 100 - 210, height - 100 + 10), slice(90, 410))
        shifted = (area[0], slice(590, 910))
        different = (np.abs(pixels[area] - pixels[shifted]).max(axis=2) > 8).mean()
        assert different < 0.005, f"{different:.1%} of the pixels differ"

        redraws = snapshot.redraws
        self.advance_frames(3)
        self.assertEqual(snapshot.redraws, redraws)  # nothing changed: not drawn again
        panel.knob.position = 0.3
        self.advance_frames(2)
        self.assertEqual(snapshot.redraws, redraws + 1)

    def test_a_live_widget_draws_over_the_snapshot_without_redrawing_it(self):
        from apps.decks.snapshot_layout import SnapshotLayout
        from apps.widgets.level_meter import ZONES_DB

        snapshot, panel = self.panel(SnapshotLayout, 100)
        snapshot.draw_live(panel.meter)
        self.advance_frames(3)
        redraws = snapshot.redraws
        panel.meter.level_db = -3.0
        self.advance_frames(2)
        self.assertEqual(snapshot.redraws, redraws)
        pixels = png_pixels(self.export_holder("snapshot-live-meter"))
        meter = panel.meter
        green = tuple(round(channel * 255) for channel in ZONES_DB[0][1][:3])
        y = self.Window.height - 1 - int(meter.y + 5)
        self.assertEqual(tuple(pixels[y, int(meter.center_x), :3]), green)
        with self.assertRaisesRegex(ValueError, "is not drawn by its parent"):
            snapshot.draw_live(panel.meter)  # already drawn live

    def export_holder(self, name: str):
        """What the panels' holder draws, as test-artifacts/<name>.png (through an Fbo, as
        export_to_png does)."""
        from tests.apps.apps_test_support import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.holder.export_to_png(str(path))
        return path
