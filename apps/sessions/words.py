"""What the Sessions screens say, in plain words: consent, recordings, times, the audit log.

No kivy here, so the wording can be checked without a display.
"""

from __future__ import annotations

from datetime import datetime

from studio.sessions.consent import SCOPES

# (title, one plain line) for each consent scope, in the store's order.
SCOPE_WORDS = {
    "record": ("Being recorded", "Their voice can be recorded in sessions."),
    "keep": ("Keeping recordings", "Recordings are kept after the session, not deleted when it ends."),
    "perform": ("Playing at a performance", "Their songs can be played at a show."),
    "share": ("Sharing outside the ward", "Their songs can be given to people outside the ward."),
}
SHORT_SCOPE_WORDS = {"record": "record", "keep": "keep", "perform": "perform", "share": "share"}
GIVERS = ("participant", "carer", "mentor")
GIVER_CHOICES = {
    "participant": "The participant",
    "carer": "A parent or carer",
    "mentor": "The mentor, noting spoken consent",
}
KIND_WORDS = {"take": "Vocal take", "beat": "Beat", "export": "Exported song", "song": "Song",
              "cache": "Working file", "recovery": "Saved take"}
MODE_WORDS = {"mentor": "Mentor", "patient": "Participant", "locked": "Locked", "system": "The app"}
ACTION_WORDS = {
    "view": "opened", "export": "exported", "delete": "deleted", "denied": "refused", "consent": "consent",
    "withdraw": "consent withdrawn", "backup": "backup", "restore": "restored", "pin-change": "PIN changed",
    "session": "session record", "setting": "setting",
}


def when_text(at_s: float, now_s: float | None = None) -> str:
    """"Today 14:05", or "3 Jun 2026, 14:05" on another day."""
    when = datetime.fromtimestamp(at_s)
    if now_s is not None and when.date() == datetime.fromtimestamp(now_s).date():
        return f"Today {when:%H:%M}"
    return f"{when.day} {when:%b %Y}, {when:%H:%M}"


def minutes_text(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def count_text(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def given_by_text(giver: str, pseudonym: str) -> str:
    """What the store keeps as who gave (or withdrew) consent."""
    return {"participant": pseudonym, "carer": f"a parent or carer of {pseudonym}",
            "mentor": f"{pseudonym}, spoken, noted by the mentor"}[giver]


def giver_of(given_by: str, pseudonym: str) -> str:
    """The choice a stored given_by came from (the participant when it is none of them)."""
    for giver in GIVERS:
        if given_by_text(giver, pseudonym) == given_by:
            return giver
    return "participant"


def consent_summary(consent) -> str:
    """One line for the participants list: what they agreed to, or that nothing is recorded."""
    if consent is None:
        return "No consent yet"
    agreed = [SHORT_SCOPE_WORDS[scope] for scope in SCOPES if consent.covers(scope)]
    return ("Agreed to: " + ", ".join(agreed)) if agreed else "Agreed to nothing yet"


def consent_detail(consent, pseudonym: str, now_s: float | None = None) -> str:
    if consent is None:
        return f"No consent recorded yet. Record it before {pseudonym}'s first recording."
    agreed = [SCOPE_WORDS[scope][0].lower() for scope in SCOPES if consent.covers(scope)]
    return (f"Given by {consent.given_by}, {when_text(consent.given_at_s, now_s)}, for: "
            f"{', '.join(agreed) if agreed else 'nothing yet'}.")


def item_line(item, now_s: float | None = None) -> str:
    return f"{KIND_WORDS.get(item.kind, item.kind)} \u00b7 {when_text(item.created_at_s, now_s)}"


def names_text(items, most: int = 8) -> str:
    names = [item.name for item in items]
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def retention_text(days: int) -> str:
    return f"Recordings are deleted after {count_text(days, 'day')}."


def session_status(record, now_s: float) -> str:
    if record is None:
        return "No session yet. Start one when the session begins."
    if record.ended_at_s is None:
        return (f"Session going on: started {when_text(record.started_at_s, now_s)} "
                f"({minutes_text(now_s - record.started_at_s)} so far).")
    return (f"Last session: {when_text(record.started_at_s, now_s)}, "
            f"{minutes_text(record.ended_at_s - record.started_at_s)}.")


def session_use(record) -> str:
    if record is None:
        return ""
    apps = ", ".join(app.capitalize() for app in record.apps) or "none yet"
    made = ", ".join(record.made) or "nothing yet"
    return f"Apps used: {apps}. Made: {made}."


def _mode_change(detail: str, who: str) -> str:
    """An audit entry of a mode change ("patient (handed to participant 3)") in plain words."""
    new_mode, _, why = detail.partition(" (")
    if new_mode == "mentor":
        return "Mentor view opened with the PIN"
    if new_mode == "patient":
        return (f"Tablet handed to {who}" if "handed" in why else f"Back to {who}'s view: no touch for a while")
    return "Locked: no touch for a while" if why.startswith("idle") else "Locked by the mentor"


def audit_line(entry, names: dict[int, str], now_s: float | None = None) -> str:
    who = names.get(entry.participant_id, "") if entry.participant_id is not None else ""
    if entry.action == "mode":
        said = _mode_change(entry.detail, who or "a participant")
    else:
        about = f" ({who})" if who else ""
        said = f"{ACTION_WORDS.get(entry.action, entry.action).capitalize()}{about}: {entry.detail}"
    return f"{when_text(entry.at_s, now_s)}  \u00b7  {MODE_WORDS.get(entry.mode, entry.mode)}  \u00b7  {said}"


def sentence(message: str) -> str:
    """A message as a sentence: a capital letter first, a full stop at the end."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message[-1] in ".!?" else message + "."


def file_name_part(text: str) -> str:
    """A pseudonym as part of a file name: letters, digits and dashes."""
    kept = "".join(character if character.isalnum() else "-" for character in text.strip())
    return "-".join(part for part in kept.split("-") if part) or "participant"
