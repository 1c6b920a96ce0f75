"""The Mic screen: patients sing, rap or talk over a beat, and keep the takes.

    top bar       Back, Record/Stop (Count-in, Recording 0:12), Play along with: Beat / Click /
                  Nothing, Clicks before you start: None / 1 bar / 2 bars
    input panel   a big level meter, a plain hint under it (too loud, a bit quiet), Gain - +,
                  Hear myself with its loudness - +, and four effects
    lyric pad     the words for the next take (saved with it), or the selected take's words
    takes         newest first: Play/Stop with what played along, a star for the best take,
                  Delete (Undo brings it back), Rename for the selected take

What the screen shows lives in MicSession (no kivy): controls, recording, takes and words. This
module turns taps into its verbs and draws what it holds. The root calls enter() and leave()
when the screen is opened and left, show_state() about 20 times a second while it shows, and
take_events() with the engine's take_saved and take_recovered events whenever they come. Looks:
mic_screen.kv (the layout and the lyric pad); mic_bar.kv, input_panel.kv, takes_list.kv and
mic_widgets.kv (the parts).
"""

from __future__ import annotations

import os

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty

from apps.mic.input_panel import InputPanel  # noqa: F401  (kv classes)
from apps.mic.mic_bar import MicBar  # noqa: F401
from apps.mic.mic_session import MicSession
from apps.mic.mic_widgets import MicCard, keep_in_tree
from apps.mic.take_editor import TakeEditor
from apps.mic.takes_list import TakesList  # noqa: F401
from apps.part_screen import PartScreen

TAKE_EVENTS = ("take_saved", "take_recovered")
WORDS_SAVE_DELAY_S = 0.6  # typed words are saved this long after the last key (and before anything else)
NEXT_TAKE_HINT = "Write your words here. They are saved with your next take."


class LyricPad(MicCard):
    title = StringProperty("Words for your next take")
    hint = StringProperty(NEXT_TAKE_HINT)
    showing_take = BooleanProperty(False)  # a take is selected: these are its words

    __events__ = ("on_words", "on_next_take", "on_shape")

    def on_kv_post(self, base_widget):
        self._showing = False
        field = self.ids.words_input
        field.bind(text=lambda _input, text: self._typed(text))
        # Kivy's TextInput can keep the line breaks of the width it had when its text was set
        # (one word a line after the first layout): wrap again whenever the width changes.
        field.bind(width=lambda *_: field._trigger_refresh_text())
        # out of the tree while no take is selected
        self.take_buttons = [self.ids.shape_button.__self__, self.ids.next_take_button.__self__]
        self.fbind("showing_take", self._show_button)
        self._show_button()

    def _show_button(self, *_):
        for index, button in enumerate(self.take_buttons):
            keep_in_tree(button, self.ids.next_take_slot, self.showing_take, index=index)

    def show(self, title: str, hint: str, words: str, showing_take: bool) -> None:
        self.title, self.hint, self.showing_take = title, hint, showing_take
        field = self.ids.words_input
        if field.text != words:
            self._showing = True  # what is shown was not typed
            field.text = words
            field.cursor = (0, 0)
            self._showing = False

    @property
    def words(self) -> str:
        return self.ids.words_input.text

    def _typed(self, text: str) -> None:
        if not self._showing:
            self.dispatch("on_words", text)

    def on_words(self, text: str):
        """The words were changed by typing."""

    def on_next_take(self):
        """Back to the words for the next take (the selected take is let go)."""

    def on_shape(self):
        """Trim, fade or sing part of the selected take again (the take editor)."""


class MicScreen(PartScreen):
    part_title = StringProperty("Mic")

    def __init__(self, client, store=None, only_participant=None, **kwargs):
        """store: a studio.mic.takes.TakeStore; None: the app's own takes folder. only_participant():
        who holds the tablet in patient mode (only their takes show), or None (all show)."""
        self.client = client
        self.session: MicSession | None = None
        self._deleted: list[tuple[str, str]] = []  # (take_id, name), the one deleted last at the end
        self._words_waiting = False
        self.editor: TakeEditor | None = None  # made with the screen's widgets (on_kv_post)
        super().__init__(**kwargs)
        self._save_words_soon = Clock.create_trigger(lambda _dt: self.save_words(), WORDS_SAVE_DELAY_S)
        self.session = MicSession(client, store, on_change=self._changed,
                                  on_problem=lambda message: self.tell(_sentence(message), "error"),
                                  only_participant=only_participant)
        self.refresh()

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids["back_button"] = ids.bar.ids.back_button  # every screen's way back has this id
        ids.bar.bind(on_back=lambda *_: self.dispatch("on_back"),
                     on_record=lambda *_: self.toggle_record(),
                     on_choose=lambda _bar, name, value: self.choose(name, value))
        ids.input_panel.bind(
            on_gain=lambda _panel, delta_db: self._do(self.session.change_gain, delta_db),
            on_hear_myself=lambda _panel, on: self.set_monitor(on),
            on_monitor_level=lambda _panel, delta_db: self._do(self.session.change_monitor_level, delta_db),
            on_effect=lambda _panel, name, on: self._do(self.session.set_effect, name, on),
            on_next_input=lambda *_: self._do(self.session.next_input, self.client.state.mic_inputs))
        ids.takes_list.bind(on_select=lambda _list, take_id: self.select_take(take_id or None),
                            on_play=lambda _list, take_id: self.toggle_play(take_id),
                            on_best=lambda _list, take_id: self._do(self.session.set_best, take_id),
                            on_delete=lambda _list, take_id: self.delete_take(take_id),
                            on_rename=lambda _list, take_id, name: self.rename_take(take_id, name),
                            on_undo=lambda *_: self.undo_delete())
        ids.lyric_pad.bind(on_words=lambda *_: self._words_typed(),
                           on_next_take=lambda *_: self.select_take(None),
                           on_shape=lambda *_: self.show_editor(True))
        self.editor = TakeEditor()
        self.editor.bind(on_trim=lambda _editor, *trim: self._do(self.session.set_trim,
                                                                  self.session.selected_take_id, *trim),
                         on_punch_in=lambda _editor, from_s, to_s: self.punch_in(from_s, to_s),
                         on_done=lambda *_: self.show_editor(False))
        self._lyric_pad = ids.lyric_pad.__self__

    # ---- opening and leaving -------------------------------------------------------------------
    def enter(self) -> None:
        """The screen is opened: the takes are read again (the engine may have saved some)."""
        self.session.refresh_takes()
        self.show_state(self.client.state)

    def leave(self) -> None:
        """The screen is left: recording and playback stop (nothing sounds that cannot be seen)."""
        self.save_words()
        self.ids.takes_list.finish_rename(False)
        if self.session.recording:
            self.session.record(False)
        self.session.stop_playback()
        self.refresh()

    # ---- what a finger does --------------------------------------------------------------------
    def toggle_record(self) -> None:
        """Record a take (after the count-in when something plays along), or stop."""
        self.save_words()
        self._do(self.session.record, not self.session.recording)

    def choose(self, name: str, value) -> None:
        setter = {"backing": self.session.set_backing, "count_in_bars": self.session.set_count_in_bars}[name]
        self._do(setter, value)

    def set_monitor(self, on: bool) -> None:
        self._do(self.session.set_monitor, on)
        if on:
            self.tell("You hear your voice in the headphones now. Keep to headphones: "
                      "through speakers it can squeal.", "notice")

    def toggle_play(self, take_id: str) -> None:
        if self.session.playing_take_id == take_id:
            self._do(self.session.stop_playback)
        else:
            self._do(self.session.play_take, take_id)

    def select_take(self, take_id: str | None) -> None:
        """Show a take's words on the lyric pad (None: the words for the next take)."""
        self.save_words()  # what was typed goes where it was typed
        self.ids.takes_list.finish_rename(False)
        if take_id is None:
            self.show_editor(False)
        self._do(self.session.select_take, take_id)

    def show_editor(self, on: bool) -> None:
        """The take editor in the lyric pad's place (on), or the words again."""
        shown, hidden = (self.editor, self._lyric_pad) if on else (self._lyric_pad, self.editor)
        column = hidden.parent
        if column is not None:
            index = column.children.index(hidden)
            column.remove_widget(hidden)
            column.add_widget(shown, index=index)
        self.refresh()

    def punch_in(self, from_s: float, to_s: float) -> None:
        """Sing from_s..to_s of the song again over the selected take (a new take is made)."""
        self.save_words()
        if self._do(self.session.punch_in, self.session.selected_take_id, from_s, to_s):
            self.tell(f"The take plays from the start; sing from {from_s:.0f} s to {to_s:.0f} s, then tap Stop. "
                      "The joined take is added as a new one.", "notice")

    def delete_take(self, take_id: str) -> None:
        self.save_words()
        name = self.session.delete(take_id)
        if name and take_id not in {take.take_id for take in self.session.takes()}:
            self._deleted.append((take_id, name))
            self.ids.takes_list.show_undo(name)
            self.tell(f"{name} was deleted. Undo brings it back.", "done")
        self.refresh()

    def undo_delete(self) -> None:
        if not self._deleted:
            return
        take_id, name = self._deleted.pop()
        self.session.undelete(take_id)
        if take_id in {take.take_id for take in self.session.takes()}:
            self.tell(f"{name} is back.", "done")
        self.ids.takes_list.show_undo(self._deleted[-1][1] if self._deleted else "")
        self.refresh()

    def takes_gone(self, take_ids) -> None:
        """These takes were deleted for good elsewhere (consent withdrawn): no Undo, no playing them."""
        gone = set(take_ids)
        if self.session.playing_take_id in gone:
            self.session.stop_playback()
        self._deleted = [(take_id, name) for take_id, name in self._deleted if take_id not in gone]
        self.ids.takes_list.show_undo(self._deleted[-1][1] if self._deleted else "")
        self.session.refresh_takes()

    def rename_take(self, take_id: str, name: str) -> None:
        if not name.strip():
            self.tell("A take needs a name, so it keeps the one it had.", "notice")
            return
        self._do(self.session.rename, take_id, name)

    def _words_typed(self) -> None:
        self._words_waiting = True
        self._save_words_soon()

    def save_words(self) -> None:
        """Save what was typed on the lyric pad now (it is also saved a moment after typing stops)."""
        if self._words_waiting:
            self._words_waiting = False
            self._save_words_soon.cancel()
            self.session.set_lyrics(self.ids.lyric_pad.words)

    def _changed(self, what: str) -> None:
        if what == "holder":  # the tablet changed hands: another's take cannot be shaped or brought back here
            self._deleted.clear()
            self.ids.takes_list.show_undo("")
            if self.editor is not None and self.editor.parent is not None:
                self.show_editor(False)
        self.refresh()

    # ---- what the engine says ------------------------------------------------------------------
    def take_events(self, events) -> None:
        """The engine's events (any kinds): a saved take joins the list, with the words typed for it."""
        for event in events:
            if event.kind not in TAKE_EVENTS:
                continue
            if event.kind == "take_saved":
                self.save_words()
                session = self.session
                with_words = (session.selected_take_id is None and not session.punching_in
                              and bool(session.lyrics.strip()))
                session.handle_event(event)
                saved = event.message or f"{event.data.get('take', {}).get('name', 'The take')} was saved."
                words = " Your words were saved with it: tap it in the list to see them." if with_words else ""
                self.tell(saved + words, "done")
            else:
                self.session.handle_event(event)
                self.tell(event.message, "notice")
        self.refresh()

    def show_state(self, state) -> None:
        """The engine's state, about 20 times a second: the meter, the hint, Record, Play/Stop."""
        session, ids = self.session, self.ids
        session.show_state(state)  # notices a take that has played to its end
        kind, words = MicSession.input_hint(state)
        ids.input_panel.show_input(state.mic_level_db, state.mic_too_loud, kind, words)
        ids.input_panel.show_inputs(session.input, state.mic_inputs)  # a USB microphone may come and go
        ids.bar.show_recording(session.recording, state.counting_in, state.take_seconds)

    # ---- drawing -------------------------------------------------------------------------------
    def refresh(self, *_):
        session = self.session
        if session is None:
            return  # still being made
        ids, state = self.ids, self.client.state
        ids.bar.show(session.backing, session.count_in_bars)
        ids.bar.show_recording(session.recording, state.counting_in, state.take_seconds)
        ids.input_panel.show(session.gain_db, session.monitor, session.monitor_db, session.effects)
        ids.input_panel.show_inputs(session.input, state.mic_inputs)
        takes = session.takes()
        ids.takes_list.show(takes, session.selected_take_id, session.playing_take_id,
                            can_play=not session.recording)
        selected = next((take for take in takes if take.take_id == session.selected_take_id), None)
        if selected is not None and self.editor is not None and self.editor.parent is not None:
            self.editor.show(selected)
        if not self._words_waiting:  # never type over what is being typed
            if selected is None:
                ids.lyric_pad.show("Words for your next take", NEXT_TAKE_HINT, session.lyrics, False)
            else:
                ids.lyric_pad.show(f"Words: {selected.name}",
                                   f"{selected.name} has no words yet. Write them here.", session.lyrics, True)



def _sentence(message: str) -> str:
    """A message as a sentence: a capital letter first, a full stop at the end."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message[-1] in ".!?" else message + "."


Builder.load_file(os.path.join(os.path.dirname(__file__), "mic_screen.kv"))
