"""Each participant has songs of their own in Export, once Sessions is set up: at Jay's turn Export
shows his songs (a new one at his first turn), Maya's are sealed in Sessions with her last edit
and her Listen file gone, and at her turn they are back; the turn waits for an export running;
withdrawing her consent deletes her songs, and the songs exported for her."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.export.song_store import SongStore  # noqa: E402
from studio.sessions import catalogue  # noqa: E402
from tests.apps.test_export_support import (ExportTouchCase, FakeExportProcess, make_take,  # noqa: E402
                                            save_a_beat)
from tests.apps.sessions_support import TwoParticipants  # noqa: E402
from tests.apps.test_sessions_in_studio import said  # noqa: E402

pytestmark = pytest.mark.ui


class SongsPerParticipantTest(TwoParticipants, ExportTouchCase):
    def setUp(self):
        super().setUp()
        self.open_export()
        self.set_up_two_participants(("record", "keep", "perform"))

    def turn_of(self, person):
        super().turn_of(person, "export")

    def sealed_songs(self, person) -> int:
        return len(catalogue.items(self.sessions.store.records, person.id, "song"))

    def song_titles(self) -> list[str]:
        return [song.title for song in SongStore().list()]

    def test_each_participant_finds_their_own_songs(self):
        self.turn_of(self.maya)
        self.session.set_title("Maya's anthem")
        save_a_beat()
        self.session.add_pattern("A")
        maya_song = self.session.song

        self.turn_of(self.jay)
        self.assertEqual(self.sealed_songs(self.maya), 1)
        self.assertNotEqual(self.session.song.title, "Maya's anthem")  # a new song of his own
        self.assertEqual(self.session.song.lanes, [])
        self.assertNotIn("Maya's anthem", self.song_titles())
        self.session.set_title("Jay's tune")

        self.turn_of(self.maya)
        self.assertEqual(self.session.song, maya_song)
        self.assertEqual(self.song_titles(), ["Maya's anthem"])
        self.assertEqual((self.sealed_songs(self.maya), self.sealed_songs(self.jay)), (0, 1))

    def test_the_turn_waits_for_an_export_to_finish(self):
        take = self.start_exporting_her_song()
        self.assertTrue(self.screen.exporting)

        self.root.open_screen("sessions")
        self.sessions.open_participant(self.jay.id)
        self.root.poll()
        self.assertEqual(self.song_titles(), ["Maya's anthem"])  # her song and take stay meanwhile
        self.assertTrue(self.takes.wav_path(take.take_id).exists())
        FakeExportProcess.made[-1].finish("Maya's anthem.mp3")
        self.poll_export()
        self.assertFalse(self.screen.exporting)
        self.root.poll()
        self.assertEqual(self.song_titles(), [])
        self.assertFalse(self.takes.wav_path(take.take_id).exists())
        self.assertEqual(self.sealed_songs(self.maya), 1)

    def start_exporting_her_song(self):
        """In Maya's turn: her song with a take of hers, being exported (by the fake process)."""
        self.turn_of(self.maya)
        self.session.set_title("Maya's anthem")
        take = make_take(self.takes, 2.0)
        self.takes.set_participant(take.take_id, self.maya.id)
        self.session.add_take(take.take_id)
        self.screen.open_export()
        self.screen.start_export()
        return take

    def test_withdrawing_consent_deletes_her_songs(self):
        self.turn_of(self.maya)
        self.session.set_title("Maya's anthem")
        self.root.open_screen("sessions")
        self.sessions.withdraw("participant")  # on Maya's page, as Withdraw, confirmed, does
        self.assertIn("Also deleted: their songs in Export.", said(self.root))
        self.assertNotIn("Maya's anthem", self.song_titles())
        self.assertEqual(self.sealed_songs(self.maya), 0)
        self.root.open_screen("export")
        self.assertNotEqual(self.session.song.title, "Maya's anthem")

    def test_an_export_is_noted_for_her_and_deleted_with_her_consent(self):
        self.start_exporting_her_song()
        process = FakeExportProcess.made[-1]
        song_file = process.started[1] / "Maya's anthem.mp3"
        song_file.parent.mkdir(parents=True, exist_ok=True)
        song_file.write_bytes(b"ID3 the song as the export left it")
        process.finish(song_file.name)
        self.poll_export()
        records = self.sessions.store.records
        self.assertEqual([row[0] for row in records.rows("SELECT path FROM exported_files WHERE participant_id = ?",
                                                          (self.maya.id,))], [str(song_file.resolve())])
        self.assertTrue(any(entry.action == "export" and song_file.name in entry.detail
                            for entry in catalogue.audit_log(records, participant_id=self.maya.id)))

        self.root.open_screen("sessions")
        self.sessions.withdraw("participant")
        self.assertFalse(song_file.exists())
        self.assertIn("Also deleted: 1 exported file (Maya's anthem.mp3).", said(self.root))
