"""A take played back with its backing, rendered in pyo manual mode: the voice lands on the
song exactly where it was sung (after skipping the take's align_frames)."""

import numpy as np
import pytest
import soundfile

from studio.audio.render import render_manual
from studio.beats.model import Beat, PadSettings
from studio.beats.pad_sounds import PadSounds
from studio.controls import check_action
from studio.engine.studio_graph import StudioGraph
from tests.studio.signals import onsets
from tests.studio.take_render import play_take_alone

SR = 48000
BLOCK = 256
CLICK = np.exp(-np.arange(600) / 40.0).astype(np.float32)


def test_the_take_and_its_beat_start_on_the_same_sample(tmp_path):
    align = 5000  # a count-in and a round trip's worth, before the song's first beat
    take = np.zeros(SR, dtype=np.float32)
    take[:align] = 0.3  # count-in noise, skipped on playback
    take[align:align + len(CLICK)] += CLICK
    path = tmp_path / "take.wav"
    soundfile.write(path, take, SR, subtype="FLOAT")
    beat = Beat(bpm=120.0)
    beat.patterns["A"].rows[0].velocities[0] = 1.0
    beat.pads[0] = PadSettings(pan=-1.0)  # the beat's click on the left only; the take is in both
    sounds = PadSounds.silent()
    sounds.samples[0] = CLICK
    holder = {}

    def build(server):
        graph = StudioGraph(server, values={("master", "volume_db"): 0.0, ("master", "headphone_cap_db"): 0.0},
                            beat=beat, pad_sounds=sounds)
        holder["graph"] = graph
        return graph.master.limited

    def between(block):
        graph = holder["graph"]
        if block == 10:
            graph.take_player.load(str(path), align, SR)
            graph.take_player.start(with_backing=True)
            graph.start_backing("beat", count_in=False)
        if block == 12:
            graph.apply(check_action("beats", "playing", 0))

    left, right = render_manual(build, 0.3, SR, BLOCK, between_blocks=between)
    take_onsets = onsets(right, threshold=1e-3, min_gap=200)
    beat_onsets = onsets(left - right, threshold=1e-3, min_gap=200)
    assert len(take_onsets) == 1 and len(beat_onsets) == 1
    assert take_onsets[0] == beat_onsets[0]  # to the sample
    assert np.abs(right[:take_onsets[0]]).max() == 0.0  # none of the count-in noise


def test_a_trimmed_take_is_silent_outside_what_is_kept_and_fades_at_its_edges(tmp_path):
    take = np.full(SR, 0.5, dtype=np.float32)  # a second of steady sound
    path = tmp_path / "take.wav"
    soundfile.write(path, take, SR, subtype="FLOAT")
    left, _, _ = play_take_alone(path, 0, SR, 1.2, keep_s=(0.2, 0.7), fades_s=(0.1, 0.0))
    start = 4 * BLOCK + 1 + 48  # + the master bus's 1 ms look-ahead
    level = np.abs(left[start:start + SR])
    assert level[:int(0.2 * SR) - 10].max() < 1e-3  # trimmed off the front
    assert level[int(0.25 * SR)] == pytest.approx(0.25, abs=0.02)  # half way through the fade in
    assert level[int(0.5 * SR)] == pytest.approx(0.5, abs=0.01)
    assert level[int(0.7 * SR) + 10:].max() < 1e-3  # trimmed off the end
