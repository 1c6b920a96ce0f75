"""Session records for the clinical team: a CSV of many sessions, and a one-page PDF of one.

    records_csv(rows, include_reference=False) -> str      rows: [(SessionRecord, Participant)]
    record_pdf(record, participant, compress=True) -> bytes    A4, always one page
    CSV_COLUMNS

Both name the participant by their pseudonym only; the CSV adds the ward's reference only when
asked. The CSV is for spreadsheets: UTF-8 with a byte-order mark (so Excel reads accents right),
RFC 4180 quoting, and a cell that starts like a formula (= + - @) gets a leading apostrophe so a
spreadsheet shows it instead of running it.

The PDF uses DejaVu Sans from the Kivy package when it is installed (any script a pseudonym may
be written in), else Helvetica (Latin-1 only; other letters are simplified or shown as "?").
Long notes are cut to fit the page and end with CONTINUED.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import unicodedata
from datetime import datetime
from pathlib import Path

from studio.sessions.catalogue import Participant
from studio.sessions.session_record import MOOD_WORDS, SessionRecord

CSV_COLUMNS = ("session", "pseudonym", "date", "started", "ended", "minutes", "apps", "made", "engagement",
               "communication", "mood_before", "mood_after", "incidents", "notes")
CONTINUED = "…(continued in the app)"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAGE_W_MM, PAGE_H_MM, MARGIN_MM = 210.0, 297.0, 15.0
LINE_MM = 5.5
FOOTER_MM = 12.0
FACE_MM = 9.0


def _local(at_s: float) -> datetime:
    return datetime.fromtimestamp(at_s).astimezone()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def records_csv(rows: list[tuple[SessionRecord, Participant]], include_reference: bool = False) -> str:
    columns = list(CSV_COLUMNS)
    if include_reference:
        columns.insert(2, "reference")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record, participant in rows:
        started = _local(record.started_at_s)
        ended = _local(record.ended_at_s) if record.ended_at_s is not None else None
        values = [record.id, participant.pseudonym, started.date().isoformat(),
                  started.isoformat(timespec="minutes"), ended.isoformat(timespec="minutes") if ended else "",
                  round(record.length_s / 60) if record.length_s is not None else "",
                  "; ".join(record.apps), "; ".join(record.made), record.engagement, record.communication,
                  record.mood_before or "", record.mood_after or "", record.incidents, record.notes]
        if include_reference:
            values.insert(2, participant.reference)
        writer.writerow([_cell(value) for value in values])
    return "\ufeff" + out.getvalue()


def _unicode_font() -> Path | None:
    spec = importlib.util.find_spec("kivy")  # finds the package without importing it
    for location in (spec.submodule_search_locations or []) if spec else []:
        font = Path(location) / "data" / "fonts" / "DejaVuSans.ttf"
        if font.is_file():
            return font
    return None


class _Page:
    def __init__(self):
        from fpdf import FPDF  # here, not at the top: it takes 0.3 s to load, and Sessions must open fast

        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.pdf.add_page()
        font = _unicode_font()
        if font is not None:
            self.pdf.add_font("Body", "", str(font))
            self.family, self.unicode = "Body", True
        else:
            self.family, self.unicode = "Helvetica", False
        self.width = PAGE_W_MM - 2 * MARGIN_MM

    def text(self, text: str) -> str:
        if self.unicode:
            return text
        text = text.replace("…", "...").replace("’", "'").replace("“", '"').replace("”", '"')
        simplified = unicodedata.normalize("NFKD", text)
        return "".join(c for c in simplified if not unicodedata.combining(c)).encode("latin-1", "replace").decode(
            "latin-1")

    def font(self, size: float) -> None:
        self.pdf.set_font(self.family, "", size)

    def line(self, text: str, size: float = 11, height: float = LINE_MM) -> None:
        self.font(size)
        self.pdf.cell(self.width, height, self.text(text), new_x="LMARGIN", new_y="NEXT")

    def wrapped(self, text: str, size: float = 11) -> list[str]:
        self.font(size)
        lines: list[str] = []
        for paragraph in self.text(text).split("\n"):
            lines += self.pdf.multi_cell(self.width, LINE_MM, paragraph, dry_run=True, output="LINES") or [""]
        return lines

    def fitted(self, lines: list[str], most: int) -> list[str]:
        """At most `most` lines; when cut, the last one ends with CONTINUED."""
        if len(lines) <= most:
            return lines
        if most <= 0:
            return []
        last, ending = lines[most - 1].rstrip(), self.text(CONTINUED)
        while last and self.pdf.get_string_width(f"{last} {ending}") > self.width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]  # whole words where it can
        return lines[: most - 1] + [f"{last.rstrip()} {ending}".lstrip()]

    def face(self, x: float, y: float, mood: int, chosen: bool) -> None:
        pdf, size = self.pdf, FACE_MM
        pdf.set_draw_color(0)
        pdf.set_line_width(0.6 if chosen else 0.25)
        pdf.set_fill_color(255, 214, 102) if chosen else pdf.set_fill_color(255, 255, 255)
        pdf.ellipse(x, y, size, size, style="DF")
        pdf.set_fill_color(0)
        for eye_x in (x + size * 0.32, x + size * 0.62):
            pdf.ellipse(eye_x, y + size * 0.3, size * 0.08, size * 0.08, style="F")
        curve = (mood - 3) / 2  # -1 a frown ... +1 a smile
        points = [(x + size * (0.28 + 0.44 * step / 8),
                   y + size * (0.68 + 0.14 * curve * (1 - ((step - 4) / 4) ** 2) - 0.07 * curve)) for step in range(9)]
        pdf.polyline(points)
        pdf.set_line_width(0.2)
        self.font(8)
        pdf.set_xy(x - 2, y + size + 0.5)
        pdf.cell(size + 4, 3.5, str(mood), align="C")

    def mood_row(self, label: str, mood: int | None) -> None:
        y = self.pdf.get_y()
        self.font(11)
        self.pdf.set_xy(MARGIN_MM, y + 2)
        noted = f"{mood} ({MOOD_WORDS[mood]})" if mood is not None else "not noted"
        self.pdf.cell(45, LINE_MM, self.text(f"{label}: {noted}"))
        for mood_shown in range(1, 6):
            self.face(MARGIN_MM + 75 + (mood_shown - 1) * (FACE_MM + 6), y, mood_shown, mood_shown == mood)
        self.pdf.set_xy(MARGIN_MM, y + FACE_MM + 6)


def _when(record: SessionRecord) -> tuple[str, str]:
    started = _local(record.started_at_s)
    date = f"{started:%A} {started.day} {started:%B %Y}"
    if record.ended_at_s is None:
        return date, f"{started:%H:%M}, not ended"
    minutes = round(record.length_s / 60)
    return date, f"{started:%H:%M} to {_local(record.ended_at_s):%H:%M} ({minutes} minute{'s' * (minutes != 1)})"


def record_pdf(record: SessionRecord, participant: Participant, compress: bool = True) -> bytes:
    page = _Page()
    page.pdf.set_compression(compress)
    page.line("Ward Studio: session record", size=10)
    page.line(participant.pseudonym, size=22, height=11)
    date, times = _when(record)
    page.line(f"{date}, {times}")
    page.line(f"Apps used: {', '.join(app.capitalize() for app in record.apps) or 'none noted'}")
    for line in page.fitted(page.wrapped(f"What was made: {'; '.join(record.made) or 'nothing noted'}"), 3):
        page.line(line)
    page.line(f"Engagement: {record.engagement or 'not noted'}")
    page.line(f"Communication: {record.communication or 'not noted'}")
    page.mood_row("Mood before", record.mood_before)
    page.mood_row("Mood after", record.mood_after)
    incidents = page.wrapped(record.incidents or "None noted.")
    notes = page.wrapped(record.notes or "None.")
    room = int((PAGE_H_MM - MARGIN_MM - FOOTER_MM - page.pdf.get_y()) / LINE_MM) - 4  # 2 headings, 2 gaps
    incidents_lines = min(len(incidents), max(room // 2, room - len(notes)))
    notes_lines = room - incidents_lines
    for heading, lines, most in (("Issues or incidents", incidents, incidents_lines), ("Notes", notes, notes_lines)):
        page.pdf.ln(LINE_MM * 0.5)
        page.line(heading, size=13, height=LINE_MM * 1.5)
        for line in page.fitted(lines, most):
            page.line(line)
    page.pdf.set_xy(MARGIN_MM, PAGE_H_MM - MARGIN_MM - FOOTER_MM / 2)
    page.line(f"Named by pseudonym only. Session {record.id}, made with Ward Studio.", size=8)
    assert page.pdf.pages_count == 1
    return bytes(page.pdf.output())
