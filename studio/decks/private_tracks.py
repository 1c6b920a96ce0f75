"""Takes decoded for a deck are kept apart in the track cache, in <cache>/private/ (see
track_cache.TrackCache), so that they can all be removed at once, with nothing heavy to import:

    forget_private_tracks(cache_folder) -> bool     True if there was anything to remove
"""

from __future__ import annotations

import shutil
from pathlib import Path

PRIVATE_FOLDER = "private"


def forget_private_tracks(cache_folder: Path) -> bool:
    private = Path(cache_folder) / PRIVATE_FOLDER
    if not private.exists():
        return False
    shutil.rmtree(private, ignore_errors=True)
    return True
