"""Touching the Keys panel on its own: pads play and let go with every finger, the choosers
say what was chosen, and screenshots at tablet sizes go to test-artifacts/."""

import os
import subprocess
import sys

import pytest

from tests.apps.apps_test_support import ARTIFACTS, REPO, png_facts, skip_module_without_display

skip_module_without_display()

from kivy.graphics import Color, Rectangle  # noqa: E402
from kivy.metrics import dp, sp  # noqa: E402
from kivy.uix.anchorlayout import AnchorLayout  # noqa: E402
from kivy.uix.label import Label  # noqa: E402

from apps import theme  # noqa: E402
from apps.beats.keys_panel import NOTE_FILL_HEX, ROOT_FILL_HEX, SCALE_ROWS, KeysPanel  # noqa: E402
from studio.melody.scales import SCALE_NAMES, pad_notes  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui


def on_background(panel, size):
    """The panel with the screen's background colour and margin behind it, as a screen shows it."""
    holder = AnchorLayout(size=size, padding=dp(24))
    with holder.canvas.before:
        Color(*theme.BACKGROUND)
        Rectangle(pos=(0, 0), size=size)
    holder.add_widget(panel)
    return holder


class KeysPanelCase(StudioTouchCase):
    def setUp(self):
        super().setUp()
        self.events = []
        self.panel = KeysPanel()
        self.root = on_background(self.panel, self.Window.size)  # what save_screenshot draws
        self.panel.bind(on_note_down=lambda _panel, pad, velocity: self.events.append(("down", pad, velocity)),
                        on_note_up=lambda _panel, pad: self.events.append(("up", pad)),
                        on_choose=lambda _panel, name, value: self.events.append(("choose", name, value)))
        self.show(0, "major", "keys", 3)
        self.Window.add_widget(self.root)
        self.advance_frames(3)

    def show(self, root, scale, sound, octave):
        self.panel.show(root, scale, sound, octave, pad_notes(root, scale, octave))
        self.advance_frames(1)

    def pad_point(self, pad, fraction_up=0.5, fraction_across=0.5):
        key_pad = self.panel.pads[pad]
        return key_pad.to_window(key_pad.x + key_pad.width * fraction_across, key_pad.y + key_pad.height * fraction_up)

    def press(self, pad, fraction_up=0.5):
        return self.touch_down(at=self.pad_point(pad, fraction_up))

    def lift(self, touch):
        self.touch_up(touch)


class KeysPadsTest(KeysPanelCase):
    def test_pads_go_up_from_the_bottom_left(self):
        pads = self.panel.pads
        assert pads[0].x < pads[1].x < pads[2].x < pads[3].x
        assert pads[0].y < pads[4].y < pads[8].y < pads[12].y
        assert pads[0].x == pads[4].x
        assert [pad.note_text for pad in pads[:8]] == ["C3", "D3", "E3", "F3", "G3", "A3", "B3", "C4"]

    def test_a_touch_plays_its_pad_louder_higher_up_and_lifting_lets_it_go(self):
        touch = self.press(6, fraction_up=0.95)
        assert self.events == [("down", 6, pytest.approx(0.97, abs=0.02))]
        assert self.panel.pads[6].held
        self.lift(touch)
        assert self.events[1:] == [("up", 6)]
        assert not self.panel.pads[6].held
        self.events.clear()
        self.lift(self.press(6, fraction_up=0.05))
        assert self.events == [("down", 6, pytest.approx(0.33, abs=0.02)), ("up", 6)]

    def test_fixed_loudness_plays_every_touch_full(self):
        self.panel.fixed_loudness = True
        self.lift(self.press(2, fraction_up=0.05))
        assert self.events == [("down", 2, 1.0), ("up", 2)]
        assert not self.panel.pads[2].graded

    def test_each_finger_plays_and_lets_go_of_its_own_pad(self):
        first = self.press(0)
        second = self.press(5)
        third = self.press(15)
        assert [event[:2] for event in self.events] == [("down", 0), ("down", 5), ("down", 15)]
        assert [pad.pad for pad in self.panel.pads if pad.held] == [0, 5, 15]
        self.lift(second)
        assert self.events[-1] == ("up", 5)
        assert [pad.pad for pad in self.panel.pads if pad.held] == [0, 15]
        self.lift(third)
        self.lift(first)
        assert self.events[3:] == [("up", 5), ("up", 15), ("up", 0)]

    def test_two_fingers_on_one_pad_let_it_go_when_both_have_lifted(self):
        first = self.press(3)
        second = self.press(3, fraction_up=0.8)  # plays it again
        self.lift(first)
        assert self.events[-1][0] == "down"
        self.lift(second)
        assert [event[:2] for event in self.events] == [("down", 3), ("down", 3), ("up", 3)]

    def test_a_finger_sliding_off_a_pad_lets_it_go_and_plays_nothing_else(self):
        touch = self.press(9)
        for fraction in (0.7, 0.9, 1.2, 1.6):  # across the gap onto pad 10
            x, y = self.pad_point(9, fraction_across=fraction)
            touch.touch_move(x, y)
            self.advance_frames(1)
        assert self.events == [("down", 9, pytest.approx(0.65, abs=0.02)), ("up", 9)]
        self.lift(touch)
        assert len(self.events) == 2
        assert not any(pad.held for pad in self.panel.pads)

    def test_home_pads_are_the_roots_in_the_stronger_colour(self):
        self.show(9, "minor pentatonic", "bass", 2)  # A minor pentatonic from A2
        pads = self.panel.pads
        assert [pad.note_text for pad in pads[:6]] == ["A2", "C3", "D3", "E3", "G3", "A3"]
        assert [pad.pad for pad in pads if pad.home] == [0, 5, 10, 15]
        assert tuple(pads[5].fill) == theme.rgba(ROOT_FILL_HEX)
        assert tuple(pads[6].fill) != theme.rgba(ROOT_FILL_HEX)


class KeysChoicesTest(KeysPanelCase):
    def test_the_choosers_say_what_was_chosen(self):
        ids = self.panel.ids
        self.tap(ids.key_choice.button_for(9))  # A, on the second row of keys
        self.tap(ids.key_choice.button_for(1))  # C#, on the first
        self.tap(ids.scale_choice.button_for("blues"))
        self.tap(ids.scale_choice.button_for("minor pentatonic"))
        self.tap(ids.sound_choice.button_for("bass"))
        assert self.events == [("choose", "root", 9), ("choose", "root", 1), ("choose", "scale", "blues"),
                               ("choose", "scale", "minor pentatonic"), ("choose", "sound", "bass")]
        # One key chosen across both rows: choosing C# let go of A.
        assert ids.key_choice.button_for(1).state == "down"
        assert ids.key_choice.button_for(9).state == "normal"

    def test_the_chosen_value_tapped_again_sends_nothing(self):
        self.tap(self.panel.ids.key_choice.button_for(0))
        self.tap(self.panel.ids.sound_choice.button_for("keys"))
        assert self.events == []

    def test_octave_steps_within_the_sounds_range(self):
        ids = self.panel.ids
        self.tap(ids.octave_up)
        self.tap(ids.octave_down)
        assert self.events == [("choose", "octave", 4), ("choose", "octave", 2)]  # the screen decides: still 3
        self.events.clear()
        self.show(0, "major", "keys", 4)  # the highest for keys
        self.tap(ids.octave_up)
        assert self.events == [] and ids.octave_up.opacity < 1
        self.show(0, "major", "bass", 1)  # the lowest for bass
        self.tap(ids.octave_down)
        assert self.events == [] and ids.octave_down.opacity < 1

    def test_show_draws_the_state_it_is_given(self):
        self.show(6, "blues", "bass", 2)
        ids = self.panel.ids
        assert ids.key_choice.button_for(6).state == "down"
        assert ids.key_choice.button_for(0).state == "normal"
        assert ids.scale_choice.button_for("blues").state == "down"
        assert ids.sound_choice.button_for("bass").state == "down"
        assert self.events == []  # drawing is not choosing

    def test_every_scale_is_offered(self):
        assert sorted(value for row in SCALE_ROWS for value, _ in row) == sorted(SCALE_NAMES)


class KeysLooksTest(KeysPanelCase):
    def test_everything_is_big_enough_for_one_finger_and_easy_to_read(self):
        ids = self.panel.ids
        buttons = [ids.key_choice.button_for(root) for root in range(12)]
        buttons += [ids.scale_choice.button_for(scale) for scale in SCALE_NAMES]
        buttons += [ids.sound_choice.button_for(sound) for sound in ("bass", "keys")]
        buttons += [ids.octave_down, ids.octave_up]
        for widget in buttons:
            assert min(widget.size) >= dp(theme.MIN_TOUCH_DP), widget
        for pad in self.panel.pads:
            assert min(pad.size) >= dp(120)
        for label in self.panel.walk(restrict=True):
            if isinstance(label, Label) and label.text:
                assert label.font_size >= sp(theme.SMALL_SP), label.text
        # Nothing is cut off: every choice's label and tick fit its button, every note its pad,
        # and the choices fit on the screen.
        for button in buttons[:-2]:
            assert button.children[0].width <= button.width, button.text
        for pad in self.panel.pads:
            assert all(label.width <= pad.width - dp(12) for label in pad.children)
        assert ids.octave_box.y >= 0
        assert ids.key_choice.button_for(5).right <= self.panel.right + 1

    def test_note_names_are_readable_on_every_pad_colour(self):
        from tests.apps.test_apps_theme import contrast

        for fill_hex in (ROOT_FILL_HEX, NOTE_FILL_HEX):
            assert contrast("#FFFFFF", fill_hex) >= 4.5

    def test_screenshot_while_playing_a_chord(self):
        self.show(9, "minor pentatonic", "keys", 3)
        touches = [self.press(pad) for pad in (0, 2, 4)]
        path = self.save_screenshot("keys-panel-chord-1280x800")
        for touch in touches:
            self.lift(touch)
        width, height, distinct_values = png_facts(path)
        assert (width, height) == (1280, 800)
        assert distinct_values > 64


SHOT_SCRIPT = """
import sys
from kivy.config import Config
width, height, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
Config.set("graphics", "width", str(width))
Config.set("graphics", "height", str(height))
from kivy.logger import LOG_LEVELS, Logger
Logger.setLevel(LOG_LEVELS["warning"])
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from apps import theme
from apps.beats.keys_panel import KeysPanel
from studio.melody.scales import pad_notes

class ShotApp(App):
    def load_kv(self, filename=None):
        return False  # no kv file of its own (and no source file to look beside, under -c)

    def build(self):
        Window.clearcolor = theme.BACKGROUND
        self.panel = KeysPanel()
        self.panel.show(9, "minor pentatonic", "keys", 3, pad_notes(9, "minor pentatonic", 3))
        self.holder = AnchorLayout(padding=dp(24))
        with self.holder.canvas.before:
            Color(*theme.BACKGROUND)
            Rectangle(pos=(0, 0), size=Window.size)
        self.holder.add_widget(self.panel)
        self.waited = Clock.schedule_interval(self.shoot_when_laid_out, 0.2)
        return self.holder

    def shoot_when_laid_out(self, _dt):
        if self.panel.pads[0].width < 100:  # the first frames are not laid out yet
            return
        self.waited.cancel()
        self.holder.export_to_png(path)
        self.stop()

ShotApp().run()
"""

SIZES = {"1280x800": ("1", (1280, 800)), "2048x1536": ("2", (2048, 1536))}


@pytest.mark.parametrize("size", SIZES)
def test_screenshot_of_the_panel_at_tablet_size(size):
    density, (width, height) = SIZES[size]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"keys-panel-{size}.png"
    path.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), KIVY_METRICS_DENSITY=density)
    env.pop("KIVY_NO_CONSOLELOG", None)  # a failure says why
    result = subprocess.run([sys.executable, "-c", SHOT_SCRIPT, str(width), str(height), str(path)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    assert png_facts(path)[:2] == (width, height)
    assert png_facts(path)[2] > 64, "the screenshot is nearly blank"
