"""Listen on the Export screen: hear the song as it will be exported, before exporting it.

A mixin of ExportScreen. Listen makes the song ready (rendered as the export renders it, in the
export process's preview mode: song_preview.py) with "Getting it ready..." and a progress bar,
then plays it through the live engine from the bar last tapped on the bar numbers; a playhead
moves across the bars and the time shows. The one button says Cancel while the song is made
ready and Stop while it plays; the song stops by itself at its end. Listen again with no edit
in between plays at once. An export starting, another song opened or the screen left stops it.
"""

from __future__ import annotations

from kivy.clock import Clock

from apps.export.export_sources import minutes_text
from apps.export.song_preview import IDLE, PLAYING, RENDERING, PreviewError, PreviewStatus, has_clips
from apps.mic.mic_screen import _sentence

LISTEN_POLL_S = 1.0 / 30.0  # the playhead moves this often
RENDER_BUSY_WORDS = "An export is running. Tap Listen when it is done."
CHANGED_WORDS = "You changed it: Listen again to hear that"


class Listening:
    """Needs of the screen: session, ids (arranger), tell(), engine_client, preview (a SongPreview),
    _export_event, listen_from_bar, _listen_event and _changed_while_listening (set in its __init__)."""

    @property
    def listen_control(self):
        return self.ids.arranger.ids.listen

    # ---- what a finger does --------------------------------------------------------------------
    def listen(self) -> None:
        """Listen: play the song from the bar chosen (rendering it first if it changed)."""
        song, preview = self.session.song, self.preview
        self.ids.song_bar.save_artist()
        if song is not None and self._export_event is not None and not preview.is_ready(song):
            self.tell(RENDER_BUSY_WORDS, "notice")
            return
        self._changed_while_listening = False
        start_s = self.listen_from_bar * song.bar_s if song is not None else 0.0
        try:
            status = preview.listen(song, start_s, self.engine_client)
        except PreviewError as error:
            self.tell(str(error), "error")
            status = preview.poll(self.engine_client)
        self._show_listening(status)
        if status.phase != IDLE and self._listen_event is None:
            self._listen_event = Clock.schedule_interval(lambda _dt: self.poll_listening(), LISTEN_POLL_S)

    def stop_listening(self) -> None:
        """Stop (or Cancel while it is made ready); also when an export starts or the screen is left."""
        if self.preview.phase != IDLE:
            self.preview.stop(self.engine_client)
        self._stop_polling_listen()
        self._show_listening(PreviewStatus(IDLE))

    def choose_start_bar(self, bar: int) -> None:
        """A bar number was tapped: Listen starts there (at once, while the song plays)."""
        song = self.session.song
        song_bars = song.length_bars(self.session.takes) if song is not None else 0
        self.listen_from_bar = max(0, min(int(bar), song_bars - 1))
        self.ids.arranger.show_start_bar(self.listen_from_bar)
        if self.preview.phase == PLAYING:
            self.listen()
        else:
            self._show_listening(self.preview.poll(self.engine_client))

    # ---- while it is made ready and plays ------------------------------------------------------------
    def poll_listening(self) -> None:
        status = self.preview.poll(self.engine_client)
        self._show_listening(status)
        if status.phase == IDLE:
            self._stop_polling_listen()

    def _stop_polling_listen(self) -> None:
        if self._listen_event is not None:
            self._listen_event.cancel()
            self._listen_event = None

    def _show_listening(self, status: PreviewStatus) -> None:
        if status.message:
            self.tell(_sentence(status.message), status.message_kind)
        control, arranger = self.listen_control, self.ids.arranger
        if status.phase == RENDERING:
            control.show(RENDERING, "Getting it ready\u2026", fraction=status.fraction)
            arranger.show_playhead(None)
        elif status.phase == PLAYING:
            bar = status.position_s / status.bar_s if status.bar_s else 0.0
            detail = CHANGED_WORDS if self._changed_while_listening else f"Bar {int(bar) + 1}"
            control.show(PLAYING, f"{minutes_text(status.position_s)} / {minutes_text(status.duration_s)}", detail)
            arranger.show_playhead(bar)
        else:
            if not has_clips(self.session.song):
                control.show(IDLE, "Nothing to hear yet")
            else:
                start = f"From bar {self.listen_from_bar + 1}" if self.listen_from_bar else "From the start"
                control.show(IDLE, start, "Tap a bar number to choose")
            arranger.show_playhead(None)

    def _song_edited(self, what: str) -> None:
        """The song changed: the preview playing is the song as it was (Listen again renders it)."""
        if what != "selection" and self.preview.phase == PLAYING:
            self._changed_while_listening = True
