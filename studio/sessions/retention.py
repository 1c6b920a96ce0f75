"""How long recordings are kept, and the sweep that deletes the ones kept long enough.

    retention_days(records) -> int                 DEFAULT_RETENTION_DAYS until set
    set_retention_days(records, days, at_s, mode)  audited
    sweep(records, folder, now_s, mode="system") -> [Item]   each deletion audited, with why

Two reasons to delete: an item older than retention_days, and an item of a participant who has not
(or no longer) agreed to their recordings being kept, once its session is over: the session record
has ended, or, for an item made outside a session record, it is UNKEPT_GRACE_S old.
"""

from __future__ import annotations

from pathlib import Path

from studio.sessions.catalogue import Item, audit, delete_items, items, set_setting, setting
from studio.sessions.consent import current_consent
from studio.sessions.records import Records

RETENTION_DAYS_SETTING = "retention_days"
DEFAULT_RETENTION_DAYS = 90
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 1, 3650
UNKEPT_GRACE_S = 12 * 3600.0
DAY_S = 24 * 3600.0


def retention_days(records: Records) -> int:
    try:
        days = int(setting(records, RETENTION_DAYS_SETTING, str(DEFAULT_RETENTION_DAYS)))
    except ValueError:
        return DEFAULT_RETENTION_DAYS
    return min(MAX_RETENTION_DAYS, max(MIN_RETENTION_DAYS, days))


def set_retention_days(records: Records, days: int, at_s: float, mode: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ValueError(f"recordings can be kept for {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days, got {days!r}")
    with records.transaction() as connection:
        set_setting(connection, RETENTION_DAYS_SETTING, str(days))
        audit(connection, at_s, "setting", mode, None, None, f"recordings kept for {days} days")


def sweep(records: Records, folder: Path, now_s: float, mode: str = "system") -> list[Item]:
    days = retention_days(records)
    oldest_kept_s = now_s - days * DAY_S
    ended = {row[0]: row[1] for row in records.rows("SELECT id, ended_at_s FROM sessions")}
    keeps: dict[int, bool] = {}
    expired, unkept = [], []
    for each in items(records):
        if each.created_at_s < oldest_kept_s:
            expired.append(each)
            continue
        if each.participant_id not in keeps:
            consent = current_consent(records, each.participant_id)
            keeps[each.participant_id] = consent is not None and consent.covers("keep")
        if keeps[each.participant_id]:
            continue
        session_ended_s = ended.get(each.session_id) if each.session_id is not None else None
        if (session_ended_s is not None and session_ended_s <= now_s) or (
                each.session_id is None and each.created_at_s <= now_s - UNKEPT_GRACE_S):
            unkept.append(each)
    deleted = delete_items(records, folder, expired, now_s, mode, f"older than {days} days")
    return deleted + delete_items(records, folder, unkept, now_s, mode,
                                  "not agreed to be kept after the session")
