"""The melodic pads ("Keys") as a pyo graph: 16 pads, each playing one note of a key and scale.

Build on a running server of any mode; ``output`` is stereo (the same sound on both sides).

    32 note players (2 per pad) -> mono mix -> pile-up limiter -> volume -> stereo

Each pad has two note players that take turns: a pad hit again while it rings starts its note
afresh on the other player while the old one fades out in a few ms, so a re-hit never
clicks. A player's level is a SigTo: set at once on a hit, and on release a straight line
that ends on exactly 0 (an exponential fade would decay into denormal numbers, which cost the
CPU many times more). Notes are made by instrument_synth and copied into pyo tables; a player
keeps the table it started with until its next hit, so changing the key or the sound never
cuts or retunes a note that is ringing.

One note peaks at PEAK_DBFS (-6 dBFS). Notes started together add up: 16 pads hit on the
same sample would peak near +10 dBFS. A fast limiter on the pads' own mix, set at that
level, leaves every single note untouched (to the bit) and keeps such a pile-up below about
-1.5 dBFS, so it does not push the master bus's safety limiter into ducking the drums too.
"""

from __future__ import annotations

import numpy as np
from studio.audio.dsp import pyo, trigenv_dur_s

from studio.audio.levels import db_to_amp
from studio.melody.instrument_synth import PEAK_DBFS, SOUNDS, render_note
from studio.melody.scales import (DEFAULT_OCTAVES, PAD_COUNT, check_root, check_scale, fit_octave,
                                  pad_notes)

RELEASE_S = 0.06  # a lifted finger fades its note out this fast: quick, but no click
RESTART_FADE_S = 0.008  # a ringing pad hit again: the old note fades this fast under the new one
VOLUME_GLIDE_S = 0.05  # volume changes glide: no zipper noise
PILE_UP_RATIO = 20.0
PILE_UP_ATTACK_S = 0.0001
PILE_UP_RELEASE_S = 0.15
# Added to what the limiter listens to (not to the sound): its level follower then settles on
# this after the last note instead of decaying into denormal numbers, which made pyo's
# Compress cost about 7 times as much from about 15 s into a silence.
DETECTOR_FLOOR = 1e-18


class NotePlayer:
    """Plays one table from its start on a trigger, at a level that fades linearly."""

    def __init__(self, silence: pyo.DataTable):
        self.start = pyo.Trig().stop()  # a Trig fires when made unless stopped
        self.level = pyo.SigTo(0.0, time=0.0, init=0.0)
        self.table = silence
        self._previous_table = None
        self.reader = pyo.TrigEnv(self.start, table=silence, dur=0.001, mul=self.level)

    def play(self, table: pyo.DataTable, length_s: float, velocity: float) -> None:
        """Start the table from its first sample, on the next audio block."""
        if table is not self.table:
            # Point the reader at the new table before the old one may be released: pyo frees
            # a table's memory with its Python object, even while a reader still reads it.
            self.reader.table = table
            self._previous_table, self.table = self.table, table
        self.reader.dur = trigenv_dur_s(table.getSize(), table.getSize() / length_s)
        self.level.time = 0.0
        self.level.value = velocity
        self.start.play()

    def fade_out(self, seconds: float) -> None:
        self.level.time = seconds
        self.level.value = 0.0


class MelodicPads:
    """16 pads playing the notes of a key and scale with a bass or keys sound."""

    def __init__(self, server: pyo.Server, root: int = 0, scale: str = "major", sound: str = "keys",
                 octave: int | None = None, volume_db: float = 0.0):
        """octave: where pad 0 (the root) sits; by default the sound's own (DEFAULT_OCTAVES)."""
        self._sample_rate = int(server.getSamplingRate())
        self._silence = pyo.DataTable(size=2)
        self._players = [(NotePlayer(self._silence), NotePlayer(self._silence)) for _ in range(PAD_COUNT)]
        self._turn = [0] * PAD_COUNT  # which of a pad's two players has its latest hit
        self._tables: dict[int, tuple[pyo.DataTable, float]] = {}  # note -> (table, length_s)
        self.sound = ""
        self.root, self.scale, self.octave = 0, "major", 0
        self._notes: list[int] = []
        start_gain = db_to_amp(volume_db)
        self._gain = pyo.SigTo(start_gain, time=VOLUME_GLIDE_S, init=start_gain)
        self._mono = pyo.Mix([player.reader for pair in self._players for player in pair], voices=1)
        # The limiter's gain alone (outputAmp), applied to the mix itself: no look-ahead delay,
        # so a note sounds from its trigger, and silence in stays exactly 0 out.
        self._detector = self._mono + DETECTOR_FLOOR
        self._limit_gain = pyo.Compress(self._detector, thresh=PEAK_DBFS, ratio=PILE_UP_RATIO,
                                        risetime=PILE_UP_ATTACK_S, falltime=PILE_UP_RELEASE_S, knee=0,
                                        outputAmp=True)
        self._limited = self._mono * self._limit_gain
        self.output = pyo.Mix(self._limited, voices=2, mul=self._gain)
        self._load(root, scale, _check_sound(sound), DEFAULT_OCTAVES[sound] if octave is None else octave)

    @property
    def notes(self) -> list[int]:
        """The MIDI note of each pad, pad 0 (bottom left) first."""
        return list(self._notes)

    def hit(self, pad: int, velocity: float) -> None:
        """Play a pad's note from the first sample of the next audio block."""
        _check_pad(pad)
        if not 0.0 <= velocity <= 1.0:
            raise ValueError(f"a pad's velocity must be in range 0..1, got {velocity!r}")
        players = self._players[pad]
        players[self._turn[pad]].fade_out(RESTART_FADE_S)  # silent already: changes nothing
        self._turn[pad] ^= 1
        table, length_s = self._tables[self._notes[pad]]
        players[self._turn[pad]].play(table, length_s, velocity)

    def release(self, pad: int) -> None:
        """The finger is lifted: the pad's note fades out over RELEASE_S."""
        _check_pad(pad)
        self._players[pad][self._turn[pad]].fade_out(RELEASE_S)

    def set_scale(self, root: int, scale: str, octave: int) -> None:
        """New notes for the pads from their next hit. The octave is kept within the sound's
        range (see scales.fit_octave); ``octave`` tells where it ended up."""
        self._load(root, scale, self.sound, octave)

    def set_sound(self, sound: str) -> None:
        """Bass or keys from the next hit, in the same key; the octave moves into the new
        sound's range if it was outside it."""
        if _check_sound(sound) != self.sound:
            self._load(self.root, self.scale, sound, self.octave)

    def set_volume_db(self, volume_db: float) -> None:
        self._gain.value = db_to_amp(volume_db)

    def _load(self, root: int, scale: str, sound: str, octave: int) -> None:
        """Make tables for the notes that are new; keep those that stay (by note, not by pad)."""
        root, scale, octave = check_root(root), check_scale(scale), fit_octave(sound, octave)
        notes = pad_notes(root, scale, octave)
        kept = self._tables if sound == self.sound else {}
        self._tables = {note: kept[note] if note in kept else self._make_table(sound, note) for note in notes}
        self.root, self.scale, self.sound, self.octave, self._notes = root, scale, sound, octave, notes

    def _make_table(self, sound: str, note: int) -> tuple[pyo.DataTable, float]:
        samples = render_note(sound, note, self._sample_rate)
        table = pyo.DataTable(size=len(samples))
        np.asarray(table.getBuffer())[:] = samples  # far faster than a list through init=
        return table, len(samples) / self._sample_rate


def _check_pad(pad: int) -> None:
    if not 0 <= pad < PAD_COUNT:
        raise ValueError(f"a pad must be in range 0..{PAD_COUNT - 1}, got {pad!r}")


def _check_sound(sound: str) -> str:
    if sound not in SOUNDS:
        raise ValueError(f"unknown sound {sound!r}; the sounds are: {', '.join(SOUNDS)}")
    return sound
