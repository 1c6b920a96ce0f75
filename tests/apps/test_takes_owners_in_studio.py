"""Takes belong to a participant in the whole studio, once Sessions is set up: a take saved while
the mentor works with Maya is Maya's (and one she started stays hers when the mentor moves on);
only the working participant's takes are plain files in Mic, everyone else's are sealed in
Sessions and come back, the same take, at their turn; while Jay holds the tablet, Mic shows and
touches only Jay's takes; withdrawing Maya's consent deletes her takes' files, trash and all; the
app closing leaves no participant's take readable."""

from dataclasses import asdict

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.mic.mic_screen import MicScreen  # noqa: E402
from studio.engine.messages import EngineEvent  # noqa: E402
from studio.mic.takes import TakeStore  # noqa: E402
from studio.sessions import catalogue  # noqa: E402
from tests.apps.test_mic_screen import MicTouchCase, make_take, saved_event  # noqa: E402
from tests.apps.sessions_support import TwoParticipants  # noqa: E402
from tests.apps.test_sessions_in_studio import PIN, said  # noqa: E402

pytestmark = pytest.mark.ui


class TakesOwnersTest(TwoParticipants, MicTouchCase):
    def setUp(self):
        super().setUp()
        self.open_mic()
        self.set_up_two_participants()

    def turn_of(self, person):
        super().turn_of(person, "mic")

    def record_for(self, person, name):
        """It is the person's turn and the engine saves a take for them."""
        self.turn_of(person)
        take = make_take(self.store, name=name)
        self.report(saved_event(take))
        return take

    def owner_of(self, take):
        return next(info.participant_id for info in TakeStore().list() if info.take_id == take.take_id)

    def files_of(self, take) -> list[str]:
        folders = (self.store.folder, self.store.trash_folder)
        return [path.name for folder in folders if folder.is_dir()
                for path in folder.iterdir() if take.take_id in path.name and not path.name.endswith(".filed")]

    def sealed_names(self, person) -> list[str]:
        """What Sessions holds, read past its access rules (patient mode would refuse the test)."""
        return [item.name for item in catalogue.items(self.sessions.store.records, person.id, "take")]

    def plain_sound_files(self) -> list[str]:
        folders = (self.store.folder, self.store.trash_folder)
        return [path.name for folder in folders if folder.is_dir()
                for path in folder.iterdir() if path.is_file() and path.read_bytes()[:4] == b"RIFF"]

    def test_only_the_working_participants_takes_are_in_mic_the_others_sealed(self):
        maya_take = self.record_for(self.maya, "Maya's verse")
        self.assertEqual(self.owner_of(maya_take), self.maya.id)
        self.assertEqual(self.shown_take_ids(), [maya_take.take_id])
        wav_bytes = self.store.wav_path(maya_take.take_id).read_bytes()

        jay_take = self.record_for(self.jay, "Jay's hook")
        self.assertEqual(self.owner_of(jay_take), self.jay.id)
        self.assertEqual(self.files_of(maya_take), [])  # sealed: no plain copy left
        self.assertEqual(self.sealed_names(self.maya), ["Maya's verse"])
        self.assertEqual(self.shown_take_ids(), [jay_take.take_id])

        self.turn_of(self.maya)  # back to Maya: her take, the same, and Jay's sealed
        self.assertEqual(self.shown_take_ids(), [maya_take.take_id])
        self.assertEqual(self.store.wav_path(maya_take.take_id).read_bytes(), wav_bytes)
        self.assertEqual((self.sealed_names(self.maya), self.sealed_names(self.jay)), ([], ["Jay's hook"]))

    def test_a_take_started_in_mayas_turn_is_hers_when_it_is_saved_in_jays(self):
        self.turn_of(self.maya)
        self.client.act("mic", "recording", 1.0)  # allowed: Maya agreed to recording
        self.assertEqual(self.client.take_owners[-1], self.maya.id)  # the engine writes it as the take starts
        self.turn_of(self.jay)  # the mentor moves on while the take is still recording
        self.assertEqual(self.client.take_owners[-1], self.jay.id)  # for the takes started from now on
        take = make_take(self.store, name="Maya's long verse")
        self.report(saved_event(take))
        self.poll()
        self.assertEqual(self.files_of(take), [])
        self.assertEqual(self.sealed_names(self.maya), ["Maya's long verse"])
        self.assertEqual(self.shown_take_ids(), [])

    def test_a_punch_in_asks_the_recording_gate(self):
        take = self.record_for(self.maya, "Maya's verse")
        self.screen.select_take(take.take_id)
        self.root.open_screen("sessions")
        self.sessions.withdraw("participant")  # Maya's page is open: her consent goes, and her takes
        self.root.open_screen("mic")
        kept = make_take(self.store, name="a take of nobody's")  # one that is still there to punch into
        self.screen.session.refresh_takes()
        self.screen.select_take(kept.take_id)
        self.screen.punch_in(1.0, 2.0)
        self.assertEqual(self.client.takes_recorded_over, [])
        self.assertFalse(self.screen.session.recording)
        self.assertIn("Maya has not agreed to being recorded", " ".join(said(self.root)))
        self.assertNotIn("Also deleted: their beat in Beats.", said(self.root))  # she had made none

    def test_in_patient_mode_mic_shows_and_touches_only_the_holders_takes(self):
        maya_take = self.record_for(self.maya, "Maya's verse")
        jay_take = self.record_for(self.jay, "Jay's hook")
        self.root.open_screen("sessions")
        self.sessions.hand_to_participant()  # Jay's page is open
        self.assertEqual(self.sessions.current_participant_id, self.jay.id)

        self.root.open_screen("mic")
        self.assertEqual(self.shown_take_ids(), [jay_take.take_id])
        new_take = make_take(self.store, name="Jay again")  # recorded while Jay holds the tablet
        self.report(saved_event(new_take))
        self.assertEqual(self.owner_of(new_take), self.jay.id)
        self.assertEqual(self.shown_take_ids(), [new_take.take_id, jay_take.take_id])

        # Maya's take is not on the tablet in a form Jay's touches could reach.
        screen, played_before = self.screen, len(self.client.takes_played)
        screen.toggle_play(maya_take.take_id)
        self.assertEqual(len(self.client.takes_played), played_before)
        screen.rename_take(maya_take.take_id, "Jay's now")
        screen.delete_take(maya_take.take_id)
        self.assertEqual(self.files_of(maya_take), [])
        self.assertEqual(self.sealed_names(self.maya), ["Maya's verse"])
        screen.session.select_take(maya_take.take_id)
        self.assertIsNone(screen.session.selected_take_id)

        # A Mic screen first made while Jay holds the tablet shows only his takes too.
        fresh = MicScreen(self.client, name="fresh mic", only_participant=self.root._tablet_holder)
        self.assertEqual([take.take_id for take in fresh.session.takes()], [new_take.take_id, jay_take.take_id])

        # The mentor's PIN: still Jay's turn, until the mentor opens another participant's page.
        self.root.open_screen("sessions")
        self.sessions.ask_mentor_pin()
        self.sessions.pin_typed(PIN)
        self.assertEqual(self.sessions.store.mode, "mentor")
        self.turn_of(self.maya)
        self.assertEqual(self.shown_take_ids(), [maya_take.take_id])
        self.assertEqual(self.sealed_names(self.maya), [])

    def test_a_deleted_take_can_be_brought_back_until_the_turn_ends(self):
        maya_take = self.record_for(self.maya, "Maya's chorus")
        self.screen.delete_take(maya_take.take_id)
        self.assertEqual(self.ids.takes_list.undo_text, "Bring back Maya's chorus")
        self.turn_of(self.jay)
        self.assertEqual(self.files_of(maya_take), [])  # gone for good, not sealed
        self.assertEqual(self.sealed_names(self.maya), [])
        self.assertEqual(self.ids.takes_list.undo_text, "")

    def test_withdrawing_consent_deletes_her_takes_and_trash_and_says_so(self):
        maya_kept = self.record_for(self.maya, "Maya's verse")
        maya_trashed = make_take(self.store, name="Maya's chorus")
        self.report(saved_event(maya_trashed))
        jay_take = self.record_for(self.jay, "Jay's hook")
        self.turn_of(self.maya)
        self.screen.delete_take(maya_trashed.take_id)  # into the trash, with Undo offered
        self.assertTrue(self.files_of(maya_trashed))
        self.assertEqual(self.ids.takes_list.undo_text, "Bring back Maya's chorus")

        self.root.open_screen("sessions")
        self.sessions.withdraw("participant")  # as Withdraw, confirmed, does, on Maya's page

        self.assertEqual(self.files_of(maya_kept), [])
        self.assertEqual(self.files_of(maya_trashed), [])
        self.assertEqual(self.sealed_names(self.maya), [])
        self.assertEqual(self.sealed_names(self.jay), ["Jay's hook"])
        self.assertIn("Also deleted from Mic: 2 takes.", said(self.root))
        self.assertEqual(self.ids.takes_list.undo_text, "")  # nothing of hers can come back
        self.turn_of(self.jay)
        self.assertEqual(self.shown_take_ids(), [jay_take.take_id])

    def test_locking_and_closing_leave_no_participants_take_readable(self):
        self.record_for(self.maya, "Maya's verse")
        nobodys = make_take(self.store, name="the mentor's sound check")  # before anyone's turn: nobody's
        self.sessions.lock()
        self.poll()
        self.assertEqual(self.plain_sound_files(), [f"{nobodys.take_id}.wav"])
        self.sessions.ask_mentor_pin()
        self.sessions.pin_typed(PIN)
        self.poll()  # Maya's page is still open: her turn again
        self.assertEqual(len(self.plain_sound_files()), 2)
        self.root.stop_polling()  # the app closes
        self.assertEqual(self.plain_sound_files(), [f"{nobodys.take_id}.wav"])

    def test_her_page_lists_her_work_while_it_is_in_the_studio(self):
        self.record_for(self.maya, "Maya's verse")
        self.root.open_screen("sessions")
        self.sessions.open_participant(self.maya.id)
        self.poll()
        self.assertEqual(self.sessions.page.ids.recordings.names, ["Maya's verse"])
        self.sessions.ask_withdraw("participant")  # the question names what would be deleted
        sheet_text = self.sessions.ids.sheets.sheet.message
        self.sessions.ids.sheets.close()
        self.assertIn("Maya's verse", sheet_text)

        self.record_for(self.jay, "Jay's hook")
        self.root.open_screen("sessions")  # Jay's page, after the poll moved Maya's take away
        self.assertEqual(self.sessions.page.ids.recordings.names, ["Jay's hook"])
        self.assertEqual(len(self.sessions.work_of(self.maya.id)), 1)  # sealed, still hers

    def test_the_words_for_the_next_take_are_the_working_participants(self):
        self.turn_of(self.maya)
        self.screen.session.set_lyrics("my brother's song, first verse")
        self.turn_of(self.jay)
        self.assertEqual(self.screen.session.lyrics, "")
        self.assertEqual(self.ids.lyric_pad.words, "")
        words_files = [path for path in self.store.folder.parent.rglob("*.txt")
                       if b"brother" in path.read_bytes()]
        self.assertEqual(words_files, [])  # sealed, not readable
        self.screen.session.set_lyrics("Jay's hook words")
        self.turn_of(self.maya)
        self.assertEqual(self.screen.session.lyrics, "my brother's song, first verse")
        self.assertEqual(self.ids.lyric_pad.words, "my brother's song, first verse")

    def test_a_take_of_hers_recovered_after_a_crash_in_jays_turn_is_filed_away(self):
        self.turn_of(self.jay)
        recovered = make_take(self.store, name="Maya's take cut short", participant_id=self.maya.id)
        self.report(EngineEvent("take_recovered", "Maya's take cut short was recovered.",
                                {"takes": [asdict(recovered)]}))
        self.poll()
        self.assertEqual(self.files_of(recovered), [])
        self.assertEqual(self.sealed_names(self.maya), ["Maya's take cut short"])

    def test_decoded_copies_of_takes_go_when_a_turn_ends(self):
        from apps.decks.deck_loads import track_cache_dir
        from studio.decks.private_tracks import PRIVATE_FOLDER

        self.record_for(self.maya, "Maya's verse")
        decoded = track_cache_dir() / PRIVATE_FOLDER / "audio" / "0123-48000.f32"  # as Decks leaves one
        decoded.parent.mkdir(parents=True)
        decoded.write_bytes(b"\0" * 64)
        kept = track_cache_dir() / "audio" / "4567-48000.f32"  # a track from the Music folder
        kept.parent.mkdir(parents=True)
        kept.write_bytes(b"\0" * 64)
        self.turn_of(self.jay)
        self.assertFalse(decoded.exists())
        self.assertTrue(kept.exists())

    def test_a_deck_holding_her_take_is_emptied_when_her_turn_ends(self):
        maya_take = self.record_for(self.maya, "Maya's verse")
        song = self.store.folder.parent / "music" / "song.mp3"  # a track from the Music folder
        her_wav = str(self.store.wav_path(maya_take.take_id))
        self.client.set_deck(1, loaded=True, title="Maya's verse", source_path=her_wav)
        self.client.set_deck(2, loaded=True, title="A song", source_path=str(song))
        self.turn_of(self.jay)
        self.assertEqual(self.client.ejected, [1])
        self.turn_of(self.maya)  # her take is back, but the deck stays empty until she loads it
        self.assertEqual(self.client.ejected, [1])
