"""The MIDI controllers page of the mentor settings, touched like a finger: MIDI learn (touch a
control, wait for a knob, the learned event ends the wait), Remove, the profile chooser, the sync
switches (sent at once and said through on_sync), no controllers running, rows rebuilt only when
the devices change; and screenshots at 1280x800 and 2048x1536 into test-artifacts/ to look at."""

from __future__ import annotations

import collections
import time
from dataclasses import replace

import pytest

from tests.apps.apps_test_support import check_screenshot, screenshot_in_its_own_process, skip_module_without_display

skip_module_without_display()

from studio.midi.controller_messages import (  # noqa: E402
    ControllerEvent, ControllerStatus, DeviceStatus, SetSync,
)
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui

EQ_KNOB = {"kind": "cc", "channel": 1, "number": 20, "group": "deck1", "control": "eq_low_db", "mode": "absolute"}
PLAY_PAD = {"kind": "note", "channel": 10, "number": 40, "group": "beats", "control": "playing", "mode": "toggle"}
LEARNED_MESSAGE = "Knob 20, channel 1 on MPD218 now controls the low EQ of deck 1 (Low EQ)."


def two_devices() -> ControllerStatus:
    return ControllerStatus(
        available=True, message="2 MIDI controllers plugged in.",
        devices=[DeviceStatus("MPD218", "drum_pads", [dict(EQ_KNOB), dict(PLAY_PAD)]),
                 DeviceStatus("Mixtrack Pro FX", "dj_two_deck", [])])


def _parents(widget):
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
        yield widget


class FakeControllers:
    """The ControllerClient API without a controller process: records every call."""

    def __init__(self, status: ControllerStatus | None = None):
        self.status = status or two_devices()
        self.events: collections.deque[ControllerEvent] = collections.deque(maxlen=64)
        self.sync = SetSync(False, "", False)
        self.calls: list[tuple] = []

    def set_profile(self, device, profile):
        self.calls.append(("set_profile", device, profile))

    def learn(self, group, control):
        self.calls.append(("learn", group, control))

    def cancel_learn(self):
        self.calls.append(("cancel_learn",))

    def forget(self, device, binding):
        self.calls.append(("forget", device, binding))

    def set_sync(self, clock_out, clock_in, link):
        self.sync = SetSync(bool(clock_out), clock_in, bool(link))
        self.calls.append(("set_sync", *self.sync))


class ControllersTouchCase(StudioTouchCase):
    def open_midi_page(self, controllers="fake"):
        """The studio with the settings open on the MIDI controllers page."""
        root = self.make_root()
        self.controllers = FakeControllers() if controllers == "fake" else controllers
        self.screen = root.settings_screen
        self.panel = self.screen.controllers_panel
        self.panel.controllers = self.controllers  # as the root does when the controllers start
        self.synced = []
        self.panel.bind(on_sync=lambda _panel, *sync: self.synced.append(sync))
        self.tap(root.status_bar.ids.settings_button)
        self.tap(self.screen.ids.page_choice.button_for("midi"))
        self.assertEqual(self.screen.page, "midi")
        return self.panel

    def poll(self):
        self.root.poll()  # the root's poll shows the settings screen's state, and so the panel's
        self.advance_frames(2)

    def tap(self, widget, at=None):
        """A finger's tap. In a list that scrolls, Kivy takes a tap while the list still moves as
        "stop scrolling" (not a tap), and hands the tap's release to the button 0.2 s later: wait
        for both, as a finger does."""
        from kivy.uix.scrollview import ScrollView

        scroll = next((parent for parent in _parents(widget) if isinstance(parent, ScrollView)), None)
        if scroll is None:
            return super().tap(widget, at)
        self.wait_for(lambda: all(abs(effect.velocity) < 1e-3 for effect in (scroll.effect_x, scroll.effect_y)),
                      2.0, "the list to stop moving")
        super().tap(widget, at)
        time.sleep(0.25)
        self.advance_frames(2)

    def quiet_banner(self):
        banner = self.root.banner
        banner._waiting.clear()
        banner.hide()
        self.advance_frames(1)

    def tap_in_list(self, scroll, widget):
        """Scroll a list to a widget (as a finger would), then tap it."""
        scroll.scroll_to(widget, padding=20, animate=False)
        self.advance_frames(2)
        self.tap(widget)


class ControllersPanelTest(ControllersTouchCase):
    def test_learning_a_control_waits_for_a_knob_and_the_learned_event_ends_the_wait(self):
        panel = self.open_midi_page()
        self.tap(panel.ids.learn_button)
        self.assertEqual(panel.page, "choose")
        self.tap_in_list(panel.ids.learn_scroll, panel.learn_list.buttons[("deck1", "eq_low_db")])
        self.assertEqual(self.controllers.calls, [("learn", "deck1", "eq_low_db")])
        self.assertEqual(panel.page, "waiting")
        self.assertEqual(panel.ids.waiting_label.text,
                         "Move a knob or hit a pad on your controller for Deck 1: Low EQ")
        self.assertIsNotNone(panel.ids.cancel_waiting_button.parent)
        self.controllers.status = replace(two_devices(), learning=("deck1", "eq_low_db"))
        self.poll()
        self.assertEqual(panel.page, "waiting")  # still waiting for the knob
        panel.take_event(ControllerEvent("learned", LEARNED_MESSAGE, {"device": "MPD218", "binding": EQ_KNOB}))
        self.advance_frames(2)
        self.assertEqual(panel.page, "main")
        self.assertEqual(panel.ids.note_label.text, LEARNED_MESSAGE)
        self.assertIsNotNone(panel.ids.learn_button.parent)

    def test_the_wait_also_ends_when_the_controllers_stop_learning(self):
        panel = self.open_midi_page()
        self.tap(panel.ids.learn_button)
        self.tap_in_list(panel.ids.learn_scroll, panel.learn_list.buttons[("mixer", "crossfader")])
        self.poll()  # the controllers have not said they are learning yet: keep waiting
        self.assertEqual(panel.page, "waiting")
        self.controllers.status = replace(two_devices(), learning=("mixer", "crossfader"))
        self.poll()
        self.controllers.status = two_devices()
        self.poll()
        self.assertEqual(panel.page, "main")

    def test_cancel_stops_learning_and_leaving_the_settings_cancels_too(self):
        panel = self.open_midi_page()
        self.tap(panel.ids.learn_button)
        self.tap(panel.ids.cancel_choose_button)
        self.assertEqual(panel.page, "main")
        self.assertEqual(self.controllers.calls, [])  # nothing was being learned
        self.tap(panel.ids.learn_button)
        self.tap(panel.learn_list.buttons[("beats", "playing")])
        self.tap(panel.ids.cancel_waiting_button)
        self.assertEqual(self.controllers.calls, [("learn", "beats", "playing"), ("cancel_learn",)])
        self.assertEqual(panel.page, "main")
        self.tap(panel.ids.learn_button)
        self.tap(panel.learn_list.buttons[("beats", "recording")])
        self.tap(self.screen.ids.back_button)
        self.assertEqual(self.root.screens.current, "launcher")
        self.assertEqual(self.controllers.calls[-1], ("cancel_learn",))
        self.assertEqual(panel.page, "main")

    def test_remove_forgets_the_learned_control(self):
        panel = self.open_midi_page()
        row = panel.row_for("MPD218")
        self.assertEqual([line.text for line in row.ids.learned_holder.children[::-1]],
                         ["Knob 20, channel 1 → Deck 1: Low EQ",
                          "Note 40, channel 10 → Beats: Play / stop the beat"])
        self.tap(row.remove_buttons[1])
        self.assertEqual(self.controllers.calls, [("forget", "MPD218", PLAY_PAD)])
        self.assertEqual(len(row.ids.learned_holder.children), 1)  # gone at once

    def test_the_profile_chooser_sets_the_profile(self):
        panel = self.open_midi_page()
        row = panel.row_for("MPD218")
        self.assertEqual(row.profile_title, "Drum pads")
        self.tap(row.ids.profile_button)
        self.assertEqual(panel.page, "profile")
        self.assertEqual(panel.profile_question, "How should MPD218 play?")
        self.assertEqual(panel.ids.profile_choice.selected, "drum_pads")
        self.tap(panel.ids.profile_choice.button_for("keyboard"))
        self.assertEqual(self.controllers.calls, [("set_profile", "MPD218", "keyboard")])
        self.assertEqual(panel.page, "main")
        self.assertEqual(row.profile_title, "Keyboard")  # at once: the next status agrees
        self.tap(panel.row_for("Mixtrack Pro FX").ids.profile_button)
        self.tap(panel.ids.cancel_profile_button)
        self.assertEqual(panel.page, "main")
        self.assertEqual(len(self.controllers.calls), 1)

    def test_the_profile_choices_close_when_their_device_is_unplugged(self):
        panel = self.open_midi_page()
        self.tap(panel.row_for("Mixtrack Pro FX").ids.profile_button)
        self.controllers.status = replace(two_devices(), devices=two_devices().devices[:1])
        self.poll()
        self.assertEqual(panel.page, "main")
        self.assertEqual([row.device for row in panel.device_rows], ["MPD218"])

    def test_the_sync_switches_act_at_once_and_say_so(self):
        panel = self.open_midi_page()
        ids = panel.ids
        self.tap(ids.clock_out_switch)
        self.tap(ids.follow_choice.button_for("Mixtrack Pro FX"))
        self.tap(ids.link_switch)
        wanted = [(True, "", False), (True, "Mixtrack Pro FX", False), (True, "Mixtrack Pro FX", True)]
        self.assertEqual(self.controllers.calls, [("set_sync", *sync) for sync in wanted])
        self.assertEqual(self.synced, wanted)
        self.controllers.status = replace(two_devices(), link_peers=2, clock_in_bpm=121.04)
        self.poll()
        self.assertEqual(panel.link_text, "2 other apps found.")
        self.assertEqual(panel.tempo_text, "Following 121.0 BPM from Mixtrack Pro FX.")
        self.tap(ids.link_switch)
        self.assertEqual(self.synced[-1], (True, "Mixtrack Pro FX", False))
        self.assertEqual(panel.link_text, "")

    def test_saved_sync_choices_are_shown_without_sending_them(self):
        panel = self.open_midi_page()
        panel.show_sync(True, "Old Keyboard", True)
        self.advance_frames(1)
        ids = panel.ids
        self.assertTrue(ids.clock_out_switch.active)
        self.assertTrue(ids.link_switch.active)
        self.assertEqual(ids.follow_choice.selected, "Old Keyboard")
        self.assertEqual(ids.follow_choice.button_for("Old Keyboard").text, "Old Keyboard (not plugged in)")
        self.assertEqual((self.controllers.calls, self.synced), ([], []))
        self.tap(ids.follow_choice.button_for(""))
        self.assertEqual(self.synced, [(True, "", True)])

    def test_without_controllers_the_panel_says_they_are_not_running(self):
        panel = self.open_midi_page(controllers=None)
        self.poll()
        self.assertEqual(panel.ids.message_label.text, "MIDI controllers are not running. Touch works as usual.")
        self.assertEqual(panel.device_rows, [])
        self.tap(panel.ids.learn_button)
        self.tap(panel.learn_list.buttons[("beats", "playing")])  # nothing to call: no error
        self.assertEqual(panel.page, "waiting")

    def test_the_status_message_is_shown(self):
        panel = self.open_midi_page()
        message = "MIDI controllers are not available: they need the JACK audio server, which is not running."
        self.controllers.status = ControllerStatus(available=False, message=message)
        self.poll()
        self.assertEqual(panel.ids.message_label.text, message)
        self.assertEqual(panel.device_rows, [])
        self.assertEqual(panel.ids.no_devices.text, "")  # plugging one in would not help
        self.controllers.status = ControllerStatus(available=True, message="Looking for MIDI controllers...")
        self.poll()
        self.assertIn("No MIDI controller is plugged in", panel.ids.no_devices.text)

    def test_rows_are_rebuilt_only_when_the_devices_change(self):
        panel = self.open_midi_page()
        rows = list(panel.device_rows)
        self.assertEqual([row.device for row in rows], ["MPD218", "Mixtrack Pro FX"])
        self.controllers.status = replace(two_devices(), link_peers=1, clock_in_bpm=90.0)
        for _ in range(3):
            self.poll()
        self.assertEqual([id(row) for row in panel.device_rows], [id(row) for row in rows])  # the same widgets
        status = two_devices()
        status.devices.append(DeviceStatus("Keystation 49", "keyboard", []))
        status.devices[1].learned.append(dict(EQ_KNOB, group="deck2", control="fader"))
        self.controllers.status = status
        self.poll()
        self.assertEqual([row.device for row in panel.device_rows], ["MPD218", "Mixtrack Pro FX", "Keystation 49"])
        self.assertNotIn(id(panel.device_rows[0]), [id(row) for row in rows])
        self.assertIsNotNone(panel.ids.follow_choice.button_for("Keystation 49"))
        self.assertEqual(len(panel.row_for("Mixtrack Pro FX").remove_buttons), 1)

    def test_every_button_is_finger_sized(self):
        from kivy.metrics import dp
        from kivy.uix.behaviors import ButtonBehavior

        panel = self.open_midi_page()
        checked = 0
        for page, opens in (("main", None), ("profile", panel.row_for("MPD218").ids.profile_button),
                            ("choose", panel.ids.learn_button),
                            ("waiting", lambda: panel.learn_list.buttons[("beats", "playing")])):
            if opens is not None:
                self.tap(opens() if callable(opens) else opens)
            self.assertEqual(panel.page, page)
            self.advance_frames(2)  # laid out as shown
            buttons = [widget for widget in panel.walk(restrict=True) if isinstance(widget, ButtonBehavior)]
            for button in buttons + self.screen.ids.page_choice.children:
                self.assertGreaterEqual(min(button.size), dp(48), f"{button} is too small for a finger on {page}")
            checked += len(buttons)
            if page == "profile":
                self.tap(panel.ids.cancel_profile_button)
        self.assertGreater(checked, 80)

    def test_the_sound_page_is_back_with_its_tab(self):
        self.open_midi_page()
        self.assertIsNone(self.screen.ids.sound_page.parent)  # out of the tree: nothing on it can be touched
        self.tap(self.screen.ids.page_choice.button_for("sound"))
        self.assertEqual(self.screen.page, "sound")
        self.assertIsNone(self.panel.parent)
        self.assertIsNotNone(self.screen.ids.sound_page.parent)


# --- screenshots --------------------------------------------------------------------------
SIZES = {"2048x1536": ("2", (2048, 1536))}  # 1280x800 at density 1 is the harness's own window


def stage(case, view: str) -> None:
    """The MIDI controllers page with two devices (one with two learned controls), clock out on,
    following the DJ controller, Link on with two apps found; view "main" or "learn" (the list)."""
    case.open_midi_page()
    case.panel.show_sync(True, "Mixtrack Pro FX", True)
    case.controllers.status = replace(two_devices(), link_peers=2, clock_in_bpm=123.96)
    case.poll()
    case.panel.take_event(ControllerEvent("learned", LEARNED_MESSAGE, {}))
    case.quiet_banner()
    if view == "learn":
        case.tap(case.panel.ids.learn_button)
    elif view == "waiting":
        case.tap(case.panel.ids.learn_button)
        case.tap_in_list(case.panel.ids.learn_scroll, case.panel.learn_list.buttons[("deck1", "eq_low_db")])
    elif view == "profile":
        case.tap(case.panel.row_for("Mixtrack Pro FX").ids.profile_button)
    elif view == "sound":
        case.tap(case.screen.ids.page_choice.button_for("sound"))
    case.advance_frames(3)


class ScreenshotStage(ControllersTouchCase):
    """Not a test: the touch case's set-up, used by draw_screenshot in a process of its own."""

    __test__ = False

    def runTest(self):
        pass


def draw_screenshot(path: str, size: str, view: str) -> None:
    case = ScreenshotStage()
    case.setUp()
    case.Window.size = tuple(int(side) for side in size.split("x"))
    case.advance_frames(2)
    stage(case, view)
    case.root.export_to_png(path)


DRAW_SCRIPT = """
import os, sys, tempfile
os.environ.update(KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1",
                  KIVY_HOME=tempfile.mkdtemp(prefix="kivy-home-"))
from tests.apps.test_settings_controllers import draw_screenshot
draw_screenshot(sys.argv[1], sys.argv[2], "{view}")
"""


@pytest.mark.parametrize("view", ["main", "learn"])
@pytest.mark.parametrize("size", SIZES)
def test_the_midi_page_at_tablet_size(size, view, tmp_path):
    density, expected_size = SIZES[size]
    name = "settings-midi" if view == "main" else "settings-midi-learn"
    path = screenshot_in_its_own_process(DRAW_SCRIPT.format(view=view), name, size, density, tmp_path)
    check_screenshot(path, expected_size)


class ControllersScreenshotTest(ControllersTouchCase):
    def test_screenshots(self):
        for view, name in (("main", "settings-midi"), ("learn", "settings-midi-learn"),
                           ("waiting", "settings-midi-waiting"), ("profile", "settings-midi-profile"),
                           ("sound", "settings-sound")):
            stage(self, view)
            check_screenshot(self.save_screenshot(f"{name}-1280x800"), (1280, 800))
            self.root.stop_polling()
            self.Window.remove_widget(self.root)


class TestTheStudioWiresThePanel(StudioTouchCase):
    def test_the_studio_hands_the_panel_its_controllers_and_keeps_the_sync_choices(self):
        from apps.preferences import Preferences, load_preferences

        controllers = FakeControllers()
        root = self.make_root(controllers=controllers,
                              preferences=Preferences(midi_clock_out=True, midi_clock_in="", link=False))
        panel = root.settings_screen.controllers_panel
        self.assertIs(panel.controllers, controllers)
        panel.dispatch("on_sync", False, "MPD218", True)  # as its switches do, after set_sync
        saved, problem = load_preferences()
        self.assertEqual(problem, "")
        self.assertEqual((saved.midi_clock_out, saved.midi_clock_in, saved.link), (False, "MPD218", True))
        controllers.events.append(ControllerEvent("learned", "Knob 7, channel 1 on MPD218 now controls ...", {}))
        root.open_screen("settings")
        root.poll()
        self.assertNotEqual(root.banner.message, "Knob 7, channel 1 on MPD218 now controls ...")  # said in the panel
