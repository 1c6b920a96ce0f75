"""Test pieces with a known tempo and first downbeat, for the BPM detector's benchmark and tests.

    from studio.decks.demo_synth.tempo_set import TempoCase, make_tempo_set
    cases = make_tempo_set(sample_rate=22050, seconds=30.0)  # ~6 s of CPU; ~210 MB of samples

    make_tempo_case(name, ...)       one case of the set by name (recipe_names() lists them)
    make_click_case(bpm, ...)        a click on every beat, the downbeat accented: for unit tests

The truth is what each piece was rendered with: every hit lands on the exact sample its grid
gives (see render.Grid). The set leans on what trips detectors: half-time trap (read at half
or double), drum & bass with breakbeat kicks (read at half), heavy swing, the dembow's 3+3+2
(read at two thirds), a triplet shuffle, sparse piano and kick, tempos that are not whole
numbers, downbeats after silence or a pickup, and pieces whose drums come in after 8 s.
Nothing is shipped: the set is made on the fly, the same every time (fixed seeds).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from studio.decks.demo_synth import styles
from studio.decks.demo_synth.arrangement import Piece, bars_to_fill, render_piece
from studio.decks.demo_synth.harmony import Key
from studio.decks.demo_synth.style import Section, Style

LATE_DRUMS_S = 8.0  # the late-drums pieces have no drums before this


@dataclass(frozen=True, eq=False)
class TempoCase:
    name: str
    style: str
    bpm: float
    first_downbeat_s: float  # bar 1, beat 1
    samples: np.ndarray  # (frames, 2) float32
    sample_rate: int


@dataclass(frozen=True)
class _Recipe:
    name: str
    style: Style
    bpm: float
    key: Key
    first_downbeat_s: float = 0.0
    swing: float | None = None
    pickup: tuple[tuple[str, str], ...] = ()  # (drum voice, one bar before the downbeat)
    late_drums: bool = False
    parts: tuple[str, ...] | None = None  # None: all of the style's parts


A, C, D, E, F, G = 9, 0, 2, 4, 5, 7
MINOR, MAJOR = "minor", "major"
SNARE_ROLL = (("snare", "............xxXX"),)
HAT_ROLL = (("hat", "........x.x.3333"),)
SHAKER_PICKUP = (("shaker", "........o-x-o-x-"),)

_RECIPES = (
    # House, four on the floor: the easy ones, and a downbeat after 0.37 s of silence.
    _Recipe("house-118", styles.HOUSE, 118.0, Key(A, MINOR), parts=("bass", "keys")),
    _Recipe("house-120", styles.HOUSE, 120.0, Key(F, MINOR), 0.05, parts=("bass", "stabs")),
    _Recipe("house-122", styles.HOUSE, 122.0, Key(D, MINOR), 0.12, parts=("bass", "pad", "lead")),
    _Recipe("house-123.5", styles.HOUSE, 123.5, Key(G, MINOR), parts=("bass", "stabs", "lead")),
    _Recipe("house-124", styles.HOUSE, 124.0, Key(C, MINOR), 0.8, pickup=SHAKER_PICKUP, parts=("bass", "keys")),
    _Recipe("house-125", styles.HOUSE, 125.0, Key(E, MINOR), parts=("bass", "pad")),
    _Recipe("house-126-silence-first", styles.HOUSE, 126.0, Key(A, MINOR), 0.37, parts=("bass", "stabs")),
    _Recipe("house-128", styles.HOUSE, 128.0, Key(F, MINOR), 0.02, parts=("bass", "stabs", "pad")),
    # Trap: the snare on 3 makes it feel like half the tempo; hat rolls make it feel like double.
    _Recipe("trap-halftime-135", styles.TRAP, 135.0, Key(A, MINOR)),
    _Recipe("trap-halftime-140", styles.TRAP, 140.0, Key(G, MINOR)),
    _Recipe("trap-halftime-141.7", styles.TRAP, 141.7, Key(F, MINOR), 0.6, pickup=HAT_ROLL),
    _Recipe("trap-halftime-145", styles.TRAP, 145.0, Key(C, MINOR), 0.21),
    _Recipe("trap-halftime-150", styles.TRAP, 150.0, Key(E, MINOR)),
    # Drum & bass: two kicks a bar, off the beat in the second bar.
    _Recipe("dnb-breakbeat-168", styles.DRUM_AND_BASS, 168.0, Key(F, MINOR)),
    _Recipe("dnb-breakbeat-170", styles.DRUM_AND_BASS, 170.0, Key(G, MINOR), 0.3),
    _Recipe("dnb-breakbeat-172", styles.DRUM_AND_BASS, 172.0, Key(D, MINOR), 0.7, pickup=SNARE_ROLL),
    _Recipe("dnb-breakbeat-174", styles.DRUM_AND_BASS, 174.0, Key(E, MINOR)),
    _Recipe("dnb-breakbeat-178", styles.DRUM_AND_BASS, 178.0, Key(A, MINOR), 0.05),
    # Boom-bap with heavy swing: the off-beat sixteenths a third of a step or more late.
    _Recipe("boom-bap-swing-85", styles.BOOM_BAP, 85.0, Key(D, MINOR), swing=0.66),
    _Recipe("boom-bap-swing-88", styles.BOOM_BAP, 88.0, Key(A, MINOR), 0.15, swing=0.64),
    _Recipe("boom-bap-swing-90", styles.BOOM_BAP, 90.0, Key(C, MINOR), swing=0.62),
    _Recipe("boom-bap-swing-92", styles.BOOM_BAP, 92.0, Key(E, MINOR), 0.9, swing=0.66, pickup=SNARE_ROLL),
    _Recipe("boom-bap-swing-95", styles.BOOM_BAP, 95.0, Key(G, MINOR), swing=0.7),
    _Recipe("boom-bap-97.3", styles.BOOM_BAP, 97.3, Key(F, MINOR), 0.4, swing=0.58),
    # Lo-fi: soft kicks, swing, keys that ring over the beat.
    _Recipe("lo-fi-70", styles.LOFI, 70.0, Key(F, MAJOR)),
    _Recipe("lo-fi-74", styles.LOFI, 74.0, Key(C, MAJOR), 0.33),
    _Recipe("lo-fi-80", styles.LOFI, 80.0, Key(G, MAJOR), swing=0.66),
    # Dembow: kick on every beat under a 3+3+2 snare, read at two thirds or four thirds.
    _Recipe("dembow-92", styles.DEMBOW, 92.0, Key(A, MINOR)),
    _Recipe("dembow-95", styles.DEMBOW, 95.0, Key(G, MINOR), 0.25),
    _Recipe("dembow-98", styles.DEMBOW, 98.0, Key(E, MINOR)),
    # A shuffle: three to a beat (12/8), counted in four.
    _Recipe("shuffle-triplet-96", styles.SHUFFLE, 96.0, Key(E, MINOR)),
    _Recipe("shuffle-triplet-100", styles.SHUFFLE, 100.0, Key(A, MAJOR), 0.18),
    _Recipe("shuffle-triplet-104", styles.SHUFFLE, 104.0, Key(G, MAJOR)),
    # Piano and a kick on 1 and 3: little to lock on to.
    _Recipe("sparse-piano-kick-72", styles.SPARSE_PIANO, 72.0, Key(C, MAJOR)),
    _Recipe("sparse-piano-kick-76", styles.SPARSE_PIANO, 76.0, Key(D, MAJOR), 0.5),
    # Disco and funk: four on the floor with busy sixteenths, one with a fill before the downbeat.
    _Recipe("funk-108", styles.FUNK, 108.0, Key(E, "dorian"), parts=("bass", "keys")),
    _Recipe("disco-112", styles.FUNK, 112.0, Key(A, "dorian"), 0.75, pickup=SNARE_ROLL, parts=("bass", "pad")),
    _Recipe("funk-115", styles.FUNK, 115.0, Key(D, "dorian"), parts=("bass", "keys", "lead")),
    # No drums at all in the first 8 seconds: keys alone, then the beat comes in.
    _Recipe("late-drums-house-121", styles.HOUSE, 121.0, Key(A, MINOR), late_drums=True, parts=("bass", "keys")),
    _Recipe("late-drums-lo-fi-78", styles.LOFI, 78.0, Key(F, MAJOR), 0.2, late_drums=True),
)


def _piece(recipe: _Recipe, seconds: float) -> Piece:
    style = recipe.style
    parts = tuple(style.parts) if recipe.parts is None else recipe.parts
    bars_left = bars_to_fill(seconds, recipe.bpm, recipe.first_downbeat_s)
    sections = []
    if recipe.late_drums:
        keys_bars = bars_to_fill(LATE_DRUMS_S, recipe.bpm, recipe.first_downbeat_s)
        sections.append(Section("keys alone", keys_bars, None, ("keys",)))
        bars_left -= keys_bars
    elif "intro" in style.grooves:
        sections.append(Section("intro", 2, "intro"))
        bars_left -= 2
    while bars_left > 0:  # phrases of 8 bars, each ending in a fill
        bars = min(8, bars_left)
        sections.append(Section("body", bars, "main", parts, fill=True, crash=True))
        bars_left -= bars
    return Piece(style, recipe.bpm, recipe.key, tuple(sections), seed=zlib.crc32(recipe.name.encode()),
                 first_downbeat_s=recipe.first_downbeat_s, pickup=dict(recipe.pickup), seconds=seconds,
                 swing=recipe.swing)


def make_tempo_set(sample_rate: int = 22050, seconds: float = 30.0) -> list[TempoCase]:
    """About 40 pieces from 70 to 180 BPM, each `seconds` long, with their true tempo and first
    downbeat."""
    _check_seconds(seconds)
    return [_render(recipe, sample_rate, seconds) for recipe in _RECIPES]


def _render(recipe: _Recipe, sample_rate: int, seconds: float) -> TempoCase:
    rendered = render_piece(_piece(recipe, seconds), sample_rate)
    return TempoCase(recipe.name, recipe.style.name, recipe.bpm, recipe.first_downbeat_s, rendered.samples,
                     sample_rate)


def make_click_case(bpm: float, seconds: float = 10.0, sample_rate: int = 22050,
                    first_downbeat_s: float = 0.0, beats_per_bar: int = 4) -> TempoCase:
    """The simplest case: a click on every beat, the first of each bar higher and louder."""
    if not 30.0 <= bpm <= 300.0:
        raise ValueError(f"bpm must be in range 30..300, got {bpm!r}")
    frames = round(seconds * sample_rate)
    samples = np.zeros((frames, 2), dtype=np.float32)
    click_frames = int(0.03 * sample_rate)
    t = np.arange(click_frames) / sample_rate
    envelope = np.exp(-t / 0.006) * np.clip(t / 0.0005, 0.0, 1.0)
    clicks = {
        True: (0.8 * np.sin(2 * np.pi * 1500.0 * t) * envelope).astype(np.float32),  # the downbeat
        False: (0.45 * np.sin(2 * np.pi * 1000.0 * t) * envelope).astype(np.float32),
    }
    beat = 0
    while (start := round((first_downbeat_s + beat * 60.0 / bpm) * sample_rate)) < frames:
        click = clicks[beat % beats_per_bar == 0][: frames - start]
        samples[start:start + len(click)] += click[:, None]
        beat += 1
    return TempoCase(f"click-{bpm:g}", "click", float(bpm), first_downbeat_s, samples, sample_rate)


def _check_seconds(seconds: float) -> None:
    if not seconds >= 2 * LATE_DRUMS_S:
        raise ValueError(f"seconds must be at least {2 * LATE_DRUMS_S:g} (some pieces have no drums for the "
                         f"first {LATE_DRUMS_S:g} s), got {seconds!r}")


def recipe_names() -> list[str]:
    return [recipe.name for recipe in _RECIPES]


def make_tempo_case(name: str, sample_rate: int = 22050, seconds: float = 30.0) -> TempoCase:
    """One case of the set by name (quicker than the whole set, for a focused test)."""
    _check_seconds(seconds)
    recipe = next((r for r in _RECIPES if r.name == name), None)
    if recipe is None:
        raise ValueError(f"there is no tempo case {name!r}; the cases are: {', '.join(recipe_names())}")
    return _render(recipe, sample_rate, seconds)
