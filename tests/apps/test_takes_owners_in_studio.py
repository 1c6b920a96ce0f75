"""Takes belong to a participant in the whole studio, once Sessions is set up: a take saved while
the mentor works with Maya is Maya's; while Jay holds the tablet, Mic shows (and plays, renames,
deletes) only Jay's takes; withdrawing Maya's consent deletes her takes' files, trash and all,
and the banner says so."""

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from apps.mic.mic_screen import MicScreen  # noqa: E402
from studio.mic.takes import TakeStore  # noqa: E402
from tests.apps.test_mic_screen import MicTouchCase, make_take, saved_event  # noqa: E402
from tests.apps.test_sessions_in_studio import PIN, said  # noqa: E402

pytestmark = pytest.mark.ui


class TakesOwnersTest(MicTouchCase):
    def setUp(self):
        super().setUp()
        self.open_mic()
        root = self.root
        root.open_screen("sessions")
        self.sessions = sessions = root.sessions_screen
        for _ in range(2):  # a new mentor PIN, typed twice
            sessions.pin_typed(PIN)
        store = sessions.store
        self.maya = store.add_participant("Maya", pronouns="she")
        self.jay = store.add_participant("Jay", pronouns="he")
        for person in (self.maya, self.jay):
            store.record_consent(person.id, {"record", "keep"}, "the participant")

    def record_for(self, person, name):
        """The mentor opens the person's page and the engine saves a take for them."""
        self.sessions.open_participant(person.id)
        self.root.open_screen("mic")
        take = make_take(self.store, name=name)
        self.report(saved_event(take))
        return take

    def owner_of(self, take):
        return next(info.participant_id for info in TakeStore().list() if info.take_id == take.take_id)

    def files_of(self, take) -> list[str]:
        folders = (self.store.folder, self.store.trash_folder)
        return [path.name for folder in folders if folder.is_dir()
                for path in folder.iterdir() if take.take_id in path.name]

    def test_a_take_saved_while_maya_is_working_is_hers(self):
        maya_take = self.record_for(self.maya, "Maya's verse")
        self.assertEqual(self.owner_of(maya_take), self.maya.id)
        jay_take = self.record_for(self.jay, "Jay's hook")
        self.assertEqual(self.owner_of(jay_take), self.jay.id)
        self.assertEqual(self.shown_take_ids(), [jay_take.take_id, maya_take.take_id])  # the mentor sees all

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

        screen, played_before = self.screen, len(self.client.takes_played)
        screen.toggle_play(maya_take.take_id)
        self.assertEqual(len(self.client.takes_played), played_before)
        screen.rename_take(maya_take.take_id, "Jay's now")
        screen.session.set_trim(maya_take.take_id, 0.1, 0.5)
        screen.delete_take(maya_take.take_id)
        [maya_now] = [info for info in TakeStore().list() if info.take_id == maya_take.take_id]
        self.assertEqual((maya_now.name, maya_now.trim_start_s), ("Maya's verse", 0.0))
        screen.session.select_take(maya_take.take_id)
        self.assertIsNone(screen.session.selected_take_id)

        # A Mic screen first made while Jay holds the tablet shows only his takes too.
        fresh = MicScreen(self.client, name="fresh mic", only_participant=self.root._tablet_holder)
        self.assertEqual([take.take_id for take in fresh.session.takes()], [new_take.take_id, jay_take.take_id])

        # The mentor's PIN: everything shows again.
        self.root.open_screen("sessions")
        self.sessions.ask_mentor_pin()
        self.sessions.pin_typed(PIN)
        self.assertEqual(self.sessions.store.mode, "mentor")
        self.root.open_screen("mic")
        self.assertEqual(self.shown_take_ids(), [new_take.take_id, jay_take.take_id, maya_take.take_id])

    def test_withdrawing_consent_deletes_her_takes_and_trash_and_says_so(self):
        maya_kept = self.record_for(self.maya, "Maya's verse")
        maya_trashed = self.record_for(self.maya, "Maya's chorus")
        jay_take = self.record_for(self.jay, "Jay's hook")
        self.screen.delete_take(maya_trashed.take_id)  # into the trash, with Undo offered
        self.assertTrue(self.files_of(maya_trashed))
        self.assertEqual(self.ids.takes_list.undo_text, "Bring back Maya's chorus")

        self.root.open_screen("sessions")
        self.sessions.open_participant(self.maya.id)
        self.sessions.withdraw("participant")  # as Withdraw, confirmed, does

        self.assertEqual(self.files_of(maya_kept), [])
        self.assertEqual(self.files_of(maya_trashed), [])
        self.assertTrue(self.files_of(jay_take))
        self.assertIn("Also deleted from Mic: 2 takes.", said(self.root))
        self.assertEqual(self.ids.takes_list.undo_text, "")  # nothing of hers can come back
        self.root.open_screen("mic")
        self.assertEqual(self.shown_take_ids(), [jay_take.take_id])
