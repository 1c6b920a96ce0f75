"""The Export screen: put beat patterns, vocal takes and audio clips together into a song, and
save it as a sound file for a show.

    top bar     Back, Songs (new, open, rename, delete with Bring back), the song's name,
                Performance set, Export
    song bar    the artist's name, fade in, fade out, how loud (Quiet -16, Normal -14, Loud -9 LUFS)
    tools       + Beat pattern, + Vocal take, + Audio clip; Shorter, Longer, Delete clip for the
                selected clip; Undo after a delete
    arranger    Listen in its corner (listening.py); the lanes (name, Mute, volume, pan) and their
                clips on a bar grid, with the playhead (arranger.py)
    sheets      songs, pickers, Export, Performance set (song_sheets.py, export_sheet.py)

What the song holds lives in ExportSession (no kivy), which saves every change at once. This
module turns taps into its verbs and draws what it holds. Exports run in processes of their own
(export_runner.py, exporting.py): the screen polls them and never waits; Listen renders in the
export process too, then plays through the engine (listening.py, song_preview.py). The root calls
enter() and leave() when the screen is opened and left, and close() when the app closes. Looks:
export_screen.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import StringProperty

from apps.decks.sheet import SheetHost  # noqa: F401  (kv class)
from apps.export.arranger import Arranger  # noqa: F401
from apps.export.export_bars import ExportBar, SongBar, ToolBar  # noqa: F401
from apps.export.export_runner import SetExport, SongExport, default_process
from apps.export.export_session import ExportSession
from apps.export.export_sheet import ExportSheet, SetSheet
from apps.export.export_sources import default_export_folder, demo_tracks, mix_recordings, pattern_choices, vocal_takes
from apps.export.exporting import Exporting
from apps.export.listening import Listening
from apps.export.song_preview import IDLE, PreviewStatus, SongPreview
from apps.export.song_sheets import PickRow, PickSheet, SongsSheet
from apps.mic.mic_screen import _sentence
from apps.part_screen import PartScreen
from studio.beats.storage import load_or_new
from studio.export.song import SongFileError

PICK_TITLES = {"pattern": "Add a beat pattern", "take": "Add a vocal take", "audio": "Add an audio clip"}


def bars_text(start_bar: int, bars: int) -> str:
    """Bars as people count them, from 1: "bar 5" or "bars 5-8"."""
    first, last = start_bar + 1, start_bar + bars
    return f"bar {first}" if bars == 1 else f"bars {first}\u2013{last}"


class ExportScreen(Exporting, Listening, PartScreen):
    part_title = StringProperty("Export")

    def __init__(self, store=None, takes=None, make_process=default_process, out_dir=None, client=None, **kwargs):
        """store: a SongStore, takes: a TakeStore (None: the app's own folders); make_process makes an
        ExportProcess (tests hand in a fake); out_dir: where exports go (None: Music/Ward Studio);
        client: the EngineClient Listen plays through (None: none, and Listen says so)."""
        self.session: ExportSession | None = None
        self._client = client
        self.listen_from_bar = 0  # where Listen starts: the bar last tapped on the bar numbers
        self._listen_event = None
        self._listen_song_id = None  # the song listen_from_bar belongs to
        self._changed_while_listening = False
        self.make_process = make_process
        self.out_dir_chosen = out_dir is not None
        self.choices = ("mp3-320", False, False, str(out_dir if out_dir is not None else default_export_folder()))
        self.export: SongExport | SetExport | None = None
        self._export_event = None
        self.export_sheet: ExportSheet | None = None
        self.set_sheet: SetSheet | None = None
        self._hinted = False  # how to move a clip was said
        super().__init__(**kwargs)
        self.session = ExportSession(store, takes, on_change=self._changed,
                                     on_problem=lambda message: self.tell(_sentence(message), "error"))
        # The preview lives beside songs/ in the app's data folder, never in the export folder.
        self.preview = SongPreview(self.session.store.folder.parent / "preview", lambda: self.make_process(),
                                   self.session.takes)

    @property
    def engine_client(self):
        """The engine client Listen plays through (None: no engine)."""
        return self._client

    def on_kv_post(self, base_widget):
        ids = self.ids
        ids["back_button"] = ids.bar.ids.back_button  # every screen's way back has this id
        ids.bar.bind(on_back=lambda *_: self.dispatch("on_back"), on_songs=lambda *_: self.open_songs(),
                     on_set=lambda *_: self.open_set(), on_export=lambda *_: self.open_export())
        ids.song_bar.bind(on_artist=lambda _bar, artist: self._do(self.session.set_artist, artist),
                          on_fade=lambda _bar, which, direction: self._do(self.session.step_fade, which, direction),
                          on_target=lambda _bar, target: self._do(self.session.set_target, target))
        ids.tools.bind(on_add=lambda _bar, what: self.open_picker(what),
                       on_clip=lambda _bar, verb: self.clip_verb(verb),
                       on_undo=lambda *_: self.undo_delete_clip())
        ids.arranger.bind(on_select=lambda _a, lane, clip: self._do(self.session.select, *(
                              (None,) if lane < 0 else (lane, clip))),
                          on_move=lambda _a, lane, clip, start: self._do(self.session.move_clip, lane, clip, start),
                          on_lane=lambda _a, lane, verb, value: self.lane_verb(lane, verb, value),
                          on_start_bar=lambda _a, bar: self.choose_start_bar(bar))
        ids.arranger.ids.listen.bind(on_listen=lambda *_: self.listen(), on_stop=lambda *_: self.stop_listening())

    # ---- opening and leaving -------------------------------------------------------------------
    def enter(self) -> None:
        """The screen is opened: the song changed last is shown (a new one when there is none)."""
        if self.session.song is None:
            try:
                self.session.open_last()
            except SongFileError as error:
                self.tell(_sentence(str(error)), "error")
        self.refresh()

    def leave(self) -> None:
        """The screen is left: what was typed is saved, the song stops playing (an export runs on
        and is said when done)."""
        self.ids.song_bar.save_artist()
        self.ids.sheets.close()
        self.stop_listening()

    def close(self) -> None:
        """The app is closing: save now, stop an export that is running, and let go of the preview."""
        self._stop_polling_listen()
        self.preview.close(self.engine_client)
        self.ids.song_bar.save_artist()
        if self.session.unsaved:
            self.session.save()
        if self.export is not None and not self.export.poll().done:
            self.export.cancel()
        if self._export_event is not None:
            self._export_event.cancel()
            self._export_event = None

    # ---- whose songs (studio.sessions.work_folders) ------------------------------------------------
    @property
    def exporting(self) -> bool:
        """An export (a song or a set) is running."""
        return self._export_event is not None

    def put_songs_down(self) -> None:
        """The songs are about to be another participant's: what was typed is saved, Listen stops
        and its file (a mix with the participant's voice) goes."""
        self.ids.sheets.close()
        self.ids.song_bar.save_artist()
        if self.session.unsaved:
            self.session.save()
        self.stop_listening()
        self.preview.close(self.engine_client)

    def songs_changed_hands(self) -> None:
        """The songs folder holds another participant's songs now: theirs are shown (their last
        song, or a new one), with no Undo reaching back into the songs before."""
        self.session.let_go()
        self.listen_from_bar = 0
        self._listen_song_id = None
        if self.manager is not None and self.manager.current == self.name:
            self.enter()

    # ---- songs ---------------------------------------------------------------------------------
    def open_songs(self) -> SongsSheet:
        self.ids.song_bar.save_artist()
        sheet = SongsSheet()
        sheet.bind(on_open=lambda _s, song_id: self._song_verb(self.session.open_song, song_id, close=True),
                   on_new=lambda *_: self._song_verb(self.session.new_song, close=True),
                   on_rename=lambda _s, song_id, title: self._song_verb(self.session.rename_song, song_id, title),
                   on_delete=lambda _s, song_id: self.delete_song(song_id),
                   on_undo=lambda *_: self._song_verb(self.session.undelete_song))
        self.ids.sheets.open(sheet)
        self._show_songs(sheet)
        return sheet

    def _show_songs(self, sheet: SongsSheet) -> None:
        session = self.session
        undo = session.deleted_songs[-1][1] if session.deleted_songs else ""
        sheet.show(session.songs(), session.song.song_id if session.song else "", undo)

    def _song_verb(self, verb, *args, close: bool = False) -> None:
        self.ids.song_bar.forget_typing()
        try:
            verb(*args)
        except (ValueError, SongFileError) as error:
            self.tell(f"That could not be done: {_sentence(str(error))}", "notice")
        sheet = self.ids.sheets.sheet
        if isinstance(sheet, SongsSheet):
            if close:
                sheet.close()
            else:
                self._show_songs(sheet)
        self.refresh()

    def delete_song(self, song_id: str) -> None:
        try:
            title = self.session.delete_song(song_id)
        except (ValueError, SongFileError) as error:
            self.tell(f"That could not be done: {_sentence(str(error))}", "notice")
        else:
            self.preview.forget(song_id, self.engine_client)  # its preview goes with it
            if not isinstance(self.ids.sheets.sheet, SongsSheet):  # the sheet's Bring back button says it
                self.tell(f"{title} was deleted. Bring back undoes it.", "done")
        self._song_verb(lambda: None)

    # ---- clips ---------------------------------------------------------------------------------
    def open_picker(self, what: str) -> PickSheet:
        sheet = PickSheet(title=PICK_TITLES[what])
        sheet.bind(on_pick=lambda _sheet, value, title: self.add(what, value, title))
        self.ids.sheets.open(sheet)
        takes = self.session.takes
        if what == "pattern":
            loaded = load_or_new()
            if loaded.message:
                self.tell(loaded.message, "warning")
            beat = loaded.beat
            choices = pattern_choices(beat)
            rows = [PickRow(c.name, f"Pattern {c.name}", (f"{c.bars} bar" + ("" if c.bars == 1 else "s") +
                                                         f" \u00b7 {c.hits} hits") if c.hits else "Empty",
                            enabled=c.hits > 0) for c in choices]
            note = (f"From your beat in Beats ({beat.bpm:g} BPM). The song plays at the beat's tempo."
                    if any(c.hits for c in choices) else "Your beat has no patterns yet. Make one in Beats first.")
        elif what == "take":
            rows = [PickRow(c.source, c.title, c.detail) for c in vocal_takes(takes)]
            note = "Your takes from Mic, the best one first." if rows else \
                "No vocal takes yet. Record one in Mic first."
        else:
            mixes = [PickRow(c.source, c.title, c.detail) for c in mix_recordings(takes)]
            rows = ([PickRow("", "Mixes you recorded on the Decks"), *mixes] if mixes else []) + \
                [PickRow("", "Demo tracks"), *(PickRow(c.source, c.title, c.detail) for c in demo_tracks())]
            note = "Each audio clip gets a lane of its own."
        sheet.show(rows, note)
        return sheet

    def add(self, what: str, value: str, title: str) -> None:
        verbs = {"pattern": self.session.add_pattern, "take": self.session.add_take,
                 "audio": lambda source: self.session.add_audio(source, title)}
        clips_before = self._clip_count()
        self._do(verbs[what], value)
        if self._clip_count() > clips_before and not self._hinted:
            self._hinted = True  # said once: the clip shows where it went
            lane, clip = self.session.selected
            view = self.session.lanes_view()[lane].clips[clip]
            self.tell(f"{title} was added at {bars_text(view.start_bar, view.bars)}. Drag it along the bars "
                      "to move it; tap it to make it longer, shorter or to delete it.", "done")

    def _clip_count(self) -> int:
        song = self.session.song
        return sum(len(lane.clips) for lane in song.lanes) if song is not None else 0

    def clip_verb(self, verb: str) -> None:
        if self.session.selected is None:
            return
        lane, clip = self.session.selected
        if verb == "delete":
            self._do(self.delete_clip, lane, clip)
        else:
            self._do(self.session.change_length, lane, clip, 1 if verb == "longer" else -1)

    def delete_clip(self, lane: int, clip: int) -> None:
        name = self.session.lanes_view()[lane].clips[clip].name
        kind = self.session.clip_at(lane, clip).kind
        self.session.delete_clip(lane, clip)
        self.tell(f"{'Pattern ' + name if kind == 'pattern' else name} was deleted. Undo brings it back.", "done")

    def undo_delete_clip(self) -> None:
        if self.session.undo_delete_clip() is not None:
            self.tell("The clip is back.", "done")
        self.refresh()

    def lane_verb(self, lane: int, verb: str, value: int) -> None:
        session = self.session
        verbs = {"mute": lambda: session.toggle_mute(lane), "volume": lambda: session.step_volume(lane, value),
                 "pan": lambda: session.step_pan(lane, value)}
        self._do(verbs[verb])

    # ---- drawing -------------------------------------------------------------------------------
    def _changed(self, what: str) -> None:
        self._song_edited(what)
        self.refresh()

    def refresh(self, *_):
        session = self.session
        if session is None or session.song is None:
            return
        song, ids = session.song, self.ids
        if song.song_id != self._listen_song_id:  # another song is open: Listen is for it, from its start
            self._listen_song_id, self.listen_from_bar = song.song_id, 0
            self.stop_listening()
        ids.arranger.show_start_bar(self.listen_from_bar)
        if self.preview.phase == IDLE:
            self._show_listening(PreviewStatus(IDLE))
        ids.bar.title = song.title
        ids.song_bar.show(song.artist, song.fade_in_s, song.fade_out_s, song.target_lufs)
        lanes = session.lanes_view()
        song_bars = max((clip.start_bar + clip.bars for lane in lanes for clip in lane.clips), default=0)
        ids.arranger.show(lanes, session.selected, song_bars)
        tools = ids.tools
        tools.can_undo = bool(session.deleted_clips) and session.deleted_clips[-1].song_id == song.song_id
        selected = None
        if session.selected is not None:
            lane, clip = session.selected
            selected = lanes[lane].clips[clip] if lane < len(lanes) and clip < len(lanes[lane].clips) else None
        if selected is None:
            tools.clip_text, tools.can_resize = "", False
        else:
            name = f"Pattern {selected.name}" if selected.kind == "pattern" else selected.name
            tools.clip_text = f"{name}, {bars_text(selected.start_bar, selected.bars)}"
            tools.can_resize = selected.kind == "pattern"


Builder.load_file(os.path.join(os.path.dirname(__file__), "export_screen.kv"))
