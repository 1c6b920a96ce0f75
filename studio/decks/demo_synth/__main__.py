"""python -m studio.decks.demo_synth [OUT_DIR]: write the demo tracks (default: samples/tracks)."""

import sys
import time
from pathlib import Path

from studio.decks.demo_synth import SHIPPED_TRACKS, SHIPPED_TRACKS_DIR, track_entry, write_tracks

tracks_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED_TRACKS_DIR
started_s = time.perf_counter()
paths = write_tracks(tracks_dir)
for track, path in zip(SHIPPED_TRACKS, paths):
    entry = track_entry(track)
    print(f"{track.title:<16} {entry['style']:<12} {entry['bpm']:>6g} BPM  {entry['key']:<9} "
          f"{entry['duration_s']:5.1f} s  {path.stat().st_size / 1e6:4.2f} MB  {path}")
total_mb = sum(path.stat().st_size for path in paths) / 1e6
print(f"{len(paths)} tracks, {total_mb:.2f} MB, in {time.perf_counter() - started_s:.1f} s")
