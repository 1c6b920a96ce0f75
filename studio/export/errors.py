"""What can go wrong in an export, in words the user can act on."""

from __future__ import annotations


class ExportError(Exception):
    """An export that could not be done; str() is a plain-words message for the user."""


class ExportCancelled(ExportError):
    """The user cancelled the export; nothing is left under the final file name."""

    def __init__(self, message: str = "The export was cancelled.") -> None:
        super().__init__(message)


class ExportFileExists(ExportError):
    """The final file name is taken; the caller chooses: replace it (overwrite=True) or use free_name()."""

    def __init__(self, message: str, path) -> None:
        super().__init__(message)
        self.path = path
