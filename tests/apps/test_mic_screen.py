"""Touching the Mic screen: Record and Stop, what plays along and the count-in, the input
panel (gain, hear myself, effects), the meter and its hint, and the takes (saved, played,
starred, renamed, deleted and brought back), with the lyric pad's words going with the next take.

MicTouchCase (no tests of its own) is also used by test_mic_screenshots.py."""

import json
import os
import tempfile
from dataclasses import asdict
from datetime import datetime, timedelta

import numpy as np
import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps import theme  # noqa: E402
from apps.mic.mic_screen import MicScreen  # noqa: E402
from apps.mic.takes_list import take_detail, when_text  # noqa: E402
from studio.engine.messages import EngineEvent  # noqa: E402
from studio.mic.takes import TakeStore  # noqa: E402
from studio.mic.wav_stream import WavStreamWriter  # noqa: E402
from tests.apps.apps_test_support import FakeEngineClient  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui
TAKE_RATE = 8000  # small files: the screen only reads their length


def make_take(store: TakeStore, seconds: float = 1.0, created: datetime | None = None, **details):
    """A finished take in the store, as the engine leaves one: its WAV and its details."""
    info, path = store.new_take(TAKE_RATE, 1, **details)
    with WavStreamWriter(path, TAKE_RATE) as wav:
        wav.append(np.zeros(int(seconds * TAKE_RATE), dtype=np.float32))
    info = store.finish(info, int(seconds * TAKE_RATE))
    if created is not None:  # as if recorded then
        details_path = store.folder / f"{info.take_id}.json"
        data = json.loads(details_path.read_text(encoding="utf-8"))
        data["created"] = created.astimezone().isoformat(timespec="seconds")
        details_path.write_text(json.dumps(data), encoding="utf-8")
    return next(take for take in store.list() if take.take_id == info.take_id)


def saved_event(take) -> EngineEvent:
    return EngineEvent("take_saved", f"{take.name} was saved ({take.length_s:.1f} s).", {"take": asdict(take)})


def mic_screen_in(root) -> tuple[MicScreen, bool]:
    """The root's Mic screen and True once the root builds it; until then, one put in as the root
    will (wired to its banner and Back) and False: the caller opens it and hands it state."""
    screen = getattr(root, "mic_screen", None)
    if isinstance(screen, MicScreen):
        return screen, True
    screen = MicScreen(root.client, name="mic")
    root.screens.remove_widget(root.screens.get_screen("mic"))
    root.screens.add_widget(screen)
    screen.bind(on_message=lambda _screen, message, kind: root.banner.show(message, kind),
                on_back=lambda *_: (screen.leave(), root.open_screen("launcher")))
    return screen, False


def open_mic_screen(root) -> tuple[MicScreen, bool]:
    screen, integrated = mic_screen_in(root)
    root.open_screen("mic", animate=False)
    if not integrated:
        screen.enter()
    return screen, integrated


class MicTouchCase(StudioTouchCase):
    """The studio with the Mic screen open; takes are kept in a temporary folder of each test's own."""

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="ward-studio-data-")
        os.environ["WARD_STUDIO_DATA_DIR"] = self.data_dir  # takes and the lyric pad's draft
        super().setUp()
        self.store = TakeStore()  # the app's own folder for takes, under WARD_STUDIO_DATA_DIR
        self.store.check_folder()

    def open_mic(self, client=None):
        root = self.make_root(client=client if client is not None else FakeEngineClient())
        screen, self.integrated = open_mic_screen(root)
        self.advance_frames(2)
        self.screen, self.ids = screen, screen.ids
        return screen

    def poll(self):
        """The root's poll: the engine's state and events reach the screen."""
        if self.integrated:
            self.root.poll()
        else:
            events = self.client.drain_events()
            self.screen.show_state(self.client.state)
            self.screen.take_events(events)
            for event in events:
                self.root.show_event(event)
        self.advance_frames(1)

    def report(self, *events):
        self.client.events.extend(events)
        self.poll()

    @property
    def session(self):
        return self.screen.session

    def row(self, take):
        return self.ids.takes_list.rows[take.take_id]

    def shown_take_ids(self):
        return [row.take_id for row in reversed(self.ids.takes_list.ids.rows.children)]

    def banner_says(self, words: str) -> bool:
        banner = self.root.banner
        return words in banner.message or any(words in message for message, _ in banner._waiting)


class RecordingTest(MicTouchCase):
    def test_record_counts_in_records_and_stops(self):
        self.open_mic()
        bar, state = self.ids.bar, self.client.state
        self.assertEqual(bar.record_text, "Record")
        self.tap(bar.ids.record_button)
        self.assertEqual(self.client.sent("mic", "recording"), [1.0])
        state.counting_in = True
        self.poll()
        self.assertEqual(bar.record_text, "Count-in")
        self.assertEqual(bar.record_subtext, "Tap to stop")
        state.counting_in, state.take_recording, state.take_seconds = False, True, 12.4
        self.poll()
        self.assertEqual(bar.record_text, "Recording 0:12")
        self.tap(bar.ids.record_button)
        self.assertEqual(self.client.sent("mic", "recording"), [1.0, 0.0])
        self.assertEqual(bar.record_text, "Record")

    def test_while_recording_the_choosers_and_play_wait(self):
        take = make_take(self.store)
        self.open_mic()
        self.tap(self.ids.bar.ids.record_button)
        self.tap(self.ids.bar.ids.backing_choice.button_for("none"))
        self.assertEqual(self.client.sent("mic", "backing"), [])
        self.tap(self.row(take).ids.play_button)
        self.assertEqual(self.client.takes_played, [])
        self.tap(self.ids.bar.ids.record_button)
        self.tap(self.row(take).ids.play_button)
        self.assertEqual(len(self.client.takes_played), 1)

    def test_leaving_stops_recording_and_playback(self):
        take = make_take(self.store)
        self.open_mic()
        self.tap(self.row(take).ids.play_button)
        self.tap(self.ids.bar.ids.record_button)  # recording stops the playback first
        self.assertEqual(self.client.takes_played[-1], None)
        self.tap(self.ids.back_button)
        self.assertEqual(self.client.sent("mic", "recording"), [1.0, 0.0])
        self.assertEqual(self.root.screens.current, "launcher")


class ChoicesTest(MicTouchCase):
    def test_play_along_and_count_in_reach_the_engine(self):
        self.open_mic()
        ids = self.ids.bar.ids
        self.tap(ids.backing_choice.button_for("metronome"))
        self.tap(ids.count_in_choice.button_for(2))
        self.assertEqual(self.client.sent("mic", "backing"), [1.0])
        self.assertEqual(self.client.sent("beats", "count_in_bars"), [2.0])
        self.tap(ids.backing_choice.button_for("none"))
        self.assertEqual(self.client.sent("mic", "backing"), [1.0, 0.0])
        self.assertFalse(self.ids.bar.has_backing)  # nothing plays along: no clicks to count in
        self.tap(ids.count_in_choice.button_for(1))
        self.assertEqual(self.client.sent("beats", "count_in_bars"), [2.0])

    def test_gain_hear_myself_and_effects(self):
        self.open_mic()
        panel = self.ids.input_panel
        gain = panel.ids.gain
        self.tap(gain.ids.plus_button)
        self.tap(gain.ids.plus_button)
        self.tap(gain.ids.minus_button)
        self.assertEqual(self.client.sent("mic", "gain_db"), [3.0, 6.0, 3.0])
        self.assertEqual(gain.value_text, "+3 dB")
        level = panel.ids.monitor_level
        self.tap(level.ids.plus_button)  # waits for Hear myself
        self.assertEqual(self.client.sent("mic", "monitor_db"), [])
        self.tap(panel.ids.monitor_switch)
        self.assertEqual(self.client.sent("mic", "monitor"), [1.0])
        self.assertTrue(self.banner_says("headphones"))
        self.tap(level.ids.minus_button)
        self.assertEqual(self.client.sent("mic", "monitor_db"), [-9.0])
        self.assertEqual(level.value_text, "-9 dB")
        self.assertEqual(list(panel.effect_switches), list(self.session.effects))
        for name in ("gate", "radio", "echo", "reverb"):
            self.tap(panel.effect_switches[name])
            self.assertEqual(self.client.sent("mic", name), [1.0])
        self.tap(panel.effect_switches["echo"])
        self.assertEqual(self.client.sent("mic", "echo"), [1.0, 0.0])
        self.assertEqual({name: on for name, on in self.session.effects.items() if on},
                         {"gate": True, "radio": True, "reverb": True})
        self.assertEqual([panel.effect_switches[name].text for name in ("gate", "radio", "echo", "reverb")],
                         ["Clean up noise", "Radio", "Echo", "Reverb"])

    def test_the_meter_and_its_hint_follow_the_engine(self):
        self.open_mic()
        panel, meter, state = self.ids.input_panel, self.ids.input_panel.ids.meter, self.client.state
        state.take_recording, state.take_seconds, state.mic_level_db = True, 5.0, -50.0
        self.poll()
        self.assertAlmostEqual(meter.level_db, -50.0)
        self.assertTrue(panel.hint.startswith("A bit quiet"))
        self.assertEqual(tuple(panel.hint_colour), theme.TEXT)
        state.mic_level_db = -18.0
        self.poll()
        self.assertAlmostEqual(meter.level_db, -18.0)
        self.assertEqual(panel.hint, "Sing or speak: the bar shows how loud you are.")  # nothing to fix
        self.assertEqual(tuple(panel.hint_colour), theme.MUTED_TEXT)
        state.mic_level_db, state.mic_too_loud = -0.5, True
        self.poll()
        self.assertAlmostEqual(meter.level_db, -0.5)
        self.assertTrue(meter.too_loud)
        self.assertTrue(panel.hint.startswith("Too loud: turn the gain down"))
        self.assertEqual(tuple(panel.hint_colour), theme.WARN)
        state.mic_level_db, state.mic_too_loud = -30.0, False
        self.poll()
        self.assertFalse(meter.too_loud)
        self.assertGreater(meter.level_db, -30.0)  # falls back slowly, so a shout stays visible a moment


class TakesTest(MicTouchCase):
    def test_a_saved_take_joins_the_list_newest_first(self):
        first = make_take(self.store, 42)
        self.open_mic()
        self.assertEqual(self.shown_take_ids(), [first.take_id])
        second = make_take(self.store, 3)
        self.report(saved_event(second))
        self.assertEqual(self.shown_take_ids(), [second.take_id, first.take_id])
        self.assertEqual(self.row(second).name, "Take 2")
        self.assertTrue(self.row(first).detail.startswith("0:42 \u00b7 Today "))
        self.assertTrue(self.banner_says("Take 2 was saved"))

    def test_a_take_recovered_after_a_stop_is_listed_and_said(self):
        self.open_mic()
        take = make_take(self.store, 134)
        message = "A take that was being recorded when the app stopped was saved: Take 1 (2:14)"
        self.report(EngineEvent("notice", "Something else"),
                    EngineEvent("take_recovered", message, {"takes": [asdict(take)]}))
        self.assertEqual(self.shown_take_ids(), [take.take_id])
        self.assertTrue(self.banner_says(message))

    def test_an_empty_list_says_what_to_do(self):
        self.open_mic()
        self.assertEqual(self.ids.takes_list.ids.empty_note.opacity, 1)
        self.report(saved_event(make_take(self.store)))
        self.assertEqual(self.ids.takes_list.ids.empty_note.opacity, 0)

    def test_play_and_stop_a_take_with_what_played_along(self):
        take = make_take(self.store, backing="beat", bpm=92.0, align_frames=480)
        self.open_mic()
        row = self.row(take)
        self.tap(row.ids.play_button)
        self.assertEqual(self.client.takes_played, [(str(self.store.wav_path(take.take_id)), 480, "beat")])
        self.assertTrue(row.playing)
        self.tap(row.ids.play_button)
        self.assertEqual(self.client.takes_played[-1], None)
        self.assertFalse(row.playing)
        self.tap(row.ids.play_button)
        self.poll()  # the engine says it plays it
        self.assertTrue(row.playing)
        self.client.state.take_playing = ""  # it played to its end
        self.poll()
        self.assertFalse(row.playing)

    def test_delete_asks_nothing_and_undo_brings_it_back(self):
        first, second = make_take(self.store), make_take(self.store)
        self.open_mic()
        takes = self.ids.takes_list
        self.assertEqual(takes.undo_text, "")
        self.tap(self.row(second).ids.delete_button)
        self.assertEqual(self.shown_take_ids(), [first.take_id])
        self.assertTrue(self.banner_says("Take 2 was deleted. Undo brings it back."))
        self.assertEqual(takes.undo_text, "Bring back Take 2")
        self.tap(self.row(first).ids.delete_button)
        self.assertEqual(takes.undo_text, "Bring back Take 1")
        self.tap(takes.ids.undo_button)
        self.assertEqual(self.shown_take_ids(), [first.take_id])
        self.assertEqual(takes.undo_text, "Bring back Take 2")
        self.tap(takes.ids.undo_button)
        self.assertEqual(self.shown_take_ids(), [second.take_id, first.take_id])
        self.assertEqual(takes.undo_text, "")
        self.assertIsNone(takes.undo_button.parent)  # out of the tree: nothing to bring back

    def test_the_star_marks_one_best_take(self):
        first, second = make_take(self.store), make_take(self.store)
        self.open_mic()
        self.tap(self.row(first).ids.star_button)
        self.assertEqual([take.best for take in self.store.list()], [False, True])
        self.assertTrue(self.row(first).best)
        self.assertEqual(self.row(first).ids.best_label.text, "Best take")
        self.assertEqual(self.row(second).ids.best_label.text, "")
        self.tap(self.row(second).ids.star_button)
        self.assertEqual([take.best for take in self.store.list()], [True, False])
        self.tap(self.row(second).ids.star_button)  # again: no best take
        self.assertEqual([take.best for take in self.store.list()], [False, False])

    def test_rename_the_selected_take_in_a_big_field(self):
        take = make_take(self.store)
        self.open_mic()
        takes = self.ids.takes_list
        self.assertIsNone(takes.rename_button.parent)  # nothing selected: nothing to rename
        self.tap(self.row(take))
        self.assertEqual(self.session.selected_take_id, take.take_id)
        self.tap(takes.ids.rename_button)
        self.assertTrue(takes.renaming)
        self.assertEqual(takes.ids.name_input.text, "Take 1")
        takes.ids.name_input.text = "   "
        self.tap(takes.ids.save_name_button)
        self.assertEqual(self.store.list()[0].name, "Take 1")
        self.assertTrue(self.banner_says("A take needs a name"))
        self.tap(takes.ids.rename_button)
        takes.ids.name_input.text = "First verse"
        self.tap(takes.ids.save_name_button)
        self.assertFalse(takes.renaming)
        self.assertEqual(self.store.list()[0].name, "First verse")
        self.assertEqual(self.row(take).name, "First verse")
        self.tap(takes.ids.rename_button)
        takes.ids.name_input.text = "Not this"
        self.tap(takes.ids.cancel_name_button)
        self.assertEqual(self.store.list()[0].name, "First verse")


class LyricPadTest(MicTouchCase):
    def test_words_typed_are_saved_with_the_next_take(self):
        self.open_mic()
        pad = self.ids.lyric_pad
        field = pad.ids.words_input
        self.assertEqual(field.hint_text, "Write your words here. They are saved with your next take.")
        self.tap(field)
        field.insert_text("I woke up early\nand the sun came through")
        self.advance_frames(1)
        self.tap(self.ids.bar.ids.record_button)
        take = make_take(self.store, 5)  # what the engine records meanwhile
        self.report(saved_event(take))
        self.assertEqual(self.store.list()[0].lyrics, "I woke up early\nand the sun came through")
        self.assertEqual(field.text, "")  # the pad is fresh for the next take
        self.assertTrue(self.banner_says("Your words were saved with it"))
        self.tap(self.row(take))
        self.assertEqual(field.text, "I woke up early\nand the sun came through")
        self.assertEqual(pad.title, "Words: Take 1")
        self.assertEqual(self.row(take).selected, True)
        self.tap(pad.ids.next_take_button)
        self.assertIsNone(self.session.selected_take_id)
        self.assertEqual(field.text, "")
        self.assertEqual(pad.title, "Words for your next take")

    def test_a_selected_takes_words_can_be_changed(self):
        take = make_take(self.store, lyrics="la la la")
        other = make_take(self.store)
        self.open_mic()
        field = self.ids.lyric_pad.ids.words_input
        self.tap(self.row(take))
        self.assertEqual(field.text, "la la la")
        field.text = "la la la, oh"
        self.tap(self.row(other))  # what was typed is saved before another take is shown
        self.assertEqual(field.text, "")
        self.assertEqual(self.ids.lyric_pad.hint, "Take 2 has no words yet. Write them here.")
        self.assertEqual(next(t for t in self.store.list() if t.take_id == take.take_id).lyrics, "la la la, oh")
        self.tap(self.row(other))  # tapped again: let go
        self.assertIsNone(self.session.selected_take_id)

    def test_words_are_saved_a_moment_after_typing_stops(self):
        self.open_mic()
        field = self.ids.lyric_pad.ids.words_input
        field.text = "Hello"
        self.wait_for(lambda: self.session.lyrics == "Hello", timeout_s=3, what="the words to be saved")
        again = MicScreen(FakeEngineClient(), name="mic-again")  # as after the app restarts
        self.assertEqual(again.ids.lyric_pad.words, "Hello")


def test_when_a_take_was_recorded_in_plain_words():
    now = datetime(2026, 3, 12, 15, 0).astimezone()
    assert when_text((now - timedelta(minutes=28)).isoformat(), now) == "Today 14:32"
    assert when_text((now - timedelta(days=1)).replace(hour=9, minute=5).isoformat(), now) == "Yesterday 09:05"
    assert when_text((now - timedelta(days=3)).isoformat(), now) == "Monday 15:00"
    assert when_text(now.replace(month=1, day=3).isoformat(), now) == "3 January 15:00"
    assert when_text(now.replace(year=2025).isoformat(), now) == "12 March 2025"
    assert when_text("not a date", now) == ""


def test_a_takes_detail_line(tmp_path):
    store = TakeStore(tmp_path / "takes")
    take = make_take(store, 65)
    assert take_detail(take).startswith("1:05 \u00b7 Today ")
