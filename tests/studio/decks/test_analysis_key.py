"""The key, from a chroma and the Krumhansl-Schmuckler profiles; "" when no key stands out."""

import numpy as np
import pytest

from studio.decks.analysis.key import chroma_frames, estimate_key
from studio.decks.analysis.track_analysis import analyse_samples
from tests.studio.decks.track_audio import chords, drum_loop, stereo, tone

A3, C4, D4, E4, F4, G4 = 220.0, 261.63, 293.66, 329.63, 349.23, 392.0
GS4, A4, B4, C5, D5 = 415.3, 440.0, 493.88, 523.25, 587.33
A_MINOR = [(A3, C4, E4), (D4, F4, A4), (E4, GS4, B4), (A3, C4, E4)]  # i iv V i
C_MAJOR = [(C4, E4, G4), (F4, A4, C5), (G4, B4, D5), (C4, E4, G4)]  # I IV V I


@pytest.mark.parametrize("progression,key", [(A_MINOR, "A minor"), (C_MAJOR, "C major")])
def test_a_chord_progression_names_its_key(progression, key):
    analysis, _ = analyse_samples(chords(progression, 1.5), 44100)
    assert analysis.key == key and analysis.key_confidence > 0.5


def test_a_transposed_progression_names_the_transposed_key():
    up_a_tone = [tuple(f * 2 ** (2 / 12) for f in chord) for chord in A_MINOR]
    assert analyse_samples(chords(up_a_tone, 1.5), 44100)[0].key == "B minor"


@pytest.mark.parametrize("name,samples", [
    ("silence", np.zeros((44100 * 5, 2), np.float32)),
    ("white noise", (0.2 * np.random.default_rng(4).standard_normal((44100 * 5, 2))).astype(np.float32)),
    ("one held note", stereo(tone(440.0, 5.0))),
])
def test_no_key_stands_out_in_noise_silence_or_a_single_note(name, samples):
    analysis, _ = analyse_samples(samples, 44100)
    assert analysis.key == ""


def test_the_chroma_puts_a_note_in_its_pitch_class():
    chroma, frames_per_s = chroma_frames(tone(440.0 * 2 ** (3 / 12), 3.0, 22050), 22050)  # C5
    assert int(np.argmax(chroma.sum(axis=0))) == 0  # C
    assert frames_per_s == pytest.approx(22050 / 2048)


def test_drums_do_not_drown_the_chords():
    music = chords(A_MINOR, 60 / 110 * 4, repeats=3)
    beat = drum_loop(110.0, len(music) / 44100)[: len(music)]
    key, _ = estimate_key(chroma_frames((music + 0.7 * beat).mean(axis=1), 44100)[0])
    assert key == "A minor"
