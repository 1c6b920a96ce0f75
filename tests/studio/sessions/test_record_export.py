"""Session records: checked notes, a CSV a spreadsheet reads safely, and a PDF that is always one page."""

import csv
import io
import re

import pytest

from studio.sessions import record_export
from studio.sessions.catalogue import Participant
from studio.sessions.record_export import CSV_COLUMNS, record_pdf, records_csv
from studio.sessions.session_record import ENGAGEMENT_SCALE, SessionRecord, check_record
from tests.studio.sessions.conftest import PIN

MAYA = Participant(1, "Maya", "W12-004", "she")
STARTED_S = 1_780_000_000.0


def noted(**changes) -> SessionRecord:
    record = SessionRecord(MAYA.id, STARTED_S, STARTED_S + 45 * 60, ("beats", "mic"), ("Take 1", "Beat: Night bus"),
                           "joined in most of the time", "good", 2, 4, "", "Wrote a verse about home.", id=3)
    return check_record(SessionRecord(**{**record.__dict__, **changes}))


def parsed(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def page_count(pdf: bytes) -> int:
    """The page tree's /Count, checked against the number of page objects."""
    trees = [body for body in re.findall(rb"\d+ 0 obj(.*?)endobj", pdf, re.S) if re.search(rb"/Type\s*/Pages\b", body)]
    assert len(trees) == 1
    count = int(re.search(rb"/Count\s+(\d+)", trees[0]).group(1))
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == count
    return count


def test_the_csv_has_one_row_per_session_and_the_pseudonym_only():
    text = records_csv([(noted(), MAYA), (noted(id=4, notes="Quiet today."), MAYA)])
    rows = parsed(text)
    assert rows[0] == list(CSV_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["3", "4"]
    row = dict(zip(rows[0], rows[1]))
    assert row["pseudonym"] == "Maya" and "W12-004" not in text
    assert (row["minutes"], row["apps"], row["made"], row["mood_before"], row["mood_after"]) == (
        "45", "beats; mic", "Take 1; Beat: Night bus", "2", "4")
    assert row["started"].startswith(row["date"])
    assert text.count("\r\n") == 3


def test_the_reference_is_added_only_when_asked():
    rows = parsed(records_csv([(noted(), MAYA)], include_reference=True))
    assert rows[0][:3] == ["session", "pseudonym", "reference"] and rows[1][2] == "W12-004"


def test_commas_quotes_line_breaks_and_formulas_survive_a_spreadsheet():
    tricky = 'Said "no", then sang,\nand laughed'
    row = dict(zip(CSV_COLUMNS, parsed(records_csv([(noted(notes=tricky, incidents="=HYPERLINK(\"x\")"),
                                                     MAYA)]))[1]))
    assert row["notes"] == tricky
    assert row["incidents"] == "'=HYPERLINK(\"x\")"  # shown as text, never run


@pytest.mark.parametrize("unicode_font", [True, False])
def test_the_pdf_is_one_page_even_with_very_long_notes(monkeypatch, unicode_font):
    if not unicode_font:
        monkeypatch.setattr(record_export, "_unicode_font", lambda: None)
    long = noted(made=tuple(f"Take {n}" for n in range(1, 50)), incidents="Left the room for a while. " * 140,
                 notes="A long, careful note about the session.\n" * 95)
    assert page_count(record_pdf(long, MAYA)) == 1
    assert page_count(record_pdf(noted(), MAYA)) == 1
    assert page_count(record_pdf(noted(mood_before=None, mood_after=None, ended_at_s=None, notes="", apps=()),
                                 MAYA)) == 1


def test_long_notes_are_cut_with_a_pointer_to_the_app(monkeypatch):
    monkeypatch.setattr(record_export, "_unicode_font", lambda: None)  # Helvetica: the text shows in the file
    short = record_pdf(noted(), MAYA, compress=False)
    assert b"Wrote a verse about home." in short and b"continued in the app" not in short
    assert b"(Maya)" in short and b"W12-004" not in short
    long = record_pdf(noted(notes="Verse " * 600), MAYA, compress=False)
    assert long.count(b"Verse ...\\(continued in the app\\)") == 1  # after a whole word


def test_a_pseudonym_in_any_script_reaches_the_pdf():
    if record_export._unicode_font() is None:
        pytest.skip("no Unicode font here (Kivy's DejaVu Sans is not installed)")
    assert page_count(record_pdf(noted(), Participant(2, "Łucja 日"))) == 1


@pytest.mark.parametrize("change, message", [
    ({"mood_before": 0}, r"^mood before must be 1 to 5 \(1 very low, 5 very good\), got 0$"),
    ({"mood_after": 6}, r"^mood after must be 1 to 5"),
    ({"mood_after": "3"}, r"^mood after must be 1 to 5"),
    ({"mood_after": True}, r"^mood after must be 1 to 5"),
    ({"engagement": "very engaged"}, r"^engagement must be one of: did not join in; joined in a little;"),
    ({"communication": "great"}, r"^communication must be one of: none; a little; some; good; very good"),
    ({"apps": ("beats", "piano")}, r"^apps must be from beats, decks, mic, export, sessions; not piano$"),
    ({"ended_at_s": STARTED_S - 1}, r"^a session cannot end before it starts$"),
    ({"incidents": "x" * 4001}, r"^incidents can be at most 4000 characters, got 4001$"),
])
def test_notes_off_the_scales_are_refused(change, message):
    with pytest.raises(ValueError, match=message):
        noted(**change)


def test_every_scale_word_and_mood_is_accepted():
    for word in ENGAGEMENT_SCALE:
        for mood in range(1, 6):
            assert noted(engagement=word, mood_before=mood).mood_before == mood


def test_the_store_exports_records_outside_its_folder_and_audits_it(store, maya, tmp_path, clock):
    session = store.start_session(maya.id)
    store.note_use(session.id, "beats", "Beat: Night bus")
    clock.advance(40 * 60)
    store.unlock(PIN)  # the mentor's mode had locked itself
    ended = store.end_session(session.id)
    store.save_session(noted(id=ended.id, participant_id=maya.id, started_at_s=ended.started_at_s,
                             ended_at_s=ended.ended_at_s, apps=ended.apps, made=ended.made))
    csv_path = store.export_records_csv(tmp_path / "out" / "sessions.csv")
    pdf_path = store.export_record_pdf(session.id, tmp_path / "out" / "session.pdf")
    row = dict(zip(CSV_COLUMNS, parsed(csv_path.read_text(encoding="utf-8"))[1]))
    assert (row["pseudonym"], row["minutes"], row["apps"]) == ("Maya", "40", "beats")
    assert page_count(pdf_path.read_bytes()) == 1
    assert [entry.detail for entry in store.audit_log() if entry.action == "export"] == [
        f"session {session.id} as PDF", "1 session record(s) as CSV"]
