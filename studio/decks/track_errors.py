"""The one error loading a track raises, worded for the person holding the tablet."""

from __future__ import annotations

from pathlib import Path


class TrackError(ValueError):
    """A track that cannot be used; str(error) is one plain sentence for the screen.

    A ValueError, so the ward-studio command prints it as one line instead of a traceback.
    """


def shown_name(path: str | Path) -> str:
    """How a track is named in messages: its file name in quotes, as in “my song.mp3”."""
    return f"\u201c{Path(path).name}\u201d"
