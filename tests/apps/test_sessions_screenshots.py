"""Screenshots of the Sessions screens into test-artifacts/ (git-ignored) to look at: the PIN pad,
the mentor's home with three participants, a participant's page with consent and a session record
filled in (its top, and scrolled to the notes), and patient mode; in the touch harness at 1280x800
(with the wait after wrong PINs, the question before withdrawing consent and the mentor settings
too), and drawn in a window of their own at 2048x1536 (density 2, so 1024x768 dp)."""

import pytest

from tests.apps.apps_test_support import (ARTIFACTS, check_screenshot, screenshot_in_its_own_process,
                                          skip_module_without_display)

skip_module_without_display()

from tests.apps.sessions_support import PIN, SessionsTouchCase, sine_wav  # noqa: E402

pytestmark = pytest.mark.ui

SIZES = {"2048x1536": ("2", (2048, 1536))}  # 1280x800 at density 1 is the harness's own window
SHOTS = ("sessions-pin", "sessions-home", "sessions-participant", "sessions-participant-notes", "sessions-patient")


def stage_pin(case) -> None:
    """First use: the PIN pad, two digits typed."""
    case.make_screen()
    for digit in "13":
        case.pad.press(digit)


def stage_home(case) -> None:
    """Three participants: one agreed to most things and made three pieces, one agreed to being
    recorded, one has not given consent yet."""
    case.pad.clear()
    case.enter_pin(PIN)
    case.enter_pin(PIN)
    maya, jay, _ = case.add_participants("Maya", "MC Corridor", "DJ Ward 7")
    store = case.store
    store.record_consent(maya.id, {"record", "keep", "perform"}, "Maya")
    store.record_consent(jay.id, {"record"}, "a parent or carer of MC Corridor")
    for name in ("Take 1", "Take 2"):
        case.pass_time(300)
        store.save(maya.id, "take", sine_wav(0.1), name)
    store.save(maya.id, "beat", b"{}", "Night bus")
    store.save(jay.id, "take", sine_wav(0.1), "First verse")
    case.screen.show_for_mode()
    case.home.say("")


def stage_participant(case) -> None:
    """Maya's page: consent given, a session going on with its notes filled in and saved."""
    screen = case.screen
    case.open_page("Maya")
    card = screen.page.ids.session_card
    screen.start_session()
    screen.note_use("beats", "Beat: Night bus")
    screen.note_use("mic", "Take 2")
    case.pass_time(25 * 60)
    card.ids.mood_before_scale.selected = 2
    card.ids.mood_after_scale.selected = 4
    card.ids.engagement_scale.selected = "joined in most of the time"
    card.ids.communication_scale.selected = "good"
    card.ids.incidents_input.text = "Got upset when the beat stopped; a break and some water helped."
    card.ids.notes_input.text = "Wants to finish the chorus next week."
    screen.save_notes()
    case.advance_frames(2)


def stage_notes(case) -> None:
    case.scroll_to(case.screen.page.ids.session_card.ids.save_notes_button)


def stage_patient(case) -> None:
    case.screen.hand_to_participant()
    case.screen.patient.say("")


STAGES = (stage_pin, stage_home, stage_participant, stage_notes, stage_patient)


class ScreenshotStage(SessionsTouchCase):
    """Not a test: the touch case's set-up, used by draw_screenshots in a process of its own."""

    __test__ = False

    def runTest(self):
        pass

    @property
    def home(self):
        return self.screen.home


def draw_screenshots(path: str, size: str) -> None:
    """Run in a process of its own (the density is set before Kivy starts): each stage saved as
    a PNG; path is the first one's, the others are named after it."""
    case = ScreenshotStage()
    case.setUp()
    case.Window.size = tuple(int(side) for side in size.split("x"))
    case.advance_frames(2)
    try:
        for stage, shot in zip(STAGES, SHOTS):
            stage(case)
            case.advance_frames(3)
            case.root.export_to_png(path.replace(SHOTS[0], shot))
    finally:
        case.screen.close()


DRAW_SCRIPT = """
import os, sys, tempfile
os.environ.update(KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1",
                  KIVY_HOME=tempfile.mkdtemp(prefix="kivy-home-"))
from tests.apps.test_sessions_screenshots import draw_screenshots
draw_screenshots(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("size", SIZES)
def test_the_sessions_screens_at_tablet_size(size, tmp_path):
    density, expected_size = SIZES[size]
    for shot in SHOTS[1:]:
        (ARTIFACTS / f"{shot}-{size}.png").unlink(missing_ok=True)
    screenshot_in_its_own_process(DRAW_SCRIPT, SHOTS[0], size, density, tmp_path, timeout_s=120)
    for shot in SHOTS:
        check_screenshot(ARTIFACTS / f"{shot}-{size}.png", expected_size)


class SessionsScreenshotTest(ScreenshotStage):
    __test__ = True

    def shoot(self, name: str):
        check_screenshot(self.save_screenshot(f"{name}-1280x800"), (1280, 800))

    def test_the_sessions_screens_at_1280x800(self):
        for stage, shot in zip(STAGES, SHOTS):
            stage(self)
            self.shoot(shot)
        self.tap(self.screen.patient.ids.mentor_button)
        for _ in range(5):
            self.enter_pin("1111")
        self.shoot("sessions-pin-wait")
        self.clock.advance(60)
        self.screen.update_wait()
        self.enter_pin(PIN)
        self.screen.open_participant(next(p.id for p in self.store.participants() if p.pseudonym == "Maya"))
        self.scroll_to(self.screen.page.ids.consent_card.ids.withdraw_button)
        self.tap(self.screen.page.ids.consent_card.ids.withdraw_button)
        self.shoot("sessions-withdraw")
        self.screen.ids.sheets.close()
        self.store.backup_to(self.folder / "backups")
        self.screen.open_settings()
        self.shoot("sessions-settings")
