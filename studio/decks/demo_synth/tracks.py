"""The demo tracks that ship in samples/tracks: what each one is, and writing them.

Each has a drums-only intro and outro of whole phrases (somewhere for a DJ to mix in and out),
a body with bass, keys and a lead, and a breakdown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import soundfile

from studio.decks.demo_synth import styles
from studio.decks.demo_synth.arrangement import Piece, RenderedPiece, render_piece
from studio.decks.demo_synth.harmony import Key
from studio.decks.demo_synth.style import Section

SHIPPED_TRACKS_DIR = Path(__file__).resolve().parents[3] / "samples" / "tracks"
TRACKS_JSON = "tracks.json"
TRACK_SAMPLE_RATE = 44100
# libsndfile's compression level 0..1 is Vorbis quality 1..0: 0.6 is quality 0.4 (oggenc -q 4),
# about 128 kbit/s, transparent enough for a demo and about 1.2 MB a track.
VORBIS_COMPRESSION_LEVEL = 0.6
OGG_WRITE_BLOCK_FRAMES = 16384
PEAK_DBFS = -1.0  # no sample of a shipped track passes this, decoded
# Vorbis moves peaks (it drops the highest highs and reshapes transients): up to 1.2 dB over the
# render was measured. So the render stops 1.5 dB short, and write_track checks the decoded file.
RENDER_CEILING_DBFS = PEAK_DBFS - 1.5
ARTIST = "Ward Studio"
ALBUM = "Ward Studio demo tracks"
LICENCE = ("Original music, synthesised by Ward Studio's own code (python -m studio.decks.demo_synth). "
           "GPL-3.0-or-later OR CC0-1.0, as you choose: see samples/LICENSE.")


@dataclass(frozen=True)
class Track:
    file: str
    title: str
    piece: Piece

    @property
    def style(self) -> str:
        return self.piece.style.name


def _s(name: str, bars: int, groove: str | None, *parts: str, fill: bool = False, crash: bool = False) -> Section:
    return Section(name, bars, groove, parts, fill, crash)


SHIPPED_TRACKS = (
    Track("morning-round.ogg", "Morning Round", Piece(
        styles.BOOM_BAP, 88.0, Key(2, "minor"), (  # D minor
            _s("intro", 4, "intro", fill=True),
            _s("verse", 8, "main", "bass", "keys", fill=True),
            _s("breakdown", 4, "break", "keys", "lead"),
            _s("hook", 8, "main", "bass", "keys", "lead", fill=True),
            _s("outro", 4, "intro"),
        ), seed=88, first_downbeat_s=0.1)),
    Track("window-seat.ogg", "Window Seat", Piece(
        styles.LOFI, 75.0, Key(5, "major"), (  # F major
            _s("intro", 4, "intro", fill=True),
            _s("verse", 8, "main", "bass", "keys", fill=True),
            _s("breakdown", 4, "break", "keys", "lead"),
            _s("hook", 4, "main", "bass", "keys", "lead", fill=True),
            _s("outro", 4, "intro"),
        ), seed=75, first_downbeat_s=0.25)),
    Track("tea-trolley.ogg", "Tea Trolley", Piece(
        styles.FUNK, 110.0, Key(4, "dorian"), (  # E minor (dorian)
            _s("intro", 8, "intro", fill=True),
            _s("verse", 8, "main", "bass", "keys", fill=True),
            _s("breakdown", 4, "break", "keys", "bass"),
            _s("hook", 8, "main", "bass", "keys", "pad", "lead", fill=True, crash=True),
            _s("outro", 4, "intro", crash=True),
        ), seed=110, first_downbeat_s=0.05)),
    Track("night-shift.ogg", "Night Shift", Piece(
        styles.HOUSE, 123.5, Key(9, "minor"), (  # A minor
            _s("intro", 8, "intro", fill=True),
            _s("verse", 8, "main", "bass", "keys", fill=True, crash=True),
            _s("breakdown", 4, "break", "pad", "lead"),
            _s("build", 4, "build", "pad", "lead"),
            _s("drop", 8, "main", "bass", "stabs", "pad", "lead", fill=True, crash=True),
            _s("outro", 8, "intro", crash=True),
        ), seed=1235)),
    Track("visiting-hours.ogg", "Visiting Hours", Piece(
        styles.TRAP, 140.0, Key(7, "minor"), (  # G minor
            _s("intro", 8, "intro", fill=True),
            _s("verse", 8, "main", "808", "pad", fill=True, crash=True),
            _s("hook", 8, "main", "808", "bell", "pad", fill=True, crash=True),
            _s("breakdown", 4, "break", "bell", "pad"),
            _s("hook", 8, "main", "808", "bell", "pad", fill=True, crash=True),
            _s("outro", 8, "intro", crash=True),
        ), seed=140)),
    Track("green-corridor.ogg", "Green Corridor", Piece(
        styles.DRUM_AND_BASS, 172.0, Key(5, "minor"), (  # F minor
            _s("intro", 8, "intro", fill=True),
            _s("drop", 16, "main", "bass", "pad", "arp", fill=True, crash=True),
            _s("breakdown", 8, "break", "pad", "lead", fill=True),
            _s("drop", 16, "main", "bass", "pad", "arp", "lead", fill=True, crash=True),
            _s("outro", 8, "intro", crash=True),
        ), seed=172)),
)


def render_track(track: Track, sample_rate: int = TRACK_SAMPLE_RATE) -> RenderedPiece:
    return render_piece(replace(track.piece, ceiling_dbfs=RENDER_CEILING_DBFS), sample_rate)


def track_entry(track: Track, sample_rate: int = TRACK_SAMPLE_RATE) -> dict:
    """The track's line in tracks.json (worked out from the recipe: no rendering needed)."""
    piece = track.piece
    return {
        "file": track.file,
        "title": track.title,
        "artist": ARTIST,
        "style": track.style,
        "bpm": piece.bpm,
        "first_downbeat_s": piece.first_downbeat_s,
        "beats_per_bar": 4,
        "key": piece.key.name,
        "duration_s": round(piece.frames(sample_rate) / sample_rate, 3),
        "sample_rate": sample_rate,
        "sections": [
            {"name": section.name, "bars": section.bars, "start_s": round(start_s, 3)}
            for section, start_s in zip(piece.sections, piece.section_starts_s())
        ],
        "licence": LICENCE,
    }


def write_ogg(path: Path, samples: np.ndarray, sample_rate: int, track: Track) -> None:
    with soundfile.SoundFile(path, "w", sample_rate, 2, format="OGG", subtype="VORBIS",
                             compression_level=VORBIS_COMPRESSION_LEVEL) as out:
        # Tags go in the Vorbis header, so they are set before any samples are written.
        out.title = track.title
        out.artist = ARTIST
        out.album = ALBUM
        out.genre = track.style
        piece = track.piece
        out.comment = f"bpm={piece.bpm:g}; first_downbeat_s={piece.first_downbeat_s:g}; key={piece.key.name}"
        out.license = "GPL-3.0-or-later OR CC0-1.0"
        # In blocks: libvorbis puts a buffer the size of one write on the stack, and a whole track
        # at once overflows it (a segfault; python-soundfile issues #233 and #426).
        for start in range(0, len(samples), OGG_WRITE_BLOCK_FRAMES):
            out.write(samples[start:start + OGG_WRITE_BLOCK_FRAMES])


def write_track(track: Track, tracks_dir: Path) -> Path:
    """Render and encode one track; if decoding shows a peak over PEAK_DBFS, encode it again quieter."""
    path = Path(tracks_dir) / track.file
    samples = render_track(track).samples
    for _ in range(3):
        write_ogg(path, samples, TRACK_SAMPLE_RATE, track)
        decoded, _ = soundfile.read(str(path), dtype="float32")
        over_db = 20 * np.log10(float(np.max(np.abs(decoded)))) - (PEAK_DBFS - 0.1)
        if over_db <= 0:
            return path
        samples = samples * np.float32(10 ** (-(over_db + 0.1) / 20))
    raise RuntimeError(f"{track.file} still peaks over {PEAK_DBFS} dBFS after encoding")


def write_tracks(tracks_dir: Path = SHIPPED_TRACKS_DIR, tracks=SHIPPED_TRACKS) -> list[Path]:
    """Render every track to tracks_dir as OGG Vorbis, with tracks.json beside them."""
    tracks_dir = Path(tracks_dir)
    tracks_dir.mkdir(parents=True, exist_ok=True)
    written = [write_track(track, tracks_dir) for track in tracks]
    listing = [track_entry(track) for track in tracks]
    (tracks_dir / TRACKS_JSON).write_text(json.dumps(listing, indent=2) + "\n", encoding="utf-8")
    return written
