"""The note pads inside the whole studio graph: keys controls reach them, and they are heard
through the master bus at the pitch of the key's notes."""

import numpy as np
import pytest

from studio.audio.render import render_manual
from studio.controls import check_action
from studio.engine.studio_graph import StudioGraph
from studio.melody.scales import pad_notes

SR = 48000
BLOCK = 256


def pitch_hz(samples: np.ndarray) -> float:
    """The strongest frequency, refined between FFT bins by a parabola."""
    windowed = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(windowed, n=8 * len(samples)))
    peak = int(np.argmax(spectrum[10:])) + 10
    a, b, c = np.log(spectrum[peak - 1:peak + 2])
    return (peak + 0.5 * (a - c) / (a - 2 * b + c)) * SR / (8 * len(samples))


def render_actions(actions_at_block: dict, duration_s: float, values=None):
    holder = {}

    def build(server):
        holder["graph"] = StudioGraph(server, values={("master", "volume_db"): 0.0, ("master", "headphone_cap_db"): 0.0,
                                                      **(values or {})})
        return holder["graph"].master.output

    def between(block):
        for group, control, value in actions_at_block.get(block, []):
            holder["graph"].apply(check_action(group, control, value))

    return render_manual(build, duration_s, SR, BLOCK, between_blocks=between), holder


def test_a_note_pad_sounds_its_note_in_the_chosen_key():
    actions = {2: [("keys", "sound", 0), ("keys", "root", 4), ("keys", "scale", 4), ("keys", "octave", 2)],
               10: [("keys", "note_4", 1.0)]}  # E blues, bass: the fourth pad is the flat fifth, A#
    audio, holder = render_actions(actions, 0.6)
    note = pad_notes(4, "blues", 2)[3]
    assert note % 12 == 10  # A#
    heard = pitch_hz(audio[0, 10 * BLOCK + 2400:10 * BLOCK + 2400 + 8192])
    expected = 440.0 * 2 ** ((note - 69) / 12)
    assert 1200 * abs(np.log2(heard / expected)) < 5  # cents
    assert ("keys", "note_4") not in holder["graph"].values  # a note is an event, not a setting


def test_letting_go_of_a_note_pad_silences_it():
    audio, _ = render_actions({5: [("keys", "note_1", 1.0)], 40: [("keys", "note_1", 0.0)]}, 0.6)
    assert np.abs(audio[0, 20 * BLOCK:40 * BLOCK]).max() > 0.05
    assert np.abs(audio[0, 40 * BLOCK + int(0.1 * SR):]).max() == 0.0


def test_a_bass_cannot_be_set_above_its_range():
    _, holder = render_actions({1: [("keys", "sound", 0), ("keys", "octave", 4)]}, 0.05)
    assert holder["graph"].values[("keys", "octave")] == 3.0  # the bass's highest start


def test_the_note_pads_volume_turns_them_down():
    loud, _ = render_actions({1: [("keys", "note_1", 1.0)]}, 0.3)
    quiet, _ = render_actions({1: [("keys", "note_1", 1.0)]}, 0.3, values={("keys", "volume_db"): -12.0})
    ratio_db = 20 * np.log10(np.abs(quiet[0]).max() / np.abs(loud[0]).max())
    assert ratio_db == pytest.approx(-12.0, abs=0.5)
