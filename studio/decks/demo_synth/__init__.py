"""Original demo tracks for the DJ decks, and tempo test pieces whose truth comes from the material.

Everything here is synthesised by the project's own code: drums from the shipped kits (made by
studio.kits.synth), bass and keys from studio.melody.instrument_synth, pads and leads in voices.py.

    python -m studio.decks.demo_synth            # rewrite samples/tracks (OGG Vorbis and tracks.json)
    python -m studio.decks.demo_synth OUT_DIR    # write them somewhere else

    tracks.py      the shipped tracks: titles, tempos, keys, arrangements
    tempo_set.py   make_tempo_set(): ~40 pieces of known tempo and first downbeat, made on the fly
    styles.py      the grooves, bass lines, chords and melodies of each style (style.py: their shape)
    arrangement.py a piece (a style at a tempo, in a key, in sections) rendered to samples
    render.py      the sample-exact grid, mixing, effects and the master limiter
    voices.py      the instruments; harmony.py keys and chords; notation.py the step patterns
"""

from studio.decks.demo_synth.tracks import (
    SHIPPED_TRACKS, SHIPPED_TRACKS_DIR, TRACK_SAMPLE_RATE, TRACKS_JSON, Track, render_track, track_entry,
    write_tracks,
)

__all__ = [
    "SHIPPED_TRACKS", "SHIPPED_TRACKS_DIR", "TRACK_SAMPLE_RATE", "TRACKS_JSON", "Track", "render_track",
    "track_entry", "write_tracks",
]
