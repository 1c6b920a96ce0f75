"""Each participant has a beat of their own in Beats, once Sessions is set up: at Jay's turn Beats
starts his beat (and the engine plays it), Maya's is sealed in Sessions with her last edit, and
at her turn it is back as she left it; withdrawing her consent deletes it."""

import json

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.beats.storage import beats_dir  # noqa: E402
from studio.sessions import catalogue  # noqa: E402
BEAT_KIND = "beat"
from studio.sessions.store import SessionStore, sessions_dir  # noqa: E402
from tests.apps.test_beats_support import BeatsTouchCase  # noqa: E402
from tests.apps.sessions_support import TwoParticipants  # noqa: E402
from tests.apps.test_sessions_in_studio import PIN, said  # noqa: E402

pytestmark = pytest.mark.ui


class BeatsPerParticipantTest(TwoParticipants, BeatsTouchCase):
    def setUp(self):
        super().setUp()
        self.open_beats()
        self.client = self.root.client
        self.set_up_two_participants()

    def turn_of(self, person):
        super().turn_of(person, "beats")

    def sealed_beats(self, person) -> int:
        return len(catalogue.items(self.sessions.store.records, person.id, BEAT_KIND))

    def readable_beat_files(self) -> list[str]:
        return sorted(path.name for path in beats_dir().iterdir() if b'"bpm"' in path.read_bytes())

    def test_each_participant_finds_their_own_beat(self):
        self.turn_of(self.maya)
        self.session.change_bpm(16)
        self.session.tap_step(0)
        maya_bpm, maya_hits = self.beat.bpm, self.session.current_pattern().rows[0].velocities[:4]
        self.assertGreater(maya_hits[0], 0)

        self.turn_of(self.jay)  # Maya's last edits were not autosaved yet: they go with her beat
        self.assertEqual(self.beat.bpm, 90)
        self.assertEqual(self.session.current_pattern().rows[0].velocities[0], 0)
        self.assertEqual(self.client.playing_beat.bpm, 90)  # the engine plays Jay's beat now
        self.assertEqual(self.sealed_beats(self.maya), 1)
        self.session.change_bpm(40)
        self.session.save_now()

        self.turn_of(self.maya)
        self.assertEqual((self.beat.bpm, self.session.current_pattern().rows[0].velocities[:4]),
                         (maya_bpm, maya_hits))
        self.assertEqual(self.client.playing_beat.bpm, maya_bpm)
        self.assertEqual((self.sealed_beats(self.maya), self.sealed_beats(self.jay)), (0, 1))

    def test_locking_and_closing_leave_no_participants_beat_readable(self):
        self.turn_of(self.maya)
        self.session.change_bpm(16)
        self.sessions.lock()
        self.root.poll()
        self.assertEqual(self.readable_beat_files(), [])
        self.assertEqual(self.beat.bpm, 90)  # nobody's turn: nobody's beat
        self.sessions.ask_mentor_pin()
        self.sessions.pin_typed(PIN)
        self.root.poll()  # Maya's page is still open: her turn again
        self.assertEqual(self.beat.bpm, 106)
        self.session.change_bpm(4)
        self.root.stop_polling()  # the app closes
        self.assertEqual(self.readable_beat_files(), [])
        store = SessionStore.open(sessions_dir(), PIN)
        try:
            [kept] = catalogue.items(store.records, self.maya.id, BEAT_KIND)
            files = json.loads(store.open_item(kept.id))["files"]
            self.assertIn('"bpm": 110', files["current-beat.json"])  # with her last change
        finally:
            store.close()

    def test_withdrawing_consent_deletes_her_beat(self):
        self.turn_of(self.maya)
        self.session.change_bpm(16)
        self.session.save_now()
        self.root.open_screen("sessions")
        self.sessions.withdraw("participant")  # on Maya's page, as Withdraw, confirmed, does
        self.assertIn("Also deleted: their beat in Beats.", said(self.root))
        self.assertEqual(self.readable_beat_files(), [])
        self.assertEqual(self.sealed_beats(self.maya), 0)
        self.root.open_screen("beats")
        self.assertEqual(self.beat.bpm, 90)
