"""The questions Sessions asks before it deletes or replaces anything: withdrawing consent (with
what will be deleted) and restoring a backup. They are the Decks' ConfirmSheet, with the answer
that deletes in red."""

from __future__ import annotations

from apps import theme
from apps.decks.sheet import ConfirmSheet
from apps.sessions.words import count_text, names_text


def _dangerous(sheet: ConfirmSheet) -> ConfirmSheet:
    button = sheet.ids.confirm_button
    button.fill, button.outline, button.text_colour = theme.BAD, theme.BAD, theme.DARK_TEXT
    return sheet


def withdraw_sheet(pseudonym: str, items) -> ConfirmSheet:
    if items:
        going = (f"These will be deleted for good ({count_text(len(items), 'recording')}): {names_text(items)}. "
                 "They cannot be brought back, and backups made before keep their own copies.")
    else:
        going = "Nothing has been saved for them yet, so nothing will be deleted."
    return _dangerous(ConfirmSheet(title=f"Withdraw {pseudonym}'s consent?",
                                   message=f"Are you sure? {going} Songs exported for them are deleted too, "
                                           "where they are still as exported. Session records stay.",
                                   confirm_text="Withdraw and delete"))


def restore_sheet(backup_words: str) -> ConfirmSheet:
    return _dangerous(ConfirmSheet(
        title="Restore this backup?",
        message=f"Everything in Sessions now is replaced by the {backup_words[0].lower() + backup_words[1:]}. "
                "Work saved since then is lost, participants' takes kept in Sessions since then too. Next, type the PIN that was used on the day of the backup.",
        confirm_text="Restore"))
