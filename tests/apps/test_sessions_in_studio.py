"""Sessions in the whole studio: once a mentor has set Sessions up, Mic records only for a
participant who agreed to it (a touch on Record and a MIDI-learned Record alike), Export for a
show needs consent to perform, and a participant holding the tablet cannot open the settings."""

import os
import tempfile

import pytest

from tests.apps.apps_test_support import skip_module_without_display

skip_module_without_display()

from studio.engine.client import ActionRefused  # noqa: E402
from studio.sessions.studio_gate import NO_PARTICIPANT  # noqa: E402
from tests.apps.studio_touch_case import StudioTouchCase  # noqa: E402

pytestmark = pytest.mark.ui
PIN = "2468"


def said(root) -> list[str]:
    """What the banner shows and has waiting to show."""
    return [root.banner.message] + [message for message, _kind in root.banner._waiting]


class TestSessionsInTheStudio(StudioTouchCase):
    def setUp(self):
        os.environ["WARD_STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="ward-studio-data-")
        super().setUp()

    def test_recording_waits_for_a_participant_and_their_consent_once_sessions_is_set_up(self):
        root = self.make_root()
        root.client.act("mic", "recording", 1)  # Sessions not set up on this tablet: nothing asked
        root.client.act("mic", "recording", 0)
        root.open_screen("sessions")
        sessions = root.sessions_screen
        for _ in range(2):  # a new mentor PIN, typed twice
            sessions.pin_typed(PIN)
        self.assertIsNotNone(sessions.unlocked_store)

        root.open_screen("mic")
        sent_before = len(self.client.sent("mic", "recording"))
        root.mic_screen.toggle_record()  # as a tap on Record does
        self.assertIn(NO_PARTICIPANT, said(root))
        self.assertFalse(root.mic_screen.session.recording)
        self.assertEqual(len(self.client.sent("mic", "recording")), sent_before)

        maya = sessions.store.add_participant("Maya", pronouns="she")
        sessions.open_participant(maya.id)
        with self.assertRaises(ActionRefused) as refused:  # as a MIDI-learned Record would
            root.client.act("mic", "recording", 1)
        self.assertIn("Maya", str(refused.exception))
        self.assertIn("Maya", root.gate.refuse_export("performance"))

        sessions.store.record_consent(maya.id, {"record", "keep", "perform"}, "the participant")
        root.mic_screen.toggle_record()
        self.assertTrue(root.mic_screen.session.recording)
        self.assertEqual(self.client.sent("mic", "recording")[-1], 1.0)
        self.assertEqual(root.gate.refuse_export("performance"), "")

    def test_a_participant_holding_the_tablet_cannot_open_the_settings(self):
        root = self.make_root()
        root.open_screen("sessions")
        sessions = root.sessions_screen
        for _ in range(2):
            sessions.pin_typed(PIN)
        jay = sessions.store.add_participant("Jay", pronouns="he")
        sessions.open_participant(jay.id)
        sessions.hand_to_participant()
        self.assertEqual(sessions.store.mode, "patient")
        root.open_settings()
        self.assertNotEqual(root.screens.current, "settings")
        root.open_screen("launcher")
        self.assertEqual(root.screens.current, "launcher")
